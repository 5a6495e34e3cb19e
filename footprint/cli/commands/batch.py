"""``footprint batch``: footprints of every job of a job log (CSV, Parquet, sacct)."""

from __future__ import annotations

from typing import Any

import click

from footprint.cli import CliError
from footprint.cli.commands._options import (
    EMBODIED_KEYS,
    FileNameType,
    FractionType,
    QuantityType,
    check_power_options,
    echo,
    embodied_from_options,
    embodied_options,
    format_option,
    site_options_except,
)
from footprint.core.extras import install_hint


def _pairs(values: tuple[str, ...]) -> dict[str, str]:

    out = {}
    for value in values:
        name, sep, source = value.partition("=")
        if not sep or not name.strip() or not source.strip():
            raise CliError(f"--column: expected NAME=SOURCE (e.g. count=n_gpus), got {value!r}")
        out[name.strip()] = source.strip()
    return out


@click.command("batch")
@click.argument("jobs", type=FileNameType())
# Output names are checked by footprint.core.files.output_target (an existing directory,
# device or FIFO is refused; a Parquet dataset footprint wrote may be replaced by Dask).
@click.option(
    "--output",
    "-o",
    type=FileNameType(),
    help="Per-job results: .csv or .parquet (with --engine dask, .parquet is a directory).",
)
@click.option(
    "--rejects",
    type=FileNameType(),
    help="Rejected rows with reasons (.csv or .parquet). Default: beside --output, its "
    "suffix replaced: results.parquet -> results.rejects.csv.",
)
@click.option(
    "--summary",
    "summary_path",
    type=FileNameType(),
    help="Also write the summary: .json, .csv or .md.",
)
@click.option(
    "--group-by",
    "-g",
    multiple=True,
    help="Column(s) to group the summary by (repeat or comma-separate): user, project, "
    "zone, accelerator, month, tag (each ';'-separated tag), any input column.",
)
@click.option(
    "--input-format",
    type=click.Choice(["csv", "parquet", "sacct"]),
    help="Default: from the file (.parquet or a directory is Parquet; a '|' header with "
    "JobID is sacct).",
)
@click.option("--delimiter", help="Field separator of CSV input. Default: from the header.")
@click.option(
    "--billing",
    type=click.Choice(["aws", "gcp", "azure"]),
    help="Read JOBS as a cloud billing export: AWS CUR / Data Exports, Google Cloud billing "
    "export, Azure cost export. Default: from the header.",
)
@click.option(
    "--config",
    "config_path",
    type=FileNameType(),
    help="Cluster config (TOML): partitions -> accelerator, region, operator; GRES types.",
)
@click.option(
    "--column",
    "columns",
    multiple=True,
    metavar="NAME=SOURCE",
    help="Read input column SOURCE as NAME (e.g. --column count=n_gpus); repeatable.",
)
@click.option(
    "--accelerator",
    "--gpu",
    "-a",
    "accelerator",
    help="Accelerator of rows that name none (after their partition).",
)
@click.option("--region", "-r", help="Region of rows that name none (after their partition).")
@click.option(
    "--year",
    type=click.IntRange(1990, 2100),
    help="Data year of rows without a year cell. Default: the year of the row's start.",
)
@click.option("--operator", help="Data-centre operator of rows that name none (PUE/WUE).")
@click.option(
    "--power",
    type=QuantityType("power", "W"),
    help="Draw per accelerator of rows that give neither power nor utilization.",
)
@click.option(
    "--utilization",
    type=FractionType(),
    help="Fraction of TDP for rows that give neither power nor utilization. Default: the "
    "accelerator's server class (0.8 while training).",
)
@click.option(
    "--host-power",
    type=QuantityType("power", "W"),
    help="Host share per accelerator of rows that give none. Default: the accelerator's "
    "server class (150 W on an 8-GPU server).",
)
@site_options_except("region", "year", "operator")
@embodied_options
@click.option(
    "--hourly",
    is_flag=True,
    help="CO2e and off-site water hour by hour where the region has hourly grid data "
    "(US balancing areas, `footprint hourly`); other rows keep annual factors "
    "(column intensity_basis; co2e_annual_kg beside).",
)
@click.option(
    "--engine",
    type=click.Choice(["pandas", "dask", "duckdb"]),
    default="pandas",
    show_default=True,
    help="pandas: chunks on this machine; dask: Parquet pieces as Dask tasks "
    f"({install_hint('dask')}); duckdb: the SQL plan of --emit-sql run by DuckDB on "
    f"every core, for typed Parquet ({install_hint('duckdb')}); all three give the "
    "same rows, rejects and totals.",
)
@click.option(
    "--scheduler",
    default="threads",
    show_default=True,
    help="Dask scheduler: threads, processes, synchronous, local:N (N worker processes "
    "here) or a dask.distributed scheduler's address (tcp://host:8786; inputs and outputs "
    "on a file system every worker sees).",
)
@click.option(
    "--emit-sql",
    "emit_sql_dir",
    type=FileNameType(),
    help="Write the relational plan to this folder instead of computing: footprint.sql "
    "(DuckDB SQL: the rules and the formula chain) and the factor tables resolved for "
    "this input's accelerators and sites (Parquet and CSV), to run in DuckDB or a "
    "warehouse. Typed Parquet input.",
)
@click.option(
    "--chunk-size",
    type=click.IntRange(1, 1 << 25),
    default=250_000,
    show_default=True,
    help="Rows per chunk (memory is bounded by the chunk, not the file).",
)
@click.option(
    "--progress/--no-progress",
    default=None,
    help="Progress bar on stderr. Default: on when stderr is a terminal.",
)
@format_option
def command(
    jobs: str,
    output: str | None,
    rejects: str | None,
    summary_path: str | None,
    group_by: tuple[str, ...],
    input_format: str | None,
    delimiter: str | None,
    billing: str | None,
    config_path: str | None,
    columns: tuple[str, ...],
    accelerator: str | None,
    region: str | None,
    year: int | None,
    operator: str | None,
    power: Any,
    utilization: float | None,
    host_power: Any,
    hourly: bool,
    engine: str,
    scheduler: str,
    emit_sql_dir: str | None,
    chunk_size: int,
    progress: bool | None,
    fmt: str,
    **options_left: Any,
) -> None:
    """Footprints of every job of a job log, with rejects and a grouped summary.

    JOBS is a CSV file (optionally .gz/.bz2/.xz), `sacct --parsable2` output, a
    Parquet file, or a directory of Parquet files. Each job gets the quantities
    of `footprint estimate` (identical numbers for the same inputs); every row
    is in the results or in the rejects with its reason, and the summary states
    rows in = rows out + rows rejected. Outputs are written to temporary files
    and renamed at the end: a failure leaves nothing half-written.

    \b
    Input columns (case-insensitive; --column NAME=SOURCE maps others):
      job_id       identifier of the job (required)
      accelerator  name or alias (`footprint accelerators`); or the partition's,
                   or --accelerator
      count        accelerators, a whole number >= 1
      start, end   ISO 8601 times; without a UTC offset they are read as UTC
      duration     wall-clock time: '3 days', '90 min'; bare numbers are hours
                   (give end or duration)
      gpu_hours    accelerator-hours in total, instead of count and duration
      region       as `estimate --region`: FR, US-VA, aws:us-east-1...; or --region
      year         data year; default the year of start, else --year or the newest
      operator     data-centre operator for PUE/WUE defaults
      power        draw per accelerator: '700 W' (bare numbers are W)
      utilization  fraction of TDP: 0.8 or 80% (instead of power)
      host_power   host share per accelerator: '150 W', '0 W'
      energy       measured IT energy of the job: '12 kWh' (replaces power x hours)
      user, project, partition, tags   carried through; tags are ';'-separated
    Any other column is carried through to the results.

    \b
    sacct: `sacct -X --parsable2 --format=JobID,User,Account,Partition,AllocTRES,
    Elapsed,Start,End,State` gives job_id, user, project (Account), partition,
    count (AllocTRES gres/gpu), duration (Elapsed, [D-]HH:MM:SS); a --config
    maps partitions to accelerators and regions:
      [partitions.gpu_a100]
      accelerator = "A100-80GB"
      region = "FR"
      [gres]            # typed GRES, AllocTRES gres/gpu:h100=4
      h100 = "H100-SXM"

    \b
    Billing exports (detected from the header, or --billing aws|gcp|azure): each
    usage row of an accelerator instance is a job, accelerator-hours = usage hours
    x accelerators per instance (datasets/cloud_instances.csv: p5.48xlarge is
    8 x H100-SXM); region aws:us-east-1, gcp:us-central1, azure:eastus. Every
    other row is a reject: no_accelerator (other services, CPU instances),
    not_usage (fees, credits, reservations, a GPU VM's CPU/RAM), unknown_instance.

    \b
    Results (one row per job, canonical units in the names): row, job_id,
    accelerator, count, start, end, duration_h, region, zone, year, operator,
    power_w, utilization, host_power_w, accelerator_hours_h, it_energy_kwh,
    facility_energy_kwh, co2e_kg, co2e_market_kg, embodied_co2e_kg,
    total_co2e_kg, water_l, water_onsite_l, water_offsite_l, cost, currency,
    and the factors used: pue, wue_l_per_kwh, ewif_l_per_kwh,
    intensity_g_per_kwh, cfe_share, price_per_kwh, embodied_g_per_h,
    intensity_year, ewif_year, facility_year. Rejects: row, reason_code,
    reason, the row as given.

    \b
    Examples:
      footprint batch jobs.csv -o results.parquet --group-by user
      sacct -X --parsable2 --format=JobID,User,Account,Partition,AllocTRES,Elapsed,\\
          Start,End,State -S 2024-01-01 > jobs.txt
      footprint batch jobs.txt --config cluster.toml -o results.csv -g project
      footprint batch lake/jobs/ --engine dask -o results.parquet --format json
      footprint batch examples/aws_cur.csv -r aws:us-east-1 -o gpu_jobs.csv -g project
      footprint batch jobs.parquet --emit-sql plan/   # cd plan; duckdb < footprint.sql
    """
    from footprint.analyses.batch import BatchOptions, read_config, render_summary, run_batch

    groups = tuple(g.strip() for value in group_by for g in value.split(",") if g.strip())
    check_power_options(power, utilization)
    if billing and engine != "pandas":
        raise CliError("--billing: billing exports run on --engine pandas")
    if engine != "dask" and scheduler != "threads":
        raise CliError("--scheduler: only with --engine dask")
    embodied = embodied_from_options(options_left)
    site = {k: v for k, v in options_left.items() if k not in EMBODIED_KEYS}
    config = read_config(config_path) if config_path else None
    options = BatchOptions(
        input_format=input_format,
        delimiter=delimiter,
        billing=billing,
        columns=_pairs(columns),
        config=config,
        accelerator=accelerator,
        region=region,
        year=year,
        operator=operator,
        power=power,
        utilization=utilization,
        host_power=host_power,
        embodied=embodied,
        hourly=hourly,
        group_by=groups,
        chunk_size=chunk_size,
        **site,
    )
    if emit_sql_dir is not None:
        from footprint.analyses.batch_sql import emit_plan

        if output or rejects or summary_path or engine != "pandas":
            raise CliError(
                "--emit-sql: writes a plan, not results (drop -o, --rejects, "
                "--summary and --engine)"
            )
        written = emit_plan(jobs, options, emit_sql_dir)
        echo("wrote " + ", ".join(str(p) for p in written))
        return
    with _progress_bar(progress) as report:
        result = run_batch(
            jobs,
            options,
            output=output,
            rejects=rejects,
            summary_path=summary_path,
            engine=engine,
            scheduler=scheduler,
            progress=report,
        )
    echo(render_summary(result.summary, fmt, result.outputs))
    summary = result.summary
    duplicates = summary.duplicate_note()
    if duplicates:
        click.echo(f"warning: {duplicates}", err=True)
    if summary.rows_rejected:
        where = result.outputs.get("rejects")
        hint = f"see {where}" if where else "--rejects PATH (or --output) writes them with reasons"
        click.echo(
            f"{summary.rows_rejected:,} of {summary.rows_in:,} rows rejected: {hint}", err=True
        )


class _progress_bar:
    """A rich progress bar on stderr fed by ``run_batch``'s progress callback."""

    def __init__(self, wanted: bool | None) -> None:
        from rich.console import Console

        self.console = Console(stderr=True)
        self.show = wanted if wanted is not None else self.console.is_terminal
        self.bar: Any = None
        self.task: Any = None

    def __enter__(self) -> Any:
        if not self.show:
            return None
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            Progress,
            SpinnerColumn,
            TextColumn,
            TimeElapsedColumn,
            TimeRemainingColumn,
        )

        self.bar = Progress(
            SpinnerColumn(),
            TextColumn("rows"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            TimeRemainingColumn(),
            console=self.console,
            transient=True,
        )
        self.bar.__enter__()
        self.task = self.bar.add_task("rows", total=None)

        def report(done: int, total: int | None) -> None:
            self.bar.update(self.task, completed=done, total=total)

        return report

    def __exit__(self, *exc: Any) -> None:
        if self.bar is not None:
            self.bar.__exit__(*exc)
