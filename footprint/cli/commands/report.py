"""``footprint report SCENARIO.toml``: a Markdown or HTML report of a scenario file."""

from __future__ import annotations

import click

from footprint.analyses.scenario import load_scenario, run_scenario
from footprint.cli import CliError
from footprint.cli.commands._options import FileNameType, echo
from footprint.core.escape import markdown_text
from footprint.render.disclosures import DISCLOSURE_FORMATS
from footprint.render.report import render
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
    type=click.Choice(["markdown", "html", *DISCLOSURE_FORMATS]),
    help="Report format (default: from the --out suffix, else markdown); a disclosure "
    "format (hf-model-card, eu-ai-act, boamps, sci) gives one per workload on standard "
    "output.",
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
    if fmt in DISCLOSURE_FORMATS and out is not None:
        raise CliError(f"--format {fmt}: written to standard output; leave out --out")
    if out is not None:  # a bad --out fails before the (long) computation
        check_report_target(out, fmt, inputs=[scenario])
    result = run_scenario(parsed)
    if fmt in DISCLOSURE_FORMATS:  # each workload's disclosure, in the scenario's order
        echo(_disclosures(result, fmt))
        return
    if out is None:
        echo(render_html(result) if fmt == "html" else render_markdown(result))
        return
    path = write_report(result, out, fmt, inputs=[scenario])
    click.echo(f"wrote {path}", err=True)


def _disclosures(result: object, fmt: str) -> str:
    """Each workload's disclosure: a JSON list for boamps, headed sections otherwise."""
    import json

    footprints = result.footprints  # type: ignore[attr-defined]
    if fmt == "boamps":
        return json.dumps([json.loads(render(fp, fmt)) for fp in footprints.values()], indent=2)
    return "\n".join(
        f"# Workload: {markdown_text(name)}\n\n{render(fp, fmt)}" for name, fp in footprints.items()
    )
