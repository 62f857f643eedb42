"""python manage.py pars_export --from YYYY-MM-DD --to YYYY-MM-DD [--activity CODE] --output F.csv

Writes one row per physician AMA completion that may go to ACCME PARS (DESIGN §4), prints how
many rows it wrote and, one per line, each completion left out and why.
"""

import datetime as dt
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.template.defaultfilters import pluralize

from credentials.cme.pars import pars_completions, pars_file, pars_report
from credentials.cme.selectors import activity_by_code


def _date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError as exc:
        raise CommandError(f"Give dates as YYYY-MM-DD, not {value!r}.") from exc


class Command(BaseCommand):
    help = "Write the AMA completions that may be reported to ACCME PARS as a CSV file."

    def add_arguments(self, parser):
        parser.add_argument("--from", dest="date_from", required=True, type=_date)
        parser.add_argument("--to", dest="date_to", required=True, type=_date)
        parser.add_argument("--activity", default=None, help="Only this activity's code.")
        parser.add_argument("--output", required=True, type=Path, help="The CSV file to write.")

    def handle(self, *args, date_from, date_to, activity, output: Path, **options):
        if date_to < date_from:
            raise CommandError(f"--to ({date_to}) is before --from ({date_from}).")
        chosen = None
        if activity is not None:
            chosen = activity_by_code(code=activity)
            if chosen is None:
                raise CommandError(f"There is no CME activity with the code {activity!r}.")
        completions = pars_completions(date_from=date_from, date_to=date_to, activity=chosen)
        report = pars_report(completions)
        try:
            output.write_bytes(pars_file(report.rows, file_format="csv"))
        except OSError as exc:
            raise CommandError(f"Could not write {output}: {exc.strerror}.") from exc
        scope = f" of {chosen.code}" if chosen else ""
        if not completions:
            self.stdout.write(
                f"No AMA completions{scope} from {date_from} to {date_to}: wrote 0 rows "
                f"(the header only) to {output}."
            )
            return
        written, left_out = len(report.rows), len(report.left_out)
        self.stdout.write(f"Wrote {written} row{pluralize(written)} to {output}.")
        if report.left_out:
            self.stdout.write(f"Left out {left_out} completion{pluralize(left_out)}:")
            for left_out in report.left_out:
                self.stdout.write(left_out.line)
