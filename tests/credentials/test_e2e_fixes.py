"""Regressions for what the browser journey (tests/e2e/test_credential_journey.py) found.

axe-core's scrollable-region-focusable rule: a table that can scroll sideways must be reachable
by keyboard, so each scrolling table wrapper is a named region in the tab order; the chart's
screen-reader table sits in a 1px box, where a scrolling wrapper would be unreachable.
"""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tests.factories.records import days_ago, make_log_entry

pytestmark = pytest.mark.django_db

ICF_HEADINGS = (
    "Coach Email,Client Name,Contact,Individual/Group,Number in Group,"
    "Start Date,End Date,Paid Hours,Pro Bono Hours"
)
TABLE_WRAP = re.compile(r"<div [^>]*class=\"table-wrap[^\"]*\"[^>]*>")


def one_row_log(email: str) -> SimpleUploadedFile:
    row = f"{email},Client A,,Individual,,{days_ago(40)},{days_ago(20)},3,0"
    return SimpleUploadedFile("log.csv", f"{ICF_HEADINGS}\n{row}\n".encode())


def test_a_one_row_import_says_row_not_rows(client, trainee):
    client.force_login(trainee)
    preview = client.post(
        reverse("credentials:coaching_log_import"), {"spreadsheet": one_row_log(trainee.email)}
    )
    assert preview.status_code == 200
    html = preview.content.decode()
    assert "Import 1 row</button>" in html

    done = client.post(
        reverse("credentials:coaching_log_import_confirm"),
        {"token": preview.context["token"]},
        follow=True,
    )
    assert "Imported 1 row: 1 added" in done.content.decode()


def test_scrolling_tables_are_named_keyboard_reachable_regions(client, trainee):
    make_log_entry(trainee=trainee)
    client.force_login(trainee)
    html = client.get(reverse("credentials:coaching_log")).content.decode()
    wrappers = TABLE_WRAP.findall(html)
    assert wrappers
    for wrapper in wrappers:
        assert 'role="region"' in wrapper
        assert 'tabindex="0"' in wrapper
        assert 'aria-label="Coaching log, newest first"' in wrapper


def test_the_charts_hidden_table_is_not_in_a_scrolling_wrapper(client, trainee):
    trainee.training_start = days_ago(365)
    trainee.save(update_fields=["training_start"])
    make_log_entry(trainee=trainee)
    client.force_login(trainee)
    html = client.get(reverse("credentials:progress")).content.decode()
    assert "<caption>Hours by month</caption>" in html
    assert not TABLE_WRAP.search(html)
