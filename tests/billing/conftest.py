import copy
import json
import socket
import subprocess
import sys
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


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def double_process(live_server, settings):
    """`python -m billing.stripe_double` in its own process (as `make demo` runs it), sending
    real signed webhooks to the live server; the app's settings point at it."""
    port = _free_port()
    command = [sys.executable, "-m", "billing.stripe_double", "--port", str(port)]
    command += ["--webhook-url", live_server.url + WEBHOOK_PATH]
    command += ["--webhook-secret", WEBHOOK_SECRET]
    process = subprocess.Popen(  # noqa: S603 - our own module, fixed arguments
        command,
        cwd=settings.BASE_DIR,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert "Stripe double on" in process.stdout.readline()
    settings.STRIPE_API_BASE = f"http://127.0.0.1:{port}"
    settings.STRIPE_SECRET_KEY = "sk_test_e2e"
    settings.STRIPE_WEBHOOK_SECRET = WEBHOOK_SECRET
    # What lms.settings.base derives from STRIPE_API_BASE at start-up.
    policy = copy.deepcopy(settings.CONTENT_SECURITY_POLICY)
    policy["DIRECTIVES"]["form-action"].append(settings.STRIPE_API_BASE)
    settings.CONTENT_SECURITY_POLICY = policy
    yield settings.STRIPE_API_BASE
    process.terminate()
    process.wait(timeout=10)
