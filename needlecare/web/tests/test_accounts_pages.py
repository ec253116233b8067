import pytest

from needlecare.accounts.models import User
from needlecare.accounts.tests.registration_helpers import confirm_registration
from needlecare.audit.models import AuditEvent
from needlecare.patients.models import Patient, Physician

pytestmark = pytest.mark.django_db

GOOD = {
    "email": "new.patient@example.org",
    "password": "correct horse battery",
    "password_again": "correct horse battery",
    "first_name": "Nora",
    "last_name": "Quinn",
    "date_of_birth": "1988-04-09",
    "phone": "781-555-0177",
    "physician_name": "Dr. Lee",
}


def _register(client, practice, **changes):
    data = {**GOOD, "preferred_clinic": practice.stoughton.pk, **changes}
    return client.post("/accounts/register/", data)


def _nothing_saved():
    assert not User.objects.filter(email=GOOD["email"]).exists()
    # By the whole name: a random persona may be another Quinn.
    assert not Patient.objects.filter(first_name="Nora", last_name="Quinn").exists()
    assert not Physician.objects.filter(name="Dr. Lee").exists()


def test_a_patient_registers_online_and_lands_on_their_page(client, practice):
    response = _register(client, practice)
    assert response.status_code == 302 and response["Location"] == "/accounts/register/sent/"
    patient = Patient.objects.get(email=GOOD["email"])
    assert not patient.user.is_active  # opens when the emailed link is followed
    confirm_registration(client, patient.user)
    assert patient.user.role == "patient"
    assert patient.user.password.startswith(("md5$", "argon2"))
    assert patient.referring_physician.name == "Dr. Lee"
    assert AuditEvent.objects.filter(
        action="patient.registered", target_id=str(patient.pk)
    ).exists()
    assert b"Nora" in client.get("/me/").content


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"password": "short", "password_again": "short"}, "password", "at least 12"),
        (
            {"password": "password123456", "password_again": "password123456"},
            "password",
            "too common",
        ),
        ({"password_again": "something else entirely"}, "password_again", "do not match"),
        ({"email": "not-an-email"}, "email", "valid email"),
        ({"date_of_birth": "2999-01-01"}, "date_of_birth", "future"),
        ({"date_of_birth": "yesterday"}, "date_of_birth", "valid date"),
        ({"first_name": ""}, "first_name", "required"),
        ({"preferred_clinic": "999999"}, "preferred_clinic", "valid choice"),
    ],
)
def test_bad_registration_input_is_explained_next_to_the_field(
    client, practice, changes, field, message
):
    response = _register(client, practice, **changes)
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert field in errors, errors
    assert message in " ".join(errors[field])
    html = response.content.decode()
    assert f'id="id_{field}_error"' in html  # Django links the error to its input
    _nothing_saved()


def test_an_email_already_in_use_answers_alike_and_nothing_is_half_saved(client, practice):
    _register(client, practice, email=practice.patient.email)
    response = _register(client, practice, email=practice.patient.email)
    assert response.status_code == 302 and response["Location"] == "/accounts/register/sent/"
    assert Patient.objects.filter(email=practice.patient.email).count() == 1
    assert not Physician.objects.filter(name="Dr. Lee").exists()


def test_login_with_a_wrong_password_is_refused_with_a_message(client, practice):
    response = client.post(
        "/accounts/login/", {"username": practice.patient.email, "password": "wrong"}
    )
    assert response.status_code == 200
    assert b"correct email" in response.content or b"enter a correct" in response.content.lower()
    assert "_auth_user_id" not in client.session


def test_login_with_empty_fields_is_refused(client, practice):
    response = client.post("/accounts/login/", {"username": "", "password": ""})
    assert response.context["form"].errors
    assert "_auth_user_id" not in client.session


def test_login_logout_and_password_change(client, practice):
    from needlecare.common.testing.factories import PASSWORD

    email = practice.patient.user.email
    assert (
        client.post("/accounts/login/", {"username": email, "password": PASSWORD}).status_code
        == 302
    )
    bad = client.post(
        "/accounts/password/",
        {"old_password": PASSWORD, "new_password1": "short", "new_password2": "short"},
    )
    assert bad.status_code == 200 and bad.context["form"].errors["new_password2"]
    new = "a-brand-new-passphrase"
    ok = client.post(
        "/accounts/password/",
        {"old_password": PASSWORD, "new_password1": new, "new_password2": new},
    )
    assert ok.status_code == 302
    assert client.post("/accounts/logout/").status_code == 302
    assert client.get("/me/").status_code == 302
    assert client.post("/accounts/login/", {"username": email, "password": new}).status_code == 302


def test_repeated_failures_lock_the_account_out(client, practice):
    email = practice.patient.user.email
    for _ in range(5):
        client.post("/accounts/login/", {"username": email, "password": "wrong-password"})
    from needlecare.common.testing.factories import PASSWORD

    locked = client.post("/accounts/login/", {"username": email, "password": PASSWORD})
    assert locked.status_code == 429
    assert b"paused" in locked.content
    assert "_auth_user_id" not in client.session
