"""Country equivalence of an annual electricity use: "as much electricity as country X in
year Y".

Data: ``datasets/electricity_demand.csv`` (built by ``scripts/datasets/demand.py`` from Our
World in Data's "Electricity mix from BP & Ember (2022)", CC BY 4.0): each country's
electricity demand (generation plus net imports) per year, 2000-2021. The closest
countries are those whose demand in their latest year with data (or the year asked, else
the nearest year they have) differs least in TWh from the energy given; each comes with its
year and source, so that "as much as the Netherlands" can be checked.

    >>> from footprint.core import units
    >>> from footprint.places.country_energy import closest_countries
    >>> [m.text for m in closest_countries(units.Q_(134, "TWh"), 3)]  # doctest: +SKIP
    ['Norway (134 TWh in 2021)', ...]
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Any

from footprint.core import units
from footprint.core.errors import InputError, MissingDataError
from footprint.core.provenance import Factor
from footprint.data.loader import choose_year, read_records
from footprint.places.grid import all_zones, find_zone

__all__ = ["CountryMatch", "DEFAULT_MATCHES", "closest_countries", "country_demand"]

TABLE = "electricity_demand"

#: Countries named by default.
DEFAULT_MATCHES = 3

#: What the demand figure is.
DEMAND_NOTE = "annual electricity demand (generation + net imports)"

#: Most countries one call names.
MAX_MATCHES = 50


@dataclass(frozen=True)
class CountryMatch:
    """A country whose annual electricity demand is close to a given energy.

    Attributes
    ----------
    zone, name : str
        Zone code and English name of the country.
    year : int
        Year of the demand figure.
    demand : Quantity [TWh]
        The country's electricity demand that year.
    difference : Quantity [TWh]
        The energy given minus the country's demand (negative: the country uses more).
    ratio : float
        The energy given / the country's demand.
    factor : Factor
        The demand figure with its source, dataset and year.
    """

    zone: str
    name: str
    year: int
    demand: Any
    difference: Any
    ratio: float
    factor: Factor

    @property
    def text(self) -> str:
        """``Netherlands (121 TWh in 2021)``."""
        return f"{self.name} ({self.demand.m_as('TWh'):,.3g} TWh in {self.year})"

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready: zone, name, year, demand and difference [TWh], ratio, source."""
        return {
            "zone": self.zone,
            "name": self.name,
            "year": self.year,
            "demand_twh": float(self.demand.m_as("TWh")),
            "difference_twh": float(self.difference.m_as("TWh")),
            "ratio": self.ratio,
            "text": self.text,
            "source": self.factor.source,
            "dataset": self.factor.dataset,
        }


@cache
def _index() -> dict[str, dict[int, float]]:
    index: dict[str, dict[int, float]] = {}
    for row in read_records(TABLE):
        index.setdefault(row["zone"], {})[int(row["year"])] = float(row["demand_twh"])
    return index


@cache
def _source() -> tuple[str, str]:
    row = read_records(TABLE)[0]
    return row["source"], row["dataset"]


def _factor(zone: str, year: int, note: str = "") -> Factor:
    source, dataset = _source()
    return Factor(
        name="country_demand",
        value=units.Q_(_index()[zone][year], "TWh"),
        origin="dataset",
        source=source,
        dataset=f"{TABLE}.csv:{dataset}",
        zone=zone,
        year=year,
        note="; ".join(
            filter(None, ["annual electricity demand (generation + net imports)", note])
        ),
    )


def country_demand(country: str, year: int | None = None) -> Factor:
    """The annual electricity demand of ``country`` [TWh] in ``year`` (newest: ``None``).

    Raises
    ------
    UnknownNameError
        For a name that is no zone.
    MissingDataError
        For a zone without demand data (aggregates, sub-national zones).
    """
    zone = find_zone(country)
    series = _index().get(zone.code)
    if not series:
        raise MissingDataError(
            f"country demand: no annual electricity demand for {zone.name} (countries only)"
        )
    used, note = choose_year(list(series), units.check_year(year), f"demand of {zone.code}")
    return _factor(zone.code, used, note if year is not None else "")


def closest_countries(
    energy: Any, n: int = DEFAULT_MATCHES, *, year: int | None = None
) -> list[CountryMatch]:
    """The ``n`` countries whose annual electricity demand is closest to ``energy``.

    Parameters
    ----------
    energy : Quantity [energy] or float
        A year's electricity (bare numbers are TWh).
    n : int
        How many countries, 1 to :data:`MAX_MATCHES`.
    year : int, optional
        Compare with each country's demand in that year (its nearest year with data);
        default: each country's latest year with data.

    Returns
    -------
    list of CountryMatch
        Closest first (smallest absolute difference in TWh).
    """
    q = units.parse_quantity(energy, "energy", "TWh", "energy", allow_zero=False)
    twh = float(q.m_as("TWh"))
    if isinstance(n, bool) or not isinstance(n, int) or not 1 <= n <= MAX_MATCHES:
        raise InputError(f"countries: expected a whole number from 1 to {MAX_MATCHES}, got {n!r}")
    year = units.check_year(year)
    zones = all_zones()
    candidates = []
    for code, series in _index().items():
        used = max(series) if year is None else min(series, key=lambda y: (abs(y - year), -y))
        candidates.append((abs(twh - series[used]), code, used))
    candidates.sort()
    out = []
    for _, code, used in candidates[:n]:
        factor = _factor(code, used)
        demand = factor.value
        out.append(
            CountryMatch(
                zone=code,
                name=zones[code].name if code in zones else code,
                year=used,
                demand=demand,
                difference=units.Q_(twh - float(demand.m_as("TWh")), "TWh"),
                ratio=twh / float(demand.m_as("TWh")),
                factor=factor,
            )
        )
    return out
