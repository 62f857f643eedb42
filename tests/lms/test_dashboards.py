"""The dashboard for each role, and its query budget as data grows."""

import re
from datetime import UTC, datetime, timedelta

import pytest
from django.urls import reverse

from courses.models import ModuleCompletion
from courses.services import block_mark_done, enrolment_create, module_complete
from lms.models import Role
from lms.services import user_set_roles
from tests.factories.courses import (
    enrol_many_trainees,
    make_cohort,
    make_programme,
    modules_of,
    required_block_ids,
)
from tests.factories.people import make_mentor, make_programme_admin, make_trainee, make_trainer

pytestmark = pytest.mark.django_db

# Whatever the number of programmes, modules, completions or trainees: session, user and
# the dashboard's own (role names come from the session). A trainee's dashboard is kept
# between requests: one query for its version stamps, three more after any change (and one
# for Wagtail's site root paths, which a new process reads once).
DASHBOARD_QUERY_BUDGET = 5
TRAINEE_DASHBOARD_KEPT_QUERIES = 3
TRAINEE_DASHBOARD_FRESH_QUERIES = 7


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


def test_admin_and_mentor_get_helpful_empty_states(client):
    client.force_login(make_programme_admin())
    body = text_of(client.get(reverse("dashboard")))
    assert 'href="/cms/"' in body and "back office" in body
    client.force_login(make_mentor())
    body = text_of(client.get(reverse("dashboard")))
    assert "Nothing to show here yet" in body


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
    with django_assert_max_num_queries(DASHBOARD_QUERY_BUDGET):
        response = client.get(reverse("dashboard"))
    assert "33%" in text_of(response)
