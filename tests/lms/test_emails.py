"""Every email the product sends, triggered through its service, with every link opened by
the person who received it.

To add an email: add a step to `STEPS` (what triggers it, and the page each of its links must
open). The test fails while any template in templates/emails/ is never sent by a step.
"""

import datetime as dt
import re
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.core import mail
from django.test.signals import template_rendered
from django.urls import reverse
from django.utils import timezone

from credentials import selectors, services
from credentials.models import Award, CredentialApplication
from lms.emails import email_render, header_text, site_url
from lms.models import User
from tests.credentials.eligible import make_acc_eligible
from tests.factories.people import make_mentor, make_programme_admin, make_trainee
from tests.factories.records import days_ago, make_education_record, make_mentor_session

pytestmark = pytest.mark.django_db

EMAIL_TEMPLATES = Path(settings.BASE_DIR) / "templates" / "emails"
LINK = re.compile(r"https?://[^\s<>\"')]+")


@pytest.fixture
def people():
    return {
        "trainee": make_acc_eligible(make_trainee(first_name="Ada", last_name="Lovelace")),
        "mentor": make_mentor(credential_held="MCC", first_name="Grace", last_name="Hopper"),
        "admin": make_programme_admin(),
    }


def _application(people) -> CredentialApplication:
    return CredentialApplication.objects.filter(trainee=people["trainee"]).latest("pk")


def _submit(people):
    services.application_submit(
        trainee=people["trainee"], pathway=selectors.pathway_by_code(code="acc")
    )


def _move(to_status: str, reasons: str = ""):
    def step(people):
        services.application_transition(
            application=_application(people),
            to_status=to_status,
            actor=people["admin"],
            reasons=reasons,
        )

    return step


def _review(approve: bool):
    def step(people):
        record = make_education_record(trainee=people["trainee"])  # submitting sends nothing
        services.education_record_review(
            record=record, reviewer=people["admin"], approve=approve, note="No certificate."
        )

    return step


def _log_session(days: int):
    def step(people):
        make_mentor_session(trainee=people["trainee"], mentor=people["mentor"], date=days_ago(days))

    return step


def _last_session(people):
    return people["trainee"].mentor_sessions.order_by("-pk").first()


def _confirm(people):
    services.mentor_session_confirm(session=_last_session(people), mentor=people["mentor"])


def _dispute(people):
    services.mentor_session_dispute(
        session=_last_session(people), mentor=people["mentor"], reason="I was on leave."
    )


def _correct(people):
    session = _last_session(people)
    services.mentor_session_correct(
        session=session,
        trainee=people["trainee"],
        date=session.date,
        hours=session.hours,
        engagement=session.engagement,
        group_size=session.group_size,
    )


def _unconfirm(people):
    services.mentor_session_unconfirm(
        session=_last_session(people), mentor=people["mentor"], reason="Wrong date."
    )


def _password_reset(client, people):
    client.post(reverse("password_reset"), {"email": people["trainee"].email})


def _signup(client, people, email="new.trainee@example.org"):
    client.post(
        reverse("signup"),
        {
            "email": email,
            "first_name": "Nia",
            "last_name": "Okafor",
            "profession": "physician",
            "time_zone": "Europe/London",
            "password1": "a-long-and-unusual-passphrase",
            "password2": "a-long-and-unusual-passphrase",
        },
    )


def _signup_taken(client, people):
    _signup(client, people, email=people["trainee"].email)


def _revoke(people):
    award = Award.objects.get(trainee=people["trainee"])
    services.award_revoke(award=award, actor=people["admin"], reason="Ethics breach.")


def _eligibility_notice(people):
    services.eligibility_notice_create(
        trainee=people["trainee"],
        pathway=selectors.pathway_by_code(code="pcc"),
        as_of=days_ago(0),
    )


def _grading_submit(people):
    from courses.services import enrolment_create
    from tests.factories.courses import make_cohort
    from tests.factories.grading import graded_module
    from tests.factories.people import make_trainer

    programme, module = graded_module(blind=True)
    trainer = make_trainer(credential_held="MCC", first_name="Tess", last_name="Marker")
    cohort = make_cohort(programme=programme, trainers=[trainer])
    cohort.lead_trainer = trainer
    cohort.save()
    enrolment_create(
        trainee=people["trainee"], programme=programme, invitation_code=cohort.invitation_code
    )
    people.update(trainer=trainer, module=module)
    _grading_send(people)


def _grading_send(people):
    from courses.grading import services as grading
    from tests.factories.grading import recording, transcript

    grading.submission_submit(
        trainee=people["trainee"],
        module=people["module"],
        block_id="rec",
        recording=recording(),
        transcript=transcript(),
        consent=True,
    )


def _grading_revision(people):
    from courses.grading import services as grading
    from courses.grading.models import Submission

    submission = Submission.objects.get(trainee=people["trainee"], module=people["module"])
    grading.submission_claim(submission=submission, assessor=people["trainer"])
    levels = {c.pk: "approaching" for c in submission.rubric.criteria.all() if not c.is_marker}
    grading.grade_record(
        submission=submission,
        assessor=people["trainer"],
        decision="revision_requested",
        levels=levels,
        comments={},
        competency_feedback={},
        overall_feedback="Please agree the session's goal first.",
    )


def _grading_overdue(people):
    from courses.grading import notifications
    from courses.grading.models import Submission

    _grading_send(people)
    Submission.objects.filter(trainee=people["trainee"]).update(
        submitted_at=timezone.now() - dt.timedelta(days=30)
    )
    assert notifications.overdue_notices_send() == 1
    assert notifications.overdue_notices_send() == 0  # once per submission


# (trigger, {link's view name: ...}); a trigger takes `people`, or `client, people` when it
# goes through a page. Steps run in order and share the people and their records.
STEPS = [
    (_signup, {"dashboard"}),
    # Signed in, the recipient lands on their dashboard from the sign-in link.
    (_signup_taken, {"dashboard", "password_reset"}),
    (_password_reset, {"password_reset_confirm"}),
    (_log_session(days=3), {"credentials:mentor_sessions_led"}),
    (_confirm, {"credentials:mentor_sessions"}),
    (_log_session(days=4), {"credentials:mentor_sessions_led"}),
    (_dispute, {"credentials:mentor_sessions"}),
    (_correct, {"credentials:mentor_sessions_led"}),
    (_confirm, {"credentials:mentor_sessions"}),
    (_unconfirm, {"credentials:mentor_sessions"}),
    (_review(approve=True), {"credentials:education_records"}),
    (_review(approve=False), {"credentials:education_records"}),
    (_submit, {"credentials:progress", "credentials:application_detail"}),
    (_move("under_review"), {"credentials:progress"}),
    (_move("returned", reasons="Your log is missing a client."), {"credentials:progress"}),
    (_submit, {"credentials:progress", "credentials:application_detail"}),
    (_move("under_review"), {"credentials:progress"}),
    # Approval also renders the certificate, whose own email follows.
    (
        _move("approved"),
        {"credentials:progress", "credentials:award_certificate", "credentials:verify"},
    ),
    (_revoke, {"credentials:verify"}),
    (_eligibility_notice, {"credentials:progress"}),
    (_grading_submit, {"courses:grading_grade"}),
    (_grading_revision, {"courses:assignment"}),
    (_grading_overdue, {"courses:grading_grade", "courses:grading_queue"}),
]


def _sent(client, people, trigger, django_capture_on_commit_callbacks):
    rendered = []

    def record(sender, template, context, **kwargs):
        rendered.append(template.name)

    mail.outbox.clear()
    template_rendered.connect(record)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            if trigger in (_signup, _signup_taken, _password_reset):
                trigger(client, people)
            else:
                trigger(people)
    finally:
        template_rendered.disconnect(record)
    return list(mail.outbox), {name for name in rendered if name.startswith("emails/")}


def test_every_email_renders_and_its_links_open_for_its_recipient(
    client, people, django_capture_on_commit_callbacks
):
    templates_sent = set()
    for trigger, view_names in STEPS:
        messages, templates = _sent(client, people, trigger, django_capture_on_commit_callbacks)
        assert messages, f"{trigger} sent no email"
        templates_sent |= templates
        opened = set()
        for message in messages:
            assert "\n" not in message.subject and "\r" not in message.subject
            assert message.body.strip()
            links = LINK.findall(message.body)
            assert links, f"{message.subject!r} has no link"
            for recipient in message.to:
                person = User.objects.get(email=recipient)
                if person.is_active:  # someone who has not confirmed sign-up cannot sign in
                    client.force_login(person)
                for link in links:
                    assert link.startswith(settings.SITE_URL + "/"), link
                    response = client.get(link.removeprefix(settings.SITE_URL), follow=True)
                    assert response.status_code == 200, (message.subject, link)
                    opened.add(response.resolver_match.view_name)
                client.logout()
        assert opened == view_names, (trigger, opened)
    every_template = {
        f"emails/{path.name}" for path in EMAIL_TEMPLATES.iterdir() if path.suffix == ".txt"
    }
    assert templates_sent == every_template


def test_a_subject_never_carries_a_line_break_from_the_context():
    email = email_render("award_revoked", {"title": "ACC\r\nBcc: x"})
    assert email.subject == "Your award has been revoked: ACC Bcc: x"


def test_header_text_removes_control_characters():
    assert header_text("Ada\nBcc: eve@example.org\x00\u2028") == "Ada Bcc: eve@example.org"


def test_site_url_joins_the_setting_and_a_path(settings):
    settings.SITE_URL = "https://coach.example.org/"
    assert site_url("/progress/") == "https://coach.example.org/progress/"
    with pytest.raises(ValueError):
        site_url("credentials:progress")


def test_a_mentor_session_email_links_to_the_page_not_a_view_name(
    people, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        make_mentor_session(
            trainee=people["trainee"], mentor=people["mentor"], hours=Decimal("1.5")
        )
    (message,) = mail.outbox
    assert "http://testserver/credentials:" not in message.body
    assert site_url("/") in message.body
