"""Forms for mentors' availability and for booking. Times are typed in the person's own zone."""

from decimal import Decimal

from django import forms
from django.utils import timezone

from billing import booking_times
from billing.booking_models import ONE_TO_ONE_MINUTES, SlotKind

WEEKDAYS = [
    (0, "Monday"),
    (1, "Tuesday"),
    (2, "Wednesday"),
    (3, "Thursday"),
    (4, "Friday"),
    (5, "Saturday"),
    (6, "Sunday"),
]


class SlotTermsForm(forms.Form):
    """Kind, length, room and price. One-to-one and chemistry calls fill in what they fix."""

    kind = forms.ChoiceField(choices=SlotKind.choices, initial=SlotKind.ONE_TO_ONE)
    minutes = forms.IntegerField(
        required=False,
        min_value=1,
        label="Length in minutes",
        help_text="One-to-one: 55 minutes. Chemistry calls: 15 to 30. Circles: 30 to 180.",
    )
    capacity = forms.IntegerField(
        required=False, min_value=1, label="Places", help_text="Group circles only: 2 to 10."
    )
    credit_hours = forms.DecimalField(
        required=False,
        min_value=Decimal("0.25"),
        max_digits=5,
        decimal_places=2,
        label="Price in hours of credit",
        help_text="Group circles only. One-to-one costs 1 hour, chemistry calls are free.",
    )

    def terms(self) -> dict:
        data = self.cleaned_data
        kind = data["kind"]
        if kind == SlotKind.ONE_TO_ONE:
            return {"kind": kind, "minutes": ONE_TO_ONE_MINUTES, "capacity": 1, "credit_hours": 1}
        if kind == SlotKind.CHEMISTRY:
            return {
                "kind": kind,
                "minutes": data["minutes"] or 30,
                "capacity": 1,
                "credit_hours": Decimal(0),
            }
        return {
            "kind": kind,
            "minutes": data["minutes"] or 60,
            "capacity": data["capacity"] or 10,
            "credit_hours": data["credit_hours"] or Decimal(1),
        }


class SlotForm(SlotTermsForm):
    day = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))
    start = forms.TimeField(widget=forms.TimeInput(attrs={"type": "time"}), label="Start time")

    def __init__(self, *args, zone: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.zone = zone
        self.fields["start"].help_text = f"In your time zone, {zone}."

    def starts_at(self):
        return booking_times.local_to_utc(
            self.cleaned_data["day"], self.cleaned_data["start"], self.zone
        )


class WeeklyForm(SlotTermsForm):
    weekday = forms.TypedChoiceField(choices=WEEKDAYS, coerce=int, label="Every")
    local_time = forms.TimeField(widget=forms.TimeInput(attrs={"type": "time"}), label="Start time")
    starts_on = forms.DateField(
        widget=forms.DateInput(attrs={"type": "date"}), label="From", initial=timezone.localdate
    )

    def __init__(self, *args, zone: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields[
            "local_time"
        ].help_text = f"In your time zone, {zone}: it stays at this time when the clocks change."


class BookForm(forms.Form):
    """Which offer: a slot, or a weekly availability and the start of one of its occurrences."""

    slot = forms.IntegerField(required=False, widget=forms.HiddenInput)
    weekly = forms.IntegerField(required=False, widget=forms.HiddenInput)
    starts_at = forms.DateTimeField(required=False, widget=forms.HiddenInput)

    def clean(self):
        data = super().clean()
        if not data.get("slot") and not (data.get("weekly") and data.get("starts_at")):
            raise forms.ValidationError("Choose a time to book.")
        return data


class MentorCancelForm(forms.Form):
    reason = forms.CharField(
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Optional. The coach sees it in the email.",
    )
