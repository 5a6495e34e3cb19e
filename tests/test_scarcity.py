"""Water scarcity footprint (ISO 14046): the user's factor table, one step of the engine.

Factors below are AWARE 2.0 non-agricultural country/state factors, m3 world-eq per m3
consumed, from Seitfudem, Berger, Müller Schmied & Boulay (2025), "The updated and improved
method for water scarcity impact assessment in LCA, AWARE2.0", J. Ind. Ecol. 29(3):891-907,
doi:10.1111/jiec.70023; data doi:10.5281/zenodo.8215864, workbook
AWARE20_Countries_and_Regions.xlsx, sheet CFs_nonagri: US-AZ annual 99.4, July 100.0,
January 99.3; NO annual 0.744; US annual 11.3. footprint does not ship them (licence not
confirmed, datasets/SOURCES.md): the tests write them to a temporary file, as a user would.
"""

from __future__ import annotations

import json
import math

import numpy as np
import pytest
from click.testing import CliRunner
from pint.testing import assert_allclose

import footprint as fp
from footprint.analyses.compare import compare, to_records
from footprint.analyses.hourly import LoadProfile, account_hourly
from footprint.cli import cli
from footprint.core import units
from footprint.core.accounting import account
from footprint.core.errors import InputError
from footprint.engine.evaluation import LoadTable, SiteTable, evaluate
from footprint.places.scarcity import hourly_scarcity, read_water_scarcity

AWARE = """zone,month,factor_m3_world_eq_per_m3,source
US-AZ,,99.4,AWARE 2.0 non-agri annual (Seitfudem et al. 2025)
US-AZ,7,100.0,AWARE 2.0 non-agri July
US-AZ,jan,99.3,AWARE 2.0 non-agri January
NO,,0.744,AWARE 2.0 non-agri annual
US,,11.3,AWARE 2.0 non-agri annual
"""

#: Fixed factors so the water volume is exact: 1,000 h x 700 W = 700 kWh IT, x PUE 1.2 =
#: 840 kWh; water = 700 x 0.5 + 840 x 2 = 2,030 L = 2.03 m3 consumed.
FIXED = {"pue": 1.2, "wue": "0.5 L/kWh", "ewif": "2 L/kWh"}
JOB = {"gpu_hours": 1000, "power": "700 W", "host_power": "0 W"}


@pytest.fixture
def table_path(tmp_path):
    path = tmp_path / "aware.csv"
    path.write_text(AWARE, encoding="utf-8")
    return path


def _estimate(region, table, **site):
    job = fp.GpuJob("H100-SXM", **JOB)
    return fp.estimate(
        job, fp.Site(region=region, water_scarcity=table, **FIXED, **site), embodied=False
    )


def test_account_weights_consumed_water_by_the_factor():
    out = account(1000.0, 700.0, 0.0, 1.2, 0.5, 2.0, 400.0, scarcity_factor=99.4)
    assert out["water"] == pytest.approx(2030.0)
    assert out["water_scarcity"] == pytest.approx(2.03 * 99.4)  # 201.782 m3 world-eq
    assert "water_scarcity" not in account(1000.0, 700.0, 0.0, 1.2, 0.5, 2.0, 400.0)


def test_arizona_litre_is_not_a_norwegian_litre(table_path):
    table = read_water_scarcity(table_path)
    az, no = _estimate("US-AZ", table), _estimate("NO", table)
    for r in (az, no):
        assert_allclose(r.water, units.Q_(2030.0, "L"))
    assert_allclose(az.water_scarcity, units.Q_(201.782, "m3_world_eq"), rtol=1e-12)
    assert_allclose(no.water_scarcity, units.Q_(1.51032, "m3_world_eq"), rtol=1e-12)
    # the same 2.03 m3 weighs 99.4 / 0.744 = 133.6 times more in Arizona
    assert az.water_scarcity / no.water_scarcity == pytest.approx(99.4 / 0.744)
    f = az.factors["water_scarcity"]
    assert (f.zone, f.origin, f.value.m_as("m3_world_eq/m**3")) == ("US-AZ", "user", 99.4)
    assert "Seitfudem" in f.source
    assert az.inputs["water_scarcity_factors"] == "aware.csv"
    assert az.to_dict()["results"]["water_scarcity"]["unit"] == "m3_world_eq"


def test_parent_zone_and_missing_zone(table_path):
    table = read_water_scarcity(table_path)
    va = _estimate("US-VA", table)  # no Virginia row: the US factor, noted
    assert_allclose(va.water_scarcity, units.Q_(2.03 * 11.3, "m3_world_eq"))
    assert any("parent zone US used" in n for n in va.notes)
    fr = _estimate("FR", table)  # no factor: blank with a note, never zero
    assert "water_scarcity" not in fr.results
    assert "water_scarcity" not in fr.to_dict()["results"]
    assert fr.to_dict()["factors"]["water_scarcity"]["value"] is None
    assert any("no water-scarcity factor for FR" in n and "blank" in n for n in fr.notes)


def test_no_table_no_result():
    r = fp.estimate(fp.GpuJob("H100-SXM", **JOB), fp.Site(region="NO", **FIXED))
    assert "water_scarcity" not in r.results and "water_scarcity" not in r.factors


def test_engine_column_blank_where_unknown():
    sites = SiteTable(
        pue=1.2, wue=0.5, ewif=2.0, intensity=400.0, scarcity=np.array([99.4, np.nan])
    )
    ev = evaluate(LoadTable(1000.0, 700.0, 0.0), sites)
    assert ev["water_scarcity"][0] == pytest.approx(201.782)
    assert math.isnan(ev["water_scarcity"][1])
    assert ev.nonfinite() == []  # a blank is not an overflow
    one = evaluate(
        LoadTable(1000.0, 700.0, 0.0),
        SiteTable(pue=1.2, wue=0.5, ewif=2.0, intensity=400.0, scarcity=math.nan),
    )
    assert "water_scarcity" not in one.quantities(["water", "water_scarcity"])


def test_compare_ranks_by_scarcity_and_leaves_unknown_blank(table_path):
    table = read_water_scarcity(table_path)
    df = compare(
        fp.GpuJob("H100-SXM", **JOB),
        "US-AZ,NO,FR",
        site=fp.Site(water_scarcity=table, **FIXED),
        metric="water_scarcity",
        embodied=False,
    )
    rows = {r["region"]: r for r in to_records(df)}
    assert rows["NO"]["rank"] == 1 and rows["US-AZ"]["rank"] == 2
    assert rows["FR"]["rank"] is None and rows["FR"]["water_scarcity"] is None
    assert rows["US-AZ"]["water_scarcity"]["value"] == pytest.approx(201.782)
    assert rows["US-AZ"]["scarcity_factor"]["value"] == pytest.approx(99.4)
    assert rows["NO"]["water_scarcity"]["unit"] == "m3_world_eq"
    assert any("FR" in n and "water_scarcity" in n for n in df.attrs["notes"])
    with pytest.raises(InputError, match="water-scarcity factors"):
        compare(fp.GpuJob("H100-SXM", **JOB), "NO", metric="water_scarcity")


def test_hourly_takes_the_month_factor(table_path):
    table = read_water_scarcity(table_path)
    months = np.array([1, 7, 12])
    column, notes = hourly_scarcity(table, ["US-AZ", "US"], months)
    # January and July have their own rows; December takes the annual 99.4 (noted)
    assert column["scarcity"].tolist() == [99.3, 100.0, 99.4]
    assert any("no Dec factor for US-AZ: annual factor used" in n for n in notes)
    assert hourly_scarcity(None, ["US-AZ"], months) == ({}, [])
    only_annual = hourly_scarcity(table, ["NO"], months)[0]["scarcity"]
    assert only_annual.tolist() == [0.744] * 3


def test_hourly_accounting_uses_july_factor(table_path):
    table = read_water_scarcity(table_path)
    profile = LoadProfile.from_job("2022-07-01T09:00Z", 10, "1000 kW")
    site = fp.Site(region="US-AZ", water_scarcity=table, **FIXED)
    r = account_hourly(profile, site, grid="US-SW-AZPS")
    water_m3 = r.results["water"].m_as("m**3")
    # every hour is in July: AWARE 2.0 US-AZ July 100.0
    assert r.results["water_scarcity"].m_as("m3_world_eq") == pytest.approx(water_m3 * 100.0)
    annual_m3 = r.results["water_annual"].m_as("m**3")
    assert r.results["water_scarcity_annual"].m_as("m3_world_eq") == pytest.approx(annual_m3 * 99.4)
    assert "water_scarcity_m3_world_eq" in r.hourly.columns


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("zone,factor\nNO,0.7\n", "lacks column factor_m3_world_eq_per_m3"),
        ("zone,factor_m3_world_eq_per_m3\nNO,abc\n", "row 2: factor_m3_world_eq_per_m3 'abc'"),
        ("zone,factor_m3_world_eq_per_m3\nNO,250\n", "outside 0-100"),
        ("zone,factor_m3_world_eq_per_m3\nNO,-1\n", "outside 0-100"),
        ("zone,factor_m3_world_eq_per_m3\nNO,nan\n", "outside 0-100"),
        ("zone,month,factor_m3_world_eq_per_m3\nNO,13,0.7\n", "month '13'"),
        ("zone,month,factor_m3_world_eq_per_m3\nNO,,0.7\nno,,0.8\n", "NO annual given twice"),
        ("zone,factor_m3_world_eq_per_m3\n,0.7\n", "empty zone"),
        ("zone,factor_m3_world_eq_per_m3\nNO,0.7,extra\n", "3 cells for 2 columns"),
        ("zone,factor_m3_world_eq_per_m3\n", "has no factors"),
        ("", "is empty"),
    ],
)
def test_bad_tables_are_one_line(tmp_path, content, message):
    path = tmp_path / "bad.csv"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(InputError, match=message.replace("(", r"\(")) as info:
        read_water_scarcity(path)
    assert "\n" not in str(info.value)


def test_site_takes_only_a_table():
    with pytest.raises(InputError, match="read_water_scarcity"):
        fp.Site(region="NO", water_scarcity="aware.csv")


def test_cli_estimate_compare_hourly(table_path):
    runner = CliRunner()
    base = ["-a", "H100-SXM", "--gpu-hours", "1000", "--power", "700 W", "--host-power", "0 W"]
    base += ["--pue", "1.2", "--wue", "0.5 L/kWh", "--ewif", "2 L/kWh", "--no-embodied"]
    out = runner.invoke(
        cli,
        ["estimate", *base, "-r", "US-AZ", "--water-scarcity-factors", str(table_path),
         "--format", "json"],
    )  # fmt: skip
    assert out.exit_code == 0, out.output
    d = json.loads(out.output)
    assert d["results"]["water_scarcity"]["value"] == pytest.approx(201.782)
    assert d["factors"]["water_scarcity"]["value"] == 99.4
    table = runner.invoke(
        cli, ["estimate", *base, "-r", "NO", "--water-scarcity-factors", str(table_path)]
    )
    assert table.exit_code == 0 and "Water scarcity footprint" in table.output
    comp = runner.invoke(
        cli,
        ["compare", "gpu", *base, "--regions", "US-AZ,NO", "--metric", "water_scarcity",
         "--water-scarcity-factors", str(table_path), "--format", "csv"],
    )  # fmt: skip
    assert comp.exit_code == 0, comp.output
    header, first, *_ = comp.output.splitlines()
    assert "water_scarcity_m3_world_eq" in header and first.startswith("NO,")
    hourly = runner.invoke(
        cli,
        ["hourly", "--region", "US-AZ", "--grid-zone", "US-SW-AZPS", "--start",
         "2022-07-01T09:00Z", "--hours", "10", "--power", "1000", "--water-scarcity-factors",
         str(table_path), "--format", "json"],
    )  # fmt: skip
    assert hourly.exit_code == 0, hourly.output
    res = json.loads(hourly.output)["results"]
    assert res["water_scarcity"]["value"] == pytest.approx(res["water"]["value"] / 1000 * 100.0)


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ("zone,factor_m3_world_eq_per_m3\nNO,x\n", "row 2"),
        (None, "directory"),
    ],
)
def test_cli_bad_table_is_one_line_exit_2(tmp_path, content, expected):
    path = tmp_path / "f.csv"
    if content is None:
        path.mkdir()
    else:
        path.write_text(content, encoding="utf-8")
    out = CliRunner().invoke(
        cli,
        ["estimate", "-a", "H100-SXM", "--gpu-hours", "10", "--water-scarcity-factors", str(path)],
    )
    assert out.exit_code == 2
    assert expected in out.output and len(out.output.strip().splitlines()) == 1
    assert "Traceback" not in out.output
