"""Requests per second over HTTP: needlecare against a bare one-view Django app, served the
same way, on SQLite and PostgreSQL; and the p99 of signed-in pages.

    .venv/bin/python benchmarks/http.py [--database sqlite|postgresql|both] [--seconds S]
                                        [--rounds R]

Each database runs in a child process of its own (benchmarks/harness.py: a temporary SQLite
file, or a fresh database on a throwaway PostgreSQL cluster with fsync on). The child migrates,
loads the demo practice and collects the static files, then starts, with production settings
(NEEDLECARE_ENV=production, debug off, plain HTTP on 127.0.0.1):

- `needlecare serve --workers N --threads 8` and `benchmarks/bare_app.py --workers N
  --threads 8` (the same gunicorn settings, access log included), for N = 1 and 2;
- the client is wrk (Debian's `wrk`; installed with apt-get when missing): one thread, 8
  keep-alive connections, S seconds a run, the runs taking turns R times (default 5), so a
  busy machine slows them alike; requests/s are the median of the rounds, and each ratio the
  median of the rounds' own ratios (printed with their range).

It prints requests/s for the bare app's `/clinics/`, needlecare's `/api/clinics/` and `/`, the
ratios to the bare app, the two-worker speed-up, and the p99 of three signed-in pages (a
patient's appointments, the front desk's day schedule, a treatment record) at 8 connections,
and the resident memory of each server process. Goals (issue 16): ratios >= 0.5, speed-up >=
1.6x, signed-in p99 < 50 ms. No assertion: the figures go to docs/benchmarks.md.
"""

import sys

# This file's folder comes first on the path, and its name would hide the standard library's
# `http` package: take it off while the standard library loads, then put it back (harness).
_HERE = sys.path.pop(0)
import http.client  # noqa: F401 - loaded now, while the standard library is first
import urllib.request

sys.path.append(_HERE)

import argparse
import json
import os
import re
import shutil
import socket
import statistics
import subprocess
import time
from pathlib import Path
from typing import Any

import harness
from availability import load

HERE = Path(__file__).resolve().parent
URLS = {"bare": "/clinics/", "api": "/api/clinics/", "home": "/"}


# --- parent -------------------------------------------------------------------------------------


def ensure_wrk() -> None:
    if shutil.which("wrk"):
        return
    sudo = [] if os.geteuid() == 0 else ["sudo"]
    print("installing wrk (Debian package) for the HTTP client ...", flush=True)
    subprocess.run([*sudo, "apt-get", "install", "-y", "-qq", "wrk"], check=True)


def summary(results: dict[str, dict[str, Any]]) -> None:
    print()
    for line in harness.machine_lines():
        print(line)
    names = list(results)
    print(f"{'figure':58}" + "".join(f"{n:>14}" for n in names))
    rows: list[tuple[str, str]] = []
    for workers in (1, 2):
        rows += [
            (f"bare app /clinics/, {workers} worker(s), req/s", f"bare_{workers}"),
            (f"needlecare /api/clinics/, {workers} worker(s), req/s", f"api_{workers}"),
            (f"needlecare /, {workers} worker(s), req/s", f"home_{workers}"),
            (
                f"ratio /api/clinics/ : bare, {workers} worker(s) (goal >= 0.5)",
                f"api_ratio_{workers}",
            ),
            (f"ratio / : bare, {workers} worker(s) (goal >= 0.5)", f"home_ratio_{workers}"),
            ("  the rounds' ratios, /api/clinics/", f"api_ratio_{workers}_range"),
            ("  the rounds' ratios, /", f"home_ratio_{workers}_range"),
        ]
    rows += [
        ("/api/clinics/ 2 workers : 1 worker (goal >= 1.6)", "api_speedup"),
        ("bare app 2 workers : 1 worker", "bare_speedup"),
        ("patient appointments p99 ms, 8 conns (goal < 50)", "p99_patient"),
        ("front desk day schedule p99 ms (goal < 50)", "p99_schedule"),
        ("treatment record p99 ms (goal < 50)", "p99_record"),
        ("signed-in pages req/s (patient, schedule, record)", "signed_in_rps"),
        ("peak RSS per needlecare worker, MB", "worker_rss_mb"),
    ]
    for label, key in rows:
        cells = "".join(f"{_cell(results[n].get(key)):>14}" for n in names)
        print(f"{label:58}{cells}")
    for name in names:
        print(f"{name}: {results[name]['load']}")


def _cell(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:,.2f}" if value < 100 else f"{value:,.0f}"
    return str(value) if value is not None else "-"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--database", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument("--seconds", type=int, default=5)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--out", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.seconds, args.rounds, Path(args.out))
        return
    ensure_wrk()
    argv = ["--seconds", str(args.seconds), "--rounds", str(args.rounds)]
    results: dict[str, dict[str, Any]] = {}
    if args.database in ("sqlite", "both"):
        results["SQLite"] = harness.run_sqlite(__file__, argv, env=harness.PRODUCTION_ENV)
    if args.database in ("postgresql", "both"):
        results["PostgreSQL"] = harness.run_postgresql(__file__, argv, env=harness.PRODUCTION_ENV)
    summary(results)


# --- child: one database ------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _start(command: list[str], log: Path) -> tuple[subprocess.Popen[bytes], int]:
    port = _free_port()
    process = subprocess.Popen(
        [*command, f"127.0.0.1:{port}"],
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
        env={**os.environ, "NEEDLECARE_ACCESS_LOG": str(log.with_suffix(".access"))},
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2):  # noqa: S310
                return process, port
        except OSError as error:
            if getattr(error, "code", None) == 404:  # the bare app has no /healthz: it is up
                return process, port
            time.sleep(0.2)
    raise SystemExit(f"{command} did not start: {log.read_text()}")


def wrk(port: int, path: str, seconds: int, cookie: str = "") -> dict[str, float]:
    command = ["wrk", "-t1", "-c8", f"-d{seconds}s", "--latency"]
    if cookie:
        command += ["-H", f"Cookie: {cookie}"]
    out = subprocess.run(
        [*command, f"http://127.0.0.1:{port}{path}"], capture_output=True, text=True, check=True
    ).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]
    p99 = re.search(r"99%\s+([\d.]+)(us|ms|s)\b", out)
    scale = {"us": 0.001, "ms": 1.0, "s": 1000.0}
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    if errors:
        raise SystemExit(f"{path}: {errors.group(1)} answers were not 2xx/3xx:\n{out}")
    return {"rps": rps, "p99_ms": float(p99.group(1)) * scale[p99.group(2)] if p99 else 0.0}


def _rss_mb(server: subprocess.Popen[bytes]) -> float:
    """The largest peak resident memory (VmHWM) among the server's worker processes."""
    peaks = []
    for child_pid in Path(f"/proc/{server.pid}/task/{server.pid}/children").read_text().split():
        for line in Path(f"/proc/{child_pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                peaks.append(int(line.split()[1]) / 1024)
    return round(max(peaks, default=0.0), 1)


def _prepare() -> dict[str, str]:
    """Migrate, load the demo, collect static files; the signed-in pages' paths."""
    import django

    django.setup()
    from django.core.management import call_command

    from needlecare.charting.models import TreatmentSession

    call_command("migrate", verbosity=0)
    call_command("load_demo", "--allow-production", stdout=open(os.devnull, "w"))  # noqa: SIM115
    call_command("collectstatic", "--noinput", verbosity=0)
    session = TreatmentSession.objects.filter(state="signed").order_by("-pk").first()
    assert session is not None
    return {
        "patient": "/me/appointments/",
        "schedule": f"/staff/clinics/{session.clinic.slug}/schedule/",
        "record": f"/staff/sessions/{session.pk}/",
        "therapist": session.therapist.user.email,
        "slug": session.clinic.slug,
    }


def child(seconds: int, rounds: int, out: Path) -> None:
    tmp = Path(os.environ["NEEDLECARE_DATA_DIR"])
    pages = _prepare()
    needlecare = [str(Path(sys.executable).parent / "needlecare"), "serve"]
    bare = [sys.executable, str(HERE / "bare_app.py")]
    result: dict[str, Any] = {}
    for workers in (1, 2):
        flags = ["--workers", str(workers), "--threads", "8"]
        bare_server, bare_port = _start([*bare, *flags], tmp / f"bare{workers}.log")
        nc_server, nc_port = _start([*needlecare, *flags], tmp / f"needlecare{workers}.log")
        try:
            ports = {"bare": bare_port, "api": nc_port, "home": nc_port}
            for name in URLS:  # warm-up: connections, kept pages, code paths
                wrk(ports[name], URLS[name], 1)
            runs: dict[str, list[float]] = {name: [] for name in URLS}
            for _ in range(rounds):
                for name, path in URLS.items():
                    runs[name].append(wrk(ports[name], path, seconds)["rps"])
            for name, values in runs.items():
                result[f"{name}_{workers}"] = statistics.median(values)
            # Each round's ratio is taken from runs a few seconds apart, so a slow spell of the
            # machine slows both sides of it; the median of the rounds' ratios is reported.
            for name in ("api", "home"):
                ratios = [n / b for n, b in zip(runs[name], runs["bare"], strict=True)]
                result[f"{name}_ratio_{workers}"] = statistics.median(ratios)
                result[f"{name}_ratio_{workers}_range"] = f"{min(ratios):.2f}-{max(ratios):.2f}"
            if workers == 2:
                result.update(_signed_in(nc_port, pages, seconds))
                result["worker_rss_mb"] = _rss_mb(nc_server)
        finally:
            for server in (bare_server, nc_server):
                server.terminate()
                server.wait(timeout=30)
    result["api_speedup"] = result["api_2"] / result["api_1"]
    result["bare_speedup"] = result["bare_2"] / result["bare_1"]
    result["load"] = load()
    out.write_text(json.dumps(result))


def _signed_in(port: int, pages: dict[str, str], seconds: int) -> dict[str, Any]:
    sys.path.insert(0, str(HERE.parent))
    from needlecare.common.testing.server import sign_in
    from needlecare.demo.data import PATIENTS, STAFF

    patient = next(p[0] for p in PATIENTS if p[-1])  # a patient who signs in online
    desk = next(s[1] for s in STAFF if s[0] == "front_desk" and pages["slug"] in s[3])
    who = {"patient": patient, "schedule": desk, "record": pages["therapist"]}
    found: dict[str, Any] = {}
    rates = []
    for name in ("patient", "schedule", "record"):
        jar = sign_in("127.0.0.1", port, who[name])
        cookie = "; ".join(f"{k}={v}" for k, v in jar.items())
        wrk(port, pages[name], 1, cookie)
        figures = wrk(port, pages[name], seconds, cookie)
        found[f"p99_{name}"] = figures["p99_ms"]
        rates.append(f"{figures['rps']:.0f}")
    found["signed_in_rps"] = " / ".join(rates)
    return found


if __name__ == "__main__":
    main()
