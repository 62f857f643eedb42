"""CME reporting pages: the learner's PARS permission, the CME office's reports and PARS export,
and a credentialed coach's renewal tracker."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponseBadRequest
from django.shortcuts import redirect
from django.urls import path
from django.views.decorators.http import require_POST

from lms.services import pars_consent_set

PARS_CONSENT_CHOICES = {"yes": True, "no": False}


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


urlpatterns = [
    path("cme/pars-permission/", pars_consent_update, name="cme_pars_consent"),
]
