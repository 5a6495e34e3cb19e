"""Every example in a command's ``--help`` runs (exit code 0), as README's examples do.

Examples naming an input file that is not shipped in ``examples/`` (an illustration such
as ``load.csv``) are skipped with the reason.
"""

import shlex
from pathlib import Path

import pytest
from click.testing import CliRunner
from test_readme import missing_inputs, run_example

from footprint.cli import COMMANDS, cli

ROOT = Path(__file__).resolve().parent.parent


def command_paths() -> list[list[str]]:
    """Every command and sub-command (``project total``...) as its words."""
    import click

    paths = []
    for name in COMMANDS:
        command = cli.get_command(click.Context(cli), name)
        paths.append([name])
        if isinstance(command, click.Group):
            paths += [[name, sub] for sub in command.list_commands(click.Context(command))]
    return paths


def help_examples() -> list[str]:
    runner = CliRunner()
    found = []
    for words in command_paths():
        text = runner.invoke(cli, [*words, "--help"], terminal_width=400).output
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


def test_subcommand_examples_are_run():
    """``project total``'s examples were never collected: only top-level help was read."""
    assert any(e.startswith("footprint project total ") for e in EXAMPLES)


@pytest.mark.parametrize(
    "head", ["footprint solar --pv-capacity 100 --weather-file", "footprint hourly --grid-zone"]
)
def test_examples_that_failed_run_as_written(head, tmp_path, monkeypatch):
    """Issue 17, item 14: ``hourly --grid-zone CISO ... --pv-capacity`` needs --clearness
    and ``solar --weather-file 723170TYA.CSV`` named a file inside pvlib: both run as
    written, none skipped for a missing input."""
    [example] = [e for e in EXAMPLES if e.startswith(head)]
    monkeypatch.chdir(tmp_path)
    assert missing_inputs(shlex.split(example)[1:]) == []
    run_example(example, tmp_path, monkeypatch)


@pytest.mark.parametrize("command", EXAMPLES)
def test_help_example_runs(command, tmp_path, monkeypatch):
    run_example(command, tmp_path, monkeypatch)
