"""The security headers from a real `needlecare serve` in production mode (NEEDLECARE_ENV=
production, its secret key and allowed hosts), asked over https through the trusted proxy at
127.0.0.1: public pages, a patient's pages, a PDF and a calendar file, the admin site, static
files, the API's JSON, and the 404, 413 and 429 refusals (the 413 comes from the body limit in
front of Django, so it must carry the headers itself)."""

import http.client
import json
import re
import secrets
import subprocess
import urllib.parse
from collections.abc import Iterator
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import pytest

from needlecare.common.testing.server import ServerEnvironment, running_server
from needlecare.demo.data import DEMO_PASSWORD
from needlecare.web.middleware_limits import body_limit
from needlecare.web.tests.security_headers_helpers import WRONG_PASSWORD, header_problems

pytestmark = pytest.mark.server

HTTPS = {"X-Forwarded-Proto": "https"}


@dataclass
class Server:
    port: int
    jar: dict[str, str] = field(default_factory=dict)

    def ask(
        self,
        method: str,
        path: str,
        body: bytes | None = None,
        headers: dict[str, str] | None = None,
    ) -> tuple[http.client.HTTPResponse, bytes]:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        sent = {**HTTPS, **(headers or {})}
        if self.jar:
            sent["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.jar.items())
        conn.request(method, path, body, sent)
        response = conn.getresponse()
        content = response.read()
        conn.close()
        for header in response.headers.get_all("Set-Cookie") or []:
            name, _, rest = header.partition("=")
            self.jar[name.strip()] = rest.split(";", 1)[0]
        return response, content

    def post_form(
        self, path: str, fields: dict[str, str]
    ) -> tuple[http.client.HTTPResponse, bytes]:
        self.ask("GET", path)
        origin = f"https://127.0.0.1:{self.port}"
        body = urllib.parse.urlencode({**fields, "csrfmiddlewaretoken": self.jar["csrftoken"]})
        return self.ask(
            "POST",
            path,
            body.encode(),
            {
                "Content-Type": "application/x-www-form-urlencoded",
                "Origin": origin,
                "Referer": origin + path,
            },
        )


@pytest.fixture(scope="module")
def production(
    server_environment: ServerEnvironment, demo_clinics: list[dict[str, str]]
) -> Iterator[int]:
    env = {
        "NEEDLECARE_ENV": "production",
        "NEEDLECARE_SECRET_KEY": secrets.token_urlsafe(50),
        "NEEDLECARE_ALLOWED_HOSTS": "127.0.0.1",
        "NEEDLECARE_TRUSTED_PROXIES": "127.0.0.1",
    }
    # As a deployment does: production serves hashed static files from the manifest.
    subprocess.run(
        [*server_environment.command, "collectstatic", "--noinput"],
        env={**server_environment.env, **env},
        cwd=server_environment.data_dir,
        check=True,
        capture_output=True,
        timeout=300,
    )
    with running_server(
        server_environment, env, log_name="headers-production.log", health_headers=HTTPS
    ) as base_url:
        port = urlsplit(base_url).port
        assert port
        yield port


def _assert_headers(kind: str, response: http.client.HTTPResponse, status: int, type_: str):
    assert response.status == status, kind
    assert (response.headers.get("Content-Type") or "").startswith(type_), kind
    assert header_problems(response.headers, hsts=True) == [], kind  # type: ignore[arg-type]


def _link(html: bytes, pattern: str) -> str:
    found = re.search(pattern.encode(), html)
    assert found, pattern
    return found.group(0).decode()


def test_anonymous_responses_carry_every_security_header(production: int):
    server = Server(production)
    stylesheet = _link(server.ask("GET", "/")[1], r"/static/[^\"']+\.css")
    asks = [
        ("public page", "GET", "/", 200, "text/html"),
        ("sign-in page", "GET", "/accounts/login/", 200, "text/html"),
        ("admin site page", "GET", "/admin/login/", 200, "text/html"),
        ("API JSON", "GET", "/api/clinics/", 200, "application/json"),
        ("API refusal", "GET", "/api/scheduling/mine", 401, "application/json"),
        ("404 page", "GET", "/no-such-page/", 404, "text/html"),
    ]
    for kind, method, path, status, type_ in asks:
        response, _ = server.ask(method, path)
        _assert_headers(kind, response, status, type_)
    # A stylesheet is no document (CSP and framing do not apply): nosniff, HSTS, referrer.
    response, _ = server.ask("GET", stylesheet)
    assert response.status == 200
    assert response.headers["Content-Type"].startswith("text/css")
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "max-age=31536000" in response.headers["Strict-Transport-Security"]
    assert response.headers["Referrer-Policy"] == "same-origin"


def test_plain_http_is_sent_to_https(production: int):
    conn = http.client.HTTPConnection("127.0.0.1", production, timeout=30)
    conn.request("GET", "/accounts/login/")
    response = conn.getresponse()
    response.read()
    conn.close()
    assert response.status == 301
    assert (response.headers.get("Location") or "").startswith("https://")


def test_a_too_large_body_is_refused_with_the_security_headers(production: int):
    # Declared, not sent: the server answers before reading a byte of it.
    conn = http.client.HTTPConnection("127.0.0.1", production, timeout=30)
    conn.putrequest("POST", "/accounts/login/")
    for name, value in {
        **HTTPS,
        "Content-Type": "application/x-www-form-urlencoded",
        "Content-Length": str(body_limit() + 1),
    }.items():
        conn.putheader(name, value)
    conn.endheaders()
    response = conn.getresponse()
    response.read()
    conn.close()
    assert response.status == 413
    assert header_problems(response.headers, hsts=True) == []  # type: ignore[arg-type]


def test_too_many_sign_ins_are_refused_with_the_security_headers(production: int):
    server = Server(production)
    email = f"nobody-{secrets.token_hex(4)}@example.org"
    statuses = []
    for _ in range(12):
        response, _ = server.post_form(
            "/accounts/login/", {"username": email, "password": WRONG_PASSWORD}
        )
        statuses.append(response.status)
        if response.status == 429:
            break
    assert statuses[-1] == 429, statuses
    assert header_problems(response.headers, hsts=True) == []  # type: ignore[arg-type]


# A demo patient with an online account, a signed consent and an appointment.
A_PATIENTS_RECORDS = (
    "import json\n"
    "from needlecare.charting.models import Consent\n"
    "from needlecare.interop.selectors import FILE_STATUSES\n"
    "from needlecare.scheduling.models import Appointment\n"
    "c = Consent.objects.filter(patient__user__isnull=False,"
    " patient__appointments__status__in=FILE_STATUSES).select_related('patient__user').first()\n"
    "a = Appointment.objects.filter(patient=c.patient, status__in=FILE_STATUSES).first()\n"
    "print(json.dumps([c.patient.user.email, a.pk, c.pk]))\n"
)


def test_a_patients_pages_and_files_carry_every_security_header(
    production: int, server_environment: ServerEnvironment
):
    out = server_environment.run_ok("shell", "-c", A_PATIENTS_RECORDS)
    email, appointment, consent = json.loads(out.strip().splitlines()[-1])
    server = Server(production)
    response, _ = server.post_form(
        "/accounts/login/", {"username": email, "password": DEMO_PASSWORD}
    )
    assert response.status == 302, response.status
    page, _ = server.ask("GET", "/me/appointments/")
    _assert_headers("patient page", page, 200, "text/html")
    calendar, _ = server.ask("GET", f"/appointments/{appointment}/calendar.ics")
    _assert_headers("calendar file", calendar, 200, "text/calendar")
    pdf, _ = server.ask("GET", f"/me/consent/{consent}.pdf")
    _assert_headers("PDF", pdf, 200, "application/pdf")
