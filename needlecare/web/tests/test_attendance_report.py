"""The attendance report pages: for clinic admins of their own clinics only, the tables and the
chart of the seeded visits, and the CSV that a spreadsheet cannot mistake for formulas."""

import csv
import datetime as dt
import io

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from needlecare.accounts.models import Role
from needlecare.common.testing.factories import StaffFactory, TherapistFactory
from needlecare.reports.tests.test_attendance import (
    DANA,
    FOXBORO,
    LEE_AT_STOUGHTON,
    STOUGHTON,
    ZONE,
    local,
    seed,
    visit,
)
from needlecare.scheduling.models import Status

pytestmark = pytest.mark.django_db

PAGE = "/staff/clinics/stoughton/attendance/"
CSV = "/staff/clinics/stoughton/attendance.csv"
ALL = "/staff/attendance/"
ALL_CSV = "/staff/attendance.csv"
MONTHS = {"since": "2025-10", "until": "2026-03"}


@pytest.fixture
def seeded(practice):
    return seed(practice)


@pytest.fixture
def admin(client, practice):
    client.force_login(practice.admin)
    return client


@pytest.fixture
def admin_of_both(client, practice):
    both = StaffFactory(
        role=Role.CLINIC_ADMIN, is_staff=True, clinics=[practice.stoughton, practice.foxboro]
    )
    client.force_login(both)
    return client


def rows_of(response):
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    return list(csv.reader(io.StringIO(response.content.decode("utf-8"))))


def test_a_clinic_admin_sees_the_clinics_months_and_therapists(admin, seeded):
    response = admin.get(PAGE, MONTHS)
    assert response.status_code == 200
    c = response.context
    assert [line.label for line in c["by_month"]] == [
        "October 2025",
        "November 2025",
        "December 2025",
        "January 2026",
        "February 2026",
        "March 2026",
    ]
    assert [(line.label, line.f) for line in c["by_therapist"]] == [
        ("Dana Reyes", DANA),
        ("Lee Park", LEE_AT_STOUGHTON),
    ]
    assert c["total"].f == STOUGHTON
    assert (c["total"].attendance, c["total"].no_show, c["total"].no_show_of_due) == (
        "40.0%",
        "10.0%",
        "20.0%",
    )
    page = response.content.decode()
    assert "<caption>Attendance by month, October 2025 to March 2026</caption>" in page
    assert 'aria-label="Attendance by therapist, October 2025 to March 2026"' in page
    assert 'src="data:image/svg+xml;base64,' in page
    assert "How the figures are counted" in page
    assert "1 request still awaiting confirmation is not counted as booked." in page
    assert f'href="{PAGE}"' in page  # the clinic's own navigation leads here


def test_the_default_is_the_last_12_months_in_clinic_time(admin, practice):
    visit(practice.stoughton, practice.therapist, local(2025, 4, 2, 10, 0, 0))
    visit(practice.stoughton, practice.therapist, local(2025, 3, 31, 10, 0, 0))
    # 22:30 on March 31 in Stoughton is already April 1 in UTC: the clinic's month counts.
    evening = dt.datetime(2026, 3, 31, 22, 30, tzinfo=ZONE)
    assert evening.astimezone(dt.UTC).month == 4
    with time_machine.travel(evening, tick=False):
        response = admin.get(PAGE)
    c = response.context
    assert (c["first"], c["last"]) == ("April 2025", "March 2026")
    assert c["total"].f.booked == 1
    assert (c["form"]["since"].value(), c["form"]["until"].value()) == ("2025-04", "2026-03")


def test_a_foxboro_admin_gets_not_found_for_stoughtons_report(client, practice, seeded):
    client.force_login(practice.outsider_admin)
    assert client.get(PAGE).status_code == 404
    assert client.get(CSV).status_code == 404
    assert client.get("/staff/clinics/nowhere/attendance/").status_code == 404


@pytest.mark.parametrize("who", ["patient", "front_desk", "therapist", "outsider"])
def test_no_one_but_a_clinic_admin_may_see_it(client, practice, seeded, who):
    user = {
        "patient": practice.patient.user,
        "front_desk": practice.front_desk,
        "therapist": practice.therapist.user,
        "outsider": practice.outsider,
    }[who]
    client.force_login(user)
    for path in (PAGE, CSV, ALL, ALL_CSV):
        assert client.get(path).status_code == 403, path


def test_signed_out_the_report_asks_to_sign_in(client, practice):
    response = client.get(ALL)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_across_clinics_only_the_admins_own_clinics_count(admin, seeded):
    response = admin.get(ALL, MONTHS)
    c = response.context
    assert [(line.label, line.f) for line in c["by_clinic"]] == [("Stoughton", STOUGHTON)]
    assert c["total"].f == STOUGHTON
    assert "Kim Ng" not in [line.label for line in c["by_therapist"]]
    assert "Foxboro" not in response.content.decode()


def test_an_admin_of_both_clinics_sees_both_and_their_sum(admin_of_both, seeded):
    response = admin_of_both.get(ALL, MONTHS)
    c = response.context
    assert [(line.label, line.f) for line in c["by_clinic"]] == [
        ("Foxboro", FOXBORO),
        ("Stoughton", STOUGHTON),
    ]
    assert c["total"].f == FOXBORO + STOUGHTON
    assert [line.label for line in c["by_therapist"]] == ["Dana Reyes", "Kim Ng", "Lee Park"]
    page = response.content.decode()
    assert 'href="/staff/clinics/foxboro/attendance/?since=2025-10&amp;until=2026-03"' in page


@pytest.mark.parametrize(
    ("since", "until", "said"),
    [
        ("2026-03", "2025-10", "The first month comes after the last."),
        ("2023-01", "2026-01", "A report covers at most 36 months."),
        ("March", "2026-01", "Enter a valid date."),
    ],
)
def test_months_that_make_no_sense_are_refused_with_a_reason(admin, practice, since, until, said):
    for path in (PAGE, CSV):
        response = admin.get(path, {"since": since, "until": until})
        assert response.status_code == 400
        assert said in response.content.decode()
        assert "by_month" not in response.context


def test_the_csv_has_the_pages_tables(admin, seeded):
    response = admin.get(CSV, MONTHS)
    assert response.status_code == 200
    assert response["Content-Disposition"] == (
        'attachment; filename="attendance-stoughton-2025-10-to-2026-03.csv"'
    )
    rows = rows_of(response)
    assert rows[0][:4] == ["Clinic", "Month", "Therapist", "Booked"]
    assert rows[0][-1] == "No-show rate of due visits (%)"
    assert len(rows) == 1 + 6 + 2 + 1  # header, months, therapists, total
    assert rows[2] == [
        "Stoughton",
        "2025-11",
        "All therapists",
        *("3", "0", "1", "1", "0", "1", "1", "0", "0"),
        *("0.0", "33.3", "33.3", "33.3", "100.0"),
    ]
    assert rows[5][:4] == ["Stoughton", "2026-02", "All therapists", "0"]
    assert rows[5][11:] == ["1", "", "", "", "", ""]  # a request only: no rates
    assert rows[7][:5] == ["Stoughton", "All months", "Dana Reyes", "8", "3"]
    assert rows[-1] == [
        "Stoughton",
        "All months",
        "All therapists",
        *("10", "4", "3", "1", "1", "1", "1", "1", "1"),
        *("40.0", "30.0", "10.0", "10.0", "20.0"),
    ]


def test_the_csv_across_clinics_adds_a_section_for_all_of_them(admin_of_both, seeded):
    rows = rows_of(admin_of_both.get(ALL_CSV, MONTHS))
    clinics = [row[0] for row in rows[1:]]
    assert clinics == ["Foxboro"] * 9 + ["Stoughton"] * 9 + ["All clinics"] * 10
    assert rows[-1][3:5] == ["18", "8"]


def test_the_csv_is_utf8_and_no_cell_is_a_formula(admin, practice):
    for hour, name in ((10, '=HYPERLINK("http://x")'), (11, "Zoë Ångström")):
        therapist = TherapistFactory(user__clinics=[practice.stoughton], user__full_name=name)
        visit(practice.stoughton, therapist, local(2026, 1, 5, hour, 0, 0), Status.COMPLETED)
    rows = rows_of(admin.get(CSV, {"since": "2026-01", "until": "2026-01"}))
    therapists = [row[2] for row in rows[1:]]
    assert '\'=HYPERLINK("http://x")' in therapists
    assert "Zoë Ångström" in therapists
    assert (
        "Zoë Ångström".encode() in admin.get(CSV, {"since": "2026-01", "until": "2026-01"}).content
    )
    assert not any(cell.startswith(("=", "+", "-", "@")) for row in rows for cell in row)


def test_the_page_costs_the_same_queries_however_many_visits(admin, seeded):
    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert admin.get(ALL, MONTHS).status_code == 200
        return len(captured)

    admin.get(ALL, MONTHS)  # the session is written once
    before = queries()
    kim_or_dana = seeded.therapists["dana"]
    for day in range(1, 29):
        visit(seeded.stoughton, kim_or_dana, local(2026, 2, day, 9, 0, 0), Status.NO_SHOW)
    assert queries() == before


def test_the_admins_today_page_links_each_clinics_report(admin, practice):
    page = admin.get("/staff/").content.decode()
    assert f'href="{PAGE}"' in page
    assert "Attendance over the last 12 months" in page
