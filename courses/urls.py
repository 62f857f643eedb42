from django.urls import path
from django.views.generic import TemplateView

app_name = "courses"
urlpatterns = [
    path("journal/", TemplateView.as_view(template_name="base.html"), name="journal_list"),
]
