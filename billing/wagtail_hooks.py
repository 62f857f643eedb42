"""Bundles are edited in Wagtail as snippets (the catalogue)."""

from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from billing.models import Bundle


class BundleViewSet(SnippetViewSet):
    model = Bundle
    icon = "tag"
    menu_label = "Bundles"
    add_to_admin_menu = True
    list_display = ["name", "hours", "kind", "price_display", "validity_months", "active"]
    list_filter = ["kind", "active"]


register_snippet(BundleViewSet)
