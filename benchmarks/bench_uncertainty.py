"""Cost of uncertainty: a Monte Carlo estimate against the plain estimate (medians).

Run from the repository root: ``python benchmarks/bench_uncertainty.py``. Prints medians of
warm ``fp.estimate`` calls (caches filled) and the ratio of the uncertainty run to the plain
run (target: at most a few times), for the default sample count and for 10x more, and one
cold ``footprint estimate --uncertainty`` against a plain ``footprint estimate``. Asserts
nothing.
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def median_ms(fn: Callable[[], object], runs: int) -> float:
    fn()  # warm caches
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times) * 1000


def main(runs: int = 200, cold_runs: int = 9) -> None:
    import footprint as fp
    from footprint.analyses.uncertainty import DEFAULT_SAMPLES

    job = fp.GpuJob("H100-SXM", gpu_hours="39.3e6 h")
    site = fp.Site(region="US", year=2023)
    plain_no_embodied = median_ms(lambda: fp.estimate(job, site, embodied=False), runs)
    plain = median_ms(lambda: fp.estimate(job, site), runs)
    print(f"warm calls, median of {runs}")
    print(f"  plain estimate, embodied off        {plain_no_embodied:7.2f} ms")
    print(f"  plain estimate (embodied, default)  {plain:7.2f} ms")
    for samples in (DEFAULT_SAMPLES, 10 * DEFAULT_SAMPLES):
        spec = fp.Uncertainty(samples=samples)
        mc = median_ms(lambda spec=spec: fp.estimate(job, site, uncertainty=spec), runs // 4)
        print(
            f"  uncertainty, {samples:>6,} samples        {mc:7.2f} ms   "
            f"ratio to plain {mc / plain:4.1f}x"
        )

    base = [sys.executable, "-m", "footprint", "estimate", "-a", "H100-SXM", "--gpu-hours"]
    args = [*base, "39.3e6", "--region", "US", "--year", "2023", "--format", "json"]

    def cold(cmd: list[str]) -> float:
        times = []
        for _ in range(cold_runs):
            t0 = time.perf_counter()
            subprocess.run(cmd, check=True, capture_output=True)
            times.append(time.perf_counter() - t0)
        return statistics.median(times) * 1000

    cold_plain = cold(args)
    cold_mc = cold([*args, "--uncertainty"])
    print(f"cold command line, median of {cold_runs}")
    print(f"  footprint estimate                  {cold_plain:7.1f} ms")
    print(
        f"  footprint estimate --uncertainty    {cold_mc:7.1f} ms   "
        f"ratio to plain {cold_mc / cold_plain:4.2f}x"
    )


if __name__ == "__main__":
    main()
