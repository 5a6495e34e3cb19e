"""Regional comparison: ranks and ratios checked by hand, consistency with estimate(), exports."""

import json
import subprocess
import sys

import numpy as np
import pytest
from click.testing import CliRunner

import footprint as fp
from footprint.analyses.compare import (
    COLUMN_UNITS,
    compare,
    display_frame,
    plain,
    sort_comparison,
    to_csv,
    to_markdown,
    to_records,
)
from footprint.cli import cli
from footprint.core import units
from footprint.core.errors import InputError, UnknownNameError
from footprint.places.grid import grid_intensity
from footprint.places.site import Site

# 1,000 h at 1,000 W with no host share and PUE 1: 1,000 kWh, so kgCO2e = gCO2e/kWh.
UNIT_JOB = fp.GpuJob("H100-SXM", gpu_hours="1000 h", power="1000 W", host_power="0 W")
UNIT_SITE = Site(pue=1.0, wue="0 L/kWh")


def test_rank_and_ratio_by_hand():
    df = compare(UNIT_JOB, "TW,FR,SE", year=2022, site=UNIT_SITE)
    g = {z: grid_intensity(z, 2022).value.m_as("gCO2e/kWh") for z in ("FR", "SE", "TW")}
    # hand check: kgCO2e equals the zone's gCO2e/kWh; ranks follow the intensities
    assert list(df["region"]) == sorted(g, key=g.get)
    assert list(df["rank"]) == [1, 2, 3]
    co2e = dict(zip(df["region"], df["co2e"].pint.to("kgCO2e").pint.magnitude, strict=True))
    for zone, intensity in g.items():
        assert co2e[zone] == pytest.approx(intensity, rel=1e-12)
    best = min(g.values())
    ratios = dict(zip(df["region"], df["ratio_to_best"], strict=True))
    for zone, intensity in g.items():
        assert ratios[zone] == pytest.approx(intensity / best, rel=1e-12)
    assert df["facility_energy"].pint.to("kWh").pint.magnitude.tolist() == [1000.0] * 3


def test_each_row_equals_a_single_estimate():
    """The vectorised comparison and the engine agree zone by zone, on every result."""
    job = fp.GpuJob("A100-80GB", count=64, duration="3 days")
    regions = ["FR", "SE", "US-CA", "aws:us-east-1", "gcp:europe-west1", "TW"]
    df = compare(job, regions, year=2023)
    for row in df.itertuples():
        r = fp.estimate(job, Site(region=row.region, year=2023))
        for key in ("facility_energy", "co2e", "co2e_market", "water_onsite", "water_offsite"):
            got = getattr(row, key)
            assert got.m_as(r.results[key].units) == pytest.approx(r.results[key].magnitude)
        assert row.year == r.factors["intensity"].year


def test_several_workloads_add_up():
    a = fp.GpuJob("H100-SXM", gpu_hours="100 h")
    b = fp.GpuJob("A100-80GB", gpu_hours="300 h", utilization=0.5)
    both = compare([a, b], "FR,DE", year=2022)
    one = compare(a, "FR,DE", year=2022)
    two = compare(b, "FR,DE", year=2022)
    for col in ("co2e", "water", "facility_energy"):
        total = one[col].pint.magnitude.to_numpy() + two[col].pint.magnitude.to_numpy()
        np.testing.assert_allclose(both[col].pint.magnitude.to_numpy(), total)


def test_unit_aware_columns():
    df = compare(UNIT_JOB, ["FR", "SE"], year=2022)
    assert df["intensity"].pint.units == units.get_registry().Unit("gCO2e/kWh")
    assert df["co2e"].pint.to("tCO2e").pint.magnitude.iloc[0] > 0
    assert df.attrs["metric"] == "co2e"
    assert "1,000 H100-SXM-hours" in df.attrs["workload"]
    assert any("Ember" in s for s in df.attrs["sources"]["intensity"])


def test_sort_by_any_column_and_top_bottom():
    df = compare(UNIT_JOB, "TW,FR,SE,PL,NO", year=2022, site=UNIT_SITE)
    by_name = sort_comparison(df, "name")
    assert list(by_name["name"]) == sorted(df["name"])
    by_water = sort_comparison(df, "water", ascending=False)
    w = by_water["water"].pint.magnitude.to_numpy()
    assert (np.diff(w) <= 0).all()
    top = compare(UNIT_JOB, "TW,FR,SE,PL,NO", year=2022, site=UNIT_SITE, top=2)
    assert list(top["rank"]) == [1, 2]
    bottom = compare(UNIT_JOB, "TW,FR,SE,PL,NO", year=2022, site=UNIT_SITE, bottom=2)
    assert set(bottom["region"]) == {"TW", "PL"}
    ranked_by_water = compare(UNIT_JOB, "TW,FR,SE", year=2022, metric="water")
    assert ranked_by_water.loc[ranked_by_water["rank"] == 1, "water"].iloc[0] == min(
        ranked_by_water["water"]
    )
    with pytest.raises(UnknownNameError, match="water"):
        sort_comparison(df, "watr")


def test_market_based_ranking_with_carbon_free_share():
    df = compare(UNIT_JOB, "gcp:europe-north2,gcp:europe-west1", metric="co2e_market")
    assert (df["cfe"].pint.magnitude > 0).all()
    market = df["co2e_market"].pint.magnitude.to_numpy()
    location = df["co2e"].pint.magnitude.to_numpy()
    assert (market <= location).all()


def test_selection_by_kind_provider_and_missing_data():
    gcp = compare(UNIT_JOB, provider="gcp")
    assert all(r.startswith("gcp:") for r in gcp["region"])
    everything = compare(UNIT_JOB)
    assert len(everything) > 190
    assert any("every country" in n for n in everything.attrs["notes"])
    # zones without a generation mix stay, with CO2e and a blank water (issue 17, item 5)
    assert any("no generation mix for <zone>" in n for n in everything.attrs["notes"])
    assert "BM" in set(compare(UNIT_JOB, "FR,BM")["region"])
    with pytest.raises(UnknownNameError):
        compare(UNIT_JOB, "FR,Atlantis")
    with pytest.raises(InputError):
        compare(UNIT_JOB, "FR", top=2, bottom=2)
    with pytest.raises(InputError, match="region"):
        compare(UNIT_JOB, "FR", site=Site(region="DE"))


def test_plain_exports():
    df = compare(UNIT_JOB, "FR,SE,DE", year=2022, site=UNIT_SITE)
    p = plain(df)
    for col in ("intensity_g_per_kwh", "co2e_kg", "water_l", "facility_energy_kwh", "rank"):
        assert col in p.columns
    assert "price_eur_per_kwh" in p.columns and "cost_eur" in p.columns
    records = to_records(df)
    assert records[0]["co2e"]["unit"] == "kgCO2e"
    assert records[0]["water"]["unit"] == "L"
    json.dumps(records)  # JSON-ready
    text = to_csv(df)
    assert text.splitlines()[0].startswith("region,name,kind")
    md = to_markdown(df)
    assert "co2e [kgCO2e]" in md and md.count("\n") == len(df) + 2
    shown = display_frame(df, compact=True)
    assert "x best" in shown.columns


def test_pint_pandas_registered_only_at_call_time():
    code = "import sys, footprint.analyses.compare; print('pint_pandas' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


# --- CLI -----------------------------------------------------------------------------------


def run(*args):
    return CliRunner().invoke(cli, list(args))


def test_cli_compare_table_json_csv(tmp_path):
    base = ["compare", "-a", "H100-SXM", "--gpu-hours", "1e6", "--regions", "FR,SE,TW"]
    r = run(*base, "--year", "2022")
    assert r.exit_code == 0, r.output
    assert "Best: SE" in r.output and "tCO2e" in r.output and "km by an average" in r.output
    r = run(*base, "--format", "json", "--equivalences")
    d = json.loads(r.output)
    assert [row["rank"] for row in d["rows"]] == [1, 2, 3]
    assert d["equivalences"]["items"][0]["key"] == "car_km"
    r = run(*base, "--format", "csv", "--sort", "water", "--descending")
    assert r.exit_code == 0 and r.output.startswith("region,")
    chart = tmp_path / "c.svg"
    r = run(*base, "--plot", str(chart))
    assert r.exit_code == 0 and chart.stat().st_size > 1000


def test_cli_compare_reuses_infer_and_train_options():
    r = run(
        "compare",
        "infer",
        "-m",
        "llama-3.1-8b",
        "-n",
        "1e9 request/day",
        "--output-tokens",
        "300",
        "--regions",
        "FR,IN",
        "--format",
        "json",
    )
    assert r.exit_code == 0, r.output
    d = json.loads(r.output)
    assert d["rows"][0]["region"] == "FR" and "llama-3.1-8b" in d["workload"]
    r = run(
        "compare",
        "train",
        "-a",
        "H100-SXM",
        "-m",
        "llama-3-70b",
        "--tokens",
        "15T",
        "--gpu-hours",
        "6.4e6",
        "--regions",
        "FR,US",
        "--format",
        "csv",
    )
    assert r.exit_code == 0, r.output


def test_cli_compare_errors_exit_2():
    r = run("compare", "-a", "H100-SXM", "--gpu-hours", "10", "--regions", "FR", "--kind", "cloud")
    assert r.exit_code == 2
    r = run("compare", "-a", "H100-SXM", "--gpu-hours", "10", "--regions", "FR", "--sort", "x")
    assert r.exit_code == 2 and "unknown column" in r.output
    r = run("compare", "-a", "H100-SXM", "--gpu-hours", "10", "--regions", "FR", "--plot", "a.gif")
    assert r.exit_code == 2


def test_one_site_per_workload():
    """Workloads with their own overrides: each row is the sum of per-workload estimates."""
    a = fp.GpuJob("H100-SXM", gpu_hours="100 h")
    b = fp.GpuJob("A100-80GB", gpu_hours="300 h")
    sa, sb = Site(pue=1.1, wue="0 L/kWh"), Site(pue=1.4, price="0.2 USD/kWh")
    df = compare([a, b], "FR,SE", year=2022, site=[sa, sb]).set_index("region")
    for region in ("FR", "SE"):
        ra = fp.estimate(a, Site(region=region, year=2022, pue=1.1, wue="0 L/kWh"))
        rb = fp.estimate(b, Site(region=region, year=2022, pue=1.4, price="0.2 USD/kWh"))
        for key in ("it_energy", "facility_energy", "co2e", "water_onsite", "water"):
            want = ra.results[key].m_as(COLUMN_UNITS[key]) + rb.results[key].m_as(COLUMN_UNITS[key])
            assert df.loc[region, key].m_as(COLUMN_UNITS[key]) == pytest.approx(want)
        it = ra.results["it_energy"].m_as("kWh") + rb.results["it_energy"].m_as("kWh")
        facility = df.loc[region, "facility_energy"].m_as("kWh")
        assert df.loc[region, "pue"].m == pytest.approx(facility / it)  # energy-weighted
    # EUR for FR's dataset price of workload a, USD for b: no cost is added up
    assert "cost" not in df.columns or df["cost"].isna().all()
    with pytest.raises(InputError, match="one per workload"):
        compare([a, b], "FR", site=[sa, sb, sa])


def test_regions_that_share_a_parent_intensity_are_said_to_tie():
    """Regression: US states without own data for the asked year all showed the US value
    with nothing saying why every row tied (states have eGRID 2016-2023: in 2010 they take
    the country's value)."""
    df = compare(UNIT_JOB, "US-AL,US-AZ,FR", year=2010)
    assert list(df.loc[df["region"].isin(["US-AL", "US-AZ"]), "rank"]) == [2, 2]
    assert any("2 regions have no grid intensity of their own" in n for n in df.attrs["notes"])


def test_cli_best_and_worst_skip_unranked_rows_and_name_ties():
    """Regression: with --metric cost a region without a price was called the 'worst'."""
    r = run("compare", "-a", "H100-SXM", "--gpu-hours", "1e6", "--regions", "FR,SE,US",
            "--metric", "cost")  # fmt: skip
    assert r.exit_code == 0, r.output
    assert "worst: FR (France)" in r.output and "worst: US" not in r.output
    r = run("compare", "-a", "H100-SXM", "--gpu-hours", "1e6", "--regions", "FR,SE,US",
            "--metric", "cost", "--price", "0.1 USD/kWh")  # fmt: skip
    assert "All ranked regions tie on electricity cost." in r.output
    assert "That CO2e difference" not in r.output
    r = run("compare", "-a", "H100-SXM", "--gpu-hours", "1e6", "--regions",
            "US-AL,US-AZ,FR", "--year", "2010")  # fmt: skip
    assert "Best: FR (France); worst: US-AL (Alabama) and 1 other tied" in r.output


# --- embodied (manufacturing) CO2e, as estimate() counts it ----------------------------------


def test_embodied_per_row_equals_estimate():
    jobs = [fp.GpuJob("H100-SXM", gpu_hours="1e6 h"), fp.GpuJob("A100-80GB", gpu_hours="5000 h")]
    spec = fp.Embodied(lifetime="5 years")
    for embodied in (None, spec):
        for job in jobs:
            df = compare(job, "FR,SE,TW", year=2022, embodied=embodied)
            for _, row in df.iterrows():
                r = fp.estimate(job, region=row["region"], year=2022, embodied=embodied)
                for key in ("embodied_co2e", "total_co2e", "co2e"):
                    assert row[key].m_as("kgCO2e") == pytest.approx(
                        r.results[key].m_as("kgCO2e"), rel=1e-12
                    ), key
                assert row["total_co2e"].m_as("kgCO2e") == pytest.approx(
                    row["co2e"].m_as("kgCO2e") + row["embodied_co2e"].m_as("kgCO2e"), rel=1e-12
                )
        both = compare(jobs, "FR,SE", year=2022, embodied=embodied)
        for _, row in both.iterrows():
            expected = sum(
                fp.estimate(j, region=row["region"], year=2022, embodied=embodied)
                .results["embodied_co2e"]
                .m_as("kgCO2e")
                for j in jobs
            )
            assert row["embodied_co2e"].m_as("kgCO2e") == pytest.approx(expected, rel=1e-12)
    df = compare(jobs[0], "FR", year=2022)
    assert set(df.attrs["sources"]) >= {"embodied_accelerator", "embodied_host", "lifetime"}
    assert any(n.startswith("embodied:") for n in df.attrs["notes"])
    assert COLUMN_UNITS["embodied_co2e"] == COLUMN_UNITS["total_co2e"] == "kgCO2e"
    assert {"embodied_co2e_kg", "total_co2e_kg"} <= set(plain(df).columns)
    assert to_records(df)[0]["total_co2e"]["unit"] == "kgCO2e"


def test_embodied_false_gives_no_embodied_columns():
    df = compare(UNIT_JOB, "FR,SE", year=2022, embodied=False)
    assert "embodied_co2e" not in df.columns and "total_co2e" not in df.columns
    assert "embodied (manufacturing) emissions not counted" in df.attrs["notes"]
    with pytest.raises(InputError, match="total_co2e"):
        compare(UNIT_JOB, "FR,SE", year=2022, embodied=False, metric="total_co2e")
    with pytest.raises(InputError, match="embodied"):
        compare(UNIT_JOB, "FR,SE", year=2022, embodied="yes")  # type: ignore[arg-type]


def test_cli_no_embodied_and_embodied_options():
    base = ["compare", "-a", "H100-SXM", "--gpu-hours", "1000", "--regions", "FR,SE", "--year"]
    runner = CliRunner()
    on = runner.invoke(cli, [*base, "2022", "--format", "json"])
    assert on.exit_code == 0, on.output
    assert "embodied_co2e" in json.loads(on.output)["rows"][0]
    off = runner.invoke(cli, [*base, "2022", "--format", "json", "--no-embodied"])
    assert off.exit_code == 0, off.output
    rows = json.loads(off.output)["rows"]
    assert all("embodied_co2e" not in r and "total_co2e" not in r for r in rows)
    csv_off = runner.invoke(cli, [*base, "2022", "--format", "csv", "--no-embodied"])
    assert "embodied" not in csv_off.output.splitlines()[0]
    longer = runner.invoke(cli, [*base, "2022", "--format", "json", "--lifetime", "8"])
    assert longer.exit_code == 0, longer.output
    e4 = json.loads(on.output)["rows"][0]["embodied_co2e"]["value"]
    e8 = json.loads(longer.output)["rows"][0]["embodied_co2e"]["value"]
    assert e8 == pytest.approx(e4 / 2, rel=1e-12)
    bad = runner.invoke(cli, [*base, "2022", "--no-embodied", "--lifetime", "8"])
    assert bad.exit_code == 2 and "--lifetime" in bad.output


def test_metric_total_co2e_ranks():
    # a small job on efficient hardware: embodied is the same everywhere, so total ranks
    # like co2e; the metric column and the ratio follow total_co2e
    df = compare(
        fp.GpuJob("H100-SXM", gpu_hours="1e6 h"), "TW,FR,SE", year=2022, metric="total_co2e"
    )
    total = df["total_co2e"].pint.to("kgCO2e").pint.magnitude.to_numpy()
    assert list(df["rank"]) == [1, 2, 3]
    assert list(total) == sorted(total)
    assert float(df["ratio_to_best"].iloc[-1]) == pytest.approx(total[-1] / total[0])
    assert df.attrs["metric"] == "total_co2e"
    out = CliRunner().invoke(
        cli,
        [
            "compare",
            "-a",
            "H100-SXM",
            "--gpu-hours",
            "1e6",
            "--regions",
            "TW,FR,SE",
            "--year",
            "2022",
            "--metric",
            "total_co2e",
            "--format",
            "json",
        ],
    )
    assert out.exit_code == 0, out.output
    rows = json.loads(out.output)["rows"]
    assert [r["region"] for r in rows] == list(df["region"])
    table = CliRunner().invoke(
        cli,
        [
            "compare",
            "-a",
            "H100-SXM",
            "--gpu-hours",
            "1e6",
            "--regions",
            "TW,FR,SE",
            "--year",
            "2022",
            "--metric",
            "total_co2e",
        ],
    )
    assert table.exit_code == 0 and "total co2e" in table.output
