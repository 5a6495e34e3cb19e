"""Which engine for one machine: footprint's pandas engine against a relational DuckDB plan.

Run from the repository root: ``python benchmarks/bench_engines.py`` (``--rows 10e6``,
``--runs 3``; needs ``pip install duckdb``). Prints medians and ratios; asserts nothing.
The decision it informs is written in ARCHITECTURE.md ("Batch engines").

Both sides get the same Parquet file of synthetic jobs (those of ``bench_batch.py``, 1%
with a bad count) and do the same work, each in a fresh process, start-up included:

- *footprint (pandas)*: ``footprint batch jobs.parquet --summary s.json -g user``, with
  and without per-job Parquet output (``-o``);
- *DuckDB relational*: the plan the issue proposes. footprint resolves the factor tables
  once (each distinct accelerator through the catalogue and its server class, each
  distinct region and year through ``site_factors``, via the batch's ``Resolver``), then
  DuckDB joins the job rows to them, computes the chain (duration, accelerator-hours, IT
  and facility energy, CO2e, water, embodied) in SQL, splits off the rows a simple check
  rejects (count < 1, end before start, unknown names), and sums by user (and writes the
  per-job rows with ``COPY ... TO (FORMAT parquet)``). It validates far less than
  footprint (no cell parsing: typed Parquet only, no units in cells, no per-row
  overrides, no hourly accounting), so it is a lower bound for a relational engine.
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

DUCKDB_PLAN = r"""
import sys, duckdb, pandas as pd
from footprint.analyses.batch.plan import Resolver
src, out, threads = sys.argv[1], sys.argv[2], int(sys.argv[3])
con = duckdb.connect()
con.execute(f"PRAGMA threads={threads}")
con.execute(f"CREATE VIEW jobs AS SELECT * FROM read_parquet('{src}')")
resolver = Resolver({})
accs = []
for (name,) in con.execute("SELECT DISTINCT accelerator FROM jobs").fetchall():
    hit = resolver.accelerator(name)
    if len(hit) == 4:
        canon, tdp, frac, host = hit
        emb = resolver.embodied(canon)
        rate = (emb["embodied_accelerator_kg"] + emb["embodied_host_kg"]) / (
            emb["lifetime_h"] * emb["life_utilization"]) if isinstance(emb, dict) else 0.0
        accs.append((name, tdp * frac, host, rate))
con.register("acc", pd.DataFrame(accs, columns=["accelerator", "power_w", "host_w", "emb_kg_h"]))
sites = []
for region, year in con.execute(
        "SELECT DISTINCT region, year(\"start\") FROM jobs").fetchall():
    hit = resolver.site(region, int(year), None)
    if not isinstance(hit, tuple):
        sites.append((region, int(year), hit.pue, hit.wue, hit.ewif, hit.intensity, hit.cfe))
con.register("site", pd.DataFrame(
    sites, columns=["region", "year", "pue", "wue", "ewif", "intensity", "cfe"]))
con.execute('''
CREATE VIEW accounted AS
SELECT j.*, epoch_us(j."end" - j."start") / 3.6e9 AS duration_h,
       j."count" * epoch_us(j."end" - j."start") / 3.6e9 AS accelerator_hours_h,
       a.power_w, a.host_w, a.emb_kg_h, s.pue, s.wue, s.ewif, s.intensity, s.cfe
FROM jobs j JOIN acc a USING (accelerator) JOIN site s
  ON s.region = j.region AND s.year = year(j."start")
WHERE j."count" >= 1 AND j."end" > j."start"
''')
con.execute('''
CREATE VIEW results AS
SELECT *, it_energy_kwh * pue AS facility_energy_kwh,
       it_energy_kwh * pue * intensity / 1000 AS co2e_kg,
       it_energy_kwh * pue * intensity / 1000 * (1 - cfe) AS co2e_market_kg,
       it_energy_kwh * wue + it_energy_kwh * pue * ewif AS water_l,
       accelerator_hours_h * emb_kg_h AS embodied_co2e_kg
FROM (SELECT *, accelerator_hours_h * (power_w + host_w) / 1000 AS it_energy_kwh FROM accounted)
''')
if out != "-":
    con.execute(f"COPY results TO '{out}' (FORMAT parquet)")
summary = con.execute('''
SELECT "user", count(*) AS jobs, fsum(accelerator_hours_h), fsum(facility_energy_kwh),
       fsum(co2e_kg), fsum(co2e_market_kg), fsum(water_l), fsum(embodied_co2e_kg)
FROM results GROUP BY "user"
''').fetchall()
rejected = con.execute("SELECT count(*) FROM jobs").fetchone()[0] - sum(r[1] for r in summary)
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=float, default=1e6)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--threads", type=int, default=2, help="DuckDB threads")
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
            "DuckDB plan, summary only": python(DUCKDB_PLAN, str(src), "-", str(args.threads)),
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
            "DuckDB plan, per-job Parquet": python(
                DUCKDB_PLAN, str(src), f"{tmp}/d.parquet", str(args.threads)
            ),
        }
        runs: dict[str, list[tuple[float, float]]] = {k: [] for k in cases}
        for _ in range(args.runs):  # alternating: drift hits every case alike
            for name, argv in cases.items():
                runs[name].append(timed(argv))
    print(
        f"batch engines, {rows:,} jobs (Parquet), medians of {args.runs} alternating runs, "
        f"fresh processes (start-up included); DuckDB on {args.threads} threads"
    )
    med = {k: (statistics.median(w for w, _ in v), max(m for _, m in v)) for k, v in runs.items()}
    for kind in ("summary only", "per-job Parquet"):
        fp_w, fp_m = med[f"footprint, {kind}"]
        db_w, db_m = med[f"DuckDB plan, {kind}"]
        print(
            f"  {kind:<16} footprint {fp_w:6.2f} s ({fp_m:5.0f} MB)   DuckDB plan {db_w:6.2f} s "
            f"({db_m:5.0f} MB)   footprint / DuckDB = {fp_w / db_w:.2f}x"
        )


if __name__ == "__main__":
    assert RSS_HOOK  # the peak-memory hook of bench_batch_e2e, reused by python()
    main()
