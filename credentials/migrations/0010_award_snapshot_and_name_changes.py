import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


def snapshot_existing_awards(apps, schema_editor):
    """Freeze what existing awards show today: the holder's current name and the title."""
    Award = apps.get_model("credentials", "Award")
    for award in Award.objects.select_related("trainee", "pathway"):
        trainee = award.trainee
        full_name = f"{trainee.first_name} {trainee.last_name}".strip()
        award.holder_name = full_name or trainee.email
        award.title = f"{award.pathway.name} ({award.pathway.level})"
        award.save(update_fields=["holder_name", "title"])


class Migration(migrations.Migration):
    dependencies = [
        ("credentials", "0009_award_created_at_import_job_started_at"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="award",
            name="holder_name",
            field=models.CharField(default="", max_length=255, verbose_name="name as issued"),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="award",
            name="title",
            field=models.CharField(
                default="", max_length=255, verbose_name="award title as issued"
            ),
            preserve_default=False,
        ),
        migrations.RunPython(snapshot_existing_awards, migrations.RunPython.noop),
        migrations.CreateModel(
            name="AwardNameChange",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("old_name", models.CharField(max_length=255)),
                ("new_name", models.CharField(max_length=255)),
                ("reason", models.TextField()),
                ("changed_at", models.DateTimeField(default=django.utils.timezone.now)),
                (
                    "award",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="name_changes",
                        to="credentials.award",
                    ),
                ),
                (
                    "changed_by",
                    models.ForeignKey(
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={"ordering": ["changed_at", "pk"]},
        ),
    ]
