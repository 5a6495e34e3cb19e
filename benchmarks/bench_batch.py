"""Speed and memory of ``footprint batch`` on 1,000,000 synthetic jobs across 50 regions.

Run from the repository root: ``python benchmarks/bench_batch.py`` (``--rows``,
``--runs`` to change the size and repeats). Prints figures; asserts nothing.
Targets of issue 8 on a 2-core machine: under 3 s end to end excluding the file
read, peak memory under 1.5 GB.

What is timed:

- *read*: the CSV into a DataFrame of text cells, as ``footprint batch`` reads
  it (excluded from the end-to-end figure, shown apart);
- *end to end excluding the file read*: :func:`footprint.analyses.batch.batch_frame` on
  that frame: header check, validation of every cell (timestamps, counts,
  names), name and site resolution, the accounting, results and rejects
  tables, and the summary grouped by user (median of ``--runs`` runs);
- *with hourly accounting* (when ``footprint.analyses.hourly`` exists): the same call
  with ``hourly=True``: jobs in regions with hourly grid data (here the cloud
  regions in US balancing areas) are accounted hour by hour, to state the cost
  ratio;
- *CLI to Parquet*: ``run_batch`` from the CSV file to a Parquet results file,
  a rejects file and a JSON summary (read and write included), once.

Peak memory is measured in a fresh process per figure: the peak resident set
(VmHWM; everything included: interpreter, libraries, the input frame, the
results of the run) and the ``tracemalloc`` peak of one call (Python and NumPy
allocations; pyarrow's own buffers are not traced), in an extra untimed run.
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

#: 50 regions: 38 countries, US states, balancing areas, a Swedish bidding zone and cloud
#: regions, so that every kind the region resolver knows is exercised (six of them have
#: hourly grid data: aws:us-east-1, azure:eastus, gcp:us-central1, gcp:us-west1, and the
#: balancing areas US-CAL-CISO and US-TEX-ERCO).
REGIONS = (
    *("FR", "DE", "US", "GB", "IN", "CN", "JP", "BR", "CA", "AU", "ES", "IT", "NL"),
    *("SE", "NO", "PL", "ZA", "KR", "MX", "ID", "TR", "SA", "AE", "AR", "CL", "CO"),
    *("EG", "NG", "KE", "VN", "TH", "MY", "SG", "PH", "PK", "BD", "IE", "CH"),
    *("US-VA", "US-TX", "SE-SE3", "US-CAL-CISO", "US-TEX-ERCO"),
    *("aws:us-east-1", "aws:eu-west-3", "azure:eastus", "azure:westeurope"),
    *("gcp:europe-west1", "gcp:us-central1", "gcp:us-west1"),
)
ACCELERATORS = ("H100-SXM", "A100-80GB", "A100-40GB", "V100", "L4", "MI250X", "H200-SXM", "T4")


def synthetic_jobs(n: int, seed: int = 8) -> object:
    """``n`` jobs as text cells, as a CSV reader gives them (1% deliberately bad)."""
    import numpy as np
    import pandas as pd

    rng = np.random.default_rng(seed)
    start = np.datetime64("2023-01-01T00:00:00") + rng.integers(0, 2 * 365 * 86400, n).astype(
        "timedelta64[s]"
    )
    seconds = np.exp(rng.uniform(np.log(60), np.log(5 * 86400), n)).astype(np.int64)
    end = start + seconds.astype("timedelta64[s]")
    frame = pd.DataFrame(
        {
            "job_id": np.char.add("job", np.arange(n).astype(str)),
            "user": np.char.add("user", rng.integers(0, 1000, n).astype(str)),
            "project": np.char.add("proj", rng.integers(0, 100, n).astype(str)),
            "accelerator": rng.choice(ACCELERATORS, n),
            "count": rng.choice([1, 2, 4, 8, 16, 64], n).astype(str),
            "start": np.datetime_as_string(start, unit="s"),
            "end": np.datetime_as_string(end, unit="s"),
            "region": rng.choice(REGIONS, n),
        }
    )
    bad = rng.random(n) < 0.01  # 1% of rows go to the rejects
    frame.loc[bad, "count"] = "-1"
    return frame.astype(str)


def _rss_mb() -> float:
    """Peak resident memory of this process [MB].

    Linux: VmHWM of ``/proc/self/status`` (``ru_maxrss`` would carry the parent's
    peak over ``exec``); elsewhere ``ru_maxrss``.
    """
    status = Path("/proc/self/status")
    if status.is_file():
        for line in status.read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) * 1024 / 1e6
    scale = 1024 if sys.platform != "darwin" else 1024 * 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * scale / 1e6


def worker(csv_path: str, runs: int, hourly: bool) -> dict[str, float]:
    """Read once, then time ``batch_frame`` ``runs`` times (run in a fresh process)."""
    import importlib.util
    import tracemalloc

    import pandas as pd

    from footprint.analyses.batch import BatchOptions, batch_frame

    # text cells as footprint batch reads them (pyarrow's reader when installed)
    engine = "pyarrow" if importlib.util.find_spec("pyarrow") else "c"
    t0 = time.perf_counter()
    frame = pd.read_csv(csv_path, dtype=str, keep_default_na=False, na_values=[""], engine=engine)
    read_s = time.perf_counter() - t0
    rss_after_read = _rss_mb()
    options = BatchOptions(group_by=("user",), chunk_size=1 << 25, hourly=hourly)
    batch_frame(frame.head(1000), options)  # warm the caches and imports
    times = []
    out = None
    for _ in range(runs):
        out = None  # the previous run's tables go before the next run
        t0 = time.perf_counter()
        out = batch_frame(frame, options)
        times.append(time.perf_counter() - t0)
    assert out is not None and out.summary.balanced
    peak = _rss_mb()
    out = None
    tracemalloc.start()  # one more, untimed run: tracing slows it several-fold
    out = batch_frame(frame, options)
    traced_peak = tracemalloc.get_traced_memory()[1] / 1e6
    tracemalloc.stop()
    hourly_rows = (out.results["intensity_basis"] == "hourly").sum() if hourly else 0
    return {
        "rows": float(len(frame)),
        "read_s": read_s,
        "median_s": statistics.median(times),
        "min_s": min(times),
        "rows_out": float(out.summary.rows_out),
        "rows_rejected": float(out.summary.rows_rejected),
        "hourly_rows": float(hourly_rows),
        "traced_peak_mb": traced_peak,
        "rss_after_read_mb": rss_after_read,
        "peak_rss_mb": peak,
    }


def cli_run(csv_path: str, out_dir: str) -> dict[str, float]:
    """``run_batch`` from the file to Parquet results, CSV rejects, JSON summary (once)."""
    from footprint.analyses.batch import BatchOptions, run_batch

    t0 = time.perf_counter()
    report = run_batch(
        csv_path,
        BatchOptions(group_by=("user",)),
        output=f"{out_dir}/results.parquet",
        summary_path=f"{out_dir}/summary.json",
    )
    elapsed = time.perf_counter() - t0
    return {
        "cli_parquet_s": elapsed,
        "cli_peak_rss_mb": _rss_mb(),
        "site_resolutions": float(report.site_resolutions),
    }


def _in_subprocess(args: list[str]) -> dict[str, float]:
    done = subprocess.run(
        [sys.executable, __file__, *args], check=True, capture_output=True, text=True
    )
    return json.loads(done.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    parser.add_argument("--cli", help=argparse.SUPPRESS)
    parser.add_argument("--hourly", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        print(json.dumps(worker(args.worker, args.runs, args.hourly)))
        return
    if args.cli:
        csv_path, out_dir = args.cli.split("::")
        print(json.dumps(cli_run(csv_path, out_dir)))
        return

    import importlib.util

    has_hourly = importlib.util.find_spec("footprint.analyses.hourly") is not None
    with tempfile.TemporaryDirectory() as tmp:
        csv_path = f"{tmp}/jobs.csv"
        t0 = time.perf_counter()
        synthetic_jobs(args.rows).to_csv(csv_path, index=False)  # type: ignore[attr-defined]
        gen = time.perf_counter() - t0
        size = Path(csv_path).stat().st_size / 1e6
        worker_args = ["--worker", csv_path, "--runs", str(args.runs)]
        r = _in_subprocess(worker_args)
        h = _in_subprocess([*worker_args, "--hourly"]) if has_hourly else None
        c = _in_subprocess(["--cli", f"{csv_path}::{tmp}"])
    rows = int(r["rows"])
    print(f"footprint batch: {rows:,} synthetic jobs, {len(REGIONS)} regions, ")
    print(
        f"  {len(ACCELERATORS)} accelerators, 1,000 users; CSV {size:.0f} MB (made in {gen:.1f} s)"
    )
    print(
        f"  rows out {int(r['rows_out']):,} + rejected {int(r['rows_rejected']):,} "
        f"= rows in {rows:,}"
    )
    print(f"read CSV (excluded)           {r['read_s']:7.2f} s")
    print(
        f"end to end excl. read         median {r['median_s']:6.2f} s over {args.runs} runs "
        f"(min {r['min_s']:.2f} s) = {rows / r['median_s']:,.0f} rows/s"
    )
    print(
        f"peak memory                   {r['peak_rss_mb']:7.0f} MB resident (process, "
        f"{r['rss_after_read_mb']:.0f} MB after the read); "
        f"{r['traced_peak_mb']:.0f} MB traced in one run"
    )
    if h is not None:
        ratio = h["median_s"] / r["median_s"]
        print(
            f"with hourly accounting        median {h['median_s']:6.2f} s "
            f"({int(h['hourly_rows']):,} jobs in hourly zones): cost ratio {ratio:.2f}x; "
            f"peak {h['peak_rss_mb']:.0f} MB resident"
        )
    else:
        print("with hourly accounting        footprint.analyses.hourly not present: no figure")
    print(
        f"CLI path to Parquet (1 run)   {c['cli_parquet_s']:7.2f} s read + compute + write, "
        f"peak {c['cli_peak_rss_mb']:.0f} MB; {int(c['site_resolutions'])} site resolutions"
    )


if __name__ == "__main__":
    main()
