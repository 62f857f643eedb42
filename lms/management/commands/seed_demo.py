from django.core.management.base import BaseCommand

from lms.demo import DEMO_COHORT_CODE, DEMO_PASSWORD, demo_seed


class Command(BaseCommand):
    help = "Create demo programmes, people for every role and some progress (idempotent)."

    def handle(self, *args, **options):
        logins = demo_seed()
        self.stdout.write(self.style.SUCCESS("Demo data is ready."))
        self.stdout.write(f"Every demo login uses the password: {DEMO_PASSWORD}")
        for login in logins:
            self.stdout.write(f"  {login.role:<16} {login.email:<28} {login.name}")
        self.stdout.write(f"Cohort invitation code: {DEMO_COHORT_CODE}")
