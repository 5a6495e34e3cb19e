"""Scenario reports: Markdown, and self-contained HTML with inline SVG charts.

A report (:func:`render_markdown`, :func:`render_html`, :func:`write_report`) of a
:class:`~footprint.analyses.scenario.ScenarioResult` holds, in order:

1. the totals (electricity, CO2e location- and market-based, water on-site and
   off-site, cost when known) with everyday equivalents, each sourced;
2. the per-workload breakdown;
3. the regional comparison: the whole scenario moved to each compared region;
4. every factor used, with value, origin, zone, year and source;
5. notes (substitutions, assumptions);
6. a "publish" paragraph to paste into a paper or a model card.

Both formats come from one list of blocks, so they say the same thing. Output is
deterministic (no dates; SVG ids fixed) so that reports can be compared and tested. HTML
needs no network: CSS and charts are inline.
"""

from __future__ import annotations

import html
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from footprint.core import units
from footprint.core.errors import InputError
from footprint.core.escape import markdown_text
from footprint.core.files import atomic_writer, output_target
from footprint.data.loader import read_records
from footprint.places.equivalences import equivalences
from footprint.places.regions import resolve_region
from footprint.render.compare_table import METRICS, display_frame, grouped_notes
from footprint.render.labels import format_keyed, format_number, readable, short_source
from footprint.render.markdown import markdown_table
from footprint.render.notes import group_notes, publishable
from footprint.render.plots import breakdown_chart, ranked_bar_chart, svg_text

if TYPE_CHECKING:  # pragma: no cover
    from footprint.analyses.scenario import ScenarioResult

__all__ = [
    "render_markdown",
    "render_html",
    "write_report",
    "check_report_target",
    "publish_paragraph",
    "REPORT_FORMATS",
]

#: Report formats by name, and the file suffixes that select them.
REPORT_FORMATS = {"markdown": (".md", ".markdown"), "html": (".html", ".htm")}

_TOTAL_LABELS = {
    "accelerator_hours": "Accelerator-hours",
    "it_energy": "IT energy",
    "facility_energy": "Electricity (facility energy)",
    "co2e": "CO2e, location-based",
    "co2e_market": "CO2e, market-based",
    "water_onsite": "Water, on-site (cooling)",
    "water_offsite": "Water, off-site (generation)",
    "water": "Water consumed, total",
    "cost": "Electricity cost",
    "embodied_co2e": "CO2e, embodied (manufacturing, amortised)",
    "total_co2e": "CO2e, total (location-based + embodied)",
}


@dataclass
class _Block:
    kind: str  # h1 h2 p ul table chart note
    text: str = ""
    items: list[str] = field(default_factory=list)
    headers: list[str] = field(default_factory=list)
    rows: list[list[str]] = field(default_factory=list)
    numeric: list[bool] = field(default_factory=list)
    chart: Any = None
    code: str = ""  # a file name shown as code where the text says {code}
    #: Markdown: leading table columns that are footprint's own labels, or (ul, p) text
    #: written by footprint from curated data only; everything else is escaped.
    labels: int = 0
    trusted: bool = False


def _version() -> str:
    from footprint import __version__

    return __version__


def _readable(q: Any) -> str:

    if q.check("[time]"):
        return f"{format_number(q.m_as('h'))} h"
    return readable(q)


def _blocks(result: ScenarioResult) -> list[_Block]:
    s = result.scenario
    blocks = [_Block("h1", s.title)]
    if s.description.strip():
        blocks.append(_Block("p", " ".join(s.description.split())))
    blocks.append(
        _Block(
            "note",
            f"Scenario file {{code}}; computed with footprint {_version()}. "
            "CO2e is operational (Scope 2) unless stated; water is consumption, not withdrawal.",
            code=Path(s.path).name,
        )
    )
    blocks += _summary(result)
    blocks += _workloads(result)
    blocks += _comparison(result)
    blocks += _factors(result)
    notes = _notes(result)
    if notes:
        blocks += [_Block("h2", "Notes"), _Block("ul", items=[publishable(n) for n in notes])]
    blocks += [_Block("h2", "Publish"), _Block("p", publish_paragraph(result))]
    return blocks


def _summary(result: ScenarioResult) -> list[_Block]:
    totals = result.totals
    rows = [[_TOTAL_LABELS.get(k, k), _readable(q)] for k, q in totals.items()]
    out = [
        _Block("h2", "Totals"),
        _Block("table", headers=["Quantity", "Total"], rows=rows, numeric=[False, True], labels=1),
    ]
    if result.scenario.equivalences:
        eqs = _equivalences(result)
        if eqs:
            out.append(_Block("p", "In everyday terms, the totals equal about:"))
            out.append(  # curated data only: equivalences.csv and the generation mix
                _Block("ul", items=[f"{e.text} [{_cite(e.factor)}]" for e in eqs], trusted=True)
            )
    return out


def _cite(factor: Any) -> str:

    text = short_source(factor.source)
    return text if len(text) <= 160 else text[:157].rstrip(" ,;") + "..."


def _main_country(result: ScenarioResult) -> str | None:
    """The country of the workload with the largest CO2e (for household/country figures)."""

    best = max(result.footprints.items(), key=lambda kv: kv[1].results["co2e"].m_as("kgCO2e"))
    region = next(w.site.region for w in result.scenario.workloads if w.name == best[0])
    if region is None:
        return None
    loc = resolve_region(region)
    return loc.country or (loc.zone if loc.kind == "aggregate" else None)


def _equivalences(result: ScenarioResult) -> list[Any]:

    t = result.totals
    return equivalences(
        co2e=t["co2e"],
        energy=t["facility_energy"],
        water=t["water"],
        country=_main_country(result),
        year=result.scenario.year,
    )


def _workloads(result: ScenarioResult) -> list[_Block]:
    total = result.totals["co2e"].m_as("kgCO2e")
    rows = []
    for w in result.scenario.workloads:
        fp = result.footprints[w.name]
        r = fp.results
        share = r["co2e"].m_as("kgCO2e") / total * 100 if total else 0.0
        rows.append(
            [
                w.name,
                w.type,
                fp.inputs.get("zone", w.site.region or "WORLD"),
                str(fp.factors["intensity"].year or ""),
                _readable(r["accelerator_hours"]) if "accelerator_hours" in r else "measured",
                _readable(r["facility_energy"]),
                _readable(r["co2e"]),
                _readable(r["co2e_market"]),
                _readable(r["water"]),
                f"{share:.1f}%" if share >= 0.1 or share == 0 else "<0.1%",
            ]
        )
    headers = [
        "Workload",
        "Type",
        "Region",
        "Year",
        "Accelerator-hours",
        "Electricity",
        "CO2e (location)",
        "CO2e (market)",
        "Water",
        "Share of CO2e",
    ]
    return [
        _Block("h2", "Workloads"),
        _Block("table", headers=headers, rows=rows, numeric=[False] * 4 + [True] * 6),
        _Block("chart", text="CO2e and water by workload", chart=lambda: _workload_chart(result)),
    ]


def _workload_chart(result: ScenarioResult) -> Any:

    names = [w.name for w in result.scenario.workloads]
    co2e = [result.footprints[n].results["co2e"] for n in names]
    water_on = [result.footprints[n].results["water_onsite"] for n in names]
    water_off = [result.footprints[n].results["water_offsite"] for n in names]
    return breakdown_chart(
        names,
        {"CO2e, location-based": co2e},
        {"on-site": water_on, "off-site": water_off},
        title=f"{result.scenario.title}: CO2e and water by workload",
        note="footprint " + _version(),
    )


def _comparison(result: ScenarioResult) -> list[_Block]:
    df = result.comparison
    if df is None or df.empty:
        return []
    import pandas as pd

    s = result.scenario
    metric = df.attrs.get("metric", s.metric)
    shown = df.sort_values("rank", kind="stable").head(s.top) if s.top else df
    cols = [
        "rank",
        "region",
        "name",
        "year",
        "intensity",
        "ewif",
        "pue",
        "wue",
        "facility_energy",
        "co2e",
        "co2e_market",
        "water",
        "cost",
        "ratio_to_best",
    ]
    table = display_frame(shown, cols)
    headers = [str(c) for c in table.columns]
    text_columns = ("region", "name", "kind", "zone", "country", "intensity_dataset")
    numeric = [c not in text_columns for c in headers]
    rows = [[str(v) for v in row] for row in table.values]
    best = df.loc[df["rank"] == 1].iloc[0]
    worst = df.loc[df["rank"] == df["rank"].max()].iloc[0]
    label = METRICS[metric]
    intro = (
        f"The whole scenario moved to each region (every workload, same hardware and "
        f"overrides), ranked by {label}. "
    )
    ratio = worst["ratio_to_best"]
    if best["rank"] == worst["rank"]:
        intro += "Every ranked region has the same value."
    else:
        times = "" if pd.isna(ratio) else f", {float(ratio):.1f} times the lowest"
        intro += (
            f"Lowest: {best['region']} ({best['name']}); highest: {worst['region']} "
            f"({worst['name']}){times}."
        )
    if s.top and len(df) > s.top:
        intro += f" The best {s.top} of {len(df)} regions are shown."
    return [
        _Block("h2", "Regional comparison"),
        _Block("p", intro, trusted=True),  # region ids and names of the datasets
        _Block("table", headers=headers, rows=rows, numeric=numeric),
        _Block("chart", text=f"{label} by region", chart=lambda: _comparison_chart(result)),
    ]


def _comparison_chart(result: ScenarioResult) -> Any:

    df = result.comparison
    if df is None:
        raise ValueError("no comparison to draw")
    return ranked_bar_chart(df, max_bars=result.scenario.top or 40)


def _factors(result: ScenarioResult) -> list[_Block]:
    """Every factor used, once, with the workloads that use it."""

    seen: dict[tuple[Any, ...], list[Any]] = {}
    order: list[tuple[Any, ...]] = []
    for name, fp in result.footprints.items():
        for fname, f in fp.factors.items():
            d = f.to_dict()
            key = (fname, round(d["value"], 12), d["unit"], f.origin, f.zone, f.year, f.source)
            if key not in seen:
                seen[key] = [f, []]
                order.append(key)
            seen[key][1].append(name)
    rows = []
    n_workloads = len(result.footprints)
    for key in order:
        f, users = seen[key]
        d = f.to_dict()
        where = " ".join(str(x) for x in (f.zone, f.year) if x is not None)
        used = "all" if len(users) == n_workloads else ", ".join(users)
        rows.append(
            [
                f.name,
                f"{format_keyed(f.name, d['value'], d['unit'])} {d['unit']}".strip(),
                f.origin,
                where,
                used,
                short_source(f.source) + (f" [{f.dataset}]" if f.dataset else ""),
            ]
        )
    headers = ["Factor", "Value", "Origin", "Zone, year", "Workloads", "Source"]
    return [
        _Block("h2", "Factors and sources"),
        _Block("table", headers=headers, rows=rows, numeric=[False, True] + [False] * 4),
    ]


def _notes(result: ScenarioResult) -> list[str]:
    """Notes of the workloads (each once, with the workloads it concerns) and of the
    comparison (:func:`footprint.render.notes.group_notes`)."""
    names = list(result.footprints)
    pairs = [(name, n) for name, fp in result.footprints.items() for n in fp.notes]
    notes = group_notes(pairs, names, "workload") + list(result.notes)
    if result.comparison is not None:
        said = {n for _, n in pairs}
        notes += [
            n
            for n in _comparison_notes(result.comparison)
            if n.removeprefix("comparison: ") not in said
        ]
    return notes


def _comparison_notes(df: Any) -> list[str]:

    return [f"comparison: {n}" for n in grouped_notes(df)]


def publish_paragraph(result: ScenarioResult) -> str:
    """A paragraph for a paper or model card: what was used, emitted and consumed, and how.

    The data credited are those actually used (``licences.csv``: attribution and licence
    of each dataset behind the intensity and the generation mix).
    """
    t = result.totals
    s = result.scenario
    fps = result.footprints
    accelerators = sorted(
        {fp.inputs.get("accelerator", "") for fp in fps.values() if fp.inputs.get("accelerator")}
    )
    zones = sorted({fp.inputs.get("zone", "") for fp in fps.values() if fp.inputs.get("zone")})
    intensities = sorted(
        {
            f"{fp.factors['intensity'].value.m_as('gCO2e/kWh'):.0f} gCO2e/kWh "
            f"({fp.factors['intensity'].zone or 'given'}"
            + (f", {fp.factors['intensity'].year}" if fp.factors["intensity"].year else "")
            + ")"
            for fp in fps.values()
        }
    )
    pues = sorted({f"{fp.factors['pue'].value.m_as(''):g}" for fp in fps.values()})
    hours = t["accelerator_hours"].m_as("h") if "accelerator_hours" in t else None
    if "embodied_co2e" in t:
        embodied = (
            f"Manufacturing (embodied) emissions of the hardware, amortised over its use, add "
            f"{_readable(t['embodied_co2e'])} (total {_readable(t['total_co2e'])})."
        )
    else:
        embodied = (
            "Operational emissions only; manufacturing (embodied) emissions are not included."
        )
    on_hw = f" on {', '.join(accelerators)}" if accelerators else ""
    text = (
        f"{s.title}: we estimate that the work ({len(fps)} workload"
        f"{'s' if len(fps) != 1 else ''}, "
        + (f"{hours:,.0f} accelerator-hours{on_hw}" if hours is not None else "measured energy")
        + ") used "
        f"{_readable(t['facility_energy'])} of electricity, emitted {_readable(t['co2e'])} "
        f"(location-based; {_readable(t['co2e_market'])} market-based) and consumed "
        f"{_readable(t['water'])} of water ({_readable(t['water_onsite'])} on-site for "
        f"cooling, {_readable(t['water_offsite'])} off-site in electricity generation). "
        f"Grid: {', '.join(zones)}; carbon intensity {'; '.join(intensities)}; PUE "
        f"{', '.join(pues)}. Estimated with footprint {_version()} "
        "(electricity = accelerator-hours x (accelerator + host power) x PUE; CO2e = "
        "electricity x grid intensity; water = IT energy x WUE + electricity x EWIF) using "
        f"{_credits(fps, 'intensity')} for grid intensity, {_credits(fps, 'ewif')} for the "
        f"generation mix and Macknick et al. (2012) for the water of generation. {embodied}"
    )
    return text


def _credits(fps: dict[str, Any], factor: str) -> str:
    """Attribution and licence of the datasets behind ``factor`` in the footprints (from
    ``licences.csv``), or "values given by the user"."""

    licences = {row["file"]: row for row in read_records("licences")}
    credits: list[str] = []
    for fp in fps.values():
        f = fp.factors.get(factor)
        if f is None:
            continue
        files = [p.split(":")[0].strip() for p in (f.dataset or "").split(" x ")]
        files = [name for name in files if name and name != "water_factors.csv"]
        if f.origin == "user" or not files:
            texts = ["values given by the user" if f.origin == "user" else short_source(f.source)]
        else:
            texts = [
                f"{licences[n]['attribution']} ({licences[n]['licence']})" if n in licences else n
                for n in files
            ]
        credits += [t for t in texts if t and t not in credits]
    return "; ".join(credits) or "no dataset"


# --- rendering -----------------------------------------------------------------------------


def _md_code(name: str) -> str:
    """A file name in Markdown: a code span when it is plain, else escaped text."""
    import re

    if re.fullmatch(r"[\w.+\- ]+", name):
        return f"`{name}`"
    return markdown_text(name)


def render_markdown(result: ScenarioResult) -> str:
    """The report as Markdown (tables, lists; charts left out: see the HTML report).

    Every text that comes from the scenario, its results or the data (titles, names,
    notes, sources) is escaped, so nothing in it renders as Markdown or HTML.
    """

    out: list[str] = []
    for b in _blocks(result):
        if b.kind == "h1":
            out += [f"# {markdown_text(b.text)}", ""]
        elif b.kind == "h2":
            out += [f"## {b.text}", ""]
        elif b.kind == "p":
            out += [b.text.replace("\n", " ") if b.trusted else markdown_text(b.text), ""]
        elif b.kind == "note":  # footprint's own words around the scenario's file name
            out += [f"_{b.text.replace('{code}', _md_code(b.code))}_", ""]
        elif b.kind == "ul":
            text = (lambda t: t.replace("\n", " ")) if b.trusted else markdown_text
            out += [f"- {text(item)}" for item in b.items] + [""]
        elif b.kind == "table":  # headers are footprint's own
            table = markdown_table(
                b.headers, b.rows, numeric=b.numeric, own_headers=True, labels=b.labels
            )
            out += [table.rstrip("\n"), ""]
    return "\n".join(out).rstrip("\n") + "\n"


_CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;max-width:1100px;
margin:2rem auto;padding:0 1rem;color:#222;line-height:1.45}
h1{font-size:1.6rem;margin-bottom:.3rem}h2{font-size:1.2rem;margin-top:2rem;
border-bottom:1px solid #ddd;padding-bottom:.2rem}
table{border-collapse:collapse;margin:.6rem 0;font-size:.85rem}
th,td{border:1px solid #ddd;padding:.25rem .5rem;vertical-align:top}
th{background:#f3f5f7;text-align:left}td.n{text-align:right;white-space:nowrap}
.note{color:#555;font-size:.85rem}figure{margin:1rem 0}figcaption{font-size:.8rem;color:#555}
.publish{background:#f6f8fa;border-left:4px solid #2b6f8f;padding:.6rem 1rem}
svg{max-width:100%;height:auto}
""".strip()


def render_html(result: ScenarioResult) -> str:
    """The report as one self-contained HTML page (inline CSS and SVG charts, no network)."""

    parts: list[str] = []
    publish_next = False
    for b in _blocks(result):
        if b.kind == "h1":
            parts.append(f"<h1>{html.escape(b.text)}</h1>")
        elif b.kind == "h2":
            parts.append(f"<h2>{html.escape(b.text)}</h2>")
            publish_next = b.text == "Publish"
        elif b.kind == "p":
            cls = ' class="publish"' if publish_next else ""
            parts.append(f"<p{cls}>{html.escape(b.text)}</p>")
        elif b.kind == "note":
            code = f"<code>{html.escape(b.code)}</code>"
            text = html.escape(b.text).replace("{code}", code)
            parts.append(f'<p class="note">{text}</p>')
        elif b.kind == "ul":
            items = "".join(f"<li>{html.escape(i)}</li>" for i in b.items)
            parts.append(f"<ul>{items}</ul>")
        elif b.kind == "table":
            head = "".join(f"<th>{html.escape(h)}</th>" for h in b.headers)
            body = "".join(
                "<tr>"
                + "".join(
                    f'<td class="n">{html.escape(c)}</td>' if n else f"<td>{html.escape(c)}</td>"
                    for c, n in zip(row, b.numeric, strict=False)
                )
                + "</tr>"
                for row in b.rows
            )
            parts.append(f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>")
        elif b.kind == "chart":
            svg = svg_text(b.chart())
            parts.append(
                f'<figure role="img" aria-label="{html.escape(b.text)}">{svg}'
                f"<figcaption>{html.escape(b.text)}</figcaption></figure>"
            )
    title = html.escape(result.scenario.title)
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        f'<meta name="generator" content="footprint {_version()}">\n'
        f"<title>{title}</title>\n<style>\n{_CSS}\n</style>\n</head>\n<body>\n"
        + "\n".join(parts)
        + "\n</body>\n</html>\n"
    )


def report_format(path: str | Path, fmt: str | None = None) -> str:
    """The report format for ``path`` (``fmt`` wins; else the suffix decides)."""
    if fmt is not None:
        if fmt not in REPORT_FORMATS:
            raise InputError(f"format: expected one of {tuple(REPORT_FORMATS)}, got {fmt!r}")
        return fmt
    suffix = Path(path).suffix.lower()
    for name, suffixes in REPORT_FORMATS.items():
        if suffix in suffixes:
            return name
    raise InputError(
        f"--out: cannot tell the format from {Path(path).name!r}; use .md or .html "
        "(or give --format)"
    )


def check_report_target(
    path: str | Path, fmt: str | None = None, *, inputs: Iterable[str | Path] = ()
) -> str:
    """The format of a report to ``path``, after checking ``path`` can be written.

    Called before the scenario is computed, so a bad ``--out`` fails at once: an existing
    directory, device, FIFO or socket, a missing folder, or one of ``inputs`` (the
    scenario file itself) is refused with one line.
    """

    kind = report_format(path, fmt)
    output_target(path, "--out", inputs=inputs)
    return kind


def write_report(
    result: ScenarioResult,
    path: str | Path,
    fmt: str | None = None,
    *,
    inputs: Iterable[str | Path] = (),
) -> Path:
    """Render the report and write it to ``path`` atomically.

    The whole report (charts included) is rendered in memory first, then written to a
    temporary file in the same folder and renamed over ``path``: a failure leaves no
    half-written file and an existing report untouched. ``path`` is checked as in
    :func:`check_report_target` (the scenario file is always one of ``inputs``); a
    symbolic link is written through.
    """

    sources = [*inputs, result.scenario.path]
    kind = check_report_target(path, fmt, inputs=sources)
    text = render_html(result) if kind == "html" else render_markdown(result)
    with atomic_writer(path, "--out", inputs=sources, newline="\n") as fh:
        fh.write(text)
    return Path(path)


def _unit(q: Any) -> str:
    return units.format_unit(q.units)
