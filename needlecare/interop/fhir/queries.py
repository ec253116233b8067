"""Running a FHIR read or search against the stored types (kinds.py), within a reader's scope."""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet

from . import from_models as fm
from .kinds import COMPUTED, KINDS, Context, Kind, Source, source_for_id
from .mapping import people
from .mapping.common import JSON
from .mapping.scheduling import APPOINTMENT_STATUS
from .readers import Reader
from .responses import FhirError, not_found
from .search import Bound, Search, SearchError

# FHIR's appointment status -> ours (several of ours may map to one of FHIR's).
STATUS_FROM_FHIR: dict[str, list[str]] = {}
for ours, theirs in APPOINTMENT_STATUS.items():
    STATUS_FROM_FHIR.setdefault(theirs, []).append(ours)


@dataclass
class Page:
    resources: list[JSON]
    rows: list[Any]  # the stored rows shown (for the read audit)
    total: int
    included: list[JSON]


def kind_for(type: str, reader: Reader) -> Kind:
    kind = KINDS.get(type)
    if kind is None:
        if type in COMPUTED:
            raise AssertionError("computed types are served by views_computed")
        raise FhirError(400, "not-supported", f"This server does not serve {type!r} resources.")
    if not reader.may_read(kind):
        raise FhirError(403, "forbidden", f"Your role does not read {type} resources.")
    return kind


def allowed_params(kind: Kind) -> set[str]:
    source = kind.sources[0]
    names = {"clinic", *kind.search}
    if source.patient is not None and kind.type != "Patient":
        names |= {"patient", "subject", "_include"}
    if source.date is not None:
        names.add("date")
    return names


def read(kind: Kind, id: str, reader: Reader, ctx: Context) -> tuple[JSON, Any]:
    found = source_for_id(kind, id)
    if found is None:
        raise not_found(kind.type)
    source, pk = found
    row = reader.scope(source, source.queryset()).filter(pk=pk).first()
    if row is None:
        raise not_found(kind.type)
    return source.resource(row, ctx), row


def _dates(field: str, bounds: Iterable[Bound]) -> Q:
    q = Q()
    for bound in bounds:
        if bound.start is not None:
            q &= Q(**{f"{field}__gte": bound.start})
        if bound.end is not None:
            q &= Q(**{f"{field}__lt": bound.end})
    return q


def _ids(source: Source, ids: list[str]) -> list[int]:
    wanted = []
    for id in ids:
        number = id.removeprefix(source.prefix) if id.startswith(source.prefix) else ""
        if number.isdigit() and len(number) < 18:
            wanted.append(int(number))
    return wanted


def _specific(kind: Kind, other: dict[str, list[str]]) -> Q:
    q = Q()
    for name, values in other.items():
        for value in values:
            if kind.type == "Patient" and name == "name":
                q &= Q(first_name__icontains=value) | Q(last_name__icontains=value)
            elif kind.type == "Practitioner" and name == "name":
                q &= Q(user__full_name__icontains=value)
            elif kind.type == "Patient" and name == "birthdate":
                q &= Q(date_of_birth=_birthdate(value))
            elif kind.type == "Appointment" and name == "status":
                statuses = [s for v in value.split(",") for s in STATUS_FROM_FHIR.get(v, [])]
                if not statuses:
                    raise SearchError(f"status: {value!r} is not an appointment status we use.")
                q &= Q(status__in=statuses)
    return q


def _birthdate(value: str) -> str:
    parts = value.split("-")
    if len(parts) != 3 or not all(p.isdigit() for p in parts) or len(value) != 10:
        raise SearchError("birthdate must be a full date, YYYY-MM-DD.")
    return value


def filtered(kind: Kind, source: Source, search: Search, reader: Reader) -> QuerySet[Any]:
    rows = reader.scope(source, source.queryset())
    if search.ids:
        rows = rows.filter(pk__in=_ids(source, search.ids))
    if search.patient_ids and source.patient is not None:
        rows = rows.filter(**{f"{source.patient}__in": search.patient_ids})
    if search.clinic_ids:
        rows = rows.filter(**{f"{source.clinic}__in": search.clinic_ids})
    if search.dates and source.date is not None:
        rows = rows.filter(_dates(source.date, search.dates))
    return rows.filter(_specific(kind, search.other))


def run(kind: Kind, search: Search, reader: Reader, ctx: Context) -> Page:
    """One page of the search: the sources in order, `count` resources from `offset`."""
    parts = [filtered(kind, source, search, reader) for source in kind.sources]
    counts = [rows.count() for rows in parts]
    resources: list[JSON] = []
    shown: list[Any] = []
    skip, room = search.offset, search.count
    for source, rows, count in zip(kind.sources, parts, counts, strict=True):
        if skip >= count:
            skip -= count
            continue
        for row in rows[skip : skip + room]:
            resources.append(source.resource(row, ctx))
            shown.append(row)
        room -= min(room, count - skip)
        skip = 0
        if room == 0:
            break
    included = _patients_of(kind, shown) if search.include_patient else []
    return Page(resources, shown, sum(counts), included)


def _patients_of(kind: Kind, rows: list[Any]) -> list[JSON]:
    lookup = kind.sources[0].patient or "patient_id"
    getter: Callable[[Any], int] = (
        (lambda row: row.session.patient_id)
        if lookup.startswith("session")
        else (lambda row: row.patient_id)
    )
    ids = sorted({getter(row) for row in rows})
    patients = fm.patient_rows().filter(pk__in=ids)
    return [people.patient_resource(fm.patient_value(p)) for p in patients]
