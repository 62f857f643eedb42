"""ICF renewal: pure rules (hypothesis) and the coach's page."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from credentials import services as record_services
from credentials.cme import renewal
from credentials.cme.models import ActivityCredit
from credentials.cme.renewal import CceUnits, MentorHours, renewal_status
from tests.factories.cme import credit_type, make_activity, make_claim
from tests.factories.people import make_mentor, make_trainee
from tests.factories.records import make_mentor_session

START = dt.date(2024, 3, 1)
in_cycle = st.dates(START, dt.date(2027, 2, 28))
units = st.builds(
    CceUnits,
    completed_on=st.dates(dt.date(2023, 1, 1), dt.date(2028, 1, 1)),
    credit_type=st.sampled_from(["icf_core", "icf_resource", "ama"]),
    units=st.decimals("0.25", "12", places=2),
    ethics=st.booleans(),
)


def _met(status, code):
    return next(r for r in status.requirements if r.code == code)


@given(st.lists(units, max_size=15))
def test_totals_count_only_cce_units_inside_the_cycle(items):
    status = renewal_status(credential="PCC", cycle_start=START, units=items)
    inside = [u for u in items if START <= u.completed_on < dt.date(2027, 3, 1)]
    core = sum((u.units for u in inside if u.credit_type == "icf_core"), Decimal(0))
    resource = sum((u.units for u in inside if u.credit_type == "icf_resource"), Decimal(0))
    ethics = sum((u.units for u in inside if u.credit_type == "icf_core" and u.ethics), Decimal(0))
    assert _met(status, "cce_units").achieved == core + resource
    assert _met(status, "core_units").achieved == core
    assert _met(status, "ethics_units").achieved == ethics <= core
    assert status.complete == (core + resource >= 40 and core >= 24 and ethics >= 3)
    assert "mentor_hours" not in {r.code for r in status.requirements}


@given(
    st.lists(
        st.builds(
            MentorHours,
            date=in_cycle,
            hours=st.decimals("0.5", "3", places=1),
            group_size=st.none() | st.integers(2, 14),
        ),
        max_size=12,
    )
)
def test_acc_mentor_hours_count_one_to_one_and_at_most_seven_group_hours(sessions):
    counted = renewal.counted_mentor_hours(sessions)
    one_to_one = sum((s.hours for s in sessions if s.group_size is None), Decimal(0))
    assert one_to_one <= counted <= one_to_one + 7
    status = renewal_status(credential="ACC", cycle_start=START, units=[], mentor_sessions=sessions)
    assert _met(status, "mentor_hours").achieved == counted
    assert _met(status, "mentor_hours").met == (counted >= 10)


def test_the_detail_says_what_is_missing_and_by_when():
    status = renewal_status(
        credential="ACC",
        cycle_start=START,
        units=[CceUnits(dt.date(2025, 1, 1), "icf_core", Decimal(30), ethics=False)],
    )
    assert _met(status, "cce_units").detail == (
        "You have 30 of 40 units: 10 more needed before 1 March 2027."
    )
    assert _met(status, "core_units").met
    assert _met(status, "ethics_units").detail.startswith("You have 0 of 3 units: 3 more")
    assert status.last_day == dt.date(2027, 2, 28)


# --- The database and the page -------------------------------------------------------------------


@pytest.mark.django_db
def test_only_icf_core_offers_can_be_ethics():
    activity = make_activity(credits={"icf_resource": "2"})
    offer = ActivityCredit.objects.get(activity=activity)
    offer.ethics = True
    with pytest.raises(ValidationError) as error:
        offer.full_clean()
    assert "ethics" in error.value.message_dict


@pytest.mark.django_db
def test_the_coach_sees_units_ethics_and_mentor_hours_of_the_cycle(client):
    today = timezone.localdate()
    coach = make_trainee(credential_held="ACC", credential_since=today - dt.timedelta(days=400))
    ethics = make_activity(credits={"icf_core": "3"})
    ActivityCredit.objects.filter(activity=ethics).update(ethics=True)
    skills = make_activity(credits={"icf_core": "20", "icf_resource": "10"})
    make_claim(activity=ethics, learner=coach, code="icf_core", credits="3")
    make_claim(activity=skills, learner=coach, code="icf_core", credits="20")
    make_claim(activity=skills, learner=coach, code="icf_resource", credits="10")
    mentor = make_mentor(credential_held="PCC")
    confirmed = make_mentor_session(trainee=coach, mentor=mentor, hours=Decimal("4"))
    record_services.mentor_session_confirm(session=confirmed, mentor=mentor)
    make_mentor_session(  # not confirmed
        trainee=coach, mentor=mentor, hours=Decimal("2"), date=today - dt.timedelta(days=5)
    )

    client.force_login(coach)
    page = client.get(reverse("credentials:cme_renewal")).content.decode()
    assert "You have 33 of 40 units: 7 more needed" in page
    assert "You have 23 units; 24 are needed." not in page
    assert "You have 23 of 24 units: 1 more needed" in page
    assert "You have 3 units; 3 are needed." in page
    assert "You have 4 of 10 hours: 6 more needed" in page
    assert credit_type("icf_core").name  # seeded


@pytest.mark.django_db
def test_without_a_credential_date_the_page_says_whom_to_ask(client):
    client.force_login(make_trainee(credential_held="PCC"))
    page = client.get(reverse("credentials:cme_renewal")).content.decode()
    assert "We do not know when your PCC credential was granted" in page
    client.force_login(make_trainee())
    page = client.get(reverse("credentials:cme_renewal")).content.decode()
    assert "You do not hold an ICF credential yet" in page
