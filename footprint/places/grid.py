"""Grid zones and their carbon intensity of electricity, by year.

Zones are countries (ISO 3166-1 alpha-2 codes) and aggregates (``WORLD``, ``EU``,
continents...) from ``datasets/zones.csv``; sub-national zones come from
``datasets/zones_subnational.csv`` where present. Intensities are in
gCO2e per kWh generated, from ``datasets/grid_intensity*.csv``, each row with its
dataset, basis (lifecycle or direct) and source.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from footprint.catalogues.hardware import normalise_name
from footprint.core import units
from footprint.core.errors import InputError, MissingDataError, UnknownNameError
from footprint.core.provenance import Factor
from footprint.data.loader import choose_year, datasets_dir, read_records

__all__ = [
    "Zone",
    "DEFAULT_ZONE",
    "all_zones",
    "find_zone",
    "grid_intensity",
    "intensity_years",
]

#: Zone used when the user names none: the World average of Ember's data
#: (Our World in Data, "Carbon intensity of electricity"), reported as a note.
DEFAULT_ZONE = "WORLD"

#: Zone tables, most general first; later tables add sub-national zones.
ZONE_TABLES = ("zones", "zones_subnational")
#: Intensity tables in order of preference. Each zone takes its whole series from the
#: first table that has it, so a series never mixes methods (production-based Ember for
#: countries; Electricity Maps, consumption-based, for the sub-zones it covers; then the
#: permissive sub-national tables: eGRID states, Canadian provinces, EIA-930 BAs).
INTENSITY_TABLES = (
    "grid_intensity",
    "share-alike/electricitymaps_yearly",
    "grid_intensity_subnational",
)


@dataclass(frozen=True)
class Zone:
    """A grid zone: a country, an aggregate or a sub-national zone."""

    code: str
    name: str
    kind: str
    parent: str
    iso3: str
    aliases: tuple[str, ...]
    source: str


def _present(tables: tuple[str, ...]) -> list[str]:
    root = datasets_dir()
    return [t for t in tables if (root / f"{t}.csv").is_file()]


@cache
def all_zones() -> dict[str, Zone]:
    """Every known zone by code."""
    zones: dict[str, Zone] = {}
    for table in _present(ZONE_TABLES):
        for row in read_records(table):
            zones[row["zone"]] = Zone(
                code=row["zone"],
                name=row.get("name", ""),
                kind=row.get("kind", ""),
                parent=row.get("parent", "") or "",
                iso3=row.get("iso3", "") or "",
                aliases=tuple(a.strip() for a in row.get("aliases", "").split(";") if a.strip()),
                source=row.get("source", ""),
            )
    return zones


@cache
def _zone_keys() -> tuple[dict[str, str], dict[str, tuple[str, ...]]]:
    """Zone codes by normalised code, and by normalised name, ISO-3 code or alias.

    A name also counts without its qualifier in parentheses ("Georgia (US state)" is named
    "Georgia" too), so a name that two zones share is found and refused as ambiguous.
    """
    codes = {normalise_name(z.code): z.code for z in all_zones().values()}
    names: dict[str, tuple[str, ...]] = {}
    for zone in all_zones().values():
        for label in (zone.name, _base_name(zone.name), zone.iso3, *zone.aliases):
            key = normalise_name(label) if label else ""
            if key and zone.code not in names.get(key, ()):
                names[key] = (*names.get(key, ()), zone.code)
    return codes, names


def _base_name(name: str) -> str:
    """``name`` without its qualifier in parentheses: ``Georgia (US state)`` is ``Georgia``."""
    return re.sub(r"\s*\([^)]*\)\s*$", "", name) or name


#: How an ambiguity names a zone's kind.
_KIND_WORDS = {
    "us-state": "the US state",
    "country": "the country",
    "us-ba": "the US balancing authority",
    "egrid-subregion": "the eGRID subregion",
    "ca-province": "the Canadian province",
}


def lookup_zone(name: str) -> Zone | None:
    """The zone named ``name`` (code, ISO-3 code, English name or alias), else ``None``.

    Raises
    ------
    InputError
        When the name is shared by several zones (``Georgia``: the country or the US state).
    """
    codes, names = _zone_keys()
    key = normalise_name(name, "zone")
    if key in codes:
        return all_zones()[codes[key]]
    hits = names.get(key, ())
    if len(hits) > 1:
        zones = [all_zones()[c] for c in hits]
        options = " or ".join(
            f"{_KIND_WORDS.get(z.kind, 'the zone')} {_base_name(z.name)} ({z.code})" for z in zones
        )
        raise InputError(f"ambiguous region {name!r}: {options}; write {' or '.join(hits)}")
    return all_zones()[hits[0]] if hits else None


def find_zone(name: str) -> Zone:
    """The zone named ``name``: its code, ISO-3 code, English name or an alias."""
    normalise_name(name, "region")  # a name that is not text: one InputError
    zone = lookup_zone(name)
    if zone is None:
        zones = all_zones().values()
        choices = [label for z in zones for label in (z.code, z.name)]
        raise UnknownNameError("region", name, choices, hint="`footprint regions` lists them")
    return zone


@cache
def highest_intensity() -> tuple[float, str, int]:
    """The most carbon-intensive zone-year of the grid data: ``(gCO2e/kWh, zone, year)``."""
    return max(
        (float(row["intensity_g_per_kwh"]), zone, year)
        for zone, series in _intensity_index().items()
        for year, row in series.items()
    )


@cache
def _intensity_index() -> dict[str, dict[int, dict[str, str]]]:
    index: dict[str, dict[int, dict[str, str]]] = {}
    for table in _present(INTENSITY_TABLES):
        series_of_table: dict[str, dict[int, dict[str, str]]] = {}
        for row in read_records(table):
            series_of_table.setdefault(row["zone"], {})[int(row["year"])] = {**row, "table": table}
        for zone, series in series_of_table.items():
            index.setdefault(zone, series)  # the first table with the zone keeps it
    return index


def intensity_series(zone: str) -> dict[int, dict[str, str]]:
    """Rows of ``zone``'s intensity by year (empty when the zone has none)."""
    return _intensity_index().get(zone, {})


def intensity_factor(row: dict[str, str], zone: str, year: int, note: str = "") -> Factor:
    """The :class:`Factor` of one intensity row (any intensity table, incl. cloud regions)."""
    table = row.get("table", "cloud_region_factors")
    return Factor(
        name="intensity",
        value=units.Q_(float(row["intensity_g_per_kwh"]), "gCO2e/kWh"),
        origin="dataset",
        source=row.get("source", ""),
        dataset=f"{table}.csv:{row.get('dataset', '')}",
        zone=zone,
        year=year,
        note=note,
        extra={"basis": row["basis"]} if row.get("basis") else {},
    )


def intensity_years(zone: str) -> list[int]:
    """Years with an intensity for ``zone`` (a zone code), ascending."""
    return sorted(_intensity_index().get(zone, {}))


def grid_intensity(zone: str, year: int | None = None, *, strict_year: bool = False) -> Factor:
    """Location-based carbon intensity of electricity for ``zone`` in ``year``.

    Parameters
    ----------
    zone : str
        Zone code (see :func:`find_zone` to resolve names).
    year : int, optional
        Year of the factor; ``None`` takes the newest available. A missing year is
        replaced by the nearest one with a note, or raises if ``strict_year``.

    Returns
    -------
    Factor
        ``intensity`` in gCO2e/kWh with dataset, zone, year, basis and source.
    """
    year = units.check_year(year)
    if not isinstance(zone, str):
        raise InputError(f"zone: expected a zone code such as FR, got {zone!r}"[:200])
    series = _intensity_index().get(zone)
    if not series:
        raise MissingDataError(f"grid intensity: no data for zone {zone!r}")
    used, note = choose_year(list(series), year, f"grid intensity of {zone}", strict_year)
    return intensity_factor(series[used], zone, used, note)
