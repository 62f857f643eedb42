"""Stripe webhook benchmark: signed deliveries, 30% of them duplicates, against gunicorn.

Starts the local stack (.ci/stack), rebuilds a `coach_bench_webhooks` database, creates N
coaches with a pending order each, pays every order's Checkout Session in the Stripe double
(billing.stripe_double, run inside this process, its own webhook delivery off), then sends the
double's `checkout.session.completed` events, each signed as Stripe signs them, plus 30% re-sent
duplicates in random order, from a few keep-alive clients to gunicorn (production settings,
bench/settings.py) while a Celery worker processes them (re-reading each session, payment
intent and charge from the double). Reports the endpoint's events/s, p50 and p95, how long the
worker took to process every event, and checks that every order has exactly one purchase lot
(zero double credits). Writes bench/results/webhooks-<time>.json.

Run: .venv/bin/python bench/webhooks.py [--orders 1000] (STACK_DIR etc. choose the stack).
"""

import argparse
import http.client
import json
import os
import random
import subprocess
import sys
import threading
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.dashboard import (  # noqa: E402
    HOST,
    free_port,
    machine_description,
    migrate_bench_database,
    served_description,
    start_gunicorn,
    stop_serving,
    use_stack_database,
)
from bench.load import LoadResult  # noqa: E402

RESULTS_DIR = ROOT / "bench" / "results"
WEBHOOK_PATH = "/billing/stripe/webhook/"
WEBHOOK_SECRET = "whsec_bench_double"


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--orders", type=int, default=1000, help="paid orders (unique events)")
    parser.add_argument("--duplicates", type=float, default=0.3, help="share of re-sent events")
    parser.add_argument("--clients", type=int, default=4, help="concurrent keep-alive clients")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 2, help="gunicorn")
    parser.add_argument("--threads", type=int, default=4, help="threads per gunicorn worker")
    parser.add_argument("--celery", type=int, default=2, help="Celery worker processes")
    parser.add_argument("--max-seconds", type=float, default=600.0, help="cap for processing")
    return parser.parse_args()


def build_paid_orders(*, count: int, state) -> list[dict]:
    """`count` coaches with a pending order whose session the double then marks paid; returns
    the double's completed events, one per order."""
    from decimal import Decimal

    from billing.models import Bundle, Order
    from lms.models import User

    bundle, _ = Bundle.objects.get_or_create(
        slug="bench-6", defaults={"name": "Bench 6 hours", "hours": Decimal(6), "price": 60000}
    )
    users = User.objects.bulk_create(
        User(email=f"coach{n}@bench.test", first_name="Coach", last_name=str(n))
        for n in range(count)
    )
    orders = Order.objects.bulk_create(
        Order(
            coach=user,
            bundle=bundle,
            hours=bundle.hours,
            amount=bundle.price,
            currency="gbp",
            validity_months=12,
        )
        for user in users
    )
    for order in orders:
        session = state.checkout_session_create(
            {
                "mode": "payment",
                "client_reference_id": str(order.pk),
                "metadata": {"order_id": str(order.pk)},
                "payment_intent_data": {"metadata": {"order_id": str(order.pk)}},
                "line_items": [
                    {"quantity": "1", "price_data": {"currency": "gbp", "unit_amount": "60000"}}
                ],
                "success_url": "http://127.0.0.1/ok",
                "cancel_url": "http://127.0.0.1/cancel",
            }
        )
        order.stripe_session_id = session["id"]
        state.session_pay(session)
    Order.objects.bulk_update(orders, ["stripe_session_id"])
    return [event for event in state.events if event["type"] == "checkout.session.completed"]


def send_all(*, port: int, bodies: list[bytes], clients: int) -> LoadResult:
    """Post every body once, signed at send time, from `clients` keep-alive connections."""
    from billing.stripe_double.server import signature_header

    result = LoadResult("webhook")
    queue = list(reversed(bodies))
    lock = threading.Lock()

    def client() -> None:
        connection = http.client.HTTPConnection(HOST, port, timeout=60)
        while True:
            with lock:
                if not queue:
                    break
                body = queue.pop()
            headers = {
                "Content-Type": "application/json",
                "Stripe-Signature": signature_header(body, WEBHOOK_SECRET),
            }
            started = time.perf_counter()
            connection.request("POST", WEBHOOK_PATH, body=body, headers=headers)
            response = connection.getresponse()
            response.read()
            elapsed = time.perf_counter() - started
            with lock:
                if response.status == 200:
                    result.latencies.append(elapsed)
                else:
                    result.errors.append(str(response.status))
        connection.close()

    threads = [threading.Thread(target=client) for _ in range(clients)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    result.elapsed = time.perf_counter() - started
    return result


def wait_until_processed(*, expected: int, max_seconds: float) -> tuple[int, float]:
    from billing.models import StripeEvent

    started = time.monotonic()
    while time.monotonic() - started < max_seconds:
        done = StripeEvent.objects.filter(processed_at__isnull=False).count()
        if done >= expected:
            break
        time.sleep(0.5)
    done = StripeEvent.objects.filter(processed_at__isnull=False).count()
    return done, time.monotonic() - started


def double_credit_check() -> dict:
    from django.db.models import Count

    from billing.models import CreditEntry, Order

    lots = CreditEntry.objects.filter(kind="purchase").values("order").annotate(n=Count("pk"))
    return {
        "orders": Order.objects.count(),
        "paid_orders": Order.objects.filter(status="paid").count(),
        "purchase_lots": CreditEntry.objects.filter(kind="purchase").count(),
        "orders_with_two_or_more_lots": sum(1 for row in lots if row["n"] > 1),
    }


def main() -> int:
    args = parse_args()
    stack_was_running = use_stack_database("coach_bench_webhooks")
    redis_server = os.environ["CELERY_BROKER_URL"].rsplit("/", 1)[0]
    os.environ["CELERY_BROKER_URL"] = f"{redis_server}/13"  # processed by our worker below
    migrate_bench_database()

    import redis

    from billing.stripe_double.server import make_server

    redis.Redis.from_url(os.environ["CELERY_BROKER_URL"]).flushdb()
    double = make_server(webhook_secret=WEBHOOK_SECRET)
    double.state.deliver = False
    threading.Thread(target=double.serve_forever, daemon=True).start()
    env = {
        **os.environ,
        "STRIPE_API_BASE": double.base_url,
        "STRIPE_SECRET_KEY": "sk_test_bench",
        "STRIPE_WEBHOOK_SECRET": WEBHOOK_SECRET,
    }

    started = time.monotonic()
    events = build_paid_orders(count=args.orders, state=double.state)
    print(f"{len(events)} paid orders built in {time.monotonic() - started:.0f} s")
    rng = random.Random(11)
    bodies = [json.dumps(event).encode() for event in events]
    duplicates = round(len(bodies) * args.duplicates / (1 - args.duplicates))
    bodies += [rng.choice(bodies) for _ in range(duplicates)]
    rng.shuffle(bodies)

    port = free_port()
    server = worker = None
    try:
        server = start_gunicorn(env=env, port=port, workers=args.workers, threads=args.threads)
        worker = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "lms", "worker", "-c", str(args.celery),
             "--loglevel", "warning"],
            cwd=ROOT,
            env=env,
        )  # fmt: skip
        load = send_all(port=port, bodies=bodies, clients=args.clients)
        processed, processing_seconds = wait_until_processed(
            expected=len(events), max_seconds=args.max_seconds
        )
    finally:
        if worker is not None:
            worker.terminate()
            worker.wait(timeout=30)
        stop_serving(server, stack_was_running=stack_was_running)
        double.shutdown()

    check = double_credit_check()
    report = {
        "benchmark": "webhooks",
        "at": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": machine_description(),
        "served": {**served_description(args), "celery": f"{args.celery} worker processes"},
        "unique_events": len(events),
        "sent": len(bodies),
        "endpoint": load.summary(),
        "processed": processed,
        "processed_within_seconds": round(processing_seconds, 1),
        "credits": check,
    }
    RESULTS_DIR.mkdir(exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    (RESULTS_DIR / f"webhooks-{stamp}.json").write_text(json.dumps(report, indent=2))
    print(json.dumps(report, indent=2))
    ok = (
        not load.errors
        and processed == len(events)
        and check["purchase_lots"] == len(events)
        and check["orders_with_two_or_more_lots"] == 0
    )
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
