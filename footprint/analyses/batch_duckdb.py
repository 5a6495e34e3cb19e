"""The ``duckdb`` engine of ``footprint batch``: the SQL plan of
:mod:`footprint.analyses.batch_sql` run by DuckDB, its rows streamed back into the pandas
engine's writers and exact sums (so files and summary are the pandas engine's)."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path
from typing import Any

from footprint.analyses.batch import ParquetSource, Plan, Resolver
from footprint.analyses.batch.readers import chunk_rows
from footprint.analyses.batch_sql import (
    check_relational,
    distinct_keys,
    factor_tables,
    ident,
    plan_sql,
    text,
)
from footprint.core.errors import InputError
from footprint.core.extras import install_hint

__all__ = ["DUCKDB_MEMORY", "run_duckdb"]


def _jobs_view(source: ParquetSource) -> str:
    """The input as the view ``footprint_jobs``: each local file read by DuckDB, rows
    numbered as the pandas engine numbers them (from 1, on across files)."""
    firsts: dict[str, int] = {}
    for piece in source.pieces:
        firsts.setdefault(piece.path, piece.first_row)
    parts = []
    for path, first in firsts.items():
        if "://" in str(path):
            raise InputError(
                "--engine duckdb reads local Parquet files; for an object-store URI use "
                "--engine pandas (or dask)"
            )
        parts.append(
            f'SELECT CAST(file_row_number + {int(first)} AS BIGINT) AS "row", * EXCLUDE '
            f"(file_row_number) FROM read_parquet({text(str(path))}, file_row_number = true)"
        )
    return "CREATE OR REPLACE VIEW footprint_jobs AS\n" + "\nUNION ALL\n".join(parts) + ";\n"


#: Integer columns of the per-job results (nullable in pandas as in the pandas engine).
_INT_COLUMNS = ("count", "year", "intensity_year", "ewif_year", "facility_year")
_CATEGORIES = ("accelerator", "region", "zone", "operator", "currency")


def _as_engine_frame(frame: Any) -> Any:
    """A results batch from DuckDB with the pandas engine's column types."""
    for col in _INT_COLUMNS:
        if col in frame:
            frame[col] = frame[col].astype("Int64")
    for col in _CATEGORIES:
        if col in frame:
            frame[col] = frame[col].astype("category")
    return frame


#: Memory DuckDB may hold before it spills the sort and joins to a temporary folder.
DUCKDB_MEMORY = "768MB"


def run_duckdb(
    source: Any,
    plan: Plan,
    resolver: Resolver,
    summary: Any,
    paths: dict[str, Path | None],
    scheduler: str,
    progress: Any,
    options: Any,
    whats: Any = None,
    kinds: Any = None,
) -> list[Any]:
    """The ``duckdb`` engine of :func:`footprint.analyses.batch.run_batch`.

    DuckDB reads the Parquet input, applies the rules and computes each job through the
    SQL of :func:`plan_sql` (out of core, on every core); the accepted and rejected rows
    stream back as Arrow batches into the pandas engine's sinks and exact group sums, so
    files and summary have the pandas engine's form and numbers. ``scheduler`` is unused.
    """
    try:
        import duckdb
    except ImportError:
        raise InputError(f"--engine duckdb needs DuckDB: {install_hint('duckdb')}") from None
    import pandas as pd

    from footprint.analyses.batch.compute import SummaryPart, derived_power_notes, job_ids
    from footprint.analyses.batch.sums import group_sums
    from footprint.analyses.batch.writers import TableSink

    check_relational(plan, source)
    names, keys = distinct_keys(source, plan)
    tables = factor_tables(names, keys, resolver)
    spill = tempfile.mkdtemp(prefix="footprint-duckdb-")  # never DuckDB's default ./.tmp
    con = duckdb.connect(config={"memory_limit": DUCKDB_MEMORY, "temp_directory": spill})
    con.register("footprint_accelerators", tables.accelerators)
    con.register("footprint_sites", tables.sites)
    con.execute(_jobs_view(source))
    con.execute(plan_sql(plan))
    kinds = kinds or {}
    sinks: list[Any] = []
    try:
        out = {}
        for which, what in (("results", "--output"), ("rejects", "--rejects")):
            target = paths[which]
            if target is not None:
                out[which] = TableSink(target, plan, which, what, kinds.get(which))
                sinks.append(out[which])
        size = chunk_rows(options)
        total = source.total_rows() if progress is not None else None
        done = 0
        results: Any = con.sql('SELECT * FROM footprint_results_keyed ORDER BY "row"')
        site_cols = ["region", "year", "operator", "footprint_facility"]
        for batch in results.to_arrow_reader(size):
            frame = _as_engine_frame(batch.to_pandas())
            part = SummaryPart(rows_in=len(frame), rows_out=len(frame))
            per_site = frame.groupby(site_cols, dropna=False, observed=True).size()
            for key, jobs in per_site.items():
                site = tuple(None if pd.isna(k) else k for k in key)
                site = (site[0], None if site[1] is None else int(site[1]), *site[2:])
                part.sites[site] = (int(jobs), tables.infos[site])
            frame = frame.drop(columns="footprint_facility")
            if "results" in out:
                out["results"].write(frame)
            part.groups, part.total = group_sums(frame, plan.group_by, plan.sum_columns)
            part.job_ids, part.job_rows, part.id_texts = job_ids(frame)
            part.notes = derived_power_notes(frame)
            summary.add(part)
            done += len(frame)
            if progress is not None:
                progress(done, total)
        reject_cols = [c for c in plan.reject_columns if c != "line"]
        rejected: Any = con.sql(
            f"SELECT {', '.join(ident(c) for c in reject_cols)} FROM footprint_rejects "
            'ORDER BY "row"'
        )
        for batch in rejected.to_arrow_reader(size):
            frame = batch.to_pandas()
            part = SummaryPart(rows_in=len(frame), rows_rejected=len(frame))
            codes = frame["reason_code"].str.split(";").explode()
            part.reasons = {str(k): int(v) for k, v in codes.value_counts().items()}
            summary.add(part)
            if "rejects" in out:
                out["rejects"].write(frame[plan.reject_columns])
            done += len(frame)
            if progress is not None:
                progress(done, total)
    except BaseException:
        for sink in sinks:
            sink.abort()
        raise
    finally:
        con.close()
        shutil.rmtree(spill, ignore_errors=True)
    return sinks
