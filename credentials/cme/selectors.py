"""CME reads: an activity as a learner sees it, claims by code, the transcript."""

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from courses.models import Attendance, ModuleCompletion
from credentials.cme import rules
from credentials.cme.models import (
    ActivityCredit,
    CmeActivity,
    CmeClaim,
    CmeCompletion,
    CmeEvaluation,
    CreditType,
    CreditTypeCode,
)
from lms import policies
from lms.models import User

HOUR = Decimal(60)


def activity_by_code(*, code: str) -> CmeActivity | None:
    return CmeActivity.objects.select_related("module", "live_session").filter(code=code).first()


def activity_offers(*, activity: CmeActivity) -> list[ActivityCredit]:
    return list(activity.credits.select_related("credit_type"))


def ama_maximum(offers: list[ActivityCredit]) -> Decimal | None:
    for offer in offers:
        if offer.credit_type.code == CreditTypeCode.AMA:
            return offer.max_credits
    return None


def claimable_codes(*, learner: User, offers: list[ActivityCredit]) -> set[str]:
    """The codes of the offered credit types this learner's profession may claim."""
    offered = {offer.credit_type.code: frozenset(offer.credit_type.professions) for offer in offers}
    return rules.claimable_codes(profession=learner.profession, offered=offered)


def designation_statement(*, activity: CmeActivity, offers: list[ActivityCredit]) -> str:
    return activity.designation_statement(ama_maximum(offers))


def completion_date(*, activity: CmeActivity, learner: User) -> dt.date | None:
    """When the learner completed the activity: its module, its live session (attended), or
    the CME office's record. None: not completed."""
    if activity.module_id:
        completed_at = (
            ModuleCompletion.objects.filter(trainee=learner, module_id=activity.module_id)
            .values_list("completed_at", flat=True)
            .first()
        )
        return completed_at.date() if completed_at else None
    if activity.live_session_id:
        attended = Attendance.objects.filter(
            session_id=activity.live_session_id, trainee=learner, attended=True
        ).exists()
        return activity.live_session.starts_at.date() if attended else None
    return (
        CmeCompletion.objects.filter(activity=activity, learner=learner)
        .values_list("completed_on", flat=True)
        .first()
    )


def hours_spent(*, activity: CmeActivity) -> Decimal | None:
    """The time the LMS knows the activity takes (None: it does not know)."""
    if activity.module_id:
        return Decimal(activity.module.estimated_minutes) / HOUR
    if activity.live_session_id:
        session = activity.live_session
        return Decimal(int((session.ends_at - session.starts_at).total_seconds() // 60)) / HOUR
    return None


@dataclass(frozen=True)
class ClaimOption:
    offer: ActivityCredit
    choices: list[Decimal]


@dataclass(frozen=True)
class ActivityForLearner:
    activity: CmeActivity
    offers: list[ActivityCredit]
    designation_statement: str
    completed_on: dt.date | None
    evaluation: CmeEvaluation | None
    claims: list[CmeClaim]
    options: list[ClaimOption] = field(default_factory=list)
    not_claimable_reason: str = ""

    @property
    def may_evaluate(self) -> bool:
        return self.completed_on is not None and self.evaluation is None


def activity_for_learner(*, activity: CmeActivity, learner: User) -> ActivityForLearner:
    offers = activity_offers(activity=activity)
    claims = list(
        CmeClaim.objects.filter(activity=activity, learner=learner).select_related("credit_type")
    )
    claimed = {claim.credit_type_id for claim in claims}
    claimable = claimable_codes(learner=learner, offers=offers)
    spent = hours_spent(activity=activity)
    options = [
        ClaimOption(
            offer=offer,
            choices=rules.credit_choices(
                maximum=offer.max_credits,
                increment=offer.credit_type.increment,
                hours_spent=spent,
            ),
        )
        for offer in offers
        if offer.credit_type.code in claimable and offer.credit_type_id not in claimed
    ]
    reason = ""
    if offers and not claimable:
        reason = (
            f"This activity offers no credit to a {learner.get_profession_display().lower()}. "
            "If your profession is wrong, correct it on your profile."
        )
    return ActivityForLearner(
        activity=activity,
        offers=offers,
        designation_statement=designation_statement(activity=activity, offers=offers),
        completed_on=completion_date(activity=activity, learner=learner),
        evaluation=CmeEvaluation.objects.filter(activity=activity, learner=learner).first(),
        claims=claims,
        options=options,
        not_claimable_reason=reason,
    )


def claim_by_code(*, code: str) -> CmeClaim | None:
    return (
        CmeClaim.objects.select_related("learner", "activity", "credit_type")
        .filter(verification_code=code)
        .first()
    )


def claim_certificate_for(*, viewer: User, code: str) -> CmeClaim | None:
    """The claim if `viewer` made it or runs CME; otherwise None."""
    claim = claim_by_code(code=code)
    if claim is None or not (claim.learner_id == viewer.pk or policies.can_manage_cme(viewer)):
        return None
    return claim


# --- Transcript ----------------------------------------------------------------------------


@dataclass(frozen=True)
class TranscriptYear:
    year: int
    claims: list[CmeClaim]
    totals: dict[str, Decimal]  # credit type name → credits


@dataclass(frozen=True)
class Transcript:
    learner: User
    date_from: dt.date | None
    date_to: dt.date | None
    claims: list[CmeClaim]
    years: list[TranscriptYear]
    totals: dict[str, Decimal]  # credit type code → credits
    names: dict[str, str]  # credit type code → name

    @property
    def named_totals(self) -> list[tuple[str, Decimal]]:
        return [(self.names[code], total) for code, total in self.totals.items()]


def transcript_claims(*, learner: User, date_from: dt.date | None, date_to: dt.date | None):
    """The learner's claims completed in the range (either end may be open), newest first:
    one query whatever their number."""
    claims = CmeClaim.objects.filter(learner=learner).select_related("activity", "credit_type")
    if date_from is not None:
        claims = claims.filter(completed_on__gte=date_from)
    if date_to is not None:
        claims = claims.filter(completed_on__lte=date_to)
    return claims.order_by("-completed_on", "activity__code", "credit_type_id")


def transcript(
    *, learner: User, date_from: dt.date | None = None, date_to: dt.date | None = None
) -> Transcript:
    claims = list(transcript_claims(learner=learner, date_from=date_from, date_to=date_to))
    totals: dict[str, Decimal] = defaultdict(Decimal)
    names: dict[str, str] = {}
    by_year: dict[int, list[CmeClaim]] = defaultdict(list)
    for claim in claims:
        totals[claim.credit_type.code] += claim.credits
        names[claim.credit_type.code] = claim.credit_type.name
        by_year[claim.completed_on.year].append(claim)
    years = []
    for year in sorted(by_year, reverse=True):
        year_totals: dict[str, Decimal] = defaultdict(Decimal)
        for claim in by_year[year]:
            year_totals[claim.credit_type.name] += claim.credits
        years.append(TranscriptYear(year=year, claims=by_year[year], totals=dict(year_totals)))
    return Transcript(
        learner=learner,
        date_from=date_from,
        date_to=date_to,
        claims=claims,
        years=years,
        totals=dict(totals),
        names=names,
    )


def claim_of(*, learner: User, activity: CmeActivity, credit_type) -> CmeClaim | None:
    return CmeClaim.objects.filter(
        learner=learner, activity=activity, credit_type=credit_type
    ).first()


def credit_types_by_code() -> dict[str, CreditType]:
    return {credit_type.code: credit_type for credit_type in CreditType.objects.all()}


def activities_by_code(*, codes) -> dict[str, CmeActivity]:
    return {activity.code: activity for activity in CmeActivity.objects.filter(code__in=codes)}


def _number(value: Decimal) -> int | float:
    return int(value) if value == value.to_integral_value() else float(value)


def transcript_document(transcript: Transcript) -> dict:
    """The `cme_transcript --json` shape (DESIGN §4): numbers as JSON numbers, dates ISO."""
    return {
        "email": transcript.learner.email,
        "claims": [
            {
                "activity_code": claim.activity.code,
                "title": claim.activity.title,
                "credit_type": claim.credit_type.code,
                "credits": _number(claim.credits),
                "completed_on": claim.completed_on.isoformat(),
                "verification_code": claim.verification_code,
            }
            for claim in transcript.claims
        ],
        "totals": {code: _number(total) for code, total in transcript.totals.items()},
    }
