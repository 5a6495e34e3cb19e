"""Option types and decorators shared by the subcommands.

Kept free of heavy imports: pint and pandas load only when a value is parsed.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import click

F = TypeVar("F", bound=Callable[..., Any])

FORMATS = ("table", "json", "csv", "markdown")


class QuantityType(click.ParamType):
    """A quantity with a unit string ("700 W", "3 days", "414 g/kWh").

    A bare number takes ``default_unit``. The value must have ``dimension`` (a key
    of ``footprint.units.DIMENSIONS``); NaN, infinity and negative values fail.
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
        from footprint import units
        from footprint.cli import CliError
        from footprint.errors import FootprintError

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
        from footprint import units
        from footprint.cli import CliError
        from footprint.errors import FootprintError

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
        from footprint.cli import CliError

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


def format_option(f: F) -> F:
    """``--format table|json|csv|markdown`` (table, for people, is the default)."""
    return click.option(
        "--format",
        "fmt",
        type=click.Choice(FORMATS),
        default="table",
        show_default=True,
        help="Output format; json and csv use canonical units (kWh, kgCO2e, L).",
    )(f)


def echo(text: str) -> None:
    """Write command output, without a doubled final newline."""
    click.echo(text.rstrip("\n"))


#: Keyword names that :func:`site_options` adds to a command.
SITE_KEYS = (
    "region",
    "year",
    "operator",
    "pue",
    "wue",
    "ewif",
    "intensity",
    "cfe",
    "price",
    "consumer",
    "hydro",
    "strict_year",
)


def site_options(f: F) -> F:
    """Options describing where a workload runs; see :func:`site_from_options`."""
    decorators = [
        click.option(
            "--region",
            "-r",
            help="Country (FR, FRA, France), aggregate (WORLD, EU), US state (US-VA), "
            "zone (SE-SE3) or cloud region (aws:us-east-1). Default: World average (reported).",
        ),
        click.option(
            "--year",
            type=click.IntRange(1990, 2100),
            help="Data year. Default: newest available (reported).",
        ),
        click.option(
            "--operator",
            help="Data-centre operator for PUE/WUE defaults "
            "(industry-average, google, microsoft, aws, meta...).",
        ),
        click.option(
            "--pue",
            type=QuantityType("dimensionless", "dimensionless"),
            help="Power usage effectiveness (>= 1); replaces the default.",
        ),
        click.option(
            "--wue",
            type=QuantityType("water_intensity", "L/kWh"),
            help="On-site water per kWh of IT energy, e.g. '0.3 L/kWh'.",
        ),
        click.option(
            "--ewif",
            type=QuantityType("water_intensity", "L/kWh"),
            help="Off-site water per kWh of electricity, e.g. '3.1 L/kWh'.",
        ),
        click.option(
            "--intensity",
            type=QuantityType("intensity", "gCO2e/kWh", mass_means_co2e=True),
            help="Grid intensity, e.g. '414 g/kWh'.",
        ),
        click.option(
            "--cfe",
            type=FractionType(allow_zero=True),
            help="Carbon-free contracted share in [0, 1] for market-based CO2e "
            "(default: operator-published where it exists, else 0).",
        ),
        click.option(
            "--price",
            type=PriceType(),
            help="Electricity price, e.g. '0.12 USD/kWh'; adds the cost in that currency "
            "(default: open data where they exist, Europe).",
        ),
        click.option(
            "--consumer",
            type=click.Choice(["non-household", "household"]),
            default="non-household",
            show_default=True,
            help="Price band used from the price dataset.",
        ),
        click.option(
            "--hydro",
            type=click.Choice(["include", "exclude"]),
            default="include",
            show_default=True,
            help="Count hydropower evaporation in the EWIF.",
        ),
        click.option(
            "--strict-year",
            is_flag=True,
            help="Fail instead of using the nearest year when data lack the year.",
        ),
    ]
    for decorator in reversed(decorators):
        f = decorator(f)
    return f


def site_from_options(options: dict[str, Any]) -> Any:
    """Build a :class:`footprint.Site` from the values of :func:`site_options`."""
    from footprint.site import Site

    return Site(**{k: options[k] for k in SITE_KEYS})
