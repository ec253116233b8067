"""Outcome measures as pure Python: NPRS, PSFS, NDI, ODI, HIT-6, LEFS and QuickDASH.

score(code, answers) -> Score, change(code, before, after) -> Change, and
default_instruments(regions) -> codes. Imports nothing from Django or the rest of needlecare
(a test holds it to that). Every Score carries its instrument's `version`; store it with the
raw answers so a score can be recomputed and explained later.

Facts come from the "Outcome measures" section of shared/domain/clinical-reference.md. HIT-6
is marked verified=False: its answer values (6, 8, 10, 11, 13) are unverified there, and its
MCID is a choice within the range the reference gives.
"""

from .catalogue import INSTRUMENTS
from .model import Change, Instrument, Item, Mcid, Score, ScoringError
from .scoring import band, change, default_instruments, instrument_for, score

__all__ = [
    "INSTRUMENTS",
    "Change",
    "Instrument",
    "Item",
    "Mcid",
    "Score",
    "ScoringError",
    "band",
    "change",
    "default_instruments",
    "instrument_for",
    "score",
]
