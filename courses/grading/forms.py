"""Forms of grading pages: they shape input; the services decide what is allowed."""

from django import forms

from courses.grading import rules
from courses.grading.models import DECISIONS, Competency


class SubmissionForm(forms.Form):
    text = forms.CharField(
        label="Your answer", widget=forms.Textarea(attrs={"rows": 10}), required=False
    )
    document = forms.FileField(
        label="Document (PDF, Word or text file)",
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.docx,.txt"}),
    )
    recording = forms.FileField(
        label="Recording of the session",
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "audio/*,video/*"}),
    )
    transcript = forms.FileField(
        label="Transcript (.docx or .txt)",
        required=False,
        help_text=(
            "One speaker per line, starting “Coach:” or “Client:”, with a time stamp such as "
            "[00:01:23] wherever the speaker changes. PDF transcripts are not accepted."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".docx,.txt"}),
    )
    consent = forms.BooleanField(
        label="My client gave me written permission to record this session and share it for "
        "assessment.",
        required=False,
    )

    def __init__(self, *args, assignment, **kwargs):
        super().__init__(*args, **kwargs)
        if assignment.block_type == "recorded_session":
            for name in ("text", "document"):
                del self.fields[name]
        else:
            for name in ("recording", "transcript", "consent"):
                del self.fields[name]
            if assignment.answer == "text":
                del self.fields["document"]
            elif assignment.answer == "file":
                del self.fields["text"]


class QuizForm(forms.Form):
    def __init__(self, *args, assignment, **kwargs):
        super().__init__(*args, **kwargs)
        for index, question in enumerate(assignment.questions):
            self.fields[f"q{index}"] = forms.TypedChoiceField(
                label=question["question"],
                choices=list(enumerate(question["choices"])),
                coerce=int,
                widget=forms.RadioSelect,
                error_messages={"required": "Choose an answer."},
            )

    def answers(self) -> list[int]:
        return [self.cleaned_data[name] for name in self.fields]


class ObservationForm(forms.Form):
    line_number = forms.IntegerField(min_value=1, label="Transcript line")
    criterion = forms.IntegerField(label="Marker")
    observed = forms.TypedChoiceField(
        choices=[("1", "Observed"), ("0", "Missed")],
        coerce=lambda v: v == "1",
        widget=forms.RadioSelect,
        initial="1",
    )
    comment = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))


class GradeForm(forms.Form):
    overall_feedback = forms.CharField(
        label="Overall feedback", widget=forms.Textarea(attrs={"rows": 5})
    )
    decision = forms.ChoiceField(
        choices=[
            (DECISIONS[0].value, "Pass"),
            (DECISIONS[1].value, "Request a revision"),
            (DECISIONS[2].value, "Not passed"),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": "Choose a decision."},
    )
    reason = forms.CharField(
        label="Why is the grade changed?", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, criteria, competencies, **kwargs):
        super().__init__(*args, **kwargs)
        self.level_criteria = [c for c in criteria if not c.is_marker]
        for criterion in self.level_criteria:
            self.fields[f"level_{criterion.pk}"] = forms.ChoiceField(
                label=criterion.title,
                choices=[("", "Choose a level"), *rules.LEVELS],
                required=False,
            )
            self.fields[f"comment_{criterion.pk}"] = forms.CharField(
                label=f"Comment on “{criterion.title}”",
                required=False,
                widget=forms.Textarea(attrs={"rows": 2}),
            )
        self.competencies = competencies
        for competency in competencies:
            self.fields[f"competency_{competency}"] = forms.CharField(
                label=f"Feedback on {Competency(competency).label}",
                required=False,
                widget=forms.Textarea(attrs={"rows": 3}),
            )

    def scores(self) -> dict:
        data = self.cleaned_data
        return {
            "levels": {
                c.pk: data[f"level_{c.pk}"] for c in self.level_criteria if data[f"level_{c.pk}"]
            },
            "comments": {c.pk: data[f"comment_{c.pk}"] for c in self.level_criteria},
            "competency_feedback": {c: data[f"competency_{c}"] for c in self.competencies},
            "overall_feedback": data["overall_feedback"],
        }

    def level_rows(self):
        return [(c, self[f"level_{c.pk}"], self[f"comment_{c.pk}"]) for c in self.level_criteria]

    def competency_rows(self):
        return [self[f"competency_{c}"] for c in self.competencies]
