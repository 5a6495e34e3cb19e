"""One chunk of rows in, its results, rejects and summary part out
(:func:`process_chunk`), and the frames of results and rejects."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from footprint.analyses.batch.cells import is_text, present_mask
from footprint.analyses.batch.options import CARRIED, MAX_RESULT, QUANTITIES
from footprint.analyses.batch.plan import Plan, Resolver, SiteInfo
from footprint.analyses.batch.readers import RawChunk, SkippedRows
from footprint.analyses.batch.steps import (
    Accelerators,
    Chunk,
    Durations,
    HourlyRows,
    Sites,
    Times,
    chunk_accelerators,
    chunk_counts,
    chunk_durations,
    chunk_hourly,
    chunk_powers,
    chunk_sites,
    chunk_times,
    partition_specs,
    site_column,
    timestamps,
)
from footprint.analyses.batch.sums import group_sums
from footprint.catalogues.hardware import get_accelerator, tdp_note
from footprint.core.accounting import embodied_rate
from footprint.engine.evaluation import LoadTable, SiteTable, evaluate


@dataclass
class SummaryPart:
    """What one chunk adds to a summary; plain data, mergeable in any order."""

    rows_in: int = 0
    rows_out: int = 0
    rows_rejected: int = 0
    reasons: dict[str, int] = field(default_factory=dict)
    groups: dict[tuple[Any, ...], dict[str, int]] = field(default_factory=dict)
    total: dict[str, int] = field(default_factory=dict)
    sites: dict[tuple[Any, ...], tuple[int, SiteInfo]] = field(default_factory=dict)
    notes: tuple[str, ...] = ()
    job_ids: np.ndarray = field(default_factory=lambda: np.empty(0, dtype=np.uint64))
    job_rows: np.ndarray = field(default_factory=lambda: np.empty(0, dtype=np.int64))
    id_texts: dict[int, str] = field(default_factory=dict)


@dataclass
class ChunkResult:
    """Accepted rows with results, rejected rows with reasons, and the summary part."""

    results: pd.DataFrame
    rejects: pd.DataFrame
    summary: SummaryPart


def process_chunk(chunk: RawChunk, plan: Plan, resolver: Resolver) -> ChunkResult:
    """Validate, resolve and account every row of ``chunk``, without a per-row Python loop.

    Returns the accepted rows with their results, the rejected rows with their
    reasons, and the chunk's part of the summary. Names are resolved once per
    distinct value and sites once per distinct (region, year, operator); the
    numbers come from :func:`footprint.core.accounting.account` on arrays.

    A row whose results overflow (infinite or NaN) or exceed :data:`MAX_RESULT`
    is rejected, so every accepted row and every total is a finite number.
    NumPy's floating-point warnings are silenced here: each case they flag is a
    rejected row with its reason.
    """
    with np.errstate(all="ignore"):
        return _process_chunk(chunk, plan, resolver)


def _process_chunk(chunk: RawChunk, plan: Plan, resolver: Resolver) -> ChunkResult:
    c = Chunk(chunk, plan, resolver)
    _check_ids(c)
    partition = partition_specs(c)
    count, count_present, gpu_type = chunk_counts(c)
    acc = chunk_accelerators(c, partition, gpu_type)
    times = chunk_times(c)
    dur = chunk_durations(c, times, count, count_present)
    power, utilization, host = chunk_powers(c, acc, dur)
    site = chunk_sites(c, partition, acc, times, dur, count)
    hourly = chunk_hourly(c, site, times, dur)

    keep = np.flatnonzero(~c.rej.mask)
    sums = _account_rows(c, keep, acc, dur, power, host, site, hourly)
    if _reject_out_of_range(c, keep, sums):
        keep = np.flatnonzero(~c.rej.mask)
        sums = _account_rows(c, keep, acc, dur, power, host, site, hourly)
    mags, intensity, ewif, annual, k_idx = sums
    positions, reason_codes, reasons = c.rej.table()
    results = _results_frame(
        c, keep, acc, count, times, dur, power, utilization, host, site, mags, k_idx
    )
    if hourly is not None and annual is not None:
        _add_hourly_columns(results, hourly, keep, intensity, ewif, annual, mags)
        results = results[plan.result_columns]
    rejects = _rejects_frame(c, positions, reason_codes, reasons)
    skipped = chunk.skipped
    n_skipped = 0 if skipped is None else len(skipped.rows)
    if skipped is not None and n_skipped:
        rejects = _with_skipped(rejects, skipped, plan)
        reason_codes = np.concatenate([np.asarray(reason_codes, dtype=object), skipped.codes])

    part = SummaryPart(
        rows_in=c.n + len(c.malformed) + n_skipped,
        rows_out=len(keep),
        rows_rejected=len(positions) + len(c.malformed) + n_skipped,
    )
    codes = pd.Series(reason_codes, dtype=object)
    if len(codes) and codes.str.contains(";", regex=False).any():
        codes = codes.str.split(";").explode()
    part.reasons = {str(k): int(v) for k, v in codes.value_counts().items()}
    if c.malformed:
        part.reasons["malformed_line"] = part.reasons.get("malformed_line", 0) + len(c.malformed)
    jobs_per_site = np.bincount(k_idx, minlength=len(site.infos))
    for j, info in enumerate(site.infos):
        if info is not None and jobs_per_site[j]:
            # two keys of a chunk may name one site (a large and a small job of a named
            # operator): their jobs add up
            before = part.sites.get(site.keys[j], (0, info))[0]
            part.sites[site.keys[j]] = (before + int(jobs_per_site[j]), info)
    part.groups, part.total = group_sums(results, plan.group_by, plan.sum_columns)
    part.notes = (*(hourly.notes if hourly is not None else ()), *derived_power_notes(results))
    part.job_ids, part.job_rows, part.id_texts = job_ids(results)
    return ChunkResult(results, rejects, part)


def derived_power_notes(results: pd.DataFrame) -> tuple[str, ...]:
    """The "power derived, not published" note of each accelerator whose derived TDP drew
    an accepted row's power (a row with a utilization: TDP x it), in order of first row."""
    if len(results) == 0 or not {"accelerator", "utilization"} <= set(results.columns):
        return ()
    used = results["accelerator"][results["utilization"].notna()].dropna()
    notes = (tdp_note(get_accelerator(str(name))) for name in pd.unique(used))
    return tuple(n for n in notes if n)


#: Job ids whose text a summary part carries, when they repeat within the part.
ID_EXAMPLES = 20


def job_ids(results: pd.DataFrame) -> tuple[np.ndarray, np.ndarray, dict[int, str]]:
    """64-bit hashes and row numbers of the accepted rows' job ids, and the text of the
    first few ids that repeat within these rows (the summary finds repeats across parts)."""
    ids = results["job_id"]
    values = ids.to_numpy(dtype=object)
    if not is_text(ids) or isinstance(ids.dtype, pd.CategoricalDtype):
        values = ids.astype(str).to_numpy(dtype=object)
    try:
        hashes = pd.util.hash_array(values, categorize=False)
    except TypeError:  # an object column mixing text and numbers
        hashes = pd.util.hash_array(values.astype(str).astype(object), categorize=False)
    rows = results["row"].to_numpy(dtype=np.int64, copy=True)
    texts: dict[int, str] = {}
    if len(hashes) > 1:
        repeated = np.flatnonzero(pd.Series(hashes).duplicated(keep="first").to_numpy())
        for i in repeated[: ID_EXAMPLES * 4].tolist():
            if len(texts) >= ID_EXAMPLES:
                break
            texts.setdefault(int(hashes[i]), str(ids.iloc[i]))
    return np.asarray(hashes, dtype=np.uint64), rows, texts


_Accounted = tuple[
    dict[str, Any], np.ndarray, np.ndarray, tuple[np.ndarray, np.ndarray] | None, np.ndarray
]


def _account_rows(
    c: Chunk,
    keep: np.ndarray,
    acc: Accelerators,
    dur: Durations,
    power: np.ndarray,
    host: np.ndarray,
    site: Sites,
    hourly: HourlyRows | None,
) -> _Accounted:
    """The accounting of rows ``keep``: (results of ``account``, intensity, EWIF, annual
    intensity and EWIF in hourly mode, site index of each row)."""
    k_idx = site.key_idx[keep]
    intensity = site.table("intensity")[k_idx]
    ewif = site.table("ewif")[k_idx]
    annual = None
    if hourly is not None:
        on = hourly.hourly[keep]
        annual = (intensity, ewif)
        intensity = np.where(on, hourly.intensity[keep], intensity)
        ewif = np.where(on & ~np.isnan(hourly.ewif[keep]), hourly.ewif[keep], ewif)
    # ONE evaluation of the engine over the rows: each row's job at each row's site
    mags = evaluate(
        LoadTable(
            accelerator_hours=dur.accelerator_hours[keep],
            power=power[keep],
            host_power=host[keep],
            embodied={k: v[keep] for k, v in acc.embodied.items()} or None,
        ),
        SiteTable(
            pue=site.table("pue")[k_idx],
            wue=site.table("wue")[k_idx],
            ewif=ewif,
            intensity=intensity,
            cfe=site.table("cfe")[k_idx],
            price=site.table("price")[k_idx],
            host_included=site.table("host_included")[k_idx],
        ),
    ).values
    if annual is not None:
        facility = np.asarray(mags["facility_energy"], dtype=float)
        mags["co2e_annual"] = facility * annual[0] / 1000.0
    return mags, intensity, ewif, annual, k_idx


#: Results checked for each row, in the order a reason names them.
_CHECKED = (*QUANTITIES, "co2e_annual_kg", "cost")


def _reject_out_of_range(c: Chunk, keep: np.ndarray, sums: _Accounted) -> bool:
    """Reject rows ``keep`` whose results are not finite or above :data:`MAX_RESULT`.

    A cost may be NaN (no price for the site): only a cost that is infinite or
    too large rejects its row. Returns whether any row was rejected.
    """
    mags = sums[0]
    named = np.zeros(len(keep), dtype=bool)
    found = False
    for col in _CHECKED:
        key = "co2e_annual" if col == "co2e_annual_kg" else QUANTITIES.get(col, col)
        if key not in mags:
            continue
        values = np.asarray(mags[key], dtype=float)
        nonfinite = ~np.isfinite(values)
        if col == "cost":
            nonfinite &= ~np.isnan(values)
        large = np.isfinite(values) & (np.abs(values) > MAX_RESULT)
        for mask, code, what in (
            (nonfinite & ~named, "non_finite_result", "is not a finite number (it overflows)"),
            (large & ~named, "result_out_of_range", f"is above {MAX_RESULT:g}"),
        ):
            if not mask.any():
                continue
            found = True
            named |= mask
            full = np.zeros(c.n, dtype=bool)
            full[keep[mask]] = True
            c.rej.add(
                full,
                code,
                f"{col} {what}: an input (power, count, duration, gpu_hours or a site "
                "factor) is far too large",
            )
    return found


def _add_hourly_columns(
    results: pd.DataFrame,
    hourly: HourlyRows,
    keep: np.ndarray,
    intensity: np.ndarray,
    ewif: np.ndarray,
    annual: tuple[np.ndarray, np.ndarray],
    mags: dict[str, Any],
) -> None:
    """Hourly mode: the factors used, their basis, and the annual-method CO2e beside."""
    on = hourly.hourly[keep]
    results["intensity_g_per_kwh"] = intensity
    results["ewif_l_per_kwh"] = ewif
    year = results["intensity_year"].astype("Int64").array.copy()
    data_year = hourly.data_year[keep]
    use = on & (data_year >= 0)
    year[use] = data_year[use]
    results["intensity_year"] = year
    results["intensity_basis"] = pd.Categorical(
        np.where(on, "hourly", "annual"), categories=["annual", "hourly"]
    )
    results["co2e_annual_kg"] = np.asarray(mags["co2e_annual"], dtype=float)


def _check_ids(c: Chunk) -> None:
    job_id = c.col("job_id")
    assert job_id is not None
    c.rej.add(~present_mask(job_id), "missing_value", "job_id is empty")
    if c.plan.kind == "sacct":
        step = job_id.astype(str).str.contains(".", regex=False).to_numpy(dtype=bool, copy=True)
        step &= present_mask(job_id)
        c.rej.add(
            step, "job_step", "job step: its allocation row counts it (sacct -X lists allocations)"
        )


def _results_frame(
    c: Chunk,
    keep: np.ndarray,
    acc: Accelerators,
    count: np.ndarray,
    times: Times,
    dur: Durations,
    power: np.ndarray,
    utilization: np.ndarray,
    host: np.ndarray,
    site: Sites,
    mags: dict[str, Any],
    k_idx: np.ndarray,
) -> pd.DataFrame:
    plan, raw = c.plan, c.raw

    def carried(raw_name: str) -> pd.Series:
        return raw[raw_name].iloc[keep].reset_index(drop=True)

    cnt = count[keep]
    count_col = pd.array(np.where(np.isnan(cnt), 0, cnt).astype(np.int64), dtype="Int64")
    count_col[np.isnan(cnt)] = pd.NA
    year_col = pd.array(site.year[keep], dtype="Int64")
    year_col[~site.year_known[keep]] = pd.NA
    data: dict[str, Any] = {
        "row": c.rows[keep],
        "job_id": carried(plan.source["job_id"]),
    }
    for raw_name, out in plan.carried:
        if out in CARRIED:
            data[out] = carried(raw_name)
    data.update(
        {
            "accelerator": pd.Categorical.from_codes(
                acc.codes[keep], categories=pd.Index(acc.names, dtype=object)
            ),
            "count": count_col,
            "start": timestamps(times.start, times.start_ok, keep),
            "end": timestamps(times.end, times.end_ok, keep),
            "duration_h": dur.duration_h[keep],
            "region": site.region.categorical(keep),
            "zone": site_column(site, k_idx, lambda i: i.zone, "cat"),
            "year": year_col,
            "operator": site.operator.categorical(keep),
            "power_w": power[keep],
            "utilization": utilization[keep],
            "host_power_w": host[keep],
        }
    )
    for col in plan.sum_columns:
        if col in QUANTITIES:
            data[col] = np.asarray(mags[QUANTITIES[col]], dtype=float)
    data["cost"] = np.asarray(mags["cost"], dtype=float)
    data["currency"] = site_column(site, k_idx, lambda i: i.currency, "cat")
    if plan.defaults.embodied is not None:
        rate = embodied_rate(*(acc.embodied[k][keep] for k in acc.embodied))
        data["embodied_g_per_h"] = 1000.0 * np.asarray(rate, dtype=float)
    data.update(
        {
            "pue": site_column(site, k_idx, lambda i: i.pue, "float"),
            "wue_l_per_kwh": site_column(site, k_idx, lambda i: i.wue, "float"),
            "ewif_l_per_kwh": site_column(site, k_idx, lambda i: i.ewif, "float"),
            "intensity_g_per_kwh": site_column(site, k_idx, lambda i: i.intensity, "float"),
            "cfe_share": site_column(site, k_idx, lambda i: i.cfe, "float"),
            "price_per_kwh": site_column(site, k_idx, lambda i: i.price, "float"),
            "intensity_year": site_column(site, k_idx, lambda i: i.intensity_year, "int"),
            "ewif_year": site_column(site, k_idx, lambda i: i.ewif_year, "int"),
            "facility_year": site_column(site, k_idx, lambda i: i.facility_year, "int"),
        }
    )
    for raw_name, out in plan.carried:
        if out not in CARRIED:
            data[out] = carried(raw_name)
    return pd.DataFrame(data, copy=False)[[c for c in plan.result_columns if c in data]]


def _with_skipped(rejects: pd.DataFrame, skipped: SkippedRows, plan: Plan) -> pd.DataFrame:
    """The chunk's rejects and the rows its reader rejected itself, in row order."""
    head = pd.DataFrame(
        {
            "row": np.asarray(skipped.rows, dtype=np.int64),
            "reason_code": pd.Series(skipped.codes, dtype=object),
            "reason": pd.Series(skipped.reasons, dtype=object),
        }
    )
    body = skipped.frame.reset_index(drop=True).rename(columns=plan._reject_names())
    extra = pd.concat([head, body], axis=1)
    for col in plan.reject_columns:
        if col not in extra.columns:
            extra[col] = pd.Series([None] * len(extra), dtype=object)
    extra = extra[plan.reject_columns]
    both = pd.concat([rejects, extra], ignore_index=True) if len(rejects) else extra
    return both.sort_values("row", kind="stable").reset_index(drop=True)


def _rejects_frame(
    c: Chunk, positions: np.ndarray, codes: np.ndarray, reasons: np.ndarray
) -> pd.DataFrame:
    plan = c.plan
    head = pd.DataFrame(
        {
            "row": c.rows[positions],
            "reason_code": pd.Series(codes, dtype=object),
            "reason": pd.Series(reasons, dtype=object),
        }
    )
    body = c.raw.iloc[positions].reset_index(drop=True).rename(columns=plan._reject_names())
    frame = pd.concat([head, body], axis=1)
    if plan.kind in ("csv", "sacct"):
        frame["line"] = pd.Series([None] * len(frame), dtype=object)
    if c.malformed:
        extra = pd.DataFrame(
            {
                "row": np.array([m[0] for m in c.malformed], dtype=np.int64),
                "reason_code": "malformed_line",
                "reason": [m[2] for m in c.malformed],
                "line": [m[1] for m in c.malformed],
            }
        )
        for col in plan.reject_columns:
            if col not in extra.columns:
                extra[col] = pd.Series([None] * len(extra), dtype=object)
        frame = pd.concat([frame, extra[frame.columns]], ignore_index=True) if len(frame) else extra
    return frame[plan.reject_columns]
