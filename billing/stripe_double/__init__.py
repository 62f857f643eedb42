"""A Stripe stand-in for development and tests: run `python -m billing.stripe_double`."""
