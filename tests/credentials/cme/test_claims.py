"""Claiming CME credit: completion, evaluation, increments, maximum, time spent, profession,
once per learner, activity and type, corrections by an admin; the pages that do it."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from courses.models import ModulePage
from credentials.cme import selectors, services
from credentials.cme.models import CmeClaim, CmeClaimCorrection, EvaluationQuestion
from tests.credentials.cme.conftest import complete_module
from tests.factories.cme import (
    complete_outside_lms,
    credit_type,
    evaluate,
    make_activity,
    make_claim,
)

pytestmark = pytest.mark.django_db


def _claim(learner, activity, credits, code="ama"):
    return services.cme_claim_create(
        learner=learner, activity=activity, credit_type=credit_type(code), credits=Decimal(credits)
    )


def test_a_claim_needs_the_completed_activity_then_its_evaluation(
    physician, module, module_activity
):
    with pytest.raises(ValidationError, match="Complete the activity before you claim credit"):
        _claim(physician, module_activity, "1")
    with pytest.raises(ValidationError, match="Complete the activity before you evaluate it"):
        evaluate(activity=module_activity, learner=physician)
    complete_module(learner=physician, module=module)
    with pytest.raises(ValidationError, match="Fill in the activity's evaluation"):
        _claim(physician, module_activity, "1")
    evaluate(activity=module_activity, learner=physician)
    claim = _claim(physician, module_activity, "1.75")
    assert claim.credits == Decimal("1.75")
    assert claim.completed_on == selectors.completion_date(
        activity=module_activity, learner=physician
    )


@pytest.fixture
def ready(physician, module, module_activity):
    complete_module(learner=physician, module=module)
    evaluate(activity=module_activity, learner=physician)
    return physician


@pytest.mark.parametrize(
    ("credits", "message"),
    [
        ("0", "Claim more than 0"),
        ("1.1", r"in steps of 0\.25"),
        ("2.25", "at most 2 AMA PRA Category 1 Credits™"),
    ],
)
def test_credits_must_be_positive_quarters_within_the_maximum(
    ready, module_activity, credits, message
):
    with pytest.raises(ValidationError, match=message):
        _claim(ready, module_activity, credits)
    assert not CmeClaim.objects.exists()


def test_credits_never_exceed_the_time_the_module_takes(ready, module, module_activity):
    ModulePage.objects.filter(pk=module.pk).update(estimated_minutes=80)  # 1 h 20 min
    module_activity.refresh_from_db()
    with pytest.raises(ValidationError, match=r"at most 1\.25 .* the time this activity takes"):
        _claim(ready, module_activity, "1.5")
    state = selectors.activity_for_learner(
        activity=selectors.activity_by_code(code=module_activity.code), learner=ready
    )
    ama = next(o for o in state.options if o.offer.credit_type.code == "ama")
    assert ama.choices[-1] == Decimal("1.25")
    assert _claim(ready, module_activity, "1.25").credits == Decimal("1.25")


def test_physicians_claim_ama_and_others_participation(ready, nurse, module, module_activity):
    complete_module(learner=nurse, module=module)
    evaluate(activity=module_activity, learner=nurse)
    with pytest.raises(ValidationError, match="A nurse cannot claim AMA PRA Category 1 Credit"):
        _claim(nurse, module_activity, "1")
    assert _claim(nurse, module_activity, "1", code="participation").credit_type.code == (
        "participation"
    )
    refused = "A physician cannot claim Certificate of participation"
    with pytest.raises(ValidationError, match=refused):
        _claim(ready, module_activity, "1", code="participation")


def test_a_nurse_gets_ancc_where_it_is_offered(nurse):
    activity = make_activity(credits={"ancc": "1", "participation": "1"})
    state = selectors.activity_for_learner(activity=activity, learner=nurse)
    assert [o.offer.credit_type.code for o in state.options] == ["ancc"]


def test_one_claim_per_learner_activity_and_type(ready, module_activity):
    _claim(ready, module_activity, "1")
    with pytest.raises(ValidationError, match="You have already claimed AMA PRA"):
        _claim(ready, module_activity, "0.5")
    assert CmeClaim.objects.count() == 1


def test_a_concurrent_double_claim_loses_to_the_constraint_with_a_clear_message(
    ready, module_activity, monkeypatch
):
    _claim(ready, module_activity, "1")
    # The other request checked before this one saved: only the database constraint stops it.
    monkeypatch.setattr(selectors, "claim_of", lambda **kwargs: None)
    with pytest.raises(ValidationError, match="You have already claimed AMA PRA"):
        _claim(ready, module_activity, "1")
    assert CmeClaim.objects.count() == 1


def test_only_an_admin_corrects_a_claim_and_the_old_value_and_reason_are_kept(
    ready, module_activity, programme_admin
):
    claim = _claim(ready, module_activity, "1.75")
    with pytest.raises(ValidationError, match="Only the CME office"):
        services.cme_claim_correct(claim=claim, credits=Decimal("1"), reason="x", actor=ready)
    with pytest.raises(ValidationError):
        services.cme_claim_correct(
            claim=claim, credits=Decimal("1"), reason=" ", actor=programme_admin
        )
    with pytest.raises(ValidationError, match=r"in steps of 0\.25"):
        services.cme_claim_correct(
            claim=claim, credits=Decimal("1.1"), reason="typo", actor=programme_admin
        )
    services.cme_claim_correct(
        claim=claim, credits=Decimal("1"), reason="Left after an hour", actor=programme_admin
    )
    claim.refresh_from_db()
    assert claim.credits == Decimal("1")
    correction = CmeClaimCorrection.objects.get()
    assert (correction.old_credits, correction.new_credits) == (Decimal("1.75"), Decimal("1"))
    assert (correction.reason, correction.actor) == ("Left after an hour", programme_admin)


def test_live_or_other_activities_are_completed_by_the_cme_office(physician, programme_admin):
    activity = make_activity(learning_format="live", credits={"ama": "3"})
    with pytest.raises(ValidationError, match="Only the CME office"):
        complete_outside_lms(activity=activity, learner=physician, actor=physician)
    complete_outside_lms(activity=activity, learner=physician, actor=programme_admin)
    evaluate(activity=activity, learner=physician)
    assert _claim(physician, activity, "3").credits == Decimal("3")


# --- The pages ---------------------------------------------------------------------------------


def test_the_learner_evaluates_then_claims_on_the_activity_page(
    client, physician, module, module_activity, django_capture_on_commit_callbacks
):
    EvaluationQuestion.objects.create(activity=module_activity, prompt="What was most useful?")
    module_activity.wellbeing_question = "How rested do you feel?"
    module_activity.save()
    complete_module(learner=physician, module=module)
    client.force_login(physician)
    url = reverse("credentials:cme_activity", args=[module_activity.code])
    page = client.get(url).content.decode()
    assert "What was most useful?" in page
    assert "How rested do you feel? (before the activity)" in page
    assert "Claim credit" not in page  # not before the evaluation
    bad = client.post(
        reverse("credentials:cme_evaluation", args=[module_activity.code]),
        {"confidence_before": "2", "confidence_after": "9", "intends_change": "yes"},
    )
    assert bad.status_code == 400
    assert "Say what you intend to change" in bad.content.decode() or "Choose a number" in (
        bad.content.decode()
    )
    response = client.post(
        reverse("credentials:cme_evaluation", args=[module_activity.code]),
        {
            "confidence_before": "2",
            "confidence_after": "4",
            "intends_change": "yes",
            "change_description": "Ask one more question before advising.",
            "wellbeing_before": "2",
            "wellbeing_after": "3",
            f"question_{module_activity.evaluation_questions.get().pk}": "The role plays.",
        },
    )
    assert response.status_code == 302
    page = client.get(url).content.decode()
    assert "Physicians should claim only the credit commensurate with the extent of their " in page
    assert '<option value="1.75">1.75</option>' in page
    assert '<option value="2.25">' not in page
    too_much = client.post(
        reverse("credentials:cme_claim", args=[module_activity.code]),
        {"credit_type": "ama", "ama-credits": "2.25"},
    )
    assert too_much.status_code == 400
    assert "Choose one of the amounts listed: at most 2" in too_much.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("credentials:cme_claim", args=[module_activity.code]),
            {"credit_type": "ama", "ama-credits": "1.75"},
        )
    assert response.status_code == 302
    claim = CmeClaim.objects.get()
    assert claim.credits == Decimal("1.75") and claim.certificate_pdf
    again = client.post(
        reverse("credentials:cme_claim", args=[module_activity.code]),
        {"credit_type": "ama", "ama-credits": "1"},
    )
    assert again.status_code == 400
    assert "You have already claimed this credit" in again.content.decode()


def test_the_module_page_links_to_its_cme_activity(client, physician, module, module_activity):
    complete_module(learner=physician, module=module)
    client.force_login(physician)
    page = client.get(module.url).content.decode()
    assert reverse("credentials:cme_activity", args=[module_activity.code]) in page


def test_unknown_activity_is_404(client, physician):
    client.force_login(physician)
    assert client.get(reverse("credentials:cme_activity", args=["nope"])).status_code == 404


def test_imported_claims_need_no_evaluation(physician):
    activity = make_activity(credits={"ama": "1"})
    assert make_claim(activity=activity, learner=physician, credits="0.75").credits == Decimal(
        "0.75"
    )
