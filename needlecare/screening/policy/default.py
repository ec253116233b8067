"""The practice's published list of contraindications and precautions, as data."""

from .model import Policy, Rule

_CONTRA = "contraindicated"
_PRECAUTION = "precaution"
_WHOLE = "whole_patient"
_WHERE = "where_present"


def _whole(effect: str) -> Rule:
    return Rule(effect=effect, scope=_WHOLE)


def _where(effect: str) -> Rule:
    return Rule(effect=effect, scope=_WHERE)


def _low_back() -> Rule:
    return Rule(effect=_CONTRA, scope="regions", regions=("low_back",))


DEFAULT_POLICY = Policy(
    name="default",
    rules={
        "metal_allergy": _whole(_CONTRA),
        "skin_lesion": _where(_CONTRA),
        "rash": _where(_CONTRA),
        "spray_tan": _where(_CONTRA),
        "makeup": _where(_CONTRA),
        "blood_disease": _whole(_CONTRA),
        "systemic_disease": _whole(_CONTRA),
        "needle_phobia": _whole(_CONTRA),
        # The practice lists cancer under both headings: blocked until a physician recommends
        # dry needling, then a precaution.
        "cancer": Rule(
            effect="physician_clearance_required", scope=_WHOLE, cleared_effect=_PRECAUTION
        ),
        "lymphedema": _where(_CONTRA),
        "spina_bifida": _low_back(),
        "moderate_scoliosis": _low_back(),
        "laminectomy": _low_back(),
        "immunocompromised": _whole(_CONTRA),
        "implant": _where(_CONTRA),
        "cognitive_impairment": _whole(_CONTRA),
        "pregnancy": _whole(_CONTRA),
        "blood_thinners": _whole(_PRECAUTION),
        "diabetes": _whole(_PRECAUTION),
        "osteoporosis": _whole(_PRECAUTION),
        "overtrained_athlete": _whole(_PRECAUTION),
        "hyperalgesia": _whole(_PRECAUTION),
        "allodynia": _whole(_PRECAUTION),
    },
)
