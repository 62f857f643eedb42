from django.db import migrations

from lms.roles import sync_role_groups


class Migration(migrations.Migration):
    dependencies = [
        ("lms", "0007_user_cme_identifiers"),
        ("credentials", "0016_seed_cme_credit_types"),
    ]

    operations = [migrations.RunPython(sync_role_groups, migrations.RunPython.noop)]
