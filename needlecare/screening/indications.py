"""What the practice offers dry needling for; the intake asks which apply. Pure data."""

INDICATIONS: tuple[tuple[str, str], ...] = (
    ("muscle_strain", "A muscle strain"),
    ("ligament_sprain", "A ligament sprain"),
    ("joint_pain", "Joint pain"),
    ("range_of_motion", "Stiffness or limited range of motion"),
    ("headache", "Headaches"),
    ("low_back_pain", "Low back pain"),
    ("neck_pain", "Neck pain"),
    ("sports_recovery", "Recovery after sport, competition or training"),
    ("trigger_points", "Trigger points (tight, tender knots in a muscle)"),
)
INDICATION_CODES = frozenset(code for code, _ in INDICATIONS)
