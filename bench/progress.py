"""Progress-page benchmark: /progress/ of trainees with 5,000 and 50,000 coaching-log rows.

Starts the local stack (.ci/stack), rebuilds a `coach_bench_progress` database, builds one
trainee per size with a large, realistic record (log rows, mentor sessions, course modules and
external education, assessments), serves the site with gunicorn and the production settings
(bench/settings.py) and, for each trainee, sends a bounded number of keep-alive requests, in
alternating rounds, to:
  /bench/floor/               the framework's floor (a view that does nothing),
  /bench/floor/progress-sql/  the SQL floor: one raw aggregate over the same rows,
  /progress/                  the page.
Then, for each trainee, it saves a new log entry through the service and times the first
/progress/ after it, and an SQL floor request, one at a time (`--after-save` times).

Targets (exit status 1 when one is missed, or a request failed): progress p95 <= 3 x the SQL
floor p95 for every size, and the first load after a save p95 <= 5 x the SQL floor p95
measured the same way. Prints requests/s, p50 and p95 of each; writes
bench/results/progress-<time>.json.

Run with `make bench-credentials` or .venv/bin/python bench/progress.py --help.
"""

import argparse
import datetime as dt
import json
import os
import sys
import time
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.dashboard import (  # noqa: E402
    HOST,
    free_port,
    machine_description,
    migrate_bench_database,
    served_description,
    start_gunicorn,
    stop_serving,
    use_stack_database,
)

RESULTS_DIR = ROOT / "bench" / "results"
BENCH_DATABASE = "coach_bench_progress"
FRAMEWORK_FLOOR_PATH = "/bench/floor/"
SQL_FLOOR_PATH = "/bench/floor/progress-sql/"
PROGRESS_PATH = "/progress/"
URLS = (("framework_floor", FRAMEWORK_FLOOR_PATH), ("sql_floor", SQL_FLOOR_PATH))
URLS += (("progress", PROGRESS_PATH),)
PROGRESS_MARKER = b"Client coaching"  # a requirement label the page must show
STEADY_TARGET = 3  # progress p95 / SQL floor p95
AFTER_SAVE_TARGET = 5  # first progress p95 after a save / SQL floor p95


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--rows",
        "--entries",
        type=int,
        nargs="+",
        default=[5000, 50000],
        help="coaching-log rows, one trainee per number (default 5000 50000)",
    )
    parser.add_argument("--requests", type=int, default=1000, help="per URL (default 1000)")
    parser.add_argument(
        "--after-save", type=int, default=100, help="saves, each followed by one page load"
    )
    parser.add_argument("--clients", type=int, default=4, help="concurrent keep-alive clients")
    parser.add_argument("--max-seconds", type=float, default=120.0, help="time cap per URL")
    parser.add_argument("--rounds", type=int, default=4, help="alternate the URLs this often")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 2, help="gunicorn")
    parser.add_argument("--threads", type=int, default=2, help="threads per gunicorn worker")
    return parser.parse_args()


def build_progress_trainees(*, rows: list[int]) -> list:
    """One trainee per number of log rows, each with the record of `build_progress_record`."""
    from bench.data import build_trainees_with_full_progress

    trainees = build_trainees_with_full_progress(trainees=len(rows), modules=12)
    for trainee, entries in zip(trainees, rows, strict=True):
        build_progress_record(trainee, entries=entries)
    return trainees


def build_progress_record(trainee, *, entries: int) -> None:
    """Four years into training, `entries` log rows and the rest of a record.

    300 clients, one row in ten a group (2 to 8 people), one in six pro bono, rows of one to
    five days; 12 mentor sessions over 8 months (two still unconfirmed); the 12-module
    benchmark programme finished plus two approved external courses; passed assessments.
    """
    from django.utils import timezone

    from credentials.models import (
        AssessmentKind,
        AssessmentResult,
        CoachingLogEntry,
        EducationRecord,
        EducationStatus,
        Engagement,
        MentorSession,
        MentorSessionStatus,
    )
    from lms.models import User
    from tests.factories.people import make_mentor

    today = timezone.localdate()
    training_start = today - dt.timedelta(days=4 * 365)
    User.objects.filter(pk=trainee.pk).update(training_start=training_start)
    trainee.refresh_from_db()
    span_days = 4 * 365 - 10
    CoachingLogEntry.objects.bulk_create(
        (
            CoachingLogEntry(
                trainee=trainee,
                client_name=f"Client {index % 300:03d}",
                client_contact=f"client{index % 300}@example.org",
                engagement=Engagement.GROUP if index % 10 == 0 else Engagement.INDIVIDUAL,
                group_size=2 + index % 7 if index % 10 == 0 else None,
                start_date=training_start + dt.timedelta(days=index * span_days // entries),
                end_date=training_start
                + dt.timedelta(days=index * span_days // entries + index % 5),
                paid_hours=Decimal(0) if index % 6 == 0 else Decimal("1.50"),
                pro_bono_hours=Decimal(1) if index % 6 == 0 else Decimal(0),
                notes=f"Session notes {index}",
            )
            for index in range(entries)
        ),
        batch_size=1000,
    )
    mentor = make_mentor(credential_held="MCC")
    MentorSession.objects.bulk_create(
        MentorSession(
            trainee=trainee,
            mentor=mentor,
            mentor_credential="MCC",
            date=today - dt.timedelta(days=250 - 20 * number),
            hours=Decimal("1.5") if number % 3 == 0 else Decimal(1),
            engagement=Engagement.GROUP if number % 3 == 0 else Engagement.INDIVIDUAL,
            group_size=5 if number % 3 == 0 else None,
            status=MentorSessionStatus.LOGGED if number >= 10 else MentorSessionStatus.CONFIRMED,
        )
        for number in range(12)
    )
    EducationRecord.objects.bulk_create(
        EducationRecord(
            trainee=trainee,
            title=f"Coaching skills {number}",
            provider="Coaching School",
            completed_on=training_start + dt.timedelta(days=100 * number),
            hours=Decimal(20),
            synchronous_hours=Decimal(10),
            status=EducationStatus.APPROVED,
        )
        for number in (1, 2)
    )
    AssessmentResult.objects.bulk_create(
        [
            AssessmentResult(
                trainee=trainee,
                kind=AssessmentKind.PERFORMANCE_EVALUATION,
                date=today - dt.timedelta(days=60),
                passed=True,
            ),
            AssessmentResult(
                trainee=trainee,
                kind=AssessmentKind.EXAM,
                date=today - dt.timedelta(days=30),
                passed=True,
                score=510,
            ),
        ]
    )


def warm_up(port: int, cookie: str, count: int = 10) -> None:
    """A few requests to every URL (worker start-up, caches); each must answer 200."""
    import http.client

    from bench.load import fetch

    connection = http.client.HTTPConnection(HOST, port, timeout=60)
    try:
        for _ in range(count):
            for _, path in URLS:
                status, body = fetch(connection, path, cookie)
                if status != 200:
                    raise SystemExit(f"{path} answered {status} for the signed-in trainee")
                if path == PROGRESS_PATH and PROGRESS_MARKER not in body:
                    raise SystemExit(f"{path} does not show the coaching requirement")
    finally:
        connection.close()


def loads_after_saves(port: int, cookie: str, trainee, *, saves: int) -> dict[str, dict]:
    """Save a new log entry through the service, then time one /progress/ and one SQL floor
    request, `saves` times, one request at a time: the page as a trainee meets it right after
    logging coaching."""
    import http.client

    from django.utils import timezone

    from bench.load import LoadResult, fetch
    from credentials.services import coaching_log_entry_create

    results = {key: LoadResult(key) for key in ("progress", "sql_floor")}
    connection = http.client.HTTPConnection(HOST, port, timeout=60)
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    try:
        for number in range(saves):
            day = yesterday - dt.timedelta(days=number % 400)
            coaching_log_entry_create(
                trainee=trainee,
                client_name=f"New client {number}",
                start_date=day,
                end_date=day,
                paid_hours=Decimal(1),
            )
            for key, path in (("progress", PROGRESS_PATH), ("sql_floor", SQL_FLOOR_PATH)):
                started = time.perf_counter()
                status, _ = fetch(connection, path, cookie)
                latency = time.perf_counter() - started
                if status == 200:
                    results[key].latencies.append(latency)
                else:
                    results[key].errors.append(f"{path}: HTTP {status}")
                results[key].elapsed += latency
    finally:
        connection.close()
    return {key: result.summary() for key, result in results.items()}


def ratio(numerator: float, denominator: float) -> float:
    return round(numerator / denominator, 2)


def size_report(steady: dict, after_save: dict) -> dict:
    steady_ratio = ratio(steady["progress"]["p95_ms"], steady["sql_floor"]["p95_ms"])
    after_save_ratio = ratio(after_save["progress"]["p95_ms"], after_save["sql_floor"]["p95_ms"])
    return {
        **steady,
        "after_save": after_save,
        "p95_ratio": steady_ratio,
        "p95_ratio_framework": ratio(
            steady["progress"]["p95_ms"], steady["framework_floor"]["p95_ms"]
        ),
        "after_save_p95_ratio": after_save_ratio,
        "targets_met": steady_ratio <= STEADY_TARGET and after_save_ratio <= AFTER_SAVE_TARGET,
    }


def print_report(report: dict) -> None:
    for rows, sized in report["sizes"].items():
        print()
        print(f"{rows} log rows")
        print(f"{'URL':<30}{'requests':>10}{'errors':>8}{'req/s':>9}{'p50 ms':>9}{'p95 ms':>9}")
        for key, path in URLS:
            row = sized[key]
            print(
                f"{path:<30}{row['requests']:>10}{row['errors']:>8}"
                f"{row['requests_per_second']:>9}{row['p50_ms']:>9}{row['p95_ms']:>9}"
            )
        for key, path in (("progress", PROGRESS_PATH), ("sql_floor", SQL_FLOOR_PATH)):
            row = sized["after_save"][key]
            label = f"{path} after a save"
            print(
                f"{label:<30}{row['requests']:>10}{row['errors']:>8}{'':>9}"
                f"{row['p50_ms']:>9}{row['p95_ms']:>9}"
            )
        print(
            f"progress p95 / SQL floor p95 = {sized['p95_ratio']} (target <= {STEADY_TARGET}); "
            f"after a save = {sized['after_save_p95_ratio']} (target <= {AFTER_SAVE_TARGET}); "
            f"progress p95 / framework floor p95 = {sized['p95_ratio_framework']}"
        )


def request_errors(report: dict) -> int:
    return sum(sized[key]["errors"] for sized in report["sizes"].values() for key, _ in URLS) + sum(
        row["errors"] for sized in report["sizes"].values() for row in sized["after_save"].values()
    )


def main() -> int:
    args = parse_args()
    os.chdir(ROOT)
    stack_was_running = use_stack_database(BENCH_DATABASE)
    server = None
    sizes = {}
    try:
        migrate_bench_database()

        from django.db import connections

        from bench.data import session_cookies
        from bench.load import run_alternating_rounds

        started = time.monotonic()
        trainees = build_progress_trainees(rows=args.rows)
        cookies = session_cookies(trainees)
        connections.close_all()
        build_seconds = time.monotonic() - started
        print(
            f"Built trainees with {', '.join(f'{n:,}' for n in args.rows)} log rows "
            f"in {build_seconds:.1f} s"
        )

        port = free_port()
        server = start_gunicorn(
            env=dict(os.environ), port=port, workers=args.workers, threads=args.threads
        )
        machine = machine_description()
        for rows, trainee, cookie in zip(args.rows, trainees, cookies, strict=True):
            print(f"{rows:,} log rows:")
            warm_up(port, cookie)
            steady = run_alternating_rounds(
                list(URLS),
                host=HOST,
                port=port,
                cookies=[cookie],
                requests=args.requests,
                clients=args.clients,
                max_seconds=args.max_seconds,
                rounds=args.rounds,
            )
            after_save = loads_after_saves(port, cookie, trainee, saves=args.after_save)
            sizes[str(rows)] = size_report(steady, after_save)
    finally:
        stop_serving(server, stack_was_running=stack_was_running)

    report = {
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": machine,
        "config": {
            **vars(args),
            **served_description(args),
            "data_build_seconds": round(build_seconds, 1),
            "load_average_after": os.getloadavg()[0],
        },
        "targets": {"p95_ratio": STEADY_TARGET, "after_save_p95_ratio": AFTER_SAVE_TARGET},
        "sizes": sizes,
    }
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    path = RESULTS_DIR / f"progress-{datetime.now(UTC):%Y%m%dT%H%M%SZ}.json"
    path.write_text(json.dumps(report, indent=2) + "\n")
    print_report(report)
    print(f"Results written to {path.relative_to(ROOT)}")
    errors = request_errors(report)
    if errors:
        print(f"{errors} requests failed (see first_errors in the results file)")
    missed = [rows for rows, sized in sizes.items() if not sized["targets_met"]]
    if missed:
        print(f"Target missed with {', '.join(missed)} log rows")
    return 1 if errors or missed else 0


if __name__ == "__main__":
    sys.exit(main())
