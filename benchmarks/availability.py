"""Availability through the database: four weeks at one clinic, and bookings per second.

    .venv/bin/python benchmarks/availability.py [--database sqlite|postgresql|both]
                                                [--appointments N]

Builds a practice of 20 clinics with 10 therapists each and a year of appointments centred on
today (about 250,000 by default) with bulk_create, then measures on each database:

- `slots_for()` for a dry needling type at one clinic over four weeks from next Monday: the
  queries plus the pure function, median and p90 of 30 calls after 3 warm-ups (the three
  timings take turns, so a busy machine slows them alike);
- `available_slots()` alone on the same inputs already in memory, so slots_for / pure says what
  the database side adds (and `availability_inputs()` alone, to show where the rest goes);
- bookings per second through `appointment_book()`: distinct screened patients at free starts
  that cannot collide, each booking its own transaction with its checks and audit rows;
- a 12-visit weekly course through `appointment_series_book()` (same therapist, distinct
  screened patients, hours kept free in weeks 5 to 16), median and p90 of 30 courses after 3
  warm-ups, taking turns with the single bookings, against the median single booking.

Each database runs in a subprocess of this script with its own settings environment (a
temporary SQLite file with the settings' pragmas, `synchronous=FULL` included; a fresh PostgreSQL
database, on a throwaway `scripts/pg-cluster` cluster with fsync on unless DATABASE_URL is set).
The practice comes from `availability_practice.py`, the bookings from `availability_course.py`.
Goals: four weeks in at most 50 ms median, slots_for at most 3 times the pure function, at least
100 bookings per second, a 12-visit course at most 3 times one booking.
"""

import argparse
import datetime as dt
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from availability_course import measure_bookings
from availability_practice import (
    APPOINTMENTS,
    CLINICS,
    PATIENTS,
    ROOMS,
    THERAPISTS,
    Practice,
    build,
)

ROOT = Path(__file__).resolve().parent.parent
PG_CLUSTER = ROOT / "scripts" / "pg-cluster"

DAYS = 28
RUNS = 30
WARMUPS = 3

GOAL_MS = 50.0
GOAL_RATIO = 3.0
GOAL_BOOKINGS = 100.0
GOAL_COURSE = 3.0  # a 12-visit course / one booking


# --- parent: machine, databases, summary ------------------------------------------------------


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown CPU"


def load() -> str:
    """The load average, since other work on the machine skews the times."""
    if not hasattr(os, "getloadavg"):
        return "load average unknown"
    return "load average " + " ".join(f"{n:.1f}" for n in os.getloadavg())


def run_child(database: str, env: dict[str, str], appointments: int) -> dict:
    with tempfile.TemporaryDirectory(prefix="needlecare-bench.") as tmp:
        out = Path(tmp) / "result.json"
        env = {**env, "NEEDLECARE_DATA_DIR": tmp, "NEEDLECARE_DEBUG": "0"}
        env["DJANGO_SETTINGS_MODULE"] = "needlecare.settings"
        argv = [sys.executable, __file__, "--child", database, "--out", str(out)]
        argv += ["--appointments", str(appointments)]
        result = subprocess.run(argv, env=env, check=False)
        if result.returncode != 0:
            raise SystemExit(f"the {database} run failed (exit {result.returncode})")
        return json.loads(out.read_text())


def run_sqlite(appointments: int) -> dict:
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    return run_child("sqlite", env, appointments)


def run_postgresql(appointments: int) -> dict:
    import psycopg
    from psycopg import sql

    url = os.environ.get("DATABASE_URL", "").strip()
    cluster = None
    if not url:
        cluster = tempfile.mkdtemp(prefix="needlecare-bench-pg.")
        # fsync on, unlike the test suite's clusters: commits cost what they cost in production.
        subprocess.run(
            [str(PG_CLUSTER), "start", cluster],
            check=True,
            stdout=subprocess.DEVNULL,
            env={**os.environ, "PG_CLUSTER_FSYNC": "on"},
        )
        url = (Path(cluster) / "database_url").read_text().strip()
    try:
        name = f"needlecare_bench_{os.getpid()}"
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        try:
            parts = urlsplit(url)
            env = {**os.environ, "DATABASE_URL": urlunsplit(parts._replace(path=f"/{name}"))}
            return run_child("postgresql", env, appointments)
        finally:
            with psycopg.connect(url, autocommit=True) as conn:
                conn.execute(
                    sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
                )
    finally:
        if cluster is not None:
            subprocess.run([str(PG_CLUSTER), "stop", cluster], check=False)


def summary(results: dict[str, dict]) -> None:
    names = list(results)
    rows: list[tuple[str, Callable[[dict], str], str]] = [
        ("appointments in the year", lambda r: f"{r['appointments']:,}", ""),
        ("build (bulk_create + ANALYZE)", lambda r: f"{r['build_s']:.0f} s", ""),
        ("slots_for, 4 weeks, median", lambda r: f"{r['db_median_ms']:.1f} ms", "<= 50 ms"),
        ("slots_for, 4 weeks, p90", lambda r: f"{r['db_p90_ms']:.1f} ms", ""),
        ("  queries per call", lambda r: str(r["queries"]), "fixed"),
        ("  availability_inputs alone", lambda r: f"{r['inputs_median_ms']:.1f} ms", ""),
        ("available_slots alone, median", lambda r: f"{r['pure_median_ms']:.1f} ms", ""),
        ("ratio slots_for / pure", lambda r: f"{r['ratio']:.1f}x", "<= 3x"),
        ("slots offered", lambda r: f"{r['slots']:,}", ""),
        ("bookings/s (appointment_book)", lambda r: f"{r['bookings_per_s']:.0f}", ">= 100"),
        ("  statements per booking", lambda r: str(r["booking_queries"]), ""),
        ("  one booking, median", lambda r: f"{r['booking_median_ms']:.1f} ms", ""),
        ("12-visit course, median", lambda r: f"{r['course_median_ms']:.1f} ms", ""),
        ("12-visit course, p90", lambda r: f"{r['course_p90_ms']:.1f} ms", ""),
        ("  statements per course", lambda r: str(r["course_queries"]), "fixed"),
        ("ratio course / one booking", lambda r: f"{r['course_ratio']:.1f}x", "<= 3x"),
    ]
    width = max(len(label) for label, _, _ in rows)
    print()
    print(f"{'':<{width}}  " + "  ".join(f"{n:>12}" for n in names) + "  goal")
    for label, show, goal in rows:
        cells = "  ".join(f"{show(results[n]):>12}" for n in names)
        print(f"{label:<{width}}  {cells}  {goal}")
    for name, r in results.items():
        missed = []
        if r["db_median_ms"] > GOAL_MS:
            missed.append(f"four weeks {r['db_median_ms']:.1f} ms > {GOAL_MS:.0f} ms")
        if r["ratio"] > GOAL_RATIO:
            missed.append(f"ratio {r['ratio']:.1f}x > {GOAL_RATIO:.0f}x")
        if r["bookings_per_s"] < GOAL_BOOKINGS:
            missed.append(f"{r['bookings_per_s']:.0f} bookings/s < {GOAL_BOOKINGS:.0f}")
        if r["course_ratio"] > GOAL_COURSE:
            missed.append(f"course {r['course_ratio']:.1f}x > {GOAL_COURSE:.0f}x one booking")
        print(f"{name} ({r['version']}): " + ("; ".join(missed) or "every goal met"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--database", choices=["sqlite", "postgresql", "both"], default="both", help="default both"
    )
    parser.add_argument("--appointments", type=int, default=APPOINTMENTS, metavar="N")
    parser.add_argument("--child", choices=["sqlite", "postgresql"], help=argparse.SUPPRESS)
    parser.add_argument("--out", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child, args.appointments, Path(args.out))
        return

    import django

    print(f"{dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC")
    print(f"{platform.machine()}, {os.cpu_count()} cores, {cpu_model()}")
    print(f"Python {platform.python_version()}, Django {django.get_version()}")
    print(load())
    wanted = ["sqlite", "postgresql"] if args.database == "both" else [args.database]
    runners = {"sqlite": run_sqlite, "postgresql": run_postgresql}
    results = {name: runners[name](args.appointments) for name in wanted}
    summary(results)


# --- child: one database ---------------------------------------------------------------------


def timed(*fns: Callable[[], object]) -> list[tuple[float, float]]:
    """Median and p90 wall time in ms of each function over RUNS rounds after WARMUPS.

    The functions take turns within each round, so a busy machine slows them alike and the
    ratios between them hold.
    """
    for _ in range(WARMUPS):
        for fn in fns:
            fn()
    times: list[list[float]] = [[] for _ in fns]
    for _ in range(RUNS):
        for fn, spent in zip(fns, times, strict=True):
            start = time.perf_counter()
            fn()
            spent.append((time.perf_counter() - start) * 1000)
    return [(statistics.median(t), statistics.quantiles(t, n=10)[-1]) for t in times]


def child(database: str, appointments: int, out: Path) -> None:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SHOW server_version")
            version = f"PostgreSQL {cursor.fetchone()[0].split()[0]}"
            cursor.execute("SHOW fsync")
            version += f", fsync {cursor.fetchone()[0]}"
        else:
            cursor.execute("SELECT sqlite_version()")
            version = f"SQLite {cursor.fetchone()[0]}"
    print(f"\n== {database}: {version} (migrated in {time.perf_counter() - started:.1f} s)")
    sys.stdout.flush()

    started = time.perf_counter()
    practice = build(appointments)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    build_s = time.perf_counter() - started
    print(
        f"built {practice.appointments:,} appointments, {CLINICS} clinics x {THERAPISTS} "
        f"therapists, {ROOMS} rooms each, {PATIENTS:,} patients in {build_s:.1f} s"
    )
    sys.stdout.flush()

    result = measure(practice)
    result.update(
        database=database, version=version, appointments=practice.appointments, build_s=build_s
    )
    print(f"slots_for four weeks:   median {result['db_median_ms']:7.2f} ms, ", end="")
    print(f"p90 {result['db_p90_ms']:7.2f} ms, {result['queries']} queries, ", end="")
    print(f"{result['slots']:,} slots")
    print(f"  availability_inputs:  median {result['inputs_median_ms']:7.2f} ms, ", end="")
    print(f"{result['therapist_busy']:,} therapist and {result['room_busy']:,} room busy ", end="")
    print(f"intervals from {result['first_day']}")
    print(f"available_slots alone:  median {result['pure_median_ms']:7.2f} ms, ", end="")
    print(f"p90 {result['pure_p90_ms']:7.2f} ms; slots_for / pure = {result['ratio']:.1f}x")
    print(f"appointment_book:       {result['bookings_per_s']:7.0f} bookings/s ", end="")
    print(f"({result['bookings']} in {result['bookings_s']:.2f} s, ", end="")
    print(f"{result['booking_queries']} statements each, ", end="")
    print(f"median {result['booking_median_ms']:.2f} ms)")
    print(f"12-visit courses:       median {result['course_median_ms']:7.2f} ms, ", end="")
    print(f"p90 {result['course_p90_ms']:7.2f} ms, {result['course_queries']} statements, ", end="")
    print(f"{result['courses']} from {result['courses_from']}; ", end="")
    print(f"course / one booking = {result['course_ratio']:.1f}x")
    print(load())
    out.write_text(json.dumps(result))


def measure(practice: Practice) -> dict:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from needlecare.clinics.models import Clinic
    from needlecare.scheduling.availability import available_slots
    from needlecare.scheduling.models import AppointmentType
    from needlecare.scheduling.selectors import availability_inputs, slots_for

    today = practice.today
    monday = today + dt.timedelta(days=7 - today.weekday())
    last = monday + dt.timedelta(days=DAYS - 1)
    # The middle clinic, fetched afresh as a request would.
    clinic = Clinic.objects.get(pk=practice.clinics[CLINICS // 2].pk)
    kind = AppointmentType.objects.get(clinic=clinic, code="dry-needling")

    def through_database() -> list:
        return slots_for(clinic=clinic, type=kind, first_day=monday, last_day=last)

    with CaptureQueriesContext(connection) as queries:
        slots = through_database()

    def inputs() -> tuple:
        return availability_inputs(clinic=clinic, first_day=monday, last_day=last)

    calendar, agendas, patient_busy = inputs()

    def pure() -> list:
        return available_slots(
            clinic=calendar,
            therapists=agendas,
            first_day=monday,
            last_day=last,
            duration=dt.timedelta(minutes=kind.duration_minutes),
            buffer=dt.timedelta(minutes=kind.buffer_minutes),
            needs_certification=kind.needs_certification,
            patient_busy=patient_busy,
        )

    if pure() != slots:
        raise SystemExit("available_slots on the inputs disagrees with slots_for")
    (db_median, db_p90), (inputs_median, _), (pure_median, pure_p90) = timed(
        through_database, inputs, pure
    )

    bookings = measure_bookings(practice, monday, last)
    return {
        "db_median_ms": db_median,
        "db_p90_ms": db_p90,
        "queries": len(queries),
        "slots": len(slots),
        "inputs_median_ms": inputs_median,
        "pure_median_ms": pure_median,
        "pure_p90_ms": pure_p90,
        "ratio": db_median / pure_median,
        **bookings,
        "first_day": monday.isoformat(),
        "therapist_busy": sum(len(a.busy) for a in agendas),
        "room_busy": sum(len(busy) for busy in calendar.rooms.values()),
    }


if __name__ == "__main__":
    main()
