from django.core.management.base import BaseCommand

from lms.services import encryption_keys_rotate


class Command(BaseCommand):
    help = (
        "Re-encrypt client contact details and private notes with the first key in "
        "FIELD_ENCRYPTION_KEYS. Put the new key first, run this, then remove the old key."
    )

    def handle(self, *args, **options):
        count = encryption_keys_rotate()
        self.stdout.write(self.style.SUCCESS(f"Re-encrypted {count} rows with the newest key."))
