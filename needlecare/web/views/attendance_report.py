"""The attendance report for clinic admins: one clinic's, or across the admin's own clinics, by
month and by therapist with rates, a chart, and the same tables as CSV.

Only clinic admins: the figures compare therapists with each other, which is the practice's
management information, not something the front desk or a therapist needs for their day. The
CSV holds counts and therapists' names, nothing about any patient, so taking it away is not
recorded in the audit trail (the audit trail's own export, which names patients, is).
"""

import base64
import csv
import datetime as dt
import io
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

from django import forms
from django.http import HttpResponse
from django.shortcuts import render

from needlecare.accounts.access import AuthedRequest, allow
from needlecare.accounts.models import Role
from needlecare.clinics.access import access_clinic
from needlecare.clinics.models import Clinic
from needlecare.clinics.selectors import clinics_of
from needlecare.common.time import clinic_today
from needlecare.reports.attendance import (
    MOST_MONTHS,
    AttendanceReport,
    Figures,
    attendance_report,
    default_months,
    months_between,
)
from needlecare.reports.attendance_chart import MonthRates, attendance_chart_svg
from needlecare.web.views.staff_admin_audit import FORMULA_STARTS

ADMIN = (Role.CLINIC_ADMIN,)
ALL_CLINICS = "all your clinics"


# --- The months asked for -----------------------------------------------------------------------


class MonthInput(forms.DateInput):
    input_type = "month"

    def __init__(self) -> None:
        super().__init__(format="%Y-%m")


class MonthsForm(forms.Form):
    since = forms.DateField(
        input_formats=["%Y-%m"], widget=MonthInput, label="From", help_text="A month: 2025-03."
    )
    until = forms.DateField(
        input_formats=["%Y-%m"], widget=MonthInput, label="To", help_text="A month: 2026-02."
    )

    def clean(self) -> dict[str, object] | None:
        data = super().clean() or {}
        since, until = data.get("since"), data.get("until")
        if isinstance(since, dt.date) and isinstance(until, dt.date):
            count = len(months_between(since, until))
            if count == 0:
                raise forms.ValidationError("The first month comes after the last.")
            if count > MOST_MONTHS:
                raise forms.ValidationError(f"A report covers at most {MOST_MONTHS} months.")
        return data


def _months_form(request: AuthedRequest, today: dt.date) -> MonthsForm:
    """The months in the address; the last 12 months where it names none."""
    first, last = default_months(today)
    return MonthsForm(
        {
            "since": request.GET.get("since") or f"{first:%Y-%m}",
            "until": request.GET.get("until") or f"{last:%Y-%m}",
        }
    )


# --- Figures as the tables show them ------------------------------------------------------------


def percent(rate: Fraction | None) -> str:
    """A rate in percent with one decimal, halves rounded up; empty without a denominator."""
    if rate is None:
        return ""
    value = Decimal(rate.numerator) * 100 / Decimal(rate.denominator)
    return str(value.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))


@dataclass(frozen=True)
class Line:
    """One row of a table: its label, its figures and their rates for the page."""

    label: str
    f: Figures
    slug: str = ""  # a clinic's row links to its own report

    def _shown(self, rate: Fraction | None) -> str:
        return f"{percent(rate)}%" if rate is not None else "no visits"

    @property
    def attendance(self) -> str:
        return self._shown(self.f.attendance_rate)

    @property
    def cancellation(self) -> str:
        return self._shown(self.f.cancellation_rate)

    @property
    def late_cancellation(self) -> str:
        return self._shown(self.f.late_cancellation_rate)

    @property
    def no_show(self) -> str:
        return self._shown(self.f.no_show_rate)

    @property
    def no_show_of_due(self) -> str:
        rate = self.f.no_show_rate_of_due
        return f"{percent(rate)}%" if rate is not None else "none due"


def _month_name(month: dt.date) -> str:
    return f"{month:%B} {month.year}"


def _chart(report: AttendanceReport, clinic: Clinic | None) -> dict[str, str]:
    """The chart as a data: URI for an <img> (the site's CSP refuses inline SVG's styles)."""
    where = clinic.name if clinic else ALL_CLINICS
    rates = [
        MonthRates(m, f.attendance_rate, f.no_show_rate, f.late_cancellation_rate)
        for m, f in report.by_month(clinic)
    ]
    svg = attendance_chart_svg(where=where, rates=rates)
    image = "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode()
    return {"image": image, "title": f"Attendance at {where} by month"}


def _context(report: AttendanceReport, clinic: Clinic | None) -> dict[str, object]:
    return {
        "by_month": [Line(_month_name(m), f) for m, f in report.by_month(clinic)],
        "by_therapist": [Line(t.name, t.figures) for t in report.by_therapist(clinic)],
        "by_clinic": [] if clinic else [Line(c.name, f, c.slug) for c, f in report.by_clinic()],
        "total": Line("All months", report.total(clinic)),
        "first": _month_name(report.months[0]),
        "last": _month_name(report.months[-1]),
        "months": f"since={report.months[0]:%Y-%m}&until={report.months[-1]:%Y-%m}",
        "chart": _chart(report, clinic),
    }


def _read(
    request: AuthedRequest, clinics: Sequence[Clinic], clinic: Clinic | None
) -> tuple[MonthsForm, AttendanceReport | None]:
    """The months asked for and, when they make sense, the report over them."""
    form = _months_form(request, clinic_today(clinic or (clinics[0] if clinics else None)))
    if not form.is_valid():
        return form, None
    d = form.cleaned_data
    return form, attendance_report(clinics=clinics, first=d["since"], last=d["until"])


def _page(request: AuthedRequest, clinics: Sequence[Clinic], clinic: Clinic | None) -> HttpResponse:
    form, report = _read(request, clinics, clinic)
    context: dict[str, object] = {"clinic": clinic, "form": form}
    if report is None:
        return render(request, "reports/attendance.html", context, status=400)
    context.update(_context(report, clinic))
    return render(request, "reports/attendance.html", context)


@allow(Role.CLINIC_ADMIN)
def clinic_report(request: AuthedRequest, slug: str) -> HttpResponse:
    clinic = access_clinic(request.user, slug, roles=ADMIN)
    return _page(request, [clinic], clinic)


@allow(Role.CLINIC_ADMIN)
def practice_report(request: AuthedRequest) -> HttpResponse:
    return _page(request, list(clinics_of(request.user)), None)


# --- CSV ----------------------------------------------------------------------------------------

CSV_HEADER = (
    "Clinic",
    "Month",
    "Therapist",
    "Booked",
    "Attended",
    "Cancelled",
    "Cancelled by the patient",
    "Cancelled by the clinic",
    "Late cancellations",
    "No-shows",
    "Not yet recorded",
    "Awaiting confirmation (not booked)",
    "Attendance rate (%)",
    "Cancellation rate (%)",
    "Late cancellation rate (%)",
    "No-show rate (%)",
    "No-show rate of due visits (%)",
)


def _cell(value: object) -> str:
    text = str(value)
    return f"'{text}" if text.startswith(FORMULA_STARTS) else text


def _csv_row(clinic: str, month: str, therapist: str, f: Figures) -> list[str]:
    counts = (
        f.booked,
        f.attended,
        f.cancelled,
        f.cancelled_by_patient,
        f.cancelled_by_clinic,
        f.late_cancelled,
        f.no_show,
        f.not_recorded,
        f.awaiting_confirmation,
    )
    rates = (
        f.attendance_rate,
        f.cancellation_rate,
        f.late_cancellation_rate,
        f.no_show_rate,
        f.no_show_rate_of_due,
    )
    return [_cell(v) for v in (clinic, month, therapist, *counts, *map(percent, rates))]


def csv_rows(report: AttendanceReport, *, practice: bool) -> Iterator[list[str]]:
    """The page's tables: for each clinic (and, across clinics, for all of them) a row a
    month, a row a therapist over the whole period, and the period's total."""
    scopes: list[tuple[str, Clinic | None]] = [(c.name, c) for c in report.clinics]
    if practice:
        scopes.append(("All clinics", None))
    yield list(CSV_HEADER)
    for name, clinic in scopes:
        for month, figures in report.by_month(clinic):
            yield _csv_row(name, f"{month:%Y-%m}", "All therapists", figures)
        for t in report.by_therapist(clinic):
            yield _csv_row(name, "All months", t.name, t.figures)
        yield _csv_row(name, "All months", "All therapists", report.total(clinic))


def _csv(
    request: AuthedRequest, clinics: Sequence[Clinic], clinic: Clinic | None, name: str
) -> HttpResponse:
    form, report = _read(request, clinics, clinic)
    if report is None:
        context = {"clinic": clinic, "form": form}
        return render(request, "reports/attendance.html", context, status=400)
    buffer = io.StringIO()
    csv.writer(buffer).writerows(csv_rows(report, practice=clinic is None))
    response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
    months = f"{report.months[0]:%Y-%m}-to-{report.months[-1]:%Y-%m}"
    response["Content-Disposition"] = f'attachment; filename="attendance-{name}-{months}.csv"'
    return response


@allow(Role.CLINIC_ADMIN)
def clinic_report_csv(request: AuthedRequest, slug: str) -> HttpResponse:
    clinic = access_clinic(request.user, slug, roles=ADMIN)
    return _csv(request, [clinic], clinic, clinic.slug)


@allow(Role.CLINIC_ADMIN)
def practice_report_csv(request: AuthedRequest) -> HttpResponse:
    return _csv(request, list(clinics_of(request.user)), None, "all-clinics")
