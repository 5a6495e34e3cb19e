"""The command line, through click's CliRunner (and one real subprocess for --help)."""

import json
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from footprint.cli import cli

ROOT = Path(__file__).resolve().parent.parent


def run(*args):
    return CliRunner().invoke(cli, list(args))


def test_help_lists_commands():
    r = run("--help")
    assert r.exit_code == 0
    for name in ("estimate", "accelerators", "regions"):
        assert name in r.output


def test_estimate_issue_example_table():
    r = run(
        "estimate",
        "--accelerator",
        "H100-SXM",
        "--gpu-hours",
        "39.3e6",
        "--region",
        "US",
        "--year",
        "2023",
    )
    assert r.exit_code == 0, r.output
    assert "CO2e" in r.output and "Factors" in r.output


def test_estimate_json_contract():
    r = run(
        "estimate",
        "--gpu",
        "A100-80GB",
        "--count",
        "384",
        "--hours",
        "3.5 months",
        "--region",
        "FR",
        "--format",
        "json",
    )
    assert r.exit_code == 0, r.output
    d = json.loads(r.output)
    assert d["results"]["co2e"]["unit"] == "kgCO2e"
    assert d["results"]["water"]["unit"] == "L"
    assert d["inputs"]["count"] == "384"
    assert d["factors"]["intensity"]["zone"] == "FR"


def test_replay_patterson_from_cli():
    r = run(
        "estimate",
        "-a",
        "V100-SXM2-32GB",
        "--gpu-hours",
        "3552000",
        "--power",
        "330 W",
        "--host-power",
        "0 W",
        "--pue",
        "1.1",
        "--intensity",
        "429 g/kWh",
        "--format",
        "json",
    )
    assert r.exit_code == 0, r.output
    d = json.loads(r.output)
    assert d["results"]["co2e"]["value"] == pytest.approx(552_100, rel=0.02)
    for name in ("power", "host_power", "pue", "intensity"):
        assert d["factors"][name]["origin"] == "user"


@pytest.mark.parametrize("fmt", ["csv", "markdown"])
def test_other_formats(fmt):
    r = run("estimate", "-a", "H100", "--gpu-hours", "100", "--region", "DE", "--format", fmt)
    assert r.exit_code == 0, r.output
    assert "co2e" in r.output.lower()


def test_nearest_year_note_in_every_format():
    for fmt in ("table", "json", "csv", "markdown"):
        r = run(
            "estimate",
            "-a",
            "H100",
            "--gpu-hours",
            "100",
            "--region",
            "FR",
            "--year",
            "2035",
            "--format",
            fmt,
        )
        assert r.exit_code == 0, r.output
        assert "nearest year" in r.output, fmt


@pytest.mark.parametrize(
    "args, expected",
    [
        (["--power", "3 kg"], "--power: expected power"),
        (["--gpu-hours", "-5"], "--gpu-hours: must not be negative"),
        (["--gpu-hours", "nan"], "--gpu-hours: expected a finite number"),
        (["--gpu-hours", "inf"], "--gpu-hours: expected a finite number"),
        (["--intensity", "5 L"], "--intensity: expected intensity"),
        (["--utilization", "1.5"], "--utilization: expected a fraction"),
        (["--count", "8", "--hours", "2"], "not both"),
        (["--region", "Frnace"], "did you mean"),
        (["--pue", "0.5"], "pue"),
    ],
)
def test_bad_input_exit_2_one_line(args, expected):
    r = run("estimate", "-a", "H100-SXM", "--gpu-hours", "100", *args)
    assert r.exit_code == 2, r.output
    assert expected in r.output
    assert "Traceback" not in r.output
    assert r.exception is None or isinstance(r.exception, SystemExit)


def test_unknown_accelerator_exit_2():
    r = run("estimate", "-a", "H100-SMX", "--gpu-hours", "100")
    assert r.exit_code == 2
    assert "did you mean" in r.output and "H100-SXM" in r.output


def test_missing_hours_exit_2():
    r = run("estimate", "-a", "H100-SXM")
    assert r.exit_code == 2


def test_accelerators_search():
    r = run("accelerators", "--search", "h100", "--format", "json")
    assert r.exit_code == 0
    names = {row["name"] for row in json.loads(r.output)}
    assert {"H100-SXM", "H100-PCIe"} <= names


def test_accelerators_no_match_exit_2():
    r = run("accelerators", "--search", "zzzz")
    assert r.exit_code == 2


def test_regions_search():
    r = run("regions", "--search", "fra", "--format", "json")
    assert r.exit_code == 0, r.output
    rows = json.loads(r.output)
    assert "FR" in {row["zone"] for row in rows}
    fr = next(row for row in rows if row["zone"] == "FR")
    assert fr["intensity_g_per_kwh"] > 0 and fr["ewif_l_per_kwh"] > 0


def test_python_cli_py_from_checkout():
    out = subprocess.run(
        [sys.executable, str(ROOT / "cli.py"), "--help"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=True,
    )
    assert "estimate" in out.stdout


def test_python_m_footprint():
    out = subprocess.run(
        [sys.executable, "-m", "footprint", "accelerators", "-s", "tpu", "--format", "csv"],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
    )
    assert "TPU" in out.stdout


def test_help_imports_nothing_heavy():
    code = (
        "import sys; from footprint.cli import main\n"
        "try:\n    main(['--help'])\nexcept SystemExit:\n    pass\n"
        "heavy = [m for m in ('pint', 'pandas', 'numpy', 'rich') if m in sys.modules]\n"
        "print('HEAVY=' + ','.join(heavy))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT
    )
    assert out.stdout.strip().splitlines()[-1] == "HEAVY="


def test_regions_cloud_filters():
    r = run("regions", "--kind", "cloud", "--provider", "aws", "--format", "json")
    assert r.exit_code == 0, r.output
    rows = json.loads(r.output)
    assert len(rows) >= 20 and all(row["region"].startswith("aws:") for row in rows)
    assert all(isinstance(row["year"], int) for row in rows)


def test_regions_summary():
    r = run("regions", "--summary", "--format", "json")
    assert r.exit_code == 0, r.output
    kinds = {row["kind"] for row in json.loads(r.output)["coverage"]}
    assert {"country", "aggregate", "cloud (aws)", "cloud (gcp)", "cloud (azure)"} <= kinds


def test_regions_bad_provider_exit_2():
    r = run("regions", "--provider", "ibm")
    assert r.exit_code == 2 and "aws" in r.output


def test_explain_lists_every_factor_with_licence():
    r = run("explain", "gcp:europe-west1", "--year", "2022", "--format", "json")
    assert r.exit_code == 0, r.output
    data = json.loads(r.output)
    rows = {"location": data["location"], **data["factors"]}
    assert {"location", "intensity", "cfe", "pue", "wue", "ewif"} <= set(rows)
    assert rows["intensity"]["value"] == pytest.approx(123)
    assert rows["intensity"]["licence"] == "Apache-2.0"
    assert rows["ewif"]["licence"] == "CC BY 4.0"


def test_explain_table_has_sources_and_notes():
    r = run("explain", "aws:us-east-1", "--year", "2023")
    assert r.exit_code == 0, r.output
    assert "intensity:" in r.output and "note:" in r.output


def test_explain_unknown_region_exit_2():
    r = run("explain", "gcp:eu-west1")
    assert r.exit_code == 2 and "gcp:europe-west1" in r.output


def test_estimate_cloud_region_market_based_and_cost():
    r = run(
        "estimate",
        "-a",
        "H100",
        "--gpu-hours",
        "1000",
        "-r",
        "gcp:europe-west1",
        "--year",
        "2022",
        "--price",
        "0.1 EUR/kWh",
        "--format",
        "json",
    )
    assert r.exit_code == 0, r.output
    d = json.loads(r.output)
    res = d["results"]
    assert res["co2e_market"]["value"] == pytest.approx(res["co2e"]["value"] * 0.2)
    assert res["cost"]["unit"] == "EUR"
    assert res["cost"]["value"] == pytest.approx(res["facility_energy"]["value"] * 0.1)


@pytest.mark.parametrize(
    "args, expected",
    [(["--price", "0.1 USD"], "--price: expected a price"), (["--cfe", "2"], "--cfe")],
)
def test_bad_site_options_exit_2(args, expected):
    r = run("estimate", "-a", "H100", "--gpu-hours", "10", *args)
    assert r.exit_code == 2 and expected in r.output


@pytest.mark.parametrize(
    "args, expected",
    [
        (["estimate", "-a", "H100", "--gpu-hours", "5", "--count", "0"], "--count"),
        (["estimate", "-a", "H100", "--gpu-hours", "5", "--format", "xml"], "--format"),
        (["estimate", "-a", "H100", "--gpu-hours", "5", "--pricee", "1"], "--price"),
        (["nosuch"], "No such command"),
        (["estimate"], "--accelerator: give the accelerator"),
    ],
)
def test_click_usage_errors_are_one_line_exit_2(args, expected):
    r = run(*args)
    assert r.exit_code == 2
    lines = [line for line in r.output.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("Error: ") and expected in lines[0]


@pytest.mark.parametrize(
    "args",
    [
        ["infer", "-m", "llama-3.1-8b", "-n", "1e9 request/day", "--output-tokens", "300"],
        ["train", "-a", "H100-SXM", "-m", "llama-3-70b", "--tokens", "15T", "--gpu-hours", "6.4e6"],
    ],
)
def test_infer_and_train_take_embodied_and_uncertainty_options(args):
    r = run(*args, "--lifetime", "6 years", "--uncertainty", "--samples", "500", "--format", "json")
    assert r.exit_code == 0, r.output
    d = json.loads(r.output)
    assert {"low", "high"} <= set(d["results"]["co2e"])
    assert d["factors"]["lifetime"]["value"] == pytest.approx(6)
    r = run(*args, "--no-embodied", "--format", "json")
    assert "embodied_co2e" not in json.loads(r.output)["results"]
