"""The admin site writes through the same audited services as everything else: their rules hold
for a clinic admin, a refusal says why and leaves nothing half-written, and every save is
audited with what changed."""

import datetime as dt

import pytest

from needlecare.audit.selectors import audit_events_for_target
from needlecare.clinics.models import Credential, StaffMembership
from needlecare.scheduling.models import WorkingHours

pytestmark = pytest.mark.django_db


def _form_data(page) -> dict[str, object]:
    """What the change page would post back as it stands: the form and every inline."""
    data: dict[str, object] = {}

    def take(form) -> None:
        for name in form.fields:
            value = form[name].value()
            if value is not None and value is not False and value != "":
                data[form.add_prefix(name)] = value

    take(page.context["adminform"].form)
    for inline in page.context["inline_admin_formsets"]:
        formset = inline.formset
        take(formset.management_form)
        for form in formset.forms:
            take(form)
    return data


def _add_row(data: dict[str, object], prefix: str, row: dict[str, object]) -> None:
    n = int(str(data[f"{prefix}-TOTAL_FORMS"]))
    data.update({f"{prefix}-{n}-{key}": value for key, value in row.items()})
    data[f"{prefix}-TOTAL_FORMS"] = n + 1


def _therapist_page(client, practice):
    client.force_login(practice.admin)
    url = f"/admin/clinics/therapist/{practice.therapist.pk}/change/"
    page = client.get(url)
    assert page.status_code == 200
    return url, _form_data(page)


def test_a_credential_that_expires_before_it_is_valid_is_refused_in_the_admin(client, practice):
    url, data = _therapist_page(client, practice)
    before = Credential.objects.count()
    _add_row(
        data,
        "credentials",
        {
            "therapist": practice.therapist.pk,
            "kind": "cpr",
            "issuer": "Red Cross",
            "number": "CPR-1",
            "valid_from": "2026-06-01",
            "expires_on": "2026-01-01",
        },
    )
    response = client.post(url, data)
    assert response.status_code == 200  # the form again, with the problem named
    assert Credential.objects.count() == before


def test_hours_that_overlap_another_clinics_are_refused_and_nothing_else_is_saved(client, practice):
    # An admin of both clinics; Dana works Tuesdays at Foxboro.
    StaffMembership.objects.create(user=practice.admin, clinic=practice.foxboro)
    StaffMembership.objects.create(user=practice.therapist.user, clinic=practice.foxboro)
    WorkingHours.objects.create(
        therapist=practice.therapist,
        clinic=practice.foxboro,
        weekday=1,
        starts=dt.time(9),
        ends=dt.time(17),
    )
    url, data = _therapist_page(client, practice)
    data["title"] = "PT, DPT, OCS"
    _add_row(
        data,
        "working_hours",
        {
            "therapist": practice.therapist.pk,
            "clinic": practice.stoughton.pk,
            "weekday": 1,
            "starts": "12:00",
            "ends": "15:00",
        },
    )
    response = client.post(url, data, follow=True)
    assert "hours at another clinic" in response.content.decode()
    assert not WorkingHours.objects.filter(clinic=practice.stoughton).exists()
    practice.therapist.refresh_from_db()
    assert practice.therapist.title == "PT, DPT"  # the whole save was rolled back


def test_a_room_added_in_the_admin_is_audited_by_the_rooms_service(client, practice):
    client.force_login(practice.admin)
    url = f"/admin/clinics/clinic/{practice.stoughton.pk}/change/"
    data = _form_data(client.get(url))
    _add_row(data, "rooms", {"clinic": practice.stoughton.pk, "name": "Room 7", "is_active": "on"})
    assert client.post(url, data).status_code == 302
    room = practice.stoughton.rooms.get(name="Room 7")
    [event] = audit_events_for_target("clinics.room", room.pk)
    assert event.action == "room.added" and event.actor == practice.admin


def test_the_clinics_staff_list_offers_staff_accounts_never_patients(client, practice):
    client.force_login(practice.admin)
    page = client.get(f"/admin/clinics/clinic/{practice.stoughton.pk}/change/")
    assert page.status_code == 200
    formset = next(
        f.formset
        for f in page.context["inline_admin_formsets"]
        if f.formset.model is StaffMembership
    )
    offered = set(formset.empty_form.fields["user"].queryset)
    assert practice.front_desk in offered and practice.therapist.user in offered
    assert practice.patient.user not in offered
