"""Point 6: bookings at the same moment, on PostgreSQL with threads (skipped on SQLite)."""

import threading
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from billing.booking_models import Booking, Slot
from billing.models import CreditEntry
from billing.selectors import credit_balance
from billing.services.bookings import booking_create
from tests.billing.bookings.factories import make_booking, make_coach, make_slot
from tests.factories.people import make_mentor

pytestmark = pytest.mark.postgres


@pytest.fixture(autouse=True)
def _postgres_only(transactional_db):
    # Asking for transactional_db by name lets tests/conftest.py put the role groups back.
    if connection.vendor != "postgresql":
        pytest.skip("row locks and exclusion constraints need PostgreSQL")


def _race(count: int, book) -> list[str]:
    """Run `book(number)` in `count` threads released together; what each one got."""
    outcomes, barrier = [], threading.Barrier(count)

    def run(number):
        barrier.wait()
        try:
            book(number)
            outcomes.append("booked")
        except ValidationError:
            outcomes.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(n,)) for n in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes


def test_fifty_parallel_bookings_against_twelve_hours():
    coach = make_coach(hours=12)
    mentors = [make_mentor() for _ in range(5)]
    slots = [make_slot(mentors[n % 5], hours_ahead=30 + n) for n in range(50)]
    outcomes = _race(50, lambda n: booking_create(coach=coach, slot=slots[n]))
    assert outcomes.count("booked") == 12
    assert Booking.objects.count() == 12
    assert credit_balance(coach=coach, on=timezone.localdate()) == 0
    assert sum(e.hours for e in CreditEntry.objects.filter(coach=coach)) == 0


def test_two_coaches_booking_one_slot_at_once_one_wins():
    slot = make_slot()
    coaches = [make_coach(), make_coach()]
    outcomes = _race(2, lambda n: booking_create(coach=coaches[n], slot=slot))
    assert sorted(outcomes) == ["booked", "refused"]
    (booking,) = Booking.objects.all()
    loser = next(c for c in coaches if c.pk != booking.coach_id)
    assert credit_balance(coach=loser, on=timezone.localdate()) == 6


def test_a_circle_fills_to_its_capacity_and_no_further():
    slot = make_slot(kind="group_circle", capacity=4, credit_hours=Decimal(1))
    coaches = [make_coach() for _ in range(10)]
    outcomes = _race(10, lambda n: booking_create(coach=coaches[n], slot=slot))
    assert outcomes.count("booked") == 4
    assert Booking.objects.filter(slot=slot).count() == 4


def test_the_exclusion_constraint_refuses_overlapping_sessions_of_one_mentor():
    booking = make_booking()
    Slot.objects.filter(pk=booking.slot_id).update(removed_at=timezone.now())
    overlapping = make_slot(booking.mentor, hours_ahead=72.25)
    twin = Booking(
        slot=overlapping,
        coach=make_coach(),
        mentor=booking.mentor,
        kind=booking.kind,
        starts_at=overlapping.starts_at,
        ends_at=overlapping.ends_at,
        credit_hours=1,
    )
    with pytest.raises(IntegrityError, match="booking_mentor_no_overlap"), transaction.atomic():
        twin.save()
