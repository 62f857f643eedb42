"""Nightly-batch benchmark: `credentials.tasks.evaluate_all_trainees` over 10,000 trainees.

Starts the local stack (.ci/stack), rebuilds a `coach_bench_nightly` database and fills it with
COPY: 10,000 trainees with 50 coaching-log rows each (500,000 rows), 4 mentor sessions, an
approved external course and, for half of them, passed assessments; about one in six meets
every ACC requirement. Then it runs the task twice, each time in a new process, calling it the
way a Celery worker does (in-process, no broker round trip for the task itself): the first run
notifies the newly eligible, the second is a steady-state night (nothing new to send). Prints
seconds and peak memory of each run and writes bench/results/nightly-<time>.json.

Run with `make bench-credentials` or .venv/bin/python bench/nightly.py --help.
"""

import argparse
import datetime as dt
import json
import os
import resource
import subprocess
import sys
import time
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.dashboard import machine_description, use_stack_database  # noqa: E402

RESULTS_DIR = ROOT / "bench" / "results"
BENCH_DATABASE = "coach_bench_nightly"
TARGET_SECONDS = 60.0
MENTORS = 20
CLIENTS_PER_TRAINEE = 12


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--trainees", type=int, default=10_000)
    parser.add_argument("--entries", type=int, default=50, help="log rows per trainee")
    parser.add_argument("--profile", action="store_true", help="cProfile the first run")
    # Internal: the child process that runs the task once and prints its figures as JSON.
    parser.add_argument("--run-task", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--profile-to", default="", help=argparse.SUPPRESS)
    return parser.parse_args()


def copy_rows(table: str, columns: tuple[str, ...], rows) -> int:
    """COPY `rows` (tuples in `columns` order) into `table`; returns how many."""
    from django.db import connection

    count = 0
    statement = f"COPY {table} ({', '.join(columns)}) FROM STDIN"
    with connection.cursor() as cursor, cursor.cursor.copy(statement) as copy:
        for row in rows:
            copy.write_row(row)
            count += 1
    return count


def build_data(*, trainees: int, entries: int) -> dict[str, int]:
    """The nightly population (see the module docstring); returns row counts by table."""
    from django.contrib.auth.models import Group
    from django.db import connection
    from django.utils import timezone

    from credentials.models import (
        AssessmentResult,
        CoachingLogEntry,
        EducationRecord,
        MentorSession,
    )
    from lms.encryption import field_encryption
    from lms.models import Role, User

    today = timezone.localdate()
    now = timezone.now()
    mentor_group = Group.objects.get(name=Role.MENTOR.value)
    trainee_group = Group.objects.get(name=Role.TRAINEE.value)
    mentors = User.objects.bulk_create(
        User(
            email=f"mentor{number}@bench.test",
            first_name="Mentor",
            last_name=str(number),
            password="!",
            credential_held="PCC",
        )
        for number in range(MENTORS)
    )
    people = User.objects.bulk_create(
        (
            User(
                email=f"trainee{number}@bench.test",
                first_name="Trainee",
                last_name=str(number),
                password="!",
                # One in twenty already holds ACC: the batch evaluates only PCC and MCC for them.
                credential_held="ACC" if number % 20 == 19 else "none",
                training_start=today - dt.timedelta(days=730 + number % 730),
                time_zone=("UTC", "Europe/London", "America/New_York")[number % 3],
            )
            for number in range(trainees)
        ),
        batch_size=2000,
    )
    memberships = User.groups.through
    memberships.objects.bulk_create(
        [memberships(user_id=user.pk, group_id=mentor_group.pk) for user in mentors]
        + [memberships(user_id=user.pk, group_id=trainee_group.pk) for user in people],
        batch_size=5000,
    )

    # Every row carries an encrypted contact, as imported logs do; the batch must never read it.
    contact = field_encryption().encrypt(b"client@example.org").decode()

    def log_rows():
        for number, trainee in enumerate(people):
            on_track = number % 3 != 1  # two in three log enough hours for ACC
            step = (today - dt.timedelta(days=10) - trainee.training_start).days // entries
            for index in range(entries):
                start = trainee.training_start + dt.timedelta(days=index * step)
                group = index % 10 == 0
                pro_bono = index % 5 == 0
                paid = Decimal(0) if pro_bono else Decimal("2.50" if on_track else "1.00")
                yield (
                    trainee.pk,
                    f"Client {index % CLIENTS_PER_TRAINEE:02d}",
                    contact,
                    "group" if group else "individual",
                    4 if group else None,
                    start,
                    start + dt.timedelta(days=index % 3),
                    paid,
                    Decimal(1) if pro_bono else Decimal(0),
                    "",
                    "",
                    "import",
                    1,
                    now,
                    now,
                )

    def mentor_rows():
        for number, trainee in enumerate(people):
            # Two in three have four confirmed sessions; the rest two still unconfirmed.
            confirmed = number % 3 != 2
            for index in range(4):
                yield (
                    trainee.pk,
                    mentors[number % MENTORS].pk,
                    "PCC",
                    today - dt.timedelta(days=200 - 50 * index),
                    Decimal(3),
                    "individual",
                    None,
                    "confirmed" if confirmed or index < 2 else "logged",
                    "",
                    "import",
                    now,
                )

    def education_rows():
        for trainee in people:
            yield (
                trainee.pk,
                "Foundations of coaching",
                "Coaching School",
                trainee.training_start + dt.timedelta(days=60),
                Decimal(65),
                Decimal(35),
                "",
                "approved",
                "",
                "import",
                now,
            )

    def assessment_rows():
        for number, trainee in enumerate(people):
            if number % 2:
                continue
            for kind, score in (("performance_evaluation", None), ("exam", 510)):
                yield (trainee.pk, kind, today - dt.timedelta(days=30), True, score, "import", now)

    counts = {
        "trainees": len(people),
        "coaching_log_rows": copy_rows(
            CoachingLogEntry._meta.db_table,
            (
                "trainee_id",
                "client_name",
                "client_contact",
                "engagement",
                "group_size",
                "start_date",
                "end_date",
                "paid_hours",
                "pro_bono_hours",
                "sponsor",
                "notes",
                "source",
                "version",
                "created_at",
                "updated_at",
            ),
            log_rows(),
        ),
        "mentor_sessions": copy_rows(
            MentorSession._meta.db_table,
            (
                "trainee_id",
                "mentor_id",
                "mentor_credential",
                "date",
                "hours",
                "engagement",
                "group_size",
                "status",
                "dispute_reason",
                "source",
                "created_at",
            ),
            mentor_rows(),
        ),
        "education_records": copy_rows(
            EducationRecord._meta.db_table,
            (
                "trainee_id",
                "title",
                "provider",
                "completed_on",
                "hours",
                "synchronous_hours",
                "certificate",
                "status",
                "review_note",
                "source",
                "created_at",
            ),
            education_rows(),
        ),
        "assessments": copy_rows(
            AssessmentResult._meta.db_table,
            ("trainee_id", "kind", "date", "passed", "score", "source", "created_at"),
            assessment_rows(),
        ),
    }
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return counts


def resident_mib() -> float:
    """This process's resident memory now (Linux)."""
    pages = int(Path("/proc/self/statm").read_text().split()[1])
    return pages * os.sysconf("SC_PAGE_SIZE") / 2**20


def run_task(profile_to: str) -> None:
    """Child process: call the task once as a Celery worker would; print the figures as JSON."""
    import django

    django.setup()
    from credentials.models import EligibilityNotice
    from credentials.tasks import evaluate_all_trainees
    from lms.celery import app

    started_mib = resident_mib()
    notices_before = EligibilityNotice.objects.count()
    started = time.perf_counter()
    if profile_to:
        import cProfile

        profiler = cProfile.Profile()
        created = profiler.runcall(evaluate_all_trainees)
        profiler.dump_stats(profile_to)
    else:
        created = evaluate_all_trainees()
    seconds = time.perf_counter() - started
    peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    notices = EligibilityNotice.objects.count() - notices_before
    app.control.purge()  # the notice emails queued on the bench broker database
    print(
        json.dumps(
            {
                "seconds": round(seconds, 2),
                "notices_created": created,
                "notices_in_database": notices,
                "rss_after_setup_mib": round(started_mib, 1),
                "peak_rss_mib": round(peak_mib, 1),
            }
        )
    )


def run_child(*extra: str) -> dict:
    done = subprocess.run(
        [sys.executable, __file__, "--run-task", *extra],
        cwd=ROOT,
        env=dict(os.environ),
        capture_output=True,
        text=True,
        timeout=900,
    )
    if done.returncode != 0:
        sys.exit(f"The task run failed:\n{done.stdout}\n{done.stderr}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> int:
    args = parse_args()
    os.chdir(ROOT)
    if args.run_task:
        run_task(args.profile_to)
        return 0
    stack_was_running = use_stack_database(BENCH_DATABASE)
    try:
        import django
        from django.core.management import call_command

        django.setup()
        started = time.monotonic()
        call_command("migrate", verbosity=0)
        print(f"Migrated in {time.monotonic() - started:.0f} s")
        started = time.monotonic()
        counts = build_data(trainees=args.trainees, entries=args.entries)
        build_seconds = time.monotonic() - started
        print(f"Built {counts} in {build_seconds:.1f} s", flush=True)
        from django.db import connections

        connections.close_all()
        machine = machine_description()
        RESULTS_DIR.mkdir(parents=True, exist_ok=True)
        stamp = f"{datetime.now(UTC):%Y%m%dT%H%M%SZ}"
        profile_path = RESULTS_DIR / f"nightly-{stamp}.pstats" if args.profile else None
        first = run_child(*(["--profile-to", str(profile_path)] if profile_path else []))
        print(f"First run (notifies the newly eligible): {first}", flush=True)
        second = run_child()
        print(f"Second run (nothing new to send):        {second}", flush=True)
    finally:
        if not stack_was_running:
            subprocess.run([ROOT / ".ci/stack", "stop"], check=False)

    report = {
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": machine,
        "config": {**vars(args), "database": "PostgreSQL (.ci/stack, fsync off)"},
        "data": {**counts, "build_seconds": round(build_seconds, 1)},
        "first_run": first,
        "second_run": second,
        "profiled": bool(profile_path),
        "target_met": max(first["seconds"], second["seconds"]) < TARGET_SECONDS,
    }
    path = RESULTS_DIR / f"nightly-{stamp}.json"
    path.write_text(json.dumps(report, indent=2) + "\n")
    verdict = "met" if report["target_met"] else "NOT met"
    print(f"Target: each run under {TARGET_SECONDS:.0f} s: {verdict}")
    if profile_path:
        print(f"Profile of the first run: {profile_path.relative_to(ROOT)}")
    print(f"Results written to {path.relative_to(ROOT)}")
    return 0 if report["target_met"] else 1


if __name__ == "__main__":
    sys.exit(main())
