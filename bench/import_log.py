"""Import benchmark: `manage.py import_records coaching_log` on a 10,000-row ICF log.

Needs PostgreSQL: DATABASE_URL from the environment (`.ci/stack start` then
`eval "$(.ci/stack env)"`). Builds a fresh `coach_bench_import` database next to it, migrates it,
imports the trainees with the people import, then times the coaching-log import end to end (a
new process, as an operator runs it) and its re-import (every row unchanged). Memory is the
peak resident size of each import process; the same import of a tenth of the rows (other
clients, so that it creates its rows too) shows whether it stays flat. Prints the figures
and writes bench/results/import-log-<time>.json.
"""

import argparse
import csv
import datetime as dt
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.dashboard import recreate_database  # noqa: E402

RESULTS_DIR = ROOT / "bench" / "results"
BENCH_DATABASE = "coach_bench_import"
TARGET_SECONDS = 15.0
HEADINGS = [
    "Coach Email",
    "Client Name",
    "Contact",
    "Individual/Group",
    "Number in Group",
    "Start Date",
    "End Date",
    "Paid Hours",
    "Pro Bono Hours",
]


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--trainees", type=int, default=20)
    return parser.parse_args()


def bench_database_url() -> str:
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        sys.exit('Set DATABASE_URL to PostgreSQL first: .ci/stack start; eval "$(.ci/stack env)"')
    return recreate_database(url, BENCH_DATABASE)


def write_people(path: Path, trainees: int) -> None:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["Email", "First Name", "Last Name", "Role", "Training Start"])
        for number in range(trainees):
            writer.writerow(
                [f"coach{number}@bench.test", "Coach", str(number), "trainee", "2020-01-01"]
            )


def write_log(path: Path, rows: int, trainees: int, clients: str = "Client") -> None:
    """An ICF log as Excel saves it (BOM, CRLF): individual and group rows over three years."""
    first_day = dt.date(2021, 1, 1)
    with path.open("w", newline="", encoding="utf-8-sig") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADINGS)
        for number in range(rows):
            start = first_day + dt.timedelta(days=number % 1000)
            group = number % 10 == 0
            writer.writerow(
                [
                    f"coach{number % trainees}@bench.test",
                    f"{clients} {number:05d}",
                    f"client{number}@example.com",
                    "Group" if group else "Individual",
                    "5" if group else "",
                    start.isoformat(),
                    (start + dt.timedelta(days=number % 60)).isoformat(),
                    "" if number % 7 == 0 else f"{1 + number % 4}.5",
                    "1" if number % 7 == 0 else "",
                ]
            )


def manage(env: dict[str, str], *args: str) -> tuple[float, int, str]:
    """Run manage.py in a new process: (seconds, peak resident KiB of that process, stdout)."""
    # /usr/bin/time is not everywhere: measure the child through a tiny wrapper instead.
    wrapper = (
        "import resource, runpy, sys; sys.argv = sys.argv[1:]; "
        "exec(\"try:\\n runpy.run_path(sys.argv[0], run_name='__main__')\\n"
        "finally:\\n print('MAXRSS', resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, "
        'file=sys.stderr)")'
    )
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", wrapper, str(ROOT / "manage.py"), *args],
        env=env,
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        sys.exit(f"manage.py {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")
    maxrss = next(
        int(line.split()[1]) for line in done.stderr.splitlines() if line.startswith("MAXRSS")
    )
    return seconds, maxrss, done.stdout.strip()


def main() -> int:
    args = parse_args()
    env = {
        **os.environ,
        "DATABASE_URL": bench_database_url(),
        "DJANGO_SETTINGS_MODULE": "lms.settings.dev",
        "DEBUG": "false",
    }
    env.pop("CELERY_BROKER_URL", None)
    manage(env, "migrate", "--verbosity", "0")
    report = {"rows": args.rows, "trainees": args.trainees, "runs": {}}
    with tempfile.TemporaryDirectory() as folder:
        people, log, small_log = (Path(folder) / n for n in ("p.csv", "log.csv", "small.csv"))
        write_people(people, args.trainees)
        manage(env, "import_records", "people", str(people))
        write_log(small_log, args.rows // 10, args.trainees, clients="Small")
        write_log(log, args.rows, args.trainees)
        for name, path in (
            (f"{args.rows // 10:,} rows, dry run", small_log),
            (f"{args.rows // 10:,} rows, first import", small_log),
            (f"{args.rows:,} rows, first import", log),
            (f"{args.rows:,} rows, re-import", log),
        ):
            extra = ["--dry-run"] if "dry run" in name else []
            seconds, maxrss, output = manage(
                env, "import_records", "coaching_log", str(path), *extra
            )
            report["runs"][name] = {
                "seconds": round(seconds, 2),
                "peak_rss_mib": round(maxrss / 1024, 1),
                "output": output,
            }
            print(f"{name:32} {seconds:6.2f} s  peak {maxrss / 1024:6.1f} MiB  {output}")
    first = report["runs"][f"{args.rows:,} rows, first import"]["seconds"]
    verdict = "met" if first < TARGET_SECONDS else "NOT met"
    print(f"Target: under {TARGET_SECONDS:.0f} s for the first import: {verdict}")
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    (RESULTS_DIR / f"import-log-{stamp}.json").write_text(json.dumps(report, indent=2))
    return 0 if first < TARGET_SECONDS else 1


if __name__ == "__main__":
    sys.exit(main())
