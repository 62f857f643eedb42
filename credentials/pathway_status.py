"""Where a trainee stands with one pathway's award: a pure rule over rows already loaded.

The progress page shows this instead of the bare evaluation, so that an applicant, a holder or a
holder whose award was revoked never reads "Ready to apply".
"""

import datetime as dt
from dataclasses import dataclass
from typing import Any

from credentials.models import ApplicationStatus

READY = "ready"
NOT_READY = "not_ready"
APPLIED = "applied"
RETURNED = "returned"
AWARDED = "awarded"
REVOKED = "revoked"


@dataclass(frozen=True)
class PathwayStatus:
    state: str
    award: Any = None  # the Award, when awarded or revoked
    application: Any = None  # the latest application, when applied or returned
    since: dt.date | None = None  # applied, awarded or revoked on
    ready: bool = False  # every requirement met today

    @property
    def may_apply(self) -> bool:
        return self.state == READY or (self.state == RETURNED and self.ready)


def pathway_status(*, pathway_id: int, eligible: bool, awards, applications) -> PathwayStatus:
    """`applications` newest first, as the progress selectors give them."""
    award = next((a for a in awards if a.pathway_id == pathway_id), None)
    if award is not None and award.revoked_at is not None:
        return PathwayStatus(REVOKED, award=award, since=award.revoked_at.date(), ready=eligible)
    if award is not None:
        return PathwayStatus(AWARDED, award=award, since=award.issued_on, ready=eligible)
    latest = next((a for a in applications if a.pathway_id == pathway_id), None)
    if latest is not None and latest.status in (
        ApplicationStatus.SUBMITTED,
        ApplicationStatus.UNDER_REVIEW,
    ):
        return PathwayStatus(
            APPLIED, application=latest, since=latest.submitted_at.date(), ready=eligible
        )
    if latest is not None and latest.status == ApplicationStatus.RETURNED:
        return PathwayStatus(RETURNED, application=latest, ready=eligible)
    return PathwayStatus(READY if eligible else NOT_READY, ready=eligible)
