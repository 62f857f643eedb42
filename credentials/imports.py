"""Spreadsheet imports and the ICF coaching-log export.

The interface used by the command, the admin's import jobs and the trainee's web import:

    table = read_table(uploaded_file)            # ImportFileError: the file itself is wrong
    report = import_records(kind=..., table=table, dry_run=False)
    if not report.ok: report.errors              # [RowError(row, column, message)], nothing saved

Rows are numbered as a spreadsheet shows them: the heading row is row 1. The rows themselves go
through credentials.resources (django-import-export) and the upsert services.
"""

import csv
import datetime as dt
import io
import zipfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal

import tablib
from django.db import transaction
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter
from openpyxl.utils.exceptions import InvalidFileException

from credentials.models import CoachingLogEntry, Engagement, ImportKind
from credentials.resources import (
    RESOURCES,
    CoachingLogResource,
    RecordResource,
    spreadsheet_text,
)
from lms.models import User

MAX_BYTES = 10 * 1024 * 1024
MAX_ROWS = 20_000
# Cells read per row of an .xlsx: far more than any layout has, and a bound on a crafted file.
MAX_COLUMNS = 100
XLSX_SIGNATURE = b"PK\x03\x04"
# First bytes of files people pick by mistake, which would otherwise read as garbled text.
NOT_SPREADSHEET_SIGNATURES = (
    b"\x89PNG",
    b"\xff\xd8\xff",  # JPEG
    b"GIF8",
    b"%PDF",
    b"\xd0\xcf\x11\xe0",  # old .xls and .doc
    b"PK",  # other zip files (.docx, .zip); .xlsx was matched before
)
UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")
SAVE_AS_UTF8 = (
    "The file is not in UTF-8. In Excel choose File > Save As and the type "
    "“CSV UTF-8 (Comma delimited)”; Save the file as CSV UTF-8 and upload it again."
)
NOT_A_SPREADSHEET = "This file is not a spreadsheet. Upload a .csv (CSV UTF-8) or .xlsx file."
EXPORT_FORMATS = ("csv", "xlsx")


class ImportFileError(Exception):
    """The file as a whole cannot be imported; the message says why in plain words."""

    @property
    def message(self) -> str:
        return str(self.args[0])


@dataclass(frozen=True)
class RowError:
    row: int  # as a spreadsheet shows it: the heading row is 1
    column: str
    message: str

    def __str__(self) -> str:
        return f"row {self.row}, column {self.column}: {self.message}"


@dataclass
class ImportReport:
    kind: str
    dry_run: bool
    total_rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[RowError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def saved(self) -> bool:
        return self.ok and not self.dry_run

    def summary(self) -> str:
        counts = f"{self.created} created, {self.updated} updated, {self.unchanged} unchanged"
        if not self.ok:
            rows = len({error.row for error in self.errors})
            return (
                f"Nothing was saved: {len(self.errors)} error{'s' if len(self.errors) != 1 else ''}"
                f" in {rows} row{'s' if rows != 1 else ''}. Correct the file and import it again."
            )
        if self.dry_run:
            return f"Dry run: nothing was saved. Importing would give {counts}."
        return f"Imported {self.total_rows} rows: {counts}."


@dataclass(frozen=True)
class Table:
    """A spreadsheet's cells as text: `headings` from row 1, `rows` from row 2 on."""

    headings: tuple[str, ...]
    rows: list[tuple[str, ...]]

    def __len__(self) -> int:
        return len(self.rows)


# --- Reading the file ----------------------------------------------------------------------


def read_table(uploaded_file) -> Table:
    """Read a CSV (UTF-8, with or without BOM) or XLSX upload, whatever its name says.

    Accepts a Django UploadedFile or an open binary file. Raises ImportFileError.
    """
    size = getattr(uploaded_file, "size", None)
    if size is not None and size > MAX_BYTES:
        raise _too_big()
    if hasattr(uploaded_file, "seek"):
        uploaded_file.seek(0)
    content = uploaded_file.read(MAX_BYTES + 1)
    if len(content) > MAX_BYTES:
        raise _too_big()
    if not content.strip():
        raise ImportFileError("The file is empty. Upload the spreadsheet with its rows.")
    if content.startswith(XLSX_SIGNATURE):
        lines = _xlsx_lines(content)
    elif content.startswith(UTF16_BOMS):
        raise ImportFileError(SAVE_AS_UTF8)
    elif content.startswith(NOT_SPREADSHEET_SIGNATURES) or b"\x00" in content[:8192]:
        raise ImportFileError(NOT_A_SPREADSHEET)
    else:
        lines = _csv_lines(content)
    return _table(lines)


def _too_big() -> ImportFileError:
    return ImportFileError(
        f"The file is larger than {MAX_BYTES // (1024 * 1024)} MB. Split it into smaller files."
    )


def _too_many_rows() -> ImportFileError:
    return ImportFileError(
        f"The file has more than {MAX_ROWS:,} rows. Split it into files of at most "
        f"{MAX_ROWS:,} rows."
    )


def _csv_lines(content: bytes) -> list[list[str]]:
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ImportFileError(SAVE_AS_UTF8) from None
    first_line = text.split("\n", 1)[0]
    # Excel saves with semicolons where the comma is the decimal mark.
    delimiter = ";" if ";" in first_line and "," not in first_line else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    lines = []
    try:
        for cells in reader:
            lines.append(cells)
            if len(lines) > MAX_ROWS + 1:
                raise _too_many_rows()
    except csv.Error as error:
        raise ImportFileError(
            f"The CSV file is malformed near line {reader.line_num} ({error}). Check for a quote "
            "mark that is not closed, or save the file from Excel again as CSV UTF-8."
        ) from None
    return lines


def _xlsx_lines(content: bytes) -> list[list[str]]:
    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, OSError, ValueError):
        raise ImportFileError(
            "This .xlsx file cannot be read: it is damaged or not an Excel workbook. Open it in "
            "Excel and save it again, or save it as CSV UTF-8."
        ) from None
    try:
        sheet = workbook.worksheets[0]
        lines = []
        for values in sheet.iter_rows(max_col=MAX_COLUMNS, values_only=True):
            lines.append([_cell_text(value) for value in values])
            if len(lines) > MAX_ROWS + 1:
                raise _too_many_rows()
        return lines
    finally:
        workbook.close()


def _cell_text(value) -> str:
    """An Excel cell as the text a CSV of it would hold (dates as YYYY-MM-DD)."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time(0) else value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    return str(value).strip()


def _table(lines: list[list[str]]) -> Table:
    while lines and not any(cell.strip() for cell in lines[-1]):
        lines.pop()  # spreadsheets often end with empty rows
    if not lines:
        raise ImportFileError("The file is empty. Upload the spreadsheet with its rows.")
    headings = [cell.strip() for cell in lines[0]]
    width = len(headings)
    rows = []
    for number, cells in enumerate(lines[1:], start=2):
        cells = [cell.strip() for cell in cells]
        if any(cells[width:]):
            raise ImportFileError(
                f"Row {number} has more cells than there are column headings in row 1. Check for "
                "a comma inside a value that is not between quote marks."
            )
        rows.append(tuple(cells[:width]) + ("",) * (width - len(cells)))
    if not rows:
        raise ImportFileError("The file has a heading row but no rows of records under it.")
    if len(rows) > MAX_ROWS:
        raise _too_many_rows()
    # Excel keeps columns that once held something; an unnamed column must be empty.
    kept = []
    for index, heading in enumerate(headings):
        if heading:
            kept.append(index)
        elif any(row[index] for row in rows):
            raise ImportFileError(
                f"Column {get_column_letter(index + 1)} has values but no heading in row 1. "
                "Give it a heading or delete it."
            )
    return Table(
        headings=tuple(headings[index] for index in kept),
        rows=[tuple(row[index] for index in kept) for row in rows],
    )


# --- Importing -----------------------------------------------------------------------------


def _normal(heading: str) -> str:
    return " ".join(heading.split()).lower()


def _listed(labels: Iterable[str]) -> str:
    return ", ".join(labels)


def check_headings(*, kind: str, table: Table) -> None:
    """Raise ImportFileError when the headings do not fit this kind of import."""
    resource = _resource_class(kind)
    columns = resource.columns()
    names = [_normal(heading) for heading in table.headings]
    repeated = sorted({heading for heading in table.headings if names.count(_normal(heading)) > 1})
    if repeated:
        raise ImportFileError(f"These headings appear more than once: {_listed(repeated)}.")
    known = {column.column_name for column in columns}
    unknown = [heading for heading in table.headings if _normal(heading) not in known]
    missing = [
        column.label
        for column in columns
        if column.heading_required and column.column_name not in names
    ]
    expected = _listed(column.label for column in columns)
    problems = []
    if missing:
        problems.append(f"The file is missing these columns: {_listed(missing)}.")
    if unknown:
        problems.append(f"These columns are not part of this import: {_listed(unknown)}.")
    if problems:
        label = ImportKind(kind).label.lower()
        raise ImportFileError(
            " ".join(problems) + f" Row 1 of a {label} file holds the headings {expected} "
            "(in any order, in any case)."
        )


def _resource_class(kind: str) -> type[RecordResource]:
    try:
        return RESOURCES[kind]
    except KeyError:
        raise ValueError(f"Unknown import kind {kind!r}: use one of {sorted(RESOURCES)}") from None


def import_records(
    *,
    kind: str,
    table: Table,
    dry_run: bool,
    actor: User | None = None,
    only_trainee: User | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> ImportReport:
    """Import every row or none; returns the counts or every row's errors.

    Raises ImportFileError when the headings are wrong. With `only_trainee` (a trainee's own
    coaching-log import) every row must be that trainee's. `progress(done, total)` is called
    about every 1% of the rows.
    """
    check_headings(kind=kind, table=table)
    resource_class = _resource_class(kind)
    if only_trainee is not None and resource_class is not CoachingLogResource:
        raise ValueError("Trainees import only their own coaching log.")
    dataset = tablib.Dataset(headers=[_normal(heading) for heading in table.headings])
    dataset.extend(table.rows)
    resource = resource_class(actor=actor, only_trainee=only_trainee, progress=progress)
    report = ImportReport(kind=kind, dry_run=dry_run, total_rows=len(table))
    with transaction.atomic():
        # No savepoint per row: a row fails validation before it writes anything, and the
        # services keep their inserts in their own savepoints. This transaction is the one
        # that rolls back on a dry run or any error.
        result = resource.import_data(dataset, dry_run=False, use_transactions=False)
        unexpected = [error.error for error in result.base_errors] + [
            error.error for _, errors in result.row_errors() for error in errors
        ]
        if unexpected:
            raise unexpected[0]  # a fault in the code, not in the file: let it show
        report.errors = _row_errors(resource_class, result.invalid_rows)
        if dry_run or report.errors:
            transaction.set_rollback(True)
    if report.ok:
        report.created = resource.outcomes["created"]
        report.updated = resource.outcomes["updated"]
        report.unchanged = resource.outcomes["unchanged"]
    return report


def _row_errors(resource_class: type[RecordResource], invalid_rows) -> list[RowError]:
    order = {column.attribute: index for index, column in enumerate(resource_class.columns())}
    errors = []
    for invalid in invalid_rows:
        for attribute, messages in invalid.error_dict.items():
            column = resource_class.column_of(attribute)
            for message in messages:
                errors.append((invalid.number + 1, order[column.attribute], column.label, message))
    return [RowError(row, label, message) for row, _, label, message in sorted(errors)]


# --- Exporting -----------------------------------------------------------------------------


def export_coaching_log(*, trainee: User, file_format: str) -> bytes:
    """The trainee's own coaching log in the ICF layout, the only export with client contacts.

    `file_format` is "csv" (UTF-8 with a byte-order mark, so Excel reads accents) or "xlsx".
    """
    if file_format not in EXPORT_FORMATS:
        raise ValueError(f"Unknown export format {file_format!r}: use csv or xlsx.")
    dataset = tablib.Dataset(headers=[column.label for column in CoachingLogResource.columns()])
    for entry in _coaching_log_rows(trainee):
        cells = [
            trainee.email,
            entry.client_name,
            entry.client_contact,
            Engagement(entry.engagement).label,
            entry.group_size if entry.group_size is not None else "",
            entry.start_date,
            entry.end_date,
            entry.paid_hours,
            entry.pro_bono_hours,
        ]
        dataset.append([_export_cell(file_format, cell) for cell in cells])
    if file_format == "csv":
        return ("\ufeff" + dataset.export("csv")).encode("utf-8")
    return dataset.export("xlsx")


def _coaching_log_rows(trainee: User) -> Iterator[CoachingLogEntry]:
    return (
        CoachingLogEntry.objects.filter(trainee=trainee)
        .order_by("start_date", "client_name", "pk")
        .iterator()
    )


def _export_cell(file_format: str, value):
    """Dates and hours as Excel types in .xlsx, as YYYY-MM-DD and 1.5 in CSV; text that a
    spreadsheet would run as a formula escaped (numbers stay numbers, negative or not)."""
    if isinstance(value, str):
        return spreadsheet_text(value)
    if isinstance(value, Decimal):
        return float(value) if file_format == "xlsx" else format(value.normalize(), "f")
    if isinstance(value, dt.date) and file_format == "csv":
        return value.isoformat()
    return value
