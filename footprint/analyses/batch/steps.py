"""The steps of accounting one chunk: counts, accelerators, times, durations, powers,
sites and the hourly mode, each vectorised over the rows of the chunk."""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from footprint.analyses.batch.cells import (
    Coded,
    Rejections,
    fraction_column,
    is_text,
    isnone,
    number_column,
    parse_alloc_tres,
    parse_elapsed,
    present_mask,
    quantity_column,
    show,
    time_column,
    unit_factor,
)
from footprint.analyses.batch.options import DURATION_TOLERANCE_S, MAX_HOURLY_SPAN_H
from footprint.analyses.batch.plan import Plan, Resolver, SiteInfo
from footprint.analyses.batch.readers import RawChunk
from footprint.places.facility import LARGE_ACCELERATOR_HOURS, LARGE_ACCELERATORS
from footprint.workloads.job_rules import (
    MAX_COUNT,
    NO_TDP,
    check_count,
    check_hours_conflict,
    check_power_inputs,
    check_utilization,
    draw,
)


class Chunk:
    """Working state of one chunk: the raw frame, its plan, and the reasons so far."""

    def __init__(self, chunk: RawChunk, plan: Plan, resolver: Resolver) -> None:
        self.raw = chunk.frame
        self.rows = chunk.rows
        self.malformed = chunk.malformed
        self.plan = plan
        self.resolver = resolver
        self.n = len(self.raw)
        self.rej = Rejections(self.n)
        self.cfg = plan.config

    def col(self, canon: str) -> pd.Series | None:
        name = self.plan.source.get(canon)
        return None if name is None else self.raw[name]

    def none(self) -> np.ndarray:
        return np.full(self.n, None, dtype=object)

    def zeros(self) -> np.ndarray:
        return np.zeros(self.n, dtype=bool)


@dataclass
class _PartitionFill:
    """Accelerator, region and operator that each row's partition gives (config)."""

    accelerator: Coded | None = None
    region: Coded | None = None
    operator: Coded | None = None
    unknown: np.ndarray | None = None


def partition_specs(c: Chunk) -> _PartitionFill:
    """What the cluster config says about each row's partition (resolved per partition)."""
    cfg, series = c.cfg, c.col("partition")
    if cfg is None or series is None or not cfg.partitions:
        return _PartitionFill()
    part = Coded.of(series, c.n)
    specs = [cfg.partitions.get(v) for v in part.values]
    known = np.array([s is not None for s in specs] + [True])[part.codes]

    def pick(attr: str) -> Coded:
        table = [getattr(s, attr) if s is not None else None for s in specs]
        return Coded.from_codes(np.where(part.codes < 0, len(table), part.codes), [*table, None])

    return _PartitionFill(pick("accelerator"), pick("region"), pick("operator"), ~known)


def chunk_counts(c: Chunk) -> tuple[np.ndarray, np.ndarray, Coded | None]:
    """GPU count per row (from ``count`` or sacct's AllocTRES), whether given, GPU type."""
    rej = c.rej
    if c.plan.kind == "sacct":
        tres = c.col("alloc_tres")
        tres = c.col("alloc_gres") if tres is None else tres
        assert tres is not None
        count, gpu_type = parse_alloc_tres(tres)
        present = present_mask(tres)
        rej.add(~present, "missing_value", "AllocTRES is empty (the job never ran)")
        rej.add(present & (count == 0), "no_gpu", "no GPU allocated (AllocTRES has no gres/gpu)")
        huge = present & ~(count <= MAX_COUNT) & ~np.isnan(count)
        rej.add(
            huge,
            "count_out_of_range",
            f"AllocTRES: more than {MAX_COUNT:,} GPUs in one job",
        )
        count = np.where(huge, np.nan, count)
        codes, uniques = pd.factorize(pd.Series(gpu_type, dtype=object), use_na_sentinel=True)
        types = Coded.from_codes(np.asarray(codes, dtype=np.int64), list(uniques))
        return count, present & (count > 0), types
    series = c.col("count")
    if series is None:
        return np.full(c.n, np.nan), c.zeros(), None
    count, present = number_column(series)
    count, broken = check_count(count, present)  # the rules of GpuJob, on the column
    rej.add_violations(broken, series)
    return count, present, None


@dataclass
class Accelerators:
    """Each row's accelerator: codes into the canonical names, TDP, embodied arguments."""

    codes: np.ndarray  # into names; -1 when unresolved
    names: list[str]  # canonical names, distinct
    tdp: np.ndarray  # per row [W], NaN when unknown
    fraction: np.ndarray  # per row: default draw as a fraction of TDP (server class)
    host: np.ndarray  # per row [W]: default host share (server class)
    embodied: dict[str, np.ndarray]  # keyword arguments of account() per row, when counted

    @property
    def resolved(self) -> np.ndarray:
        return self.codes >= 0


def chunk_accelerators(c: Chunk, part: _PartitionFill, gpu_type: Coded | None) -> Accelerators:
    """Row, partition, GRES type, default: each row's accelerator, resolved per distinct name."""
    names = Coded.of(c.col("accelerator"), c.n)
    names.fill(part.accelerator)
    typed_unmapped = c.zeros()
    if gpu_type is not None:
        gres = c.cfg.gres if c.cfg is not None else {}
        mapped = Coded.from_codes(
            np.where(gpu_type.codes < 0, len(gpu_type.values), gpu_type.codes),
            [*[gres.get(t.lower()) for t in gpu_type.values], None],
        )
        names.fill(mapped)
        typed_unmapped = names.empty & ~gpu_type.empty
    names.fill(c.plan.defaults.accelerator)
    names.fill(c.cfg.defaults.accelerator if c.cfg else None)
    m = len(names.values)
    canon: list[str | None] = [None] * m
    tdp = np.full(m + 1, np.nan)
    fraction = np.full(m + 1, np.nan)
    host = np.full(m + 1, np.nan)
    error = np.full(m + 1, None, dtype=object)
    for i, name in enumerate(names.values):
        hit = c.resolver.accelerator(name)
        if len(hit) == 2:
            error[i] = hit[1]
        else:
            canon[i] = str(hit[0])
            tdp[i], fraction[i], host[i] = hit[1], hit[2], hit[3]
    codes = np.where(names.codes < 0, m, names.codes)
    missing = names.empty
    unknown_partition = part.unknown if part.unknown is not None else c.zeros()
    if gpu_type is not None:
        c.rej.add_per_value(
            typed_unmapped & ~unknown_partition,
            "missing_value",
            np.array([*gpu_type.values, None], dtype=object)[
                np.where(gpu_type.codes < 0, len(gpu_type.values), gpu_type.codes)
            ],
            lambda t: (
                f"no accelerator for GPU type {t!r}: map it in [gres] of the config "
                "or give --accelerator"
            ),
        )
    c.rej.add(
        missing & ~typed_unmapped & ~unknown_partition,
        "missing_value",
        "no accelerator (empty cell; give --accelerator for a default)",
    )
    if unknown_partition.any():
        _reject_partition(c, unknown_partition & missing)
    failed = ~isnone(error)
    c.rej.add(failed[codes], "unknown_accelerator", error[codes])
    # canonical names, distinct (two aliases may name one accelerator)
    ccodes, cnames = pd.factorize(pd.Series([*canon, None], dtype=object), use_na_sentinel=True)
    row_codes = np.asarray(ccodes, dtype=np.int64)[codes]
    embodied: dict[str, np.ndarray] = {}
    if c.plan.defaults.embodied is not None:
        keys = ("embodied_accelerator_kg", "embodied_host_kg", "lifetime_h", "life_utilization")
        table = np.full((len(keys), len(cnames) + 1), np.nan)
        problem = np.full(len(cnames) + 1, None, dtype=object)
        for i, name in enumerate(cnames):
            emb = c.resolver.embodied(str(name))
            if isinstance(emb, str):
                problem[i] = emb
            else:
                table[:, i] = [emb[k] for k in keys]
        at = np.where(row_codes < 0, len(cnames), row_codes)
        embodied = {k: table[j][at] for j, k in enumerate(keys)}
        c.rej.add(~isnone(problem)[at], "missing_data", problem[at])
    return Accelerators(
        row_codes, [str(x) for x in cnames], tdp[codes], fraction[codes], host[codes], embodied
    )


def _reject_partition(c: Chunk, mask: np.ndarray) -> None:
    cfg = c.cfg
    series = c.col("partition")
    assert cfg is not None and series is not None
    known = ", ".join(sorted(cfg.partitions))
    c.rej.add_per_value(
        mask & ~c.rej.mask_of("unknown_partition"),
        "unknown_partition",
        series,
        lambda p: f"partition {p!r} is not in the config {cfg.path} (known: {known})",
    )


@dataclass
class Times:
    """Start and end of each row of a chunk, with which cells were readable."""

    start: np.ndarray | None  # microseconds since the epoch (UTC)
    end: np.ndarray | None
    start_ok: np.ndarray
    end_ok: np.ndarray
    broken: np.ndarray  # a time cell is present but unreadable
    span_s: np.ndarray  # end - start [s], NaN unless both are valid


def _bad_time(which: str, value: Any) -> str:
    return f"{which}: cannot read {value!r} as an ISO 8601 time"


def chunk_times(c: Chunk) -> Times:
    """Start and end as UTC microseconds; bad, unknown and reversed times rejected."""
    out: dict[str, Any] = {"start": None, "end": None}
    ok = {"start": c.zeros(), "end": c.zeros()}
    broken = c.zeros()
    for which in ("start", "end"):
        series = c.col(which)
        if series is None:
            continue
        micros, valid, present = time_column(series)
        bad = present & ~valid
        if c.plan.kind == "sacct" and is_text(series):
            token = series.astype(str).str.strip().to_numpy(dtype=object)
            unknown = bad & np.isin(token, ["Unknown", "None"])
            if which == "end":
                c.rej.add(unknown, "not_finished", "job not finished (End=Unknown)")
            else:
                c.rej.add(unknown, "never_started", "job never started (Start=None)")
            bad &= ~unknown
            broken |= unknown
        c.rej.add_per_value(
            bad,
            "bad_timestamp",
            series,
            functools.partial(_bad_time, which),
        )
        broken |= bad
        out[which], ok[which] = micros, valid
    span = np.full(c.n, np.nan)
    both = ok["start"] & ok["end"]
    if both.any():
        span[both] = (out["end"][both] - out["start"][both]) / 1e6
        before = both & (span < 0)
        if before.any():
            rows = np.flatnonzero(before)
            starts, ends = iso(out["start"][rows]), iso(out["end"][rows])
            msgs = np.full(c.n, None, dtype=object)
            msgs[rows] = [f"end {e} is before start {s}" for s, e in zip(starts, ends, strict=True)]
            c.rej.add(before, "end_before_start", msgs)
    return Times(out["start"], out["end"], ok["start"], ok["end"], broken, span)


@dataclass
class Durations:
    """Accelerator-hours and wall-clock hours of each row of a chunk."""

    accelerator_hours: np.ndarray  # h
    duration_h: np.ndarray  # wall-clock h, NaN when not known


def chunk_durations(
    c: Chunk, times: Times, count: np.ndarray, count_present: np.ndarray
) -> Durations:
    """Accelerator-hours: (duration x count) x unit factor, or gpu_hours; as ``estimate``."""
    plan, rej, src = c.plan, c.rej, c.plan.source
    f_s = unit_factor("s", "time", "h")
    mag = np.full(c.n, np.nan)
    factor = np.full(c.n, f_s)
    given = c.zeros()
    if plan.kind == "sacct" and ("elapsed" in src or "elapsed_raw" in src):
        label = "Elapsed" if "elapsed" in src else "ElapsedRaw"
        series = c.raw[src["elapsed" if label == "Elapsed" else "elapsed_raw"]]
        secs = parse_elapsed(series) if label == "Elapsed" else number_column(series)[0]
        given = present_mask(series)
        with np.errstate(invalid="ignore"):
            bad = given & ~(secs >= 0)
        rej.add_per_value(
            bad,
            "bad_duration",
            series,
            lambda v: f"{label}: cannot read {v!r} as [D-]HH:MM:SS",
        )
        mag = np.where(bad, np.nan, secs)
    elif "duration" in src:
        q = quantity_column(c.raw[src["duration"]], "time", "h", "h", "duration")
        rej.add(q.bad, "bad_duration", q.messages)
        given, mag, factor = q.present, q.mag, q.factor
        both = given & ~q.bad & ~np.isnan(times.span_s) & (times.span_s >= 0)
        if both.any():
            dur_s = mag * factor * 3600.0
            off = both & (np.abs(dur_s - times.span_s) > DURATION_TOLERANCE_S)
            if off.any():
                rows = np.flatnonzero(off)
                msgs = np.full(c.n, None, dtype=object)
                msgs[rows] = [
                    f"duration {a / 3600:g} h disagrees with end - start = {b / 3600:g} h "
                    "(bare numbers are hours)"
                    for a, b in zip(dur_s[rows], times.span_s[rows], strict=True)
                ]
                rej.add(off, "duration_mismatch", msgs)
    from_span = ~given & ~np.isnan(times.span_s)
    mag = np.where(from_span, times.span_s, mag)
    factor = np.where(from_span, f_s, factor)
    timed = given | from_span

    gpu_hours = c.zeros()
    hours = np.full(c.n, np.nan)
    if "gpu_hours" in src:
        g = quantity_column(c.raw[src["gpu_hours"]], "time", "h", "h", "gpu_hours")
        rej.add(g.bad, "bad_duration", g.messages)
        gpu_hours = g.present
        rej.add_violations(check_hours_conflict(gpu_hours, count_present, given))
        hours = g.mag * g.factor
    need = ~gpu_hours
    if plan.kind != "sacct":
        rej.add(need & ~count_present, "missing_value", "count is empty")
    rej.add(
        need & ~timed & ~times.broken,
        "missing_value",
        "no duration: give end (with start) or duration",
    )
    with np.errstate(invalid="ignore"):
        accelerator_hours = np.where(gpu_hours, hours, (mag * count) * factor)
        duration_h = np.where(timed, mag * factor, np.nan)
    return Durations(accelerator_hours, duration_h)


def chunk_powers(
    c: Chunk, acc: Accelerators, dur: Durations | None = None
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Power [W] (row, row utilization x TDP, default, TDP x default utilization), host [W]."""
    d, src, rej = c.plan.defaults, c.plan.source, c.rej
    power = np.full(c.n, np.nan)
    power_given = c.zeros()
    if "power" in src:
        q = quantity_column(c.raw[src["power"]], "power", "W", "W", "power")
        rej.add(q.bad, "bad_power", q.messages)
        power_given = q.present & ~q.bad
        power = np.where(power_given, q.mag * q.factor, power)
    util = np.full(c.n, np.nan)
    util_given = c.zeros()
    if "utilization" in src:  # the rules of GpuJob, on the columns
        series = c.raw[src["utilization"]]
        util, present = fraction_column(series)
        util_given, broken = check_utilization(util, present)
        rej.add_violations(broken, series)
        rej.add_violations(check_power_inputs(power_given, util_given))
    if d.power_w is not None:
        use_default = ~power_given & ~util_given
        power = np.where(use_default, d.power_w, power)
        power_given = power_given | use_default
    default_util = d.utilization if d.utilization is not None else acc.fraction
    power, used_util, no_tdp = draw(power, power_given, util, util_given, acc.tdp, default_util)
    rej.add_per_value(
        no_tdp & acc.resolved,
        "missing_data",
        np.array([*acc.names, None], dtype=object)[
            np.where(acc.codes < 0, len(acc.names), acc.codes)
        ],
        lambda a: NO_TDP.format(value=a),
    )
    host = acc.host.copy() if d.host_power_w is None else np.full(c.n, d.host_power_w)
    if "host_power" in src:
        q = quantity_column(c.raw[src["host_power"]], "power", "W", "W", "host_power")
        rej.add(q.bad, "bad_power", q.messages)
        host = np.where(q.present & ~q.bad, q.mag * q.factor, host)
    if "energy" in src and dur is not None:  # a measured IT energy replaces power x hours
        q = quantity_column(c.raw[src["energy"]], "energy", "kWh", "kWh", "energy")
        rej.add(q.bad, "bad_energy", q.messages)
        measured = q.present & ~q.bad
        rej.add(
            measured & (power_given_by_row(c, src) | util_given_by_row(c, src)),
            "conflicting_inputs",
            "give either energy or power/utilization, not both",
        )
        with np.errstate(divide="ignore", invalid="ignore"):
            per_hour = q.mag * q.factor * 1000.0 / dur.accelerator_hours
        power = np.where(measured, per_hour, power)
        used_util = np.where(measured, np.nan, used_util)
        host = np.where(measured, 0.0, host)
    return power, used_util, host


def power_given_by_row(c: Chunk, src: dict[str, str]) -> np.ndarray:
    """Rows that write a power cell."""
    return present_mask(c.raw[src["power"]]) if "power" in src else c.zeros()


def util_given_by_row(c: Chunk, src: dict[str, str]) -> np.ndarray:
    """Rows that write a utilization cell."""
    return present_mask(c.raw[src["utilization"]]) if "utilization" in src else c.zeros()


@dataclass
class Sites:
    """Each row's site: index into the distinct (region, year, operator) keys and factors."""

    key_idx: np.ndarray  # per row: index into keys/infos
    keys: list[tuple[Any, ...]]  # (region, year, operator) per distinct key
    infos: list[SiteInfo | None]
    region: Coded
    operator: Coded
    year: np.ndarray
    year_known: np.ndarray

    def table(self, name: str) -> np.ndarray:
        return np.array([getattr(i, name) if i else np.nan for i in self.infos], dtype=float)


def chunk_sites(
    c: Chunk, part: _PartitionFill, acc: Accelerators, times: Times, dur: Durations, count: Any
) -> Sites:
    """Region, year, operator per row; one site resolution per distinct combination.

    A row without an operator whose job is large (``Scale.facility_class``) takes the
    hyperscale facility class, as an estimate of the same job does."""
    d, rej, cfg = c.plan.defaults, c.rej, c.cfg
    region = Coded.of(c.col("region"), c.n)
    operator = Coded.of(c.col("operator"), c.n)
    for coded, from_part, default, cfg_default in (
        (region, part.region, d.region, cfg.defaults.region if cfg else None),
        (operator, part.operator, d.operator, cfg.defaults.operator if cfg else None),
    ):
        coded.fill(from_part)
        coded.fill(default)
        coded.fill(cfg_default)
    no_region = region.empty
    unknown_partition = part.unknown if part.unknown is not None else c.zeros()
    rej.add(
        no_region & ~unknown_partition,
        "missing_value",
        "no region (empty cell; give --region for a default)",
    )
    if unknown_partition.any():
        _reject_partition(c, unknown_partition & no_region)

    year = np.full(c.n, -1, dtype=np.int64)
    known = c.zeros()
    series = c.col("year")
    if series is not None:
        values, present = number_column(series)
        with np.errstate(invalid="ignore"):
            bad = present & ~(
                np.isfinite(values) & (values == np.floor(values)) & (np.abs(values) <= 9999)
            )
        rej.add_per_value(
            bad, "bad_year", series, lambda v: f"year: expected a calendar year, got {show(v)}"
        )
        ok = present & ~bad
        year[ok] = values[ok].astype(np.int64)
        known |= ok
    if d.year is not None:
        year[~known] = d.year
        known[:] = True
    if times.start is not None:
        from_start = ~known & times.start_ok
        year[from_start] = (
            times.start[from_start].astype("datetime64[us]").astype("datetime64[Y]").astype(int)
            + 1970
        )
        known |= from_start

    ycodes, yuniq = pd.factorize(year)
    no, ny = len(operator.values) + 1, len(yuniq)
    with np.errstate(invalid="ignore"):
        large = (dur.accelerator_hours >= LARGE_ACCELERATOR_HOURS) | (count >= LARGE_ACCELERATORS)
    key = ((region.codes * ny + ycodes) * no + (operator.codes + 1)) * 2 + large.astype(np.int64)
    key_idx, ukeys = pd.factorize(np.where(no_region, -1, key))
    key_idx = np.asarray(key_idx, dtype=np.int64)
    keys: list[tuple[Any, ...]] = []
    infos: list[SiteInfo | None] = []
    errors = np.full(len(ukeys), None, dtype=object)
    codes = np.full(len(ukeys), None, dtype=object)
    for j, k in enumerate(np.asarray(ukeys).tolist()):
        if k < 0:
            keys.append((None, None, None, None))
            infos.append(None)
            continue
        k, big = divmod(k, 2)
        rest, oc = divmod(k, no)
        rc, yc = divmod(rest, ny)
        y = int(yuniq[yc])
        key_t = (
            region.values[rc],
            None if y < 0 else y,
            operator.values[oc - 1] if oc else None,
            "hyperscale" if big and not oc else None,
        )
        hit = c.resolver.site(*key_t)
        keys.append(key_t)
        if isinstance(hit, SiteInfo):
            infos.append(hit)
        else:
            infos.append(None)
            codes[j], errors[j] = hit
    for code in sorted({x for x in codes if x is not None}):
        rows = (codes == code)[key_idx] & ~no_region
        rej.add(rows, code, errors[key_idx])
    return Sites(key_idx, keys, infos, region, operator, year, known)


def chunk_hourly(c: Chunk, site: Sites, times: Times, dur: Durations) -> HourlyRows | None:
    """Each job's hourly-weighted intensity and EWIF where its region has hourly data.

    Rows without a start or outside the hourly zones keep the annual factors
    (``intensity_basis`` says which). Work is per distinct (zone, start year):
    one curve, then two prefix-sum lookups per row.
    """
    if not c.plan.defaults.hourly:
        return None
    n = c.n
    intensity = np.full(n, np.nan)
    ewif = np.full(n, np.nan)
    data_year = np.full(n, -1, dtype=np.int64)
    hourly = c.zeros()
    zone_of = [c.resolver.hourly_zone(r) for r in site.region.values]
    zcodes, znames = pd.factorize(pd.Series([*zone_of, None], dtype=object), use_na_sentinel=True)
    row_zone = np.asarray(zcodes, dtype=np.int64)[
        np.where(site.region.codes < 0, len(zone_of), site.region.codes)
    ]
    duration = dur.duration_h
    # a span beyond MAX_HOURLY_SPAN_H keeps the annual factors (its curve would be huge)
    long = (row_zone >= 0) & times.start_ok & ~c.rej.mask & ~(duration <= MAX_HOURLY_SPAN_H)
    candidate = (row_zone >= 0) & times.start_ok & np.isfinite(duration) & ~c.rej.mask & ~long
    extra: tuple[str, ...] = ()
    if long.any():
        extra = (
            f"hourly: jobs longer than {MAX_HOURLY_SPAN_H:,.0f} h (10 years) keep the annual "
            "factors (intensity_basis annual)",
        )
    if not candidate.any():
        return HourlyRows(hourly, intensity, ewif, data_year, extra)
    assert times.start is not None
    start_year = (
        times.start.astype("datetime64[us]").astype("datetime64[Y]").astype(np.int64) + 1970
    )
    key = row_zone * 10_000 + start_year
    notes: list[str] = []
    for k in np.unique(key[candidate]).tolist():
        rows = np.flatnonzero(candidate & (key == k))
        zone, year = str(znames[k // 10_000]), int(k % 10_000)
        t0 = (
            times.start[rows] - int(pd.Timestamp(f"{year}-01-01", tz="UTC").value // 1000)
        ) / 3.6e9
        t1 = t0 + duration[rows]
        last_end = times.start[rows] + np.round(duration[rows] * 3.6e9).astype(np.int64)
        years = int(np.max(last_end).astype("datetime64[us]").astype("datetime64[Y]").astype(int))
        years = years + 1970 - year + 1
        curve = c.resolver.curve(zone, year, years)
        if isinstance(curve, tuple):
            c.rej.add(candidate & (key == k), curve[0], curve[1])
            continue
        intensity[rows] = curve.mean(t0, t1, "intensity")
        if curve.ewif is not None and c.plan.defaults.site.get("ewif") is None:
            ewif[rows] = curve.mean(t0, t1, "ewif")
        data_year[rows] = -1 if curve.data_year is None else curve.data_year
        hourly[rows] = True
        notes += [n for n in curve.notes if n not in notes]
    return HourlyRows(hourly, intensity, ewif, data_year, (*notes, *extra))


@dataclass
class HourlyRows:
    """The rows of a chunk accounted hour by hour, with their weighted factors."""

    hourly: np.ndarray  # rows accounted hour by hour
    intensity: np.ndarray  # job's time-weighted intensity [gCO2e/kWh], NaN elsewhere
    ewif: np.ndarray  # job's time-weighted EWIF [L/kWh], NaN where annual
    data_year: np.ndarray
    notes: tuple[str, ...]


# --------------------------------------------------------------------------- frames


def iso(micros: np.ndarray) -> np.ndarray:
    """ISO 8601 UTC text of microsecond timestamps: '2024-03-01T12:00:00Z', with
    microseconds ('...:00.250000Z') only for a time that has them (each value's text
    depends on the value alone, never on its neighbours or the chunk)."""
    if not len(micros):
        return np.empty(0, dtype=object)
    whole = micros % 1_000_000 == 0
    if whole.all():
        text = np.datetime_as_string(micros.astype("datetime64[us]"), unit="s")
        return np.char.add(text.astype(str), "Z").astype(object)
    text = np.datetime_as_string(micros.astype("datetime64[us]"), unit="us").astype(str)
    seconds = np.char.add(np.char.partition(text, ".")[:, 0], "Z")
    return np.where(whole, seconds, np.char.add(text, "Z")).astype(object)


def timestamps(micros: np.ndarray | None, ok: np.ndarray, keep: np.ndarray) -> pd.Series:
    """Microseconds since the epoch as a UTC timestamp column of the kept rows."""
    if micros is None:
        return pd.Series(pd.NaT, index=range(len(keep)), dtype="datetime64[us, UTC]")
    values = micros[keep].astype("datetime64[us]")
    values[~ok[keep]] = np.datetime64("NaT")
    return pd.Series(values).dt.tz_localize("UTC")


def site_column(site: Sites, k_idx: np.ndarray, get: Callable[[SiteInfo], Any], kind: str) -> Any:
    """One site factor per kept row, taken from each distinct site of a chunk."""
    table = [get(i) if i is not None else None for i in site.infos]
    if kind == "float":
        return np.array([np.nan if v is None else v for v in table], dtype=float)[k_idx]
    if kind == "int":
        return pd.array(table, dtype="Int64").take(k_idx)
    codes, cats = pd.factorize(pd.Series(table, dtype=object), use_na_sentinel=True)
    return pd.Categorical.from_codes(
        np.asarray(codes)[k_idx], categories=pd.Index([str(x) for x in cats], dtype=object)
    )
