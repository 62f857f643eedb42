"""Writes for mentor availability and bookings.

Locks: publishing and booking hold the mentor's row (then `credits_spend` holds the coach's), so
two coaches booking the same mentor at once are served one after the other and the second sees
the first's booking. The database constraints on Booking are the last word either way.
"""

import zoneinfo
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from billing import booking_times
from billing.booking_calendar import booking_ics
from billing.booking_models import (
    ACTIVE_BOOKING,
    BOOKING_MACHINE,
    Booking,
    BookingStatus,
    Slot,
    SlotKind,
    WeeklyAvailability,
)
from billing.services.ledger import coach_lock, credits_return, credits_spend
from credentials.models import Engagement
from credentials.services import mentor_session_record_from_booking
from lms import policies
from lms.services import email_enqueue
from lms.transitions import status_record_created, status_transition

CANCEL_NOTICE = timedelta(hours=24)
NOT_AVAILABLE_MESSAGE = "This time is no longer available. Choose another one."
OVERLAP_MESSAGE = "You already have availability at that time."


def _require_mentor(mentor) -> None:
    if not policies.can_publish_availability(mentor):
        raise PermissionDenied("Only mentors publish availability.")


def _future(instant: datetime, field: str) -> None:
    if instant <= timezone.now():
        raise ValidationError({field: "Choose a time in the future."})


# Availability -----------------------------------------------------------------------------------


@transaction.atomic
def slot_publish(
    *,
    mentor,
    kind: str,
    starts_at: datetime,
    minutes: int,
    capacity: int = 1,
    credit_hours: Decimal = Decimal(1),
) -> Slot:
    """A one-off slot. `starts_at` is an aware instant (the view reads it in the mentor's zone)."""
    _require_mentor(mentor)
    _future(starts_at, "starts_at")
    slot = Slot(
        mentor=mentor,
        kind=kind,
        starts_at=starts_at,
        minutes=minutes,
        capacity=capacity,
        credit_hours=credit_hours,
    )
    slot.full_clean(validate_constraints=False)
    coach_lock(mentor)
    overlapping = Slot.objects.filter(
        mentor=mentor,
        removed_at=None,
        starts_at__lt=slot.ends_at,
        ends_at__gt=slot.starts_at,
    )
    if overlapping.exists():
        raise ValidationError({"starts_at": OVERLAP_MESSAGE})
    slot.save()
    return slot


@transaction.atomic
def weekly_availability_publish(
    *,
    mentor,
    kind: str,
    weekday: int,
    local_time: time,
    starts_on: date,
    minutes: int,
    capacity: int = 1,
    credit_hours: Decimal = Decimal(1),
) -> WeeklyAvailability:
    """A slot every week at `local_time` in the mentor's own zone, from `starts_on`."""
    _require_mentor(mentor)
    if starts_on < timezone.localdate():
        raise ValidationError({"starts_on": "Start today or later."})
    weekly = WeeklyAvailability(
        mentor=mentor,
        kind=kind,
        weekday=weekday,
        local_time=local_time,
        time_zone=mentor.time_zone,
        starts_on=starts_on,
        minutes=minutes,
        capacity=capacity,
        credit_hours=credit_hours,
    )
    weekly.full_clean()
    weekly.save()
    return weekly


@transaction.atomic
def slot_remove(*, slot: Slot, mentor) -> None:
    """Takes the slot off the booking page. Sessions already booked on it stay booked."""
    if slot.mentor_id != mentor.pk:
        raise PermissionDenied("This is another mentor's availability.")
    if slot.bookings.filter(status=BookingStatus.BOOKED).exists():
        raise ValidationError(
            "Someone has booked this time. Cancel their booking first, then remove it."
        )
    Slot.objects.filter(pk=slot.pk).update(removed_at=timezone.now())


@transaction.atomic
def weekly_availability_remove(*, weekly: WeeklyAvailability, mentor) -> None:
    """Ends the weekly availability. Sessions already booked on it stay booked."""
    if weekly.mentor_id != mentor.pk:
        raise PermissionDenied("This is another mentor's availability.")
    Slot.objects.filter(weekly=weekly, removed_at=None).exclude(
        bookings__status=BookingStatus.BOOKED
    ).update(removed_at=timezone.now())
    weekly.delete()


# Booking ---------------------------------------------------------------------------------------


def _weekly_slot(*, weekly: WeeklyAvailability, starts_at: datetime) -> Slot:
    """The slot of one occurrence of a weekly availability, made when it is first booked."""
    if not booking_times.is_occurrence(
        weekday=weekly.weekday,
        at=weekly.local_time,
        zone=weekly.time_zone,
        starts_on=weekly.starts_on,
        ends_on=weekly.ends_on,
        instant=starts_at,
    ):
        raise ValidationError(NOT_AVAILABLE_MESSAGE)
    slot = Slot.objects.filter(weekly=weekly, starts_at=starts_at).first()
    if slot is not None:
        return slot
    slot = Slot(
        mentor_id=weekly.mentor_id,
        weekly=weekly,
        kind=weekly.kind,
        starts_at=starts_at,
        minutes=weekly.minutes,
        capacity=weekly.capacity,
        credit_hours=weekly.credit_hours,
    )
    slot.full_clean(validate_constraints=False)
    try:
        with transaction.atomic():
            slot.save()
    except IntegrityError:
        raise ValidationError(NOT_AVAILABLE_MESSAGE) from None
    return slot


def _check_bookable(*, slot: Slot, coach) -> None:
    if slot.mentor_id == coach.pk:
        raise ValidationError("You cannot book your own availability.")
    if slot.removed_at is not None or slot.starts_at <= timezone.now():
        raise ValidationError(NOT_AVAILABLE_MESSAGE)
    seats = Booking.objects.filter(ACTIVE_BOOKING, slot=slot)
    if seats.filter(coach=coach).exists():
        raise ValidationError("You have already booked this session.")
    if seats.count() >= slot.capacity:
        raise ValidationError(
            NOT_AVAILABLE_MESSAGE if slot.capacity == 1 else "This circle is full. Choose another."
        )
    clash = Booking.objects.filter(
        ACTIVE_BOOKING,
        mentor_id=slot.mentor_id,
        starts_at__lt=slot.ends_at,
        ends_at__gt=slot.starts_at,
    ).exclude(slot=slot)
    if clash.exists():
        raise ValidationError(NOT_AVAILABLE_MESSAGE)


@transaction.atomic
def booking_create(
    *,
    coach,
    slot: Slot | None = None,
    weekly: WeeklyAvailability | None = None,
    starts_at: datetime | None = None,
) -> Booking:
    """Book a slot, or the occurrence of a weekly availability starting at `starts_at`.

    Spends the slot's price in credit in the same transaction (nothing for a chemistry call);
    raises ValidationError and writes nothing when the time is taken or the credit short.
    """
    if not policies.can_book_mentors(coach):
        raise PermissionDenied("Your account cannot book mentor sessions.")
    # The ledger's row lock works on any user: here it serialises bookings of one mentor.
    coach_lock(slot.mentor if slot is not None else weekly.mentor)
    if slot is None:
        slot = _weekly_slot(weekly=weekly, starts_at=starts_at)
    else:
        slot.refresh_from_db()
    _check_bookable(slot=slot, coach=coach)
    booking = Booking(
        slot=slot,
        coach=coach,
        mentor_id=slot.mentor_id,
        kind=slot.kind,
        starts_at=slot.starts_at,
        ends_at=slot.ends_at,
        credit_hours=slot.credit_hours,
    )
    booking.full_clean(validate_constraints=False)
    try:
        with transaction.atomic():
            booking.save()
    except IntegrityError:
        raise ValidationError(NOT_AVAILABLE_MESSAGE) from None
    status_record_created(record=booking, machine=BOOKING_MACHINE, actor=coach)
    if booking.credit_hours > 0:
        credits_spend(coach=coach, hours=booking.credit_hours, booking_id=booking.pk, actor=coach)
    _email(booking, to=booking.mentor, template="booked_mentor", subject="New booking")
    _email(booking, to=coach, template="booked_coach", subject="Your booking is confirmed")
    return booking


# Cancelling and marking -----------------------------------------------------------------------


def returns_credit_if_coach_cancels(booking: Booking, now: datetime) -> bool:
    """At least 24 hours before the start (pure: the page says it before the coach confirms)."""
    return booking.starts_at - now >= CANCEL_NOTICE


def _require_upcoming(booking: Booking) -> None:
    if booking.status != BookingStatus.BOOKED:
        raise ValidationError(BOOKING_MACHINE.refusal(booking, BookingStatus.CANCELLED_BY_COACH))
    if booking.starts_at <= timezone.now():
        raise ValidationError("This session has already started, so it cannot be cancelled.")


@transaction.atomic
def booking_cancel_by_coach(*, booking: Booking, coach) -> bool:
    """Returns whether the credit came back (cancelled at least 24 hours ahead)."""
    if not policies.is_booking_coach(coach, booking):
        raise PermissionDenied("This is not your booking.")
    _require_upcoming(booking)
    returned = returns_credit_if_coach_cancels(booking, timezone.now())
    status_transition(
        record=booking,
        machine=BOOKING_MACHINE,
        to_status=BookingStatus.CANCELLED_BY_COACH,
        actor=coach,
        note="Credit returned" if returned else "Less than 24 hours ahead: credit kept",
    )
    if returned and booking.credit_hours > 0:
        credits_return(
            entries_or_booking_id=booking.pk, actor=coach, reason="Cancelled 24 hours ahead"
        )
    _email(booking, to=booking.mentor, template="cancelled_by_coach", subject="Booking cancelled")
    return returned


@transaction.atomic
def booking_cancel_by_mentor(*, booking: Booking, mentor, reason: str = "") -> None:
    """The coach always gets the credit back."""
    if not policies.is_booking_mentor(mentor, booking):
        raise PermissionDenied("This is not a session you lead.")
    _require_upcoming(booking)
    status_transition(
        record=booking,
        machine=BOOKING_MACHINE,
        to_status=BookingStatus.CANCELLED_BY_MENTOR,
        actor=mentor,
        note=(reason or "").strip(),
    )
    if booking.credit_hours > 0:
        credits_return(
            entries_or_booking_id=booking.pk, actor=mentor, reason="Cancelled by the mentor"
        )
    _email(
        booking,
        to=booking.coach,
        template="cancelled_by_mentor",
        subject="Your mentor cancelled a session",
        reason=(reason or "").strip(),
    )


def _counted_hours(booking: Booking) -> Decimal:
    """A one-to-one counts the hour bought (55 minutes and a break); a circle its length."""
    if booking.kind == SlotKind.ONE_TO_ONE:
        return Decimal(1)
    return (Decimal(booking.slot.minutes) / 60).quantize(Decimal("0.01"))


@transaction.atomic
def booking_mark(*, booking: Booking, mentor, held: bool) -> Booking:
    """After the session the mentor says whether it was held. A held mentor-coaching session
    (not a chemistry call) becomes a confirmed mentor session toward the coach's credential."""
    if not policies.is_booking_mentor(mentor, booking):
        raise PermissionDenied("This is not a session you lead.")
    if booking.starts_at > timezone.now():
        raise ValidationError("Mark the session once it has taken place.")
    status_transition(
        record=booking,
        machine=BOOKING_MACHINE,
        to_status=BookingStatus.HELD if held else BookingStatus.NO_SHOW,
        actor=mentor,
    )
    if held and booking.kind != SlotKind.CHEMISTRY:
        group_size = Booking.objects.filter(ACTIVE_BOOKING, slot_id=booking.slot_id).count()
        in_group = booking.kind == SlotKind.GROUP_CIRCLE and group_size >= 2
        mentor_session_record_from_booking(
            booking_id=booking.pk,
            trainee=booking.coach,
            mentor=booking.mentor,
            date=timezone.localdate(booking.starts_at),
            hours=_counted_hours(booking),
            engagement=Engagement.GROUP if in_group else Engagement.INDIVIDUAL,
            group_size=group_size if in_group else None,
        )
    return booking


# Email ---------------------------------------------------------------------------------------


def _email(booking: Booking, *, to, template: str, subject: str, **extra) -> None:
    url = settings.WAGTAILADMIN_BASE_URL.rstrip("/") + reverse(
        "billing:mentor_sessions" if to.pk == booking.mentor_id else "billing:my_bookings"
    )
    zone = zoneinfo.ZoneInfo(to.time_zone)
    local_start = timezone.localtime(booking.starts_at, zone)
    with timezone.override(zone):  # the template's date filter shows the recipient's time
        body = render_to_string(
            f"billing/bookings/email/{template}.txt",
            {"booking": booking, "recipient": to, "starts": local_start, "url": url, **extra},
        )
    email_enqueue(
        subject=f"{subject}: {local_start:%-d %b %Y, %H:%M}",
        body=body,
        to=[to.email],
        attachments=[("invitation.ics", booking_ics(booking), "text/calendar")],
    )
