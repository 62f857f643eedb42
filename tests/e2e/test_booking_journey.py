"""The booking journey of issue 11, clicked through in Chromium: a coach with credit books a
mentor session, cancels it, books again; the mentor marks it held; the coach's mentor hours grow
on the progress page."""

import re

import pytest
from django.db import transaction
from playwright.sync_api import expect

from billing.booking_models import Booking
from tests.billing.bookings.factories import make_slot, move_into_past
from tests.billing.factories import make_paid_lot
from tests.e2e.test_credential_journey import someone_else
from tests.e2e.test_learning_journey import sign_in
from tests.factories.people import make_mentor, make_trainee

pytestmark = pytest.mark.django_db(transaction=True)


def _mentor_hours(web) -> str:
    web.goto("/progress/?pathway=acc")
    card = web.page.locator("li.requirement").filter(
        has=web.page.get_by_role("heading", name="Mentor coaching", exact=True)
    )
    return card.locator(".requirement-figure").inner_text()


def test_coach_books_cancels_books_again_and_the_held_session_counts(web, browser, live_server):
    mentor = make_mentor(first_name="Daniel", last_name="Reyes", credential_held="PCC")
    coach = make_trainee(first_name="Priya", last_name="Shah", time_zone="Europe/London")
    with transaction.atomic():
        make_paid_lot(coach, hours=6)
    make_slot(mentor, hours_ahead=72)
    sign_in(web, coach.email)
    assert _mentor_hours(web).startswith("0 of")

    web.goto("/billing/bookings/book/")
    expect(web.page.get_by_text("6 hours")).to_be_visible()
    web.page.get_by_role("button", name=re.compile("Book one-to-one")).click()
    web.page.wait_for_url(re.compile(r"/billing/bookings/$"))
    web.check()
    expect(web.page.get_by_role("status")).to_contain_text("Booked")

    web.page.get_by_role("link", name=re.compile("^Cancel")).click()
    web.check()
    expect(web.page.get_by_text("come back to you")).to_be_visible()
    web.page.get_by_role("button", name="Cancel the session").click()
    web.page.wait_for_url(re.compile(r"/billing/bookings/$"))
    expect(web.page.get_by_role("status")).to_contain_text("credit is back")

    web.goto("/billing/bookings/book/")
    web.page.get_by_role("button", name=re.compile("Book one-to-one")).click()
    web.page.wait_for_url(re.compile(r"/billing/bookings/$"))
    booking = Booking.objects.get(status="booked")
    move_into_past(booking)

    with someone_else(browser, live_server) as mentor_web:
        sign_in(mentor_web, mentor.email)
        mentor_web.goto("/billing/mentor/sessions/")
        mentor_web.page.get_by_role("button", name=re.compile("^Held")).click()
        mentor_web.page.wait_for_url(re.compile(r"/billing/mentor/sessions/$"))
        mentor_web.check()
        expect(mentor_web.page.get_by_text("Nothing to mark.")).to_be_visible()

    assert _mentor_hours(web).startswith("1 of")
