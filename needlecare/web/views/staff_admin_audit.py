"""The clinic's audit trail for its admins: narrowed by who, which patient, what and when, and
taken away as CSV (the export itself is recorded in the trail).

"About the patient" finds the clinic's patients by record number, name or phone, and keeps the
events about them and about their appointments, screenings, clearances, consents and
treatment sessions.
"""

import csv
import datetime as dt
import json
from collections.abc import Callable, Iterable, Iterator

from django.core.paginator import Paginator
from django.db.models import Model, QuerySet
from django.http import HttpResponse, HttpResponseBase, StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone

from needlecare.accounts.access import AuthedRequest, allow
from needlecare.accounts.models import Role, User
from needlecare.audit.models import AuditEvent, ReadEvent
from needlecare.audit.selectors import (
    audit_actions_for_clinics,
    audit_events_filtered,
    read_events_filtered,
)
from needlecare.charting.models import Consent, TreatmentSession
from needlecare.charting.selectors import consents_of, sessions_of
from needlecare.clinics.access import access_clinic
from needlecare.clinics.models import Clinic
from needlecare.clinics.services import audit_trail_exported
from needlecare.common.time import clinic_zone
from needlecare.patients.models import Patient
from needlecare.patients.selectors import patients_search
from needlecare.scheduling.models import Appointment
from needlecare.scheduling.selectors import appointments_of
from needlecare.screening.models import PhysicianClearance, Screening
from needlecare.screening.selectors import clearances_of, screenings_of
from needlecare.web.staff_admin_forms import AuditFilterForm

ADMIN = (Role.CLINIC_ADMIN,)
CSV_HEADER = ("When", "Who", "Email", "Action", "Record type", "Record id", "Record", "Details")
# A cell starting with one of these is a formula to a spreadsheet: it is written as text.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _find_patients(clinic: Clinic) -> Callable[[str], list[Patient]]:
    def find(query: str) -> list[Patient]:
        # Digits alone are a record number (a phone number is searched with its dashes).
        if query.isdigit():
            return list(patients_search(clinic).filter(pk=int(query)))
        return list(patients_search(clinic, query)[:50])

    return find


def _targets(patients: Iterable[Patient]) -> dict[str, list[int]]:
    """Every record the filter keeps events about, by record type."""
    targets: dict[str, list[int]] = {}

    def add(model: type[Model], ids: Iterable[int]) -> None:
        targets.setdefault(model._meta.label_lower, []).extend(ids)

    for patient in patients:
        add(Patient, [patient.pk])
        add(Appointment, (a.pk for a in appointments_of(patient)))
        add(Screening, (s.pk for s in screenings_of(patient)))
        add(PhysicianClearance, (c.pk for c in clearances_of(patient)))
        add(Consent, (c.pk for c in consents_of(patient)))
        add(TreatmentSession, sessions_of(patient).values_list("pk", flat=True))
    return targets


def _filter(request: AuthedRequest, clinic: Clinic) -> AuditFilterForm:
    people = User.objects.filter(memberships__clinic=clinic).order_by("full_name")
    return AuditFilterForm(
        request.GET,
        people=people,
        actions=audit_actions_for_clinics([clinic.pk]),
        find_patients=_find_patients(clinic),
    )


def _start_of(day: dt.date | None, clinic: Clinic) -> dt.datetime | None:
    return dt.datetime.combine(day, dt.time(), tzinfo=clinic_zone(clinic)) if day else None


def _reads(form: AuditFilterForm, clinic: Clinic) -> QuerySet[ReadEvent] | None:
    """Who looked at the patients the (valid) form names, by its person and days; None without
    a patient (the clinic's patients, found by the form, are all it can name)."""
    if not form.is_valid() or not form.cleaned_data.get("patient"):
        return None
    d = form.cleaned_data
    until = d.get("until")
    return read_events_filtered(
        [p.pk for p in d["patient"]],
        actor_id=d["person"].pk if d.get("person") else None,
        since=_start_of(d.get("since"), clinic),
        before=_start_of(until + dt.timedelta(days=1), clinic) if until else None,
    )


def _events(form: AuditFilterForm, clinic: Clinic) -> QuerySet[AuditEvent]:
    """The clinic's events the (valid) form keeps; none when it is not valid."""
    if not form.is_valid():
        return AuditEvent.objects.none()
    d = form.cleaned_data

    def start_of(day: dt.date | None) -> dt.datetime | None:
        return _start_of(day, clinic)

    until = d.get("until")
    return audit_events_filtered(
        [clinic.pk],
        actor_id=d["person"].pk if d.get("person") else None,
        targets=_targets(d["patient"]) if d.get("patient") else None,
        action=d.get("action") or "",
        since=start_of(d.get("since")),
        before=start_of(until + dt.timedelta(days=1)) if until else None,
    )


@allow(Role.CLINIC_ADMIN)
def audit_trail(request: AuthedRequest, slug: str) -> HttpResponse:
    clinic = access_clinic(request.user, slug, roles=ADMIN)
    form = _filter(request, clinic)
    page = Paginator(_events(form, clinic), 100).get_page(request.GET.get("page"))
    reads = _reads(form, clinic)
    views = Paginator(reads, 100).get_page(request.GET.get("views")) if reads is not None else None
    query = request.GET.copy()
    query.pop("page", None)
    query.pop("views", None)
    context = {
        "clinic": clinic,
        "form": form,
        "page": page,
        "views": views,
        "query": query.urlencode(),
    }
    return render(request, "staff_admin/audit.html", context, status=400 if form.errors else 200)


def _cell(value: object) -> str:
    text = str(value)
    return f"'{text}" if text.startswith(FORMULA_STARTS) else text


class _Echo:
    """A file that hands back what is written, for csv.writer in a streamed response."""

    def write(self, value: str) -> str:
        return value


def csv_rows(events: Iterable[AuditEvent], zone: dt.tzinfo) -> Iterator[list[str]]:
    yield list(CSV_HEADER)
    for e in events:
        when = timezone.localtime(e.at, zone).strftime("%Y-%m-%d %H:%M:%S %Z")
        details = json.dumps(e.data, sort_keys=True, ensure_ascii=False) if e.data else ""
        who = e.actor.full_name if e.actor else ""
        row = (when, who, e.actor_label, e.action, e.target_type, e.target_id, e.target_label)
        yield [_cell(v) for v in (*row, details)]


@allow(Role.CLINIC_ADMIN)
def audit_export(request: AuthedRequest, slug: str) -> HttpResponseBase:
    clinic = access_clinic(request.user, slug, roles=ADMIN)
    form = _filter(request, clinic)
    events = _events(form, clinic)
    if form.errors:
        context = {"clinic": clinic, "form": form, "page": None, "query": ""}
        return render(request, "staff_admin/audit.html", context, status=400)
    audit_trail_exported(
        clinic=clinic, by=request.user, filters=form.described(), rows=events.count()
    )
    writer = csv.writer(_Echo())
    lines = (writer.writerow(row) for row in csv_rows(events.iterator(), clinic_zone(clinic)))
    response = StreamingHttpResponse(lines, content_type="text/csv; charset=utf-8")
    name = f"audit-{clinic.slug}-{timezone.localdate(timezone=clinic_zone(clinic)):%Y-%m-%d}.csv"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
