"""`needlecare send_messages`: send what is due, then exit (--once) or keep watching."""

import signal
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db import close_old_connections
from django.utils import timezone

from needlecare.outbox.rendering import run_periodic
from needlecare.outbox.services import messages_send_due


class Command(BaseCommand):
    help = (
        "Send the messages that are due (confirmations, reminders, offers, aftercare, alerts)."
        " With --once, send what is due now and exit; without, keep polling."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--once", action="store_true", help="send what is due, then exit")
        parser.add_argument(
            "--every", type=float, default=5.0, help="seconds between polls (default 5)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["every"] <= 0:
            self.stderr.write("--every must be more than 0 seconds")
            raise SystemExit(2)
        stopping = []
        signal.signal(signal.SIGTERM, lambda *_: stopping.append(True))
        while True:
            run_periodic(timezone.now())
            outcomes = messages_send_due()
            if outcomes:
                summary = ", ".join(f"{n} {what}" for what, n in sorted(outcomes.items()))
                self.stdout.write(f"messages: {summary}")
            if options["once"] or stopping:
                return
            close_old_connections()
            time.sleep(options["every"])
            if stopping:
                return
