"""django-import-export resources of CME: the two CME import kinds and the transcript CSV.

The import resources follow credentials.resources (one Column per heading, row-numbered errors,
all rows or none); each row is written by its service, which applies the same rules as the
screens.
"""

import tablib
from import_export import fields, resources, widgets

from credentials.cme import rules, selectors, services
from credentials.cme.models import CmeClaim, CreditTypeCode, LearningFormat
from credentials.models import ImportKind
from credentials.resources import (
    ChoiceCell,
    Column,
    DateCell,
    EmailCell,
    HoursCell,
    RecordResource,
    TextCell,
)
from lms.spreadsheets import spreadsheet_text

CREDIT_TYPES = ChoiceCell(
    {code.replace("_", " "): code for code in CreditTypeCode.values},
    "ama, participation, ancc, icf_core or icf_resource",
)
FORMATS = ChoiceCell(
    {code.replace("_", " "): code for code in LearningFormat.values},
    "enduring, live, internet_poc or other",
)
# What the activity rows of one Code must agree on.
ACTIVITY_FIELDS = ("title", "provider", "learning_format", "start_date", "end_date", "location")


class CmeResource(RecordResource):
    """CME rows are few: each is written by its service as it is read. Rows after an invalid
    one are written too (each service call is its own savepoint), so that every row is checked
    against the stored records; the import's transaction rolls them all back."""

    def before_import(self, dataset, **kwargs):
        super().before_import(dataset, **kwargs)
        self.credit_types = selectors.credit_types_by_code()

    def prepare(self, row):
        return None  # each row is checked as its service writes it (save_row)

    def save_row(self, row):
        self.outcomes[self.write_row(row)] += 1

    def write_row(self, row):
        raise NotImplementedError


class CmeActivityResource(CmeResource):
    kind = ImportKind.CME_ACTIVITIES
    natural_key = ("code", "credit_type")
    error_attributes = {
        "learning_format": "learning_format",
        "credit_type": "credit_type",
        "max_credits": "max_credits",
    }

    code = Column("Code", "code", TextCell(40))
    title = Column("Title", "title", TextCell(200))
    provider = Column("Provider", "provider", TextCell(200))
    learning_format = Column("Format", "learning_format", FORMATS)
    start_date = Column("Start Date", "start_date", DateCell())
    end_date = Column("End Date", "end_date", DateCell())
    location = Column(
        "Location", "location", TextCell(255), required=False, heading_required=False, default=""
    )
    credit_type = Column("Credit Type", "credit_type", CREDIT_TYPES)
    max_credits = Column("Max Credits", "max_credits", HoursCell())

    def before_import(self, dataset, **kwargs):
        super().before_import(dataset, **kwargs)
        self.first_row_of_activity: dict[str, tuple[int, tuple]] = {}

    def check_row(self, row):
        values = tuple(getattr(row, name) for name in ACTIVITY_FIELDS)
        first, first_values = self.first_row_of_activity.setdefault(
            row.code, (self.row_number, values)
        )
        if values != first_values:
            differing = [
                self.column_of(name).label
                for name, mine, theirs in zip(ACTIVITY_FIELDS, values, first_values, strict=True)
                if mine != theirs
            ]
            return {
                "code": [
                    f"Row {first} has the same Code with a different {', '.join(differing)}: "
                    "the rows of one activity must agree."
                ]
            }
        return {}

    def write_row(self, row):
        return services.cme_activity_credit_upsert(
            code=row.code,
            title=row.title,
            provider=row.provider,
            learning_format=row.learning_format,
            start_date=row.start_date,
            end_date=row.end_date,
            location=row.location,
            credit_type=self.credit_types[row.credit_type],
            max_credits=row.max_credits,
        )


class CmeCreditResource(CmeResource):
    kind = ImportKind.CME_CREDITS
    natural_key = ("learner_email", "activity_code", "credit_type")
    email_attributes = ("learner_email",)
    error_attributes = {"completed_on": "completed_on", "credits": "credits"}

    learner_email = Column("Learner Email", "learner_email", EmailCell())
    activity_code = Column("Activity Code", "activity_code", TextCell(40))
    credit_type = Column("Credit Type", "credit_type", CREDIT_TYPES)
    completed_on = Column("Completed On", "completed_on", DateCell())
    credits = Column("Credits", "credits", HoursCell())

    def before_import(self, dataset, **kwargs):
        super().before_import(dataset, **kwargs)
        heading = type(self).fields["activity_code"].column_name
        self.activities = selectors.activities_by_code(
            codes={(row.get(heading) or "").strip() for row in dataset.dict}
        )

    def check_row(self, row):
        errors = {}
        # A cell that could not be read (None) is already reported as it was written.
        row.learner = self.people.get(row.learner_email)
        if row.learner is None and row.learner_email is not None:
            errors["learner_email"] = [f"No one has the email {row.learner_email}."]
        row.activity = self.activities.get(row.activity_code)
        if row.activity is None and row.activity_code is not None:
            errors["activity_code"] = [f"No CME activity has the code {row.activity_code}."]
        return errors

    def write_row(self, row):
        return services.cme_credit_import(
            learner=row.learner,
            activity=row.activity,
            credit_type=self.credit_types[row.credit_type],
            completed_on=row.completed_on,
            credits=row.credits,
        )


# --- Transcript export -------------------------------------------------------------------------


class SpreadsheetTextWidget(widgets.Widget):
    """Text a spreadsheet shows as text: a cell starting like a formula gets a leading
    apostrophe, so that a title such as '=HYPERLINK(...)' is never run when the file opens."""

    def render(self, value, obj=None, **kwargs):
        return spreadsheet_text("" if value is None else str(value))


class CreditsWidget(widgets.Widget):
    def render(self, value, obj=None, **kwargs):
        return rules.format_credits(value)


class TranscriptResource(resources.ModelResource):
    completed_on = fields.Field("completed_on", "Completed On", widgets.DateWidget("%Y-%m-%d"))
    activity_code = fields.Field("activity__code", "Activity Code", SpreadsheetTextWidget())
    title = fields.Field("activity__title", "Title", SpreadsheetTextWidget())
    provider = fields.Field("activity__provider", "Provider", SpreadsheetTextWidget())
    credit_type = fields.Field("credit_type__name", "Credit Type", SpreadsheetTextWidget())
    credits = fields.Field("credits", "Credits", CreditsWidget())
    verification_code = fields.Field(
        "verification_code", "Verification Code", SpreadsheetTextWidget()
    )

    class Meta:
        model = CmeClaim
        fields = (
            "completed_on",
            "activity_code",
            "title",
            "provider",
            "credit_type",
            "credits",
            "verification_code",
        )
        export_order = fields


def transcript_csv(*, claims: list[CmeClaim]) -> bytes:
    """The transcript's claims as CSV, UTF-8 with a byte-order mark so that Excel reads it."""
    dataset: tablib.Dataset = TranscriptResource().export(queryset=claims)
    return ("\ufeff" + dataset.export("csv")).encode("utf-8")
