"""Graded assignments, recordings and transcripts for grading tests (and the demo's shapes)."""

from django.core.files.uploadedfile import SimpleUploadedFile

from courses.grading.demo import wav_bytes
from courses.grading.models import Rubric
from courses.grading.seed import ICF_RUBRIC, REFLECTIVE_RUBRIC
from courses.models import ModulePage
from tests.factories.courses import make_programme, modules_of


def icf_rubric() -> Rubric:
    return Rubric.objects.get(name=ICF_RUBRIC)


def reflective_rubric() -> Rubric:
    return Rubric.objects.get(name=REFLECTIVE_RUBRIC)


def recording(*, minutes: float = 25, name: str = "session.wav") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, wav_bytes(seconds=int(minutes * 60)), "audio/wav")


TRANSCRIPT = """[00:00:05] Coach: Hello Sam, what would you like to work on today?
[00:00:20] Client: I want to plan a difficult conversation with my team.
Client: That has been on my mind for weeks.
[00:01:10] Coach: What would make this session worthwhile for you?
[00:02:00] Client: Knowing my first sentence.
"""


def transcript(text: str = TRANSCRIPT, name: str = "transcript.txt") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, text.encode(), "text/plain")


def graded_module(
    *,
    level: str = "PCC",
    min_minutes: int = 20,
    max_minutes: int = 60,
    blind: bool = False,
    moderated: bool = False,
    moderation_threshold: int = 10,
):
    """A programme whose first module holds a performance evaluation, a written assignment and
    a quiz (ids "rec", "essay" and "quiz"), and nothing else to do."""
    programme = make_programme(modules=1, required_blocks=0)
    module = modules_of(programme)[0]
    blocks = [
        (
            "recorded_session",
            {
                "title": "Recorded session",
                "instructions": "<p>Record a session.</p>",
                "level": level,
                "min_minutes": min_minutes,
                "max_minutes": max_minutes,
                "rubric": icf_rubric().pk,
                "required": True,
                "blind": blind,
                "moderated": moderated,
                "moderation_threshold": moderation_threshold,
            },
            "rec",
        ),
        (
            "written_assignment",
            {
                "title": "Reflective essay",
                "instructions": "<p>Write.</p>",
                "answer": "either",
                "rubric": reflective_rubric().pk,
                "required": True,
                "blind": blind,
            },
            "essay",
        ),
        (
            "quiz",
            {
                "title": "Check your knowledge",
                "pass_mark": 50,
                "max_attempts": 2,
                "questions": [
                    {"question": "How many competencies?", "choices": ["6", "8"], "correct": 2},
                    {"question": "Who leads?", "choices": ["Client", "Coach"], "correct": 1},
                ],
                "required": True,
            },
            "quiz",
        ),
    ]
    module.body = [{"type": kind, "value": value, "id": id_} for kind, value, id_ in blocks]
    module.save_revision().publish()
    return programme, ModulePage.objects.get(pk=module.pk)
