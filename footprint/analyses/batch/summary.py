"""The :class:`Summary` of a run (totals, groups, notes) and its rendering
(:func:`render_summary`)."""

from __future__ import annotations

import io
import math
from collections.abc import Iterable, Mapping
from typing import Any

import numpy as np
import pandas as pd

from footprint.analyses.batch.cells import show
from footprint.analyses.batch.compute import ID_EXAMPLES, SummaryPart
from footprint.analyses.batch.options import SUM_COLUMNS, UNITS
from footprint.analyses.batch.plan import Plan, SiteInfo
from footprint.analyses.batch.sums import merge, plain, round_exact
from footprint.catalogues.hardware import DERIVED_POWER
from footprint.core.errors import InputError
from footprint.core.escape import csv_frame, markdown_text
from footprint.render.markdown import markdown_table
from footprint.render.report import FORMATS, readable_value, render_frame, to_json


class Summary:
    """Rows in/out/rejected, reasons, exact totals per group, and the sites used.

    Parts of chunks (or of Dask tasks) are added in any order; sums stay exact
    integers until :meth:`table` and :meth:`totals` round each once, so the
    figures are identical whatever the chunking, row order or engine.
    """

    def __init__(
        self,
        group_by: tuple[str, ...] = (),
        notes: Iterable[str] = (),
        columns: tuple[str, ...] = SUM_COLUMNS,
    ) -> None:
        self.group_by = tuple(group_by)
        self.columns = tuple(columns)
        self.rows_in = 0
        self.rows_out = 0
        self.rows_rejected = 0
        self.reasons: dict[str, int] = {}
        self.groups: dict[tuple[Any, ...], dict[str, int]] = {}
        self.total: dict[str, int] = {}
        self.sites: dict[tuple[Any, ...], tuple[int, SiteInfo]] = {}
        self.notes: list[str] = list(notes)
        self._id_hashes: list[np.ndarray] = []
        self._id_rows: list[np.ndarray] = []
        self._id_texts: dict[int, str] = {}
        self._duplicates: tuple[int, int, list[tuple[str | None, list[int]]]] | None = None

    def add(self, part: SummaryPart) -> None:
        """Add one chunk's part."""
        if len(part.job_ids):
            self._id_hashes.append(part.job_ids)
            rows = part.job_rows  # row numbers: 4 bytes each while they fit
            self._id_rows.append(rows.astype(np.uint32) if rows.max() < 2**32 else rows)
            self._duplicates = None
        for h, text in part.id_texts.items():
            if len(self._id_texts) < 4 * ID_EXAMPLES:
                self._id_texts.setdefault(h, text)
        self.rows_in += part.rows_in
        self.rows_out += part.rows_out
        self.rows_rejected += part.rows_rejected
        merge(self.reasons, [part.reasons])
        for key, vals in part.groups.items():
            self.groups[key] = merge(self.groups.get(key, {}), [vals])
        merge(self.total, [part.total])
        for key, (jobs, info) in part.sites.items():
            prev = self.sites.get(key)
            self.sites[key] = (jobs + (prev[0] if prev else 0), info)
        self.notes += [n for n in part.notes if n not in self.notes]

    @property
    def balanced(self) -> bool:
        """Rows in = rows out + rows rejected."""
        return self.rows_in == self.rows_out + self.rows_rejected

    def statement(self) -> str:
        """``rows in = rows out + rows rejected: 1,000 = 990 + 10``."""
        sign = "=" if self.balanced else "!="
        return (
            f"rows in {sign} rows out + rows rejected: "
            f"{self.rows_in:,} {sign} {self.rows_out:,} + {self.rows_rejected:,}"
        )

    def duplicates(self) -> tuple[int, int, list[tuple[str | None, list[int]]]]:
        """(job ids on more than one accepted row, rows that repeat an earlier row's id,
        up to three examples as (id text if known, its rows)).

        Ids are compared by a 64-bit hash of their text (16 bytes per accepted row).
        """
        if self._duplicates is not None:
            return self._duplicates
        if not self._id_hashes:
            self._duplicates = (0, 0, [])
            return self._duplicates
        # one sorted copy of the hashes (8 bytes a row); the rows of repeated ids are then
        # picked chunk by chunk, so no other array as long as the input is made
        ordered = np.empty(sum(len(h) for h in self._id_hashes), dtype=np.uint64)
        at = 0
        for part in self._id_hashes:
            ordered[at : at + len(part)] = part
            at += len(part)
        ordered.sort()
        repeats = ordered[1:] == ordered[:-1]  # a row whose id an earlier one has
        dup = np.unique(ordered[1:][repeats])
        extra = int(repeats.sum())
        del ordered, repeats
        examples: list[tuple[str | None, list[int]]] = []
        if len(dup):
            picked = [
                (hs[mine], rs[mine].astype(np.int64))
                for hs, rs in zip(self._id_hashes, self._id_rows, strict=True)
                for mine in [np.isin(hs, dup)]
            ]
            h = np.concatenate([p[0] for p in picked])
            r = np.concatenate([p[1] for p in picked])
            order = np.lexsort((r, h))
            h, r = h[order], r[order]
            starts = np.flatnonzero(np.r_[True, h[1:] != h[:-1]])
            firsts = sorted(zip(r[starts].tolist(), starts.tolist(), strict=True))[:3]
            ends = np.r_[starts[1:], len(h)]
            end_of = dict(zip(starts.tolist(), ends.tolist(), strict=True))
            for _, at in firsts:
                key = int(h[at])
                examples.append((self._id_texts.get(key), r[at : end_of[at]].tolist()))
        self._duplicates = (len(dup), extra, examples)
        return self._duplicates

    def duplicate_note(self) -> str | None:
        """Says which job ids appear on several accepted rows (each row is counted)."""
        n, extra, examples = self.duplicates()
        if not n:
            return None
        shown = []
        for text, rows in examples:
            where = ", ".join(f"{r:,}" for r in rows[:4]) + (", ..." if len(rows) > 4 else "")
            shown.append(f"{show(text, limit=40)} on rows {where}" if text else f"rows {where}")
        more = "; ..." if n > len(examples) else ""
        return (
            f"{n:,} duplicate job id{'s' if n != 1 else ''} ({'; '.join(shown)}{more}): each "
            f"row is counted ({extra:,} row{'s repeat' if extra != 1 else ' repeats'} an "
            "earlier row's id; Slurm reuses ids after a database reset and across "
            "clusters, but a job listed twice is counted twice: check the log)"
        )

    @property
    def unpriced_jobs(self) -> int:
        """Accepted jobs whose site has no electricity price (left out of the cost)."""
        return sum(jobs for jobs, info in self.sites.values() if info.currency is None)

    def cost_note(self) -> str | None:
        """Says that the cost total leaves out jobs without a price, when some are priced."""
        n = self.unpriced_jobs
        if not n or not self.cost_columns:
            return None
        return (
            f"cost: {n:,} of {self.rows_out:,} jobs have no electricity price (no open price "
            "data for their region; --price gives one): the cost totals leave them out"
        )

    @property
    def cost_columns(self) -> list[str]:
        """``cost_<currency>`` of every currency met (costs never mix currencies)."""
        return sorted(k for k in self.total if k.startswith("cost_"))

    def _row(self, vals: dict[str, int]) -> dict[str, Any]:
        row: dict[str, Any] = {"jobs": vals.get("jobs", 0)}
        for col in self.columns:
            row[col] = round_exact(vals.get(col, 0))
        for col in self.cost_columns:  # no priced job in the group: no cost, not zero
            row[col] = round_exact(vals[col]) if col in vals else math.nan
        return row

    def totals(self) -> dict[str, Any]:
        """Jobs and the total of each quantity, each rounded once from its exact sum."""
        return self._row(self.total)

    def table(self) -> pd.DataFrame:
        """One row per group, most CO2e first: jobs, sums, share of the total CO2e."""
        total = self.totals()["co2e_kg"]
        rows = []
        for key, vals in self.groups.items():
            row: dict[str, Any] = dict(zip(self.group_by, key, strict=True))
            row.update(self._row(vals))
            row["co2e_share"] = row["co2e_kg"] / total if total else math.nan
            rows.append(row)
        columns = [*self.group_by, "jobs", *self.columns, *self.cost_columns, "co2e_share"]
        frame = pd.DataFrame(rows, columns=columns)
        if len(frame) > 1:  # most CO2e first; ties in the order of the keys as text
            tie = np.array(["\x1f".join(map(str, key)) for key in self.groups], dtype=str)
            order = np.lexsort((tie, -frame["co2e_kg"].to_numpy(dtype=float)))
            frame = frame.iloc[order].reset_index(drop=True)
        return frame

    def sites_list(self) -> list[dict[str, Any]]:
        """Each site used by accepted rows: key, zone, jobs, factors with provenance, notes."""
        out = []
        for (region, year, operator, facility), (jobs, info) in sorted(
            self.sites.items(), key=lambda kv: tuple(str(x) for x in kv[0])
        ):
            out.append(
                {
                    "region": region,
                    "year": year,
                    "operator": operator,
                    "facility": facility,
                    "zone": info.zone,
                    "jobs": jobs,
                    "factors": info.factors,
                    "notes": list(info.notes),
                }
            )
        return out

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready: rows, check, groups, totals, units, rejected_by_reason, sites, notes."""
        groups = [
            {k: _json_value(v) for k, v in r.items()}
            for r in self.table().to_dict(orient="records")
        ]
        units = {c: UNITS[c] for c in self.columns}
        units.update({c: c[len("cost_") :] for c in self.cost_columns})
        units["co2e_share"] = "1"
        return {
            "rows": {"in": self.rows_in, "out": self.rows_out, "rejected": self.rows_rejected},
            "check": self.statement(),
            "group_by": list(self.group_by),
            "groups": groups,
            "totals": self.totals(),
            "units": units,
            "rejected_by_reason": dict(sorted(self.reasons.items(), key=lambda kv: -kv[1])),
            "sites": self.sites_list(),
            "notes": list(self.notes) + [n for n in [self.cost_note(), self.duplicate_note()] if n],
        }


def _json_value(v: Any) -> Any:
    v = plain(v)
    if v is None or (isinstance(v, float) and not math.isfinite(v)):
        return None
    return v


def _json_safe(value: Any) -> Any:
    """``value`` with every non-finite float (at any depth) as None: strict JSON."""
    if isinstance(value, dict):
        return {str(k): _json_safe(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_json_safe(v) for v in value]
    return _json_value(value)


def base_notes(plan: Plan) -> list[str]:
    """The notes every summary of ``plan`` starts with (defaults that applied)."""
    d = plan.defaults
    if d.power_w is not None:
        power = f"power: {d.power_w:g} W per accelerator unless a row gives power or utilization"
    else:
        util = (
            f"{d.utilization:g}"
            if d.utilization is not None
            else "of the accelerator's server class while training (server_classes.csv)"
        )
        power = f"power: TDP x utilization {util} unless a row gives power or utilization"
    if d.host_power_w is not None:
        host = f"host_power: {d.host_power_w:g} W per accelerator unless a row gives host_power"
    else:
        host = (
            "host_power: the accelerator's server class (server_classes.csv; 150 W on an "
            "8-GPU baseboard) unless a row gives host_power"
        )
    year = "year: a row's year cell, else " + (
        f"{d.year} (--year)"
        if d.year is not None
        else "the year (UTC) of its start, else the newest data"
    )
    notes = [power, host, year + "; substitutions are in each row's notes"]
    if plan.kind != "parquet":
        notes.append("times without a UTC offset are read as UTC")
    if plan.kind in ("csv", "sacct"):
        notes.append("blank lines (empty or only spaces) are skipped: they are not rows")
    if plan.kind == "sacct":
        notes.append("sacct: Elapsed gives the duration, AllocTRES gres/gpu the GPU count")
    if "tag" in plan.group_by:
        notes.append(
            "group by tag: a job counts in the group of each of its tags, so groups overlap "
            "and their shares add up to more than 100%; totals count each job once"
        )
    notes.extend(plan.notes)
    return notes


#: Columns of the summary table shown to people (CSV and JSON have every quantity).
_SHOWN = {
    "accelerator_hours_h": "accelerator-hours",
    "facility_energy_kwh": "energy (facility)",
    "co2e_kg": "CO2e",
    "total_co2e_kg": "CO2e + embodied",
    "water_l": "water",
}


#: Groups shown in the terminal table of a summary (the rest are in the other formats).
MAX_TERMINAL_GROUPS = 50


def render_summary(
    summary: Summary, fmt: str = "table", outputs: Mapping[str, str] | None = None
) -> str:
    """The summary as text: ``table``, ``json``, ``csv`` (groups, then TOTAL) or ``markdown``.

    JSON and CSV carry every quantity in canonical units; the table and Markdown
    show the main ones in readable units, the rows statement and the reasons.
    """

    if fmt not in FORMATS:
        raise InputError(f"format: expected one of {FORMATS}, got {fmt!r}")
    if fmt == "json":
        d = summary.to_dict()
        if outputs:
            d["outputs"] = dict(outputs)
        return to_json(_json_safe(d))
    total: dict[str, Any] = {c: "" for c in summary.group_by}
    if summary.group_by:
        total[summary.group_by[0]] = "TOTAL"
    total.update(summary.totals())
    total["co2e_share"] = 1.0 if summary.rows_out else math.nan
    table = summary.table()
    hidden = 0
    if fmt == "table" and len(table) > MAX_TERMINAL_GROUPS:  # a screenful, most CO2e first
        hidden = len(table) - MAX_TERMINAL_GROUPS
        table = table.head(MAX_TERMINAL_GROUPS)
    if summary.group_by and len(table):
        frame = pd.concat([table, pd.DataFrame([total])], ignore_index=True)
    else:
        frame = pd.DataFrame([total], columns=[*table.columns])
    if fmt == "csv":  # group keys are user text: no formula reaches a spreadsheet
        return render_frame(csv_frame(frame), "csv")
    shown = pd.DataFrame({c: frame[c].astype(object) for c in summary.group_by})
    shown["jobs"] = [f"{int(v):,}" for v in frame["jobs"]]
    for col, label in _SHOWN.items():
        if col in frame:
            shown[label] = [readable_value(float(v), UNITS[col]) for v in frame[col]]
    for col in summary.cost_columns:
        shown[f"cost ({col[5:]})"] = [
            "" if math.isnan(float(v)) else f"{float(v):,.2f}" for v in frame[col]
        ]
    if summary.group_by:
        shown["share of CO2e"] = [
            "" if isinstance(v, float) and math.isnan(v) else f"{100 * v:.1f}%"
            for v in frame["co2e_share"]
        ]
    title = (
        "Footprint by " + ", ".join(summary.group_by)
        if summary.group_by
        else "Footprint of all jobs"
    )
    lines = [_render_shown(shown, fmt, title).rstrip("\n"), "", summary.statement()]
    if hidden:
        lines.append(
            f"note: the {MAX_TERMINAL_GROUPS:,} groups with most CO2e shown, {hidden:,} more "
            "left out of this table (TOTAL counts them all; --summary FILE or --format "
            "csv/json/markdown lists every group)"
        )
    if summary.reasons:
        ranked = sorted(summary.reasons.items(), key=lambda kv: -kv[1])
        lines.append("rejected by reason: " + ", ".join(f"{c} {k:,}" for c, k in ranked))
    derived = [n for n in summary.notes if n.startswith(DERIVED_POWER)]
    for note in (summary.cost_note(), summary.duplicate_note(), *derived):
        if note:
            lines.append(f"note: {_markdown_line(note) if fmt == 'markdown' else note}")
    for key, value in (outputs or {}).items():
        lines.append(f"{key}: {value}")
    return "\n".join(lines) + "\n"


def _markdown_line(text: str) -> str:

    return markdown_text(text)


def _render_shown(shown: pd.DataFrame, fmt: str, title: str) -> str:
    """The summary table as Markdown or a terminal table, user text escaped.

    Cells are never read as markup: Markdown cells are escaped (pipes, HTML,
    emphasis), terminal cells are rich ``Text``, shown exactly as given.
    """
    cells = shown.astype(object).where(shown.notna(), "").astype(str)
    if fmt == "markdown":
        return markdown_table(cells.columns, cells.values)
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    buf = io.StringIO()
    console = Console(file=buf, width=160, force_terminal=False, color_system=None)
    table = Table(title=title or None, title_justify="left")
    for col in cells.columns:
        table.add_column(Text(str(col)), overflow="fold")
    for row in cells.values:
        table.add_row(*(Text(v) for v in row))
    console.print(table)
    return buf.getvalue()
