"""What ``footprint batch`` costs as a command, against the floor of the same work.

Run from the repository root: ``python benchmarks/bench_batch_e2e.py`` (``--rows 10e6``,
``--runs 3``, ``--csv`` for a CSV input). Prints medians and ratios side by side; asserts
nothing. Every figure is a fresh process, timed from outside (start-up, imports, the
read, the work and the writes included), with its peak resident memory (VmHWM):

- *footprint batch*: ``footprint batch jobs.parquet -o results.parquet --summary s.json``
  (per-job results, rejects beside them, the summary grouped by user);
- *floor*: a streaming pyarrow + NumPy pipeline over the same file: each row group read,
  the duration, accelerator-hours and 22 float64 result columns computed with
  per-region and per-accelerator factors looked up by dictionary codes, the input and
  result columns written with the same Parquet writer settings (SNAPPY), and exact
  integer group sums by user. What any tool must at least do; it validates nothing;
- *pyarrow to pandas*: reading the file into a pandas DataFrame (``pq.read_table(...)
  .to_pandas()``), the cost of only holding the input in memory.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))

#: Result columns of ``footprint batch`` that are float64 (the floor computes as many).
FLOAT_RESULTS = 22

FLOOR = r"""
import sys, numpy as np, pyarrow as pa, pyarrow.compute as pc, pyarrow.parquet as pq
src, dst = sys.argv[1], sys.argv[2]
f = pq.ParquetFile(src)
writer = None
sums = {}
for i in range(f.num_row_groups):
    t = f.read_row_group(i)
    start = t["start"].to_numpy().astype("datetime64[us]").astype(np.int64)
    end = t["end"].to_numpy().astype("datetime64[us]").astype(np.int64)
    count = t["count"].to_numpy()
    hours = (end - start) / 3.6e9
    acc = pc.dictionary_encode(t["accelerator"]).combine_chunks()
    reg = pc.dictionary_encode(t["region"]).combine_chunks()
    tdp = np.linspace(300, 700, len(acc.dictionary))[acc.indices.to_numpy()]
    grid = np.linspace(20, 800, len(reg.dictionary))[reg.indices.to_numpy()]
    ah = count * hours
    cols = {"duration_h": hours, "accelerator_hours_h": ah}
    e = ah * (tdp * 0.8 + 150) / 1000
    for k in range(20):
        cols[f"r{k}"] = e * (1 + k / 10) * (grid if k % 2 else 1.0)
    out = t.append_column("row", pa.array(np.arange(len(t)) + i))
    for k, v in cols.items():
        out = out.append_column(k, pa.array(v))
    if writer is None:
        writer = pq.ParquetWriter(dst, out.schema, compression="snappy")
    writer.write_table(out)
    users = pc.dictionary_encode(t["user"]).combine_chunks()
    codes = users.indices.to_numpy()
    cents = np.round(e * 1e6)  # integer micro-kWh, summed exactly below 2**53 per group
    for name, total in zip(users.dictionary.to_pylist(), np.bincount(codes, cents)):
        sums[name] = sums.get(name, 0) + int(total)
writer.close()
"""

TO_PANDAS = r"""
import sys, pyarrow.parquet as pq
df = pq.read_table(sys.argv[1]).to_pandas()
"""

#: Prints the process's peak resident set (VmHWM) to stderr at exit.
RSS_HOOK = (
    "import atexit,sys\n"
    "def _hwm():\n"
    "    for l in open('/proc/self/status'):\n"
    "        if l.startswith('VmHWM:'): sys.stderr.write(f'\\nVMHWM {int(l.split()[1])}\\n')\n"
    "atexit.register(_hwm)\n"
)


def make_input(path: Path, rows: int, csv: bool) -> None:
    """``rows`` synthetic jobs (those of bench_batch.py, 1% rejected) as Parquet or CSV."""
    import pandas as pd
    import pyarrow as pa
    import pyarrow.parquet as pq
    from bench_batch import synthetic_jobs

    step = 2_000_000
    writer = None
    for first in range(0, rows, step):
        df = synthetic_jobs(min(step, rows - first), seed=8 + first)
        df["job_id"] = "j" + (pd.RangeIndex(first, first + len(df)).astype(str))
        if csv:
            df.to_csv(path, mode="a", header=first == 0, index=False)
            continue
        df["count"] = df["count"].astype("int64")
        for col in ("start", "end"):
            df[col] = pd.to_datetime(df[col]).dt.tz_localize("UTC")
        table = pa.Table.from_pandas(df, preserve_index=False)
        if writer is None:
            writer = pq.ParquetWriter(path, table.schema)
        writer.write_table(table, row_group_size=131_072)
    if writer is not None:
        writer.close()


def timed(argv: list[str]) -> tuple[float, float]:
    """(wall seconds, peak resident MB) of one fresh process."""
    t0 = time.perf_counter()
    done = subprocess.run(argv, capture_output=True, text=True, env={**os.environ})
    wall = time.perf_counter() - t0
    if done.returncode != 0:
        raise SystemExit(f"{argv[:4]}... failed:\n{done.stderr[-2000:]}")
    peak = [ln for ln in done.stderr.splitlines() if ln.startswith("VMHWM ")]
    return wall, (int(peak[-1].split()[1]) / 1024 if peak else float("nan"))


def python(code: str, *args: str) -> list[str]:
    return [sys.executable, "-c", RSS_HOOK + code, *args]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=float, default=1e6)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--csv", action="store_true", help="a CSV input instead of Parquet")
    args = parser.parse_args()
    rows = int(args.rows)
    cli = "import sys; from footprint.cli import main; sys.argv[0]='footprint'; main()"
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / ("jobs.csv" if args.csv else "jobs.parquet")
        t0 = time.perf_counter()
        make_input(src, rows, args.csv)
        made = time.perf_counter() - t0
        out = Path(tmp) / "results.parquet"
        runs: dict[str, list[tuple[float, float]]] = {"batch": [], "floor": [], "pandas": []}
        for _ in range(args.runs):  # alternating, so drift hits every figure alike
            runs["batch"].append(
                timed(
                    python(
                        cli,
                        "batch",
                        str(src),
                        "-o",
                        str(out),
                        "--summary",
                        f"{tmp}/s.json",
                        "--group-by",
                        "user",
                    )
                )
            )
            if not args.csv:
                runs["floor"].append(timed(python(FLOOR, str(src), f"{tmp}/floor.parquet")))
                runs["pandas"].append(timed(python(TO_PANDAS, str(src))))
        size = src.stat().st_size / 1e6
    print(
        f"footprint batch end to end: {rows:,} jobs, {'CSV' if args.csv else 'Parquet'} "
        f"{size:.0f} MB (made in {made:.0f} s), medians of {args.runs} alternating runs"
    )
    med = {
        k: (statistics.median(w for w, _ in v), max(m for _, m in v)) for k, v in runs.items() if v
    }
    b = med["batch"][0]
    print(
        f"  footprint batch         {b:7.2f} s  {rows / b:>12,.0f} rows/s  peak "
        f"{med['batch'][1]:6.0f} MB"
    )
    for key, label in (("floor", "pyarrow+NumPy floor"), ("pandas", "pyarrow -> pandas")):
        if key in med:
            w, m = med[key]
            print(
                f"  {label:<23} {w:7.2f} s  {rows / w:>12,.0f} rows/s  peak {m:6.0f} MB"
                f"   batch / this = {b / w:.2f}x"
            )


if __name__ == "__main__":
    main()
