"""The model of a curated table's schema: :class:`Column`, :class:`Schema` and the
constructors (:func:`text`, :func:`number`, :func:`flag`, :func:`source_columns`) that keep
the declarations in :mod:`footprint.data.dataset_schemas` readable.

Pure standard library and cheap to import (see :mod:`footprint.data.schemas`).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

__all__ = ["Kind", "Column", "Schema", "text", "number", "flag", "source_columns"]

#: Cell type of a column.
Kind = Literal["str", "float", "int", "bool"]


@dataclass(frozen=True)
class Column:
    """One column of a curated table.

    Attributes
    ----------
    name : str
        Header name (units are part of the name, e.g. ``intensity_g_per_kwh``).
    kind : {"str", "float", "int", "bool"}
        Cell type; ``bool`` cells must be one of ``choices`` (true spelling first).
    unit : str
        Unit of a numeric column (documentation; ``""`` for dimensionless or text).
    empty : bool
        Whether a cell may be empty (missing value).
    low, high : float or None
        Range of a numeric column; ``None`` leaves that side open-ended.
    low_open, high_open : bool
        Exclude the bound itself (``price > 0``: ``low=0, low_open=True``).
    choices : tuple[str, ...]
        Allowed values of a ``str`` or ``bool`` column (empty tuple: any text).
    pattern : str
        Regular expression every non-empty ``str`` cell must match in full.
    """

    name: str
    kind: Kind = "str"
    unit: str = ""
    empty: bool = False
    low: float | None = None
    high: float | None = None
    low_open: bool = False
    high_open: bool = False
    choices: tuple[str, ...] = ()
    pattern: str = ""

    @property
    def numeric(self) -> bool:
        """Whether cells are numbers (``float`` or ``int``)."""
        return self.kind in ("float", "int")

    def range_text(self) -> str:
        """The allowed range as an interval, e.g. ``[0, 1700]`` or ``(0, 5000]``."""
        low = "-inf" if self.low is None else f"{self.low:g}"
        high = "inf" if self.high is None else f"{self.high:g}"
        left = "(" if self.low_open or self.low is None else "["
        right = ")" if self.high_open or self.high is None else "]"
        return f"{left}{low}, {high}{right}"

    def in_range(self, value: float) -> bool:
        """Whether ``value`` is finite and within the column's range."""
        if not math.isfinite(value):
            return False
        if self.low is not None and (value <= self.low if self.low_open else value < self.low):
            return False
        return self.high is None or not (
            value >= self.high if self.high_open else value > self.high
        )


@dataclass(frozen=True)
class Schema:
    """The expected shape of one curated data file.

    Attributes
    ----------
    file : str
        Path relative to the datasets directory; may be a glob (``hourly/*_*.csv.gz``).
    columns : tuple[Column, ...]
        Every column, in file order.
    key : tuple[str, ...]
        Columns whose combined values must be unique (the lookup key of the table).
    ordered : tuple[tuple[str, ...], ...]
        Groups of numeric columns whose non-empty values must not decrease from left to
        right within a row (``low <= central <= high``).
    shares : tuple[str, ...]
        Fraction columns that must sum to 1 within ``shares_tolerance`` in every row.
    shares_tolerance : float
        Allowed deviation of the sum of ``shares`` from 1.
    min_rows : int
        Fewest data rows a complete file has.
    """

    file: str
    columns: tuple[Column, ...]
    key: tuple[str, ...] = ()
    ordered: tuple[tuple[str, ...], ...] = ()
    shares: tuple[str, ...] = ()
    shares_tolerance: float = 1e-3
    min_rows: int = 1

    @property
    def names(self) -> tuple[str, ...]:
        """Column names in file order."""
        return tuple(c.name for c in self.columns)


# --- helpers that keep the declarations readable --------------------------------------


def text(
    name: str, *, empty: bool = False, choices: Sequence[str] = (), pattern: str = ""
) -> Column:
    """A text column (optionally restricted to ``choices`` or a regular expression)."""
    return Column(name, "str", empty=empty, choices=tuple(choices), pattern=pattern)


def number(
    name: str,
    unit: str,
    low: float | None,
    high: float | None,
    *,
    kind: Kind = "float",
    empty: bool = False,
    low_open: bool = False,
) -> Column:
    """A numeric column with its unit and range (``low_open`` excludes ``low`` itself)."""
    return Column(name, kind, unit=unit, empty=empty, low=low, high=high, low_open=low_open)


def flag(name: str, true: str, false: str) -> Column:
    """A bool-like column: each cell is ``true`` or ``false`` spelled exactly so."""
    return Column(name, "bool", choices=(true, false))


def source_columns(*names: str) -> tuple[Column, ...]:
    """Provenance columns: required text (every row is sourced)."""
    return tuple(text(n) for n in names)
