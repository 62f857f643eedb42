"""python -m billing.stripe_double --port 12111 --webhook-url URL --webhook-secret whsec_…"""

import argparse
import contextlib
import os

from billing.stripe_double.server import make_server


def main() -> None:
    parser = argparse.ArgumentParser(description="Stripe test double (development and tests).")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=12111)
    parser.add_argument("--webhook-url", default="http://127.0.0.1:8000/billing/stripe/webhook/")
    parser.add_argument(
        "--webhook-secret", default=os.environ.get("STRIPE_WEBHOOK_SECRET", "whsec_dev_double")
    )
    parser.add_argument("--verbose", action="store_true")
    args = parser.parse_args()
    server = make_server(
        host=args.host,
        port=args.port,
        webhook_url=args.webhook_url,
        webhook_secret=args.webhook_secret,
    )
    server.verbose = args.verbose
    print(f"Stripe double on {server.base_url}, webhooks to {args.webhook_url}", flush=True)
    with contextlib.suppress(KeyboardInterrupt):
        server.serve_forever()


if __name__ == "__main__":
    main()
