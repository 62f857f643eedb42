"""Writes of the credentials domain.

Each section has its own owner while the first version is built; keep new functions inside
the right section. Records with a life cycle change state only through their transition map,
and each change writes an event row.
"""

import datetime as dt
import logging
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.files.base import ContentFile
from django.db import IntegrityError, models, transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.text import get_valid_filename

from credentials import certificates, engine, selectors
from credentials.models import (
    OPEN_APPLICATION_STATUSES,
    ApplicationEvent,
    ApplicationStatus,
    AssessmentKind,
    AssessmentResult,
    Award,
    CoachingLogEntry,
    CredentialApplication,
    EducationRecord,
    EducationRecordEvent,
    EducationStatus,
    EligibilityNotice,
    Engagement,
    ImportJob,
    ImportJobStatus,
    MentorSession,
    MentorSessionEvent,
    MentorSessionStatus,
    Pathway,
    Source,
)
from credentials.validators import certificate_extension
from lms import policies
from lms.emails import site_url
from lms.models import Role, User
from lms.services import UpsertOutcome, email_send

# --- Records: coaching log, mentor sessions, external education, assessments ----------------

STALE_ENTRY_MESSAGE = (
    "Someone else changed this entry while you were editing. Reload it and try again."
)
COACHING_LOG_FIELDS = frozenset(
    {
        "client_name",
        "client_contact",
        "engagement",
        "group_size",
        "start_date",
        "end_date",
        "paid_hours",
        "pro_bono_hours",
        "sponsor",
        "notes",
    }
)
# What a trainee says about a mentor session (the mentor and the trainee are fixed once logged).
MENTOR_SESSION_DETAILS = ("date", "hours", "engagement", "group_size")
# The credentialing exam's pass mark on its 200-600 scale (DESIGN §2).
EXAM_PASS_MARK = 460

# Each move of a mentor session and who makes it. The mentor vouches for the session: confirms,
# disputes, corrects a mistaken dispute by confirming, or takes back a mistaken confirmation.
# The trainee owns the record: once it is disputed they correct it (back to the mentor) or
# withdraw it (it never counts).
MENTOR = "mentor"
TRAINEE = "trainee"
MENTOR_SESSION_MOVES: dict[str, dict[str, str]] = {
    MentorSessionStatus.LOGGED: {
        MentorSessionStatus.CONFIRMED: MENTOR,
        MentorSessionStatus.DISPUTED: MENTOR,
    },
    MentorSessionStatus.DISPUTED: {
        MentorSessionStatus.CONFIRMED: MENTOR,
        MentorSessionStatus.LOGGED: TRAINEE,
        MentorSessionStatus.WITHDRAWN: TRAINEE,
    },
    MentorSessionStatus.CONFIRMED: {MentorSessionStatus.LOGGED: MENTOR},
}
MENTOR_SESSION_TRANSITIONS: dict[str, set[str]] = {
    from_status: set(moves) for from_status, moves in MENTOR_SESSION_MOVES.items()
}
EDUCATION_RECORD_TRANSITIONS: dict[str, set[str]] = {
    EducationStatus.PENDING: {EducationStatus.APPROVED, EducationStatus.REJECTED},
}


def _require_trainee(user: User, activity: str) -> None:
    if not user.has_role(Role.TRAINEE):
        raise ValidationError(f"Only trainees can {activity}.")


def _as_hours(value, field: str) -> Decimal:
    """Hours as a Decimal, or a field error a person can act on (model clean needs numbers)."""
    if isinstance(value, Decimal):
        number = value
    else:
        try:
            number = Decimal(str(value).strip())
        except (InvalidOperation, ValueError):
            raise ValidationError({field: "Enter the hours as a number, like 1.5."}) from None
    if not number.is_finite():
        raise ValidationError({field: "Enter the hours as a number, like 1.5."})
    if number < 0:
        raise ValidationError({field: "Hours cannot be negative."})
    return number


def _hours_within(
    hours: Decimal, *, field: str, maximum: Decimal, too_few: str, too_many: str
) -> Decimal:
    if hours <= 0:
        raise ValidationError({field: too_few})
    if hours > maximum:
        raise ValidationError({field: too_many})
    return hours


def _as_date(value, field: str) -> dt.date:
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value).strip())
    except ValueError:
        raise ValidationError({field: "Enter a real date, for example 2025-03-31."}) from None


def _coaching_log_values(fields: dict) -> dict:
    unknown = set(fields) - COACHING_LOG_FIELDS
    if unknown:
        raise TypeError(f"Not coaching log fields: {sorted(unknown)}")
    values = dict(fields)
    for name in ("paid_hours", "pro_bono_hours"):
        if name in values:
            values[name] = _as_hours(values[name], name)
    for name in ("start_date", "end_date"):
        if name in values:
            values[name] = _as_date(values[name], name)
    for name in ("client_name", "client_contact", "sponsor", "notes"):
        if name in values:
            values[name] = (values[name] or "").strip()
    return values


def _check_owner(*, entry: CoachingLogEntry, trainee: User) -> None:
    if entry.trainee_id != trainee.pk:
        # Callers look entries up by owner; this guards the service itself.
        raise PermissionError("Only the trainee who logged this coaching may change it.")


def _coaching_logs_lock(*, trainee_ids) -> None:
    """Hold the row locks of these trainees until the transaction ends (in key order, so two
    writers cannot deadlock).

    Every write of a coaching log takes its trainee's lock first, so the duplicate check that
    follows (full_clean's constraint check, or the import's look-up) cannot race, and no INSERT
    or UPDATE ever meets the natural key's unique constraint. That matters: the key holds the
    client's name, and PostgreSQL writes the conflicting key into its server log (the DETAIL
    line, and the statement itself when parameters are bound on the client). The constraint
    stays as the database's backstop. On SQLite every write transaction is serialised anyway.
    """
    list(
        User.objects.select_for_update()
        .filter(pk__in=trainee_ids)
        .order_by("pk")
        .values_list("pk", flat=True)
    )


@transaction.atomic
def coaching_log_entry_create(*, trainee: User, **fields) -> CoachingLogEntry:
    _require_trainee(trainee, "keep a coaching log")
    entry = CoachingLogEntry(trainee=trainee, **_coaching_log_values(fields))
    _coaching_logs_lock(trainee_ids=[trainee.pk])
    entry.full_clean()  # includes the natural key, checked under the lock
    entry.save()
    return entry


@transaction.atomic
def coaching_log_entry_update(
    *, entry: CoachingLogEntry, trainee: User, expected_version: int, **fields
) -> CoachingLogEntry:
    """Save an edit made on a form loaded at `expected_version`.

    The UPDATE only matches the row at that version, so of two people saving the same
    version at once exactly one wins; the other is told to reload.
    """
    _check_owner(entry=entry, trainee=trainee)
    values = _coaching_log_values(fields)
    for name, value in values.items():
        setattr(entry, name, value)
    _coaching_logs_lock(trainee_ids=[trainee.pk])
    entry.full_clean()  # includes the natural key, checked under the lock
    changed = CoachingLogEntry.objects.filter(
        pk=entry.pk, trainee=trainee, version=expected_version
    ).update(**values, version=F("version") + 1, updated_at=timezone.now())
    if not changed:
        raise ValidationError(STALE_ENTRY_MESSAGE, code="stale")
    entry.refresh_from_db()
    return entry


@transaction.atomic
def coaching_log_entry_delete(*, entry: CoachingLogEntry, trainee: User) -> None:
    _check_owner(entry=entry, trainee=trainee)
    entry.delete()


def _status_transition(
    *,
    record: models.Model,
    transitions: dict[str, set[str]],
    to_status: str,
    event_model: type[models.Model],
    event_field: str,
    actor: User,
    note: str,
    changes: dict | None = None,
) -> None:
    """Move `record` along its transition map and write the event row.

    The UPDATE matches the status the caller saw, so two people acting at once cannot both
    move it; the loser gets a message instead of a second event.
    """
    from_status = record.status
    if to_status not in transitions.get(from_status, set()):
        raise ValidationError(
            f"This can't be done: it is already “{record.get_status_display().lower()}”.",
            code="invalid_transition",
        )
    changes = {**(changes or {}), "status": to_status}
    moved = type(record).objects.filter(pk=record.pk, status=from_status).update(**changes)
    if not moved:
        raise ValidationError(
            "Someone else changed this at the same time. Reload the page to see it.",
            code="stale",
        )
    for name, value in changes.items():
        setattr(record, name, value)
    event_model.objects.create(
        **{event_field: record},
        from_status=from_status,
        to_status=to_status,
        actor=actor,
        note=note,
    )


@transaction.atomic
def mentor_session_transition(
    *,
    session: MentorSession,
    to_status: str,
    actor: User,
    note: str = "",
    changes: dict | None = None,
) -> MentorSession:
    mover = MENTOR_SESSION_MOVES.get(session.status, {}).get(to_status)
    if mover is not None and actor.pk != getattr(session, f"{mover}_id"):
        # Views look sessions up by mentor or trainee; this guards the service itself.
        raise PermissionError(f"Only the session's {mover} may make this change.")
    changes = {
        **(changes or {}),
        "dispute_reason": note if to_status == MentorSessionStatus.DISPUTED else "",
    }
    _status_transition(
        record=session,
        transitions=MENTOR_SESSION_TRANSITIONS,
        to_status=to_status,
        event_model=MentorSessionEvent,
        event_field="session",
        actor=actor,
        note=note,
        changes=changes,
    )
    return session


@transaction.atomic
def mentor_session_log(
    *,
    trainee: User,
    mentor: User,
    date: dt.date,
    hours: Decimal,
    engagement: str,
    group_size: int | None,
) -> MentorSession:
    _require_trainee(trainee, "log mentor coaching")
    if not mentor.has_role(Role.MENTOR):
        raise ValidationError({"mentor": "Choose a mentor from the list."})
    session = MentorSession(
        trainee=trainee, mentor=mentor, mentor_credential=mentor.credential_held
    )
    _mentor_session_set_details(
        session, date=date, hours=hours, engagement=engagement, group_size=group_size
    )
    with _mentor_session_once():
        session.save()
    MentorSessionEvent.objects.create(
        session=session, from_status="", to_status=session.status, actor=trainee
    )
    _email_mentor_to_confirm(session)
    return session


def _mentor_session_set_details(
    session: MentorSession,
    *,
    date: dt.date,
    hours: Decimal,
    engagement: str,
    group_size: int | None,
) -> None:
    """Set what the session was, checked: a field error a person can act on, or nothing set."""
    session.date = _as_date(date, "date")
    session.hours = _hours_within(
        _as_hours(hours, "hours"),
        field="hours",
        maximum=Decimal(24),
        too_few="Enter how long the session lasted: more than 0 hours.",
        too_many="A mentor session cannot last more than 24 hours.",
    )
    session.engagement = engagement
    session.group_size = group_size if engagement == Engagement.GROUP else None
    session.full_clean(validate_constraints=False)


@contextmanager
def _mentor_session_once():
    try:
        with transaction.atomic():
            yield
    except IntegrityError:
        raise ValidationError(
            "You already logged a session of this kind with this mentor on this date."
        ) from None


def _email_mentor_to_confirm(session: MentorSession, *, corrected: bool = False) -> None:
    email_send(
        name="mentor_session_logged",
        context={
            "session": session,
            "corrected": corrected,
            "url": site_url(reverse("credentials:mentor_sessions_led")),
        },
        to=[session.mentor.email],
    )


def _check_trainee(*, session: MentorSession, trainee: User) -> None:
    if session.trainee_id != trainee.pk:
        raise PermissionError("Only the trainee who logged this session may change it.")


def _require_disputed(session: MentorSession, action: str) -> None:
    if session.status != MentorSessionStatus.DISPUTED:
        raise ValidationError(
            f"Only a session your mentor disputed can be {action}; this one is "
            f"“{session.get_status_display().lower()}”.",
            code="invalid_transition",
        )


@transaction.atomic
def mentor_session_correct(
    *,
    session: MentorSession,
    trainee: User,
    date: dt.date,
    hours: Decimal,
    engagement: str,
    group_size: int | None,
) -> MentorSession:
    """The trainee corrects a disputed session: it goes back to the mentor to confirm."""
    _check_trainee(session=session, trainee=trainee)
    _require_disputed(session, "corrected")
    corrected = MentorSession.objects.get(pk=session.pk)
    _mentor_session_set_details(
        corrected, date=date, hours=hours, engagement=engagement, group_size=group_size
    )
    details = {name: getattr(corrected, name) for name in MENTOR_SESSION_DETAILS}
    with _mentor_session_once():
        mentor_session_transition(
            session=session,
            to_status=MentorSessionStatus.LOGGED,
            actor=trainee,
            note="Corrected by the trainee after the dispute.",
            changes=details,
        )
    _email_mentor_to_confirm(session, corrected=True)
    return session


@transaction.atomic
def mentor_session_withdraw(*, session: MentorSession, trainee: User) -> MentorSession:
    """The trainee withdraws a disputed session; it stays on record and never counts."""
    _check_trainee(session=session, trainee=trainee)
    _require_disputed(session, "withdrawn")
    return mentor_session_transition(
        session=session,
        to_status=MentorSessionStatus.WITHDRAWN,
        actor=trainee,
        note="Withdrawn by the trainee after the dispute.",
    )


def _check_mentor(*, session: MentorSession, mentor: User) -> None:
    if session.mentor_id != mentor.pk:
        raise PermissionError("Only the mentor who led this session may confirm or dispute it.")


@transaction.atomic
def mentor_session_confirm(*, session: MentorSession, mentor: User) -> MentorSession:
    _check_mentor(session=session, mentor=mentor)
    mentor_session_transition(
        session=session, to_status=MentorSessionStatus.CONFIRMED, actor=mentor
    )
    email_send(
        name="mentor_session_confirmed",
        context={"session": session, "url": site_url(reverse("credentials:mentor_sessions"))},
        to=[session.trainee.email],
    )
    return session


@transaction.atomic
def mentor_session_dispute(*, session: MentorSession, mentor: User, reason: str) -> MentorSession:
    _check_mentor(session=session, mentor=mentor)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(
            {"reason": "Say why you dispute this session, so the trainee can correct it."}
        )
    mentor_session_transition(
        session=session, to_status=MentorSessionStatus.DISPUTED, actor=mentor, note=reason
    )
    email_send(
        name="mentor_session_disputed",
        context={"session": session, "url": site_url(reverse("credentials:mentor_sessions"))},
        to=[session.trainee.email],
    )
    return session


@transaction.atomic
def mentor_session_unconfirm(*, session: MentorSession, mentor: User, reason: str) -> MentorSession:
    """The mentor takes back a confirmation made by mistake: the session waits for them again."""
    _check_mentor(session=session, mentor=mentor)
    if session.status != MentorSessionStatus.CONFIRMED:
        raise ValidationError(
            "Only a session you confirmed can be taken back; this one is "
            f"“{session.get_status_display().lower()}”.",
            code="invalid_transition",
        )
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(
            {"reason": "Say why you take back your confirmation, so the trainee knows."}
        )
    mentor_session_transition(
        session=session, to_status=MentorSessionStatus.LOGGED, actor=mentor, note=reason
    )
    email_send(
        name="mentor_session_unconfirmed",
        context={
            "session": session,
            "reason": reason,
            "url": site_url(reverse("credentials:mentor_sessions")),
        },
        to=[session.trainee.email],
    )
    return session


def _certificate_extension(certificate: File | None) -> str:
    """What the certificate really is, or a message on the certificate field saying what's wrong."""
    if certificate is None:
        raise ValidationError({"certificate": "Attach your certificate (PDF, PNG or JPEG)."})
    try:
        return certificate_extension(certificate)
    except ValidationError as error:
        raise ValidationError({"certificate": error.messages}) from error


@transaction.atomic
def education_record_submit(
    *,
    trainee: User,
    title: str,
    provider: str,
    completed_on: dt.date,
    hours: Decimal,
    synchronous_hours: Decimal,
    certificate: File,
) -> EducationRecord:
    _require_trainee(trainee, "submit education")
    extension = _certificate_extension(certificate)
    record = EducationRecord(
        trainee=trainee,
        title=(title or "").strip(),
        provider=(provider or "").strip(),
        completed_on=_as_date(completed_on, "completed_on"),
        hours=_hours_within(
            _as_hours(hours, "hours"),
            field="hours",
            maximum=Decimal(1000),
            too_few="Enter the hours of education: more than 0.",
            too_many="Check the hours: one course of more than 1,000 hours is not plausible.",
        ),
        synchronous_hours=_as_hours(synchronous_hours or 0, "synchronous_hours"),
    )
    record.full_clean(validate_constraints=False, exclude=["certificate"])
    # Named after what the file is, not what it claims to be.
    stem = get_valid_filename(Path(certificate.name or "certificate").stem)[:60] or "certificate"
    record.certificate.save(f"{stem}{extension}", certificate, save=False)
    try:
        with transaction.atomic():
            record.save()
    except IntegrityError:
        record.certificate.delete(save=False)
        raise ValidationError(
            "You already submitted this course from this provider with this date."
        ) from None
    EducationRecordEvent.objects.create(
        record=record, from_status="", to_status=record.status, actor=trainee
    )
    return record


@transaction.atomic
def education_record_review(
    *, record: EducationRecord, reviewer: User, approve: bool, note: str = ""
) -> EducationRecord:
    if not policies.can_review_education(reviewer):
        raise PermissionError("Only programme admins review education records.")
    note = (note or "").strip()
    if not approve and not note:
        raise ValidationError(
            {"note": "Say why the record is rejected, so the trainee can put it right."}
        )
    to_status = EducationStatus.APPROVED if approve else EducationStatus.REJECTED
    _status_transition(
        record=record,
        transitions=EDUCATION_RECORD_TRANSITIONS,
        to_status=to_status,
        event_model=EducationRecordEvent,
        event_field="record",
        actor=reviewer,
        note=note,
        changes={"review_note": note},
    )
    email_send(
        name="education_reviewed",
        context={"record": record, "url": site_url(reverse("credentials:education_records"))},
        to=[record.trainee.email],
    )
    return record


def assessment_outcome_problems(*, kind: str, passed: bool, score: int | None) -> dict[str, str]:
    """What is wrong with an exam score and outcome taken together (a pure rule)."""
    if kind != AssessmentKind.EXAM or score is None:
        return {}
    if not 200 <= score <= 600:
        return {"score": "The exam's scaled score is between 200 and 600."}
    if passed != (score >= EXAM_PASS_MARK):
        outcome = "a pass" if score >= EXAM_PASS_MARK else "not a pass"
        return {
            "passed": f"A score of {score} is {outcome} (the pass mark is {EXAM_PASS_MARK}). "
            "Check the score or the Passed box."
        }
    return {}


@transaction.atomic
def assessment_result_record(
    *,
    trainee: User,
    kind: str,
    date: dt.date,
    passed: bool,
    score: int | None,
    recorded_by: User,
    result: AssessmentResult | None = None,
) -> AssessmentResult:
    """Record an exam or performance-evaluation result (or correct `result`).

    A given exam score decides the outcome: a `passed` that disagrees with it is refused
    rather than guessed at, since one of the two was typed wrongly.
    """
    if not policies.can_review_education(recorded_by):
        raise PermissionError("Only programme admins record assessment results.")
    _require_trainee(trainee, "have assessment results")
    if problems := assessment_outcome_problems(kind=kind, passed=passed, score=score):
        raise ValidationError(problems)
    if result is None:
        result = AssessmentResult(trainee=trainee)
    elif result.trainee_id != trainee.pk:
        raise PermissionError("A result cannot be moved to another trainee.")
    result.kind = kind
    result.date = _as_date(date, "date")
    result.passed = passed
    result.score = score
    result.recorded_by = recorded_by
    result.full_clean(validate_constraints=False)
    try:
        with transaction.atomic():
            result.save()
    except IntegrityError:
        raise ValidationError(
            "This trainee already has a result for this assessment on this date."
        ) from None
    return result


@transaction.atomic
def performance_evaluation_result_record(
    *, trainee: User, date: dt.date, passed: bool, assessor: User, result=None
) -> AssessmentResult:
    """A performance evaluation graded in the school (courses.grading), which has checked that
    `assessor` may grade it; `result` is corrected when a regrade changes the outcome."""
    if result is None:
        result = AssessmentResult(trainee=trainee, kind=AssessmentKind.PERFORMANCE_EVALUATION)
    result.date = date
    result.passed = passed
    result.recorded_by = assessor
    result.full_clean(validate_constraints=False)
    try:
        with transaction.atomic():
            result.save()
    except IntegrityError:
        raise ValidationError(
            "This trainee already has a performance evaluation result recorded today; "
            "record this pass tomorrow."
        ) from None
    return result


# --- Imports: upserts used by credentials.imports (import_records, admin and web imports) ----

IMPORT_NOTE = "Imported from a file."
# Rows per INSERT: well under PostgreSQL's and SQLite's limits on parameters per statement.
IMPORT_INSERT_BATCH = 500


@dataclass(frozen=True)
class ImportRow:
    """One checked file row: its natural key, the values a re-import brings a stored row up
    to, and what only a new row gets. Made by the `*_import_row` functions, which check it."""

    key: dict
    values: dict
    create_only: dict


def _relation_fields(model: type[models.Model]) -> list[str]:
    return [field.name for field in model._meta.fields if field.is_relation]


def _import_row_checked(model: type[models.Model], **parts: dict) -> ImportRow:
    """The row, once a new model row made of it passes full_clean.

    Related rows were loaded by the caller, so full_clean skips re-reading them, and the
    natural key's constraint is the database's to enforce: checking costs no query.
    """
    row = ImportRow(**parts)
    model(**row.key, **row.values, **row.create_only).full_clean(
        exclude=_relation_fields(model), validate_unique=False, validate_constraints=False
    )
    return row


def _keyed_rows(model: type[models.Model], key_names) -> models.QuerySet:
    """The rows a natural key can match: those its unique constraint covers.

    A conditional constraint (a rejected education record is outside it) leaves such rows out,
    so an import adds the corrected row beside them rather than reviving them outside their
    transition map.
    """
    for constraint in model._meta.constraints:
        if isinstance(constraint, models.UniqueConstraint) and set(constraint.fields) == set(
            key_names
        ):
            if constraint.condition is not None:
                return model.objects.filter(constraint.condition)
            break
    return model.objects.all()


def _natural_key(row: ImportRow) -> tuple:
    return tuple(
        value.pk if isinstance(value, models.Model) else value for value in row.key.values()
    )


def _stored_rows(model: type[models.Model], rows: list[ImportRow]) -> dict[tuple, models.Model]:
    """The stored rows with these rows' natural keys, in one query.

    The query asks for every key field to be among the batch's values (a superset the key's
    index answers), and only exact matches are kept, so memory follows the batch, not the table.
    """
    names = list(rows[0].key)
    attnames = [model._meta.get_field(name).attname for name in names]
    wanted = {_natural_key(row) for row in rows}
    candidates = (
        _keyed_rows(model, names)
        .filter(
            **{
                f"{attname}__in": {key[index] for key in wanted}
                for index, attname in enumerate(attnames)
            }
        )
        .order_by("pk")
    )
    stored = {}
    for candidate in candidates.iterator(chunk_size=IMPORT_INSERT_BATCH):
        key = tuple(getattr(candidate, attname) for attname in attnames)
        if key in wanted:
            stored.setdefault(key, candidate)  # the oldest, as _import_row_upsert finds it
    return stored


def _import_row_upsert(
    model: type[models.Model], row: ImportRow, *, versioned: bool
) -> tuple[models.Model, UpsertOutcome, dict]:
    """One row under a row lock: create it, or bring the stored one up to `row.values`.

    Returns the row, what happened and the previous values of the fields that changed. The
    natural key's unique constraint decides, not the look-up: when a concurrent import
    inserts the same key first, the insert fails inside its savepoint and the row it created is
    compared instead.
    """
    skip_lookups = _relation_fields(model)
    stored = _keyed_rows(model, row.key).select_for_update().filter(**row.key).order_by("pk")
    existing = stored.first()
    if existing is None:
        created = model(**row.key, **row.values, **row.create_only)
        created.full_clean(exclude=skip_lookups, validate_unique=False, validate_constraints=False)
        try:
            with transaction.atomic():
                created.save(force_insert=True)
            return created, UpsertOutcome.CREATED, {}
        except IntegrityError:
            existing = stored.first()
            if existing is None:
                raise
    previous = {
        name: getattr(existing, name)
        for name, value in row.values.items()
        if getattr(existing, name) != value
    }
    if not previous:
        return existing, UpsertOutcome.UNCHANGED, {}
    for name in previous:
        setattr(existing, name, row.values[name])
    existing.full_clean(exclude=skip_lookups, validate_unique=False, validate_constraints=False)
    changed = list(previous)
    if versioned:
        existing.version += 1  # an edit form opened before the import must reload
        changed += ["version", "updated_at"]
    existing.save(update_fields=changed)
    return existing, UpsertOutcome.UPDATED, previous


def _import_rows_upsert(
    model: type[models.Model], rows: list[ImportRow], *, versioned: bool = False
) -> list[tuple[models.Model, UpsertOutcome, dict]]:
    """Bring the stored rows up to these file rows (natural keys distinct) in a few queries.

    The stored rows are read in one query. An unchanged row costs nothing more; a changed row
    is updated under its row lock (a corrected file: rare); new rows go in with one INSERT per
    IMPORT_INSERT_BATCH rows. The natural key's unique constraint settles a race with a
    concurrent import: an INSERT that meets the other import's rows fails inside its
    savepoint, and its rows are then taken one by one, which compares them with the other
    import's. Returns (row, outcome, previous values of the changed fields) per row, in order.
    """
    if not rows:
        return []
    stored = _stored_rows(model, rows)
    results: list = [None] * len(rows)
    new = []
    for index, row in enumerate(rows):
        existing = stored.get(_natural_key(row))
        if existing is None:
            new.append(index)
        elif any(getattr(existing, name) != value for name, value in row.values.items()):
            results[index] = _import_row_upsert(model, row, versioned=versioned)
        else:
            results[index] = (existing, UpsertOutcome.UNCHANGED, {})
    for start in range(0, len(new), IMPORT_INSERT_BATCH):
        batch = new[start : start + IMPORT_INSERT_BATCH]
        created = [model(**rows[i].key, **rows[i].values, **rows[i].create_only) for i in batch]
        try:
            with transaction.atomic():
                model.objects.bulk_create(created)
        except IntegrityError:
            for index in batch:
                results[index] = _import_row_upsert(model, rows[index], versioned=versioned)
        else:
            for index, instance in zip(batch, created, strict=True):
                results[index] = (instance, UpsertOutcome.CREATED, {})
    return results


def coaching_log_entry_import_row(
    *,
    trainee: User,
    client_name: str,
    engagement: str,
    start_date: dt.date,
    end_date: dt.date,
    paid_hours: Decimal,
    pro_bono_hours: Decimal,
    group_size: int | None = None,
    client_contact: str | None = None,
) -> ImportRow:
    """One ICF log row, checked; `client_contact=None` keeps the contact already stored."""
    values = {"group_size": group_size, "paid_hours": paid_hours, "pro_bono_hours": pro_bono_hours}
    if client_contact is not None:
        values["client_contact"] = client_contact
    return _import_row_checked(
        CoachingLogEntry,
        key={
            "trainee": trainee,
            "client_name": client_name,
            "engagement": engagement,
            "start_date": start_date,
            "end_date": end_date,
        },
        values=values,
        create_only={"source": Source.IMPORT},
    )


@transaction.atomic
def coaching_log_entries_import(*, rows: list[ImportRow]) -> list[UpsertOutcome]:
    """Rows from coaching_log_entry_import_row; an updated entry's version goes up.

    Under the trainees' locks the stored rows are read before anything is written, so a new
    row never conflicts on the natural key (see _coaching_logs_lock).
    """
    _coaching_logs_lock(trainee_ids={row.key["trainee"].pk for row in rows})
    return [
        outcome for _, outcome, _ in _import_rows_upsert(CoachingLogEntry, rows, versioned=True)
    ]


@transaction.atomic
def coaching_log_entry_upsert(**fields) -> tuple[CoachingLogEntry, UpsertOutcome]:
    """One ICF log row (the arguments of coaching_log_entry_import_row)."""
    row = coaching_log_entry_import_row(**fields)
    entry, outcome, _ = _import_rows_upsert(CoachingLogEntry, [row], versioned=True)[0]
    return entry, outcome


def education_record_import_row(
    *,
    trainee: User,
    title: str,
    provider: str,
    completed_on: dt.date,
    hours: Decimal,
    synchronous_hours: Decimal,
) -> ImportRow:
    """Imported education is approved: the importing admin vouches for it."""
    return _import_row_checked(
        EducationRecord,
        key={
            "trainee": trainee,
            "title": title,
            "provider": provider,
            "completed_on": completed_on,
        },
        values={
            "hours": hours,
            "synchronous_hours": synchronous_hours,
            "status": EducationStatus.APPROVED,
        },
        create_only={"source": Source.IMPORT},
    )


def _import_rows_with_events(
    model: type[models.Model],
    rows: list[ImportRow],
    *,
    event_model: type[models.Model],
    event_field: str,
    actor: User | None,
) -> list[UpsertOutcome]:
    """Upsert rows of a model with a life cycle; every row whose status is new or changed
    gets its event row, so imports leave the same history as the transition map."""
    results = _import_rows_upsert(model, rows)
    event_model.objects.bulk_create(
        event_model(
            **{event_field: row},
            from_status=previous.get("status", ""),
            to_status=row.status,
            actor=actor,
            note=IMPORT_NOTE,
        )
        for row, outcome, previous in results
        if outcome == UpsertOutcome.CREATED or "status" in previous
    )
    return [outcome for _, outcome, _ in results]


@transaction.atomic
def education_records_import(
    *, rows: list[ImportRow], actor: User | None = None
) -> list[UpsertOutcome]:
    """Rows from education_record_import_row; each change of status writes its event."""
    return _import_rows_with_events(
        EducationRecord,
        rows,
        event_model=EducationRecordEvent,
        event_field="record",
        actor=actor,
    )


def mentor_session_import_row(
    *,
    trainee: User,
    mentor: User,
    date: dt.date,
    hours: Decimal,
    engagement: str,
    group_size: int | None = None,
) -> ImportRow:
    """Imported sessions count as confirmed (the file comes from the programme's records)."""
    return _import_row_checked(
        MentorSession,
        key={"trainee": trainee, "mentor": mentor, "date": date, "engagement": engagement},
        values={"hours": hours, "group_size": group_size, "status": MentorSessionStatus.CONFIRMED},
        create_only={"mentor_credential": mentor.credential_held, "source": Source.IMPORT},
    )


@transaction.atomic
def mentor_sessions_import(
    *, rows: list[ImportRow], actor: User | None = None
) -> list[UpsertOutcome]:
    """Rows from mentor_session_import_row; each change of status writes its event."""
    return _import_rows_with_events(
        MentorSession, rows, event_model=MentorSessionEvent, event_field="session", actor=actor
    )


def assessment_result_import_row(
    *,
    trainee: User,
    kind: str,
    date: dt.date,
    passed: bool,
    score: int | None = None,
    actor: User | None = None,
) -> ImportRow:
    return _import_row_checked(
        AssessmentResult,
        key={"trainee": trainee, "kind": kind, "date": date},
        values={"passed": passed, "score": score},
        create_only={"recorded_by": actor, "source": Source.IMPORT},
    )


@transaction.atomic
def assessment_results_import(*, rows: list[ImportRow]) -> list[UpsertOutcome]:
    """Rows from assessment_result_import_row."""
    return [outcome for _, outcome, _ in _import_rows_upsert(AssessmentResult, rows)]


@transaction.atomic
def import_job_create(*, kind: str, file: File, dry_run: bool, created_by: User) -> ImportJob:
    """Store the uploaded file and run the import in the background once this commits."""
    job = ImportJob(kind=kind, file=file, dry_run=dry_run, created_by=created_by)
    job.full_clean(exclude=["created_by"])
    job.save()
    # Imported here: the tasks module imports the import machinery, which calls these services.
    from credentials.tasks import import_job_run

    transaction.on_commit(lambda: import_job_run.delay(job.pk))
    return job


@transaction.atomic
def import_job_claim(*, job_id: int) -> ImportJob | None:
    """Mark a queued job as running; None when it is running or finished (it runs once)."""
    job = ImportJob.objects.select_for_update().filter(pk=job_id).first()
    if job is None or job.status != ImportJobStatus.QUEUED:
        return None
    job.status = ImportJobStatus.RUNNING
    job.started_at = timezone.now()
    job.save(update_fields=["status", "started_at"])
    return job


@transaction.atomic
def import_job_finish(
    *,
    job: ImportJob,
    total_rows: int,
    created_rows: int,
    updated_rows: int,
    errors: list[dict],
) -> ImportJob:
    """Record the outcome; `errors` are {"row", "column", "message"} (row None: the file)."""
    job.status = ImportJobStatus.FAILED if errors else ImportJobStatus.SUCCEEDED
    job.total_rows = total_rows
    job.processed_rows = total_rows
    job.created_rows = created_rows
    job.updated_rows = updated_rows
    job.errors = errors
    job.finished_at = timezone.now()
    job.full_clean(exclude=["created_by", "file"])
    job.save()
    return job


@transaction.atomic
def import_job_fail(*, job_id: int, reason: str) -> ImportJob | None:
    """End a queued or running job as failed, `reason` shown on its page; a finished job keeps
    its outcome. The import is one transaction, so a job that stopped saved nothing."""
    job = ImportJob.objects.select_for_update().filter(pk=job_id).first()
    if job is None or job.status not in (ImportJobStatus.QUEUED, ImportJobStatus.RUNNING):
        return job
    job.status = ImportJobStatus.FAILED
    job.errors = [{"row": None, "column": "", "message": reason}]
    job.finished_at = timezone.now()
    job.full_clean(exclude=["created_by", "file"])
    job.save(update_fields=["status", "errors", "finished_at"])
    return job


# A queued job still queued this long lost its message (the broker redelivers a message taken
# by a vanished worker after 15 minutes); a running job running this long lost its worker, since
# no task outlives CELERY_TASK_TIME_LIMIT (10 minutes).
IMPORT_JOB_STALLED_AFTER = dt.timedelta(minutes=15)
IMPORT_JOB_INTERRUPTED = (
    "The import stopped before it finished: the worker running it was interrupted. "
    "Import the file again."
)


def import_jobs_stalled_settle(*, now: dt.datetime | None = None) -> dict[str, int]:
    """Re-queue jobs that never started (claiming runs a job once, so a duplicate message does
    nothing); end as failed jobs that never finished. Those are not run again by themselves:
    the import may be what stopped the worker (memory), and being one transaction it saved
    nothing, so failing says what happened and the admin decides to import the file again."""
    from credentials.tasks import import_job_run  # the tasks module imports these services

    since_before = (now or timezone.now()) - IMPORT_JOB_STALLED_AFTER
    settled = {"import_jobs_requeued": 0, "import_jobs_failed": 0}
    for job in selectors.import_jobs_stalled(since_before=since_before):
        if job.status == ImportJobStatus.QUEUED:
            import_job_run.delay(job.pk)
            settled["import_jobs_requeued"] += 1
        else:
            import_job_fail(job_id=job.pk, reason=IMPORT_JOB_INTERRUPTED)
            settled["import_jobs_failed"] += 1
    return settled


# --- Applications, awards, eligibility notices ----------------------------------------------

logger = logging.getLogger(__name__)
APPLICATION_TRANSITIONS: dict[str, set[str]] = {
    ApplicationStatus.SUBMITTED: {ApplicationStatus.UNDER_REVIEW},
    ApplicationStatus.UNDER_REVIEW: {ApplicationStatus.APPROVED, ApplicationStatus.RETURNED},
}
# How a refused move is described: "cannot be approved".
_TRANSITION_PHRASES = {
    ApplicationStatus.UNDER_REVIEW: "put under review",
    ApplicationStatus.APPROVED: "approved",
    ApplicationStatus.RETURNED: "returned",
}
ELIGIBILITY_BATCH_SIZE = 500
OPEN_APPLICATION_MESSAGE = (
    "You already have an application for this credential waiting for review. "
    "You will hear from us by email."
)


def _application_event_record(
    *, application: CredentialApplication, from_status: str, actor: User, note: str = ""
) -> ApplicationEvent:
    event = ApplicationEvent(
        application=application,
        from_status=from_status,
        to_status=application.status,
        actor=actor,
        note=note,
    )
    event.full_clean()
    event.save()
    return event


@transaction.atomic
def application_submit(*, trainee: User, pathway: Pathway) -> CredentialApplication:
    """Apply for a credential; the records are evaluated again here, never taken from the page.

    The evaluation is frozen on the application so reviewers see what the trainee applied with.
    """
    level = pathway.level
    if not trainee.has_role(Role.TRAINEE):
        raise ValidationError("Only trainees can apply for a credential.")
    if Award.objects.filter(trainee=trainee, pathway=pathway).exists():
        raise ValidationError(f"You have already been awarded {level}; there is no need to apply.")
    open_applications = CredentialApplication.objects.filter(
        trainee=trainee, pathway=pathway, status__in=OPEN_APPLICATION_STATUSES
    )
    if open_applications.exists():
        raise ValidationError(OPEN_APPLICATION_MESSAGE)
    as_of = selectors.trainee_today(trainee)
    status = selectors.credential_status(trainee=trainee, pathway=pathway, as_of=as_of)
    if not status["eligible"]:
        missing = ", ".join(r["label"].lower() for r in status["requirements"] if not r["met"])
        raise ValidationError(
            f"You cannot apply for {level} yet. Still to do: {missing}. "
            "Your progress page shows what is missing."
        )
    application = CredentialApplication(
        trainee=trainee, pathway=pathway, as_of=as_of, snapshot=status
    )
    application.full_clean()
    try:
        with transaction.atomic():
            application.save()
    except IntegrityError:
        # Two submissions at once: the partial unique constraint lets only one through.
        raise ValidationError(OPEN_APPLICATION_MESSAGE) from None
    _application_event_record(application=application, from_status="", actor=trainee)
    title = certificates.credential_title(pathway)
    email_send(
        name="application_submitted",
        context={
            "application": application,
            "title": title,
            "url": site_url(reverse("credentials:progress")),
        },
        to=[trainee.email],
    )
    admins = selectors.programme_admin_emails()
    if admins:
        review_path = reverse("credentials:application_detail", args=[application.pk])
        email_send(
            name="application_received",
            context={"application": application, "title": title, "url": site_url(review_path)},
            to=admins,
        )
    return application


def _progress_url(pathway: Pathway) -> str:
    return site_url(reverse("credentials:progress") + f"?pathway={pathway.code}")


@transaction.atomic
def application_transition(
    *,
    application: CredentialApplication,
    to_status: str,
    actor: User,
    reasons: str = "",
) -> CredentialApplication:
    """The only way an application changes status: checks the map, writes an event, emails.

    Approving issues the award in the same transaction.
    """
    if not policies.can_review_applications(actor):
        raise ValidationError("Only programme admins review credential applications.")
    # Lock and re-read: of two admins acting at once, the second sees the first one's change.
    current = (
        CredentialApplication.objects.select_for_update()
        .select_related("trainee", "pathway")
        .get(pk=application.pk)
    )
    if to_status not in APPLICATION_TRANSITIONS.get(current.status, set()):
        phrase = _TRANSITION_PHRASES.get(to_status, "changed that way")
        hint = " Start the review first." if current.status == ApplicationStatus.SUBMITTED else ""
        raise ValidationError(
            f"This application is {current.get_status_display().lower()}, so it cannot be "
            f"{phrase}.{hint}"
        )
    reasons = reasons.strip()
    if to_status == ApplicationStatus.RETURNED and not reasons:
        raise ValidationError(
            {"reasons": "Give the reasons for returning the application: the trainee sees them."}
        )
    from_status = current.status
    current.status = to_status
    current.full_clean()
    current.save(update_fields=["status"])
    _application_event_record(
        application=current, from_status=from_status, actor=actor, note=reasons
    )
    if to_status == ApplicationStatus.APPROVED:
        award_issue(application=current, actor=actor)
    email_send(
        name="application_transition",
        context={
            "application": current,
            "title": certificates.credential_title(current.pathway),
            "reasons": reasons,
            "url": _progress_url(current.pathway),
        },
        to=[current.trainee.email],
    )
    application.status = current.status
    return current


@transaction.atomic
def award_issue(*, application: CredentialApplication, actor: User) -> Award:
    """The award for an approved application; a repeated call returns the existing award."""
    if application.status != ApplicationStatus.APPROVED:
        raise ValidationError("An award is issued only for an approved application.")
    trainee = application.trainee
    award = Award(
        trainee=trainee,
        pathway=application.pathway,
        application=application,
        issued_on=selectors.trainee_today(trainee),
        programme_name=selectors.programme_title_of(trainee=trainee),
    )
    # Uniqueness is left to the database constraint, which also holds under a race.
    award.full_clean(validate_unique=False, validate_constraints=False)
    try:
        with transaction.atomic():
            award.save()
    except IntegrityError:
        return Award.objects.get(trainee=trainee, pathway=application.pathway)
    # Imported here: the tasks module calls these services.
    from credentials.tasks import award_certificate_render

    transaction.on_commit(lambda: award_certificate_render.delay(award.pk))
    return award


@transaction.atomic
def award_certificate_attach(*, award_id: int) -> Award | None:
    """Render and store the award's PDF once; an award that has one is left alone."""
    award = (
        Award.objects.select_for_update().select_related("trainee", "pathway").filter(pk=award_id)
    ).first()
    if award is None or award.certificate_pdf:
        return award
    pdf = certificates.award_certificate_pdf(award=award)
    award.certificate_pdf.save("certificate.pdf", ContentFile(pdf), save=False)
    award.full_clean(validate_unique=False, validate_constraints=False)
    award.save(update_fields=["certificate_pdf"])
    download = reverse("credentials:award_certificate", args=[award.verification_code])
    email_send(
        name="award_certificate_ready",
        context={
            "award": award,
            "title": certificates.credential_title(award.pathway),
            "url": site_url(download),
            "verification_url": certificates.verification_url(award.verification_code),
        },
        to=[award.trainee.email],
    )
    return award


# Rendering takes seconds; an award without its PDF after this long lost its render task.
AWARD_CERTIFICATE_OVERDUE_AFTER = dt.timedelta(minutes=5)


def award_certificates_requeue(*, now: dt.datetime | None = None) -> int:
    """Queue the PDF render again for awards left without one; rendering twice does nothing."""
    from credentials.tasks import award_certificate_render  # the tasks module imports this one

    issued_before = (now or timezone.now()) - AWARD_CERTIFICATE_OVERDUE_AFTER
    award_ids = list(
        selectors.awards_without_certificate(issued_before=issued_before).values_list(
            "pk", flat=True
        )
    )
    for award_id in award_ids:
        award_certificate_render.delay(award_id)
    return len(award_ids)


@transaction.atomic
def award_revoke(*, award: Award, actor: User, reason: str) -> Award:
    """Revoke an award; revoking a revoked award changes nothing (the first reason stands)."""
    if not policies.can_review_applications(actor):
        raise ValidationError("Only programme admins can revoke an award.")
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": "Give the reason for revoking: the holder is told it."})
    current = (
        Award.objects.select_for_update().select_related("trainee", "pathway").get(pk=award.pk)
    )
    if current.is_revoked:
        return current
    current.revoked_at = timezone.now()
    current.revoked_reason = reason
    current.revoked_by = actor
    current.full_clean(validate_unique=False, validate_constraints=False)
    current.save(update_fields=["revoked_at", "revoked_reason", "revoked_by"])
    email_send(
        name="award_revoked",
        context={
            "award": current,
            "title": certificates.credential_title(current.pathway),
            "verification_url": certificates.verification_url(current.verification_code),
        },
        to=[current.trainee.email],
    )
    award.revoked_at = current.revoked_at
    return current


@transaction.atomic
def eligibility_notice_create(
    *, trainee: User, pathway: Pathway, as_of: dt.date
) -> EligibilityNotice | None:
    """Tell a trainee once that they can apply; None when they were already told."""
    notice = EligibilityNotice(trainee=trainee, pathway=pathway, as_of=as_of)
    # The trainee and pathway are rows in hand: checking that they exist would cost the nightly
    # batch two queries per notice, and the foreign keys are enforced by the database anyway.
    notice.full_clean(exclude=["trainee", "pathway"], validate_constraints=False)
    try:
        with transaction.atomic():
            notice.save()
    except IntegrityError:
        return None  # told before (by this batch's retry or a parallel run)
    email_send(
        name="eligibility_notice",
        context={
            "trainee": trainee,
            "title": certificates.credential_title(pathway),
            "url": _progress_url(pathway),
        },
        to=[trainee.email],
    )
    return notice


def eligibility_notices_send(
    *, as_of: dt.date | None = None, batch_size: int = ELIGIBILITY_BATCH_SIZE
) -> int:
    """Evaluate every trainee for every pathway and notify the newly eligible; returns how many.

    Trainees are read `batch_size` at a time with a fixed number of queries per batch. Not one
    transaction: each notice commits (and emails) on its own, so one bad record cannot undo or
    hold back everyone else's. Pathways at or below the credential held, already notified or
    already awarded are skipped. Running it again sends nothing new.
    """
    pathways = selectors.pathways_in_order()
    rules = {pathway.pk: selectors.pathway_rules(pathway) for pathway in pathways}
    created = 0
    for batch in selectors.trainee_batches(size=batch_size):
        records = selectors.trainee_records_by_id(trainees=batch)
        settled = selectors.eligibility_settled(trainee_ids=[trainee.pk for trainee in batch])
        for trainee in batch:
            day = as_of or selectors.trainee_today(trainee)
            held = engine.CREDENTIAL_RANK.get(trainee.credential_held, 0)
            for pathway in pathways:
                if (trainee.pk, pathway.pk) in settled:
                    continue
                if engine.CREDENTIAL_RANK[pathway.level] <= held:
                    continue
                try:
                    eligible = engine.evaluate(rules[pathway.pk], records[trainee.pk], day).eligible
                except ValueError:
                    logger.exception("Could not evaluate trainee %s for %s", trainee.pk, pathway)
                    continue
                if eligible and eligibility_notice_create(
                    trainee=trainee, pathway=pathway, as_of=day
                ):
                    created += 1
    return created
