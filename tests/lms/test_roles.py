from django.contrib.auth.models import Group

from lms.models import Role
from lms.roles import ROLE_PERMISSIONS


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
