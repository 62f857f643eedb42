from django.urls import path

from courses import views
from courses.grading.urls import urlpatterns as grading_urlpatterns

app_name = "courses"
urlpatterns = [
    path("programmes/<int:page_id>/enrol/", views.enrol, name="enrol"),
    path("modules/<int:page_id>/blocks/<str:block_id>/done/", views.block_done, name="block_done"),
    path(
        "modules/<int:page_id>/blocks/<str:block_id>/reflection/",
        views.reflection_save,
        name="reflection_save",
    ),
    path("modules/<int:page_id>/complete/", views.module_complete, name="module_complete"),
    path(
        "live-sessions/<int:session_id>/calendar.ics",
        views.live_session_calendar,
        name="live_session_calendar",
    ),
    path("journal/", views.journal_list, name="journal_list"),
    path("journal/new/", views.journal_create, name="journal_create"),
    path("journal/<int:entry_id>/edit/", views.journal_edit, name="journal_edit"),
    path("journal/<int:entry_id>/delete/", views.journal_delete, name="journal_delete"),
    path("trainer/cohorts/<int:cohort_id>/", views.trainer_cohort, name="trainer_cohort"),
    path(
        "trainer/cohorts/<int:cohort_id>/trainees/<int:user_id>/",
        views.trainer_trainee,
        name="trainer_trainee",
    ),
    path("trainer/sessions/<int:session_id>/attendance/", views.attendance, name="attendance"),
    *grading_urlpatterns,
]
