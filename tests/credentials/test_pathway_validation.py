"""A pathway's own validation refuses every number the engine cannot evaluate or no trainee
could meet, with a message on the field; anything it accepts, the engine can evaluate."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from credentials import engine, selectors
from credentials.models import Pathway

pytestmark = pytest.mark.django_db

HOURS_FIELDS = [
    "education_hours",
    "education_synchronous_hours",
    "mentor_hours",
    "experience_hours",
    "paid_hours",
    "recent_hours",
    "group_mentoring_cap_hours",
    "min_one_to_one_mentor_hours",
]

HOURS_MESSAGE = "Enter a number of hours from 0 to 10,000."


def acc() -> Pathway:
    return selectors.pathway_by_code(code="acc")


def errors_of(pathway: Pathway) -> dict[str, list[str]]:
    with pytest.raises(ValidationError) as caught:
        pathway.full_clean()
    return caught.value.message_dict


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        *[
            (name, Decimal("-1"), "Enter a number of hours from 0 to 10,000.")
            for name in HOURS_FIELDS
        ],
        *[
            (name, Decimal("10000.01"), "Enter a number of hours from 0 to 10,000.")
            for name in HOURS_FIELDS
        ],
        ("mentor_span", 121, "Enter a number of months from 0 to 120."),
        ("clients", 10_001, "Enter a number of clients from 0 to 10,000."),
        ("performance_evaluation", 21, "Enter a number of evaluations from 0 to 20."),
        ("max_mentoring_group_size", 0, "Enter a number of people from 1 to 100."),
        ("max_mentoring_group_size", 101, "Enter a number of people from 1 to 100."),
        ("max_coaching_group_size", 0, "Enter a number of people from 1 to 100."),
        ("max_coaching_group_size", 101, "Enter a number of people from 1 to 100."),
        ("recency_window_months", 0, "Enter a number of months from 1 to 120."),
        ("recency_window_months", 121, "Enter a number of months from 1 to 120."),
        ("exam_pass_mark", 199, "Enter a number of points from 200 to 600."),
        ("exam_pass_mark", 700, "Enter a number of points from 200 to 600."),
    ],
)
def test_each_number_out_of_range_is_refused_on_its_field(field, value, message):
    pathway = acc()
    for whole in ("education_hours", "experience_hours", "mentor_hours"):
        setattr(pathway, whole, None)  # only the range is under test here, not the parts
    setattr(pathway, field, value)
    assert errors_of(pathway)[field] == [message]


@pytest.mark.parametrize(
    ("part", "whole", "message"),
    [
        ("education_synchronous_hours", "education_hours", "no more than the education hours"),
        ("paid_hours", "experience_hours", "no more than the experience hours"),
        ("recent_hours", "experience_hours", "no more than the experience hours"),
        ("min_one_to_one_mentor_hours", "mentor_hours", "no more than the mentor hours"),
    ],
)
def test_a_part_larger_than_its_whole_is_refused(part, whole, message):
    pathway = acc()
    for other in ("education_synchronous_hours", "paid_hours", "recent_hours"):
        setattr(pathway, other, None)
    pathway.min_one_to_one_mentor_hours = Decimal(0)
    setattr(pathway, whole, Decimal(10))
    setattr(pathway, part, Decimal("10.5"))
    (error,) = errors_of(pathway)[part]
    assert message in error
    setattr(pathway, part, Decimal(10))
    pathway.full_clean()


def test_a_prerequisite_at_or_above_the_level_is_refused():
    pathway = acc()
    pathway.prerequisite_credential = "ACC"
    assert errors_of(pathway)["prerequisite_credential"] == [
        "A prerequisite must be a lower credential than ACC."
    ]
    mcc = selectors.pathway_by_code(code="mcc")
    mcc.prerequisite_credential = "PCC"
    mcc.full_clean()


@pytest.mark.parametrize("code", ["acc", "pcc", "mcc"])
def test_the_seeded_pathways_are_valid(code):
    selectors.pathway_by_code(code=code).full_clean()


def test_every_limit_accepted_is_one_the_engine_evaluates():
    pathway = acc()
    for values in (
        {
            "max_mentoring_group_size": 1,
            "max_coaching_group_size": 1,
            "exam_pass_mark": 200,
            "recency_window_months": 1,
            "mentor_span": 0,
            "clients": 0,
            "performance_evaluation": 0,
        },
        {
            "max_mentoring_group_size": 100,
            "max_coaching_group_size": 100,
            "exam_pass_mark": 600,
            "recency_window_months": 120,
            "mentor_span": 120,
            "clients": 10_000,
            "performance_evaluation": 20,
            "experience_hours": Decimal(10_000),
        },
    ):
        for name, value in values.items():
            setattr(pathway, name, value)
        pathway.full_clean()
        rules = selectors.pathway_rules(pathway)
        engine.evaluate(rules, engine.TraineeRecords(training_start=None), dt.date(2026, 1, 1))


def test_the_admin_form_shows_the_message_and_saves_nothing(admin_client):
    pathway = acc()
    url = reverse("admin:credentials_pathway_change", args=[pathway.pk])
    page = admin_client.get(url)
    form = page.context["adminform"].form
    data = {name: ("" if value is None else value) for name, value in form.initial.items()}
    data.update(max_mentoring_group_size=0, exam_pass_mark=700)
    data = {key: value for key, value in data.items() if not isinstance(value, bool) or value}
    response = admin_client.post(url, data)
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert errors["max_mentoring_group_size"] == ["Enter a number of people from 1 to 100."]
    assert errors["exam_pass_mark"] == ["Enter a number of points from 200 to 600."]
    pathway.refresh_from_db()
    assert (pathway.max_mentoring_group_size, pathway.exam_pass_mark) == (10, 460)
