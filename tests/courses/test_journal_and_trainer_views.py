"""Journal privacy and trainer screens: every role against every URL."""

import re

import pytest
from django.urls import reverse

from courses.models import Attendance, JournalEntry
from courses.services import enrolment_create, journal_entry_create
from tests.factories.courses import make_cohort, make_live_session, make_programme, modules_of
from tests.factories.people import make_mentor, make_programme_admin, make_trainer

pytestmark = pytest.mark.django_db


def text_of(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


@pytest.fixture
def entry(world):
    return journal_entry_create(trainee=world.trainee, title="Day one", body="Nervous but keen.")


# Journal -----------------------------------------------------------------------------------


def test_journal_list_shows_only_my_entries(client, world, entry):
    journal_entry_create(trainee=world.other_trainee, title="Not yours", body="Secret.")
    client.force_login(world.trainee)
    body = text_of(client.get(reverse("courses:journal_list")))
    assert "Day one" in body
    assert "Not yours" not in body


def test_journal_create_with_valid_and_invalid_input(client, world):
    client.force_login(world.trainee)
    url = reverse("courses:journal_create")
    assert client.get(url).status_code == 200
    response = client.post(url, {"title": "", "body": ""})
    assert response.status_code == 400
    assert "This field is required." in text_of(response)
    assert not JournalEntry.objects.exists()
    response = client.post(url, {"title": "After session", "body": "Went well."})
    assert response.status_code == 302
    assert JournalEntry.objects.get().trainee == world.trainee


def test_journal_edit_and_delete_by_author(client, world, entry):
    client.force_login(world.trainee)
    edit = reverse("courses:journal_edit", args=[entry.pk])
    assert client.get(edit).status_code == 200
    assert client.post(edit, {"title": "", "body": "x"}).status_code == 400
    assert client.post(edit, {"title": "Day 1", "body": "Calmer."}).status_code == 302
    entry.refresh_from_db()
    assert entry.title == "Day 1"
    delete = reverse("courses:journal_delete", args=[entry.pk])
    confirm = client.get(delete)
    assert confirm.status_code == 200
    assert "cannot be undone" in text_of(confirm)
    assert JournalEntry.objects.exists()
    assert client.post(delete).status_code == 302
    assert not JournalEntry.objects.exists()


@pytest.mark.parametrize(
    "who", ["other_trainee", "trainer", "programme_admin", "superuser", "mentor"]
)
def test_nobody_but_the_author_reaches_a_journal_entry(client, world, entry, who):
    users = {
        "other_trainee": world.other_trainee,
        "trainer": world.trainer,
        "programme_admin": make_programme_admin(),
        "superuser": make_programme_admin(is_superuser=True),
        "mentor": make_mentor(),
    }
    client.force_login(users[who])
    for name in ("courses:journal_edit", "courses:journal_delete"):
        assert client.get(reverse(name, args=[entry.pk])).status_code == 404
        assert (
            client.post(reverse(name, args=[entry.pk]), {"title": "x", "body": "y"}).status_code
            == 404
        )
    entry.refresh_from_db()
    assert entry.title == "Day one"


def test_journal_is_for_trainees(client, world):
    client.force_login(world.trainer)
    assert client.get(reverse("courses:journal_list")).status_code == 403
    assert client.get(reverse("courses:journal_create")).status_code == 403


# Trainer -----------------------------------------------------------------------------------


@pytest.fixture
def session(world):
    from decimal import Decimal

    live = make_programme(modules=1, synchronous_every=1, hours=Decimal("2"))
    cohort = make_cohort(programme=live, trainers=[world.trainer], name="Live cohort")
    enrolment_create(trainee=world.trainee, programme=live, invitation_code=cohort.invitation_code)
    return make_live_session(module=modules_of(live)[0], cohort=cohort)


def trainer_urls(world, session):
    return [
        reverse("courses:trainer_cohort", args=[world.cohort.pk]),
        reverse("courses:trainer_trainee", args=[world.cohort.pk, world.trainee.pk]),
        reverse("courses:attendance", args=[session.pk]),
    ]


def test_anonymous_is_sent_to_sign_in_everywhere(client, world, session, entry):
    urls = [
        *trainer_urls(world, session),
        reverse("courses:journal_list"),
        reverse("courses:journal_create"),
        reverse("courses:journal_edit", args=[entry.pk]),
        reverse("courses:journal_delete", args=[entry.pk]),
        reverse("dashboard"),
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("login")), url
    for name, args in [
        ("courses:block_done", [world.module.pk, "x"]),
        ("courses:module_complete", [world.module.pk]),
        ("courses:reflection_save", [world.module.pk, "x"]),
    ]:
        assert client.post(reverse(name, args=args))["Location"].startswith(reverse("login"))


def test_trainees_and_mentors_are_refused_trainer_pages(client, world, session):
    for user in (world.trainee, make_mentor()):
        client.force_login(user)
        for url in trainer_urls(world, session):
            assert client.get(url).status_code == 403, url
        assert client.post(trainer_urls(world, session)[2], {}).status_code == 403


def test_trainer_of_another_cohort_gets_404(client, world, session):
    outsider = make_trainer()
    make_cohort(programme=world.programme, trainers=[outsider])
    client.force_login(outsider)
    for url in trainer_urls(world, session):
        assert client.get(url).status_code == 404, url
    assert (
        client.post(trainer_urls(world, session)[2], {"attended": [world.trainee.pk]}).status_code
        == 404
    )
    assert not Attendance.objects.exists()


@pytest.mark.parametrize("who", ["trainer", "programme_admin"])
def test_trainer_and_admin_see_cohort_progress(client, world, session, who):
    client.force_login(world.trainer if who == "trainer" else make_programme_admin())
    response = client.get(reverse("courses:trainer_cohort", args=[world.cohort.pk]))
    body = text_of(response)
    assert response.status_code == 200
    assert "Grace Hopper" in body
    assert "0 of 2" in body
    assert "Alan Turing" not in body
    assert "<progress" in body


def test_trainee_detail_shows_modules_never_the_journal(client, world, entry):
    client.force_login(world.trainer)
    url = reverse("courses:trainer_trainee", args=[world.cohort.pk, world.trainee.pk])
    body = text_of(client.get(url))
    assert "Module 1" in body and "Module 2" in body
    assert "Nervous but keen" not in body and "Day one" not in body
    outsider_url = reverse(
        "courses:trainer_trainee", args=[world.cohort.pk, world.other_trainee.pk]
    )
    assert client.get(outsider_url).status_code == 404


def test_attendance_register_lists_cohort_trainees_with_labels_and_saves(client, world, session):
    client.force_login(world.trainer)
    url = reverse("courses:attendance", args=[session.pk])
    body = text_of(client.get(url))
    assert re.search(
        rf'<input type="checkbox" name="attended" value="{world.trainee.pk}"[^>]*id="([^"]+)"',
        body,
    )
    assert "Grace Hopper</label>" in body
    response = client.post(url, {"attended": [world.trainee.pk]})
    assert response.status_code == 302
    assert Attendance.objects.get(trainee=world.trainee).attended is True
    client.post(url, {})
    assert Attendance.objects.get(trainee=world.trainee).attended is False
    # Recording attendance completes nothing by itself.
    from courses.models import ModuleCompletion

    assert not ModuleCompletion.objects.exists()


def test_attendance_for_someone_outside_the_cohort_is_400(client, world, session):
    client.force_login(world.trainer)
    url = reverse("courses:attendance", args=[session.pk])
    response = client.post(url, {"attended": [world.other_trainee.pk]})
    assert response.status_code == 400
    assert not Attendance.objects.exists()
