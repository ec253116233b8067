"""The FHIR access matrix's table: every route of the FHIR URL map (by name) with the cells
that ask it, filled with the real ids of patient A's records and Stoughton's directory rows;
the callers; what each caller must get; and how an answer is checked."""

import datetime as dt
import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from django.http import HttpResponse
from django.test import Client
from django.utils import timezone

from needlecare.clinics.models import Credential
from needlecare.common.testing.factories import CredentialFactory, TherapistFactory
from needlecare.interop.fhir.kinds import KINDS, SUPPORTED
from needlecare.interop.models import FhirExport, FhirToken
from needlecare.interop.services import fhir_token_create, fhir_token_revoke
from needlecare.screening.models import Screening
from needlecare.web.tests.read_audit_helpers import Chart, signed_in

BASE = "/fhir/R4"
# Patient A's name (set by the test's `practice`), unlike any other: a body with it leaks.
FIRST, LAST = "Quillon", "Vantablack"
DIRECTORY = {
    "Practitioner", "Organization", "Location", "HealthcareService", "Schedule",
    "PractitionerRole", "Slot",
}  # fmt: skip
TREATMENT = {"Procedure", "Observation", "AdverseEvent", "DocumentReference"}
BINARY_KINDS = ("consent", "letter")
KICK_OFFS = {"export", "export-patients", "export-group"}
SIGNED_OUT = ("anonymous", "revoked token", "expired token")
OUTSIDERS = (*SIGNED_OUT, "patient B", "Foxboro front desk", "Foxboro admin",
             "Foxboro therapist", "Foxboro token")  # fmt: skip
OWNERS = ("Stoughton token", "Stoughton admin", "Stoughton therapist", "Stoughton front desk",
          "patient A")  # fmt: skip
NO_EXPORT = "00000000-0000-4000-8000-000000000000"


@dataclass(frozen=True)
class Cell:
    route: str  # the URL name in the `fhir` namespace
    type: str  # the FHIR type; "consent"/"letter" for Binary; "" for the others
    path: str  # after /fhir/R4
    target: str  # the id the cell is about ("" for metadata and the kick-offs)
    query: str = ""  # searches: "_id", "all" or "patient"

    @property
    def scope(self) -> str:
        if self.route == "metadata":
            return "public"
        return "directory" if self.type in DIRECTORY else "patient"

    @property
    def treatment(self) -> bool:
        return self.type in TREATMENT or self.type == "letter"


@dataclass
class World:
    chart: Chart
    ids: dict[str, list[str]]  # type (or Binary kind, or "export") -> real ids
    clients: dict[str, Client]


def record_ids(chart: Chart, slot: str, export: str) -> dict[str, list[str]]:
    v, p = chart.visit, chart.visit.practice
    screening = Screening.objects.filter(patient=v.patient).latest("pk").pk
    role = f"{p.therapist.pk}-{p.stoughton.pk}"
    ids: dict[str, list[object]] = {
        "Patient": [v.patient.pk],
        "Appointment": [v.appointment.pk],
        "QuestionnaireResponse": [screening],
        "RiskAssessment": [screening],
        "Consent": [v.consent.pk],
        "Procedure": [chart.session.pk],
        "Observation": [
            f"measure-{chart.measure.pk}",
            f"pain-before-{chart.session.pk}",
            f"pain-after-{chart.session.pk}",
        ],  # fmt: skip
        "AdverseEvent": [chart.event.pk],
        "DocumentReference": [chart.letter.pk],
        "Practitioner": [p.therapist.pk],
        "Organization": [p.stoughton.pk],
        "Location": [p.stoughton.pk],
        "HealthcareService": [v.schedule.dry_needling.pk],
        "Schedule": [role],
        "PractitionerRole": [role],
        "Slot": [slot],
        "consent": [v.consent.pk],
        "letter": [chart.letter.pk],
        "export": [export],
    }
    return {k: [str(i) for i in v] for k, v in ids.items()}


def window(chart: Chart) -> str:
    day = chart.visit.schedule.day + dt.timedelta(days=1)
    return f"start=ge{day}&start=lt{day + dt.timedelta(days=2)}"


def _searches(w: World, type: str) -> Iterator[Cell]:
    id = w.ids[type][0]
    before = window(w.chart) + "&" if type == "Slot" else ""
    yield Cell("search", type, f"/{type}?{before}_id={id}", id, "_id")
    yield Cell("search", type, f"/{type}?{before}".rstrip("?&"), id, "all")
    if KINDS.get(type) and KINDS[type].patient_bound and type != "Patient":
        yield Cell("search", type, f"/{type}?patient={w.ids['Patient'][0]}", id, "patient")


# Route name -> the cells asking it. A route of the URL map missing here fails the table test.
TABLE: dict[str, Callable[[World], Iterator[Cell]]] = {
    "metadata": lambda w: iter([Cell("metadata", "", "/metadata", "")]),
    "read": lambda w: (Cell("read", t, f"/{t}/{i}", i) for t in SUPPORTED for i in w.ids[t]),
    "search": lambda w: (cell for t in SUPPORTED for cell in _searches(w, t)),
    "binary": lambda w: (
        Cell("binary", k, f"/Binary/{k}-{w.ids[k][0]}", w.ids[k][0]) for k in BINARY_KINDS
    ),
    "export": lambda w: iter([Cell("export", "", "/$export", "")]),
    "export-patients": lambda w: iter([Cell("export-patients", "", "/Patient/$export", "")]),
    "export-group": lambda w: iter(
        [Cell("export-group", "", f"/Group/{w.ids['Organization'][0]}/$export", "")]
    ),
    "export-status": lambda w: iter(
        [Cell("export-status", "", f"/$export-status/{w.ids['export'][0]}", w.ids["export"][0])]
    ),
    "export-file": lambda w: iter(
        [
            Cell(
                "export-file",
                "",
                f"/$export-file/{w.ids['export'][0]}/Patient.ndjson",
                w.ids["export"][0],
            )
        ]
    ),
    "unknown": lambda w: iter(
        [Cell("unknown", "", f"/Patient/{w.ids['Patient'][0]}/$everything", w.ids["Patient"][0])]
    ),
}


def cells(w: World) -> list[Cell]:
    return [cell for route in TABLE for cell in TABLE[route](w)]


def _token(clinic: object, name: str, by: object) -> tuple[FhirToken, Client]:
    row, raw = fhir_token_create(clinic=clinic, name=name, by=by)  # type: ignore[arg-type]
    return row, Client(HTTP_AUTHORIZATION=f"Bearer {raw}", HTTP_PREFER="respond-async")


def callers(chart: Chart) -> dict[str, Client]:
    p = chart.visit.practice
    revoked, revoked_client = _token(p.stoughton, "Old exchange", p.admin)
    fhir_token_revoke(token=revoked, by=p.admin)
    expired, expired_client = _token(p.stoughton, "Expired exchange", p.admin)
    now = timezone.now()
    FhirToken.objects.filter(pk=expired.pk).update(
        created_at=now - dt.timedelta(days=2), expires_at=now - dt.timedelta(days=1)
    )
    foxboro_therapist = TherapistFactory(user__clinics=[p.foxboro], user__full_name="Sam Hale")
    for kind in (Credential.Kind.DRY_NEEDLING, Credential.Kind.PT_LICENSE):
        CredentialFactory(therapist=foxboro_therapist, kind=kind)
    people = {
        "patient B": p.other_patient.user,
        "Foxboro front desk": p.outsider,
        "Foxboro admin": p.outsider_admin,
        "Foxboro therapist": foxboro_therapist.user,
        "Stoughton admin": p.admin,
        "Stoughton therapist": p.therapist.user,
        "Stoughton front desk": p.front_desk,
        "patient A": p.patient.user,
    }
    clients = {name: signed_in(user) for name, user in people.items()}
    for client in clients.values():
        client.defaults["HTTP_PREFER"] = "respond-async"
    return {
        "anonymous": Client(HTTP_PREFER="respond-async"),
        "revoked token": revoked_client,
        "expired token": expired_client,
        "Foxboro token": _token(p.foxboro, "Foxboro EHR", p.outsider_admin)[1],
        "Stoughton token": _token(p.stoughton, "Referring EHR", p.admin)[1],
        **clients,
    }


def expectation(caller: str, cell: Cell) -> str:
    """ok (the record, or an export of the caller's own clinic), login (401), hidden (404 as
    for a missing id; a search without it) or forbidden (the role never reads it: 403, or
    404 as for a missing id)."""
    if cell.scope == "public":
        return "ok"
    if cell.route == "unknown":
        return "hidden"
    if caller in SIGNED_OUT:
        return "login"
    if cell.route in KICK_OFFS:
        if caller.startswith("patient"):
            return "forbidden"
        return "hidden" if cell.route == "export-group" and caller in OUTSIDERS else "ok"
    if cell.route.startswith("export-"):  # the Stoughton token's export: only it may see it
        return "ok" if caller == "Stoughton token" else "hidden"
    if caller.endswith("front desk") and cell.treatment:
        return "forbidden"
    if caller in OWNERS or (caller == "patient B" and cell.scope == "directory"):
        return "ok"
    return "hidden"


def content(response: HttpResponse) -> bytes:
    if response.streaming:
        return b"".join(response.streaming_content)  # type: ignore[arg-type]
    return response.content


def _patients(value: object) -> Iterator[str]:
    """The ids of the Patient resources anywhere in a JSON body."""
    if isinstance(value, dict):
        if value.get("resourceType") == "Patient":
            yield str(value.get("id"))
        for item in value.values():
            yield from _patients(item)
    elif isinstance(value, list):
        for item in value:
            yield from _patients(item)


def leaks(body: bytes, patient_id: int) -> list[str]:
    text = body.decode("utf-8", "replace")
    found = [f"the name {n}" for n in (FIRST, LAST) if n in text]
    if re.search(rf"Patient/{patient_id}(?![0-9])", text):
        found.append(f"a reference to Patient/{patient_id}")
    if text.startswith("{") and str(patient_id) in _patients(json.loads(text)):
        found.append("patient A's Patient resource")
    return found


def _missing(cell: Cell) -> str | None:
    """The same request with an id of the same shape that names nothing."""
    if cell.route == "export-group":
        return BASE + re.sub(r"/\d+/", "/987654/", cell.path)
    if not cell.target:
        return None
    if cell.route.startswith("export-"):
        return BASE + cell.path.replace(cell.target, NO_EXPORT)
    return BASE + cell.path.replace(cell.target, re.sub(r"\d+", "987654", cell.target, count=1))


def _kick_off(caller: str, response: HttpResponse, stoughton: int) -> list[str]:
    if response.status_code != 202:
        return [f"expected 202, got {response.status_code}"]
    export_id = response["Content-Location"].rstrip("/").rsplit("/", 1)[1]
    clinics = FhirExport.objects.get(pk=export_id).clinic_ids
    mine = caller in OWNERS
    return [] if (stoughton in clinics) == mine else [f"an export of clinics {clinics}"]


def _ok(cell: Cell, status: int, kind: str, body: bytes) -> list[str]:
    if cell.route == "binary":
        ok = (status, kind, body[:4]) == (200, "application/pdf", b"%PDF")
        return [] if ok else [f"expected a PDF, got {status} {kind}"]
    if cell.route == "export-file":
        ok = status == 200 and kind == "application/fhir+ndjson" and FIRST.encode() in body
        return [] if ok else [f"expected patient A's NDJSON, got {status} {kind}"]
    resource = json.loads(body) if kind.startswith("application/fhir+json") else {}
    if cell.route == "metadata":
        ok = (status, resource.get("resourceType")) == (200, "CapabilityStatement")
        return [] if ok else [f"expected the CapabilityStatement, got {status} {kind}"]
    if cell.route == "export-status":
        ok = status == 200 and "Patient" in {o["type"] for o in resource.get("output", [])}
        return [] if ok else [f"expected the manifest, got {status} {kind}"]
    if cell.route == "search":
        entries = resource.get("entry", []) if resource.get("resourceType") == "Bundle" else []
        ids = {e["resource"]["id"] for e in entries if e["search"]["mode"] == "match"}
        ok = status == 200 and cell.target in ids
        return [] if ok else [f"{cell.target} not among {len(ids)} found ({status})"]
    got = (status, resource.get("resourceType"), resource.get("id"))
    wanted = (200, cell.type, cell.target)
    return [] if got == wanted else [f"expected {wanted}, got {got}"]


def problems(w: World, caller: str, cell: Cell, response: HttpResponse) -> list[str]:
    status, kind, body = response.status_code, response.get("Content-Type", ""), content(response)
    expect = expectation(caller, cell)
    if cell.route in KICK_OFFS and expect == "ok":
        return _kick_off(caller, response, w.chart.visit.practice.stoughton.pk)
    if expect == "ok":
        return _ok(cell, status, kind, body)
    if not kind.startswith("application/fhir+json"):
        return [f"{status} {kind}: not application/fhir+json"]
    resource = json.loads(body)
    if status >= 400 and resource["resourceType"] != "OperationOutcome":
        return [f"{status} without an OperationOutcome"]
    if expect == "login":
        code = resource["issue"][0]["code"]
        return [] if (status, code) == (401, "login") else [f"expected 401 login, got {status}"]
    if cell.route == "search":
        if expect == "forbidden":
            return [] if status == 403 else [f"expected 403, got {status}"]
        ids = {e["resource"]["id"] for e in resource.get("entry", [])}
        if status != 200 or cell.target in ids or (cell.query != "all" and resource["total"]):
            return [f"{status}: {cell.target} or {resource.get('total')} results shown"]
        return []
    allowed = {403, 404} if expect == "forbidden" else {404}
    if status not in allowed:
        return [f"expected {sorted(allowed)}, got {status}"]
    twin_url = _missing(cell)
    twin = w.clients[caller].get(twin_url) if twin_url else response
    if (twin.status_code, twin.content) != (status, body):
        return [f"{status} differs from a missing id's {twin.status_code} {twin.content[:80]!r}"]
    return []
