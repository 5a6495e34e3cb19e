"""The plan of a run (:func:`make_plan`: column mapping, defaults, grouping) and the
:class:`Resolver` of names and sites, each resolved once per distinct value."""

from __future__ import annotations

import functools
import math
import re
import threading
from collections.abc import Iterable
from dataclasses import dataclass
from difflib import get_close_matches
from typing import Any

import numpy as np
import pandas as pd

from footprint.analyses.batch.options import (
    CARRIED,
    EMBODIED_COLUMNS,
    INPUT_COLUMNS,
    NUM,
    RESULT_COLUMNS,
    SACCT_FIELDS,
    SUM_COLUMNS,
    BatchOptions,
    ClusterConfig,
    PartitionSpec,
    canon_name,
)
from footprint.analyses.batch.readers import Source
from footprint.analyses.hourly import hourly_grid, zone_for_region
from footprint.catalogues.embodied import Embodied, embodied_factors
from footprint.catalogues.hardware import get_accelerator, server_class
from footprint.core import units
from footprint.core.errors import FootprintError, InputError, MissingDataError, UnknownNameError
from footprint.places.facility import LARGE_ACCELERATOR_HOURS, Scale
from footprint.places.hourly_time import window_sum
from footprint.places.site import Site, site_factors
from footprint.workloads.job_rules import check_power_inputs, check_utilization, raise_first


@dataclass(frozen=True)
class _Defaults:
    """Checked defaults and overrides, as plain numbers (picklable for Dask workers)."""

    accelerator: str | None
    region: str | None
    operator: str | None
    year: int | None
    power_w: float | None
    utilization: float | None
    host_power_w: float | None  # None: each accelerator's server class
    site: dict[str, Any]
    embodied: Any = None
    hourly: bool = False


@dataclass(frozen=True)
class Plan:
    """Everything needed to process a chunk: checked column mapping, defaults, outputs."""

    kind: str
    source: dict[str, str]
    raw_columns: tuple[str, ...]
    carried: tuple[tuple[str, str], ...]
    raw_types: dict[str, Any]
    defaults: _Defaults
    config: ClusterConfig | None
    group_by: tuple[str, ...]
    notes: tuple[str, ...]

    @property
    def sum_columns(self) -> tuple[str, ...]:
        """Quantities of each job (the embodied ones only when counted)."""
        cols = SUM_COLUMNS
        if self.defaults.embodied is None:
            cols = tuple(c for c in cols if c not in EMBODIED_COLUMNS)
        if self.defaults.hourly:
            cols = (*cols, "co2e_annual_kg")
        return cols

    @property
    def result_columns(self) -> list[str]:
        """Columns of the per-job results, carried-through columns included."""
        canonical = [c for c in CARRIED if c in self.source]
        extra = [out for raw, out in self.carried if out not in CARRIED]
        skip = () if self.defaults.embodied is not None else (*EMBODIED_COLUMNS, "embodied_g_per_h")
        head = list(RESULT_COLUMNS[:2])
        tail = [c for c in RESULT_COLUMNS[2:] if c not in skip]
        if self.defaults.hourly:
            at = tail.index("water_l")
            tail[at:at] = ["co2e_annual_kg"]
            tail.append("intensity_basis")
        return [*head, *canonical, *tail, *extra]

    @property
    def reject_columns(self) -> list[str]:
        cols = ["row", "reason_code", "reason", *self._reject_names().values()]
        if self.kind in ("csv", "sacct"):
            cols.append("line")
        return cols

    def _reject_names(self) -> dict[str, str]:
        out: dict[str, str] = {}
        for raw in self.raw_columns:
            name = raw
            while name in ("row", "reason_code", "reason", "line") or name in out.values():
                name = f"input_{name}"
            out[raw] = name
        return out


def make_plan(source: Source, options: BatchOptions) -> Plan:
    """Check the header against the documented columns and the options; no row is read.

    Raises
    ------
    InputError
        A required column is missing (with close matches from the header), a
        ``--column`` mapping names no column, a default is unknown, a group-by
        column does not exist.
    """
    header = source.header
    where = source.path if source.path is not None else "input"
    by_canon = {canon_name(h): h for h in header}
    mapping: dict[str, str] = {}
    if source.kind == "sacct":
        sacct = {canon_name(k): v for k, v in SACCT_FIELDS.items()}
        for h in header:
            if canon_name(h) in sacct:
                mapping[sacct[canon_name(h)]] = h
    else:
        for h in header:
            if canon_name(h) in INPUT_COLUMNS:
                mapping[canon_name(h)] = h
    explicit = {**(options.config.columns if options.config else {}), **options.columns}
    for canon, src in explicit.items():
        key = canon_name(canon)
        if key not in INPUT_COLUMNS and key not in SACCT_FIELDS.values():
            raise InputError(
                f"column mapping {canon}={src}: {canon!r} is not an input column "
                f"({', '.join(INPUT_COLUMNS)})"
            )
        if src not in header and canon_name(src) not in by_canon:
            hint = _close(src, header)
            raise InputError(f"{where}: column mapping {canon}={src}: no column {src!r}{hint}")
        mapping[key] = src if src in header else by_canon[canon_name(src)]

    config = options.config
    defaults = _check_defaults(options)
    has_partition_map = bool(
        config and "partition" in mapping and (config.partitions or config.gres)
    )

    missing: list[str] = []
    if "job_id" not in mapping:
        missing.append("job_id")
    if source.kind == "sacct":
        if "alloc_tres" not in mapping and "alloc_gres" not in mapping:
            missing.append("AllocTRES")
        if (
            "elapsed" not in mapping
            and "elapsed_raw" not in mapping
            and not ("start" in mapping and "end" in mapping)
        ):
            missing.append("Elapsed (or Start and End)")
    else:
        timed = "duration" in mapping or ("start" in mapping and "end" in mapping)
        if "gpu_hours" not in mapping:
            if "count" not in mapping:
                missing.append("count (or gpu_hours)")
            if not timed:
                missing.append(
                    "end" if "start" in mapping else "duration (or start and end, or gpu_hours)"
                )
    cfg_default = config.defaults if config else PartitionSpec()
    if (
        "accelerator" not in mapping
        and defaults.accelerator is None
        and cfg_default.accelerator is None
        and not has_partition_map
    ):
        missing.append("accelerator (or --accelerator)")
    if (
        "region" not in mapping
        and defaults.region is None
        and cfg_default.region is None
        and not has_partition_map
    ):
        missing.append("region (or --region)")
    if missing:
        raise InputError(
            f"{where}: missing required column(s): {', '.join(missing)}; the header has "
            f"{', '.join(repr(h) for h in header[:20])}{' ...' if len(header) > 20 else ''}"
            f"{_close_for(missing, header)}"
        )

    consumed = set(mapping.values())
    carried: list[tuple[str, str]] = []
    reserved = set(RESULT_COLUMNS) | {"month", "tag", "intensity_basis", "co2e_annual_kg"}
    for canon in CARRIED:
        if canon in mapping:
            carried.append((mapping[canon], canon))
    notes: list[str] = list(source.notes)
    for h in header:
        if h in consumed:
            continue
        name = h
        while name in reserved or name in CARRIED or name in {c for _, c in carried}:
            name = f"input_{name}"
        if name != h:
            notes.append(f"input column {h!r} is named {name!r} in the results")
        carried.append((h, name))

    plan = Plan(
        kind=source.kind,
        source=mapping,
        raw_columns=tuple(header),
        carried=tuple(carried),
        raw_types=dict(source.types),
        defaults=defaults,
        config=config,
        group_by=tuple(dict.fromkeys(options.group_by)),  # a column named twice: once
        notes=tuple(notes),
    )
    known = set(plan.result_columns) | {"month", "tag"}
    for col in plan.group_by:
        if col not in known:
            raise InputError(
                f"group by {col!r}: no such column in the results{_close(col, sorted(known))}"
            )
    if "tag" in plan.group_by and "tags" not in mapping:
        raise InputError("group by 'tag': the input has no tags column")
    return plan


def _close(name: str, choices: Iterable[str]) -> str:
    hits = get_close_matches(name, list(choices), n=3, cutoff=0.6)
    return f" (did you mean {', '.join(repr(h) for h in hits)}?)" if hits else ""


#: Names job logs often use for the canonical columns (hints only: nothing is renamed).
_SYNONYMS: dict[str, tuple[str, ...]] = {
    "job_id": ("jobid", "id", "job", "job_number", "jobnumber"),
    "count": ("gpus", "n_gpus", "ngpus", "num_gpus", "gpu_count", "alloc_gpus", "gpu_num"),
    "duration": ("elapsed", "hours", "runtime", "walltime", "wall_time", "duration_h"),
    "accelerator": ("gpu", "gpu_type", "gpu_model", "device", "hardware"),
    "region": ("zone", "location", "country", "site", "cloud_region"),
    "end": ("end_time", "finish", "stop", "ended"),
    "start": ("start_time", "begin", "started", "submit"),
}


def _close_for(missing: list[str], header: list[str]) -> str:
    hints = []
    canon_header = {canon_name(h): h for h in header}
    for m in missing:
        canon = m.split(" ")[0]
        candidates = [canon_header[s] for s in _SYNONYMS.get(canon, ()) if s in canon_header]
        if not candidates:
            hits = get_close_matches(canon, list(canon_header), n=1, cutoff=0.6)
            candidates = [canon_header[h] for h in hits]
        if candidates:
            hints.append(f"--column {canon}={candidates[0]}")
    if header and re.fullmatch(NUM, header[0].strip() or "x"):
        return "; the first line looks like data: the file needs a header line"
    return "; map a column with " + ", ".join(hints) if hints else ""


def _check_defaults(options: BatchOptions) -> _Defaults:
    """Check every default and override once, so a bad one is one error, not N rejects."""

    accelerator = get_accelerator(options.accelerator).name if options.accelerator else None
    power_w = None
    if options.power is not None:
        power_w = float(units.parse_quantity(options.power, "power", "W", "power").to("W").m)
    util = None
    if options.utilization is not None:  # the rules of GpuJob, on the defaults
        units.check_magnitude(options.utilization, "utilization", allow_zero=False)
        util = float(options.utilization)
        raise_first(check_utilization(np.array([util]), np.array([True]))[1], util)
    raise_first(check_power_inputs(np.array([power_w is not None]), np.array([util is not None])))

    host_w = None  # each row's server class
    if options.host_power is not None:
        host_w = float(
            units.parse_quantity(options.host_power, "power", "W", "host_power").to("W").m
        )
    site = {
        "pue": options.pue,
        "wue": options.wue,
        "ewif": options.ewif,
        "intensity": options.intensity,
        "cfe": options.cfe,
        "price": options.price,
        "consumer": options.consumer,
        "hydro": options.hydro,
        "strict_year": options.strict_year,
        "boundary": options.boundary,
        "facility": options.facility,
    }
    embodied = _check_embodied(options.embodied)
    site = {k: _portable(v) for k, v in site.items()}
    # One resolution checks the overrides (and the default region and operator, if any).
    site_factors(Site(region=options.region, year=options.year, operator=options.operator, **site))
    return _Defaults(
        accelerator=accelerator,
        region=options.region,
        operator=options.operator,
        year=options.year,
        power_w=power_w,
        utilization=util,
        host_power_w=host_w,
        site=site,
        embodied=embodied,
        hourly=_check_hourly(options),
    )


def _check_hourly(options: BatchOptions) -> bool:
    if not options.hourly:
        return False
    if options.intensity is not None:
        raise InputError(
            "--hourly takes each hour's grid intensity; --intensity cannot be given with it"
        )
    import importlib.util

    if importlib.util.find_spec("footprint.analyses.hourly") is None:
        raise InputError("--hourly needs footprint.analyses.hourly, which this installation lacks")
    return True


def _portable(value: Any) -> Any:
    """A quantity as text that parses back to the same magnitude and unit (for Dask workers).

    Quantities of footprint's registry do not survive pickling into another
    process (pint rebuilds them in its application registry); ``repr`` of the
    magnitude round-trips exactly.
    """
    if hasattr(value, "magnitude") and hasattr(value, "units"):
        unit = str(value.units)
        return f"{value.magnitude!r} {unit}" if unit != "dimensionless" else repr(value.magnitude)
    return value


_EMBODIED_FIELDS = ("lifetime", "life_utilization", "accelerator", "host", "server")


def _check_embodied(value: Any) -> dict[str, Any] | None:
    """``None`` (not counted) or the checked keyword arguments of an ``Embodied``.

    Kept as portable text (see :func:`_portable`) so that Dask worker processes
    rebuild the same spec in footprint's registry.
    """
    if value is False or value is None:
        return None

    if value is True:
        value = Embodied()
    if not isinstance(value, Embodied):
        raise InputError(f"embodied: expected True, False or an Embodied, got {value!r}")
    kwargs = {f: _portable(getattr(value, f)) for f in _EMBODIED_FIELDS}
    Embodied(**kwargs)  # checks the values once, here
    return kwargs


# --------------------------------------------------------------------------- resolution


@dataclass(frozen=True)
class SiteInfo:
    """Factors of one (region, year, operator) as plain numbers, with their provenance."""

    zone: str
    pue: float
    wue: float
    ewif: float
    intensity: float
    cfe: float
    price: float
    currency: str | None
    intensity_year: int | None
    ewif_year: int | None
    facility_year: int | None
    notes: tuple[str, ...]
    factors: dict[str, dict[str, Any]]
    host_included: float = 1.0  # 0 where the accounting boundary leaves the host out


@functools.cache
def _unit(name: str) -> Any:

    registry = units.get_registry()
    return registry.dimensionless if not name else registry.Unit(name)


def _m(q: Any, unit: str) -> float:
    """``q.m_as(unit)`` with the unit parsed once (the same conversion, bit for bit)."""
    return float(q.m_as(_unit(unit)))


class Resolver:
    """Resolves each distinct accelerator and site once (per process) and caches it.

    Site keys go through :func:`footprint.places.site.site_factors` with the batch's
    overrides; failures are cached too, as (reason code, message).
    """

    def __init__(
        self, site_options: dict[str, Any], embodied: dict[str, Any] | None = None
    ) -> None:
        self.site_options = dict(site_options)
        self.embodied_kwargs = embodied
        self._embodied_spec: Any = None
        self._sites: dict[tuple[Any, ...], SiteInfo | tuple[str, str]] = {}
        self._accelerators: dict[str, tuple[str, float, float, float] | tuple[str, str]] = {}
        self._embodied: dict[str, dict[str, float] | str] = {}
        self._hourly_zones: dict[str, str | None] = {}
        self._curves: dict[tuple[str, int, int], HourlyCurve | tuple[str, str]] = {}
        self._lock = threading.Lock()
        self.site_calls = 0

    def __getstate__(self) -> dict[str, Any]:
        state = self.__dict__.copy()
        state["_lock"] = None
        state["_embodied_spec"] = None  # holds quantities: rebuilt in the worker
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)
        self._lock = threading.Lock()

    def accelerator(self, name: str) -> tuple[str, float, float, float] | tuple[str, str]:
        """(canonical name, TDP in W or NaN, default draw as a fraction of TDP, default host
        share in W), or ("unknown_accelerator", message)."""

        with self._lock:
            hit = self._accelerators.get(name)
            if hit is None:
                try:
                    acc = get_accelerator(name)
                    tdp = float(acc.tdp.m_as("W")) if acc.tdp is not None else math.nan
                    server = server_class(acc)
                    fraction = server.fractions["training"].value
                    hit = (acc.name, tdp, fraction, server.host_w.value)
                except UnknownNameError as exc:
                    hit = ("unknown_accelerator", str(exc))
                self._accelerators[name] = hit
            return hit

    def embodied(self, accelerator: str) -> dict[str, float] | str:
        """Embodied arguments of ``account`` for a catalogue accelerator, or a message."""

        with self._lock:
            hit = self._embodied.get(accelerator)
            if hit is None:
                if self._embodied_spec is None:
                    self._embodied_spec = Embodied(**(self.embodied_kwargs or {}))
                try:
                    hit = embodied_factors(self._embodied_spec, accelerator).magnitudes()
                except FootprintError as exc:
                    hit = str(exc)
                self._embodied[accelerator] = hit
            return hit

    def hourly_zone(self, region: str) -> str | None:
        """The hourly zone of a region (as :func:`footprint.analyses.hourly.account_hourly` finds
        it), or None when the region has no hourly grid data."""

        with self._lock:
            if region not in self._hourly_zones:
                try:
                    self._hourly_zones[region] = zone_for_region(region)[0].code
                except FootprintError:
                    self._hourly_zones[region] = None
            return self._hourly_zones[region]

    def curve(self, zone: str, year: int, years: int) -> HourlyCurve | tuple[str, str]:
        """The hourly curve of ``zone`` for jobs starting in ``year`` (cached)."""
        with self._lock:
            known = [
                c for (z, y, n), c in self._curves.items() if z == zone and y == year and n >= years
            ]
            if known:
                return known[0]
            try:
                hit: HourlyCurve | tuple[str, str] = hourly_curve(
                    zone,
                    year,
                    years,
                    str(self.site_options.get("hydro", "include")),
                    bool(self.site_options.get("strict_year")),
                )
            except FootprintError as exc:
                hit = ("missing_data", str(exc))
            self._curves[(zone, year, years)] = hit
            return hit

    def site(
        self, region: str, year: int | None, operator: str | None, facility: str | None = None
    ) -> SiteInfo | tuple[str, str]:
        """Factors of a site, or (reason code, message) when it cannot be resolved.

        ``facility`` is the facility class of the rows' scale (``"hyperscale"`` for large
        jobs), used when no operator is named."""

        key = (region, year, operator, facility)
        with self._lock:
            hit = self._sites.get(key)
            if hit is None:
                self.site_calls += 1
                try:
                    scale = Scale(LARGE_ACCELERATOR_HOURS) if facility == "hyperscale" else None
                    options = dict(self.site_options)
                    if operator is not None:  # a row's operator outranks a facility class
                        options["facility"] = None
                    sf = site_factors(
                        Site(region=region, year=year, operator=operator, **options), scale
                    )
                    if math.isnan(sf.ewif.value.magnitude):  # a row's water is never blank:
                        raise MissingDataError(  # the totals are the sums of the rows
                            f"EWIF: no generation mix for {sf.zone}; give --ewif (L/kWh)"
                        )
                    hit = SiteInfo(
                        zone=sf.zone,
                        pue=_m(sf.pue.value, ""),
                        wue=_m(sf.wue.value, "L/kWh"),
                        ewif=_m(sf.ewif.value, "L/kWh"),
                        intensity=_m(sf.intensity.value, "gCO2e/kWh"),
                        cfe=_m(sf.cfe.value, ""),
                        price=math.nan if sf.price is None else float(sf.price.value.magnitude),
                        currency=None if sf.price is None else units.currency_of(sf.price.value),
                        intensity_year=sf.intensity.year,
                        ewif_year=sf.ewif.year,
                        facility_year=sf.pue.year,
                        notes=tuple(sf.notes),
                        factors={k: f.to_dict() for k, f in sf.as_dict().items()},
                        host_included=1.0 if sf.host_included else 0.0,
                    )
                except UnknownNameError as exc:
                    kinds = {"region": "unknown_region", "cloud region": "unknown_region"}
                    code = {**kinds, "operator": "unknown_operator"}.get(exc.kind, "missing_data")
                    hit = (code, str(exc))
                except MissingDataError as exc:
                    hit = ("missing_data", str(exc))
                except InputError as exc:
                    code = "bad_year" if str(exc).startswith("year") else "missing_data"
                    hit = (code, str(exc))
                self._sites[key] = hit
            return hit


@dataclass(frozen=True)
class HourlyCurve:
    """A zone's hourly intensity and EWIF laid onto calendar hours, with prefix sums.

    ``hours`` start at ``base`` (1 January of ``year``, 00:00 UTC); hour ``k``
    takes the grid row :meth:`footprint.analyses.hourly.HourlyGrid.at` gives it, exactly
    as :func:`footprint.analyses.hourly.account_hourly` maps a job's hours.
    """

    zone: str
    year: int
    data_year: int | None
    base_us: int
    intensity: np.ndarray  # gCO2e/kWh per hour
    ewif: np.ndarray | None  # L/kWh per hour (None: the series has no mix)
    cum_intensity: np.ndarray  # prefix sums, len(hours) + 1
    cum_ewif: np.ndarray | None
    notes: tuple[str, ...]

    def mean(self, t0: np.ndarray, t1: np.ndarray, which: str) -> np.ndarray:
        """Time-weighted mean over [t0, t1] (hours since ``base``); the hour's value if t0 = t1."""
        values = self.intensity if which == "intensity" else self.ewif
        cum = self.cum_intensity if which == "intensity" else self.cum_ewif
        assert values is not None and cum is not None
        span = t1 - t0
        with np.errstate(invalid="ignore", divide="ignore"):
            mean = window_sum(values, t0, t1, cum) / span
        last = len(values) - 1
        at_start = values[np.minimum(np.floor(t0).astype(np.int64), last)]
        return np.where(span > 0, mean, at_start)


def hourly_curve(zone: str, year: int, years: int, hydro: str, strict_year: bool) -> HourlyCurve:
    """The hourly curve of ``zone`` for jobs starting in ``year``, over ``years`` years.

    The grid year is chosen as :func:`footprint.analyses.hourly.account_hourly` does for
    a job starting in ``year`` (nearest year with data, noted).
    """

    series = hourly_grid(zone, year, strict_year=strict_year)
    hours = pd.date_range(
        f"{year}-01-01", f"{year + years}-01-01", freq="h", tz="UTC", inclusive="left"
    )
    rows, notes = series.at(hours)
    intensity = np.asarray(series.intensity, dtype=float)[rows]
    hourly_ewif = series.ewif(hydro)
    ewif = None if hourly_ewif is None else np.asarray(hourly_ewif, dtype=float)[rows]

    def prefix(values: np.ndarray | None) -> np.ndarray | None:
        return None if values is None else np.concatenate([[0.0], np.cumsum(values)])

    base = int(pd.Timestamp(f"{year}-01-01", tz="UTC").value // 1000)
    return HourlyCurve(
        zone,
        year,
        series.year,
        base,
        intensity,
        ewif,
        prefix(intensity),  # type: ignore[arg-type]
        prefix(ewif),
        (*series.notes, *notes),
    )
