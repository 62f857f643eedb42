"""A small stand-in for Stripe's API, hosted Checkout page and webhooks (development, tests).

Only what the app uses: Checkout Sessions (create, retrieve, expire), PaymentIntents and Charges
(retrieve), Refunds (create), Customers, Events. Objects start from Stripe's own example objects
(fixtures/, from Stripe's OpenAPI repository). Paying on /pay/<session> with a test card sends
signed webhooks (Stripe-Signature: t=…,v1=HMAC-SHA256(secret, "t.payload")) to the app.

Test controls under /_double/: list the events sent, switch delivery off (a test then delivers
events itself, in any order), open a dispute on a charge.
"""

import copy
import hashlib
import hmac
import html
import json
import re
import secrets
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

import requests

FIXTURES = Path(__file__).with_name("fixtures")
CARD_SUCCEEDS = "4242424242424242"
CARD_DECLINED = "4000000000000002"
CARD_NEEDS_AUTHENTICATION = "4000000000003220"


def _fixture(name: str) -> dict:
    return json.loads((FIXTURES / f"{name}.json").read_text())


def _id(prefix: str) -> str:
    return f"{prefix}_test_{secrets.token_hex(12)}"


def form_decode(body: str) -> dict:
    """Stripe's form encoding (a[b][0][c]=v) as nested dicts and lists."""
    result: dict = {}
    for key, value in parse_qsl(body, keep_blank_values=True):
        parts = [part for part in re.split(r"[\[\]]+", key) if part]
        node = result
        for part in parts[:-1]:
            node = node.setdefault(part, {})
        node[parts[-1]] = value
    return _lists(result)


def _lists(node):
    if isinstance(node, dict):
        if node and all(key.isdigit() for key in node):
            return [_lists(node[key]) for key in sorted(node, key=int)]
        return {key: _lists(value) for key, value in node.items()}
    return node


def signature_header(payload: bytes, secret: str, timestamp: int | None = None) -> str:
    timestamp = int(time.time()) if timestamp is None else timestamp
    signed = f"{timestamp}.".encode() + payload
    digest = hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={digest}"


class StripeState:
    """Everything the double knows; one lock, since the server is threaded."""

    def __init__(self, *, base_url: str, webhook_url: str, webhook_secret: str):
        self.base_url = base_url
        self.webhook_url = webhook_url
        self.webhook_secret = webhook_secret
        self.deliver = True
        self.lock = threading.RLock()
        self.objects: dict[str, dict] = {}
        self.events: list[dict] = []
        self.idempotent: dict[str, dict] = {}
        self.deliveries: list[tuple[str, int]] = []

    # Objects --------------------------------------------------------------------------------

    def checkout_session_create(self, params: dict) -> dict:
        session = _fixture("checkout_session")
        line_items = params.get("line_items", [])
        total = sum(
            int(item.get("price_data", {}).get("unit_amount", 0)) * int(item.get("quantity", 1))
            for item in line_items
        )
        currency = next(
            (item["price_data"]["currency"] for item in line_items if "price_data" in item), "gbp"
        )
        session_id = _id("cs")
        session.update(
            id=session_id,
            url=f"{self.base_url}/pay/{session_id}",
            mode=params.get("mode", "payment"),
            status="open",
            payment_status="unpaid",
            payment_intent=None,
            amount_subtotal=total,
            amount_total=total,
            currency=currency,
            client_reference_id=params.get("client_reference_id"),
            metadata=params.get("metadata", {}),
            customer_email=params.get("customer_email"),
            success_url=params.get("success_url"),
            cancel_url=params.get("cancel_url"),
            created=int(time.time()),
            expires_at=int(time.time()) + 24 * 3600,
            livemode=False,
        )
        session["_payment_intent_metadata"] = params.get("payment_intent_data", {}).get(
            "metadata", {}
        )
        self.objects[session_id] = session
        return session

    def session_pay(self, session: dict) -> None:
        """The card went through: a PaymentIntent, a Charge, the session complete, webhooks."""
        now = int(time.time())
        intent, charge = _fixture("payment_intent"), _fixture("charge")
        intent_id, charge_id = _id("pi"), _id("ch")
        intent.update(
            id=intent_id,
            amount=session["amount_total"],
            amount_received=session["amount_total"],
            currency=session["currency"],
            status="succeeded",
            latest_charge=charge_id,
            metadata=session["_payment_intent_metadata"],
            created=now,
            livemode=False,
        )
        charge.update(
            id=charge_id,
            amount=session["amount_total"],
            amount_captured=session["amount_total"],
            amount_refunded=0,
            refunded=False,
            paid=True,
            captured=True,
            status="succeeded",
            currency=session["currency"],
            payment_intent=intent_id,
            receipt_email=session["customer_email"],
            receipt_url=f"{self.base_url}/receipts/{charge_id}",
            metadata={},
            created=now,
            livemode=False,
        )
        charge["refunds"] = {
            "object": "list",
            "data": [],
            "has_more": False,
            "url": f"/v1/charges/{charge_id}/refunds",
        }
        self.objects[intent_id], self.objects[charge_id] = intent, charge
        session.update(status="complete", payment_status="paid", payment_intent=intent_id)
        self.event_send("checkout.session.completed", session)

    def session_expire(self, session: dict) -> dict:
        if session["status"] != "open":
            raise StripeErrorResponse(400, f"Session {session['id']} is not open.")
        session["status"] = "expired"
        self.event_send("checkout.session.expired", session)
        return session

    def refund_create(self, params: dict) -> dict:
        charge = None
        if params.get("charge"):
            charge = self.objects.get(params["charge"])
        elif params.get("payment_intent"):
            intent = self.objects.get(params["payment_intent"])
            charge = intent and self.objects.get(intent["latest_charge"])
        if charge is None:
            raise StripeErrorResponse(400, "No such charge or payment intent.", "resource_missing")
        left = charge["amount"] - charge["amount_refunded"]
        amount = int(params.get("amount", left))
        if not 0 < amount <= left:
            raise StripeErrorResponse(
                400, f"Refund amount ({amount}) is greater than unrefunded amount on charge."
            )
        refund = _fixture("refund")
        refund.update(
            id=_id("re"),
            amount=amount,
            charge=charge["id"],
            payment_intent=charge["payment_intent"],
            currency=charge["currency"],
            status="succeeded",
            created=int(time.time()),
            metadata=params.get("metadata", {}),
        )
        self.objects[refund["id"]] = refund
        charge["amount_refunded"] += amount
        charge["refunded"] = charge["amount_refunded"] >= charge["amount"]
        charge["refunds"]["data"].insert(0, refund)
        self.event_send("charge.refunded", charge)
        return refund

    def dispute_create(self, charge: dict) -> dict:
        dispute = _fixture("dispute")
        dispute.update(
            id=_id("dp"),
            amount=charge["amount"],
            charge=charge["id"],
            payment_intent=charge["payment_intent"],
            currency=charge["currency"],
            status="needs_response",
            created=int(time.time()),
        )
        charge["disputed"] = True
        self.objects[dispute["id"]] = dispute
        self.event_send("charge.dispute.created", dispute)
        return dispute

    def customer_create(self, params: dict) -> dict:
        customer = _fixture("customer")
        customer.update(
            id=_id("cus"),
            email=params.get("email"),
            name=params.get("name"),
            metadata=params.get("metadata", {}),
            created=int(time.time()),
        )
        self.objects[customer["id"]] = customer
        return customer

    # Events and webhooks --------------------------------------------------------------------

    def event_send(self, event_type: str, data_object: dict) -> dict:
        event = _fixture("event")
        event.update(
            id=_id("evt"),
            type=event_type,
            created=int(time.time()),
            api_version="2025-01-27.acacia",
            pending_webhooks=1,
            data={"object": public(data_object)},
        )
        self.objects[event["id"]] = event
        self.events.append(event)
        if self.deliver and self.webhook_url:
            threading.Thread(target=self.event_deliver, args=(event,), daemon=True).start()
        return event

    def event_deliver(self, event: dict, attempts: int = 4) -> int:
        payload = json.dumps(event).encode()
        status = 0
        for attempt in range(attempts):
            headers = {
                "Content-Type": "application/json; charset=utf-8",
                "Stripe-Signature": signature_header(payload, self.webhook_secret),
            }
            try:
                status = requests.post(
                    self.webhook_url, data=payload, headers=headers, timeout=30
                ).status_code
            except requests.RequestException:
                status = 0
            if 200 <= status < 300:
                break
            time.sleep(0.5 * 2**attempt)
        with self.lock:
            self.deliveries.append((event["id"], status))
        return status


def public(obj: dict) -> dict:
    return {key: value for key, value in copy.deepcopy(obj).items() if not key.startswith("_")}


class StripeErrorResponse(Exception):
    def __init__(self, status: int, message: str, code: str | None = None):
        super().__init__(message)
        self.status, self.message, self.code = status, message, code

    def body(self) -> dict:
        return {
            "error": {"type": "invalid_request_error", "message": self.message, "code": self.code}
        }


PAGE = """<!doctype html><html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Pay · Stripe test double</title></head><body><main>
<h1>Pay {amount}</h1><p>Test mode. Cards: 4242 4242 4242 4242 succeeds, 4000 0000 0000 0002 is
declined, 4000 0000 0000 3220 asks you to authenticate.</p>{body}
<p><a href="{cancel_url}">Cancel and go back</a></p></main></body></html>"""

CARD_FORM = """{error}<form method="post" action="/pay/{session_id}">
<label for="card">Card number</label>
<input id="card" name="card" inputmode="numeric" autocomplete="cc-number" required>
<label for="expiry">Expiry (MM / YY)</label><input id="expiry" name="expiry" value="12 / 34">
<label for="cvc">CVC</label><input id="cvc" name="cvc" value="123">
<button type="submit">Pay</button></form>"""

AUTH_FORM = """<h2>Authenticate this payment</h2><p>Your bank asks you to confirm it is you.</p>
<form method="post" action="/pay/{session_id}/authenticate">
<button type="submit" name="outcome" value="complete">Authenticate</button>
<button type="submit" name="outcome" value="fail">Fail authentication</button></form>"""


class Handler(BaseHTTPRequestHandler):
    server_version = "StripeDouble/1.0"
    state: StripeState

    def log_message(self, format, *args):
        if getattr(self.server, "verbose", False):
            super().log_message(format, *args)

    # Plumbing -------------------------------------------------------------------------------

    def _body(self) -> str:
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length).decode() if length else ""

    def _send(self, status: int, body: bytes, content_type: str, headers=None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)

    def _json(self, status: int, obj: dict) -> None:
        self._send(status, json.dumps(public(obj)).encode(), "application/json")

    def _page(self, session: dict, body: str, status: int = 200) -> None:
        amount = f"{session['currency'].upper()} {session['amount_total'] / 100:,.2f}"
        page = PAGE.format(
            amount=amount, body=body, cancel_url=html.escape(session["cancel_url"] or "/")
        )
        self._send(status, page.encode(), "text/html; charset=utf-8")

    def _redirect(self, url: str) -> None:
        self._send(303, b"", "text/plain", {"Location": url})

    def _object(self, object_id: str, kind: str) -> dict:
        obj = self.state.objects.get(object_id)
        if obj is None or obj.get("object") != kind:
            raise StripeErrorResponse(404, f"No such {kind}: '{object_id}'", "resource_missing")
        return obj

    def _authorised(self) -> bool:
        return self.headers.get("Authorization", "").startswith("Bearer sk_")

    def _route(self, method: str) -> None:
        path = urlsplit(self.path).path.rstrip("/")
        body = self._body() if method == "POST" else ""
        try:
            with self.state.lock:
                if path.startswith("/pay/"):
                    return self._checkout_page(method, path, body)
                if path.startswith("/_double/"):
                    return self._control(method, path, body)
                if path.startswith("/receipts/"):
                    return self._send(200, b"Receipt (test mode)", "text/plain")
                if not self._authorised():
                    raise StripeErrorResponse(401, "Invalid API Key provided.")
                return self._api(method, path, form_decode(body))
        except StripeErrorResponse as error:
            self._send(error.status, json.dumps(error.body()).encode(), "application/json")

    def do_GET(self):
        self._route("GET")

    def do_POST(self):
        self._route("POST")

    # The API --------------------------------------------------------------------------------

    def _api(self, method: str, path: str, params: dict) -> None:
        key = self.headers.get("Idempotency-Key")
        if method == "POST" and key and key in self.state.idempotent:
            return self._json(200, self.state.idempotent[key])
        state = self.state
        parts = path.split("/")[2:]  # after /v1
        match method, parts:
            case "POST", ["checkout", "sessions"]:
                result = state.checkout_session_create(params)
            case "GET", ["checkout", "sessions", session_id]:
                result = self._object(session_id, "checkout.session")
            case "POST", ["checkout", "sessions", session_id, "expire"]:
                result = state.session_expire(self._object(session_id, "checkout.session"))
            case "GET", ["payment_intents", intent_id]:
                result = self._object(intent_id, "payment_intent")
            case "GET", ["charges", charge_id]:
                result = self._object(charge_id, "charge")
            case "POST", ["refunds"]:
                result = state.refund_create(params)
            case "POST", ["customers"]:
                result = state.customer_create(params)
            case "GET", ["customers", customer_id]:
                result = self._object(customer_id, "customer")
            case "GET", ["events", event_id]:
                result = self._object(event_id, "event")
            case _:
                raise StripeErrorResponse(404, f"Unrecognised request URL ({method}: {path}).")
        if method == "POST" and key:
            state.idempotent[key] = copy.deepcopy(result)
        self._json(200, result)

    # Hosted Checkout ------------------------------------------------------------------------

    def _checkout_page(self, method: str, path: str, body: str) -> None:
        parts = path.split("/")[2:]
        session = self._object(parts[0], "checkout.session")
        if session["status"] != "open":
            note = "This checkout is already paid." if session["status"] == "complete" else ""
            if session["status"] == "complete":
                return self._redirect(session["success_url"])
            return self._page(session, f"<p>This checkout has expired.</p>{note}", 410)
        form = CARD_FORM.format(session_id=session["id"], error="{error}")
        if method == "GET":
            return self._page(session, form.format(error=""))
        fields = dict(parse_qsl(body))
        if parts[1:] == ["authenticate"]:
            if fields.get("outcome") == "complete" and session.get("_authenticating"):
                session.pop("_authenticating")
                self.state.session_pay(session)
                return self._redirect(session["success_url"])
            session.pop("_authenticating", None)
            error = '<p role="alert">We could not authenticate your payment. Try again.</p>'
            return self._page(session, form.format(error=error), 402)
        card = re.sub(r"\D", "", fields.get("card", ""))
        if card == CARD_SUCCEEDS:
            self.state.session_pay(session)
            return self._redirect(session["success_url"])
        if card == CARD_NEEDS_AUTHENTICATION:
            session["_authenticating"] = True
            return self._page(session, AUTH_FORM.format(session_id=session["id"]))
        message = (
            "Your card was declined."
            if card == CARD_DECLINED
            else "Use one of the test card numbers below."
        )
        return self._page(session, form.format(error=f'<p role="alert">{message}</p>'), 402)

    # Test controls --------------------------------------------------------------------------

    def _control(self, method: str, path: str, body: str) -> None:
        parts = path.split("/")[2:]
        state = self.state
        match method, parts:
            case "GET", ["events"]:
                return self._send(200, json.dumps(state.events).encode(), "application/json")
            case "POST", ["config"]:
                state.deliver = json.loads(body or "{}").get("deliver", state.deliver)
                return self._send(200, b"{}", "application/json")
            case "POST", ["charges", charge_id, "dispute"]:
                return self._json(200, state.dispute_create(self._object(charge_id, "charge")))
            case "POST", ["checkout", "sessions", session_id, "pay"]:
                session = self._object(session_id, "checkout.session")
                state.session_pay(session)
                return self._json(200, session)
        raise StripeErrorResponse(404, f"No control at {path}.")


def make_server(
    *, host: str = "127.0.0.1", port: int = 0, webhook_url: str = "", webhook_secret: str = ""
) -> ThreadingHTTPServer:
    """A server not yet serving (port 0 picks a free one); `server.state` is its StripeState."""
    server = ThreadingHTTPServer((host, port), Handler)
    base_url = f"http://{host}:{server.server_address[1]}"
    state = StripeState(base_url=base_url, webhook_url=webhook_url, webhook_secret=webhook_secret)
    server.RequestHandlerClass = type("BoundHandler", (Handler,), {"state": state})
    server.state = state
    server.base_url = base_url
    server.daemon_threads = True
    return server
