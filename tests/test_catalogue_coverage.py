"""Every catalogued accelerator estimates and every catalogued model infers, from the CLI.

The parameter lists are read from the shipped CSVs, so a row added to
``datasets/accelerators.csv`` or ``datasets/models.csv`` is covered without editing this
file. Every accelerator estimates with no option: the chips whose makers publish no power
(Google's TPU v5p and v6e, AWS's Trainium1 and Inferentia2) carry a derived TDP with its
range and basis, and every result drawn from one says so ("power derived, not published").
"""

from __future__ import annotations

import dataclasses
import json
import math

import pytest
from click.testing import CliRunner

from footprint.catalogues.hardware import DERIVED_POWER, get_accelerator
from footprint.catalogues.models import get_model
from footprint.cli import cli
from footprint.data.loader import read_records

ACCELERATORS = read_records("accelerators")
MODELS = read_records("models")

#: Accelerators that cannot estimate without --power: none (issue 18). A row without a
#: sourced power gets a derived one (scripts/datasets/accelerators.py).
NO_POWER: set[str] = set()

#: Rows whose TDP is derived, not published, and the chips they were derived from.
DERIVED = {"TPU-v5p", "TPU-v6e", "Trainium1", "Inferentia2"}


def run(*args: str):
    return CliRunner().invoke(cli, list(args))


def test_every_accelerator_has_a_power_sourced_or_labelled_derived():
    blank = {r["name"] for r in ACCELERATORS if not r["tdp_w"].strip()}
    assert blank == NO_POWER == set()
    derived = {r["name"] for r in ACCELERATORS if r["tdp_basis"].strip()}
    assert derived == DERIVED
    for r in ACCELERATORS:
        if r["name"] in DERIVED:
            assert "tdp_w derived, not published" in r["notes"], r["name"]
            assert float(r["tdp_low_w"]) <= float(r["tdp_w"]) <= float(r["tdp_high_w"])
        else:
            assert not r["tdp_low_w"] and not r["tdp_high_w"], r["name"]


@pytest.mark.parametrize("name", [r["name"] for r in ACCELERATORS])
def test_estimate_every_accelerator(name):
    result = run(
        "estimate", "-a", name, "--gpu-hours", "100", "-r", "FR", "--year", "2022",
        "--format", "json",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    doc = json.loads(result.output)
    co2e = doc["results"]["co2e"]
    assert co2e["unit"] == "kgCO2e"
    assert math.isfinite(co2e["value"]) and co2e["value"] > 0
    derived = [n for n in doc["notes"] if n.startswith(DERIVED_POWER)]
    assert len(derived) == (name in DERIVED), doc["notes"]


@pytest.mark.parametrize(
    ("name", "tdp", "low", "high"),
    [
        # Epoch (CC BY 4.0): TPU v5p 459 TFLOP/s BF16; peers TPU v4 275 TFLOP/s at 170 W and
        # TPU v5e 197 TFLOP/s at 140 W: 459 x 170 / 275 = 283.75 W, 459 x 140 / 197 =
        # 326.19 W; the median of the two is their mean
        ("TPU-v5p", (459 * 170 / 275 + 459 * 140 / 197) / 2, 459 * 170 / 275, 459 * 140 / 197),
        # AWS press release, 28 Nov 2023: Trainium2 trains 'up to 4x faster' with 'up to 2x'
        # the energy efficiency; Trainium2 500 W (Epoch): 500 x (1/4) / (1/2) = 250 W; the
        # cross-check on the dense BF16 peaks (AWS Neuron docs 190, Epoch 667):
        # 190 x 2 x 500 / 667 = 284.86 W
        ("Trainium1", 250.0, 250.0, 190 * 2 * 500 / 667),
        # AWS Neuron docs: Inferentia2 = two NeuronCore-v2, 190 TFLOP/s BF16, 32 GB at
        # 820 GB/s, as Trainium1: its power at Trainium1's TFLOP/s per W
        ("Inferentia2", 250.0, 250.0, 190 * 2 * 500 / 667),
        # Google: Trillium 4.7x v5e's compute, 67% more efficient; Ironwood 2x Trillium's
        # perf/W: 918 x 2 x 980 / 4614 = 389.96 W
        ("TPU-v6e", 140 * 4.7 / 1.67, 918 * 2 * 980 / 4614, 140 * 4.7 / 1.67),
    ],
)
def test_derived_power_numbers(name, tdp, low, high):
    acc = get_accelerator(name)
    assert acc.tdp.m_as("W") == pytest.approx(tdp, abs=0.01)
    assert acc.tdp_range_w == pytest.approx((low, high), abs=0.01)
    assert acc.tdp_basis


@pytest.mark.parametrize("fmt", ["table", "json", "csv", "markdown", "hf-model-card", "sci"])
def test_derived_power_is_noted_in_every_format(fmt):
    result = run(
        "estimate", "-a", "TPU v5p", "--gpu-hours", "1000", "-r", "FR", "--year", "2022",
        "--format", fmt,
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    text = " ".join(result.output.split())  # the terminal table wraps lines
    assert "power derived, not published: TPU-v5p TDP 305 W (range 284-326 W)" in text


def test_derived_power_in_boamps_lowers_the_quality():
    result = run(
        "estimate", "-a", "Trainium1", "--gpu-hours", "1000", "-r", "FR", "--year", "2022",
        "--format", "boamps",
    )  # fmt: skip
    doc = json.loads(result.output)
    assert doc["quality"] == "low"
    assert "power derived, not published" in doc["measures"][0]["measurementMethod"]


def test_derived_power_range_reaches_the_draw_and_its_uncertainty():
    # default draw while training: TDP x 0.8 (tpu-host class, 0.6-1.0 x TDP); a derived TDP
    # widens the bounds to low TDP x 0.6 and high TDP x 1.0
    result = run(
        "estimate", "-a", "TPU-v5p", "--gpu-hours", "1000", "-r", "FR", "--year", "2022",
        "--format", "json",
    )  # fmt: skip
    power = json.loads(result.output)["factors"]["power"]
    assert power["value"] == pytest.approx(304.97 * 0.8)
    assert power["source"].startswith("TDP derived, not published")
    assert "TDP range 284-326 W (derived)" in power["note"]
    assert power["low"] == pytest.approx(283.75 * 0.6, abs=0.01)
    assert power["high"] == pytest.approx(326.19 * 1.0, abs=0.01)


def test_a_user_power_drops_the_derived_note():
    result = run(
        "estimate", "-a", "Inferentia2", "--gpu-hours", "100", "--power", "200 W", "-r", "FR",
        "--year", "2022", "--format", "json",
    )  # fmt: skip
    assert not [n for n in json.loads(result.output)["notes"] if n.startswith(DERIVED_POWER)]


def test_an_accelerator_without_tdp_names_the_option(monkeypatch):
    # no shipped row lacks a TDP any more; a catalogue row without one still fails in one
    # line that names --power for people at the command line
    import footprint.workloads.jobs as jobs

    real = jobs.get_accelerator
    monkeypatch.setattr(
        jobs, "get_accelerator", lambda name: dataclasses.replace(real(name), tdp=None)
    )
    result = run("estimate", "-a", "H100", "--gpu-hours", "100", "-r", "FR", "--year", "2022")
    assert result.exit_code == 2
    assert result.output.strip() == (
        "Error: H100-SXM has no TDP in the catalogue; give power (--power)"
    )


def test_new_accelerator_rows_carry_their_sourced_figures():
    # Epoch AI ML Hardware (CC BY 4.0): RTX 4090 450 W, 24 GB, 1,008 GB/s (ML CO2 Impact
    # also lists 450 W); NVIDIA's Ada whitepaper: BF16 with FP32 accumulate 165.2 dense.
    rtx4090 = get_accelerator("RTX 4090")
    assert rtx4090.tdp.m_as("W") == 450
    assert rtx4090.memory.m_as("GB") == 24
    assert rtx4090.peak_bf16.m_as("TFLOP/s") == pytest.approx(165.2)
    # Epoch: RTX 3090 350 W; RTX A6000 300 W and 48 GB
    assert get_accelerator("GeForce RTX 3090").tdp.m_as("W") == 350
    assert get_accelerator("A6000").memory.m_as("GB") == 48
    # NVIDIA RTX 5090 specifications: 575 W, 1,792 GB/s; gpuhunt: 32 GB
    rtx5090 = get_accelerator("RTX5090")
    assert (rtx5090.tdp.m_as("W"), rtx5090.memory.m_as("GB")) == (575, 32)
    assert rtx5090.memory_bandwidth.m_as("GB/s") == 1792
    # GH200: Epoch 700 W; gpuhunt 96 GB; NVIDIA datasheet 4 TB/s for the HBM3 version
    gh200 = get_accelerator("Grace Hopper")
    assert (gh200.tdp.m_as("W"), gh200.memory.m_as("GB")) == (700, 96)
    assert gh200.memory_bandwidth.m_as("GB/s") == 4000
    assert gh200.form_factor == "Superchip"


def test_tpu_v6e_power_is_derived_from_googles_ratios():
    # Google (Trillium blog, May 2024): 4.7x the peak compute of TPU v5e and 67% more
    # energy-efficient, on TPU v5e's 140 W (Epoch): 140 x 4.7 / 1.67 = 394.0 W.
    v6e = get_accelerator("Trillium")
    assert v6e.tdp.m_as("W") == pytest.approx(140 * 4.7 / 1.67, abs=0.01)
    # cross-check (Ironwood blog, April 2025: 2x perf/W of Trillium): 918 x 2 x 980 / 4614
    assert pytest.approx(v6e.tdp.m_as("W"), rel=0.02) == 918 * 2 * 980 / 4614
    assert "derived, not published" in v6e.notes


@pytest.mark.parametrize("name", [r["name"] for r in MODELS])
def test_infer_every_model(name):
    result = run(
        "infer", "-m", name, "-n", "1e6 request/day", "--input-tokens", "500",
        "--output-tokens", "300", "-r", "FR", "--year", "2022", "--format", "json",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    energy = json.loads(result.output)["results"]["energy_per_request"]
    assert math.isfinite(energy["value"]) and energy["value"] > 0


@pytest.mark.parametrize(
    ("name", "total", "active", "layers", "kv"),
    [
        # Meta Llama 4 model cards; config.json: 48 layers, 8 KV heads of 128
        ("Llama-4-Scout-17B-16E-Instruct", 109, 17, 48, 2 * 8 * 128),
        ("llama 4 maverick", 400, 17, 48, 2 * 8 * 128),
        # DeepSeek-R1: DeepSeek-V3's architecture, MLA 512 + 64 cached per token and layer
        ("deepseek-reasoner", 671, 37, 61, 576),
        # Qwen3 model cards and config.json (Qwen3-30B-A3B: 4 KV heads of 128)
        ("Qwen3-0.6B", 0.6, 0.6, 28, 2 * 8 * 128),
        ("Qwen3-32B", 32.8, 32.8, 64, 2 * 8 * 128),
        ("Qwen3-30B-A3B", 30.5, 3.3, 48, 2 * 4 * 128),
        ("Qwen3-235B-A22B", 235, 22, 94, 2 * 4 * 128),
        # gpt-oss model card and EcoLogits' table: 21B/3.6B and 117B/5.1B; 8 KV heads of 64
        ("openai/gpt-oss-20b", 21, 3.6, 24, 2 * 8 * 64),
        ("gpt-oss-120b", 117, 5.1, 36, 2 * 8 * 64),
        # Mistral-Large-Instruct-2407: 122.61B (EcoLogits), 88 layers, 8 KV heads of 128
        ("Mistral Large 2", 122.61, 122.61, 88, 2 * 8 * 128),
        # Phi-4 technical report / config.json: 14.7B, 40 layers, 10 KV heads of 128
        ("phi-4", 14.7, 14.7, 40, 2 * 10 * 128),
        # Gemma 3 27B (already catalogued): 62 layers, 16 KV heads of 128
        ("gemma-3-27b", 27.4, 27.4, 62, 2 * 16 * 128),
    ],
)
def test_open_model_facts(name, total, active, layers, kv):
    m = get_model(name)
    assert m.open_weights and not m.is_range
    assert (m.total_params_b, m.active_params_b) == (total, active)
    assert (m.n_layers, m.kv_elements_per_layer) == (layers, kv)


def test_closed_models_name_their_basis():
    closed = [get_model(r["name"]) for r in MODELS if r["open_weights"] == "False"]
    assert closed
    for m in closed:
        assert "model-arch-not-released" in m.source  # EcoLogits' estimate, flagged
        assert m.params_low_b < m.params_high_b
        if m.developer in ("Google", "OpenAI"):
            assert m.disclosure in ("google-gemini-2025", "openai-chatgpt-2025")
        else:
            assert m.disclosure == "" and "publishes no energy per request" in m.notes


def test_closed_model_estimate_is_set_beside_the_developers_figure():
    result = run(
        "infer", "-m", "gemini-2.5-pro", "-n", "1e9 request/day", "--input-tokens", "500",
        "--output-tokens", "300", "-r", "US", "--year", "2024", "--format", "json",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    doc = json.loads(result.output)
    wh = doc["results"]["energy_per_request"]["value"]
    notes = [n for n in doc["notes"] if "own figure" in n]
    # Elsworth et al. 2025 (arXiv:2508.15734): 0.24 Wh per median Gemini Apps text prompt
    assert len(notes) == 1 and "0.24 Wh per request" in notes[0]
    assert f"{wh / 0.24:.2g}x it" in notes[0]
    open_model = run(
        "infer", "-m", "llama-3.1-8b", "-n", "1e9 request/day", "--output-tokens", "300",
        "--format", "json",
    )  # fmt: skip
    assert not [n for n in json.loads(open_model.output)["notes"] if "own figure" in n]
