from django.urls import path

from courses.grading import gradebook_views, views

# Included into the courses URLconf, so names are "courses:<name>".
urlpatterns = [
    path(
        "modules/<int:page_id>/assignments/<str:block_id>/",
        views.assignment,
        name="assignment",
    ),
    path("modules/<int:page_id>/quizzes/<str:block_id>/", views.quiz, name="quiz"),
    path("files/<str:token>/", views.file, name="grading_file"),
    path("grading/", views.queue, name="grading_queue"),
    path("grading/gradebook/", gradebook_views.gradebook_index, name="gradebook_index"),
    path("grading/gradebook/<int:cohort_id>/", gradebook_views.gradebook_cohort, name="gradebook"),
    path(
        "grading/gradebook/<int:cohort_id>/export.<str:file_format>",
        gradebook_views.gradebook_download,
        name="gradebook_download",
    ),
    path(
        "grading/<int:submission_id>/history/",
        gradebook_views.grade_history,
        name="grade_history",
    ),
    path("grading/<int:submission_id>/", views.grade, name="grading_grade"),
    path("grading/<int:submission_id>/claim/", views.claim, name="grading_claim"),
    path(
        "grading/<int:submission_id>/observations/",
        views.observation_add,
        name="grading_observation_add",
    ),
    path(
        "grading/<int:submission_id>/observations/<int:observation_id>/delete/",
        views.observation_remove,
        name="grading_observation_remove",
    ),
]
