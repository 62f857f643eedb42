"""Putting a mentor session right: the trainee corrects or withdraws a disputed session, the
mentor takes back a confirmation made by mistake. Each move goes through the transition map,
writes an event row, and only the session's own trainee or mentor may make it."""

from decimal import Decimal

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from credentials import selectors, services
from credentials.models import MentorSession, MentorSessionStatus
from tests.factories.people import make_mentor, make_trainee
from tests.factories.records import days_ago, make_mentor_session

pytestmark = pytest.mark.django_db


@pytest.fixture
def trainee():
    return make_trainee(first_name="Grace", last_name="Hopper")


@pytest.fixture
def mentor():
    return make_mentor(first_name="Maya", last_name="Mentor", credential_held="MCC")


@pytest.fixture
def session(trainee, mentor):
    return make_mentor_session(trainee=trainee, mentor=mentor, hours=Decimal("1"))


@pytest.fixture
def disputed(session, mentor):
    return services.mentor_session_dispute(
        session=session, mentor=mentor, reason="We met for 30 minutes, not an hour."
    )


@pytest.fixture
def confirmed(session, mentor):
    return services.mentor_session_confirm(session=session, mentor=mentor)


def moves(session) -> list[tuple[str, str]]:
    return list(session.events.values_list("from_status", "to_status"))


def correction(**overrides) -> dict:
    data = {
        "date": days_ago(20).isoformat(),
        "hours": "0.5",
        "engagement": "individual",
        "group_size": "",
    }
    return {**data, **overrides}


# The trainee corrects a disputed session ------------------------------------------------------


def test_the_trainee_corrects_a_disputed_session_and_the_mentor_is_asked_again(
    client, trainee, mentor, disputed, django_capture_on_commit_callbacks
):
    client.force_login(trainee)
    url = reverse("credentials:mentor_session_correct", args=[disputed.pk])
    page = client.get(url)
    assert page.status_code == 200
    html = page.content.decode()
    assert "We met for 30 minutes, not an hour." in html
    assert 'name="hours"' in html and 'value="1.00"' in html

    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, correction())
    assert response.status_code == 302
    assert response.url == reverse("credentials:mentor_sessions")
    session = MentorSession.objects.get(pk=disputed.pk)
    assert (session.status, session.hours, session.dispute_reason) == (
        "logged",
        Decimal("0.5"),
        "",
    )
    assert moves(session)[-1] == ("disputed", "logged")
    assert session.events.last().actor == trainee

    # The mentor is emailed like for a newly logged session, and the link works for them.
    [email] = mail.outbox
    assert email.to == [mentor.email]
    assert "corrected" in email.subject
    assert "Grace Hopper corrected the mentor coaching session you disputed" in email.body
    assert "Hours: 0.5" in email.body
    link = reverse("credentials:mentor_sessions_led")
    assert f"http://testserver{link}" in email.body
    client.force_login(mentor)
    led = client.get(link)
    assert led.status_code == 200
    assert f'action="{reverse("credentials:mentor_session_confirm", args=[session.pk])}"' in (
        led.content.decode()
    )


def test_a_wrong_correction_is_shown_again_and_nothing_changes(client, trainee, disputed):
    client.force_login(trainee)
    url = reverse("credentials:mentor_session_correct", args=[disputed.pk])
    future = (timezone.localdate() + timezone.timedelta(days=2)).isoformat()
    response = client.post(url, correction(date=future))
    assert response.status_code == 400
    assert "in the future" in response.content.decode()
    assert MentorSession.objects.get(pk=disputed.pk).status == "disputed"
    assert moves(disputed)[-1] == ("logged", "disputed")


def test_a_correction_onto_another_logged_session_is_refused(client, trainee, mentor, disputed):
    make_mentor_session(trainee=trainee, mentor=mentor, date=days_ago(5))
    client.force_login(trainee)
    url = reverse("credentials:mentor_session_correct", args=[disputed.pk])
    response = client.post(url, correction(date=days_ago(5).isoformat()))
    assert response.status_code == 400
    assert "already logged a session of this kind" in response.content.decode()
    assert MentorSession.objects.get(pk=disputed.pk).status == "disputed"


@pytest.mark.parametrize("status", ["logged", "confirmed"])
def test_only_a_disputed_session_can_be_corrected(client, trainee, mentor, session, status):
    if status == "confirmed":
        services.mentor_session_confirm(session=session, mentor=mentor)
    client.force_login(trainee)
    url = reverse("credentials:mentor_session_correct", args=[session.pk])
    for response in (client.get(url), client.post(url, correction())):
        assert response.status_code == 400
        assert "Only a session your mentor disputed can be corrected" in (response.content.decode())
    assert MentorSession.objects.get(pk=session.pk).hours == Decimal("1")
    with pytest.raises(ValidationError, match="Only a session your mentor disputed"):
        services.mentor_session_correct(
            session=session,
            trainee=trainee,
            date=days_ago(20),
            hours=Decimal("0.5"),
            engagement="individual",
            group_size=None,
        )


# The trainee withdraws a disputed session -----------------------------------------------------


def test_the_trainee_withdraws_a_disputed_session(client, trainee, mentor, disputed):
    client.force_login(trainee)
    page = client.get(reverse("credentials:mentor_sessions")).content.decode()
    withdraw_url = reverse("credentials:mentor_session_withdraw", args=[disputed.pk])
    assert f'action="{withdraw_url}"' in page
    assert reverse("credentials:mentor_session_correct", args=[disputed.pk]) in page

    response = client.post(withdraw_url)
    assert response.status_code == 302
    session = MentorSession.objects.get(pk=disputed.pk)
    assert session.status == "withdrawn"
    assert moves(session)[-1] == ("disputed", "withdrawn")
    assert session.events.last().actor == trainee
    page = client.get(reverse("credentials:mentor_sessions")).content.decode()
    assert "Withdrawn by the trainee" in page
    assert withdraw_url not in page
    # The mentor sees it withdrawn, with nothing left to do.
    client.force_login(mentor)
    led = client.get(reverse("credentials:mentor_sessions_led")).content.decode()
    card = led.split(f'id="session-{session.pk}"')[1].split("</article>")[0]
    assert "withdrew this session" in card
    assert "<form" not in card
    # A withdrawn session is final.
    with pytest.raises(ValidationError, match="already"):
        services.mentor_session_confirm(session=session, mentor=mentor)


def test_a_session_that_is_not_disputed_cannot_be_withdrawn(client, trainee, session):
    client.force_login(trainee)
    response = client.post(reverse("credentials:mentor_session_withdraw", args=[session.pk]))
    assert response.status_code == 400
    assert "Only a session your mentor disputed can be withdrawn" in response.content.decode()
    assert MentorSession.objects.get(pk=session.pk).status == "logged"


# The mentor takes back a confirmation ---------------------------------------------------------


def test_the_mentor_takes_back_a_confirmation_with_a_reason(
    client, trainee, mentor, confirmed, django_capture_on_commit_callbacks
):
    client.force_login(mentor)
    led = client.get(reverse("credentials:mentor_sessions_led")).content.decode()
    card = led.split(f'id="session-{confirmed.pk}"')[1].split("</article>")[0]
    url = reverse("credentials:mentor_session_unconfirm", args=[confirmed.pk])
    assert "<summary>Take back confirmation…" in card
    assert f'action="{url}"' in card
    field = f"session-{confirmed.pk}-reason"

    response = client.post(url, {field: "  "})
    assert response.status_code == 400
    assert "Say why you take back your confirmation" in response.content.decode()
    assert MentorSession.objects.get(pk=confirmed.pk).status == "confirmed"

    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {field: "I confirmed the wrong trainee's session."})
    assert response.status_code == 302
    session = MentorSession.objects.get(pk=confirmed.pk)
    assert session.status == "logged"
    event = session.events.last()
    assert (event.from_status, event.to_status, event.actor, event.note) == (
        "confirmed",
        "logged",
        mentor,
        "I confirmed the wrong trainee's session.",
    )
    # The trainee is told, and the link opens their list, where it waits for the mentor.
    [email] = mail.outbox
    assert email.to == [trainee.email]
    assert "I confirmed the wrong trainee's session." in email.body
    assert "(1 hour)" in email.body
    link = reverse("credentials:mentor_sessions")
    assert f"http://testserver{link}" in email.body
    client.force_login(trainee)
    page = client.get(link)
    assert page.status_code == 200
    assert "Waiting for the mentor" in page.content.decode()


def test_only_a_confirmed_session_can_be_taken_back(client, mentor, session):
    client.force_login(mentor)
    url = reverse("credentials:mentor_session_unconfirm", args=[session.pk])
    response = client.post(url, {f"session-{session.pk}-reason": "Oops"})
    assert response.status_code == 400
    assert "Only a session you confirmed can be taken back" in response.content.decode()
    assert moves(MentorSession.objects.get(pk=session.pk)) == [("", "logged")]


# Who may do what ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "state"),
    [
        ("credentials:mentor_session_correct", "disputed"),
        ("credentials:mentor_session_withdraw", "disputed"),
    ],
)
def test_only_the_trainee_who_logged_it_corrects_or_withdraws(
    client, trainee, mentor, disputed, name, state
):
    url = reverse(name, args=[disputed.pk])
    client.force_login(make_trainee())
    assert client.post(url, correction()).status_code == 404
    client.force_login(mentor)  # the mentor is no trainee
    assert client.post(url, correction()).status_code == 403
    client.logout()
    assert client.post(url, correction()).status_code == 302
    assert MentorSession.objects.get(pk=disputed.pk).status == state
    with pytest.raises(PermissionError):
        services.mentor_session_withdraw(session=disputed, trainee=make_trainee())


def test_only_the_sessions_mentor_takes_back_a_confirmation(client, trainee, confirmed):
    url = reverse("credentials:mentor_session_unconfirm", args=[confirmed.pk])
    data = {f"session-{confirmed.pk}-reason": "Not mine to undo"}
    client.force_login(make_mentor())
    assert client.post(url, data).status_code == 404
    client.force_login(trainee)
    assert client.post(url, data).status_code == 403
    assert MentorSession.objects.get(pk=confirmed.pk).status == "confirmed"
    with pytest.raises(PermissionError):
        services.mentor_session_unconfirm(session=confirmed, mentor=make_mentor(), reason="x")


def test_the_transition_map_names_who_makes_each_move(trainee, mentor, disputed):
    # The mentor cannot withdraw or correct on the trainee's behalf, nor the trainee confirm.
    with pytest.raises(PermissionError):
        services.mentor_session_transition(
            session=disputed, to_status=MentorSessionStatus.WITHDRAWN, actor=mentor
        )
    with pytest.raises(PermissionError):
        services.mentor_session_transition(
            session=disputed, to_status=MentorSessionStatus.CONFIRMED, actor=trainee
        )
    assert MentorSession.objects.get(pk=disputed.pk).status == "disputed"


# What counts ----------------------------------------------------------------------------------


def test_only_confirmed_sessions_count_and_withdrawn_ones_are_not_waiting(trainee, mentor):
    statuses = {
        "confirmed": days_ago(100),
        "logged": days_ago(90),
        "disputed": days_ago(80),
        "withdrawn": days_ago(70),
    }
    for status, date in statuses.items():
        MentorSession.objects.create(
            trainee=trainee,
            mentor=mentor,
            mentor_credential="MCC",
            date=date,
            hours=Decimal(2),
            status=status,
        )
    records = selectors.trainee_records_by_id(trainees=[trainee])[trainee.pk]
    assert sorted((s.date, s.confirmed) for s in records.mentor_sessions) == [
        (days_ago(100), True),
        (days_ago(90), False),
        (days_ago(80), False),
    ]
    evaluation = selectors.trainee_evaluation(
        trainee=trainee,
        pathway=selectors.pathway_by_code(code="acc"),
        as_of=timezone.localdate(),
    )
    mentoring = evaluation.result("mentor_hours")
    assert mentoring.achieved == 2
    assert "4 hours not yet confirmed" in mentoring.detail


def test_the_trainees_list_gives_a_disputed_sessions_reason_once(client, trainee, disputed):
    # The card above the table shows the reason with Correct and Withdraw; the table's narrow
    # status column links to it instead of printing the reason a second time.
    client.force_login(trainee)
    html = client.get(reverse("credentials:mentor_sessions")).content.decode()
    assert html.count(disputed.dispute_reason) == 1
    assert f'href="#disputed-{disputed.pk}"' in html
