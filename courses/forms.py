"""Forms of the courses pages. They only shape input; the services decide what is allowed."""

from django import forms

from courses.models import EnrolmentPolicy, JournalEntry, ProgrammePage


class EnrolmentForm(forms.Form):
    invitation_code = forms.CharField(
        label="Invitation code",
        max_length=32,
        required=False,
        strip=True,
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters"}),
    )

    def __init__(self, *args, programme: ProgrammePage, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["invitation_code"]
        if programme.enrolment_policy == EnrolmentPolicy.INVITATION:
            field.required = True
            field.error_messages["required"] = (
                "This programme is by invitation: enter your invitation code."
            )
            field.help_text = "Your programme team sent you this code."
        else:
            field.help_text = "Optional. Enter it if your programme team gave you one."


class JournalEntryForm(forms.ModelForm):
    class Meta:
        model = JournalEntry
        fields = ["title", "body"]
        labels = {"title": "Title", "body": "Your entry"}
        help_texts = {"body": "Private: only you can ever read your journal."}


class ReflectionForm(forms.Form):
    body = forms.CharField(
        label="Your reflection",
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"required": "Write your reflection before saving it."},
    )


class AttendanceForm(forms.Form):
    attended = forms.TypedMultipleChoiceField(
        label="Attended",
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, register, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["attended"]
        field.choices = [(row.trainee.pk, str(row.trainee)) for row in register]
        if not self.is_bound:
            field.initial = [row.trainee.pk for row in register if row.attended]
