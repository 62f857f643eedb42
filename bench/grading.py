"""Grading-queue benchmark: the first page of a trainer's queue among 50,000 submissions.

Starts the local stack (.ci/stack), rebuilds a `coach_bench_grading` database, builds one cohort
of trainees whose submissions (a written assignment and a performance evaluation each) number
`--submissions` (one in five waiting for a grade, the rest passed), serves the site with
gunicorn and the production settings (bench/settings.py) and sends a bounded number of
keep-alive requests, in alternating rounds, to:
  /bench/floor/       the framework's floor (a view that does nothing),
  /grading/          the grading queue's first page (50 rows), as the cohort's trainer.
Prints requests/s, p50 and p95 of each and the p95 ratio queue / floor; writes
bench/results/grading-<time>.json. Target: ratio <= 3; exit status 1 when missed or when a
request failed.

Run with .venv/bin/python bench/grading.py --help (the stack's ports from STACK_* variables).
"""

import argparse
import datetime as dt
import json
import os
import sys
import time
from datetime import UTC, datetime
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
BENCH_DATABASE = "coach_bench_grading"
FLOOR_PATH = "/bench/floor/"
TARGET_RATIO = 3.0
QUEUE_MARKER = b"Submissions waiting for a grade"


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--submissions", type=int, default=50_000, help="in the cohort")
    parser.add_argument("--requests", type=int, default=1000, help="per URL (default 1000)")
    parser.add_argument("--clients", type=int, default=4, help="concurrent keep-alive clients")
    parser.add_argument("--max-seconds", type=float, default=120.0, help="time cap per URL")
    parser.add_argument("--rounds", type=int, default=10, help="alternate the URLs this often")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 2, help="gunicorn")
    parser.add_argument("--threads", type=int, default=2, help="threads per gunicorn worker")
    return parser.parse_args()


def build_submissions(*, submissions: int):
    """A cohort with two trainers and enough trainees for `submissions` submissions (two each),
    sent over the last 60 days; one in five waits for a grade, half of those unclaimed."""
    from django.utils import timezone

    from courses.grading.models import Submission, SubmissionStatus
    from tests.factories.courses import enrol_many_trainees, make_cohort
    from tests.factories.grading import graded_module, icf_rubric, reflective_rubric
    from tests.factories.people import make_trainer

    programme, module = graded_module()
    trainer = make_trainer(credential_held="MCC", first_name="Bench", last_name="Trainer")
    colleague = make_trainer(credential_held="MCC", first_name="Other", last_name="Trainer")
    cohort = make_cohort(programme=programme, trainers=[trainer, colleague], name="Bench cohort")
    trainees = enrol_many_trainees(cohort=cohort, count=submissions // 2)
    now = timezone.now()
    blocks = (
        ("rec", "recorded_session", "Recorded session", icf_rubric(), "PCC"),
        ("essay", "written_assignment", "Reflective essay", reflective_rubric(), "none"),
    )
    rows = []
    for index, trainee in enumerate(trainees):
        for offset, (block_id, kind, title, rubric, level) in enumerate(blocks):
            number = 2 * index + offset
            waiting = number % 5 == 0
            rows.append(
                Submission(
                    trainee=trainee,
                    module=module,
                    block_id=block_id,
                    cohort=cohort,
                    kind=kind,
                    title=title,
                    rubric=rubric,
                    level_assessed=level,
                    status=SubmissionStatus.SUBMITTED if waiting else SubmissionStatus.PASSED,
                    assessor=None if waiting and number % 10 == 0 else colleague,
                    submitted_at=now - dt.timedelta(minutes=(number * 60 * 24 * 60) // submissions),
                )
            )
    Submission.objects.bulk_create(rows, batch_size=2000)
    return trainer


def warm_up(port: int, cookie: str, queue_path: str, count: int = 10) -> None:
    import http.client

    from bench.load import fetch

    connection = http.client.HTTPConnection(HOST, port, timeout=60)
    try:
        for _ in range(count):
            for path in (FLOOR_PATH, queue_path):
                status, body = fetch(connection, path, cookie)
                if status != 200:
                    raise SystemExit(f"{path} answered {status} for the signed-in trainer")
                if path == queue_path and QUEUE_MARKER not in body:
                    raise SystemExit(f"{path} does not list the waiting submissions")
    finally:
        connection.close()


def main() -> int:
    args = parse_args()
    os.chdir(ROOT)
    stack_was_running = use_stack_database(BENCH_DATABASE)
    server = None
    try:
        migrate_bench_database()

        from django.db import connections
        from django.urls import reverse

        from bench.data import session_cookies
        from bench.load import run_alternating_rounds

        started = time.monotonic()
        trainer = build_submissions(submissions=args.submissions)
        cookies = session_cookies([trainer])
        queue_path = reverse("courses:grading_queue")
        connections.close_all()
        build_seconds = time.monotonic() - started
        print(f"Built {args.submissions:,} submissions in {build_seconds:.1f} s")
        urls = [("floor", FLOOR_PATH), ("queue", queue_path)]

        port = free_port()
        server = start_gunicorn(
            env=dict(os.environ), port=port, workers=args.workers, threads=args.threads
        )
        warm_up(port, cookies[0], queue_path)
        machine = machine_description()
        results = run_alternating_rounds(
            urls,
            host=HOST,
            port=port,
            cookies=cookies,
            requests=args.requests,
            clients=args.clients,
            max_seconds=args.max_seconds,
            rounds=args.rounds,
        )
    finally:
        stop_serving(server, stack_was_running=stack_was_running)

    ratio = results["queue"]["p95_ms"] / results["floor"]["p95_ms"]
    report = {
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": machine,
        "config": {
            **vars(args),
            **served_description(args),
            "data_build_seconds": round(build_seconds, 1),
        },
        **results,
        "p95_ratio": round(ratio, 2),
        "target_ratio": TARGET_RATIO,
    }
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    path = RESULTS_DIR / f"grading-{datetime.now(UTC):%Y%m%dT%H%M%SZ}.json"
    path.write_text(json.dumps(report, indent=2) + "\n")
    print()
    print(f"{'URL':<22}{'requests':>10}{'errors':>8}{'req/s':>9}{'p50 ms':>9}{'p95 ms':>9}")
    for key, url in urls:
        row = results[key]
        print(
            f"{url:<22}{row['requests']:>10}{row['errors']:>8}{row['requests_per_second']:>9}"
            f"{row['p50_ms']:>9}{row['p95_ms']:>9}"
        )
    print(f"queue p95 / floor p95 = {ratio:.2f} (target <= {TARGET_RATIO})")
    print(f"Results written to {path.relative_to(ROOT)}")
    errors = sum(results[key]["errors"] for key, _ in urls)
    if errors:
        print(f"{errors} requests failed (see first_errors in the results file)")
    return 1 if errors or ratio > TARGET_RATIO else 0


if __name__ == "__main__":
    sys.exit(main())
