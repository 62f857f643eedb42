"""Crafted .xlsx files are refused before openpyxl parses them, with bounded memory.

The files are built here with zipfile: small on disk, huge once unpacked or parsed.
"""

import io
import subprocess
import sys
import textwrap
import zipfile
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from credentials import imports
from credentials.imports import ImportFileError, read_table

SHEET = "xl/worksheets/sheet1.xml"
SHEET_START = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
)
# The incident: one row of 3 million inline-string cells, a few hundred KB packed.
INCIDENT_CELLS = 3_000_000
# Peak memory of a process that sets up Django and reads the incident's file, in MB. The old
# code used 2.9 GB on this file; Django and openpyxl alone take about 100 MB.
MEMORY_BOUND_MB = 250
PROJECT = Path(__file__).resolve().parents[2]


def workbook_with_sheet(sheet_xml_chunks, *, packing=zipfile.ZIP_DEFLATED, extra=None) -> bytes:
    """A real workbook from openpyxl whose first sheet is replaced by `sheet_xml_chunks`."""
    workbook = Workbook()
    workbook.active.append(["Client Name"])
    original = io.BytesIO()
    workbook.save(original)
    crafted = io.BytesIO()
    with (
        zipfile.ZipFile(original) as source,
        zipfile.ZipFile(crafted, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for part in source.infolist():
            if part.filename == SHEET:
                info = zipfile.ZipInfo(SHEET)
                info.compress_type = packing
                with target.open(info, "w", force_zip64=True) as stream:
                    for chunk in sheet_xml_chunks:
                        stream.write(chunk.encode())
            else:
                target.writestr(part, source.read(part.filename))
        for name, text in (extra or {}).items():
            target.writestr(name, text)
    return crafted.getvalue()


def one_row_of_cells(count: int):
    yield SHEET_START + '<sheetData><row r="1">'
    cell = '<c t="inlineStr"><is><t>x</t></is></c>'
    for _ in range(count // 10_000):
        yield cell * 10_000
    yield "</row></sheetData></worksheet>"


def incident_file() -> bytes:
    return workbook_with_sheet(one_row_of_cells(INCIDENT_CELLS))


def upload(content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile("log.xlsx", content)


def test_the_incidents_file_is_small_on_disk_and_refused_by_its_declared_size():
    content = incident_file()
    assert len(content) < 1024 * 1024
    with pytest.raises(ImportFileError, match="unpacks to more than 50 MB"):
        read_table(upload(content))


def test_a_part_packed_far_tighter_than_a_sheet_is_refused_as_a_zip_bomb():
    content = workbook_with_sheet(one_row_of_cells(1_000_000))  # 38 MB: under the size limit
    with pytest.raises(ImportFileError, match="zip bomb"):
        read_table(upload(content))


def test_a_row_with_too_many_cells_is_refused_even_when_stored_unpacked():
    # Stored without compression the ratio is 1: the streaming count is what refuses it.
    content = workbook_with_sheet(one_row_of_cells(20_000), packing=zipfile.ZIP_STORED)
    with pytest.raises(ImportFileError, match="a row has more than 1,000 cells"):
        read_table(upload(content))


def test_too_many_cells_in_a_sheet_are_refused(monkeypatch):
    monkeypatch.setattr(imports, "MAX_XLSX_CELLS", 50)
    rows = "".join(f'<row r="{n}"><c t="inlineStr"><is><t>x</t></is></c></row>' for n in range(60))
    content = workbook_with_sheet([SHEET_START, "<sheetData>", rows, "</sheetData></worksheet>"])
    with pytest.raises(ImportFileError, match="a sheet has more than 50 cells"):
        read_table(upload(content))


@pytest.mark.parametrize(
    ("ref", "message"), [("A1:XFD2", "columns wide"), ("A1:Z1048576", "spans more than")]
)
def test_declared_dimensions_beyond_the_limits_are_refused(ref, message):
    content = workbook_with_sheet(
        [SHEET_START, f'<dimension ref="{ref}"/><sheetData/></worksheet>']
    )
    with pytest.raises(ImportFileError, match=message):
        read_table(upload(content))


SST_START = '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'


@pytest.mark.parametrize(
    "shared_strings",
    [
        SST_START + ">" + "".join(f"<si><t>Client {n}</t></si>" for n in range(20)) + "</sst>",
        SST_START + ' count="999999999" uniqueCount="999999999"></sst>',
    ],
)
def test_too_many_shared_strings_are_refused(monkeypatch, shared_strings):
    monkeypatch.setattr(imports, "MAX_XLSX_SHARED_STRINGS", 10)
    content = workbook_with_sheet(
        [SHEET_START, "<sheetData/></worksheet>"],
        extra={"xl/sharedStrings.xml": shared_strings},
    )
    with pytest.raises(ImportFileError, match="more than 10 texts"):
        read_table(upload(content))


def test_a_declared_unpacked_size_beyond_the_limit_is_refused(monkeypatch):
    monkeypatch.setattr(imports, "MAX_XLSX_UNPACKED_BYTES", 2000)
    workbook = Workbook()
    workbook.active.append(["Client Name"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    with pytest.raises(ImportFileError, match="unpacks to more than"):
        read_table(upload(buffer.getvalue()))


def test_a_doctype_is_refused():
    content = workbook_with_sheet(
        ['<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]>', SHEET_START[21:], "</worksheet>"]
    )
    with pytest.raises(ImportFileError, match="cannot be read"):
        read_table(upload(content))


def test_an_ordinary_workbook_still_reads():
    workbook = Workbook()
    workbook.active.append(["Client Name", "Paid Hours"])
    workbook.active.append(["A", 1.5])
    buffer = io.BytesIO()
    workbook.save(buffer)
    assert read_table(upload(buffer.getvalue())).rows == [("A", "1.5")]


READ_IN_A_CHILD = textwrap.dedent(
    """
    import resource, sys
    # A ceiling on the address space so that a regression fails here instead of swapping.
    resource.setrlimit(resource.RLIMIT_AS, (2 * 1024**3, 2 * 1024**3))
    import django
    django.setup()
    from credentials.imports import ImportFileError, read_table
    with open(sys.argv[1], "rb") as handle:
        try:
            read_table(handle)
        except ImportFileError as error:
            print(error.message)
    """
)
MEASURE_THE_CHILD = textwrap.dedent(
    """
    import resource, subprocess, sys
    subprocess.run([sys.executable, "-c", sys.argv[1], sys.argv[2]], check=True)
    print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)  # KB on Linux
    """
)


def test_reading_the_incidents_file_stays_under_the_memory_bound(tmp_path):
    path = tmp_path / "incident.xlsx"
    path.write_bytes(incident_file())
    # A fresh measuring process, so that RUSAGE_CHILDREN sees the reading process only.
    result = subprocess.run(  # noqa: S603 - fixed arguments, our own code
        [sys.executable, "-c", MEASURE_THE_CHILD, READ_IN_A_CHILD, str(path)],
        cwd=PROJECT,
        env={
            "PATH": "/usr/bin:/bin",
            "DJANGO_SETTINGS_MODULE": "lms.settings.test",
            "PYTHONPATH": str(PROJECT),
        },
        capture_output=True,
        text=True,
        check=True,
    )
    message, peak_kb = result.stdout.strip().splitlines()
    assert "too large to import" in message
    assert int(peak_kb) < MEMORY_BOUND_MB * 1024


def test_a_csv_line_with_too_many_cells_is_refused():
    with pytest.raises(ImportFileError, match="Line 2 has more than 1,000 cells"):
        read_table(SimpleUploadedFile("log.csv", b"Client Name\n" + b"," * 5000 + b"\n"))
