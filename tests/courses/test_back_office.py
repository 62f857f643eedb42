"""Programme admins author programmes and manage cohorts and sessions in Wagtail."""

import pytest
from django.contrib.auth.models import Group
from wagtail.models import GroupCollectionPermission, GroupPagePermission, Site

from courses.models import JournalEntry, ProgrammeIndexPage
from lms.models import Role
from tests.factories.courses import make_cohort, make_programme

pytestmark = pytest.mark.django_db


def test_site_root_is_the_programme_index_with_admin_page_permissions():
    index = ProgrammeIndexPage.objects.get()
    assert Site.objects.get(is_default_site=True).root_page.specific == index
    group = Group.objects.get(name=Role.PROGRAMME_ADMIN.value)
    codenames = set(
        GroupPagePermission.objects.filter(group=group, page=index).values_list(
            "permission__codename", flat=True
        )
    )
    assert codenames == {"add_page", "change_page", "publish_page", "lock_page", "unlock_page"}
    collection_codenames = set(
        GroupCollectionPermission.objects.filter(group=group).values_list(
            "permission__codename", flat=True
        )
    )
    assert {"add_document", "choose_document", "add_image", "choose_image"} <= collection_codenames


def test_programme_admin_manages_cohorts_and_sessions_in_wagtail(client, programme_admin):
    cohort = make_cohort(programme=make_programme(), name="Spring cohort")
    client.force_login(programme_admin)
    response = client.get("/cms/snippets/courses/cohort/")
    assert response.status_code == 200
    assert "Spring cohort" in response.content.decode()
    assert cohort.invitation_code in response.content.decode()
    assert client.get("/cms/snippets/courses/livesession/").status_code == 200
    assert client.get(f"/cms/pages/{ProgrammeIndexPage.objects.get().pk}/").status_code == 200


def test_trainee_cannot_open_the_back_office(client, trainee):
    client.force_login(trainee)
    assert client.get("/cms/snippets/courses/cohort/").status_code in (302, 403)


def test_journal_entries_are_not_in_any_admin():
    from django.contrib import admin
    from wagtail.snippets.models import get_snippet_models

    assert JournalEntry not in admin.site._registry
    assert JournalEntry not in get_snippet_models()
