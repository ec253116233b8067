"""The screening vocabulary: body regions and reportable conditions.

Codes are stable identifiers shared by every front door (intake page, JSON API, command line,
booking's safety gate); labels and questions may be reworded freely, codes never.
"""

from collections.abc import Iterable
from dataclasses import dataclass

MIDLINE_REGIONS: tuple[str, ...] = (
    "head",
    "face",
    "neck",
    "upper_back",
    "chest",
    "abdomen",
    "low_back",
)
# Paired regions carry the side in the code: "<part>_left", "<part>_right".
PAIRED_PARTS: tuple[str, ...] = (
    "shoulder",
    "arm",
    "hand",
    "hip",
    "thigh",
    "knee",
    "leg",
    "foot",
)
PAIRED_REGIONS: tuple[str, ...] = tuple(
    f"{part}_{side}" for part in PAIRED_PARTS for side in ("left", "right")
)
REGIONS: tuple[str, ...] = MIDLINE_REGIONS + PAIRED_REGIONS
REGION_SET: frozenset[str] = frozenset(REGIONS)
# Where a needle can reach the lung: the riskiest regions (pneumothorax).
THORAX: frozenset[str] = frozenset({"upper_back", "chest"})

_MIDLINE_LABELS = {
    "head": "Head",
    "face": "Face",
    "neck": "Neck",
    "upper_back": "Upper back",
    "chest": "Chest",
    "abdomen": "Abdomen",
    "low_back": "Low back",
}
_PART_LABELS = {
    "shoulder": "shoulder",
    "arm": "arm (upper arm, elbow and forearm)",
    "hand": "hand",
    "hip": "hip",
    "thigh": "thigh",
    "knee": "knee",
    "leg": "lower leg",
    "foot": "foot",
}
REGION_LABELS: dict[str, str] = {
    **_MIDLINE_LABELS,
    **{
        f"{part}_{side}": f"{side.capitalize()} {label}"
        for part, label in _PART_LABELS.items()
        for side in ("left", "right")
    },
}


@dataclass(frozen=True, slots=True)
class ConditionInfo:
    """What the patient is asked and how a condition is named; no clinical effect here."""

    code: str
    label: str  # short, for staff screens and lists
    phrase: str  # fits "You reported ..."
    question: str  # the questionnaire's yes/no question
    group: str  # key into QUESTIONNAIRE_GROUPS
    where_present: bool  # the questionnaire asks where on the body it is
    until: str = ""  # for a where-present condition that passes: "until it has healed"


QUESTIONNAIRE_GROUPS: tuple[tuple[str, str], ...] = (
    ("skin", "Skin"),
    ("blood", "Blood and circulation"),
    ("medicines", "Medicines"),
    ("spine", "Spine and bones"),
    ("health", "Other health"),
    ("pain", "Needles and pain"),
    ("sport", "Sport and training"),
    ("pregnancy", "Pregnancy"),
)

# In the order of the practice's published table; the engine lists reasons in this order
# within an effect.
CONDITIONS: tuple[ConditionInfo, ...] = (
    ConditionInfo(
        "metal_allergy",
        "Metal allergy",
        "an allergy to metals (nickel, chromium)",
        "Are you allergic to any metal, such as nickel or chromium?",
        "health",
        False,
    ),
    ConditionInfo(
        "skin_lesion",
        "Skin lesion, wound or infection",
        "a skin lesion, wound or skin infection",
        "Do you have a skin lesion, an open wound or a skin infection?",
        "skin",
        True,
        "until it has healed",
    ),
    ConditionInfo(
        "rash",
        "Rash",
        "a rash",
        "Do you have a rash?",
        "skin",
        True,
        "until the rash has cleared",
    ),
    ConditionInfo(
        "spray_tan",
        "Spray tan",
        "a spray tan",
        "Do you have a spray tan?",
        "skin",
        True,
        "until the tan has worn off",
    ),
    ConditionInfo(
        "makeup",
        "Makeup or lotion",
        "makeup or lotion on the skin",
        "Are you wearing makeup, lotion or cream on your skin?",
        "skin",
        True,
        "until the skin has been washed clean",
    ),
    ConditionInfo(
        "blood_disease",
        "Blood, bleeding or clotting disorder",
        "a blood disease, bleeding or clotting disorder",
        "Do you have a blood disease, or a bleeding or clotting disorder?",
        "blood",
        False,
    ),
    ConditionInfo(
        "systemic_disease",
        "Serious systemic disease",
        "a serious systemic disease",
        "Do you have a serious disease that affects your whole body?",
        "health",
        False,
    ),
    ConditionInfo(
        "needle_phobia",
        "Fear of needles",
        "a fear of needles",
        "Are you afraid of needles?",
        "pain",
        False,
    ),
    ConditionInfo(
        "cancer",
        "Cancer",
        "cancer, now or under treatment",
        "Do you have cancer, or are you being treated for cancer?",
        "health",
        False,
    ),
    ConditionInfo(
        "lymphedema",
        "Lymphedema",
        "lymphedema",
        "Do you have lymphedema (swelling caused by a build-up of lymph fluid)?",
        "blood",
        True,
    ),
    ConditionInfo(
        "spina_bifida",
        "Spina bifida",
        "spina bifida",
        "Do you have spina bifida?",
        "spine",
        False,
    ),
    ConditionInfo(
        "moderate_scoliosis",
        "Moderate or severe scoliosis",
        "moderate or worse scoliosis",
        "Do you have moderate or severe scoliosis (a sideways curve of the spine)?",
        "spine",
        False,
    ),
    ConditionInfo(
        "laminectomy",
        "Laminectomy or laminotomy",
        "a laminectomy or laminotomy",
        "Have you had a laminectomy or laminotomy (surgery on the back of the spine)?",
        "spine",
        False,
    ),
    ConditionInfo(
        "immunocompromised",
        "Weakened immune system",
        "a weakened immune system",
        "Is your immune system weakened, by an illness or by a medicine?",
        "health",
        False,
    ),
    ConditionInfo(
        "implant",
        "Implant",
        "an implant (device, prosthesis, cosmetic)",
        "Do you have an implant, such as a medical device, a prosthesis or a cosmetic implant?",
        "health",
        True,
    ),
    ConditionInfo(
        "cognitive_impairment",
        "Cognitive impairment",
        "a cognitive impairment",
        "Do you have a condition that affects your memory, understanding or decisions?",
        "health",
        False,
    ),
    ConditionInfo(
        "pregnancy",
        "Pregnancy",
        "a pregnancy",
        "Are you pregnant, or could you be?",
        "pregnancy",
        False,
    ),
    ConditionInfo(
        "blood_thinners",
        "Blood thinners",
        "taking blood thinners",
        "Do you take a medicine that thins your blood (a blood thinner)?",
        "medicines",
        False,
    ),
    ConditionInfo(
        "diabetes",
        "Diabetes",
        "diabetes",
        "Do you have diabetes?",
        "health",
        False,
    ),
    ConditionInfo(
        "osteoporosis",
        "Osteoporosis",
        "osteoporosis",
        "Do you have osteoporosis (thinning of the bones)?",
        "spine",
        False,
    ),
    ConditionInfo(
        "overtrained_athlete",
        "Over-trained athlete",
        "being an under-recovered or over-trained athlete",
        "Are you an athlete who is over-trained, or not yet recovered from training or a"
        " competition?",
        "sport",
        False,
    ),
    ConditionInfo(
        "hyperalgesia",
        "Hyperalgesia",
        "hyperalgesia",
        "Do you have hyperalgesia (pain that feels much stronger than it should)?",
        "pain",
        False,
    ),
    ConditionInfo(
        "allodynia",
        "Allodynia",
        "allodynia",
        "Do you have allodynia (pain from a touch that would not normally hurt)?",
        "pain",
        False,
    ),
)
CONDITION_CODES: tuple[str, ...] = tuple(c.code for c in CONDITIONS)
CONDITION_SET: frozenset[str] = frozenset(CONDITION_CODES)
CONDITION_INFO: dict[str, ConditionInfo] = {c.code: c for c in CONDITIONS}

# The questionnaire: each group's title and its conditions, in table order.
QUESTIONNAIRE: tuple[tuple[str, str, tuple[str, ...]], ...] = tuple(
    (key, title, tuple(c.code for c in CONDITIONS if c.group == key))
    for key, title in QUESTIONNAIRE_GROUPS
)

# Rule effects, region decisions and their strictness, weakest first.
EFFECTS: tuple[str, ...] = ("precaution", "physician_clearance_required", "contraindicated")
SCOPES: tuple[str, ...] = ("whole_patient", "where_present", "regions")
ELIGIBLE = "eligible"
REGION_DECISIONS: tuple[str, ...] = (
    ELIGIBLE,
    "proceed_with_precautions",
    "physician_clearance_required",
    "contraindicated",
)
# The region decisions under which a region may be needled (with care, for precautions).
CLEARING_DECISIONS: frozenset[str] = frozenset({ELIGIBLE, "proceed_with_precautions"})
# A rule effect's strictness; 0 is "eligible", which no rule produces.
EFFECT_RANK: dict[str, int] = {effect: rank for rank, effect in enumerate(EFFECTS, start=1)}
DECISION_RANK: dict[str, int] = {d: rank for rank, d in enumerate(REGION_DECISIONS)}
# What a rule effect means for a region it reaches.
EFFECT_DECISION: dict[str, str] = {
    effect: REGION_DECISIONS[EFFECT_RANK[effect]] for effect in EFFECTS
}

_REGION_ORDER = {code: i for i, code in enumerate(REGIONS)}


def region_order(codes: Iterable[str]) -> tuple[str, ...]:
    """Known region codes, deduplicated, in vocabulary order."""
    return tuple(sorted(set(codes), key=_REGION_ORDER.__getitem__))


def regions_phrase(codes: Iterable[str]) -> str:
    """'the low back', 'the low back and the upper back', for messages."""
    names = [f"the {REGION_LABELS[c][0].lower()}{REGION_LABELS[c][1:]}" for c in codes]
    names = [n.split(" (")[0] for n in names]
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + " and " + names[-1]
