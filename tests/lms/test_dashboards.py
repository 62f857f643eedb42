"""The dashboard for each role, and its query budget as data grows."""

import re
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from courses.models import LiveSession, ModuleCompletion
from courses.services import attendance_record, block_mark_done, enrolment_create, module_complete
from credentials.models import (
    ApplicationStatus,
    CredentialApplication,
    EducationRecord,
    ImportJob,
    ImportJobStatus,
    MentorSession,
    MentorSessionStatus,
)
from credentials.selectors import FAILED_IMPORTS_DAYS, pathway_by_code
from lms.models import Role
from lms.services import user_set_roles
from tests.factories.courses import (
    enrol_many_trainees,
    make_cohort,
    make_live_session,
    make_programme,
    modules_of,
    required_block_ids,
)
from tests.factories.people import make_mentor, make_programme_admin, make_trainee, make_trainer

pytestmark = pytest.mark.django_db

# Whatever the number of programmes, modules, completions, trainees or waiting items: session,
# user and the dashboard's own (role names come from the session): a trainer's cohorts, their
# modules, their completions and the registers to take; a mentor's sessions to confirm; a
# programme admin's three counts (applications, education records, failed imports). A
# trainee's dashboard is kept between requests: one query for its version stamps, three more
# after any change (and one for Wagtail's site root paths, which a new process reads once).
# Everyone's mentor bookings add two (next booking, credit ledger); a mentor's sessions to mark one.
BOOKINGS = 2
TRAINER_DASHBOARD_QUERIES = 7 + BOOKINGS  # and one for the grading queue summary
MENTOR_DASHBOARD_QUERIES = 3 + BOOKINGS + 1
PROGRAMME_ADMIN_DASHBOARD_QUERIES = 5 + BOOKINGS
TRAINEE_DASHBOARD_KEPT_QUERIES = 3 + BOOKINGS
TRAINEE_DASHBOARD_FRESH_QUERIES = 7 + BOOKINGS


def text_of(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


def main_of(response) -> str:
    """The page's main content (the header differs per response: its CSRF token)."""
    return re.search(r"<main.*</main>", response.content.decode(), re.DOTALL).group()


def complete(trainee, module):
    for block_id in required_block_ids(module):
        block_mark_done(trainee=trainee, module=module, block_id=block_id)
    return module_complete(trainee=trainee, module=module)


def test_anonymous_is_sent_to_sign_in(client):
    response = client.get(reverse("dashboard"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_trainee_sees_progress_next_module_hours_and_activity(client):
    trainee = make_trainee()
    programme = make_programme(title="Resilience Coaching", modules=3)
    enrolment_create(trainee=trainee, programme=programme)
    first, second, _ = modules_of(programme)
    complete(trainee, first)
    client.force_login(trainee)
    body = text_of(client.get(reverse("dashboard")))
    assert "Resilience Coaching" in body
    assert '<progress value="1" max="3"' in body
    assert "1 of 3 modules done (33%)" in body
    assert f'href="{second.url}">Continue: Module 2' in body
    assert '<p class="stat">2.5</p><p class="stat-label">Education hours in this programme' in body
    assert "Completed Module 1" in body
    assert "Enrolled in Resilience Coaching" in body
    assert "My cohorts" not in body


def test_the_kept_page_follows_progress_and_is_never_another_trainees(client):
    programme = make_programme(title="Resilience Coaching", modules=2)
    first, second = modules_of(programme)
    ana, ben = make_trainee(first_name="Ana"), make_trainee(first_name="Ben")
    enrolment_create(trainee=ana, programme=programme)
    complete(ana, first)
    client.force_login(ana)
    assert "1 of 2 modules done" in text_of(client.get(reverse("dashboard")))
    client.force_login(ben)
    body = text_of(client.get(reverse("dashboard")))
    assert "Welcome, Ben" in body and "You are not enrolled in a programme yet" in body
    client.force_login(ana)
    complete(ana, second)
    body = text_of(client.get(reverse("dashboard")))
    assert "Welcome, Ana" in body and "2 of 2 modules done" in body


def test_the_kept_page_shows_dates_in_the_trainees_current_time_zone(client):
    trainee = make_trainee(time_zone="UTC")
    programme = make_programme(modules=1)
    enrolment_create(trainee=trainee, programme=programme)
    completion = complete(trainee, modules_of(programme)[0])
    late_evening = datetime(2026, 3, 9, 23, 30, tzinfo=UTC)
    ModuleCompletion.objects.filter(pk=completion.pk).update(completed_at=late_evening)
    trainee.enrolments.update(enrolled_at=late_evening - timedelta(days=7))
    client.force_login(trainee)
    assert ">9 Mar 2026</time> · <a" in text_of(client.get(reverse("dashboard")))
    trainee.time_zone = "Pacific/Auckland"  # already 10 March there
    trainee.save(update_fields=["time_zone"])
    assert ">10 Mar 2026</time> · <a" in text_of(client.get(reverse("dashboard")))


def test_trainee_with_nothing_is_pointed_to_programmes(client):
    client.force_login(make_trainee())
    body = text_of(client.get(reverse("dashboard")))
    assert "You are not enrolled in a programme yet" in body


def test_trainer_sees_cohorts_with_count_and_average_progress(client):
    trainer = make_trainer()
    programme = make_programme(modules=2)
    cohort = make_cohort(programme=programme, trainers=[trainer], name="Autumn cohort")
    make_cohort(programme=programme, name="Someone else's cohort")
    trainees = [make_trainee() for _ in range(2)]
    for trainee in trainees:
        enrolment_create(
            trainee=trainee, programme=programme, invitation_code=cohort.invitation_code
        )
    complete(trainees[0], modules_of(programme)[0])
    # A completion in another programme never counts toward this cohort.
    other = make_programme(modules=1)
    enrolment_create(trainee=trainees[1], programme=other)
    complete(trainees[1], modules_of(other)[0])
    client.force_login(trainer)
    body = text_of(client.get(reverse("dashboard")))
    assert f'href="{reverse("courses:trainer_cohort", args=[cohort.pk])}">Autumn cohort' in body
    assert "2 trainees" in body
    assert "Average progress 25%" in body
    assert "Someone else" not in body
    assert "My learning" not in body


def test_user_with_both_roles_sees_both(client):
    user = make_trainee()
    user_set_roles(user=user, roles=(Role.TRAINEE, Role.TRAINER))
    client.force_login(user)
    body = text_of(client.get(reverse("dashboard")))
    assert "My learning" in body and "My cohorts" in body


def test_user_without_a_role_is_told_to_ask_for_access(client):
    user = make_trainee()
    user_set_roles(user=user, roles=())
    client.force_login(user)
    body = text_of(client.get(reverse("dashboard")))
    assert "Nothing to show here yet" in body and "Ask your programme team" in body


def logged_sessions(*, mentor, count: int, status=MentorSessionStatus.LOGGED):
    trainee = make_trainee()
    MentorSession.objects.bulk_create(
        MentorSession(
            trainee=trainee,
            mentor=mentor,
            mentor_credential=mentor.credential_held,
            date=timezone.localdate() - timedelta(days=1 + index),
            hours=Decimal(1),
            status=status,
        )
        for index in range(count)
    )


def test_mentor_starts_with_the_sessions_to_confirm(client):
    mentor = make_mentor(credential_held="PCC")
    logged_sessions(mentor=mentor, count=2)
    logged_sessions(mentor=mentor, count=1, status=MentorSessionStatus.CONFIRMED)
    logged_sessions(mentor=make_mentor(credential_held="PCC"), count=4)  # another mentor's
    client.force_login(mentor)
    body = text_of(client.get(reverse("dashboard")))
    assert '<span class="stat">2</span> <span class="stat-label">sessions to confirm' in body
    assert f'href="{reverse("credentials:mentor_sessions_led")}">Sessions I led' in body
    assert "Nothing to show here yet" not in body


def test_mentor_with_nothing_waiting_is_told_so(client):
    client.force_login(make_mentor())
    body = text_of(client.get(reverse("dashboard")))
    assert "No sessions are waiting for you" in body
    assert f'href="{reverse("credentials:mentor_sessions_led")}">Sessions I led' in body


def waiting_for_admins(count: int, *, age_days: int = 1) -> None:
    """`count` open applications, pending education records and failed imports."""
    acc = pathway_by_code(code="acc")
    trainees = [make_trainee() for _ in range(count)]
    CredentialApplication.objects.bulk_create(
        CredentialApplication(trainee=trainee, pathway=acc, as_of="2026-01-01", snapshot={})
        for trainee in trainees
    )
    EducationRecord.objects.bulk_create(
        EducationRecord(
            trainee=trainee,
            title="Coaching skills",
            provider="Coaching School",
            completed_on="2026-01-01",
            hours=Decimal(10),
            certificate="education-certificates/x.pdf",
        )
        for trainee in trainees
    )
    ImportJob.objects.bulk_create(
        ImportJob(
            kind="people",
            file="imports/people.csv",
            status=ImportJobStatus.FAILED,
            created_at=timezone.now() - timedelta(days=age_days),
        )
        for _ in range(count)
    )


def test_programme_admin_starts_with_what_waits_for_review(client):
    waiting_for_admins(3)
    waiting_for_admins(2, age_days=FAILED_IMPORTS_DAYS + 1)  # old failed imports are not news
    ImportJob.objects.create(kind="people", file="imports/ok.csv", status=ImportJobStatus.SUCCEEDED)
    CredentialApplication.objects.filter(pk=CredentialApplication.objects.first().pk).update(
        status=ApplicationStatus.APPROVED
    )
    client.force_login(make_programme_admin())
    body = text_of(client.get(reverse("dashboard")))
    assert '<p class="stat">4</p> <p class="stat-label">credential applications to review' in body
    assert '<p class="stat">5</p> <p class="stat-label">education records to review' in body
    assert (
        '<p class="stat">3</p> <p class="stat-label">imports stopped with errors in the last'
        in body
    )
    assert f'href="{reverse("credentials:application_list")}">Review applications' in body
    education = reverse("admin:credentials_educationrecord_changelist")
    assert f'href="{education}?status__exact=pending">Review education records' in body
    imports = reverse("admin:credentials_importjob_changelist")
    assert f'href="{imports}?status__exact=failed">See failed imports' in body
    assert 'href="/cms/"' in body
    assert "Nothing to show here yet" not in body


def test_the_links_open_the_waiting_work_for_the_programme_admin(client):
    waiting_for_admins(1)
    client.force_login(make_programme_admin())
    education = reverse("admin:credentials_educationrecord_changelist")
    imports = reverse("admin:credentials_importjob_changelist")
    for url in (
        reverse("credentials:application_list"),
        f"{education}?status__exact=pending",
        f"{imports}?status__exact=failed",
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        assert "?e=1" not in response.get("Location", "")


def past_sessions(*, cohort, module, count: int, days_ago: int = 2):
    starts_at = timezone.now() - timedelta(days=days_ago)
    return LiveSession.objects.bulk_create(
        LiveSession(
            module=module,
            cohort=cohort,
            starts_at=starts_at - timedelta(hours=index),
            ends_at=starts_at - timedelta(hours=index) + timedelta(minutes=45),
            location="Room 101",
        )
        for index in range(count)
    )


def test_trainer_starts_with_the_registers_to_take(client):
    trainer = make_trainer()
    programme = make_programme(modules=2, synchronous_every=2)
    live_module = modules_of(programme)[1]
    cohort = make_cohort(programme=programme, trainers=[trainer], name="Autumn cohort")
    trainee = make_trainee()
    enrolment_create(trainee=trainee, programme=programme, invitation_code=cohort.invitation_code)
    waiting, taken = past_sessions(cohort=cohort, module=live_module, count=2)
    attendance_record(session=taken, trainee=trainee, attended=True, recorded_by=trainer)
    make_live_session(module=live_module, cohort=cohort, days_ahead=7)  # not yet held
    other = make_cohort(programme=programme, name="Someone else's cohort")
    past_sessions(cohort=other, module=live_module, count=1)
    client.force_login(trainer)
    body = text_of(client.get(reverse("dashboard")))
    assert "1 live session ended with no attendance recorded" in body
    assert f'href="{reverse("courses:attendance", args=[waiting.pk])}">Record attendance' in body
    assert reverse("courses:attendance", args=[taken.pk]) not in body
    assert "Someone else" not in body
    assert "My cohorts" in body and "Autumn cohort" in body


def test_trainer_with_every_register_taken_is_told_so(client):
    trainer = make_trainer()
    make_cohort(programme=make_programme(modules=1), trainers=[trainer])
    client.force_login(trainer)
    body = text_of(client.get(reverse("dashboard")))
    assert "Every live session that has ended has its attendance recorded" in body


@pytest.mark.parametrize("count", [1, 50])
def test_mentor_dashboard_query_count_is_constant(client, django_assert_max_num_queries, count):
    mentor = make_mentor(credential_held="PCC")
    logged_sessions(mentor=mentor, count=count)
    client.force_login(mentor)
    client.get(reverse("dashboard"))
    with django_assert_max_num_queries(MENTOR_DASHBOARD_QUERIES):
        response = client.get(reverse("dashboard"))
    assert f'<span class="stat">{count}</span>' in text_of(response)


@pytest.mark.parametrize("count", [1, 50])
def test_programme_admin_dashboard_query_count_is_constant(
    client, django_assert_max_num_queries, count
):
    waiting_for_admins(count)
    client.force_login(make_programme_admin())
    client.get(reverse("dashboard"))
    with django_assert_max_num_queries(PROGRAMME_ADMIN_DASHBOARD_QUERIES):
        response = client.get(reverse("dashboard"))
    assert text_of(response).count(f'<p class="stat">{count}</p>') == 3


@pytest.mark.parametrize("count", [1, 50])
def test_trainer_registers_query_count_is_constant(client, django_assert_max_num_queries, count):
    trainer = make_trainer()
    programme = make_programme(modules=2, synchronous_every=2)
    cohort = make_cohort(programme=programme, trainers=[trainer])
    past_sessions(cohort=cohort, module=modules_of(programme)[1], count=count)
    client.force_login(trainer)
    client.get(reverse("dashboard"))
    with django_assert_max_num_queries(TRAINER_DASHBOARD_QUERIES):
        response = client.get(reverse("dashboard"))
    assert f"{count} live session{'s' if count > 1 else ''} ended" in text_of(response)


@pytest.mark.parametrize("modules", [1, 50])
def test_trainee_dashboard_query_count_is_constant(client, django_assert_max_num_queries, modules):
    trainee = make_trainee()
    for _ in range(2):
        programme = make_programme(modules=modules)
        enrolment_create(trainee=trainee, programme=programme)
        for module in modules_of(programme)[: max(1, modules // 2)]:
            complete(trainee, module)
    client.force_login(trainee)
    with django_assert_max_num_queries(TRAINEE_DASHBOARD_FRESH_QUERIES):
        first = client.get(reverse("dashboard"))
    with django_assert_max_num_queries(TRAINEE_DASHBOARD_KEPT_QUERIES):
        kept = client.get(reverse("dashboard"))
    assert first.status_code == kept.status_code == 200
    assert main_of(first) == main_of(kept)


@pytest.mark.parametrize("trainees", [1, 200])
def test_trainer_dashboard_query_count_is_constant(client, django_assert_max_num_queries, trainees):
    trainer = make_trainer()
    for _ in range(2):
        programme = make_programme(modules=3)
        cohort = make_cohort(programme=programme, trainers=[trainer])
        enrol_many_trainees(
            cohort=cohort, count=trainees, completed_modules=modules_of(programme)[:1]
        )
    client.force_login(trainer)
    client.get(reverse("dashboard"))
    with django_assert_max_num_queries(TRAINER_DASHBOARD_QUERIES):
        response = client.get(reverse("dashboard"))
    assert "33%" in text_of(response)
