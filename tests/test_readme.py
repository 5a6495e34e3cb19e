"""Every `footprint ...` command shown in README.md runs (exit code 0), so the README stays true.

Commands run in a temporary directory holding a copy of `examples/`; a command naming an
input path that does not exist there (an illustration such as a Parquet lake) is skipped
and listed by the skip reason.
"""

import re
import shlex
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from footprint.cli import cli
from footprint.places.weather import pvlib_sample

ROOT = Path(__file__).resolve().parent.parent


def readme_commands() -> list[str]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    commands = []
    for block in re.findall(r"```bash\n(.*?)```", text, re.S):
        for line in block.replace("\\\n", " ").splitlines():
            line = line.split("  #")[0].strip()
            for part in line.split(";"):
                if part.strip().startswith("footprint "):
                    commands.append(part.strip())
    return commands


COMMANDS = readme_commands()


def test_readme_has_commands():
    assert len(COMMANDS) >= 30


def missing_inputs(args: list[str]) -> list[str]:
    """The input paths ``args`` name that do not exist here (nor as a pvlib sample)."""
    outputs = {"-o", "--output", "--out", "--plot", "--summary", "--rejects"}
    return [
        a
        for prev, a in zip(["", *args], args, strict=False)
        if prev not in outputs
        and (a.endswith("/") or re.search(r"\.(csv|txt|toml|epw|parquet|gz|json)$", a, re.I))
        and not Path(a).exists()
        and pvlib_sample(a) is None
    ]


def run_example(command, tmp_path, monkeypatch):
    """Run one documented ``footprint ...`` example in a copy of ``examples/`` (exit 0).

    An example naming an input file that is not shipped is skipped with the reason.
    Shared by this file and ``test_help_examples.py``.
    """
    shutil.copytree(ROOT / "examples", tmp_path / "examples")
    monkeypatch.chdir(tmp_path)
    args = shlex.split(command)[1:]
    missing = missing_inputs(args)
    if missing:
        pytest.skip(f"illustration needs input not shipped: {missing}")
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, f"{command}\n{result.output}"


@pytest.mark.parametrize("command", COMMANDS)
def test_readme_command_runs(command, tmp_path, monkeypatch):
    run_example(command, tmp_path, monkeypatch)
