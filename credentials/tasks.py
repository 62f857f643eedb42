"""Celery tasks of the credentials app. Each takes ids, calls a service and is idempotent."""

import logging
from dataclasses import asdict

from celery import shared_task
from django.db import connection, connections

from credentials import imports, services
from credentials.models import ImportJob

logger = logging.getLogger(__name__)

# --- Imports ---------------------------------------------------------------------------------


class _ProgressOnOwnConnection:
    """Writes an import job's progress on a second database connection.

    The import itself is one transaction that commits at the end, so progress written through
    it would stay invisible to the page polling the job. SQLite allows one writer at a time, so
    there the numbers appear only when the job finishes.
    """

    def __init__(self, job_id: int):
        self.job_id = job_id
        self.connection = (
            None if connection.vendor == "sqlite" else connections.create_connection("default")
        )

    def __call__(self, done: int, total: int) -> None:
        if self.connection is None:
            return
        table = ImportJob._meta.db_table
        with self.connection.cursor() as cursor:
            cursor.execute(
                f"UPDATE {table} SET processed_rows = %s, total_rows = %s WHERE id = %s",  # noqa: S608
                [done, total, self.job_id],
            )

    def close(self) -> None:
        if self.connection is not None:
            self.connection.close()


@shared_task(name="credentials.import_job_run")
def import_job_run(job_id: int) -> None:
    """Run a queued import job once; a job that is running or finished is left alone.

    Whatever stops the run ends the job as failed with the reason on its page: a job left
    `running` would be polled for ever and could never be claimed again.
    """
    job = services.import_job_claim(job_id=job_id)
    if job is None:
        return
    try:
        _import_job_execute(job)
    except Exception as error:
        logger.exception("Import job %s stopped by an unexpected error", job.pk)
        services.import_job_fail(
            job_id=job.pk,
            reason=(
                f"The import stopped because of an unexpected error ({type(error).__name__}). "
                "Import the file again; if it stops again, tell the site's developers."
            ),
        )


def _import_job_execute(job: ImportJob) -> None:
    progress = _ProgressOnOwnConnection(job.pk)
    try:
        with job.file.open("rb") as upload:
            table = imports.read_table(upload)
        report = imports.import_records(
            kind=job.kind,
            table=table,
            dry_run=job.dry_run,
            actor=job.created_by,
            progress=progress,
        )
    except imports.ImportFileError as error:
        services.import_job_finish(
            job=job,
            total_rows=0,
            created_rows=0,
            updated_rows=0,
            errors=[{"row": None, "column": "", "message": error.message}],
        )
        return
    finally:
        progress.close()
    services.import_job_finish(
        job=job,
        total_rows=report.total_rows,
        created_rows=report.created,
        updated_rows=report.updated,
        errors=[asdict(error) for error in report.errors],
    )


# --- Awards and nightly evaluation -----------------------------------------------------------


@shared_task(name="credentials.award_certificate_render", autoretry_for=(OSError,), max_retries=5)
def award_certificate_render(award_id: int) -> None:
    """Render the award's certificate PDF; a retry after success does nothing."""
    services.award_certificate_attach(award_id=award_id)


@shared_task(name="credentials.evaluate_all_trainees")
def evaluate_all_trainees() -> int:
    """Nightly: tell every newly eligible trainee, once, that they can apply."""
    return services.eligibility_notices_send()


@shared_task(name="credentials.unfinished_work_requeue")
def unfinished_work_requeue() -> dict[str, int]:
    """Every 5 minutes (beat): finish what lost messages and killed workers left undone."""
    return {
        "awards_requeued": services.award_certificates_requeue(),
        **services.import_jobs_stalled_settle(),
    }
