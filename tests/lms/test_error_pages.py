"""403, 404 and 500 pages: styled like the site, saying what happened and where to go."""

import pytest
from django.test import Client
from django.urls import reverse

from tests.factories.people import make_mentor

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _production_errors(settings):
    settings.DEBUG = False


def test_403_shows_our_reason_and_where_to_go(client, trainer):
    client.force_login(trainer)
    response = client.get(reverse("courses:journal_list"))
    assert response.status_code == 403
    html = response.content.decode()
    assert "The journal is for trainees." in html
    assert 'href="/static/css/site.css"' in html
    assert f'href="{reverse("dashboard")}"' in html
    assert "You cannot open this page" in html


def test_403_for_a_mentor_on_the_progress_page_names_the_reason(client):
    client.force_login(make_mentor())
    response = client.get(reverse("credentials:progress"))
    assert response.status_code == 403
    assert "The progress page is for trainees" in response.content.decode()


@pytest.mark.urls("tests.lms.error_urls")
def test_403_hides_a_message_raised_outside_our_code(client, trainee):
    client.force_login(trainee)
    response = client.get("/test-errors/refuse/")
    assert response.status_code == 403
    html = response.content.decode()
    assert "You cannot open this page" in html
    assert "row 42" not in html


def test_404_is_styled_and_offers_a_way_back(client, trainee):
    client.force_login(trainee)
    response = client.get("/no-such-page-here/")
    assert response.status_code == 404
    html = response.content.decode()
    assert "Page not found" in html
    assert 'href="/static/css/site.css"' in html
    assert f'href="{reverse("dashboard")}"' in html


def test_404_for_a_visitor_offers_the_programmes(client):
    html = client.get("/no-such-page-here/").content.decode()
    assert "Page not found" in html
    assert 'href="/"' in html
    assert reverse("dashboard") + '"' not in html


@pytest.mark.urls("tests.lms.error_urls")
def test_500_renders_without_a_request_context(trainee):
    client = Client(raise_request_exception=False)
    client.force_login(trainee)
    response = client.get("/test-errors/fail/")
    assert response.status_code == 500
    html = response.content.decode()
    assert "Something went wrong on our side" in html
    assert 'href="/static/css/site.css"' in html
    # No navigation that would need the signed-in user (handler500 has no request context).
    assert "Sign in" not in html
