"""StreamField blocks of a module page.

Blocks that a trainee must finish carry a `required` flag; `COMPLETABLE_BLOCK_TYPES` lists the
block types that can be marked done. A reflection prompt is done once the trainee has written a
journal entry for it. The activity block is the extension point for later work (assignments,
quizzes): new kinds are added to ActivityKind.
"""

from django.db import models
from wagtail import blocks
from wagtail.documents.blocks import DocumentChooserBlock


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


COMPLETABLE_BLOCK_TYPES = frozenset({"video", "resource", "reflection_prompt", "activity"})
