"""Water-scarcity characterisation factors from a table the user gives (ISO 14046).

A litre evaporated in Arizona is not a litre in Norway. A water scarcity footprint
(ISO 14046) weights the water consumed by how scarce water is where it is consumed::

    water_scarcity [m3 world-eq] = water consumed [m3] x factor [m3 world-eq / m3]

with factors such as AWARE's (Available WAter REmaining; WULCA; Boulay et al. 2018,
Int J LCA 23:368-378; AWARE 2.0: Seitfudem et al. 2025, J Ind Ecol 29(3):891-907,
doi:10.1111/jiec.70023): 1 is the world average, 0.1 to 100 by design. footprint's
water is consumption (on-site evaporation and off-site generation water, not
withdrawal), the basis AWARE factors multiply.

footprint ships no such factors: AWARE 2.0's licence could not be confirmed from any
stored text (``datasets/SOURCES.md``, "Water scarcity factors"). A user gives a CSV
(:func:`read_water_scarcity`), e.g. built from AWARE 2.0's ``CFs_nonagri`` sheet
(non-agricultural factors: AWARE's aggregation for industrial use, which data-centre
cooling and power-plant consumption are)::

    zone,month,factor_m3_world_eq_per_m3,source
    US-AZ,,99.4,AWARE 2.0 non-agri annual
    US-AZ,7,100.0,AWARE 2.0 non-agri July

``zone`` is a footprint zone (ISO-2 country, ``US-VA``...; matched without regard to
case, a region's parent zones in turn); ``month`` (1-12 or jan...dec, optional) is blank
for the annual factor. An estimate uses the annual factor, hourly accounting each
hour's month (the annual one where a month is missing). A zone without a factor leaves
``water_scarcity`` blank, with a note; never zero.
"""

from __future__ import annotations

import csv
import hashlib
import io
import math
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from footprint.core import units
from footprint.core.errors import InputError
from footprint.core.files import read_text
from footprint.core.provenance import Factor

__all__ = ["FACTOR_COLUMN", "FACTOR_UNIT", "ScarcityTable", "read_water_scarcity"]

#: The factor column of a table: its unit in its name.
FACTOR_COLUMN = "factor_m3_world_eq_per_m3"
#: The unit of a factor (m3 world-eq per m3 of water consumed).
FACTOR_UNIT = "m3_world_eq/m**3"
#: Largest factor accepted: AWARE's are 0.1-100 by design (100: water scarcest).
MAX_FACTOR = 100.0
#: Largest table read (AWARE 2.0's whole country table, 13 rows per zone, is ~0.3 MB).
MAX_TABLE_BYTES = 16 * 2**20

_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
_MONTH_NAMES = (
    "january", "february", "march", "april", "may", "june", "july", "august", "september",
    "october", "november", "december",
)  # fmt: skip
_WHAT = "water-scarcity factors"


@dataclass(frozen=True, eq=False)
class ScarcityTable:
    """Water-scarcity factors by zone and month, read from a user's file.

    Attributes
    ----------
    name : str
        The file's name (shown in sources and notes).
    factors : tuple[tuple[str, int | None, float, str], ...]
        ``(zone, month or None for annual, factor, source)`` [m3 world-eq per m3].
    digest : str
        SHA-256 of the file: two tables are equal when their files are (and their
        sites are cached as one).
    """

    name: str
    factors: tuple[tuple[str, int | None, float, str], ...]
    digest: str

    def __eq__(self, other: object) -> bool:
        return isinstance(other, ScarcityTable) and other.digest == self.digest

    def __hash__(self) -> int:
        return hash(self.digest)

    def __repr__(self) -> str:
        return f"ScarcityTable({self.name!r}, {len(self.factors)} factors, {self.digest[:12]})"

    def _index(self) -> dict[str, dict[int | None, tuple[float, str]]]:
        index: dict[str, dict[int | None, tuple[float, str]]] = {}
        for zone, month, value, source in self.factors:
            index.setdefault(zone, {})[month] = (value, source)
        return index

    def zone_of(self, zones: Sequence[str]) -> str | None:
        """The first of ``zones`` (finest first) that the table has, or ``None``."""
        index = self._index()
        return next((z.upper() for z in zones if z.upper() in index), None)

    def factor(self, zones: Sequence[str], month: int | None = None) -> Factor:
        """The factor for a place whose zones are ``zones`` (finest first), annual or of
        ``month``; a month the table lacks takes the annual factor (noted). No factor:
        a NaN value with a note (``water_scarcity`` is then left blank)."""
        index = self._index()
        zone = self.zone_of(zones)
        wanted = "annual" if month is None else _MONTHS[month - 1].capitalize()
        if zone is None:
            return self._missing(
                zones, f"no water-scarcity factor for {' or '.join(zones)} in {self.name}"
            )
        by_month = index[zone]
        notes = []
        if zone != zones[0].upper():
            notes.append(f"no factor for {zones[0]} in {self.name}; parent zone {zone} used")
        if month is not None and month not in by_month:
            if None not in by_month:
                return self._missing(
                    zones, f"no {wanted} or annual water-scarcity factor for {zone} in {self.name}"
                )
            notes.append(f"no {wanted} factor for {zone}: annual factor used")
            month = None
        elif month is None and None not in by_month:
            return self._missing(
                zones,
                f"only monthly water-scarcity factors for {zone} in {self.name}: give an annual "
                "row (month left blank)",
            )
        value, source = by_month[month]
        return Factor(
            name="water_scarcity",
            value=units.Q_(value, FACTOR_UNIT),
            origin="user",
            source=f"{self.name}: {source}" if source else f"given by the user ({self.name})",
            zone=zone,
            note="; ".join(notes),
            extra={"month": "annual" if month is None else _MONTHS[month - 1]},
        )

    def monthly(self, zones: Sequence[str]) -> tuple[list[Factor], Factor]:
        """The factor of each month (January first) and the annual one, for ``zones``."""
        return [self.factor(zones, m) for m in range(1, 13)], self.factor(zones)

    def _missing(self, zones: Sequence[str], note: str) -> Factor:
        return Factor(
            name="water_scarcity",
            value=units.Q_(math.nan, FACTOR_UNIT),
            origin="user",
            source=f"given by the user ({self.name})",
            zone=zones[0] if zones else None,
            note=f"{note}: water scarcity left blank",
        )


def read_water_scarcity(path: str | Path) -> ScarcityTable:
    """Read a CSV of water-scarcity factors (``zone``, optional ``month``,
    ``factor_m3_world_eq_per_m3``, optional ``source``) through :mod:`footprint.core.files`.

    Bad content is one line (:class:`InputError`) naming the row: an unknown month, a
    factor that is not a number in [0, 100], a zone and month given twice. A blank factor
    means "not known" (the zone is then left blank, as one absent).
    """
    name = Path(path).name
    text = read_text(path, _WHAT, max_bytes=MAX_TABLE_BYTES)
    rows = csv.reader(io.StringIO(text, newline=""))
    header = next(rows, None)
    if header is None:
        raise InputError(f"{_WHAT}: {name} is empty")
    columns = [h.strip().lower() for h in header]
    missing = [c for c in ("zone", FACTOR_COLUMN) if c not in columns]
    if missing:
        raise InputError(
            f"{_WHAT}: {name} lacks column {', '.join(missing)}; expected zone, month "
            f"(optional), {FACTOR_COLUMN} (m3 world-eq per m3 consumed), source (optional)"
        )
    if len(set(columns)) != len(columns):
        raise InputError(f"{_WHAT}: {name} has a column named twice")
    at = {c: i for i, c in enumerate(columns)}
    factors: dict[tuple[str, int | None], tuple[float, str]] = {}
    for line, record in enumerate(rows, start=2):
        if not any(cell.strip() for cell in record):
            continue
        if len(record) != len(columns):
            raise InputError(
                f"{_WHAT}: {name} row {line} has {len(record)} cells for {len(columns)} columns"
            )
        zone = record[at["zone"]].strip().upper()
        if not zone:
            raise InputError(f"{_WHAT}: {name} row {line}: empty zone")
        month = _month(record[at["month"]] if "month" in at else "", name, line)
        cell = record[at[FACTOR_COLUMN]].strip()
        if not cell:
            continue  # not known (AWARE's "NotDefined"): the zone stays blank
        value = _factor(cell, name, line)
        if (zone, month) in factors:
            which = "annual" if month is None else _MONTHS[month - 1]
            raise InputError(f"{_WHAT}: {name} row {line}: {zone} {which} given twice")
        source = record[at["source"]].strip()[:300] if "source" in at else ""
        factors[(zone, month)] = (value, source)
    if not factors:
        raise InputError(f"{_WHAT}: {name} has no factors")
    entries = tuple(
        (zone, month, value, source)
        for (zone, month), (value, source) in sorted(
            factors.items(), key=lambda kv: (kv[0][0], kv[0][1] or 0)
        )
    )
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
    return ScarcityTable(name=name, factors=entries, digest=digest)


def _month(cell: str, name: str, line: int) -> int | None:
    text = cell.strip().lower()
    if not text or text == "annual":
        return None
    if text in _MONTHS or text in _MONTH_NAMES:
        return _MONTHS.index(text[:3]) + 1
    if text.isdigit() and 1 <= int(text) <= 12:
        return int(text)
    raise InputError(
        f"{_WHAT}: {name} row {line}: month {cell.strip()[:20]!r} is not 1-12, jan-dec or blank "
        "(annual)"
    )


def _factor(cell: str, name: str, line: int) -> float:
    try:
        value = float(cell)
    except ValueError:
        raise InputError(
            f"{_WHAT}: {name} row {line}: {FACTOR_COLUMN} {cell[:20]!r} is not a number"
        ) from None
    if not (math.isfinite(value) and 0.0 <= value <= MAX_FACTOR):
        raise InputError(
            f"{_WHAT}: {name} row {line}: {FACTOR_COLUMN} {value:g} is outside 0-{MAX_FACTOR:g} "
            "(AWARE factors are 0.1-100 m3 world-eq per m3)"
        )
    return value


def scarcity_inputs(table: Any) -> dict[str, str]:
    """The input a result echoes for a factor table (its file name), or nothing."""
    return {} if table is None else {"water_scarcity_factors": table.name}


def hourly_scarcity(
    table: ScarcityTable | None, zones: Sequence[str], months: Any
) -> tuple[dict[str, Any], list[str]]:
    """The ``scarcity`` column of an hourly site table: each hour's month's factor (the
    annual one where the table has no such month; NaN where it has neither), and notes.

    ``months`` are the hours' calendar months (1-12, UTC). Nothing (``{}``) without a table.
    """
    if table is None:
        return {}, []
    import numpy as np

    per_month, _ = table.monthly(zones)
    values = np.array([f.value.m_as(FACTOR_UNIT) for f in per_month], dtype=float)
    months = np.asarray(months, dtype=int)
    notes = list(
        dict.fromkeys(
            f"water_scarcity: {per_month[m - 1].note}"
            for m in sorted(set(months.tolist()))
            if per_month[m - 1].note
        )
    )
    notes.append("water_scarcity: each hour takes the factor of its month (UTC)")
    return {"scarcity": values[months - 1]}, notes


def factor_grid(rows: Sequence[Sequence[Factor | None]]) -> Any:
    """Water-scarcity factors of a grid of sites (rows x zones) as an array [m3 world-eq
    per m3], NaN where a site has none; ``None`` when no site has a table."""
    if all(f is None for row in rows for f in row):
        return None
    import numpy as np

    return np.array(
        [[np.nan if f is None else f.value.m_as(FACTOR_UNIT) for f in row] for row in rows],
        dtype=float,
    )
