"""Option types and decorators shared by the subcommands.

Kept free of heavy imports: pint and pandas load only when a value is parsed.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any, TypeVar

import click

from footprint.analyses.uncertainty import DEFAULT_SAMPLES, DEFAULT_SEED, Uncertainty
from footprint.catalogues.compute_cost import ComputeCost
from footprint.catalogues.embodied import Embodied
from footprint.cli import CliError
from footprint.core import units
from footprint.core.accounting import BOUNDARIES
from footprint.core.errors import FootprintError
from footprint.places.facility import FACILITY_CLASSES
from footprint.places.marginal import MARGINS
from footprint.places.scarcity import read_water_scarcity
from footprint.places.site import Site
from footprint.workloads.job_rules import check_hours_inputs, check_power_inputs
from footprint.workloads.jobs import GpuJob
from footprint.workloads.measured import MeasuredRun

F = TypeVar("F", bound=Callable[..., Any])

FORMATS = ("table", "json", "csv", "markdown")
#: One result's formats (``render.report.RESULT_FORMATS``, named here so that the option
#: needs no import of the renderers; tests/test_report_dispatch.py checks they agree).
RESULT_FORMATS = (*FORMATS, "hf-model-card", "eu-ai-act", "boamps", "sci")


class QuantityType(click.ParamType):
    """A quantity with a unit string ("700 W", "3 days", "414 g/kWh").

    A bare number takes ``default_unit``. The value must have ``dimension`` (a key
    of ``footprint.core.units.DIMENSIONS``); NaN, infinity and negative values fail.
    """

    name = "quantity"

    def __init__(
        self,
        dimension: str,
        default_unit: str | None,
        *,
        mass_means_co2e: bool = False,
        allow_zero: bool = True,
    ) -> None:
        self.dimension = dimension
        self.default_unit = default_unit
        self.mass_means_co2e = mass_means_co2e
        self.allow_zero = allow_zero

    def get_metavar(self, param: click.Parameter, ctx: click.Context | None = None) -> str:
        return f"QTY[{self.default_unit}]" if self.default_unit else "QTY"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:

        if not isinstance(value, str) and hasattr(value, "dimensionality"):
            return value
        name = param.opts[0] if param is not None and param.opts else "value"
        try:
            return units.parse_quantity(
                value,
                self.dimension,
                self.default_unit,
                name,
                mass_means_co2e=self.mass_means_co2e,
                allow_zero=self.allow_zero,
            )
        except FootprintError as exc:
            raise CliError(str(exc)) from None


class PriceType(click.ParamType):
    """An electricity price in one currency per energy ("0.12 USD/kWh", "25 EUR/MWh")."""

    name = "price"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:

        name = param.opts[0] if param is not None and param.opts else "value"
        try:
            return units.parse_price(value, name)
        except FootprintError as exc:
            raise CliError(str(exc)) from None


class FractionType(click.ParamType):
    """A number in (0, 1] (or [0, 1] with ``allow_zero``); "50%" also works."""

    name = "fraction"

    def __init__(self, allow_zero: bool = False) -> None:
        self.allow_zero = allow_zero

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:

        name = param.opts[0] if param is not None and param.opts else "value"
        text = str(value).strip()
        try:
            x = float(text[:-1]) / 100 if text.endswith("%") else float(text)
        except ValueError:
            raise CliError(
                f"{name}: expected a fraction such as 0.8 or 80%, got {value!r}"
            ) from None
        low_ok = x >= 0 if self.allow_zero else x > 0
        if not (low_ok and x <= 1):  # also rejects NaN
            span = "[0, 1]" if self.allow_zero else "(0, 1]"
            raise CliError(f"{name}: expected a fraction in {span}, got {value}")
        return x


class DegreesType(click.FloatRange):
    """A latitude or longitude in degrees: a finite number within the range (a 568-digit
    latitude is refused as not finite, not as "inf is not in the range")."""

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        import math

        try:
            number = float(value)
        except (TypeError, ValueError):
            return super().convert(value, param, ctx)
        if not math.isfinite(number):
            name = param.opts[0] if param is not None and param.opts else "value"
            raise CliError(f"{name}: expected a finite number of degrees, got {str(value)[:40]}")
        return super().convert(value, param, ctx)


class FileNameType(click.ParamType):
    """A file name, checked only for what no file name can hold (empty, a NUL byte).

    Whether the file can be read or written is checked by :mod:`footprint.core.files` when it
    is used (regular files only, outputs never replace a directory or device), so that
    every such error is one line naming the option.
    """

    name = "file"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        import os

        name = param.opts[0] if param is not None and param.opts else "file"
        text = os.fsdecode(value) if isinstance(value, bytes) else str(value)
        if not text.strip():
            raise CliError(f"{name}: empty file name")
        if "\x00" in text:
            raise CliError(f"{name}: a file name cannot contain a NUL byte, got {text!r}")
        return text

    def shell_complete(self, ctx: click.Context, param: click.Parameter, incomplete: str) -> Any:
        from click.shell_completion import CompletionItem

        return [CompletionItem(incomplete, type="file")]


def _format_choice(formats: tuple[str, ...], help_text: str) -> Callable[[F], F]:
    return click.option(
        "--format",
        "fmt",
        type=click.Choice(formats),
        default="table",
        show_default=True,
        help=help_text,
    )


def format_option(f: F) -> F:
    """``--format table|json|csv|markdown`` (table, for people, is the default)."""
    return _format_choice(
        FORMATS, "Output format; json and csv use canonical units (kWh, kgCO2e, L)."
    )(f)


def result_format_option(f: F) -> F:
    """``--format`` of one result: the four formats and the disclosures."""
    return _format_choice(
        RESULT_FORMATS,
        "Output format; json and csv use canonical units (kWh, kgCO2e, L); "
        "hf-model-card (the co2_eq_emissions YAML block and an Environmental impact "
        "section), eu-ai-act (Annex XI 2(d)-(e): training compute and energy, Markdown and "
        "JSON), boamps (Boavizta's AI energy report JSON) and sci (ISO/IEC 21031 Software "
        "Carbon Intensity) are disclosures.",
    )(f)


def echo(text: str) -> None:
    """Write command output, without a doubled final newline."""
    click.echo(text.rstrip("\n"))


#: Keyword names that :func:`site_options` adds to a command.
SITE_KEYS = (
    "region",
    "year",
    "operator",
    "facility",
    "pue",
    "wue",
    "ewif",
    "intensity",
    "cfe",
    "price",
    "consumer",
    "hydro",
    "strict_year",
    "boundary",
)


def _site_option_decorators() -> dict[str, Callable[[F], F]]:
    """The site options by keyword name (one definition, used by every command)."""
    return {
        "region": click.option(
            "--region",
            "-r",
            help="Country (FR, FRA, France), aggregate (WORLD, EU), US state (US-VA), "
            "zone (SE-SE3) or cloud region (aws:us-east-1). Default: World average (reported).",
        ),
        "year": click.option(
            "--year",
            type=click.IntRange(1990, 2100),
            help="Data year. Default: newest available (reported).",
        ),
        "operator": click.option(
            "--operator",
            help="Data-centre operator for PUE/WUE defaults "
            "(industry-average, google, microsoft, aws, meta...).",
        ),
        "facility": click.option(
            "--facility",
            type=click.Choice(FACILITY_CLASSES),
            help="Facility class for PUE/WUE priors when no operator is named. Default: "
            "hyperscale for a job of >= 100,000 accelerator-hours or >= 256 accelerators, "
            "else industry-average (reported).",
        ),
        "pue": click.option(
            "--pue",
            type=QuantityType("dimensionless", "dimensionless"),
            help="Power usage effectiveness (>= 1); replaces the default.",
        ),
        "wue": click.option(
            "--wue",
            type=QuantityType("water_intensity", "L/kWh"),
            help="On-site water per kWh of IT energy, e.g. '0.3 L/kWh'.",
        ),
        "ewif": click.option(
            "--ewif",
            type=QuantityType("water_intensity", "L/kWh"),
            help="Off-site water per kWh of electricity, e.g. '3.1 L/kWh'.",
        ),
        "intensity": click.option(
            "--intensity",
            type=QuantityType("intensity", "gCO2e/kWh", mass_means_co2e=True),
            help="Grid intensity, e.g. '414 g/kWh'.",
        ),
        "cfe": click.option(
            "--cfe",
            type=FractionType(allow_zero=True),
            help="Carbon-free contracted share in [0, 1] for market-based CO2e "
            "(default: operator-published where it exists, else 0).",
        ),
        "price": click.option(
            "--price",
            type=PriceType(),
            help="Electricity price, e.g. '0.12 USD/kWh'; adds the cost in that currency "
            "(default: open data where they exist, Europe).",
        ),
        "consumer": click.option(
            "--consumer",
            type=click.Choice(["non-household", "household"]),
            default="non-household",
            show_default=True,
            help="Price band used from the price dataset.",
        ),
        "hydro": click.option(
            "--hydro",
            type=click.Choice(["include", "exclude"]),
            default="include",
            show_default=True,
            help="Count hydropower evaporation in the EWIF.",
        ),
        "strict_year": click.option(
            "--strict-year",
            is_flag=True,
            help="Fail instead of using the nearest year when data lack the year.",
        ),
        "boundary": click.option(
            "--boundary",
            type=click.Choice(list(BOUNDARIES)),
            help="What the energy includes: accelerators; accelerators+facility (x PUE, no "
            "host: many model cards); servers (+ host, no PUE); facility (+ host + PUE). "
            "Default: facility.",
        ),
    }


def site_options(f: F) -> F:
    """Options describing where a workload runs; see :func:`site_from_options`."""
    return site_options_except()(f)


def site_options_except(*names: str) -> Callable[[F], F]:
    """:func:`site_options` without the options ``names`` (keyword names, e.g. ``"region"``).

    For commands that set those themselves (``compare`` sets the region of each zone).
    """
    decorators = _site_option_decorators()
    unknown = set(names) - set(decorators)
    if unknown:
        raise ValueError(f"unknown site options {sorted(unknown)}")

    def apply(f: F) -> F:
        for key in reversed(SITE_KEYS):
            if key not in names:
                f = decorators[key](f)
        return f

    return apply


def site_from_options(options: dict[str, Any]) -> Any:
    """Build a :class:`footprint.Site` from the values of :func:`site_options`.

    Options a command left out (:func:`site_options_except`) keep the Site defaults.
    """

    site = {k: options[k] for k in SITE_KEYS if k in options}
    path = options.get("water_scarcity_factors")
    if path is not None:  # the user's factor table: bad content is one line, exit code 2
        site["water_scarcity"] = read_water_scarcity(path)
    return Site(**site)


def water_scarcity_option(f: F) -> F:
    """``--water-scarcity-factors FILE`` (read by :func:`site_from_options`)."""
    return click.option(
        "--water-scarcity-factors",
        "water_scarcity_factors",
        type=FileNameType(),
        help="CSV of water-scarcity factors (zone, month (optional), "
        "factor_m3_world_eq_per_m3, e.g. AWARE 2.0 non-agricultural): adds the water "
        "scarcity footprint in m3 world-eq (ISO 14046). footprint ships none (README).",
    )(f)


def marginal_option(f: F) -> F:
    """``--marginal [combined|operating]`` (alone: combined), for ``Site.marginal``."""
    return click.option(
        "--marginal",
        type=click.Choice(MARGINS),
        is_flag=False,
        flag_value=MARGINS[0],
        default=None,
        help="Marginal emission factor instead of the average intensity: for decisions "
        "(adding or moving load), not inventories. IFI 2021 by country: combined margin "
        "(default) or 'operating' margin.",
    )(f)


#: Keyword names that :func:`gpu_job_options` adds to a command.
GPU_JOB_KEYS = (
    "accelerator",
    "gpu_hours",
    "count",
    "duration",
    "power",
    "utilization",
    "host_power",
    "energy",
    "energy_basis",
)
#: The keyword arguments of :class:`footprint.GpuJob` among them.
_GPU_JOB_ARGS = GPU_JOB_KEYS[:7]


def gpu_job_options(f: F) -> F:
    """Options describing a job on accelerators; see :func:`gpu_job_from_options`."""
    decorators = [
        click.option(
            "--accelerator",
            "--gpu",
            "-a",
            "accelerator",
            help="Accelerator name or alias (see `footprint accelerators`). Required unless "
            "--energy is given.",
        ),
        click.option(
            "--gpu-hours",
            type=QuantityType("time", "h", allow_zero=False),
            help="Accelerator-hours in total; bare numbers are hours (39.3e6 or 39.3M).",
        ),
        click.option(
            "--count", type=click.IntRange(min=1), help="Number of accelerators (with --hours)."
        ),
        click.option(
            "--hours",
            "--duration",
            "duration",
            type=QuantityType("time", "h", allow_zero=False),
            help="Wall-clock duration (with --count): '72', '3 days', '3.5 months'.",
        ),
    ]
    for decorator in reversed(decorators):
        f = decorator(f)
    return energy_options(power_options(f))


def energy_options(f: F) -> F:
    """``--energy`` and ``--energy-basis``: a measured energy in place of power x hours."""
    decorators = [
        click.option(
            "--energy",
            type=QuantityType("energy", "kWh", allow_zero=False),
            help="A measured energy, e.g. '27.5 MWh' (bare numbers are kWh): replaces power x "
            "hours. With --accelerator and its hours, embodied CO2e is counted too.",
        ),
        click.option(
            "--energy-basis",
            type=click.Choice(("it", "accelerators", "facility")),
            default="it",
            show_default=True,
            help="What --energy covers: it (servers, host included; PUE applied), "
            "accelerators (host share and PUE added) or facility (PUE included).",
        ),
    ]
    for decorator in reversed(decorators):
        f = decorator(f)
    return f


def power_options(f: F) -> F:
    """``--power``, ``--utilization`` and ``--host-power``: how much an accelerator draws."""
    decorators = [
        click.option(
            "--power",
            type=QuantityType("power", "W"),
            help="Average draw per accelerator, e.g. '700 W'; replaces TDP x utilization.",
        ),
        click.option(
            "--utilization",
            type=FractionType(),
            help="Average draw as a fraction of TDP, in (0, 1]. Default: the measured "
            "average of the accelerator's server class (0.8 while training).",
        ),
        click.option(
            "--host-power",
            type=QuantityType("power", "W"),
            help="Host share per accelerator. Default: the server class's (150 W on an "
            "8-GPU server); '0 W' turns it off.",
        ),
    ]
    for decorator in reversed(decorators):
        f = decorator(f)
    return f


def gpu_job_from_options(options: dict[str, Any]) -> Any:
    """Check the values of :func:`gpu_job_options` and build a :class:`footprint.GpuJob`."""
    import numpy as np

    if options.get("energy") is not None:
        for key in ("power", "utilization"):
            if options[key] is not None:
                raise CliError(f"--{key}: a measured --energy replaces the draw; leave it out")
        return MeasuredRun(
            options["energy"],
            basis=options["energy_basis"],
            accelerator=options["accelerator"],
            gpu_hours=options["gpu_hours"],
            count=options["count"],
            duration=options["duration"],
            host_power=options["host_power"],
        )
    if options["accelerator"] is None:
        raise CliError("--accelerator: give the accelerator (or a measured --energy)")
    given = [options[k] is not None for k in ("gpu_hours", "count", "duration")]
    check_job_rules("--gpu-hours", check_hours_inputs(*(np.array([g]) for g in given)))
    check_power_options(options["power"], options["utilization"])
    return GpuJob(**{k: options[k] for k in _GPU_JOB_ARGS})


#: Option of each argument the rules of :mod:`footprint.workloads.job_rules` name.
_JOB_OPTIONS = {
    "gpu_hours": "--gpu-hours",
    "count": "--count",
    "duration": "--hours",
    "power": "--power",
    "utilization": "--utilization",
}


def check_job_rules(option: str, violations: list[Any]) -> None:
    """Raise the first broken rule of :mod:`footprint.workloads.job_rules` in the options' names."""

    if violations:
        text = re.sub(
            r"\b(gpu_hours|count|duration|power|utilization)\b",
            lambda m: _JOB_OPTIONS[m.group(1)],
            violations[0].template,
        )
        raise CliError(f"{option}: {text}")


def check_power_options(power: Any, utilization: Any) -> None:
    """--power and --utilization are not both given (the rule of GpuJob and batch rows)."""
    import numpy as np

    given = (np.array([power is not None]), np.array([utilization is not None]))
    check_job_rules("--power", check_power_inputs(*given))


#: Largest yearly rate accepted (+10,000% a year): beyond, projections overflow.
MAX_RATE = 100.0


class RateType(click.ParamType):
    """A signed yearly rate: "30%", "-3%", "0.3" (fractions), above -100% and at most
    +10,000% a year (:data:`MAX_RATE`). A bare number beyond +-1 is refused: "30" is far
    more often 30% meant than 3,000% (issue 17)."""

    name = "rate"

    def get_metavar(self, param: click.Parameter, ctx: click.Context | None = None) -> str:
        return "RATE"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:

        if isinstance(value, float):
            return value
        name = param.opts[0] if param is not None and param.opts else "value"
        text = str(value).strip().removesuffix("/yr").removesuffix("/year").strip()
        try:
            x = float(text[:-1]) / 100 if text.endswith("%") else float(text)
        except ValueError:
            raise CliError(
                f"{name}: expected a yearly rate such as 30% or -3%, got {value!r}"
            ) from None
        if not text.endswith("%") and 1 < abs(x) <= 100 * MAX_RATE:  # 30 meant as 30%
            raise CliError(
                f"{name}: a bare {text} would be {x:,.0%} a year; write {text}% for "
                f"{text} percent (a bare number is a fraction: 0.3 is 30%)"
            )
        if not -1 < x <= MAX_RATE:  # also NaN and infinity
            raise CliError(
                f"{name}: expected a yearly rate above -100% and at most "
                f"+{MAX_RATE:,.0%}, got {value}"
            )
        return x


class DefaultGroup(click.Group):
    """A group that runs its ``default`` subcommand when the first word names none."""

    default = ""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        if self.default and (
            not args or (args[0] not in self.commands and args[0] not in ("-h", "--help"))
        ):
            args = [self.default, *args]
        return super().parse_args(ctx, args)


def reused_params(module: str, skip: tuple[str, ...] = ()) -> list[click.Parameter]:
    """The options of another command (its own definitions), without site and format.

    Lets a command accept another command's workload options without copying them.
    """
    import importlib

    source: click.Command = importlib.import_module(module).command
    drop = set(SITE_KEYS) | set(EMBODIED_KEYS) | set(UNCERTAINTY_KEYS) | set(COMPUTE_KEYS)
    drop |= {"fmt", "plan_price", *skip}
    return [p for p in source.params if p.name not in drop]


def with_params(params: list[click.Parameter]) -> Callable[[F], F]:
    """Decorator adding existing click parameters (from :func:`reused_params`)."""

    def apply(f: F) -> F:
        existing = getattr(f, "__click_params__", [])
        f.__click_params__ = existing + list(reversed(params))  # type: ignore[attr-defined]
        return f

    return apply


#: Keyword names that :func:`embodied_options` adds to a command.
EMBODIED_KEYS = (
    "embodied",
    "lifetime",
    "life_utilization",
    "embodied_accelerator",
    "embodied_host",
    "server",
)


def embodied_options(f: F) -> F:
    """Options for embodied (manufacturing) emissions; see :func:`embodied_from_options`."""
    decorators = [
        click.option(
            "--embodied/--no-embodied",
            default=True,
            show_default=True,
            help="Count manufacturing emissions of accelerators and servers (embodied_co2e, "
            "total_co2e); co2e stays operational.",
        ),
        click.option(
            "--lifetime",
            type=QuantityType("time", "year", allow_zero=False),
            help="Service life of the hardware, e.g. '4 years' (bare numbers are years). "
            "Default 4 years.",
        ),
        click.option(
            "--life-utilization",
            type=FractionType(),
            help="Share of the service life the hardware is in use, in (0, 1]. Default 0.85.",
        ),
        click.option(
            "--embodied-accelerator",
            type=QuantityType("co2e", "kgCO2e", mass_means_co2e=True),
            help="Manufacturing CO2e of one accelerator, e.g. '164 kgCO2e'; replaces the "
            "dataset value.",
        ),
        click.option(
            "--embodied-host",
            type=QuantityType("co2e", "kgCO2e", mass_means_co2e=True),
            help="Host share per accelerator of the server's manufacturing CO2e, e.g. "
            "'712.5 kgCO2e'.",
        ),
        click.option(
            "--server",
            help="Server profile for the host share (gpu-server-8, "
            "hpe-proliant-dl345-gen10plus). Default gpu-server-8.",
        ),
    ]
    for decorator in reversed(decorators):
        f = decorator(f)
    return f


def embodied_from_options(options: dict[str, Any]) -> Any:
    """``False`` (not counted) or a :class:`footprint.Embodied` from :func:`embodied_options`."""

    values = {k: options.get(k) for k in EMBODIED_KEYS[1:]}
    if not options.get("embodied", True):
        given = [k for k, v in values.items() if v is not None]
        if given:
            flag = "--" + given[0].replace("_", "-")
            raise CliError(f"{flag}: embodied emissions are off (--no-embodied)")
        return False
    if values["server"] is not None and values["embodied_host"] is not None:
        raise CliError("--server: give either --server or --embodied-host, not both")
    return Embodied(
        lifetime=values["lifetime"],
        life_utilization=values["life_utilization"],
        accelerator=values["embodied_accelerator"],
        host=values["embodied_host"],
        server=values["server"],
    )


#: Keyword names that :func:`compute_cost_options` adds to a command.
COMPUTE_KEYS = (
    "gpu_price",
    "ownership",
    "gpu_capex",
    "server_capex",
    "gpus_per_server",
    "financing_rate",
)


def compute_cost_options(f: F) -> F:
    """Options pricing accelerator-hours; see :func:`compute_and_embodied_from_options`."""
    decorators = [
        click.option(
            "--gpu-price",
            metavar="PRICE",
            help="Rental price per accelerator-hour, e.g. '2.50 USD/h' (bare numbers are "
            "USD/h): adds a compute cost beside the electricity cost.",
        ),
        click.option(
            "--ownership",
            is_flag=True,
            help="Compute cost of owning the hardware: its release price "
            "(accelerator_prices.csv, Epoch AI) over --lifetime at --life-utilization.",
        ),
        click.option(
            "--gpu-capex",
            metavar="PRICE",
            help="Purchase price per accelerator for ownership, e.g. '30000 USD' (bare "
            "numbers are USD).",
        ),
        click.option(
            "--server-capex",
            metavar="PRICE",
            help="Purchase price of a whole server, shared by --gpus-per-server.",
        ),
        click.option(
            "--gpus-per-server",
            type=click.IntRange(min=1),
            help="Accelerators sharing --server-capex. Default 8.",
        ),
        click.option(
            "--financing-rate",
            metavar="RATE",
            help="Yearly cost of capital for ownership, e.g. 8% (default 0).",
        ),
    ]
    for decorator in reversed(decorators):
        f = decorator(f)
    return f


def compute_and_embodied_from_options(
    compute: dict[str, Any], embodied: dict[str, Any]
) -> tuple[Any, Any]:
    """A :class:`footprint.ComputeCost` (or ``None``) and the embodied argument.

    ``compute`` holds the values of :func:`compute_cost_options`, ``embodied`` those of
    :func:`embodied_options`: ownership shares --lifetime and --life-utilization with
    embodied emissions (also when those are off).
    """
    owned = compute["ownership"] or any(
        compute[k] is not None for k in ("gpu_capex", "server_capex", "financing_rate")
    )
    if compute["gpus_per_server"] is not None and compute["server_capex"] is None:
        raise CliError("--gpus-per-server: only with --server-capex")
    spec = None
    if compute["gpu_price"] is not None and owned:
        raise CliError(
            "--gpu-price: give a rental price or ownership (--ownership, --gpu-capex...), not both"
        )
    if compute["gpu_price"] is not None:
        spec = ComputeCost(rental=compute["gpu_price"])
    elif owned:
        spec = ComputeCost(
            purchase=compute["gpu_capex"],
            server_purchase=compute["server_capex"],
            accelerators_per_server=compute["gpus_per_server"],
            lifetime=embodied.get("lifetime"),
            life_utilization=embodied.get("life_utilization"),
            financing_rate=compute["financing_rate"],
            ownership=True,
        )
        if not embodied.get("embodied", True):  # the life belongs to ownership alone
            embodied = {**embodied, "lifetime": None, "life_utilization": None}
    return spec, embodied_from_options(embodied)


#: Keyword names that :func:`uncertainty_options` adds to a command.
UNCERTAINTY_KEYS = ("uncertainty", "samples", "seed")


def uncertainty_options(f: F) -> F:
    """Options for low/high ranges; see :func:`uncertainty_from_options`."""
    decorators = [
        click.option(
            "--uncertainty",
            is_flag=True,
            help="Add low-high ranges (5th-95th percentiles, Monte Carlo) to every result "
            "and rank the inputs that drive them.",
        ),
        click.option(
            "--samples",
            type=click.IntRange(min=100),
            help="Monte Carlo samples (implies --uncertainty). Default 5000.",
        ),
        click.option(
            "--seed",
            type=int,
            help="Random seed (implies --uncertainty); the same seed gives the same ranges. "
            "Default 0.",
        ),
    ]
    for decorator in reversed(decorators):
        f = decorator(f)
    return f


def uncertainty_from_options(options: dict[str, Any]) -> Any:
    """``None`` or a :class:`footprint.Uncertainty` from :func:`uncertainty_options`."""

    samples, seed = options.get("samples"), options.get("seed")
    if not options.get("uncertainty") and samples is None and seed is None:
        return None
    return Uncertainty(
        samples=DEFAULT_SAMPLES if samples is None else samples,
        seed=DEFAULT_SEED if seed is None else seed,
    )
