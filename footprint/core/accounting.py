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
    onsite_energy    = min(on-site supply, facility_energy)      (on-site PV, when given)
    grid_energy      = facility_energy - onsite_energy
    onsite_surplus   = on-site supply - onsite_energy
    onsite_credit    = onsite_surplus x intensity                 (avoided emissions)
    co2e             = grid_energy x intensity                    (location-based)
                       [- onsite_credit, when the surplus is credited]
    co2e_market      = co2e x (1 - CFE share)
    water_onsite     = it_energy x WUE
    water_offsite    = grid_energy x EWIF
    water            = water_onsite + water_offsite
    water_scarcity   = water x scarcity factor                    (ISO 14046 water scarcity
                       footprint, m3 world-eq: AWARE factors, m3 world-eq per m3 consumed;
                       when a factor table is given)
    cost             = grid_energy x electricity price
    compute_cost     = accelerator_hours x compute price            (rental, or ownership:
                       purchase x CRF(rate, life) / (8,760 h x life_utilization))
    total_cost       = cost + compute_cost                          (one currency)
    embodied_rate    = (embodied_accelerator + embodied_host)
                       / (lifetime x life_utilization)            (per accelerator-hour)
    embodied_co2e    = accelerator_hours x embodied_rate
    total_co2e       = co2e + embodied_co2e

Embodied (manufacturing) CO2e is amortised over the accelerator-hours the
hardware delivers in its life (after Luccioni et al. 2022 for BLOOM and
EcoLogits): ``embodied_host`` is the accelerator's share of its server.

Without on-site supply, ``grid_energy`` is ``facility_energy`` and the on-site keys are
left out of the result.
"""

from __future__ import annotations

from typing import Any

__all__ = [
    "BOUNDARIES",
    "CANONICAL_UNITS",
    "COUNT_KEYS",
    "DEFAULT_BOUNDARY",
    "EMBODIED_ARGUMENTS",
    "EMBODIED_KEYS",
    "COST_KEYS",
    "ONSITE_KEYS",
    "RESULT_KEYS",
    "SCARCITY_KEYS",
    "account",
    "capital_recovery_factor",
    "embodied_rate",
    "ownership_price",
    "onsite_split",
    "whole",
]

#: Canonical output units of every quantity of a footprint (the JSON contract).
CANONICAL_UNITS: dict[str, str] = {
    "accelerator_hours": "h",
    "it_energy": "kWh",
    "facility_energy": "kWh",
    "co2e": "kgCO2e",
    "co2e_market": "kgCO2e",
    "embodied_co2e": "kgCO2e",
    "total_co2e": "kgCO2e",
    "water": "L",
    "water_onsite": "L",
    "water_offsite": "L",
    "water_scarcity": "m3_world_eq",
    "grid_energy": "kWh",
    "onsite_energy": "kWh",
    "onsite_surplus": "kWh",
    "onsite_credit": "kgCO2e",
    # Hourly accounting and scheduling (variants such as co2e_annual follow their base key:
    # engine.result.canonical_unit).
    "solar_generation": "kWh",
    "solar_used": "kWh",
    "solar_surplus": "kWh",
    "co2e_surplus_credit": "kgCO2e",
    "saving": "kgCO2e",
    "spread": "kgCO2e",
    # Per-unit results of workloads (engine.per_unit_results) and inference/training views.
    "energy_per_request": "Wh/request",
    "co2e_per_request": "gCO2e/request",
    "water_per_request": "mL/request",
    "energy_per_token": "Wh/token",
    "co2e_per_token": "gCO2e/token",
    "water_per_token": "mL/token",
    "energy_per_day": "kWh/day",
    "co2e_per_day": "kgCO2e/day",
    "water_per_day": "L/day",
    "energy_per_month": "kWh/month",
    "co2e_per_month": "kgCO2e/month",
    "water_per_month": "L/month",
    "energy_per_year": "kWh/year",
    "co2e_per_year": "kgCO2e/year",
    "water_per_year": "L/year",
    "energy_per_user_month": "kWh/user/month",
    "co2e_per_user_month": "kgCO2e/user/month",
    "water_per_user_month": "L/user/month",
    "requests": "request",
    "output_tokens": "token",
    "accelerators_per_replica": "dimensionless",
    "replicas": "dimensionless",
    "accelerators": "dimensionless",
    "throughput_per_replica": "request/s",
    "request_latency": "s",
    "busy_accelerator_hours": "h",
    "idle_accelerator_hours": "h",
    "published_energy_per_request": "Wh/request",
    "published_co2e_per_request": "gCO2e/request",
    "published_water_per_request": "mL/request",
    "training_flops": "FLOP",
    "implied_mfu": "dimensionless",
    "published_accelerator_hours": "h",
    "published_implied_mfu": "dimensionless",
    "duration": "day",
}

#: Results and factors that count things (requests, tokens, accelerators, a batch): shown
#: as whole numbers, and written without float noise when whole (:func:`whole`).
COUNT_KEYS = frozenset(
    {
        "requests",
        "output_tokens",
        "tokens",
        "accelerators",
        "accelerators_per_replica",
        "replicas",
        "batch",
        "gpus",
        "count",
        "params",
        "active_params",
    }
)


def whole(x: float) -> float:
    """``x`` rounded to the nearest whole number when it is one up to float noise
    (``365249999999.99994`` -> ``365250000000.0``), else ``x``."""
    nearest = round(x)
    return float(nearest) if abs(x - nearest) <= 1e-9 * max(1.0, abs(x)) else x


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


#: Results present when a water-scarcity factor table is given (``Site.water_scarcity``):
#: the water consumed weighted by the scarcity where it is consumed (ISO 14046).
SCARCITY_KEYS = ("water_scarcity",)

#: Results present when embodied emissions are counted.
EMBODIED_KEYS = ("embodied_co2e", "total_co2e")

#: Money results: electricity (``cost``, with a price), compute (``compute_cost``, with a
#: compute price) and their sum (``total_cost``, with both in one currency).
COST_KEYS = ("cost", "compute_cost", "total_cost")

#: Accounting boundaries: what the energy of a result includes, as
#: name -> (host servers included, facility overhead included, description). ``facility``
#: is the default; ``accelerators+facility`` reproduces model cards that report
#: "accelerator power x hours, PUE folded in".
BOUNDARIES: dict[str, tuple[bool, bool, str]] = {
    "accelerators": (False, False, "accelerators only (their average draw x hours)"),
    "accelerators+facility": (
        False,
        True,
        "accelerators x PUE (host servers left out, as many model cards report)",
    ),
    "servers": (True, False, "accelerators + host servers (IT energy; no facility overhead)"),
    "facility": (True, True, "accelerators + host servers + facility overhead (PUE)"),
}
DEFAULT_BOUNDARY = "facility"

#: The embodied keyword arguments of :func:`account` (all four or none).
EMBODIED_ARGUMENTS = (
    "embodied_accelerator_kg",
    "embodied_host_kg",
    "lifetime_h",
    "life_utilization",
)

#: Results present when an on-site supply is given.
ONSITE_KEYS = ("grid_energy", "onsite_energy", "onsite_surplus", "onsite_credit")


def embodied_rate(
    embodied_accelerator_kg: Any,
    embodied_host_kg: Any,
    lifetime_h: Any,
    life_utilization: Any,
) -> Any:
    """Embodied CO2e per accelerator-hour [kgCO2e/h]: manufacturing over the hours used.

    Parameters
    ----------
    embodied_accelerator_kg : float or ndarray
        Manufacturing CO2e of one accelerator [kgCO2e].
    embodied_host_kg : float or ndarray
        The accelerator's share of its server's manufacturing CO2e [kgCO2e].
    lifetime_h : float or ndarray
        Service life of the hardware [h].
    life_utilization : float or ndarray
        Share of that life the hardware is in use [1], in (0, 1].

    Returns
    -------
    float or ndarray
        ``(embodied_accelerator + embodied_host) / (lifetime x life_utilization)``
        [kgCO2e/h].
    """
    return (embodied_accelerator_kg + embodied_host_kg) / (lifetime_h * life_utilization)


def capital_recovery_factor(rate: Any, years: Any) -> Any:
    """The share of a purchase paid each year to repay it with interest over ``years``.

    ``CRF = r / (1 - (1 + r)^-n)`` for a yearly rate ``r`` (a loan's annuity; the cost of
    capital), and ``1 / n`` at ``r = 0``. ``CRF x n`` is what the purchase costs over its
    life, interest included.
    """
    import numpy as np

    r = np.asarray(rate, dtype=float)
    n = np.asarray(years, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        crf = np.where(r == 0, 1.0 / n, r / (1.0 - (1.0 + r) ** -n))
    return float(crf) if crf.ndim == 0 else crf


def ownership_price(
    purchase: Any, lifetime_h: Any, life_utilization: Any, financing_rate: Any = 0.0
) -> Any:
    """Cost of owning an accelerator per accelerator-hour used [currency/h].

    ``purchase x CRF(rate, lifetime) x lifetime / (lifetime_h x life_utilization)``: the
    purchase (with its financing) spread over the hours the hardware works in its life,
    as :func:`embodied_rate` spreads manufacturing CO2e.

    Parameters
    ----------
    purchase : float or ndarray
        Price of one accelerator, or its share of a server [currency].
    lifetime_h : float or ndarray
        Service life [h] (8,760 h a year).
    life_utilization : float or ndarray
        Share of that life the hardware is in use [1], in (0, 1].
    financing_rate : float or ndarray
        Yearly cost of capital [1] (0.08 for 8%); 0 spreads the purchase evenly.
    """
    years = lifetime_h / 8760.0
    paid = purchase * capital_recovery_factor(financing_rate, years) * years
    return paid / (lifetime_h * life_utilization)


def onsite_split(facility_kwh: Any, onsite_kwh: Any) -> tuple[Any, Any, Any]:
    """The on-site step: ``(onsite used, grid, surplus)`` [kWh] of a facility energy.

    The on-site supply serves the load first: ``used = min(onsite, facility)``,
    ``grid = facility - used``, ``surplus = onsite - used``.
    """
    if hasattr(facility_kwh, "shape") or hasattr(onsite_kwh, "shape"):
        import numpy as np

        used = np.minimum(onsite_kwh, facility_kwh)
    else:
        used = min(onsite_kwh, facility_kwh)
    return used, facility_kwh - used, onsite_kwh - used


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
    embodied_accelerator_kg: Any = None,
    embodied_host_kg: Any = None,
    lifetime_h: Any = None,
    life_utilization: Any = None,
    onsite_kwh: Any = None,
    credit_surplus: bool = False,
    compute_price_per_h: Any = None,
    scarcity_factor: Any = None,
) -> dict[str, Any]:
    """Energy, CO2e, water (and cost) in the canonical units of :data:`CANONICAL_UNITS`.

    ``price_per_kwh`` is a magnitude in the caller's currency per kWh; ``cost`` is
    returned in that currency when it is given. With the four embodied arguments
    (see :func:`embodied_rate`), ``embodied_co2e`` and ``total_co2e`` [kgCO2e] are
    added; ``co2e`` stays the operational figure. ``onsite_kwh`` is the on-site supply
    (e.g. PV) available to the load [kWh]: it serves the facility energy first, and the
    grid supplies the rest (``grid_energy``, which CO2e, off-site water and cost follow);
    the supply left over is valued at the grid's intensity (``onsite_credit``), and with
    ``credit_surplus`` that credit is taken off ``co2e`` (avoided emissions).
    ``compute_price_per_h`` (a rental or ownership price per accelerator-hour, in a
    currency) adds ``compute_cost``, and with ``price_per_kwh`` ``total_cost`` (the caller
    passes both in one currency, or drops ``total_cost``).
    ``scarcity_factor`` (a water-scarcity characterisation factor in m3 world-eq per m3
    consumed, e.g. AWARE's; NaN where unknown) adds ``water_scarcity`` [m3 world-eq] =
    the water consumed (on-site + off-site, both consumption) x the factor.
    """
    it_kwh = accelerator_hours_h * (power_w + host_power_w) / 1000.0
    facility_kwh = it_kwh * pue
    grid_kwh = facility_kwh
    onsite: dict[str, Any] = {}
    if onsite_kwh is not None:
        used_kwh, grid_kwh, surplus_kwh = onsite_split(facility_kwh, onsite_kwh)
        onsite = {
            "grid_energy": grid_kwh,
            "onsite_energy": used_kwh,
            "onsite_surplus": surplus_kwh,
            "onsite_credit": surplus_kwh * intensity_g_per_kwh / 1000.0,
        }
    co2e_kg = grid_kwh * intensity_g_per_kwh / 1000.0
    if credit_surplus and onsite:
        co2e_kg = co2e_kg - onsite["onsite_credit"]
    water_onsite_l = it_kwh * wue_l_per_kwh
    water_offsite_l = grid_kwh * ewif_l_per_kwh
    out = {
        "accelerator_hours": accelerator_hours_h,
        "it_energy": it_kwh,
        "facility_energy": facility_kwh,
        **onsite,
        "co2e": co2e_kg,
        "co2e_market": co2e_kg * (1.0 - cfe_share),
        "water": water_onsite_l + water_offsite_l,
        "water_onsite": water_onsite_l,
        "water_offsite": water_offsite_l,
    }
    if scarcity_factor is not None:  # L -> m3, x m3 world-eq per m3 consumed
        out["water_scarcity"] = (water_onsite_l + water_offsite_l) / 1000.0 * scarcity_factor
    if price_per_kwh is not None:
        out["cost"] = grid_kwh * price_per_kwh
    if compute_price_per_h is not None:
        out["compute_cost"] = accelerator_hours_h * compute_price_per_h
        if price_per_kwh is not None:
            out["total_cost"] = out["cost"] + out["compute_cost"]
    embodied = (embodied_accelerator_kg, embodied_host_kg, lifetime_h, life_utilization)
    if any(x is not None for x in embodied):
        if any(x is None for x in embodied):
            raise ValueError("account: give all four embodied arguments or none")
        embodied_kg = accelerator_hours_h * embodied_rate(*embodied)
        out["embodied_co2e"] = embodied_kg
        out["total_co2e"] = co2e_kg + embodied_kg
    return out
