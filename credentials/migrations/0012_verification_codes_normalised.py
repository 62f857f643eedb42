import re

from django.db import migrations


def normalise_verification_code(typed: str) -> str:
    # A copy of credentials.models.normalise_verification_code as of this migration.
    return re.sub(r"[^0-9A-Z]", "", typed.upper())


def normalise_codes(apps, schema_editor):
    """Store existing codes as lookups see them (upper case, no separators).

    A code printed before this change still verifies: the lookup normalises what is typed the
    same way. Files already stored keep their names.
    """
    Award = apps.get_model("credentials", "Award")
    for award in Award.objects.only("pk", "verification_code"):
        normalised = normalise_verification_code(award.verification_code)
        if normalised != award.verification_code:
            Award.objects.filter(pk=award.pk).update(verification_code=normalised)


class Migration(migrations.Migration):
    dependencies = [("credentials", "0011_revoked_awards_lose_unstamped_pdf")]

    operations = [migrations.RunPython(normalise_codes, migrations.RunPython.noop)]
