"""Reads of the credentials domain: rows turned into the engine's plain inputs, and evaluations.

`trainee_records_by_id` reads any number of trainees with one query per record table, so the
nightly batch and the progress page share one path and the page's query count stays fixed.
"""

import datetime as dt
import zoneinfo
from collections import defaultdict
from collections.abc import Iterable

from django.utils import timezone

from courses.selectors import module_education_by_trainee
from credentials import engine
from credentials.models import (
    AssessmentResult,
    CoachingLogEntry,
    EducationRecord,
    EducationStatus,
    Engagement,
    MentorSession,
    MentorSessionStatus,
    Pathway,
)
from lms.models import User


def pathway_rules(pathway: Pathway) -> engine.PathwayRules:
    return engine.PathwayRules(
        code=pathway.code,
        name=pathway.name,
        level=pathway.level,
        education_hours=pathway.education_hours,
        education_synchronous_hours=pathway.education_synchronous_hours,
        mentor_hours=pathway.mentor_hours,
        mentor_span=pathway.mentor_span,
        experience_hours=pathway.experience_hours,
        paid_hours=pathway.paid_hours,
        clients=pathway.clients,
        recent_hours=pathway.recent_hours,
        performance_evaluation=pathway.performance_evaluation,
        exam=pathway.exam,
        prerequisite_credential=pathway.prerequisite_credential or None,
        group_mentoring_cap_hours=pathway.group_mentoring_cap_hours,
        min_one_to_one_mentor_hours=pathway.min_one_to_one_mentor_hours,
        max_mentoring_group_size=pathway.max_mentoring_group_size,
        max_coaching_group_size=pathway.max_coaching_group_size,
        recency_window_months=pathway.recency_window_months,
        exam_pass_mark=pathway.exam_pass_mark,
    )


def pathway_by_code(*, code: str) -> Pathway | None:
    return Pathway.objects.filter(code=code.lower()).first()


def _local_date(moment: dt.datetime, time_zone: str) -> dt.date:
    try:
        return timezone.localtime(moment, zoneinfo.ZoneInfo(time_zone)).date()
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return moment.date()


def trainee_records_by_id(*, trainees: Iterable[User]) -> dict[int, engine.TraineeRecords]:
    """The engine's inputs for each trainee: five queries whatever the number of trainees."""
    people = {trainee.pk: trainee for trainee in trainees}
    ids = list(people)
    education: dict[int, list[engine.EducationRecord]] = defaultdict(list)
    for trainee_id, completed_at, hours, synchronous in (
        (trainee_id, *row)
        for trainee_id, rows in module_education_by_trainee(trainee_ids=ids).items()
        for row in rows
    ):
        education[trainee_id].append(
            engine.EducationRecord(
                completed_on=_local_date(completed_at, people[trainee_id].time_zone),
                hours=hours,
                synchronous_hours=synchronous,
            )
        )
    for row in EducationRecord.objects.filter(
        trainee_id__in=ids, status=EducationStatus.APPROVED
    ).values("trainee_id", "completed_on", "hours", "synchronous_hours"):
        education[row["trainee_id"]].append(
            engine.EducationRecord(
                completed_on=row["completed_on"],
                hours=row["hours"],
                synchronous_hours=row["synchronous_hours"],
            )
        )

    mentoring: dict[int, list[engine.MentorSession]] = defaultdict(list)
    for row in MentorSession.objects.filter(trainee_id__in=ids).values(
        "trainee_id", "date", "hours", "engagement", "group_size", "mentor_credential", "status"
    ):
        mentoring[row["trainee_id"]].append(
            engine.MentorSession(
                date=row["date"],
                hours=row["hours"],
                is_group=row["engagement"] == Engagement.GROUP,
                group_size=row["group_size"],
                mentor_credential=row["mentor_credential"],
                confirmed=row["status"] == MentorSessionStatus.CONFIRMED,
            )
        )

    engagements: dict[int, list[engine.CoachingEngagement]] = defaultdict(list)
    # Only the columns the rules need: contact details and notes are never decrypted here.
    for row in CoachingLogEntry.objects.filter(trainee_id__in=ids).values(
        "trainee_id",
        "client_name",
        "engagement",
        "group_size",
        "start_date",
        "end_date",
        "paid_hours",
        "pro_bono_hours",
    ):
        engagements[row["trainee_id"]].append(
            engine.CoachingEngagement(
                client_key=row["client_name"],
                is_group=row["engagement"] == Engagement.GROUP,
                group_size=row["group_size"],
                start_date=row["start_date"],
                end_date=row["end_date"],
                paid_hours=row["paid_hours"],
                pro_bono_hours=row["pro_bono_hours"],
            )
        )

    assessments: dict[int, list[engine.Assessment]] = defaultdict(list)
    for row in AssessmentResult.objects.filter(trainee_id__in=ids).values(
        "trainee_id", "kind", "date", "passed", "score"
    ):
        assessments[row["trainee_id"]].append(
            engine.Assessment(
                kind=row["kind"], date=row["date"], passed=row["passed"], score=row["score"]
            )
        )

    return {
        trainee_id: engine.TraineeRecords(
            training_start=trainee.training_start,
            credential_held=trainee.credential_held,
            education=education[trainee_id],
            mentor_sessions=mentoring[trainee_id],
            engagements=engagements[trainee_id],
            assessments=assessments[trainee_id],
        )
        for trainee_id, trainee in people.items()
    }


def trainee_evaluation(*, trainee: User, pathway: Pathway, as_of: dt.date) -> engine.Evaluation:
    records = trainee_records_by_id(trainees=[trainee])[trainee.pk]
    return engine.evaluate(pathway_rules(pathway), records, as_of)


def credential_status(*, trainee: User, pathway: Pathway, as_of: dt.date) -> dict:
    """The DESIGN §4 `credential_status --json` object."""
    evaluation = trainee_evaluation(trainee=trainee, pathway=pathway, as_of=as_of)
    return engine.evaluation_to_json(evaluation, trainee.email, pathway.code, as_of)
