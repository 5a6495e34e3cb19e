"""Charts with matplotlib (imported only when a chart is drawn; no global pyplot state).

Figures are built with :class:`matplotlib.figure.Figure` and the Agg / SVG canvases
directly, so drawing never switches the process-wide backend and works headless.
Every chart is readable on its own: a title naming the workload, axes with units and a
source note under the plot.

- :func:`ranked_bar_chart` - a comparison (:func:`footprint.analyses.compare.compare`) ranked by a
  metric, best at the top.
- :func:`trend_chart` - intensity and EWIF of a region over the years
  (:func:`footprint.analyses.trends.trend`).
- :func:`projection_chart` - a projected footprint per year
  (:func:`footprint.analyses.trends.project`).
- :func:`save` writes PNG or SVG by the file's suffix; :func:`svg_text` returns an SVG
  string for inlining in HTML (deterministic: fixed ids, no date).
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import TYPE_CHECKING, Any

from footprint.core import units
from footprint.core.errors import InputError, UnknownNameError
from footprint.core.extras import require
from footprint.core.files import atomic_writer, output_target
from footprint.render.compare_table import METRICS, sort_comparison
from footprint.render.labels import brief_source
from footprint.render.ladders import ladder_unit

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd
    from matplotlib.figure import Figure

__all__ = [
    "ranked_bar_chart",
    "trend_chart",
    "projection_chart",
    "breakdown_chart",
    "save",
    "svg_text",
    "FORMATS",
]

#: File formats :func:`save` writes.
FORMATS = ("png", "svg")

_BAR = "#2b6f8f"
_BEST = "#3a9d5d"
_TEXT = "#222222"


def _text(value: Any) -> str:
    """User text for a chart, drawn as typed: ``$`` does not start mathtext (a name such
    as ``$\\frac{$`` would make matplotlib fail), control characters are dropped."""
    import re

    text = re.sub(r"[\x00-\x08\x0b-\x1f\x7f]", "", str(value))
    return text.replace("$", r"\$")


#: Margin [inch] between the figure's edge and anything drawn (no label touches the edge).
_PAD_INCH = 0.12


def _matplotlib_figure() -> Any:
    """``matplotlib.figure`` (only the figure and its canvases: no pyplot, no global
    backend); without the ``plots`` extra, a :class:`~footprint.core.extras.MissingExtraError`."""
    return require("matplotlib.figure", "plots", "charts")


def _figure(width: float, height: float) -> Figure:
    Figure = _matplotlib_figure().Figure

    fig = Figure(figsize=(width, height), dpi=100, layout="constrained")
    fig.get_layout_engine().set(w_pad=_PAD_INCH, h_pad=_PAD_INCH)  # type: ignore[union-attr]
    return fig


#: Font size of a chart's source footer [pt], and the width of its widest character
#: relative to the font size (DejaVu Sans, matplotlib's default: ~0.62 em on average text).
_FOOTER_PT = 7
_EM_PER_CHAR = 0.62


def _source_note(fig: Figure, text: str) -> None:
    """The sources under the chart, wrapped on word boundaries to the figure's width."""
    import textwrap

    chars = int(fig.get_figwidth() * 72 * 0.96 / (_FOOTER_PT * _EM_PER_CHAR))
    lines = textwrap.wrap(_text(text), chars, break_long_words=False, break_on_hyphens=False)
    fig.supxlabel("\n".join(lines), fontsize=_FOOTER_PT, color="#555555", ha="left", x=0.01)


def _tidy_axis(ax: Any) -> None:
    """Few, thousands-separated ticks on the value axis; no top/right frame."""
    from matplotlib.ticker import FuncFormatter, MaxNLocator

    ax.xaxis.set_major_locator(MaxNLocator(5))
    ax.xaxis.set_major_formatter(FuncFormatter(lambda x, _: f"{x:,.10g}"))
    ax.tick_params(axis="x", labelsize=8)
    ax.spines[["top", "right"]].set_visible(False)


def _display_unit(values: Any, unit: str) -> str:
    """The unit of the axis: the ladder rung its largest finite value reaches."""
    import numpy as np

    finite = np.asarray(values, dtype=float)
    finite = finite[np.isfinite(finite)]
    chosen = ladder_unit(unit, float(np.abs(finite).max()) if finite.size else 0.0)
    return unit if chosen is None else chosen


def _sources_text(df: pd.DataFrame, keys: tuple[str, ...]) -> str:

    """Every dataset behind ``keys`` (all of them, when rows use several), each citation
    cut on a word boundary."""
    sources = df.attrs.get("sources", {})
    parts = []
    for key in keys:
        given = sources.get(key, [])
        by_dataset: dict[str, str] = {}  # "[dataset] citation": one citation per dataset
        for text in given if isinstance(given, list) else [given]:
            dataset, _, citation = str(text).partition("] ") if str(text).startswith("[") else (
                "", "", str(text)
            )
            by_dataset.setdefault(dataset.lstrip("["), citation)
        cited = [
            f"{dataset} ({brief_source(c, 60)})" if dataset else brief_source(c, 90)
            for dataset, c in by_dataset.items()
            if dataset or c
        ]
        if cited:
            parts.append(f"{key}: {', '.join(cited)}")
    return "Sources: " + "; ".join(parts) if parts else ""


def ranked_bar_chart(
    df: pd.DataFrame,
    metric: str | None = None,
    *,
    title: str | None = None,
    max_bars: int = 40,
    source_note: str | None = None,
) -> Figure:
    """Horizontal bars of ``metric`` per region, lowest (best) at the top.

    Parameters
    ----------
    df : pandas.DataFrame
        A comparison from :func:`footprint.analyses.compare.compare`.
    metric : str, optional
        Column to draw (default: the comparison's ranking metric).
    title : str, optional
        Default: ``"<metric> of <workload>, by region"``.
    max_bars : int
        At most this many regions (the best ones) are drawn; the title says so.
    source_note : str, optional
        Text under the chart (default: the sources of intensity, EWIF, PUE, WUE).
    """
    import numpy as np

    metric = metric or df.attrs.get("metric", "co2e")
    if metric not in df.columns:
        raise UnknownNameError("column", metric, [str(c) for c in df.columns])
    if df.empty:
        raise InputError("plot: the comparison has no rows")
    ordered = sort_comparison(df, metric, ascending=True)
    known = np.isfinite(np.asarray(ordered[metric].pint.magnitude, dtype=float))
    unknown = int((~known).sum())  # no value (e.g. no price for cost): no bar, not a zero
    ordered = ordered.loc[known]
    if ordered.empty:
        raise InputError(f"plot: no region has a value of {metric}")
    shown = ordered.head(max_bars)
    series = shown[metric]
    unit = str(series.pint.units)
    disp = _display_unit(series.pint.magnitude, unit)
    values = np.asarray(series.pint.to(disp).pint.magnitude, dtype=float)
    labels = [
        _text(f"{r} ({n})" if n and n != r else str(r))
        for r, n in zip(shown["region"], shown["name"], strict=True)
    ]
    height = max(2.6, 0.28 * len(shown) + 1.6)
    fig = _figure(8.5, height)
    ax = fig.add_subplot()
    y = np.arange(len(shown))
    colors = [_BEST if i == 0 else _BAR for i in range(len(shown))]
    ax.barh(y, np.nan_to_num(values), color=colors)
    ax.set_yticks(y, labels, fontsize=8)
    ax.invert_yaxis()
    label = METRICS.get(metric, metric)
    unit_label = units.format_unit(units.get_registry().Unit(disp))
    ax.set_xlabel(f"{label} [{unit_label}]" if unit_label else label)
    finite = values[np.isfinite(values)]
    top = float(finite.max()) if finite.size else 1.0
    for yi, v in zip(y, values, strict=True):
        if np.isfinite(v):
            text = f"{v:,.0f}" if abs(v) >= 100 else f"{v:.3g}"
            ax.text(float(v + top * 0.01), float(yi), text, va="center", fontsize=7, color=_TEXT)
    ax.set_xlim(0, top * 1.12 if top > 0 else 1)
    _tidy_axis(ax)
    workload = df.attrs.get("workload", "the workload")
    more = f" (best {len(shown)} of {len(ordered)})" if len(ordered) > len(shown) else ""
    if unknown:
        more += f"; {unknown} region{'s' if unknown > 1 else ''} without a value left out"
    year = df.attrs.get("year")
    when = f", {year} data" if year else ""
    ax.set_title(
        _text(title or f"{label}: {workload}, by region{more}{when}"), fontsize=10, loc="left"
    )
    note = (
        source_note
        if source_note is not None
        else _sources_text(df, ("intensity", "ewif", "pue", "wue"))
    )
    if note:
        _source_note(fig, note + " | footprint")
    return fig


def trend_chart(df: pd.DataFrame, *, title: str | None = None) -> Figure:
    """Intensity (left axis) and EWIF (right axis) of a region by year."""
    import numpy as np

    if df.empty:
        raise InputError("plot: the trend has no rows")
    fig = _figure(8.0, 3.8)
    ax = fig.add_subplot()
    years = np.asarray(df["year"], dtype=float)
    intensity = np.asarray(df["intensity"].pint.magnitude, dtype=float)
    ewif = np.asarray(df["ewif"].pint.magnitude, dtype=float)
    # markers at the ends and at zero are drawn whole, not cut by the axes
    ax.plot(years, intensity, marker="o", color=_BAR, label="carbon intensity", clip_on=False)
    ax.set_ylabel("Carbon intensity [gCO2e/kWh]", color=_BAR)
    ax.set_xlabel("Year")
    ax2 = ax.twinx()
    ax2.plot(years, ewif, marker="s", color="#c07a2c", label="EWIF", clip_on=False)
    ax.margins(x=0.03)
    ax2.set_ylabel("Water intensity, EWIF [L/kWh]", color="#c07a2c")
    ax.set_ylim(bottom=0)
    ax2.set_ylim(bottom=0)
    region = df.attrs.get("name") or df.attrs.get("region", "")
    ax.set_title(
        _text(title or f"Electricity of {region}: carbon and water intensity"),
        loc="left",
        fontsize=10,
    )
    note = _sources_text(df, ("intensity", "ewif"))
    if note:
        _source_note(fig, note + " | footprint")
    return fig


def projection_chart(df: pd.DataFrame, *, title: str | None = None) -> Figure:
    """Projected CO2e per year, extrapolated grid years hatched."""
    import numpy as np

    if df.empty:
        raise InputError("plot: the projection has no rows")
    fig = _figure(8.0, 3.8)
    ax = fig.add_subplot()
    series = df["co2e"]
    disp = _display_unit(series.pint.magnitude, str(series.pint.units))
    values = np.asarray(series.pint.to(disp).pint.magnitude, dtype=float)
    years = np.asarray(df["year"], dtype=float)
    extrapolated = np.asarray(df["intensity_basis"] == "extrapolated")
    bars = ax.bar(years, values, color=_BAR)
    for bar, ext in zip(bars, extrapolated, strict=True):
        if ext:
            bar.set_hatch("///")
            bar.set_facecolor("#8fb4c6")
    ax.set_ylabel(f"CO2e, location-based [{units.format_unit(units.get_registry().Unit(disp))}]")
    ax.set_xlabel("Year (hatched: grid extrapolated)")
    ax.spines[["top", "right"]].set_visible(False)
    workload = df.attrs.get("workload", "workload")
    ax.set_title(
        _text(title or f"Projected CO2e of {workload} in {df.attrs.get('region', '')}"),
        loc="left",
        fontsize=10,
    )
    _source_note(fig, f"Assumptions: {df.attrs.get('assumptions', '')} | footprint")
    return fig


def breakdown_chart(
    labels: list[str],
    left: dict[str, list[Any]],
    right: dict[str, list[Any]],
    *,
    title: str,
    note: str = "",
) -> Figure:
    """Two stacked horizontal bar panels per item (e.g. CO2e and water by workload).

    ``left`` and ``right`` map a series name to one quantity per label; series of a panel
    are stacked and share the panel's readable unit.
    """
    import numpy as np

    fig = _figure(9.0, max(2.4, 0.45 * len(labels) + 1.6))
    axes = fig.subplots(1, 2, sharey=True)
    palette = [_BAR, "#c07a2c", "#7a5ea8", _BEST]
    y = np.arange(len(labels))
    for ax, panel in zip(axes, (left, right), strict=True):
        first = next(iter(panel.values()))
        unit = str(first[0].units)
        total = np.sum([[q.m_as(unit) for q in series] for series in panel.values()], axis=0)
        disp = _display_unit(total, unit)
        offset = np.zeros(len(labels))
        for i, (name, series) in enumerate(panel.items()):
            values = np.array([q.m_as(disp) for q in series], dtype=float)
            ax.barh(y, values, left=offset, color=palette[i % len(palette)], label=_text(name))
            offset += values
        dims = units.get_registry().Quantity(1, disp)
        kind = "CO2e" if dims.check("[co2e]") else ("Water" if dims.check("[volume]") else "")
        unit_label = units.format_unit(units.get_registry().Unit(disp))
        ax.set_xlabel(f"{kind} [{unit_label}]" if kind else unit_label)
        _tidy_axis(ax)
        if len(panel) > 1:
            ax.legend(fontsize=7, frameon=False)
    axes[0].set_yticks(y, [_text(label) for label in labels], fontsize=8)
    axes[0].invert_yaxis()
    fig.suptitle(_text(title), fontsize=10, x=0.01, ha="left")
    if note:
        _source_note(fig, note)
    return fig


def check_target(path: str | Path, what: str = "plot", *, inputs: Any = ()) -> str:
    """The format (``png`` or ``svg``) of a chart to ``path``, after checking ``path``
    can be written (:func:`footprint.core.files.output_target`: no directory, device, FIFO,
    socket or input file is replaced). Commands call it before computing."""

    fmt = Path(path).suffix.lower().lstrip(".")
    if fmt not in FORMATS:
        raise InputError(f"{what}: expected a .png or .svg file name, got {Path(path).name!r}")
    output_target(path, what, inputs=inputs)
    _matplotlib_figure()  # a missing plots extra fails before any work
    return fmt


def save(fig: Figure, path: str | Path, what: str = "plot", *, inputs: Any = ()) -> Path:
    """Write ``fig`` as PNG or SVG (by suffix) atomically (temp file, then rename).

    A missing or unwritable folder, or a path that is a directory, device, FIFO or
    socket, raises :class:`InputError`; a symbolic link is written through. The file
    gets the usual permissions of a new file (not the temporary file's owner-only ones).
    """

    fmt = check_target(path, what, inputs=inputs)
    with atomic_writer(path, what, inputs=inputs, binary=True) as fh:
        _write(fig, fh, fmt)
    return Path(path)


def _write(fig: Figure, fh: Any, fmt: str) -> None:
    import matplotlib

    if fmt == "svg":
        with matplotlib.rc_context({"svg.hashsalt": "footprint", "svg.fonttype": "none"}):
            fig.savefig(fh, format="svg", metadata={"Date": None, "Creator": "footprint"})
    else:
        fig.savefig(fh, format="png", dpi=150, metadata={"Software": "footprint"})


def svg_text(fig: Figure) -> str:
    """``fig`` as an inline ``<svg>`` element (no XML prolog, deterministic ids)."""
    buf = io.BytesIO()
    _write(fig, buf, "svg")
    text = buf.getvalue().decode("utf-8")
    start = text.find("<svg")
    return text[start:].strip()
