"""The demo practice's patients beyond the first five, and the course of care each has had.

Every date is counted from the day the demo is loaded, so the practice always has a year
behind it and two weeks ahead. Names, dates of birth, emails and phone numbers (555-01xx)
are invented.
"""

from dataclasses import dataclass

# The clinic's own physical therapist for evaluations and therapy without needles (Dana Reyes
# is the practice's one therapist certified for dry needling, at both clinics).
PT = {"stoughton": "sam", "foxboro": "alex"}
THERAPISTS = {
    "dana": "dana.reyes@demo.needlecare.test",
    "sam": "sam.patel@demo.needlecare.test",
    "alex": "alex.brooks@demo.needlecare.test",
}


@dataclass(frozen=True)
class Course:
    """A course of care: screened and evaluated on its first visit, then treated every week.

    Treatment visits are dry needling with Dana Reyes for the regions the screening clears,
    and therapy without needles with the clinic's own therapist when it clears none (a
    contraindication, or a physician's clearance still awaited). Visits before today are
    history; those in the next two weeks are booked; later ones are not booked yet.
    """

    began: int  # days before today of the evaluation (negative: it is still to come)
    regions: tuple[str, ...]
    conditions: tuple[str, ...] = ()
    visits: int = 4  # treatment visits after the evaluation
    pain: tuple[int, int] = (7, 3)  # pain (0-10) at the evaluation and at the last visit
    clearance: str = ""  # the physician (data.PHYSICIANS key) whose clearance is recorded
    evaluator: str = "pt"  # "pt": the clinic's own therapist; or "dana"
    missed: int = 0  # a treatment visit (1, 2, ...) the patient did not come to
    cancelled: int = 0  # a treatment visit the patient cancelled two days before
    late_cancelled: int = 0  # one the patient called off the morning of the visit (too late)
    events: tuple[tuple[int, str, str], ...] = ()  # (visit, category, severity)
    requested: bool = False  # the next visit is a request the front desk has not confirmed
    cancels_next: str = ""  # the next booked visit is cancelled, for this reason
    arrived: bool = False  # a visit today, the patient checked in (Foxboro, when open)
    letter: bool = False  # a progress letter to the referring physician at the end
    # (A clearance awaited after an evaluation gets a letter asking the physician for it.)


@dataclass(frozen=True)
class Person:
    first: str
    last: str
    born: str
    clinic: str
    town: str
    phone: str
    doctor: str | None  # data.PHYSICIANS key
    online: bool
    courses: tuple[Course, ...]

    @property
    def email(self) -> str:
        name = f"{self.first}.{self.last}".lower().replace("'", "").replace(" ", "")
        return f"{name}@demo.needlecare.test"


def _people(*rows: tuple[str, str, tuple[Course, ...]]) -> tuple[Person, ...]:
    """Rows of (clinic, "First Last, born, town, doctor or -[, online]", courses)."""
    people = []
    for n, (clinic, who, courses) in enumerate(rows, start=6):
        name, born, town, doctor, *flags = who.split(", ")
        first, last = name.split(" ", 1)
        area = "781" if clinic == "stoughton" else "508"
        people.append(
            Person(
                first,
                last,
                born,
                clinic,
                town,
                f"{area}-555-01{n:02}",
                None if doctor == "-" else doctor,
                flags == ["online"],
                courses,
            )
        )
    return tuple(people)


S, F = "stoughton", "foxboro"
NECK = ("neck",)
LOW_BACK = ("low_back",)

PEOPLE: tuple[Person, ...] = _people(
    # Courses finished over the past year.
    (S, "Daniel Murphy, 1968-05-14, Canton, chen", (Course(330, NECK, visits=3, pain=(8, 3)),)),
    (F, "Rachel Cohen, 1979-11-02, Mansfield, okafor", (Course(300, LOW_BACK, visits=3),)),
    (
        S,
        "Linda Sullivan, 1957-02-21, Stoughton, chen",
        (Course(270, ("shoulder_right",), ("diabetes",), visits=3, pain=(6, 2)),),
    ),
    (
        F,
        "Anthony Romano, 1950-08-09, Walpole, santos",
        (
            Course(
                240,
                ("neck", "upper_back"),
                ("blood_thinners",),
                visits=3,
                pain=(7, 4),
                events=((2, "bruising", "mild"),),
            ),
        ),
    ),
    (
        S,
        "Marcus Johnson, 1975-03-30, Randolph, goldberg",
        (Course(210, ("low_back", "hip_left"), pain=(8, 4), missed=2),),
    ),
    (
        F,
        "Luis Ramirez, 1996-07-18, Foxborough, -",
        (Course(185, ("leg_right",), ("overtrained_athlete",), visits=3, pain=(6, 2)),),
    ),
    (
        S,
        "Mei Lin, 1988-12-05, Sharon, goldberg",
        (Course(160, ("head", "neck"), visits=3, pain=(7, 3), evaluator="dana"),),
    ),
    (
        F,
        "Karen Lindqvist, 1971-04-27, Norfolk, santos",
        (Course(140, NECK, pain=(6, 3), missed=2),),
    ),
    (
        S,
        "Robert Kowalski, 1949-09-11, Avon, chen",
        (
            Course(
                120,
                LOW_BACK,
                ("osteoporosis",),
                visits=4,
                pain=(7, 5),
                events=((3, "soreness_after", "mild"),),
            ),
        ),
    ),
    (
        F,
        "Yuki Tanaka, 1984-01-23, Wrentham, okafor",
        (Course(100, ("shoulder_left",), visits=3, pain=(5, 1), late_cancelled=2),),
    ),
    (
        S,
        "Brian McCarthy, 1966-10-03, Easton, chen",
        (
            Course(
                80,
                ("hip_right", "thigh_right"),
                pain=(6, 3),
                events=((1, "vasovagal", "significant"), (3, "bruising", "mild")),
            ),
        ),
    ),
    (
        F,
        "Deborah Hayes, 1962-06-16, Plainville, santos",
        (Course(65, LOW_BACK, pain=(8, 4), cancelled=3),),
    ),
    (
        S,
        "Jennifer Russo, 1981-03-08, Stoughton, chen, online",
        (Course(50, NECK, pain=(6, 2), letter=True),),
    ),
    (
        F,
        "Christopher Bell, 1977-12-12, Mansfield, okafor",
        (Course(45, ("arm_right",), visits=3, pain=(5, 2)),),
    ),
    # Courses under way: history behind them, visits booked ahead.
    (S, "Aisha Rahman, 1990-02-17, Sharon, goldberg", (Course(24, NECK, visits=5),)),
    (S, "Patrick Doyle, 1970-08-25, Canton, chen", (Course(20, LOW_BACK, visits=5, pain=(8, 4)),)),
    (
        F,
        "Olivia Martin, 1993-05-29, Foxborough, okafor, online",
        (
            Course(
                22,
                ("neck", "upper_back"),
                visits=5,
                cancels_next="Away for work that week; will call to rebook.",
            ),
        ),
    ),
    (F, "James Whitfield, 1958-11-30, Walpole, santos", (Course(16, LOW_BACK, ("diabetes",)),)),
    (
        S,
        "Sofia Costa, 1986-09-14, Stoughton, -, online",
        (Course(12, ("shoulder_right",), pain=(6, 2), requested=True),),
    ),
    (F, "Jorge Silva, 1980-04-04, Mansfield, okafor", (Course(10, ("hip_left",), pain=(6, 3)),)),
    (
        S,
        "Nora Fitzgerald, 1974-07-07, Easton, chen",
        (Course(6, NECK, pain=(5, 2), evaluator="dana"),),
    ),
    (F, "Thomas Byrne, 1965-03-19, Norfolk, santos", (Course(3, LOW_BACK, visits=5),)),
    (S, "Elena Petrova, 1983-10-21, Avon, goldberg", (Course(0, ("leg_left",), pain=(5, 2)),)),
    # A physician's clearance on record (cancer): needling with care.
    (
        S,
        "Hannah Goldstein, 1955-01-28, Sharon, goldberg",
        (Course(60, LOW_BACK, ("cancer",), pain=(6, 3), clearance="goldberg", letter=True),),
    ),
    (
        F,
        "Maureen Kelly, 1952-12-01, Wrentham, okafor, online",
        (Course(14, NECK, ("cancer",), pain=(6, 3), clearance="okafor"),),
    ),
    # A clearance awaited: therapy without needles until the physician answers.
    (
        S,
        "Samuel Okoro, 1960-06-30, Randolph, chen",
        (Course(7, NECK, ("cancer",), visits=3, pain=(6, 4)),),
    ),
    (
        F,
        "Deirdre Nolan, 1959-08-13, Foxborough, santos, online",
        (Course(-4, LOW_BACK, ("cancer",), pain=(7, 5), requested=True),),
    ),
    # Needling ruled out: physical therapy instead.
    (
        S,
        "Diane Tran, 1992-04-11, Stoughton, chen",
        (Course(28, NECK, ("pregnancy",), visits=5, pain=(5, 3)),),
    ),
    (
        F,
        "Amara Nwosu, 1987-02-09, Foxborough, okafor",
        (Course(18, LOW_BACK, ("needle_phobia",), visits=5, pain=(6, 3), arrived=True),),
    ),
    (
        S,
        "Carlos Mendes, 1969-11-19, Canton, -",
        (Course(200, ("shoulder_left",), ("metal_allergy",)),),
    ),
    (
        F,
        "Stephanie Grant, 1973-09-06, Walpole, santos",
        (
            Course(90, NECK, ("blood_disease",), visits=3),
            Course(14, LOW_BACK, ("blood_disease",), pain=(6, 4)),
        ),
    ),
    # Surgery on the low back rules needling out there; the hip is needled.
    (
        S,
        "Richard Hale, 1961-05-02, Easton, goldberg",
        (Course(35, ("low_back", "hip_left"), ("laminectomy",), visits=5, pain=(7, 4)),),
    ),
    # New patients: a first visit today or ahead.
    (S, "Priyanka Iyer, 1998-03-03, Sharon, -", (Course(-2, NECK),)),
    (F, "Michael DeLuca, 1976-10-10, Foxborough, okafor", (Course(0, LOW_BACK),)),
    (S, "Grace Whelan, 1982-06-22, Stoughton, chen", (Course(-8, ("shoulder_left",)),)),
    (
        F,
        "Emily Park, 1995-12-24, Mansfield, -",
        (Course(-1, NECK, cancels_next="Found a time closer to work; will call to rebook."),),
    ),
)

# The first five demo patients (data.PATIENTS), by email: the three the front desk registered
# have a history; Maria and Priya, who signed up online, are new and have none.
COURSES: dict[str, tuple[Course, ...]] = {
    "tom.walsh@demo.needlecare.test": (Course(150, LOW_BACK, visits=3, pain=(7, 3)),),
    "kevin.obrien@demo.needlecare.test": (
        Course(250, ("neck", "shoulder_right"), ("blood_thinners",), visits=3, pain=(6, 3)),
    ),
    "grace.kim@demo.needlecare.test": (Course(9, NECK, pain=(6, 3)),),
}
