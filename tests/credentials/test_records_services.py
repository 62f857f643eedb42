"""Services of the practice records: coaching log, mentor sessions, education, assessments."""

from decimal import Decimal

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import connection
from hypothesis import given
from hypothesis import strategies as st

from credentials import services
from credentials.models import (
    AssessmentResult,
    CoachingLogEntry,
    EducationRecord,
    EducationRecordEvent,
    MentorSession,
    MentorSessionEvent,
)
from lms.models import Role
from lms.services import user_set_roles
from tests.factories.people import make_mentor, make_trainee, make_trainer
from tests.factories.records import (
    EXE_BYTES,
    PNG_BYTES,
    certificate_file,
    days_ago,
    make_education_record,
    make_log_entry,
    make_mentor_session,
)

pytestmark = pytest.mark.django_db


def messages_of(error: ValidationError) -> dict[str, list[str]]:
    return error.message_dict if hasattr(error, "error_dict") else {"__all__": error.messages}


def log_fields(**overrides) -> dict:
    fields = {
        "client_name": "Client A",
        "client_contact": "a@example.org",
        "engagement": "individual",
        "group_size": None,
        "start_date": days_ago(30),
        "end_date": days_ago(5),
        "paid_hours": Decimal("4"),
        "pro_bono_hours": Decimal("0.5"),
        "sponsor": "",
        "notes": "",
    }
    return {**fields, **overrides}


# Coaching log ---------------------------------------------------------------------------------


class TestCoachingLogCreate:
    def test_saves_the_row_with_its_contact_encrypted(self, trainee):
        entry = services.coaching_log_entry_create(trainee=trainee, **log_fields())
        assert entry.total_hours == Decimal("4.5")
        assert entry.version == 1
        with connection.cursor() as cursor:
            table = CoachingLogEntry._meta.db_table
            cursor.execute(f"SELECT client_contact FROM {table} WHERE id = %s", [entry.pk])  # noqa: S608
            (raw,) = cursor.fetchone()
        assert "a@example.org" not in raw  # the column holds ciphertext
        assert CoachingLogEntry.objects.get(pk=entry.pk).client_contact == "a@example.org"

    @pytest.mark.parametrize(
        ("overrides", "field", "text"),
        [
            ({"paid_hours": Decimal("-1")}, "paid_hours", "Hours cannot be negative."),
            ({"paid_hours": "lots"}, "paid_hours", "Enter the hours as a number, like 1.5."),
            ({"pro_bono_hours": "NaN"}, "pro_bono_hours", "Enter the hours as a number"),
            (
                {"paid_hours": Decimal(0), "pro_bono_hours": Decimal(0)},
                "paid_hours",
                "Enter the hours coached",
            ),
            (
                {"start_date": days_ago(1), "end_date": days_ago(3)},
                "end_date",
                "The end date cannot be before the start date.",
            ),
            ({"end_date": days_ago(-2)}, "end_date", "the date is in the future"),
            ({"start_date": "31/12/2024"}, "start_date", "Enter a real date"),
            (
                {"engagement": "group", "group_size": None},
                "group_size",
                "Give the number of people in the group.",
            ),
        ],
    )
    def test_refuses_bad_input_and_saves_nothing(self, trainee, overrides, field, text):
        with pytest.raises(ValidationError) as caught:
            services.coaching_log_entry_create(trainee=trainee, **log_fields(**overrides))
        assert any(text in message for message in messages_of(caught.value)[field])
        assert not CoachingLogEntry.objects.exists()

    def test_a_group_counts_its_size(self, trainee):
        entry = services.coaching_log_entry_create(
            trainee=trainee, **log_fields(engagement="group", group_size=6)
        )
        assert entry.group_size == 6

    def test_the_same_client_and_dates_twice_is_refused_plainly(self, trainee):
        services.coaching_log_entry_create(trainee=trainee, **log_fields())
        with pytest.raises(ValidationError) as caught:
            services.coaching_log_entry_create(trainee=trainee, **log_fields(paid_hours=9))
        assert caught.value.messages == ["You already logged this client for these dates."]
        assert CoachingLogEntry.objects.count() == 1

    def test_another_trainee_may_log_the_same_pseudonym(self, trainee):
        services.coaching_log_entry_create(trainee=trainee, **log_fields())
        services.coaching_log_entry_create(trainee=make_trainee(), **log_fields())
        assert CoachingLogEntry.objects.count() == 2

    def test_only_trainees_keep_a_log(self):
        with pytest.raises(ValidationError, match="Only trainees"):
            services.coaching_log_entry_create(trainee=make_mentor(), **log_fields())

    def test_unknown_fields_are_a_programming_error(self, trainee):
        with pytest.raises(TypeError):
            services.coaching_log_entry_create(trainee=trainee, **log_fields(colour="red"))


class TestCoachingLogUpdate:
    def test_saves_and_bumps_the_version(self, trainee):
        entry = make_log_entry(trainee=trainee)
        services.coaching_log_entry_update(
            entry=entry, trainee=trainee, expected_version=1, paid_hours=Decimal("7")
        )
        entry.refresh_from_db()
        assert (entry.paid_hours, entry.version) == (Decimal("7"), 2)

    def test_a_stale_version_is_refused_and_changes_nothing(self, trainee):
        entry = make_log_entry(trainee=trainee, paid_hours=Decimal("5"))
        services.coaching_log_entry_update(
            entry=entry, trainee=trainee, expected_version=1, paid_hours=Decimal("6")
        )
        with pytest.raises(ValidationError) as caught:
            services.coaching_log_entry_update(
                entry=entry, trainee=trainee, expected_version=1, paid_hours=Decimal("9")
            )
        assert caught.value.messages == [services.STALE_ENTRY_MESSAGE]
        entry.refresh_from_db()
        assert (entry.paid_hours, entry.version) == (Decimal("6"), 2)

    def test_of_two_editors_holding_the_same_version_only_the_first_wins(self, trainee):
        entry = make_log_entry(trainee=trainee)
        first = CoachingLogEntry.objects.get(pk=entry.pk)
        second = CoachingLogEntry.objects.get(pk=entry.pk)
        services.coaching_log_entry_update(
            entry=first, trainee=trainee, expected_version=1, client_name="First"
        )
        with pytest.raises(ValidationError, match="Someone else changed this entry"):
            services.coaching_log_entry_update(
                entry=second, trainee=trainee, expected_version=1, client_name="Second"
            )
        assert CoachingLogEntry.objects.get(pk=entry.pk).client_name == "First"

    def test_bad_input_changes_nothing(self, trainee):
        entry = make_log_entry(trainee=trainee, paid_hours=Decimal("5"))
        with pytest.raises(ValidationError):
            services.coaching_log_entry_update(
                entry=entry, trainee=trainee, expected_version=1, paid_hours=Decimal("-3")
            )
        entry.refresh_from_db()
        assert (entry.paid_hours, entry.version) == (Decimal("5"), 1)

    def test_becoming_a_duplicate_is_refused(self, trainee):
        make_log_entry(trainee=trainee, client_name="Ann")
        entry = make_log_entry(trainee=trainee, client_name="Bob")
        with pytest.raises(ValidationError) as caught:
            services.coaching_log_entry_update(
                entry=entry, trainee=trainee, expected_version=1, client_name="Ann"
            )
        assert caught.value.messages == ["You already logged this client for these dates."]
        assert CoachingLogEntry.objects.get(pk=entry.pk).client_name == "Bob"

    def test_only_the_owner(self, trainee):
        entry = make_log_entry(trainee=trainee)
        with pytest.raises(PermissionError):
            services.coaching_log_entry_update(
                entry=entry, trainee=make_trainee(), expected_version=1, client_name="X"
            )
        with pytest.raises(PermissionError):
            services.coaching_log_entry_delete(entry=entry, trainee=make_trainee())
        assert CoachingLogEntry.objects.get(pk=entry.pk).client_name != "X"

    def test_the_owner_deletes(self, trainee):
        entry = make_log_entry(trainee=trainee)
        services.coaching_log_entry_delete(entry=entry, trainee=trainee)
        assert not CoachingLogEntry.objects.exists()


# Mentor sessions ------------------------------------------------------------------------------


class TestMentorSessionLog:
    def test_logs_snapshots_the_credential_writes_an_event_and_emails_the_mentor(
        self, trainee, django_capture_on_commit_callbacks
    ):
        mentor = make_mentor(credential_held="PCC")
        with django_capture_on_commit_callbacks(execute=True):
            session = make_mentor_session(trainee=trainee, mentor=mentor)
        assert session.status == "logged"
        assert session.mentor_credential == "PCC"
        event = MentorSessionEvent.objects.get(session=session)
        assert (event.from_status, event.to_status, event.actor) == ("", "logged", trainee)
        assert [message.to for message in mail.outbox] == [[mentor.email]]
        assert "confirm" in mail.outbox[0].body

        mentor.credential_held = "MCC"
        mentor.save()
        assert MentorSession.objects.get(pk=session.pk).mentor_credential == "PCC"

    def test_the_mentor_must_have_the_mentor_role(self, trainee):
        with pytest.raises(ValidationError) as caught:
            make_mentor_session(trainee=trainee, mentor=make_trainer())
        assert messages_of(caught.value)["mentor"] == ["Choose a mentor from the list."]
        assert not MentorSession.objects.exists()

    def test_nobody_mentors_themselves(self, trainee):
        user_set_roles(user=trainee, roles=(Role.TRAINEE, Role.MENTOR))
        with pytest.raises(ValidationError, match="your own mentor"):
            make_mentor_session(trainee=trainee, mentor=trainee)

    @pytest.mark.parametrize(
        ("overrides", "field", "text"),
        [
            ({"hours": Decimal(0)}, "hours", "more than 0 hours"),
            ({"hours": Decimal("-1")}, "hours", "cannot be negative"),
            ({"hours": "one"}, "hours", "Enter the hours as a number"),
            ({"hours": Decimal(25)}, "hours", "more than 24 hours"),
            ({"date": days_ago(-1)}, "date", "in the future"),
            ({"engagement": "group", "group_size": None}, "group_size", "number of people"),
        ],
    )
    def test_refuses_bad_input(self, trainee, overrides, field, text):
        with pytest.raises(ValidationError) as caught:
            make_mentor_session(trainee=trainee, mentor=make_mentor(), **overrides)
        assert any(text in message for message in messages_of(caught.value)[field])
        assert not MentorSession.objects.exists()

    def test_the_same_session_twice_is_refused(self, trainee):
        mentor = make_mentor()
        make_mentor_session(trainee=trainee, mentor=mentor, date=days_ago(3))
        with pytest.raises(ValidationError, match="already logged"):
            make_mentor_session(trainee=trainee, mentor=mentor, date=days_ago(3))
        assert MentorSession.objects.count() == 1


class TestMentorSessionTransitions:
    @pytest.fixture
    def session(self, trainee):
        return make_mentor_session(trainee=trainee, mentor=make_mentor(credential_held="MCC"))

    def test_the_mentor_confirms_and_the_trainee_is_told(
        self, session, django_capture_on_commit_callbacks
    ):
        with django_capture_on_commit_callbacks(execute=True):
            services.mentor_session_confirm(session=session, mentor=session.mentor)
        session.refresh_from_db()
        assert session.status == "confirmed"
        assert list(session.events.values_list("from_status", "to_status")) == [
            ("", "logged"),
            ("logged", "confirmed"),
        ]
        assert [message.to for message in mail.outbox] == [[session.trainee.email]]

    def test_a_dispute_needs_a_reason(self, session):
        with pytest.raises(ValidationError) as caught:
            services.mentor_session_dispute(session=session, mentor=session.mentor, reason="  ")
        assert "reason" in messages_of(caught.value)
        session.refresh_from_db()
        assert session.status == "logged"
        assert session.events.count() == 1

    def test_a_dispute_is_recorded_and_emailed_and_can_be_corrected_by_confirming(
        self, session, django_capture_on_commit_callbacks
    ):
        with django_capture_on_commit_callbacks(execute=True):
            services.mentor_session_dispute(
                session=session, mentor=session.mentor, reason="We met for 30 minutes."
            )
        session.refresh_from_db()
        assert (session.status, session.dispute_reason) == ("disputed", "We met for 30 minutes.")
        assert "We met for 30 minutes." in mail.outbox[0].body
        assert session.events.last().note == "We met for 30 minutes."

        services.mentor_session_confirm(session=session, mentor=session.mentor)
        session.refresh_from_db()
        assert (session.status, session.dispute_reason) == ("confirmed", "")

    def test_a_confirmation_is_neither_disputed_nor_repeated_and_only_its_mentor_undoes_it(
        self, session
    ):
        services.mentor_session_confirm(session=session, mentor=session.mentor)
        with pytest.raises(ValidationError, match="already"):
            services.mentor_session_dispute(session=session, mentor=session.mentor, reason="No")
        with pytest.raises(ValidationError, match="already"):
            services.mentor_session_confirm(session=session, mentor=session.mentor)
        with pytest.raises(PermissionError):
            services.mentor_session_transition(
                session=session, to_status="logged", actor=session.trainee
            )
        assert session.events.count() == 2

    def test_a_disputed_session_cannot_be_disputed_again(self, session):
        services.mentor_session_dispute(session=session, mentor=session.mentor, reason="No")
        with pytest.raises(ValidationError):
            services.mentor_session_dispute(session=session, mentor=session.mentor, reason="No")

    def test_only_the_sessions_mentor_acts(self, session):
        other_mentor = make_mentor()
        with pytest.raises(PermissionError):
            services.mentor_session_confirm(session=session, mentor=other_mentor)
        with pytest.raises(PermissionError):
            services.mentor_session_dispute(session=session, mentor=session.trainee, reason="x")
        session.refresh_from_db()
        assert session.status == "logged"

    def test_a_change_made_meanwhile_wins(self, session):
        stale_copy = MentorSession.objects.get(pk=session.pk)
        services.mentor_session_dispute(session=session, mentor=session.mentor, reason="No")
        services.mentor_session_confirm(session=session, mentor=session.mentor)
        # The stale copy still says "logged": its dispute must not overwrite the confirmation.
        with pytest.raises(ValidationError, match="Someone else changed this"):
            services.mentor_session_dispute(session=stale_copy, mentor=session.mentor, reason="x")
        assert MentorSession.objects.get(pk=session.pk).status == "confirmed"


# External education ---------------------------------------------------------------------------


class TestEducationSubmit:
    def test_saves_a_pending_record_with_its_certificate_and_an_event(self, trainee):
        record = make_education_record(trainee=trainee)
        assert record.status == "pending"
        assert record.certificate.name.endswith(".pdf")
        assert record.certificate.read().startswith(b"%PDF-")
        event = EducationRecordEvent.objects.get(record=record)
        assert (event.to_status, event.actor) == ("pending", trainee)

    def test_a_png_is_accepted_and_named_for_what_it_is(self, trainee):
        record = make_education_record(
            trainee=trainee, certificate=certificate_file(PNG_BYTES, "scan.pdf")
        )
        assert record.certificate.name.endswith("/scan.png")

    def test_a_renamed_program_is_refused(self, trainee):
        with pytest.raises(ValidationError) as caught:
            make_education_record(
                trainee=trainee, certificate=certificate_file(EXE_BYTES, "certificate.pdf")
            )
        assert messages_of(caught.value)["certificate"] == [
            "The certificate must be a PDF, PNG or JPEG file. This file is not one."
        ]
        assert not EducationRecord.objects.exists()

    def test_an_oversized_file_is_refused(self, trainee):
        big = certificate_file(b"%PDF-" + b"0" * (5 * 1024 * 1024), "big.pdf")
        with pytest.raises(ValidationError, match="larger than 5 MB"):
            make_education_record(trainee=trainee, certificate=big)
        assert not EducationRecord.objects.exists()

    def test_a_certificate_is_required(self, trainee):
        with pytest.raises(ValidationError, match="Attach your certificate"):
            make_education_record(trainee=trainee, certificate=None)

    @pytest.mark.parametrize(
        ("overrides", "field", "text"),
        [
            ({"hours": Decimal(0)}, "hours", "more than 0"),
            ({"hours": "many"}, "hours", "as a number"),
            ({"hours": Decimal(2000)}, "hours", "not plausible"),
            ({"synchronous_hours": Decimal(20)}, "synchronous_hours", "more than the total"),
            ({"completed_on": days_ago(-3)}, "completed_on", "in the future"),
            ({"title": "  "}, "title", "This field cannot be blank."),
        ],
    )
    def test_refuses_bad_input(self, trainee, overrides, field, text):
        with pytest.raises(ValidationError) as caught:
            make_education_record(trainee=trainee, **overrides)
        assert any(text in message for message in messages_of(caught.value)[field])
        assert not EducationRecord.objects.exists()

    def test_the_same_course_twice_is_refused(self, trainee):
        make_education_record(trainee=trainee, title="Ethics", completed_on=days_ago(9))
        with pytest.raises(ValidationError, match="already submitted"):
            make_education_record(trainee=trainee, title="Ethics", completed_on=days_ago(9))
        assert EducationRecord.objects.count() == 1


class TestEducationReview:
    @pytest.fixture
    def record(self, trainee):
        return make_education_record(trainee=trainee)

    def test_approval_writes_an_event_and_emails_the_trainee(
        self, record, programme_admin, django_capture_on_commit_callbacks
    ):
        with django_capture_on_commit_callbacks(execute=True):
            services.education_record_review(
                record=record, reviewer=programme_admin, approve=True, note=""
            )
        record.refresh_from_db()
        assert record.status == "approved"
        assert record.events.last().actor == programme_admin
        assert [message.to for message in mail.outbox] == [[record.trainee.email]]
        assert "approved" in mail.outbox[0].subject

    def test_rejection_needs_a_note(self, record, programme_admin):
        with pytest.raises(ValidationError) as caught:
            services.education_record_review(
                record=record, reviewer=programme_admin, approve=False, note=""
            )
        assert "note" in messages_of(caught.value)
        record.refresh_from_db()
        assert record.status == "pending"

    def test_rejection_keeps_the_note_and_tells_the_trainee(
        self, record, programme_admin, django_capture_on_commit_callbacks
    ):
        with django_capture_on_commit_callbacks(execute=True):
            services.education_record_review(
                record=record, reviewer=programme_admin, approve=False, note="Not coach-specific."
            )
        record.refresh_from_db()
        assert (record.status, record.review_note) == ("rejected", "Not coach-specific.")
        assert "Not coach-specific." in mail.outbox[0].body

    def test_a_reviewed_record_is_not_reviewed_again(self, record, programme_admin):
        services.education_record_review(
            record=record, reviewer=programme_admin, approve=True, note=""
        )
        with pytest.raises(ValidationError, match="already"):
            services.education_record_review(
                record=record, reviewer=programme_admin, approve=False, note="Oops"
            )
        assert record.events.count() == 2

    def test_only_programme_admins_review(self, record):
        for reviewer in (make_trainer(), make_mentor(), record.trainee):
            with pytest.raises(PermissionError):
                services.education_record_review(
                    record=record, reviewer=reviewer, approve=True, note=""
                )
        record.refresh_from_db()
        assert record.status == "pending"


# Assessments ----------------------------------------------------------------------------------


class TestAssessmentResult:
    def record(self, trainee, admin, **overrides):
        fields = {
            "kind": "exam",
            "date": days_ago(10),
            "passed": True,
            "score": 500,
            "recorded_by": admin,
        }
        return services.assessment_result_record(trainee=trainee, **{**fields, **overrides})

    def test_an_exam_pass(self, trainee, programme_admin):
        result = self.record(trainee, programme_admin)
        assert (result.passed, result.score, result.recorded_by) == (True, 500, programme_admin)

    @pytest.mark.parametrize(("score", "passed"), [(460, True), (459, False), (200, False)])
    def test_scores_that_agree_with_the_pass_mark(self, trainee, programme_admin, score, passed):
        assert self.record(trainee, programme_admin, score=score, passed=passed).pk

    @pytest.mark.parametrize(("score", "passed"), [(459, True), (460, False), (600, False)])
    def test_a_score_contradicting_passed_is_refused(self, trainee, programme_admin, score, passed):
        with pytest.raises(ValidationError) as caught:
            self.record(trainee, programme_admin, score=score, passed=passed)
        assert "the pass mark is 460" in messages_of(caught.value)["passed"][0]
        assert not AssessmentResult.objects.exists()

    @pytest.mark.parametrize("score", [199, 601])
    def test_a_score_off_the_scale_is_refused(self, trainee, programme_admin, score):
        with pytest.raises(ValidationError, match="between 200 and 600"):
            self.record(trainee, programme_admin, score=score, passed=score > 460)

    def test_an_exam_without_a_score_is_taken_at_its_word(self, trainee, programme_admin):
        assert self.record(trainee, programme_admin, score=None, passed=True).passed

    def test_a_performance_evaluation_has_no_score(self, trainee, programme_admin):
        with pytest.raises(ValidationError, match="Only the exam has a scaled score"):
            self.record(trainee, programme_admin, kind="performance_evaluation", score=480)
        evaluation = self.record(
            trainee, programme_admin, kind="performance_evaluation", score=None, passed=True
        )
        assert evaluation.kind == "performance_evaluation"

    def test_future_dates_are_refused(self, trainee, programme_admin):
        with pytest.raises(ValidationError, match="in the future"):
            self.record(trainee, programme_admin, date=days_ago(-1))

    def test_the_same_assessment_and_date_twice_is_refused(self, trainee, programme_admin):
        self.record(trainee, programme_admin)
        with pytest.raises(ValidationError, match="already has a result"):
            self.record(trainee, programme_admin)
        assert AssessmentResult.objects.count() == 1

    def test_a_result_can_be_corrected(self, trainee, programme_admin):
        result = self.record(trainee, programme_admin, score=450, passed=False)
        self.record(trainee, programme_admin, score=470, passed=True, result=result)
        assert AssessmentResult.objects.get().score == 470

    def test_only_programme_admins_record(self, trainee):
        for recorder in (make_trainer(), make_mentor(), trainee):
            with pytest.raises(PermissionError):
                self.record(trainee, recorder)
        assert not AssessmentResult.objects.exists()

    def test_only_trainees_have_results(self, programme_admin):
        with pytest.raises(ValidationError, match="Only trainees"):
            self.record(make_mentor(), programme_admin)


@given(score=st.integers(min_value=200, max_value=600), passed=st.booleans())
def test_an_exam_outcome_is_accepted_exactly_when_it_agrees_with_the_pass_mark(score, passed):
    problems = services.assessment_outcome_problems(kind="exam", passed=passed, score=score)
    assert (problems == {}) == (passed == (score >= services.EXAM_PASS_MARK))


@given(
    score=st.one_of(st.integers(max_value=199), st.integers(min_value=601)), passed=st.booleans()
)
def test_an_exam_score_off_the_scale_is_always_refused(score, passed):
    problems = services.assessment_outcome_problems(kind="exam", passed=passed, score=score)
    assert set(problems) == {"score"}
