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
from xml.parsers import expat

import tablib
from django.db import transaction
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter, range_boundaries
from openpyxl.utils.exceptions import InvalidFileException

from credentials.models import CoachingLogEntry, Engagement, ImportKind
from credentials.resources import (
    RESOURCES,
    CoachingLogResource,
    RecordResource,
    own_log_heading,
)
from lms.models import User
from lms.spreadsheets import spreadsheet_text

MAX_BYTES = 10 * 1024 * 1024
MAX_ROWS = 20_000
# Cells read per row of an .xlsx: far more than any layout has, and a bound on a crafted file.
MAX_COLUMNS = 100
# An .xlsx is a zip of XML: a few hundred KB can unpack to gigabytes of cells. These bounds are
# checked by a streaming scan before openpyxl reads the workbook, so memory and time per
# request stay small whatever the file holds. A real log is far inside all of them.
MAX_XLSX_UNPACKED_BYTES = 50 * 1024 * 1024
MAX_XLSX_PACKING_RATIO = 100  # unpacked / packed size of one part; sheets pack 5 to 30 times
MAX_XLSX_PARTS = 500
MAX_XLSX_CELLS = 500_000
MAX_CELLS_PER_ROW = 1_000
MAX_XLSX_SHARED_STRINGS = 500_000
XLSX_SCAN_CHUNK = 64 * 1024
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
    # Rows of a trainee's own log dated before their training start (they count only from it).
    before_training_start: int = 0
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
    """A spreadsheet's cells as text: `headings` from row `heading_row` (1 unless title rows
    sit above it), `rows` from the row after it on."""

    headings: tuple[str, ...]
    rows: list[tuple[str, ...]]
    heading_row: int = 1

    def __len__(self) -> int:
        return len(self.rows)


# --- Reading the file ----------------------------------------------------------------------


def read_table(uploaded_file) -> Table:
    """Read a CSV (UTF-8, with or without BOM) or XLSX upload, whatever its name says.

    Accepts a Django UploadedFile or an open binary file. Raises ImportFileError.
    """
    return _table(_lines(uploaded_file))


# Rows above the headings of ICF's template (a title, the coach's name and credential).
MAX_TITLE_ROWS = 20


def read_own_coaching_log(uploaded_file) -> Table:
    """A trainee's own coaching log as coaches keep it in ICF's Excel template (DESIGN §4).

    Title or coach rows above the heading row and a totals row below the data are skipped, and
    ICF's heading variants ("Contact Information", "Pro-bono Hours", ...) read as the import's
    own. Row numbers stay those the spreadsheet shows.
    """
    lines = _lines(uploaded_file)
    heading_index = next(
        (
            index
            for index, cells in enumerate(lines[: MAX_TITLE_ROWS + 1])
            if {"client name", "start date"} <= {own_log_heading(cell) for cell in cells}
        ),
        0,
    )
    lines = lines[heading_index:]
    while lines and not any(cell.strip() for cell in lines[-1]):
        lines.pop()
    if len(lines) > 1 and _is_totals_row(lines[0], lines[-1]):
        lines.pop()
    table = _table(lines, heading_row=heading_index + 1)
    labels = {column.column_name: column.label for column in CoachingLogResource.columns()}
    return Table(
        headings=tuple(labels.get(own_log_heading(heading), heading) for heading in table.headings),
        rows=table.rows,
        heading_row=table.heading_row,
    )


def _is_totals_row(headings: list[str], cells: list[str]) -> bool:
    """A row under the data that sums the hours: a cell starting "Total", no start date."""
    names = [own_log_heading(heading) for heading in headings]
    start = cells[names.index("start date")] if "start date" in names[: len(cells)] else ""
    return not start.strip() and any(cell.strip().lower().startswith("total") for cell in cells)


def _lines(uploaded_file) -> list[list[str]]:
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
    return lines


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
            if len(cells) > MAX_CELLS_PER_ROW:
                raise ImportFileError(
                    f"Line {reader.line_num} has more than {MAX_CELLS_PER_ROW:,} cells. "
                    "Delete the empty columns, or save the file from Excel again as CSV UTF-8."
                )
            lines.append(cells)
            if len(lines) > MAX_ROWS + 1:
                raise _too_many_rows()
    except csv.Error as error:
        raise ImportFileError(
            f"The CSV file is malformed near line {reader.line_num} ({error}). Check for a quote "
            "mark that is not closed, or save the file from Excel again as CSV UTF-8."
        ) from None
    return lines


XLSX_DAMAGED = (
    "This .xlsx file cannot be read: it is damaged or not an Excel workbook. Open it in "
    "Excel and save it again, or save it as CSV UTF-8."
)


def _xlsx_too_large(what: str) -> ImportFileError:
    return ImportFileError(
        f"This .xlsx file is too large to import: {what}. Delete the empty or unused rows, "
        "columns and sheets, or save it as CSV UTF-8 and upload that."
    )


def _check_xlsx_size(content: bytes) -> None:
    """Refuse a workbook that would take too much memory or time, before it is parsed.

    First the zip's own directory (declared sizes, packing ratio), then one streaming pass over
    every sheet and the shared strings that counts cells without keeping any. Sizes the zip
    declares are not trusted: the pass stops at the byte limit whatever was declared.
    """
    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
        parts = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        raise ImportFileError(XLSX_DAMAGED) from None
    if len(parts) > MAX_XLSX_PARTS:
        raise _xlsx_too_large(f"it has more than {MAX_XLSX_PARTS} parts")
    if sum(part.file_size for part in parts) > MAX_XLSX_UNPACKED_BYTES:
        raise _xlsx_too_large(
            f"it unpacks to more than {MAX_XLSX_UNPACKED_BYTES // (1024 * 1024)} MB"
        )
    for part in parts:
        if part.file_size > MAX_XLSX_PACKING_RATIO * max(part.compress_size, 1024):
            raise _xlsx_too_large("it is packed far tighter than any spreadsheet (a zip bomb?)")
    bytes_left = [MAX_XLSX_UNPACKED_BYTES]  # shared by the parts, as they really unpack
    for part in parts:
        name = part.filename
        if name.startswith("xl/worksheets/") and name.endswith(".xml"):
            _scan_xlsx_part(archive, part, bytes_left, _SheetCounter())
        elif name == "xl/sharedStrings.xml":
            _scan_xlsx_part(archive, part, bytes_left, _SharedStringCounter())


class _SheetCounter:
    """Counts a sheet's cells as the XML streams past; raises at the first bound crossed."""

    cells = 0
    row_cells = 0

    def start(self, name: str, attributes: dict) -> None:
        if name == "row":
            self.row_cells = 0
        elif name == "c":
            self.cells += 1
            self.row_cells += 1
            if self.row_cells > MAX_CELLS_PER_ROW:
                raise _xlsx_too_large(f"a row has more than {MAX_CELLS_PER_ROW:,} cells")
            if self.cells > MAX_XLSX_CELLS:
                raise _xlsx_too_large(f"a sheet has more than {MAX_XLSX_CELLS:,} cells")
        elif name == "dimension":
            self.check_dimension(attributes.get("ref", ""))

    @staticmethod
    def check_dimension(ref: str) -> None:
        try:
            min_col, min_row, max_col, max_row = range_boundaries(ref.upper())
        except (ValueError, TypeError):
            return  # a missing or odd dimension: the cell count still bounds the sheet
        columns = (max_col or 1) - (min_col or 1) + 1
        rows = (max_row or 1) - (min_row or 1) + 1
        if columns > MAX_CELLS_PER_ROW:
            raise _xlsx_too_large(f"it is more than {MAX_CELLS_PER_ROW:,} columns wide")
        if rows * columns > MAX_XLSX_CELLS:
            raise _xlsx_too_large(f"a sheet spans more than {MAX_XLSX_CELLS:,} cells")


class _SharedStringCounter:
    strings = 0

    def start(self, name: str, attributes: dict) -> None:
        if name == "sst" and _whole_number(attributes.get("uniqueCount")) > MAX_XLSX_SHARED_STRINGS:
            raise _xlsx_too_large(f"it has more than {MAX_XLSX_SHARED_STRINGS:,} texts")
        if name == "si":
            self.strings += 1
            if self.strings > MAX_XLSX_SHARED_STRINGS:
                raise _xlsx_too_large(f"it has more than {MAX_XLSX_SHARED_STRINGS:,} texts")


def _whole_number(text) -> int:
    return int(text) if isinstance(text, str) and text.isdigit() else 0


def _scan_xlsx_part(
    archive: zipfile.ZipFile, part: zipfile.ZipInfo, bytes_left: list[int], counter
) -> None:
    """Stream one XML part through expat, calling `counter.start(local_name, attributes)`."""

    def start(name, attributes):
        counter.start(name.rpartition(":")[2], attributes)

    def refuse_doctype(*args):
        raise ImportFileError(XLSX_DAMAGED)  # workbooks have no DTD; entities could expand

    parser = expat.ParserCreate()
    parser.StartElementHandler = start
    parser.StartDoctypeDeclHandler = refuse_doctype
    parser.EntityDeclHandler = refuse_doctype
    try:
        with archive.open(part) as stream:
            while chunk := stream.read(XLSX_SCAN_CHUNK):
                bytes_left[0] -= len(chunk)
                if bytes_left[0] < 0:
                    raise _xlsx_too_large(
                        f"it unpacks to more than {MAX_XLSX_UNPACKED_BYTES // (1024 * 1024)} MB"
                    )
                parser.Parse(chunk, False)
            parser.Parse(b"", True)
    except (expat.ExpatError, zipfile.BadZipFile, OSError, ValueError, EOFError):
        raise ImportFileError(XLSX_DAMAGED) from None


def _xlsx_lines(content: bytes) -> list[list[str]]:
    _check_xlsx_size(content)
    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, OSError, ValueError):
        raise ImportFileError(XLSX_DAMAGED) from None
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


def _table(lines: list[list[str]], heading_row: int = 1) -> Table:
    while lines and not any(cell.strip() for cell in lines[-1]):
        lines.pop()  # spreadsheets often end with empty rows
    if not lines:
        raise ImportFileError("The file is empty. Upload the spreadsheet with its rows.")
    headings = [cell.strip() for cell in lines[0]]
    width = len(headings)
    rows = []
    for number, cells in enumerate(lines[1:], start=heading_row + 1):
        cells = [cell.strip() for cell in cells]
        if any(cells[width:]):
            raise ImportFileError(
                f"Row {number} has more cells than there are column headings in row "
                f"{heading_row}. Check for a comma inside a value that is not between quote marks."
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
                f"Column {get_column_letter(index + 1)} has values but no heading in row "
                f"{heading_row}. Give it a heading or delete it."
            )
    return Table(
        headings=tuple(headings[index] for index in kept),
        rows=[tuple(row[index] for index in kept) for row in rows],
        heading_row=heading_row,
    )


# --- Importing -----------------------------------------------------------------------------


def _normal(heading: str) -> str:
    return " ".join(heading.split()).lower()


def _listed(labels: Iterable[str]) -> str:
    return ", ".join(labels)


def check_headings(*, kind: str, table: Table, own_log: bool = False) -> None:
    """Raise ImportFileError when the headings do not fit this kind of import.

    `own_log`: a trainee's own coaching log, which needs no Coach Email column.
    """
    resource = _resource_class(kind)
    columns = resource.columns()
    optional = resource.own_log_optional_headings if own_log else ()
    names = [_normal(heading) for heading in table.headings]
    repeated = sorted({heading for heading in table.headings if names.count(_normal(heading)) > 1})
    if repeated:
        raise ImportFileError(f"These headings appear more than once: {_listed(repeated)}.")
    known = {column.column_name for column in columns}
    unknown = [heading for heading in table.headings if _normal(heading) not in known]
    missing = [
        column.label
        for column in columns
        if column.heading_required
        and column.column_name not in names
        and column.column_name not in optional
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
            " ".join(problems) + f" Row {table.heading_row} of a {label} file holds the "
            f"headings {expected} (in any order, in any case)."
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
    date_order: str | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> ImportReport:
    """Import every row or none; returns the counts or every row's errors.

    Raises ImportFileError when the headings are wrong. With `only_trainee` (a trainee's own
    coaching-log import) every row must be that trainee's and the Coach Email column may be
    left out. `date_order` (resources.DATE_ORDERS) also reads dates typed as 31/12/2025;
    without it dates are YYYY-MM-DD (or date cells). `progress(done, total)` is called about
    every 1% of the rows.
    """
    check_headings(kind=kind, table=table, own_log=only_trainee is not None)
    resource_class = _resource_class(kind)
    if only_trainee is not None and resource_class is not CoachingLogResource:
        raise ValueError("Trainees import only their own coaching log.")
    dataset = tablib.Dataset(headers=[_normal(heading) for heading in table.headings])
    dataset.extend(table.rows)
    resource = resource_class(
        actor=actor,
        only_trainee=only_trainee,
        date_order=date_order,
        heading_row=table.heading_row,
        progress=progress,
    )
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
        report.errors = _row_errors(resource_class, result.invalid_rows, table.heading_row)
        if dry_run or report.errors:
            transaction.set_rollback(True)
    if report.ok:
        report.created = resource.outcomes["created"]
        report.updated = resource.outcomes["updated"]
        report.unchanged = resource.outcomes["unchanged"]
        report.before_training_start = resource.rows_before_training_start
    return report


def _row_errors(
    resource_class: type[RecordResource], invalid_rows, heading_row: int
) -> list[RowError]:
    order = {column.attribute: index for index, column in enumerate(resource_class.columns())}
    errors = []
    for invalid in invalid_rows:
        for attribute, messages in invalid.error_dict.items():
            column = resource_class.column_of(attribute)
            for message in messages:
                errors.append(
                    (invalid.number + heading_row, order[column.attribute], column.label, message)
                )
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
