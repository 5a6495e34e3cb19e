"""``footprint explain``: every factor of a region with its dataset, source and licence."""

import json

from click.testing import CliRunner

import footprint as fp
from footprint.cli import cli
from footprint.places.explain import explain_table


def rows(region: str, *args: str) -> dict:
    r = CliRunner().invoke(cli, ["explain", region, *args, "--format", "json"])
    assert r.exit_code == 0, r.output
    return {row["factor"]: row for row in json.loads(r.output)}


def test_subnational_location_names_its_own_file_and_licence():
    """US states and balancing authorities come from zones_subnational.csv (public domain /
    MIT / ODbL ids), not zones.csv (CC BY 4.0) as explain said (regression)."""
    for region in ("US-VA", "PJM", "SE-SE3"):
        location = rows(region)["location"]
        assert location["dataset"] == "zones_subnational.csv", region
        assert "ODbL" in location["licence"], region
    country = rows("FR")["location"]
    assert country["dataset"] == "zones.csv" and country["licence"] == "CC BY 4.0"
    assert "Our World in Data" in country["source"]


def test_cloud_location_gives_coordinates_and_source():
    location = rows("aws:us-east-1")["location"]
    assert location["dataset"] == "cloud_regions.csv"
    assert "39.044, -77.487" in location["source"] and "GeoNames" in location["source"]


def test_missing_price_is_said_in_every_format():
    """Without a price the JSON and CSV had no row or note saying so (regression)."""
    price = rows("US")["price"]
    assert price["value"] is None and "--price" in price["source"]
    csv = CliRunner().invoke(cli, ["explain", "US", "--format", "csv"]).output
    assert "give --price" in csv
    table, notes = explain_table(fp.Site(region="FR"))
    assert table.set_index("factor").loc["price", "value"] > 0  # Eurostat price, no extra row
    assert (table["factor"] == "price").sum() == 1
