"""The learner's CME pages: an activity (evaluate, claim), certificates and the transcript.

Anyone signed in may take an activity. A certificate downloads for its learner and the CME office
only (404 for anyone else); /verify/<code>/ (credentials.views.awards) also finds CME
certificates.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from credentials.cme import certificates, resources, rules, selectors, services
from credentials.cme.forms import ClaimForm, EvaluationForm, TranscriptFilterForm
from lms import policies

NO_ACTIVITY = "There is no CME activity with this code."


def _activity(code: str):
    return policies.found_or_404(selectors.activity_by_code(code=code), NO_ACTIVITY)


def _render_activity(request, activity, *, evaluation_form=None, claim_forms=None, status=200):
    state = selectors.activity_for_learner(activity=activity, learner=request.user)
    if evaluation_form is None and state.may_evaluate:
        evaluation_form = EvaluationForm(
            activity=activity, questions=activity.evaluation_questions.all()
        )
    claim_forms = claim_forms or {}
    forms_by_code = [
        (
            option,
            claim_forms.get(option.offer.credit_type.code)
            or ClaimForm(option=option, prefix=option.offer.credit_type.code),
        )
        for option in state.options
        if option.choices
    ]
    context = {
        "state": state,
        "activity": activity,
        "commensurate": rules.COMMENSURATE,
        "evaluation_form": evaluation_form if state.may_evaluate else None,
        "claim_forms": forms_by_code if state.evaluation else [],
    }
    return render(request, "credentials/cme/activity.html", context, status=status)


@login_required
@require_GET
def activity_detail(request, code: str):
    return _render_activity(request, _activity(code))


@login_required
@require_POST
def evaluation_submit(request, code: str):
    activity = _activity(code)
    form = EvaluationForm(
        request.POST, activity=activity, questions=activity.evaluation_questions.all()
    )
    if form.is_valid():
        try:
            services.cme_evaluation_submit(
                activity=activity, learner=request.user, **form.service_arguments()
            )
        except ValidationError as error:
            form.add_service_error(error)
        else:
            messages.success(request, "Thank you: your evaluation is saved. You can claim now.")
            return redirect("credentials:cme_activity", code=code)
    return _render_activity(request, activity, evaluation_form=form, status=400)


@login_required
@require_POST
def claim_submit(request, code: str):
    activity = _activity(code)
    state = selectors.activity_for_learner(activity=activity, learner=request.user)
    wanted = request.POST.get("credit_type", "")
    option = next((o for o in state.options if o.offer.credit_type.code == wanted), None)
    if option is None:
        claimed = any(claim.credit_type.code == wanted for claim in state.claims)
        messages.error(
            request,
            "You have already claimed this credit: see your transcript."
            if claimed
            else "Choose one of the credits this activity offers you.",
        )
        return _render_activity(request, activity, status=400)
    form = ClaimForm(request.POST, option=option, prefix=wanted)
    if form.is_valid():
        try:
            claim = services.cme_claim_create(
                learner=request.user,
                activity=activity,
                credit_type=option.offer.credit_type,
                credits=form.cleaned_data["credits"],
            )
        except ValidationError as error:
            form.add_service_error(error)
        else:
            messages.success(
                request,
                f"You claimed {rules.format_credits(claim.credits)} "
                f"{claim.credit_type.unit}. Your certificate is below.",
            )
            return redirect("credentials:cme_activity", code=code)
    return _render_activity(request, activity, claim_forms={wanted: form}, status=400)


@login_required
@require_GET
def certificate_download(request, code: str):
    claim = selectors.claim_certificate_for(viewer=request.user, code=code)
    if claim is None:
        raise Http404("No such certificate among yours.")
    if not claim.certificate_pdf:
        raise Http404("The certificate is still being prepared. Reload this page in a minute.")
    return FileResponse(
        claim.certificate_pdf.open("rb"),
        as_attachment=True,
        filename=f"cme-certificate-{claim.activity.code}-{claim.credit_type.code}.pdf",
        content_type="application/pdf",
    )


def _transcript(request):
    form = TranscriptFilterForm(request.GET or None)
    if form.is_bound and not form.is_valid():
        return form, None
    data = form.cleaned_data if form.is_bound else {}
    return form, selectors.transcript(
        learner=request.user, date_from=data.get("date_from"), date_to=data.get("date_to")
    )


def _range_suffix(transcript) -> str:
    ends = [day.isoformat() for day in (transcript.date_from, transcript.date_to) if day]
    return "-" + "-to-".join(ends) if ends else ""


@login_required
@require_http_methods(["GET"])
def transcript_page(request):
    form, transcript = _transcript(request)
    context = {
        "form": form,
        "transcript": transcript,
        "query": request.GET.urlencode(),
    }
    return render(
        request, "credentials/cme/transcript.html", context, status=400 if form.errors else 200
    )


@login_required
@require_GET
def transcript_pdf(request):
    _, transcript = _transcript(request)
    if transcript is None:
        return transcript_page(request)
    response = HttpResponse(
        certificates.transcript_pdf(transcript=transcript), content_type="application/pdf"
    )
    name = f"cme-transcript{_range_suffix(transcript)}.pdf"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@login_required
@require_GET
def transcript_csv(request):
    _, transcript = _transcript(request)
    if transcript is None:
        return transcript_page(request)
    response = HttpResponse(
        resources.transcript_csv(claims=transcript.claims), content_type="text/csv; charset=utf-8"
    )
    name = f"cme-transcript{_range_suffix(transcript)}.csv"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


urlpatterns = [
    path("cme/activities/<slug:code>/", activity_detail, name="cme_activity"),
    path("cme/activities/<slug:code>/evaluation/", evaluation_submit, name="cme_evaluation"),
    path("cme/activities/<slug:code>/claim/", claim_submit, name="cme_claim"),
    path("cme/certificates/<str:code>.pdf", certificate_download, name="cme_certificate"),
    path("cme/transcript/", transcript_page, name="cme_transcript"),
    path("cme/transcript.pdf", transcript_pdf, name="cme_transcript_pdf"),
    path("cme/transcript.csv", transcript_csv, name="cme_transcript_csv"),
]
