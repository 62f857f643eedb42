"""Reads of the credentials domain: rows turned into the engine's plain inputs, and evaluations.

`trainee_records_by_id` reads any number of trainees with one query per record table, so the
nightly batch and the progress page share one path and the page's query count stays fixed.
"""

import datetime as dt
import zoneinfo
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal

from django.core.paginator import Page, Paginator
from django.db.models import (
    Case,
    Count,
    DecimalField,
    F,
    IntegerField,
    Prefetch,
    Q,
    QuerySet,
    Sum,
    When,
)
from django.db.models.functions import Coalesce, TruncMonth
from django.utils import timezone

from courses.models import Enrolment
from courses.selectors import module_education_by_trainee
from credentials import charts, engine
from credentials.models import (
    OPEN_APPLICATION_STATUSES,
    ApplicationEvent,
    ApplicationStatus,
    AssessmentResult,
    Award,
    CoachingLogEntry,
    CredentialApplication,
    EducationRecord,
    EducationStatus,
    EligibilityNotice,
    Engagement,
    ImportJob,
    ImportJobStatus,
    MentorSession,
    MentorSessionStatus,
    Pathway,
)
from lms import policies
from lms.models import Role, User

# The coaching-log columns the rules read. Contact details and notes are never among them, so
# evaluating (and listing) the log never decrypts anything.
COACHING_LOG_RULE_COLUMNS = (
    "trainee_id",
    "client_name",
    "engagement",
    "group_size",
    "start_date",
    "end_date",
    "paid_hours",
    "pro_bono_hours",
)


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
    # A withdrawn session is not a claim at all: not even "waiting for confirmation".
    sessions = MentorSession.objects.filter(trainee_id__in=ids).exclude(
        status=MentorSessionStatus.WITHDRAWN
    )
    for row in sessions.values(
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
    # Tuples, not dicts, and no ordering: the nightly batch reads 25,000 rows per batch.
    for (
        trainee_id,
        client_name,
        engagement,
        group_size,
        start_date,
        end_date,
        paid_hours,
        pro_bono_hours,
    ) in (
        CoachingLogEntry.objects.filter(trainee_id__in=ids)
        .order_by()
        .values_list(*COACHING_LOG_RULE_COLUMNS)
    ):
        engagements[trainee_id].append(
            engine.CoachingEngagement(
                client_key=client_name,
                is_group=engagement == Engagement.GROUP,
                group_size=group_size,
                start_date=start_date,
                end_date=end_date,
                paid_hours=paid_hours,
                pro_bono_hours=pro_bono_hours,
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


# --- Records: coaching log, mentor sessions, external education ------------------------------

RECORDS_PAGE_SIZE = 50
# What lists of the coaching log show; contact details and notes stay encrypted in the table.
COACHING_LOG_LIST_COLUMNS = (*COACHING_LOG_RULE_COLUMNS, "version")


def _page(queryset, page_number) -> Page:
    return Paginator(queryset, RECORDS_PAGE_SIZE).get_page(page_number)


def coaching_log_page(*, trainee: User, page_number=1) -> Page:
    entries = CoachingLogEntry.objects.filter(trainee=trainee).only(*COACHING_LOG_LIST_COLUMNS)
    return _page(entries, page_number)


def coaching_log_totals(*, trainee: User) -> dict[str, Decimal | int]:
    """All-time totals of the log as entered (the progress page applies the counting rules)."""
    totals = CoachingLogEntry.objects.filter(trainee=trainee).aggregate(
        entries=Count("pk"),
        paid=Coalesce(Sum("paid_hours"), Decimal(0), output_field=DecimalField()),
        pro_bono=Coalesce(Sum("pro_bono_hours"), Decimal(0), output_field=DecimalField()),
        clients=Count("client_name", distinct=True),
    )
    totals["total"] = totals["paid"] + totals["pro_bono"]
    return totals


def coaching_log_entry_of(*, trainee: User, entry_id: int) -> CoachingLogEntry | None:
    return CoachingLogEntry.objects.filter(trainee=trainee, pk=entry_id).first()


def mentors_to_choose(*, trainee: User) -> QuerySet[User]:
    return (
        User.objects.filter(groups__name=Role.MENTOR.value, is_active=True)
        .exclude(pk=trainee.pk)
        .distinct()
        .order_by("last_name", "first_name", "email")
    )


def mentor_sessions_page(*, trainee: User, page_number=1) -> Page:
    sessions = MentorSession.objects.filter(trainee=trainee).select_related("mentor")
    return _page(sessions.order_by("-date", "-pk"), page_number)


def mentor_sessions_disputed(*, trainee: User) -> list[MentorSession]:
    """The trainee's sessions their mentor disputed: each waits for them to correct or withdraw."""
    sessions = MentorSession.objects.filter(trainee=trainee, status=MentorSessionStatus.DISPUTED)
    return list(sessions.select_related("mentor").order_by("-date", "-pk"))


def mentor_sessions_led_page(*, mentor: User, page_number=1) -> Page:
    sessions = MentorSession.objects.filter(mentor=mentor).select_related("trainee")
    # Sessions waiting for the mentor first, then the newest.
    waiting_first = Case(
        When(status=MentorSessionStatus.LOGGED, then=0), default=1, output_field=IntegerField()
    )
    return _page(sessions.order_by(waiting_first, "-date", "-pk"), page_number)


def mentor_session_led_by(*, mentor: User, session_id: int) -> MentorSession | None:
    sessions = MentorSession.objects.filter(mentor=mentor, pk=session_id)
    return sessions.select_related("trainee").first()


def mentor_session_logged_by(*, trainee: User, session_id: int) -> MentorSession | None:
    sessions = MentorSession.objects.filter(trainee=trainee, pk=session_id)
    return sessions.select_related("mentor").first()


def education_records_page(*, trainee: User, page_number=1) -> Page:
    records = EducationRecord.objects.filter(trainee=trainee)
    return _page(records.order_by("-completed_on", "-pk"), page_number)


def education_record_for_certificate(*, user: User, record_id: int) -> EducationRecord | None:
    """The record whose certificate `user` may download: their own, or any for an admin."""
    records = EducationRecord.objects.exclude(certificate="")
    if not policies.sees_every_trainee(user):
        records = records.filter(trainee=user)
    return records.filter(pk=record_id).first()


# --- Progress, applications and awards --------------------------------------------------------


def pathways_in_order() -> list[Pathway]:
    """Every pathway, lowest credential first (ACC, PCC, MCC)."""
    return sorted(Pathway.objects.all(), key=lambda p: (engine.CREDENTIAL_RANK[p.level], p.code))


def default_pathway(*, pathways: list[Pathway], credential_held: str) -> Pathway | None:
    """The lowest pathway above the credential held (the highest one once all are held)."""
    held = engine.CREDENTIAL_RANK.get(credential_held, 0)
    above = [p for p in pathways if engine.CREDENTIAL_RANK[p.level] > held]
    return above[0] if above else (pathways[-1] if pathways else None)


def progress_subject(*, viewer: User, trainee_id: int) -> User | None:
    """The trainee whose progress `viewer` asks for, if they may see it; otherwise None.

    Programme admins see every trainee, trainers the trainees of the cohorts they train and a
    trainee themself; anyone else gets None, so the page answers 404 and reveals nothing.
    """
    trainees = User.objects.filter(pk=trainee_id, groups__name=Role.TRAINEE.value)
    if viewer.pk == trainee_id or policies.sees_every_trainee(viewer):
        return trainees.first()
    if viewer.has_role(Role.TRAINER):
        return trainees.filter(enrolments__cohort__trainers=viewer).distinct().first()
    return None


def trainee_today(trainee: User) -> dt.date:
    """Today's date where the trainee lives: the as-of date of their evaluations."""
    return _local_date(timezone.now(), trainee.time_zone)


def monthly_hours(*, trainee: User) -> tuple[list[tuple], list[tuple]]:
    """(coaching, mentor) hours by month: one aggregate query each, whatever the row count.

    A coaching log row is dated by its end date (its hours are done by then); mentor hours are
    the sessions the mentor has confirmed.
    """
    coaching = (
        CoachingLogEntry.objects.filter(trainee=trainee)
        .annotate(month=TruncMonth("end_date"))
        .values("month")
        .annotate(hours=Sum(F("paid_hours") + F("pro_bono_hours")))
        .values_list("month", "hours")
        .order_by("month")
    )
    mentoring = (
        MentorSession.objects.filter(trainee=trainee, status=MentorSessionStatus.CONFIRMED)
        .annotate(month=TruncMonth("date"))
        .values("month")
        .annotate(hours=Sum("hours"))
        .values_list("month", "hours")
        .order_by("month")
    )
    return list(coaching), list(mentoring)


def next_steps(
    requirements: Iterable[engine.RequirementResult],
) -> list[engine.RequirementResult]:
    """Unmet requirements, most actionable first: the nearest to being met leads.

    Nearness is the share achieved; yes/no requirements (exam, prerequisite) have none, so they
    come last. Ties keep the pathway's order.
    """
    unmet = [result for result in requirements if not result.met]

    def share(result: engine.RequirementResult) -> Decimal:
        if not result.required:
            return Decimal(0)
        return Decimal(result.achieved) / Decimal(result.required)

    return sorted(unmet, key=share, reverse=True)


def _with_status_labels(applications: list[CredentialApplication]) -> list[CredentialApplication]:
    """Give each prefetched event a `status_label` ("Under review") for the history lists."""
    for application in applications:
        for event in application.events.all():
            event.status_label = ApplicationStatus(event.to_status).label
    return applications


def applications_of(*, trainee: User) -> list[CredentialApplication]:
    """The trainee's applications, newest first, each with its history (two queries)."""
    return _with_status_labels(
        list(
            CredentialApplication.objects.filter(trainee=trainee)
            .select_related("pathway")
            .prefetch_related(
                Prefetch("events", queryset=ApplicationEvent.objects.order_by("at", "pk"))
            )
        )
    )


def awards_of(*, trainee: User) -> list[Award]:
    return list(Award.objects.filter(trainee=trainee).select_related("pathway"))


@dataclass
class TraineeProgress:
    trainee: User
    pathways: list[Pathway]
    pathway: Pathway
    as_of: dt.date
    evaluation: engine.Evaluation
    next_steps: list[engine.RequirementResult]
    chart: charts.Chart
    applications: list[CredentialApplication]
    awards: list[Award]

    @property
    def open_application(self) -> CredentialApplication | None:
        return next(
            (
                a
                for a in self.applications
                if a.pathway_id == self.pathway.pk and a.status in OPEN_APPLICATION_STATUSES
            ),
            None,
        )

    @property
    def award(self) -> Award | None:
        return next((a for a in self.awards if a.pathway_id == self.pathway.pk), None)

    @property
    def met_count(self) -> int:
        return len(self.evaluation.requirements) - len(self.next_steps)

    @property
    def can_apply(self) -> bool:
        return self.evaluation.eligible and not self.open_application and not self.award


COACHING_LINE = ("Client coaching hours logged", "#1d5f8a", "none")
MENTOR_LINE = ("Mentor coaching hours confirmed", "#b3541e", "8 5")


def trainee_progress(
    *, trainee: User, pathway_code: str | None, as_of: dt.date
) -> TraineeProgress | None:
    """Everything the progress page shows, in a fixed number of queries (None: no such pathway).

    The pathway defaults to the lowest one above the credential the trainee holds.
    """
    pathways = pathways_in_order()
    if pathway_code:
        pathway = next((p for p in pathways if p.code == pathway_code.lower()), None)
    else:
        pathway = default_pathway(pathways=pathways, credential_held=trainee.credential_held)
    if pathway is None:
        return None
    records = trainee_records_by_id(trainees=[trainee])[trainee.pk]
    evaluation = engine.evaluate(pathway_rules(pathway), records, as_of)
    coaching, mentoring = monthly_hours(trainee=trainee)
    chart = charts.hours_chart([(*COACHING_LINE, coaching), (*MENTOR_LINE, mentoring)], until=as_of)
    return TraineeProgress(
        trainee=trainee,
        pathways=pathways,
        pathway=pathway,
        as_of=as_of,
        evaluation=evaluation,
        next_steps=next_steps(evaluation.requirements),
        chart=chart,
        applications=applications_of(trainee=trainee),
        awards=awards_of(trainee=trainee),
    )


def open_applications() -> list[CredentialApplication]:
    """Applications waiting for a programme admin, oldest first (one query)."""
    return list(
        CredentialApplication.objects.filter(status__in=OPEN_APPLICATION_STATUSES)
        .select_related("trainee", "pathway")
        .order_by("submitted_at", "pk")
    )


def mentor_sessions_to_confirm_count(*, mentor: User) -> int:
    return MentorSession.objects.filter(mentor=mentor, status=MentorSessionStatus.LOGGED).count()


@dataclass(frozen=True)
class ReviewQueue:
    """What waits for programme admins: three counts, three queries."""

    applications: int
    education_records: int
    failed_imports: int  # within the last FAILED_IMPORTS_DAYS


FAILED_IMPORTS_DAYS = 30


def review_queue() -> ReviewQueue:
    since = timezone.now() - dt.timedelta(days=FAILED_IMPORTS_DAYS)
    return ReviewQueue(
        applications=CredentialApplication.objects.filter(
            status__in=OPEN_APPLICATION_STATUSES
        ).count(),
        education_records=EducationRecord.objects.filter(status=EducationStatus.PENDING).count(),
        failed_imports=ImportJob.objects.filter(
            status=ImportJobStatus.FAILED, created_at__gte=since
        ).count(),
    )


def application_for_review(*, application_id: int) -> CredentialApplication | None:
    applications = _with_status_labels(
        list(
            CredentialApplication.objects.select_related("trainee", "pathway")
            .prefetch_related(
                Prefetch(
                    "events",
                    queryset=ApplicationEvent.objects.select_related("actor").order_by("at", "pk"),
                )
            )
            .filter(pk=application_id)
        )
    )
    return applications[0] if applications else None


def award_by_code(*, code: str) -> Award | None:
    return Award.objects.select_related("trainee", "pathway").filter(verification_code=code).first()


def award_certificate_for(*, viewer: User, code: str) -> Award | None:
    """The award if `viewer` holds it or is a programme admin; otherwise None."""
    award = award_by_code(code=code)
    if award is None or not (award.trainee_id == viewer.pk or policies.sees_every_trainee(viewer)):
        return None
    return award


def awards_without_certificate(*, issued_before: dt.datetime) -> QuerySet[Award]:
    """Awards issued before then still waiting for their certificate PDF (a revoked award
    needs none)."""
    return Award.objects.filter(
        certificate_pdf="", revoked_at__isnull=True, created_at__lt=issued_before
    ).order_by("pk")


def import_jobs_stalled(*, since_before: dt.datetime) -> QuerySet[ImportJob]:
    """Jobs queued, or running, since before then (a job claimed before `started_at` existed
    counts from its creation)."""
    queued = Q(status=ImportJobStatus.QUEUED, created_at__lt=since_before)
    running = Q(status=ImportJobStatus.RUNNING) & (
        Q(started_at__lt=since_before) | Q(started_at__isnull=True, created_at__lt=since_before)
    )
    return ImportJob.objects.filter(queued | running).order_by("pk")


def programme_admin_emails() -> list[str]:
    return list(
        User.objects.filter(groups__name=Role.PROGRAMME_ADMIN.value, is_active=True)
        .order_by("pk")
        .values_list("email", flat=True)
    )


def programme_title_of(*, trainee: User) -> str:
    """The title of the programme the trainee enrolled in most recently ('' if none)."""
    enrolment = (
        Enrolment.objects.filter(trainee=trainee)
        .select_related("programme")
        .order_by("-enrolled_at")
        .first()
    )
    return enrolment.programme.title if enrolment else ""


def trainee_batches(*, size: int) -> Iterator[list[User]]:
    """Every active trainee, `size` at a time, by primary key (keyset: no OFFSET scans)."""
    last_pk = 0
    while True:
        batch = list(
            User.objects.filter(
                groups__name=Role.TRAINEE.value, is_active=True, pk__gt=last_pk
            ).order_by("pk")[:size]
        )
        if not batch:
            return
        yield batch
        last_pk = batch[-1].pk


def eligibility_settled(*, trainee_ids: list[int]) -> set[tuple[int, int]]:
    """(trainee id, pathway id) pairs already notified or awarded: the batch skips them."""
    notified = EligibilityNotice.objects.filter(trainee_id__in=trainee_ids).values_list(
        "trainee_id", "pathway_id"
    )
    awarded = Award.objects.filter(trainee_id__in=trainee_ids).values_list(
        "trainee_id", "pathway_id"
    )
    return set(notified) | set(awarded)


@dataclass
class RequirementComparison:
    label: str
    applied: dict | None  # the requirement as frozen when the trainee applied
    today: dict | None


def application_comparison(
    *, application: CredentialApplication
) -> tuple[dict, list[RequirementComparison]]:
    """Today's credential_status next to the snapshot frozen at application, by requirement."""
    today = credential_status(
        trainee=application.trainee,
        pathway=application.pathway,
        as_of=trainee_today(application.trainee),
    )
    applied = {row["code"]: row for row in application.snapshot.get("requirements", [])}
    current = {row["code"]: row for row in today["requirements"]}
    codes = list(applied) + [code for code in current if code not in applied]
    rows = [
        RequirementComparison(
            label=(applied.get(code) or current[code])["label"],
            applied=applied.get(code),
            today=current.get(code),
        )
        for code in codes
    ]
    return today, rows


def people_by_email(*, emails: Iterable[str]) -> dict[str, User]:
    """Accounts by lower-cased email, with their roles loaded: two queries for an import file."""
    people = User.objects.filter(email__in={email.lower() for email in emails}).prefetch_related(
        "groups"
    )
    found = {}
    for person in people:
        # Fill User.role_names' cache from the prefetch, so has_role() costs no query per row.
        person.cache_role_names(group.name for group in person.groups.all())
        found[person.email] = person
    return found
