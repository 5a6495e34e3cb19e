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
from footprint.places.explain import NOT_AVAILABLE, explain
from footprint.render.notes import markdown_bullets, note_lines
from footprint.render.report import format_number, render_frame, to_json


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
    site["region"] = region
    found = explain(site_from_options(site))
    if fmt == "json":  # the shape of an estimate's factors: a dict keyed by factor name
        echo(to_json(found.to_dict()))
        return
    table = found.to_frame()
    if fmt == "csv":
        echo(render_frame(table, fmt))
        return
    # for people: a compact table (values to 4 significant digits), then each factor's
    # source, licence and note in full
    compact = table[["factor", "value", "unit", "origin", "zone", "year", "licence"]].copy()
    compact["value"] = compact["value"].map(_shown)
    lines = [render_frame(compact, fmt, title=f"Factors for {region}").rstrip("\n"), ""]
    sources = []
    for row in table.itertuples():
        if row.value is None:
            sources.append(f"{row.factor}: {row.note}")
            continue
        dataset = str(row.dataset).strip() if isinstance(row.dataset, str) else ""
        vintage = f" ({row.vintage})" if row.vintage else ""  # newest year, dates
        sources.append(
            f"{row.factor}: {row.source}" + (f" [{dataset}]" if dataset else "") + vintage
        )
    # Markdown: bullet lists (no command-line hints); the terminal: lines as they are
    lines += markdown_bullets(sources) if fmt == "markdown" else sources
    lines += note_lines(found.notes, fmt)
    echo("\n".join(lines))


def _shown(value: Any) -> str:
    """A value for people: a number to 4 significant digits, text as it is, a missing one
    as "not available" (never ``nan``)."""
    if value is None or (isinstance(value, float) and value != value):
        return NOT_AVAILABLE
    return format_number(value) if isinstance(value, (int, float)) else str(value)
