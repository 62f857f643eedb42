"""Writes of the courses domain: enrolment, progress, completion, attendance, journal.

Every function is keyword-only and atomic, validates before saving and raises
ValidationError with a message a trainee or trainer can act on. Repeated calls are safe:
uniqueness is guaranteed by the database constraints on the models, and a lost race is
caught inside a savepoint and answered with the row that won.
"""

import uuid
from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from courses import rules, selectors
from courses.blocks import GRADED_BLOCK_TYPES
from courses.models import (
    Attendance,
    BlockProgress,
    Cohort,
    Enrolment,
    EnrolmentPolicy,
    JournalEntry,
    LiveSession,
    ModuleCompletion,
    ModulePage,
    PageTreeVersion,
    ProgrammePage,
)
from lms import policies
from lms.models import Role, User

INVALID_CODE_MESSAGE = (
    "That invitation code is not valid for this programme. Check it with your programme team."
)


def _programme_of(module: ModulePage) -> ProgrammePage:
    programme = selectors.programme_of_module(module=module)
    if programme is None:
        raise ValidationError("This module is not part of a programme.")
    return programme


def _enrolment_for_module(*, trainee: User, module: ModulePage) -> Enrolment:
    enrolment = (
        Enrolment.objects.select_related("cohort")
        .filter(trainee=trainee, programme=_programme_of(module))
        .first()
    )
    if enrolment is None:
        raise ValidationError("Enrol in this programme before working on its modules.")
    return enrolment


def _block_spec(*, module: ModulePage, block_id: str) -> rules.BlockSpec:
    for spec in rules.block_specs(module.body.raw_data):
        if spec.block_id == block_id:
            return spec
    raise ValidationError("That part of the module does not exist. Reload the page and try again.")


def _block_progress_record(*, trainee: User, module: ModulePage, block_id: str) -> BlockProgress:
    existing = BlockProgress.objects.filter(trainee=trainee, module=module, block_id=block_id)
    if progress := existing.first():
        return progress
    progress = BlockProgress(trainee=trainee, module=module, block_id=block_id)
    # Uniqueness is the database's job (see the IntegrityError below), not a racy pre-check.
    progress.full_clean(validate_constraints=False)
    try:
        with transaction.atomic():
            progress.save()
    except IntegrityError:
        return existing.get()
    return progress


def graded_block_passed(*, trainee: User, module: ModulePage, block_id: str) -> BlockProgress:
    """A graded block's work has passed (courses.grading): the block counts as done."""
    return _block_progress_record(trainee=trainee, module=module, block_id=block_id)


@transaction.atomic
def enrolment_create(
    *, trainee: User, programme: ProgrammePage, invitation_code: str | None = None
) -> Enrolment:
    if not trainee.has_role(Role.TRAINEE):
        raise ValidationError("Only trainees can enrol in a programme.")
    if not programme.live:
        raise ValidationError("This programme is not open for enrolment.")
    code = (invitation_code or "").strip()
    cohort = None
    if code:
        cohort = Cohort.objects.filter(programme=programme, invitation_code__iexact=code).first()
        if cohort is None:
            raise ValidationError({"invitation_code": INVALID_CODE_MESSAGE})
    elif programme.enrolment_policy == EnrolmentPolicy.INVITATION:
        raise ValidationError(
            {"invitation_code": "This programme is by invitation: enter your invitation code."}
        )
    already = f"You are already enrolled in {programme.title}."
    if Enrolment.objects.filter(trainee=trainee, programme=programme).exists():
        raise ValidationError(already)
    enrolment = Enrolment(trainee=trainee, programme=programme, cohort=cohort)
    enrolment.full_clean(validate_constraints=False)
    try:
        with transaction.atomic():
            enrolment.save()
    except IntegrityError as error:
        # Two clicks racing: the other request enrolled them first.
        raise ValidationError(already) from error
    return enrolment


@transaction.atomic
def block_mark_done(*, trainee: User, module: ModulePage, block_id: str) -> BlockProgress:
    spec = _block_spec(module=module, block_id=block_id)
    if not spec.completable:
        raise ValidationError("This part of the module has nothing to mark as done.")
    if spec.block_type == "reflection_prompt":
        raise ValidationError("Save a reflection in your journal to complete this prompt.")
    if spec.block_type in GRADED_BLOCK_TYPES:
        raise ValidationError("This part is done once your work has passed.")
    _enrolment_for_module(trainee=trainee, module=module)
    return _block_progress_record(trainee=trainee, module=module, block_id=block_id)


@transaction.atomic
def module_complete(*, trainee: User, module: ModulePage) -> ModuleCompletion:
    existing = ModuleCompletion.objects.filter(trainee=trainee, module=module)
    if completion := existing.first():
        return completion
    enrolment = _enrolment_for_module(trainee=trainee, module=module)
    done_ids = set(
        BlockProgress.objects.filter(trainee=trainee, module=module).values_list(
            "block_id", flat=True
        )
    )
    attended = bool(enrolment.cohort_id) and (
        Attendance.objects.filter(
            trainee=trainee,
            attended=True,
            session__module=module,
            session__cohort_id=enrolment.cohort_id,
        ).exists()
    )
    missing = rules.missing_requirements(
        blocks=rules.block_specs(module.body.raw_data),
        done_ids=done_ids,
        synchronous=module.is_synchronous,
        attended=attended,
    )
    if missing:
        raise ValidationError(
            ["This module cannot be completed yet. Still to do:", *missing],
        )
    education_hours, synchronous_hours = rules.completion_hours(
        education_hours=module.education_hours, synchronous=module.is_synchronous
    )
    completion = ModuleCompletion(
        trainee=trainee,
        module=module,
        education_hours=education_hours,
        synchronous_hours=synchronous_hours,
    )
    completion.full_clean(validate_constraints=False)
    try:
        with transaction.atomic():
            completion.save()
    except IntegrityError:
        # A concurrent click completed it first: hours stay recorded exactly once.
        return existing.get()
    return completion


def _may_manage_cohort(*, user: User, cohort: Cohort) -> bool:
    if policies.sees_every_trainee(user):
        return True
    return user.has_role(Role.TRAINER) and cohort.trainers.filter(pk=user.pk).exists()


@transaction.atomic
def attendance_record(
    *, session: LiveSession, trainee: User, attended: bool, recorded_by: User
) -> Attendance:
    if not _may_manage_cohort(user=recorded_by, cohort=session.cohort):
        raise ValidationError("Only a trainer of this cohort can record its attendance.")
    if not Enrolment.objects.filter(trainee=trainee, cohort=session.cohort).exists():
        raise ValidationError(f"{trainee} is not enrolled in {session.cohort}.")
    attendance = (
        Attendance.objects.select_for_update().filter(session=session, trainee=trainee).first()
    )
    if attendance is None:
        attendance = Attendance(session=session, trainee=trainee)
    attendance.attended = attended
    attendance.recorded_by = recorded_by
    attendance.recorded_at = timezone.now()
    attendance.full_clean(validate_constraints=False)
    try:
        with transaction.atomic():
            attendance.save()
    except IntegrityError:
        # Another trainer saved the same register at the same moment: update their row.
        attendance = Attendance.objects.get(session=session, trainee=trainee)
        attendance.attended = attended
        attendance.recorded_by = recorded_by
        attendance.recorded_at = timezone.now()
        attendance.save()
    return attendance


@transaction.atomic
def attendance_register_save(
    *, session: LiveSession, trainees: list[User], present_ids: set[int], recorded_by: User
) -> list[Attendance]:
    """Record the whole register of a session at once: all rows are saved, or none."""
    return [
        attendance_record(
            session=session,
            trainee=trainee,
            attended=trainee.pk in present_ids,
            recorded_by=recorded_by,
        )
        for trainee in trainees
    ]


@transaction.atomic
def live_session_create(
    *,
    module: ModulePage,
    cohort: Cohort,
    starts_at: datetime,
    ends_at: datetime,
    location: str,
    join_url: str = "",
) -> LiveSession:
    session = LiveSession(
        module=module,
        cohort=cohort,
        starts_at=starts_at,
        ends_at=ends_at,
        location=location,
        join_url=join_url,
    )
    session.full_clean()
    session.save()
    return session


@transaction.atomic
def journal_entry_create(
    *,
    trainee: User,
    title: str,
    body: str,
    module: ModulePage | None = None,
    block_id: str = "",
) -> JournalEntry:
    if not trainee.has_role(Role.TRAINEE):
        raise ValidationError("Only trainees keep a journal.")
    if block_id:
        if module is None:
            raise ValidationError("A reflection must belong to a module.")
        spec = _block_spec(module=module, block_id=block_id)
        if spec.block_type != "reflection_prompt":
            raise ValidationError("Reflections can only answer a reflection prompt.")
        _enrolment_for_module(trainee=trainee, module=module)
    entry = JournalEntry(
        trainee=trainee, title=title.strip(), body=body.strip(), module=module, block_id=block_id
    )
    entry.full_clean()
    entry.save()
    if block_id:
        _block_progress_record(trainee=trainee, module=module, block_id=block_id)
    return entry


def _check_author(*, entry: JournalEntry, trainee: User) -> None:
    if entry.trainee_id != trainee.pk:
        # Callers look entries up by author; this guards the service itself.
        raise PermissionError("Only the author of a journal entry may change it.")


@transaction.atomic
def journal_entry_update(
    *, entry: JournalEntry, trainee: User, title: str, body: str
) -> JournalEntry:
    _check_author(entry=entry, trainee=trainee)
    entry.title = title.strip()
    entry.body = body.strip()
    entry.full_clean()
    entry.save()
    return entry


@transaction.atomic
def journal_entry_delete(*, entry: JournalEntry, trainee: User) -> None:
    _check_author(entry=entry, trainee=trainee)
    # Block progress stays: the prompt was answered, and completions must not be rewritten.
    entry.delete()


def trainees_learning_version_bump(*, trainee_ids) -> None:
    """Mark these trainees' learning records as changed: what was derived from them is re-read.

    courses.signals calls this for every enrolment or completion saved or deleted, and for a
    renamed cohort's trainees, inside that change's transaction.
    """
    User.objects.filter(pk__in=trainee_ids).update(learning_version=F("learning_version") + 1)


def page_tree_version_bump() -> None:
    """Give the page tree a new token: pages kept between requests are read again.

    courses.signals calls this for every page saved, moved or deleted, inside that change's
    transaction, so a reader sees the new token and the new pages together.
    """
    if not PageTreeVersion.objects.update(token=uuid.uuid4()):
        PageTreeVersion.objects.create()
