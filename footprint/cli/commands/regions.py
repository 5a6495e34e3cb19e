"""``footprint regions``: list, filter and count regions with the factors used there."""

from __future__ import annotations

from typing import Any

import click

from footprint.cli import CliError
from footprint.cli.commands._options import echo, format_option
from footprint.data.vintages import vintage_table
from footprint.places.regions import KINDS, coverage, region_suggestions
from footprint.places.site import region_table
from footprint.render.report import render_frame, to_json


@click.command("regions")
@click.option("--search", "-s", help="Substring of id, name, alias or city (e.g. fra, virginia).")
@click.option("--kind", type=click.Choice(KINDS), help="Only regions of this kind.")
@click.option(
    "--provider",
    help="Only cloud regions of this provider (aws, gcp, azure, oci, coreweave, lambda).",
)
@click.option("--country", help="Only regions in this country (code or name).")
@click.option("--year", type=click.IntRange(1990, 2100), help="Factors of this year (nearest).")
@click.option(
    "--summary",
    is_flag=True,
    help="Count regions by kind (coverage report), then each dataset's vintage: newest year, "
    "publication and retrieval dates.",
)
@format_option
def command(
    search: str | None,
    kind: str | None,
    provider: str | None,
    country: str | None,
    year: int | None,
    summary: bool,
    fmt: str,
) -> None:
    """List regions with the intensity, EWIF, PUE, WUE and year an estimate would use.

    \b
    Examples:
      footprint regions --search fra
      footprint regions --kind cloud --provider gcp
      footprint regions --country US --kind us-state
      footprint regions --summary
    """

    if summary:
        given = [
            f"--{name}"
            for name, value in (
                ("search", search),
                ("kind", kind),
                ("provider", provider),
                ("country", country),
                ("year", year),
            )
            if value is not None
        ]
        if given:
            raise CliError(f"--summary: counts every region; it takes no {', '.join(given)}")
        echo(_summary(fmt))
        return
    for name, value in (("--country", country), ("--provider", provider)):
        if value is not None and not value.strip():
            raise CliError(f"{name}: empty value")
    table = region_table(search, kind, provider, country, year)
    if table.empty:
        hint = region_suggestions(search) if search else []
        extra = f"; did you mean {', '.join(hint)}?" if hint else ""
        raise CliError(f"--search: no region matches these filters{extra}")
    echo(render_frame(table, fmt, title=f"Regions ({len(table)})"))


def _summary(fmt: str) -> str:
    """Coverage by kind, then the vintage of each dataset (JSON: both, keyed; CSV: two
    blocks, a blank line apart)."""
    counts = coverage()
    if fmt == "json":
        datasets = vintage_table(full=True)
        return to_json({"coverage": _records(counts), "datasets": _records(datasets)})
    shown = vintage_table(full=fmt == "csv")
    if fmt == "table":
        shown = shown.rename(columns={"stale_reason": "older than expected because"})
    return "\n".join(
        [
            render_frame(counts, fmt, title="Coverage by kind").rstrip("\n"),
            "",
            render_frame(shown, fmt, title="Dataset vintage (newest year of data)").rstrip("\n"),
        ]
    )


def _records(frame: Any) -> Any:
    """A frame's rows as JSON-ready dicts (missing values ``None``)."""
    import json

    return json.loads(render_frame(frame, "json"))
