"""Exact sums of a summary: integer sums of scaled floats, rounded once, so totals do
not depend on chunking, row order or the engine."""

from __future__ import annotations

import sys
from collections.abc import Iterable
from typing import Any

import numpy as np
import pandas as pd

from footprint.analyses.batch.options import SUM_COLUMNS
from footprint.core.errors import InputError

#: Every finite float64 is a whole multiple of 2**-1126 once its mantissa is an integer
#: (the smallest, 2**-1074, is 2**52 such units): sums in these units are exact integers.
_SCALE = 1126


def _exact_sums(values: np.ndarray, codes: np.ndarray, n_groups: int) -> list[int]:
    """Exact sums of ``values`` per group, as integers in units of 2**-1126.

    Each value is split into its integer mantissa (|m| < 2**53) and exponent;
    the mantissa's two 26-bit halves are summed per (group, exponent) with
    ``numpy.bincount``, exactly (float64 holds integers up to 2**53 and a chunk
    has at most 2**25 rows), and the bins (folded, :func:`_fold_width`) are combined
    in Python integers.
    The sum does not depend on the order of the values, so sums over chunks,
    partitions or machines agree exactly; :func:`round_exact` rounds once.
    """
    if not len(values):
        return [0] * n_groups
    if not np.isfinite(values).all():  # process_chunk rejects such rows: never reached
        raise InputError("summary: a value to add up is not finite")
    mantissa, exponent = np.frexp(values)
    m = np.ldexp(mantissa, 53).astype(np.int64)
    hi = (m >> 26).astype(float)
    lo = (m & ((1 << 26) - 1)).astype(float)
    e0 = int(exponent.min())
    span = int(exponent.max()) - e0 + 1
    key = codes.astype(np.int64) * span + (exponent - e0)
    hi_sum = np.bincount(key, weights=hi, minlength=n_groups * span)
    lo_sum = np.bincount(key, weights=lo, minlength=n_groups * span)
    k = _fold_width(max(float(np.abs(hi_sum).max()), float(np.abs(lo_sum).max())), span)
    hi_sum, lo_sum = _fold(hi_sum, n_groups, span, k), _fold(lo_sum, n_groups, span, k)
    slots = len(hi_sum) // n_groups
    bins = np.flatnonzero((hi_sum != 0) | (lo_sum != 0))
    totals = [0] * n_groups
    if not len(bins):
        return totals
    group, slot = np.divmod(bins, slots)
    # value = m x 2**(exponent - 53) = m x 2**(exponent + 1073) units of 2**-1126;
    # Python integers in object arrays: NumPy loops in C, the integers stay exact
    hi_int = hi_sum[bins].astype(np.int64).astype(object)
    lo_int = lo_sum[bins].astype(np.int64).astype(object)
    shift = (slot * k + (e0 + _SCALE - 53)).astype(object)
    scaled = ((hi_int << 26) + lo_int) << shift
    starts = np.flatnonzero(np.r_[True, group[1:] != group[:-1]])
    for g, total in zip(group[starts].tolist(), np.add.reduceat(scaled, starts), strict=True):
        totals[g] = int(total)
    return totals


def _fold_width(bound: float, span: int) -> int:
    """How many adjacent exponent slots fold into one: the most whose weighted bins
    (slot j of a fold weighs 2**j, each bin at most ``bound``) sum to integers below
    2**53, exact in float64 in any order. Folding leaves far fewer bins for Python
    integers to combine."""
    bound = max(bound, 1.0)
    k = max(1, min(span, int(np.log2(2.0**53 / bound + 1.0))))
    while k > 1 and bound * (2.0**k - 1.0) >= 2.0**53:
        k -= 1
    return k


def _fold(bins: np.ndarray, n_groups: int, span: int, k: int) -> np.ndarray:
    """Bins per (group, exponent slot) with ``k`` adjacent slots folded into one."""
    if k == 1:
        return bins
    slots = -(-span // k)
    grid = np.zeros((n_groups, slots * k))
    grid[:, :span] = bins.reshape(n_groups, span)
    return (grid.reshape(n_groups, slots, k) * np.ldexp(1.0, np.arange(k))).sum(axis=2).ravel()


def round_exact(total: int) -> float:
    """The float nearest to ``total`` x 2**-1126 (integer true division rounds correctly).

    Rows are bounded by :data:`MAX_RESULT`, so a total is finite for any feasible
    number of rows; one that is not is an error, never infinity.
    """
    try:
        return total / (1 << _SCALE)
    except OverflowError:
        raise InputError(
            f"summary: a total exceeds the largest number a float holds ({sys.float_info.max:g})"
        ) from None


def _group_codes(
    results: pd.DataFrame, group_by: tuple[str, ...]
) -> tuple[np.ndarray, list[tuple[Any, ...]], pd.DataFrame]:
    """Group code per row, the key of each group, and the frame grouped (``tag`` explodes)."""
    frame = results
    if "tag" in group_by:
        tags = results["tags"].astype("str").str.split(";").explode()
        tags = tags.str.strip().replace("", None)
        frame = results.iloc[tags.index.to_numpy()].reset_index(drop=True)
        frame = frame.assign(tag=tags.to_numpy(dtype=object))
        # a job with tags "a;a" counts once in "a"
        frame = frame.drop_duplicates(subset=["row", "tag"]) if "row" in frame else frame
    combined = np.zeros(len(frame), dtype=np.int64)
    labels_per_col = []
    for col in group_by:
        if col == "month" and "month" not in frame.columns:
            start = frame["start"]
            ym = (start.dt.year * 100 + start.dt.month).to_numpy(
                dtype=float, na_value=np.nan, copy=True
            )
            codes, uniques = pd.factorize(ym, use_na_sentinel=True)
            labels = [f"{int(u) // 100:04d}-{int(u) % 100:02d}" for u in uniques]
        else:
            codes, uniques = pd.factorize(frame[col], use_na_sentinel=True)
            labels = [plain(u) for u in uniques]
        labels.append(None)  # type: ignore[arg-type]  # empty cells
        codes = np.where(codes < 0, len(labels) - 1, codes)
        combined = combined * len(labels) + codes
        labels_per_col.append(labels)
    inverse, ukeys = pd.factorize(combined)
    keys = []
    for k in np.asarray(ukeys).tolist():
        parts = []
        for labels in reversed(labels_per_col):
            k, i = divmod(k, len(labels))
            parts.append(labels[i])
        keys.append(tuple(reversed(parts)))
    return inverse.reshape(-1).astype(np.int64), keys, frame


def plain(value: Any) -> Any:
    """A value as a plain Python object (NumPy scalars unwrapped, timestamps as ISO text)."""
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, pd.Timestamp):
        return value.isoformat()
    return value


def _sums(
    frame: pd.DataFrame, codes: np.ndarray, n: int, columns: tuple[str, ...]
) -> list[dict[str, int]]:
    """Per group: ``jobs`` and the exact sum of each column (``cost_<currency>`` by currency)."""
    jobs = np.bincount(codes, minlength=n).tolist()
    out: list[dict[str, int]] = [{"jobs": int(j)} for j in jobs]
    for col in columns:
        sums = _exact_sums(frame[col].to_numpy(dtype=float, copy=True), codes, n)
        for g in range(n):
            out[g][col] = sums[g]
    if "cost" in frame.columns:
        cost = frame["cost"].to_numpy(dtype=float, copy=True)
        currency = frame["currency"]
        for cur in sorted({str(x) for x in pd.unique(currency.dropna())}):
            mine = (currency == cur).to_numpy(dtype=bool, copy=True) & ~np.isnan(cost)
            sums = _exact_sums(cost[mine], codes[mine], n)
            for g in range(n):
                if sums[g]:
                    out[g][f"cost_{cur}"] = sums[g]
    return out


def group_sums(
    results: pd.DataFrame, group_by: tuple[str, ...], columns: tuple[str, ...] = SUM_COLUMNS
) -> tuple[dict[tuple[Any, ...], dict[str, int]], dict[str, int]]:
    """Per group and overall: ``jobs`` and the exact sum of each quantity."""
    if not len(results):
        return {}, {}
    codes, keys, frame = _group_codes(results, group_by)
    per_group = _sums(frame, codes, len(keys), columns)
    groups = {key: vals for key, vals in zip(keys, per_group, strict=True) if vals["jobs"]}
    if frame is results:  # groups partition the rows: the total is their sum
        total = merge({}, per_group)
    else:  # tags overlap: sum the rows themselves
        total = _sums(results, np.zeros(len(results), dtype=np.int64), 1, columns)[0]
    return groups, total


def merge(into: dict[str, int], parts: Iterable[dict[str, int]]) -> dict[str, int]:
    """Add the exact sums of ``parts`` into ``into`` (key by key) and return it."""
    for part in parts:
        for k, v in part.items():
            into[k] = into.get(k, 0) + v
    return into
