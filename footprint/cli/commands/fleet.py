"""``footprint fleet``: an installed base of AI servers or accelerators, a sector's footprint."""

from __future__ import annotations

from typing import Any

import click

from footprint.analyses.installed import FleetFootprint, fleet_footprint
from footprint.catalogues.servers import server_table
from footprint.cli import CliError
from footprint.cli.commands._options import (
    FORMATS,
    SITE_KEYS,
    FractionType,
    QuantityType,
    echo,
    site_from_options,
    site_options,
)
from footprint.core import escape, units
from footprint.places.country_energy import DEFAULT_MATCHES, MAX_MATCHES
from footprint.places.equivalences import count_text
from footprint.render.notes import markdown_bullets
from footprint.render.report import (
    brief_source,
    fit_text,
    format_keyed,
    format_number,
    format_percent,
    readable,
    render_frame,
    short_source,
    to_json,
)
from footprint.workloads.installed import HOURS_PER_YEAR, InstalledFleet


@click.command("fleet")
@click.option("--server", help="Server or rack of the catalogue (DGX-H100, DGX-A100...; --list).")
@click.option(
    "--accelerator", "--gpu", "-a", "accelerator", help="Or an accelerator (H100, MI300X...)."
)
@click.option(
    "--count", metavar="N", help="Units installed: servers (--server) or accelerators; 1.5e6 works."
)
@click.option(
    "--shipments", metavar="N/yr", help="Units shipped a year, e.g. '2e6/yr' (with --lifetime)."
)
@click.option(
    "--lifetime",
    type=QuantityType("time", "year", allow_zero=False),
    help="Years in service of shipped units (installed base = shipments x lifetime), e.g. "
    "'4 years'; also the embodied emissions' amortisation.",
)
@click.option(
    "--utilization",
    type=FractionType(),
    default="1",
    show_default=True,
    help="Average draw as a fraction of the maximum (server) or of TDP (accelerator); "
    "de Vries 2023 assumes 100%.",
)
@click.option(
    "--years",
    type=QuantityType("time", "year", allow_zero=False),
    default="1",
    show_default=True,
    help=f"Length of the period, e.g. '6 months' (bare numbers are years of "
    f"{HOURS_PER_YEAR:,.0f} h).",
)
@click.option(
    "--host-power",
    type=QuantityType("power", "W"),
    help="Host share per accelerator of an --accelerator fleet (default: its server class).",
)
@click.option(
    "--mix",
    metavar="REGION:SHARE,...",
    help="Spread over regions by share, e.g. 'US:0.45,CN:0.25,DE:0.3' (instead of --region).",
)
@click.option(
    "--countries",
    type=click.IntRange(0, MAX_MATCHES),
    default=DEFAULT_MATCHES,
    show_default=True,
    help="Countries named whose electricity demand is closest to the fleet's (0: none).",
)
@click.option(
    "--embodied/--no-embodied",
    default=True,
    show_default=True,
    help="Count manufacturing emissions (amortised over --lifetime, default 4 years).",
)
@click.option("--list", "list_servers", is_flag=True, help="List the server catalogue and exit.")
@site_options
@click.option(
    "--format",
    "fmt",
    type=click.Choice(FORMATS),
    default="table",
    show_default=True,
    help="Output format; json per year in TWh, MtCO2e, GL, and over the period in "
    "canonical units (kWh, kgCO2e, L).",
)
def command(fmt: str, list_servers: bool, **options: Any) -> None:
    """Electricity, CO2e, water and cost of an installed base of AI servers, a year at a time.

    N servers of the catalogue (their maximum system power) or N accelerators (TDP and
    the server class's host share), installed or shipped a year with a lifetime, at a
    utilization of their maximum, in one region (site options) or a --mix of regions;
    with the countries that use as much electricity in a year.

    \b
    Examples:
      footprint fleet --server DGX-H100 --count 1.5e6 --utilization 100% --pue 1
      footprint fleet --server DGX-A100 --count 1.5e6 --pue 1 --format json
      footprint fleet --accelerator H100 --shipments 2e6/yr --lifetime "4 years" --utilization 60%
      footprint fleet --server DGX-B200 --count 1e5 --mix "US:0.45,CN:0.25,DE:0.3"
      footprint fleet --list
    """
    if list_servers:
        echo(render_frame(server_table(), fmt, title="Servers"))
        return
    site_values = {k: options.pop(k) for k in SITE_KEYS}
    mix = options.pop("mix")
    if mix is not None and site_values["region"] is not None:
        raise CliError("--mix: give either --region or --mix, not both")
    if options["server"] is None and options["accelerator"] is None:
        raise CliError("--server: give a --server or an --accelerator (or --list)")
    if options["count"] is None and options["shipments"] is None:
        raise CliError("--count: give an installed --count, or --shipments with --lifetime")
    if options["shipments"] is not None and options["lifetime"] is None:
        raise CliError("--shipments: give the --lifetime shipped units stay in service")
    fleet = InstalledFleet(
        server=options["server"],
        accelerator=options["accelerator"],
        count=options["count"],
        shipments=options["shipments"],
        lifetime=options["lifetime"],
        utilization=options["utilization"],
        years=float(options["years"].m_as("year")),
        host_power=options["host_power"],
    )
    result = fleet_footprint(
        fleet,
        site_from_options(site_values),
        mix=mix,
        embodied=None if options["embodied"] else False,
        countries=options["countries"],
    )
    echo(_render(result, fleet, fmt))


def _render(fp: FleetFootprint, fleet: InstalledFleet, fmt: str) -> str:
    if fmt == "json":
        return to_json({"fleet": fleet.describe(), **fp.to_dict()})
    frame = fp.frame()
    if fmt == "csv":
        return render_frame(frame, "csv")
    lines = _summary(fp, fleet)
    factors = _factors(fp)
    frame = _readable_numbers(frame, ("share",))
    frame["share"] = [format_percent(float(x)) for x in frame["share"]]
    factors["value"] = [  # no value: an EWIF where a zone has no generation mix
        "not available" if v is None or v != v else format_keyed(name, float(v), unit)
        for name, v, unit in zip(factors["factor"], factors["value"], factors["unit"], strict=True)
    ]
    factors = _readable_numbers(factors, ("year",))
    if fmt == "markdown":
        out = ["## Fleet", "", *(f"- {escape.markdown_text(x)}" for x in lines), ""]
        out += ["### Per region, per year", "", render_frame(frame, "markdown"), ""]
        out += ["### Factors", "", render_frame(factors, "markdown"), ""]
        out += ["### Notes", "", *markdown_bullets(fp.notes)]
        return "\n".join(out)
    out = [*lines, "", render_frame(frame, "table", title="Per region, per year")]
    out += [render_frame(factors, "table", title="Factors"), "Notes:"]
    out += [f"  - {escape.rich_text(n)}" for n in fp.notes]
    return fit_text("\n".join(out))


def _summary(fp: FleetFootprint, fleet: InstalledFleet) -> list[str]:
    """The results in words: what, per year, and the countries that use as much."""
    one = fp.per_year()
    lines = [f"Fleet: {fleet.describe()}, {fp.years:g} year(s) of {HOURS_PER_YEAR:,.0f} h"]
    parts = [f"{readable(_annual(one, 'facility_energy'))} of electricity (facility)"]
    parts.append(f"{readable(_annual(one, 'co2e'))} (location-based)")
    if "total_co2e" in one:
        parts.append(f"{readable(_annual(one, 'total_co2e'))} with embodied")
    if "water" in one:  # blank where a region has no generation mix (no EWIF)
        parts.append(f"{readable(_annual(one, 'water'))} of water")
    if "cost" in one:
        cost = _annual(one, "cost")
        currency = units.format_unit(cost.units)
        parts.append(f"{count_text(float(cost.magnitude))} {currency} of electricity cost")
    lines.append("Per year: " + ", ".join(parts))
    if fp.equivalents:
        names = "; ".join(m.text for m in fp.equivalents)
        source = brief_source(fp.equivalents[0].factor.source, 100)
        lines.append(f"As much electricity a year as: {names} (electricity demand; {source})")
    return lines


def _readable_numbers(frame: Any, keep: tuple[str, ...]) -> Any:
    """Float columns as text of 4 significant digits (for people), but ``keep``."""
    out = frame.copy()
    for col in out.columns:
        if col not in keep and out[col].dtype.kind == "f":
            out[col] = [format_number(float(x)) if x == x else "" for x in out[col]]
    return out


def _annual(per_year: dict[str, Any], key: str) -> Any:
    """A per-year quantity as the amount of one year (``134 TWh/year`` -> ``134 TWh``)."""
    return per_year[key] * units.Q_(1, "year")


def _factors(fp: FleetFootprint) -> Any:
    import pandas as pd

    rows = []
    for name, f in fp.factors.items():
        d = f.to_dict()
        rows.append(
            {
                "factor": name,
                "value": d["value"],
                "unit": d["unit"],
                "zone": f.zone or "",
                "year": f.year,
                "source": short_source(f.source)[:160],
            }
        )
    if len(fp.regions) > 1:
        for r in fp.regions:
            for name in ("intensity", "pue", "ewif"):
                f = r.factors[name]
                rows.append(
                    {
                        "factor": f"{name} ({r.region})",
                        "value": f.to_dict()["value"],
                        "unit": f.to_dict()["unit"],
                        "zone": f.zone or "",
                        "year": f.year,
                        "source": short_source(f.source)[:160],
                    }
                )
    return pd.DataFrame(rows)
