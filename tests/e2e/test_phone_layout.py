"""The site at a phone's width (390 x 844): a Menu button instead of three rows of links, and wide
tables that scroll sideways with the row's name kept in view."""

import pytest
from playwright.sync_api import expect

from tests.e2e.test_learning_journey import sign_in
from tests.factories.courses import make_cohort, make_programme
from tests.factories.people import make_mentor, make_trainee, make_trainer
from tests.factories.records import make_log_entry, make_mentor_session

pytestmark = pytest.mark.django_db(transaction=True)


def main_nav_link(view, name: str):
    return view.page.get_by_role("navigation", name="Main").get_by_role("link", name=name)


def header_height(view) -> float:
    return view.page.locator(".site-header").bounding_box()["height"]


def test_navigation_folds_behind_a_menu_button_on_a_phone(phone, tmp_path):
    trainee = make_trainee(first_name="Ama", last_name="Mensah")
    sign_in(phone, trainee.email)
    page = phone.page
    menu = page.get_by_role("button", name="Menu")
    expect(menu).to_be_visible()
    expect(menu).to_have_attribute("aria-expanded", "false")
    expect(main_nav_link(phone, "Coaching log")).to_be_hidden()
    # One row: the brand and the button.
    assert header_height(phone) < 80
    page.screenshot(path=tmp_path / "nav-closed.png")

    menu.click()
    expect(menu).to_have_attribute("aria-expanded", "true")
    expect(main_nav_link(phone, "Coaching log")).to_be_visible()
    phone.check()
    page.screenshot(path=tmp_path / "nav-open.png")

    page.keyboard.press("Escape")
    expect(menu).to_have_attribute("aria-expanded", "false")
    expect(menu).to_be_focused()

    menu.click()
    main_nav_link(phone, "Coaching log").click()
    page.wait_for_url("**/records/log/")
    expect(page.get_by_role("heading", name="My coaching log")).to_be_visible()


def test_navigation_stays_open_on_a_wide_screen(web):
    trainee = make_trainee()
    sign_in(web, trainee.email)
    expect(web.page.get_by_role("button", name="Menu")).to_be_hidden()
    expect(main_nav_link(web, "Coaching log")).to_be_visible()


def test_coaching_log_scrolls_sideways_and_keeps_the_client_in_view(phone, tmp_path):
    trainee = make_trainee()
    mentor = make_mentor(first_name="Grace", last_name="Okafor")
    for number in range(3):
        make_log_entry(trainee=trainee, client_name=f"Dr Client Number {number}")
    make_mentor_session(trainee=trainee, mentor=mentor)
    sign_in(phone, trainee.email)
    page = phone.page
    phone.goto("/records/log/")
    region = page.get_by_role("region", name="Coaching log, newest first")
    page.screenshot(path=tmp_path / "log.png", full_page=True)
    # The table is wider than the phone, its region scrolls, the page itself does not.
    assert region.evaluate("el => el.scrollWidth > el.clientWidth")
    assert page.evaluate(
        "document.documentElement.scrollWidth <= document.documentElement.clientWidth"
    )
    client_cell = page.get_by_role("rowheader", name="Dr Client Number 0")
    before = client_cell.bounding_box()["x"]
    region.focus()
    region.evaluate("el => { el.scrollLeft = el.scrollWidth; }")
    page.screenshot(path=tmp_path / "log-scrolled.png", full_page=True)
    assert client_cell.bounding_box()["x"] == pytest.approx(before, abs=1)
    # The right-hand column came into view beside it.
    edit = page.get_by_role("link", name="Edit Dr Client Number 0", exact=False)
    box = edit.bounding_box()
    assert box["x"] + box["width"] <= 390

    phone.goto("/records/mentoring/")
    page.screenshot(path=tmp_path / "mentor-sessions.png", full_page=True)


def test_progress_page_award_picker_fits_a_phone(phone):
    # The award picker lists the pathways' full award titles, longer than a phone is wide.
    trainee = make_trainee()
    sign_in(phone, trainee.email)
    phone.goto("/progress/")
    picker = phone.page.get_by_label("Award")
    expect(picker).to_be_visible()
    assert picker.bounding_box()["x"] + picker.bounding_box()["width"] <= 390
    assert phone.page.evaluate(
        "document.documentElement.scrollWidth <= document.documentElement.clientWidth"
    )


def list_markers(view, selector: str) -> set[str]:
    return set(
        view.page.locator(selector).evaluate_all(
            "items => items.map(item => getComputedStyle(item).listStyleType)"
        )
    )


def test_dashboard_buttons_and_cards_carry_no_bullets(web):
    # Lists laid out as a row of buttons or a grid of cards are not bulleted lists.
    trainer = make_trainer()
    make_cohort(programme=make_programme(modules=1), trainers=[trainer])
    sign_in(web, trainer.email)
    assert list_markers(web, ".dashboard-trainer ul.grid > li") == {"none"}

    web.page.context.clear_cookies()
    sign_in(web, make_trainee().email)
    assert list_markers(web, "#records-title ~ ul.cluster > li") == {"none"}
