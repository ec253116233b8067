"""Messages through the database and a real SMTP server: one sender's rate, and what the outbox
adds to a booking.

    .venv/bin/python benchmarks/messages.py [--database sqlite|postgresql|both]
                                            [--messages N] [--pairs P]

This script starts an aiosmtpd server on a free local port (it counts what arrives, by
recipient, and the calendar files) and runs each database in a subprocess of its own with
NEEDLECARE_EMAIL_URL pointing at it (a temporary SQLite file with the settings' pragmas,
`synchronous=FULL` included; a fresh PostgreSQL database on a throwaway `scripts/pg-cluster`
cluster with fsync on, unless DATABASE_URL is set). The child migrates, builds a small practice
(`messages_practice.py`: two clinics, screened patients, a free start for each) and measures:

- messages sent per second by one sender: N appointments are booked without messages, then
  their confirmations (`appointment.booked`, as `notices_booked` queues them) are queued with
  `message_queue()` in one transaction (messages queued per second), one is sent as a warm-up,
  and `messages_send_due()` is timed until the rest are sent: each claimed, rendered (text,
  HTML and the .ics), sent over SMTP and marked sent. The server must have received exactly N,
  one per patient, each with its calendar file. Goal: at least 200 a second.
- the outbox's cost per booking: `appointment_book()` (which queues the confirmation and the
  reminder in the booking's transaction) against the same booking without them,
  `with transaction.atomic(): _checks.book(...)` with identical arguments; P pairs, each at
  free starts of its own, taking turns (which of the two goes first alternates), after a few
  warm-up pairs; also the median of the pairs' differences. Goal: the median appointment_book
  at most 10% above the median bare booking.
"""

import argparse
import datetime as dt
import json
import logging
import os
import platform
import socket
import statistics
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

import harness
from availability import cpu_model, load
from messages_practice import Booking, build

ROOT = Path(__file__).resolve().parent.parent
PG_CLUSTER = ROOT / "scripts" / "pg-cluster"

MESSAGES = 2_000
PAIRS = 200
WARMUP_PAIRS = 5

GOAL_SENT_PER_S = 200.0
GOAL_OVERHEAD = 1.10


# --- parent: the SMTP server, databases, summary ----------------------------------------------


class Mailbox:
    """An aiosmtpd handler that counts what arrives, cheaply, so the sender is what is timed."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.recipients: Counter[str] = Counter()
        self.calendars = 0

    def clear(self) -> None:
        with self.lock:
            self.recipients.clear()
            self.calendars = 0

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        with self.lock:
            self.recipients.update(envelope.rcpt_tos)
            self.calendars += b"Content-Type: text/calendar" in envelope.content
        return "250 OK"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _argv(args: argparse.Namespace) -> list[str]:
    return ["--messages", str(args.messages), "--pairs", str(args.pairs)]


def run_sqlite(smtp_url: str, args: argparse.Namespace) -> dict:
    return harness.run_sqlite(__file__, _argv(args), env={"NEEDLECARE_EMAIL_URL": smtp_url})


def run_postgresql(smtp_url: str, args: argparse.Namespace) -> dict:
    return harness.run_postgresql(__file__, _argv(args), env={"NEEDLECARE_EMAIL_URL": smtp_url})


def check_mailbox(mailbox: Mailbox, result: dict) -> None:
    """The server got every confirmation exactly once, each with its calendar file."""
    with mailbox.lock:
        received = sum(mailbox.recipients.values())
        once = sum(1 for n in mailbox.recipients.values() if n == 1)
        calendars = mailbox.calendars
    result.update(received=received, calendars=calendars)
    expected = result["messages"]
    if not received == once == calendars == expected:
        raise SystemExit(
            f"{result['database']}: the SMTP server received {received} messages for "
            f"{len(mailbox.recipients)} addresses ({once} once), {calendars} with a calendar "
            f"file; expected {expected}"
        )


def summary(results: dict[str, dict]) -> None:
    names = list(results)
    rows: list[tuple[str, Callable[[dict], str], str]] = [
        ("messages queued/s (one transaction)", lambda r: f"{r['queued_per_s']:,.0f}", ""),
        ("messages sent/s, one sender", lambda r: f"{r['sent_per_s']:.0f}", ">= 200"),
        ("  statements per message sent", lambda r: str(r["send_statements"]), ""),
        ("  received by the SMTP server", lambda r: f"{r['received']:,}", "= N"),
        ("appointment_book, median", lambda r: f"{r['with_median_ms']:.2f} ms", ""),
        ("bare booking, median", lambda r: f"{r['bare_median_ms']:.2f} ms", ""),
        ("ratio, with messages / without", lambda r: f"{r['ratio']:.2f}x", "<= 1.10x"),
        ("  added, median of pair differences", lambda r: f"{r['added_ms']:.2f} ms", ""),
        ("appointment_book, p90", lambda r: f"{r['with_p90_ms']:.2f} ms", ""),
        ("bare booking, p90", lambda r: f"{r['bare_p90_ms']:.2f} ms", ""),
        ("  statements, with / bare", lambda r: r["statements"], ""),
    ]
    width = max(len(label) for label, _, _ in rows)
    print()
    print(f"{'':<{width}}  " + "  ".join(f"{n:>12}" for n in names) + "  goal")
    for label, show, goal in rows:
        cells = "  ".join(f"{show(results[n]):>12}" for n in names)
        print(f"{label:<{width}}  {cells}  {goal}")
    for name, r in results.items():
        sent = "PASS" if r["sent_per_s"] >= GOAL_SENT_PER_S else "MISS"
        cost = "PASS" if r["ratio"] <= GOAL_OVERHEAD else "MISS"
        print(f"{name} ({r['version']}):")
        print(f"  {sent}  {r['sent_per_s']:.0f} messages sent/s (goal >= {GOAL_SENT_PER_S:.0f})")
        print(f"  {cost}  appointment_book {r['ratio']:.2f}x the bare booking (goal <= 1.10x)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--database", choices=["sqlite", "postgresql", "both"], default="both", help="default both"
    )
    parser.add_argument("--messages", type=int, default=MESSAGES, metavar="N")
    parser.add_argument("--pairs", type=int, default=PAIRS, metavar="P")
    parser.add_argument("--child", choices=["sqlite", "postgresql"], help=argparse.SUPPRESS)
    parser.add_argument("--out", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.messages < 2 or args.pairs < 1:
        parser.error("--messages must be at least 2 and --pairs at least 1")
    if args.child:
        child(args.child, args.messages, args.pairs, Path(args.out))
        return

    import aiosmtpd
    import django
    from aiosmtpd.controller import Controller

    print(f"{dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC")
    print(f"{platform.machine()}, {os.cpu_count()} cores, {cpu_model()}")
    print(f"Python {platform.python_version()}, Django {django.get_version()}, ", end="")
    print(f"aiosmtpd {aiosmtpd.__version__}")
    print(load())
    logging.getLogger("mail.log").setLevel(logging.WARNING)  # aiosmtpd narrates every command
    mailbox = Mailbox()
    port = free_port()
    controller = Controller(mailbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        wanted = ["sqlite", "postgresql"] if args.database == "both" else [args.database]
        runners = {"sqlite": run_sqlite, "postgresql": run_postgresql}
        results = {}
        for name in wanted:
            mailbox.clear()
            results[name] = runners[name](f"smtp://127.0.0.1:{port}", args)
            check_mailbox(mailbox, results[name])
    finally:
        controller.stop()
    summary(results)


# --- child: one database ---------------------------------------------------------------------


def child(database: str, messages: int, pairs: int, out: Path) -> None:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT split_part(version(), ' ', 2), current_setting('fsync')")
            version = "PostgreSQL {}, fsync {}".format(*cursor.fetchone())
        else:
            cursor.execute("SELECT sqlite_version()")
            version = f"SQLite {cursor.fetchone()[0]}"
    print(f"\n== {database}: {version} (migrated in {time.perf_counter() - started:.1f} s)")
    sys.stdout.flush()

    started = time.perf_counter()
    paired = 2 * (pairs + WARMUP_PAIRS)
    practice = build(messages + paired)
    # The pairs' starts spread evenly over the window; the messages' bookings take the rest.
    total = len(practice.bookings)
    picked = {round(k * total / paired) for k in range(paired)}
    for_pairs = [b for n, b in enumerate(practice.bookings) if n in picked]
    for_messages = [b for n, b in enumerate(practice.bookings) if n not in picked]
    print(
        f"built {total:,} screened patients with a free start each, "
        f"{practice.first_day} to {practice.last_day}, in {time.perf_counter() - started:.1f} s"
    )
    sys.stdout.flush()

    result = {"database": database, "version": version}
    result.update(sending(practice.desk, for_messages))
    print(f"queued {result['queued_per_s']:,.0f}/s ({result['messages']:,} in one transaction)")
    print(f"sent {result['sent_per_s']:,.0f}/s ({result['timed']:,} after one warm-up; ", end="")
    print(f"{result['send_statements']} statements a message over 100 more)")
    sys.stdout.flush()

    result.update(booking_cost(practice.desk, for_pairs))
    for name in ("with", "bare"):
        print(f"{name}: median {result[f'{name}_median_ms']:.2f} ms, ", end="")
        print(f"p90 {result[f'{name}_p90_ms']:.2f} ms")
    print(f"ratio {result['ratio']:.3f}, adds {result['added_ms']:.2f} ms a pair ", end="")
    print(f"({result['pairs']} pairs, ", end="")
    print(f"{result['statements']} statements)")
    print(load())
    out.write_text(json.dumps(result))


def arguments(booking: Booking, desk: Any) -> dict[str, Any]:
    """The same keyword arguments for both bookings."""
    from needlecare.scheduling.models import Status

    return {
        "patient": booking.patient,
        "clinic": booking.clinic,
        "type": booking.type,
        "therapist": booking.therapist,
        "starts_at": booking.starts_at,
        "booked_by": desk,
        "planned_regions": ["neck"],
        "status": Status.CONFIRMED,
    }


def bare_book(booking: Booking, desk: Any) -> Any:
    """appointment_book without its messages: the same checks, write and audit row."""
    from django.db import transaction

    from needlecare.scheduling.services import _checks

    with transaction.atomic():
        return _checks.book(**arguments(booking, desk))


def full_book(booking: Booking, desk: Any) -> Any:
    from needlecare.scheduling.services import appointment_book

    return appointment_book(**arguments(booking, desk))


def sending(desk: Any, bookings: list[Booking]) -> dict:
    from django.db import connection, transaction
    from django.test.utils import CaptureQueriesContext

    from needlecare.outbox.models import Message
    from needlecare.outbox.services import message_queue, messages_send_due
    from needlecare.patients.selectors import patient_recipients
    from needlecare.scheduling.services import notices

    appointments = [bare_book(b, desk) for b in bookings]
    start = time.perf_counter()
    with transaction.atomic():
        for appointment in appointments:  # what notices_booked queues first
            message_queue(
                kind=notices.BOOKED,
                about=appointment,
                to=patient_recipients(appointment.patient),
                key=str(appointment.pk),
                clinic_id=appointment.clinic_id,
                context={"starts_at": appointment.starts_at.isoformat()},
            )
    queue_s = time.perf_counter() - start
    if Message.objects.count() != len(appointments):
        raise SystemExit(f"{Message.objects.count()} messages queued, not {len(appointments)}")

    warm = messages_send_due(limit=1)
    counted = 100  # the last ones are sent with their statements counted, after the timing
    timed = len(appointments) - 1 - counted
    start = time.perf_counter()
    outcomes = messages_send_due(limit=timed)
    send_s = time.perf_counter() - start
    with CaptureQueriesContext(connection) as queries:
        rest = messages_send_due()
    states = dict(Counter(Message.objects.values_list("state", flat=True)))
    if (
        warm != {"sent": 1}
        or outcomes != {"sent": timed}
        or rest != {"sent": counted}
        or states != {"sent": len(appointments)}
    ):
        raise SystemExit(f"not all sent: {warm}, {outcomes}, {rest}; states {states}")
    per_message = round(len(queries) / counted, 2)
    result = {"messages": len(appointments), "timed": timed, "send_statements": per_message}
    return {**result, "queued_per_s": len(appointments) / queue_s, "sent_per_s": timed / send_s}


def booking_cost(desk: Any, bookings: list[Booking]) -> dict:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from needlecare.outbox.models import Message

    pairs = [(bookings[n], bookings[n + 1]) for n in range(0, len(bookings), 2)]
    warmups, timed = pairs[:WARMUP_PAIRS], pairs[WARMUP_PAIRS:]
    queued_before = Message.objects.count()
    with CaptureQueriesContext(connection) as with_queries:
        full_book(warmups[0][0], desk)
    with CaptureQueriesContext(connection) as bare_queries:
        bare_book(warmups[0][1], desk)
    for with_messages, bare in warmups[1:]:
        full_book(with_messages, desk)
        bare_book(bare, desk)

    spent: dict[str, list[float]] = {"with": [], "bare": []}
    for n, (with_messages, bare) in enumerate(timed):
        turns = [("with", full_book, with_messages), ("bare", bare_book, bare)]
        for name, book, booking in turns if n % 2 == 0 else reversed(turns):
            start = time.perf_counter()
            book(booking, desk)
            spent[name].append((time.perf_counter() - start) * 1000)

    queued = Message.objects.count() - queued_before
    if queued != 2 * len(pairs):  # a confirmation and a reminder per appointment_book
        raise SystemExit(f"{queued} messages queued by {len(pairs)} appointment_book calls")
    result: dict[str, Any] = {
        "pairs": len(timed),
        "statements": f"{len(with_queries)}/{len(bare_queries)}",
    }
    for name, times in spent.items():
        result[f"{name}_median_ms"] = statistics.median(times)
        result[f"{name}_p90_ms"] = statistics.quantiles(times, n=10)[-1]
    result["added_ms"] = statistics.median(w - b for w, b in zip(*spent.values(), strict=True))
    return {**result, "ratio": result["with_median_ms"] / result["bare_median_ms"]}


if __name__ == "__main__":
    main()
