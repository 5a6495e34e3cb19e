"""Curated LLM tables: models.csv and inference_presets.csv.

Built by ``scripts/datasets/models.py`` (``python scripts/build_datasets.py --only
models``); every value is a published fact cited on its row, so the fresh-build test
runs without the raw sources.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd
import pytest

from footprint.catalogues.hardware import normalise_name
from footprint.data import schemas
from footprint.data.loader import load_table

ROOT = Path(__file__).resolve().parent.parent

MODEL_COLUMNS = [
    "name",
    "aliases",
    "family",
    "developer",
    "architecture",
    "total_params_b",
    "active_params_b",
    "params_low_b",
    "params_high_b",
    "n_layers",
    "kv_elements_per_layer",
    "context_tokens",
    "open_weights",
    "release_year",
    "deployment_tps",
    "deployment_ttft_s",
    "disclosure",
    "source",
    "source_url",
    "notes",
]

RAW_SOURCES = Path(__file__).resolve().parents[2] / "shared" / "sources"

REQUIRED_OPEN = [
    "llama-3.2-1b",
    "llama-3.2-3b",
    "llama-3.1-8b",
    "llama-3.1-70b",
    "llama-3.1-405b",
    "llama-3.3-70b",
    "mistral-7b",
    "mixtral-8x7b",
    "mixtral-8x22b",
    "deepseek-v3",
    "qwen2.5-0.5b",
    "qwen2.5-7b",
    "qwen2.5-72b",
    "gemma-2-9b",
    "gemma-3-27b",
    "xlam-1b",
    # issue 18 (data coverage)
    "llama-4-scout",
    "llama-4-maverick",
    "deepseek-r1",
    "qwen3-0.6b",
    "qwen3-8b",
    "qwen3-32b",
    "qwen3-30b-a3b",
    "qwen3-235b-a22b",
    "gpt-oss-20b",
    "gpt-oss-120b",
    "mistral-large-2",
    "phi-4",
]
REQUIRED_CLOSED = ["gpt-4", "gpt-4o", "claude-sonnet-4", "gemini-2.5-pro"]


@pytest.fixture(scope="module")
def models() -> pd.DataFrame:
    return load_table("models")


@pytest.fixture(scope="module")
def presets() -> pd.DataFrame:
    return load_table("inference_presets")


def _builder():
    scripts = str(ROOT / "scripts")
    loaded = sys.modules.get("datasets")
    if loaded is not None and not str(getattr(loaded, "__file__", "")).startswith(scripts):
        pytest.skip("another package named 'datasets' is already imported")
    sys.path.insert(0, scripts)
    try:
        from datasets import models as builder  # type: ignore[import-not-found]
    finally:
        sys.path.remove(scripts)
    return builder


def test_columns_and_sources(models: pd.DataFrame) -> None:
    assert list(models.columns) == MODEL_COLUMNS
    assert models["source"].str.len().gt(10).all()
    assert models["source_url"].str.startswith("https://").all()


@pytest.mark.parametrize("name", REQUIRED_OPEN + REQUIRED_CLOSED)
def test_issue_models_present(models: pd.DataFrame, name: str) -> None:
    assert name in set(models["name"])


def test_names_and_aliases_unique(models: pd.DataFrame) -> None:
    seen: dict[str, str] = {}
    for row in models.itertuples():
        labels = [row.name, *[a for a in str(row.aliases).split(";") if a and a != "nan"]]
        for label in labels:
            key = normalise_name(label)
            assert seen.setdefault(key, row.name) == row.name, label


def test_open_models_have_published_counts_and_architecture(models: pd.DataFrame) -> None:
    open_ = models[models["open_weights"]]
    assert (open_["active_params_b"] <= open_["total_params_b"]).all()
    assert open_["n_layers"].notna().all() and open_["kv_elements_per_layer"].notna().all()
    assert open_["params_low_b"].isna().all() and open_["params_high_b"].isna().all()
    moe = open_[open_["architecture"] == "moe"]
    assert (moe["active_params_b"] < moe["total_params_b"]).all()
    assert set(moe["name"]) >= {"mixtral-8x7b", "mixtral-8x22b", "deepseek-v3"}


@pytest.mark.parametrize(
    ("name", "total", "active", "kv"),
    [
        # Hugging Face safetensors totals and config.json (2 x KV heads x head size).
        ("llama-3.1-8b", 8.03, 8.03, 2 * 8 * 128),
        ("llama-3.1-70b", 70.55, 70.55, 2 * 8 * 128),
        ("llama-3.1-405b", 405.85, 405.85, 2 * 8 * 128),
        ("llama-3.2-1b", 1.24, 1.24, 2 * 8 * 64),
        ("mixtral-8x7b", 46.7, 12.9, 2 * 8 * 128),
        ("deepseek-v3", 671, 37, 576),  # MLA: 512 latent + 64 RoPE
        ("xlam-1b", 1.35, 1.35, 2 * 16 * 128),
    ],
)
def test_known_counts(models: pd.DataFrame, name, total, active, kv) -> None:
    row = models.set_index("name").loc[name]
    assert row["total_params_b"] == pytest.approx(total)
    assert row["active_params_b"] == pytest.approx(active)
    assert row["kv_elements_per_layer"] == kv


def test_closed_models_are_ranges_only(models: pd.DataFrame) -> None:
    closed = models[~models["open_weights"]]
    assert len(closed) >= 8
    assert closed["active_params_b"].isna().all()
    assert (closed["params_low_b"] < closed["params_high_b"]).all()
    assert closed["n_layers"].isna().all()
    assert closed["source"].str.contains("EcoLogits").all()
    with_total = closed.dropna(subset=["total_params_b"])
    assert (with_total["total_params_b"] >= with_total["params_high_b"]).all()
    gpt4o = closed.set_index("name").loc["gpt-4o"]
    # EcoLogits models.json: gpt-4o MoE, 440B total, 44-132B active.
    assert (gpt4o["total_params_b"], gpt4o["params_low_b"], gpt4o["params_high_b"]) == (
        440,
        44,
        132,
    )


def test_presets_return_their_sources_figures(presets: pd.DataFrame) -> None:
    p = presets.set_index("name")
    # Elsworth et al. 2025 (arXiv:2508.15734): median Gemini Apps text prompt, May 2025.
    g = p.loc["google-gemini-2025"]
    assert (g["energy_wh_per_request"], g["co2e_g_per_request"], g["water_ml_per_request"]) == (
        0.24,
        0.03,
        0.26,
    )
    assert g["includes_idle"] == "yes" and g["pue_in_figure"] == 1.09
    # Same paper, active accelerators only.
    assert p.loc["google-gemini-2025-accelerator-only", "energy_wh_per_request"] == 0.10
    # Altman, "The Gentle Singularity", 10 June 2025.
    assert p.loc["openai-chatgpt-2025", "energy_wh_per_request"] == 0.34
    assert p.loc["openai-chatgpt-2025", "includes_facility_overhead"] == "unknown"
    # de Vries 2023 (Joule): 564 MWh/day over 195 million requests.
    assert p.loc["chatgpt-2023-estimate", "energy_wh_per_request"] == 2.9
    assert pytest.approx(2.9, abs=0.01) == 564e6 / 195e6
    # Luccioni et al. 2024, Table 2: kWh per 1,000 inferences -> Wh per request.
    assert p.loc["luccioni-2024-text-generation", "energy_wh_per_request"] == 0.047
    assert p.loc["luccioni-2024-image-generation", "energy_wh_per_request"] == 2.907


def test_preset_boundaries_are_stated(presets: pd.DataFrame) -> None:
    for row in presets.itertuples():
        assert row.boundary and row.source and row.source_url.startswith("https://")
        for col in ("includes_host", "includes_idle", "includes_facility_overhead"):
            assert getattr(row, col) in {"yes", "no", "unknown"}
        assert (row.includes_facility_overhead == "yes") == (not pd.isna(row.pue_in_figure))


@pytest.mark.skipif(not RAW_SOURCES.is_dir(), reason="raw sources not available")
def test_csv_matches_a_fresh_build(models, presets, tmp_path: Path) -> None:
    """The shipped CSVs are what the builder writes today."""
    builder = _builder()
    paths = builder.build(RAW_SOURCES, tmp_path)
    for path in paths:
        schemas.validate_text(path.name, path.read_text(encoding="utf-8"))
    fresh = {p.name: pd.read_csv(p, keep_default_na=False, na_values=[""]) for p in paths}
    pd.testing.assert_frame_equal(fresh["models.csv"], models, check_dtype=False)
    pd.testing.assert_frame_equal(fresh["inference_presets.csv"], presets, check_dtype=False)


def test_builder_rejects_duplicates_and_missing_pue() -> None:
    builder = _builder()
    original = list(builder.MODELS)
    try:
        builder.MODELS.append(dict(original[0]))
        with pytest.raises(ValueError, match="more than one row"):
            builder.build_models()
    finally:
        builder.MODELS[:] = original
    presets = list(builder.PRESETS)
    try:
        builder.PRESETS[0] = {**presets[0], "pue_in_figure": None}
        with pytest.raises(ValueError, match="pue_in_figure"):
            builder.build_presets()
    finally:
        builder.PRESETS[:] = presets


def test_custom_model_refuses_a_count_given_as_billions():
    """custom_model(8e9) meant 8e18 parameters and ran (infer --params 8e9, regression)."""
    from footprint.catalogues.models import MAX_PARAMS_B, custom_model
    from footprint.core.errors import InputError

    with pytest.raises(InputError, match="in billions"):
        custom_model(8e9)
    with pytest.raises(InputError, match="in billions"):
        custom_model(8, active_params_b=2e9)
    assert custom_model(MAX_PARAMS_B).total_params_b == MAX_PARAMS_B
