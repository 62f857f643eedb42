"""Make "/" the programme list and let programme admins author it in Wagtail.

Creates the ProgrammeIndexPage ("Programmes") as the site root in place of Wagtail's
welcome page, and gives the "Programme admin" group page permissions on it and
document/image permissions on the root collection.
"""

import uuid

from django.db import migrations

PAGE_PERMISSIONS = ["add_page", "change_page", "publish_page", "lock_page", "unlock_page"]
COLLECTION_PERMISSIONS = [
    ("wagtaildocs", "add_document"),
    ("wagtaildocs", "change_document"),
    ("wagtaildocs", "choose_document"),
    ("wagtailimages", "add_image"),
    ("wagtailimages", "change_image"),
    ("wagtailimages", "choose_image"),
]
GROUP_NAME = "Programme admin"


def _ensure_permissions(apps):
    # On a fresh database Django creates model permissions only after all migrations ran.
    from django.contrib.auth.management import create_permissions

    for label in ("wagtailcore", "wagtaildocs", "wagtailimages"):
        app_config = apps.get_app_config(label)
        app_config.models_module = True
        create_permissions(app_config, verbosity=0, apps=apps)
        app_config.models_module = None


def _create_index(apps):
    Page = apps.get_model("wagtailcore", "Page")
    Site = apps.get_model("wagtailcore", "Site")
    Locale = apps.get_model("wagtailcore", "Locale")
    ContentType = apps.get_model("contenttypes", "ContentType")
    ProgrammeIndexPage = apps.get_model("courses", "ProgrammeIndexPage")

    index = ProgrammeIndexPage.objects.first()
    root = Page.objects.get(depth=1)
    if index is None:
        # Wagtail's initial "Welcome" page sits where the programme list belongs.
        page_type = ContentType.objects.get(app_label="wagtailcore", model="page")
        Site.objects.filter(root_page__content_type=page_type, root_page__depth=2).update(
            root_page=root
        )
        Page.objects.filter(depth=2, content_type=page_type, numchild=0).delete()
        last = Page.objects.filter(depth=2).order_by("-path").first()
        number = int(last.path[-4:], 36) + 1 if last else 1
        path = root.path + _base36(number).rjust(4, "0")
        content_type, _ = ContentType.objects.get_or_create(
            app_label="courses", model="programmeindexpage"
        )
        locale = Locale.objects.order_by("pk").first()
        index = ProgrammeIndexPage.objects.create(
            title="Programmes",
            draft_title="Programmes",
            slug="programmes",
            content_type=content_type,
            path=path,
            depth=2,
            numchild=0,
            url_path="/programmes/",
            live=True,
            locale=locale,
            translation_key=uuid.uuid4(),
            intro="<p>Coach-specific education for clinicians. Choose a programme to begin.</p>",
        )
        root.numchild = Page.objects.filter(depth=2).count()
        root.save(update_fields=["numchild"])
    site = Site.objects.filter(is_default_site=True).first()
    if site is None:
        Site.objects.create(
            hostname="localhost", port=80, root_page_id=index.pk, is_default_site=True
        )
    else:
        site.root_page_id = index.pk
        site.save(update_fields=["root_page"])
    return index


def _base36(number: int) -> str:
    digits = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    text = ""
    while number:
        number, remainder = divmod(number, 36)
        text = digits[remainder] + text
    return text or "0"


def forwards(apps, schema_editor):
    _ensure_permissions(apps)
    index = _create_index(apps)

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    GroupPagePermission = apps.get_model("wagtailcore", "GroupPagePermission")
    GroupCollectionPermission = apps.get_model("wagtailcore", "GroupCollectionPermission")
    Collection = apps.get_model("wagtailcore", "Collection")

    group, _ = Group.objects.get_or_create(name=GROUP_NAME)
    for codename in PAGE_PERMISSIONS:
        permission = Permission.objects.get(
            content_type__app_label="wagtailcore", codename=codename
        )
        GroupPagePermission.objects.get_or_create(
            group=group, page_id=index.pk, permission=permission
        )
    root_collection = Collection.objects.filter(depth=1).first()
    if root_collection is not None:
        for app_label, codename in COLLECTION_PERMISSIONS:
            permission = Permission.objects.get(
                content_type__app_label=app_label, codename=codename
            )
            GroupCollectionPermission.objects.get_or_create(
                group=group, collection=root_collection, permission=permission
            )
    # Wagtail admin access itself comes from the role table (lms.roles, lms 0002).


class Migration(migrations.Migration):
    dependencies = [
        ("courses", "0001_initial"),
        ("lms", "0002_role_groups"),
        ("wagtailcore", "0098_apitoken"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
