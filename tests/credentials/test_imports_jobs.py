"""Admin import jobs: the add form, the Celery task (eager) and the staff-only progress page."""

from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from credentials import services
from credentials.models import CoachingLogEntry, ImportJob, ImportJobStatus
from credentials.tasks import import_job_run
from tests.factories.people import make_trainee

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "imports"
ADD_URL = "/django-admin/credentials/importjob/add/"

pytestmark = pytest.mark.django_db


def fixture_upload(name: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, (FIXTURES / name).read_bytes())


def job_url(job: ImportJob) -> str:
    return reverse("credentials:import_job", args=[job.pk])


@pytest.fixture
def ann(db):
    return make_trainee(email="ann.lee@example.org")


def test_admin_import_runs_the_job_and_shows_the_summary(
    client, programme_admin, ann, django_capture_on_commit_callbacks
):
    client.force_login(programme_admin)
    assert "Import records" in client.get(ADD_URL).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            ADD_URL, {"kind": "coaching_log", "file": fixture_upload("coaching_log.csv")}
        )
    job = ImportJob.objects.get()
    assert response.status_code == 302
    assert response["Location"] == job_url(job)
    assert (job.status, job.total_rows, job.processed_rows, job.created_rows) == (
        ImportJobStatus.SUCCEEDED,
        3,
        3,
        3,
    )
    assert job.created_by == programme_admin
    assert CoachingLogEntry.objects.count() == 3

    page = client.get(job_url(job)).content.decode()
    assert "All 3 rows imported: 3 created, 0 updated, 0 unchanged." in page
    assert "hx-trigger" not in page


def test_a_job_with_bad_rows_saves_nothing_and_lists_the_errors(
    client, programme_admin, ann, django_capture_on_commit_callbacks
):
    content = (FIXTURES / "coaching_log.csv").read_bytes().replace(b"2024-05-10", b"10/05/2024")
    client.force_login(programme_admin)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(ADD_URL, {"kind": "coaching_log", "file": SimpleUploadedFile("l.csv", content)})
    job = ImportJob.objects.get()
    assert job.status == ImportJobStatus.FAILED
    assert job.errors[0] == {
        "row": 4,
        "column": "Start Date",
        "message": "Start Date must be a date as YYYY-MM-DD, such as 2025-03-31.",
    }
    assert not CoachingLogEntry.objects.exists()
    page = client.get(job_url(job)).content.decode()
    assert "Nothing was saved" in page
    assert "<td>Start Date</td>" in page


def test_dry_run_job_saves_nothing(
    client, programme_admin, ann, django_capture_on_commit_callbacks
):
    client.force_login(programme_admin)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            ADD_URL,
            {"kind": "coaching_log", "file": fixture_upload("coaching_log.csv"), "dry_run": "on"},
        )
    job = ImportJob.objects.get()
    assert (job.status, job.created_rows) == (ImportJobStatus.SUCCEEDED, 3)
    assert not CoachingLogEntry.objects.exists()
    assert "Dry run: nothing was saved." in client.get(job_url(job)).content.decode()


def test_the_add_form_refuses_a_wrong_file_before_queueing(client, programme_admin):
    client.force_login(programme_admin)
    response = client.post(ADD_URL, {"kind": "people", "file": fixture_upload("coaching_log.csv")})
    assert response.status_code == 200
    assert "The file is missing these columns: Email, First Name, Last Name, Role" in (
        response.content.decode()
    )
    assert not ImportJob.objects.exists()


def queued_job(admin, name="coaching_log.csv", kind="coaching_log") -> ImportJob:
    job = ImportJob(kind=kind, created_by=admin)
    job.file.save(name, ContentFile((FIXTURES / name).read_bytes()))
    return job


def test_the_task_runs_a_job_once(programme_admin, ann):
    job = queued_job(programme_admin)
    import_job_run(job.pk)
    import_job_run(job.pk)
    job.refresh_from_db()
    assert (job.status, job.created_rows, job.updated_rows) == (ImportJobStatus.SUCCEEDED, 3, 0)


def test_a_running_job_is_not_run_again(programme_admin, ann):
    job = queued_job(programme_admin)
    ImportJob.objects.filter(pk=job.pk).update(status=ImportJobStatus.RUNNING)
    import_job_run(job.pk)
    assert not CoachingLogEntry.objects.exists()


def test_a_file_error_is_stored_on_the_job(programme_admin):
    job = ImportJob(kind="people", created_by=programme_admin)
    job.file.save("empty.csv", ContentFile(b""))
    import_job_run(job.pk)
    job.refresh_from_db()
    assert job.status == ImportJobStatus.FAILED
    assert job.errors == [
        {
            "row": None,
            "column": "",
            "message": "The file is empty. Upload the spreadsheet with its rows.",
        }
    ]


def test_progress_page_polls_every_second_while_running(client, programme_admin):
    job = queued_job(programme_admin)
    ImportJob.objects.filter(pk=job.pk).update(
        status=ImportJobStatus.RUNNING, total_rows=200, processed_rows=50
    )
    client.force_login(programme_admin)
    page = client.get(job_url(job)).content.decode()
    status_url = reverse("credentials:import_job_status", args=[job.pk])
    assert f'hx-get="{status_url}" hx-trigger="every 1s"' in page
    assert '<progress id="import-job-progress" max="200" value="50">' in page
    fragment = client.get(status_url).content.decode()
    assert "50 of 200 rows checked" in fragment
    assert "<html" not in fragment


def test_progress_page_is_for_staff_only(client, programme_admin, trainee, trainer):
    job = queued_job(programme_admin)
    for url in (job_url(job), reverse("credentials:import_job_status", args=[job.pk])):
        assert client.get(url).status_code == 302  # anonymous: sign in first
        for person in (trainee, trainer):
            client.force_login(person)
            assert client.get(url).status_code == 404
        client.logout()
    client.force_login(programme_admin)
    assert client.get(reverse("credentials:import_job", args=[job.pk + 1])).status_code == 404


def test_progress_page_query_count_is_fixed(client, programme_admin, django_assert_max_num_queries):
    job = queued_job(programme_admin)
    ImportJob.objects.filter(pk=job.pk).update(
        status=ImportJobStatus.FAILED,
        errors=[{"row": n, "column": "Date", "message": "Bad"} for n in range(2, 500)],
    )
    client.force_login(programme_admin)
    with django_assert_max_num_queries(6):
        response = client.get(job_url(job))
    assert response.content.decode().count("<td>Bad</td>") == 498


def test_an_unexpected_error_ends_the_job_as_failed_with_the_reason_on_its_page(
    client, programme_admin, ann
):
    job = queued_job(programme_admin)
    # The worker cannot read the upload (say, the media folder is not shared with it).
    job.file.storage.delete(job.file.name)

    import_job_run(job.pk)

    job.refresh_from_db()
    assert job.status == ImportJobStatus.FAILED
    assert job.finished_at is not None
    assert job.errors == [
        {
            "row": None,
            "column": "",
            "message": "The import stopped because of an unexpected error (FileNotFoundError). "
            "Import the file again; if it stops again, tell the site's developers.",
        }
    ]
    assert not CoachingLogEntry.objects.exists()
    client.force_login(programme_admin)
    page = client.get(job_url(job)).content.decode()
    assert "hx-trigger" not in page  # the page stops polling
    assert "Stopped with errors" in page
    assert "unexpected error (FileNotFoundError)" in page


def test_failing_a_finished_job_keeps_its_outcome(programme_admin, ann):
    job = queued_job(programme_admin)
    import_job_run(job.pk)

    services.import_job_fail(job_id=job.pk, reason="Too late.")

    job.refresh_from_db()
    assert (job.status, job.errors) == (ImportJobStatus.SUCCEEDED, [])
