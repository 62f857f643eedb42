import json

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from billing.selectors import credit_lots
from lms.models import User


class Command(BaseCommand):
    help = "A coach's mentor-coaching credit: balance and usable lots, soonest expiry first."

    def add_arguments(self, parser):
        parser.add_argument("email")
        parser.add_argument("--json", action="store_true", help="Print one JSON object.")

    def handle(self, *args, email, **options):
        coach = User.objects.filter(email__iexact=email.strip()).first()
        if coach is None:
            raise CommandError(f"No account with the email {email}.")
        lots = credit_lots(coach=coach, on=timezone.localdate())
        result = {
            "email": coach.email,
            "balance_hours": float(sum(lot.remaining for lot in lots)),
            "lots": [
                {
                    "order": lot.order,
                    "hours": float(lot.hours),
                    "remaining_hours": float(lot.remaining),
                    "purchased_on": lot.purchased_on.isoformat(),
                    "expires_on": lot.expires_on.isoformat(),
                }
                for lot in lots
            ],
        }
        if options["json"]:
            self.stdout.write(json.dumps(result))
            return
        self.stdout.write(f"{coach.email}: {result['balance_hours']:g} hours")
        for lot in result["lots"]:
            self.stdout.write(
                f"  order {lot['order']}: {lot['remaining_hours']:g} of {lot['hours']:g} hours, "
                f"use by {lot['expires_on']}"
            )
