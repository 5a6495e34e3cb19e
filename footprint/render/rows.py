"""The rows that the terminal table and Markdown both show, as text.

Of a result: its results, its factors, its breakdown (whose parts JSON and CSV also carry) and its
sensitivity ranking, with the titles of those tables. Of a listing: its cells as text.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

from footprint.core.accounting import BOUNDARIES, whole
from footprint.render import labels

if TYPE_CHECKING:  # pragma: no cover
    from footprint.analyses.estimate import Footprint

__all__ = [
    "breakdown_parts",
    "breakdown_rows",
    "factor_rows",
    "input_rows",
    "interval_label",
    "marginal_basis",
    "metric_label",
    "result_rows",
    "sensitivity_rows",
    "text_cells",
]

_BREAKDOWN_LABELS = {
    "accelerators": "accelerators (dynamic draw)",
    "host": "host share (CPUs, memory, idle nodes)",
    "facility": "facility overhead (PUE - 1)",
    "embodied": "embodied (manufacturing)",
}


def interval_label(fp: Footprint) -> str:
    """Heading of the range column: ``Range (P5–P95)``."""
    info = fp.uncertainty or {}
    lo, hi = info.get("percentiles", [5, 95])
    return f"Range (P{lo:g}–P{hi:g})"


def result_title(fp: Footprint) -> str:
    """Title of a result: ``Footprint``, and for a request rate the span its totals cover
    (``Footprint of 1 year at 30M request/month``): the totals are the rate times the
    accounting period, which need not be the rate's own period."""
    period, volume = fp.inputs.get("period"), fp.inputs.get("requests")
    if volume is None and "requests_per_user" in fp.inputs:
        volume = f"{fp.inputs.get('users')} users x {fp.inputs['requests_per_user']}"
    if period is None:
        return "Footprint"
    return f"Footprint of {period} at {volume}" if volume else f"Footprint of {period}"


def result_rows(fp: Footprint) -> list[list[str]]:
    """Rows of the results table: label, value in a readable unit and, when results have
    ranges, the range (empty for a result without one)."""
    rows = []
    blank = "water" not in fp.results and "water_onsite" in fp.results  # no EWIF: no mix
    missing = ["not available", *([""] if fp.ranges else [])]
    basis = marginal_basis(fp)
    for key, q in fp.results.items():
        if blank and key == "water_onsite":
            rows.append([labels.result_label("water"), *missing])
        label = labels.result_label(key)
        if basis and key in _MARGINAL_LABELS:  # never "location-based" for a marginal CO2e
            label = _MARGINAL_LABELS[key].format(basis=basis)
        cells = [label, labels.readable(q, key)]
        if fp.ranges:
            cells.append(labels.readable_range(q, *fp.ranges[key]) if key in fp.ranges else "")
        rows.append(cells)
        if blank and key == "water_onsite":
            rows.append([labels.result_label("water_offsite"), *missing])
    return rows


#: Labels of the CO2e results on a marginal basis (:func:`marginal_basis`).
_MARGINAL_LABELS = {
    "co2e": "CO2e, {basis}",
    "co2e_market": "CO2e, market-based (= marginal)",
    "total_co2e": "CO2e, total (marginal operational + embodied)",
}


def marginal_basis(fp: Footprint) -> str:
    """``"marginal (IFI combined margin 2021)"`` when the result's intensity is a marginal
    factor (:mod:`footprint.places.marginal`), else ``""`` (the average intensity)."""
    factor = fp.factors.get("intensity")
    if factor is None or factor.extra.get("basis") != "marginal":
        return ""
    year = "" if factor.year is None else f" {factor.year}"
    return f"marginal (IFI {factor.extra.get('margin', 'combined')} margin{year})"


#: Labels of a result's inputs (others: :func:`footprint.render.labels.result_label`).
_INPUT_LABELS = {
    "gpu_hours": "GPU-hours",
    "count": "Accelerators",
    "duration": "Duration",
    "utilization": "Utilisation",
    "power": "Power per accelerator",
    "host_power": "Host power per accelerator",
    "gpus": "Accelerators per replica",
    "zone": "Zone of the data",
    "boundary": "Accounting boundary",
    "pue": "PUE",
    "wue": "WUE",
    "ewif": "EWIF",
    "cfe": "Carbon-free share (CFE)",
    "marginal": "Emission basis: marginal",
}


def _input_value(key: str, text: str) -> str:
    """An input as given, its number written as in the results when it is a whole number
    (``39300000.0 h`` -> ``39,300,000 h``) or a share (``0.8`` -> ``80%``)."""
    number, _, unit = text.partition(" ")
    try:
        x = float(number)
    except ValueError:
        return text
    if "year" in key or not math.isfinite(x):
        return text
    if key in labels.SHARE_KEYS and not unit:
        return labels.format_percent(x)
    if whole(x) == x:
        return f"{labels.format_count(x)} {unit}".strip()
    return text


def input_rows(fp: Footprint) -> list[list[str]]:
    """Rows of the inputs table: what was estimated (accelerator or model, hours or volume,
    region and year as given, the zone of the data) and the accounting boundary, named and
    described (:data:`footprint.core.accounting.BOUNDARIES`)."""
    rows = []
    for key, value in fp.inputs.items():
        text = _input_value(key, str(value))
        if key == "boundary" and text in BOUNDARIES:
            text = f"{text}: {BOUNDARIES[text][2]}"
        rows.append([_INPUT_LABELS.get(key, labels.result_label(key)), text])
    return rows


def metric_label(fp: Footprint) -> str:
    """The CO2e that the breakdown and sensitivity speak of: ``total CO2e`` or ``CO2e``."""
    return "total CO2e" if "total_co2e" in fp.results else "CO2e"


def breakdown_parts(fp: Footprint) -> list[tuple[str, Any, float]]:
    """(part, CO2e, share of the total) for :meth:`Footprint.breakdown`."""
    parts = fp.breakdown()
    total = sum(float(q.m_as("kgCO2e")) for q in parts.values())
    return [
        (name, q, float(q.m_as("kgCO2e")) / total if total else 0.0) for name, q in parts.items()
    ]


def breakdown_rows(fp: Footprint) -> list[list[str]]:
    """Rows of the breakdown table: part, CO2e, share."""
    return [
        [_BREAKDOWN_LABELS[name], labels.readable(q), f"{share:.1%}"]
        for name, q, share in breakdown_parts(fp)
    ]


def _factor_value(name: str, d: dict[str, Any]) -> str:
    """A factor's value (a share in percent, a count whole) and its range."""
    unit = labels.unit_label(d["unit"])
    if d["value"] is None:  # a factor with no value here (a zone without a generation mix)
        return "not available"
    text = f"{labels.format_keyed(name, d['value'], unit)} {unit}".strip()
    if "distribution" in d:  # a factor with a range (Spread)
        low, high = (labels.format_keyed(name, d[k], unit) for k in ("low", "high"))
        text += f" [{low} – {high}]"
    return text


def factor_rows(fp: Footprint, brief: bool = False) -> list[list[str]]:
    """Rows of the factor table: factor, value, origin, zone and year, source (cut to
    :data:`footprint.render.labels.TABLE_SOURCE_CHARS` when ``brief``)."""
    rows = []
    for name, f in fp.factors.items():
        d = f.to_dict()
        where = " ".join(str(x) for x in (f.zone, f.year) if x is not None)
        source = labels.brief_source(f.source) if brief else labels.short_source(f.source)
        label = f"{name} (marginal)" if (f.extra or {}).get("basis") == "marginal" else name
        rows.append([label, _factor_value(name, d), f.origin, where, source])
    return rows


def sensitivity_rows(fp: Footprint, metric: str = "co2e") -> list[list[str]]:
    """Rows of the sensitivity table: factor, range of the input, variance share, swing."""
    rows = []
    for row in (fp.uncertainty or {}).get("sensitivity", {}).get(metric, []):
        unit = labels.unit_label(row["input_unit"])
        low, high = (
            labels.format_keyed(row["factor"], row[k], unit) for k in ("input_low", "input_high")
        )
        span = f"{low} – {high} {unit}".strip()
        swing = f"{labels.format_number(row['swing'])} {row['unit']}".strip()
        rows.append([row["factor"], span, f"{row['variance_share']:.0%}", swing])
    return rows


def text_cells(df: Any) -> Any:
    """``df`` with every cell as text and a missing value (NaN, None) empty."""
    return df.astype(object).where(df.notna(), "").astype(str)
