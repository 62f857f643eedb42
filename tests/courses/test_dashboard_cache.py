"""The trainee dashboard is kept between requests, and never shown out of date.

Each test loads the dashboard, changes one thing it shows in the way the product (or an
admin screen) changes it, and checks the next load shows the change. The first check proves
the dashboard really is kept: a second load reads only the version stamps.
"""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from wagtail.models import Page, Site

from courses.models import Cohort, ModuleCompletion, PageTreeVersion
from courses.selectors import trainee_dashboard
from courses.services import block_mark_done, enrolment_create, module_complete
from lms.models import User
from tests.factories.courses import make_cohort, make_programme, modules_of, required_block_ids
from tests.factories.people import make_trainee

pytestmark = pytest.mark.django_db


def complete(trainee, module) -> ModuleCompletion:
    for block_id in required_block_ids(module):
        block_mark_done(trainee=trainee, module=module, block_id=block_id)
    return module_complete(trainee=trainee, module=module)


def queries_to_load(trainee) -> int:
    with CaptureQueriesContext(connection) as queries:
        trainee_dashboard(trainee=trainee)
    return len(queries.captured_queries)


@pytest.fixture
def enrolled():
    """A trainee in a cohort of a three-module programme, first module done, dashboard kept."""
    trainee = make_trainee()
    programme = make_programme(title="Resilience Coaching", modules=3, hours=Decimal("2"))
    cohort = make_cohort(programme=programme, name="Spring")
    enrolment_create(trainee=trainee, programme=programme, invitation_code=cohort.invitation_code)
    complete(trainee, modules_of(programme)[0])
    trainee_dashboard(trainee=trainee)
    return trainee, programme, cohort


def only_programme(trainee):
    [progress] = trainee_dashboard(trainee=trainee).programmes
    return progress


def test_a_second_load_reads_only_the_version_stamps(enrolled):
    trainee, _, _ = enrolled
    assert queries_to_load(trainee) == 1
    assert only_programme(trainee).done_count == 1


def test_completing_a_module_shows_at_once(enrolled):
    trainee, programme, _ = enrolled
    complete(trainee, modules_of(programme)[1])
    dashboard = trainee_dashboard(trainee=trainee)
    assert dashboard.programmes[0].done_count == 2
    assert dashboard.education_hours == Decimal("4")
    assert dashboard.recent_activity[0].text == "Completed Module 2 (2.00 h)"


def test_the_instance_passed_in_may_be_stale(enrolled):
    """Stamps are read from the database, not from the (possibly old) user object."""
    trainee, programme, _ = enrolled
    stale = User.objects.get(pk=trainee.pk)
    complete(trainee, modules_of(programme)[1])
    assert only_programme(stale).done_count == 2


def test_enrolling_in_another_programme_shows(enrolled):
    trainee, _, _ = enrolled
    enrolment_create(trainee=trainee, programme=make_programme(title="Team Coaching"))
    titles = [p.programme.title for p in trainee_dashboard(trainee=trainee).programmes]
    assert titles == ["Resilience Coaching", "Team Coaching"]


def test_leaving_a_programme_or_deleting_a_completion_shows(enrolled):
    trainee, _, _ = enrolled
    ModuleCompletion.objects.get(trainee=trainee).delete()  # as the Django admin does
    assert only_programme(trainee).done_count == 0
    trainee.enrolments.all().delete()
    assert trainee_dashboard(trainee=trainee).programmes == []


def test_renaming_the_cohort_shows(enrolled):
    trainee, _, cohort = enrolled
    cohort.name = "Spring 2027"
    cohort.save()
    assert only_programme(trainee).cohort_name == "Spring 2027"


def test_a_new_cohort_leaves_the_kept_dashboard_alone(enrolled):
    trainee, programme, _ = enrolled
    Cohort.objects.create(programme=programme, name="Autumn")
    assert queries_to_load(trainee) == 1


def test_another_trainees_progress_leaves_this_one_kept(enrolled):
    trainee, programme, cohort = enrolled
    other = make_trainee()
    enrolment_create(trainee=other, programme=programme, invitation_code=cohort.invitation_code)
    complete(other, modules_of(programme)[1])
    assert queries_to_load(trainee) == 1
    assert only_programme(other).done_count == 1


def test_publishing_a_new_title_shows(enrolled):
    trainee, programme, _ = enrolled
    second = modules_of(programme)[1]
    second.title = "Listening deeply"
    second.save_revision().publish()
    assert only_programme(trainee).next_module.title == "Listening deeply"


def test_adding_and_unpublishing_modules_changes_the_count(enrolled):
    trainee, programme, _ = enrolled
    third = modules_of(programme)[2]
    third.copy(to=third.get_parent(), update_attrs={"title": "Module 4", "slug": "module-4"})
    assert only_programme(trainee).module_count == 4
    modules_of(programme)[2].unpublish()
    assert only_programme(trainee).module_count == 3


def test_moving_a_module_to_another_programme_shows(enrolled):
    trainee, programme, _ = enrolled
    elsewhere = make_programme(modules=1).get_children().first()
    modules_of(programme)[2].move(elsewhere, pos="last-child")
    assert only_programme(trainee).module_count == 2


def test_a_slug_change_above_the_modules_changes_their_links(enrolled):
    trainee, programme, _ = enrolled
    programme.slug = "resilience"
    programme.save_revision().publish()
    progress = only_programme(trainee)
    assert "/resilience/" in progress.programme.url
    assert "/resilience/" in progress.next_module.url


def test_a_second_site_makes_links_absolute(enrolled):
    trainee, _, _ = enrolled
    other_root = Page.get_first_root_node().add_child(instance=Page(title="Other", slug="other"))
    Site.objects.create(hostname="other.example", port=443, root_page=other_root)
    assert only_programme(trainee).programme.url.startswith("http")


def test_without_the_version_row_nothing_is_kept(enrolled):
    trainee, programme, _ = enrolled
    PageTreeVersion.objects.all().delete()
    assert queries_to_load(trainee) > 1
    complete(trainee, modules_of(programme)[1])
    assert only_programme(trainee).done_count == 2
