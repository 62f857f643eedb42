"""Bundles, orders, Stripe events, organisations and the append-only credit ledger."""

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from wagtail.admin.panels import FieldPanel
from wagtail.search import index

from lms.transitions import StatusEvent, TransitionMap


class BundleKind(models.TextChoices):
    INDIVIDUAL = "individual", "Individual mentor coaching"
    GROUP_CIRCLE = "group_circle", "Group mentoring circle"


class Bundle(index.Indexed, models.Model):
    """Hours of mentor coaching sold together (a Wagtail snippet)."""

    name = models.CharField(max_length=120)
    slug = models.SlugField(unique=True)
    description = models.TextField(blank=True)
    hours = models.DecimalField(
        max_digits=6, decimal_places=2, validators=[MinValueValidator(Decimal("0.25"))]
    )
    kind = models.CharField(max_length=20, choices=BundleKind.choices, default="individual")
    price = models.PositiveIntegerField(
        help_text="In the currency's smallest unit: 60000 is 600.00.",
        validators=[MinValueValidator(50)],
    )
    currency = models.CharField(max_length=3, default="gbp", help_text="ISO code, e.g. gbp.")
    validity_months = models.PositiveSmallIntegerField(
        default=12, validators=[MinValueValidator(1)], help_text="Credits expire after this."
    )
    active = models.BooleanField(default=True, help_text="Shown in the catalogue.")
    stripe_price_id = models.CharField(
        max_length=100, blank=True, help_text="Optional: a Stripe Price to charge instead."
    )

    panels = [
        FieldPanel("name"),
        FieldPanel("slug"),
        FieldPanel("description"),
        FieldPanel("hours"),
        FieldPanel("kind"),
        FieldPanel("price"),
        FieldPanel("currency"),
        FieldPanel("validity_months"),
        FieldPanel("active"),
        FieldPanel("stripe_price_id"),
    ]
    search_fields = [index.SearchField("name"), index.AutocompleteField("name")]

    class Meta:
        ordering = ["kind", "hours", "name"]

    def __str__(self) -> str:
        return self.name

    def clean(self):
        self.currency = (self.currency or "").lower()
        if len(self.currency) != 3 or not self.currency.isalpha():
            raise ValidationError({"currency": "Use a three-letter currency code, e.g. gbp."})

    @property
    def price_display(self) -> str:
        return f"{self.currency.upper()} {self.price / 100:,.2f}"


class Organisation(models.Model):
    """An employer that buys bundles for its people: its admins buy and assign the hours."""

    name = models.CharField(max_length=200, unique=True)
    admins = models.ManyToManyField(settings.AUTH_USER_MODEL, related_name="organisations_run")
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL, related_name="organisations", blank=True
    )

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class OrderStatus(models.TextChoices):
    PENDING = "pending", "Waiting for payment"
    PAID = "paid", "Paid"
    PARTIALLY_REFUNDED = "partially_refunded", "Partly refunded"
    REFUNDED = "refunded", "Refunded"
    EXPIRED = "expired", "Checkout expired"
    FAILED = "failed", "Payment failed"


class Order(models.Model):
    """One checkout: a coach buying for themselves, or an organisation admin buying seats."""

    coach = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="credit_orders"
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, null=True, blank=True, related_name="orders"
    )
    bundle = models.ForeignKey(Bundle, on_delete=models.PROTECT, related_name="orders")
    quantity = models.PositiveSmallIntegerField(default=1, validators=[MinValueValidator(1)])
    hours = models.DecimalField(max_digits=8, decimal_places=2)
    amount = models.PositiveIntegerField(help_text="Total in minor units.")
    currency = models.CharField(max_length=3)
    validity_months = models.PositiveSmallIntegerField()
    status = models.CharField(
        max_length=20, choices=OrderStatus.choices, default=OrderStatus.PENDING
    )
    stripe_session_id = models.CharField(max_length=255, unique=True, null=True, blank=True)
    checkout_url = models.URLField(max_length=2000, blank=True)
    stripe_payment_intent_id = models.CharField(max_length=255, blank=True, db_index=True)
    stripe_charge_id = models.CharField(max_length=255, blank=True)
    receipt_url = models.URLField(max_length=2000, blank=True)
    amount_refunded = models.PositiveIntegerField(default=0)
    paid_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gte=1), name="order_quantity_positive")
        ]

    def __str__(self) -> str:
        return f"Order {self.pk}: {self.quantity} × {self.bundle}"

    @property
    def amount_display(self) -> str:
        return f"{self.currency.upper()} {self.amount / 100:,.2f}"


class OrderEvent(StatusEvent):
    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="events")


ORDER_MACHINE = TransitionMap(
    moves={
        OrderStatus.PENDING: frozenset({OrderStatus.PAID, OrderStatus.EXPIRED, OrderStatus.FAILED}),
        OrderStatus.PAID: frozenset({OrderStatus.PARTIALLY_REFUNDED, OrderStatus.REFUNDED}),
        OrderStatus.PARTIALLY_REFUNDED: frozenset(
            {OrderStatus.PARTIALLY_REFUNDED, OrderStatus.REFUNDED}
        ),
    },
    event_model=OrderEvent,
    event_field="order",
)


class StripeEvent(models.Model):
    """Every verified webhook delivery, once per Stripe event id (the idempotency key)."""

    event_id = models.CharField(max_length=255, unique=True)
    type = models.CharField(max_length=100)
    payload = models.JSONField()
    received_at = models.DateTimeField(default=timezone.now)
    processed_at = models.DateTimeField(null=True, blank=True)
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["-received_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.type} {self.event_id}"


class EntryKind(models.TextChoices):
    PURCHASE = "purchase", "Purchase"
    BOOKING = "booking", "Booking"
    CANCELLATION_RETURN = "cancellation_return", "Cancelled booking returned"
    REFUND = "refund", "Refund"
    EXPIRY = "expiry", "Expiry"
    DISPUTE_FREEZE = "dispute_freeze", "Frozen by a payment dispute"
    ADJUSTMENT = "adjustment", "Adjustment"


class CreditEntry(models.Model):
    """One line of a coach's credit ledger, never changed once written.

    A purchase entry is a *lot* (its `lot` is empty); every other entry draws on a lot with
    signed hours. The balance is derived from these rows (billing.ledger).
    """

    coach = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="credit_entries"
    )
    kind = models.CharField(max_length=20, choices=EntryKind.choices)
    hours = models.DecimalField(max_digits=8, decimal_places=2)
    lot = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="draws"
    )
    order = models.ForeignKey(
        Order, on_delete=models.PROTECT, null=True, blank=True, related_name="credit_entries"
    )
    # An employer-funded order has one lot per seat (1..quantity); a coach's own order seat 0.
    seat = models.PositiveSmallIntegerField(default=0)
    # Reserved for bookings (the booking app may turn it into a foreign key).
    booking_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    expires_on = models.DateField(null=True, blank=True)
    reason = models.CharField(max_length=300, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name_plural = "credit entries"
        constraints = [
            # Exactly one lot per paid order (per seat), whatever is replayed.
            models.UniqueConstraint(
                fields=["order", "seat"],
                condition=Q(kind="purchase"),
                name="one_purchase_per_order_seat",
            ),
            models.UniqueConstraint(
                fields=["lot"], condition=Q(kind="expiry"), name="one_expiry_per_lot"
            ),
            models.UniqueConstraint(
                fields=["lot"], condition=Q(kind="dispute_freeze"), name="one_freeze_per_lot"
            ),
            models.CheckConstraint(
                condition=~Q(kind="purchase") | (Q(hours__gt=0) & Q(expires_on__isnull=False)),
                name="purchase_has_hours_and_expiry",
            ),
            models.CheckConstraint(
                condition=Q(kind="purchase") | Q(lot__isnull=False),
                name="entry_draws_on_a_lot",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.hours:+} h for {self.coach}"


class ExpiryReminder(models.Model):
    """The one reminder email a lot gets before it expires."""

    lot = models.OneToOneField(CreditEntry, on_delete=models.CASCADE, related_name="reminder")
    sent_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"Reminder for lot {self.lot_id} sent {self.sent_at:%Y-%m-%d}"


class RefundShortfall(models.Model):
    """Refunded hours that had already been spent: recorded for an admin, never refused."""

    order = models.ForeignKey(Order, on_delete=models.PROTECT, related_name="shortfalls")
    lot = models.ForeignKey(CreditEntry, on_delete=models.PROTECT, related_name="shortfalls")
    hours = models.DecimalField(max_digits=8, decimal_places=2)
    note = models.CharField(max_length=300)
    resolved = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.hours} h already spent on order {self.order_id}"


# Bookings live in their own module (billing.booking_models); imported so Django finds them.
from billing.booking_models import Booking, BookingEvent, Slot, WeeklyAvailability  # noqa: E402, F401
