"""What a package people install needs (issue 17, items 16, 17 and 20): a free distribution
name, licence files declared with PEP 639, ``py.typed``, a changelog, ``--version``,
completion, ``NO_COLOR`` and ``-`` for standard input."""

from __future__ import annotations

import csv
import email
import os
import re
import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

import footprint
from footprint.cli import cli

ROOT = Path(__file__).resolve().parent.parent
PROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]

#: How datasets/licences.csv names a licence -> its SPDX identifier (public domain and
#: cited facts carry no licence).
SPDX = {
    "CC BY 4.0": "CC-BY-4.0",
    "CC BY-SA 4.0": "CC-BY-SA-4.0",
    "ODbL": "ODbL-1.0",
    "Apache-2.0": "Apache-2.0",
    "MPL-2.0": "MPL-2.0",
    "BSD-3": "BSD-3-Clause",
    "MIT": "MIT",
    "Open Government Licence - Canada": "OGL-Canada-2.0",
}


def _expression_ids() -> set[str]:
    expression = PROJECT["license"]
    assert isinstance(expression, str), "PEP 639: license is an SPDX expression string"
    parts = expression.split(" AND ")
    assert all(re.fullmatch(r"[A-Za-z0-9.\-]+", p) for p in parts), expression
    return set(parts)


def test_distribution_name_is_not_the_taken_one():
    """``footprint`` and ``ai-footprint`` are taken on PyPI; the import name stays."""
    assert PROJECT["name"] == "ai-compute-footprint"
    assert PROJECT["scripts"] == {"footprint": "footprint.cli:main"}
    assert footprint.__name__ == "footprint"


def test_licence_expression_names_every_licence_of_the_shipped_data():
    named = set()
    with open(ROOT / "datasets" / "licences.csv", encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            named |= {spdx for text, spdx in SPDX.items() if text in row["licence"]}
    assert {"CC-BY-4.0", "ODbL-1.0", "CC-BY-SA-4.0"} <= named
    assert _expression_ids() == named | {"MIT"}


def test_every_licence_has_its_text_in_the_license_files():
    assert "MIT License" in (ROOT / "LICENSE").read_text(encoding="utf-8")
    for spdx in _expression_ids() - {"MIT"}:
        text = (ROOT / "LICENSES" / f"{spdx}.txt").read_text(encoding="utf-8")
        assert len(text) > 1000, spdx  # the full text, not a pointer
    assert "Creative Commons Attribution 4.0 International Public License" in (
        ROOT / "LICENSES" / "CC-BY-4.0.txt"
    ).read_text(encoding="utf-8")
    assert "Open Database License" in (ROOT / "LICENSES" / "ODbL-1.0.txt").read_text("utf-8")
    assert "Creative Commons Attribution-ShareAlike 4.0 International Public License" in (
        ROOT / "LICENSES" / "CC-BY-SA-4.0.txt"
    ).read_text(encoding="utf-8")
    globs = PROJECT["license-files"]
    matched = {p.relative_to(ROOT).as_posix() for g in globs for p in ROOT.glob(g)}
    assert "LICENSE" in matched and "datasets/share-alike/LICENSE-ODbL.md" in matched
    assert "datasets/share-alike/LICENSE-CC-BY-SA.md" in matched
    assert {f"LICENSES/{s}.txt" for s in _expression_ids() - {"MIT"}} <= matched


def test_build_backend_supports_pep_639():
    build = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["build-system"]
    assert build["requires"] == ["hatchling>=1.27"]  # the first hatchling with PEP 639


def test_wheel_carries_licences_types_and_license_expression(tmp_path):
    """The wheel's metadata (2.4) has License-Expression and License-File; the files are
    in .dist-info/licenses; py.typed is in the package."""
    pytest.importorskip("hatchling")
    subprocess.run(
        [sys.executable, "-m", "build", "--wheel", "--no-isolation", "--outdir", str(tmp_path)],
        cwd=ROOT,
        check=True,
        capture_output=True,
    )
    (wheel,) = tmp_path.glob("ai_compute_footprint-*.whl")
    with zipfile.ZipFile(wheel) as zf:
        names = set(zf.namelist())
        (meta_name,) = [n for n in names if n.endswith(".dist-info/METADATA")]
        meta = email.message_from_bytes(zf.read(meta_name))
    dist_info = meta_name.rsplit("/", 1)[0]
    assert meta["Name"] == "ai-compute-footprint"
    assert meta["Metadata-Version"] in ("2.4", "2.5")
    assert meta["License-Expression"] == PROJECT["license"]
    files = set(meta.get_all("License-File") or [])
    assert {"LICENSE", "LICENSES/CC-BY-4.0.txt", "LICENSES/ODbL-1.0.txt"} <= files
    assert {"LICENSES/CC-BY-SA-4.0.txt", "datasets/share-alike/LICENSE-CC-BY-SA.md"} <= files
    for f in files:
        assert f"{dist_info}/licenses/{f}" in names, f
    assert "footprint/py.typed" in names
    assert "footprint/_datasets/share-alike/LICENSE-ODbL.md" in names
    # the CC BY-SA marginal factors ship as their own file, with their notice beside them
    assert "footprint/_datasets/share-alike/marginal_intensity.csv" in names
    assert "footprint/_datasets/share-alike/LICENSE-CC-BY-SA.md" in names


def test_py_typed_marker():
    assert (ROOT / "footprint" / "py.typed").is_file()


def test_changelog_names_the_package_version():
    text = (ROOT / "CHANGELOG.md").read_text(encoding="utf-8")
    assert f"## [{footprint.__version__}]" in text
    assert "## [Unreleased]" in text


def test_version_option_needs_no_distribution_metadata(monkeypatch):
    """``footprint --version`` is the package's own version: right under the new
    distribution name, from a checkout (``python cli.py``) and without metadata."""
    import importlib.metadata

    def missing(name: str) -> str:
        raise importlib.metadata.PackageNotFoundError(name)

    monkeypatch.setattr(importlib.metadata, "version", missing)
    for flag in ("--version", "-V"):
        r = CliRunner().invoke(cli, [flag])
        assert r.exit_code == 0, r.output
        assert r.output == f"footprint, version {footprint.__version__}\n"


def test_shell_completion_as_the_readme_says():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "_FOOTPRINT_COMPLETE=bash_source footprint" in readme
    env = {**os.environ, "_FOOTPRINT_COMPLETE": "bash_source"}
    out = subprocess.run(
        [sys.executable, "-m", "footprint"], capture_output=True, text=True, env=env, cwd=ROOT
    )
    assert out.returncode == 0, out.stderr
    assert "_footprint_completion" in out.stdout and "complete -o nosort" in out.stdout


# --- NO_COLOR ----------------------------------------------------------------------------

SGR = re.compile(r"\x1b\[([0-9;]*)m")


def _colour_codes(text: str) -> list[str]:
    """SGR parameters that set a colour (30-49, 90-107; 38/48 extended)."""
    out = []
    for params in SGR.findall(text):
        for p in filter(None, params.split(";")):
            n = int(p)
            if 30 <= n <= 49 or 90 <= n <= 107:
                out.append(p)
    return out


def test_no_escape_codes_in_results_even_on_a_forced_terminal():
    env = {"NO_COLOR": "1", "FORCE_COLOR": "1", "TERM": "xterm-256color", "COLUMNS": "100"}
    args = ["estimate", "-a", "H100-SXM", "--gpu-hours", "1000", "-r", "FR", "--year", "2023"]
    r = CliRunner().invoke(cli, args, env=env)
    assert r.exit_code == 0, r.output
    assert "\x1b" not in r.output


def test_batch_progress_bar_has_no_colour_under_no_color(tmp_path):
    """The one coloured element (rich's progress bar on stderr) drops colour with
    NO_COLOR, also on a forced terminal."""
    out = tmp_path / "r.csv"
    args = ["batch", str(ROOT / "examples" / "jobs.csv"), "-o", str(out), "--progress"]
    coloured = CliRunner().invoke(cli, args, env={"FORCE_COLOR": "1", "NO_COLOR": None})
    assert coloured.exit_code == 0, coloured.output
    plain = CliRunner().invoke(cli, args, env={"FORCE_COLOR": "1", "NO_COLOR": "1"})
    assert plain.exit_code == 0, plain.output
    assert _colour_codes(coloured.stderr)  # the check would see colour if there were any
    assert not _colour_codes(plain.stderr)


# --- "-" for standard input ---------------------------------------------------------------


def test_report_reads_the_scenario_from_stdin():
    scenario = (ROOT / "examples" / "llm_project.toml").read_text(encoding="utf-8")
    from_file = CliRunner().invoke(cli, ["report", str(ROOT / "examples" / "llm_project.toml")])
    r = CliRunner().invoke(cli, ["report", "-"], input=scenario)
    assert from_file.exit_code == 0, from_file.output
    assert r.exit_code == 0, r.output
    assert r.stdout == from_file.stdout.replace("`llm_project.toml`", "`standard input`")


def test_reaccount_reads_the_log_from_stdin():
    log = ROOT / "tests" / "data" / "logs" / "codecarbon_emissions.csv"
    args = ["--format", "json"]
    from_file = CliRunner().invoke(cli, ["reaccount", str(log), *args])
    r = CliRunner().invoke(cli, ["reaccount", "-", *args], input=log.read_bytes())
    assert from_file.exit_code == 0, from_file.output
    assert r.exit_code == 0, r.output
    assert r.stdout == from_file.stdout


def test_change_reads_its_file_from_stdin():
    path = ROOT / "examples" / "google_2019_2023.toml"
    from_file = CliRunner().invoke(cli, ["change", str(path), "--format", "json"])
    r = CliRunner().invoke(cli, ["change", "-", "--format", "json"], input=path.read_text())
    assert from_file.exit_code == 0, from_file.output
    assert r.exit_code == 0, r.output
    assert r.stdout == from_file.stdout


def test_batch_config_reads_from_stdin(tmp_path):
    config = (ROOT / "examples" / "cluster.toml").read_text(encoding="utf-8")
    jobs = str(ROOT / "examples" / "sacct.txt")
    a = CliRunner().invoke(
        cli,
        [
            "batch",
            jobs,
            "--config",
            str(ROOT / "examples" / "cluster.toml"),
            "-o",
            str(tmp_path / "a.csv"),
            "--no-progress",
        ],
    )
    b = CliRunner().invoke(
        cli,
        ["batch", jobs, "--config", "-", "-o", str(tmp_path / "b.csv"), "--no-progress"],
        input=config,
    )
    assert a.exit_code == 0, a.output
    assert b.exit_code == 0, b.output
    assert (tmp_path / "a.csv").read_bytes() == (tmp_path / "b.csv").read_bytes()


@pytest.mark.parametrize(
    "args",
    [
        ["batch", "-", "-o", "r.csv"],
        ["hourly", "--profile", "-", "--grid-zone", "CISO"],
    ],
)
def test_inputs_read_in_parts_refuse_stdin_in_one_line(args, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    r = CliRunner().invoke(cli, args, input="job_id,accelerator\n")
    assert r.exit_code == 2, r.output
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and "standard input" in lines[0], r.stderr


def test_library_reads_stdin_for_dash(monkeypatch):
    import io

    from footprint.core import files

    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(b"a,b\n1,2\n")))
    assert files.read_text("-", "table") == "a,b\n1,2\n"
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(b"x" * 20)))
    with pytest.raises(footprint.InputError, match="standard input is larger"):
        files.read_bytes("-", "table", max_bytes=10)
