"""Every admin page (changelist, change, add, delete, history, each inline) as a Stoughton-only
admin: Foxboro's clinic, people, hours and credentials are not listed, not found or refused,
and nothing of Foxboro's changes; a superuser still reaches them, and Stoughton's admin still
manages Stoughton."""

import datetime as dt

import pytest

from needlecare.accounts.models import Role
from needlecare.clinics.models import Closure, Credential, OpeningHours, Room, StaffMembership
from needlecare.common.testing.factories import CredentialFactory, TherapistFactory, UserFactory
from needlecare.scheduling.models import AppointmentType, TimeOff, WorkingHours
from needlecare.web.admin_site import admin_site
from needlecare.web.tests.test_admin_scoping import add_row, form_data, foxboro_therapist

pytestmark = pytest.mark.django_db

CLINICS = "/admin/clinics/clinic/"
THERAPISTS = "/admin/clinics/therapist/"


@pytest.fixture
def foxboro(practice):
    """Foxboro's setup, one record of each kind, and Sam, its therapist, with all of his."""
    fox = practice.foxboro
    sam = foxboro_therapist(practice)
    return {
        "opening_hours": OpeningHours.objects.create(
            clinic=fox, weekday=0, opens=dt.time(8), closes=dt.time(18)
        ),
        "closures": Closure.objects.create(
            clinic=fox, starts_on=dt.date(2026, 12, 25), ends_on=dt.date(2026, 12, 25), reason="X"
        ),
        "rooms": Room.objects.create(clinic=fox, name="Fox room"),
        "appointment_types": AppointmentType.objects.create(
            clinic=fox, code="dn", name="Dry needling", duration_minutes=30
        ),
        "memberships": StaffMembership.objects.get(user=practice.outsider),
        "sam": sam,
        "credentials": CredentialFactory(therapist=sam, kind=Credential.Kind.PT_LICENSE),
        "working_hours": sam.working_hours.get(),
        "time_off": TimeOff.objects.create(
            therapist=sam,
            starts_at=dt.datetime(2026, 12, 1, 14, tzinfo=dt.UTC),
            ends_at=dt.datetime(2026, 12, 1, 22, tzinfo=dt.UTC),
        ),
    }


@pytest.fixture
def root(practice):
    return UserFactory(role=Role.CLINIC_ADMIN, is_superuser=True, is_staff=True)


def _snapshot(records) -> list[tuple]:
    """Every field of every record, read again from the database (missing: None)."""
    return [tuple(type(r).objects.filter(pk=r.pk).values_list().first() or ()) for r in records]


# --- changelists -------------------------------------------------------------------------------


def test_the_clinic_list_shows_only_the_admins_clinics(client, practice, root):
    client.force_login(practice.admin)
    page = client.get(CLINICS)
    assert list(page.context["cl"].queryset) == [practice.stoughton]
    client.force_login(root)
    assert set(client.get(CLINICS).context["cl"].queryset) == {practice.stoughton, practice.foxboro}


def test_the_therapist_list_shows_only_the_admins_therapists(client, practice, foxboro, root):
    client.force_login(practice.admin)
    page = client.get(THERAPISTS)
    assert list(page.context["cl"].queryset) == [practice.therapist]
    assert "Sam Foxboro" not in page.content.decode()
    client.force_login(root)
    assert foxboro["sam"] in set(client.get(THERAPISTS).context["cl"].queryset)


def test_bulk_delete_from_a_list_never_reaches_foxboro(client, practice, foxboro):
    client.force_login(practice.admin)
    for url, pk in ((CLINICS, practice.foxboro.pk), (THERAPISTS, foxboro["sam"].pk)):
        client.post(url, {"action": "delete_selected", "_selected_action": [pk], "post": "yes"})
    assert type(practice.foxboro).objects.filter(pk=practice.foxboro.pk).exists()
    assert type(foxboro["sam"]).objects.filter(pk=foxboro["sam"].pk).exists()


# --- change, history and delete pages of Foxboro's records -------------------------------------


@pytest.mark.parametrize("page", ["change", "history", "delete"])
def test_foxboros_pages_are_not_found(client, practice, foxboro, root, page):
    for url in (
        f"{CLINICS}{practice.foxboro.pk}/{page}/",
        f"{THERAPISTS}{foxboro['sam'].pk}/{page}/",
    ):
        client.force_login(practice.admin)
        assert client.get(url).status_code == 404
        client.force_login(root)
        assert client.get(url).status_code == 200


def test_posting_foxboros_own_pages_changes_nothing(client, practice, foxboro, root):
    records = list(foxboro.values())
    before = _snapshot([practice.foxboro, *records])
    for url in (
        f"{CLINICS}{practice.foxboro.pk}/change/",
        f"{THERAPISTS}{foxboro['sam'].pk}/change/",
    ):
        client.force_login(root)
        data = form_data(client.get(url))
        data["name"], data["title"] = "Taken", "Taken"
        for key in [k for k in data if k.endswith("-id")]:
            data[key.replace("-id", "-DELETE")] = "on"  # and every inline row deleted
        client.force_login(practice.admin)
        assert client.post(url, data).status_code == 404
        assert client.post(url.replace("change", "delete"), {"post": "yes"}).status_code == 404
    assert _snapshot([practice.foxboro, *records]) == before


def test_a_superuser_still_changes_foxboro(client, practice, foxboro, root):
    client.force_login(root)
    url = f"{THERAPISTS}{foxboro['sam'].pk}/change/"
    data = form_data(client.get(url))
    data["title"] = "PT, DPT, OCS"
    assert client.post(url, data).status_code == 302
    foxboro["sam"].refresh_from_db()
    assert foxboro["sam"].title == "PT, DPT, OCS"


# --- add pages ---------------------------------------------------------------------------------


def test_only_a_superuser_adds_a_clinic_or_a_therapist_profile(client, practice, root):
    client.force_login(practice.admin)
    for url in (f"{CLINICS}add/", f"{THERAPISTS}add/"):
        assert client.get(url).status_code == 403
    assert client.post(f"{CLINICS}add/", {"name": "Canton", "slug": "canton"}).status_code == 403
    assert not type(practice.stoughton).objects.filter(slug="canton").exists()
    client.force_login(root)
    for url in (f"{CLINICS}add/", f"{THERAPISTS}add/"):
        assert client.get(url).status_code == 200


# --- each inline, on Stoughton's own pages, aimed at Foxboro's records -------------------------

CLINIC_INLINES = ["opening_hours", "closures", "rooms", "appointment_types", "memberships"]
THERAPIST_INLINES = ["credentials", "working_hours", "time_off"]


@pytest.mark.parametrize("prefix", CLINIC_INLINES + THERAPIST_INLINES)
def test_an_inline_row_naming_a_foxboro_record_changes_nothing(client, practice, foxboro, prefix):
    record = foxboro[prefix]
    before = _snapshot([record])
    parent = CLINICS if prefix in CLINIC_INLINES else THERAPISTS
    owner = practice.stoughton if prefix in CLINIC_INLINES else practice.therapist
    url = f"{parent}{owner.pk}/change/"
    client.force_login(practice.admin)
    data = form_data(client.get(url))
    n = int(str(data[f"{prefix}-TOTAL_FORMS"]))
    data[f"{prefix}-{n}-id"] = record.pk
    data[f"{prefix}-{n}-DELETE"] = "on"
    data[f"{prefix}-TOTAL_FORMS"] = data[f"{prefix}-INITIAL_FORMS"] = n + 1
    client.post(url, data)
    assert _snapshot([record]) == before


def test_hours_at_foxboro_cannot_be_given_from_a_stoughton_therapists_page(client, practice):
    client.force_login(practice.admin)
    url = f"{THERAPISTS}{practice.therapist.pk}/change/"
    page = client.get(url)
    formset = next(
        f.formset for f in page.context["inline_admin_formsets"] if f.formset.model is WorkingHours
    )
    assert list(formset.empty_form.fields["clinic"].queryset) == [practice.stoughton]
    data = form_data(page)
    add_row(
        data,
        "working_hours",
        {"clinic": practice.foxboro.pk, "weekday": 2, "starts": "09:00", "ends": "12:00"},
    )
    assert client.post(url, data).status_code == 200  # the form again: not a choice
    assert not WorkingHours.objects.filter(clinic=practice.foxboro).exists()


def test_a_therapist_shared_with_foxboro_is_read_only_here(client, practice, foxboro):
    shared = TherapistFactory(user__clinics=[practice.stoughton, practice.foxboro])
    client.force_login(practice.admin)
    url = f"{THERAPISTS}{shared.pk}/change/"
    page = client.get(url)
    assert page.status_code == 200 and not page.context["has_change_permission"]
    data = form_data(page)
    add_row(
        data,
        "credentials",
        {
            "kind": Credential.Kind.DRY_NEEDLING,
            "issuer": "Forged",
            "number": "X",
            "valid_from": "2026-01-01",
            "expires_on": "2030-01-01",
        },
    )
    assert client.post(url, data).status_code == 403
    assert not shared.credentials.exists()


def test_the_staff_list_is_read_only_and_offers_only_the_admins_own_staff(client, practice):
    client.force_login(practice.admin)
    page = client.get(f"{CLINICS}{practice.stoughton.pk}/change/")
    inline = next(
        f for f in page.context["inline_admin_formsets"] if f.formset.model is StaffMembership
    )
    assert not inline.has_change_permission and not inline.has_delete_permission
    offered = set(inline.formset.empty_form.fields["user"].queryset)
    assert practice.outsider not in offered and practice.outsider_admin not in offered
    assert practice.front_desk in offered
    # Django's autocomplete over users is no way round it either.
    search = client.get(
        "/admin/autocomplete/",
        {
            "app_label": "clinics",
            "model_name": "staffmembership",
            "field_name": "user",
            "term": "a",
        },
    )
    assert search.status_code in (403, 404)


# --- Stoughton's admin still manages Stoughton -------------------------------------------------


def test_stoughtons_admin_still_manages_stoughton(client, practice):
    old = Closure.objects.create(
        clinic=practice.stoughton, starts_on=dt.date(2026, 7, 4), ends_on=dt.date(2026, 7, 4)
    )
    client.force_login(practice.admin)
    url = f"{CLINICS}{practice.stoughton.pk}/change/"
    data = form_data(client.get(url))
    data["closures-0-DELETE"] = "on"  # the only closure so far: July 4th
    data["phone"] = "781-555-0100"
    add_row(data, "rooms", {"clinic": practice.stoughton.pk, "name": "Room 9", "is_active": "on"})
    add_row(
        data,
        "closures",
        {"kind": "holiday", "starts_on": "2026-12-25", "ends_on": "2026-12-25", "reason": "Xmas"},
    )
    assert client.post(url, data).status_code == 302
    practice.stoughton.refresh_from_db()
    assert practice.stoughton.phone == "781-555-0100"
    assert practice.stoughton.rooms.filter(name="Room 9").exists()
    assert practice.stoughton.closures.filter(reason="Xmas").exists()
    assert not Closure.objects.filter(pk=old.pk).exists()

    url = f"{THERAPISTS}{practice.therapist.pk}/change/"
    data = form_data(client.get(url))
    add_row(
        data,
        "working_hours",
        {"clinic": practice.stoughton.pk, "weekday": 2, "starts": "09:00", "ends": "12:00"},
    )
    add_row(
        data,
        "credentials",
        {
            "kind": Credential.Kind.CPR,
            "issuer": "Red Cross",
            "number": "CPR-9",
            "valid_from": "2026-01-01",
            "expires_on": "2028-01-01",
        },
    )
    add_row(
        data,
        "time_off",
        {
            "starts_at_0": "2026-12-02",
            "starts_at_1": "09:00",
            "ends_at_0": "2026-12-02",
            "ends_at_1": "17:00",
        },
    )
    assert client.post(url, data).status_code == 302
    assert practice.therapist.working_hours.filter(clinic=practice.stoughton).exists()
    assert practice.therapist.credentials.filter(number="CPR-9").exists()
    assert practice.therapist.time_off.exists()


def test_every_admin_page_and_inline_is_covered_here():
    # A model registered or an inline added without a scoping test above fails here.
    from_site = {
        model._meta.model_name: sorted(i.model._meta.model_name for i in model_admin.inlines)
        for model, model_admin in admin_site._registry.items()
    }
    assert from_site == {
        "clinic": ["appointmenttype", "closure", "openinghours", "room", "staffmembership"],
        "therapist": ["credential", "timeoff", "workinghours"],
    }
    assert len(CLINIC_INLINES) + len(THERAPIST_INLINES) == 8
