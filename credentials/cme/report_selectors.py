"""Reads for the CME office's reports and a coach's renewal tracker.

Each read costs a fixed number of queries however many activities, learners or claims there
are: rows are grouped in the database or fetched in one query each, and put together in Python.
"""

import datetime as dt
from collections import defaultdict
from decimal import Decimal

from django.db.models import Count, Sum
from wagtail.models import Page

from courses.models import Attendance, ModuleCompletion, ProgrammePage
from credentials.cme import renewal
from credentials.cme.models import (
    ActivityCredit,
    CmeActivity,
    CmeClaim,
    CmeCompletion,
    CmeEvaluation,
)
from credentials.cme.reports import NO_PROGRAMME, ActivityFacts, EvaluationAnswers
from credentials.models import Award, Engagement, MentorSession, MentorSessionStatus
from lms.models import Credential, User

# A module page sits under its course, which sits under its programme (courses.models).
MODULE_DEPTH_BELOW_PROGRAMME = 2


def _programme_path(module_path: str) -> str:
    return module_path[: -Page.steplen * MODULE_DEPTH_BELOW_PROGRAMME]


def _counts(rows, key: str) -> dict[int, int]:
    return {row[key]: row["n"] for row in rows}


def activity_facts() -> list[ActivityFacts]:
    """Every activity with its completions, credit claimed per credit type, evaluation answers
    and programme, in seven queries."""
    activities = list(
        CmeActivity.objects.select_related("module", "live_session__module").order_by("code")
    )
    module_ids = {a.module_id for a in activities if a.module_id}
    session_ids = {a.live_session_id for a in activities if a.live_session_id}
    by_module = _counts(
        ModuleCompletion.objects.filter(module_id__in=module_ids)
        .values("module_id")
        .annotate(n=Count("trainee", distinct=True)),
        "module_id",
    )
    by_session = _counts(
        Attendance.objects.filter(session_id__in=session_ids, attended=True)
        .values("session_id")
        .annotate(n=Count("trainee", distinct=True)),
        "session_id",
    )
    by_office = _counts(
        CmeCompletion.objects.values("activity_id").annotate(n=Count("id")), "activity_id"
    )
    credits: dict[int, dict[str, Decimal]] = defaultdict(dict)
    claims: dict[int, int] = defaultdict(int)
    for row in CmeClaim.objects.values("activity_id", "credit_type__name").annotate(
        total=Sum("credits"), n=Count("id")
    ):
        credits[row["activity_id"]][row["credit_type__name"]] = row["total"]
        claims[row["activity_id"]] += row["n"]
    answers: dict[int, list[EvaluationAnswers]] = defaultdict(list)
    for activity_id, *numbers in CmeEvaluation.objects.values_list(
        "activity_id",
        "confidence_before",
        "confidence_after",
        "intends_change",
        "wellbeing_before",
        "wellbeing_after",
    ).order_by("pk"):
        answers[activity_id].append(EvaluationAnswers(*numbers))
    modules = {
        a.pk: a.module if a.module_id else (a.live_session.module if a.live_session_id else None)
        for a in activities
    }
    programme_titles = dict(
        ProgrammePage.objects.filter(
            path__in={_programme_path(m.path) for m in modules.values() if m is not None}
        ).values_list("path", "title")
    )

    def completions(activity: CmeActivity) -> int:
        if activity.module_id:
            return by_module.get(activity.module_id, 0)
        if activity.live_session_id:
            return by_session.get(activity.live_session_id, 0)
        return by_office.get(activity.pk, 0)

    def programme(activity: CmeActivity) -> str:
        module = modules[activity.pk]
        if module is None:
            return NO_PROGRAMME
        return programme_titles.get(_programme_path(module.path), NO_PROGRAMME)

    return [
        ActivityFacts(
            code=activity.code,
            title=activity.title,
            programme=programme(activity),
            completions=completions(activity),
            credits=credits[activity.pk],
            claims=claims[activity.pk],
            answers=tuple(answers[activity.pk]),
        )
        for activity in activities
    ]


# --- Renewal ------------------------------------------------------------------------------------


def renewal_cycle_start(*, coach: User) -> dt.date | None:
    """When the credential held was granted or last renewed: the date recorded on the person,
    else the latest award of that level issued here; None when neither is known."""
    if coach.credential_since:
        return coach.credential_since
    return (
        Award.objects.filter(
            trainee=coach, pathway__level=coach.credential_held, revoked_at__isnull=True
        )
        .order_by("-issued_on")
        .values_list("issued_on", flat=True)
        .first()
    )


def renewal_for(*, coach: User) -> renewal.RenewalStatus | None:
    """The coach's renewal status in the current cycle; None without a credential or a date."""
    if coach.credential_held == Credential.NONE:
        return None
    start = renewal_cycle_start(coach=coach)
    if start is None:
        return None
    ethics_offers = set(
        ActivityCredit.objects.filter(ethics=True, activity__claims__learner=coach).values_list(
            "activity_id", "credit_type_id"
        )
    )
    claims = CmeClaim.objects.filter(
        learner=coach, credit_type__code__in=(renewal.ICF_CORE, renewal.ICF_RESOURCE)
    ).values_list("completed_on", "credit_type__code", "credits", "activity_id", "credit_type_id")
    units = [
        renewal.CceUnits(
            completed_on=completed_on,
            credit_type=code,
            units=credits,
            ethics=(activity_id, credit_type_id) in ethics_offers,
        )
        for completed_on, code, credits, activity_id, credit_type_id in claims
    ]
    sessions = [
        renewal.MentorHours(
            date=day,
            hours=hours,
            group_size=group_size if engagement == Engagement.GROUP else None,
        )
        for day, hours, engagement, group_size in MentorSession.objects.filter(
            trainee=coach, status=MentorSessionStatus.CONFIRMED
        ).values_list("date", "hours", "engagement", "group_size")
    ]
    return renewal.renewal_status(
        credential=coach.credential_held,
        cycle_start=start,
        units=units,
        mentor_sessions=sessions,
    )


def learner_has_cme_records(*, learner: User) -> bool:
    """Claims, evaluations or completions: records kept 6 years."""
    return (
        CmeClaim.objects.filter(learner=learner).exists()
        or CmeEvaluation.objects.filter(learner=learner).exists()
        or CmeCompletion.objects.filter(learner=learner).exists()
    )
