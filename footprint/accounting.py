"""The footprint formulas, on plain magnitudes in canonical units.

Pure and vectorised: every argument may be a float or a NumPy array (all
broadcast together), so that single estimates, regional comparisons, batch
jobs and uncertainty sampling share one copy of the formulas. Units are
attached by the callers (:func:`footprint.estimate`); the canonical units are
in the names.

Formulas (Green Algorithms, Lannelongue et al. 2021; Li et al. 2023 for water;
GHG Protocol Scope 2 Guidance for market-based CO2e)::

    it_energy        = accelerator_hours x (power + host_power)
    facility_energy  = it_energy x PUE
    co2e             = facility_energy x intensity                (location-based)
    co2e_market      = facility_energy x (1 - CFE share) x intensity
    water_onsite     = it_energy x WUE
    water_offsite    = facility_energy x EWIF
    water            = water_onsite + water_offsite
    cost             = facility_energy x electricity price
"""

from __future__ import annotations

from typing import Any

__all__ = ["CANONICAL_UNITS", "RESULT_KEYS", "account"]

#: Canonical output units of every quantity of a footprint (the JSON contract).
CANONICAL_UNITS: dict[str, str] = {
    "accelerator_hours": "h",
    "it_energy": "kWh",
    "facility_energy": "kWh",
    "co2e": "kgCO2e",
    "co2e_market": "kgCO2e",
    "water": "L",
    "water_onsite": "L",
    "water_offsite": "L",
}

#: Results that are always present (``cost`` only when a price is known).
RESULT_KEYS = (
    "accelerator_hours",
    "it_energy",
    "facility_energy",
    "co2e",
    "co2e_market",
    "water",
    "water_onsite",
    "water_offsite",
)


def account(
    accelerator_hours_h: Any,
    power_w: Any,
    host_power_w: Any,
    pue: Any,
    wue_l_per_kwh: Any,
    ewif_l_per_kwh: Any,
    intensity_g_per_kwh: Any,
    cfe_share: Any = 0.0,
    price_per_kwh: Any = None,
) -> dict[str, Any]:
    """Energy, CO2e, water (and cost) in the canonical units of :data:`CANONICAL_UNITS`.

    ``price_per_kwh`` is a magnitude in the caller's currency per kWh; ``cost`` is
    returned in that currency when it is given.
    """
    it_kwh = accelerator_hours_h * (power_w + host_power_w) / 1000.0
    facility_kwh = it_kwh * pue
    co2e_kg = facility_kwh * intensity_g_per_kwh / 1000.0
    water_onsite_l = it_kwh * wue_l_per_kwh
    water_offsite_l = facility_kwh * ewif_l_per_kwh
    out = {
        "accelerator_hours": accelerator_hours_h,
        "it_energy": it_kwh,
        "facility_energy": facility_kwh,
        "co2e": co2e_kg,
        "co2e_market": co2e_kg * (1.0 - cfe_share),
        "water": water_onsite_l + water_offsite_l,
        "water_onsite": water_onsite_l,
        "water_offsite": water_offsite_l,
    }
    if price_per_kwh is not None:
        out["cost"] = facility_kwh * price_per_kwh
    return out
