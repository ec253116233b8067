"""The seven outcome measures: items, scoring method, direction, meaningful change, regions.

Facts (ranges, formulas, direction, MCIDs and sources, ODI bands) come from the "Outcome
measures" table of shared/domain/clinical-reference.md. Item titles and answer labels are
needlecare's own plain-language summaries, not the published questionnaires' wording (which is
copyrighted); a clinic holding a licence may show the official forms and enter the answers here.

Missing-item rules are not in the reference except QuickDASH's; the others follow practice
convention (one item may be missing, the rest scaled to it, as the NDI's and ODI's scoring
guidance is commonly applied) and each instrument's `missing_rule` says so.
"""

from .model import Instrument, Item, Mcid

_SIDES = ("left", "right")


def _paired(*parts: str) -> tuple[str, ...]:
    return tuple(f"{part}_{side}" for part in parts for side in _SIDES)


def _scale(low: int, high: int, low_label: str, high_label: str) -> tuple[tuple[int, str], ...]:
    """A numeric rating scale labelled only at its ends."""
    labels = {low: f"{low} - {low_label}", high: f"{high} - {high_label}"}
    return tuple((n, labels.get(n, str(n))) for n in range(low, high + 1))


def _items(choices: tuple[tuple[int, str], ...], *rows: tuple[str, str]) -> tuple[Item, ...]:
    return tuple(Item(key, text, choices) for key, text in rows)


# --- NPRS ----------------------------------------------------------------------------------

NPRS = Instrument(
    code="nprs",
    name="Numeric Pain Rating Scale",
    version="nprs-2026.1",
    items=(
        Item(
            "pain",
            "How strong is your pain? 0 is no pain, 10 the worst pain you can imagine.",
            _scale(0, 10, "no pain", "worst pain imaginable"),
        ),
    ),
    better="lower",
    score_range=(0.0, 10.0),
    unit="points",
    mcid=Mcid(points=2.0, percent=30.0, source="Farrar 2001"),
    regions=(),
    method="sum",
    max_missing=0,
    missing_rule="The one item must be answered.",
)

# --- PSFS ----------------------------------------------------------------------------------

PSFS_SLOTS = 5
PSFS_MIN_ACTIVITIES = 3

PSFS = Instrument(
    code="psfs",
    name="Patient-Specific Functional Scale",
    version="psfs-2026.1",
    items=tuple(
        Item(
            f"activity_{n}",
            f"Activity {n}, named by the patient: how well can you do it today?",
            _scale(0, 10, "unable to do it", "as well as before the problem"),
        )
        for n in range(1, PSFS_SLOTS + 1)
    ),
    better="higher",
    score_range=(0.0, 10.0),
    unit="points",
    mcid=Mcid(points=2.0, percent=None, source="Stratford 1995, for the mean"),
    regions=(),
    method="mean",
    max_missing=PSFS_SLOTS - PSFS_MIN_ACTIVITIES,
    missing_rule=(
        "The patient chooses 3 to 5 activities (clinical reference); an activity slot left "
        "empty is one not chosen, so at least 3 of the 5 must be rated. The score is the mean "
        "of the rated activities."
    ),
    note=(
        "Answers are {'activity_1': 0-10, ..., 'activity_5': 0-10}, None or absent for an "
        "unused slot. The patient's own name for each activity is kept by the caller beside "
        "the answers under the same keys (e.g. {'activity_1': 'Climbing stairs'}); scoring "
        "never reads it. Later scores are comparable only when the same activities are rated "
        "again under the same keys."
    ),
)

# --- NDI and ODI ---------------------------------------------------------------------------

# Our own wording for a 0-5 section: how much the problem affects this part of life.
_SECTION = (
    (0, "Not at all"),
    (1, "A little"),
    (2, "Moderately"),
    (3, "A lot"),
    (4, "Very much"),
    (5, "Completely, or I cannot do it"),
)
_ONE_MISSING = (
    "At most 1 item may be left unanswered; the percentage is then taken over the answered "
    "items, sum / (5 x answered) x 100 (clinical reference formula). The limit of 1 is "
    "practice convention, not in the clinical reference."
)

NDI = Instrument(
    code="ndi",
    name="Neck Disability Index",
    version="ndi-2026.1",
    items=_items(
        _SECTION,
        ("pain_intensity", "Neck pain intensity"),
        ("personal_care", "Personal care (washing, dressing)"),
        ("lifting", "Lifting"),
        ("reading", "Reading"),
        ("headaches", "Headaches"),
        ("concentration", "Concentration"),
        ("work", "Work"),
        ("driving", "Driving"),
        ("sleeping", "Sleeping"),
        ("recreation", "Recreation"),
    ),
    better="lower",
    score_range=(0.0, 100.0),
    unit="%",
    # Young 2009 reports 7.5 points on the 0-50 raw sum; the score here is the percentage
    # (raw x 2), so the same change is 15 percentage points.
    mcid=Mcid(
        points=15.0,
        percent=None,
        source=(
            "Young 2009: 7.5 of the 50 raw points, doubled for the percentage; "
            "the authors advise 10 raw points, i.e. 20 percentage points"
        ),
    ),
    regions=("neck",),
    method="percent",
    max_missing=1,
    missing_rule=_ONE_MISSING,
    note=(
        "No severity bands: the clinical reference gives none for the NDI. The MCID reads "
        "Young 2009's 7.5 as raw points out of 50 (reviews list it beside other raw-scale "
        "values), so 15 on the percentage score; to be confirmed by a clinician."
    ),
)

ODI_BANDS = (
    (20.0, "minimal"),
    (40.0, "moderate"),
    (60.0, "severe"),
    (80.0, "crippled"),
    (100.0, "bed-bound"),
)

ODI = Instrument(
    code="odi",
    name="Oswestry Disability Index",
    version="odi-2026.1",
    items=_items(
        _SECTION,
        ("pain_intensity", "Back or leg pain intensity"),
        ("personal_care", "Personal care (washing, dressing)"),
        ("lifting", "Lifting"),
        ("walking", "Walking"),
        ("sitting", "Sitting"),
        ("standing", "Standing"),
        ("sleeping", "Sleeping"),
        ("sex_life", "Sex life (leave blank if it does not apply)"),
        ("social_life", "Social life"),
        ("travelling", "Travelling"),
    ),
    better="lower",
    score_range=(0.0, 100.0),
    unit="%",
    mcid=Mcid(points=10.0, percent=30.0, source="Ostelo 2008"),
    regions=("low_back",),
    method="percent",
    max_missing=1,
    missing_rule=_ONE_MISSING,
    bands=ODI_BANDS,
    note="Bands: 0-20 minimal, over 20-40 moderate, over 40-60 severe, over 60-80 crippled, "
    "over 80 bed-bound (clinical reference), read from the rounded score.",
)

# --- HIT-6 ---------------------------------------------------------------------------------

HIT6 = Instrument(
    code="hit6",
    name="Headache Impact Test (HIT-6)",
    version="hit6-2026.1",
    items=_items(
        ((6, "Never"), (8, "Rarely"), (10, "Sometimes"), (11, "Very often"), (13, "Always")),
        ("severe_pain", "Headache pain that is severe"),
        ("daily_activities", "Headaches limiting your usual daily activities"),
        ("lie_down", "Wanting to lie down because of a headache"),
        ("too_tired", "Too tired for work or daily activities because of headaches"),
        ("fed_up", "Feeling fed up or irritated because of headaches"),
        ("concentration", "Headaches limiting your concentration"),
    ),
    better="lower",
    score_range=(36.0, 78.0),
    unit="points",
    # The reference gives -2.5 to -8 depending on population; the conservative end is used so
    # a change called meaningful is meaningful in every population it covers.
    mcid=Mcid(
        points=8.0,
        percent=None,
        source="unverified: the larger end of the 2.5-8 points the clinical reference gives "
        "by population",
    ),
    regions=("head",),
    verified=False,
    method="sum",
    max_missing=0,
    missing_rule="Every item must be answered: the sum is not defined with one missing.",
    note=(
        "UNVERIFIED: the answer values 6, 8, 10, 11, 13 are marked unverified in the clinical "
        "reference, and the MCID choice (8 points) awaits a clinician's sign-off."
    ),
)

# --- LEFS ----------------------------------------------------------------------------------

LEFS = Instrument(
    code="lefs",
    name="Lower Extremity Functional Scale",
    version="lefs-2026.1",
    items=_items(
        (
            (0, "Extreme difficulty, or unable"),
            (1, "Quite a bit of difficulty"),
            (2, "Moderate difficulty"),
            (3, "A little difficulty"),
            (4, "No difficulty"),
        ),
        ("usual_work", "Your usual work, housework or school"),
        ("hobbies", "Your usual hobbies, recreation or sport"),
        ("bath", "Getting into or out of the bath"),
        ("walk_rooms", "Walking between rooms"),
        ("shoes_socks", "Putting on shoes or socks"),
        ("squatting", "Squatting"),
        ("lift_from_floor", "Lifting a bag of shopping from the floor"),
        ("light_housework", "Light jobs around the home"),
        ("heavy_housework", "Heavy jobs around the home"),
        ("car", "Getting into or out of a car"),
        ("walk_short", "Walking a couple of blocks"),
        ("walk_long", "Walking about a mile (1.5 km)"),
        ("stairs", "Going up or down a flight of stairs"),
        ("standing", "Standing for an hour"),
        ("sitting", "Sitting for an hour"),
        ("run_even", "Running on even ground"),
        ("run_uneven", "Running on uneven ground"),
        ("sharp_turns", "Turning sharply while running fast"),
        ("hopping", "Hopping"),
        ("rolling_in_bed", "Rolling over in bed"),
    ),
    better="higher",
    score_range=(0.0, 80.0),
    unit="points",
    mcid=Mcid(points=9.0, percent=None, source="Binkley 1999"),
    regions=_paired("hip", "thigh", "knee", "leg", "foot"),
    method="sum",
    max_missing=1,
    missing_rule=(
        "At most 1 item may be left unanswered; the sum is then scaled to all 20 items "
        "(sum x 20 / answered, i.e. the missing item takes the mean of the others) so a skipped "
        "item does not read as lost function. Practice convention, not in the clinical "
        "reference."
    ),
)

# --- QuickDASH -----------------------------------------------------------------------------

QUICKDASH = Instrument(
    code="quickdash",
    name="QuickDASH (arm, shoulder and hand)",
    version="quickdash-2026.1",
    items=_items(
        ((1, "None"), (2, "Mild"), (3, "Moderate"), (4, "Severe"), (5, "Extreme, or unable")),
        ("tight_jar", "Opening a tight or new jar"),
        ("heavy_chores", "Heavy household chores"),
        ("carry_bag", "Carrying a shopping bag or briefcase"),
        ("wash_back", "Washing your back"),
        ("knife", "Using a knife to cut food"),
        ("forceful_recreation", "Recreation that puts force through your arm, shoulder or hand"),
        ("social", "Arm, shoulder or hand problem getting in the way of social activities"),
        ("work_daily", "Arm, shoulder or hand problem limiting work or daily activities"),
        ("pain", "Arm, shoulder or hand pain"),
        ("tingling", "Tingling (pins and needles) in the arm, shoulder or hand"),
        ("sleep", "Difficulty sleeping because of arm, shoulder or hand pain"),
    ),
    better="lower",
    score_range=(0.0, 100.0),
    unit="points",
    mcid=Mcid(
        points=14.0,
        percent=None,
        source="clinical reference, about 14 points; it names no study",
    ),
    regions=_paired("shoulder", "arm", "hand"),
    method="dash",
    max_missing=1,
    missing_rule="Not scored with more than 1 item missing (clinical reference).",
)

INSTRUMENTS: dict[str, Instrument] = {
    instrument.code: instrument for instrument in (NPRS, PSFS, NDI, ODI, HIT6, LEFS, QUICKDASH)
}
