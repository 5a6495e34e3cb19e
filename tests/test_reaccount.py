"""Re-accounting measured energy logs: CodeCarbon, Slurm sacct --json, nvidia-smi.

Fixtures in tests/data/logs/: a CodeCarbon emissions.csv of 10 runs on 8 H100s
(GPU 560 W each, CPU 400 W, RAM 150 W, 2-11 h), a `sacct --json` of three jobs (energy
TRES 36 MJ; two steps of 5.4 and 1.8 MJ; none) and nvidia-smi samples of two A100s
(300 and 310 W for 60 s).
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

import footprint as fp
from footprint.analyses.reaccount import reaccount
from footprint.cli import cli
from footprint.core.errors import InputError
from footprint.workloads.energy_logs import read_energy_log

LOGS = Path(__file__).parent / "data" / "logs"
CODECARBON = LOGS / "codecarbon_emissions.csv"
SACCT = LOGS / "sacct.json"
NVIDIA_SMI = LOGS / "nvidia_smi.csv"


def logged_kwh() -> float:
    with CODECARBON.open() as f:
        return sum(float(r["energy_consumed"]) for r in csv.DictReader(f))


def zone_factors(region: str, year: int) -> tuple[float, float]:
    """PUE and intensity [kgCO2e/kWh] of an energy-only estimate in the zone."""
    r = fp.estimate(fp.MeasuredRun("1 kWh"), fp.Site(region=region, year=year), embodied=False)
    return r.factors["pue"].value.m_as(""), r.factors["intensity"].value.m_as("kgCO2e/kWh")


@pytest.mark.parametrize("region", ["FR", "aws:us-east-1"])
def test_codecarbon_log_reaccounted(region) -> None:
    log = read_energy_log(CODECARBON)
    assert log.format == "codecarbon" and len(log.rows) == 10 and not log.rejects
    out = reaccount(log, fp.Site(region=region, year=2024))
    pue, intensity = zone_factors(region, 2024)
    assert out.totals["it_energy"] == pytest.approx(logged_kwh(), rel=1e-12)
    assert out.totals["facility_energy"] == pytest.approx(logged_kwh() * pue, rel=1e-12)
    assert out.totals["co2e"] == pytest.approx(logged_kwh() * pue * intensity, rel=1e-12)
    assert out.totals["co2e"] == pytest.approx(sum(r["co2e"] for r in out.rows), rel=1e-12)


def test_codecarbon_reconciliation_implies_the_draw_and_host() -> None:
    out = reaccount(read_energy_log(CODECARBON), fp.Site(region="FR", year=2024))
    rec = out.reconciliation
    assert rec["runs_modelled"] == 10
    # GPUs at 560 W of a 700 W TDP; CPU + RAM 550 W over 8 GPUs
    assert rec["median_implied_utilization"] == pytest.approx(0.8)
    assert rec["median_implied_host_power_w"] == pytest.approx(550 / 8)
    # model: 8 x (0.8 x 700 + 150) W against 8 x 560 + 550 W measured
    assert rec["median_measured_over_predicted"] == pytest.approx(
        (8 * 560 + 550) / (8 * (560 + 150))
    )


@pytest.mark.parametrize("region", ["FR", "aws:us-east-1"])
def test_sacct_log_reaccounted(region) -> None:
    log = read_energy_log(SACCT)
    assert log.format == "sacct-json"
    assert [r.label for r in log.rows] == ["1001", "1002"]
    assert [r.energy_kwh for r in log.rows] == pytest.approx([10.0, 2.0])  # J / 3.6e6
    assert log.rejects == [("1003", "no energy TRES (Slurm's acct_gather_energy not enabled?)")]
    out = reaccount(log, fp.Site(region=region, year=2023))
    pue, intensity = zone_factors(region, 2023)
    assert out.totals["it_energy"] == pytest.approx(12.0)
    assert out.totals["co2e"] == pytest.approx(12.0 * pue * intensity, rel=1e-12)
    assert len(out.rows) + len(out.rejects) == 3  # no run lost


def test_nvidia_smi_power_is_integrated() -> None:
    log = read_energy_log(NVIDIA_SMI)
    (row,) = log.rows
    assert row.basis == "accelerators" and row.gpu_count == 2
    assert row.energy_kwh == pytest.approx((300 + 310) * 60 / 3.6e6)
    assert row.accelerator == "A100-80GB-SXM"
    assert len(log.rejects) == 1 and "not supported" in log.rejects[0][1]


def test_nvidia_smi_milliwatts(tmp_path) -> None:
    path = tmp_path / "mw.csv"
    path.write_text(
        "timestamp, index, power.draw [mW]\n"
        "2024/05/01 12:00:00.000, 0, 250000\n2024/05/01 12:00:10.000, 0, 250000\n"
    )
    (row,) = read_energy_log(path).rows
    assert row.energy_kwh == pytest.approx(250 * 10 / 3.6e6)


def test_a_log_without_region_needs_one() -> None:
    out = reaccount(read_energy_log(SACCT))
    assert not out.rows and {r["reason"] for r in out.rejects} >= {
        "no region in the log for this run; give --region"
    }


def test_cli_prints_the_reconciliation_and_compares() -> None:
    run = CliRunner().invoke(cli, ["reaccount", str(CODECARBON), "--compare", "FR,aws:us-east-1"])
    assert run.exit_code == 0, run.output
    assert "meter reads 0.886x footprint's model" in run.output
    assert "in aws:us-east-1:" in run.output
    js = CliRunner().invoke(cli, ["reaccount", str(SACCT), "-r", "FR", "--format", "json"])
    doc = json.loads(js.output)
    assert doc["totals"]["it_energy"] == pytest.approx(12.0) and len(doc["rejects"]) == 1


@pytest.mark.parametrize(
    "content, match",
    [
        ("a,b\n1,2\n", "format not recognised"),
        ('{"jobs": 3}', "no 'jobs' list"),
        ("timestamp, power.draw [W]\nnot a time, 3 W\n", "no readable power samples"),
    ],
)
def test_bad_logs_are_one_line(tmp_path, content, match) -> None:
    path = tmp_path / "log.txt"
    path.write_text(content)
    with pytest.raises(InputError, match=match):
        read_energy_log(path)
    run = CliRunner().invoke(cli, ["reaccount", str(path), "-r", "FR"])
    assert run.exit_code == 2 and "Traceback" not in run.output


def test_bad_codecarbon_rows_are_rejected_with_reasons(tmp_path) -> None:
    path = tmp_path / "emissions.csv"
    path.write_text(
        "timestamp,run_id,duration,energy_consumed,country_iso_code\n"
        "2024-01-01T00:00:00,ok,3600,1.5,FRA\n"
        "2024-01-01T00:00:00,neg,3600,-1,FRA\n"
        "2024-01-01T00:00:00,zero,3600,0,FRA\n"
        "2024-01-01T00:00:00,text,3600,abc,FRA\n"
    )
    log = read_energy_log(path)
    assert [r.label for r in log.rows] == ["ok"]
    assert [label for label, _ in log.rejects] == ["neg", "zero", "text"]
    out = reaccount(log)
    assert out.totals["it_energy"] == pytest.approx(1.5)


def test_dcgm_energy_counter_in_millijoules() -> None:
    """Two H100s scraped every 10 s for 60 s: DCGM's energy counter grows 600 and 620 J/s
    (mJ counter); the power gauge (W) would integrate to the same."""
    log = read_energy_log(LOGS / "dcgm.prom")
    (row,) = log.rows
    assert log.format == "dcgm" and row.basis == "accelerators"
    assert row.energy_kwh == pytest.approx((600 + 620) * 60 / 3.6e6)
    assert row.accelerator == "H100-SXM" and row.gpu_count == 2


def test_dcgm_power_gauge_without_counter(tmp_path) -> None:
    path = tmp_path / "power.prom"
    path.write_text(
        'DCGM_FI_DEV_POWER_USAGE{gpu="0",modelName="NVIDIA A100-SXM4-80GB"} 300 1717243200000\n'
        'DCGM_FI_DEV_POWER_USAGE{gpu="0",modelName="NVIDIA A100-SXM4-80GB"} 500 1717243210000\n'
        'DCGM_FI_DEV_POWER_USAGE{gpu="0",modelName="NVIDIA A100-SXM4-80GB"} 500\n'
    )
    log = read_energy_log(path)
    assert log.rows[0].energy_kwh == pytest.approx(400 * 10 / 3.6e6)
    assert log.rejects and "timestamp" in log.rejects[0][1]


def test_zeus_windows_in_joules() -> None:
    log = read_energy_log(LOGS / "zeus.csv")
    assert log.format == "zeus" and [r.label for r in log.rows] == ["epoch-1", "epoch-2"]
    first = log.rows[0]
    assert first.basis == "it"  # CPU and DRAM logged too
    assert first.energy_kwh == pytest.approx((1_800_000 + 1_850_000 + 540_000 + 90_000) / 3.6e6)
    assert first.gpu_energy_kwh == pytest.approx(3_650_000 / 3.6e6)
    assert log.rejects == [("broken", "gpu0_energy: expected a number, got 'abc'")]


def test_boamps_report_read_back() -> None:
    """Boavizta's published example report (CC BY 4.0, tests/data/boamps)."""
    path = Path(__file__).parent / "data" / "boamps" / "energy-report-llm-inference.json"
    log = read_energy_log(path)
    (row,) = log.rows
    assert log.format == "boamps" and row.energy_kwh == pytest.approx(0.00267074)
    out = reaccount(log)
    assert out.rows[0]["zone"] == "FR"  # the report's 'france'
    assert out.totals["it_energy"] == pytest.approx(0.00267074)


def test_a_log_disclosed_as_a_model_card() -> None:
    import yaml

    card = CliRunner().invoke(cli, ["reaccount", str(CODECARBON), "--format", "hf-model-card"])
    assert card.exit_code == 0, card.output
    meta = yaml.safe_load(card.output.split("---\n")[1])["co2_eq_emissions"]
    out = reaccount(read_energy_log(CODECARBON))
    assert meta["emissions"] == pytest.approx(out.totals["co2e"] * 1000, rel=1e-12)
    assert "measured energy (it)" in meta["source"]
    mixed = CliRunner().invoke(cli, ["reaccount", str(SACCT), "--format", "sci"])
    assert mixed.exit_code == 2 and "give --region" in mixed.output
    placed = CliRunner().invoke(cli, ["reaccount", str(SACCT), "-r", "FR", "--format", "boamps"])
    assert json.loads(placed.output)["measures"][0]["measurementMethod"].startswith("measured")


def test_hourly_reaccounting_where_the_zone_has_hourly_data() -> None:
    """sacct jobs started 2024-01-01 00:00 UTC, re-accounted in CAISO hour by hour: each
    equals account_hourly of the same constant draw."""
    from footprint.analyses.hourly import account_hourly
    from footprint.workloads.load_profile import LoadProfile

    out = reaccount(read_energy_log(SACCT), fp.Site(region="US-CAL-CISO"), hourly=True)
    first = out.rows[0]
    assert first["hourly_zone"] == "US-CAL-CISO"
    profile = LoadProfile.from_job("2024-01-01T00:00:00+00:00", "2 h", "5 kW")  # 10 kWh / 2 h
    expected = account_hourly(profile, fp.Site(region="US-CAL-CISO"), embodied=False)
    assert first["co2e_hourly"] == pytest.approx(expected.results["co2e"].m_as("kgCO2e"))
    assert out.totals["co2e_hourly"] == pytest.approx(sum(r["co2e_hourly"] for r in out.rows))
    plain = reaccount(read_energy_log(SACCT), fp.Site(region="FR"), hourly=True)
    assert "co2e_hourly" not in plain.rows[0]  # no hourly data for France: annual only


def test_accelerator_for_logs_that_name_none() -> None:
    """Zeus logs name no GPU: --accelerator gives its runs hardware time and a model."""
    log = read_energy_log(LOGS / "zeus.csv")
    bare = reaccount(log, fp.Site(region="FR", year=2024))
    assert bare.reconciliation["runs_modelled"] == 0
    named = reaccount(log, fp.Site(region="FR", year=2024), accelerator="A100-80GB")
    assert named.reconciliation["runs_modelled"] == 2
    # 2 A100s for 1 h at 1,800,000 + 1,850,000 J: 0.507 kWh each of 0.4 kWh TDP-hours
    assert named.rows[0]["implied_utilization"] == pytest.approx(3_650_000 / 3.6e6 / 0.8)
    with pytest.raises(Exception, match="accelerator"):
        reaccount(log, fp.Site(region="FR"), accelerator="no-such-gpu")
