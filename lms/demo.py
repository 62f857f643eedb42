"""Realistic demo data for every role. Idempotent: running it again changes nothing.

Built through the same services the product uses, so the demo never holds a state that the
application itself could not produce.
"""

from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from decimal import Decimal

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from wagtail.documents.models import Document

from billing.booking_demo import bookings_demo_seed
from billing.demo import billing_demo_seed
from courses import services as course_services
from courses.grading.demo import grading_demo_seed
from courses.models import (
    Cohort,
    CoursePage,
    Delivery,
    Enrolment,
    EnrolmentPolicy,
    LiveSession,
    ModulePage,
    ProgrammeIndexPage,
    ProgrammePage,
)
from credentials.cme.demo import cme_demo_seed
from lms.demo_records import demo_records_seed
from lms.models import Credential, Profession, Role, User
from lms.services import user_create

DEMO_PASSWORD = "coach-demo-2026"  # noqa: S105 - published demo login, documented in README
DEMO_COHORT_CODE = "SPRING26"
PROGRAMME_SLUG = "physician-coach-certification-level-1"


@dataclass(frozen=True)
class DemoLogin:
    role: str
    email: str
    name: str


def _video(title: str, transcript: str) -> tuple[str, dict]:
    return (
        "video",
        {
            "title": title,
            "url": "https://www.youtube.com/watch?v=8Ndw4f2kq3I",
            "transcript": transcript,
            "required": True,
        },
    )


def _key_points(points: list[str], tip: str) -> tuple[str, dict]:
    return ("key_points", {"heading": "Key points", "points": points, "tip": tip})


def _reflection(prompt: str) -> tuple[str, dict]:
    return ("reflection_prompt", {"prompt": prompt, "required": True})


def _activity(title: str, instructions: str, kind: str = "practice") -> tuple[str, dict]:
    return (
        "activity",
        {"title": title, "kind": kind, "instructions": instructions, "required": True},
    )


# (course title, [(module title, hours, delivery, minutes, summary, body blocks)])
def _curriculum(tip_sheet: Document) -> list[tuple[str, list[tuple]]]:
    return [
        (
            "Foundations of coaching",
            [
                (
                    "ICF core competencies",
                    Decimal("8"),
                    Delivery.ASYNCHRONOUS,
                    240,
                    "The eight ICF core competencies and what they look like in a session.",
                    [
                        (
                            "text",
                            "<p>The ICF competency model groups eight competencies into four "
                            "domains: foundation, co-creating the relationship, communicating "
                            "effectively, and cultivating learning and growth.</p>",
                        ),
                        _video(
                            "The competencies in a real session",
                            "In this session the coach agrees the focus, then listens for what "
                            "matters most to the client before asking a single question...",
                        ),
                        (
                            "resource",
                            {
                                "title": "Core competencies tip sheet",
                                "document": tip_sheet,
                                "description": "One page to keep beside you in sessions.",
                                "required": False,
                            },
                        ),
                        _key_points(
                            [
                                "Demonstrates ethical practice",
                                "Embodies a coaching mindset",
                                "Establishes and maintains agreements",
                                "Cultivates trust and safety",
                            ],
                            "Before each session, pick one competency to watch in yourself.",
                        ),
                        _reflection(
                            "Which competency comes most naturally from your clinical "
                            "work, and which asks you to unlearn a habit?"
                        ),
                    ],
                ),
                (
                    "Ethics and the ICF Code of Ethics",
                    Decimal("4"),
                    Delivery.ASYNCHRONOUS,
                    120,
                    "Confidentiality, conflicts of interest and dual relationships for clinicians.",
                    [
                        (
                            "text",
                            "<p>Clinicians who coach colleagues meet dual relationships every "
                            "week. This module works through the Code of Ethics with cases from "
                            "hospital practice.</p>",
                        ),
                        _key_points(
                            [
                                "Coaching notes are not part of the medical record",
                                "Name conflicts of interest at contracting",
                                "Refer to therapy when the work becomes clinical",
                            ],
                            "When in doubt, pause and re-contract out loud.",
                        ),
                        _activity(
                            "Case: coaching your own resident",
                            "<p>Decide what you would say at contracting, and why.</p>",
                        ),
                    ],
                ),
                (
                    "Coaching vs mentoring vs precepting",
                    Decimal("3"),
                    Delivery.ASYNCHRONOUS,
                    90,
                    "Three helping roles, three stances: when to tell and when to ask.",
                    [
                        (
                            "text",
                            "<p>Precepting teaches a skill; mentoring shares experience; "
                            "coaching draws out the client's own answers.</p>",
                        ),
                        _reflection(
                            "Recall a time you mentored when the person needed coaching. "
                            "What would you ask now?"
                        ),
                    ],
                ),
            ],
        ),
        (
            "Core coaching skills",
            [
                (
                    "Active listening",
                    Decimal("6"),
                    Delivery.ASYNCHRONOUS,
                    180,
                    "Listening for what is said and not said, beyond the clinical history.",
                    [
                        (
                            "text",
                            "<p>Clinical listening hunts for a diagnosis. Coaching listening "
                            "follows the client's meaning.</p>",
                        ),
                        _video(
                            "Three levels of listening",
                            "Level one is listening to yourself; level two is focused on the "
                            "client; level three takes in the whole field...",
                        ),
                        _activity(
                            "Listening triad",
                            "<p>In threes: coach, client, observer. Ten minutes each.</p>",
                            kind="role_play",
                        ),
                    ],
                ),
                (
                    "Powerful questions",
                    Decimal("6"),
                    Delivery.ASYNCHRONOUS,
                    180,
                    "Open, short, forward-looking questions that evoke awareness.",
                    [
                        _key_points(
                            [
                                "Ask one question at a time",
                                "Start with what or how",
                                "Let silence work",
                            ],
                            "If your question has 'and' in it, it is two questions.",
                        ),
                        _activity(
                            "Rewrite ten closed questions",
                            "<p>Turn each closed question into an open one.</p>",
                        ),
                        _reflection("Which question you were asked changed your own thinking?"),
                    ],
                ),
                (
                    "Group coaching",
                    Decimal("5"),
                    Delivery.SYNCHRONOUS,
                    150,
                    "Live practice: holding a group of clinicians and the space between them.",
                    [
                        (
                            "text",
                            "<p>This module is delivered live. Your trainer records "
                            "attendance; the hours count as synchronous education.</p>",
                        ),
                        _activity(
                            "Live group practice",
                            "<p>Coach a group of four through a shared challenge.</p>",
                            kind="discussion",
                        ),
                    ],
                ),
            ],
        ),
        (
            "Coaching in clinical settings",
            [
                (
                    "Pre-procedure just-in-time coaching",
                    Decimal("4"),
                    Delivery.ASYNCHRONOUS,
                    120,
                    "Five-minute coaching before a procedure: focus, confidence, a plan.",
                    [
                        (
                            "text",
                            "<p>A short, structured conversation in the minutes before a "
                            "procedure can steady a trainee's hands and attention.</p>",
                        ),
                        _key_points(
                            [
                                "Ask for the one thing to focus on",
                                "Agree a reset cue",
                                "Debrief within 24 hours",
                            ],
                            "Keep it under five minutes.",
                        ),
                        _activity(
                            "Script your first two minutes",
                            "<p>Write the opening you will use tomorrow.</p>",
                        ),
                    ],
                ),
                (
                    "Burnout and resilience coaching",
                    Decimal("6"),
                    Delivery.SYNCHRONOUS,
                    180,
                    "Live workshop: coaching colleagues through exhaustion without rescuing them.",
                    [
                        (
                            "text",
                            "<p>Burnout is a system problem that people carry personally. "
                            "This live workshop practises coaching that respects both.</p>",
                        ),
                        _reflection("Where do you notice the pull to rescue rather than coach?"),
                    ],
                ),
            ],
        ),
    ]


# The cohort's trainees started training the day the cohort started.
COHORT_STARTED_DAYS_AGO = 120

PEOPLE = [
    # (role, email, first, last, profession, specialty, credential, npi, training start offset)
    (
        Role.PROGRAMME_ADMIN,
        "admin@demo.coach",
        "Amara",
        "Okafor",
        Profession.NON_CLINICIAN,
        "",
        Credential.NONE,
        "",
        None,
    ),
    (
        Role.TRAINER,
        "trainer@demo.coach",
        "Helen",
        "Marsh",
        Profession.PHYSICIAN,
        "Anaesthesia",
        Credential.PCC,
        "",
        None,
    ),
    (
        Role.MENTOR,
        "mentor@demo.coach",
        "Daniel",
        "Reyes",
        Profession.PSYCHOLOGIST,
        "Clinical psychology",
        Credential.MCC,
        "",
        None,
    ),
    (
        Role.TRAINEE,
        "trainee@demo.coach",
        "Priya",
        "Shah",
        Profession.PHYSICIAN,
        "Emergency medicine",
        Credential.NONE,
        "1234567893",
        COHORT_STARTED_DAYS_AGO,
    ),
    (
        Role.TRAINEE,
        "sam.oduya@demo.coach",
        "Sam",
        "Oduya",
        Profession.NURSE,
        "Intensive care",
        Credential.NONE,
        "",
        COHORT_STARTED_DAYS_AGO,
    ),
    (
        Role.TRAINEE,
        "lena.fischer@demo.coach",
        "Lena",
        "Fischer",
        Profession.PHYSICIAN,
        "Paediatrics",
        Credential.NONE,
        "",
        COHORT_STARTED_DAYS_AGO,
    ),
    (
        Role.TRAINEE,
        "tom.baker@demo.coach",
        "Tom",
        "Baker",
        Profession.OTHER_CLINICIAN,
        "Physiotherapy",
        Credential.NONE,
        "",
        COHORT_STARTED_DAYS_AGO,
    ),
    # Outside the cohort: they took their coach training elsewhere and are at the credential end.
    (
        Role.TRAINEE,
        "grace.mensah@demo.coach",
        "Grace",
        "Mensah",
        Profession.PHYSICIAN,
        "General practice",
        Credential.NONE,
        "",
        730,
    ),
    (
        Role.TRAINEE,
        "omar.haddad@demo.coach",
        "Omar",
        "Haddad",
        Profession.PHYSICIAN,
        "Cardiology",
        Credential.NONE,
        "",
        730,
    ),
    (
        Role.TRAINEE,
        "ruth.adeyemi@demo.coach",
        "Ruth",
        "Adeyemi",
        Profession.NURSE,
        "Oncology nursing",
        Credential.NONE,
        "",
        730,
    ),
]

# How many modules (in outline order) each demo trainee has completed.
PROGRESS = {
    "trainee@demo.coach": 3,
    "sam.oduya@demo.coach": 6,
    "lena.fischer@demo.coach": 1,
    "tom.baker@demo.coach": 0,
}


def _people() -> dict[str, User]:
    users = {}
    today = timezone.localdate()
    for role, email, first, last, profession, specialty, credential, npi, offset in PEOPLE:
        user = User.objects.filter(email=email).first()
        if user is None:
            user = user_create(
                email=email,
                password=DEMO_PASSWORD,
                first_name=first,
                last_name=last,
                roles=(role,),
                profession=profession,
                specialty=specialty,
                credential_held=credential,
                npi=npi,
                training_start=today - timedelta(days=offset) if offset else None,
                time_zone="Europe/London",
            )
        users[email] = user
    return users


def _tip_sheet() -> Document:
    title = "ICF core competencies — tip sheet"
    document = Document.objects.filter(title=title).first()
    if document is None:
        document = Document(title=title)
        document.file.save(
            "core-competencies-tip-sheet.txt",
            ContentFile(
                b"ICF core competencies\n\n"
                b"1. Demonstrates ethical practice\n2. Embodies a coaching mindset\n"
                b"3. Establishes and maintains agreements\n4. Cultivates trust and safety\n"
                b"5. Maintains presence\n6. Listens actively\n7. Evokes awareness\n"
                b"8. Facilitates client growth\n"
            ),
            save=True,
        )
    return document


def _programme() -> ProgrammePage:
    existing = ProgrammePage.objects.filter(slug=PROGRAMME_SLUG).first()
    if existing:
        return existing
    index = ProgrammeIndexPage.objects.get()
    programme = index.add_child(
        instance=ProgrammePage(
            title="Physician Coach Certification — Level 1",
            slug=PROGRAMME_SLUG,
            summary="42 hours of coach-specific education for senior clinicians, 11 of them "
            "live: the first part of the 60 hours the ACC pathway asks for.",
            body="<p>Eight modules across three courses, with live practice sessions and "
            "a private reflective journal.</p>",
            enrolment_policy=EnrolmentPolicy.OPEN,
        )
    )
    for course_title, modules in _curriculum(_tip_sheet()):
        course = programme.add_child(instance=CoursePage(title=course_title))
        for title, hours, delivery, minutes, summary, body in modules:
            course.add_child(
                instance=ModulePage(
                    title=title,
                    summary=summary,
                    education_hours=hours,
                    delivery=delivery,
                    estimated_minutes=minutes,
                    body=body,
                )
            )
    return programme


def _cohort(programme: ProgrammePage, trainer: User) -> Cohort:
    cohort, _ = Cohort.objects.get_or_create(
        programme=programme,
        name="Spring 2026 cohort",
        defaults={
            "invitation_code": DEMO_COHORT_CODE,
            # The day the cohort's trainees started training (PEOPLE).
            "starts_on": timezone.localdate() - timedelta(days=COHORT_STARTED_DAYS_AGO),
        },
    )
    cohort.trainers.add(trainer)
    return cohort


# (module title, days from today, location, join link): one session of each live module has
# taken place (its register is taken for the first, still to take for the second) and one of
# each is coming up online.
LIVE_SESSIONS = [
    ("Group coaching", -28, "Teaching room 3", ""),
    ("Burnout and resilience coaching", -7, "Teaching room 3", ""),
    ("Group coaching", 7, "Online", "https://meet.example.org/spring26-group-coaching"),
    ("Burnout and resilience coaching", 14, "Online", "https://meet.example.org/spring26-burnout"),
]


def _live_sessions(cohort: Cohort, modules: list[ModulePage]) -> list[LiveSession]:
    """The cohort's sessions, dated from today; a session is known by its module and place."""
    by_title = {module.title: module for module in modules}
    today = timezone.localdate()
    sessions = []
    for title, days, place, join_url in LIVE_SESSIONS:
        module = by_title[title]
        session = LiveSession.objects.filter(module=module, cohort=cohort, location=place).first()
        if session is None:
            starts_at = datetime.combine(today + timedelta(days=days), time(16), tzinfo=UTC)
            session = course_services.live_session_create(
                module=module,
                cohort=cohort,
                starts_at=starts_at,
                ends_at=starts_at + timedelta(minutes=module.estimated_minutes),
                location=place,
                join_url=join_url,
            )
        sessions.append(session)
    return sessions


def _enrol(trainee: User, cohort: Cohort) -> None:
    if not Enrolment.objects.filter(trainee=trainee, programme=cohort.programme).exists():
        course_services.enrolment_create(
            trainee=trainee, programme=cohort.programme, invitation_code=cohort.invitation_code
        )


def _progress(
    trainee: User,
    cohort: Cohort,
    modules: list[ModulePage],
    trainer: User,
    sessions: list[LiveSession],
    done: int,
) -> None:
    # Attendance is recorded at a session that has taken place: the first of its module.
    sessions_by_module = {}
    for session in sorted(sessions, key=lambda session: session.starts_at):
        sessions_by_module.setdefault(session.module_id, session)
    for module in modules[:done]:
        for block in module.body:
            if block.block_type == "reflection_prompt":
                course_services.journal_entry_create(
                    trainee=trainee,
                    title=f"Reflection: {module.title}",
                    body="I noticed how quickly I move to solving. Next time I will ask one more "
                    "question before offering anything.",
                    module=module,
                    block_id=block.id,
                )
            elif block.block_type in {"video", "resource", "activity"} and block.value["required"]:
                course_services.block_mark_done(trainee=trainee, module=module, block_id=block.id)
        if module.is_synchronous:
            course_services.attendance_record(
                session=sessions_by_module[module.id],
                trainee=trainee,
                attended=True,
                recorded_by=trainer,
            )
        course_services.module_complete(trainee=trainee, module=module)


@transaction.atomic
def demo_seed() -> list[DemoLogin]:
    users = _people()
    trainer = users["trainer@demo.coach"]
    programme = _programme()
    modules = list(ModulePage.objects.descendant_of(programme).live().order_by("path"))
    cohort = _cohort(programme, trainer)
    sessions = _live_sessions(cohort, modules)
    for email, done in PROGRESS.items():
        trainee = users[email]
        _enrol(trainee, cohort)
        if trainee.module_completions.count() < done:
            _progress(trainee, cohort, modules, trainer, sessions, done)
    demo_records_seed(users=users)
    cme_demo_seed(module=modules[0], physician=users["trainee@demo.coach"])
    grading_demo_seed(programme=programme, trainee=users["trainee@demo.coach"])
    billing_demo_seed()
    bookings_demo_seed(mentor=users["mentor@demo.coach"], coach=users["trainee@demo.coach"])
    return [
        DemoLogin(role=role.label, email=email, name=f"{first} {last}")
        for role, email, first, last, *_ in PEOPLE
    ]
