from django.db import migrations, models

DEFAULT_TITLES = {
    "acc": "Physician Coach — Associate level, ICF ACC-aligned",
    "pcc": "Physician Coach — Professional level, ICF PCC-aligned",
    "mcc": "Physician Coach — Master level, ICF MCC-aligned",
}


def set_award_titles(apps, schema_editor):
    Pathway = apps.get_model("credentials", "Pathway")
    for pathway in Pathway.objects.all():
        pathway.award_title = DEFAULT_TITLES.get(
            pathway.code, f"{pathway.name} level, ICF {pathway.level}-aligned"
        )
        pathway.save(update_fields=["award_title"])


class Migration(migrations.Migration):
    dependencies = [("credentials", "0012_verification_codes_normalised")]

    operations = [
        migrations.AddField(
            model_name="pathway",
            name="award_title",
            field=models.CharField(
                default="",
                help_text=(
                    "What the school awards, as certificates and the verification page print "
                    "it. A school cannot award ICF's credentials: name ICF's only as what the "
                    "award is aligned with, for example “Physician Coach — Associate level, ICF "
                    "ACC-aligned”."
                ),
                max_length=200,
            ),
            preserve_default=False,
        ),
        migrations.AlterField(
            model_name="pathway",
            name="name",
            field=models.CharField(
                help_text="ICF's name for it: Associate Certified Coach.",
                max_length=100,
                verbose_name="ICF credential",
            ),
        ),
        migrations.RunPython(set_award_titles, migrations.RunPython.noop),
    ]
