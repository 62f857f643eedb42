"""Cohorts and live sessions are managed by programme admins in the Wagtail back office.

Journal entries are deliberately absent: they are private to their author.
"""

from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from courses.models import Cohort, LiveSession


class CohortViewSet(SnippetViewSet):
    model = Cohort
    icon = "group"
    menu_label = "Cohorts"
    menu_order = 200
    add_to_admin_menu = True
    list_display = ["name", "programme", "invitation_code", "starts_on"]
    list_filter = ["programme"]
    search_fields = ["name", "invitation_code"]


class LiveSessionViewSet(SnippetViewSet):
    model = LiveSession
    icon = "date"
    menu_label = "Live sessions"
    menu_order = 210
    add_to_admin_menu = True
    list_display = ["module", "cohort", "starts_at", "ends_at", "location"]
    list_filter = ["cohort"]


register_snippet(CohortViewSet)
register_snippet(LiveSessionViewSet)

# Rubrics (courses.grading) register their own snippet.
from courses.grading import wagtail_hooks as _grading_hooks  # noqa: E402, F401
