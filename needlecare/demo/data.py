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
    "goldberg": {
        "name": "Dr. Susan Goldberg",
        "practice": "Sharon Internal Medicine (demo)",
        "phone": "781-555-0150",
        "fax": "781-555-0151",
        "email": "sgoldberg@demo.needlecare.test",
    },
    "santos": {
        "name": "Dr. Miguel Santos",
        "practice": "Mansfield Family Health (demo)",
        "phone": "508-555-0180",
        "fax": "508-555-0181",
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

# The consent form each clinic publishes as version 1, in needlecare's own words, covering what
# the clinical reference's "Informed consent: what it covers" lists. Paragraphs are separated by
# blank lines; "## " starts a heading (see charting.models.ConsentDocument).
CONSENT_TITLE = "Consent to dry needling"
CONSENT_BODY = """\
## What dry needling is

Dry needling is a treatment given by a physical therapist. A very fine, solid needle is passed \
through the skin into a tight or painful muscle, or into the tendon, ligament or connective \
tissue around it. Every needle is sterile, used once and then thrown away. Nothing is injected: \
the needle is "dry", which is where the name comes from.

Dry needling is not acupuncture. Acupuncture comes from traditional Chinese medicine and places \
needles along meridians. Dry needling is based on Western anatomy and on the examination your \
therapist has made of your muscles and movement.

## Why it is offered and what it may do

Your therapist offers dry needling as one part of your physical therapy plan, for example for \
muscle pain, trigger points, neck or low back pain, headaches, sprains and strains, or stiffness \
that limits your movement. The aim is to ease pain, help you move more freely and help the \
tissue heal. Your therapist will explain which areas they plan to treat and why.

Many people feel less pain or move more easily after a few sessions, but no result can be \
promised. How much it helps, and for how long, differs from person to person.

## Common effects

These are usually mild and pass within a day or two. Out of every 100 treatments, roughly:
Bruising where a needle went in: about 8.
Bleeding at a needle site (usually a drop or two): between 5 and 16.
Soreness or pain during or after treatment: a few, usually gone within 48 hours.
Tiredness, drowsiness, a headache or feeling sick: rare, well under 1.
Some people feel faint or light-headed during treatment; tell your therapist at once if you do.

## Rare but serious risks

Serious problems are very rare: large studies found fewer than 1 in 1,000 treatments.

A collapsed lung (pneumothorax) can happen if a needle in the chest or upper back reaches the \
lung. Your therapist takes special care in these areas, and you will be asked to accept this \
risk separately before they are treated. Warning signs are shortness of breath, chest pain, a \
dry cough, or pain when breathing in. They can start hours after treatment. If you notice any \
of them, seek medical care straight away (call 911 in an emergency) and tell the clinic.

Other rare risks are irritation of or injury to a nerve (numbness, tingling or weakness), an \
infection at a needle site, a needle breaking, and puncture of a blood vessel or an organ.

## Other choices

You do not have to have dry needling. Other treatments include manual therapy, exercise, \
stretching, heat or cold, and advice on activity and posture. Your therapist can talk these \
through with you.

## Electrical stimulation

Sometimes a small electrical current is passed between two needles. Your therapist will ask \
before using it. It is not used if you have a pacemaker, a defibrillator or another implanted \
electronic device, or epilepsy that is not controlled.

## Your part

I confirm that the answers I gave in the safety screening are true and complete to the best of \
my knowledge. I will tell my therapist before each treatment if anything has changed, such as a \
new medicine, a pregnancy, an illness or an operation.

I have had the chance to ask questions, and they have been answered to my satisfaction.

I understand that I may refuse dry needling, or ask my therapist to stop at any time, without it \
affecting the rest of my care.

## Who treats you

Dry needling is given only by a licensed physical therapist who has completed training and \
certification in dry needling. Your therapist countersigns this form with their name and \
qualifications, and you may ask to see their certificate.

This consent covers a course of treatment. You will be asked to sign again if the treatment \
plan changes, before a first treatment of the chest or upper back, if your health changes, or \
when this form is updated.
"""
