"""`needlecare serve [host:port] [--workers N] [--threads N]`: the production server.

gunicorn with threaded workers (gthread): N processes (default NEEDLECARE_WORKERS, else one per
core this process may run on) of --threads threads each. Requests are refused before Django sees
them when they are malformed or larger than the body limit, and a chunked body is read here, its
chunk-size lines bounded by gunicorn (8 KB; waitress 3.0.2 spent quadratic CPU on an endless
one), then handed on with its length. Proxy headers are believed only from
NEEDLECARE_TRUSTED_PROXIES (needlecare/web/proxy.py).

Access log: a line per request on standard output (NEEDLECARE_ACCESS_LOG: a file, "-" for
standard output, "off"): time, request id (X-Request-ID, needlecare/web/request_id.py), client,
request line, status, bytes and milliseconds. A request refused here, before Django, shows "-"
for its id.

Signals to the main process (the one `needlecare serve` started): SIGHUP starts new workers and
stops the old ones gracefully (each finishes the requests it has; new connections go to the new
workers) and reopens the access log file; SIGUSR1 only reopens the log files (after rotating
them); SIGTERM stops gracefully: no new connections, the requests in hand finished within
GRACEFUL_TIMEOUT (30) seconds, then exit status 0 (SIGINT and SIGQUIT stop at once). The code
and settings are the ones the main process started with: for new ones, SIGTERM and start again.
"""

import io
import os
from collections.abc import Callable, Iterable
from typing import Any

import gunicorn.http.wsgi
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.core.wsgi import get_wsgi_application
from django.db import connections
from gunicorn.app.base import BaseApplication
from gunicorn.http.errors import NoMoreData, ParseException

from needlecare.clinics.public_listen import listen_for_public_changes
from needlecare.web.proxy import trusted_proxies
from needlecare.web.serving import limit_queries, request_timeout, warm_up

DEFAULT_ADDRESS = "127.0.0.1:8000"
# Django refuses bodies over NEEDLECARE_MAX_REQUEST_BODY with its own message; the server
# refuses anything larger than that plus a margin before reading it.
DEFAULT_BODY_LIMIT = 6 * 1024 * 1024
BODY_MARGIN = 2 * 1024 * 1024
READ_STEP = 64 * 1024
# Seconds a stopping worker has to finish its requests (SIGTERM, SIGHUP) before it is killed.
GRACEFUL_TIMEOUT = 30
# Time, request id, client, request line, status, bytes, milliseconds.
ACCESS_LOG_FORMAT = '%(t)s %({x-request-id}o)s %(h)s "%(r)s" %(s)s %(b)s %(M)sms'

WSGIApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


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


def body_limit() -> int:
    return int(getattr(settings, "NEEDLECARE_MAX_REQUEST_BODY", DEFAULT_BODY_LIMIT)) + BODY_MARGIN


def _refuse(start_response: Callable[..., Any], status: str, message: str) -> list[bytes]:
    body = f"{message}\n".encode()
    start_response(
        status,
        [("Content-Type", "text/plain; charset=utf-8"), ("Content-Length", str(len(body)))],
    )
    return [body]


class BodyLimit:
    """Bodies over `limit` bytes answer 413 before the application reads them.

    A chunked body is read here, up to the limit, and handed on with CONTENT_LENGTH: Django
    reads CONTENT_LENGTH bytes of a body and nothing of one without it. A malformed chunked
    body (an endless or invalid chunk-size line, a body cut short) answers 400.
    """

    def __init__(self, application: WSGIApp, limit: int) -> None:
        self.application = application
        self.limit = limit

    def __call__(
        self, environ: dict[str, Any], start_response: Callable[..., Any]
    ) -> Iterable[bytes]:
        too_large = f"The request body is over the limit of {self.limit // (1024 * 1024)} MB."
        if "chunked" in str(environ.get("HTTP_TRANSFER_ENCODING", "")).lower():
            stream = environ["wsgi.input"]
            body = bytearray()
            try:
                while len(body) <= self.limit:
                    piece = stream.read(READ_STEP)
                    if not piece:
                        break
                    body += piece
            except (ParseException, NoMoreData, OSError):
                return _refuse(start_response, "400 Bad Request", "The chunked body is malformed.")
            if len(body) > self.limit:
                return _refuse(start_response, "413 Content Too Large", too_large)
            environ["wsgi.input"] = io.BytesIO(bytes(body))
            environ["CONTENT_LENGTH"] = str(len(body))
            del environ["HTTP_TRANSFER_ENCODING"]
        else:
            length = str(environ.get("CONTENT_LENGTH") or "0")
            if length.isdigit() and int(length) > self.limit:
                return _refuse(start_response, "413 Content Too Large", too_large)
        return self.application(environ, start_response)


def _post_fork(server: Any, worker: Any) -> None:
    # Each worker opens its own database connections.
    connections.close_all()


class Server(BaseApplication):
    def __init__(self, application: WSGIApp, options: dict[str, Any]) -> None:
        self.application = application
        self.options = options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self) -> WSGIApp:
        return self.application


def default_workers() -> int:
    """One worker per core this process may run on (its CPU affinity), else per core."""
    try:
        return len(os.sched_getaffinity(0)) or 1
    except (AttributeError, OSError):
        return os.cpu_count() or 1


def access_log(value: str | None = None) -> str | None:
    """NEEDLECARE_ACCESS_LOG as gunicorn's accesslog: "-" (standard output, the default), a
    file's path, or None for "off"."""
    raw = os.environ.get("NEEDLECARE_ACCESS_LOG", "-") if value is None else value
    raw = raw.strip() or "-"
    return None if raw.lower() == "off" else raw


def server_options(host: str, port: int, workers: int, threads: int) -> dict[str, Any]:
    bind = f"[{host}]:{port}" if ":" in host else f"{host}:{port}"
    return {
        "bind": [bind],
        "workers": workers,
        "worker_class": "gthread",
        "threads": threads,
        # Many clients may connect at once (a clinic opening its booking); queue, don't reset.
        "backlog": 1024,
        "worker_connections": 500,
        "keepalive": 5,
        # gthread workers answer the arbiter's heartbeat from their main loop, so this kills a
        # worker that is stuck, not a slow request.
        "timeout": 120,
        "graceful_timeout": GRACEFUL_TIMEOUT,
        # Request line, header count and size; the chunk-size line limit is the header size.
        "limit_request_line": 8190,
        "limit_request_fields": 100,
        "limit_request_field_size": 8190,
        # X-Forwarded-Proto sets wsgi.url_scheme only from a trusted proxy; none by default.
        "forwarded_allow_ips": ",".join(str(n) for n in trusted_proxies()),
        "secure_scheme_headers": {"X-FORWARDED-PROTO": "https"},
        "accesslog": access_log(),
        "access_log_format": ACCESS_LOG_FORMAT,
        "errorlog": "-",
        "loglevel": "warning",
        "proc_name": "needlecare",
        "post_fork": _post_fork,
    }


class Command(BaseCommand):
    help = (
        "Serve needlecare with gunicorn (threaded workers), the production WSGI server, on the "
        f"address given, else NEEDLECARE_ADDR, else {DEFAULT_ADDRESS}."
    )

    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("address", nargs="?", default=None, help="host:port")
        parser.add_argument(
            "--workers",
            type=int,
            default=None,
            help="server processes (default NEEDLECARE_WORKERS, else one per core available)",
        )
        parser.add_argument("--threads", type=int, default=8, help="threads per process")

    def handle(self, *args: Any, **options: Any) -> None:
        address = options["address"] or os.environ.get("NEEDLECARE_ADDR") or DEFAULT_ADDRESS
        host, port = parse_address(address)
        workers = options["workers"]
        if workers is None:
            from_env = os.environ.get("NEEDLECARE_WORKERS", "").strip()
            workers = _positive(from_env) if from_env else default_workers()
        threads = options["threads"]
        if workers < 1 or threads < 1:
            raise CommandError("--workers and --threads must be 1 or more", returncode=2)
        try:
            serve_options = server_options(host, port, workers, threads)
            timeout = request_timeout()
        except ImproperlyConfigured as error:
            raise CommandError(str(error), returncode=2) from None
        application = BodyLimit(get_wsgi_application(), body_limit())
        limit_queries(timeout)
        warm_up()
        listen_for_public_changes()
        # Answer as "needlecare", as before, rather than naming the server software.
        gunicorn.http.wsgi.SERVER = "needlecare"
        shown = f"[{host}]" if ":" in host else host
        mode = "DEBUG ON (NEEDLECARE_DEBUG=1)" if settings.DEBUG else "debug off"
        self.stdout.write(
            f"needlecare serving on http://{shown}:{port}/ ({mode}), "
            f"{workers} process{'es' if workers > 1 else ''} x {threads} threads"
        )
        self.stdout.flush()
        Server(application, serve_options).run()


def _positive(value: str) -> int:
    if not value.strip().isdigit():
        raise CommandError(
            f"NEEDLECARE_WORKERS={value!r} is not a number of processes", returncode=2
        )
    return int(value)
