"""``footprint hourly``: a job or load profile accounted hour by hour (grid + on-site solar)."""

from __future__ import annotations

from typing import Any

import click

from footprint.analyses.hourly import LoadProfile, account_hourly, find_hourly_zone, region_timezone
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
    FileNameType,
    QuantityType,
    echo,
    embodied_from_options,
    embodied_options,
    format_option,
    site_from_options,
    site_options,
    water_scarcity_option,
)
from footprint.render.report import render, render_frame, to_json


@click.command("hourly")
@click.option(
    "--profile",
    type=FileNameType(),
    help="CSV of timestamp and power (power_kw, power_w or 'power [kW]'); each value "
    "holds until the next timestamp.",
)
@click.option("--power-column", help="Power column of --profile (default: the one named power).")
@click.option("--power-unit", help="Unit of the power column when its name gives none (kW, W).")
@click.option("--start", help="Job start, ISO 8601 ('2022-07-01T09:00Z'; naive = local time).")
@click.option(
    "--hours",
    "--duration",
    "duration",
    type=QuantityType("time", "h", allow_zero=False),
    help="Job wall-clock duration with --start: '10', '3 days'.",
)
@workload_options
@site_options
@water_scarcity_option
@grid_options
@solar_options
@embodied_options
@click.option("--hourly", "show_hours", is_flag=True, help="Also print the hour-by-hour table.")
@format_option
def command(
    profile: str | None,
    power_column: str | None,
    power_unit: str | None,
    start: str | None,
    duration: Any,
    fmt: str,
    show_hours: bool,
    **options: Any,
) -> None:
    """Account a job hour by hour: hourly grid intensity, mix and on-site solar.

    The load is a CSV profile (--profile) or a job (--start, --hours and --power, or
    --accelerator with --count). The result shows the hourly-accounted CO2e and water
    next to the annual-average method and their difference; with --pv-capacity, on-site
    PV serves the load first (solar used, grid import, surplus per hour). Market-based
    CO2e follows --cfe, cost the grid energy at --price (or the dataset's price), and an
    accelerator job adds embodied and total CO2e (not a --power or --profile load). Times
    are UTC in the data and local (the region's time zone) in the output.

    \b
    Examples:
      footprint hourly --region aws:us-west-1 --start 2022-07-01T09:00 --hours 10 --power 1000
      footprint hourly --region gcp:us-east4 --profile load.csv --hourly --format csv
      footprint hourly --grid-zone CISO --start 2022-07-01T09:00Z --hours 8 \\
          -a H100-SXM --count 512 --pv-capacity "2 MWp" --latitude 35.4 --longitude -119.0 \\
          --clearness 0.75
    """

    embodied = embodied_from_options({k: options.pop(k) for k in EMBODIED_KEYS})
    site = site_from_options(options)
    tz_in = options["timezone"]
    local_tz = tz_in or local_timezone(site, options["grid_zone"])
    if profile is not None:
        if start is not None or duration is not None or options["power"] or options["accelerator"]:
            raise CliError("--profile: give either --profile or a job (--start, --hours...)")
        load = LoadProfile.from_csv(
            profile, power_column=power_column, unit=power_unit, timezone=local_tz
        )
    else:
        if start is None or duration is None:
            raise CliError("--start: give --start and --hours (or --profile)")
        job = workload_from(options, duration)
        if hasattr(job, "load"):
            load = LoadProfile.from_workload(job, start, duration, timezone=local_tz)
        else:
            load = LoadProfile.from_job(start, duration, job, timezone=local_tz)
    solar = solar_from({k: options[k] for k in SOLAR_KEYS}, site.region)
    grid_opts = {k: options[k] for k in GRID_KEYS}
    result = account_hourly(
        load,
        site,
        grid=grid_from(grid_opts),
        solar=solar,
        surplus=options["surplus"],
        timezone=tz_in,
        grid_year=options["grid_year"],
        embodied=embodied,
        marginal=options["hourly_marginal"],
    )
    if fmt == "json":
        echo(to_json(result.to_dict(hourly=show_hours)))
    elif fmt == "csv" and show_hours:
        echo(render_frame(result.hourly, "csv"))
    else:
        echo(render(result, fmt))
        if show_hours:
            echo(render_frame(_shown(result.hourly), fmt, title="Hour by hour"))


def local_timezone(site: Any, grid_zone: str | None) -> str | None:
    """The region's (or hourly zone's) IANA zone for naive input times; None if neither.

    ``site`` is the command's :class:`~footprint.places.site.Site`, ``grid_zone`` its
    ``--grid-zone``. Used by ``footprint hourly`` and ``footprint schedule --within``.
    """

    if site.region is None and grid_zone is None:
        return None
    zone = find_hourly_zone(grid_zone) if grid_zone else None
    return region_timezone(site.region, zone)[0]


def _shown(table: Any) -> Any:
    cols = [
        "hour_start_local",
        "facility_energy_kwh",
        "solar_kwh",
        "solar_used_kwh",
        "grid_kwh",
        "surplus_kwh",
        "intensity_g_per_kwh",
        "co2e_kg",
    ]
    return table[cols].round(3)
