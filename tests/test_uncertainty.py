"""Uncertainty: factor ranges, Monte Carlo propagation through the one formula, sensitivity."""

from __future__ import annotations

import io
import json
import math
import sys
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

import footprint as fp
from footprint.analyses.uncertainty import DEFAULT_SAMPLES, propagate, spread_for, spread_rules
from footprint.cli import cli
from footprint.core.errors import InputError
from footprint.core.provenance import Spread
from footprint.data.loader import load_table
from footprint.workloads.jobs import Load

ROOT = Path(__file__).resolve().parent.parent
ENERGY_CO2E_WATER = ("it_energy", "facility_energy", "co2e", "total_co2e", "water")


def job(**kw):  # noqa: ANN001, ANN201
    kw.setdefault("gpu_hours", "1000 h")
    return fp.GpuJob("H100-SXM", **kw)


EXACT_SITE = fp.Site(
    region="FR", year=2022, pue=1.2, wue="0.5 L/kWh", ewif="2 L/kWh", intensity="60 g/kWh"
)
EXACT_EMBODIED = fp.Embodied(
    lifetime="5 years", life_utilization=0.9, accelerator="160 kgCO2e", host="700 kgCO2e"
)


# --- ranges ------------------------------------------------------------------------------


@pytest.mark.parametrize("region, year", [("FR", 2022), ("US", 2023), ("IN", None), (None, None)])
def test_ranges_contain_the_central_value(region: str | None, year: int | None) -> None:
    r = fp.estimate(job(), region=region, year=year, uncertainty=True)
    assert set(r.ranges) >= set(ENERGY_CO2E_WATER) | {"water_onsite", "water_offsite"}
    for key, (low, high) in r.ranges.items():
        value = r.results[key]
        assert low <= value <= high, key
    for key in ENERGY_CO2E_WATER:  # the defaults are uncertain: the ranges are not empty
        low, high = r.ranges[key]
        assert high > low, key


def test_ranges_collapse_when_every_factor_is_given() -> None:
    exact = job(power="600 W", host_power="100 W")
    r = fp.estimate(exact, EXACT_SITE, embodied=EXACT_EMBODIED, uncertainty=True)
    assert all(f.spread is None for f in r.factors.values())
    for key, (low, high) in r.ranges.items():
        assert low == r.results[key] == high, key
    assert r.uncertainty is not None
    assert all(rows == [] for rows in r.uncertainty["sensitivity"].values())


def test_sensitivity_ranks_pue_first_when_only_pue_is_uncertain() -> None:
    site = fp.Site(region="FR", year=2022, wue="0.5 L/kWh", ewif="2 L/kWh", intensity="60 g/kWh")
    r = fp.estimate(job(power="600 W", host_power="100 W"), site, embodied=EXACT_EMBODIED,
                    uncertainty=True)  # fmt: skip
    assert [n for n, f in r.factors.items() if f.spread is not None] == ["pue"]
    for metric in ("energy", "co2e", "water"):
        ranking = r.uncertainty["sensitivity"][metric]
        assert ranking[0]["factor"] == "pue"
        assert ranking[0]["variance_share"] == pytest.approx(1.0)
        assert ranking[0]["swing"] > 0


def test_sensitivity_ranks_a_dominant_input_first() -> None:
    """With every default uncertain in a coal-heavy grid, intensity or PUE leads; EWIF and
    WUE cannot move CO2e and get no share of its variance."""
    r = fp.estimate(job(), region="PL", year=2022, uncertainty=True)
    ranking = r.uncertainty["sensitivity"]["co2e"]
    shares = {row["factor"]: row["variance_share"] for row in ranking}
    assert sum(shares.values()) == pytest.approx(1.0)
    assert ranking[0]["factor"] in ("pue", "intensity", "power")
    assert shares["wue"] == 0.0 and shares["ewif"] == 0.0
    water = r.uncertainty["sensitivity"]["water"]
    assert water[0]["factor"] in ("ewif", "wue", "pue")


def test_fixed_seed_gives_identical_results() -> None:
    spec = fp.Uncertainty(samples=2000, seed=42)
    a = fp.estimate(job(), region="DE", year=2021, uncertainty=spec).to_dict()
    b = fp.estimate(job(), region="DE", year=2021, uncertainty=spec).to_dict()
    assert json.dumps(a, sort_keys=True) == json.dumps(b, sort_keys=True)
    c = fp.estimate(job(), region="DE", year=2021, uncertainty=fp.Uncertainty(2000, 43))
    assert c.to_dict()["results"]["co2e"]["high"] != a["results"]["co2e"]["high"]


def test_default_samples_are_stable_across_seeds() -> None:
    """DEFAULT_SAMPLES draws: the 95th percentile of total CO2e moves by ~1% between seeds."""
    highs = [
        fp.estimate(job(), region="FR", year=2022, uncertainty=fp.Uncertainty(seed=s))
        .ranges["total_co2e"][1]
        .m_as("kgCO2e")
        for s in range(5)
    ]
    mean = sum(highs) / len(highs)
    assert max(abs(h - mean) for h in highs) / mean < 0.02
    assert DEFAULT_SAMPLES == 5000


def test_monte_carlo_matches_the_triangular_quantiles() -> None:
    """Only PUE uncertain: triangular(1.1, mode 1.58, 2.0) (industry-average 2023 row).
    Facility energy is linear in PUE, so its 5th/95th percentiles are IT energy x the
    analytical triangular quantiles a + sqrt(p (b-a)(c-a)) and b - sqrt((1-p)(b-a)(b-c))."""
    site = fp.Site(region="FR", year=2023, wue="0.5 L/kWh", ewif="2 L/kWh", intensity="60 g/kWh")
    spec = fp.Uncertainty(samples=200_000, seed=1)
    r = fp.estimate(job(power="600 W", host_power="100 W"), site, embodied=False, uncertainty=spec)
    a, c, b = 1.1, r.factors["pue"].value.m_as(""), 2.0
    assert c == pytest.approx(1.58)
    q05 = a + math.sqrt(0.05 * (b - a) * (c - a))
    q95 = b - math.sqrt(0.05 * (b - a) * (b - c))
    it = r.it_energy.m_as("kWh")
    low, high = (x.m_as("kWh") for x in r.ranges["facility_energy"])
    assert low == pytest.approx(it * q05, rel=2e-3)
    assert high == pytest.approx(it * q95, rel=2e-3)


def test_interval_controls_the_width() -> None:
    wide = fp.estimate(job(), region="FR", uncertainty=fp.Uncertainty(interval=0.9))
    narrow = fp.estimate(job(), region="FR", uncertainty=fp.Uncertainty(interval=0.5))
    (wl, wh), (nl, nh) = wide.ranges["co2e"], narrow.ranges["co2e"]
    assert wl < nl and nh < wh
    assert narrow.uncertainty["percentiles"] == [25.0, 75.0]


# --- factor spreads -----------------------------------------------------------------------


def test_spreads_follow_the_documented_rules() -> None:
    r = fp.estimate(job(), region="FR", year=2022)
    f = r.factors
    assert f["power"].spread.low.m_as("W") == pytest.approx(0.6 * 700)
    assert f["power"].spread.high.m_as("W") == pytest.approx(700)
    # the server class's bounds (server_classes.csv, baseboard-8)
    assert f["host_power"].spread.low.m_as("W") == pytest.approx(69)
    assert f["host_power"].spread.high.m_as("W") == pytest.approx(290)
    assert (f["pue"].spread.low.m_as(""), f["pue"].spread.high.m_as("")) == (1.1, 2.0)
    assert f["wue"].spread.low.m_as("L/kWh") == pytest.approx(0.25 * 1.8)
    assert f["lifetime"].spread.low.m_as("year") == pytest.approx(3)
    assert f["lifetime"].spread.high.m_as("year") == pytest.approx(6)
    assert f["life_utilization"].spread.low.m_as("") == pytest.approx(0.5)
    assert f["cfe"].spread is None
    method = spread_rules()[("intensity", "method")]
    value = f["intensity"].value.m_as("gCO2e/kWh")
    assert f["intensity"].spread.low.m_as("gCO2e/kWh") <= value * float(method["low"]) + 1e-9
    assert f["intensity"].spread.high.m_as("gCO2e/kWh") >= value * float(method["high"]) - 1e-9
    d = f["pue"].to_dict()
    assert (d["low"], d["high"], d["distribution"]) == (1.1, 2.0, "triangular")


def test_user_given_and_utilization_are_exact() -> None:
    r = fp.estimate(job(utilization=0.7, host_power="120 W"), fp.Site(region="FR", pue=1.3))
    assert r.factors["power"].origin == "derived" and r.factors["power"].spread is None
    assert r.factors["host_power"].spread is None
    assert r.factors["pue"].spread is None
    assert "low" not in r.to_dict()["factors"]["pue"]


def test_ewif_range_from_macknick_bounds_and_hydro_treatment() -> None:
    from footprint.places.water import ewif

    include = fp.estimate(job(), region="NO", year=2022).factors["ewif"]
    low = ewif("NO", 2022, hydro="exclude", bound="low").value.m_as("L/kWh")
    high = ewif("NO", 2022, hydro="include", bound="high").value.m_as("L/kWh")
    assert include.spread.low.m_as("L/kWh") == pytest.approx(low)
    assert include.spread.high.m_as("L/kWh") == pytest.approx(high)
    assert include.spread.low.m_as("L/kWh") < 0.2 * include.value.m_as("L/kWh")  # hydro-heavy
    exclude = fp.estimate(job(), fp.Site(region="NO", year=2022, hydro="exclude"))
    spread = exclude.factors["ewif"].spread
    assert spread.high.m_as("L/kWh") == pytest.approx(
        ewif("NO", 2022, hydro="exclude", bound="high").value.m_as("L/kWh")
    )


def test_intensity_vintage_widens_a_substituted_year() -> None:
    """Asking for 2035 uses the newest year: the range spans the years from there on."""
    from footprint.places.grid import intensity_series

    exact_year = fp.estimate(job(), region="DE", year=2022).factors["intensity"]
    later = fp.estimate(job(), region="DE", year=2035).factors["intensity"]
    assert "vintage" in later.spread.source and "vintage" not in exact_year.spread.source
    used = later.year
    near = [float(r["intensity_g_per_kwh"]) for y, r in intensity_series("DE").items()
            if y >= used - 1]  # fmt: skip
    assert later.spread.low.m_as("gCO2e/kWh") <= min(near) + 1e-9


def test_operator_pue_widened_to_published_range() -> None:
    """Microsoft 2024: fleet 1.18, newest designs 1.12 (datacenters.csv pue_low)."""
    f = fp.estimate(job(), fp.Site(region="US", year=2024, operator="microsoft")).factors["pue"]
    assert f.spread.low.m_as("") == pytest.approx(1.12)
    assert f.spread.high.m_as("") == pytest.approx(1.18 * 1.10)


def test_workload_spread_is_kept() -> None:
    spread = Spread(fp.Q_(1, "W"), fp.Q_(2, "W"))
    factor = fp.Factor("power", fp.Q_(1.5, "W"), "derived", "x", spread=spread)
    assert spread_for(factor) is spread


def test_spread_validation() -> None:
    with pytest.raises(ValueError, match="above"):
        Spread(fp.Q_(2, "W"), fp.Q_(1, "W"))
    with pytest.raises(ValueError, match="distribution"):
        Spread(fp.Q_(1, "W"), fp.Q_(2, "W"), "normal")


# --- closed-model parameters and other workload ranges -------------------------------------


class _ClosedModelService:
    """A toy inference workload of a closed model known as a 100-300B parameter range:
    accelerator-hours proportional to active parameters (declared with ``scales``)."""

    def __init__(self, params: fp.Factor) -> None:
        self.params = params

    def load(self) -> Load:
        q = fp.Q_
        return Load(
            accelerator_hours=q(500, "h"),
            power=fp.Factor("power", q(600, "W"), "user", "given"),
            host_power=fp.Factor("host_power", q(100, "W"), "user", "given"),
            inputs={"accelerator": "H100-SXM"},
            per_unit={"request": q(1e6, "request")},
            extra_factors={"active_params": self.params},
        )


def test_closed_model_parameter_range_propagates() -> None:
    params = fp.Factor(
        "active_params",
        fp.Q_(200, "dimensionless"),
        "dataset",
        "estimate of a closed model",
        extra={"scales": {"accelerator_hours": 1.0}},
        spread=Spread(fp.Q_(100, ""), fp.Q_(300, ""), "uniform", "model catalogue"),
    )
    r = fp.estimate(_ClosedModelService(params), EXACT_SITE, embodied=EXACT_EMBODIED,
                    uncertainty=True)  # fmt: skip
    low, high = (x.m_as("h") for x in r.ranges["accelerator_hours"])
    assert low == pytest.approx(500 * 110 / 200, rel=0.02)  # 5th percentile of U(100, 300)
    assert high == pytest.approx(500 * 290 / 200, rel=0.02)
    ranking = r.uncertainty["sensitivity"]["co2e"]
    assert [row["factor"] for row in ranking] == ["active_params"]
    per_request = r.ranges["co2e_per_request"]
    co2e_low = r.ranges["co2e"][0].m_as("gCO2e")
    assert per_request[0].m_as("gCO2e/request") == pytest.approx(co2e_low / 1e6)


def test_accelerator_hours_factor_is_its_own_range() -> None:
    hours = fp.Factor(
        "accelerator_hours",
        fp.Q_(500, "h"),
        "derived",
        "workload model at the low and high parameter counts",
        spread=Spread(fp.Q_(400, "h"), fp.Q_(700, "h")),
    )
    r = fp.estimate(_ClosedModelService(hours), EXACT_SITE, embodied=EXACT_EMBODIED,
                    uncertainty=True)  # fmt: skip
    low, high = (x.m_as("h") for x in r.ranges["accelerator_hours"])
    assert 400 < low < 500 < high < 700


def test_bad_scales_are_reported() -> None:
    bad = fp.Factor(
        "x", fp.Q_(1, ""), "dataset", "s", extra={"scales": {"pue": 1}},
        spread=Spread(fp.Q_(0.5, ""), fp.Q_(2, "")),
    )  # fmt: skip
    with pytest.raises(InputError, match="scales"):
        fp.estimate(_ClosedModelService(bad), EXACT_SITE, embodied=EXACT_EMBODIED,
                    uncertainty=True)  # fmt: skip


@pytest.mark.parametrize(
    "kwargs, match",
    [({"samples": 10}, "at least 100"), ({"samples": 1.5}, "whole"), ({"interval": 1.0}, "(0, 1)"),
     ({"seed": 1.5}, "whole")],
)  # fmt: skip
def test_bad_uncertainty_settings(kwargs: dict, match: str) -> None:
    with pytest.raises(InputError, match=match):
        fp.Uncertainty(**kwargs)


def test_uncertainty_argument_type_is_checked() -> None:
    with pytest.raises(InputError, match="uncertainty: expected"):
        fp.estimate(job(), uncertainty="yes")  # type: ignore[arg-type]


def test_propagate_on_a_plain_footprint() -> None:
    plain = fp.estimate(job(), region="FR")
    assert plain.ranges == {} and plain.uncertainty is None
    assert set(plain.to_dict()) == {"results", "factors", "inputs", "notes"}
    ranged = propagate(plain)
    assert ranged.ranges["co2e"][0] < plain.co2e < ranged.ranges["co2e"][1]


# --- outputs --------------------------------------------------------------------------------


def run(*args: str):  # noqa: ANN201
    return CliRunner().invoke(cli, list(args))


def test_json_adds_low_high_beside_value() -> None:
    r = run("estimate", "-a", "H100", "--gpu-hours", "1000", "-r", "FR", "--uncertainty",
            "--format", "json")  # fmt: skip
    assert r.exit_code == 0, r.output
    d = json.loads(r.output)
    for key in ENERGY_CO2E_WATER:
        res = d["results"][key]
        assert res["low"] <= res["value"] <= res["high"], key
    assert d["uncertainty"]["samples"] == DEFAULT_SAMPLES and d["uncertainty"]["seed"] == 0
    assert d["uncertainty"]["sensitivity"]["co2e"][0]["variance_share"] > 0


def test_seed_and_samples_imply_uncertainty() -> None:
    r = run("estimate", "-a", "H100", "--gpu-hours", "1000", "--seed", "7", "--samples", "500",
            "--format", "json")  # fmt: skip
    assert r.exit_code == 0, r.output
    d = json.loads(r.output)["uncertainty"]
    assert (d["seed"], d["samples"]) == (7, 500)
    r = run("estimate", "-a", "H100", "--gpu-hours", "1000", "--samples", "5")
    assert r.exit_code == 2


@pytest.mark.parametrize("fmt", ["table", "markdown"])
def test_table_and_markdown_show_ranges_and_sensitivity(fmt: str) -> None:
    r = run("estimate", "-a", "H100", "--gpu-hours", "1000", "-r", "FR", "--uncertainty",
            "--format", fmt)  # fmt: skip
    assert r.exit_code == 0, r.output
    assert "Range (P5–P95)" in r.output
    assert "Sensitivity of total CO2e" in r.output
    assert "Share of variance" in r.output and "5,000 samples" in r.output


def test_plain_table_has_no_range_column() -> None:
    r = run("estimate", "-a", "H100", "--gpu-hours", "1000", "-r", "FR")
    assert r.exit_code == 0, r.output
    assert "Range (P5" not in r.output and "Sensitivity" not in r.output
    assert "[1.100 – 2.000]" in r.output  # factors always show their range


def test_csv_has_low_high_and_sensitivity_rows() -> None:
    r = run("estimate", "-a", "H100", "--gpu-hours", "1000", "-r", "FR", "--uncertainty",
            "--format", "csv")  # fmt: skip
    assert r.exit_code == 0, r.output
    df = pd.read_csv(io.StringIO(r.output))
    assert {"low", "high"} <= set(df.columns)
    co2e = df[(df["section"] == "result") & (df["name"] == "co2e")].iloc[0]
    assert float(co2e["low"]) <= float(co2e["value"]) <= float(co2e["high"])
    assert (df["section"] == "sensitivity:co2e").sum() >= 5


def test_to_frame_carries_ranges() -> None:
    frame = fp.estimate(job(), region="FR", uncertainty=True).to_frame()
    row = frame[(frame["kind"] == "result") & (frame["name"] == "co2e")].iloc[0]
    assert row["low"] <= row["value"] <= row["high"]
    pue = frame[(frame["kind"] == "factor") & (frame["name"] == "pue")].iloc[0]
    assert pue["low"] == 1.1


# --- the spreads dataset ------------------------------------------------------------------


def test_uncertainty_csv_is_documented() -> None:
    df = load_table("uncertainty")
    assert list(df.columns) == [
        "factor", "case", "distribution", "basis", "low", "high", "unit", "source",
        "justification",
    ]  # fmt: skip
    assert df["source"].str.strip().ne("").all()
    assert df["justification"].str.strip().ne("").all()
    assert set(df["distribution"]) <= {"triangular", "uniform"}
    numeric = df[df["basis"].isin(["relative", "absolute"])]
    assert (numeric["low"] <= numeric["high"]).all()
    relative = df[df["basis"] == "relative"]
    assert ((relative["low"] <= 1) & (relative["high"] >= 1)).all()
    for factor in ("power", "host_power", "pue", "wue", "ewif", "intensity", "lifetime",
                   "life_utilization", "embodied_accelerator", "embodied_host"):  # fmt: skip
        assert factor in set(df["factor"]), factor


def test_uncertainty_csv_matches_a_fresh_build(tmp_path: Path) -> None:
    scripts = str(ROOT / "scripts")
    loaded = sys.modules.get("datasets")
    if loaded is not None and not str(getattr(loaded, "__file__", "")).startswith(scripts):
        pytest.skip("another package named 'datasets' is already imported")
    sys.path.insert(0, scripts)
    try:
        from datasets import uncertainty as builder  # type: ignore[import-not-found]
    finally:
        sys.path.remove(scripts)
    (path,) = builder.build(ROOT.parent / "shared" / "sources", tmp_path)
    pd.testing.assert_frame_equal(pd.read_csv(path), load_table("uncertainty"), check_dtype=False)


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"seed": -1}, "seed"),  # numpy's ValueError traceback on the command line before
        ({"seed": 1.5}, "seed"),
        ({"samples": "x"}, "samples"),  # ValueError from int() before
        ({"samples": math.nan}, "samples"),  # ValueError from int() before
        ({"samples": 10**8}, "at most"),  # would exhaust memory
        ({"interval": "x"}, "interval"),  # TypeError before
    ],
)
def test_bad_uncertainty_settings_raise_input_error(kwargs, match):
    with pytest.raises(InputError, match=match):
        fp.Uncertainty(**kwargs)


def test_cli_negative_seed_exit_2():
    r = run("estimate", "-a", "H100", "--gpu-hours", "10", "--seed", "-1")
    assert r.exit_code == 2 and "seed: expected a whole number >= 0" in r.output
    assert isinstance(r.exception, SystemExit)  # a usage error, not a ValueError


def test_country_range_reaches_its_states() -> None:
    """A US-wide estimate does not know the state: the intensity range reaches the 10th and
    90th percentiles of the states' eGRID rates (Patterson et al. 2021 report 0.177 to
    0.545 kgCO2e/kWh for Google's US sites in 2019-2020)."""
    import numpy as np
    import pandas as pd

    from footprint.data.loader import datasets_dir

    states = pd.read_csv(datasets_dir() / "grid_intensity_subnational.csv")
    us2021 = states[states.zone.str.startswith("US-") & (states.year == 2021)]
    lo, hi = np.percentile(us2021.intensity_g_per_kwh, [10, 90])
    spread = fp.estimate(job(), region="US", year=2021).factors["intensity"].spread
    assert spread.low.m_as("gCO2e/kWh") == pytest.approx(lo)
    assert spread.high.m_as("gCO2e/kWh") == pytest.approx(hi)
    assert "within US" in spread.source
    state = fp.estimate(job(), region="US-VA", year=2021).factors["intensity"].spread
    assert "within" not in state.source  # a state's own range stays narrow
