"""What each role may do, as Django permissions on its group.

Object-level rules (a trainer sees only their cohorts, a trainee only their own records) live
in the selectors and views; these permissions gate the back-office screens. Migrations call
`sync_role_groups` so the groups always match this table; a later issue that adds permissions
adds a migration that calls it again.
"""

from lms.models import Role

ROLE_PERMISSIONS: dict[Role, list[str]] = {
    Role.TRAINEE: [],
    Role.MENTOR: [],
    Role.TRAINER: [
        "courses.view_cohort",
        "courses.view_enrolment",
        "courses.view_livesession",
        "courses.add_attendance",
        "courses.change_attendance",
        "courses.view_attendance",
        "courses.view_modulecompletion",
    ],
    Role.PROGRAMME_ADMIN: [
        "wagtailadmin.access_admin",
        "wagtaildocs.add_document",
        "wagtaildocs.change_document",
        "wagtaildocs.choose_document",
        "wagtailimages.add_image",
        "wagtailimages.change_image",
        "wagtailimages.choose_image",
        "lms.view_user",
        "lms.add_user",
        "lms.change_user",
        "courses.add_cohort",
        "courses.change_cohort",
        "courses.delete_cohort",
        "courses.view_cohort",
        "courses.add_enrolment",
        "courses.change_enrolment",
        "courses.delete_enrolment",
        "courses.view_enrolment",
        "courses.add_livesession",
        "courses.change_livesession",
        "courses.delete_livesession",
        "courses.view_livesession",
        "courses.add_attendance",
        "courses.change_attendance",
        "courses.view_attendance",
        "courses.view_modulecompletion",
        "courses.add_rubric",
        "courses.change_rubric",
        "courses.delete_rubric",
        "courses.view_rubric",
        # Credentials: coaching logs stay out of the back office (client data is confidential).
        "credentials.view_pathway",
        "credentials.change_pathway",
        "credentials.view_educationrecord",
        "credentials.change_educationrecord",
        "credentials.add_assessmentresult",
        "credentials.change_assessmentresult",
        "credentials.delete_assessmentresult",
        "credentials.view_assessmentresult",
        "credentials.view_mentorsession",
        "credentials.view_credentialapplication",
        "credentials.change_credentialapplication",
        "credentials.view_award",
        "credentials.change_award",
        "credentials.add_importjob",
        "credentials.view_importjob",
        # CME: the CME office's activities, completions and corrections of claims.
        "credentials.view_credittype",
        "credentials.change_credittype",
        *(
            f"credentials.{action}_{model}"
            for model in ("cmeactivity", "activitycredit", "evaluationquestion")
            for action in ("add", "change", "delete", "view")
        ),
        "credentials.add_cmecompletion",
        "credentials.view_cmecompletion",
        "credentials.view_cmeclaim",
        "credentials.change_cmeclaim",
        "credentials.view_cmeclaimcorrection",
    ],
}


def sync_role_groups(apps, schema_editor=None) -> None:
    """Create each role's group and give it exactly the permissions listed above."""
    from django.contrib.auth.management import create_permissions

    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, verbosity=0, apps=apps)
        app_config.models_module = None

    group_model = apps.get_model("auth", "Group")
    permission_model = apps.get_model("auth", "Permission")
    # An earlier migration runs before later apps' (or models') tables exist; the migration
    # that adds their permissions to this table depends on them and syncs again.
    migrated_models = {
        (model._meta.app_label, model._meta.model_name) for model in apps.get_models()
    }
    migrated_labels = {app_label for app_label, _ in migrated_models}
    for role, names in ROLE_PERMISSIONS.items():
        group, _ = group_model.objects.get_or_create(name=role.value)
        permissions = []
        for name in names:
            app_label, codename = name.split(".")
            permission = permission_model.objects.filter(
                content_type__app_label=app_label, codename=codename
            ).first()
            if permission is None:
                model_name = codename.split("_", 1)[-1]
                if app_label in migrated_labels and (app_label, model_name) in migrated_models:
                    raise LookupError(f"Role {role.value}: no permission {name}.")
                continue
            permissions.append(permission)
        group.permissions.set(permissions)
