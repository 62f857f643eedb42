from django.db import migrations

from lms.roles import sync_role_groups


class Migration(migrations.Migration):
    dependencies = [
        ("lms", "0005_user_learning_version"),
        ("courses", "0008_seed_grading_rubrics"),
    ]

    operations = [migrations.RunPython(sync_role_groups, migrations.RunPython.noop)]
