"""Writes of the billing app, by topic: ledger (the API bookings call), orders, webhooks,
expiry."""
