from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.core.wsgi import get_wsgi_application
from waitress import serve


class Command(BaseCommand):
    help = "Serve needlecare with waitress, a multi-threaded production WSGI server."

    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("address", nargs="?", default="127.0.0.1:8000", help="host:port")
        parser.add_argument("--threads", type=int, default=8)

    def handle(self, *args: Any, **options: Any) -> None:
        application = get_wsgi_application()
        host, _, port = options["address"].rpartition(":")
        self.stdout.write(f"needlecare serving on http://{host or '127.0.0.1'}:{port}/")
        serve(
            application,
            host=host or "127.0.0.1",
            port=int(port),
            threads=options["threads"],
            # Many clients may connect at once (a clinic opening its booking); queue, don't reset.
            backlog=1024,
            connection_limit=500,
            channel_timeout=120,
            ident="needlecare",
        )
