"""The nightly evaluation: newly eligible trainees are emailed once, however often it runs."""

import pytest
from django.conf import settings
from django.core import mail

from credentials import selectors, services
from credentials.models import EligibilityNotice
from credentials.tasks import evaluate_all_trainees
from tests.credentials.eligible import make_acc_eligible, today
from tests.factories.people import make_trainee

pytestmark = pytest.mark.django_db


def eligibility_emails():
    return [m for m in mail.outbox if m.subject.startswith("You can now apply")]


def test_two_runs_email_each_eligible_trainee_exactly_once(django_capture_on_commit_callbacks):
    eligible = [make_acc_eligible() for _ in range(3)]
    make_trainee()  # not eligible: never emailed
    with django_capture_on_commit_callbacks(execute=True):
        assert evaluate_all_trainees.delay().get() == 3
    with django_capture_on_commit_callbacks(execute=True):
        assert evaluate_all_trainees.delay().get() == 0
    emails = eligibility_emails()
    assert sorted(to for m in emails for to in m.to) == sorted(t.email for t in eligible)
    assert "You can apply from your progress page" in emails[0].body
    assert EligibilityNotice.objects.count() == 3


def test_batches_cover_every_trainee(django_capture_on_commit_callbacks):
    eligible = [make_acc_eligible() for _ in range(5)]
    with django_capture_on_commit_callbacks(execute=True):
        created = services.eligibility_notices_send(as_of=today(), batch_size=2)
    assert created == 5
    assert {n.trainee_id for n in EligibilityNotice.objects.all()} == {t.pk for t in eligible}


def test_queries_per_batch_do_not_grow_with_trainees(django_assert_max_num_queries):
    for _ in range(30):
        make_trainee()
    # pathways 1 + per batch: trainees 1 + records 5 + settled 2; plus the final empty batch
    with django_assert_max_num_queries(1 + 8 + 1):
        assert services.eligibility_notices_send(as_of=today(), batch_size=500) == 0


def test_credential_held_or_awarded_pathways_are_skipped():
    holder = make_acc_eligible()
    holder.credential_held = "ACC"
    holder.save(update_fields=["credential_held"])
    assert services.eligibility_notices_send(as_of=today()) == 0


def test_a_notice_already_sent_is_not_sent_again_even_past_the_check(
    django_capture_on_commit_callbacks,
):
    trainee = make_acc_eligible()
    acc = selectors.pathway_by_code(code="acc")
    with django_capture_on_commit_callbacks(execute=True):
        assert services.eligibility_notice_create(trainee=trainee, pathway=acc, as_of=today())
        assert (
            services.eligibility_notice_create(trainee=trainee, pathway=acc, as_of=today()) is None
        )
    assert len(eligibility_emails()) == 1


def test_the_job_is_scheduled_nightly():
    entry = settings.CELERY_BEAT_SCHEDULE["credentials-evaluate-all-trainees"]
    assert entry["task"] == evaluate_all_trainees.name
    assert entry["schedule"].hour == {2}
