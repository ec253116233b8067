"""The demo practice: two Massachusetts clinics, their staff and a handful of patients.

Phone numbers and towns are the practice's own; opening hours, people, credentials and
patients are invented and flagged as demo values.
"""

import datetime as dt
from typing import Any

DEMO_PASSWORD = "needling-demo-2026"  # noqa: S105 - demo accounts, printed on purpose

CLINICS: list[dict[str, Any]] = [
    {
        "slug": "stoughton",
        "name": "Stoughton",
        "city": "Stoughton",
        "state": "MA",
        "postal_code": "02072",
        "phone": "781-436-0391",
        # weekday, opens, closes (local time)
        "hours": [(d, dt.time(7, 0), dt.time(19, 0)) for d in range(5)]
        + [(5, dt.time(8, 0), dt.time(12, 0))],
        "rooms": ["Treatment room 1", "Treatment room 2", "Treatment room 3"],
    },
    {
        "slug": "foxboro",
        "name": "Foxboro",
        "city": "Foxborough",
        "state": "MA",
        "postal_code": "02035",
        "phone": "774-332-1723",
        "hours": [(d, dt.time(7, 0), dt.time(18, 0)) for d in range(5)],
        "rooms": ["Treatment room A", "Treatment room B"],
    },
]

# role, email, full name, clinics, therapist title (therapists only)
STAFF = [
    ("clinic_admin", "admin@demo.needlecare.test", "Morgan Ellis", ["stoughton", "foxboro"], None),
    ("front_desk", "frontdesk.stoughton@demo.needlecare.test", "Jamie Carter", ["stoughton"], None),
    ("front_desk", "frontdesk.foxboro@demo.needlecare.test", "Riley Nguyen", ["foxboro"], None),
    (
        "therapist",
        "dana.reyes@demo.needlecare.test",
        "Dana Reyes",
        ["stoughton", "foxboro"],
        "PT, DPT",
    ),
    ("therapist", "sam.patel@demo.needlecare.test", "Sam Patel", ["stoughton"], "PT, DPT"),
    ("therapist", "alex.brooks@demo.needlecare.test", "Alex Brooks", ["foxboro"], "PT, MSPT"),
]

THERAPIST_BIOS = {
    "dana.reyes@demo.needlecare.test": (
        "Certified in dry needling. Treats at Stoughton on Mondays, Wednesdays and Fridays "
        "and at Foxboro on Tuesdays and Thursdays."
    ),
}

LICENSE_BOARD = "Massachusetts Board of Allied Health Professions"
DN_ISSUER = "Dry needling certification course (demo issuer)"
CPR_ISSUER = "CPR provider course (demo issuer)"


def credentials(today: dt.date) -> dict[str, list[dict[str, object]]]:
    """Credentials by therapist email, dated around the day the demo is loaded."""
    year = dt.timedelta(days=365)
    return {
        "dana.reyes@demo.needlecare.test": [
            {
                "kind": "pt_license",
                "issuer": LICENSE_BOARD,
                "number": "PT-DEMO-1001",
                "valid_from": today - 6 * year,
                "expires_on": today + year,
            },
            {
                "kind": "dry_needling",
                "issuer": DN_ISSUER,
                "number": "DN-DEMO-2001",
                "valid_from": today - year,
                "expires_on": today + 2 * year,
            },
            {
                "kind": "cpr",
                "issuer": CPR_ISSUER,
                "number": "CPR-DEMO-3001",
                "valid_from": today - year,
                "expires_on": today + year,
            },
        ],
        "sam.patel@demo.needlecare.test": [
            {
                "kind": "pt_license",
                "issuer": LICENSE_BOARD,
                "number": "PT-DEMO-1002",
                "valid_from": today - 3 * year,
                "expires_on": today + year,
            },
            # Lapsed: the staff page flags it, and he is not offered for dry needling.
            {
                "kind": "dry_needling",
                "issuer": DN_ISSUER,
                "number": "DN-DEMO-2002",
                "valid_from": today - 3 * year,
                "expires_on": today - dt.timedelta(days=40),
            },
            {
                "kind": "cpr",
                "issuer": CPR_ISSUER,
                "number": "CPR-DEMO-3002",
                "valid_from": today - year,
                "expires_on": today + dt.timedelta(days=21),
            },
        ],
        "alex.brooks@demo.needlecare.test": [
            {
                "kind": "pt_license",
                "issuer": LICENSE_BOARD,
                "number": "PT-DEMO-1003",
                "valid_from": today - 2 * year,
                "expires_on": today + 2 * year,
            },
            {
                "kind": "cpr",
                "issuer": CPR_ISSUER,
                "number": "CPR-DEMO-3003",
                "valid_from": today - year,
                "expires_on": today + year,
            },
        ],
    }


PHYSICIANS = {
    "chen": {
        "name": "Dr. Laura Chen",
        "practice": "South Shore Family Medicine (demo)",
        "phone": "781-555-0140",
        "fax": "781-555-0141",
        "email": "lchen@demo.needlecare.test",
    },
    "okafor": {
        "name": "Dr. Emeka Okafor",
        "practice": "Foxborough Primary Care (demo)",
        "phone": "508-555-0170",
        "fax": "508-555-0171",
        "email": "",
    },
}

# email (also the key), first, last, date of birth, phone, clinic, physician, has an online login
PATIENTS = [
    (
        "maria.lopez@demo.needlecare.test",
        "Maria",
        "Lopez",
        dt.date(1984, 3, 12),
        "781-555-0101",
        "stoughton",
        "chen",
        True,
    ),
    (
        "tom.walsh@demo.needlecare.test",
        "Tom",
        "Walsh",
        dt.date(1971, 9, 30),
        "781-555-0102",
        "stoughton",
        "chen",
        False,
    ),
    (
        "priya.shah@demo.needlecare.test",
        "Priya",
        "Shah",
        dt.date(1995, 6, 4),
        "508-555-0103",
        "foxboro",
        "okafor",
        True,
    ),
    (
        "kevin.obrien@demo.needlecare.test",
        "Kevin",
        "O'Brien",
        dt.date(1963, 1, 22),
        "508-555-0104",
        "foxboro",
        None,
        False,
    ),
    (
        "grace.kim@demo.needlecare.test",
        "Grace",
        "Kim",
        dt.date(2001, 11, 17),
        "781-555-0105",
        "stoughton",
        None,
        False,
    ),
]

# code, name, minutes, buffer minutes, needs the dry needling certification, bookable online
APPOINTMENT_TYPES = [
    ("initial-evaluation", "Initial evaluation", 60, 15, False, True),
    ("dry-needling", "Dry needling treatment", 45, 15, True, True),
    ("follow-up", "Physical therapy follow-up", 45, 15, False, False),
]

# therapist email -> clinic slug -> [(weekday, start, end)]
WORKING_HOURS: dict[str, dict[str, list[tuple[int, dt.time, dt.time]]]] = {
    "dana.reyes@demo.needlecare.test": {
        "stoughton": [(d, dt.time(8, 0), dt.time(16, 0)) for d in (0, 2, 4)],
        "foxboro": [(d, dt.time(9, 0), dt.time(17, 0)) for d in (1, 3)],
    },
    "sam.patel@demo.needlecare.test": {
        "stoughton": [(d, dt.time(9, 0), dt.time(17, 0)) for d in range(5)],
    },
    "alex.brooks@demo.needlecare.test": {
        "foxboro": [(d, dt.time(8, 0), dt.time(16, 0)) for d in range(5)],
    },
}
