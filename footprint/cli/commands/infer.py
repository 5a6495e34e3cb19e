"""``footprint infer``: electricity, CO2e, water and cost of serving a language model."""

from __future__ import annotations

import json
from typing import Any

import click

from footprint.analyses import inference as analysis
from footprint.catalogues.models import MAX_PARAMS_B, custom_model, list_models, model_table
from footprint.cli import CliError
from footprint.cli.commands._options import (
    COMPUTE_KEYS,
    EMBODIED_KEYS,
    UNCERTAINTY_KEYS,
    FractionType,
    QuantityType,
    compute_and_embodied_from_options,
    compute_cost_options,
    echo,
    embodied_options,
    energy_options,
    result_format_option,
    site_from_options,
    site_options,
    uncertainty_from_options,
    uncertainty_options,
)
from footprint.core.errors import FootprintError, suggest
from footprint.render.notes import note_lines
from footprint.render.report import fit_text, format_number, render, render_frame, to_json
from footprint.workloads import inference
from footprint.workloads.inference import parse_rate, parse_requests, parse_tokens, preset_table
from footprint.workloads.measured import MeasuredRun

#: Columns of the comparison table a narrow terminal leaves out first.
COMPARISON_DROP_ORDER = ("accelerators_per_replica", "energy_per_token_wh", "accelerators")

#: Same names as ``footprint.workloads.inference.PRECISIONS`` (kept literal: no heavy import here).
PRECISION_CHOICES = ("fp32", "fp16", "bf16", "fp8", "int8", "int4")


class BillionsType(click.ParamType):
    """A parameter count in billions: ``8``, ``8B``, ``500M``, ``1.5T`` (a float in billions).

    Bare numbers are billions. A count written out (``8e9``) would be 8e18 parameters:
    it is refused with the spelling to use, as are NaN, infinity, zero and negatives.
    """

    name = "billions"

    def get_metavar(self, param: click.Parameter, ctx: click.Context | None = None) -> str:
        return "BILLIONS"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        import math

        if isinstance(value, float):
            return value
        name = param.opts[0] if param is not None and param.opts else "value"
        text = str(value).strip().lower()
        scale = {"m": 1e-3, "b": 1.0, "t": 1e3}.get(text[-1:])
        number_text = text[:-1] if scale is not None else text
        try:
            x = float(number_text) * (1.0 if scale is None else scale)
        except ValueError:
            raise CliError(
                f"{name}: expected parameters in billions such as 8, 8B or 500M, got {value!r}"
            ) from None
        if not math.isfinite(x) or x <= 0:
            raise CliError(f"{name}: expected a positive number of parameters, got {value!r}")
        if x / 1e9 > MAX_PARAMS_B:  # too large even read as a count of parameters
            raise CliError(
                f"{name}: {value} is more parameters than footprint models "
                f"(at most {MAX_PARAMS_B:g} billion)"
            )
        if x > MAX_PARAMS_B:
            raise CliError(
                f"{name}: {value} is read in billions ({x * 1e9:g} parameters); "
                f"write {x / 1e9:g} or {x / 1e9:g}B for {x:g} parameters"
            )
        return x


@click.command("infer")
@click.option(
    "--model",
    "-m",
    "models",
    multiple=True,
    help="Model name or alias (see --list-models); repeat to compare models.",
)
@click.option(
    "--params",
    type=BillionsType(),
    help="Total parameters in billions ('8' or '8B'; '500M'), for a model outside the catalogue.",
)
@click.option(
    "--active-params",
    type=BillionsType(),
    help="Active parameters per token in billions (mixture of experts; with --params).",
)
@click.option(
    "--requests",
    "-n",
    help="Volume: a rate ('1e9 request/day', '5e6 request/month') or a total ('2e6 request'; "
    "bare numbers are totals).",
)
@click.option("--users", type=float, help="Number of users (with --requests-per-user).")
@click.option(
    "--requests-per-user",
    help="Requests per user per time, e.g. '10 request/day' (a rate; with --users).",
)
@click.option(
    "--output-tokens",
    help="Tokens generated per request, e.g. 300 (required except for presets).",
)
@click.option("--input-tokens", help="Prompt tokens per request, e.g. 500. Default 0.")
@click.option(
    "--energy-model",
    "-e",
    "energy_models",
    multiple=True,
    help="production (default), ecologits, roofline or preset:NAME (see --list-presets); repeat to "
    "compare energy models.",
)
@click.option(
    "--accelerator",
    "--gpu",
    "-a",
    "accelerator",
    default=None,
    help="Serving accelerator (see `footprint accelerators`). Default: H100-SXM (the "
    "EcoLogits hardware); a preset has none unless given (no accelerator-hours, no embodied).",
)
@click.option(
    "--gpus",
    type=click.IntRange(min=1),
    help="Accelerators per model replica. Default: what the weights need (EcoLogits rule).",
)
@click.option(
    "--precision",
    type=click.Choice(PRECISION_CHOICES),
    default="bf16",
    show_default=True,
    help="Weight precision (memory, GPU count; roofline peak).",
)
@click.option(
    "--batch",
    type=click.IntRange(min=1),
    help="Concurrent requests per replica. Default 64 (EcoLogits).",
)
@click.option(
    "--fleet-utilization",
    type=FractionType(),
    help="Busy share of provisioned capacity in (0, 1]; idle capacity draws --idle-power. "
    "Default 0.8 for production, 1.0 for the other models.",
)
@click.option(
    "--period",
    type=QuantityType("time", "h", allow_zero=False),
    help="Accounting period of a rate. Default '1 year'.",
)
@click.option(
    "--power",
    type=QuantityType("power", "W"),
    help="Busy draw per accelerator for the roofline model. Default TDP.",
)
@click.option(
    "--idle-power",
    type=QuantityType("power", "W"),
    help="Draw of an idle provisioned accelerator. Default 0.2 x TDP.",
)
@click.option(
    "--host-power",
    type=QuantityType("power", "W"),
    help="Host share per accelerator. Default: the server class's (150 W on an 8-GPU "
    "server); '0 W' turns it off.",
)
@click.option("--mbu", type=FractionType(), help="Roofline: share of peak HBM bandwidth (0.7).")
@click.option("--mfu", type=FractionType(), help="Roofline: share of peak FLOP/s (0.5).")
@click.option("--list-models", is_flag=True, help="List the model catalogue and exit.")
@click.option("--list-presets", is_flag=True, help="List the published per-request figures.")
@click.option("--search", "-s", help="Substring to filter --list-models.")
@site_options
@embodied_options
@compute_cost_options
@click.option(
    "--plan-price",
    metavar="PRICE",
    help="Subscription price per user-month, e.g. '10 USD/user/month' (with --users): "
    "adds the margin per user and the break-even requests per user-month.",
)
@uncertainty_options
@result_format_option
@energy_options
def command(
    models: tuple[str, ...],
    params: float | None,
    active_params: float | None,
    requests: str | None,
    users: float | None,
    requests_per_user: str | None,
    output_tokens: str | None,
    input_tokens: str | None,
    energy_models: tuple[str, ...],
    accelerator: str,
    gpus: int | None,
    precision: str,
    batch: int | None,
    fleet_utilization: float | None,
    period: Any,
    power: Any,
    idle_power: Any,
    host_power: Any,
    energy: Any,
    energy_basis: str,
    mbu: float | None,
    mfu: float | None,
    list_models: bool,
    list_presets: bool,
    search: str | None,
    plan_price: str | None,
    fmt: str,
    **site: Any,
) -> None:
    """Electricity, CO2e, water and cost of serving a language model.

    Give a model, a volume (a rate such as '1e9 request/day', or --users with
    --requests-per-user) and the tokens per request. Four energy models: measured
    production rates (production, default), an empirical per-token fit (ecologits), a
    first-principles roofline model, and published per-request figures (preset:NAME).
    Results: energy per request and per output token, totals per day, month and year,
    then CO2e, water and cost as for any job. Several --model or --energy-model values
    give a comparison table.

    \b
    Examples:
      footprint infer -m llama-3.1-8b -n "1e9 request/day" --input-tokens 500 \\
          --output-tokens 300 --region US
      footprint infer -m llama-3.2-1b -m llama-3.1-8b -m llama-3.1-70b -m llama-3.1-405b \\
          -n "1e9 request/day" --output-tokens 300 -e ecologits -e roofline
      footprint infer -m gpt-4o --users 1e6 --requests-per-user "20 request/day" \\
          --output-tokens 400 --price "0.12 USD/kWh"
      footprint infer -e preset:google-gemini-2025 -n "1e9 request/day" --pue 1.09
      footprint infer -m gpt-4o --users 1e6 --requests-per-user "300 request/month" \\
          --output-tokens 400 --gpu-price "2.50 USD/h" --plan-price "10 USD/user/month"
      footprint infer --list-models --search llama
    """

    if list_models or list_presets:
        _listing(list_models, list_presets, search, fmt)
        return

    if params is not None:
        if models:
            raise CliError("--params: give either --model or --params, not both")
        chosen: list[Any] = [custom_model(params, active_params)]
    elif active_params is not None:
        raise CliError("--active-params: needs --params (the total) for a custom model")
    else:
        chosen = list(models)
    ems = list(energy_models) or ["production"]
    if not chosen and not all(e.strip().lower().startswith("preset:") for e in ems):
        raise CliError("--model: give a model (see --list-models), --params, or a preset")
    common = parse_workload_options(
        requests=requests,
        users=users,
        requests_per_user=requests_per_user,
        output_tokens=output_tokens,
        input_tokens=input_tokens,
        accelerator=accelerator,
        gpus=gpus,
        precision=precision,
        batch=batch,
        fleet_utilization=fleet_utilization,
        period=period,
        power=power,
        idle_power=idle_power,
        host_power=host_power,
        mbu=mbu,
        mfu=mfu,
    )
    compute, embodied = compute_and_embodied_from_options(
        {k: site.pop(k) for k in COMPUTE_KEYS}, {k: site.pop(k) for k in EMBODIED_KEYS}
    )
    uncertainty = uncertainty_from_options({k: site.pop(k) for k in UNCERTAINTY_KEYS})
    site_obj = site_from_options(site)
    runs = len(ems) * max(len(chosen), 1)
    if runs != 1 and (compute is not None or plan_price is not None):
        flag = "--plan-price" if plan_price is not None else "compute cost (--gpu-price...)"
        raise CliError(f"{flag}: give one model and one energy model (not a comparison)")
    if energy is not None and runs != 1:
        raise CliError("--energy: give one model and one energy model (a measured service)")
    if runs == 1:
        workload: Any = inference.InferenceWorkload(
            model=chosen[0] if chosen else None, energy_model=ems[0], **common
        )
        served = workload
        if energy is not None:  # the measured energy of that volume, the model's beside
            workload = measured_service(workload, energy, energy_basis)
        result = analysis.estimate_inference(
            workload,
            site_obj,
            embodied=embodied,
            uncertainty=uncertainty,
            users_of=served,
            compute=compute,
            plan_price=plan_price,
        )
        echo(render(result, fmt))
        return
    if uncertainty is not None:
        raise CliError("--uncertainty: give one model and one energy model (not a comparison)")
    if fmt in ("hf-model-card", "eu-ai-act", "boamps", "sci"):
        raise CliError(f"--format {fmt}: give one model and one energy model (not a comparison)")
    if fmt == "json":  # every run's full estimate: the keys of `footprint estimate`
        estimates = analysis.inference_runs(chosen, ems, site_obj, **common)
        notes = analysis.run_notes(estimates)
        echo(to_json({"rows": [e.to_dict() for e in estimates], "notes": notes}))
        return
    table = analysis.compare_inference(chosen, ems, site_obj, **common)
    if fmt in ("table", "markdown"):
        import math

        def shown(x: float) -> str:  # a missing value (no price: no cost) is empty
            return "" if math.isnan(x) else format_number(x)

        table = table.apply(lambda col: col.map(shown) if col.dtype.kind == "f" else col)
    title = "Inference: models and energy models on the same volume"
    echo(render_frame(table, fmt, title=title, drop=COMPARISON_DROP_ORDER))
    if fmt in ("table", "markdown"):
        lines = note_lines(table.attrs.get("notes", []), fmt)[1:]
        echo("\n".join(lines) if fmt == "markdown" else fit_text("\n".join(lines)))


def parse_workload_options(**options: Any) -> dict[str, Any]:
    """Parse the volume and token options here, so errors name the CLI option.

    Returns the keyword arguments of :class:`~footprint.workloads.inference.InferenceWorkload`
    (other than the model and energy model) from `footprint infer`'s options; also used by
    ``footprint compare infer`` and ``footprint project infer``
    (:func:`footprint.cli.commands.compare.inference_workload`).
    """
    import math

    out = dict(options)
    requests, users, per_user = (
        options["requests"],
        options["users"],
        options["requests_per_user"],
    )
    try:
        # Validated here so that errors name the option; passed on as given (echoed).
        if options["requests"] is not None:
            parse_requests(options["requests"], "--requests")
        if options["requests_per_user"] is not None:
            parse_rate(options["requests_per_user"], "--requests-per-user")
        if options["output_tokens"] is not None:
            out["output_tokens"] = parse_tokens(
                options["output_tokens"], "--output-tokens", allow_zero=False
            )
        if options["input_tokens"] is not None:
            out["input_tokens"] = parse_tokens(options["input_tokens"], "--input-tokens")
        else:
            out["input_tokens"] = 0
        if options["users"] is not None and options["requests_per_user"] is None:
            raise CliError("--users: give --requests-per-user too (e.g. '10 request/day')")
    except FootprintError as exc:
        raise CliError(str(exc)) from None
    if requests is not None and (users is not None or per_user is not None):
        raise CliError(
            "--requests: give either --requests or --users with --requests-per-user, not both"
        )
    if per_user is not None and users is None:
        raise CliError("--requests-per-user: give --users too (the number of users)")
    if requests is None and users is None:
        raise CliError(
            "--requests: give a volume, e.g. '1e9 request/day' (a rate) or '5e6 request', "
            "or --users with --requests-per-user"
        )
    if users is not None and not (math.isfinite(users) and users > 0):
        raise CliError(f"--users: expected a number of users greater than zero, got {users:g}")
    return out


def _listing(models: bool, presets: bool, search: str | None, fmt: str) -> None:
    """The model catalogue and/or the presets; both in one JSON document, never two."""
    if models and presets and fmt == "csv":
        raise CliError("--list-presets: one table per CSV; list models and presets separately")
    tables = {}
    if models:
        table = model_table(search)
        if table.empty:
            hint = suggest(search or "", [m.name for m in list_models()])
            extra = f"; did you mean {', '.join(hint)}?" if hint else ""
            raise CliError(f"--search: no model matches {search!r}{extra}")
        tables["models"] = (table, f"Models ({len(table)})")
    if presets:
        table = preset_table()
        tables["presets"] = (table, f"Published per-request figures ({len(table)})")
    if fmt == "json" and len(tables) == 2:
        docs = {k: json.loads(render_frame(t, "json")) for k, (t, _) in tables.items()}
        echo(to_json(docs))
        return
    for table, title in tables.values():
        echo(render_frame(table, fmt, title=title))


def measured_service(workload: Any, energy: Any, basis: str) -> MeasuredRun:
    """The measured energy of an inference workload's volume: its requests, tokens and
    provisioned accelerator-hours kept, the model's energy noted beside."""
    load = workload.load()
    hardware = not load.nominal_hours
    return MeasuredRun(
        energy,
        basis=basis,
        accelerator=load.inputs.get("accelerator") if hardware else None,
        gpu_hours=load.accelerator_hours if hardware else None,
        per_unit=load.per_unit,
        modelled_it_energy=load.accelerator_hours * (load.power.value + load.host_power.value),
        label=workload.profile.energy_model,
    )
