"""The accounting boundary (issue 13, item 1): what a result's energy includes, selected by
one option and library argument, applied by the one engine, named in every output."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner
from pint.testing import assert_allclose

import footprint as fp
from footprint.cli import cli
from footprint.core.accounting import BOUNDARIES
from footprint.core.errors import UnknownNameError

JOB = fp.GpuJob("H100-SXM", gpu_hours="1000 h", power="600 W", host_power="200 W")


def _estimate(boundary: str | None) -> fp.Footprint:
    return fp.estimate(JOB, fp.Site(region="FR", year=2022, pue=1.5, boundary=boundary))


def test_each_boundary_counts_what_it_names():
    q = fp.Q_
    assert_allclose(_estimate("accelerators").facility_energy, q(600.0, "kWh"))
    assert_allclose(_estimate("accelerators+facility").facility_energy, q(900.0, "kWh"))
    assert_allclose(_estimate("servers").facility_energy, q(800.0, "kWh"))
    assert_allclose(_estimate("facility").facility_energy, q(1200.0, "kWh"))
    assert_allclose(_estimate(None).facility_energy, q(1200.0, "kWh"))  # the default


def test_outside_the_boundary_factors_are_stated():
    r = _estimate("accelerators")
    assert r.factors["pue"].value.m == 1 and "boundary accelerators" in r.factors["pue"].source
    assert r.factors["host_power"].value.m == 0
    assert r.water_onsite.m == 0  # no facility: no cooling water
    assert r.inputs["boundary"] == "accelerators"
    assert any(n.startswith("boundary (accelerators): accelerators only") for n in r.notes)
    # embodied emissions are outside the energy boundary: the same in every boundary
    assert r.embodied_co2e == _estimate("facility").embodied_co2e


def test_keyword_and_site_agree_and_bad_names_suggest():
    a = fp.estimate(JOB, region="FR", year=2022, boundary="servers")
    b = fp.estimate(JOB, fp.Site(region="FR", year=2022, boundary="servers"))
    assert a.to_dict()["results"] == b.to_dict()["results"]
    with pytest.raises(UnknownNameError, match="did you mean 'servers'"):
        fp.Site(boundary="server")


@pytest.mark.parametrize("fmt", ["table", "markdown", "csv", "json"])
@pytest.mark.parametrize("boundary", list(BOUNDARIES))
def test_every_format_names_the_boundary(boundary, fmt):
    args = ["estimate", "-a", "H100-SXM", "--gpu-hours", "100", "-r", "FR", "--year", "2022"]
    r = CliRunner().invoke(cli, [*args, "--boundary", boundary, "--format", fmt])
    assert r.exit_code == 0, r.output
    assert f"boundary ({boundary})" in r.output
    if fmt == "json":
        assert json.loads(r.output)["inputs"]["boundary"] == boundary


def test_model_card_convention_is_one_option():
    """Accelerator power x hours x PUE, no host: the convention of e.g. the Llama 2 card."""
    job = fp.GpuJob("A100-80GB", gpu_hours="3.3e6 h", power="400 W")
    r = fp.estimate(job, fp.Site(region="US", year=2023, pue=1.1, boundary="accelerators+facility"))
    assert_allclose(r.facility_energy, fp.Q_(3.3e6 * 0.4 * 1.1, "kWh"), rtol=1e-12)
