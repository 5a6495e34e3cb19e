"""``footprint estimate``: the footprint of a job on accelerators."""

from __future__ import annotations

from typing import Any

import click

from footprint.commands._options import (
    FractionType,
    QuantityType,
    echo,
    format_option,
    site_from_options,
    site_options,
)


@click.command("estimate")
@click.option(
    "--accelerator",
    "--gpu",
    "-a",
    "accelerator",
    required=True,
    help="Accelerator name or alias (see `footprint accelerators`).",
)
@click.option(
    "--gpu-hours",
    type=QuantityType("time", "h", allow_zero=False),
    help="Accelerator-hours in total; bare numbers are hours (39.3e6).",
)
@click.option("--count", type=click.IntRange(min=1), help="Number of accelerators (with --hours).")
@click.option(
    "--hours",
    "--duration",
    "duration",
    type=QuantityType("time", "h", allow_zero=False),
    help="Wall-clock duration (with --count): '72', '3 days', '3.5 months'.",
)
@click.option(
    "--power",
    type=QuantityType("power", "W"),
    help="Average draw per accelerator, e.g. '700 W'; replaces TDP x utilization.",
)
@click.option(
    "--utilization",
    type=FractionType(),
    help="Average draw as a fraction of TDP, in (0, 1]. Default 1.0.",
)
@click.option(
    "--host-power",
    type=QuantityType("power", "W"),
    help="Host share per accelerator. Default 150 W; '0 W' turns it off.",
)
@site_options
@format_option
def command(
    accelerator: str,
    gpu_hours: Any,
    count: int | None,
    duration: Any,
    power: Any,
    utilization: float | None,
    host_power: Any,
    fmt: str,
    **site: Any,
) -> None:
    """Electricity, CO2e and water of a job on accelerators.

    Give --gpu-hours, or --count with --hours. Every factor (power, PUE, WUE,
    EWIF, grid intensity) has a sourced default that an option replaces; the
    output lists each factor with its value, zone, year and source.

    \b
    Examples:
      footprint estimate --accelerator H100-SXM --gpu-hours 39.3e6 --region US --year 2023
      footprint estimate --gpu A100-80GB --count 384 --hours "3.5 months" --region FR
      footprint estimate -a V100 --gpu-hours 3.552e6 --power "330 W" --host-power "0 W" \\
          --pue 1.1 --intensity "429 g/kWh"
    """
    from footprint.cli import CliError
    from footprint.engine import estimate
    from footprint.report import render
    from footprint.workloads import GpuJob

    if gpu_hours is not None and (count is not None or duration is not None):
        raise CliError("--gpu-hours: give either --gpu-hours or --count with --hours, not both")
    if gpu_hours is None and (count is None or duration is None):
        raise CliError("--gpu-hours: give --gpu-hours, or both --count and --hours")
    if power is not None and utilization is not None:
        raise CliError("--power: give either --power or --utilization, not both")
    job = GpuJob(
        accelerator=accelerator,
        gpu_hours=gpu_hours,
        count=count,
        duration=duration,
        utilization=utilization,
        power=power,
        host_power=host_power,
    )
    result = estimate(job, site_from_options(site))
    echo(render(result, fmt))
