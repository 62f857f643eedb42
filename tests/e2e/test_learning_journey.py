"""The first whole journey, clicked through in Chromium.

A trainee signs up, enrols with an invitation code, completes a module and sees the hours on the
dashboard; their trainer then sees that progress. A second test runs the trainee's pages at a
phone-sized viewport.
"""

import re
from urllib.parse import urlsplit

import pytest
from django.core import mail
from playwright.sync_api import expect

from tests.factories.courses import make_cohort, make_programme, modules_of
from tests.factories.people import PASSWORD, make_trainee, make_trainer

pytestmark = pytest.mark.django_db(transaction=True)


def sign_in(web, email: str, password: str = PASSWORD) -> None:
    web.goto("/accounts/login/")
    web.page.get_by_label("Email").fill(email)
    web.page.get_by_label("Password").fill(password)
    web.page.get_by_role("button", name="Sign in").click()
    web.page.wait_for_url(re.compile(r"/dashboard/"))
    web.check()


def test_trainee_signs_up_enrols_completes_a_module_and_trainer_sees_it(web, browser, live_server):
    trainer = make_trainer(first_name="Helen", last_name="Marsh")
    programme = make_programme(title="Physician Coach Certification", modules=2)
    cohort = make_cohort(programme=programme, trainers=[trainer], name="Autumn cohort")
    first_module = modules_of(programme)[0]

    # Sign up.
    web.goto("/accounts/signup/")
    expect(web.page.get_by_role("heading", name="Create your trainee account")).to_be_visible()
    web.page.get_by_label("Email").fill("Grace.Hopper@Example.org")
    web.page.get_by_label("First name").fill("Grace")
    web.page.get_by_label("Last name").fill("Hopper")
    web.page.get_by_label("Profession").select_option("physician")
    web.page.get_by_label("Password", exact=True).fill("a-long-unusual-passphrase")
    web.page.get_by_label("Confirm password").fill("a-long-unusual-passphrase")
    web.page.get_by_role("button", name="Create account").click()
    expect(web.page.get_by_role("heading", name="Check your inbox")).to_be_visible()
    web.check()
    # Open the link emailed to confirm the address (the live server sends into mail.outbox).
    (link,) = re.findall(r"http://\S+/accounts/signup/confirm/\S+", mail.outbox[-1].body)
    web.goto(urlsplit(link).path)
    web.page.wait_for_url(re.compile(r"/dashboard/"))
    web.check()

    # Enrol in the cohort with its invitation code.
    web.goto(programme.url)
    web.page.get_by_label("Invitation code").fill(cohort.invitation_code.lower())
    web.page.get_by_role("button", name="Enrol").click()
    expect(web.page.get_by_text("You are enrolled", exact=False)).to_be_visible()
    web.check()

    # Work through the first module.
    web.goto(first_module.url)
    complete = web.page.get_by_role("button", name="Complete module")
    expect(complete).to_be_disabled()
    web.page.get_by_role("button", name="Mark as done").first.click()
    expect(complete).to_be_enabled()
    complete.click()
    expect(web.page.get_by_text("Module complete", exact=False)).to_be_visible()
    web.check()

    # The dashboard shows the hours.
    web.goto("/dashboard/")
    main = web.page.locator("main")
    expect(main).to_contain_text("2.5")
    expect(main).to_contain_text("Physician Coach Certification")

    # The trainer sees the new trainee's progress in their cohort.
    trainer_context = browser.new_context()
    from tests.e2e.conftest import CheckedPage

    trainer_web = CheckedPage(trainer_context.new_page(), live_server.url)
    sign_in(trainer_web, trainer.email)
    trainer_web.page.get_by_role("link", name=re.compile("Autumn cohort")).click()
    trainer_web.check()
    row = trainer_web.page.get_by_role("row", name=re.compile("Grace Hopper"))
    expect(row).to_contain_text("1 of 2")
    trainer_context.close()


def test_trainee_pages_work_on_a_phone(phone):
    trainee = make_trainee(first_name="Ama", last_name="Mensah")
    programme = make_programme(title="Resilience Coaching", modules=3)
    from courses.services import enrolment_create

    enrolment_create(trainee=trainee, programme=programme)
    sign_in(phone, trainee.email)
    expect(phone.page.locator("main")).to_contain_text("Resilience Coaching")
    phone.goto(modules_of(programme)[0].url)
    expect(phone.page.get_by_role("button", name="Mark as done").first).to_be_visible()
    # Nothing is wider than the phone's screen.
    overflow = phone.page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0


def test_trainer_records_attendance_and_the_trainee_completes_the_live_module(
    web, browser, live_server
):
    from courses.services import enrolment_create
    from tests.e2e.conftest import CheckedPage
    from tests.factories.courses import make_live_session

    trainer = make_trainer(first_name="Helen", last_name="Marsh")
    trainee = make_trainee(first_name="Kofi", last_name="Mensah")
    programme = make_programme(title="Group Coaching Practice", modules=1, synchronous_every=1)
    cohort = make_cohort(programme=programme, trainers=[trainer], name="Winter cohort")
    enrolment_create(trainee=trainee, programme=programme, invitation_code=cohort.invitation_code)
    live_module = modules_of(programme)[0]
    make_live_session(module=live_module, cohort=cohort, days_ahead=-1)

    # The trainer ticks the trainee on the session's register.
    sign_in(web, trainer.email)
    web.page.get_by_role("link", name=re.compile("Winter cohort")).click()
    web.check()
    web.page.get_by_role("link", name="Record attendance").first.click()
    web.check()
    web.page.get_by_label("Kofi Mensah").check()
    web.page.get_by_role("button", name="Save attendance").click()
    expect(web.page.get_by_text("Attendance saved: 1 of 1 attended", exact=False)).to_be_visible()
    web.check()

    # The trainee can now finish the live module; its hours count as synchronous.
    trainee_context = browser.new_context()
    trainee_web = CheckedPage(trainee_context.new_page(), live_server.url)
    sign_in(trainee_web, trainee.email)
    trainee_web.goto(live_module.url)
    trainee_web.page.get_by_role("button", name="Mark as done").first.click()
    complete = trainee_web.page.get_by_role("button", name="Complete module")
    expect(complete).to_be_enabled()
    complete.click()
    expect(trainee_web.page.get_by_text("Module complete", exact=False)).to_be_visible()
    trainee_web.goto("/dashboard/")
    live_hours = trainee_web.page.locator(".card", has_text="of them live")
    expect(live_hours).to_contain_text("2.5")
    trainee_context.close()
