"""One workload, one region: every command that accounts it gives the same numbers.

Every analysis is one evaluation of the engine (:func:`footprint.engine.evaluation.evaluate`)
over its axis, so `estimate`, `compare`, `project` (its base year), `hourly` and
`schedule` over a flat grid (every hour at the region's annual intensity) and a `batch`
row must give the same
facility energy, CO2e (location- and market-based), water, cost and embodied CO2e, to
the last digits, and none of them may lose a key.
"""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from footprint.cli import cli

#: The keys every analysis of a priced region must give (estimate's result keys).
KEYS = (
    "facility_energy",
    "co2e",
    "co2e_market",
    "water",
    "cost",
    "embodied_co2e",
    "total_co2e",
)

#: batch's summary columns, by result key.
BATCH_COLUMNS = {
    "facility_energy": "facility_energy_kwh",
    "co2e": "co2e_kg",
    "co2e_market": "co2e_market_kg",
    "water": "water_l",
    "embodied_co2e": "embodied_co2e_kg",
    "total_co2e": "total_co2e_kg",
}
CANONICAL = {"facility_energy": "kWh", "water": "L"}

#: (accelerator, accelerators, hours, region, year): accelerator-hours = count x hours.
CASES = [
    ("H100-SXM", 100, 10, "FR", 2022),
    ("A100-80GB", 25, 10, "DE", 2021),
]


def _json(args: list[str]) -> dict:
    r = CliRunner().invoke(cli, [*args, "--format", "json"])
    assert r.exit_code == 0, r.output
    return json.loads(r.output)


def _values(d: dict) -> dict[str, tuple[float, str]]:
    return {
        k: (v["value"], v["unit"]) for k, v in d.items() if isinstance(v, dict) and "value" in v
    }


def _flat_grid(path, intensity: float, year: int) -> str:
    """An hourly series of 48 hours at ``intensity`` [gCO2e/kWh] from 1 January."""
    rows = [f"{year}-01-0{1 + h // 24}T{h % 24:02d}:00Z,{intensity!r}" for h in range(48)]
    path.write_text("timestamp,intensity\n" + "\n".join(rows) + "\n")
    return str(path)


BOUNDARIES = ("facility", "servers", "accelerators+facility", "accelerators")


@pytest.mark.parametrize("boundary", BOUNDARIES)
@pytest.mark.parametrize("accelerator, count, duration, region, year", CASES)
def test_commands_agree_on_one_workload(
    accelerator, count, duration, region, year, boundary, tmp_path
):
    """Every analysis gives the same numbers, whatever the accounting boundary."""
    hours = str(count * duration)
    job = ["-a", accelerator, "--gpu-hours", hours, "--boundary", boundary]
    found = _json(["estimate", *job, "-r", region, "--year", str(year)])
    estimate = _values(found["results"])
    grid = _flat_grid(tmp_path / "flat.csv", found["factors"]["intensity"]["value"], year)
    hourly = _json(
        [
            "hourly",
            "-r",
            region,
            "--year",
            str(year),
            "--grid-file",
            grid,
            "--start",
            f"{year}-01-01T00:00Z",
            "--hours",
            str(duration),
            "-a",
            accelerator,
            "--count",
            str(count),
            "--boundary",
            boundary,
        ]
    )
    compare = _json(["compare", *job, "--regions", region, "--year", str(year)])["rows"]
    project = _json(["project", *job, "-r", region, "--from", str(year), "--to", str(year + 1)])
    log = tmp_path / "jobs.csv"
    log.write_text(f"job_id,accelerator,gpu_hours,region\n1,{accelerator},{hours} h,{region}\n")
    batch = _json(["batch", str(log), "--year", str(year), "--boundary", boundary])["totals"]

    schedule = _json(
        [
            "schedule",
            "-r",
            region,
            "--year",
            str(year),
            "--grid-file",
            grid,
            "--from",
            f"{year}-01-01T00:00Z",
            "--within",
            "24 h",
            "--hours",
            str(duration),
            "-a",
            accelerator,
            "--count",
            str(count),
            "--boundary",
            boundary,
        ]
    )
    others = {
        "compare": _values(compare[0]),
        "hourly": _values(hourly["results"]),
        "schedule": _values(schedule["results"]),
        "project": _values(project["rows"][0]),
        "batch": {key: (batch[column], estimate[key][1]) for key, column in BATCH_COLUMNS.items()},
    }
    cost_column = next((c for c in batch if c.startswith("cost_")), None)
    if cost_column:
        others["batch"]["cost"] = (batch[cost_column], cost_column[len("cost_") :])

    assert set(KEYS) <= set(estimate)
    for command, values in others.items():
        missing = {k for k in KEYS if k not in values}
        assert not missing, f"{command} lost {sorted(missing)}"
        for key in KEYS:
            value, unit = values[key]
            expected, expected_unit = estimate[key]
            assert unit == expected_unit, f"{command} {key}: unit {unit} vs {expected_unit}"
            assert value == pytest.approx(expected, rel=1e-12), f"{command} {key}"
