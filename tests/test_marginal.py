"""Marginal emission factors beside the average ones (issue 18): the IFI harmonised grid
factors 2021 as a site's intensity, through the one engine, in estimate and compare.

Figures: IFI TWG / UNFCCC Harmonized IFI Default Grid Factors 2021 v3.1, via CO2.js
(``../shared/sources/co2js-ifi-marginal/IFI_Default_Grid_Factors_2021_v3.1_unfccc.csv``),
gCO2/kWh, columns "Electricity Consumption" (combined margin) and "Operating Margin Grid
Emission Factor": line 80 ``"France",68,124,68,68,158``; line 86 ``"Germany",313,523,313,
313,650``; line 102 ``"India",608,822,608,608,951``; line 228 ``"United States",246,352,246,
246,416``; line 101 ``"Iceland",0,0,0,0,0`` (no factor); line 44 ``"Canary Islands
(Spain)",435,...``; line 46 ``"Cayman Islands",373,...``.
"""

from __future__ import annotations

import csv
import io
import json
import shutil
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from pint.testing import assert_allclose

import footprint as fp
from footprint.analyses.compare import compare
from footprint.cli import cli
from footprint.core.errors import InputError, MissingDataError
from footprint.data.loader import datasets_dir, licence_of, read_records
from footprint.places import marginal
from footprint.places.marginal import NoMarginalFactorError, marginal_factor
from footprint.places.site import Site, site_factors

ROOT = Path(__file__).resolve().parent.parent
SOURCES = ROOT.parent / "shared" / "sources"
TABLE = "share-alike/marginal_intensity"
JOB = ["-a", "H100-SXM", "--gpu-hours", "1000"]

#: (combined margin, operating margin) gCO2/kWh, IFI 2021 v3.1 (lines cited above).
IFI = {"FR": (68, 158), "DE": (313, 650), "IN": (608, 951), "US": (246, 416)}


def _run(*args: str):
    return CliRunner().invoke(cli, list(args))


# --- the curated table ----------------------------------------------------------------------


def test_table_holds_the_published_factors():
    rows = {r["zone"]: r for r in read_records(TABLE)}
    for zone, (combined, operating) in IFI.items():
        row = rows[zone]
        assert row["year"] == "2021"
        assert float(row["combined_margin_g_per_kwh"]) == combined
        assert float(row["operating_margin_g_per_kwh"]) == operating
        assert "Harmonized IFI Default Grid Factors 2021 v3.1" in row["source"]
        assert "CC BY-SA 4.0" in row["source"]
    # 0 in the source is no factor: kept blank, so the refusal can say why
    assert rows["IS"]["combined_margin_g_per_kwh"] == ""
    assert rows["IS"]["ifi_name"] == "Iceland"
    # CO2.js gives the Canary Islands Cayman's ISO-3 code: each keeps its own factor
    assert float(rows["KY"]["combined_margin_g_per_kwh"]) == 373
    assert float(rows["ES-CN-TE"]["combined_margin_g_per_kwh"]) == 435
    assert len(rows) == 224


def test_share_alike_file_is_separate_and_noticed():
    root = datasets_dir()
    assert (root / f"{TABLE}.csv").is_file()
    notice = (root / "share-alike" / "LICENSE-CC-BY-SA.md").read_text(encoding="utf-8")
    assert "Creative Commons Attribution-ShareAlike 4.0 International" in notice
    assert "IFI TWG / UNFCCC Harmonized IFI Default Grid Factors 2021 v3.1" in notice
    assert "creativecommons.org/licenses/by-sa/4.0" in notice
    # the ODbL notice of the same folder no longer claims this file
    odbl = (root / "share-alike" / "LICENSE-ODbL.md").read_text(encoding="utf-8")
    assert "not `marginal_intensity.csv`" in odbl
    assert licence_of("share-alike/marginal_intensity.csv")["licence"].startswith("CC BY-SA 4.0")
    sources = (root / "SOURCES.md").read_text(encoding="utf-8")
    assert "## share-alike/marginal_intensity.csv (CC BY-SA 4.0, separately licensed)" in sources


def test_permissive_tables_carry_no_marginal_values():
    for table in ("grid_intensity", "grid_intensity_subnational"):
        assert not any("IFI" in r["source"] for r in read_records(table))


@pytest.mark.skipif(not (SOURCES / "co2js-ifi-marginal").is_dir(), reason="no raw sources")
def test_builder_reproduces_the_shipped_file(tmp_path):
    sys.path.insert(0, str(ROOT / "scripts"))
    try:
        from datasets import marginal as builder
    finally:
        sys.path.remove(str(ROOT / "scripts"))
    for name in ("zones.csv", "zones_subnational.csv"):
        shutil.copy(datasets_dir() / name, tmp_path / name)
    written = builder.build(SOURCES, tmp_path)
    for path in written:
        rel = path.relative_to(tmp_path)
        assert path.read_bytes() == (datasets_dir() / rel).read_bytes(), rel


# --- the factor -----------------------------------------------------------------------------


def test_marginal_factor_is_labelled_and_sourced():
    f = marginal_factor(["IN"])
    assert_allclose(f.value, fp.Q_(608.0, "gCO2e/kWh"))
    assert (f.zone, f.year, f.origin) == ("IN", 2021, "dataset")
    assert f.note.startswith("marginal (IFI combined margin 2021): for decisions, not inventories")
    assert "CO2 at the plant only" in f.note
    assert f.dataset == "share-alike/marginal_intensity.csv:ifi-twg-2021-v3.1-co2js"
    assert f.extra == {"basis": "marginal", "margin": "combined"}
    op = marginal_factor(["FR"], "operating")
    assert_allclose(op.value, fp.Q_(158.0, "gCO2e/kWh"))
    assert op.note.startswith("marginal (IFI operating margin 2021)")


def test_sub_national_zone_and_cloud_region_take_their_country_noted():
    sf = site_factors(Site(region="US-CA", marginal=True))
    assert_allclose(sf.intensity.value, fp.Q_(246.0, "gCO2e/kWh"))
    assert sf.intensity.zone == "US"
    assert "no marginal factor for US-CA; US's used" in sf.intensity.note
    cloud = site_factors(Site(region="aws:us-east-1", marginal="combined"))
    assert_allclose(cloud.intensity.value, fp.Q_(246.0, "gCO2e/kWh"))


def test_site_basis_arguments():
    assert Site(region="FR", marginal=True).marginal == "combined"
    assert Site(region="FR", marginal="Operating").marginal == "operating"
    assert Site(region="FR", marginal=False).marginal is None
    with pytest.raises(InputError, match="marginal: expected True, False or one of"):
        Site(region="FR", marginal="build")
    with pytest.raises(InputError, match="either an intensity or a marginal basis"):
        Site(region="FR", marginal=True, intensity="300 g/kWh")
    with pytest.raises(InputError, match="cfe: a carbon-free share is for market-based"):
        Site(region="FR", marginal=True, cfe=0.5)


def test_asked_year_takes_the_2021_set_with_a_note_or_fails_strictly():
    sf = site_factors(Site(region="DE", year=2023, marginal=True))
    assert sf.intensity.year == 2021
    assert "no data for 2023; nearest year 2021 used" in sf.intensity.note
    with pytest.raises(MissingDataError, match="marginal factor of DE: no data for 2023"):
        site_factors(Site(region="DE", year=2023, marginal=True, strict_year=True))


# --- estimate: the one engine ---------------------------------------------------------------


def test_estimate_marginal_is_the_engine_with_the_marginal_intensity():
    """The marginal CO2e is the chain over the marginal factor: the same numbers as the
    average-basis estimate with that factor given as --intensity (IN: 608 gCO2e/kWh)."""
    job = fp.GpuJob("H100-SXM", gpu_hours=1000)
    r = fp.estimate(job, region="IN", marginal=True)
    given = fp.estimate(job, Site(region="IN", intensity="608 gCO2e/kWh"))
    assert_allclose(r.co2e, given.co2e)
    assert_allclose(r.co2e, r.facility_energy * fp.Q_(608, "gCO2e/kWh"))
    assert_allclose(r.results["co2e_market"], r.co2e)  # no carbon-free share at the margin
    assert r.factors["intensity"].extra["basis"] == "marginal"
    assert r.inputs["marginal"] == "combined margin (IFI)"
    average = fp.estimate(job, region="IN")
    assert "basis" not in average.factors["intensity"].extra or (
        average.factors["intensity"].extra["basis"] != "marginal"
    )
    assert average.factors["intensity"].value != r.factors["intensity"].value
    # Site(marginal=...) gives the same as the keyword
    assert_allclose(fp.estimate(job, Site(region="IN", marginal=True)).co2e, r.co2e)


def test_estimate_refuses_a_zone_without_a_factor_in_one_line():
    job = fp.GpuJob("H100-SXM", gpu_hours=1000)
    with pytest.raises(NoMarginalFactorError) as info:
        fp.estimate(job, region="IS", marginal=True)
    message = str(info.value)
    assert "\n" not in message
    assert "no factor for IS (the IFI 2021 set has none for Iceland: 0)" in message
    assert "run without --marginal" in message
    with pytest.raises(NoMarginalFactorError, match="no factor for WORLD"):
        fp.estimate(job, marginal=True)
    with pytest.raises(InputError, match="uncertainty: marginal factors have no documented"):
        fp.estimate(job, region="FR", marginal=True, uncertainty=True)


def test_missing_table_is_one_line(monkeypatch):
    monkeypatch.setattr(marginal, "MARGINAL_TABLE", "share-alike/not_there")
    marginal._index.cache_clear()
    try:
        with pytest.raises(MissingDataError, match="is not installed; run without --marginal"):
            marginal_factor(["FR"])
    finally:
        monkeypatch.undo()
        marginal._index.cache_clear()


def test_cli_estimate_marginal_json():
    r = _run("estimate", *JOB, "-r", "IN", "--marginal", "--format", "json")
    assert r.exit_code == 0, r.output
    data = json.loads(r.stdout)
    intensity = data["factors"]["intensity"]
    assert intensity["value"] == 608.0 and intensity["year"] == 2021
    assert (intensity["basis"], intensity["margin"]) == ("marginal", "combined")
    assert intensity["note"].startswith(
        "marginal (IFI combined margin 2021): for decisions, not inventories"
    )
    assert data["inputs"]["marginal"] == "combined margin (IFI)"
    energy = data["results"]["facility_energy"]["value"]
    assert data["results"]["co2e"]["value"] == pytest.approx(energy * 0.608)


def test_cli_estimate_marginal_operating_markdown_and_csv():
    md = _run("estimate", *JOB, "-r", "FR", "--marginal", "operating", "--format", "markdown")
    assert md.exit_code == 0, md.output
    assert "| CO2e, marginal (IFI operating margin 2021) |" in md.stdout
    assert "location-based" not in md.stdout
    assert "| intensity (marginal) | 158.0 gCO2e/kWh |" in md.stdout
    out = _run("estimate", *JOB, "-r", "FR", "--marginal", "operating", "--format", "csv")
    assert out.exit_code == 0, out.output
    rows = list(csv.DictReader(io.StringIO(out.stdout)))
    (factor,) = [r for r in rows if r["section"] == "factor" and r["name"] == "intensity"]
    assert float(factor["value"]) == 158.0
    assert factor["note"].startswith("marginal (IFI operating margin 2021)")
    assert {"section": "input", "name": "marginal", "value": "operating margin (IFI)"}.items() <= (
        next(r for r in rows if r["name"] == "marginal").items()
    )


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (["-r", "IS", "--marginal"], "no factor for IS (the IFI 2021 set has none for Iceland"),
        (["-r", "FR", "--marginal", "--intensity", "300 g/kWh"], "either an intensity or a"),
        (["-r", "FR", "--marginal", "--cfe", "0.5"], "not the marginal basis"),
        (["-r", "FR", "--marginal", "--uncertainty"], "no documented spread"),
        (["-r", "FR", "--marginal", "build"], "Invalid value for '--marginal'"),
        (["-r", "FR", "--marginal", "--format", "eu-ai-act"], "a disclosure reports the"),
    ],
)
def test_cli_estimate_marginal_errors_are_one_line(args, fragment):
    r = _run("estimate", *JOB, *args)
    assert r.exit_code == 2, r.output
    lines = r.stderr.strip().splitlines()
    assert fragment in r.stderr
    if "Invalid value" not in fragment:  # click's usage errors carry their own hint line
        assert len(lines) == 1, r.stderr
    assert "Traceback" not in r.output


# --- compare ----------------------------------------------------------------------------------


def test_compare_ranks_on_the_marginal_factor_and_lists_missing_zones():
    job = fp.GpuJob("H100-SXM", gpu_hours="1e6 h")
    df = compare(job, regions="IN,DE,FR,US,IS", marginal=True, year=2021)
    assert list(df.region) == ["FR", "US", "DE", "IN", "IS"]  # 68 < 246 < 313 < 608; IS last
    assert df.attrs["basis"] == "marginal (IFI combined margin 2021)"
    assert set(df["basis"]) == {"marginal (IFI combined margin 2021)"}
    by = df.set_index("region")
    for zone, (combined, _) in IFI.items():
        assert by.loc[zone, "intensity"].m_as("gCO2e/kWh") == combined
        ratio = by.loc[zone, "co2e"].m_as("kgCO2e") / by.loc[zone, "facility_energy"].m_as("kWh")
        assert ratio == pytest.approx(combined / 1000)
    assert by["co2e"].isna().tolist() == [False] * 4 + [True]  # IS: blank, not zero
    assert by["intensity"].isna().tolist() == [False] * 4 + [True]
    assert df["rank"].isna().tolist() == [False] * 4 + [True]
    assert any(
        n.startswith("no marginal factor for 1 region(s), listed with intensity and CO2e blank")
        and n.endswith(": IS")
        for n in df.attrs["notes"]
    )
    operating = compare(job, regions="FR,IN", marginal="operating")
    assert operating.set_index("region").loc["FR", "intensity"].m_as("gCO2e/kWh") == 158
    average = compare(job, regions="FR,IN", year=2021)
    assert "basis" not in average.columns and "basis" not in average.attrs


def test_cli_compare_marginal_json_csv_markdown():
    args = ["compare", "-a", "H100-SXM", "--gpu-hours", "1e6", "--regions", "FR,DE,IN,IS"]
    r = _run(*args, "--marginal", "--format", "json")
    assert r.exit_code == 0, r.output
    data = json.loads(r.stdout)
    assert data["basis"] == "marginal (IFI combined margin 2021)"
    rows = {row["region"]: row for row in data["rows"]}
    assert rows["IN"]["intensity"]["value"] == 608.0
    assert rows["IN"]["basis"] == "marginal (IFI combined margin 2021)"
    assert rows["IS"]["co2e"] is None and rows["IS"]["rank"] is None
    assert [rows[z]["rank"] for z in ("FR", "DE", "IN")] == [1, 2, 3]
    assert any("no marginal factor for 1 region(s)" in n for n in data["notes"])

    out = _run(*args, "--marginal", "operating", "--format", "csv")
    assert out.exit_code == 0, out.output
    table = {r["region"]: r for r in csv.DictReader(io.StringIO(out.stdout))}
    assert table["DE"]["basis"] == "marginal (IFI operating margin 2021)"
    assert float(table["DE"]["intensity_g_per_kwh"]) == 650.0
    assert table["IS"]["co2e_kg"] == ""

    md = _run(*args, "--marginal", "--format", "markdown")
    assert md.exit_code == 0, md.output
    assert md.stdout.startswith("**CO2e, marginal (IFI combined margin 2021): ")
    assert "marginal CO2e (IFI combined margin 2021)" in md.stdout
    assert "location-based" not in md.stdout


def test_cli_compare_average_output_has_no_marginal_basis():
    r = _run("compare", *JOB, "--regions", "FR,DE", "--format", "json")
    assert r.exit_code == 0, r.output
    data = json.loads(r.stdout)
    assert "basis" not in data and "basis" not in data["rows"][0]
