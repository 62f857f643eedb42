"""CME rows: credit types seeded as data, every rule in clean()/constraints."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError

from credentials.cme.models import ActivityCredit, CmeActivity, CreditType, LearningFormat
from credentials.cme.selectors import designation_statement
from tests.factories.cme import credit_type, make_activity

pytestmark = pytest.mark.django_db


def test_the_migration_seeds_every_credit_type_of_the_design():
    types = {t.code: t for t in CreditType.objects.all()}
    assert set(types) == {"ama", "participation", "ancc", "icf_core", "icf_resource"}
    assert types["ama"].name == "AMA PRA Category 1 Credit™"
    assert types["ama"].increment == Decimal("0.25")
    assert types["ama"].professions == ["physician"]
    assert types["ancc"].professions == ["nurse"]
    assert "physician" not in types["participation"].professions


def test_credit_type_refuses_unknown_professions():
    ama = credit_type("ama")
    ama.professions = ["astronaut"]
    with pytest.raises(ValidationError) as error:
        ama.full_clean()
    assert "professions" in error.value.message_dict


def _activity(**fields) -> CmeActivity:
    defaults = {
        "code": "act-1",
        "title": "T",
        "provider": "P",
        "learning_format": LearningFormat.ENDURING,
        "start_date": "2026-01-01",
        "end_date": "2026-12-31",
    }
    return CmeActivity(**{**defaults, **fields})


def test_a_live_activity_needs_a_location_and_others_refuse_one():
    with pytest.raises(ValidationError) as error:
        _activity(learning_format=LearningFormat.LIVE).full_clean()
    assert error.value.message_dict["location"] == ["Give the location of a live activity."]
    with pytest.raises(ValidationError) as error:
        _activity(location="Room 1").full_clean()
    assert "location" in error.value.message_dict
    _activity(learning_format=LearningFormat.LIVE, location="Room 1").full_clean()


def test_end_date_cannot_precede_start_date():
    with pytest.raises(ValidationError) as error:
        _activity(end_date="2025-12-31").full_clean()
    assert "end_date" in error.value.message_dict


def test_designation_statement_is_generated_from_the_fields_unless_overridden():
    activity = make_activity(credits={"ama": "1.75"}, provider="Heart Institute")
    offers = list(activity.credits.select_related("credit_type"))
    assert designation_statement(activity=activity, offers=offers).startswith(
        "Heart Institute designates this enduring material for a maximum of 1.75 AMA PRA "
        "Category 1 Credits™."
    )
    activity.designation_statement_override = "Our own wording."
    assert designation_statement(activity=activity, offers=offers) == "Our own wording."


@pytest.mark.parametrize("maximum", ["0", "1.1", "-0.25"])
def test_an_offer_maximum_must_be_a_positive_multiple_of_the_increment(maximum):
    activity = make_activity(credits={})
    offer = ActivityCredit(
        activity=activity, credit_type=credit_type("ama"), max_credits=Decimal(maximum)
    )
    with pytest.raises(ValidationError) as error:
        offer.full_clean()
    assert "max_credits" in error.value.message_dict


def test_a_credit_type_is_offered_once_per_activity():
    activity = make_activity(credits={"ama": "1"})
    with pytest.raises(IntegrityError):
        ActivityCredit.objects.create(
            activity=activity, credit_type=credit_type("ama"), max_credits=Decimal("2")
        )
