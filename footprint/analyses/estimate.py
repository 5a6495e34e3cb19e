"""The orchestrator: a workload at a site -> electricity, CO2e and water, with provenance."""

from __future__ import annotations

import math
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from footprint.analyses.uncertainty import Uncertainty as _Uncertainty
from footprint.analyses.uncertainty import propagate, with_spreads
from footprint.catalogues.compute_cost import ComputeCost, compute_factors
from footprint.catalogues.embodied import Embodied as _Embodied
from footprint.catalogues.embodied import embodied_factors, workload_accelerator
from footprint.core import units
from footprint.core.accounting import COST_KEYS, EMBODIED_KEYS, RESULT_KEYS, SCARCITY_KEYS
from footprint.core.errors import InputError
from footprint.core.provenance import Factor
from footprint.engine.evaluation import LoadTable, SiteTable, evaluate
from footprint.engine.result import Footprint, canonical_unit
from footprint.places.site import Site, site_factors
from footprint.workloads.jobs import Workload

if TYPE_CHECKING:  # pragma: no cover
    from footprint.analyses.uncertainty import Uncertainty
    from footprint.catalogues.embodied import Embodied

__all__ = ["Footprint", "canonical_unit", "embodied_of", "estimate", "per_unit_results"]


def _site(
    site: Site | None, region: str | None, year: int | None, boundary: str | None = None
) -> Site:
    if site is None:
        return Site(region=region, year=year, boundary=boundary)
    if region is not None or year is not None or boundary is not None:
        raise InputError(
            "give region, year and boundary either inside site=Site(...) or as keywords"
        )
    return site


def estimate(
    job: Workload,
    site: Site | None = None,
    *,
    region: str | None = None,
    year: int | None = None,
    boundary: str | None = None,
    embodied: Embodied | bool | None = None,
    uncertainty: Uncertainty | bool | None = None,
    compute: ComputeCost | None = None,
    marginal: bool | str | None = None,
) -> Footprint:
    """Electricity, CO2e and water of ``job`` run at ``site``.

    Parameters
    ----------
    job : Workload
        What runs: a :class:`~footprint.GpuJob`, or any workload with a
        ``load()`` method returning a :class:`~footprint.workloads.jobs.Load`.
    site : Site, optional
        Where it runs, with any factor overrides. ``region``, ``year`` and ``boundary``
        are a shorthand for ``Site(region=..., year=..., boundary=...)``.
    boundary : str, optional
        What the energy includes (:data:`footprint.core.accounting.BOUNDARIES`):
        ``"accelerators"``, ``"accelerators+facility"`` (accelerator power x hours x PUE,
        as many model cards report), ``"servers"`` or ``"facility"`` (the default:
        accelerators + host servers + facility overhead). Named in the inputs and notes.
    embodied : Embodied or bool, optional
        Embodied (manufacturing) emissions: counted by default (``None``/``True``) with
        the defaults of :mod:`footprint.catalogues.embodied`, or with an
        :class:`~footprint.Embodied` that replaces some of them; ``False`` leaves them
        out (no ``embodied_co2e`` and ``total_co2e`` results).
    uncertainty : Uncertainty or bool, optional
        ``True`` or an :class:`~footprint.Uncertainty` adds low/high ranges to the
        results and a sensitivity ranking (:func:`footprint.analyses.uncertainty.propagate`).
    compute : ComputeCost, optional
        Prices the accelerator-hours (a rental price, or owning the hardware): adds
        ``compute_cost`` and, with an electricity price in the same currency,
        ``total_cost`` (:class:`~footprint.ComputeCost`).
    marginal : bool or str, optional
        The basis of the CO2e: ``None`` keeps the site's (the average intensity, for
        inventories, unless ``Site(marginal=...)``); ``True``/``"combined"`` or
        ``"operating"`` take the zone's IFI 2021 marginal factor instead (for decisions:
        what adding or moving this load changes), as ``Site.marginal``. The factor is the
        ``intensity`` factor, labelled marginal; ``co2e`` is then the marginal CO2e
        (market-based equals it). A zone without a factor raises
        :class:`~footprint.places.marginal.NoMarginalFactorError`; no ``uncertainty``.

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

    if not isinstance(job, Workload):
        raise InputError(f"job: expected a workload such as GpuJob, got {type(job).__name__}")
    site = _site(site, region, year, boundary)
    if marginal is not None:  # the keyword wins over the site's basis
        site = replace(site, marginal=marginal)
    if site.marginal is not None and uncertainty not in (None, False):
        raise InputError(
            "uncertainty: marginal factors have no documented spread; ask for ranges on "
            "the average basis (without marginal)"
        )
    load = job.load()
    sf = site_factors(site, load.scale)
    emb = embodied_of(embodied, job, load)
    priced = compute_of(compute, job, load)
    result = evaluate(LoadTable.of(load, emb, compute=priced), SiteTable.of(sf))
    factors = {"power": load.power, "host_power": load.host_power, **load.extra_factors}
    factors.update(sf.as_dict())
    factors = {**factors, **result.loads.factors}
    if not sf.host_included:
        factors["host_power"] = outside_boundary(sf.boundary)
    factors = with_spreads(factors, site)
    keys = RESULT_KEYS + SCARCITY_KEYS + (EMBODIED_KEYS if emb is not None else ()) + COST_KEYS
    results = result.quantities(keys)
    results.update(per_unit_results(results, load.per_unit))
    results.update(load.extra_results)
    if load.nominal_hours:
        results.pop("accelerator_hours", None)
    _check_finite(results, load)
    notes = [*sf.notes, *load.notes, *(() if emb is None else emb.notes)]
    inputs = {**load.inputs, **site.inputs(), "zone": sf.zone, "boundary": sf.boundary}
    if priced is not None:
        notes += [*priced.notes, *cost_notes(results, priced.currency, result.currency)]
        inputs.update(compute.inputs() if compute is not None else {})
    if embodied is False:
        notes.append("embodied (manufacturing) emissions not counted")
    elif embodied is not None and not isinstance(embodied, bool):
        inputs.update(embodied.inputs())
    fp = Footprint(results=results, factors=factors, inputs=inputs, notes=notes)
    if uncertainty is None or uncertainty is False:
        return fp

    if uncertainty is True:
        spec = _Uncertainty()
    elif isinstance(uncertainty, _Uncertainty):
        spec = uncertainty
    else:
        raise InputError(
            f"uncertainty: expected True, False or an Uncertainty, got {type(uncertainty).__name__}"
        )
    return propagate(fp, load, spec)


def outside_boundary(boundary: str) -> Factor:
    """The host share a boundary without host servers leaves out (0 W)."""
    return Factor(
        name="host_power",
        value=units.Q_(0.0, "W"),
        origin="derived",
        source=f"boundary {boundary}: host servers not counted",
    )


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


def embodied_of(embodied: Any, job: Any, load: Any) -> Any:
    """The embodied factors of ``job`` (whose ``load()`` is ``load``), or ``None``.

    ``embodied`` means what it means in :func:`estimate`: ``None``/``True`` (the defaults
    of :mod:`footprint.catalogues.embodied`), an :class:`~footprint.Embodied`, or
    ``False`` (not counted: ``None`` is returned). Returns an
    :class:`~footprint.catalogues.embodied.EmbodiedFactors`.
    """
    if embodied is False or getattr(load, "nominal_hours", False):
        return None  # energy-only workloads have no hardware time to amortise over

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


def compute_of(compute: Any, job: Any, load: Any) -> Any:
    """The compute-cost factors of ``job`` under ``compute`` (a ComputeCost), or ``None``."""
    if compute is None:
        return None
    if not isinstance(compute, ComputeCost):
        raise InputError(f"compute: expected a ComputeCost, got {type(compute).__name__}")
    if getattr(load, "nominal_hours", False):
        raise InputError(
            "compute cost: this workload states energy, not accelerator-hours; give the "
            "accelerator and its hours to price them"
        )
    return compute_factors(compute, workload_accelerator(job, load))


def cost_notes(results: dict[str, Any], compute_currency: str, currency: str | None) -> list[str]:
    """Why a compute cost has no total beside it (no electricity price, or two currencies)."""
    if "total_cost" in results:
        return []
    if currency is None:
        return [
            "total cost: no electricity price for this site (give --price); compute cost "
            "shown alone"
        ]
    return [
        f"total cost: electricity is priced in {currency} and compute in "
        f"{compute_currency}; footprint does not convert currencies, so there is no total"
    ]


def per_unit_results(results: dict[str, Any], per_unit: dict[str, Any]) -> dict[str, Any]:
    """``energy_per_<unit>`` (facility energy), ``co2e_per_<unit>``, ``water_per_<unit>``,
    and the money results per unit (per 1,000 tokens for ``token``)."""
    out = {}
    for unit, count in per_unit.items():
        n = float(getattr(count, "magnitude", count))
        if not (math.isfinite(n) and n > 0):
            count = f"{n:g}" if math.isfinite(n) else "more than 1e308"
            raise InputError(
                f"per-{unit.replace('_', '-')} results: the workload counts {count} {unit}s "
                "(a volume or period too small or too large to divide by)"
            )
        out[f"energy_per_{unit}"] = (results["facility_energy"] / count).to(f"Wh/{unit}")
        out[f"co2e_per_{unit}"] = (results["co2e"] / count).to(f"gCO2e/{unit}")
        if "water" in results:  # blank where the zone has no generation mix (no EWIF)
            out[f"water_per_{unit}"] = (results["water"] / count).to(f"mL/{unit}")
        if "total_co2e" in results:
            out[f"total_co2e_per_{unit}"] = (results["total_co2e"] / count).to(f"gCO2e/{unit}")
        for key in COST_KEYS:
            if key in results:
                money = results[key]
                if unit == "token":  # prices of tokens are quoted per thousand (ktoken)
                    out[f"{key}_per_1k_tokens"] = (money / count).to(f"{money.units}/ktoken")
                else:
                    out[f"{key}_per_{unit}"] = (money / count).to(f"{money.units}/{unit}")
    return out
