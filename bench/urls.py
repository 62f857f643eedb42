"""The site's URLs plus the framework's floor: a view that only returns a few bytes."""

from django.http import HttpResponse
from django.urls import path
from django.views.decorators.http import require_GET

from lms.urls import urlpatterns as site_urlpatterns


@require_GET
def floor(request):
    return HttpResponse(b"ok", content_type="text/plain")


# First, so that Wagtail's catch-all page route never sees /bench/floor/.
urlpatterns = [path("bench/floor/", floor, name="bench_floor"), *site_urlpatterns]
