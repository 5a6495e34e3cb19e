"""Results of inference workloads: per-user views and per-unit results in readable units.

:func:`estimate_inference` is :func:`footprint.estimate` of an
:class:`~footprint.workloads.inference.InferenceWorkload` plus :func:`per_user_results`, with
per-request, per-token and per-day results scaled for tables (:func:`readable`).
"""

from __future__ import annotations

from dataclasses import replace
from functools import cache
from typing import TYPE_CHECKING, Any

from footprint.core import units

if TYPE_CHECKING:  # pragma: no cover
    from footprint.analyses.estimate import Footprint
    from footprint.places.site import Site
    from footprint.workloads.inference import InferenceWorkload

__all__ = ["estimate_inference", "per_user_results", "readable"]


def per_user_results(footprint: Footprint, workload: InferenceWorkload) -> dict[str, Any]:
    """Energy, CO2e, water (and electricity cost) per user per month.

    ``facility_energy / (users x months of the period)``; empty unless the workload was
    given as ``users`` x ``requests_per_user``.
    """
    users = workload.user_count
    if users is None:
        return {}
    Q_ = units.Q_
    user_months = Q_(users, "user") * workload.accounting_period.to("month")
    res = footprint.results
    out = {
        "energy_per_user_month": (res["facility_energy"] / user_months).to("kWh/user/month"),
        "co2e_per_user_month": (res["co2e"] / user_months).to("kgCO2e/user/month"),
        "water_per_user_month": (res["water"] / user_months).to("L/user/month"),
    }
    if "cost" in res:
        cost = res["cost"]
        out["cost_per_user_month"] = (cost / user_months).to(f"{cost.units}/user/month")
    return out


def estimate_inference(
    workload: InferenceWorkload,
    site: Site | None = None,
    *,
    region: str | None = None,
    year: int | None = None,
    **options: Any,
) -> Footprint:
    """:func:`footprint.estimate` of ``workload``, plus the per-user results if it has users.

    ``options`` go to :func:`footprint.estimate` unchanged. Per-request, per-token and
    per-day quantities are scaled to readable units for tables (the JSON and CSV
    contract converts every result to its canonical unit).
    """
    from footprint.analyses.estimate import estimate

    result = estimate(workload, site, region=region, year=year, **options)
    results = {**result.results, **per_user_results(result, workload)}
    return replace(result, results={k: readable(k, q) for k, q in results.items()})


#: Numerator units tried for per-unit results, with their size in the ladder's base
#: (Wh, gCO2e, L); display only: the JSON and CSV contract converts every result to its
#: canonical unit.
_PER_UNIT_LADDERS: dict[str, tuple[str, tuple[tuple[str, float], ...]]] = {
    "energy": (
        "Wh",
        (("mWh", 1e-3), ("Wh", 1.0), ("kWh", 1e3), ("MWh", 1e6), ("GWh", 1e9), ("TWh", 1e12)),
    ),
    "co2e": (
        "gCO2e",
        (
            ("mgCO2e", 1e-3),
            ("gCO2e", 1.0),
            ("kgCO2e", 1e3),
            ("tCO2e", 1e6),
            ("ktCO2e", 1e9),
            ("MtCO2e", 1e12),
        ),
    ),
    "water": ("L", (("mL", 1e-3), ("L", 1.0), ("m^3", 1e3))),
}
#: Denominators of the per-unit results of inference workloads.
_PER_UNIT_DENOMINATORS = {
    "request": "request",
    "token": "token",
    "day": "day",
    "month": "month",
    "year": "year",
    "user_month": "user/month",
}


@cache
def _ladder(kind: str, denominator: str) -> tuple[Any, tuple[tuple[Any, float], ...]]:
    ureg = units.get_registry()
    base, rungs = _PER_UNIT_LADDERS[kind]
    return ureg.Unit(f"{base}/{denominator}"), tuple(
        (ureg.Unit(f"{unit}/{denominator}"), scale) for unit, scale in rungs
    )


def readable(key: str, q: Any) -> Any:
    """``energy_per_day`` and the like in the ladder unit giving a magnitude of 1-1000.

    Display only (tables): the JSON and CSV contract converts every result to its
    canonical unit.
    """
    name = key.removeprefix("published_")
    kind, _, per = name.partition("_per_")
    kind = "co2e" if kind in ("total_co2e", "co2e_market", "embodied_co2e") else kind
    denominator = _PER_UNIT_DENOMINATORS.get(per)
    if kind not in _PER_UNIT_LADDERS or denominator is None:
        return q
    base, rungs = _ladder(kind, denominator)
    value = float(q.m_as(base))
    unit, scale = rungs[0]
    for candidate, size in rungs:
        if abs(value) >= size:
            unit, scale = candidate, size
    return units.Q_(value / scale, unit)
