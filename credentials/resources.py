"""django-import-export resources: one per import kind, each row written by one upsert service.

A resource declares the spreadsheet's columns (`Column`: the heading, how a cell is read, whether
it may be empty), checks each row against people and the rest of the file, then calls its
service. django-import-export runs the loop and collects every row's errors
(`Result.invalid_rows`); the caller (credentials.imports) holds the transaction and rolls
everything back when any row failed. Rows hold plain values in a `SimpleNamespace`: the
services build the model rows.

Record kinds are written in batches: each row is checked as it is read (the service's
`*_import_row`, which runs the model's full_clean), and every IMPORT_BATCH_ROWS checked rows go
to the service's batched write, which costs a few queries per batch instead of a few per row.
Once a row is invalid nothing more is written (the transaction rolls back anyway), but every
row is still checked so that the file's errors are all reported at once.
"""

import datetime as dt
import re
from collections.abc import Callable
from decimal import Decimal, InvalidOperation
from types import SimpleNamespace

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from import_export import resources, widgets
from import_export.fields import Field
from import_export.instance_loaders import BaseInstanceLoader
from import_export.results import RowResult

from credentials import selectors, services
from credentials.models import AssessmentKind, Engagement, ImportKind
from credentials.services import ImportRow
from lms import policies
from lms.models import Credential, Profession, Role, User
from lms.services import UpsertOutcome, person_upsert
from lms.spreadsheets import without_formula_quote

ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
# Checked rows written together: a few queries per batch; memory stays small for any file.
IMPORT_BATCH_ROWS = 1_000


# --- Cells ------------------------------------------------------------------------------------
# A widget turns one non-empty cell's text into a value, or raises ValueError with the end of a
# sentence that starts with the column's heading ("Paid Hours" + " must be a number of ...").


class TextCell(widgets.Widget):
    def __init__(self, max_length: int = 200):
        super().__init__()
        self.max_length = max_length

    def clean(self, value, row=None, **kwargs):
        value = without_formula_quote(value)
        if len(value) > self.max_length:
            raise ValueError(f"is too long: keep it to {self.max_length} characters")
        return value


class CodeCell(TextCell):
    """A short code kept in capitals (a state such as CA), so that 'ca' and 'CA' are one."""

    def clean(self, value, row=None, **kwargs):
        return super().clean(value, row=row, **kwargs).upper()


class EmailCell(widgets.Widget):
    def clean(self, value, row=None, **kwargs):
        return value.lower()


# How a trainee says their typed dates read (the web import): "auto" reads only dates that can
# be read one way (31/12/2025) and refuses the others (03/04/2025) rather than guess.
DATE_ORDERS = {"auto": "auto", "dmy": "day first", "mdy": "month first"}


class DateCell(widgets.Widget):
    """YYYY-MM-DD (Excel's date cells arrive so too); with a `date_order` also 31/12/2025."""

    def __init__(self):
        super().__init__()
        self.date_order: str | None = None

    def clean(self, value, row=None, **kwargs):
        if ISO_DATE.fullmatch(value) and (date := _date_or_none(*map(int, value.split("-")))):
            return date
        typed = TYPED_DATE.fullmatch(value)
        if self.date_order is None or typed is None:
            example = "YYYY-MM-DD, such as 2025-03-31"
            if self.date_order is not None:
                example += ", or like 31/03/2025"
            raise ValueError(f"must be a date as {example}")
        first, second, year = (int(part) for part in typed.groups())
        readings = {
            "dmy": _date_or_none(year, month=second, day=first),
            "mdy": _date_or_none(year, month=first, day=second),
        }
        if self.date_order in readings:
            if readings[self.date_order] is None:
                raise ValueError(f"{value} is not a real date read {DATE_ORDERS[self.date_order]}")
            return readings[self.date_order]
        possible = {reading for reading in readings.values() if reading is not None}
        if not possible:
            raise ValueError(f"{value} is not a real date")
        if len(possible) > 1:
            raise ValueError(
                f"{value} could be {readings['dmy']:%-d %B %Y} or {readings['mdy']:%-d %B %Y}: "
                "choose whether the day or the month comes first and upload the file again"
            )
        return possible.pop()


TYPED_DATE = re.compile(r"(\d{1,2})[/.](\d{1,2})[/.](\d{4})")


def _date_or_none(year: int, month: int, day: int) -> dt.date | None:
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


class HoursCell(widgets.Widget):
    def clean(self, value, row=None, **kwargs):
        try:
            hours = Decimal(value)
        except InvalidOperation:
            hours = None
        if hours is None or not hours.is_finite() or hours < 0:
            raise ValueError("must be a number of hours such as 1.5")
        if hours != hours.quantize(Decimal("0.01")):
            raise ValueError("can have at most 2 decimals, such as 1.25")
        return hours


class WholeNumberCell(widgets.Widget):
    def __init__(self, example: int):
        super().__init__()
        self.example = example

    def clean(self, value, row=None, **kwargs):
        if not value.isdigit():
            raise ValueError(f"must be a whole number such as {self.example}")
        return int(value)


class ChoiceCell(widgets.Widget):
    """One of a few words, in any case: `choices` maps each accepted word to the value."""

    def __init__(self, choices: dict[str, object], expected: str):
        super().__init__()
        self.choices = choices
        self.expected = expected

    def clean(self, value, row=None, **kwargs):
        try:
            return self.choices[" ".join(value.lower().replace("_", " ").split())]
        except KeyError:
            raise ValueError(f"must be {self.expected}") from None


class Column(Field):
    """A spreadsheet column. `column_name` is the heading lower-cased (headings are matched
    case-insensitively); `label` is how messages name it."""

    def __init__(
        self,
        label: str,
        attribute: str,
        widget: widgets.Widget | None = None,
        *,
        required: bool = True,
        heading_required: bool = True,
        default=None,
    ):
        super().__init__(
            attribute=attribute, column_name=label.lower(), widget=widget or TextCell()
        )
        self.label = label
        self.required = required
        self.heading_required = heading_required
        self.empty_value = default

    def clean(self, row, **kwargs):
        value = (row.get(self.column_name) or "").strip()
        if not value:
            if self.required:
                raise ValueError(f"{self.label} is empty: fill it in.")
            return self.empty_value
        try:
            return self.widget.clean(value, row=row, **kwargs)
        except ValueError as error:
            raise ValueError(f"{self.label} {error}.") from None


ENGAGEMENTS = {"individual": Engagement.INDIVIDUAL, "group": Engagement.GROUP}

# The headings of ICF's coaching-log template that differ from the import's own (DESIGN §4),
# written as own_log_heading writes them.
ICF_HEADING_VARIANTS = {
    "contact info": "contact",
    "contact information": "contact",
    "no of individuals in group": "number in group",
}


def own_log_heading(heading: str) -> str:
    """A heading of a trainee's own log as the coaching-log column it names: any case and
    spacing, "Pro-bono" as "Pro Bono", "No." as "No"."""
    words = " ".join(heading.replace("-", " ").replace(".", " ").split()).lower()
    return ICF_HEADING_VARIANTS.get(words, words)


def engagement_column() -> Column:
    return Column(
        "Individual/Group",
        "engagement",
        ChoiceCell(ENGAGEMENTS, "Individual or Group"),
        required=False,
        default=Engagement.INDIVIDUAL,
    )


def group_size_column() -> Column:
    return Column(
        "Number in Group",
        "group_size",
        WholeNumberCell(example=4),
        required=False,
        heading_required=False,
    )


# --- Resources --------------------------------------------------------------------------------


class BareRowResult(RowResult):
    """Keeps no text copy of each row (django-import-export keeps every row's result): errors
    come from `invalid_rows` and counts from the resource, so memory stays flat."""

    def add_instance_info(self, instance):
        pass


class RecordResource(resources.Resource):
    """Shared flow: parse the columns, check the row (`check_row`), reject a repeat of an
    earlier row of the file, check it as the model row it becomes (`prepare`), write the
    checked rows in batches (`write`), and count what happened."""

    kind: str
    # Attributes that identify a row (the service's natural key): a repeat is an error.
    natural_key: tuple[str, ...]
    # Attributes holding people's emails, looked up once for the whole file.
    email_attributes: tuple[str, ...] = ()
    # Where model errors land: a model field name → the attribute of the column to blame.
    error_attributes: dict[str, str] = {}

    class Meta:
        instance_loader_class = BaseInstanceLoader
        force_init_instance = True
        skip_diff = True

    # Headings a trainee's own coaching log may leave out (credentials.imports.check_headings).
    own_log_optional_headings: tuple[str, ...] = ()

    def __init__(
        self,
        *,
        actor: User | None = None,
        only_trainee: User | None = None,
        date_order: str | None = None,
        heading_row: int = 1,
        progress: Callable[[int, int], None] | None = None,
    ):
        super().__init__()  # copies the class's columns: the changes below are this import's
        self.actor = actor
        self.only_trainee = only_trainee
        self.heading_row = heading_row
        self.progress = progress
        for column in self.fields.values():
            if isinstance(column.widget, DateCell):
                column.widget.date_order = date_order
        self.people: dict[str, User] = {}
        self.first_row_of_key: dict[tuple, int] = {}
        self.outcomes = dict.fromkeys(UpsertOutcome, 0)
        self.pending: list[ImportRow] = []
        self.invalid = False  # some row failed: check the rest, write nothing more
        self.rows_before_training_start = 0
        self.row_number = 0
        self.total_rows = 0

    @classmethod
    def columns(cls) -> list[Column]:
        return list(cls.fields.values())

    @classmethod
    def column_of(cls, attribute: str) -> Column:
        attribute = cls.error_attributes.get(attribute, attribute)
        for column in cls.columns():
            if column.attribute == attribute:
                return column
        return cls.key_column()

    @classmethod
    def key_column(cls) -> Column:
        """The column named by errors about the row as a whole."""
        return cls.column_of(cls.natural_key[0])

    # django-import-export hooks, in the order they run.

    def before_import(self, dataset, **kwargs):
        self.total_rows = len(dataset)
        headings = {column.attribute: column.column_name for column in self.columns()}
        emails = {
            (row.get(headings[attribute]) or "").strip()
            for row in dataset.dict
            for attribute in self.email_attributes
        }
        # An email column the file may leave out stands for its default (the trainee's own).
        emails |= {self.fields[attribute].empty_value or "" for attribute in self.email_attributes}
        self.people = selectors.people_by_email(emails=emails - {""})

    def import_row(self, row, instance_loader, **kwargs):
        self.row_number = kwargs["row_number"] + self.heading_row  # as a spreadsheet shows it
        row_result = super().import_row(row, instance_loader, **kwargs)
        if row_result.validation_error is not None:
            self.invalid = True
        if len(self.pending) >= IMPORT_BATCH_ROWS:
            # Out of the row's error handling: a failed write is a fault, not this row's error.
            self.flush()
        done = kwargs["row_number"]
        if self.progress and (
            done % max(1, self.total_rows // 100) == 0 or done == self.total_rows
        ):
            self.progress(done, self.total_rows)
        return row_result

    def get_row_result_class(self):
        return BareRowResult

    def init_instance(self, row=None):
        # A column the file leaves out reads as empty cells.
        return SimpleNamespace(
            **{column.attribute: column.empty_value for column in self.fields.values()}
        )

    def skip_row(self, instance, original, row, import_validation_errors=None):
        return not any((value or "").strip() for value in row.values())  # a blank line

    def validate_instance(self, instance, import_validation_errors=None, validate_unique=True):
        """Every problem of the row at once: its cells, its people and the rest of the file,
        then the model's own checks on the cells that could be read."""
        errors = (
            ValidationError(import_validation_errors).message_dict
            if import_validation_errors
            else {}
        )
        for attribute, messages in self.check_row(instance).items():
            errors.setdefault(attribute, []).extend(messages)
        if not any(name in errors for name in self.natural_key):
            key = tuple(getattr(instance, name) for name in self.natural_key)
            first = self.first_row_of_key.setdefault(key, self.row_number)
            if first != self.row_number:
                errors.setdefault(self.natural_key[0], []).append(
                    f"This row duplicates row {first}."
                )
        if not any(name in errors for name in self.email_attributes):
            try:
                instance.checked = self.prepare(instance)
            except ValidationError as error:
                for attribute, messages in self.attribute_errors(error).items():
                    # A cell that could not be read is reported once, as it was written.
                    if attribute not in errors:
                        errors[attribute] = messages
        if errors:
            raise ValidationError(errors)

    def attribute_errors(self, error: ValidationError) -> dict[str, list[str]]:
        """A model's or a service's errors, keyed by the attribute of the column to blame."""
        messages = error.message_dict if hasattr(error, "error_dict") else {}
        if not messages:
            messages = {NON_FIELD_ERRORS: error.messages}
        keyed: dict[str, list[str]] = {}
        for name, texts in messages.items():
            name = self.natural_key[0] if name == NON_FIELD_ERRORS else name
            keyed.setdefault(self.error_attributes.get(name, name), []).extend(texts)
        return keyed

    def save_instance(self, instance, is_create, row, **kwargs):
        try:
            self.save_row(instance)
        except ValidationError as error:
            raise ValidationError(self.attribute_errors(error)) from None

    def after_import(self, dataset, result, **kwargs):
        self.flush()

    def save_row(self, row: SimpleNamespace) -> None:
        self.pending.append(row.checked)

    def flush(self) -> None:
        if self.pending and not self.invalid:
            for outcome in self.write(self.pending):
                self.outcomes[outcome] += 1
        self.pending = []

    # What each kind adds.

    def check_row(self, row: SimpleNamespace) -> dict[str, list[str]]:
        """Errors that need more than one cell or a look-up; resolves people onto the row."""
        return {}

    def prepare(self, row: SimpleNamespace) -> ImportRow | None:
        """The row checked by the kind's service (the model's full_clean); raises its
        ValidationError. Runs once the row's people are known."""
        raise NotImplementedError

    def write(self, rows: list[ImportRow]) -> list[UpsertOutcome]:
        """Save checked rows through the kind's batched service; what happened to each."""
        raise NotImplementedError

    def person(self, email: str | None, role: Role, title: str) -> tuple[User | None, str]:
        if email is None:
            return None, ""  # the cell could not be read: its own error says why
        person = self.people.get(email)
        if person is None:
            return None, f"No {title} has the email {email}."
        if not person.has_role(role):
            return None, f"{email} is not a {title}."
        return person, ""

    def resolve_trainee(self, row: SimpleNamespace, attribute: str) -> dict[str, list[str]]:
        row.trainee, message = self.person(getattr(row, attribute), Role.TRAINEE, "trainee")
        return {attribute: [message]} if message else {}


PROFESSIONS = {
    "physician": Profession.PHYSICIAN,
    "nurse": Profession.NURSE,
    "psychologist": Profession.PSYCHOLOGIST,
    "other": Profession.OTHER_CLINICIAN,
    "other clinician": Profession.OTHER_CLINICIAN,
    "non clinician": Profession.NON_CLINICIAN,
    "non-clinician": Profession.NON_CLINICIAN,
}
CME_IDENTIFIERS = (
    "profession",
    "npi",
    "licence_number",
    "licence_state",
    "board_id",
    "birth_month",
    "birth_day",
    "pars_consent",
)
ADMIN_ROW_REFUSED_MESSAGE = (
    "Only a superuser can import programme admins: ask a superuser to import this file."
)


class PeopleResource(RecordResource):
    kind = ImportKind.PEOPLE
    natural_key = ("email",)
    error_attributes = {"credential_held": "credential"}

    email = Column("Email", "email", EmailCell())
    first_name = Column("First Name", "first_name", TextCell(150))
    last_name = Column("Last Name", "last_name", TextCell(150))
    role = Column(
        "Role",
        "role",
        ChoiceCell(
            {
                "trainee": Role.TRAINEE,
                "mentor": Role.MENTOR,
                "trainer": Role.TRAINER,
                "admin": Role.PROGRAMME_ADMIN,
            },
            "trainee, mentor, trainer or admin",
        ),
    )
    credential = Column(
        "Credential",
        "credential",
        ChoiceCell(
            {choice.value.lower(): choice.value for choice in Credential}, "none, ACC, PCC or MCC"
        ),
        required=False,
        heading_required=False,
    )
    training_start = Column(
        "Training Start", "training_start", DateCell(), required=False, heading_required=False
    )

    # Optional, for CME (DESIGN §4): an empty cell keeps what is stored.
    profession = Column(
        "Profession",
        "profession",
        ChoiceCell(PROFESSIONS, "physician, nurse, psychologist or other"),
        required=False,
        heading_required=False,
    )
    npi = Column("NPI", "npi", TextCell(10), required=False, heading_required=False)
    licence_number = Column(
        "Licence Number", "licence_number", TextCell(40), required=False, heading_required=False
    )
    licence_state = Column(
        "Licence State", "licence_state", CodeCell(2), required=False, heading_required=False
    )
    board_id = Column("Board ID", "board_id", TextCell(40), required=False, heading_required=False)
    birth_month = Column(
        "Birth Month",
        "birth_month",
        WholeNumberCell(example=7),
        required=False,
        heading_required=False,
    )
    birth_day = Column(
        "Birth Day",
        "birth_day",
        WholeNumberCell(example=14),
        required=False,
        heading_required=False,
    )
    pars_consent = Column(
        "PARS Consent",
        "pars_consent",
        ChoiceCell({"yes": True, "no": False}, "yes or no"),
        required=False,
        heading_required=False,
    )

    def check_row(self, row):
        if row.role == Role.PROGRAMME_ADMIN and not policies.may_grant_admin_power(self.actor):
            return {"role": [ADMIN_ROW_REFUSED_MESSAGE]}
        if row.training_start is not None and row.role not in (None, Role.TRAINEE):
            return {"training_start": ["Only trainees have a training start date: leave it empty."]}
        return {}

    def prepare(self, row):
        return None  # person_upsert checks the row as it writes it (save_row)

    def save_row(self, row):
        # One row at a time: person_upsert (lms) checks as it writes, and people files are short.
        _, outcome = person_upsert(
            email=row.email,
            first_name=row.first_name,
            last_name=row.last_name,
            role=row.role,
            credential=row.credential,
            training_start=row.training_start,
            actor=self.actor,
            cme_identifiers={name: getattr(row, name) for name in CME_IDENTIFIERS},
        )
        self.outcomes[outcome] += 1


class EducationResource(RecordResource):
    kind = ImportKind.EDUCATION
    natural_key = ("title", "trainee_email", "provider", "completed_on")
    email_attributes = ("trainee_email",)
    error_attributes = {"trainee": "trainee_email"}

    trainee_email = Column("Trainee Email", "trainee_email", EmailCell())
    title = Column("Title", "title", TextCell(200))
    provider = Column("Provider", "provider", TextCell(200))
    completed_on = Column("Completed On", "completed_on", DateCell())
    hours = Column("Hours", "hours", HoursCell())
    synchronous_hours = Column(
        "Synchronous Hours",
        "synchronous_hours",
        HoursCell(),
        required=False,
        heading_required=False,
        default=Decimal(0),
    )

    def check_row(self, row):
        return self.resolve_trainee(row, "trainee_email")

    def prepare(self, row):
        return services.education_record_import_row(
            trainee=row.trainee,
            title=row.title,
            provider=row.provider,
            completed_on=row.completed_on,
            hours=row.hours,
            synchronous_hours=row.synchronous_hours,
        )

    def write(self, rows):
        return services.education_records_import(rows=rows, actor=self.actor)


class CoachingLogResource(RecordResource):
    """The ICF coaching-log layout; also what export_coaching_log writes."""

    kind = ImportKind.COACHING_LOG
    natural_key = ("client_name", "coach_email", "engagement", "start_date", "end_date")
    email_attributes = ("coach_email",)
    error_attributes = {"trainee": "coach_email"}
    own_log_optional_headings = ("coach email",)

    coach_email = Column("Coach Email", "coach_email", EmailCell())
    client_name = Column("Client Name", "client_name", TextCell(120))
    client_contact = Column(
        "Contact", "client_contact", TextCell(500), required=False, heading_required=False
    )
    engagement = engagement_column()
    group_size = group_size_column()
    start_date = Column("Start Date", "start_date", DateCell())
    end_date = Column("End Date", "end_date", DateCell())
    paid_hours = Column("Paid Hours", "paid_hours", HoursCell(), required=False, default=Decimal(0))
    pro_bono_hours = Column(
        "Pro Bono Hours", "pro_bono_hours", HoursCell(), required=False, default=Decimal(0)
    )

    def __init__(self, *, only_trainee: User | None = None, **kwargs):
        super().__init__(only_trainee=only_trainee, **kwargs)
        if only_trainee is not None:
            # A trainee's own log (ICF's template) has no Coach Email column: it is theirs.
            coach_email = self.fields["coach_email"]
            coach_email.required = False
            coach_email.empty_value = only_trainee.email

    def check_row(self, row):
        if row.coach_email is None:
            return {}  # the cell could not be read: its own error says why
        if self.only_trainee is not None and row.coach_email != self.only_trainee.email:
            return {
                "coach_email": [
                    f"Coach Email must be your own email ({self.only_trainee.email}): "
                    "you can import only your own coaching log."
                ]
            }
        return self.resolve_trainee(row, "coach_email")

    def prepare(self, row):
        start = row.trainee.training_start
        if self.only_trainee and start and row.start_date and row.start_date < start:
            self.rows_before_training_start += 1
        return services.coaching_log_entry_import_row(
            trainee=row.trainee,
            client_name=row.client_name,
            client_contact=row.client_contact,
            engagement=row.engagement,
            group_size=row.group_size,
            start_date=row.start_date,
            end_date=row.end_date,
            paid_hours=row.paid_hours,
            pro_bono_hours=row.pro_bono_hours,
        )

    def write(self, rows):
        return services.coaching_log_entries_import(rows=rows)


class MentorSessionResource(RecordResource):
    kind = ImportKind.MENTOR_SESSIONS
    natural_key = ("date", "trainee_email", "mentor_email", "engagement")
    email_attributes = ("trainee_email", "mentor_email")
    error_attributes = {"trainee": "trainee_email", "mentor": "mentor_email"}

    trainee_email = Column("Trainee Email", "trainee_email", EmailCell())
    mentor_email = Column("Mentor Email", "mentor_email", EmailCell())
    date = Column("Date", "date", DateCell())
    hours = Column("Hours", "hours", HoursCell())
    engagement = engagement_column()
    group_size = group_size_column()

    def check_row(self, row):
        errors = self.resolve_trainee(row, "trainee_email")
        row.mentor, message = self.person(row.mentor_email, Role.MENTOR, "mentor")
        if message:
            errors["mentor_email"] = [message]
        return errors

    def prepare(self, row):
        return services.mentor_session_import_row(
            trainee=row.trainee,
            mentor=row.mentor,
            date=row.date,
            hours=row.hours,
            engagement=row.engagement,
            group_size=row.group_size,
        )

    def write(self, rows):
        return services.mentor_sessions_import(rows=rows, actor=self.actor)


class AssessmentResource(RecordResource):
    kind = ImportKind.ASSESSMENTS
    natural_key = ("date", "trainee_email", "kind")
    email_attributes = ("trainee_email",)
    error_attributes = {"trainee": "trainee_email"}

    trainee_email = Column("Trainee Email", "trainee_email", EmailCell())
    assessment_kind = Column(
        "Type",
        "kind",
        ChoiceCell(
            {
                "exam": AssessmentKind.EXAM,
                "performance evaluation": AssessmentKind.PERFORMANCE_EVALUATION,
            },
            "exam or performance_evaluation",
        ),
    )
    date = Column("Date", "date", DateCell())
    passed = Column("Passed", "passed", ChoiceCell({"yes": True, "no": False}, "yes or no"))
    score = Column(
        "Score", "score", WholeNumberCell(example=480), required=False, heading_required=False
    )

    def check_row(self, row):
        return self.resolve_trainee(row, "trainee_email")

    def prepare(self, row):
        return services.assessment_result_import_row(
            trainee=row.trainee,
            kind=row.kind,
            date=row.date,
            passed=row.passed,
            score=row.score,
            actor=self.actor,
        )

    def write(self, rows):
        return services.assessment_results_import(rows=rows)


# The CME kinds build on RecordResource above, so they are imported once it exists.
from credentials.cme.resources import CmeActivityResource, CmeCreditResource  # noqa: E402

RESOURCES: dict[str, type[RecordResource]] = {
    resource.kind: resource
    for resource in (
        PeopleResource,
        EducationResource,
        CoachingLogResource,
        MentorSessionResource,
        AssessmentResource,
        CmeActivityResource,
        CmeCreditResource,
    )
}
