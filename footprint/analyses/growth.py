"""The arithmetic of change and the growth assumptions of a projection.

- :func:`percent_change`, :func:`describe_change`, :func:`annual_rate` and
  :func:`growth_change` - the arithmetic behind statements such as "emissions +48% since
  2019": given two totals they give the change; given growth assumptions they give the
  change those assumptions imply.
- :class:`Growth` - the yearly rates :func:`footprint.analyses.trends.project` projects with.

Everything here is re-exported by :mod:`footprint.analyses.trends`. No numeric library is imported.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from numbers import Real
from typing import Any

from footprint.core import units
from footprint.core.errors import InputError, UnknownNameError

__all__ = [
    "DEFAULT_FIT_YEARS",
    "GRID_METHODS",
    "Growth",
    "annual_rate",
    "describe_change",
    "growth_change",
    "percent_change",
    "signed_percent",
]

#: Grid extrapolation methods after the last year with data (or give a rate: -0.03).
GRID_METHODS = ("linear", "constant")

#: Years of history the linear extrapolation fits by default.
DEFAULT_FIT_YEARS = 5


# --- arithmetic of change -----------------------------------------------------------------


def _finite(x: float, what: str) -> float:
    """``x`` if finite, else an :class:`InputError` (a result must be a number)."""
    if not math.isfinite(x):
        raise InputError(f"{what}: the result is too large to be a finite number")
    return x


def _ratio(base: Any, current: Any) -> float:
    import pint

    if hasattr(base, "dimensionality") or hasattr(current, "dimensionality"):
        if not (hasattr(base, "dimensionality") and hasattr(current, "dimensionality")):
            raise InputError("percent change: give both values as quantities, or both as numbers")
        if not isinstance(base, pint.Quantity) or not isinstance(current, pint.Quantity):
            raise InputError("percent change: give quantities of footprint.core.units.Q_")
        if base.dimensionality != current.dimensionality:
            raise InputError(
                f"percent change: {base:~P} and {current:~P} are not the same kind of quantity"
            )
        pairs = (("base", base.magnitude), ("current", current.to(base.units).magnitude))
    else:
        pairs = (("base", base), ("current", current))
    for name, x in pairs:
        units.check_magnitude(x, name, allow_negative=True)
    b, c = float(pairs[0][1]), float(pairs[1][1])
    if b == 0:
        raise InputError(
            "percent change: the base value is zero, so a relative change is undefined"
        )
    return _finite(c / b, "percent change")


def percent_change(base: Any, current: Any) -> float:
    """Relative change from ``base`` to ``current`` in percent (``+48.0`` for x1.48).

    Parameters
    ----------
    base, current : Quantity or float
        Two values of the same quantity (units converted), e.g. 9.67 and 14.3 MtCO2e.
    """
    return _finite((_ratio(base, current) - 1.0) * 100.0, "percent change")


def annual_rate(base: Any, current: Any, years: float) -> float:
    """Compound annual rate of change in percent that turns ``base`` into ``current``."""
    units.check_magnitude(years, "years", allow_zero=False)
    ratio = _ratio(base, current)
    if ratio <= 0:
        raise InputError("annual rate: base and current must have the same sign")
    try:
        rate = (ratio ** (1.0 / float(years)) - 1.0) * 100.0
    except OverflowError:
        rate = math.inf
    return _finite(rate, "annual rate")


def signed_percent(pct: float, digits: int = 0) -> str:
    """``pct`` as a signed percentage (``+48%``, ``-3.1%``; zero unsigned: ``0%``)."""
    text = f"{pct:+.{digits}f}%"
    return text.replace("+0%", "0%").replace("-0%", "0%")


def describe_change(
    base: Any,
    current: Any,
    since: int | None = None,
    until: int | None = None,
    digits: int = 0,
) -> str:
    """The change in words: ``"+48% since 2019"`` (with the compound rate when years given).

    Parameters
    ----------
    base, current : Quantity or float
        The two totals.
    since, until : int, optional
        Years of ``base`` and ``current``; with both, the compound annual rate is added.
    digits : int
        Decimals of the percentage.
    """
    if isinstance(digits, bool) or not isinstance(digits, int) or not 0 <= digits <= 10:
        raise InputError(f"digits: expected a whole number from 0 to 10, got {digits!r}"[:200])
    since, until = units.check_year(since, "since"), units.check_year(until, "until")
    text = signed_percent(percent_change(base, current), digits)
    if since is not None:
        text += f" since {since}"
    if since is not None and until is not None and until > since:
        rate = annual_rate(base, current, until - since)
        span = until - since
        text += (
            f" ({signed_percent(rate, 1)} a year compound"
            f" over {span} year{'s' if span != 1 else ''})"
        )
    return text


def growth_change(
    years: float,
    volume_growth: float = 0.0,
    efficiency_gain: float = 0.0,
    intensity_change: float = 0.0,
) -> float:
    """Change in percent of a footprint after ``years`` of constant annual rates.

    ``(1 + volume_growth)^n x (1 - efficiency_gain)^n x (1 + intensity_change)^n - 1``,
    rates as fractions per year (0.3 = +30 %/yr; ``intensity_change=-0.03`` is a grid
    getting 3 % cleaner each year).
    """
    units.check_magnitude(years, "years", allow_negative=True)
    for name, rate in (
        ("volume_growth", volume_growth),
        ("efficiency_gain", efficiency_gain),
        ("intensity_change", intensity_change),
    ):
        units.check_magnitude(rate, name, allow_negative=True)
    if efficiency_gain >= 1:
        raise InputError(f"efficiency_gain: expected a fraction below 1, got {efficiency_gain}")
    if volume_growth <= -1 or intensity_change <= -1:
        raise InputError("growth rates: a yearly change of -100% or less is not a rate")
    try:
        factor = (
            (1 + float(volume_growth))
            * (1 - float(efficiency_gain))
            * (1 + float(intensity_change))
        ) ** float(years)
    except OverflowError:
        factor = math.inf
    return _finite((factor - 1.0) * 100.0, "growth change")


# --- growth assumptions -------------------------------------------------------------------


@dataclass(frozen=True)
class Growth:
    """Assumptions of a projection, as yearly rates (fractions).

    Parameters
    ----------
    volume_growth : float
        Yearly change of the work done (0.3 = +30 % a year).
    efficiency_gain : float
        Yearly reduction of energy per unit of work (0.1 = 10 % less a year), in [0, 1).
    grid : {"linear", "constant"} or float
        Grid after the last year with data: the least-squares slope of the last
        ``fit_years`` years continued from the last value (``"linear"``, floored at
        zero), the last value held (``"constant"``), or a yearly rate (``-0.03`` = 3 %
        cleaner a year) applied to intensity and EWIF.
    fit_years : int
        Years of history the linear extrapolation fits.
    """

    volume_growth: float = 0.0
    efficiency_gain: float = 0.0
    grid: str | float = "linear"
    fit_years: int = DEFAULT_FIT_YEARS

    def __post_init__(self) -> None:
        units.check_magnitude(self.volume_growth, "volume_growth", allow_negative=True)
        units.check_magnitude(self.efficiency_gain, "efficiency_gain", allow_negative=True)
        if self.volume_growth <= -1:
            raise InputError(f"volume_growth: expected more than -100%, got {self.volume_growth}")
        if self.efficiency_gain >= 1:
            raise InputError(
                f"efficiency_gain: expected a fraction below 1, got {self.efficiency_gain}"
            )
        if not isinstance(self.grid, (str, Real)) or isinstance(self.grid, bool):
            raise InputError(
                f"grid: expected {' or '.join(GRID_METHODS)} or a yearly rate such as -0.03, "
                f"got {self.grid!r}"[:200]
            )
        if isinstance(self.grid, str):
            if self.grid not in GRID_METHODS:
                raise UnknownNameError(
                    "grid extrapolation",
                    self.grid,
                    GRID_METHODS,
                    hint="or a yearly rate such as -0.03",
                )
        else:
            units.check_magnitude(self.grid, "grid", allow_negative=True)
            if self.grid <= -1:
                raise InputError(f"grid: a yearly change must be above -100%, got {self.grid}")
        fit = self.fit_years
        if (
            isinstance(fit, bool)
            or not isinstance(fit, Real)
            or not 2 <= fit <= 1000
            or not float(fit).is_integer()
        ):
            raise InputError(
                f"fit_years: expected a whole number from 2 to 1000, got {fit!r}"[:200]
            )

    def describe(self) -> str:
        """The assumptions in words."""
        grid = (
            f"grid {self.grid}"
            + (
                f" (slope of the last {self.fit_years} years of data)"
                if self.grid == "linear"
                else ""
            )
            if isinstance(self.grid, str)
            else f"grid {signed_percent(float(self.grid) * 100, 1)} a year"
        )
        return (
            f"volume {signed_percent(self.volume_growth * 100, 1)} a year, "
            f"energy per unit of work {signed_percent(-self.efficiency_gain * 100, 1)} a year, "
            f"{grid} after the last data year"
        )
