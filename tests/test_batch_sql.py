"""The relational plan (``batch --emit-sql``, ``--engine duckdb``) against the pandas engine.

The pandas engine is the reference: over the same typed Parquet input, DuckDB running the
emitted SQL must accept the same rows with the same numbers, bit for bit, and reject the
same rows with the same reason codes and messages.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner

from footprint.analyses.batch import BatchOptions, Resolver, make_plan, open_source, run_batch
from footprint.analyses.batch_sql import Expr, chain_sql, emit_sql, literal
from footprint.cli import cli
from footprint.core.accounting import account
from footprint.core.errors import InputError

duckdb = pytest.importorskip("duckdb")

T = pd.Timestamp
ACCELERATORS = ["H100", "A100-80GB", "h100 sxm", " V100 ", "MI300X", "nope", "", None, "TPU v5p"]
ACC_P = [0.3, 0.25, 0.1, 0.1, 0.1, 0.05, 0.03, 0.03, 0.04]
REGIONS = ["FR", "DE", "gcp:us-central1", "US-TEX-ERCO", "aws:eu-west-1", "Atlantis", "", None]
REGION_P = [0.3, 0.2, 0.15, 0.1, 0.13, 0.05, 0.03, 0.04]


def hostile_jobs(n: int, seed: int, *, float_count: bool = False) -> pd.DataFrame:
    """Typed jobs, a third of them broken in some way the rules must catch."""
    rng = np.random.default_rng(seed)
    start = T("2019-01-01", tz="UTC") + pd.to_timedelta(rng.integers(0, 7 * 8760, n), unit="h")
    start = start + pd.to_timedelta(rng.integers(0, 2, n) * rng.integers(0, 10**6, n), unit="us")
    hours = rng.choice([0.5, 3.0, 24.0, 700.0, -2.0, 5000.0], n, p=[0.3, 0.3, 0.2, 0.1, 0.05, 0.05])
    end = start + pd.to_timedelta(hours * 3600, unit="s")
    count: Any = rng.choice(
        [1, 2, 8, 64, 512, 0, -1, 20_000_000], n, p=[0.3, 0.25, 0.25, 0.08, 0.06, 0.02, 0.02, 0.02]
    )
    if float_count:
        count = np.where(rng.random(n) < 0.1, count + 0.5, count).astype(float)
        count[rng.random(n) < 0.05] = np.nan
    gpu_hours = np.where(
        rng.random(n) < 0.15, rng.choice([10.0, 2e5, -1.0, 1e120, np.inf], n), np.nan
    )
    frame = pd.DataFrame(
        {
            "job_id": [None if rng.random() < 0.02 else f"j{i}" for i in range(n)],
            "accelerator": rng.choice(np.array(ACCELERATORS, dtype=object), n, p=ACC_P),
            "count": count,
            "start": start,
            "end": end,
            "gpu_hours": gpu_hours,
            "region": rng.choice(np.array(REGIONS, dtype=object), n, p=REGION_P),
            "operator": rng.choice(
                np.array([None, None, "google", "aws", "nobody"], dtype=object), n
            ),
            "user": rng.choice(["ada", "bob", "cy"], n),
            "tags": rng.choice(["a;b", "b", ""], n),
            "extra": rng.integers(0, 5, n),
        }
    )
    if float_count:  # a year column too, some of it broken
        frame["year"] = rng.choice(
            [2021.0, 2023.0, np.nan, 2022.5, 12345.0, 1995.0],
            n,
            p=[0.4, 0.3, 0.2, 0.04, 0.03, 0.03],
        )
    else:
        frame["count"] = frame["count"].astype("Int64")
        frame.loc[rng.random(n) < 0.05, "count"] = pd.NA
    frame.loc[rng.random(n) < 0.03, "start"] = pd.NaT
    frame.loc[rng.random(n) < 0.03, "end"] = pd.NaT
    return frame


def run_sql(path: Path, options: BatchOptions, out: Path) -> tuple[pd.DataFrame, pd.DataFrame]:
    source = open_source(path, options)
    plan = make_plan(source, options)
    emit_sql(source, plan, Resolver(plan.defaults.site, plan.defaults.embodied), out)
    con = duckdb.connect()
    here = os.getcwd()
    os.chdir(out)
    try:
        con.execute((out / "footprint.sql").read_text())
        res = con.execute('SELECT * FROM footprint_results ORDER BY "row"').df()
        rej = con.execute('SELECT * FROM footprint_rejects ORDER BY "row"').df()
    finally:
        os.chdir(here)
    return res, rej


def assert_same(ref: pd.DataFrame, got: pd.DataFrame) -> None:
    assert list(ref.columns) == list(got.columns)
    assert len(ref) == len(got)
    for col in ref.columns:
        a, b = ref[col].reset_index(drop=True), got[col].reset_index(drop=True)
        both_na = a.isna().to_numpy() & b.isna().to_numpy()
        if a.dtype.kind == "f" or b.dtype.kind == "f":
            x = a.to_numpy(dtype=float, na_value=np.nan)
            y = b.to_numpy(dtype=float, na_value=np.nan)
            same = both_na | (x == y)  # bit for bit, not approximately
        else:
            same = both_na | (a.astype(str).to_numpy() == b.astype(str).to_numpy())
        wrong = np.flatnonzero(~same)[:3]
        assert same.all(), (col, a.iloc[wrong].tolist(), b.iloc[wrong].tolist())


OPTION_SETS: dict[str, dict[str, Any]] = {
    "defaults": {},
    "no embodied": {"embodied": False},
    "servers boundary, defaults": {"boundary": "servers", "accelerator": "H100", "region": "SE"},
    "year and price fixed": {"year": 2022, "price": "0.1 EUR/kWh"},
}


@pytest.mark.parametrize("name", list(OPTION_SETS))
@pytest.mark.parametrize("float_count", [False, True])
def test_sql_plan_equals_the_pandas_engine(tmp_path: Path, name: str, float_count: bool) -> None:
    jobs = hostile_jobs(600, seed=len(name) + float_count, float_count=float_count)
    src = tmp_path / "jobs.parquet"
    jobs.to_parquet(src, index=False)
    options = BatchOptions(**OPTION_SETS[name])
    run_batch(src, options, output=tmp_path / "ref.parquet", rejects=tmp_path / "rej.parquet")
    ref = pd.read_parquet(tmp_path / "ref.parquet")
    ref_rej = pd.read_parquet(tmp_path / "rej.parquet")
    res, rej = run_sql(src, options, tmp_path / "sql")
    assert len(ref) > 120 and len(ref_rej) > 100  # both sides see real work and real rejects
    assert_same(ref, res)
    assert rej["row"].tolist() == ref_rej["row"].tolist()
    assert rej["reason_code"].tolist() == ref_rej["reason_code"].tolist()
    assert rej["reason"].tolist() == ref_rej["reason"].tolist()


def test_an_accelerator_without_tdp_is_rejected_alike(tmp_path: Path, monkeypatch) -> None:
    # every shipped accelerator has a TDP (issue 18: TPU v5p's is derived); a catalogue row
    # without one is rejected by both engines with the same code and message
    import dataclasses

    import footprint.analyses.batch.plan as plan_module

    real = plan_module.get_accelerator

    def without_tdp(name: str) -> Any:
        acc = real(name)
        return dataclasses.replace(acc, tdp=None) if acc.name == "TPU-v5p" else acc

    monkeypatch.setattr(plan_module, "get_accelerator", without_tdp)
    jobs = hostile_jobs(300, seed=7)
    src = tmp_path / "jobs.parquet"
    jobs.to_parquet(src, index=False)
    options = BatchOptions()
    run_batch(src, options, output=tmp_path / "ref.parquet", rejects=tmp_path / "rej.parquet")
    ref = pd.read_parquet(tmp_path / "ref.parquet")
    ref_rej = pd.read_parquet(tmp_path / "rej.parquet")
    res, rej = run_sql(src, options, tmp_path / "sql")
    assert_same(ref, res)
    assert rej["reason"].tolist() == ref_rej["reason"].tolist()
    message = "TPU-v5p has no TDP in the catalogue; give power (--power)"
    assert ref_rej["reason"].str.contains(message, regex=False).any()
    assert not ref["accelerator"].eq("TPU-v5p").any()


def test_the_sql_is_the_engine_chain_itself() -> None:
    """Each SQL expression is the chain evaluated over symbols: evaluating it in DuckDB
    over one row gives account()'s numbers bit for bit."""
    chain = chain_sql(embodied=True)
    args = {
        "accelerator_hours_h": 123.456,
        "power_w": 571.2,
        "host_power_w": 290.0,
        "pue": 1.12,
        "wue_l_per_kwh": 0.49,
        "ewif_l_per_kwh": 3.1,
        "intensity_g_per_kwh": 370.3,
        "cfe_share": 0.64,
        "price_per_kwh": 0.171,
        "host_included": 1.0,
        "embodied_accelerator_kg": 1500.0,
        "embodied_host_kg": 2500.0,
        "lifetime_h": 43800.0,
        "life_utilization": 0.8,
    }
    cols = ", ".join(f"{literal(v)} AS {k}" for k, v in args.items())
    names = list(chain)
    row = (
        duckdb.connect()
        .execute(f"SELECT {', '.join(chain[k] for k in names)} FROM (SELECT {cols})")
        .fetchone()
    )
    got = dict(zip(names, row, strict=True))
    want = account(
        args["accelerator_hours_h"],
        args["power_w"],
        args["host_power_w"] * args["host_included"],
        args["pue"],
        args["wue_l_per_kwh"],
        args["ewif_l_per_kwh"],
        args["intensity_g_per_kwh"],
        cfe_share=args["cfe_share"],
        price_per_kwh=args["price_per_kwh"],
        embodied_accelerator_kg=args["embodied_accelerator_kg"],
        embodied_host_kg=args["embodied_host_kg"],
        lifetime_h=args["lifetime_h"],
        life_utilization=args["life_utilization"],
    )
    for key, value in want.items():
        assert got[key] == value, key


def test_expressions_keep_python_order_and_exact_constants() -> None:
    e = 1.0 - Expr("x") * 0.1 / 3
    assert (
        e.sql == "(CAST('1.0' AS DOUBLE) - ((x * CAST('0.1' AS DOUBLE)) / CAST('3.0' AS DOUBLE)))"
    )
    with pytest.raises(TypeError):
        literal("1; DROP TABLE jobs")


def test_user_strings_are_sql_literals(tmp_path: Path) -> None:
    """A name with quotes reaches the SQL only as an escaped literal or a table value."""
    jobs = hostile_jobs(20, seed=3)
    jobs["region"] = "x'); DROP TABLE footprint_jobs; --"
    jobs["user"] = "o'brien"
    src = tmp_path / "jobs.parquet"
    jobs.to_parquet(src, index=False)
    res, rej = run_sql(src, BatchOptions(), tmp_path / "sql")
    assert len(res) == 0 and len(rej) == 20
    assert all("unknown_region" in code or "missing" in code for code in rej["reason_code"])


def test_inputs_beyond_the_plan_are_refused_in_one_line(tmp_path: Path) -> None:
    src = tmp_path / "jobs.csv"
    src.write_text("job_id,accelerator,count,duration,region\n1,H100,1,2 h,FR\n")
    result = CliRunner().invoke(cli, ["batch", str(src), "--emit-sql", str(tmp_path / "o")])
    assert result.exit_code == 2
    assert "pandas engine" in result.output and len(result.output.strip().splitlines()) == 1
    jobs = hostile_jobs(10, seed=1).assign(power=700.0)
    pq = tmp_path / "p.parquet"
    jobs.to_parquet(pq, index=False)
    with pytest.raises(InputError, match="column.*power"):
        source = open_source(pq, BatchOptions())
        plan = make_plan(source, BatchOptions())
        emit_sql(source, plan, Resolver(plan.defaults.site, plan.defaults.embodied), tmp_path)


def test_emit_sql_command_writes_a_runnable_folder(tmp_path: Path) -> None:
    jobs = hostile_jobs(200, seed=5)
    src = tmp_path / "jobs.parquet"
    jobs.to_parquet(src, index=False)
    out = tmp_path / "plan"
    result = CliRunner().invoke(cli, ["batch", str(src), "--emit-sql", str(out)])
    assert result.exit_code == 0, result.output
    names = sorted(p.name for p in out.iterdir())
    assert names == [
        "footprint.sql",
        "footprint_accelerators.csv",
        "footprint_accelerators.parquet",
        "footprint_sites.csv",
        "footprint_sites.parquet",
    ]
    here = os.getcwd()
    os.chdir(out)
    try:
        con = duckdb.connect()
        con.execute((out / "footprint.sql").read_text())
        done, rejected = con.execute(
            "SELECT (SELECT count(*) FROM footprint_results), "
            "(SELECT count(*) FROM footprint_rejects)"
        ).fetchone()
    finally:
        os.chdir(here)
    assert done + rejected == 200
    assert "footprint.sql" in result.output
    sites = pd.read_csv(out / "footprint_sites.csv")
    assert {"zone", "intensity_g_per_kwh", "intensity_year", "error_code"} <= set(sites.columns)


@pytest.mark.parametrize("name", ["defaults", "no embodied"])
def test_duckdb_engine_writes_what_the_pandas_engine_writes(tmp_path: Path, name: str) -> None:
    """``--engine duckdb``: the same results and rejects files and the same summary
    (exact group sums included) as the pandas engine, over hostile typed input."""
    jobs = hostile_jobs(800, seed=11, float_count=name == "no embodied")
    jobs.loc[5, "job_id"] = jobs.loc[6, "job_id"]  # a repeated job id is reported alike
    src = tmp_path / "jobs.parquet"
    jobs.to_parquet(src, index=False, row_group_size=300)
    options = BatchOptions(group_by=("user", "month"), chunk_size=200, **OPTION_SETS[name])
    runs = {}
    for engine in ("pandas", "duckdb"):
        report = run_batch(
            src,
            options,
            output=tmp_path / f"{engine}.parquet",
            rejects=tmp_path / f"{engine}.rejects.parquet",
            summary_path=tmp_path / f"{engine}.json",
            engine=engine,
        )
        summary = json.loads((tmp_path / f"{engine}.json").read_text())
        summary.pop("outputs")
        runs[engine] = (report, summary)
    assert runs["duckdb"][1] == runs["pandas"][1]
    assert runs["pandas"][0].summary.duplicate_note() == runs["duckdb"][0].summary.duplicate_note()
    for kind in ("", ".rejects"):
        ref = pd.read_parquet(tmp_path / f"pandas{kind}.parquet")
        got = pd.read_parquet(tmp_path / f"duckdb{kind}.parquet")
        assert ref.dtypes.equals(got.dtypes)
        assert ref.equals(got)


def test_duckdb_engine_cli_and_its_limits(tmp_path: Path) -> None:
    jobs = hostile_jobs(50, seed=2)
    src = tmp_path / "jobs.parquet"
    jobs.to_parquet(src, index=False)
    ok = CliRunner().invoke(cli, ["batch", str(src), "--engine", "duckdb", "--format", "json"])
    assert ok.exit_code == 0, ok.output
    refused = CliRunner().invoke(
        cli, ["batch", str(src), "--engine", "duckdb", "--hourly", "--format", "json"]
    )
    assert refused.exit_code == 2 and "pandas engine" in refused.output
