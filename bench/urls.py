"""The site's URLs plus the framework's floor: a view that only returns a few bytes."""

from django.db import connection
from django.http import HttpResponse
from django.urls import path
from django.views.decorators.http import require_GET

from lms.urls import urlpatterns as site_urlpatterns


@require_GET
def floor(request):
    return HttpResponse(b"ok", content_type="text/plain")


@require_GET
def progress_sql_floor(request):
    """The least the progress page can do: one SQL aggregate over the signed-in user's log.

    The user is loaded by the middleware as for every page, so the difference from /progress/
    is the page's own work (bench/progress.py).
    """
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT sum(paid_hours), sum(pro_bono_hours), count(*)"
            " FROM credentials_coachinglogentry WHERE trainee_id = %s",
            [request.user.pk],
        )
        paid, pro_bono, entries = cursor.fetchone()
    return HttpResponse(f"{paid} {pro_bono} {entries}".encode(), content_type="text/plain")


# First, so that Wagtail's catch-all page route never sees /bench/floor/.
urlpatterns = [
    path("bench/floor/", floor, name="bench_floor"),
    path("bench/floor/progress-sql/", progress_sql_floor, name="bench_progress_sql_floor"),
    *site_urlpatterns,
]
