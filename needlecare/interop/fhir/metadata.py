"""The CapabilityStatement: exactly the types, searches and includes the server answers."""

import datetime as dt

from .kinds import KINDS
from .mapping.envelope import ResourceSupport, SearchParam, capability_statement
from .queries import allowed_params

PARAMS = {
    "_id": ("token", "The resource id; several separated by commas."),
    "_count": ("number", "Resources a page, 1 to 200 (50 if not given)."),
    "_offset": ("number", "Where the page starts; the Bundle's next and previous links set it."),
    "patient": ("reference", "The patient's records: Patient/12 or 12."),
    "subject": ("reference", "Same as patient."),
    "date": ("date", "eq, ge, gt, le, lt with a date or an instant (clinic time for dates)."),
    "clinic": ("reference", "Records of one clinic: its Organization id."),
    "organization": ("reference", "The patient's clinic: its Organization id."),
    "name": ("string", "Part of a first or last name."),
    "birthdate": ("date", "The date of birth, YYYY-MM-DD."),
    "status": ("token", "The FHIR status."),
    "start": ("date", "A window of at most 31 days: start=ge...&start=lt... (required)."),
    "schedule": ("reference", "One therapist at one clinic: Schedule/3-1."),
}
COMPUTED = {
    "PractitionerRole": ("_id", "_count", "_offset", "clinic"),
    "Schedule": ("_id", "_count", "_offset", "clinic"),
    "Slot": ("_id", "_count", "_offset", "clinic", "start", "schedule", "status"),
}
SECURITY = (
    "An integration token (Authorization: Bearer, made by a clinic admin) reads its clinic's "
    "records; signed-in staff read their clinics' records within their role (the front desk "
    "never reads treatment records); a signed-in patient reads their own."
)


def _params(names: list[str] | tuple[str, ...]) -> tuple[SearchParam, ...]:
    return tuple(
        SearchParam(name, *PARAMS[name]) for name in names if name in PARAMS and name != "_include"
    )


def supported() -> list[ResourceSupport]:
    stored = [
        ResourceSupport(
            type=kind.type,
            search_params=_params(["_id", "_count", "_offset", *sorted(allowed_params(kind))]),
            includes=(f"{kind.type}:patient",) if "_include" in allowed_params(kind) else (),
        )
        for kind in KINDS.values()
    ]
    computed = [ResourceSupport(type=t, search_params=_params(p)) for t, p in COMPUTED.items()]
    return sorted([*stored, *computed], key=lambda r: r.type)


# When what the statement lists last changed (its `date`); change it with the list.
CHANGED = dt.datetime(2026, 11, 30, tzinfo=dt.UTC)


def capability(base: str) -> dict[str, object]:
    return capability_statement(supported(), base_url=base, date=CHANGED, security=SECURITY)
