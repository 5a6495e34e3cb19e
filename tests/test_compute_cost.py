"""Compute cost beside electricity cost: rental and ownership prices of accelerator-hours,
per unit of service, and the subscription view (margin per user, break-even usage)."""

from __future__ import annotations

import json
import math
import random

import pytest
from click.testing import CliRunner

import footprint as fp
from footprint.analyses.inference import estimate_inference
from footprint.cli import cli
from footprint.core.accounting import capital_recovery_factor, ownership_price
from footprint.core.errors import FootprintError, MissingDataError
from footprint.workloads.inference import InferenceWorkload

# SemiAnalysis (D. Patel and A. Ahmad, "The Inference Cost Of Search Disruption - Large
# Language Model Cost Analysis", 9 Feb 2023): ChatGPT served on 3,617 HGX A100 servers
# (28,936 A100 GPUs) at about $694,444 a day of compute hardware cost, i.e. 1 USD per
# GPU-hour, about 0.36 cents per query.
CHATGPT_GPUS = 28_936
CHATGPT_USD_PER_DAY = 694_444


def _json(args: list[str]) -> dict:
    out = CliRunner().invoke(cli, [*args, "--format", "json"])
    assert out.exit_code == 0, out.output
    return json.loads(out.output)


def test_semianalysis_chatgpt_compute_cost_per_day() -> None:
    job = fp.GpuJob("A100-80GB", count=CHATGPT_GPUS, duration="24 h")
    r = fp.estimate(job, compute=fp.ComputeCost(rental="1 USD/h"))
    usd = r.compute_cost.m_as("USD")
    assert usd == pytest.approx(694_464)
    assert usd == pytest.approx(CHATGPT_USD_PER_DAY, rel=0.01)
    assert CHATGPT_GPUS == 3_617 * 8  # the servers are HGX boards of 8 GPUs
    # 0.36 cents a query implies ~193M queries a day; the cost per query recovers it
    queries = CHATGPT_USD_PER_DAY / 0.0036
    assert usd / queries * 100 == pytest.approx(0.36, rel=0.01)


def test_cli_gpu_price_gives_the_compute_cost() -> None:
    d = _json(
        [
            "estimate",
            "-a",
            "A100-80GB",
            "--count",
            "28936",
            "--hours",
            "24",
            "--gpu-price",
            "1 USD/h",
        ]
    )
    assert d["results"]["compute_cost"] == {"value": pytest.approx(694_464), "unit": "USD"}
    assert d["factors"]["compute_price"]["origin"] == "user"
    assert "total_cost" not in d["results"]  # no electricity price for WORLD: said so
    assert any("total cost: no electricity price" in n for n in d["notes"])


def test_bare_gpu_price_is_usd_per_hour() -> None:
    d = _json(["estimate", "-a", "H100", "--gpu-hours", "100", "--gpu-price", "2.5"])
    assert d["results"]["compute_cost"]["value"] == pytest.approx(250)


def test_total_cost_is_electricity_plus_compute_in_one_currency() -> None:
    d = _json(
        [
            "estimate",
            "-a",
            "H100",
            "--gpu-hours",
            "1000",
            "-r",
            "US",
            "--price",
            "0.1 USD/kWh",
            "--gpu-price",
            "2 USD/h",
        ]
    )
    res = d["results"]
    assert res["total_cost"]["value"] == pytest.approx(res["cost"]["value"] + 2000)
    assert res["cost"]["value"] == pytest.approx(res["facility_energy"]["value"] * 0.1)


def test_two_currencies_give_no_total() -> None:
    job = fp.GpuJob("H100", gpu_hours=1000)
    r = fp.estimate(job, region="FR", year=2023, compute=fp.ComputeCost(rental="2 USD/h"))
    assert r.cost.units != r.compute_cost.units
    assert "total_cost" not in r.results
    assert any("does not convert currencies" in n for n in r.notes)


def test_capital_recovery_factor() -> None:
    # an annuity: 4 payments of CRF at 8% repay 1 (present value of the payments is 1)
    crf = capital_recovery_factor(0.08, 4)
    assert crf == pytest.approx(0.3019208045, rel=1e-9)
    assert sum(crf / 1.08**t for t in range(1, 5)) == pytest.approx(1.0)
    assert capital_recovery_factor(0.0, 4) == pytest.approx(0.25)


def test_ownership_price_scales_as_it_should() -> None:
    rng = random.Random(15)
    for _ in range(200):
        price, years = rng.uniform(1e3, 5e4), rng.uniform(1, 8)
        util, rate = rng.uniform(0.1, 1), rng.uniform(0, 0.2)
        p = ownership_price(price, years * 8760, util, rate)
        assert ownership_price(2 * price, years * 8760, util, rate) == pytest.approx(2 * p)
        assert ownership_price(price, years * 8760, util / 2, rate) == pytest.approx(2 * p)
        assert p >= ownership_price(price, years * 8760, util, 0.0) - 1e-12  # interest costs
    assert ownership_price(8760.0, 8760.0, 1.0) == pytest.approx(1.0)  # 1 a year, 1 an hour


def test_ownership_from_the_catalogue_price() -> None:
    r = fp.estimate(
        fp.GpuJob("H100", gpu_hours=1000),
        compute=fp.ComputeCost(ownership=True, financing_rate="8%"),
    )
    purchase = r.factors["purchase_price"]
    assert purchase.value.m_as("USD") == 33_600  # Epoch AI: DGX H100 $269k / 8
    assert purchase.dataset == "accelerator_prices.csv"
    expected = 33_600 * capital_recovery_factor(0.08, 4) / (8760 * 0.85)
    assert r.compute_cost.m_as("USD") == pytest.approx(1000 * expected)


def test_ownership_shares_lifetime_with_embodied_and_server_price() -> None:
    d = _json(
        [
            "estimate",
            "-a",
            "A100-80GB",
            "--gpu-hours",
            "1000",
            "--server-capex",
            "200000 USD",
            "--lifetime",
            "5 years",
            "--life-utilization",
            "50%",
            "--no-embodied",
        ]
    )
    per_h = 200_000 / 8 / (5 * 8760 * 0.5)
    assert d["results"]["compute_cost"]["value"] == pytest.approx(1000 * per_h)
    assert "embodied_co2e" not in d["results"]


def test_a_part_without_a_sourced_price_asks_for_one() -> None:
    with pytest.raises(MissingDataError, match="--gpu-capex"):
        fp.estimate(fp.GpuJob("A100-80GB", gpu_hours=10), compute=fp.ComputeCost(ownership=True))


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--gpu-price", "2 USD/h", "--ownership"], "--gpu-price: give a rental price or"),
        (["--gpu-price", "2 USD"], "expected an amount in one currency like '2.50 USD/h'"),
        (["--gpu-price", "-2 USD/h"], "must not be negative"),
        (["--gpu-capex", "2 USD/h"], "like '30000 USD'"),
        (["--ownership", "--financing-rate", "300%"], "yearly rate in [0%, 100%]"),
        (["--gpus-per-server", "4"], "--gpus-per-server: only with --server-capex"),
    ],
)
def test_bad_cost_options_are_one_line(args: list[str], message: str) -> None:
    out = CliRunner().invoke(cli, ["estimate", "-a", "H100", "--gpu-hours", "10", *args])
    assert out.exit_code == 2, out.output
    assert message in out.output and "Traceback" not in out.output


def test_energy_only_workloads_have_no_hours_to_price() -> None:
    with pytest.raises(FootprintError, match="states energy, not accelerator-hours"):
        fp.estimate(fp.MeasuredRun("10 MWh"), compute=fp.ComputeCost(rental="2 USD/h"))


def _service(**kw: object) -> InferenceWorkload:
    return InferenceWorkload(
        model="llama-3.1-70b",
        users=1e6,
        requests_per_user="300 request/month",
        output_tokens=400,
        **kw,  # type: ignore[arg-type]
    )


def test_costs_per_request_token_day_and_user_month_add_up() -> None:
    r = estimate_inference(
        _service(), region="US", year=2023, compute=fp.ComputeCost(rental="2.5 USD/h")
    )
    res = r.results
    total = res["compute_cost"].m_as("USD")
    requests = res["requests"].m_as("request")
    assert res["compute_cost_per_request"].m_as("USD/request") == pytest.approx(total / requests)
    tokens = res["output_tokens"].m_as("token")
    assert res["compute_cost_per_1k_tokens"].m_as("USD/ktoken") == pytest.approx(
        total / tokens * 1000
    )
    assert res["compute_cost_per_day"].m_as("USD/day") == pytest.approx(total / 365.25, rel=1e-3)
    user_months = 1e6 * 12
    assert res["compute_cost_per_user_month"].m_as("USD/user/month") == pytest.approx(
        total / user_months, rel=1e-6
    )


def test_subscription_margin_and_break_even() -> None:
    # The Copilot question (WSJ, Oct 2023: a $10/month plan losing ~$20 a user): the margin
    # is the plan price minus the cost per user-month; usage breaks even at plan / cost
    # per request.
    r = estimate_inference(
        _service(),
        fp.Site(region="US", year=2023, price="0.1 USD/kWh"),
        compute=fp.ComputeCost(rental="2.5 USD/h"),
        plan_price="10 USD/user/month",
    )
    res = r.results
    cost_um = res["total_cost_per_user_month"].m_as("USD/user/month")
    assert res["margin_per_user_month"].m_as("USD/user/month") == pytest.approx(10 - cost_um)
    per_request = res["total_cost"].m_as("USD") / res["requests"].m_as("request")
    even = res["break_even_requests_per_user_month"].m_as("request/user/month")
    assert even * per_request == pytest.approx(10)
    assert res["requests_per_user_month"].m_as("request/user/month") == pytest.approx(300)
    assert any("total cost (electricity + compute)" in n for n in r.notes)
    # at break-even usage the margin is zero
    at_even = estimate_inference(
        _service().__class__(
            model="llama-3.1-70b",
            users=1e6,
            requests_per_user=f"{even} request/month",
            output_tokens=400,
        ),
        fp.Site(region="US", year=2023, price="0.1 USD/kWh"),
        compute=fp.ComputeCost(rental="2.5 USD/h"),
        plan_price="10 USD/user/month",
    )
    margin = at_even.results["margin_per_user_month"].m_as("USD/user/month")
    assert math.isclose(margin, 0.0, abs_tol=0.05)


def test_cli_plan_price() -> None:
    d = _json(
        [
            "infer",
            "-m",
            "gpt-4o",
            "--users",
            "1e6",
            "--requests-per-user",
            "300 request/month",
            "--output-tokens",
            "400",
            "--gpu-price",
            "2.50 USD/h",
            "--plan-price",
            "10 USD/user/month",
        ]
    )
    res = d["results"]
    assert res["margin_per_user_month"]["value"] == pytest.approx(
        10 - res["compute_cost_per_user_month"]["value"]
    )
    assert d["inputs"]["plan_price"] == "10 USD/user/month"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["-n", "1e9 request/day", "--plan-price", "10 USD/user/month", "--gpu-price", "2"],
            "plan price: give the volume as users x requests per user",
        ),
        (
            [
                "--users",
                "10",
                "--requests-per-user",
                "5 request/day",
                "--plan-price",
                "10 USD/month",
            ],
            "per user per month",
        ),
        (
            [
                "--users",
                "10",
                "--requests-per-user",
                "5 request/day",
                "--plan-price",
                "10 EUR/user/month",
                "--gpu-price",
                "2 USD/h",
            ],
            "no cost in EUR",
        ),
    ],
)
def test_bad_plan_prices_are_one_line(args: list[str], message: str) -> None:
    base = ["infer", "-m", "llama-3.1-8b", "--output-tokens", "300"]
    out = CliRunner().invoke(cli, [*base, *args])
    assert out.exit_code == 2, out.output
    assert message in out.output


def test_an_overflowing_volume_is_said_without_inf() -> None:
    out = CliRunner().invoke(
        cli,
        [
            "infer",
            "-e",
            "preset:google-gemini-2025",
            "-n",
            "1e9 request/day",
            "--output-tokens",
            "1e308",
        ],
    )
    assert out.exit_code == 2 and "more than 1e308 tokens" in out.output
    assert "inf" not in out.output.replace("infer", "")


def test_compare_adds_compute_and_total_cost_per_region() -> None:
    d = _json(
        [
            "compare",
            "-a",
            "H100",
            "--gpu-hours",
            "1e5",
            "--regions",
            "FR,DE,US",
            "--gpu-price",
            "2 USD/h",
            "--price",
            "0.1 USD/kWh",
            "--metric",
            "total_cost",
        ]
    )
    rows = d["rows"]
    for row in rows:
        assert row["compute_cost"] == {"value": pytest.approx(200_000), "unit": "USD"}
        assert row["total_cost"]["value"] == pytest.approx(row["cost"]["value"] + 200_000)
    totals = [row["total_cost"]["value"] for row in rows]
    assert totals == sorted(totals)  # ranked by total cost, best first


def test_compare_total_cost_needs_one_currency() -> None:
    d = _json(
        [
            "compare",
            "-a",
            "H100",
            "--gpu-hours",
            "1e5",
            "--regions",
            "FR,DE",
            "--gpu-price",
            "2 USD/h",
        ]
    )
    assert all(row["total_cost"] is None for row in d["rows"])  # EUR electricity, USD compute
    assert any("does not convert currencies" in n for n in d["notes"])


def test_compare_total_cost_metric_needs_a_compute_price() -> None:
    out = CliRunner().invoke(
        cli,
        [
            "compare",
            "-a",
            "H100",
            "--gpu-hours",
            "10",
            "--regions",
            "FR,DE",
            "--metric",
            "total_cost",
        ],
    )
    assert out.exit_code == 2 and "give a compute price" in out.output


def test_project_prices_compute_per_year() -> None:
    from footprint.analyses.growth import Growth
    from footprint.analyses.trends import project

    df = project(
        fp.GpuJob("H100", gpu_hours=1e6),
        "US",
        base_year=2024,
        end_year=2027,
        growth=Growth(0.3),
        site=fp.Site(region="US", price="0.1 USD/kWh"),
        compute=fp.ComputeCost(rental="2 USD/h"),
    )
    compute = df["compute_cost"].pint.to("USD").pint.magnitude.to_numpy(float)
    volume = df["volume_index"].to_numpy(float)
    assert compute == pytest.approx(2e6 * volume)  # price held, hours grow with the volume
    total = df["total_cost"].pint.to("USD").pint.magnitude.to_numpy(float)
    cost = df["cost"].pint.to("USD").pint.magnitude.to_numpy(float)
    assert total == pytest.approx(cost + compute)


def test_project_cli_shows_the_total_cost() -> None:
    out = CliRunner().invoke(
        cli,
        [
            "project",
            "-a",
            "H100",
            "--gpu-hours",
            "1e6",
            "-r",
            "US",
            "--from",
            "2024",
            "--to",
            "2025",
            "--gpu-price",
            "2 USD/h",
            "--price",
            "0.1 USD/kWh",
        ],
    )
    assert out.exit_code == 0, out.output
    assert "total_cost" in out.output and "2,079,165" in out.output


def test_uncertainty_ranges_the_total_cost_by_the_electricity_cost() -> None:
    r = fp.estimate(
        fp.GpuJob("H100", gpu_hours=1000),
        fp.Site(region="US", price="0.1 USD/kWh"),
        compute=fp.ComputeCost(rental="2 USD/h"),
        uncertainty=fp.Uncertainty(samples=500, seed=3),
    )
    lo, hi = (q.m_as("USD") for q in r.ranges["total_cost"])
    c_lo, c_hi = (q.m_as("USD") for q in r.ranges["cost"])
    assert lo < r.total_cost.m_as("USD") < hi
    assert lo == pytest.approx(c_lo + 2000) and hi == pytest.approx(c_hi + 2000)
    assert r.ranges["compute_cost"][0] == r.ranges["compute_cost"][1]  # a given price
