"""Hour-by-hour accounting: hourly grid intensity and mix, load profiles, on-site solar.

Annual averages hide a large daily swing in grid intensity. This module accounts for a
job hour by hour:

- **hourly grid data** (:func:`hourly_grid`): lifecycle carbon intensity and generation
  mix for every hour of a year, for the zones of ``datasets/hourly/zones.csv`` (US
  balancing authorities, EIA-930), read from compact gzip CSVs; hourly EWIF from the
  hourly mix with :func:`footprint.water.ewif_from_mix`. Your own hourly series (a CSV
  of timestamp and intensity) works too (:meth:`HourlyGrid.from_csv`).
- **load profiles** (:class:`LoadProfile`): a job's start, duration and power, a
  workload such as :class:`~footprint.GpuJob`, or a CSV of timestamp and power; every
  profile is turned into the IT energy of each UTC hour by integrating its power steps
  exactly, so energy is conserved whatever the sampling.
- **accounting** (:func:`account_hourly`): facility energy = IT energy x PUE per hour;
  on-site PV (:mod:`footprint.solar`) serves the load first; the grid supplies the rest;
  CO2e and off-site water follow the hourly intensity and EWIF. The result shows the
  hourly figure next to footprint's annual-average figure and their difference.

Time: data and computation use the start of each hour in UTC; outputs add the local
time of the region (cloud region or zone time zone, IANA), or of ``timezone=``.

Formulas (written once; CO2e and water through :func:`footprint.accounting.account`)::

    facility_h   = it_h x PUE
    solar_used_h = min(pv_h, facility_h)            (energy balance, every hour)
    grid_h       = facility_h - solar_used_h
    surplus_h    = pv_h - solar_used_h              (exported; no credit unless asked)
    co2e         = sum_h grid_h x intensity_h       (- surplus_h x intensity_h if offset)
    water        = it x WUE + sum_h grid_h x EWIF_h
"""

from __future__ import annotations

import gzip
import os
from dataclasses import dataclass, field, replace
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from footprint import units
from footprint.accounting import account
from footprint.data import choose_year, datasets_dir, read_records, verify_file
from footprint.engine import Footprint
from footprint.errors import DataError, InputError, MissingDataError, UnitError, UnknownNameError
from footprint.hardware import normalise_name
from footprint.provenance import Factor
from footprint.solar import hour_of_year
from footprint.water import (
    HYDRO_TREATMENTS,
    TECHNOLOGIES,
    HydroTreatment,
    ewif_from_mix,
    technology_factors,
)

if TYPE_CHECKING:  # pragma: no cover
    import numpy as np
    import pandas as pd

    from footprint.site import Site, SiteFactors
    from footprint.solar import OnSiteSolar

__all__ = [
    "HourlyZone",
    "HourlyGrid",
    "LoadProfile",
    "HourlyFootprint",
    "SURPLUS_TREATMENTS",
    "HOURLY_UNITS",
    "hourly_zones",
    "find_hourly_zone",
    "hourly_grid",
    "region_timezone",
    "hour_of_year",
    "energy_balance",
    "account_hourly",
    "zone_for_region",
    "outside_note",
    "check_timezone",
    "parse_time",
    "annual_site",
]

#: What happens to PV output the load cannot use: ``ignore`` (exported, no credit;
#: the default, as GHG Protocol Scope 2 location-based accounting counts only energy
#: consumed) or ``offset`` (credited at the hour's grid intensity).
SURPLUS_TREATMENTS = ("ignore", "offset")

#: Canonical units of hourly results (the JSON contract).
HOURLY_UNITS: dict[str, str] = {
    "it_energy": "kWh",
    "facility_energy": "kWh",
    "grid_energy": "kWh",
    "solar_generation": "kWh",
    "solar_used": "kWh",
    "solar_surplus": "kWh",
    "solar_share": "",
    "co2e": "kgCO2e",
    "co2e_annual": "kgCO2e",
    "co2e_difference": "kgCO2e",
    "co2e_difference_share": "",
    "co2e_no_solar": "kgCO2e",
    "co2e_flat": "kgCO2e",
    "co2e_timing": "kgCO2e",
    "co2e_solar_avoided": "kgCO2e",
    "co2e_surplus_credit": "kgCO2e",
    "water": "L",
    "water_onsite": "L",
    "water_offsite": "L",
    "water_annual": "L",
    "water_solar_avoided": "L",
}

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
    """``footprint.regions.resolve_region``, cached (it is called for zone and time zone)."""
    from footprint.regions import resolve_region

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
    from footprint.regions import cloud_regions

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
    hourly zone. Shared by :func:`account_hourly`, :func:`footprint.scheduling.schedule` and
    batch's hourly mode (``footprint.batch``), so all three pick the same zone.
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
    :func:`account_hourly` and :func:`footprint.scheduling.schedule`.
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


def check_timezone(name: str) -> str:
    """``name`` if it is an IANA time zone name, else an :class:`InputError`.

    Checks a user's ``timezone=`` argument; used here and by
    :func:`footprint.scheduling.schedule`.
    """
    import zoneinfo

    if not isinstance(name, str) or not name.strip():
        raise InputError(
            f"timezone: expected an IANA time zone name such as 'UTC' or 'Europe/Paris', "
            f"got {name!r}"[:200]
        )
    try:
        zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError, OSError):  # "US" is a folder
        raise InputError(
            f"timezone: unknown IANA time zone {name!r} (e.g. 'UTC', 'Europe/Paris', "
            "'America/New_York')"
        ) from None
    return name


def _dst_message(exc: Exception, timezone: str) -> str:
    """A DST error of pandas in words (without its keyword-argument advice)."""
    import re

    text = str(exc)
    found = re.search(r"\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}(:\d{2})?", text)
    when = found.group(0) if found else "a time"
    if "nonexistent" in text:
        what = f"{when} does not exist in {timezone} (clocks go forward)"
    elif "dst" in text.lower() or "ambiguous" in text.lower():
        what = f"{when} happens twice in {timezone} (clocks go back)"
    else:
        return f"{text} ({timezone})"
    return f"{what}; write times with their UTC offset (ISO 8601, e.g. '...T01:30-04:00')"


#: A UTC offset (or Z) at the end of an ISO 8601 time.
_OFFSET = r"(?:[zZ]|[+-]\d{2}(?::?\d{2})?)$"

#: Shortest load or job footprint accounts [s]: timestamps resolve nanoseconds, but a
#: job shorter than a second has no meaning for hour-by-hour accounting.
MIN_DURATION_S = 1.0

#: Longest span of a load profile or scheduling window [h]: five years (of 366 days).
#: The hourly grid data of a zone is one year, laid onto other years by month, day
#: and hour; a longer span is almost always a unit typed wrongly ("1e12 h").
MAX_SPAN_H = 5 * 366 * 24.0


def check_span(hours: float, name: str) -> float:
    """``hours`` if it lies within [:data:`MIN_DURATION_S`, :data:`MAX_SPAN_H`], else
    an :class:`InputError` stating the limit."""
    import math

    if not math.isfinite(hours) or hours > MAX_SPAN_H:
        raise InputError(
            f"{name}: {hours:g} h is longer than the {MAX_SPAN_H:g} h (5 years) hourly "
            "accounting covers"
        )
    if hours * 3600.0 < MIN_DURATION_S:
        raise InputError(
            f"{name}: {hours * 3600.0:g} s is shorter than the {MIN_DURATION_S:g} s hourly "
            "accounting resolves"
        )
    return hours


def _check_year_value(year: Any, name: str) -> int | None:
    """A year of hourly data: ``None`` or a whole number (nearest year with data used)."""
    from numbers import Real

    if year is None:
        return None
    ok = not isinstance(year, bool) and isinstance(year, Real)
    try:  # a huge int compares without overflow; NaN fails the comparison
        ok = ok and -10_000 < year < 10_000 and float(year).is_integer()
    except (OverflowError, ValueError, TypeError):
        ok = False
    if not ok:
        raise InputError(f"{name}: expected a calendar year, got {year!r}"[:200])
    return int(year)


def _check_finite_energy(energy: Any, name: str) -> None:
    """Energies that overflowed (a huge power) are an error, not infinity in results."""
    import numpy as np

    if not np.isfinite(np.asarray(energy, dtype=float)).all():
        raise InputError(f"{name}: too large; the energy it gives is not a finite number")


def _add_span(t0: pd.Timestamp, hours: float, name: str) -> pd.Timestamp:
    """``t0`` plus ``hours``, or an :class:`InputError` beyond pandas' calendar (2262)."""
    import pandas as pd

    try:
        end = t0 + pd.Timedelta(seconds=hours * 3600.0)
        t0.as_unit("ns"), end.as_unit("ns")  # nanosecond timestamps end in 2262
        return end
    except (OverflowError, ValueError, pd.errors.OutOfBoundsDatetime):
        raise InputError(
            f"{name}: {t0.isoformat()} plus {hours:g} h is beyond the dates footprint handles "
            "(up to 2262)"
        ) from None


def _parse_stamps(values: Any, what: str) -> pd.DatetimeIndex:
    """Timestamps of a file: all with UTC offsets (any mix of offsets, e.g. across a DST
    change, converted to UTC) or all without (returned naive). Errors name the row."""
    import contextlib
    import re
    import warnings

    import numpy as np
    import pandas as pd

    items = list(values)
    # the fast path: one parse of the whole column; on failure, row by row below
    with contextlib.suppress(ValueError, TypeError, OverflowError), warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # "could not infer format"
        return pd.DatetimeIndex(pd.to_datetime(items, utc=False))
    for i, v in enumerate(items, start=1):  # the first unreadable value, by row
        try:
            readable = pd.Timestamp(v) is not pd.NaT
        except (ValueError, TypeError, OverflowError):
            readable = False
        if not readable:
            raise InputError(f"{what}: cannot read {v!r} (row {i}) as a date and time (ISO 8601)")
    texts = [str(v).strip() for v in items]
    aware = np.array(
        [
            v.tzinfo is not None if isinstance(v, pd.Timestamp) else bool(re.search(_OFFSET, t))
            for v, t in zip(items, texts, strict=True)
        ]
    )
    if aware.all():
        return pd.DatetimeIndex(pd.to_datetime(texts, utc=True))
    if aware.any():
        first = int(np.argmin(aware))
        raise InputError(
            f"{what}: some timestamps have a UTC offset and others not (row {first + 1}: "
            f"{texts[first]!r}); write all with offsets, or none and give their time zone"
        )
    raise InputError(f"{what}: cannot read the timestamps as dates and times (ISO 8601)")


def _localize(idx: pd.DatetimeIndex, timezone: str, what: str) -> pd.DatetimeIndex:
    """Naive local times in ``timezone`` as aware times; a repeated hour at the end of
    summer time is resolved by order (``infer``), a time that does not exist fails."""
    tz = check_timezone(timezone)
    try:
        return idx.tz_localize(tz, ambiguous="infer", nonexistent="raise")
    except (ValueError, TypeError) as exc:
        raise InputError(f"{what}: {_dst_message(exc, tz)}") from None


# --- the hourly time axis -------------------------------------------------------------------


def iso_utc(times: Any) -> Any:
    """``2022-07-01T16:00Z`` strings for tz-aware times (vectorised)."""
    import numpy as np

    naive = times.tz_convert("UTC").tz_localize(None).to_numpy("datetime64[m]")
    return np.char.add(np.datetime_as_string(naive, unit="m"), "Z")


def iso_local(times: Any, timezone: str) -> Any:
    """ISO 8601 local times with their UTC offset (``2022-07-01T09:00-07:00``), vectorised."""
    import numpy as np

    local = times.tz_convert(timezone)
    wall = local.tz_localize(None).to_numpy("datetime64[m]")
    utc = times.tz_convert("UTC").tz_localize(None).to_numpy("datetime64[m]")
    minutes = (wall - utc).astype(int)
    sign = np.where(minutes < 0, "-", "+")
    hh, mm = np.divmod(np.abs(minutes), 60)
    offset = np.char.add(
        np.char.add(sign, np.char.zfill(hh.astype(str), 2)),
        np.char.add(":", np.char.zfill(mm.astype(str), 2)),
    )
    return np.char.add(np.datetime_as_string(wall, unit="m"), offset)


def parse_time(value: Any, name: str, timezone: str | None) -> pd.Timestamp:
    """A tz-aware UTC timestamp; naive values are read in ``timezone`` (required).

    Errors (unreadable, out of pandas' range, no offset and no zone, a DST gap or
    overlap) are :class:`InputError` naming ``name``. Reads the start and end times of
    hourly accounting, the window and ``now`` of :func:`footprint.scheduling.schedule`,
    and ``--window-start`` of ``footprint schedule --within``.
    """
    import pandas as pd

    try:
        ts = pd.Timestamp(value)
    except (ValueError, TypeError, OverflowError):
        raise InputError(
            f"{name}: cannot read {value!r} as a date and time (ISO 8601)"[:200]
        ) from None
    if ts is pd.NaT:
        raise InputError(f"{name}: missing date and time")
    if not pd.Timestamp("1678-01-01") <= ts.tz_localize(None) < pd.Timestamp("2262-01-01"):
        raise InputError(
            f"{name}: {value!r} is outside the dates footprint handles (1678-2261)"[:200]
        )
    if ts.tzinfo is None:
        if timezone is None:
            raise InputError(
                f"{name}: {value!r} has no UTC offset; write e.g. '2022-07-01T09:00Z' or "
                "'2022-07-01T09:00-07:00', or give its time zone"
            )
        tz = check_timezone(timezone)
        try:
            ts = ts.tz_localize(tz, ambiguous="raise", nonexistent="raise")
        except (ValueError, TypeError) as exc:  # DST gap or overlap
            raise InputError(f"{name}: {_dst_message(exc, tz)}") from None
    return ts.tz_convert("UTC")


def _naive_note(name: str, value: Any, timezone: str | None) -> tuple[str, ...]:
    import pandas as pd

    if timezone is not None and pd.Timestamp(value).tzinfo is None:
        return (f"{name} {value} read in {timezone} (no UTC offset given)",)
    return ()


def _hours_between(start: pd.Timestamp, end: pd.Timestamp) -> pd.DatetimeIndex:
    """Hour starts (UTC) of every hour that [start, end) touches."""
    import pandas as pd

    first = start.floor("h")
    last = end.ceil("h")
    return pd.date_range(first, last, freq="h", inclusive="left")


def _integrate_steps(
    breaks_ns: np.ndarray, power_kw: np.ndarray, hours: pd.DatetimeIndex
) -> np.ndarray:
    """Energy [kWh] in each hour of ``hours`` of a power step function.

    ``power_kw[i]`` holds on ``[breaks[i], breaks[i+1])``; cumulative energy is
    piecewise linear between breaks, so interpolating it at hour boundaries is exact.
    """
    import numpy as np

    seconds = (breaks_ns - breaks_ns[0]) / 1e9
    cumulative = np.concatenate([[0.0], np.cumsum(power_kw * np.diff(seconds) / 3600.0)])
    edges = np.asarray(hours.as_unit("ns").asi8, dtype=np.int64)
    edges = np.append(edges, edges[-1] + 3_600_000_000_000) if len(edges) else edges
    at_edges = np.interp((edges - breaks_ns[0]) / 1e9, seconds, cumulative)
    return np.diff(at_edges)


# --- load profiles --------------------------------------------------------------------------


@dataclass(frozen=True)
class LoadProfile:
    """A workload's IT energy in each UTC hour.

    Build with :meth:`from_job`, :meth:`from_workload`, :meth:`from_series` or
    :meth:`from_csv`. Hours are contiguous; energy per hour is exact for any sampling
    (power is held constant from each timestamp to the next).

    Attributes
    ----------
    hours : pandas.DatetimeIndex
        Hour starts, UTC.
    it_kwh : numpy.ndarray
        IT energy in each hour [kWh].
    coverage : numpy.ndarray
        Fraction of each hour inside [start, end): on-site PV can serve the load only
        then (PV output is taken as even within the hour).
    start, end : pandas.Timestamp
        When the load begins and ends (UTC).
    inputs : dict[str, str]
    notes : tuple[str, ...]
    factors : dict[str, Factor]
        Power factors when the profile comes from a workload.
    """

    hours: Any
    it_kwh: Any
    start: Any
    end: Any
    coverage: Any = None
    inputs: dict[str, str] = field(default_factory=dict)
    notes: tuple[str, ...] = ()
    factors: dict[str, Factor] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.coverage is None:
            object.__setattr__(self, "coverage", _coverage(self.start, self.end, self.hours))

    @property
    def it_energy(self) -> Any:
        """Total IT energy [kWh]."""
        return units.Q_(float(self.it_kwh.sum()), "kWh")

    @property
    def duration(self) -> Any:
        """Span from start to end [h]."""
        return units.Q_((self.end - self.start).total_seconds() / 3600.0, "h")

    @classmethod
    def from_job(
        cls, start: Any, duration: Any, power: Any, *, timezone: str | None = None
    ) -> LoadProfile:
        """A constant draw from ``start`` for ``duration``.

        Parameters
        ----------
        start : str, datetime or Timestamp
            ISO 8601 with an offset (``2022-07-01T09:00Z``), or naive with ``timezone``.
        duration : Quantity, str or float
            Wall-clock time [h]; bare numbers are hours.
        power : Quantity, str or float
            Total IT draw of the job [kW]; bare numbers are kW.
        timezone : str, optional
            IANA zone for a naive ``start``.
        """
        import numpy as np

        t0 = parse_time(start, "start", timezone)
        hours_q = units.parse_quantity(duration, "time", "h", "duration", allow_zero=False)
        kw = units.parse_quantity(power, "power", "kW", "power").m_as("kW")
        span_h = check_span(float(hours_q.m_as("h")), "duration")
        t1 = _add_span(t0, span_h, "duration")
        breaks = np.array([t0.value, t1.value], dtype=np.int64)
        hours = _hours_between(t0, t1)
        energy = _integrate_steps(breaks, np.array([kw]), hours)
        _check_finite_energy(energy, "power")
        inputs = {"start": t0.isoformat(), "duration": str(duration), "power": str(power)}
        notes = _naive_note("start", start, timezone)
        return cls(hours, energy, t0, t1, inputs=inputs, notes=notes)

    @classmethod
    def from_workload(
        cls,
        job: Any,
        start: Any,
        duration: Any = None,
        *,
        timezone: str | None = None,
    ) -> LoadProfile:
        """A workload (e.g. :class:`~footprint.GpuJob`) run from ``start`` at constant draw.

        The IT energy is the engine's (accelerator-hours x (power + host power)), spread
        evenly over the wall-clock ``duration`` (default: the job's own ``duration``).
        """
        if not callable(getattr(job, "load", None)):
            raise InputError(f"job: expected a workload such as GpuJob, got {type(job).__name__}")
        load = job.load()
        wall = duration if duration is not None else getattr(job, "duration", None)
        if wall is None:
            raise InputError(
                "duration: give the wall-clock duration of the workload (its "
                "accelerator-hours alone do not say how long it runs)"
            )
        wall_h = units.parse_quantity(wall, "time", "h", "duration", allow_zero=False)
        it_kwh = (
            float(load.accelerator_hours.m_as("h"))
            * (float(load.power.value.m_as("W")) + float(load.host_power.value.m_as("W")))
            / 1000.0
        )
        kw = it_kwh / check_span(float(wall_h.m_as("h")), "duration")
        _check_finite_energy(kw, "job")
        profile = cls.from_job(start, wall_h, units.Q_(kw, "kW"), timezone=timezone)
        inputs = {**load.inputs, **profile.inputs, "power": f"{kw:.6g} kW (IT, from the workload)"}
        factors = {"power": load.power, "host_power": load.host_power, **load.extra_factors}
        notes = (*profile.notes, *load.notes)
        return replace(profile, inputs=inputs, notes=notes, factors=factors)

    @classmethod
    def from_series(
        cls,
        timestamps: Any,
        power: Any,
        *,
        timezone: str | None = None,
        end: Any = None,
    ) -> LoadProfile:
        """Power samples: ``power[i]`` holds from ``timestamps[i]`` to the next timestamp.

        Parameters
        ----------
        timestamps : sequence
            Increasing times; with UTC offsets, or naive with ``timezone``.
        power : Quantity array or sequence of float
            IT power [kW] (bare numbers are kW); finite, not negative.
        end : optional
            When the last sample ends; default: one median sample interval later (noted).
        """
        import numpy as np
        import pandas as pd

        try:
            if isinstance(timestamps, (str, bytes)):
                raise TypeError
            stamps = list(timestamps)
        except TypeError:
            raise InputError(
                f"profile: expected a sequence of timestamps, got {type(timestamps).__name__}"
            ) from None
        idx = _parse_stamps(stamps, "profile")
        if len(idx) < 1:
            raise InputError("profile: no samples")
        if idx.tz is None:
            if timezone is None:
                raise InputError(
                    "profile: timestamps have no UTC offset; give their time zone (e.g. "
                    "timezone='UTC' or 'Europe/Paris') or write offsets ('...T09:00Z')"
                )
            idx = _localize(idx, timezone, "profile")
            read_in: tuple[str, ...] = (f"profile timestamps read in {timezone} (no UTC offset)",)
        else:
            read_in = ()
        idx = idx.tz_convert("UTC")
        try:
            if hasattr(power, "m_as"):
                units.check_dimension(power, "power", "profile power")
                kw = np.asarray(power.m_as("kW"), dtype=float)
            else:
                kw = np.asarray(power, dtype=float)
        except (TypeError, ValueError, OverflowError):
            raise InputError(
                "profile: power values must be numbers [kW] or a power quantity array"
            ) from None
        if kw.shape != (len(idx),):
            raise InputError(f"profile: {len(idx)} timestamps but {kw.size} power values")
        if not np.isfinite(kw).all() or (kw < 0).any():
            raise InputError("profile: power values must be finite and not negative")
        steps = np.diff(idx.as_unit("ns").asi8)
        if (steps <= 0).any():
            raise InputError("profile: timestamps must be strictly increasing")
        notes = list(read_in)
        if len(steps):
            usual = float(np.median(steps))
            gaps = np.flatnonzero(steps > 2 * usual)
            if len(gaps):
                longest = int(gaps[np.argmax(steps[gaps])])
                notes.append(
                    f"profile: {len(gaps)} gap(s) longer than twice the usual interval "
                    f"({_span(usual)}), the longest {_span(float(steps[longest]))} from "
                    f"{idx[longest].isoformat()}; each power value holds until the next "
                    "timestamp"
                )
        if end is None:
            if len(idx) < 2:
                raise InputError(
                    "profile: a single sample has no duration; add a last row at the time the "
                    "load ends (e.g. with power 0), or give its end"
                )
            last = int(np.median(steps))
            end_ts = idx[-1] + pd.Timedelta(last, unit="ns")
            notes.append(
                f"profile: the last sample is held for the median interval ({_span(last)})"
            )
        else:
            end_ts = parse_time(end, "end", timezone)
            if end_ts <= idx[-1]:
                raise InputError("profile: end must come after the last timestamp")
        check_span((end_ts - idx[0]).total_seconds() / 3600.0, "profile")
        breaks = np.append(idx.as_unit("ns").asi8, end_ts.value).astype(np.int64)
        hours = _hours_between(idx[0], end_ts)
        energy = _integrate_steps(breaks, kw, hours)
        _check_finite_energy(energy, "profile power")
        inputs = {"samples": str(len(idx)), "start": idx[0].isoformat(), "end": end_ts.isoformat()}
        return cls(hours, energy, idx[0], end_ts, inputs=inputs, notes=tuple(notes))

    @classmethod
    def from_csv(
        cls,
        path: str | Path,
        *,
        timestamp_column: str | None = None,
        power_column: str | None = None,
        unit: str | None = None,
        timezone: str | None = None,
        end: Any = None,
    ) -> LoadProfile:
        """A CSV of timestamp and power (one row per sample).

        The power unit comes from ``unit``, else from the column name (``power_kw``,
        ``power_w``, ``power [kW]``, ``power (MW)``); a column without a unit is an error.
        Timestamps need UTC offsets unless ``timezone`` is given.
        """
        import pandas as pd

        file = _input_path(path, "profile")
        table = _read_table(file, "profile")
        cols = list(table.columns)
        tcol = timestamp_column or next(
            (
                c
                for c in cols
                if normalise_name(str(c)) in {"timestamp", "time", "datetime", "date"}
            ),
            cols[0],
        )
        if tcol not in table:
            raise UnknownNameError("profile column", tcol, cols)
        pcol = power_column or next((c for c in cols if "power" in str(c).lower()), None)
        if pcol is None:
            others = [c for c in cols if c != tcol]
            if len(others) != 1:
                raise InputError(
                    f"profile: which column is power? give power_column (columns: {cols})"
                )
            pcol = others[0]
        if pcol not in table:
            raise UnknownNameError("profile column", pcol, cols)
        unit_text = unit or _unit_from_name(str(pcol))
        if unit_text is None:
            raise InputError(
                f"profile: column {pcol!r} names no unit; rename it (power_kw, power_w) or give "
                "the unit"
            )
        try:
            values = pd.to_numeric(table[pcol], errors="raise").to_numpy(float)
        except (ValueError, TypeError):
            raise InputError(f"profile: column {pcol!r} holds non-numbers") from None
        # a header's unit is never an expression for pint to evaluate ("W**10**10")
        parsed = units.parse_unit(unit_text, f"profile: column {pcol!r}")
        if not parsed.is_compatible_with("W"):
            raise UnitError(
                f"profile: column {pcol!r} is in {unit_text}, not a power unit (W, kW, MW)"
            )
        power = units.Q_(values, unit_text)
        profile = cls.from_series(table[tcol], power, timezone=timezone, end=end)
        inputs = {"profile": file.name, "power_column": f"{pcol} [{unit_text}]", **profile.inputs}
        return replace(profile, inputs=inputs)


def _span(ns: float) -> str:
    """A time span for notes: ``1 h``, ``15 min``, ``2.5 h``, ``3 days``."""
    minutes = ns / 60e9
    if minutes < 60:
        return f"{minutes:g} min"
    hours = minutes / 60
    return f"{hours:g} h" if hours < 48 else f"{hours / 24:g} days"


def _input_path(path: Any, what: str) -> Path:
    """``path`` as a Path naming a regular file (FIFO, device, folder: one line)."""
    from footprint.files import check_input_file

    if not isinstance(path, (str, os.PathLike)):
        raise InputError(f"{what}: expected a file name, got {type(path).__name__}")
    return check_input_file(path, what, max_bytes=MAX_TABLE_BYTES)


#: Largest CSV read as a load profile or an hourly series (a year of one-second
#: samples is about 1 GB; a year of minutes is about 20 MB).
MAX_TABLE_BYTES = 256 * 2**20


def _read_table(file: Path, what: str) -> pd.DataFrame:
    """A small CSV (comma, semicolon or tab separated) with at least one data row.

    Read through :func:`footprint.files.read_text`: a regular file of bounded size in
    UTF-8, else one line.
    """
    import io

    import pandas as pd

    from footprint.files import read_text

    text = read_text(file, what, max_bytes=MAX_TABLE_BYTES)

    def read(sep: str) -> pd.DataFrame:
        try:
            return pd.read_csv(io.StringIO(text), sep=sep)
        except pd.errors.EmptyDataError:
            raise InputError(f"{what}: {file.name} is empty") from None
        except (OSError, ValueError, UnicodeDecodeError, pd.errors.ParserError) as exc:
            reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
            raise InputError(f"{what}: cannot read {file.name} as CSV ({reason})") from None

    table = read(",")
    if len(table.columns) == 1:  # a semicolon- or tab-separated file
        header = str(table.columns[0])
        sep = next((d for d in (";", "\t", "|") if d in header), None)
        if sep is not None:
            table = read(sep)
    if table.empty:
        raise InputError(f"{what}: {file.name} has no data rows")
    return table


def _coverage(start: Any, end: Any, hours: Any) -> Any:
    """Fraction of each hour of ``hours`` that lies inside [start, end)."""
    import numpy as np

    breaks = np.array([start.value, end.value], dtype=np.int64)
    return _integrate_steps(breaks, np.array([1.0]), hours)


def _unit_from_name(name: str) -> str | None:
    import re

    text = name.strip()
    bracket = re.search(r"[\[(]\s*([^\])]+?)\s*[\])]\s*$", text)
    if bracket:
        return bracket.group(1)
    suffix = re.search(r"_(w|kw|mw|gw)$", text.lower())
    if suffix:
        return {"w": "W", "kw": "kW", "mw": "MW", "gw": "GW"}[suffix.group(1)]
    return None


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
        :data:`footprint.water.TECHNOLOGIES`), for hourly EWIF.
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

        file = _input_path(path, "grid file")
        table = _read_table(file, "grid file")
        cols = list(table.columns)
        tcol = timestamp_column or next(
            (c for c in cols if "time" in str(c).lower() or "date" in str(c).lower()), cols[0]
        )
        icol = intensity_column or next((c for c in cols if "intensity" in str(c).lower()), None)
        if icol is None or icol not in table or tcol not in table:
            raise InputError(
                f"grid file {file.name}: give the timestamp and intensity columns (columns: {cols})"
            )
        idx = _parse_stamps(table[tcol], f"grid file {file.name}")
        if idx.tz is None:
            if timezone is None:
                raise InputError(
                    f"grid file {file.name}: timestamps have no UTC offset; give their time zone"
                )
            idx = _localize(idx, timezone, f"grid file {file.name}")
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
    year = _check_year_value(year, "year")
    used, note = choose_year(meta.years, year, f"hourly grid of {meta.code}", bool(strict_year))
    grid = _load(meta.code, used)
    return replace(grid, notes=(note,)) if note else grid


# --- accounting -----------------------------------------------------------------------------


def energy_balance(load_kwh: Any, pv_kwh: Any, coverage: Any = 1.0) -> tuple[Any, Any, Any]:
    """Split each hour's load between on-site PV and the grid.

    Parameters
    ----------
    load_kwh, pv_kwh : array-like
        Facility energy of the load and PV output in each hour [kWh].
    coverage : array-like or float
        Fraction of each hour during which the load runs (PV produced outside it
        cannot serve it).

    Returns
    -------
    (solar_used, grid, surplus) : arrays [kWh]
        ``solar_used = min(pv x coverage, load)``, ``grid = load - solar_used``,
        ``surplus = pv - solar_used``; so ``solar_used + grid == load`` and
        ``solar_used + surplus == pv`` in every hour.
    """
    import numpy as np

    load = np.asarray(load_kwh, dtype=float)
    pv = np.asarray(pv_kwh, dtype=float)
    share = np.clip(np.asarray(coverage, dtype=float), 0.0, 1.0)
    if (load < 0).any() or (pv < 0).any():
        raise InputError("energy balance: load and PV energy must not be negative")
    used = np.minimum(pv * share, load)
    return used, load - used, pv - used


@dataclass(frozen=True)
class HourlyFootprint(Footprint):
    """Result of :func:`account_hourly`: totals, factors, inputs, notes and the hours.

    ``results`` hold the hourly-accounted figures (``co2e``, ``water``...), the
    annual-method figures (``co2e_annual``, ``water_annual``) and their difference,
    decomposed as::

        co2e - co2e_annual = (co2e_flat - co2e_annual)      data and basis: the hourly
                                                            series' annual mean vs the
                                                            annual factor
                           + co2e_timing                    when the load runs
                             (= co2e_no_solar - co2e_flat)
                           - co2e_solar_avoided             on-site PV
                           - co2e_surplus_credit            exported PV, if credited

    ``hourly`` is the hour-by-hour table (UTC and local time).
    """

    hourly: Any = None

    def to_dict(self, hourly: bool = False) -> dict[str, Any]:
        """The JSON contract (``results``, ``factors``, ``inputs``, ``notes``), plus
        ``hourly`` records when asked."""
        results = {}
        for key, q in self.results.items():
            unit = HOURLY_UNITS.get(key)
            value = q.to(unit) if unit is not None else q
            results[key] = {"value": float(value.magnitude), "unit": units.format_unit(value.units)}
        out: dict[str, Any] = {
            "results": results,
            "factors": {name: f.to_dict() for name, f in self.factors.items()},
            "inputs": dict(self.inputs),
            "notes": list(self.notes),
        }
        if hourly:
            out["hourly"] = self.hourly.to_dict(orient="records")
        return out


def annual_site(site: Site | None, zone: HourlyZone | None, year: int | None) -> Site:
    """The site whose annual factors (PUE, WUE, annual intensity) go with an hourly run.

    ``site`` (or a default one) with its region set to the hourly zone and its year to
    the grid series' year when it gives neither. Used by :func:`account_hourly` and
    :func:`footprint.scheduling.schedule`.
    """
    from footprint.site import Site

    site = site or Site()
    changes: dict[str, Any] = {}
    if site.region is None and zone is not None:
        changes["region"] = zone.code
    if site.year is None and year is not None:
        changes["year"] = year
    return replace(site, **changes) if changes else site


def check_hourly_arguments(
    site: Any, grid: Any, solar: Any, surplus: Any, timezone: Any, grid_year: Any
) -> None:
    """The arguments :func:`account_hourly` and scheduling share, checked up front."""
    from footprint.site import Site
    from footprint.solar import OnSiteSolar

    if not isinstance(surplus, str) or surplus not in SURPLUS_TREATMENTS:
        raise InputError(f"surplus: expected one of {SURPLUS_TREATMENTS}, got {surplus!r}"[:200])
    if site is not None and not isinstance(site, Site):
        raise InputError(f"site: expected a Site, got {type(site).__name__}")
    if site is not None and site.region is not None and not isinstance(site.region, str):
        raise InputError(f"region: expected a region name, got {site.region!r}"[:200])
    if grid is not None and not isinstance(grid, (HourlyGrid, str)):
        raise InputError(
            f"grid: expected an hourly zone name or an HourlyGrid, got {type(grid).__name__}"
        )
    if solar is not None and not isinstance(solar, OnSiteSolar):
        raise InputError(
            f"solar: expected an OnSiteSolar (footprint.solar.on_site_solar), "
            f"got {type(solar).__name__}"
        )
    if timezone is not None:
        check_timezone(timezone)
    _check_year_value(grid_year, "grid_year")


def account_hourly(
    profile: LoadProfile,
    site: Site | None = None,
    *,
    grid: HourlyGrid | str | None = None,
    solar: OnSiteSolar | None = None,
    surplus: str = "ignore",
    timezone: str | None = None,
    grid_year: int | None = None,
) -> HourlyFootprint:
    """Account ``profile`` hour by hour, with on-site solar, against the annual method.

    Parameters
    ----------
    profile : LoadProfile
        IT energy per UTC hour.
    site : Site, optional
        Region, year and factor overrides (PUE, WUE, EWIF...) as for
        :func:`footprint.estimate`; the annual-method figure uses it unchanged.
    grid : HourlyGrid or str, optional
        Hourly data: a zone name (``CISO``, ``US-CAL-CISO``) or a series; default: the
        hourly zone of ``site.region`` (a zone, or a cloud region inside one).
    solar : OnSiteSolar, optional
        PV array, site and weather (:func:`footprint.solar.on_site_solar`).
    surplus : {"ignore", "offset"}
        PV output the load cannot use: not credited (default) or credited at the
        hour's grid intensity.
    timezone : str, optional
        IANA zone for local times in the output (default: the region's).
    grid_year : int, optional
        Year of hourly data; default the profile's year (nearest available, noted).

    Returns
    -------
    HourlyFootprint
        Results [kWh, kgCO2e, L], factors with provenance, notes, and the hourly table.
    """
    import numpy as np
    import pandas as pd

    from footprint.site import site_factors

    if not isinstance(profile, LoadProfile):
        raise InputError(f"profile: expected a LoadProfile, got {type(profile).__name__}")
    check_hourly_arguments(site, grid, solar, surplus, timezone, grid_year)
    notes: list[str] = list(profile.notes)
    region = site.region if site is not None else None

    zone: HourlyZone | None = None
    if isinstance(grid, HourlyGrid):
        series = grid
        if grid.zone in hourly_zones():
            zone = hourly_zones()[grid.zone]
    else:
        if grid is not None:
            zone = find_hourly_zone(grid)
            notes += outside_note(zone, region)
        elif region is not None:
            zone, why = zone_for_region(region)
            if why:
                notes.append(why)
        else:
            raise InputError(
                "hourly accounting needs hourly grid data: give a region inside an hourly zone "
                f"({', '.join(hourly_zones())}) or grid=..."
            )
        wanted = grid_year if grid_year is not None else int(profile.start.year)
        series = hourly_grid(zone.code, wanted, strict_year=bool(site and site.strict_year))
    notes += list(series.notes)
    rows, more = series.at(profile.hours)
    notes += more

    sf: SiteFactors = site_factors(annual_site(site, zone, series.year))
    notes += [n for n in sf.notes if n not in notes]
    if site is not None and site.intensity is not None:
        notes.append(
            "the intensity given applies to the annual-method figure; the hourly figure uses "
            "the hourly series"
        )

    pue = float(sf.pue.value.m_as(""))
    wue = float(sf.wue.value.m_as("L/kWh"))
    intensity = series.intensity[rows]
    hourly_ewif = series.ewif(sf.ewif.extra.get("hydro", "include") if sf.ewif.extra else "include")
    if site is not None and site.ewif is not None:
        ewif_h = np.full(len(rows), float(sf.ewif.value.m_as("L/kWh")))
        notes.append("EWIF given by the user applies to every hour")
    elif hourly_ewif is None:
        ewif_h = np.full(len(rows), float(sf.ewif.value.m_as("L/kWh")))
        notes.append(f"hourly series has no mix: annual EWIF of {sf.ewif.zone} used every hour")
    else:
        ewif_h = hourly_ewif[rows]

    it = np.asarray(profile.it_kwh, dtype=float)
    # Every hour as a one-hour "job" drawing its mean power: the shared formulas.
    base = account(1.0, it * 1000.0, 0.0, pue, wue, ewif_h, intensity)
    facility = base["facility_energy"]

    solar_factors: dict[str, Factor] = {}
    solar_inputs: dict[str, str] = {}
    if solar is not None:
        run = solar.run(profile.hours)
        pv = run.frame["energy_kwh"].to_numpy(float)
        solar_factors = dict(run.factors)
        solar_inputs = solar.inputs()
        notes += [n for n in run.notes if n not in notes]
        notes.append(
            "on-site PV serves this load first, hour by hour; its output is attributed to "
            "this load only"
        )
    else:
        pv = np.zeros(len(it))
    used, grid_kwh, spare = energy_balance(facility, pv, profile.coverage)
    drawn = account(1.0, grid_kwh * 1000.0, 0.0, 1.0, 0.0, ewif_h, intensity)
    # only PV produced while the load runs can be credited as displacing grid power
    creditable = np.clip(pv * np.asarray(profile.coverage) - used, 0.0, None)
    credit = account(1.0, creditable * 1000.0, 0.0, 1.0, 0.0, ewif_h, intensity)
    credit_kg = float(credit["co2e"].sum()) if surplus == "offset" else 0.0
    if surplus == "ignore" and spare.sum() > 0:
        notes.append("PV surplus (exported) earns no credit; surplus='offset' credits it")
    elif surplus == "offset":
        notes.append(
            "PV surplus produced while the load runs is credited at each hour's grid "
            "intensity (avoided emissions)"
        )

    # The annual method: footprint estimate's factors on the same facility energy.
    annual_intensity = float(sf.intensity.value.m_as("gCO2e/kWh"))
    annual = account(
        1.0,
        float(it.sum()) * 1000.0,
        0.0,
        pue,
        wue,
        float(sf.ewif.value.m_as("L/kWh")),
        annual_intensity,
    )

    # The same energy at the hourly series' own annual mean: isolates the timing effect
    # (co2e_no_solar - co2e_flat) from the data/basis difference (co2e_flat - co2e_annual).
    flat = account(1.0, float(it.sum()) * 1000.0, 0.0, pue, wue, 0.0, series.mean_intensity())
    co2e_flat = float(flat["co2e"])

    Q_ = units.Q_
    co2e = float(drawn["co2e"].sum()) - credit_kg
    co2e_annual = float(annual["co2e"])
    water_onsite = float(base["water_onsite"].sum())
    water_offsite = float(drawn["water_offsite"].sum())
    facility_total = float(facility.sum())
    results = {
        "it_energy": Q_(float(it.sum()), "kWh"),
        "facility_energy": Q_(facility_total, "kWh"),
        "grid_energy": Q_(float(grid_kwh.sum()), "kWh"),
        "solar_generation": Q_(float(pv.sum()), "kWh"),
        "solar_used": Q_(float(used.sum()), "kWh"),
        "solar_surplus": Q_(float(spare.sum()), "kWh"),
        "solar_share": Q_(float(used.sum()) / facility_total if facility_total else 0.0, ""),
        "co2e": Q_(co2e, "kgCO2e"),
        "co2e_annual": Q_(co2e_annual, "kgCO2e"),
        "co2e_difference": Q_(co2e - co2e_annual, "kgCO2e"),
        "co2e_difference_share": Q_((co2e - co2e_annual) / co2e_annual if co2e_annual else 0.0, ""),
        "co2e_no_solar": Q_(float(base["co2e"].sum()), "kgCO2e"),
        "co2e_flat": Q_(co2e_flat, "kgCO2e"),
        "co2e_timing": Q_(float(base["co2e"].sum()) - co2e_flat, "kgCO2e"),
        "co2e_solar_avoided": Q_(float(base["co2e"].sum() - drawn["co2e"].sum()), "kgCO2e"),
        "co2e_surplus_credit": Q_(credit_kg, "kgCO2e"),
        "water": Q_(water_onsite + water_offsite, "L"),
        "water_onsite": Q_(water_onsite, "L"),
        "water_offsite": Q_(water_offsite, "L"),
        "water_annual": Q_(float(annual["water"]), "L"),
        "water_solar_avoided": Q_(float(base["water_offsite"].sum() - water_offsite), "L"),
    }

    weights = facility if facility_total > 0 else np.ones(len(facility))
    seen = float(np.sum(intensity * weights) / np.sum(weights))
    estimated = int(series.estimated[rows].sum()) if series.estimated is not None else 0
    hourly_factor = Factor(
        name="intensity_hourly",
        value=Q_(seen, "gCO2e/kWh"),
        origin="dataset" if series.year is not None else "user",
        source=series.source,
        dataset=series.dataset,
        zone=series.zone,
        year=series.year,
        note=f"load-weighted mean of {len(rows)} hourly values ({series.basis})",
        extra={
            "min": float(intensity.min()),
            "max": float(intensity.max()),
            "hours": len(rows),
            "estimated_hours": estimated,
        },
    )
    series_mean = Factor(
        name="intensity_hourly_mean",
        value=Q_(series.mean_intensity(), "gCO2e/kWh"),
        origin="derived",
        source=series.source,
        dataset=series.dataset,
        zone=series.zone,
        year=series.year,
        note="generation-weighted mean of the whole hourly series: the timing effect is "
        "co2e_no_solar minus facility energy x this value",
    )
    ewif_seen = Factor(
        name="ewif_hourly",
        value=Q_(float(np.sum(ewif_h * weights) / np.sum(weights)), "L/kWh"),
        origin="derived",
        source=f"hourly mix of {series.zone} x water per technology (water_factors.csv)"
        if hourly_ewif is not None and (site is None or site.ewif is None)
        else sf.ewif.source,
        dataset=series.dataset,
        zone=series.zone,
        year=series.year,
        note="load-weighted mean of the hourly EWIF",
    )
    if estimated:
        notes.append(f"{estimated} of the hours use gap-filled (estimated) grid data")
    factors: dict[str, Factor] = {
        **profile.factors,
        "pue": sf.pue,
        "wue": sf.wue,
        "intensity": sf.intensity,
        "ewif": sf.ewif,
        "intensity_hourly": hourly_factor,
        "intensity_hourly_mean": series_mean,
        "ewif_hourly": ewif_seen,
        **solar_factors,
    }

    tz, why = (
        (check_timezone(timezone), f"local time: {timezone} (given)")
        if timezone
        else region_timezone(region, zone)
    )
    notes.append(why)
    table = pd.DataFrame(
        {
            "hour_start_utc": iso_utc(profile.hours),
            "hour_start_local": iso_local(profile.hours, tz),
            "it_energy_kwh": it,
            "facility_energy_kwh": facility,
            "solar_kwh": pv,
            "solar_used_kwh": used,
            "grid_kwh": grid_kwh,
            "surplus_kwh": spare,
            "intensity_g_per_kwh": intensity,
            "ewif_l_per_kwh": ewif_h,
            "co2e_kg": drawn["co2e"] - (credit["co2e"] if surplus == "offset" else 0.0),
            "co2e_annual_method_kg": facility * annual_intensity / 1000.0,
            "water_offsite_l": drawn["water_offsite"],
            "grid_hour_utc": iso_utc(series.hours[rows]),
            "estimated": series.estimated[rows] if series.estimated is not None else False,
        }
    )
    inputs = {
        **profile.inputs,
        **(site.inputs() if site is not None else {}),
        **solar_inputs,
        **hourly_inputs(series, surplus, tz),
    }
    return HourlyFootprint(
        results=results,
        factors=factors,
        inputs=inputs,
        notes=list(dict.fromkeys(n for n in notes if n)),
        hourly=table,
    )


def hourly_inputs(series: Any, surplus: str, tz: str) -> dict[str, str]:
    """Inputs every hourly result echoes: hourly zone and year, surplus rule, time zone."""
    return {
        "hourly_zone": series.zone,
        "hourly_year": str(series.year) if series.year is not None else "series",
        "surplus": surplus,
        "timezone": tz,
    }
