"""A patient's messages go out in the patient's language (`Patient.preferred_language`), read
off a real SMTP server (and the text-message outbox): subject and body translated, no English
sentence of the catalogue left in them, dates with the language's names of days and months; an
English-speaking patient's messages are exactly as they were."""

import datetime as dt
import json

import pytest
from django.utils import timezone

from needlecare.common.testing.charting import sign
from needlecare.common.testing.smtp import text_of
from needlecare.common.time import clinic_zone
from needlecare.outbox.services import messages_send_due
from needlecare.scheduling.models import Status
from needlecare.scheduling.services import appointment_book, appointment_cancel
from needlecare.web.tests.charting_helpers import signed_session
from needlecare.web.tests.test_public_pages_translated import english_left_on

pytestmark = pytest.mark.django_db

BOOKED = {
    "es": {
        "subject": "Su cita en Stoughton el ",
        "body": ["Su cita está reservada:", "Política de cancelación:", "Sus citas: http"],
        "day": "de ",
        "html": '<html lang="es">',
    },
    "pt-br": {
        "subject": "Sua consulta em Stoughton: ",
        "body": [
            "Sua consulta está agendada:",
            "Política de cancelamento:",
            "Suas consultas: http",
        ],
        "day": " às ",
        "html": '<html lang="pt-br">',
    },
}
CANCELLED = {
    "es": ("Su cita del ", "está cancelada", "Reservar otro horario: http"),
    "pt-br": ("Sua consulta de ", "foi cancelada", "Agendar outro horário: http"),
}
AFTERCARE = {
    "es": (
        "Después de su visita de hoy en Stoughton",
        "Es común sentir dolor donde entraron las agujas",
        "llame al 911 o vaya ahora mismo a la sala de emergencias más cercana",
        "neumotórax",
    ),
    "pt-br": (
        "Após sua consulta de hoje em Stoughton",
        "É comum sentir dor onde as agulhas entraram",
        "ligue para o 911 ou vá agora mesmo ao pronto-socorro mais próximo",
        "pneumotórax",
    ),
}
DAY_NAMES = {
    "es": ("lunes", "martes", "miércoles", "jueves", "viernes", "sábado", "domingo"),
    "pt-br": (
        "segunda-feira",
        "terça-feira",
        "quarta-feira",
        "quinta-feira",
        "sexta-feira",
        "sábado",
        "domingo",
    ),
}


def _speaks(patient, language: str) -> None:
    patient.preferred_language = language
    patient.save(update_fields=["preferred_language"])


def book(schedule, status=Status.CONFIRMED):
    p = schedule.practice
    return appointment_book(
        patient=p.patient,
        clinic=p.stoughton,
        type=schedule.dry_needling,
        therapist=p.therapist,
        starts_at=schedule.at(10),
        planned_regions=["neck"],
        booked_by=p.front_desk,
        status=status,
    )


def _english_when(appointment) -> str:
    local = timezone.localtime(appointment.starts_at, clinic_zone(appointment.clinic))
    return f"{local:%A, %B} {local.day} at {local:%-I:%M %p}"


def _subject(message) -> str:
    # A subject in UTF-8 is sent as encoded words, which the parser reads with a leading space.
    return " ".join(str(message["Subject"]).split())


def _html_of(message) -> str:
    part = message.get_body(preferencelist=("html",))
    assert part is not None
    return str(part.get_content())


def _translated(message, language: str) -> str:
    """The message's subject and text, with no English sentence of the catalogue in either."""
    subject, body = _subject(message), text_of(message)
    assert english_left_on(subject, language) == [], subject
    assert english_left_on(body, language) == [], body
    assert "Hello" not in body and "Your appointment" not in subject
    return body


@pytest.mark.parametrize("language", ["es", "pt-br"])
def test_a_booking_confirmation_arrives_in_the_patients_language(schedule, smtp, language):
    patient = schedule.practice.patient
    _speaks(patient, language)
    schedule.screen()
    appointment = book(schedule)
    messages_send_due()
    [message] = smtp.to(patient.email)
    subject = _subject(message)
    expected = BOOKED[language]
    assert subject.startswith(expected["subject"]), subject
    assert expected["day"] in subject
    weekday = DAY_NAMES[language][
        timezone.localtime(appointment.starts_at, clinic_zone(appointment.clinic)).weekday()
    ]
    assert weekday in subject
    body = _translated(message, language)
    greeting = {"es": "Hola, ", "pt-br": "Olá, "}[language]
    assert body.startswith(f"{greeting}{patient.first_name}")
    for sentence in expected["body"]:
        assert sentence in body, body
    assert expected["html"] in _html_of(message)


def test_an_english_speaking_patients_confirmation_is_as_it_always_was(schedule, smtp):
    patient = schedule.practice.patient
    _speaks(patient, "en")
    schedule.screen()
    appointment = book(schedule)
    messages_send_due()
    [message] = smtp.to(patient.email)
    assert _subject(message) == (f"Your appointment at Stoughton on {_english_when(appointment)}")
    body = text_of(message).replace("\r\n", "\n")
    assert body.startswith(f"Hello {patient.first_name},\n")
    assert "\n\nYou are booked:\n\nDry needling treatment with " in body
    assert f", {_english_when(appointment)} (" in body
    assert "Cancellation policy: you can cancel or move a visit online until" in body
    assert "Your appointments: http" in body
    assert '<html lang="en">' in _html_of(message)


@pytest.mark.parametrize("language", ["es", "pt-br"])
def test_a_cancellation_arrives_in_the_patients_language(schedule, smtp, language):
    patient = schedule.practice.patient
    _speaks(patient, language)
    schedule.screen()
    appointment = book(schedule)
    messages_send_due()
    smtp.clear()
    appointment_cancel(appointment=appointment, reason="x", by=schedule.practice.front_desk)
    messages_send_due()
    [message] = smtp.to(patient.email)
    start, end, action = CANCELLED[language]
    subject = _subject(message)
    assert subject.startswith(start) and subject.endswith(end), subject
    assert action in _translated(message, language)


@pytest.mark.parametrize("language", ["es", "pt-br"])
def test_a_text_message_is_in_the_patients_language(schedule, smtp, settings, tmp_path, language):
    outbox = tmp_path / "sms.jsonl"
    settings.NEEDLECARE_SMS_URL = f"file:{outbox}"
    patient = schedule.practice.patient
    patient.messages_by_email, patient.messages_by_sms = False, True
    patient.save()
    _speaks(patient, language)
    schedule.screen()
    book(schedule)
    messages_send_due()
    assert smtp.received == []
    [line] = outbox.read_text().splitlines()
    sent = " ".join(str(v) for v in json.loads(line).values())
    assert BOOKED[language]["subject"] in sent, sent
    assert "Your appointment" not in sent


@pytest.mark.parametrize("language", ["es", "pt-br"])
def test_aftercare_arrives_in_the_patients_language(visit, smtp, language):
    _speaks(visit.patient, language)
    signed_session(visit)
    messages_send_due()
    [message] = smtp.to(visit.patient.email)
    subject, plain, _, _ = AFTERCARE[language]
    assert _subject(message) == subject
    body = _translated(message, language)
    assert plain in body and "781-436-0391" in body
    assert "911" not in body  # the neck is not the thorax


@pytest.mark.parametrize("language", ["es", "pt-br"])
def test_the_pneumothorax_warning_is_in_the_patients_language(visit, smtp, language):
    _speaks(visit.patient, language)
    sign(visit.schedule, visit.document, thorax=True)
    signed_session(visit, regions=("upper_back",), muscle="rhomboids")
    messages_send_due()
    [message] = smtp.to(visit.patient.email)
    _, _, emergency, pneumothorax = AFTERCARE[language]
    body = _translated(message, language)
    assert emergency in body and pneumothorax in body
    assert "** " in body  # still shown first, as a warning


def test_a_password_reset_goes_to_a_patient_in_their_language_and_to_staff_in_english(
    client, practice, smtp
):
    _speaks(practice.patient, "pt-br")
    for user in (practice.patient.user, practice.admin):
        # Asked from a page in Spanish: the page's language never decides the message's.
        client.post("/accounts/password/reset/", {"email": user.email}, HTTP_ACCEPT_LANGUAGE="es")
    messages_send_due()
    [patients] = smtp.to(practice.patient.user.email)
    assert _subject(patients) == "Redefina sua senha do needlecare"
    body = _translated(patients, "pt-br")
    assert "Escolha uma nova senha: http" in body
    [staff] = smtp.to(practice.admin.email)
    assert _subject(staff) == "Reset your needlecare password"
    assert "Choose a new password: http" in text_of(staff)


@pytest.mark.parametrize(
    ("language", "subject", "link"),
    [
        ("es", "Recordatorio: su cita del lunes, ", "No ha cambiado nada: http"),
        ("pt-br", "Lembrete: sua consulta de segunda-feira, ", "Nada mudou: http"),
    ],
)
def test_the_reminder_arrives_in_the_patients_language(schedule, smtp, language, subject, link):
    patient = schedule.practice.patient
    _speaks(patient, language)
    schedule.screen()
    appointment = book(schedule)
    assert appointment.starts_at.astimezone(clinic_zone(appointment.clinic)).weekday() == 0
    messages_send_due(now=appointment.starts_at - dt.timedelta(hours=5))
    [reminder] = [m for m in smtp.to(patient.email) if _subject(m).startswith(subject)]
    assert link in _translated(reminder, language)
