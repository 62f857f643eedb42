"""The CME office's PARS page: the same rows as the command, CSV and XLSX, the ones left out."""

import csv
import datetime as dt
import io

import openpyxl
import pytest
from django.urls import reverse
from django.utils import timezone

from tests.credentials.cme_reports.builders import make_physician
from tests.factories.cme import make_activity, make_claim

pytestmark = pytest.mark.django_db

PAGE = reverse("credentials:cme_pars_export")


def _period(**extra):
    today = timezone.localdate()
    return {
        "date_from": (today - dt.timedelta(days=30)).isoformat(),
        "date_to": today.isoformat(),
        **extra,
    }


@pytest.fixture
def claims():
    activity = make_activity(credits={"ama": "2"}, code="chosen", accme_activity_id="A-1")
    other = make_activity(credits={"ama": "2"}, code="other")
    make_claim(activity=activity, learner=make_physician(last_name="Reported"), credits="1.5")
    make_claim(activity=other, learner=make_physician(last_name="Elsewhere"))
    make_claim(
        activity=activity,
        learner=make_physician(consent=False, email="nope@example.org"),
    )
    return activity


def test_the_page_lists_rows_and_the_completions_left_out_with_why(client, programme_admin, claims):
    client.force_login(programme_admin)
    response = client.get(PAGE, _period(activity="chosen"))
    page = response.content.decode()
    assert response.status_code == 200
    assert "1 row to report" in page
    assert "Reported" in page and "Elsewhere" not in page
    assert "1 completion left out" in page
    assert "nope@example.org, chosen" in page and "has not given permission" in page


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_the_download_holds_the_same_rows(client, programme_admin, claims, file_format):
    client.force_login(programme_admin)
    url = reverse("credentials:cme_pars_download", args=[file_format])
    response = client.get(url, _period(activity="chosen"))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith('attachment; filename="pars-')
    if file_format == "csv":
        rows = list(csv.reader(io.StringIO(response.content.decode("utf-8"))))
    else:
        sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
        rows = [[str(cell) if cell is not None else "" for cell in row] for row in sheet.values]
    header, *data = rows
    record = dict(zip(header, data[0], strict=True))
    assert len(data) == 1
    assert record["Last Name"] == "Reported"
    assert (record["Birth Month"], record["Birth Day"]) == ("3", "9")
    assert (record["Credits"], record["ACCME Activity ID"]) == ("1.5", "A-1")
    assert "Birth Year" not in header


def test_an_empty_period_says_so(client, programme_admin):
    client.force_login(programme_admin)
    page = client.get(PAGE, _period()).content.decode()
    assert "0 rows to report" in page
    assert "No AMA completions in this period" in page


def test_a_backwards_period_is_a_bad_request(client, programme_admin):
    client.force_login(programme_admin)
    today = timezone.localdate()
    bad = {"date_from": today.isoformat(), "date_to": (today - dt.timedelta(days=1)).isoformat()}
    response = client.get(PAGE, bad)
    assert response.status_code == 400
    assert "before the “From” date" in response.content.decode()
    download = client.get(reverse("credentials:cme_pars_download", args=["csv"]), bad)
    assert download.status_code == 400


def test_only_the_cme_office_sees_the_page(client, trainee):
    client.force_login(trainee)
    assert client.get(PAGE, _period()).status_code == 404
    url = reverse("credentials:cme_pars_download", args=["csv"])
    assert client.get(url, _period()).status_code == 404
