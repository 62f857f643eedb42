"""Billing pages: catalogue, checkout, order status, my credits, organisations, the webhook."""

import logging

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import DatabaseError, transaction
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from billing import selectors, stripe_gateway
from billing.forms import OrganisationOrderForm, SeatAssignForm
from billing.models import OrderStatus, Organisation
from billing.services.orders import order_checkout_start, order_create, organisation_seat_assign
from billing.services.webhooks import stripe_event_record
from billing.tasks import process_stripe_event
from lms import policies

logger = logging.getLogger(__name__)

WEBHOOK_MAX_BYTES = 1024 * 1024


@require_GET
def bundle_list(request):
    return render(
        request,
        "billing/bundle_list.html",
        {"bundles": selectors.bundle_catalogue(), "cancelled": "cancelled" in request.GET},
    )


def _checkout_redirect(request, order) -> HttpResponse:
    success = request.build_absolute_uri(reverse("billing:order", args=[order.pk]))
    cancel = request.build_absolute_uri(reverse("billing:bundles")) + "?cancelled=1"
    try:
        url = order_checkout_start(order=order, success_url=success, cancel_url=cancel)
    except ValidationError as error:
        messages.error(request, error.messages[0])
        return redirect("billing:bundles")
    return HttpResponseRedirect(url, status=303)


@require_POST
@login_required
def bundle_checkout(request, slug: str):
    if not policies.can_buy_credits(request.user):
        raise PermissionDenied("Your account cannot buy hours.")
    bundle = get_object_or_404(selectors.bundle_catalogue(), slug=slug)
    order = order_create(coach=request.user, bundle=bundle)
    return _checkout_redirect(request, order)


@require_GET
@login_required
def order_detail(request, order_id: int):
    order = policies.found_or_404(
        selectors.order_for(user=request.user, order_id=order_id), "No such order."
    )
    template = "billing/order_status.html" if request.htmx else "billing/order_detail.html"
    return render(
        request, template, {"order": order, "waiting": order.status == OrderStatus.PENDING}
    )


@require_GET
@login_required
def my_credits(request):
    today = timezone.localdate()
    lots = selectors.credit_lots(coach=request.user, on=today)
    return render(
        request,
        "billing/credits.html",
        {
            "lots": lots,
            "balance": sum((lot.remaining for lot in lots), 0),
            "orders": selectors.orders_of(coach=request.user),
        },
    )


@login_required
def organisation_detail(request, organisation_id: int):
    organisation = get_object_or_404(Organisation, pk=organisation_id)
    if not policies.runs_organisation(request.user, organisation):
        raise PermissionDenied("Only this organisation's admins can see this page.")
    order_form = OrganisationOrderForm(prefix="buy")
    assign_form = SeatAssignForm(organisation=organisation, prefix="assign")
    if request.method == "POST" and request.POST.get("action") == "buy":
        order_form = OrganisationOrderForm(request.POST, prefix="buy")
        if order_form.is_valid():
            try:
                order = order_create(
                    coach=request.user,
                    bundle=order_form.cleaned_data["bundle"],
                    quantity=order_form.cleaned_data["quantity"],
                    organisation=organisation,
                )
            except ValidationError as error:
                order_form.add_error(None, error)
            else:
                return _checkout_redirect(request, order)
    elif request.method == "POST":
        assign_form = SeatAssignForm(request.POST, organisation=organisation, prefix="assign")
        if assign_form.is_valid():
            try:
                organisation_seat_assign(
                    order=assign_form.cleaned_data["order"],
                    member=assign_form.cleaned_data["member"],
                    actor=request.user,
                )
            except ValidationError as error:
                assign_form.add_error(None, error)
            else:
                messages.success(request, "The hours are now in the member's credits.")
                return redirect("billing:organisation", organisation_id=organisation.pk)
    status = 400 if request.method == "POST" else 200
    orders = organisation.orders.select_related("bundle").order_by("-created_at")
    return render(
        request,
        "billing/organisation.html",
        {
            "organisation": organisation,
            "orders": [(order, selectors.organisation_seats(order=order)) for order in orders],
            "order_form": order_form,
            "assign_form": assign_form,
        },
        status=status,
    )


@csrf_exempt
@require_POST
def stripe_webhook(request):
    """DESIGN §4: 400 bad signature or body, 413 too large, 2xx once recorded, 5xx if not."""
    declared = request.META.get("CONTENT_LENGTH") or "0"
    if not declared.isdigit():
        return HttpResponse("Bad Content-Length.", status=400, content_type="text/plain")
    if int(declared) > WEBHOOK_MAX_BYTES:
        return HttpResponse("Body too large.", status=413, content_type="text/plain")
    payload = request.read(WEBHOOK_MAX_BYTES + 1)
    if len(payload) > WEBHOOK_MAX_BYTES:
        return HttpResponse("Body too large.", status=413, content_type="text/plain")
    try:
        event = stripe_gateway.webhook_event_construct(
            payload=payload, signature=request.headers.get("Stripe-Signature")
        )
    except (ValueError, stripe_gateway.SignatureVerificationError) as error:
        return HttpResponse(f"Rejected: {error}", status=400, content_type="text/plain")
    try:
        with transaction.atomic():
            row, created = stripe_event_record(event=event, payload=payload)
            if created or row.processed_at is None:
                transaction.on_commit(lambda: process_stripe_event.delay(row.pk), robust=True)
    except DatabaseError:
        logger.exception("Could not record Stripe event %s", event["id"])
        return HttpResponse("Could not record the event.", status=503, content_type="text/plain")
    return HttpResponse("Recorded.", status=200, content_type="text/plain")
