import datetime as dt
import json as jsonlib

from django.core.management.base import BaseCommand, CommandError

from credentials.cme import rules
from credentials.cme.selectors import transcript, transcript_document
from lms.models import User


def _date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError as exc:
        raise CommandError(f"Dates are YYYY-MM-DD, not {value!r}.") from exc


class Command(BaseCommand):
    help = "Show a learner's CME credit: every claim completed in the dates, and totals by type."

    def add_arguments(self, parser):
        parser.add_argument("email")
        parser.add_argument("--from", dest="date_from", type=_date, default=None)
        parser.add_argument("--to", dest="date_to", type=_date, default=None)
        parser.add_argument("--json", action="store_true", help="Print one JSON object.")

    def handle(self, *args, email, date_from, date_to, json: bool, **options):
        learner = User.objects.filter(email=email.strip().lower()).first()
        if learner is None:
            raise CommandError(f"No account has the email {email}.")
        if date_from and date_to and date_to < date_from:
            raise CommandError("--to is before --from.")
        result = transcript(learner=learner, date_from=date_from, date_to=date_to)
        if json:
            self.stdout.write(jsonlib.dumps(transcript_document(result), ensure_ascii=False))
            return
        self.stdout.write(f"{learner.email}: {len(result.claims)} claims")
        for claim in result.claims:
            self.stdout.write(
                f"  {claim.completed_on.isoformat()}  {claim.activity.code}  "
                f"{rules.format_credits(claim.credits)} {claim.credit_type.unit}"
            )
        for name, total in result.named_totals:
            self.stdout.write(f"  Total {name}: {rules.format_credits(total)}")
