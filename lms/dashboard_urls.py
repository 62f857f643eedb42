from django.urls import path

from lms.dashboards import dashboard

urlpatterns = [
    path("dashboard/", dashboard, name="dashboard"),
]
