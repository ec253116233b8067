"""English words made outside the templates, as patients' pages show them in Spanish and
Brazilian Portuguese: appointment statuses and waitlist states, the refusals to change a visit
that has started or is inside the late-cancellation window, the refusals of the pages that links
in messages open, the "too many attempts" pause, the progress sentences and chart descriptions
of the measures page, and its form's error box; in English, the words are unchanged (and the
physician letters keep reports.charts' English)."""

import contextlib
import datetime as dt

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import translation

from needlecare.outcomes.instruments import INSTRUMENTS
from needlecare.outcomes.services import measure_record, plan_of_care_set
from needlecare.reports.charts import chart_description, progress_statement
from needlecare.scheduling.services import appointment_cancel
from needlecare.web.progress_words import chart_words, progress_words
from needlecare.web.tests.booking_helpers import MINE, book
from needlecare.web.tests.charting_helpers import MEASURES
from needlecare.web.tests.test_measures_and_letters_pages import NDI_ANSWERS
from needlecare.web.tests.test_public_pages_translated import (
    CATALOGUES,
    english_left_on,
    page_text,
)

pytestmark = pytest.mark.django_db

LANGUAGES = [*CATALOGUES, "en"]

CALL = "Call Stoughton at 781-436-0391 to change this visit"
WINDOW = f"This visit starts within 24 hours, so it can no longer be changed online. {CALL}."
STARTED = "This visit started at 9:00 AM: a visit cannot be cancelled or moved once it has started."

EXPECTED = {
    "es": {
        "statuses": ["Confirmada", "Cancelada", "En espera"],
        "not_movable": "Una cita con estado «cancelada» no se puede cambiar de horario.",
        "window": [
            "Esta cita comienza en menos de 24 horas, por lo que ya no se puede cambiar en línea.",
            "Llame a Stoughton al 781-436-0391 para cambiar esta cita.",
        ],
        "started": [
            "Esta cita comenzó a las",
            "una cita no se puede cancelar ni cambiar de horario una vez que ha comenzado.",
        ],
        "link": "Este enlace no es válido. Use el enlace de su mensaje tal como está.",
        "too_many": ["Demasiados intentos. Espere", "antes de volver a intentarlo."],
    },
    "pt-br": {
        "statuses": ["Confirmada", "Cancelada", "Aguardando"],
        "not_movable": 'Uma consulta com a situação "cancelada" não pode ser remarcada.',
        "window": [
            "Esta consulta começa em menos de 24 horas, por isso não pode mais ser alterada "
            "on-line.",
            "Ligue para Stoughton no 781-436-0391 para alterar esta consulta.",
        ],
        "started": [
            "Esta consulta começou às",
            "uma consulta não pode ser cancelada nem remarcada depois de começar.",
        ],
        "link": "Este link não é válido. Use o link da sua mensagem exatamente como está.",
        "too_many": ["Muitas tentativas. Aguarde", "antes de tentar novamente."],
    },
    "en": {
        "statuses": ["Confirmed", "Cancelled", "Waiting"],
        "not_movable": "A cancelled appointment cannot be moved.",
        "window": [WINDOW],
        "started": [STARTED],
        "link": "This link is not valid. Use the link from your message as it is.",
        "too_many": ["Too many attempts. Please wait", "before trying again."],
    },
}


def _client(language: str, user=None) -> Client:  # type: ignore[no-untyped-def]
    client = Client()
    client.cookies["django_language"] = language
    if user is not None:
        client.force_login(user)
    return client


def _translated(response, language: str, expected: list[str]) -> str:  # type: ignore[no-untyped-def]
    html = response.content.decode()
    assert f'<html lang="{language}">' in html
    text = page_text(html)
    for sentence in expected:
        assert sentence in text, sentence
    if language != "en":
        assert english_left_on(text, language) == []
    return text


@contextlib.contextmanager
def _at(moment: dt.datetime, language: str, user):  # type: ignore[no-untyped-def]
    with time_machine.travel(moment, tick=False):
        yield _client(language, user)


@pytest.mark.parametrize("language", LANGUAGES)
def test_statuses_and_waitlist_states_are_translated(schedule, language: str) -> None:
    words = EXPECTED[language]
    p = schedule.practice
    client = _client(language, p.patient.user)
    book(schedule, type=schedule.evaluation, at=schedule.at(9, days=3))
    called_off = book(schedule, type=schedule.evaluation, at=schedule.at(11, days=3))
    appointment_cancel(appointment=called_off, reason="Other plans", by=p.front_desk)
    joined = client.post(
        "/me/waitlist/",
        {
            "type": schedule.evaluation.pk,
            "first_day": (schedule.day + dt.timedelta(days=4)).isoformat(),
            "last_day": (schedule.day + dt.timedelta(days=6)).isoformat(),
        },
    )
    assert joined.status_code == 302

    page = client.get(MINE)
    assert page.status_code == 200
    _translated(page, language, words["statuses"])

    move = client.get(f"/me/appointments/{called_off.pk}/move/")
    _translated(move, language, [words["not_movable"]])


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_visit_inside_the_window_says_whom_to_call_in_the_pages_language(
    schedule, language: str
) -> None:
    words = EXPECTED[language]
    appointment = book(schedule, type=schedule.evaluation, at=schedule.at(9))
    patient = schedule.practice.patient.user
    with _at(schedule.at(9) - dt.timedelta(hours=24), language, patient) as client:
        listed = client.get(MINE)
        move = client.get(f"/me/appointments/{appointment.pk}/move/")
    [row] = listed.context["upcoming"]
    if language == "en":
        assert row.refusal == WINDOW
    _translated(listed, language, words["window"])
    _translated(move, language, words["window"])


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_started_visit_says_so_in_the_pages_language(schedule, language: str) -> None:
    words = EXPECTED[language]
    appointment = book(schedule, type=schedule.evaluation, at=schedule.at(9))
    patient = schedule.practice.patient.user
    with _at(schedule.at(9, 5), language, patient) as client:
        listed = client.get(MINE)
        move = client.get(f"/me/appointments/{appointment.pk}/move/")
    [row] = listed.context["upcoming"]
    if language == "en":
        assert row.refusal == STARTED
    _translated(listed, language, words["started"])
    _translated(move, language, words["started"])


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_refused_link_says_why_in_the_pages_language(language: str) -> None:
    for name in ("link-offer", "link-visit-screening", "link-check-in"):
        response = _client(language).get(reverse(name, args=["not-a-token"]))
        assert response.status_code >= 400
        _translated(response, language, [EXPECTED[language]["link"]])


@pytest.mark.parametrize("language", LANGUAGES)
def test_too_many_attempts_is_said_in_the_pages_language(practice, language: str) -> None:
    client = _client(language)
    email = practice.patient.user.email
    for _ in range(5):
        client.post("/accounts/login/", {"username": email, "password": "wrong-password"})
    from needlecare.common.testing.factories import PASSWORD

    locked = client.post("/accounts/login/", {"username": email, "password": PASSWORD})
    assert locked.status_code == 429
    # The wait is in minutes or seconds, whatever is left of the window when the test runs.
    _translated(locked, language, EXPECTED[language]["too_many"])


PROGRESS = {
    "es": [
        "Neck Disability Index mejoró de 44% a 32% (12 puntos); todavía no es un cambio "
        "significativo (al menos 15 puntos, Young 2009).",
    ],
    "pt-br": [
        "Neck Disability Index melhorou de 44% para 32% (12 pontos); ainda não é uma mudança "
        "significativa (pelo menos 15 pontos, Young 2009).",
    ],
    "en": [
        "Neck Disability Index improved from 44% to 32% (12 points); that is not yet a "
        "meaningful change (at least 15 points, Young 2009).",
    ],
}
LOWER_IS_BETTER = {
    "es": "cuanto más baja la puntuación, mejor.",
    "pt-br": "quanto mais baixa a pontuação, melhor.",
    "en": "lower is better.",
}
ANOTHER_LOOK = "Some answers need another look; they are marked below."


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_measures_page_says_progress_in_the_pages_language(visit, language: str) -> None:
    p = visit.schedule.practice
    plan_of_care_set(patient=p.patient, regions=["neck"], by=p.therapist.user)
    for answers in (NDI_ANSWERS, {**NDI_ANSWERS, "pain_intensity": 0, "headaches": 0}):
        measure_record(patient=p.patient, instrument="ndi", answers=answers, by=p.therapist.user)
    client = _client(language, p.patient.user)
    page = client.get(MEASURES)
    assert page.status_code == 200
    _translated(page, language, PROGRESS[language])
    assert LOWER_IS_BETTER[language] in page.content.decode()

    bad = client.post("/me/measures/ndi/", {**NDI_ANSWERS, "lifting": "9"})
    assert bad.status_code == 400
    with translation.override(language):
        another_look = translation.gettext(ANOTHER_LOOK)
    assert (another_look == ANOTHER_LOOK) == (language == "en")
    _translated(bad, language, [another_look])


def test_in_english_the_pages_progress_words_are_the_letters_words() -> None:
    when = dt.datetime(2026, 3, 2, 9, tzinfo=dt.UTC)
    with translation.override("en"):
        for code, instrument in INSTRUMENTS.items():
            low, high = instrument.score_range
            values = sorted({low, high, low + 0.5, low + 2.5, (low + high) / 2, high - 1})
            for first in values:
                for last in values:
                    assert progress_words(code, first, last) == progress_statement(
                        code, first, last
                    )
            for points in ([(when, low)], [(when, high), (when + dt.timedelta(days=40), low)]):
                for sessions in (0, 1, 3):
                    assert chart_words(code, points, sessions) == chart_description(
                        code, points, sessions
                    )
