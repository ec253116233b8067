# ruff: noqa: E501  (whole sentences, one per line, as the catalogue shows them)
"""The screening's words in the patient's language; the codes never change.

The policy (needlecare.screening.policy) is pure Python and speaks English. Every English string
it can show a patient is listed here with gettext_noop, so makemessages extracts it, and
`policy_text` shows one in the active language. A reason message is stored in English with the
screening, so a stored result is shown in whatever language the page speaks.

A test (needlecare/screening/tests/test_wording.py) builds every string the policy's tables can
produce and fails if one is missing here: a new condition, region or message needs its line
(and its translations) before it ships. A clinic policy whose rule differs from the default
produces a message not listed here; it is shown in English.
"""

from django.utils.functional import lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_noop as _

# Body regions (REGION_LABELS), in vocabulary order.
REGION_LABELS: tuple[str, ...] = (
    _("Head"),
    _("Face"),
    _("Neck"),
    _("Upper back"),
    _("Chest"),
    _("Abdomen"),
    _("Low back"),
    _("Left shoulder"),
    _("Right shoulder"),
    _("Left arm (upper arm, elbow and forearm)"),
    _("Right arm (upper arm, elbow and forearm)"),
    _("Left hand"),
    _("Right hand"),
    _("Left hip"),
    _("Right hip"),
    _("Left thigh"),
    _("Right thigh"),
    _("Left knee"),
    _("Right knee"),
    _("Left lower leg"),
    _("Right lower leg"),
    _("Left foot"),
    _("Right foot"),
)

# The questionnaire's group titles.
GROUP_TITLES: tuple[str, ...] = (
    _("Skin"),
    _("Blood and circulation"),
    _("Medicines"),
    _("Spine and bones"),
    _("Other health"),
    _("Needles and pain"),
    _("Sport and training"),
    _("Pregnancy"),
)

# Condition labels (short names).
CONDITION_LABELS: tuple[str, ...] = (
    _("Metal allergy"),
    _("Skin lesion, wound or infection"),
    _("Rash"),
    _("Spray tan"),
    _("Makeup or lotion"),
    _("Blood, bleeding or clotting disorder"),
    _("Serious systemic disease"),
    _("Fear of needles"),
    _("Cancer"),
    _("Lymphedema"),
    _("Spina bifida"),
    _("Moderate or severe scoliosis"),
    _("Laminectomy or laminotomy"),
    _("Weakened immune system"),
    _("Implant"),
    _("Cognitive impairment"),
    _("Pregnancy"),
    _("Blood thinners"),
    _("Diabetes"),
    _("Osteoporosis"),
    _("Over-trained athlete"),
    _("Hyperalgesia"),
    _("Allodynia"),
)

# The questionnaire's yes/no questions.
QUESTIONS: tuple[str, ...] = (
    _("Are you allergic to any metal, such as nickel or chromium?"),
    _("Do you have a skin lesion, an open wound or a skin infection?"),
    _("Do you have a rash?"),
    _("Do you have a spray tan?"),
    _("Are you wearing makeup, lotion or cream on your skin?"),
    _("Do you have a blood disease, or a bleeding or clotting disorder?"),
    _("Do you have a serious disease that affects your whole body?"),
    _("Are you afraid of needles?"),
    _("Do you have cancer, or are you being treated for cancer?"),
    _("Do you have lymphedema (swelling caused by a build-up of lymph fluid)?"),
    _("Do you have spina bifida?"),
    _("Do you have moderate or severe scoliosis (a sideways curve of the spine)?"),
    _("Have you had a laminectomy or laminotomy (surgery on the back of the spine)?"),
    _("Is your immune system weakened, by an illness or by a medicine?"),
    _("Do you have an implant, such as a medical device, a prosthesis or a cosmetic implant?"),
    _("Do you have a condition that affects your memory, understanding or decisions?"),
    _("Are you pregnant, or could you be?"),
    _("Do you take a medicine that thins your blood (a blood thinner)?"),
    _("Do you have diabetes?"),
    _("Do you have osteoporosis (thinning of the bones)?"),
    _(
        "Are you an athlete who is over-trained, or not yet recovered from training or a competition?"
    ),
    _("Do you have hyperalgesia (pain that feels much stronger than it should)?"),
    _("Do you have allodynia (pain from a touch that would not normally hurt)?"),
)

# What the patient wants treated (screening.indications).
INDICATIONS: tuple[str, ...] = (
    _("A muscle strain"),
    _("A ligament sprain"),
    _("Joint pain"),
    _("Stiffness or limited range of motion"),
    _("Headaches"),
    _("Low back pain"),
    _("Neck pain"),
    _("Recovery after sport, competition or training"),
    _("Trigger points (tight, tender knots in a muscle)"),
)

# Every reason message the default policy can give (cleared or not, location known or not).
REASON_MESSAGES: tuple[str, ...] = (
    _(
        "You reported an allergy to metals (nickel, chromium). The practice does not offer dry needling to anyone who reports this, in any area of the body."
    ),
    _(
        "You reported a skin lesion, wound or skin infection in an area planned for needling. That area cannot be needled until it has healed."
    ),
    _(
        "You reported a skin lesion, wound or skin infection without saying where it is. Its location is unknown, so it is treated as present in every planned area: none of them can be needled until it has healed. Tell your therapist where it is so the other areas can be considered."
    ),
    _(
        "You reported a rash in an area planned for needling. That area cannot be needled until the rash has cleared."
    ),
    _(
        "You reported a rash without saying where it is. Its location is unknown, so it is treated as present in every planned area: none of them can be needled until the rash has cleared. Tell your therapist where it is so the other areas can be considered."
    ),
    _(
        "You reported a spray tan in an area planned for needling. That area cannot be needled until the tan has worn off."
    ),
    _(
        "You reported a spray tan without saying where it is. Its location is unknown, so it is treated as present in every planned area: none of them can be needled until the tan has worn off. Tell your therapist where it is so the other areas can be considered."
    ),
    _(
        "You reported makeup or lotion on the skin in an area planned for needling. That area cannot be needled until the skin has been washed clean."
    ),
    _(
        "You reported makeup or lotion on the skin without saying where it is. Its location is unknown, so it is treated as present in every planned area: none of them can be needled until the skin has been washed clean. Tell your therapist where it is so the other areas can be considered."
    ),
    _(
        "You reported a blood disease, bleeding or clotting disorder. The practice does not offer dry needling to anyone who reports this, in any area of the body."
    ),
    _(
        "You reported a serious systemic disease. The practice does not offer dry needling to anyone who reports this, in any area of the body."
    ),
    _(
        "You reported a fear of needles. The practice does not offer dry needling to anyone who reports this, in any area of the body."
    ),
    _(
        "You reported cancer, now or under treatment. Dry needling needs a recommendation from your physician first. With a recommendation from your physician on record, it can go ahead with extra care from your therapist."
    ),
    _(
        "You reported cancer, now or under treatment, and your physician's recommendation is on record. Dry needling can go ahead, with extra care from your therapist."
    ),
    _("You reported lymphedema in an area planned for needling. That area cannot be needled."),
    _(
        "You reported lymphedema without saying where it is. Its location is unknown, so it is treated as present in every planned area: none of them can be needled. Tell your therapist where it is so the other areas can be considered."
    ),
    _(
        "You reported spina bifida. The practice does not offer dry needling of the low back with this condition; other areas are not affected."
    ),
    _(
        "You reported moderate or worse scoliosis. The practice does not offer dry needling of the low back with this condition; other areas are not affected."
    ),
    _(
        "You reported a laminectomy or laminotomy. The practice does not offer dry needling of the low back with this condition; other areas are not affected."
    ),
    _(
        "You reported a weakened immune system. The practice does not offer dry needling to anyone who reports this, in any area of the body."
    ),
    _(
        "You reported an implant (device, prosthesis, cosmetic) in an area planned for needling. That area cannot be needled."
    ),
    _(
        "You reported an implant (device, prosthesis, cosmetic) without saying where it is. Its location is unknown, so it is treated as present in every planned area: none of them can be needled. Tell your therapist where it is so the other areas can be considered."
    ),
    _(
        "You reported a cognitive impairment. The practice does not offer dry needling to anyone who reports this, in any area of the body."
    ),
    _(
        "You reported a pregnancy. The practice does not offer dry needling to anyone who reports this, in any area of the body."
    ),
    _(
        "You reported taking blood thinners. Dry needling can go ahead, with extra care from your therapist."
    ),
    _("You reported diabetes. Dry needling can go ahead, with extra care from your therapist."),
    _("You reported osteoporosis. Dry needling can go ahead, with extra care from your therapist."),
    _(
        "You reported being an under-recovered or over-trained athlete. Dry needling can go ahead, with extra care from your therapist."
    ),
    _("You reported hyperalgesia. Dry needling can go ahead, with extra care from your therapist."),
    _("You reported allodynia. Dry needling can go ahead, with extra care from your therapist."),
)

ALL: frozenset[str] = frozenset(
    REGION_LABELS + GROUP_TITLES + CONDITION_LABELS + QUESTIONS + INDICATIONS + REASON_MESSAGES
)


def policy_text(english: str) -> str:
    """A patient-visible string of the screening policy, in the active language (English when
    no translation exists)."""
    return gettext(english) if english else english


policy_text_lazy = lazy(policy_text, str)
