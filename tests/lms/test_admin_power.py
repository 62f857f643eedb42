"""Admin power (superuser, staff, Programme admin): only a superuser grants it, on every
screen and import that could, and is_staff always follows the roles."""

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.urls import reverse

from credentials import imports
from credentials.models import ImportKind
from credentials.resources import ADMIN_ROW_REFUSED_MESSAGE
from lms import policies
from lms.models import Role, User
from lms.services import person_upsert, user_set_roles
from tests.factories.people import make_programme_admin, make_totp_device, make_trainee, totp_code

pytestmark = pytest.mark.django_db


@pytest.fixture
def superuser():
    return User.objects.create_superuser(email="root@example.org", password="x-long-password-1")


def group(role: Role) -> Group:
    return Group.objects.get(name=role.value)


def sign_in_with_code(client, user, settings):
    """A session that has confirmed a one-time code, as production requires."""
    settings.STAFF_REQUIRE_2FA = True
    device = make_totp_device(user)
    client.force_login(user)
    assert client.post(reverse("two_factor_verify"), {"code": totp_code(device.key)}).status_code
    assert client.get("/cms/").status_code == 200


# The Wagtail user editor -----------------------------------------------------------------------


def wagtail_edit_url(user) -> str:
    return reverse("wagtailusers_users:edit", args=[user.pk])


def wagtail_form(user, **overrides) -> dict:
    data = {
        "email": user.email,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "password1": "",
        "password2": "",
        "is_active": "on",
        "groups": [g.pk for g in user.groups.all()],
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def test_a_programme_admin_cannot_make_someone_a_superuser_in_the_wagtail_editor(client, settings):
    admin = make_programme_admin()
    target = make_trainee()
    sign_in_with_code(client, admin, settings)

    page = client.get(wagtail_edit_url(target))
    assert page.status_code == 200
    assert page.context["form"].fields["is_superuser"].disabled
    offered = {g.name for g in page.context["form"].fields["groups"].queryset}
    assert offered == policies.PLAIN_ROLE_NAMES

    response = client.post(
        wagtail_edit_url(target), wagtail_form(target, is_superuser="on", first_name="Changed")
    )
    assert response.status_code == 302  # the rest of the form saves; the box is ignored
    target.refresh_from_db()
    assert target.first_name == "Changed"
    assert not target.is_superuser and not target.is_staff


@pytest.mark.parametrize("role", [Role.PROGRAMME_ADMIN, None])
def test_a_programme_admin_cannot_add_the_admin_group_or_wagtails_groups(client, settings, role):
    admin = make_programme_admin()
    target = make_trainee()
    sign_in_with_code(client, admin, settings)
    granted = group(role) if role else Group.objects.get(name="Editors")
    response = client.post(
        wagtail_edit_url(target),
        wagtail_form(target, groups=[group(Role.TRAINEE).pk, granted.pk], first_name="Changed"),
    )
    assert response.status_code == 200
    assert policies.GRANT_REFUSED_MESSAGE in response.content.decode()
    target.refresh_from_db()
    assert target.first_name != "Changed"
    assert set(target.groups.values_list("name", flat=True)) == {Role.TRAINEE.value}
    assert not target.is_staff and not policies.holds_admin_power(target)


def test_a_programme_admin_changes_plain_roles_and_other_groups_stay(client, settings):
    admin = make_programme_admin()
    target = make_trainee()
    editors = Group.objects.get(name="Editors")
    # Put there by a superuser; the programme admin neither sees nor removes it.
    target.groups.add(editors)
    sign_in_with_code(client, admin, settings)
    response = client.post(
        wagtail_edit_url(target), wagtail_form(target, groups=[group(Role.MENTOR).pk])
    )
    # Editors holds admin power: only a superuser edits the account (Wagtail sends others home).
    assert response.status_code == 302 and response.url == reverse("wagtailadmin_home")
    assert set(target.groups.values_list("name", flat=True)) == {Role.TRAINEE.value, "Editors"}
    target.groups.remove(editors)
    response = client.post(
        wagtail_edit_url(target), wagtail_form(target, groups=[group(Role.MENTOR).pk])
    )
    assert response.status_code == 302
    assert set(target.groups.values_list("name", flat=True)) == {Role.MENTOR.value}


def test_a_programme_admin_cannot_edit_a_superuser_or_another_admin_in_wagtail(
    client, settings, superuser
):
    admin = make_programme_admin()
    colleague = make_programme_admin()
    sign_in_with_code(client, admin, settings)
    home = reverse("wagtailadmin_home")  # where Wagtail sends a refused request
    for account in (superuser, colleague):
        assert client.get(wagtail_edit_url(account)).url == home
        new_password = {"password1": "x-new-pass-99", "password2": "x-new-pass-99"}
        response = client.post(wagtail_edit_url(account), wagtail_form(account, **new_password))
        assert response.status_code == 302 and response.url == home
        account.refresh_from_db()
        assert not account.check_password("x-new-pass-99")


def test_a_programme_admin_cannot_create_a_superuser_in_wagtail(client, settings):
    admin = make_programme_admin()
    sign_in_with_code(client, admin, settings)
    response = client.post(
        reverse("wagtailusers_users:add"),
        {
            "email": "new@example.org",
            "first_name": "New",
            "last_name": "Person",
            "password1": "a-long-password-9",
            "password2": "a-long-password-9",
            "is_superuser": "on",
            "groups": [group(Role.PROGRAMME_ADMIN).pk],
        },
    )
    assert response.status_code == 200
    assert not User.objects.filter(email="new@example.org").exists()


def test_a_superuser_can_grant_both_in_the_wagtail_editor(client, settings, superuser):
    target = make_trainee()
    sign_in_with_code(client, superuser, settings)
    response = client.post(
        wagtail_edit_url(target),
        wagtail_form(target, is_superuser="on", groups=[group(Role.PROGRAMME_ADMIN).pk]),
    )
    assert response.status_code == 302
    target.refresh_from_db()
    assert target.is_superuser and target.is_staff
    assert target.has_role(Role.PROGRAMME_ADMIN)
    response = client.post(wagtail_edit_url(target), wagtail_form(target, groups=[]))
    target.refresh_from_db()
    assert not target.is_superuser and not target.is_staff


def bulk_url(action: str, *users) -> str:
    ids = "&".join(f"id={user.pk}" for user in users)
    return reverse("wagtail_bulk_action", args=["lms", "user", action]) + f"?{ids}&next=/cms/"


def test_the_assign_role_bulk_action_refuses_admin_groups_from_a_programme_admin(
    client, settings, superuser
):
    admin = make_programme_admin()
    target = make_trainee()
    sign_in_with_code(client, admin, settings)
    for granted in (group(Role.PROGRAMME_ADMIN), Group.objects.get(name="Editors")):
        response = client.post(bulk_url("assign_role", target), {"role": granted.pk})
        assert response.status_code == 200
        assert policies.GRANT_REFUSED_MESSAGE in response.content.decode()
    assert set(target.groups.values_list("name", flat=True)) == {Role.TRAINEE.value}
    assert not User.objects.get(pk=target.pk).is_staff
    # A plain role is fine; a superuser's account is left out of any bulk action.
    response = client.post(bulk_url("assign_role", target), {"role": group(Role.MENTOR).pk})
    assert response.status_code == 302 and target.has_role(Role.MENTOR)
    client.post(bulk_url("set_active_state", superuser), {"mark_as_active": "False"})
    superuser.refresh_from_db()
    assert superuser.is_active


def test_a_superuser_assigns_the_admin_role_in_bulk(client, settings, superuser):
    target = make_trainee()
    sign_in_with_code(client, superuser, settings)
    response = client.post(
        bulk_url("assign_role", target), {"role": group(Role.PROGRAMME_ADMIN).pk}
    )
    assert response.status_code == 302
    target = User.objects.get(pk=target.pk)
    assert target.has_role(Role.PROGRAMME_ADMIN) and target.is_staff


# The Django admin ------------------------------------------------------------------------------


def django_admin_form(client, person) -> dict:
    url = reverse("admin:lms_user_change", args=[person.pk])
    form = client.get(url).context["adminform"].form
    data = {name: form[name].value() or "" for name in form.fields if name != "password"}
    data.update(
        {
            "training_start": "",
            "date_joined_0": person.date_joined.strftime("%Y-%m-%d"),
            "date_joined_1": person.date_joined.strftime("%H:%M:%S"),
            "is_active": "on",
        }
    )
    return {key: value for key, value in data.items() if value is not False}


def test_a_programme_admin_cannot_give_the_admin_role_in_the_django_admin(client, settings):
    admin = make_programme_admin()
    target = make_trainee()
    sign_in_with_code(client, admin, settings)
    url = reverse("admin:lms_user_change", args=[target.pk])
    data = django_admin_form(client, target)
    data.update({"roles": [Role.TRAINEE.value, Role.PROGRAMME_ADMIN.value], "is_superuser": "on"})
    response = client.post(url, data)
    assert response.status_code == 200
    assert policies.GRANT_REFUSED_MESSAGE in response.content.decode()
    target.refresh_from_db()
    assert not target.is_superuser and not target.is_staff
    assert not target.has_role(Role.PROGRAMME_ADMIN)
    # Nor open another admin's account.
    other = make_programme_admin()
    assert client.post(reverse("admin:lms_user_change", args=[other.pk]), {}).status_code == 403


def test_a_programme_admin_editing_themselves_keeps_their_role(client, settings):
    admin = make_programme_admin()
    sign_in_with_code(client, admin, settings)
    url = reverse("admin:lms_user_change", args=[admin.pk])
    data = django_admin_form(client, admin)
    data.update({"roles": [Role.TRAINEE.value], "first_name": "Renamed"})
    response = client.post(url, data)
    assert response.status_code == 302
    admin = User.objects.get(pk=admin.pk)
    assert admin.first_name == "Renamed"
    assert admin.has_role(Role.PROGRAMME_ADMIN) and admin.has_role(Role.TRAINEE)
    assert admin.is_staff


# Services and imports --------------------------------------------------------------------------


def test_the_role_service_refuses_admin_roles_from_a_non_superuser(superuser):
    admin = make_programme_admin()
    target = make_trainee()
    with pytest.raises(ValidationError) as error:
        user_set_roles(user=target, roles=(Role.PROGRAMME_ADMIN,), actor=admin)
    assert error.value.message_dict == {"roles": [policies.GRANT_REFUSED_MESSAGE]}
    assert not target.has_role(Role.PROGRAMME_ADMIN) and not target.is_staff
    with pytest.raises(ValidationError):  # taking it away is the same power
        user_set_roles(user=admin, roles=(Role.TRAINEE,), actor=make_programme_admin())
    user_set_roles(user=target, roles=(Role.TRAINER,), actor=admin)  # plain roles are fine
    user_set_roles(user=target, roles=(Role.PROGRAMME_ADMIN,), actor=superuser)
    assert target.is_staff
    target.refresh_from_db()
    assert target.is_staff and target.has_role(Role.PROGRAMME_ADMIN)


PEOPLE_FILE = "Email,First Name,Last Name,Role\nnew.admin@example.org,Nia,Okafor,admin\n"


def import_people(actor):
    table = imports.read_table(_upload(PEOPLE_FILE))
    return imports.import_records(kind=ImportKind.PEOPLE, table=table, dry_run=False, actor=actor)


def _upload(text: str):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile("people.csv", text.encode())


def test_an_import_by_a_programme_admin_cannot_create_admins():
    report = import_people(make_programme_admin())
    assert not report.ok
    assert [(e.row, e.message) for e in report.errors] == [(2, ADMIN_ROW_REFUSED_MESSAGE)]
    assert not User.objects.filter(email="new.admin@example.org").exists()
    with pytest.raises(ValidationError):
        person_upsert(
            email="x@example.org",
            first_name="X",
            last_name="Y",
            role=Role.PROGRAMME_ADMIN,
            actor=make_programme_admin(),
        )


@pytest.mark.parametrize("actor", ["operator", "superuser"])
def test_an_operator_or_a_superuser_imports_admins(superuser, actor):
    report = import_people(None if actor == "operator" else superuser)
    assert report.ok, report.errors
    person = User.objects.get(email="new.admin@example.org")
    assert person.has_role(Role.PROGRAMME_ADMIN) and person.is_staff


# is_staff follows the roles, whichever way they change -----------------------------------------


def staff(user) -> bool:
    return User.objects.values_list("is_staff", flat=True).get(pk=user.pk)


def test_is_staff_is_derived_on_every_write_path():
    person = make_trainee()
    admins = group(Role.PROGRAMME_ADMIN)
    admins.user_set.add(person)
    assert staff(person)
    admins.user_set.remove(person)
    assert not staff(person)
    person.groups.add(admins)
    assert staff(person) and person.is_staff
    admins.user_set.clear()
    assert not staff(person)
    person.groups.add(admins)
    admins.delete()
    assert not staff(person)

    shell = User.objects.create_user(email="shell@example.org", is_staff=True)
    assert not staff(shell)  # staff without a role is not a thing
    shell.is_superuser = True
    shell.save()
    assert staff(shell)
    shell.is_superuser = False
    shell.save(update_fields=["is_superuser"])
    assert not staff(shell)


def test_admin_power_counts_any_way_it_was_got():
    person = make_trainee()
    assert not policies.holds_admin_power(person)
    person.groups.add(Group.objects.get(name="Editors"))
    assert policies.holds_admin_power(User.objects.get(pk=person.pk))
    drifted = make_trainee()
    User.objects.filter(pk=drifted.pk).update(is_superuser=True)  # a raw update: no save()
    assert policies.holds_admin_power(User.objects.get(pk=drifted.pk))
