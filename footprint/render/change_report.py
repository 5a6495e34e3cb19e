"""Presentation of an emissions-change decomposition (:mod:`footprint.analyses.change`).

:func:`render_change` writes a :class:`~footprint.analyses.change.ChangeResult` in one of
:data:`footprint.render.report.FORMATS`: the effects of the change (a column a period, the
overall change and each effect's share of it), the totals of each year, the identity's
factors, every input figure with its status and source, and the notes. JSON is the
result's :meth:`~footprint.analyses.change.ChangeResult.to_dict`; CSV one row a value in
tCO2e. Names and sources come from the user's file: escaped in every format (tables through
:mod:`footprint.render.table` and :mod:`footprint.render.markdown`, lines through
:mod:`footprint.core.escape`).
"""

from __future__ import annotations

import csv
import io
from typing import TYPE_CHECKING, Any

from footprint.core import units
from footprint.core.escape import csv_row, markdown_text
from footprint.render.finite import check_finite
from footprint.render.json_out import to_json
from footprint.render.labels import brief_source, format_number, readable
from footprint.render.markdown import frame_markdown
from footprint.render.notes import markdown_bullets
from footprint.render.table import frame_table

if TYPE_CHECKING:  # pragma: no cover
    from footprint.analyses.change import ChangeResult, PeriodChange

__all__ = ["FORMATS", "render_change", "signed"]

#: The formats of :func:`render_change` (those of ``render.report.FORMATS``, which this
#: module, a part of the dispatch, does not import).
FORMATS = ("table", "json", "csv", "markdown")

_CSV_COLUMNS = [
    "section",
    "from",
    "to",
    "year",
    "region",
    "name",
    "label",
    "value",
    "unit",
    "share_percent",
    "status",
    "source",
]


def signed(x: float) -> str:
    """``x`` with 4 significant digits and its sign (``+1.307``, ``-0.22``, ``0``)."""
    text = format_number(x)
    return f"+{text}" if x > 0 else text


def _percent(x: float | None) -> str:
    if x is None:
        return ""
    return "0.0%" if round(x, 1) == 0 else f"{x:+.1f}%"


def _span(p: PeriodChange) -> str:
    return f"{p.start}→{p.end}"


def _frame(columns: dict[str, list[Any]]) -> Any:
    import pandas as pd

    return pd.DataFrame(columns)


def _effects_frame(result: ChangeResult) -> Any:
    unit = result.unit
    overall = result.overall
    shown = [*result.periods, overall] if len(result.periods) > 1 else [overall]
    cols: dict[str, list[Any]] = {"Effect": [e.label for e in overall.effects] + ["Total change"]}
    for i, p in enumerate(shown):
        label = f"{_span(p)} [{unit}]" + (" overall" if i == len(shown) - 1 and i else "")
        cols[label] = [signed(float(e.value.m_as(unit))) for e in p.effects]
        cols[label].append(signed(float(p.change.m_as(unit))))
    cols[f"Share of {_span(overall)}"] = [_percent(e.share) for e in overall.effects] + [
        "100.0%" if overall.change.magnitude != 0 else ""
    ]
    return _frame(cols)


def _totals_frame(result: ChangeResult) -> Any:
    unit = result.unit
    cols: dict[str, list[Any]] = {"Year": [str(t.year) for t in result.totals]}
    cols[f"Electricity [{unit}]"] = [
        format_number(float(t.electricity.m_as(unit))) for t in result.totals
    ]
    for i, (name, _) in enumerate(result.totals[0].other):
        cols[f"{name} [{unit}]"] = [
            format_number(float(t.other[i][1].m_as(unit))) for t in result.totals
        ]
    cols[f"Total [{unit}]"] = [format_number(float(t.total.m_as(unit))) for t in result.totals]
    cols[f"Reported [{unit}]"] = [
        "" if t.reported is None else format_number(float(t.reported.value.m_as(unit)))
        for t in result.totals
    ]
    cols["Reported status"] = [
        "" if t.reported is None else t.reported.shown_status for t in result.totals
    ]
    return _frame(cols)


def _factors_frame(result: ChangeResult) -> Any:
    unit = result.unit
    rows = result.factors

    def number(x: float | None) -> str:
        return "" if x is None else format_number(x)

    return _frame(
        {
            "Year": [str(f.year) for f in rows],
            "Region": [f.region for f in rows],
            "IT electricity": [readable(f.it_electricity) for f in rows],
            "Share": [f"{f.share:.1%}" for f in rows],
            "PUE": [number(f.pue) for f in rows],
            "Contracts K": [number(f.contracts) for f in rows],
            "Grid [gCO2e/kWh]": [
                "" if f.grid is None else format_number(float(f.grid.magnitude)) for f in rows
            ],
            f"Electricity CO2e [{unit}]": [
                format_number(float(f.emissions.m_as(unit))) for f in rows
            ],
        }
    )


def _inputs_frame(result: ChangeResult, brief: bool) -> Any:
    rows = result.figure_rows()
    return _frame(
        {
            "Year": [str(y) for y, _, _, _ in rows],
            "Region": [r for _, r, _, _ in rows],
            "Figure": [k for _, _, k, _ in rows],
            "Value": [f.given for _, _, _, f in rows],
            "Status": [f.shown_status for _, _, _, f in rows],
            "Source": [brief_source(f.source) if brief else f.source for _, _, _, f in rows],
        }
    )


def _summary(result: ChangeResult) -> str:
    p, unit = result.overall, result.unit
    who = f"{result.organisation}: " if result.organisation else ""
    pct = "" if p.percent is None else f" ({p.percent:+.1f}%)"
    start = format_number(float(p.total_start.m_as(unit)))
    end = format_number(float(p.total_end.m_as(unit)))
    change = signed(float(p.change.m_as(unit)))
    return f"{who}{start} {unit} in {p.start} → {end} {unit} in {p.end}: {change} {unit}{pct}."


def _text(result: ChangeResult, fmt: str) -> str:
    name = f"{result.organisation}, " if result.organisation else ""
    title = f"Why emissions changed: {name}{_span(result.overall)}"
    md = fmt == "markdown"
    tables = [
        (title, _effects_frame(result)),
        (
            "Totals by year (the figures' sum; reported, when given, for comparison)",
            _totals_frame(result),
        ),
        (
            "Factors of the identity C = A x S x PUE x K x I, by region and year",
            _factors_frame(result),
        ),
        ("Input figures", _inputs_frame(result, brief=not md)),
    ]
    out: list[str] = []
    if md:
        out += [f"### {markdown_text(title)}", ""]
        if result.description:
            out += [markdown_text(result.description), ""]
        out += [markdown_text(_summary(result)), ""]
        for i, (heading, frame) in enumerate(tables):
            if i:
                out += [f"**{markdown_text(heading)}**", ""]
            out += [frame_markdown(frame).rstrip("\n"), ""]
        out += ["Notes:", "", *markdown_bullets(result.notes)]
        return "\n".join(out) + "\n"
    for heading, frame in tables:
        out.append(frame_table(frame, heading).rstrip("\n"))
        if heading == title:
            if result.description:
                out.append(result.description)
            out.append(_summary(result))
        out.append("")
    out += [f"note: {n}" for n in result.notes]
    return "\n".join(out) + "\n"


def _csv(result: ChangeResult) -> str:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(_CSV_COLUMNS)

    def row(**cells: Any) -> None:
        writer.writerow(csv_row([cells.get(c, "") for c in _CSV_COLUMNS]))

    periods = [*result.periods, result.overall] if len(result.periods) > 1 else [result.overall]
    for p in periods:
        section = "effect" if p is result.overall else "period_effect"
        for e in p.effects:
            row(
                section=section,
                **{"from": p.start},
                to=p.end,
                name=e.key,
                label=e.label,
                value=float(e.value.m_as("tCO2e")),
                unit="tCO2e",
                share_percent="" if e.share is None else e.share,
            )
        row(
            section=section,
            **{"from": p.start},
            to=p.end,
            name="change",
            label="Total change",
            value=float(p.change.m_as("tCO2e")),
            unit="tCO2e",
            share_percent="" if p.percent is None else p.percent,
        )
    for t in result.totals:
        row(
            section="total",
            year=t.year,
            name="electricity",
            value=float(t.electricity.m_as("tCO2e")),
            unit="tCO2e",
        )
        for n, v in t.other:
            row(
                section="total",
                year=t.year,
                name=f"other.{n}",
                value=float(v.m_as("tCO2e")),
                unit="tCO2e",
            )
        row(
            section="total",
            year=t.year,
            name="total",
            value=float(t.total.m_as("tCO2e")),
            unit="tCO2e",
        )
    for f in result.factors:
        for name, value, unit in (
            ("it_electricity", float(f.it_electricity.m_as("MWh")), "MWh"),
            ("share", f.share, ""),
            ("pue", f.pue, ""),
            ("contracts", f.contracts, ""),
            ("grid", None if f.grid is None else float(f.grid.magnitude), "gCO2e/kWh"),
            ("emissions", float(f.emissions.m_as("tCO2e")), "tCO2e"),
        ):
            row(
                section="factor",
                year=f.year,
                region=f.region,
                name=name,
                value="" if value is None else value,
                unit=unit,
            )
    for year, region, key, fig in result.figure_rows():
        row(
            section="figure",
            year=year,
            region=region,
            name=key,
            label=fig.given,
            value=float(fig.value.magnitude),
            unit=units.format_unit(fig.value.units),
            status=fig.shown_status,
            source=fig.source,
        )
    for note in result.notes:
        row(section="note", label=note)
    return buf.getvalue()


def render_change(result: ChangeResult, fmt: str = "table") -> str:
    """``result`` as text in ``fmt`` (table, json, csv or markdown); NaN or infinity is an
    error, never printed."""
    if fmt not in FORMATS:
        raise ValueError(f"format: expected one of {FORMATS}, got {fmt!r}")
    data = result.to_dict()
    check_finite(data)
    if fmt == "json":
        return to_json(data)
    if fmt == "csv":
        return _csv(result)
    return _text(result, fmt)
