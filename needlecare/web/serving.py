"""What `needlecare serve` does in its main process before the workers start, and in each
worker's database connections.

- warm_up(): imports every view and the API (the URL map), and compiles the templates most
  pages extend, once, in the main process: the workers fork from it and share that memory, so
  no visitor waits for a worker's first request to import half the project.
- request timeouts: with NEEDLECARE_REQUEST_TIMEOUT seconds (default 30; 0 for none), each
  PostgreSQL connection the server opens gets `statement_timeout` (a query running longer is
  cancelled and the request answers 500 instead of holding a worker) and twice that as
  `idle_in_transaction_session_timeout`. Only the server: migrations, backups and commands
  run without a limit. SQLite has no such setting; its writers wait at most 20 s for the lock.
"""

import os
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.db.backends.signals import connection_created
from django.template.loader import get_template
from django.urls import get_resolver

TEMPLATES = ("web/base.html", "web/home.html", "web/check.html", "web/book.html")


def warm_up() -> None:
    resolver = get_resolver()
    resolver.url_patterns  # noqa: B018 - imports every view module and the API
    resolver._populate()  # the reverse() tables every page's links use
    for name in TEMPLATES:
        get_template(name)


def request_timeout() -> int:
    value = os.environ.get("NEEDLECARE_REQUEST_TIMEOUT", "30").strip()
    if not value.isdigit():
        raise ImproperlyConfigured(
            f"NEEDLECARE_REQUEST_TIMEOUT={value!r} is not a number of seconds (0 for none)"
        )
    return int(value)


def limit_queries(seconds: int) -> None:
    """Give every PostgreSQL connection this process opens from now on the statement timeout."""
    if seconds <= 0:
        return

    def _limit(sender: Any, connection: Any, **kwargs: Any) -> None:
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT set_config('statement_timeout', %s, false), "
                    "set_config('idle_in_transaction_session_timeout', %s, false)",
                    [f"{seconds}s", f"{2 * seconds}s"],
                )

    connection_created.connect(_limit, weak=False, dispatch_uid="needlecare.request_timeout")
