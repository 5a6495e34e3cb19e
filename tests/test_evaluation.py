"""The one engine (footprint.engine.evaluation): tables of loads and sites, one evaluation.

Properties of the formula chain (scaling laws, conservation of the on-site step), and the
engine against footprint.estimate, with pint.testing for quantity assertions.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pint.testing import assert_allclose

import footprint as fp
from footprint.engine.evaluation import LoadTable, SiteTable, evaluate, tables_of
from footprint.places.site import Site, site_factors

positive = st.floats(min_value=1e-3, max_value=1e6, allow_nan=False, allow_infinity=False)
fraction = st.floats(min_value=0.0, max_value=1.0)


def _site(**kw):
    base = {"pue": 1.2, "wue": 0.5, "ewif": 2.0, "intensity": 400.0, "cfe": 0.25, "price": 0.1}
    base.update(kw)
    return SiteTable(**base, currency="EUR")


@settings(max_examples=60, deadline=None)
@given(hours=positive, k=positive, power=positive, host=positive)
def test_results_scale_with_accelerator_hours(hours, k, power, host):
    one = evaluate(LoadTable(hours, power, host), _site())
    scaled = evaluate(LoadTable(hours * k, power, host), _site())
    for key in ("it_energy", "facility_energy", "co2e", "co2e_market", "water", "cost"):
        assert scaled[key] == pytest.approx(one[key] * k, rel=1e-9)


@settings(max_examples=60, deadline=None)
@given(it=st.lists(positive, min_size=1, max_size=24), pv=st.lists(positive, min_size=24))
def test_onsite_step_conserves_energy(it, pv):
    it_kwh = np.array(it)
    pv_kwh = np.array(pv[: len(it)])
    r = evaluate(LoadTable.energy(it_kwh, onsite=pv_kwh), _site())
    np.testing.assert_allclose(r["onsite_energy"] + r["grid_energy"], r["facility_energy"])
    np.testing.assert_allclose(r["onsite_energy"] + r["onsite_surplus"], pv_kwh)
    assert (r["grid_energy"] >= 0).all() and (r["onsite_surplus"] >= 0).all()
    # CO2e, off-site water and cost follow the grid energy
    np.testing.assert_allclose(r["co2e"], r["grid_energy"] * 400.0 / 1000.0)
    np.testing.assert_allclose(r["water_offsite"], r["grid_energy"] * 2.0)
    np.testing.assert_allclose(r["cost"], r["grid_energy"] * 0.1)


@settings(max_examples=40, deadline=None)
@given(it=positive, pv=positive, cfe=fraction)
def test_credited_surplus_is_taken_off_co2e(it, pv, cfe):
    plain = evaluate(LoadTable.energy(it, onsite=pv), _site(cfe=cfe))
    credited = evaluate(LoadTable.energy(it, onsite=pv, credit_surplus=True), _site(cfe=cfe))
    assert credited["co2e"] == pytest.approx(plain["co2e"] - plain["onsite_credit"], abs=1e-9)
    assert credited["co2e_market"] == pytest.approx(credited["co2e"] * (1 - cfe), abs=1e-9)


def test_one_evaluation_over_loads_x_sites():
    loads = LoadTable(np.array([10.0, 20.0]), 700.0, 150.0).as_column()
    sites = _site(intensity=np.array([50.0, 400.0, 800.0]))
    r = evaluate(loads, sites)
    assert r["co2e"].shape == (2, 3)
    assert r["co2e"][1, 2] == pytest.approx(20 * 850 / 1000 * 1.2 * 800 / 1000)


def test_engine_gives_what_estimate_gives():
    job = fp.GpuJob("H100-SXM", gpu_hours="1000 h")
    site = Site(region="FR", year=2022)
    est = fp.estimate(job, site)
    load = job.load()
    from footprint.analyses.estimate import embodied_of

    r = evaluate(LoadTable.of(load, embodied_of(None, job, load)), SiteTable.of(site_factors(site)))
    for key in ("facility_energy", "co2e", "co2e_market", "water", "cost", "total_co2e"):
        assert_allclose(r.quantity(key), est.results[key], rtol=1e-12)


def test_tables_of_account_arguments():
    loads, sites = tables_of(
        {
            "accelerator_hours_h": 2.0,
            "power_w": 500.0,
            "host_power_w": 0.0,
            "pue": 1.0,
            "wue_l_per_kwh": 0.0,
            "ewif_l_per_kwh": 0.0,
            "intensity_g_per_kwh": 1000.0,
        }
    )
    assert evaluate(loads, sites)["co2e"] == pytest.approx(1.0)
    with pytest.raises(ValueError, match="all four"):
        tables_of({"embodied_host_kg": 1.0})


def test_sites_priced_in_several_currencies_have_no_cost():
    sfs = [
        site_factors(Site(region="FR", year=2022)),
        site_factors(Site(region="US", price="0.1 USD/kWh")),
    ]
    table = SiteTable.of(sfs)
    assert table.price is None and table.currency is None
    r = evaluate(LoadTable(1.0, 1000.0, 0.0), table)
    assert "cost" not in r
    with pytest.raises(KeyError):
        r.unit("cost")
