"""Hourly series beyond EIA-930: Electricity Maps (share-alike) and NREL Cambium.

Data: ``datasets/share-alike/hourly`` (Electricity Maps hourly, ODbL 1.0) and
``datasets/hourly/cambium`` (NREL Cambium 2022 Mid-case, modelled year 2024, CC BY), built
by ``scripts/datasets/hourly_series.py``. Runtime: ``footprint.places.hourly_grid``; the
commands ``footprint hourly`` and ``footprint schedule`` (``--marginal``).
"""

from __future__ import annotations

import json
import zoneinfo

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner

from footprint.cli import cli
from footprint.core.errors import MissingDataError
from footprint.data.loader import datasets_dir, load_table, read_records
from footprint.places.grid import all_zones
from footprint.places.hourly_grid import (
    find_hourly_zone,
    hourly_grid,
    hourly_zones,
    zone_for_region,
)

EIA = [
    "US-SW-AZPS",
    "US-NW-BPAT",
    "US-CAL-CISO",
    "US-TEX-ERCO",
    "US-MIDW-MISO",
    "US-NY-NYIS",
    "US-MIDA-PJM",
    "US-SE-SOCO",
]
CAMBIUM = [
    "AZNM",
    "CAMX",
    "ERCT",
    "FRCC",
    "MROE",
    "MROW",
    "NEWE",
    "NWPP",
    "NYST",
    "RFCE",
    "RFCM",
    "RFCW",
    "RMPA",
    "SPNO",
    "SPSO",
    "SRMV",
    "SRMW",
    "SRSO",
    "SRTV",
    "SRVC",
]
#: zone -> years (../shared/sources/electricitymaps-hourly-global: 2023-2024;
#: electricitymaps-hourly-samples: 2021-2023)
EM = {
    "AU-NSW": (2023, 2024),
    "AU-VIC": (2023, 2024),
    "BR-SP": (2023, 2024),
    "CA-ON": (2023, 2024),
    "CL-SIC": (2023, 2024),
    "DE-LU": (2023, 2024),
    "GB": (2023, 2024),
    "IN-WE": (2023, 2024),
    "JP-TK": (2023, 2024),
    "KR": (2023, 2024),
    "SG": (2023, 2024),
    "ZA": (2023, 2024),
    "BR": (2021, 2022, 2023),
    "ES": (2021, 2022, 2023),
    "NO": (2021, 2022, 2023),
    "US-CAL-CISO-EM": (2021, 2022, 2023),
}
ALL = EIA + CAMBIUM + list(EM)


def run(*args: str):
    return CliRunner().invoke(cli, list(args))


def run_json(*args: str) -> dict:
    r = run(*args, "--format", "json")
    assert r.exit_code == 0, r.output
    return json.loads(r.output)


# --- the tables -------------------------------------------------------------------------------


def test_every_hourly_zone_is_listed_with_a_name_and_an_iana_zone():
    zones = hourly_zones()
    assert list(zones) == ALL
    assert sum(z.country != "US" for z in zones.values()) == 15  # 15 zones outside the US
    for zone in zones.values():
        zoneinfo.ZoneInfo(zone.timezone)  # a real IANA zone
        assert zone.name and len(zone.source) > 50
        # the grid zone a series stands for is a zone of footprint's zone tables
        assert zone.grid_zone in all_zones(), zone.code
    for code, years in EM.items():
        assert zones[code].years == years
        assert zones[code].folder == "share-alike/hourly"
        assert zones[code].basis == "lifecycle" and not zones[code].marginal
    for code in CAMBIUM:
        z = zones[code]
        # a Cambium region stands for the eGRID subregion of its acronym (zones_subnational);
        # NYST (New York State: eGRID's NYCW, NYLI and NYUP) is only a part of the US
        assert (z.years, z.dataset, z.grid_zone, z.covers) == (
            (2024,),
            "cambium-2022-midcase",
            "US" if code == "NYST" else code,
            "part" if code == "NYST" else "zone",
        )
        assert z.name == all_zones()[z.grid_zone].name or code == "NYST"
        assert "projection" in z.note and "modelled year 2024" in z.source
        assert z.marginal.startswith("long-run marginal")


def test_electricity_maps_files_are_share_alike_and_noticed():
    root = datasets_dir()
    files = sorted((root / "share-alike" / "hourly").glob("*.csv.gz"))
    assert len(files) == sum(len(y) for y in EM.values()) == 36
    assert not any("electricitymaps" in p.name.lower() for p in (root / "hourly").rglob("*"))
    notice = (root / "share-alike" / "hourly" / "LICENSE-ODbL.md").read_text(encoding="utf-8")
    assert (
        "Open Database License (ODbL)" in notice and "Contains data from Electricity Maps" in notice
    )
    assert "2024-03-06" in notice and "2025-05-20" in notice  # when they were published
    licences = {row["file"]: row for row in read_records("licences")}
    assert licences["share-alike/hourly"]["licence"].startswith("ODbL 1.0")
    assert "Creative Commons Attribution" in licences["hourly/cambium"]["licence"]


# --- the hourly series against the annual figures ---------------------------------------------

#: Tolerance of the time mean of an Electricity Maps hourly series against Electricity
#: Maps' own yearly average (share-alike/electricitymaps_yearly.csv, same lifecycle
#: basis). The files carry no consumption, so the hourly mean is a plain time mean while
#: the yearly figure weights hours by consumption: where intensity rises with demand
#: (gas at the evening peak) the yearly figure is higher (GB 2024: 162.7 vs 175, -7.0%).
#: 8% covers that; IN-WE's hours are all modelled by Electricity Maps
#: (../shared/sources/electricitymaps-hourly-global/SOURCE.md) and the yearly file is a
#: later release of the model (2023: 749.2 vs 662, +13.2%): 15% there.
YEARLY_TOLERANCE = {"IN-WE": 0.15}
YEARLY_DEFAULT = 0.08


@pytest.mark.parametrize(("zone", "year"), [(z, y) for z, ys in EM.items() for y in ys])
def test_electricity_maps_time_mean_agrees_with_the_yearly_factor(zone, year):
    yearly = load_table("share-alike/electricitymaps_yearly")
    meta = hourly_zones()[zone]
    row = yearly[(yearly.zone == meta.grid_zone) & (yearly.year == year)]
    assert len(row) == 1 and row.basis.iloc[0] == "lifecycle"
    grid = hourly_grid(zone, year)
    assert grid.generation_mwh is None  # no weights: mean_intensity is the time mean
    assert grid.mean_intensity() == pytest.approx(float(np.mean(grid.intensity)))
    tol = YEARLY_TOLERANCE.get(zone, YEARLY_DEFAULT)
    assert grid.mean_intensity() == pytest.approx(float(row.intensity_g_per_kwh.iloc[0]), rel=tol)


def test_electricity_maps_values_are_the_sources():
    # electricitymaps-hourly-global/DE-LU_2023_hourly.csv, first row:
    # 2023-01-01 00:00, direct 140.51, LCA 185.8, low-carbon 83.79 %, renewable 78.42 %
    table = pd.read_csv(datasets_dir() / "share-alike" / "hourly" / "DE-LU_2023.csv.gz")
    first = table.iloc[0]
    assert first.timestamp_utc == "2023-01-01T00:00Z"
    assert (first.intensity_g_per_kwh, first.intensity_direct_g_per_kwh) == (185.8, 140.51)
    assert (first.carbon_free_share, first.renewable_share) == (0.8379, 0.7842)
    assert len(table) == 8760 and len(hourly_grid("DE-LU", 2024).hours) == 8784
    # electricitymaps-hourly-samples/US-CAL-CISO_2021_hourly.csv: mean LCA 274.3 g/kWh
    assert hourly_grid("US-CAL-CISO-EM", 2021).mean_intensity() == pytest.approx(274.3, abs=0.05)


#: Annual means of the raw Cambium files (../shared/sources/cambium-nrel-comstock/SOURCE.md:
#: "AER 185.5 / 277.4 / 221.1 / 598.9; LRMER-15 55.9 / 85.5 / 95.7 / 245.5" kg/MWh).
CAMBIUM_MEANS = {
    "CAMX": (185.5, 55.9),
    "ERCT": (277.4, 85.5),
    "NYST": (221.1, 95.7),
    "SRMW": (598.9, 245.5),
}


@pytest.mark.parametrize("region", list(CAMBIUM_MEANS))
def test_cambium_means_are_the_published_ones(region):
    aer, lrmer = CAMBIUM_MEANS[region]
    grid = hourly_grid(region, 2024)
    assert len(grid.hours) == 8760
    assert grid.mean_intensity() == pytest.approx(aer, abs=0.05)
    assert grid.as_marginal().mean_intensity() == pytest.approx(lrmer, abs=0.05)


@pytest.mark.parametrize(
    ("region", "first_utc", "aer", "lrmer"),
    # hour 0 (00:00 local standard time, 1 January) of cambium_AER/LRMER_MidCase files
    [("CAMX", "2024-01-01T08:00Z", 320.2, 163.6), ("NYST", "2024-01-01T05:00Z", 212.9, None)],
)
def test_cambium_hours_are_local_standard_time(region, first_utc, aer, lrmer):
    grid = hourly_grid(region, 2024)
    assert grid.hours[0] == pd.Timestamp(first_utc)
    assert grid.intensity[0] == aer
    if lrmer is not None:
        assert grid.marginal[0] == lrmer
    # no daylight saving: 1 July's hour 0 is still 08:00 UTC (UTC-8), in CAMX
    if region == "CAMX":
        assert pd.Timestamp("2024-07-01T08:00Z") in grid.hours
        assert pd.Timestamp("2024-07-01T07:00Z") in grid.hours  # 30 June, 23:00 PST


def test_cambium_has_no_29_february_and_says_so():
    from footprint.analyses.hourly import LoadProfile, account_hourly

    p = LoadProfile.from_job("2024-02-29T20:00Z", "2 h", "10 kW")
    r = account_hourly(p, grid="CAMX")
    assert any("has no 29 February" in n for n in r.notes)
    assert r.hourly.grid_hour_utc.tolist() == ["2024-02-28T20:00Z", "2024-02-28T21:00Z"]


# --- every hourly zone runs -------------------------------------------------------------------


def _first_year(zone: str) -> int:
    return hourly_zones()[zone].years[0]


@pytest.mark.parametrize("zone", ALL)
def test_hourly_runs_for_every_zone(zone):
    year = _first_year(zone)
    out = run_json(
        "hourly",
        "--grid-zone",
        zone,
        "--start",
        f"{year}-06-01T10:00Z",
        "--hours",
        "3",
        "--power",
        "100",
        "--hourly",
    )
    assert out["inputs"]["hourly_zone"] == zone and out["inputs"]["hourly_year"] == str(year)
    grid = hourly_grid(zone, year)
    rows = grid.hours.get_indexer(pd.date_range(f"{year}-06-01T10:00Z", periods=3, freq="h"))
    assert (rows >= 0).all()
    facility_kwh = 100.0 * out["factors"]["pue"]["value"]  # 100 kW for an hour, x PUE
    expected = float(np.sum(grid.intensity[rows])) * facility_kwh / 1000.0
    assert out["results"]["co2e"]["value"] == pytest.approx(expected, rel=1e-9)
    assert [h["intensity_g_per_kwh"] for h in out["hourly"]] == grid.intensity[rows].tolist()


@pytest.mark.parametrize("zone", ALL)
def test_schedule_runs_for_every_zone(zone):
    year = _first_year(zone)
    out = run_json(
        "schedule",
        "--grid-zone",
        zone,
        "--hours",
        "2",
        "--power",
        "100",
        "--from",
        f"{year}-03-10T00:00Z",
        "--within",
        "1 day",
    )
    assert out["inputs"]["hourly_zone"] == zone
    grid = hourly_grid(zone, year)
    hours = pd.date_range(f"{year}-03-10T00:00Z", periods=24, freq="h")
    rows = grid.hours.get_indexer(hours)
    assert (rows >= 0).all()
    intensity = grid.intensity[rows]
    pairs = intensity[:-1] + intensity[1:]  # every 2-hour window from a whole hour
    facility_kwh = 100.0 * out["factors"]["pue"]["value"]
    best = out["choices"]["best"]
    assert best["co2e_kg"] == pytest.approx(float(pairs.min()) * facility_kwh / 1000.0, rel=1e-9)
    assert out["choices"]["worst"]["co2e_kg"] == pytest.approx(
        float(pairs.max()) * facility_kwh / 1000.0, rel=1e-9
    )


# --- which zone a region uses -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("region", "zone"),
    [
        ("DE", "DE-LU"),
        ("Germany", "DE-LU"),
        ("Brazil", "BR"),
        ("BR", "BR"),
        ("BR-CS", "BR-SP"),
        ("CL-SEN", "CL-SIC"),
        ("JP-TK", "JP-TK"),
        ("Tokyo", "JP-TK"),
        ("UK", "GB"),
        ("South Korea", "KR"),
        ("Ontario", "CA-ON"),
        ("aws:eu-central-1", "DE-LU"),
        ("gcp:europe-west2", "GB"),
        ("aws:ap-southeast-1", "SG"),
        ("azure:norwayeast", "NO"),  # NO-NO1 has no hourly file: Norway's
        ("US-CAL-CISO", "US-CAL-CISO"),  # EIA-930 first; Electricity Maps' is US-CAL-CISO-EM
    ],
)
def test_a_region_resolves_to_its_hourly_zone(region, zone):
    from footprint.places.regions import resolve_region

    found, note = zone_for_region(region)
    assert found.code == zone
    if resolve_region(region).id == zone:  # the region is the hourly zone: nothing to say
        assert note == ""
    else:
        assert f"hourly zone {zone}" in note


def test_grid_zone_names_find_the_series():
    assert find_hourly_zone("DE").code == "DE-LU"
    assert find_hourly_zone("us-cal-ciso-em").code == "US-CAL-CISO-EM"
    assert find_hourly_zone("CISO").code == "US-CAL-CISO"
    assert find_hourly_zone("WECC California").code == "CAMX"
    # a Cambium region is a part of the US: the US never resolves to one
    assert zone_for_region("CAMX") == (find_hourly_zone("CAMX"), "")  # eGRID's CAMX does
    with pytest.raises(MissingDataError, match="no hourly grid data for US"):
        zone_for_region("US")


def test_cli_region_in_an_hourly_zone():
    out = run_json(
        "hourly", "-r", "DE", "--start", "2023-07-01T09:00Z", "--hours", "2", "--power", "10"
    )
    assert out["inputs"]["hourly_zone"] == "DE-LU"
    assert out["factors"]["intensity"]["zone"] == "DE"  # annual factor of the grid zone
    assert "hourly zone DE-LU (Germany (DE-LU bidding zone)) used for DE" in out["notes"]


def test_a_series_named_for_its_region_needs_no_outside_note():
    from footprint.places.hourly_grid import outside_note

    assert outside_note(find_hourly_zone("DE-LU"), "aws:eu-central-1") == []
    assert outside_note(find_hourly_zone("BR-SP"), "BR-CS") == []
    # a Cambium region is only a part of the US: said for any region
    (note,) = outside_note(find_hourly_zone("CAMX"), "US-CA")
    assert "hourly zone CAMX is not a grid zone of US-CA" in note


@pytest.mark.parametrize(
    ("region", "listed"),
    [
        ("JP", "hourly zones in JP: JP-TK"),
        # Osaka is in Kansai's area (JP-KN), Montréal in Quebec (CA-QC): no hourly file
        ("aws:ap-northeast-3", "(JP-KN, JP) has an hourly file (hourly zones in JP: JP-TK)"),
        ("gcp:asia-northeast2", "(JP-KN, JP) has an hourly file (hourly zones in JP: JP-TK)"),
        ("aws:ca-central-1", "(CA-QC, CA) has an hourly file (hourly zones in CA: CA-ON)"),
        ("FR", "hourly zones are US-SW-AZPS"),
    ],
)
@pytest.mark.parametrize("command", ["hourly", "schedule"])
def test_no_hourly_data_is_one_line_naming_the_zones(command, region, listed):
    r = run(command, "-r", region, *_JOB[command], "--power", "1")
    assert r.exit_code == 2
    line = r.output.strip()
    assert "\n" not in line and "Traceback" not in line
    assert f"no hourly grid data for {region}" in line and listed in line
    assert "--grid-zone" in line


#: A 3-hour job from 09:00 local on 1 July 2023 (hourly), or the best 3 hours of that day
#: (schedule).
_JOB = {
    "hourly": ("--start", "2023-07-01T09:00", "--hours", "3"),
    "schedule": ("--hours", "3", "--from", "2023-07-01T00:00", "--within", "1 day"),
}


@pytest.mark.parametrize(
    ("region", "zone", "basis"),
    [
        # cloud_regions.csv: the metro's GeoNames admin1 area and the grid area it lies in
        ("aws:ap-northeast-1", "JP-TK", "Tokyo is in Tokyo Metropolis (GeoNames admin1 JP.40)"),
        ("gcp:asia-northeast1", "JP-TK", "TEPCO Power Grid's supply area"),
        ("azure:japaneast", "JP-TK", "TEPCO Power Grid's supply area"),
        ("aws:ap-southeast-2", "AU-NSW", "Sydney is in New South Wales (GeoNames admin1 AU.02)"),
        ("azure:australiacentral", "AU-NSW", "the ACT in New South Wales (AEMO)"),
        ("aws:ap-southeast-4", "AU-VIC", "Melbourne is in Victoria (GeoNames admin1 AU.07)"),
        ("oci:ap-melbourne-1", "AU-VIC", "Victoria region of Australia's National Electricity"),
        ("aws:ap-south-1", "IN-WE", "Mumbai is in Maharashtra (GeoNames admin1 IN.16)"),
        ("azure:centralindia", "IN-WE", "India's Western regional grid"),
        ("gcp:northamerica-northeast2", "CA-ON", "Toronto is in Ontario (GeoNames admin1 CA.08)"),
        ("azure:canadacentral", "CA-ON", "Canada's grids are provincial"),
        # Electricity Maps' hourly BR-SP series stands for grid zone BR-CS (Central Brazil)
        ("aws:sa-east-1", "BR-SP", "South-East/Centre-West subsystem of Brazil's"),
        ("oci:sa-vinhedo-1", "BR-SP", "Vinhedo is in São Paulo state (GeoNames admin1 BR.27)"),
        # Electricity Maps' hourly CL-SIC series stands for CL-SEN
        ("gcp:southamerica-west1", "CL-SIC", "Sistema Eléctrico Nacional"),
    ],
)
@pytest.mark.parametrize("command", ["hourly", "schedule"])
def test_a_metro_in_a_sub_national_zone_uses_its_hourly_series(command, region, zone, basis):
    out = run_json(command, "-r", region, *_JOB[command], "--power", "1000")
    assert out["inputs"]["hourly_zone"] == zone
    (note,) = [n for n in out["notes"] if n.startswith(f"hourly zone {zone} used for {region}:")]
    assert basis in note


def test_tokyo_hourly_and_annual_figures_are_tepco_areas():
    """aws:ap-northeast-1, 1 July 2023 09:00-12:00 JST (00:00-03:00 UTC), 1000 kW of IT at
    AWS's PUE 1.15: 1,150 kWh a hour. Hourly: electricitymaps-hourly-global/
    JP-TK_2023_hourly.csv, ci_lca_gco2eq_per_kwh of 2023-07-01 00:00, 01:00, 02:00 = 517.8,
    531.89, 519.61. Annual: electricitymaps-yearly/yearly_2023.json "JP-TK" 536 g/kWh (the
    Tokyo area's own yearly average, not Japan's)."""
    out = run_json("hourly", "-r", "aws:ap-northeast-1", *_JOB["hourly"], "--power", "1000")
    facility = out["results"]["facility_energy"]["value"]
    assert facility == pytest.approx(3 * 1000 * 1.15)
    assert out["results"]["co2e"]["value"] == pytest.approx(
        facility / 3 * (517.8 + 531.89 + 519.61) / 1000, rel=1e-9
    )
    assert out["factors"]["intensity"]["zone"] == "JP-TK"
    assert out["factors"]["intensity"]["value"] == 536
    assert out["results"]["co2e_annual"]["value"] == pytest.approx(facility * 0.536, rel=1e-9)


# --- years ------------------------------------------------------------------------------------


def test_a_missing_year_is_substituted_and_reported_or_refused():
    grid = hourly_grid("DE-LU", 2025)
    assert grid.year == 2024
    assert any(
        "no data for 2025; nearest year 2024 used (available: 2023-2024)" in n for n in grid.notes
    )
    with pytest.raises(MissingDataError, match=r"no data for 2025 \(available: 2023-2024\)"):
        hourly_grid("DE-LU", 2025, strict_year=True)
    # another series of the same grid zone has the year: the note names it
    grid = hourly_grid("CISO", 2023)
    assert grid.year == 2022
    assert "US-CAL-CISO-EM (2021, 2022, 2023)" in " ".join(grid.notes)
    r = run(
        "schedule",
        "--grid-zone",
        "CAMX",
        "--hours",
        "1",
        "--power",
        "1",
        "--from",
        "2030-07-01T00:00Z",
        "--within",
        "1 day",
        "--strict-year",
    )
    assert r.exit_code == 2 and "no data for 2030 (available: 2024)" in r.output


# --- marginal rates for decisions -------------------------------------------------------------


def test_schedule_marginal_uses_cambium_lrmer():
    """CAMX, 1 July 2024 (local standard time UTC-8): the 15-year LRMER of July's hours
    09-12 in cambium_LRMER_MidCase_15_kgco2e_per_mwh.csv (rows 4353-4356) are 8.2, 8.0,
    7.8 and 7.9 kg/MWh, the lowest four consecutive hours of the day."""
    out = run_json(
        "schedule",
        "--grid-zone",
        "CAMX",
        "--hours",
        "4",
        "--power",
        "1000",
        "--from",
        "2024-07-01T08:00Z",
        "--within",
        "1 day",
        "--marginal",
    )
    pue = out["factors"]["pue"]["value"]
    best = out["choices"]["best"]
    assert best["start_utc"] == "2024-07-01T17:00Z"  # 09:00 PST
    assert best["co2e_kg"] == pytest.approx((8.2 + 8.0 + 7.8 + 7.9) * 1000.0 * pue / 1000.0)
    assert out["inputs"]["hourly_rate"].startswith("marginal (long-run marginal")
    notes = " ".join(out["notes"])
    assert "marginal rates are for decisions" in notes and "average rates for inventories" in notes
    assert "projection" in notes
    # the average series ranks the hours differently (AER, not LRMER)
    avg = run_json(
        "schedule",
        "--grid-zone",
        "CAMX",
        "--hours",
        "4",
        "--power",
        "1000",
        "--from",
        "2024-07-01T08:00Z",
        "--within",
        "1 day",
    )
    assert avg["choices"]["best"]["co2e_kg"] > 5 * best["co2e_kg"]
    assert "hourly_rate" not in avg["inputs"]


def test_hourly_marginal_uses_cambium_lrmer():
    out = run_json(
        "hourly",
        "--grid-zone",
        "CAMX",
        "--start",
        "2024-07-01T17:00Z",
        "--hours",
        "4",
        "--power",
        "1000",
        "--marginal",
    )
    pue = out["factors"]["pue"]["value"]
    assert out["results"]["co2e"]["value"] == pytest.approx(31.9 * pue)
    assert "marginal" in out["factors"]["intensity_hourly"]["note"]


@pytest.mark.parametrize("command", ["schedule", "hourly"])
def test_marginal_without_a_marginal_series_is_one_line(command):
    timing = (
        ["--from", "2023-07-01T00:00Z", "--within", "1 day"]
        if command == "schedule"
        else ["--start", "2023-07-01T00:00Z"]
    )
    r = run(command, "-r", "GB", "--hours", "2", "--power", "1", *timing, "--marginal")
    assert r.exit_code == 2
    line = r.output.strip()
    assert "\n" not in line
    assert "hourly grid GB has no marginal rates" in line and "CAMX" in line and "SRVC" in line
