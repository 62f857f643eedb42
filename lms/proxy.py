"""The client's address when the site runs behind TLS-terminating proxies.

Each proxy appends the address it received the request from to X-Forwarded-For, so with N
proxies of our own in front (TRUSTED_PROXY_COUNT) the client is the N-th address from the
right; anything further left was written by the client and cannot be trusted. django-axes
counts sign-in failures by this address (AXES_CLIENT_IP_CALLABLE).
"""

import ipaddress

from django.conf import settings


def client_ip(request) -> str | None:
    remote_addr = request.META.get("REMOTE_ADDR")
    proxies = settings.TRUSTED_PROXY_COUNT
    if proxies <= 0:
        return remote_addr
    forwarded = [
        address.strip()
        for address in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
        if address.strip()
    ]
    if len(forwarded) < proxies:
        # Not through all our proxies (a health check from inside, say): the peer is the client.
        return remote_addr
    address = forwarded[-proxies]
    try:
        return str(ipaddress.ip_address(address))
    except ValueError:
        return remote_addr
