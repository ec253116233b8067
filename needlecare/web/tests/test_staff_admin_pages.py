"""The staff pages of a clinic admin: the staff list, inviting, deactivating, reactivating and
removing; for their own clinics only."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from needlecare.accounts.models import Role, User
from needlecare.clinics.models import Credential, StaffMembership
from needlecare.clinics.services import INVITATION
from needlecare.common.testing.factories import StaffFactory, TherapistFactory
from needlecare.outbox.models import Message

pytestmark = pytest.mark.django_db

STAFF = "/staff/clinics/stoughton/staff/"
INVITE = "/staff/clinics/stoughton/staff/invite/"
THERAPIST = {
    "full_name": "Casey Morgan",
    "email": "casey.morgan@example.org",
    "role": "therapist",
    "title": "PT, DPT",
    "licence_issuer": "MA Board of Allied Health",
    "licence_number": "PT-12345",
    "licence_valid_from": "2025-01-01",
    "licence_expires_on": "2099-12-31",
    "needling_issuer": "Myopain Seminars",
    "needling_number": "DN-678",
    "needling_valid_from": "2025-01-01",
    "needling_expires_on": "2099-12-31",
}


@pytest.fixture
def admin(client, practice):
    client.force_login(practice.admin)
    return client


def invite(admin, practice, **changes):
    data = THERAPIST | {"clinics": [practice.stoughton.pk]} | changes
    return admin.post(INVITE, {k: v for k, v in data.items() if v is not None})


def member_url(user, what, clinic="stoughton"):
    return f"/staff/clinics/{clinic}/staff/{user.pk}/{what}/"


def test_the_staff_list_shows_who_works_there_their_role_account_and_credentials(admin, practice):
    page = admin.get(STAFF)
    assert page.status_code == 200
    text = page.content.decode()
    for user in (practice.therapist.user, practice.front_desk, practice.admin):
        assert user.full_name in text
    assert practice.outsider.full_name not in text
    assert "Certified" in text and "Front desk" in text
    assert member_url(practice.front_desk, "deactivate") in text
    assert member_url(practice.admin, "deactivate") not in text  # not their own


def test_only_clinic_admins_of_the_clinic_reach_the_staff_pages(client, practice):
    urls = [
        STAFF,
        INVITE,
        member_url(practice.front_desk, "deactivate"),
        member_url(practice.front_desk, "remove"),
        f"/staff/clinics/stoughton/therapists/{practice.therapist.pk}/hours/",
        f"/staff/clinics/stoughton/therapists/{practice.therapist.pk}/time-off/",
        "/staff/clinics/stoughton/audit/",
        "/staff/clinics/stoughton/audit/export/",
    ]
    client.force_login(practice.front_desk)
    assert [client.get(u).status_code for u in urls] == [403] * len(urls)
    client.force_login(practice.outsider_admin)
    assert [client.get(u).status_code for u in urls] == [404] * len(urls)
    client.force_login(practice.admin)
    assert [client.get(u).status_code for u in urls[:3]] == [200] * 3


def test_a_member_of_another_clinic_is_not_found_through_this_clinics_pages(admin, practice):
    for what in ("deactivate", "remove"):
        assert admin.get(member_url(practice.outsider, what)).status_code == 404
        assert (
            admin.post(member_url(practice.outsider, what), {"confirm": "yes"}).status_code == 404
        )
    for what in ("reactivate", "invitation"):
        assert admin.post(member_url(practice.outsider, what)).status_code == 404
    assert admin.get(member_url(practice.front_desk, "deactivate", "foxboro")).status_code == 404
    practice.outsider.refresh_from_db()
    assert practice.outsider.is_active


def test_the_invitation_form_offers_only_the_admins_clinics(admin, practice):
    page = admin.get(INVITE)
    assert page.status_code == 200
    assert b"Stoughton" in page.content and b"Foxboro" not in page.content
    assert b"Dry needling certification: number" in page.content


def test_an_admin_invites_a_therapist_who_then_shows_on_the_staff_list(admin, practice):
    response = invite(admin, practice)
    assert response.status_code == 302 and response["Location"] == STAFF
    user = User.objects.get(email="casey.morgan@example.org")
    assert user.therapist.credentials.count() == 2
    assert Message.objects.filter(kind=INVITATION, user=user).count() == 1
    listed = admin.get(STAFF).content.decode()
    assert "Casey Morgan" in listed and "Invited" in listed
    assert member_url(user, "invitation") in listed


def test_a_therapist_without_credentials_is_invited_with_a_warning(admin, practice):
    blank = {k: "" for k in THERAPIST if k.startswith(("licence_", "needling_"))}
    response = invite(admin, practice, **blank)
    assert response.status_code == 302
    page = admin.get(STAFF).content.decode()
    assert "cannot be booked for dry needling" in page
    assert "Not bookable for dry needling" in page


def test_a_partly_given_credential_is_pointed_out_and_nothing_is_written(admin, practice):
    response = invite(admin, practice, needling_number="", needling_expires_on="2020-01-01")
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert errors["needling_number"] == ["Give every detail of the dry needling certification."]
    assert errors["needling_expires_on"] == ["It cannot expire before it is valid."]
    assert not User.objects.filter(email="casey.morgan@example.org").exists()


def test_an_email_in_use_is_refused_next_to_the_email(admin, practice):
    response = invite(admin, practice, email=practice.front_desk.email.upper())
    assert response.status_code == 400
    assert response.context["form"].errors["email"] == [
        "An account with this email already exists."
    ]
    assert Credential.objects.count() == 2  # Dana's, as before


def test_a_clinic_the_admin_does_not_administer_cannot_be_chosen(admin, practice):
    response = invite(admin, practice, clinics=[practice.foxboro.pk])
    assert response.status_code == 400
    assert "clinics" in response.context["form"].errors
    assert not User.objects.filter(email="casey.morgan@example.org").exists()


def test_a_front_desk_invitation_with_a_title_is_refused_next_to_the_role(admin, practice):
    response = invite(admin, practice, role="front_desk", email="desk@example.org")
    assert response.status_code == 400
    assert response.context["form"].errors["role"] == [
        "Only a therapist has a title and credentials."
    ]


def test_deactivation_asks_first_then_closes_the_account(admin, practice):
    url = member_url(practice.front_desk, "deactivate")
    asked = admin.get(url)
    assert asked.status_code == 200
    assert b"signed out at once" in asked.content
    practice.front_desk.refresh_from_db()
    assert practice.front_desk.is_active

    done = admin.post(url, {"confirm": "yes"})
    assert done.status_code == 302 and done["Location"] == STAFF
    practice.front_desk.refresh_from_db()
    assert not practice.front_desk.is_active
    listed = admin.get(STAFF).content.decode()
    assert "Inactive" in listed and member_url(practice.front_desk, "reactivate") in listed

    assert admin.post(member_url(practice.front_desk, "reactivate")).status_code == 302
    practice.front_desk.refresh_from_db()
    assert practice.front_desk.is_active


def test_deactivating_ones_own_account_is_refused_on_the_page(admin, practice):
    response = admin.post(member_url(practice.admin, "deactivate"), {"confirm": "yes"})
    assert response.status_code == 400
    assert b"You cannot do this to your own account." in response.content
    practice.admin.refresh_from_db()
    assert practice.admin.is_active


def test_someone_also_working_elsewhere_is_offered_removal_not_deactivation(admin, practice):
    shared = StaffFactory(role=Role.FRONT_DESK, clinics=[practice.stoughton, practice.foxboro])
    listed = admin.get(STAFF).content.decode()
    assert member_url(shared, "remove") in listed
    assert member_url(shared, "deactivate") not in listed
    refused = admin.post(member_url(shared, "deactivate"), {"confirm": "yes"})
    assert refused.status_code == 400
    assert b"also works at a clinic you do not administer" in refused.content

    assert admin.get(member_url(shared, "remove")).status_code == 200
    assert admin.post(member_url(shared, "remove"), {"confirm": "yes"}).status_code == 302
    assert list(StaffMembership.objects.filter(user=shared).values_list("clinic", flat=True)) == [
        practice.foxboro.pk
    ]
    assert admin.get(member_url(shared, "remove")).status_code == 404  # not staff here any more


def test_an_invitation_is_sent_again_from_the_staff_list(admin, practice):
    invite(admin, practice)
    user = User.objects.get(email="casey.morgan@example.org")
    response = admin.post(member_url(user, "invitation"), follow=True)
    assert b"A new invitation to Casey Morgan is on its way." in response.content
    assert Message.objects.filter(kind=INVITATION, user=user).count() == 2
    refused = admin.post(member_url(practice.front_desk, "invitation"), follow=True)
    assert b"is not waiting for an invitation" in refused.content


def test_the_staff_list_links_to_the_hours_and_time_off_of_active_therapists(admin, practice):
    other = TherapistFactory(user__clinics=[practice.stoughton], user__is_active=False)
    page = admin.get(STAFF).content.decode()
    therapist = practice.therapist.pk
    assert f"/staff/clinics/stoughton/therapists/{therapist}/hours/" in page
    assert f"/staff/clinics/stoughton/therapists/{therapist}/time-off/" in page
    assert f"/therapists/{other.pk}/hours/" not in page


def test_the_staff_list_costs_the_same_queries_however_many_work_there(admin, practice):
    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert admin.get(STAFF).status_code == 200
        return len(captured)

    before = queries()
    for _ in range(3):
        TherapistFactory(user__clinics=[practice.stoughton, practice.foxboro])
        StaffFactory(role=Role.FRONT_DESK, clinics=[practice.stoughton])
    assert queries() == before


def test_the_clinic_page_and_its_navigation_lead_admins_to_staff_management(client, practice):
    client.force_login(practice.admin)
    html = client.get("/staff/clinics/stoughton/").content.decode()
    assert f'href="{STAFF}"' in html and f'href="{INVITE}"' in html
    client.force_login(practice.front_desk)
    html = client.get("/staff/clinics/stoughton/").content.decode()
    assert STAFF not in html and INVITE not in html
