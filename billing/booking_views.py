"""Booking pages: coaches book and cancel; mentors publish availability and mark sessions."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from billing import booking_selectors as selectors
from billing.booking_calendar import booking_ics
from billing.booking_forms import BookForm, MentorCancelForm, SlotForm, WeeklyForm
from billing.booking_models import Slot, WeeklyAvailability
from billing.selectors import credit_balance
from billing.services import bookings as services
from lms import policies

NOT_A_MENTOR = "Only mentors publish availability and mark sessions."


def _require_mentor(user) -> None:
    if not policies.can_publish_availability(user):
        raise PermissionDenied(NOT_A_MENTOR)


def _booking_or_404(user, booking_id: int):
    return policies.found_or_404(
        selectors.booking_for(user=user, booking_id=booking_id), "No such booking."
    )


# Coaches -------------------------------------------------------------------------------------


def _book_page(request, *, error: str = "", status: int = 200):
    return render(
        request,
        "billing/bookings/book.html",
        {
            "offers": selectors.bookable_offers(coach=request.user),
            "balance": credit_balance(coach=request.user, on=timezone.localdate()),
            "error": error,
        },
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def book(request):
    if not policies.can_book_mentors(request.user):
        raise PermissionDenied("Your account cannot book mentor sessions.")
    if request.method == "GET":
        return _book_page(request)
    form = BookForm(request.POST)
    if not form.is_valid():
        return _book_page(request, error="Choose a time to book.", status=400)
    data = form.cleaned_data
    try:
        if data["slot"]:
            slot = get_object_or_404(Slot, pk=data["slot"])
            booking = services.booking_create(coach=request.user, slot=slot)
        else:
            weekly = get_object_or_404(WeeklyAvailability, pk=data["weekly"])
            booking = services.booking_create(
                coach=request.user, weekly=weekly, starts_at=data["starts_at"]
            )
    except ValidationError as error:
        return _book_page(request, error=error.messages[0], status=409)
    messages.success(
        request,
        f"Booked: {booking.get_kind_display().lower()} with {booking.mentor.get_full_name()}. "
        "The invitation is on its way by email.",
    )
    return redirect("billing:my_bookings")


@login_required
@require_GET
def my_bookings(request):
    now = timezone.now()
    bookings = list(selectors.bookings_of_coach(coach=request.user))
    for booking in bookings:
        booking.cancellable = booking.status == "booked" and booking.starts_at > now
    return render(request, "billing/bookings/my_bookings.html", {"bookings": bookings})


@login_required
@require_http_methods(["GET", "POST"])
def booking_cancel(request, booking_id: int):
    """The coach or the mentor cancels; the page first says what happens to the credit."""
    booking = _booking_or_404(request.user, booking_id)
    as_mentor = policies.is_booking_mentor(request.user, booking)
    form = MentorCancelForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            if as_mentor:
                services.booking_cancel_by_mentor(
                    booking=booking, mentor=request.user, reason=form.cleaned_data["reason"]
                )
                messages.success(request, "Cancelled. The coach has their credit back.")
                return redirect("billing:mentor_sessions")
            returned = services.booking_cancel_by_coach(booking=booking, coach=request.user)
        except ValidationError as error:
            messages.error(request, error.messages[0])
            return redirect("billing:mentor_sessions" if as_mentor else "billing:my_bookings")
        messages.success(
            request,
            "Cancelled. Your credit is back in your balance."
            if returned or not booking.credit_hours
            else "Cancelled. The credit was not returned: it was less than 24 hours ahead.",
        )
        return redirect("billing:my_bookings")
    return render(
        request,
        "billing/bookings/cancel.html",
        {
            "booking": booking,
            "as_mentor": as_mentor,
            "form": form,
            "credit_returned": as_mentor
            or services.returns_credit_if_coach_cancels(booking, timezone.now()),
        },
    )


@login_required
@require_GET
def booking_calendar(request, booking_id: int):
    booking = _booking_or_404(request.user, booking_id)
    response = HttpResponse(booking_ics(booking), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="booking-{booking.pk}.ics"'
    return response


# Mentors -------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def availability(request):
    _require_mentor(request.user)
    zone = request.user.time_zone
    slot_form = SlotForm(zone=zone, prefix="slot")
    weekly_form = WeeklyForm(zone=zone, prefix="weekly")
    status = 200
    if request.method == "POST":
        weekly = "weekly-weekday" in request.POST
        form = (
            WeeklyForm(request.POST, zone=zone, prefix="weekly")
            if weekly
            else SlotForm(request.POST, zone=zone, prefix="slot")
        )
        if form.is_valid():
            try:
                if weekly:
                    services.weekly_availability_publish(
                        mentor=request.user,
                        weekday=form.cleaned_data["weekday"],
                        local_time=form.cleaned_data["local_time"],
                        starts_on=form.cleaned_data["starts_on"],
                        **form.terms(),
                    )
                else:
                    services.slot_publish(
                        mentor=request.user, starts_at=form.starts_at(), **form.terms()
                    )
            except ValidationError as error:
                _form_errors(form, error)
            else:
                messages.success(request, "Your availability is published.")
                return redirect("billing:availability")
        status = 400
        if weekly:
            weekly_form = form
        else:
            slot_form = form
    return render(
        request,
        "billing/bookings/availability.html",
        {
            **selectors.availability_of(mentor=request.user),
            "slot_form": slot_form,
            "weekly_form": weekly_form,
        },
        status=status,
    )


def _form_errors(form, error: ValidationError) -> None:
    fields = {"starts_at": "start", "starts_on": "starts_on"}
    if hasattr(error, "error_dict"):
        for field, errors in error.message_dict.items():
            name = fields.get(field, field)
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, error.messages)


@login_required
@require_POST
def slot_remove(request, slot_id: int):
    _require_mentor(request.user)
    slot = get_object_or_404(Slot, pk=slot_id, mentor=request.user, removed_at=None)
    try:
        services.slot_remove(slot=slot, mentor=request.user)
    except ValidationError as error:
        messages.error(request, error.messages[0])
    else:
        messages.success(request, "Removed.")
    return redirect("billing:availability")


@login_required
@require_POST
def weekly_remove(request, weekly_id: int):
    _require_mentor(request.user)
    weekly = get_object_or_404(WeeklyAvailability, pk=weekly_id, mentor=request.user)
    services.weekly_availability_remove(weekly=weekly, mentor=request.user)
    messages.success(request, "Removed. Sessions already booked on it still take place.")
    return redirect("billing:availability")


@login_required
@require_GET
def mentor_sessions(request):
    _require_mentor(request.user)
    return render(
        request,
        "billing/bookings/mentor_sessions.html",
        selectors.sessions_led(mentor=request.user),
    )


@login_required
@require_POST
def booking_mark(request, booking_id: int):
    booking = _booking_or_404(request.user, booking_id)
    if not policies.is_booking_mentor(request.user, booking):
        raise PermissionDenied("Only the mentor marks a session.")
    outcome = request.POST.get("outcome")
    if outcome not in {"held", "no_show"}:
        return HttpResponseBadRequest(
            "Choose whether the session was held or the coach did not come."
        )
    try:
        services.booking_mark(booking=booking, mentor=request.user, held=outcome == "held")
    except ValidationError as error:
        messages.error(request, error.messages[0])
    else:
        messages.success(request, "Thank you. The session is marked.")
    return redirect("billing:mentor_sessions")
