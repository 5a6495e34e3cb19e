"""Locating and loading the curated datasets shipped with footprint.

The curated CSVs live in ``datasets/`` at the repository root. A wheel carries
them inside the package as ``footprint/_datasets`` (see ``pyproject.toml``), so
an installed ``footprint`` works from any directory, offline. Nothing is read
at import time: every table is loaded on first use and cached.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from footprint.errors import DataError

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

__all__ = [
    "datasets_dir",
    "dataset_path",
    "load_table",
    "read_records",
    "optional_float",
    "available_tables",
]


@cache
def datasets_dir() -> Path:
    """Directory holding the curated CSVs (installed copy first, then the checkout)."""
    here = Path(__file__).resolve().parent
    for candidate in (here / "_datasets", here.parent / "datasets"):
        if candidate.is_dir():
            return candidate
    raise DataError(
        "footprint's curated datasets are missing: expected footprint/_datasets in an "
        "installed package or datasets/ beside the package in a checkout"
    )


def dataset_path(name: str) -> Path:
    """Path of the curated table ``name`` (without ``.csv``); sub-folders allowed."""
    path = datasets_dir() / f"{name}.csv"
    if not path.is_file():
        raise DataError(f"unknown dataset {name!r}: no file {path.name} in {path.parent}")
    return path


@cache
def _read(name: str) -> pd.DataFrame:
    import pandas as pd

    return pd.read_csv(dataset_path(name), keep_default_na=False, na_values=[""])


def load_table(name: str) -> pd.DataFrame:
    """Return a copy of curated table ``name`` as a DataFrame (cached after first read)."""
    return _read(name).copy()


@cache
def read_records(name: str) -> tuple[dict[str, str], ...]:
    """Rows of curated table ``name`` as dicts of strings (stdlib csv, no pandas).

    The estimate path uses this so that a single CLI call does not pay for
    importing pandas; empty cells are empty strings.
    """
    with dataset_path(name).open(newline="", encoding="utf-8") as fh:
        return tuple(csv.DictReader(fh))


def optional_float(text: str) -> float | None:
    """Parse a CSV cell into a float, ``None`` for an empty cell."""
    text = text.strip()
    return float(text) if text else None


def available_tables() -> list[str]:
    """Names of every curated table, relative to the datasets directory."""
    root = datasets_dir()
    return sorted(p.relative_to(root).with_suffix("").as_posix() for p in root.rglob("*.csv"))


def choose_year(
    available: list[int] | tuple[int, ...] | set[int],
    year: int | None,
    what: str,
    strict: bool = False,
) -> tuple[int, str]:
    """Pick the year to use among ``available`` and say why, for provenance.

    ``year=None`` takes the newest available year (noted). A year the data lacks is
    replaced by the nearest available one (the later one on a tie) and noted, unless
    ``strict``, which raises :class:`MissingDataError` naming the years there are.

    Returns
    -------
    (year_used, note) : tuple[int, str]
        ``note`` is empty when the requested year was available.
    """
    from footprint.errors import MissingDataError

    years = sorted(set(available))
    if not years:
        raise MissingDataError(f"{what}: no data for any year")
    if year is None:
        return years[-1], f"{what}: no year given, newest available year {years[-1]} used"
    if year in years:
        return year, ""
    span = f"{years[0]}-{years[-1]}" if len(years) > 1 else str(years[0])
    if strict:
        raise MissingDataError(f"{what}: no data for {year} (available: {span})")
    nearest = min(years, key=lambda y: (abs(y - year), -y))
    return nearest, f"{what}: no data for {year}; nearest year {nearest} used (available: {span})"


@cache
def licence_of(table: str) -> dict[str, str]:
    """Licence and attribution of curated file ``table`` (e.g. ``grid_intensity.csv``)."""
    for row in read_records("licences"):
        if row["file"] == table:
            return row
    return {"file": table, "licence": "see datasets/SOURCES.md", "attribution": ""}


def normalise_name(name: str) -> str:
    """Key used to match names and aliases: lower case, no spaces, hyphens, underscores."""
    return re.sub(r"[\s\-_/.]+", "", name.strip().lower())


def name_index(table: str, entries: Iterable[tuple[str, Iterable[str]]]) -> dict[str, str]:
    """Map every normalised name and alias of ``entries`` to its canonical name.

    Raises :class:`DataError` when one label would name two entries of ``table``.
    """
    keys: dict[str, str] = {}
    for name, aliases in entries:
        for label in (name, *aliases):
            key = normalise_name(label)
            if keys.get(key, name) != name:
                raise DataError(f"{table}.csv: {label!r} names both {keys[key]} and {name}")
            keys[key] = name
    return keys
