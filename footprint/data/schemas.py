"""Schemas of the curated datasets: columns, types, units and physically justified ranges.

Every data file shipped in ``datasets/`` has one :class:`Schema` in :data:`SCHEMAS`,
keyed by its path relative to the datasets directory (``hourly/*_*.csv.gz`` covers the
hourly grid files). :func:`footprint.data.loader.read_records` and ``load_table`` check a table
against its schema the first time they load it, and the dataset builders' tests check
what the builders write (``scripts/build_datasets.py`` refuses to write a manifest for a
file that fails). A failure is a :class:`~footprint.core.errors.DataError` whose one-line
message names the file, the line, the column, the bad value and what was allowed::

    grid_intensity.csv line 812: intensity_g_per_kwh = -5 is outside [0, 1700] gCO2e/kWh

What is checked, per file:

- **columns**: every declared column is present (extra columns are tolerated at run time,
  the code ignores them; ``tests/test_dataset_validation.py`` requires the schema to
  list exactly the shipped columns);
- **rows**: every row has as many cells as the header (a cut-off last line fails);
  :func:`parse_csv` checks this while parsing;
- **types**: ``float`` and ``int`` cells parse as finite numbers (no ``nan``/``inf``),
  ``bool`` cells are one of the two spellings the code understands, ``str`` cells may
  be restricted to a set of choices or a regular expression;
- **empty cells**: only where the column allows them (``empty=True``);
- **ranges**: numeric values within ``[low, high]`` (bounds may be open), each range
  justified in a comment next to it; every value shipped today lies inside, with room;
- **row checks**: unique keys (a duplicated key would make a lookup silently pick one
  row), low <= central <= high orderings, generation shares summing to 1.

This module is pure standard library and cheap to import: the ``footprint estimate``
path validates its 13 tables without importing pandas in about 15 ms (10 ms of it for
the 5,116 rows x 12 numeric columns of ``generation_mix.csv``): cells are handled column
by column in C (``zip``, ``set``, ``map(float, ...)``, ``min``/``max``), each distinct
text parsed once, and rows are looked at one by one only to locate an error.

Where things are: this module parses and checks; the declarations (:data:`SCHEMAS`,
:data:`TECHNOLOGIES`, :func:`schema_for`) are in :mod:`footprint.data.dataset_schemas` and the
model (:class:`Column`, :class:`Schema`) in :mod:`footprint.data.schema_types`; all are
re-exported here.
"""

from __future__ import annotations

import csv
import io
import math
import re
from collections.abc import Callable, Sequence
from functools import cache
from typing import cast

from footprint.core.errors import DataError
from footprint.data.dataset_schemas import SCHEMAS, TECHNOLOGIES, schema_for
from footprint.data.schema_types import Column, Schema

__all__ = [
    "Column",
    "Schema",
    "SCHEMAS",
    "TECHNOLOGIES",
    "schema_for",
    "parse_csv",
    "count_rows",
    "line_numbers",
    "validate_records",
    "validate_text",
]


# --- parsing and checking -------------------------------------------------------------------


def parse_csv(file: str, content: str) -> tuple[list[str], list[list[str]]]:
    """Header and records (lists of cells) of CSV text ``content`` of data file ``file``.

    Blank lines are skipped, as ``csv.DictReader`` does; a record with more or fewer
    cells than the header is an error, where ``csv.DictReader`` would pad or overflow it.

    Raises
    ------
    DataError
        A record's cell count differs from the header's (a cut-off or malformed line).
    """
    reader = csv.reader(io.StringIO(content, newline=""))
    header = next(reader, None)
    if header is None:
        return [], []
    records = list(filter(None, reader))  # blank lines are empty records
    if records and set(map(len, records)) != {len(header)}:
        raise _ragged(file, content, len(header))
    return header, records


def count_rows(content: str) -> int:
    """Number of data records in CSV text (header and blank lines excluded)."""
    return max(sum(1 for record in csv.reader(io.StringIO(content, newline="")) if record) - 1, 0)


def _ragged(file: str, content: str, width: int) -> DataError:
    reader = csv.reader(io.StringIO(content, newline=""))
    next(reader, None)
    end = reader.line_num
    for record in reader:
        if record and len(record) != width:
            return DataError(
                f"{file} line {end + 1}: {len(record)} cells where the header has {width} "
                "(truncated or malformed row)"
            )
        end = reader.line_num
    return DataError(f"{file}: rows and header differ in length")  # pragma: no cover


def line_numbers(content: str) -> list[int]:
    """Line (1-based) on which each record of :func:`parse_csv` starts, header excluded."""
    reader = csv.reader(io.StringIO(content, newline=""))
    next(reader, None)
    starts: list[int] = []
    end = reader.line_num
    for record in reader:
        if record:
            starts.append(end + 1)
        end = reader.line_num
    return starts


@cache
def _regex(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern)


@cache
def _joined_regex(pattern: str) -> re.Pattern[str]:
    """``pattern`` repeated over newline-joined cells (empty string: no cells)."""
    return re.compile(f"(?:(?:{pattern})(?:\n(?:{pattern}))*)?")


class _Checker:
    """Checks one file against its schema; rows are located only when something fails."""

    def __init__(
        self,
        file: str,
        schema: Schema,
        header: Sequence[str],
        records: Sequence[Sequence[str]],
        lines: Callable[[], list[int]],
    ) -> None:
        self.file = file
        self.schema = schema
        self.header = list(header)
        self.records = records
        self._lines = lines
        self._line_cache: list[int] | None = None

    def line(self, index: int) -> int:
        if self._line_cache is None:
            self._line_cache = self._lines()
        return self._line_cache[index] if index < len(self._line_cache) else index + 2

    def fail(self, index: int | None, message: str) -> DataError:
        where = f"{self.file} line {self.line(index)}" if index is not None else self.file
        return DataError(f"{where}: {message}")

    def run(self) -> None:
        schema, header, records = self.schema, self.header, self.records
        if not header:
            raise DataError(f"{self.file}: empty file (no header line)")
        dup = sorted({h for h in header if header.count(h) > 1})
        if dup:
            raise DataError(f"{self.file} line 1: duplicate column(s) {', '.join(map(repr, dup))}")
        missing = [n for n in schema.names if n not in header]
        if missing:
            raise DataError(
                f"{self.file} line 1: missing column(s) {', '.join(map(repr, missing))} "
                f"(expected {', '.join(schema.names)})"
            )
        if len(records) < schema.min_rows:
            raise DataError(
                f"{self.file}: {len(records)} data rows, expected at least {schema.min_rows} "
                "(truncated file?)"
            )
        # one transposition in C gives every column's cells (parse_csv checked the widths)
        by_column: list[Sequence[str]] = (
            list(zip(*records, strict=True)) if records else [()] * len(header)
        )
        cells: dict[str, Sequence[str]] = {}
        numbers: dict[str, list[float | None]] = {}
        needed = set(schema.shares).union(*schema.ordered)
        for column in schema.columns:
            name = column.name
            values = by_column[header.index(name)]
            cells[name] = values
            parsed = self.column(column, values, aligned=name in needed)
            if name in needed:
                numbers[name] = parsed
        self.across(cells, numbers)

    def column(self, column: Column, values: Sequence[str], aligned: bool) -> list[float | None]:
        """Check one column.

        Numbers are parsed once per distinct cell text (years, zeros and round values
        repeat a lot); with ``aligned``, the numbers are also returned row by row (``None``
        for an empty cell), for the checks across columns.
        """
        if not column.empty and "" in values:
            raise self.fail(values.index(""), f"{column.name} is empty (a value is required)")
        distinct = set(values)
        distinct.discard("")
        if column.choices and not distinct <= set(column.choices):
            index = next(i for i, v in enumerate(values) if v and v not in column.choices)
            raise self.fail(
                index,
                f"{column.name} = {values[index]!r} is not one of "
                f"{', '.join(map(repr, column.choices))}",
            )
        # one regex run over all cells (C speed); cell by cell only to find a failure
        if column.pattern and _joined_regex(column.pattern).fullmatch("\n".join(distinct)) is None:
            regex = _regex(column.pattern)
            for i, v in enumerate(values):
                if v and regex.fullmatch(v) is None:
                    raise self.fail(
                        i, f"{column.name} = {v!r} does not match the pattern {column.pattern}"
                    )
        if not column.numeric or not distinct:
            return []
        convert: Callable[[str], float] = int if column.kind == "int" else float
        # every cell of a required column when the checks across columns need its numbers
        # row by row, else each distinct cell text once
        full = aligned and not column.empty
        try:
            nums = list(map(convert, values if full else distinct))
        except ValueError:
            self.locate(column, values, convert)
            raise  # pragma: no cover  (locate raises for the cell that failed)
        # float() and int() accept '1_000'; CSV readers (pandas) do not: reject it too.
        # A NaN or infinity makes the sum non-finite; then locate() finds the cell.
        if (
            "_" in "".join(distinct)
            or not math.isfinite(sum(nums))
            or not (column.in_range(min(nums)) and column.in_range(max(nums)))
        ):
            self.locate(column, values, convert)
        if not aligned:
            return []
        if full:
            return cast("list[float | None]", nums)
        parsed = dict(zip(distinct, nums, strict=True))
        return [parsed[v] if v else None for v in values]

    def locate(
        self, column: Column, values: Sequence[str], convert: Callable[[str], float]
    ) -> None:
        """Raise for the first bad cell of a numeric column (slow path, on failure only)."""
        what = "an integer" if column.kind == "int" else "a number"
        for i, v in enumerate(values):
            if not v:
                continue
            try:
                if "_" in v:
                    raise ValueError(v)
                x = convert(v)
            except ValueError:
                raise self.fail(i, f"{column.name} = {v!r} is not {what}") from None
            if not math.isfinite(x):
                raise self.fail(i, f"{column.name} = {v} is not a finite number")
            if not column.in_range(x):
                unit = f" {column.unit}" if column.unit and column.unit != "see unit" else ""
                raise self.fail(i, f"{column.name} = {v} is outside {column.range_text()}{unit}")

    def across(
        self, cells: dict[str, Sequence[str]], numbers: dict[str, list[float | None]]
    ) -> None:
        """Checks across the columns of a row: unique key, orderings, shares summing to 1."""
        schema = self.schema
        if schema.key:
            # keys joined into strings: no tuple per row for the garbage collector to track
            keys = list(map("\x1f".join, zip(*(cells[k] for k in schema.key), strict=True)))
            if len(set(keys)) != len(keys):
                seen: dict[str, int] = {}
                for i, k in enumerate(keys):
                    if k in seen:
                        parts = k.split("\x1f")
                        shown = ", ".join(
                            f"{n}={v}" for n, v in zip(schema.key, parts, strict=True)
                        )
                        raise self.fail(
                            i, f"duplicate key {shown} (first at line {self.line(seen[k])})"
                        )
                    seen[k] = i
        for group in schema.ordered:
            for left, right in zip(group, group[1:], strict=False):
                for i, (a, b) in enumerate(zip(numbers[left], numbers[right], strict=True)):
                    if a is not None and b is not None and a > b:
                        raise self.fail(
                            i,
                            f"{left} = {cells[left][i]} is greater than "
                            f"{right} = {cells[right][i]} (expected {' <= '.join(group)})",
                        )
        if schema.shares:
            tol = schema.shares_tolerance
            # share columns are required, so every row has all of them
            columns = [cast("list[float]", numbers[s]) for s in schema.shares]
            sums = list(map(math.fsum, zip(*columns, strict=True)))
            if sums and (min(sums) < 1.0 - tol or max(sums) > 1.0 + tol):
                i = next(i for i, s in enumerate(sums) if abs(s - 1.0) > tol)
                raise self.fail(
                    i, f"the {len(columns)} *_share columns sum to {sums[i]:.6g}, not 1 (±{tol:g})"
                )


def validate_records(
    file: str,
    header: Sequence[str],
    records: Sequence[Sequence[str]],
    lines: Callable[[], list[int]] | None = None,
) -> None:
    """Check the parsed records of data file ``file`` against its schema.

    Parameters
    ----------
    file : str
        Path relative to the datasets directory (``grid_intensity.csv``,
        ``hourly/US-CAL-CISO_2022.csv.gz``); picks the schema and names the file in errors.
    header : sequence of str
        Column names, in file order.
    records : sequence of sequences of str
        The data rows' cells, as returned by :func:`parse_csv` (each as wide as
        ``header``).
    lines : callable, optional
        Returns the line on which each record starts (:func:`line_numbers`); called only
        to report an error. Without it, records are assumed to be one line each.

    Raises
    ------
    DataError
        The file has no schema, or breaks it; the message names the line, the column,
        the value and what was allowed.
    """
    schema = schema_for(file)
    if schema is None:
        raise DataError(f"{file}: no schema for this data file in footprint/data/schemas.py")
    _Checker(file, schema, header, records, lines or (lambda: [])).run()


def validate_text(file: str, content: str) -> None:
    """Parse CSV text ``content`` and check it against the schema of ``file``.

    Raises
    ------
    DataError
        See :func:`parse_csv` and :func:`validate_records`.
    """
    header, records = parse_csv(file, content)
    validate_records(file, header, records, lambda: line_numbers(content))
