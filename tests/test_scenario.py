"""Scenario files (line-precise errors), reports (golden Markdown, HTML with charts)."""

import os
from html.parser import HTMLParser
from pathlib import Path

import pytest
from click.testing import CliRunner

import footprint.render.reporting as reporting
from footprint.analyses.scenario import ScenarioError, load_scenario, parse_scenario, run_scenario
from footprint.cli import cli

DATA = Path(__file__).resolve().parent / "data"
ROOT = Path(__file__).resolve().parent.parent
GOLDEN = DATA / "golden_report.md"

VALID = """\
[settings]
region = "FR"
year = 2022

[[workload]]
name = "job"
type = "gpu_job"
accelerator = "H100-SXM"
gpu_hours = "1000 h"
"""


def test_golden_markdown_report():
    result = run_scenario(load_scenario(DATA / "golden_scenario.toml"))
    text = reporting.render_markdown(result).replace(str(DATA), "tests/data")
    if os.environ.get("UPDATE_GOLDEN"):
        GOLDEN.write_text(text, encoding="utf-8")
    assert text == GOLDEN.read_text(encoding="utf-8")


def test_report_content_and_totals():
    result = run_scenario(load_scenario(DATA / "golden_scenario.toml"))
    fps = result.footprints
    total = sum(f.co2e.m_as("kgCO2e") for f in fps.values())
    assert result.totals["co2e"].m_as("kgCO2e") == pytest.approx(total)
    # the fine-tune runs in SE with its own PUE; pre-training in FR with the shared one
    assert fps["fine-tune"].factors["pue"].value.m == 1.2
    assert fps["fine-tune"].inputs["zone"] == "SE"
    assert fps["pre-training"].factors["pue"].value.m == 1.1
    md = reporting.render_markdown(result)
    for heading in (
        "## Totals",
        "## Workloads",
        "## Regional comparison",
        "## Factors and sources",
        "## Publish",
    ):
        assert heading in md
    assert "Olympic swimming pools" in md
    assert "footprint" in reporting.publish_paragraph(result)


class _Collect(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))


def test_html_report_parses_and_holds_charts(tmp_path):
    result = run_scenario(load_scenario(DATA / "golden_scenario.toml"))
    out = reporting.write_report(result, tmp_path / "r.html")
    text = out.read_text(encoding="utf-8")
    parser = _Collect()
    parser.feed(text)
    parser.close()
    tags = [t for t, _ in parser.tags]
    assert tags.count("svg") >= 2 and tags.count("table") >= 4
    # nothing fetched over the network: no scripts, stylesheets, images or remote hrefs
    assert not any(t in ("script", "link", "img", "iframe") for t in tags)
    for _, attrs in parser.tags:
        for key in ("src", "href"):
            assert not str(attrs.get(key, "")).startswith(("http:", "https:", "//"))
    assert text == reporting.render_html(result)  # deterministic


def test_write_is_atomic(tmp_path, monkeypatch):
    result = run_scenario(parse_scenario(VALID))
    target = tmp_path / "r.md"
    target.write_text("old report")

    def boom(_):
        raise RuntimeError("disk full")

    monkeypatch.setattr(reporting, "render_markdown", boom)
    with pytest.raises(RuntimeError):
        reporting.write_report(result, target)
    assert target.read_text() == "old report"
    assert [p.name for p in tmp_path.iterdir()] == ["r.md"]


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        ("[settings\nregion = 'FR'\n", 1, "invalid TOML"),
        (VALID.replace('gpu_hours = "1000 h"', 'gpu_hours = "3 W"'), 9, "expected time"),
        (VALID.replace('type = "gpu_job"', 'type = "gpu_jb"'), 7, "did you mean 'gpu_job'"),
        (VALID.replace("year = 2022", "yaer = 2022"), 3, "unknown key 'yaer'"),
        (VALID.replace("year = 2022", 'year = "2022"'), 3, "expected a calendar year"),
        (VALID.replace('region = "FR"', 'region = "Atlantis"'), 2, "unknown region"),
        (VALID + 'colour = "red"\n', 10, "unknown key 'colour'"),
        (VALID + "[workload.overrides]\npue = 0.5\n", 11, "at least 1"),
        (VALID + VALID.split("\n", 4)[4], 11, "duplicate workload name"),
        ('[settings]\nregion = "FR"\n', None, "no workload"),
        (VALID.replace('gpu_hours = "1000 h"', 'gpu_hours = "1000 h"\ncount = 4'), 9, "either"),
    ],
)
def test_errors_name_the_line(text, line, message):
    with pytest.raises(ScenarioError) as err:
        parse_scenario(text, "s.toml")
    assert err.value.line == line
    assert message in str(err.value)
    assert str(err.value).startswith(f"s.toml:{line}:" if line else "s.toml:")


def test_example_scenario_loads():
    s = load_scenario(ROOT / "examples" / "llm_project.toml")
    assert [w.type for w in s.workloads] == ["training", "fine_tune", "inference"]
    assert s.compare[:2] == ["FR", "SE"]


def test_cli_report(tmp_path):
    runner = CliRunner()
    out = tmp_path / "report.html"
    r = runner.invoke(cli, ["report", str(DATA / "golden_scenario.toml"), "--out", str(out)])
    assert r.exit_code == 0, r.output
    assert out.read_text().startswith("<!DOCTYPE html>")
    r = runner.invoke(cli, ["report", str(DATA / "golden_scenario.toml")])
    assert r.output.startswith("# Golden test scenario")
    bad = tmp_path / "bad.toml"
    bad.write_text(VALID.replace('"1000 h"', '"1000 W"'))
    target = tmp_path / "bad.md"
    r = runner.invoke(cli, ["report", str(bad), "--out", str(target)])
    assert r.exit_code == 2 and f"{bad}:9:" in r.output
    assert not target.exists()
    r = runner.invoke(cli, ["report", str(bad), "--check"])
    assert r.exit_code == 2
    r = runner.invoke(
        cli, ["report", str(DATA / "golden_scenario.toml"), "--out", str(tmp_path / "r.pdf")]
    )
    assert r.exit_code == 2 and ".md or .html" in r.output


@pytest.mark.parametrize(
    ("extra", "line", "message"),
    [
        # regressions: these gave AttributeError tracebacks or were silently accepted
        ("[settings.overrides]\noperator = 3\n", 11, "expected a string"),
        ("[settings.overrides]\nstrict_year = 'yes'\n", 11, "expected true or false"),
        ("[settings.overrides]\npue = true\n", 11, "expected a number"),
    ],
)
def test_override_types_are_checked(extra, line, message):
    with pytest.raises(ScenarioError) as err:
        parse_scenario(VALID + extra, "s.toml")
    assert err.value.line == line and message in str(err.value)


@pytest.mark.parametrize(
    ("compare", "message"),
    [
        ("{kind = 3}", "settings.compare.kind: expected a name, got 3"),
        ('{kind = "cloud", provider = ["gcp"]}', "settings.compare.provider: expected a name"),
        ("{}", "the table is empty"),
    ],
)
def test_compare_table_values_are_checked(compare, message):
    text = VALID.replace("year = 2022\n", f"year = 2022\ncompare = {compare}\n")
    with pytest.raises(ScenarioError) as err:
        parse_scenario(text, "s.toml")
    assert err.value.line == 4 and message in str(err.value)


def test_a_byte_order_mark_is_not_an_error(tmp_path):
    """Regression: a UTF-8 BOM (Windows editors) gave 'invalid TOML' at line 1."""
    path = tmp_path / "bom.toml"
    path.write_bytes(b"\xef\xbb\xbf" + VALID.encode())
    s = load_scenario(path)
    assert s.region == "FR" and [w.name for w in s.workloads] == ["job"]
    bad = tmp_path / "bad.toml"
    bad.write_bytes(b"\xef\xbb\xbf" + VALID.replace('"1000 h"', '"1000 W"').encode())
    with pytest.raises(ScenarioError) as err:
        load_scenario(bad)
    assert err.value.line == 9  # lines still counted from the first line


def test_comparison_keeps_each_workloads_overrides():
    """Regression: the regional comparison dropped [workload.overrides], so the row of
    the scenario's own region disagreed with the totals."""
    one = VALID.replace("year = 2022\n", 'year = 2022\ncompare = ["FR", "SE"]\n')
    one += '[workload.overrides]\npue = 1.1\nwue = "0 L/kWh"\n'
    result = run_scenario(parse_scenario(one))
    fr = result.comparison.set_index("region").loc["FR"]
    assert fr["co2e"].m_as("kgCO2e") == pytest.approx(result.totals["co2e"].m_as("kgCO2e"))
    assert fr["water"].m_as("L") == pytest.approx(result.totals["water"].m_as("L"))
    assert fr["pue"].m == pytest.approx(1.1)
    # two workloads with different overrides: the FR row still equals the totals, and
    # the factor columns are energy-weighted (pue = facility / IT energy)
    two = one + (
        '\n[[workload]]\nname = "other"\ntype = "gpu_job"\naccelerator = "H100-SXM"\n'
        'gpu_hours = "3000 h"\n'
    )
    result = run_scenario(parse_scenario(two))
    fr = result.comparison.set_index("region").loc["FR"]
    assert fr["co2e"].m_as("kgCO2e") == pytest.approx(result.totals["co2e"].m_as("kgCO2e"))
    assert fr["water"].m_as("L") == pytest.approx(result.totals["water"].m_as("L"))
    facility = result.totals["facility_energy"].m_as("kWh")
    assert fr["pue"].m == pytest.approx(facility / result.totals["it_energy"].m_as("kWh"))
    assert any("different site overrides" in n for n in result.comparison.attrs["notes"])


def test_publish_paragraph_credits_the_data_used_and_counts_embodied():
    """Regression: the paragraph always credited Ember via OWID (even for Electricity Maps
    or Google data) and said embodied emissions were not included though every estimate
    counts them."""
    text = (
        '[settings]\nregion = "aws:us-east-1"\nyear = 2023\n\n'
        '[[workload]]\nname = "a"\ntype = "gpu_job"\naccelerator = "H100-SXM"\n'
        'gpu_hours = "1000 h"\n\n'
        '[[workload]]\nname = "b"\ntype = "gpu_job"\naccelerator = "H100-SXM"\n'
        'gpu_hours = "1000 h"\nregion = "gcp:europe-west1"\n'
    )
    result = run_scenario(parse_scenario(text))
    para = reporting.publish_paragraph(result)
    assert "Electricity Maps" in para and "ODbL" in para  # aws:us-east-1 -> PJM, 2023
    assert "Google Cloud region carbon data" in para  # gcp's own per-region factor
    assert "not included" not in para
    embodied = sum(fp.results["embodied_co2e"].m_as("kgCO2e") for fp in result.footprints.values())
    assert result.totals["embodied_co2e"].m_as("kgCO2e") == pytest.approx(embodied)
    assert result.totals["total_co2e"].m_as("kgCO2e") == pytest.approx(
        embodied + result.totals["co2e"].m_as("kgCO2e")
    )
    assert "CO2e, embodied" in reporting.render_markdown(result)


def test_report_when_the_best_region_is_zero(tmp_path):
    """Regression: a zero best value (intensity override 0) made ratios undefined and the
    report crashed with a TypeError on float(<NA>)."""
    text = VALID.replace(
        "year = 2022\n",
        'year = 2022\ncompare = ["FR", "SE"]\n\n[settings.overrides]\nintensity = 0\n',
    )
    result = run_scenario(parse_scenario(text))
    md = reporting.render_markdown(result)
    assert "Every ranked region has the same value." in md
    assert reporting.write_report(result, tmp_path / "r.html").stat().st_size > 0


def test_write_report_to_an_unwritable_folder(tmp_path, monkeypatch):
    """Regression: an unwritable --out folder gave an OSError traceback."""
    import tempfile

    result = run_scenario(parse_scenario(VALID))

    def refuse(*args, **kwargs):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(tempfile, "mkstemp", refuse)
    with pytest.raises(reporting.InputError, match="--out: cannot write in"):
        reporting.write_report(result, tmp_path / "r.md")
    assert list(tmp_path.iterdir()) == []


def test_a_measured_workload_in_a_scenario():
    """A [[workload]] of type "measured": its energy, accounted like the others."""
    import footprint as fp
    from footprint.render.reporting import render_markdown

    text = """
[scenario]
title = "Metered"
[settings]
region = "FR"
year = 2022
[[workload]]
name = "metered pre-training"
type = "measured"
energy = "257 MWh"
[[workload]]
name = "metered hall"
type = "measured"
energy = "10 MWh"
basis = "facility"
"""
    result = run_scenario(parse_scenario(text))
    one = fp.estimate(fp.MeasuredRun("257 MWh"), fp.Site(region="FR", year=2022))
    expected = one.facility_energy.m_as("kWh") + 10_000
    assert result.totals["facility_energy"].m_as("kWh") == pytest.approx(expected)
    assert "accelerator_hours" not in result.totals
    assert "measured energy" in render_markdown(result)


@pytest.mark.parametrize("fmt", ["hf-model-card", "eu-ai-act", "sci", "boamps"])
def test_scenario_disclosures_one_per_workload(fmt):
    import json

    golden = Path(__file__).parent / "data" / "golden_scenario.toml"
    out = CliRunner().invoke(cli, ["report", str(golden), "--format", fmt])
    assert out.exit_code == 0, out.output
    result = run_scenario(load_scenario(golden))
    if fmt == "boamps":
        reports = json.loads(out.output)
        assert [r["measures"][0]["powerConsumption"] for r in reports] == pytest.approx(
            [fp.facility_energy.m_as("kWh") for fp in result.footprints.values()]
        )
    else:
        for name in result.footprints:
            assert f"# Workload: {name}" in out.output
    bad = CliRunner().invoke(cli, ["report", str(golden), "--format", fmt, "--out", "x.md"])
    assert bad.exit_code == 2 and "standard output" in bad.output
