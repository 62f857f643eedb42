"""Every email the product sends is rendered here, from templates/emails/, and every absolute
link in the product is built by `site_url`.

An email is two templates: `emails/<name>.subject.txt` (one line) and `emails/<name>.txt`
(the plain-text body). Services pass a name and a context; they never build bodies themselves.
"""

import re
from typing import NamedTuple

from django.conf import settings
from django.template.loader import render_to_string

# Line breaks and other control characters in a header would let text add headers of its own
# (Django refuses such a subject with BadHeaderError and the email is lost).
_CONTROL_CHARACTERS = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]+")


class RenderedEmail(NamedTuple):
    subject: str
    body: str


def site_url(path: str) -> str:
    """The absolute URL of a path on this site (`path` as `reverse` gives it), from SITE_URL."""
    if not path.startswith("/"):
        raise ValueError(f"site_url takes a path starting with '/', not {path!r}")
    return settings.SITE_URL.rstrip("/") + path


def header_text(text: str) -> str:
    """`text` made safe for an email header: control characters become single spaces."""
    return " ".join(_CONTROL_CHARACTERS.sub(" ", text).split())


def email_render(name: str, context: dict) -> RenderedEmail:
    """The subject (one safe line) and body of the email `name` with `context`."""
    subject = render_to_string(f"emails/{name}.subject.txt", context)
    body = render_to_string(f"emails/{name}.txt", context)
    return RenderedEmail(subject=header_text(subject), body=body)
