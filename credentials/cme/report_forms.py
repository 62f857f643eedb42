"""The CME office's report filters."""

from django import forms

from credentials.cme.models import CmeActivity
from lms.forms import PlainFormMixin


class PeriodForm(PlainFormMixin, forms.Form):
    """An activity (optional) and a period, both days included; read from the query string."""

    activity = forms.ModelChoiceField(
        queryset=CmeActivity.objects.order_by("code"),
        to_field_name="code",
        required=False,
        empty_label="Every activity",
        error_messages={"invalid_choice": "Choose an activity from the list."},
    )
    date_from = forms.DateField(
        label="From",
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"required": "Give the first day of the period."},
    )
    date_to = forms.DateField(
        label="To",
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"required": "Give the last day of the period."},
    )

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and end < start:
            raise forms.ValidationError("The “To” date is before the “From” date.")
        return cleaned
