"""Cold-start and warm-call timings of footprint (medians over repeated runs).

Run from the repository root after installing: ``python benchmarks/bench_cli.py [runs]``.
Prints figures; asserts nothing (targets on a 2-core machine: ``footprint --help``
under 0.25 s, every command but ``batch`` under 1 s cold, a warm ``fp.estimate`` under
0.2 ms). Each cold figure is a fresh process: the wall-clock median, and the median CPU
time of the process (user + system), which a busy machine inflates less than the wall
clock; the machine's load average is printed with them.
"""

from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def cold(cmd: list[str], runs: int) -> tuple[float, float]:
    """Median wall-clock and CPU seconds of ``cmd`` run ``runs`` times in a fresh process."""
    walls, cpus = [], []
    for _ in range(runs):
        t0 = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        _, status, usage = os.wait4(proc.pid, 0)
        walls.append(time.perf_counter() - t0)
        cpus.append(usage.ru_utime + usage.ru_stime)
        if status:
            raise SystemExit(f"failed ({status}): {' '.join(cmd)}")
    return statistics.median(walls), statistics.median(cpus)


#: The commands a person runs and waits for, as the README shows them (label, arguments).
COMMANDS = [
    ("--help", ["--help"]),
    (
        "estimate",
        ["estimate", "-a", "H100-SXM", "--gpu-hours", "39.3e6", "-r", "US", "--year", "2023",
         "--format", "json"],
    ),
    (
        "infer",
        ["infer", "-m", "llama-3.1-8b", "-n", "1e9 request/day", "--output-tokens", "300",
         "--format", "json"],
    ),
    ("compare", ["compare", "-a", "H100-SXM", "--gpu-hours", "1e6", "--all-countries"]),
    (
        "compare --plot",
        ["compare", "-a", "H100-SXM", "--gpu-hours", "1e6", "--all-countries", "--top", "10",
         "--plot", "{tmp}/best.png"],
    ),
    (
        "solar",
        ["solar", "--pv-capacity", "1 MWp", "--latitude", "36.1", "--longitude", "-79.95",
         "--monthly"],
    ),
    (
        "hourly with PV",
        ["hourly", "--region", "aws:us-west-1", "--start", "2022-07-01T09:00", "--hours", "10",
         "--power", "1000", "--pv-capacity", "2 MWp", "--clearness", "0.8"],
    ),
]


def main(runs: int = 15) -> None:
    exe = shutil.which("footprint")
    base = [exe] if exe else [sys.executable, "-m", "footprint"]
    print(f"runs per figure: {runs}; launcher: {' '.join(base)}; load average "
          + " ".join(f"{x:.2f}" for x in os.getloadavg()))
    wall, cpu = cold([sys.executable, "-c", "pass"], runs)
    print(f"{'python -c pass':<26} median {wall * 1000:7.1f} ms (cpu {cpu * 1000:6.1f} ms)")
    with tempfile.TemporaryDirectory() as tmp:
        for label, args in COMMANDS:
            n = runs if label in ("--help", "estimate", "infer") else max(3, runs // 3)
            wall, cpu = cold([*base, *(a.format(tmp=tmp) for a in args)], n)
            print(
                f"{'footprint ' + label:<26} median {wall * 1000:7.1f} ms "
                f"(cpu {cpu * 1000:6.1f} ms, {n} runs)"
            )

    import footprint as fp

    job = fp.GpuJob("H100-SXM", gpu_hours="39.3e6 h")
    fp.estimate(job, region="US", year=2023)  # warm the caches
    warm = []
    for _ in range(200):
        t0 = time.perf_counter()
        fp.estimate(job, region="US", year=2023)
        warm.append(time.perf_counter() - t0)
    print(f"{'fp.estimate (warm)':<26} median {statistics.median(warm) * 1e6:7.1f} us")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 15)
