"""Everyday equivalents of a footprint: car-km, flights, households, pools, a country's share.

Every factor comes from ``datasets/equivalences.csv`` (built by
``scripts/datasets/equivalences.py``), one sourced row per factor, except the share of a
country's annual electricity, which divides by the country's generation in
``datasets/generation_mix.csv`` (Ember / Energy Institute via Our World in Data).

Equivalents are context for people, not results: they carry the factor they use (value,
source, year) so that a reader can check them::

    >>> from footprint import units
    >>> from footprint.places.equivalences import equivalences
    >>> [e.text for e in equivalences(co2e=units.Q_(1, "tCO2e"), country="FR")]  # doctest: +SKIP
    ['5,714 km by an average passenger car (Europe)', ...]

References
----------
Green Algorithms v3.0 reference values (Lannelongue, Grealey & Inouye, Adv. Sci. 2021);
US EPA typical passenger vehicle; UK Government GHG conversion factors; US EIA; Ofgem;
WHO Guidelines for Drinking-water Quality (2022); FINA/World Aquatics Facilities Rules;
Our World in Data per-capita electricity. See ``datasets/SOURCES.md``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import cache
from typing import Any

from footprint.core import units
from footprint.core.errors import InputError, MissingDataError, UnknownNameError
from footprint.core.provenance import Factor
from footprint.data.loader import choose_year, read_records
from footprint.places.grid import all_zones, find_zone

__all__ = [
    "Equivalence",
    "equivalence_factor",
    "equivalences",
    "country_share",
    "count_text",
    "KEYS",
]

#: Factor keys of ``equivalences.csv`` and the quantity each converts.
KEYS = {
    "car_km": "co2e",
    "flight_km": "co2e",
    "flight_nyc_sfo": "co2e",
    "flight_par_lon": "co2e",
    "flight_par_dub": "co2e",
    "flight_nyc_mel": "co2e",
    "household_electricity": "energy",
    "per_capita_electricity": "energy",
    "drinking_water": "water",
    "olympic_pool": "water",
}

#: Zones whose passenger-car factor is the European one (continent or EU membership).
_EUROPE = ("EUROPE", "EU")


@dataclass(frozen=True)
class Equivalence:
    """How many of an everyday thing a footprint equals.

    Attributes
    ----------
    key : str
        Factor key (``car_km``, ``olympic_pool``, ``country_share``...).
    count : float
        How many ``per`` units the footprint equals (a percentage for ``country_share``).
    per : str
        What is counted (``km``, ``flight``, ``household-year``, ``%``...).
    label : str
        What the count means, e.g. ``km by an average passenger car (US)``.
    text : str
        The equivalence in words, e.g. ``12,000 km by an average passenger car (US)``.
    factor : Factor
        The factor used, with value, source, zone and year.
    """

    key: str
    count: float
    per: str
    label: str
    text: str
    factor: Factor

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready: key, count, per, label, text and the factor with its provenance."""
        return {
            "key": self.key,
            "count": self.count,
            "per": self.per,
            "label": self.label,
            "text": self.text,
            "factor": self.factor.to_dict(),
        }


@cache
def _index() -> dict[tuple[str, str], dict[str, str]]:
    return {(row["key"], row["zone"]): row for row in read_records("equivalences")}


def equivalence_factor(key: str, zone: str = "WORLD") -> Factor:
    """The factor ``key`` of ``zone`` (e.g. ``("car_km", "US")``) with its provenance.

    Raises
    ------
    UnknownNameError
        For an unknown key, or a zone the key has no row for (listing those it has).
    """
    index = _index()
    if key not in {k for k, _ in index}:
        raise UnknownNameError("equivalence", key, sorted({k for k, _ in index}))
    row = index.get((key, zone))
    if row is None:
        zones = sorted(z for k, z in index if k == key)
        raise UnknownNameError(f"zone for equivalence {key}", zone, zones)
    unit = row["unit"]
    return Factor(
        name=key,
        value=units.Q_(float(row["value"]), unit),
        origin="dataset",
        source=row["source"] + (f" <{row['source_url']}>" if row.get("source_url") else ""),
        dataset="equivalences.csv",
        zone=zone,
        year=int(row["year"]),
        note=row.get("note", ""),
        extra={"per": row["per"], "label": row["label"], "licence": row.get("licence", "")},
    )


def _has(key: str, zone: str | None) -> bool:
    return zone is not None and (key, zone) in _index()


def count_text(x: float) -> str:
    """A count for people: ``12,345``, ``1.2 million``, ``3.4 billion``, ``0.25``."""
    if not math.isfinite(x):
        return f"{x}"
    ax = abs(x)
    for scale, word in ((1e12, "trillion"), (1e9, "billion"), (1e6, "million")):
        if ax >= scale:
            return f"{x / scale:,.3g} {word}"
    if ax >= 100:
        return f"{x:,.0f}"
    if ax >= 1:
        return f"{x:,.3g}"
    if ax == 0:
        return "0"
    return f"{x:.2g}"


def _equivalence(key: str, zone: str, quantity: Any) -> Equivalence:
    factor = equivalence_factor(key, zone)
    count = float((quantity / factor.value).to("dimensionless").magnitude)
    per = factor.extra["per"]
    label = factor.extra["label"]
    if key == "per_capita_electricity":
        name = all_zones()[zone].name if zone in all_zones() else zone
        where = "worldwide" if zone == "WORLD" else f"in {name}"
        label = f"{label} {where} (per-capita generation, {factor.year})"
    if per == "person-day" and count >= 365 * 100:
        years = count / 365.25
        text = f"{count_text(count)} {label} ({count_text(years)} person-years)"
    else:
        text = f"{count_text(count)} {label}"
    return Equivalence(key, count, per, label, text, factor)


def _distance(quantity: Any, key: str, zone: str) -> Equivalence:
    """Per-km factors: the count is a distance, so divide and express in km."""
    factor = equivalence_factor(key, zone)
    km = float((quantity / factor.value).to("km").magnitude)
    label = factor.extra["label"]
    return Equivalence(key, km, factor.extra["per"], label, f"{count_text(km)} {label}", factor)


def _country(country: str | None) -> Any:
    if country is None:
        return None

    zone = find_zone(country)
    zones = all_zones()
    # a sub-national zone takes its country
    code = zone.code
    while zones[code].kind not in ("country", "aggregate") and zones[code].parent:
        code = zones[code].parent
    return zones[code]


@cache
def _generation_index() -> dict[str, dict[int, float]]:
    index: dict[str, dict[int, float]] = {}
    for row in read_records("generation_mix"):
        twh = row.get("generation_twh", "").strip()
        if twh and float(twh) > 0:
            index.setdefault(row["zone"], {})[int(row["year"])] = float(twh)
    return index


def country_share(energy: Any, country: str, year: int | None = None) -> Equivalence:
    """``energy`` as a percentage of ``country``'s annual electricity generation.

    Parameters
    ----------
    energy : Quantity [kWh]
        Facility (grid) energy of the footprint.
    country : str
        Country or aggregate (code or name).
    year : int, optional
        Year of the generation data; ``None`` takes the newest (noted in the factor).

    Returns
    -------
    Equivalence
        ``count`` in percent; the factor is the country's generation [TWh] with source.
    """
    units.check_dimension(energy, "energy", "energy")
    zone = _country(country)
    series = _generation_index().get(zone.code)
    if not series:
        raise MissingDataError(f"country share: no annual generation for {zone.name}")
    used, note = choose_year(list(series), year, f"electricity generation of {zone.code}")
    row = next(
        r
        for r in read_records("generation_mix")
        if r["zone"] == zone.code and int(r["year"]) == used
    )
    generation = units.Q_(series[used], "TWh")
    factor = Factor(
        name="country_generation",
        value=generation,
        origin="dataset",
        source=row.get("source", ""),
        dataset=f"generation_mix.csv:{row.get('dataset', '')}",
        zone=zone.code,
        year=used,
        note="; ".join(
            filter(None, ["annual electricity generation (use differs by net imports)", note])
        ),
    )
    pct = float((energy / generation).to("dimensionless").magnitude) * 100
    owner = f"{zone.name}'" if zone.name.endswith("s") else f"{zone.name}'s"
    label = f"of {owner} annual electricity generation ({used})"
    return Equivalence("country_share", pct, "%", label, f"{_percent(pct)} {label}", factor)


def _percent(pct: float) -> str:
    if pct == 0 or not math.isfinite(pct):
        return f"{pct:g}%"
    if abs(pct) >= 10:
        return f"{pct:,.0f}%"
    digits = max(1, 1 - int(math.floor(math.log10(abs(pct)))))
    return f"{pct:.{digits}f}%"


def equivalences(
    *,
    co2e: Any = None,
    energy: Any = None,
    water: Any = None,
    country: str | None = None,
    year: int | None = None,
) -> list[Equivalence]:
    """Everyday equivalents of a footprint's CO2e, facility energy and water.

    Parameters
    ----------
    co2e : Quantity [kgCO2e], optional
        Quantities, or bare numbers in the unit in brackets; not negative.
        -> km by an average passenger car (European factor for European countries,
        else the US EPA factor) and one-way economy flights New York-San Francisco.
    energy : Quantity [kWh], optional
        -> households' annual electricity where an official figure exists for
        ``country`` (US, GB), else persons' annual electricity (per-capita
        generation) of ``country`` (World when none), and, with a ``country``, the
        share of its annual electricity generation.
    water : Quantity [L], optional
        -> persons' daily drinking water (WHO, 2 L) and Olympic swimming pools.
    country : str, optional
        Country (or aggregate) whose household, per-capita and generation figures apply.
    year : int, optional
        Year of the country's generation data (nearest, noted).

    Returns
    -------
    list of Equivalence
        Each with the factor it used (value, source, zone, year).
    """
    if co2e is None and energy is None and water is None:
        raise InputError("equivalences: give co2e, energy or water")
    zone = _country(country)
    code = zone.code if zone is not None else None
    out: list[Equivalence] = []
    # quantities (bare numbers in kgCO2e, kWh, L), finite and not negative: an everyday
    # equivalent of a negative or NaN amount means nothing
    if co2e is not None:
        co2e = units.parse_quantity(co2e, "co2e", "kgCO2e", "co2e", mass_means_co2e=True)
        europe = zone is not None and (zone.code in _EUROPE or zone.parent in _EUROPE)
        out.append(_distance(co2e, "car_km", "EU" if europe else "US"))
        out.append(_equivalence("flight_nyc_sfo", "WORLD", co2e))
    if energy is not None:
        energy = units.parse_quantity(energy, "energy", "kWh", "energy")
        if _has("household_electricity", code):
            out.append(_equivalence("household_electricity", str(code), energy))
        elif _has("per_capita_electricity", code):
            out.append(_equivalence("per_capita_electricity", str(code), energy))
        else:
            out.append(_equivalence("per_capita_electricity", "WORLD", energy))
        if zone is not None and zone.code in _generation_index():
            out.append(country_share(energy, zone.code, year))
    if water is not None:
        water = units.parse_quantity(water, "water", "L", "water")
        out.append(_equivalence("drinking_water", "WORLD", water))
        out.append(_equivalence("olympic_pool", "WORLD", water))
    return out
