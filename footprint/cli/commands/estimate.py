"""``footprint estimate``: the footprint of a job on accelerators."""

from __future__ import annotations

from typing import Any

import click

from footprint.analyses.estimate import estimate
from footprint.cli.commands._options import (
    COMPUTE_KEYS,
    EMBODIED_KEYS,
    GPU_JOB_KEYS,
    UNCERTAINTY_KEYS,
    compute_and_embodied_from_options,
    compute_cost_options,
    echo,
    embodied_options,
    gpu_job_from_options,
    gpu_job_options,
    marginal_option,
    result_format_option,
    site_from_options,
    site_options,
    uncertainty_from_options,
    uncertainty_options,
    water_scarcity_option,
)
from footprint.render.report import render


@click.command("estimate")
@gpu_job_options
@site_options
@marginal_option
@water_scarcity_option
@embodied_options
@compute_cost_options
@uncertainty_options
@click.option(
    "--breakdown",
    is_flag=True,
    help="Also split total CO2e into accelerators, host, facility overhead and embodied "
    "(as BLOOM's footprint).",
)
@result_format_option
def command(fmt: str, breakdown: bool, **options: Any) -> None:
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
      footprint estimate -a A100-80GB --count 28936 --hours 24 --gpu-price "1 USD/h"
      footprint estimate -a H100-SXM --gpu-hours 1e6 --region IN --marginal
    """

    job = gpu_job_from_options({k: options.pop(k) for k in GPU_JOB_KEYS})
    compute, embodied = compute_and_embodied_from_options(
        {k: options.pop(k) for k in COMPUTE_KEYS}, {k: options.pop(k) for k in EMBODIED_KEYS}
    )
    uncertainty = uncertainty_from_options({k: options.pop(k) for k in UNCERTAINTY_KEYS})
    result = estimate(
        job,
        site_from_options(options),
        embodied=embodied,
        uncertainty=uncertainty,
        compute=compute,
        marginal=options.pop("marginal"),
    )
    echo(render(result, fmt, breakdown=breakdown))
