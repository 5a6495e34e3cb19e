"""``footprint train``: the footprint of a training run from its FLOPs."""

from __future__ import annotations

from typing import Any

import click

from footprint.analyses.estimate import estimate
from footprint.cli import CliError
from footprint.cli.commands._options import (
    COMPUTE_KEYS,
    EMBODIED_KEYS,
    UNCERTAINTY_KEYS,
    FractionType,
    QuantityType,
    check_power_options,
    compute_and_embodied_from_options,
    compute_cost_options,
    echo,
    embodied_options,
    energy_options,
    power_options,
    result_format_option,
    site_from_options,
    site_options,
    uncertainty_from_options,
    uncertainty_options,
)
from footprint.render.report import render
from footprint.workloads.measured import MeasuredRun
from footprint.workloads.training import TrainingRun


@click.command("train")
@click.option(
    "--accelerator",
    "--gpu",
    "-a",
    "accelerator",
    required=True,
    help="Training accelerator (see `footprint accelerators`).",
)
@click.option(
    "--model",
    "-m",
    help="Catalogue model (its active parameters give N; see `footprint infer --list-models`).",
)
@click.option("--params", help="Parameters per token (active for MoE): '70.6e9' or '70.6B'.")
@click.option("--tokens", help="Training tokens: '15e12' or '15T'.")
@click.option(
    "--flops",
    type=QuantityType("flop", "FLOP", allow_zero=False),
    help="Training compute, e.g. '3.14e23' (replaces 6 x params x tokens).",
)
@click.option(
    "--mfu",
    type=FractionType(),
    help="Achieved model FLOPs utilisation in (0, 1]. Default 0.40 (Llama 3 405B).",
)
@click.option(
    "--gpu-hours",
    type=QuantityType("time", "h", allow_zero=False),
    help="Published accelerator-hours: used, with the MFU they imply, when --mfu is absent; "
    "compared with the modelled hours otherwise.",
)
@click.option(
    "--count",
    type=click.IntRange(min=1),
    help="Accelerators in the run (gives the wall-clock duration).",
)
@click.option(
    "--precision",
    type=click.Choice(["bf16", "fp16", "fp8"]),
    default="bf16",
    show_default=True,
    help="Which dense peak FLOP/s applies.",
)
@power_options
@energy_options
@site_options
@embodied_options
@compute_cost_options
@uncertainty_options
@result_format_option
def command(
    accelerator: str,
    model: str | None,
    params: str | None,
    tokens: str | None,
    flops: Any,
    mfu: float | None,
    gpu_hours: Any,
    count: int | None,
    precision: str,
    power: Any,
    utilization: float | None,
    host_power: Any,
    energy: Any,
    energy_basis: str,
    fmt: str,
    **site: Any,
) -> None:
    """Electricity, CO2e and water of a training run from its compute.

    FLOPs = 6 x parameters x tokens (active parameters for mixture-of-experts models),
    or --flops; accelerator-hours = FLOPs / (peak FLOP/s x MFU). With --gpu-hours and no
    --mfu, the published hours are used and the MFU they imply is reported.

    \b
    Examples:
      footprint train -a H100-SXM -m llama-3-70b --tokens 15T --gpu-hours 6.4e6
      footprint train -a V100 --params 175e9 --tokens 300e9 --mfu 0.2 --count 10000 \\
          --power "330 W" --host-power "0 W" --pue 1.1 --intensity "429 g/kWh"
      footprint train -a H100-SXM --flops 3.8e25 --mfu 0.4 --region US --format json
      footprint train -a H100-SXM -m llama-3.1-8b --tokens 15.6T --gpu-hours 1.46e6 \\
          --energy "1.02 GWh" --region US --format hf-model-card
    """

    compute, embodied = compute_and_embodied_from_options(
        {k: site.pop(k) for k in COMPUTE_KEYS}, {k: site.pop(k) for k in EMBODIED_KEYS}
    )
    uncertainty = uncertainty_from_options({k: site.pop(k) for k in UNCERTAINTY_KEYS})
    workload = training_workload(
        accelerator=accelerator,
        model=model,
        params=params,
        tokens=tokens,
        flops=flops,
        mfu=mfu,
        gpu_hours=gpu_hours,
        count=count,
        precision=precision,
        utilization=utilization,
        power=power,
        host_power=host_power,
        energy=energy,
        energy_basis=energy_basis,
    )
    result = estimate(
        workload,
        site_from_options(site),
        embodied=embodied,
        uncertainty=uncertainty,
        compute=compute,
    )
    echo(render(result, fmt))


def training_workload(**options: Any) -> Any:
    """The workload of `footprint train`'s options (also of `compare train`, `project train`):
    a :class:`TrainingRun`, or with ``energy`` a measured run with its FLOPs and hours."""
    flops, model = options["flops"], options["model"]
    if flops is not None and (
        options["params"] is not None or options["tokens"] is not None or model is not None
    ):
        raise CliError("--flops: give either --flops or --model/--params with --tokens")
    if flops is None and options["tokens"] is None:
        raise CliError("--tokens: give the training tokens (e.g. 15T), or --flops")
    power, utilization = options["power"], options["utilization"]
    check_power_options(power, utilization)
    energy, basis = options.pop("energy"), options.pop("energy_basis")
    run = TrainingRun(**options)
    if energy is None:
        return run
    # a measured run: its energy, the model's hours and FLOPs beside
    if power is not None or utilization is not None:
        raise CliError("--power/--utilization: a measured --energy replaces the draw")
    load = run.load()
    return MeasuredRun(
        energy,
        basis=basis,
        accelerator=options["accelerator"],
        gpu_hours=load.accelerator_hours,
        host_power=options["host_power"] if basis == "accelerators" else None,
        training_flops=run.flops_used,
        modelled_it_energy=load.accelerator_hours * (load.power.value + load.host_power.value),
    )
