"""Checks on the tables built by ``scripts/datasets/subnational.py``.

zones_subnational, grid_intensity_subnational, generation_mix_subnational and the
share-alike Electricity Maps table: schema, provenance, licence separation, zone
consistency with ``zones.csv``, label uniqueness, coverage and values from the raw sources.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from footprint.catalogues.hardware import normalise_name
from footprint.data import schemas
from footprint.data.loader import datasets_dir, load_table

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
KINDS = {
    "us-state",
    "us-ba",
    "egrid-subregion",
    "ca-province",
    "bidding-zone",
    "grid-region",
    "country",
}
CONTINENTS = {"AFRICA", "ASIA", "EUROPE", "NORTH-AMERICA", "SOUTH-AMERICA", "OCEANIA"}
EM_TABLE = "share-alike/electricitymaps_yearly"


@pytest.fixture(scope="module")
def zones() -> pd.DataFrame:
    return load_table("zones")


@pytest.fixture(scope="module")
def sub() -> pd.DataFrame:
    return load_table("zones_subnational")


@pytest.fixture(scope="module")
def intensity() -> pd.DataFrame:
    return load_table("grid_intensity_subnational")


@pytest.fixture(scope="module")
def mix() -> pd.DataFrame:
    return load_table("generation_mix_subnational")


@pytest.fixture(scope="module")
def em() -> pd.DataFrame:
    return load_table(EM_TABLE)


def _value(table: pd.DataFrame, zone: str, year: int, column: str = "intensity_g_per_kwh"):
    row = table[(table.zone == zone) & (table.year == year)]
    assert len(row) == 1, f"no single row for {zone} {year}"
    return float(row[column].iloc[0])


def _aliases(text) -> list[str]:
    return [a for a in text.split(";") if a] if isinstance(text, str) else []


# --- schema, provenance, licences -------------------------------------------------------


def test_schemas(sub, intensity, mix, em):
    assert list(sub.columns) == list(load_table("zones").columns)
    assert list(intensity.columns) == list(load_table("grid_intensity").columns)
    assert list(mix.columns) == list(load_table("generation_mix").columns)
    assert list(em.columns) == [
        "zone",
        "year",
        "intensity_g_per_kwh",
        "renewable_share",
        "carbon_free_share",
        "basis",
        "dataset",
        "source",
    ]
    # the builder's columns are the ones footprint checks on load (footprint/data/schemas.py)
    tables = {"zones_subnational": sub, "grid_intensity_subnational": intensity}
    tables |= {"generation_mix_subnational": mix, EM_TABLE: em}
    for name, table in tables.items():
        assert list(schemas.SCHEMAS[f"{name}.csv"].names) == list(table.columns)


@pytest.mark.parametrize(
    "table",
    ["zones_subnational", "grid_intensity_subnational", "generation_mix_subnational", EM_TABLE],
)
def test_every_row_sourced(table):
    df = load_table(table)
    assert len(df) > 0
    assert df.source.notna().all() and (df.source.str.strip() != "").all()
    if "dataset" in df:
        assert df.dataset.notna().all() and (df.dataset.str.strip() != "").all()


def test_permissive_tables_carry_no_share_alike_values(intensity, mix):
    for df in (intensity, mix):
        assert not df.source.str.contains("ODbL|Electricity Maps|CC BY-SA", regex=True).any()
        assert df.source.str.contains(r"\b(?:MIT|public domain)\b", regex=True).all()


def test_share_alike_table_is_separate_and_noticed(em):
    assert EM_TABLE.startswith("share-alike/")
    assert em.source.str.contains("ODbL 1.0", regex=False).all()
    assert em.source.str.contains("Electricity Maps (electricitymaps.com)", regex=False).all()
    notice = (datasets_dir() / "share-alike" / "LICENSE-ODbL.md").read_text(encoding="utf-8")
    assert "Open Database License (ODbL) v1.0" in notice
    assert "Electricity Maps" in notice and "opendatacommons.org/licenses/odbl" in notice


# --- zones ------------------------------------------------------------------------------


def test_zone_codes_kinds_parents(zones, sub):
    assert sub.zone.is_unique
    assert not set(sub.zone) & set(zones.zone)
    assert set(sub.kind) == KINDS
    countries = set(zones.zone[zones.kind == "country"])
    regional = sub[sub.kind != "country"]
    assert regional.parent.isin(countries).all()
    assert regional.iso3.isna().all()
    # eGRID subregions keep eGRID's acronyms (CAMX), the ids of Cambium's hourly regions
    prefixed = regional[regional.kind != "egrid-subregion"]
    assert (prefixed.zone.str.split("-").str[0] == prefixed.parent).all()
    egrid = regional[regional.kind == "egrid-subregion"].set_index("zone").parent
    assert egrid.str.fullmatch("US|PR").all() and egrid["PRMS"] == "PR"
    extra = sub[sub.kind == "country"]
    assert extra.zone.str.fullmatch(r"[A-Z]{2}").all()
    assert extra.iso3.str.fullmatch(r"[A-Z]{3}").all() and extra.parent.isin(CONTINENTS).all()
    assert not set(extra.iso3) & set(zones.iso3.dropna())


def test_kinds_and_counts(sub):
    by_kind = sub.groupby("kind").zone.apply(set)
    states = by_kind["us-state"]
    assert len(states) == 51 and "US-DC" in states
    assert all(len(z) == 5 and z.startswith("US-") for z in states)
    assert by_kind["ca-province"] == {
        f"CA-{c}"
        for c in ["AB", "BC", "MB", "NB", "NL", "NS", "NT", "NU", "ON", "PE", "QC", "SK", "YT"]
    }
    nordic = {f"SE-SE{i}" for i in range(1, 5)} | {f"NO-NO{i}" for i in range(1, 6)}
    assert nordic | {"DK-DK1", "DK-DK2"} <= by_kind["bidding-zone"]
    assert {"US-CAL-CISO", "US-TEX-ERCO", "US-MIDA-PJM", "US-MIDW-MISO"} <= by_kind["us-ba"]
    assert len(by_kind["us-ba"]) >= 50


def test_no_label_collisions_across_zone_tables(zones, sub):
    """No code, name, ISO-3 or alias may name two zones once normalised."""
    owners: dict[str, set[str]] = {}
    for df in (zones, sub):
        for z in df.itertuples():
            iso3 = z.iso3 if isinstance(z.iso3, str) else ""
            for label in (z.zone, z.name, iso3, *_aliases(z.aliases)):
                if label:
                    owners.setdefault(normalise_name(label), set()).add(z.zone)
    clashes = {k: v for k, v in owners.items() if len(v) > 1}
    assert not clashes


def test_no_two_letter_aliases(sub):
    """Two-letter labels are ISO country codes (CA Canada, DE Germany, IN India)."""
    for z in sub[sub.kind != "country"].itertuples():
        for alias in _aliases(z.aliases):
            assert len(normalise_name(alias)) > 2, (z.zone, alias)


def _resolver(zones: pd.DataFrame, sub: pd.DataFrame) -> dict[str, str]:
    keys: dict[str, str] = {}
    for df in (zones, sub):
        for z in df.itertuples():
            iso3 = z.iso3 if isinstance(z.iso3, str) else ""
            for label in (z.zone, z.name, iso3, *_aliases(z.aliases)):
                if label:
                    keys.setdefault(normalise_name(label), z.zone)
    return keys


@pytest.mark.parametrize(
    ("label", "zone"),
    [
        ("US-VA", "US-VA"),
        ("us_va", "US-VA"),
        ("Virginia", "US-VA"),
        ("Virginia, USA", "US-VA"),
        ("California", "US-CA"),
        ("CA", "CA"),  # Canada, not California
        ("Georgia", "GE"),  # the country
        ("Georgia (US state)", "US-GA"),
        ("Georgia, US", "US-GA"),
        ("Washington State", "US-WA"),
        ("Washington DC", "US-DC"),
        ("CAISO", "US-CAL-CISO"),
        ("California ISO", "US-CAL-CISO"),
        ("ERCOT", "US-TEX-ERCO"),
        ("PJM", "US-MIDA-PJM"),
        ("Québec", "CA-QC"),
        ("quebec", "CA-QC"),
        ("SE3", "SE-SE3"),
        ("se-se3", "SE-SE3"),
        ("NO1", "NO-NO1"),
        ("DK1", "DK-DK1"),
        ("IT-North", "IT-NO"),
        ("BRN", "BN"),  # Brunei's ISO-3: hence Electricity Maps' BR-N is BR-NO here
        ("BR-NO", "BR-NO"),
        ("Curacao", "CW"),
    ],
)
def test_labels_resolve(zones, sub, label, zone):
    assert _resolver(zones, sub)[normalise_name(label)] == zone


# --- permissive intensity ---------------------------------------------------------------


def test_intensity_rows(intensity, sub, zones):
    assert not intensity.duplicated(["zone", "year"]).any()
    values = intensity.intensity_g_per_kwh
    assert ((values > 0) & (values < 1500)).all()
    assert set(intensity.basis) == {"lifecycle", "direct"}
    direct = intensity[intensity.basis == "direct"]
    assert set(direct.dataset) == {
        "egrid-2018-2021-comstock",
        "egrid-2023-codecarbon",
        "egrid-subregion-2018-2021-comstock",
    }
    assert set(intensity.zone) <= set(sub.zone)  # countries stay in grid_intensity.csv


def test_every_intensity_zone_is_a_zone(zones, sub, intensity, mix, em):
    known = set(zones.zone) | set(sub.zone)
    for table in (intensity, mix, em, load_table("grid_intensity"), load_table("generation_mix")):
        assert set(table.zone) <= known


def test_us_coverage(sub, intensity):
    us = set(sub.zone[sub.kind.isin(["us-state", "us-ba"])])
    assert len(us & set(intensity.zone)) >= 50
    states = set(sub.zone[sub.kind == "us-state"])
    assert states <= set(intensity.zone)


def test_cloud_region_grid_zones_have_intensity(zones, sub, intensity, em):
    regions = load_table("cloud_regions")
    national = load_table("grid_intensity")
    assert set(regions.grid_zone) <= set(zones.zone) | set(sub.zone)
    # each zone has its own intensity (a sub-national zone's may be Electricity Maps' only,
    # share-alike), and its country a permissive one for an install without share-alike
    assert set(regions.grid_zone) <= set(national.zone) | set(intensity.zone) | set(em.zone)
    assert set(regions.country) <= set(national.zone)


def test_us_state_egrid_co2e(intensity):
    # codecarbon-3.3.2-updates/usa_emissions_2023.json: "virginia" 539.599, "texas" 771.179
    # lbs/MWh (eGRID2023 STC2ERTA); egrid-nrel-comstock state file: VA 2018 742.844, TX 2021
    # 860.242 lb/MWh. 1 lb = 0.45359237 kg, and kg/MWh = g/kWh.
    assert _value(intensity, "US-VA", 2023) == pytest.approx(539.599 * 0.45359237, rel=1e-5)
    assert _value(intensity, "US-TX", 2023) == pytest.approx(771.179 * 0.45359237, rel=1e-5)
    assert _value(intensity, "US-VA", 2018) == pytest.approx(742.844 * 0.45359237, rel=1e-5)
    assert _value(intensity, "US-TX", 2021) == pytest.approx(860.242 * 0.45359237, rel=1e-5)
    assert set(intensity.year[intensity.zone == "US-VA"]) == {2018, 2019, 2020, 2021, 2023}


def test_nordic_zones(intensity):
    # codecarbon/nordic_emissions.json: SE3 and NO1 "emission_factor": 18.0, "year": 2024.
    assert _value(intensity, "SE-SE3", 2024) == 18.0
    assert _value(intensity, "NO-NO1", 2024) == 18.0
    nordic = intensity[intensity.dataset == "codecarbon-nordic-2026"]
    assert len(nordic) == 9 and "FI" not in set(nordic.zone)


def test_canada_from_mix_and_lifecycle_factors(intensity):
    # codecarbon/canada_energy_mix_2023.json "quebec" (%): naturalGas 0.2, petroleum 0.3,
    # biomass 0.7, solar 0.01, wind 6.7, hydro 92.1 (sum 100.01); factors (g/kWh) gas 490,
    # oil 650, bioenergy 230, solar 41, wind 11, hydro 24.
    quebec = (0.2 * 490 + 0.3 * 650 + 0.7 * 230 + 0.01 * 41 + 6.7 * 11 + 92.1 * 24) / 100.01
    assert _value(intensity, "CA-QC", 2023) == pytest.approx(quebec, rel=1e-5)
    # "nunavut": petroleum 99.8, solar 0.2 (sum 100.0)
    assert _value(intensity, "CA-NU", 2023) == pytest.approx(99.8 * 6.5 + 0.2 * 0.41, rel=1e-5)


def test_eia930_close_to_hpe_hourly_mean(intensity):
    # eia930-hourly-us-ba/SOURCE.md: annual mean of hourly avg_CI, CISO 256, ERCO 347,
    # PJM 363 g/kWh. Ours is generation-weighted (the annual ratio), so close, not equal.
    for zone, hourly_mean in [("US-CAL-CISO", 256), ("US-TEX-ERCO", 347), ("US-MIDA-PJM", 363)]:
        assert _value(intensity, zone, 2022) == pytest.approx(hourly_mean, rel=0.03)


# --- generation mix ---------------------------------------------------------------------


def test_mix_rows(mix, intensity):
    assert not mix.duplicated(["zone", "year"]).any()
    shares = mix[SHARES]
    assert ((shares >= 0) & (shares <= 1)).all().all()
    assert np.allclose(shares.sum(axis=1), 1.0, atol=1e-9)
    blank = mix.generation_twh.isna()
    assert set(mix.dataset[blank]) == {"codecarbon-canada-2023"}
    assert (mix.generation_twh[~blank] > 0).all()
    # each mix row has the intensity derived from it (same zone-year)
    assert set(zip(mix.zone, mix.year, strict=True)) <= set(
        zip(intensity.zone, intensity.year, strict=True)
    )


def test_mix_values(mix):
    # canada_energy_mix_2023.json "ontario": nuclear 50.1 of total 100.1 %
    assert _value(mix, "CA-ON", 2023, "nuclear_share") == pytest.approx(50.1 / 100.1, rel=1e-6)
    # CISO 2022: sum of hourly MWh over complete hours = 171.94 TWh, gas 82.77 TWh
    assert _value(mix, "US-CAL-CISO", 2022, "generation_twh") == pytest.approx(171.94, abs=0.01)
    assert _value(mix, "US-CAL-CISO", 2022, "gas_share") == pytest.approx(82.77 / 171.94, abs=1e-3)


def test_mix_reproduces_derived_intensity(mix, intensity):
    factors = {"coal": 820, "gas": 490, "oil": 650, "nuclear": 12, "hydro": 24, "wind": 11}
    factors |= {"solar": 41, "bioenergy": 230, "other_renewables": 38}
    for row in mix.itertuples():
        derived = sum(getattr(row, f"{t}_share") * f for t, f in factors.items())
        assert _value(intensity, row.zone, row.year) == pytest.approx(derived, rel=1e-5)


# --- Electricity Maps (share-alike) -----------------------------------------------------


def test_electricitymaps_rows(em):
    assert not em.duplicated(["zone", "year"]).any()
    assert set(em.year) == {2021, 2022, 2023, 2024, 2025}
    assert em.zone.nunique() == 352
    assert (em.groupby("zone").year.nunique() == 5).all()
    assert ((em.intensity_g_per_kwh > 0) & (em.intensity_g_per_kwh < 1500)).all()
    for col in ("renewable_share", "carbon_free_share"):
        assert em[col].between(0, 1).all()
    assert (em.carbon_free_share >= em.renewable_share).all()
    assert (em.basis == "lifecycle").all()


def test_electricitymaps_values(em):
    # electricitymaps-yearly/yearly_2023.json "DE": carbonIntensity 379, renewableEnergy 57 %,
    # carbonFreeEnergy 62 %; yearly_2024.json "US-CAL-CISO": 229, 50 %, 62 %;
    # yearly_2024.json "BR-N": 133 (zone renamed BR-NO).
    assert _value(em, "DE", 2023) == 379
    assert _value(em, "DE", 2023, "renewable_share") == pytest.approx(0.57)
    assert _value(em, "DE", 2023, "carbon_free_share") == pytest.approx(0.62)
    assert _value(em, "US-CAL-CISO", 2024) == 229
    assert _value(em, "US-CAL-CISO", 2024, "carbon_free_share") == pytest.approx(0.62)
    assert _value(em, "BR-NO", 2024) == 133
    assert "BR-N" not in set(em.zone)


def test_electricitymaps_us_and_subzones(em, sub):
    us = set(sub.zone[sub.kind.isin(["us-state", "us-ba"])])
    assert len(us & set(em.zone)) >= 50
    subzones = {z for z in em.zone if "-" in z}
    assert subzones <= set(sub.zone)
    assert not math.isnan(_value(em, "SE-SE3", 2025))


def test_egrid_state_co2e_rates(intensity):
    """eGRID state CO2e output rates (STC2ERTA), lb/MWh x 0.45359237: AK 2018 911.985 lb/MWh
    (NREL ComStock's copy of eGRID2018) and CA 2023 (CodeCarbon 3.3.2's copy of eGRID2023)."""
    rows = intensity.set_index(["zone", "year"])
    assert rows.loc[("US-AK", 2018), "intensity_g_per_kwh"] == pytest.approx(
        911.985 * 0.45359237, abs=1e-3
    )
    ca = rows.loc[("US-CA", 2023)]
    assert ca.basis == "direct" and "CO2e" in ca.source and "eGRID2023" in ca.source
    assert len(intensity[intensity.dataset == "egrid-2023-codecarbon"]) == 51
