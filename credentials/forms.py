"""Forms of the credentials pages: they parse what a person typed into plain values.

The rules (dates not in the future, group sizes, duplicates, file types) live in
credentials.services; views hand a service's ValidationError back with `add_service_error`.
"""

from django import forms

from credentials.models import Engagement
from credentials.validators import validate_certificate
from lms.forms import PlainFormMixin

DATE_MESSAGES = {
    "required": "Enter the date.",
    "invalid": "Enter a real date, for example 2025-03-31.",
}
HOURS_MESSAGES = {
    "required": "Enter the hours.",
    "invalid": "Enter the hours as a number, like 1.5.",
    "min_value": "Hours cannot be negative.",
    "max_digits": "That is more hours than anyone could coach. Check the number.",
    "max_whole_digits": "That is more hours than anyone could coach. Check the number.",
    "max_decimal_places": "Give hours to at most 2 decimal places, like 1.25.",
}


def date_field(label: str, **kwargs) -> forms.DateField:
    return forms.DateField(
        label=label,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages=DATE_MESSAGES,
        **kwargs,
    )


def hours_field(label: str, **kwargs) -> forms.DecimalField:
    kwargs.setdefault("max_digits", 7)
    return forms.DecimalField(
        label=label,
        min_value=0,
        decimal_places=2,
        widget=forms.NumberInput(attrs={"step": "0.25", "min": "0", "inputmode": "decimal"}),
        error_messages=HOURS_MESSAGES,
        **kwargs,
    )


def engagement_field() -> forms.ChoiceField:
    return forms.ChoiceField(
        label="Individual or group",
        choices=Engagement.choices,
        initial=Engagement.INDIVIDUAL,
        error_messages={"invalid_choice": "Choose individual or group."},
    )


def group_size_field(help_text: str) -> forms.IntegerField:
    return forms.IntegerField(
        label="Number in group",
        required=False,
        min_value=2,
        max_value=1000,
        help_text=help_text,
        error_messages={
            "invalid": "Enter the number of people as a whole number, like 4.",
            "min_value": "A group has at least 2 people.",
            "max_value": "Check the number of people in the group.",
        },
    )


class GroupSizeMixin:
    """The group size only means something for group work; individual rows have none."""

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("engagement") == Engagement.INDIVIDUAL:
            cleaned["group_size"] = None
        return cleaned


class CoachingLogEntryForm(GroupSizeMixin, PlainFormMixin, forms.Form):
    client_name = forms.CharField(
        label="Client name",
        max_length=120,
        help_text="A pseudonym or initials are enough: this is what your log list shows.",
        error_messages={"required": "Enter the client's name, a pseudonym or initials."},
    )
    client_contact = forms.CharField(
        label="Client contact",
        required=False,
        help_text="Optional. Email or phone, kept encrypted. Only your ICF export shows it.",
    )
    engagement = engagement_field()
    group_size = group_size_field("For group coaching only: how many people took part.")
    start_date = date_field("Start date")
    end_date = date_field("End date", help_text="The last session with this client so far.")
    paid_hours = hours_field("Paid hours", initial=0)
    pro_bono_hours = hours_field("Pro bono hours", initial=0)
    sponsor = forms.CharField(
        label="Sponsor organisation",
        max_length=200,
        required=False,
        help_text="Optional. The organisation that paid for the coaching, if any.",
    )
    notes = forms.CharField(
        label="Private notes",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Optional. Kept encrypted and never shown in lists.",
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if not editing:
            del self.fields["version"]

    def clean(self):
        cleaned = super().clean()
        # A hidden field's error would have nowhere to show: report it above the form.
        if "version" in self.fields and cleaned.get("version") is None:
            self.errors.pop("version", None)
            self.add_error(None, "This form is out of date. Reload the entry and try again.")
        return cleaned

    def entry_fields(self) -> dict:
        """Keyword arguments for the coaching log services."""
        return {name: value for name, value in self.cleaned_data.items() if name != "version"}


class MentorChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, mentor) -> str:
        credential = mentor.credential_held if mentor.credential_held != "none" else "no credential"
        return f"{mentor.get_full_name() or mentor.email} ({credential})"


class MentorSessionDetailsForm(GroupSizeMixin, PlainFormMixin, forms.Form):
    """What the session was; a trainee corrects these once the mentor disputes them."""

    date = date_field("Date of the session")
    hours = hours_field("Hours", max_digits=5)
    engagement = engagement_field()
    group_size = group_size_field("For group mentoring only: how many coaches took part.")


class MentorSessionForm(MentorSessionDetailsForm):
    field_order = ["mentor"]
    mentor = MentorChoiceField(
        label="Mentor",
        queryset=None,
        empty_label="Choose your mentor",
        error_messages={
            "required": "Choose the mentor who led the session.",
            "invalid_choice": "Choose a mentor from the list.",
        },
    )

    def __init__(self, *args, mentors, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["mentor"].queryset = mentors


class DisputeForm(PlainFormMixin, forms.Form):
    reason = forms.CharField(
        label="Reason",
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=2000,
        help_text="The trainee sees this, so they can correct the record.",
        error_messages={
            "required": "Say why you dispute this session, so the trainee can correct it."
        },
    )


class UnconfirmForm(PlainFormMixin, forms.Form):
    reason = forms.CharField(
        label="Reason",
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=2000,
        help_text="The trainee sees this. The session waits for your confirmation again.",
        error_messages={
            "required": "Say why you take back your confirmation, so the trainee knows."
        },
    )


class EducationRecordForm(PlainFormMixin, forms.Form):
    title = forms.CharField(
        label="Course title",
        max_length=200,
        error_messages={"required": "Enter the course title."},
    )
    provider = forms.CharField(
        label="Provider",
        max_length=200,
        error_messages={"required": "Enter who ran the course."},
    )
    completed_on = date_field("Completed on")
    hours = hours_field("Hours of coach-specific education", max_digits=6)
    synchronous_hours = hours_field(
        "Of which live (synchronous) hours",
        max_digits=6,
        initial=0,
        help_text="Hours spent live with the instructor, in person or online.",
    )
    certificate = forms.FileField(
        label="Certificate",
        help_text="A PDF, PNG or JPEG file of 5 MB or less.",
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.png,.jpg,.jpeg"}),
        validators=[validate_certificate],
        error_messages={
            "required": "Attach your certificate (PDF, PNG or JPEG).",
            "empty": "The certificate file is empty. Attach the real file.",
            "invalid": "Attach your certificate as a file.",
        },
    )


class SpreadsheetUploadForm(PlainFormMixin, forms.Form):
    spreadsheet = forms.FileField(
        label="Spreadsheet",
        help_text=(
            "A CSV or Excel (.xlsx) file in the ICF coaching log layout, such as ICF's own "
            "template. Nothing is saved until you confirm."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx"}),
        error_messages={
            "required": "Choose the spreadsheet to import.",
            "empty": "The file is empty. Choose the spreadsheet with your log in it.",
        },
    )
    date_order = forms.ChoiceField(
        label="Dates typed as text, like 03/04/2025, are",
        choices=[
            ("auto", "Not sure: refuse any date that could be read both ways"),
            ("dmy", "Day first, like 31/12/2025"),
            ("mdy", "Month first, like 12/31/2025"),
        ],
        initial="auto",
        required=False,
        widget=forms.RadioSelect,
        help_text="Dates as 2025-12-31 and Excel date cells are always read as they are.",
        error_messages={"invalid_choice": "Choose how your dates are written."},
    )

    def clean_date_order(self) -> str:
        return self.cleaned_data["date_order"] or "auto"
