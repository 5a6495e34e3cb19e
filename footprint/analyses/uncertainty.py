"""Uncertainty: a range on every factor, propagated through the same formulas by sampling.

Two steps, both used by :func:`footprint.estimate`:

1. :func:`with_spreads` gives every uncertain factor a :class:`~footprint.core.provenance.Spread`
   (low, high, distribution, source). Ranges come from the datasets where they carry them
   (EWIF from Macknick's low/high water factors with and without hydropower evaporation;
   embodied CO2e from ``embodied.csv``; the zone's intensity in neighbouring years and in
   other datasets) and otherwise from the documented spreads of ``datasets/uncertainty.csv``
   (real draw vs TDP, host share, PUE, WUE, grid-intensity method, lifetime and utilisation
   over life). A value the user gives is exact; a factor that already has a spread (set by
   a workload) keeps it.
2. :func:`propagate` draws ``samples`` values of every uncertain factor (NumPy
   ``Generator`` with a fixed ``seed``; triangular with the factor's value as mode, or
   uniform), pushes the arrays through the engine (:func:`footprint.engine.evaluation.evaluate`,
   the one copy of the formulas) and reports, for every result, the central value (the
   plain estimate) and the ``interval`` (default 90%: 5th-95th percentiles). ``low`` and
   ``high`` always include the central value, which can sit at the edge of its range (TDP
   is the ceiling of draw).
   Inputs are sampled independently.

Sensitivity: for energy, CO2e (``total_co2e`` when embodied emissions are counted) and water,
each uncertain input gets its share of the output variance (squared correlation of input and
output samples, normalised to sum to one; exact for a model linear in its inputs) and its
one-at-a-time swing (output with the input at its high bound minus at its low bound, the
others central). Inputs are ranked by variance share.

Workload factors: a factor of ``Load.extra_factors`` with a spread and
``extra["scales"] = {"accelerator_hours": e}`` (or ``"power"``) is sampled too and scales
that input by ``(sample / value) ** e``: e.g. a closed model's parameter count with ``e = 1``
for accelerator-hours proportional to active parameters, or MFU with ``e = -1``. A factor
named ``accelerator_hours`` with a spread is the range of accelerator-hours itself (``e = 1``).
"""

from __future__ import annotations

import dataclasses
import math
import re
from dataclasses import dataclass
from functools import cache, partial
from numbers import Integral, Real
from typing import TYPE_CHECKING, Any

from footprint.core import units
from footprint.core.accounting import CANONICAL_UNITS
from footprint.core.errors import InputError, MissingDataError
from footprint.core.memo import IdentityMemo
from footprint.core.provenance import Factor, Spread
from footprint.core.units import magnitude_in, quantity, unit_of, unit_scale
from footprint.data.loader import datasets_dir, optional_float, read_records
from footprint.engine.evaluation import evaluate, tables_of
from footprint.engine.result import Footprint
from footprint.places.grid import INTENSITY_TABLES
from footprint.places.water import ewif_from_mix, generation_mix, mix_years, technology_factors
from footprint.workloads.jobs import Load

if TYPE_CHECKING:  # pragma: no cover
    from footprint.engine.result import Footprint
    from footprint.places.site import Site
    from footprint.workloads.jobs import Load

__all__ = [
    "magnitude_in",
    "quantity",
    "DEFAULT_SAMPLES",
    "DEFAULT_SEED",
    "DEFAULT_INTERVAL",
    "Uncertainty",
    "with_spreads",
    "propagate",
    "spread_rules",
]

TABLE = "uncertainty"

#: Monte Carlo samples per estimate: the 5th/95th percentiles of 5,000 draws move by about
#: 1% of the value between seeds for the footprint's near-linear formulas
#: (``tests/test_uncertainty.py`` checks the seed-to-seed spread).
DEFAULT_SAMPLES = 5_000
#: Seed of NumPy's default ``Generator``: the same inputs give the same ranges every run.
DEFAULT_SEED = 0
#: Central probability mass between ``low`` and ``high`` (0.9: 5th to 95th percentile).
DEFAULT_INTERVAL = 0.90

#: Account inputs that factors can make uncertain, with their canonical units.
_ACCOUNT_INPUTS = {
    "power": ("power_w", "W"),
    "host_power": ("host_power_w", "W"),
    "pue": ("pue", ""),
    "wue": ("wue_l_per_kwh", "L/kWh"),
    "ewif": ("ewif_l_per_kwh", "L/kWh"),
    "intensity": ("intensity_g_per_kwh", "gCO2e/kWh"),
    "cfe": ("cfe_share", ""),
    "embodied_accelerator": ("embodied_accelerator_kg", "kgCO2e"),
    "embodied_host": ("embodied_host_kg", "kgCO2e"),
    "lifetime": ("lifetime_h", "h"),
    "life_utilization": ("life_utilization", ""),
}
_SCALABLE = ("accelerator_hours", "power")
_PER_UNIT = re.compile(r"^(energy|co2e|water|total_co2e)_per_(.+)$")
_PER_UNIT_BASE = {
    "energy": "facility_energy",
    "co2e": "co2e",
    "water": "water",
    "total_co2e": "total_co2e",
}


#: Most Monte Carlo samples an estimate may draw: one million take about 0.5 GB and 2 s
#: (measured on a 2-core machine); ten times that exhausts the memory of a laptop.
MAX_SAMPLES = 1_000_000


def _is_whole(value: Any) -> bool:
    """Whether ``value`` is an integral number (not a bool, NaN or a string)."""
    if isinstance(value, bool) or not isinstance(value, Real):
        return False
    if isinstance(value, Integral):  # a huge int is whole (float() would overflow)
        return True
    x = float(value)
    return math.isfinite(x) and x.is_integer()


@dataclass(frozen=True)
class Uncertainty:
    """How ranges are computed: Monte Carlo samples, seed and interval.

    Parameters
    ----------
    samples : int
        Draws per uncertain factor (at least 100).
    seed : int, optional
        Seed of ``numpy.random.default_rng``; ``None`` draws fresh entropy (not reproducible).
    interval : float
        Probability between ``low`` and ``high``, in (0, 1): 0.9 reports the 5th and 95th
        percentiles.
    """

    samples: int = DEFAULT_SAMPLES
    seed: int | None = DEFAULT_SEED
    interval: float = DEFAULT_INTERVAL

    def __post_init__(self) -> None:
        if not _is_whole(self.samples):
            raise InputError(f"samples: expected a whole number, got {self.samples!r}")
        if self.samples < 100:
            raise InputError(f"samples: at least 100 draws are needed, got {self.samples}")
        if self.samples > MAX_SAMPLES:
            raise InputError(
                f"samples: at most {MAX_SAMPLES:,} draws (about 0.5 GB of memory), "
                f"got {self.samples:,}"
            )
        if self.seed is not None and (not _is_whole(self.seed) or self.seed < 0):
            raise InputError(f"seed: expected a whole number >= 0, got {self.seed!r}")
        if (
            isinstance(self.interval, bool)
            or not isinstance(self.interval, Real)
            or not 0 < self.interval < 1
        ):
            raise InputError(f"interval: expected a probability in (0, 1), got {self.interval!r}")

    @property
    def percentiles(self) -> tuple[float, float]:
        """Lower and upper percentiles reported as ``low`` and ``high``."""
        tail = (1.0 - self.interval) / 2.0 * 100.0
        return tail, 100.0 - tail


# --- spreads ---------------------------------------------------------------------------


@cache
def spread_rules() -> dict[tuple[str, str], dict[str, str]]:
    """Rows of ``datasets/uncertainty.csv`` by (factor, case)."""
    return {(r["factor"], r["case"]): r for r in read_records(TABLE)}


def _rule(factor: str, case: str) -> dict[str, str]:
    row = spread_rules().get((factor, case))
    if row is None:
        raise MissingDataError(f"{TABLE}.csv has no spread for {factor} ({case})")
    return row


def _from_rule(
    factor: Factor, case: str, extra_bounds: tuple[float, float] | None = None
) -> Spread:
    """A spread from a relative or absolute rule, widened to ``extra_bounds`` (same unit)."""
    row = _rule(factor.name, case)
    unit = factor.value.units
    value = float(factor.value.magnitude)
    lo, hi = float(row["low"]), float(row["high"])
    if row["basis"] == "relative":
        low, high = value * lo, value * hi
    elif row["basis"] == "absolute":
        to_unit = unit_scale(unit_of(row["unit"]), unit)
        low, high = lo * to_unit, hi * to_unit
    else:  # pragma: no cover - data rows are handled by their own functions
        raise MissingDataError(f"{TABLE}.csv: {factor.name} ({case}) is not a numeric rule")
    if extra_bounds is not None:
        low, high = min(low, extra_bounds[0]), max(high, extra_bounds[1])
    low, high = min(low, value), max(high, value)
    return Spread(
        units.Q_(low, unit), units.Q_(high, unit), row["distribution"], f"{TABLE}.csv: {case}"
    )


def _bounded(factor: Factor, case: str, bounds: tuple[float, float]) -> Spread:
    """A spread between ``bounds`` (in the factor's unit) with the rule's distribution."""
    row = _rule(factor.name, case)
    unit = factor.value.units
    value = float(factor.value.magnitude)
    low, high = min(bounds[0], value), max(bounds[1], value)
    dataset = factor.dataset.split(", ")[-1] if factor.dataset else TABLE + ".csv"
    where = factor.extra.get("server_class", case)
    return Spread(
        units.Q_(low, unit), units.Q_(high, unit), row["distribution"], f"{dataset}: {where}"
    )


def _published_bounds(factor: Factor) -> tuple[float, float] | None:
    low, high = factor.extra.get("low"), factor.extra.get("high")
    if low is None or high is None or low == high:
        return None
    return float(low), float(high)


def _facility_spread(factor: Factor) -> Spread:
    operator = factor.extra.get("operator")
    case = "industry-average" if operator in (None, "industry-average") else "operator"
    return _from_rule(factor, case, _published_bounds(factor))


def _ewif_spread(factor: Factor) -> Spread | None:

    if factor.zone is None or factor.year is None or factor.year not in mix_years(factor.zone):
        return None
    hydro = factor.extra.get("hydro", "include")
    mix = generation_mix(factor.zone, factor.year)
    low = ewif_from_mix(mix, technology_factors("low"), "exclude")  # L/kWh
    high = ewif_from_mix(mix, technology_factors("high"), hydro)
    unit = factor.value.units
    to_unit = unit_scale(unit_of("L/kWh"), unit)
    value = float(factor.value.magnitude)
    lo, hi = min(low * to_unit, value), max(high * to_unit, value)
    how = "hydro excluded at the low bound" if hydro == "include" else "hydro excluded"
    row = _rule("ewif", "dataset")
    return Spread(
        units.Q_(lo, unit),
        units.Q_(hi, unit),
        row["distribution"],
        f"water_factors.csv low/high x generation mix ({how})",
    )


@cache
def _intensity_values() -> dict[str, dict[int, list[float]]]:
    """Every intensity table's values by zone and year (all tables, not just the first)."""

    out: dict[str, dict[int, list[float]]] = {}
    root = datasets_dir()
    for table in INTENSITY_TABLES:
        if not (root / f"{table}.csv").is_file():
            continue
        for row in read_records(table):
            value = optional_float(row.get("intensity_g_per_kwh", ""))
            if value is not None:
                out.setdefault(row["zone"], {}).setdefault(int(row["year"]), []).append(value)
    return out


#: A country's sub-national zones in one year: at least this many for a within-country spread.
_MIN_SUBZONES = 10


#: Sub-national zones left out of a within-country spread: eGRID subregions cover the same
#: plants as the US states of the same years, which would count them twice.
_SPREAD_SKIPS_KINDS = ("egrid-subregion",)


@cache
def _subzone_values() -> dict[str, dict[int, list[float]]]:
    """Sub-national intensities by parent country and year (each territory once)."""
    parents = {
        r["zone"]: r["parent"]
        for r in read_records("zones_subnational")
        if r["kind"] not in _SPREAD_SKIPS_KINDS
    }
    out: dict[str, dict[int, list[float]]] = {}
    for row in read_records("grid_intensity_subnational"):
        value = optional_float(row.get("intensity_g_per_kwh", ""))
        parent = parents.get(row["zone"])
        if value is not None and parent:
            out.setdefault(parent, {}).setdefault(int(row["year"]), []).append(value)
    return out


def _within_country(zone: str, year: int) -> tuple[float, float, int] | None:
    """(low, high, year) percentiles of ``zone``'s sub-national intensities [gCO2e/kWh]."""
    import numpy as np

    row = _rule("intensity", "within-country")
    years = {y: v for y, v in _subzone_values().get(zone, {}).items() if len(v) >= _MIN_SUBZONES}
    if not years:
        return None
    used = min(years, key=lambda y: (abs(y - year), -y))
    values = np.asarray(years[used])
    low, high = np.percentile(values, [100 * float(row["low"]), 100 * float(row["high"])])
    return float(low), float(high), used


def _intensity_spread(factor: Factor, site: Site | None) -> Spread:
    method = _rule("intensity", "method")
    value = magnitude_in(factor.value, "gCO2e/kWh")
    lows = [value * float(method["low"])]
    highs = [value * float(method["high"])]
    sources = ["method spread (uncertainty.csv)"]
    series = _intensity_values().get(factor.zone or "", {})
    year = factor.year
    if year is not None and series:
        same_year = series.get(year, [])
        if len(same_year) > 1:
            lows.append(min(same_year))
            highs.append(max(same_year))
            sources.append(f"{len(same_year)} datasets for {year}")
        asked = None if site is None else site.year
        if asked != year:
            first = min(year, asked if asked is not None else year) - 1
            last = max(year, asked if asked is not None else year) + 1
            span = [v for y, vs in series.items() if first <= y <= last for v in vs]
            if span:
                lows.append(min(span))
                highs.append(max(span))
                sources.append(f"vintage {first}-{last}")
    inside = None
    if (
        factor.zone
        and year is not None
        and not _cloud_site(site)
    ):
        inside = _within_country(factor.zone, year)
    if inside is not None:
        lows.append(inside[0])
        highs.append(inside[1])
        sources.append(f"within {factor.zone}: sub-national zones {inside[2]} (10th-90th pct)")
    low, high = min([*lows, value]), max([*highs, value])
    back = 1.0 / unit_scale(factor.value.units, "gCO2e/kWh")
    return Spread(
        units.Q_(low * back, factor.value.units),
        units.Q_(high * back, factor.value.units),
        method["distribution"],
        "; ".join(sources),
    )


def spread_for(factor: Factor, site: Site | None = None) -> Spread | None:
    """The spread of ``factor`` by the rules above (``None``: exact or no rule)."""
    if factor.spread is not None:
        return factor.spread
    if factor.origin == "user":
        return None
    name = factor.name
    if name in ("power", "host_power"):
        if factor.origin != "default":
            return None
        bounds = _published_bounds(factor)
        if bounds is not None:  # the server class's measured range
            return _bounded(factor, "server-class", bounds)
        return _from_rule(factor, "default") if name == "host_power" else None
    if name in ("pue", "wue"):
        return _facility_spread(factor) if factor.origin == "dataset" else None
    if name == "ewif":
        return _ewif_spread(factor)
    if name == "intensity":
        if factor.origin != "dataset" or "margin" in factor.extra:
            return None  # a marginal factor has no documented spread (refused with ranges)
        return _intensity_spread(factor, site)
    if name in ("lifetime", "life_utilization"):
        return _from_rule(factor, "default") if factor.origin == "default" else None
    return None


def with_spreads(factors: dict[str, Factor], site: Site | None = None) -> dict[str, Factor]:
    """``factors`` with a :class:`Spread` on each uncertain one (see the module docstring).

    A factor object seen before (for a site of the same kind) is not looked at again:
    resolved site factors and default draws are cached objects, so a repeated estimate
    reuses their spreads.
    """
    out = {}
    cloud = _cloud_site(site)
    for name, factor in factors.items():
        spread = _SPREADS.get(factor, cloud, partial(_with_spread, factor, site))
        out[name] = factor if spread is None else spread
    return out


def _with_spread(factor: Factor, site: Site | None) -> Factor | None:
    """``factor`` with its spread, or ``None`` when that is ``factor`` itself."""
    spread = spread_for(factor, site)
    return None if spread is factor.spread else factor.with_spread(spread)


def _cloud_site(site: Site | None) -> bool:
    """Whether ``site`` is a cloud region: the one fact of a site a spread reads (a cloud
    region's intensity spread has no within-country part)."""
    return site is not None and site.region is not None and ":" in str(site.region)


#: Factors with their spreads, by factor object and :func:`_cloud_site`.
_SPREADS: IdentityMemo[Factor | None] = IdentityMemo()


# --- propagation -----------------------------------------------------------------------


def _draw(spread: Spread, central: float, unit: Any, n: int, rng: Any) -> Any:
    """``n`` samples of a factor in ``unit`` (the factor's value is the triangular mode)."""
    import numpy as np

    low = min(magnitude_in(spread.low, unit), central)
    high = max(magnitude_in(spread.high, unit), central)
    if high <= low:
        return np.full(n, central)
    if spread.distribution == "uniform":
        return rng.uniform(low, high, n)
    return rng.triangular(low, central, high, n)


def _scales(factor: Factor) -> dict[str, float]:
    if factor.name == "accelerator_hours":
        return {"accelerator_hours": 1.0}
    scales = factor.extra.get("scales") or {}
    bad = set(scales) - set(_SCALABLE)
    if bad:
        raise InputError(f"{factor.name}: extra['scales'] may name {_SCALABLE}, not {sorted(bad)}")
    return {k: float(v) for k, v in scales.items()}


@dataclass
class _Inputs:
    """Central magnitudes, sampled arrays and bounds of the uncertain inputs."""

    central: dict[str, Any]
    arrays: dict[str, Any]
    uncertain: dict[str, tuple[str, float, float, float, Any]]  # name -> (kwarg, c, lo, hi, u)
    scalers: dict[str, tuple[dict[str, float], float]]  # factor -> (scales, central)
    draws: dict[str, Any]  # name -> the factor's own samples


def _inputs(fp: Footprint, spec: Uncertainty, rng: Any, hours: Any) -> _Inputs:
    import numpy as np

    n = spec.samples
    factors = fp.factors
    price = factors.get("price")
    central: dict[str, Any] = {
        "accelerator_hours_h": magnitude_in(hours, "h"),
        "price_per_kwh": None if price is None else float(price.value.magnitude),
    }
    compute = factors.get("compute_price")  # a compute price has no range: held central
    if compute is not None:
        central["compute_price_per_h"] = float(compute.value.magnitude)
    for name, (kwarg, unit) in _ACCOUNT_INPUTS.items():
        if name in factors:
            central[kwarg] = magnitude_in(factors[name].value, unit)
    arrays: dict[str, Any] = dict(central)
    uncertain: dict[str, tuple[str, float, float, float, Any]] = {}
    draws: dict[str, Any] = {}
    for name, (kwarg, unit) in _ACCOUNT_INPUTS.items():
        factor = factors.get(name)
        if factor is None or factor.spread is None:
            continue
        u = unit
        c = central[kwarg]
        lo = min(magnitude_in(factor.spread.low, u), c)
        hi = max(magnitude_in(factor.spread.high, u), c)
        if hi > lo:
            draws[name] = arrays[kwarg] = _draw(factor.spread, c, u, n, rng)
            uncertain[name] = (kwarg, c, lo, hi, u)
    scalers: dict[str, tuple[dict[str, float], float]] = {}
    for name, factor in factors.items():
        if name in _ACCOUNT_INPUTS or factor.spread is None:
            continue
        scales = _scales(factor)
        if not scales:
            continue
        u = factor.value.units  # a unit object: str() of a unit is a display format
        c = float(factor.value.magnitude)
        lo = min(magnitude_in(factor.spread.low, u), c)
        hi = max(magnitude_in(factor.spread.high, u), c)
        if hi <= lo or c == 0:
            continue
        sample = _draw(factor.spread, c, u, n, rng)
        for target, exponent in scales.items():
            kwarg = "accelerator_hours_h" if target == "accelerator_hours" else "power_w"
            arrays[kwarg] = np.asarray(arrays[kwarg]) * (sample / c) ** exponent
        draws[name] = sample
        uncertain[name] = (f"__scale_{name}", c, lo, hi, u)
        scalers[name] = (scales, c)
    return _Inputs(central, arrays, uncertain, scalers, draws)


def _account_kwargs(values: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in values.items() if not k.startswith("__")}


def _scaled(values: dict[str, Any], scalers: dict[str, tuple[dict[str, float], float]]) -> Any:
    """Apply workload scale factors held as ``__scale_<name>`` entries of ``values``."""
    out = dict(values)
    for name, (scales, c) in scalers.items():
        x = values[f"__scale_{name}"]
        for target, exponent in scales.items():
            kwarg = "accelerator_hours_h" if target == "accelerator_hours" else "power_w"
            out[kwarg] = out[kwarg] * (x / c) ** exponent
    return out


def _metrics(results: dict[str, Any]) -> dict[str, str]:
    co2e = "total_co2e" if "total_co2e" in results else "co2e"
    metrics = {"energy": "facility_energy", "co2e": co2e, "water": "water"}
    return {m: key for m, key in metrics.items() if key in results}  # water: blank without EWIF


def _sensitivity(
    inputs: _Inputs, out: dict[str, Any], fp: Footprint, n: int
) -> dict[str, list[dict[str, Any]]]:
    """Variance shares (squared correlations) and one-at-a-time swings per metric."""
    import numpy as np

    names = list(inputs.uncertain)
    if not names:
        return {metric: [] for metric in _metrics(fp.results)}
    # one-at-a-time: 2 evaluations per input (low, high), others central, vectorised
    k = len(names)
    oat: dict[str, Any] = {}
    for key, value in inputs.central.items():
        oat[key] = value if value is None else np.full(2 * k, value, dtype=float)
    for name in names:
        kwarg, c, _lo, _hi, _u = inputs.uncertain[name]
        if kwarg.startswith("__"):
            oat[kwarg] = np.full(2 * k, c, dtype=float)
    for i, name in enumerate(names):
        kwarg, _c, lo, hi, _u = inputs.uncertain[name]
        oat[kwarg][2 * i] = lo
        oat[kwarg][2 * i + 1] = hi
    swings = evaluate(*tables_of(_account_kwargs(_scaled(oat, inputs.scalers)))).values
    x = np.vstack([np.asarray(inputs.draws[name], dtype=float) for name in names])
    x = x - x.mean(axis=1, keepdims=True)
    x_norm = np.sqrt((x**2).sum(axis=1))
    result: dict[str, list[dict[str, Any]]] = {}
    for metric, key in _metrics(fp.results).items():
        unit = _result_unit(key)
        y = np.broadcast_to(np.asarray(out[key], dtype=float), (n,))
        with np.errstate(invalid="ignore", divide="ignore", over="ignore"):
            yc = y - y.mean()
            y_norm = float(np.sqrt((yc**2).sum()))  # inf for results near overflow
            ok = 0 < y_norm < math.inf
            r = (x @ yc) / (x_norm * y_norm) if ok else np.zeros(k)
        r = np.nan_to_num(r)
        if key in swings:  # an input that cannot move this metric gets no share (noise)
            moves = np.asarray(swings[key][1::2]) != np.asarray(swings[key][0::2])
            r = np.where(moves, r, 0.0)
        r2 = r**2
        total = float(r2.sum())
        rows: list[dict[str, Any]] = []
        for i, name in enumerate(names):
            swing = float(swings[key][2 * i + 1] - swings[key][2 * i]) if key in swings else 0.0
            lo, c, hi, u = _display(fp.factors[name], inputs.uncertain[name])
            rows.append(
                {
                    "factor": name,
                    "variance_share": float(r2[i] / total) if total > 0 else 0.0,
                    "swing": swing,
                    "unit": unit,
                    "input_low": lo,
                    "input_central": c,
                    "input_high": hi,
                    "input_unit": u,
                }
            )
        rows.sort(key=lambda row: (-row["variance_share"], -abs(row["swing"])))
        result[metric] = rows
    return result


def _display(
    factor: Factor, bounds: tuple[str, float, float, float, Any]
) -> tuple[float, float, float, str]:
    """Low, central, high of an input in the factor's own unit (canonical for sampling)."""
    _kwarg, c, lo, hi, u = bounds
    unit = factor.value.units
    label = _label(unit)
    if bounds[0].startswith("__"):
        return lo, c, hi, label
    k = 1.0 / unit_scale(unit, u)
    return lo * k, c * k, hi * k, label


@cache
def _label(unit: Any) -> str:
    return units.format_unit(unit)


def _result_unit(key: str) -> str:

    return CANONICAL_UNITS.get(key, "")


def propagate(
    fp: Footprint, load: Load | None = None, spec: Uncertainty | None = None
) -> Footprint:
    """``fp`` with low/high ranges on its results and a sensitivity ranking.

    Parameters
    ----------
    fp : Footprint
        A plain estimate whose factors carry spreads (:func:`with_spreads`).
    load : Load, optional
        The workload's load, for the per-unit counts (``energy_per_request``...).
    spec : Uncertainty, optional
        Samples, seed and interval (defaults when ``None``).

    Returns
    -------
    Footprint
        The same footprint with ``ranges`` (result -> (low, high) quantities) and
        ``uncertainty`` (method, samples, seed, percentiles and the ranking).
    """
    import numpy as np

    if not isinstance(fp, Footprint):
        raise InputError(f"fp: expected a Footprint (an estimate), got {type(fp).__name__}")
    if load is not None and not isinstance(load, Load):
        raise InputError(f"load: expected a Load (workload.load()), got {type(load).__name__}")
    if spec is not None and not isinstance(spec, Uncertainty):
        raise InputError(f"spec: expected an Uncertainty, got {type(spec).__name__}")
    spec = spec or Uncertainty()
    rng = np.random.default_rng(spec.seed)
    n = spec.samples
    # the load's hours: an energy-only load reports none but carries its energy in them
    hours = load.accelerator_hours if load is not None else fp.results.get("accelerator_hours")
    if hours is None:
        raise InputError("load: this footprint reports no accelerator-hours; give its load")
    inputs = _inputs(fp, spec, rng, hours)
    out = evaluate(*tables_of(_account_kwargs(inputs.arrays))).values
    ranges: dict[str, tuple[Any, Any]] = {}
    varying = []
    for key, q in fp.results.items():
        if key not in out:
            continue
        if np.ndim(out[key]) == 0:  # no uncertain input reaches this result
            ranges[key] = (q, q)
        else:
            varying.append(key)
    lo_q, hi_q = spec.percentiles
    if varying:
        stacked = np.vstack([np.asarray(out[k], dtype=float) for k in varying])
        lows, highs = np.percentile(stacked, [lo_q, hi_q], axis=1)
        for key, low, high in zip(varying, lows, highs, strict=True):
            q = fp.results[key]  # account() returns canonical units, as the engine's results
            central = float(q.magnitude)
            ranges[key] = (
                units.Q_(min(float(low), central), q.units),
                units.Q_(max(float(high), central), q.units),
            )
    per_unit = {} if load is None else load.per_unit
    for key, q in fp.results.items():
        match = _PER_UNIT.match(key)
        if match is None or key in ranges:
            continue
        base, unit = _PER_UNIT_BASE[match.group(1)], match.group(2)
        if base in ranges and unit in per_unit:
            low_q, high_q = (bound / per_unit[unit] for bound in ranges[base])
            ranges[key] = (min(low_q.to(q.units), q), max(high_q.to(q.units), q))
    report = {
        "method": "monte-carlo",
        "samples": n,
        "seed": spec.seed,
        "interval": spec.interval,
        "percentiles": [lo_q, hi_q],
        "inputs": {
            name: dict(
                zip(("low", "central", "high", "unit"), _display(fp.factors[name], b), strict=True)
            )
            for name, b in inputs.uncertain.items()
        },
        "sensitivity": _sensitivity(inputs, out, fp, n),
        "note": f"low/high: {lo_q:g}th-{hi_q:g}th percentiles of {n:,} samples "
        f"(seed {spec.seed}), widened to include the central value; inputs independent",
    }
    return dataclasses.replace(fp, ranges=ranges, uncertainty=report)
