"""The credential journey of issue 3, clicked through in Chromium.

1. A trainee logs coaching by hand and by spreadsheet (fixing a bad row the check found) and sees
   their progress move.
2. An eligible trainee applies; a programme admin reviews and approves; the trainee downloads the
   certificate and anyone can verify it.
3. At a phone's size, a trainee logs a mentor session and the mentor confirms it.
"""

import contextlib
import csv
import datetime as dt
import re
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from credentials.models import Award, CoachingLogEntry, MentorSession, MentorSessionStatus
from tests.credentials.eligible import make_acc_eligible
from tests.e2e.conftest import PHONE_VIEWPORT, CheckedPage
from tests.e2e.test_learning_journey import sign_in
from tests.factories.people import make_mentor, make_programme_admin, make_trainee
from tests.factories.records import make_log_entry

pytestmark = pytest.mark.django_db(transaction=True)

ICF_HEADINGS = [
    "Coach Email",
    "Client Name",
    "Contact",
    "Individual/Group",
    "Number in Group",
    "Start Date",
    "End Date",
    "Paid Hours",
    "Pro Bono Hours",
]


def days_ago(days: int) -> str:
    return (timezone.localdate() - dt.timedelta(days=days)).isoformat()


@contextlib.contextmanager
def someone_else(browser, live_server, **context_options):
    """A second person at their own browser: a separate context with its own cookies."""
    context = browser.new_context(**context_options)
    page = context.new_page()
    page.set_default_timeout(15_000)
    try:
        yield CheckedPage(page, live_server.url)
    finally:
        context.close()


def icf_row(
    trainee, client: str, *, days: tuple[int, int], paid: str, pro_bono="0", group=None, contact=""
) -> list[str]:
    """One engagement in the ICF layout, from `days[0]` to `days[1]` days ago."""
    engagement = "Group" if group else "Individual"
    start, end = (days_ago(day) for day in days)
    return [
        trainee.email,
        client,
        contact,
        engagement,
        str(group or ""),
        start,
        end,
        paid,
        pro_bono,
    ]


def write_icf_log(path: Path, rows: list[list[str]]) -> Path:
    # utf-8-sig: the byte-order mark Excel writes with "CSV UTF-8".
    with path.open("w", newline="", encoding="utf-8-sig") as handle:
        writer = csv.writer(handle)
        writer.writerow(ICF_HEADINGS)
        writer.writerows(rows)
    return path


def assert_fits_the_screen(view) -> None:
    overflow = view.page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0, f"{view.page.url} is {overflow}px wider than the screen"


def requirement_figure(web, label: str) -> str:
    """The "X of Y" figure on the progress page's card for one requirement."""
    card = web.page.locator("li.requirement").filter(
        has=web.page.get_by_role("heading", name=label, exact=True)
    )
    return card.locator(".requirement-figure").inner_text().strip()


def achieved(figure: str) -> float:
    return float(figure.split(" of ")[0])


def test_trainee_logs_coaching_by_hand_and_by_spreadsheet_and_progress_moves(web, tmp_path):
    trainee = make_trainee(first_name="Lena", last_name="Fischer")
    trainee.training_start = timezone.localdate() - dt.timedelta(days=365)
    trainee.save(update_fields=["training_start"])
    sign_in(web, trainee.email)

    # Progress before any coaching.
    web.page.get_by_role("link", name="Progress", exact=True).click()
    web.check()
    assert requirement_figure(web, "Client coaching") == "0 of 100"

    # One engagement through the form.
    web.page.get_by_role("link", name="Coaching log", exact=True).click()
    web.check()
    web.page.get_by_role("link", name="Add an entry").click()
    web.check()
    web.page.get_by_label("Client name").fill("Client A")
    web.page.get_by_label("Start date").fill(days_ago(60))
    web.page.get_by_label("End date").fill(days_ago(30))
    web.page.get_by_label("Paid hours").fill("6")
    web.page.get_by_label("Pro bono hours").fill("1.5")
    web.page.get_by_role("button", name="Save entry").click()
    web.page.wait_for_url(re.compile(r"/records/log/$"))
    web.check()
    expect(web.page.get_by_role("status")).to_contain_text("Coaching with Client A added")
    expect(web.page.get_by_role("row", name=re.compile("Client A"))).to_contain_text("7.5")

    # A spreadsheet with one bad row: the check names the row and column, and saves nothing.
    client_b = icf_row(trainee, "Client B", days=(90, 20), paid="10", contact="b@example.org")
    circle = icf_row(trainee, "Coaching circle", days=(50, 10), paid="3", pro_bono="2", group=5)
    circle_typo = icf_row(trainee, "Coaching circle", days=(50, 10), paid="three", group=5)
    web.page.get_by_role("link", name="Import a spreadsheet").click()
    web.check()
    web.page.get_by_label("Spreadsheet").set_input_files(
        write_icf_log(tmp_path / "log.csv", [client_b, circle_typo])
    )
    web.page.get_by_role("button", name="Check the file").click()
    web.check()
    expect(web.page.get_by_role("heading", level=1)).to_have_text("Problems in your file")
    expect(web.page.get_by_role("alert")).to_contain_text("Nothing was saved: 1 error in 1 row")
    expect(web.page.get_by_role("row", name=re.compile(r"Row 3, Paid Hours"))).to_be_visible()
    # Contact details stay out of the preview.
    expect(web.page.locator("main")).not_to_contain_text("b@example.org")
    assert CoachingLogEntry.objects.filter(trainee=trainee).count() == 1

    # The corrected file checks clean and imports.
    web.page.get_by_role("link", name="Upload the corrected file").click()
    web.check()
    web.page.get_by_label("Spreadsheet").set_input_files(
        write_icf_log(tmp_path / "log-fixed.csv", [client_b, circle])
    )
    web.page.get_by_role("button", name="Check the file").click()
    web.check()
    expect(web.page.get_by_role("heading", level=1)).to_have_text("Ready to import 2 rows")
    web.page.get_by_role("button", name="Import 2 rows").click()
    web.page.wait_for_url(re.compile(r"/records/log/$"))
    web.check()
    expect(web.page.get_by_role("status")).to_contain_text("Imported 2 rows: 2 added")
    table = web.page.get_by_role("table", name="Coaching log, newest first")
    for client in ("Client A", "Client B", "Coaching circle"):
        expect(table.get_by_role("rowheader", name=client)).to_be_visible()

    # Progress counts all three engagements: 7.5 + 10 + 5 hours.
    web.page.get_by_role("link", name="Progress", exact=True).click()
    web.check()
    assert achieved(requirement_figure(web, "Client coaching")) == pytest.approx(22.5)


def test_trainee_applies_admin_approves_certificate_downloads_and_verifies(
    web, browser, live_server
):
    trainee = make_acc_eligible(make_trainee(first_name="Ada", last_name="Okafor"))
    admin = make_programme_admin(first_name="Rui", last_name="Costa")

    sign_in(web, trainee.email)
    web.goto("/progress/")
    expect(web.page.get_by_role("heading", name="Ready to apply")).to_be_visible()
    web.page.get_by_role("button", name="Apply for this award").click()
    web.page.wait_for_url(re.compile(r"/progress/\?pathway=acc"))
    web.check()
    expect(web.page.get_by_role("status")).to_contain_text("ICF ACC-aligned award is in")
    expect(web.page.get_by_role("button", name="Apply for this award")).to_have_count(0)

    with someone_else(browser, live_server) as reviewer:
        sign_in(reviewer, admin.email)
        reviewer.page.get_by_role("link", name="Applications", exact=True).click()
        reviewer.check()
        reviewer.page.get_by_role("link", name=re.compile("Ada Okafor")).click()
        reviewer.check()
        expect(reviewer.page.get_by_role("heading", level=1)).to_contain_text("Ada Okafor")
        reviewer.page.get_by_role("button", name="Start review").click()
        reviewer.check()
        expect(reviewer.page.get_by_role("status")).to_contain_text("now under review")
        reviewer.page.get_by_role("button", name="Approve").click()
        reviewer.check()
        expect(reviewer.page.get_by_role("status")).to_contain_text("now approved")

    # Celery runs eagerly in tests, so the certificate was drawn when the approval committed.
    web.goto("/progress/?pathway=acc")
    expect(web.page.locator("main")).to_contain_text("ICF ACC-aligned, awarded on")
    with web.page.expect_download() as download_info:
        web.page.get_by_role("link", name="Download certificate").click()
    certificate = Path(download_info.value.path())
    assert certificate.read_bytes().startswith(b"%PDF")

    code = Award.objects.get(trainee=trainee).verification_code
    with someone_else(browser, live_server) as stranger:
        stranger.goto(f"/verify/{code}/")
        expect(stranger.page.get_by_role("heading", name="Valid")).to_be_visible()
        expect(stranger.page.locator("main")).to_contain_text("Ada Okafor")
        expect(stranger.page.get_by_role("link", name="Sign in")).to_be_visible()


def test_mentor_confirms_a_session_the_trainee_logged_on_a_phone(phone, browser, live_server):
    trainee = make_trainee(first_name="Kofi", last_name="Boateng")
    mentor = make_mentor(first_name="Maria", last_name="Lopez", credential_held="PCC")
    make_log_entry(trainee=trainee, client_name="Client 1")

    sign_in(phone, trainee.email)
    phone.page.get_by_role("button", name="Menu").click()  # the navigation folds on a phone
    phone.page.get_by_role("link", name="Mentoring", exact=True).click()
    phone.check()
    phone.page.get_by_label("Mentor", exact=True).select_option(label="Maria Lopez (PCC)")
    phone.page.get_by_label("Date of the session").fill(days_ago(3))
    phone.page.get_by_label("Hours", exact=True).fill("1.5")
    phone.page.get_by_role("button", name="Log a mentor session").click()
    phone.page.wait_for_url(re.compile(r"/records/mentoring/$"))
    phone.check()
    expect(phone.page.get_by_role("status")).to_contain_text("Session logged")
    expect(phone.page.get_by_role("row", name=re.compile("Maria Lopez"))).to_contain_text("Waiting")

    with someone_else(
        browser, live_server, viewport=PHONE_VIEWPORT, is_mobile=True, has_touch=True
    ) as mentor_phone:
        sign_in(mentor_phone, mentor.email)
        mentor_phone.page.get_by_role("button", name="Menu").click()
        mentor_phone.page.locator(".site-header").get_by_role("link", name="Sessions I led").click()
        mentor_phone.check()
        session = mentor_phone.page.get_by_role("article").filter(has_text="Kofi Boateng")
        session.get_by_role("button", name=re.compile(r"^Confirm")).click()
        mentor_phone.page.wait_for_url(re.compile(r"/records/mentoring/led/$"))
        mentor_phone.check()
        expect(mentor_phone.page.get_by_role("status")).to_contain_text(
            "You confirmed the session with Kofi Boateng"
        )
        expect(session.get_by_role("button", name=re.compile(r"^Confirm"))).to_have_count(0)
        assert_fits_the_screen(mentor_phone)

    assert MentorSession.objects.get(trainee=trainee).status == MentorSessionStatus.CONFIRMED
    phone.goto("/records/mentoring/")
    expect(phone.page.get_by_role("row", name=re.compile("Maria Lopez"))).to_contain_text(
        "Confirmed"
    )
    assert_fits_the_screen(phone)

    # A wide table scrolls inside its own box; the page itself never gets wider than the phone.
    records_nav = phone.page.get_by_role("navigation", name="My practice records")
    records_nav.get_by_role("link", name="Coaching log").click()
    phone.check()
    expect(phone.page.get_by_role("rowheader", name="Client 1")).to_be_attached()
    assert_fits_the_screen(phone)
