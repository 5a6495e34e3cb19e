"""Build ``datasets/models.csv`` (LLM catalogue) and ``datasets/inference_presets.csv``.

``models.csv``
    One row per language model: total and active parameters, the architecture facts the
    roofline inference model needs (layers, key/value values cached per token and layer),
    context length, open weights, release year, and a source on every row.

    - Open-weight models: parameter counts and architecture from the publisher's model
      card and ``config.json`` (Hugging Face repository named in ``source_url``).
      Parameter counts are the safetensors totals the repositories report, in billions.
    - Closed models: their developers publish no parameter count. Rows carry only the
      *estimates* of EcoLogits (``ecologits/data/models.json``, mlco2/ecologits commit
      4a7b326f9306f40c90bebac289cc066e4e36a5dc, MPL-2.0, flagged there
      ``model-arch-not-released``): ``params_low_b``/``params_high_b`` bound the *active*
      parameters (equal to the total for a dense estimate), ``total_params_b`` is
      EcoLogits' total for a mixture-of-experts estimate. Architecture columns stay blank.

``inference_presets.csv``
    Published per-request energy figures (and CO2e and water where published), each with
    its measurement boundary: whether the figure covers the host (CPU, memory), idle
    capacity, and data-centre overhead (PUE), and the PUE folded in when it does.
    Figures are stored per request exactly as published; figures published per 1,000
    inferences are divided by 1,000 (``figure_as_published`` keeps the original wording).

Conventions
-----------
- ``kv_elements_per_layer``: key and value entries cached per token and layer,
  ``2 x n_kv_heads x head_dim`` for multi-head and grouped-query attention; for
  DeepSeek-V3's multi-head latent attention the compressed latent (``kv_lora_rank`` 512)
  plus the decoupled RoPE key (64) = 576. Gemma 2/3 interleave sliding-window layers; the
  column assumes every layer caches the full context (an upper bound, said in notes).
- The builder fails on duplicate names or aliases (case-insensitive, ignoring spaces,
  hyphens, underscores, dots and slashes), missing sources, active > total, ranges that
  are not increasing, or presets whose boundary includes PUE without the PUE value.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pandas as pd

from datasets._common import write_csv

MODELS_OUTPUT = "models.csv"
PRESETS_OUTPUT = "inference_presets.csv"

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

PRESET_COLUMNS = [
    "name",
    "title",
    "publisher",
    "published",
    "figure_as_published",
    "energy_wh_per_request",
    "co2e_g_per_request",
    "water_ml_per_request",
    "includes_accelerator",
    "includes_host",
    "includes_idle",
    "includes_facility_overhead",
    "pue_in_figure",
    "co2e_basis",
    "water_scope",
    "hardware",
    "boundary",
    "source",
    "source_url",
    "notes",
]

HF = "https://huggingface.co/"
META_31 = "Meta Llama 3.1 model card and config.json"
META_32 = "Meta Llama 3.2 model card and config.json"
LLAMA2 = "Llama 2 (Touvron et al. 2023, arXiv:2307.09288), model card and config.json"
QWEN = "Qwen2.5 Technical Report (arXiv:2412.15115) and config.json"
GEMMA2 = "Gemma 2 report (arXiv:2408.00118) and config.json"
GEMMA3 = "Gemma 3 Technical Report (arXiv:2503.19786) and config.json"
ECOLOGITS = (
    "EcoLogits model estimates, ecologits/data/models.json "
    "(mlco2/ecologits 4a7b326f, MPL-2.0), flagged model-arch-not-released"
)
ECOLOGITS_URL = "https://github.com/mlco2/ecologits/blob/main/ecologits/data/models.json"
LLAMA4 = (
    "Meta Llama 4 model card; config.json facts via NVIDIA aiconfigurator "
    "(ai-dynamo/aiconfigurator 095f58a, Apache-2.0)"
)
QWEN3 = "Qwen3 Technical Report (arXiv:2505.09388), model card and config.json"
GPT_OSS = (
    "OpenAI gpt-oss-120b & gpt-oss-20b model card (arXiv:2508.10925) and config.json; "
    "parameter counts as in EcoLogits' models table (MPL-2.0)"
)
LLAMA4_NOTE = (
    "Natively multimodal; {experts} routed experts (1 per token) plus a shared expert. "
    "Chunked local attention in 3 of 4 layers; KV cache computed as if every layer were "
    "global (upper bound)."
)
QWEN3_CONTEXT = "32,768 tokens native (config max_position_embeddings 40,960)"
QWEN3_REPORT_ONLY = (
    "Layers and heads from the technical report (Table 1); config not in the stored "
    "sources. 128K with YaRN."
)
GPT_OSS_NOTE = (
    "{experts} experts, 4 routed per token; expert weights released in MXFP4 (about 4.25 "
    "bits), so bf16 memory overstates a replica. Alternates 128-token sliding-window and "
    "full attention layers; KV cache computed as if every layer were full (upper bound)."
)
GEMMA_SWA = (
    "Interleaves sliding-window and global attention layers; KV cache computed as if every "
    "layer were global (upper bound)."
)


def _open(
    name: str,
    aliases: str,
    family: str,
    developer: str,
    total: float,
    layers: int,
    kv: int,
    context: int,
    year: int,
    source: str,
    repo: str,
    *,
    active: float | None = None,
    notes: str = "",
) -> dict[str, Any]:
    return {
        "name": name,
        "aliases": aliases,
        "family": family,
        "developer": developer,
        "architecture": "moe" if active is not None else "dense",
        "total_params_b": total,
        "active_params_b": total if active is None else active,
        "params_low_b": None,
        "params_high_b": None,
        "n_layers": layers,
        "kv_elements_per_layer": kv,
        "context_tokens": context,
        "open_weights": True,
        "release_year": year,
        "disclosure": "",
        "source": source,
        "source_url": HF + repo,
        "notes": notes,
    }


#: A developer's own per-request energy figure (a preset of ``inference_presets.csv``) and
#: what it covers: the one published anchor for its closed models' guessed sizes.
DISCLOSURES: dict[str, tuple[str, str]] = {
    "Google": (
        "google-gemini-2025",
        "Google's one per-request figure: 0.24 Wh per median Gemini Apps text prompt, "
        "comprehensive boundary (Elsworth et al. 2025; model mix and tokens not stated)",
    ),
    "OpenAI": (
        "openai-chatgpt-2025",
        "OpenAI's one per-request figure: about 0.34 Wh per average ChatGPT query (Altman, "
        "June 2025; model mix, tokens and boundary not stated)",
    ),
}


def _closed(
    name: str,
    aliases: str,
    family: str,
    developer: str,
    low: float,
    high: float,
    year: int,
    *,
    total: float | None = None,
    notes: str = "",
) -> dict[str, Any]:
    kind = "mixture-of-experts" if total is not None else "dense"
    disclosure = DISCLOSURES.get(developer, ("", ""))
    return {
        "name": name,
        "aliases": aliases,
        "family": family,
        "developer": developer,
        "architecture": "moe" if total is not None else "dense",
        "total_params_b": total,
        "active_params_b": None,
        "params_low_b": low,
        "params_high_b": high,
        "n_layers": None,
        "kv_elements_per_layer": None,
        "context_tokens": None,
        "open_weights": False,
        "release_year": year,
        "disclosure": disclosure[0],
        "source": ECOLOGITS,
        "source_url": ECOLOGITS_URL,
        "notes": "; ".join(
            filter(
                None,
                [
                    f"{developer} publishes no parameter count; EcoLogits {kind} estimate "
                    "(active parameters as a range)",
                    disclosure[1] or f"{developer} publishes no energy per request",
                    notes,
                ],
            )
        ),
    }


#: The catalogue. Parameter counts in billions; architecture from each config.json.
MODELS: list[dict[str, Any]] = [
    # --- Meta Llama 2 (7B/13B multi-head attention; 70B GQA) ---------------------------
    _open(
        "llama-2-7b",
        "Llama-2-7b;Llama-2-7b-chat-hf;Llama-2-7b-hf;llama2-7b",
        "Llama 2",
        "Meta",
        6.74,
        32,
        2 * 32 * 128,
        4096,
        2023,
        LLAMA2,
        "meta-llama/Llama-2-7b-chat-hf",
        notes="Pretrained on 2T tokens; 184,320 A100-80GB GPU-hours (model card).",
    ),
    _open(
        "llama-2-13b",
        "Llama-2-13b;Llama-2-13b-chat-hf;Llama-2-13b-hf;llama2-13b",
        "Llama 2",
        "Meta",
        13.0,
        40,
        2 * 40 * 128,
        4096,
        2023,
        LLAMA2,
        "meta-llama/Llama-2-13b-chat-hf",
        notes="Pretrained on 2T tokens; 368,640 A100-80GB GPU-hours (model card).",
    ),
    _open(
        "llama-2-70b",
        "Llama-2-70b;Llama-2-70b-chat-hf;Llama-2-70b-hf;llama2-70b",
        "Llama 2",
        "Meta",
        68.98,
        80,
        2 * 8 * 128,
        4096,
        2023,
        LLAMA2,
        "meta-llama/Llama-2-70b-chat-hf",
        notes="Pretrained on 2T tokens; 1,720,320 A100-80GB GPU-hours (model card).",
    ),
    # --- Meta Llama 3 / 3.1 / 3.2 / 3.3 (GQA, 8 KV heads) ------------------------------
    _open(
        "llama-3.2-1b",
        "Llama-3.2-1B;Llama-3.2-1B-Instruct;llama3.2-1b",
        "Llama 3.2",
        "Meta",
        1.24,
        16,
        2 * 8 * 64,
        131072,
        2024,
        META_32,
        "meta-llama/Llama-3.2-1B-Instruct",
    ),
    _open(
        "llama-3.2-3b",
        "Llama-3.2-3B;Llama-3.2-3B-Instruct;llama3.2-3b",
        "Llama 3.2",
        "Meta",
        3.21,
        28,
        2 * 8 * 128,
        131072,
        2024,
        META_32,
        "meta-llama/Llama-3.2-3B-Instruct",
    ),
    _open(
        "llama-3-8b",
        "Meta-Llama-3-8B;Meta-Llama-3-8B-Instruct;llama3-8b",
        "Llama 3",
        "Meta",
        8.03,
        32,
        2 * 8 * 128,
        8192,
        2024,
        "Meta Llama 3 model card and config.json",
        "meta-llama/Meta-Llama-3-8B",
        notes="Pretrained on over 15T tokens; 1.3M H100-80GB GPU-hours (model card).",
    ),
    _open(
        "llama-3-70b",
        "Meta-Llama-3-70B;Meta-Llama-3-70B-Instruct;llama3-70b",
        "Llama 3",
        "Meta",
        70.55,
        80,
        2 * 8 * 128,
        8192,
        2024,
        "Meta Llama 3 model card and config.json",
        "meta-llama/Meta-Llama-3-70B",
        notes="Pretrained on over 15T tokens; 6.4M H100-80GB GPU-hours (model card).",
    ),
    _open(
        "llama-3.1-8b",
        "Llama-3.1-8B;Llama-3.1-8B-Instruct;Meta-Llama-3.1-8B;llama3.1-8b",
        "Llama 3.1",
        "Meta",
        8.03,
        32,
        2 * 8 * 128,
        131072,
        2024,
        META_31,
        "meta-llama/Llama-3.1-8B-Instruct",
    ),
    _open(
        "llama-3.1-70b",
        "Llama-3.1-70B;Llama-3.1-70B-Instruct;Meta-Llama-3.1-70B;llama3.1-70b",
        "Llama 3.1",
        "Meta",
        70.55,
        80,
        2 * 8 * 128,
        131072,
        2024,
        META_31,
        "meta-llama/Llama-3.1-70B-Instruct",
    ),
    _open(
        "llama-3.1-405b",
        "Llama-3.1-405B;Llama-3.1-405B-Instruct;Meta-Llama-3.1-405B;llama3.1-405b",
        "Llama 3.1",
        "Meta",
        405.85,
        126,
        2 * 8 * 128,
        131072,
        2024,
        META_31,
        "meta-llama/Llama-3.1-405B-Instruct",
    ),
    _open(
        "llama-3.3-70b",
        "Llama-3.3-70B;Llama-3.3-70B-Instruct;llama3.3-70b",
        "Llama 3.3",
        "Meta",
        70.55,
        80,
        2 * 8 * 128,
        131072,
        2024,
        "Meta Llama 3.3 model card and config.json",
        "meta-llama/Llama-3.3-70B-Instruct",
    ),
    # --- Meta Llama 4 (MoE) --------------------------------------------------------------
    _open(
        "llama-4-scout",
        "Llama-4-Scout-17B-16E;Llama-4-Scout-17B-16E-Instruct;llama4-scout;Llama 4 Scout",
        "Llama 4",
        "Meta",
        109,
        48,
        2 * 8 * 128,
        10485760,
        2025,
        LLAMA4,
        "meta-llama/Llama-4-Scout-17B-16E-Instruct",
        active=17,
        notes=LLAMA4_NOTE.format(experts=16) + " 10M-token context (config.json).",
    ),
    _open(
        "llama-4-maverick",
        "Llama-4-Maverick-17B-128E;Llama-4-Maverick-17B-128E-Instruct;llama4-maverick;"
        "Llama 4 Maverick",
        "Llama 4",
        "Meta",
        400,
        48,
        2 * 8 * 128,
        1048576,
        2025,
        LLAMA4,
        "meta-llama/Llama-4-Maverick-17B-128E-Instruct",
        active=17,
        notes=LLAMA4_NOTE.format(experts=128) + " 1M-token context (config.json).",
    ),
    # --- Mistral AI ----------------------------------------------------------------------
    _open(
        "mistral-7b",
        "Mistral-7B;Mistral-7B-v0.3;Mistral-7B-Instruct-v0.3;open-mistral-7b",
        "Mistral",
        "Mistral AI",
        7.25,
        32,
        2 * 8 * 128,
        32768,
        2023,
        "Mistral 7B (Jiang et al. 2023, arXiv:2310.06825); v0.3 config.json",
        "mistralai/Mistral-7B-Instruct-v0.3",
        notes="First released Sept 2023 (v0.1, 7.24B, 8K context); row values are v0.3.",
    ),
    _open(
        "mixtral-8x7b",
        "Mixtral-8x7B;Mixtral-8x7B-v0.1;Mixtral-8x7B-Instruct-v0.1",
        "Mixtral",
        "Mistral AI",
        46.7,
        32,
        2 * 8 * 128,
        32768,
        2023,
        "Mixtral of Experts (Jiang et al. 2024, arXiv:2401.04088) and config.json",
        "mistralai/Mixtral-8x7B-Instruct-v0.1",
        active=12.9,
        notes="8 experts, 2 active per token.",
    ),
    _open(
        "mixtral-8x22b",
        "Mixtral-8x22B;Mixtral-8x22B-v0.1;Mixtral-8x22B-Instruct-v0.1",
        "Mixtral",
        "Mistral AI",
        140.6,
        56,
        2 * 8 * 128,
        65536,
        2024,
        "Mistral AI, 'Cheaper, Better, Faster, Stronger' (April 2024) and config.json",
        "mistralai/Mixtral-8x22B-Instruct-v0.1",
        active=39.1,
        notes="8 experts, 2 active per token.",
    ),
    _open(
        "mistral-large-2",
        "Mistral-Large-Instruct-2407;Mistral Large 2;mistral-large-2407;Mistral-Large-2407",
        "Mistral Large",
        "Mistral AI",
        122.61,
        88,
        2 * 8 * 128,
        131072,
        2024,
        "Mistral AI, 'Large Enough' (July 2024) and config.json; parameter count from "
        "EcoLogits' models table (Hugging Face safetensors total, MPL-2.0)",
        "mistralai/Mistral-Large-Instruct-2407",
        notes="Dense, 88 layers, 8 KV heads of 128 (config.json). Not the API's "
        "'mistral-large-latest', which now names a later mixture-of-experts model. "
        "Mistral's lifecycle analysis of Mistral Large 2 (July 2025) is not in the "
        "stored sources.",
    ),
    # --- DeepSeek ------------------------------------------------------------------------
    _open(
        "deepseek-v3",
        "DeepSeek-V3;deepseek-chat;DeepSeek-V3-0324",
        "DeepSeek-V3",
        "DeepSeek",
        671,
        61,
        512 + 64,
        131072,
        2024,
        "DeepSeek-V3 Technical Report (arXiv:2412.19437) and config.json",
        "deepseek-ai/DeepSeek-V3",
        active=37,
        notes="Multi-head latent attention: 512 latent + 64 RoPE values cached per token "
        "and layer. Released with native FP8 weights. Trained on 14.8T tokens, "
        "2.788M H800 GPU-hours (technical report).",
    ),
    _open(
        "deepseek-r1",
        "DeepSeek-R1;deepseek-reasoner;DeepSeek-R1-0528",
        "DeepSeek-R1",
        "DeepSeek",
        671,
        61,
        512 + 64,
        131072,
        2025,
        "DeepSeek-R1 (arXiv:2501.12948) and config.json (same architecture as DeepSeek-V3)",
        "deepseek-ai/DeepSeek-R1",
        active=37,
        notes="Reasoning model on the DeepSeek-V3 architecture (config.json: 61 layers, "
        "256 routed experts, 8 per token, MLA with kv_lora_rank 512; max_position_embeddings "
        "163,840, 128K as served). Its reasoning tokens are output tokens: count them in "
        "--output-tokens.",
    ),
    # --- Qwen2.5 (Alibaba) ---------------------------------------------------------------
    _open(
        "qwen2.5-0.5b",
        "Qwen2.5-0.5B;Qwen2.5-0.5B-Instruct",
        "Qwen2.5",
        "Alibaba",
        0.49,
        24,
        2 * 2 * 64,
        32768,
        2024,
        QWEN,
        "Qwen/Qwen2.5-0.5B-Instruct",
    ),
    _open(
        "qwen2.5-1.5b",
        "Qwen2.5-1.5B;Qwen2.5-1.5B-Instruct",
        "Qwen2.5",
        "Alibaba",
        1.54,
        28,
        2 * 2 * 128,
        32768,
        2024,
        QWEN,
        "Qwen/Qwen2.5-1.5B-Instruct",
    ),
    _open(
        "qwen2.5-3b",
        "Qwen2.5-3B;Qwen2.5-3B-Instruct",
        "Qwen2.5",
        "Alibaba",
        3.09,
        36,
        2 * 2 * 128,
        32768,
        2024,
        QWEN,
        "Qwen/Qwen2.5-3B-Instruct",
    ),
    _open(
        "qwen2.5-7b",
        "Qwen2.5-7B;Qwen2.5-7B-Instruct",
        "Qwen2.5",
        "Alibaba",
        7.61,
        28,
        2 * 4 * 128,
        32768,
        2024,
        QWEN,
        "Qwen/Qwen2.5-7B-Instruct",
        notes="128K context with YaRN scaling.",
    ),
    _open(
        "qwen2.5-14b",
        "Qwen2.5-14B;Qwen2.5-14B-Instruct",
        "Qwen2.5",
        "Alibaba",
        14.7,
        48,
        2 * 8 * 128,
        32768,
        2024,
        QWEN,
        "Qwen/Qwen2.5-14B-Instruct",
        notes="128K context with YaRN scaling.",
    ),
    _open(
        "qwen2.5-32b",
        "Qwen2.5-32B;Qwen2.5-32B-Instruct",
        "Qwen2.5",
        "Alibaba",
        32.5,
        64,
        2 * 8 * 128,
        32768,
        2024,
        QWEN,
        "Qwen/Qwen2.5-32B-Instruct",
        notes="128K context with YaRN scaling.",
    ),
    _open(
        "qwen2.5-72b",
        "Qwen2.5-72B;Qwen2.5-72B-Instruct",
        "Qwen2.5",
        "Alibaba",
        72.7,
        80,
        2 * 8 * 128,
        32768,
        2024,
        QWEN,
        "Qwen/Qwen2.5-72B-Instruct",
        notes="128K context with YaRN scaling.",
    ),
    # --- Qwen3 (Alibaba) -----------------------------------------------------------------
    _open(
        "qwen3-0.6b",
        "Qwen3-0.6B;Qwen/Qwen3-0.6B;qwen3:0.6b",
        "Qwen3",
        "Alibaba",
        0.6,
        28,
        2 * 8 * 128,
        32768,
        2025,
        QWEN3,
        "Qwen/Qwen3-0.6B",
        notes=QWEN3_CONTEXT + ". Tied input and output embeddings.",
    ),
    _open(
        "qwen3-1.7b",
        "Qwen3-1.7B;Qwen/Qwen3-1.7B;qwen3:1.7b",
        "Qwen3",
        "Alibaba",
        1.7,
        28,
        2 * 8 * 128,
        32768,
        2025,
        QWEN3,
        "Qwen/Qwen3-1.7B",
        notes=QWEN3_CONTEXT + ". Tied input and output embeddings.",
    ),
    _open(
        "qwen3-4b",
        "Qwen3-4B;Qwen/Qwen3-4B;qwen3:4b",
        "Qwen3",
        "Alibaba",
        4.0,
        36,
        2 * 8 * 128,
        32768,
        2025,
        QWEN3,
        "Qwen/Qwen3-4B",
        notes=QWEN3_CONTEXT + ". " + QWEN3_REPORT_ONLY,
    ),
    _open(
        "qwen3-8b",
        "Qwen3-8B;Qwen/Qwen3-8B;qwen3:8b",
        "Qwen3",
        "Alibaba",
        8.2,
        36,
        2 * 8 * 128,
        32768,
        2025,
        QWEN3,
        "Qwen/Qwen3-8B",
        notes=QWEN3_CONTEXT + ". 128K with YaRN.",
    ),
    _open(
        "qwen3-14b",
        "Qwen3-14B;Qwen/Qwen3-14B;qwen3:14b",
        "Qwen3",
        "Alibaba",
        14.8,
        40,
        2 * 8 * 128,
        32768,
        2025,
        QWEN3,
        "Qwen/Qwen3-14B",
        notes=QWEN3_CONTEXT + ". " + QWEN3_REPORT_ONLY,
    ),
    _open(
        "qwen3-32b",
        "Qwen3-32B;Qwen/Qwen3-32B;qwen3:32b",
        "Qwen3",
        "Alibaba",
        32.8,
        64,
        2 * 8 * 128,
        32768,
        2025,
        QWEN3,
        "Qwen/Qwen3-32B",
        notes=QWEN3_CONTEXT + ". 128K with YaRN.",
    ),
    _open(
        "qwen3-30b-a3b",
        "Qwen3-30B-A3B;Qwen/Qwen3-30B-A3B;qwen3:30b-a3b",
        "Qwen3",
        "Alibaba",
        30.5,
        48,
        2 * 4 * 128,
        32768,
        2025,
        QWEN3,
        "Qwen/Qwen3-30B-A3B",
        active=3.3,
        notes=QWEN3_CONTEXT + ". 128 experts, 8 routed per token. 128K with YaRN.",
    ),
    _open(
        "qwen3-235b-a22b",
        "Qwen3-235B-A22B;Qwen/Qwen3-235B-A22B;qwen3:235b-a22b",
        "Qwen3",
        "Alibaba",
        235,
        94,
        2 * 4 * 128,
        32768,
        2025,
        QWEN3,
        "Qwen/Qwen3-235B-A22B",
        active=22,
        notes=QWEN3_CONTEXT + ". 128 experts, 8 routed per token. 128K with YaRN.",
    ),
    # --- OpenAI open-weight (gpt-oss) ----------------------------------------------------
    _open(
        "gpt-oss-20b",
        "openai/gpt-oss-20b;gpt-oss:20b",
        "gpt-oss",
        "OpenAI",
        21,
        24,
        2 * 8 * 64,
        131072,
        2025,
        GPT_OSS,
        "openai/gpt-oss-20b",
        active=3.6,
        notes=GPT_OSS_NOTE.format(experts=32),
    ),
    _open(
        "gpt-oss-120b",
        "openai/gpt-oss-120b;gpt-oss:120b",
        "gpt-oss",
        "OpenAI",
        117,
        36,
        2 * 8 * 64,
        131072,
        2025,
        GPT_OSS,
        "openai/gpt-oss-120b",
        active=5.1,
        notes=GPT_OSS_NOTE.format(experts=128),
    ),
    # --- Microsoft Phi -------------------------------------------------------------------
    _open(
        "phi-4",
        "Phi-4;microsoft/phi-4",
        "Phi-4",
        "Microsoft",
        14.7,
        40,
        2 * 10 * 128,
        16384,
        2024,
        "Phi-4 Technical Report (Abdin et al. 2024, arXiv:2412.08905), model card and config.json",
        "microsoft/phi-4",
        notes="Dense, 40 layers, 10 KV heads of 128 (config.json; not in the stored "
        "sources). Trained on 9.8T tokens with 1,920 H100-80G GPUs for 21 days (model card).",
    ),
    # --- Google Gemma 2 / 3 --------------------------------------------------------------
    _open(
        "gemma-2-2b",
        "gemma-2-2b-it;Gemma 2 2B",
        "Gemma 2",
        "Google",
        2.61,
        26,
        2 * 4 * 256,
        8192,
        2024,
        GEMMA2,
        "google/gemma-2-2b-it",
        notes=GEMMA_SWA,
    ),
    _open(
        "gemma-2-9b",
        "gemma-2-9b-it;Gemma 2 9B",
        "Gemma 2",
        "Google",
        9.24,
        42,
        2 * 8 * 256,
        8192,
        2024,
        GEMMA2,
        "google/gemma-2-9b-it",
        notes=GEMMA_SWA,
    ),
    _open(
        "gemma-2-27b",
        "gemma-2-27b-it;Gemma 2 27B",
        "Gemma 2",
        "Google",
        27.2,
        46,
        2 * 16 * 128,
        8192,
        2024,
        GEMMA2,
        "google/gemma-2-27b-it",
        notes=GEMMA_SWA,
    ),
    _open(
        "gemma-3-1b",
        "gemma-3-1b-it;Gemma 3 1B",
        "Gemma 3",
        "Google",
        1.0,
        26,
        2 * 1 * 256,
        32768,
        2025,
        GEMMA3,
        "google/gemma-3-1b-it",
        notes=GEMMA_SWA,
    ),
    _open(
        "gemma-3-4b",
        "gemma-3-4b-it;Gemma 3 4B",
        "Gemma 3",
        "Google",
        4.3,
        34,
        2 * 4 * 256,
        131072,
        2025,
        GEMMA3,
        "google/gemma-3-4b-it",
        notes=GEMMA_SWA,
    ),
    _open(
        "gemma-3-12b",
        "gemma-3-12b-it;Gemma 3 12B",
        "Gemma 3",
        "Google",
        12.2,
        48,
        2 * 8 * 256,
        131072,
        2025,
        GEMMA3,
        "google/gemma-3-12b-it",
        notes=GEMMA_SWA,
    ),
    _open(
        "gemma-3-27b",
        "gemma-3-27b-it;Gemma 3 27B",
        "Gemma 3",
        "Google",
        27.4,
        62,
        2 * 16 * 128,
        131072,
        2025,
        GEMMA3,
        "google/gemma-3-27b-it",
        notes=GEMMA_SWA,
    ),
    # --- Salesforce ----------------------------------------------------------------------
    _open(
        "xlam-1b",
        "xLAM-1b-fc-r;Salesforce/xLAM-1b-fc-r;xlam-1b-fc",
        "xLAM",
        "Salesforce",
        1.35,
        24,
        2 * 16 * 128,
        16384,
        2024,
        "xLAM (Zhang et al. 2024, arXiv:2409.03215) model card and config.json",
        "Salesforce/xLAM-1b-fc-r",
        notes="Function-calling model fine-tuned from DeepSeek-Coder-1.3B (multi-head "
        "attention, 16 KV heads).",
    ),
    # --- Closed models: parameter ranges only (EcoLogits estimates) ---------------------
    _closed("gpt-4", "GPT-4;gpt-4-0613", "GPT-4", "OpenAI", 176, 528, 2023, total=1760),
    _closed(
        "gpt-4-turbo",
        "GPT-4 Turbo;gpt-4-turbo-2024-04-09",
        "GPT-4",
        "OpenAI",
        88,
        264,
        2024,
        total=880,
    ),
    _closed(
        "gpt-4o",
        "GPT-4o;gpt-4o-2024-08-06;chatgpt-4o",
        "GPT-4o",
        "OpenAI",
        44,
        132,
        2024,
        total=440,
    ),
    _closed("gpt-4o-mini", "GPT-4o mini;gpt-4o-mini-2024-07-18", "GPT-4o", "OpenAI", 8, 28, 2024),
    _closed(
        "claude-3-haiku",
        "Claude 3 Haiku;claude-3-haiku-20240307",
        "Claude 3",
        "Anthropic",
        30,
        90,
        2024,
        total=300,
    ),
    _closed(
        "claude-sonnet-4",
        "Claude Sonnet 4;claude-sonnet-4-20250514;claude-sonnet-4-0",
        "Claude 4",
        "Anthropic",
        44,
        132,
        2025,
        total=440,
    ),
    _closed(
        "claude-opus-4",
        "Claude Opus 4;claude-opus-4-20250514;claude-opus-4-0",
        "Claude 4",
        "Anthropic",
        200,
        600,
        2025,
        total=2000,
    ),
    _closed(
        "claude-haiku-4.5",
        "Claude Haiku 4.5;claude-haiku-4-5;claude-haiku-4-5-20251001",
        "Claude 4.5",
        "Anthropic",
        10,
        35,
        2025,
    ),
    _closed(
        "gemini-2.0-flash",
        "Gemini 2.0 Flash;gemini-2.0-flash-001",
        "Gemini 2.0",
        "Google",
        44,
        132,
        2025,
        total=440,
    ),
    _closed(
        "gemini-2.5-flash", "Gemini 2.5 Flash", "Gemini 2.5", "Google", 44, 132, 2025, total=440
    ),
    _closed("gemini-2.5-flash-lite", "Gemini 2.5 Flash-Lite", "Gemini 2.5", "Google", 8, 28, 2025),
    _closed("gemini-2.5-pro", "Gemini 2.5 Pro", "Gemini 2.5", "Google", 200, 600, 2025, total=2000),
]

GOOGLE_PAPER = (
    "Elsworth et al. (2025), 'Measuring the environmental impact of delivering AI at Google "
    "Scale', arXiv:2508.15734; Google Cloud blog, 21 Aug 2025"
)
GOOGLE_URL = "https://arxiv.org/abs/2508.15734"
LUCCIONI = (
    "Luccioni, Jernite & Strubell (2024), 'Power Hungry Processing: Watts Driving the Cost "
    "of AI Deployment?', ACM FAccT 2024, arXiv:2311.16863, Table 2"
)
LUCCIONI_URL = "https://arxiv.org/abs/2311.16863"
LUCCIONI_BOUNDARY = (
    "CodeCarbon measurement of GPU, CPU and RAM energy while running 1,000 inferences per "
    "dataset on one NVIDIA A100-SXM4-80GB (AWS); no PUE, no idle capacity; mean over models "
    "and datasets of the task"
)

#: Published per-request figures with their boundaries.
PRESETS: list[dict[str, Any]] = [
    {
        "name": "google-gemini-2025",
        "title": "Median Gemini Apps text prompt, comprehensive boundary (May 2025)",
        "publisher": "Google",
        "published": "2025-08-21",
        "figure_as_published": "0.24 Wh, 0.03 gCO2e, 0.26 mL per median text prompt",
        "energy_wh_per_request": 0.24,
        "co2e_g_per_request": 0.03,
        "water_ml_per_request": 0.26,
        "includes_accelerator": "yes",
        "includes_host": "yes",
        "includes_idle": "yes",
        "includes_facility_overhead": "yes",
        "pue_in_figure": 1.09,
        "co2e_basis": "market-based, includes amortised embodied emissions",
        "water_scope": "on-site cooling water consumption",
        "hardware": "Google TPUs and GPUs in production",
        "boundary": "Active AI accelerators (58% of the energy), host CPU and DRAM (25%), idle "
        "machines provisioned for reliability (10%) and data-centre overhead (8%, "
        "fleet PUE 1.09)",
        "source": GOOGLE_PAPER,
        "source_url": GOOGLE_URL,
        "notes": "Median, not mean, prompt; text only. The energy shares are the paper's "
        "breakdown of the 0.24 Wh.",
    },
    {
        "name": "google-gemini-2025-accelerator-only",
        "title": "Median Gemini Apps text prompt, active accelerators only (May 2025)",
        "publisher": "Google",
        "published": "2025-08-21",
        "figure_as_published": "0.10 Wh, 0.02 gCO2e, 0.12 mL per median text prompt",
        "energy_wh_per_request": 0.10,
        "co2e_g_per_request": 0.02,
        "water_ml_per_request": 0.12,
        "includes_accelerator": "yes",
        "includes_host": "no",
        "includes_idle": "no",
        "includes_facility_overhead": "no",
        "pue_in_figure": None,
        "co2e_basis": "market-based",
        "water_scope": "on-site cooling water consumption",
        "hardware": "Google TPUs and GPUs in production",
        "boundary": "Active AI accelerator energy only: the narrower boundary of existing "
        "approaches that the paper compares with its comprehensive one",
        "source": GOOGLE_PAPER,
        "source_url": GOOGLE_URL,
        "notes": "Shown in the paper to quantify what narrow boundaries leave out.",
    },
    {
        "name": "openai-chatgpt-2025",
        "title": "Average ChatGPT query (June 2025)",
        "publisher": "OpenAI",
        "published": "2025-06-10",
        "figure_as_published": "about 0.34 Wh and 0.000085 gallons of water per average query",
        "energy_wh_per_request": 0.34,
        "co2e_g_per_request": None,
        "water_ml_per_request": 0.32,
        "includes_accelerator": "yes",
        "includes_host": "unknown",
        "includes_idle": "unknown",
        "includes_facility_overhead": "unknown",
        "pue_in_figure": None,
        "co2e_basis": "",
        "water_scope": "not stated",
        "hardware": "not stated",
        "boundary": "Not disclosed (a single sentence in a blog post; no methodology)",
        "source": "Sam Altman, 'The Gentle Singularity', blog post, 10 June 2025",
        "source_url": "https://blog.samaltman.com/the-gentle-singularity",
        "notes": "Water converted from 0.000085 US gallons (3.785 L/gal): 0.32 mL. Average, "
        "not median, query; model mix not stated.",
    },
    {
        "name": "chatgpt-2023-estimate",
        "title": "ChatGPT request, early third-party estimate (2023)",
        "publisher": "de Vries (Joule); cited by the IEA (Electricity 2024)",
        "published": "2023-10-10",
        "figure_as_published": "2.9 Wh per request (564 MWh/day over 195 million requests/day)",
        "energy_wh_per_request": 2.9,
        "co2e_g_per_request": None,
        "water_ml_per_request": None,
        "includes_accelerator": "yes",
        "includes_host": "yes",
        "includes_idle": "yes",
        "includes_facility_overhead": "no",
        "pue_in_figure": None,
        "co2e_basis": "",
        "water_scope": "",
        "hardware": "3,617 NVIDIA HGX A100 servers (28,936 GPUs), SemiAnalysis estimate",
        "boundary": "Whole HGX A100 servers at maximum power around the clock (6.5 kW each, "
        "idle capacity included by construction), divided by estimated daily requests; "
        "no data-centre overhead",
        "source": "de Vries (2023), 'The growing energy footprint of artificial intelligence', "
        "Joule 7(10):2191-2194, doi:10.1016/j.joule.2023.09.004; IEA (2024), Electricity 2024",
        "source_url": "https://doi.org/10.1016/j.joule.2023.09.004",
        "notes": "Top-down estimate from server counts and request volume, not a measurement; "
        "often quoted as '10x a web search'.",
    },
    {
        "name": "luccioni-2024-text-generation",
        "title": "Text generation, mean over models and datasets (Power Hungry Processing)",
        "publisher": "Hugging Face / Carnegie Mellon University",
        "published": "2024-06-03",
        "figure_as_published": "0.047 kWh per 1,000 inferences",
        "energy_wh_per_request": 0.047,
        "co2e_g_per_request": None,
        "water_ml_per_request": None,
        "includes_accelerator": "yes",
        "includes_host": "yes",
        "includes_idle": "no",
        "includes_facility_overhead": "no",
        "pue_in_figure": None,
        "co2e_basis": "",
        "water_scope": "",
        "hardware": "1 x NVIDIA A100-SXM4-80GB",
        "boundary": LUCCIONI_BOUNDARY,
        "source": LUCCIONI,
        "source_url": LUCCIONI_URL,
        "notes": "Models from 125M to 11B parameters; short generations; large spread "
        "between models (standard deviation 0.03 kWh per 1,000).",
    },
    {
        "name": "luccioni-2024-image-generation",
        "title": "Image generation, mean over models and datasets (Power Hungry Processing)",
        "publisher": "Hugging Face / Carnegie Mellon University",
        "published": "2024-06-03",
        "figure_as_published": "2.907 kWh per 1,000 inferences",
        "energy_wh_per_request": 2.907,
        "co2e_g_per_request": None,
        "water_ml_per_request": None,
        "includes_accelerator": "yes",
        "includes_host": "yes",
        "includes_idle": "no",
        "includes_facility_overhead": "no",
        "pue_in_figure": None,
        "co2e_basis": "",
        "water_scope": "",
        "hardware": "1 x NVIDIA A100-SXM4-80GB",
        "boundary": LUCCIONI_BOUNDARY,
        "source": LUCCIONI,
        "source_url": LUCCIONI_URL,
        "notes": "Diffusion models; standard deviation 3.31 kWh per 1,000.",
    },
]


def normalise(name: str) -> str:
    """Key used to match names and aliases (same rule as ``footprint.catalogues.models``)."""
    return re.sub(r"[\s\-_/.]+", "", name.strip().lower())


def _check_unique(names: list[tuple[str, str]], what: str) -> None:
    seen: dict[str, str] = {}
    for owner, label in names:
        key = normalise(label)
        if seen.get(key, owner) != owner:
            raise ValueError(f"{what}: {label!r} names both {seen[key]} and {owner}")
        seen[key] = owner


def build_models() -> pd.DataFrame:
    """The LLM catalogue, validated (no file is written)."""
    df = pd.DataFrame(MODELS, columns=MODEL_COLUMNS)
    duplicated = df["name"][df["name"].duplicated()].tolist()
    if duplicated:
        raise ValueError(f"models.csv: {duplicated} names more than one row")
    labels = [
        (r.name, label)
        for r in df.itertuples()
        for label in [r.name, *[a for a in r.aliases.split(";") if a]]
    ]
    _check_unique(labels, "models.csv")
    for r in df.itertuples():
        if not r.source or not r.source_url:
            raise ValueError(f"models.csv: {r.name} has no source")
        if r.open_weights:
            if not (0 < r.active_params_b <= r.total_params_b):
                raise ValueError(f"models.csv: {r.name}: need 0 < active <= total")
            if pd.isna(r.n_layers) or pd.isna(r.kv_elements_per_layer):
                raise ValueError(f"models.csv: {r.name}: open model without architecture")
        else:
            if not (0 < r.params_low_b < r.params_high_b):
                raise ValueError(f"models.csv: {r.name}: need 0 < params_low < params_high")
            if not pd.isna(r.total_params_b) and r.total_params_b < r.params_high_b:
                raise ValueError(f"models.csv: {r.name}: total below the active range")
    for col in ("n_layers", "kv_elements_per_layer", "context_tokens", "release_year"):
        df[col] = df[col].astype("Int64")
    return df


def build_presets() -> pd.DataFrame:
    """The published per-request figures, validated (no file is written)."""
    df = pd.DataFrame(PRESETS, columns=PRESET_COLUMNS)
    _check_unique([(n, n) for n in df["name"]], "inference_presets.csv")
    for r in df.itertuples():
        if not r.source or not r.source_url or not r.boundary:
            raise ValueError(f"inference_presets.csv: {r.name} needs source and boundary")
        if not r.energy_wh_per_request > 0:
            raise ValueError(f"inference_presets.csv: {r.name}: energy must be positive")
        for col in (
            "includes_accelerator",
            "includes_host",
            "includes_idle",
            "includes_facility_overhead",
        ):
            if getattr(r, col) not in {"yes", "no", "unknown"}:
                raise ValueError(f"inference_presets.csv: {r.name}: {col} must be yes/no/unknown")
        has_pue = not pd.isna(r.pue_in_figure)
        if (r.includes_facility_overhead == "yes") != has_pue:
            raise ValueError(
                f"inference_presets.csv: {r.name}: pue_in_figure is required exactly when "
                "the figure includes facility overhead"
            )
    return df


def _deployment(models: pd.DataFrame, sources: Path) -> pd.DataFrame:
    """Closed models' measured serving speed as EcoLogits uses it: output tokens per second
    and time to first token of the provider's API (``deployment_tps``, ``deployment_ttft_s``
    of EcoLogits' models table, MPL-2.0), matched on the model's API name."""
    raw = pd.read_csv(sources / "ecologits-models" / "models_architecture.csv")
    speed = raw.dropna(subset=["deployment_tps"]).drop_duplicates("name").set_index("name")
    out = models.copy()
    closed = ~out["open_weights"].astype(bool)
    out.loc[closed, "deployment_tps"] = out.loc[closed, "name"].map(speed["deployment_tps"])
    out.loc[closed, "deployment_ttft_s"] = out.loc[closed, "name"].map(speed["deployment_ttft_s"])
    return out


def _check_disclosures(models: pd.DataFrame, presets: pd.DataFrame) -> None:
    known = set(presets["name"])
    for name, preset in zip(models["name"], models["disclosure"], strict=True):
        if preset and preset not in known:
            raise ValueError(f"models.csv: {name}: disclosure {preset!r} is not a preset")


def build(sources: Path, out: Path) -> list[Path]:
    """Write ``models.csv`` and ``inference_presets.csv``; return the written paths.

    Every value is a published fact cited on its row; closed models' serving speed comes
    from EcoLogits' models table (``../shared/sources/ecologits-models``).
    """
    models, presets = build_models(), build_presets()
    _check_disclosures(models, presets)
    return [
        write_csv(_deployment(models, sources), out / MODELS_OUTPUT),
        write_csv(presets, out / PRESETS_OUTPUT),
    ]
