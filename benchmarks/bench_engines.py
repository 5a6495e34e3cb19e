"""Which engine for one machine: footprint's pandas engine against its DuckDB engine.

Run from the repository root: ``python benchmarks/bench_engines.py`` (``--rows 10e6``,
``--runs 3``; needs ``pip install 'footprint[duckdb]'``). Prints medians and ratios;
asserts nothing. The decision it informs is written in ARCHITECTURE.md ("Batch engines").

Both engines get the same Parquet file of synthetic jobs (those of ``bench_batch.py``,
1% with a bad count) and do the same work, each in a fresh process, start-up included:
``footprint batch jobs.parquet [--engine duckdb] --summary s.json -g user``, with and
without per-job Parquet output (``-o``). They give the same files and summary (tested in
``tests/test_batch_sql.py``): the DuckDB engine runs the rules and the chain as the SQL of
``--emit-sql``, and streams the rows back into the pandas engine's writers and exact sums.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))
sys.path.insert(0, str(ROOT))

from bench_batch_e2e import RSS_HOOK, make_input, python, timed  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=float, default=1e6)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    rows = int(args.rows)
    cli = "import sys; from footprint.cli import main; sys.argv[0]='footprint'; main()"
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "jobs.parquet"
        make_input(src, rows, csv=False)
        cases = {
            "footprint, summary only": python(
                cli, "batch", str(src), "--summary", f"{tmp}/s.json", "-g", "user"
            ),
            "DuckDB engine, summary only": python(
                cli,
                "batch",
                str(src),
                "--engine",
                "duckdb",
                "--summary",
                f"{tmp}/d.json",
                "-g",
                "user",
            ),
            "footprint, per-job Parquet": python(
                cli,
                "batch",
                str(src),
                "-o",
                f"{tmp}/r.parquet",
                "--summary",
                f"{tmp}/s.json",
                "-g",
                "user",
            ),
            "DuckDB engine, per-job Parquet": python(
                cli,
                "batch",
                str(src),
                "--engine",
                "duckdb",
                "-o",
                f"{tmp}/d.parquet",
                "--summary",
                f"{tmp}/d.json",
                "-g",
                "user",
            ),
        }
        runs: dict[str, list[tuple[float, float]]] = {k: [] for k in cases}
        for _ in range(args.runs):  # alternating: drift hits every case alike
            for name, argv in cases.items():
                runs[name].append(timed(argv))
    print(
        f"batch engines, {rows:,} jobs (Parquet), medians of {args.runs} alternating runs, "
        "fresh processes (start-up included)"
    )
    med = {k: (statistics.median(w for w, _ in v), max(m for _, m in v)) for k, v in runs.items()}
    for kind in ("summary only", "per-job Parquet"):
        fp_w, fp_m = med[f"footprint, {kind}"]
        db_w, db_m = med[f"DuckDB engine, {kind}"]
        print(
            f"  {kind:<16} footprint {fp_w:6.2f} s ({fp_m:5.0f} MB)   DuckDB engine {db_w:6.2f} s "
            f"({db_m:5.0f} MB)   footprint / DuckDB = {fp_w / db_w:.2f}x"
        )


if __name__ == "__main__":
    assert RSS_HOOK  # the peak-memory hook of bench_batch_e2e, reused by python()
    main()
