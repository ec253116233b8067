"""Screening speed: evaluations per second in-process, and `needlecare screen` start to finish.

    .venv/bin/python benchmarks/screening.py

The in-process figure runs evaluate() over a fixed, seeded mix of realistic intakes for about
two seconds, pinned to one core. The command line figure is the median wall time of several
runs of `needlecare screen FILE`, next to a bare `python -c "import django"` measured in the
same run, so the ratio says how much the command adds to Python and Django starting at all.
"""

import json
import os
import platform
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from needlecare.screening.policy import (
    CONDITION_CODES,
    CONDITION_INFO,
    DEFAULT_POLICY,
    REGIONS,
    Intake,
    evaluate,
    parse_intake,
)

SECONDS = 2.0
RUNS = 5
MIX = 500

# Plans a therapist writes most: one to four regions, mostly spine and shoulders.
COMMON_REGIONS = ["neck", "upper_back", "low_back", "shoulder_left", "shoulder_right"]


def realistic_intakes(n: int, seed: int = 20250101) -> list[Intake]:
    rnd = random.Random(seed)
    intakes = []
    for _ in range(n):
        size = rnd.choice([1, 1, 2, 2, 2, 3, 4])
        pool = COMMON_REGIONS * 3 + list(REGIONS)
        plan = list(dict.fromkeys(rnd.choice(pool) for _ in range(size)))
        # Most patients report nothing or one or two things; a few report many.
        count = rnd.choice([0, 0, 0, 1, 1, 1, 2, 2, 3, 5])
        conditions = []
        for code in rnd.sample(CONDITION_CODES, count):
            entry: dict[str, object] = {"code": code}
            if CONDITION_INFO[code].where_present and rnd.random() < 0.7:
                entry["regions"] = rnd.sample(REGIONS, rnd.choice([1, 1, 2]))
            conditions.append(entry)
        clearances = ["cancer"] if rnd.random() < 0.1 else []
        intakes.append(
            parse_intake(
                {
                    "planned_regions": plan,
                    "conditions": conditions,
                    "physician_clearances": clearances,
                }
            )
        )
    return intakes


def pin_to_one_core() -> str:
    if hasattr(os, "sched_setaffinity"):
        core = min(os.sched_getaffinity(0))
        os.sched_setaffinity(0, {core})
        return f"pinned to core {core}"
    return "not pinned (no sched_setaffinity)"


def evaluations_per_second(intakes: list[Intake]) -> tuple[float, int]:
    for intake in intakes:  # warm up
        evaluate(intake, DEFAULT_POLICY)
    done = 0
    start = time.perf_counter()
    deadline = start + SECONDS
    while time.perf_counter() < deadline:
        for intake in intakes:
            evaluate(intake, DEFAULT_POLICY)
        done += len(intakes)
    return done / (time.perf_counter() - start), done


def median_wall(argv: list[str], env: dict[str, str], stdin: bytes = b"") -> float:
    times = []
    for _ in range(RUNS):
        start = time.perf_counter()
        result = subprocess.run(argv, input=stdin, capture_output=True, env=env, check=False)
        times.append(time.perf_counter() - start)
        if result.returncode != 0:
            raise SystemExit(f"{argv} failed: {result.stderr.decode()}")
    return statistics.median(times)


def main() -> None:
    pinned = pin_to_one_core()
    print(f"python {platform.python_version()} on {platform.machine()}, {os.cpu_count()} cores")
    print(f"in-process: {pinned}, a mix of {MIX} intakes, about {SECONDS:.0f} s")
    rate, done = evaluations_per_second(realistic_intakes(MIX))
    print(f"  evaluate():            {rate:>10,.0f} evaluations/s  ({done:,} evaluations)")

    needlecare = str(Path(sys.executable).parent / "needlecare")
    with tempfile.TemporaryDirectory() as tmp:
        env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
        env["NEEDLECARE_DATA_DIR"] = tmp
        intake = Path(tmp) / "intake.json"
        intake.write_text(
            json.dumps(
                {
                    "planned_regions": ["neck", "low_back"],
                    "conditions": [
                        {"code": "blood_thinners"},
                        {"code": "rash", "regions": ["neck"]},
                    ],
                    "physician_clearances": [],
                }
            )
        )
        bare = median_wall([sys.executable, "-c", "import django"], env)
        screen = median_wall([needlecare, "screen", str(intake)], env)
    print(f"command line: median of {RUNS} runs")
    print(f"  python -c 'import django': {bare * 1000:>7.0f} ms")
    ratio = screen / bare
    print(f"  needlecare screen FILE:    {screen * 1000:>7.0f} ms  ({ratio:.1f}x the bare start)")


if __name__ == "__main__":
    main()
