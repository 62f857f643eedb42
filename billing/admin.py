"""Back office for billing: orders (refunds), the ledger, Stripe events, refund shortfalls.

The ledger and Stripe events are read-only here: credits change only through the services.
"""

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from import_export import resources
from import_export.admin import ExportMixin

from billing import stripe_gateway
from billing.models import (
    CreditEntry,
    Order,
    OrderEvent,
    Organisation,
    RefundShortfall,
    StripeEvent,
)
from billing.services.orders import order_refund_request
from lms.spreadsheets import spreadsheet_text


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class SpreadsheetSafeResource(resources.ModelResource):
    """Text a spreadsheet would run as a formula (a bundle or organisation name, an email
    starting with =) is exported with a leading apostrophe, so it stays text."""

    def export_field(self, field, instance, **kwargs):
        return spreadsheet_text(super().export_field(field, instance, **kwargs))


class OrderResource(SpreadsheetSafeResource):
    class Meta:
        model = Order
        fields = (
            "id", "coach__email", "organisation__name", "bundle__name", "quantity", "hours",
            "amount", "currency", "status", "amount_refunded", "paid_at", "created_at",
            "stripe_payment_intent_id",
        )  # fmt: skip


class CreditEntryResource(SpreadsheetSafeResource):
    class Meta:
        model = CreditEntry
        fields = (
            "id", "coach__email", "kind", "hours", "lot", "order", "seat", "booking_id",
            "expires_on", "reason", "created_at",
        )  # fmt: skip


class OrderEventInline(admin.TabularInline):
    model = OrderEvent
    extra = 0
    can_delete = False
    readonly_fields = ["from_status", "to_status", "actor", "note", "at"]

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Order)
class OrderAdmin(ExportMixin, admin.ModelAdmin):
    resource_classes = [OrderResource]
    list_display = ["id", "coach", "organisation", "bundle", "quantity", "status", "created_at"]
    list_filter = ["status", "bundle"]
    search_fields = ["coach__email", "stripe_session_id", "stripe_payment_intent_id"]
    inlines = [OrderEventInline]
    actions = ["refund_in_full"]

    def get_readonly_fields(self, request, obj=None):
        return [field.name for field in Order._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.action(description="Refund in full through Stripe (credits go when Stripe confirms)")
    def refund_in_full(self, request, queryset):
        for order in queryset:
            try:
                order_refund_request(order=order, actor=request.user)
            except (ValidationError, stripe_gateway.StripeError) as error:
                self.message_user(request, f"Order {order.pk}: {error}", messages.ERROR)
            else:
                self.message_user(request, f"Order {order.pk}: refund asked of Stripe.")


@admin.register(CreditEntry)
class CreditEntryAdmin(ExportMixin, ReadOnlyAdmin):
    resource_classes = [CreditEntryResource]
    list_display = ["created_at", "coach", "kind", "hours", "lot", "order", "booking_id"]
    list_filter = ["kind"]
    search_fields = ["coach__email", "reason"]


@admin.register(StripeEvent)
class StripeEventAdmin(ReadOnlyAdmin):
    list_display = ["event_id", "type", "received_at", "processed_at", "error"]
    list_filter = ["type"]
    search_fields = ["event_id"]


@admin.register(RefundShortfall)
class RefundShortfallAdmin(ExportMixin, admin.ModelAdmin):
    list_display = ["order", "hours", "note", "resolved", "created_at"]
    list_filter = ["resolved"]
    list_editable = ["resolved"]
    readonly_fields = ["order", "lot", "hours", "note", "created_at"]

    def has_add_permission(self, request):
        return False


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name"]
    search_fields = ["name"]
    filter_horizontal = ["admins", "members"]
