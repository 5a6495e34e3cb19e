"""How recent each curated file is: its newest data year and its source's dates.

``datasets/dataset_vintages.csv`` (hand-maintained, cited per row) gives, per file, the
column holding its years, the source's edition and publication date, the day footprint's
raw copy was retrieved, the newest year the file should reach and, where it does not,
why (``stale_reason``). The newest year itself is read from the file, so it is never out
of date. Shown by ``footprint regions --summary`` and ``footprint explain``; held to its
threshold by ``tests/test_dataset_vintages.py``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from footprint.data.loader import datasets_dir, read_records

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

__all__ = ["Vintage", "newest_year", "vintage_of", "vintage_table", "vintages"]

#: The file of vintages (its rows name the other files).
VINTAGES = "dataset_vintages"

_YEAR = re.compile(r"(?<!\d)(\d{4})(?!\d)")


@dataclass(frozen=True)
class Vintage:
    """The vintage of one curated file.

    Attributes
    ----------
    file : str
        Path relative to the datasets directory (``grid_intensity.csv``).
    newest_year : int or None
        The newest year in the file's year column (``None``: the file has no years).
    edition, published, retrieved : str
        The source's edition, its publication date where known (else ``""``), and the
        day footprint's raw copy was gathered (ISO dates).
    min_newest_year : int or None
        The newest year the file should reach.
    stale_reason : str
        Why an older newest year is accepted (the newer data could not be obtained).
    source : str
        Where the dates are stated.
    """

    file: str
    newest_year: int | None
    edition: str
    published: str
    retrieved: str
    min_newest_year: int | None
    stale_reason: str
    source: str

    @property
    def stale(self) -> bool:
        """Whether the newest year is below the threshold."""
        return (
            self.newest_year is not None
            and self.min_newest_year is not None
            and self.newest_year < self.min_newest_year
        )

    def summary(self) -> str:
        """One line for people: ``data to 2024; published 2025; retrieved 2026-11-26``."""
        parts = [] if self.newest_year is None else [f"data to {self.newest_year}"]
        if self.published:
            parts.append(f"published {self.published}")
        parts.append(f"retrieved {self.retrieved}")
        return "; ".join(parts)

    def to_dict(self) -> dict[str, object]:
        out: dict[str, object] = {
            "newest_year": self.newest_year,
            "edition": self.edition,
            "published": self.published or None,
            "retrieved": self.retrieved,
        }
        if self.stale:
            out["stale_reason"] = self.stale_reason
        return out


def newest_year(file: str, column: str) -> int | None:
    """The newest four-digit year in column ``column`` of curated file ``file`` (a cell
    may hold a date, ``2024-11-15``, or several years, ``2022;2023``)."""
    name = file.removesuffix(".csv")
    years = [int(y) for row in read_records(name) for y in _YEAR.findall(row.get(column, "") or "")]
    return max(years, default=None)


def vintages() -> tuple[Vintage, ...]:
    """The vintage of every file in ``dataset_vintages.csv`` that is present (the
    share-alike files are optional)."""
    return _vintages(datasets_dir())


@lru_cache(maxsize=4)
def _vintages(root: Path) -> tuple[Vintage, ...]:
    out = []
    for row in read_records(VINTAGES):
        if not (root / row["file"]).is_file():
            continue
        column = row["year_column"]
        threshold = row["min_newest_year"].strip()
        out.append(
            Vintage(
                file=row["file"],
                newest_year=newest_year(row["file"], column) if column else None,
                edition=row["edition"],
                published=row["published"],
                retrieved=row["retrieved"],
                min_newest_year=int(threshold) if threshold else None,
                stale_reason=row["stale_reason"],
                source=row["source"],
            )
        )
    return tuple(out)


def vintage_of(file: str) -> Vintage | None:
    """The vintage of curated file ``file`` (``grid_intensity.csv``), or ``None``."""
    return next((v for v in vintages() if v.file == file), None)


def vintage_table(full: bool = True) -> pd.DataFrame:
    """The vintages as a DataFrame, one row per file: ``file``, ``newest_year``,
    ``published``, ``retrieved``, ``stale_reason`` (where the newest year is below the
    threshold) and, with ``full``, ``min_newest_year``, ``edition`` and ``source``."""
    import pandas as pd

    rows = []
    for v in vintages():
        row: dict[str, object] = {
            "file": v.file,
            "newest_year": v.newest_year,
            "published": v.published or None,
            "retrieved": v.retrieved,
            "stale_reason": v.stale_reason if v.stale else None,
        }
        if full:
            row.update(
                {"min_newest_year": v.min_newest_year, "edition": v.edition, "source": v.source}
            )
        rows.append(row)
    frame = pd.DataFrame(rows)
    for column in ("newest_year", "min_newest_year"):
        if column in frame:
            frame[column] = frame[column].astype("Int64")
    return frame
