"""Why an organisation's emissions changed: an exact index decomposition (LMDI-I).

:func:`decompose_change` takes an organisation's figures for two or more years
(:class:`~footprint.analyses.change_inputs.YearFigures`, or the ``[years]`` table of a change
file, :func:`~footprint.analyses.change_inputs.read_change_file`) and splits the change of its
emissions, between consecutive years and between the first and the last, into effects.

Identity, per region *i* (one ``global`` row is enough)::

    C_i = A * S_i * P_i * K_i * I_i

- ``A`` total IT electricity (activity); with an activity measure ``Q`` (compute done, any
  unit) it is split into ``Q`` (activity) and ``A / Q`` (IT electricity per unit of compute);
- ``S_i`` the region's share of the IT electricity (where);
- ``P_i`` PUE (facility efficiency);
- ``K_i`` contracts: ``1 - CFE`` (the share not covered by carbon-free energy purchased), or
  the market-based factor over the grid factor when one is given instead;
- ``I_i`` grid intensity, location-based (grid mix).

Scopes other than electricity enter as their own additive effects (their change as given).

Method: LMDI-I, additive form (Ang 2004, "Decomposition analysis for policymaking in
energy: which is the preferred method?", Energy Policy 32:1131-1139): the effect of factor
``x`` is ``sum_i L(C_i^T, C_i^0) * ln(x_i^T / x_i^0)`` with the logarithmic mean
``L(a, b) = (a - b) / (ln a - ln b)``, ``L(a, a) = a``. The effects add up to the change
exactly: no residual. Zeros (a region absent in a year, 100% CFE, a zero-carbon grid) take
the analytical limits of Ang & Liu (2007, "Handling zero values in the logarithmic mean
Divisia index decomposition approach", Energy Policy 35:238-246): ``L(a, 0) = 0``, so a
factor of a region with emissions in both years is never zero; a region with no emissions
in one year gives its whole change to the factor(s) that are zero in that year (in equal
parts when several are, the limit of replacing each zero by the same small number).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from footprint.analyses.change_inputs import (
    STATUSES,
    ChangeInput,
    Figure,
    RegionFigures,
    YearFigures,
    parse_change_text,
    parse_years,
    read_change_file,
)
from footprint.analyses.change_result import (
    METHOD,
    ChangeResult,
    Effect,
    PeriodChange,
    RegionFactors,
    YearTotal,
)
from footprint.core import units
from footprint.core.errors import FootprintError, InputError, UnitError
from footprint.engine.evaluation import LoadTable, SiteTable, evaluate

__all__ = [
    "STATUSES",
    "ChangeInput",
    "ChangeResult",
    "Effect",
    "Figure",
    "PeriodChange",
    "RegionFactors",
    "RegionFigures",
    "YearFigures",
    "YearTotal",
    "decompose_change",
    "decompose_file",
    "decompose_text",
    "log_mean",
    "lmdi",
    "read_change_file",
]

#: Totals from this many tCO2e up are shown in MtCO2e.
MEGATONNE = 1e6


def log_mean(a: float, b: float) -> float:
    """The logarithmic mean ``L(a, b) = (a - b) / (ln a - ln b)``; ``L(a, a) = a``.

    ``L(a, 0) = L(0, b) = 0``: the limit Ang & Liu (2007) give for zero values.
    """
    if a < 0 or b < 0 or not (math.isfinite(a) and math.isfinite(b)):
        raise InputError(f"logarithmic mean: expected finite values of at least 0, got {a}, {b}")
    if a == 0 or b == 0:
        return 0.0
    if a == b:
        return float(a)
    x = (a - b) / b
    # log1p is exact near a = b; far from it, a / b keeps the precision (1 + x would not)
    return (a - b) / (math.log1p(x) if abs(x) < 0.5 else math.log(a / b))


def lmdi(x0: dict[str, float | None], x1: dict[str, float | None]) -> dict[str, float]:
    """Additive LMDI-I effects of one region's factors from ``x0`` to ``x1``.

    The region's value is the product of the factors (``None``: undefined, allowed only in
    a year where another factor is zero, e.g. the PUE of a region with no electricity).
    The effects add up to ``prod(x1) - prod(x0)``; zeros as in the module docstring.
    """
    c0, c1 = _product(x0), _product(x1)
    if c0 > 0 and c1 > 0:
        w = log_mean(c1, c0)
        return {k: w * math.log(x1[k] / x0[k]) for k in x0}  # type: ignore[operator]
    if c0 == c1:  # zero in both years
        return dict.fromkeys(x0, 0.0)
    zeros = [k for k, v in (x0 if c0 == 0 else x1).items() if v == 0]
    part = (c1 - c0) / len(zeros)
    return {k: part if k in zeros else 0.0 for k in x0}


def _product(x: dict[str, float | None], where: str = "factors") -> float:
    if any(v == 0 for v in x.values()):
        return 0.0
    if any(v is None for v in x.values()):
        raise InputError(f"{where}: a factor is undefined where no other factor is zero")
    c = math.prod(v for v in x.values() if v is not None)
    if c == 0 or not math.isfinite(c):
        raise InputError(
            f"{where}: the emissions are too {'small' if c == 0 else 'large'} to be a finite "
            "number above zero; check the units of the figures"
        )
    return c


@dataclass
class _State:
    """One region in one year, as magnitudes: MWh, tCO2e/MWh, tCO2e."""

    it: float
    pue: float | None
    contracts: float | None
    grid: float | None
    basis: str


def _m(figure: Figure | None, unit: str, where: str) -> float | None:
    """``figure``'s magnitude in ``unit`` (finite, not negative), or ``None``."""
    if figure is None:
        return None
    q = units.to_quantity(figure.value, "" if unit == "dimensionless" else None, where)
    if not q.is_compatible_with(unit):
        raise UnitError(f"{where}: expected a quantity in units of {unit}, got {q:~P}")
    x = float(q.m_as(unit))
    units.check_magnitude(x, where)
    return x


def _one_of(region: RegionFigures, keys: tuple[str, ...], where: str) -> str | None:
    given = [k for k in keys if getattr(region, k) is not None]
    if len(given) > 1:
        raise InputError(f"{where}: give one of {', '.join(given)}, not several")
    return given[0] if given else None


def _state(year: int, region: RegionFigures, notes: dict[str, list[str]]) -> _State:
    where = f"years.{year}.regions.{region.name}"
    energy = _one_of(region, ("electricity", "it_electricity"), where)
    if energy is None:
        raise InputError(f"{where}: give electricity (facility) or it_electricity")
    pue = _m(region.pue, "dimensionless", f"{where}.pue")
    if pue is None:
        pue = 1.0
        notes.setdefault("pue", []).append(f"{region.name} {year}")
    elif pue < 1:
        raise InputError(f"{where}.pue: expected at least 1, got {pue:g}")
    value = _m(getattr(region, energy), "MWh", f"{where}.{energy}") or 0.0
    it, facility = (value, value * pue) if energy == "it_electricity" else (value / pue, value)
    grid_key = _one_of(region, ("intensity", "location_based"), where)
    if grid_key is None:
        raise InputError(f"{where}: give the grid as intensity or location_based (CO2e)")
    grid = _m(region.intensity, "tCO2e/MWh", f"{where}.intensity")
    if grid_key == "location_based":
        location = _m(region.location_based, "tCO2e", f"{where}.location_based") or 0.0
        if facility == 0 and location > 0:
            raise InputError(f"{where}.location_based: CO2e above zero with no electricity")
        grid = location / facility if facility > 0 else None
    basis = _one_of(region, ("cfe", "market_intensity", "market_based"), where) or "location"
    contracts = _contracts(region, basis, facility, grid, where)
    if basis == "location":
        notes.setdefault("location", []).append(f"{region.name} {year}")
    return _State(it=it, pue=pue, contracts=contracts, grid=grid, basis=basis)


def _contracts(
    region: RegionFigures, basis: str, facility: float, grid: float | None, where: str
) -> float | None:
    """``K``: 1 - CFE, or market-based over location-based (``None``: undefined)."""
    if basis == "location":
        return 1.0
    if basis == "cfe":
        cfe = float(_m(region.cfe, "dimensionless", f"{where}.cfe") or 0.0)
        if cfe > 1:
            raise InputError(f"{where}.cfe: expected a share from 0 to 100%, got {cfe:g}")
        return 1.0 - cfe
    if basis == "market_intensity":
        market = float(_m(region.market_intensity, "tCO2e/MWh", f"{where}.{basis}") or 0.0)
        base = grid
    else:
        market = float(_m(region.market_based, "tCO2e", f"{where}.{basis}") or 0.0)
        base = None if grid is None else facility * grid
    if base is None:
        return None
    if base == 0:
        if market > 0:
            raise InputError(
                f"{where}.{basis}: above zero where the location-based emissions are zero, "
                "so the contracts factor (market / location) is undefined"
            )
        return 1.0  # nothing to contract: neutral
    return market / base


def _factor_labels(measure_unit: str | None, regions: bool) -> dict[str, str]:
    labels = {"activity": "Activity: more IT electricity"}
    if measure_unit is not None:
        labels = {
            "activity": f"Activity: more compute ({measure_unit})",
            "efficiency": "Efficiency of compute: IT electricity per unit",
        }
    if regions:
        labels["structure"] = "Where: regions' shares of IT electricity"
    labels["pue"] = "Facility efficiency: PUE"
    labels["contracts"] = "Contracts: carbon-free energy / market instruments"
    labels["grid"] = "Grid mix: location-based intensity"
    return labels


def _measures(years: tuple[YearFigures, ...]) -> tuple[list[float], str] | None:
    """The activity measure of every year in the first year's unit, and that unit."""
    if all(y.activity is None for y in years):
        return None
    out: list[float] = []
    first: Any = None
    for y in years:
        where = f"years.{y.year}.activity"
        if y.activity is None:
            raise InputError(f"{where}: an activity measure is given in some years only")
        q = units.to_quantity(y.activity.value, None, where)
        first = q.units if first is None else first
        if not q.is_compatible_with(first):
            raise UnitError(f"{where}: {q:~P} is not in a unit of the first year's ({first:~P})")
        out.append(float(q.m_as(first)))
        units.check_magnitude(out[-1], where, allow_zero=False)
    return out, units.format_unit(first) or "units"


def _other(years: tuple[YearFigures, ...]) -> list[str]:
    names = [n for n, _ in years[0].other]
    for y in years:
        these = [n for n, _ in y.other]
        if len(set(these)) != len(these):
            raise InputError(f"years.{y.year}.other: a scope is named twice")
        if set(these) != set(names):
            odd = sorted(set(these) ^ set(names))[0]
            raise InputError(
                f"years.{y.year}.other: {odd!r} is not given in every year; give each other "
                "scope every year (0 tCO2e if none)"
            )
    return names


def _factors(
    state: _State | None, total_it: float, measure: float | None
) -> dict[str, float | None]:
    x: dict[str, float | None] = {"activity": total_it if measure is None else measure}
    if measure is not None:
        x["efficiency"] = total_it / measure
    it = 0.0 if state is None else state.it
    x["structure"] = it / total_it
    x["pue"] = None if state is None else state.pue
    x["contracts"] = None if state is None else state.contracts
    x["grid"] = None if state is None else state.grid
    return x


def _chain_emissions(states: dict[int, dict[str, _State]]) -> dict[tuple[int, str], float]:
    """Each region-year's electricity emissions [tCO2e] by the engine's formula chain.

    One evaluation over all region-years: IT energy x PUE = facility energy, x intensity =
    location-based CO2e, x (1 - CFE) with CFE = 1 - K = market-based CO2e: the same
    ``C = A x S x PUE x K x I`` the effects split, computed as every estimate computes it.
    Region-years with an undefined factor are left to :func:`_product` (zero or an error).
    """
    import numpy as np

    keys = [
        (y, r)
        for y, regions in states.items()
        for r, s in regions.items()
        if s.pue is not None and s.contracts is not None and s.grid is not None
    ]
    if not keys:
        return {}
    rows = [states[y][r] for y, r in keys]
    sites = SiteTable(
        pue=np.array([s.pue for s in rows], dtype=float),
        wue=0.0,
        ewif=0.0,
        intensity=np.array([s.grid for s in rows], dtype=float) * 1000.0,  # t/MWh -> g/kWh
        cfe=1.0 - np.array([s.contracts for s in rows], dtype=float),
    )
    it_kwh = np.array([s.it for s in rows], dtype=float) * 1000.0
    with np.errstate(over="ignore", invalid="ignore"):
        market_kg = evaluate(LoadTable.energy(it_kwh), sites)["co2e_market"]
    return {k: float(v) / 1000.0 for k, v in zip(keys, market_kg, strict=True)}


def decompose_change(years: Any, *, organisation: str = "", description: str = "") -> ChangeResult:
    """Decompose the change of an organisation's emissions into effects (LMDI-I).

    Parameters
    ----------
    years : mapping or sequence of YearFigures
        Two or more years: :class:`YearFigures`, or a mapping of year -> figures in the
        structure of a change file's ``[years]`` (quantities as strings such as "24 TWh").
    organisation, description : str
        Shown with the result.

    Returns
    -------
    ChangeResult
        ``overall`` (first to last year) and ``periods`` (consecutive years), each with its
        effects as Quantities (tCO2e, MtCO2e from a million tonnes up) adding up to its
        change, and the totals, factors, inputs and notes.
    """
    parsed = parse_years(years)
    if len(parsed) < 2:
        raise InputError(f"years: give at least two years to compare, got {len(parsed)}")
    notes: dict[str, list[str]] = {}
    measures, measure_unit = _measures(parsed) or (None, None)
    names = _other(parsed)
    states: dict[int, dict[str, _State]] = {}
    for y in parsed:
        seen = [r.name for r in y.regions]
        if len(set(seen)) != len(seen):
            raise InputError(f"years.{y.year}.regions: a region is named twice")
        states[y.year] = {r.name: _state(y.year, r, notes) for r in y.regions}
        if sum(s.it for s in states[y.year].values()) <= 0:
            raise InputError(f"years.{y.year}: no electricity in any region; nothing to split")
    regions = list(dict.fromkeys(n for y in parsed for n in states[y.year]))
    labels = _factor_labels(measure_unit, len(regions) > 1)
    x = {
        y.year: {
            r: _factors(
                states[y.year].get(r),
                sum(s.it for s in states[y.year].values()),
                None if measures is None else measures[i],
            )
            for r in regions
        }
        for i, y in enumerate(parsed)
    }
    other = {
        y.year: {n: _m(f, "tCO2e", f"years.{y.year}.other.{n}") or 0.0 for n, f in y.other}
        for y in parsed
    }
    chain = _chain_emissions(states)
    electricity = {
        y: {r: chain.get((y, r), _product(v, f"years.{y}.regions.{r}")) for r, v in x[y].items()}
        for y in x
    }
    totals_t = {y: math.fsum(electricity[y].values()) + math.fsum(other[y].values()) for y in x}
    if not all(math.isfinite(t) for t in totals_t.values()):
        raise InputError("years: the total emissions are too large to be a finite number")
    unit = "MtCO2e" if max(abs(t) for t in totals_t.values()) >= MEGATONNE else "tCO2e"

    def q(t: float) -> Any:
        return units.quantity(t, "tCO2e").to(unit)

    def period(y0: int, y1: int) -> PeriodChange:
        effects = dict.fromkeys(labels, 0.0)
        by_region: dict[str, dict[str, Any]] = {}
        for r in regions:
            parts = lmdi({k: x[y0][r][k] for k in labels}, {k: x[y1][r][k] for k in labels})
            if (electricity[y0][r] == 0) != (electricity[y1][r] == 0):
                notes["zero"] = []
            for k, v in parts.items():
                effects[k] += v
            by_region[r] = {k: q(v) for k, v in parts.items()}
        values = [(k, labels[k], v) for k, v in effects.items()]
        values += [(f"other:{n}", f"Other: {n}", other[y1][n] - other[y0][n]) for n in names]
        change = totals_t[y1] - totals_t[y0]
        if not all(math.isfinite(v) for _, _, v in values) or not math.isfinite(change):
            raise InputError(f"years {y0}-{y1}: an effect is too large to be a finite number")
        return PeriodChange(
            start=y0,
            end=y1,
            total_start=q(totals_t[y0]),
            total_end=q(totals_t[y1]),
            change=q(change),
            percent=_ratio(change, totals_t[y0]),
            effects=tuple(Effect(k, label, q(v), _ratio(v, change)) for k, label, v in values),
            by_region=by_region,
        )

    order = [y.year for y in parsed]
    periods = tuple(period(a, b) for a, b in zip(order, order[1:], strict=False))
    overall = periods[0] if len(periods) == 1 else period(order[0], order[-1])
    result_notes = _notes(notes, parsed, states, totals_t, unit, overall, len(order))
    return ChangeResult(
        organisation=organisation,
        description=description,
        unit=unit,
        years=parsed,
        totals=tuple(
            YearTotal(
                year=y.year,
                electricity=q(math.fsum(electricity[y.year].values())),
                other=tuple((n, q(other[y.year][n])) for n in names),
                total=q(totals_t[y.year]),
                reported=y.reported_total,
            )
            for y in parsed
        ),
        factors=tuple(
            RegionFactors(
                year=y.year,
                region=r,
                it_electricity=units.quantity(s.it, "MWh"),
                share=float(x[y.year][r]["structure"] or 0.0),
                pue=s.pue,
                contracts=s.contracts,
                grid=None if s.grid is None else units.quantity(s.grid * 1000, "gCO2e/kWh"),
                emissions=q(electricity[y.year][r]),
            )
            for y in parsed
            for r, s in states[y.year].items()
        ),
        periods=periods,
        overall=overall,
        notes=result_notes,
    )


#: Notes on figures left out, listed by region and year.
_GAPS = {
    "pue": "no PUE given (taken as 1: facility efficiency stays in activity)",
    "location": "no CFE or market-based figure (location-based: contracts factor 1)",
}


def _ratio(part: float, whole: float) -> float | None:
    """``part / whole`` in percent; ``None`` for a zero whole or a ratio past a float."""
    x = part / whole * 100 if whole != 0 else math.inf
    return x if math.isfinite(x) else None


def _notes(
    flags: dict[str, list[str]],
    years: tuple[YearFigures, ...],
    states: dict[int, dict[str, _State]],
    totals: dict[int, float],
    unit: str,
    overall: PeriodChange,
    n_years: int,
) -> tuple[str, ...]:
    out = [METHOD]
    if "zero" in flags:
        out.append(
            "zero values (a region without electricity in a year, 100% CFE, a zero-carbon "
            "grid) take the limits of Ang & Liu (2007): L(a, 0) = 0, and a region with no "
            "emissions in one year gives its whole change to the factor(s) zero that year"
        )
    for key, text in _GAPS.items():
        if key in flags:
            where = flags[key]
            more = f" and {len(where) - 8} more" if len(where) > 8 else ""
            out.append(f"{text}: {', '.join(where[:8])}{more}")
    for region in dict.fromkeys(r for s in states.values() for r in s):
        bases = {s[region].basis for s in states.values() if region in s}
        if len(bases) > 1:
            out.append(
                f"contracts of {region} are given on different bases over the years "
                f"({', '.join(sorted(bases))}): the contracts effect mixes them"
            )
    for y in years:
        if y.reported_total is None:
            continue
        reported = _m(y.reported_total, "tCO2e", f"years.{y.year}.reported_total") or 0.0
        model = totals[y.year]
        diff = (model - reported) / reported * 100 if reported > 0 else None
        shown = units.quantity(model, "tCO2e").to(unit)
        given = units.quantity(reported, "tCO2e").to(unit)
        out.append(
            f"{y.year}: the figures add up to {shown.magnitude:,.4g} {unit} against "
            f"{given.magnitude:,.4g} {unit} reported" + ("" if diff is None else f" ({diff:+.2f}%)")
        )
    if overall.change.magnitude == 0:
        out.append("no change between the first and the last year: shares are undefined")
    if n_years > 2:
        out.append(
            "the first-to-last effects are computed directly; the consecutive periods' "
            "effects add up to the same total change but may split it differently"
        )
    return tuple(out)


def decompose_file(path: Any) -> ChangeResult:
    """:func:`decompose_change` of a change file (TOML); errors name the file."""
    return _decompose(read_change_file(path), str(path))


def decompose_text(text: str, name: str) -> ChangeResult:
    """:func:`decompose_change` of a change file's text held in memory (the web calculator's
    upload or pasted text), as :func:`decompose_file`; errors name ``name``."""
    return _decompose(parse_change_text(text, name), name)


def _decompose(data: ChangeInput, path: str) -> ChangeResult:
    try:
        return decompose_change(
            data.years, organisation=data.organisation, description=data.description
        )
    except FootprintError as exc:
        raise InputError(f"{path}: {exc}") from None
