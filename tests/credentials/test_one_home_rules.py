"""Each rule has one home: the exam's scale and ICF's pass mark in the engine, the pass mark
that decides in the pathway, the ranking of credentials in the engine."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from credentials import engine, selectors, services
from credentials.models import AssessmentResult, Pathway
from lms import models as lms_models
from lms.models import Credential

pytestmark = pytest.mark.django_db


def record_exam(trainee, admin, *, score, passed):
    return services.assessment_result_record(
        trainee=trainee,
        kind="exam",
        date=dt.date(2025, 3, 1),
        passed=passed,
        score=score,
        recorded_by=admin,
    )


def test_a_score_is_checked_against_the_pass_mark_an_admin_set(trainee, programme_admin):
    # The copy in services (460) ignored this edit: 450 could not be recorded as a pass.
    Pathway.objects.filter(code="acc").update(exam_pass_mark=440)
    assert record_exam(trainee, programme_admin, score=450, passed=True).passed
    with pytest.raises(ValidationError, match="the pass mark is 440"):
        record_exam(trainee, programme_admin, score=430, passed=True)
    assert AssessmentResult.objects.count() == 1


def test_the_pass_mark_is_the_pathway_the_trainee_works_towards(trainee):
    Pathway.objects.filter(code="acc").update(exam_pass_mark=500)
    assert selectors.exam_pass_mark_of(trainee=trainee) == 500
    trainee.credential_held = Credential.ACC
    assert selectors.exam_pass_mark_of(trainee=trainee) == engine.EXAM_PASS_MARK


def test_new_pathways_and_the_engine_start_from_icfs_pass_mark():
    assert Pathway._meta.get_field("exam_pass_mark").default == engine.EXAM_PASS_MARK
    assert engine.PathwayRules.__dataclass_fields__["exam_pass_mark"].default == 460


def test_credentials_are_ranked_in_one_place_covering_every_credential():
    assert not hasattr(lms_models, "CREDENTIAL_RANK")
    assert set(engine.CREDENTIAL_RANK) == set(Credential.values)
