"""The result of an estimate: :class:`Footprint` and the canonical units of its results.

Below :mod:`footprint.analyses.estimate` (which builds a ``Footprint``) and
:mod:`footprint.analyses.uncertainty` (which adds ranges to one), so that neither imports the other
for the type. Public through :mod:`footprint.analyses.estimate` and ``footprint.Footprint``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from footprint.core import units
from footprint.core.accounting import CANONICAL_UNITS, COUNT_KEYS, whole
from footprint.core.provenance import Factor
from footprint.engine.evaluation import LoadTable, SiteTable, evaluate

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

__all__ = ["Footprint", "canonical_unit"]

_FORMULAS = {
    "accelerator_hours": "accelerator-hours of the workload",
    "it_energy": "accelerator_hours x (power + host_power)",
    "facility_energy": "it_energy x pue",
    "co2e": "facility_energy x intensity (Scope 2, location-based)",
    "co2e_market": "facility_energy x (1 - cfe) x intensity (Scope 2, market-based)",
    "cost": "facility_energy x price",
    "compute_cost": "accelerator_hours x compute_price (rental, or ownership)",
    "total_cost": "cost + compute_cost",
    "water": "water_onsite + water_offsite",
    "water_onsite": "it_energy x wue",
    "water_offsite": "facility_energy x ewif",
    "embodied_co2e": "accelerator_hours x (embodied_accelerator + embodied_host) "
    "/ (lifetime x life_utilization)",
    "total_co2e": "co2e + embodied_co2e",
}


@dataclass(frozen=True)
class Footprint:
    """Result of an estimate: quantities, the factors behind them, inputs and notes.

    Attributes
    ----------
    results : dict[str, Quantity]
        ``it_energy``, ``facility_energy`` [kWh], ``co2e`` [kgCO2e] (operational,
        Scope 2 location-based), ``co2e_market`` [kgCO2e] (Scope 2 market-based),
        ``water``, ``water_onsite``, ``water_offsite`` [L], ``accelerator_hours`` [h],
        ``cost`` [currency] when a price is known, and, when embodied emissions are
        counted, ``embodied_co2e`` (manufacturing, amortised) and ``total_co2e``
        (``co2e`` + ``embodied_co2e``) [kgCO2e].
    factors : dict[str, Factor]
        Every factor used (power, host_power, pue, intensity, wue, ewif, and the embodied
        factors), each with its range (``Factor.spread``) where it is uncertain.
    inputs : dict[str, str]
        The inputs as given.
    notes : list[str]
        Substitutions and assumptions, in plain words.
    ranges : dict[str, tuple[Quantity, Quantity]]
        ``(low, high)`` of results when uncertainty was propagated (else empty).
    uncertainty : dict, optional
        Method, samples, seed, percentiles and the sensitivity ranking
        (:func:`footprint.analyses.uncertainty.propagate`).
    """

    results: dict[str, Any]
    factors: dict[str, Factor]
    inputs: dict[str, str]
    notes: list[str] = field(default_factory=list)
    ranges: dict[str, tuple[Any, Any]] = field(default_factory=dict)
    uncertainty: dict[str, Any] | None = None

    def __getattr__(self, name: str) -> Any:
        results = self.__dict__.get("results", {})
        if name in results:
            return results[name]
        raise AttributeError(f"{type(self).__name__!r} has no attribute {name!r}")

    def to_dict(self) -> dict[str, Any]:
        """The JSON contract: ``results``, ``factors``, ``inputs``, ``notes``.

        With uncertainty, each result with a range adds ``low`` and ``high`` (same unit
        as ``value``) and the dict adds ``uncertainty`` (method and sensitivity).
        """
        results = {}
        for key, q in self.results.items():
            unit = canonical_unit(key)
            value = q.to(unit) if unit else q
            magnitude = float(value.magnitude)
            if key in COUNT_KEYS:  # a count: no float noise (365249999999.99994 requests)
                magnitude = whole(magnitude)
            results[key] = {"value": magnitude, "unit": units.format_unit(value.units)}
            if key in self.ranges:
                low, high = self.ranges[key]
                results[key]["low"] = float(low.m_as(value.units))
                results[key]["high"] = float(high.m_as(value.units))
        out = {
            "results": results,
            "factors": {name: f.to_dict() for name, f in self.factors.items()},
            "inputs": dict(self.inputs),
            "notes": list(self.notes),
        }
        if self.uncertainty is not None:
            out["uncertainty"] = self.uncertainty
        return out

    def breakdown(self) -> dict[str, Any]:
        """Total CO2e split as BLOOM's footprint was (Luccioni et al. 2022) [kgCO2e].

        ``accelerators`` (draw of the accelerators, the "dynamic" part), ``host`` (host
        share: CPUs, memory, network, idle nodes), ``facility`` (cooling and other overhead,
        PUE - 1) and ``embodied`` (manufacturing, amortised); they sum to ``total_co2e``
        (``co2e`` without embodied emissions). One evaluation of the engine.
        """
        f = self.factors
        hours = self.results["accelerator_hours"].m_as("h")
        power, host = f["power"].value.m_as("W"), f["host_power"].value.m_as("W")
        intensity = f["intensity"].value.m_as("gCO2e/kWh")

        import numpy as np

        # one evaluation of the engine over three boundaries: accelerators, IT, facility
        steps = evaluate(
            LoadTable(hours, power, np.array([0.0, host, host])),
            SiteTable(
                pue=np.array([1.0, 1.0, f["pue"].value.m_as("")]),
                wue=0.0,
                ewif=0.0,
                intensity=intensity,
            ),
        )["co2e"]
        accelerators, it_part, total = (float(x) for x in steps)
        host_part = it_part - accelerators
        embodied = (
            self.results["embodied_co2e"].m_as("kgCO2e") if "embodied_co2e" in self.results else 0.0
        )
        parts = {
            "accelerators": accelerators,
            "host": host_part,
            "facility": total - it_part,
            "embodied": embodied,
        }
        return {k: units.Q_(v, "kgCO2e") for k, v in parts.items()}

    def to_frame(self) -> pd.DataFrame:
        """Every step and factor as a table, with formula or provenance per row."""
        import pandas as pd

        rows = []
        for key, q in self.results.items():
            unit = canonical_unit(key) or units.format_unit(q.units)
            low, high = self.ranges.get(key, (None, None))
            rows.append(
                {
                    "kind": "result",
                    "name": key,
                    "value": float(q.m_as(unit)),
                    "low": None if low is None else float(low.m_as(unit)),
                    "high": None if high is None else float(high.m_as(unit)),
                    "unit": unit,
                    "how": _FORMULAS.get(key, ""),
                    "origin": "derived",
                    "zone": None,
                    "year": None,
                    "dataset": None,
                    "note": "",
                }
            )
        for name, f in self.factors.items():
            d = f.to_dict()
            rows.append(
                {
                    "kind": "factor",
                    "name": name,
                    "value": d["value"],
                    "low": d["low"] if f.spread is not None else None,
                    "high": d["high"] if f.spread is not None else None,
                    "unit": d["unit"],
                    "how": f.source,
                    "origin": f.origin,
                    "zone": f.zone,
                    "year": f.year,
                    "dataset": f.dataset,
                    "note": f.note,
                }
            )
        return pd.DataFrame(rows)


def canonical_unit(key: str) -> str | None:
    """The fixed unit of result ``key`` in the JSON and CSV contract, ``None`` if it has none.

    One table for every analysis (:data:`footprint.core.accounting.CANONICAL_UNITS`):
    ``total_co2e_per_<unit>`` takes the unit of ``co2e_per_<unit>`` (gCO2e/request,
    kgCO2e/day...), so operational and total CO2e per unit are in the same unit; a share
    is dimensionless; a variant (:data:`VARIANT_SUFFIXES`) takes its base key's unit.
    """
    unit = CANONICAL_UNITS.get(key)
    if unit is None and key.startswith("total_co2e_per_"):
        unit = CANONICAL_UNITS.get(key.removeprefix("total_"))
    if unit is None and key.endswith("_share"):
        unit = "dimensionless"
    if unit is None:
        for suffix in VARIANT_SUFFIXES:
            if key.endswith(suffix):
                return canonical_unit(key.removesuffix(suffix))
    return unit


#: Suffixes of results that are a variant of another (the same quantity by another
#: method, at another start or without a step): ``co2e_annual``, ``co2e_market_now``,
#: ``water_solar_avoided``... take the unit of their base key.
VARIANT_SUFFIXES = (
    "_annual",
    "_best",
    "_worst",
    "_now",
    "_no_solar",
    "_flat",
    "_timing",
    "_difference",
    "_solar_avoided",
)
