"""A practice group at scale on PostgreSQL: 100 clinics, 1,000 therapists, 10 million appointments.

    .venv/bin/python benchmarks/scale.py [--appointments N] [--clinics 100] [--therapists 10]
                                         [--clients 32] [--patients 200000] [--keep-indexes]

Builds the practice (`scale_data.py`, with COPY) on a fresh database of a throwaway
`scripts/pg-cluster` cluster with fsync on (or DATABASE_URL's server), then prints, never asserts:

- `slots_for()`, four weeks at one clinic (another each round): median, p99 (goal: <= 50 ms);
- `EXPLAIN (ANALYZE, BUFFERS)` of the availability, day schedule and patient appointments
  queries, also written to scale_explain.txt in the temp folder;
- `needlecare serve --workers 2` on the same database: `--clients` threads book distinct free
  starts for screened patients through POST /api/scheduling/appointments as the front desk (an
  Idempotency-Key each) for up to BOOK_SECONDS: bookings/s (goal: >= 200), p50/p99, answers by
  status, CPU a booking in the workers and in PostgreSQL; then one query over the whole table
  counts overlapping active appointments per therapist, room and patient (goal: 0);
- day schedule, patient appointments page, FHIR Patient?name=: PAGE_REQUESTS signed-in GETs
  each from PAGE_CLIENTS threads, p50/p99 (pages: p99 < 50 ms); each worker's peak RSS.
"""

import argparse
import datetime as dt
import functools
import json
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

# This folder's http.py would hide the standard library's `http` (as in http.py): load that
# first, with this folder off the path, then put the folder back for harness and scale_data.
_HERE = sys.path.pop(0)
import http.client  # noqa: E402
import http.cookies  # noqa: E402, F401 - Django's, loaded while the standard library is first
import urllib.request  # noqa: E402

sys.path.insert(0, _HERE)
from harness import machine_lines, run_postgresql  # noqa: E402

ROUNDS, WARMUPS = 50, 3
BOOK_SECONDS = 25.0
PAGE_REQUESTS, PAGE_CLIENTS = 400, 8
BOOKERS = 60  # screened patients without appointments, per clinic
EXPLAIN_FILE = Path(tempfile.gettempdir()) / "scale_explain.txt"
TABLE = "scheduling_appointment"
ACTIVE_SQL = "status IN ('requested', 'confirmed', 'checked_in', 'completed')"
DAY = dt.timedelta(days=1)
log = functools.partial(print, flush=True)


def load() -> str:
    return "load average " + " ".join(f"{n:.1f}" for n in os.getloadavg())


def pct(times: list[float], q: int) -> float:
    return statistics.quantiles(times, n=100, method="inclusive")[q - 1] if len(times) > 1 else 0


def next_monday() -> dt.date:
    return dt.date.today() + (7 - dt.date.today().weekday()) * DAY


def availability(built) -> dict:
    from needlecare.scheduling.selectors import slots_for

    monday = next_monday()
    pairs = list(zip(built.clinics, built.types, strict=True))
    times, slots = [], 0
    for n in range(WARMUPS + ROUNDS):
        clinic, kind = pairs[(n * 7) % len(pairs)]
        start = time.perf_counter()
        found = slots_for(clinic=clinic, type=kind, first_day=monday, last_day=monday + 27 * DAY)
        if n >= WARMUPS:
            times.append((time.perf_counter() - start) * 1000)
            slots += len(found)
    median, p99 = statistics.median(times), pct(times, 99)
    return {"avail_median": median, "avail_p99": p99, "avail_slots": slots // ROUNDS}


def explain(built) -> str:
    from django.db import connection

    from needlecare.patients.models import Patient
    from needlecare.scheduling.inputs import _statement, local_bounds
    from needlecare.scheduling.models import Appointment

    clinic, monday = built.clinics[len(built.clinics) // 2], next_monday()
    window = {"first_day": monday, "last_day": monday + 27 * DAY, "therapist_ids": None}
    start, end = local_bounds(clinic, monday, monday)  # a working day, a full schedule
    day = Appointment.objects.filter(clinic=clinic, starts_at__gte=start, starts_at__lt=end)
    day = day.select_related("patient", "therapist__user", "room", "type")
    mine = Appointment.objects.filter(patient=Patient.objects.get(email=built.patient_emails[0]))
    mine = mine.select_related("clinic", "therapist__user", "room", "type")
    queries = [
        ("availability (inputs._statement), 4 weeks",
         _statement(clinic=clinic, **window, patient=None, ignore_appointment=None)),
        ("day schedule (appointments_for_day)",
         day.order_by("starts_at", "therapist_id").query.sql_with_params()),
        ("patient appointments (appointments_of)",
         mine.order_by("starts_at").query.sql_with_params()),
    ]  # fmt: skip
    text = []
    for name, (sql, params) in queries:
        with connection.cursor() as cursor:
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql, params)  # warm, then the one kept
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql, params)
            text.append(f"-- {name}\n" + "\n".join(r[0] for r in cursor.fetchall()))
    return "\n\n".join(text)


def booking_plan(built) -> list[dict]:
    """Fresh patients, screened, each given a free start on the 30-minute grid in the next three
    weeks, one per clinic and start, so no two can collide; in a random order."""
    from django.db import connection

    from needlecare.accounts.models import User
    from needlecare.patients.models import Patient
    from needlecare.scheduling.selectors import slots_for
    from needlecare.screening.models import Screening
    from needlecare.screening.policy import parse_intake
    from needlecare.screening.services import screening_record

    desk = User.objects.get(email=built.desk_email)
    born, phone = dt.date(1980, 1, 1), "781-555-0100"
    fresh = Patient.objects.bulk_create(
        Patient(first_name=f"Booker{n}", last_name=f"Clinic{c.pk}", date_of_birth=born,
                phone=phone, preferred_clinic=c)
        for c in built.clinics
        for n in range(BOOKERS)
    )  # fmt: skip
    intake = parse_intake({"planned_regions": ["neck"], "conditions": []})
    firsts = [screening_record(patient=p, intake=intake, by=desk).pk for p in fresh[::BOOKERS]]
    # The others answer alike: one statement, the model's own table and column names, values bound.
    table = Screening._meta.db_table
    cols = [
        f.column for f in Screening._meta.concrete_fields if f.column not in ("id", "patient_id")
    ]
    names, copied = ", ".join(cols), ", ".join("s." + c for c in cols)
    clone = f"INSERT INTO {table} ({names}, patient_id) SELECT {copied}, p.id FROM {table} s "  # noqa: S608
    clone += "JOIN patients_patient p ON p.preferred_clinic_id = s.clinic_id "
    clone += "WHERE s.id = ANY(%s) AND p.id = ANY(%s) AND p.id <> s.patient_id"
    with connection.cursor() as cursor:
        cursor.execute(clone, [firsts, [p.pk for p in fresh]])
        cursor.execute(f"ANALYZE {table}")
    today, plan = dt.date.today(), []
    for c, (clinic, kind) in enumerate(zip(built.clinics, built.types, strict=True)):
        patients, taken = iter(fresh[c * BOOKERS : (c + 1) * BOOKERS]), set()
        for slot in slots_for(clinic=clinic, type=kind, first_day=today + DAY,
                              last_day=today + 21 * DAY):  # fmt: skip
            if slot.start in taken or slot.start.minute % 30:  # on the grid: none can collide
                continue
            patient = next(patients, None)
            if patient is None:
                break
            taken.add(slot.start)
            plan.append({"clinic": clinic.slug, "type": kind.code, "planned_regions": ["neck"],
                         "therapist_id": slot.therapist_id, "starts_at": slot.start.isoformat(),
                         "patient_id": patient.pk})  # fmt: skip
    random.Random(7).shuffle(plan)
    return plan


def overlaps() -> dict:
    """Consecutive active appointments of one therapist, room or patient that overlap: zero
    when, and only when, no two overlap at all. One statement over the whole table."""
    from django.db import connection

    def pairs(who: str, until: str) -> str:  # fixed column names only: nothing to bind
        held = f"lag({until}) OVER (PARTITION BY {who} ORDER BY starts_at, id) AS before"
        rows = f"SELECT starts_at, {held} FROM {TABLE} WHERE {ACTIVE_SQL}"  # noqa: S608
        return f"(SELECT count(*) FROM ({rows}) x WHERE before > starts_at)"  # noqa: S608

    start = time.perf_counter()
    counts = [pairs("therapist_id", "blocked_until"), pairs("room_id", "blocked_until")]
    counts += [pairs("patient_id", "ends_at"), f"(SELECT count(*) FROM {TABLE})"]  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute("SELECT " + ", ".join(counts))
        therapist, room, patient, rows = cursor.fetchone()
    found = {"therapist": therapist, "room": room, "patient": patient}
    return {"overlaps": found, "rows_after": rows, "overlap_s": time.perf_counter() - start}


def start_server(port: int, data_dir: str) -> subprocess.Popen:
    command = [str(Path(sys.executable).parent / "needlecare"), "serve", f"127.0.0.1:{port}"]
    out = open(Path(data_dir) / "serve.log", "w")  # noqa: SIM115 - it lives with the server
    env = {**os.environ, "NEEDLECARE_DEBUG": "0"}
    server = subprocess.Popen([*command, "--workers", "2"], env=env, cwd=data_dir, stdout=out)
    for _ in range(200):  # about a minute
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as answer:  # noqa: S310
                if answer.status == 200:
                    return server
        except OSError:
            time.sleep(0.3)
    server.terminate()
    raise SystemExit(f"the server did not start:\n{(Path(data_dir) / 'serve.log').read_text()}")


def processes(server: subprocess.Popen, database: str) -> dict:
    """The gunicorn workers (the serve process's children): peak RSS (VmHWM, kB) each and CPU
    seconds by pid; and the CPU seconds of the database's backends (named in their titles)."""
    found: dict = {"hwm_kb": [], "app_cpu": {}, "db_cpu": {}}
    for proc in Path("/proc").iterdir():
        try:
            stat = (proc / "stat").read_text().rsplit(")", 1)[1].split()
            cpu = (int(stat[11]) + int(stat[12])) / os.sysconf("SC_CLK_TCK")
            if int(stat[1]) == server.pid:
                peak = (proc / "status").read_text().split("VmHWM:")[1].split()[0]
                found["hwm_kb"].append(int(peak))
                found["app_cpu"][proc.name] = cpu
            elif database in (proc / "cmdline").read_text():
                found["db_cpu"][proc.name] = cpu
        except (OSError, IndexError, ValueError):
            continue
    return found


def hammer(port: int, work: list[list[tuple]], *, seconds: float = 1e9) -> dict:
    """Each list of (method, path, body, headers) sent in turn on a keep-alive connection of its
    own, all lists at once, until done or `seconds` pass: p50/p99 ms, answers by status, the
    first refusal of each status, requests per second."""
    times: list[float] = []
    statuses, samples = {}, {}  # status: count, status: the first refusal's body
    lock, barrier = threading.Lock(), threading.Barrier(len(work))

    def client(requests: list[tuple]) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        barrier.wait()
        stop = time.monotonic() + seconds
        for method, path, body, headers in requests:
            if time.monotonic() > stop:
                break
            begin = time.perf_counter()
            conn.request(method, path, body, headers)
            answer = conn.getresponse()
            text = answer.read()
            with lock:
                times.append((time.perf_counter() - begin) * 1000)
                status = str(answer.status)
                statuses[status] = statuses.get(status, 0) + 1
                if answer.status >= 300:
                    samples.setdefault(status, text.decode()[:300])
        conn.close()

    begin = time.perf_counter()
    with ThreadPoolExecutor(len(work)) as pool:
        list(pool.map(client, work))
    wall = time.perf_counter() - begin
    return {"p50": pct(times, 50), "p99": pct(times, 99), "n": len(times), "s": wall,
            "per_s": len(times) / wall, "statuses": dict(sorted(statuses.items())),
            "refused": samples}  # fmt: skip


def over_http(built, plans: list[dict], clients: int, result: dict) -> None:
    from django.db import connection
    from scale_data import LAST_NAMES

    from needlecare.common.testing.server import sign_in
    from needlecare.interop.services import fhir_token_create

    with socket.create_server(("127.0.0.1", 0)) as sock:
        port = sock.getsockname()[1]
    server = start_server(port, os.environ["NEEDLECARE_DATA_DIR"])
    database = connection.settings_dict["NAME"]
    try:
        jars = [sign_in("127.0.0.1", port, e) for e in [built.desk_email, *built.patient_emails]]
        desk, *patients = [
            {"Cookie": "; ".join(map("=".join, jar.items())), "X-CSRFToken": jar["csrftoken"]}
            for jar in jars
        ]
        hammer(port, [[("GET", "/api/clinics/", None, desk)] * 4] * PAGE_CLIENTS)  # warm-up
        post = {**desk, "Content-Type": "application/json"}
        rnd = random.Random(3)
        days = [dt.date.today() + rnd.randrange(-60, 30) * DAY for _ in range(PAGE_REQUESTS)]
        days = [d - DAY if d.weekday() == 6 else d for d in days]  # open days only
        slugs = [rnd.choice(built.clinics).slug for _ in days]
        pages = [f"/staff/clinics/{c}/schedule/?day={d}" for c, d in zip(slugs, days, strict=True)]
        _, token = fhir_token_create(clinic=built.clinics[0], name="scale benchmark", by=None)
        fhir = {"Authorization": f"Bearer {token}"}
        names = [rnd.choice(LAST_NAMES)[:4] for _ in range(PAGE_REQUESTS)]
        for key, requests in (
            ("booking", [("POST", "/api/scheduling/appointments", json.dumps(body),
                          {**post, "Idempotency-Key": str(uuid.uuid4())}) for body in plans]),
            ("day_page", [("GET", p, None, desk) for p in pages]),
            ("patient_page", [("GET", "/me/appointments/", None, patients[n % len(patients)])
                              for n in range(PAGE_REQUESTS)]),
            ("fhir", [("GET", f"/fhir/R4/Patient?name={n}", None, fhir) for n in names]),
        ):  # fmt: skip
            threads = clients if key == "booking" else PAGE_CLIENTS
            before = processes(server, database)
            work = [requests[n::threads] for n in range(threads)]
            result[key] = hammer(port, work, seconds=BOOK_SECONDS if key == "booking" else 1e9)
            after = processes(server, database)
            for cpu in ("app_cpu", "db_cpu"):  # CPU ms a request, in the workers and PostgreSQL
                spent = sum(v - before[cpu].get(pid, 0) for pid, v in after[cpu].items())
                result[key][cpu] = spent * 1000 / max(result[key]["n"], 1)  # (not the exited)
            log(f"  {key}: {result[key]}  ({load()})")
        result["workers_hwm_kb"] = processes(server, database)["hwm_kb"]
    finally:
        server.terminate()
        server.wait(timeout=30)


def child(args: argparse.Namespace, out: Path) -> None:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from scale_data import build

    call_command("migrate", verbosity=0)
    connection.ensure_connection()
    number = connection.connection.info.server_version  # 150018 for 15.18
    version = f"PostgreSQL {number // 10000}.{number % 10000}"
    log(f"== {version}; building {args.appointments:,} appointments ({load()})")
    began = time.perf_counter()
    sizes = {"clinics_n": args.clinics, "therapists_n": args.therapists, "patients": args.patients}
    built = build(appointments=args.appointments, **sizes, keep=args.keep_indexes, log=log)
    result: dict = {"version": version, "appointments": built.appointments, "build": built.seconds}
    result["build_s"] = time.perf_counter() - began
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_size_pretty(pg_total_relation_size('scheduling_appointment'))")
        result["table_size"] = cursor.fetchone()[0]
    log(f"built in {result['build_s']:.0f} s, appointments table {result['table_size']} ({load()})")
    result.update(availability(built))
    log(f"slots_for: median {result['avail_median']:.1f} ms, p99 {result['avail_p99']:.1f} ms")
    EXPLAIN_FILE.write_text(explain(built) + "\n")
    log(EXPLAIN_FILE.read_text())
    over_http(built, booking_plan(built), args.clients, result)
    result.update(overlaps())
    result["load"] = load()
    out.write_text(json.dumps(result))


def report(r: dict, clients: int) -> None:
    booking, found = r["booking"], r["overlaps"]
    booked = booking["statuses"].get("201", 0)
    hwm = ", ".join(f"{kb / 1024:.0f} MB" for kb in r["workers_hwm_kb"])

    def timing(k: str) -> str:
        cpu = f"CPU {r[k].get('app_cpu', 0):.1f} + {r[k].get('db_cpu', 0):.1f} ms"
        return f"{r[k]['p50']:.0f} / {r[k]['p99']:.0f} ms ({r[k]['n']}, {r[k]['statuses']}, {cpu})"

    rows = [
        ("appointments (table and indexes)", f"{r['appointments']:,} ({r['table_size']})", ""),
        ("build, total", f"{r['build_s']:.0f} s", "minutes, not hours"),
        *((f"  {name}", f"{s:.1f} s", "") for name, s in r["build"].items()),
        ("slots_for 4 weeks, median", f"{r['avail_median']:.1f} ms", ""),
        ("slots_for 4 weeks, p99", f"{r['avail_p99']:.1f} ms", "<= 50 ms"),
        ("bookings over HTTP", f"{booked / booking['s']:.0f}/s ({booked} in {booking['s']:.1f} s)",
         ">= 200/s"),
        ("  booking p50 / p99", f"{booking['p50']:.0f} / {booking['p99']:.0f} ms", ""),
        ("  answers by status", json.dumps(booking["statuses"]), ""),
        ("  CPU a booking: workers + PostgreSQL",
         f"{booking.get('app_cpu', 0):.1f} + {booking.get('db_cpu', 0):.1f} ms", ""),
        ("overlapping pairs", f"{sum(found.values())} {found} ({r['overlap_s']:.0f} s)", "0"),
        *((label, timing(k), goal)
          for label, k, goal in (("day schedule p50 / p99", "day_page", "p99 < 50 ms"),
                                 ("patient appointments p50 / p99", "patient_page", "p99 < 50 ms"),
                                 ("FHIR Patient?name= p50 / p99", "fhir", ""))),
        ("peak RSS per worker (VmHWM)", hwm, "reported"),
    ]  # fmt: skip
    log(f"\n{r['version']}, {clients} booking clients; {r['load']} at the end")
    width = max(len(label) for label, _, _ in rows)
    for label, value, goal in rows:
        log(f"{label:<{width}}  {value}  {goal}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--appointments", type=int, default=10_000_000, metavar="N")
    parser.add_argument("--clinics", type=int, default=100)
    parser.add_argument("--therapists", type=int, default=10, help="per clinic")
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--patients", type=int, default=200_000)
    parser.add_argument("--keep-indexes", action="store_true", help="COPY into the indexed table")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--out", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args, Path(args.out))
        return
    log("\n".join([*machine_lines(), load()]))
    report(run_postgresql(__file__, sys.argv[1:]), args.clients)


if __name__ == "__main__":
    main()
