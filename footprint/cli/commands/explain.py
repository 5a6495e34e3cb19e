"""``footprint explain REGION``: every factor an estimate would use there, with its licence."""

from __future__ import annotations

from typing import Any

import click

from footprint.cli.commands._options import (
    echo,
    format_option,
    site_from_options,
    site_options_except,
)
from footprint.core.escape import markdown_text
from footprint.places.explain import explain_table
from footprint.render.report import render_frame


@click.command("explain")
@click.argument("region")
@site_options_except("region")
@format_option
def command(region: str, fmt: str, **site: Any) -> None:
    """Print every factor an estimate in REGION would use: value, unit, year, source, licence.

    \b
    Examples:
      footprint explain FR
      footprint explain aws:us-east-1 --year 2023
      footprint explain gcp:europe-west1 --format json
    """
    import pandas as pd

    site["region"] = region
    table, notes = explain_table(site_from_options(site))
    if fmt not in ("table", "markdown"):
        echo(render_frame(table, fmt))
        return
    # for people: a compact table, then each factor's source, licence and note in full
    compact = table[["factor", "value", "unit", "origin", "zone", "year", "licence"]]
    lines = [render_frame(compact, fmt, title=f"Factors for {region}").rstrip("\n"), ""]
    text = markdown_text if fmt == "markdown" else str  # plain lines: printed as they are
    for row in table.itertuples():
        dataset = "" if pd.isna(row.dataset) else str(row.dataset).strip()
        line = f"{row.factor}: {row.source}" + (f" [{dataset}]" if dataset else "")
        lines.append(text(line))
    lines += [""] + [text(f"note: {n}") for n in notes]
    echo("\n".join(lines))
