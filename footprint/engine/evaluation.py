"""The one engine: the formula chain evaluated over a table of loads and a table of sites.

Every analysis is one call of :func:`evaluate` over some axis; only the tables differ:

============  ==========================================  ==============================
analysis      loads (rows)                                sites (rows)
============  ==========================================  ==============================
estimate      one workload                                one site
compare       workloads (axis 0)                          zones (axis 1)
project       one workload, scaled per year               one site, intensity per year
hourly        the profile's IT energy per hour            the site, intensity per hour
schedule      the job's full-hour energy                  the site, intensity per hour
batch         job rows                                    each row's resolved site
uncertainty   samples of the workload's factors           samples of the site's factors
============  ==========================================  ==============================

A :class:`LoadTable` holds what runs (accelerator-hours, power, host power, embodied
factors and any on-site supply), a :class:`SiteTable` where (PUE, WUE, EWIF, intensity,
carbon-free share, price), both as magnitudes in the canonical units of
:data:`footprint.core.accounting.CANONICAL_UNITS` that broadcast together, and the factors they
came from. :func:`evaluate` applies :func:`footprint.core.accounting.account` once and returns an
:class:`Evaluation`: every result key as an array, with its unit, and the provenance of the
rows. Builders (:meth:`LoadTable.of`, :meth:`SiteTable.of`) turn the library's objects
(:class:`~footprint.workloads.jobs.Load`, :class:`~footprint.places.site.SiteFactors`,
:class:`~footprint.catalogues.embodied.EmbodiedFactors`) into tables; vectorised callers (batch,
uncertainty) fill the tables from their own arrays.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

from footprint.core import units
from footprint.core.accounting import CANONICAL_UNITS, EMBODIED_ARGUMENTS, account
from footprint.core.errors import InputError
from footprint.core.units import unit_of

if TYPE_CHECKING:  # pragma: no cover
    from footprint.catalogues.compute_cost import ComputeFactors
    from footprint.catalogues.embodied import EmbodiedFactors
    from footprint.core.provenance import Factor
    from footprint.places.site import SiteFactors
    from footprint.workloads.jobs import Load

__all__ = ["Evaluation", "LoadTable", "SiteTable", "evaluate", "tables_of"]

#: Site columns (the factors of that name) and their canonical units: the one table.
SITE_COLUMNS = {
    "pue": "dimensionless",
    "wue": "L/kWh",
    "ewif": "L/kWh",
    "intensity": "gCO2e/kWh",
    "cfe": "dimensionless",
}


@dataclass(frozen=True)
class LoadTable:
    """What runs, one row per load (arrays or floats that broadcast with the sites).

    Attributes
    ----------
    accelerator_hours : float or ndarray [h]
    power, host_power : float or ndarray [W]
        Average draw per accelerator and host share per accelerator.
    embodied : dict, optional
        The four embodied keyword arguments of :func:`footprint.core.accounting.account`
        (``embodied_accelerator_kg``, ``embodied_host_kg``, ``lifetime_h``,
        ``life_utilization``); ``None`` when embodied emissions are not counted.
    onsite : float or ndarray, optional
        On-site supply available to the load [kWh] (PV produced while it runs): the step
        ``grid energy = facility energy - on-site energy used``.
    credit_surplus : bool
        Credit the on-site supply left over at the grid's intensity (avoided emissions).
    pue_included : float or ndarray
        1 where the load's energy already includes the facility overhead (a measured
        facility energy): the site's PUE is not applied again and on-site water is
        WUE x (energy / PUE); 0 otherwise.
    compute_price : float or ndarray, optional
        Price of an accelerator-hour (rental or ownership) in ``compute_currency``: the
        step ``compute_cost = accelerator_hours x compute_price``; ``None``: not priced.
    compute_currency : str, optional
    factors : dict[str, Factor]
        Provenance of the load's factors (power, host power, embodied...).
    notes : tuple[str, ...]
    """

    accelerator_hours: Any
    power: Any
    host_power: Any
    embodied: dict[str, Any] | None = None
    onsite: Any = None
    credit_surplus: bool = False
    pue_included: Any = 0.0
    compute_price: Any = None
    compute_currency: str | None = None
    factors: dict[str, Factor] = field(default_factory=dict)
    notes: tuple[str, ...] = ()

    @classmethod
    def of(
        cls,
        loads: Load | Sequence[Load],
        embodied: EmbodiedFactors | Sequence[EmbodiedFactors | None] | None = None,
        *,
        scale: Any = 1.0,
        compute: ComputeFactors | Sequence[ComputeFactors] | None = None,
    ) -> LoadTable:
        """A table of one :class:`~footprint.workloads.jobs.Load` (floats) or several (arrays).

        ``embodied`` gives each load's embodied factors (``None``: not counted); with
        several loads, either every load has them or none. ``scale`` multiplies the
        accelerator-hours (a projection's volume and efficiency indices). ``compute``
        prices every load's accelerator-hours (``compute_cost``).
        """
        priced: dict[str, Any] = {}
        if isinstance(compute, Sequence):  # one price per load, in one currency
            currencies = {c.currency for c in compute}
            if len(currencies) != 1 or len(compute) != len(loads):  # type: ignore[arg-type]
                raise InputError("compute cost: one price per workload, in one currency")
            import numpy as np

            priced = {
                "compute_price": np.array([c.price_per_h() for c in compute], dtype=float),
                "compute_currency": currencies.pop(),
            }
            compute = compute[0] if not isinstance(loads, Sequence) else None
        elif compute is not None:
            priced = {"compute_price": compute.price_per_h(), "compute_currency": compute.currency}
        if not isinstance(loads, Sequence):
            emb = embodied if not isinstance(embodied, Sequence) else embodied[0]
            factors = {"power": loads.power, "host_power": loads.host_power}
            factors.update(loads.extra_factors)
            if emb is not None:
                factors.update(emb.as_dict())
            if compute is not None:
                factors.update(compute.factors)
            return cls(
                **priced,
                accelerator_hours=loads.accelerator_hours.m_as("h") * scale,
                power=loads.power.value.m_as("W"),
                host_power=loads.host_power.value.m_as("W"),
                embodied=None if emb is None else emb.magnitudes(),
                pue_included=1.0 if loads.pue_included else 0.0,
                factors=factors,
                notes=tuple(loads.notes)
                + (() if emb is None else tuple(emb.notes))
                + (() if compute is None else compute.notes),
            )
        import numpy as np

        embs = list(embodied) if isinstance(embodied, Sequence) else [embodied] * len(loads)
        counted = [e is not None for e in embs]
        if any(counted) and not all(counted):
            raise InputError("embodied: count it for every workload or for none")
        columns: dict[str, Any] | None = None
        if all(counted) and embs:
            mags = [e.magnitudes() for e in embs if e is not None]
            columns = {k: np.array([m[k] for m in mags], dtype=float) for k in mags[0]}
        return cls(
            **priced,
            accelerator_hours=np.array(
                [ld.accelerator_hours.m_as("h") for ld in loads], dtype=float
            )
            * scale,
            power=np.array([ld.power.value.m_as("W") for ld in loads], dtype=float),
            host_power=np.array([ld.host_power.value.m_as("W") for ld in loads], dtype=float),
            embodied=columns,
            pue_included=np.array([1.0 if ld.pue_included else 0.0 for ld in loads]),
        )

    def as_column(self) -> LoadTable:
        """The table with its rows along axis 0 of a 2-D evaluation (sites along axis 1)."""
        import numpy as np

        def col(values: Any) -> Any:  # a scalar broadcasts as it is
            array = np.asarray(values, dtype=float)
            return array[:, None] if array.ndim == 1 else array

        return replace(
            self,
            accelerator_hours=col(self.accelerator_hours),
            power=col(self.power),
            host_power=col(self.host_power),
            embodied=None
            if self.embodied is None
            else {k: col(v) for k, v in self.embodied.items()},
            onsite=None if self.onsite is None else col(self.onsite),
            pue_included=col(self.pue_included),
            compute_price=None if self.compute_price is None else col(self.compute_price),
        )

    @classmethod
    def energy(
        cls,
        it_kwh: Any,
        *,
        onsite: Any = None,
        credit_surplus: bool = False,
        pue_included: bool = False,
    ) -> LoadTable:
        """A load given by its IT energy [kWh] per row (an hour of a power profile).

        ``pue_included``: the energy is a measured facility energy (no PUE applied again).
        """
        return cls(
            accelerator_hours=1.0,
            power=it_kwh * 1000.0,
            host_power=0.0,
            onsite=onsite,
            credit_surplus=credit_surplus,
            pue_included=1.0 if pue_included else 0.0,
        )


#: Results left blank (NaN) where a site has no EWIF (a zone without a generation mix,
#: such as Bermuda): its CO2e is computed, its off-site and so its total water are not.
BLANK_WITHOUT_EWIF = ("water", "water_offsite")

#: Results left blank (NaN), never zero, where a site has no factor for them: the water
#: scarcity of a zone the user's factor table lacks (or without an EWIF), noted.
BLANK_WHEN_UNKNOWN = ("water_scarcity",)


@dataclass(frozen=True)
class SiteTable:
    """Where it runs, one row per site (arrays or floats that broadcast with the loads).

    Attributes
    ----------
    pue, cfe : float or ndarray [1]
    wue, ewif : float or ndarray [L/kWh]
    intensity : float or ndarray [gCO2e/kWh]
    price : float or ndarray or None
        Electricity price per kWh in ``currency``; NaN where a row has no price, ``None``
        when no row has one (no ``cost`` result).
    currency : str or None
    factors : tuple[dict[str, Factor], ...]
        Provenance of each row's factors (one dict per site row, or one for all).
    notes : tuple[str, ...]
    host_included : float or ndarray
        1 where the accounting boundary counts the host servers' share, 0 where it does
        not (``accelerators`` and ``accelerators+facility``); PUE and WUE already carry
        the facility part of the boundary (1 and 0 outside it).
    scarcity : float or ndarray or None
        Water-scarcity factor [m3 world-eq per m3 consumed] (the user's table, e.g.
        AWARE); NaN where a row has none, ``None`` when no table is given (no
        ``water_scarcity`` result).
    """

    pue: Any
    wue: Any
    ewif: Any
    intensity: Any
    cfe: Any = 0.0
    price: Any = None
    currency: str | None = None
    factors: tuple[dict[str, Factor], ...] = ()
    notes: tuple[str, ...] = ()
    host_included: Any = 1.0
    scarcity: Any = None

    @classmethod
    def of(cls, sites: SiteFactors | Sequence[SiteFactors], **columns: Any) -> SiteTable:
        """A table of one :class:`~footprint.places.site.SiteFactors` (floats) or several (arrays).

        ``columns`` gives columns as arrays instead of the factors' values (an hourly
        series' intensity, a projection's intensity per year, ``scarcity`` per hour...).
        Several sites priced in different currencies have no price (a cost needs one
        currency). The water-scarcity column is the sites' ``water_scarcity`` factors (NaN
        where a site has none) when any site has one.
        """
        one = not isinstance(sites, Sequence)
        rows: list[SiteFactors] = list(sites) if isinstance(sites, Sequence) else [sites]
        values: dict[str, Any] = {}
        for name, unit in SITE_COLUMNS.items():
            if name in columns:
                values[name] = columns.pop(name)
                continue
            target = unit_of(unit)
            mags = [float(getattr(sf, name).value.m_as(target)) for sf in rows]
            values[name] = mags[0] if one else _array(mags)
        currencies = {units.currency_of(sf.price.value) for sf in rows if sf.price is not None}
        price: Any = None
        currency = None
        if len(currencies) == 1:
            currency = str(currencies.pop())
            prices = [math.nan if sf.price is None else sf.price.value.magnitude for sf in rows]
            price = float(prices[0]) if one else _array(prices)
        scarcity: Any = columns.pop("scarcity", None)
        if scarcity is None and any(sf.water_scarcity is not None for sf in rows):
            mags = [
                math.nan
                if sf.water_scarcity is None
                else float(sf.water_scarcity.value.m_as(_SCARCITY_UNIT))
                for sf in rows
            ]
            scarcity = mags[0] if one else _array(mags)
        if columns:
            raise TypeError(f"SiteTable.of: unknown columns {sorted(columns)}")
        notes = tuple(dict.fromkeys(n for sf in rows for n in sf.notes))
        hosts = [1.0 if sf.host_included else 0.0 for sf in rows]
        return cls(
            **values,
            price=price,
            currency=currency,
            factors=tuple(sf.as_dict() for sf in rows),
            notes=notes,
            host_included=hosts[0] if one else _array(hosts),
            scarcity=scarcity,
        )


#: Unit of the water-scarcity column (m3 world-eq per m3 of water consumed).
_SCARCITY_UNIT = "m3_world_eq/m**3"


def _array(values: Sequence[float]) -> Any:
    import numpy as np

    return np.array(values, dtype=float)


@dataclass(frozen=True)
class Evaluation:
    """The results of one evaluation: every key as an array (or float) in its unit.

    Attributes
    ----------
    values : dict[str, float or ndarray]
        Magnitudes in :data:`~footprint.core.accounting.CANONICAL_UNITS` (``cost`` in
        ``currency``), broadcast over the loads and sites.
    currency : str or None
    loads : LoadTable
    sites : SiteTable
    """

    values: dict[str, Any]
    currency: str | None
    loads: LoadTable
    sites: SiteTable

    def __contains__(self, key: str) -> bool:
        return key in self.values

    def __getitem__(self, key: str) -> Any:
        return self.values[key]

    def unit(self, key: str) -> str:
        """The unit of result ``key``."""
        if key in ("cost", "total_cost"):
            if self.currency is None:
                raise KeyError(key)
            return self.currency
        if key == "compute_cost":
            if self.loads.compute_currency is None:
                raise KeyError(key)
            return self.loads.compute_currency
        return CANONICAL_UNITS[key]

    def quantity(self, key: str) -> Any:
        """Result ``key`` as a pint Quantity of the one registry."""
        return units.Q_(self.values[key], unit_of(self.unit(key)))

    def quantities(self, keys: Sequence[str]) -> dict[str, Any]:
        """The results ``keys`` that were computed, as Quantities (``cost`` when priced;
        the water results when the site has an EWIF: see :data:`BLANK_WITHOUT_EWIF`)."""
        return {
            key: self.quantity(key)
            for key in keys
            if key in self.values
            and not (key in BLANK_WITHOUT_EWIF and self._no_ewif(key))
            and not (key in BLANK_WHEN_UNKNOWN and self._blank(key))
        }

    def _blank(self, key: str) -> bool:
        """Whether result ``key`` is one NaN (a factor not known there, noted)."""
        import numpy as np

        value = self.values[key]
        return bool(np.ndim(value) == 0 and np.isnan(value))

    def _no_ewif(self, key: str) -> bool:
        """Whether result ``key`` is one NaN for want of an EWIF (a zone with no mix)."""
        import numpy as np

        value = self.values[key]
        return bool(np.ndim(value) == 0 and np.isnan(value) and np.isnan(self.sites.ewif).any())

    def nonfinite(self, keys: Sequence[str] | None = None) -> list[str]:
        """The result keys with a value that is not a finite number (an overflow).

        A NaN cost (a row without a price) is not counted, nor a NaN water where a site
        has no EWIF (no generation mix: the water is blank, not an overflow).
        """
        import numpy as np

        bad = []
        for key in keys if keys is not None else self.values:
            if key not in self.values:
                continue
            values = np.asarray(self.values[key], dtype=float)
            wrong = ~np.isfinite(values)
            if key in ("cost", "total_cost", *BLANK_WHEN_UNKNOWN) or (
                key in BLANK_WITHOUT_EWIF and np.isnan(self.sites.ewif).any()
            ):
                wrong &= ~np.isnan(values)
            if wrong.any():
                bad.append(key)
        return bad

    @property
    def notes(self) -> tuple[str, ...]:
        """The notes of the loads, then of the sites, each once."""
        return tuple(dict.fromkeys((*self.loads.notes, *self.sites.notes)))


def evaluate(loads: LoadTable, sites: SiteTable) -> Evaluation:
    """The formula chain over ``loads`` x ``sites`` (broadcast as NumPy broadcasts).

    Results: ``accelerator_hours``, ``it_energy``, ``facility_energy``, ``co2e``,
    ``co2e_market``, ``water``, ``water_onsite``, ``water_offsite``; ``cost`` when the
    sites are priced; ``embodied_co2e`` and ``total_co2e`` when the loads carry embodied
    factors; ``grid_energy``, ``onsite_energy`` and ``onsite_surplus`` when they carry an
    on-site supply. Overflowing values are returned as they are (``inf``): see
    :meth:`Evaluation.nonfinite`; each caller decides whether to refuse or reject them.
    """
    import numpy as np

    # a measured facility energy already holds the overhead: PUE 1, on-site water per IT kWh
    included = np.asarray(loads.pue_included, dtype=float)
    pue = np.where(included > 0, 1.0, sites.pue) if included.any() else sites.pue
    wue = np.where(included > 0, sites.wue / sites.pue, sites.wue) if included.any() else sites.wue
    with np.errstate(over="ignore", invalid="ignore"):
        values = account(
            loads.accelerator_hours,
            loads.power,
            loads.host_power * sites.host_included,
            pue,
            wue,
            sites.ewif,
            sites.intensity,
            cfe_share=sites.cfe,
            price_per_kwh=sites.price,
            onsite_kwh=loads.onsite,
            credit_surplus=loads.credit_surplus,
            compute_price_per_h=loads.compute_price,
            scarcity_factor=sites.scarcity,
            **(loads.embodied or {}),
        )
    if "total_cost" in values and loads.compute_currency != sites.currency:
        del values["total_cost"]  # no conversion between currencies: no total
    return Evaluation(values=values, currency=sites.currency, loads=loads, sites=sites)


def tables_of(arguments: dict[str, Any]) -> tuple[LoadTable, SiteTable]:
    """The load and site tables of a flat mapping of :func:`~footprint.core.accounting.account`'s
    keyword arguments (``accelerator_hours_h``, ``power_w``... ``life_utilization``).

    For samplers that draw each argument as an array (:mod:`footprint.analyses.uncertainty`).
    """
    embodied = {k: arguments[k] for k in EMBODIED_ARGUMENTS if k in arguments}
    if embodied and len(embodied) != len(EMBODIED_ARGUMENTS):
        raise ValueError("tables_of: give all four embodied arguments or none")
    loads = LoadTable(
        accelerator_hours=arguments["accelerator_hours_h"],
        power=arguments["power_w"],
        host_power=arguments["host_power_w"],
        embodied=embodied or None,
        compute_price=arguments.get("compute_price_per_h"),
    )
    sites = SiteTable(
        pue=arguments["pue"],
        wue=arguments["wue_l_per_kwh"],
        ewif=arguments["ewif_l_per_kwh"],
        intensity=arguments["intensity_g_per_kwh"],
        cfe=arguments.get("cfe_share", 0.0),
        price=arguments.get("price_per_kwh"),
    )
    return loads, sites
