"""The .ics invitation of a booking (RFC 5545), built with icalendar."""

from datetime import UTC

from django.conf import settings
from django.utils import timezone
from icalendar import Calendar, Event, vCalAddress, vText

from billing.booking_models import Booking, BookingStatus

PRODID = "-//Coach LMS//Mentor bookings//EN"


def _person(user, role: str) -> vCalAddress:
    address = vCalAddress(f"mailto:{user.email}")
    address.params["cn"] = vText(user.get_full_name() or user.email)
    address.params["role"] = vText(role)
    return address


def booking_uid(booking: Booking) -> str:
    host = settings.WAGTAILADMIN_BASE_URL.split("://")[-1].split("/")[0] or "lms"
    return f"booking-{booking.pk}@{host}"


def booking_ics(booking: Booking) -> str:
    """An invitation (METHOD:REQUEST) for a live booking, or its cancellation (METHOD:CANCEL):
    the same UID, so a calendar replaces the first with the second."""
    cancelled = booking.status in {
        BookingStatus.CANCELLED_BY_COACH,
        BookingStatus.CANCELLED_BY_MENTOR,
    }
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("method", "CANCEL" if cancelled else "REQUEST")
    event = Event()
    event.add("uid", booking_uid(booking))
    event.add("dtstamp", timezone.now())
    event.add("dtstart", booking.starts_at.astimezone(UTC))
    event.add("dtend", booking.ends_at.astimezone(UTC))
    event.add("sequence", 1 if cancelled else 0)
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    event.add(
        "summary",
        f"{booking.get_kind_display()}: {booking.coach.get_full_name()} "
        f"with {booking.mentor.get_full_name()}",
    )
    event.add("organizer", _person(booking.mentor, "CHAIR"))
    event.add("attendee", _person(booking.coach, "REQ-PARTICIPANT"))
    calendar.add_component(event)
    return calendar.to_ical().decode()
