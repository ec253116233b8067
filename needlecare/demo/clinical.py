"""What the demo's therapists write: the muscles needled for each region, the session notes,
outcome measure answers that tell a patient's progress, and the adverse events. Pure data."""

import random
from decimal import Decimal
from typing import Any

from needlecare.outcomes.instruments import INSTRUMENTS
from needlecare.screening.policy import THORAX

# Per region: muscles (charting.muscles codes), needle diameter and length, depth (mm),
# technique, the patient's position, what limits the patient, and the indication screened for.
REGIONS: dict[str, dict[str, Any]] = {
    "neck": {
        "muscles": ("upper_trapezius", "levator_scapulae", "splenius_capitis", "suboccipitals"),
        "needle": ("0.25", 30, 18, "pistoning"),
        "position": "prone",
        "impairment": "Cervical rotation to the right limited to 50 degrees by pain",
        "indication": "neck_pain",
    },
    "upper_back": {
        "muscles": ("rhomboids", "middle_trapezius", "lower_trapezius"),
        "needle": ("0.25", 30, 12, "static"),
        "position": "prone",
        "impairment": "Pain between the shoulder blades after 30 minutes at a desk",
        "indication": "trigger_points",
    },
    "low_back": {
        "muscles": ("quadratus_lumborum", "lumbar_multifidus", "lumbar_erector_spinae"),
        "needle": ("0.30", 50, 40, "pistoning"),
        "position": "prone",
        "impairment": "Lumbar flexion limited, fingertips reach mid-shin",
        "indication": "low_back_pain",
    },
    "head": {
        "muscles": ("temporalis", "occipitalis"),
        "needle": ("0.20", 15, 8, "static"),
        "position": "supine",
        "impairment": "Headaches four days a week",
        "indication": "headache",
    },
    "shoulder": {
        "muscles": ("infraspinatus", "supraspinatus", "teres_minor"),
        "needle": ("0.30", 40, 28, "pistoning"),
        "position": "side_lying",
        "impairment": "Shoulder abduction to 120 degrees with a painful arc",
        "indication": "joint_pain",
    },
    "arm": {
        "muscles": ("wrist_extensors", "triceps_brachii"),
        "needle": ("0.25", 30, 15, "pistoning"),
        "position": "supine",
        "impairment": "Gripping a kettle painful; grip strength 20 kg",
        "indication": "muscle_strain",
    },
    "hip": {
        "muscles": ("gluteus_medius", "piriformis", "gluteus_minimus"),
        "needle": ("0.30", 60, 50, "pistoning"),
        "position": "side_lying",
        "impairment": "Single-leg stance painful after 10 seconds",
        "indication": "trigger_points",
    },
    "thigh": {
        "muscles": ("quadriceps", "hamstrings"),
        "needle": ("0.30", 50, 35, "pistoning"),
        "position": "prone",
        "impairment": "Squat depth limited by pain at the front of the thigh",
        "indication": "muscle_strain",
    },
    "leg": {
        "muscles": ("gastrocnemius", "soleus"),
        "needle": ("0.30", 50, 30, "pistoning"),
        "position": "prone",
        "impairment": "Twelve single-leg calf raises before pain",
        "indication": "sports_recovery",
    },
}
ADVICE = (
    "Expect some soreness for a day or two; use heat and gentle movement and keep up the home "
    "exercises. Call the clinic if anything worries you."
)


def region_info(region: str) -> dict[str, Any]:
    return REGIONS[region.rsplit("_", 1)[0] if region not in REGIONS else region]


def indications(regions: tuple[str, ...]) -> list[str]:
    return sorted({region_info(r)["indication"] for r in regions})


def needling(regions: list[str], visit: int, rng: random.Random) -> list[dict[str, Any]]:
    """One muscle a region (two for a single region), on the painful side; needling_add's
    arguments. The thorax is needled on one side only."""
    rows = []
    per_region = 2 if len(regions) == 1 else 1
    thorax_side = rng.choice(("left", "right"))
    for region in regions:
        info = region_info(region)
        paired = region not in REGIONS
        side = region.rsplit("_", 1)[1] if paired else rng.choice(("left", "right"))
        if region in THORAX:
            side = thorax_side
        muscles = info["muscles"]
        diameter, length, depth, technique = info["needle"]
        for n in range(per_region):
            static = technique == "static"
            rows.append(
                {
                    "muscle": muscles[(visit + n) % len(muscles)],
                    "side": side,
                    "needle_diameter_mm": Decimal(diameter),
                    "needle_length_mm": length,
                    "depth_mm": depth - rng.randint(0, 4),
                    "technique": technique,
                    "insertions": 1 if static else rng.randint(3, 8),
                    "minutes_in_place": rng.choice((10, 12, 15)) if static else 1,
                    "twitch_response": not static and rng.random() < 0.7,
                    "referred_pain": rng.random() < 0.3,
                }
            )
    return rows


def session_notes(
    regions: list[str], *, pain: int, needles: int, last: bool, rng: random.Random
) -> dict[str, Any]:
    """session_update's fields for a visit with this pain (0-10) before treatment."""
    info = region_info(regions[0])
    return {
        "position": info["position"],
        "skin_preparation": "70% isopropyl alcohol swab",
        "pain_before": pain,
        "pain_after": max(0, pain - rng.randint(1, 2)),
        "impairment": info["impairment"],
        "immediate_response": "Local twitch responses; movement freer and less painful at retest.",
        "needles_in": needles,
        "needles_out": needles,
        "haemostasis": True,
        "advice": ADVICE,
        "plan": (
            "Discharge to the home exercise program; to call if the pain returns."
            if last
            else "Dry needling again next week, with the home exercise program."
        ),
    }


def pain_at(course_pain: tuple[int, int], visit: int, visits: int, rng: random.Random) -> int:
    """The patient's pain (0-10) at a visit: from the first score towards the last, unevenly."""
    first, last = course_pain
    if visit == 0 or visit >= visits:
        return first if visit == 0 else last
    value = first + (last - first) * visit / visits + rng.choice((-1, 0, 0, 1))
    return max(0, min(10, round(value)))


def index_answers(instrument: str, pain: int, offset: int) -> dict[str, int | None]:
    """NDI or ODI answers (10 items, 0-5 each) adding up to a disability near pain x 6 percent."""
    items = [item.key for item in INSTRUMENTS[instrument].items]
    total = max(0, min(50, round((pain * 6 + offset) / 2)))
    answers: dict[str, int | None] = {}
    for n, key in enumerate(items):
        share = total // len(items) + (1 if n < total % len(items) else 0)
        answers[key] = min(5, share)
    return answers


MEASURES = ("nprs", "ndi", "odi")

# category, severity -> onset, how long, action taken, outcome, who reported it
EVENTS: dict[tuple[str, str], tuple[str, str, str, str, str]] = {
    ("bruising", "mild"): (
        "under_24h",
        "5 days",
        "Advised a cold pack for the first day.",
        "Resolved without treatment.",
        "The patient, at the next visit",
    ),
    ("soreness_after", "mild"): (
        "under_24h",
        "2 days",
        "Advised heat and gentle movement.",
        "Resolved; treated with fewer insertions since.",
        "The patient, by phone",
    ),
    ("vasovagal", "significant"): (
        "during",
        "15 minutes",
        "Needles removed at once; lay supine with the legs raised, water, observed for 30 "
        "minutes before leaving.",
        "Recovered fully at the visit; treated lying down since. Phoned the next day: well.",
        "The therapist",
    ),
}
