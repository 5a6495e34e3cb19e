"""``footprint regions``: list or search zones with their latest factors."""

from __future__ import annotations

import click

from footprint.commands._options import echo, format_option


@click.command("regions")
@click.option("--search", "-s", help="Substring of code, name or alias (e.g. fra, korea).")
@click.option("--kind", help="Only zones of this kind (country, aggregate...).")
@format_option
def command(search: str | None, kind: str | None, fmt: str) -> None:
    """List or search zones with their newest grid intensity and water intensity (EWIF)."""
    from footprint.cli import CliError
    from footprint.errors import suggest
    from footprint.grid import all_zones
    from footprint.regions import zone_table
    from footprint.report import render_frame

    table = zone_table(search, kind)
    if table.empty:
        labels = [z.name for z in all_zones().values()] + list(all_zones())
        hint = suggest(search or kind or "", labels)
        extra = f"; did you mean {', '.join(hint)}?" if hint else ""
        raise CliError(f"--search: no region matches {search or kind!r}{extra}")
    echo(render_frame(table, fmt, title=f"Regions ({len(table)})"))
