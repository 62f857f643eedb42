from django.urls import path

from courses.grading import views

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
