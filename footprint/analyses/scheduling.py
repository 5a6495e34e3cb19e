"""Carbon-aware scheduling: when to run a flexible job so that it emits least.

A job of known duration and constant power may start anywhere in a window. For every
candidate start, its CO2e is the grid energy it draws (after on-site PV) times each
hour's intensity, exactly as :func:`footprint.analyses.hourly.account_hourly` counts it. With
constant power, the load in an hour is ``f x L`` (``f`` the fraction of the hour the
job runs, ``L = P x PUE x 1 h``), so the job's grid draw in that hour is
``f x max(L - pv_h, 0)``: linear in ``f``. The CO2e of a start ``s`` is therefore the
integral over ``[s, s + D)`` of a step function of time, computed for every candidate
at once from its cumulative sum (exact for any start, not only whole hours).

:func:`schedule` returns the full curve (a DataFrame), the best and the worst start,
and the saving against starting now.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from footprint.analyses.estimate import Footprint
from footprint.analyses.hourly import (
    HourlyGrid,
    annual_site,
    boundary_share,
    check_hourly_arguments,
    check_span,
    check_timezone,
    embodied_inputs,
    embodied_results,
    hourly_factors,
    hourly_inputs,
    hourly_zone,
    iso_local,
    iso_utc,
    parse_time,
    region_timezone,
    series_for,
)
from footprint.core import units
from footprint.core.errors import InputError
from footprint.core.provenance import Factor
from footprint.engine.evaluation import LoadTable, SiteTable, evaluate
from footprint.places.facility import Scale
from footprint.places.hourly_time import window_sum
from footprint.places.site import site_factors

if TYPE_CHECKING:  # pragma: no cover
    from footprint.catalogues.embodied import Embodied
    from footprint.places.site import Site
    from footprint.places.solar import OnSiteSolar

__all__ = ["Schedule", "schedule", "MAX_CANDIDATES"]

#: Upper bound on candidate starts (a year at one-minute steps is 525,600): guards
#: against a step typed in the wrong unit.
MAX_CANDIDATES = 600_000


#: Results of the engine summed over a start's window (the recommended start's results).
WINDOW_KEYS = (
    "it_energy",
    "facility_energy",
    "grid_energy",
    "onsite_energy",
    "onsite_surplus",
    "onsite_credit",
    "co2e",
    "co2e_market",
    "water",
    "water_onsite",
    "water_offsite",
    "cost",
)


@dataclass(frozen=True)
class Schedule(Footprint):
    """Result of :func:`schedule`.

    Attributes
    ----------
    results : dict[str, Quantity]
        The recommended (best) start under the engine's keys, as every analysis gives
        them: ``it_energy``, ``facility_energy``, ``grid_energy``, ``onsite_energy`` (PV
        used), ``onsite_surplus``, ``onsite_credit``, ``co2e``, ``co2e_market``,
        ``water``, ``water_onsite``, ``water_offsite``, ``cost`` (grid energy x price,
        when a price is known), ``embodied_co2e`` and ``total_co2e`` (for a workload;
        embodied is the same at every start). Then the comparisons: ``co2e_worst``,
        ``co2e_now``, ``saving`` (now - best), ``saving_share``, ``spread`` (worst -
        best), ``co2e_annual`` (the annual method: timing ignored), market-based
        ``co2e_market_worst/now/annual``, ``cost_worst/now``, ``total_co2e_worst/now``.
    choices : dict[str, dict]
        ``best``, ``worst``, ``now``: start (UTC and local), end, CO2e, grid energy,
        solar used, market-based CO2e, water, and cost, embodied and total CO2e when
        known.
    curve : DataFrame
        One row per candidate start.
    """

    choices: Any = None
    curve: Any = None

    def to_dict(self, curve: bool = False) -> dict[str, Any]:
        """The JSON contract plus ``choices`` (and the ``curve`` records when asked)."""
        out = super().to_dict()
        out["choices"] = self.choices
        if curve:
            out["curve"] = self.curve.to_dict(orient="records")
        return out


def _it_power_kw(
    power: Any, duration_h: float
) -> tuple[float, dict[str, Factor], dict[str, str], Scale | None, bool]:
    """IT power [kW] from a power quantity or a workload run over ``duration_h``, the
    workload's scale (``None`` for a power) and whether its energy is a measured facility
    energy (PUE included)."""
    if hasattr(power, "load"):
        if not callable(power.load):
            raise InputError(f"power: expected a power or a workload, got {type(power).__name__}")
        load = power.load()
        factors = {"power": load.power, "host_power": load.host_power, **load.extra_factors}
        return load.it_kwh / duration_h, factors, dict(load.inputs), load.scale, load.pue_included
    kw = float(units.parse_quantity(power, "power", "kW", "power", allow_zero=False).m_as("kW"))
    return kw, {}, {"power": str(power)}, None, False


def schedule(
    duration: Any,
    power: Any,
    window_start: Any,
    window_end: Any,
    site: Site | None = None,
    *,
    grid: HourlyGrid | str | None = None,
    solar: OnSiteSolar | None = None,
    step: Any = "1 h",
    now: Any = None,
    surplus: str = "ignore",
    timezone: str | None = None,
    grid_year: int | None = None,
    embodied: Embodied | bool | None = None,
    marginal: bool = False,
) -> Schedule:
    """The start in ``[window_start, window_end - duration]`` that minimises CO2e.

    Parameters
    ----------
    duration : Quantity, str or float
        Wall-clock run time [h].
    power : Quantity, str or float, or a workload
        Constant IT draw [kW] (bare numbers are kW), or a workload such as
        :class:`~footprint.GpuJob` whose energy is spread over ``duration``.
    window_start, window_end : str or Timestamp
        The window (ISO 8601). Times without a UTC offset are read in ``timezone``,
        else in the region's local time (noted).
    site : Site, optional
        Region and factor overrides; PUE and WUE come from it as in
        :func:`footprint.estimate`.
    grid : HourlyGrid or str, optional
        Hourly data (zone name or series); default: the region's hourly zone.
    solar : OnSiteSolar, optional
        On-site PV, which serves the job first.
    step : Quantity or str
        Spacing of candidate starts; default 1 h.
    now : optional
        The reference start for the saving; default ``window_start``.
    surplus : {"ignore", "offset"}
        Credit PV output the job cannot use while it runs (default: no).
    timezone : str, optional
        IANA zone for naive inputs and local times in the output.
    grid_year : int, optional
        Year of hourly data; default the window's (nearest available, noted).
    embodied : Embodied or bool, optional
        Embodied (manufacturing) emissions of a workload, as in :func:`footprint.estimate`:
        counted by default (``embodied_co2e``, and ``total_co2e`` per choice); a bare power
        has no accelerator, so none (noted). ``False`` leaves them out.
    marginal : bool
        Rank starts by the hourly marginal emission rates (NREL Cambium's long-run marginal
        rate) instead of the average intensity: marginal rates are for decisions such as
        this one, averages for inventories. A zone without them is an error naming the
        zones that have them.

    Returns
    -------
    Schedule
        Best, worst and now, the saving, and the full curve.
    """
    import numpy as np
    import pandas as pd

    check_hourly_arguments(site, grid, solar, surplus, timezone, grid_year, marginal)
    notes: list[str] = []
    region = site.region if site is not None else None

    series, zone, found = hourly_zone(site, grid, "scheduling")
    notes += found

    tz, why_tz = (
        (check_timezone(timezone), f"local time: {timezone} (given)")
        if timezone
        else region_timezone(region, zone)
    )
    naive_tz = tz
    start = parse_time(window_start, "window_start", naive_tz)
    end = parse_time(window_end, "window_end", naive_tz)
    for name, value in (("window_start", window_start), ("window_end", window_end)):
        if pd.Timestamp(value).tzinfo is None:
            notes.append(f"{name} {value} read in {naive_tz} (no UTC offset given)")
    if end <= start:
        raise InputError("window_end must come after window_start")
    duration_q = units.parse_quantity(duration, "time", "h", "duration", allow_zero=False)
    dur_h = check_span(float(duration_q.m_as("h")), "duration")
    span_h = check_span((end - start).total_seconds() / 3600.0, "window")
    if dur_h > span_h + 1e-9:
        raise InputError(
            f"duration {dur_h:g} h does not fit in the window ({span_h:g} h from "
            f"{start.isoformat()} to {end.isoformat()})"
        )
    step_h = float(units.parse_quantity(step, "time", "h", "step", allow_zero=False).m_as("h"))
    step_h = min(step_h, span_h)  # a step beyond the window (even 1e306 years): one start
    starts_f = np.floor((span_h - dur_h) / step_h + 1e-9) + 1  # a float: a tiny step is inf
    if not starts_f <= MAX_CANDIDATES:
        shown = f"{starts_f:,.0f}" if np.isfinite(starts_f) else "too many"
        raise InputError(f"step {step}: {shown} candidate starts (at most {MAX_CANDIDATES:,})")
    count = int(starts_f)
    offsets_h = np.arange(count) * step_h
    now_ts = start if now is None else parse_time(now, "now", naive_tz)
    now_h = (now_ts - start).total_seconds() / 3600.0
    if now_h < -1e-9 or now_h > span_h - dur_h + 1e-9:
        raise InputError(f"now {now_ts.isoformat()}: the job would not fit in the window from then")

    hours = pd.date_range(start.floor("h"), end.ceil("h"), freq="h", inclusive="left")
    if series is None:
        wanted = grid_year if grid_year is not None else int(start.year)
        series = series_for(zone, wanted, site, marginal)
    elif marginal:
        series = series.as_marginal()
    notes += list(series.notes)
    rows, more = series.at(hours)
    notes += more
    kw, power_factors, power_inputs, scale, included = _it_power_kw(power, dur_h)
    sf = site_factors(annual_site(site, zone, series.year), scale)
    notes += [n for n in sf.notes if n not in notes]
    pue = float(sf.pue.value.m_as(""))
    intensity, ewif_h, _, found = hourly_factors(series, rows, sf, site)
    notes += [n for n in found if n not in notes]

    share, found = boundary_share(power if hasattr(power, "load") else None, sf)
    notes += found
    kw *= share
    if not np.isfinite(kw * dur_h * pue * 1000.0 * max(float(np.max(intensity)), 1.0)):
        raise InputError("power: too large; the job's energy and CO2e are not finite numbers")
    solar_factors: dict[str, Factor] = {}
    if solar is not None:
        run = solar.run(hours)
        pv = run.frame["energy_kwh"].to_numpy(float)
        solar_factors = dict(run.factors)
        notes += [n for n in run.notes if n not in notes]
        notes.append("on-site PV serves the job first, hour by hour")
    else:
        pv = np.zeros(len(hours))
    # The engine over the hours: a full hour of the job at each hour's grid, PV first.
    drawn = evaluate(
        LoadTable.energy(
            np.full(len(hours), kw),
            onsite=pv,
            credit_surplus=surplus == "offset",
            pue_included=included,
        ),
        SiteTable.of(sf, intensity=intensity, ewif=ewif_h),
    )
    if surplus == "offset":
        notes.append("PV surplus during the job's hours credited at the hour's intensity")

    # every window as the integral of the hourly step functions (hours from ``hours[0]``)
    origin = (start - hours[0]).total_seconds() / 3600.0

    def window_sums(values: Any, at: Any) -> Any:
        return window_sum(values, at, at + dur_h)  # the one hourly weighting

    at = origin + offsets_h
    at_now = np.array([origin + now_h])
    # every result of the engine, summed over each candidate window and the "now" window
    per_hour = {k: np.broadcast_to(v, len(hours)) for k, v in drawn.values.items()}
    windows = {k: window_sums(v, at) for k, v in per_hour.items() if k in WINDOW_KEYS}
    now_window = {
        k: float(window_sums(v, at_now)[0]) for k, v in per_hour.items() if k in WINDOW_KEYS
    }
    co2e = windows["co2e"]
    co2e_now = now_window["co2e"]
    grid_kwh = windows["grid_energy"]
    used_kwh = windows["onsite_energy"]
    water_offsite = windows["water_offsite"]
    market = windows["co2e_market"]
    cost = windows.get("cost")

    starts = start + pd.to_timedelta(offsets_h, unit="h")
    curve = pd.DataFrame(
        {
            "start_utc": iso_utc(starts),
            "start_local": iso_local(starts, tz),
            "co2e_kg": co2e,
            "grid_kwh": grid_kwh,
            "solar_used_kwh": used_kwh,
            "water_offsite_l": water_offsite,
            "intensity_g_per_kwh": np.divide(
                co2e * 1000.0, grid_kwh, out=np.zeros_like(co2e), where=grid_kwh > 0
            ),
            "saving_vs_now_kg": co2e_now - co2e,
        }
    )
    best_i = int(np.argmin(co2e))  # earliest among equal minima
    worst_i = int(np.argmax(co2e))
    annual = evaluate(LoadTable.energy(kw * dur_h, pue_included=included), SiteTable.of(sf))
    extra: dict[str, Any] = {}
    emb_factors, emb_notes = embodied_results(
        power if hasattr(power, "load") else None, embodied, 0.0, extra
    )
    notes += emb_notes
    embodied_kg = float(extra["embodied_co2e"].m_as("kgCO2e")) if extra else None
    currency = drawn.currency if "cost" in drawn else None

    def at_start(i: int | None) -> dict[str, float]:
        """The window sums of start ``i`` (``None``: now)."""
        return now_window if i is None else {k: float(v[i]) for k, v in windows.items()}

    def choice(i: int | None, label: str) -> dict[str, Any]:
        ts = now_ts if i is None else starts[i]
        sums = at_start(i)
        span = pd.DatetimeIndex([ts, ts + pd.Timedelta(hours=dur_h)])
        local = iso_local(span, tz)
        out: dict[str, Any] = {
            "start_utc": str(iso_utc(span)[0]),
            "start_local": str(local[0]),
            "end_local": str(local[1]),
            "co2e_kg": sums["co2e"],
            "grid_kwh": sums["grid_energy"],
            "solar_used_kwh": sums["onsite_energy"],
            "co2e_market_kg": sums["co2e_market"],
            "water_l": sums["water"],
        }
        if "cost" in sums:
            out["cost"] = sums["cost"]
            out["cost_currency"] = str(currency)
        if embodied_kg is not None:
            out["embodied_co2e_kg"] = embodied_kg
            out["total_co2e_kg"] = sums["co2e"] + embodied_kg
        out["label"] = label
        return out

    Q_ = units.Q_
    best = at_start(best_i)
    saving = co2e_now - best["co2e"]
    # the recommended (best) start under the engine's result keys, then the comparisons
    results = {key: Q_(best[key], drawn.unit(key)) for key in WINDOW_KEYS if key in best}
    results.update(
        {
            "co2e_worst": Q_(float(co2e[worst_i]), "kgCO2e"),
            "co2e_now": Q_(co2e_now, "kgCO2e"),
            "saving": Q_(saving, "kgCO2e"),
            "saving_share": Q_(saving / co2e_now if co2e_now else 0.0, ""),
            "spread": Q_(float(co2e[worst_i]) - best["co2e"], "kgCO2e"),
            "co2e_annual": Q_(float(annual["co2e"]), "kgCO2e"),
            "co2e_market_worst": Q_(float(market[worst_i]), "kgCO2e"),
            "co2e_market_now": Q_(now_window["co2e_market"], "kgCO2e"),
            "co2e_market_annual": Q_(float(annual["co2e_market"]), "kgCO2e"),
        }
    )
    if cost is not None:
        results["cost_worst"] = Q_(float(cost[worst_i]), currency)
        results["cost_now"] = Q_(now_window["cost"], currency)
    if embodied_kg is not None:
        results["embodied_co2e"] = Q_(embodied_kg, "kgCO2e")
        results["total_co2e"] = Q_(best["co2e"] + embodied_kg, "kgCO2e")
        for name, value in (("worst", co2e[worst_i]), ("now", co2e_now)):
            results[f"total_co2e_{name}"] = Q_(float(value) + embodied_kg, "kgCO2e")
    choices = {
        "best": choice(best_i, "lowest CO2e (earliest if tied)"),
        "worst": choice(worst_i, "highest CO2e"),
        "now": choice(None, "reference start (now)"),
    }
    hourly_factor = Factor(
        name="intensity_hourly",
        value=Q_(float(np.mean(intensity)), "gCO2e/kWh"),
        origin="dataset" if series.year is not None else "user",
        source=series.source,
        dataset=series.dataset,
        zone=series.zone,
        year=series.year,
        note=f"time mean over the window's {len(hours)} hours ({series.basis})",
        extra={"min": float(intensity.min()), "max": float(intensity.max())},
    )
    factors = {
        **power_factors,
        "pue": sf.pue,
        "wue": sf.wue,
        "intensity": sf.intensity,
        "ewif": sf.ewif,
        "cfe": sf.cfe,
        **({} if sf.price is None else {"price": sf.price}),
        "intensity_hourly": hourly_factor,
        **solar_factors,
        **emb_factors,
    }
    notes.append(why_tz)
    notes.append(
        f"{count} candidate starts every {step_h:g} h; CO2e counts grid energy after on-site PV"
        + (" and credits surplus" if surplus == "offset" else "")
    )
    inputs = {
        **power_inputs,
        "duration": str(duration),
        "it_power": f"{kw:.6g} kW",
        "window_start": start.isoformat(),
        "window_end": end.isoformat(),
        "step": str(step),
        "now": now_ts.isoformat(),
        **(site.inputs() if site is not None else {}),
        **(solar.inputs() if solar is not None else {}),
        **hourly_inputs(series, surplus, tz),
        **embodied_inputs(embodied),
    }
    return Schedule(
        results=results,
        factors=factors,
        inputs=inputs,
        notes=list(dict.fromkeys(n for n in notes if n)),
        choices=choices,
        curve=curve,
    )
