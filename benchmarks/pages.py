"""A page's service time: what one request costs in-process, without the HTTP server or client,
on SQLite and PostgreSQL, with production settings and the demo practice.

    .venv/bin/python benchmarks/pages.py [--database sqlite|postgresql|both] [--requests N]

For each page it prints the median and the 90th percentile of N requests through Django's
handler (the test client, so no socket), and the database statements one request runs. The
signed-in pages' p99 goal over HTTP (issue 16: under 50 ms at 8 connections on 2 cores) needs
a service time under about 8 ms; this shows how far each page is from it and what its
statements are. No assertion: the figures go to docs/benchmarks.md.
"""

import sys

# This folder's http.py would hide the standard library's `http` package that Django imports:
# the folder goes to the end of the path, after the standard library (as in benchmarks/http.py).
_HERE = sys.path.pop(0)
sys.path.append(_HERE)

import argparse
import json
import os
import statistics
import time
from pathlib import Path
from typing import Any

import harness


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--database", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--out", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.requests, Path(args.out))
        return
    argv = ["--requests", str(args.requests)]
    results: dict[str, dict[str, Any]] = {}
    if args.database in ("sqlite", "both"):
        results["SQLite"] = harness.run_sqlite(__file__, argv, env=harness.PRODUCTION_ENV)
    if args.database in ("postgresql", "both"):
        results["PostgreSQL"] = harness.run_postgresql(__file__, argv, env=harness.PRODUCTION_ENV)
    print()
    for line in harness.machine_lines():
        print(line)
    for name, pages in results.items():
        print(f"\n{name}: ms a request, median / p90 of {args.requests}; statements a request")
        for page, figures in pages.items():
            print(
                f"  {page:34} {figures['median']:7.2f} / {figures['p90']:6.2f} ms"
                f"  {figures['statements']:3} statements"
            )


def child(requests: int, out: Path) -> None:
    sys.path.insert(0, str(harness.ROOT))
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client

    from needlecare.accounts.models import User
    from needlecare.charting.models import TreatmentSession
    from needlecare.common.testing.two_factor import VerifiedClient
    from needlecare.demo.data import PATIENTS

    call_command("migrate", verbosity=0)
    call_command("load_demo", "--allow-production", stdout=open(os.devnull, "w"))  # noqa: SIM115
    call_command("collectstatic", "--noinput", verbosity=0)
    session = TreatmentSession.objects.filter(state="signed").order_by("-pk").first()
    assert session is not None
    slug = session.clinic.slug
    patient = next(p[0] for p in PATIENTS if p[-1])  # a patient who signs in online
    desk = User.objects.get(email=f"frontdesk.{slug}@demo.needlecare.test")
    pages = {
        "/ (a visitor)": (None, "/"),
        "/api/clinics/ (a visitor)": (None, "/api/clinics/"),
        "/healthz": (None, "/healthz"),
        "patient appointments": (patient, "/me/appointments/"),
        "front desk day schedule": (desk.email, f"/staff/clinics/{slug}/schedule/"),
        "treatment record": (session.therapist.user.email, f"/staff/sessions/{session.pk}/"),
        "front desk's day (/staff/)": (desk.email, "/staff/"),
    }
    found: dict[str, Any] = {}
    for name, (email, path) in pages.items():
        client: Any = Client()
        if email is not None:
            client = VerifiedClient()
            client.force_login(User.objects.get(email=email))
        for _ in range(10):  # warm: connections, kept pages, compiled templates
            assert client.get(path).status_code == 200, path
        statements = _statements(connection, client, path)
        times = []
        for _ in range(requests):
            if email is None:
                client.cookies.clear()  # each request a new visitor, as wrk's are
            began = time.perf_counter()
            client.get(path)
            times.append((time.perf_counter() - began) * 1000)
        times.sort()
        found[name] = {
            "median": statistics.median(times),
            "p90": times[int(len(times) * 0.9)],
            "statements": statements,
        }
    out.write_text(json.dumps(found))


def _statements(connection: Any, client: Any, path: str) -> int:
    """How many statements one request runs."""
    seen: list[str] = []

    def count(execute: Any, sql: str, *rest: Any) -> Any:
        seen.append(sql)
        return execute(sql, *rest)

    with connection.execute_wrapper(count):
        client.get(path)
    return len(seen)


if __name__ == "__main__":
    main()
