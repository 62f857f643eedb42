"""CME Celery tasks: each takes ids, calls a service and is idempotent."""

from celery import shared_task

from credentials.cme import services


@shared_task(name="credentials.cme_certificate_render", autoretry_for=(OSError,), max_retries=5)
def cme_certificate_render(claim_id: int) -> None:
    """Render the claim's certificate PDF; a retry after success does nothing."""
    services.cme_certificate_attach(claim_id=claim_id)


@shared_task(name="credentials.cme_certificate_job_run")
def cme_certificate_job_run_task(job_id: int) -> None:
    """Issue or reissue a bulk job's certificates; a retry carries on where it stopped."""
    services.cme_certificate_job_run(job_id=job_id)
