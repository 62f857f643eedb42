"""The credit types of DESIGN §2, as data: admins may rename them or change who claims them."""

from decimal import Decimal

from django.db import migrations

NON_PHYSICIANS = ["nurse", "psychologist", "other_clinician", "non_clinician"]
CREDIT_TYPES = [
    ("ama", "AMA PRA Category 1 Credit™", "AMA PRA Category 1 Credits™", "0.25", ["physician"]),
    ("participation", "Certificate of participation", "hours", "0.25", NON_PHYSICIANS),
    ("ancc", "ANCC contact hours", "contact hours", "0.25", ["nurse"]),
    ("icf_core", "ICF CCE units: Core Competencies", "CCE units", "0.25", []),
    ("icf_resource", "ICF CCE units: Resource Development", "CCE units", "0.25", []),
]


def seed(apps, schema_editor):
    CreditType = apps.get_model("credentials", "CreditType")
    for code, name, unit, increment, professions in CREDIT_TYPES:
        CreditType.objects.update_or_create(
            code=code,
            defaults={
                "name": name,
                "unit": unit,
                "increment": Decimal(increment),
                "professions": professions,
            },
        )


def unseed(apps, schema_editor):
    apps.get_model("credentials", "CreditType").objects.filter(
        code__in=[row[0] for row in CREDIT_TYPES]
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("credentials", "0015_cme_activities_and_claims")]

    operations = [migrations.RunPython(seed, unseed)]
