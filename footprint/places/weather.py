"""Weather for on-site solar: clear sky scaled by a site's clearness, or a weather file.

The clear-sky model takes a clear-sky index (:func:`clearness_factor`) from the user, from
the reference stations of ``solar_clearness.csv`` (:func:`clearness_sites`, annual), or,
anywhere else on land, from the nearest point of the global grid of monthly indices of
``solar_clearness_grid.csv`` (:func:`clearness_grid`, NASA MERRA-2);
weather files (TMY3, TMY2, EPW, PVGIS) are read with ``pvlib.iotools``
(:func:`read_weather`) into hour-start UTC frames. Typical-year data are laid onto calendar
hours by :func:`hour_of_year`. The PV model that uses them is :mod:`footprint.places.solar`.
"""

from __future__ import annotations

import importlib.util
import math
import os
from dataclasses import dataclass, replace
from functools import cache, lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from footprint.core import units
from footprint.core.errors import DataError, InputError, UnknownNameError
from footprint.core.extras import require
from footprint.core.files import read_bytes
from footprint.core.provenance import Factor, user_factor
from footprint.data.loader import read_records

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

    from footprint.places.solar import SolarSite

__all__ = [
    "Weather",
    "WEATHER_FORMATS",
    "REFERENCE_RADIUS_KM",
    "MAX_WEATHER_BYTES",
    "clearness_factor",
    "clearness_sites",
    "clearness_grid",
    "monthly_clearness",
    "GRID_RADIUS_KM",
    "GRID_SUBSTITUTE_KM",
    "clearsky_weather",
    "read_weather",
    "pvlib_sample",
    "hour_of_year",
    "weather_for",
    "distance_km",
    "check_fraction",
    "import_pvlib",
]

#: Weather-file formats read through pvlib.iotools.
WEATHER_FORMATS = ("tmy3", "tmy2", "epw", "pvgis")

#: Largest distance [km] at which a reference site's clear-sky index is used by default
#: for another location: TMY stations stand for their surrounding metro area (the
#: ``regions`` column of ``solar_clearness.csv`` lists the cloud regions whose metro lies
#: within it). PVWatts' legacy station search took the nearest TMY station at any
#: distance; footprint caps it and always notes the distance. Beyond it, give
#: ``clearness`` or a weather file.
REFERENCE_RADIUS_KM = 50.0

#: Largest distance [km] from the array to a point of the global grid
#: (``solar_clearness_grid.csv``, 3 x 3 degrees) for its index to be the sourced default:
#: half the diagonal of a 3 x 3 degree cell at the equator (236 km), rounded up, so any
#: place inside a cell with data is covered.
GRID_RADIUS_KM = 250.0

#: Beyond :data:`GRID_RADIUS_KM` and up to this distance [km] the nearest grid point is
#: used as an explicit substitution stated in the result's notes (small islands and sites
#: offshore: the grid holds land and near-land cells only); farther (remote islands such as
#: Hawaii, beyond 72° N or 57° S, open sea) it still stands in, noted as a rough
#: substitution with its distance and what to give instead.
GRID_SUBSTITUTE_KM = 500.0

#: The grid's dataset.
GRID_FILE = "solar_clearness_grid.csv"

_EARTH_RADIUS_KM = 6371.0088  # IUGG mean Earth radius


def import_pvlib() -> Any:
    """The ``pvlib`` package, imported on first use (it is slow to import); without the
    ``solar`` extra, a :class:`~footprint.core.extras.MissingExtraError`."""
    return require("pvlib", "solar", "on-site solar")


def check_fraction(value: Any, name: str, *, upper_open: bool = True) -> float:
    """A fraction from 0.14, "0.14" or "14 %" (pint's percent), checked in [0, 1)."""
    q = units.parse_quantity(value, "dimensionless", "dimensionless", name)
    x = float(q.m_as(""))
    if x < 0 or x > 1 or (upper_open and x == 1):
        span = "[0, 1)" if upper_open else "[0, 1]"
        raise InputError(
            f"{name}: expected a fraction in {span} (e.g. 0.14 or '14 %'), got {value}"
        )
    return x


# --- clearness -----------------------------------------------------------------------------


@cache
def clearness_sites() -> dict[str, dict[str, str]]:
    """Reference sites of ``solar_clearness.csv`` by id."""
    return {row["site"]: row for row in read_records("solar_clearness")}


@cache
def _site_of_region() -> dict[str, str]:
    """Cloud region id -> the reference site that stands for it (``regions`` column)."""
    out: dict[str, str] = {}
    for site_id, row in clearness_sites().items():
        for region in filter(None, row.get("regions", "").split(";")):
            if region in out:
                raise DataError(
                    f"solar_clearness.csv: {region} listed by both {out[region]} and {site_id}"
                )
            out[region] = site_id
    return out


@dataclass(frozen=True)
class _Grid:
    """The grid's rows by cell id and their coordinates as arrays (for the nearest point)."""

    rows: dict[str, dict[str, str]]
    ids: tuple[str, ...]
    latitude: Any
    longitude: Any


@cache
def _grid() -> _Grid:
    import numpy as np

    rows = {row["cell"]: row for row in read_records("solar_clearness_grid")}
    ids = tuple(rows)
    lat = np.array([float(rows[c]["latitude"]) for c in ids])
    lon = np.array([float(rows[c]["longitude"]) for c in ids])
    return _Grid(rows, ids, lat, lon)


def clearness_grid() -> dict[str, dict[str, str]]:
    """Points of ``solar_clearness_grid.csv`` (monthly clear-sky indices) by cell id."""
    return _grid().rows


def _nearest_cell(site: SolarSite) -> tuple[dict[str, str], float]:
    """The grid point nearest to ``site`` and its great-circle distance [km]."""
    import numpy as np

    grid = _grid()
    p1, p2 = math.radians(site.latitude), np.radians(grid.latitude)
    dl = np.radians(grid.longitude - site.longitude)
    a = np.sin((p2 - p1) / 2) ** 2 + math.cos(p1) * np.cos(p2) * np.sin(dl / 2) ** 2
    km = 2 * _EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.clip(a, 0.0, 1.0)))
    best = int(np.argmin(km))
    return grid.rows[grid.ids[best]], float(km[best])


def _monthly(row: dict[str, str]) -> tuple[float, ...]:
    """A grid row's 12 monthly indices; a blank month (polar night) takes the annual one."""
    annual = float(row["clearness"])
    return tuple(
        float(row[f"clearness_m{m:02d}"]) if row[f"clearness_m{m:02d}"] else annual
        for m in range(1, 13)
    )


def _cell_label(row: dict[str, str]) -> str:
    lat, lon = float(row["latitude"]), float(row["longitude"])
    return (
        f"{GRID_FILE} grid point {row['cell']} ({abs(lat):g}° {'N' if lat >= 0 else 'S'}, "
        f"{abs(lon):g}° {'E' if lon >= 0 else 'W'})"
    )


def _cell_factor(row: dict[str, str], note: str, km: float | None, substituted: bool) -> Factor:
    monthly = _monthly(row)
    extra: dict[str, Any] = {
        "method": (
            "monthly mean all-sky GHI (NASA MERRA-2 2011-2015, 3 x 3 degree grid) / monthly "
            "mean pvlib Ineichen clear-sky GHI at the grid point; value = annual index, "
            "the model uses the monthly ones"
        ),
        "grid_point": row["cell"],
        "monthly_clearness": " ".join(f"{k:.3f}" for k in monthly),
    }
    if km is not None:
        extra["distance_km"] = round(km, 1)
    if substituted:
        extra["substitution"] = (
            f"no grid point within {GRID_RADIUS_KM:g} km: nearest one used ({km:.0f} km)"
        )
    return Factor(
        name="clearness",
        value=units.Q_(float(row["clearness"]), ""),
        origin="dataset",
        source=row["source"],
        dataset=GRID_FILE,
        zone=row["cell"],
        note=note,
        extra=extra,
    )


def monthly_clearness(factor: Factor) -> tuple[float, ...] | None:
    """The 12 monthly indices behind a grid factor (None for an annual one)."""
    if factor.dataset != GRID_FILE or factor.zone not in clearness_grid():
        return None
    return _monthly(clearness_grid()[str(factor.zone)])


def distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance [km] between two points given in decimal degrees."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * _EARTH_RADIUS_KM * math.asin(math.sqrt(a))


def _site_km(row: dict[str, str], site: SolarSite | None) -> float | None:
    if site is None:
        return None
    return distance_km(
        site.latitude, site.longitude, float(row["latitude"]), float(row["longitude"])
    )


def _site_factor(site_id: str, note: str = "", km: float | None = None) -> Factor:
    row = clearness_sites()[site_id]
    extra: dict[str, Any] = {
        "method": row["method"],
        "reference_site": row["name"],
        "scope": row.get("scope", ""),
    }
    if row.get("source_url"):
        extra["source_url"] = row["source_url"]
    if km is not None:
        extra["distance_km"] = round(km, 1)
    return Factor(
        name="clearness",
        value=units.Q_(float(row["clearness"]), ""),
        origin="dataset",
        source=row["source"],
        dataset="solar_clearness.csv",
        zone=site_id,
        note=note,
        extra=extra,
    )


def _row_label(row: dict[str, str]) -> str:
    scope = row.get("scope") or "station"
    return f"solar_clearness.csv row {row['site']} ({row['name']}; {scope})"


def clearness_factor(value: Any = None, site: SolarSite | None = None) -> Factor:
    """Clear-sky index (all-sky / clear-sky GHI) for the clear-sky weather model.

    Parameters
    ----------
    value : float, str or None
        A number in (0, 1] (the user's factor), the id of a reference site of
        ``solar_clearness.csv`` (e.g. ``"greensboro-nc"``) or of a point of
        ``solar_clearness_grid.csv`` (e.g. ``"N51E012"``) to borrow its factor.
        ``None`` picks the sourced factor for ``site``: the row that lists the site's cloud
        region (``regions`` column, when the site is a cloud region's metro), else the
        nearest reference site within :data:`REFERENCE_RADIUS_KM`, else the nearest point of
        the global grid (monthly indices) within :data:`GRID_RADIUS_KM`, else, as a noted
        substitution, the nearest grid point (marked rough beyond
        :data:`GRID_SUBSTITUTE_KM`).
    site : SolarSite, optional
        The array's location (needed when ``value`` is None).

    Returns
    -------
    Factor
        Value: the annual index; for a grid point, :func:`monthly_clearness` gives the
        monthly indices the model uses. Note and ``extra`` say which station or grid point,
        how far away, and whether it is a substitution.

    Raises
    ------
    MissingDataError
        When no sourced factor covers the location; the message lists the ways out.
    """
    if value is not None:
        text = str(value).strip()
        if text in clearness_sites():
            row = clearness_sites()[text]
            km = _site_km(row, site)
            where = f", {km:.0f} km from the array" if km is not None else ""
            return _site_factor(text, f"{_row_label(row)} chosen by the user{where}", km)
        if text.upper() in clearness_grid():
            cell = clearness_grid()[text.upper()]
            km = None
            if site is not None:
                km = distance_km(
                    site.latitude,
                    site.longitude,
                    float(cell["latitude"]),
                    float(cell["longitude"]),
                )
            where = f", {km:.0f} km from the array" if km is not None else ""
            return _cell_factor(cell, f"{_cell_label(cell)} chosen by the user{where}", km, False)
        try:
            x = check_fraction(value, "clearness", upper_open=False)
        except InputError:
            raise UnknownNameError(
                "clearness reference site",
                text,
                clearness_sites(),
                hint="or give a number in (0, 1]",
            ) from None
        if x <= 0:
            raise InputError("clearness: must be greater than zero")
        return user_factor("clearness", units.Q_(x, ""), "clearness")
    if site is None:
        raise InputError("clearness: give a value or the array's site")
    by_region = _site_of_region()
    if site.name in by_region:
        row = clearness_sites()[by_region[site.name]]
        km = _site_km(row, site)
        return _site_factor(
            row["site"],
            f"{_row_label(row)} stands for {site.name}: {km:.0f} km from its metro",
            km,
        )
    best = min(clearness_sites().values(), key=lambda r: _site_km(r, site) or 0.0)
    km = _site_km(best, site) or 0.0
    if km <= REFERENCE_RADIUS_KM:
        return _site_factor(
            best["site"], f"nearest reference: {_row_label(best)}, {km:.0f} km away", km
        )
    cell, cell_km = _nearest_cell(site)
    station = (
        f"no reference station within {REFERENCE_RADIUS_KM:g} km "
        f"(nearest {best['site']}, {km:.0f} km)"
    )
    if cell_km <= GRID_RADIUS_KM:
        return _cell_factor(
            cell,
            f"nearest {_cell_label(cell)}, {cell_km:.0f} km away; {station}",
            cell_km,
            False,
        )
    if cell_km <= GRID_SUBSTITUTE_KM:
        return _cell_factor(
            cell,
            f"substituted: no grid point within {GRID_RADIUS_KM:g} km (the grid covers land "
            f"and near-land cells, 57° S-72° N); the nearest, {_cell_label(cell)}, "
            f"{cell_km:.0f} km away, is used; {station}",
            cell_km,
            True,
        )
    return _cell_factor(
        cell,
        f"substituted, rough: no data within {GRID_SUBSTITUTE_KM:g} km (the grid covers land "
        f"and near-land cells, 57° S-72° N; this site is a remote island, polar or at sea); "
        f"the nearest point, {_cell_label(cell)}, {cell_km:,.0f} km away and possibly another "
        f"climate, stands in; {station}; for a figure to defend give clearness (e.g. 0.75) or "
        "a weather file (TMY3, TMY2, EPW or PVGIS, e.g. from PVGIS or NREL's NSRDB)",
        cell_km,
        True,
    )


@dataclass(frozen=True)
class Weather:
    """Hourly weather for the array, or the clear-sky model with its clearness factor.

    Attributes
    ----------
    kind : str
        ``"clearsky"`` or the file format (``tmy3``, ``tmy2``, ``epw``, ``pvgis``).
    clearness : Factor or None
        Annual clear-sky index scaling the clear-sky model (``clearsky`` only).
    monthly : tuple of 12 floats or None
        Monthly clear-sky indices (January first) that replace the annual one hour by hour
        (a grid point of ``solar_clearness_grid.csv``), or None.
    data : DataFrame or None
        Hour-start UTC index; ``ghi``, ``dni``, ``dhi`` [W/m²], ``temp_air`` [°C],
        ``wind_speed`` [m/s] (files only).
    latitude, longitude, altitude : float or None
        The file's location (files only).
    source : str
        File name or model description, for provenance.
    notes : tuple[str, ...]
        Conventions applied when reading.
    """

    kind: str
    clearness: Factor | None = None
    monthly: tuple[float, ...] | None = None
    data: Any = None
    latitude: float | None = None
    longitude: float | None = None
    altitude: float | None = None
    source: str = ""
    notes: tuple[str, ...] = ()

    def factor(self) -> Factor:
        """The weather as a factor (clear-sky index, or the file used)."""
        if self.clearness is not None:
            return self.clearness
        ghi = self.data["ghi"].sum() / 1000.0 * 8760 / len(self.data)
        return Factor(
            name="weather",
            value=units.Q_(float(ghi), "kWh/m^2"),
            origin="user",
            source=f"weather file given by the user: {self.source}",
            note=f"{self.kind.upper()} file; value = annual global horizontal irradiation",
            extra={"format": self.kind},
        )


def clearsky_weather(clearness: Any = None, site: SolarSite | None = None) -> Weather:
    """Clear-sky weather scaled by a clearness factor (see :func:`clearness_factor`)."""
    factor = clearness if isinstance(clearness, Factor) else clearness_factor(clearness, site)
    return Weather(
        kind="clearsky",
        clearness=factor,
        monthly=monthly_clearness(factor),
        source="Ineichen-Perez clear sky with pvlib's Linke turbidity climatology, x clearness",
    )


def _detect_format(path: Path, data: bytes) -> str:
    suffix = path.suffix.lower()
    if suffix == ".epw":
        return "epw"
    if suffix == ".tm2":
        return "tmy2"
    if suffix == ".json":
        return "pvgis"
    if suffix == ".csv":
        head = data.split(b"\n", 1)[0].decode("utf-8", errors="replace")
        if head.lower().startswith("latitude") or "pvgis" in head.lower():
            return "pvgis"
        if len(head.split(",")) == 7:  # TMY3 header: USAF,Name,State,TZ,lat,lon,alt
            return "tmy3"
        return "pvgis"
    raise InputError(
        f"weather file {path.name}: cannot tell its format from the name; give the format "
        f"({', '.join(WEATHER_FORMATS)})"
    )


def read_weather(path: str | Path, fmt: str | None = None) -> Weather:
    """Read a TMY3, TMY2, EPW or PVGIS (TMY csv/json/epw) weather file with pvlib.iotools.

    Timestamps are converted to hour-start UTC: TMY3 stamps are hour-ending local
    standard time; pvlib returns TMY2 and EPW hours already as hour-start local
    standard time; PVGIS stamps are UTC and taken as the hour's start.

    Parameters
    ----------
    path : str or Path
        The file; a bare name that is no file here but one of pvlib's weather samples
        (:func:`pvlib_sample`, e.g. ``723170TYA.CSV``) is read from pvlib's data folder,
        with a note.
    fmt : {"tmy3", "tmy2", "epw", "pvgis"}, optional
        Format; detected from the extension (and the first line of a .csv) otherwise.
    """
    if not isinstance(path, (str, os.PathLike)):
        raise InputError(f"weather file: expected a file name, got {type(path).__name__}")
    if fmt is not None and (not isinstance(fmt, str) or fmt not in WEATHER_FORMATS):
        raise UnknownNameError("weather format", str(fmt), WEATHER_FORMATS)
    sample = None if Path(path).exists() else pvlib_sample(path)
    if sample is not None:
        path = sample
    data = read_bytes(path, "weather file", max_bytes=MAX_WEATHER_BYTES)
    file = Path(path)
    kind = fmt or _detect_format(file, data)
    try:
        data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(
            f"weather file: {str(path)!r} is not UTF-8 text (byte 0x{data[exc.start]:02x} at "
            f"offset {exc.start}); save it as UTF-8"
        ) from None
    weather = _read_weather(file.name, data, kind)
    notes = weather.notes
    if sample is not None:
        notes = (f"weather file {file.name}: the sample shipped with pvlib ({sample})", *notes)
    return replace(weather, data=weather.data.copy(), notes=notes)


#: Extensions of the weather samples in pvlib's ``data`` folder.
_SAMPLE_SUFFIXES = (".csv", ".tm2", ".epw")


def pvlib_sample(name: str | os.PathLike[str]) -> Path | None:
    """pvlib's bundled weather sample named ``name`` (a bare file name such as
    ``723170TYA.CSV``, Greensboro NC's TMY3), or ``None``.

    The samples sit in pvlib's ``data`` folder (``python -c "import pvlib, pathlib;
    print(pathlib.Path(pvlib.__file__).parent / 'data')"``); a bare name that is no file
    here is looked up there, so the documented example runs as written.
    """
    bare = Path(name)
    if bare.name != str(name) or bare.suffix.lower() not in _SAMPLE_SUFFIXES:
        return None
    spec = importlib.util.find_spec("pvlib")
    if spec is None or spec.origin is None:
        return None
    sample = Path(spec.origin).parent / "data" / bare.name
    return sample if sample.is_file() else None


#: Largest weather file read: an hourly year is 1-2 MB as TMY3/EPW, 3 MB as PVGIS JSON.
MAX_WEATHER_BYTES = 64 * 2**20


@lru_cache(maxsize=8)
def _read_weather(name: str, content: bytes, kind: str) -> Weather:
    """Parse the bytes of a weather file (cached by name and content).

    pvlib reads the checked bytes from a private copy, never the user's path, so a
    file that changes, or a FIFO or device put in its place, cannot reach pvlib.
    """
    import tempfile

    with tempfile.TemporaryDirectory(prefix="footprint-weather-") as folder:
        copy = Path(folder) / (Path(name).name or "weather")
        copy.write_bytes(content)
        try:
            return _parse_weather(copy, kind)
        except (ValueError, TypeError, KeyError, IndexError, AttributeError, OverflowError) as exc:
            reason = str(exc).splitlines()[0][:200] if str(exc) else type(exc).__name__
            raise DataError(
                f"weather file {copy.name}: cannot read it as {kind.upper()} ({reason})"
            ) from None


def _parse_weather(file: Path, kind: str) -> Weather:
    """Parse weather file ``file`` (a private copy) as ``kind`` with pvlib.iotools."""
    import pandas as pd

    io = import_pvlib().iotools
    notes = []
    try:
        if kind == "tmy3":
            data, meta = io.read_tmy3(file, coerce_year=_TYPICAL_YEAR, map_variables=True)
            index = data.index - pd.Timedelta("1h")
            notes.append("TMY3 hour-ending local standard times shifted to hour-start UTC")
            lat, lon, alt = meta["latitude"], meta["longitude"], meta["altitude"]
        elif kind == "tmy2":
            data, meta = io.read_tmy2(file)
            data = data.rename(columns={"GHI": "ghi", "DNI": "dni", "DHI": "dhi"})
            data["temp_air"] = data["DryBulb"] / 10.0  # tenths of °C in TMY2
            data["wind_speed"] = data["Wspd"] / 10.0  # tenths of m/s in TMY2
            index = data.index
            lat, lon, alt = meta["latitude"], meta["longitude"], meta["altitude"]
        elif kind == "epw":
            data, meta = io.read_epw(file, coerce_year=_TYPICAL_YEAR)
            index = data.index
            lat, lon, alt = meta["latitude"], meta["longitude"], meta["altitude"]
        else:
            data, meta = io.read_pvgis_tmy(file, map_variables=True)
            index = data.index
            notes.append(
                "PVGIS UTC stamps taken as the start of each hour (its values stand at the "
                "stamp plus PVGIS' irradiance time offset, within that hour)"
            )
            inputs = meta.get("inputs", meta) if isinstance(meta, dict) else {}
            loc = inputs.get("location", inputs) if isinstance(inputs, dict) else {}
            lat = loc.get("latitude")
            lon = loc.get("longitude")
            alt = loc.get("elevation")
    except (OSError, ValueError, KeyError, IndexError, TypeError) as exc:
        if isinstance(exc, KeyError):
            reason = f"no {exc} field"
        elif isinstance(exc, IndexError):
            reason = "too few lines or fields"
        else:
            reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise DataError(
            f"weather file {file.name}: cannot read it as {kind.upper()} ({reason}); check "
            f"the file or its format ({', '.join(WEATHER_FORMATS)}; --weather-format)"
        ) from None
    index = _coerce_year(pd.DatetimeIndex(index))
    missing = [c for c in ("ghi", "dni", "dhi", "temp_air", "wind_speed") if c not in data]
    if missing:
        raise DataError(f"weather file {file.name}: no {', '.join(missing)} column")
    frame = data[["ghi", "dni", "dhi", "temp_air", "wind_speed"]].astype(float).copy()
    frame.index = index.tz_convert("UTC")
    if (
        frame[["ghi", "dni", "dhi"]].isna().any().any()
        or (frame[["ghi", "dni", "dhi"]] < 0).any().any()
    ):
        raise DataError(f"weather file {file.name}: missing or negative irradiance values")
    return Weather(
        kind=kind,
        data=frame,
        latitude=None if lat is None else float(lat),
        longitude=None if lon is None else float(lon),
        altitude=None if alt is None else float(alt),
        source=file.name,
        notes=tuple(notes),
    )


#: Non-leap year onto which typical-year files are coerced before converting to UTC, so
#: that months taken from leap years keep a consistent calendar.
_TYPICAL_YEAR = 2021


def _coerce_year(index: pd.DatetimeIndex) -> pd.DatetimeIndex:
    """The same local month, day and time in :data:`_TYPICAL_YEAR`.

    TMY months come from different years; a 29 February row (TMY files have none)
    is an error.
    """
    import pandas as pd

    if ((index.month == 2) & (index.day == 29)).any():
        raise DataError("weather file: 29 February rows in a typical-year file")
    naive = pd.to_datetime(
        {
            "year": [_TYPICAL_YEAR] * len(index),
            "month": index.month,
            "day": index.day,
            "hour": index.hour,
            "minute": index.minute,
        }
    )
    return pd.DatetimeIndex(naive).tz_localize(index.tz)


def hour_of_year(times: Any) -> Any:
    """Hour of a non-leap year (0-8759) of each UTC hour; 29 February maps to the 28th.

    The key that lays a year of hourly data (grid or typical-year weather) onto any
    calendar year: same month, day and UTC hour. Here, below :mod:`footprint.places.solar` and
    :mod:`footprint.places.hourly_grid` (which use it for weather and grid years; solar and hourly
    re-export it), so that solar never imports hourly.
    """
    import numpy as np

    month = np.asarray(times.month)
    day = np.asarray(times.day)
    day = np.where((month == 2) & (day == 29), 28, day)
    starts = np.array([0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334])
    return (starts[month - 1] + day - 1) * 24 + np.asarray(times.hour)


def weather_for(weather: Weather, times: pd.DatetimeIndex) -> tuple[pd.DataFrame, list[str]]:
    """The file's weather on ``times``: exact hours when covered, else by hour of year.

    Used by the PV model (:mod:`footprint.places.solar`).
    """
    import pandas as pd

    data = weather.data
    keys = hour_of_year(data.index)
    table = pd.DataFrame(data.to_numpy(), columns=data.columns)
    table["key"] = keys
    table = table.drop_duplicates("key").set_index("key")
    want = hour_of_year(times)
    absent = sorted(set(want) - set(table.index))
    if absent:
        raise DataError(
            f"weather file {weather.source}: {len(absent)} hours of the year missing "
            "(a full hourly year is needed)"
        )
    out = table.loc[want]
    out.index = times
    note = (
        f"weather file {weather.source} laid onto the requested hours by month, day and UTC "
        "hour (typical-year data)"
    )
    return out, [note]
