"""The patient's booking pages in Spanish and Brazilian Portuguese: booking online step by step,
the appointments page with a waitlist offer, moving an appointment, and their messages and
form errors: the right `<html lang>`, the translated words, days and months in the page's
language, and no English sentence from the catalogue left on the page."""

import datetime as dt
from urllib.parse import urlencode

import pytest
from django.test import Client

from needlecare.common.testing.factories import PatientFactory
from needlecare.scheduling.models import WaitlistEntry, WaitlistOffer
from needlecare.scheduling.services import appointment_cancel
from needlecare.web.tests.booking_helpers import MINE, book, slot
from needlecare.web.tests.test_public_pages_translated import (
    CATALOGUES,
    english_left_on,
    page_text,
)

pytestmark = pytest.mark.django_db

BOOK = "/book/online/"

# Per language: the words each page must show (schedule.day is a Monday; 9:00 in the morning);
# compared without case, as Django's Portuguese capitalises the names of days and months.
EXPECTED = {
    "es": {
        "clinic": ["Reservar en línea", "¿A qué clínica desea ir?", "Pasos de la reserva"],
        "type": ["¿Qué desea reservar?", "Continuar"],
        "blocked": [
            "Antes de la punción seca hace falta un cuestionario de seguridad vigente",
            "Responda el cuestionario de seguridad",
        ],
        "times": ["Horarios libres del lunes", "Lunes ", "Semana siguiente", "Zonas a tratar"],
        "confirm": ["Revisar y reservar", "Reservar este horario", "a las 9:00 AM"],
        "appointments": [
            "Sus citas",
            "Se ha liberado un horario para usted",
            "Aceptar este horario",
            "Lista de espera",
            "Unirse a la lista de espera",
            "Pasadas y canceladas",
            "a las 9:00 AM",
        ],
        "move": ["Elegir otro horario", "Reservada ahora:", "Horarios libres del lunes"],
        "cancelled": "Su cita está cancelada.",
        "waitlist_error": "El último día debe ser posterior al primero.",
        "weekday": "lunes",
    },
    "pt-br": {
        "clinic": ["Agendar on-line", "Qual clínica você quer visitar?", "Etapas do agendamento"],
        "type": ["O que você quer agendar?", "Continuar"],
        "blocked": [
            "O agulhamento a seco exige antes um questionário de segurança válido",
            "Responda ao questionário de segurança",
        ],
        "times": [
            "Horários livres de segunda-feira",
            "Segunda-feira",
            "Semana seguinte",
            "Áreas a tratar",
        ],
        "confirm": ["Conferir e agendar", "Agendar este horário", "às 09:00"],
        "appointments": [
            "Suas consultas",
            "Um horário ficou livre para você",
            "Aceitar este horário",
            "Lista de espera",
            "Entrar na lista de espera",
            "Anteriores e canceladas",
            "às 09:00",
        ],
        "move": ["Escolher outro horário", "Agendada agora:", "Horários livres de segunda-feira"],
        "cancelled": "Sua consulta foi cancelada.",
        "waitlist_error": "O último dia deve ser depois do primeiro.",
        "weekday": "segunda-feira",
    },
}
MONTHS = {
    "es": "enero febrero marzo abril mayo junio julio agosto septiembre octubre noviembre "
    "diciembre",
    "pt-br": "janeiro fevereiro março abril maio junho julho agosto setembro outubro novembro "
    "dezembro",
}


def steps(schedule, **choices) -> str:
    query = {
        "clinic": "stoughton",
        "type": "dry-needling",
        "therapist": "any",
        "week": schedule.day.isoformat(),
        "regions": ["neck"],
        **choices,
    }
    return BOOK + "?" + urlencode({k: v for k, v in query.items() if v is not None}, doseq=True)


def _patient_client(schedule, language: str) -> Client:
    client = Client()
    client.cookies["django_language"] = language
    client.force_login(schedule.practice.patient.user)
    return client


def _translated(response, language: str, expected: list[str]) -> str:
    assert response.status_code in (200, 400), response.status_code
    html = response.content.decode()
    assert f'<html lang="{language}">' in html
    text = page_text(html)
    for sentence in expected:
        assert sentence.casefold() in text.casefold(), sentence
    assert english_left_on(text, language) == []
    return text


def _month(schedule, language: str) -> str:
    return MONTHS[language].split()[schedule.day.month - 1]


def _long_day(schedule, language: str) -> str:
    """schedule.day as the pages write it (compared in lower case): "lunes 7 de diciembre",
    "segunda-feira, 7 de dezembro"."""
    comma = "," if language == "pt-br" else ""
    weekday = EXPECTED[language]["weekday"]
    return f"{weekday}{comma} {schedule.day.day} de {_month(schedule, language)}"


@pytest.mark.parametrize("language", list(CATALOGUES))
def test_the_booking_steps_are_translated(schedule, language: str) -> None:
    words = EXPECTED[language]
    client = _patient_client(schedule, language)

    _translated(client.get(BOOK), language, words["clinic"])
    _translated(client.get(BOOK + "?clinic=stoughton"), language, words["type"])
    _translated(client.get(steps(schedule)), language, words["blocked"])

    schedule.screen(schedule.practice.patient)
    times = _translated(client.get(steps(schedule)), language, words["times"])
    assert _month(schedule, language) in times.lower()
    assert "Monday" not in times and "Free times" not in times

    confirm = client.get(steps(schedule, slot=slot(schedule, 9)))
    text = _translated(confirm, language, words["confirm"])
    assert _long_day(schedule, language) in text.lower()


@pytest.mark.parametrize("language", list(CATALOGUES))
def test_the_appointments_page_and_its_offer_are_translated(schedule, language: str) -> None:
    words = EXPECTED[language]
    p = schedule.practice
    client = _patient_client(schedule, language)
    book(schedule, type=schedule.evaluation, at=schedule.at(9, days=1))
    other = PatientFactory(preferred_clinic=p.stoughton)
    taken = book(schedule, patient=other, type=schedule.evaluation, at=schedule.at(9))
    joined = client.post(
        "/me/waitlist/",
        {
            "type": schedule.evaluation.pk,
            "first_day": schedule.day.isoformat(),
            "last_day": (schedule.day + dt.timedelta(days=2)).isoformat(),
        },
    )
    assert joined.status_code == 302
    assert WaitlistEntry.objects.filter(patient=p.patient).exists()
    appointment_cancel(appointment=taken, reason="Other plans", by=p.front_desk)

    text = _translated(client.get(MINE), language, words["appointments"])
    assert _long_day(schedule, language) in text.lower()
    assert "Monday" not in text and "Tuesday" not in text

    backwards = client.post(
        "/me/waitlist/",
        {
            "type": schedule.evaluation.pk,
            "first_day": (schedule.day + dt.timedelta(days=2)).isoformat(),
            "last_day": schedule.day.isoformat(),
        },
    )
    assert backwards.status_code == 400
    _translated(backwards, language, [words["waitlist_error"]])


@pytest.mark.parametrize("language", list(CATALOGUES))
def test_moving_and_cancelling_are_translated(schedule, language: str) -> None:
    words = EXPECTED[language]
    schedule.screen(schedule.practice.patient)
    appointment = book(schedule, at=schedule.at(9))
    client = _patient_client(schedule, language)

    text = _translated(
        client.get(f"/me/appointments/{appointment.pk}/move/"), language, words["move"]
    )
    assert _month(schedule, language) in text.lower()

    cancelled = client.post(
        f"/me/appointments/{appointment.pk}/cancel/", {"reason": "Mejor"}, follow=True
    )
    _translated(cancelled, language, [words["cancelled"]])


REFUSALS = {
    "es": {
        "closed": "Esta oferta ya no está disponible.",
        "unscreened": "primero responda el cuestionario de seguridad",
    },
    "pt-br": {
        "closed": "Esta oferta não está mais disponível.",
        "unscreened": "responda primeiro ao questionário de segurança",
    },
}


@pytest.mark.parametrize("language", list(CATALOGUES))
def test_the_services_fixed_refusals_are_translated(schedule, language: str) -> None:
    """A service refuses in English with a fixed sentence; the patient's page shows it in the
    page's language (and the same code: the same status)."""
    p = schedule.practice
    client = _patient_client(schedule, language)
    unscreened = client.post(
        "/me/waitlist/",
        {
            "type": schedule.dry_needling.pk,
            "first_day": schedule.day.isoformat(),
            "last_day": schedule.day.isoformat(),
        },
    )
    assert unscreened.status_code == 400
    _translated(unscreened, language, [REFUSALS[language]["unscreened"]])

    other = PatientFactory(preferred_clinic=p.stoughton)
    taken = book(schedule, patient=other, type=schedule.evaluation, at=schedule.at(9))
    client.post(
        "/me/waitlist/",
        {
            "type": schedule.evaluation.pk,
            "first_day": schedule.day.isoformat(),
            "last_day": schedule.day.isoformat(),
        },
    )
    appointment_cancel(appointment=taken, reason="Other plans", by=p.front_desk)
    offer = WaitlistOffer.objects.get(entry__patient=p.patient)
    assert client.post(f"/me/waitlist/offers/{offer.pk}/accept/").status_code == 302
    again = client.post(f"/me/waitlist/offers/{offer.pk}/accept/")
    assert again.status_code == 400
    _translated(again, language, [REFUSALS[language]["closed"]])
