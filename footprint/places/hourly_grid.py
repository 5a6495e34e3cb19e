"""Hourly grid data: the zones with hourly data, the shipped hourly series, your own.

Lifecycle carbon intensity and generation mix for every hour of a year, for the zones of
``datasets/hourly/zones.csv`` (US balancing authorities, EIA-930), read from compact gzip
CSVs (:func:`hourly_grid`); hourly EWIF from the hourly mix with
:func:`footprint.places.water.ewif_from_mix`. Your own hourly series (a CSV of timestamp and
intensity) works too (:meth:`HourlyGrid.from_csv`). Also here: which hourly zone a region
uses and its local time zone.
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
    """

    code: str
    eia_code: str
    name: str
    country: str
    timezone: str
    years: tuple[int, ...]
    dataset: str
    source: str


@cache
def hourly_zones() -> dict[str, HourlyZone]:
    """Zones with hourly grid data, by zone id."""
    zones = {}
    for row in read_records("hourly/zones"):
        zones[row["zone"]] = HourlyZone(
            code=row["zone"],
            eia_code=row["eia_code"],
            name=row["name"],
            country=row["country"],
            timezone=row["timezone"],
            years=tuple(int(y) for y in row["years"].split(";") if y),
            dataset=row["dataset"],
            source=row["source"],
        )
    return zones


@cache
def _cloud_rows() -> dict[str, dict[str, str]]:
    return {row["region"]: row for row in read_records("hourly/cloud_regions")}


@cache
def _resolve(region: str) -> Any:
    """``footprint.places.regions.resolve_region``, cached (it is called for zone and time zone)."""

    return resolve_region(region)


def find_hourly_zone(name: str) -> HourlyZone:
    """The hourly zone named ``name``: zone id, EIA code or name (case-insensitive)."""
    key = normalise_name(name)
    for zone in hourly_zones().values():
        if key in {
            normalise_name(zone.code),
            normalise_name(zone.eia_code),
            normalise_name(zone.name),
        }:
            return zone
    choices = [z.code for z in hourly_zones().values()] + [
        z.eia_code for z in hourly_zones().values()
    ]
    raise UnknownNameError("hourly zone", name, choices, hint="zones with hourly grid data")


def _ba_reason(region_id: str) -> str:
    """Why the region's balancing authority is what ``cloud_regions.csv`` says (its notes)."""

    notes = cloud_regions().get(region_id, {}).get("notes", "")
    for part in notes.split(";"):
        part = part.strip()
        if part.startswith("balancing authority:"):
            return part.removeprefix("balancing authority:").strip()
    return ""


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
    zones = hourly_zones()
    chain = location.zones()
    for code in chain:
        if code not in zones:
            continue
        zone = zones[code]
        if code == location.id:
            return zone, ""
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
        return zone, f"hourly zone {zone.code} used for {location.id}: {how}"
    raise MissingDataError(
        f"no hourly grid data for {location.id}: none of its grid zones "
        f"({', '.join(chain)}) has an hourly file (hourly zones are {', '.join(zones)}); give "
        "a grid zone (grid=, --grid-zone) or an hourly series (--grid-file)"
    )


def outside_note(zone: HourlyZone, region: str | None) -> list[str]:
    """A note when an hourly zone given by name is not one of the region's grid zones.

    Empty when ``region`` is None or the zone is one of its grid zones. Used by
    :func:`account_hourly` and :func:`footprint.analyses.scheduling.schedule`.
    """
    if region is None:
        return []
    location = _resolve(region)
    if zone.code in location.zones():
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
        if location.zone in hourly_zones():
            zone = hourly_zones()[location.zone]
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
        True where the hour was gap-filled.
    source, dataset : str
        Provenance; ``basis`` is ``lifecycle`` or as stated by the user.
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
    _cache: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)

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
        years = sorted(set(hours[position < 0].year))
        shown = ", ".join(str(y) for y in years)
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


def _hourly_path(zone: str, year: int) -> Path:
    return datasets_dir() / "hourly" / f"{zone}_{year}.csv.gz"


@cache
def _load(zone: str, year: int) -> HourlyGrid:
    import pandas as pd

    path = _hourly_path(zone, year)
    if not path.is_file():
        raise DataError(f"hourly grid file missing: {path.name} in {path.parent}")
    verify_file(path)  # schema and manifest checksum, once per process
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        table = pd.read_csv(fh)
    hours = pd.DatetimeIndex(pd.to_datetime(table["timestamp_utc"], utc=True))
    meta = hourly_zones()[zone]
    return HourlyGrid(
        zone=zone,
        year=year,
        hours=hours,
        intensity=table["intensity_g_per_kwh"].to_numpy(float),
        shares=table[_SHARE_COLUMNS].to_numpy(float),
        generation_mwh=table["generation_mwh"].to_numpy(float),
        estimated=table["estimated"].to_numpy(int).astype(bool),
        source=meta.source,
        dataset=f"hourly/{path.name}:{meta.dataset}",
        basis="lifecycle",
    )


def hourly_grid(zone: str, year: int | None = None, *, strict_year: bool = False) -> HourlyGrid:
    """Hourly intensity and mix of ``zone`` (id, EIA code or name) in ``year``.

    A year without data takes the nearest year with a note (``strict_year`` raises).
    """
    meta = find_hourly_zone(zone)
    year = check_year_value(year, "year")
    used, note = choose_year(meta.years, year, f"hourly grid of {meta.code}", bool(strict_year))
    grid = _load(meta.code, used)
    return replace(grid, notes=(note,)) if note else grid
