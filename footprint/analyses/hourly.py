"""Hour-by-hour accounting: hourly grid intensity and mix, load profiles, on-site solar.

Annual averages hide a large daily swing in grid intensity. This module accounts for a
job hour by hour; the hourly grid data live in :mod:`footprint.places.hourly_grid`, load profiles in
:mod:`footprint.workloads.load_profile`, the time axis in :mod:`footprint.places.hourly_time` (all
re-exported here):

- **hourly grid data** (:func:`hourly_grid`): carbon intensity for every hour of a year,
  read from compact gzip CSVs: 8 US balancing authorities (EIA-930 2022, lifecycle, with
  the generation mix: hourly EWIF from :func:`footprint.places.water.ewif_from_mix`), 16
  Electricity Maps zones (2021-2024, lifecycle, share-alike) and 20 NREL Cambium US regions
  (a 2024 projection, with long-run marginal rates: ``marginal=True``, for decisions). Your
  own hourly series (a CSV of timestamp and intensity) works too
  (:meth:`HourlyGrid.from_csv`).
- **load profiles** (:class:`LoadProfile`): a job's start, duration and power, a
  workload such as :class:`~footprint.GpuJob`, or a CSV of timestamp and power; every
  profile is turned into the IT energy of each UTC hour by integrating its power steps
  exactly, so energy is conserved whatever the sampling.
- **accounting** (:func:`account_hourly`): facility energy = IT energy x PUE per hour;
  on-site PV (:mod:`footprint.places.solar`) serves the load first; the grid supplies the rest;
  CO2e and off-site water follow the hourly intensity and EWIF. The result shows the
  hourly figure next to footprint's annual-average figure and their difference.

Time: data and computation use the start of each hour in UTC; outputs add the local
time of the region (cloud region or zone time zone, IANA), or of ``timezone=``.

Formulas (the engine's chain, :func:`footprint.engine.evaluation.evaluate`, over the hours; the
on-site step is :func:`footprint.core.accounting.onsite_split`)::

    facility_h   = it_h x PUE
    solar_used_h = min(pv_h, facility_h)            (energy balance, every hour)
    grid_h       = facility_h - solar_used_h
    surplus_h    = pv_h - solar_used_h              (exported; no credit unless asked)
    co2e         = sum_h grid_h x intensity_h       (- surplus_h x intensity_h if offset)
    co2e_market  = co2e x (1 - CFE share)
    cost         = sum_h grid_h x price             (when a price is known)
    water        = it x WUE + sum_h grid_h x EWIF_h
    embodied     = accelerator-hours x embodied rate (a workload's profile only)
    total_co2e   = co2e + embodied
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from footprint.analyses.estimate import Footprint, embodied_of
from footprint.core import units
from footprint.core.accounting import embodied_rate, onsite_split
from footprint.core.errors import InputError
from footprint.core.provenance import Factor
from footprint.engine.evaluation import LoadTable, SiteTable, evaluate
from footprint.places.hourly_grid import (
    HourlyGrid,
    HourlyZone,
    find_hourly_zone,
    hourly_grid,
    hourly_zones,
    outside_note,
    region_timezone,
    zone_for_region,
)
from footprint.places.hourly_time import check_span as check_span  # re-exported (scheduling)
from footprint.places.hourly_time import (
    check_timezone,
    check_year_value,
    iso_local,
    iso_utc,
    parse_time,
)
from footprint.places.scarcity import hourly_scarcity
from footprint.places.site import Site, site_factors
from footprint.places.solar import OnSiteSolar
from footprint.places.weather import hour_of_year
from footprint.workloads.load_profile import LoadProfile

if TYPE_CHECKING:  # pragma: no cover
    from footprint.catalogues.embodied import Embodied
    from footprint.places.site import Site, SiteFactors
    from footprint.places.solar import OnSiteSolar

__all__ = [
    "boundary_share",
    "hourly_factors",
    "hourly_zone",
    "series_for",
    "HourlyZone",
    "HourlyGrid",
    "LoadProfile",
    "HourlyFootprint",
    "SURPLUS_TREATMENTS",
    "hourly_zones",
    "find_hourly_zone",
    "hourly_grid",
    "region_timezone",
    "hour_of_year",
    "energy_balance",
    "account_hourly",
    "zone_for_region",
    "outside_note",
    "check_timezone",
    "parse_time",
    "annual_site",
]

#: What happens to PV output the load cannot use: ``ignore`` (exported, no credit;
#: the default, as GHG Protocol Scope 2 location-based accounting counts only energy
#: consumed) or ``offset`` (credited at the hour's grid intensity).
SURPLUS_TREATMENTS = ("ignore", "offset")


# --- accounting -----------------------------------------------------------------------------


def energy_balance(load_kwh: Any, pv_kwh: Any, coverage: Any = 1.0) -> tuple[Any, Any, Any]:
    """Split each hour's load between on-site PV and the grid.

    Parameters
    ----------
    load_kwh, pv_kwh : array-like
        Facility energy of the load and PV output in each hour [kWh].
    coverage : array-like or float
        Fraction of each hour during which the load runs (PV produced outside it
        cannot serve it).

    Returns
    -------
    (solar_used, grid, surplus) : arrays [kWh]
        ``solar_used = min(pv x coverage, load)``, ``grid = load - solar_used``,
        ``surplus = pv - solar_used``; so ``solar_used + grid == load`` and
        ``solar_used + surplus == pv`` in every hour.
    """
    import numpy as np

    load = np.asarray(load_kwh, dtype=float)
    pv = np.asarray(pv_kwh, dtype=float)
    share = np.clip(np.asarray(coverage, dtype=float), 0.0, 1.0)
    if (load < 0).any() or (pv < 0).any():
        raise InputError("energy balance: load and PV energy must not be negative")
    used, grid, _ = onsite_split(load, pv * share)
    return used, grid, pv - used


@dataclass(frozen=True)
class HourlyFootprint(Footprint):
    """Result of :func:`account_hourly`: totals, factors, inputs, notes and the hours.

    ``results`` hold the hourly-accounted figures (``co2e``, ``water``...), the
    annual-method figures (``co2e_annual``, ``water_annual``) and their difference,
    decomposed as::

        co2e - co2e_annual = (co2e_flat - co2e_annual)      data and basis: the hourly
                                                            series' annual mean vs the
                                                            annual factor
                           + co2e_timing                    when the load runs
                             (= co2e_no_solar - co2e_flat)
                           - co2e_solar_avoided             on-site PV
                           - co2e_surplus_credit            exported PV, if credited

    ``hourly`` is the hour-by-hour table (UTC and local time).
    """

    hourly: Any = None

    def to_dict(self, hourly: bool = False) -> dict[str, Any]:
        """The JSON contract (``results``, ``factors``, ``inputs``, ``notes``), plus
        ``hourly`` records when asked."""
        out = super().to_dict()
        if hourly:
            out["hourly"] = self.hourly.to_dict(orient="records")
        return out


def hourly_zone(
    site: Site | None, grid: Any, what: str
) -> tuple[HourlyGrid | None, HourlyZone | None, list[str]]:
    """The hourly zone of an hourly run: the series given (``grid``), a zone named by
    ``grid``, or the zone of ``site``'s region; with notes. Used by :func:`account_hourly`
    and :func:`footprint.analyses.scheduling.schedule` (``what`` names it in errors)."""
    region = site.region if site is not None else None
    if isinstance(grid, HourlyGrid):
        return grid, hourly_zones().get(grid.zone), []
    if grid is not None:
        zone = find_hourly_zone(grid)
        found = list(outside_note(zone, region))
        if region is None and zone.grid_zone != zone.code:
            found.append(
                f"the annual-method figures and PUE/WUE use {zone.grid_zone}'s factors "
                f"(hourly zone {zone.code} "
                + ("is a part of it)" if zone.covers == "part" else "stands for it)")
            )
        return None, zone, found
    if region is not None:
        zone, why = zone_for_region(region)
        return None, zone, [why] if why else []
    raise InputError(
        f"{what} needs hourly grid data: give a region inside an hourly zone "
        f"({', '.join(hourly_zones())}) or grid=..."
    )


def series_for(
    zone: HourlyZone | None, year: int, site: Site | None, marginal: bool = False
) -> HourlyGrid:
    """The hourly series of ``zone`` for ``year`` (nearest year unless the site is strict);
    its marginal rates with ``marginal`` (:meth:`HourlyGrid.as_marginal`)."""
    assert zone is not None  # hourly_zone gives a zone whenever it gives no series
    return hourly_grid(
        zone.code, year, strict_year=bool(site and site.strict_year), marginal=marginal
    )


def hourly_factors(
    series: HourlyGrid, rows: Any, sf: SiteFactors, site: Site | None
) -> tuple[Any, Any, Any, list[str]]:
    """Intensity and EWIF of each hour of a run: ``(intensity, ewif, series EWIF or None,
    notes)``. A user's EWIF, or a series without a generation mix, gives the annual EWIF
    in every hour, noted."""
    import numpy as np

    intensity = series.intensity[rows]
    hourly_ewif = series.ewif(sf.ewif.extra.get("hydro", "include") if sf.ewif.extra else "include")
    annual = float(sf.ewif.value.m_as("L/kWh"))
    if site is not None and site.ewif is not None:
        return (
            intensity,
            np.full(len(rows), annual),
            hourly_ewif,
            ["EWIF given by the user applies to every hour"],
        )
    if hourly_ewif is None:
        note = f"hourly series has no mix: annual EWIF of {sf.ewif.zone} used every hour"
        return intensity, np.full(len(rows), annual), None, [note]
    return intensity, hourly_ewif[rows], hourly_ewif, []


def boundary_share(workload: Any, sf: SiteFactors) -> tuple[float, list[str]]:
    """The share of a run's IT energy inside the accounting boundary, with notes.

    A boundary without host servers keeps the accelerators' part of a workload's draw,
    power / (power + host power); a bare power profile has no split and is counted whole.
    Used by :func:`account_hourly` and :func:`footprint.analyses.scheduling.schedule`.
    """
    if sf.host_included:
        return 1.0, []
    if workload is None:
        return 1.0, [
            f"boundary ({sf.boundary}): a power profile has no host share to leave out; "
            "its power is counted whole"
        ]
    load = workload.load()
    power = float(load.power.value.m_as("W"))
    host = float(load.host_power.value.m_as("W"))
    return (power / (power + host) if power + host > 0 else 1.0), []


def annual_site(site: Site | None, zone: HourlyZone | None, year: int | None) -> Site:
    """The site whose annual factors (PUE, WUE, annual intensity) go with an hourly run.

    ``site`` (or a default one) with its region set to the hourly zone and its year to
    the grid series' year when it gives neither. Used by :func:`account_hourly` and
    :func:`footprint.analyses.scheduling.schedule`.
    """

    site = site or Site()
    changes: dict[str, Any] = {}
    if site.region is None and zone is not None:
        changes["region"] = zone.grid_zone or zone.code  # DE-LU: DE; a Cambium region: US
    if site.year is None and year is not None:
        changes["year"] = year
    return replace(site, **changes) if changes else site


def check_hourly_arguments(
    site: Any,
    grid: Any,
    solar: Any,
    surplus: Any,
    timezone: Any,
    grid_year: Any,
    marginal: Any = False,
) -> None:
    """The arguments :func:`account_hourly` and scheduling share, checked up front."""

    if not isinstance(marginal, bool):
        raise InputError(f"marginal: expected True or False, got {marginal!r}"[:200])

    if not isinstance(surplus, str) or surplus not in SURPLUS_TREATMENTS:
        raise InputError(f"surplus: expected one of {SURPLUS_TREATMENTS}, got {surplus!r}"[:200])
    if site is not None and not isinstance(site, Site):
        raise InputError(f"site: expected a Site, got {type(site).__name__}")
    if site is not None and site.region is not None and not isinstance(site.region, str):
        raise InputError(f"region: expected a region name, got {site.region!r}"[:200])
    if grid is not None and not isinstance(grid, (HourlyGrid, str)):
        raise InputError(
            f"grid: expected an hourly zone name or an HourlyGrid, got {type(grid).__name__}"
        )
    if solar is not None and not isinstance(solar, OnSiteSolar):
        raise InputError(
            f"solar: expected an OnSiteSolar (footprint.places.solar.on_site_solar), "
            f"got {type(solar).__name__}"
        )
    if timezone is not None:
        check_timezone(timezone)
    check_year_value(grid_year, "grid_year")


def account_hourly(
    profile: LoadProfile,
    site: Site | None = None,
    *,
    grid: HourlyGrid | str | None = None,
    solar: OnSiteSolar | None = None,
    surplus: str = "ignore",
    timezone: str | None = None,
    grid_year: int | None = None,
    embodied: Embodied | bool | None = None,
    marginal: bool = False,
) -> HourlyFootprint:
    """Account ``profile`` hour by hour, with on-site solar, against the annual method.

    Parameters
    ----------
    profile : LoadProfile
        IT energy per UTC hour.
    site : Site, optional
        Region, year and factor overrides (PUE, WUE, EWIF...) as for
        :func:`footprint.estimate`; the annual-method figure uses it unchanged.
    grid : HourlyGrid or str, optional
        Hourly data: a zone name (``CISO``, ``US-CAL-CISO``) or a series; default: the
        hourly zone of ``site.region`` (a zone, or a cloud region inside one).
    solar : OnSiteSolar, optional
        PV array, site and weather (:func:`footprint.places.solar.on_site_solar`).
    surplus : {"ignore", "offset"}
        PV output the load cannot use: not credited (default) or credited at the
        hour's grid intensity.
    timezone : str, optional
        IANA zone for local times in the output (default: the region's).
    grid_year : int, optional
        Year of hourly data; default the profile's year (nearest available, noted).
    embodied : Embodied or bool, optional
        Embodied (manufacturing) emissions, as in :func:`footprint.estimate`: counted by
        default for a profile built from a workload (:meth:`LoadProfile.from_workload`),
        adding ``embodied_co2e`` and ``total_co2e`` (hourly ``co2e`` + embodied); a power
        profile has no accelerator, so none (noted). ``False`` leaves them out.
    marginal : bool
        Use the hourly marginal emission rates (NREL Cambium's long-run marginal rate, the
        zones whose ``HourlyZone.marginal`` is set) instead of the average intensity: for
        decisions (what adding this load causes), not inventories. A zone without them is
        an error naming the zones that have them.

    Returns
    -------
    HourlyFootprint
        Results [kWh, kgCO2e, L; ``cost`` in the price's currency when a price is known:
        grid energy x price], factors with provenance, notes, and the hourly table.
    """
    import numpy as np
    import pandas as pd

    if not isinstance(profile, LoadProfile):
        raise InputError(f"profile: expected a LoadProfile, got {type(profile).__name__}")
    check_hourly_arguments(site, grid, solar, surplus, timezone, grid_year, marginal)
    notes: list[str] = list(profile.notes)
    region = site.region if site is not None else None

    series, zone, found = hourly_zone(site, grid, "hourly accounting")
    notes += found
    if series is None:
        wanted = grid_year if grid_year is not None else int(profile.start.year)
        series = series_for(zone, wanted, site, marginal)
    elif marginal:
        series = series.as_marginal()
    notes += list(series.notes)
    rows, more = series.at(profile.hours)
    notes += more

    wl_load = None if profile.workload is None else profile.workload.load()
    scale = None if wl_load is None else wl_load.scale
    included = wl_load is not None and wl_load.pue_included  # a measured facility energy
    sf: SiteFactors = site_factors(annual_site(site, zone, series.year), scale)
    notes += [n for n in sf.notes if n not in notes]
    if site is not None and site.intensity is not None:
        notes.append(
            "the intensity given applies to the annual-method figure; the hourly figure uses "
            "the hourly series"
        )

    intensity, ewif_h, hourly_ewif, found = hourly_factors(series, rows, sf, site)
    notes += found

    share, found = boundary_share(profile.workload, sf)
    notes += found
    it = np.asarray(profile.it_kwh, dtype=float) * share
    solar_factors: dict[str, Factor] = {}
    solar_inputs: dict[str, str] = {}
    if solar is not None:
        run = solar.run(profile.hours)
        pv = run.frame["energy_kwh"].to_numpy(float)
        solar_factors = dict(run.factors)
        solar_inputs = solar.inputs()
        notes += [n for n in run.notes if n not in notes]
        notes.append(
            "on-site PV serves this load first, hour by hour; its output is attributed to "
            "this load only"
        )
    else:
        pv = np.zeros(len(it))
    # The engine over the hours: every hour a load of its IT energy at that hour's grid,
    # with the PV produced while the load runs as its on-site supply.
    scarcity_h, found = hourly_scarcity(
        None if site is None else site.water_scarcity,
        sf.location.zones() if sf.location is not None else [sf.zone],
        profile.hours.month,
    )
    notes += found
    hours_site = SiteTable.of(sf, intensity=intensity, ewif=ewif_h, **scarcity_h)
    base = evaluate(LoadTable.energy(it, pue_included=included), hours_site)  # without PV
    facility = base["facility_energy"]
    used, grid_kwh, spare = energy_balance(facility, pv, profile.coverage)
    drawn = evaluate(
        LoadTable.energy(
            it,
            onsite=pv * np.clip(np.asarray(profile.coverage, dtype=float), 0.0, 1.0),
            credit_surplus=surplus == "offset",
            pue_included=included,
        ),
        hours_site,
    )
    credit_kg = float(drawn["onsite_credit"].sum()) if surplus == "offset" else 0.0
    if surplus == "ignore" and spare.sum() > 0:
        notes.append("PV surplus (exported) earns no credit; surplus='offset' credits it")
    elif surplus == "offset":
        notes.append(
            "PV surplus produced while the load runs is credited at each hour's grid "
            "intensity (avoided emissions)"
        )

    # The annual method: footprint estimate's factors on the same facility energy.
    annual_intensity = float(sf.intensity.value.m_as("gCO2e/kWh"))
    annual = evaluate(LoadTable.energy(float(it.sum()), pue_included=included), SiteTable.of(sf))

    # The same energy at the hourly series' own annual mean: isolates the timing effect
    # (co2e_no_solar - co2e_flat) from the data/basis difference (co2e_flat - co2e_annual).
    flat = evaluate(
        LoadTable.energy(float(it.sum()), pue_included=included),
        SiteTable.of(sf, intensity=series.mean_intensity(), ewif=0.0),
    )
    co2e_flat = float(flat["co2e"])

    Q_ = units.Q_
    co2e = float(drawn["co2e"].sum())
    co2e_annual = float(annual["co2e"])
    water_onsite = float(drawn["water_onsite"].sum())
    water_offsite = float(drawn["water_offsite"].sum())
    facility_total = float(facility.sum())
    results = {
        "it_energy": Q_(float(it.sum()), "kWh"),
        "facility_energy": Q_(facility_total, "kWh"),
        "grid_energy": Q_(float(grid_kwh.sum()), "kWh"),
        "solar_generation": Q_(float(pv.sum()), "kWh"),
        "solar_used": Q_(float(used.sum()), "kWh"),
        "solar_surplus": Q_(float(spare.sum()), "kWh"),
        "solar_share": Q_(float(used.sum()) / facility_total if facility_total else 0.0, ""),
        "co2e": Q_(co2e, "kgCO2e"),
        "co2e_annual": Q_(co2e_annual, "kgCO2e"),
        "co2e_difference": Q_(co2e - co2e_annual, "kgCO2e"),
        "co2e_difference_share": Q_((co2e - co2e_annual) / co2e_annual if co2e_annual else 0.0, ""),
        "co2e_no_solar": Q_(float(base["co2e"].sum()), "kgCO2e"),
        "co2e_flat": Q_(co2e_flat, "kgCO2e"),
        "co2e_timing": Q_(float(base["co2e"].sum()) - co2e_flat, "kgCO2e"),
        "co2e_solar_avoided": Q_(float(base["co2e"].sum()) - (co2e + credit_kg), "kgCO2e"),
        "co2e_surplus_credit": Q_(credit_kg, "kgCO2e"),
        "water": Q_(water_onsite + water_offsite, "L"),
        "water_onsite": Q_(water_onsite, "L"),
        "water_offsite": Q_(water_offsite, "L"),
        "water_annual": Q_(float(annual["water"]), "L"),
        "water_solar_avoided": Q_(float(base["water_offsite"].sum() - water_offsite), "L"),
        "co2e_market": Q_(float(drawn["co2e_market"].sum()), "kgCO2e"),
        "co2e_market_annual": Q_(float(annual["co2e_market"]), "kgCO2e"),
    }
    if "water_scarcity" in drawn:  # blank (noted), never zero, where a factor is missing
        for key, value in (
            ("water_scarcity", float(np.sum(drawn["water_scarcity"]))),
            ("water_scarcity_annual", float(annual["water_scarcity"])),
        ):
            if np.isfinite(value):
                results[key] = Q_(value, "m3_world_eq")
    if "cost" in drawn:
        results["cost"] = Q_(float(drawn["cost"].sum()), drawn.unit("cost"))
    emb_factors, emb_notes = embodied_results(profile.workload, embodied, co2e, results)
    notes += emb_notes

    weights = facility if facility_total > 0 else np.ones(len(facility))
    seen = float(np.sum(intensity * weights) / np.sum(weights))
    estimated = int(series.estimated[rows].sum()) if series.estimated is not None else 0
    hourly_factor = Factor(
        name="intensity_hourly",
        value=Q_(seen, "gCO2e/kWh"),
        origin="dataset" if series.year is not None else "user",
        source=series.source,
        dataset=series.dataset,
        zone=series.zone,
        year=series.year,
        note=f"load-weighted mean of {len(rows)} hourly values ({series.basis})",
        extra={
            "min": float(intensity.min()),
            "max": float(intensity.max()),
            "hours": len(rows),
            "estimated_hours": estimated,
        },
    )
    series_mean = Factor(
        name="intensity_hourly_mean",
        value=Q_(series.mean_intensity(), "gCO2e/kWh"),
        origin="derived",
        source=series.source,
        dataset=series.dataset,
        zone=series.zone,
        year=series.year,
        note=("generation-weighted" if series.generation_mwh is not None else "time")
        + " mean of the whole hourly series: the timing effect is "
        "co2e_no_solar minus facility energy x this value",
    )
    ewif_seen = Factor(
        name="ewif_hourly",
        value=Q_(float(np.sum(ewif_h * weights) / np.sum(weights)), "L/kWh"),
        origin="derived",
        source=f"hourly mix of {series.zone} x water per technology (water_factors.csv)"
        if hourly_ewif is not None and (site is None or site.ewif is None)
        else sf.ewif.source,
        dataset=series.dataset,
        zone=series.zone,
        year=series.year,
        note="load-weighted mean of the hourly EWIF",
    )
    if estimated:
        notes.append(
            f"{estimated} of the hours use estimated grid data (gap-filled, or estimated by "
            "the data's publisher)"
        )
    factors: dict[str, Factor] = {
        **profile.factors,
        "pue": sf.pue,
        "wue": sf.wue,
        "intensity": sf.intensity,
        "ewif": sf.ewif,
        "cfe": sf.cfe,
        **({} if sf.price is None else {"price": sf.price}),
        **({} if sf.water_scarcity is None else {"water_scarcity": sf.water_scarcity}),
        "intensity_hourly": hourly_factor,
        "intensity_hourly_mean": series_mean,
        "ewif_hourly": ewif_seen,
        **solar_factors,
        **emb_factors,
    }

    tz, why = (
        (check_timezone(timezone), f"local time: {timezone} (given)")
        if timezone
        else region_timezone(region, zone)
    )
    notes.append(why)
    table = pd.DataFrame(
        {
            "hour_start_utc": iso_utc(profile.hours),
            "hour_start_local": iso_local(profile.hours, tz),
            "it_energy_kwh": it,
            "facility_energy_kwh": facility,
            "solar_kwh": pv,
            "solar_used_kwh": used,
            "grid_kwh": grid_kwh,
            "surplus_kwh": spare,
            "intensity_g_per_kwh": intensity,
            "ewif_l_per_kwh": ewif_h,
            "co2e_kg": drawn["co2e"],
            "co2e_annual_method_kg": facility * annual_intensity / 1000.0,
            "water_offsite_l": drawn["water_offsite"],
            **(
                {"water_scarcity_m3_world_eq": drawn["water_scarcity"]}
                if "water_scarcity" in drawn
                else {}
            ),
            "grid_hour_utc": iso_utc(series.hours[rows]),
            "estimated": series.estimated[rows] if series.estimated is not None else False,
        }
    )
    inputs = {
        **profile.inputs,
        **(site.inputs() if site is not None else {}),
        **solar_inputs,
        **hourly_inputs(series, surplus, tz),
        **embodied_inputs(embodied),
    }
    return HourlyFootprint(
        results=results,
        factors=factors,
        inputs=inputs,
        notes=list(dict.fromkeys(n for n in notes if n)),
        hourly=table,
    )


def hourly_inputs(series: Any, surplus: str, tz: str) -> dict[str, str]:
    """Inputs every hourly result echoes: hourly zone and year, surplus rule, time zone."""
    out = {
        "hourly_zone": series.zone,
        "hourly_year": str(series.year) if series.year is not None else "series",
        "surplus": surplus,
        "timezone": tz,
    }
    if getattr(series, "rate", "average") != "average":
        out["hourly_rate"] = f"{series.rate} ({series.basis})"
    return out


def embodied_inputs(embodied: Any) -> dict[str, str]:
    """The embodied options as given, echoed in the inputs (as :func:`footprint.estimate`)."""
    return {} if embodied is None or isinstance(embodied, bool) else embodied.inputs()


def embodied_results(
    workload: Any, embodied: Any, co2e_kg: float, results: dict[str, Any]
) -> tuple[dict[str, Factor], list[str]]:
    """Add ``embodied_co2e`` and ``total_co2e`` to ``results`` for a workload's load.

    ``co2e_kg`` is the operational figure the total adds to. The embodied factors come
    from :func:`footprint.analyses.estimate.embodied_of` and the chain's embodied step
    (:func:`footprint.core.accounting.embodied_rate` x the workload's accelerator-hours); a
    bare power (``workload`` None) has no accelerator: nothing, noted.
    Returns the embodied factors and notes. Used by :func:`account_hourly` and
    :func:`footprint.analyses.scheduling.schedule`.
    """
    if embodied is False:
        return {}, ["embodied (manufacturing) emissions not counted"]
    if workload is None:
        if embodied is not None and not isinstance(embodied, bool) and embodied.inputs():
            raise InputError(
                "embodied: a power profile has no accelerator; give a workload (GpuJob) "
                "or leave the embodied options out"
            )
        return {}, ["embodied: not counted for a power profile (no accelerator given)"]
    load = workload.load()
    emb = embodied_of(embodied, workload, load)
    if emb is None:  # an energy-only workload: no hardware time (its notes say so)
        return {}, []
    hours = float(load.accelerator_hours.m_as("h"))
    embodied_kg = hours * float(embodied_rate(**emb.magnitudes()))  # the chain's step
    results["embodied_co2e"] = units.Q_(embodied_kg, "kgCO2e")
    results["total_co2e"] = units.Q_(co2e_kg + embodied_kg, "kgCO2e")
    return dict(emb.as_dict()), [n for n in emb.notes if n not in load.notes]
