"""Reads for mentor availability and bookings. Every page's reads are a fixed number of queries,
however many slots there are."""

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from billing import booking_times, ledger
from billing.booking_models import (
    ACTIVE_BOOKING,
    ACTIVE_STATUSES,
    Booking,
    BookingStatus,
    Slot,
    WeeklyAvailability,
)
from billing.selectors import credit_lots
from lms import policies

BOOKING_HORIZON = timedelta(days=28)
EXPIRY_WARNING_DAYS = 60


@dataclass(frozen=True)
class Offer:
    """A time a coach may book: a slot row, or an occurrence of a weekly availability."""

    mentor: object
    kind: str
    kind_label: str
    starts_at: datetime
    ends_at: datetime
    minutes: int
    credit_hours: Decimal
    places_left: int
    slot_id: int | None = None
    weekly_id: int | None = None

    @property
    def starts_at_utc(self) -> str:
        """For the booking form: the instant itself, whatever zone the page shows."""
        return self.starts_at.isoformat()


def _overlaps(start: datetime, end: datetime, taken: list[tuple[datetime, datetime, int]], slot_id):
    return any(s < end and start < e and other != slot_id for s, e, other in taken)


def bookable_offers(*, coach, now: datetime | None = None) -> list[Offer]:
    """Every mentor's free times over the next four weeks, soonest first (three queries)."""
    now = now or timezone.now()
    until = now + BOOKING_HORIZON
    slots = list(
        Slot.objects.filter(starts_at__gt=now, starts_at__lt=until)
        .exclude(mentor=coach)
        .select_related("mentor")
        .annotate(seats_taken=Count("bookings", filter=Q(bookings__status__in=ACTIVE_STATUSES)))
    )
    rules = list(
        WeeklyAvailability.objects.filter(starts_on__lte=until.date())
        .filter(Q(ends_on=None) | Q(ends_on__gte=now.date()))
        .exclude(mentor=coach)
        .select_related("mentor")
    )
    taken: dict[int, list] = {}
    for row in Booking.objects.filter(
        ACTIVE_BOOKING, starts_at__lt=until, ends_at__gt=now
    ).values_list("mentor_id", "starts_at", "ends_at", "slot_id"):
        taken.setdefault(row[0], []).append(row[1:])
    mine = set(
        Booking.objects.filter(ACTIVE_BOOKING, coach=coach, starts_at__gt=now).values_list(
            "slot_id", flat=True
        )
    )
    made = {(slot.weekly_id, slot.starts_at) for slot in slots if slot.weekly_id}
    offers = [
        _offer(slot, slot.starts_at, slot.capacity - slot.seats_taken, slot_id=slot.pk)
        for slot in slots
        if slot.removed_at is None and slot.pk not in mine and slot.seats_taken < slot.capacity
    ]
    for rule in rules:
        for start in booking_times.weekly_occurrences(
            weekday=rule.weekday,
            at=rule.local_time,
            zone=rule.time_zone,
            starts_on=rule.starts_on,
            ends_on=rule.ends_on,
            window_start=now,
            window_end=until,
        ):
            if (rule.pk, start) not in made:
                offers.append(_offer(rule, start, rule.capacity, weekly_id=rule.pk))
    free = [
        offer
        for offer in offers
        if not _overlaps(
            offer.starts_at, offer.ends_at, taken.get(offer.mentor.pk, []), offer.slot_id
        )
    ]
    return sorted(free, key=lambda offer: (offer.starts_at, offer.mentor.get_full_name()))


def _offer(terms, start: datetime, places_left: int, **ids) -> Offer:
    return Offer(
        mentor=terms.mentor,
        kind=terms.kind,
        kind_label=terms.get_kind_display(),
        starts_at=start,
        ends_at=start + terms.duration,
        minutes=terms.minutes,
        credit_hours=terms.credit_hours,
        places_left=places_left,
        **ids,
    )


def bookings_of_coach(*, coach) -> QuerySet[Booking]:
    return Booking.objects.filter(coach=coach).select_related("mentor").order_by("-starts_at")


def booking_for(*, user, booking_id: int) -> Booking | None:
    """A booking the user may see (its coach or its mentor), else None."""
    booking = (
        Booking.objects.select_related("coach", "mentor", "slot").filter(pk=booking_id).first()
    )
    if booking is None or not policies.may_see_booking(user, booking):
        return None
    return booking


def sessions_led(*, mentor, now: datetime | None = None) -> dict[str, list[Booking]]:
    """A mentor's booked sessions: those to mark (started) and those still to come."""
    now = now or timezone.now()
    booked = Booking.objects.filter(mentor=mentor, status=BookingStatus.BOOKED).select_related(
        "coach"
    )
    rows = list(booked)
    return {
        "to_mark": [row for row in rows if row.starts_at <= now],
        "upcoming": [row for row in rows if row.starts_at > now],
    }


def sessions_to_mark_count(*, mentor) -> int:
    return Booking.objects.filter(
        mentor=mentor, status=BookingStatus.BOOKED, starts_at__lte=timezone.now()
    ).count()


def availability_of(*, mentor) -> dict:
    now = timezone.now()
    return {
        "slots": list(
            Slot.objects.filter(mentor=mentor, removed_at=None, weekly=None, starts_at__gt=now)
            .annotate(seats_taken=Count("bookings", filter=Q(bookings__status__in=ACTIVE_STATUSES)))
            .order_by("starts_at")
        ),
        "weekly": list(WeeklyAvailability.objects.filter(mentor=mentor)),
    }


def coach_dashboard(*, coach, on: date) -> dict:
    """The coach's next session, balance and the credit about to expire (two queries)."""
    lots = credit_lots(coach=coach, on=on)
    limit = on + timedelta(days=EXPIRY_WARNING_DAYS)
    return {
        "next_booking": Booking.objects.filter(
            coach=coach, status=BookingStatus.BOOKED, starts_at__gt=timezone.now()
        )
        .select_related("mentor")
        .order_by("starts_at")
        .first(),
        "balance": ledger.balance(lots, on),
        "expiring": [lot for lot in lots if lot.expires_on <= limit],
    }
