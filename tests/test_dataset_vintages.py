"""Data freshness: each time-dependent dataset's newest year, held to a stated threshold.

The thresholds and the reasons for accepting older data are in
``datasets/dataset_vintages.csv`` (``min_newest_year``, ``stale_reason``; sources in its
``source`` column). A dataset whose newest year falls below its threshold fails here unless
a reason is recorded; a dataset with a ``year`` column and no row fails too.
"""

from __future__ import annotations

import csv
import io
import json

from click.testing import CliRunner

from footprint.cli import cli
from footprint.data.loader import data_files, datasets_dir
from footprint.data.vintages import Vintage, newest_year, vintage_of, vintages


def problems(found: tuple[Vintage, ...] | list[Vintage]) -> list[str]:
    """The datasets older than their threshold with no documented reason."""
    return [
        f"{v.file}: newest year {v.newest_year} < {v.min_newest_year} and no stale_reason"
        for v in found
        if v.stale and not v.stale_reason.strip()
    ]


def test_every_dataset_meets_its_threshold_or_says_why():
    assert problems(vintages()) == []


def test_grid_intensity_is_2023_or_newer():
    # Ember (2025) yearly electricity data via OWID: carbon intensity to 2024
    grid = vintage_of("grid_intensity.csv")
    assert grid is not None and grid.min_newest_year == 2023
    assert grid.newest_year is not None and grid.newest_year >= 2023
    assert not grid.stale and grid.retrieved == "2026-11-26"
    # eGRID2023 state rates (CodeCarbon 3.3.2) and Electricity Maps 2025 (via CO2.js)
    assert newest_year("grid_intensity_subnational.csv", "year") >= 2023
    assert newest_year("share-alike/electricitymaps_yearly.csv", "year") >= 2024


def test_known_gap_is_reported_with_its_reason():
    # OWID 'electricity-prod-source-stacked' export of 2023-10 ends in 2022: older than the
    # 2023 threshold, accepted because the newer OWID energy dataset was not obtained
    mix = vintage_of("generation_mix.csv")
    assert mix is not None and mix.newest_year == 2022 and mix.stale
    assert "could not be obtained" in mix.stale_reason
    assert mix.to_dict()["stale_reason"] == mix.stale_reason


def test_threshold_without_reason_fails():
    old = Vintage("x.csv", 2021, "e", "", "2026-11-26", 2023, "", "s")
    fresh = Vintage("y.csv", 2024, "e", "", "2026-11-26", 2023, "", "s")
    excused = Vintage("z.csv", 2021, "e", "", "2026-11-26", 2023, "not published yet", "s")
    assert problems([old, fresh, excused]) == ["x.csv: newest year 2021 < 2023 and no stale_reason"]


def test_every_file_with_a_year_column_has_a_vintage():
    listed = {v.file for v in vintages()}
    missing = []
    for file in data_files(datasets_dir()):
        if not file.endswith(".csv"):
            continue
        with open(datasets_dir() / file, encoding="utf-8", newline="") as fh:
            header = next(csv.reader(fh), [])
        if "year" in header and file not in listed:
            missing.append(file)
    assert missing == [], "add a row to datasets/dataset_vintages.csv for " + ", ".join(missing)


def test_regions_summary_states_each_vintage():
    runner = CliRunner()
    out = runner.invoke(cli, ["regions", "--summary", "--format", "json"])
    assert out.exit_code == 0, out.output
    data = json.loads(out.output)
    assert {"country", "aggregate"} <= {row["kind"] for row in data["coverage"]}
    rows = {row["file"]: row for row in data["datasets"]}
    assert rows["grid_intensity.csv"]["newest_year"] >= 2023
    assert rows["grid_intensity.csv"]["retrieved"] == "2026-11-26"
    assert rows["water_factors.csv"]["published"] == "2012"  # Macknick et al. 2012
    assert rows["generation_mix.csv"]["stale_reason"]
    table = runner.invoke(cli, ["regions", "--summary"])
    assert table.exit_code == 0 and "Dataset vintage" in table.output
    assert "generation_mix.csv" in table.output and "2026-11-26" in table.output
    text = runner.invoke(cli, ["regions", "--summary", "--format", "csv"]).output
    coverage, datasets = text.strip().split("\n\n")
    assert next(csv.reader(io.StringIO(coverage)))[0] == "kind"
    assert next(csv.reader(io.StringIO(datasets)))[:4] == [
        "file",
        "newest_year",
        "published",
        "retrieved",
    ]


def test_explain_states_the_vintage_of_each_factor():
    runner = CliRunner()
    out = runner.invoke(cli, ["explain", "FR", "--format", "json"])
    assert out.exit_code == 0, out.output
    factors = json.loads(out.output)["factors"]
    assert factors["intensity"]["vintage"]["newest_year"] >= 2023
    assert factors["intensity"]["vintage"]["retrieved"] == "2026-11-26"
    assert factors["ewif"]["vintage"]["newest_year"] == 2022  # generation_mix.csv
    assert "stale_reason" in factors["ewif"]["vintage"]
    assert "vintage" not in factors["cfe"]  # a default, from no dataset
    table = runner.invoke(cli, ["explain", "FR"]).output
    assert "(data to 2022; published 2023-10; retrieved 2026-11-26)" in table
