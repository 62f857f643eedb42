"""Mentor availability and bookings (imported at the bottom of billing.models).

Instants are stored in UTC. A weekly availability is kept in the mentor's wall time and zone,
so its occurrences keep their local time across daylight-saving changes; a booking copies its
slot's UTC instant and never changes it.
"""

from datetime import timedelta
from decimal import Decimal

from django.conf import settings
from django.contrib.postgres.constraints import ExclusionConstraint
from django.contrib.postgres.fields import RangeBoundary, RangeOperators
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Func, Q
from django.utils import timezone

from lms.transitions import StatusEvent, TransitionMap
from lms.validators import validate_time_zone

ONE_TO_ONE_MINUTES = 55
CHEMISTRY_MINUTES = (15, 30)
CIRCLE_MINUTES = (30, 180)
CIRCLE_MAX_CAPACITY = 10


class SlotKind(models.TextChoices):
    ONE_TO_ONE = "one_to_one", "One-to-one mentor coaching"
    GROUP_CIRCLE = "group_circle", "Group mentoring circle"
    CHEMISTRY = "chemistry", "Free chemistry call"


def slot_terms_errors(
    *, kind: str, minutes: int | None, capacity: int | None, credit_hours: Decimal | None
) -> dict[str, str]:
    """What is wrong with a slot's length, capacity and price for its kind (pure)."""
    errors = {}
    if minutes is None or capacity is None or credit_hours is None:
        return errors
    if kind == SlotKind.ONE_TO_ONE:
        if minutes != ONE_TO_ONE_MINUTES:
            errors["minutes"] = f"A one-to-one session lasts {ONE_TO_ONE_MINUTES} minutes."
        if capacity != 1:
            errors["capacity"] = "A one-to-one session is for one coach."
        if credit_hours != 1:
            errors["credit_hours"] = "A one-to-one session costs 1 hour of credit."
    elif kind == SlotKind.CHEMISTRY:
        low, high = CHEMISTRY_MINUTES
        if not low <= minutes <= high:
            errors["minutes"] = f"A chemistry call lasts {low} to {high} minutes."
        if capacity != 1:
            errors["capacity"] = "A chemistry call is for one coach."
        if credit_hours != 0:
            errors["credit_hours"] = "A chemistry call is free: its price is 0 hours."
    elif kind == SlotKind.GROUP_CIRCLE:
        low, high = CIRCLE_MINUTES
        if not low <= minutes <= high:
            errors["minutes"] = f"A group circle lasts {low} to {high} minutes."
        if not 2 <= capacity <= CIRCLE_MAX_CAPACITY:
            errors["capacity"] = f"A group circle has room for 2 to {CIRCLE_MAX_CAPACITY} coaches."
        if credit_hours <= 0:
            errors["credit_hours"] = "Give the circle's price in hours of credit (more than 0)."
    return errors


class SlotTerms(models.Model):
    """What one-off slots and weekly availability share: kind, length, room and price."""

    mentor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=20, choices=SlotKind.choices, default=SlotKind.ONE_TO_ONE)
    minutes = models.PositiveSmallIntegerField(default=ONE_TO_ONE_MINUTES)
    capacity = models.PositiveSmallIntegerField(
        default=1, validators=[MaxValueValidator(CIRCLE_MAX_CAPACITY)]
    )
    credit_hours = models.DecimalField(
        max_digits=5,
        decimal_places=2,
        default=Decimal(1),
        validators=[MinValueValidator(Decimal(0))],
        help_text="Hours of credit a booking spends.",
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        abstract = True

    def clean(self):
        errors = slot_terms_errors(
            kind=self.kind,
            minutes=self.minutes,
            capacity=self.capacity,
            credit_hours=self.credit_hours,
        )
        if errors:
            raise ValidationError(errors)

    @property
    def duration(self) -> timedelta:
        return timedelta(minutes=self.minutes)


class WeeklyAvailability(SlotTerms):
    """A slot every week at the same wall time in the mentor's zone (DST never moves it)."""

    mentor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="weekly_availability"
    )
    weekday = models.PositiveSmallIntegerField(
        validators=[MaxValueValidator(6)], help_text="0 is Monday."
    )
    local_time = models.TimeField()
    time_zone = models.CharField(max_length=64, validators=[validate_time_zone])
    starts_on = models.DateField()
    ends_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["weekday", "local_time"]
        verbose_name_plural = "weekly availability"

    def __str__(self) -> str:
        return f"{self.get_kind_display()} every weekday {self.weekday} at {self.local_time}"


class Slot(SlotTerms):
    """A bookable time: published once, or an occurrence of a weekly availability that someone
    booked (made when first booked, so the weekly rule needs no rows in advance)."""

    mentor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="slots"
    )
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    weekly = models.ForeignKey(
        WeeklyAvailability,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="occurrences",
    )
    # Taken off the booking page by the mentor; kept for the bookings made on it.
    removed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["starts_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["mentor", "starts_at"],
                condition=Q(removed_at__isnull=True),
                name="slot_once_per_start",
            ),
            models.UniqueConstraint(fields=["weekly", "starts_at"], name="weekly_occurrence_once"),
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")), name="slot_ends_after_start"
            ),
        ]

    def __str__(self) -> str:
        return (
            f"{self.get_kind_display()} with {self.mentor} at {self.starts_at:%Y-%m-%d %H:%M} UTC"
        )

    def clean_fields(self, exclude=None):
        # The end always follows from the start and the length, on every write path.
        if self.starts_at and self.minutes:
            self.ends_at = self.starts_at + self.duration
        super().clean_fields(exclude)


class BookingStatus(models.TextChoices):
    BOOKED = "booked", "Booked"
    CANCELLED_BY_COACH = "cancelled_by_coach", "Cancelled by the coach"
    CANCELLED_BY_MENTOR = "cancelled_by_mentor", "Cancelled by the mentor"
    HELD = "held", "Held"
    NO_SHOW = "no_show", "Coach did not come"


# A booking holds its time (and its place in a circle) while it is not cancelled.
ACTIVE_STATUSES = ("booked", "held", "no_show")
ACTIVE_BOOKING = Q(status__in=ACTIVE_STATUSES)


class TsTzRange(Func):
    function = "TSTZRANGE"
    output_field = models.DateTimeField()  # only ever compared inside the constraint


class PostgresExclusionConstraint(ExclusionConstraint):
    """An exclusion constraint that exists on PostgreSQL only; SQLite relies on the unique
    constraint on (mentor, starts_at) and the booking service's check under the mentor's lock."""

    def _on_postgres(self, schema_editor) -> bool:
        return schema_editor.connection.vendor == "postgresql"

    def constraint_sql(self, model, schema_editor):
        return (
            super().constraint_sql(model, schema_editor)
            if self._on_postgres(schema_editor)
            else None
        )

    def create_sql(self, model, schema_editor):
        return (
            super().create_sql(model, schema_editor) if self._on_postgres(schema_editor) else None
        )

    def remove_sql(self, model, schema_editor):
        return (
            super().remove_sql(model, schema_editor) if self._on_postgres(schema_editor) else None
        )

    def validate(self, *args, **kwargs):
        # The service checks overlaps under the mentor's lock; the database has the last word.
        return None


class Booking(models.Model):
    slot = models.ForeignKey(Slot, on_delete=models.PROTECT, related_name="bookings")
    coach = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="bookings"
    )
    mentor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="bookings_led"
    )
    kind = models.CharField(max_length=20, choices=SlotKind.choices)
    # Copied from the slot when booked and never changed afterwards.
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    credit_hours = models.DecimalField(max_digits=5, decimal_places=2)
    status = models.CharField(
        max_length=20, choices=BookingStatus.choices, default=BookingStatus.BOOKED
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["starts_at", "pk"]
        constraints = [
            # One coach per one-to-one slot or chemistry call.
            models.UniqueConstraint(
                fields=["slot"],
                condition=ACTIVE_BOOKING & ~Q(kind="group_circle"),
                name="booking_one_per_single_slot",
            ),
            models.UniqueConstraint(
                fields=["slot", "coach"], condition=ACTIVE_BOOKING, name="booking_once_per_coach"
            ),
            # A mentor's sessions never start together, except the seats of one circle.
            models.UniqueConstraint(
                fields=["mentor", "starts_at"],
                condition=ACTIVE_BOOKING & ~Q(kind="group_circle"),
                name="booking_mentor_start_once",
            ),
            # ...and on PostgreSQL never overlap at all (seats of one circle share its slot).
            PostgresExclusionConstraint(
                name="booking_mentor_no_overlap",
                expressions=[
                    ("mentor", RangeOperators.EQUAL),
                    (
                        TsTzRange("starts_at", "ends_at", RangeBoundary()),
                        RangeOperators.OVERLAPS,
                    ),
                    ("slot", RangeOperators.NOT_EQUAL),
                ],
                condition=ACTIVE_BOOKING,
            ),
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")), name="booking_ends_after_start"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.coach} with {self.mentor} at {self.starts_at:%Y-%m-%d %H:%M} UTC"


class BookingEvent(StatusEvent):
    booking = models.ForeignKey(Booking, on_delete=models.CASCADE, related_name="events")


BOOKING_MACHINE = TransitionMap(
    moves={
        BookingStatus.BOOKED: frozenset(
            {
                BookingStatus.CANCELLED_BY_COACH,
                BookingStatus.CANCELLED_BY_MENTOR,
                BookingStatus.HELD,
                BookingStatus.NO_SHOW,
            }
        ),
    },
    event_model=BookingEvent,
    event_field="booking",
)
