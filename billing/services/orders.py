"""Orders: checkout, payment, refunds and disputes. State changes only through order_transition.

Functions that apply what Stripe says take the object re-read from Stripe's API (never the
webhook payload) and are idempotent: they lock the order row, compare with what is recorded and
write only the difference, and the ledger's unique constraints are the last word.
"""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from billing import ledger, stripe_gateway
from billing.models import (
    ORDER_MACHINE,
    Bundle,
    CreditEntry,
    EntryKind,
    Order,
    OrderStatus,
    Organisation,
    RefundShortfall,
)
from billing.services.ledger import credits_purchase, lot_reduce, lot_remaining
from lms import policies
from lms.models import Role, User
from lms.services import email_enqueue
from lms.transitions import status_record_created, status_transition

CHECKOUT_FAILED_MESSAGE = (
    "We couldn't reach the payment provider. Nothing was charged; please try again shortly."
)


def _locked(order: Order) -> Order:
    return Order.objects.select_for_update().select_related("bundle").get(pk=order.pk)


def order_transition(*, order: Order, to_status: str, actor=None, note: str = "", **changes):
    return status_transition(
        record=order,
        machine=ORDER_MACHINE,
        to_status=to_status,
        actor=actor,
        note=note,
        changes=changes,
    )


@transaction.atomic
def order_create(
    *, coach: User, bundle: Bundle, quantity: int = 1, organisation: Organisation | None = None
) -> Order:
    if not bundle.active:
        raise ValidationError("This bundle is no longer on sale.")
    if organisation is not None and not policies.runs_organisation(coach, organisation):
        raise ValidationError("Only the organisation's admins can buy for it.")
    order = Order(
        coach=coach,
        organisation=organisation,
        bundle=bundle,
        quantity=quantity,
        hours=bundle.hours * quantity,
        amount=bundle.price * quantity,
        currency=bundle.currency,
        validity_months=bundle.validity_months,
    )
    order.full_clean()
    order.save()
    status_record_created(record=order, machine=ORDER_MACHINE, actor=coach)
    return order


def order_checkout_start(*, order: Order, success_url: str, cancel_url: str) -> str:
    """The Checkout Session's url for a pending order (one session per order, thanks to the
    idempotency key). Outside a transaction: no row is locked while Stripe answers."""
    try:
        session = stripe_gateway.checkout_session_create(
            order=order,
            success_url=success_url,
            cancel_url=cancel_url,
            customer_email=order.coach.email,
        )
    except stripe_gateway.StripeError as error:
        with transaction.atomic():
            order_transition(order=_locked(order), to_status=OrderStatus.FAILED, note=str(error))
        raise ValidationError(CHECKOUT_FAILED_MESSAGE) from error
    Order.objects.filter(pk=order.pk).update(stripe_session_id=session.id, checkout_url=session.url)
    return session.url


@transaction.atomic
def order_payment_confirm(*, order: Order, session, charge=None) -> bool:
    """Mark the order paid and write its lot, once, when the re-read session says it is paid
    (`charge`, re-read too, gives the receipt). Returns whether anything changed."""
    order = _locked(order)
    if session.payment_status not in {"paid", "no_payment_required"}:
        return False
    if order.status != OrderStatus.PENDING:
        return False
    order_transition(
        order=order,
        to_status=OrderStatus.PAID,
        note=f"Checkout session {session.id} paid.",
        paid_at=timezone.now(),
        stripe_payment_intent_id=session.payment_intent or "",
        stripe_charge_id=charge.id if charge else "",
        receipt_url=(charge.receipt_url or "") if charge else "",
    )
    if order.organisation_id is None:
        credits_purchase(order=order, coach=order.coach, hours=order.hours, seat=0, actor=None)
    return True


@transaction.atomic
def order_close(*, order: Order, session) -> bool:
    """A session Stripe says expired, or whose delayed payment failed."""
    order = _locked(order)
    if order.status != OrderStatus.PENDING:
        return False
    if session.status == "expired":
        order_transition(order=order, to_status=OrderStatus.EXPIRED, note="Checkout expired.")
        return True
    if session.payment_status == "unpaid" and session.status == "complete":
        order_transition(order=order, to_status=OrderStatus.FAILED, note="Payment failed.")
        return True
    return False


def _order_lots(order: Order) -> list[CreditEntry]:
    return list(CreditEntry.objects.filter(order=order, kind=EntryKind.PURCHASE).order_by("seat"))


def _admin_emails() -> list[str]:
    """Who hears about refunds after use and disputes: superusers and programme admins."""
    admins = User.objects.filter(is_active=True).filter(
        Q(is_superuser=True) | Q(groups__name=Role.PROGRAMME_ADMIN)
    )
    return sorted(set(admins.values_list("email", flat=True)))


@transaction.atomic
def order_refund_apply(*, order: Order, charge) -> bool:
    """Bring the order in line with the charge's cumulative `amount_refunded`: remove that share
    of each lot's hours from what is unspent, and flag any already-spent share for an admin."""
    order = _locked(order)
    if charge.amount_refunded <= order.amount_refunded:
        return False
    shortfalls = []
    for lot in _order_lots(order):
        target = ledger.refunded_hours(
            lot_hours=lot.hours, amount=order.amount, amount_refunded=charge.amount_refunded
        )
        covered = -sum(
            (entry.hours for entry in lot.draws.filter(kind=EntryKind.REFUND)), Decimal(0)
        ) + sum((flag.hours for flag in lot.shortfalls.all()), Decimal(0))
        removal = ledger.refund_removal(
            lot=lot_remaining(lot), refunded_hours=target, already_covered=covered
        )
        lot_reduce(
            lot=lot,
            kind=EntryKind.REFUND,
            hours=removal.removed,
            actor=None,
            reason=f"Refund on charge {charge.id}",
        )
        if removal.shortfall > 0:
            shortfalls.append(
                RefundShortfall.objects.create(
                    order=order,
                    lot=lot,
                    hours=removal.shortfall,
                    note=f"Charge {charge.id} refunded after these hours were used.",
                )
            )
    fully = charge.amount_refunded >= order.amount
    order_transition(
        order=order,
        to_status=OrderStatus.REFUNDED if fully else OrderStatus.PARTIALLY_REFUNDED,
        note=f"Charge {charge.id}: {charge.amount_refunded} of {order.amount} refunded.",
        amount_refunded=charge.amount_refunded,
    )
    if shortfalls:
        hours = sum((flag.hours for flag in shortfalls), Decimal(0))
        email_enqueue(
            subject=f"Refund after use: order {order.pk}",
            body=(
                f"Order {order.pk} ({order.bundle.name}, {order.coach.email}) was refunded, "
                f"but {hours} of the refunded hours had already been used. Nothing was "
                "refused; please look at the refund shortfalls in the back office."
            ),
            to=_admin_emails(),
        )
    return True


@transaction.atomic
def order_dispute_freeze(*, order: Order, charge, dispute_id: str) -> bool:
    """Freeze every unspent hour of the order's lots while the dispute lasts; tell the admins."""
    order = _locked(order)
    frozen = False
    for lot in _order_lots(order):
        if lot.draws.filter(kind=EntryKind.DISPUTE_FREEZE).exists():
            continue
        unspent = max(lot_remaining(lot).remaining, Decimal(0))
        frozen |= bool(
            lot_reduce(
                lot=lot,
                kind=EntryKind.DISPUTE_FREEZE,
                hours=unspent,
                actor=None,
                reason=f"Dispute {dispute_id} on charge {charge.id}",
            )
        )
    if frozen:
        email_enqueue(
            subject=f"Payment disputed: order {order.pk}",
            body=(
                f"The card payment for order {order.pk} ({order.bundle.name}, "
                f"{order.coach.email}) is disputed ({dispute_id}). Its unspent hours are "
                "frozen. Answer the dispute in the Stripe dashboard."
            ),
            to=_admin_emails(),
        )
    return frozen


def order_refund_request(*, order: Order, actor, amount: int | None = None):
    """Ask Stripe to refund (all, or `amount` minor units). The credits go when Stripe's
    charge.refunded webhook arrives, so a refund made in Stripe's dashboard works the same."""
    if not policies.can_manage_billing(actor):
        raise ValidationError("Only programme admins can refund orders.")
    if order.status not in {OrderStatus.PAID, OrderStatus.PARTIALLY_REFUNDED}:
        raise ValidationError("Only a paid order can be refunded.")
    if amount is not None and not 0 < amount <= order.amount - order.amount_refunded:
        raise ValidationError("The refund must be more than zero and no more than is left.")
    return stripe_gateway.refund_create(
        payment_intent_id=order.stripe_payment_intent_id,
        amount=amount,
        idempotency_key=f"order-{order.pk}-refund-{order.amount_refunded}-{amount}",
    )


@transaction.atomic
def organisation_seat_assign(*, order: Order, member: User, actor: User) -> CreditEntry:
    """Give one bundle of an employer-funded order to a member: that member's lot."""
    order = _locked(order)
    if order.organisation_id is None or not policies.runs_organisation(actor, order.organisation):
        raise ValidationError("Only the organisation's admins can hand out its hours.")
    if order.status != OrderStatus.PAID:
        raise ValidationError("Hours can be handed out once the order is paid and not refunded.")
    if not order.organisation.members.filter(pk=member.pk).exists():
        raise ValidationError("That person is not a member of the organisation.")
    taken = CreditEntry.objects.filter(order=order, kind=EntryKind.PURCHASE).count()
    if taken >= order.quantity:
        raise ValidationError("Every bundle of this order has been handed out.")
    return credits_purchase(
        order=order, coach=member, hours=order.bundle.hours, seat=taken + 1, actor=actor
    )
