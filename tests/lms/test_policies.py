"""lms.policies: who holds admin power, who may grant it, and the rules written only there."""

import re
from pathlib import Path

import pytest
from django.contrib.auth.models import AnonymousUser, Group

from lms import policies
from lms.models import Role, User
from tests.factories.people import make_mentor, make_programme_admin, make_trainee, make_trainer

pytestmark = pytest.mark.django_db

PROJECT = Path(__file__).resolve().parents[2]
APPS = ("lms", "courses", "credentials", "billing")


def fresh(user: User) -> User:
    return User.objects.get(pk=user.pk)


def test_who_holds_admin_power():
    assert not policies.holds_admin_power(AnonymousUser())
    for person in (make_trainee(), make_trainer(), make_mentor()):
        assert not policies.holds_admin_power(person)
    assert policies.holds_admin_power(make_programme_admin())
    assert policies.holds_admin_power(User.objects.create_superuser(email="root@example.org"))
    moderator = make_trainee()
    moderator.groups.add(Group.objects.get(name="Moderators"))
    assert policies.holds_admin_power(fresh(moderator))


def test_the_second_factor_is_asked_only_with_the_setting_on(settings):
    admin = make_programme_admin()
    admin.is_verified = lambda: False  # as django_otp's middleware sets it
    trainee = make_trainee()
    trainee.is_verified = lambda: False
    settings.STAFF_REQUIRE_2FA = False
    assert not policies.second_factor_missing(admin)
    settings.STAFF_REQUIRE_2FA = True
    assert policies.second_factor_missing(admin)
    assert not policies.second_factor_missing(trainee)
    admin.is_verified = lambda: True
    assert not policies.second_factor_missing(admin)


def test_only_superusers_and_operators_grant_admin_power():
    superuser = User.objects.create_superuser(email="root@example.org")
    admin = make_programme_admin()
    assert policies.may_grant_admin_power(None)
    assert policies.may_grant_admin_power(superuser)
    assert not policies.may_grant_admin_power(admin)
    plain = {Role.TRAINEE.value, Role.MENTOR.value}
    assert policies.admin_roles_change_allowed(actor=admin, before=plain, after=set())
    for before, after in (
        (plain, plain | {Role.PROGRAMME_ADMIN.value}),
        ({Role.PROGRAMME_ADMIN.value}, set()),
        (set(), {"Editors"}),
    ):
        assert not policies.admin_roles_change_allowed(actor=admin, before=before, after=after)
        assert policies.admin_roles_change_allowed(actor=superuser, before=before, after=after)


def test_a_non_superuser_changes_only_the_plain_roles_of_an_account():
    admin = make_programme_admin()
    assert policies.group_names_after_edit(
        actor=admin,
        current=["Editors", Role.TRAINEE.value],
        chosen=[Role.MENTOR.value, Role.PROGRAMME_ADMIN.value],
    ) == {"Editors", Role.MENTOR.value}
    assert policies.group_names_after_edit(
        actor=None, current=["Editors"], chosen=[Role.PROGRAMME_ADMIN.value]
    ) == {Role.PROGRAMME_ADMIN.value}
    assert set(policies.groups_grantable_by(admin).values_list("name", flat=True)) == (
        policies.PLAIN_ROLE_NAMES
    )


def test_who_may_change_an_account():
    superuser = User.objects.create_superuser(email="root@example.org")
    admin, colleague, trainee = make_programme_admin(), make_programme_admin(), make_trainee()
    assert policies.may_change_account(admin, trainee)
    assert policies.may_change_account(admin, admin)
    assert not policies.may_change_account(admin, colleague)
    assert not policies.may_change_account(admin, superuser)
    assert policies.may_change_account(superuser, colleague)


def test_what_each_role_may_see_and_do():
    superuser = User.objects.create_superuser(email="root@example.org")
    admin, trainer, trainee = make_programme_admin(), make_trainer(), make_trainee()
    for predicate in (
        policies.can_review_applications,
        policies.can_review_education,
        policies.can_run_imports,
        policies.sees_every_trainee,
    ):
        assert predicate(admin) and predicate(superuser)
        assert not predicate(trainer) and not predicate(trainee)
    assert policies.can_work_with_cohorts(trainer) and policies.can_work_with_cohorts(admin)
    assert not policies.can_work_with_cohorts(trainee)


def python_sources():
    for app in APPS:
        for path in (PROJECT / app).rglob("*.py"):
            if "migrations" not in path.parts:
                yield path, path.read_text()


def test_the_role_name_cache_is_written_in_one_place():
    writers = [
        path.relative_to(PROJECT).as_posix()
        for path, text in python_sources()
        if re.search(r"_role_names\s*=|pop\(\"_role_names\"", text)
    ]
    assert writers == ["lms/models.py"]


def test_the_admin_rule_is_spelled_out_only_in_the_policy_module():
    spelled = [
        path.relative_to(PROJECT).as_posix()
        for path, text in python_sources()
        if re.search(r"is_superuser or \w+\.has_role\(Role\.PROGRAMME_ADMIN\)", text)
    ]
    assert spelled == ["lms/policies.py"]
