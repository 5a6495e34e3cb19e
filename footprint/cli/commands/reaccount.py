"""``footprint reaccount``: measured energy logs re-accounted anywhere, and reconciled."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import click

from footprint.analyses.estimate import estimate
from footprint.analyses.reaccount import log_footprint, reaccount
from footprint.cli.commands._options import (
    echo,
    result_format_option,
    site_from_options,
    site_options,
)
from footprint.render.json_out import to_json
from footprint.render.report import render, render_frame
from footprint.workloads.energy_logs import LOG_FORMATS, read_energy_log
from footprint.workloads.measured import MeasuredRun

#: Columns of the runs table (terminal, Markdown, CSV; also the web calculator's).
REACCOUNT_COLUMNS = (
    "run",
    "zone",
    "year",
    "measured_energy",
    "facility_energy",
    "co2e",
    "water",
    "predicted_energy",
    "measured_over_predicted",
    "implied_utilization",
    "co2e_hourly",
)


@click.command("reaccount")
@click.argument("log", type=click.Path(dir_okay=False))
@click.option(
    "--log-format",
    type=click.Choice(LOG_FORMATS),
    help="Format of LOG. Default: detected (CodeCarbon emissions.csv, sacct --json, "
    "nvidia-smi CSV).",
)
@click.option(
    "--accelerator",
    "-a",
    help="The GPU of runs whose log does not name one (a Zeus log), for hardware time, "
    "embodied CO2e and the reconciliation.",
)
@click.option(
    "--hourly",
    is_flag=True,
    help="Also account dated runs hour by hour where their place has hourly grid data.",
)
@click.option(
    "--compare",
    "compare_regions",
    help="Also the whole log's footprint in these regions, e.g. 'FR,DE,aws:us-east-1'.",
)
@site_options
@result_format_option
def command(
    log: str,
    log_format: str | None,
    accelerator: str | None,
    hourly: bool,
    compare_regions: str | None,
    fmt: str,
    **options: Any,
) -> None:
    """Measured energy of a log re-accounted in its own region and year, or any other.

    Each run's measured energy goes through the same engine as an estimate (PUE, grid
    intensity, water); --region and --year replace the log's own. Runs with their GPU
    model, count and duration are compared with footprint's model of the same hardware
    (measured / predicted, and the draw and host power the log implies). Runs that cannot
    be read are listed with their reason.

    \b
    Examples:
      footprint reaccount emissions.csv
      footprint reaccount sacct.json --region FR --year 2023
      footprint reaccount emissions.csv --compare FR,DE,aws:us-east-1
    """
    import pandas as pd

    site = site_from_options(options)
    energy_log = read_energy_log(log, log_format)
    if fmt in ("hf-model-card", "eu-ai-act", "boamps", "sci"):  # the whole log, disclosed
        echo(render(log_footprint(energy_log, site), fmt))
        return
    result = reaccount(energy_log, site, hourly=hourly, accelerator=accelerator)
    doc = result.to_dict()
    if compare_regions:
        doc["compare"] = in_regions(result, compare_regions, site)
    if fmt == "json":
        echo(to_json(doc))
        return
    frame = pd.DataFrame(result.rows)
    frame = frame[[c for c in REACCOUNT_COLUMNS if c in frame.columns]] if len(frame) else frame
    if fmt != "csv":  # people read 4 significant digits; CSV keeps every digit
        frame = frame.apply(lambda col: col.map(_short) if col.dtype.kind == "f" else col)
    parts = [render_frame(frame, fmt, title=f"{result.format} log re-accounted")]
    if fmt in ("table", "markdown"):
        totals = ", ".join(
            f"{k} {v:,.6g} {result.units.get(k, 'kWh')}" for k, v in result.totals.items()
        )
        parts.append(f"totals: {totals}")
        parts += [f"rejected: {r['run']}: {r['reason']}" for r in result.rejects]
        parts += [f"note: {n}" for n in result.notes]
        if compare_regions:
            parts += [
                f"in {c['region']}: {c['co2e_kg']:,.6g} kgCO2e, {c['facility_energy_kwh']:,.6g} kWh"
                for c in doc["compare"]
            ]
    echo("\n".join(parts))


def _short(x: float) -> Any:
    return x if x != x else float(f"{x:.4g}")


def in_regions(result: Any, regions: str, site: Any) -> list[dict[str, Any]]:
    """The log's accepted runs, summed, in each region of ``regions`` (``FR,DE``): its
    ``--compare`` (also the web calculator's)."""
    by_basis: dict[str, float] = {}
    for row in result.rows:
        by_basis[row["basis"]] = by_basis.get(row["basis"], 0.0) + row["measured_energy"]
    out = []
    for region in [r.strip() for r in regions.split(",") if r.strip()]:
        co2e = energy = 0.0
        for basis, kwh in by_basis.items():
            r = estimate(
                MeasuredRun(f"{kwh!r} kWh", basis=basis),
                replace(site, region=region),
                embodied=False,
            )
            co2e += float(r.co2e.m_as("kgCO2e"))
            energy += float(r.facility_energy.m_as("kWh"))
        out.append({"region": region, "co2e_kg": co2e, "facility_energy_kwh": energy})
    return out
