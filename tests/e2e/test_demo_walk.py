"""The README's "Roles and demo logins", walked in Chromium on nothing but `seed_demo`'s data.

For every role: sign in with the published demo login, see the waiting work on the dashboard,
follow its links. The trainee and the mentor walk at a phone's size. Every page is checked with
axe-core and for CSP violations (tests/e2e/conftest.py).
"""

import re

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from courses.models import ModulePage
from credentials.models import ApplicationStatus, CredentialApplication, MentorSession
from lms.demo import DEMO_PASSWORD
from tests.e2e.test_credential_journey import assert_fits_the_screen
from tests.e2e.test_learning_journey import sign_in

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def demo(transactional_db):
    call_command("seed_demo", verbosity=0)


def dashboard_section(view, heading: str):
    return view.page.locator("section").filter(
        has=view.page.get_by_role("heading", name=heading, level=2)
    )


def test_programme_admin_opens_the_waiting_application_and_education(demo, web):
    sign_in(web, "admin@demo.coach", DEMO_PASSWORD)
    waiting = dashboard_section(web, "Waiting for review")
    expect(waiting).to_contain_text("1 credential application to review")
    expect(waiting).to_contain_text("1 education record to review")

    waiting.get_by_role("link", name="Review applications").click()
    web.page.wait_for_url(re.compile(r"/applications/$"))
    web.check()
    web.page.get_by_role("link", name=re.compile("Omar Haddad")).click()
    web.page.wait_for_url(re.compile(r"/applications/\d+/$"))
    web.check()
    expect(web.page.get_by_role("heading", level=1)).to_contain_text("Omar Haddad")
    web.page.get_by_role("button", name="Start review").click()
    web.page.wait_for_url(re.compile(r"/applications/\d+/$"))
    web.check()
    expect(web.page.get_by_role("status")).to_contain_text("now under review")
    application = CredentialApplication.objects.get(trainee__email="omar.haddad@demo.coach")
    assert application.status == ApplicationStatus.UNDER_REVIEW

    web.goto("/dashboard/")
    waiting = dashboard_section(web, "Waiting for review")
    waiting.get_by_role("link", name="Review education records").click()
    web.page.wait_for_url(re.compile(r"/django-admin/credentials/educationrecord/\?status"))
    # Not run through axe: Django's own admin breadcrumbs fail link-in-text-block (its styles).
    expect(web.page.locator("#result_list")).to_contain_text(
        "Motivational interviewing for clinicians"
    )


def test_trainer_takes_the_register_and_opens_the_cohort_and_a_trainee(demo, web):
    sign_in(web, "trainer@demo.coach", DEMO_PASSWORD)
    registers = dashboard_section(web, "Registers to take")
    expect(registers).to_contain_text("1 live session ended with no attendance recorded")
    expect(registers).to_contain_text("Burnout and resilience coaching")

    registers.get_by_role("link", name=re.compile("Record attendance")).click()
    web.page.wait_for_url(re.compile(r"/trainer/sessions/\d+/attendance/$"))
    web.check()
    web.page.get_by_label("Sam Oduya").check()
    web.page.get_by_role("button", name="Save attendance").click()
    web.page.wait_for_load_state("load")
    web.check()

    web.goto("/dashboard/")
    expect(dashboard_section(web, "Registers to take")).to_contain_text(
        "Every live session that has ended has its attendance recorded"
    )
    cohorts = dashboard_section(web, "My cohorts")
    expect(cohorts).to_contain_text("4 trainees")
    cohorts.get_by_role("link", name="Spring 2026 cohort").click()
    web.page.wait_for_url(re.compile(r"/trainer/cohorts/\d+/$"))
    web.check()
    # Two sessions are still to come, online.
    expect(web.page.locator("main")).to_contain_text("Online")
    web.page.get_by_role("link", name="Sam Oduya").click()
    web.page.wait_for_load_state("load")
    web.check()
    expect(web.page.get_by_role("heading", level=1)).to_contain_text("Sam Oduya")


def test_mentor_confirms_a_waiting_session_on_a_phone(demo, phone):
    sign_in(phone, "mentor@demo.coach", DEMO_PASSWORD)
    mentoring = dashboard_section(phone, "Mentor coaching")
    expect(mentoring).to_contain_text("2 sessions to confirm")
    assert_fits_the_screen(phone)

    mentoring.get_by_role("link", name="Sessions I led").click()
    phone.page.wait_for_url(re.compile(r"/records/mentoring/led/$"))
    phone.check()
    expect(phone.page.locator("main")).to_contain_text("Lena Fischer")
    waiting = (
        phone.page.get_by_role("article")
        .filter(has_text="Priya Shah")
        .filter(has=phone.page.get_by_role("button", name=re.compile(r"^Confirm")))
    )
    expect(waiting).to_have_count(2)
    waiting.first.get_by_role("button", name=re.compile(r"^Confirm")).click()
    phone.page.wait_for_url(re.compile(r"/records/mentoring/led/$"))
    phone.check()
    expect(phone.page.get_by_role("status")).to_contain_text(
        "You confirmed the session with Priya Shah"
    )
    assert_fits_the_screen(phone)

    phone.goto("/dashboard/")
    expect(dashboard_section(phone, "Mentor coaching")).to_contain_text("1 session to confirm")
    assert (
        MentorSession.objects.filter(trainee__email="trainee@demo.coach")
        .filter(status="confirmed")
        .count()
        == 1
    )


def test_trainee_opens_progress_log_mentoring_and_the_next_module_on_a_phone(demo, phone):
    sign_in(phone, "trainee@demo.coach", DEMO_PASSWORD)
    learning = dashboard_section(phone, "My learning")
    expect(learning).to_contain_text("3 of 8 modules done")
    assert_fits_the_screen(phone)

    learning.get_by_role("link", name="See my progress").click()
    phone.page.wait_for_url(re.compile(r"/progress/"))
    phone.check()
    expect(phone.page.get_by_role("heading", name="Not ready yet")).to_be_visible()
    assert_fits_the_screen(phone)

    phone.goto("/dashboard/")
    dashboard_section(phone, "My learning").get_by_role("link", name="Coaching log").click()
    phone.page.wait_for_url(re.compile(r"/records/log/$"))
    phone.check()
    for client in ("Jonah", "Keira", "Luis"):
        expect(phone.page.get_by_role("rowheader", name=client)).to_be_attached()
    assert_fits_the_screen(phone)

    phone.goto("/dashboard/")
    dashboard_section(phone, "My learning").get_by_role("link", name="Mentor coaching").click()
    phone.page.wait_for_url(re.compile(r"/records/mentoring/$"))
    phone.check()
    expect(phone.page.get_by_role("row", name=re.compile("Daniel Reyes"))).to_have_count(2)
    expect(phone.page.locator("main")).to_contain_text("Waiting for the mentor")
    assert_fits_the_screen(phone)

    phone.goto("/dashboard/")
    dashboard_section(phone, "My learning").get_by_role(
        "link", name="Continue: Active listening"
    ).click()
    phone.page.wait_for_load_state("load")
    phone.check()
    expect(phone.page.get_by_role("heading", level=1)).to_have_text("Active listening")
    assert_fits_the_screen(phone)

    # The live module shows next week's online session with its join link.
    phone.goto(ModulePage.objects.get(title="Group coaching").url)
    join = phone.page.get_by_role("link", name=re.compile(r"^Join the live session"))
    expect(join).to_be_visible()
    expect(join).to_have_attribute("href", "https://meet.example.org/spring26-group-coaching")
    assert_fits_the_screen(phone)
