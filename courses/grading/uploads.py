"""Checks of uploaded files, by content rather than by name: type, size, recording length,
transcript text. No database; each check returns problems a trainee can act on."""

import io
import zipfile
from dataclasses import dataclass

import filetype
import mutagen
from defusedxml import ElementTree
from django.conf import settings

RECORDING_TYPES = {
    "audio/mpeg",
    "audio/x-wav",
    "audio/wav",
    "audio/mp4",
    "audio/m4a",
    "audio/ogg",
    "audio/x-flac",
    "audio/webm",
    "video/mp4",
    "video/webm",
    "video/quicktime",
    "video/x-m4v",
}
DOCUMENT_TYPES = {
    "application/pdf",
    "text/plain",
    DOCX := ("application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
}
# A transcript's text is small; a document part far larger is not a transcript (or a zip bomb).
MAX_DOCX_XML_BYTES = 50 * 1024 * 1024
_WORD_NS = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


@dataclass(frozen=True)
class Checked:
    mime_type: str
    problems: list[str]


def _size_mb(limit: int) -> str:
    return f"{limit // (1024 * 1024)} MB"


def _is_text(head: bytes) -> bool:
    if b"\x00" in head:
        return False
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as error:
        # A multi-byte character cut at the end of the sample is still text.
        return error.start >= len(head) - 3
    return True


def sniff(upload) -> str:
    """The file's type from its first bytes: docx is a zip holding word/document.xml."""
    upload.seek(0)
    head = upload.read(8192)
    upload.seek(0)
    kind = filetype.guess(head)
    if kind is not None and kind.mime in ("application/zip", DOCX):
        try:
            with zipfile.ZipFile(upload) as archive:
                if "word/document.xml" in archive.namelist():
                    return DOCX
        except zipfile.BadZipFile:
            pass
        finally:
            upload.seek(0)
        return "application/zip"
    if kind is not None:
        return kind.mime
    return "text/plain" if head and _is_text(head) else "application/octet-stream"


def recording_check(upload) -> Checked:
    limit = settings.GRADING_MAX_RECORDING_BYTES
    if upload.size > limit:
        return Checked("", [f"The recording is larger than {_size_mb(limit)}."])
    mime = sniff(upload)
    if mime not in RECORDING_TYPES:
        return Checked(
            mime, ["The recording must be an audio or video file (MP3, M4A, WAV, MP4, WebM)."]
        )
    return Checked(mime, [])


def recording_seconds(upload) -> float | None:
    """The recording's length read from the file itself, or None if it cannot be read."""
    upload.seek(0)
    try:
        media = mutagen.File(upload)
    except Exception:  # mutagen raises many kinds on a damaged file; all mean "unreadable"
        media = None
    finally:
        upload.seek(0)
    length = getattr(getattr(media, "info", None), "length", None)
    return float(length) if length else None


def document_check(upload, *, allowed=DOCUMENT_TYPES) -> Checked:
    limit = settings.GRADING_MAX_DOCUMENT_BYTES
    if upload.size > limit:
        return Checked("", [f"The document is larger than {_size_mb(limit)}."])
    mime = sniff(upload)
    if mime not in allowed:
        return Checked(mime, ["The document must be a PDF, a Word (.docx) or a plain text file."])
    return Checked(mime, [])


def transcript_text(upload) -> tuple[str, list[str]]:
    """The text of a .docx or .txt transcript, one paragraph per line."""
    checked = document_check(upload)
    if checked.problems:
        return "", checked.problems
    if checked.mime_type == "application/pdf":
        return "", [
            "ICF does not accept PDF transcripts: upload it as a Word (.docx) or text file."
        ]
    upload.seek(0)
    data = upload.read()
    upload.seek(0)
    if checked.mime_type == DOCX:
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                if archive.getinfo("word/document.xml").file_size > MAX_DOCX_XML_BYTES:
                    return "", ["The Word file is too large to read as a transcript."]
                root = ElementTree.fromstring(archive.read("word/document.xml"))
        except (zipfile.BadZipFile, KeyError, ElementTree.ParseError):
            return "", ["The Word file could not be read. Save it again and upload it."]
        paragraphs = [
            "".join(node.text or "" for node in paragraph.iter(f"{_WORD_NS}t"))
            for paragraph in root.iter(f"{_WORD_NS}p")
        ]
        return "\n".join(paragraphs), []
    return data.decode("utf-8", errors="replace").lstrip("\ufeff"), []
