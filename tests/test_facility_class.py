"""Facility classes: PUE/WUE priors by kind of facility, and the class a workload's scale implies.

Priors (datasets/datacenters.csv, built by scripts/datasets/facilities.py): hyperscale is the
median of the newest fleet PUE of Google (1.09, 2024), Meta (1.08, 2023), AWS (1.14, 2025) and
Microsoft (1.18, 2024); colocation is Equinix's 1.42 (2023) beside LBNL 2024's US average of
just above 1.4; enterprise is 1.6 (Uptime 2024 survey 1.56, LBNL about 1.6 in 2014).
"""

from __future__ import annotations

import pandas as pd
import pytest
from click.testing import CliRunner

import footprint as fp
from footprint.analyses.batch import BatchOptions, batch_frame
from footprint.analyses.compare import compare
from footprint.cli import cli as main
from footprint.core.errors import InputError, UnknownNameError
from footprint.places.facility import LARGE_ACCELERATOR_HOURS, LARGE_ACCELERATORS, Scale


def pue_of(result: fp.Footprint) -> tuple[float, str]:
    f = result.factors["pue"]
    return f.value.m_as(""), f.extra["operator"]


def test_class_priors_are_the_published_medians() -> None:
    r = fp.estimate(fp.GpuJob("H100-SXM", gpu_hours=1e6), fp.Site(region="US", year=2024))
    assert pue_of(r) == (pytest.approx((1.14 + 1.09) / 2), "hyperscale")
    assert r.factors["wue"].value.m_as("L/kWh") == pytest.approx((0.26 + 0.3) / 2)
    for cls, pue in (("colocation", 1.42), ("enterprise", 1.6), ("industry-average", 1.56)):
        site = fp.Site(region="US", year=2024, facility=cls)
        assert pue_of(fp.estimate(fp.GpuJob("H100-SXM", gpu_hours=1e6), site)) == (
            pytest.approx(pue),
            cls,
        )


def test_scale_picks_the_class() -> None:
    assert Scale(LARGE_ACCELERATOR_HOURS).facility_class == "hyperscale"
    assert Scale(LARGE_ACCELERATOR_HOURS - 1).facility_class is None
    assert Scale(10.0, LARGE_ACCELERATORS).facility_class == "hyperscale"
    assert Scale(10.0, LARGE_ACCELERATORS - 1).facility_class is None
    small = fp.estimate(fp.GpuJob("H100-SXM", gpu_hours=1000), region="US", year=2024)
    assert pue_of(small)[1] == "industry-average"
    assert not any(n.startswith("facility:") for n in small.notes)
    wide = fp.estimate(fp.GpuJob("H100-SXM", count=512, duration="1 h"), region="US", year=2024)
    assert pue_of(wide)[1] == "hyperscale"
    assert any(n.startswith("facility: hyperscale class") for n in wide.notes)


def test_named_operators_and_cloud_regions_outrank_the_class() -> None:
    job = fp.GpuJob("H100-SXM", gpu_hours=1e6)
    assert pue_of(fp.estimate(job, fp.Site(region="US", operator="meta")))[1] == "meta"
    assert pue_of(fp.estimate(job, fp.Site(region="aws:us-east-1")))[1] == "aws"
    given = fp.estimate(job, fp.Site(region="US", pue=1.3, wue="0.2 L/kWh"))
    assert not any(n.startswith("facility:") for n in given.notes)


def test_bad_facility_inputs() -> None:
    with pytest.raises(UnknownNameError, match="hyperscale"):
        fp.Site(facility="hyperscaler")
    with pytest.raises(InputError, match="not both"):
        fp.Site(operator="google", facility="hyperscale")


def test_every_analysis_uses_the_same_class() -> None:
    job = fp.GpuJob("A100-80GB", gpu_hours=2e5)
    site = fp.Site(region="FR", year=2022)
    pue = fp.estimate(job, site).factors["pue"].value.m_as("")
    assert pue == pytest.approx(1.115)
    df = compare(job, regions="FR", year=2022, embodied=False)
    assert float(df["facility_energy"].pint.m_as("kWh").iloc[0]) == pytest.approx(
        fp.estimate(job, site, embodied=False).facility_energy.m_as("kWh"), rel=1e-12
    )
    frame = pd.DataFrame(
        {"job_id": ["big", "small"], "accelerator": ["A100-80GB"] * 2, "gpu_hours": ["2e5", "10"]}
    )
    out = batch_frame(frame, BatchOptions(region="FR", year=2022, embodied=False))
    by_id = out.results.set_index("job_id")
    big = fp.estimate(job, site, embodied=False)
    assert by_id.loc["big", "facility_energy_kwh"] == pytest.approx(
        big.facility_energy.m_as("kWh"), rel=1e-12
    )
    small = fp.estimate(fp.GpuJob("A100-80GB", gpu_hours=10), site, embodied=False)
    assert by_id.loc["small", "facility_energy_kwh"] == pytest.approx(
        small.facility_energy.m_as("kWh"), rel=1e-12
    )


def test_cli_facility_option() -> None:
    run = CliRunner().invoke(
        main,
        [
            "estimate",
            "-a",
            "H100-SXM",
            "--gpu-hours",
            "1e6",
            "-r",
            "US",
            "--year",
            "2024",
            "--facility",
            "enterprise",
            "--format",
            "json",
        ],
    )
    assert run.exit_code == 0, run.output
    assert '"operator": "enterprise"' in run.output
    bad = CliRunner().invoke(
        main, ["estimate", "-a", "H100-SXM", "--gpu-hours", "1", "--facility", "garage"]
    )
    assert bad.exit_code == 2
