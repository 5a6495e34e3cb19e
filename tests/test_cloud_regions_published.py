"""Cloud regions of the providers' published region lists (issue 18): every region runs an
estimate, new providers resolve, later years fall back to the grid zone with a note.

The regions come from ``scripts/datasets/_published_regions.py`` (built into
``cloud_regions.csv`` by ``scripts/datasets/facilities.py``); the intensities asserted
here are rows of the shipped grid tables, cited at each test.
"""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from footprint.cli import cli
from footprint.core.errors import InputError, UnknownNameError
from footprint.data.loader import read_records
from footprint.places.regions import cloud_regions, resolve_region, select_locations
from footprint.places.site import Site, site_factors

REGIONS = sorted(row["region"] for row in read_records("cloud_regions"))


@pytest.mark.parametrize("region", REGIONS)
def test_every_cloud_region_estimates(region: str) -> None:
    r = CliRunner().invoke(
        cli, ["estimate", "-a", "H100-SXM", "--gpu-hours", "100", "-r", region, "--format", "json"]
    )
    assert r.exit_code == 0, (region, r.output[-300:])
    assert '"co2e"' in r.output


def test_every_cloud_region_has_a_time_zone() -> None:
    zones = {row["region"]: row["timezone"] for row in read_records("hourly/cloud_regions")}
    assert set(zones) == set(REGIONS)


def test_published_rows_are_sourced_and_dated() -> None:
    rows = [r for r in read_records("cloud_regions") if r["source_url"]]
    assert len(rows) == 90
    assert {r["provider"] for r in rows} == {"aws", "azure", "oci", "coreweave", "lambda"}
    for row in rows:
        assert row["retrieved"] == "2026-12-06", row["region"]
        assert "location as published:" in row["notes"], row["region"]
    levels = {r["region"]: r["location_level"] for r in rows}
    # botocore 1.44.18 endpoints.json: "ap-southeast-5": "Asia Pacific (Malaysia)" (no city)
    assert levels["aws:ap-southeast-5"] == "country"
    # CoreWeave general-access regions: "US-EAST-04 | Virginia, USA"
    assert levels["coreweave:us-east-04"] == "state"
    # Oracle's region table: "US East (Ashburn) | us-ashburn-1 | Ashburn, VA"
    assert levels["oci:us-ashburn-1"] == "city"


@pytest.mark.parametrize(
    ("region", "zone", "country", "ba", "operator"),
    [
        # Oracle: "Ashburn, VA"; Ashburn is served by Dominion Energy, a PJM member
        ("oci:us-ashburn-1", "US-VA", "US", "US-MIDA-PJM", "oracle"),
        ("oracle:eu-frankfurt-1", "DE", "DE", None, "oracle"),
        # CoreWeave: "Virginia, USA" (state only: no city, no balancing authority)
        ("coreweave:us-east-04", "US-VA", "US", None, None),
        ("coreweave:US-WEST-09", "US-WA", "US", None, None),
        # Lambda: "Texas, USA"
        ("lambda:us-south-1", "US-TX", "US", None, None),
        # Lambda: "Tokyo, Japan": Tokyo is in TEPCO Power Grid's supply area
        ("lambdalabs:asia-northeast-2", "JP-TK", "JP", None, None),
        # botocore: "Canada West (Calgary)"
        ("aws:ca-west-1", "CA-AB", "CA", None, "aws"),
        # Microsoft: "Malaysia West | ... | Kuala Lumpur | Malaysia | malaysiawest":
        # Kuala Lumpur is in Peninsular Malaysia (MY-WM)
        ("azure:malaysiawest", "MY-WM", "MY", None, "microsoft"),
        # Azure Government: "US Gov Texas"
        ("azure:usgovtexas", "US-TX", "US", None, "microsoft"),
        # AWS European Sovereign Cloud: "the State of Brandenburg, Germany"
        ("aws:eusc-de-east-1", "DE", "DE", None, "aws"),
    ],
)
def test_new_providers_resolve(
    region: str, zone: str, country: str, ba: str | None, operator: str | None
) -> None:
    loc = resolve_region(region)
    assert loc.is_cloud
    assert (loc.zone, loc.country, loc.balancing_authority, loc.operator) == (
        zone,
        country,
        ba,
        operator,
    )


def test_state_level_region_has_no_coordinates() -> None:
    loc = resolve_region("coreweave:us-east-04")
    assert loc.latitude is None and loc.longitude is None
    # Oracle's "Ashburn, VA": GeoNames 4744870 (Ashburn), as aws:us-east-1
    ash = resolve_region("oci:us-ashburn-1")
    assert (ash.latitude, ash.longitude) == (39.04372, -77.48749)


def test_bare_codes_keep_their_provider() -> None:
    # Lambda reuses AWS codes; a bare code stays AWS's, Lambda's needs its prefix
    assert resolve_region("us-east-1").id == "aws:us-east-1"
    assert resolve_region("us-ashburn-1").id == "oci:us-ashburn-1"
    assert resolve_region("lambda:us-east-1").id == "lambda:us-east-1"


def test_provider_filter() -> None:
    ids = {loc.id for loc in select_locations(provider="lambda")}
    assert "lambda:us-south-1" in ids and all(i.startswith("lambda:") for i in ids)
    with pytest.raises(UnknownNameError, match="oci"):
        select_locations(provider="ovh")


def test_unknown_region_of_known_provider_suggests() -> None:
    with pytest.raises(UnknownNameError) as err:
        resolve_region("oci:us-ashburn-9")
    assert "oci:us-ashburn-1" in err.value.suggestions
    r = CliRunner().invoke(
        cli, ["estimate", "-a", "H100-SXM", "--gpu-hours", "100", "-r", "coreweave:us-east-99"]
    )
    assert r.exit_code == 2
    line = r.output.strip()
    assert "\n" not in line and "Traceback" not in line
    assert "coreweave:us-east-" in line  # close matches of the same provider


def test_place_with_cloud_regions_lists_new_ones() -> None:
    with pytest.raises(InputError, match="oci:us-ashburn-1"):
        resolve_region("Ashburn")


# --- intensity of later years: the grid zone, with a substitution note --------------------


def test_aws_region_2023_uses_its_grid_zone() -> None:
    sf = site_factors(Site(region="aws:eu-central-1", year=2023))
    # datasets/grid_intensity.csv: "DE,2023,371.311,lifecycle,owid-ember-2025" (OWID/Ember)
    assert sf.intensity.value.m == pytest.approx(371.311)
    assert (sf.intensity.zone, sf.intensity.year) == ("DE", 2023)
    assert sf.intensity.dataset == "grid_intensity.csv:owid-ember-2025"
    # CCF's factor for EU_CENTRAL_1 is of 2021 only (cloud_region_factors.csv, ccf-2024)
    assert (
        "no 2023 per-region factor for aws:eu-central-1 (ccf-2024: 2021); grid zone DE used "
        "(owid-ember-2025, 2023)"
    ) in sf.intensity.note


def test_aws_region_2021_keeps_the_ccf_factor() -> None:
    sf = site_factors(Site(region="aws:eu-central-1", year=2021))
    # ccf_app_region_emissions_factors.csv: EU_CENTRAL_1 0.000311 t/kWh (EEA)
    assert sf.intensity.value.m == pytest.approx(311.0)
    assert sf.intensity.zone == "aws:eu-central-1"


def test_new_region_without_factor_uses_its_zone() -> None:
    sf = site_factors(Site(region="coreweave:us-east-04", year=2023))
    # grid_intensity_subnational.csv: "US-VA,2023,244.758,direct,egrid-2023-codecarbon"
    assert sf.intensity.value.m == pytest.approx(244.758)
    assert sf.intensity.note.startswith(
        "no per-region factor published for coreweave:us-east-04; grid zone US-VA used "
        "(egrid-2023-codecarbon, 2023)"
    )
    # no fleet PUE published by CoreWeave: the industry average of 2023 for a small
    # workload (datacenters.csv: "industry-average,2023,1.58", industry survey)
    assert sf.pue.value.m == pytest.approx(1.58)
    assert sf.location is not None and sf.location.operator is None


def test_country_level_region_uses_the_country() -> None:
    sf = site_factors(Site(region="aws:ap-southeast-5", year=2024))
    # grid_intensity.csv: "MY,2024,604.429,lifecycle,owid-ember-2025"
    assert sf.intensity.value.m == pytest.approx(604.429)
    row = cloud_regions()["aws:ap-southeast-5"]
    assert row["city"] == "" and row["location_level"] == "country"
    assert "AWS names only the country" in row["notes"]


def test_gcp_2024_keeps_googles_own_factor() -> None:
    sf = site_factors(Site(region="gcp:us-central1", year=2024))
    # region-carbon-info data/yearly/2024.csv: "us-central1,Iowa,0.87,412.72"
    assert sf.intensity.value.m == pytest.approx(412.72)
    assert sf.intensity.year == 2024
