"""The rules of an accelerator job are written once (footprint.workloads.job_rules): a GpuJob and a
batch row with the same inputs are accepted or refused together, with the same message."""

from __future__ import annotations

import json

import numpy as np
import pytest
from click.testing import CliRunner

from footprint.cli import cli
from footprint.core.errors import InputError
from footprint.workloads.job_rules import MAX_COUNT, check_count, check_utilization, draw
from footprint.workloads.jobs import GpuJob

CASES = [
    # (count, utilization, power): the GpuJob keywords and the batch cells
    (8, None, None),
    (8, 0.5, None),
    (8, None, "300 W"),
    (8, 0.5, "300 W"),  # both power and utilization
    (8, 1.5, None),  # utilization above 1
    (2.5, None, None),  # not a whole count
    (0, None, None),
    (-3, None, None),
    (MAX_COUNT * 10, None, None),
]


def _job_error(count, utilization, power) -> str | None:
    try:
        GpuJob("H100-SXM", count=count, duration="2 h", utilization=utilization, power=power)
    except InputError as exc:
        return str(exc)
    return None


def _batch_reason(tmp_path, count, utilization, power) -> str | None:
    log = tmp_path / "jobs.csv"
    cells = ["1", "H100-SXM", str(count), "2 h", "" if utilization is None else str(utilization)]
    cells.append("" if power is None else power)
    log.write_text("job_id,accelerator,count,duration,utilization,power\n" + ",".join(cells))
    rejects = tmp_path / "rejects.csv"
    r = CliRunner().invoke(
        cli, ["batch", str(log), "-r", "FR", "--year", "2022", "--rejects", str(rejects)]
    )
    assert r.exit_code == 0, r.output
    if not rejects.exists() or len(rejects.read_text().splitlines()) < 2:
        return None
    import csv

    row = next(csv.DictReader(rejects.open()))
    return row["reason"]


@pytest.mark.parametrize("count, utilization, power", CASES)
def test_job_and_batch_row_agree(count, utilization, power, tmp_path):
    job = _job_error(count, utilization, power)
    row = _batch_reason(tmp_path, count, utilization, power)
    assert (job is None) == (row is None), (job, row)
    if job is not None and count != 0 and count >= 0:  # GpuJob types numbers first
        assert job == row or job in row, (job, row)


def test_count_rule_on_a_column():
    count, broken = check_count(
        np.array([1, 2.5, 0, -1, np.nan, 2e7, 7]), np.array([True] * 6 + [False])
    )
    assert np.isnan(count[1:6]).all() and count[0] == 1
    assert [v.code for v in broken] == ["bad_count"] * 4 + ["count_out_of_range"]


def test_draw_is_tdp_times_utilization_unless_power_given():
    given, broken = check_utilization(np.array([0.5, np.nan, 2.0]), np.array([True, False, True]))
    assert list(given) == [True, False, False] and broken[0].code == "bad_utilization"
    power, util, no_tdp = draw(
        np.array([np.nan, np.nan, 300.0]),
        np.array([False, False, True]),
        np.array([0.5, np.nan, np.nan]),
        given,
        np.array([700.0, np.nan, 700.0]),
        1.0,
    )
    assert power[0] == 350.0 and power[2] == 300.0 and np.isnan(power[1])
    assert list(no_tdp) == [False, True, False] and util[0] == 0.5 and np.isnan(util[2])


def test_estimate_and_batch_agree_on_the_draw(tmp_path):
    job = GpuJob("H100-SXM", count=4, duration="10 h", utilization=0.6)
    power = job.load().power.value.m_as("W")
    log = tmp_path / "jobs.csv"
    log.write_text("job_id,accelerator,count,duration,utilization\n1,H100-SXM,4,10 h,0.6\n")
    out = tmp_path / "out.csv"
    r = CliRunner().invoke(
        cli, ["batch", str(log), "-r", "FR", "--year", "2022", "-o", str(out), "--format", "json"]
    )
    assert r.exit_code == 0, r.output
    totals = json.loads(r.stdout)["totals"]
    assert totals["it_energy_kwh"] == pytest.approx(40 * (power + 150) / 1000, rel=1e-12)
