from django.db import migrations


def drop_unstamped_pdfs(apps, schema_editor):
    """Certificates of awards revoked before the REVOKED stamp existed look valid: drop them.

    The download then answers "being prepared" until the render task makes the stamped copy.
    """
    Award = apps.get_model("credentials", "Award")
    Award.objects.filter(revoked_at__isnull=False).exclude(certificate_pdf="").update(
        certificate_pdf=""
    )


class Migration(migrations.Migration):
    dependencies = [("credentials", "0010_award_snapshot_and_name_changes")]

    operations = [migrations.RunPython(drop_unstamped_pdfs, migrations.RunPython.noop)]
