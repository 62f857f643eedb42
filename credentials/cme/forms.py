"""The learner's CME forms: the activity's evaluation and the claim of credit."""

from decimal import Decimal

from django import forms

from credentials.cme import rules
from credentials.cme.selectors import ClaimOption
from lms.forms import PlainFormMixin

RATINGS = [(value, str(value)) for value in range(1, 6)]
YES_NO = [("yes", "Yes"), ("no", "No")]


def _rating(label: str, help_text: str = "", required: bool = True) -> forms.TypedChoiceField:
    return forms.TypedChoiceField(
        label=label,
        choices=RATINGS,
        coerce=int,
        widget=forms.RadioSelect,
        required=required,
        help_text=help_text,
        error_messages={"required": "Choose a number from 1 to 5."},
    )


class EvaluationForm(PlainFormMixin, forms.Form):
    confidence_before = _rating(
        "Before the activity, how confident were you in the skills it covers?",
        "1 is not at all confident, 5 is fully confident.",
    )
    confidence_after = _rating("And now, after it?")
    intends_change = forms.TypedChoiceField(
        label="Will you change anything in your practice because of this activity?",
        choices=YES_NO,
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
        error_messages={"required": "Choose yes or no."},
    )
    change_description = forms.CharField(
        label="What will you change?",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Needed if you answered yes.",
    )

    def __init__(self, *args, activity, questions, **kwargs):
        super().__init__(*args, **kwargs)
        if activity.wellbeing_question:
            self.fields["wellbeing_before"] = _rating(
                f"{activity.wellbeing_question} (before the activity)", "1 low, 5 high."
            )
            self.fields["wellbeing_after"] = _rating(
                f"{activity.wellbeing_question} (after the activity)"
            )
        self.questions = list(questions)
        for question in self.questions:
            self.fields[f"question_{question.pk}"] = forms.CharField(
                label=question.prompt,
                max_length=2000,
                widget=forms.Textarea(attrs={"rows": 2}),
                error_messages={"required": "Answer this question."},
            )

    def service_arguments(self) -> dict:
        data = dict(self.cleaned_data)
        answers = {str(q.pk): data.pop(f"question_{q.pk}") for q in self.questions}
        return {**data, "answers": answers}


class ClaimForm(PlainFormMixin, forms.Form):
    credits = forms.TypedChoiceField(label="Credit to claim", coerce=Decimal, empty_value=None)

    def __init__(self, *args, option: ClaimOption, **kwargs):
        super().__init__(*args, **kwargs)
        unit = option.offer.credit_type.unit
        field = self.fields["credits"]
        field.label = f"{option.offer.credit_type.name}: how many {unit}?"
        field.choices = [("", "Choose")] + [
            (rules.format_credits(choice), rules.format_credits(choice))
            for choice in option.choices
        ]
        field.help_text = (
            f"In steps of {rules.format_credits(option.offer.credit_type.increment)}, up to "
            f"{rules.format_credits(option.choices[-1]) if option.choices else 0} {unit}."
        )
        field.error_messages = {
            "required": f"Choose how many {unit} to claim.",
            "invalid_choice": f"Choose one of the amounts listed: at most "
            f"{rules.format_credits(option.offer.max_credits)} {unit}.",
        }
        self.option = option


class TranscriptFilterForm(PlainFormMixin, forms.Form):
    date_from = forms.DateField(
        label="From", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label="To", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and end < start:
            raise forms.ValidationError("The “To” date is before the “From” date.")
        return cleaned
