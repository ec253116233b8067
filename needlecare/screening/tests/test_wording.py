"""Every word the screening policy can show a patient is listed for translation, and translated.

The lists are built from the policy's own tables, so a new condition, region, group, indication
or message without its line in needlecare/screening/wording.py (and its translations) fails here.
"""

import pytest
from django.utils import translation

from needlecare.screening import wording
from needlecare.screening.indications import INDICATIONS
from needlecare.screening.policy import (
    CONDITIONS,
    DEFAULT_POLICY,
    REGION_LABELS,
    evaluate,
    parse_intake,
)
from needlecare.screening.policy.model import _compile
from needlecare.screening.policy.vocabulary import QUESTIONNAIRE_GROUPS

# Words that are spelled the same in the translation as in English.
SAME_IN = {"es": {"Abdomen", "Diabetes", "Osteoporosis"}, "pt-br": {"Diabetes"}}


def policy_messages() -> set[str]:
    """Every reason message the default policy can give: each rule, cleared or not, its
    location known or not."""
    return {
        message
        for index, (code, rule) in enumerate(DEFAULT_POLICY.rules.items())
        for message in _compile(code, index, rule).messages.values()
    }


def policy_strings() -> set[str]:
    return (
        set(REGION_LABELS.values())
        | {title for _, title in QUESTIONNAIRE_GROUPS}
        | {c.label for c in CONDITIONS}
        | {c.question for c in CONDITIONS}
        | {label for _, label in INDICATIONS}
        | policy_messages()
    )


def test_every_string_the_policy_can_show_is_listed_for_translation():
    assert policy_strings() - wording.ALL == set()


def test_the_list_holds_nothing_the_policy_no_longer_says():
    assert wording.ALL - policy_strings() == set()


def test_an_evaluated_message_is_one_of_the_listed_messages():
    body = {
        "planned_regions": ["neck", "low_back"],
        "conditions": [{"code": "rash"}, {"code": "cancer"}, {"code": "spina_bifida"}],
    }
    messages = {r.message for r in evaluate(parse_intake(body)).reasons}
    assert len(messages) == 3
    assert messages <= set(wording.REASON_MESSAGES)


@pytest.mark.parametrize("language", ["es", "pt-br"])
def test_every_listed_string_is_translated(language):
    with translation.override(language):
        untranslated = {
            s for s in wording.ALL if wording.policy_text(s) == s and s not in SAME_IN[language]
        }
    assert untranslated == set()


def test_english_is_unchanged_and_an_unknown_string_stays_as_it_is():
    with translation.override("en"):
        assert all(wording.policy_text(s) == s for s in wording.ALL)
    with translation.override("es"):
        assert wording.policy_text("A message no catalogue holds.") == (
            "A message no catalogue holds."
        )
        assert wording.policy_text("") == ""
