"""The site's URLs plus views that fail, for the error-page tests."""

from django.core.exceptions import PermissionDenied
from django.urls import path

from lms.urls import handler403  # noqa: F401
from lms.urls import urlpatterns as site_urlpatterns


def refuse_with_internal_detail(request):
    raise PermissionDenied("Internal: library check failed for row 42.")


def fail(request):
    raise RuntimeError("boom")


urlpatterns = [
    path("test-errors/refuse/", refuse_with_internal_detail),
    path("test-errors/fail/", fail),
    *site_urlpatterns,
]
