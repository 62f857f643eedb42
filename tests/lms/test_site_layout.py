"""The site frame: the main navigation's Menu button for phones (behaviour: tests/e2e)."""

import re

from django.contrib.staticfiles import finders
from django.urls import reverse


def test_navigation_has_a_menu_button_that_controls_the_list(client, trainee):
    client.force_login(trainee)
    html = client.get(reverse("dashboard")).content.decode()
    button = re.search(r"<button[^>]*class=\"nav-toggle\"[^>]*>Menu</button>", html)
    assert button, "no Menu button in the navigation"
    assert 'aria-expanded="false"' in button.group(0)
    assert 'aria-controls="nav-list"' in button.group(0)
    assert '<ul class="nav-list" id="nav-list">' in html
    # A static file (strict CSP: no inline script) that the site serves.
    assert '<script src="/static/js/site-nav.js" defer></script>' in html
    assert finders.find("js/site-nav.js")
