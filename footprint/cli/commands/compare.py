"""``footprint compare``: one workload in many regions, one row per region, ranked.

The workload is a GPU job by default (the options of ``footprint estimate``); ``footprint
compare infer ...`` and ``footprint compare train ...`` take the workload options of
``footprint infer`` and ``footprint train`` instead (the same option definitions, reused).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import click

from footprint.analyses.compare import (
    compare,
    display_frame,
    grouped_notes,
    sort_comparison,
    to_csv,
    to_markdown,
    to_records,
)
from footprint.catalogues.models import custom_model
from footprint.cli import CliError
from footprint.cli.commands._options import (
    COMPUTE_KEYS,
    EMBODIED_KEYS,
    FORMATS,
    GPU_JOB_KEYS,
    DefaultGroup,
    compute_and_embodied_from_options,
    compute_cost_options,
    echo,
    embodied_options,
    gpu_job_from_options,
    gpu_job_options,
    marginal_option,
    reused_params,
    site_from_options,
    site_options_except,
    water_scarcity_option,
    with_params,
)
from footprint.cli.commands.infer import measured_service, parse_workload_options
from footprint.cli.commands.train import training_workload
from footprint.core import units
from footprint.core.escape import rich_text
from footprint.places.equivalences import equivalences
from footprint.render.compare_table import drop_order, metric_label
from footprint.render.notes import note_lines
from footprint.render.plots import ranked_bar_chart, save
from footprint.render.report import fit_text, readable, render_frame, to_json
from footprint.workloads.inference import InferenceWorkload

F = TypeVar("F", bound=Callable[..., Any])

KINDS = (
    "country",
    "aggregate",
    "us-state",
    "us-ba",
    "egrid-subregion",
    "ca-province",
    "bidding-zone",
    "cloud",
)
METRIC_CHOICES = (
    "co2e",
    "co2e_market",
    "water",
    "water_onsite",
    "water_offsite",
    "water_scarcity",
    "facility_energy",
    "total_co2e",
    "cost",
    "total_cost",
    "intensity",
    "ewif",
)

#: Keyword names that :func:`comparison_options` adds.
COMPARISON_KEYS = (
    "regions",
    "all_countries",
    "kind",
    "provider",
    "country",
    "top",
    "bottom",
    "metric",
    "sort",
    "descending",
    "plot",
    "equivalences",
    "fmt",
    "marginal",
)


def comparison_options(f: F) -> F:
    """Options choosing the regions, the ranking and the output of a comparison."""
    decorators = [
        embodied_options,
        compute_cost_options,
        click.option(
            "--regions",
            help="Comma-separated regions: countries, zones, cloud regions "
            "(FR,SE,US-CA,aws:us-east-1,TW).",
        ),
        click.option("--all-countries", is_flag=True, help="Every country with data."),
        click.option("--kind", type=click.Choice(KINDS), help="Every region of this kind."),
        click.option(
            "--provider",
            help="Every cloud region of this provider (aws, gcp, azure, oci, coreweave, lambda).",
        ),
        click.option("--country", help="Only regions in this country (with --kind/--provider)."),
        click.option("--top", type=click.IntRange(min=1), help="Only the N best regions."),
        click.option("--bottom", type=click.IntRange(min=1), help="Only the N worst regions."),
        click.option(
            "--metric",
            type=click.Choice(METRIC_CHOICES),
            default="co2e",
            show_default=True,
            help="What ranks the regions (lower is better).",
        ),
        click.option(
            "--sort",
            help="Column to sort the rows by (default: the metric), e.g. water, intensity, "
            "pue, region, name.",
        ),
        click.option("--descending", is_flag=True, help="Sort from the highest value."),
        click.option(
            "--plot",
            type=click.Path(dir_okay=False, writable=True),
            help="Write a ranked bar chart of the metric: FILE.png or FILE.svg.",
        ),
        click.option(
            "--equivalences",
            is_flag=True,
            help="Add everyday equivalents of the best-to-worst difference to JSON output "
            "(the table always shows them).",
        ),
        click.option(
            "--format",
            "fmt",
            type=click.Choice(FORMATS),
            default="table",
            show_default=True,
            help="Output format; json and csv use canonical units (kWh, kgCO2e, L).",
        ),
    ]
    f = marginal_option(water_scarcity_option(site_options_except("region")(f)))
    for decorator in reversed(decorators):
        f = decorator(f)
    return f


def run_comparison(workload: Any, options: dict[str, Any]) -> None:
    """Compare ``workload`` with the values of :func:`comparison_options` and print it."""

    opts = {k: options[k] for k in COMPARISON_KEYS}
    df = comparison_frame(workload, options)
    if opts["plot"]:
        path = save(ranked_bar_chart(df, opts["metric"]), opts["plot"])
        click.echo(f"wrote {path}", err=True)
    echo(render_comparison(df, opts["fmt"], opts["equivalences"]))


def comparison_frame(workload: Any, options: dict[str, Any]) -> Any:
    """The comparison of ``workload`` with the values of :func:`comparison_options` (taken
    out of ``options``), sorted as asked: the frame the command renders (also the web
    calculator's)."""

    opts = {k: options.pop(k) for k in COMPARISON_KEYS}
    compute, embodied = compute_and_embodied_from_options(
        {k: options.pop(k) for k in COMPUTE_KEYS}, {k: options.pop(k) for k in EMBODIED_KEYS}
    )
    site = site_from_options(options)
    selectors = [opts["regions"], opts["all_countries"] or None, opts["kind"], opts["provider"]]
    if sum(x is not None for x in selectors) > 1:
        raise CliError("--regions: give one of --regions, --all-countries, --kind, --provider")
    if opts["top"] is not None and opts["bottom"] is not None:
        raise CliError("--top: give either --top or --bottom, not both")
    if opts["country"] and opts["regions"]:
        raise CliError("--country: filters --kind/--provider/--all-countries, not --regions")
    kind = "country" if opts["all_countries"] else opts["kind"]
    df = compare(
        workload,
        opts["regions"],
        kind=kind,
        provider=opts["provider"],
        country=opts["country"],
        site=site,
        metric=opts["metric"],
        top=opts["top"],
        bottom=opts["bottom"],
        embodied=embodied,
        compute=compute,
        marginal=opts["marginal"],
    )
    if opts["sort"]:
        df = sort_comparison(df, opts["sort"], ascending=not opts["descending"])
    elif opts["descending"]:
        df = sort_comparison(df, opts["metric"], ascending=False)
    return df


def _spread(df: Any) -> dict[str, Any] | None:
    """Best and worst ranked rows and the difference of CO2e, energy and water between them.

    Rows without a rank (the metric unknown there, e.g. no price for ``cost``) are
    neither best nor worst.
    """
    ranked = df.loc[df["rank"].notna()]
    if len(ranked) < 2:
        return None
    by_rank = ranked.sort_values("rank", kind="stable")
    best = by_rank.iloc[0]
    worst = by_rank.loc[by_rank["rank"] == by_rank["rank"].max()].iloc[0]  # first of ties
    return {
        "best": best,
        "worst": worst,
        "best_ties": int((ranked["rank"] == best["rank"]).sum()) - 1,
        "worst_ties": int((ranked["rank"] == worst["rank"]).sum()) - 1,
        "co2e": worst["co2e"] - best["co2e"],
        "facility_energy": worst["facility_energy"] - best["facility_energy"],
        "water": worst["water"] - best["water"],
    }


def _equivalences(spread: dict[str, Any]) -> list[Any]:

    registry = units.get_registry()
    co2e = registry.Quantity(spread["co2e"].magnitude, spread["co2e"].units)
    if not co2e.magnitude > 0:  # also NaN: a zone without a marginal factor
        return []
    return equivalences(co2e=co2e, country=spread["worst"]["country"] or None)


def render_comparison(df: Any, fmt: str, with_equivalences: bool = False) -> str:
    """A comparison (:func:`comparison_frame`) in ``fmt`` (table, json, csv, markdown), with
    the best and worst regions and, asked for, the CO2e difference's equivalents."""

    metric = df.attrs.get("metric", "co2e")
    if fmt == "csv":
        return str(to_csv(df))
    spread = _spread(df)
    if fmt == "json":
        out: dict[str, Any] = {
            "workload": df.attrs.get("workload"),
            "metric": metric,
            **({"basis": df.attrs["basis"]} if "basis" in df.attrs else {}),
            "rows": to_records(df),
            "sources": df.attrs.get("sources", {}),
            "notes": df.attrs.get("notes", []),
        }
        if with_equivalences:
            tied = spread is None or bool(spread["best"]["rank"] == spread["worst"]["rank"])
            eqs = [] if spread is None or tied else _equivalences(spread)
            out["equivalences"] = {
                "of": "CO2e difference between the worst and the best region",
                "items": [e.to_dict() for e in eqs],
            }
        return _json_text(out)
    n = len(df)
    basis = df.attrs.get("basis")
    label = metric_label(metric, basis)
    co2e_basis = (
        f"marginal CO2e {basis.removeprefix('marginal ')}" if basis else "CO2e (location-based)"
    )
    title = f"{label}: {df.attrs.get('workload', '')}, {n} region{'s' if n != 1 else ''}"
    if fmt == "markdown":
        lines = [f"**{title}**", "", to_markdown(df).rstrip("\n")]
    else:
        shown = display_frame(df, compact=True)
        shown.columns = [rich_text(c) for c in shown.columns]
        shown = shown.apply(lambda column: column.map(rich_text))
        table = render_frame(shown, "table", title=rich_text(title), drop=drop_order(metric))
        lines = [table.rstrip("\n")]
    if spread is not None:
        best, worst = spread["best"], spread["worst"]
        ratio = worst["ratio_to_best"]
        import pandas as pd

        times = "" if ratio is None or pd.isna(ratio) else f" ({float(ratio):.1f}x)"

        def ties(n: int) -> str:
            return f" and {n} other{'s' if n > 1 else ''} tied" if n else ""

        tied = bool(best["rank"] == worst["rank"])
        if tied:
            label = label if label[:2].isupper() else label[:1].lower() + label[1:]
            lines += ["", f"All ranked regions tie on {label}."]
        else:
            low, high = "Best", "worst"
            shown = df.attrs.get("shown")
            if shown is not None and shown[1] < shown[2]:  # a slice of the ranked regions
                kind, k, of = shown
                low, high = (
                    (f"Best of all {of}", f"last of the best {k} shown")
                    if kind == "top"
                    else (f"Best of the worst {k} shown", f"worst of all {of}")
                )
            lines += [
                "",
                f"{low}: {best['region']} ({best['name']}){ties(spread['best_ties'])}; {high}: "
                f"{worst['region']} ({worst['name']}){ties(spread['worst_ties'])}{times}. In "
                f"{best['region']} instead of {worst['region']}: "
                f"{_diff(spread['co2e'], co2e_basis, readable, 'no marginal factor')}, "
                f"{_diff(spread['water'], 'water', readable)}.",
            ]
        eqs = [] if tied else _equivalences(spread)
        if eqs:
            lines.append("That CO2e difference is about " + "; ".join(e.text for e in eqs) + ".")
    lines += note_lines(grouped_notes(df), fmt)
    text = "\n".join(lines)
    return text if fmt == "markdown" else fit_text(text)


def _json_text(data: Any) -> str:
    """``data`` as JSON; NaN or infinity anywhere is an error, never written."""

    return to_json(data)


def _diff(
    value: Any, what: str, readable: Callable[[Any], str], unknown: str = "no generation mix"
) -> str:
    import pandas as pd

    if value is None or pd.isna(value):  # a zone without a generation mix: no water
        return f"{what} not known ({unknown})"
    q = _q(value)
    if q.magnitude == 0:
        return f"the same {what}"
    more = "less" if q.magnitude > 0 else "more"
    return f"{readable(abs(q))} {more} {what}"


def _q(value: Any) -> Any:

    return units.get_registry().Quantity(value.magnitude, value.units)


# --- the command group: GPU job by default, infer and train reuse their own options ------------


class _DefaultGroup(DefaultGroup):
    """``footprint compare ...`` without a subcommand compares a GPU job."""

    default = "gpu"


@click.group("compare", cls=_DefaultGroup, context_settings={"help_option_names": ["-h", "--help"]})
def command() -> None:
    """Footprint of one workload in many regions: a ranked table, chart and equivalents.

    The workload is a job on accelerators (options of `footprint estimate`) unless the
    first word is `infer` or `train`, which take the workload options of `footprint
    infer` and `footprint train`. Regions: --regions, --all-countries, --kind or
    --provider (default: every country). One row per region: year, intensity, EWIF, PUE,
    WUE, energy, CO2e location- and market-based, water on-site and off-site, cost where
    a price is known, rank and ratio to the best.

    \b
    Examples:
      footprint compare -a H100-SXM --gpu-hours 1e6 --regions FR,SE,US-CA,aws:us-east-1,TW
      footprint compare -a H100-SXM --gpu-hours 1e6 --all-countries --top 10 --plot best.png
      footprint compare -a A100-80GB --count 64 --hours "3 days" --provider gcp --metric co2e_market
      footprint compare infer -m llama-3.1-8b -n "1e9 request/day" --output-tokens 300 \\
          --regions FR,US,IN
      footprint compare train -a H100-SXM -m llama-3-70b --tokens 15T --gpu-hours 6.4e6 \\
          --kind us-state --sort water
    """


@command.command("gpu")
@gpu_job_options
@comparison_options
def gpu(**options: Any) -> None:
    """Compare a job on accelerators across regions (the default workload).

    \b
    Example:
      footprint compare gpu -a H100-SXM --gpu-hours 1e6 --regions FR,SE,TW --plot c.svg
    """
    job = gpu_job_from_options({k: options.pop(k) for k in GPU_JOB_KEYS})
    run_comparison(job, options)


_INFER_PARAMS = reused_params(
    "footprint.cli.commands.infer",
    ("list_models", "list_presets", "search"),
)
_INFER_NAMES = tuple(str(p.name) for p in _INFER_PARAMS)
_TRAIN_PARAMS = reused_params("footprint.cli.commands.train", ())
_TRAIN_NAMES = tuple(str(p.name) for p in _TRAIN_PARAMS)


@command.command("infer")
@comparison_options
@with_params(_INFER_PARAMS)
def infer(**options: Any) -> None:
    """Compare serving a language model across regions (options of `footprint infer`).

    \b
    Example:
      footprint compare infer -m llama-3.1-70b -n "1e8 request/day" --output-tokens 300 \\
          --regions FR,SE,US,IN --metric water
    """
    w = {k: options.pop(k) for k in _INFER_NAMES}
    workload = inference_workload(w)
    run_comparison(workload, options)


def inference_workload(w: dict[str, Any]) -> Any:
    """An :class:`~footprint.workloads.inference.InferenceWorkload` from infer's options.

    Uses infer's own option parser (``parse_workload_options``); one model and one energy
    model (a comparison or projection varies the region or the year, not the model).
    """

    w = dict(w)
    energy, basis = w.pop("energy", None), w.pop("energy_basis", "it")
    models, energy_models = list(w.pop("models")), list(w.pop("energy_models"))
    params, active = w.pop("params"), w.pop("active_params")
    if len(models) > 1 or len(energy_models) > 1:
        raise CliError("--model: give one model and one energy model at a time")
    if params is not None:
        if models:
            raise CliError("--params: give either --model or --params, not both")
        model: Any = custom_model(params, active)
    elif active is not None:
        raise CliError("--active-params: needs --params (the total) for a custom model")
    else:
        model = models[0] if models else None
    energy_model = energy_models[0] if energy_models else "production"
    workload = InferenceWorkload(
        model=model, energy_model=energy_model, **parse_workload_options(**w)
    )
    return workload if energy is None else measured_service(workload, energy, basis)


@command.command("train")
@comparison_options
@with_params(_TRAIN_PARAMS)
def train(**options: Any) -> None:
    """Compare a training run across regions (options of `footprint train`).

    \b
    Example:
      footprint compare train -a H100-SXM -m llama-3-70b --tokens 15T --gpu-hours 6.4e6 \\
          --all-countries --top 15 --plot train.png
    """

    w = {k: options.pop(k) for k in _TRAIN_NAMES}
    run_comparison(training_workload(**w), options)
