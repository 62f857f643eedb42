"""Two different progress shapes, each named for what it is (there were two TraineeProgress)."""

import dataclasses

from courses import selectors as course_selectors
from credentials import selectors as credential_selectors


def test_no_two_progress_shapes_share_a_name():
    assert not hasattr(course_selectors, "TraineeProgress")
    assert not hasattr(credential_selectors, "TraineeProgress")


def test_a_cohort_lists_its_members_progress_through_modules():
    fields = {f.name for f in dataclasses.fields(course_selectors.CohortMemberProgress)}
    assert {"done_count", "module_count", "last_activity"} <= fields


def test_the_progress_page_shows_progress_towards_a_pathway():
    fields = {f.name for f in dataclasses.fields(credential_selectors.PathwayProgress)}
    assert {"pathway", "evaluation", "next_steps"} <= fields
