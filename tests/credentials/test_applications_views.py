"""Applying from the progress page and the programme admins' review pages."""

import pytest
from django.core import mail
from django.urls import reverse

from credentials import selectors, services
from credentials.models import ApplicationStatus, Award, CredentialApplication
from tests.credentials.eligible import make_acc_eligible
from tests.factories.people import make_mentor, make_programme_admin, make_trainee, make_trainer

pytestmark = pytest.mark.django_db

LIST_BUDGET = 8


@pytest.fixture
def admin():
    return make_programme_admin()


@pytest.fixture
def application():
    return services.application_submit(
        trainee=make_acc_eligible(), pathway=selectors.pathway_by_code(code="acc")
    )


def detail_url(application):
    return reverse("credentials:application_detail", args=[application.pk])


def test_eligible_trainee_applies_with_the_button(client, django_capture_on_commit_callbacks):
    trainee = make_acc_eligible()
    client.force_login(trainee)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("credentials:application_submit"), {"pathway": "acc"})
    assert response.status_code == 302
    assert CredentialApplication.objects.get().trainee == trainee
    page = client.get(response.url).content.decode()
    assert "ICF ACC-aligned award is in." in page
    assert ">Apply for this award</button>" not in page
    assert mail.outbox


def test_a_refused_application_shows_why_with_status_400(client):
    trainee = make_trainee()
    client.force_login(trainee)
    response = client.post(reverse("credentials:application_submit"), {"pathway": "acc"})
    assert response.status_code == 400
    assert "Associate level, ICF ACC-aligned yet." in response.content.decode()
    assert not CredentialApplication.objects.exists()
    response = client.post(reverse("credentials:application_submit"), {"pathway": "nope"})
    assert response.status_code == 400
    assert "Choose the award to apply for" in response.content.decode()


def test_applying_is_for_trainees_and_signed_in_people_only(client):
    url = reverse("credentials:application_submit")
    assert client.post(url, {"pathway": "acc"}).status_code == 302
    client.force_login(make_trainer())
    assert client.post(url, {"pathway": "acc"}).status_code == 403
    client.force_login(make_acc_eligible())
    assert client.get(url).status_code == 405


@pytest.mark.parametrize(
    ("who", "status"),
    [("trainee", 403), ("trainer", 403), ("mentor", 403), ("admin", 200)],
)
def test_review_pages_are_for_programme_admins(client, application, admin, who, status):
    viewer = {
        "trainee": application.trainee,
        "trainer": make_trainer(),
        "mentor": make_mentor(),
        "admin": admin,
    }[who]
    client.force_login(viewer)
    assert client.get(reverse("credentials:application_list")).status_code == status
    assert client.get(detail_url(application)).status_code == status
    response = client.post(detail_url(application), {"to_status": "under_review"})
    assert response.status_code == (302 if who == "admin" else 403)


def test_review_pages_send_anonymous_visitors_to_sign_in(client, application):
    for url in (reverse("credentials:application_list"), detail_url(application)):
        assert client.get(url).url.startswith(reverse("login"))


def test_unknown_application_is_not_found(client, admin):
    client.force_login(admin)
    assert client.get(reverse("credentials:application_detail", args=[999])).status_code == 404


def test_detail_shows_the_snapshot_next_to_today_and_the_next_buttons(client, application, admin):
    client.force_login(admin)
    html = client.get(detail_url(application)).content.decode()
    assert "When applying" in html and "Today" in html
    assert "Credentialing exam" in html
    assert ">Start review</button>" in html
    assert ">Approve</button>" not in html
    client.post(detail_url(application), {"to_status": "under_review"})
    html = client.get(detail_url(application)).content.decode()
    assert ">Approve</button>" in html
    assert ">Return with reasons</button>" in html
    assert '<label for="id_reasons">Reasons</label>' in html


def test_returning_without_reasons_is_a_400_that_changes_nothing(client, application, admin):
    services.application_transition(application=application, to_status="under_review", actor=admin)
    client.force_login(admin)
    response = client.post(detail_url(application), {"to_status": "returned", "reasons": ""})
    assert response.status_code == 400
    assert "Give the reasons for returning" in response.content.decode()
    application.refresh_from_db()
    assert application.status == ApplicationStatus.UNDER_REVIEW


def test_a_refused_move_is_a_400_with_a_plain_message(client, application, admin):
    client.force_login(admin)
    response = client.post(detail_url(application), {"to_status": "approved"})
    assert response.status_code == 400
    assert "Start the review first." in response.content.decode()
    response = client.post(detail_url(application), {"to_status": "bogus"})
    assert response.status_code == 400
    assert "Choose one of the review buttons." in response.content.decode()


def test_approving_from_the_page_issues_the_award(
    client, application, admin, django_capture_on_commit_callbacks
):
    client.force_login(admin)
    client.post(detail_url(application), {"to_status": "under_review"})
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(detail_url(application), {"to_status": "approved"})
    assert response.status_code == 302
    assert Award.objects.get().application == application


@pytest.mark.parametrize("count", [1, 50])
def test_list_query_count_is_fixed(client, admin, django_assert_max_num_queries, count):
    acc = selectors.pathway_by_code(code="acc")
    for _ in range(count):
        CredentialApplication.objects.create(
            trainee=make_trainee(), pathway=acc, as_of="2025-01-01", snapshot={}
        )
    client.force_login(admin)
    with django_assert_max_num_queries(LIST_BUDGET):
        response = client.get(reverse("credentials:application_list"))
    assert response.status_code == 200
    assert response.content.decode().count("review the application for Physician Coach") == count
