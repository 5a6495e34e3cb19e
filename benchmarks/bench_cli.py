"""Cold-start and warm-call timings of footprint (medians over repeated runs).

Run from the repository root after installing: ``python benchmarks/bench_cli.py``.
Prints figures; asserts nothing (targets on a 2-core machine: ``footprint --help``
under 0.25 s, one ``footprint estimate`` under 0.8 s).
"""

from __future__ import annotations

import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def cold(cmd: list[str], runs: int) -> list[float]:
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        subprocess.run(cmd, check=True, capture_output=True)
        times.append(time.perf_counter() - t0)
    return times


def main(runs: int = 15) -> None:
    exe = shutil.which("footprint")
    base = [exe] if exe else [sys.executable, "-m", "footprint"]
    estimate = [
        "estimate",
        "--accelerator",
        "H100-SXM",
        "--gpu-hours",
        "39.3e6",
        "--region",
        "US",
        "--year",
        "2023",
        "--format",
        "json",
    ]
    baseline = cold([sys.executable, "-c", "pass"], runs)
    help_t = cold([*base, "--help"], runs)
    est_t = cold([*base, *estimate], runs)
    print(f"runs per figure: {runs}; launcher: {' '.join(base)}")
    print(f"python -c pass          median {statistics.median(baseline) * 1000:7.1f} ms")
    print(f"footprint --help        median {statistics.median(help_t) * 1000:7.1f} ms")
    print(f"footprint estimate      median {statistics.median(est_t) * 1000:7.1f} ms")

    import footprint as fp

    job = fp.GpuJob("H100-SXM", gpu_hours="39.3e6 h")
    fp.estimate(job, region="US", year=2023)  # warm the caches
    warm = []
    for _ in range(200):
        t0 = time.perf_counter()
        fp.estimate(job, region="US", year=2023)
        warm.append(time.perf_counter() - t0)
    print(f"fp.estimate (warm)      median {statistics.median(warm) * 1e6:7.1f} us")


if __name__ == "__main__":
    main()
