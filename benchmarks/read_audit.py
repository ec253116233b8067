"""What recording a read costs a patient record page, on SQLite and PostgreSQL.

    .venv/bin/python benchmarks/read_audit.py [--database sqlite|postgresql|both]
                                              [--pairs P] [--calls N]

Each database runs in a subprocess of its own (a temporary SQLite file with the settings'
pragmas, `synchronous=FULL` included; a fresh PostgreSQL database on a throwaway
`scripts/pg-cluster` cluster with fsync on, unless DATABASE_URL is set). The child migrates,
builds the test practice (two clinics, staff, patients; the patient screened twice) and
measures, with Django's test client and the real database:

- the staff patient record page (`GET /staff/patients/<id>/` as the front desk) with its read
  audit and without it, in P pairs taking turns (which goes first alternates), after a few
  warm-up pairs; "without" is the same view with `audit_read` replaced by a no-op for that
  request only. Also the median of the pairs' differences, and the statements of each.
- `audit_read()` alone, N calls in a row (one INSERT each, in autocommit: its own commit);
  and N calls naming 50 records each, as a busy day's schedule or a page of the patient list
  does (one INSERT of 50 rows each).

Goal: the read audit adds at most 1 ms to the page.
"""

import argparse
import json
import statistics
import time
from pathlib import Path
from typing import Any

import harness
from availability import load

PAIRS = 300
CALLS = 1_000
WARMUP_PAIRS = 10
GOAL_MS = 1.0


# --- parent: databases, summary ---------------------------------------------------------------


def _argv(args: argparse.Namespace) -> list[str]:
    return ["--pairs", str(args.pairs), "--calls", str(args.calls)]


def run_sqlite(args: argparse.Namespace) -> dict:
    return harness.run_sqlite(__file__, _argv(args))


def run_postgresql(args: argparse.Namespace) -> dict:
    return harness.run_postgresql(__file__, _argv(args))


def summary(results: dict[str, dict]) -> None:
    rows = [
        ("page with the read audit, median", "with_median_ms", "ms"),
        ("page without it, median", "without_median_ms", "ms"),
        ("page with, p90", "with_p90_ms", "ms"),
        ("page without, p90", "without_p90_ms", "ms"),
        ("added per page, median of the pairs' differences", "added_ms", "ms"),
        ("statements per page, with / without", "statements", ""),
        ("audit_read() alone, median", "call_median_ms", "ms"),
        ("audit_read() alone, p90", "call_p90_ms", "ms"),
        ("audit_read() of 50 records, median", "list_call_median_ms", "ms"),
        ("audit_read() of 50 records, p90", "list_call_p90_ms", "ms"),
    ]
    names = list(results)
    print("\n| | " + " | ".join(names) + " |")
    print("|---|" + "---|" * len(names))
    for label, key, unit in rows:
        cells = []
        for name in names:
            value = results[name][key]
            cells.append(f"{value:.3f} {unit}" if isinstance(value, float) else str(value))
        print(f"| {label} | " + " | ".join(cells) + " |")
    for name, result in results.items():
        verdict = "met" if result["added_ms"] <= GOAL_MS else "MISSED"
        print(f"{name}: adds {result['added_ms']:.3f} ms a page: goal {GOAL_MS} ms {verdict}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--database", choices=["sqlite", "postgresql", "both"], default="both", help="(both)"
    )
    parser.add_argument("--pairs", type=int, default=PAIRS, metavar="P")
    parser.add_argument("--calls", type=int, default=CALLS, metavar="N")
    parser.add_argument("--child", choices=["sqlite", "postgresql"], help=argparse.SUPPRESS)
    parser.add_argument("--out", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child, args.pairs, args.calls, Path(args.out))
        return

    print("\n".join(harness.machine_lines()))
    print(load())
    results = {}
    if args.database in ("sqlite", "both"):
        results["SQLite"] = run_sqlite(args)
    if args.database in ("postgresql", "both"):
        results["PostgreSQL"] = run_postgresql(args)
    summary(results)
    print(load())


# --- child: one database ----------------------------------------------------------------------


def child(database: str, pairs: int, calls: int, out: Path) -> None:
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection

    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    with connection.cursor() as cursor:
        cursor.execute("select sqlite_version()" if database == "sqlite" else "show server_version")
        version = cursor.fetchone()[0]
    print(f"\n== {database} {version} (migrated in {time.perf_counter() - started:.1f} s)")
    result = page_cost(pairs) | call_cost(calls)
    out.write_text(json.dumps(result))
    for key, value in result.items():
        print(f"  {key}: {value:.3f}" if isinstance(value, float) else f"  {key}: {value}")


def _practice() -> Any:
    from needlecare.common.testing.personas import build_practice
    from needlecare.common.testing.schedule import build_schedule

    practice = build_practice()
    schedule = build_schedule(practice)
    schedule.screen(None, "diabetes", regions=("neck", "low_back"))
    schedule.screen(None, regions=("neck",))
    return practice


def page_cost(pairs: int) -> dict[str, Any]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from needlecare.audit.models import ReadEvent
    from needlecare.common.testing.two_factor import VerifiedClient
    from needlecare.web.views import patient_record

    practice = _practice()
    client = VerifiedClient()  # staff pass the second step, as they do signing in
    client.force_login(practice.front_desk)
    url = f"/staff/patients/{practice.patient.pk}/"
    audited = patient_record.audit_read

    def unaudited(**kwargs: Any) -> int:
        return 0

    def get(with_audit: bool) -> float:
        patient_record.audit_read = audited if with_audit else unaudited  # type: ignore[assignment]
        try:
            start = time.perf_counter()
            response = client.get(url)
            spent = (time.perf_counter() - start) * 1000
        finally:
            patient_record.audit_read = audited  # type: ignore[assignment]
        if response.status_code != 200:
            raise SystemExit(f"{url} answered {response.status_code}")
        return spent

    def statements(with_audit: bool) -> int:
        with CaptureQueriesContext(connection) as queries:
            get(with_audit)
        return len(queries)

    counted = f"{statements(True)}/{statements(False)}"
    for _ in range(WARMUP_PAIRS):
        get(True)
        get(False)
    before = ReadEvent.objects.count()
    spent: dict[str, list[float]] = {"with": [], "without": []}
    for n in range(pairs):
        turns = [("with", True), ("without", False)]
        for name, with_audit in turns if n % 2 == 0 else reversed(turns):
            spent[name].append(get(with_audit))
    written = ReadEvent.objects.count() - before
    if written != pairs:
        raise SystemExit(f"{written} reads recorded for {pairs} audited pages")
    result: dict[str, Any] = {"pairs": pairs, "statements": counted}
    for name, times in spent.items():
        result[f"{name}_median_ms"] = statistics.median(times)
        result[f"{name}_p90_ms"] = statistics.quantiles(times, n=10)[-1]
    result["added_ms"] = statistics.median(
        w - b for w, b in zip(spent["with"], spent["without"], strict=True)
    )
    return result


def call_cost(calls: int) -> dict[str, Any]:
    from django.test import RequestFactory

    from needlecare.accounts.models import User
    from needlecare.audit.services import audit_read
    from needlecare.patients.models import Patient

    user = User.objects.filter(role="front_desk").first()
    request = RequestFactory().get("/", REMOTE_ADDR="192.0.2.10")
    listed = [Patient(pk=n) for n in range(1, 51)]  # a page listing 50 patients' records
    result: dict[str, Any] = {"calls": calls}
    for name, targets in (("call", ()), ("list_call", listed)):
        times = []
        for _ in range(calls):
            start = time.perf_counter()
            audit_read(actor=user, request=request, what="list", targets=targets, patient_id=1)
            times.append((time.perf_counter() - start) * 1000)
        result[f"{name}_median_ms"] = statistics.median(times)
        result[f"{name}_p90_ms"] = statistics.quantiles(times, n=10)[-1]
    return result


if __name__ == "__main__":
    main()
