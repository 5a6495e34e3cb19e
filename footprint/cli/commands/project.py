"""``footprint project``: a footprint over the years, and the change against a base year."""

from __future__ import annotations

from typing import Any

import click

from footprint.analyses.compare import display_frame, plain, to_records
from footprint.analyses.trends import (
    Growth,
    describe_change,
    project,
    total_change,
)
from footprint.cli import CliError
from footprint.cli.commands._options import (
    COMPUTE_KEYS,
    EMBODIED_KEYS,
    FORMATS,
    GPU_JOB_KEYS,
    DefaultGroup,
    FileNameType,
    RateType,
    compute_and_embodied_from_options,
    compute_cost_options,
    echo,
    embodied_options,
    gpu_job_from_options,
    gpu_job_options,
    reused_params,
    site_from_options,
    site_options_except,
    with_params,
)
from footprint.cli.commands.compare import inference_workload
from footprint.cli.commands.train import training_workload
from footprint.core import units
from footprint.core.errors import FootprintError
from footprint.core.escape import csv_row, markdown_text
from footprint.render.notes import note_lines
from footprint.render.plots import check_target, projection_chart, save
from footprint.render.report import check_finite, csv_safe_frame, readable, render_frame, to_json

_GROWTH_KEYS = ("start", "end", "growth", "efficiency", "grid", "fit_years", "plot", "fmt")


def _growth_options(f: Any) -> Any:
    decorators = [
        click.option(
            "--from",
            "start",
            type=click.IntRange(1990, 2100),
            required=True,
            help="Base year (the workload as given is this year's).",
        ),
        click.option(
            "--to",
            "end",
            type=click.IntRange(1990, 2100),
            required=True,
            help="Last year of the projection.",
        ),
        click.option(
            "--growth",
            type=RateType(),
            default="0",
            show_default=True,
            help="Yearly growth of the work volume, e.g. 30%.",
        ),
        click.option(
            "--efficiency",
            type=RateType(),
            default="0",
            show_default=True,
            help="Yearly reduction of energy per unit of work, e.g. 10%.",
        ),
        click.option(
            "--grid",
            default="linear",
            show_default=True,
            help="Grid after the last data year: linear (slope of the last --fit-years), "
            "constant, or a yearly rate such as -3%.",
        ),
        click.option(
            "--fit-years",
            type=click.IntRange(min=2),
            default=5,
            show_default=True,
            help="Years of history the linear grid extrapolation fits.",
        ),
        click.option(
            "--plot",
            type=FileNameType(),
            help="Write a bar chart of CO2e per year: FILE.png or FILE.svg.",
        ),
        click.option(
            "--format",
            "fmt",
            type=click.Choice(FORMATS),
            default="table",
            show_default=True,
            help="Output format.",
        ),
    ]
    f = site_options_except("year")(f)
    f = embodied_options(f)
    f = compute_cost_options(f)
    for decorator in reversed(decorators):
        f = decorator(f)
    return f


def _grid(value: str) -> Any:

    if value in ("linear", "constant"):
        return value
    try:
        return RateType().convert(value, None, None)
    except CliError:
        raise CliError(
            f"--grid: expected linear, constant or a yearly rate such as -3%, got {value!r}"
        ) from None


def _project(workload: Any, options: dict[str, Any]) -> None:

    g = {k: options.pop(k) for k in _GROWTH_KEYS}
    compute, embodied = compute_and_embodied_from_options(
        {k: options.pop(k) for k in COMPUTE_KEYS}, {k: options.pop(k) for k in EMBODIED_KEYS}
    )
    if g["end"] < g["start"]:
        raise CliError(f"--to: {g['end']} is before --from {g['start']}")
    options["year"] = None
    site = site_from_options(options)
    if site.region is None:
        raise CliError("--region: a projection needs a region (its grid history)")
    growth = Growth(g["growth"], g["efficiency"], _grid(g["grid"]), g["fit_years"])
    if g["plot"] is not None:  # a bad --plot fails before the computation
        check_target(g["plot"], "--plot")
    df = project(
        workload,
        base_year=g["start"],
        end_year=g["end"],
        growth=growth,
        site=site,
        embodied=embodied,
        compute=compute,
    )
    text = _render(df, g["fmt"])  # checks every value is finite
    if g["plot"] is not None:
        click.echo(f"wrote {save(projection_chart(df), g['plot'], '--plot')}", err=True)
    echo(text)


def _render(df: Any, fmt: str) -> str:

    first, last = df.iloc[0], df.iloc[-1]
    y0, y1 = int(first["year"]), int(last["year"])
    co2e0 = first["co2e"]
    co2e1 = last["co2e"]
    data = {
        "workload": df.attrs["workload"],
        "region": df.attrs["region"],
        "assumptions": df.attrs["assumptions"],
        "rows": to_records(df),
        "notes": df.attrs["notes"],
    }
    check_finite(data)  # every format: NaN or infinity is an error, not printed
    if fmt == "json":
        return to_json(data)
    if fmt == "csv":
        return str(
            csv_safe_frame(plain(df)).to_csv(index=False, lineterminator="\n", float_format="%.6g")
        )
    cols = [
        "year",
        "volume_index",
        "efficiency_index",
        "intensity",
        "intensity_basis",
        "ewif",
        "facility_energy",
        "co2e",
        "water",
        "co2e_change_pct",
    ]
    if fmt == "markdown":  # as in compare: the terminal table stays narrow; csv/json carry all
        extra = [c for c in ("embodied_co2e", "total_co2e") if c in df.columns]
        cols[cols.index("water") : cols.index("water")] = extra
    # money asked for is shown (a compute price given): the total where one currency, else each
    money = ["total_cost"] if "total_cost" in df.columns else ["cost", "compute_cost"]
    cols[cols.index("co2e_change_pct") : cols.index("co2e_change_pct")] = [
        c for c in money if c in df.columns and "compute_cost" in df.columns
    ]
    shown = display_frame(df, cols)
    shown["volume_index"] = [f"{float(v):.3g}" for v in df["volume_index"]]
    shown["efficiency_index"] = [f"{float(v):.3g}" for v in df["efficiency_index"]]
    shown["co2e vs base"] = [f"{float(v):+.1f}%" for v in df["co2e_change_pct"]]
    shown = shown.drop(columns=["co2e_change_pct"])
    title = f"Projection: {df.attrs['workload']} in {df.attrs['region']}, {y0}-{y1}"
    lines = [render_frame(shown, fmt, title=title).rstrip("\n"), ""]
    change = describe_change(co2e0.magnitude, co2e1.to(co2e0.units).magnitude, y0, y1)
    tail = [f"CO2e {change}, by {y1}. Assumptions: {df.attrs['assumptions']}."]
    lines += [markdown_text(t) if fmt == "markdown" else t for t in tail]
    lines += note_lines(df.attrs["notes"], fmt)
    return "\n".join(lines)


class _ProjectGroup(DefaultGroup):
    """``footprint project ...`` without a subcommand projects a GPU job."""

    default = "gpu"


@click.group("project", cls=_ProjectGroup, context_settings={"help_option_names": ["-h", "--help"]})
def command() -> None:
    """Project a footprint over the years, and the change against a base year.

    A workload (a GPU job by default; `infer` or `train` take the options of those
    commands) in a region from --from to --to: the work grows by --growth a year, the
    energy per unit of work falls by --efficiency a year, and the grid follows its
    history, then --grid (linear slope of recent years, constant, or a yearly rate).
    `footprint project total` does the same arithmetic on a reported total, and says
    the change between two totals ("+48% since 2019").

    \b
    Examples:
      footprint project -a H100-SXM --gpu-hours 1e6 --region US --from 2023 --to 2030 \\
          --growth 30% --efficiency 15%
      footprint project total --baseline "2019=9.67 MtCO2e" --current "2023=14.31 MtCO2e"
      footprint project total --baseline "2023=14.3 MtCO2e" --to 2030 --growth 20% \\
          --efficiency 5% --grid -3%
      footprint project infer -m llama-3.1-8b -n "1e9 request/day" --output-tokens 300 \\
          --region FR --from 2024 --to 2030 --growth 50%
    """


@command.command("gpu")
@gpu_job_options
@_growth_options
def gpu(**options: Any) -> None:
    """Project a job on accelerators (the default workload)."""
    job = gpu_job_from_options({k: options.pop(k) for k in GPU_JOB_KEYS})
    _project(job, options)


_INFER_PARAMS = reused_params(
    "footprint.cli.commands.infer",
    ("list_models", "list_presets", "search"),
)
_TRAIN_PARAMS = reused_params("footprint.cli.commands.train")


@command.command("infer")
@_growth_options
@with_params(_INFER_PARAMS)
def infer(**options: Any) -> None:
    """Project serving a language model (options of `footprint infer`)."""

    names = [str(p.name) for p in _INFER_PARAMS]
    _project(inference_workload({k: options.pop(k) for k in names}), options)


@command.command("train")
@_growth_options
@with_params(_TRAIN_PARAMS)
def train(**options: Any) -> None:
    """Project a training run (options of `footprint train`)."""

    names = [str(p.name) for p in _TRAIN_PARAMS]
    _project(training_workload(**{k: options.pop(k) for k in names}), options)


class _TotalType(click.ParamType):
    """``YEAR=QUANTITY``: "2019=9.67 MtCO2e"."""

    name = "year=total"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:

        name = param.opts[0] if param is not None and param.opts else "value"
        year, sep, amount = str(value).partition("=")
        if not sep or not year.strip().isdigit() or len(year.strip()) > 4:
            shown = str(value) if len(str(value)) <= 80 else str(value)[:77] + "..."
            raise CliError(f"{name}: expected YEAR=TOTAL such as '2019=9.67 MtCO2e', got {shown!r}")
        if not 1900 <= int(year) <= 2100:
            raise CliError(f"{name}: expected a year between 1900 and 2100, got {year.strip()}")
        try:
            q = units.parse_quantity(amount, "dimensionless", None, name)
        except FootprintError:
            try:
                q = units.parse_quantity(amount.strip(), "co2e", None, name, mass_means_co2e=True)
            except FootprintError:
                try:  # any other unit (MWh, m^3...): one number and a unit, never an expression
                    q = units.to_quantity(amount.strip(), None, name)
                    units.check_magnitude(q.magnitude, name)
                except FootprintError as exc:
                    raise CliError(str(exc)) from None
        return int(year), q


@command.command("total")
@click.option(
    "--baseline",
    type=_TotalType(),
    required=True,
    help="Base year and total, e.g. '2019=9.67 MtCO2e' (any unit: MWh, m^3...).",
)
@click.option("--current", type=_TotalType(), help="A later year and total: prints the change.")
@click.option("--to", "end", type=click.IntRange(1990, 2100), help="Project the base total to.")
@click.option(
    "--growth",
    type=RateType(),
    default="0",
    show_default=True,
    help="Yearly volume growth, e.g. 20%.",
)
@click.option(
    "--efficiency",
    type=RateType(),
    default="0",
    show_default=True,
    help="Yearly efficiency gain (less per unit of work), e.g. 5%.",
)
@click.option(
    "--grid",
    type=RateType(),
    default="0",
    show_default=True,
    help="Yearly change of the grid intensity, e.g. -3%.",
)
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="table", show_default=True)
def total(
    baseline: Any,
    current: Any,
    end: int | None,
    growth: float,
    efficiency: float,
    grid: float,
    fmt: str,
) -> None:
    """The change between two totals, or a total projected with yearly rates.

    \b
    Examples:
      footprint project total --baseline "2019=9.67 MtCO2e" --current "2023=14.31 MtCO2e"
      footprint project total --baseline "2023=14.3 MtCO2e" --to 2030 --growth 20% --grid -3%
    """

    (y0, q0) = baseline
    out = total_change(baseline, current, end, Growth(growth, efficiency, grid))
    check_finite(out)  # every format: NaN or infinity is an error, not printed
    lines = []
    if "change" in out:
        y1, q1 = current
        lines.append(f"{readable(q1)} in {y1} vs {readable(q0)} in {y0}: {out['change']['text']}")
    if "projection" in out:
        rows = out["projection"]["rows"]
        shown = {
            "year": [str(r["year"]) for r in rows],
            "total": [readable(q0.__class__(r["value"], q0.units)) for r in rows],
            f"vs {y0}": [f"{r['change_percent']:+.1f}%" for r in rows],
        }
        table = "markdown" if fmt == "markdown" else "table"
        lines.append(render_frame(_frame(shown), table, title=f"Projection from {y0}").rstrip())
        lines.append(f"Assumptions: {out['projection']['assumptions']}.")
    if fmt == "json":
        echo(to_json(out))
    elif fmt == "csv":
        import csv
        import io

        buf = io.StringIO()
        writer = csv.writer(buf, lineterminator="\n")
        writer.writerow(["year", "value", "unit", "change_percent"])
        if "change" in out:
            c = out["change"]
            writer.writerow(
                csv_row([c["from"]["year"], c["from"]["value"], c["from"]["unit"], 0.0])
            )
            writer.writerow(
                csv_row([c["to"]["year"], c["to"]["value"], c["to"]["unit"], c["percent"]])
            )
        for r in out.get("projection", {}).get("rows", []):
            writer.writerow(csv_row([r["year"], r["value"], r["unit"], r["change_percent"]]))
        echo(buf.getvalue())
    elif fmt == "markdown":  # the table is Markdown already; the sentences are escaped
        echo("\n".join(line if line.startswith("|") else markdown_text(line) for line in lines))
    else:
        echo("\n".join(lines))


def _frame(columns: dict[str, list[str]]) -> Any:
    import pandas as pd

    return pd.DataFrame(columns)
