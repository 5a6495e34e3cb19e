"""``footprint explain``: every factor of a region with its dataset, source and licence."""

import json

from click.testing import CliRunner

import footprint as fp
from footprint.cli import cli
from footprint.places.explain import explain_table


def rows(region: str, *args: str) -> dict:
    r = CliRunner().invoke(cli, ["explain", region, *args, "--format", "json"])
    assert r.exit_code == 0, r.output
    data = json.loads(r.output)
    return {"location": data["location"], **data["factors"]}


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
    assert price["value"] is None and "--price" in price["reason"]
    csv = CliRunner().invoke(cli, ["explain", "US", "--format", "csv"]).output
    assert "give --price" in csv
    table, notes = explain_table(fp.Site(region="FR"))
    assert table.set_index("factor").loc["price", "value"] > 0  # Eurostat price, no extra row
    assert (table["factor"] == "price").sum() == 1


# Issue 17, item 11: explain printed [nan], an unrounded EWIF, and a list of factors where
# estimate has a dict.


def test_json_factors_are_a_dict_shaped_as_estimates():
    explained = rows("US")
    r = CliRunner().invoke(
        cli, ["estimate", "-a", "H100-SXM", "--gpu-hours", "1000", "-r", "US", "--format", "json"]
    )
    estimated = json.loads(r.output)["factors"]
    spread = {"low", "high", "distribution", "spread_source"}  # an estimate's uncertainty
    for name in ("intensity", "cfe", "pue", "wue", "ewif"):
        assert set(estimated[name]) - spread <= set(explained[name]), name
    for name in ("intensity", "ewif"):
        assert explained[name]["value"] == estimated[name]["value"]
    assert "licence" in explained["ewif"]


def test_missing_value_is_not_available_with_its_reason_never_nan():
    for fmt in ("table", "markdown", "csv", "json"):
        out = CliRunner().invoke(cli, ["explain", "US", "--format", fmt]).output
        assert "nan" not in out.lower().replace("nanometre", ""), fmt
    table = CliRunner().invoke(cli, ["explain", "US"], terminal_width=200).output
    assert "not available" in table
    assert "price: not available: no open electricity price data" in table


def test_table_values_are_rounded_csv_keeps_them_exact():
    table = CliRunner().invoke(cli, ["explain", "US"], terminal_width=200).output
    exact = rows("US")["ewif"]["value"]
    assert f"{exact:.4g}" in table and repr(exact) not in table
    csv = CliRunner().invoke(cli, ["explain", "US", "--format", "csv"]).output
    assert repr(exact) in csv


def test_markdown_lists_sources_and_notes_as_bullets_without_cli_hints():
    md = CliRunner().invoke(cli, ["explain", "US", "--format", "markdown"]).output
    assert "\n- intensity: " in md and "\n- price: not available" in md
    assert "Notes:" in md and "--price" not in md and "--cfe" not in md
