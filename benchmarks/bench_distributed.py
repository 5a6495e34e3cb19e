"""Speed of ``footprint batch`` engines on one Parquet dataset: pandas, Dask, dask.distributed.

Run from the repository root: ``python benchmarks/bench_distributed.py`` (``--rows``,
``--runs``, ``--chunk-size``, ``--workers`` to change the size, repeats, pieces and
cluster). Needs ``pip install '.[dask]'``. Prints figures; asserts nothing (not a
timed test).

The dataset: ``--rows`` synthetic jobs (the generator of ``bench_batch.py``: 50
regions, 8 accelerators, 1,000 users, 1% rejected), written as 8 Parquet files of
row groups of ``--chunk-size`` rows, so each engine works on the same pieces. Each
figure is the median of ``--runs`` calls of :func:`footprint.analyses.batch.run_batch`
from the dataset to a Parquet results dataset, CSV rejects and a JSON summary
grouped by user (read, compute and write included), after one untimed warm-up run
(imports, and on the cluster the workers' imports):

- *pandas*: the default engine, pieces one after the other in this process;
- *dask threads*: ``--engine dask --scheduler threads`` (one task per piece, threads
  of this process, which share the GIL);
- *distributed*: ``--engine dask --scheduler tcp://...`` on a ``LocalCluster`` of
  ``--workers`` single-threaded worker processes bound to 127.0.0.1, started before
  the runs (its start is shown apart): what a run on a real cluster costs, less the
  network and the shared file system.

Overhead ratio: an engine's median over the pandas engine's (below 1: faster).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_batch import synthetic_jobs  # noqa: E402


def write_dataset(root: Path, rows: int, row_group: int, files: int = 8) -> None:
    """``rows`` synthetic jobs as ``files`` Parquet files of ``row_group``-row groups."""
    import pandas as pd

    frame: pd.DataFrame = synthetic_jobs(rows)  # type: ignore[assignment]
    root.mkdir()
    per_file = -(-rows // files)
    for k in range(files):
        part = frame.iloc[k * per_file : (k + 1) * per_file]
        if len(part):
            part.to_parquet(root / f"part.{k}.parquet", index=False, row_group_size=row_group)


def timed(call: Callable[[], Any], runs: int) -> tuple[float, float, Any]:
    """(median, min) seconds of ``runs`` calls after one warm-up call, and the last result."""
    result = call()
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        result = call()
        times.append(time.perf_counter() - t0)
    return statistics.median(times), min(times), result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--chunk-size", type=int, default=125_000)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()

    import os

    from distributed import LocalCluster

    from footprint.analyses.batch import BatchOptions, ParquetSource, run_batch

    options = BatchOptions(group_by=("user",), chunk_size=args.chunk_size)
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "jobs"
        t0 = time.perf_counter()
        write_dataset(root, args.rows, args.chunk_size)
        made = time.perf_counter() - t0
        size = sum(p.stat().st_size for p in root.iterdir()) / 1e6
        pieces = len(ParquetSource(root, args.chunk_size).pieces)

        def batch(engine: str, scheduler: str = "threads") -> Callable[[], Any]:
            def call() -> Any:
                return run_batch(
                    root,
                    options,
                    output=Path(tmp) / f"{engine}-{scheduler[:3]}.parquet",
                    summary_path=Path(tmp) / "summary.json",
                    engine=engine,
                    scheduler=scheduler,
                )

            return call

        figures: list[tuple[str, float, float]] = []
        median, low, report = timed(batch("pandas"), args.runs)
        figures.append(("pandas engine", median, low))
        median, low, _ = timed(batch("dask", "threads"), args.runs)
        figures.append(("dask, threads", median, low))
        t0 = time.perf_counter()
        with LocalCluster(
            n_workers=args.workers,
            threads_per_worker=1,
            processes=True,
            host="127.0.0.1",
            dashboard_address=None,
        ) as cluster:
            started = time.perf_counter() - t0
            median, low, _ = timed(batch("dask", cluster.scheduler_address), args.runs)
        figures.append((f"distributed, {args.workers} workers", median, low))

    rows = args.rows
    print(
        f"footprint batch engines: {rows:,} synthetic jobs in 8 Parquet files "
        f"({size:.0f} MB, made in {made:.1f} s), {pieces} pieces of up to "
        f"{args.chunk_size:,} rows; {os.cpu_count()} cores"
    )
    print(
        f"  rows out {report.summary.rows_out:,} + rejected {report.summary.rows_rejected:,}; "
        f"median of {args.runs} runs after a warm-up, read + compute + write"
    )
    base = figures[0][1]
    print(f"  {'engine':<26} {'median':>8} {'min':>8} {'rows/s':>12} {'vs pandas':>10}")
    for name, median, low in figures:
        print(
            f"  {name:<26} {median:7.2f}s {low:7.2f}s {rows / median:12,.0f} {median / base:9.2f}x"
        )
    print(f"  (the local cluster took {started:.1f} s to start, not included)")


if __name__ == "__main__":
    main()
