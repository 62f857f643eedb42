"""StreamField blocks of a module page.

Blocks that a trainee must finish carry a `required` flag; `COMPLETABLE_BLOCK_TYPES` lists the
block types that can be marked done. A reflection prompt is done once the trainee has written a
journal entry for it. The activity block is the extension point for later work (assignments,
quizzes): new kinds are added to ActivityKind.
"""

from django.core.exceptions import ValidationError
from django.db import models
from wagtail import blocks
from wagtail.documents.blocks import DocumentChooserBlock
from wagtail.snippets.blocks import SnippetChooserBlock


class ActivityKind(models.TextChoices):
    PRACTICE = "practice", "Practice exercise"
    ROLE_PLAY = "role_play", "Role play with a peer"
    DISCUSSION = "discussion", "Group discussion"


class VideoBlock(blocks.StructBlock):
    title = blocks.CharBlock(max_length=200)
    url = blocks.URLBlock(help_text="YouTube, Vimeo, or a direct link to an .mp4/.webm file.")
    transcript = blocks.TextBlock(help_text="Full transcript, for accessibility and search.")
    required = blocks.BooleanBlock(required=False, default=True, help_text="Must be watched.")

    class Meta:
        icon = "media"
        template = "courses/blocks/video.html"


class ResourceBlock(blocks.StructBlock):
    title = blocks.CharBlock(max_length=200)
    document = DocumentChooserBlock()
    description = blocks.TextBlock(required=False)
    required = blocks.BooleanBlock(required=False, default=False)

    class Meta:
        icon = "doc-full"
        template = "courses/blocks/resource.html"


class ReflectionPromptBlock(blocks.StructBlock):
    prompt = blocks.TextBlock(help_text="A question the trainee answers in their private journal.")
    required = blocks.BooleanBlock(required=False, default=True)

    class Meta:
        icon = "edit"
        template = "courses/blocks/reflection_prompt.html"


class KeyPointsBlock(blocks.StructBlock):
    heading = blocks.CharBlock(max_length=200, default="Key points")
    points = blocks.ListBlock(blocks.CharBlock(max_length=300))
    tip = blocks.TextBlock(required=False, help_text="A one-line tip to use in practice.")

    class Meta:
        icon = "list-ul"
        template = "courses/blocks/key_points.html"


class ActivityBlock(blocks.StructBlock):
    title = blocks.CharBlock(max_length=200)
    kind = blocks.ChoiceBlock(choices=ActivityKind.choices, default=ActivityKind.PRACTICE)
    instructions = blocks.RichTextBlock(features=["bold", "italic", "ol", "ul", "link"])
    required = blocks.BooleanBlock(required=False, default=True)

    class Meta:
        icon = "tasks"
        template = "courses/blocks/activity.html"


class AnswerForm(models.TextChoices):
    TEXT = "text", "Written answer"
    FILE = "file", "Document (PDF, Word or text file)"
    EITHER = "either", "Written answer or document"


class WrittenAssignmentBlock(blocks.StructBlock):
    """Graded against a rubric; the module is complete once the work has passed."""

    title = blocks.CharBlock(max_length=200)
    instructions = blocks.RichTextBlock(features=["bold", "italic", "ol", "ul", "link"])
    answer = blocks.ChoiceBlock(choices=AnswerForm.choices, default=AnswerForm.EITHER)
    rubric = SnippetChooserBlock("courses.Rubric")
    required = blocks.BooleanBlock(required=False, default=True)
    blind = blocks.BooleanBlock(
        required=False,
        default=False,
        help_text="Markers see an anonymous id instead of the trainee's name until the grade "
        "is released.",
    )

    class Meta:
        icon = "doc-full-inverse"
        template = "courses/blocks/graded.html"


class RecordedSessionBlock(blocks.StructBlock):
    """A performance evaluation: a recorded coaching session with its transcript."""

    title = blocks.CharBlock(max_length=200)
    instructions = blocks.RichTextBlock(features=["bold", "italic", "ol", "ul", "link"])
    level = blocks.ChoiceBlock(
        choices=[("ACC", "ACC"), ("PCC", "PCC"), ("MCC", "MCC")], default="PCC"
    )
    min_minutes = blocks.IntegerBlock(default=20, min_value=1, max_value=240)
    max_minutes = blocks.IntegerBlock(default=60, min_value=1, max_value=240)
    rubric = SnippetChooserBlock("courses.Rubric")
    required = blocks.BooleanBlock(required=False, default=True)
    blind = blocks.BooleanBlock(
        required=False,
        default=False,
        help_text="Markers see an anonymous id instead of the trainee's name until the grade "
        "is released.",
    )
    moderated = blocks.BooleanBlock(
        required=False,
        default=False,
        help_text="Two independent markers grade it; a third marker or the cohort's lead "
        "trainer decides when they disagree.",
    )
    moderation_threshold = blocks.IntegerBlock(
        default=10,
        min_value=0,
        max_value=100,
        help_text="The markers agree when they reach the same decision and their scores differ "
        "by at most this many percentage points.",
    )

    class Meta:
        icon = "media"
        template = "courses/blocks/graded.html"

    def clean(self, value):
        value = super().clean(value)
        if value["min_minutes"] > value["max_minutes"]:
            raise blocks.StructBlockValidationError(
                {"max_minutes": ValidationError("Must be at least the shortest length.")}
            )
        return value


class QuizQuestionBlock(blocks.StructBlock):
    question = blocks.CharBlock(max_length=500)
    choices = blocks.ListBlock(blocks.CharBlock(max_length=300), min_num=2)
    correct = blocks.IntegerBlock(
        min_value=1, help_text="The number of the right choice (1 = first)."
    )

    def clean(self, value):
        value = super().clean(value)
        if value["correct"] > len(value["choices"]):
            raise blocks.StructBlockValidationError(
                {"correct": ValidationError("There is no choice with that number.")}
            )
        return value


class QuizBlock(blocks.StructBlock):
    """A knowledge check, graded automatically."""

    title = blocks.CharBlock(max_length=200)
    pass_mark = blocks.IntegerBlock(default=80, min_value=0, max_value=100, help_text="Percent.")
    max_attempts = blocks.IntegerBlock(default=3, min_value=1, max_value=20)
    questions = blocks.ListBlock(QuizQuestionBlock(), min_num=1)
    required = blocks.BooleanBlock(required=False, default=True)

    class Meta:
        icon = "help"
        template = "courses/blocks/graded.html"


class ModuleBodyBlock(blocks.StreamBlock):
    text = blocks.RichTextBlock(
        features=["h2", "h3", "bold", "italic", "ol", "ul", "link", "blockquote"],
        template="courses/blocks/text.html",
    )
    video = VideoBlock()
    resource = ResourceBlock()
    reflection_prompt = ReflectionPromptBlock()
    key_points = KeyPointsBlock()
    activity = ActivityBlock()
    written_assignment = WrittenAssignmentBlock()
    recorded_session = RecordedSessionBlock()
    quiz = QuizBlock()


# Done only when the work has passed (courses.grading), never by "mark as done".
GRADED_BLOCK_TYPES = frozenset({"written_assignment", "recorded_session", "quiz"})
COMPLETABLE_BLOCK_TYPES = (
    frozenset({"video", "resource", "reflection_prompt", "activity"}) | GRADED_BLOCK_TYPES
)
