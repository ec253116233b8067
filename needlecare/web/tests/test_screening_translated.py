"""The screening in Spanish and Brazilian Portuguese: the questionnaire and its result speak the
patient's language, and the same intake gives the same codes in every language through the
page, the API (`Accept-Language`) and `needlecare screen` (which stays English)."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

from needlecare.screening.models import Screening
from needlecare.web.tests.test_public_pages_translated import english_left_on, page_text
from needlecare.web.tests.test_screening_pages import answered

pytestmark = pytest.mark.django_db

LANGUAGES = ["en", "es", "pt-br"]
ACCEPT = {"en": "en", "es": "es-US,es;q=0.9,en;q=0.5", "pt-br": "pt-BR,pt;q=0.9,en;q=0.5"}

# Neck: a rash there (contraindicated); a rash without a place is everywhere; blood thinners
# and cancer reach every area; spina bifida only the low back.
INTAKE = {
    "planned_regions": ["neck", "low_back", "shoulder_left"],
    "conditions": [
        {"code": "rash", "regions": ["neck"]},
        {"code": "blood_thinners"},
        {"code": "cancer"},
        {"code": "spina_bifida"},
    ],
    "physician_clearances": [],
}
ANSWERS = answered(
    "rash",
    "blood_thinners",
    "cancer",
    "spina_bifida",
    regions=["neck", "low_back", "shoulder_left"],
    indications=["neck_pain"],
    where_rash=["neck"],
    confirm="on",
)

QUESTIONNAIRE = {
    "es": [
        "¿Es la punción seca adecuada para usted?",
        "¿Qué zonas le gustaría tratar?",
        "Hombro izquierdo",
        "Brazo derecho (brazo, codo y antebrazo)",
        "Sangre y circulación",
        "¿Tiene un sarpullido?",
        "¿Está embarazada, o podría estarlo?",
        "Puntos gatillo (nudos tensos y sensibles en un músculo)",
        "¿Dónde está? (sarpullido)",
        "Ver mi resultado",
    ],
    "pt-br": [
        "O agulhamento a seco é indicado para você?",
        "Quais áreas você gostaria de tratar?",
        "Ombro esquerdo",
        "Braço direito (braço, cotovelo e antebraço)",
        "Sangue e circulação",
        "Você tem uma erupção na pele?",
        "Você está grávida, ou pode estar?",
        "Pontos-gatilho (nós tensos e sensíveis em um músculo)",
        "Onde fica? (erupção na pele)",
        "Ver meu resultado",
    ],
}
RESULT = {
    "es": [
        "El resultado de su cuestionario de seguridad",
        "Cuello: Aquí no se puede ofrecer punción seca",
        "Zona lumbar: Aquí no se puede ofrecer punción seca",
        "Hombro izquierdo: Primero se necesita la recomendación de su médico",
        "Usted indicó un sarpullido en una zona prevista para la punción. No se puede realizar"
        " la punción en esa zona hasta que el sarpullido haya desaparecido.",
        "Usted indicó espina bífida.",
        "Lo que nos indicó que se aplica a todas las zonas",
        "Usted indicó que toma anticoagulantes.",
        "Obtener la carta para su médico (PDF)",
    ],
    "pt-br": [
        "O resultado do seu questionário de segurança",
        "Pescoço: O agulhamento a seco não pode ser oferecido aqui",
        "Região lombar: O agulhamento a seco não pode ser oferecido aqui",
        "Ombro esquerdo: Primeiro é preciso a recomendação do seu médico",
        "Você informou uma erupção na pele em uma área prevista para o agulhamento. Essa área"
        " não pode receber agulhamento até que a erupção tenha desaparecido.",
        "Você informou espinha bífida.",
        "O que você nos informou que vale para todas as áreas",
        "Você informou que toma anticoagulantes.",
        "Baixar a carta para o seu médico (PDF)",
    ],
}
API_MESSAGE = {
    "es": "Usted indicó cáncer, actual o en tratamiento. La punción seca requiere primero una"
    " recomendación de su médico. Con una recomendación de su médico en su expediente, puede"
    " realizarse con precauciones adicionales de su fisioterapeuta.",
    "pt-br": "Você informou câncer, atual ou em tratamento. O agulhamento a seco precisa"
    " primeiro de uma recomendação do seu médico. Com uma recomendação do seu médico registrada,"
    " pode ser feito com cuidado extra do seu fisioterapeuta.",
}


def codes(result: dict) -> tuple:
    """What must not change with the language: every code, in order."""
    return (
        result["decision"],
        result["regions"],
        [(r["code"], r["effect"], r["regions"]) for r in result["reasons"]],
        result["policy_version"],
    )


def as_patient(client, practice, language: str):
    client.force_login(practice.patient.user)
    if language != "en":
        client.cookies["django_language"] = language
    return client


def the_command(tmp_path) -> dict:
    done = subprocess.run(
        [str(Path(sys.executable).parent / "needlecare"), "screen", "-"],
        input=json.dumps(INTAKE).encode(),
        capture_output=True,
        env={"PATH": "/usr/bin:/bin", "NEEDLECARE_DATA_DIR": str(tmp_path)},
        check=True,
    )
    return json.loads(done.stdout)


def the_api(client, language: str):
    return client.post(
        "/api/screening/evaluate",
        data=json.dumps(INTAKE),
        content_type="application/json",
        headers={"accept-language": ACCEPT[language]},
    )


@pytest.mark.parametrize("language", ["es", "pt-br"])
def test_the_questionnaire_is_translated(client, practice, language):
    response = as_patient(client, practice, language).get("/screening/")

    assert response.status_code == 200
    html = response.content.decode()
    assert f'<html lang="{language}">' in html
    text = page_text(html)
    for sentence in QUESTIONNAIRE[language]:
        assert sentence in text, sentence
    assert english_left_on(text, language) == []


@pytest.mark.parametrize("language", ["es", "pt-br"])
def test_incomplete_answers_are_explained_in_the_language(client, practice, language):
    client = as_patient(client, practice, language)
    response = client.post("/screening/", {**ANSWERS, "has_pregnancy": "", "confirm": ""})

    assert response.status_code == 400
    text = page_text(response.content.decode())
    expected = {
        "es": ["Responda sí o no.", "Confirme sus respuestas antes de continuar."],
        "pt-br": ["Responda sim ou não.", "Confirme suas respostas antes de continuar."],
    }[language]
    for sentence in expected:
        assert sentence in text, sentence
    assert english_left_on(text, language) == []
    assert not Screening.objects.exists()


@pytest.mark.parametrize("language", ["es", "pt-br"])
def test_the_result_is_translated(client, practice, language):
    client = as_patient(client, practice, language)
    response = client.post("/screening/", ANSWERS)
    assert response.status_code == 302
    page = client.get(response["Location"])

    assert page.status_code == 200
    html = page.content.decode()
    assert f'<html lang="{language}">' in html
    text = page_text(html)
    for sentence in RESULT[language]:
        assert sentence in text, sentence
    assert english_left_on(text, language) == []


@pytest.mark.parametrize("language", ["es", "pt-br"])
def test_confirming_nothing_changed_is_thanked_in_the_language(client, practice, language):
    client = as_patient(client, practice, language)
    client.post("/screening/", ANSWERS)
    screening = Screening.objects.get()
    page = client.post(f"/screening/{screening.pk}/confirm/", follow=True)

    thanks = {"es": "Gracias: hemos anotado", "pt-br": "Obrigado: registramos"}[language]
    assert thanks in page_text(page.content.decode())


def test_the_same_intake_gives_the_same_codes_in_every_language_and_front_door(
    client, practice, tmp_path
):
    command = the_command(tmp_path)
    expected = codes(command)
    assert command["regions"] == {
        "neck": "contraindicated",
        "low_back": "contraindicated",
        "shoulder_left": "physician_clearance_required",
    }
    english = the_api(client, "en").json()
    assert english == command  # the command and the API in English agree word for word

    for language in LANGUAGES:
        api = the_api(client, language)
        assert api.status_code == 200
        assert codes(api.json()) == expected, language
        assert api["Content-Language"] == language

        Screening.objects.all().delete()
        page = as_patient(client, practice, language).post("/screening/", ANSWERS)
        assert page.status_code == 302
        assert codes(Screening.objects.get().result) == expected, language
        client.logout()
        client.cookies.pop("django_language", None)


@pytest.mark.parametrize("language", ["es", "pt-br"])
def test_the_api_answers_in_the_language_asked(client, tmp_path, language):
    english = {r["code"]: r["message"] for r in the_command(tmp_path)["reasons"]}
    translated = {r["code"]: r["message"] for r in the_api(client, language).json()["reasons"]}

    assert translated.keys() == english.keys()
    assert all(translated[code] != english[code] for code in english)
    assert translated["cancer"] == API_MESSAGE[language]


def test_the_api_speaks_english_without_accept_language_and_other_routes_stay_english(client):
    response = client.post(
        "/api/screening/evaluate", data=json.dumps(INTAKE), content_type="application/json"
    )
    assert response["Content-Language"] == "en"
    assert response.json()["reasons"][0]["message"].startswith("You reported a rash")
    bad = client.post(
        "/api/screening/evaluate",
        data=json.dumps({"planned_regions": []}),
        content_type="application/json",
        headers={"accept-language": "es"},
    )
    assert bad.status_code == 400


def test_stored_results_are_shown_in_the_page_language(client, practice):
    """The message is stored in English; the page shows it in the patient's language."""
    client = as_patient(client, practice, "es")
    client.post("/screening/", ANSWERS)
    screening = Screening.objects.get()
    assert screening.result["reasons"][0]["message"].startswith("You reported a rash")
    client.cookies["django_language"] = "pt-br"
    text = page_text(client.get(f"/screening/{screening.pk}/").content.decode())
    assert "Você informou uma erupção na pele" in text
