"""Curated facility tables: datacenters, cloud_regions, cloud_region_factors.

Built by ``scripts/datasets/facilities.py`` (``python scripts/build_datasets.py --only
facilities``); these tests read the shipped CSVs through ``footprint.data.loader.load_table``.
"""

from __future__ import annotations

import pandas as pd
import pytest

from footprint.data import schemas
from footprint.data.loader import available_tables, load_table

DATACENTER_COLUMNS = [
    "operator",
    "year",
    "pue",
    "pue_low",
    "pue_high",
    "wue_l_per_kwh",
    "wue_low_l_per_kwh",
    "wue_high_l_per_kwh",
    "scope",
    "source",
    "source_url",
    "notes",
]
REGION_COLUMNS = [
    "region",
    "provider",
    "code",
    "display_name",
    "city",
    "country",
    "grid_zone",
    "balancing_authority",
    "latitude",
    "longitude",
    "operator",
    "location_level",
    "source",
    "source_url",
    "retrieved",
    "notes",
]
FACTOR_COLUMNS = [
    "region",
    "year",
    "intensity_g_per_kwh",
    "cfe_share",
    "dataset",
    "source",
    "source_url",
]


@pytest.fixture(scope="module")
def datacenters() -> pd.DataFrame:
    return load_table("datacenters")


@pytest.fixture(scope="module")
def regions() -> pd.DataFrame:
    return load_table("cloud_regions")


@pytest.fixture(scope="module")
def factors() -> pd.DataFrame:
    return load_table("cloud_region_factors")


# --- schemas and sourcing -------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "columns"),
    [
        ("datacenters", DATACENTER_COLUMNS),
        ("cloud_regions", REGION_COLUMNS),
        ("cloud_region_factors", FACTOR_COLUMNS),
    ],
)
def test_exact_schema(name: str, columns: list[str]) -> None:
    assert list(load_table(name).columns) == columns
    # the builder's columns are the ones footprint checks on load (footprint/data/schemas.py)
    assert list(schemas.SCHEMAS[f"{name}.csv"].names) == columns


@pytest.mark.parametrize("name", ["datacenters", "cloud_regions", "cloud_region_factors"])
def test_every_row_sourced(name: str) -> None:
    df = load_table(name)
    assert len(df) > 0
    assert df["source"].notna().all()
    assert (df["source"].str.strip() != "").all()
    if "source_url" in df:
        urls = df["source_url"].dropna()
        assert urls.str.match(r"^https?://").all()
        if name != "cloud_regions":  # there, only the rows of published region lists have one
            assert len(urls) == len(df)


# --- datacenters ------------------------------------------------------------------------


def test_pue_range(datacenters: pd.DataFrame) -> None:
    for col in ("pue", "pue_low", "pue_high"):
        assert datacenters[col].notna().all()
        assert datacenters[col].between(1.0, 3.0).all(), col
    assert (datacenters.pue_low <= datacenters.pue).all()
    assert (datacenters.pue <= datacenters.pue_high).all()


def test_wue_range(datacenters: pd.DataFrame) -> None:
    wue = datacenters[["wue_l_per_kwh", "wue_low_l_per_kwh", "wue_high_l_per_kwh"]]
    # A row either gives no WUE at all, or a central value with its low/high.
    assert (wue.isna().all(axis=1) | wue.notna().all(axis=1)).all()
    given = wue.dropna()
    assert given.stack().between(0.0, 10.0).all()
    assert (given.wue_low_l_per_kwh <= given.wue_l_per_kwh).all()
    assert (given.wue_l_per_kwh <= given.wue_high_l_per_kwh).all()


def test_operator_year_unique_and_ids_lowercase(datacenters: pd.DataFrame) -> None:
    assert not datacenters.duplicated(["operator", "year"]).any()
    assert datacenters.operator.str.match(r"^[a-z][a-z0-9-]*$").all()
    assert datacenters.year.between(2010, 2030).all()


def test_industry_average_default(datacenters: pd.DataFrame) -> None:
    avg = datacenters[datacenters.operator == "industry-average"]
    assert len(avg) >= 1
    newest = avg.loc[avg.year.idxmax()]
    # Uptime Institute Global Data Center Survey 2024: average PUE 1.56
    # (green-algorithms/defaults_PUE.csv, row "Unknown").
    assert newest.year == 2024
    assert newest.pue == pytest.approx(1.56)
    # The default must carry a WUE (Shehabi et al. 2016, LBNL: 1.8 L/kWh).
    assert newest.wue_l_per_kwh == pytest.approx(1.8)


def test_hyperscalers_present(datacenters: pd.DataFrame) -> None:
    assert {"google", "microsoft", "aws", "meta"} <= set(datacenters.operator)
    # Google 2024 Environmental Report: fleet average annual PUE 1.10 in 2023.
    google = datacenters.set_index(["operator", "year"]).loc[("google", 2023)]
    assert google.pue == pytest.approx(1.10)


# --- cloud_regions ----------------------------------------------------------------------


def test_region_counts(regions: pd.DataFrame) -> None:
    assert len(regions) >= 100
    counts = regions.provider.value_counts()
    for provider in ("aws", "gcp", "azure", "oci"):
        assert counts.get(provider, 0) >= 20, provider
    for provider in ("coreweave", "lambda"):
        assert counts.get(provider, 0) >= 10, provider


def test_region_ids(regions: pd.DataFrame) -> None:
    assert regions.region.is_unique
    assert regions.region.str.match(r"^(aws|gcp|azure|oci|coreweave|lambda):[a-z0-9-]+$").all()
    assert (regions.region == regions.provider + ":" + regions.code).all()


def test_region_coordinates(regions: pd.DataFrame) -> None:
    # every region located to a city in GeoNames has coordinates; none below city level
    geonames = regions.notes.str.contains("coordinates: GeoNames", regex=False)
    assert regions.loc[geonames, ["latitude", "longitude"]].notna().all().all()
    assert regions.loc[~geonames, ["latitude", "longitude"]].isna().all().all()
    assert (regions.loc[regions.location_level != "city", "city"].isna()).all()
    assert regions.latitude.dropna().between(-90, 90).all()
    assert regions.longitude.dropna().between(-180, 180).all()


def test_region_zones_and_operators(regions: pd.DataFrame, datacenters: pd.DataFrame) -> None:
    assert regions.country.str.match(r"^[A-Z]{2}$").all()
    # the country itself, or one of its sub-national zones (zones_subnational.csv)
    sub = load_table("zones_subnational").set_index("zone").parent
    parent = regions.grid_zone.map(sub).fillna(regions.grid_zone)
    assert (parent == regions.country).all()
    # US regions resolve to a state, Canadian ones to a province.
    assert regions.loc[regions.country == "US", "grid_zone"].str.match(r"^US-[A-Z]{2}$").all()
    assert regions.loc[regions.country == "CA", "grid_zone"].str.match(r"^CA-[A-Z]{2}$").all()
    # CoreWeave and Lambda publish no fleet PUE: no operator (facility-class defaults)
    expected = {"aws": "aws", "azure": "microsoft", "gcp": "google", "oci": "oracle"}
    operators = regions.operator.fillna("")
    assert (operators == regions.provider.map(expected).fillna("")).all()
    assert set(operators) - {""} <= set(datacenters.operator)


def test_known_regions(regions: pd.DataFrame) -> None:
    r = regions.set_index("region")
    assert r.loc["aws:us-east-1", "grid_zone"] == "US-VA"
    assert r.loc["aws:us-east-1", "display_name"] == "US East (N. Virginia)"
    assert r.loc["gcp:us-central1", "grid_zone"] == "US-IA"
    assert r.loc["gcp:northamerica-northeast1", "grid_zone"] == "CA-QC"
    assert r.loc["aws:eu-north-1", "grid_zone"] == "SE-SE3"
    assert r.loc["azure:westeurope", "grid_zone"] == "NL"
    # Council Bluffs, Iowa (GeoNames 4852832).
    assert r.loc["gcp:us-central1", "latitude"] == pytest.approx(41.26, abs=0.01)
    assert r.loc["gcp:us-central1", "longitude"] == pytest.approx(-95.86, abs=0.01)


def test_metros_in_countries_with_sub_national_zones_have_their_zone(
    regions: pd.DataFrame,
) -> None:
    """Every city-level region in a country where footprint has sub-national grid zones
    (outside the US: states and balancing authorities) names its zone and the basis."""
    sub = load_table("zones_subnational")
    countries = set(sub.parent[sub.kind != "country"]) - {"US"}
    metros = regions[regions.country.isin(countries) & (regions.location_level == "city")]
    assert len(metros) >= 60
    for row in metros.itertuples():
        assert f"grid zone {row.grid_zone}: {row.city} is in " in row.notes, row.region
    # a region that names only its country keeps the country's zone (nothing guessed)
    national = regions[regions.location_level == "country"]
    assert (national.grid_zone == national.country).all()


@pytest.mark.parametrize(
    ("region", "zone"),
    [
        # Tokyo Metropolis is in TEPCO Power Grid's supply area; Osaka in Kansai's
        ("aws:ap-northeast-1", "JP-TK"),
        ("gcp:asia-northeast1", "JP-TK"),
        ("azure:japaneast", "JP-TK"),
        ("oci:ap-osaka-1", "JP-KN"),
        # AEMO's NEM regions are the states, the ACT within New South Wales
        ("aws:ap-southeast-2", "AU-NSW"),
        ("azure:australiacentral", "AU-NSW"),
        ("aws:ap-southeast-4", "AU-VIC"),
        # Maharashtra and Gujarat: Western grid; Telangana, Tamil Nadu: Southern; Delhi: Northern
        ("aws:ap-south-1", "IN-WE"),
        ("azure:centralindia", "IN-WE"),
        ("azure:jioindiawest", "IN-WE"),
        ("aws:ap-south-2", "IN-SO"),
        ("azure:southindia", "IN-SO"),
        ("gcp:asia-south2", "IN-NO"),
        # São Paulo and Rio de Janeiro: ONS's South-East/Centre-West subsystem
        ("aws:sa-east-1", "BR-CS"),
        ("azure:brazilsoutheast", "BR-CS"),
        ("gcp:southamerica-west1", "CL-SEN"),
        ("gcp:europe-west8", "IT-NO"),
        ("azure:denmarkeast", "DK-DK2"),
        ("azure:malaysiawest", "MY-WM"),
        ("oci:ca-toronto-1", "CA-ON"),
        ("aws:ca-central-1", "CA-QC"),
        ("aws:ca-west-1", "CA-AB"),
        # the country's main grid: its sub-zones are islands or other territories
        ("gcp:europe-southwest1", "ES"),
        ("aws:eu-west-3", "FR"),
        ("aws:eu-west-2", "GB"),
        # AWS names only the country: no sub-national zone is guessed
        ("aws:ap-southeast-5", "MY"),
        ("lambda:asia-south-1", "IN"),
    ],
)
def test_sub_national_zones_of_metros(regions: pd.DataFrame, region: str, zone: str) -> None:
    assert regions.set_index("region").loc[region, "grid_zone"] == zone


# --- cloud_region_factors ---------------------------------------------------------------


def test_factor_regions_known(factors: pd.DataFrame, regions: pd.DataFrame) -> None:
    assert set(factors.region) <= set(regions.region)
    assert not factors.duplicated(["region", "year", "dataset"]).any()


def test_factor_values(factors: pd.DataFrame) -> None:
    assert factors.intensity_g_per_kwh.notna().all()
    assert factors.intensity_g_per_kwh.between(0, 1500).all()
    cfe = factors.cfe_share.dropna()
    assert len(cfe) > 0
    assert cfe.between(0.0, 1.0).all()
    assert factors.year.between(2015, 2030).all()


def test_google_years_complete(factors: pd.DataFrame) -> None:
    google = factors[factors.dataset.str.startswith("google-cfe-")]
    assert sorted(google.year.unique()) == list(range(2019, 2025))
    assert (google.dataset == "google-cfe-" + google.year.astype(str)).all()
    assert google.region.str.startswith("gcp:").all()
    # Per-year region counts of GoogleCloudPlatform/region-carbon-info data/yearly/*.csv.
    assert google.groupby("year").size().to_dict() == {
        2019: 24,
        2020: 27,
        2021: 34,
        2022: 36,
        2023: 40,
        2024: 44,
    }


@pytest.mark.parametrize(
    ("region", "year", "intensity", "cfe"),
    [
        # Copied from ../shared/sources/gcp-region-carbon (GoogleCloudPlatform/
        # region-carbon-info @ 49f3f26, data/yearly/<year>.csv):
        # 2024.csv: "europe-north1,Finland,0.98,39.32"
        ("gcp:europe-north1", 2024, 39.32, 0.98),
        # 2024.csv: "us-central1,Iowa,0.87,412.72"
        ("gcp:us-central1", 2024, 412.72, 0.87),
        # 2019.csv: "us-central1,Iowa,0.78,479" (lifecycle basis)
        ("gcp:us-central1", 2019, 479.0, 0.78),
        # 2019.csv: "asia-east2,Hong Kong,,506" (no CFE published)
        ("gcp:asia-east2", 2019, 506.0, None),
    ],
)
def test_google_spot_checks(
    factors: pd.DataFrame, region: str, year: int, intensity: float, cfe: float | None
) -> None:
    row = factors[(factors.region == region) & (factors.dataset == f"google-cfe-{year}")]
    assert len(row) == 1
    assert row.year.iloc[0] == year
    assert row.intensity_g_per_kwh.iloc[0] == pytest.approx(intensity)
    if cfe is None:
        assert pd.isna(row.cfe_share.iloc[0])
    else:
        assert row.cfe_share.iloc[0] == pytest.approx(cfe)


def test_ccf_factors(factors: pd.DataFrame) -> None:
    ccf = factors[factors.dataset == "ccf-2024"].set_index("region")
    assert {"aws", "azure", "gcp"} == set(ccf.index.str.split(":").str[0])
    assert ccf.cfe_share.isna().all()
    # ccf_app_region_emissions_factors.csv: US_EAST_1 -> SERC 0.000379069 t/kWh
    # (eGRID2020 per CCF's methodology).
    assert ccf.loc["aws:us-east-1", "intensity_g_per_kwh"] == pytest.approx(379.069)
    assert ccf.loc["aws:us-east-1", "year"] == 2020
    # EU_NORTH_1 -> 8.8 g/kWh (EEA).
    assert ccf.loc["aws:eu-north-1", "intensity_g_per_kwh"] == pytest.approx(8.8)


def test_region_countries_are_zones(regions: pd.DataFrame) -> None:
    """Country codes of regions exist in the zones table (sub-national zones may not yet)."""
    if "zones" not in available_tables():
        pytest.skip("datasets/zones.csv not built")
    zones = set(load_table("zones").zone)
    assert set(regions.country) <= zones
