"""``footprint schedule``: the start time of a flexible job that emits least CO2e."""

from __future__ import annotations

from typing import Any

import click

from footprint.analyses.hourly import parse_time
from footprint.analyses.scheduling import schedule
from footprint.cli import CliError
from footprint.cli.commands._hourly_options import (
    GRID_KEYS,
    SOLAR_KEYS,
    grid_from,
    grid_options,
    solar_from,
    solar_options,
    workload_from,
    workload_options,
)
from footprint.cli.commands._options import (
    EMBODIED_KEYS,
    QuantityType,
    echo,
    embodied_from_options,
    embodied_options,
    format_option,
    site_from_options,
    site_options,
)
from footprint.cli.commands.hourly import local_timezone
from footprint.core.escape import csv_row
from footprint.render.report import check_finite, render, render_frame, to_json


@click.command("schedule")
@click.option(
    "--hours",
    "--duration",
    "duration",
    type=QuantityType("time", "h", allow_zero=False),
    required=True,
    help="How long the job runs: '6', '36 h', '2 days'.",
)
@workload_options
@click.option(
    "--window-start",
    "--from",
    "window_start",
    required=True,
    help="Earliest start, ISO 8601 ('2022-07-01T00:00'; naive = the region's local time).",
)
@click.option("--window-end", "--until", "window_end", help="Latest end, ISO 8601.")
@click.option(
    "--within",
    type=QuantityType("time", "h", allow_zero=False),
    help="Window length from --window-start instead of --window-end: '48 h', '7 days'.",
)
@click.option(
    "--step",
    type=QuantityType("time", "h", allow_zero=False),
    default="1 h",
    show_default=True,
    help="Spacing of candidate starts: '15 min', '1 h'.",
)
@click.option("--now", help="Reference start for the saving (default: --window-start).")
@site_options
@grid_options
@solar_options
@embodied_options
@click.option("--curve", is_flag=True, help="Also print CO2e for every candidate start.")
@format_option
def command(
    duration: Any,
    window_start: str,
    window_end: str | None,
    within: Any,
    step: Any,
    now: str | None,
    curve: bool,
    fmt: str,
    **options: Any,
) -> None:
    """Find the start that minimises a flexible job's CO2e within a window.

    CO2e counts the grid energy the job draws after on-site PV, hour by hour, at each
    hour's intensity. Shows the best and worst start, the saving against starting
    now, and (--curve) CO2e for every candidate start; each start also gets market-based
    CO2e (--cfe), cost (--price) and, for an accelerator job, embodied and total CO2e.

    \b
    Examples:
      footprint schedule --region aws:us-west-1 --hours 6 --power 500 \\
          --window-start 2022-07-01T00:00 --within "3 days"
      footprint schedule --grid-zone ERCO --hours 12 -a H100-SXM --count 256 \\
          --from 2022-03-01T00:00Z --until 2022-03-08T00:00Z --curve --format csv
      footprint schedule --region gcp:us-east4 --hours 4 --power 800 \\
          --from 2022-06-01T00:00 --within "2 days" --pv-capacity "1 MWp" --clearness 0.75
    """
    import pandas as pd

    if (window_end is None) == (within is None):
        raise CliError("--window-end: give either --window-end or --within")
    embodied = embodied_from_options({k: options.pop(k) for k in EMBODIED_KEYS})
    site = site_from_options(options)
    if within is not None:
        try:
            first = pd.Timestamp(window_start)
        except (ValueError, TypeError):
            raise CliError(f"--window-start: cannot read {window_start!r} (ISO 8601)") from None
        tz = options["timezone"]
        if first.tzinfo is None and tz is None and (site.region or options["grid_zone"]):
            tz = local_timezone(site, options["grid_zone"])
        if first.tzinfo is None and tz is not None:
            # elapsed time, also across a daylight-saving change (not wall-clock arithmetic)

            first = parse_time(window_start, "window_start", tz).tz_convert(tz)
        try:
            window_end = (first + pd.Timedelta(hours=float(within.m_as("h")))).isoformat()
        except (OverflowError, ValueError, NotImplementedError, pd.errors.OutOfBoundsDatetime):
            # OutOfBoundsTimedelta is a ValueError: beyond pandas' ~292 years of dates;
            # NotImplementedError: a time zone's offset beyond the year 9999
            raise CliError(f"--within: {within:~P} is too long a window") from None
    job = workload_from(options, duration)
    solar = solar_from({k: options[k] for k in SOLAR_KEYS}, site.region)
    grid_opts = {k: options[k] for k in GRID_KEYS}
    result = schedule(
        duration,
        job,
        window_start,
        window_end,
        site,
        grid=grid_from(grid_opts),
        solar=solar,
        step=step,
        now=now,
        surplus=options["surplus"],
        timezone=options["timezone"],
        grid_year=options["grid_year"],
        embodied=embodied,
        marginal=options["hourly_marginal"],
    )
    data = result.to_dict(curve=curve)
    check_finite(data)  # every format: NaN or infinity is an error, not printed
    if fmt == "json":
        echo(to_json(data))
        return
    if fmt == "csv" and curve:
        echo(render_frame(result.curve, "csv"))
        return
    if fmt == "csv":  # one table: the result's sections, then a row per choice
        echo(render(result, "csv") + _choice_rows(result.choices))
        return
    rows = [
        {
            "choice": name,
            "start (local)": c["start_local"],
            "end (local)": c["end_local"],
            "CO2e (kg)": round(c["co2e_kg"], 3),
        }
        for name, c in result.choices.items()
    ]
    echo(render_frame(pd.DataFrame(rows), fmt, title="Start times"))
    echo(render(result, fmt))
    if curve:
        echo(render_frame(result.curve.round(3), fmt, title="CO2e by start"))


def _choice_rows(choices: dict[str, Any]) -> str:
    """CSV rows (columns of ``footprint.render.report``'s CSV) for the best, worst, now."""
    import csv
    import io

    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    for name, c in choices.items():
        note = f"start {c['start_local']}, end {c['end_local']} (local); start {c['start_utc']}"
        row = ["choice", name, c["co2e_kg"], "", "", "kgCO2e", "", "", "", "", "", note]
        writer.writerow(csv_row(row))
    return buf.getvalue()
