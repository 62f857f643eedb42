import pytest
from django.urls import reverse

from lms.models import Credential, Profession, Role, User
from tests.factories.people import make_mentor, make_trainee

CHANGELIST = reverse("admin:lms_user_changelist")
ADD = reverse("admin:lms_user_add")


@pytest.fixture
def superuser(db):
    return User.objects.create_superuser(email="root@example.org", password="x-long-password-1")


def change_url(user):
    return reverse("admin:lms_user_change", args=[user.pk])


def test_people_list_shows_roles_and_filters(client, programme_admin):
    make_trainee(email="ada@example.org", profession=Profession.PHYSICIAN)
    make_mentor(email="mia@example.org", credential_held=Credential.PCC)
    client.force_login(programme_admin)

    html = client.get(CHANGELIST).content.decode()
    assert "ada@example.org" in html and "mia@example.org" in html
    for filter_title in ("By groups", "By credential held", "By profession"):
        assert filter_title in html

    mentors_only = client.get(CHANGELIST, {"credential_held__exact": "PCC"})
    assert list(mentors_only.context["cl"].result_list) == [
        User.objects.get(email="mia@example.org")
    ]
    found = client.get(CHANGELIST, {"q": "ADA@"})
    assert [u.email for u in found.context["cl"].result_list] == ["ada@example.org"]
    trainees = client.get(
        CHANGELIST, {"groups__id__exact": found.context["cl"].result_list[0].groups.get().pk}
    )
    assert all(u.has_role(Role.TRAINEE) for u in trainees.context["cl"].result_list)


def test_people_list_query_count_does_not_grow_with_people(
    client, programme_admin, django_assert_max_num_queries
):
    for _ in range(15):
        make_trainee()
    client.force_login(programme_admin)
    with django_assert_max_num_queries(20):
        assert client.get(CHANGELIST).status_code == 200


def test_adding_a_person_with_a_role(client, programme_admin):
    client.force_login(programme_admin)
    response = client.post(
        ADD,
        {
            "email": "New.Trainer@Example.org",
            "first_name": "Nia",
            "last_name": "Okafor",
            "roles": [Role.TRAINER.value],
            "usable_password": "false",
            "_save": "Save",
        },
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    person = User.objects.get(email="new.trainer@example.org")
    assert person.has_role(Role.TRAINER)
    assert not person.has_usable_password()
    assert not person.is_staff


def test_giving_the_programme_admin_role_grants_back_office_access(client, superuser):
    person = make_trainee()
    client.force_login(superuser)
    page = client.get(change_url(person))
    form = page.context["adminform"].form
    data = {name: form[name].value() or "" for name in form.fields if name not in {"password"}}
    data.update(
        {
            "roles": [Role.TRAINEE.value, Role.PROGRAMME_ADMIN.value],
            "training_start": "",
            "date_joined_0": person.date_joined.strftime("%Y-%m-%d"),
            "date_joined_1": person.date_joined.strftime("%H:%M:%S"),
            "is_active": "on",
        }
    )
    data = {key: value for key, value in data.items() if value is not False}
    response = client.post(change_url(person), data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    person.refresh_from_db()
    assert person.has_role(Role.PROGRAMME_ADMIN) and person.has_role(Role.TRAINEE)
    assert person.is_staff


def test_programme_admins_cannot_make_or_edit_superusers(client, programme_admin, superuser):
    client.force_login(programme_admin)
    # They may view a superuser (read-only) but not change one.
    page = client.get(change_url(superuser))
    assert page.status_code == 200
    assert not page.context["has_change_permission"]
    response = client.post(change_url(superuser), {"email": "taken@example.org"})
    assert response.status_code == 403
    superuser.refresh_from_db()
    assert superuser.email == "root@example.org"
    trainee = make_trainee()
    form = client.get(change_url(trainee)).context["adminform"].form
    assert "is_superuser" not in form.fields
    assert "user_permissions" not in form.fields


def test_trainees_cannot_open_the_django_admin(client, trainee):
    client.force_login(trainee)
    response = client.get(CHANGELIST)
    assert response.status_code == 302
    assert "/django-admin/login/" in response.url
