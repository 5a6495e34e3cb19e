"""Carbon-aware scheduling (``footprint.analyses.scheduling``): the known minimum on synthetic
profiles, consistency with hour-by-hour accounting, on-site solar, inputs and the CLI."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from footprint.analyses.hourly import HourlyGrid, LoadProfile, account_hourly
from footprint.analyses.scheduling import schedule
from footprint.cli import cli
from footprint.core.errors import InputError
from footprint.places.site import Site
from footprint.places.solar import on_site_solar

START = pd.Timestamp("2022-05-01T00:00Z")
SITE = Site(region="US", pue=1.0, wue=0.0, ewif="0 L/kWh")


def grid_of(values, start=START):
    hours = pd.date_range(start, periods=len(values), freq="h")
    return HourlyGrid(
        zone="synthetic",
        year=None,
        hours=hours,
        intensity=np.asarray(values, dtype=float),
        estimated=np.zeros(len(values), dtype=bool),
        source="synthetic",
    )


def test_picks_the_known_minimum_of_a_synthetic_profile():
    values = np.full(72, 500.0)
    values[30:34] = 100.0  # a four-hour clean spell
    values[50:54] = 900.0  # and a dirty one
    r = schedule("4 h", "10 kW", START, START + pd.Timedelta("72h"), SITE, grid=grid_of(values))
    assert r.choices["best"]["start_utc"] == "2022-05-02T06:00Z"  # hour 30
    assert r.choices["worst"]["start_utc"] == "2022-05-03T02:00Z"  # hour 50
    assert r.results["co2e"].m_as("kgCO2e") == pytest.approx(4 * 10 * 100 / 1000)
    assert r.results["co2e_worst"].m_as("kgCO2e") == pytest.approx(4 * 10 * 900 / 1000)
    assert r.results["co2e_now"].m_as("kgCO2e") == pytest.approx(4 * 10 * 500 / 1000)
    assert r.results["saving"].m_as("kgCO2e") == pytest.approx(16.0)
    assert r.results["saving_share"].m == pytest.approx(0.8)
    assert len(r.curve) == 72 - 4 + 1
    assert r.curve.co2e_kg.idxmin() == 30


def test_fractional_starts_find_a_v_shaped_minimum():
    """Sub-hour steps: the minimum of a linear valley lies between hour boundaries."""
    values = np.abs(np.arange(48) - 20.0) * 20 + 100  # valley at hour 20
    r = schedule(
        "2 h", "1 kW", START, START + pd.Timedelta("48h"), SITE, grid=grid_of(values), step="15 min"
    )
    # the job [s, s+2h) straddles hour 20 symmetrically: s = 19:00 (hours 19 and 20, 120+100)
    # or 19:xx (mixing 19, 20, 21); the integral is least for s in [19:00, 20:00] and equal
    # there, and the earliest is chosen
    best = pd.Timestamp(r.choices["best"]["start_utc"])
    assert best == START + pd.Timedelta("19h")
    assert r.results["co2e"].m_as("gCO2e") == pytest.approx(120 + 100)


@settings(max_examples=30, deadline=None)
@given(
    st.lists(st.floats(min_value=0, max_value=1000), min_size=30, max_size=30),
    st.integers(min_value=1, max_value=6),
)
def test_best_is_the_brute_force_minimum(values, hours):
    r = schedule(
        f"{hours} h", "2 kW", START, START + pd.Timedelta("30h"), SITE, grid=grid_of(values)
    )
    brute = [sum(values[s : s + hours]) * 2 / 1000 for s in range(30 - hours + 1)]
    assert r.results["co2e"].m_as("kgCO2e") == pytest.approx(min(brute), abs=1e-9)
    assert r.results["co2e_worst"].m_as("kgCO2e") == pytest.approx(max(brute), abs=1e-9)
    assert np.allclose(r.curve.co2e_kg, brute, atol=1e-9)


def test_schedule_agrees_with_hourly_accounting_on_real_data():
    site = Site(region="aws:us-west-1")
    solar = on_site_solar("1 MWp", region="aws:us-west-1", clearness=0.8)
    r = schedule(
        "2.5 h",
        "500 kW",
        "2022-07-01T00:10Z",
        "2022-07-02T00:00Z",
        site,
        solar=solar,
        step="15 min",
        surplus="offset",
    )
    for key in ("best", "worst", "now"):
        start = r.choices[key]["start_utc"]
        direct = account_hourly(
            LoadProfile.from_job(start, "2.5 h", "500 kW"), site, solar=solar, surplus="offset"
        )
        assert direct.results["co2e"].m_as("kgCO2e") == pytest.approx(
            r.choices[key]["co2e_kg"], rel=1e-9, abs=1e-9
        )


def test_solar_moves_the_best_start_to_midday():
    flat = np.full(72, 400.0)
    start = pd.Timestamp("2022-06-20T00:00-04:00")  # Greensboro local midnight (EDT)
    grid = grid_of(flat, start=start.tz_convert("UTC"))
    solar = on_site_solar("200 kWp", latitude=36.1, longitude=-79.95, clearness=1.0)
    window = (start, start + pd.Timedelta("48h"))
    tz = "America/New_York"
    r = schedule("3 h", "100 kW", *window, SITE, grid=grid, solar=solar, timezone=tz)
    best_local = pd.Timestamp(r.choices["best"]["start_local"])
    # 200 kWp covers a 100 kW load from mid-morning: the earliest fully solar start wins
    assert 8 <= best_local.hour <= 13 and best_local.utcoffset() == pd.Timedelta("-4h")
    assert r.results["co2e"].m == pytest.approx(0, abs=1e-9)
    assert r.results["onsite_energy"].m_as("kWh") == pytest.approx(300)
    worst_local = pd.Timestamp(r.choices["worst"]["start_local"])
    assert worst_local.hour >= 19 or worst_local.hour <= 3  # a night start
    no_sun = schedule("3 h", "100 kW", *window, SITE, grid=grid, timezone=tz)
    assert no_sun.results["spread"].m == pytest.approx(0, abs=1e-9)  # flat grid: no choice


def test_real_grid_saving_is_reported_against_now():
    r = schedule(
        "6 h", "500 kW", "2022-07-01T00:00", "2022-07-04T00:00", Site(region="aws:us-west-1")
    )
    res = r.results
    assert res["co2e"].m <= res["co2e_now"].m <= res["co2e_worst"].m
    assert res["saving"].m == pytest.approx(res["co2e_now"].m - res["co2e"].m)
    assert res["co2e_annual"].m > 0
    # naive window times are read in the region's local time, and said so
    assert r.choices["now"]["start_local"] == "2022-07-01T00:00-07:00"
    assert any("America/Los_Angeles" in n for n in r.notes)
    d = r.to_dict(curve=True)
    assert {"results", "choices", "factors", "inputs", "notes", "curve"} == set(d)
    assert d["results"]["saving"]["unit"] == "kgCO2e"


def test_schedule_with_a_workload():
    from footprint.workloads.jobs import GpuJob

    job = GpuJob("H100-SXM", count=8, duration="4 h", utilization=1.0)
    r = schedule(
        "4 h", job, START, START + pd.Timedelta("24h"), SITE, grid=grid_of(np.full(24, 1e3))
    )
    # 8 x (700 W + 150 W host) x 4 h = 27.2 kWh at 1 kg/kWh
    assert r.results["co2e"].m_as("kgCO2e") == pytest.approx(27.2)
    assert r.factors["power"].value.m_as("W") == pytest.approx(700)


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"duration": "30 h"}, "does not fit"),
        ({"window_end": START}, "after window_start"),
        ({"step": "0.1 s"}, "candidate starts"),
        ({"now": START + pd.Timedelta("23h")}, "would not fit"),
        ({"surplus": "sell"}, "surplus"),
        ({"power": "2 kWh"}, "power"),
    ],
)
def test_input_errors(kwargs, match):
    args = {
        "duration": "4 h",
        "power": "1 kW",
        "window_start": START,
        "window_end": START + pd.Timedelta("24h"),
    }
    args.update(kwargs)
    with pytest.raises(InputError, match=match):
        schedule(
            args["duration"],
            args["power"],
            args["window_start"],
            args["window_end"],
            SITE,
            grid=grid_of(np.ones(25)),
            step=kwargs.get("step", "1 h"),
            now=kwargs.get("now"),
            surplus=kwargs.get("surplus", "ignore"),
        )


def test_cli_schedule_json_and_curve():
    r = CliRunner().invoke(
        cli,
        [
            "schedule",
            "--grid-zone",
            "ERCO",
            "--hours",
            "12",
            "-a",
            "H100-SXM",
            "--count",
            "16",
            "--from",
            "2022-03-01T00:00Z",
            "--until",
            "2022-03-03T00:00Z",
            "--format",
            "json",
        ],
    )
    assert r.exit_code == 0, r.output
    d = json.loads(r.output)
    assert d["choices"]["best"]["co2e_kg"] <= d["choices"]["now"]["co2e_kg"]
    assert d["inputs"]["hourly_zone"] == "US-TEX-ERCO"
    r = CliRunner().invoke(
        cli,
        [
            "schedule",
            "--region",
            "gcp:us-east4",
            "--hours",
            "4",
            "--power",
            "800",
            "--from",
            "2022-06-01T00:00",
            "--within",
            "2 days",
            "--curve",
            "--format",
            "csv",
        ],
    )
    assert r.exit_code == 0, r.output
    assert len(r.output.strip().splitlines()) == 1 + (48 - 4 + 1)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--hours", "4", "--power", "1", "--from", "2022-06-01T00:00Z"], "--window-end"),
        (["--hours", "4", "--power", "1", "--from", "soon", "--within", "1 day"], "--window-start"),
        (
            ["--hours", "90", "--power", "1", "--from", "2022-06-01T00:00Z", "--within", "2 days"],
            "does not fit",
        ),
        (["--hours", "4", "--from", "2022-06-01T00:00Z", "--within", "1 day"], "--power"),
    ],
)
def test_cli_schedule_errors(args, message):
    r = CliRunner().invoke(cli, ["schedule", "--grid-zone", "PJM", *args])
    assert r.exit_code == 2, r.output
    assert message in r.output and "Traceback" not in r.output


def test_cli_csv_is_one_table():
    """Regression: --format csv printed the choices table, then a second CSV with another
    header, in one stream; now one table with a row per choice."""
    import csv
    import io

    r = CliRunner().invoke(
        cli,
        ["schedule", "--region", "aws:us-west-1", "--hours", "6", "--power", "500",
         "--window-start", "2022-07-01T00:00", "--within", "1 day", "--format", "csv"],
    )  # fmt: skip
    assert r.exit_code == 0, r.output
    rows = list(csv.reader(io.StringIO(r.output)))
    assert rows[0][:3] == ["section", "name", "value"]
    assert all(len(row) == len(rows[0]) for row in rows)
    choices = {row[1]: row for row in rows if row[0] == "choice"}
    assert set(choices) == {"best", "worst", "now"}
    results = {row[1]: float(row[2]) for row in rows if row[0] == "result"}
    assert float(choices["best"][2]) == pytest.approx(results["co2e"], abs=1e-3)
    assert "2022-07-01T09:00-07:00" in choices["best"][-1]


def test_cli_within_is_elapsed_time_across_a_dst_change():
    """Regression: --within was added to the naive local start, so '24 h' across the end
    of summer time gave a 25-hour window."""
    r = CliRunner().invoke(
        cli,
        ["schedule", "--region", "aws:us-east-1", "--hours", "2", "--power", "100",
         "--window-start", "2022-11-05T12:00", "--within", "24 h", "--format", "json",
         "--curve"],
    )  # fmt: skip
    assert r.exit_code == 0, r.output
    data = json.loads(r.output)
    assert len(data["curve"]) == 23  # starts 16:00Z ... 14:00Z next day, each ending in time
    assert any("23 candidate starts" in n for n in data["notes"])


# --- cost, market-based and embodied CO2e, as estimate() counts them -------------------------


def test_schedule_choices_carry_cost_market_and_embodied():
    import footprint as fp
    from footprint.workloads.jobs import GpuJob

    job = GpuJob("H100-SXM", count=8, duration="6 h")
    site = Site(region="aws:us-west-1", year=2022, price="0.2 USD/kWh", cfe=0.5)
    solar = on_site_solar("20 kWp", region="aws:us-west-1", clearness=0.8)
    r = schedule("6 h", job, "2022-07-01T00:00Z", "2022-07-02T00:00Z", site, solar=solar)
    embodied = fp.estimate(job, site).results["embodied_co2e"].m_as("kgCO2e")
    assert r.results["embodied_co2e"].m_as("kgCO2e") == pytest.approx(embodied, rel=1e-12)
    for name, c in r.choices.items():
        assert c["cost"] == pytest.approx(c["grid_kwh"] * 0.2, rel=1e-12)
        assert c["cost_currency"] == "USD"
        assert c["co2e_market_kg"] == pytest.approx(c["co2e_kg"] * 0.5, rel=1e-12)
        assert c["embodied_co2e_kg"] == pytest.approx(embodied, rel=1e-12)
        assert c["total_co2e_kg"] == pytest.approx(c["co2e_kg"] + embodied, rel=1e-12)
        suffix = "" if name == "best" else f"_{name}"  # the best start: the engine's keys
        assert r.results[f"cost{suffix}"].m_as("USD") == pytest.approx(c["cost"], rel=1e-12)
        assert r.results[f"co2e_market{suffix}"].m_as("kgCO2e") == pytest.approx(
            c["co2e_market_kg"], rel=1e-12
        )
    assert r.results["co2e_market_annual"].m_as("kgCO2e") == pytest.approx(
        r.results["co2e_annual"].m_as("kgCO2e") * 0.5, rel=1e-12
    )
    # now's grid energy is that of hourly accounting from the same start
    direct = account_hourly(
        LoadProfile.from_workload(job, r.choices["now"]["start_utc"], "6 h"), site, solar=solar
    )
    assert r.choices["now"]["grid_kwh"] == pytest.approx(
        direct.results["grid_energy"].m_as("kWh"), rel=1e-9
    )
    assert r.choices["now"]["cost"] == pytest.approx(direct.results["cost"].m_as("USD"), rel=1e-9)


def test_schedule_of_a_power_has_no_embodied_and_no_cost_without_price():
    r = schedule("6 h", "100 kW", "2022-07-01T00:00Z", "2022-07-02T00:00Z", Site("aws:us-west-1"))
    assert "embodied_co2e" not in r.results
    assert not any(k.startswith(("cost", "total_co2e")) for k in r.results)
    assert "embodied: not counted for a power profile (no accelerator given)" in r.notes
    assert "cost" not in r.choices["best"]


def test_schedule_command_takes_the_embodied_options():
    args = ["schedule", "--grid-zone", "ERCO", "--hours", "12", "-a", "H100-SXM"]
    args += ["--count", "256", "--from", "2022-03-01T00:00Z", "--until", "2022-03-03T00:00Z"]
    out = CliRunner().invoke(cli, [*args, "--price", "0.1 USD/kWh", "--format", "json"])
    assert out.exit_code == 0, out.output
    data = json.loads(out.output)
    assert data["choices"]["best"]["cost"] == pytest.approx(
        data["choices"]["best"]["grid_kwh"] * 0.1
    )
    assert "embodied_co2e" in data["results"]
    off = CliRunner().invoke(cli, [*args, "--no-embodied", "--format", "json"])
    assert "embodied_co2e" not in json.loads(off.output)["results"]
