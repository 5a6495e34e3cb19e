"""``footprint batch`` against hostile and extreme input.

Each test pins one hardening rule: no wrong totals with exit 0 (overflowing rows
are rejected, counts are bounded, exact sums never wrap), no cell reaches pint as
an expression, no output replaces what footprint did not write, configs and job
logs are read only from regular files, no row is lost (duplicates, blank lines,
header-only files), CSV outputs are safe in a spreadsheet, summaries escape user
text and never hold NaN or infinity, and no NumPy warning reaches stderr.
"""

from __future__ import annotations

import json
import math
import os
import time
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from footprint.analyses import batch
from footprint.analyses.batch import (
    BatchOptions,
    batch_frame,
    read_config,
    readers,
    render_summary,
    run_batch,
)
from footprint.analyses.batch import sums as batch_sums
from footprint.cli import cli
from footprint.core.errors import FootprintError, InputError
from footprint.core.files import OUTPUT_MARKER

ROOT = Path(__file__).resolve().parent.parent
JOBS = ROOT / "examples" / "jobs.csv"
HEAD = "job_id,accelerator,count,duration,region"


def run(*args: str) -> object:
    return CliRunner().invoke(cli, [str(a) for a in args])


def write(path: Path, lines: list[str], end: str = "\n") -> Path:
    path.write_text("\n".join(lines) + end, encoding="utf-8")
    return path


def frame(**columns: list[str]) -> pd.DataFrame:
    n = max((len(v) for v in columns.values()), default=2)
    base = {"job_id": [str(i) for i in range(n)], "accelerator": ["H100-SXM"] * n}
    base.update({"count": ["8"] * n, "duration": ["2 h"] * n, "region": ["FR"] * n})
    base.update(columns)
    return pd.DataFrame(base)


def codes_of(rejects: pd.DataFrame) -> list[str]:
    return [c for cell in rejects["reason_code"] for c in str(cell).split(";")]


def check_totals(out: batch.BatchResult) -> None:
    """Totals are the (correctly rounded) sums of the rows; every figure is finite."""
    totals = out.summary.totals()
    for col in out.summary.columns:
        values = out.results[col].to_numpy(dtype=float)
        assert np.isfinite(values).all(), col
        assert totals[col] == math.fsum(values), col
    assert out.summary.balanced
    assert out.summary.rows_in == out.summary.rows_out + out.summary.rows_rejected


# --------------------------------------------------------------------------- 1 totals


def test_huge_power_is_rejected_not_a_negative_total() -> None:
    r = run("batch", JOBS, "--power", "1e308", "--format", "json")
    assert r.exit_code == 0, r.output
    assert "Warning" not in r.stderr, r.stderr
    s = json.loads(r.stdout)
    assert s["rows"] == {"in": 7, "out": 0, "rejected": 7}
    assert s["rejected_by_reason"]["non_finite_result"] == 5
    assert all(v >= 0 for k, v in s["totals"].items() if isinstance(v, float))


def test_an_infinite_row_is_rejected_and_the_rest_add_up() -> None:
    out = batch_frame(frame(power=["700 W", "1e308 W", "300 W", "1e250 W"]))
    assert out.results["job_id"].tolist() == ["0", "2"]
    rej = out.rejects.set_index("job_id")
    assert rej.loc["1", "reason_code"] == "non_finite_result"
    assert "it_energy_kwh" in rej.loc["1", "reason"]
    assert rej.loc["3", "reason_code"] == "result_out_of_range"
    assert out.summary.reasons == {"non_finite_result": 1, "result_out_of_range": 1}
    check_totals(out)


def test_count_is_bounded_before_any_integer_cast() -> None:
    out = batch_frame(frame(count=["1e19", "10000000", "10000001", "9" * 400]))
    assert out.results["count"].tolist() == [10_000_000]
    rej = out.rejects.set_index("job_id")
    assert rej.loc["0", "reason_code"] == "count_out_of_range"
    assert rej.loc["2", "reason_code"] == "count_out_of_range"
    assert "bad_count" in rej.loc["3", "reason_code"] or "count_out_of_range" in rej.loc["3"]
    check_totals(out)


def test_count_of_1e19_is_not_written_as_a_negative_number(tmp_path: Path) -> None:
    jobs = write(tmp_path / "j.csv", [HEAD, "1,H100-SXM,1e19,2 h,FR", "2,H100-SXM,2,2 h,FR"])
    r = run("batch", jobs, "-o", tmp_path / "r.csv")
    assert r.exit_code == 0 and "Warning" not in r.stderr, r.output
    assert pd.read_csv(tmp_path / "r.csv")["count"].tolist() == [2]
    assert pd.read_csv(tmp_path / "r.rejects.csv")["reason_code"].tolist() == ["count_out_of_range"]


def test_sacct_count_out_of_range() -> None:
    sacct = pd.DataFrame(
        {
            "JobID": ["1", "2"],
            "AllocTRES": ["gres/gpu=" + "9" * 30, "gres/gpu=4"],
            "Elapsed": ["01:00:00", "01:00:00"],
        }
    )
    out = batch_frame(sacct, BatchOptions(accelerator="H100-SXM", region="FR"), kind="sacct")
    assert out.results["job_id"].tolist() == ["2"]
    assert codes_of(out.rejects) == ["count_out_of_range"]


def test_year_beyond_int64_is_a_bad_year() -> None:
    out = batch_frame(frame(year=["1e19", "2023"]))
    assert out.results["job_id"].tolist() == ["1"]
    assert codes_of(out.rejects) == ["bad_year"]


def test_a_site_counts_every_job_of_a_chunk() -> None:
    """A large and a small job of a named operator share one site: both are counted
    (a chunk used to keep the count of only one of them)."""
    out = batch_frame(frame(count=["512", "1"], operator=["google", "google"]))
    assert [jobs for jobs, _ in out.summary.sites.values()] == [2]


def test_exact_sums_of_extreme_values() -> None:
    big = np.finfo(float).max
    values = np.array([big / 4, big / 4, 5e-324, -5e-324, 1e-300, 1.0])
    sums = batch_sums._exact_sums(values, np.zeros(len(values), dtype=np.int64), 1)
    assert batch_sums.round_exact(sums[0]) == math.fsum(values)
    with pytest.raises(FootprintError):
        batch_sums._exact_sums(np.array([1.0, math.inf]), np.zeros(2, dtype=np.int64), 1)


def _sample(rng: np.random.Generator, kind: str, n: int) -> np.ndarray:
    if kind == "lognormal":
        return rng.lognormal(3, 2, n)
    if kind == "wide":
        return rng.normal(0, 1, n) * 10.0 ** rng.integers(-300, 300, n)
    if kind == "extremes":
        return np.where(rng.random(n) < 0.5, 1e100, 5e-324) * rng.choice([-1, 1], n)
    if kind == "cancelling":
        x = rng.lognormal(0, 1, n)
        return np.concatenate([x, -x])
    return rng.integers(-10, 10, n).astype(float)


@pytest.mark.parametrize("kind", ["lognormal", "wide", "extremes", "cancelling", "integers"])
def test_exact_sums_equal_rational_sums_per_group(kind: str) -> None:
    """Group sums (with folded exponent slots) are the exact rational sums, whatever mix
    of magnitudes and signs, including bins whose halves cancel."""
    from fractions import Fraction

    rng = np.random.default_rng(len(kind))
    for _ in range(20):
        n, groups = int(rng.integers(1, 2000)), int(rng.integers(1, 30))
        values = _sample(rng, kind, n)
        codes = rng.integers(0, groups, len(values))
        expected = [Fraction(0)] * groups
        for v, g in zip(values.tolist(), codes.tolist(), strict=True):
            expected[g] += Fraction(v)
        got = batch_sums._exact_sums(values, codes, groups)
        assert [Fraction(t, 1 << batch_sums._SCALE) for t in got] == expected


def test_no_numpy_warning_leaks() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        out = batch_frame(
            frame(
                power=["1e308 W", "1 W", "-0 W", "nan", "inf W"],
                count=["1e19", "nan", "1", "2", "3"],
                year=["1e300", "", "", "", ""],
            )
        )
    assert out.summary.balanced


_magnitudes = st.one_of(
    st.floats(min_value=0, max_value=1e308, allow_nan=False),
    st.sampled_from([0.0, 5e-324, 1e-300, 1e-12, 1.0, 1e150, 1e300, 1.7e308]),
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(
        st.tuples(
            _magnitudes,
            st.one_of(st.integers(1, 10**8), st.sampled_from([10**19, 1, 2])),
            _magnitudes,
            st.sampled_from(["FR", "US", "DE"]),
        ),
        min_size=1,
        max_size=25,
    ),
    st.integers(1, 9),
)
def test_property_totals_are_the_sum_of_the_rows(jobs, chunk) -> None:
    f = pd.DataFrame(
        {
            "job_id": [str(i) for i in range(len(jobs))],
            "accelerator": ["H100-SXM"] * len(jobs),
            "count": [str(c) for _, c, _, _ in jobs],
            "duration": [f"{h!r} h" for h, _, _, _ in jobs],
            "power": [f"{p!r} W" for _, _, p, _ in jobs],
            "region": [r for _, _, _, r in jobs],
            "user": [f"u{i % 3}" for i in range(len(jobs))],
        }
    )
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        out = batch_frame(f, BatchOptions(group_by=("user",), chunk_size=chunk))
    assert len(jobs) == len(out.results) + len(out.rejects)
    check_totals(out)
    table = out.summary.table()
    for col in ("co2e_kg", "facility_energy_kwh"):
        assert math.isclose(table[col].sum(), out.summary.totals()[col], rel_tol=1e-12)
    json.loads(render_summary(out.summary, "json"), parse_constant=_no_constant)


# --------------------------------------------------------------------------- 2 cells


def _no_constant(name: str) -> None:
    raise AssertionError(f"{name} in JSON")


@pytest.mark.parametrize(
    "cell",
    [
        "10**10**10 h",
        "2**3 h",
        "9**9**9**9",
        "(3) h",
        "3 h + 1 h",
        "3 h * 2",
        "1e400 h",
        "1" * 400 + " h",
        "1" * 5000,
        "3 parsec",
        "3 foo",
        "3 " + "h" * 500,
        "exp(3) h",
    ],
)
def test_cells_are_never_evaluated(cell: str, monkeypatch) -> None:
    """Cells pass the one quantity parser (units.parse_quantity), which reads one number and
    a unit text; pint's expression evaluator is never reached."""
    from footprint.core import units

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError(f"a cell reached the expression parser: {args!r}")

    registry = type(units.get_registry())
    monkeypatch.setattr(registry, "parse_expression", refuse)
    monkeypatch.setattr(registry, "parse_pattern", refuse, raising=False)
    t0 = time.perf_counter()
    out = batch_frame(
        frame(
            duration=[cell, "2 h"],
            power=[cell, "700 W"],
            host_power=[cell, "100 W"],
        )
    )
    assert time.perf_counter() - t0 < 5
    assert out.results["job_id"].tolist() == ["1"]
    codes = set(codes_of(out.rejects))
    assert codes <= {"bad_duration", "bad_power"} and codes, codes
    assert len(out.rejects.loc[0, "reason"]) < 2000


def test_gpu_hours_cells_are_never_evaluated() -> None:
    f = pd.DataFrame(
        {
            "job_id": ["1", "2", "3"],
            "accelerator": ["H100-SXM"] * 3,
            "gpu_hours": ["10**10**10 h", "5 h", "1e999"],
            "region": ["FR"] * 3,
        }
    )
    out = batch_frame(f)
    assert out.results["job_id"].tolist() == ["2"]
    assert codes_of(out.rejects) == ["bad_duration", "bad_duration"]


def test_number_unit_forms_still_read() -> None:
    out = batch_frame(frame(duration=["90 min", "1.5e1min", " 3 days ", "2", "5400s", ".5 h"]))
    assert out.results["duration_h"].tolist() == [1.5, 15 / 60, 72.0, 2.0, 1.5, 0.5]


# --------------------------------------------------------------------------- 3 outputs


def test_rejects_directory_is_not_deleted(tmp_path: Path) -> None:
    keep = tmp_path / "res.rejects.csv" / "keep"
    keep.mkdir(parents=True)
    (keep / "precious").write_text("data")
    r = run("batch", JOBS, "-o", tmp_path / "res.csv")
    assert r.exit_code == 2, r.output
    assert "directory" in r.stderr and len(r.stderr.strip().splitlines()) == 1
    assert (keep / "precious").read_text() == "data"
    assert sorted(os.listdir(tmp_path)) == ["res.rejects.csv"]


@pytest.mark.parametrize("which", ["-o", "--rejects", "--summary"])
def test_output_that_is_a_directory_is_refused(tmp_path: Path, which: str) -> None:
    target = tmp_path / {"-o": "r.csv", "--rejects": "x.csv", "--summary": "s.json"}[which]
    target.mkdir()
    (target / "f").write_text("mine")
    r = run("batch", JOBS, which, target)
    assert r.exit_code == 2 and "directory" in r.output
    assert (target / "f").read_text() == "mine"


def test_output_that_is_the_input_or_the_config_is_refused(tmp_path: Path) -> None:
    jobs = tmp_path / "jobs.csv"
    jobs.write_bytes(JOBS.read_bytes())
    cfg = tmp_path / "cluster.csv"
    cfg.write_text('[defaults]\nregion = "FR"\n')
    link = tmp_path / "link.csv"
    link.symlink_to(jobs)
    for args in (["-o", jobs], ["-o", link], ["--rejects", cfg, "--config", cfg]):
        r = run("batch", jobs, *args)
        assert r.exit_code == 2 and "input" in r.output, (args, r.output)
    assert jobs.read_bytes() == JOBS.read_bytes()


def test_output_symlink_is_written_through(tmp_path: Path) -> None:
    real = tmp_path / "real.csv"
    real.write_text("old\n")
    link = tmp_path / "r.csv"
    link.symlink_to(real)
    r = run("batch", JOBS, "-o", link)
    assert r.exit_code == 0, r.output
    assert link.is_symlink() and "job_id" in real.read_text()


def test_fifo_output_is_refused_without_hanging(tmp_path: Path) -> None:
    fifo = tmp_path / "r.csv"
    os.mkfifo(fifo)
    r = run("batch", JOBS, "-o", fifo)
    assert r.exit_code == 2 and "FIFO" in r.output


def test_outputs_are_checked_before_any_row_is_read(tmp_path: Path, monkeypatch) -> None:
    (tmp_path / "s.json").mkdir()

    def boom(*args: object, **kwargs: object) -> None:
        raise AssertionError("rows were processed before the outputs were checked")

    monkeypatch.setattr(batch, "process_chunk", boom)
    r = run("batch", JOBS, "-o", tmp_path / "r.csv", "--summary", tmp_path / "s.json")
    assert r.exit_code == 2 and "directory" in r.output
    assert sorted(os.listdir(tmp_path)) == ["s.json"]


def _parquet_log(tmp_path: Path) -> Path:
    pytest.importorskip("pyarrow")
    f = frame(user=["a", "b", "c", "d"], power=["700 W", "1e308 W", "300 W", "1 W"])
    path = tmp_path / "jobs.parquet"
    f.to_parquet(path, index=False, row_group_size=2)
    return path


def test_second_dask_run_onto_the_same_output_works(tmp_path: Path) -> None:
    pytest.importorskip("dask")
    jobs = _parquet_log(tmp_path)
    out = tmp_path / "r.parquet"
    args = ("--engine", "dask", "--scheduler", "synchronous", "--chunk-size", "2")
    for _ in range(2):
        r = run("batch", jobs, "-o", out, *args)
        assert r.exit_code == 0, r.output
        assert (out / OUTPUT_MARKER).is_file()
        assert len(pd.read_parquet(out)) == 3
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "jobs.parquet",
        "r.parquet",
        "r.rejects.csv",
    ]


def test_dask_does_not_replace_a_directory_it_did_not_write(tmp_path: Path) -> None:
    pytest.importorskip("dask")
    jobs = _parquet_log(tmp_path)
    out = tmp_path / "r.parquet"
    out.mkdir()
    (out / "mine.parquet").write_text("not footprint's")
    r = run("batch", jobs, "-o", out, "--engine", "dask", "--scheduler", "synchronous")
    assert r.exit_code == 2 and "did not write" in r.output
    assert (out / "mine.parquet").read_text() == "not footprint's"


def test_pandas_engine_does_not_replace_a_footprint_directory_by_a_file(tmp_path: Path) -> None:
    out = tmp_path / "r.parquet"
    out.mkdir()
    (out / OUTPUT_MARKER).write_text("x")
    r = run("batch", JOBS, "-o", out)
    assert r.exit_code == 2
    assert (out / OUTPUT_MARKER).is_file()


# --------------------------------------------------------------------------- 4 inputs


@pytest.mark.parametrize(
    ("text", "match"),
    [
        (b'[defaults]\nregion = "F\xe9"\n', "UTF-8"),
        (b"x = " + b"[" * 5000 + b"]" * 5000 + b"\n", "TOML"),
        (b"gres = 3\n", "gres"),
        (b'gres = "h100"\n', "gres"),
        (b"columns = [1, 2]\n", "columns"),
        (b"[columns]\ncount = 3\n", "columns.count"),
        (b'defaults = "FR"\n', "defaults"),
        (b"partitions = 5\n", "partitions"),
        (b"[partitions]\ngpu = 5\n", "partitions.gpu"),
        (b'[gres]\nh100 = ["H100-SXM"]\n', "gres.h100"),
    ],
)
def test_bad_config_is_one_clear_error(tmp_path: Path, text: bytes, match: str) -> None:
    cfg = tmp_path / "c.toml"
    cfg.write_bytes(text)
    with pytest.raises(InputError, match=match):
        read_config(cfg)
    r = run("batch", JOBS, "--config", cfg)
    assert r.exit_code == 2 and "Traceback" not in r.output
    assert len(r.stderr.strip().splitlines()) == 1, r.stderr


def test_fifo_and_device_inputs_are_refused(tmp_path: Path) -> None:
    fifo = tmp_path / "jobs.csv"
    os.mkfifo(fifo)
    cfg = tmp_path / "c.toml"
    os.mkfifo(cfg)
    with pytest.raises(InputError, match="FIFO"):
        read_config(cfg)
    with pytest.raises(InputError, match="FIFO"):
        run_batch(fifo)
    with pytest.raises(InputError, match="device"):
        run_batch("/dev/zero", BatchOptions(input_format="csv"))
    with pytest.raises(InputError, match="device"):
        read_config("/dev/zero")
    r = run("batch", "/dev/zero")
    assert r.exit_code == 2 and "device" in r.output
    (tmp_path / "d.csv").mkdir()
    r = run("batch", tmp_path / "d.csv")
    assert r.exit_code == 2 and "directory" in r.output


_BAD_VALUES = [-1, math.nan, math.inf, "x", None, 1.5, True, [1], {"a": 1}, b"x", -(10**30)]


@pytest.mark.parametrize("name", [f.name for f in batch.BatchOptions.__dataclass_fields__.values()])
@pytest.mark.parametrize("value", _BAD_VALUES, ids=repr)
def test_bad_options_are_footprint_errors(name: str, value: object) -> None:
    f = frame()
    try:
        options = BatchOptions(**{name: value})
        batch_frame(f, options)
    except FootprintError as exc:
        assert "\n" not in str(exc)


# --------------------------------------------------------------------------- 5 edge cases


def test_duplicate_job_ids_are_counted_and_noted(tmp_path: Path) -> None:
    jobs = write(
        tmp_path / "j.csv",
        [HEAD, "7,H100-SXM,1,2 h,FR", "8,H100-SXM,1,2 h,FR", "7,H100-SXM,1,3 h,FR"]
        + [f"{i},H100-SXM,1,1 h,FR" for i in range(10)]
        + ["8,H100-SXM,1,1 h,FR"],
    )
    r = run("batch", jobs, "--format", "json", "--chunk-size", "3")
    assert r.exit_code == 0
    s = json.loads(r.stdout)
    assert s["rows"] == {"in": 14, "out": 14, "rejected": 0}
    note = [n for n in s["notes"] if "duplicate job id" in n]
    assert note and note[0].startswith("2 duplicate job ids") and "'7'" in note[0]
    assert "each row is counted" in note[0]
    assert "duplicate job id" in run("batch", jobs).output


def test_no_duplicate_note_without_duplicates() -> None:
    out = batch_frame(frame(duration=["1 h", "2 h"]))
    assert not [n for n in out.summary.to_dict()["notes"] if "duplicate" in n]


@pytest.mark.parametrize("arrow", [True, False])
def test_blank_lines_keep_rows_in_equal_out_plus_rejected(tmp_path, monkeypatch, arrow) -> None:
    if not arrow:
        monkeypatch.setattr(readers, "has_pyarrow", lambda: False)
    lines = [
        HEAD,
        "1,H100-SXM,8,2 h,FR",
        "   ",
        "2,H100-SXM,8,2 h,FR",
        "",
        "\t",
        "x,y,z,w,v,u",
        "3,T4,1,1 h,FR",
    ]
    jobs = write(tmp_path / "j.csv", [*lines, "  "], end="")
    report = run_batch(jobs, output=tmp_path / "r.csv")
    s = report.summary
    results, rejects = pd.read_csv(tmp_path / "r.csv"), pd.read_csv(tmp_path / "r.rejects.csv")
    assert s.balanced and s.rows_in == len(results) + len(rejects) == 4
    assert results["job_id"].astype(str).tolist() == ["1", "2", "3"]
    assert rejects["reason_code"].tolist() == ["malformed_line"]
    assert sorted([*results["row"], *rejects["row"]]) == [1, 2, 3, 4]
    assert any("blank lines" in n for n in s.notes)


@pytest.mark.parametrize("end", ["", "\n", "\r\n"])
def test_header_only_csv_is_zero_rows(tmp_path: Path, end: str) -> None:
    jobs = tmp_path / "j.csv"
    jobs.write_text(HEAD + end)
    r = run("batch", jobs, "-o", tmp_path / "r.csv", "--format", "json")
    assert r.exit_code == 0, r.output
    s = json.loads(r.stdout)
    assert s["rows"] == {"in": 0, "out": 0, "rejected": 0}
    assert s["totals"]["co2e_kg"] == 0
    assert pd.read_csv(tmp_path / "r.csv").empty


# --------------------------------------------------------------------------- 6 escaping

_EVIL = ['=HYPERLINK("http://x")', "+1+2", "@SUM(A1)", "-2+3", "\tx", "-5", "[bold]x[/bold]|<b>"]


def _evil_log(tmp_path: Path) -> Path:
    lines = ["job_id,accelerator,count,duration,region,user,note"]
    for i, evil in enumerate(_EVIL):
        cell = '"' + evil.replace('"', '""') + '"'
        lines.append(f"{cell},H100-SXM,1,2 h,FR,{cell},{cell}")
        lines.append(f"b{i},H100-SXM,{cell},2 h,FR,{cell},{cell}")
    return write(tmp_path / "j.csv", lines)


@pytest.mark.parametrize("arrow", [True, False])
def test_csv_outputs_neutralise_formulas(tmp_path: Path, monkeypatch, arrow: bool) -> None:
    if not arrow:
        monkeypatch.setattr(readers, "has_pyarrow", lambda: False)
    jobs = _evil_log(tmp_path)
    r = run("batch", jobs, "-o", tmp_path / "r.csv", "-g", "user", "--summary", tmp_path / "s.csv")
    assert r.exit_code == 0, r.output
    for name in ("r.csv", "r.rejects.csv", "s.csv"):
        table = pd.read_csv(tmp_path / name, dtype=str, keep_default_na=False)
        for col in table.columns:
            for cell in table[col]:
                assert not cell.startswith(("=", "+", "@", "\t")), (name, col, cell)
                if cell.startswith("-"):
                    float(cell)  # only numbers may start with '-'
    results = pd.read_csv(tmp_path / "r.csv", dtype=str)
    assert '\'=HYPERLINK("http://x")' in results["job_id"].tolist()
    assert "-5" in results["job_id"].tolist()  # a number stays a number
    assert results["count"].tolist() == ["1"] * len(_EVIL)


def test_summary_markdown_and_table_escape_user_text(tmp_path: Path) -> None:
    out = batch_frame(
        frame(user=["[red]x[/red]", "a|b<script>", "*y*"]), BatchOptions(group_by=("user",))
    )
    md = render_summary(out.summary, "markdown")
    assert "<script>" not in md and "a\\|b" in md and "\\*y\\*" in md
    for line in md.splitlines():
        if line.startswith("|"):
            assert line.count("|") - line.count("\\|") == md.splitlines()[0].count("|")
    table = render_summary(out.summary, "table")
    assert "[red]x[/red]" in table  # shown as typed, not read as markup


# --------------------------------------------------------------------------- 7 JSON


def test_json_summary_has_no_nan_or_infinity(tmp_path: Path) -> None:
    f = frame(region=["FR", "Atlantis"], user=["a", "b"])
    out = batch_frame(f, BatchOptions(group_by=("user",)))
    text = render_summary(out.summary, "json")
    json.loads(text, parse_constant=_no_constant)
    r = run("batch", JOBS, "--format", "json", "-g", "user", "--summary", tmp_path / "s.json")
    json.loads(r.stdout, parse_constant=_no_constant)
    json.loads((tmp_path / "s.json").read_text(), parse_constant=_no_constant)


@pytest.mark.parametrize("line", ["a = " + "[" * 200_000, "x" * (2 << 20), '"' + "y" * 200_000])
def test_huge_header_is_one_clear_error(tmp_path: Path, line: str) -> None:
    jobs = tmp_path / "j.csv"
    jobs.write_text(line + "\n1,2\n")
    with pytest.raises(InputError, match="header"):
        run_batch(jobs)


def test_hourly_with_an_enormous_duration_keeps_annual_factors() -> None:
    pytest.importorskip("footprint.analyses.hourly")
    f = pd.DataFrame(
        {
            "job_id": ["1", "2"],
            "accelerator": ["H100-SXM"] * 2,
            "count": ["1", "1"],
            "start": ["2023-03-01T00:00:00Z"] * 2,
            "duration": ["1e9 h", "2 h"],
            "region": ["US-CAL-CISO"] * 2,
        }
    )
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        out = batch_frame(f, BatchOptions(hourly=True))
    assert out.summary.balanced
    basis = dict(zip(out.results["job_id"], out.results["intensity_basis"], strict=True))
    assert basis == {"1": "annual", "2": "hourly"}
    check_totals(out)


@pytest.mark.parametrize("options", [{"x": 1}, "fast", 3])
def test_options_of_the_wrong_type_are_footprint_errors(options: object) -> None:
    with pytest.raises(FootprintError):
        batch_frame(frame(), options)  # type: ignore[arg-type]
    with pytest.raises(FootprintError):
        run_batch(JOBS, options)  # type: ignore[arg-type]
