"""Results as the templates show them, and the downloads of a result.

Every row comes from the render modules the command line uses (``render.rows`` for one
result, ``compare_table.display_frame`` for a comparison, ``change_report`` and the
re-accounting's own JSON): the web page shows the same text as the terminal, plus each
factor's licence (``licences.csv``). The downloads are the command line's formats
(``render.report.render``, ``render_comparison``, ``render_change``), the model card and
the EU AI Act section of a footprint; the HTML report is the page's template
(:mod:`footprint.web.app`).
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import Any

from footprint.analyses.compare import display_frame
from footprint.cli.commands.compare import render_comparison
from footprint.cli.commands.reaccount import REACCOUNT_COLUMNS
from footprint.core import units
from footprint.core.errors import FootprintError
from footprint.data.loader import licence_of
from footprint.render.change_report import render_change
from footprint.render.compare_table import grouped_notes, magnitudes, metric_label
from footprint.render.json_out import to_json
from footprint.render.labels import format_number, short_source
from footprint.render.ladders import ladder_unit
from footprint.render.notes import publishable
from footprint.render.report import render, render_frame
from footprint.render.rows import (
    factor_rows,
    input_rows,
    interval_label,
    result_rows,
    result_title,
    sensitivity_rows,
)
from footprint.web.charts import bar_chart
from footprint.web.pages import Outcome

__all__ = ["DOWNLOADS", "Download", "download", "download_links", "html_name", "licence", "view"]

#: Download name -> (file suffix, media type, label), in the order the page lists them.
Download = tuple[str, str, str]
_FORMATS: dict[str, Download] = {
    "csv": ("csv", "text/csv; charset=utf-8", "CSV"),
    "json": ("json", "application/json", "JSON"),
    "markdown": ("md", "text/markdown; charset=utf-8", "Markdown"),
    "model-card": ("md", "text/markdown; charset=utf-8", "Model card (Hugging Face YAML)"),
    "eu-ai-act": ("md", "text/markdown; charset=utf-8", "EU AI Act section"),
    "html": ("html", "text/html; charset=utf-8", "HTML report"),
}
#: The downloads of each kind of result: the disclosures describe one footprint (a job, a
#: service, a log), not a ranking of regions nor a decomposition.
DOWNLOADS: dict[str, tuple[str, ...]] = {
    "footprint": ("csv", "json", "model-card", "eu-ai-act", "html"),
    "reaccount": ("csv", "json", "model-card", "eu-ai-act", "html"),
    "compare": ("csv", "json", "markdown", "html"),
    "change": ("csv", "json", "markdown", "html"),
}


def licence(dataset: str | None, origin: str = "") -> str:
    """Licences of the curated files behind a factor (``licences.csv``), ``given`` for a
    value the user gave, empty for a default without a file."""
    if origin == "user":
        return "given by the user"
    files: list[str] = []
    for part in (dataset or "").replace(" x ", ",").split(","):
        name = part.split(":")[0].strip()
        if name and name not in files:
            files.append(name)
    found: list[str] = []
    for name in files:
        text = licence_of(name)["licence"]
        if text not in found:
            found.append(text)
    return "; ".join(found)


def _notes(notes: Iterable[str]) -> list[str]:
    """Notes for a reader of the page or a report (no command-line hints), each once."""
    out: list[str] = []
    for note in notes:
        text = publishable(str(note))
        if text and text not in out:
            out.append(text)
    return out


def footprint_view(fp: Any) -> dict[str, Any]:
    """One result: results (with ranges), inputs, factors with sources and licences,
    sensitivity and notes."""
    factors = []
    for row, (name, f) in zip(factor_rows(fp), fp.factors.items(), strict=True):
        label, value, origin, where, _ = row
        factors.append(
            {
                "name": label,
                "value": value,
                "origin": origin,
                "where": where,
                "source": short_source(f.source),
                "dataset": f.dataset or "",
                "licence": licence(f.dataset, f.origin),
                "key": name,
            }
        )
    return {
        "title": result_title(fp),
        "results": result_rows(fp),
        "ranged": bool(fp.ranges),
        "range_label": interval_label(fp) if fp.ranges else "",
        "inputs": input_rows(fp),
        "factors": factors,
        "sensitivity": sensitivity_rows(fp) if fp.uncertainty else [],
        "factors_note": "",
        "notes": _notes(fp.notes),
    }


def _sources(df: Any) -> list[dict[str, str]]:
    rows = []
    for name, texts in df.attrs.get("sources", {}).items():
        for text in texts:
            dataset, source = "", text
            if text.startswith("[") and "] " in text:
                dataset, source = text[1:].split("] ", 1)
            rows.append(
                {"name": name, "dataset": dataset, "source": short_source(source),
                 "licence": licence(dataset)}
            )
    return rows


def _chart_values(df: Any, metric: str) -> tuple[list[float], str]:
    """The ranking metric of every region in the unit the table shows it in (the ladder
    unit in which the largest value is between 1 and 1000), and that unit's label."""
    series = df[metric]
    if not len(df) or not hasattr(series, "pint"):
        return [float(x) for x in magnitudes(df, metric)], ""
    values = [float(x) for x in magnitudes(df, metric)]
    finite = [abs(v) for v in values if math.isfinite(v)]
    unit = ladder_unit(series.pint.units, max(finite) if finite else 0.0)
    if unit is None:
        return values, units.format_unit(series.pint.units)
    shown = series.pint.to(unit).pint.magnitude.astype(float)
    return [float(v) for v in shown], units.format_unit(units.get_registry().Unit(unit))


def compare_view(df: Any) -> dict[str, Any]:
    """A comparison: the ranked table as the terminal shows it, a chart of the ranking
    metric, best and worst, the sources with licences and the grouped notes."""
    shown = display_frame(df, compact=True)
    headers = [str(c).replace("\n", " ") for c in shown.columns]
    rows = [["" if v is None else str(v) for v in r] for r in shown.itertuples(index=False)]
    metric = df.attrs.get("metric", "co2e")
    label = metric_label(metric, df.attrs.get("basis"))
    values, unit = _chart_values(df, metric)
    ranked = df.loc[df["rank"].notna()].sort_values("rank", kind="stable")
    summary = ""
    if len(ranked) >= 2:
        best, worst = ranked.iloc[0], ranked.iloc[-1]
        ratio = worst["ratio_to_best"]
        times = "" if ratio is None or ratio != ratio else f" ({float(ratio):.1f}x the best)"
        summary = (
            f"Best: {best['region']} ({best['name']}); worst: {worst['region']} "
            f"({worst['name']}){times}."
        )
    return {
        "title": f"{label}: {df.attrs.get('workload', '')}, {len(df)} regions",
        "headers": headers,
        "rows": rows,
        "numeric": [h not in ("region", "name") for h in headers],
        "chart": bar_chart(
            [str(r) for r in df["region"]], values, title=f"{label} by region", unit=unit
        ),
        "summary": summary,
        "sources": _sources(df),
        "notes": _notes(grouped_notes(df)),
    }


def _signed(x: float | None, digits: int = 4) -> str:
    if x is None or not math.isfinite(x):
        return ""
    return ("+" if x > 0 else "") + format_number(x) if x else "0"


def change_view(result: Any) -> dict[str, Any]:
    """A change decomposition (its JSON, ``footprint change --format json``): the effects
    of the whole span and of each period, totals, factors, input figures with their
    sources and status, and notes."""
    doc = result.to_dict()
    overall = doc["overall"]
    reported = {
        t.year: "" if t.reported is None else format_number(t.reported.value.m_as("MtCO2e"))
        for t in result.totals
    }
    periods = [doc["overall"]] + (doc["periods"] if len(doc["periods"]) > 1 else [])
    labels = [e["label"] for e in overall["effects"]]
    values = [e["value"] / 1e6 for e in overall["effects"]]
    return {
        "title": f"Why emissions changed: {doc['organisation'] or 'the organisation'}, "
        f"{overall['from']}→{overall['to']}",
        "description": doc["description"],
        "summary": (
            f"{format_number(overall['start'] / 1e6)} MtCO2e in {overall['from']} → "
            f"{format_number(overall['end'] / 1e6)} MtCO2e in {overall['to']}: "
            f"{_signed(overall['change'] / 1e6)} MtCO2e ({_signed(overall['percent'])}%)."
        ),
        "periods": [
            {
                "span": f"{p['from']}→{p['to']}",
                "rows": [
                    [e["label"], _signed(e["value"] / 1e6), _signed(e["share_percent"]) + "%"]
                    for e in p["effects"]
                ]
                + [["Total change", _signed(p["change"] / 1e6), "100%"]],
            }
            for p in periods
        ],
        "chart": bar_chart(labels, values, title="Effects on the change", unit="MtCO2e"),
        "totals": [
            [str(t["year"]), format_number(t["electricity"] / 1e6),
             format_number(t["total"] / 1e6),
             reported[t["year"]]]
            for t in doc["totals"]
        ],
        "figures": [
            [str(f["year"]), f["region"], f["figure"], f"{f['given']}", f["status"],
             short_source(f["source"])]
            for f in doc["figures"]
        ],
        "notes": _notes(doc["notes"]),
    }


def _cell(value: Any) -> str:
    if isinstance(value, float):
        return "" if not math.isfinite(value) else format_number(value)
    return "" if value is None else str(value)


def reaccount_view(outcome: Outcome) -> dict[str, Any]:
    """A re-accounted log: its runs (the command line's columns), totals, rejects with
    their reasons, the reconciliation and notes, and the log in other regions."""
    result, doc = outcome.reaccounting, outcome.doc
    columns = [c for c in REACCOUNT_COLUMNS if any(c in r for r in result.rows)]
    unit_of = result.units
    factors, note = [], ""
    try:  # the whole log as one footprint: its factors (one place and year)
        assert outcome.disclose is not None
        factors = footprint_view(outcome.disclose())["factors"]
        note = "Of the whole log, accounted in one place (the disclosures' footprint)."
    except FootprintError as exc:
        note = f"No one set of factors: {publishable(str(exc))}; give a region (and year)."
    return {
        "title": f"{result.format} log re-accounted",
        "headers": [f"{c} [{unit_of[c]}]" if c in unit_of else c for c in columns],
        "numeric": [c not in ("run", "zone", "year") for c in columns],
        "factors": factors,
        "factors_note": note,
        "rows": [[_cell(r.get(c)) for c in columns] for r in result.rows],
        "totals": [
            [k, format_number(v), unit_of.get(k, "kWh")] for k, v in result.totals.items()
        ],
        "rejects": [[r["run"], r["reason"]] for r in result.rejects],
        "compare": [
            [c["region"], format_number(c["co2e_kg"]), format_number(c["facility_energy_kwh"])]
            for c in doc.get("compare", [])
        ],
        "notes": _notes(result.notes),
    }


def view(outcome: Outcome) -> dict[str, Any]:
    """The template context of ``outcome``'s result."""
    if outcome.kind == "footprint":
        return footprint_view(outcome.footprint)
    if outcome.kind == "compare":
        return compare_view(outcome.frame)
    if outcome.kind == "change":
        return change_view(outcome.change)
    return reaccount_view(outcome)


def _reaccount_text(outcome: Outcome, fmt: str) -> str:
    if fmt == "json":
        return to_json(outcome.doc)
    import pandas as pd

    frame = pd.DataFrame(outcome.reaccounting.rows)
    if len(frame):
        frame = frame[[c for c in REACCOUNT_COLUMNS if c in frame.columns]]
    return render_frame(frame, "csv", title=f"{outcome.reaccounting.format} log re-accounted")


def download(outcome: Outcome, fmt: str) -> tuple[str, str, str]:
    """``(text, media type, file name)`` of download ``fmt`` (not ``html``: the page's
    template writes it); a format the result does not offer raises ``KeyError``."""
    if fmt not in DOWNLOADS[outcome.kind] or fmt == "html":
        raise KeyError(fmt)
    suffix, media, _ = _FORMATS[fmt]
    name = f"footprint-{outcome.page}{'-' + fmt if suffix == 'md' else ''}.{suffix}"
    disclosure = {"model-card": "hf-model-card", "eu-ai-act": "eu-ai-act"}.get(fmt)
    if outcome.kind == "footprint":
        text = render(outcome.footprint, disclosure or fmt)
    elif outcome.kind == "reaccount":
        assert outcome.disclose is not None
        text = render(outcome.disclose(), disclosure) if disclosure else _reaccount_text(
            outcome, fmt
        )
    elif outcome.kind == "compare":
        text = render_comparison(outcome.frame, fmt, fmt == "json")
    else:
        text = render_change(outcome.change, fmt)
    return text if text.endswith("\n") else text + "\n", media, name


def download_links(outcome: Outcome) -> list[tuple[str, str]]:
    """``(format, label)`` of the downloads of ``outcome``."""
    return [(fmt, _FORMATS[fmt][2]) for fmt in DOWNLOADS[outcome.kind]]


def html_name(outcome: Outcome) -> str:
    """File name of the HTML report."""
    return f"footprint-{outcome.page}-report.html"
