"""The progress page: who may see whose, what it shows, and a fixed query count."""

import re
from decimal import Decimal

import pytest
from django.urls import reverse

from courses.models import Enrolment
from credentials.models import (
    ApplicationStatus,
    Award,
    CredentialApplication,
    MentorSession,
    MentorSessionStatus,
)
from tests.credentials.eligible import coaching_rows, days_ago, make_acc_eligible
from tests.factories.courses import make_cohort, make_programme
from tests.factories.people import (
    make_mentor,
    make_programme_admin,
    make_trainee,
    make_trainer,
)

pytestmark = pytest.mark.django_db

PROGRESS_PAGE_BUDGET = 16


def enrol(trainee, cohort):
    Enrolment.objects.create(trainee=trainee, programme=cohort.programme, cohort=cohort)


@pytest.fixture
def people():
    programme = make_programme(modules=1)
    trainer = make_trainer()
    trainee_a = make_trainee()
    enrol(trainee_a, make_cohort(programme=programme, trainers=[trainer]))
    return {
        "trainee_a": trainee_a,
        "trainee_b": make_trainee(),
        "trainer": trainer,
        "other_trainer": make_trainer(),
        "mentor": make_mentor(credential_held="MCC"),
        "admin": make_programme_admin(),
    }


@pytest.mark.parametrize(
    ("viewer", "status"),
    [
        ("trainee_a", 200),
        ("trainee_b", 200),
        ("trainer", 403),
        ("mentor", 403),
        ("admin", 403),
    ],
)
def test_own_progress_page_is_for_trainees(client, people, viewer, status):
    client.force_login(people[viewer])
    assert client.get(reverse("credentials:progress")).status_code == status


@pytest.mark.parametrize(
    ("viewer", "status"),
    [
        ("trainee_a", 200),
        ("trainee_b", 404),
        ("trainer", 200),
        ("other_trainer", 404),
        ("mentor", 404),
        ("admin", 200),
    ],
)
def test_someones_progress_is_for_themself_their_trainers_and_admins(
    client, people, viewer, status
):
    client.force_login(people[viewer])
    url = reverse("credentials:progress_of", args=[people["trainee_a"].pk])
    assert client.get(url).status_code == status


def test_anonymous_visitors_are_sent_to_sign_in(client, people):
    for url in (
        reverse("credentials:progress"),
        reverse("credentials:progress_of", args=[people["trainee_a"].pk]),
    ):
        response = client.get(url)
        assert response.status_code == 302
        assert response.url.startswith(reverse("login"))


def test_a_staff_member_is_not_shown_as_a_trainee(client, people):
    client.force_login(people["admin"])
    url = reverse("credentials:progress_of", args=[people["trainer"].pk])
    assert client.get(url).status_code == 404


def test_page_shows_requirement_cards_next_steps_and_no_apply_button_when_not_eligible(client):
    trainee = make_trainee(training_start=days_ago(30))
    coaching_rows(trainee, 3)
    client.force_login(trainee)
    response = client.get(reverse("credentials:progress"))
    html = response.content.decode()
    assert "Associate level, ICF ACC-aligned" in html  # default: lowest above "none"
    assert "Not ready yet" in html
    assert "Coach-specific education" in html
    assert "0 of 60" in html
    assert re.search(r'<progress value="0(\.00)?" max="60(\.00)?"', html)
    assert "What to do next" in html
    assert "Apply for ACC" not in html
    assert '<title id="hours-chart-title">' in html
    assert "<caption>Hours by month</caption>" in html


def test_what_to_do_next_puts_the_nearest_requirement_first(client):
    trainee = make_acc_eligible()
    MentorSession.objects.filter(trainee=trainee).first().delete()  # 8 of 10 mentor hours
    client.force_login(trainee)
    response = client.get(reverse("credentials:progress"))
    steps = response.context["progress"].next_steps
    assert steps[0].code == "mentor_hours"
    assert all(not step.met for step in steps)


def test_eligible_trainee_sees_the_apply_button_and_the_default_pathway_follows_the_credential(
    client,
):
    trainee = make_acc_eligible()
    client.force_login(trainee)
    html = client.get(reverse("credentials:progress")).content.decode()
    assert "Ready to apply" in html
    assert ">Apply for this award</button>" in html
    trainee.credential_held = "ACC"
    trainee.save(update_fields=["credential_held"])
    html = client.get(reverse("credentials:progress")).content.decode()
    assert "toward Physician Coach — Professional level, ICF PCC-aligned" in html
    assert "Apply for PCC" not in html


def test_the_switcher_shows_another_pathway_and_an_unknown_one_is_not_found(client):
    trainee = make_trainee()
    client.force_login(trainee)
    response = client.get(reverse("credentials:progress") + "?pathway=mcc")
    assert response.context["progress"].pathway.code == "mcc"
    assert "Prerequisite credential" in response.content.decode()
    assert '<label for="pathway-choice">Award</label>' in response.content.decode()
    assert client.get(reverse("credentials:progress") + "?pathway=xyz").status_code == 404


def test_staff_see_the_trainee_progress_without_an_apply_button(client, people):
    make_acc_eligible(people["trainee_a"])
    client.force_login(people["trainer"])
    url = reverse("credentials:progress_of", args=[people["trainee_a"].pk])
    html = client.get(url).content.decode()
    assert "Ready to apply" in html
    assert "Apply for ACC" not in html


def test_open_application_and_history_are_shown_instead_of_the_button(client):
    trainee = make_acc_eligible()
    application = CredentialApplication.objects.create(
        trainee=trainee, pathway_id=1, as_of=days_ago(0), snapshot={}
    )
    application.events.create(from_status="", to_status=ApplicationStatus.SUBMITTED)
    client.force_login(trainee)
    html = client.get(reverse("credentials:progress")).content.decode()
    assert "Apply for ACC" not in html
    assert "Application sent on" in html
    assert "Your applications" in html


def test_an_award_offers_its_certificate(client):
    trainee = make_acc_eligible()
    application = CredentialApplication.objects.create(
        trainee=trainee,
        pathway_id=1,
        as_of=days_ago(0),
        snapshot={},
        status=ApplicationStatus.APPROVED,
    )
    award = Award.objects.create(
        trainee=trainee, pathway_id=1, application=application, certificate_pdf="x/c.pdf"
    )
    client.force_login(trainee)
    html = client.get(reverse("credentials:progress")).content.decode()
    assert "Download certificate" in html
    assert reverse("credentials:award_certificate", args=[award.verification_code]) in html
    assert "Apply for ACC" not in html


@pytest.mark.parametrize("entries", [10, 5000])
def test_query_count_does_not_grow_with_the_log(client, django_assert_max_num_queries, entries):
    trainee = make_acc_eligible()
    coaching_rows(trainee, entries)
    MentorSession.objects.filter(trainee=trainee).update(status=MentorSessionStatus.CONFIRMED)
    client.force_login(trainee)
    with django_assert_max_num_queries(PROGRESS_PAGE_BUDGET):
        response = client.get(reverse("credentials:progress"))
    assert response.status_code == 200
    chart = response.context["progress"].chart
    assert chart.series[0].total == Decimal(entries) + Decimal(104)
    assert chart.series[1].total == Decimal(10)
