"""The FHIR access matrix (issue 14): every route of the FHIR URL map, for every type the server
serves, with the real ids of patient A's records and of Stoughton's directory rows (the table:
fhir_matrix_table.py), asked by anonymous, patient B, Foxboro's front desk, admin and
therapist, a Foxboro token, a revoked and an expired Stoughton token: refused (401, 404 as
for a missing id, 403 for a role that never reads the type, searches without the record),
never a 5xx, always FHIR JSON, and no patient A in any body. Then the owners with the same
ids (the positive control), and a staff session short of the second step (401).

The page and API matrix (web/tests/test_access_matrix.py) and the route walks in
accounts/tests delegate the `fhir` namespace to this file.
"""

import re
from dataclasses import dataclass, field

import pytest
from django.http import HttpResponse
from django.test import Client
from django.urls import URLPattern, resolve

from needlecare.common.testing.personas import Practice, build_practice
from needlecare.common.testing.two_factor import VerifiedClient, device_for
from needlecare.interop.fhir.bulk import export_run
from needlecare.interop.fhir.kinds import KINDS, SUPPORTED
from needlecare.interop.fhir.tests.fhir_matrix_table import (
    BASE,
    BINARY_KINDS,
    DIRECTORY,
    FIRST,
    KICK_OFFS,
    LAST,
    OUTSIDERS,
    OWNERS,
    TABLE,
    TREATMENT,
    World,
    callers,
    cells,
    content,
    expectation,
    leaks,
    problems,
    record_ids,
    window,
)
from needlecare.interop.fhir.urls import urlpatterns
from needlecare.interop.services import fhir_token_create
from needlecare.patients.models import Patient
from needlecare.web.tests.read_audit_helpers import (  # noqa: F401 - the chart fixture
    Chart,
    chart_fixture,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def practice(db: None) -> Practice:
    """The personas, patient A named as nobody else is (a body with the name leaks)."""
    p = build_practice()
    Patient.objects.filter(pk=p.patient.pk).update(first_name=FIRST, last_name=LAST)
    p.patient.refresh_from_db()
    p.patient.user.full_name = f"{FIRST} {LAST}"
    p.patient.user.save(update_fields=["full_name"])
    return p


def build_world(chart: Chart) -> World:
    """The callers, a real free Slot at Stoughton (from a Slot search) and a finished bulk
    export of the Stoughton token's (run here, as its thread would)."""
    clients = callers(chart)
    token = clients["Stoughton token"]
    found = token.get(f"{BASE}/Slot?{window(chart)}&status=free&_count=1").json()
    assert found["total"] > 0, found
    kick_off = token.get(f"{BASE}/$export?_type=Patient")
    assert kick_off.status_code == 202, kick_off.content
    export_id = kick_off["Content-Location"].rsplit("/", 1)[1]
    export_run(export_id, lambda kind, id: f"http://testserver{BASE}/Binary/{kind}-{id}")
    slot = found["entry"][0]["resource"]["id"]
    return World(chart, record_ids(chart, slot, export_id), clients)


def _binary_kinds() -> set[str]:
    pattern = next(p for p in urlpatterns if p.name == "binary")
    assert isinstance(pattern, URLPattern)
    found = re.search(r"\(\?P<kind>([a-z|]+)\)", pattern.pattern.regex.pattern)
    assert found, pattern.pattern
    return set(found.group(1).split("|"))


def test_every_fhir_route_and_type_is_in_the_table(chart: Chart) -> None:
    assert {p.name for p in urlpatterns} == set(TABLE)
    assert _binary_kinds() == set(BINARY_KINDS)
    assert set(SUPPORTED) >= DIRECTORY | TREATMENT
    assert {t for t, k in KINDS.items() if k.clinical} == TREATMENT
    w = build_world(chart)
    found = cells(w)
    assert {c.type for c in found if c.route == "read"} == set(SUPPORTED)
    assert {c.type for c in found if c.route == "search"} == set(SUPPORTED)
    for cell in found:  # every cell asks the route it stands for
        assert resolve((BASE + cell.path).split("?")[0]).view_name == f"fhir:{cell.route}", cell


def _ask(client: Client, url: str) -> HttpResponse:
    """The answer, its body read once (a PDF or an NDJSON file streams)."""
    response = client.get(url)
    if not response.streaming:
        return response
    kind = response["Content-Type"]
    return HttpResponse(content(response), content_type=kind, status=response.status_code)


@dataclass
class Tally:
    tried: int = 0
    refused: int = 0
    shown: int = 0  # an owner's record answered
    caught: int = 0  # ... that the outsiders' checks would have refused to let through
    wrong: list[str] = field(default_factory=list)


def run(w: World, who: tuple[str, ...]) -> Tally:
    """Every cell for each caller: the counts, and what went wrong. For an owner's record, also
    whether the outsiders' checks would have caught it (they are not blind)."""
    patient_id = w.chart.visit.patient.pk
    t = Tally()
    for caller in who:
        for cell in cells(w):
            expect = expectation(caller, cell)
            response = _ask(w.clients[caller], BASE + cell.path)
            t.tried += 1
            t.refused += expect != "ok"
            found = problems(w, caller, cell, response)
            if caller not in OWNERS or expect != "ok":
                found += leaks(response.content, patient_id)
            elif cell.route not in ("metadata", *KICK_OFFS):
                t.shown += 1
                t.caught += bool(problems(w, "Foxboro token", cell, response))
            t.wrong += [f"{caller} GET {cell.path} ({expect}): {p}" for p in found]
    return t


def test_nobody_but_the_owners_gets_patient_a_or_stoughtons_records(chart: Chart) -> None:
    """8 outsiders × every cell; the numbers are printed (pytest -s)."""
    t = run(build_world(chart), OUTSIDERS)
    print(f"\nFHIR access matrix, outsiders: {t.tried} cells tried, {t.refused} refused")  # noqa: T201
    assert t.wrong == [], "\n".join(t.wrong)
    # Allowed: metadata to all; the practice directory (7 types: a read, 2 searches) to
    # patient B; exports of Foxboro's own (system and Patient) to Foxboro's 4 callers.
    assert t.tried - t.refused == len(OUTSIDERS) + 7 * 3 + 4 * 2


def test_the_owners_get_in_with_the_same_ids(chart: Chart) -> None:
    """The positive control: the ids are real, so a refusal above is the access check's."""
    w = build_world(chart)
    t = run(w, OWNERS)
    print(f"\nFHIR access matrix, owners: {t.tried} cells tried, {t.refused} refused")  # noqa: T201
    assert t.wrong == [], "\n".join(t.wrong)
    assert t.caught == t.shown > 250  # every record shown here would fail an outsider's cell
    desk = sum(expectation("Stoughton front desk", c) != "ok" for c in cells(w))
    # The desk: 4 treatment types (6 reads, 3 searches each) and the letter PDF. Everyone:
    # the unknown route; all but the token: its export's status and file.
    assert desk == 6 + 4 * 3 + 1 + 2 + 1
    assert t.refused == desk + 2 * 3 + 1 + (3 + 3)  # admin, therapist; token; patient A


def test_a_staff_session_without_the_second_step_is_refused_on_every_fhir_route(
    chart: Chart,
) -> None:
    p = chart.visit.practice
    w = build_world(chart)
    device_for(p.admin)
    browser = VerifiedClient()
    browser.force_login_password_only(p.admin)
    for cell in cells(w):
        answer = browser.get(BASE + cell.path)
        if cell.path == "/metadata":  # public, before the second step too
            assert answer.status_code == 200
            continue
        assert answer.status_code == 401, (cell.path, answer.status_code)
        assert answer["Content-Type"] == "application/fhir+json"
        outcome = answer.json()
        assert outcome["resourceType"] == "OperationOutcome"
        assert "second_step" in outcome["issue"][0]["diagnostics"]
        assert leaks(answer.content, p.patient.pk) == []


# The ends of the calendar (a day after 9999-12-31, a clinic's zone before 0001-01-01): a
# refusal, never a server error. 0001-01-01 itself is a date: nothing on it.
ODD = {
    "/Appointment?date=9999": 400,
    "/Appointment?date=9999-12": 400,
    "/Appointment?date=le9999-12-31": 400,
    "/Appointment?date=gt9999-12-31T23:59:59.999999%2B00:00": 400,
    "/Appointment?date=0001-01-01": 200,
    "/Slot?start=ge0001-01-01T00:00:00Z&start=lt0001-01-03T00:00:00Z": 400,
    "/Slot?start=ge9999-12-30&start=lt9999-12-31": 400,
    "/Slot/1-1-1-000101010000": 404,
    "/Slot/1-1-1-000101020300": 404,
    "/Slot/1-1-1-999912312300": 404,
}


@pytest.mark.parametrize("path", ODD)
def test_dates_at_the_ends_of_the_calendar_are_refused_not_a_server_error(
    practice: Practice, path: str
) -> None:
    raw = fhir_token_create(clinic=practice.stoughton, name="Odd dates", by=practice.admin)[1]
    answer = Client(HTTP_AUTHORIZATION=f"Bearer {raw}").get(BASE + path)
    assert answer.status_code == ODD[path], (path, answer.content)
    kind = "Bundle" if answer.status_code == 200 else "OperationOutcome"
    assert answer.json()["resourceType"] == kind
