"""Terminal tables (rich, no colour, 120 columns for a result and 160 for a listing):
readable units, text shown as typed, never read as rich markup."""

from __future__ import annotations

import io
from typing import TYPE_CHECKING, Any

from footprint.core.escape import rich_text
from footprint.render import rows

if TYPE_CHECKING:  # pragma: no cover
    from rich.console import Console

    from footprint.analyses.estimate import Footprint

__all__ = ["frame_table", "result_table"]


def _console(width: int) -> tuple[Console, io.StringIO]:
    """A plain console (no colour, no terminal codes) of ``width`` columns writing to a buffer."""
    from rich.console import Console

    buf = io.StringIO()
    return Console(file=buf, width=width, force_terminal=False, color_system=None), buf


def _rich_row(cells: list[Any]) -> list[str]:
    """Cells for a rich table: text shown as typed (``[bold]`` is not markup)."""
    return [rich_text(c) for c in cells]


def result_table(fp: Footprint, breakdown: bool = False) -> str:
    """``fp`` as terminal tables: results (with their ranges), breakdown, factors (sources
    cut to a few lines), sensitivity, then notes."""
    from rich.table import Table

    console, buf = _console(120)
    results = Table(title=rich_text(rows.result_title(fp)), title_justify="left")
    results.add_column("Quantity")
    results.add_column("Value", justify="right")
    if fp.ranges:
        results.add_column(rows.interval_label(fp), justify="right")
    for cells in rows.result_rows(fp):
        results.add_row(*_rich_row(cells))
    console.print(results)
    if breakdown:
        label = rows.metric_label(fp)
        parts = Table(title=f"{label[0].upper()}{label[1:]} by part", title_justify="left")
        parts.add_column("Part")
        parts.add_column("Value", justify="right")
        parts.add_column("Share", justify="right")
        for row in rows.breakdown_rows(fp):
            parts.add_row(*_rich_row(row))
        console.print(parts)
    factors = Table(title="Factors", title_justify="left")
    for col in ("Factor", "Value", "Origin", "Zone, year", "Source"):
        factors.add_column(col, overflow="fold")
    shortened = False
    for row, full in zip(rows.factor_rows(fp, brief=True), rows.factor_rows(fp), strict=True):
        factors.add_row(*_rich_row(row))
        shortened = shortened or row[-1] != full[-1]
    console.print(factors)
    if shortened:
        console.print(
            "sources cut at … : the whole citations are in --format json, csv or markdown",
            highlight=False,
            soft_wrap=True,
        )
    if fp.uncertainty is not None:
        sens = Table(
            title=f"Sensitivity of {rows.metric_label(fp)} (inputs ranked by share of variance)",
            title_justify="left",
        )
        for col in ("Input", "Range", "Share of variance", "Swing (low to high)"):
            sens.add_column(col, justify="left" if col in ("Input", "Range") else "right")
        for row in rows.sensitivity_rows(fp):
            sens.add_row(*_rich_row(row))
        console.print(sens)
        console.print(
            f"ranges: {rich_text(fp.uncertainty['note'])}", highlight=False, soft_wrap=True
        )
    for note in fp.notes:
        console.print(f"note: {rich_text(note)}", highlight=False, soft_wrap=True)
    return buf.getvalue()


def _rich_cell(text: Any) -> str:
    """A terminal-table cell that renders as plain text, never as rich markup.

    Text that rich would read as markup (``[bold]``, ``[link=...]``, a stray ``[/]``) is
    escaped; text that renders plainly already (including text a caller escaped itself,
    ``\\[kWh]``) is kept, so escaping twice cannot show backslashes.
    """
    from rich.errors import MarkupError
    from rich.text import Text

    s = str(text)
    if "[" not in s:
        return s
    try:
        plain = not Text.from_markup(s).spans
    except MarkupError:  # not valid markup: escape it below
        plain = False
    return s if plain else rich_text(s)


def frame_table(df: Any, title: str = "") -> str:
    """A listing as a terminal table titled ``title``, a missing value empty."""
    from rich.table import Table

    shown = rows.text_cells(df)
    cell = _rich_cell
    console, buf = _console(160)
    table = Table(title=cell(title) if title else None, title_justify="left")
    for col in shown.columns:
        table.add_column(cell(col), overflow="fold")
    for row in shown.values:
        table.add_row(*(cell(v) for v in row))
    console.print(table)
    return buf.getvalue()
