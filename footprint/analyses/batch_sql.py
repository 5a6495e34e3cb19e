"""The per-job computation of ``footprint batch`` as relational operations (SQL).

``footprint batch JOBS.parquet --emit-sql DIR`` writes what a warehouse (or DuckDB on a
laptop) needs to account a job table itself, for typed job tables (Parquet: a text
``accelerator`` and ``region``, an integer ``count``, timestamp ``start`` and ``end``, a
float ``gpu_hours``):

- ``accelerators.parquet`` / ``.csv``: each distinct accelerator name of the input,
  resolved by footprint (canonical name, draw, host share, embodied factors, or the
  reason it cannot be used);
- ``sites.parquet`` / ``.csv``: each distinct (region, year, operator, facility class),
  resolved by :func:`footprint.places.site.site_factors` through the batch's
  :class:`~footprint.analyses.batch.plan.Resolver` (every factor with its data year);
- ``footprint.sql``: views that join the job rows to those tables, apply the rules of
  :mod:`footprint.workloads.job_rules` as predicates with the pandas engine's reason codes
  and messages, and compute each job's results.

The arithmetic is not a copy of the formula chain: :func:`chain_sql` evaluates
:func:`footprint.engine.evaluation.evaluate` itself over symbolic columns
(:class:`Expr`), so each SQL expression is the chain's own sequence of IEEE operations
and DuckDB returns the pandas engine's per-job numbers bit for bit (tested row by row,
rejects included). Constants are written as ``CAST('<repr>' AS DOUBLE)`` (exact).

The pandas engine stays the reference: this plan covers typed columns only (no unit
strings in cells, per-row power or energy, cluster configs, sacct or billing input, or
hourly accounting); :func:`check_relational` names what an input uses beyond it.
"""

from __future__ import annotations

import math
import os
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from footprint.analyses.batch import ParquetSource, Plan, Resolver, SiteInfo
from footprint.analyses.batch.cells import unit_factor
from footprint.analyses.batch.options import CARRIED, MAX_RESULT, QUANTITIES
from footprint.core.accounting import embodied_rate
from footprint.core.errors import InputError
from footprint.engine.evaluation import LoadTable, SiteTable, evaluate
from footprint.places.facility import LARGE_ACCELERATOR_HOURS, LARGE_ACCELERATORS
from footprint.workloads.job_rules import (
    CONFLICTING_HOURS,
    MAX_COUNT,
    MISSING_HOURS,
    NO_TDP,
    NOT_WHOLE,
)

__all__ = [
    "RELATIONAL_COLUMNS",
    "Expr",
    "FactorTables",
    "chain_sql",
    "check_relational",
    "emit_plan",
    "emit_sql",
    "factor_tables",
    "plan_sql",
]

#: Canonical input columns the relational plan reads (the others need the pandas engine).
RELATIONAL_COLUMNS = (
    "job_id",
    "accelerator",
    "count",
    "start",
    "end",
    "gpu_hours",
    "region",
    "operator",
    "year",
    *CARRIED,
)

#: Embodied keyword arguments of ``account`` (columns of the accelerator table).
_EMBODIED = ("embodied_accelerator_kg", "embodied_host_kg", "lifetime_h", "life_utilization")


# --------------------------------------------------------------------------- expressions


def _binary(op: str, reverse: bool = False) -> Any:
    """The method of an arithmetic operator of :class:`Expr`."""

    def method(self: Expr, other: Any) -> Expr:
        return self._op(op, other, reverse)

    return method


class Expr:
    """A SQL expression that Python arithmetic builds: ``Expr("a") * 2.0`` is
    ``("a" * CAST('2.0' AS DOUBLE))``. Every operation is parenthesised, so SQL
    evaluates the operations in Python's order (the same rounding, bit for bit)."""

    __slots__ = ("sql",)
    __array_ufunc__ = None  # NumPy hands arithmetic with an Expr back to it

    def __init__(self, sql: str) -> None:
        self.sql = sql

    def _op(self, op: str, other: Any, reverse: bool = False) -> Expr:
        a, b = (literal(other), self.sql) if reverse else (self.sql, literal(other))
        return Expr(f"({a} {op} {b})")

    __add__ = _binary("+")
    __radd__ = _binary("+", reverse=True)
    __sub__ = _binary("-")
    __rsub__ = _binary("-", reverse=True)
    __mul__ = _binary("*")
    __rmul__ = _binary("*", reverse=True)
    __truediv__ = _binary("/")
    __rtruediv__ = _binary("/", reverse=True)

    def __repr__(self) -> str:
        return f"Expr({self.sql!r})"


def literal(value: Any) -> str:
    """SQL for a value: an :class:`Expr` as is, a number as an exact DOUBLE."""
    if isinstance(value, Expr):
        return value.sql
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise TypeError(f"literal: cannot write {type(value).__name__} in SQL")
    x = float(value)
    if not math.isfinite(x):
        raise ValueError(f"literal: {x} is not finite")
    return f"CAST('{x!r}' AS DOUBLE)"


def text(value: str | None) -> str:
    """A SQL string literal ('' doubles a quote; NULL for None)."""
    return "NULL" if value is None else "'" + str(value).replace("'", "''") + "'"


def ident(name: str) -> str:
    """A quoted SQL identifier."""
    return '"' + name.replace('"', '""') + '"'


def chain_sql(embodied: bool) -> dict[str, str]:
    """SQL of each result of the engine's formula chain over the columns of the joined
    view: ``accelerator_hours_h``, ``power_w``, ``host_power_w``, the site factors and,
    with ``embodied``, the four embodied factors. Keys are ``account``'s result names,
    and ``embodied_g_per_h``."""
    c = {
        name: Expr(ident(name))
        for name in ("accelerator_hours_h", "power_w", "host_power_w", *_SITE_FLOATS, *_EMBODIED)
    }
    emb = {k: c[k] for k in _EMBODIED} if embodied else None
    values = evaluate(
        LoadTable(
            accelerator_hours=c["accelerator_hours_h"],
            power=c["power_w"],
            host_power=c["host_power_w"],
            embodied=emb,
        ),
        SiteTable(
            pue=c["pue"],
            wue=c["wue_l_per_kwh"],
            ewif=c["ewif_l_per_kwh"],
            intensity=c["intensity_g_per_kwh"],
            cfe=c["cfe_share"],
            price=c["price_per_kwh"],
            host_included=c["host_included"],
        ),
    ).values
    out = {k: literal(v) for k, v in values.items()}
    if emb is not None:
        out["embodied_g_per_h"] = literal(1000.0 * embodied_rate(*emb.values()))
    return out


# --------------------------------------------------------------------------- the plan


def check_relational(plan: Plan, source: Any) -> None:
    """Refuse, in one line, an input or option the relational plan does not cover."""
    beyond = sorted(set(plan.source) - set(RELATIONAL_COLUMNS))
    problems = []
    if not isinstance(source, ParquetSource):
        problems.append("a CSV, sacct or billing input (convert it to Parquet)")
    if beyond:
        problems.append("the column(s) " + ", ".join(beyond))
    if isinstance(source, ParquetSource) and any(p.partition_values for p in source.pieces):
        problems.append("Hive partition folders (key=value)")
    if plan.config is not None:
        problems.append("a cluster config")
    d = plan.defaults
    if d.power_w is not None or d.utilization is not None or d.host_power_w is not None:
        problems.append("--power, --utilization or --host-power")
    if d.hourly:
        problems.append("--hourly")
    if problems:
        raise InputError(
            "the SQL plan covers typed Parquet columns (job_id, accelerator, count, start, end, "
            "gpu_hours, region, operator, year and carried ones); this run uses "
            + "; ".join(problems)
            + ": run it with the pandas engine"
        )


@dataclass
class FactorTables:
    """The resolved factor tables (pandas DataFrames) and each site's :class:`SiteInfo`."""

    accelerators: Any
    sites: Any
    infos: dict[tuple[Any, ...], SiteInfo]


def distinct_keys(
    source: ParquetSource, plan: Plan
) -> tuple[set[str], set[tuple[str, int | None, str | None]]]:
    """Distinct accelerator names and (region, year, operator) of the input (defaults
    filled in; the year from ``year``, the default, or the start), computed with Arrow
    column by column: names trimmed as the SQL trims them (:data:`SPACE`)."""
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.parquet as pq

    src, d = plan.source, plan.defaults
    names: set[str] = set()
    sites: set[tuple[str, int | None, str | None]] = set()
    columns = sorted(
        {src[k] for k in ("accelerator", "region", "operator", "year", "start") if k in src}
    )
    files = list(dict.fromkeys(p.path for p in source.pieces))
    batches = (b for f in files for b in pq.ParquetFile(f).iter_batches(columns=columns))
    for batch in batches:
        n = batch.num_rows

        def name(canon: str, default: str | None, batch: Any = batch, n: int = n) -> Any:
            if canon in src:
                cells = pc.utf8_trim(pc.cast(batch.column(src[canon]), pa.string()), SPACE)
                cells = pc.if_else(pc.equal(cells, ""), None, cells)
                return cells if default is None else pc.fill_null(cells, default)
            return pa.array([default] * n, type=pa.string())

        names.update(x for x in pc.unique(name("accelerator", d.accelerator)).to_pylist() if x)
        year = pa.nulls(n, pa.int64())
        if "year" in src:
            value = pc.cast(batch.column(src["year"]), pa.float64())
            ok = pc.and_(
                pc.and_(pc.is_finite(value), pc.equal(value, pc.floor(value))),
                pc.less_equal(pc.abs(value), 9999.0),
            )
            year = pc.cast(pc.if_else(ok, value, None), pa.int64())
        if d.year is not None:
            year = pc.fill_null(year, int(d.year))
        if "start" in src and pa.types.is_timestamp(batch.column(src["start"]).type):
            year = pc.fill_null(year, pc.cast(pc.year(batch.column(src["start"])), pa.int64()))
        keys = (
            pa.table(
                {
                    "r": name("region", d.region),
                    "y": year,
                    "o": name("operator", d.operator),
                }
            )
            .group_by(["r", "y", "o"])
            .aggregate([])
        )
        sites.update((k["r"], k["y"], k["o"]) for k in keys.to_pylist() if k["r"] is not None)
    return names, sites


#: Characters trimmed from names, the same in Arrow and in SQL.
SPACE = " \t\n\r\x0b\x0c"


def factor_tables(
    names: Iterable[str],
    sites: Iterable[tuple[str, int | None, str | None]],
    resolver: Resolver,
) -> FactorTables:
    """The accelerator and site tables of the given names and sites (each site with and
    without the hyperscale class a large job takes when no operator is named)."""
    import pandas as pd

    acc_rows = []
    for name in sorted(names):
        hit = resolver.accelerator(name)
        row: dict[str, Any] = {"name": name, "canonical": None, "tdp_w": math.nan}
        row.update({"fraction": math.nan, "host_w": math.nan, "error": None})
        row.update({k: math.nan for k in _EMBODIED})
        row["embodied_error"] = None
        if len(hit) == 2:
            row["error"] = hit[1]
        else:
            row["canonical"] = str(hit[0])
            row["tdp_w"], row["fraction"], row["host_w"] = hit[1], hit[2], hit[3]
            emb = resolver.embodied(str(hit[0])) if resolver.embodied_kwargs is not None else None
            if isinstance(emb, str):
                row["embodied_error"] = emb
            elif emb is not None:
                row.update({k: float(emb[k]) for k in _EMBODIED})
        acc_rows.append(row)
    site_rows = []
    infos: dict[tuple[Any, ...], SiteInfo] = {}
    for region, year, operator in sorted(sites, key=lambda k: tuple(str(x) for x in k)):
        for facility in (None, "hyperscale") if operator is None else (None,):
            key = (region, year, operator, facility)
            site_hit = resolver.site(region, year, operator, facility)
            row = {"region": region, "year": year, "operator": operator, "facility": facility}
            if isinstance(site_hit, SiteInfo):
                info = site_hit
                infos[key] = info
                row.update(
                    zone=info.zone,
                    pue=info.pue,
                    wue_l_per_kwh=info.wue,
                    ewif_l_per_kwh=info.ewif,
                    intensity_g_per_kwh=info.intensity,
                    cfe_share=info.cfe,
                    price_per_kwh=info.price,
                    currency=info.currency,
                    host_included=info.host_included,
                    intensity_year=info.intensity_year,
                    ewif_year=info.ewif_year,
                    facility_year=info.facility_year,
                    error_code=None,
                    error=None,
                )
            else:
                row.update(error_code=site_hit[0], error=site_hit[1])
            site_rows.append(row)
    acc = pd.DataFrame(acc_rows, columns=_ACC_COLUMNS)
    site = pd.DataFrame(site_rows, columns=_SITE_COLUMNS)
    for col in ("year", "intensity_year", "ewif_year", "facility_year"):
        site[col] = site[col].astype("Int64")
    for col in _SITE_FLOATS:
        site[col] = site[col].astype(float)
    return FactorTables(acc, site, infos)


_ACC_COLUMNS = ["name", "canonical", "tdp_w", "fraction", "host_w", "error", *_EMBODIED]
_ACC_COLUMNS.append("embodied_error")
_SITE_FLOATS = (
    "pue",
    "wue_l_per_kwh",
    "ewif_l_per_kwh",
    "intensity_g_per_kwh",
    "cfe_share",
    "price_per_kwh",
    "host_included",
)
_SITE_COLUMNS = [
    "region",
    "year",
    "operator",
    "facility",
    "zone",
    *_SITE_FLOATS,
    "currency",
    "intensity_year",
    "ewif_year",
    "facility_year",
    "error_code",
    "error",
]


def _name_sql(plan: Plan, canon: str, default: str | None) -> str:
    if canon not in plan.source:
        return text(default)
    cell = f"NULLIF(trim(CAST(j.{ident(plan.source[canon])} AS VARCHAR), {_SPACE_SQL}), '')"
    return cell if default is None else f"COALESCE({cell}, {text(default)})"


#: :data:`SPACE` as a SQL expression.
_SPACE_SQL = "(" + " || ".join(f"chr({ord(ch)})" for ch in SPACE) + ")"


def _rule(cond: str, code: str, message: str) -> tuple[str, str]:
    return f"CASE WHEN {cond} THEN {text(code)} END", f"CASE WHEN {cond} THEN {message} END"


def plan_sql(plan: Plan, jobs: str = "footprint_jobs") -> str:
    """The views of the relational plan over the view ``jobs`` (the job table with a
    ``row`` column), ``footprint_accelerators`` and ``footprint_sites``:
    ``footprint_checked`` (every row, its reasons), ``footprint_results`` (accepted rows,
    the columns of the per-job results) and ``footprint_rejects``."""
    src, d = plan.source, plan.defaults

    def raw(canon: str) -> str | None:
        return f"j.{ident(src[canon])}" if canon in src else None

    count = raw("count")
    count_d = f"CAST({count} AS DOUBLE)" if count else "NULL"
    count_given = f"({count} IS NOT NULL AND NOT isnan({count_d}))" if count else "false"
    start, end = raw("start"), raw("end")
    span = f"((epoch_us({end}) - epoch_us({start})) / {literal(1e6)})" if start and end else "NULL"
    gh = raw("gpu_hours")
    gh_d = f"CAST({gh} AS DOUBLE)" if gh else "NULL"
    gh_given = f"({gh} IS NOT NULL AND NOT isnan({gh_d}))" if gh else "false"
    year_parts = []
    year_cell = raw("year")
    year_d = f"CAST({year_cell} AS DOUBLE)" if year_cell else "NULL"
    year_given = f"({year_cell} IS NOT NULL AND NOT isnan({year_d}))" if year_cell else "false"
    year_ok = (
        f"({year_given} AND NOT isinf({year_d}) AND {year_d} = floor({year_d}) "
        f"AND abs({year_d}) <= 9999)"
    )
    if year_cell:
        year_parts.append(f"CASE WHEN {year_ok} THEN CAST({year_d} AS BIGINT) END")
    if d.year is not None:
        year_parts.append(str(int(d.year)))
    if start:
        year_parts.append(f"year({start})")
    year = f"COALESCE({', '.join(year_parts)})" if year_parts else "NULL"
    f_s = unit_factor("s", "time", "h")  # the pandas engine's factor, bit for bit
    carried = [(r, out) for r, out in plan.carried]
    carried_sql = ", ".join(f"j.{ident(r)} AS {ident('carried_' + out)}" for r, out in carried)
    carried_sql = carried_sql or "NULL AS no_carried"
    base = f"""
CREATE OR REPLACE VIEW footprint_typed AS
SELECT j."row",
       {raw("job_id")} AS job_id,
       {_name_sql(plan, "accelerator", d.accelerator)} AS acc_name,
       {_name_sql(plan, "region", d.region)} AS region,
       {_name_sql(plan, "operator", d.operator)} AS operator,
       {count_d} AS count_value,
       {count_given} AS count_given,
       CASE WHEN {count_given} AND {count_d} >= 1 AND {count_d} <= {MAX_COUNT}
            AND {count_d} = floor({count_d}) THEN {count_d} END AS count_ok,
       {count if count else "NULL"} AS count_cell,
       {start if start else "NULL"} AS start_ts,
       {end if end else "NULL"} AS end_ts,
       {span} AS span_s,
       {gh_d} AS gh_value,
       {gh_given} AS gh_given,
       {year} AS year,
       {year_given} AND NOT {year_ok} AS year_bad,
       {year_cell if year_cell else "NULL"} AS year_cell,
       {carried_sql}
FROM {jobs} j;

CREATE OR REPLACE VIEW footprint_timed AS
SELECT t.*,
       CASE WHEN gh_given THEN gh_value
            ELSE ((span_s * count_ok) * {literal(f_s)}) END AS ah_raw,
       span_s * {literal(f_s)} AS duration_h
FROM footprint_typed t;

CREATE OR REPLACE VIEW footprint_joined AS
SELECT t.*, a.name AS acc_found, s.region AS site_found,
       a.canonical, a.tdp_w, a.fraction, a.host_w, a.error AS acc_error,
       a.embodied_error, {", ".join("a." + k for k in _EMBODIED)},
       s.zone, s.pue, s.wue_l_per_kwh, s.ewif_l_per_kwh, s.intensity_g_per_kwh, s.cfe_share,
       s.price_per_kwh, s.currency, s.host_included, s.intensity_year, s.ewif_year,
       s.facility_year, s.error_code AS site_code, s.error AS site_error
FROM (
  SELECT *,
         CASE WHEN operator IS NULL AND (
              coalesce(ah_raw >= {literal(LARGE_ACCELERATOR_HOURS)}, false)
              OR coalesce(count_ok >= {literal(float(LARGE_ACCELERATORS))}, false))
              THEN 'hyperscale' END AS facility
  FROM footprint_timed) t
LEFT JOIN footprint_accelerators a ON a.name = t.acc_name
LEFT JOIN footprint_sites s
  ON s.region = t.region AND s.year IS NOT DISTINCT FROM t.year
 AND s.operator IS NOT DISTINCT FROM t.operator AND s.facility IS NOT DISTINCT FROM t.facility;
"""
    value = "CAST(count_cell AS VARCHAR)"
    rules = [
        _rule(
            "job_id IS NULL OR trim(CAST(job_id AS VARCHAR)) = ''",
            "missing_value",
            text("job_id is empty"),
        ),
        _rule(
            "count_given AND count_value < 0",
            "bad_count",
            f"'count must not be negative, got ' || {value}",
        ),
        _rule(
            "count_given AND count_value = 0", "bad_count", text("count must be at least 1, got 0")
        ),
        _rule(
            f"count_given AND count_value > 0 AND count_value <> floor(count_value) "
            f"AND count_value <= {MAX_COUNT}",
            "bad_count",
            text(NOT_WHOLE.split("{")[0]) + f" || {value}",
        ),
        _rule(
            f"count_given AND count_value > {MAX_COUNT}",
            "count_out_of_range",
            f"'count: ' || {value} || "
            + text(
                f" accelerators in one job is more than the {MAX_COUNT:,} footprint accepts "
                "(the largest clusters have ~200,000)"
            ),
        ),
        _rule(
            "acc_name IS NULL",
            "missing_value",
            text("no accelerator (empty cell; give --accelerator for a default)"),
        ),
        _rule("acc_error IS NOT NULL", "unknown_accelerator", "acc_error"),
        _rule("embodied_error IS NOT NULL", "missing_data", "embodied_error"),
        _rule(
            "span_s < 0",
            "end_before_start",
            f"'end ' || {_iso('end_ts')} || ' is before start ' || {_iso('start_ts')}",
        ),
        _rule(
            "gh_given AND isinf(gh_value) AND gh_value > 0",
            "bad_duration",
            "'gpu_hours: expected a finite number, got ' || CAST(gh_value AS VARCHAR)",
        ),
        _rule(
            "gh_given AND gh_value < 0",
            "bad_duration",
            "'gpu_hours: must not be negative, got ' || CAST(gh_value AS VARCHAR)",
        ),
        _rule("gh_given AND count_given", "conflicting_inputs", text(CONFLICTING_HOURS)),
        _rule("NOT gh_given AND NOT count_given", "missing_value", text("count is empty")),
        _rule(
            "NOT gh_given AND span_s IS NULL",
            "missing_value",
            text("no duration: give end (with start) or duration"),
        ),
        _rule(
            "canonical IS NOT NULL AND (tdp_w IS NULL OR isnan(tdp_w))",
            "missing_data",
            "canonical || " + text(NO_TDP.removeprefix("{value}")),
        ),
        _rule(
            "region IS NULL",
            "missing_value",
            text("no region (empty cell; give --region for a default)"),
        ),
        _rule(
            "year_bad",
            "bad_year",
            "'year: expected a calendar year, got ' || chr(39) || CAST(year_cell AS VARCHAR) "
            "|| chr(39)",
        ),
        ("site_code", "site_error"),
        # a name the factor tables lack (never, when they were built from this input)
        _rule(
            "acc_name IS NOT NULL AND acc_found IS NULL",
            "unknown_accelerator",
            "'no factors for accelerator ' || acc_name || ' in footprint_accelerators'",
        ),
        _rule(
            "region IS NOT NULL AND site_found IS NULL",
            "missing_data",
            "'no factors for region ' || region || ' in footprint_sites'",
        ),
    ]
    _ = MISSING_HOURS  # job_rules' wording for a job; batch words the two halves itself
    codes = ",\n       ".join(r[0] for r in rules)
    messages = ",\n       ".join(r[1] for r in rules)
    chain = chain_sql(plan.defaults.embodied is not None)
    limit = literal(MAX_RESULT)
    checks = " OR ".join(
        f"NOT isfinite({chain[QUANTITIES[col]]}) OR abs({chain[QUANTITIES[col]]}) > {limit}"
        for col in plan.sum_columns
    )
    first_bad = " ".join(
        f"WHEN NOT isfinite({chain[QUANTITIES[col]]}) THEN "
        + text(f"{col} is not a finite number (it overflows): " + _TOO_LARGE)
        + f" WHEN abs({chain[QUANTITIES[col]]}) > {literal(MAX_RESULT)} THEN "
        + text(f"{col} is above {MAX_RESULT:g}: " + _TOO_LARGE)
        for col in plan.sum_columns
    )
    first_code = " ".join(
        f"WHEN NOT isfinite({chain[QUANTITIES[col]]}) THEN 'non_finite_result' "
        f"WHEN abs({chain[QUANTITIES[col]]}) > {literal(MAX_RESULT)} THEN 'result_out_of_range'"
        for col in plan.sum_columns
    )
    checked = f"""
CREATE OR REPLACE VIEW footprint_ruled AS
SELECT *, concat_ws(';',
       {codes}) AS reason_code,
       concat_ws('; ',
       {messages}) AS reason
FROM footprint_joined;

CREATE OR REPLACE VIEW footprint_accounted AS
SELECT *,
       -- the chain runs only on rows no rule rejected (no overflow in SQL arithmetic)
       CASE WHEN reason_code = '' AND abs(ah_raw) <= {literal(MAX_RESULT)} THEN ah_raw END
         AS accelerator_hours_h,
       tdp_w * fraction AS power_w,
       host_w AS host_power_w
FROM footprint_ruled;

CREATE OR REPLACE VIEW footprint_checked AS
SELECT *,
       CASE WHEN reason_code <> '' THEN reason_code
            WHEN abs(ah_raw) > {literal(MAX_RESULT)} THEN 'result_out_of_range'
            WHEN {checks} THEN CASE {first_code} END
            ELSE '' END AS final_code,
       CASE WHEN reason_code <> '' THEN reason
            WHEN abs(ah_raw) > {literal(MAX_RESULT)} THEN
              {text("accelerator_hours_h is above " + f"{MAX_RESULT:g}: " + _TOO_LARGE)}
            WHEN {checks} THEN CASE {first_bad} END
            ELSE '' END AS final_reason
FROM footprint_accounted;
"""
    carried_out = [out for _, out in carried]
    head_carried = [c for c in CARRIED if c in carried_out]
    extra = [out for out in carried_out if out not in CARRIED]
    columns = {
        "row": '"row"',
        "job_id": "job_id",
        **{c: ident("carried_" + c) for c in head_carried},
        "accelerator": "canonical",
        "count": "CAST(count_ok AS BIGINT)",
        "start": "start_ts",
        "end": "end_ts",
        "duration_h": "duration_h",
        "region": "region",
        "zone": "zone",
        "year": "year",
        "operator": "operator",
        "power_w": "power_w",
        "utilization": "fraction",
        "host_power_w": "host_power_w",
        **{col: chain[QUANTITIES[col]] for col in plan.sum_columns},
        "cost": chain["cost"],
        "currency": "currency",
        "pue": "pue",
        "wue_l_per_kwh": "wue_l_per_kwh",
        "ewif_l_per_kwh": "ewif_l_per_kwh",
        "intensity_g_per_kwh": "intensity_g_per_kwh",
        "cfe_share": "cfe_share",
        "price_per_kwh": "price_per_kwh",
        "embodied_g_per_h": chain.get("embodied_g_per_h", "NULL"),
        "intensity_year": "intensity_year",
        "ewif_year": "ewif_year",
        "facility_year": "facility_year",
        **{c: ident("carried_" + c) for c in extra},
    }
    select = ",\n       ".join(
        f"{columns[c]} AS {ident(c)}" for c in plan.result_columns if c in columns
    )
    reject_cols = ",\n       ".join(
        f"j.{ident(r)} AS {ident(out)}" for r, out in plan._reject_names().items()
    )
    outputs = f"""
CREATE OR REPLACE VIEW footprint_results AS
SELECT {select}
FROM footprint_checked WHERE final_code = '';

-- the same rows with each job's site key (the facility class too), for per-site counts
CREATE OR REPLACE VIEW footprint_results_keyed AS
SELECT {select},
       facility AS footprint_facility
FROM footprint_checked WHERE final_code = '';

CREATE OR REPLACE VIEW footprint_rejects AS
SELECT c."row", c.final_code AS reason_code, c.final_reason AS reason,
       {reject_cols}
FROM footprint_checked c JOIN {jobs} j ON j."row" = c."row"
WHERE c.final_code <> '';
"""
    return base + checked + outputs


_TOO_LARGE = "an input (power, count, duration, gpu_hours or a site factor) is far too large"


def _iso(column: str) -> str:
    """ISO 8601 UTC text of a timestamp, as the pandas engine writes it in messages."""
    return (
        f"CASE WHEN microsecond({column}) % 1000000 = 0 "
        f"THEN strftime({column}, '%Y-%m-%dT%H:%M:%SZ') "
        f"ELSE strftime({column}, '%Y-%m-%dT%H:%M:%S.%fZ') END"
    )


#: First line of a footprint.sql this module wrote (a folder holding one may be rewritten).
_HEADER = "-- footprint batch, relational plan (DuckDB SQL)."
#: Files a plan folder holds.
PLAN_FILES = (
    "footprint.sql",
    "footprint_accelerators.csv",
    "footprint_accelerators.parquet",
    "footprint_sites.csv",
    "footprint_sites.parquet",
)


def emit_plan(
    path: str | os.PathLike[str], options: Any, directory: str | os.PathLike[str]
) -> list[Path]:
    """``footprint batch PATH --emit-sql DIR``: the plan of ``path`` under ``options``
    (:class:`~footprint.analyses.batch.BatchOptions`) written into ``directory``."""
    from footprint.analyses.batch import make_plan, open_source

    folder = Path(directory)
    _check_folder(folder)
    source = open_source(path, options)
    plan = make_plan(source, options)
    return emit_sql(source, plan, Resolver(plan.defaults.site, plan.defaults.embodied), folder)


def _check_folder(folder: Path) -> None:
    """A plan folder is new, empty, or holds a plan footprint wrote (never anything else)."""
    if not folder.exists():
        return
    if not folder.is_dir():
        raise InputError(f"--emit-sql: {folder} is not a folder")
    others = sorted(p.name for p in folder.iterdir() if p.name not in PLAN_FILES)
    if others:
        raise InputError(
            f"--emit-sql: {folder} holds files footprint did not write ({', '.join(others[:3])}"
            + (", ..." if len(others) > 3 else "")
            + "): give a new or empty folder"
        )
    sql = folder / "footprint.sql"
    if any((folder / n).exists() for n in PLAN_FILES) and not (
        sql.is_file() and sql.read_text(encoding="utf-8", errors="replace").startswith(_HEADER)
    ):
        raise InputError(f"--emit-sql: {folder} holds files footprint did not write")


def emit_sql(source: Any, plan: Plan, resolver: Resolver, directory: Path) -> list[Path]:
    """Write the factor tables (Parquet and CSV) and ``footprint.sql`` into ``directory``."""
    check_relational(plan, source)  # a ParquetSource from here on
    names, sites = distinct_keys(source, plan)
    tables = factor_tables(names, sites, resolver)
    try:
        return _write_plan(source, plan, tables, directory)
    except OSError as exc:
        raise InputError(
            f"--emit-sql: cannot write {str(directory)!r} ({exc.strerror or type(exc).__name__})"
        ) from None


def _write_plan(source: Any, plan: Plan, tables: FactorTables, directory: Path) -> list[Path]:
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for name, frame in (("accelerators", tables.accelerators), ("sites", tables.sites)):
        for suffix in (".parquet", ".csv"):
            path = directory / f"footprint_{name}{suffix}"
            if suffix == ".parquet":
                frame.to_parquet(path, index=False)
            else:
                frame.to_csv(path, index=False)
            written.append(path)
    paths = [p.path for p in source.pieces]
    files = ", ".join(text(str(Path(p).resolve()) if "://" not in p else p) for p in paths)
    header = f"""{_HEADER}
-- Run: duckdb -c ".read footprint.sql" in this folder, or point footprint_jobs at your own
-- table (columns: row, {", ".join(sorted(plan.source))}) and load the two factor tables.
CREATE OR REPLACE VIEW footprint_jobs AS
SELECT CAST(file_row_number + 1 AS BIGINT) AS "row", *
FROM read_parquet([{files}], file_row_number = true);
CREATE OR REPLACE VIEW footprint_accelerators AS
SELECT * FROM read_parquet('footprint_accelerators.parquet');
CREATE OR REPLACE VIEW footprint_sites AS SELECT * FROM read_parquet('footprint_sites.parquet');
"""
    sql_path = directory / "footprint.sql"
    sql_path.write_text(header + plan_sql(plan), encoding="utf-8")
    written.append(sql_path)
    return written
