"""Notes grouped and deduplicated in one place (issue 17, item 12): attributed to their
rows, year substitutions in one line, no command-line hints in reports, Markdown bullets."""

import json

from click.testing import CliRunner

from footprint.cli import cli
from footprint.render.notes import group_notes, publishable

MODELS = ["-m", "llama-3.2-1b", "-m", "llama-3.1-8b", "-n", "1e9 request/day"]


def run(*args: str) -> str:
    r = CliRunner().invoke(cli, list(args), terminal_width=200)
    assert r.exit_code == 0, r.output
    return r.output


def test_year_substitutions_are_one_line_per_factor_listing_the_regions():
    """``compare --provider gcp`` printed 25 year-substitution lines (one per year and
    zone code); each factor's substitutions are now one line naming the regions."""
    out = run("compare", "--provider", "gcp", "-a", "H100-SXM", "--gpu-hours", "1000")
    years = [line for line in out.splitlines() if line.startswith("note:") and "year" in line]
    factors = [line.removeprefix("note: ").split(":")[0] for line in years]
    assert len(factors) == len(set(factors)) <= 8, years  # before: 25 lines
    [ewif] = [line for line in years if line.startswith("note: ewif: no year given")]
    assert "2022 (40 of 44 zones)" in ewif and "gcp:asia-east2" in ewif


def test_group_notes_merges_rows_and_years():
    pairs = [
        ("FR", "ewif: generation mix of FR: no year given, newest available year 2022 used"),
        ("SE", "ewif: generation mix of SE: no year given, newest available year 2021 used"),
        ("FR", "cfe: no carbon-free share known"),
        ("SE", "cfe: no carbon-free share known"),
        ("SE", "no open electricity price data for SE: give --price for a cost"),
        (None, "boundary (facility): accelerators"),
    ]
    assert group_notes(pairs, ["FR", "SE"], "region", {"FR": ["FR"], "SE": ["SE"]}) == [
        "boundary (facility): accelerators",
        "every region: cfe: no carbon-free share known",
        "SE: no open electricity price data for SE: give --price for a cost",
        "ewif: no year given; years used: 2021 (SE), 2022 (FR)",
    ]


def test_multi_model_notes_say_which_row_they_concern():
    out = run("infer", *MODELS, "--output-tokens", "300", "-e", "roofline")
    notes = [line.removeprefix("note: ") for line in out.splitlines() if line.startswith("note:")]
    decode = [n for n in notes if "decode step" in n]
    assert len(decode) == 2 and decode[0].startswith("llama-3.2-1b roofline: ")
    assert decode[1].startswith("llama-3.1-8b roofline: ")
    data = json.loads(run("infer", *MODELS, "--output-tokens", "300", "--format", "json"))
    assert any(n.startswith("every row: ") for n in data["notes"])


def test_reports_carry_no_cli_hints_the_terminal_keeps_them():
    job = ["estimate", "-a", "H100-SXM", "--gpu-hours", "1000", "-r", "US"]
    assert "give --price" in run(*job)
    for fmt in ("markdown", "hf-model-card", "eu-ai-act", "sci", "boamps"):
        out = run(*job, "--format", fmt)
        assert "--price" not in out and "--cfe" not in out and "turns it off" not in out, fmt
    assert publishable("no open electricity price data for US: give --price for a cost") == (
        "no open electricity price data for US"
    )
    assert publishable("no share known (give --cfe): market-based") == (
        "no share known: market-based"
    )


def test_markdown_notes_are_a_bullet_list():
    """Notes under a Markdown table ran together as one paragraph of ``note:`` lines."""
    for args in (
        ["infer", *MODELS, "--output-tokens", "300", "--format", "markdown"],
        ["compare", "--regions", "FR,SE", "-a", "H100-SXM", "--gpu-hours", "1000",
         "--format", "markdown"],
    ):  # fmt: skip
        out = run(*args)
        assert "\nnote: " not in out, args
        assert "Notes:\n\n- " in out, args
