"""Private files through short-lived signed links: the link names the file and the person it
was made for, expires after GRADING_LINK_SECONDS, and the view checks permission again."""

import os
import re

from django.conf import settings
from django.core import signing
from django.http import FileResponse, Http404, HttpResponse, StreamingHttpResponse
from django.urls import reverse

_SALT = "courses.grading.file"
_RANGE = re.compile(r"^bytes=(\d*)-(\d*)$")
EXPIRED_MESSAGE = "This link has expired. Reload the page to get a new one."


def signed_file_url(*, version, which: str, user) -> str:
    token = signing.TimestampSigner(salt=_SALT).sign_object(
        {"v": version.pk, "f": which, "u": user.pk}
    )
    return reverse("courses:grading_file", args=[token])


def unsign(token: str) -> dict:
    """The link's content; Http404 for a forged link, signing.SignatureExpired for an old one."""
    try:
        return signing.TimestampSigner(salt=_SALT).unsign_object(
            token, max_age=settings.GRADING_LINK_SECONDS
        )
    except signing.SignatureExpired:
        raise
    except signing.BadSignature:
        raise Http404("No such file.") from None


def _chunks(handle, length: int, size: int = 64 * 1024):
    with handle:
        while length > 0:
            data = handle.read(min(size, length))
            if not data:
                break
            length -= len(data)
            yield data


def file_response(request, field, *, content_type: str, inline: bool) -> HttpResponse:
    """The file, with single byte ranges so that a player can seek to a moment."""
    size = field.size
    handle = field.open("rb")
    match = _RANGE.match(request.headers.get("Range", ""))
    if match and (match[1] or match[2]):
        if match[1]:
            start = int(match[1])
            end = min(int(match[2]), size - 1) if match[2] else size - 1
        else:
            start, end = max(size - int(match[2]), 0), size - 1
        if start > end or start >= size:
            handle.close()
            response = HttpResponse(status=416)
            response["Content-Range"] = f"bytes */{size}"
            return response
        handle.seek(start)
        response = StreamingHttpResponse(
            _chunks(handle, end - start + 1), status=206, content_type=content_type
        )
        response["Content-Range"] = f"bytes {start}-{end}/{size}"
        response["Content-Length"] = str(end - start + 1)
    else:
        response = FileResponse(
            handle,
            content_type=content_type,
            as_attachment=not inline,
            filename=os.path.basename(field.name),
        )
    response["Accept-Ranges"] = "bytes"
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response
