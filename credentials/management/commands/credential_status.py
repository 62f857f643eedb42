import datetime as dt
import json as jsonlib

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from credentials.selectors import credential_status, pathway_by_code
from lms.models import User


def _as_of(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError as exc:
        raise CommandError(f"--as-of must be a date as YYYY-MM-DD, not {value!r}.") from exc


class Command(BaseCommand):
    help = "Show how far a trainee is from a credential pathway, requirement by requirement."

    def add_arguments(self, parser):
        parser.add_argument("email")
        parser.add_argument("--pathway", required=True, type=str.lower)
        parser.add_argument("--as-of", dest="as_of", type=_as_of, default=None)
        parser.add_argument("--json", action="store_true", help="Print one JSON object.")

    def handle(self, *args, email, pathway, as_of, json: bool, **options):
        trainee = User.objects.filter(email=email.strip().lower()).first()
        if trainee is None:
            raise CommandError(f"No account has the email {email}.")
        chosen = pathway_by_code(code=pathway)
        if chosen is None:
            raise CommandError(f"Unknown pathway {pathway!r}: use acc, pcc or mcc.")
        status = credential_status(
            trainee=trainee, pathway=chosen, as_of=as_of or timezone.localdate()
        )
        if json:
            self.stdout.write(_dumps(status))
            return
        verdict = "eligible" if status["eligible"] else "not yet eligible"
        self.stdout.write(f"{trainee.email} — {chosen.level} as of {status['as_of']}: {verdict}")
        for requirement in status["requirements"]:
            mark = "✓" if requirement["met"] else "✗"
            self.stdout.write(f"  {mark} {requirement['label']}: {requirement['detail']}")


def _dumps(value: dict) -> str:
    return jsonlib.dumps(value, ensure_ascii=False)
