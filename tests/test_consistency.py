"""One workload, one region: every command that accounts it gives the same numbers.

The one-engine work (issue 12) must make every entry point return the same result keys
from one evaluation. Today `estimate`, `compare`, `project` (its base year) and a `batch`
row agree to the last digit on every key they share; this test holds them to that.
Keys a command does not give yet are listed in ``KNOWN_GAPS``: a key missing from a
command must be listed there (so no key is lost silently), and the list must only shrink.
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

#: Result keys a command does not give yet (debt of the one-engine refactor).
KNOWN_GAPS: dict[str, frozenset[str]] = {
    "compare": frozenset(),
    "project": frozenset(),
    "batch": frozenset(),
}

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

CASES = [
    ("H100-SXM", "1000", "FR", 2022),
    ("A100-80GB", "250", "DE", 2021),
]


def _json(args: list[str]) -> dict:
    r = CliRunner().invoke(cli, [*args, "--format", "json"])
    assert r.exit_code == 0, r.output
    return json.loads(r.output)


def _values(d: dict) -> dict[str, tuple[float, str]]:
    return {
        k: (v["value"], v["unit"]) for k, v in d.items() if isinstance(v, dict) and "value" in v
    }


@pytest.mark.parametrize("accelerator, hours, region, year", CASES)
def test_commands_agree_on_one_workload(accelerator, hours, region, year, tmp_path):
    job = ["-a", accelerator, "--gpu-hours", hours]
    estimate = _values(_json(["estimate", *job, "-r", region, "--year", str(year)])["results"])
    compare = _json(["compare", *job, "--regions", region, "--year", str(year)])["rows"]
    project = _json(["project", *job, "-r", region, "--from", str(year), "--to", str(year + 1)])
    log = tmp_path / "jobs.csv"
    log.write_text(f"job_id,accelerator,gpu_hours,region\n1,{accelerator},{hours} h,{region}\n")
    batch = _json(["batch", str(log), "--year", str(year)])["totals"]

    others = {
        "compare": _values(compare[0]),
        "project": _values(project["rows"][0]),
        "batch": {key: (batch[column], estimate[key][1]) for key, column in BATCH_COLUMNS.items()},
    }
    cost_column = next((c for c in batch if c.startswith("cost_")), None)
    if cost_column:
        others["batch"]["cost"] = (batch[cost_column], cost_column[len("cost_") :])

    assert set(KEYS) <= set(estimate)
    for command, values in others.items():
        missing = {k for k in KEYS if k not in values}
        assert missing <= KNOWN_GAPS[command], f"{command} lost {sorted(missing)}"
        for key in KEYS:
            if key not in values:
                continue
            value, unit = values[key]
            expected, expected_unit = estimate[key]
            assert unit == expected_unit, f"{command} {key}: unit {unit} vs {expected_unit}"
            assert value == pytest.approx(expected, rel=1e-12), f"{command} {key}"


def test_known_gaps_only_shrink():
    """A gap that is closed must be removed from KNOWN_GAPS (so it cannot reopen)."""
    args = ["-a", "H100-SXM", "--gpu-hours", "1000", "--year", "2022"]
    compare = _values(_json(["compare", *args, "--regions", "FR"])["rows"][0])
    project = _values(
        _json(
            [
                "project",
                "-a",
                "H100-SXM",
                "--gpu-hours",
                "1000",
                "-r",
                "FR",
                "--from",
                "2022",
                "--to",
                "2023",
            ]
        )["rows"][0]
    )
    for command, values in (("compare", compare), ("project", project)):
        closed = {k for k in KNOWN_GAPS[command] if k in values}
        assert not closed, f"{command} now gives {sorted(closed)}: remove them from KNOWN_GAPS"
