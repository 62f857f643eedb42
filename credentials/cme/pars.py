"""ACCME PARS learner reporting: which AMA completions go out, which stay out and why.

PARS takes, per physician completion of an activity with AMA PRA Category 1 Credit™, the
learner's first and last name, birth month and day (never the year), an NPI or a state licence
number with its state, the certifying-board id where there is one, the completion date, the
credits claimed and the ACCME activity id (DESIGN §2). A completion goes out only if the
learner allows it on the day of the export: a withdrawal keeps every later export clean of
them, whatever they completed before.

`pars_report` and what it builds on are pure; `pars_completions` is the one read.
"""

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from import_export import resources
from import_export.fields import Field

from credentials.cme import rules
from credentials.cme.models import CmeActivity, CmeClaim
from lms.models import Profession
from lms.spreadsheets import spreadsheet_text


@dataclass(frozen=True)
class ParsLearner:
    email: str
    first_name: str
    last_name: str
    profession: str
    pars_consent: bool
    pars_consent_changed_at: dt.datetime | None
    birth_month: int | None
    birth_day: int | None
    npi: str
    licence_number: str
    licence_state: str
    board_id: str


@dataclass(frozen=True)
class ParsCompletion:
    learner: ParsLearner
    activity_code: str
    accme_activity_id: str
    completed_on: dt.date
    credits: Decimal


@dataclass(frozen=True)
class ParsRow:
    """One line of the PARS file; the attribute names are the resource's fields."""

    first_name: str
    last_name: str
    birth_month: int
    birth_day: int
    npi: str
    licence_number: str
    licence_state: str
    board_id: str
    completed_on: dt.date
    credits: Decimal
    accme_activity_id: str
    activity_code: str


@dataclass(frozen=True)
class LeftOut:
    completion: ParsCompletion
    reason: str

    @property
    def line(self) -> str:
        """What the command prints and the page lists: who, which completion, why."""
        completion = self.completion
        return (
            f"{completion.learner.email}, {completion.activity_code}, completed "
            f"{completion.completed_on.isoformat()}: {self.reason}"
        )


@dataclass(frozen=True)
class ParsReport:
    rows: tuple[ParsRow, ...]
    left_out: tuple[LeftOut, ...]


def left_out_reason(learner: ParsLearner) -> str:
    """Why this learner's completions cannot go to PARS; '' when they can."""
    if learner.profession != Profession.PHYSICIAN:
        return "not a physician (PARS takes physicians' AMA credit only)"
    if not learner.pars_consent:
        if learner.pars_consent_changed_at is None:
            return "has not given permission to report to PARS"
        return (
            "does not allow reporting to PARS (permission withdrawn or refused on "
            f"{learner.pars_consent_changed_at.date().isoformat()})"
        )
    missing = []
    if learner.birth_month is None or learner.birth_day is None:
        missing.append("birth month and day")
    has_licence = bool(learner.licence_number.strip() and learner.licence_state.strip())
    if not (learner.npi.strip() or has_licence):
        missing.append("an NPI or a state licence number with its state")
    return f"missing {' and '.join(missing)}" if missing else ""


def pars_row(completion: ParsCompletion) -> ParsRow:
    learner = completion.learner
    return ParsRow(
        first_name=learner.first_name,
        last_name=learner.last_name,
        birth_month=learner.birth_month,
        birth_day=learner.birth_day,
        npi=learner.npi,
        licence_number=learner.licence_number,
        licence_state=learner.licence_state,
        board_id=learner.board_id,
        completed_on=completion.completed_on,
        credits=completion.credits,
        accme_activity_id=completion.accme_activity_id,
        activity_code=completion.activity_code,
    )


def pars_report(completions: Iterable[ParsCompletion]) -> ParsReport:
    """Every completion, in the order given, either as a row or left out with its reason."""
    rows, left_out = [], []
    for completion in completions:
        reason = left_out_reason(completion.learner)
        if reason:
            left_out.append(LeftOut(completion, reason))
        else:
            rows.append(pars_row(completion))
    return ParsReport(rows=tuple(rows), left_out=tuple(left_out))


# --- The read ----------------------------------------------------------------------------------


def pars_completions(
    *, date_from: dt.date, date_to: dt.date, activity: CmeActivity | None = None
) -> list[ParsCompletion]:
    """The AMA claims completed from `date_from` to `date_to` (both included), in one query."""
    claims = CmeClaim.objects.filter(
        credit_type__code=rules.AMA, completed_on__range=(date_from, date_to)
    ).select_related("learner", "activity")
    if activity is not None:
        claims = claims.filter(activity=activity)
    claims = claims.order_by("completed_on", "activity__code", "learner__last_name", "pk")
    return [
        ParsCompletion(
            learner=ParsLearner(
                email=claim.learner.email,
                first_name=claim.learner.first_name,
                last_name=claim.learner.last_name,
                profession=claim.learner.profession,
                pars_consent=claim.learner.pars_consent,
                pars_consent_changed_at=claim.learner.pars_consent_changed_at,
                birth_month=claim.learner.birth_month,
                birth_day=claim.learner.birth_day,
                npi=claim.learner.npi,
                licence_number=claim.learner.licence_number,
                licence_state=claim.learner.licence_state,
                board_id=claim.learner.board_id,
            ),
            activity_code=claim.activity.code,
            accme_activity_id=claim.activity.accme_activity_id,
            completed_on=claim.completed_on,
            credits=claim.credits,
        )
        for claim in claims
    ]


# --- The file ----------------------------------------------------------------------------------


class TextField(Field):
    """Text a spreadsheet could run as a formula goes out behind a quote."""

    def export(self, instance, **kwargs):
        return spreadsheet_text(super().export(instance, **kwargs))


class ParsResource(resources.Resource):
    """The PARS columns, for the command's CSV and the CME office's CSV and XLSX downloads."""

    first_name = TextField(attribute="first_name", column_name="First Name")
    last_name = TextField(attribute="last_name", column_name="Last Name")
    birth_month = Field(attribute="birth_month", column_name="Birth Month")
    birth_day = Field(attribute="birth_day", column_name="Birth Day")
    npi = TextField(attribute="npi", column_name="NPI")
    licence_number = TextField(attribute="licence_number", column_name="Licence Number")
    licence_state = TextField(attribute="licence_state", column_name="Licence State")
    board_id = TextField(attribute="board_id", column_name="Board ID")
    completed_on = Field(attribute="completed_on", column_name="Completion Date")
    credits = Field(attribute="credits", column_name="Credits")
    accme_activity_id = TextField(attribute="accme_activity_id", column_name="ACCME Activity ID")
    activity_code = TextField(attribute="activity_code", column_name="Activity Code")

    def dehydrate_completed_on(self, row: ParsRow):
        return row.completed_on.isoformat()

    def dehydrate_credits(self, row: ParsRow):
        return rules.format_credits(row.credits)


PARS_HEADERS = [field.column_name for field in ParsResource().get_export_fields()]


def pars_file(rows: Iterable[ParsRow], *, file_format: str) -> bytes:
    """The rows as "csv" (UTF-8, no byte-order mark: PARS and scripts read it as is) or
    "xlsx"."""
    dataset = ParsResource().export(list(rows))
    if file_format == "csv":
        return dataset.export("csv").encode("utf-8")
    if file_format == "xlsx":
        return dataset.export("xlsx")
    raise ValueError(f"Unknown export format {file_format!r}: use csv or xlsx.")
