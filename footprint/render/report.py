"""Rendering results for people and scripts: table, JSON, CSV and Markdown.

JSON and CSV carry canonical units (kWh, kgCO2e, L) so scripts can rely on
them; the table and Markdown scale each quantity to a readable unit. With
uncertainty, results show their low-high range (JSON: ``low``/``high`` beside
``value``) and a sensitivity table ranks the inputs; factors with a range show
it in every format.
"""

from __future__ import annotations

import csv
import io
import json
import math
import re
from numbers import Real
from typing import TYPE_CHECKING, Any

from footprint.core import units
from footprint.core.errors import InputError
from footprint.core.escape import csv_cell, csv_frame, markdown_cell, markdown_text, rich_text
from footprint.core.files import publish_file, temp_file_beside
from footprint.render.ladders import ladder_unit

if TYPE_CHECKING:  # pragma: no cover
    from footprint.analyses.estimate import Footprint

__all__ = [
    "FORMATS",
    "render",
    "render_frame",
    "readable",
    "format_number",
    "to_json",
    "check_finite",
    "temp_file_beside",
    "publish_file",
]

FORMATS = ("table", "json", "csv", "markdown")


class NonFiniteError(InputError):
    """A result to print is NaN or infinite (an input too large or too small)."""


def _non_finite(data: Any, path: str = "") -> tuple[str, Any] | None:
    """The first (key path, value) of ``data`` that is a NaN or infinite number, if any."""
    if data is None or isinstance(data, (bool, int, str)):
        return None
    if isinstance(data, Real):
        return None if math.isfinite(float(data)) else (path or "value", data)
    if hasattr(data, "magnitude") and hasattr(data, "units"):  # a pint Quantity
        return _non_finite(data.magnitude, path)
    if isinstance(data, dict):
        for key, value in data.items():
            hit = _non_finite(value, f"{path}.{key}" if path else str(key))
            if hit:
                return hit
        return None
    if isinstance(data, (list, tuple)):
        for i, value in enumerate(data):
            hit = _non_finite(value, f"{path}[{i}]")
            if hit:
                return hit
        return None
    try:  # numpy arrays and other iterables of numbers
        import numpy as np

        values = np.asarray(data, dtype=float)
    except (TypeError, ValueError):
        return None
    if values.size and not np.isfinite(values).all():
        index = int(np.flatnonzero(~np.isfinite(values.ravel()))[0])
        return f"{path}[{index}]", values.ravel()[index]
    return None


def _non_finite_error(where: str, value: Any) -> NonFiniteError:
    return NonFiniteError(
        f"{where}: the result is {value} (not a finite number); footprint prints no NaN or "
        "infinity - check the inputs for values too large or too small"
    )


def check_finite(data: Any, what: str = "") -> None:
    """Raise :class:`NonFiniteError`, naming the key path, if ``data`` holds NaN or infinity.

    ``data`` is a JSON-like structure (dicts, lists, numbers, strings); ``what`` prefixes
    the key path in the message.
    """
    hit = _non_finite(data)
    if hit is not None:
        where, value = hit
        raise _non_finite_error(f"{what}.{where}" if what else where, value)


def to_json(data: Any) -> str:
    """``data`` as indented JSON (UTF-8 text, no ``\\u`` escapes), strictly: NaN or
    infinity anywhere raises :class:`NonFiniteError` naming the field (JSON has neither;
    strict parsers reject Python's ``NaN``)."""
    check_finite(data)
    try:
        return json.dumps(data, indent=2, ensure_ascii=False, allow_nan=False)
    except ValueError as exc:  # a non-finite number the walk did not recognise
        raise NonFiniteError(f"JSON output: {exc}") from None


_LABELS = {
    "accelerator_hours": "Accelerator-hours",
    "it_energy": "IT energy",
    "facility_energy": "Facility energy",
    "co2e": "CO2e, location-based",
    "co2e_market": "CO2e, market-based",
    "cost": "Electricity cost",
    "water": "Water (total)",
    "water_onsite": "  on-site (WUE)",
    "water_offsite": "  off-site (EWIF)",
    "embodied_co2e": "CO2e, embodied (manufacturing)",
    "total_co2e": "CO2e, total (operational + embodied)",
}

#: Metrics of the sensitivity ranking, with their labels.
_SENSITIVITY_LABELS = {"co2e": "CO2e", "energy": "facility energy", "water": "water"}


def result_label(key: str) -> str:
    """Readable label of a result key (``co2e_per_request`` -> ``CO2e per request``)."""
    if key in _LABELS:
        return _LABELS[key]
    words = key.replace("_", " ")
    for raw, nice in (
        ("total co2e", "total CO2e"),
        ("co2e", "CO2e"),
        ("mfu", "MFU"),
        ("flops", "FLOPs"),
    ):
        words = words.replace(raw, nice)
    return words[:1].upper() + words[1:]


def format_number(x: float) -> str:
    """A number with 4 significant digits and thousands separators."""
    if not math.isfinite(x):
        raise _non_finite_error("value", x)
    if x == 0:
        return f"{x:g}"
    digits = max(0, 3 - int(math.floor(math.log10(abs(x)))))
    return f"{x:,.{digits}f}"


def _readable_unit(q: Any) -> Any:
    """The unit of ``q``'s ladder that gives a magnitude between 1 and 1000."""
    chosen = ladder_unit(q.units, float(q.magnitude))
    return q.units if chosen is None else chosen


def _unit_label(text: str) -> str:
    """A unit label for people: pint's ``a`` (annum) written ``year``."""
    return re.sub(r"(?<![A-Za-z])a(?![A-Za-z])", "year", text)


def readable(q: Any) -> str:
    """``q`` in the unit of its ladder that gives a magnitude between 1 and 1000."""
    chosen = q.to(_readable_unit(q))
    label = _unit_label(units.format_unit(chosen.units))
    return f"{format_number(float(chosen.magnitude))} {label}".strip()


def readable_range(q: Any, low: Any, high: Any) -> str:
    """``low - high`` in the readable unit of ``q`` (so the range reads beside the value)."""
    unit = _readable_unit(q)
    lo, hi = (float(x.to(unit).magnitude) for x in (low, high))
    label = _unit_label(units.format_unit(q.to(unit).units))
    return f"{format_number(lo)} – {format_number(hi)} {label}".strip()


def _factor_value(d: dict[str, Any]) -> str:
    text = f"{format_number(d['value'])} {_unit_label(d['unit'])}".strip()
    if "distribution" in d:  # a factor with a range (Spread)
        text += f" [{format_number(d['low'])} – {format_number(d['high'])}]"
    return text


def _interval_label(fp: Footprint) -> str:
    info = fp.uncertainty or {}
    lo, hi = info.get("percentiles", [5, 95])
    return f"Range (P{lo:g}–P{hi:g})"


def _sensitivity_rows(fp: Footprint, metric: str = "co2e") -> list[list[str]]:
    """Rows of the sensitivity table: factor, range of the input, variance share, swing."""
    rows = []
    for row in (fp.uncertainty or {}).get("sensitivity", {}).get(metric, []):
        unit = _unit_label(row["input_unit"])
        span = (
            f"{format_number(row['input_low'])} – {format_number(row['input_high'])} {unit}"
        ).strip()
        swing = f"{format_number(row['swing'])} {row['unit']}".strip()
        rows.append([row["factor"], span, f"{row['variance_share']:.0%}", swing])
    return rows


def _metric_label(fp: Footprint) -> str:
    return "total CO2e" if "total_co2e" in fp.results else "CO2e"


def render(fp: Footprint, fmt: str = "table", *, breakdown: bool = False) -> str:
    """``fp`` as text in format ``fmt`` (one of :data:`FORMATS`).

    ``breakdown`` adds the split of total CO2e into accelerators, host, facility overhead
    and embodied (:meth:`footprint.analyses.estimate.Footprint.breakdown`, as in BLOOM's footprint):
    a ``breakdown`` object in JSON, ``breakdown`` rows in CSV, a table otherwise.
    """
    if fmt not in FORMATS:
        raise ValueError(f"format: expected one of {FORMATS}, got {fmt!r}")
    data = fp.to_dict()
    check_finite(data)  # every format: a NaN or infinite result is an error, not printed
    if fmt == "json":
        if breakdown:
            data["breakdown"] = {
                part: {"value": float(q.m_as("kgCO2e")), "unit": "kgCO2e", "share": share}
                for part, q, share in _breakdown_parts(fp)
            }
        return to_json(data)
    if fmt == "csv":
        return _csv(fp, breakdown)
    if fmt == "markdown":
        return _markdown(fp, breakdown)
    if fmt == "table":
        return _table(fp, breakdown)
    raise ValueError(f"format: expected one of {FORMATS}, got {fmt!r}")


_BREAKDOWN_LABELS = {
    "accelerators": "accelerators (dynamic draw)",
    "host": "host share (CPUs, memory, idle nodes)",
    "facility": "facility overhead (PUE - 1)",
    "embodied": "embodied (manufacturing)",
}


def _breakdown_parts(fp: Footprint) -> list[tuple[str, Any, float]]:
    """(part, CO2e, share of the total) for :meth:`Footprint.breakdown`."""
    parts = fp.breakdown()
    total = sum(float(q.m_as("kgCO2e")) for q in parts.values())
    return [
        (name, q, float(q.m_as("kgCO2e")) / total if total else 0.0) for name, q in parts.items()
    ]


def _breakdown_rows(fp: Footprint) -> list[list[str]]:
    return [
        [_BREAKDOWN_LABELS[name], readable(q), f"{share:.1%}"]
        for name, q, share in _breakdown_parts(fp)
    ]


class _SafeDictWriter(csv.DictWriter):  # type: ignore[type-arg]
    """A DictWriter whose text cells cannot run as spreadsheet formulas."""

    def writerow(self, rowdict: Any) -> Any:
        return super().writerow({k: csv_cell(v) for k, v in rowdict.items()})


def _csv(fp: Footprint, breakdown: bool = False) -> str:
    data = fp.to_dict()
    buf = io.StringIO()
    cols = [
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
    writer = _SafeDictWriter(buf, fieldnames=cols, lineterminator="\n", extrasaction="ignore")
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
    for metric, rows in sensitivity.items():
        for row in rows:
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
        for part, q, share in _breakdown_parts(fp):
            writer.writerow(
                {
                    "section": "breakdown",
                    "name": part,
                    "value": float(q.m_as("kgCO2e")),
                    "unit": "kgCO2e",
                    "note": f"{share:.4f} of the total",
                }
            )
    return buf.getvalue()


def short_source(source: str) -> str:
    """A citation without its URLs, for tables read by people (JSON keeps them)."""
    import re

    text = re.sub(r"\s*<[^>]*>", "", source)
    return re.sub(r"https?://\S+", "", text).strip(" ;")


#: Longest citation in the terminal table (JSON, CSV and Markdown keep the whole text).
TABLE_SOURCE_CHARS = 160


def brief_source(source: str, limit: int = TABLE_SOURCE_CHARS) -> str:
    """A citation cut to ``limit`` characters at a clause boundary, for terminal tables."""
    text = short_source(source)
    if len(text) <= limit:
        return text
    for sep in ("; ", ". ", ", ", " "):  # the coarsest boundary in the second half
        cut = text.rfind(sep, 0, limit)
        if cut > limit // 2:
            return text[:cut].rstrip(" ,;.") + " …"
    return text[:limit] + " …"


def _factor_rows(fp: Footprint, brief: bool = False) -> list[list[str]]:
    rows = []
    for name, f in fp.factors.items():
        d = f.to_dict()
        where = " ".join(str(x) for x in (f.zone, f.year) if x is not None)
        source = brief_source(f.source) if brief else short_source(f.source)
        rows.append([name, _factor_value(d), f.origin, where, source])
    return rows


def _md_row(cells: list[Any], *, labels: int = 0) -> str:
    """A Markdown table row: the first ``labels`` cells are footprint's own labels, the
    others (values, names, sources, user text) are escaped."""
    shown = [str(c) if i < labels else markdown_cell(c) for i, c in enumerate(cells)]
    return "| " + " | ".join(shown) + " |"


def _markdown(fp: Footprint, breakdown: bool = False) -> str:
    if fp.ranges:
        lines = [f"| Quantity | Value | {_interval_label(fp)} |", "|---|---|---|"]
    else:
        lines = ["| Quantity | Value |", "|---|---|"]
    for key, q in fp.results.items():
        cells = [result_label(key).strip(), readable(q)]
        if fp.ranges:
            cells.append(readable_range(q, *fp.ranges[key]) if key in fp.ranges else "")
        lines.append(_md_row(cells, labels=1))  # result labels are footprint's own
    if breakdown:
        label = _metric_label(fp)
        lines += ["", f"| {label[0].upper()}{label[1:]} by part | Value | Share |", "|---|---|---|"]
        lines += [_md_row(row, labels=1) for row in _breakdown_rows(fp)]
    lines += ["", "| Factor | Value | Origin | Zone, year | Source |", "|---|---|---|---|---|"]
    for row in _factor_rows(fp):
        lines.append(_md_row(row))
    if fp.uncertainty is not None:
        lines += [
            "",
            f"Sensitivity of {_metric_label(fp)} (inputs ranked by share of variance):",
            "",
            "| Input | Range | Share of variance | Swing (low to high) |",
            "|---|---|---|---|",
        ]
        for row in _sensitivity_rows(fp):
            lines.append(_md_row(row))
        lines += ["", f"Ranges: {markdown_text(fp.uncertainty['note'])}."]
    if fp.notes:
        lines += ["", "Notes:", *[f"- {markdown_text(n)}" for n in fp.notes]]
    return "\n".join(lines) + "\n"


def _rich_row(cells: list[Any]) -> list[str]:
    """Cells for a rich table: text shown as typed (``[bold]`` is not markup)."""
    return [rich_text(c) for c in cells]


def _table(fp: Footprint, breakdown: bool = False) -> str:
    from rich.console import Console
    from rich.table import Table

    buf = io.StringIO()
    console = Console(file=buf, width=120, force_terminal=False, color_system=None)
    results = Table(title="Footprint", title_justify="left")
    results.add_column("Quantity")
    results.add_column("Value", justify="right")
    if fp.ranges:
        results.add_column(_interval_label(fp), justify="right")
    for key, q in fp.results.items():
        cells = [result_label(key), readable(q)]
        if fp.ranges:
            cells.append(readable_range(q, *fp.ranges[key]) if key in fp.ranges else "")
        results.add_row(*_rich_row(cells))
    console.print(results)
    if breakdown:
        label = _metric_label(fp)
        parts = Table(title=f"{label[0].upper()}{label[1:]} by part", title_justify="left")
        parts.add_column("Part")
        parts.add_column("Value", justify="right")
        parts.add_column("Share", justify="right")
        for row in _breakdown_rows(fp):
            parts.add_row(*_rich_row(row))
        console.print(parts)
    factors = Table(title="Factors", title_justify="left")
    for col in ("Factor", "Value", "Origin", "Zone, year", "Source"):
        factors.add_column(col, overflow="fold")
    shortened = False
    for row, full in zip(_factor_rows(fp, brief=True), _factor_rows(fp), strict=True):
        factors.add_row(*_rich_row(row))
        shortened = shortened or row[-1] != full[-1]
    console.print(factors)
    if shortened:
        console.print(
            "sources cut at … : the whole citations are in --format json, csv or markdown",
            highlight=False,
            soft_wrap=True,
        )
    if fp.uncertainty is not None:
        sens = Table(
            title=f"Sensitivity of {_metric_label(fp)} (inputs ranked by share of variance)",
            title_justify="left",
        )
        for col in ("Input", "Range", "Share of variance", "Swing (low to high)"):
            sens.add_column(col, justify="left" if col in ("Input", "Range") else "right")
        for row in _sensitivity_rows(fp):
            sens.add_row(*_rich_row(row))
        console.print(sens)
        console.print(
            f"ranges: {rich_text(fp.uncertainty['note'])}", highlight=False, soft_wrap=True
        )
    for note in fp.notes:
        console.print(f"note: {rich_text(note)}", highlight=False, soft_wrap=True)
    return buf.getvalue()


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


def _check_frame_finite(df: Any) -> None:
    """Raise :class:`NonFiniteError` naming the column if a cell of ``df`` is infinite.

    NaN is a missing value in a listing (no WUE for a region...): shown empty, JSON null.
    """
    import numpy as np

    for col in df.columns:
        values = df[col]
        if values.dtype.kind in "fc":
            bad = np.isinf(np.asarray(values, dtype=complex if values.dtype.kind == "c" else float))
        elif values.dtype == object:
            bad = np.array(
                [isinstance(v, Real) and not isinstance(v, bool) and math.isinf(v) for v in values],
                dtype=bool,
            )
        else:
            continue
        if bad.any():
            row = int(np.flatnonzero(bad)[0])
            raise _non_finite_error(f"{col} (row {row + 1})", values.iloc[row])


def csv_safe_frame(df: Any) -> Any:
    """A copy of ``df`` whose text cells and column names cannot run as spreadsheet
    formulas (:func:`footprint.core.escape.csv_frame`); numeric columns are untouched."""

    return csv_frame(df, headers=True)


def _rich_cell(text: Any) -> str:
    """A terminal-table cell that renders as plain text, never as rich markup.

    Text that rich would read as markup (``[bold]``, ``[link=...]``, a stray ``[/]``) is
    escaped; text that renders plainly already (including text a caller escaped itself,
    ``\\[kWh]``) is kept, so escaping twice cannot show backslashes.
    """
    from rich.errors import MarkupError
    from rich.text import Text

    s = str(text)
    if "[" not in s:
        return s
    try:
        if not Text.from_markup(s).spans:
            return s
    except MarkupError:
        pass
    return rich_text(s)


def render_frame(df: Any, fmt: str = "table", title: str = "") -> str:
    """A listing (DataFrame) as text in ``fmt``; JSON is a list of records.

    Text is shown as given in every format: escaped in Markdown, neutralised against
    spreadsheet formulas in CSV, never read as rich markup in the terminal table (title
    and column names included). A missing value (NaN) is empty (JSON null); an
    infinite one is an error.
    """
    if fmt not in FORMATS:
        raise ValueError(f"format: expected one of {FORMATS}, got {fmt!r}")
    df = _integer_columns(df)
    _check_frame_finite(df)
    if fmt == "json":
        return to_json(json.loads(df.to_json(orient="records")))
    if fmt == "csv":
        return str(csv_safe_frame(df).to_csv(index=False, lineterminator="\n"))
    shown = df.astype(object).where(df.notna(), "").astype(str)
    if fmt == "markdown":
        head = "| " + " | ".join(markdown_cell(str(c)) for c in shown.columns) + " |"
        rule = "|" + "---|" * len(shown.columns)
        body = ["| " + " | ".join(markdown_cell(v) for v in row) + " |" for row in shown.values]
        return "\n".join([head, rule, *body]) + "\n"
    from rich.console import Console
    from rich.table import Table

    cell = _rich_cell
    buf = io.StringIO()
    console = Console(file=buf, width=160, force_terminal=False, color_system=None)
    table = Table(title=cell(title) if title else None, title_justify="left")
    for col in shown.columns:
        table.add_column(cell(col), overflow="fold")
    for row in shown.values:
        table.add_row(*(cell(v) for v in row))
    console.print(table)
    return buf.getvalue()
