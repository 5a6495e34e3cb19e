"""US EPA eGRID subregions as annual grid zones (issue 18): CAMX, ERCT, RFCW... under eGRID's
acronyms, 2018-2021, combustion-only CO2e; the same acronyms as NREL Cambium's hourly
regions, whose hourly series they keep.

Raw values: ``../shared/sources/egrid-nrel-comstock/egrid_subregion_co2e_lb_per_mwh_2018_2021.csv``
(lb CO2e/MWh, eGRID SRC2ERTA; columns 2018, 2019, 2020, 2021), cited by line below;
1 lb = 0.45359237 kg and kg/MWh = g/kWh.
"""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from footprint.analyses.uncertainty import _subzone_values
from footprint.cli import cli
from footprint.data.loader import load_table
from footprint.places.grid import all_zones, intensity_series
from footprint.places.regions import resolve_region

KG_PER_LB = 0.45359237
#: line 6: CAMX,498.686,455.251,515.483,533.606
CAMX_2021_LB = 533.606
#: line 17: NYUP,...,234.026 (the lowest 2021 rate); line 10: HIOA,...,1645.500 (the highest)
NYUP_2021_LB, HIOA_2021_LB = 234.026, 1645.500
SUBREGIONS = {
    "AKGD", "AKMS", "AZNM", "CAMX", "ERCT", "FRCC", "HIMS", "HIOA", "MROE", "MROW", "NEWE",
    "NWPP", "NYCW", "NYLI", "NYUP", "PRMS", "RFCE", "RFCM", "RFCW", "RMPA", "SPNO", "SPSO",
    "SRMV", "SRMW", "SRSO", "SRTV", "SRVC",
}  # fmt: skip


def run_json(*args: str) -> dict:
    r = CliRunner().invoke(cli, [*args, "--format", "json"])
    assert r.exit_code == 0, r.output
    return json.loads(r.output)


def estimate(region: str, *year: str) -> dict:
    args = ["estimate", "-a", "H100-SXM", "--gpu-hours", "1000", "-r", region]
    return run_json(*args, *(["--year", *year] if year else []))


def test_estimate_camx_2021_is_egrid_2021_in_g_per_kwh():
    out = estimate("CAMX", "2021")
    f = out["factors"]["intensity"]
    assert (f["zone"], f["year"], f["basis"]) == ("CAMX", 2021, "direct")
    assert f["value"] == pytest.approx(CAMX_2021_LB * KG_PER_LB, abs=5e-4)  # 242.040 g/kWh
    assert f["dataset"] == "grid_intensity_subnational.csv:egrid-subregion-2018-2021-comstock"
    assert "SRC2ERTA" in f["source"] and "combustion-only" in f["source"]
    assert "raw 'CAMX': 533.606 lb/MWh" in f["source"]
    assert not f.get("note")  # the year asked, the zone asked: nothing substituted
    # the engine's chain: CO2e = facility energy x intensity
    energy = out["results"]["facility_energy"]
    assert energy["unit"] == "kWh"
    co2e = out["results"]["co2e"]
    assert co2e["unit"] == "kgCO2e"
    assert co2e["value"] == pytest.approx(energy["value"] * f["value"] / 1000, rel=1e-6)


def test_a_later_year_takes_the_nearest_with_a_note():
    f = estimate("CAMX", "2023")["factors"]["intensity"]
    assert (f["zone"], f["year"]) == ("CAMX", 2021)
    assert f["value"] == pytest.approx(CAMX_2021_LB * KG_PER_LB, abs=5e-4)
    assert "no data for 2023; nearest year 2021 used (available: 2018-2021)" in f["note"]
    # more than two years beyond eGRID2021: the country's exact year, said so
    f = estimate("CAMX", "2024")["factors"]["intensity"]
    assert (f["zone"], f["year"]) == ("US", 2024) and "no 2024 data for CAMX; US used" in f["note"]
    # no year: the subregion's newest
    f = estimate("CAMX")["factors"]["intensity"]
    assert (f["zone"], f["year"]) == ("CAMX", 2021) and "newest year 2021" in f["note"]


@pytest.mark.parametrize(
    ("label", "code"),
    [
        ("CAMX", "CAMX"),
        ("camx", "CAMX"),
        ("WECC California", "CAMX"),
        ("wecc-california", "CAMX"),
        ("eGRID CAMX", "CAMX"),
        ("ERCOT All", "ERCT"),
        ("NPCC NYC/Westchester", "NYCW"),
        ("RFCW", "RFCW"),
        # the balancing authorities and states are untouched by the subregions' labels
        ("ERCOT", "US-TEX-ERCO"),
        ("California", "US-CA"),
        ("CA", "CA"),
    ],
)
def test_names_and_codes_resolve(label, code):
    loc = resolve_region(label)
    assert loc.id == code
    if code in SUBREGIONS:
        assert loc.kind == "egrid-subregion" and loc.country == "US"
        assert loc.zones() == [code, "US"]


def test_every_subregion_is_a_zone_with_2018_2021():
    zones = {z.code: z for z in all_zones().values() if z.kind == "egrid-subregion"}
    assert set(zones) == SUBREGIONS  # 27: the file's rows minus US and NYST
    assert {z.parent for c, z in zones.items() if c != "PRMS"} == {"US"}
    assert zones["PRMS"].parent == "PR"  # Puerto Rico is a country of zones.csv (OWID)
    for code in SUBREGIONS - {"PRMS"}:
        assert sorted(intensity_series(code)) == [2018, 2019, 2020, 2021], code
    # line 19: PRMS,1543.34,1543.34,... ComStock's README: PRMS 2018 repeats 2019: not shipped
    assert sorted(intensity_series("PRMS")) == [2019, 2020, 2021]


def test_prms_2018_is_substituted_by_footprint_not_by_the_file():
    out = estimate("PRMS", "2018")
    f = out["factors"]["intensity"]
    assert (f["zone"], f["year"]) == ("PRMS", 2019)
    assert f["value"] == pytest.approx(1543.34 * KG_PER_LB, abs=5e-4)
    assert "nearest year 2019" in f["note"]
    assert out["factors"]["ewif"]["zone"] == "PR"  # its parent's mix: Puerto Rico's


def test_nyst_and_the_us_row_are_not_subregions():
    # line 18: NYST,418.683,378.247,416.695,457.021 equals the state file's line 36 (NY):
    # New York State (Cambium's GEA region), not an eGRID subregion; line 2 (US) is the
    # national rate, and the US country series stays OWID/Ember's
    table = load_table("grid_intensity_subnational")
    assert not {"NYST", "US"} & set(table.zone)
    ny = table[(table.zone == "US-NY") & (table.year == 2021)].intensity_g_per_kwh.iloc[0]
    assert ny == pytest.approx(457.021 * KG_PER_LB, abs=5e-4)
    assert "NYST" not in all_zones()


def test_compare_kind_lists_every_subregion():
    out = run_json(
        "compare", "-a", "H100-SXM", "--gpu-hours", "1000", "--kind", "egrid-subregion",
        "--year", "2021",
    )  # fmt: skip
    rows = out["rows"]
    assert {r["region"] for r in rows} == SUBREGIONS and len(rows) == 27
    assert {r["kind"] for r in rows} == {"egrid-subregion"}
    by_region = {r["region"]: r for r in rows}
    assert by_region["NYUP"]["rank"] == 1 and by_region["HIOA"]["rank"] == 27
    assert by_region["NYUP"]["intensity"]["value"] == pytest.approx(
        NYUP_2021_LB * KG_PER_LB, abs=5e-4
    )
    assert by_region["HIOA"]["intensity"]["value"] == pytest.approx(
        HIOA_2021_LB * KG_PER_LB, abs=5e-4
    )
    assert by_region["PRMS"]["country"] == "PR"
    assert {r["intensity_dataset"] for r in rows} == {"egrid-subregion-2018-2021-comstock"}


def test_water_uses_the_parent_zones_mix_with_a_note():
    out = estimate("CAMX", "2021")
    ewif = out["factors"]["ewif"]
    assert ewif["zone"] == "US"
    assert "no generation mix for CAMX; EWIF of parent zone US used" in ewif["note"]
    us = estimate("US", "2021")["factors"]["ewif"]
    assert ewif["value"] == pytest.approx(us["value"], rel=1e-12)


def test_hourly_camx_keeps_cambium():
    """``-r CAMX`` and ``--grid-zone CAMX`` take Cambium's hourly CAMX series; its annual
    comparison factors are eGRID's (2024: two years past eGRID2021, so the US's, noted).
    cambium-nrel-comstock/cambium_AER_MidCase_1_kgco2e_per_mwh.csv, hour_of_year 4345 and
    4346 (1 July 01:00-02:00 PST = 09:00-11:00 UTC), column CAMX: 254.4 and 254.7."""
    base = ["hourly", "--start", "2024-07-01T09:00Z", "--hours", "2", "--power", "1000W"]
    for where in (["-r", "CAMX"], ["--grid-zone", "CAMX"]):
        out = run_json(*base, *where)
        assert out["inputs"]["hourly_zone"] == "CAMX"
        hourly = out["factors"]["intensity_hourly"]
        assert hourly["dataset"] == "hourly/cambium/CAMX_2024.csv.gz:cambium-2022-midcase"
        assert hourly["value"] == pytest.approx((254.4 + 254.7) / 2, abs=1e-9)
        assert "no 2024 data for CAMX; US used" in out["factors"]["intensity"]["note"]
        assert not any("is a part of it" in n for n in out["notes"])
    # NYST stays a part of the US, reached by name only
    out = run_json(*base, "--grid-zone", "NYST")
    assert any("use US's factors (hourly zone NYST is a part of it)" in n for n in out["notes"])


def test_uncertainty_within_us_counts_states_not_subregions():
    # the subregions cover the same plants as the states: the US spread of 2021 is the 51
    # states' (and DC's), not 78 zones
    assert len(_subzone_values()["US"][2021]) == 51
