"""CME records are kept 6 years: erasing a learner anonymises them; a raw delete is refused."""

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.core.files.base import ContentFile
from django.db.models import ProtectedError
from django.urls import reverse

from credentials.cme.models import CmeClaim, CmeEvaluation
from credentials.cme.pars import pars_completions, pars_report
from lms.models import User
from lms.services import ErasureOutcome, learner_erase
from tests.credentials.cme_reports.builders import make_physician
from tests.factories.cme import complete_outside_lms, evaluate, make_activity, make_claim
from tests.factories.people import make_trainee

pytestmark = pytest.mark.django_db


def _physician_with_records(programme_admin):
    activity = make_activity(credits={"ama": "2"})
    physician = make_physician(first_name="Ada", last_name="Okafor", email="ada@example.org")
    complete_outside_lms(activity=activity, learner=physician, actor=programme_admin)
    evaluate(activity=activity, learner=physician)
    claim = make_claim(activity=activity, learner=physician, credits="1.5")
    claim.certificate_pdf.save("cme-certificate.pdf", ContentFile(b"%PDF-1.7 Ada Okafor"))
    return physician, claim


def test_erasing_a_learner_with_cme_records_keeps_them_under_an_anonymous_learner(
    programme_admin, django_capture_on_commit_callbacks
):
    physician, claim = _physician_with_records(programme_admin)
    storage, pdf_name = claim.certificate_pdf.storage, claim.certificate_pdf.name
    with django_capture_on_commit_callbacks(execute=True):
        assert learner_erase(user=physician) == ErasureOutcome.ANONYMISED
    physician.refresh_from_db()
    assert (physician.first_name, physician.last_name) == ("Erased", "learner")
    assert physician.email == f"erased-{physician.pk}@erased.invalid"
    identifiers = (physician.npi, physician.licence_number, physician.licence_state)
    assert identifiers == ("", "", "")
    assert (physician.board_id, physician.birth_month, physician.birth_day) == ("", None, None)
    assert physician.pars_consent is False
    assert not physician.is_active and not physician.has_usable_password()
    assert not physician.groups.exists()
    claim.refresh_from_db()
    assert claim.learner_id == physician.pk and str(claim.credits) == "1.50"
    assert CmeEvaluation.objects.filter(learner=physician).count() == 1
    assert not claim.certificate_pdf and not storage.exists(pdf_name)
    assert not User.objects.filter(email="ada@example.org").exists()
    # The anonymous learner is never reported to PARS.
    completion = pars_completions(date_from=claim.completed_on, date_to=claim.completed_on)
    assert pars_report(completion).rows == ()


def test_a_raw_delete_cannot_remove_cme_records(programme_admin):
    physician, _ = _physician_with_records(programme_admin)
    with pytest.raises(ProtectedError):
        physician.delete()
    assert CmeClaim.objects.filter(learner=physician).exists()


def test_a_learner_without_cme_records_is_deleted():
    learner = make_trainee()
    assert learner_erase(user=learner) == ErasureOutcome.DELETED
    assert not User.objects.filter(pk=learner.pk).exists()


def test_the_admin_erase_action_anonymises(client, programme_admin):
    physician, claim = _physician_with_records(programme_admin)
    other = make_trainee()
    client.force_login(User.objects.create_superuser("root@example.org", "x", first_name="R"))
    response = client.post(
        reverse("admin:lms_user_changelist"),
        {"action": "erase_selected", ACTION_CHECKBOX_NAME: [physician.pk, other.pk]},
        follow=True,
    )
    assert "Deleted 1; anonymised 1 who have CME records" in response.content.decode()
    physician.refresh_from_db()
    assert physician.last_name == "learner"
    assert not User.objects.filter(pk=other.pk).exists()
    assert CmeClaim.objects.filter(pk=claim.pk).exists()


def test_people_without_the_right_to_delete_cannot_erase(client, programme_admin):
    learner = make_trainee()
    client.force_login(programme_admin)
    response = client.post(
        reverse("admin:lms_user_changelist"),
        {"action": "erase_selected", ACTION_CHECKBOX_NAME: [learner.pk]},
        follow=True,
    )
    assert f"You may not erase {learner}." in response.content.decode()
    assert User.objects.filter(pk=learner.pk).exists()
