"""CME certificate benchmark: how long one certificate PDF takes, against WeasyPrint's floor.

Builds a throw-away SQLite database (the test settings, migrated), one AMA activity and one
physician's claim, then times, alternating in rounds so that background noise hits both alike:

- `certificate`: `credentials.cme.certificates.cme_certificate_pdf(claim=...)`, what the Celery
  task does for each claim (reads the offers, renders the templates, draws the QR code, lays out
  and writes the PDF);
- `floor`: WeasyPrint alone writing the same HTML and stylesheet, rendered once beforehand.

Prints p50 and p95 of both and their ratio, and writes bench/results/cme-certificates-<time>.json.
Needs no stack (no PostgreSQL, no Redis). Run: .venv/bin/python bench/cme_certificates.py --help
"""

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lms.settings.test")

RESULTS_DIR = ROOT / "bench" / "results"


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--certificates", type=int, default=200, help="timed PDFs of each kind")
    parser.add_argument("--rounds", type=int, default=10)
    parser.add_argument("--warm-up", type=int, default=5)
    return parser.parse_args()


def percentile(samples: list[float], fraction: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def build_claim():
    from django.utils import timezone

    from credentials.cme.models import ClaimSource, CreditType
    from credentials.cme.services import cme_claim_create
    from lms.services import user_create
    from tests.factories.cme import make_activity

    activity = make_activity(
        credits={"ama": "2"},
        provider="Coach Academy CME",
        accreditation_statement="Coach Academy is accredited by the ACCME to provide continuing "
        "medical education for physicians.",
    )
    physician = user_create(
        email="bench.physician@example.org",
        password=None,
        first_name="Ada",
        last_name="Okafor",
        profession="physician",
    )
    return cme_claim_create(
        learner=physician,
        activity=activity,
        credit_type=CreditType.objects.get(code="ama"),
        credits=Decimal("1.75"),
        completed_on=timezone.localdate(),
        source=ClaimSource.IMPORT,
    )


def main() -> int:
    args = parse_args()
    import django

    django.setup()
    from django.conf import settings
    from django.db import connection
    from django.template.loader import render_to_string
    from django.test.utils import override_settings, setup_test_environment
    from weasyprint import CSS, HTML

    from credentials.certificates import (
        local_only_url_fetcher,
        qr_code_data_url,
        verification_url,
    )
    from credentials.cme import certificates

    setup_test_environment()
    # The claim's own certificate is made on commit (tasks run eagerly): into a temporary folder.
    media = override_settings(MEDIA_ROOT=tempfile.mkdtemp(prefix="bench-cme-"))
    media.enable()
    print("Migrating a throw-away SQLite database...", flush=True)
    original_name = connection.settings_dict["NAME"]
    connection.creation.create_test_db(verbosity=0, autoclobber=True)
    claim = build_claim()

    url = verification_url(claim.verification_code)
    context = {
        **certificates.certificate_context(claim=claim),
        "verification_url": url,
        "qr_code": qr_code_data_url(url),
        "site_name": settings.WAGTAIL_SITE_NAME,
    }
    html = render_to_string("credentials/cme/certificate.html", context)
    css_text = render_to_string(certificates.STYLESHEET)

    def certificate() -> bytes:
        return certificates.cme_certificate_pdf(claim=claim)

    def floor() -> bytes:
        fetcher = local_only_url_fetcher()
        css = CSS(string=css_text, url_fetcher=fetcher)
        return HTML(string=html, url_fetcher=fetcher).write_pdf(stylesheets=[css])

    for _ in range(args.warm_up):
        certificate()
        floor()
    samples = {"certificate": [], "floor": []}
    per_round = max(1, args.certificates // args.rounds)
    for _ in range(args.rounds):
        for name, make in (("floor", floor), ("certificate", certificate)):
            for _ in range(per_round):
                started = time.perf_counter()
                pdf = make()
                samples[name].append((time.perf_counter() - started) * 1000)
                assert pdf.startswith(b"%PDF")
    report = {
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "cpus": os.cpu_count(),
        "load_average_before": os.getloadavg()[0],
        "pdf_bytes": len(certificate()),
    }
    print(f"\n{'kind':<14}{'PDFs':>6}{'p50 ms':>9}{'p95 ms':>9}{'mean ms':>9}")
    for name, values in samples.items():
        row = {
            "pdfs": len(values),
            "p50_ms": round(percentile(values, 0.5), 1),
            "p95_ms": round(percentile(values, 0.95), 1),
            "mean_ms": round(statistics.fmean(values), 1),
        }
        report[name] = row
        print(f"{name:<14}{row['pdfs']:>6}{row['p50_ms']:>9}{row['p95_ms']:>9}{row['mean_ms']:>9}")
    report["p95_ratio"] = round(report["certificate"]["p95_ms"] / report["floor"]["p95_ms"], 2)
    print(f"p95 ratio certificate / floor: {report['p95_ratio']}")
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    (RESULTS_DIR / f"cme-certificates-{stamp}.json").write_text(json.dumps(report, indent=2))
    connection.creation.destroy_test_db(original_name, verbosity=0)
    media.disable()
    return 0


if __name__ == "__main__":
    sys.exit(main())
