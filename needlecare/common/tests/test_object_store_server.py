"""With NEEDLECARE_STORAGE_URL naming an S3-compatible store (a real moto server on a free port),
every stored file goes to the bucket and comes back through needlecare's own routes: the demo's
letters, a letter the letters service writes, a clearance uploaded through the staff form, and
FHIR bulk export files. Nothing lands in NEEDLECARE_DATA_DIR/media. On the suite's database."""

import http.client
import json
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Iterator
from typing import Any

import pytest

from needlecare.common.testing.object_store import ObjectStore, installation
from needlecare.common.testing.server import ServerEnvironment, sign_in, started_server

pytestmark = pytest.mark.server

THERAPIST = "dana.reyes@demo.needlecare.test"  # at both demo clinics
PDF = b"%PDF-1.4\n% written for the object store test " + uuid.uuid4().hex.encode() + b"\n%%EOF\n"
WRITE_LETTER = """
import json
from needlecare.accounts.models import User
from needlecare.patients.models import Patient
from needlecare.reports.services import letter_create
by = User.objects.get(email="{email}")
patient = Patient.objects.filter(preferred_clinic__slug="stoughton").order_by("pk").first()
letter = letter_create(patient=patient, kind="consent", pdf=bytes.fromhex("{pdf}"),
                       recipient="the object store test", by=by)
print(json.dumps({{"id": letter.pk, "name": letter.pdf.name, "patient": patient.pk}}))
"""
STORED = """
import json
from needlecare.reports.models import Letter
from needlecare.screening.models import PhysicianClearance
from needlecare.screening.policy.vocabulary import CONDITIONS
print(json.dumps({
    "letters": sorted(Letter.objects.values_list("pdf", flat=True)),
    "clearances": [[c.pk, c.letter.name] for c in PhysicianClearance.objects.order_by("pk")
                   if c.letter],
    "condition": CONDITIONS[0].code,
}))
"""


@pytest.fixture(scope="module")
def practice(
    store: ObjectStore, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[ServerEnvironment]:
    """The demo practice, loaded with its files going to the bucket."""
    with installation(tmp_path_factory.mktemp("practice"), store.env) as environment:
        environment.run_ok("load_demo")
        yield environment


@pytest.fixture(scope="module")
def port(practice: ServerEnvironment) -> Iterator[int]:
    with started_server(practice, log_name="object-store-server.log") as server:
        yield server.port


def _last_json(out: str) -> Any:
    return json.loads(out.strip().splitlines()[-1])


def _get(port: int, path: str, cookies: dict[str, str]) -> tuple[int, dict[str, str], bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    conn.request("GET", path, headers={"Cookie": "; ".join(f"{k}={v}" for k, v in cookies.items())})
    response = conn.getresponse()
    body = response.read()
    conn.close()
    return response.status, dict(response.headers), body


def _no_media(practice: ServerEnvironment) -> list[str]:
    media = practice.data_dir / "media"
    return [p.name for p in media.rglob("*") if p.is_file()] if media.exists() else []


def test_the_demos_letters_and_a_new_letter_are_in_the_bucket_and_download_whole(
    store: ObjectStore, practice: ServerEnvironment, port: int
) -> None:
    demo = _last_json(practice.run_ok("shell", "--no-imports", "-c", STORED))
    assert demo["letters"], "the demo writes letters"
    assert set(demo["letters"]) <= set(store.keys("letters/"))

    code = WRITE_LETTER.format(email=THERAPIST, pdf=PDF.hex())
    letter = _last_json(practice.run_ok("shell", "--no-imports", "-c", code))
    assert letter["name"].startswith("letters/")
    assert letter["name"] in store.keys("letters/")
    assert store.read(letter["name"]) == PDF

    cookies = sign_in("127.0.0.1", port, THERAPIST)
    status, headers, body = _get(port, f"/staff/letters/{letter['id']}.pdf", cookies)
    assert status == 200, status
    assert headers["Content-Type"] == "application/pdf"
    assert body == PDF
    # A demo letter written by the demo loader comes back as the bucket holds it, too.
    first = demo["letters"][0]
    find = (
        f"from needlecare.reports.models import Letter\nprint(Letter.objects.get(pdf='{first}').pk)"
    )
    first_id = _last_json(practice.run_ok("shell", "-c", find))
    status, _, body = _get(port, f"/staff/letters/{first_id}.pdf", cookies)
    assert (status, body) == (200, store.read(first))
    assert _no_media(practice) == []


def _multipart(fields: dict[str, str], name: str, filename: str, data: bytes) -> tuple[str, bytes]:
    boundary = uuid.uuid4().hex
    parts = [
        f'--{boundary}\r\nContent-Disposition: form-data; name="{key}"\r\n\r\n{value}\r\n'.encode()
        for key, value in fields.items()
    ]
    parts.append(
        f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="{filename}"'
        "\r\nContent-Type: application/pdf\r\n\r\n".encode()
        + data
        + b"\r\n"
    )
    return f"multipart/form-data; boundary={boundary}", b"".join(
        parts
    ) + f"--{boundary}--\r\n".encode()


def test_an_uploaded_clearance_goes_to_the_bucket_and_downloads_whole(
    store: ObjectStore, practice: ServerEnvironment, port: int
) -> None:
    before = _last_json(practice.run_ok("shell", "--no-imports", "-c", STORED))
    patient = _last_json(
        practice.run_ok(
            "shell",
            "-c",
            "from needlecare.patients.models import Patient\n"
            "print(Patient.objects.filter(preferred_clinic__slug='stoughton')"
            ".order_by('-pk').first().pk)",
        )
    )
    cookies = sign_in("127.0.0.1", port, THERAPIST)
    path = f"/staff/patients/{patient}/clearances/new/"
    assert _get(port, path, cookies)[0] == 200
    letter = b"%PDF-1.4\n% cleared for dry needling " + uuid.uuid4().hex.encode() + b"\n"
    content_type, body = _multipart(
        {
            "csrfmiddlewaretoken": cookies["csrftoken"],
            "condition": before["condition"],
            "physician_name": "Dr. Ada Okafor",
            "cleared_on": "2026-01-05",
            "note": "uploaded in the object store test",
        },
        "letter",
        "clearance-from-dr-okafor.pdf",
        letter,
    )
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    conn.request(
        "POST",
        path,
        body,
        {
            "Content-Type": content_type,
            "Cookie": "; ".join(f"{k}={v}" for k, v in cookies.items()),
        },
    )
    answer = conn.getresponse()
    page = answer.read()
    conn.close()
    assert answer.status == 302, (answer.status, page[:2000])

    after = _last_json(practice.run_ok("shell", "--no-imports", "-c", STORED))
    new = [c for c in after["clearances"] if c not in before["clearances"]]
    assert len(new) == 1
    clearance_id, name = new[0]
    assert name.startswith("clearances/") and name.endswith(".pdf")
    assert name in store.keys("clearances/")
    assert store.read(name) == letter
    status, headers, downloaded = _get(port, f"/staff/clearances/{clearance_id}/letter/", cookies)
    assert status == 200, status
    assert headers["Content-Type"] == "application/pdf"
    assert downloaded == letter
    assert _no_media(practice) == []


def _fhir(url: str, token: str, method: str = "GET", **headers: str) -> tuple[int, Any, bytes]:
    request = urllib.request.Request(  # noqa: S310 - the test's own server
        url, method=method, headers={"Authorization": f"Bearer {token}", **headers}
    )
    try:
        with urllib.request.urlopen(request, timeout=60) as response:  # noqa: S310
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read()


def test_bulk_export_files_are_written_to_the_bucket_and_served_from_it(
    store: ObjectStore, practice: ServerEnvironment, port: int
) -> None:
    token = practice.run_ok(
        "fhir_token", "create", "--clinic", "stoughton", "--name", "object store test"
    )
    token = token.strip().splitlines()[-1]
    base = f"http://127.0.0.1:{port}/fhir/R4"
    status, headers, _ = _fhir(f"{base}/Patient/$export", token, Prefer="respond-async")
    assert status == 202, status
    where = headers["Content-Location"]
    export_id = where.rsplit("/", 1)[-1]
    deadline = time.monotonic() + 120
    while True:
        status, _, body = _fhir(where, token)
        if status == 200:
            break
        assert status == 202 and time.monotonic() < deadline, status
        time.sleep(0.3)
    output = json.loads(body)["output"]
    assert output
    keys = store.keys(f"fhir-exports/{export_id}/")
    assert keys == sorted(f"fhir-exports/{export_id}/{item['type']}.ndjson" for item in output)
    for item in output:
        status, headers, body = _fhir(item["url"], token)
        assert status == 200, (item["type"], status)
        assert headers["Content-Type"] == "application/fhir+ndjson"
        assert body == store.read(f"fhir-exports/{export_id}/{item['type']}.ndjson")
        assert len(body.splitlines()) == item["count"]
    # Deleting the export deletes its files from the bucket.
    assert _fhir(where, token, method="DELETE")[0] == 202
    assert store.keys(f"fhir-exports/{export_id}/") == []
    assert _no_media(practice) == []
