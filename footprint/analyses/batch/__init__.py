"""Footprints of many jobs at once: job logs in, per-job results, rejects and summaries out.

A cluster's accounting (a CSV or Parquet table, or Slurm's ``sacct --parsable2``
output) becomes one row of results per job with the same quantities as
:func:`footprint.estimate`, a rejects table giving the reason for every row
that could not be accounted, and a summary grouped by any column. No row is
lost: rows in = rows out + rows rejected, stated in every summary.

The computation is vectorised over a whole chunk of rows: names (accelerators,
regions, operators, units) are resolved once per *distinct* value, and every
site (region, year, operator) once through :func:`footprint.places.site.site_factors`,
so the batch gains whatever that resolver supports; the formulas are those of
:func:`footprint.core.accounting.account`, applied to NumPy arrays. Each row's
numbers are identical (bit for bit) to ``footprint estimate`` for the same
inputs. Summary totals are exact sums rounded once (:class:`Summary`), so they
do not depend on chunking, row order or the engine.

Input columns (case-insensitive; ``columns={"count": "n_gpus"}`` maps others):

========== =================================================================
job_id      identifier of the job (required)
accelerator name or alias (``footprint accelerators``); else the partition's
            accelerator from the cluster config, else the default
count       accelerators used, a whole number >= 1
start, end  ISO 8601 times; times without an offset are read as UTC
duration    wall-clock time ('3 days', '90 min', '5400 s'); bare numbers are hours
gpu_hours   accelerator-hours in total, instead of count and duration
region      anything ``footprint estimate --region`` takes; else the default
year        data year; default: the calendar year (UTC) of ``start``
operator    data-centre operator for PUE/WUE defaults
power       average draw per accelerator ('700 W'; bare numbers are W)
utilization fraction of TDP (0.8 or '80%'), instead of power
host_power  host share per accelerator ('0 W' turns it off)
user, project, partition, tags   carried through; tags are ';'-separated
========== =================================================================

Every other column is carried through to the results unchanged.
"""

from __future__ import annotations

import contextlib
import os
import reprlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from footprint.analyses.batch.cells import parse_alloc_tres, parse_elapsed
from footprint.analyses.batch.compute import ChunkResult, SummaryPart, process_chunk
from footprint.analyses.batch.options import (
    INPUT_COLUMNS,
    QUANTITIES,
    REASON_CODES,
    RESULT_COLUMNS,
    SACCT_FIELDS,
    SUM_COLUMNS,
    BatchOptions,
    ClusterConfig,
    PartitionSpec,
    read_config,
)
from footprint.analyses.batch.plan import (
    HourlyCurve,
    Plan,
    Resolver,
    SiteInfo,
    hourly_curve,
    make_plan,
)
from footprint.analyses.batch.readers import (
    FrameSource,
    ParquetPiece,
    ParquetSource,
    RawChunk,
    Source,
    chunk_rows,
    open_source,
    read_piece,
    remote_uri,
)
from footprint.analyses.batch.summary import Summary, base_notes, render_summary
from footprint.analyses.batch.writers import (
    TableSink,
    TextSink,
    arrow_schema,
    discard,
    output_kind,
    publish,
    to_arrow,
)
from footprint.core.errors import InputError
from footprint.core.files import output_target

__all__ = [
    "INPUT_COLUMNS",
    "RESULT_COLUMNS",
    "SUM_COLUMNS",
    "REASON_CODES",
    "BatchOptions",
    "ClusterConfig",
    "PartitionSpec",
    "BatchResult",
    "BatchReport",
    "Summary",
    "read_config",
    "batch_frame",
    "run_batch",
    "parse_elapsed",
    "parse_alloc_tres",
    "Source",
    "ParquetSource",
    "output_kind",
    "publish",
    "discard",
    "QUANTITIES",
    "SACCT_FIELDS",
    "ChunkResult",
    "SummaryPart",
    "process_chunk",
    "HourlyCurve",
    "hourly_curve",
    "Plan",
    "Resolver",
    "SiteInfo",
    "make_plan",
    "ParquetPiece",
    "RawChunk",
    "open_source",
    "read_piece",
    "remote_uri",
    "render_summary",
    "TableSink",
    "TextSink",
    "arrow_schema",
    "to_arrow",
]


@dataclass
class BatchResult:
    """In-memory outcome of :func:`batch_frame`."""

    results: pd.DataFrame
    rejects: pd.DataFrame
    summary: Summary
    plan: Plan


@dataclass
class BatchReport:
    """Outcome of :func:`run_batch`: the summary, the files written, site resolutions made."""

    summary: Summary
    outputs: dict[str, str]
    plan: Plan
    site_resolutions: int = 0


def batch_frame(
    frame: pd.DataFrame,
    options: BatchOptions | None = None,
    *,
    kind: str = "frame",
    resolver: Resolver | None = None,
) -> BatchResult:
    """Footprint of every job of ``frame``, in memory.

    Parameters
    ----------
    frame : pandas.DataFrame
        One row per job, columns as in :data:`INPUT_COLUMNS` (text as read from
        a CSV, or typed columns).
    options : BatchOptions, optional
        Column mapping, defaults and overrides, group-by.
    kind : {"frame", "sacct"}
        ``"sacct"`` reads sacct fields (JobID, AllocTRES, Elapsed, Start, End...).
    resolver : Resolver, optional
        Share resolutions between calls.

    Returns
    -------
    BatchResult
        ``results``: accepted rows with accelerator_hours_h [h], it_energy_kwh,
        facility_energy_kwh [kWh], co2e_kg [kgCO2e], water_l, water_onsite_l,
        water_offsite_l [L] and the factors, zone and years used; ``rejects``:
        row, reason_code, reason and the row as given; ``summary``.

    Examples
    --------
    >>> import pandas as pd
    >>> from footprint.analyses.batch import batch_frame
    >>> jobs = pd.DataFrame({"job_id": ["1"], "accelerator": ["H100-SXM"], "count": ["8"],
    ...                      "duration": ["3 days"], "region": ["FR"], "year": ["2023"]})
    >>> batch_frame(jobs).results.loc[0, "accelerator_hours_h"]
    np.float64(576.0)
    """
    options = options or BatchOptions()
    if not isinstance(options, BatchOptions):
        raise InputError(f"options: expected BatchOptions, got {reprlib.repr(options)}")
    if not isinstance(frame, pd.DataFrame):
        raise InputError(f"frame: expected a pandas DataFrame, got {type(frame).__name__}")
    if kind not in ("frame", "sacct"):
        raise InputError(f"kind: expected frame or sacct, got {kind!r}")
    source = FrameSource(frame, kind)
    plan = make_plan(source, options)
    resolver = resolver or Resolver(plan.defaults.site, plan.defaults.embodied)
    summary = Summary(plan.group_by, base_notes(plan), plan.sum_columns)
    results, rejects = [], []
    for chunk in source.chunks(chunk_rows(options)):
        part = process_chunk(chunk, plan, resolver)
        results.append(part.results)
        rejects.append(part.rejects)
        summary.add(part.summary)
    res = pd.concat(results, ignore_index=True) if len(results) > 1 else results[0]
    rej = pd.concat(rejects, ignore_index=True) if len(rejects) > 1 else rejects[0]
    return BatchResult(res, rej, summary, plan)


#: Engines of :func:`run_batch` besides the built-in ``pandas`` one: name -> the
#: ``module:function`` that runs it, imported on first use. An engine is a plugin on top
#: of this module (it imports the plan, pieces and sinks from here), so it is named here,
#: never imported: :mod:`footprint.analyses.batch_dask` depends on this module, not the reverse.
_ENGINE_PLUGINS: dict[str, str] = {
    "dask": "footprint.analyses.batch_dask:run_dask",
    "duckdb": "footprint.analyses.batch_duckdb:run_duckdb",
}


def _plugin_engine(name: str) -> Callable[..., list[Any]]:
    """The run function of the plugin engine ``name``, its module imported on first use."""
    import importlib

    module, _, function = _ENGINE_PLUGINS[name].partition(":")
    run: Callable[..., list[Any]] = getattr(importlib.import_module(module), function)
    return run


def run_batch(
    path: str | os.PathLike[str],
    options: BatchOptions | None = None,
    *,
    output: str | os.PathLike[str] | None = None,
    rejects: str | os.PathLike[str] | None = None,
    summary_path: str | os.PathLike[str] | None = None,
    engine: str = "pandas",
    scheduler: str = "threads",
    progress: Callable[[int, int | None], None] | None = None,
) -> BatchReport:
    """Footprint of every job of a job log, written atomically to files.

    Parameters
    ----------
    path : path
        CSV (optionally .gz/.bz2/.xz), sacct ``--parsable2`` output, a Parquet
        file, or a directory of Parquet files (Hive ``key=value`` folders); Parquet
        also by URI from an object store (``s3://``, ``gs://``, ``hdfs://``, ``file://``).
    options : BatchOptions, optional
    output : path, optional
        Per-job results, ``.csv`` or ``.parquet``. With ``engine="dask"`` a
        ``.parquet`` output is a directory of part files.
    rejects : path, optional
        Rejected rows with reasons (``.csv`` or ``.parquet``); default
        ``<output stem>.rejects.csv`` beside ``output``, written (maybe empty)
        whenever ``output`` is.
    summary_path : path, optional
        The summary as ``.json``, ``.csv`` or ``.md``.
    engine : {"pandas", "dask"}
        ``pandas`` streams chunks through this process (memory bounded by the
        chunk, not the file); ``dask`` runs the same per-chunk computation as
        Dask tasks over the pieces of a Parquet dataset.
    scheduler : str
        Dask scheduler: ``threads``, ``processes``, ``synchronous``, ``local:N``
        (N ``dask.distributed`` worker processes on this machine) or the address of
        a ``dask.distributed`` scheduler, ``tcp://host:8786`` (input and outputs
        must then be on a file system every worker sees, at the same paths).
    progress : callable, optional
        ``progress(rows_done, rows_total_or_None)``, called after each chunk.

    Returns
    -------
    BatchReport

    Raises
    ------
    InputError
        Malformed header, missing required column, bad option or output name:
        raised before anything is written. A failure later removes the
        temporary files, so no output is ever half-written.
    """
    options = options or BatchOptions()
    if not isinstance(options, BatchOptions):
        raise InputError(f"options: expected BatchOptions, got {reprlib.repr(options)}")
    if engine not in ("pandas", *_ENGINE_PLUGINS):
        raise InputError(f"engine: expected pandas, dask or duckdb, got {engine!r}")
    inputs = [Path(path)]
    if options.config is not None and options.config.path:
        inputs.append(Path(options.config.path))
    # every output is checked before anything is read: no run ends refusing its outputs
    given, paths, whats = _output_paths(inputs, output, rejects, summary_path, engine)
    kinds = {
        k: output_kind(p, whats[k]) for k, p in given.items() if p is not None and k != "summary"
    }
    source = open_source(path, options)
    plan = make_plan(source, options)
    resolver = Resolver(plan.defaults.site, plan.defaults.embodied)
    summary = Summary(plan.group_by, base_notes(plan), plan.sum_columns)
    sinks: list[Any] = []
    try:
        if engine != "pandas":
            run_plugin = _plugin_engine(engine)
            sinks = run_plugin(
                source, plan, resolver, summary, paths, scheduler, progress, options, whats, kinds
            )
        else:
            sinks = _run_pandas(source, plan, resolver, summary, paths, progress, options, kinds)
        outputs = {k: str(p) for k, p in given.items() if p is not None}
        summary_file = paths["summary"]
        if summary_file is not None:
            suffix = Path(str(given["summary"])).suffix.lower()
            fmt = {".json": "json", ".csv": "csv", ".md": "markdown"}[suffix]
            text = render_summary(summary, fmt, outputs)
            sinks.append(TextSink(summary_file, text, whats["summary"]))
        for sink in sinks:
            if hasattr(sink, "close"):
                sink.close()
        for sink in sinks:
            sink.commit()
    except BaseException:
        for sink in sinks:
            sink.abort()
        raise
    return BatchReport(summary, outputs, plan, resolver.site_calls)


def _output_paths(
    inputs: list[Path], output: Any, rejects: Any, summary_path: Any, engine: str = "pandas"
) -> tuple[dict[str, Path | None], dict[str, Path | None], dict[str, str]]:
    """(paths as given, the real paths each output will replace, the option naming each).

    Each output is checked with :func:`footprint.core.files.output_target`: an existing
    directory (other than a Parquet dataset footprint wrote, for the Dask engine),
    device, FIFO or socket is refused, and so is any input; a symbolic link is
    written through.
    """

    def name(value: Any, what: str) -> Path | None:
        if value is None:
            return None
        if not isinstance(value, str | os.PathLike) or not str(value).strip():
            raise InputError(f"{what}: expected a file name, got {reprlib.repr(value)}")
        return Path(value)

    out = name(output, "--output")
    rej = name(rejects, "--rejects")
    whats = {"results": "--output", "rejects": "--rejects", "summary": "--summary"}
    if out is not None:
        output_kind(out, "--output")
        if rej is None:
            rej = out.with_name(out.name[: -len(out.suffix)] + ".rejects.csv")
            whats["rejects"] = "rejects (written beside --output; --rejects names another file)"
    if rej is not None:
        output_kind(rej, "--rejects")
    summ = name(summary_path, "--summary")
    if summ is not None and summ.suffix.lower() not in {".json", ".csv", ".md"}:
        raise InputError(f"--summary {summ}: expected a .json, .csv or .md file name")
    given = {"results": out, "rejects": rej, "summary": summ}
    targets: dict[str, Path | None] = {}
    for key, p in given.items():
        if p is None:
            targets[key] = None
            continue
        directory = (
            engine == "dask" and key != "summary" and output_kind(p, whats[key]) == ("parquet")
        )
        target = output_target(p, whats[key], inputs=inputs, directory=directory)
        for source in inputs:
            with contextlib.suppress(OSError):
                if source.is_dir() and source.resolve() in target.resolve().parents:
                    raise InputError(
                        f"{whats[key]}: {str(p)!r} is inside the input dataset {str(source)!r}; "
                        "a later run would read it as input (write it elsewhere)"
                    )
        targets[key] = target
    chosen = [t for t in targets.values() if t is not None]
    if len({t.resolve() for t in chosen}) != len(chosen):
        raise InputError("--output, --rejects and --summary must be different files")
    return given, targets, whats


def _run_pandas(
    source: Source,
    plan: Plan,
    resolver: Resolver,
    summary: Summary,
    paths: dict[str, Path | None],
    progress: Callable[[int, int | None], None] | None,
    options: BatchOptions,
    kinds: Mapping[str, str] | None = None,
) -> list[Any]:
    """Stream chunks through :func:`process_chunk` into sinks (returned uncommitted)."""
    kinds = kinds or {}
    sinks: list[TableSink] = []
    try:
        results_path, rejects_path = paths["results"], paths["rejects"]
        results_sink = (
            TableSink(results_path, plan, "results", "--output", kinds.get("results"))
            if results_path
            else None
        )
        if results_sink is not None:
            sinks.append(results_sink)
        rejects_sink = (
            TableSink(rejects_path, plan, "rejects", "--rejects", kinds.get("rejects"))
            if rejects_path
            else None
        )
        if rejects_sink is not None:
            sinks.append(rejects_sink)
        total = source.total_rows() if progress is not None else None
        done = 0
        for chunk in source.chunks(chunk_rows(options)):
            part = process_chunk(chunk, plan, resolver)
            if results_sink is not None:
                results_sink.write(part.results)
            if rejects_sink is not None and len(part.rejects):
                rejects_sink.write(part.rejects)
            summary.add(part.summary)
            done += part.summary.rows_in
            if progress is not None:
                progress(done, total)
    except BaseException:
        for sink in sinks:
            sink.abort()
        raise
    return list(sinks)
