from django.apps import AppConfig


class LmsConfig(AppConfig):
    name = "lms"
    verbose_name = "People and roles"

    def ready(self):
        from lms import signals  # noqa: F401  (connects the receivers)
