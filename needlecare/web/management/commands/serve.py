import os
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.core.wsgi import get_wsgi_application
from waitress import serve

DEFAULT_ADDRESS = "127.0.0.1:8000"


def parse_address(address: str) -> tuple[str, int]:
    """'host:port', ':port' or 'port' as (host, port); a clear CommandError otherwise."""
    host, _, port = address.strip().rpartition(":")
    host = host.strip("[]") or "127.0.0.1"
    if not port.isdigit() or not 0 < int(port) < 65536:
        raise CommandError(
            f"{address!r} is not an address to serve on: give host:port, e.g. 127.0.0.1:8000",
            returncode=2,
        )
    return host, int(port)


class Command(BaseCommand):
    help = (
        "Serve needlecare with waitress, a multi-threaded production WSGI server, on the address "
        f"given, else NEEDLECARE_ADDR, else {DEFAULT_ADDRESS}."
    )

    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("address", nargs="?", default=None, help="host:port")
        parser.add_argument("--threads", type=int, default=8)

    def handle(self, *args: Any, **options: Any) -> None:
        address = options["address"] or os.environ.get("NEEDLECARE_ADDR") or DEFAULT_ADDRESS
        host, port = parse_address(address)
        application = get_wsgi_application()
        shown = f"[{host}]" if ":" in host else host
        mode = "DEBUG ON (NEEDLECARE_DEBUG=1)" if settings.DEBUG else "debug off"
        self.stdout.write(f"needlecare serving on http://{shown}:{port}/ ({mode})")
        self.stdout.flush()
        serve(
            application,
            host=host,
            port=port,
            threads=options["threads"],
            # Many clients may connect at once (a clinic opening its booking); queue, don't reset.
            backlog=1024,
            connection_limit=500,
            channel_timeout=120,
            ident="needlecare",
        )
