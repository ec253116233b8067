"""The patient's account pages in Spanish and Brazilian Portuguese: signing in, registering,
passwords and two-step sign-in, the patient's home and message choices, the pages the links in
messages open, and the progress questionnaires and letters. Each page has the right
`<html lang>`, the translated words, and no English sentence from the catalogue left on it.

The outcome questionnaires themselves stay in English (their validated translations are
licensed separately): the page says so in the patient's language and marks the items English."""

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from needlecare.charting.links import CHECK_IN
from needlecare.common.testing.factories import PatientFactory
from needlecare.outbox.links import link_make
from needlecare.outcomes.instruments import INSTRUMENTS
from needlecare.outcomes.services import measure_record, plan_of_care_set
from needlecare.reports.services import letter_write
from needlecare.scheduling.links import VISIT_SCREENING, WAITLIST_ACCEPT
from needlecare.scheduling.models import WaitlistOffer
from needlecare.scheduling.services import appointment_book, appointment_cancel, waitlist_join
from needlecare.web.tests.charting_helpers import signed_session
from needlecare.web.tests.test_public_pages_translated import (
    CATALOGUES,
    english_left_on,
    page_text,
)

pytestmark = pytest.mark.django_db

WORDS = {
    "es": {
        "login": [
            "Iniciar sesión",
            "Correo electrónico",
            "¿Olvidó su contraseña?",
            "Cree su cuenta",
        ],
        "register": [
            "Cree su cuenta de paciente",
            "Fecha de nacimiento",
            "Clínica de preferencia",
            "Repita la contraseña",
            "Crear la cuenta",
        ],
        "register_sent": ["Revise su correo electrónico", "Abra su enlace para activar su cuenta"],
        "register_confirm": ["Este enlace no se puede usar", "regístrese de nuevo"],
        "reset": ["¿Olvidó su contraseña?", "Envíenme el enlace"],
        "reset_sent": ["le estamos enviando un enlace para elegir una contraseña nueva"],
        "reset_confirm": ["Este enlace no se puede usar", "Pida un enlace nuevo"],
        "reset_complete": ["Su contraseña se ha cambiado", "Ya puede iniciar sesión"],
        "mismatch": "Las dos contraseñas no coinciden.",
        "home": [
            "Hola, ",
            "Sus datos",
            "Fecha de nacimiento",
            "Su cuestionario de seguridad",
            "Próximos pasos",
            "Sus cuestionarios de resultados",
            "Descargar mis registros",
        ],
        "messages": ["Cómo nos comunicamos con usted", "Por correo electrónico", "Guardar"],
        "saved": "Sus preferencias se han guardado.",
        "details": ["Sus datos de contacto", "Código postal (ZIP)", "Guardar mis datos"],
        "password": ["Cambie su contraseña", "Cambiar la contraseña"],
        "password_done": ["Su contraseña se ha cambiado", "Volver a su cuenta"],
        "enrol": [
            "Configure el inicio de sesión en dos pasos",
            "Escanee este código o escriba la clave que aparece abajo.",
            "Activar el inicio de sesión en dos pasos",
        ],
        "measures": [
            "Su evolución",
            "Para responder ahora",
            "Cómo va usted",
            "Todas las puntuaciones",
        ],
        "one_score": "una puntuación hasta ahora",
        "measure": [
            "Este cuestionario está en inglés",
            "pida ayuda a la clínica",
            "Guardar las respuestas",
        ],
        "letters": ["Sus cartas", "Cartas, de la más reciente a la más antigua", "Escrita"],
        "no_letters": "Todavía no hay cartas.",
        "visit": ["Su cuestionario de seguridad antes de su cita", "No ha cambiado nada", "a las"],
        "visit_done": ["Gracias.", "Hemos registrado que nada ha cambiado"],
        "check_in": [
            "¿Cómo se siente después de su cita?",
            "llame al 911",
            "Tengo un moretón donde entró una aguja",
            "Enviar mis respuestas",
        ],
        "red_flag": ["Busque ayuda ahora", "pulmón colapsado (neumotórax)", "Llame al 911"],
        "offer": [
            "Se ha liberado un horario",
            "Aceptar este horario",
            "seguirá en la lista de espera",
        ],
        "booked": ["Su cita está reservada", "Le estamos enviando una confirmación."],
        "refused": ["Este enlace no se puede usar", "No se cambió nada."],
        "month": "de ",
    },
    "pt-br": {
        "login": ["Entrar", "E-mail", "Esqueceu sua senha?", "Crie sua conta"],
        "register": [
            "Crie sua conta de paciente",
            "Data de nascimento",
            "Clínica preferida",
            "Repita a senha",
            "Criar a conta",
        ],
        "register_sent": ["Confira seu e-mail", "Abra o link dela para ativar sua conta"],
        "register_confirm": ["Este link não pode ser usado", "cadastre-se de novo"],
        "reset": ["Esqueceu sua senha?", "Enviar o link"],
        "reset_sent": ["um link para escolher uma nova senha está a caminho"],
        "reset_confirm": ["Este link não pode ser usado", "Peça um novo link"],
        "reset_complete": ["Sua senha foi alterada", "Agora você pode entrar"],
        "mismatch": "As duas senhas não são iguais.",
        "home": [
            "Olá, ",
            "Seus dados",
            "Data de nascimento",
            "Seu questionário de segurança",
            "Próximos passos",
            "Seus questionários de resultados",
            "Baixar meus registros",
        ],
        "messages": ["Como entramos em contato com você", "Por e-mail", "Salvar"],
        "saved": "Suas escolhas foram salvas.",
        "details": ["Seus dados de contato", "CEP (ZIP code)", "Salvar meus dados"],
        "password": ["Altere sua senha", "Alterar a senha"],
        "password_done": ["Sua senha foi alterada", "Voltar para a sua conta"],
        "enrol": [
            "Configure a verificação em duas etapas",
            "Escaneie este código ou digite a chave abaixo.",
            "Ativar a verificação em duas etapas",
        ],
        "measures": [
            "Sua evolução",
            "Para responder agora",
            "Como você está indo",
            "Todas as pontuações",
        ],
        "one_score": "uma pontuação até agora",
        "measure": [
            "Este questionário está em inglês",
            "peça ajuda à clínica",
            "Salvar as respostas",
        ],
        "letters": ["Suas cartas", "Cartas, da mais recente para a mais antiga", "Escrita em"],
        "no_letters": "Ainda não há cartas.",
        "visit": ["Seu questionário de segurança antes da consulta", "Nada mudou", "às"],
        "visit_done": ["Agradecemos.", "Registramos que nada mudou"],
        "check_in": [
            "Como você está depois da consulta?",
            "ligue para o 911",
            "Estou com um hematoma (mancha roxa) onde uma agulha entrou",
            "Enviar minhas respostas",
        ],
        "red_flag": ["Procure ajuda agora", "pulmão colapsado (pneumotórax)", "Ligue para o 911"],
        "offer": [
            "Um horário ficou livre",
            "Aceitar este horário",
            "você continua na lista de espera",
        ],
        "booked": ["Sua consulta está agendada", "Uma confirmação está a caminho."],
        "refused": ["Este link não pode ser usado", "Nada foi alterado."],
        "month": "de ",
    },
}


def _client(language: str, user=None) -> Client:  # type: ignore[no-untyped-def]
    client = Client()
    client.cookies["django_language"] = language
    if user is not None:
        client.force_login(user)
    return client


def _translated(response, language: str, expected: list[str], status: int = 200) -> str:  # type: ignore[no-untyped-def]
    assert response.status_code == status, response.status_code
    html = response.content.decode()
    assert f'<html lang="{language}">' in html
    text = page_text(html)
    for sentence in expected:
        assert sentence in text, (sentence, text)
    assert english_left_on(text, language) == []
    return text


@pytest.mark.parametrize("language", list(CATALOGUES))
def test_signing_in_registering_and_passwords_are_translated(practice, language: str) -> None:
    words = WORDS[language]
    client = _client(language)
    for url, key in (
        ("/accounts/login/", "login"),
        ("/accounts/register/", "register"),
        ("/accounts/register/sent/", "register_sent"),
        ("/accounts/password/reset/", "reset"),
        ("/accounts/password/reset/sent/", "reset_sent"),
        ("/accounts/password/reset/done/", "reset_complete"),
    ):
        _translated(client.get(url), language, words[key])
    _translated(
        client.get("/accounts/register/confirm/MQ/no-such-token/"),
        language,
        words["register_confirm"],
        status=400,
    )
    _translated(
        client.get("/accounts/password/reset/MQ/no-such-token/"), language, words["reset_confirm"]
    )
    mismatch = client.post(
        "/accounts/register/",
        {"email": "new@example.com", "password": "a long passphrase 1", "password_again": "x"},
    )
    _translated(mismatch, language, [words["mismatch"]], status=400)


@pytest.mark.parametrize("language", list(CATALOGUES))
def test_the_patients_own_pages_are_translated(practice, language: str) -> None:
    words = WORDS[language]
    client = _client(language, practice.patient.user)
    _translated(client.get("/me/"), language, words["home"])
    _translated(client.get("/me/messages/"), language, words["messages"])
    saved = client.post("/me/messages/", {"by_email": "on"}, follow=True)
    _translated(saved, language, [words["saved"]])
    _translated(client.get("/accounts/password/"), language, words["password"])
    _translated(client.get("/accounts/password/done/"), language, words["password_done"])
    _translated(client.get("/accounts/two-factor/setup/"), language, words["enrol"])
    _translated(client.get("/me/letters/"), language, [words["no_letters"]])
    _translated(client.get("/me/details/"), language, words["details"])


@pytest.mark.parametrize("language", list(CATALOGUES))
def test_measures_and_letters_are_translated_but_the_questionnaire_stays_english(
    visit, language: str
) -> None:
    words = WORDS[language]
    p = visit.schedule.practice
    signed_session(visit)
    plan_of_care_set(patient=p.patient, regions=["neck"], by=p.therapist.user)
    measure_record(patient=p.patient, instrument="nprs", answers={"pain": 6}, by=p.patient.user)
    letter_write(patient=p.patient, kind="progress", by=p.therapist.user)
    client = _client(language, p.patient.user)

    text = _translated(client.get("/me/measures/"), language, words["measures"])
    assert words["one_score"] in text

    page = client.get("/me/measures/ndi/")
    text = _translated(page, language, words["measure"])
    html = page.content.decode()
    assert 'data-testid="measure-in-english"' in html
    first = INSTRUMENTS["ndi"].items[0]
    assert first.text in text  # the validated English wording, unchanged
    assert html.count('<fieldset lang="en"') == len(INSTRUMENTS["ndi"].items)

    _translated(client.get("/me/letters/"), language, words["letters"])


def test_the_measure_page_in_english_has_no_notice(visit) -> None:
    p = visit.schedule.practice
    plan_of_care_set(patient=p.patient, regions=["neck"], by=p.therapist.user)
    page = _client("en", p.patient.user).get("/me/measures/ndi/")
    assert page.status_code == 200
    assert 'data-testid="measure-in-english"' not in page.content.decode()


@pytest.mark.parametrize("language", list(CATALOGUES))
def test_the_visit_and_check_in_links_are_translated(visit, language: str) -> None:
    words = WORDS[language]
    client = _client(language)
    p = visit.schedule.practice
    tomorrow = appointment_book(
        patient=p.patient,
        clinic=p.stoughton,
        type=visit.schedule.dry_needling,
        therapist=p.therapist,
        starts_at=visit.schedule.at(10, days=1),
        planned_regions=["neck"],
        booked_by=p.front_desk,
    )
    token = link_make(VISIT_SCREENING, tomorrow.pk, expires=tomorrow.starts_at)
    _translated(client.get(f"/links/visit/{token}/"), language, words["visit"])
    _translated(client.post(f"/links/visit/{token}/"), language, words["visit_done"])

    session = signed_session(visit)
    token = link_make(CHECK_IN, session.pk, expires=timezone.now() + dt.timedelta(days=1))
    _translated(client.get(f"/links/check-in/{token}/"), language, words["check_in"])
    red_flag = client.post(f"/links/check-in/{token}/", {"soreness": "4", "breathing": "on"})
    _translated(red_flag, language, words["red_flag"])

    refused = client.get("/links/check-in/tampered/")
    assert refused.status_code >= 400
    _translated(refused, language, words["refused"], status=refused.status_code)


@pytest.mark.parametrize("language", list(CATALOGUES))
def test_a_waitlist_offer_link_is_translated(schedule, language: str) -> None:
    words = WORDS[language]
    p = schedule.practice
    schedule.screen()
    holder = appointment_book(
        patient=p.patient,
        clinic=p.stoughton,
        type=schedule.dry_needling,
        therapist=p.therapist,
        starts_at=schedule.at(10),
        planned_regions=["neck"],
        booked_by=p.front_desk,
    )
    waiting = PatientFactory(preferred_clinic=p.stoughton)
    schedule.screen(waiting)
    waitlist_join(
        patient=waiting,
        clinic=p.stoughton,
        type=schedule.dry_needling,
        first_day=schedule.day,
        last_day=schedule.day,
        planned_regions=["neck"],
        by=waiting.user,
    )
    appointment_cancel(appointment=holder, reason="Unwell", by=p.front_desk)
    offer = WaitlistOffer.objects.get()
    token = link_make(WAITLIST_ACCEPT, offer.pk, expires=offer.expires_at)
    client = _client(language)

    text = _translated(client.get(f"/links/offer/{token}/"), language, words["offer"])
    assert "Monday" not in text and "holding it for you" not in text
    _translated(client.post(f"/links/offer/{token}/"), language, words["booked"])
