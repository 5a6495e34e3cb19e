"""The estimate orchestrator: defaults, provenance, substitutions and bad input."""

import math

import pytest

import footprint as fp
from footprint.core.errors import InputError, MissingDataError, UnitError, UnknownNameError


def job(**kw):
    kw.setdefault("gpu_hours", "1000 h")
    return fp.GpuJob("H100-SXM", **kw)


def test_quick_start_from_issue():
    r = fp.estimate(fp.GpuJob(accelerator="H100-SXM", gpu_hours="39.3e6 h"), region="US", year=2023)
    assert r.co2e.check("[co2e]")
    assert r.water.to("m^3").m > 0
    frame = r.to_frame()
    assert {"result", "factor"} <= set(frame["kind"])
    operational = {"power", "host_power", "pue", "wue", "ewif", "intensity", "cfe"}
    embodied = {"embodied_accelerator", "embodied_host", "lifetime", "life_utilization"}
    assert set(r.factors) == operational | embodied


def test_formula_chain_with_dataset_factors():
    r = fp.estimate(job(), region="FR", year=2022)
    f = r.factors
    it = 1000 * (f["power"].value.m_as("W") + f["host_power"].value.m_as("W")) / 1000
    assert r.it_energy.m_as("kWh") == pytest.approx(it)
    fac = it * f["pue"].value.m_as("")
    assert r.facility_energy.m_as("kWh") == pytest.approx(fac)
    assert r.co2e.m_as("kgCO2e") == pytest.approx(
        fac * f["intensity"].value.m_as("gCO2e/kWh") / 1000
    )
    assert r.water_onsite.m_as("L") == pytest.approx(it * f["wue"].value.m_as("L/kWh"))
    assert r.water_offsite.m_as("L") == pytest.approx(fac * f["ewif"].value.m_as("L/kWh"))
    assert r.water.m_as("L") == pytest.approx(r.water_onsite.m_as("L") + r.water_offsite.m_as("L"))


def test_defaults_are_explicit():
    r = fp.estimate(job())
    assert r.inputs["zone"] == "WORLD"
    assert any("no region given" in n for n in r.notes)
    assert r.factors["intensity"].zone == "WORLD"
    # TDP x the measured training draw of an 8-GPU baseboard server (server_classes.csv)
    assert r.factors["power"].value.m_as("W") == pytest.approx(700 * 0.8)
    assert r.factors["power"].extra["server_class"] == "baseboard-8"
    assert r.factors["host_power"].value.m_as("W") == 150
    assert r.factors["pue"].extra["operator"] == "industry-average"
    for f in r.factors.values():
        assert f.source, f.name


def test_every_dataset_factor_has_zone_year_source():
    r = fp.estimate(job(), region="DE", year=2020)
    for name in ("intensity", "ewif"):
        f = r.factors[name]
        assert f.zone == "DE" and f.year == 2020 and f.source and f.dataset


def test_nearest_year_substitution_is_noted():
    r = fp.estimate(job(), region="FR", year=2030)
    f = r.factors["intensity"]
    assert f.year < 2030
    assert "nearest year" in f.note
    assert any("nearest year" in n for n in r.notes)
    assert any("nearest year" in n for n in r.to_dict()["notes"])


def test_strict_year_raises():
    with pytest.raises(MissingDataError, match="no data for 2030"):
        fp.estimate(job(), fp.Site(region="FR", year=2030, strict_year=True))


def test_overrides_replace_defaults_and_are_echoed():
    site = fp.Site(region="FR", pue=1.2, wue="0.5 L/kWh", ewif="2 L/kWh", intensity="100 g/kWh")
    r = fp.estimate(job(power="500 W", host_power="0 W"), site)
    assert r.facility_energy.m_as("kWh") == pytest.approx(600)
    assert r.co2e.m_as("kgCO2e") == pytest.approx(60)
    assert r.water_onsite.m_as("L") == pytest.approx(250)
    assert r.water_offsite.m_as("L") == pytest.approx(1200)
    for name in ("power", "host_power", "pue", "wue", "ewif", "intensity"):
        assert r.factors[name].origin == "user"


def test_utilization_scales_power():
    full = fp.estimate(job(host_power="0 W", utilization=1.0), region="FR", year=2022)
    half = fp.estimate(job(host_power="0 W", utilization=0.5), region="FR", year=2022)
    assert half.it_energy.m_as("kWh") == pytest.approx(full.it_energy.m_as("kWh") / 2)


def test_count_and_duration():
    r = fp.estimate(fp.GpuJob("A100-80GB", count=384, duration="3 days"), region="FR")
    assert r.accelerator_hours.m_as("h") == pytest.approx(384 * 72)


def test_json_contract():
    d = fp.estimate(job(), region="FR", year=2022).to_dict()
    assert set(d) == {"results", "factors", "inputs", "notes"}
    units = {
        "it_energy": "kWh",
        "facility_energy": "kWh",
        "co2e": "kgCO2e",
        "water": "L",
        "water_onsite": "L",
        "water_offsite": "L",
    }
    for key, unit in units.items():
        assert d["results"][key]["unit"] == unit
        assert math.isfinite(d["results"][key]["value"])
    for f in d["factors"].values():
        assert {"value", "unit", "origin", "source"} <= set(f)


@pytest.mark.parametrize(
    "kwargs, error, match",
    [
        ({"gpu_hours": "3 kg"}, UnitError, "expected time"),
        ({"gpu_hours": "-5 h"}, InputError, "negative"),
        ({"gpu_hours": float("nan")}, InputError, "finite"),
        ({"gpu_hours": "10 h", "count": 2, "duration": "1 h"}, InputError, "not both"),
        ({"gpu_hours": None, "count": 2}, InputError, "count and duration"),
        ({"power": "3 kg"}, UnitError, "expected power"),
        ({"utilization": 1.5}, InputError, r"\(0, 1\]"),
        ({"utilization": 0.5, "power": "300 W"}, InputError, "not both"),
    ],
)
def test_bad_job_input(kwargs, error, match):
    base = {"gpu_hours": "1000 h"}
    base.update(kwargs)
    with pytest.raises(error, match=match):
        fp.GpuJob("H100-SXM", **{k: v for k, v in base.items() if v is not None})


def test_unknown_accelerator_suggests():
    with pytest.raises(UnknownNameError, match="H100-SXM") as info:
        fp.GpuJob("H100-SMX", gpu_hours=1)
    assert info.value.suggestions


def test_unknown_region_suggests():
    with pytest.raises(UnknownNameError, match="France"):
        fp.estimate(job(), region="Frnace")


@pytest.mark.parametrize("pue", [0.9, -1, float("nan")])
def test_bad_pue(pue):
    with pytest.raises(InputError):
        fp.estimate(job(), fp.Site(pue=pue))


def test_site_and_keywords_conflict():
    with pytest.raises(InputError):
        fp.estimate(job(), fp.Site(region="FR"), region="DE")


def test_hydro_exclusion_lowers_ewif_where_hydro_runs():
    inc = fp.estimate(job(), fp.Site(region="NO", year=2021))
    exc = fp.estimate(job(), fp.Site(region="NO", year=2021, hydro="exclude"))
    assert exc.factors["ewif"].value < inc.factors["ewif"].value


def test_total_co2e_per_unit_in_canonical_units():
    """JSON kept the display unit of total_co2e_per_* (mgCO2e/request, tCO2e/year)."""
    w = fp.InferenceWorkload("llama-3.1-8b", "1e6 request/day", output_tokens=400)
    results = fp.estimate_inference(w, fp.Site(region="FR", year=2022)).to_dict()["results"]
    for per, unit in (("request", "gCO2e/request"), ("token", "gCO2e/token")):
        assert results[f"total_co2e_per_{per}"]["unit"] == unit
        assert results[f"co2e_per_{per}"]["unit"] == unit
        assert results[f"total_co2e_per_{per}"]["value"] > results[f"co2e_per_{per}"]["value"]
    assert results["total_co2e_per_year"]["unit"] == results["co2e_per_year"]["unit"]
    assert fp.engine.result.canonical_unit("total_co2e_per_month") == "kgCO2e/month"
    assert fp.engine.result.canonical_unit("no_such_result") is None


def test_overflowing_results_are_refused():
    """1e306 h at 1 MW gave "Infinity" in the JSON (not JSON) (regression)."""
    with pytest.raises(InputError, match="too large"):
        fp.estimate(fp.GpuJob("H100-SXM", gpu_hours=1e306, power="1e6 W"))
    big = fp.estimate(fp.GpuJob("H100-SXM", gpu_hours=1e300))
    assert math.isfinite(big.co2e.m)


def test_given_zero_factors_are_plain_zero():
    """ "-0" given for a factor gave co2e -0.0 in the JSON (regression)."""
    r = fp.estimate(job(host_power="-0"), fp.Site(intensity="-0", ewif="-0", wue="-0", cfe=-0.0))
    for key in ("co2e", "co2e_market", "water"):
        assert math.copysign(1.0, r.to_dict()["results"][key]["value"]) == 1.0
