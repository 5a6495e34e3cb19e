"""Region resolution (every alias form, cloud regions), cloud factors and coverage."""

import json

import pytest

import footprint as fp
from footprint.core.errors import InputError, UnknownNameError
from footprint.data.loader import read_records
from footprint.places.grid import all_zones
from footprint.places.regions import (
    cloud_factor_series,
    cloud_regions,
    coverage,
    resolve_region,
    zone_chain,
)
from footprint.places.site import region_table


@pytest.mark.parametrize(
    "name, expected",
    [
        ("FR", "FR"),
        ("fr", "FR"),
        ("FRA", "FR"),
        ("France", "FR"),
        ("france", "FR"),
        ("UK", "GB"),
        ("Great Britain", "GB"),
        ("GBR", "GB"),
        ("USA", "US"),
        ("United States", "US"),
        ("South Korea", "KR"),
        ("Czechia", "CZ"),
        ("Czech Republic", "CZ"),
        ("WORLD", "WORLD"),
        ("world", "WORLD"),
        ("EU", "EU"),
        ("Europe", "EUROPE"),
        ("NA", "NA"),
        ("Namibia", "NA"),
    ],
)
def test_country_and_aggregate_forms(name, expected):
    assert resolve_region(name).id == expected


@pytest.mark.parametrize(
    "name, expected, zone, operator",
    [
        ("aws:us-east-1", "aws:us-east-1", "US-VA", "aws"),
        ("AWS:US-EAST-1", "aws:us-east-1", "US-VA", "aws"),
        ("amazon:us-east-1", "aws:us-east-1", "US-VA", "aws"),
        ("gcp:europe-west1", "gcp:europe-west1", "BE", "google"),
        ("google:europe-west1", "gcp:europe-west1", "BE", "google"),
        ("azure:westeurope", "azure:westeurope", "NL", "microsoft"),
        ("Azure:WestEurope", "azure:westeurope", "NL", "microsoft"),
        ("europe-west1", "gcp:europe-west1", "BE", "google"),  # bare code, one provider
    ],
)
def test_cloud_region_forms(name, expected, zone, operator):
    loc = resolve_region(name)
    assert (loc.id, loc.kind, loc.zone, loc.operator) == (expected, "cloud", zone, operator)
    assert -90 <= loc.latitude <= 90 and -180 <= loc.longitude <= 180


def test_unknown_region_suggests():
    with pytest.raises(UnknownNameError, match="France"):
        resolve_region("Frnace")
    with pytest.raises(UnknownNameError, match="aws:us-east-1"):
        resolve_region("aws:us-east-9")


def test_ambiguous_bare_cloud_code(monkeypatch):
    import footprint.places.regions as regions

    monkeypatch.setattr(
        regions, "_cloud_by_code", lambda: {"westeurope": ["aws:westeurope", "azure:westeurope"]}
    )
    with pytest.raises(InputError, match="ambiguous"):
        resolve_region("westeurope")


def test_every_cloud_region_maps_to_a_grid_zone_with_data():
    zones = all_zones()
    for rid, row in cloud_regions().items():
        loc = resolve_region(rid)
        assert row["country"] in zones, rid
        chain = zone_chain(loc.zone) + [loc.country]
        assert any(z in zones for z in chain), rid
        sf = fp.site_factors(fp.Site(region=rid))
        assert sf.intensity.value.m > 0 and sf.ewif.value.m >= 0


def test_every_cloud_grid_zone_exists():
    zones = all_zones()
    missing = sorted({row["grid_zone"] for row in cloud_regions().values()} - set(zones))
    assert not missing


@pytest.mark.parametrize(
    "region, year, intensity, cfe",
    # Google Cloud region carbon data (GoogleCloudPlatform/region-carbon-info,
    # data/yearly/2022.csv and 2024.csv): Google CFE, grid gCO2eq/kWh
    [
        ("gcp:europe-west1", 2022, 123, 0.80),
        ("gcp:europe-north1", 2022, 112, 0.97),
        ("gcp:us-central1", 2022, 460, 0.92),
        ("gcp:europe-west1", 2024, 103.37, 0.84),
        ("gcp:us-central1", 2024, 412.72, 0.87),
    ],
)
def test_gcp_factors_equal_googles_published_values(region, year, intensity, cfe):
    sf = fp.site_factors(fp.Site(region=region, year=year))
    assert sf.intensity.value.m_as("gCO2e/kWh") == pytest.approx(intensity)
    assert sf.intensity.year == year
    assert "operator-published" in sf.intensity.note
    assert sf.cfe.value.m == pytest.approx(cfe)
    assert sf.pue.extra["operator"] == "google"


def test_google_dataset_preferred_over_ccf_for_same_year():
    series = cloud_factor_series("gcp:europe-west1")
    assert series[2021]["dataset"].startswith("google-cfe")


def test_aws_region_uses_ccf_factor_and_operator_pue():
    # CCF app: US_EAST_1 = 0.000379069 tCO2e/kWh (eGRID2020 SERC)
    sf = fp.site_factors(fp.Site(region="aws:us-east-1", year=2020))
    assert sf.intensity.value.m_as("gCO2e/kWh") == pytest.approx(379.069)
    assert sf.pue.extra["operator"] == "aws"
    assert sf.cfe.origin == "default" and sf.cfe.value.m == 0


def test_market_based_with_operator_cfe():
    job = fp.GpuJob("H100-SXM", gpu_hours="1000 h")
    r = fp.estimate(job, fp.Site(region="gcp:europe-west1", year=2022))
    assert r.co2e_market.m_as("kgCO2e") == pytest.approx(r.co2e.m_as("kgCO2e") * (1 - 0.80))


def test_market_based_with_user_cfe_and_default():
    job = fp.GpuJob("H100-SXM", gpu_hours="1000 h")
    r = fp.estimate(job, fp.Site(region="FR", year=2022, cfe=0.9))
    assert r.co2e_market.m_as("kgCO2e") == pytest.approx(r.co2e.m_as("kgCO2e") * 0.1)
    assert r.factors["cfe"].origin == "user"
    plain = fp.estimate(job, fp.Site(region="FR", year=2022))
    assert plain.co2e_market == plain.co2e
    assert any("market-based CO2e equals location-based" in n for n in plain.notes)


@pytest.mark.parametrize("cfe", [-0.1, 1.5, float("nan")])
def test_bad_cfe(cfe):
    with pytest.raises(InputError):
        fp.Site(cfe=cfe)


def test_user_price_gives_cost_in_its_currency():
    job = fp.GpuJob("H100-SXM", gpu_hours="1000 h", power="700 W", host_power="0 W")
    r = fp.estimate(job, fp.Site(region="US", pue=1.5, price="0.12 USD/kWh"))
    assert r.cost.m_as("USD") == pytest.approx(1050 * 0.12)
    assert r.to_dict()["results"]["cost"]["unit"] == "USD"


@pytest.mark.parametrize("price", ["0.12 USD", "5 kWh", "12", "-0.1 EUR/kWh"])
def test_bad_price(price):
    with pytest.raises(InputError):
        fp.estimate(fp.GpuJob("H100-SXM", gpu_hours=1), fp.Site(price=price))


def test_no_price_is_said():
    r = fp.estimate(fp.GpuJob("H100-SXM", gpu_hours=1), fp.Site(region="aws:us-east-1"))
    assert "cost" not in r.results
    assert any("give --price" in n for n in r.notes)


def test_sub_zone_without_mix_uses_parent_ewif():
    # gcp:us-central2 (Pryor, OK) -> SPP: no generation mix for the BA or the state
    sf = fp.site_factors(fp.Site(region="gcp:us-central2", year=2022))
    assert sf.ewif.zone == "US"
    assert "parent zone US" in sf.ewif.note


def test_balancing_authority_mix_gives_ewif():
    # aws:us-east-1 (Ashburn, VA) is served by PJM, whose EIA-930 2022 mix is shipped
    sf = fp.site_factors(fp.Site(region="aws:us-east-1", year=2022))
    assert sf.ewif.zone == "US-MIDA-PJM" and sf.ewif.year == 2022


@pytest.mark.parametrize(
    "region, year, zone, used_year",
    [
        ("aws:us-east-1", 2020, "aws:us-east-1", 2020),  # CCF's per-region eGRID2020 factor
        ("aws:us-east-1", 2023, "US-MIDA-PJM", 2023),  # balancing authority has the year
        ("aws:us-east-1", None, "US-MIDA-PJM", 2025),  # newest year any candidate has
        ("gcp:europe-west1", None, "gcp:europe-west1", 2024),  # operator series first
        ("US-VA", 2016, "US-VA", 2018),  # eGRID CO2e from 2018: its own nearest year
        ("US-VA", None, "US-VA", 2023),  # no year: the finest zone's newest year
        ("US-VA", 2023, "US-VA", 2023),  # eGRID2023 state factor
        ("US-VA", 2022, "US-VA", 2023),  # no 2022 state data: its own nearest year, not the US
        ("US-VA", 2010, "US", 2010),  # far from the state's data: the country's exact year
        ("SE-SE3", 2023, "SE-SE3", 2023),
        ("FR", None, "FR", 2024),  # countries keep one series (Ember via OWID)
    ],
)
def test_intensity_candidate_policy(region, year, zone, used_year):
    f = fp.site_factors(fp.Site(region=region, year=year)).intensity
    assert (f.zone, f.year) == (zone, used_year)
    if zone != region:
        assert f"{zone} used" in f.note


def test_strict_year_without_any_candidate_raises():
    with pytest.raises(fp.MissingDataError, match="no data for 2030"):
        fp.site_factors(fp.Site(region="aws:us-east-1", year=2030, strict_year=True))


def test_region_table_filters():
    gcp = region_table(kind="cloud", provider="gcp")
    assert len(gcp) >= 40 and set(gcp["kind"]) == {"cloud"}
    assert gcp["region"].str.startswith("gcp:").all()
    us = region_table(country="US", kind="cloud")
    assert len(us) >= 20
    fr = region_table(search="fra")
    assert "FR" in set(fr["region"])


def test_coverage_counts():
    cov = coverage().set_index("kind")
    assert cov.loc["country", "with_own_intensity"] >= 200
    clouds = sum(cov.loc[f"cloud ({p})", "regions"] for p in ("aws", "gcp", "azure"))
    assert clouds >= 100


def test_cloud_regions_table_has_operator_in_datacenters():
    operators = {r["operator"] for r in read_records("datacenters")}
    # empty: the provider publishes no fleet PUE (CoreWeave, Lambda): facility-class defaults
    assert {row["operator"] for row in cloud_regions().values()} - {""} <= operators


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        ("us-east-1", "aws:us-east-1"),  # was "ambiguous" with gcp:us-east1 (regression)
        ("us-east1", "gcp:us-east1"),
        ("US-WEST-2", "aws:us-west-2"),
        ("me-central1", "gcp:me-central1"),
    ],
)
def test_bare_cloud_code_written_exactly_resolves(code, expected):
    assert resolve_region(code).id == expected


def test_bare_cloud_code_matching_only_loosely_stays_ambiguous():
    with pytest.raises(InputError, match="ambiguous"):
        resolve_region("useast1")


def test_region_table_keeps_intensity_of_zone_without_mix():
    """Bermuda has an Ember intensity but no generation mix: the row was blank (regression)."""
    row = region_table(search="bermuda").iloc[0]
    assert row["region"] == "BM"
    assert row["intensity_g_per_kwh"] > 0 and row["year"] >= 2020
    assert row["ewif_l_per_kwh"] is None or row["ewif_l_per_kwh"] != row["ewif_l_per_kwh"]


def test_cli_summary_refuses_filters_and_blank_country():
    from click.testing import CliRunner

    from footprint.cli import cli

    r = CliRunner().invoke(cli, ["regions", "--summary", "--search", "fra"])
    assert r.exit_code == 2 and "--summary" in r.output and "--search" in r.output
    r = CliRunner().invoke(cli, ["regions", "--country", " "])
    assert r.exit_code == 2 and "--country: empty value" in r.output


def test_a_cloud_series_keeps_one_basis():
    """Google's 2019-2020 factors are lifecycle, its 2021+ ones operational: the intensity
    series of a region is the newest year's basis only; carbon-free shares keep every year."""
    from footprint.places.regions import cloud_factor_series, cloud_intensity_series, factor_basis

    full = cloud_factor_series("gcp:europe-west1")
    one = cloud_intensity_series("gcp:europe-west1")
    assert {factor_basis(r) for r in full.values()} == {"lifecycle", "operational"}
    assert {factor_basis(r) for r in one.values()} == {"operational"}
    assert min(one) == 2021 and 2019 in full
    r = fp.estimate(fp.GpuJob("H100-SXM", gpu_hours=1), region="gcp:europe-west1", year=2019)
    assert r.factors["intensity"].zone != "gcp:europe-west1"  # not the lifecycle 196 g/kWh
    assert r.factors["cfe"].value.m == 0.68  # Google's 2019 CFE share stays


@pytest.mark.parametrize("name", ["Georgia", "georgia", " GEORGIA "])
def test_a_name_two_zones_share_fails_with_both(name):
    """Issue 17, item 4: `-r Georgia` silently took the country over the US state."""
    with pytest.raises(
        InputError, match=r"ambiguous region .*\(GE\).*\(US-GA\); write GE or US-GA"
    ):
        resolve_region(name)


@pytest.mark.parametrize(
    ("name", "zone"), [("GE", "GE"), ("US-GA", "US-GA"), ("Georgia, US", "US-GA")]
)
def test_codes_and_qualified_names_stay_unambiguous(name, zone):
    assert resolve_region(name).zone == zone


@pytest.mark.parametrize(
    ("name", "zone"), [("tokyo", "JP-TK"), ("Kyushu", "JP-KY"), ("Tōkyō", "JP-TK")]
)
def test_names_match_without_accents(name, zone):
    assert resolve_region(name).zone == zone


@pytest.mark.parametrize(
    ("name", "zones", "region"),
    [
        ("Frankfurt", "(DE)", "aws:eu-central-1"),
        ("sao paulo", "(BR-CS)", "gcp:southamerica-east1"),
        ("Ashburn", "(US-VA)", "aws:us-east-1"),
    ],
)
def test_a_city_names_its_grid_zone_and_cloud_regions(name, zones, region):
    with pytest.raises(InputError, match="not a grid zone") as info:
        resolve_region(name)
    assert zones in str(info.value) and region in str(info.value)


def test_cli_ambiguous_region_is_one_line_exit_2():
    from click.testing import CliRunner

    from footprint.cli import cli

    result = CliRunner().invoke(
        cli, ["estimate", "-a", "H100", "--gpu-hours", "1", "-r", "Georgia"]
    )
    assert result.exit_code == 2
    assert len(result.output.strip().splitlines()) == 1 and "US-GA" in result.output


NO_MIX = ["BM", "GI", "SH", "AX", "CW", "FM", "GS", "PW", "YT"]  # zones with CO2e, no mix


@pytest.mark.parametrize("fmt", ["table", "json", "csv", "markdown", "hf-model-card", "eu-ai-act"])
def test_a_zone_without_a_mix_keeps_its_co2e_and_leaves_water_blank(fmt):
    """Issue 17, item 5: `-r BM` failed on the EWIF, losing CO2e as well as water."""
    from click.testing import CliRunner

    from footprint.cli import cli

    argv = ["estimate", "-a", "H100-SXM", "--gpu-hours", "1000", "-r", "BM", "--format", fmt]
    result = CliRunner().invoke(cli, argv)
    assert result.exit_code == 0, result.output
    assert "nan" not in result.stdout.lower().replace("financ", "")
    if fmt == "json":
        data = json.loads(result.stdout)
        assert data["results"]["co2e"]["value"] > 0
        assert "water" not in data["results"] and "water_offsite" not in data["results"]
        assert data["results"]["water_onsite"]["value"] > 0
        assert data["factors"]["ewif"]["value"] is None
        assert any("no generation mix for BM" in n for n in data["notes"])
    if fmt == "table":
        assert "not available" in result.stdout


def test_library_estimate_without_a_mix_matches_one_with_the_same_intensity():
    job = fp.GpuJob("H100-SXM", gpu_hours=1000)
    bm = fp.estimate(job, fp.Site(region="BM"))
    given = fp.estimate(job, fp.Site(region="BM", ewif="1 L/kWh"))
    assert bm.co2e == given.co2e and bm.water_onsite == given.water_onsite
    assert "water" not in bm.results and "water" in given.results


def test_compare_ranks_zones_without_a_mix_by_co2e():
    import pandas as pd

    from footprint.analyses.compare import compare

    df = compare(fp.GpuJob("H100-SXM", gpu_hours=1000), kind="country")
    regions = set(df["region"])
    assert set(NO_MIX) <= regions  # these nine countries dropped out of the ranking before
    row = df[df["region"] == "BM"].iloc[0]
    assert row["rank"] >= 1 and pd.isna(row["water"].magnitude)  # blank


def test_batch_rejects_a_row_without_a_mix_with_its_reason(tmp_path):
    from click.testing import CliRunner

    from footprint.cli import cli

    jobs = tmp_path / "jobs.csv"
    jobs.write_text("job_id,accelerator,gpu_hours,region\n1,H100,10,BM\n2,H100,10,FR\n")
    rejects = tmp_path / "rejects.csv"
    result = CliRunner().invoke(cli, ["batch", str(jobs), "--rejects", str(rejects)])
    assert result.exit_code == 0, result.output
    assert (
        "missing_data" in rejects.read_text() and "no generation mix for BM" in rejects.read_text()
    )


def test_a_metro_in_a_sub_national_zone_takes_its_annual_factor():
    """Osaka is in Kansai's area (JP-KN): its own yearly intensity, Japan's national one
    only where JP-KN has no year within two of the asked one.
    electricitymaps-yearly/yearly_2023.json "JP-KN" 380, yearly_2021.json 408 g/kWh; Ember
    (OWID grapher 'carbon-intensity-electricity') Japan 2015: 578.049 g/kWh."""
    loc = resolve_region("oci:ap-osaka-1")
    assert (loc.zone, loc.zones()) == ("JP-KN", ["JP-KN", "JP"])
    found = {
        year: fp.site_factors(fp.Site(region="oci:ap-osaka-1", year=year)).intensity
        for year in (2023, 2019, 2015)
    }
    assert (found[2023].value.m, found[2023].zone, found[2023].year) == (380, "JP-KN", 2023)
    assert (found[2019].value.m, found[2019].zone, found[2019].year) == (408, "JP-KN", 2021)
    assert (found[2015].value.m, found[2015].zone) == (578.049, "JP")
    assert "no 2015 data for JP-KN; grid zone JP used" in found[2015].note
