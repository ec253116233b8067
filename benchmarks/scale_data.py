"""The practice group `scale.py` measures, built on PostgreSQL: the small tables with bulk_create,
patients and appointments with COPY.

Appointments sit on a 30-minute grid of each therapist's working hours (Monday to Friday 7-19,
Saturday 8-13, clinic time) over the past two years and the year ahead; each grid cell is taken
with the probability that gives about N appointments. A type takes 25 minutes plus 5 of buffer,
so cells never overlap; within a cell each busy therapist gets a room and a patient of their own
(patients belong to one clinic), so no exclusion constraint can refuse a row. Statuses: past
visits mostly completed, some cancelled, late cancelled or no-shows; coming ones mostly
confirmed, a few requested or cancelled.

Around the appointments' COPY every secondary index, foreign key and exclusion constraint of the
table is dropped and made again afterwards (btree indexes two at a time, then the constraints),
unless `keep` is asked for: loading into the indexed table is the slower way (see docs).
"""

import contextlib
import datetime as dt
import random
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

SEED = 20261130
ROOMS = 10  # per clinic
SLOT = dt.timedelta(minutes=30)
DURATION, BUFFER = 25, 5
WEEKDAY_HOURS = (7, 19)
SATURDAY_HOURS = (8, 13)
PAST_DAYS, AHEAD_DAYS = 730, 365
LOGINS = 8  # patients with an account, for the patient appointments page
FIRST = "James Mary Robert Patricia John Jennifer Michael Linda David Elizabeth William Barbara "
FIRST += "Richard Susan Joseph Jessica Thomas Sarah Carlos Maria Ana Luis Sofia Mateus Wei Aisha"
LAST = "Smith Johnson Williams Brown Jones Garcia Miller Davis Rodriguez Martinez Hernandez Lopez "
LAST += "Gonzalez Wilson Anderson Thomas Taylor Moore Jackson Martin Lee Perez Thompson White "
LAST += "Harris Sanchez Clark Ramirez Lewis Robinson Walker Young Allen King Wright Scott Torres "
LAST += "Nguyen Hill Flores Green Adams Nelson Baker Hall Rivera Campbell Mitchell Carter Roberts"
FIRST_NAMES, LAST_NAMES = FIRST.split(), LAST.split()


@dataclass
class Built:
    clinics: list[Any]
    types: list[Any]  # the dry needling type of each clinic, in clinic order
    desk_email: str
    patient_emails: list[str]
    appointments: int = 0
    patients: int = 0
    seconds: dict[str, float] = field(default_factory=dict)


def hours_of(weekday: int) -> tuple[int, int] | None:
    return WEEKDAY_HOURS if weekday < 5 else SATURDAY_HOURS if weekday == 5 else None


def copy_text(value: Any) -> str:
    """A constant value as COPY's text format writes it."""
    if value is None:
        return "\\N"
    if isinstance(value, bool):
        return "t" if value else "f"
    return str(value).replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n")


def constant_columns(model: Any, varying: list[str], now: dt.datetime) -> tuple[list[str], str]:
    """Every other concrete column of the model with its default (auto_now_add: now), checked
    against the table so that no NOT NULL column goes unfilled; the names and their text."""
    import json

    from django.db import connection

    names, texts = [], []
    for f in model._meta.concrete_fields:
        if f.primary_key or f.column in varying:
            continue
        if getattr(f, "auto_now_add", False):
            value = now.isoformat()
        elif f.get_internal_type() == "JSONField":
            value = json.dumps(f.get_default())
        else:
            value = f.get_default()  # "" for a string field without one, None for a null one
        names.append(f.column)
        texts.append(copy_text(value))
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT column_name FROM information_schema.columns WHERE table_name = %s "
            "AND is_nullable = 'NO' AND column_default IS NULL AND column_name <> 'id'",
            [model._meta.db_table],
        )
        missing = {r[0] for r in cursor.fetchall()} - set(names) - set(varying)
    if missing:
        raise SystemExit(f"{model._meta.db_table}: NOT NULL columns left unfilled: {missing}")
    return names, "\t".join(texts)


def copy_rows(model: Any, columns: list[str], chunks: Any) -> None:
    """COPY text chunks (tab-separated lines) into the model's table, psycopg 3's copy()."""
    from django.db import connection

    with connection.cursor() as cursor:
        raw = cursor.cursor  # the psycopg cursor under Django's wrapper
        names = ", ".join(columns)
        with raw.copy(f"COPY {model._meta.db_table} ({names}) FROM STDIN") as copy:
            for chunk in chunks:
                copy.write(chunk)


def small_tables(clinics_n: int, therapists_n: int, first: dt.date, last: dt.date) -> tuple:
    """Clinics, opening hours, rooms, staff, credentials, working hours, types (bulk_create)."""
    from django.contrib.auth.hashers import make_password
    from django.db import transaction

    from needlecare.accounts.models import Role, User
    from needlecare.clinics import models as c
    from needlecare.demo.data import DEMO_PASSWORD
    from needlecare.demo.second_factor import demo_second_factors_give
    from needlecare.scheduling.models import AppointmentType, WorkingHours

    week = [(wd, hours_of(wd)) for wd in range(7) if hours_of(wd)]
    kinds = (c.Credential.Kind.DRY_NEEDLING, c.Credential.Kind.PT_LICENSE)
    valid = {
        "valid_from": first - dt.timedelta(days=30),
        "expires_on": last + dt.timedelta(days=30),
    }
    needling = {"duration_minutes": DURATION, "buffer_minutes": BUFFER}
    offered = [("dry-needling", "Dry needling treatment", True)]
    offered.append(("follow-up", "Physical therapy follow-up", False))
    staff = {"role": Role.THERAPIST, "password": make_password(None)}
    with transaction.atomic():
        clinics = c.Clinic.objects.bulk_create(
            c.Clinic(name=f"Clinic {n:03d}", slug=f"clinic-{n:03d}", city="Stoughton", phone=phone)
            for n, phone in ((n, f"781-555-{n:04d}") for n in range(1, clinics_n + 1))
        )
        c.OpeningHours.objects.bulk_create(
            c.OpeningHours(clinic=k, weekday=wd, opens=dt.time(h[0]), closes=dt.time(h[1]))
            for k in clinics
            for wd, h in week
        )
        rooms = c.Room.objects.bulk_create(
            c.Room(clinic=k, name=f"Room {r}") for k in clinics for r in range(1, ROOMS + 1)
        )
        desk = User.objects.create(
            email="desk@scale.needlecare.test", full_name="Front Desk", role=Role.FRONT_DESK
        )
        desk.set_password(DEMO_PASSWORD)
        desk.save()
        demo_second_factors_give([desk])  # the demo key: the test helper passes the second step
        users = User.objects.bulk_create(
            User(email=f"therapist{n}@scale.needlecare.test", full_name=f"Therapist {n}", **staff)
            for n in range(clinics_n * therapists_n)
        )
        home = [clinics[n // therapists_n] for n in range(len(users))]
        c.StaffMembership.objects.bulk_create(
            [c.StaffMembership(clinic=k, user=desk) for k in clinics]
            + [c.StaffMembership(clinic=k, user=u) for k, u in zip(home, users, strict=True)]
        )
        therapists = c.Therapist.objects.bulk_create(c.Therapist(user=u, title="PT") for u in users)
        c.Credential.objects.bulk_create(
            c.Credential(therapist=t, kind=kind, issuer="Board", number=f"{t.pk}", **valid)
            for t in therapists
            for kind in kinds
        )
        WorkingHours.objects.bulk_create(
            WorkingHours(
                therapist=t, clinic=k, weekday=wd, starts=dt.time(h[0]), ends=dt.time(h[1])
            )
            for k, t in zip(home, therapists, strict=True)
            for wd, h in week
        )
        types = AppointmentType.objects.bulk_create(
            AppointmentType(clinic=k, code=code, name=name, needs_certification=dn, **needling)
            for k in clinics
            for code, name, dn in offered
        )
    return clinics, rooms, therapists, types, desk


def patients_copy(clinics: list[Any], per_clinic: int, now: dt.datetime) -> None:
    from needlecare.patients.models import Patient

    varying = ["first_name", "last_name", "date_of_birth", "phone", "preferred_clinic_id"]
    names, const = constant_columns(Patient, varying, now)
    rnd = random.Random(SEED)

    def chunks():
        for c in clinics:
            lines = []
            for n in range(per_clinic):
                born = dt.date(1940, 1, 1) + dt.timedelta(days=rnd.randrange(365 * 65))
                lines.append(
                    f"{rnd.choice(FIRST_NAMES)}\t{rnd.choice(LAST_NAMES)}\t{born}\t"
                    f"781-555-{n % 10000:04d}\t{c.pk}\t{const}\n"
                )
            yield "".join(lines)

    copy_rows(Patient, varying + names, chunks())


def appointments_copy(
    clinics, rooms, therapists, types, desk, appointments: int, today: dt.date, now: dt.datetime
) -> int:
    """The grid's rows, COPY'd clinic by clinic; returns how many."""
    from zoneinfo import ZoneInfo

    from needlecare.patients.models import Patient
    from needlecare.scheduling.models import Appointment

    zone = ZoneInfo(clinics[0].time_zone)
    days = [today + dt.timedelta(days=n) for n in range(-PAST_DAYS, AHEAD_DAYS)]
    # Per day, the grid's cells: (past?, "starts\tends\tblocked\tcreated") in UTC.
    cells: list[list[tuple[bool, str]]] = []
    for day in days:
        hours = hours_of(day.weekday())
        row = []
        if hours:
            start = dt.datetime.combine(day, dt.time(hours[0]), tzinfo=zone).astimezone(dt.UTC)
            for k in range((hours[1] - hours[0]) * 2):
                s = start + k * SLOT
                e, b = s + dt.timedelta(minutes=DURATION), s + SLOT  # the buffer fills the cell
                row.append((s < now, f"{s}\t{e}\t{b}\t{s - dt.timedelta(days=14)}"))
        cells.append(row)
    per_clinic_therapists = len(therapists) // len(clinics)
    grid = sum(len(r) for r in cells) * len(therapists)
    p = appointments / grid
    if p > 1:
        raise SystemExit(f"{appointments:,} appointments do not fit in {grid:,} grid cells")
    varying = ["clinic_id", "type_id", "planned_regions", "therapist_id", "room_id"]
    varying += ["patient_id", "starts_at", "ends_at", "blocked_until", "created_at"]
    varying += ["status", "cancel_reason", "cancelled_by", "booked_by_id"]
    names, const = constant_columns(Appointment, varying, now)
    pools = {}
    for clinic_id, pk in Patient.objects.values_list("preferred_clinic_id", "pk").order_by("pk"):
        pools.setdefault(clinic_id, []).append(pk)
    past = (
        ["completed\t\t"] * 180
        + ["cancelled\tFeeling unwell\tpatient"] * 6
        + ["cancelled\tTherapist off sick\tclinic"] * 4
        + ["late_cancelled\tLate\tpatient"] * 3
        + ["no_show\t\t"] * 7
    )
    coming = (
        ["confirmed\t\t"] * 192 + ["requested\t\t"] * 2 + ["cancelled\tMoved away\tpatient"] * 6
    )
    rnd = random.Random(SEED)
    total = 0

    per = per_clinic_therapists
    places = [  # per clinic: therapists, rooms, (clinic, type, regions) texts, patients
        (
            [t.pk for t in therapists[c * per : (c + 1) * per]],
            [r.pk for r in rooms[c * ROOMS : (c + 1) * ROOMS]],
            [f'{clinic.pk}\t{types[2 * c].pk}\t["neck"]'] * 7
            + [f"{clinic.pk}\t{types[2 * c + 1].pk}\t[]"] * 3,
            pools[clinic.pk],
        )
        for c, clinic in enumerate(clinics)
    ]
    turns = [0] * len(places)

    def chunks():  # day by day, as they were booked: a clinic's rows lie among the others'
        nonlocal total
        random_ = rnd.random
        for row in cells:
            lines = []
            for c, (staff, room_ids, kinds, pool) in enumerate(places):
                turn = turns[c]
                for is_past, times in row:
                    statuses = past if is_past else coming
                    shift = rnd.randrange(ROOMS)
                    k = 0
                    for t in staff:
                        if random_() >= p:
                            continue
                        lines.append(
                            f"{kinds[int(random_() * 10)]}\t{t}\t{room_ids[(k + shift) % ROOMS]}\t"
                            f"{pool[turn % len(pool)]}\t{times}\t{statuses[int(random_() * 200)]}\t"
                            f"{desk.pk}\t{const}\n"
                        )
                        k += 1
                        turn += 1
                turns[c] = turn
            total += len(lines)
            yield "".join(lines)

    copy_rows(Appointment, varying + names, chunks())
    return total


def table_ddl(table: str) -> tuple[list[str], list[str], list[tuple[str, str]]]:
    """What to drop and make again around a COPY: the drop statements, the plain indexes' CREATE
    statements, and each foreign key or exclusion constraint's (name, ADD statement). The
    primary key and the check constraints stay."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            """SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint
                WHERE conrelid = %s::regclass AND contype IN ('f', 'x') ORDER BY conname""",
            [table],
        )
        constraints = cursor.fetchall()
        cursor.execute(
            """SELECT i.relname, pg_get_indexdef(i.oid) FROM pg_index x
                 JOIN pg_class i ON i.oid = x.indexrelid
                WHERE x.indrelid = %s::regclass AND NOT x.indisprimary
                  AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.oid)
                ORDER BY i.relname""",
            [table],
        )
        indexes = cursor.fetchall()
    drops = [f"ALTER TABLE {table} DROP CONSTRAINT {n}" for n, _ in constraints]
    drops += [f"DROP INDEX {n}" for n, _ in indexes]
    adds = [(n, f"ALTER TABLE {table} ADD CONSTRAINT {n} {d}") for n, d in constraints]
    return drops, [d for _, d in indexes], adds


def run_parallel(statements: list[str], workers: int = 2) -> None:
    """CREATE INDEX statements on `workers` connections of their own at once."""
    import psycopg
    from django.db import connection

    dsn = connection.connection.info.dsn
    password = connection.settings_dict.get("PASSWORD") or None

    def run(statement: str) -> None:
        with psycopg.connect(dsn, password=password, autocommit=True) as conn:
            conn.execute("SET maintenance_work_mem = '1GB'")
            conn.execute(statement)

    with ThreadPoolExecutor(workers) as pool:
        list(pool.map(run, statements))


def build(
    *, appointments: int, clinics_n: int, therapists_n: int, patients: int, keep: bool, log: Any
) -> Built:
    from django.db import connection, transaction
    from django.utils import timezone

    from needlecare.accounts.models import Role, User
    from needlecare.common.time import clinic_today
    from needlecare.demo.data import DEMO_PASSWORD
    from needlecare.patients.models import Patient
    from needlecare.scheduling.models import Appointment

    now, today = timezone.now(), clinic_today()
    first, last = today - dt.timedelta(days=PAST_DAYS), today + dt.timedelta(days=AHEAD_DAYS)
    seconds: dict[str, float] = {}

    @contextlib.contextmanager
    def step(name: str) -> Iterator[None]:
        started = time.perf_counter()
        yield
        seconds[name] = time.perf_counter() - started
        log(f"  {name}: {seconds[name]:.1f} s")

    with step("clinics, staff, hours, types (bulk_create)"):
        clinics, rooms, therapists, types, desk = small_tables(clinics_n, therapists_n, first, last)
    with step("patients (COPY)"), transaction.atomic():
        patients_copy(clinics, patients // clinics_n, now)
    emails = [f"patient{n}@scale.needlecare.test" for n in range(LOGINS)]
    for n, email in enumerate(emails):  # patients who sign in: the first of some clinics
        user = User.objects.create_user(email=email, password=DEMO_PASSWORD, role=Role.PATIENT)
        first_one = Patient.objects.filter(preferred_clinic=clinics[n % len(clinics)], user=None)
        Patient.objects.filter(pk=first_one.order_by("pk").values("pk")[:1]).update(
            user=user, email=email
        )

    drops, indexes, adds = table_ddl(Appointment._meta.db_table)
    with connection.cursor() as cursor:
        for statement in [] if keep else drops:
            cursor.execute(statement)
    with step("appointments (COPY)"), transaction.atomic():
        total = appointments_copy(clinics, rooms, therapists, types, desk, appointments, today, now)
    if not keep:
        with step(f"appointments: {len(indexes)} btree indexes (2 at a time)"):
            run_parallel(indexes)
        with connection.cursor() as cursor:
            cursor.execute("SET maintenance_work_mem = '1GB'")
            for name, statement in adds:
                with step(f"appointments: {name}"):
                    cursor.execute(statement)
    with step("ANALYZE"), connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    dry_needling = [t for t in types if t.code == "dry-needling"]
    return Built(clinics, dry_needling, desk.email, emails, total, patients, seconds)
