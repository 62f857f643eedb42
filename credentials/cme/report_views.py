"""CME reporting pages: the learner's PARS permission, the CME office's reports and PARS export,
and a credentialed coach's renewal tracker.

The CME office's pages answer 404 to anyone else, like the rest of the back office's pages.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.views.decorators.http import require_GET, require_POST

from credentials.cme import pars, report_selectors, reports
from credentials.cme.models import CertificateJobStatus, CmeCertificateJob
from credentials.cme.report_forms import PeriodForm
from lms import policies
from lms.models import Credential
from lms.services import pars_consent_set

PARS_CONSENT_CHOICES = {"yes": True, "no": False}
EXPORT_CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def _cme_office_only(request) -> None:
    if not policies.can_manage_cme(request.user):
        raise Http404("There is no such page.")


@login_required
@require_POST
def pars_consent_update(request):
    consent = PARS_CONSENT_CHOICES.get(request.POST.get("pars_consent", ""))
    if consent is None:
        return HttpResponseBadRequest("Answer yes or no: may we report your CME credit to ACCME?")
    pars_consent_set(user=request.user, consent=consent)
    if consent:
        messages.success(request, "Thank you: we will report your AMA credit to ACCME's PARS.")
    else:
        messages.success(
            request, "We will no longer report your CME credit to ACCME's PARS, from today."
        )
    return redirect("profile")


def _pars_report(form: PeriodForm) -> pars.ParsReport:
    data = form.cleaned_data
    return pars.pars_report(
        pars.pars_completions(
            date_from=data["date_from"], date_to=data["date_to"], activity=data["activity"]
        )
    )


@login_required
@require_GET
def pars_export_page(request):
    """The same rows as `pars_export`, for the CME office: a preview, the completions left out
    and why, and the file to download as CSV or XLSX."""
    _cme_office_only(request)
    form = PeriodForm(request.GET or None)
    context = {"form": form, "report": None, "headers": pars.PARS_HEADERS}
    if form.is_bound and form.is_valid():
        context["report"] = _pars_report(form)
        context["query"] = request.GET.urlencode()
    status = 400 if form.errors else 200
    return render(request, "credentials/cme/reports/pars.html", context, status=status)


@login_required
@require_GET
def pars_export_download(request, file_format: str):
    _cme_office_only(request)
    if file_format not in EXPORT_CONTENT_TYPES:
        raise Http404("Download the PARS file as csv or xlsx.")
    form = PeriodForm(request.GET)
    if not form.is_valid():
        return HttpResponseBadRequest(
            " ".join(error for errors in form.errors.values() for error in errors)
        )
    data = form.cleaned_data
    filename = f"pars-{data['date_from']:%Y-%m-%d}-to-{data['date_to']:%Y-%m-%d}.{file_format}"
    return HttpResponse(
        pars.pars_file(_pars_report(form).rows, file_format=file_format),
        content_type=EXPORT_CONTENT_TYPES[file_format],
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


@login_required
@require_GET
def activity_reports_page(request):
    """Completions, credit claimed and evaluation results per activity and per programme, with
    the mean confidence and wellbeing before and after drawn as charts."""
    _cme_office_only(request)
    facts = report_selectors.activity_facts()
    by_activity = reports.activity_reports(facts)
    by_programme = reports.programme_reports(facts)
    charts = [
        (
            "activity",
            "Per activity",
            [
                ("confidence", "Confidence", _chart(by_activity, "confidence", short=True)),
                ("wellbeing", "Wellbeing", _chart(by_activity, "wellbeing", short=True)),
            ],
        ),
        (
            "programme",
            "Per programme",
            [
                ("confidence", "Confidence", _chart(by_programme, "confidence")),
                ("wellbeing", "Wellbeing", _chart(by_programme, "wellbeing")),
            ],
        ),
    ]
    context = {"by_activity": by_activity, "by_programme": by_programme, "charts": charts}
    return render(request, "credentials/cme/reports/activities.html", context)


def _chart(groups, measure: str, *, short: bool = False) -> reports.ChangeChart:
    return reports.change_chart(
        [
            (group.key if short else group.label, getattr(group.evaluation, measure))
            for group in groups
        ]
    )


@login_required
@require_GET
def renewal_page(request):
    """A credentialed coach's ICF renewal: what the current cycle needs and what is missing."""
    coach = request.user
    context = {
        "status": report_selectors.renewal_for(coach=coach),
        "credential": coach.credential_held,
        "holds_credential": coach.credential_held != Credential.NONE,
    }
    return render(request, "credentials/cme/reports/renewal.html", context)


def _certificate_job(request, pk: int) -> CmeCertificateJob:
    _cme_office_only(request)
    return get_object_or_404(CmeCertificateJob.objects.select_related("created_by"), pk=pk)


def _job_context(job: CmeCertificateJob) -> dict:
    return {"job": job, "running": job.status != CertificateJobStatus.DONE}


@login_required
@require_GET
def certificate_job_page(request, pk: int):
    """Progress of a bulk issue of certificates; the status part polls itself with htmx."""
    job = _certificate_job(request, pk)
    return render(request, "credentials/cme/reports/certificate_job.html", _job_context(job))


@login_required
@require_GET
def certificate_job_status(request, pk: int):
    job = _certificate_job(request, pk)
    return render(
        request, "credentials/cme/reports/_certificate_job_status.html", _job_context(job)
    )


urlpatterns = [
    path("cme/pars-permission/", pars_consent_update, name="cme_pars_consent"),
    path("cme/renewal/", renewal_page, name="cme_renewal"),
    path("cme/office/reports/", activity_reports_page, name="cme_activity_reports"),
    path("cme/office/certificates/<int:pk>/", certificate_job_page, name="cme_certificate_job"),
    path(
        "cme/office/certificates/<int:pk>/status/",
        certificate_job_status,
        name="cme_certificate_job_status",
    ),
    path("cme/office/pars/", pars_export_page, name="cme_pars_export"),
    path("cme/office/pars/<str:file_format>/", pars_export_download, name="cme_pars_download"),
]
