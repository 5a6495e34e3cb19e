"""Model FLOPs utilisation (MFU): published evidence and the prior fitted to it.

Writes two tables:

``mfu_evidence.csv``
    One row per published training run: active parameters, hardware, and the MFU either
    *reported* by its authors (training throughput over peak) or *implied* by its published
    accelerator-hours (``6 x N x D / (hours x peak)``: the effective MFU of the whole run,
    restarts, evaluation and idle time included, which is what predicts accelerator-hours).
``mfu_prior.csv``
    The default MFU of ``footprint train`` by hardware generation, fitted here to the
    evidence: accelerators released before 2022 (V100, A100, TPU v3/v4) show no trend with
    model size, so the prior is the median of their runs with their range; on Hopper-class
    accelerators (2022 and later) Meta's Llama 3.1 runs fall steeply with size (14% at 8B
    to 35% at 405B), so the prior is a least-squares line in log10(parameters), with a
    multiplicative range.

Every number is a published fact typed with its citation (no raw file is read).
Peak FLOP/s are the dense BF16/FP16 peaks of ``accelerators.csv`` (V100 125, A100 312,
H100 SXM 989 TFLOP/s).

References
----------
Chowdhery, A. et al. (2022). PaLM: Scaling Language Modeling with Pathways.
arXiv:2204.02311, Table 3 (MFU of GPT-3, Gopher, Megatron-Turing NLG and PaLM).
Llama Team (2024). The Llama 3 Herd of Models. arXiv:2407.21783, Table 4 (BF16 MFU 38-43%).
Jiang, Z. et al. (2024). MegaScale: Scaling Large Language Model Training to More Than
10,000 GPUs. NSDI 2024 (55.2% MFU, 175B on 12,288 GPUs).
Touvron, H. et al. (2023). LLaMA (arXiv:2302.13971) and Llama 2 (arXiv:2307.09288).
Luccioni, A.S. et al. (2022). Estimating the Carbon Footprint of BLOOM. arXiv:2211.02001.
Patterson, D. et al. (2021). arXiv:2104.10350, Table 4 (GPT-3: 3.14e23 FLOP).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from datasets._common import write_csv

PEAK_TFLOPS = {"V100": 125.0, "A100": 312.0, "H100": 989.0}

LLAMA2 = (
    "Llama 2 paper (Touvron et al. 2023, arXiv:2307.09288) Table 2 GPU-hours; 2.0T tokens",
    "https://arxiv.org/abs/2307.09288",
)
LLAMA1 = (
    "LLaMA paper (Touvron et al. 2023, arXiv:2302.13971) Tables 2 and 15",
    "https://arxiv.org/abs/2302.13971",
)
LLAMA31 = (
    "Llama 3.1 model card (GPU-hours) and Llama 3 paper (15.6T tokens)",
    "https://github.com/meta-llama/llama-models/blob/main/models/llama3_1/MODEL_CARD.md",
)
PALM = (
    "PaLM (Chowdhery et al. 2022, arXiv:2204.02311) Table 3",
    "https://arxiv.org/abs/2204.02311",
)

#: (run, active params [B], tokens, accelerator, release year, reported MFU or None,
#:  published accelerator-hours or None, source, url)
_RUNS = [
    ("llama-1-7b", 6.7, 1.0e12, "A100", 2020, None, 82_432, *LLAMA1),
    ("llama-1-13b", 13.0, 1.0e12, "A100", 2020, None, 135_168, *LLAMA1),
    ("llama-1-33b", 32.5, 1.4e12, "A100", 2020, None, 530_432, *LLAMA1),
    ("llama-1-65b", 65.2, 1.4e12, "A100", 2020, None, 1_022_362, *LLAMA1),
    ("llama-2-7b", 6.74, 2.0e12, "A100", 2020, None, 184_320, *LLAMA2),
    ("llama-2-13b", 13.0, 2.0e12, "A100", 2020, None, 368_640, *LLAMA2),
    ("llama-2-70b", 69.0, 2.0e12, "A100", 2020, None, 1_720_320, *LLAMA2),
    (
        "gpt-3-175b",
        175.0,
        300e9,
        "V100",
        2017,
        None,
        3_552_000,
        "Patterson et al. 2021 Table 4 (10,000 V100 x 14.8 days; 3.14e23 FLOP)",
        "https://arxiv.org/abs/2104.10350",
    ),
    (
        "bloom-176b",
        176.0,
        366e9,
        "A100",
        2020,
        None,
        1_082_990,
        "Luccioni et al. 2022 (1,082,990 A100-hours); BLOOM paper (366B tokens)",
        "https://arxiv.org/abs/2211.02001",
    ),
    ("gpt-3-175b (reported)", 175.0, None, "V100", 2017, 0.213, None, *PALM),
    ("gopher-280b (reported)", 280.0, None, "TPU v3", 2018, 0.325, None, *PALM),
    ("mt-nlg-530b (reported)", 530.0, None, "A100", 2020, 0.302, None, *PALM),
    ("palm-540b (reported)", 540.0, None, "TPU v4", 2021, 0.462, None, *PALM),
    (
        "megascale-175b (reported)",
        175.0,
        None,
        "A100",
        2020,
        0.552,
        None,
        "MegaScale (Jiang et al. 2024, NSDI), 12,288 GPUs",
        "https://arxiv.org/abs/2402.15627",
    ),
    ("llama-3.1-8b", 8.03, 15.6e12, "H100", 2022, None, 1_460_000, *LLAMA31),
    ("llama-3.1-70b", 70.6, 15.6e12, "H100", 2022, None, 7_000_000, *LLAMA31),
    ("llama-3.1-405b", 405.9, 15.6e12, "H100", 2022, None, 30_840_000, *LLAMA31),
    (
        "llama-3-405b (reported)",
        405.9,
        None,
        "H100",
        2022,
        0.40,
        None,
        "Llama 3 paper (arXiv:2407.21783) Table 4: BF16 MFU 38-43% (middle)",
        "https://arxiv.org/abs/2407.21783",
    ),
]

#: Accelerators released in or after this year form the newer generation group.
NEW_GENERATION_YEAR = 2022
#: Multiplicative range of the newer generation's line (documented assumption: one
#: developer's three runs fix the slope; 0.6x to 1.6x reaches the reported 38-43% at 405B
#: and the lowest implied values of distilled small models).
LINE_RANGE = (0.6, 1.6)


def build_evidence() -> pd.DataFrame:
    rows = []
    for run, params, tokens, acc, year, reported, hours, source, url in _RUNS:
        if reported is not None:
            mfu, kind, how = reported, "reported", "as reported (training throughput over peak)"
        else:
            flops = 6.0 * params * 1e9 * tokens
            mfu = flops / (hours * 3600.0 * PEAK_TFLOPS[acc] * 1e12)
            kind = "implied"
            how = (
                f"6 x {params:g}e9 x {tokens:.3g} tokens / ({hours:,} h x "
                f"{PEAK_TFLOPS[acc]:g} TFLOP/s)"
            )
        rows.append(
            {
                "run": run,
                "active_params_b": params,
                "accelerator": acc,
                "accelerator_release_year": year,
                "generation": "2022+" if year >= NEW_GENERATION_YEAR else "pre-2022",
                "mfu": round(mfu, 4),
                "kind": kind,
                "derivation": how,
                "source": source,
                "source_url": url,
            }
        )
    return pd.DataFrame(rows)


def build_prior(evidence: pd.DataFrame) -> pd.DataFrame:
    old = evidence[evidence.generation == "pre-2022"].mfu
    new = evidence[(evidence.generation == "2022+") & (evidence.kind == "implied")]
    slope, intercept = np.polyfit(np.log10(new.active_params_b), new.mfu, 1)
    return pd.DataFrame(
        [
            {
                "generation": "pre-2022",
                "intercept": round(float(old.median()), 4),
                "slope_per_decade": 0.0,
                "low_factor": round(float(old.min() / old.median()), 4),
                "high_factor": round(float(old.max() / old.median()), 4),
                "n_runs": len(old),
                "derivation": (
                    f"median of {len(old)} runs on V100, A100, TPU v3 and TPU v4 (reported and "
                    "implied MFU; no trend with size from 6.7B to 540B); range: their minimum "
                    "(GPT-3 on V100) to maximum (MegaScale)"
                ),
            },
            {
                "generation": "2022+",
                "intercept": round(float(intercept), 4),
                "slope_per_decade": round(float(slope), 4),
                "low_factor": LINE_RANGE[0],
                "high_factor": LINE_RANGE[1],
                "n_runs": len(new),
                "derivation": (
                    f"least squares of the implied MFU of {len(new)} Llama 3.1 runs on H100 "
                    "against log10(active parameters in billions): MFU = intercept + slope x "
                    "log10(N/1e9); Llama 3.2 1B/3B left out (distilled from larger models' "
                    "logits, their hours are not 6ND). Range 0.6-1.6x, documented assumption "
                    "reaching the reported 38-43% at 405B"
                ),
            },
        ]
    )


def build(sources: Path, out: Path) -> list[Path]:
    """Write ``mfu_evidence.csv`` and ``mfu_prior.csv`` (no raw source file is read)."""
    del sources
    evidence = build_evidence()
    return [
        write_csv(evidence, out / "mfu_evidence.csv"),
        write_csv(build_prior(evidence), out / "mfu_prior.csv"),
    ]
