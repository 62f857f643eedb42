"""read_table: what counts as a readable spreadsheet, and the messages for everything else."""

import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from credentials import imports
from credentials.imports import ImportFileError, read_table

HEADINGS = "Email,First Name,Last Name,Role"


def upload(content: bytes, name: str = "people.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content)


def xlsx_bytes(rows: list[list]) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


@pytest.mark.parametrize("bom", [b"", b"\xef\xbb\xbf"])
def test_csv_with_or_without_bom_reads_the_same(bom):
    table = read_table(upload(bom + f"{HEADINGS}\r\nann@x.org,Ann,Lée,trainee\r\n".encode()))
    assert table.headings == ("Email", "First Name", "Last Name", "Role")
    assert table.rows == [("ann@x.org", "Ann", "Lée", "trainee")]


def test_semicolon_csv_as_excel_saves_it_in_some_countries():
    table = read_table(upload(b"Email;Role\nann@x.org;trainee\n"))
    assert table.rows == [("ann@x.org", "trainee")]


def test_xlsx_is_recognised_by_content_whatever_the_name():
    content = xlsx_bytes(
        [["Date", "Hours", "Passed", "Name"], [dt.datetime(2024, 3, 1), 1.5, True, " Bo "]]
    )
    table = read_table(upload(content, name="export.csv"))
    assert table.headings == ("Date", "Hours", "Passed", "Name")
    assert table.rows == [("2024-03-01", "1.5", "yes", "Bo")]


def test_xlsx_whole_numbers_read_without_decimals():
    table = read_table(upload(xlsx_bytes([["Hours"], [2.0], [3]]), name="a.xlsx"))
    assert table.rows == [("2",), ("3",)]


def test_an_open_binary_file_is_accepted(tmp_path):
    path = tmp_path / "people.csv"
    path.write_bytes(f"{HEADINGS}\nann@x.org,Ann,Lee,trainee\n".encode())
    with path.open("rb") as handle:
        assert len(read_table(handle)) == 1


def test_trailing_empty_rows_and_unnamed_empty_columns_are_ignored():
    table = read_table(upload(b"Email,Role,,\nann@x.org,trainee,,\n,,,\n,,,\n"))
    assert table.headings == ("Email", "Role")
    assert table.rows == [("ann@x.org", "trainee")]


def test_short_rows_are_padded():
    assert read_table(upload(b"Email,Role\nann@x.org\n")).rows == [("ann@x.org", "")]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "The file is empty"),
        (b"  \r\n ", "The file is empty"),
        (b"Email,Role\n", "no rows of records"),
        (b"Email,Role\nann@x.org,trainee,extra\n", "Row 2 has more cells"),
        (b'Email,Role\nann@x.org,"trainee\n', "malformed near line"),
        (b"Email,,Role\nann@x.org,oops,trainee\n", "Column B has values but no heading"),
        ("Email,Role\nann@x.org,Lée\n".encode("latin-1"), "Save the file as CSV UTF-8"),
        ("Email,Role\n".encode("utf-16"), "Save the file as CSV UTF-8"),
    ],
)
def test_unreadable_files_get_a_plain_message(content, message):
    with pytest.raises(ImportFileError, match=message):
        read_table(upload(content))


def test_a_png_renamed_csv_is_not_a_spreadsheet():
    png = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + bytes(range(256))
    with pytest.raises(ImportFileError, match="not a spreadsheet"):
        read_table(upload(png, name="log.csv"))


def test_a_damaged_xlsx_is_reported():
    with pytest.raises(ImportFileError, match="cannot be read"):
        read_table(upload(b"PK\x03\x04" + b"garbage" * 50, name="log.xlsx"))


def test_oversized_file_is_refused_before_reading(monkeypatch):
    monkeypatch.setattr(imports, "MAX_BYTES", 100)
    with pytest.raises(ImportFileError, match="larger than"):
        read_table(upload(b"Email\n" + b"a@x.org\n" * 20))


def test_oversized_file_without_a_size_is_refused():
    class Stream(io.BytesIO):
        name = "big.csv"

    with pytest.raises(ImportFileError, match="larger than 10 MB"):
        read_table(Stream(b"Email\n" + b"a" * (10 * 1024 * 1024)))


def test_too_many_rows_is_refused(monkeypatch):
    monkeypatch.setattr(imports, "MAX_ROWS", 3)
    with pytest.raises(ImportFileError, match="more than 3 rows"):
        read_table(upload(b"Email\n" + b"a@x.org\n" * 4))
    assert len(read_table(upload(b"Email\n" + b"a@x.org\n" * 3))) == 3
