"""Safety screening as pure Python: the vocabulary, the default policy and evaluate().

Imports nothing from Django or the rest of needlecare (a test holds it to that), so the rules
can be read, tested and benchmarked on their own. The contract is
shared/contracts/screening.md.
"""

from .decision import Decision, Reason
from .default import DEFAULT_POLICY
from .engine import evaluate
from .errors import IntakeError, PolicyError
from .intake import parse_intake, parse_intake_json
from .model import Intake, Policy, ReportedCondition, Rule
from .vocabulary import (
    CLEARING_DECISIONS,
    CONDITION_CODES,
    CONDITION_INFO,
    CONDITIONS,
    EFFECTS,
    QUESTIONNAIRE,
    REGION_DECISIONS,
    REGION_LABELS,
    REGIONS,
    SCOPES,
    THORAX,
    ConditionInfo,
)

__all__ = [
    "CLEARING_DECISIONS",
    "CONDITIONS",
    "CONDITION_CODES",
    "CONDITION_INFO",
    "DEFAULT_POLICY",
    "EFFECTS",
    "QUESTIONNAIRE",
    "REGIONS",
    "REGION_DECISIONS",
    "REGION_LABELS",
    "SCOPES",
    "THORAX",
    "ConditionInfo",
    "Decision",
    "Intake",
    "IntakeError",
    "Policy",
    "PolicyError",
    "Reason",
    "ReportedCondition",
    "Rule",
    "evaluate",
    "parse_intake",
    "parse_intake_json",
]
