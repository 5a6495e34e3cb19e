"""Trends, change arithmetic ("+48% since 2019") and projections."""

import json

import pytest
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st

import footprint as fp
from footprint.analyses.trends import (
    Growth,
    _extend,
    annual_rate,
    describe_change,
    growth_change,
    percent_change,
    project,
    project_totals,
    trend,
    trend_summary,
)
from footprint.cli import cli
from footprint.core import units
from footprint.core.errors import InputError, MissingDataError
from footprint.places.grid import grid_intensity
from footprint.places.site import Site

Q_ = units.Q_

# Google 2024 Environmental Report (FY2023): total GHG emissions 14,314,800 tCO2e, "a 48%
# increase compared to our 2019 target base year". The report's rounded statement bounds
# the 2019 base to 9.64-9.70 MtCO2e (14.3148 / 1.485 ... / 1.475).
GOOGLE_2023 = Q_(14_314_800, "tCO2e")


@pytest.mark.parametrize("base_mt", [9.64, 9.67, 9.70])
def test_plus_48_percent_since_2019(base_mt):
    text = describe_change(Q_(base_mt, "MtCO2e"), GOOGLE_2023, since=2019)
    assert text == "+48% since 2019"


def test_percent_change_arithmetic_and_units():
    assert percent_change(Q_(9.67, "MtCO2e"), GOOGLE_2023) == pytest.approx(
        (14.3148 / 9.67 - 1) * 100
    )
    assert percent_change(Q_(1, "GWh"), Q_(1500, "MWh")) == pytest.approx(50.0)
    assert describe_change(100, 52, since=2019) == "-48% since 2019"
    with pytest.raises(InputError):
        percent_change(Q_(1, "MtCO2e"), Q_(1, "GWh"))
    with pytest.raises(InputError):
        percent_change(0, 1)


def test_growth_assumptions_give_the_change():
    # +48% over 2019-2023 is +10.3% a year compound
    rate = annual_rate(Q_(9.67, "MtCO2e"), GOOGLE_2023, 4)
    assert rate == pytest.approx(10.30, abs=0.01)
    assert growth_change(4, volume_growth=rate / 100) == pytest.approx(48.03, abs=0.01)
    # 20% more work a year, 5% less energy per unit, a grid 3% cleaner a year, 7 years
    expected = ((1.2 * 0.95 * 0.97) ** 7 - 1) * 100
    assert growth_change(7, 0.2, 0.05, -0.03) == pytest.approx(expected)
    df = project_totals(Q_(14.3, "MtCO2e"), 2023, 2030, Growth(0.2, 0.05, -0.03))
    assert df["change_pct"].iloc[-1] == pytest.approx(expected)
    assert df["value"].pint.to("MtCO2e").pint.magnitude.iloc[-1] == pytest.approx(
        14.3 * (1 + expected / 100)
    )


@given(
    st.floats(-0.5, 2.0),
    st.floats(0.0, 0.9),
    st.floats(-0.5, 0.5),
    st.integers(1, 15),
)
def test_growth_change_composes(volume, efficiency, grid, years):
    """n years then m years equal n + m years (constant rates compose multiplicatively)."""
    whole = 1 + growth_change(years + 2, volume, efficiency, grid) / 100
    parts = (1 + growth_change(years, volume, efficiency, grid) / 100) * (
        1 + growth_change(2, volume, efficiency, grid) / 100
    )
    assert whole == pytest.approx(parts, rel=1e-9)


def test_trend_values_and_change():
    df = trend("FR", 2015, 2024)
    assert list(df["year"]) == list(range(2015, 2025))
    for row in df.itertuples():
        assert row.intensity.m == pytest.approx(grid_intensity("FR", row.year).value.m)
    first = grid_intensity("FR", 2015).value.m
    last = grid_intensity("FR", 2024).value.m
    assert df["intensity_change_pct"].iloc[-1] == pytest.approx((last / first - 1) * 100)
    s = df.attrs["summary"]["intensity"]
    assert s["annual_rate_pct"] == pytest.approx(((last / first) ** (1 / 9) - 1) * 100)
    assert any("no generation mix" in n for n in df.attrs["notes"])  # EWIF ends in 2022
    assert "since 2015" in trend_summary(df)[0]
    with pytest.raises(InputError):
        trend("FR", 2024, 2015)
    with pytest.raises(MissingDataError):
        trend("FR", 1990, 1995)


def test_projection_base_year_equals_estimate():
    job = fp.GpuJob("H100-SXM", gpu_hours="1e6 h")
    df = project(job, "FR", base_year=2022, end_year=2026, growth=Growth(0.3, 0.1, "constant"))
    base = fp.estimate(job, Site(region="FR", year=2022))
    assert df["co2e"].iloc[0].m_as("kgCO2e") == pytest.approx(base.co2e.m_as("kgCO2e"))
    assert df["water"].iloc[0].m_as("L") == pytest.approx(base.water.m_as("L"))


def test_projection_embodied_base_year_equals_estimate():
    job = fp.GpuJob("H100-SXM", gpu_hours="1e6 h")
    df = project(job, "FR", base_year=2022, end_year=2026, growth=Growth(0.3, 0.1, "constant"))
    base = fp.estimate(job, Site(region="FR", year=2022))
    assert base.embodied_co2e is not None and base.total_co2e is not None
    assert df["embodied_co2e"].iloc[0].m_as("kgCO2e") == pytest.approx(
        base.embodied_co2e.m_as("kgCO2e"), rel=1e-12
    )
    assert df["total_co2e"].iloc[0].m_as("kgCO2e") == pytest.approx(
        base.total_co2e.m_as("kgCO2e"), rel=1e-12
    )
    assert any(n.startswith("embodied:") for n in df.attrs["notes"])


def test_projection_embodied_follows_volume_and_efficiency():
    job = fp.GpuJob("H100-SXM", gpu_hours="1000 h")
    df = project(job, "FR", base_year=2022, end_year=2028, growth=Growth(0.3, 0.1, "constant"))
    e0 = df["embodied_co2e"].iloc[0].m_as("kgCO2e")
    for row in df.itertuples():
        index = row.volume_index * row.efficiency_index
        assert row.embodied_co2e.m_as("kgCO2e") == pytest.approx(e0 * index, rel=1e-12)
        assert row.embodied_co2e_change_pct == pytest.approx((index - 1) * 100)
        total = row.co2e.m_as("kgCO2e") + row.embodied_co2e.m_as("kgCO2e")
        assert row.total_co2e.m_as("kgCO2e") == pytest.approx(total, rel=1e-12)
    lifetime = fp.Embodied(lifetime="2 years")
    df2 = project(job, "FR", base_year=2022, end_year=2023, embodied=lifetime)
    assert df2["embodied_co2e"].iloc[0].m_as("kgCO2e") == pytest.approx(2 * e0, rel=1e-9)


def test_projection_without_embodied():
    job = fp.GpuJob("H100-SXM", gpu_hours="1000 h")
    df = project(job, "FR", base_year=2022, end_year=2024, embodied=False)
    assert not any(c.startswith(("embodied", "total")) for c in df.columns)
    assert "embodied (manufacturing) emissions not counted" in df.attrs["notes"]
    with pytest.raises(InputError):
        project(job, "FR", base_year=2022, end_year=2024, embodied="yes")  # type: ignore[arg-type]


def test_cli_project_embodied_and_no_embodied():
    args = ["project", "-a", "H100-SXM", "--gpu-hours", "1e6", "-r", "FR", "--from", "2022"]
    r = run(*args, "--to", "2024", "--format", "json")
    assert r.exit_code == 0, r.output
    row = json.loads(r.output)["rows"][0]
    assert row["embodied_co2e"]["unit"] == "kgCO2e" and row["embodied_co2e"]["value"] > 0
    assert row["total_co2e"]["value"] == pytest.approx(
        row["co2e"]["value"] + row["embodied_co2e"]["value"]
    )
    r = run(*args, "--to", "2024", "--format", "json", "--no-embodied")
    assert r.exit_code == 0, r.output
    out = json.loads(r.output)
    assert "embodied_co2e" not in out["rows"][0] and "total_co2e" not in out["rows"][0]
    assert "embodied (manufacturing) emissions not counted" in out["notes"]
    r = run(*args, "--to", "2024", "--format", "csv", "--no-embodied")
    assert r.exit_code == 0 and "embodied" not in r.output.splitlines()[0]
    r = run(*args, "--to", "2024", "--no-embodied", "--lifetime", "3 years")
    assert r.exit_code != 0 and "--no-embodied" in r.output
    r = run(
        "project",
        "train",
        "-a",
        "H100-SXM",
        "--flops",
        "1e24",
        "-r",
        "DE",
        "--from",
        "2022",
        "--to",
        "2023",
        "--format",
        "csv",
        "--lifetime",
        "5 years",
    )
    assert r.exit_code == 0, r.output
    assert "embodied_co2e_kg" in r.output.splitlines()[0]


def test_projection_arithmetic_with_a_fixed_grid():
    job = fp.GpuJob("H100-SXM", gpu_hours="1000 h", power="1000 W", host_power="0 W")
    site = Site(pue=1.0, intensity="400 g/kWh", ewif="2 L/kWh", wue="0 L/kWh")
    df = project(
        job, "US", base_year=2024, end_year=2030, growth=Growth(0.3, 0.1, -0.05), site=site
    )
    for n, row in enumerate(df.itertuples()):
        factor = (1.3 * 0.9 * 0.95) ** n
        assert row.co2e.m_as("kgCO2e") == pytest.approx(400 * factor)
        assert row.co2e_change_pct == pytest.approx((factor - 1) * 100)


def test_linear_extrapolation_continues_the_recent_slope():
    history = {2018: 100.0, 2019: 90.0, 2020: 80.0, 2021: 70.0, 2022: 60.0}
    values, basis, notes = _extend(history, list(range(2021, 2030)), Growth(grid="linear"), "x")
    assert values[:2] == [70.0, 60.0] and basis[:2] == ["data", "data"]
    assert values[2:6] == pytest.approx([50.0, 40.0, 30.0, 20.0])
    assert values[-1] == 0.0  # floored at zero
    assert any("floored" in n for n in notes)
    values, _, _ = _extend(history, [2025], Growth(grid="constant"), "x")
    assert values == [60.0]
    values, _, _ = _extend(history, [2024], Growth(grid=-0.1), "x")
    assert values == pytest.approx([60 * 0.9**2])


def test_growth_validation():
    with pytest.raises(InputError):
        Growth(efficiency_gain=1.0)
    with pytest.raises(InputError):
        Growth(grid="quadratic")
    with pytest.raises(InputError):
        Growth(fit_years=1)


def run(*args):
    return CliRunner().invoke(cli, list(args))


def test_cli_trend_and_project():
    r = run("trend", "FR", "--from", "2015", "--to", "2024")
    assert r.exit_code == 0, r.output
    assert "-25%" in r.output or "since 2015" in r.output
    r = run("trend", "DE", "PL", "--from", "2020", "--format", "json")
    assert [t["region"] for t in json.loads(r.output)] == ["DE", "PL"]
    r = run(
        "project", "total", "--baseline", "2019=9.67 MtCO2e", "--current", "2023=14.3148 MtCO2e"
    )
    assert r.exit_code == 0 and "+48% since 2019" in r.output
    r = run(
        "project",
        "total",
        "--baseline",
        "2023=14.3 MtCO2e",
        "--to",
        "2030",
        "--growth",
        "20%",
        "--efficiency",
        "5%",
        "--grid",
        "-3%",
        "--format",
        "json",
    )
    rows = json.loads(r.output)["projection"]["rows"]
    assert rows[-1]["change_percent"] == pytest.approx(growth_change(7, 0.2, 0.05, -0.03))
    r = run(
        "project",
        "-a",
        "H100-SXM",
        "--gpu-hours",
        "1e6",
        "--region",
        "US",
        "--from",
        "2023",
        "--to",
        "2027",
        "--growth",
        "30%",
        "--efficiency",
        "15%",
    )
    assert r.exit_code == 0, r.output
    assert "extrapolated" in r.output and "since 2023" in r.output
    r = run("project", "-a", "H100-SXM", "--gpu-hours", "1e6", "--from", "2023", "--to", "2027")
    assert r.exit_code == 2 and "region" in r.output


def test_trend_of_a_sub_zone_uses_its_own_series():
    """Regression: `trend CA-QC` showed Canada's series (about 170 g/kWh) under Quebec's
    name because it covered more years; Quebec's own series (28-41 g/kWh) exists."""
    df = trend("CA-QC")
    own = grid_intensity("CA-QC", 2023).value.m_as("gCO2e/kWh")
    row = df.loc[df["year"] == 2023].iloc[0]
    assert row["intensity"].m_as("gCO2e/kWh") == pytest.approx(own)
    assert int(df["year"].iloc[0]) == 2021  # the table starts with the region's own series
    assert not any("intensity series of CA used" in n for n in df.attrs["notes"])
    # a state with its own eGRID series keeps it; the years it lacks have no row, noted
    ca = trend("US-CA", 2015, 2024)
    assert list(ca["year"]) == [2018, 2019, 2020, 2021, 2023]
    assert any("no grid intensity for US-CA in" in n for n in ca.attrs["notes"])
    with pytest.raises(MissingDataError, match="from 2030 on"):
        trend("FR", 2030)


@pytest.mark.parametrize("region", ["CA-QC", "aws:us-east-1", "gcp:europe-west1", "US-MIDA-PJM"])
@pytest.mark.parametrize("base", [2019, 2023, 2025])
def test_projection_base_year_equals_estimate_everywhere(region, base):
    """Regression: the projection took the series covering most years (e.g. Canada's for
    CA-QC: 5x Quebec's CO2e) and extrapolated EWIF in the base year, so its base year
    differed from `footprint estimate` of that year and region."""
    job = fp.GpuJob("H100-SXM", gpu_hours="1e6 h")
    df = project(job, region, base_year=base, end_year=base + 3)
    est = fp.estimate(job, Site(region=region, year=base))
    assert df["co2e"].iloc[0].m_as("kgCO2e") == pytest.approx(est.co2e.m_as("kgCO2e"))
    assert df["water"].iloc[0].m_as("L") == pytest.approx(est.water.m_as("L"))


def test_describe_change_over_one_year():
    assert (
        describe_change(10, 11, 2019, 2020)
        == "+10% since 2019 (+10.0% a year compound over 1 year)"
    )


def test_cli_project_total_checks_its_totals():
    r = run("project", "total", "--baseline", "19999=10", "--current", "20000=14.8")
    assert r.exit_code == 2 and "19999" in r.output and len(r.output.splitlines()) == 1
    r = run("project", "total", "--baseline", "2019=1e400 MtCO2e", "--to", "2020")
    assert r.exit_code == 2 and "finite" in r.output


def test_cli_trend_json_is_strict_json():
    """Regression: a one-year trend printed `"annual_rate_pct": NaN`, which is not JSON."""

    def reject(constant):
        raise ValueError(constant)

    r = run("trend", "FR", "--from", "2024", "--format", "json")
    assert r.exit_code == 0, r.output
    data = json.loads(r.output, parse_constant=reject)
    assert data[0]["summary"]["intensity"]["annual_rate_pct"] is None
