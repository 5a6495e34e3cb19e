"""Markdown output: tables in readable units, every value, name and note escaped
(:mod:`footprint.core.escape`); footprint's own labels are written as they are."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from footprint.core.escape import markdown_cell, markdown_text
from footprint.render import rows
from footprint.render.notes import markdown_bullets

if TYPE_CHECKING:  # pragma: no cover
    from footprint.analyses.estimate import Footprint

__all__ = ["frame_markdown", "markdown_table", "result_markdown"]


def _md_row(cells: Any, *, labels: int = 0) -> str:
    """A Markdown table row: the first ``labels`` cells are footprint's own labels (a pipe
    written ``/``), the others (values, names, sources, user text) are escaped."""
    shown = [
        str(c).replace("|", "/") if i < labels else markdown_cell(c) for i, c in enumerate(cells)
    ]
    return "| " + " | ".join(shown) + " |"


def markdown_table(
    headers: Any,
    body: Any,
    *,
    numeric: Any = None,
    own_headers: bool = False,
    labels: int = 0,
) -> str:
    """The one Markdown table writer: a header row, the rule (``---:`` right-aligns the
    columns flagged in ``numeric``) and one row per item of ``body``.

    Headers are escaped unless they are footprint's own (``own_headers``); in each row the
    first ``labels`` cells are footprint's own labels, the rest escaped. Used for results,
    listings, comparisons, scenario reports and batch summaries.
    """
    headers = list(headers)
    head = _md_row(headers, labels=len(headers) if own_headers else 0)
    flags = list(numeric) if numeric is not None else [False] * len(headers)
    rule = "|" + "".join("---:|" if n else "---|" for n in flags)
    return "\n".join([head, rule, *(_md_row(list(r), labels=labels) for r in body)]) + "\n"


def result_markdown(fp: Footprint, breakdown: bool = False) -> str:
    """``fp`` as Markdown: results (with their ranges), the inputs (accelerator or model,
    hours or volume, region, year) and the accounting boundary, breakdown, factors,
    sensitivity and notes."""
    if fp.ranges:
        lines = [f"| Quantity | Value | {rows.interval_label(fp)} |", "|---|---|---|"]
    else:
        lines = ["| Quantity | Value |", "|---|---|"]
    for label, *cells in rows.result_rows(fp):  # result labels are footprint's own
        lines.append(_md_row([label.strip(), *cells], labels=1))
    title = rows.result_title(fp)
    if title != "Footprint":  # the span a rate's totals cover (a user's volume: escaped)
        lines = [f"**{markdown_text(title)}**", "", *lines]
    lines += ["", "| Input or assumption | Value |", "|---|---|"]
    lines += [_md_row(row, labels=1) for row in rows.input_rows(fp)]
    if breakdown:
        label = rows.metric_label(fp)
        lines += ["", f"| {label[0].upper()}{label[1:]} by part | Value | Share |", "|---|---|---|"]
        lines += [_md_row(row, labels=1) for row in rows.breakdown_rows(fp)]
    lines += ["", "| Factor | Value | Origin | Zone, year | Source |", "|---|---|---|---|---|"]
    for row in rows.factor_rows(fp):
        lines.append(_md_row(row))
    if fp.uncertainty is not None:
        lines += [
            "",
            f"Sensitivity of {rows.metric_label(fp)} (inputs ranked by share of variance):",
            "",
            "| Input | Range | Share of variance | Swing (low to high) |",
            "|---|---|---|---|",
        ]
        for row in rows.sensitivity_rows(fp):
            lines.append(_md_row(row))
        lines += ["", f"Ranges: {markdown_text(fp.uncertainty['note'])}."]
    if fp.notes:
        lines += ["", "Notes:", "", *markdown_bullets(fp.notes)]
    return "\n".join(lines) + "\n"


def frame_markdown(df: Any) -> str:
    """A listing as a Markdown table, column names and cells escaped, a missing value empty."""
    shown = rows.text_cells(df)
    return markdown_table([str(c) for c in shown.columns], shown.values)
