"""The one dispatch of every command's output: a result or a listing in a format.

:data:`FORMATS` are ``table`` (:mod:`footprint.render.table`), ``json``
(:mod:`footprint.render.json_out`), ``csv`` (:mod:`footprint.render.csv_out`) and
``markdown`` (:mod:`footprint.render.markdown`); :func:`render` writes a result and
:func:`render_frame` a listing in one of them, after refusing NaN and infinity
(:mod:`footprint.render.finite`).

JSON and CSV carry canonical units (kWh, kgCO2e, L) so scripts can rely on
them; the table and Markdown scale each quantity to a readable unit
(:mod:`footprint.render.labels`, :mod:`footprint.render.ladders`). With
uncertainty, results show their low-high range (JSON: ``low``/``high`` beside
``value``) and a sensitivity table ranks the inputs; factors with a range show
it in every format.

The names commands use from those modules are importable from here too.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from footprint.core.errors import InputError
from footprint.core.files import publish_file, temp_file_beside
from footprint.render.csv_out import csv_safe_frame, frame_csv, result_csv
from footprint.render.disclosures import (
    DISCLOSURE_FORMATS,
    boamps,
    eu_ai_act,
    hf_model_card,
    sci_report,
)
from footprint.render.finite import NonFiniteError, check_finite, check_frame_finite
from footprint.render.json_out import frame_json, result_json, to_json
from footprint.render.labels import (
    TABLE_SOURCE_CHARS,
    brief_source,
    format_keyed,
    format_number,
    format_percent,
    readable,
    readable_range,
    readable_value,
    result_label,
    short_source,
)
from footprint.render.markdown import frame_markdown, result_markdown
from footprint.render.rows import marginal_basis
from footprint.render.table import fit_text, frame_table, result_table

if TYPE_CHECKING:  # pragma: no cover
    from footprint.analyses.estimate import Footprint

__all__ = [
    "FORMATS",
    "RESULT_FORMATS",
    "DISCLOSURE_FORMATS",
    "render",
    "render_frame",
    "fit_text",
    "readable",
    "readable_range",
    "readable_value",
    "format_keyed",
    "format_number",
    "format_percent",
    "result_label",
    "short_source",
    "brief_source",
    "TABLE_SOURCE_CHARS",
    "to_json",
    "check_finite",
    "NonFiniteError",
    "csv_safe_frame",
    "temp_file_beside",
    "publish_file",
]

FORMATS = ("table", "json", "csv", "markdown")
#: Formats of one result (estimate, train, infer): the four above and the disclosures.
RESULT_FORMATS = FORMATS + DISCLOSURE_FORMATS

#: Format -> writer of a result (``fp``, ``breakdown``).
_RESULT_WRITERS: dict[str, Callable[[Footprint, bool], str]] = {
    "table": result_table,
    "json": result_json,
    "csv": result_csv,
    "markdown": result_markdown,
    "hf-model-card": hf_model_card,
    "eu-ai-act": eu_ai_act,
    "boamps": boamps,
    "sci": sci_report,
}

#: Format -> writer of a listing, but for the terminal table (the one with a title).
_FRAME_WRITERS: dict[str, Callable[[Any], str]] = {
    "json": frame_json,
    "csv": frame_csv,
    "markdown": frame_markdown,
}


def _check_format(fmt: str) -> None:
    if fmt not in FORMATS:
        raise ValueError(f"format: expected one of {FORMATS}, got {fmt!r}")


def render(fp: Footprint, fmt: str = "table", *, breakdown: bool = False) -> str:
    """``fp`` as text in format ``fmt`` (one of :data:`FORMATS`).

    ``breakdown`` adds the split of total CO2e into accelerators, host, facility overhead
    and embodied (:meth:`footprint.analyses.estimate.Footprint.breakdown`, as in BLOOM's footprint):
    a ``breakdown`` object in JSON, ``breakdown`` rows in CSV, a table otherwise.
    """
    if fmt not in RESULT_FORMATS:
        raise ValueError(f"format: expected one of {RESULT_FORMATS}, got {fmt!r}")
    check_finite(fp.to_dict())  # every format: a NaN or infinite result is an error, not printed
    if fmt in DISCLOSURE_FORMATS and marginal_basis(fp):  # they report location-based CO2e
        raise InputError(
            f"format {fmt}: a disclosure reports the average (inventory) intensity, not a "
            "marginal factor; run without --marginal"
        )
    return _RESULT_WRITERS[fmt](fp, breakdown)


def _integer_columns(df: Any) -> Any:
    """Float columns holding only whole numbers (years with gaps) as nullable integers."""
    df = df.copy()
    for col in df.columns:
        values = df[col]
        if values.dtype.kind == "f" and values.notna().any():
            finite = values.dropna()
            if (finite == finite.round()).all() and col in ("year", "ewif_year", "release_year"):
                df[col] = values.astype("Int64")
    return df


def render_frame(df: Any, fmt: str = "table", title: str = "", drop: Sequence[str] = ()) -> str:
    """A listing (DataFrame) as text in ``fmt``; JSON is a list of records.

    The terminal table fits the terminal: too narrow, it leaves out the columns named in
    ``drop`` first, then the rightmost (:func:`footprint.render.table.frame_table`).

    Text is shown as given in every format: escaped in Markdown, neutralised against
    spreadsheet formulas in CSV, never read as rich markup in the terminal table (title
    and column names included). A missing value (NaN) is empty (JSON null); an
    infinite one is an error.
    """
    _check_format(fmt)
    df = _integer_columns(df)
    check_frame_finite(df)
    return frame_table(df, title, drop) if fmt == "table" else _FRAME_WRITERS[fmt](df)
