"""Output people paste into reports (issue 17, items 8-10): tables that fit the terminal,
Markdown that names what was estimated, and numbers written as readers expect them."""

from __future__ import annotations

import csv
import io
import json
import re

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from footprint.cli import cli
from footprint.core import units
from footprint.core.accounting import whole
from footprint.render import labels, report
from footprint.render.table import fit_text, terminal_width

JOB = ["-a", "H100-SXM", "--gpu-hours", "1e6"]
INFER = ["-n", "1e9 request/day", "--output-tokens", "300", "-r", "US", "--year", "2023"]
MODELS = ["-m", "llama-3.2-1b", "-m", "llama-3.1-8b", "-m", "llama-3.1-70b", "-m", "llama-3.1-405b"]

#: The wide tables of the issue: a result, a comparison of regions, of models, a fleet.
WIDE = {
    "estimate": ["estimate", *JOB, "-r", "US", "--year", "2023", "--uncertainty", "--breakdown"],
    "compare": ["compare", *JOB, "--regions", "FR,SE,US-CA,aws:us-east-1,TW"],
    "compare-gcp": ["compare", *JOB, "--provider", "gcp", "--metric", "co2e_market"],
    "infer": ["infer", *MODELS, *INFER, "-e", "production", "-e", "ecologits", "-e", "roofline"],
    "fleet": [
        "fleet",
        "--accelerator",
        "H100",
        "--shipments",
        "2e6/yr",
        "--lifetime",
        "4 years",
        "--mix",
        "US:0.45,CN:0.25,DE:0.3",
    ],
    "fleet-server": ["fleet", "--server", "DGX-H100", "--count", "1.5e6", "--pue", "1"],
}


def run(*args: str, columns: str | None = None) -> str:
    """Standard output of ``footprint args`` (``COLUMNS`` set, or unset: a pipe)."""
    result = CliRunner().invoke(cli, list(args), env={"COLUMNS": columns})
    assert result.exit_code == 0, result.output
    return result.stdout


# --- item 8: tables fit the terminal ---------------------------------------------------------


@pytest.mark.parametrize("width", [80, 100])
@pytest.mark.parametrize("name", list(WIDE))
def test_tables_fit_the_terminal(name: str, width: int) -> None:
    out = run(*WIDE[name], columns=str(width))
    too_long = [line for line in out.splitlines() if len(line) > width]
    assert not too_long, f"{len(too_long)} lines wider than {width}: {too_long[:3]}"


def test_a_narrow_terminal_names_the_columns_left_out() -> None:
    out = run(*WIDE["compare"], columns="80")
    footer = " ".join(line for line in out.splitlines() if "not shown" in line or "wider" in line)
    assert "not shown at 80 columns:" in footer
    assert "--format csv, json or markdown" in footer
    assert "co2e" in out.split("not shown")[0]  # the ranking metric is never left out
    wide = run(*WIDE["compare"], columns="200")
    assert "not shown" not in wide and "ewif" in wide and "Sweden" in wide


def test_models_keep_their_totals_before_counts_in_a_narrow_terminal() -> None:
    out = run(*WIDE["infer"], columns="100")
    table, footer = out.split("not shown")
    assert "llama-3.1-405b" in table  # names are not folded
    assert "accelerators_per_replica" in footer.replace("\n", "")
    assert "day_kwh" in table  # a total stays while counts go


def test_a_pipe_keeps_the_wide_tables_and_one_line_notes() -> None:
    out = run(*WIDE["compare"])
    assert max(len(line) for line in out.splitlines()) > 120  # drawn at 160, notes unwrapped
    assert "not shown" not in out


def test_terminal_width_reads_columns(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "90")
    assert terminal_width() == 90
    monkeypatch.setenv("COLUMNS", "10")
    assert terminal_width() == 40  # never narrower than a readable table
    monkeypatch.setenv("COLUMNS", "wide")
    assert terminal_width() is None  # CliRunner's stdout is no terminal


def test_fit_text_wraps_notes_under_their_marker() -> None:
    text = "note: " + "word " * 30
    lines = fit_text(text, 40).splitlines()
    assert all(len(line) <= 40 for line in lines)
    assert lines[0].startswith("note: ") and all(x.startswith("      w") for x in lines[1:])


# --- item 9: Markdown names what was estimated ------------------------------------------------


def test_estimate_markdown_names_accelerator_hours_region_and_boundary() -> None:
    out = run("estimate", *JOB, "-r", "US", "--year", "2023", "--format", "markdown")
    assert "| Input or assumption | Value |" in out
    for row in (
        "| Accelerator | H100-SXM |",
        "| GPU-hours | 1,000,000 h |",
        "| Region | US |",
        "| Year | 2023 |",
        "| Accounting boundary | facility: accelerators + host servers + facility overhead (PUE) |",
    ):
        assert row in out


def test_infer_markdown_names_model_volume_and_accelerator() -> None:
    out = run("infer", "-m", "llama-3.1-8b", *INFER, "--format", "markdown")
    assert "| Model | llama-3.1-8b |" in out
    assert "| Requests | 1,000,000,000 request/day |" in out
    assert "| Accelerator | H100-SXM |" in out
    assert "| Fleet utilization | 80% |" in out


def test_markdown_inputs_are_escaped() -> None:
    import dataclasses

    import footprint as fp

    result = fp.estimate(fp.GpuJob(accelerator="H100-SXM", gpu_hours=1000), region="FR")
    hostile = dataclasses.replace(result, inputs={"region": "FR | <script>[x](y)"})
    out = report.render(hostile, "markdown")
    row = next(line for line in out.splitlines() if line.startswith("| Region"))
    assert "<script>" not in row and "\\|" in row


# --- item 10: numbers as readers write them ---------------------------------------------------


def test_counts_are_whole_numbers() -> None:
    assert labels.format_count(144.0) == "144"
    assert labels.format_count(365249999999.99994) == "365,250,000,000"
    assert labels.format_count(2.5) == "2.500"
    out = run("infer", "-m", "llama-3.1-70b", "-e", "roofline", *INFER)
    cells = {
        parts[1]: parts[2]
        for parts in (re.split(r"\s*│\s*", line) for line in out.splitlines())
        if len(parts) > 3
    }
    assert cells["Replicas"] == "835" and cells["Accelerators per replica"] == "4"
    assert cells["Accelerators"] == "3,340" and cells["batch"] == "64"


def test_flops_in_scientific_notation_and_shares_in_percent() -> None:
    out = run(
        "train", "-a", "H100-SXM", "-m", "llama-3-70b", "--tokens", "15T", "--gpu-hours", "6e6"
    )
    assert "6.35e24 FLOP" in out and "YFLOP" not in out
    assert "29.71%" in out and "0.2971" not in out  # implied MFU
    assert labels.format_flops(6.349e24) == "6.35e24"
    assert labels.format_percent(0.8074) == "80.74%"


def test_breakdown_share_in_percent() -> None:
    out = run("estimate", *JOB, "-r", "FR", "--breakdown", "--format", "csv")
    notes = [r["note"] for r in csv.DictReader(io.StringIO(out)) if r["section"] == "breakdown"]
    assert notes and all(n.endswith("% of the total") for n in notes)


def test_energy_per_token_column_is_unambiguous() -> None:
    out = run("infer", *MODELS[:4], *INFER, "--format", "csv")
    header = out.splitlines()[0].split(",")
    assert "energy_per_token_wh" in header and not any("mwh" in h for h in header)
    single = run("infer", "-m", "llama-3.1-8b", *INFER)
    assert "mWh" not in single and "Wh/request" in single


def test_counts_in_json_carry_no_float_noise() -> None:
    out = json.loads(run("infer", "-m", "llama-3.1-8b", *INFER, "--format", "json"))
    requests = out["results"]["requests"]["value"]
    assert requests == 365250000000.0
    assert whole(365249999999.99994) == 365250000000.0
    assert whole(0.1 + 0.2) == 0.1 + 0.2  # not whole: kept


def test_litres_are_capital_l_everywhere() -> None:
    out = json.loads(
        run("estimate", *JOB, "-r", "SE", "--wue", "0.2 L/kWh", "--ewif", "3.1", "--format", "json")
    )
    assert out["inputs"]["wue"] == "0.2 L/kWh" and out["inputs"]["ewif"] == "3.1 L/kWh"
    fleet = json.loads(run(*WIDE["fleet-server"], "--format", "json"))
    assert fleet["per_year"]["water"]["unit"].endswith("L/year")
    registry = units.get_registry()
    assert units.format_unit(registry.Unit("Gl/year")) == "GL/year"


def test_periods_in_one_unit_and_spelled_out() -> None:
    out = run("infer", "-m", "llama-3.1-8b", *INFER)
    units_of = {
        m.group(1): m.group(2)
        for m in re.finditer(r"│ Energy per (day|month|year)\s*│\s*[\d.,]+ (\S+)", out)
    }
    assert units_of == {"day": "MWh/day", "month": "MWh/month", "year": "MWh/year"}
    assert not re.search(r"/d\b", out)
    data = json.loads(run("infer", "-m", "llama-3.1-8b", *INFER, "--format", "json"))
    assert data["results"]["energy_per_day"]["unit"] == "kWh/day"


def test_compare_csv_is_exact() -> None:
    out = run("compare", *JOB, "--regions", "FR,SE", "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(out)))
    records = json.loads(run("compare", *JOB, "--regions", "FR,SE", "--format", "json"))["rows"]
    for row, record in zip(rows, records, strict=True):
        assert float(row["co2e_kg"]) == record["co2e"]["value"]
        assert float(row["water_l"]) == record["water"]["value"]


# --- the plain box table: a long listing drawn without rich's per-cell layout ------------


def _drawn_by_rich(
    title: str, columns: list[str], body: list[list[str]], width: int, mins: list[int]
) -> str:
    """What rich draws for the same listing (the table ``frame_table`` builds)."""
    from rich.console import Console
    from rich.table import Table

    from footprint.render.table import _rich_cell

    buf = io.StringIO()
    console = Console(file=buf, width=width, force_terminal=False, color_system=None)
    table = Table(title=_rich_cell(title) if title else None, title_justify="left")
    for col, least in zip(columns, mins, strict=True):
        table.add_column(_rich_cell(col), overflow="fold", min_width=least)
    for row in body:
        table.add_row(*(_rich_cell(v) for v in row))
    console.print(table)
    return buf.getvalue()


def _uncropped(text: str) -> bool:
    """Whether a table is drawn whole: rich crops a table wider than the terminal at its
    right edge, and then its top border does not end with its corner."""
    return next(line for line in text.splitlines() if line.startswith("┏")).endswith("┓")


_CELL_TEXT = st.text(alphabet=st.sampled_from(list("ab Z09.,-_:[]/\\\n\tTōkyōé漢😀 ")), max_size=14)


@settings(max_examples=300, deadline=None)
@given(
    title=_CELL_TEXT,
    columns=st.lists(_CELL_TEXT, min_size=1, max_size=5),
    data=st.data(),
    width=st.integers(20, 120),
)
def test_the_plain_box_table_draws_what_rich_draws(
    title: str, columns: list[str], data: st.DataObject, width: int
) -> None:
    """Whenever the plain box table draws a listing, it is the text rich draws, to the
    character, unless rich's table is wider than the terminal (rich crops its right edge;
    the plain table narrows its widest columns to fit); otherwise it declines (``None``)
    and rich draws it."""
    from footprint.render.table import _box_table

    body = data.draw(
        st.lists(st.lists(_CELL_TEXT, min_size=len(columns), max_size=len(columns)), max_size=6)
    )
    mins = data.draw(st.lists(st.integers(1, 16), min_size=len(columns), max_size=len(columns)))
    drawn = _box_table(title, columns, body, width, mins)
    if drawn is None:
        return
    assert all(len(line) <= width for line in drawn.splitlines())
    by_rich = _drawn_by_rich(title, columns, body, width, mins)
    if _uncropped(by_rich):
        assert drawn == by_rich


@pytest.mark.parametrize(
    "args",
    [
        ["compare", *JOB, "--all-countries"],
        ["compare", *JOB, "--provider", "aws", "--year", "2022"],
        ["compare", *JOB, "--kind", "us-state"],
    ],
    ids=["countries", "aws", "us-states"],
)
@pytest.mark.parametrize("columns", ["80", "100", "200", ""])
def test_long_listings_are_drawn_as_rich_draws_them(
    args: list[str], columns: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A 220-country comparison (and two more) prints the same text with the plain box table
    as with rich's own layout, which is how it was drawn before: in terminals of 80, 100
    and 200 columns (folded and with columns left out, or at full width) and to a pipe."""
    from footprint.render import table

    monkeypatch.setenv("COLUMNS", columns)
    fast = CliRunner().invoke(cli, args)
    assert fast.exit_code == 0, fast.output
    drawn = []
    real = table._box_table
    monkeypatch.setattr(
        table,
        "_box_table",
        lambda *a: drawn.append(real(*a) is not None),  # type: ignore[func-returns-value]
    )
    slow = CliRunner().invoke(cli, args)
    assert drawn == [True]  # the listing was one the plain table draws
    width = int(columns or 160)  # 160 columns to a pipe
    assert all(len(line) <= width for line in fast.output.splitlines() if line[:1] in "┏┃┡│└")
    if _uncropped(slow.output):
        assert fast.output == slow.output
    else:  # rich cropped the right edge (the last columns cut off); the plain table fits
        assert _uncropped(fast.output)
