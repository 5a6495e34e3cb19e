"""Footprints of many jobs at once: job logs in, per-job results, rejects and summaries out.

A cluster's accounting (a CSV or Parquet table, or Slurm's ``sacct --parsable2``
output) becomes one row of results per job with the same quantities as
:func:`footprint.estimate`, a rejects table giving the reason for every row
that could not be accounted, and a summary grouped by any column. No row is
lost: rows in = rows out + rows rejected, stated in every summary.

The computation is vectorised over a whole chunk of rows: names (accelerators,
regions, operators, units) are resolved once per *distinct* value, and every
site (region, year, operator) once through :func:`footprint.site.site_factors`,
so the batch gains whatever that resolver supports; the formulas are those of
:func:`footprint.accounting.account`, applied to NumPy arrays. Each row's
numbers are identical (bit for bit) to ``footprint estimate`` for the same
inputs. Summary totals are exact sums rounded once (:class:`Summary`), so they
do not depend on chunking, row order or the engine.

Input columns (case-insensitive; ``columns={"count": "n_gpus"}`` maps others):

========== =================================================================
job_id      identifier of the job (required)
accelerator name or alias (``footprint accelerators``); else the partition's
            accelerator from the cluster config, else the default
count       accelerators used, a whole number >= 1
start, end  ISO 8601 times; times without an offset are read as UTC
duration    wall-clock time ('3 days', '90 min', '5400 s'); bare numbers are hours
gpu_hours   accelerator-hours in total, instead of count and duration
region      anything ``footprint estimate --region`` takes; else the default
year        data year; default: the calendar year (UTC) of ``start``
operator    data-centre operator for PUE/WUE defaults
power       average draw per accelerator ('700 W'; bare numbers are W)
utilization fraction of TDP (0.8 or '80%'), instead of power
host_power  host share per accelerator ('0 W' turns it off)
user, project, partition, tags   carried through; tags are ';'-separated
========== =================================================================

Every other column is carried through to the results unchanged.
"""

from __future__ import annotations

import bz2
import contextlib
import csv
import functools
import gzip
import io
import lzma
import math
import numbers
import os
import re
import reprlib
import sys
import threading
import warnings
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from difflib import get_close_matches
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from footprint.errors import FootprintError, InputError, MissingDataError, UnknownNameError

__all__ = [
    "INPUT_COLUMNS",
    "RESULT_COLUMNS",
    "SUM_COLUMNS",
    "REASON_CODES",
    "BatchOptions",
    "ClusterConfig",
    "PartitionSpec",
    "BatchResult",
    "BatchReport",
    "Summary",
    "read_config",
    "batch_frame",
    "run_batch",
    "parse_elapsed",
    "parse_alloc_tres",
    "Source",
    "ParquetSource",
    "output_kind",
    "publish",
    "discard",
]

#: Canonical input columns and what they hold (the command's help shows these).
INPUT_COLUMNS: dict[str, str] = {
    "job_id": "identifier of the job (required)",
    "accelerator": "accelerator name or alias (`footprint accelerators`)",
    "count": "number of accelerators, a whole number >= 1",
    "start": "ISO 8601 start time; no offset means UTC",
    "end": "ISO 8601 end time",
    "duration": "wall-clock time: '3 days', '90 min'; bare numbers are hours",
    "gpu_hours": "accelerator-hours in total (instead of count and duration)",
    "region": "zone or region, as `footprint estimate --region` takes",
    "year": "data year; default: the year of start",
    "operator": "data-centre operator for PUE/WUE defaults",
    "power": "average draw per accelerator, e.g. '700 W'",
    "utilization": "average draw as a fraction of TDP, e.g. 0.8 or 80%",
    "host_power": "host share per accelerator, e.g. '150 W'",
    "user": "carried through (group by it)",
    "project": "carried through (group by it)",
    "partition": "carried through; with a cluster config, gives accelerator and region",
    "tags": "carried through; ';'-separated, `--group-by tag` counts each tag",
}

#: sacct field (as printed by ``sacct --parsable2 --format=...``) -> what it gives.
SACCT_FIELDS: dict[str, str] = {
    "JobID": "job_id",
    "User": "user",
    "Account": "project",
    "Partition": "partition",
    "Start": "start",
    "End": "end",
    "Elapsed": "elapsed",
    "ElapsedRaw": "elapsed_raw",
    "AllocTRES": "alloc_tres",
    "AllocGRES": "alloc_gres",
}

#: Result columns of each job and the key of the same quantity in ``estimate``'s results.
QUANTITIES: dict[str, str] = {
    "accelerator_hours_h": "accelerator_hours",
    "it_energy_kwh": "it_energy",
    "facility_energy_kwh": "facility_energy",
    "co2e_kg": "co2e",
    "co2e_market_kg": "co2e_market",
    "embodied_co2e_kg": "embodied_co2e",
    "total_co2e_kg": "total_co2e",
    "water_l": "water",
    "water_onsite_l": "water_onsite",
    "water_offsite_l": "water_offsite",
}
#: Quantities of each job summed in summaries (the embodied ones when counted).
SUM_COLUMNS = tuple(QUANTITIES)
_EMBODIED_COLUMNS = ("embodied_co2e_kg", "total_co2e_kg")
_UNITS = {
    col: {"h": "h", "kwh": "kWh", "kg": "kgCO2e", "l": "L"}[col.rsplit("_", 1)[1]]
    for col in (*QUANTITIES, "co2e_annual_kg")
}

#: Output columns of the per-job results, in order (carried-through columns follow).
RESULT_COLUMNS = (
    "row",
    "job_id",
    "accelerator",
    "count",
    "start",
    "end",
    "duration_h",
    "region",
    "zone",
    "year",
    "operator",
    "power_w",
    "utilization",
    "host_power_w",
    *SUM_COLUMNS,
    "cost",
    "currency",
    "pue",
    "wue_l_per_kwh",
    "ewif_l_per_kwh",
    "intensity_g_per_kwh",
    "cfe_share",
    "price_per_kwh",
    "embodied_g_per_h",
    "intensity_year",
    "ewif_year",
    "facility_year",
)
_CARRIED = ("user", "project", "partition", "tags")

#: Reason codes of rejected rows.
REASON_CODES: dict[str, str] = {
    "malformed_line": "a line with the wrong number of fields",
    "missing_value": "a required cell is empty",
    "unknown_accelerator": "accelerator not in the catalogue",
    "unknown_partition": "partition not in the cluster config",
    "unknown_region": "region not known",
    "unknown_operator": "operator not known",
    "bad_count": "count not a whole number >= 1",
    "no_gpu": "no accelerator allocated (sacct AllocTRES without gres/gpu)",
    "bad_timestamp": "start or end not an ISO 8601 time",
    "not_finished": "job still running (sacct End=Unknown)",
    "never_started": "job never started (sacct Start=None/Unknown)",
    "end_before_start": "end earlier than start",
    "bad_duration": "duration not a non-negative time",
    "duration_mismatch": "duration disagrees with end - start by more than 1 s",
    "conflicting_inputs": "two inputs that exclude each other",
    "bad_power": "power or host_power not a non-negative power",
    "bad_utilization": "utilization not in (0, 1]",
    "bad_year": "year not a calendar year in 1990-2100",
    "missing_data": "no data for the region, year or operator",
    "job_step": "sacct job step: its allocation row counts it",
    "count_out_of_range": "count above 10,000,000 accelerators in one job",
    "non_finite_result": "a result overflows (infinite or not a number): an input is far too large",
    "result_out_of_range": "a result above 1e100 in its unit: an input is far too large",
}

_CHUNK = 250_000
#: Longest header line read (a header of thousands of columns is far shorter).
_MAX_HEADER_CHARS = 1 << 20
#: Largest cluster config read (a config is a few kB; this bounds a wrong file).
_MAX_CONFIG_BYTES = 16 * 2**20
#: Upper bound of rows per chunk: keeps the exact sums of Summary within float64 integers.
_MAX_CHUNK = 1 << 25
_DURATION_TOLERANCE_S = 1.0
_NUM = r"[-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?"
#: The only form a quantity cell may take: a number and an optional unit made of letters
#: (no operators, parentheses or powers: a cell is never evaluated as an expression).
_NUM_UNIT = re.compile(rf"^\s*({_NUM})\s*([A-Za-zµ_][A-Za-zµ_ ]*?)\s*$")
#: Longest unit name read from a cell (the longest real ones are ~20 letters).
_MAX_UNIT_CHARS = 40
#: Most accelerators one job may use. The largest clusters hold ~2e5 accelerators, so a
#: count above 1e7 is a data error (a job id, bytes or a sum in the count column); the
#: bound keeps counts exact in float64 and in the int64 count column.
_MAX_COUNT = 10_000_000
#: Largest magnitude of a per-job result in its unit (kWh, kgCO2e, L, h, currency).
#: Far above anything physical (the Sun's whole lifetime output is ~3e37 kWh) and far
#: below float64's 1.8e308, so that totals over any feasible number of rows stay finite.
_MAX_RESULT = 1e100
#: Longest wall-clock span accounted hour by hour (longer jobs keep the annual factors).
_MAX_HOURLY_SPAN_H = 10 * 8784.0


# --------------------------------------------------------------------------- options


@dataclass(frozen=True)
class PartitionSpec:
    """What a Slurm partition (or the config's ``[defaults]``) says about its jobs."""

    accelerator: str | None = None
    region: str | None = None
    operator: str | None = None


@dataclass(frozen=True)
class ClusterConfig:
    """Cluster config (TOML): partitions -> accelerator/region/operator, GRES types, columns.

    Example::

        [defaults]            # jobs of partitions not listed below
        region = "FR"

        [partitions.gpu_a100]
        accelerator = "A100-80GB"
        region = "FR"
        operator = "industry-average"

        [gres]                # typed GPUs in AllocTRES: gres/gpu:h100=4
        h100 = "H100-SXM"

        [columns]             # canonical name = column of the input
        count = "n_gpus"
    """

    partitions: dict[str, PartitionSpec] = field(default_factory=dict)
    gres: dict[str, str] = field(default_factory=dict)
    defaults: PartitionSpec = PartitionSpec()
    columns: dict[str, str] = field(default_factory=dict)
    path: str = ""


def read_config(path: str | os.PathLike[str]) -> ClusterConfig:
    """Read and check a cluster config (TOML, see :class:`ClusterConfig`).

    Accelerator names are checked against the catalogue now, so that a typo is
    one clear error rather than a million rejected rows.

    Raises
    ------
    InputError
        Unreadable file, unknown table or key, wrong value type, unknown accelerator.
    """
    import tomllib

    from footprint.files import read_text
    from footprint.hardware import get_accelerator

    p = Path(path)
    text_doc = read_text(p, f"config {p}", max_bytes=_MAX_CONFIG_BYTES)
    try:
        doc = tomllib.loads(text_doc)
    except tomllib.TOMLDecodeError as exc:
        first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise InputError(f"config {p}: not valid TOML ({first})") from None
    except RecursionError:
        raise InputError(f"config {p}: not valid TOML (nested too deeply)") from None
    unknown = set(doc) - {"defaults", "partitions", "gres", "columns"}
    if unknown:
        raise InputError(
            f"config {p}: unknown table(s) {sorted(unknown)}; "
            "expected [defaults], [partitions.NAME], [gres], [columns]"
        )

    def text(value: Any, where: str) -> str:
        if not isinstance(value, str) or not value.strip():
            shown = reprlib.repr(value)
            raise InputError(f"config {p}: {where}: expected a non-empty string, got {shown}")
        return value.strip()

    def section(key: str) -> dict[str, Any]:
        value = doc.get(key, {})
        if not isinstance(value, dict):
            raise InputError(
                f"config {p}: {key} must be a table [{key}], got {type(value).__name__}"
            )
        return value

    def spec(table: Any, where: str) -> PartitionSpec:
        if not isinstance(table, dict):
            raise InputError(f"config {p}: {where}: expected a table, got {type(table).__name__}")
        bad = set(table) - {"accelerator", "region", "operator"}
        if bad:
            raise InputError(
                f"config {p}: {where}: unknown key(s) {sorted(bad)}; "
                "expected accelerator, region, operator"
            )
        values = {k: text(v, f"{where}.{k}") for k, v in table.items()}
        if "accelerator" in values:
            try:
                values["accelerator"] = get_accelerator(values["accelerator"]).name
            except UnknownNameError as exc:
                raise InputError(f"config {p}: {where}.accelerator: {exc}") from None
        return PartitionSpec(**values)

    partitions_doc = section("partitions")
    partitions = {
        str(name): spec(value, f"partitions.{name}") for name, value in partitions_doc.items()
    }
    gres: dict[str, str] = {}
    for name, value in section("gres").items():
        try:
            gres[str(name).lower()] = get_accelerator(text(value, f"gres.{name}")).name
        except UnknownNameError as exc:
            raise InputError(f"config {p}: gres.{name}: {exc}") from None
    columns = {_canon(str(k)): text(v, f"columns.{k}") for k, v in section("columns").items()}
    defaults = spec(section("defaults"), "defaults")
    return ClusterConfig(partitions, gres, defaults, columns, str(p))


@dataclass(frozen=True)
class BatchOptions:
    """How to read a job log and which defaults and overrides apply.

    Parameters
    ----------
    input_format : {"csv", "parquet", "sacct"}, optional
        Detected from the file when not given (a ``|``-separated header with
        ``JobID`` is sacct).
    delimiter : str, optional
        Field separator of CSV input; detected from the header when not given.
    columns : mapping, optional
        Canonical column name -> column of the input (``{"count": "n_gpus"}``).
    config : ClusterConfig, optional
        Partition -> accelerator/region/operator, GRES types, column names.
    accelerator, region, operator : str, optional
        Defaults for rows that give none (after the row's partition).
    year : int, optional
        Data year for rows without a ``year`` cell (default: the year of ``start``).
    power, host_power : Quantity, str or float, optional
        Defaults per accelerator [W] for rows that give none.
    utilization : float, optional
        Default fraction of TDP, in (0, 1].
    pue, wue, ewif, intensity, cfe, price : optional
        Site factors replacing the defaults for every row (as ``estimate``).
    consumer : {"non-household", "household"}
        Price band of the price dataset.
    hydro : {"include", "exclude"}
        Hydropower evaporation in the EWIF.
    strict_year : bool
        Reject rows whose data year is missing instead of using the nearest year.
    embodied : bool or footprint.embodied.Embodied
        Count embodied (manufacturing) emissions as ``estimate`` does (default),
        with an ``Embodied`` replacing some defaults, or not (``False``).
    hourly : bool
        Account CO2e and off-site water hour by hour where the region has hourly
        grid data (:mod:`footprint.hourly`), as ``account_hourly`` does for one
        job; other rows keep the annual factors (column ``intensity_basis``).
    group_by : tuple of str
        Columns of the results to group the summary by; ``month`` (of start) and
        ``tag`` (each ';'-separated tag of ``tags``) are derived.
    chunk_size : int
        Rows per chunk (memory is bounded by the chunk, not the file).
    """

    input_format: str | None = None
    delimiter: str | None = None
    columns: Mapping[str, str] = field(default_factory=dict)
    config: ClusterConfig | None = None
    accelerator: str | None = None
    region: str | None = None
    operator: str | None = None
    year: int | None = None
    power: Any = None
    utilization: float | None = None
    host_power: Any = None
    pue: Any = None
    wue: Any = None
    ewif: Any = None
    intensity: Any = None
    cfe: float | None = None
    price: Any = None
    consumer: str = "non-household"
    hydro: str = "include"
    strict_year: bool = False
    embodied: Any = True
    hourly: bool = False
    group_by: tuple[str, ...] = ()
    chunk_size: int = _CHUNK

    def __post_init__(self) -> None:
        """Check the types of the structural options (values are checked by make_plan)."""
        for name in ("input_format", "delimiter", "accelerator", "region", "operator"):
            value = getattr(self, name)
            if value is not None and not isinstance(value, str):
                raise InputError(f"{name}: expected text or None, got {reprlib.repr(value)}")
        for name in ("consumer", "hydro"):
            if not isinstance(getattr(self, name), str):
                shown = reprlib.repr(getattr(self, name))
                raise InputError(f"{name}: expected text, got {shown}")
        if not isinstance(self.columns, Mapping) or not all(
            isinstance(k, str) and isinstance(v, str) for k, v in self.columns.items()
        ):
            raise InputError(
                "columns: expected a mapping of column names, canonical name -> input column "
                f"(e.g. {{'count': 'n_gpus'}}), got {reprlib.repr(self.columns)}"
            )
        if self.config is not None and not isinstance(self.config, ClusterConfig):
            raise InputError(
                f"config: expected a ClusterConfig (read_config) or None, got "
                f"{reprlib.repr(self.config)}"
            )
        if isinstance(self.group_by, str) or not isinstance(self.group_by, tuple | list):
            raise InputError(
                f"group_by: expected a tuple of column names, got {reprlib.repr(self.group_by)}"
            )
        if not all(isinstance(g, str) for g in self.group_by):
            raise InputError(
                f"group_by: expected column names (text), got {reprlib.repr(self.group_by)}"
            )
        if self.year is not None and (
            isinstance(self.year, bool) or not isinstance(self.year, numbers.Integral)
        ):
            raise InputError(f"year: expected a calendar year, got {reprlib.repr(self.year)}")
        size = self.chunk_size
        if (
            isinstance(size, bool)
            or not isinstance(size, numbers.Integral)
            or not 1 <= size <= _MAX_CHUNK
        ):
            raise InputError(
                f"chunk size: expected a whole number of rows from 1 to {_MAX_CHUNK:,}, "
                f"got {reprlib.repr(size)}"
            )


# --------------------------------------------------------------------------- names


def _canon(name: str) -> str:
    """Canonical form of a column name: lower case, spaces and hyphens as underscores."""
    return re.sub(r"[\s\-]+", "_", name.strip().lower())


def _natural_key(path: Path) -> list[Any]:
    return [int(t) if t.isdigit() else t for t in re.split(r"(\d+)", path.as_posix())]


# --------------------------------------------------------------------------- sources


@dataclass
class RawChunk:
    """Rows as read, their 1-based row numbers, and malformed lines met while reading."""

    frame: pd.DataFrame
    rows: np.ndarray
    malformed: list[tuple[int, str, str]] = field(default_factory=list)


@dataclass(frozen=True)
class ParquetPiece:
    """Consecutive row groups of one Parquet file: the unit of work of both engines."""

    path: str
    row_groups: tuple[int, ...]
    first_row: int
    n_rows: int
    partition_values: tuple[tuple[str, str], ...] = ()


def _open_text(path: Path) -> io.TextIOBase:
    openers: dict[str, Callable[..., Any]] = {".gz": gzip.open, ".bz2": bz2.open, ".xz": lzma.open}
    opener: Callable[..., Any] = openers.get(path.suffix.lower(), open)
    return opener(path, "rt", encoding="utf-8-sig", newline="")  # type: ignore[no-any-return]


def _is_parquet_path(path: Path) -> bool:
    return path.is_dir() or path.suffix.lower() in {".parquet", ".pq", ".parq"}


def _has_pyarrow() -> bool:
    try:
        import pyarrow  # noqa: F401
    except ImportError:
        return False
    return True


def _require_pyarrow(what: str) -> Any:
    try:
        import pyarrow
    except ImportError:
        raise InputError(
            f"{what} needs pyarrow, a dependency of footprint that is missing here: "
            "pip install pyarrow"
        ) from None
    return pyarrow


class Source(ABC):
    """A job log: its kind, its header (raw column names) and its rows in chunks.

    The base of the CSV/sacct, Parquet and DataFrame sources that :func:`open_source`
    returns; :mod:`footprint.batch_dask` takes one as its input.
    """

    kind: str = "csv"
    header: list[str]
    types: dict[str, Any]
    path: Path | None = None

    def total_rows(self) -> int | None:
        return None

    @abstractmethod
    def chunks(self, size: int) -> Iterator[RawChunk]:
        """The source's rows as chunks of at most ``size`` raw rows."""


class _CsvSource(Source):
    """A CSV or sacct file (optionally .gz/.bz2/.xz), read in chunks of strings."""

    def __init__(self, path: Path, kind: str, delimiter: str | None) -> None:
        self.path = path
        self.kind = kind
        try:
            with _open_text(path) as fh:
                first = fh.readline(_MAX_HEADER_CHARS + 1)
        except (OSError, UnicodeDecodeError, EOFError, lzma.LZMAError) as exc:
            raise InputError(f"{path}: cannot read ({exc})") from None
        line = first.rstrip("\r\n")
        if not line.strip():
            raise InputError(
                f"{path}: malformed header: the file is empty or its first line is blank"
            )
        if len(first) > _MAX_HEADER_CHARS:
            raise InputError(
                f"{path}: malformed header: the first line is longer than "
                f"{_MAX_HEADER_CHARS:,} characters (is this a job log?)"
            )
        # a header without a line end is the whole file: no rows (pyarrow would refuse it)
        self.header_only = not first.endswith(("\n", "\r"))
        self.delimiter = _check_delimiter(delimiter) or _sniff_delimiter(line, kind)
        try:
            names = next(csv.reader([line], delimiter=self.delimiter))
        except csv.Error as exc:
            raise InputError(f"{path}: malformed header ({exc})") from None
        self.trailing = bool(names) and names[-1] == "" and len(names) > 1
        if self.trailing:  # sacct --parsable ends every line with the delimiter
            names = names[:-1]
        self.header = [n.strip() for n in names]
        _check_header_names(self.header, path)
        self.types = {name: "string" for name in self.header}

    def total_rows(self) -> int | None:
        if self.path is None or self.path.suffix.lower() in {".gz", ".bz2", ".xz"}:
            return None
        count = 0
        with self.path.open("rb") as fh:
            for block in iter(lambda: fh.read(1 << 20), b""):
                count += block.count(b"\n")
        return max(count - 1, 0)

    def chunks(self, size: int) -> Iterator[RawChunk]:
        if self.header_only:
            return
        if _has_pyarrow():
            yield from self._arrow_chunks(size)
        else:
            yield from self._pandas_chunks(size)

    def _arrow_chunks(self, size: int) -> Iterator[RawChunk]:
        """Stream with pyarrow's CSV reader: every cell as text, malformed rows with their text.

        A row with too many or too few fields is a malformed line (pandas' reader,
        used without pyarrow, fills a short row with empty cells instead).
        """
        assert self.path is not None
        names = [*self.header, "__trailing__"] if self.trailing else list(self.header)
        bad: list[int] = []
        malformed: list[tuple[int, str, str]] = []
        blank = [0]  # lines of spaces met so far: not rows, as empty lines are not

        def invalid(row: Any) -> str:
            if not str(row.text).strip():
                blank[0] += 1
                return "skip"
            # pyarrow numbers lines without the empty ones; a line of spaces is not a
            # row either, so later records are numbered as if it were not there
            record = int(row.number) - 1 - blank[0] if row.number is not None else -1
            bad.append(record)
            message = (
                f"malformed line: expected {row.expected_columns} fields, saw {row.actual_columns}"
            )
            malformed.append((record, row.text, message))
            return "skip"

        with contextlib.ExitStack() as stack:
            source: Any = str(self.path)
            if self.path.suffix.lower() == ".xz":  # pyarrow reads .gz and .bz2 itself
                source = stack.enter_context(lzma.open(self.path, "rb"))
            yield from self._arrow_batches(source, names, size, bad, invalid)
        if malformed:
            empty = pd.DataFrame({name: pd.Series([], dtype=str) for name in self.header})
            yield RawChunk(empty, np.empty(0, dtype=np.int64), sorted(malformed))

    def _arrow_batches(
        self, source: Any, names: list[str], size: int, bad: list[int], invalid: Any
    ) -> Iterator[RawChunk]:
        """Record batches of ``size`` rows, numbered past the malformed ones."""
        import pyarrow as pa
        import pyarrow.csv as pacsv

        try:
            reader = pacsv.open_csv(
                source,
                read_options=pacsv.ReadOptions(
                    column_names=names, skip_rows=1, use_threads=False, block_size=1 << 24
                ),
                parse_options=pacsv.ParseOptions(
                    delimiter=self.delimiter, invalid_row_handler=invalid
                ),
                convert_options=pacsv.ConvertOptions(
                    column_types={name: pa.string() for name in names},
                    null_values=[""],
                    strings_can_be_null=True,
                ),
            )
            cursor = 1
            pending: list[Any] = []
            held = 0
            exhausted = False
            while not exhausted:
                try:
                    batch = reader.read_next_batch()
                    pending.append(batch)
                    held += batch.num_rows
                except StopIteration:
                    exhausted = True
                while held >= size or (exhausted and held):
                    table = pa.Table.from_batches(pending)
                    take = min(size, held)
                    part, rest = table.slice(0, take), table.slice(take)
                    pending, held = rest.to_batches(), held - take
                    bad.sort()
                    rows = _assign_rows(cursor, take, bad)
                    cursor = int(rows[-1]) + 1
                    frame = part.to_pandas()
                    if self.trailing:
                        frame = frame.drop(columns="__trailing__")
                    yield RawChunk(frame, rows)
        except (pa.ArrowInvalid, OSError, EOFError, lzma.LZMAError) as exc:
            raise InputError(f"{self.path}: cannot read as {self.kind}: {exc}") from None

    def _pandas_chunks(self, size: int) -> Iterator[RawChunk]:
        """Stream with pandas' C reader (no pyarrow): every cell as text."""
        assert self.path is not None
        names = [*self.header, "__trailing__"] if self.trailing else list(self.header)
        bad: list[int] = []  # 1-based record numbers of malformed lines, ascending
        bad_messages: dict[int, str] = {}
        cursor = 1  # next record number not yet assigned
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always", pd.errors.ParserWarning)
            try:
                reader = pd.read_csv(
                    self.path,
                    sep=self.delimiter,
                    header=0,
                    names=names,
                    dtype=str,
                    keep_default_na=False,
                    na_values=[""],
                    chunksize=size,
                    on_bad_lines="warn",
                    encoding="utf-8-sig",
                    engine="c",
                )
                with reader:
                    for frame in reader:
                        for w in caught:
                            m = re.match(r"Skipping line (\d+): (.*)", str(w.message).strip())
                            if m:
                                record = self._record_number(int(m.group(1)))
                                bad.append(record)
                                bad_messages[record] = m.group(2)
                        caught.clear()
                        bad.sort()
                        rows = _assign_rows(cursor, len(frame), bad)
                        if len(rows):
                            cursor = int(rows[-1]) + 1
                        if self.trailing:
                            frame = frame.drop(columns="__trailing__")
                        yield RawChunk(frame.reset_index(drop=True), rows)
            except (pd.errors.ParserError, UnicodeDecodeError, EOFError, lzma.LZMAError) as exc:
                raise InputError(f"{self.path}: cannot read as {self.kind}: {exc}") from None
            for w in caught:
                m = re.match(r"Skipping line (\d+): (.*)", str(w.message).strip())
                if m:
                    record = self._record_number(int(m.group(1)))
                    bad.append(record)
                    bad_messages[record] = m.group(2)
        if bad:
            texts = self._record_texts(set(bad))
            malformed = [
                (r, texts.get(r, ""), f"malformed line: {bad_messages[r]}") for r in sorted(bad)
            ]
            empty = pd.DataFrame({name: pd.Series([], dtype=str) for name in self.header})
            yield RawChunk(empty, np.empty(0, dtype=np.int64), malformed)

    def _record_number(self, line: int) -> int:
        """Row number of pandas' "line" ``line`` (records counted with the blank ones):
        blank lines are not rows, as with pyarrow. One pass over the file, once."""
        import bisect

        blanks: list[int] | None = getattr(self, "_blanks", None)
        if blanks is None:
            assert self.path is not None
            blanks = []
            try:
                with _open_text(self.path) as fh:
                    reader = csv.reader(fh, delimiter=self.delimiter)
                    for number, fields in enumerate(reader, start=1):
                        if not fields or (len(fields) == 1 and not fields[0].strip()):
                            blanks.append(number)
            except csv.Error as exc:
                raise InputError(f"{self.path}: cannot read as {self.kind}: {exc}") from None
            self._blanks = blanks
        return line - 1 - bisect.bisect_left(blanks, line)

    def _record_texts(self, records: set[int]) -> dict[int, str]:
        """Raw text of the given 1-based records (a second pass, only when lines are bad)."""
        assert self.path is not None
        out: dict[int, str] = {}
        last = max(records)
        try:
            with _open_text(self.path) as fh:
                reader = csv.reader(fh, delimiter=self.delimiter)
                next(reader, None)
                number = 0
                for fields in reader:
                    if not fields or (len(fields) == 1 and not fields[0].strip()):
                        continue  # a blank line is not a row
                    number += 1
                    if number in records:
                        out[number] = self.delimiter.join(fields)
                    if number >= last:
                        break
        except csv.Error as exc:
            raise InputError(f"{self.path}: cannot read as {self.kind}: {exc}") from None
        return out


def _assign_rows(cursor: int, n: int, bad: list[int]) -> np.ndarray:
    """Record numbers of the next ``n`` good rows from ``cursor``, skipping ``bad`` ones."""
    import bisect

    lo = bisect.bisect_left(bad, cursor)
    span = np.arange(cursor, cursor + n + (len(bad) - lo), dtype=np.int64)
    skip = np.asarray(bad[lo:], dtype=np.int64)
    if len(skip):
        span = span[~np.isin(span, skip)]
    return span[:n]


def _check_delimiter(delimiter: str | None) -> str | None:
    """``--delimiter`` as one character (``\\t`` or ``tab`` for a tab), or None."""
    if delimiter is None:
        return None
    named = {"\\t": "\t", "tab": "\t", "comma": ",", "semicolon": ";", "pipe": "|"}
    value = named.get(delimiter.lower(), delimiter)
    if len(value) != 1 or value in '\r\n"':
        raise InputError(
            f"--delimiter: expected one character such as ',' ';' '|' or '\\t', got {delimiter!r}"
        )
    return value


def _sniff_delimiter(line: str, kind: str) -> str:
    if kind == "sacct":
        return "|"
    counts = {d: line.count(d) for d in (",", ";", "\t", "|")}
    best = max(counts, key=lambda d: (counts[d], d == ","))
    return best if counts[best] else ","


def _check_header_names(header: list[str], where: Any) -> None:
    for i, name in enumerate(header, start=1):
        if not name:
            raise InputError(f"{where}: malformed header: column {i} has no name")
    seen: dict[str, str] = {}
    for name in header:
        key = _canon(name)
        if key in seen:
            raise InputError(
                f"{where}: malformed header: columns {seen[key]!r} and {name!r} have the same name"
            )
        seen[key] = name


class ParquetSource(Source):
    """A Parquet file or a directory of them (Hive-style ``key=value`` folders become columns).

    :mod:`footprint.batch_dask` reads such a source piece by piece in parallel.
    """

    kind = "parquet"

    def __init__(self, path: Path, chunk_size: int) -> None:
        pa = _require_pyarrow("reading Parquet")
        import pyarrow.parquet as pq

        self.path = path
        if path.is_dir():
            files = sorted((p for p in path.rglob("*") if _is_data_file(p, path)), key=_natural_key)
            if not files:
                raise InputError(f"{path}: no Parquet files in this directory")
        elif path.is_file():
            files = [path]
        else:
            raise InputError(f"{path}: no such file or directory")
        schema = None
        self.pieces: list[ParquetPiece] = []
        first_row = 1
        part_keys: list[str] = []
        for f in files:
            try:
                meta = pq.ParquetFile(f).metadata
            except (OSError, pa.ArrowException) as exc:
                raise InputError(f"{f}: malformed Parquet file ({exc})") from None
            file_schema = meta.schema.to_arrow_schema()
            if schema is None:
                schema = file_schema
            elif file_schema.names != schema.names:
                raise InputError(
                    f"{f}: malformed header: columns {file_schema.names} differ from "
                    f"{schema.names} of {files[0]}"
                )
            parts = _hive_values(f, path) if path.is_dir() else ()
            for key, _ in parts:
                if key not in part_keys:
                    part_keys.append(key)
            groups: list[int] = []
            n = 0
            for g in range(meta.num_row_groups):
                rows = meta.row_group(g).num_rows
                if groups and n + rows > chunk_size:
                    self.pieces.append(ParquetPiece(str(f), tuple(groups), first_row, n, parts))
                    first_row += n
                    groups, n = [], 0
                groups.append(g)
                n += rows
            if groups:
                self.pieces.append(ParquetPiece(str(f), tuple(groups), first_row, n, parts))
                first_row += n
        assert schema is not None
        self.header = [*schema.names, *[k for k in part_keys if k not in schema.names]]
        _check_header_names(self.header, path)
        self.types = {name: schema.field(name).type for name in schema.names}
        self.types.update({k: pa.string() for k in part_keys if k not in schema.names})
        self.part_keys = tuple(part_keys)
        self.n_rows = first_row - 1

    def total_rows(self) -> int | None:
        return self.n_rows

    def chunks(self, size: int) -> Iterator[RawChunk]:
        for piece in self.pieces:
            yield read_piece(piece, self.header)


def _is_data_file(p: Path, root: Path) -> bool:
    rel = p.relative_to(root).parts
    if any(part.startswith((".", "_")) for part in rel):
        return False  # _SUCCESS, _metadata, .crc and hidden files
    return p.is_file() and p.suffix.lower() in {".parquet", ".pq", ".parq"}


def _hive_values(f: Path, root: Path) -> tuple[tuple[str, str], ...]:
    from urllib.parse import unquote

    out = []
    for part in f.relative_to(root).parts[:-1]:
        if "=" in part:
            key, value = part.split("=", 1)
            out.append((unquote(key), unquote(value)))
    return tuple(out)


def read_piece(piece: ParquetPiece, header: list[str] | None = None) -> RawChunk:
    """Read one :class:`ParquetPiece` into a :class:`RawChunk` (both engines use this)."""
    import pyarrow.parquet as pq

    try:
        table = pq.ParquetFile(piece.path).read_row_groups(list(piece.row_groups))
    except Exception as exc:  # pyarrow raises several types for damaged files
        raise InputError(f"{piece.path}: cannot read Parquet ({exc})") from None
    frame = table.to_pandas()
    for key, value in piece.partition_values:
        if key not in frame.columns:
            frame[key] = pd.Series([value] * len(frame), dtype=str)
    if header is not None:
        for name in header:
            if name not in frame.columns:
                frame[name] = pd.Series([None] * len(frame), dtype=str)
        frame = frame[header]
    rows = np.arange(piece.first_row, piece.first_row + len(frame), dtype=np.int64)
    return RawChunk(frame.reset_index(drop=True), rows)


class _FrameSource(Source):
    """A DataFrame already in memory (the library entry point)."""

    kind = "frame"

    def __init__(self, frame: pd.DataFrame, kind: str = "frame") -> None:
        self.frame = frame.reset_index(drop=True)
        self.kind = kind
        self.header = [str(c) for c in frame.columns]
        _check_header_names(self.header, "frame")
        self.types = {name: str(frame[name].dtype) for name in frame.columns}

    def total_rows(self) -> int | None:
        return len(self.frame)

    def chunks(self, size: int) -> Iterator[RawChunk]:
        for start in range(0, max(len(self.frame), 1), size):
            part = self.frame.iloc[start : start + size].reset_index(drop=True)
            if start and not len(part):
                break
            yield RawChunk(part, np.arange(start + 1, start + 1 + len(part), dtype=np.int64))


def open_source(path: str | os.PathLike[str], options: BatchOptions) -> Source:
    """Open a job log and check its header (nothing is read beyond the header yet)."""
    p = Path(path)
    fmt = options.input_format
    if fmt not in (None, "csv", "parquet", "sacct"):
        raise InputError(f"input format: expected csv, parquet or sacct, got {fmt!r}")
    if not str(path).strip():
        raise InputError("job log: empty file name")
    if not p.exists():
        raise InputError(f"{p}: no such file or directory")
    if p.is_dir():
        if fmt not in (None, "parquet"):
            raise InputError(f"{p}: a directory; only Parquet datasets can be directories")
    else:  # only regular files: a FIFO or a device (/dev/zero) would hang or never end
        from footprint.files import check_input_file

        check_input_file(p, "job log")
    if fmt == "parquet" or (fmt is None and _is_parquet_path(p)):
        return ParquetSource(p, _chunk_size(options))
    if p.is_dir():
        raise InputError(f"{p}: a directory; only Parquet datasets can be directories")
    if fmt is None:
        try:
            with _open_text(p) as fh:
                first = fh.readline(_MAX_HEADER_CHARS + 1)
        except (OSError, UnicodeDecodeError, EOFError, lzma.LZMAError) as exc:
            raise InputError(f"{p}: cannot read ({exc})") from None
        fields = {_canon(x) for x in re.split(r"[|,;\t]", first)}
        fmt = (
            "sacct"
            if "jobid" in fields and ({"alloctres", "allocgres", "elapsed"} & fields)
            else "csv"
        )
    return _CsvSource(p, fmt, options.delimiter)


def _chunk_size(options: BatchOptions) -> int:
    size = int(options.chunk_size)
    if not 1 <= size <= _MAX_CHUNK:
        raise InputError(f"chunk size: expected 1 to {_MAX_CHUNK:,} rows, got {size}")
    return size


# --------------------------------------------------------------------------- plan


@dataclass(frozen=True)
class _Defaults:
    """Checked defaults and overrides, as plain numbers (picklable for Dask workers)."""

    accelerator: str | None
    region: str | None
    operator: str | None
    year: int | None
    power_w: float | None
    utilization: float | None
    host_power_w: float
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
            cols = tuple(c for c in cols if c not in _EMBODIED_COLUMNS)
        if self.defaults.hourly:
            cols = (*cols, "co2e_annual_kg")
        return cols

    @property
    def result_columns(self) -> list[str]:
        """Columns of the per-job results, carried-through columns included."""
        canonical = [c for c in _CARRIED if c in self.source]
        extra = [out for raw, out in self.carried if out not in _CARRIED]
        skip = (
            () if self.defaults.embodied is not None else (*_EMBODIED_COLUMNS, "embodied_g_per_h")
        )
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
    by_canon = {_canon(h): h for h in header}
    mapping: dict[str, str] = {}
    if source.kind == "sacct":
        sacct = {_canon(k): v for k, v in SACCT_FIELDS.items()}
        for h in header:
            if _canon(h) in sacct:
                mapping[sacct[_canon(h)]] = h
    else:
        for h in header:
            if _canon(h) in INPUT_COLUMNS:
                mapping[_canon(h)] = h
    explicit = {**(options.config.columns if options.config else {}), **options.columns}
    for canon, src in explicit.items():
        key = _canon(canon)
        if key not in INPUT_COLUMNS and key not in SACCT_FIELDS.values():
            raise InputError(
                f"column mapping {canon}={src}: {canon!r} is not an input column "
                f"({', '.join(INPUT_COLUMNS)})"
            )
        if src not in header and _canon(src) not in by_canon:
            hint = _close(src, header)
            raise InputError(f"{where}: column mapping {canon}={src}: no column {src!r}{hint}")
        mapping[key] = src if src in header else by_canon[_canon(src)]

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
    for canon in _CARRIED:
        if canon in mapping:
            carried.append((mapping[canon], canon))
    notes: list[str] = []
    for h in header:
        if h in consumed:
            continue
        name = h
        while name in reserved or name in _CARRIED or name in {c for _, c in carried}:
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
        group_by=tuple(options.group_by),
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
    canon_header = {_canon(h): h for h in header}
    for m in missing:
        canon = m.split(" ")[0]
        candidates = [canon_header[s] for s in _SYNONYMS.get(canon, ()) if s in canon_header]
        if not candidates:
            hits = get_close_matches(canon, list(canon_header), n=1, cutoff=0.6)
            candidates = [canon_header[h] for h in hits]
        if candidates:
            hints.append(f"--column {canon}={candidates[0]}")
    if header and re.fullmatch(_NUM, header[0].strip() or "x"):
        return "; the first line looks like data: the file needs a header line"
    return "; map a column with " + ", ".join(hints) if hints else ""


def _check_defaults(options: BatchOptions) -> _Defaults:
    """Check every default and override once, so a bad one is one error, not N rejects."""
    from footprint import units
    from footprint.hardware import get_accelerator
    from footprint.site import Site, site_factors

    accelerator = get_accelerator(options.accelerator).name if options.accelerator else None
    power_w = None
    if options.power is not None:
        power_w = float(units.parse_quantity(options.power, "power", "W", "power").to("W").m)
    util = None
    if options.utilization is not None:
        units.check_magnitude(options.utilization, "utilization", allow_zero=False)
        util = float(options.utilization)
        if util > 1:
            raise InputError(f"utilization: expected a fraction of TDP in (0, 1], got {util}")
    if power_w is not None and util is not None:
        raise InputError("give either a default power or a default utilization, not both")
    from footprint.hardware import HOST_POWER_PER_ACCELERATOR_W

    host_w = HOST_POWER_PER_ACCELERATOR_W
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
        host_power_w=float(host_w),
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

    if importlib.util.find_spec("footprint.hourly") is None:
        raise InputError("--hourly needs footprint.hourly, which this installation lacks")
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
    from footprint.embodied import Embodied

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


@functools.cache
def _unit(name: str) -> Any:
    from footprint import units

    registry = units.get_registry()
    return registry.dimensionless if not name else registry.Unit(name)


def _m(q: Any, unit: str) -> float:
    """``q.m_as(unit)`` with the unit parsed once (the same conversion, bit for bit)."""
    return float(q.m_as(_unit(unit)))


class Resolver:
    """Resolves each distinct accelerator and site once (per process) and caches it.

    Site keys go through :func:`footprint.site.site_factors` with the batch's
    overrides; failures are cached too, as (reason code, message).
    """

    def __init__(
        self, site_options: dict[str, Any], embodied: dict[str, Any] | None = None
    ) -> None:
        self.site_options = dict(site_options)
        self.embodied_kwargs = embodied
        self._embodied_spec: Any = None
        self._sites: dict[tuple[Any, ...], SiteInfo | tuple[str, str]] = {}
        self._accelerators: dict[str, tuple[str, float] | tuple[str, str]] = {}
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

    def accelerator(self, name: str) -> tuple[str, float] | tuple[str, str]:
        """(canonical name, TDP in W or NaN), or ("unknown_accelerator", message)."""
        from footprint.hardware import get_accelerator

        with self._lock:
            hit = self._accelerators.get(name)
            if hit is None:
                try:
                    acc = get_accelerator(name)
                    tdp = float(acc.tdp.m_as("W")) if acc.tdp is not None else math.nan
                    hit = (acc.name, tdp)
                except UnknownNameError as exc:
                    hit = ("unknown_accelerator", str(exc))
                self._accelerators[name] = hit
            return hit

    def embodied(self, accelerator: str) -> dict[str, float] | str:
        """Embodied arguments of ``account`` for a catalogue accelerator, or a message."""
        from footprint.embodied import Embodied, embodied_factors

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
        """The hourly zone of a region (as :func:`footprint.hourly.account_hourly` finds
        it), or None when the region has no hourly grid data."""
        from footprint.hourly import zone_for_region

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
        self, region: str, year: int | None, operator: str | None
    ) -> SiteInfo | tuple[str, str]:
        """Factors of a site, or (reason code, message) when it cannot be resolved."""
        from footprint import units
        from footprint.site import Site, site_factors

        key = (region, year, operator)
        with self._lock:
            hit = self._sites.get(key)
            if hit is None:
                self.site_calls += 1
                try:
                    sf = site_factors(
                        Site(region=region, year=year, operator=operator, **self.site_options)
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
                    )
                except UnknownNameError as exc:
                    code = {"region": "unknown_region", "operator": "unknown_operator"}.get(
                        exc.kind, "missing_data"
                    )
                    hit = (code, str(exc))
                except MissingDataError as exc:
                    hit = ("missing_data", str(exc))
                except InputError as exc:
                    code = "bad_year" if str(exc).startswith("year") else "missing_data"
                    hit = (code, str(exc))
                self._sites[key] = hit
            return hit


# --------------------------------------------------------------------------- parsing


class _Rejections:
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


def _is_text(series: pd.Series) -> bool:
    dtype = series.dtype
    if isinstance(dtype, pd.CategoricalDtype):
        return True
    return not (pd.api.types.is_numeric_dtype(dtype) or pd.api.types.is_datetime64_any_dtype(dtype))


def _present(series: pd.Series) -> np.ndarray:
    return np.array(series.notna(), dtype=bool)


def _isnone(values: np.ndarray) -> np.ndarray:
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
class _Coded:
    """A text column as codes into its distinct stripped values (-1: empty cell).

    Names are resolved per distinct value; filling empty cells from partitions
    and defaults works on the codes, never on per-row Python objects.
    """

    codes: np.ndarray
    values: list[str]

    @classmethod
    def of(cls, series: pd.Series | None, n: int) -> _Coded:
        """Codes and distinct values of a column (None: a column of empty cells)."""
        if series is None:
            return cls(np.full(n, -1, dtype=np.int64), [])
        codes, uniques = pd.factorize(series, use_na_sentinel=True)
        return cls.from_codes(np.asarray(codes, dtype=np.int64), list(uniques))

    @classmethod
    def from_codes(cls, codes: np.ndarray, uniques: list[Any]) -> _Coded:
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

    def fill(self, source: _Coded | str | None, where: np.ndarray | None = None) -> None:
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
def _unit_factor(unit: str, dimension: str, target: str) -> float:
    """Factor from ``unit`` to ``target``, exactly as pint's ``.to`` applies it."""
    from footprint import units

    registry = units.get_registry()
    q = registry.Quantity(1, registry.Unit(unit))
    units.check_dimension(q, dimension, "unit")
    return float(q.to(target).magnitude)


def _quantity_column(
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
    present = _present(series)
    bad = np.zeros(n, dtype=bool)
    messages = np.full(n, None, dtype=object)
    factor = np.full(n, _unit_factor(default_unit, dimension, target))
    if not _is_text(series):
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
                bad[rows] = True
                codes, uniques = pd.factorize(values[~blank])
                texts = [_parse_message(str(u), dimension, target, name) for u in uniques]
                messages[rows] = np.array(texts, dtype=object)[codes]
    with np.errstate(invalid="ignore"):
        nonfinite = present & ~bad & ~np.isfinite(mag)
        negative = present & ~bad & (mag < 0)
    for mask, what in ((nonfinite, "expected a finite number"), (negative, "must not be negative")):
        if mask.any():
            bad |= mask
            cells = series[mask].astype(str).to_numpy(dtype=object)
            messages[mask] = np.array(
                [f"{name}: {what}, got {_shown(v, quote=False)}" for v in cells], dtype=object
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
    parts = series.iloc[cand].astype(str).str.extract(_NUM_UNIT)
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
    if len(unit) > _MAX_UNIT_CHARS:
        return math.nan
    try:
        return _unit_factor(unit, dimension, target)
    except Exception:  # noqa: BLE001 -- pint raises several types for unknown names
        return math.nan


_EXAMPLES = {"time": "'3 h', '90 min' or '2 days'", "power": "'700 W' or '0.7 kW'"}


def _shown(value: Any, quote: bool = True, limit: int = 60) -> str:
    """A cell for a message, cut to ``limit`` characters."""
    text = str(value)
    if len(text) > limit:
        text = text[: limit - 3] + "..."
    return repr(text) if quote else text


def _parse_message(value: str, dimension: str, target: str, name: str) -> str:
    """Why a cell is not a quantity, without evaluating it."""
    example = _EXAMPLES.get(dimension, "a number and a unit")
    m = _NUM_UNIT.match(value)
    if m is not None and math.isnan(_known_unit(m.group(2), dimension, target)):
        return (
            f"{name}: expected {dimension} such as {example}, got {_shown(value)} "
            f"({_shown(m.group(2), limit=30)} is not a unit of {dimension})"
        )
    return (
        f"{name}: expected {dimension}: a number with a unit such as {example}, got {_shown(value)}"
    )


def _number_column(series: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """(values, present) of plain numbers; unreadable cells are NaN but present."""
    present = _present(series)
    if not _is_text(series):
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


def _fraction_column(series: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """(values, present) of utilization cells: 0.8 or '80%' (read as ``--utilization`` does)."""
    values, present = _number_column(series)
    if not _is_text(series):
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


def _time_column(series: pd.Series) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(microseconds since the epoch, valid, present) of a timestamp column (UTC)."""
    present = _present(series)
    if pd.api.types.is_datetime64_any_dtype(series.dtype):
        t = series if getattr(series.dtype, "tz", None) else series.dt.tz_localize("UTC")
        t = t.dt.tz_convert("UTC").dt.as_unit("us")
    elif _is_text(series):
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
    present = _present(values)
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


# --------------------------------------------------------------------------- chunks


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


class _Chunk:
    """Working state of one chunk: the raw frame, its plan, and the reasons so far."""

    def __init__(self, chunk: RawChunk, plan: Plan, resolver: Resolver) -> None:
        self.raw = chunk.frame
        self.rows = chunk.rows
        self.malformed = chunk.malformed
        self.plan = plan
        self.resolver = resolver
        self.n = len(self.raw)
        self.rej = _Rejections(self.n)
        self.cfg = plan.config

    def col(self, canon: str) -> pd.Series | None:
        name = self.plan.source.get(canon)
        return None if name is None else self.raw[name]

    def none(self) -> np.ndarray:
        return np.full(self.n, None, dtype=object)

    def zeros(self) -> np.ndarray:
        return np.zeros(self.n, dtype=bool)


def process_chunk(chunk: RawChunk, plan: Plan, resolver: Resolver) -> ChunkResult:
    """Validate, resolve and account every row of ``chunk``, without a per-row Python loop.

    Returns the accepted rows with their results, the rejected rows with their
    reasons, and the chunk's part of the summary. Names are resolved once per
    distinct value and sites once per distinct (region, year, operator); the
    numbers come from :func:`footprint.accounting.account` on arrays.

    A row whose results overflow (infinite or NaN) or exceed :data:`_MAX_RESULT`
    is rejected, so every accepted row and every total is a finite number.
    NumPy's floating-point warnings are silenced here: each case they flag is a
    rejected row with its reason.
    """
    with np.errstate(all="ignore"):
        return _process_chunk(chunk, plan, resolver)


def _process_chunk(chunk: RawChunk, plan: Plan, resolver: Resolver) -> ChunkResult:
    c = _Chunk(chunk, plan, resolver)
    _check_ids(c)
    partition = _partition_specs(c)
    count, count_present, gpu_type = _counts(c)
    acc = _accelerators(c, partition, gpu_type)
    times = _times(c)
    dur = _durations(c, times, count, count_present)
    power, utilization, host = _powers(c, acc)
    site = _sites(c, partition, acc, times)
    hourly = _hourly(c, site, times, dur)

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

    part = SummaryPart(
        rows_in=c.n + len(c.malformed),
        rows_out=len(keep),
        rows_rejected=len(positions) + len(c.malformed),
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
            part.sites[site.keys[j]] = (int(jobs_per_site[j]), info)
    part.groups, part.total = _group_sums(results, plan.group_by, plan.sum_columns)
    if hourly is not None:
        part.notes = hourly.notes
    part.job_ids, part.job_rows, part.id_texts = _job_ids(results)
    return ChunkResult(results, rejects, part)


#: Job ids whose text a summary part carries, when they repeat within the part.
_ID_EXAMPLES = 20


def _job_ids(results: pd.DataFrame) -> tuple[np.ndarray, np.ndarray, dict[int, str]]:
    """64-bit hashes and row numbers of the accepted rows' job ids, and the text of the
    first few ids that repeat within these rows (the summary finds repeats across parts)."""
    ids = results["job_id"]
    values = ids.to_numpy(dtype=object)
    if not _is_text(ids) or isinstance(ids.dtype, pd.CategoricalDtype):
        values = ids.astype(str).to_numpy(dtype=object)
    try:
        hashes = pd.util.hash_array(values, categorize=False)
    except TypeError:  # an object column mixing text and numbers
        hashes = pd.util.hash_array(values.astype(str).astype(object), categorize=False)
    rows = results["row"].to_numpy(dtype=np.int64, copy=True)
    texts: dict[int, str] = {}
    if len(hashes) > 1:
        repeated = np.flatnonzero(pd.Series(hashes).duplicated(keep="first").to_numpy())
        for i in repeated[: _ID_EXAMPLES * 4].tolist():
            if len(texts) >= _ID_EXAMPLES:
                break
            texts.setdefault(int(hashes[i]), str(ids.iloc[i]))
    return np.asarray(hashes, dtype=np.uint64), rows, texts


_Accounted = tuple[
    dict[str, Any], np.ndarray, np.ndarray, tuple[np.ndarray, np.ndarray] | None, np.ndarray
]


def _account_rows(
    c: _Chunk,
    keep: np.ndarray,
    acc: _Accelerators,
    dur: _Durations,
    power: np.ndarray,
    host: np.ndarray,
    site: _Sites,
    hourly: _HourlyRows | None,
) -> _Accounted:
    """The accounting of rows ``keep``: (results of ``account``, intensity, EWIF, annual
    intensity and EWIF in hourly mode, site index of each row)."""
    from footprint.accounting import account

    k_idx = site.key_idx[keep]
    intensity = site.table("intensity")[k_idx]
    ewif = site.table("ewif")[k_idx]
    annual = None
    if hourly is not None:
        on = hourly.hourly[keep]
        annual = (intensity, ewif)
        intensity = np.where(on, hourly.intensity[keep], intensity)
        ewif = np.where(on & ~np.isnan(hourly.ewif[keep]), hourly.ewif[keep], ewif)
    embodied = {k: v[keep] for k, v in acc.embodied.items()}
    mags = account(
        dur.accelerator_hours[keep],
        power[keep],
        host[keep],
        site.table("pue")[k_idx],
        site.table("wue")[k_idx],
        ewif,
        intensity,
        cfe_share=site.table("cfe")[k_idx],
        price_per_kwh=site.table("price")[k_idx],
        **embodied,
    )
    if annual is not None:
        facility = np.asarray(mags["facility_energy"], dtype=float)
        mags["co2e_annual"] = facility * annual[0] / 1000.0
    return mags, intensity, ewif, annual, k_idx


#: Results checked for each row, in the order a reason names them.
_CHECKED = (*QUANTITIES, "co2e_annual_kg", "cost")


def _reject_out_of_range(c: _Chunk, keep: np.ndarray, sums: _Accounted) -> bool:
    """Reject rows ``keep`` whose results are not finite or above :data:`_MAX_RESULT`.

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
        large = np.isfinite(values) & (np.abs(values) > _MAX_RESULT)
        for mask, code, what in (
            (nonfinite & ~named, "non_finite_result", "is not a finite number (it overflows)"),
            (large & ~named, "result_out_of_range", f"is above {_MAX_RESULT:g}"),
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
    hourly: _HourlyRows,
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


def _check_ids(c: _Chunk) -> None:
    job_id = c.col("job_id")
    assert job_id is not None
    c.rej.add(~_present(job_id), "missing_value", "job_id is empty")
    if c.plan.kind == "sacct":
        step = job_id.astype(str).str.contains(".", regex=False).to_numpy(dtype=bool, copy=True)
        step &= _present(job_id)
        c.rej.add(
            step, "job_step", "job step: its allocation row counts it (sacct -X lists allocations)"
        )


@dataclass
class _PartitionFill:
    """Accelerator, region and operator that each row's partition gives (config)."""

    accelerator: _Coded | None = None
    region: _Coded | None = None
    operator: _Coded | None = None
    unknown: np.ndarray | None = None


def _partition_specs(c: _Chunk) -> _PartitionFill:
    """What the cluster config says about each row's partition (resolved per partition)."""
    cfg, series = c.cfg, c.col("partition")
    if cfg is None or series is None or not cfg.partitions:
        return _PartitionFill()
    part = _Coded.of(series, c.n)
    specs = [cfg.partitions.get(v) for v in part.values]
    known = np.array([s is not None for s in specs] + [True])[part.codes]

    def pick(attr: str) -> _Coded:
        table = [getattr(s, attr) if s is not None else None for s in specs]
        return _Coded.from_codes(np.where(part.codes < 0, len(table), part.codes), [*table, None])

    return _PartitionFill(pick("accelerator"), pick("region"), pick("operator"), ~known)


def _counts(c: _Chunk) -> tuple[np.ndarray, np.ndarray, _Coded | None]:
    """GPU count per row (from ``count`` or sacct's AllocTRES), whether given, GPU type."""
    rej = c.rej
    if c.plan.kind == "sacct":
        tres = c.col("alloc_tres")
        tres = c.col("alloc_gres") if tres is None else tres
        assert tres is not None
        count, gpu_type = parse_alloc_tres(tres)
        present = _present(tres)
        rej.add(~present, "missing_value", "AllocTRES is empty (the job never ran)")
        rej.add(present & (count == 0), "no_gpu", "no GPU allocated (AllocTRES has no gres/gpu)")
        huge = present & ~(count <= _MAX_COUNT) & ~np.isnan(count)
        rej.add(
            huge,
            "count_out_of_range",
            f"AllocTRES: more than {_MAX_COUNT:,} GPUs in one job",
        )
        count = np.where(huge, np.nan, count)
        codes, uniques = pd.factorize(pd.Series(gpu_type, dtype=object), use_na_sentinel=True)
        types = _Coded.from_codes(np.asarray(codes, dtype=np.int64), list(uniques))
        return count, present & (count > 0), types
    series = c.col("count")
    if series is None:
        return np.full(c.n, np.nan), c.zeros(), None
    count, present = _number_column(series)
    with np.errstate(invalid="ignore"):
        unread = present & ~np.isfinite(count)
        negative = present & (count < 0)
        zero = present & (count == 0)
        fraction = present & np.isfinite(count) & (count > 0) & (count != np.floor(count))
    rej.add_per_value(
        unread,
        "bad_count",
        series,
        lambda v: f"count: expected a whole number of accelerators, got {_shown(v)}",
    )
    rej.add_per_value(
        negative,
        "bad_count",
        series,
        lambda v: f"count must not be negative, got {_shown(v, False)}",
    )
    rej.add(zero, "bad_count", "count must be at least 1, got 0")
    huge = present & np.isfinite(count) & (count > _MAX_COUNT)
    rej.add_per_value(
        fraction & ~huge,
        "bad_count",
        series,
        lambda v: f"count: expected a whole number of accelerators, got {_shown(v, False)}",
    )
    rej.add_per_value(
        huge,
        "count_out_of_range",
        series,
        lambda v: (
            f"count: {_shown(v, False)} accelerators in one job is more than the "
            f"{_MAX_COUNT:,} footprint accepts (the largest clusters have ~200,000)"
        ),
    )
    # from here on a count is NaN or a whole number in [1, _MAX_COUNT]: safe to cast
    count = np.where(unread | negative | zero | fraction | huge, np.nan, count)
    return count, present, None


@dataclass
class _Accelerators:
    """Each row's accelerator: codes into the canonical names, TDP, embodied arguments."""

    codes: np.ndarray  # into names; -1 when unresolved
    names: list[str]  # canonical names, distinct
    tdp: np.ndarray  # per row [W], NaN when unknown
    embodied: dict[str, np.ndarray]  # keyword arguments of account() per row, when counted

    @property
    def resolved(self) -> np.ndarray:
        return self.codes >= 0


def _accelerators(c: _Chunk, part: _PartitionFill, gpu_type: _Coded | None) -> _Accelerators:
    """Row, partition, GRES type, default: each row's accelerator, resolved per distinct name."""
    names = _Coded.of(c.col("accelerator"), c.n)
    names.fill(part.accelerator)
    typed_unmapped = c.zeros()
    if gpu_type is not None:
        gres = c.cfg.gres if c.cfg is not None else {}
        mapped = _Coded.from_codes(
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
    error = np.full(m + 1, None, dtype=object)
    for i, name in enumerate(names.values):
        hit = c.resolver.accelerator(name)
        if hit[0] == "unknown_accelerator":
            error[i] = hit[1]
        else:
            canon[i], tdp[i] = str(hit[0]), float(hit[1])
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
    failed = ~_isnone(error)
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
        c.rej.add(~_isnone(problem)[at], "missing_data", problem[at])
    return _Accelerators(row_codes, [str(x) for x in cnames], tdp[codes], embodied)


def _reject_partition(c: _Chunk, mask: np.ndarray) -> None:
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
class _Times:
    start: np.ndarray | None  # microseconds since the epoch (UTC)
    end: np.ndarray | None
    start_ok: np.ndarray
    end_ok: np.ndarray
    broken: np.ndarray  # a time cell is present but unreadable
    span_s: np.ndarray  # end - start [s], NaN unless both are valid


def _bad_time(which: str, value: Any) -> str:
    return f"{which}: cannot read {value!r} as an ISO 8601 time"


def _times(c: _Chunk) -> _Times:
    """Start and end as UTC microseconds; bad, unknown and reversed times rejected."""
    out: dict[str, Any] = {"start": None, "end": None}
    ok = {"start": c.zeros(), "end": c.zeros()}
    broken = c.zeros()
    for which in ("start", "end"):
        series = c.col(which)
        if series is None:
            continue
        micros, valid, present = _time_column(series)
        bad = present & ~valid
        if c.plan.kind == "sacct" and _is_text(series):
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
            starts, ends = _iso(out["start"][rows]), _iso(out["end"][rows])
            msgs = np.full(c.n, None, dtype=object)
            msgs[rows] = [f"end {e} is before start {s}" for s, e in zip(starts, ends, strict=True)]
            c.rej.add(before, "end_before_start", msgs)
    return _Times(out["start"], out["end"], ok["start"], ok["end"], broken, span)


@dataclass
class _Durations:
    accelerator_hours: np.ndarray  # h
    duration_h: np.ndarray  # wall-clock h, NaN when not known


def _durations(
    c: _Chunk, times: _Times, count: np.ndarray, count_present: np.ndarray
) -> _Durations:
    """Accelerator-hours: (duration x count) x unit factor, or gpu_hours; as ``estimate``."""
    plan, rej, src = c.plan, c.rej, c.plan.source
    f_s = _unit_factor("s", "time", "h")
    mag = np.full(c.n, np.nan)
    factor = np.full(c.n, f_s)
    given = c.zeros()
    if plan.kind == "sacct" and ("elapsed" in src or "elapsed_raw" in src):
        label = "Elapsed" if "elapsed" in src else "ElapsedRaw"
        series = c.raw[src["elapsed" if label == "Elapsed" else "elapsed_raw"]]
        secs = parse_elapsed(series) if label == "Elapsed" else _number_column(series)[0]
        given = _present(series)
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
        q = _quantity_column(c.raw[src["duration"]], "time", "h", "h", "duration")
        rej.add(q.bad, "bad_duration", q.messages)
        given, mag, factor = q.present, q.mag, q.factor
        both = given & ~q.bad & ~np.isnan(times.span_s) & (times.span_s >= 0)
        if both.any():
            dur_s = mag * factor * 3600.0
            off = both & (np.abs(dur_s - times.span_s) > _DURATION_TOLERANCE_S)
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
        g = _quantity_column(c.raw[src["gpu_hours"]], "time", "h", "h", "gpu_hours")
        rej.add(g.bad, "bad_duration", g.messages)
        gpu_hours = g.present
        rej.add(
            gpu_hours & (count_present | given),
            "conflicting_inputs",
            "give either gpu_hours or count with duration, not both",
        )
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
    return _Durations(accelerator_hours, duration_h)


def _powers(c: _Chunk, acc: _Accelerators) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Power [W] (row, row utilization x TDP, default, TDP x default utilization), host [W]."""
    d, src, rej = c.plan.defaults, c.plan.source, c.rej
    power = np.full(c.n, np.nan)
    power_given = c.zeros()
    if "power" in src:
        q = _quantity_column(c.raw[src["power"]], "power", "W", "W", "power")
        rej.add(q.bad, "bad_power", q.messages)
        power_given = q.present & ~q.bad
        power = np.where(power_given, q.mag * q.factor, power)
    util = np.full(c.n, np.nan)
    util_given = c.zeros()
    if "utilization" in src:
        series = c.raw[src["utilization"]]
        util, present = _fraction_column(series)
        with np.errstate(invalid="ignore"):
            out_of_range = present & ~((util > 0) & (util <= 1))
        rej.add_per_value(
            out_of_range,
            "bad_utilization",
            series,
            lambda v: f"utilization: expected a fraction of TDP in (0, 1], got {v}",
        )
        util_given = present & ~out_of_range
        rej.add(
            util_given & power_given,
            "conflicting_inputs",
            "give either power or utilization, not both",
        )
    if d.power_w is not None:
        use_default = ~power_given & ~util_given
        power = np.where(use_default, d.power_w, power)
        power_given = power_given | use_default
    default_util = d.utilization if d.utilization is not None else _default_utilization()
    eff_util = np.where(util_given, util, default_util)
    derive = ~power_given
    power = np.where(derive, acc.tdp * eff_util, power)
    no_tdp = derive & acc.resolved & np.isnan(acc.tdp)
    rej.add_per_value(
        no_tdp,
        "missing_data",
        np.array([*acc.names, None], dtype=object)[
            np.where(acc.codes < 0, len(acc.names), acc.codes)
        ],
        lambda a: f"{a} has no TDP in the catalogue; give power",
    )
    host = np.full(c.n, d.host_power_w)
    if "host_power" in src:
        q = _quantity_column(c.raw[src["host_power"]], "power", "W", "W", "host_power")
        rej.add(q.bad, "bad_power", q.messages)
        host = np.where(q.present & ~q.bad, q.mag * q.factor, host)
    return power, np.where(derive, eff_util, np.nan), host


def _default_utilization() -> float:
    from footprint.hardware import DEFAULT_UTILIZATION

    return float(DEFAULT_UTILIZATION)


@dataclass
class _Sites:
    """Each row's site: index into the distinct (region, year, operator) keys and factors."""

    key_idx: np.ndarray  # per row: index into keys/infos
    keys: list[tuple[Any, ...]]  # (region, year, operator) per distinct key
    infos: list[SiteInfo | None]
    region: _Coded
    operator: _Coded
    year: np.ndarray
    year_known: np.ndarray

    def table(self, name: str) -> np.ndarray:
        return np.array([getattr(i, name) if i else np.nan for i in self.infos], dtype=float)


def _sites(c: _Chunk, part: _PartitionFill, acc: _Accelerators, times: _Times) -> _Sites:
    """Region, year, operator per row; one site resolution per distinct combination."""
    d, rej, cfg = c.plan.defaults, c.rej, c.cfg
    region = _Coded.of(c.col("region"), c.n)
    operator = _Coded.of(c.col("operator"), c.n)
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
        values, present = _number_column(series)
        with np.errstate(invalid="ignore"):
            bad = present & ~(
                np.isfinite(values) & (values == np.floor(values)) & (np.abs(values) <= 9999)
            )
        rej.add_per_value(
            bad, "bad_year", series, lambda v: f"year: expected a calendar year, got {_shown(v)}"
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
    key = (region.codes * ny + ycodes) * no + (operator.codes + 1)
    key_idx, ukeys = pd.factorize(np.where(no_region, -1, key))
    key_idx = np.asarray(key_idx, dtype=np.int64)
    keys: list[tuple[Any, ...]] = []
    infos: list[SiteInfo | None] = []
    errors = np.full(len(ukeys), None, dtype=object)
    codes = np.full(len(ukeys), None, dtype=object)
    for j, k in enumerate(np.asarray(ukeys).tolist()):
        if k < 0:
            keys.append((None, None, None))
            infos.append(None)
            continue
        rest, oc = divmod(k, no)
        rc, yc = divmod(rest, ny)
        y = int(yuniq[yc])
        key_t = (region.values[rc], None if y < 0 else y, operator.values[oc - 1] if oc else None)
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
    return _Sites(key_idx, keys, infos, region, operator, year, known)


# --------------------------------------------------------------------------- hourly


@dataclass(frozen=True)
class HourlyCurve:
    """A zone's hourly intensity and EWIF laid onto calendar hours, with prefix sums.

    ``hours`` start at ``base`` (1 January of ``year``, 00:00 UTC); hour ``k``
    takes the grid row :meth:`footprint.hourly.HourlyGrid.at` gives it, exactly
    as :func:`footprint.hourly.account_hourly` maps a job's hours.
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
        last = len(values) - 1

        def integral(t: np.ndarray) -> np.ndarray:
            k = np.minimum(np.floor(t).astype(np.int64), last)
            return cum[k] + (t - k) * values[k]

        span = t1 - t0
        with np.errstate(invalid="ignore", divide="ignore"):
            mean = (integral(t1) - integral(t0)) / span
        at_start = values[np.minimum(np.floor(t0).astype(np.int64), last)]
        return np.where(span > 0, mean, at_start)


def hourly_curve(zone: str, year: int, years: int, hydro: str, strict_year: bool) -> HourlyCurve:
    """The hourly curve of ``zone`` for jobs starting in ``year``, over ``years`` years.

    The grid year is chosen as :func:`footprint.hourly.account_hourly` does for
    a job starting in ``year`` (nearest year with data, noted).
    """
    from footprint.hourly import hourly_grid

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


def _hourly(c: _Chunk, site: _Sites, times: _Times, dur: _Durations) -> _HourlyRows | None:
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
    # a span beyond _MAX_HOURLY_SPAN_H keeps the annual factors (its curve would be huge)
    long = (row_zone >= 0) & times.start_ok & ~c.rej.mask & ~(duration <= _MAX_HOURLY_SPAN_H)
    candidate = (row_zone >= 0) & times.start_ok & np.isfinite(duration) & ~c.rej.mask & ~long
    extra: tuple[str, ...] = ()
    if long.any():
        extra = (
            f"hourly: jobs longer than {_MAX_HOURLY_SPAN_H:,.0f} h (10 years) keep the annual "
            "factors (intensity_basis annual)",
        )
    if not candidate.any():
        return _HourlyRows(hourly, intensity, ewif, data_year, extra)
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
    return _HourlyRows(hourly, intensity, ewif, data_year, (*notes, *extra))


@dataclass
class _HourlyRows:
    hourly: np.ndarray  # rows accounted hour by hour
    intensity: np.ndarray  # job's time-weighted intensity [gCO2e/kWh], NaN elsewhere
    ewif: np.ndarray  # job's time-weighted EWIF [L/kWh], NaN where annual
    data_year: np.ndarray
    notes: tuple[str, ...]


# --------------------------------------------------------------------------- frames


def _iso(micros: np.ndarray) -> np.ndarray:
    """ISO 8601 UTC text of microsecond timestamps ('2024-03-01T12:00:00Z')."""
    if not len(micros):
        return np.empty(0, dtype=object)
    whole = bool((micros % 1_000_000 == 0).all())
    text = np.datetime_as_string(micros.astype("datetime64[us]"), unit="s" if whole else "us")
    return np.char.add(text.astype(str), "Z").astype(object)


def _timestamps(micros: np.ndarray | None, ok: np.ndarray, keep: np.ndarray) -> pd.Series:
    if micros is None:
        return pd.Series(pd.NaT, index=range(len(keep)), dtype="datetime64[us, UTC]")
    values = micros[keep].astype("datetime64[us]")
    values[~ok[keep]] = np.datetime64("NaT")
    return pd.Series(values).dt.tz_localize("UTC")


def _site_column(site: _Sites, k_idx: np.ndarray, get: Callable[[SiteInfo], Any], kind: str) -> Any:
    table = [get(i) if i is not None else None for i in site.infos]
    if kind == "float":
        return np.array([np.nan if v is None else v for v in table], dtype=float)[k_idx]
    if kind == "int":
        return pd.array(table, dtype="Int64").take(k_idx)
    codes, cats = pd.factorize(pd.Series(table, dtype=object), use_na_sentinel=True)
    return pd.Categorical.from_codes(
        np.asarray(codes)[k_idx], categories=pd.Index([str(x) for x in cats], dtype=object)
    )


def _results_frame(
    c: _Chunk,
    keep: np.ndarray,
    acc: _Accelerators,
    count: np.ndarray,
    times: _Times,
    dur: _Durations,
    power: np.ndarray,
    utilization: np.ndarray,
    host: np.ndarray,
    site: _Sites,
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
        if out in _CARRIED:
            data[out] = carried(raw_name)
    data.update(
        {
            "accelerator": pd.Categorical.from_codes(
                acc.codes[keep], categories=pd.Index(acc.names, dtype=object)
            ),
            "count": count_col,
            "start": _timestamps(times.start, times.start_ok, keep),
            "end": _timestamps(times.end, times.end_ok, keep),
            "duration_h": dur.duration_h[keep],
            "region": site.region.categorical(keep),
            "zone": _site_column(site, k_idx, lambda i: i.zone, "cat"),
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
    data["currency"] = _site_column(site, k_idx, lambda i: i.currency, "cat")
    if plan.defaults.embodied is not None:
        from footprint.accounting import embodied_rate

        rate = embodied_rate(*(acc.embodied[k][keep] for k in acc.embodied))
        data["embodied_g_per_h"] = 1000.0 * np.asarray(rate, dtype=float)
    data.update(
        {
            "pue": _site_column(site, k_idx, lambda i: i.pue, "float"),
            "wue_l_per_kwh": _site_column(site, k_idx, lambda i: i.wue, "float"),
            "ewif_l_per_kwh": _site_column(site, k_idx, lambda i: i.ewif, "float"),
            "intensity_g_per_kwh": _site_column(site, k_idx, lambda i: i.intensity, "float"),
            "cfe_share": _site_column(site, k_idx, lambda i: i.cfe, "float"),
            "price_per_kwh": _site_column(site, k_idx, lambda i: i.price, "float"),
            "intensity_year": _site_column(site, k_idx, lambda i: i.intensity_year, "int"),
            "ewif_year": _site_column(site, k_idx, lambda i: i.ewif_year, "int"),
            "facility_year": _site_column(site, k_idx, lambda i: i.facility_year, "int"),
        }
    )
    for raw_name, out in plan.carried:
        if out not in _CARRIED:
            data[out] = carried(raw_name)
    return pd.DataFrame(data, copy=False)[[c for c in plan.result_columns if c in data]]


def _rejects_frame(
    c: _Chunk, positions: np.ndarray, codes: np.ndarray, reasons: np.ndarray
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


# --------------------------------------------------------------------------- exact sums

#: Every finite float64 is a whole multiple of 2**-1126 once its mantissa is an integer
#: (the smallest, 2**-1074, is 2**52 such units): sums in these units are exact integers.
_SCALE = 1126


def _exact_sums(values: np.ndarray, codes: np.ndarray, n_groups: int) -> list[int]:
    """Exact sums of ``values`` per group, as integers in units of 2**-1126.

    Each value is split into its integer mantissa (|m| < 2**53) and exponent;
    the mantissa's two 26-bit halves are summed per (group, exponent) with
    ``numpy.bincount``, exactly (float64 holds integers up to 2**53 and a chunk
    has at most 2**25 rows), and the few bins are combined in Python integers.
    The sum does not depend on the order of the values, so sums over chunks,
    partitions or machines agree exactly; :func:`_round_exact` rounds once.
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
    bins = np.flatnonzero((hi_sum != 0) | (lo_sum != 0))
    totals = [0] * n_groups
    if not len(bins):
        return totals
    group, slot = np.divmod(bins, span)
    # value = m x 2**(exponent - 53) = m x 2**(exponent + 1073) units of 2**-1126;
    # Python integers in object arrays: NumPy loops in C, the integers stay exact
    hi_int = hi_sum[bins].astype(np.int64).astype(object)
    lo_int = lo_sum[bins].astype(np.int64).astype(object)
    shift = (slot + (e0 + _SCALE - 53)).astype(object)
    scaled = ((hi_int << 26) + lo_int) << shift
    starts = np.flatnonzero(np.r_[True, group[1:] != group[:-1]])
    for g, total in zip(group[starts].tolist(), np.add.reduceat(scaled, starts), strict=True):
        totals[g] = int(total)
    return totals


def _round_exact(total: int) -> float:
    """The float nearest to ``total`` x 2**-1126 (integer true division rounds correctly).

    Rows are bounded by :data:`_MAX_RESULT`, so a total is finite for any feasible
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
            labels = [_plain(u) for u in uniques]
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


def _plain(value: Any) -> Any:
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


def _group_sums(
    results: pd.DataFrame, group_by: tuple[str, ...], columns: tuple[str, ...] = SUM_COLUMNS
) -> tuple[dict[tuple[Any, ...], dict[str, int]], dict[str, int]]:
    """Per group and overall: ``jobs`` and the exact sum of each quantity."""
    if not len(results):
        return {}, {}
    codes, keys, frame = _group_codes(results, group_by)
    per_group = _sums(frame, codes, len(keys), columns)
    groups = {key: vals for key, vals in zip(keys, per_group, strict=True) if vals["jobs"]}
    if frame is results:  # groups partition the rows: the total is their sum
        total = _merge({}, per_group)
    else:  # tags overlap: sum the rows themselves
        total = _sums(results, np.zeros(len(results), dtype=np.int64), 1, columns)[0]
    return groups, total


def _merge(into: dict[str, int], parts: Iterable[dict[str, int]]) -> dict[str, int]:
    for part in parts:
        for k, v in part.items():
            into[k] = into.get(k, 0) + v
    return into


# --------------------------------------------------------------------------- summary


class Summary:
    """Rows in/out/rejected, reasons, exact totals per group, and the sites used.

    Parts of chunks (or of Dask tasks) are added in any order; sums stay exact
    integers until :meth:`table` and :meth:`totals` round each once, so the
    figures are identical whatever the chunking, row order or engine.
    """

    def __init__(
        self,
        group_by: tuple[str, ...] = (),
        notes: Iterable[str] = (),
        columns: tuple[str, ...] = SUM_COLUMNS,
    ) -> None:
        self.group_by = tuple(group_by)
        self.columns = tuple(columns)
        self.rows_in = 0
        self.rows_out = 0
        self.rows_rejected = 0
        self.reasons: dict[str, int] = {}
        self.groups: dict[tuple[Any, ...], dict[str, int]] = {}
        self.total: dict[str, int] = {}
        self.sites: dict[tuple[Any, ...], tuple[int, SiteInfo]] = {}
        self.notes: list[str] = list(notes)
        self._id_hashes: list[np.ndarray] = []
        self._id_rows: list[np.ndarray] = []
        self._id_texts: dict[int, str] = {}
        self._duplicates: tuple[int, int, list[tuple[str | None, list[int]]]] | None = None

    def add(self, part: SummaryPart) -> None:
        """Add one chunk's part."""
        if len(part.job_ids):
            self._id_hashes.append(part.job_ids)
            self._id_rows.append(part.job_rows)
            self._duplicates = None
        for h, text in part.id_texts.items():
            if len(self._id_texts) < 4 * _ID_EXAMPLES:
                self._id_texts.setdefault(h, text)
        self.rows_in += part.rows_in
        self.rows_out += part.rows_out
        self.rows_rejected += part.rows_rejected
        _merge(self.reasons, [part.reasons])
        for key, vals in part.groups.items():
            self.groups[key] = _merge(self.groups.get(key, {}), [vals])
        _merge(self.total, [part.total])
        for key, (jobs, info) in part.sites.items():
            prev = self.sites.get(key)
            self.sites[key] = (jobs + (prev[0] if prev else 0), info)
        self.notes += [n for n in part.notes if n not in self.notes]

    @property
    def balanced(self) -> bool:
        """Rows in = rows out + rows rejected."""
        return self.rows_in == self.rows_out + self.rows_rejected

    def statement(self) -> str:
        """``rows in = rows out + rows rejected: 1,000 = 990 + 10``."""
        sign = "=" if self.balanced else "!="
        return (
            f"rows in {sign} rows out + rows rejected: "
            f"{self.rows_in:,} {sign} {self.rows_out:,} + {self.rows_rejected:,}"
        )

    def duplicates(self) -> tuple[int, int, list[tuple[str | None, list[int]]]]:
        """(job ids on more than one accepted row, rows that repeat an earlier row's id,
        up to three examples as (id text if known, its rows)).

        Ids are compared by a 64-bit hash of their text (16 bytes per accepted row).
        """
        if self._duplicates is not None:
            return self._duplicates
        if not self._id_hashes:
            self._duplicates = (0, 0, [])
            return self._duplicates
        hashes = np.concatenate(self._id_hashes)
        rows = np.concatenate(self._id_rows)
        uniq, counts = np.unique(hashes, return_counts=True)
        dup = uniq[counts > 1]
        examples: list[tuple[str | None, list[int]]] = []
        if len(dup):
            mine = np.isin(hashes, dup)
            h, r = hashes[mine], rows[mine]
            order = np.lexsort((r, h))
            h, r = h[order], r[order]
            starts = np.flatnonzero(np.r_[True, h[1:] != h[:-1]])
            firsts = sorted(zip(r[starts].tolist(), starts.tolist(), strict=True))[:3]
            ends = np.r_[starts[1:], len(h)]
            end_of = dict(zip(starts.tolist(), ends.tolist(), strict=True))
            for _, at in firsts:
                key = int(h[at])
                examples.append((self._id_texts.get(key), r[at : end_of[at]].tolist()))
        extra = int((counts[counts > 1] - 1).sum())
        self._duplicates = (len(dup), extra, examples)
        return self._duplicates

    def duplicate_note(self) -> str | None:
        """Says which job ids appear on several accepted rows (each row is counted)."""
        n, extra, examples = self.duplicates()
        if not n:
            return None
        shown = []
        for text, rows in examples:
            where = ", ".join(f"{r:,}" for r in rows[:4]) + (", ..." if len(rows) > 4 else "")
            shown.append(f"{_shown(text, limit=40)} on rows {where}" if text else f"rows {where}")
        more = "; ..." if n > len(examples) else ""
        return (
            f"{n:,} duplicate job id{'s' if n != 1 else ''} ({'; '.join(shown)}{more}): each "
            f"row is counted ({extra:,} row{'s repeat' if extra != 1 else ' repeats'} an "
            "earlier row's id; Slurm reuses ids after a database reset and across "
            "clusters, but a job listed twice is counted twice: check the log)"
        )

    @property
    def unpriced_jobs(self) -> int:
        """Accepted jobs whose site has no electricity price (left out of the cost)."""
        return sum(jobs for jobs, info in self.sites.values() if info.currency is None)

    def cost_note(self) -> str | None:
        """Says that the cost total leaves out jobs without a price, when some are priced."""
        n = self.unpriced_jobs
        if not n or not self.cost_columns:
            return None
        return (
            f"cost: {n:,} of {self.rows_out:,} jobs have no electricity price (no open price "
            "data for their region; --price gives one): the cost totals leave them out"
        )

    @property
    def cost_columns(self) -> list[str]:
        """``cost_<currency>`` of every currency met (costs never mix currencies)."""
        return sorted(k for k in self.total if k.startswith("cost_"))

    def _row(self, vals: dict[str, int]) -> dict[str, Any]:
        row: dict[str, Any] = {"jobs": vals.get("jobs", 0)}
        for col in self.columns:
            row[col] = _round_exact(vals.get(col, 0))
        for col in self.cost_columns:  # no priced job in the group: no cost, not zero
            row[col] = _round_exact(vals[col]) if col in vals else math.nan
        return row

    def totals(self) -> dict[str, Any]:
        """Jobs and the total of each quantity, each rounded once from its exact sum."""
        return self._row(self.total)

    def table(self) -> pd.DataFrame:
        """One row per group, most CO2e first: jobs, sums, share of the total CO2e."""
        total = self.totals()["co2e_kg"]
        rows = []
        for key, vals in self.groups.items():
            row: dict[str, Any] = dict(zip(self.group_by, key, strict=True))
            row.update(self._row(vals))
            row["co2e_share"] = row["co2e_kg"] / total if total else math.nan
            rows.append(row)
        columns = [*self.group_by, "jobs", *self.columns, *self.cost_columns, "co2e_share"]
        frame = pd.DataFrame(rows, columns=columns)
        if len(frame) > 1:  # most CO2e first; ties in the order of the keys as text
            tie = np.array(["\x1f".join(map(str, key)) for key in self.groups], dtype=str)
            order = np.lexsort((tie, -frame["co2e_kg"].to_numpy(dtype=float)))
            frame = frame.iloc[order].reset_index(drop=True)
        return frame

    def sites_list(self) -> list[dict[str, Any]]:
        """Each site used by accepted rows: key, zone, jobs, factors with provenance, notes."""
        out = []
        for (region, year, operator), (jobs, info) in sorted(
            self.sites.items(), key=lambda kv: tuple(str(x) for x in kv[0])
        ):
            out.append(
                {
                    "region": region,
                    "year": year,
                    "operator": operator,
                    "zone": info.zone,
                    "jobs": jobs,
                    "factors": info.factors,
                    "notes": list(info.notes),
                }
            )
        return out

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready: rows, check, groups, totals, units, rejected_by_reason, sites, notes."""
        groups = [
            {k: _json_value(v) for k, v in r.items()}
            for r in self.table().to_dict(orient="records")
        ]
        units = {c: _UNITS[c] for c in self.columns}
        units.update({c: c[len("cost_") :] for c in self.cost_columns})
        units["co2e_share"] = "1"
        return {
            "rows": {"in": self.rows_in, "out": self.rows_out, "rejected": self.rows_rejected},
            "check": self.statement(),
            "group_by": list(self.group_by),
            "groups": groups,
            "totals": self.totals(),
            "units": units,
            "rejected_by_reason": dict(sorted(self.reasons.items(), key=lambda kv: -kv[1])),
            "sites": self.sites_list(),
            "notes": list(self.notes) + [n for n in [self.cost_note(), self.duplicate_note()] if n],
        }


def _json_value(v: Any) -> Any:
    v = _plain(v)
    if v is None or (isinstance(v, float) and not math.isfinite(v)):
        return None
    return v


def _json_safe(value: Any) -> Any:
    """``value`` with every non-finite float (at any depth) as None: strict JSON."""
    if isinstance(value, dict):
        return {str(k): _json_safe(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_json_safe(v) for v in value]
    return _json_value(value)


def _base_notes(plan: Plan) -> list[str]:
    d = plan.defaults
    if d.power_w is not None:
        power = f"power: {d.power_w:g} W per accelerator unless a row gives power or utilization"
    else:
        util = (
            f"{d.utilization:g}"
            if d.utilization is not None
            else "1.0 (Green Algorithms usage factor)"
        )
        power = f"power: TDP x utilization {util} unless a row gives power or utilization"
    host = f"host_power: {d.host_power_w:g} W per accelerator unless a row gives host_power"
    if d.host_power_w == 150.0:
        host += " (EcoLogits: 1.2 kW per 8-accelerator server)"
    year = "year: a row's year cell, else " + (
        f"{d.year} (--year)"
        if d.year is not None
        else "the year (UTC) of its start, else the newest data"
    )
    notes = [power, host, year + "; substitutions are in each row's notes"]
    if plan.kind != "parquet":
        notes.append("times without a UTC offset are read as UTC")
    if plan.kind in ("csv", "sacct"):
        notes.append("blank lines (empty or only spaces) are skipped: they are not rows")
    if plan.kind == "sacct":
        notes.append("sacct: Elapsed gives the duration, AllocTRES gres/gpu the GPU count")
    if "tag" in plan.group_by:
        notes.append(
            "group by tag: a job counts in the group of each of its tags, so groups overlap "
            "and their shares add up to more than 100%; totals count each job once"
        )
    notes.extend(plan.notes)
    return notes


# --------------------------------------------------------------------------- outputs


def output_kind(path: Path, what: str) -> str:
    """``"csv"`` or ``"parquet"`` from an output file name; another suffix is an InputError.

    ``what`` names the option in the message. Used by the sinks here and by
    :mod:`footprint.batch_dask`.
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
            text = _iso(micros)
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
    :mod:`footprint.batch_dask`.
    """
    from footprint.files import mark_footprint_directory, output_target, publish_file

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
    sinks here and of :mod:`footprint.batch_dask`.
    """
    import shutil

    if tmp is None or not tmp.name.endswith(".tmp"):
        return
    if tmp.is_dir() and not tmp.is_symlink():
        shutil.rmtree(tmp, ignore_errors=True)
    else:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()


#: A text cell a spreadsheet would run as a formula (``footprint.escape.csv_cell``)...
_FORMULA_START = r"^[=+\-@\t\r]"
#: ...unless it is a plain number such as ``-5`` or ``+1.5e3``.
_PLAIN_NUMBER = r"^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$"


def _neutralise_formulas(table: Any) -> Any:
    """``table`` with every text cell starting with ``= + - @``, a tab or a CR (and not a
    plain number) prefixed by an apostrophe, as :func:`footprint.escape.csv_cell` does.

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
        from footprint.files import temp_file_beside

        self.path = path
        self.what = what
        self.kind = kind or output_kind(path, what)
        self.plan = plan
        self.which = which
        self.columns = plan.result_columns if which == "results" else plan.reject_columns
        self.arrow = _has_pyarrow()
        if self.kind == "parquet" and not self.arrow:
            _require_pyarrow("writing Parquet")
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
                from footprint.escape import csv_frame

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
        from footprint.files import temp_file_beside

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


#: Columns of the summary table shown to people (CSV and JSON have every quantity).
_SHOWN = {
    "accelerator_hours_h": "accelerator-hours",
    "facility_energy_kwh": "energy (facility)",
    "co2e_kg": "CO2e",
    "total_co2e_kg": "CO2e + embodied",
    "water_l": "water",
}


def render_summary(
    summary: Summary, fmt: str = "table", outputs: Mapping[str, str] | None = None
) -> str:
    """The summary as text: ``table``, ``json``, ``csv`` (groups, then TOTAL) or ``markdown``.

    JSON and CSV carry every quantity in canonical units; the table and Markdown
    show the main ones in readable units, the rows statement and the reasons.
    """
    import json

    from footprint import units
    from footprint.report import FORMATS, readable, render_frame

    if fmt not in FORMATS:
        raise InputError(f"format: expected one of {FORMATS}, got {fmt!r}")
    if fmt == "json":
        d = summary.to_dict()
        if outputs:
            d["outputs"] = dict(outputs)
        return json.dumps(_json_safe(d), indent=2, ensure_ascii=False, allow_nan=False)
    total: dict[str, Any] = {c: "" for c in summary.group_by}
    if summary.group_by:
        total[summary.group_by[0]] = "TOTAL"
    total.update(summary.totals())
    total["co2e_share"] = 1.0 if summary.rows_out else math.nan
    table = summary.table()
    if summary.group_by and len(table):
        frame = pd.concat([table, pd.DataFrame([total])], ignore_index=True)
    else:
        frame = pd.DataFrame([total], columns=[*table.columns])
    if fmt == "csv":  # group keys are user text: no formula reaches a spreadsheet
        from footprint.escape import csv_frame

        return render_frame(csv_frame(frame), "csv")
    shown = pd.DataFrame({c: frame[c].astype(object) for c in summary.group_by})
    shown["jobs"] = [f"{int(v):,}" for v in frame["jobs"]]
    for col, label in _SHOWN.items():
        if col in frame:
            shown[label] = [readable(units.Q_(float(v), _UNITS[col])) for v in frame[col]]
    for col in summary.cost_columns:
        shown[f"cost ({col[5:]})"] = [
            "" if math.isnan(float(v)) else f"{float(v):,.2f}" for v in frame[col]
        ]
    if summary.group_by:
        shown["share of CO2e"] = [
            "" if isinstance(v, float) and math.isnan(v) else f"{100 * v:.1f}%"
            for v in frame["co2e_share"]
        ]
    title = (
        "Footprint by " + ", ".join(summary.group_by)
        if summary.group_by
        else "Footprint of all jobs"
    )
    lines = [_render_shown(shown, fmt, title).rstrip("\n"), "", summary.statement()]
    if summary.reasons:
        ranked = sorted(summary.reasons.items(), key=lambda kv: -kv[1])
        lines.append("rejected by reason: " + ", ".join(f"{c} {k:,}" for c, k in ranked))
    for note in (summary.cost_note(), summary.duplicate_note()):
        if note:
            lines.append(f"note: {_markdown_line(note) if fmt == 'markdown' else note}")
    for key, value in (outputs or {}).items():
        lines.append(f"{key}: {value}")
    return "\n".join(lines) + "\n"


def _markdown_line(text: str) -> str:
    from footprint.escape import markdown_text

    return markdown_text(text)


def _render_shown(shown: pd.DataFrame, fmt: str, title: str) -> str:
    """The summary table as Markdown or a terminal table, user text escaped.

    Cells are never read as markup: Markdown cells are escaped (pipes, HTML,
    emphasis), terminal cells are rich ``Text``, shown exactly as given.
    """
    cells = shown.astype(object).where(shown.notna(), "").astype(str)
    if fmt == "markdown":
        from footprint.escape import markdown_cell

        head = "| " + " | ".join(markdown_cell(c) for c in cells.columns) + " |"
        rule = "|" + "---|" * len(cells.columns)
        body = ["| " + " | ".join(markdown_cell(v) for v in row) + " |" for row in cells.values]
        return "\n".join([head, rule, *body]) + "\n"
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    buf = io.StringIO()
    console = Console(file=buf, width=160, force_terminal=False, color_system=None)
    table = Table(title=title or None, title_justify="left")
    for col in cells.columns:
        table.add_column(Text(str(col)), overflow="fold")
    for row in cells.values:
        table.add_row(*(Text(v) for v in row))
    console.print(table)
    return buf.getvalue()


# --------------------------------------------------------------------------- entry points


@dataclass
class BatchResult:
    """In-memory outcome of :func:`batch_frame`."""

    results: pd.DataFrame
    rejects: pd.DataFrame
    summary: Summary
    plan: Plan


@dataclass
class BatchReport:
    """Outcome of :func:`run_batch`: the summary, the files written, site resolutions made."""

    summary: Summary
    outputs: dict[str, str]
    plan: Plan
    site_resolutions: int = 0


def batch_frame(
    frame: pd.DataFrame,
    options: BatchOptions | None = None,
    *,
    kind: str = "frame",
    resolver: Resolver | None = None,
) -> BatchResult:
    """Footprint of every job of ``frame``, in memory.

    Parameters
    ----------
    frame : pandas.DataFrame
        One row per job, columns as in :data:`INPUT_COLUMNS` (text as read from
        a CSV, or typed columns).
    options : BatchOptions, optional
        Column mapping, defaults and overrides, group-by.
    kind : {"frame", "sacct"}
        ``"sacct"`` reads sacct fields (JobID, AllocTRES, Elapsed, Start, End...).
    resolver : Resolver, optional
        Share resolutions between calls.

    Returns
    -------
    BatchResult
        ``results``: accepted rows with accelerator_hours_h [h], it_energy_kwh,
        facility_energy_kwh [kWh], co2e_kg [kgCO2e], water_l, water_onsite_l,
        water_offsite_l [L] and the factors, zone and years used; ``rejects``:
        row, reason_code, reason and the row as given; ``summary``.

    Examples
    --------
    >>> import pandas as pd
    >>> from footprint.batch import batch_frame
    >>> jobs = pd.DataFrame({"job_id": ["1"], "accelerator": ["H100-SXM"], "count": ["8"],
    ...                      "duration": ["3 days"], "region": ["FR"], "year": ["2023"]})
    >>> batch_frame(jobs).results.loc[0, "accelerator_hours_h"]
    np.float64(576.0)
    """
    options = options or BatchOptions()
    if not isinstance(options, BatchOptions):
        raise InputError(f"options: expected BatchOptions, got {reprlib.repr(options)}")
    if not isinstance(frame, pd.DataFrame):
        raise InputError(f"frame: expected a pandas DataFrame, got {type(frame).__name__}")
    if kind not in ("frame", "sacct"):
        raise InputError(f"kind: expected frame or sacct, got {kind!r}")
    source = _FrameSource(frame, kind)
    plan = make_plan(source, options)
    resolver = resolver or Resolver(plan.defaults.site, plan.defaults.embodied)
    summary = Summary(plan.group_by, _base_notes(plan), plan.sum_columns)
    results, rejects = [], []
    for chunk in source.chunks(_chunk_size(options)):
        part = process_chunk(chunk, plan, resolver)
        results.append(part.results)
        rejects.append(part.rejects)
        summary.add(part.summary)
    res = pd.concat(results, ignore_index=True) if len(results) > 1 else results[0]
    rej = pd.concat(rejects, ignore_index=True) if len(rejects) > 1 else rejects[0]
    return BatchResult(res, rej, summary, plan)


#: Engines of :func:`run_batch` besides the built-in ``pandas`` one: name -> the
#: ``module:function`` that runs it, imported on first use. An engine is a plugin on top
#: of this module (it imports the plan, pieces and sinks from here), so it is named here,
#: never imported: :mod:`footprint.batch_dask` depends on this module, not the reverse.
_ENGINE_PLUGINS: dict[str, str] = {"dask": "footprint.batch_dask:run_dask"}


def _plugin_engine(name: str) -> Callable[..., list[Any]]:
    """The run function of the plugin engine ``name``, its module imported on first use."""
    import importlib

    module, _, function = _ENGINE_PLUGINS[name].partition(":")
    run: Callable[..., list[Any]] = getattr(importlib.import_module(module), function)
    return run


def run_batch(
    path: str | os.PathLike[str],
    options: BatchOptions | None = None,
    *,
    output: str | os.PathLike[str] | None = None,
    rejects: str | os.PathLike[str] | None = None,
    summary_path: str | os.PathLike[str] | None = None,
    engine: str = "pandas",
    scheduler: str = "threads",
    progress: Callable[[int, int | None], None] | None = None,
) -> BatchReport:
    """Footprint of every job of a job log, written atomically to files.

    Parameters
    ----------
    path : path
        CSV (optionally .gz/.bz2/.xz), sacct ``--parsable2`` output, a Parquet
        file, or a directory of Parquet files (Hive ``key=value`` folders).
    options : BatchOptions, optional
    output : path, optional
        Per-job results, ``.csv`` or ``.parquet``. With ``engine="dask"`` a
        ``.parquet`` output is a directory of part files.
    rejects : path, optional
        Rejected rows with reasons (``.csv`` or ``.parquet``); default
        ``<output stem>.rejects.csv`` beside ``output``, written (maybe empty)
        whenever ``output`` is.
    summary_path : path, optional
        The summary as ``.json``, ``.csv`` or ``.md``.
    engine : {"pandas", "dask"}
        ``pandas`` streams chunks through this process (memory bounded by the
        chunk, not the file); ``dask`` runs the same per-chunk computation as
        Dask tasks over the pieces of a Parquet dataset.
    scheduler : str
        Dask scheduler: ``threads``, ``processes``, ``synchronous`` or the
        address of a ``dask.distributed`` scheduler (outputs must then be on a
        file system every worker sees).
    progress : callable, optional
        ``progress(rows_done, rows_total_or_None)``, called after each chunk.

    Returns
    -------
    BatchReport

    Raises
    ------
    InputError
        Malformed header, missing required column, bad option or output name:
        raised before anything is written. A failure later removes the
        temporary files, so no output is ever half-written.
    """
    options = options or BatchOptions()
    if not isinstance(options, BatchOptions):
        raise InputError(f"options: expected BatchOptions, got {reprlib.repr(options)}")
    if engine not in ("pandas", "dask"):
        raise InputError(f"engine: expected pandas or dask, got {engine!r}")
    inputs = [Path(path)]
    if options.config is not None and options.config.path:
        inputs.append(Path(options.config.path))
    # every output is checked before anything is read: no run ends refusing its outputs
    given, paths, whats = _output_paths(inputs, output, rejects, summary_path, engine)
    kinds = {
        k: output_kind(p, whats[k]) for k, p in given.items() if p is not None and k != "summary"
    }
    source = open_source(path, options)
    plan = make_plan(source, options)
    resolver = Resolver(plan.defaults.site, plan.defaults.embodied)
    summary = Summary(plan.group_by, _base_notes(plan), plan.sum_columns)
    sinks: list[Any] = []
    try:
        if engine == "dask":
            run_dask = _plugin_engine("dask")
            sinks = run_dask(
                source, plan, resolver, summary, paths, scheduler, progress, options, whats, kinds
            )
        else:
            sinks = _run_pandas(source, plan, resolver, summary, paths, progress, options, kinds)
        outputs = {k: str(p) for k, p in given.items() if p is not None}
        summary_file = paths["summary"]
        if summary_file is not None:
            suffix = Path(str(given["summary"])).suffix.lower()
            fmt = {".json": "json", ".csv": "csv", ".md": "markdown"}[suffix]
            text = render_summary(summary, fmt, outputs)
            sinks.append(TextSink(summary_file, text, whats["summary"]))
        for sink in sinks:
            if hasattr(sink, "close"):
                sink.close()
        for sink in sinks:
            sink.commit()
    except BaseException:
        for sink in sinks:
            sink.abort()
        raise
    return BatchReport(summary, outputs, plan, resolver.site_calls)


def _output_paths(
    inputs: list[Path], output: Any, rejects: Any, summary_path: Any, engine: str = "pandas"
) -> tuple[dict[str, Path | None], dict[str, Path | None], dict[str, str]]:
    """(paths as given, the real paths each output will replace, the option naming each).

    Each output is checked with :func:`footprint.files.output_target`: an existing
    directory (other than a Parquet dataset footprint wrote, for the Dask engine),
    device, FIFO or socket is refused, and so is any input; a symbolic link is
    written through.
    """
    from footprint.files import output_target

    def name(value: Any, what: str) -> Path | None:
        if value is None:
            return None
        if not isinstance(value, str | os.PathLike) or not str(value).strip():
            raise InputError(f"{what}: expected a file name, got {reprlib.repr(value)}")
        return Path(value)

    out = name(output, "--output")
    rej = name(rejects, "--rejects")
    whats = {"results": "--output", "rejects": "--rejects", "summary": "--summary"}
    if out is not None:
        output_kind(out, "--output")
        if rej is None:
            rej = out.with_name(out.name[: -len(out.suffix)] + ".rejects.csv")
            whats["rejects"] = "rejects (written beside --output; --rejects names another file)"
    if rej is not None:
        output_kind(rej, "--rejects")
    summ = name(summary_path, "--summary")
    if summ is not None and summ.suffix.lower() not in {".json", ".csv", ".md"}:
        raise InputError(f"--summary {summ}: expected a .json, .csv or .md file name")
    given = {"results": out, "rejects": rej, "summary": summ}
    targets: dict[str, Path | None] = {}
    for key, p in given.items():
        if p is None:
            targets[key] = None
            continue
        directory = (
            engine == "dask" and key != "summary" and output_kind(p, whats[key]) == ("parquet")
        )
        target = output_target(p, whats[key], inputs=inputs, directory=directory)
        for source in inputs:
            with contextlib.suppress(OSError):
                if source.is_dir() and source.resolve() in target.resolve().parents:
                    raise InputError(
                        f"{whats[key]}: {str(p)!r} is inside the input dataset {str(source)!r}; "
                        "a later run would read it as input (write it elsewhere)"
                    )
        targets[key] = target
    chosen = [t for t in targets.values() if t is not None]
    if len({t.resolve() for t in chosen}) != len(chosen):
        raise InputError("--output, --rejects and --summary must be different files")
    return given, targets, whats


def _run_pandas(
    source: Source,
    plan: Plan,
    resolver: Resolver,
    summary: Summary,
    paths: dict[str, Path | None],
    progress: Callable[[int, int | None], None] | None,
    options: BatchOptions,
    kinds: Mapping[str, str] | None = None,
) -> list[Any]:
    """Stream chunks through :func:`process_chunk` into sinks (returned uncommitted)."""
    kinds = kinds or {}
    sinks: list[TableSink] = []
    try:
        results_path, rejects_path = paths["results"], paths["rejects"]
        results_sink = (
            TableSink(results_path, plan, "results", "--output", kinds.get("results"))
            if results_path
            else None
        )
        if results_sink is not None:
            sinks.append(results_sink)
        rejects_sink = (
            TableSink(rejects_path, plan, "rejects", "--rejects", kinds.get("rejects"))
            if rejects_path
            else None
        )
        if rejects_sink is not None:
            sinks.append(rejects_sink)
        total = source.total_rows() if progress is not None else None
        done = 0
        for chunk in source.chunks(_chunk_size(options)):
            part = process_chunk(chunk, plan, resolver)
            if results_sink is not None:
                results_sink.write(part.results)
            if rejects_sink is not None and len(part.rejects):
                rejects_sink.write(part.rejects)
            summary.add(part.summary)
            done += part.summary.rows_in
            if progress is not None:
                progress(done, total)
    except BaseException:
        for sink in sinks:
            sink.abort()
        raise
    return list(sinks)
