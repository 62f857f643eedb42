import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from lms.middleware import SessionRoleNamesMiddleware
from lms.models import Role, User
from lms.roles import ROLE_PERMISSIONS
from lms.services import user_set_roles
from tests.factories.people import PASSWORD, make_programme_admin, make_trainee


def test_migrations_give_every_role_group_exactly_its_permissions(db):
    for role, names in ROLE_PERMISSIONS.items():
        group = Group.objects.get(name=role.value)
        granted = {
            f"{permission.content_type.app_label}.{permission.codename}"
            for permission in group.permissions.select_related("content_type")
        }
        assert granted == set(names), role


def test_trainees_and_mentors_get_no_back_office_permissions(db):
    for role in (Role.TRAINEE, Role.MENTOR):
        assert not Group.objects.get(name=role.value).permissions.exists()


# Role names kept in the session (lms.middleware.SessionRoleNamesMiddleware) ----------------


ADMIN_MENU_ITEM = "Applications</a>"
TRAINEE_MENU_ITEM = "Coaching log</a>"


def groups_queries(client, url) -> tuple[int, str]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    count = sum('"auth_group"' in query["sql"] for query in queries.captured_queries)
    return count, response.content.decode()


def version_of(user) -> int:
    return User.objects.values_list("roles_version", flat=True).get(pk=user.pk)


@pytest.mark.django_db
def test_signing_in_keeps_the_role_names_in_the_session_and_pages_read_them_there(client):
    trainee = make_trainee()
    client.force_login(trainee)
    assert client.session[SessionRoleNamesMiddleware.SESSION_KEY] == [
        version_of(trainee),
        [Role.TRAINEE.value],
    ]
    for url in (reverse("dashboard"), reverse("profile")):
        count, body = groups_queries(client, url)
        assert count == 0 and TRAINEE_MENU_ITEM in body


@pytest.mark.django_db
def test_signing_in_with_the_form_keeps_them_too(client):
    trainee = make_trainee()
    response = client.post(reverse("login"), {"username": trainee.email, "password": PASSWORD})
    assert response.status_code == 302
    count, body = groups_queries(client, reverse("dashboard"))
    assert count == 0 and TRAINEE_MENU_ITEM in body


@pytest.mark.django_db
def test_a_session_without_a_copy_reads_them_once(client):
    trainee = make_trainee()
    client.force_login(trainee)
    session = client.session
    del session[SessionRoleNamesMiddleware.SESSION_KEY]
    session.save()
    assert groups_queries(client, reverse("dashboard"))[0] == 1
    assert groups_queries(client, reverse("profile"))[0] == 0


@pytest.mark.django_db
def test_a_role_change_shows_on_the_next_page(client):
    person = make_trainee()
    client.force_login(person)
    groups_queries(client, reverse("dashboard"))
    before = version_of(person)
    user_set_roles(user=person, roles=(Role.TRAINEE, Role.PROGRAMME_ADMIN))
    assert version_of(person) > before
    count, body = groups_queries(client, reverse("dashboard"))
    assert count == 1 and ADMIN_MENU_ITEM in body
    user_set_roles(user=person, roles=())
    count, body = groups_queries(client, reverse("profile"))
    assert count == 1 and ADMIN_MENU_ITEM not in body and TRAINEE_MENU_ITEM not in body


def _add_directly(user, group):
    user.groups.add(group)


def _add_from_group(user, group):
    group.user_set.add(user)


def _remove_directly(user, group):
    user.groups.remove(Group.objects.get(name=Role.TRAINEE.value))


def _remove_from_group(user, group):
    Group.objects.get(name=Role.TRAINEE.value).user_set.remove(user)


def _clear_directly(user, group):
    user.groups.clear()


def _clear_from_group(user, group):
    Group.objects.get(name=Role.TRAINEE.value).user_set.clear()


def _rename_group(user, group):
    trainees = Group.objects.get(name=Role.TRAINEE.value)
    trainees.name = "Former trainee"
    trainees.save()


def _delete_group(user, group):
    Group.objects.get(name=Role.TRAINEE.value).delete()


ROLES_AFTER = {
    _add_directly: [Role.PROGRAMME_ADMIN.value, Role.TRAINEE.value],
    _add_from_group: [Role.PROGRAMME_ADMIN.value, Role.TRAINEE.value],
    _remove_directly: [],
    _remove_from_group: [],
    _clear_directly: [],
    _clear_from_group: [],
    _rename_group: ["Former trainee"],
    _delete_group: [],
}


@pytest.mark.django_db
@pytest.mark.parametrize(
    "change",
    [
        _add_directly,
        _add_from_group,
        _remove_directly,
        _remove_from_group,
        _clear_directly,
        _clear_from_group,
        _rename_group,
        _delete_group,
    ],
)
def test_every_way_of_changing_groups_makes_the_session_copy_stale(client, change):
    """The Wagtail user editor and Django's group screens write memberships directly."""
    person = make_trainee()
    bystander = make_trainee()
    client.force_login(person)
    groups_queries(client, reverse("dashboard"))
    before, bystander_before = version_of(person), version_of(bystander)
    change(person, Group.objects.get(name=Role.PROGRAMME_ADMIN.value))
    assert version_of(person) > before
    count, _ = groups_queries(client, reverse("profile"))
    assert count == 1
    assert client.session[SessionRoleNamesMiddleware.SESSION_KEY][1] == ROLES_AFTER[change]
    # Changes to the group's other members touch only them.
    if change not in (_rename_group, _delete_group, _clear_from_group):
        assert version_of(bystander) == bystander_before


@pytest.mark.django_db
def test_a_copy_with_another_version_is_not_trusted(client):
    trainee = make_trainee()
    client.force_login(trainee)
    session = client.session
    session[SessionRoleNamesMiddleware.SESSION_KEY] = [
        version_of(trainee) + 7,
        [Role.PROGRAMME_ADMIN.value],
    ]
    session.save()
    count, body = groups_queries(client, reverse("dashboard"))
    assert count == 1 and ADMIN_MENU_ITEM not in body and TRAINEE_MENU_ITEM in body


@pytest.mark.django_db
def test_signing_in_as_someone_else_does_not_carry_role_names_over(client):
    admin = make_programme_admin()
    trainee = make_trainee()
    client.force_login(admin)
    assert ADMIN_MENU_ITEM in groups_queries(client, reverse("dashboard"))[1]
    client.post(reverse("logout"))
    client.force_login(trainee)
    count, body = groups_queries(client, reverse("dashboard"))
    assert count == 0 and ADMIN_MENU_ITEM not in body and TRAINEE_MENU_ITEM in body


@pytest.mark.django_db
def test_anonymous_pages_neither_read_nor_write_role_names(client):
    count, _ = groups_queries(client, reverse("login"))
    assert count == 0
    assert SessionRoleNamesMiddleware.SESSION_KEY not in client.session
