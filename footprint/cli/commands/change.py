"""``footprint change FILE``: why an organisation's emissions changed, as exact effects."""

from __future__ import annotations

import click

from footprint.analyses.change import decompose_file
from footprint.cli.commands._options import FORMATS, FileNameType, echo
from footprint.render.change_report import render_change


@click.command("change", context_settings={"help_option_names": ["-h", "--help"]})
@click.argument("file", type=FileNameType())
@click.option(
    "--format",
    "fmt",
    type=click.Choice(FORMATS),
    default="table",
    show_default=True,
    help="Output format.",
)
def command(file: str, fmt: str) -> None:
    """Why an organisation's emissions changed between years: an exact decomposition.

    FILE (TOML) gives two or more years of figures, each optionally with its source and a
    status (verified, derived, illustrative): electricity by region, PUE, carbon-free
    energy or market-based figures, the grid's intensity, other scopes and an optional
    activity measure (compute done). The change between consecutive years and between the
    first and last is split with LMDI-I (Ang 2004) into activity, efficiency of compute,
    where (regions), PUE, contracts, grid mix and each other scope; the effects add up to
    the change, with no residual.

    \b
    Examples:
      footprint change examples/google_2019_2023.toml
      footprint change examples/google_2019_2023.toml --format json
    """

    echo(render_change(decompose_file(file), fmt))
