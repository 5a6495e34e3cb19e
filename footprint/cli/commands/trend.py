"""``footprint trend REGION``: carbon and water intensity of a region's electricity by year."""

from __future__ import annotations

from typing import Any

import click

from footprint.analyses import trends
from footprint.analyses.compare import plain, to_records
from footprint.cli import CliError
from footprint.cli.commands._options import FileNameType, echo, format_option
from footprint.core.escape import markdown_text
from footprint.render.notes import note_lines
from footprint.render.plots import check_target, save, trend_chart
from footprint.render.report import check_finite, format_number, render_frame, to_json


@click.command("trend")
@click.argument("regions", nargs=-1, required=True)
@click.option("--from", "start", type=click.IntRange(1990, 2100), help="First year.")
@click.option("--to", "end", type=click.IntRange(1990, 2100), help="Last year.")
@click.option(
    "--hydro",
    type=click.Choice(["include", "exclude"]),
    default="include",
    show_default=True,
    help="Count hydropower evaporation in the EWIF.",
)
@click.option(
    "--plot",
    type=FileNameType(),
    help="Write a chart (one region): FILE.png or FILE.svg.",
)
@format_option
def command(
    regions: tuple[str, ...],
    start: int | None,
    end: int | None,
    hydro: str,
    plot: str | None,
    fmt: str,
) -> None:
    """Carbon intensity and water intensity (EWIF) of REGION's electricity, year by year.

    Each row gives the change in percent against the first year shown and against the
    year before. Several regions give one table after the other (JSON: one object each).

    \b
    Examples:
      footprint trend FR --from 2015 --to 2024
      footprint trend DE PL US --from 2010 --format csv
      footprint trend gcp:europe-west1 --plot trend.svg
    """

    if start is not None and end is not None and start > end:
        raise CliError(f"--from: {start} is after --to {end}")
    if plot is not None and len(regions) > 1:
        raise CliError("--plot: draw one region at a time")
    if plot is not None:  # a bad --plot fails before the computation
        check_target(plot, "--plot")
    tables = [trends.trend(r, start, end, hydro=hydro) for r in regions]
    records = [_json(t) for t in tables]
    check_finite(records)  # every format: NaN or infinity is an error, not printed
    if plot is not None:
        click.echo(f"wrote {save(trend_chart(tables[0]), plot, '--plot')}", err=True)
    if fmt == "json":
        echo(to_json(records))
        return
    if fmt == "csv":
        import pandas as pd

        echo(render_frame(pd.concat([_plain(t) for t in tables]), "csv"))
        return
    trend_summary = trends.trend_summary
    blocks = []
    for t in tables:
        blocks.append(_text(t, fmt))
        blocks += [_line(line, fmt, "- " if fmt == "markdown" else "") for line in trend_summary(t)]
        blocks += note_lines(t.attrs["notes"], fmt)
        blocks.append("")
    echo("\n".join(blocks))


def _line(text: str, fmt: str, prefix: str = "") -> str:
    """A line of text under a table: Markdown-escaped in Markdown."""

    return prefix + (markdown_text(text) if fmt == "markdown" else text)


def _plain(df: Any) -> Any:

    out = plain(df)  # type: ignore[arg-type]
    return out.rename(columns={"ewif": "ewif_l_per_kwh"})


def _json(df: object) -> dict[str, object]:

    return {
        "region": df.attrs["region"],  # type: ignore[attr-defined]
        "rows": to_records(df),  # type: ignore[arg-type]
        "summary": _no_nan(df.attrs["summary"]),  # type: ignore[attr-defined]
        "sources": df.attrs["sources"],  # type: ignore[attr-defined]
        "notes": df.attrs["notes"],  # type: ignore[attr-defined]
    }


def _no_nan(value: Any) -> Any:
    """``value`` with NaN floats as None (JSON has no NaN; strict parsers reject it)."""
    if isinstance(value, dict):
        return {k: _no_nan(v) for k, v in value.items()}
    if isinstance(value, float) and value != value:
        return None
    return value


def _text(df: object, fmt: str) -> str:
    import pandas as pd

    def num(v: object, pct: bool = False) -> str:
        if v is None or pd.isna(v):  # type: ignore[call-overload]
            return ""
        x = float(v)  # type: ignore[arg-type]
        return f"{x:+.1f}%" if pct else format_number(x)

    rows = []
    for r in df.itertuples():  # type: ignore[attr-defined]
        rows.append(
            {
                "year": str(r.year),
                "intensity [gCO2e/kWh]": num(
                    r.intensity.magnitude if hasattr(r.intensity, "magnitude") else r.intensity
                ),
                "vs first": num(r.intensity_change_pct, True),
                "vs previous": num(r.intensity_yoy_pct, True),
                "EWIF [L/kWh]": num(r.ewif.magnitude if hasattr(r.ewif, "magnitude") else r.ewif),
                "EWIF vs first": num(r.ewif_change_pct, True),
                "EWIF vs previous": num(r.ewif_yoy_pct, True),
            }
        )
    shown = pd.DataFrame(rows)
    title = f"{df.attrs['region']} ({df.attrs['name']}): electricity by year"  # type: ignore[attr-defined]
    return render_frame(shown, fmt, title=title).rstrip("\n")
