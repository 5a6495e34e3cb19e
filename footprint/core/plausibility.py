"""Warnings for inputs beyond sourced physical bounds: accepted, computed, and said.

An average draw above an accelerator's TDP, or a grid intensity far above the most
carbon-intensive grid in footprint's data, is almost always a unit slip (``400 kg/kWh`` for
``400 g/kWh``, a server's power given as one GPU's). Such inputs are not refused (a user
may mean them), but each one is said twice: as a :class:`PlausibilityWarning` (the CLI
prints it on standard error as ``warning: ...``) and as a note in the result, so that the
warning travels with the numbers into JSON, CSV and reports.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterable
from typing import Any

__all__ = [
    "PlausibilityWarning",
    "POWER_OVER_TDP",
    "INTENSITY_OVER_MAX",
    "check_power",
    "check_intensity",
    "warn_notes",
]

#: An average draw above TDP x this is implausible. TDP is the board power limit the
#: accelerator enforces (NVIDIA's power capping, AMD's PPT): averages over a job stay at
#: or below it; the margin allows for boards run with a raised limit.
POWER_OVER_TDP = 1.25
#: An average draw below TDP x this is below an idle accelerator's draw (footprint's own
#: idle default, ``infer --idle-power``, is 0.2 x TDP: a quarter of that is far below idle).
POWER_UNDER_TDP = 0.05
#: A grid intensity above the highest zone-year of footprint's grid data times this is
#: implausible (even a lignite plant alone emits about 1,000-1,300 gCO2e/kWh).
INTENSITY_OVER_MAX = 1.5


class PlausibilityWarning(UserWarning):
    """An input outside sourced physical bounds: used as given, and noted."""


#: How the note of an implausible input starts.
PREFIX = "implausible input: "


def _warn(message: str) -> str:
    return PREFIX + message


def warn_notes(notes: Iterable[str]) -> tuple[str, ...]:
    """Issue a :class:`PlausibilityWarning` for each note of an implausible input among
    ``notes`` (at each call: results may come from a cache); returns those notes."""
    found = tuple(n for n in notes if n.startswith(PREFIX))
    for note in found:
        warnings.warn(note.removeprefix(PREFIX), PlausibilityWarning, stacklevel=3)
    return found


def check_power(power_w: float, accelerator: str, tdp_w: float | None, name: str) -> str | None:
    """A note (for :func:`warn_notes`) when ``power_w`` per accelerator is outside the
    bounds its TDP sets."""
    if tdp_w is None or not tdp_w > 0:
        return None
    ratio = power_w / tdp_w
    if ratio > POWER_OVER_TDP:
        return _warn(
            f"{name} {power_w:,.0f} W is {ratio:,.3g}x the {accelerator}'s TDP of {tdp_w:,.0f} W"
            " (its board power limit, datasheet), above which no average draw goes; it is the"
            " draw of one accelerator (a server's share goes in host power)"
        )
    if 0 < ratio < POWER_UNDER_TDP:
        return _warn(
            f"{name} {power_w:,.3g} W is {ratio:.1%} of the {accelerator}'s TDP of"
            f" {tdp_w:,.0f} W, below what an idle accelerator draws"
        )
    return None


def check_intensity(intensity: Any, name: str, highest: tuple[float, str, int]) -> str | None:
    """A note (for :func:`warn_notes`) when a given intensity is far above ``highest``, the most
    carbon-intensive zone-year of the grid data ``(gCO2e/kWh, zone, year)``."""
    g = float(intensity.m_as("gCO2e/kWh"))
    top, zone, year = highest
    if g > top * INTENSITY_OVER_MAX:
        return _warn(
            f"{name} {g:,.0f} gCO2e/kWh is {g / top:,.3g}x the most carbon-intensive grid in"
            f" footprint's data ({zone} {year}: {top:,.0f} g/kWh); a grid intensity is grams"
            " per kWh (e.g. '400 g/kWh', '0.4 kg/kWh')"
        )
    return None
