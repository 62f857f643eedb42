"""URLs of the credentials app; each area's views module holds its own `urlpatterns`."""

from credentials.views import awards, imports, mentoring, progress, records

app_name = "credentials"
urlpatterns = [
    *records.urlpatterns,
    *mentoring.urlpatterns,
    *imports.urlpatterns,
    *progress.urlpatterns,
    *awards.urlpatterns,
]
