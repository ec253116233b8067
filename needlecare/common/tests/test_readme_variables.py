"""The README documents every environment variable the code and the scripts read."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
NAME = re.compile(r"\b(NEEDLECARE_[A-Z_]+|DATABASE_URL)\b")


def _names_in(paths: list[Path]) -> set[str]:
    return {name for path in paths for name in NAME.findall(path.read_text(errors="replace"))}


def test_every_variable_is_documented() -> None:
    sources = [p for p in (ROOT / "needlecare").rglob("*.py") if "tests" not in p.parts] + [
        p for p in (ROOT / "scripts").iterdir() if p.is_file()
    ]
    used = _names_in(sources)
    documented = _names_in([ROOT / "README.md"])
    assert {"NEEDLECARE_ADDR", "NEEDLECARE_DEBUG", "DATABASE_URL"} <= used
    assert used - documented == set()
