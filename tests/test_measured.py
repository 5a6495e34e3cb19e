"""Measured energy in: a MeasuredRun flows through the same engine as any workload."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

import footprint as fp
from footprint.analyses.compare import compare
from footprint.cli import cli
from footprint.core.errors import InputError, UnknownNameError

SITE = fp.Site(region="FR", year=2022)


def factor(r: fp.Footprint, name: str, unit: str) -> float:
    return float(r.factors[name].value.m_as(unit))


def test_it_energy_is_the_measurement_and_the_site_adds_the_rest() -> None:
    r = fp.estimate(fp.MeasuredRun("257 MWh"), SITE)
    assert r.it_energy.m_as("MWh") == pytest.approx(257)
    pue = factor(r, "pue", "")
    assert r.facility_energy.m_as("MWh") == pytest.approx(257 * pue)
    intensity = factor(r, "intensity", "kgCO2e/kWh")
    assert r.co2e.m_as("kgCO2e") == pytest.approx(257e3 * pue * intensity)
    assert "accelerator_hours" not in r.results and "embodied_co2e" not in r.results
    assert r.inputs["energy_basis"] == "it"


def test_facility_energy_is_not_multiplied_again() -> None:
    r = fp.estimate(fp.MeasuredRun("27.5 MWh", basis="facility"), SITE)
    pue, wue = factor(r, "pue", ""), factor(r, "wue", "L/kWh")
    assert r.facility_energy.m_as("kWh") == pytest.approx(27_500)
    assert r.water_onsite.m_as("L") == pytest.approx(27_500 / pue * wue)
    assert r.co2e.m_as("kgCO2e") == pytest.approx(27_500 * factor(r, "intensity", "kgCO2e/kWh"))


def test_accelerator_energy_gets_the_host_share_and_embodied() -> None:
    run = fp.MeasuredRun("20 MWh", basis="accelerators", accelerator="H100-SXM", gpu_hours=40_000)
    r = fp.estimate(run, SITE)
    host_w = factor(r, "host_power", "W")
    assert host_w == 150  # baseboard-8 server class
    assert r.it_energy.m_as("kWh") == pytest.approx(20_000 + 40_000 * host_w / 1000)
    assert r.accelerator_hours.m_as("h") == 40_000 and "embodied_co2e" in r.results


def test_every_analysis_accounts_the_same_measurement() -> None:
    run = fp.MeasuredRun("257 MWh")
    df = compare(run, regions="FR,DE", year=2022, embodied=False)
    for region in ("FR", "DE"):
        one = fp.estimate(run, fp.Site(region=region, year=2022), embodied=False)
        row = df[df["region"] == region].iloc[0]
        assert row["co2e"].m_as("kgCO2e") == pytest.approx(one.co2e.m_as("kgCO2e"), rel=1e-12)


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"energy": 0}, InputError, "energy"),
        ({"energy": "3 h"}, InputError, "energy"),
        ({"energy": 10, "basis": "gpu"}, UnknownNameError, "energy basis"),
        ({"energy": 10, "gpu_hours": 5}, InputError, "accelerator"),
        ({"energy": 10, "host_power": "100 W"}, InputError, "already counts the host"),
    ],
)
def test_bad_measurements(kwargs, error, match) -> None:
    with pytest.raises(error, match=match):
        fp.MeasuredRun(**kwargs)


def test_cli_energy_on_estimate_compare_and_project() -> None:
    run = CliRunner().invoke(
        cli, ["estimate", "--energy", "27.5 MWh", "-r", "FR", "--year", "2022", "--format", "json"]
    )
    assert run.exit_code == 0, run.output
    d = json.loads(run.output)
    assert d["results"]["it_energy"]["value"] == pytest.approx(27_500)
    cmp_ = CliRunner().invoke(cli, ["compare", "--energy", "27.5 MWh", "--regions", "FR,DE"])
    assert cmp_.exit_code == 0, cmp_.output
    proj = CliRunner().invoke(
        cli,
        ["project", "gpu", "--energy", "27.5 MWh", "-r", "FR", "--from", "2022", "--to", "2024"],
    )
    assert proj.exit_code == 0, proj.output
    bad = CliRunner().invoke(cli, ["estimate", "--energy", "10", "--power", "300 W"])
    assert bad.exit_code == 2 and "replaces the draw" in bad.output


def test_train_with_a_measured_energy() -> None:
    """Llama 3.1 8B: 1.46M H100-hours published; a measured 1.02 GWh (the card's TDP x hours)
    goes through the engine with the run's FLOPs, and the model's own figure is noted."""
    args = [
        "train",
        "-a",
        "H100-SXM",
        "-m",
        "llama-3.1-8b",
        "--tokens",
        "15.6T",
        "--gpu-hours",
        "1.46e6",
        "--energy",
        "1.02 GWh",
        "-r",
        "US",
        "--year",
        "2024",
    ]
    out = CliRunner().invoke(cli, [*args, "--format", "json"])
    assert out.exit_code == 0, out.output
    d = json.loads(out.output)
    assert d["results"]["it_energy"]["value"] == pytest.approx(1.02e6)
    assert d["results"]["training_flops"]["value"] == pytest.approx(6 * 8.03e9 * 15.6e12)
    assert d["results"]["accelerator_hours"]["value"] == pytest.approx(1.46e6)
    modelled = 1.46e6 * (0.8 * 700 + 150) / 1000
    note = next(n for n in d["notes"] if "model of this run" in n)
    assert f"{1.02e6 / modelled:.3g}x" in note
    card = CliRunner().invoke(cli, [*args, "--format", "hf-model-card"])
    assert 'training_type: "pre-training"' in card.output
    bad = CliRunner().invoke(cli, [*args, "--utilization", "0.5"])
    assert bad.exit_code == 2 and "replaces the draw" in bad.output


def test_compare_and_project_train_take_a_measured_energy() -> None:
    args = [
        "-a",
        "H100-SXM",
        "-m",
        "llama-3.1-8b",
        "--tokens",
        "15.6T",
        "--gpu-hours",
        "1.46e6",
        "--energy",
        "1.02 GWh",
    ]
    cmp_ = CliRunner().invoke(cli, ["compare", "train", *args, "--regions", "FR,US"])
    assert cmp_.exit_code == 0, cmp_.output
    proj = CliRunner().invoke(
        cli, ["project", "train", *args, "-r", "FR", "--from", "2022", "--to", "2023"]
    )
    assert proj.exit_code == 0, proj.output


def test_infer_with_a_measured_energy_keeps_per_request_and_per_user() -> None:
    args = [
        "infer",
        "-m",
        "llama-3.1-8b",
        "--users",
        "1e6",
        "--requests-per-user",
        "10 request/day",
        "--output-tokens",
        "300",
        "--period",
        "30 days",
        "--energy",
        "20 MWh",
        "-r",
        "FR",
        "--year",
        "2023",
        "--format",
        "json",
    ]
    out = CliRunner().invoke(cli, args)
    assert out.exit_code == 0, out.output
    r = json.loads(out.output)["results"]
    facility = r["facility_energy"]["value"]
    assert r["it_energy"]["value"] == pytest.approx(20_000)
    assert r["energy_per_request"]["value"] == pytest.approx(facility * 1000 / 3e8)  # Wh
    assert "energy_per_user_month" in r
    two = CliRunner().invoke(cli, [*args[:3], "-m", "llama-3.1-70b", *args[3:]])
    assert two.exit_code == 2 and "one model" in two.output


def test_compare_infer_takes_a_measured_energy() -> None:
    args = [
        "-m",
        "llama-3.1-8b",
        "-n",
        "1e9 request",
        "--output-tokens",
        "300",
        "--energy",
        "20 MWh",
    ]
    out = CliRunner().invoke(
        cli, ["compare", "infer", *args, "--regions", "FR,DE", "--format", "json"]
    )
    assert out.exit_code == 0, out.output
    one = fp.estimate(fp.MeasuredRun("20 MWh"), fp.Site(region="FR"), embodied=False)
    rows = json.loads(out.output)
    rows = rows["rows"] if isinstance(rows, dict) else rows
    fr = next(r for r in rows if r["region"] == "FR")
    assert fr["it_energy"]["value"] == pytest.approx(20_000)
    assert one.it_energy.m_as("kWh") == pytest.approx(20_000)


def test_batch_rows_with_a_measured_energy(tmp_path) -> None:
    """A job log's `energy` column (IT energy, kWh) replaces power x hours row by row, as a
    MeasuredRun of the same hardware and hours does; bad or conflicting cells are rejects."""
    import pandas as pd

    from footprint.analyses.batch import BatchOptions, batch_frame

    frame = pd.DataFrame(
        {
            "job_id": ["a", "b", "c", "d"],
            "accelerator": ["H100-SXM"] * 4,
            "gpu_hours": ["100"] * 4,
            "energy": ["80 kWh", None, "-3", "90"],
            "power": [None, None, None, "500 W"],
        }
    )
    out = batch_frame(frame, BatchOptions(region="FR", year=2022, embodied=False))
    a = out.results.set_index("job_id").loc["a"]
    run = fp.MeasuredRun("80 kWh", accelerator="H100-SXM", gpu_hours=100)
    one = fp.estimate(run, fp.Site(region="FR", year=2022), embodied=False)
    assert a["it_energy_kwh"] == pytest.approx(80.0)
    assert a["co2e_kg"] == pytest.approx(one.co2e.m_as("kgCO2e"), rel=1e-12)
    assert set(out.rejects["reason_code"]) == {"bad_energy", "conflicting_inputs"}
    assert len(out.results) + len(out.rejects) == 4  # no row lost


HOURLY = ["--region", "aws:us-west-1", "--start", "2022-07-01T09:00", "--hours", "10"]


def _cli_results(args: list[str]) -> dict[str, float]:
    out = CliRunner().invoke(cli, [*args, "--format", "json"])
    assert out.exit_code == 0, out.output
    return {k: v["value"] for k, v in json.loads(out.output)["results"].items()}


@pytest.mark.parametrize("basis", ["it", "facility", "accelerators"])
def test_hourly_spreads_a_measured_energy_and_its_annual_method_is_estimate(basis: str) -> None:
    job = ["-a", "H100", "--count", "512"] if basis == "accelerators" else []
    energy = ["--energy", "5 MWh", "--energy-basis", basis, *job]
    hourly = _cli_results(["hourly", *HOURLY, *energy])
    est = _cli_results(
        ["estimate", "--region", "aws:us-west-1", "--year", "2022", *energy]
        + (["--hours", "10"] if job else [])
    )
    assert hourly["co2e_annual"] == pytest.approx(est["co2e"])
    assert hourly["facility_energy"] == pytest.approx(est["facility_energy"])
    if basis == "facility":  # the meter holds the overhead: no PUE on top
        assert hourly["facility_energy"] == pytest.approx(5000)
    if job:  # with the hardware, embodied CO2e as estimate counts it
        assert hourly["embodied_co2e"] == pytest.approx(est["embodied_co2e"])
    else:
        assert "embodied_co2e" not in hourly


def test_schedule_takes_a_measured_energy() -> None:
    window = ["--from", "2022-07-01T00:00", "--within", "2 days", "--hours", "10"]
    args = ["schedule", "--region", "aws:us-west-1", *window, "--energy", "5 MWh"]
    it = _cli_results(args)
    facility = _cli_results([*args, "--energy-basis", "facility"])
    assert it["it_energy"] == facility["facility_energy"] == pytest.approx(5000)
    pue = it["facility_energy"] / it["it_energy"]
    assert pue > 1 and it["co2e"] == pytest.approx(facility["co2e"] * pue)
    assert it["co2e"] <= it["co2e_now"] <= it["co2e_worst"]


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--power", "4"], "--power: a measured --energy replaces the draw"),
        (["-a", "H100"], "--count: give --accelerator and --count together"),
    ],
)
def test_hourly_energy_conflicts_are_one_line(extra: list[str], message: str) -> None:
    out = CliRunner().invoke(cli, ["hourly", *HOURLY, "--energy", "5 MWh", *extra])
    assert out.exit_code == 2 and message in out.output
