"""Optional dependencies: what the core install holds, the extras, and the one-line error
when a command needs an extra that is not installed (issue 17, item 19)."""

from __future__ import annotations

import re
import sys
import tomllib
from pathlib import Path

import pytest
from click.testing import CliRunner

from footprint.cli import cli
from footprint.core.extras import DISTRIBUTION, EXTRAS, MissingExtraError, install_hint, require

ROOT = Path(__file__).resolve().parent.parent
PROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
OPTIONAL = PROJECT["optional-dependencies"]


def _name(requirement: str) -> str:
    """The import name of a requirement (python-multipart is imported as python_multipart)."""
    return re.split(r"[\[<>=!~; ]", requirement, maxsplit=1)[0].lower().replace("-", "_")


def test_distribution_name_is_the_projects():
    """Every 'pip install' hint names the distribution of pyproject.toml."""
    assert PROJECT["name"] == DISTRIBUTION
    assert install_hint("solar") == f"pip install '{PROJECT['name']}[solar]'"


def test_core_install_leaves_out_the_heavy_optional_packages():
    core = {_name(r) for r in PROJECT["dependencies"]}
    assert not core & {"pvlib", "scipy", "h5py", "matplotlib", "dask", "distributed", "duckdb"}
    assert {"pint", "numpy", "click"} <= core


def test_extras_declared_as_the_code_names_them():
    for extra, packages in EXTRAS.items():
        assert {_name(r) for r in OPTIONAL[extra]} == set(packages), extra


def test_all_is_every_extra_and_test_installs_all():
    """``all`` is the union of the feature extras (same specifiers), and ``test`` holds
    ``all``, so ``pip install '.[test]'`` (CI, README) installs everything."""
    union = {r for extra in EXTRAS for r in OPTIONAL[extra]}
    assert set(OPTIONAL["all"]) == union
    assert union <= set(OPTIONAL["test"])


def test_require_names_the_extra(monkeypatch):
    monkeypatch.setitem(sys.modules, "pvlib", None)
    with pytest.raises(MissingExtraError) as info:
        require("pvlib", "solar", "on-site solar")
    assert str(info.value) == (
        f"on-site solar needs the solar extra (pvlib): pip install '{DISTRIBUTION}[solar]'"
    )


def _one_line_exit_2(result, message: str) -> None:
    assert result.exit_code == 2, result.output
    assert result.output.strip().splitlines() == [f"Error: {message}"]


@pytest.mark.parametrize(
    "args",
    [
        ["solar", "--pv-capacity", "1 MWp", "--latitude", "31.17", "--longitude", "-97.31",
         "--clearness", "0.73"],
        [
            "hourly",
            "--region",
            "aws:us-west-1",
            "--start",
            "2022-07-01T09:00",
            "--hours",
            "3",
            "--power",
            "100",
            "--pv-capacity",
            "200 kWp",
            "--clearness",
            "0.71",
        ],
    ],
    ids=["solar", "hourly"],
)
def test_cli_without_the_solar_extra(monkeypatch, args):
    monkeypatch.setitem(sys.modules, "pvlib", None)  # as if pvlib were not installed
    result = CliRunner().invoke(cli, args)
    _one_line_exit_2(
        result,
        f"footprint {args[0]} needs the solar extra (pvlib): pip install '{DISTRIBUTION}[solar]'",
    )


def test_cli_without_the_plots_extra(monkeypatch, tmp_path):
    monkeypatch.setitem(sys.modules, "matplotlib.figure", None)
    result = CliRunner().invoke(
        cli,
        ["compare", "-a", "H100-SXM", "--gpu-hours", "1000", "--regions", "FR,DE", "--plot",
         str(tmp_path / "c.png")],
    )
    _one_line_exit_2(
        result,
        "footprint compare needs the plots extra (matplotlib): "
        f"pip install '{DISTRIBUTION}[plots]'",
    )
    assert not (tmp_path / "c.png").exists()


def test_estimate_without_any_extra(monkeypatch):
    for name in ("pvlib", "scipy", "h5py", "matplotlib", "dask", "duckdb"):
        monkeypatch.setitem(sys.modules, name, None)
    result = CliRunner().invoke(
        cli, ["estimate", "-a", "H100-SXM", "--gpu-hours", "1000", "-r", "FR", "--format", "json"]
    )
    assert result.exit_code == 0, result.output
