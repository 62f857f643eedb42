"""The CME transcript: page (by type and year, date range), PDF, CSV, the command, queries."""

import csv
import datetime as dt
import io
import json
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from credentials.cme import selectors
from credentials.cme.models import CmeActivity, CmeClaim, CreditType, LearningFormat
from tests.factories.cme import make_activity, make_claim

pytestmark = pytest.mark.django_db


@pytest.fixture
def claims(physician):
    """Two claims this year-ish and one two years back."""
    today = timezone.localdate()
    long_ago = today - dt.timedelta(days=800)
    old = make_activity(
        code="old-1", credits={"ama": "3"}, start_date=long_ago, title="=HYPERLINK(1)"
    )
    recent = make_activity(code="new-1", credits={"ama": "2", "icf_core": "2"})
    return [
        make_claim(activity=old, learner=physician, credits="2.5", days_ago=800),
        make_claim(activity=recent, learner=physician, credits="1.75", days_ago=3),
        make_claim(activity=recent, learner=physician, code="icf_core", credits="2", days_ago=3),
    ]


def test_totals_by_type_and_by_year_within_the_dates(physician, claims):
    everything = selectors.transcript(learner=physician)
    assert everything.totals == {"ama": Decimal("4.25"), "icf_core": Decimal("2")}
    assert [year.year for year in everything.years] == sorted(
        {c.completed_on.year for c in claims}, reverse=True
    )
    recent = selectors.transcript(
        learner=physician, date_from=timezone.localdate() - dt.timedelta(days=30)
    )
    assert recent.totals == {"ama": Decimal("1.75"), "icf_core": Decimal("2")}


def test_the_command_prints_the_design_json(physician, claims):
    out = io.StringIO()
    since = (timezone.localdate() - dt.timedelta(days=30)).isoformat()
    call_command("cme_transcript", physician.email.upper(), "--from", since, "--json", stdout=out)
    document = json.loads(out.getvalue())
    assert document["email"] == physician.email
    assert document["totals"] == {"ama": 1.75, "icf_core": 2}
    assert {c["activity_code"] for c in document["claims"]} == {"new-1"}
    first = document["claims"][0]
    assert set(first) == {
        "activity_code",
        "title",
        "credit_type",
        "credits",
        "completed_on",
        "verification_code",
    }
    assert first["completed_on"] == claims[1].completed_on.isoformat()
    with pytest.raises(CommandError, match="No account"):
        call_command("cme_transcript", "nobody@example.org", "--json")
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        call_command("cme_transcript", physician.email, "--from", "31/12/2025", "--json")


def test_the_page_pdf_and_csv(client, physician, claims):
    client.force_login(physician)
    page = client.get(reverse("credentials:cme_transcript")).content.decode()
    assert "4.25" in page and "AMA PRA Category 1 Credit™" in page
    since = (timezone.localdate() - dt.timedelta(days=30)).isoformat()
    filtered = client.get(reverse("credentials:cme_transcript"), {"date_from": since})
    assert "=HYPERLINK(1)" not in filtered.content.decode()
    bad = client.get(
        reverse("credentials:cme_transcript"), {"date_from": "2026-05-01", "date_to": "2026-01-01"}
    )
    assert bad.status_code == 400
    assert "before the “From” date" in bad.content.decode()

    response = client.get(reverse("credentials:cme_transcript_csv"))
    text = response.content.decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert len(rows) == 3
    assert {row["Credits"] for row in rows} == {"2.5", "1.75", "2"}
    # A title that looks like a formula is exported as text.
    assert "'=HYPERLINK(1)" in {row["Title"] for row in rows}

    response = client.get(reverse("credentials:cme_transcript_pdf"), {"date_from": since})
    assert response["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.content))
    text = " ".join(page.extract_text() for page in reader.pages)
    assert "CME transcript" in text and claims[1].verification_code in text.replace("\n", "")
    assert claims[0].verification_code not in text.replace("\n", "")


@pytest.mark.parametrize("count", [5, 500])
def test_the_transcript_page_costs_the_same_queries_for_5_or_500_claims(
    client, physician, count, django_assert_max_num_queries
):
    # Built in bulk: one claim per activity (the constraint allows no more per credit type).
    today = timezone.localdate()
    activities = CmeActivity.objects.bulk_create(
        CmeActivity(
            code=f"bulk-{index}",
            title=f"Activity {index}",
            provider="Provider",
            learning_format=LearningFormat.ENDURING,
            start_date=today - dt.timedelta(days=1000),
            end_date=today,
        )
        for index in range(count)
    )
    ama = CreditType.objects.get(code="ama")
    CmeClaim.objects.bulk_create(
        CmeClaim(
            learner=physician,
            activity=activity,
            credit_type=ama,
            credits=Decimal("1"),
            completed_on=today - dt.timedelta(days=index % 900),
            verification_code=f"bulk-{index}",
        )
        for index, activity in enumerate(activities)
    )
    client.force_login(physician)
    with django_assert_max_num_queries(10):
        response = client.get(reverse("credentials:cme_transcript"))
    assert response.status_code == 200
    assert response.content.decode().count("bulk-") == 0  # codes are not shown, titles are
    assert response.content.decode().count('<td class="num">1</td>') == count
