"""Dashboard benchmark: /dashboard/ for 200 trainees against the framework's floor.

Starts the local stack (.ci/stack), rebuilds a `coach_bench` database (migrate + data), serves
it with gunicorn and the production settings (bench/settings.py), signs the trainees in by
creating their sessions, then sends a bounded number of keep-alive requests from a few
concurrent clients to /bench/floor/ (a view that does nothing) and to /dashboard/, in
alternating rounds. Prints requests/s, p50 and p95 of both and the p95 ratio; writes the
figures to bench/results/.

Run with `make bench` (or .venv/bin/python bench/dashboard.py --help).
"""

import argparse
import json
import os
import platform
import shlex
import socket
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
RESULTS_DIR = ROOT / "bench" / "results"
BENCH_DATABASE = "coach_bench"
HOST = "127.0.0.1"
FLOOR_PATH = "/bench/floor/"
DASHBOARD_PATH = "/dashboard/"
TARGET_P95_RATIO = 3.0


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--trainees", type=int, default=200)
    parser.add_argument("--modules", type=int, default=12)
    parser.add_argument("--requests", type=int, default=2000, help="per URL (default 2000)")
    parser.add_argument("--clients", type=int, default=4, help="concurrent keep-alive clients")
    parser.add_argument("--max-seconds", type=float, default=90.0, help="time cap per URL")
    # Each round opens new keep-alive connections, which gunicorn's workers take up unevenly
    # (all four on one worker doubles every latency in that round); many short rounds average
    # that chance out of the result instead of letting it decide a run.
    parser.add_argument("--rounds", type=int, default=20, help="alternate the URLs this often")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 2, help="gunicorn")
    parser.add_argument("--threads", type=int, default=2, help="threads per gunicorn worker")
    return parser.parse_args()


def stack_environment() -> tuple[dict[str, str], bool]:
    """Start the stack; return its variables and whether it was already running."""
    was_running = (
        subprocess.run([ROOT / ".ci/stack", "status"], capture_output=True).returncode == 0
    )
    subprocess.run([ROOT / ".ci/stack", "start"], check=True)
    exports = subprocess.run(
        [ROOT / ".ci/stack", "env"], check=True, capture_output=True, text=True
    ).stdout
    variables = {}
    for line in exports.splitlines():
        name, _, value = line.removeprefix("export ").partition("=")
        variables[name] = shlex.split(value)[0]
    return variables, was_running


def recreate_database(stack_database_url: str, name: str) -> str:
    """Drop and create database `name` next to the stack's; return its URL."""
    import psycopg
    from psycopg import sql

    identifier = sql.Identifier(name)
    with psycopg.connect(stack_database_url, autocommit=True) as connection:
        connection.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(identifier))
        connection.execute(sql.SQL("CREATE DATABASE {}").format(identifier))
    return urlunsplit(urlsplit(stack_database_url)._replace(path=f"/{name}"))


def use_stack_database(name: str) -> bool:
    """Point this process at a fresh database `name` on the stack; True if the stack was up."""
    import redis

    stack, stack_was_running = stack_environment()
    redis_server = stack["CELERY_BROKER_URL"].rsplit("/", 1)[0]
    os.environ.update(
        DJANGO_SETTINGS_MODULE="bench.settings",
        DATABASE_URL=recreate_database(stack["DATABASE_URL"], name),
        # A broker database of its own: the emails the benchmarks queue never reach a worker.
        CELERY_BROKER_URL=f"{redis_server}/15",
        # As a production deployment with several workers would configure: persistent
        # database connections and a cache the workers share (emptied here).
        CONN_MAX_AGE="60",
        CACHE_URL=f"{redis_server}/14",
    )
    redis.Redis.from_url(os.environ["CACHE_URL"]).flushdb()
    return stack_was_running


def migrate_bench_database() -> None:
    """Set Django up on the bench database: migrations and collected static files."""
    import django
    from django.core.management import call_command

    django.setup()
    started = time.monotonic()
    call_command("migrate", verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)
    print(f"Migrated and collected static files in {time.monotonic() - started:.0f} s")


def stop_serving(server, *, stack_was_running: bool) -> None:
    """Stop gunicorn, and the stack too unless it was running before the benchmark."""
    if server is not None:
        server.terminate()
        server.wait(timeout=30)
    if not stack_was_running:
        subprocess.run([ROOT / ".ci/stack", "stop"], check=False)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


def start_gunicorn(*, env: dict[str, str], port: int, workers: int, threads: int):
    # gthread workers keep connections alive between requests, as a production proxy would.
    command = [
        sys.executable, "-m", "gunicorn", "lms.wsgi:application",
        "--bind", f"{HOST}:{port}",
        "--workers", str(workers),
        "--worker-class", "gthread",
        "--threads", str(threads),
        "--keep-alive", "30",
        "--log-level", "warning",
    ]  # fmt: skip
    server = subprocess.Popen(command, cwd=ROOT, env=env)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"gunicorn exited with status {server.returncode}")
        try:
            with socket.create_connection((HOST, port), timeout=1):
                return server
        except OSError:
            time.sleep(0.2)
    server.terminate()
    raise SystemExit("gunicorn did not start listening within 60 s")


def check_signed_in(port: int, cookies: list[str]) -> bool:
    """Every session reaches its own dashboard (no redirect to sign-in); True if it lists
    the benchmark programme. Doubles as the warm-up: one dashboard per trainee."""
    import http.client

    from bench.data import PROGRAMME_TITLE
    from bench.load import fetch

    connection = http.client.HTTPConnection(HOST, port, timeout=30)
    shows_programme = True
    try:
        for cookie in cookies:
            status, body = fetch(connection, DASHBOARD_PATH, cookie)
            if status != 200:
                raise SystemExit(f"{DASHBOARD_PATH} answered {status} for a signed-in trainee")
            shows_programme = shows_programme and PROGRAMME_TITLE.encode() in body
            fetch(connection, FLOOR_PATH, cookie)
    finally:
        connection.close()
    return shows_programme


def machine_description() -> dict:
    return {
        "host": platform.node(),
        "cpus": os.cpu_count(),
        "platform": platform.platform(),
        "python": platform.python_version(),
        "load_average_before": os.getloadavg()[0],
    }


def served_description(args) -> dict:
    """How the site was served, for the JSON report (use_stack_database and start_gunicorn)."""
    return {
        "server": f"gunicorn gthread, {args.workers} workers x {args.threads} threads",
        "database": "PostgreSQL (.ci/stack, fsync off), CONN_MAX_AGE=60, prepared statements",
        "cache": "Redis (.ci/stack), shared by the workers",
    }


def print_report(report: dict) -> None:
    print()
    print(f"{'URL':<16}{'requests':>10}{'errors':>8}{'req/s':>9}{'p50 ms':>9}{'p95 ms':>9}")
    for key, path in (("floor", FLOOR_PATH), ("dashboard", DASHBOARD_PATH)):
        row = report[key]
        print(
            f"{path:<16}{row['requests']:>10}{row['errors']:>8}{row['requests_per_second']:>9}"
            f"{row['p50_ms']:>9}{row['p95_ms']:>9}"
        )
    verdict = "met" if report["target_met"] else "NOT met"
    print(
        f"dashboard p95 / floor p95 = {report['p95_ratio']} "
        f"(target ≤ {TARGET_P95_RATIO}: {verdict})"
    )


def main() -> int:
    args = parse_args()
    os.chdir(ROOT)
    sys.path.insert(0, str(ROOT))
    stack_was_running = use_stack_database(BENCH_DATABASE)
    server = None
    try:
        migrate_bench_database()

        from django.db import connections

        from bench.data import build_trainees_with_full_progress, session_cookies
        from bench.load import run_alternating_rounds

        started = time.monotonic()
        users = build_trainees_with_full_progress(trainees=args.trainees, modules=args.modules)
        cookies = session_cookies(users)
        connections.close_all()
        print(
            f"Built {len(users)} trainees with full progress in {time.monotonic() - started:.0f} s"
        )

        port = free_port()
        server = start_gunicorn(
            env=dict(os.environ), port=port, workers=args.workers, threads=args.threads
        )
        shows_programme = check_signed_in(port, cookies)
        machine = machine_description()
        results = run_alternating_rounds(
            [("floor", FLOOR_PATH), ("dashboard", DASHBOARD_PATH)],
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

    ratio = results["dashboard"]["p95_ms"] / results["floor"]["p95_ms"]
    report = {
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": machine,
        "config": {
            **vars(args),
            **served_description(args),
            "dashboard_lists_the_programme": shows_programme,
        },
        **results,
        "p95_ratio": round(ratio, 2),
        "target_met": ratio <= TARGET_P95_RATIO,
    }
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    path = RESULTS_DIR / f"dashboard-{datetime.now(UTC):%Y%m%dT%H%M%SZ}.json"
    path.write_text(json.dumps(report, indent=2) + "\n")
    print_report(report)
    print(f"Results written to {path.relative_to(ROOT)}")
    errors = results["floor"]["errors"] + results["dashboard"]["errors"]
    if errors:
        print(f"{errors} requests failed (see first_errors in the results file)")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
