"""The admin site is scoped to the signed-in admin's clinics: the reported attack (a Stoughton
admin adds a Foxboro therapist to Stoughton, certifies them, deletes their Foxboro hours and
removes the membership again) fails at every step, and the services refuse it too."""

import datetime as dt

import pytest
from django.forms import MultiWidget

from needlecare.accounts.models import Role
from needlecare.clinics import services as clinic_services
from needlecare.clinics.models import Credential, StaffMembership, Therapist
from needlecare.common.errors import NotAllowed
from needlecare.common.testing.factories import StaffFactory, TherapistFactory
from needlecare.scheduling.models import TimeOff, WorkingHours
from needlecare.scheduling.services.setup import time_off_save, working_hours_save

pytestmark = pytest.mark.django_db


def form_data(page) -> dict[str, object]:
    """What the change page would post back as it stands: the form and every inline."""
    data: dict[str, object] = {}

    def take(form) -> None:
        for name in form.fields:
            value = form[name].value()
            if value is None or value is False or value == "":
                continue
            widget = form.fields[name].widget
            if isinstance(widget, MultiWidget):  # date and time, posted as two inputs
                for i, part in enumerate(widget.decompress(value)):
                    data[f"{form.add_prefix(name)}_{i}"] = part
            else:
                data[form.add_prefix(name)] = value

    take(page.context["adminform"].form)
    for inline in page.context["inline_admin_formsets"]:
        formset = inline.formset
        take(formset.management_form)
        for form in formset.forms:
            take(form)
    return data


def add_row(data: dict[str, object], prefix: str, row: dict[str, object]) -> None:
    n = int(str(data[f"{prefix}-TOTAL_FORMS"]))
    data.update({f"{prefix}-{n}-{key}": value for key, value in row.items()})
    data[f"{prefix}-TOTAL_FORMS"] = n + 1


def inline_formset(page, model):
    return next(
        f.formset for f in page.context["inline_admin_formsets"] if f.formset.model is model
    )


def foxboro_therapist(practice) -> Therapist:
    """Sam works at Foxboro only, on Mondays, and is not certified for dry needling."""
    therapist = TherapistFactory(user__clinics=[practice.foxboro], user__full_name="Sam Foxboro")
    WorkingHours.objects.create(
        therapist=therapist, clinic=practice.foxboro, weekday=0, starts=dt.time(9), ends=dt.time(17)
    )
    return therapist


def test_the_reported_attack_fails_at_every_step(client, practice):
    sam = foxboro_therapist(practice)
    hours = sam.working_hours.get()
    client.force_login(practice.admin)
    clinic_url = f"/admin/clinics/clinic/{practice.stoughton.pk}/change/"
    sam_url = f"/admin/clinics/therapist/{sam.pk}/change/"

    # 1. Add Sam to Stoughton from the clinic page's staff list.
    data = form_data(client.get(clinic_url))
    add_row(data, "memberships", {"clinic": practice.stoughton.pk, "user": sam.user.pk})
    client.post(clinic_url, data)
    # 2. Certify Sam for dry needling from his page, then delete his Foxboro hours.
    page = client.get(sam_url)
    data = form_data(page) if page.status_code == 200 else {"title": "PT"}
    for prefix, initial in (("credentials", 0), ("working_hours", 1), ("time_off", 0)):
        data.setdefault(f"{prefix}-TOTAL_FORMS", initial)
        data.setdefault(f"{prefix}-INITIAL_FORMS", initial)
    data.update({"working_hours-0-id": hours.pk, "working_hours-0-therapist": sam.pk})
    certify = dict(data)
    add_row(
        certify,
        "credentials",
        {
            "kind": Credential.Kind.DRY_NEEDLING,
            "issuer": "Forged",
            "number": "X",
            "valid_from": "2026-01-01",
            "expires_on": "2030-01-01",
        },
    )
    assert client.post(sam_url, certify).status_code == 404
    assert client.post(sam_url, {**data, "working_hours-0-DELETE": "on"}).status_code == 404
    # 3. Take Sam off Stoughton again.
    data = form_data(client.get(clinic_url))
    for key, value in list(data.items()):
        if key.startswith("memberships-") and key.endswith("-user") and value == sam.user.pk:
            data[key.replace("-user", "-DELETE")] = "on"
    client.post(clinic_url, data)

    assert not sam.credentials.exists()
    assert WorkingHours.objects.filter(pk=hours.pk).exists()
    assert list(sam.user.memberships.values_list("clinic_id", flat=True)) == [practice.foxboro.pk]


def test_the_clinic_page_lists_nobody_from_another_clinic(client, practice):
    sam = foxboro_therapist(practice)
    client.force_login(practice.admin)
    page = client.get(f"/admin/clinics/clinic/{practice.stoughton.pk}/change/")
    offered = set(inline_formset(page, StaffMembership).empty_form.fields["user"].queryset)
    assert sam.user not in offered and practice.outsider not in offered
    assert practice.other_patient.user not in offered
    for person in (sam.user, practice.outsider, practice.other_patient.user):
        assert person.email not in page.content.decode()


def test_the_services_refuse_a_clinic_admin_outside_their_clinics(practice):
    sam = foxboro_therapist(practice)
    admin = practice.admin
    with pytest.raises(NotAllowed):
        clinic_services.membership_save(
            membership=StaffMembership(user=sam.user, clinic=practice.stoughton), by=admin
        )
    with pytest.raises(NotAllowed):
        clinic_services.credential_save(
            credential=Credential(
                therapist=sam,
                kind=Credential.Kind.DRY_NEEDLING,
                issuer="Forged",
                number="X",
                valid_from=dt.date(2026, 1, 1),
                expires_on=dt.date(2030, 1, 1),
            ),
            by=admin,
        )
    with pytest.raises(NotAllowed):
        clinic_services.setup_delete(record=sam.working_hours.get(), by=admin)
    with pytest.raises(NotAllowed):
        clinic_services.setup_delete(
            record=StaffMembership.objects.get(user=practice.outsider), by=admin
        )
    # Moving Foxboro's hours to Stoughton is a change to Foxboro's record: refused too.
    hours = sam.working_hours.get()
    hours.clinic = practice.stoughton
    with pytest.raises(NotAllowed):
        working_hours_save(hours=hours, by=admin, fields=["clinic"])
    assert not sam.credentials.exists()
    assert WorkingHours.objects.filter(therapist=sam, clinic=practice.foxboro).count() == 1
    assert sorted(sam.user.memberships.values_list("clinic_id", flat=True)) == [practice.foxboro.pk]


def test_a_therapist_who_also_works_elsewhere_keeps_their_credentials_from_other_admins(practice):
    shared = TherapistFactory(user__clinics=[practice.stoughton, practice.foxboro])
    credential = Credential(
        therapist=shared,
        kind=Credential.Kind.DRY_NEEDLING,
        issuer="Forged",
        number="X",
        valid_from=dt.date(2026, 1, 1),
        expires_on=dt.date(2030, 1, 1),
    )
    with pytest.raises(NotAllowed):
        clinic_services.credential_save(credential=credential, by=practice.admin)
    with pytest.raises(NotAllowed):
        clinic_services.therapist_save(therapist=shared, by=practice.admin, fields=["title"])
    # Their time off, which Stoughton's schedule depends on too, Stoughton's admin may record.
    off = time_off_save(
        time_off=TimeOff(
            therapist=shared,
            starts_at=dt.datetime(2026, 12, 1, 9, tzinfo=dt.UTC),
            ends_at=dt.datetime(2026, 12, 1, 17, tzinfo=dt.UTC),
        ),
        by=practice.admin,
    )
    assert off.pk is not None
    # A superuser, and the system itself (by=None), may do either.
    root = StaffFactory(role=Role.CLINIC_ADMIN, is_superuser=True, is_staff=True, clinics=[])
    clinic_services.credential_save(credential=credential, by=root)
    assert shared.credentials.filter(issuer="Forged").exists()


def test_an_admin_of_both_clinics_may_add_their_staff_to_their_other_clinic(practice):
    StaffMembership.objects.create(user=practice.admin, clinic=practice.foxboro)
    clinic_services.membership_save(
        membership=StaffMembership(user=practice.front_desk, clinic=practice.foxboro),
        by=practice.admin,
    )
    assert practice.front_desk.memberships.count() == 2
