"""``footprint accelerators``: list or search the accelerator catalogue."""

from __future__ import annotations

import click

from footprint.catalogues.hardware import accelerator_table, list_accelerators
from footprint.cli import CliError
from footprint.cli.commands._options import echo, format_option
from footprint.core.errors import suggest
from footprint.render.notes import note_lines
from footprint.render.report import render_frame


@click.command("accelerators")
@click.option("--search", "-s", help="Substring of name, alias, vendor or family (e.g. h100, tpu).")
@format_option
def command(search: str | None, fmt: str) -> None:
    """List or search the accelerator catalogue (TDP, memory, bandwidth, BF16 FLOP/s)."""

    table = accelerator_table(search)
    if table.empty:
        names = [a.name for a in list_accelerators()]
        hint = suggest(search or "", names)
        extra = f"; did you mean {', '.join(hint)}?" if hint else ""
        raise CliError(f"--search: no accelerator matches {search!r}{extra}")
    if fmt in ("json", "csv"):
        echo(render_frame(table, fmt, title=f"Accelerators ({len(table)})"))
        return
    # for people: the derivation of a derived TDP as a note under the table, not a column
    notes = [n for n in table.pop("tdp_derivation") if n]
    text = render_frame(table, fmt, title=f"Accelerators ({len(table)})").rstrip("\n")
    echo("\n".join([text, *note_lines(notes, fmt)]))
