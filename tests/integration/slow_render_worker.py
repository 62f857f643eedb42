"""A Celery worker whose first certificate render hangs, so a test can kill it mid-render.

    python tests/integration/slow_render_worker.py QUEUE MARKER

The first render writes the process id of the pool process running it to MARKER and hangs;
once MARKER exists, renders run normally. Settings come from the environment, as for
`celery -A lms worker`.
"""

import os
import sys
import time
from pathlib import Path

import django

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lms.settings.dev")
django.setup()

from credentials import certificates  # noqa: E402
from lms.celery import app  # noqa: E402

queue, marker = sys.argv[1], Path(sys.argv[2])
render = certificates.award_certificate_pdf


def first_render_hangs(*, award):
    if not marker.exists():
        marker.write_text(str(os.getpid()))
        time.sleep(600)
    return render(award=award)


certificates.award_certificate_pdf = first_render_hangs
app.worker_main(
    [
        "worker",
        "--queues",
        queue,
        "--hostname",
        f"{queue}@%h",
        "--concurrency",
        "1",
        "--pool",
        "prefork",
        "--loglevel",
        "info",
        "--without-gossip",
        "--without-mingle",
    ]
)
