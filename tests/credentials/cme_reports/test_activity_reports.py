"""The CME office's activity reports: numbers per activity and programme, charts with tables."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from credentials.cme import reports
from credentials.cme.report_selectors import activity_facts
from credentials.cme.reports import EvaluationAnswers
from tests.factories.cme import complete_outside_lms, evaluate, make_activity, make_claim
from tests.factories.courses import (
    enrol_many_trainees,
    make_cohort,
    make_programme,
    modules_of,
)
from tests.factories.people import make_trainee

PAGE = reverse("credentials:cme_activity_reports")

# --- Pure rules ---------------------------------------------------------------------------------

ratings = st.integers(1, 5)
answers = st.builds(
    EvaluationAnswers,
    confidence_before=ratings,
    confidence_after=ratings,
    intends_change=st.booleans(),
    wellbeing_before=st.none() | ratings,
    wellbeing_after=st.none() | ratings,
)
facts = st.builds(
    reports.ActivityFacts,
    code=st.text("abc", min_size=1, max_size=3),
    title=st.just("T"),
    programme=st.sampled_from(["Leadership", "Wellbeing", reports.NO_PROGRAMME]),
    completions=st.integers(0, 50),
    credits=st.dictionaries(
        st.sampled_from(["AMA", "CCE"]), st.decimals("0.25", "40", places=2), max_size=2
    ),
    claims=st.integers(0, 10),
    answers=st.lists(answers, max_size=6).map(tuple),
)


@given(st.lists(facts, max_size=8))
def test_programme_totals_are_the_sums_of_their_activities(items):
    by_programme = reports.programme_reports(items)
    assert sum(r.completions for r in by_programme) == sum(f.completions for f in items)
    assert sum(r.claims for r in by_programme) == sum(f.claims for f in items)
    assert sum(r.evaluation.evaluations for r in by_programme) == sum(len(f.answers) for f in items)
    for report in by_programme:
        members = [f for f in items if f.programme == report.key]
        for name, total in report.credits.items():
            assert total == sum(f.credits.get(name, Decimal(0)) for f in members)
    assert [r.key for r in by_programme][-1:] in ([], [reports.NO_PROGRAMME]) or (
        reports.NO_PROGRAMME not in {f.programme for f in items}
    )


@given(st.lists(answers, max_size=10))
def test_means_stay_on_the_scale_and_are_pooled(items):
    summary = reports.summarise_evaluations(items)
    if not items:
        assert summary.confidence is None
        return
    confidence = summary.confidence
    assert 1 <= confidence.mean_before <= 5 and 1 <= confidence.mean_after <= 5
    exact = Decimal(sum(a.confidence_after - a.confidence_before for a in items)) / len(items)
    assert abs(confidence.change - exact) <= Decimal("0.01")
    answered = [a for a in items if a.wellbeing_before and a.wellbeing_after]
    assert (summary.wellbeing.count if summary.wellbeing else 0) == len(answered)


@given(
    st.lists(
        st.tuples(
            st.text(max_size=4),
            st.none()
            | st.builds(
                reports.Change,
                count=st.integers(1, 9),
                mean_before=st.decimals(1, 5, places=2),
                mean_after=st.decimals(1, 5, places=2),
            ),
        ),
        max_size=6,
    )
)
def test_chart_points_stay_inside_the_plot(groups):
    chart = reports.change_chart(groups)
    assert len(chart.rows) == sum(change is not None for _, change in groups)
    for row in chart.rows:
        for x in (row.x_before, row.x_after):
            assert chart.left <= x <= chart.right_edge
        assert chart.top < row.y < chart.baseline
        assert (row.x_after > row.x_before) == (row.change.change > 0)


# --- The page -----------------------------------------------------------------------------------


def _module_activity(*, programme_title: str, learners: int, **credits):
    programme = make_programme(title=programme_title, modules=1)
    module = modules_of(programme)[0]
    cohort = make_cohort(programme=programme)
    trainees = enrol_many_trainees(cohort=cohort, count=learners, completed_modules=[module])
    activity = make_activity(credits=credits or {"participation": "2"}, module=module)
    return activity, trainees


@pytest.mark.django_db
def test_the_report_counts_completions_credit_and_evaluations_per_activity_and_programme(
    client, programme_admin
):
    activity, trainees = _module_activity(programme_title="Leadership", learners=3)
    for trainee, (before, after) in zip(trainees, [(2, 4), (3, 4), (1, 5)], strict=True):
        evaluate(
            activity=activity,
            learner=trainee,
            confidence_before=before,
            confidence_after=after,
        )
    make_claim(activity=activity, learner=trainees[0], code="participation", credits="1.5")
    make_claim(activity=activity, learner=trainees[1], code="participation", credits="2")
    outside = make_activity(
        credits={"participation": "1"}, code="outside", wellbeing_question="Rested?"
    )
    learner = make_trainee()
    complete_outside_lms(activity=outside, learner=learner, actor=programme_admin)
    evaluate(
        activity=outside,
        learner=learner,
        confidence_before=3,
        confidence_after=3,
        wellbeing_before=2,
        wellbeing_after=4,
        intends_change=True,
        change_description="Sleep more.",
    )

    facts = {fact.code: fact for fact in activity_facts()}
    assert facts[activity.code].programme == "Leadership"
    assert facts[activity.code].completions == 3
    assert facts[activity.code].claims == 2
    assert facts["outside"].programme == reports.NO_PROGRAMME
    assert facts["outside"].completions == 1

    client.force_login(programme_admin)
    page = client.get(PAGE).content.decode()
    assert "3.50 Certificate of participation" in page
    # Confidence per activity: means 2 → 4.33 for the module activity, 3 → 3 outside.
    assert '<td class="num">2.00</td><td class="num">4.33</td><td class="num">+2.33</td>' in page
    assert '<td class="num">3.00</td><td class="num">3.00</td><td class="num">0.00</td>' in page
    # Wellbeing only where the question was asked.
    assert '<td class="num">2.00</td><td class="num">4.00</td><td class="num">+2.00</td>' in page
    assert 'role="img"' in page and "Confidence before and after, per programme" in page
    assert "Leadership" in page and reports.NO_PROGRAMME in page


@pytest.mark.django_db
def test_the_page_costs_the_same_queries_as_activities_and_learners_grow(client, programme_admin):
    client.force_login(programme_admin)

    def grow(number: int):
        activity, trainees = _module_activity(programme_title=f"P{number}", learners=4)
        for trainee in trainees:
            evaluate(activity=activity, learner=trainee)
            make_claim(activity=activity, learner=trainee, code="participation")

    grow(1)
    client.get(PAGE)  # warm caches (session, user)
    with CaptureQueriesContext(connection) as small:
        assert client.get(PAGE).status_code == 200
    for number in range(2, 5):
        grow(number)
    with CaptureQueriesContext(connection) as large:
        assert client.get(PAGE).status_code == 200
    assert len(large) == len(small)
    assert len(small) <= 14


@pytest.mark.django_db
def test_only_the_cme_office_sees_reports(client, trainee):
    client.force_login(trainee)
    assert client.get(PAGE).status_code == 404
