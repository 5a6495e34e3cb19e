"""A wheel built from the checkout installs into a fresh venv and runs from anywhere.

Slow (builds and installs the wheel, with its dependencies from the package
index or the pip cache); CI runs it.
"""

import json
import os
import subprocess
import sys
import venv
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.slow
def test_wheel_installs_and_runs_outside_checkout(tmp_path):
    dist = tmp_path / "dist"
    subprocess.run(
        [sys.executable, "-m", "build", "--wheel", "--outdir", str(dist), str(ROOT)],
        check=True,
        capture_output=True,
    )
    (wheel,) = dist.glob("ai_compute_footprint-*.whl")  # the distribution name
    names = zipfile.ZipFile(wheel).namelist()
    assert "footprint/_datasets/accelerators.csv" in names
    assert not any(n.startswith(("cli.py", "datasets/")) for n in names), "generic top-level names"

    env_dir = tmp_path / "venv"
    venv.EnvBuilder(with_pip=True, system_site_packages=False).create(env_dir)
    py = env_dir / "bin" / "python"
    subprocess.run(
        [str(py), "-m", "pip", "install", "--quiet", str(wheel)], check=True, capture_output=True
    )
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    out = subprocess.run(
        [
            str(env_dir / "bin" / "footprint"),
            "estimate",
            "--accelerator",
            "H100-SXM",
            "--gpu-hours",
            "39.3e6",
            "--region",
            "US",
            "--year",
            "2023",
            "--format",
            "json",
        ],
        cwd=outside,
        capture_output=True,
        text=True,
        check=True,
        env=env,
    )
    data = json.loads(out.stdout)
    assert data["results"]["co2e"]["value"] > 0
    assert data["factors"]["intensity"]["zone"] == "US"
    out = subprocess.run(
        [str(py), "-m", "footprint", "--help"],
        cwd=outside,
        capture_output=True,
        text=True,
        check=True,
        env=env,
    )
    assert "estimate" in out.stdout
