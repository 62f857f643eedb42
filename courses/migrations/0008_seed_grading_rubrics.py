from django.db import migrations


def seed(apps, schema_editor):
    from courses.grading.seed import seed_rubrics

    seed_rubrics(apps.get_model("courses", "Rubric"), apps.get_model("courses", "RubricCriterion"))


class Migration(migrations.Migration):
    dependencies = [("courses", "0007_grading_rubrics_submissions")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
