from django.db import migrations

from lms.roles import sync_role_groups


class Migration(migrations.Migration):
    dependencies = [
        ("lms", "0006_user_cme_identifiers"),
        ("credentials", "0006_seed_cme_credit_types"),
    ]

    operations = [migrations.RunPython(sync_role_groups, migrations.RunPython.noop)]
