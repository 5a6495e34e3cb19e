"""footprint.render.report is the one dispatch over one module per output format.

The dispatch chooses the format module; the format modules sit below it and beside each
other (a module re-exports from its parts, never the reverse); every name commands import
from ``footprint.render.report`` is the object its home module defines.
"""

from __future__ import annotations

import ast
import json
from pathlib import Path

import pandas as pd
import pytest

from footprint.analyses.estimate import estimate
from footprint.analyses.uncertainty import Uncertainty
from footprint.catalogues.embodied import Embodied
from footprint.places.site import Site
from footprint.render import csv_out, finite, json_out, labels, markdown, report, table
from footprint.workloads.jobs import GpuJob

RENDER_DIR = Path(report.__file__).resolve().parent

#: Format -> (its module, writer of a result, writer of a listing).
FORMAT_MODULES = {
    "table": (table, table.result_table, table.frame_table),
    "json": (json_out, json_out.result_json, json_out.frame_json),
    "csv": (csv_out, csv_out.result_csv, csv_out.frame_csv),
    "markdown": (markdown, markdown.result_markdown, markdown.frame_markdown),
}


@pytest.fixture(scope="module")
def fp():
    return estimate(GpuJob("H100", gpu_hours="100 h"), Site(region="FR", year=2022))


@pytest.fixture(scope="module")
def fp_ranged():
    return estimate(
        GpuJob("H100-SXM", gpu_hours="1000 h"),
        Site(region="aws:us-east-1", year=2023),
        embodied=Embodied(lifetime="6 years"),
        uncertainty=Uncertainty(samples=200, seed=3),
    )


def test_every_format_has_one_module():
    assert set(FORMAT_MODULES) == set(report.FORMATS)


@pytest.mark.parametrize("fmt", report.FORMATS)
@pytest.mark.parametrize("breakdown", [False, True])
def test_render_is_the_format_module(fp, fmt, breakdown):
    _, write_result, _ = FORMAT_MODULES[fmt]
    assert report.render(fp, fmt, breakdown=breakdown) == write_result(fp, breakdown)


@pytest.mark.parametrize("fmt", report.FORMATS)
def test_render_frame_is_the_format_module(fmt):
    df = pd.DataFrame({"region": ["FR", "[b]SE[/b]"], "value": [1.5, None]})
    _, _, write_frame = FORMAT_MODULES[fmt]
    expected = write_frame(df, "Regions") if fmt == "table" else write_frame(df)
    assert report.render_frame(df, fmt, title="Regions") == expected


def test_ranges_sensitivity_and_breakdown_in_every_format(fp_ranged):
    text = report.render(fp_ranged, "csv", breakdown=True)
    sections = {line.split(",")[0] for line in text.splitlines()}
    assert {"result", "factor", "sensitivity:co2e", "breakdown"} <= sections
    assert "sensitivity" in json.loads(report.render(fp_ranged, "json"))["uncertainty"]
    assert "breakdown" in json.loads(report.render(fp_ranged, "json", breakdown=True))
    for fmt in ("table", "markdown"):
        text = report.render(fp_ranged, fmt, breakdown=True)
        assert "Range (P5–P95)" in text and "total CO2e by part" in text.replace("Total", "total")
        assert "Sensitivity of total CO2e" in text


def test_an_unknown_format_is_refused_by_both(fp):
    message = "format: expected one of ('table', 'json', 'csv', 'markdown'), got 'xml'"
    with pytest.raises(ValueError) as raised:
        report.render(fp, "xml")
    assert str(raised.value) == (
        "format: expected one of ('table', 'json', 'csv', 'markdown', 'hf-model-card', "
        "'eu-ai-act', 'boamps', 'sci'), got 'xml'"
    )
    with pytest.raises(ValueError) as raised:
        report.render_frame(pd.DataFrame({"a": [1]}), "xml")
    assert str(raised.value) == message
    with pytest.raises(ValueError):  # disclosures are of one result, not of a listing
        report.render_frame(pd.DataFrame({"a": [1]}), "sci")


def test_public_names_of_report_are_their_homes():
    homes = {
        "to_json": json_out,
        "check_finite": finite,
        "NonFiniteError": finite,
        "csv_safe_frame": csv_out,
        "format_number": labels,
        "readable": labels,
        "readable_range": labels,
        "result_label": labels,
        "short_source": labels,
        "brief_source": labels,
        "TABLE_SOURCE_CHARS": labels,
    }
    for name, home in homes.items():
        assert getattr(report, name) is getattr(home, name), name
    for name in report.__all__:
        assert hasattr(report, name), name


def _render_imports(path: Path) -> set[str]:
    """The footprint.render modules that ``path`` imports (anywhere in it)."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("footprint.render"):
            found.add(node.module.removeprefix("footprint.render").lstrip("."))
            if node.module == "footprint.render":
                found |= {a.name for a in node.names}
        elif isinstance(node, ast.Import):
            found |= {
                a.name.removeprefix("footprint.render.")
                for a in node.names
                if a.name.startswith("footprint.render.")
            }
    return found


def test_no_render_module_imports_the_dispatch():
    """report re-exports from its parts, never the reverse."""
    users = sorted(
        p.name
        for p in RENDER_DIR.glob("*.py")
        if p.stem != "report" and "report" in _render_imports(p)
    )
    assert not users, f"these render modules import footprint.render.report: {users}"


def test_format_modules_do_not_import_each_other():
    formats = {module.__name__.rpartition(".")[2] for module, _, _ in FORMAT_MODULES.values()}
    for name in sorted(formats):
        crossed = _render_imports(RENDER_DIR / f"{name}.py") & (formats - {name})
        assert not crossed, f"{name} imports the format modules {sorted(crossed)}"
