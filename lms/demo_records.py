"""The demo's practice records: mentor coaching, coaching logs, applications and an award.

Part of `demo_seed` (lms/demo.py). Dates are relative to today, so the demo always shows work
waiting: sessions for the mentor to confirm, one session disputed, an education record and an
application for the programme admin to review, one trainee who can apply for ACC and one who
holds it. Every step goes through the credentials services; each is skipped when it was done
before, so seeding again changes nothing.
"""

from datetime import date, timedelta
from decimal import Decimal
from functools import cache

from django.core.files.base import ContentFile
from django.utils import timezone
from weasyprint import HTML

from credentials import selectors as credential_selectors
from credentials import services as credential_services
from credentials.models import (
    ApplicationStatus,
    AssessmentKind,
    CredentialApplication,
    Engagement,
)
from lms.models import User

ACC = "acc"
# Enough for ACC (DESIGN §2): 60 hours of education (30 live); 10 one-to-one mentor hours over
# four months with an MCC mentor; 104 coaching hours (80 paid) with 8 clients, all within the
# last 18 months; a passed performance evaluation and exam.
ACC_MENTOR_SESSION_DAYS_AGO = (210, 180, 150, 120, 90)
ACC_CLIENTS = ("Aisha", "Ben", "Carmen", "Dev", "Elif", "Femi", "Gwen", "Hiro")
DISPUTE_REASON = (
    "We did not meet on this date: our session was the following Tuesday. "
    "Please check your diary and log it again with the right date."
)
CERTIFICATE_HTML = (
    "<h1>Certificate of completion</h1><p>Demo course in coach-specific education.</p>"
    "<p>This document was made by the demo seed.</p>"
)


def _days_ago(days: int) -> date:
    return timezone.localdate() - timedelta(days=days)


@cache
def _certificate_pdf() -> bytes:
    # A real one-page PDF: uploaded certificates must open (credentials.validators).
    return HTML(string=CERTIFICATE_HTML).write_pdf()


def _certificate() -> ContentFile:
    return ContentFile(_certificate_pdf(), name="certificate-of-completion.pdf")


def _mentor_session_logged(
    *, trainee: User, mentor: User, days_ago: int, hours: str, group_size: int | None = None
):
    return credential_services.mentor_session_log(
        trainee=trainee,
        mentor=mentor,
        date=_days_ago(days_ago),
        hours=Decimal(hours),
        engagement=Engagement.GROUP if group_size else Engagement.INDIVIDUAL,
        group_size=group_size,
    )


def _acc_ready_records(*, trainee: User, mentor: User, admin: User) -> None:
    """Records that meet every ACC requirement today (the trainee starts with none)."""
    record = credential_services.education_record_submit(
        trainee=trainee,
        title="Foundations of Coaching Practice",
        provider="Northfield Coaching School",
        completed_on=_days_ago(500),
        hours=Decimal(60),
        synchronous_hours=Decimal(30),
        certificate=_certificate(),
    )
    credential_services.education_record_review(record=record, reviewer=admin, approve=True)
    for days_ago in ACC_MENTOR_SESSION_DAYS_AGO:
        session = _mentor_session_logged(
            trainee=trainee, mentor=mentor, days_ago=days_ago, hours="2"
        )
        credential_services.mentor_session_confirm(session=session, mentor=mentor)
    for index, client in enumerate(ACC_CLIENTS):
        credential_services.coaching_log_entry_create(
            trainee=trainee,
            client_name=client,
            start_date=_days_ago(300 - index * 20),
            end_date=_days_ago(100 - index * 10),
            paid_hours=Decimal(10),
            pro_bono_hours=Decimal(3),
        )
    credential_services.assessment_result_record(
        trainee=trainee,
        kind=AssessmentKind.PERFORMANCE_EVALUATION,
        date=_days_ago(45),
        passed=True,
        score=None,
        recorded_by=admin,
    )
    credential_services.assessment_result_record(
        trainee=trainee,
        kind=AssessmentKind.EXAM,
        date=_days_ago(30),
        passed=True,
        score=512,
        recorded_by=admin,
    )


def _acc_ready(*, trainee: User, mentor: User, admin: User) -> None:
    if not trainee.coaching_log.exists():
        _acc_ready_records(trainee=trainee, mentor=mentor, admin=admin)


def _acc_application(*, trainee: User) -> CredentialApplication:
    pathway = credential_selectors.pathway_by_code(code=ACC)
    application = CredentialApplication.objects.filter(trainee=trainee, pathway=pathway).first()
    return application or credential_services.application_submit(trainee=trainee, pathway=pathway)


def _acc_awarded(*, trainee: User, admin: User) -> None:
    """Approved through the review, so the award's certificate PDF is rendered by its task."""
    application = _acc_application(trainee=trainee)
    for to_status in (ApplicationStatus.UNDER_REVIEW, ApplicationStatus.APPROVED):
        if credential_services.APPLICATION_MACHINE.allows(application.status, to_status):
            application = credential_services.application_transition(
                application=application, to_status=to_status, actor=admin
            )


def _waiting_for_the_mentor(*, trainee: User, mentor: User) -> None:
    """Two sessions the trainee logged that the mentor has not confirmed yet."""
    if not trainee.mentor_sessions.exists():
        _mentor_session_logged(trainee=trainee, mentor=mentor, days_ago=12, hours="1")
        _mentor_session_logged(
            trainee=trainee, mentor=mentor, days_ago=5, hours="1.5", group_size=6
        )


def _confirmed_by_the_mentor(*, trainee: User, mentor: User) -> None:
    if not trainee.mentor_sessions.exists():
        for days_ago in (70, 40):
            session = _mentor_session_logged(
                trainee=trainee, mentor=mentor, days_ago=days_ago, hours="1"
            )
            credential_services.mentor_session_confirm(session=session, mentor=mentor)


def _disputed_by_the_mentor(*, trainee: User, mentor: User) -> None:
    if not trainee.mentor_sessions.exists():
        session = _mentor_session_logged(trainee=trainee, mentor=mentor, days_ago=20, hours="1")
        credential_services.mentor_session_dispute(
            session=session, mentor=mentor, reason=DISPUTE_REASON
        )


def _early_practice(*, trainee: User) -> None:
    """A few coaching log rows and an education record waiting for the admin's review."""
    if trainee.coaching_log.exists():
        return
    for client, days_ago, paid, pro_bono in (
        ("Jonah", 90, "4", "0"),
        ("Keira", 60, "3", "1"),
        ("Luis", 30, "0", "2"),
    ):
        credential_services.coaching_log_entry_create(
            trainee=trainee,
            client_name=client,
            start_date=_days_ago(days_ago),
            end_date=_days_ago(days_ago - 20),
            paid_hours=Decimal(paid),
            pro_bono_hours=Decimal(pro_bono),
        )
    credential_services.education_record_submit(
        trainee=trainee,
        title="Motivational interviewing for clinicians",
        provider="Royal College e-learning",
        completed_on=_days_ago(14),
        hours=Decimal(12),
        synchronous_hours=Decimal(4),
        certificate=_certificate(),
    )


def demo_records_seed(*, users: dict[str, User]) -> None:
    mentor = users["mentor@demo.coach"]
    admin = users["admin@demo.coach"]
    trainee = users["trainee@demo.coach"]
    _early_practice(trainee=trainee)
    _waiting_for_the_mentor(trainee=trainee, mentor=mentor)
    _confirmed_by_the_mentor(trainee=users["sam.oduya@demo.coach"], mentor=mentor)
    _disputed_by_the_mentor(trainee=users["lena.fischer@demo.coach"], mentor=mentor)
    for email in ("grace.mensah@demo.coach", "omar.haddad@demo.coach", "ruth.adeyemi@demo.coach"):
        _acc_ready(trainee=users[email], mentor=mentor, admin=admin)
    _acc_application(trainee=users["omar.haddad@demo.coach"])
    _acc_awarded(trainee=users["ruth.adeyemi@demo.coach"], admin=admin)
