"""The figures of an organisation's years, as :func:`footprint.analyses.change.decompose_change`
takes them, and the reader of a change file (TOML).

A figure is a quantity with a unit ("24 TWh", "1.10", "64%", "14.3 MtCO2e"), optionally with
where it comes from and how sure it is: ``{value = "24 TWh", source = "...", status =
"verified"}``. Statuses: ``verified`` (the number was read in a published text),
``derived`` (computed from such numbers; the source says how) and ``illustrative`` (an
assumption); a figure without one is shown as ``unstated``.

File format (TOML 1.0, read with the standard library's ``tomllib``)::

    [organisation]
    name = "Example Corp"
    description = "..."                     # optional

    [years.2019]
    activity = "1e21 FLOP"                  # optional: compute done (any unit, every year)
    reported_total = "1.2 MtCO2e"           # optional: checked against the figures
    [years.2019.other]                      # scopes other than electricity, as reported
    "Scope 1" = "80000 tCO2e"
    "Scope 3" = { value = "1.0 MtCO2e", source = "Report 2020, p. 12", status = "verified" }
    [years.2019.regions.US]                 # one table a region (or the keys below
    electricity = "10 TWh"                  # directly under [years.2019]: one region)
    pue = 1.10
    intensity = "380 gCO2e/kWh"
    cfe = "60%"

A region's keys: ``electricity`` (facility, PUE included) or ``it_electricity``; ``pue``
(1 when left out); the grid as ``intensity`` or ``location_based`` (the region's
location-based CO2e); contracts as ``cfe`` (carbon-free share), ``market_intensity`` or
``market_based`` (market-based CO2e), or none (location-based).
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from typing import Any

from footprint.core import units
from footprint.core.errors import FootprintError, InputError, suggest
from footprint.core.files import read_text

__all__ = [
    "STATUSES",
    "REGION_KEYS",
    "Figure",
    "RegionFigures",
    "YearFigures",
    "ChangeInput",
    "parse_figure",
    "parse_change_text",
    "parse_years",
    "read_change_file",
]

#: How sure a figure is: read in a published text, computed from such figures, assumed.
STATUSES = ("verified", "derived", "illustrative")

#: Largest change file read (a few years and regions are a few kilobytes).
MAX_FILE_BYTES = 4 * 2**20

#: Region key -> (dimension of :data:`footprint.core.units.DIMENSIONS`, what it is).
REGION_KEYS: dict[str, tuple[str, str]] = {
    "electricity": ("energy", "facility electricity (PUE included)"),
    "it_electricity": ("energy", "IT electricity"),
    "pue": ("dimensionless", "PUE"),
    "intensity": ("intensity", "grid intensity, location-based"),
    "location_based": ("co2e", "electricity CO2e, location-based"),
    "cfe": ("dimensionless", "carbon-free energy share"),
    "market_intensity": ("intensity", "emission factor, market-based"),
    "market_based": ("co2e", "electricity CO2e, market-based"),
}
_YEAR_KEYS = ("activity", "reported_total", "other", "regions")
_FIGURE_KEYS = ("value", "source", "status")
_TOP_KEYS = ("organisation", "years")
_ORGANISATION_KEYS = ("name", "description")
#: Longest name (organisation, region, other scope) and source text kept.
MAX_NAME = 200
MAX_SOURCE = 2000


@dataclass(frozen=True)
class Figure:
    """One figure: its quantity, the text it was given as, its source and status."""

    value: Any
    source: str = ""
    status: str | None = None
    given: str = ""

    def __post_init__(self) -> None:
        if self.status is not None and self.status not in STATUSES:
            raise InputError(
                f"status: expected one of {', '.join(STATUSES)}, got {self.status!r}"[:200]
            )

    @property
    def shown_status(self) -> str:
        """The status, or ``unstated``."""
        return self.status or "unstated"


@dataclass(frozen=True)
class RegionFigures:
    """One region's electricity figures in one year (see the module docstring for the keys)."""

    name: str = "global"
    electricity: Figure | None = None
    it_electricity: Figure | None = None
    pue: Figure | None = None
    intensity: Figure | None = None
    location_based: Figure | None = None
    cfe: Figure | None = None
    market_intensity: Figure | None = None
    market_based: Figure | None = None

    def figures(self) -> list[tuple[str, Figure]]:
        """The given figures, as ``(key, figure)`` in the order of :data:`REGION_KEYS`."""
        return [(k, getattr(self, k)) for k in REGION_KEYS if getattr(self, k) is not None]


@dataclass(frozen=True)
class YearFigures:
    """An organisation's figures in one year: regions, other scopes, activity, total."""

    year: int
    regions: tuple[RegionFigures, ...]
    other: tuple[tuple[str, Figure], ...] = ()
    activity: Figure | None = None
    reported_total: Figure | None = None


@dataclass(frozen=True)
class ChangeInput:
    """A change file read: the organisation and its years."""

    organisation: str
    description: str
    years: tuple[YearFigures, ...] = field(default_factory=tuple)


def _text(value: Any, where: str, limit: int = MAX_NAME) -> str:
    if not isinstance(value, str):
        raise InputError(f"{where}: expected text, got {_short(value)}")
    if len(value) > limit:
        raise InputError(f"{where}: at most {limit:,} characters, got {len(value):,}")
    return value


def _short(value: Any, limit: int = 80) -> str:
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _unknown(table: dict[str, Any], allowed: tuple[str, ...] | list[str], where: str) -> None:
    for key in table:
        if key not in allowed:
            hint = suggest(str(key), list(allowed))
            extra = f"; did you mean {', '.join(repr(h) for h in hint)}?" if hint else ""
            raise InputError(
                f"{where}: unknown key {_short(key)}{extra} (allowed: {', '.join(allowed)})"
            )


def parse_figure(raw: Any, dimension: str | None, where: str) -> Figure:
    """A :class:`Figure` from a value or a ``{value, source, status}`` table.

    ``dimension`` is a key of :data:`footprint.core.units.DIMENSIONS` (bare numbers are
    accepted only for ``dimensionless``), or ``None`` for any unit (an activity measure).
    Values must be finite and not negative; a ``dimensionless`` value may be written as a
    percentage.
    """
    if isinstance(raw, Figure):
        return raw
    source, status = "", None
    if isinstance(raw, dict):
        _unknown(raw, _FIGURE_KEYS, where)
        if "value" not in raw:
            raise InputError(f"{where}: a figure table needs a value")
        source = _text(raw.get("source", ""), f"{where}.source", MAX_SOURCE)
        status = raw.get("status")
        if status is not None and status not in STATUSES:
            raise InputError(
                f"{where}.status: expected one of {', '.join(STATUSES)}, got {_short(status)}"
            )
        raw = raw["value"]
    if isinstance(raw, bool) or not isinstance(raw, (str, int, float)):
        raise InputError(f"{where}: expected a quantity such as '24 TWh', got {_short(raw)}")
    given = str(raw)
    if dimension is None:
        q = units.to_quantity(raw, None, where)
        units.check_magnitude(q.magnitude, where, allow_zero=False)
    else:
        default = "" if dimension == "dimensionless" else None
        q = units.parse_quantity(raw, dimension, default, where, mass_means_co2e=True)
    return Figure(value=q, source=source, status=status, given=given)


def _fraction(figure: Figure, where: str, *, low: float = 0.0, high: float | None = 1.0) -> None:
    x = float(figure.value.m_as("dimensionless"))
    if x < low or (high is not None and x > high):
        span = f"[{low:g}, {high:g}]" if high is not None else f"at least {low:g}"
        raise InputError(f"{where}: expected a value {span}, got {figure.given}")


def _region(name: str, table: Any, where: str) -> RegionFigures:
    if not isinstance(table, dict):
        raise InputError(f"{where}: expected a table of figures, got {_short(table)}")
    _unknown(table, list(REGION_KEYS), where)
    values = {k: parse_figure(v, REGION_KEYS[k][0], f"{where}.{k}") for k, v in table.items()}
    if "pue" in values:
        _fraction(values["pue"], f"{where}.pue", low=1.0, high=None)
    if "cfe" in values:
        _fraction(values["cfe"], f"{where}.cfe")
    return RegionFigures(name=_text(name, where), **values)


def _year(key: Any, table: Any, where: str) -> YearFigures:
    try:
        year = units.check_year(int(str(key)) if str(key).isdigit() else key, where)
    except (FootprintError, ValueError):
        raise InputError(f"{where}: expected a year such as 2019 as the key") from None
    if year is None or not isinstance(table, dict):
        raise InputError(f"{where}: expected a table of the year's figures")
    direct = {k: v for k, v in table.items() if k in REGION_KEYS}
    rest = {k: v for k, v in table.items() if k not in REGION_KEYS}
    _unknown(rest, [*_YEAR_KEYS, *REGION_KEYS], where)
    if direct and "regions" in rest:
        raise InputError(
            f"{where}: give the electricity figures either under regions or directly, not both"
        )
    if direct:
        regions: tuple[RegionFigures, ...] = (_region("global", direct, where),)
    else:
        given = rest.get("regions")
        if not isinstance(given, dict) or not given:
            raise InputError(
                f"{where}: no electricity figures; give electricity (or it_electricity) and a "
                "grid intensity, directly or in [years.YEAR.regions.NAME] tables"
            )
        regions = tuple(_region(n, t, f"{where}.regions.{n}") for n, t in given.items())
    other_table = rest.get("other", {})
    if not isinstance(other_table, dict):
        raise InputError(f"{where}.other: expected a table of named CO2e figures")
    other = tuple(
        (_text(n, f"{where}.other"), parse_figure(v, "co2e", f"{where}.other.{n}"))
        for n, v in other_table.items()
    )
    activity = rest.get("activity")
    total = rest.get("reported_total")
    return YearFigures(
        year=year,
        regions=regions,
        other=other,
        activity=None if activity is None else parse_figure(activity, None, f"{where}.activity"),
        reported_total=(
            None if total is None else parse_figure(total, "co2e", f"{where}.reported_total")
        ),
    )


def parse_years(years: Any, where: str = "years") -> tuple[YearFigures, ...]:
    """:class:`YearFigures` from a mapping of year -> table (the ``[years]`` of a change
    file, or the same structure built in Python), sorted by year."""
    if isinstance(years, (list, tuple)) and all(isinstance(y, YearFigures) for y in years):
        parsed = tuple(years)
    elif isinstance(years, dict):
        parsed = tuple(_year(k, v, f"{where}.{k}") for k, v in years.items())
    else:
        raise InputError(
            f"{where}: expected a table of years (year -> figures) or YearFigures, "
            f"got {_short(years)}"
        )
    seen = [y.year for y in parsed]
    if len(set(seen)) != len(seen):
        raise InputError(f"{where}: a year is given twice ({sorted(seen)})")
    return tuple(sorted(parsed, key=lambda y: y.year))


def read_change_file(path: Any) -> ChangeInput:
    """A change file (TOML) read and checked; every error is one line naming the file and key."""
    name = str(path)
    return parse_change_text(read_text(path, name, max_bytes=MAX_FILE_BYTES), name)


def parse_change_text(text: str, name: str) -> ChangeInput:
    """A change file's ``text`` (TOML, held in memory: an upload of the web calculator) read
    and checked as :func:`read_change_file` reads a file; errors name ``name``."""
    if len(text.encode("utf-8", "surrogatepass")) > MAX_FILE_BYTES:
        raise InputError(f"{name}: larger than {MAX_FILE_BYTES:,} bytes")
    try:
        data = tomllib.loads(text)
    except RecursionError:
        raise InputError(f"{name}: not valid TOML (arrays or tables nested too deeply)") from None
    except tomllib.TOMLDecodeError as exc:
        raise InputError(f"{name}: not valid TOML ({exc})") from None
    try:
        _unknown(data, _TOP_KEYS, "file")
        org = data.get("organisation", {})
        if not isinstance(org, dict):
            raise InputError("organisation: expected a table with name (and description)")
        _unknown(org, _ORGANISATION_KEYS, "organisation")
        organisation = _text(org.get("name", ""), "organisation.name")
        description = _text(org.get("description", ""), "organisation.description", MAX_SOURCE)
        if "years" not in data:
            raise InputError("years: no [years.YEAR] tables; give at least two years")
        return ChangeInput(organisation, description, parse_years(data["years"]))
    except FootprintError as exc:
        raise InputError(f"{name}: {exc}") from None
