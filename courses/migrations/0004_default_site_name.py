"""Name the default Wagtail site "Coach Academy": without a name the back office greets
programme admins with the site's host name ("localhost")."""

from django.db import migrations

SITE_NAME = "Coach Academy"


def name_the_default_site(apps, schema_editor):
    Site = apps.get_model("wagtailcore", "Site")
    Site.objects.filter(is_default_site=True, site_name="").update(site_name=SITE_NAME)


def unname_the_default_site(apps, schema_editor):
    Site = apps.get_model("wagtailcore", "Site")
    Site.objects.filter(is_default_site=True, site_name=SITE_NAME).update(site_name="")


class Migration(migrations.Migration):
    dependencies = [("courses", "0003_page_tree_version")]

    operations = [migrations.RunPython(name_the_default_site, unname_the_default_site)]
