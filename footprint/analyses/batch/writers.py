"""Outputs of a run through :mod:`footprint.core.files`: output kinds, Arrow schemas, CSV
formula neutralising, and the atomic :class:`TableSink` and :class:`TextSink`."""

from __future__ import annotations

import contextlib
import csv
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from footprint.analyses.batch import readers
from footprint.analyses.batch.options import SUM_COLUMNS
from footprint.analyses.batch.plan import Plan
from footprint.analyses.batch.readers import require_pyarrow
from footprint.analyses.batch.steps import iso
from footprint.core.errors import InputError
from footprint.core.escape import csv_frame
from footprint.core.files import (
    mark_footprint_directory,
    output_target,
    publish_file,
    temp_file_beside,
)


def output_kind(path: Path, what: str) -> str:
    """``"csv"`` or ``"parquet"`` from an output file name; another suffix is an InputError.

    ``what`` names the option in the message. Used by the sinks here and by
    :mod:`footprint.analyses.batch_dask`.
    """
    suffix = path.suffix.lower()
    if suffix == ".csv":
        return "csv"
    if suffix in {".parquet", ".pq", ".parq"}:
        return "parquet"
    raise InputError(f"{what} {path}: expected a .csv or .parquet file name")


def _for_output(frame: pd.DataFrame, kind: str, arrow: bool = False) -> pd.DataFrame:
    """Columns ready to write: categoricals as text (Arrow decodes them itself); for CSV,
    times as ISO 8601 text."""
    out = {}
    for col in frame.columns:
        s = frame[col]
        if isinstance(s.dtype, pd.CategoricalDtype) and not arrow:
            s = s.astype(object).where(s.notna(), None)
        elif kind == "csv" and pd.api.types.is_datetime64_any_dtype(s.dtype):
            ok = s.notna().to_numpy(dtype=bool, copy=True)
            micros = np.where(ok, np.asarray(s.dt.as_unit("us").array.asi8), 0)
            text = iso(micros)
            text[~ok] = None
            s = pd.Series(text, dtype=object)
        out[col] = s.reset_index(drop=True)
    return pd.DataFrame(out, copy=False)


_FLOAT_COLUMNS = (
    *SUM_COLUMNS,
    "co2e_annual_kg",
    "cost",
    "cfe_share",
    "price_per_kwh",
    "embodied_g_per_h",
    "duration_h",
    "power_w",
    "utilization",
    "host_power_w",
    "pue",
    "wue_l_per_kwh",
    "ewif_l_per_kwh",
    "intensity_g_per_kwh",
)
_INT_COLUMNS = ("row", "count", "year", "intensity_year", "ewif_year", "facility_year")


def arrow_schema(plan: Plan, which: str, kind: str) -> Any:
    """The fixed Arrow schema of the ``results`` or ``rejects`` of ``plan``, for a file kind.

    Fixed before any row is read, so that every chunk (and every Dask part)
    writes the same schema.
    """
    import pyarrow as pa

    def raw_type(t: Any) -> Any:
        if not isinstance(t, pa.DataType) or (kind == "csv" and pa.types.is_timestamp(t)):
            return pa.string()
        return t.value_type if pa.types.is_dictionary(t) else t

    fields = []
    if which == "rejects":
        names = plan._reject_names()
        types = {new: plan.raw_types.get(old) for old, new in names.items()}
        for col in plan.reject_columns:
            t = pa.int64() if col == "row" else raw_type(types.get(col))
            fields.append(pa.field(col, t))
        return pa.schema(fields)
    types = {out: plan.raw_types.get(raw) for raw, out in plan.carried}
    types["job_id"] = plan.raw_types.get(plan.source["job_id"])
    for col in plan.result_columns:
        if col in _FLOAT_COLUMNS:
            t = pa.float64()
        elif col in _INT_COLUMNS:
            t = pa.int64()
        elif col in ("start", "end"):
            t = pa.timestamp("us", tz="UTC") if kind == "parquet" else pa.string()
        elif col in types:
            t = raw_type(types[col])
        else:
            t = pa.string()
        fields.append(pa.field(col, t))
    return pa.schema(fields)


def to_arrow(frame: pd.DataFrame, schema: Any) -> Any:
    """``frame`` as an Arrow table of exactly ``schema`` (text columns cast to text)."""
    import pyarrow as pa

    arrays = []
    for f in schema:
        s = frame[f.name]
        if isinstance(s.dtype, pd.CategoricalDtype):  # decoded by Arrow, not per value
            coded = pa.array(s, from_pandas=True)
            decoded = coded.dictionary.take(coded.indices)
            if pa.types.is_string(f.type):
                arrays.append(decoded.cast(f.type))
                continue
            s = decoded.to_pandas()
        try:
            arrays.append(pa.array(s, type=f.type, from_pandas=True))
        except (pa.ArrowInvalid, pa.ArrowTypeError, pa.ArrowNotImplementedError):
            if not pa.types.is_string(f.type):
                raise
            text = s.astype("str").astype(object).where(s.notna(), None)
            arrays.append(pa.array(text, type=pa.string(), from_pandas=True))
    return pa.Table.from_arrays(arrays, schema=schema)


def publish(tmp: Path, target: Path, what: str, directory: bool = False) -> None:
    """Rename the finished ``tmp`` onto ``target``, checked again just before.

    ``target`` was checked when the run started; the check is repeated because a
    run can take long: whatever appeared there since (a directory, a FIFO) is
    refused, never replaced. Commits the outputs of the sinks here and of
    :mod:`footprint.analyses.batch_dask`.
    """

    if directory:
        mark_footprint_directory(tmp)
    output_target(target, what, directory=directory)
    try:
        publish_file(tmp, target)
    except OSError as exc:
        raise InputError(
            f"{what}: cannot write {str(target)!r} ({exc.strerror or type(exc).__name__})"
        ) from None


def discard(tmp: Path | None) -> None:
    """Remove a temporary file or folder this run created (names end in ``.tmp``).

    Anything else (None, a name without ``.tmp``) is left alone. Aborts the outputs of the
    sinks here and of :mod:`footprint.analyses.batch_dask`.
    """
    import shutil

    if tmp is None or not tmp.name.endswith(".tmp"):
        return
    if tmp.is_dir() and not tmp.is_symlink():
        shutil.rmtree(tmp, ignore_errors=True)
    else:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()


#: A text cell a spreadsheet would run as a formula (``footprint.core.escape.csv_cell``)...
_FORMULA_START = r"^[=+\-@\t\r]"
#: ...unless it is a plain number such as ``-5`` or ``+1.5e3``.
_PLAIN_NUMBER = r"^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$"


def _neutralise_formulas(table: Any) -> Any:
    """``table`` with every text cell starting with ``= + - @``, a tab or a CR (and not a
    plain number) prefixed by an apostrophe, as :func:`footprint.core.escape.csv_cell` does.

    Vectorised in Arrow: a column without such a cell (the usual case) is one scan.
    """
    import pyarrow as pa
    import pyarrow.compute as pc

    columns = []
    changed = False
    for i, f in enumerate(table.schema):
        col = table.column(i)
        if (pa.types.is_string(f.type) or pa.types.is_large_string(f.type)) and len(col):
            risky = pc.match_substring_regex(col, _FORMULA_START)
            if pc.any(risky).as_py():
                fix = pc.and_(risky, pc.invert(pc.match_substring_regex(col, _PLAIN_NUMBER)))
                quote, empty = pa.scalar("'", type=f.type), pa.scalar("", type=f.type)
                col = pc.if_else(fix, pc.binary_join_element_wise(quote, col, empty), col)
                changed = True
        columns.append(col)
    return pa.Table.from_arrays(columns, schema=table.schema) if changed else table


class TableSink:
    """Writes a table chunk by chunk to a temporary file beside ``path``.

    Nothing appears at ``path`` until :meth:`commit` renames the file into
    place; :meth:`abort` removes it, so a failure leaves any earlier file at
    ``path`` as it was. CSV goes through pyarrow when installed (fast), else
    pandas; Parquet needs pyarrow.
    """

    def __init__(
        self, path: Path, plan: Plan, which: str, what: str = "output", kind: str | None = None
    ) -> None:

        self.path = path
        self.what = what
        self.kind = kind or output_kind(path, what)
        self.plan = plan
        self.which = which
        self.columns = plan.result_columns if which == "results" else plan.reject_columns
        self.arrow = readers.has_pyarrow()
        if self.kind == "parquet" and not self.arrow:
            require_pyarrow("writing Parquet")
        self.tmp = temp_file_beside(path, what)
        self._writer: Any = None
        self._file: Any = None
        self._schema: Any = arrow_schema(plan, which, self.kind) if self.arrow else None
        self._header = True
        self.rows = 0

    def write(self, frame: pd.DataFrame) -> None:
        """Append ``frame`` (its columns in the sink's order)."""
        frame = _for_output(frame[self.columns], self.kind, self.arrow)
        self.rows += len(frame)
        try:
            self._write(frame)
        except OSError as exc:
            raise InputError(
                f"{self.what}: cannot write {str(self.path)!r} "
                f"({exc.strerror or type(exc).__name__})"
            ) from None

    def _write(self, frame: pd.DataFrame) -> None:
        if not self.arrow:
            if self.kind == "csv":  # text cells safe in a spreadsheet; numbers stay numbers
                frame = csv_frame(frame)
            if self._header:
                frame.to_csv(str(self.tmp), index=False, lineterminator="\n")
            else:
                frame.to_csv(
                    str(self.tmp), mode="a", header=False, index=False, lineterminator="\n"
                )
            self._header = False
            return
        table = to_arrow(frame, self._schema)
        if self.kind == "csv":
            table = _neutralise_formulas(table)
        if self._writer is None:
            if self.kind == "parquet":
                import pyarrow as pa
                import pyarrow.parquet as pq

                text = [f.name for f in self._schema if pa.types.is_string(f.type)]
                self._writer = pq.ParquetWriter(self.tmp, self._schema, use_dictionary=text)
            else:
                import pyarrow.csv as pacsv

                # the header as pandas writes it (pyarrow would quote every name)
                with self.tmp.open("w", encoding="utf-8", newline="") as fh:
                    csv.writer(fh, lineterminator="\n").writerow(self.columns)
                self._file = self.tmp.open("ab")
                options = pacsv.WriteOptions(quoting_style="needed", include_header=False)
                self._writer = pacsv.CSVWriter(self._file, self._schema, write_options=options)
        self._writer.write_table(table)

    def close(self) -> None:
        """Finish the temporary file (a table without rows still gets its header)."""
        try:
            self._close()
        except OSError as exc:
            raise InputError(
                f"{self.what}: cannot write {str(self.path)!r} "
                f"({exc.strerror or type(exc).__name__})"
            ) from None

    def _close(self) -> None:
        if self._writer is None and self._header and self.rows == 0:
            empty = pd.DataFrame({c: pd.Series([], dtype=object) for c in self.columns})
            if self.arrow:
                self.write(empty)
            else:
                empty.to_csv(self.tmp, index=False, lineterminator="\n")
                self._header = False
        if self._writer is not None:
            self._writer.close()
            self._writer = None
        if self._file is not None:
            self._file.close()
            self._file = None

    def commit(self) -> None:
        self.close()
        publish(self.tmp, self.path, self.what)

    def abort(self) -> None:
        with contextlib.suppress(Exception):
            if self._writer is not None:
                self._writer.close()
        with contextlib.suppress(Exception):
            if self._file is not None:
                self._file.close()
        discard(self.tmp)


class TextSink:
    """A small text file (the summary), written to a temporary file and renamed on commit."""

    def __init__(self, path: Path, text: str, what: str = "--summary") -> None:

        self.path = path
        self.what = what
        self.tmp = temp_file_beside(path, what)
        try:
            self.tmp.write_text(text, encoding="utf-8")
        except OSError as exc:
            discard(self.tmp)
            raise InputError(
                f"{what}: cannot write {str(path)!r} ({exc.strerror or type(exc).__name__})"
            ) from None

    def commit(self) -> None:
        publish(self.tmp, self.path, self.what)

    def abort(self) -> None:
        discard(self.tmp)
