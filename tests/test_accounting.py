"""Scaling laws of the footprint formulas (property tests, hypothesis)."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from footprint.core.accounting import account

pos = st.floats(min_value=1e-3, max_value=1e7, allow_nan=False, allow_infinity=False)
pue_s = st.floats(min_value=1.0, max_value=3.0)
factor = st.floats(min_value=0.0, max_value=2000.0)


def _run(h, p, host, pue, wue, ewif, ci):
    return account(h, p, host, pue, wue, ewif, ci)


@given(pos, pos, pos, pue_s, factor, factor, factor)
def test_linear_in_hours(h, p, host, pue, wue, ewif, ci):
    one, two = _run(h, p, host, pue, wue, ewif, ci), _run(2 * h, p, host, pue, wue, ewif, ci)
    for key in ("it_energy", "facility_energy", "co2e", "water", "water_onsite", "water_offsite"):
        assert two[key] == pytest.approx(2 * one[key], rel=1e-12, abs=1e-9)


@given(pos, pos, pue_s, factor, factor, factor)
def test_linear_in_pue_for_facility_terms(h, p, pue, wue, ewif, ci):
    one, two = _run(h, p, 0, pue, wue, ewif, ci), _run(h, p, 0, 2 * pue, wue, ewif, ci)
    assert two["facility_energy"] == pytest.approx(2 * one["facility_energy"], rel=1e-12)
    assert two["co2e"] == pytest.approx(2 * one["co2e"], rel=1e-12, abs=1e-12)
    assert two["water_offsite"] == pytest.approx(2 * one["water_offsite"], rel=1e-12, abs=1e-12)
    # on-site water follows IT energy, not PUE (Li et al. 2023)
    assert two["water_onsite"] == pytest.approx(one["water_onsite"], rel=1e-12, abs=1e-12)


@given(pos, pos, pue_s, factor, factor, pos)
def test_linear_in_intensity(h, p, pue, wue, ewif, ci):
    one, two = _run(h, p, 0, pue, wue, ewif, ci), _run(h, p, 0, pue, wue, ewif, 2 * ci)
    assert two["co2e"] == pytest.approx(2 * one["co2e"], rel=1e-12)
    assert two["facility_energy"] == one["facility_energy"]


def test_hand_computed_case():
    # 1000 h x (700 + 150) W = 850 kWh IT; x1.2 = 1020 kWh; x400 g = 408 kg
    r = account(1000.0, 700.0, 150.0, 1.2, 0.5, 3.0, 400.0)
    assert r["it_energy"] == pytest.approx(850)
    assert r["facility_energy"] == pytest.approx(1020)
    assert r["co2e"] == pytest.approx(408)
    assert r["water_onsite"] == pytest.approx(425)
    assert r["water_offsite"] == pytest.approx(3060)
    assert r["water"] == pytest.approx(3485)


def test_vectorised_matches_scalar():
    hours = np.array([1.0, 10.0, 100.0])
    ci = np.array([50.0, 400.0, 800.0])
    vec = account(hours, 400.0, 0.0, 1.1, 0.2, 2.0, ci)
    for i in range(3):
        scalar = account(float(hours[i]), 400.0, 0.0, 1.1, 0.2, 2.0, float(ci[i]))
        assert vec["co2e"][i] == pytest.approx(scalar["co2e"])
