"""Rendering results for people and scripts: table, JSON, CSV and Markdown.

JSON and CSV carry canonical units (kWh, kgCO2e, L) so scripts can rely on
them; the table and Markdown scale each quantity to a readable unit.
"""

from __future__ import annotations

import csv
import io
import json
import math
from typing import TYPE_CHECKING, Any

from footprint import units

if TYPE_CHECKING:  # pragma: no cover
    from footprint.engine import Footprint

__all__ = ["FORMATS", "render", "readable", "format_number"]

FORMATS = ("table", "json", "csv", "markdown")

#: Readable units per dimension, smallest first (table and Markdown only).
_LADDERS: dict[str, tuple[str, ...]] = {
    "[energy]": ("Wh", "kWh", "MWh", "GWh", "TWh"),
    "[co2e]": ("gCO2e", "kgCO2e", "tCO2e", "ktCO2e", "MtCO2e"),
    "[volume]": ("mL", "L", "m^3"),
}

_LABELS = {
    "accelerator_hours": "Accelerator-hours",
    "it_energy": "IT energy",
    "facility_energy": "Facility energy",
    "co2e": "CO2e, location-based",
    "co2e_market": "CO2e, market-based",
    "cost": "Electricity cost",
    "water": "Water (total)",
    "water_onsite": "  on-site (WUE)",
    "water_offsite": "  off-site (EWIF)",
}


def format_number(x: float) -> str:
    """A number with 4 significant digits and thousands separators."""
    if x == 0 or not math.isfinite(x):
        return f"{x:g}"
    digits = max(0, 3 - int(math.floor(math.log10(abs(x)))))
    return f"{x:,.{digits}f}"


def readable(q: Any) -> str:
    """``q`` in the unit of its ladder that gives a magnitude between 1 and 1000."""
    ladder = next((v for k, v in _LADDERS.items() if q.check(k)), None)
    if ladder is None:
        return f"{format_number(float(q.magnitude))} {units.format_unit(q.units)}"
    chosen = q.to(ladder[0])
    for unit in ladder:
        candidate = q.to(unit)
        if abs(candidate.magnitude) >= 1 or unit == ladder[0]:
            chosen = candidate
    return f"{format_number(float(chosen.magnitude))} {units.format_unit(chosen.units)}"


def _factor_value(d: dict[str, Any]) -> str:
    return f"{format_number(d['value'])} {d['unit']}".strip()


def render(fp: Footprint, fmt: str = "table") -> str:
    """``fp`` as text in format ``fmt`` (one of :data:`FORMATS`)."""
    if fmt == "json":
        return json.dumps(fp.to_dict(), indent=2, ensure_ascii=False)
    if fmt == "csv":
        return _csv(fp)
    if fmt == "markdown":
        return _markdown(fp)
    if fmt == "table":
        return _table(fp)
    raise ValueError(f"format: expected one of {FORMATS}, got {fmt!r}")


def _csv(fp: Footprint) -> str:
    data = fp.to_dict()
    buf = io.StringIO()
    cols = [
        "section",
        "name",
        "value",
        "unit",
        "origin",
        "zone",
        "year",
        "dataset",
        "source",
        "note",
    ]
    writer = csv.DictWriter(buf, fieldnames=cols, lineterminator="\n", extrasaction="ignore")
    writer.writeheader()
    for name, r in data["results"].items():
        writer.writerow({"section": "result", "name": name, **r})
    for name, f in data["factors"].items():
        writer.writerow({"section": "factor", "name": name, **f})
    for key, value in data["inputs"].items():
        writer.writerow({"section": "input", "name": key, "value": value})
    for note in data["notes"]:
        writer.writerow({"section": "note", "note": note})
    return buf.getvalue()


def short_source(source: str) -> str:
    """A citation without its URLs, for tables read by people (JSON keeps them)."""
    import re

    text = re.sub(r"\s*<[^>]*>", "", source)
    return re.sub(r"https?://\S+", "", text).strip(" ;")


def _factor_rows(fp: Footprint) -> list[list[str]]:
    rows = []
    for name, f in fp.factors.items():
        d = f.to_dict()
        where = " ".join(str(x) for x in (f.zone, f.year) if x is not None)
        rows.append([name, _factor_value(d), f.origin, where, short_source(f.source)])
    return rows


def _markdown(fp: Footprint) -> str:
    lines = ["| Quantity | Value |", "|---|---|"]
    for key, q in fp.results.items():
        lines.append(f"| {_LABELS.get(key, key).strip()} | {readable(q)} |")
    lines += ["", "| Factor | Value | Origin | Zone, year | Source |", "|---|---|---|---|---|"]
    for row in _factor_rows(fp):
        lines.append("| " + " | ".join(cell.replace("|", "/") for cell in row) + " |")
    if fp.notes:
        lines += ["", "Notes:", *[f"- {n}" for n in fp.notes]]
    return "\n".join(lines) + "\n"


def _table(fp: Footprint) -> str:
    from rich.console import Console
    from rich.table import Table

    buf = io.StringIO()
    console = Console(file=buf, width=120, force_terminal=False, color_system=None)
    results = Table(title="Footprint", title_justify="left")
    results.add_column("Quantity")
    results.add_column("Value", justify="right")
    for key, q in fp.results.items():
        results.add_row(_LABELS.get(key, key), readable(q))
    console.print(results)
    factors = Table(title="Factors", title_justify="left")
    for col in ("Factor", "Value", "Origin", "Zone, year", "Source"):
        factors.add_column(col, overflow="fold")
    for row in _factor_rows(fp):
        factors.add_row(*row)
    console.print(factors)
    for note in fp.notes:
        console.print(f"note: {note}", highlight=False, soft_wrap=True)
    return buf.getvalue()


def _integer_columns(df: Any) -> Any:
    """Float columns holding only whole numbers (years with gaps) as nullable integers."""
    df = df.copy()
    for col in df.columns:
        values = df[col]
        if values.dtype.kind == "f" and values.notna().any():
            finite = values.dropna()
            if (finite == finite.round()).all() and col in ("year", "ewif_year", "release_year"):
                df[col] = values.astype("Int64")
    return df


def render_frame(df: Any, fmt: str = "table", title: str = "") -> str:
    """A listing (DataFrame) as text in ``fmt``; JSON is a list of records."""
    df = _integer_columns(df)
    if fmt == "json":
        records = json.loads(df.to_json(orient="records"))
        return json.dumps(records, indent=2, ensure_ascii=False)
    if fmt == "csv":
        return str(df.to_csv(index=False, lineterminator="\n"))
    shown = df.astype(object).where(df.notna(), "").astype(str)
    if fmt == "markdown":
        head = "| " + " | ".join(shown.columns) + " |"
        rule = "|" + "---|" * len(shown.columns)
        body = ["| " + " | ".join(v.replace("|", "/") for v in row) + " |" for row in shown.values]
        return "\n".join([head, rule, *body]) + "\n"
    if fmt != "table":
        raise ValueError(f"format: expected one of {FORMATS}, got {fmt!r}")
    from rich.console import Console
    from rich.table import Table

    buf = io.StringIO()
    console = Console(file=buf, width=160, force_terminal=False, color_system=None)
    table = Table(title=title or None, title_justify="left")
    for col in shown.columns:
        table.add_column(str(col), overflow="fold")
    for row in shown.values:
        table.add_row(*row)
    console.print(table)
    return buf.getvalue()
