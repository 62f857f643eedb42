from django.apps import AppConfig
from wagtail.users.apps import WagtailUsersAppConfig


class LmsConfig(AppConfig):
    name = "lms"
    verbose_name = "People and roles"
    default = True  # this module holds a second config, for Wagtail's users app

    def ready(self):
        from lms import signals  # noqa: F401  (connects the receivers)


class WagtailUsersConfig(WagtailUsersAppConfig):
    """Wagtail's users app with our user editor, which keeps admin power to superusers."""

    user_viewset = "lms.wagtail_users.UserViewSet"
