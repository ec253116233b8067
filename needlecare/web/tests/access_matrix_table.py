"""The access matrix's table: every page (by URL name) and API route (by method and path) with
how to fill its parameters from patient A's records at Stoughton, and who owns it.

Scopes:
- public: anyone may open it (listed explicitly); only "never 5xx" is asserted.
- signed_in: anyone signed in (patient or staff) may; anonymous is refused.
- token: opened by a secret in the URL (links, feeds); a guessed token is refused for everyone.
- patient: patient A's own pages, no object in the URL (patient B sees their own: not tried).
- patient_obj: patient A's record in the URL.
- staff: staff pages with nothing in the URL (the other clinic's staff see their own: not tried).
- staff_obj: Stoughton's clinic, staff or patient A's records in the URL.
"""

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from django.utils import timezone

from needlecare.accounts.models import Role, User
from needlecare.charting.models import Notification
from needlecare.charting.services import consent_translation_publish
from needlecare.clinics.models import Therapist
from needlecare.common.testing.factories import TherapistFactory
from needlecare.common.testing.two_factor import device_for
from needlecare.interop.services import calendar_feed_create, fhir_token_create
from needlecare.scheduling.models import TimeOff, WaitlistEntry, WaitlistOffer
from needlecare.scheduling.services import appointment_series_book
from needlecare.screening.models import Screening
from needlecare.web.tests.read_audit_helpers import Chart

BOGUS_TOKEN = "Zm9yZ2VkLXRva2VuLW5vdC1pc3N1ZWQtYnktdXM"


@dataclass
class World:
    """Patient A's records at Stoughton, and the people of the matrix."""

    chart: Chart
    ids: dict[str, object]
    people: dict[str, User | None]
    owners: dict[str, User]


def build_world(chart: Chart) -> World:
    v = chart.visit
    p = v.practice
    therapist: Therapist = p.therapist
    now = timezone.now()
    entry = WaitlistEntry.objects.create(
        patient=v.patient,
        clinic=p.stoughton,
        type=v.schedule.dry_needling,
        first_day=dt.date.today(),
        last_day=dt.date.today() + dt.timedelta(days=14),
    )
    offer = WaitlistOffer.objects.create(
        entry=entry,
        therapist=therapist,
        starts_at=now + dt.timedelta(days=3),
        expires_at=now + dt.timedelta(days=1),
    )
    time_off = TimeOff.objects.create(
        therapist=therapist,
        starts_at=now + dt.timedelta(days=20),
        ends_at=now + dt.timedelta(days=21),
    )
    notification = Notification.objects.create(user=p.front_desk, message="A new screening")
    _feed, feed_token = calendar_feed_create(therapist=therapist, by=therapist.user)
    fhir_token, _raw = fhir_token_create(clinic=p.stoughton, name="Regional exchange", by=p.admin)
    foxboro_therapist = TherapistFactory(user__clinics=[p.foxboro], user__full_name="Sam Hale")
    course = appointment_series_book(
        patient=v.patient,
        clinic=p.stoughton,
        type=v.schedule.dry_needling,
        therapist=therapist,
        first_start=v.schedule.at(9, days=7),
        every_days=7,
        count=2,
        booked_by=p.front_desk,
        planned_regions=["neck"],
    )
    device_for(p.front_desk)  # so a second-factor reset would show
    screening = Screening.objects.filter(patient=v.patient).latest("pk")
    original = v.consent.document
    translation = consent_translation_publish(
        original=original,
        language="es",
        title="Consentimiento",
        body=f"{original.body}\n\nTraducción.",
        by=p.admin,
    )
    ids: dict[str, object] = {
        "slug": p.stoughton.slug,
        "patient_id": v.patient.pk,
        "appointment_id": v.appointment.pk,
        "screening_id": screening.pk,
        "clearance_id": chart.clearance.pk,
        "consent_id": v.consent.pk,
        "session_id": chart.session.pk,
        "event_id": chart.event.pk,
        "letter_id": chart.letter.pk,
        "offer_id": offer.pk,
        "course_visit_id": course[0].pk,
        "notification_id": notification.pk,
        "user_id": p.front_desk.pk,
        "therapist_id": therapist.pk,
        "time_off_id": time_off.pk,
        "feed_token": feed_token,
        "fhir_token_id": fhir_token.pk,
        "document_id": translation.pk,
        "language": "es",
        "code": "nprs",
    }
    people: dict[str, User | None] = {
        "anonymous": None,
        "patient_b": p.other_patient.user,
        "front_desk_foxboro": p.outsider,
        "therapist_foxboro": foxboro_therapist.user,
        "admin_foxboro": p.outsider_admin,
    }
    owners = {
        "patient": v.patient.user,
        "front_desk": p.front_desk,
        "therapist": therapist.user,
        "admin": p.admin,
    }
    assert p.outsider.role == Role.FRONT_DESK
    return World(chart=chart, ids=ids, people=people, owners=owners)


Fill = Callable[[World], dict[str, object]]


def _ids(*names: str) -> Fill:
    return lambda w: {n: w.ids[n] for n in names}


NONE: Fill = _ids()
TOKEN: Fill = lambda w: {"token": BOGUS_TOKEN}  # noqa: E731
UID_TOKEN: Fill = lambda w: {"uidb64": "MQ", "token": "forged-token"}  # noqa: E731

# name -> (scope, fill). Pages.
PAGES: dict[str, tuple[str, Fill]] = {
    "home": ("public", NONE),
    "check": ("public", NONE),
    "book": ("public", NONE),
    "healthz": ("public", NONE),
    "language": ("public", NONE),  # the switcher: a cookie, and the own patient's record
    "login": ("public", NONE),
    "logout": ("public", NONE),
    "register": ("public", NONE),
    "register-sent": ("public", NONE),
    "register-confirm": ("token", UID_TOKEN),
    "password-reset": ("public", NONE),
    "password-reset-sent": ("public", NONE),
    "password-reset-confirm": ("token", UID_TOKEN),
    "password-reset-complete": ("public", NONE),
    "session-status": ("public", NONE),
    "book-online": ("public", NONE),
    "link-visit-screening": ("token", TOKEN),
    "link-offer": ("token", TOKEN),
    "link-check-in": ("token", TOKEN),
    "therapist-feed": ("token", TOKEN),
    "two-factor-verify": ("signed_in", NONE),
    "two-factor-enrol": ("signed_in", NONE),
    "password-change": ("signed_in", NONE),
    "password-change-done": ("signed_in", NONE),
    "after-login": ("signed_in", NONE),
    "patient-home": ("patient", NONE),
    "my-records": ("patient", NONE),
    "screening": ("patient", NONE),
    "my-appointments": ("patient", NONE),
    "waitlist-join": ("patient", NONE),
    "my-consent": ("patient", NONE),
    "my-measures": ("patient", NONE),
    "my-measure": ("patient", _ids("code")),
    "my-letters": ("patient", NONE),
    "my-messages": ("patient", NONE),
    "my-details": ("patient", NONE),
    "screening-result": ("patient_obj", _ids("screening_id")),
    "screening-confirm": ("patient_obj", _ids("screening_id")),
    "screening-clearance-letter": ("patient_obj", _ids("screening_id")),
    "my-appointment-cancel": ("patient_obj", _ids("appointment_id")),
    "my-appointment-move": ("patient_obj", _ids("appointment_id")),
    "waitlist-offer-accept": ("patient_obj", _ids("offer_id")),
    "waitlist-offer-decline": ("patient_obj", _ids("offer_id")),
    "my-consent-pdf": ("patient_obj", _ids("consent_id")),
    "my-letter-pdf": ("patient_obj", _ids("letter_id")),
    "appointment-ics": ("patient_obj", _ids("appointment_id")),
    "staff-home": ("staff", NONE),
    "therapist-calendar": ("staff", NONE),
    "staff-attendance-all": ("staff", NONE),
    "staff-attendance-all-csv": ("staff", NONE),
    "staff-notification-read": ("staff_obj", _ids("notification_id")),
}
for _name in (
    "staff-clinic",
    "staff-patients",
    "staff-patient-new",
    "staff-worklist",
    "staff-policy",
    "staff-schedule",
    "staff-schedule-book",
    "staff-consent-document",
    "staff-adverse-events",
    "staff-admin-staff",
    "staff-admin-invite",
    "staff-audit",
    "staff-audit-export",
    "staff-admin-fhir-tokens",
    "staff-attendance",
    "staff-attendance-csv",
):
    PAGES[_name] = ("staff_obj", _ids("slug"))
for _name in (
    "staff-patient",
    "staff-patient-records",
    "staff-questionnaire",
    "staff-clearance-new",
    "staff-consent",
    "staff-measures",
    "staff-letters",
    "staff-patient-edit",
    "staff-patient-invite",
):
    PAGES[_name] = ("staff_obj", _ids("patient_id"))
for _name in (
    "staff-appointment",
    "staff-appointment-transition",
    "staff-appointment-cancel",
    "staff-appointment-move",
    "staff-session-open",
):
    PAGES[_name] = ("staff_obj", _ids("appointment_id"))
for _name in (
    "staff-session",
    "staff-session-details",
    "staff-session-needling",
    "staff-session-sign",
    "staff-session-addendum",
    "staff-session-adverse-event",
):
    PAGES[_name] = ("staff_obj", _ids("session_id"))
for _name in (
    "staff-admin-deactivate",
    "staff-admin-reactivate",
    "staff-admin-remove",
    "staff-admin-two-factor-reset",
):
    PAGES[_name] = ("staff_obj", _ids("slug", "user_id"))
PAGES.update(
    {
        "staff-admin-reinvite": ("staff_obj", _ids("slug", "user_id")),
        "staff-admin-hours": ("staff_obj", _ids("slug", "therapist_id")),
        "staff-admin-time-off": ("staff_obj", _ids("slug", "therapist_id")),
        "staff-admin-time-off-delete": ("staff_obj", _ids("slug", "therapist_id", "time_off_id")),
        "staff-admin-fhir-token-revoke": (
            "staff_obj",
            lambda w: {"slug": w.ids["slug"], "token_id": w.ids["fhir_token_id"]},
        ),
        "staff-screening": ("staff_obj", _ids("screening_id")),
        "staff-course-cancel": (
            "staff_obj",
            lambda w: {"appointment_id": w.ids["course_visit_id"]},
        ),
        "staff-clearance-letter": ("staff_obj", _ids("clearance_id")),
        "staff-consent-countersign": ("staff_obj", _ids("consent_id")),
        "staff-consent-pdf": ("staff_obj", _ids("consent_id")),
        "staff-consent-translation": ("staff_obj", _ids("slug", "language")),
        "staff-consent-translation-review": ("staff_obj", _ids("slug", "document_id")),
        "staff-adverse-event-review": ("staff_obj", _ids("event_id")),
        "staff-measure": ("staff_obj", _ids("patient_id", "code")),
        "staff-letter-pdf": ("staff_obj", _ids("letter_id")),
    }
)

# "METHOD /api/path" (as in /api/openapi.json) -> (scope, fill).
API: dict[str, tuple[str, Fill]] = {
    "GET /api/clinics/": ("public", NONE),
    "GET /api/clinics/{slug}/therapists": ("signed_in", _ids("slug")),
    "POST /api/screening/evaluate": ("public", NONE),
    "GET /api/scheduling/availability": ("signed_in", NONE),
    "GET /api/scheduling/mine": ("signed_in", NONE),
    "POST /api/scheduling/appointments": ("staff_obj", NONE),
    "POST /api/scheduling/series": ("staff_obj", NONE),
    "GET /api/scheduling/clinics/{slug}/appointments": ("staff_obj", _ids("slug")),
    "GET /api/patients/{patient_id}": ("patient_obj", _ids("patient_id")),
    "GET /api/screening/patients/{patient_id}": ("patient_obj", _ids("patient_id")),
    "POST /api/screening/patients/{patient_id}": ("patient_obj", _ids("patient_id")),
    "GET /api/charting/patients/{patient_id}/consent": ("patient_obj", _ids("patient_id")),
    "GET /api/charting/patients/{patient_id}/sessions": ("staff_obj", _ids("patient_id")),
    "GET /api/charting/patients/{patient_id}/measures": ("patient_obj", _ids("patient_id")),
    "POST /api/charting/patients/{patient_id}/measures": ("patient_obj", _ids("patient_id")),
    "GET /api/charting/patients/{patient_id}/letters": ("patient_obj", _ids("patient_id")),
    "GET /api/charting/letters/{letter_id}.pdf": ("patient_obj", _ids("letter_id")),
}
for _action in ("reschedule", "cancel", "cancel-rest"):
    API[f"POST /api/scheduling/appointments/{{appointment_id}}/{_action}"] = (
        "patient_obj",
        _ids("appointment_id"),
    )
for _action in ("check-in", "no-show", "complete"):
    API[f"POST /api/scheduling/appointments/{{appointment_id}}/{_action}"] = (
        "staff_obj",
        _ids("appointment_id"),
    )
for _key in (
    "GET /api/charting/sessions/{session_id}",
    "POST /api/charting/sessions/{session_id}",
    "POST /api/charting/sessions/{session_id}/needling",
    "POST /api/charting/sessions/{session_id}/sign",
    "POST /api/charting/sessions/{session_id}/adverse-events",
):
    API[_key] = ("staff_obj", _ids("session_id"))

# Not in the matrix, with the reason.
EXCLUDED_PREFIXES = {
    # The Django admin site: scoped per clinic by its own suite (test_admin_scoping*.py).
    "admin/": "Django admin site",
    "api/openapi.json": "the API's public schema",
    "api/docs": "the API's public documentation",
    "fhir/R4/": "the FHIR server: its own matrix (interop/fhir/tests/test_fhir_access_matrix.py)",
}
EXCLUDED_NAMES = {"api-root"}


def _later(w: World, days: int) -> str:
    return (w.chart.visit.appointment.starts_at + dt.timedelta(days=days)).isoformat()


# Valid-looking bodies (POST) and queries (GET) for the API, so a refusal is the access
# check's and not the schema's.
Body = Callable[[World], dict[str, object]]
CANCEL: Body = lambda w: {"reason": "Feeling unwell"}  # noqa: E731
API_BODIES: dict[str, Body] = {
    "GET /api/scheduling/clinics/{slug}/appointments": lambda w: {
        "day": w.chart.visit.appointment.starts_at.date().isoformat()
    },
    "GET /api/scheduling/availability": lambda w: {
        "clinic": "stoughton",
        "type": "dry-needling",
        "first_day": dt.date.today().isoformat(),
        "last_day": (dt.date.today() + dt.timedelta(days=7)).isoformat(),
    },
    "POST /api/scheduling/appointments": lambda w: {
        "clinic": "stoughton",
        "type": "dry-needling",
        "therapist_id": w.ids["therapist_id"],
        "starts_at": _later(w, 7),
        "patient_id": w.ids["patient_id"],
    },
    "POST /api/scheduling/series": lambda w: {
        "clinic": "stoughton",
        "type": "dry-needling",
        "patient_id": w.ids["patient_id"],
        "first_start": _later(w, 7),
        "count": 2,
    },
    "POST /api/scheduling/appointments/{appointment_id}/reschedule": lambda w: {
        "starts_at": _later(w, 1)
    },
    "POST /api/scheduling/appointments/{appointment_id}/cancel": CANCEL,
    "POST /api/scheduling/appointments/{appointment_id}/cancel-rest": CANCEL,
    "POST /api/screening/patients/{patient_id}": lambda w: {"planned_regions": ["neck"]},
    "POST /api/charting/patients/{patient_id}/measures": lambda w: {
        "instrument": "nprs",
        "answers": {"pain": 2},
    },
    "POST /api/charting/sessions/{session_id}": lambda w: {"plan": "Changed by a stranger"},
    "POST /api/charting/sessions/{session_id}/needling": lambda w: {
        "muscle": "upper_trapezius",
        "side": "left",
        "needle_diameter_mm": "0.25",
        "needle_length_mm": 40,
        "depth_mm": 20,
        "technique": "pistoning",
        "insertions": 3,
        "minutes_in_place": 5,
    },
    "POST /api/charting/sessions/{session_id}/adverse-events": lambda w: {
        "category": "bruising",
        "severity": "mild",
        "onset": "during",
        "reported_by": "therapist",
    },
}
