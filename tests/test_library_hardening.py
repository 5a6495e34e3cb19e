"""Hardening of compare, trends, scheduling, hourly, solar, uncertainty, inference and
training: hostile arguments raise FootprintError subclasses (never bare Python errors),
results are finite, extreme durations and special files are one-line errors, and the
comparison's CSV, Markdown, JSON and terminal outputs are safe (issue 11, items 5, 7, 9).
"""

from __future__ import annotations

import json
import math
import os
import subprocess
import sys
import warnings

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from footprint.analyses import compare as compare_mod
from footprint.analyses import hourly, scheduling, trends, uncertainty
from footprint.analyses import inference as analysis
from footprint.cli import cli
from footprint.core.errors import FootprintError, InputError
from footprint.core.units import Q_
from footprint.places import solar
from footprint.places.site import Site
from footprint.workloads import inference, training
from footprint.workloads.jobs import GpuJob

START = "2022-05-01T00:00Z"
JOB = GpuJob("H100-SXM", gpu_hours="1000 h")


class _Opaque:
    def __repr__(self) -> str:
        return "<opaque>"


#: Arguments a careless or hostile caller may pass anywhere.
HOSTILE = [
    None,
    "",
    " ",
    [],
    {},
    _Opaque(),
    True,
    -1,
    0,
    -0.0,
    math.nan,
    math.inf,
    -math.inf,
    1e308,
    -1e308,
    1e-320,
    10**30,
    10**400,
    2**63,
    -5,
    1.5,
    "1e12 h",
    "1e-320 h",
    "10**10**10 W",
    "2*3 W",
    "abc",
    "nan",
    "1 kg",
    "-5 h",
    "XX-nope",
    [None],
    ["", ""],
    b"x",
    1j,
    "2022-07-01T00:00Z",
]


def _hostile_quantities() -> list[object]:
    return [Q_(1, "kg"), Q_(math.nan, "h"), Q_(1e308, "W")]


def _solar() -> solar.OnSiteSolar:
    return solar.on_site_solar("100 kWp", latitude=37.0, longitude=-122.0, clearness=0.75)


#: (callable, valid keyword arguments); each call replaces one argument by a hostile one.
CASES: dict[str, tuple[object, dict[str, object]]] = {
    "compare": (
        compare_mod.compare,
        {
            "workload": JOB,
            "regions": "FR,SE,DE",
            "year": 2023,
            "metric": "co2e",
            "sort": None,
            "ascending": None,
            "strict_year": None,
        },
    ),
    "compare_top": (compare_mod.compare, {"workload": JOB, "regions": ["FR", "SE"], "top": 1}),
    "compare_bottom": (
        compare_mod.compare,
        {"workload": JOB, "regions": "FR,SE", "bottom": 1, "site": None},
    ),
    "compare_kind": (
        compare_mod.compare,
        {"workload": JOB, "kind": "cloud", "provider": "gcp", "country": None},
    ),
    "compare_inference": (
        analysis.compare_inference,
        {
            "models": ["llama-3.1-8b"],
            "energy_models": ("ecologits",),
            "site": Site(region="US"),
            "requests": "1e6 request",
            "output_tokens": 300,
        },
    ),
    "trend": (trends.trend, {"region": "FR", "start": 2015, "end": 2022, "hydro": "include"}),
    "project": (
        trends.project,
        {
            "workload": JOB,
            "region": "FR",
            "base_year": 2023,
            "end_year": 2030,
            "growth": None,
            "site": None,
        },
    ),
    "Growth": (
        trends.Growth,
        {"volume_growth": 0.1, "efficiency_gain": 0.05, "grid": "linear", "fit_years": 5},
    ),
    "project_totals": (
        trends.project_totals,
        {
            "base": Q_(9.67, "MtCO2e"),
            "base_year": 2023,
            "end_year": 2030,
            "growth": trends.Growth(volume_growth=0.2, grid=-0.03),
        },
    ),
    "percent_change": (trends.percent_change, {"base": 1.0, "current": 2.0}),
    "annual_rate": (trends.annual_rate, {"base": 1.0, "current": 2.0, "years": 3}),
    "describe_change": (
        trends.describe_change,
        {"base": 1.0, "current": 2.0, "since": 2019, "until": 2023, "digits": 0},
    ),
    "growth_change": (
        trends.growth_change,
        {"years": 3, "volume_growth": 0.1, "efficiency_gain": 0.1, "intensity_change": -0.03},
    ),
    "schedule": (
        scheduling.schedule,
        {
            "duration": "4 h",
            "power": "10 kW",
            "window_start": START,
            "window_end": "2022-05-03T00:00Z",
            "site": Site(region="US-CAL-CISO"),
            "grid": None,
            "solar": None,
            "step": "1 h",
            "now": None,
            "surplus": "ignore",
            "timezone": None,
            "grid_year": None,
        },
    ),
    "from_job": (
        hourly.LoadProfile.from_job,
        {"start": START, "duration": "4 h", "power": "10 kW", "timezone": None},
    ),
    "from_workload": (
        hourly.LoadProfile.from_workload,
        {"job": JOB, "start": START, "duration": "10 h", "timezone": None},
    ),
    "from_series": (
        hourly.LoadProfile.from_series,
        {
            "timestamps": ["2022-05-01T00:00Z", "2022-05-01T01:00Z"],
            "power": [1.0, 2.0],
            "timezone": None,
            "end": None,
        },
    ),
    "hourly_grid": (hourly.hourly_grid, {"zone": "CISO", "year": 2022, "strict_year": False}),
    "account_hourly": (
        hourly.account_hourly,
        {
            "profile": hourly.LoadProfile.from_job(START, "4 h", "10 kW"),
            "site": Site(region="US-CAL-CISO"),
            "grid": None,
            "solar": None,
            "surplus": "ignore",
            "timezone": None,
            "grid_year": None,
        },
    ),
    "PVArray": (
        solar.PVArray,
        {
            "capacity": "100 kWp",
            "tilt": 20,
            "azimuth": 180,
            "losses": 0.14,
            "module_type": "standard",
            "mount": "open_rack",
            "dc_ac_ratio": 1.2,
            "inverter_efficiency": 0.96,
        },
    ),
    "SolarSite": (solar.SolarSite, {"latitude": 37.0, "longitude": -122.0, "altitude": None}),
    "on_site_solar": (
        solar.on_site_solar,
        {
            "capacity": "100 kWp",
            "latitude": 37.0,
            "longitude": -122.0,
            "altitude": None,
            "tilt": None,
            "losses": None,
            "clearness": 0.75,
        },
    ),
    "annual_yield": (solar.annual_yield, {"solar": _solar(), "year": 2022}),
    "clearness_factor": (solar.clearness_factor, {"value": 0.7, "site": None}),
    "read_weather": (solar.read_weather, {"path": "/nonexistent.epw", "fmt": None}),
    "Uncertainty": (uncertainty.Uncertainty, {"samples": 1000, "seed": 1, "interval": 0.9}),
    "propagate": (
        uncertainty.propagate,
        {
            "fp": __import__("footprint").estimate(JOB, region="FR", year=2023),
            "load": JOB.load(),
            "spec": uncertainty.Uncertainty(samples=200),
        },
    ),
    "InferenceWorkload": (
        inference.InferenceWorkload,
        {"model": "llama-3.1-8b", "requests": "1e6 request", "output_tokens": 300},
    ),
    "InferenceWorkload_roofline": (
        inference.InferenceWorkload,
        {
            "model": "llama-3.1-8b",
            "requests": "1e6 request/day",
            "output_tokens": 300,
            "energy_model": "roofline",
            "gpus": 1,
            "batch": 8,
            "fleet_utilization": 0.5,
            "power": "700 W",
            "mbu": 0.7,
            "mfu": 0.5,
        },
    ),
    "TrainingRun": (
        training.TrainingRun,
        {
            "accelerator": "H100-SXM",
            "params": "70B",
            "tokens": "15T",
            "mfu": 0.4,
            "count": 1000,
            "precision": "bf16",
        },
    ),
    "training_flops": (training.training_flops, {"params": 7e9, "tokens": 1e12}),
    "accelerator_hours_from_flops": (
        training.accelerator_hours_from_flops,
        {"flops": 1e24, "peak": "989 TFLOP/s", "mfu": 0.4},
    ),
    "implied_mfu": (
        training.implied_mfu,
        {"flops": 1e24, "accelerator_hours": "1e6 h", "peak": "989 TFLOP/s"},
    ),
}

#: The heavy cases (a year of PV simulation) only with hostile arguments that fail early.
_SLOW = {"annual_yield"}


def _numbers(value: object, depth: int = 0) -> list[float]:
    """Every number in a result (quantities, frames, dicts, lists), as floats."""
    if depth > 5:
        return []
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return []
    if isinstance(value, (int, float, np.floating, np.integer)):
        return [float(value)]
    if hasattr(value, "magnitude") and hasattr(value, "units"):
        return list(np.ravel(np.asarray(value.magnitude, dtype=float)))
    if isinstance(value, pd.DataFrame):
        out: list[float] = []
        for col in value.columns:
            series = value[col]
            if hasattr(series, "pint"):  # NaN is a missing value (a blank), not a result
                arr = np.asarray(series.pint.magnitude, dtype=float)
                out += [x for x in arr if not np.isnan(x)]
            elif pd.api.types.is_numeric_dtype(series) and not pd.api.types.is_bool_dtype(series):
                arr = pd.to_numeric(series).to_numpy(dtype=float, na_value=np.nan)
                out += [x for x in arr if not np.isnan(x)]  # missing (blank) is allowed
        return out
    if isinstance(value, dict):
        return [x for v in value.values() for x in _numbers(v, depth + 1)]
    if isinstance(value, (list, tuple)):
        return [x for v in value for x in _numbers(v, depth + 1)]
    if isinstance(value, hourly.LoadProfile):
        return list(np.asarray(value.it_kwh, dtype=float))
    out = []
    for attr in ("results", "ranges"):
        if isinstance(getattr(value, attr, None), dict):
            out += _numbers(getattr(value, attr), depth + 1)
    if callable(getattr(value, "load", None)):
        load = value.load()
        out += [load.accelerator_hours.m_as("h"), load.power.value.m_as("W")]
    return out


def _call_is_safe(name: str, key: str, value: object) -> None:
    fn, base = CASES[name]
    kwargs = {**base, key: value}
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            numbers = _numbers(fn(**kwargs))  # type: ignore[operator]
    except FootprintError as exc:
        text = str(exc)
        assert text and "\n" not in text, f"{name}({key}={value!r}): message {text!r}"
        return
    bad = [x for x in numbers if not math.isfinite(x)]
    assert not bad, f"{name}({key}={value!r}) returned non-finite numbers {bad[:3]}"


_CHOICES = [(name, key) for name, (_, base) in CASES.items() for key in base if name not in _SLOW]


@settings(
    derandomize=True,
    max_examples=1500,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
    database=None,
)
@given(
    choice=st.sampled_from(_CHOICES),
    value=st.sampled_from(HOSTILE + _hostile_quantities()),
)
def test_hostile_arguments_raise_footprint_errors_or_give_finite_results(choice, value):
    name, key = choice
    _call_is_safe(name, key, value)


@pytest.mark.parametrize(
    ("name", "key", "value"),
    [
        # one regression per root cause the fuzz found
        ("compare", "regions", 5),
        ("compare", "metric", None),
        ("compare", "metric", []),
        ("compare_top", "top", "1"),
        ("compare_top", "top", math.inf),
        ("compare_top", "top", math.nan),
        ("compare_bottom", "site", "FR"),
        ("compare_kind", "kind", ["cloud"]),
        ("compare_inference", "models", None),
        ("compare_inference", "site", "US"),
        ("compare_inference", "requests", 1e-320),
        ("trend", "start", "2015"),
        ("trend", "end", 10**30),  # used to hang (a range of 10**30 years)
        ("trend", "start", 2015.5),
        ("project", "workload", None),
        ("project", "base_year", None),
        ("project", "end_year", 2**63),
        ("project", "growth", 0.1),
        ("project", "site", "FR"),
        ("Growth", "fit_years", "5"),
        ("Growth", "fit_years", math.inf),
        ("Growth", "volume_growth", 1e308),
        ("project_totals", "base_year", 1.5),
        ("project_totals", "end_year", math.nan),
        ("project_totals", "growth", "fast"),
        ("percent_change", "base", None),
        ("percent_change", "base", "1 kg"),
        ("percent_change", "base", 1e-320),
        ("percent_change", "current", 10**400),
        ("annual_rate", "years", None),
        ("annual_rate", "years", 1e-320),
        ("describe_change", "since", "2019"),
        ("describe_change", "digits", None),
        ("growth_change", "years", math.nan),
        ("growth_change", "volume_growth", 1e308),
        ("growth_change", "efficiency_gain", None),
        ("schedule", "site", "US"),
        ("schedule", "solar", "yes"),
        ("schedule", "step", "1e-320 h"),
        ("schedule", "power", 1e308),
        ("schedule", "timezone", "US"),
        ("schedule", "timezone", 5),
        ("schedule", "grid_year", "2022"),
        ("from_job", "duration", "1e12 h"),
        ("from_job", "duration", 1e308),
        ("from_job", "duration", "1e-320 h"),
        ("from_job", "power", 1e308),
        ("from_workload", "job", "H100"),
        ("from_series", "timestamps", None),
        ("from_series", "power", ["a", "b"]),
        ("hourly_grid", "year", "2022"),
        ("account_hourly", "site", {}),
        ("account_hourly", "solar", []),
        ("account_hourly", "timezone", True),
        ("PVArray", "module_type", None),
        ("PVArray", "mount", []),
        ("on_site_solar", "latitude", "north"),
        ("on_site_solar", "latitude", 10**400),
        ("annual_yield", "solar", None),
        ("annual_yield", "year", "2022"),
        ("annual_yield", "year", math.inf),
        ("read_weather", "path", None),
        ("Uncertainty", "samples", 10**400),
        ("propagate", "fp", None),
        ("propagate", "spec", 1000),
        ("InferenceWorkload", "requests", 1e-320),
        ("InferenceWorkload_roofline", "output_tokens", 1e-320),
        ("InferenceWorkload_roofline", "gpus", 1e308),
        ("InferenceWorkload_roofline", "power", 1e308),  # busy h x power overflowed
        ("InferenceWorkload_roofline", "fleet_utilization", 1e-320),
        ("TrainingRun", "precision", []),
        ("training_flops", "params", 1e308),
        ("accelerator_hours_from_flops", "peak", 1e-320),
        ("implied_mfu", "accelerator_hours", "1e-320 h"),
    ],
)
def test_known_bad_arguments(name, key, value):
    _call_is_safe(name, key, value)


# --- item 2: extreme durations and windows ------------------------------------------------


@pytest.mark.parametrize("duration", ["1e12 h", "1e-320 h", "0.5 s", f"{5 * 366 * 24 + 1} h"])
def test_job_durations_outside_what_hourly_accounting_covers(duration):
    with pytest.raises(InputError, match=r"5 years|shorter than the 1 s") as info:
        hourly.LoadProfile.from_job(START, duration, "1 kW")
    assert "\n" not in str(info.value)


def test_a_long_job_within_the_limit_still_works():
    profile = hourly.LoadProfile.from_job(START, "400 days", "1 kW")
    assert profile.it_energy.m_as("kWh") == pytest.approx(400 * 24)


def test_profile_series_spanning_decades_is_refused():
    with pytest.raises(InputError, match="5 years"):
        hourly.LoadProfile.from_series(
            ["1990-01-01T00:00Z", "2030-01-01T00:00Z"], [1.0, 1.0], end="2030-01-01T01:00Z"
        )


def test_a_job_running_past_pandas_calendar_is_one_line():
    with pytest.raises(InputError, match="2262"):
        hourly.LoadProfile.from_job("2262-03-01T00:00Z", "1000 days", "1 kW")


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"duration": "1e12 h"}, "5 years"),
        ({"duration": "1e-320 h"}, "shorter than"),
        ({"step": "1e-320 h"}, "candidate starts"),
        ({"window_end": "2100-01-01T00:00Z"}, "window"),
    ],
)
def test_schedule_bounds(kwargs, message):
    args = {**CASES["schedule"][1], **kwargs}
    with pytest.raises(InputError, match=message):
        scheduling.schedule(**args)


def _one_line_error(result) -> str:
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output + result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    return lines[0]


@pytest.mark.parametrize("hours", ["1e12 h", "1e-320 h", "1e308"])
def test_cli_hourly_extreme_durations(hours):
    r = CliRunner().invoke(
        cli,
        ["hourly", "--grid-zone", "CISO", "--start", START, "--hours", hours, "--power", "1"],
    )
    line = _one_line_error(r)
    assert "duration" in line or "--hours" in line


@pytest.mark.parametrize(
    "args",
    [
        ["--hours", "1e12 h", "--from", START, "--until", "2022-05-03T00:00Z"],
        ["--hours", "1e-320 h", "--from", START, "--until", "2022-05-03T00:00Z"],
        ["--hours", "2", "--step", "1e-320 h", "--from", START, "--until", "2022-05-03T00:00Z"],
        ["--hours", "2", "--from", START, "--until", "2200-01-01T00:00Z"],
    ],
)
def test_cli_schedule_extreme_durations(args):
    r = CliRunner().invoke(cli, ["schedule", "--grid-zone", "CISO", "--power", "1", *args])
    _one_line_error(r)


# --- item 3: input files (FIFOs in a subprocess, so a regression cannot freeze pytest) -----


def _footprint(*args: str, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "footprint", *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def _assert_one_line(proc: subprocess.CompletedProcess[str], *words: str) -> None:
    assert proc.returncode == 2, proc.stderr
    assert "Traceback" not in proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1, proc.stderr
    for word in words:
        assert word in lines[0], lines[0]


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs here")
@pytest.mark.parametrize(
    ("option", "name"),
    [("--profile", "load.csv"), ("--grid-file", "grid.csv"), ("--weather-file", "tmy.csv")],
)
def test_fifo_inputs_are_refused_without_hanging(tmp_path, option, name):
    fifo = tmp_path / name
    os.mkfifo(fifo)
    if option == "--profile":
        args = ["hourly", "--grid-zone", "CISO", "--profile", str(fifo)]
    elif option == "--grid-file":
        args = ["hourly", "--grid-file", str(fifo), "--start", START, "--hours", "2"]
        args += ["--power", "1", "--region", "US-CAL-CISO"]
    else:
        args = ["hourly", "--grid-zone", "CISO", "--start", START, "--hours", "2"]
        args += ["--power", "1", "--pv-capacity", "100 kWp", "--weather-file", str(fifo)]
        args += ["--latitude", "37", "--longitude", "-122"]
    _assert_one_line(_footprint(*args, timeout=60), "FIFO")


@pytest.mark.skipif(not os.path.exists("/dev/zero"), reason="no /dev/zero")
def test_device_inputs_are_refused():
    for reader in (
        lambda: hourly.LoadProfile.from_csv("/dev/zero"),
        lambda: hourly.HourlyGrid.from_csv("/dev/zero"),
        lambda: solar.read_weather("/dev/zero", "tmy3"),
    ):
        with pytest.raises(InputError, match="device"):
            reader()


def test_directories_and_non_utf8_inputs_are_one_line(tmp_path):
    with pytest.raises(InputError, match="directory"):
        hourly.LoadProfile.from_csv(tmp_path)
    with pytest.raises(InputError, match="directory"):
        solar.read_weather(tmp_path, "epw")
    latin = tmp_path / "load.csv"
    latin.write_bytes("timestamp,power_kw\n2022-05-01T00:00Z,1\n# caf\xe9\n".encode("latin-1"))
    with pytest.raises(InputError, match="not UTF-8"):
        hourly.LoadProfile.from_csv(latin)
    weather = tmp_path / "w.epw"
    weather.write_bytes(b"LOCATION,Z\xfcrich\n")
    with pytest.raises(InputError, match="not UTF-8"):
        solar.read_weather(weather)


def test_weather_file_is_read_from_its_checked_bytes(tmp_path):
    """A broken weather file is a one-line DataError, whatever pvlib raises inside."""
    bad = tmp_path / "bad.csv"
    bad.write_text("USAF,Name,State,TZ,lat,lon,alt\nnot,a,tmy3,file\n", encoding="utf-8")
    with pytest.raises(FootprintError) as info:
        solar.read_weather(bad, "tmy3")
    assert "\n" not in str(info.value)


# --- item 4: output writes and injection in compare ----------------------------------------


@pytest.fixture(scope="module")
def hostile_comparison():
    df = compare_mod.compare(JOB, regions="FR,SE", year=2023)
    df["name"] = ['=HYPERLINK("http://x")', "<script>alert(1)</script> | [x](http://y) [bold]"]
    df["region"] = ["-2+3", "@SUM(A1)"]
    return df


def test_compare_csv_neutralises_formulas(hostile_comparison):
    text = compare_mod.to_csv(hostile_comparison)
    rows = pd.read_csv(__import__("io").StringIO(text), keep_default_na=False)
    assert list(rows["name"])[0].startswith("'=")
    assert list(rows["region"]) == ["'-2+3", "'@SUM(A1)"]
    assert rows["co2e_kg"].dtype.kind == "f"  # numbers stay numbers


def test_compare_csv_to_a_path_is_atomic_and_refuses_folders(tmp_path, hostile_comparison):
    out = tmp_path / "c.csv"
    out.write_text("old", encoding="utf-8")
    assert compare_mod.to_csv(hostile_comparison, out) is None
    assert "'=HYPERLINK" in out.read_text(encoding="utf-8")
    with pytest.raises(InputError, match="directory"):
        compare_mod.to_csv(hostile_comparison, tmp_path)
    assert [p.name for p in tmp_path.iterdir()] == ["c.csv"]  # no temporary file left


def test_compare_markdown_escapes_cells(hostile_comparison):
    text = compare_mod.to_markdown(hostile_comparison)
    assert "<script>" not in text
    assert "](http" not in text
    header, rule, *body = text.strip().splitlines()
    columns = header.count(" | ") + 1
    for line in body:
        cells = line.replace("\\|", "").strip("|").split("|")
        assert len(cells) == columns, line


def test_compare_terminal_table_shows_markup_as_typed(hostile_comparison):
    from footprint.cli.commands.compare import render_comparison

    df = hostile_comparison.copy()
    df["name"] = ["[red]x[/red]", "[b]y"]
    table = render_comparison(df, "table", False).split("Best:")[0]
    assert "[red]x[/red]" in table
    assert "[b]y" in table


def test_compare_json_refuses_non_finite_values():
    from footprint.cli.commands.compare import _json_text

    assert json.loads(_json_text({"x": 1.0})) == {"x": 1.0}
    with pytest.raises(FootprintError):
        _json_text({"x": math.inf})
    with pytest.raises(FootprintError):
        _json_text({"x": math.nan})


def test_cli_compare_json_is_strict():
    r = CliRunner().invoke(
        cli,
        ["compare", "-a", "H100-SXM", "--gpu-hours", "1000", "--regions", "FR,SE"]
        + ["--format", "json"],
    )
    assert r.exit_code == 0, r.output

    def refuse(token: str) -> None:
        raise AssertionError(f"non-finite {token} in JSON")

    json.loads(r.stdout, parse_constant=refuse)


# --- item 5: non-finite results -----------------------------------------------------------


def test_ratio_to_best_of_almost_zero_is_blank_with_a_note():
    df = pd.DataFrame({"region": ["A", "B"], "co2e": [5e-324, 1.0]})
    notes: list[str] = []
    compare_mod._rank(df, "co2e", notes)
    assert df["ratio_to_best"].iloc[0] == 1.0
    assert pd.isna(df["ratio_to_best"].iloc[1])
    assert any("ratio_to_best" in n for n in notes)


def test_trend_change_from_zero_is_blank_not_infinite():
    out = trends._pct_change(np.array([0.0, 5.0, 10.0]), 0.0)
    assert np.isnan(out).all()
    yoy = trends._pct_change(np.array([5.0, 10.0]), np.array([0.0, 5.0]))
    assert np.isnan(yoy[0]) and yoy[1] == pytest.approx(100.0)


def test_growth_that_overflows_is_an_error():
    with pytest.raises(InputError, match="finite"):
        trends.growth_change(1000, volume_growth=1e300)
    with pytest.raises(InputError, match="finite"):
        trends.project_totals(
            Q_(1e300, "tCO2e"), 2023, 2100, trends.Growth(volume_growth=1e10, grid="constant")
        )


def test_compare_of_an_overflowing_workload_is_an_error():
    huge = GpuJob("H100-SXM", gpu_hours="1e300 h", power="1e300 W")
    with pytest.raises(InputError, match="finite"):
        compare_mod.compare(huge, regions="FR,SE")
