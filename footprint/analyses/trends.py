"""Trends and growth: a region's grid over the years, and a workload projected forward.

Three tools:

- :func:`trend` - carbon intensity and water intensity (EWIF) of a region's electricity,
  year by year, with the change in percent against the first year and year on year.
- :func:`percent_change`, :func:`describe_change`, :func:`annual_rate` and
  :func:`growth_change` - the arithmetic behind statements such as "emissions +48% since
  2019": given two totals they give the change; given growth assumptions they give the
  change those assumptions imply (in :mod:`footprint.analyses.growth`, with :class:`Growth`;
  re-exported here).
- :func:`project` - a workload's yearly footprint from a base year on, under volume
  growth, efficiency gain and a grid trajectory (the data's history, then a stated
  extrapolation: ``"linear"``, ``"constant"`` or a fixed annual rate), with the change
  against the base year: ONE evaluation of the engine
  (:func:`footprint.engine.evaluation.evaluate`) over the years.

Projection model, for year ``y`` and base year ``y0`` (``n = y - y0``)::

    work(y)        = work(y0) x (1 + volume_growth)^n
    energy/work(y) = energy/work(y0) x (1 - efficiency_gain)^n
    intensity(y), ewif(y) = data of year y while the zone has data,
                            then the extrapolation from the last year with data
    PUE, WUE, carbon-free share, price = the site's factors of the base year (held)
    embodied CO2e(y) = accelerator-hours(y) x embodied rate (follows volume and efficiency)
"""

from __future__ import annotations

import math
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from footprint.analyses.compare import describe_workload, register_units
from footprint.analyses.estimate import compute_of, embodied_of
from footprint.analyses.growth import (
    GRID_METHODS,
    Growth,
    annual_rate,
    describe_change,
    growth_change,
    percent_change,
    signed_percent,
)
from footprint.core import units
from footprint.core.accounting import EMBODIED_KEYS
from footprint.core.errors import InputError, MissingDataError
from footprint.engine.evaluation import LoadTable, SiteTable, evaluate
from footprint.places.grid import intensity_series
from footprint.places.regions import cloud_intensity_series, resolve_region
from footprint.places.site import Site, site_factors
from footprint.places.water import HYDRO_TREATMENTS, ewif, mix_years
from footprint.render.report import format_number
from footprint.workloads.jobs import Workload

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

    from footprint.catalogues.embodied import Embodied
    from footprint.places.regions import Location

__all__ = [
    "total_change",
    "trend",
    "trend_summary",
    "percent_change",
    "describe_change",
    "annual_rate",
    "growth_change",
    "Growth",
    "GRID_METHODS",
    "project",
    "project_totals",
]

# --- grid series --------------------------------------------------------------------------


def _pick(candidates: list[tuple[str, int]], prefer: str | None) -> tuple[str, str]:
    """The label to use among ``(label, years in range)`` candidates (finest first), and why.

    ``prefer`` (the zone an estimate of the base year uses) wins when it has data.
    Otherwise the finest candidate with at least two years in the range, so a region's
    own series is shown (a change needs two years) and a parent zone's only when the
    region's own series cannot make a trend; failing that, the widest coverage.
    """
    labels = [label for label, _ in candidates]
    if prefer is not None and prefer in labels:
        return prefer, ""
    best = max(n for _, n in candidates)
    need = min(2, best)
    label = next(label for label, n in candidates if n >= need)
    own, n_own = candidates[0]
    why = ""
    if label != own:
        why = f"{own} has {n_own} year{'s' if n_own != 1 else ''} of data in the range"
    return label, why


def _intensity_series(
    location: Location,
    start: int | None = None,
    end: int | None = None,
    prefer: str | None = None,
) -> tuple[str, dict[int, dict[str, str]], list[str]]:
    """The intensity series of a location for the years ``start``-``end``.

    Candidates in order of preference: the operator's per-region series (cloud regions),
    then the finest zone up to the country; see :func:`_pick`. A series is never
    spliced with another.
    """

    candidates: list[tuple[str, dict[int, dict[str, str]]]] = []
    if location.is_cloud:
        candidates.append((location.id, cloud_intensity_series(location.id)))
    candidates += [(z, intensity_series(z)) for z in location.zones()]
    lo = -10_000 if start is None else start
    hi = 10_000 if end is None else end

    def coverage(series: dict[int, dict[str, str]]) -> int:
        return sum(1 for y in series if lo <= y <= hi)

    with_data = [(label, series) for label, series in candidates if series]
    if not with_data:
        raise MissingDataError(f"grid intensity: no data for {location.id}")
    label, why = _pick([(lab, coverage(ser)) for lab, ser in with_data], prefer)
    series = dict(with_data)[label]
    notes = [f"intensity series of {label} used: {why}"] if why else []
    return label, series, notes


def _mix_zone(
    location: Location, start: int | None, end: int | None, prefer: str | None = None
) -> str | None:
    """The zone whose generation mix gives the EWIF for ``start``-``end`` (see :func:`_pick`)."""

    lo = -10_000 if start is None else start
    hi = 10_000 if end is None else end
    with_mix = [
        (z, sum(1 for y in mix_years(z) if lo <= y <= hi)) for z in location.zones() if mix_years(z)
    ]
    if not with_mix:
        return None
    return _pick(with_mix, prefer)[0]


def _grid_history(
    region: str,
    hydro: str = "include",
    start: int | None = None,
    end: int | None = None,
    *,
    prefer: tuple[str | None, str | None] = (None, None),
) -> tuple[Location, dict[int, float], dict[int, float], dict[str, str], list[str]]:
    """Yearly intensity [gCO2e/kWh] and EWIF [L/kWh] of a region, with their sources.

    ``prefer`` names the intensity zone and the generation-mix zone to use when they
    have data (a projection uses those of its base-year estimate).
    """

    location = resolve_region(region)
    label, series, notes = _intensity_series(location, start, end, prefer[0])
    intensity = {y: float(row["intensity_g_per_kwh"]) for y, row in series.items()}
    newest = series[max(series)]
    table = newest.get("table", "cloud_region_factors")
    sources = {
        "intensity": f"[{table}.csv:{newest.get('dataset', '')}] {newest.get('source', '')}",
        "intensity_zone": label,
    }
    if label not in (location.zone, location.id):
        notes.append(f"intensity of {label} used for {location.id}")
    mix_zone = _mix_zone(location, start, end, prefer[1])
    ewifs: dict[int, float] = {}
    if mix_zone is None:
        notes.append(f"no generation mix for {location.id}: no EWIF")
    else:
        if mix_zone != location.zone:
            notes.append(f"EWIF of {mix_zone} used for {location.id}")
        for y in mix_years(mix_zone):
            factor = ewif(mix_zone, y, hydro=hydro, strict_year=True)  # type: ignore[arg-type]
            ewifs[y] = factor.value.m_as("L/kWh")
            sources["ewif"] = f"[{factor.dataset}] {factor.source}"
        sources["ewif_zone"] = mix_zone
    return location, intensity, ewifs, sources, notes


def trend(
    region: str,
    start: int | None = None,
    end: int | None = None,
    *,
    hydro: str = "include",
) -> pd.DataFrame:
    """Carbon intensity and water intensity of ``region``'s electricity, year by year.

    Parameters
    ----------
    region : str
        Any region :func:`footprint.places.regions.resolve_region` accepts.
    start, end : int, optional
        First and last year (default: the data's first and last year).
    hydro : {"include", "exclude"}
        Hydropower evaporation in the EWIF.

    Returns
    -------
    pandas.DataFrame
        ``region``, ``year``, ``intensity`` [gCO2e/kWh], ``intensity_change_pct`` (against
        the first year of the table with a value), ``intensity_yoy_pct``, ``ewif``
        [L/kWh], ``ewif_change_pct``, ``ewif_yoy_pct``. ``attrs``: ``region``, ``notes``,
        ``sources``, ``summary`` (first/last year and value, change, compound annual rate
        per quantity).
    """
    import numpy as np
    import pandas as pd
    import pint_pandas

    _check_region(region)
    _check_hydro(hydro)
    start, end = units.check_year(start, "start"), units.check_year(end, "end")
    if start is not None and end is not None and start > end:
        raise InputError(f"--from {start} is after --to {end}")
    location, intensity, ewifs, sources, notes = _grid_history(region, hydro, start, end)
    years_all = sorted(set(intensity) | set(ewifs))
    # by default the table starts with the intensity series (the EWIF may come from a
    # parent zone with a longer history)
    lo = start if start is not None else min(intensity or ewifs)
    hi = end if end is not None else years_all[-1]
    # a year without an intensity (a gap in a zone's own series) has no row, and is noted
    keyed = intensity or ewifs
    years = [y for y in range(lo, hi + 1) if y in keyed]
    if not years:
        span = f"{years_all[0]}-{years_all[-1]}"
        if start is not None and end is not None:
            asked = f"in {lo}-{hi}" if lo != hi else f"in {lo}"
        elif start is not None:
            asked = f"from {start} on"
        else:
            asked = f"up to {end}"
        raise MissingDataError(f"trend: no data for {location.id} {asked} (data: {span})")
    missing = [y for y in range(lo, hi + 1) if y not in intensity]
    if missing:
        notes.append(f"no grid intensity for {location.id} in {_years(missing)}")
    missing_mix = [y for y in range(lo, hi + 1) if y not in ewifs]
    if missing_mix and ewifs:
        notes.append(f"no generation mix (EWIF) for {location.id} in {_years(missing_mix)}")
    register_units()
    out: dict[str, Any] = {
        "region": [location.id] * len(years),
        "year": pd.array(years, dtype="Int64"),
    }
    summary: dict[str, Any] = {}
    for name, data, unit in (("intensity", intensity, "gCO2e/kWh"), ("ewif", ewifs, "L/kWh")):
        values = np.array([data.get(y, np.nan) for y in years], dtype=float)
        out[name] = pint_pandas.PintArray(values, dtype=f"pint[{unit}]")
        known = ~np.isnan(values)
        first = values[known][0] if known.any() else np.nan
        out[f"{name}_change_pct"] = pd.array(_pct_change(values, first), dtype="Float64")
        prev = np.concatenate([[np.nan], values[:-1]])
        consecutive = np.concatenate([[False], np.diff(years) == 1])
        yoy = np.where(consecutive, _pct_change(values, prev), np.nan)
        out[f"{name}_yoy_pct"] = pd.array(yoy, dtype="Float64")
        if known.any() and ((first == 0) or (consecutive & (prev == 0)).any()):
            notes.append(f"{name}: a change from a value of zero is undefined; left blank")
        if known.any():
            ys = [y for y, k in zip(years, known, strict=True) if k]
            last = values[known][-1]
            summary[name] = {
                "unit": unit,
                "first_year": ys[0],
                "first": float(first),
                "last_year": ys[-1],
                "last": float(last),
                "change_pct": float((last / first - 1) * 100) if first else math.nan,
                "annual_rate_pct": (
                    annual_rate(first, last, ys[-1] - ys[0])
                    if ys[-1] > ys[0] and first > 0 and last > 0
                    else math.nan
                ),
            }
    df = pd.DataFrame(out)
    df.attrs.update(
        {
            "region": location.id,
            "name": location.name,
            "notes": notes,
            "sources": sources,
            "summary": summary,
            "hydro": hydro,
        }
    )
    return df


def _pct_change(values: Any, base: Any) -> Any:
    """``(values / base - 1) x 100``, NaN (blank) where ``base`` is zero or missing."""
    import numpy as np

    values = np.asarray(values, dtype=float)
    base = np.broadcast_to(np.asarray(base, dtype=float), values.shape)
    ok = (base != 0) & np.isfinite(base)
    out = np.full(values.shape, np.nan)
    np.divide(values, base, out=out, where=ok)
    return np.where(ok, (out - 1) * 100, np.nan)


def _check_region(region: Any) -> None:
    if not isinstance(region, str) or not region.strip():
        raise InputError(f"region: expected a region name such as 'FR', got {region!r}"[:200])


def _check_hydro(hydro: Any) -> None:

    if not isinstance(hydro, str) or hydro not in HYDRO_TREATMENTS:
        raise InputError(f"hydro: expected one of {tuple(HYDRO_TREATMENTS)}, got {hydro!r}"[:200])


def _check_growth(growth: Any) -> Growth | None:
    if growth is not None and not isinstance(growth, Growth):
        raise InputError(f"growth: expected a Growth, got {type(growth).__name__}")
    return growth


def _years(years: list[int]) -> str:
    """``[2001, 2002, 2003, 2007]`` -> ``"2001-2003, 2007"``."""
    runs: list[list[int]] = []
    for y in years:
        if runs and y == runs[-1][-1] + 1:
            runs[-1].append(y)
        else:
            runs.append([y])
    return ", ".join(f"{r[0]}-{r[-1]}" if len(r) > 1 else str(r[0]) for r in runs)


def trend_summary(df: pd.DataFrame) -> list[str]:
    """One sentence per quantity: ``intensity of FR: 80.1 -> 55.3 gCO2e/kWh, -31% ...``."""

    lines = []
    labels = {"intensity": "carbon intensity", "ewif": "water intensity (EWIF)"}
    for name, s in df.attrs.get("summary", {}).items():
        rate = s["annual_rate_pct"]
        tail = "" if math.isnan(rate) else f" ({signed_percent(rate, 1)} a year compound)"
        change = "" if math.isnan(s["change_pct"]) else signed_percent(s["change_pct"])
        unit = units.format_unit(units.get_registry().Unit(s["unit"]))
        lines.append(
            f"{labels[name]} of {df.attrs['region']}: {format_number(s['first'])} "
            f"({s['first_year']}) -> {format_number(s['last'])} {unit} "
            f"({s['last_year']}), {change} since {s['first_year']}{tail}"
        )
    return lines


# --- projection ---------------------------------------------------------------------------


def _extend(
    history: dict[int, float],
    years: list[int],
    growth: Growth,
    what: str,
    base_year: int | None = None,
) -> tuple[list[float], list[str], list[str]]:
    """Values for ``years``: history where present, then the extrapolation (with basis).

    Years up to ``base_year`` that the history lacks take the nearest year's value, as
    an estimate of that year does, so the base year of a projection equals
    ``footprint estimate``; the extrapolation covers the years after it.
    """
    import numpy as np

    if not history:
        return [math.nan] * len(years), ["no data"] * len(years), [f"{what}: no data"]
    known = sorted(history)
    last = known[-1]
    notes: list[str] = []
    values, basis = [], []
    slope = 0.0
    if growth.grid == "linear":
        fit = [y for y in known if y > last - growth.fit_years]
        if len(fit) >= 2:
            slope = float(np.polyfit(fit, [history[y] for y in fit], 1)[0])
            notes.append(
                f"{what} after {last}: least-squares slope of {fit[0]}-{fit[-1]} "
                f"({slope:+.4g} per year) continued from {last}'s value"
            )
        else:
            notes.append(f"{what} after {last}: too few years to fit a slope; held constant")
    elif growth.grid == "constant":
        notes.append(f"{what} after {last}: {last}'s value held constant")
    else:
        notes.append(f"{what} after {last}: {signed_percent(float(growth.grid) * 100, 1)} a year")
    floored = False
    early: list[int] = []
    held: list[int] = []
    for y in years:
        if y in history:
            values.append(history[y])
            basis.append("data")
            continue
        if y < known[0]:  # before the data: the nearest (first) year, as an estimate does
            values.append(history[known[0]])
            basis.append(f"data {known[0]}")
            early.append(y)
            continue
        if y < last:  # a gap inside the history: nearest year
            near = min(known, key=lambda k: (abs(k - y), -k))
            values.append(history[near])
            basis.append(f"data {near}")
            notes.append(f"{what}: no data for {y}; {near} used")
            continue
        if base_year is not None and y <= base_year:  # as an estimate of that year
            values.append(history[last])
            basis.append(f"data {last}")
            held.append(y)
            continue
        n = y - last
        if growth.grid == "linear":
            v = history[last] + slope * n
            if v < 0:
                v, floored = 0.0, True
        elif growth.grid == "constant":
            v = history[last]
        else:
            v = history[last] * (1 + float(growth.grid)) ** n
        values.append(v)
        basis.append("extrapolated")
    if early:
        notes.append(f"{what}: no data for {_years(early)}; nearest year {known[0]} used")
    if held:
        notes.append(f"{what}: no data for {_years(held)}; nearest year {last} used")
    if floored:
        notes.append(f"{what}: the linear extrapolation reaches zero; floored at zero")
    return values, basis, notes


def project(
    workload: Workload,
    region: str | None = None,
    *,
    base_year: int,
    end_year: int,
    growth: Growth | None = None,
    site: Site | None = None,
    embodied: Embodied | bool | None = None,
    compute: Any = None,
) -> pd.DataFrame:
    """Yearly footprint of ``workload`` from ``base_year`` to ``end_year``.

    Parameters
    ----------
    workload : Workload
        The base-year workload (its accelerator-hours are the base year's work).
    region : str, optional
        Where it runs (or give ``site`` with a region).
    base_year, end_year : int
        First and last year of the projection.
    growth : Growth, optional
        Volume growth, efficiency gain and grid extrapolation (default: no growth, no
        gain, linear grid).
    site : Site, optional
        Overrides (operator, PUE, WUE, cfe, price...). A fixed ``intensity`` or ``ewif``
        replaces the grid history: it is the base-year value, then follows a rate
        ``grid`` or stays constant.
    embodied : Embodied or bool, optional
        Embodied (manufacturing) emissions, as in :func:`footprint.estimate`: counted by
        default, adding ``embodied_co2e`` and ``total_co2e`` (the base year's equal
        ``estimate``'s; they scale with the accelerator-hours of each year, i.e. the
        volume and efficiency indices); ``False`` leaves both columns out.
    compute : ComputeCost, optional
        Prices the accelerator-hours (price held at its base-year value): ``compute_cost``
        per year, and ``total_cost`` when the electricity price is in the same currency.

    Returns
    -------
    pandas.DataFrame
        ``year``, ``volume_index``, ``efficiency_index`` (energy per unit of work, base 1),
        ``intensity``, ``intensity_basis`` (``data`` or ``extrapolated``), ``ewif``,
        ``ewif_basis``, ``facility_energy``, ``co2e``, ``co2e_market``, ``water``,
        ``embodied_co2e``, ``total_co2e`` (pint-pandas), ``co2e_change_pct``,
        ``energy_change_pct``, ``water_change_pct``, ``embodied_co2e_change_pct``,
        ``total_co2e_change_pct`` (against the base year; no embodied columns when
        ``embodied=False``). ``attrs``: ``notes``, ``assumptions``, ``region``.
    """
    import numpy as np
    import pandas as pd
    import pint_pandas

    if not isinstance(workload, Workload):
        raise InputError(
            f"workload: expected a workload such as GpuJob, got {type(workload).__name__}"
        )
    if region is not None:
        _check_region(region)
    if site is not None and not isinstance(site, Site):
        raise InputError(f"site: expected a Site, got {type(site).__name__}")
    growth = _check_growth(growth) or Growth()
    base_year = _required_year(base_year, "base_year")
    end_year = _required_year(end_year, "end_year")
    if end_year < base_year:
        raise InputError(f"end year {end_year} is before the base year {base_year}")
    site = site or Site()
    if region is not None:
        if site.region is not None and site.region != region:
            raise InputError("region: given both as region= and in site=Site(region=...)")
        site = replace(site, region=region)
    if site.region is None:
        raise InputError("region: a projection needs a region (its grid history)")
    if site.year is not None and site.year != base_year:
        raise InputError("site year: the projection sets the year; leave Site.year empty")
    load = workload.load()
    sf = site_factors(replace(site, year=base_year), load.scale)
    notes = [n for n in sf.notes if not n.startswith(("intensity:", "ewif:"))]
    years = list(range(base_year, end_year + 1))
    n = np.arange(len(years), dtype=float)
    with np.errstate(over="ignore", invalid="ignore"):
        volume = (1 + growth.volume_growth) ** n
        efficiency = (1 - growth.efficiency_gain) ** n

    # the zones the base-year estimate uses, so that the base year equals `estimate`
    location, hist_i, hist_w, sources, hist_notes = _grid_history(
        site.region, site.hydro, prefer=(sf.intensity.zone, sf.ewif.zone)
    )
    notes += hist_notes
    if sf.intensity.origin == "user":
        hist_i = {base_year: sf.intensity.value.m_as("gCO2e/kWh")}
        notes.append("intensity given by the user: base-year value, no grid history")
    if sf.ewif.origin == "user":
        hist_w = {base_year: sf.ewif.value.m_as("L/kWh")}
        notes.append("EWIF given by the user: base-year value, no history")
    intensity, i_basis, i_notes = _extend(hist_i, years, growth, "intensity", base_year)
    ewif, w_basis, w_notes = _extend(hist_w, years, growth, "EWIF", base_year)
    notes += i_notes + w_notes
    notes.append(
        "PUE, WUE, carbon-free share and price held at their base-year values "
        f"(PUE {sf.pue.value.m_as(''):g}, WUE {sf.wue.value.m_as('L/kWh'):g} L/kWh)"
    )

    emb = embodied_of(embodied, workload, load)
    priced = compute_of(compute, workload, load)
    emb_notes = [n for n in (emb.notes if emb is not None else ()) if n not in load.notes]
    if embodied is False:
        emb_notes.append("embodied (manufacturing) emissions not counted")
    for name, factor in ({} if emb is None else emb.as_dict()).items():
        label = " ".join(filter(None, [factor.dataset and f"[{factor.dataset}]", factor.source]))
        sources.setdefault(name, label)
    # ONE evaluation of the chain: the workload scaled per year, the grid per year
    mags = evaluate(
        LoadTable.of(load, emb, scale=volume * efficiency, compute=priced),
        SiteTable.of(
            sf,
            ewif=np.asarray(ewif, dtype=float),
            intensity=np.asarray(intensity, dtype=float),
        ),
    ).values
    no_mix = bool(np.isnan(np.asarray(ewif, dtype=float)).all())  # no EWIF: water blank
    for key in ("facility_energy", "co2e", "co2e_market", "water", "cost", *EMBODIED_KEYS):
        if key == "water" and no_mix:
            continue
        if key in mags and not np.isfinite(np.asarray(mags[key], dtype=float)).all():
            raise InputError(
                f"growth: the projection to {end_year} is too large to be a finite number"
            )
    register_units()

    def q(values: Any, unit: str) -> Any:
        arr = np.broadcast_to(np.asarray(values, dtype=float), (len(years),))
        return pint_pandas.PintArray(np.array(arr), dtype=f"pint[{unit}]")

    out: dict[str, Any] = {
        "year": pd.array(years, dtype="Int64"),
        "volume_index": pd.array(volume, dtype="Float64"),
        "efficiency_index": pd.array(efficiency, dtype="Float64"),
        "intensity": q(intensity, "gCO2e/kWh"),
        "intensity_basis": i_basis,
        "ewif": q(ewif, "L/kWh"),
        "ewif_basis": w_basis,
        "facility_energy": q(mags["facility_energy"], "kWh"),
        "co2e": q(mags["co2e"], "kgCO2e"),
        "co2e_market": q(mags["co2e_market"], "kgCO2e"),
        "water": q(mags["water"], "L"),
    }
    for key in EMBODIED_KEYS:
        if key in mags:
            out[key] = q(mags[key], "kgCO2e")
    if sf.price is not None:
        out["cost"] = q(mags["cost"], str(units.currency_of(sf.price.value)))
    if priced is not None:  # the compute price held at its base-year value
        out["compute_cost"] = q(mags["compute_cost"], priced.currency)
        if "total_cost" in mags:
            out["total_cost"] = q(mags["total_cost"], priced.currency)
    changes = [("co2e", "co2e"), ("energy", "facility_energy"), ("water", "water")]
    changes += [(k, k) for k in EMBODIED_KEYS if k in mags]
    for name, key in changes:
        values = np.broadcast_to(np.asarray(mags[key], dtype=float), (len(years),))
        base = values[0]
        change = (values / base - 1) * 100 if base else np.full(len(years), np.nan)
        out[f"{name}_change_pct"] = pd.array(change, dtype="Float64")
    df = pd.DataFrame(out)
    df.attrs.update(
        {
            "workload": describe_workload(workload),
            "region": location.id,
            "base_year": base_year,
            "end_year": end_year,
            "assumptions": growth.describe(),
            "notes": notes + list(load.notes) + emb_notes,
            "sources": sources,
        }
    )
    return df


def _required_year(year: Any, name: str) -> int:
    value = units.check_year(year, name)
    if value is None:
        raise InputError(f"{name}: give a calendar year")
    return value


def project_totals(
    base: Any,
    base_year: int,
    end_year: int,
    growth: Growth | None = None,
) -> pd.DataFrame:
    """A total (e.g. a company's MtCO2e) projected with constant yearly rates.

    Volume growth and efficiency gain as in :class:`Growth`; ``growth.grid`` must be a
    rate (or ``"constant"``): without a region there is no grid history to extend.

    Returns
    -------
    pandas.DataFrame
        ``year``, ``value`` (pint-pandas, the unit of ``base``), ``change_pct`` against
        the base year; ``attrs["assumptions"]``.
    """
    import numpy as np
    import pandas as pd
    import pint_pandas

    growth = _check_growth(growth) or Growth(grid="constant")
    if growth.grid == "linear":
        raise InputError("grid: a total has no grid history; give a yearly rate or 'constant'")
    if not isinstance(base, units.get_registry().Quantity):
        raise InputError("base: give a quantity such as Q_(9.67, 'MtCO2e')")
    units.check_magnitude(base.magnitude, "base", allow_negative=True)
    base_year = _required_year(base_year, "base_year")
    end_year = _required_year(end_year, "end_year")
    if end_year < base_year:
        raise InputError(f"end year {end_year} is before the base year {base_year}")
    rate = 0.0 if growth.grid == "constant" else float(growth.grid)
    n = np.arange(end_year - base_year + 1, dtype=float)
    with np.errstate(over="ignore", invalid="ignore"):
        factor = ((1 + growth.volume_growth) * (1 - growth.efficiency_gain) * (1 + rate)) ** n
        values = float(base.magnitude) * factor
    if not (np.isfinite(factor).all() and np.isfinite(values).all()):
        raise InputError(f"growth: the projection to {end_year} is too large to be a finite number")
    register_units()
    unit = str(base.units)
    df = pd.DataFrame(
        {
            "year": pd.array(range(base_year, end_year + 1), dtype="Int64"),
            "value": pint_pandas.PintArray(values, dtype=f"pint[{unit}]"),
            "change_pct": pd.array((factor - 1) * 100, dtype="Float64"),
        }
    )
    assumptions = growth.describe().replace(" after the last data year", "")
    df.attrs.update({"assumptions": assumptions, "base_year": base_year})
    return df


def total_change(
    baseline: tuple[int, Any],
    current: tuple[int, Any] | None = None,
    end_year: int | None = None,
    growth: Growth | None = None,
) -> dict[str, Any]:
    """The change between two totals (``current``), and/or a total projected to ``end_year``
    with yearly rates (``growth``): the JSON contract of ``footprint project total``.

    ``baseline`` and ``current`` are ``(year, Quantity)``. Returns ``change`` (from, to,
    percent, compound annual rate, a sentence) and ``projection`` (assumptions, one row a
    year with its change against the baseline), whichever was asked.
    """
    y0, q0 = baseline
    if current is None and end_year is None:
        raise InputError("current: give a later total, or an end year for a projection")
    out: dict[str, Any] = {}
    if current is not None:
        y1, q1 = current
        if y1 <= y0:
            raise InputError(f"current: year {y1} is not after the baseline year {y0}")
        out["change"] = {
            "from": {"year": y0, "value": float(q0.magnitude), "unit": f"{q0.units:~P}"},
            "to": {"year": y1, "value": float(q1.magnitude), "unit": f"{q1.units:~P}"},
            "percent": percent_change(q0, q1),
            "annual_rate_percent": annual_rate(q0, q1, y1 - y0),
            "text": describe_change(q0, q1, y0, y1),
        }
    if end_year is not None:
        if end_year <= y0:
            raise InputError(f"end year {end_year} is not after the baseline year {y0}")
        df = project_totals(q0, y0, end_year, growth)
        out["projection"] = {
            "assumptions": df.attrs["assumptions"],
            "rows": [
                {
                    "year": int(year),
                    "value": float(value),
                    "unit": f"{q0.units:~P}",
                    "change_percent": float(change),
                }
                for year, value, change in zip(
                    df["year"], df["value"].pint.magnitude, df["change_pct"], strict=True
                )
            ],
        }
    return out
