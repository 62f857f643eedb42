"""On a phone: a live module's next session with its join link and calendar file, and the way
on to the next module once one is complete."""

import re

import pytest
from icalendar import Calendar
from playwright.sync_api import expect

from courses.models import LiveSession
from courses.services import enrolment_create
from tests.e2e.test_credential_journey import assert_fits_the_screen
from tests.e2e.test_learning_journey import sign_in
from tests.factories.courses import make_cohort, make_live_session, make_programme, modules_of
from tests.factories.people import make_trainee

pytestmark = pytest.mark.django_db(transaction=True)


def test_trainee_joins_a_live_session_and_moves_on_to_the_next_module(phone, tmp_path):
    trainee = make_trainee(first_name="Ama", last_name="Mensah", time_zone="Europe/London")
    programme = make_programme(title="Team Coaching", modules=2, synchronous_every=2)
    cohort = make_cohort(programme=programme, name="Spring cohort")
    enrolment_create(trainee=trainee, programme=programme, invitation_code=cohort.invitation_code)
    first, live_module = modules_of(programme)
    session = make_live_session(module=live_module, cohort=cohort, days_ahead=5)
    LiveSession.objects.filter(pk=session.pk).update(join_url="https://video.example.org/r/42")

    sign_in(phone, trainee.email)
    phone.goto(first.url)
    phone.page.get_by_role("button", name="Mark as done").first.click()
    phone.page.get_by_role("button", name="Complete module").click()
    expect(phone.page.get_by_text("Module complete", exact=False)).to_be_visible()
    phone.check()
    next_link = phone.page.get_by_role("link", name=f"Next module: {live_module.title}")
    expect(next_link).to_be_visible()
    next_link.click()
    phone.page.wait_for_url(re.compile(re.escape(live_module.url) + "$"))
    phone.check()

    heading = phone.page.get_by_role("heading", name="Live sessions")
    live_card = phone.page.locator(".card", has=heading)
    expect(live_card).to_contain_text("(Europe/London)")
    join = live_card.get_by_role("link", name=re.compile(r"^Join"))
    expect(join).to_have_attribute("href", "https://video.example.org/r/42")
    live_card.scroll_into_view_if_needed()
    phone.page.screenshot(path=tmp_path / "live-module.png", full_page=True)
    assert_fits_the_screen(phone)

    with phone.page.expect_download() as download_info:
        live_card.get_by_role("link", name=re.compile(r"^Add to calendar")).click()
    ics = download_info.value.path().read_bytes()
    [event] = Calendar.from_ical(ics).walk("VEVENT")
    assert str(event["URL"]) == "https://video.example.org/r/42"
