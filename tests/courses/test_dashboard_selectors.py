"""The trainee dashboard's reads: links as Wagtail makes them, totals over every completion."""

from decimal import Decimal

import pytest
from wagtail.models import Page, Site

from courses.models import ModuleCompletion
from courses.selectors import site_page_urls, trainee_dashboard
from courses.services import block_mark_done, enrolment_create, module_complete
from tests.factories.courses import make_programme, modules_of, required_block_ids
from tests.factories.people import make_trainee

pytestmark = pytest.mark.django_db


def complete(trainee, module) -> ModuleCompletion:
    for block_id in required_block_ids(module):
        block_mark_done(trainee=trainee, module=module, block_id=block_id)
    return module_complete(trainee=trainee, module=module)


def test_page_urls_match_wagtail_on_one_site():
    programme = make_programme(modules=2)
    url_of = site_page_urls()
    for page in [programme, *modules_of(programme)]:
        assert url_of(page.url_path) == page.url
        assert url_of(page.url_path).startswith("/")


def test_page_urls_are_absolute_as_wagtails_when_there_are_several_sites():
    programme = make_programme(modules=1)
    other_root = Page.get_first_root_node().add_child(instance=Page(title="Other", slug="other"))
    Site.objects.create(hostname="other.example", port=443, root_page=other_root)
    url_of = site_page_urls()
    module = modules_of(programme)[0]
    assert url_of(module.url_path) == module.url
    assert url_of(module.url_path).startswith("http")


def test_page_urls_quote_unicode_slugs_as_wagtail_does():
    module = modules_of(make_programme(modules=1))[0]
    module.slug = "réflexion"
    module.save()
    assert site_page_urls()(module.url_path) == module.url
    assert "r%C3%A9flexion" in module.url


def test_page_outside_every_site_has_no_url():
    orphan = Page.get_first_root_node().add_child(instance=Page(title="Orphan", slug="orphan"))
    assert site_page_urls()(orphan.url_path) is None


def test_dashboard_counts_live_modules_and_points_to_the_first_not_done():
    trainee = make_trainee()
    programme = make_programme(title="Resilience Coaching", modules=4)
    enrolment_create(trainee=trainee, programme=programme)
    first, second, third, fourth = modules_of(programme)
    complete(trainee, first)
    complete(trainee, third)
    fourth.unpublish()  # an unpublished module is no longer part of the outline

    [progress] = trainee_dashboard(trainee=trainee).programmes

    assert progress.programme.title == "Resilience Coaching"
    assert progress.programme.url == programme.url
    assert (progress.done_count, progress.module_count, progress.percent) == (2, 3, 66)
    assert (progress.next_module.title, progress.next_module.url) == ("Module 2", second.url)


def test_everything_done_leaves_no_next_module():
    trainee = make_trainee()
    programme = make_programme(modules=2)
    enrolment_create(trainee=trainee, programme=programme)
    for module in modules_of(programme):
        complete(trainee, module)
    [progress] = trainee_dashboard(trainee=trainee).programmes
    assert progress.next_module is None and progress.percent == 100


def test_hours_and_activity_include_completions_of_other_programmes():
    trainee = make_trainee()
    first_programme = make_programme(title="First", modules=1, hours=Decimal("2.5"))
    second_programme = make_programme(title="Second", modules=1, hours=Decimal("4"))
    for programme in (first_programme, second_programme):
        enrolment_create(trainee=trainee, programme=programme)
        complete(trainee, modules_of(programme)[0])
    # Leaving a programme keeps the education already earned in it.
    trainee.enrolments.filter(programme=second_programme).delete()

    dashboard = trainee_dashboard(trainee=trainee)

    assert [progress.programme.title for progress in dashboard.programmes] == ["First"]
    assert dashboard.education_hours == Decimal("6.5")
    assert dashboard.synchronous_hours == Decimal("0")
    texts = [activity.text for activity in dashboard.recent_activity]
    assert "Completed Module 1 (4.00 h)" in texts and "Enrolled in First" in texts
    second_module = modules_of(second_programme)[0]
    assert any(activity.url == second_module.url for activity in dashboard.recent_activity)


def test_activity_is_newest_first_and_limited():
    trainee = make_trainee()
    programme = make_programme(modules=5)
    enrolment_create(trainee=trainee, programme=programme)
    for module in modules_of(programme):
        complete(trainee, module)

    activity = trainee_dashboard(trainee=trainee, activity_limit=3).recent_activity

    assert [item.text.split(" (")[0] for item in activity] == [
        "Completed Module 5",
        "Completed Module 4",
        "Completed Module 3",
    ]
    assert activity == sorted(activity, key=lambda item: item.when, reverse=True)
