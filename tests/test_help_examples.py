"""Every example in a command's ``--help`` runs (exit code 0), as README's examples do.

Examples naming an input file that is not shipped in ``examples/`` (an illustration such
as ``load.csv``) are skipped with the reason.
"""

from pathlib import Path

import pytest
from click.testing import CliRunner
from test_readme import run_example

from footprint.cli import COMMANDS, cli

ROOT = Path(__file__).resolve().parent.parent


def help_examples() -> list[str]:
    runner = CliRunner()
    found = []
    for name in COMMANDS:
        text = runner.invoke(cli, [name, "--help"], terminal_width=400).output
        block = text.split("Examples:", 1)[1] if "Examples:" in text else ""
        block = block.split("\nOptions:", 1)[0].replace("\\\n", " ")
        for line in block.splitlines():
            line = line.split("  #")[0].strip()
            for part in line.split(";"):
                if part.strip().startswith("footprint "):
                    found.append(part.strip())
    return found


EXAMPLES = help_examples()


def test_help_has_examples():
    assert len(EXAMPLES) >= 20


@pytest.mark.parametrize("command", EXAMPLES)
def test_help_example_runs(command, tmp_path, monkeypatch):
    run_example(command, tmp_path, monkeypatch)
