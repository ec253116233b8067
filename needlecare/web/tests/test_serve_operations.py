"""`needlecare serve` in operation: request ids, the access log, several workers, a graceful
restart (SIGHUP) and a graceful stop (SIGTERM). Real server processes.

The trusted proxy is 127.0.0.1; a client connecting from 127.0.0.2 (the same loopback, another
address) is anyone else.
"""

import http.client
import os
import re
import secrets
import signal
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from needlecare.common.testing.server import RunningServer, ServerEnvironment, started_server
from needlecare.web.management.commands.serve import (
    GRACEFUL_TIMEOUT,
    access_log,
    default_workers,
)

pytestmark = pytest.mark.server

PROXY = "127.0.0.1"
STRANGER = "127.0.0.2"
GENERATED = re.compile(r"[0-9a-f]{32}")


def _get(
    port: int, path: str, source: str = STRANGER, headers: dict[str, str] | None = None
) -> http.client.HTTPResponse:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30, source_address=(source, 0))
    try:
        conn.request("GET", path, headers=headers or {})
        response = conn.getresponse()
        response.read()
        return response
    finally:
        conn.close()


def _workers(server: RunningServer) -> set[int]:
    """The pids of the processes whose parent is the server's main process."""
    children = set()
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rpartition(")")[2].split()
        except OSError:  # the process ended meanwhile
            continue
        if int(fields[1]) == server.process.pid and fields[0] != "Z":
            children.add(int(stat.parent.name))
    return children


def _wait_for(condition: Callable[[], object], timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"{what} within {timeout:.0f} s")
        time.sleep(0.1)


@pytest.fixture(scope="module")
def behind_proxy(server_environment: ServerEnvironment) -> Iterator[RunningServer]:
    env = {"NEEDLECARE_TRUSTED_PROXIES": PROXY}
    with started_server(server_environment, env, log_name="operations.log") as server:
        yield server


def test_every_response_carries_a_request_id_of_its_own(behind_proxy: RunningServer) -> None:
    first = _get(behind_proxy.port, "/healthz")
    second = _get(behind_proxy.port, "/healthz")
    ids = [first.headers["X-Request-ID"], second.headers["X-Request-ID"]]
    assert all(GENERATED.fullmatch(i) for i in ids) and ids[0] != ids[1]


def test_a_clients_request_id_is_believed_only_from_the_trusted_proxy(
    behind_proxy: RunningServer,
) -> None:
    claimed = {"X-Request-ID": "made-up.by_a-client"}
    from_stranger = _get(behind_proxy.port, "/healthz", STRANGER, claimed)
    assert GENERATED.fullmatch(from_stranger.headers["X-Request-ID"])
    from_proxy = _get(behind_proxy.port, "/healthz", PROXY, {"X-Request-ID": "proxy-7.a_b"})
    assert from_proxy.headers["X-Request-ID"] == "proxy-7.a_b"
    # Even the proxy's is replaced when it is not a sane token.
    for odd in ("a b", "x" * 65, "id<script>"):
        answer = _get(behind_proxy.port, "/healthz", PROXY, {"X-Request-ID": odd})
        assert GENERATED.fullmatch(answer.headers["X-Request-ID"]), odd


def test_the_access_log_and_the_applications_log_name_the_request(
    behind_proxy: RunningServer,
) -> None:
    missing = f"/no-such-page-{secrets.token_hex(4)}/"
    response = _get(behind_proxy.port, missing)
    assert response.status == 404
    request_id = response.headers["X-Request-ID"]

    def access_line() -> str:
        lines = behind_proxy.log_path.read_text().splitlines()
        return next((line for line in lines if f'"GET {missing} HTTP/1.1" 404' in line), "")

    _wait_for(access_line, 10, "no access log line for the request")
    line = access_line()
    assert request_id in line and STRANGER in line
    assert re.search(r" 404 \d+ \d+ms$", line), line
    # Django's own warning about the missing page carries the same id.
    assert f"WARNING django.request [{request_id}] Not Found: {missing}" in (
        behind_proxy.log_path.read_text()
    )


def test_workers_2_starts_two_worker_processes(server_environment: ServerEnvironment) -> None:
    with started_server(server_environment, log_name="two-workers.log", workers=2) as server:
        _wait_for(lambda: len(_workers(server)) == 2, 20, "two workers did not start")
        time.sleep(1)  # and no third one follows
        assert len(_workers(server)) == 2
        assert "2 processes x 8 threads" in server.log_path.read_text()


def test_sighup_replaces_the_workers_without_dropping_a_request(
    server_environment: ServerEnvironment,
) -> None:
    with started_server(server_environment, log_name="sighup.log", workers=2) as server:
        _wait_for(lambda: len(_workers(server)) == 2, 20, "two workers did not start")
        before = _workers(server)
        outcomes: list[int | str] = []
        stop = threading.Event()

        def keep_asking() -> None:
            while not stop.is_set():
                try:
                    outcomes.append(_get(server.port, "/healthz").status)
                except (OSError, http.client.HTTPException) as error:
                    outcomes.append(repr(error))

        client = threading.Thread(target=keep_asking)
        client.start()
        try:
            _wait_for(lambda: len(outcomes) >= 20, 20, "the client got no answers")
            server.process.send_signal(signal.SIGHUP)
            _wait_for(
                lambda: len(_workers(server)) == 2 and not _workers(server) & before,
                GRACEFUL_TIMEOUT,
                "the old workers were not replaced",
            )
            sent = len(outcomes)
            _wait_for(lambda: len(outcomes) >= sent + 20, 20, "the new workers did not answer")
        finally:
            stop.set()
            client.join(timeout=60)
        assert server.process.poll() is None
        assert outcomes and all(outcome == 200 for outcome in outcomes), [
            o for o in outcomes if o != 200
        ][:5]


def test_sigterm_stops_gracefully_with_status_0(server_environment: ServerEnvironment) -> None:
    with started_server(server_environment, log_name="sigterm.log", workers=2) as server:
        _wait_for(lambda: len(_workers(server)) == 2, 20, "two workers did not start")
        assert _get(server.port, "/healthz").status == 200
        began = time.monotonic()
        server.process.send_signal(signal.SIGTERM)
        assert server.process.wait(timeout=GRACEFUL_TIMEOUT) == 0
        assert time.monotonic() - began < GRACEFUL_TIMEOUT
        with pytest.raises(OSError):
            _get(server.port, "/healthz")


def test_the_access_log_goes_to_a_file_or_nowhere(
    server_environment: ServerEnvironment, tmp_path: Path
) -> None:
    access = tmp_path / "access.log"
    env = {"NEEDLECARE_ACCESS_LOG": str(access)}
    with started_server(server_environment, env, log_name="access-file.log") as server:
        request_id = _get(server.port, "/healthz?to-a-file").headers["X-Request-ID"]
        _wait_for(lambda: request_id in access.read_text(), 10, "no line in the access log file")
        assert "/healthz?to-a-file" not in server.log_path.read_text()
    with started_server(
        server_environment, {"NEEDLECARE_ACCESS_LOG": "off"}, log_name="access-off.log"
    ) as server:
        assert _get(server.port, "/healthz?nowhere").status == 200
        time.sleep(1)
        assert "/healthz?nowhere" not in server.log_path.read_text()


def test_the_defaults_one_worker_per_usable_core_and_the_access_log_on_standard_output() -> None:
    assert default_workers() == len(os.sched_getaffinity(0))
    assert access_log("") == access_log("-") == "-"
    assert access_log("OFF") is None
    assert access_log("/var/log/needlecare/access.log") == "/var/log/needlecare/access.log"
