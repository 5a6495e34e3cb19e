"""``footprint batch``: job logs to per-job results, rejects and summaries.

The central checks: every accepted row equals ``footprint estimate`` for the same
inputs bit for bit; no row is lost (rows in = rows out + rows rejected); bad
input either goes to the rejects with its reason or, for a bad header, stops
with exit code 2 before anything is written; the Dask engine gives the pandas
engine's results exactly.
"""

from __future__ import annotations

import io
import json
import math
import os
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from footprint.analyses import batch
from footprint.analyses.batch import (
    INPUT_COLUMNS,
    QUANTITIES,
    BatchOptions,
    batch_frame,
    parse_alloc_tres,
    parse_elapsed,
    read_config,
    readers,
    run_batch,
)
from footprint.analyses.batch import sums as batch_sums
from footprint.cli import cli
from footprint.core.errors import InputError

HEADER = (
    "job_id,accelerator,count,start,end,duration,gpu_hours,region,year,user,power,"
    "utilization,host_power"
)
#: Rows covering every way of giving the inputs (and their estimate options below).
GOOD_ROWS = [
    "a1,H100-SXM,8,2023-03-01T00:00:00,2023-03-02T00:00:00,,,FR,,alice,,,",
    "a2,A100-80GB,4,,,3 days,,US,2023,bob,,0.8,",
    "a3,h100 sxm,2,,,90 min,,DE,2022,bob,500 W,,",
    "a4,V100-SXM2-32GB,1,,,2.5,,FR,2021,carol,0.33 kW,,0 W",
    "a5,L4,3,2024-01-31T22:15:30.5,2024-02-01T01:00:00,,,aws:us-east-1,,carol,,80%,",
    "a6,MI250X,16,,,0.1,,US-CA,2023,dave,,,75 W",
    "a7,H100-SXM,,,,,1e3,gcp:europe-west1,2024,dave,,,",
    "a8,A100-40GB,64,2022-06-01T08:00:00+02:00,2022-06-03T08:00:00+02:00,,,SE-SE3,,erin,,,",
]


def run(*args: str) -> object:
    return CliRunner().invoke(cli, list(args))


def write(path: Path, lines: list[str]) -> Path:
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def estimate_args(row: pd.Series, year: int) -> list[str]:
    """The `footprint estimate` options that describe the same job as a batch row."""
    args = ["estimate", "--accelerator", row["accelerator"], "--region", row["region"]]
    args += ["--year", str(year), "--format", "json"]
    if isinstance(row["gpu_hours"], str):
        args += ["--gpu-hours", row["gpu_hours"]]
    else:
        args += ["--count", row["count"]]
        if isinstance(row["duration"], str):
            args += ["--hours", row["duration"]]
        else:  # start and end: the elapsed seconds, as estimate reads them
            seconds = (pd.Timestamp(row["end"]) - pd.Timestamp(row["start"])).total_seconds()
            args += ["--hours", f"{seconds!r} s"]
    for col, option in (
        ("power", "--power"),
        ("utilization", "--utilization"),
        ("host_power", "--host-power"),
    ):
        if isinstance(row[col], str):
            args += [option, row[col]]
    return args


# --------------------------------------------------------------------------- identity


@pytest.mark.parametrize("site", [[], ["--pue", "1.1", "--intensity", "429 g/kWh", "--cfe", "0.5"]])
def test_each_row_equals_estimate_exactly(tmp_path: Path, site: list[str]) -> None:
    jobs = write(tmp_path / "jobs.csv", [HEADER, *GOOD_ROWS])
    out = tmp_path / "results.parquet"
    r = run("batch", str(jobs), "-o", str(out), "--format", "json", *site)
    assert r.exit_code == 0, r.output
    results = pd.read_parquet(out).set_index("job_id")
    raw = pd.read_csv(jobs, dtype=str, keep_default_na=False, na_values=[""]).set_index("job_id")
    assert len(results) == len(raw)
    for job_id, row in raw.iterrows():
        got = results.loc[job_id]
        e = run(*estimate_args(row, int(got["year"])), *site)
        assert e.exit_code == 0, e.output
        ref = json.loads(e.output)["results"]
        compared = 0
        for column, key in QUANTITIES.items():
            if key in ref:
                assert got[column] == ref[key]["value"], (job_id, column)  # bit for bit
                compared += 1
        assert compared >= 8
        if "cost" in ref:
            assert got["cost"] == ref["cost"]["value"] and got["currency"] == ref["cost"]["unit"]
        else:
            assert math.isnan(got["cost"])


@settings(max_examples=40, deadline=None)
@given(
    count=st.integers(1, 4096),
    hours=st.floats(1e-3, 1e5, allow_nan=False).map(lambda x: float(f"{x:.6g}")),
    unit=st.sampled_from(["h", "min", "s", "days", "week"]),
    util=st.one_of(st.none(), st.floats(0.01, 1.0).map(lambda x: round(x, 3))),
    region=st.sampled_from(["FR", "US", "IN", "BR", "US-TX", "azure:westeurope"]),
    year=st.integers(2015, 2024),
)
def test_property_rows_equal_the_estimate_engine(count, hours, unit, util, region, year):
    """Any row equals fp.estimate for the same GpuJob and Site, exactly."""
    import footprint as fp

    frame = pd.DataFrame(
        {
            "job_id": ["x"],
            "accelerator": ["H100-SXM"],
            "count": [str(count)],
            "duration": [f"{hours!r} {unit}"],
            "region": [region],
            "year": [str(year)],
            "utilization": ["" if util is None else repr(util)],
        }
    ).replace("", None)
    got = batch_frame(frame).results.iloc[0]
    job = fp.GpuJob("H100-SXM", count=count, duration=f"{hours!r} {unit}", utilization=util)
    ref = fp.estimate(job, fp.Site(region=region, year=year)).to_dict()["results"]
    for column, key in QUANTITIES.items():
        if key in ref:
            assert got[column] == ref[key]["value"], column


# --------------------------------------------------------------------------- no row lost


BAD_ROWS = [
    "b1,H10,2,2023-03-01T00:00:00,2023-03-01T01:00:00,,,FR,,x,,,",  # unknown accelerator
    "b2,H100-SXM,-1,2023-03-01T00:00:00,2023-03-01T01:00:00,,,FR,,x,,,",  # negative count
    "b3,H100-SXM,1,2023-03-02T00:00:00,2023-03-01T01:00:00,,,FR,,x,,,",  # end before start
    "b4,H100-SXM,1,2023-13-02T00:00:00,2023-03-01T01:00:00,,,FR,,x,,,",  # bad timestamp
    "b5,H100-SXM,1,2023-03-01T00:00:00,2023-03-01T01:00:00,,,Atlantis,,x,,,",  # unknown region
    "b6,H100-SXM,1.5,,,2,,FR,2023,x,,,",  # count not whole
    "b7,H100-SXM,1,,,2,,,2023,x,,,",  # no region
    "b8,H100-SXM,1,,,2 m,,FR,2023,x,,,",  # duration in metres
    "b9,H100-SXM,1,,,2,,FR,2023,x,300 W,0.5,",  # power and utilization
    "b10,H100-SXM,1,2023-03-01T00:00:00,2023-03-01T01:00:00,2,,FR,,x,,,",  # 2 h vs 1 h
    "b11,H100-SXM,0,,,2,,FR,2023,x,,,",  # zero count
    "b12,H100-SXM,1,,,2,,FR,1890,x,,,",  # year out of range
    ",H100-SXM,1,,,2,,FR,2023,x,,,",  # no job id
]
EXPECTED_CODES = {
    "b1": "unknown_accelerator",
    "b2": "bad_count",
    "b3": "end_before_start",
    "b4": "bad_timestamp",
    "b5": "unknown_region",
    "b6": "bad_count",
    "b7": "missing_value",
    "b8": "bad_duration",
    "b9": "conflicting_inputs",
    "b10": "duration_mismatch",
    "b11": "bad_count",
    "b12": "bad_year",
}


def test_rows_in_equal_rows_out_plus_rejected(tmp_path: Path) -> None:
    lines = [HEADER]
    for i in range(40):  # interleave good and bad rows
        lines.append(GOOD_ROWS[i % len(GOOD_ROWS)].replace("a", f"g{i}-", 1))
        lines.append(BAD_ROWS[i % len(BAD_ROWS)])
    jobs = write(tmp_path / "jobs.csv", lines)
    out, summary = tmp_path / "r.csv", tmp_path / "s.json"
    r = run("batch", str(jobs), "-o", str(out), "--summary", str(summary), "--chunk-size", "7")
    assert r.exit_code == 0, r.output
    results = pd.read_csv(out)
    rejects = pd.read_csv(tmp_path / "r.rejects.csv")
    assert len(results) + len(rejects) == 80
    assert sorted([*results["row"], *rejects["row"]]) == list(range(1, 81))
    s = json.loads(summary.read_text())
    assert s["rows"] == {"in": 80, "out": len(results), "rejected": len(rejects)}
    assert s["check"] == f"rows in = rows out + rows rejected: 80 = {len(results)} + {len(rejects)}"
    assert "rows in = rows out + rows rejected: 80 = 40 + 40" in r.output


def test_each_bad_row_has_its_reason(tmp_path: Path) -> None:
    jobs = write(tmp_path / "jobs.csv", [HEADER, *BAD_ROWS])
    r = run("batch", str(jobs), "-o", str(tmp_path / "r.csv"))
    assert r.exit_code == 0, r.output
    rejects = pd.read_csv(tmp_path / "r.rejects.csv", dtype=str).set_index("job_id", drop=False)
    for job, code in EXPECTED_CODES.items():
        assert code in rejects.loc[job, "reason_code"].split(";"), (job, rejects.loc[job])
    reason = rejects.set_index("job_id")["reason"]
    assert "did you mean" in reason["b1"] and "'H100'" in reason["b1"]
    assert reason["b2"] == "count must not be negative, got -1"
    assert reason["b3"] == "end 2023-03-01T01:00:00Z is before start 2023-03-02T00:00:00Z"
    assert "'2023-13-02T00:00:00'" in reason["b4"]
    assert "unknown region 'Atlantis'" in reason["b5"]
    assert "expected time" in reason["b8"]
    assert reason["b10"].startswith("duration 2 h disagrees with end - start = 1 h")
    assert rejects["row"].astype(int).tolist() == list(range(1, len(BAD_ROWS) + 1))
    # the row as given is kept, cell for cell
    assert (
        rejects.loc["b2", "count"] == "-1" and rejects.loc["b4", "start"] == "2023-13-02T00:00:00"
    )


def test_a_row_with_several_faults_gives_them_all() -> None:
    frame = pd.DataFrame(
        {"job_id": ["1"], "accelerator": ["nope"], "count": ["-3"], "duration": ["1"]}
    )
    rej = batch_frame(frame, BatchOptions(region="FR")).rejects.iloc[0]
    assert set(rej["reason_code"].split(";")) == {"unknown_accelerator", "bad_count"}
    assert "; " in rej["reason"]


@pytest.mark.parametrize("arrow", [True, False])
def test_malformed_line_is_rejected_with_its_text(tmp_path: Path, monkeypatch, arrow) -> None:
    if arrow:
        pytest.importorskip("pyarrow")
    monkeypatch.setattr(readers, "has_pyarrow", lambda: arrow)  # pyarrow's reader or pandas'
    lines = [HEADER, GOOD_ROWS[0], GOOD_ROWS[1] + ",extra", GOOD_ROWS[2], GOOD_ROWS[3]]
    jobs = write(tmp_path / "jobs.csv", lines)
    r = run("batch", str(jobs), "-o", str(tmp_path / "r.csv"), "--chunk-size", "1")
    assert r.exit_code == 0, r.output
    results = pd.read_csv(tmp_path / "r.csv")
    rejects = pd.read_csv(tmp_path / "r.rejects.csv")
    assert results["row"].tolist() == [1, 3, 4]
    assert results["job_id"].tolist() == ["a1", "a3", "a4"]
    (bad,) = rejects.itertuples()
    assert bad.row == 2 and bad.reason_code == "malformed_line"
    assert "expected 13 fields, saw 14" in bad.reason and bad.line.startswith("a2,A100-80GB")


def test_zero_duration_is_a_zero_footprint() -> None:
    frame = pd.DataFrame(
        {
            "job_id": ["1"],
            "accelerator": ["H100-SXM"],
            "count": ["4"],
            "start": ["2024-01-01T00:00:00"],
            "end": ["2024-01-01T00:00:00"],
            "region": ["FR"],
        }
    )
    res = batch_frame(frame).results.iloc[0]
    assert res["accelerator_hours_h"] == 0 and res["co2e_kg"] == 0 and res["year"] == 2024


# --------------------------------------------------------------------------- bad headers


@pytest.mark.parametrize(
    "header, message",
    [
        ("job_id,accelerator,count,region", "missing required column(s): duration"),
        ("job_id,accelerator,n_gpus,duration,region", "--column count=n_gpus"),
        ("job_id,accelerator,count,count,duration,region", "have the same name"),
        ("job_id,,count,duration,region", "column 2 has no name"),
        ("1,H100-SXM,4,2,FR", "the file needs a header line"),
        ("", "the file is empty"),
    ],
)
def test_bad_header_stops_and_writes_nothing(tmp_path: Path, header: str, message: str) -> None:
    jobs = write(tmp_path / "jobs.csv", [header, "1,H100-SXM,4,2,FR"])
    out = tmp_path / "r.csv"
    out.write_text("previous results\n")
    r = run("batch", str(jobs), "-o", str(out), "--summary", str(tmp_path / "s.json"))
    assert r.exit_code == 2
    assert message in r.output
    assert "Traceback" not in r.output
    assert out.read_text() == "previous results\n"  # untouched
    assert sorted(p.name for p in tmp_path.iterdir()) == ["jobs.csv", "r.csv"]


def test_failure_midway_leaves_no_partial_output(tmp_path: Path, monkeypatch) -> None:
    jobs = write(tmp_path / "jobs.csv", [HEADER, *GOOD_ROWS])
    calls = {"n": 0}
    real = batch.process_chunk

    def failing(*args, **kwargs):
        calls["n"] += 1
        if calls["n"] == 3:
            raise InputError("disk on fire")
        return real(*args, **kwargs)

    monkeypatch.setattr(batch, "process_chunk", failing)
    out = tmp_path / "r.parquet"
    r = run("batch", str(jobs), "-o", str(out), "--chunk-size", "2")
    assert r.exit_code == 2 and "disk on fire" in r.output
    assert sorted(p.name for p in tmp_path.iterdir()) == ["jobs.csv"]


def test_group_by_unknown_column_is_a_clear_error(tmp_path: Path) -> None:
    jobs = write(tmp_path / "jobs.csv", [HEADER, *GOOD_ROWS])
    r = run("batch", str(jobs), "--group-by", "usr")
    assert r.exit_code == 2 and "did you mean 'user'" in r.output


def test_unknown_default_accelerator_is_one_error(tmp_path: Path) -> None:
    jobs = write(tmp_path / "jobs.csv", ["job_id,count,duration,region", "1,2,3,FR"])
    r = run("batch", str(jobs), "--accelerator", "H1OO")
    assert r.exit_code == 2 and "unknown accelerator 'H1OO'" in r.output


# --------------------------------------------------------------------------- sacct

SACCT = "\n".join(
    [
        "JobID|JobName|User|Account|Partition|AllocTRES|Elapsed|Start|End|State",
        "1001|train|alice|proj-a|gpu_a100|billing=8,cpu=8,gres/gpu=4,mem=64G,node=1|1-02:03:04"
        "|2024-03-01T10:00:00|2024-03-02T12:03:04|COMPLETED",
        "1001.batch|batch|||gpu_a100|cpu=8,gres/gpu=4,mem=64G,node=1|1-02:03:04"
        "|2024-03-01T10:00:00|2024-03-02T12:03:04|COMPLETED",
        "1002|eval|bob|proj-b|gpu_h100|cpu=4,gres/gpu:h100=2,mem=32G,node=1|02:03:04"
        "|2024-03-05T08:00:00|2024-03-05T10:03:04|COMPLETED",
        "1003|quick|bob|proj-b|gpu_h100|cpu=4,gres/gpu=1,gres/gpu:h100=1,node=1|03:04"
        "|2024-03-05T08:00:00|2024-03-05T08:03:04|FAILED",
        "1004|cpu|carol|proj-c|gpu_a100|billing=4,cpu=4,mem=16G,node=1|00:10:00"
        "|2024-03-05T08:00:00|2024-03-05T08:10:00|COMPLETED",
        "1005|run|carol|proj-c|gpu_a100|cpu=4,gres/gpu=8,node=1|05:00:00"
        "|2024-03-06T08:00:00|Unknown|RUNNING",
        "1006|pend|carol|proj-c|gpu_a100||00:00:00|None|Unknown|PENDING",
        "1007|odd|dave|proj-d|debug|cpu=4,gres/gpu=1,node=1|01:00:00"
        "|2024-03-06T08:00:00|2024-03-06T09:00:00|COMPLETED",
    ]
)
CONFIG = """
[partitions.gpu_a100]
accelerator = "A100-80GB"
region = "FR"

[partitions.gpu_h100]
region = "DE"
operator = "industry-average"

[gres]
h100 = "H100-SXM"
"""


def test_sacct_parsable2_with_partition_config(tmp_path: Path) -> None:
    jobs = tmp_path / "sacct.txt"
    jobs.write_text(SACCT + "\n")
    config = tmp_path / "cluster.toml"
    config.write_text(CONFIG)
    out = tmp_path / "r.csv"
    r = run("batch", str(jobs), "--config", str(config), "-o", str(out), "-g", "user")
    assert r.exit_code == 0, r.output
    res = pd.read_csv(out).set_index("job_id")
    rej = pd.read_csv(tmp_path / "r.rejects.csv", dtype=str).set_index("JobID")
    assert list(res.index.astype(str)) == ["1001", "1002", "1003"]
    # Elapsed 1-02:03:04 = 93,784 s; AllocTRES gres/gpu=4; partition -> A100-80GB in FR
    assert res.loc[1001, "duration_h"] == pytest.approx(93784 / 3600)
    assert res.loc[1001, "accelerator_hours_h"] == 4 * 93784 / 3600
    assert res.loc[1001, "accelerator"] == "A100-80GB-SXM" and res.loc[1001, "zone"] == "FR"
    assert res.loc[1001, "user"] == "alice" and res.loc[1001, "project"] == "proj-a"
    assert res.loc[1001, "year"] == 2024  # the year of Start
    # typed GRES gres/gpu:h100=2 -> [gres] h100 = H100-SXM; 02:03:04 = 7,384 s
    assert res.loc[1002, "accelerator"] == "H100-SXM" and res.loc[1002, "count"] == 2
    assert res.loc[1002, "accelerator_hours_h"] == 2 * 7384 / 3600
    # untyped total wins over the typed entry; 03:04 = 184 s
    assert res.loc[1003, "count"] == 1 and res.loc[1003, "duration_h"] == 184 / 3600
    assert res.loc[1003, "State"] == "FAILED" and res.loc[1003, "JobName"] == "quick"
    codes = rej["reason_code"].to_dict()
    assert codes == {
        "1001.batch": "job_step",
        "1004": "no_gpu",
        "1005": "not_finished",
        "1006": "missing_value;never_started;not_finished",
        "1007": "unknown_partition",
    }
    assert "partition 'debug' is not in the config" in rej.loc["1007", "reason"]
    assert "gpu_a100, gpu_h100" in rej.loc["1007", "reason"]
    assert "rows in = rows out + rows rejected: 8 = 3 + 5" in r.output


def test_sacct_row_equals_estimate(tmp_path: Path) -> None:
    jobs = tmp_path / "sacct.txt"
    jobs.write_text(SACCT + "\n")
    config = tmp_path / "cluster.toml"
    config.write_text(CONFIG)
    out = tmp_path / "r.parquet"
    assert run("batch", str(jobs), "--config", str(config), "-o", str(out)).exit_code == 0
    res = pd.read_parquet(out).set_index("job_id").loc["1001"]
    e = run(
        "estimate", "-a", "A100-80GB", "--count", "4", "--hours", "93784 s",
        "--region", "FR", "--year", "2024", "--format", "json",
    )  # fmt: skip
    ref = json.loads(e.output)["results"]
    for column, key in QUANTITIES.items():
        if key in ref:
            assert res[column] == ref[key]["value"], column


def test_sacct_parsable_trailing_delimiter_and_default_region() -> None:
    text = (
        "JobID|Partition|AllocTRES|Elapsed|Start|End|\n"
        "7|p|gres/gpu=2|00:30:00|2023-05-01T00:00:00|2023-05-01T00:30:00|\n"
    )
    frame = pd.read_csv(io.StringIO(text), sep="|", dtype=str)
    frame = frame.drop(columns=[c for c in frame.columns if c.startswith("Unnamed")])
    res = batch_frame(frame, BatchOptions(accelerator="H100-SXM", region="FR"), kind="sacct")
    assert res.results.loc[0, "accelerator_hours_h"] == 1.0


def test_parse_elapsed_every_slurm_form() -> None:
    values = pd.Series(
        ["1-02:03:04", "02:03:04", "03:04", "5", "2-03", "2-03:04", "00:00:00", "UNLIMITED", None]
    )
    got = parse_elapsed(values)
    expected = [93784, 7384, 184, 300, 2 * 86400 + 3 * 3600, 2 * 86400 + 3 * 3600 + 240, 0]
    assert got[:7].tolist() == expected
    assert np.isnan(got[7:]).all()


def test_parse_alloc_tres() -> None:
    values = pd.Series(
        [
            "billing=8,cpu=8,gres/gpu=4,mem=64G,node=1",
            "cpu=8,gres/gpu:a100=2,gres/gpu:v100=1,node=1",
            "cpu=4,gres/gpu=1,gres/gpu:h100=1",
            "billing=4,cpu=4,mem=16G,node=1",
            "gpu:a100:4",
            None,
        ]
    )
    count, kind = parse_alloc_tres(values)
    assert count[:5].tolist() == [4, 3, 1, 0, 4] and np.isnan(count[5])
    assert kind.tolist() == [None, "a100", "h100", None, "a100", None]


def test_config_errors_are_clear(tmp_path: Path) -> None:
    bad = tmp_path / "c.toml"
    bad.write_text('[partitions.gpu]\naccelerator = "H1OO"\n')
    with pytest.raises(InputError, match="partitions.gpu.accelerator: unknown accelerator"):
        read_config(bad)
    bad.write_text('[partitions.gpu]\nregoin = "FR"\n')
    with pytest.raises(InputError, match="unknown key"):
        read_config(bad)
    bad.write_text("[partitions\n")
    with pytest.raises(InputError, match="not valid TOML"):
        read_config(bad)


# --------------------------------------------------------------------------- summary


def test_summary_totals_are_exact_and_independent_of_chunks() -> None:
    rng = np.random.default_rng(3)
    n = 1000
    frame = pd.DataFrame(
        {
            "job_id": np.arange(n).astype(str),
            "accelerator": rng.choice(["H100-SXM", "A100-80GB", "T4"], n),
            "count": rng.integers(1, 9, n).astype(str),
            "duration": (rng.random(n) * 100).astype(str),
            "region": rng.choice(["FR", "US", "PL", "aws:us-east-1"], n),
            "user": rng.choice(["u1", "u2", "u3"], n),
        }
    )
    sums = {}
    for chunk in (n, 97, 333):
        out = batch_frame(frame.sample(frac=1, random_state=chunk), BatchOptions(chunk_size=chunk))
        sums[chunk] = out.summary.totals()
        for col in QUANTITIES:
            if col in out.results:
                assert sums[chunk][col] == math.fsum(out.results[col]), col  # correctly rounded
    assert sums[n] == sums[97] == sums[333]


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.floats(allow_nan=False, allow_infinity=False, min_value=-1e300, max_value=1e300),
        min_size=1,
        max_size=60,
    ),
    st.integers(1, 4),
)
def test_exact_sums_property(values, groups):
    codes = np.arange(len(values)) % groups
    sums = batch_sums._exact_sums(np.array(values), codes, groups)
    for g in range(groups):
        picked = [v for v, c in zip(values, codes, strict=True) if c == g]
        assert batch_sums.round_exact(sums[g]) == math.fsum(picked)


def test_group_by_tag_and_month() -> None:
    frame = pd.DataFrame(
        {
            "job_id": ["1", "2", "3"],
            "accelerator": ["H100-SXM"] * 3,
            "count": ["1", "2", "4"],
            "start": ["2024-01-05T00:00:00", "2024-01-20T00:00:00", "2024-02-01T00:00:00"],
            "end": ["2024-01-05T01:00:00", "2024-01-20T01:00:00", "2024-02-01T01:00:00"],
            "region": ["FR"] * 3,
            "tags": ["a;b", "b", None],
        }
    )
    by_tag = batch_frame(frame, BatchOptions(group_by=("tag",))).summary.table()
    tags = by_tag["tag"].astype(object).where(by_tag["tag"].notna(), None)
    jobs = dict(zip(tags, by_tag["jobs"], strict=True))
    hours = dict(zip(tags, by_tag["accelerator_hours_h"], strict=True))
    assert jobs == {"a": 1, "b": 2, None: 1} and hours == {"a": 1, "b": 3, None: 4}
    by_month = batch_frame(frame, BatchOptions(group_by=("month",))).summary
    table = by_month.table()
    assert dict(zip(table["month"], table["jobs"], strict=True)) == {"2024-01": 2, "2024-02": 1}
    assert by_month.totals()["jobs"] == 3


def test_each_site_is_resolved_once(monkeypatch) -> None:
    import footprint.places.site

    calls = []
    real = footprint.places.site.site_factors

    def counting(site, scale=None):
        calls.append((site.region, site.year, site.operator))
        return real(site, scale)

    monkeypatch.setattr(footprint.analyses.batch.plan, "site_factors", counting)
    n = 2000
    frame = pd.DataFrame(
        {
            "job_id": [str(i) for i in range(n)],
            "accelerator": ["H100-SXM"] * n,
            "count": ["1"] * n,
            "duration": ["1"] * n,
            "region": ["FR", "DE", "aws:us-east-1", "FR "] * (n // 4),
            "year": ["2022", "2023"] * (n // 2),
        }
    )
    calls.clear()
    out = batch_frame(frame, BatchOptions(chunk_size=500))
    distinct = {
        (r.strip(), int(y), None) for r, y in zip(frame["region"], frame["year"], strict=True)
    }
    assert sorted(calls[1:]) == sorted(distinct)  # the first call checks the options
    assert out.summary.rows_out == n


def test_summary_json_lists_sites_with_provenance(tmp_path: Path) -> None:
    jobs = write(tmp_path / "jobs.csv", [HEADER, *GOOD_ROWS])
    r = run("batch", str(jobs), "--format", "json", "-g", "user")
    d = json.loads(r.stdout)
    site = next(s for s in d["sites"] if s["region"] == "FR" and s["year"] == 2023)
    assert site["zone"] == "FR" and site["jobs"] == 1
    assert site["factors"]["intensity"]["zone"] == "FR" and site["factors"]["intensity"]["source"]
    assert d["units"]["co2e_kg"] == "kgCO2e" and d["totals"]["jobs"] == len(GOOD_ROWS)
    assert sum(g["jobs"] for g in d["groups"]) == len(GOOD_ROWS)


def test_column_mapping_and_carried_columns(tmp_path: Path) -> None:
    jobs = write(
        tmp_path / "jobs.csv",
        ["Job ID,GPU,n_gpus,hours,Zone,notes", "1,H100-SXM,2,3,FR,first", "2,T4,1,1,DE,second"],
    )
    out = tmp_path / "r.csv"
    r = run(
        "batch", str(jobs), "-o", str(out), "--column", "accelerator=GPU",
        "--column", "count=n_gpus", "--column", "duration=hours", "--column", "region=Zone",
    )  # fmt: skip
    assert r.exit_code == 0, r.output
    res = pd.read_csv(out)
    assert res["job_id"].tolist() == [1, 2] and res["notes"].tolist() == ["first", "second"]
    assert res["accelerator_hours_h"].tolist() == [6.0, 1.0]


def test_help_documents_every_input_column() -> None:
    r = run("batch", "--help")
    assert r.exit_code == 0
    for name in INPUT_COLUMNS:
        assert name in r.output, name


def test_progress_callback_reports_rows(tmp_path: Path) -> None:
    jobs = write(tmp_path / "jobs.csv", [HEADER, *GOOD_ROWS, *GOOD_ROWS])
    seen = []
    run_batch(jobs, BatchOptions(chunk_size=5), progress=lambda d, t: seen.append((d, t)))
    assert seen == [(5, 16), (10, 16), (15, 16), (16, 16)]


# --------------------------------------------------------------------------- Parquet, Dask


def _dataset(tmp_path: Path) -> Path:
    lines = [HEADER]
    for i in range(30):
        lines.append(GOOD_ROWS[i % len(GOOD_ROWS)].replace("a", f"g{i}-", 1))
        if i % 3 == 0:
            lines.append(BAD_ROWS[i % len(BAD_ROWS)].replace("b", f"b{i}-", 1))
    frame = pd.read_csv(
        write(tmp_path / "all.csv", lines), dtype=str, keep_default_na=False, na_values=[""]
    )
    root = tmp_path / "jobs"
    for k, part in enumerate((frame.iloc[:14], frame.iloc[14:27], frame.iloc[27:])):
        folder = root / f"site=s{k}"
        folder.mkdir(parents=True)
        part.to_parquet(folder / f"part.{k}.parquet", index=False, row_group_size=4)
    return root


def test_parquet_dataset_with_hive_folders(tmp_path: Path) -> None:
    pytest.importorskip("pyarrow")
    root = _dataset(tmp_path)
    report = run_batch(root, BatchOptions(chunk_size=6), output=tmp_path / "r.parquet")
    res = pd.read_parquet(tmp_path / "r.parquet")
    assert report.summary.balanced and report.summary.rows_in == 40
    assert set(res["site"]) == {"s0", "s1", "s2"}  # the folder's key=value is a column
    assert res["row"].is_monotonic_increasing


def test_dask_engine_gives_identical_results(tmp_path: Path) -> None:
    pytest.importorskip("dask")
    pytest.importorskip("pyarrow")
    root = _dataset(tmp_path)
    options = ("--chunk-size", "8", "-g", "user", "--format", "json")
    a = run("batch", str(root), "-o", str(tmp_path / "a.parquet"), *options)
    b = run(
        "batch", str(root), "-o", str(tmp_path / "b.parquet"), "--engine", "dask",
        "--scheduler", "synchronous", *options,
    )  # fmt: skip
    c = run(
        "batch", str(root), "-o", str(tmp_path / "c.csv"), "--engine", "dask", *options,
    )  # fmt: skip
    assert a.exit_code == b.exit_code == c.exit_code == 0, (a.output, b.output, c.output)
    pandas_rows = pd.read_parquet(tmp_path / "a.parquet")
    dask_rows = pd.read_parquet(tmp_path / "b.parquet").sort_values("row", ignore_index=True)
    assert (tmp_path / "b.parquet").is_dir()
    pd.testing.assert_frame_equal(pandas_rows, dask_rows)
    assert pd.read_csv(tmp_path / "a.rejects.csv").equals(pd.read_csv(tmp_path / "b.rejects.csv"))
    assert pd.read_csv(tmp_path / "c.csv")["row"].tolist() == pandas_rows["row"].tolist()
    sa, sb = json.loads(a.stdout), json.loads(b.stdout)
    sa.pop("outputs"), sb.pop("outputs")
    assert sa == sb  # totals too: exact sums do not depend on the partitioning


def test_dask_engine_reads_parquet_only(tmp_path: Path) -> None:
    pytest.importorskip("dask")
    jobs = write(tmp_path / "jobs.csv", [HEADER, *GOOD_ROWS])
    r = run("batch", str(jobs), "--engine", "dask")
    assert r.exit_code == 2 and "--engine dask reads Parquet" in r.output


def test_parquet_without_pyarrow_says_what_to_install(tmp_path: Path, monkeypatch) -> None:
    (tmp_path / "jobs.parquet").write_bytes(b"PAR1")
    monkeypatch.setitem(sys.modules, "pyarrow", None)
    r = run("batch", str(tmp_path / "jobs.parquet"))
    assert r.exit_code == 2
    assert "pip install pyarrow" in r.output


def test_csv_output_without_pyarrow_is_the_same(tmp_path: Path, monkeypatch) -> None:
    pytest.importorskip("pyarrow")
    jobs = write(tmp_path / "jobs.csv", [HEADER, *GOOD_ROWS])
    assert run("batch", str(jobs), "-o", str(tmp_path / "a.csv")).exit_code == 0
    monkeypatch.setattr(readers, "has_pyarrow", lambda: False)  # pandas writes the CSV
    assert run("batch", str(jobs), "-o", str(tmp_path / "b.csv")).exit_code == 0
    a, b = pd.read_csv(tmp_path / "a.csv"), pd.read_csv(tmp_path / "b.csv")
    pd.testing.assert_frame_equal(a, b, check_dtype=False)  # Arrow writes 150.0 as "150"


def test_no_temporary_files_are_left(tmp_path: Path) -> None:
    jobs = write(tmp_path / "jobs.csv", [HEADER, *GOOD_ROWS, *BAD_ROWS])
    r = run("batch", str(jobs), "-o", str(tmp_path / "r.csv"), "--summary", str(tmp_path / "s.md"))
    assert r.exit_code == 0
    assert sorted(os.listdir(tmp_path)) == ["jobs.csv", "r.csv", "r.rejects.csv", "s.md"]
    assert "rows in = rows out + rows rejected" in (tmp_path / "s.md").read_text()


# --------------------------------------------------------------------------- hourly


def test_hourly_rows_equal_account_hourly() -> None:
    hourly = pytest.importorskip("footprint.analyses.hourly")
    import footprint as fp

    frame = pd.DataFrame(
        {
            "job_id": ["pjm", "ciso", "miso", "fr"],
            "accelerator": ["H100-SXM"] * 4,
            "count": ["8", "2", "1", "4"],
            "start": [
                "2022-07-01T09:30:00",
                "2023-12-31T20:00:00",  # crosses into 2024
                "2024-02-28T22:00:00",  # crosses 29 February
                "2022-03-01T00:00:00",
            ],
            "duration": ["5.25", "10", "50", "0.5"],
            "region": ["aws:us-east-1", "US-CAL-CISO", "gcp:us-central1", "FR"],
        }
    )
    out = batch_frame(frame, BatchOptions(hourly=True))
    res = out.results.set_index("job_id")
    annual = batch_frame(frame).results.set_index("job_id")
    assert res["intensity_basis"].tolist() == ["hourly", "hourly", "hourly", "annual"]
    assert res.loc["fr", "co2e_kg"] == annual.loc["fr", "co2e_kg"]  # no hourly data: annual
    for job in ("pjm", "ciso", "miso"):
        row = res.loc[job]
        kw = (row["power_w"] + row["host_power_w"]) * row["count"] / 1000
        start = pd.Timestamp(frame.set_index("job_id").loc[job, "start"], tz="UTC")
        profile = hourly.LoadProfile.from_job(
            start, f"{float(row['duration_h'])!r} h", f"{float(kw)!r} kW"
        )
        region = frame.set_index("job_id").loc[job, "region"]
        ref = hourly.account_hourly(profile, fp.Site(region=region, year=int(row["year"])))
        assert row["co2e_kg"] == pytest.approx(ref.results["co2e"].m, rel=1e-12)
        assert row["water_offsite_l"] == pytest.approx(ref.results["water_offsite"].m, rel=1e-12)
        assert row["co2e_annual_kg"] == ref.results["co2e_annual"].m
        assert row["co2e_annual_kg"] == annual.loc[job, "co2e_kg"]
    assert any("laid onto hours of 2023, 2024" in n for n in out.summary.notes)


def test_hourly_with_a_given_intensity_is_refused(tmp_path: Path) -> None:
    pytest.importorskip("footprint.analyses.hourly")
    jobs = write(tmp_path / "jobs.csv", [HEADER, *GOOD_ROWS])
    r = run("batch", str(jobs), "--hourly", "--intensity", "400 g/kWh")
    assert r.exit_code == 2 and "--hourly takes each hour's grid intensity" in r.output


# --- regressions: output folders, permissions, delimiters ------------------------------------


def test_unwritable_output_folder_exits_2_and_leaves_nothing(tmp_path, monkeypatch):
    """Regression: an output in a folder that cannot be written gave an OSError traceback."""
    import tempfile

    jobs = write(tmp_path / "jobs.csv", [HEADER, *GOOD_ROWS[:2]])
    out = tmp_path / "out"
    out.mkdir()
    real = tempfile.mkstemp

    def refuse_in_out(*args, **kwargs):
        if Path(kwargs.get("dir", "")) == out:
            raise PermissionError(13, "Permission denied")
        return real(*args, **kwargs)

    monkeypatch.setattr(tempfile, "mkstemp", refuse_in_out)
    for extra in (
        ["-o", str(out / "r.csv")],
        ["-o", str(tmp_path / "r.csv"), "--rejects", str(out / "x.csv")],
        ["-o", str(tmp_path / "r.csv"), "--summary", str(out / "s.json")],
    ):
        r = run("batch", str(jobs), *extra)
        assert r.exit_code == 2, r.output
        assert "cannot write in" in r.output and "Permission denied" in r.output
        assert sorted(p.name for p in tmp_path.iterdir()) == ["jobs.csv", "out"]
        assert list(out.iterdir()) == []


def test_outputs_get_normal_file_permissions(tmp_path):
    """Regression: results, rejects and summary were created 0600 (owner only)."""
    import stat

    jobs = write(tmp_path / "jobs.csv", [HEADER, *GOOD_ROWS[:2], "bad,Nope,1,,,1,,FR,,,,,"])
    old = os.umask(0o022)
    try:
        r = run("batch", str(jobs), "-o", str(tmp_path / "r.csv"), "--summary",
                str(tmp_path / "s.json"))  # fmt: skip
    finally:
        os.umask(old)
    assert r.exit_code == 0, r.output
    for name in ("r.csv", "r.rejects.csv", "s.json"):
        assert stat.S_IMODE((tmp_path / name).stat().st_mode) == 0o644, name


@pytest.mark.parametrize(
    ("given", "ok"), [(";;", False), ("", False), ("\\t", True), ("tab", True)]
)
def test_delimiter_option_is_checked(tmp_path, given, ok):
    """Regression: --delimiter ';;' raised a TypeError traceback from the csv module."""
    jobs = write(tmp_path / "jobs.tsv", ["job_id\taccelerator\tcount\tduration\tregion",
                                          "1\tH100-SXM\t8\t10\tFR"])  # fmt: skip
    r = run("batch", str(jobs), "--delimiter", given)
    if ok:
        assert r.exit_code == 0 and "1 = 1 + 0" in r.output, r.output
    else:
        assert r.exit_code == 2 and "--delimiter: expected one character" in r.output


def test_blank_first_line_message_is_complete(tmp_path):
    jobs = write(tmp_path / "jobs.csv", ["", HEADER, GOOD_ROWS[0]])
    r = run("batch", str(jobs))
    assert r.exit_code == 2 and "its first line is blank" in r.output


def test_summary_says_the_cost_total_is_partial(tmp_path):
    """Regression: TOTAL cost summed only the priced jobs and said nothing about the rest."""
    jobs = write(tmp_path / "jobs.csv", [HEADER, GOOD_ROWS[0], GOOD_ROWS[1]])  # FR, US
    r = run("batch", str(jobs))
    assert r.exit_code == 0, r.output
    assert "cost: 1 of 2 jobs have no electricity price" in r.output
    data = json.loads(run("batch", str(jobs), "--format", "json").output)
    assert any("1 of 2 jobs have no electricity price" in n for n in data["notes"])
    r = run("batch", str(jobs), "--price", "0.1 USD/kWh")
    assert "no electricity price" not in r.output


def test_terminal_summary_shows_a_screenful_of_groups_and_says_so() -> None:
    from footprint.analyses.batch import BatchOptions, batch_frame
    from footprint.analyses.batch.summary import MAX_TERMINAL_GROUPS, render_summary

    n = MAX_TERMINAL_GROUPS + 7
    frame = pd.DataFrame(
        {
            "job_id": [f"j{i}" for i in range(n)],
            "user": [f"u{i:03d}" for i in range(n)],
            "accelerator": "H100-SXM",
            "gpu_hours": [str(10 + i) for i in range(n)],
            "region": "FR",
        }
    )
    summary = batch_frame(frame, BatchOptions(group_by=("user",))).summary
    table = render_summary(summary, "table")
    assert "u056" in table and "u000" not in table  # most CO2e first: the biggest jobs
    assert f"{MAX_TERMINAL_GROUPS} groups with most CO2e shown, 7 more" in table
    assert "TOTAL" in table
    for fmt in ("markdown", "csv", "json"):  # every other format lists every group
        assert "u000" in render_summary(summary, fmt)


@pytest.mark.parametrize("option", ["-o", "--rejects", "--summary", "--config"])
def test_a_nul_byte_in_a_file_name_is_one_line(option: str) -> None:
    out = CliRunner().invoke(cli_root(), ["batch", "examples/jobs.csv", option, "out.csv\x00"])
    assert out.exit_code == 2 and "NUL byte" in out.output and "Traceback" not in out.output


def test_a_column_grouped_twice_is_grouped_once() -> None:
    out = CliRunner().invoke(
        cli_root(), ["batch", "examples/jobs.csv", "-g", "user", "-g", "user", "--format", "json"]
    )
    assert out.exit_code == 0, out.output
    assert json.loads(out.stdout)["group_by"] == ["user"]


def cli_root():  # noqa: ANN201 - the click group, imported late as the module's other tests do
    from footprint.cli import cli

    return cli
