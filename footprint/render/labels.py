"""What people read of a value: result labels, numbers, readable units, short citations.

The terminal table, Markdown, scenario reports and charts share these; JSON and CSV keep
keys, canonical units and whole citations. The units a value climbs are
:data:`footprint.render.ladders.UNIT_LADDERS`.
"""

from __future__ import annotations

import math
import re
from functools import cache
from typing import Any

from footprint.core import units
from footprint.core.accounting import COUNT_KEYS, whole
from footprint.render.finite import non_finite_error
from footprint.render.ladders import ladder_unit, rungs

__all__ = [
    "TABLE_SOURCE_CHARS",
    "SHARE_KEYS",
    "brief_source",
    "format_count",
    "format_flops",
    "format_keyed",
    "format_number",
    "format_percent",
    "readable",
    "readable_range",
    "readable_value",
    "result_label",
    "short_source",
    "unit_label",
]

_LABELS = {
    "accelerator_hours": "Accelerator-hours",
    "it_energy": "IT energy",
    "facility_energy": "Facility energy",
    "co2e": "CO2e, location-based",
    "co2e_market": "CO2e, market-based",
    "cost": "Electricity cost",
    "compute_cost": "Compute cost (accelerator-hours)",
    "total_cost": "Total cost (electricity + compute)",
    "water": "Water (total)",
    "water_onsite": "  on-site (WUE)",
    "water_offsite": "  off-site (EWIF)",
    "water_scarcity": "Water scarcity footprint (ISO 14046)",
    "embodied_co2e": "CO2e, embodied (manufacturing)",
    "total_co2e": "CO2e, total (operational + embodied)",
}


def result_label(key: str) -> str:
    """Readable label of a result key (``co2e_per_request`` -> ``CO2e per request``)."""
    if key in _LABELS:
        return _LABELS[key]
    words = key.replace("_", " ")
    for raw, nice in (
        ("total co2e", "total CO2e"),
        ("co2e", "CO2e"),
        ("mfu", "MFU"),
        ("flops", "FLOPs"),
    ):
        words = words.replace(raw, nice)
    return words[:1].upper() + words[1:]


def format_number(x: float) -> str:
    """A number with 4 significant digits and thousands separators."""
    if not math.isfinite(x):
        raise non_finite_error("value", x)
    if x == 0:
        return f"{x:g}"
    digits = max(0, 3 - int(math.floor(math.log10(abs(x)))))
    return f"{x:,.{digits}f}"


#: Results and factors that are shares of a whole (a utilisation, a carbon-free share),
#: shown in percent.
SHARE_KEYS = frozenset(
    {
        "cfe",
        "mfu",
        "mbu",
        "implied_mfu",
        "published_implied_mfu",
        "utilization",
        "fleet_utilization",
        "life_utilization",
        "share",
    }
)


def format_count(x: float) -> str:
    """A count: a whole number with thousands separators (``144``, not ``144.0``), else
    :func:`format_number`."""
    if not math.isfinite(x):
        raise non_finite_error("value", x)
    n = whole(x)
    return f"{int(n):,}" if n == int(n) else format_number(x)


def format_percent(share: float) -> str:
    """A share as a percentage of up to 4 significant digits (``0.8074`` -> ``80.74%``)."""
    if not math.isfinite(share):
        raise non_finite_error("value", share)
    return f"{share * 100:,.4g}%"


def format_flops(flops: float) -> str:
    """A FLOP count as ML papers write it: ``6.35e24`` (3 significant digits)."""
    if not math.isfinite(flops):
        raise non_finite_error("value", flops)
    if flops == 0 or 1e-3 <= abs(flops) < 1e6:
        return format_number(flops)
    mantissa, _, exponent = f"{flops:.2e}".partition("e")
    return f"{mantissa}e{int(exponent)}"


def format_keyed(key: str, x: float, unit: str = "") -> str:
    """A number of result or factor ``key`` in ``unit``: a share (no unit) in percent, a
    count whole, else :func:`format_number`."""
    if key in SHARE_KEYS and not unit:
        return format_percent(x)
    return format_count(x) if key in COUNT_KEYS else format_number(x)


def _readable_unit(q: Any) -> Any:
    """The unit of ``q``'s ladder that gives a magnitude between 1 and 1000."""
    chosen = ladder_unit(q.units, float(q.magnitude))
    return q.units if chosen is None else chosen


def unit_label(text: str) -> str:
    """A unit label for people: pint's ``a`` (annum) written ``year``."""
    return re.sub(r"(?<![A-Za-z])a(?![A-Za-z])", "year", text)


def readable(q: Any, key: str = "") -> str:
    """``q`` in the unit of its ladder that gives a magnitude between 1 and 1000; a FLOP
    count as ``6.35e24 FLOP``; of result or factor ``key``, a share in percent and a count
    whole (:func:`format_keyed`)."""
    if q.check("[computation]"):
        return f"{format_flops(float(q.m_as('FLOP')))} FLOP"
    return readable_value(float(q.magnitude), str(q.units), key)


def readable_value(magnitude: float, unit: str, key: str = "") -> str:
    """:func:`readable` of a magnitude in ``unit`` (no Quantity built: tables of many cells)."""
    ladder = rungs(unit)
    if not ladder:  # no ladder: the quantity as it is
        label = unit_label(units.format_unit(units.get_registry().Unit(unit)))
        return f"{format_keyed(key, magnitude, label)} {label}".strip()
    rung, factor = ladder[0]
    for name, f in ladder:
        if abs(magnitude) * f >= 1:
            rung, factor = name, f
    return f"{format_number(magnitude * factor)} {_rung_label(rung)}".strip()


@cache
def _rung_label(rung: str) -> str:
    return unit_label(units.format_unit(units.get_registry().Unit(rung)))


def readable_range(q: Any, low: Any, high: Any) -> str:
    """``low - high`` in the readable unit of ``q`` (so the range reads beside the value)."""
    unit = _readable_unit(q)
    lo, hi = (float(x.to(unit).magnitude) for x in (low, high))
    label = unit_label(units.format_unit(q.to(unit).units))
    return f"{format_number(lo)} – {format_number(hi)} {label}".strip()


def short_source(source: str) -> str:
    """A citation without its URLs, for tables read by people (JSON keeps them)."""
    text = re.sub(r"\s*<[^>]*>", "", source)
    return re.sub(r"https?://\S+", "", text).strip(" ;")


#: Longest citation in the terminal table (JSON, CSV and Markdown keep the whole text).
TABLE_SOURCE_CHARS = 160


def brief_source(source: str, limit: int = TABLE_SOURCE_CHARS) -> str:
    """A citation cut to ``limit`` characters at a clause boundary, for terminal tables."""
    text = short_source(source)
    if len(text) <= limit:
        return text
    for sep in ("; ", ". ", ", ", " "):  # the coarsest boundary in the second half
        cut = text.rfind(sep, 0, limit)
        if cut > limit // 2:
            return text[:cut].rstrip(" ,;.") + " …"
    return text[:limit] + " …"
