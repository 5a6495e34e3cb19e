"""Checks on the grid tables built by ``scripts/datasets/grid.py``.

zones, grid_intensity, generation_mix and water_factors: schema, provenance, coverage,
internal consistency and a few known values from the sources.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from footprint.data import schemas
from footprint.data.loader import load_table

TECHNOLOGIES = [
    "coal",
    "gas",
    "oil",
    "nuclear",
    "hydro",
    "wind",
    "solar",
    "bioenergy",
    "other_renewables",
]
SHARES = [f"{t}_share" for t in TECHNOLOGIES]
CONTINENTS = ["AFRICA", "ASIA", "EUROPE", "NORTH-AMERICA", "SOUTH-AMERICA", "OCEANIA"]


@pytest.fixture(scope="module")
def zones() -> pd.DataFrame:
    return load_table("zones")


@pytest.fixture(scope="module")
def intensity() -> pd.DataFrame:
    return load_table("grid_intensity")


@pytest.fixture(scope="module")
def mix() -> pd.DataFrame:
    return load_table("generation_mix")


@pytest.fixture(scope="module")
def water() -> pd.DataFrame:
    return load_table("water_factors")


def _value(intensity: pd.DataFrame, zone: str, year: int) -> float:
    row = intensity[(intensity.zone == zone) & (intensity.year == year)]
    assert len(row) == 1, f"no single intensity row for {zone} {year}"
    return float(row.intensity_g_per_kwh.iloc[0])


# --- schema and provenance ------------------------------------------------------------


def test_schemas(zones, intensity, mix, water):
    assert list(zones.columns) == ["zone", "name", "kind", "iso3", "parent", "aliases", "source"]
    assert list(intensity.columns) == [
        "zone",
        "year",
        "intensity_g_per_kwh",
        "basis",
        "dataset",
        "source",
    ]
    assert list(mix.columns) == ["zone", "year", "generation_twh", *SHARES, "dataset", "source"]
    assert list(water.columns) == [
        "technology",
        "consumption_l_per_kwh",
        "consumption_low_l_per_kwh",
        "consumption_high_l_per_kwh",
        "withdrawal_l_per_kwh",
        "derivation",
        "source",
    ]
    # the builder's columns are the ones footprint checks on load (footprint/data/schemas.py)
    for name, table in [("zones", zones), ("grid_intensity", intensity)]:
        assert list(schemas.SCHEMAS[f"{name}.csv"].names) == list(table.columns)
    for name, table in [("generation_mix", mix), ("water_factors", water)]:
        assert list(schemas.SCHEMAS[f"{name}.csv"].names) == list(table.columns)


@pytest.mark.parametrize("table", ["zones", "grid_intensity", "generation_mix", "water_factors"])
def test_every_row_sourced(table):
    df = load_table(table)
    assert len(df) > 0
    assert df.source.notna().all() and (df.source.str.strip() != "").all()
    if "dataset" in df:
        assert df.dataset.notna().all()


def test_only_permissive_sources(intensity, mix, water):
    for df in (intensity, mix):
        assert df.source.str.contains("CC BY 4.0", regex=False).all()
        assert df.source.str.contains("Our World in Data", regex=False).all()
    assert water.source.str.contains("MIT", regex=False).all()
    assert water.source.str.contains("Macknick", regex=False).all()


# --- zones ------------------------------------------------------------------------------


def test_zone_codes_and_kinds(zones):
    assert zones.zone.is_unique
    assert set(zones.kind) == {"country", "aggregate"}
    countries = zones[zones.kind == "country"]
    aggregates = zones[zones.kind == "aggregate"]
    assert countries.zone.str.fullmatch(r"[A-Z]{2}").all()
    assert countries.iso3.str.fullmatch(r"[A-Z]{3}").all()
    assert countries.iso3.is_unique
    assert countries.parent.isin(CONTINENTS).all()
    assert aggregates.zone.str.fullmatch(r"[A-Z0-9]+(-[A-Z0-9]+)*").all()
    assert aggregates.iso3.isna().all() and aggregates.parent.isna().all()
    assert not aggregates.name.str.contains(r"\((?:Ember|EI)\)").any()


def test_namibia_in_all_tables(zones, intensity, mix):
    assert zones.set_index("zone").at["NA", "iso3"] == "NAM"
    assert (intensity.zone == "NA").sum() >= 20
    assert (mix.zone == "NA").sum() >= 20


def test_namibia_code_survives_load_table():
    assert "NA" in set(load_table("zones").zone)


def test_required_aggregates_present(zones):
    aggregates = set(zones.zone[zones.kind == "aggregate"])
    assert {"WORLD", "EU", *CONTINENTS} <= aggregates
    assert {"OECD", "G20", "G7", "ASEAN", "MIDDLE-EAST", "HIGH-INCOME-COUNTRIES"} <= aggregates


@pytest.mark.parametrize(
    ("zone", "iso3", "name", "parent"),
    [
        ("FR", "FRA", "France", "EUROPE"),
        ("US", "USA", "United States", "NORTH-AMERICA"),
        ("XK", "XKX", "Kosovo", "EUROPE"),
        ("BR", "BRA", "Brazil", "SOUTH-AMERICA"),
        ("AU", "AUS", "Australia", "OCEANIA"),
        ("ZA", "ZAF", "South Africa", "AFRICA"),
        ("JP", "JPN", "Japan", "ASIA"),
    ],
)
def test_known_countries(zones, zone, iso3, name, parent):
    row = zones.set_index("zone").loc[zone]
    assert (row.kind, row.iso3, row["name"], row.parent) == ("country", iso3, name, parent)


def _alias_sets(zones: pd.DataFrame) -> dict[str, list[str]]:
    return {
        z: [a for a in (al.split(";") if isinstance(al, str) else []) if a]
        for z, al in zip(zones.zone, zones.aliases, strict=True)
    }


def test_aliases_unique_case_insensitively(zones):
    owner: dict[str, str] = {}
    for zone, aliases in _alias_sets(zones).items():
        assert len({a.casefold() for a in aliases}) == len(aliases), zone
        for alias in aliases:
            key = alias.casefold()
            assert owner.setdefault(key, zone) == zone, f"{alias!r}: {owner[key]} and {zone}"
    # nor may an alias be another zone's code or name
    for zone, name in zip(zones.zone, zones.name, strict=True):
        for key in {zone.casefold(), name.casefold()}:
            assert owner.get(key, zone) == zone, f"{key!r} is {zone} and an alias of {owner[key]}"


@pytest.mark.parametrize(
    ("zone", "expected"),
    [
        ("GB", {"UK", "Great Britain", "Britain", "GBR"}),
        ("US", {"USA", "United States of America", "America"}),
        ("CZ", {"Czech Republic", "CZE"}),
        ("KR", {"Korea, Republic of", "Korea", "KOR"}),
        ("RU", {"Russian Federation", "RUS"}),
        ("TR", {"Türkiye", "TUR"}),
        ("EU", {"European Union", "EU-27"}),
    ],
)
def test_common_aliases(zones, zone, expected):
    assert expected <= set(_alias_sets(zones)[zone])


# --- grid intensity ---------------------------------------------------------------------


def test_intensity_rows(intensity):
    assert not intensity.duplicated(["zone", "year"]).any()
    values = intensity.intensity_g_per_kwh
    assert ((values > 0) & (values < 1500)).all()
    assert (intensity.basis == "lifecycle").all()
    assert intensity.year.min() == 2000 and intensity.year.max() == 2024
    assert set(intensity.dataset) <= {"owid-ember-2025", "owid-bp-ember-2022"}


def test_intensity_coverage(zones, intensity):
    countries = set(zones.zone[zones.kind == "country"])
    with_intensity = countries & set(intensity.zone)
    assert len(with_intensity) >= 200
    for zone in ["WORLD", "EU", *CONTINENTS]:
        assert zone in set(intensity.zone), zone
    # the primary export has every year 2000-2024 for the world and Ember's regions
    assert set(intensity.year[intensity.zone == "WORLD"]) == set(range(2000, 2025))
    assert set(intensity.year[intensity.zone == "EU"]) == set(range(2000, 2025))


def test_tables_reference_known_zones(zones, intensity, mix):
    known = set(zones.zone)
    assert set(intensity.zone) <= known
    assert set(mix.zone) <= known
    # and every zone has data in at least one of the two tables
    assert known == set(intensity.zone) | set(mix.zone)


def test_known_intensities(intensity):
    # Values of the OWID grapher export 'carbon-intensity-electricity' (Ember data), copied
    # in ../shared/sources/owid-grapher-electricity/: France 2022 78.6, Poland 2022 733.0,
    # World 2023 484.4 gCO2e/kWh.
    assert _value(intensity, "FR", 2022) < 100
    assert 78.0 < _value(intensity, "FR", 2022) < 79.2
    assert _value(intensity, "PL", 2022) > 600
    assert 732.5 < _value(intensity, "PL", 2022) < 733.5
    world_2023 = _value(intensity, "WORLD", 2023)
    assert 440 < world_2023 < 500
    assert 484.0 < world_2023 < 484.8
    # a pure-hydro grid is not zero on a lifecycle basis (Paraguay ~24-25 g/kWh)
    assert 20 < _value(intensity, "PY", 2020) < 30


# --- generation mix ---------------------------------------------------------------------


def test_mix_rows(mix):
    assert not mix.duplicated(["zone", "year"]).any()
    assert (mix.generation_twh > 0).all()
    shares = mix[SHARES]
    assert shares.notna().all().all()
    assert ((shares >= 0) & (shares <= 1)).all().all()
    np.testing.assert_allclose(shares.sum(axis=1), 1.0, atol=1e-6)
    assert mix.year.min() == 2000
    assert set(mix.dataset) <= {"owid-ember-ei-2023", "owid-bp-ember-2022"}


def test_mix_known_values(mix):
    # France: nuclear is the largest source every year (OWID stacked export, Ember data)
    fr = mix[mix.zone == "FR"].set_index("year")
    assert (fr.nuclear_share > 0.6).all()
    world = mix[(mix.zone == "WORLD") & (mix.year == 2022)].iloc[0]
    assert 28_000 < world.generation_twh < 30_000
    assert 0.3 < world.coal_share < 0.4


def test_mix_covers_countries(zones, mix):
    countries = set(zones.zone[zones.kind == "country"])
    assert len(countries & set(mix.zone)) >= 200


# --- water factors ----------------------------------------------------------------------


def test_water_factors(water):
    assert list(water.technology) == TECHNOLOGIES
    w = water.set_index("technology")
    cols = [
        "consumption_l_per_kwh",
        "consumption_low_l_per_kwh",
        "consumption_high_l_per_kwh",
        "withdrawal_l_per_kwh",
    ]
    assert (w[cols] >= 0).all().all()
    assert (w.consumption_low_l_per_kwh <= w.consumption_l_per_kwh).all()
    assert (w.consumption_l_per_kwh <= w.consumption_high_l_per_kwh).all()
    assert w.derivation.str.len().gt(20).all()
    # GCAM/Macknick values: hydro evaporation 17 m3/MWh (contested), PV 0.02, wind 0
    assert w.at["hydro", "consumption_l_per_kwh"] == pytest.approx(17.0)
    assert "contested" in w.at["hydro", "derivation"].lower()
    assert w.at["wind", "consumption_l_per_kwh"] == 0
    assert w.at["solar", "consumption_l_per_kwh"] == pytest.approx(0.02)
    assert "CSP" in w.at["solar", "derivation"]
    assert "geothermal" in w.at["other_renewables", "derivation"]
    # mean of wet-cooled fresh-water rows for conventional pulverised coal: 2.06/0.95/2.6
    assert w.at["coal", "consumption_l_per_kwh"] == pytest.approx((2.06 + 0.95 + 2.6) / 3)
    # thermal plants withdraw far more than they consume (once-through cooling)
    for tech in ["coal", "gas", "oil", "nuclear", "bioenergy"]:
        assert w.at[tech, "withdrawal_l_per_kwh"] > w.at[tech, "consumption_l_per_kwh"]


def test_water_technologies_match_mix_columns(water, mix):
    assert [f"{t}_share" for t in water.technology] == [
        c for c in mix.columns if c.endswith("_share")
    ]
