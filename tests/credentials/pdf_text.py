"""The text of a PDF, page by page, as a reader copying it would get it (pypdf)."""

import io

from pypdf import PdfReader


def pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def stored_pdf_text(field) -> str:
    with field.open("rb") as pdf:
        return pdf_text(pdf.read())
