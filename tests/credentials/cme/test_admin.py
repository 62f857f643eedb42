"""The CME office's back office: activities with their credit, completions, corrections."""

from decimal import Decimal

import pytest
from django.urls import reverse

from credentials.cme.models import CmeClaim, CmeClaimCorrection, CmeCompletion
from tests.factories.cme import make_activity, make_claim

pytestmark = pytest.mark.django_db


def test_programme_admins_see_every_cme_screen(client, programme_admin):
    client.force_login(programme_admin)
    for name in ("cmeactivity", "cmeclaim", "cmecompletion", "credittype"):
        response = client.get(reverse(f"admin:credentials_{name}_changelist"))
        assert response.status_code == 200, name
    assert client.get(reverse("admin:credentials_cmeactivity_add")).status_code == 200


def test_a_correction_in_the_admin_keeps_the_old_value_and_reason(
    client, programme_admin, physician
):
    claim = make_claim(activity=make_activity(credits={"ama": "2"}), learner=physician, credits="2")
    client.force_login(programme_admin)
    url = reverse("admin:credentials_cmeclaim_change", args=[claim.pk])
    inline = {"corrections-TOTAL_FORMS": "0", "corrections-INITIAL_FORMS": "0"}
    refused = client.post(url, {"credits": "1.1", "reason": "Typo", **inline})
    assert refused.status_code == 200 and "steps of 0.25" in refused.content.decode()
    no_reason = client.post(url, {"credits": "1", **inline})
    assert no_reason.status_code == 200
    assert CmeClaim.objects.get().credits == Decimal("2")
    done = client.post(url, {"credits": "1.5", "reason": "Signed out at the break", **inline})
    assert done.status_code == 302
    assert CmeClaim.objects.get().credits == Decimal("1.5")
    correction = CmeClaimCorrection.objects.get()
    assert (correction.old_credits, correction.reason, correction.actor) == (
        Decimal("2"),
        "Signed out at the break",
        programme_admin,
    )


def test_completions_are_recorded_for_activities_outside_the_lms_only(
    client, programme_admin, physician, module_activity
):
    outside = make_activity(learning_format="other", credits={"ama": "1"})
    client.force_login(programme_admin)
    url = reverse("admin:credentials_cmecompletion_add")
    yesterday = outside.start_date.isoformat()
    refused = client.post(
        url, {"activity": module_activity.pk, "learner": physician.pk, "completed_on": yesterday}
    )
    assert "completed through its module" in refused.content.decode()
    client.post(url, {"activity": outside.pk, "learner": physician.pk, "completed_on": yesterday})
    completion = CmeCompletion.objects.get()
    assert (completion.activity, completion.recorded_by) == (outside, programme_admin)
