"""Branding: the back office is called Coach Academy, loads nothing from Gravatar, and the site
has a favicon."""

import pytest
from django.contrib.staticfiles import finders
from django.urls import reverse
from wagtail.models import Site

pytestmark = pytest.mark.django_db


def test_the_default_site_is_named_coach_academy():
    assert Site.objects.get(is_default_site=True).site_name == "Coach Academy"


def test_back_office_greets_with_the_site_name_and_no_gravatar(client, programme_admin):
    client.force_login(programme_admin)
    response = client.get("/cms/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Coach Academy" in html
    assert "localhost" not in html
    assert "gravatar" not in html.lower()


def test_favicon_is_linked_and_answered_at_the_usual_address(client):
    html = client.get(reverse("login")).content.decode()
    assert '<link rel="icon" href="/static/favicon.svg" type="image/svg+xml">' in html
    response = client.get("/favicon.ico")
    assert response.status_code == 302
    assert response.url == "/static/favicon.svg"
    assert finders.find("favicon.svg")
