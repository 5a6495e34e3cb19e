"""The orchestrator: a workload at a site -> electricity, CO2e and water, with provenance."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from footprint import units
from footprint.accounting import CANONICAL_UNITS, EMBODIED_KEYS, RESULT_KEYS, account
from footprint.errors import InputError
from footprint.provenance import Factor
from footprint.site import Site, site_factors
from footprint.workloads import Workload

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

    from footprint.embodied import Embodied
    from footprint.uncertainty import Uncertainty

__all__ = ["Footprint", "canonical_unit", "estimate", "per_unit_results"]

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
        (:func:`footprint.uncertainty.propagate`).
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
            results[key] = {"value": float(value.magnitude), "unit": units.format_unit(value.units)}
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
        (``co2e`` without embodied emissions). Computed with the one copy of the formulas.
        """
        f = self.factors
        hours = self.results["accelerator_hours"].m_as("h")
        power, host = f["power"].value.m_as("W"), f["host_power"].value.m_as("W")
        intensity = f["intensity"].value.m_as("gCO2e/kWh")

        def co2e(power_w: float, host_w: float, pue: float) -> float:
            return float(account(hours, power_w, host_w, pue, 0.0, 0.0, intensity)["co2e"])

        accelerators = co2e(power, 0.0, 1.0)
        it_part = co2e(power, host, 1.0)
        host_part = it_part - accelerators
        total = co2e(power, host, f["pue"].value.m_as(""))
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

    ``total_co2e_per_<unit>`` takes the unit of ``co2e_per_<unit>`` (gCO2e/request,
    kgCO2e/day...), so operational and total CO2e per unit are in the same unit.
    """
    unit = CANONICAL_UNITS.get(key)
    if unit is None and key.startswith("total_co2e_per_"):
        unit = CANONICAL_UNITS.get(key.removeprefix("total_"))
    return unit


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
    embodied: Embodied | bool | None = None,
    uncertainty: Uncertainty | bool | None = None,
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
    embodied : Embodied or bool, optional
        Embodied (manufacturing) emissions: counted by default (``None``/``True``) with
        the defaults of :mod:`footprint.embodied`, or with an
        :class:`~footprint.Embodied` that replaces some of them; ``False`` leaves them
        out (no ``embodied_co2e`` and ``total_co2e`` results).
    uncertainty : Uncertainty or bool, optional
        ``True`` or an :class:`~footprint.Uncertainty` adds low/high ranges to the
        results and a sensitivity ranking (:func:`footprint.uncertainty.propagate`).

    Returns
    -------
    Footprint
        Quantities with their factors (value, unit, zone, year, source, range), the
        inputs and notes on every substitution.

    Examples
    --------
    >>> import footprint as fp
    >>> r = fp.estimate(fp.GpuJob("H100-SXM", gpu_hours="39.3e6 h"), region="US", year=2023)
    >>> r.co2e.to("tCO2e")  # doctest: +SKIP
    >>> r = fp.estimate(fp.GpuJob("H100-SXM", gpu_hours=1000), uncertainty=True)
    >>> r.ranges["total_co2e"]  # doctest: +SKIP
    """
    from footprint.uncertainty import quantity, with_spreads

    if not isinstance(job, Workload):
        raise InputError(f"job: expected a workload such as GpuJob, got {type(job).__name__}")
    site = _site(site, region, year)
    sf = site_factors(site)
    load = job.load()
    power, host = load.power, load.host_power
    factors = {"power": power, "host_power": host, **load.extra_factors, **sf.as_dict()}
    emb = _embodied(embodied, job, load)
    if emb is not None:
        factors.update(emb.as_dict())
    factors = with_spreads(factors, site)
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
        **({} if emb is None else emb.magnitudes()),
    )
    Q_ = units.Q_
    keys = RESULT_KEYS + (EMBODIED_KEYS if emb is not None else ())
    results = {key: quantity(mags[key], CANONICAL_UNITS[key]) for key in keys}
    if sf.price is not None:
        results["cost"] = Q_(mags["cost"], units.currency_of(sf.price.value))
    results.update(per_unit_results(results, load.per_unit))
    results.update(load.extra_results)
    _check_finite(results, load)
    notes = [*sf.notes, *load.notes, *(() if emb is None else emb.notes)]
    inputs = {**load.inputs, **site.inputs(), "zone": sf.zone}
    if embodied is False:
        notes.append("embodied (manufacturing) emissions not counted")
    elif embodied is not None and not isinstance(embodied, bool):
        inputs.update(embodied.inputs())
    fp = Footprint(results=results, factors=factors, inputs=inputs, notes=notes)
    if uncertainty is None or uncertainty is False:
        return fp
    from footprint.uncertainty import Uncertainty as _Uncertainty
    from footprint.uncertainty import propagate

    if uncertainty is True:
        spec = _Uncertainty()
    elif isinstance(uncertainty, _Uncertainty):
        spec = uncertainty
    else:
        raise InputError(
            f"uncertainty: expected True, False or an Uncertainty, got {type(uncertainty).__name__}"
        )
    return propagate(fp, load, spec)


def _check_finite(results: dict[str, Any], load: Any) -> None:
    """Refuse results that overflowed to infinity (JSON has no number for them)."""
    overflow = [
        key
        for key, q in results.items()
        if not all(math.isfinite(float(m)) for m in _flat(getattr(q, "magnitude", q)))
    ]
    if overflow:
        raise InputError(
            f"{', '.join(overflow)}: too large to compute (beyond 1e308); check the size "
            f"of the inputs (accelerator-hours {load.accelerator_hours.m_as('h'):g} h, "
            f"power {load.power.value.m_as('W'):g} W)"
        )


def _flat(m: Any) -> list[Any]:
    return list(m.ravel()) if hasattr(m, "ravel") else [m]


def _embodied(embodied: Any, job: Any, load: Any) -> Any:
    """The embodied factors of the workload, or ``None`` when they are not counted."""
    if embodied is False:
        return None
    from footprint.embodied import Embodied as _Embodied
    from footprint.embodied import embodied_factors, workload_accelerator

    if embodied is None or embodied is True:
        spec = _Embodied()
    elif isinstance(embodied, _Embodied):
        spec = embodied
    else:
        raise InputError(
            f"embodied: expected True, False or an Embodied, got {type(embodied).__name__}"
        )
    accelerator = None if "accelerator" in spec._parsed else workload_accelerator(job, load)
    return embodied_factors(spec, accelerator)


def per_unit_results(results: dict[str, Any], per_unit: dict[str, Any]) -> dict[str, Any]:
    """``energy_per_<unit>`` (facility energy), ``co2e_per_<unit>``, ``water_per_<unit>``."""
    out = {}
    for unit, count in per_unit.items():
        n = float(getattr(count, "magnitude", count))
        if not (math.isfinite(n) and n > 0):
            raise InputError(
                f"per-{unit.replace('_', '-')} results: the workload counts {n:g} {unit}s "
                "(a volume or period too small or too large to divide by)"
            )
        out[f"energy_per_{unit}"] = (results["facility_energy"] / count).to(f"Wh/{unit}")
        out[f"co2e_per_{unit}"] = (results["co2e"] / count).to(f"gCO2e/{unit}")
        out[f"water_per_{unit}"] = (results["water"] / count).to(f"mL/{unit}")
        if "total_co2e" in results:
            out[f"total_co2e_per_{unit}"] = (results["total_co2e"] / count).to(f"gCO2e/{unit}")
    return out
