"""US states resolve to their own eGRID data (issue 13, item 7): never silently to the
national average, the basis (combustion CO2e) and the source named."""

from __future__ import annotations

import pytest

import footprint as fp

JOB = fp.GpuJob("H100-SXM", gpu_hours="1000 h")


@pytest.mark.parametrize(
    "state, code",
    [("California", "US-CA"), ("Texas", "US-TX"), ("Virginia", "US-VA"), ("Washington", "US-WA")],
)
@pytest.mark.parametrize("year", [2023, 2022, None])
def test_a_state_keeps_its_own_data(state, code, year):
    f = fp.estimate(JOB, region=state, year=year).factors["intensity"]
    assert f.zone == code
    assert "eGRID" in f.source and "CO2e" in f.source
    if year == 2022:  # no eGRID2022 state rates: the nearest year, said so
        assert f.year == 2023 and "nearest year 2023" in f.note


def test_california_2023_is_egrid2023():
    f = fp.estimate(JOB, region="California", year=2023).factors["intensity"]
    assert f.value.m_as("gCO2e/kWh") == pytest.approx(179.064, abs=1e-3)  # 394.768 lb/MWh
    assert "combustion" in f.source  # basis stated: direct (combustion) CO2e, not lifecycle


def test_a_year_far_from_state_data_takes_the_coarser_exact_year():
    f = fp.estimate(JOB, region="California", year=2005).factors["intensity"]
    assert f.zone == "US" and f.year == 2005 and "US used" in f.note
