"""The hourly time axis: time zones, timestamps and spans, and the CSV tables they come in.

Shared by :mod:`footprint.workloads.load_profile` (load profiles),
:mod:`footprint.places.hourly_grid` (hourly grid series), :mod:`footprint.analyses.hourly`
(accounting) and :mod:`footprint.analyses.scheduling`. Times are tz-aware pandas
Timestamps in UTC; naive times are read in a given IANA time zone.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

from footprint.core.errors import InputError
from footprint.core.files import check_input_file, read_text

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

__all__ = [
    "MIN_DURATION_S",
    "MAX_SPAN_H",
    "MAX_TABLE_BYTES",
    "check_timezone",
    "check_span",
    "check_year_value",
    "parse_stamps",
    "localize",
    "iso_utc",
    "iso_local",
    "parse_time",
    "input_path",
    "read_table",
    "window_sum",
]


# --- the one hourly weighting ---------------------------------------------------------------


def window_sum(values: Any, t0: Any, t1: Any, cumulative: Any = None) -> Any:
    """Integral over ``[t0, t1]`` (hours from the first value) of hourly values held
    through each hour (a step function): the one hourly weighting of a job's window.

    ``values[k]`` holds over ``[k, k + 1)``; ``cumulative`` (``[0, cumsum(values)...]``)
    may be given when many windows share one series. Used by scheduling (every candidate
    start) and batch (every job's hourly-weighted intensity and EWIF).
    """
    import numpy as np

    values = np.asarray(values, dtype=float)
    if cumulative is None:
        cumulative = np.concatenate([[0.0], np.cumsum(values)])
    last = len(values) - 1

    def integral(t: Any) -> Any:
        k = np.clip(np.floor(t).astype(np.int64), 0, last)
        return cumulative[k] + (t - k) * values[k]

    return integral(np.asarray(t1, dtype=float)) - integral(np.asarray(t0, dtype=float))


# --- time zones and spans -------------------------------------------------------------------


def check_timezone(name: str) -> str:
    """``name`` if it is an IANA time zone name, else an :class:`InputError`.

    Checks a user's ``timezone=`` argument; used here and by
    :func:`footprint.analyses.scheduling.schedule`.
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


def check_year_value(year: Any, name: str) -> int | None:
    """A year of hourly data: ``None`` or a whole number (nearest year with data used).

    Checks ``year=`` of :func:`footprint.places.hourly_grid.hourly_grid` and ``grid_year=`` of
    hourly accounting and scheduling.
    """
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


def parse_stamps(values: Any, what: str) -> pd.DatetimeIndex:
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


def localize(idx: pd.DatetimeIndex, timezone: str, what: str) -> pd.DatetimeIndex:
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
    hourly accounting, the window and ``now`` of :func:`footprint.analyses.scheduling.schedule`,
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


# --- CSV tables ------------------------------------------------------------------------------


def input_path(path: Any, what: str) -> Path:
    """``path`` as a Path naming a regular file (FIFO, device, folder: one line)."""

    if not isinstance(path, (str, os.PathLike)):
        raise InputError(f"{what}: expected a file name, got {type(path).__name__}")
    return check_input_file(path, what, max_bytes=MAX_TABLE_BYTES)


#: Largest CSV read as a load profile or an hourly series (a year of one-second
#: samples is about 1 GB; a year of minutes is about 20 MB).
MAX_TABLE_BYTES = 256 * 2**20


def read_table(file: Path, what: str) -> pd.DataFrame:
    """A small CSV (comma, semicolon or tab separated) with at least one data row.

    Read through :func:`footprint.core.files.read_text`: a regular file of bounded size in
    UTF-8, else one line.
    """
    import io

    import pandas as pd

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
