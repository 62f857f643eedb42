"""Checks on uploaded certificates: a file is accepted only if it really is a PDF, PNG or JPEG
that opens, whatever its name or first bytes claim."""

import io

from django.core.exceptions import ValidationError
from django.core.files import File
from PIL import Image
from pypdf import PdfReader

CERTIFICATE_MAX_BYTES = 5 * 1024 * 1024
# What a certificate file starts with, and what it is then named.
CERTIFICATE_SIGNATURES = (
    (b"%PDF-", ".pdf"),
    (b"\x89PNG\r\n\x1a\n", ".png"),
    (b"\xff\xd8\xff", ".jpg"),
)
IMAGE_FORMATS = {".png": "PNG", ".jpg": "JPEG"}
NOT_A_CERTIFICATE_FILE = "The certificate must be a PDF, PNG or JPEG file. This file is not one."
DAMAGED_FILE = (
    "This file cannot be opened: it may be damaged or only partly downloaded. "
    "Download or scan your certificate again and attach the new file."
)
LOCKED_PDF = "This PDF is protected by a password. Attach a copy without a password."


def _pdf_opens(content: bytes) -> None:
    try:
        reader = PdfReader(io.BytesIO(content))
        if reader.is_encrypted and not reader.decrypt(""):
            raise ValidationError(LOCKED_PDF, code="pdf_password")
        if len(reader.pages) < 1:
            raise ValidationError(DAMAGED_FILE, code="pdf_no_pages")
        reader.pages[0].mediabox  # noqa: B018  (the first page itself must be readable)
    except ValidationError:
        raise
    except Exception as error:  # pypdf raises many kinds of error on malformed files
        raise ValidationError(DAMAGED_FILE, code="pdf_damaged") from error


def _image_opens(content: bytes, image_format: str) -> None:
    try:
        with Image.open(io.BytesIO(content)) as image:
            if image.format != image_format:
                raise ValidationError(NOT_A_CERTIFICATE_FILE, code="certificate_type")
            image.verify()  # checks the file's structure; the image must be opened again
        with Image.open(io.BytesIO(content)) as image:
            image.load()  # decodes every pixel: a truncated image fails here
    except ValidationError:
        raise
    except Exception as error:  # so does Pillow
        raise ValidationError(DAMAGED_FILE, code="image_damaged") from error


def certificate_extension(certificate: File) -> str:
    """What the certificate really is ('.pdf', '.png' or '.jpg'); ValidationError if it is none
    of them, is too large, or does not open."""
    if certificate.size > CERTIFICATE_MAX_BYTES:
        raise ValidationError(
            "The certificate is larger than 5 MB. Attach a smaller file.", code="too_large"
        )
    certificate.seek(0)
    content = certificate.read()
    certificate.seek(0)
    extension = next(
        (ext for signature, ext in CERTIFICATE_SIGNATURES if content.startswith(signature)), None
    )
    if extension is None:
        raise ValidationError(NOT_A_CERTIFICATE_FILE, code="certificate_type")
    if extension == ".pdf":
        _pdf_opens(content)
    else:
        _image_opens(content, IMAGE_FORMATS[extension])
    return extension


def validate_certificate(certificate: File) -> None:
    """The certificate field's validator (model and form)."""
    certificate_extension(certificate)
