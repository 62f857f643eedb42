"""Rubrics are built by programme admins in the Wagtail back office, criteria inline."""

from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from courses.grading.models import Rubric


class RubricViewSet(SnippetViewSet):
    model = Rubric
    icon = "list-ol"
    menu_label = "Rubrics"
    menu_order = 220
    add_to_admin_menu = True
    list_display = ["name", "min_level", "min_marker_percent"]
    search_fields = ["name"]


register_snippet(RubricViewSet)
