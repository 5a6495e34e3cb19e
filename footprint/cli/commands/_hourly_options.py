"""Options shared by ``footprint hourly``, ``footprint schedule`` and ``footprint solar``.

Kept free of heavy imports (like ``_options``): pvlib, pandas and pint load only when
a command runs.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import click

from footprint.analyses.hourly import HourlyGrid
from footprint.cli import CliError
from footprint.cli.commands._options import (
    DegreesType,
    FileNameType,
    FractionType,
    QuantityType,
    energy_options,
)
from footprint.places.solar import on_site_solar
from footprint.workloads.jobs import GpuJob
from footprint.workloads.measured import MeasuredRun

F = TypeVar("F", bound=Callable[..., Any])

#: Keyword names that :func:`solar_options` adds to a command.
SOLAR_KEYS = (
    "pv_capacity",
    "pv_tilt",
    "pv_azimuth",
    "pv_losses",
    "pv_module_type",
    "pv_mount",
    "latitude",
    "longitude",
    "clearness",
    "weather_file",
    "weather_format",
)
#: Keyword names that :func:`grid_options` adds to a command.
GRID_KEYS = ("grid_zone", "grid_file", "grid_year", "timezone", "surplus", "hourly_marginal")


def _apply(f: F, decorators: list[Callable[[Any], Any]]) -> F:
    for decorator in reversed(decorators):
        f = decorator(f)
    return f


def solar_options(f: F) -> F:
    """On-site PV: array, location and weather (all optional; see :func:`solar_from`)."""
    return _apply(
        f,
        [
            click.option(
                "--pv-capacity",
                type=QuantityType("power", "kWp", allow_zero=False),
                help="On-site PV array DC nameplate, e.g. '500 kWp' (bare numbers: kWp). "
                "Without it there is no on-site solar.",
            ),
            click.option(
                "--pv-tilt",
                type=QuantityType("angle", "deg"),
                help="Array tilt from horizontal [deg]. Default 20 (PVWatts).",
            ),
            click.option(
                "--pv-azimuth",
                type=QuantityType("angle", "deg"),
                help="Array azimuth clockwise from north [deg]. Default: facing the equator.",
            ),
            click.option(
                "--pv-losses",
                type=FractionType(allow_zero=True),
                help="System losses, e.g. 0.14 or 14%. Default PVWatts 14.08%.",
            ),
            click.option(
                "--pv-module-type",
                type=click.Choice(["standard", "premium", "thin_film"]),
                default="standard",
                show_default=True,
                help="PVWatts module type (temperature coefficient).",
            ),
            click.option(
                "--pv-mount",
                type=click.Choice(["open_rack", "roof"]),
                default="open_rack",
                show_default=True,
                help="Free-standing rack or flush roof mount (cell temperature).",
            ),
            click.option(
                "--latitude",
                type=DegreesType(-90, 90),
                help="Array latitude [deg]; default: the cloud region's metro.",
            ),
            click.option(
                "--longitude",
                type=DegreesType(-180, 180),
                help="Array longitude [deg]; default: the cloud region's metro.",
            ),
            click.option(
                "--clearness",
                help="Clear-sky index for clear-sky weather: a number in (0, 1], a site id "
                "of solar_clearness.csv (e.g. greensboro-nc) or a grid point of "
                "solar_clearness_grid.csv (e.g. N51E012). Default: the station row for the "
                "cloud region, else a station within 50 km, else the nearest point of the "
                "global MERRA-2 grid (monthly indices; distance noted).",
            ),
            click.option(
                "--weather-file",
                type=FileNameType(),
                help="Hourly typical-year weather: TMY3, TMY2, EPW or PVGIS (csv/json/epw); a "
                "bare name of a sample shipped with pvlib (723170TYA.CSV) is read from "
                "pvlib's data folder.",
            ),
            click.option(
                "--weather-format",
                type=click.Choice(["tmy3", "tmy2", "epw", "pvgis"]),
                help="Format of --weather-file (default: from its name).",
            ),
        ],
    )


def grid_options(f: F) -> F:
    """Hourly grid data, time zone and treatment of PV surplus."""
    return _apply(
        f,
        [
            click.option(
                "--grid-zone",
                help="Zone with hourly grid data (US-CAL-CISO or CISO, PJM, DE-LU, GB, JP-TK, "
                "Cambium regions CAMX, ERCT...). Default: the region's.",
            ),
            click.option(
                "--grid-file",
                type=FileNameType(),
                help="Your own hourly series: CSV of hour-start timestamp and intensity "
                "(gCO2e/kWh); replaces --grid-zone.",
            ),
            click.option(
                "--grid-year",
                type=click.IntRange(1990, 2100),
                help="Year of hourly data. Default: the job's (nearest available, reported).",
            ),
            click.option(
                "--timezone",
                help="IANA time zone for naive times and local output (default: the "
                "region's, e.g. America/Los_Angeles).",
            ),
            click.option(
                "--marginal",
                "hourly_marginal",  # not Site.marginal (the annual IFI factor of estimate)
                is_flag=True,
                help="Use hourly marginal emission rates (NREL Cambium long-run marginal, US "
                "regions CAMX, ERCT...) instead of the average: for decisions, not inventories.",
            ),
            click.option(
                "--surplus",
                type=click.Choice(["ignore", "offset"]),
                default="ignore",
                show_default=True,
                help="PV output the load cannot use: no credit, or credited at the hour's "
                "grid intensity.",
            ),
        ],
    )


def solar_from(options: dict[str, Any], region: str | None, *, required: bool = False) -> Any:
    """An :class:`footprint.places.solar.OnSiteSolar` from :func:`solar_options`, or None."""

    if options["pv_capacity"] is None:
        if required:
            raise CliError("--pv-capacity: give the array's DC nameplate, e.g. '500 kWp'")
        given = [k for k in SOLAR_KEYS[1:4] + SOLAR_KEYS[6:10] if options[k] is not None]
        if given:
            flag = "--" + given[0].replace("_", "-")
            raise CliError(f"{flag}: give --pv-capacity for on-site solar")
        return None
    return on_site_solar(
        options["pv_capacity"],
        region=region,
        latitude=options["latitude"],
        longitude=options["longitude"],
        tilt=options["pv_tilt"],
        azimuth=options["pv_azimuth"],
        losses=options["pv_losses"],
        module_type=options["pv_module_type"],
        mount=options["pv_mount"],
        clearness=options["clearness"],
        weather_file=options["weather_file"],
        weather_format=options["weather_format"],
    )


def grid_from(options: dict[str, Any]) -> Any:
    """The ``grid`` argument: a user series, a zone name, or None (the region's)."""

    if options["grid_file"] and options["grid_zone"]:
        raise CliError("--grid-file: give either --grid-file or --grid-zone, not both")
    if options["grid_file"]:
        return HourlyGrid.from_csv(options["grid_file"], timezone=options["timezone"])
    return options["grid_zone"]


def workload_options(f: F) -> F:
    """The job's draw: ``--power``, ``--accelerator`` with ``--count``, or a measured
    ``--energy`` spread evenly over the job's hours."""
    return _apply(
        energy_options(f),
        [
            click.option(
                "--power",
                type=QuantityType("power", "kW", allow_zero=False),
                help="Total IT draw of the job, e.g. '120 kW' (bare numbers: kW).",
            ),
            click.option(
                "--accelerator",
                "--gpu",
                "-a",
                "accelerator",
                help="Accelerator (with --count): the draw comes from the catalogue "
                "(TDP x utilization + host share).",
            ),
            click.option("--count", type=click.IntRange(min=1), help="Number of accelerators."),
            click.option(
                "--utilization",
                type=FractionType(),
                help="Average draw as a fraction of TDP (with --accelerator). Default: the "
                "server class's measured training draw (0.8).",
            ),
        ],
    )


def workload_from(options: dict[str, Any], duration: Any) -> Any:
    """A power quantity, a GpuJob for ``--accelerator``/``--count`` over ``duration``, or
    a MeasuredRun for ``--energy`` (with the accelerator and count when given)."""

    power, acc = options["power"], options["accelerator"]
    if options["energy"] is not None:
        for key in ("power", "utilization"):
            if options[key] is not None:
                raise CliError(f"--{key}: a measured --energy replaces the draw; leave it out")
        if (acc is None) != (options["count"] is None):
            raise CliError("--count: give --accelerator and --count together (or neither)")
        return MeasuredRun(
            options["energy"],
            basis=options["energy_basis"],
            accelerator=acc,
            count=options["count"],
            duration=duration if acc is not None else None,
        )
    if power is not None and acc is not None:
        raise CliError("--power: give either --power or --accelerator with --count, not both")
    if acc is not None:
        if options["count"] is None:
            raise CliError("--count: give the number of accelerators with --accelerator")

        return GpuJob(
            accelerator=acc,
            count=options["count"],
            duration=duration,
            utilization=options["utilization"],
        )
    if options["count"] is not None or options["utilization"] is not None:
        raise CliError("--count: only with --accelerator")
    if power is None:
        raise CliError(
            "--power: give the job's IT draw, --accelerator with --count, or a measured --energy"
        )
    return power
