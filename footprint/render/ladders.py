"""The one table of readable units: per dimension, the ladder a displayed value climbs.

Tables, Markdown and charts show a quantity in the largest unit of its ladder that keeps
its magnitude at 1 or more (``1,234 kWh`` rather than ``1.234e6 Wh``); JSON and CSV keep
canonical units. Used by :mod:`footprint.render.labels` (one value),
:mod:`footprint.render.compare_table` (one unit per column) and
:mod:`footprint.render.plots` (one unit per axis).
"""

from __future__ import annotations

from typing import Any

from footprint.core import units

__all__ = ["UNIT_LADDERS", "ladder_unit"]

#: Readable units per dimension, smallest first.
UNIT_LADDERS: dict[str, tuple[str, ...]] = {
    "[energy]": ("Wh", "kWh", "MWh", "GWh", "TWh"),
    "[co2e]": ("gCO2e", "kgCO2e", "tCO2e", "ktCO2e", "MtCO2e"),
    "[volume]": ("mL", "L", "m^3", "hm^3"),
}


def ladder_unit(unit: Any, biggest: float) -> str | None:
    """The unit of ``unit``'s ladder in which ``biggest`` (a magnitude in ``unit``) is 1 or
    more, the largest such (the first rung when none is); ``None`` when ``unit`` has no
    ladder."""
    registry = units.get_registry()
    q = registry.Quantity(abs(biggest), unit)
    ladder = next((lad for dim, lad in UNIT_LADDERS.items() if q.check(dim)), None)
    if ladder is None:
        return None
    chosen = ladder[0]
    for rung in ladder:
        if q.m_as(rung) >= 1:
            chosen = rung
    return chosen
