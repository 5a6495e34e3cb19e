"""The one table of readable units: per dimension, the ladder a displayed value climbs.

Tables, Markdown and charts show a quantity in the largest unit of its ladder that keeps
its magnitude at 1 or more (``1,234 kWh`` rather than ``1.234e6 Wh``); JSON and CSV keep
canonical units. Used by :mod:`footprint.render.labels` (one value),
:mod:`footprint.render.compare_table` (one unit per column) and
:mod:`footprint.render.plots` (one unit per axis).
"""

from __future__ import annotations

from functools import cache
from typing import Any

from footprint.core import units

__all__ = ["UNIT_LADDERS", "ladder_unit", "rungs"]

#: Readable units per dimension, smallest first.
UNIT_LADDERS: dict[str, tuple[str, ...]] = {
    "[energy]": ("Wh", "kWh", "MWh", "GWh", "TWh"),
    "[co2e]": ("gCO2e", "kgCO2e", "tCO2e", "ktCO2e", "MtCO2e"),
    "[volume]": ("mL", "L", "m^3", "hm^3"),
    "[water_scarcity]": ("L_world_eq", "m3_world_eq", "hm3_world_eq"),
}


@cache
def rungs(unit: str) -> tuple[tuple[str, float], ...]:
    """``unit``'s ladder as (rung, factor from ``unit`` to the rung), smallest first; empty
    when ``unit`` has no ladder. Cached: a table of thousands of cells converts each unit
    once (pint parses a unit in about half a millisecond)."""
    registry = units.get_registry()
    q = registry.Quantity(1.0, unit)
    ladder = next((lad for dim, lad in UNIT_LADDERS.items() if q.check(dim)), None)
    if ladder is None:
        return ()
    return tuple((rung, float(q.m_as(rung))) for rung in ladder)


def ladder_unit(unit: Any, biggest: float) -> str | None:
    """The unit of ``unit``'s ladder in which ``biggest`` (a magnitude in ``unit``) is 1 or
    more, the largest such (the first rung when none is); ``None`` when ``unit`` has no
    ladder."""
    ladder = rungs(str(unit))
    if not ladder:
        return None
    chosen = ladder[0][0]
    for rung, factor in ladder:
        if abs(biggest) * factor >= 1:
            chosen = rung
    return chosen
