"""``footprint report SCENARIO.toml``: a Markdown or HTML report of a scenario file."""

from __future__ import annotations

import click

from footprint.analyses.scenario import load_scenario, run_scenario
from footprint.cli.commands._options import FileNameType, echo
from footprint.render.reporting import (
    check_report_target,
    render_html,
    render_markdown,
    write_report,
)


@click.command("report")
@click.argument("scenario", type=FileNameType())
@click.option(
    "--out",
    "-o",
    type=FileNameType(),
    help="Write the report to FILE.md or FILE.html (default: Markdown on standard output).",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["markdown", "html"]),
    help="Report format (default: from the --out suffix, else markdown).",
)
@click.option("--check", is_flag=True, help="Only check the scenario file; write nothing.")
def command(scenario: str, out: str | None, fmt: str | None, check: bool) -> None:
    """Report on the workloads of a TOML scenario file: totals, per-workload breakdown,
    regional comparison, factors with sources and a paragraph to publish.

    HTML reports are self-contained (inline CSS and SVG charts, no network). A scenario
    with an error is reported with its file and line, and nothing is written.

    \b
    Examples:
      footprint report examples/llm_project.toml --out report.html
      footprint report examples/llm_project.toml --out report.md
      footprint report examples/llm_project.toml --check
    """

    parsed = load_scenario(scenario)
    if check:
        n = len(parsed.workloads)
        echo(f"{scenario}: OK ({n} workload{'s' if n != 1 else ''})")
        return
    if out is not None:  # a bad --out fails before the (long) computation
        check_report_target(out, fmt, inputs=[scenario])
    result = run_scenario(parsed)
    if out is None:
        echo(render_html(result) if fmt == "html" else render_markdown(result))
        return
    path = write_report(result, out, fmt, inputs=[scenario])
    click.echo(f"wrote {path}", err=True)
