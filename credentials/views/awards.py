"""Applications, their review, award certificates and the public verification page.

Trainees apply from their progress page. Programme admins review at /applications/; everyone
else signed in gets 403 there. A certificate downloads for its holder and programme admins only
(404 for anyone else). /verify/<code>/ is public and shows nothing but what a certificate says.
"""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from credentials import selectors, services
from credentials.cme import selectors as cme_selectors
from credentials.cme.certificates import certificate_context
from credentials.engine import format_date
from credentials.models import ApplicationStatus
from credentials.views.progress import render_progress
from lms import policies
from lms.forms import PlainFormMixin
from lms.models import Role

NOT_FOUND_MESSAGE = (
    "We could not find a certificate with this code. Check the code on the certificate."
)


class ReviewForm(PlainFormMixin, forms.Form):
    to_status = forms.ChoiceField(
        choices=[
            (ApplicationStatus.UNDER_REVIEW, "Start review"),
            (ApplicationStatus.APPROVED, "Approve"),
            (ApplicationStatus.RETURNED, "Return with reasons"),
        ],
        widget=forms.HiddenInput,
        error_messages={"invalid_choice": "Choose one of the review buttons."},
    )
    reasons = forms.CharField(
        label="Reasons",
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="Needed to return the application. The trainee reads them in an email.",
    )


# Applying ------------------------------------------------------------------------------------


@login_required
@require_POST
def application_submit(request):
    policies.require_role(request.user, Role.TRAINEE, "Only trainees apply for a credential.")
    pathway = selectors.pathway_by_code(code=request.POST.get("pathway", ""))
    if pathway is None:
        messages.error(request, "Choose the award to apply for.")
        return render_progress(request, request.user, pathway_code=None, status=400)
    try:
        services.application_submit(trainee=request.user, pathway=pathway)
    except ValidationError as error:
        for text in error.messages:
            messages.error(request, text)
        return render_progress(request, request.user, pathway_code=pathway.code, status=400)
    messages.success(
        request,
        f"Your application for the {pathway.award_title} award is in. We will email you when a "
        "programme admin reviews it.",
    )
    return redirect(reverse("credentials:progress") + f"?pathway={pathway.code}")


# Review by programme admins ------------------------------------------------------------------


def _require_programme_admin(request) -> None:
    if not policies.can_review_applications(request.user):
        raise PermissionDenied("Only programme admins review credential applications.")


@login_required
@require_GET
def application_list(request):
    _require_programme_admin(request)
    return render(
        request,
        "credentials/awards/application_list.html",
        {"applications": selectors.open_applications()},
    )


@login_required
@require_http_methods(["GET", "POST"])
def application_detail(request, application_id: int):
    _require_programme_admin(request)
    application = selectors.application_for_review(application_id=application_id)
    if application is None:
        raise Http404("No such application.")
    form = ReviewForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.application_transition(
                application=application,
                to_status=form.cleaned_data["to_status"],
                actor=request.user,
                reasons=form.cleaned_data["reasons"],
            )
        except ValidationError as error:
            form.add_service_error(error)
        else:
            messages.success(
                request,
                f"The application is now {application.get_status_display().lower()}. "
                f"{application.trainee} has been emailed.",
            )
            return redirect("credentials:application_detail", application_id=application.pk)
    today, comparison = selectors.application_comparison(application=application)
    context = {
        "application": application,
        "credential": application.pathway.award_title,
        "today": today,
        "comparison": comparison,
        "form": form,
        "allowed": services.APPLICATION_MACHINE.moves.get(application.status, frozenset()),
        "statuses": ApplicationStatus,
    }
    status = 400 if form.is_bound else 200
    return render(request, "credentials/awards/application_detail.html", context, status=status)


# Certificates and verification ---------------------------------------------------------------


@login_required
@require_GET
def award_certificate(request, code: str):
    award = selectors.award_certificate_for(viewer=request.user, code=code)
    if award is None:
        raise Http404("No such certificate among yours.")
    if not award.certificate_pdf:
        # Issued, reissued or just revoked: the render task is on its way (404: no file yet).
        return render(request, "credentials/awards/certificate_pending.html", status=404)
    return FileResponse(
        award.certificate_pdf.open("rb"),
        as_attachment=True,
        filename=f"{award.pathway.level}-certificate.pdf",
        content_type="application/pdf",
    )


@login_required
@require_GET
def programme_education_certificate(request, programme_id: int):
    """The signed-in trainee's certificate of completed coach-specific education.

    Issued on first request once every module is complete (idempotent: one per trainee and
    programme), then rendered by a task; until the PDF exists the page says it is on its way.
    """
    programme = selectors.programme_by_id(programme_id=programme_id)
    if programme is None:
        raise Http404("No such programme.")
    try:
        certificate = services.education_certificate_issue(
            trainee=request.user, programme=programme
        )
    except ValidationError as error:
        return render(
            request,
            "credentials/awards/certificate_unavailable.html",
            {"message": " ".join(error.messages)},
            status=409,
        )
    certificate.refresh_from_db(fields=["certificate_pdf"])
    if not certificate.certificate_pdf:
        return render(request, "credentials/awards/certificate_pending.html", status=202)
    return FileResponse(
        certificate.certificate_pdf.open("rb"),
        as_attachment=True,
        filename="education-certificate.pdf",
        content_type="application/pdf",
    )


@require_GET
def verify(request, code: str):
    award = selectors.award_by_code(code=code)
    if award is None and (claim := cme_selectors.claim_by_code(code=code)) is not None:
        return render(request, "credentials/cme/verify.html", certificate_context(claim=claim))
    if award is None:
        certificate = selectors.education_certificate_by_code(code=code)
        if certificate is not None:
            return render(
                request,
                "credentials/verify_education.html",
                {
                    "certificate": certificate,
                    "first_completed_on": format_date(certificate.first_completed_on),
                    "last_completed_on": format_date(certificate.last_completed_on),
                    "issued_on": format_date(certificate.issued_on),
                },
            )
        return render(
            request, "credentials/verify_not_found.html", {"message": NOT_FOUND_MESSAGE}, status=404
        )
    context = {
        "holder_name": award.holder_name,
        "award_title": award.title,
        "icf_credential": award.pathway.icf_credential,
        "issued_on": format_date(award.issued_on),
        "revoked_on": format_date(award.revoked_at.date()) if award.is_revoked else None,
    }
    return render(request, "credentials/verify.html", context)


urlpatterns = [
    path("applications/", application_list, name="application_list"),
    path("applications/new/", application_submit, name="application_submit"),
    path("applications/<int:application_id>/", application_detail, name="application_detail"),
    path("awards/<str:code>/certificate.pdf", award_certificate, name="award_certificate"),
    path(
        "programmes/<int:programme_id>/education-certificate.pdf",
        programme_education_certificate,
        name="programme_education_certificate",
    ),
    path("verify/<str:code>/", verify, name="verify"),
]
