"""``footprint solar``: annual and monthly generation of an on-site PV array (pvlib)."""

from __future__ import annotations

from typing import Any

import click

from footprint.cli.commands._hourly_options import SOLAR_KEYS, solar_from, solar_options
from footprint.cli.commands._options import echo, format_option
from footprint.places.solar import annual_yield
from footprint.render.notes import note_lines
from footprint.render.report import (
    check_finite,
    format_number,
    readable,
    render,
    render_frame,
    result_label,
    to_json,
)


@click.command("solar")
@click.option(
    "--region",
    "-r",
    help="Cloud region whose metro hosts the array (aws:us-west-1...); or --latitude/--longitude.",
)
@solar_options
@click.option(
    "--year",
    type=click.IntRange(1900, 2100),
    default=2022,
    show_default=True,
    help="Calendar year simulated (typical-year weather is laid onto it).",
)
@click.option("--monthly", is_flag=True, help="Also print the monthly split.")
@format_option
def command(region: str | None, year: int, monthly: bool, fmt: str, **options: Any) -> None:
    """Annual yield of a PV array: energy, specific yield, capacity factor, clear-sky bound.

    pvlib's PVWatts chain: solar position, Ineichen clear sky x a sourced clear-sky
    index (or a TMY3/TMY2/EPW/PVGIS weather file), Perez transposition, cell
    temperature, PVWatts DC and inverter.

    \b
    Examples:
      footprint solar --pv-capacity "1 MWp" --latitude 36.1 --longitude -79.95
      footprint solar --pv-capacity 500 --region aws:us-west-1 --clearness 0.8 --monthly
      footprint solar --pv-capacity 100 --weather-file 723170TYA.CSV --format json

    \b
    723170TYA.CSV (Greensboro NC, TMY3) is a sample shipped with pvlib: a bare name of
    one of pvlib's samples is read from pvlib's data folder, which this prints:
      python -c "import pvlib, pathlib; print(pathlib.Path(pvlib.__file__).parent / 'data')"
    """

    solar = solar_from({k: options[k] for k in SOLAR_KEYS}, region, required=True)
    result = annual_yield(solar, year)
    data = result.to_dict()
    if monthly:
        data["monthly"] = result.monthly.to_dict(orient="records")
    check_finite(data)  # every format: NaN or infinity is an error, not printed
    if fmt == "json":
        echo(to_json(data))
        return
    if fmt == "csv":  # one table: the monthly split, or results and factors
        # render's CSV reads only to_dict(), which SolarYield has (results, factors...)
        text = render(result, "csv") if not monthly else None  # type: ignore[arg-type]
        echo(render_frame(result.monthly, "csv") if text is None else text)
        return
    import pandas as pd

    rows = [
        {
            "quantity": result_label(key),
            "value": readable(q) if q.dimensionality else format_number(q.m),
        }
        for key, q in result.results.items()
    ]
    factors = [
        {
            "factor": name,
            "value": f"{format_number(f.to_dict()['value'])} {f.to_dict()['unit']}".strip(),
            "origin": f.origin,
            "source": f.source,
        }
        for name, f in result.factors.items()
    ]
    echo(render_frame(pd.DataFrame(rows), fmt, title="PV yield"))
    echo(render_frame(pd.DataFrame(factors), fmt, title="Factors"))
    if monthly:
        shown = result.monthly.copy()
        for col in shown.columns:
            if col != "month":
                shown[col] = [format_number(float(v)) for v in shown[col]]
        echo(render_frame(shown, fmt, title="By month (UTC)"))
    echo("\n".join(note_lines(result.notes, fmt)[1:]))
