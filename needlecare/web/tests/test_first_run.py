"""First run: `needlecare serve` is the production server, debug off unless asked for, with the
project's own error pages; a bad address is one line and exit status 2."""

import socket
import subprocess
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.test import Client

from needlecare.common.testing.server import ServerEnvironment, _wait_until_healthy


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _get(url: str) -> tuple[int, str, dict[str, str]]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310
            return response.status, response.read().decode(), dict(response.headers)
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode(), dict(error.headers)


@pytest.fixture(scope="module")
def default_server(server_environment: ServerEnvironment) -> Iterator[tuple[str, Path]]:
    """`needlecare serve` with no address and no NEEDLECARE_DEBUG, as scripts/serve runs it."""
    env = {k: v for k, v in server_environment.env.items() if k != "NEEDLECARE_DEBUG"}
    port = _free_port()
    env["NEEDLECARE_ADDR"] = f"127.0.0.1:{port}"
    log_path = server_environment.data_dir / "first-run.log"
    with log_path.open("w") as log:
        process = subprocess.Popen(
            [*server_environment.command, "serve"],
            env=env,
            cwd=server_environment.data_dir,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    base_url = f"http://127.0.0.1:{port}"
    try:
        _wait_until_healthy(base_url, process, log_path)
        yield base_url, log_path
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_serve_listens_on_needlecare_addr_with_debug_off(
    default_server: tuple[str, Path],
) -> None:
    base_url, log_path = default_server
    assert f"needlecare serving on {base_url}/ (debug off)" in log_path.read_text()
    status, body, headers = _get(f"{base_url}/no/such/page/")
    assert status == 404
    assert "We could not find that page" in body
    # Not Django's debug page listing every address, nor the development server's banner.
    assert "URLconf" not in body and "DEBUG = True" not in body
    assert headers.get("Server") == "needlecare"


def test_static_files_are_served_without_collectstatic(default_server: tuple[str, Path]) -> None:
    base_url, _ = default_server
    status, body, _ = _get(f"{base_url}/static/web/site.css")
    assert status == 200 and body.strip()


def test_api_addresses_that_match_nothing_answer_json(default_server: tuple[str, Path]) -> None:
    base_url, _ = default_server
    status, body, headers = _get(f"{base_url}/api/no-such-route")
    assert status == 404
    assert headers["Content-Type"].startswith("application/json") and "Not Found" in body


@pytest.mark.parametrize("address", ["nonsense", "127.0.0.1:99999", "localhost:http"])
def test_a_bad_address_is_one_line_and_status_2(
    server_environment: ServerEnvironment, address: str
) -> None:
    result = server_environment.run("serve", address, timeout=60)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "host:port" in lines[0], result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.urls("needlecare.web.tests.urls_failing")
def test_an_unexpected_error_shows_our_page_and_saves_nothing_half(db: None) -> None:
    client = Client(raise_request_exception=False)
    page = client.get("/fails/")
    assert page.status_code == 500
    assert "Something went wrong on our side" in page.content.decode()
    api = client.get("/api/fails/")
    assert api.status_code == 500
    assert api.json() == {"detail": "Something went wrong on our side."}
