"""A real needlecare server process for tests: its own data directory and database.

`server_environment` migrates a fresh SQLite directory (or, when DATABASE_URL is set, a fresh
PostgreSQL database of its own); `live_server_url` runs `needlecare serve` (gunicorn) on it with the
demo practice loaded. Session-scoped: browser and concurrency tests share one server.
Test servers run one worker process (`--workers 1`, and NEEDLECARE_WORKERS=1 for tests that
start `serve` themselves) unless a test asks for more. `two_servers`: two servers on one
database.
"""

import contextlib
import http.client
import json
import os
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import psycopg
import pytest

from needlecare.common.testing.two_factor import code_from_secret, fresh_demo_code
from needlecare.demo.data import DEMO_PASSWORD

STARTUP_TIMEOUT = 30.0
# A stopping server finishes its requests (graceful_timeout, 30 s): wait a little longer.
STOP_TIMEOUT = 40.0


def _needlecare_command() -> list[str]:
    script = Path(sys.executable).parent / "needlecare"
    if not script.exists():
        pytest.fail(f"{script} is missing: install the project into this environment first")
    return [str(script)]


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass(frozen=True)
class ServerEnvironment:
    """How to run `needlecare` against the server's own data directory and database."""

    command: list[str]
    env: dict[str, str]
    data_dir: Path

    def run(self, *args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [*self.command, *args],
            env=self.env,
            cwd=self.data_dir,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )

    def run_ok(self, *args: str) -> str:
        result = self.run(*args)
        if result.returncode != 0:
            pytest.fail(
                f"`needlecare {' '.join(args)}` exited {result.returncode}\n"
                f"{result.stdout}\n{result.stderr}"
            )
        return result.stdout


def _with_database(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=f"/{name}"))


def _admin_connection(url: str) -> psycopg.Connection[Any]:
    try:
        return psycopg.connect(url, autocommit=True)
    except psycopg.OperationalError:
        return psycopg.connect(url, dbname="postgres", autocommit=True)


@pytest.fixture(scope="session")
def server_environment() -> Iterator[ServerEnvironment]:
    """A fresh data directory and, on PostgreSQL, a fresh database of its own, migrated."""
    data_dir = Path(tempfile.mkdtemp(prefix="needlecare-srv-"))
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    env["NEEDLECARE_DATA_DIR"] = str(data_dir)
    # Serve as in production: no debug pages; WhiteNoise serves the static files.
    env["NEEDLECARE_DEBUG"] = "0"
    # One process per test server (not one per core), unless a test asks for more.
    env["NEEDLECARE_WORKERS"] = "1"
    env.pop("NEEDLECARE_TEST_SQLITE", None)

    database_url = os.environ.get("DATABASE_URL", "").strip()
    db_name = None
    if database_url:
        db_name = f"needlecare_srv_{secrets.token_hex(6)}"
        with _admin_connection(database_url) as conn:
            conn.execute(f'CREATE DATABASE "{db_name}"')
        env["DATABASE_URL"] = _with_database(database_url, db_name)

    server_env = ServerEnvironment(command=_needlecare_command(), env=env, data_dir=data_dir)
    try:
        server_env.run_ok("migrate", "--noinput")
        yield server_env
    finally:
        if db_name:
            with _admin_connection(database_url) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{db_name}" WITH (FORCE)')
        shutil.rmtree(data_dir, ignore_errors=True)


@pytest.fixture(scope="session")
def demo_clinics(server_environment: ServerEnvironment) -> list[dict[str, str]]:
    """Loads the demo data into the server's database; returns its clinics' names and phones."""
    server_environment.run_ok("load_demo")
    out = server_environment.run_ok(
        "shell",
        "-c",
        "import json\n"
        "from needlecare.clinics.models import Clinic\n"
        "print(json.dumps(list(Clinic.objects.order_by('name').values('name', 'phone'))))\n",
    )
    return json.loads(out.strip().splitlines()[-1])


@pytest.fixture(scope="session")
def live_server_url(
    server_environment: ServerEnvironment, demo_clinics: list[dict[str, str]]
) -> Iterator[str]:
    """A real `needlecare serve` process with the demo data; yields its base URL."""
    with running_server(server_environment) as base_url:
        yield base_url


@dataclass(frozen=True)
class RunningServer:
    """A `needlecare serve` process: its address, process (gunicorn's main one) and log."""

    url: str
    port: int
    process: subprocess.Popen[bytes]
    log_path: Path


@contextlib.contextmanager
def started_server(
    server_environment: ServerEnvironment,
    extra_env: dict[str, str] | None = None,
    log_name: str = "server.log",
    health_headers: dict[str, str] | None = None,
    workers: int = 1,
) -> Iterator[RunningServer]:
    """`needlecare serve --workers N` on a free port, `extra_env` over the server's environment;
    its standard output and error (the access log among them) in `log_name`.

    `health_headers` go with the readiness check (a production server behind a proxy
    redirects a plain-HTTP one)."""
    port = _free_port()
    base_url = f"http://127.0.0.1:{port}"
    log_path = server_environment.data_dir / log_name
    with log_path.open("w") as log:
        process = subprocess.Popen(
            [
                *server_environment.command,
                "serve",
                f"127.0.0.1:{port}",
                "--workers",
                str(workers),
            ],
            env={**server_environment.env, **(extra_env or {})},
            cwd=server_environment.data_dir,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    try:
        _wait_until_healthy(base_url, process, log_path, health_headers)
        yield RunningServer(base_url, port, process, log_path)
    finally:
        process.terminate()
        try:
            process.wait(timeout=STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


@contextlib.contextmanager
def running_server(
    server_environment: ServerEnvironment,
    extra_env: dict[str, str] | None = None,
    log_name: str = "server.log",
    health_headers: dict[str, str] | None = None,
    workers: int = 1,
) -> Iterator[str]:
    """`started_server`, yielding only its base URL."""
    with started_server(server_environment, extra_env, log_name, health_headers, workers) as server:
        yield server.url


@pytest.fixture
def two_servers(server_environment: ServerEnvironment) -> Iterator[list[int]]:
    """Two `needlecare serve` processes (one worker each) on one database; their ports."""
    try:
        with contextlib.ExitStack() as stack:
            servers = [
                stack.enter_context(started_server(server_environment, log_name=f"two-{n}.log"))
                for n in (1, 2)
            ]
            yield [server.port for server in servers]
    finally:
        # Leave no spent counts behind for other tests sharing this database.
        server_environment.run_ok(
            "shell", "-c", "from django.core.cache import cache; cache.clear()"
        )


def _wait_until_healthy(
    base_url: str,
    process: subprocess.Popen[bytes],
    log_path: Path,
    headers: dict[str, str] | None = None,
) -> None:
    deadline = time.monotonic() + STARTUP_TIMEOUT
    request = urllib.request.Request(f"{base_url}/healthz", headers=headers or {})  # noqa: S310
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"the server exited with {process.returncode}:\n{log_path.read_text()}")
        try:
            with urllib.request.urlopen(request, timeout=2) as response:  # noqa: S310
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.2)
    pytest.fail(
        f"the server did not answer /healthz within {STARTUP_TIMEOUT:.0f} s:\n"
        f"{log_path.read_text()}"
    )


def _cookies(response: http.client.HTTPResponse) -> dict[str, str]:
    jar = {}
    for header in response.headers.get_all("Set-Cookie") or []:
        name, _, rest = header.partition("=")
        jar[name.strip()] = rest.split(";", 1)[0]
    return jar


def sign_in(host: str, port: int, email: str) -> dict[str, str]:
    """Sign a demo user in through the login page; their cookies (csrftoken, sessionid)."""
    conn = http.client.HTTPConnection(host, port, timeout=30)
    conn.request("GET", "/accounts/login/")
    first = conn.getresponse()
    first.read()
    jar = _cookies(first)
    body = urllib.parse.urlencode(
        {"username": email, "password": DEMO_PASSWORD, "csrfmiddlewaretoken": jar["csrftoken"]}
    )
    conn.request(
        "POST",
        "/accounts/login/",
        body,
        {
            "Content-Type": "application/x-www-form-urlencoded",
            "Cookie": f"csrftoken={jar['csrftoken']}",
        },
    )
    second = conn.getresponse()
    second.read()
    assert second.status == 302, second.status
    jar.update(_cookies(second))
    _second_step(conn, jar, email)
    conn.close()
    return jar


def _second_step(conn: http.client.HTTPConnection, jar: dict[str, str], email: str) -> None:
    """Staff (and patients who turned it on) pass the real second step: demo accounts with a
    demo key's code not sent before (common.testing.two_factor.fresh_demo_code); an account the
    test made, without a device, enrols with the key its enrolment page shows."""
    cookie = "; ".join(f"{k}={v}" for k, v in jar.items())
    conn.request("GET", "/accounts/after-login/", headers={"Cookie": cookie})
    landing = conn.getresponse()
    landing.read()
    where = landing.headers.get("Location", "")
    if not where.startswith("/accounts/two-factor/"):
        return
    code, path = fresh_demo_code(email), "/accounts/two-factor/"
    if where.startswith("/accounts/two-factor/setup/"):
        conn.request("GET", path + "setup/", headers={"Cookie": cookie})
        page = conn.getresponse().read().decode()
        secret = page.split('data-testid="totp-secret">', 1)[1].split("<", 1)[0]
        code, path = code_from_secret(secret), path + "setup/"
    body = urllib.parse.urlencode({"code": code, "csrfmiddlewaretoken": jar["csrftoken"]})
    headers = {"Content-Type": "application/x-www-form-urlencoded", "Cookie": cookie}
    # A fresh code can take up to 30 s to come, longer than the server keeps an idle connection
    # open (5 s): send it on a new one.
    conn.close()
    conn.request("POST", path, body, headers)
    answer = conn.getresponse()
    answer.read()
    passed = answer.status == 302 and "two-factor" not in answer.headers.get("Location", "")
    if passed or (path.endswith("setup/") and answer.status == 200):
        jar.update(_cookies(answer))
        return
    raise AssertionError(f"the second step refused the code ({answer.status})")


def get_signed_in(port: int, path: str, cookies: dict[str, str]) -> tuple[int, bytes]:
    """GET `path` from the server on `port` with a signed-in user's cookies: status and body."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    conn.request("GET", path, headers={"Cookie": "; ".join(f"{k}={v}" for k, v in cookies.items())})
    response = conn.getresponse()
    body = response.read()
    conn.close()
    return response.status, body
