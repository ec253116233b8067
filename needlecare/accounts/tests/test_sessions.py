"""Idle and absolute session limits, against the real database session backend."""

import datetime as dt

import pytest
import time_machine
from django.contrib.sessions.models import Session
from django.contrib.staticfiles import finders

from needlecare.audit.models import AuditEvent
from needlecare.clinics.services import staff_deactivate
from needlecare.common.testing.factories import PASSWORD
from needlecare.common.testing.two_factor import VerifiedClient as Client

pytestmark = pytest.mark.django_db

START = dt.datetime(2026, 3, 2, 14, 0, tzinfo=dt.UTC)


def _sign_in(client, user) -> None:
    response = client.post("/accounts/login/", {"username": user.email, "password": PASSWORD})
    assert response.status_code == 302, response
    assert "_auth_user_id" in client.session
    client.pass_second_step(user)  # staff: the real second step, with their app's code


def _signed_out_page(response) -> bool:
    return response.status_code == 302 and response["Location"].startswith("/accounts/login/")


@pytest.mark.parametrize(
    ("who", "still_in", "out"),
    [("front_desk", 29, 31), ("admin", 29, 31), ("patient", 59, 61)],
)
def test_an_idle_session_ends_after_the_roles_limit(client, practice, who, still_in, out):
    user = getattr(practice, who)
    user = getattr(user, "user", user)  # a Patient carries its account
    page = "/me/" if who == "patient" else "/staff/"
    with time_machine.travel(START, tick=False) as traveller:
        _sign_in(client, user)
        traveller.shift(dt.timedelta(minutes=still_in))
        assert client.get(page).status_code == 200
        traveller.shift(dt.timedelta(minutes=out))
        response = client.get(page)
        assert _signed_out_page(response), response
        assert response["Location"] == f"/accounts/login/?next={page}"
        assert "_auth_user_id" not in client.session
        login_page = client.get(response["Location"]).content.decode()
        assert "without activity" in login_page
        # Signed out for good: the next request is anonymous too.
        assert _signed_out_page(client.get(page))


def test_a_staff_session_ends_after_30_idle_minutes_where_a_patients_would_not(client, practice):
    with time_machine.travel(START, tick=False) as traveller:
        _sign_in(client, practice.front_desk)
        traveller.shift(dt.timedelta(minutes=31))
        assert _signed_out_page(client.get("/staff/"))
        client.logout()
        _sign_in(client, practice.patient.user)
        traveller.shift(dt.timedelta(minutes=31))
        assert client.get("/me/").status_code == 200


def test_an_active_session_ends_after_12_hours(client, practice):
    with time_machine.travel(START, tick=False) as traveller:
        _sign_in(client, practice.patient.user)
        for _ in range(14):  # busy every 50 minutes: 11 h 40 min
            traveller.shift(dt.timedelta(minutes=50))
            assert client.get("/me/").status_code == 200
        traveller.shift(dt.timedelta(minutes=21))  # 12 h 1 min after signing in
        assert _signed_out_page(client.get("/me/"))


def test_the_api_answers_401_json_once_the_session_has_ended(client, practice):
    url = f"/api/screening/patients/{practice.patient.pk}"
    with time_machine.travel(START, tick=False) as traveller:
        _sign_in(client, practice.front_desk)
        assert client.get(url).status_code == 200
        traveller.shift(dt.timedelta(minutes=31))
        response = client.get(url)
        assert response.status_code == 401
        assert response.json()["code"] == "session_ended"
        assert "without activity" in response.json()["detail"]


def test_htmx_requests_are_sent_to_the_sign_in_page_whole(client, practice):
    with time_machine.travel(START, tick=False) as traveller:
        _sign_in(client, practice.front_desk)
        traveller.shift(dt.timedelta(minutes=31))
        response = client.get("/staff/", headers={"HX-Request": "true"})
        assert response.status_code == 204
        assert response["HX-Redirect"].startswith("/accounts/login/?next=")


def test_asking_how_long_is_left_is_not_activity_but_staying_signed_in_is(client, practice):
    with time_machine.travel(START, tick=False) as traveller:
        _sign_in(client, practice.front_desk)
        traveller.shift(dt.timedelta(minutes=20))
        assert client.get("/accounts/session/").json() == {"seconds_left": 10 * 60}
        traveller.shift(dt.timedelta(minutes=9))
        assert client.get("/accounts/session/").json() == {"seconds_left": 60}
        stayed = client.post("/accounts/session/")  # the warning's "Stay signed in"
        assert stayed.json() == {"seconds_left": 30 * 60}
        traveller.shift(dt.timedelta(minutes=29))
        assert client.get("/staff/").status_code == 200
        traveller.shift(dt.timedelta(minutes=31))
        ended = client.get("/accounts/session/")
        assert ended.status_code == 401 and ended.json()["code"] == "session_ended"


def test_the_session_status_refuses_other_methods_and_anonymous_callers(client, practice):
    assert client.get("/accounts/session/").status_code == 302  # to sign in
    _sign_in(client, practice.front_desk)
    assert client.put("/accounts/session/").status_code == 405


def test_signed_in_pages_carry_the_idle_warning_script_with_the_roles_limit(client, practice):
    _sign_in(client, practice.front_desk)
    html = client.get("/staff/").content.decode()
    assert 'src="/static/web/idle-logout.js"' in html
    assert 'data-idle-seconds="1800"' in html and 'data-warn-seconds="120"' in html
    client.post("/accounts/logout/")
    assert "idle-logout.js" not in client.get("/").content.decode()
    _sign_in(client, practice.patient.user)
    assert 'data-idle-seconds="3600"' in client.get("/me/").content.decode()


def test_the_idle_warning_script_is_a_static_file_and_builds_no_html_from_strings():
    path = finders.find("web/idle-logout.js")
    assert path, "web/idle-logout.js is not among the static files"
    with open(path, encoding="utf-8") as file:
        source = file.read()
    assert "Stay signed in" in source
    assert "eval(" not in source and "innerHTML" not in source


def _sessions_of(user) -> int:
    return sum(
        1 for s in Session.objects.all() if s.get_decoded().get("_auth_user_id") == str(user.pk)
    )


def test_changing_the_password_ends_every_other_session_of_the_account(client, practice):
    user = practice.patient.user
    laptop, phone = Client(), Client()
    _sign_in(laptop, user)
    _sign_in(phone, user)
    _sign_in(client, practice.other_patient.user)  # someone else's session stays
    assert _sessions_of(user) == 2
    new = "a-brand-new-passphrase"
    response = laptop.post(
        "/accounts/password/",
        {"old_password": PASSWORD, "new_password1": new, "new_password2": new},
    )
    assert response.status_code == 302
    assert _sessions_of(user) == 1  # the laptop's, the one that changed it
    assert laptop.get("/me/").status_code == 200
    assert _signed_out_page(phone.get("/me/"))
    assert client.get("/me/").status_code == 200
    assert AuditEvent.objects.filter(action="user.sessions_ended", target_id=str(user.pk)).exists()


def test_deactivating_an_account_deletes_its_sessions_at_once(client, practice):
    desk = practice.front_desk
    _sign_in(client, desk)
    assert _sessions_of(desk) == 1
    staff_deactivate(user=desk, by=practice.admin)
    assert _sessions_of(desk) == 0
    assert _signed_out_page(client.get("/staff/"))
    assert AuditEvent.objects.filter(action="user.sessions_ended", target_id=str(desk.pk)).exists()
