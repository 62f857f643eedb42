"""Version stamps that let reads keep what they derived, kept in step with every change.

- The page tree (courses.models.PageTreeVersion) gets a new token whenever any page is saved,
  moved or deleted, or a site changes: publishing, unpublishing, moving, copying and deleting
  pages all save or delete page rows, in the Wagtail admin or anywhere else (a move updates
  the subtree's paths with one UPDATE, then saves the page that moved, in one transaction).
- A trainee's learning_version changes with their enrolments and module completions, and when
  the cohort they are enrolled in is renamed. Cohorts and completed modules cannot be deleted
  (PROTECT), so deletions reach the enrolment and completion receivers.

Bulk writes (QuerySet.update, bulk_create) send no signals: code that makes them on these
models must call the services below itself.
"""

from django.db.models.signals import post_delete, post_save
from wagtail.models import Site, get_page_models

from courses import services
from courses.models import Cohort, Enrolment, ModuleCompletion


def page_tree_changed(**kwargs):
    services.page_tree_version_bump()


def trainee_learning_changed(*, instance, **kwargs):
    services.trainees_learning_version_bump(trainee_ids=[instance.trainee_id])


def cohort_saved(*, instance, created, **kwargs):
    if not created:  # a new cohort has no trainees yet
        services.trainees_learning_version_bump(
            trainee_ids=Enrolment.objects.filter(cohort=instance).values("trainee_id")
        )


def connect() -> None:
    for model in (*get_page_models(), Site):
        post_save.connect(page_tree_changed, sender=model, dispatch_uid=f"tree-save-{model}")
        post_delete.connect(page_tree_changed, sender=model, dispatch_uid=f"tree-del-{model}")
    for model in (Enrolment, ModuleCompletion):
        post_save.connect(trainee_learning_changed, sender=model, dispatch_uid=f"learn-{model}")
        post_delete.connect(trainee_learning_changed, sender=model, dispatch_uid=f"unlearn-{model}")
    post_save.connect(cohort_saved, sender=Cohort, dispatch_uid="cohort-saved")
