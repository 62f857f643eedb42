from django.db import migrations

from lms.roles import sync_role_groups


class Migration(migrations.Migration):
    dependencies = [
        ("lms", "0002_role_groups"),
        ("credentials", "0002_seed_pathways"),
    ]

    operations = [migrations.RunPython(sync_role_groups, migrations.RunPython.noop)]
