"""Installed fleets and sectors: an :class:`~footprint.workloads.installed.InstalledFleet` at
one site, or spread over regions by share, with the countries that use as much electricity.

One site: :func:`footprint.estimate` (the fleet is a workload like any other). A region
mix (``"US:0.45,CN:0.25,DE:0.3"``): one evaluation of the engine over the site axis, each
region's site factors in a row and the fleet's accelerator-hours scaled by its share in
the same row, so that the regions' results add up to the fleet's (cost only when every
region is priced in one currency). Embodied emissions of a fleet are amortised over the
calendar hours the hardware is installed (life utilisation 1) and its lifetime when one is
given, unless an :class:`~footprint.Embodied` says otherwise.

Every result comes per period (``results``) and per year (:meth:`FleetFootprint.per_year`),
and the countries whose annual electricity demand is closest to the fleet's annual
facility energy (:func:`footprint.places.country_energy.closest_countries`).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from footprint.analyses.estimate import embodied_of, estimate
from footprint.catalogues.embodied import Embodied
from footprint.core import units
from footprint.core.accounting import EMBODIED_KEYS, RESULT_KEYS
from footprint.core.errors import InputError, MissingDataError
from footprint.core.provenance import Factor
from footprint.engine.evaluation import BLANK_WITHOUT_EWIF, LoadTable, SiteTable, evaluate
from footprint.engine.result import canonical_unit
from footprint.places.country_energy import DEFAULT_MATCHES, CountryMatch, closest_countries
from footprint.places.regions import resolve_region
from footprint.places.site import Site, site_factors
from footprint.workloads.installed import InstalledFleet

__all__ = [
    "FleetFootprint",
    "PER_YEAR_UNITS",
    "RegionResult",
    "fleet_footprint",
    "parse_mix",
]

#: Allowed distance of a region mix's shares from a sum of 1.
MIX_TOLERANCE = 1e-3

#: Results a fleet reports, summed over the regions of a mix.
TOTAL_KEYS = (*RESULT_KEYS, *EMBODIED_KEYS, "cost")

#: Units of the per-year results (sector scale).
PER_YEAR_UNITS = {
    "it_energy": "TWh",
    "facility_energy": "TWh",
    "co2e": "MtCO2e",
    "co2e_market": "MtCO2e",
    "embodied_co2e": "MtCO2e",
    "total_co2e": "MtCO2e",
    "water": "GL",
    "water_onsite": "GL",
    "water_offsite": "GL",
}


def _share(text: str, region: str) -> float:
    raw = text.strip()
    try:
        x = float(raw[:-1]) / 100 if raw.endswith("%") else float(raw)
    except ValueError:
        raise InputError(
            f"region mix: expected a share such as 0.45 or 45% for {region}, got {text!r}"[:200]
        ) from None
    if not (math.isfinite(x) and 0 < x <= 1):
        raise InputError(f"region mix: the share of {region} must be in (0, 1], got {text}"[:200])
    return x


def parse_mix(mix: Any) -> tuple[tuple[str, float], ...]:
    """A region mix as ``(region, share)`` pairs whose shares sum to 1.

    Accepts ``"US:0.45,CN:0.25,DE:0.3"`` (shares as fractions or percentages), a mapping
    ``{"US": 0.45, ...}`` or a sequence of pairs.

    Raises
    ------
    InputError
        For a malformed item, a share outside (0, 1], a region named twice or shares that
        do not sum to 1 (within :data:`MIX_TOLERANCE`).
    """
    items: list[tuple[str, float]] = []
    if isinstance(mix, str):
        for part in mix.split(","):
            if not part.strip():
                continue
            region, sep, share = part.rpartition(":")
            if not sep or not region.strip():
                raise InputError(
                    f"region mix: expected REGION:SHARE items such as US:0.45, got {part!r}"[:200]
                )
            items.append((region.strip(), _share(share, region.strip())))
    elif isinstance(mix, Mapping):
        items = [(str(k).strip(), _share(str(v), str(k))) for k, v in mix.items()]
    elif isinstance(mix, Sequence):
        for pair in mix:
            if not (isinstance(pair, Sequence) and len(pair) == 2):
                raise InputError(f"region mix: expected (region, share) pairs, got {pair!r}"[:200])
            items.append((str(pair[0]).strip(), _share(str(pair[1]), str(pair[0]))))
    else:
        raise InputError(f"region mix: expected 'US:0.45,CN:0.55', got {type(mix).__name__}")
    if not items:
        raise InputError("region mix: give at least one REGION:SHARE")
    seen: set[str] = set()
    for region, _ in items:
        key = resolve_region(region).id
        if key in seen:
            raise InputError(f"region mix: {region} is named twice")
        seen.add(key)
    total = sum(s for _, s in items)
    if abs(total - 1) > MIX_TOLERANCE:
        raise InputError(f"region mix: the shares sum to {total:g}, expected 1")
    return tuple(items)


@dataclass(frozen=True)
class RegionResult:
    """The part of a fleet in one region: its share, results and site factors."""

    region: str
    zone: str
    share: float
    results: dict[str, Any]
    factors: dict[str, Factor]


@dataclass(frozen=True)
class FleetFootprint:
    """Footprint of an installed fleet, in total and per region, with country equivalents.

    Attributes
    ----------
    results : dict[str, Quantity]
        Over the period, summed over the regions: the result keys of an estimate.
    regions : tuple[RegionResult, ...]
        One per region (a single site gives one, of share 1).
    equivalents : tuple[CountryMatch, ...]
        Countries whose annual demand is closest to the fleet's annual facility energy.
    factors : dict[str, Factor]
        The fleet's factors (power, host, server power, embodied) and, for one site, the
        site's.
    inputs : dict[str, str]
    notes : list[str]
    years : float
        Length of the period, in years.
    """

    results: dict[str, Any]
    regions: tuple[RegionResult, ...]
    equivalents: tuple[CountryMatch, ...]
    factors: dict[str, Factor]
    inputs: dict[str, str]
    notes: list[str] = field(default_factory=list)
    years: float = 1.0

    def per_year(self) -> dict[str, Any]:
        """The results per year, in sector units (TWh, MtCO2e, GL; cost per year)."""
        return _per_year(self.results, self.years)

    def frame(self) -> Any:
        """Per region and in total, per year: a DataFrame with units in its column names."""
        import pandas as pd

        rows = [
            {"region": r.region, "zone": r.zone, "share": r.share, **_columns(r.results, self)}
            for r in self.regions
        ]
        if len(rows) > 1:
            rows.append(
                {"region": "total", "zone": "", "share": 1.0, **_columns(self.results, self)}
            )
        return pd.DataFrame(rows)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready: per year, over the period, per region, equivalents, factors, notes."""

        def q(value: Any) -> dict[str, Any]:
            return {"value": float(value.magnitude), "unit": units.format_unit(value.units)}

        return {
            "per_year": {k: q(v) for k, v in self.per_year().items()},
            "results": {k: q(v) for k, v in _canonical(self.results).items()},
            "regions": [
                {
                    "region": r.region,
                    "zone": r.zone,
                    "share": r.share,
                    "per_year": {k: q(v) for k, v in _per_year(r.results, self.years).items()},
                    "factors": {n: f.to_dict() for n, f in r.factors.items()},
                }
                for r in self.regions
            ],
            "country_equivalents": [m.to_dict() for m in self.equivalents],
            "factors": {n: f.to_dict() for n, f in self.factors.items()},
            "inputs": dict(self.inputs),
            "notes": list(self.notes),
        }


def _canonical(results: dict[str, Any]) -> dict[str, Any]:
    out = {}
    for key, value in results.items():
        unit = canonical_unit(key)
        out[key] = value.to(unit) if unit else value
    return out


def _per_year(results: dict[str, Any], years: float) -> dict[str, Any]:
    out = {}
    for key, value in results.items():
        if key in PER_YEAR_UNITS:
            out[key] = (value / years).to(PER_YEAR_UNITS[key]) / units.Q_(1, "year")
        elif key == "cost":
            out[key] = value / years / units.Q_(1, "year")
    return out


def _columns(results: dict[str, Any], fp: FleetFootprint) -> dict[str, Any]:
    per_year = _per_year(results, fp.years)
    names = {
        "facility_energy": "energy_twh_per_year",
        "co2e": "co2e_mt_per_year",
        "co2e_market": "co2e_market_mt_per_year",
        "total_co2e": "total_co2e_mt_per_year",
        "water": "water_gl_per_year",
    }
    out: dict[str, Any] = {
        name: float(per_year[key].magnitude) for key, name in names.items() if key in per_year
    }
    if "cost" in per_year:
        currency = units.currency_of(results["cost"] / units.Q_(1, "kWh")) or "currency"
        out[f"cost_{str(currency).lower()}_per_year"] = float(per_year["cost"].magnitude)
    return out


def fleet_footprint(
    fleet: InstalledFleet,
    site: Site | None = None,
    *,
    mix: Any = None,
    embodied: Embodied | bool | None = None,
    countries: int = DEFAULT_MATCHES,
) -> FleetFootprint:
    """Electricity, CO2e, water (and cost) of ``fleet``, at ``site`` or over a region mix.

    Parameters
    ----------
    fleet : InstalledFleet
    site : Site, optional
        Where it runs, with any overrides (PUE, price...). With ``mix``, the site's
        overrides apply in every region and its region must be empty.
    mix : str, mapping or sequence, optional
        Regions and shares (:func:`parse_mix`): ``"US:0.45,CN:0.25,DE:0.3"``.
    embodied : Embodied or bool, optional
        As in :func:`footprint.estimate`; by default amortised over the installed calendar
        hours (life utilisation 1) and the fleet's lifetime when given.
    countries : int
        How many countries to name as equivalents (0: none).
    """
    if not isinstance(fleet, InstalledFleet):
        raise InputError(f"fleet: expected an InstalledFleet, got {type(fleet).__name__}")
    if site is not None and not isinstance(site, Site):
        raise InputError(f"site: expected a Site, got {type(site).__name__}")
    site = site or Site()
    emb = _embodied(fleet, embodied)
    if mix is None:
        fp = estimate(fleet, site, embodied=emb)
        totals = {k: fp.results[k] for k in TOTAL_KEYS if k in fp.results}
        zone = fp.inputs.get("zone", "")
        region = RegionResult(site.region or zone, zone, 1.0, totals, fp.factors)
        factors, notes, inputs = fp.factors, list(fp.notes), fp.inputs
        regions: tuple[RegionResult, ...] = (region,)
    else:
        totals, regions, factors, notes, inputs = _mixed(fleet, site, parse_mix(mix), emb)
    if (isinstance(embodied, bool) or embodied is None) and emb is not False:
        notes.append(
            "embodied: amortised over the calendar hours the fleet is installed (life "
            "utilization 1)"
        )
        if "life_utilization" in factors:  # set by the fleet model, not by the user
            factors = {
                **factors,
                "life_utilization": replace(
                    factors["life_utilization"],
                    origin="derived",
                    source="a fleet's accelerator-hours are the calendar hours it is "
                    "installed: embodied CO2e spread over all of them",
                ),
            }
    years = float(fleet.years)
    matches: tuple[CountryMatch, ...] = ()
    if countries:
        annual = totals["facility_energy"] / years
        matches = tuple(closest_countries(annual, countries))
    return FleetFootprint(
        results=totals,
        regions=regions,
        equivalents=matches,
        factors=factors,
        inputs=inputs,
        notes=notes,
        years=years,
    )


def _embodied(fleet: InstalledFleet, embodied: Embodied | bool | None) -> Embodied | bool:
    if embodied is False or isinstance(embodied, Embodied):
        return embodied
    if embodied is not None and embodied is not True:
        raise InputError(
            f"embodied: expected True, False or an Embodied, got {type(embodied).__name__}"
        )
    return Embodied(lifetime=fleet.lifetime, life_utilization=1.0)


def _mixed(
    fleet: InstalledFleet, site: Site, mix: tuple[tuple[str, float], ...], emb: Any
) -> tuple[dict[str, Any], tuple[RegionResult, ...], dict[str, Factor], list[str], dict[str, str]]:
    """One evaluation over the regions of ``mix``: the fleet's share of it in each."""
    import numpy as np

    if site.region is not None:
        raise InputError("region mix: leave the site's region empty; the mix names the regions")
    load = fleet.load()
    factors_emb = embodied_of(emb, fleet, load)
    sites = []
    for region, _ in mix:
        try:
            sites.append(site_factors(replace(site, region=region), load.scale))
        except MissingDataError as exc:
            raise MissingDataError(f"{region}: {exc}") from None
    shares = np.array([s for _, s in mix], dtype=float)
    result = evaluate(LoadTable.of(load, factors_emb, scale=shares), SiteTable.of(sites))
    keys = [k for k in TOTAL_KEYS if k in result]
    notes = list(load.notes) + list(() if factors_emb is None else factors_emb.notes)
    if "cost" in keys and not np.isfinite(np.asarray(result["cost"], dtype=float)).all():
        keys.remove("cost")
        notes.append("cost: not every region of the mix is priced (give --price for a cost)")
    elif "cost" not in keys:
        notes.append("cost: regions priced in several currencies, or none (give --price)")
    if any(math.isnan(sf.ewif.value.magnitude) for sf in sites):
        keys = [k for k in keys if k not in BLANK_WITHOUT_EWIF]
        notes.append("water: a region of the mix has no generation mix (no EWIF): left blank")
    bad = result.nonfinite(keys)
    if bad:
        raise InputError(f"{', '.join(bad)}: too large to compute; check the size of the fleet")
    values = {k: np.broadcast_to(np.asarray(result[k], dtype=float), shares.shape) for k in keys}
    regions = []
    for i, ((region, share), sf) in enumerate(zip(mix, sites, strict=True)):
        results = {k: units.Q_(float(values[k][i]), _unit(result, k)) for k in keys}
        regions.append(RegionResult(region, sf.zone, share, results, sf.as_dict()))
        notes += [f"{region}: {n}" for n in sf.notes]
    totals = {k: units.Q_(float(values[k].sum()), _unit(result, k)) for k in keys}
    factors = {"power": load.power, "host_power": load.host_power, **load.extra_factors}
    if factors_emb is not None:
        factors.update(factors_emb.as_dict())
    inputs = {
        **load.inputs,
        **site.inputs(),
        "mix": ",".join(f"{r}:{s:g}" for r, s in mix),
        "boundary": sites[0].boundary,
    }
    return totals, tuple(regions), factors, notes, inputs


def _unit(result: Any, key: str) -> Any:
    return units.unit_of(result.unit(key))
