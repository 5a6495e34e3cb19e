"""Hourly grid data: the zones with hourly data, the shipped hourly series, your own.

Carbon intensity for every hour of a year, read from compact gzip CSVs
(:func:`hourly_grid`), for the zones of three tables:

- ``datasets/hourly/zones.csv``: 8 US balancing authorities, EIA-930 2022, lifecycle, with
  the generation mix (hourly EWIF from :func:`footprint.places.water.ewif_from_mix`);
- ``datasets/share-alike/hourly/zones.csv`` (ODbL, optional): Electricity Maps' hourly
  lifecycle intensity of 16 zones, 2021-2024 (no mix: the annual EWIF applies);
- ``datasets/hourly/cambium/zones.csv``: NREL Cambium 2022 Mid-case rates of 20 US
  regions for the modelled year 2024 (a projection), average and long-run marginal
  (:meth:`HourlyGrid.as_marginal`: rates for decisions, the average for inventories).

Your own hourly series (a CSV of timestamp and intensity) works too
(:meth:`HourlyGrid.from_csv`). Also here: which hourly zone a region uses and its local
time zone.
"""

from __future__ import annotations

import gzip
from dataclasses import dataclass, field, replace
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from footprint.catalogues.hardware import normalise_name
from footprint.core.errors import DataError, InputError, MissingDataError, UnknownNameError
from footprint.data.loader import choose_year, datasets_dir, read_records, verify_file
from footprint.places.hourly_time import (
    check_year_value,
    input_path,
    localize,
    parse_stamps,
    read_table,
)
from footprint.places.regions import cloud_regions, resolve_region
from footprint.places.water import (
    HYDRO_TREATMENTS,
    TECHNOLOGIES,
    HydroTreatment,
    ewif_from_mix,
    technology_factors,
)
from footprint.places.weather import hour_of_year

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

__all__ = [
    "HourlyZone",
    "HourlyGrid",
    "hourly_zones",
    "find_hourly_zone",
    "hourly_grid",
    "zone_for_region",
    "outside_note",
    "region_timezone",
]

_SHARE_COLUMNS = [f"{t}_share" for t in TECHNOLOGIES]

#: Zone tables of the hourly series, in order of preference: a region whose grid zone two
#: tables cover takes the first (US-CAL-CISO: EIA-930, not Electricity Maps'
#: US-CAL-CISO-EM). The share-alike table is optional (footprint runs without it).
ZONE_TABLES = ("hourly/zones", "hourly/cambium/zones", "share-alike/hourly/zones")

#: The rate an hourly series holds: the average intensity (inventories) or the marginal
#: rate of a change in load (decisions).
AVERAGE, MARGINAL = "average", "marginal"


# --- zones and time zones -------------------------------------------------------------------


@dataclass(frozen=True)
class HourlyZone:
    """A zone with hourly grid data.

    Attributes
    ----------
    code : str
        Zone id, as in ``zones_subnational.csv`` (``US-CAL-CISO``).
    eia_code : str
        EIA-930 balancing-authority code (``CISO``).
    name, country, timezone : str
        Display name, ISO-2 country, IANA time zone for local times.
    years : tuple[int, ...]
        Years with hourly data.
    dataset, source : str
        Provenance.
    grid_zone : str
        The footprint grid zone the series stands for (its annual factors, PUE and WUE):
        the zone itself for EIA-930 (``US-CAL-CISO``), ``DE`` for Electricity Maps'
        ``DE-LU``, ``US`` for a Cambium region.
    covers : str
        ``zone`` when a region in ``grid_zone`` resolves to this series, ``part`` when the
        series covers only a part of it (a Cambium region of the US): reached by name.
    basis, marginal, note : str
        Emissions basis (``lifecycle``...), the marginal series the files hold (empty:
        none) and what a result should say about the data (a projection...).
    folder : str
        Folder of the ``<zone>_<year>.csv.gz`` files in the datasets directory.
    """

    code: str
    eia_code: str
    name: str
    country: str
    timezone: str
    years: tuple[int, ...]
    dataset: str
    source: str
    grid_zone: str = ""
    covers: str = "zone"
    basis: str = "lifecycle"
    marginal: str = ""
    note: str = ""
    folder: str = "hourly"


@cache
def hourly_zones() -> dict[str, HourlyZone]:
    """Zones with hourly grid data, by zone id, in the order of :data:`ZONE_TABLES`."""
    zones = {}
    root = datasets_dir()
    for table in ZONE_TABLES:
        if not (root / f"{table}.csv").is_file():
            continue  # the share-alike folder may be left out
        folder = table.rsplit("/", 1)[0]
        for row in read_records(table):
            zones[row["zone"]] = HourlyZone(
                code=row["zone"],
                eia_code=row.get("eia_code", ""),
                name=row["name"],
                country=row["country"],
                timezone=row["timezone"],
                years=tuple(int(y) for y in row["years"].split(";") if y),
                dataset=row["dataset"],
                source=row["source"],
                grid_zone=row.get("grid_zone") or row["zone"],
                covers=row.get("covers") or "zone",
                basis=row.get("basis") or "lifecycle",
                marginal=row.get("marginal", ""),
                note=row.get("note", ""),
                folder=folder,
            )
    return zones


def _for_grid_zone(code: str) -> HourlyZone | None:
    """The hourly zone a region in grid zone ``code`` uses (the first table's), or None."""
    zones = hourly_zones()
    if code in zones and zones[code].covers == "zone":
        return zones[code]
    for zone in zones.values():
        if zone.covers == "zone" and zone.grid_zone == code:
            return zone
    return None


@cache
def _cloud_rows() -> dict[str, dict[str, str]]:
    return {row["region"]: row for row in read_records("hourly/cloud_regions")}


@cache
def _resolve(region: str) -> Any:
    """``footprint.places.regions.resolve_region``, cached (it is called for zone and time zone)."""

    return resolve_region(region)


def find_hourly_zone(name: str) -> HourlyZone:
    """The hourly zone named ``name`` (case-insensitive): zone id first, then EIA code or
    name, then the grid zone a series stands for (``DE`` is ``DE-LU``)."""
    key = normalise_name(name)
    zones = hourly_zones().values()
    for labels in (
        lambda z: {z.code},
        lambda z: {z.eia_code, z.name},
        lambda z: {z.grid_zone} if z.covers == "zone" else set(),
    ):
        for zone in zones:
            if key in {normalise_name(x) for x in labels(zone) if x}:
                return zone
    choices = [z.code for z in zones] + [z.eia_code for z in zones if z.eia_code]
    raise UnknownNameError("hourly zone", name, choices, hint="zones with hourly grid data")


def _note_of(region_id: str, prefix: str) -> str:
    """The part of a cloud region's notes (``cloud_regions.csv``) after ``prefix``, or ''."""

    notes = cloud_regions().get(region_id, {}).get("notes", "")
    for part in notes.split(";"):
        part = part.strip()
        if part.startswith(prefix):
            return part.removeprefix(prefix).strip()
    return ""


def _ba_reason(region_id: str) -> str:
    """Why the region's balancing authority is what ``cloud_regions.csv`` says (its notes)."""

    return _note_of(region_id, "balancing authority:")


def _zone_reason(region_id: str, zone: str) -> str:
    """Why a cloud region's grid zone is ``zone`` (its notes: the metro's state, province or
    prefecture and the grid area it lies in), or ''."""

    return _note_of(region_id, f"grid zone {zone}:")


def zone_for_region(region: str) -> tuple[HourlyZone, str]:
    """Hourly zone of a region (zone or cloud region) and how it was chosen.

    The first of the location's grid zones, finest first (``Location.zones()``: the
    balancing authority of a US cloud region as in ``cloud_regions.csv``, then the zone and
    its parents), that has an hourly file. The note is empty when the region is itself an
    hourly zone. Shared by :func:`account_hourly`,
    :func:`footprint.analyses.scheduling.schedule` and batch's hourly mode
    (``footprint.analyses.batch``), so all three pick the same zone.
    """
    location = _resolve(region)
    chain = location.zones()
    for code in chain:
        zone = _for_grid_zone(code)
        if zone is None:
            continue
        if code == location.id:
            if zone.code == location.id:
                return zone, ""
            return zone, f"hourly zone {zone.code} ({zone.name}) used for {location.id}"
        if code == location.balancing_authority:
            reason = _ba_reason(location.id)
            how = "its balancing authority in cloud_regions.csv"
            if reason:
                how += f" ({reason})"
        else:
            skipped = chain[: chain.index(code)]
            how = f"grid zone {code} of {location.id}" + (
                f" ({', '.join(skipped)}: no hourly file)" if skipped else ""
            )
            reason = _zone_reason(location.id, code) if location.is_cloud else ""
            if reason:
                how += f" ({reason})"
        return zone, f"hourly zone {zone.code} used for {location.id}: {how}"
    raise MissingDataError(
        f"no hourly grid data for {location.id}: none of its grid zones "
        f"({', '.join(chain)}) has an hourly file ({_zones_hint(location)}); give "
        "a grid zone (grid=, --grid-zone) or an hourly series (--grid-file)"
    )


def _zones_hint(location: Any) -> str:
    """The hourly zones nearest a location without one: those of its country (a zone
    inside it, ``JP-TK`` for ``JP``), else every hourly zone."""
    country = location.country or (location.id if len(location.id) == 2 else "")
    near = [z.code for z in hourly_zones().values() if country and z.country == country]
    if near:
        return f"hourly zones in {country}: {', '.join(near)}"
    return f"hourly zones are {', '.join(hourly_zones())}"


def outside_note(zone: HourlyZone, region: str | None) -> list[str]:
    """A note when an hourly zone given by name is not one of the region's grid zones.

    Empty when ``region`` is None or the zone is one of its grid zones. Used by
    :func:`account_hourly` and :func:`footprint.analyses.scheduling.schedule`.
    """
    if region is None:
        return []
    location = _resolve(region)
    chain = location.zones()
    if zone.code in chain or (zone.covers == "zone" and zone.grid_zone in chain):
        return []
    return [
        f"hourly zone {zone.code} is not a grid zone of {location.id} "
        f"({', '.join(location.zones())}): the hourly figures use {zone.code}'s grid, the "
        f"annual-method figures and PUE/WUE {location.id}'s"
    ]


def region_timezone(region: str | None, zone: HourlyZone | None = None) -> tuple[str, str]:
    """IANA time zone for local times: the cloud region's, else the hourly zone's.

    Returns
    -------
    (timezone, why) : tuple[str, str]
    """
    if region is not None:
        location = _resolve(region)
        row = _cloud_rows().get(location.id)
        if row is not None:
            return row["timezone"], f"local time of {location.id} ({row['timezone']}, IANA)"
        found = _for_grid_zone(location.zone)
        if found is not None:
            zone = found
    if zone is not None:
        return zone.timezone, f"local time of {zone.code} ({zone.timezone}, IANA)"
    return "UTC", "local time not known: UTC shown"


# --- hourly grid data -------------------------------------------------------------------------


@dataclass(frozen=True)
class HourlyGrid:
    """A year (or span) of hourly grid data.

    Attributes
    ----------
    zone : str
        Zone id or label.
    year : int or None
        Data year (None for a user series spanning years).
    hours : pandas.DatetimeIndex
        Hour starts, UTC.
    intensity : numpy.ndarray
        Carbon intensity of each hour [gCO2e/kWh].
    shares : numpy.ndarray or None
        Generation shares per technology (hours x 9, order of
        :data:`footprint.places.water.TECHNOLOGIES`), for hourly EWIF.
    generation_mwh : numpy.ndarray or None
        In-area generation in each hour (weights for the annual mean).
    estimated : numpy.ndarray
        True where the hour was gap-filled (EIA-930) or estimated by Electricity Maps.
    source, dataset : str
        Provenance; ``basis`` is ``lifecycle`` or as stated by the user.
    marginal : numpy.ndarray or None
        The marginal emission rate of each hour [gCO2e/kWh] where the data have one
        (Cambium's long-run marginal rate); ``marginal_basis`` says which.
    rate : str
        ``average`` (the intensity of the electricity: inventories) or ``marginal``
        (:meth:`as_marginal`: the emissions a change in load causes, for decisions).
    """

    zone: str
    year: int | None
    hours: Any
    intensity: Any
    shares: Any = None
    generation_mwh: Any = None
    estimated: Any = None
    source: str = ""
    dataset: str = ""
    basis: str = "lifecycle"
    notes: tuple[str, ...] = ()
    marginal: Any = None
    marginal_basis: str = ""
    rate: str = AVERAGE
    _cache: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)

    def as_marginal(self) -> HourlyGrid:
        """The series with each hour's marginal rate as its intensity, for decisions.

        Raises
        ------
        MissingDataError
            The series has no marginal rates; the line names the zones that have them.
        """
        if self.rate == MARGINAL:
            return self
        if self.marginal is None:
            have = [z.code for z in hourly_zones().values() if z.marginal]
            raise MissingDataError(
                f"hourly grid {self.zone} has no marginal rates; hourly marginal rates exist "
                f"for {', '.join(have) or 'no zone'} (NREL Cambium, --grid-zone); without "
                "--marginal the average intensity applies"
            )
        note = (
            f"marginal rates: {self.marginal_basis} of {self.zone}, hour by hour; marginal "
            "rates are for decisions (the emissions a change in load causes), average rates "
            "for inventories (what an emissions report counts); co2e_annual stays the "
            "average annual factor"
        )
        return replace(
            self,
            intensity=self.marginal,
            generation_mwh=None,  # weights of the average; the marginal mean is a time mean
            basis=self.marginal_basis,
            rate=MARGINAL,
            notes=(*self.notes, note),
            _cache={},
        )

    def ewif(self, hydro: str = "include") -> Any:
        """Hourly EWIF [L/kWh] from the hourly mix (None without shares)."""
        import numpy as np

        if self.shares is None:
            return None
        key = f"ewif-{hydro}"
        if key not in self._cache:
            if hydro not in HYDRO_TREATMENTS:
                raise InputError(f"hydro: expected one of {HYDRO_TREATMENTS}, got {hydro!r}")
            treatment: HydroTreatment = "exclude" if hydro == "exclude" else "include"
            factors = technology_factors()
            self._cache[key] = np.array(
                [
                    ewif_from_mix(dict(zip(TECHNOLOGIES, row, strict=True)), factors, treatment)
                    for row in self.shares
                ]
            )
        return self._cache[key]

    def mean_intensity(self) -> float:
        """Generation-weighted mean intensity [gCO2e/kWh] (time mean without weights)."""
        import numpy as np

        if self.generation_mwh is None:
            return float(np.mean(self.intensity))
        return float(np.sum(self.intensity * self.generation_mwh) / np.sum(self.generation_mwh))

    def at(self, hours: Any) -> tuple[Any, list[str]]:
        """Row index of the data hour for each requested hour, and notes.

        Exact hours are used where the data have them; otherwise the same month, day and
        UTC hour of the data year (noted). A user series spanning years must cover every
        requested hour.
        """
        import numpy as np

        position = self.hours.get_indexer(hours)
        if (position >= 0).all():
            return position, []
        if self.year is None:
            missing = int((position < 0).sum())
            raise MissingDataError(
                f"hourly grid {self.zone}: {missing} of the {len(hours)} hours are not in the "
                f"series ({self.hours[0]:%Y-%m-%d %H:%M} to {self.hours[-1]:%Y-%m-%d %H:%M} UTC)"
            )
        keys = hour_of_year(self.hours)
        lookup = np.full(8760, -1, dtype=int)
        lookup[keys[::-1]] = np.arange(len(keys))[::-1]  # first occurrence wins
        want = hour_of_year(hours)
        rows = np.where(position >= 0, position, lookup[want])
        if (rows < 0).any():
            raise MissingDataError(
                f"hourly grid {self.zone} {self.year}: hours of the year missing"
            )
        missing = hours[position < 0]
        years = sorted(set(missing.year))
        shown = ", ".join(str(y) for y in years)
        leap = (missing.month == 2) & (missing.day == 29)
        if years == [self.year] and leap.all():  # a series of 8,760 hours in a leap year
            return rows, [
                f"hourly grid {self.zone} {self.year} has no 29 February (8,760 modelled "
                "hours): 28 February's data used"
            ]
        note = (
            f"hourly grid {self.zone}: data of {self.year} laid onto hours of {shown} by month, "
            "day and UTC hour (weekday patterns and the year's weather differ)"
        )
        if ((hours.month == 2) & (hours.day == 29)).any():
            note += "; 29 February takes 28 February's data"
        return rows, [note]

    def frame(self) -> pd.DataFrame:
        """The series as a DataFrame (hour start UTC; intensity; EWIF; shares)."""
        import pandas as pd

        out = pd.DataFrame({"intensity_g_per_kwh": self.intensity}, index=self.hours)
        out.index.name = "hour_start_utc"
        if self.shares is not None:
            out["ewif_l_per_kwh"] = self.ewif()
            for i, tech in enumerate(TECHNOLOGIES):
                out[f"{tech}_share"] = self.shares[:, i]
        if self.estimated is not None:
            out["estimated"] = self.estimated
        return out

    @classmethod
    def from_csv(
        cls,
        path: str | Path,
        *,
        timestamp_column: str | None = None,
        intensity_column: str | None = None,
        timezone: str | None = None,
        zone: str = "user series",
        basis: str = "as given",
    ) -> HourlyGrid:
        """Your own hourly intensity series: CSV of hour-start timestamp and gCO2e/kWh.

        Technology share columns (``gas_share``...) give hourly EWIF when present.
        """
        import numpy as np
        import pandas as pd

        file = input_path(path, "grid file")
        table = read_table(file, "grid file")
        cols = list(table.columns)
        tcol = timestamp_column or next(
            (c for c in cols if "time" in str(c).lower() or "date" in str(c).lower()), cols[0]
        )
        icol = intensity_column or next((c for c in cols if "intensity" in str(c).lower()), None)
        if icol is None or icol not in table or tcol not in table:
            raise InputError(
                f"grid file {file.name}: give the timestamp and intensity columns (columns: {cols})"
            )
        idx = parse_stamps(table[tcol], f"grid file {file.name}")
        if idx.tz is None:
            if timezone is None:
                raise InputError(
                    f"grid file {file.name}: timestamps have no UTC offset; give their time zone"
                )
            idx = localize(idx, timezone, f"grid file {file.name}")
        idx = idx.tz_convert("UTC")
        if not (idx == idx.floor("h")).all() or (np.diff(idx.as_unit("ns").asi8) <= 0).any():
            raise InputError(f"grid file {file.name}: expected increasing whole-hour timestamps")
        intensity = pd.to_numeric(table[icol], errors="coerce").to_numpy(float)
        if not np.isfinite(intensity).all() or (intensity < 0).any():
            raise InputError(f"grid file {file.name}: intensities must be numbers >= 0")
        shares = None
        if all(c in table for c in _SHARE_COLUMNS):
            shares = table[_SHARE_COLUMNS].to_numpy(float)
        return cls(
            zone=zone,
            year=None,
            hours=idx,
            intensity=intensity,
            shares=shares,
            estimated=np.zeros(len(idx), dtype=bool),
            source=f"hourly series given by the user: {file.name} ({icol}, read as gCO2e/kWh)",
            dataset=file.name,
            basis=basis,
        )


def _hourly_path(zone: HourlyZone, year: int) -> Path:
    return datasets_dir() / zone.folder / f"{zone.code}_{year}.csv.gz"


@cache
def _load(zone: str, year: int) -> HourlyGrid:
    import pandas as pd

    meta = hourly_zones()[zone]
    path = _hourly_path(meta, year)
    if not path.is_file():
        raise DataError(f"hourly grid file missing: {path.name} in {path.parent}")
    verify_file(path)  # schema and manifest checksum, once per process
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        table = pd.read_csv(fh)
    hours = pd.DatetimeIndex(pd.to_datetime(table["timestamp_utc"], utc=True))
    has_mix = all(c in table for c in _SHARE_COLUMNS)
    return HourlyGrid(
        zone=zone,
        year=year,
        hours=hours,
        intensity=table["intensity_g_per_kwh"].to_numpy(float),
        shares=table[_SHARE_COLUMNS].to_numpy(float) if has_mix else None,
        generation_mwh=(
            table["generation_mwh"].to_numpy(float) if "generation_mwh" in table else None
        ),
        estimated=(table["estimated"].to_numpy(int).astype(bool) if "estimated" in table else None),
        source=meta.source,
        dataset=f"{meta.folder}/{path.name}:{meta.dataset}",
        basis=meta.basis,
        notes=(f"hourly grid {zone}: {meta.note}",) if meta.note else (),
        marginal=(
            table["marginal_g_per_kwh"].to_numpy(float) if "marginal_g_per_kwh" in table else None
        ),
        marginal_basis=f"{meta.marginal}, {meta.basis}" if meta.marginal else "",
    )


def hourly_grid(
    zone: str, year: int | None = None, *, strict_year: bool = False, marginal: bool = False
) -> HourlyGrid:
    """Hourly intensity (and mix, where known) of ``zone`` (id, EIA code or name) in ``year``.

    A year without data takes the nearest year with a note (``strict_year`` raises); the
    note names other hourly series of the same grid zone that have the year. ``marginal``
    gives the marginal rates instead (:meth:`HourlyGrid.as_marginal`).
    """
    meta = find_hourly_zone(zone)
    year = check_year_value(year, "year")
    what = f"hourly grid of {meta.code}"
    if year is not None and year not in meta.years:
        others = [
            f"{z.code} ({', '.join(map(str, z.years))})"
            for z in hourly_zones().values()
            if z.code != meta.code and z.grid_zone == meta.grid_zone and year in z.years
        ]
        if others:
            what += f" [other hourly series of {meta.grid_zone} with {year}: {', '.join(others)}]"
    used, note = choose_year(meta.years, year, what, bool(strict_year))
    grid = _load(meta.code, used)
    if note:
        grid = replace(grid, notes=(*grid.notes, note), _cache={})
    return grid.as_marginal() if marginal else grid
