from dataclasses import asdict

from django.db import migrations

from credentials.pathway_defaults import DEFAULT_PATHWAYS


def seed_pathways(apps, schema_editor):
    Pathway = apps.get_model("credentials", "Pathway")
    for code, rules in DEFAULT_PATHWAYS.items():
        values = asdict(rules)
        values["prerequisite_credential"] = values["prerequisite_credential"] or ""
        for unused in ("code", "exam_scale_min", "exam_scale_max"):
            values.pop(unused)
        Pathway.objects.update_or_create(code=code, defaults=values)


class Migration(migrations.Migration):
    dependencies = [("credentials", "0001_initial")]

    operations = [migrations.RunPython(seed_pathways, migrations.RunPython.noop)]
