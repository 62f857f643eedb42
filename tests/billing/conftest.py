import json
import threading

import pytest
import requests

from billing.stripe_double.server import make_server, signature_header

WEBHOOK_SECRET = "whsec_test_double"
WEBHOOK_PATH = "/billing/stripe/webhook/"


class Double:
    """The Stripe double running in a thread, and the test's handle on it."""

    def __init__(self, server):
        self.server = server
        self.state = server.state
        self.base_url = server.base_url

    def pay(self, session_id: str, card: str = "4242 4242 4242 4242") -> requests.Response:
        return requests.post(
            f"{self.base_url}/pay/{session_id}",
            data={"card": card},
            allow_redirects=False,
            timeout=10,
        )

    def events(self, event_type: str | None = None) -> list[dict]:
        return [e for e in self.state.events if event_type in {None, e["type"]}]

    def dispute(self, charge_id: str) -> dict:
        return requests.post(
            f"{self.base_url}/_double/charges/{charge_id}/dispute", timeout=10
        ).json()


@pytest.fixture
def stripe_double(settings):
    """The double with webhook delivery off: tests post its events through the test client."""
    server = make_server(webhook_secret=WEBHOOK_SECRET)
    server.state.deliver = False
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    settings.STRIPE_API_BASE = server.base_url
    settings.STRIPE_SECRET_KEY = "sk_test_double"
    settings.STRIPE_WEBHOOK_SECRET = WEBHOOK_SECRET
    yield Double(server)
    server.shutdown()
    server.server_close()


def signed_post(client, payload: bytes, *, secret: str = WEBHOOK_SECRET, timestamp=None, **extra):
    return client.post(
        WEBHOOK_PATH,
        data=payload,
        content_type="application/json",
        HTTP_STRIPE_SIGNATURE=signature_header(payload, secret, timestamp),
        **extra,
    )


@pytest.fixture
def deliver(client, django_capture_on_commit_callbacks):
    """Post one of the double's events to the webhook as Stripe would, running the task."""

    def post(event: dict):
        with django_capture_on_commit_callbacks(execute=True):
            response = signed_post(client, json.dumps(event).encode())
        assert response.status_code == 200, response.content
        return response

    return post
