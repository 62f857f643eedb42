from django.core.management.base import BaseCommand, CommandError

from credentials.imports import ImportFileError, import_records, read_table
from credentials.models import ImportKind

# Below this many rows an import is quick enough that a bar is noise in logs.
PROGRESS_BAR_MIN_ROWS = 1_000
BAR_WIDTH = 30


class Command(BaseCommand):
    help = (
        "Import records from a .csv (UTF-8) or .xlsx file: every row or none. "
        "Errors are listed as 'row N, column C: message' (the heading row is row 1)."
    )

    def add_arguments(self, parser):
        parser.add_argument("kind", choices=ImportKind.values)
        parser.add_argument("file")
        parser.add_argument("--dry-run", action="store_true", help="Check every row, save nothing.")

    def handle(self, *args, kind: str, file: str, dry_run: bool, **options):
        try:
            with open(file, "rb") as upload:
                table = read_table(upload)
            show_bar = self.stderr.isatty() or len(table) >= PROGRESS_BAR_MIN_ROWS
            report = import_records(
                kind=kind,
                table=table,
                dry_run=dry_run,
                progress=self._draw_bar if show_bar else None,
            )
        except OSError as error:
            raise CommandError(f"Cannot open {file}: {error.strerror}.") from None
        except ImportFileError as error:
            raise CommandError(error.message) from None
        if show_bar:
            self.stderr.write("")  # leave the finished bar on its own line
        for error in report.errors:
            self.stderr.write(str(error))
        if not report.ok:
            raise CommandError(report.summary())
        self.stdout.write(report.summary())

    def _draw_bar(self, done: int, total: int) -> None:
        filled = BAR_WIDTH * done // total
        bar = "#" * filled + "-" * (BAR_WIDTH - filled)
        self.stderr.write(f"\r[{bar}] {100 * done // total:3d}% {done:,}/{total:,} rows", ending="")
        self.stderr.flush()
