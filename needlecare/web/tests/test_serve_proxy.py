"""`needlecare serve` behind a TLS proxy: proxy headers only from NEEDLECARE_TRUSTED_PROXIES.

Real server processes. The trusted proxy is 127.0.0.1; a client connecting from 127.0.0.2 (the
same loopback, another address) is anyone else.
"""

import http.client
import json
import secrets
import urllib.parse
from collections.abc import Iterator
from urllib.parse import urlsplit

import pytest

from needlecare.common.testing.server import ServerEnvironment, running_server
from needlecare.web.proxy import client_address, trusted_proxies

pytestmark = pytest.mark.server

PROXY = "127.0.0.1"
STRANGER = "127.0.0.2"
HTTPS = {"X-Forwarded-Proto": "https"}


def _port(base_url: str) -> int:
    port = urlsplit(base_url).port
    assert port
    return port


@pytest.fixture(scope="module")
def production_port(server_environment: ServerEnvironment) -> Iterator[int]:
    """Production settings (SSL redirect and HSTS on) behind a proxy at 127.0.0.1."""
    env = {
        "NEEDLECARE_ENV": "production",
        "NEEDLECARE_SECRET_KEY": secrets.token_urlsafe(50),
        "NEEDLECARE_ALLOWED_HOSTS": "127.0.0.1",
        "NEEDLECARE_TRUSTED_PROXIES": PROXY,
    }
    with running_server(
        server_environment, env, log_name="proxy-production.log", health_headers=HTTPS
    ) as base_url:
        yield _port(base_url)


@pytest.fixture(scope="module")
def development_port(server_environment: ServerEnvironment) -> Iterator[int]:
    env = {"NEEDLECARE_TRUSTED_PROXIES": PROXY}
    with running_server(server_environment, env, log_name="proxy-development.log") as base_url:
        yield _port(base_url)


def _get(port: int, path: str, source: str, headers: dict[str, str]) -> http.client.HTTPResponse:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30, source_address=(source, 0))
    conn.request("GET", path, headers=headers)
    response = conn.getresponse()
    response.read()
    conn.close()
    return response


def test_https_from_the_trusted_proxy_is_served_with_hsts(production_port: int) -> None:
    response = _get(production_port, "/healthz", PROXY, HTTPS)
    assert response.status == 200
    assert "max-age=31536000" in (response.headers["Strict-Transport-Security"] or "")


def test_plain_http_through_the_proxy_is_redirected_once_to_https(production_port: int) -> None:
    first = _get(production_port, "/api/clinics/", PROXY, {})
    assert first.status == 301
    location = first.headers["Location"]
    assert location == f"https://127.0.0.1:{production_port}/api/clinics/"
    # The browser comes back over TLS; the proxy forwards it with X-Forwarded-Proto: no loop.
    again = _get(production_port, urlsplit(location).path, PROXY, HTTPS)
    assert again.status == 200


def test_a_health_check_over_plain_http_is_answered_not_redirected(production_port: int) -> None:
    response = _get(production_port, "/healthz", PROXY, {})
    assert response.status == 200


def test_a_client_cannot_claim_https_itself(production_port: int) -> None:
    response = _get(production_port, "/api/clinics/", STRANGER, HTTPS)
    assert response.status == 301
    assert response.headers["Location"].startswith("https://")
    assert response.headers["Strict-Transport-Security"] is None


def _fail_sign_in(port: int, source: str, email: str, forwarded_for: str) -> None:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30, source_address=(source, 0))
    conn.request("GET", "/accounts/login/")
    page = conn.getresponse()
    page.read()
    cookie = page.headers["Set-Cookie"] or ""
    token = cookie.split("csrftoken=", 1)[1].split(";", 1)[0]
    body = urllib.parse.urlencode(
        {"username": email, "password": "not the password", "csrfmiddlewaretoken": token}
    )
    conn.request(
        "POST",
        "/accounts/login/",
        body,
        {
            "Content-Type": "application/x-www-form-urlencoded",
            "Cookie": f"csrftoken={token}",
            "X-Forwarded-For": forwarded_for,
        },
    )
    answer = conn.getresponse()
    answer.read()
    conn.close()
    assert answer.status == 200, answer.status  # the form again, with its error


def _recorded_addresses(server_environment: ServerEnvironment, email: str) -> set[str]:
    """The addresses django-axes recorded for failed sign-ins to `email`."""
    out = server_environment.run_ok(
        "shell",
        "-c",
        "import json\n"
        "from axes.models import AccessAttempt, AccessFailureLog\n"
        f"email = {email!r}\n"
        "found = set(AccessAttempt.objects.filter(username=email).values_list('ip_address', "
        "flat=True))\n"
        "found |= set(AccessFailureLog.objects.filter(username=email).values_list("
        "'ip_address', flat=True))\n"
        "print(json.dumps(sorted(found)))\n",
    )
    return set(json.loads(out.strip().splitlines()[-1]))


def test_the_trusted_proxy_names_the_client_address(
    server_environment: ServerEnvironment, development_port: int
) -> None:
    email = f"proxied-{secrets.token_hex(4)}@example.com"
    # The client put 198.51.100.23 in the header itself; the proxy appended what it saw.
    _fail_sign_in(development_port, PROXY, email, "198.51.100.23, 203.0.113.7")
    assert _recorded_addresses(server_environment, email) == {"203.0.113.7"}


def test_a_client_cannot_claim_another_address(
    server_environment: ServerEnvironment, development_port: int
) -> None:
    email = f"direct-{secrets.token_hex(4)}@example.com"
    _fail_sign_in(development_port, STRANGER, email, "203.0.113.9")
    assert _recorded_addresses(server_environment, email) == {STRANGER}


@pytest.mark.parametrize(
    ("peer", "header", "expected"),
    [
        ("127.0.0.1", "", "127.0.0.1"),
        ("127.0.0.1", "203.0.113.7", "203.0.113.7"),
        ("127.0.0.1", "203.0.113.7, 10.0.0.5", "203.0.113.7"),  # 10.0.0.5: a trusted hop
        ("127.0.0.1", "spoofed, 203.0.113.7", "203.0.113.7"),
        ("127.0.0.1", "203.0.113.7, not-an-address", "127.0.0.1"),
        ("127.0.0.1", "[2001:db8::1]:443", "2001:db8::1"),
        ("192.0.2.50", "203.0.113.7", "192.0.2.50"),
    ],
)
def test_the_client_is_the_nearest_address_no_trusted_proxy_vouches_for(
    peer: str, header: str, expected: str
) -> None:
    assert client_address(peer, header, trusted_proxies("127.0.0.1, 10.0.0.0/8")) == expected


def test_a_bad_trusted_proxy_setting_stops_the_server_with_one_line(
    server_environment: ServerEnvironment,
) -> None:
    env = {**server_environment.env, "NEEDLECARE_TRUSTED_PROXIES": "127.0.0.1, proxy.local"}
    bad = ServerEnvironment(server_environment.command, env, server_environment.data_dir)
    result = bad.run("serve", "127.0.0.1:8000", timeout=60)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "NEEDLECARE_TRUSTED_PROXIES" in lines[0], result.stderr
    assert "'proxy.local'" in lines[0]
