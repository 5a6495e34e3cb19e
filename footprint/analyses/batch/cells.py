"""Parsing of cells into numbers, with a reason for every rejected row: quantities
with units, fractions, times, sacct elapsed times and ``AllocTRES``."""

from __future__ import annotations

import functools
import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from footprint.analyses.batch.options import MAX_UNIT_CHARS, NUM_UNIT
from footprint.core import units
from footprint.core.errors import FootprintError
from footprint.workloads.job_rules import Violation


class Rejections:
    """Reasons collected per row: (row positions, code, message or messages)."""

    def __init__(self, n: int) -> None:
        self.n = n
        self.mask = np.zeros(n, dtype=bool)
        self.parts: list[tuple[np.ndarray, str, Any]] = []

    def add(self, mask: np.ndarray, code: str, message: Any) -> None:
        """Reject rows where ``mask``; ``message`` is a string or an array (one per row)."""
        idx = np.flatnonzero(mask)
        if not len(idx):
            return
        self.mask[idx] = True
        msgs = message[idx] if isinstance(message, np.ndarray) else message
        self.parts.append((idx, code, msgs))

    def add_per_value(
        self, mask: np.ndarray, code: str, values: Any, make: Callable[[Any], str]
    ) -> None:
        """Reject rows where ``mask`` with a message made once per distinct value."""
        idx = np.flatnonzero(mask)
        if not len(idx):
            return
        if isinstance(values, pd.Series):  # only the rejected cells become Python objects
            picked = values.iloc[idx].to_numpy(dtype=object)
        else:
            picked = np.asarray(values, dtype=object)[idx]
        codes, uniques = pd.factorize(pd.Series(picked, dtype=object), use_na_sentinel=False)
        texts = np.array([make(u) for u in uniques], dtype=object)
        self.mask[idx] = True
        self.parts.append((idx, code, texts[codes]))

    def add_violations(self, violations: list[Violation], values: Any = None) -> None:
        """Reject the rows of each broken rule of :mod:`footprint.workloads.job_rules`; ``values``
        are the cells a message template's ``{value}`` shows."""
        for v in violations:
            if "{value}" in v.template:

                def make(x: Any, v: Violation = v) -> str:
                    return v.message(show(x, v.unread))

                self.add_per_value(v.mask, v.code, values, make)
            else:
                self.add(v.mask, v.code, v.template)

    def mask_of(self, code: str) -> np.ndarray:
        """Rows already rejected with ``code``."""
        out = np.zeros(self.n, dtype=bool)
        for idx, kind, _ in self.parts:
            if kind == code:
                out[idx] = True
        return out

    def table(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(positions, codes, reasons) of rejected rows; several reasons joined by '; '."""
        if not self.parts:
            empty = np.empty(0, dtype=object)
            return np.empty(0, dtype=np.int64), empty, empty
        idx = np.concatenate([p[0] for p in self.parts])
        codes = np.concatenate([np.full(len(p[0]), p[1], dtype=object) for p in self.parts])
        msgs = np.concatenate(
            [
                p[2] if isinstance(p[2], np.ndarray) else np.full(len(p[0]), p[2], dtype=object)
                for p in self.parts
            ]
        )
        order = np.argsort(idx, kind="stable")
        idx, codes, msgs = idx[order], codes[order], msgs[order]
        if len(idx) < 2 or bool((idx[1:] != idx[:-1]).all()):
            return idx, codes, msgs
        frame = pd.DataFrame({"i": idx, "code": codes, "msg": msgs})
        joined = frame.groupby("i", sort=True).agg({"code": ";".join, "msg": "; ".join})
        return (
            joined.index.to_numpy(dtype=np.int64),
            joined["code"].to_numpy(dtype=object),
            joined["msg"].to_numpy(dtype=object),
        )


def is_text(series: pd.Series) -> bool:
    """Whether a column holds text cells (not numbers or datetimes)."""
    dtype = series.dtype
    if isinstance(dtype, pd.CategoricalDtype):
        return True
    return not (pd.api.types.is_numeric_dtype(dtype) or pd.api.types.is_datetime64_any_dtype(dtype))


def present_mask(series: pd.Series) -> np.ndarray:
    """Boolean mask of the non-missing cells of a column."""
    return np.array(series.notna(), dtype=bool)


def isnone(values: np.ndarray) -> np.ndarray:
    """Boolean mask of the missing values (None, NaN, NA) of an object array."""
    return pd.isna(pd.Series(values, dtype=object)).to_numpy(dtype=bool, copy=True)


def _arrow(series: pd.Series) -> Any:
    """The Arrow array behind a pyarrow-backed text column, else None."""
    if getattr(series.dtype, "storage", None) != "pyarrow":
        return None
    try:
        return series.array.__arrow_array__()
    except (AttributeError, TypeError):
        return None


def _fast_floats(series: pd.Series) -> np.ndarray | None:
    """Numbers of a pyarrow text column in one Arrow cast, or None if any cell is odd.

    Arrow parses decimal text with correct rounding, as Python's ``float()``
    does, so the values are those the ``estimate`` command reads; a cell Arrow
    rejects (spaces, units, '1_000') sends the column to the slower path.
    """
    arr = _arrow(series)
    if arr is None:
        return None
    import pyarrow as pa
    import pyarrow.compute as pc

    try:
        out = pc.cast(arr, pa.float64())
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        return None
    return np.array(out.to_numpy(zero_copy_only=False), dtype=float)


def _fast_times(series: pd.Series) -> pd.Series | None:
    """ISO 8601 text of a pyarrow column as UTC times in one Arrow cast, or None.

    All cells without an offset (read as UTC) or all with one; anything else
    (mixed, dates out of range, odd forms) goes to pandas' ISO 8601 parser.
    """
    arr = _arrow(series)
    if arr is None:
        return None
    import pyarrow as pa
    import pyarrow.compute as pc

    for kind in (pa.timestamp("us"), pa.timestamp("us", tz="UTC")):
        try:
            out = pc.cast(arr, kind)
        except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
            continue
        micros = np.array(pc.cast(out, pa.int64()).to_numpy(zero_copy_only=False), dtype=float)
        valid = ~np.isnan(micros)
        values = np.where(valid, micros, 0).astype(np.int64).astype("datetime64[us]")
        values[~valid] = np.datetime64("NaT")
        return pd.Series(values, index=series.index).dt.tz_localize("UTC")
    return None


@dataclass
class Coded:
    """A text column as codes into its distinct stripped values (-1: empty cell).

    Names are resolved per distinct value; filling empty cells from partitions
    and defaults works on the codes, never on per-row Python objects.
    """

    codes: np.ndarray
    values: list[str]

    @classmethod
    def of(cls, series: pd.Series | None, n: int) -> Coded:
        """Codes and distinct values of a column (None: a column of empty cells)."""
        if series is None:
            return cls(np.full(n, -1, dtype=np.int64), [])
        codes, uniques = pd.factorize(series, use_na_sentinel=True)
        return cls.from_codes(np.asarray(codes, dtype=np.int64), list(uniques))

    @classmethod
    def from_codes(cls, codes: np.ndarray, uniques: list[Any]) -> Coded:
        """Codes into ``uniques`` (any values); stripped, merged, blanks made empty."""
        values: list[str] = []
        index: dict[str, int] = {}
        remap = np.full(len(uniques) + 1, -1, dtype=np.int64)
        for i, u in enumerate(uniques):
            text = "" if u is None or (isinstance(u, float) and math.isnan(u)) else str(u).strip()
            if text:
                if text not in index:
                    index[text] = len(values)
                    values.append(text)
                remap[i] = index[text]
        return cls(remap[codes], values)

    @property
    def empty(self) -> np.ndarray:
        return self.codes < 0

    def code_of(self, value: str) -> int:
        if value not in self.values:
            self.values.append(value)
        return self.values.index(value)

    def fill(self, source: Coded | str | None, where: np.ndarray | None = None) -> None:
        """Empty cells (among ``where``) take ``source``: a column or one value."""
        if source is None:
            return
        empty = self.empty if where is None else self.empty & where
        if not empty.any():
            return
        if isinstance(source, str):
            self.codes[empty] = self.code_of(source)
            return
        remap = np.array([self.code_of(v) for v in source.values] + [-1], dtype=np.int64)
        self.codes[empty] = remap[source.codes[empty]]

    def categorical(self, rows: np.ndarray) -> pd.Categorical:
        """The cells of ``rows`` as a categorical of the distinct values."""
        return pd.Categorical.from_codes(
            self.codes[rows], categories=pd.Index(self.values, dtype=object)
        )


@dataclass
class _Quantity:
    """A parsed quantity column: magnitude in its own unit, factor to the target unit."""

    mag: np.ndarray
    factor: np.ndarray
    present: np.ndarray
    bad: np.ndarray
    messages: np.ndarray


@functools.cache
def unit_factor(unit: str, dimension: str, target: str) -> float:
    """Factor from ``unit`` to ``target``, exactly as pint's ``.to`` applies it."""

    registry = units.get_registry()
    q = registry.Quantity(1, registry.Unit(unit))
    units.check_dimension(q, dimension, "unit")
    return float(q.to(target).magnitude)


def quantity_column(
    series: pd.Series, dimension: str, default_unit: str, target: str, name: str
) -> _Quantity:
    """Parse a column of quantities ("3 days", "700 W"; bare numbers in ``default_unit``).

    Bare numbers are read in one pass; "number unit" cells with one regular
    expression and one unit lookup per distinct unit (a unit is letters only).
    Cells of any other form are rejected: a cell is never handed to pint as an
    expression (``10**10**10 h`` would not end). ``mag * factor`` reproduces
    ``parse_quantity(cell).to(target)`` bit for bit.
    """
    n = len(series)
    present = present_mask(series)
    bad = np.zeros(n, dtype=bool)
    messages = np.full(n, None, dtype=object)
    factor = np.full(n, unit_factor(default_unit, dimension, target))
    if not is_text(series):
        mag = series.to_numpy(dtype=float, na_value=np.nan, copy=True)
    else:
        fast = _fast_floats(series)
        try:  # Python's float() for every cell, as the estimate command reads numbers
            mag = (
                fast
                if fast is not None
                else series.astype("float64").to_numpy(dtype=float, na_value=np.nan, copy=True)
            )
        except (ValueError, TypeError):
            mag = _mixed_quantities(series, present, factor, dimension, default_unit, target, name)
            unread = present & np.isnan(mag)
            if unread.any():
                rows = np.flatnonzero(unread)
                values = series.iloc[rows].astype(str)
                blank = (values.str.strip() == "").to_numpy(dtype=bool, copy=True)
                present[rows[blank]] = False
                rows = rows[~blank]
                # the rest goes through the one quantity parser, once per distinct cell
                codes, uniques = pd.factorize(values[~blank])
                read = [_parse_cell(str(u), dimension, default_unit, target, name) for u in uniques]
                for code, (value, error) in enumerate(read):
                    at = rows[codes == code]
                    if error is None:
                        mag[at], factor[at] = value, 1.0
                    else:
                        bad[at], messages[at] = True, error
    with np.errstate(invalid="ignore"):
        nonfinite = present & ~bad & ~np.isfinite(mag)
        negative = present & ~bad & (mag < 0)
    for mask, what in ((nonfinite, "expected a finite number"), (negative, "must not be negative")):
        if mask.any():
            bad |= mask
            cells = series[mask].astype(str).to_numpy(dtype=object)
            messages[mask] = np.array(
                [f"{name}: {what}, got {show(v, quote=False)}" for v in cells], dtype=object
            )
    return _Quantity(mag, factor, present, bad, messages)


def _mixed_quantities(
    series: pd.Series,
    present: np.ndarray,
    factor: np.ndarray,
    dimension: str,
    default_unit: str,
    target: str,
    name: str,
) -> np.ndarray:
    """Magnitudes of a text column mixing bare numbers and "number unit" cells (sets factor).

    Cells of any other form, and units that are not units of ``dimension``, stay NaN.
    """
    n = len(series)
    mag = np.full(n, np.nan)
    num = pd.to_numeric(series, errors="coerce").to_numpy(dtype=float, na_value=np.nan, copy=True)
    numeric = present & ~np.isnan(num)
    if numeric.any():  # re-read with Python's float() so that values are estimate's
        mag[numeric] = series[numeric].astype("float64").to_numpy(dtype=float, copy=True)
    cand = np.flatnonzero(present & ~numeric)
    if not len(cand):
        return mag
    parts = series.iloc[cand].astype(str).str.extract(NUM_UNIT)
    matched = parts[0].notna().to_numpy(dtype=bool, copy=True)
    if matched.any():
        rows = cand[matched]
        ucodes, uvals = pd.factorize(parts[1][matched])
        ufactor = np.array([_known_unit(str(u), dimension, target) for u in uvals], dtype=float)
        ok = ~np.isnan(ufactor[ucodes])
        mag[rows[ok]] = parts[0][matched][ok].astype("float64").to_numpy(dtype=float, copy=True)
        factor[rows[ok]] = ufactor[ucodes][ok]
    return mag


def _known_unit(unit: str, dimension: str, target: str) -> float:
    """Factor of a unit name (letters only) to ``target``, NaN if not a unit of ``dimension``."""
    if len(unit) > MAX_UNIT_CHARS:
        return math.nan
    try:
        return unit_factor(unit, dimension, target)
    except Exception:  # noqa: BLE001 -- pint raises several types for unknown names
        return math.nan


def show(value: Any, quote: bool = True, limit: int = 60) -> str:
    """A cell for a message, cut to ``limit`` characters."""
    text = str(value)
    if len(text) > limit:
        text = text[: limit - 3] + "..."
    return repr(text) if quote else text


def _parse_cell(
    value: str, dimension: str, default_unit: str, target: str, name: str
) -> tuple[float, str | None]:
    """A cell the vectorised paths could not read, through :func:`units.parse_quantity`
    (the one parser, as ``estimate`` reads an option): (magnitude in ``target``, None),
    or (NaN, the parser's one-line reason)."""

    try:
        q = units.parse_quantity(value, dimension, default_unit, name)
        return float(q.to(target).magnitude), None
    except FootprintError as exc:
        return math.nan, str(exc)


def number_column(series: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """(values, present) of plain numbers; unreadable cells are NaN but present."""
    present = present_mask(series)
    if not is_text(series):
        return series.to_numpy(dtype=float, na_value=np.nan, copy=True), present
    fast = _fast_floats(series)
    if fast is not None:
        return fast, present
    values = pd.to_numeric(series, errors="coerce").to_numpy(
        dtype=float, na_value=np.nan, copy=True
    )
    unread = present & np.isnan(values)
    if unread.any():
        rows = np.flatnonzero(unread)
        blank = (series.iloc[rows].astype(str).str.strip() == "").to_numpy(dtype=bool, copy=True)
        present[rows[blank]] = False
    return values, present


def fraction_column(series: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """(values, present) of utilization cells: 0.8 or '80%' (read as ``--utilization`` does)."""
    values, present = number_column(series)
    if not is_text(series):
        return values, present
    ok = present & ~np.isnan(values)
    if ok.any():  # exactly Python's float(), as the estimate command
        values[ok] = series[ok].astype("float64").to_numpy(dtype=float, copy=True)
    unread = np.flatnonzero(present & np.isnan(values))
    if len(unread):
        text = series.iloc[unread].astype(str).str.strip()
        pct = text.str.endswith("%").to_numpy(dtype=bool, copy=True)
        body = text[pct].str[:-1]
        num = pd.to_numeric(body, errors="coerce").to_numpy(dtype=float, na_value=np.nan, copy=True)
        good = ~np.isnan(num)
        num[good] = body[good].astype("float64").to_numpy(dtype=float, copy=True)
        values[unread[pct]] = num / 100
    return values, present


def time_column(series: pd.Series) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(microseconds since the epoch, valid, present) of a timestamp column (UTC)."""
    present = present_mask(series)
    if pd.api.types.is_datetime64_any_dtype(series.dtype):
        t = series if getattr(series.dtype, "tz", None) else series.dt.tz_localize("UTC")
        t = t.dt.tz_convert("UTC").dt.as_unit("us")
    elif is_text(series):
        fast = _fast_times(series)
        t = (
            fast
            if fast is not None
            else pd.to_datetime(series, format="ISO8601", utc=True, errors="coerce")
        )
        t = t.dt.as_unit("us")
    else:
        t = pd.Series(pd.NaT, index=series.index, dtype="datetime64[us, UTC]")
    valid = t.notna().to_numpy(dtype=bool, copy=True)
    micros = np.asarray(t.array.asi8, dtype=np.int64)  # type: ignore[union-attr]
    return np.where(valid, micros, 0), valid, present


def parse_elapsed(values: pd.Series) -> np.ndarray:
    """Seconds of Slurm time strings, NaN where unreadable.

    Accepts every form Slurm prints or takes: ``MM``, ``MM:SS``, ``HH:MM:SS``,
    ``D-HH``, ``D-HH:MM`` and ``D-HH:MM:SS`` (sacct's ``Elapsed`` is
    ``[D-]HH:MM:SS``: ``1-02:03:04`` is 93,784 s, ``03:04`` is 184 s).

    Parameters
    ----------
    values : pandas.Series of str

    Returns
    -------
    numpy.ndarray
        Elapsed time [s]; NaN for empty or unreadable cells (``UNLIMITED``, ``INVALID``).
    """
    parts = values.astype(str).str.extract(r"^\s*(?:(\d+)-)?(\d+)(?::(\d+))?(?::(\d+))?\s*$")
    d, a, b, c = (
        pd.to_numeric(parts[i], errors="coerce").to_numpy(dtype=float, na_value=np.nan, copy=True)
        for i in range(4)
    )
    z = np.nan_to_num
    with_day = z(d) * 86400 + a * 3600 + z(b) * 60 + z(c)
    h_m_s = a * 3600 + b * 60 + c
    m_s = a * 60 + b
    m = a * 60
    has_d, has_b, has_c = ~np.isnan(d), ~np.isnan(b), ~np.isnan(c)
    return np.where(has_d, with_day, np.where(has_c, h_m_s, np.where(has_b, m_s, m)))


def parse_alloc_tres(values: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """GPU count and GPU type from Slurm ``AllocTRES`` (or ``AllocGRES``) strings.

    ``billing=8,cpu=8,gres/gpu=4,mem=64G,node=1`` gives 4 GPUs; typed entries
    (``gres/gpu:a100=4``) give their type, and add up when there is no untyped
    total (which wins when present). ``AllocGRES`` forms ``gpu:4`` and
    ``gpu:a100:4`` work too.

    Returns
    -------
    (count, gpu_type) : (numpy.ndarray of float, numpy.ndarray of object)
        GPUs per job: 0 where none is allocated, NaN for empty cells; the
        first GPU type, None when untyped.
    """
    text = values.astype(str)
    present = present_mask(values)
    count = pd.to_numeric(
        text.str.extract(r"(?:^|,)\s*gres/gpu=(\d+)")[0], errors="coerce"
    ).to_numpy(dtype=float, na_value=np.nan, copy=True)
    gpu_type = np.full(len(values), None, dtype=object)
    for pattern in (r"(?:^|,)\s*gres/gpu:([^=,:]+)=(\d+)", r"(?:^|,)\s*gpu:(?:([^:,=(]+):)?(\d+)"):
        first = text.str.extract(pattern)
        n_first = pd.to_numeric(first[1], errors="coerce").to_numpy(
            dtype=float, na_value=np.nan, copy=True
        )
        kind = np.asarray(first[0].astype(object).where(first[0].notna(), None), dtype=object)
        fill = np.isnan(count) & ~np.isnan(n_first)
        several = fill & (text.str.count(pattern).to_numpy(dtype=float, na_value=0) > 1)
        count[fill] = n_first[fill]
        if several.any():  # rare: GPUs of several types in one job; add them up
            rows = np.flatnonzero(several)
            found = text.iloc[rows].reset_index(drop=True).str.extractall(pattern)
            sums = pd.to_numeric(found[1]).groupby(level=0).sum()
            count[rows] = sums.reindex(range(len(rows))).to_numpy(dtype=float, copy=True)
        untyped = pd.isna(pd.Series(gpu_type, dtype=object)).to_numpy(dtype=bool, copy=True)
        gpu_type[untyped] = kind[untyped]
    count = np.where(present & np.isnan(count), 0.0, count)
    return count, gpu_type
