import datetime as dt
import json

from django.http import HttpRequest, HttpResponse
from ninja import Router, Schema

from needlecare.accounts.access import STAFF, AuthedRequest, roles
from needlecare.clinics import selectors
from needlecare.clinics.access import access_clinic
from needlecare.clinics.public import kept
from needlecare.common.schemas import ClockTime, Message, Slug
from needlecare.common.time import clinic_today

router = Router(tags=["clinics"])


class HoursOut(Schema):
    weekday: int
    opens: ClockTime
    closes: ClockTime


class ClinicOut(Schema):
    slug: str
    name: str
    address: str
    phone: str
    time_zone: str
    hours_are_demo: bool
    opening_hours: list[HoursOut]


class CredentialOut(Schema):
    kind: str
    issuer: str
    number: str
    valid_from: dt.date
    expires_on: dt.date
    status: str


class TherapistOut(Schema):
    id: int
    name: str
    title: str
    can_dry_needle: bool
    credentials: list[CredentialOut]


@router.get("/", response=list[ClinicOut], auth=None, summary="The practice's clinics (public)")
def list_clinics(request: HttpRequest) -> HttpResponse:
    # The same JSON for everyone until a clinic or its hours change (clinics/public.py).
    body = kept("api:clinics", _clinics_json)
    return HttpResponse(body, content_type="application/json; charset=utf-8")


def _clinics_json() -> bytes:
    clinics = [
        ClinicOut(
            slug=c.slug,
            name=c.name,
            address=c.address,
            phone=c.phone,
            time_zone=c.time_zone,
            hours_are_demo=c.hours_are_demo,
            opening_hours=[
                HoursOut(weekday=h.weekday, opens=h.opens, closes=h.closes)
                for h in c.opening_hours.all()
            ],
        )
        for c in selectors.clinics_public()
    ]
    return json.dumps([c.model_dump(mode="json") for c in clinics]).encode()


@router.get(
    "/{slug}/therapists",
    response={200: list[TherapistOut], 400: Message, 401: Message, 404: Message},
    auth=roles(*STAFF),
    summary="A clinic's therapists and their credentials (staff of that clinic)",
)
def clinic_therapists(request: AuthedRequest, slug: Slug) -> list[TherapistOut]:
    clinic = access_clinic(request.user, slug)
    rows = selectors.clinic_therapists(clinic, on=clinic_today(clinic))
    return [
        TherapistOut(
            id=row.therapist.pk,
            name=row.therapist.user.full_name,
            title=row.therapist.title,
            can_dry_needle=row.can_dry_needle,
            credentials=[
                CredentialOut(
                    kind=c.credential.kind,
                    issuer=c.credential.issuer,
                    number=c.credential.number,
                    valid_from=c.credential.valid_from,
                    expires_on=c.credential.expires_on,
                    status=c.status.value,
                )
                for c in row.credentials
            ],
        )
        for row in rows
    ]
