"""The FHIR server on a practice of 10,000 patients: a Patient search, and a bulk export.

    .venv/bin/python benchmarks/fhir.py [--database sqlite|postgresql|both]
                                        [--patients N] [--requests R] [--runs K]

Each database runs in a subprocess of its own (a temporary SQLite file with the settings'
pragmas, `synchronous=FULL` included; a fresh PostgreSQL database on a throwaway
`scripts/pg-cluster` cluster with fsync on, unless DATABASE_URL is set). The child migrates,
loads the demo practice (`load_demo`: two clinics, three therapists, a year of history) and
scales it with `bulk_create` to N patients (10,000 by default; 60% at the first clinic, 40% at
the second), each new one with a screening, one or two outcome measures and one completed
appointment, copied from the demo's own rows (JSON fields included); the appointments lie on a
grid of consecutive hours per therapist, each with a room of their own, before the demo's
history starts, so nothing overlaps (PostgreSQL's exclusion constraints check it). Then it
measures, with the real database:

- `GET /fhir/R4/Patient?_count=100` and the same page at `_offset=5000` through Django's test
  client as an integration token of the first clinic: R requests of each, taking turns, after
  5 warm-ups; median and p90, the statements of each, and 100 entries checked every time.
- the bulk export of the whole practice as `needlecare fhir_export` writes it
  (`bulk.export_to_folder()` with every exportable type, every clinic, clinical records
  included) into a temporary folder, K times: resources, seconds and resources per second
  (median run), and the count of each type.
- where the export's time goes, per stored type, in the same run (medians of K): its export
  alone, and the three steps of it, timed row by row as the export streams them (holding
  thousands of rows or resources at once would add garbage-collector passes that the export
  never pays): reading the rows (the scoped queryset through `iterator(chunk_size=2000)`,
  prefetches included), mapping each row already read to JSON (`source.resource()`, with the
  statements it issues: any is a query per row), and encoding it as `write_ndjson` does. The
  mapping's share is its time over the type's export, and overall over the whole export's.

Goal: at least 5,000 resources per second exported on SQLite.
"""

import argparse
import datetime as dt
import json
import os
import statistics
import tempfile
import time
from collections.abc import Callable
from itertools import cycle
from pathlib import Path
from typing import Any

import harness
from availability import load

PATIENTS = 10_000
REQUESTS = 50
RUNS = 3
WARMUPS = 5
PAGE = 100
DEEP_OFFSET = 5_000
BATCH = 2_000
FIRST_CLINIC_SHARE = 0.6
GOAL_PER_S = 5_000.0


# --- parent: databases, summary ---------------------------------------------------------------


def _argv(args: argparse.Namespace) -> list[str]:
    return [
        "--patients",
        str(args.patients),
        "--requests",
        str(args.requests),
        "--runs",
        str(args.runs),
    ]


def run_sqlite(args: argparse.Namespace) -> dict:
    return harness.run_sqlite(__file__, _argv(args))


def run_postgresql(args: argparse.Namespace) -> dict:
    return harness.run_postgresql(__file__, _argv(args))


def _pct(part: float, whole: float) -> str:
    return f"{100 * part / whole:.0f}%" if whole else "-"


def summary(results: dict[str, dict]) -> None:
    names = list(results)
    first = results[names[0]]
    deep = f"_offset={first['deep_offset']}"
    rows: list[tuple[str, Callable[[dict], str]]] = [
        ("patients", lambda r: f"{r['patients']:,}"),
        ("load_demo", lambda r: f"{r['demo_s']:.1f} s"),
        ("scaling up (bulk_create)", lambda r: f"{r['scale_s']:.1f} s"),
        ("Patient search, `_count=100`, median", lambda r: f"{r['search_median_ms']:.1f} ms"),
        ("the same, p90", lambda r: f"{r['search_p90_ms']:.1f} ms"),
        (f"the same at `{deep}`, median", lambda r: f"{r['deep_median_ms']:.1f} ms"),
        (f"the same at `{deep}`, p90", lambda r: f"{r['deep_p90_ms']:.1f} ms"),
        ("statements per search", lambda r: str(r["search_statements"])),
        ("resources exported", lambda r: f"{r['exported']:,}"),
        ("bulk export, median of the runs", lambda r: f"{r['export_s']:.2f} s"),
        ("runs", lambda r: ", ".join(f"{s:.2f}" for s in r["export_runs_s"]) + " s"),
        ("**resources per second**", lambda r: f"**{r['per_s']:,.0f}**"),
        ("the export's CPU time in this process", lambda r: f"{r['export_cpu_s']:.2f} s"),
        ("stored types exported one at a time, sum", lambda r: _share(r, "export_s")),
        ("stored types: reading rows alone", lambda r: _share(r, "read_s")),
        ("stored types: mapping rows to JSON", lambda r: _share(r, "map_s")),
        ("stored types: JSON encoding", lambda r: _share(r, "json_s")),
        ("statements while mapping", lambda r: str(r["map_statements"])),
    ]
    print("\n| | " + " | ".join(names) + " |")
    print("|---|" + "---|" * len(names))
    for label, show in rows:
        print(f"| {label} | " + " | ".join(show(results[n]) for n in names) + " |")

    print("\nPer type: resources; export alone; of which read / map / JSON (map's share)\n")
    print("| type | resources | " + " | ".join(names) + " |")
    print("|---|---|" + "---|" * len(names))
    for type, count in first["counts"].items():
        cells = []
        for name in names:
            part = results[name]["parts"].get(type)
            if part is None:
                cells.append("(computed)")
                continue
            cells.append(
                f"{part['export_s'] * 1000:.0f} ms: {part['read_s'] * 1000:.0f} / "
                f"{part['map_s'] * 1000:.0f} / {part['json_s'] * 1000:.0f} "
                f"({_pct(part['map_s'], part['export_s'])})"
            )
        print(f"| {type} | {count:,} | " + " | ".join(cells) + " |")
    for name, r in results.items():
        verdict = "met" if r["per_s"] >= GOAL_PER_S else "MISSED"
        goal = f"goal {GOAL_PER_S:,.0f}/s {verdict}" if name == "SQLite" else "(goal on SQLite)"
        print(f"{name} ({r['version']}): {r['per_s']:,.0f} resources/s {goal}")


def _share(r: dict, key: str) -> str:
    spent = sum(part[key] for part in r["parts"].values())
    return f"{spent:.2f} s ({_pct(spent, r['export_s'])} of the export)"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--database", choices=["sqlite", "postgresql", "both"], default="both", help="(both)"
    )
    parser.add_argument("--patients", type=int, default=PATIENTS, metavar="N")
    parser.add_argument("--requests", type=int, default=REQUESTS, metavar="R")
    parser.add_argument("--runs", type=int, default=RUNS, metavar="K")
    parser.add_argument("--child", choices=["sqlite", "postgresql"], help=argparse.SUPPRESS)
    parser.add_argument("--out", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child, args, Path(args.out))
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


def child(database: str, args: argparse.Namespace, out: Path) -> None:
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection

    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    with connection.cursor() as cursor:
        if database == "postgresql":
            cursor.execute("SELECT split_part(version(), ' ', 2), current_setting('fsync')")
            version = "PostgreSQL {}, fsync {}".format(*cursor.fetchone())
        else:
            cursor.execute("SELECT sqlite_version()")
            version = f"SQLite {cursor.fetchone()[0]}"
    print(f"\n== {database}: {version} (migrated in {time.perf_counter() - started:.1f} s)")
    result: dict[str, Any] = {"database": database, "version": version}
    result |= build(args.patients)
    print(
        f"  load_demo {result['demo_s']:.1f} s, scaled to {result['patients']:,} patients "
        f"in {result['scale_s']:.1f} s",
        flush=True,
    )
    result |= search_cost(args.requests)
    result |= export_cost(args.runs)
    out.write_text(json.dumps(result))
    for key, value in result.items():
        if key not in ("parts", "counts"):
            print(f"  {key}: {value:.3f}" if isinstance(value, float) else f"  {key}: {value}")
    for type, part in result["parts"].items():
        print(
            f"  {type:<22} {part['resources']:>7,} export {part['export_s']:.3f} s, read "
            f"{part['read_s']:.3f}, map {part['map_s']:.3f} ({part['map_statements']} statements),"
            f" json {part['json_s']:.3f}"
        )


# --- the practice -----------------------------------------------------------------------------

FIRST = ("Ava", "Ben", "Chloe", "Daniel", "Emma", "Finn", "Grace", "Henry", "Isla", "Jack")
LAST = ("Almeida", "Brennan", "Carter", "Doyle", "Evans", "Fitzgerald", "Gomes", "Hughes")
CITIES = (("Stoughton", "02072"), ("Canton", "02021"), ("Foxboro", "02035"), ("Sharon", "02067"))


def build(target: int) -> dict[str, Any]:
    """load_demo, then patients (with a screening, outcome measures and an appointment each)
    until there are `target`."""
    from django.core.management import call_command
    from django.db import connection, transaction

    from needlecare.clinics.models import Clinic, Room
    from needlecare.outcomes.models import MeasureResponse
    from needlecare.patients.models import Patient, Physician
    from needlecare.scheduling.models import Appointment, AppointmentType, WorkingHours
    from needlecare.screening.models import Screening

    started = time.perf_counter()
    with open(os.devnull, "w") as quiet:
        call_command("load_demo", stdout=quiet)
    demo_s = time.perf_counter() - started

    started = time.perf_counter()
    clinics = list(Clinic.objects.order_by("pk"))
    have = Patient.objects.count()
    adding = max(0, target - have)
    # Who works where: each therapist gets a room of their own at each of their clinics, and one
    # grid of hours across clinics, so neither a therapist nor a room is ever double-booked.
    works = sorted(set(WorkingHours.objects.values_list("therapist_id", "clinic_id")))
    staff = {c.pk: [t for t, at in works if at == c.pk] for c in clinics}
    rooms = {c.pk: list(Room.objects.filter(clinic=c).order_by("pk")) for c in clinics}
    room_of = {
        (t, c): rooms[c][n] for c in staff for n, t in enumerate(staff[c]) if n < len(rooms[c])
    }
    types = {t.clinic_id: t for t in AppointmentType.objects.filter(code="dry-needling")}
    physicians: list[Any] = list(Physician.objects.order_by("pk")) or [None]
    screenings = list(Screening.objects.filter(based_on=None).order_by("pk"))
    measures = list(MeasureResponse.objects.order_by("pk"))
    plans = {
        a.screening_id: (a.planned_regions, a.precautions)
        for a in Appointment.objects.exclude(screening=None).order_by("pk")
    }
    booker = Appointment.objects.order_by("pk").first()
    if booker is None or not screenings or not measures:
        raise SystemExit("the demo practice has no appointments, screenings or measures to copy")

    # A clinic for each new patient (60/40), then their therapist in turn at that clinic.
    first_count = round(target * FIRST_CLINIC_SHARE)
    at_first = max(0, first_count - Patient.objects.filter(preferred_clinic=clinics[0]).count())
    clinic_of = [clinics[0] if n < at_first else clinics[1] for n in range(adding)]
    turn = {c.pk: cycle(staff[c.pk]) for c in clinics}
    therapist_of = [next(turn[c.pk]) for c in clinic_of]
    per_therapist: dict[int, int] = {}
    for t in therapist_of:
        per_therapist[t] = per_therapist.get(t, 0) + 1
    # Weekdays, eight one-hour visits a day (45 min + 15 buffer), ending before the demo's
    # history begins.
    earliest = Appointment.objects.order_by("starts_at").values_list("starts_at", flat=True)[0]
    weeks = max(per_therapist.values(), default=0) // 40 + 2
    monday = (earliest - dt.timedelta(weeks=weeks)).replace(hour=13, minute=0, second=0)
    monday -= dt.timedelta(days=monday.weekday(), microseconds=monday.microsecond)

    def hour(n: int) -> dt.datetime:
        week, rest = divmod(n, 40)
        day, slot = divmod(rest, 8)
        return monday + dt.timedelta(weeks=week, days=day, hours=slot)

    with transaction.atomic():
        patients = [
            Patient(
                first_name=FIRST[n % len(FIRST)],
                last_name=LAST[n // len(FIRST) % len(LAST)],
                date_of_birth=dt.date(1940, 1, 1) + dt.timedelta(days=(n * 97) % 24_000),
                email=f"patient{n}@bench.needlecare.test",
                phone=f"508-555-{n % 10_000:04d}",
                street=f"{n % 300 + 1} Main Street",
                city=CITIES[n % len(CITIES)][0],
                state="MA",
                postal_code=CITIES[n % len(CITIES)][1],
                preferred_clinic=clinic_of[n],
                referring_physician=physicians[n % len(physicians)] if n % 2 else None,
            )
            for n in range(adding)
        ]
        Patient.objects.bulk_create(patients, batch_size=BATCH)
        new_screenings = []
        for n, patient in enumerate(patients):
            s = screenings[n % len(screenings)]
            new_screenings.append(
                Screening(
                    patient=patient,
                    clinic=clinic_of[n],
                    intake=s.intake,
                    result=s.result,
                    indications=s.indications,
                    details=s.details,
                    overall=s.overall,
                    policy_id=s.policy_id,
                    entered_by_id=s.entered_by_id,
                )
            )
        Screening.objects.bulk_create(new_screenings, batch_size=BATCH)
        templates = cycle(measures)
        new_measures = []
        for n, patient in enumerate(patients):
            for _ in range(1 + n % 2):
                m = next(templates)
                new_measures.append(
                    MeasureResponse(
                        patient=patient,
                        instrument=m.instrument,
                        version=m.version,
                        answers=m.answers,
                        labels=m.labels,
                        value=m.value,
                        raw=m.raw,
                        band=m.band,
                        answered=m.answered,
                        entered_by_id=m.entered_by_id,
                        online=m.online,
                    )
                )
        MeasureResponse.objects.bulk_create(new_measures, batch_size=BATCH)
        slots: dict[int, int] = {}
        appointments = []
        for n, patient in enumerate(patients):
            clinic, therapist = clinic_of[n], therapist_of[n]
            slot = slots.get(therapist, 0)
            slots[therapist] = slot + 1
            start = hour(slot)
            type = types[clinic.pk]
            regions, precautions = plans.get(screenings[n % len(screenings)].pk, ([], []))
            appointments.append(
                Appointment(
                    clinic=clinic,
                    type=type,
                    therapist_id=therapist,
                    room=room_of[therapist, clinic.pk],
                    patient=patient,
                    starts_at=start,
                    ends_at=start + dt.timedelta(minutes=type.duration_minutes),
                    blocked_until=start
                    + dt.timedelta(minutes=type.duration_minutes + type.buffer_minutes),
                    status="completed",
                    planned_regions=regions,
                    precautions=precautions,
                    screening=new_screenings[n],
                    booked_by_id=booker.booked_by_id,
                )
            )
        Appointment.objects.bulk_create(appointments, batch_size=BATCH)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return {
        "patients": Patient.objects.count(),
        "added": adding,
        "demo_s": demo_s,
        "scale_s": time.perf_counter() - started,
    }


# --- Patient search ---------------------------------------------------------------------------


def search_cost(requests: int) -> dict[str, Any]:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from needlecare.clinics.models import Clinic
    from needlecare.interop.services import fhir_token_create
    from needlecare.patients.models import Patient

    clinic = Clinic.objects.order_by("pk").first()
    assert clinic is not None
    _, raw = fhir_token_create(clinic=clinic, name="benchmark", by=None)
    client = Client(HTTP_AUTHORIZATION=f"Bearer {raw}")
    seen = Patient.objects.filter(preferred_clinic=clinic).count()
    deep = min(DEEP_OFFSET, max(0, seen - PAGE))
    urls = {
        "search": f"/fhir/R4/Patient?_count={PAGE}",
        "deep": f"/fhir/R4/Patient?_count={PAGE}&_offset={deep}",
    }

    def get(url: str) -> float:
        start = time.perf_counter()
        response = client.get(url)
        spent = (time.perf_counter() - start) * 1000
        if response.status_code != 200:
            raise SystemExit(f"{url} answered {response.status_code}: {response.content[:300]!r}")
        entries = json.loads(response.content).get("entry", [])
        if len(entries) != PAGE:
            raise SystemExit(f"{url} gave {len(entries)} entries, not {PAGE}")
        return spent

    for _ in range(WARMUPS):
        for url in urls.values():
            get(url)
    with CaptureQueriesContext(connection) as queries:  # after the token's first use
        get(urls["search"])
    statements = len(queries)
    spent: dict[str, list[float]] = {name: [] for name in urls}
    for n in range(requests):
        turns = list(urls.items())
        for name, url in turns if n % 2 == 0 else reversed(turns):
            spent[name].append(get(url))
    result: dict[str, Any] = {
        "clinic_patients": seen,
        "deep_offset": deep,
        "search_statements": statements,
    }
    for name, times in spent.items():
        result[f"{name}_median_ms"] = statistics.median(times)
        result[f"{name}_p90_ms"] = statistics.quantiles(times, n=10)[-1]
    return result


# --- bulk export ------------------------------------------------------------------------------


def export_cost(runs: int) -> dict[str, Any]:
    from django.db import connection
    from django.utils import timezone

    from needlecare.clinics.models import Clinic
    from needlecare.interop.fhir.bulk import CHUNK, EXPORTABLE, export_to_folder
    from needlecare.interop.fhir.kinds import KINDS, Context
    from needlecare.interop.fhir.readers import Reader

    reader = Reader(
        actor=None, clinic_ids=frozenset(Clinic.objects.values_list("pk", flat=True)), clinical=True
    )
    ctx = Context(file_url=lambda kind, id: f"Binary/{kind}-{id}", now=timezone.now())
    dumps = json.JSONEncoder(separators=(",", ":"), ensure_ascii=False).encode
    whole: list[float] = []
    whole_cpu: list[float] = []
    counts: dict[str, int] = {}
    parts: dict[str, dict[str, list[float]]] = {t: {} for t in KINDS}
    statements: dict[str, int] = {}
    executed = [0]

    def counted(execute: Callable[..., Any], *args: Any) -> Any:
        executed[0] += 1
        return execute(*args)

    for run in range(runs):
        statements.clear()
        with tempfile.TemporaryDirectory(prefix="needlecare-fhir-export.") as tmp:
            start, cpu = time.perf_counter(), time.process_time()
            written = export_to_folder(Path(tmp), reader, ctx, list(EXPORTABLE))
            whole.append(time.perf_counter() - start)
            whole_cpu.append(time.process_time() - cpu)
        counts = {item["type"]: item["count"] for item in written}
        print(
            f"  export run {run + 1}: {sum(counts.values()):,} resources in {whole[-1]:.2f} s "
            f"({whole_cpu[-1]:.2f} s of this process's CPU time)",
            flush=True,
        )
        for type, kind in KINDS.items():
            with tempfile.TemporaryDirectory(prefix="needlecare-fhir-export.") as tmp:
                start = time.perf_counter()
                export_to_folder(Path(tmp), reader, ctx, [type])
                spent = {"export_s": time.perf_counter() - start}
            # Row by row, as the export streams them: each step timed on its own (the clock
            # costs well under a microsecond a row). Holding a chunk of rows, then a chunk of
            # resources, would keep thousands of objects alive, and the collector's passes
            # over them would be charged to the phases, though the export never pays them.
            read = mapping = encoding = 0.0
            mapped = 0
            clock = time.perf_counter
            with connection.execute_wrapper(counted):
                for source in kind.sources:
                    found = reader.scope(source, source.queryset()).iterator(chunk_size=CHUNK)
                    resource_of = source.resource
                    while True:
                        t0 = clock()
                        row = next(found, None)
                        t1 = clock()
                        if row is None:
                            read += t1 - t0
                            break
                        before = executed[0]
                        resource = resource_of(row, ctx)
                        t2 = clock()
                        after = executed[0]
                        dumps(resource).encode()
                        t3 = clock()
                        read += t1 - t0
                        mapping += t2 - t1
                        encoding += t3 - t2
                        mapped += 1
                        statements[type] = statements.get(type, 0) + after - before
            statements.setdefault(type, 0)
            spent |= {"read_s": read, "map_s": mapping, "json_s": encoding}
            if mapped != counts[type]:
                raise SystemExit(f"{type}: {mapped} mapped, {counts[type]} exported")
            for key, value in spent.items():
                parts[type].setdefault(key, []).append(value)
    total = sum(counts.values())
    export_s = statistics.median(whole)
    return {
        "exported": total,
        "export_s": export_s,
        "export_runs_s": whole,
        "per_s": total / export_s,
        "export_cpu_s": statistics.median(whole_cpu),
        "counts": counts,
        "map_statements": sum(statements.values()),
        "parts": {
            type: {key: statistics.median(values) for key, values in spent.items()}
            | {"resources": counts[type], "map_statements": statements[type]}
            for type, spent in parts.items()
        },
    }


if __name__ == "__main__":
    main()
