"""Presentation of a regional comparison (:func:`footprint.analyses.compare.compare`): notes grouped
by region, sorting, unit-free exports (:func:`plain`, :func:`to_csv`, :func:`to_records`) and
frames for people (:func:`display_frame`, :func:`to_markdown`, with :data:`UNIT_LADDERS`).

Everything here is re-exported by :mod:`footprint.analyses.compare`; pandas and NumPy are imported
inside the functions.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from footprint.core import units
from footprint.core.accounting import CANONICAL_UNITS
from footprint.core.errors import InputError, UnknownNameError
from footprint.core.escape import csv_frame
from footprint.core.files import atomic_writer
from footprint.engine.evaluation import SITE_COLUMNS
from footprint.render.labels import format_number
from footprint.render.ladders import UNIT_LADDERS, ladder_unit
from footprint.render.markdown import markdown_table
from footprint.render.notes import group_notes

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

__all__ = [
    "METRICS",
    "COLUMN_UNITS",
    "COMPACT_COLUMNS",
    "DISPLAY_COLUMNS",
    "UNIT_LADDERS",
    "display_frame",
    "drop_order",
    "grouped_notes",
    "magnitudes",
    "metric_label",
    "plain",
    "sort_comparison",
    "to_csv",
    "to_markdown",
    "to_records",
]

#: Canonical unit of every quantity column (``price``/``cost`` take their currency).
COLUMN_UNITS: dict[str, str] = {
    **{name: SITE_COLUMNS[name] for name in ("intensity", "cfe", "ewif", "pue", "wue")},
    **{
        key: CANONICAL_UNITS[key]
        for key in (
            "it_energy",
            "facility_energy",
            "co2e",
            "co2e_market",
            "water_onsite",
            "water_offsite",
            "water",
            "embodied_co2e",
            "total_co2e",
            "water_scarcity",
        )
    },
    "scarcity_factor": "m3_world_eq/m**3",
}

#: Suffixes of plain (unit-free) export columns.
_PLAIN_NAMES = {
    "intensity": "intensity_g_per_kwh",
    "cfe": "cfe_share",
    "ewif": "ewif_l_per_kwh",
    "pue": "pue",
    "wue": "wue_l_per_kwh",
    "it_energy": "it_energy_kwh",
    "facility_energy": "facility_energy_kwh",
    "co2e": "co2e_kg",
    "co2e_market": "co2e_market_kg",
    "water_onsite": "water_onsite_l",
    "water_offsite": "water_offsite_l",
    "water": "water_l",
    "embodied_co2e": "embodied_co2e_kg",
    "total_co2e": "total_co2e_kg",
    "water_scarcity": "water_scarcity_m3_world_eq",
    "scarcity_factor": "scarcity_factor_m3_world_eq_per_m3",
}


#: Columns a comparison can be ranked by (lower is better), with their labels.
METRICS: dict[str, str] = {
    "co2e": "CO2e, location-based",
    "co2e_market": "CO2e, market-based",
    "water": "Water consumed (on-site + off-site)",
    "water_onsite": "Water consumed on-site",
    "water_offsite": "Water consumed off-site",
    "water_scarcity": "Water scarcity footprint, m3 world-eq (with a factor table)",
    "facility_energy": "Facility energy",
    "total_co2e": "CO2e, location-based plus embodied",
    "cost": "Electricity cost",
    "total_cost": "Electricity + compute cost (with a compute price)",
    "intensity": "Grid carbon intensity",
    "ewif": "Water intensity of electricity (EWIF)",
}


def metric_label(metric: str, basis: str | None = None) -> str:
    """The label of ``metric`` (:data:`METRICS`) on the comparison's ``basis``: on a
    marginal basis (``"marginal (IFI combined margin 2021)"``) a CO2e is never called
    location-based, and the intensity says it is marginal."""
    label = METRICS[metric]
    if not basis:
        return label
    if metric == "co2e_market":
        return f"CO2e, market-based (= {basis})"
    if "location-based" in label:
        return label.replace("location-based", basis)
    return f"{label}, {basis}" if metric == "intensity" else label


def magnitudes(df: pd.DataFrame, col: str) -> Any:
    """Column ``col`` of ``df`` as a float NumPy array (a quantity column's magnitudes)."""
    import numpy as np

    series = df[col]
    if hasattr(series, "pint"):
        return np.asarray(series.pint.magnitude, dtype=float)
    return np.asarray(series, dtype=float)


def grouped_notes(df: pd.DataFrame) -> list[str]:
    """The comparison's notes with per-region repeats merged: ``"FR, SE: ewif: ..."``
    (:func:`footprint.render.notes.group_notes`)."""
    regions = [str(r) for r in df["region"]]
    pairs: list[tuple[str | None, str]] = []
    for note in df.attrs.get("notes", []):
        head, _, rest = note.partition(": ")
        pairs.append((head, rest) if head in regions and rest else (None, note))
    return group_notes(pairs, regions, "region", {r: [r] for r in regions})


def sort_comparison(df: pd.DataFrame, by: str, ascending: bool | None = None) -> pd.DataFrame:
    """``df`` sorted by column ``by`` (quantity or not), best first by default.

    Unknown columns raise :class:`UnknownNameError` with the closest names. Rows
    without a value go last.
    """
    import numpy as np

    if not isinstance(by, str):
        raise InputError(f"sort: expected a column name, got {by!r}"[:200])
    if by not in df.columns:
        raise UnknownNameError("column", by, [str(c) for c in df.columns])
    asc = True if ascending is None else bool(ascending)
    series = df[by]
    if hasattr(series, "pint"):
        key = np.asarray(series.pint.magnitude, dtype=float)
        order = np.argsort(np.where(np.isnan(key), np.inf if asc else -np.inf, key), kind="stable")
        if not asc:
            order = order[::-1]
            # keep NaN last when descending, too
            nan = np.isnan(key[order])
            order = np.concatenate([order[~nan], order[nan]])
        out = df.iloc[order]
    else:
        out = df.sort_values(by, ascending=asc, kind="stable", na_position="last")
    out = out.reset_index(drop=True)
    out.attrs = dict(df.attrs)
    return out


# --- exports -------------------------------------------------------------------------------


def _unit_of(series: Any) -> str:
    return units.format_unit(series.pint.units)


def _is_quantity(series: Any) -> bool:
    return hasattr(series, "pint") and str(series.dtype).startswith("pint[")


def plain(df: pd.DataFrame) -> pd.DataFrame:
    """``df`` without units: quantity columns as floats named with their unit.

    ``co2e`` -> ``co2e_kg``, ``intensity`` -> ``intensity_g_per_kwh``, ``cost`` ->
    ``cost_eur`` (in the column's currency)...
    """
    import pandas as pd

    out = {}
    for col in df.columns:
        series = df[col]
        if _is_quantity(series):
            if col in ("compute_cost", "total_cost"):  # in the compute price's currency
                out[f"{col}_{_unit_of(series).lower()}"] = series.pint.magnitude.astype(float)
                continue
            base = col.split("_")[0] if col.startswith(("price_", "cost_")) else col
            if base in ("price", "cost"):
                cur = units.currency_of(units.Q_(1, series.pint.units) / units.Q_(1, "kWh"))
                cur = cur or _unit_of(series).split("/")[0]
                name = f"price_{cur.lower()}_per_kwh" if base == "price" else f"cost_{cur.lower()}"
                out[name] = series.pint.magnitude.astype(float)
            else:
                unit = COLUMN_UNITS.get(col)
                values = series.pint.to(unit) if unit else series
                out[_PLAIN_NAMES.get(col, col)] = values.pint.magnitude.astype(float)
        else:
            out[col] = series
    result = pd.DataFrame(out)
    result.attrs = dict(df.attrs)
    return result


def to_csv(df: pd.DataFrame, path: Any = None) -> str | None:
    """CSV of :func:`plain` (canonical units in the column names, numbers exact, as in every
    CSV); to ``path`` if given.

    Text cells that a spreadsheet would run as a formula (``=``, ``+``, ``-``, ``@``...)
    get a leading apostrophe (:func:`footprint.core.escape.csv_frame`); numbers stay numbers.
    ``path`` is written atomically (:func:`footprint.core.files.atomic_writer`): a folder,
    device or FIFO there is refused, and a failed write leaves the old file.
    """

    text = csv_frame(plain(df)).to_csv(index=False, lineterminator="\n")  # numbers exact
    if path is None:
        return str(text)

    with atomic_writer(path, "csv output") as fh:
        fh.write(text)
    return None


def to_records(df: pd.DataFrame) -> list[dict[str, Any]]:
    """JSON-ready records; every quantity as ``{"value": float, "unit": str}``.

    Missing values are ``None``.
    """
    import numpy as np

    cols = {}
    for col in df.columns:
        series = df[col]
        if _is_quantity(series):
            unit = COLUMN_UNITS.get(col)
            values = series.pint.to(unit) if unit else series
            mags = np.asarray(values.pint.magnitude, dtype=float)
            label = _unit_of(values)
            cols[col] = [
                None if math.isnan(m) else {"value": float(m), "unit": label} for m in mags
            ]
        else:
            cols[col] = [None if _missing(v) else _native(v) for v in series]
    return [{col: cols[col][i] for col in df.columns} for i in range(len(df))]


def _missing(v: Any) -> bool:
    import pandas as pd

    try:
        return bool(pd.isna(v))
    except (TypeError, ValueError):
        return False


def _native(v: Any) -> Any:
    if hasattr(v, "item"):
        return v.item()
    return v


def _display_unit(series: Any) -> str:
    """The unit of the ladder in which the column's largest value is between 1 and 1000."""
    import numpy as np

    q_units = series.pint.units
    mags = np.abs(np.asarray(series.pint.magnitude, dtype=float))
    mags = mags[~np.isnan(mags)]
    chosen = ladder_unit(q_units, float(mags.max()) if mags.size else 0.0)
    return str(q_units) if chosen is None else chosen


#: Columns shown to people by default, in order.
DISPLAY_COLUMNS = (
    "rank",
    "region",
    "name",
    "year",
    "intensity",
    "cfe",
    "ewif",
    "pue",
    "wue",
    "facility_energy",
    "co2e",
    "co2e_market",
    "water_onsite",
    "water_offsite",
    "water",
    "scarcity_factor",
    "water_scarcity",
    "embodied_co2e",
    "total_co2e",
    "cost",
    "compute_cost",
    "total_cost",
    "ratio_to_best",
)


#: Short headers of the terminal table.
_SHORT = {
    "intensity": "intensity",
    "facility_energy": "energy",
    "co2e_market": "co2e mkt",
    "water_onsite": "water on",
    "water_offsite": "water off",
    "water_scarcity": "scarcity",
    "embodied_co2e": "embodied",
    "total_co2e": "total co2e",
    "total_cost": "total cost",
}

#: Columns of the terminal table (the rest are in csv, json and markdown).
COMPACT_COLUMNS = (
    "rank",
    "region",
    "name",
    "year",
    "intensity",
    "cfe",
    "ewif",
    "pue",
    "wue",
    "facility_energy",
    "co2e",
    "co2e_market",
    "water",
    "water_scarcity",
    "cost",
    "total_cost",
    "ratio_to_best",
)


#: Columns of the terminal table a narrow terminal leaves out first (short headers).
_DROP_FIRST = (
    "name",
    "year",
    "wue",
    "pue",
    "ewif",
    "cfe",
    "co2e mkt",
    "energy",
    "intensity",
    "total cost",
    "cost",
    "total co2e",
    "scarcity",
    "water",
    "co2e",
)


def drop_order(metric: str) -> list[str]:
    """Headers of :func:`display_frame` (``compact``) a narrow terminal leaves out first,
    never the one of ``metric`` (the ranking)."""
    kept = _SHORT.get(metric, metric)
    return [name for name in _DROP_FIRST if name != kept]


def display_frame(
    df: pd.DataFrame, columns: Sequence[str] | None = None, *, compact: bool = False
) -> pd.DataFrame:
    """Strings for people: each quantity column in one readable unit named in its header.

    ``compact`` (terminal tables): short two-line headers, ``cfe``/``co2e_market``
    only when some region has a carbon-free share, and ``total_co2e`` only when it
    ranks the regions (embodied CO2e, the same in every region, is in the notes' sources,
    csv, json and markdown).
    """
    if compact and columns is None:
        columns = list(COMPACT_COLUMNS)
        if "cfe" in df.columns and not (magnitudes(df, "cfe") > 0).any():
            columns = [c for c in columns if c not in ("cfe", "co2e_market")]
        if df.attrs.get("metric") == "total_co2e":
            columns.insert(columns.index("water"), "total_co2e")
    import pandas as pd

    wanted = list(columns) if columns is not None else list(DISPLAY_COLUMNS)
    cols = []
    for col in wanted:
        if col in df.columns:
            cols.append(col)
        elif col in ("cost", "price"):
            cols += [c for c in df.columns if c.startswith(f"{col}_")]
    out = {}
    for col in cols:
        series = df[col]
        if _is_quantity(series):
            unit = _display_unit(series)
            values = series.pint.to(unit).pint.magnitude.astype(float)
            label = units.format_unit(units.get_registry().Unit(unit))
            name = _SHORT.get(col, col) if compact else col
            sep = "\n" if compact else " "
            header = f"{name}{sep}[{label}]" if label else name
            if col == "cfe":
                values = values * 100
                header = f"cfe{sep}[%]"
            out[header] = ["" if math.isnan(v) else format_number(v) for v in values]
        elif col == "ratio_to_best":
            out["x best"] = ["" if _missing(v) else f"{float(v):.2f}" for v in series]
        else:
            out[col] = ["" if _missing(v) else str(v) for v in series]
    return pd.DataFrame(out)


def to_markdown(df: pd.DataFrame, columns: Sequence[str] | None = None) -> str:
    """A Markdown table of :func:`display_frame` (units in the headers).

    Cells are escaped (:func:`footprint.core.escape.markdown_cell`): a region or workload name
    holding ``|``, ``<script>`` or ``[link](...)`` reads as typed and renders as no markup.
    """

    shown = display_frame(df, columns)
    numeric = [
        c not in ("region", "name", "kind", "zone", "country", "intensity_dataset")
        for c in shown.columns
    ]
    return markdown_table(shown.columns, shown.values, numeric=numeric, own_headers=True)
