"""The orchestrator: a workload at a site -> electricity, CO2e and water, with provenance."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from footprint import units
from footprint.accounting import CANONICAL_UNITS, RESULT_KEYS, account
from footprint.errors import InputError
from footprint.provenance import Factor
from footprint.site import Site, site_factors
from footprint.workloads import Workload

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

__all__ = ["Footprint", "estimate", "per_unit_results"]

_FORMULAS = {
    "accelerator_hours": "accelerator-hours of the workload",
    "it_energy": "accelerator_hours x (power + host_power)",
    "facility_energy": "it_energy x pue",
    "co2e": "facility_energy x intensity (Scope 2, location-based)",
    "co2e_market": "facility_energy x (1 - cfe) x intensity (Scope 2, market-based)",
    "cost": "facility_energy x price",
    "water": "water_onsite + water_offsite",
    "water_onsite": "it_energy x wue",
    "water_offsite": "facility_energy x ewif",
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
        and ``cost`` [currency] when a price is known.
    factors : dict[str, Factor]
        Every factor used (power, host_power, pue, intensity, wue, ewif).
    inputs : dict[str, str]
        The inputs as given.
    notes : list[str]
        Substitutions and assumptions, in plain words.
    """

    results: dict[str, Any]
    factors: dict[str, Factor]
    inputs: dict[str, str]
    notes: list[str] = field(default_factory=list)

    def __getattr__(self, name: str) -> Any:
        results = self.__dict__.get("results", {})
        if name in results:
            return results[name]
        raise AttributeError(f"{type(self).__name__!r} has no attribute {name!r}")

    def to_dict(self) -> dict[str, Any]:
        """The JSON contract: ``results``, ``factors``, ``inputs``, ``notes``."""
        results = {}
        for key, q in self.results.items():
            unit = CANONICAL_UNITS.get(key)
            value = q.to(unit) if unit else q
            results[key] = {"value": float(value.magnitude), "unit": units.format_unit(value.units)}
        return {
            "results": results,
            "factors": {name: f.to_dict() for name, f in self.factors.items()},
            "inputs": dict(self.inputs),
            "notes": list(self.notes),
        }

    def to_frame(self) -> pd.DataFrame:
        """Every step and factor as a table, with formula or provenance per row."""
        import pandas as pd

        rows = []
        for key, q in self.results.items():
            unit = CANONICAL_UNITS.get(key, units.format_unit(q.units))
            rows.append(
                {
                    "kind": "result",
                    "name": key,
                    "value": float(q.m_as(unit)),
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


def _site(site: Site | None, region: str | None, year: int | None) -> Site:
    if site is None:
        return Site(region=region, year=year)
    if region is not None or year is not None:
        raise InputError("give region and year either inside site=Site(...) or as keywords")
    return site


def estimate(
    job: Workload,
    site: Site | None = None,
    *,
    region: str | None = None,
    year: int | None = None,
) -> Footprint:
    """Electricity, CO2e and water of ``job`` run at ``site``.

    Parameters
    ----------
    job : Workload
        What runs: a :class:`~footprint.GpuJob`, or any workload with a
        ``load()`` method returning a :class:`~footprint.workloads.Load`.
    site : Site, optional
        Where it runs, with any factor overrides. ``region`` and ``year`` are a
        shorthand for ``Site(region=..., year=...)``.

    Returns
    -------
    Footprint
        Quantities with their factors (value, unit, zone, year, source), the
        inputs and notes on every substitution.

    Examples
    --------
    >>> import footprint as fp
    >>> r = fp.estimate(fp.GpuJob("H100-SXM", gpu_hours="39.3e6 h"), region="US", year=2023)
    >>> r.co2e.to("tCO2e")  # doctest: +SKIP
    """
    if not isinstance(job, Workload):
        raise InputError(f"job: expected a workload such as GpuJob, got {type(job).__name__}")
    site = _site(site, region, year)
    sf = site_factors(site)
    load = job.load()
    power, host = load.power, load.host_power
    factors = {"power": power, "host_power": host, **load.extra_factors, **sf.as_dict()}
    mags = account(
        load.accelerator_hours.m_as("h"),
        power.value.m_as("W"),
        host.value.m_as("W"),
        sf.pue.value.m_as(""),
        sf.wue.value.m_as("L/kWh"),
        sf.ewif.value.m_as("L/kWh"),
        sf.intensity.value.m_as("gCO2e/kWh"),
        cfe_share=sf.cfe.value.m_as(""),
        price_per_kwh=None if sf.price is None else sf.price.value.magnitude,
    )
    Q_ = units.Q_
    results = {key: Q_(mags[key], CANONICAL_UNITS[key]) for key in RESULT_KEYS}
    if sf.price is not None:
        results["cost"] = Q_(mags["cost"], units.currency_of(sf.price.value))
    results.update(per_unit_results(results, load.per_unit))
    results.update(load.extra_results)
    notes = [*sf.notes, *load.notes]
    inputs = {**load.inputs, **site.inputs(), "zone": sf.zone}
    return Footprint(results=results, factors=factors, inputs=inputs, notes=notes)


def per_unit_results(results: dict[str, Any], per_unit: dict[str, Any]) -> dict[str, Any]:
    """``energy_per_<unit>`` (facility energy), ``co2e_per_<unit>``, ``water_per_<unit>``."""
    out = {}
    for unit, count in per_unit.items():
        out[f"energy_per_{unit}"] = (results["facility_energy"] / count).to(f"Wh/{unit}")
        out[f"co2e_per_{unit}"] = (results["co2e"] / count).to(f"gCO2e/{unit}")
        out[f"water_per_{unit}"] = (results["water"] / count).to(f"mL/{unit}")
    return out
