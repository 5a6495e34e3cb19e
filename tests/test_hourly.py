"""Hourly grid data, load profiles and hour-by-hour accounting (``footprint.analyses.hourly``).

Proofs required by the design: energy conservation in every hour (solar used + grid =
load); hourly accounting equals the annual method when the profile is flat and the
intensity constant; hourly data reproduce their source's figures.
"""

from __future__ import annotations

import gzip
import json
import zoneinfo

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from footprint.analyses.hourly import (
    HourlyGrid,
    LoadProfile,
    account_hourly,
    energy_balance,
    find_hourly_zone,
    hour_of_year,
    hourly_grid,
    hourly_zones,
    iso_local,
)
from footprint.cli import cli
from footprint.core.errors import InputError, MissingDataError, UnitError, UnknownNameError
from footprint.data.loader import datasets_dir, load_table, read_records
from footprint.places.site import Site
from footprint.places.solar import on_site_solar
from footprint.places.water import TECHNOLOGIES, ewif_from_mix
from footprint.workloads.jobs import GpuJob

ZONES = [
    "US-SW-AZPS",
    "US-NW-BPAT",
    "US-CAL-CISO",
    "US-TEX-ERCO",
    "US-MIDW-MISO",
    "US-NY-NYIS",
    "US-MIDA-PJM",
    "US-SE-SOCO",
]


def run(*args):
    return CliRunner().invoke(cli, list(args))


def constant_grid(intensity=400.0, hours=None, zone="flat"):
    hours = (
        hours
        if hours is not None
        else pd.date_range("2022-01-01", periods=8760, freq="h", tz="UTC")
    )
    return HourlyGrid(
        zone=zone,
        year=None,
        hours=hours,
        intensity=np.full(len(hours), intensity),
        estimated=np.zeros(len(hours), dtype=bool),
        source="synthetic",
    )


# --- datasets ---------------------------------------------------------------------------------


def test_zone_table_schema_and_timezones():
    zones = load_table("hourly/zones")
    assert list(zones.zone) == ZONES
    assert (zones.source.str.len() > 50).all()
    for tz in zones.timezone:
        zoneinfo.ZoneInfo(tz)  # a real IANA zone
    # zone ids are those of the sub-national zone table (one resolver for both)
    sub = set(load_table("zones_subnational").zone)
    assert set(zones.zone) <= sub


@pytest.mark.parametrize("zone", ZONES)
def test_hourly_files(zone):
    path = datasets_dir() / "hourly" / f"{zone}_2022.csv.gz"
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        table = pd.read_csv(fh)
    assert len(table) == 8760
    hours = pd.to_datetime(table.timestamp_utc, utc=True)
    # EIA-930 stamps are hour-ending: the first hour-start is 23:00 UTC on 31 Dec 2021
    assert hours.iloc[0] == pd.Timestamp("2021-12-31T23:00Z")
    assert (hours.diff().dropna() == pd.Timedelta("1h")).all()
    shares = table[[f"{t}_share" for t in TECHNOLOGIES]].sum(axis=1)
    assert np.allclose(shares, 1.0, atol=1e-3)
    assert table.intensity_g_per_kwh.between(0, 1100).all()
    assert table.source.str.contains("EIA-930").all()
    assert set(table.estimated.unique()) <= {0, 1}


def test_hourly_reproduces_hpe_first_hour():
    # HPE dc-rl CISO_NG_&_avgCI.csv, first row (2022-01-01 00:00 UTC, hour-ending):
    # avg_CI = 222.29592090536002 g/kWh.
    grid = hourly_grid("CISO", 2022)
    assert grid.intensity[0] == pytest.approx(222.3, abs=0.05)
    assert grid.hours[0] == pd.Timestamp("2021-12-31T23:00Z")


@pytest.mark.parametrize(
    ("zone", "gaps"), [("US-CAL-CISO", 3), ("US-MIDA-PJM", 28), ("US-MIDW-MISO", 3)]
)
def test_gap_filled_hours_are_flagged(zone, gaps):
    assert int(hourly_grid(zone, 2022).estimated.sum()) == gaps


@pytest.mark.parametrize("zone", ZONES)
def test_generation_weighted_mean_matches_annual_table(zone):
    """The annual sub-national figure (same EIA-930 data, gap hours left out) agrees."""
    table = load_table("grid_intensity_subnational")
    row = table[(table.zone == zone) & (table.year == 2022)]
    annual = float(row.intensity_g_per_kwh.iloc[0])
    assert hourly_grid(zone, 2022).mean_intensity() == pytest.approx(annual, rel=5e-3)


def test_cloud_region_timezones_cover_every_region():
    tz = {r["region"]: r for r in read_records("hourly/cloud_regions")}
    regions = {r["region"] for r in read_records("cloud_regions")}
    assert set(tz) == regions
    for row in tz.values():
        zoneinfo.ZoneInfo(row["timezone"])
        assert row["source"]
    # one mapping only: the hourly zone comes from cloud_regions.csv's balancing authority
    assert "hourly_zone" not in next(iter(tz.values()))
    assert tz["aws:us-east-1"]["timezone"] == "America/New_York"
    assert tz["azure:australiasoutheast"]["timezone"] == "Australia/Melbourne"
    assert tz["gcp:europe-west1"]["timezone"] == "Europe/Brussels"


@pytest.mark.parametrize(
    ("region", "zone", "why"),
    [
        ("aws:us-east-1", "US-MIDA-PJM", "Dominion"),
        ("gcp:us-west1", "US-NW-BPAT", "Wasco"),
        ("aws:us-west-1", "US-CAL-CISO", "PG&E"),
        ("azure:centralus", "US-MIDW-MISO", "MidAmerican"),
        # metros the facilities builder maps approximately get the BA's hourly data, noted
        ("aws:us-west-2", "US-NW-BPAT", "Bonneville"),
        ("azure:westus3", "US-SW-AZPS", "approximate"),
        ("gcp:us-west2", "US-CAL-CISO", "approximate"),
    ],
)
def test_hourly_zone_is_the_balancing_authority(region, zone, why):
    from footprint.analyses.hourly import zone_for_region
    from footprint.places.regions import resolve_region

    assert resolve_region(region).balancing_authority == zone
    found, note = zone_for_region(region)
    assert found.code == zone
    assert f"hourly zone {zone} used for {region}" in note and why in note


@pytest.mark.parametrize(
    ("region", "ba"),
    [("aws:us-gov-west-1", "US-NW-SCL"), ("azure:westus2", "US-NW-GCPD")],
)
def test_balancing_authority_without_hourly_file_is_an_error(region, ba):
    """Seattle City Light and Grant County PUD have no hourly file: no silent fallback."""
    from footprint.analyses.hourly import zone_for_region

    with pytest.raises(MissingDataError, match=ba) as err:
        zone_for_region(region)
    assert "--grid-zone" in str(err.value)


def test_zone_names_need_no_note():
    from footprint.analyses.hourly import zone_for_region

    assert zone_for_region("US-CAL-CISO") == (hourly_zones()["US-CAL-CISO"], "")


def test_find_hourly_zone_aliases_and_errors():
    assert find_hourly_zone("ciso").code == "US-CAL-CISO"
    assert find_hourly_zone("US-TEX-ERCO").eia_code == "ERCO"
    with pytest.raises(UnknownNameError, match="CISO"):
        find_hourly_zone("CISOO")


def test_hourly_ewif_comes_from_the_hourly_mix():
    grid = hourly_grid("US-CAL-CISO", 2022)
    shares = dict(zip(TECHNOLOGIES, grid.shares[100], strict=True))
    assert grid.ewif()[100] == pytest.approx(ewif_from_mix(shares))
    assert grid.ewif("exclude")[100] < grid.ewif()[100]  # hydro share > 0


def test_year_substitution_and_strict_year():
    grid = hourly_grid("PJM", 2025)
    assert grid.year == 2022 and "nearest year 2022" in grid.notes[0]
    with pytest.raises(MissingDataError, match="2025"):
        hourly_grid("PJM", 2025, strict_year=True)


# --- time -------------------------------------------------------------------------------------


def test_hour_of_year_maps_leap_day():
    t = pd.DatetimeIndex(["2024-02-28T05:00Z", "2024-02-29T05:00Z", "2024-03-01T00:00Z"])
    keys = hour_of_year(t)
    assert keys[0] == keys[1] == (31 + 27) * 24 + 5
    assert keys[2] == 59 * 24


def test_local_times_with_dst():
    t = pd.date_range("2022-03-13T08:00Z", periods=3, freq="h")
    assert list(iso_local(t, "America/Los_Angeles")) == [
        "2022-03-13T00:00-08:00",
        "2022-03-13T01:00-08:00",
        "2022-03-13T03:00-07:00",
    ]


def test_naive_times_need_a_timezone():
    with pytest.raises(InputError, match="no UTC offset"):
        LoadProfile.from_job("2022-07-01T09:00", "1 h", "1 kW")
    p = LoadProfile.from_job("2022-07-01T09:00", "1 h", "1 kW", timezone="America/New_York")
    assert p.start == pd.Timestamp("2022-07-01T13:00Z")
    with pytest.raises(InputError, match="America/Los_Angeles"):  # DST gap
        LoadProfile.from_job("2022-03-13T02:30", "1 h", "1 kW", timezone="America/Los_Angeles")
    with pytest.raises(InputError, match="IANA"):
        LoadProfile.from_job("2022-07-01T09:00", "1 h", "1 kW", timezone="Mars/Olympus")


# --- load profiles ----------------------------------------------------------------------------


def test_job_profile_partial_hours():
    p = LoadProfile.from_job("2022-07-01T16:30Z", "10 h", "1000 kW")
    assert len(p.hours) == 11
    assert p.it_kwh[0] == pytest.approx(500) and p.it_kwh[-1] == pytest.approx(500)
    assert p.coverage[0] == pytest.approx(0.5) and p.coverage[5] == pytest.approx(1.0)
    assert p.it_energy.m_as("kWh") == pytest.approx(10_000)


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.integers(min_value=1, max_value=240), min_size=1, max_size=40),
    st.lists(st.floats(min_value=0, max_value=5000), min_size=40, max_size=40),
    st.integers(min_value=0, max_value=59),
)
def test_profile_integration_conserves_energy(steps_min, powers, offset_min):
    """Any step profile: the hourly energies add up to sum(power x interval)."""
    start = pd.Timestamp("2022-05-01T00:00Z") + pd.Timedelta(minutes=offset_min)
    stamps = start + pd.to_timedelta(np.concatenate([[0], np.cumsum(steps_min[:-1])]), "min")
    kw = np.array(powers[: len(steps_min)])
    end = stamps[-1] + pd.Timedelta(minutes=steps_min[-1])
    p = LoadProfile.from_series(stamps, kw, end=end)
    expected = float(np.sum(kw * np.array(steps_min) / 60.0))
    assert p.it_kwh.sum() == pytest.approx(expected, rel=1e-9, abs=1e-9)
    assert (p.it_kwh >= -1e-9).all()


def test_profile_csv_sub_hourly(tmp_path):
    stamps = pd.date_range("2022-07-01T09:00-07:00", periods=8, freq="15min")
    csv = tmp_path / "load.csv"
    pd.DataFrame({"timestamp": stamps.astype(str), "power [MW]": [1, 1, 2, 2, 0, 0, 4, 4]}).to_csv(
        csv, index=False
    )
    p = LoadProfile.from_csv(csv)
    assert p.hours[0] == pd.Timestamp("2022-07-01T16:00Z")
    assert list(p.it_kwh) == pytest.approx([1500.0, 2000.0])
    assert any("median interval" in n for n in p.notes)


def test_profile_csv_errors(tmp_path):
    csv = tmp_path / "load.csv"
    pd.DataFrame({"timestamp": ["2022-07-01T09:00Z", "2022-07-01T10:00Z"], "power": [1, 2]}).to_csv(
        csv, index=False
    )
    with pytest.raises(InputError, match="names no unit"):
        LoadProfile.from_csv(csv)
    assert LoadProfile.from_csv(csv, unit="kW").it_energy.m_as("kWh") == pytest.approx(3.0)
    naive = tmp_path / "naive.csv"
    pd.DataFrame({"time": ["2022-07-01 09:00", "2022-07-01 10:00"], "power_w": [5, 5]}).to_csv(
        naive, index=False
    )
    with pytest.raises(InputError, match="no UTC offset"):
        LoadProfile.from_csv(naive)
    with pytest.raises(InputError, match="no such file"):
        LoadProfile.from_csv(tmp_path / "missing.csv")
    with pytest.raises(InputError, match="increasing"):
        LoadProfile.from_series(["2022-07-01T10:00Z", "2022-07-01T09:00Z"], [1, 1])
    with pytest.raises(InputError, match="not negative"):
        LoadProfile.from_series(["2022-07-01T09:00Z", "2022-07-01T10:00Z"], [1, -1])
    with pytest.raises(UnitError, match="power"):
        LoadProfile.from_job("2022-07-01T09:00Z", "1 h", "3 kWh")


def test_workload_profile_matches_the_engine():
    import footprint as fp

    job = GpuJob("H100-SXM", count=8, duration="10 h")
    p = LoadProfile.from_workload(job, "2022-07-01T09:00Z")
    engine = fp.estimate(job, region="US-CAL-CISO", year=2022)
    assert p.it_energy.m_as("kWh") == pytest.approx(engine.it_energy.m_as("kWh"))
    assert p.factors["power"].value.m_as("W") == pytest.approx(700 * 0.8)


# --- accounting -------------------------------------------------------------------------------


@settings(max_examples=80, deadline=None)
@given(
    st.lists(st.floats(min_value=0, max_value=1e4), min_size=1, max_size=48),
    st.lists(st.floats(min_value=0, max_value=1e4), min_size=48, max_size=48),
    st.lists(st.floats(min_value=0, max_value=1), min_size=48, max_size=48),
)
def test_energy_balance_conserves_every_hour(load, pv, cover):
    n = len(load)
    used, grid, surplus = energy_balance(load, pv[:n], cover[:n])
    assert np.allclose(used + grid, load, rtol=1e-12, atol=1e-9)
    assert np.allclose(used + surplus, pv[:n], rtol=1e-12, atol=1e-9)
    assert (used >= 0).all() and (grid >= -1e-9).all() and (surplus >= -1e-9).all()
    assert (used <= np.array(pv[:n]) * np.array(cover[:n]) + 1e-9).all()


def test_energy_conservation_every_hour_with_solar():
    p = LoadProfile.from_job("2022-06-20T00:30Z", "47 h", "800 kW")
    solar = on_site_solar("3 MWp", latitude=36.1, longitude=-79.95)  # Greensboro (sourced k)
    r = account_hourly(p, Site(region="US-MIDA-PJM"), solar=solar)
    h = r.hourly
    assert np.allclose(h.solar_used_kwh + h.grid_kwh, h.facility_energy_kwh, atol=1e-9)
    assert np.allclose(h.solar_used_kwh + h.surplus_kwh, h.solar_kwh, atol=1e-9)
    assert (h.solar_used_kwh <= h.solar_kwh * p.coverage + 1e-9).all()
    res = r.results
    assert res["solar_used"].m + res["grid_energy"].m == pytest.approx(res["facility_energy"].m)
    assert 0 < res["solar_share"].m < 1
    assert res["co2e_solar_avoided"].m > 0
    assert res["co2e"].m == pytest.approx(res["co2e_no_solar"].m - res["co2e_solar_avoided"].m)
    # surplus at midday (3 MWp vs 0.9 MW facility load) is not credited by default
    assert res["solar_surplus"].m > 0 and res["co2e_surplus_credit"].m == 0
    offset = account_hourly(p, Site(region="US-MIDA-PJM"), solar=solar, surplus="offset")
    assert offset.results["co2e_surplus_credit"].m > 0
    assert offset.results["co2e"].m < res["co2e"].m


def test_flat_profile_constant_intensity_equals_annual_method():
    """Hourly accounting reduces to the annual method (footprint estimate's formulas)."""
    import footprint as fp

    hours = pd.date_range("2022-01-01", periods=8760, freq="h", tz="UTC")
    site = Site(region="FR", year=2022, intensity="400 g/kWh", ewif="1.5 L/kWh", pue=1.2, wue=0.5)
    p = LoadProfile.from_job("2022-03-01T00:00Z", "240 h", "250 kW")
    r = account_hourly(p, site, grid=constant_grid(400.0, hours))
    assert r.results["co2e"].m_as("kgCO2e") == pytest.approx(
        r.results["co2e_annual"].m_as("kgCO2e")
    )
    assert r.results["co2e_difference"].m == pytest.approx(0, abs=1e-9)
    assert r.results["water"].m == pytest.approx(r.results["water_annual"].m)
    # and both equal footprint's engine on the same energy
    engine = fp.estimate(
        GpuJob("H100-SXM", gpu_hours="240 h", power="250 kW", host_power="0 W"), site
    )
    assert r.results["co2e"].m_as("kgCO2e") == pytest.approx(engine.co2e.m_as("kgCO2e"))
    assert r.results["water"].m_as("L") == pytest.approx(engine.water.m_as("L"))


def test_flat_year_reduces_to_the_time_mean():
    grid = hourly_grid("US-CAL-CISO", 2022)
    p = LoadProfile.from_series(
        grid.hours, np.full(8760, 100.0), end=grid.hours[-1] + pd.Timedelta("1h")
    )
    r = account_hourly(p, Site(region="US-CAL-CISO", pue=1.0), grid="CISO")
    expected = 100.0 * float(np.sum(grid.intensity)) / 1000.0  # kWh x g/kWh -> kg
    assert r.results["co2e_no_solar"].m_as("kgCO2e") == pytest.approx(expected)


def test_hourly_vs_annual_and_decomposition():
    p = LoadProfile.from_job("2022-07-01T10:00-07:00", "8 h", "1000 kW")
    r = account_hourly(p, Site(region="aws:us-west-1"))
    res, f = r.results, r.factors
    # California midday is cleaner than the year's average: hourly < annual
    assert res["co2e"].m < res["co2e_annual"].m
    assert res["co2e_difference"].m == pytest.approx(res["co2e"].m - res["co2e_annual"].m)
    # the decomposition adds up, and California's clean middays make timing pay
    parts = (
        (res["co2e_flat"].m - res["co2e_annual"].m)
        + res["co2e_timing"].m
        - res["co2e_solar_avoided"].m
        - res["co2e_surplus_credit"].m
    )
    assert parts == pytest.approx(res["co2e_difference"].m)
    assert res["co2e_timing"].m < 0
    assert f["intensity_hourly"].value.m < f["intensity_hourly_mean"].value.m
    assert f["intensity_hourly_mean"].value.m == pytest.approx(254.9, abs=0.2)
    assert r.inputs["hourly_zone"] == "US-CAL-CISO"
    assert r.hourly.hour_start_local.iloc[0] == "2022-07-01T10:00-07:00"
    assert any("US-CAL-CISO" in n and "aws:us-west-1" in n for n in r.notes)
    d = r.to_dict(hourly=True)
    assert d["results"]["co2e"]["unit"] == "kgCO2e" and d["results"]["water"]["unit"] == "L"
    assert set(d) == {"results", "factors", "inputs", "notes", "hourly"}
    assert len(d["hourly"]) == 8


def test_other_year_is_mapped_and_noted():
    p = LoadProfile.from_job("2024-02-29T12:00Z", "2 h", "10 kW")
    r = account_hourly(p, Site(region="US-TEX-ERCO"))
    assert r.hourly.grid_hour_utc.tolist() == ["2022-02-28T12:00Z", "2022-02-28T13:00Z"]
    joined = " ".join(r.notes)
    assert "nearest year 2022" in joined and "29 February" in joined


def test_regions_without_hourly_data():
    p = LoadProfile.from_job("2022-07-01T10:00Z", "1 h", "1 kW")
    with pytest.raises(MissingDataError, match="grid-zone"):
        account_hourly(p, Site(region="gcp:europe-west1"))
    with pytest.raises(MissingDataError, match="hourly zones"):
        account_hourly(p, Site(region="FR"))
    with pytest.raises(InputError, match="hourly grid data"):
        account_hourly(p)
    with pytest.raises(InputError, match="surplus"):
        account_hourly(p, Site(region="US-CAL-CISO"), surplus="export")


def test_user_grid_series(tmp_path):
    hours = pd.date_range("2022-07-01T00:00Z", periods=24, freq="h")
    csv = tmp_path / "grid.csv"
    pd.DataFrame(
        {"datetime": hours.astype(str), "intensity_g_per_kwh": np.arange(24) * 10.0}
    ).to_csv(csv, index=False)
    grid = HourlyGrid.from_csv(csv)
    p = LoadProfile.from_job("2022-07-01T05:00Z", "2 h", "1 kW")
    r = account_hourly(p, Site(region="US", pue=1.0), grid=grid)
    assert r.results["co2e"].m_as("gCO2e") == pytest.approx(50 + 60)
    late = LoadProfile.from_job("2022-07-02T05:00Z", "2 h", "1 kW")
    with pytest.raises(MissingDataError, match="not in the series"):
        account_hourly(late, Site(region="US"), grid=grid)


# --- CLI --------------------------------------------------------------------------------------


def test_cli_hourly_json_contract():
    r = run(
        "hourly",
        "--region",
        "aws:us-west-1",
        "--start",
        "2022-07-01T09:00",
        "--hours",
        "10",
        "--power",
        "1000",
        "--pv-capacity",
        "2 MWp",
        "--clearness",
        "0.8",
        "--format",
        "json",
        "--hourly",
    )
    assert r.exit_code == 0, r.output
    d = json.loads(r.output)
    assert {"results", "factors", "inputs", "notes", "hourly"} <= set(d)
    assert d["results"]["co2e_annual"]["unit"] == "kgCO2e"
    assert d["factors"]["clearness"]["origin"] == "user"
    assert d["hourly"][0]["hour_start_local"] == "2022-07-01T09:00-07:00"


def test_cli_naive_start_in_the_zone_local_time():
    r = run(
        "hourly",
        "--grid-zone",
        "CISO",
        "--start",
        "2022-07-01T09:00",
        "--hours",
        "1",
        "--power",
        "1",
        "--format",
        "json",
        "--hourly",
    )
    assert r.exit_code == 0, r.output
    d = json.loads(r.output)
    assert d["hourly"][0]["hour_start_utc"] == "2022-07-01T16:00Z"
    assert any("America/Los_Angeles" in n for n in d["notes"])


def test_cli_hourly_accelerators_and_csv():
    r = run(
        "hourly",
        "--grid-zone",
        "ERCO",
        "--start",
        "2022-08-01T00:00Z",
        "--hours",
        "3",
        "-a",
        "H100-SXM",
        "--count",
        "8",
        "--hourly",
        "--format",
        "csv",
    )
    assert r.exit_code == 0, r.output
    lines = r.output.strip().splitlines()
    assert lines[0].startswith("hour_start_utc,") and len(lines) == 4


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            [
                "--region",
                "gcp:europe-west1",
                "--start",
                "2022-07-01T09:00Z",
                "--hours",
                "1",
                "--power",
                "1",
            ],
            "no hourly grid data",
        ),
        (
            [
                "--grid-zone",
                "CISOO",
                "--start",
                "2022-07-01T09:00Z",
                "--hours",
                "1",
                "--power",
                "1",
            ],
            "did you mean",
        ),
        (["--grid-zone", "CISO", "--hours", "1", "--power", "1"], "--start"),
        (["--grid-zone", "CISO", "--start", "2022-07-01T09:00Z", "--hours", "1"], "--power"),
        (
            [
                "--grid-zone",
                "CISO",
                "--start",
                "2022-07-01T09:00Z",
                "--hours",
                "1",
                "--power",
                "1",
                "--pv-tilt",
                "30",
            ],
            "--pv-capacity",
        ),
        (["--start", "2022-07-01T09:00", "--hours", "1", "--power", "1"], "no UTC offset"),
    ],
)
def test_cli_hourly_errors(args, message):
    r = run("hourly", *args)
    assert r.exit_code == 2
    assert message in r.output
    assert "Traceback" not in r.output


# --- regressions: files people actually have ---------------------------------------------------


def _csv(tmp_path, text, name="load.csv"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_profile_across_a_dst_change_with_offsets(tmp_path):
    """Regression: local times with their offsets across the end of summer time (-04:00
    then -05:00) failed with pandas' 'Mixed timezones detected' advice."""
    path = _csv(
        tmp_path,
        "timestamp,power_kw\n2022-11-06T00:00:00-04:00,300\n2022-11-06T01:00:00-04:00,300\n"
        "2022-11-06T01:00:00-05:00,300\n2022-11-06T02:00:00-05:00,300\n",
    )
    p = LoadProfile.from_csv(path)
    assert list(p.hours) == list(pd.date_range("2022-11-06T04:00Z", periods=4, freq="h"))
    assert p.it_energy.m_as("kWh") == pytest.approx(1200.0)


def test_naive_profile_with_the_repeated_hour_is_read_in_order(tmp_path):
    """Naive local times that repeat 01:00 and 01:30 at the end of summer time are
    inferred from their order; a time that does not exist is a clear error."""
    path = _csv(
        tmp_path,
        "timestamp,power_kw\n2022-11-06T00:30,100\n2022-11-06T01:00,100\n2022-11-06T01:30,100\n"
        "2022-11-06T01:00,100\n2022-11-06T01:30,100\n2022-11-06T02:00,100\n",
    )
    p = LoadProfile.from_csv(path, timezone="America/New_York")
    # 00:30 EDT = 04:30Z ... 01:30 EST = 06:30Z, 02:00 EST = 07:00Z, held 30 min: 3 h
    assert p.start == pd.Timestamp("2022-11-06T04:30Z")
    assert p.end == pd.Timestamp("2022-11-06T07:30Z")
    assert p.it_energy.m_as("kWh") == pytest.approx(300.0)
    gap = _csv(tmp_path, "timestamp,power_kw\n2022-03-13T01:00,1\n2022-03-13T02:30,1\n", "g.csv")
    with pytest.raises(InputError, match="does not exist in America/New_York"):
        LoadProfile.from_csv(gap, timezone="America/New_York")
    with pytest.raises(InputError, match="happens twice") as err:
        LoadProfile.from_job("2022-11-06T01:30", "1 h", "1 kW", timezone="America/New_York")
    assert "argument" not in str(err.value)  # no pandas keyword advice


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("timestamp,power_kw\nfoo,1\n2022-07-01T01:00Z,1\n", r"cannot read 'foo' \(row 1\)"),
        (
            "timestamp,power_kw\n2022-07-01T00:00Z,1\n2022-07-01T01:00,1\n",
            r"some timestamps have a UTC offset and others not \(row 2",
        ),
        ("timestamp,power_kw\n", "has no data rows"),
        ("", "is empty"),
        ("timestamp,power [kWh]\n2022-07-01T00:00Z,1\n2022-07-01T01:00Z,1\n", "not a power unit"),
    ],
)
def test_profile_file_errors_are_one_line(tmp_path, text, message):
    with pytest.raises(InputError, match=message) as err:
        LoadProfile.from_csv(_csv(tmp_path, text))
    assert "\n" not in str(err.value)


def test_semicolon_profile_and_gaps_are_noted(tmp_path):
    """Regression: a semicolon-separated file said 'holds non-numbers'; a gap in the
    samples was filled silently."""
    path = _csv(
        tmp_path,
        "timestamp;power_kw\n2022-07-01T00:00Z;300\n2022-07-01T01:00Z;300\n"
        "2022-07-01T05:00Z;200\n2022-07-01T06:00Z;200\n",
    )
    p = LoadProfile.from_csv(path)
    assert p.it_energy.m_as("kWh") == pytest.approx(300 + 300 * 4 + 200 + 200)
    gap = next(n for n in p.notes if "gap" in n)
    assert "1 gap(s)" in gap and "the longest 4 h" in gap
    assert any("median interval (1 h)" in n for n in p.notes)


def test_grid_file_errors_and_dst_offsets(tmp_path):
    """Regression: bad timestamps, semicolons and mixed offsets in --grid-file gave
    tracebacks; a header-only file blamed missing UTC offsets."""
    good = HourlyGrid.from_csv(
        _csv(
            tmp_path,
            "timestamp;intensity\n2022-11-06T00:00-04:00;200\n2022-11-06T01:00-04:00;200\n"
            "2022-11-06T01:00-05:00;250\n",
            "g.csv",
        )
    )
    assert list(good.intensity) == [200.0, 200.0, 250.0]
    assert good.hours[-1] == pd.Timestamp("2022-11-06T06:00Z")
    with pytest.raises(InputError, match=r"cannot read 'foo' \(row 1\)"):
        HourlyGrid.from_csv(_csv(tmp_path, "timestamp,intensity\nfoo,1\n", "b.csv"))
    with pytest.raises(InputError, match="has no data rows"):
        HourlyGrid.from_csv(_csv(tmp_path, "timestamp,intensity\n", "h.csv"))
    r = CliRunner().invoke(
        cli,
        ["hourly", "--start", "2022-07-01T00:00Z", "--hours", "2", "--power", "100",
         "--grid-file", str(tmp_path / "b.csv")],
    )  # fmt: skip
    assert r.exit_code == 2 and "Traceback" not in r.output


def test_one_row_profile_says_how_to_fix_it(tmp_path):
    path = _csv(tmp_path, "timestamp,power_kw\n2022-07-01T00:00Z,300\n")
    r = CliRunner().invoke(cli, ["hourly", "--region", "aws:us-east-1", "--profile", str(path)])
    assert r.exit_code == 2 and "add a last row at the time the load ends" in r.output
    fixed = _csv(tmp_path, "timestamp,power_kw\n2022-07-01T00:00Z,300\n2022-07-01T02:00Z,0\n")
    assert LoadProfile.from_csv(fixed).it_energy.m_as("kWh") == pytest.approx(600.0)


def test_a_grid_zone_outside_the_region_is_noted():
    """An hourly zone given by name that does not serve the region: the hourly and the
    annual figures then describe different grids, and the notes say so."""
    p = LoadProfile.from_job("2022-07-01T00:00Z", "2 h", "100 kW")
    r = account_hourly(p, Site(region="FR"), grid="CISO")
    assert any("US-CAL-CISO is not a grid zone of FR" in n for n in r.notes)
    inside = account_hourly(p, Site(region="aws:us-west-1"), grid="CISO")
    assert not any("is not a grid zone" in n for n in inside.notes)


# --- cost, market-based and embodied CO2e, as estimate() counts them -------------------------


def _job_profile(**kw):
    job = GpuJob("H100-SXM", count=8, duration="10 h")
    return job, LoadProfile.from_workload(job, "2022-07-01T09:00Z", "10 h", **kw)


def test_price_gives_a_cost_of_grid_energy_times_price():
    solar = on_site_solar("20 kWp", region="aws:us-west-1", clearness=0.8)
    _, profile = _job_profile()
    r = account_hourly(profile, Site(region="aws:us-west-1", price="0.2 USD/kWh"), solar=solar)
    assert r.results["cost"].m_as("USD") == pytest.approx(
        r.results["grid_energy"].m_as("kWh") * 0.2, rel=1e-12
    )
    assert r.results["grid_energy"] < r.results["facility_energy"]  # solar lowers the bill
    assert r.factors["price"].value.m_as("USD/kWh") == pytest.approx(0.2)
    assert not any("give --price" in n for n in r.notes)
    plain = account_hourly(profile, Site(region="aws:us-west-1"))
    assert "cost" not in plain.results
    assert any("give --price for a cost" in n for n in plain.notes)


def test_cfe_halves_market_based_co2e():
    _, profile = _job_profile()
    r = account_hourly(profile, Site(region="aws:us-west-1", cfe=0.5))
    assert r.results["co2e_market"].m_as("kgCO2e") == pytest.approx(
        r.results["co2e"].m_as("kgCO2e") * 0.5, rel=1e-12
    )
    assert r.results["co2e_market_annual"].m_as("kgCO2e") == pytest.approx(
        r.results["co2e_annual"].m_as("kgCO2e") * 0.5, rel=1e-12
    )
    zero = account_hourly(profile, Site(region="aws:us-west-1"))
    assert zero.results["co2e_market"] == zero.results["co2e"]


def test_embodied_of_an_accelerator_job_equals_estimate():
    import footprint as fp

    job, profile = _job_profile()
    site = Site(region="aws:us-west-1", year=2022)
    r = account_hourly(profile, site)
    e = fp.estimate(job, site)
    assert r.results["embodied_co2e"].m_as("kgCO2e") == pytest.approx(
        e.results["embodied_co2e"].m_as("kgCO2e"), rel=1e-12
    )
    assert r.results["total_co2e"].m_as("kgCO2e") == pytest.approx(
        r.results["co2e"].m_as("kgCO2e") + r.results["embodied_co2e"].m_as("kgCO2e"), rel=1e-12
    )
    assert "embodied_accelerator" in r.factors
    off = account_hourly(profile, site, embodied=False)
    assert "embodied_co2e" not in off.results
    assert "embodied (manufacturing) emissions not counted" in off.notes


def test_no_embodied_for_a_power_profile():
    profile = LoadProfile.from_job("2022-07-01T09:00Z", "10 h", "100 kW")
    r = account_hourly(profile, Site(region="aws:us-west-1"))
    assert "embodied_co2e" not in r.results and "total_co2e" not in r.results
    assert "embodied: not counted for a power profile (no accelerator given)" in r.notes


def test_hourly_command_gives_cost_market_and_embodied():
    base = ["hourly", "--region", "aws:us-west-1", "--start", "2022-07-01T09:00Z"]
    base += ["--hours", "10", "--format", "json"]
    job = CliRunner().invoke(
        cli, [*base, "-a", "H100-SXM", "--count", "8", "--price", "0.2 USD/kWh", "--cfe", "0.5"]
    )
    assert job.exit_code == 0, job.output
    res = json.loads(job.output)["results"]
    assert res["cost"]["value"] == pytest.approx(res["grid_energy"]["value"] * 0.2)
    assert res["co2e_market"]["value"] == pytest.approx(res["co2e"]["value"] * 0.5)
    assert {"embodied_co2e", "total_co2e"} <= set(res)
    off = CliRunner().invoke(cli, [*base, "-a", "H100-SXM", "--count", "8", "--no-embodied"])
    assert "embodied_co2e" not in json.loads(off.output)["results"]
    power = CliRunner().invoke(cli, [*base, "--power", "100"])
    out = json.loads(power.output)
    assert "embodied_co2e" not in out["results"] and "cost" not in out["results"]
    assert "embodied: not counted for a power profile (no accelerator given)" in out["notes"]


def test_profile_with_a_huge_integer_is_one_line(tmp_path):
    """A 662-digit power (found by the fuzz suite under the lowest versions' Hypothesis)
    was an OverflowError traceback from pandas."""
    from click.testing import CliRunner

    from footprint.cli import cli

    f = tmp_path / "load.csv"
    f.write_text(
        "timestamp,power_kw\n2022-07-01T00:00:00-04:00," + "9" * 662 + "\n"
        "2022-07-01T01:00:00-04:00,300\n2022-07-01T02:00:00-04:00,300\n"
    )
    r = CliRunner().invoke(cli, ["hourly", "--region", "gcp:us-east4", "--profile", str(f)])
    assert r.exit_code == 2, r.output
    assert r.stderr.strip().count("\n") == 0 and "beyond 1e308" in r.stderr
