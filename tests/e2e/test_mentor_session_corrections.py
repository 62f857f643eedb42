"""A disputed mentor session put right on phones: the mentor disputes it through the "Dispute…"
disclosure, the trainee corrects it, the mentor confirms and then takes the confirmation back."""

import re

import pytest
from playwright.sync_api import expect

from credentials.models import MentorSession
from tests.e2e.conftest import PHONE_VIEWPORT
from tests.e2e.test_credential_journey import assert_fits_the_screen, someone_else
from tests.e2e.test_learning_journey import sign_in
from tests.factories.people import make_mentor, make_trainee
from tests.factories.records import make_mentor_session

pytestmark = pytest.mark.django_db(transaction=True)
BRAND = "rgb(31, 95, 139)"  # --brand: the primary action
DANGER = "rgb(164, 38, 44)"  # --danger


def background(locator) -> str:
    return locator.evaluate("element => getComputedStyle(element).backgroundColor")


def test_a_disputed_session_is_corrected_confirmed_and_taken_back(
    phone, browser, live_server, tmp_path
):
    trainee = make_trainee(first_name="Kofi", last_name="Boateng")
    mentor = make_mentor(first_name="Maria", last_name="Lopez", credential_held="PCC")
    make_mentor_session(trainee=trainee, mentor=mentor)
    phone_options = {"viewport": PHONE_VIEWPORT, "is_mobile": True, "has_touch": True}

    with someone_else(browser, live_server, **phone_options) as mentor_phone:
        sign_in(mentor_phone, mentor.email)
        mentor_phone.goto("/records/mentoring/led/")
        card = mentor_phone.page.get_by_role("article").filter(has_text="Kofi Boateng")
        expect(card).to_contain_text("1 hour, individual")
        # The reason box stays folded until the mentor chooses to dispute.
        expect(card.get_by_label("Reason")).to_be_hidden()
        mentor_phone.page.screenshot(path=tmp_path / "led-logged.png", full_page=True)
        card.locator("summary").filter(has_text="Dispute…").click()
        card.get_by_label("Reason").fill("We met for half an hour.")
        mentor_phone.check()
        # Confirm and dispute look different: the primary colour against the danger colour.
        assert background(card.get_by_role("button", name=re.compile(r"^Confirm"))) == BRAND
        assert background(card.get_by_role("button", name=re.compile(r"^Dispute"))) == DANGER
        mentor_phone.page.screenshot(path=tmp_path / "led-dispute-open.png", full_page=True)
        card.get_by_role("button", name=re.compile(r"^Dispute")).click()
        mentor_phone.page.wait_for_url(re.compile(r"/records/mentoring/led/$"))
        expect(mentor_phone.page.get_by_role("status")).to_contain_text("You disputed")

    sign_in(phone, trainee.email)
    phone.goto("/records/mentoring/")
    disputed = phone.page.get_by_role("region", name="Disputed by your mentor")
    expect(disputed).to_contain_text("We met for half an hour.")
    phone.page.screenshot(path=tmp_path / "trainee-disputed.png", full_page=True)
    disputed.get_by_role("link", name=re.compile(r"^Correct")).click()
    phone.check()
    expect(phone.page.locator("main")).to_contain_text("We met for half an hour.")
    phone.page.get_by_label("Hours", exact=True).fill("0.5")
    phone.page.get_by_role("button", name="Save and send to Maria Lopez").click()
    phone.page.wait_for_url(re.compile(r"/records/mentoring/$"))
    expect(phone.page.get_by_role("status")).to_contain_text("Session corrected")
    expect(phone.page.get_by_role("row", name=re.compile("Maria Lopez"))).to_contain_text("Waiting")
    assert_fits_the_screen(phone)

    with someone_else(browser, live_server, **phone_options) as mentor_phone:
        sign_in(mentor_phone, mentor.email)
        mentor_phone.goto("/records/mentoring/led/")
        card = mentor_phone.page.get_by_role("article").filter(has_text="Kofi Boateng")
        expect(card).to_contain_text("0.5 hours")
        card.get_by_role("button", name=re.compile(r"^Confirm")).click()
        mentor_phone.page.wait_for_url(re.compile(r"/records/mentoring/led/$"))
        card.locator("summary").filter(has_text="Take back confirmation…").click()
        card.get_by_label("Reason").fill("Confirmed too soon: the recording is missing.")
        mentor_phone.check()
        mentor_phone.page.screenshot(path=tmp_path / "led-undo-open.png", full_page=True)
        card.get_by_role("button", name=re.compile(r"^Take back confirmation")).click()
        mentor_phone.page.wait_for_url(re.compile(r"/records/mentoring/led/$"))
        expect(mentor_phone.page.get_by_role("status")).to_contain_text("took back")
        assert_fits_the_screen(mentor_phone)

    session = MentorSession.objects.get(trainee=trainee)
    assert session.status == "logged"
    assert [event.to_status for event in session.events.all()] == [
        "logged",
        "disputed",
        "logged",
        "confirmed",
        "logged",
    ]
