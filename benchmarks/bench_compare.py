"""Benchmark: one workload compared across every country (~200 zones).

Run from the repository root: ``python benchmarks/bench_compare.py [--runs 15]``.
Prints the median wall time of ``footprint.analyses.compare.compare`` over all countries (warm:
datasets already loaded, as in a long-running session), the first (cold) call, and the
split between resolving the site factors of each zone and the one evaluation of the
engine (``footprint.engine.evaluation.evaluate``) over every zone.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()

    import numpy as np

    import footprint as fp
    from footprint.analyses.compare import compare
    from footprint.engine.evaluation import LoadTable, SiteTable, evaluate

    job = fp.GpuJob("H100-SXM", gpu_hours="1e6 h")
    t0 = time.perf_counter()
    df = compare(job, kind="country", year=2023)
    cold = time.perf_counter() - t0
    times = []
    for _ in range(args.runs):
        t0 = time.perf_counter()
        compare(job, kind="country", year=2023)
        times.append(time.perf_counter() - t0)
    n = len(df)
    z = np.ones(n)
    t_account = []
    for _ in range(args.runs):
        t0 = time.perf_counter()
        sites = SiteTable(pue=1.56 * z, wue=1.8 * z, ewif=2.0 * z, intensity=400.0 * z, cfe=0 * z)
        evaluate(LoadTable(1e6, 700.0, 150.0), sites)
        t_account.append(time.perf_counter() - t0)
    from footprint.places.regions import select_locations

    selected = len(select_locations(kind="country"))
    print(f"zones compared: {n} of {selected} countries (the rest lack a generation mix)")
    print(
        f"compare(), all countries: median {statistics.median(times) * 1000:.0f} ms "
        f"over {args.runs} runs (min {min(times) * 1000:.0f} ms); first call {cold * 1000:.0f} ms"
    )
    print(
        f"  of which the one evaluation of the engine over every zone: median "
        f"{statistics.median(t_account) * 1e6:.0f} us"
    )


if __name__ == "__main__":
    main()
