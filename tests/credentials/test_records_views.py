"""Pages of the practice records: who may see what, forms and their messages, query counts."""

from decimal import Decimal

import pytest
from django.urls import reverse

from credentials.models import CoachingLogEntry, EducationRecord, MentorSession
from tests.factories.people import make_mentor, make_programme_admin, make_trainee, make_trainer
from tests.factories.records import (
    EXE_BYTES,
    bulk_log_entries,
    certificate_file,
    days_ago,
    make_education_record,
    make_log_entry,
    make_mentor_session,
)

pytestmark = pytest.mark.django_db

TRAINEE_PAGES = [
    "credentials:coaching_log",
    "credentials:coaching_log_create",
    "credentials:mentor_sessions",
    "credentials:education_records",
]


@pytest.fixture
def world(db):
    class World:
        pass

    w = World()
    w.trainee = make_trainee(first_name="Grace", last_name="Hopper")
    w.other_trainee = make_trainee(first_name="Alan", last_name="Turing")
    w.mentor = make_mentor(first_name="Maya", last_name="Mentor", credential_held="MCC")
    w.other_mentor = make_mentor(first_name="Omar", last_name="Other", credential_held="PCC")
    w.trainer = make_trainer()
    w.admin = make_programme_admin()
    w.entry = make_log_entry(
        trainee=w.trainee,
        client_name="Client K",
        client_contact="secret-contact@example.org",
        notes="Secret private note",
    )
    w.session = make_mentor_session(trainee=w.trainee, mentor=w.mentor)
    w.record = make_education_record(trainee=w.trainee, title="Ethics in coaching")
    return w


def get_as(client, user, url):
    if user is not None:
        client.force_login(user)
    return client.get(url)


# Who may see what ------------------------------------------------------------------------------


@pytest.mark.parametrize("name", [*TRAINEE_PAGES, "credentials:mentor_sessions_led"])
def test_anonymous_visitors_are_sent_to_sign_in(client, world, name):
    response = client.get(reverse(name))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("name", TRAINEE_PAGES)
@pytest.mark.parametrize("who", ["mentor", "trainer", "admin"])
def test_trainee_pages_are_forbidden_to_other_roles(client, world, name, who):
    assert get_as(client, getattr(world, who), reverse(name)).status_code == 403


@pytest.mark.parametrize("name", TRAINEE_PAGES)
def test_trainee_pages_open_for_trainees(client, world, name):
    assert get_as(client, world.trainee, reverse(name)).status_code == 200


@pytest.mark.parametrize("who", ["trainee", "trainer", "admin"])
def test_the_led_sessions_page_is_for_mentors_only(client, world, who):
    url = reverse("credentials:mentor_sessions_led")
    assert get_as(client, getattr(world, who), url).status_code == 403


@pytest.mark.parametrize(
    "name", ["credentials:coaching_log_edit", "credentials:coaching_log_delete"]
)
def test_another_trainees_log_entry_is_not_found(client, world, name):
    url = reverse(name, args=[world.entry.pk])
    assert get_as(client, world.other_trainee, url).status_code == 404
    assert client.post(url, {"client_name": "Hijack"}).status_code == 404
    assert CoachingLogEntry.objects.get(pk=world.entry.pk).client_name == "Client K"


def test_a_trainee_never_sees_another_trainees_records(client, world):
    client.force_login(world.other_trainee)
    for name in TRAINEE_PAGES[:1] + TRAINEE_PAGES[2:]:
        html = client.get(reverse(name)).content.decode()
        assert "Client K" not in html
        assert "Maya Mentor" not in html.split("<select")[0]
        assert "Ethics in coaching" not in html


def test_a_mentor_sees_only_the_sessions_they_led_and_no_coaching_log(client, world):
    html = get_as(client, world.mentor, reverse("credentials:mentor_sessions_led")).content
    assert b"Grace Hopper" in html
    assert b"Client K" not in html
    assert (
        get_as(
            client, world.other_mentor, reverse("credentials:mentor_sessions_led")
        ).content.count(b"Grace Hopper")
        == 0
    )


@pytest.mark.parametrize(
    "name", ["credentials:mentor_session_confirm", "credentials:mentor_session_dispute"]
)
def test_only_the_sessions_mentor_may_act_on_it(client, world, name):
    url = reverse(name, args=[world.session.pk])
    client.force_login(world.other_mentor)
    assert client.post(url, {f"session-{world.session.pk}-reason": "No"}).status_code == 404
    client.force_login(world.trainee)
    assert client.post(url).status_code == 403
    client.logout()
    assert client.post(url).status_code == 302
    assert MentorSession.objects.get(pk=world.session.pk).status == "logged"


def test_the_certificate_is_served_to_its_owner_and_programme_admins_only(client, world):
    url = reverse("credentials:education_certificate", args=[world.record.pk])
    for user in (world.trainee, world.admin):
        response = get_as(client, user, url)
        assert response.status_code == 200
        assert b"".join(response.streaming_content).startswith(b"%PDF-")
        assert response["Content-Disposition"].startswith("attachment")
    assert get_as(client, world.other_trainee, url).status_code == 404
    assert get_as(client, world.trainer, url).status_code == 403
    assert get_as(client, world.mentor, url).status_code == 403
    client.logout()
    assert client.get(url).status_code == 302


# Coaching log --------------------------------------------------------------------------------


def test_the_log_lists_rows_and_totals_but_never_contacts_or_notes(client, world):
    make_log_entry(trainee=world.trainee, paid_hours=Decimal("2"), pro_bono_hours=Decimal("0"))
    response = get_as(client, world.trainee, reverse("credentials:coaching_log"))
    html = response.content.decode()
    assert "Client K" in html
    assert "secret-contact" not in html
    assert "Secret private note" not in html
    assert response.context["totals"]["total"] == Decimal("8")
    for text in ("Add an entry", "Import a spreadsheet", "Download CSV", "Download Excel"):
        assert text in html


def log_form(**overrides) -> dict:
    data = {
        "client_name": "New client",
        "client_contact": "new@example.org",
        "engagement": "individual",
        "group_size": "",
        "start_date": days_ago(20).isoformat(),
        "end_date": days_ago(2).isoformat(),
        "paid_hours": "3",
        "pro_bono_hours": "0",
        "sponsor": "",
        "notes": "",
    }
    return {**data, **overrides}


def test_adding_an_entry(client, world):
    client.force_login(world.trainee)
    response = client.post(reverse("credentials:coaching_log_create"), log_form())
    assert response.status_code == 302
    entry = CoachingLogEntry.objects.get(client_name="New client")
    assert (entry.trainee, entry.client_contact) == (world.trainee, "new@example.org")


@pytest.mark.parametrize(
    ("overrides", "text"),
    [
        ({"paid_hours": "three"}, "Enter the hours as a number, like 1.5."),
        ({"paid_hours": "-2"}, "Hours cannot be negative."),
        ({"paid_hours": "0"}, "Enter the hours coached (paid, pro bono or both)."),
        ({"client_name": ""}, "Enter the client&#x27;s name, a pseudonym or initials."),
        ({"start_date": "yesterday"}, "Enter a real date, for example 2025-03-31."),
        ({"end_date": days_ago(-5).isoformat()}, "the date is in the future"),
        (
            {"start_date": days_ago(1).isoformat(), "end_date": days_ago(4).isoformat()},
            "The end date cannot be before the start date.",
        ),
        ({"engagement": "group"}, "Give the number of people in the group."),
        (
            {
                "client_name": "Client K",
                "start_date": days_ago(30).isoformat(),
                "end_date": days_ago(10).isoformat(),
            },
            "You already logged this client for these dates.",
        ),
    ],
)
def test_a_wrong_entry_is_shown_again_with_a_plain_message(client, world, overrides, text):
    client.force_login(world.trainee)
    response = client.post(reverse("credentials:coaching_log_create"), log_form(**overrides))
    assert response.status_code == 400
    assert text in response.content.decode()
    assert CoachingLogEntry.objects.count() == 1


def test_the_edit_form_carries_the_version_and_saves(client, world):
    url = reverse("credentials:coaching_log_edit", args=[world.entry.pk])
    html = get_as(client, world.trainee, url).content.decode()
    assert 'type="hidden" name="version" value="1"' in html
    assert "Save entry" in html
    response = client.post(
        url,
        log_form(
            client_name="Client K renamed",
            start_date=days_ago(30).isoformat(),
            version="1",
        ),
    )
    assert response.status_code == 302
    world.entry.refresh_from_db()
    assert (world.entry.client_name, world.entry.version) == ("Client K renamed", 2)


def test_an_edit_from_a_stale_form_is_refused(client, world):
    url = reverse("credentials:coaching_log_edit", args=[world.entry.pk])
    client.force_login(world.trainee)
    assert client.post(url, log_form(client_name="First", version="1")).status_code == 302
    response = client.post(url, log_form(client_name="Second", version="1"))
    assert response.status_code == 400
    assert "Someone else changed this entry while you were editing." in response.content.decode()
    assert CoachingLogEntry.objects.get(pk=world.entry.pk).client_name == "First"


def test_an_edit_without_its_version_is_refused(client, world):
    url = reverse("credentials:coaching_log_edit", args=[world.entry.pk])
    client.force_login(world.trainee)
    response = client.post(url, log_form(client_name="No version"))
    assert response.status_code == 400
    assert "This form is out of date." in response.content.decode()


def test_delete_asks_first_then_deletes(client, world):
    url = reverse("credentials:coaching_log_delete", args=[world.entry.pk])
    response = get_as(client, world.trainee, url)
    assert response.status_code == 200
    assert "cannot be undone" in response.content.decode()
    assert CoachingLogEntry.objects.filter(pk=world.entry.pk).exists()
    assert client.post(url).status_code == 302
    assert not CoachingLogEntry.objects.filter(pk=world.entry.pk).exists()


# Mentor sessions ------------------------------------------------------------------------------


def session_form(chosen, **overrides) -> dict:
    data = {
        "mentor": str(chosen.pk),
        "date": days_ago(3).isoformat(),
        "hours": "1.5",
        "engagement": "individual",
        "group_size": "",
    }
    return {**data, **overrides}


def test_logging_a_session_lists_mentors_and_saves(
    client, world, django_capture_on_commit_callbacks
):
    html = get_as(client, world.trainee, reverse("credentials:mentor_sessions")).content.decode()
    assert "Log a mentor session" in html
    assert '<label for="id_mentor">Mentor</label>' in html
    assert "Omar Other (PCC)" in html
    assert "Hopper" not in html.split('id="id_mentor"')[1].split("</select>")[0]
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("credentials:mentor_sessions"), session_form(world.other_mentor)
        )
    assert response.status_code == 302
    assert MentorSession.objects.filter(mentor=world.other_mentor, hours=Decimal("1.5")).exists()


@pytest.mark.parametrize(
    ("overrides", "text"),
    [
        ({"hours": "0"}, "more than 0 hours"),
        ({"hours": "an hour"}, "Enter the hours as a number"),
        ({"date": days_ago(-1).isoformat()}, "in the future"),
        ({"engagement": "group"}, "Give the number of people in the group."),
        ({"mentor": ""}, "Choose the mentor who led the session."),
    ],
)
def test_a_wrong_session_is_shown_again_with_a_plain_message(client, world, overrides, text):
    client.force_login(world.trainee)
    response = client.post(
        reverse("credentials:mentor_sessions"), session_form(world.other_mentor, **overrides)
    )
    assert response.status_code == 400
    assert text in response.content.decode()
    assert MentorSession.objects.count() == 1


def test_a_non_mentor_cannot_be_chosen(client, world):
    client.force_login(world.trainee)
    response = client.post(reverse("credentials:mentor_sessions"), session_form(world.trainer))
    assert response.status_code == 400
    assert "Choose a mentor from the list." in response.content.decode()


def test_the_mentor_confirms(client, world):
    client.force_login(world.mentor)
    page = client.get(reverse("credentials:mentor_sessions_led")).content.decode()
    assert ">Confirm<" in page
    assert ">Dispute<" in page
    url = reverse("credentials:mentor_session_confirm", args=[world.session.pk])
    assert client.post(url).status_code == 302
    assert MentorSession.objects.get(pk=world.session.pk).status == "confirmed"
    response = client.post(url)
    assert response.status_code == 400
    assert "already" in response.content.decode()


def test_a_dispute_needs_a_reason_on_the_page(client, world):
    client.force_login(world.mentor)
    url = reverse("credentials:mentor_session_dispute", args=[world.session.pk])
    response = client.post(url, {f"session-{world.session.pk}-reason": ""})
    assert response.status_code == 400
    assert "Say why you dispute this session" in response.content.decode()
    assert MentorSession.objects.get(pk=world.session.pk).status == "logged"
    response = client.post(url, {f"session-{world.session.pk}-reason": "Only 30 minutes."})
    assert response.status_code == 302
    session = MentorSession.objects.get(pk=world.session.pk)
    assert (session.status, session.dispute_reason) == ("disputed", "Only 30 minutes.")
    html = get_as(client, world.trainee, reverse("credentials:mentor_sessions")).content.decode()
    assert "Only 30 minutes." in html


# External education ---------------------------------------------------------------------------


def education_form(**overrides) -> dict:
    data = {
        "title": "Group coaching",
        "provider": "School",
        "completed_on": days_ago(5).isoformat(),
        "hours": "10",
        "synchronous_hours": "4",
        "certificate": certificate_file(),
    }
    return {**data, **overrides}


def test_submitting_education(client, world):
    client.force_login(world.trainee)
    response = client.post(reverse("credentials:education_records"), education_form())
    assert response.status_code == 302
    record = EducationRecord.objects.get(title="Group coaching")
    assert (record.trainee, record.status) == (world.trainee, "pending")


@pytest.mark.parametrize(
    ("overrides", "text"),
    [
        (
            {"certificate": certificate_file(EXE_BYTES, "certificate.pdf")},
            "The certificate must be a PDF, PNG or JPEG file.",
        ),
        (
            {"certificate": certificate_file(b"%PDF-" + b"0" * (5 * 1024 * 1024), "big.pdf")},
            "larger than 5 MB",
        ),
        ({"certificate": ""}, "Attach your certificate (PDF, PNG or JPEG)."),
        ({"hours": "ten"}, "Enter the hours as a number"),
        ({"synchronous_hours": "20"}, "Live hours cannot be more than the total hours."),
        ({"title": ""}, "Enter the course title."),
    ],
)
def test_a_wrong_submission_is_shown_again_with_a_plain_message(client, world, overrides, text):
    client.force_login(world.trainee)
    response = client.post(reverse("credentials:education_records"), education_form(**overrides))
    assert response.status_code == 400
    assert text in response.content.decode()
    assert EducationRecord.objects.count() == 1


# Query counts ----------------------------------------------------------------------------------


@pytest.mark.parametrize("rows", [10, 5000])
def test_the_log_list_reads_a_fixed_number_of_queries(client, django_assert_max_num_queries, rows):
    trainee = make_trainee()
    bulk_log_entries(trainee=trainee, count=rows)
    client.force_login(trainee)
    with django_assert_max_num_queries(8):
        response = client.get(reverse("credentials:coaching_log"), {"page": 2})
    assert response.status_code == 200


@pytest.mark.parametrize("sessions", [2, 60])
def test_the_mentoring_pages_read_a_fixed_number_of_queries(
    client, django_assert_max_num_queries, sessions
):
    mentor = make_mentor()
    trainees = [make_trainee() for _ in range(3)]
    for index in range(sessions):
        make_mentor_session(trainee=trainees[index % 3], mentor=mentor, date=days_ago(index + 1))
    client.force_login(mentor)
    with django_assert_max_num_queries(8):
        assert client.get(reverse("credentials:mentor_sessions_led")).status_code == 200
    client.force_login(trainees[0])
    with django_assert_max_num_queries(9):
        assert client.get(reverse("credentials:mentor_sessions")).status_code == 200


@pytest.mark.parametrize("records", [1, 60])
def test_the_education_page_reads_a_fixed_number_of_queries(
    client, django_assert_max_num_queries, records
):
    trainee = make_trainee()
    for _ in range(records):
        make_education_record(trainee=trainee)
    client.force_login(trainee)
    with django_assert_max_num_queries(8):
        assert client.get(reverse("credentials:education_records")).status_code == 200
