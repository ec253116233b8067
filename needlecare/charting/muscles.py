"""The muscle catalogue: each muscle with the body region it lies in. Pure data."""

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Muscle:
    code: str
    name: str
    region: str  # a screening region code, or its stem ("shoulder") for paired regions
    paired: bool = True

    def region_for(self, side: str) -> str:
        """The screening region code needled on this side ("left", "right" or "midline")."""
        if not self.paired:
            return self.region
        if side not in ("left", "right"):
            raise ValueError(f"{self.name} is paired: choose the left or right side")
        return f"{self.region}_{side}"


# Paired muscles of the neck and trunk sit in a midline region: the side is recorded, the
# region is the same either way.
def _trunk(code: str, name: str, region: str) -> Muscle:
    return Muscle(code, name, region, paired=False)


MUSCLES: tuple[Muscle, ...] = (
    # Head and face
    _trunk("temporalis", "Temporalis", "head"),
    _trunk("occipitalis", "Occipitalis", "head"),
    _trunk("masseter", "Masseter", "face"),
    # Neck
    _trunk("upper_trapezius", "Upper trapezius", "neck"),
    _trunk("levator_scapulae", "Levator scapulae", "neck"),
    _trunk("splenius_capitis", "Splenius capitis", "neck"),
    _trunk("suboccipitals", "Suboccipitals", "neck"),
    _trunk("scalenes", "Scalenes", "neck"),
    _trunk("sternocleidomastoid", "Sternocleidomastoid", "neck"),
    _trunk("cervical_multifidus", "Cervical multifidus", "neck"),
    # Upper back (thorax)
    _trunk("middle_trapezius", "Middle trapezius", "upper_back"),
    _trunk("lower_trapezius", "Lower trapezius", "upper_back"),
    _trunk("rhomboids", "Rhomboids", "upper_back"),
    _trunk("thoracic_paraspinals", "Thoracic paraspinals", "upper_back"),
    # Chest (thorax)
    _trunk("pectoralis_major", "Pectoralis major", "chest"),
    _trunk("pectoralis_minor", "Pectoralis minor", "chest"),
    # Abdomen
    _trunk("rectus_abdominis", "Rectus abdominis", "abdomen"),
    # Low back
    _trunk("lumbar_multifidus", "Lumbar multifidus", "low_back"),
    _trunk("quadratus_lumborum", "Quadratus lumborum", "low_back"),
    _trunk("lumbar_erector_spinae", "Lumbar erector spinae", "low_back"),
    # Shoulder
    Muscle("infraspinatus", "Infraspinatus", "shoulder"),
    Muscle("supraspinatus", "Supraspinatus", "shoulder"),
    Muscle("teres_minor", "Teres minor", "shoulder"),
    Muscle("deltoid", "Deltoid", "shoulder"),
    # Arm
    Muscle("biceps_brachii", "Biceps brachii", "arm"),
    Muscle("triceps_brachii", "Triceps brachii", "arm"),
    Muscle("wrist_extensors", "Wrist extensors", "arm"),
    Muscle("wrist_flexors", "Wrist flexors", "arm"),
    # Hand
    Muscle("first_dorsal_interosseous", "First dorsal interosseous", "hand"),
    # Hip
    Muscle("gluteus_maximus", "Gluteus maximus", "hip"),
    Muscle("gluteus_medius", "Gluteus medius", "hip"),
    Muscle("gluteus_minimus", "Gluteus minimus", "hip"),
    Muscle("piriformis", "Piriformis", "hip"),
    Muscle("tensor_fasciae_latae", "Tensor fasciae latae", "hip"),
    # Thigh
    Muscle("quadriceps", "Quadriceps", "thigh"),
    Muscle("hamstrings", "Hamstrings", "thigh"),
    Muscle("adductors", "Adductors", "thigh"),
    # Knee
    Muscle("popliteus", "Popliteus", "knee"),
    # Lower leg
    Muscle("gastrocnemius", "Gastrocnemius", "leg"),
    Muscle("soleus", "Soleus", "leg"),
    Muscle("tibialis_anterior", "Tibialis anterior", "leg"),
    Muscle("peroneals", "Peroneals", "leg"),
    # Foot
    Muscle("plantar_intrinsics", "Plantar intrinsics", "foot"),
)
MUSCLE_INFO: dict[str, Muscle] = {m.code: m for m in MUSCLES}
