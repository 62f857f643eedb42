"""The courses services at their edges: enrolment, progress, completion, attendance, journal."""

from decimal import Decimal
from unittest import mock

import pytest
from django.core.exceptions import ValidationError

from courses import services
from courses.models import (
    Attendance,
    BlockProgress,
    Enrolment,
    EnrolmentPolicy,
    JournalEntry,
    ModuleCompletion,
)
from courses.selectors import education_hours_for
from courses.services import (
    attendance_record,
    block_mark_done,
    enrolment_create,
    journal_entry_create,
    journal_entry_delete,
    journal_entry_update,
    module_complete,
)
from tests.factories.courses import (
    do_required_blocks,
    make_cohort,
    make_live_session,
    make_programme,
    modules_of,
    required_block_ids,
)
from tests.factories.people import make_mentor, make_trainee, make_trainer

pytestmark = pytest.mark.django_db


def messages_of(error: ValidationError) -> str:
    return " ".join(error.messages)


# Enrolment ---------------------------------------------------------------------------------


def test_trainee_enrols_in_an_open_programme_without_a_code(trainee):
    programme = make_programme()
    enrolment = enrolment_create(trainee=trainee, programme=programme)
    assert enrolment.cohort is None
    assert Enrolment.objects.filter(trainee=trainee, programme=programme).count() == 1


def test_code_is_trimmed_and_case_insensitive_and_places_trainee_in_cohort(trainee):
    programme = make_programme()
    cohort = make_cohort(programme=programme)
    enrolment = enrolment_create(
        trainee=trainee, programme=programme, invitation_code=f"  {cohort.invitation_code.lower()} "
    )
    assert enrolment.cohort == cohort


def test_enrolling_twice_is_refused_with_a_plain_message(trainee):
    programme = make_programme(title="Coaching Foundations")
    enrolment_create(trainee=trainee, programme=programme)
    with pytest.raises(ValidationError) as error:
        enrolment_create(trainee=trainee, programme=programme)
    assert "You are already enrolled in Coaching Foundations" in messages_of(error.value)
    assert Enrolment.objects.filter(trainee=trainee).count() == 1


def test_enrolment_race_lost_at_the_database_is_reported_as_already_enrolled(trainee):
    programme = make_programme(title="Raced")
    enrolment_create(trainee=trainee, programme=programme)
    # The other request's pre-check ran before this row existed: only the constraint stops it.
    with mock.patch.object(services.Enrolment.objects, "filter") as stale_filter:
        stale_filter.return_value.exists.return_value = False
        with pytest.raises(ValidationError) as error:
            enrolment_create(trainee=trainee, programme=programme)
    assert "already enrolled" in messages_of(error.value)
    assert Enrolment.objects.filter(trainee=trainee).count() == 1


@pytest.mark.parametrize("code", ["WRONGCODE1", "other"])
def test_wrong_or_other_programme_code_is_refused(trainee, code):
    programme = make_programme()
    other = make_cohort(programme=make_programme())
    code = other.invitation_code if code == "other" else code
    with pytest.raises(ValidationError) as error:
        enrolment_create(trainee=trainee, programme=programme, invitation_code=code)
    assert "That invitation code is not valid for this programme" in messages_of(error.value)
    assert not Enrolment.objects.exists()


def test_invitation_only_programme_needs_a_code(trainee):
    programme = make_programme(policy=EnrolmentPolicy.INVITATION)
    with pytest.raises(ValidationError) as error:
        enrolment_create(trainee=trainee, programme=programme, invitation_code="  ")
    assert "invitation code" in messages_of(error.value)
    cohort = make_cohort(programme=programme)
    enrolment = enrolment_create(
        trainee=trainee, programme=programme, invitation_code=cohort.invitation_code
    )
    assert enrolment.cohort == cohort


@pytest.mark.parametrize("make_user", [make_trainer, make_mentor])
def test_non_trainees_cannot_enrol(make_user):
    with pytest.raises(ValidationError, match="Only trainees"):
        enrolment_create(trainee=make_user(), programme=make_programme())
    assert not Enrolment.objects.exists()


def test_unpublished_programme_cannot_be_joined(trainee):
    programme = make_programme()
    programme.unpublish()
    with pytest.raises(ValidationError, match="not open"):
        enrolment_create(trainee=trainee, programme=programme)


# Blocks ------------------------------------------------------------------------------------


@pytest.fixture
def enrolled(trainee):
    programme = make_programme(modules=2, required_blocks=2)
    enrolment_create(trainee=trainee, programme=programme)
    return trainee, modules_of(programme)[0]


def test_block_mark_done_is_idempotent(enrolled):
    trainee, module = enrolled
    block_id = required_block_ids(module)[0]
    first = block_mark_done(trainee=trainee, module=module, block_id=block_id)
    second = block_mark_done(trainee=trainee, module=module, block_id=block_id)
    assert first.pk == second.pk
    assert BlockProgress.objects.count() == 1


def test_unknown_block_id_is_refused(enrolled):
    trainee, module = enrolled
    with pytest.raises(ValidationError, match="does not exist"):
        block_mark_done(trainee=trainee, module=module, block_id="no-such-block")
    assert not BlockProgress.objects.exists()


def test_text_block_cannot_be_marked_done(enrolled):
    trainee, module = enrolled
    text_id = module.body[0].id
    with pytest.raises(ValidationError, match="nothing to mark"):
        block_mark_done(trainee=trainee, module=module, block_id=text_id)


def test_block_of_a_programme_not_enrolled_in_is_refused(trainee):
    module = modules_of(make_programme())[0]
    with pytest.raises(ValidationError, match="Enrol in this programme"):
        block_mark_done(trainee=trainee, module=module, block_id=required_block_ids(module)[0])
    assert not BlockProgress.objects.exists()


def module_with_reflection(trainee):
    programme = make_programme(modules=1)
    module = modules_of(programme)[0]
    module.body.append(("reflection_prompt", {"prompt": "What surprised you?", "required": True}))
    module.save_revision().publish()
    module.refresh_from_db()
    enrolment_create(trainee=trainee, programme=programme)
    return module, module.body[-1].id


def test_reflection_prompt_is_done_by_writing_a_journal_entry_not_by_a_button(trainee):
    module, prompt_id = module_with_reflection(trainee)
    with pytest.raises(ValidationError, match="reflection"):
        block_mark_done(trainee=trainee, module=module, block_id=prompt_id)
    entry = journal_entry_create(
        trainee=trainee,
        title="Surprise",
        body="I listened more.",
        module=module,
        block_id=prompt_id,
    )
    assert entry.module == module
    assert BlockProgress.objects.filter(trainee=trainee, block_id=prompt_id).exists()


def test_reflection_for_a_non_prompt_block_is_refused(enrolled):
    trainee, module = enrolled
    with pytest.raises(ValidationError, match="reflection prompt"):
        journal_entry_create(
            trainee=trainee,
            title="x",
            body="y",
            module=module,
            block_id=required_block_ids(module)[0],
        )
    assert not JournalEntry.objects.exists()


# Completion --------------------------------------------------------------------------------


def test_complete_with_missing_blocks_lists_them_and_records_nothing(enrolled):
    trainee, module = enrolled
    block_mark_done(trainee=trainee, module=module, block_id=required_block_ids(module)[0])
    with pytest.raises(ValidationError) as error:
        module_complete(trainee=trainee, module=module)
    text = messages_of(error.value)
    assert "Practice 2" in text
    assert "Practice 1" not in text
    assert not ModuleCompletion.objects.exists()


def test_complete_requires_enrolment(trainee):
    module = modules_of(make_programme())[0]
    with pytest.raises(ValidationError, match="Enrol"):
        module_complete(trainee=trainee, module=module)


def test_complete_twice_records_hours_once(enrolled):
    trainee, module = enrolled
    do_required_blocks(trainee=trainee, module=module)
    first = module_complete(trainee=trainee, module=module)
    second = module_complete(trainee=trainee, module=module)
    assert first.pk == second.pk
    assert first.education_hours == Decimal("2.5")
    assert first.synchronous_hours == 0
    assert education_hours_for(trainee=trainee) == (Decimal("2.5"), Decimal("0"))


def test_complete_race_lost_at_the_database_returns_the_winning_row(enrolled):
    trainee, module = enrolled
    do_required_blocks(trainee=trainee, module=module)
    winner = module_complete(trainee=trainee, module=module)
    # Simulate the second click whose pre-check ran before the winner was saved.
    real_filter = ModuleCompletion.objects.filter
    calls = []

    def stale_first(*args, **kwargs):
        queryset = real_filter(*args, **kwargs)
        if not calls:
            calls.append(1)
            return mock.Mock(first=lambda: None, get=queryset.get)
        return queryset

    with mock.patch.object(services.ModuleCompletion.objects, "filter", side_effect=stale_first):
        result = module_complete(trainee=trainee, module=module)
    assert result.pk == winner.pk
    assert ModuleCompletion.objects.count() == 1
    assert education_hours_for(trainee=trainee)[0] == Decimal("2.5")


def test_completion_copies_hours_so_later_page_edits_do_not_change_them(enrolled):
    trainee, module = enrolled
    do_required_blocks(trainee=trainee, module=module)
    module_complete(trainee=trainee, module=module)
    module.education_hours = Decimal("9")
    module.save()
    assert education_hours_for(trainee=trainee)[0] == Decimal("2.5")


@pytest.fixture
def live_module():
    trainer = make_trainer()
    programme = make_programme(modules=2, synchronous_every=1, hours=Decimal("3"))
    cohort = make_cohort(programme=programme, trainers=[trainer])
    trainee = make_trainee()
    enrolment_create(trainee=trainee, programme=programme, invitation_code=cohort.invitation_code)
    module = modules_of(programme)[0]
    session = make_live_session(module=module, cohort=cohort)
    do_required_blocks(trainee=trainee, module=module)
    return trainee, trainer, module, session


def test_synchronous_module_without_attendance_cannot_be_completed(live_module):
    trainee, _, module, _ = live_module
    with pytest.raises(ValidationError, match="Attend a live session"):
        module_complete(trainee=trainee, module=module)


def test_synchronous_module_with_attended_false_cannot_be_completed(live_module):
    trainee, trainer, module, session = live_module
    attendance_record(session=session, trainee=trainee, attended=False, recorded_by=trainer)
    with pytest.raises(ValidationError, match="Attend a live session"):
        module_complete(trainee=trainee, module=module)
    assert not ModuleCompletion.objects.exists()


def test_synchronous_module_with_attendance_earns_synchronous_hours(live_module):
    trainee, trainer, module, session = live_module
    attendance_record(session=session, trainee=trainee, attended=True, recorded_by=trainer)
    completion = module_complete(trainee=trainee, module=module)
    assert completion.education_hours == completion.synchronous_hours == Decimal("3")
    assert education_hours_for(trainee=trainee) == (Decimal("3"), Decimal("3"))


# Attendance --------------------------------------------------------------------------------


def test_attendance_is_an_upsert(live_module):
    trainee, trainer, _, session = live_module
    attendance_record(session=session, trainee=trainee, attended=True, recorded_by=trainer)
    attendance_record(session=session, trainee=trainee, attended=False, recorded_by=trainer)
    assert Attendance.objects.get().attended is False


def test_attendance_by_a_trainer_of_another_cohort_is_refused(live_module):
    trainee, _, _, session = live_module
    outsider = make_trainer()
    make_cohort(programme=session.cohort.programme, trainers=[outsider])
    with pytest.raises(ValidationError, match="Only a trainer of this cohort"):
        attendance_record(session=session, trainee=trainee, attended=True, recorded_by=outsider)
    assert not Attendance.objects.exists()


def test_programme_admin_may_record_attendance(live_module, programme_admin):
    trainee, _, _, session = live_module
    attendance_record(session=session, trainee=trainee, attended=True, recorded_by=programme_admin)
    assert Attendance.objects.get().recorded_by == programme_admin


def test_attendance_of_a_trainee_outside_the_cohort_is_refused(live_module):
    _, trainer, _, session = live_module
    with pytest.raises(ValidationError, match="not enrolled"):
        attendance_record(
            session=session, trainee=make_trainee(), attended=True, recorded_by=trainer
        )


def test_trainee_cannot_record_their_own_attendance(live_module):
    trainee, _, _, session = live_module
    with pytest.raises(ValidationError):
        attendance_record(session=session, trainee=trainee, attended=True, recorded_by=trainee)


def test_live_session_must_end_after_it_starts_and_belong_to_a_live_module(live_module):
    _, _, module, session = live_module
    with pytest.raises(ValidationError, match="end after"):
        services.live_session_create(
            module=module,
            cohort=session.cohort,
            starts_at=session.starts_at,
            ends_at=session.starts_at,
            location="Room",
        )
    self_paced = modules_of(make_programme())[0]
    with pytest.raises(ValidationError):
        services.live_session_create(
            module=self_paced,
            cohort=session.cohort,
            starts_at=session.starts_at,
            ends_at=session.ends_at,
            location="Room",
        )


# Journal -----------------------------------------------------------------------------------


def test_journal_entry_update_and_delete_by_author_only(trainee):
    entry = journal_entry_create(trainee=trainee, title=" Day one ", body="Nervous.")
    assert entry.title == "Day one"
    journal_entry_update(entry=entry, trainee=trainee, title="Day 1", body="Calmer.")
    entry.refresh_from_db()
    assert (entry.title, entry.body) == ("Day 1", "Calmer.")
    other = make_trainee()
    with pytest.raises(PermissionError):
        journal_entry_update(entry=entry, trainee=other, title="x", body="y")
    with pytest.raises(PermissionError):
        journal_entry_delete(entry=entry, trainee=other)
    journal_entry_delete(entry=entry, trainee=trainee)
    assert not JournalEntry.objects.exists()


def test_journal_entry_needs_title_and_body(trainee):
    with pytest.raises(ValidationError):
        journal_entry_create(trainee=trainee, title="  ", body="")
    assert not JournalEntry.objects.exists()
