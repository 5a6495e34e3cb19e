"""CSV output: canonical units, one row a value, text cells that cannot run as
spreadsheet formulas (:mod:`footprint.core.escape`)."""

from __future__ import annotations

import csv
import io
from typing import TYPE_CHECKING, Any

from footprint.core.escape import csv_cell, csv_frame
from footprint.render import rows
from footprint.render.labels import format_percent

if TYPE_CHECKING:  # pragma: no cover
    from footprint.analyses.estimate import Footprint

__all__ = ["csv_safe_frame", "frame_csv", "result_csv"]

#: Columns of a result's CSV.
_COLUMNS = [
    "section",
    "name",
    "value",
    "low",
    "high",
    "unit",
    "origin",
    "zone",
    "year",
    "dataset",
    "source",
    "note",
]


class _SafeDictWriter(csv.DictWriter):  # type: ignore[type-arg]
    """A DictWriter whose text cells cannot run as spreadsheet formulas."""

    def writerow(self, rowdict: Any) -> Any:
        return super().writerow({k: csv_cell(v) for k, v in rowdict.items()})


def result_csv(fp: Footprint, breakdown: bool = False) -> str:
    """``fp`` as CSV rows by section: result, factor, input, note, ``sensitivity:<metric>``
    and, with ``breakdown``, breakdown (kgCO2e)."""
    data = fp.to_dict()
    buf = io.StringIO()
    writer = _SafeDictWriter(buf, fieldnames=_COLUMNS, lineterminator="\n", extrasaction="ignore")
    writer.writeheader()
    for name, r in data["results"].items():
        writer.writerow({"section": "result", "name": name, **r})
    for name, f in data["factors"].items():
        writer.writerow({"section": "factor", "name": name, **f})
    for key, value in data["inputs"].items():
        writer.writerow({"section": "input", "name": key, "value": value})
    for note in data["notes"]:
        writer.writerow({"section": "note", "note": note})
    sensitivity = data.get("uncertainty", {}).get("sensitivity", {})
    for metric, ranked in sensitivity.items():
        for row in ranked:
            writer.writerow(
                {
                    "section": f"sensitivity:{metric}",
                    "name": row["factor"],
                    "value": row["variance_share"],
                    "low": row["input_low"],
                    "high": row["input_high"],
                    "unit": row["input_unit"],
                    "note": f"swing {row['swing']:.6g} {row['unit']} (input low to high)",
                }
            )
    if "uncertainty" in data:
        writer.writerow({"section": "note", "note": data["uncertainty"]["note"]})
    if breakdown:
        for part, q, share in rows.breakdown_parts(fp):
            writer.writerow(
                {
                    "section": "breakdown",
                    "name": part,
                    "value": float(q.m_as("kgCO2e")),
                    "unit": "kgCO2e",
                    "note": f"{format_percent(share)} of the total",
                }
            )
    return buf.getvalue()


def csv_safe_frame(df: Any) -> Any:
    """A copy of ``df`` whose text cells and column names cannot run as spreadsheet
    formulas (:func:`footprint.core.escape.csv_frame`); numeric columns are untouched."""

    return csv_frame(df, headers=True)


def frame_csv(df: Any) -> str:
    """A listing as CSV, formula-safe (:func:`csv_safe_frame`), a missing value empty."""
    return str(csv_safe_frame(df).to_csv(index=False, lineterminator="\n"))
