"""Load profiles: a workload's IT energy in each UTC hour (:class:`LoadProfile`).

A profile comes from a job's start, duration and power, a workload such as
:class:`~footprint.GpuJob`, or a series or CSV of timestamp and power; every profile is
turned into the IT energy of each UTC hour by integrating its power steps exactly, so
energy is conserved whatever the sampling. :func:`footprint.analyses.hourly.account_hourly`
accounts it hour by hour.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from footprint.catalogues.hardware import normalise_name
from footprint.core import units
from footprint.core.errors import InputError, UnitError, UnknownNameError
from footprint.core.provenance import Factor
from footprint.places.hourly_time import (
    check_span,
    input_path,
    localize,
    parse_stamps,
    parse_time,
    read_table,
)

if TYPE_CHECKING:  # pragma: no cover
    import numpy as np
    import pandas as pd

__all__ = ["LoadProfile"]


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
    workload : Workload or None
        The workload of :meth:`from_workload` (its accelerator-hours carry the embodied
        CO2e in :func:`footprint.analyses.hourly.account_hourly`); ``None`` for a power profile.
    """

    hours: Any
    it_kwh: Any
    start: Any
    end: Any
    coverage: Any = None
    inputs: dict[str, str] = field(default_factory=dict)
    notes: tuple[str, ...] = ()
    factors: dict[str, Factor] = field(default_factory=dict)
    workload: Any = None

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
        evenly over the wall-clock ``duration`` (default: the job's own ``duration``). A
        measured facility energy (:class:`~footprint.MeasuredRun` with basis "facility")
        is carried as it is; :func:`~footprint.analyses.hourly.account_hourly` then applies
        no PUE to it.
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
        kw = load.it_kwh / check_span(float(wall_h.m_as("h")), "duration")
        _check_finite_energy(kw, "job")
        profile = cls.from_job(start, wall_h, units.Q_(kw, "kW"), timezone=timezone)
        inputs = {**load.inputs, **profile.inputs, "power": f"{kw:.6g} kW (IT, from the workload)"}
        factors = {"power": load.power, "host_power": load.host_power, **load.extra_factors}
        notes = (*profile.notes, *load.notes)
        return replace(profile, inputs=inputs, notes=notes, factors=factors, workload=job)

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
        idx = parse_stamps(stamps, "profile")
        if len(idx) < 1:
            raise InputError("profile: no samples")
        if idx.tz is None:
            if timezone is None:
                raise InputError(
                    "profile: timestamps have no UTC offset; give their time zone (e.g. "
                    "timezone='UTC' or 'Europe/Paris') or write offsets ('...T09:00Z')"
                )
            idx = localize(idx, timezone, "profile")
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

        file = input_path(path, "profile")
        table = read_table(file, "profile")
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
        except OverflowError:  # an integer of hundreds of digits
            raise InputError(f"profile: column {pcol!r} holds a number beyond 1e308") from None
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
