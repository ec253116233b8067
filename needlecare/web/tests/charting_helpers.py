"""Shared by the charting page tests: the patient's pages, reading a page as words, sessions."""

import re

from needlecare.charting.services import needling_add, session_open, session_sign, session_update
from needlecare.common.testing.charting import NEEDLE

CONSENT = "/me/consent/"
MEASURES = "/me/measures/"
LETTERS = "/me/letters/"
BODY = "## What dry needling is\n\nA fine, solid, sterile needle.\n\n## Risks\n\nBruising."


def as_(client, user):
    client.force_login(user)
    return client


def text(response) -> str:
    """The page's words without tags, spaces collapsed, for reading like a person."""
    words = re.sub(r"<[^>]+>", " ", response.content.decode())
    return " ".join(words.replace("&#x27;", "'").replace("&quot;", '"').split())


def open_session(visit, regions=("neck",)):
    return session_open(
        appointment=visit.appointment,
        regions=list(regions),
        by=visit.therapist_user,
        no_changes_confirmed=True,
    )


def signed_session(visit, appointment=None, regions=("neck",), muscle="upper_trapezius"):
    by = visit.therapist_user
    session = session_open(
        appointment=appointment or visit.appointment,
        regions=list(regions),
        by=by,
        no_changes_confirmed=True,
    )
    needling_add(session=session, by=by, muscle=muscle, side="left", **NEEDLE)
    session_update(
        session=session,
        by=by,
        position="prone",
        pain_before=6,
        pain_after=3,
        needles_in=2,
        needles_out=2,
        plan="Review in a week",
    )
    return session_sign(session=session, by=by)
