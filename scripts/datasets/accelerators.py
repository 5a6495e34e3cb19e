"""Build ``datasets/accelerators.csv``: TDP, memory, bandwidth and peak FLOP/s per accelerator.

Derivation
----------
1. Every row starts from Epoch AI's "Data on Machine Learning Hardware" (CC BY 4.0,
   ``epoch-ml-hardware/ml_hardware.csv``) where Epoch has the part (``ROWS[i]["epoch"]``).
   Units are converted: bytes -> GB (1e9), byte/s -> GB/s (1e9), FLOP/s -> TFLOP/s (1e12),
   release date -> year.
2. Values Epoch lacks (or lists for a different variant) come from ``OVERRIDES``: a short,
   explicit table in which every entry names the vendor document it was read from. A few
   die-level facts are copied from another Epoch row of the same die (``inherit``).
3. Where no source gives a power (Google's and AWS's own chips), ``tdp_w`` is derived and
   labelled so (``tdp_basis``, with a range in ``tdp_low_w``-``tdp_high_w``): from the
   vendor's stated peak and performance-per-watt ratios to a chip with a known power
   (``DERIVED_POWER``), else from the dense BF16 FLOP/s per watt of named peers
   (``PEER_POWER``: the median, and their span). Every row then has a power.
4. TDP is cross-checked against Green Algorithms v3.0 (``green-algorithms/TDP_gpu.csv``,
   CC BY 4.0) and ML CO2 Impact (``mlco2-impact/gpus.csv``, MIT); the comparison is
   written into ``notes`` so disagreements stay visible.
5. The table is validated (unique names and aliases, value ranges, a source on every
   row) before it is written; the build fails rather than writing a bad table.

Conventions
-----------
- ``peak_bf16_dense_tflop_per_s`` is the dense (no 2:4 sparsity) tensor/matrix-engine
  BF16 peak. Parts without BF16 (P100, V100, T4) carry their FP16 figure, said in notes.
- ``peak_fp8_dense_tflop_per_s`` is blank when the part has no FP8 *or* no sourced
  dense FP8 figure (notes say which).
- ``peak_fp32_tflop_per_s`` is the non-tensor (vector) FP32 peak as listed by the source.
- Per-GPU rows for superchips (GB200, GB300): the Grace CPU is not included.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from datasets._common import write_csv

OUTPUT = "accelerators.csv"

COLUMNS = [
    "name",
    "vendor",
    "family",
    "form_factor",
    "tdp_w",
    "tdp_low_w",
    "tdp_high_w",
    "memory_gb",
    "memory_bandwidth_gb_per_s",
    "peak_bf16_dense_tflop_per_s",
    "peak_fp8_dense_tflop_per_s",
    "peak_fp32_tflop_per_s",
    "release_year",
    "die_area_mm2",
    "process_nm",
    "aliases",
    "tdp_basis",
    "source",
    "source_url",
    "notes",
]
#: Columns read from Epoch or overrides; ``tdp_low_w``, ``tdp_high_w`` and ``tdp_basis``
#: are written only for a derived power (:func:`_derive_power`).
NUMERIC = [COLUMNS[4], *COLUMNS[7:15]]

EPOCH_SOURCE = "Epoch AI ML Hardware (CC BY 4.0)"
EPOCH_URL = "https://epoch.ai/data/machine-learning-hardware"
EPOCH_COLUMNS = {
    "tdp_w": ("TDP (W)", 1.0),
    "memory_gb": ("Memory size per board (Byte)", 1e9),
    "memory_bandwidth_gb_per_s": ("Memory bandwidth (byte/s)", 1e9),
    "peak_bf16_dense_tflop_per_s": ("Tensor-FP16/BF16 performance (FLOP/s)", 1e12),
    "peak_fp8_dense_tflop_per_s": ("FP8 performance (FLOP/s)", 1e12),
    "peak_fp32_tflop_per_s": ("FP32 (single precision) performance (FLOP/s)", 1e12),
    "die_area_mm2": ("Die Size (mm^2)", 1.0),
    "process_nm": ("Process size (nm)", 1.0),
}
EPOCH_FP16 = "FP16 (half precision) performance (FLOP/s)"

# Vendor documents used by OVERRIDES (short citation, URL).
NV_A100_2020 = (
    "NVIDIA A100 datasheet (2020, 40GB PCIe column)",
    "https://www.nvidia.com/content/dam/en-zz/Solutions/Data-Center/a100/pdf/"
    "a100-80gb-datasheet-update-nvidia-us-1521051-r2-web.pdf",
)
NV_A100_2021 = (
    "NVIDIA A100 datasheet (r4, 80GB PCIe column)",
    "https://www.nvidia.com/content/dam/en-zz/Solutions/Data-Center/a100/pdf/"
    "nvidia-a100-datasheet-us-nvidia-1758950-r4-web.pdf",
)
NV_A10 = ("NVIDIA A10 datasheet", "https://www.nvidia.com/en-us/data-center/products/a10-gpu/")
NV_A30 = ("NVIDIA A30 datasheet", "https://www.nvidia.com/en-us/data-center/products/a30-gpu/")
NV_L4 = ("NVIDIA L4 datasheet", "https://nvdam.widen.net/s/rvq98gbwsw/l4-datasheet-2595652")
NV_L40 = (
    "NVIDIA L40 datasheet (Jan 2023)",
    "https://www.nvidia.com/content/dam/en-zz/Solutions/design-visualization/support-guide/"
    "NVIDIA-L40-Datasheet-January-2023.pdf",
)
NV_L40S = ("NVIDIA L40S datasheet", "https://resources.nvidia.com/en-us-l40s/l40s-datasheet-28413")
NV_H100 = (
    "NVIDIA H100 Tensor Core GPU datasheet",
    "https://resources.nvidia.com/en-us-tensor-core/nvidia-tensor-core-gpu-datasheet",
)
NV_HOPPER_WP = (
    "NVIDIA H100 (Hopper) architecture whitepaper",
    "https://resources.nvidia.com/en-us-tensor-core/gtc22-whitepaper-hopper",
)
NV_H200 = ("NVIDIA H200 datasheet", "https://www.nvidia.com/en-us/data-center/h200/")
NV_GH200 = (
    "NVIDIA GH200 Grace Hopper Superchip datasheet",
    "https://resources.nvidia.com/en-us-data-center-overview-mc/en-us-data-center-overview/"
    "grace-hopper-superchip-datasheet-partner",
)
NV_ADA_WP = (
    "NVIDIA Ada GPU architecture whitepaper v2.1 (RTX 4090 column)",
    "https://www.nvidia.com/content/dam/en-zz/Solutions/Data-Center/l4/"
    "nvidia-ada-gpu-architecture-whitepaper-v2.1.pdf",
)
NV_GA102_WP = (
    "NVIDIA Ampere GA102 GPU architecture whitepaper (RTX 3090 column)",
    "https://images.nvidia.com/aem-dam/en-zz/Solutions/geforce/ampere/pdf/"
    "NVIDIA-ampere-GA102-GPU-Architecture-Whitepaper-V1.pdf",
)
NV_RTX5090 = (
    "NVIDIA GeForce RTX 5090 product specifications",
    "https://www.nvidia.com/en-us/geforce/graphics-cards/50-series/rtx-5090/",
)
GOOGLE_TRILLIUM = (
    "Google Cloud blog, 'Introducing Trillium, sixth-generation TPUs' (May 2024)",
    "https://cloud.google.com/blog/products/compute/introducing-trillium-6th-gen-tpus",
)
GOOGLE_IRONWOOD = (
    "Google blog, 'Ironwood: The first Google TPU for the age of inference' (April 2025)",
    "https://blog.google/products/google-cloud/ironwood-tpu-age-of-inference/",
)
GPUHUNT_SOURCE = "gpuhunt 0.1.34 KNOWN_ACCELERATORS (dstack, MPL-2.0)"
GPUHUNT_URL = "https://github.com/dstackai/gpuhunt"
NV_BLACKWELL = (
    "NVIDIA Blackwell architecture page",
    "https://www.nvidia.com/en-us/data-center/technologies/blackwell-architecture/",
)
AMD_MI250 = (
    "AMD Instinct MI250 specifications",
    "https://www.amd.com/en/products/accelerators/instinct/mi200/mi250.html",
)
AMD_MI300X = (
    "AMD Instinct MI300X data sheet",
    "https://www.amd.com/content/dam/amd/en/documents/instinct-tech-docs/data-sheets/"
    "amd-instinct-mi300x-data-sheet.pdf",
)
AMD_MI325X = (
    "AMD Instinct MI325X specifications",
    "https://www.amd.com/en/products/accelerators/instinct/mi300/mi325x.html",
)
AMD_MI355X = (
    "AMD Instinct MI355X brochure",
    "https://www.amd.com/content/dam/amd/en/documents/instinct-tech-docs/product-briefs/"
    "amd-instinct-mi355x-gpu-brochure.pdf",
)
INTEL_GAUDI3 = (
    "Intel Gaudi 3 AI accelerator white paper (Gaudi 2 vs 3 table); Kaplan, Hot Chips 2024",
    "https://www.intel.com/content/www/us/en/content-details/817486/"
    "intel-gaudi-3-ai-accelerator-white-paper.html",
)
AWS_TRN1 = (
    "AWS Neuron docs: Trainium architecture",
    "https://awsdocs-neuron.readthedocs-hosted.com/en/latest/general/arch/neuron-hardware/"
    "trainium.html",
)
AWS_TRN2_LAUNCH = (
    "AWS press release, 'AWS Unveils Next Generation AWS-Designed Chips' (28 Nov 2023)",
    "https://press.aboutamazon.com/2023/11/aws-unveils-next-generation-aws-designed-chips",
)
AWS_INF2 = (
    "AWS Neuron docs: Inferentia2 architecture",
    "https://awsdocs-neuron.readthedocs-hosted.com/en/latest/general/arch/neuron-hardware/"
    "inferentia2.html",
)
AWS_TRN2 = (
    "AWS Neuron docs: Trainium2 architecture",
    "https://awsdocs-neuron.readthedocs-hosted.com/en/latest/general/arch/neuron-hardware/"
    "trainium2.html",
)

TPU_TDP_NOTE = (
    "tdp_w is Epoch's per-chip power figure, not a Google-published TDP (Google publishes "
    "none for Cloud TPU chips); treat it as an estimate of chip power, excluding host and "
    "cooling."
)
MLCO2_TPU_NOTE = (
    "ML CO2 Impact's TPU value is average measured consumption (Patterson et al. 2021), not a TDP."
)
NO_BF16_NOTE = (
    "No BF16 support: peak_bf16 holds the FP16 {kind} peak ({col}); use it as the 16-bit figure."
)

# One dict per accelerator, in output order. Keys: name, vendor, family, form_factor,
# epoch (Epoch "Hardware name" or None), ga / mlco2 (row names in Green Algorithms /
# ML CO2 Impact for the TDP cross-check), bf16_from_fp16 (take Epoch's FP16 column when
# its tensor column is empty), inherit ({column: Epoch row of the same die}), aliases,
# notes (hand-written notes; the builder appends derived ones).
# fmt: off
ROWS: list[dict[str, Any]] = [
    # ---- NVIDIA Pascal / Volta / Turing
    {
        "name": "P100-PCIe-16GB", "vendor": "NVIDIA", "family": "Pascal", "form_factor": "PCIe",
        "epoch": "NVIDIA P100", "ga": "NVIDIA Tesla P100 PCIe", "mlco2": "Tesla P100",
        "bf16_from_fp16": True,
        "aliases": ["P100", "Tesla P100", "NVIDIA Tesla P100", "P100-PCIe",
                    "Tesla P100-PCIE-16GB"],
        "notes": [NO_BF16_NOTE.format(kind="non-tensor (no tensor cores)", col="Epoch FP16")],
    },
    {
        "name": "V100-SXM2-16GB", "vendor": "NVIDIA", "family": "Volta", "form_factor": "SXM2",
        "epoch": "NVIDIA Tesla V100 SXM2", "ga": "NVIDIA Tesla V100",
        "mlco2": "Tesla V100-SXM2-16GB",
        "aliases": ["V100-16GB", "Tesla V100-SXM2-16GB", "NVIDIA Tesla V100 SXM2 16 GB"],
        "notes": [
            NO_BF16_NOTE.format(kind="tensor-core", col="Epoch Tensor-FP16/BF16"),
            "ML CO2 Impact's 250 W is the PCIe TDP; NVIDIA's V100 datasheet gives 300 W "
            "for SXM2.",
        ],
    },
    {
        "name": "V100-SXM2-32GB", "vendor": "NVIDIA", "family": "Volta", "form_factor": "SXM2",
        "epoch": "NVIDIA Tesla V100 SXM2 32 GB", "ga": "NVIDIA Tesla V100",
        "mlco2": "Tesla V100-SXM2-32GB",
        "aliases": ["V100", "Tesla V100", "NVIDIA V100", "NVIDIA Tesla V100", "V100-32GB",
                    "V100-SXM2", "Tesla V100-SXM2-32GB", "NVIDIA Tesla V100 SXM2 32 GB"],
        "notes": [
            NO_BF16_NOTE.format(kind="tensor-core", col="Epoch Tensor-FP16/BF16"),
            "Plain 'V100' resolves here (SXM2, largest memory); TDP and FLOP/s equal the "
            "16GB SXM2 part.",
        ],
    },
    {
        "name": "V100-PCIe-16GB", "vendor": "NVIDIA", "family": "Volta", "form_factor": "PCIe",
        "epoch": "NVIDIA Tesla V100 PCIe 16 GB", "mlco2": "Tesla V100-PCIE-16GB",
        "aliases": ["Tesla V100-PCIE-16GB", "NVIDIA Tesla V100 PCIe 16 GB"],
        "notes": [
            NO_BF16_NOTE.format(kind="tensor-core", col="Epoch Tensor-FP16/BF16"),
            "ML CO2 Impact's 300 W is the SXM2 TDP; NVIDIA gives 250 W for V100 PCIe.",
        ],
    },
    {
        "name": "V100-PCIe-32GB", "vendor": "NVIDIA", "family": "Volta", "form_factor": "PCIe",
        "epoch": "NVIDIA Tesla V100 PCIe 32 GB",
        "aliases": ["V100-PCIe", "Tesla V100-PCIE-32GB", "NVIDIA Tesla V100 PCIe 32 GB"],
        "notes": [NO_BF16_NOTE.format(kind="tensor-core", col="Epoch Tensor-FP16/BF16")],
    },
    {
        "name": "V100S-PCIe-32GB", "vendor": "NVIDIA", "family": "Volta", "form_factor": "PCIe",
        "epoch": "NVIDIA Tesla V100S PCIe 32 GB", "ga": "NVIDIA Tesla V100S",
        "aliases": ["V100S", "Tesla V100S", "Tesla V100S-PCIE-32GB",
                    "NVIDIA Tesla V100S PCIe 32 GB"],
        "notes": [NO_BF16_NOTE.format(kind="tensor-core", col="Epoch Tensor-FP16/BF16")],
    },
    {
        "name": "T4", "vendor": "NVIDIA", "family": "Turing", "form_factor": "PCIe",
        "epoch": "NVIDIA Tesla T4", "ga": "NVIDIA Tesla T4", "mlco2": "T4",
        "bf16_from_fp16": True,
        "aliases": ["Tesla T4", "NVIDIA T4", "NVIDIA Tesla T4"],
        "notes": [
            NO_BF16_NOTE.format(kind="mixed-precision", col="Epoch FP16, 65 TFLOP/s as in "
                                "NVIDIA's T4 datasheet"),
        ],
    },
    # ---- NVIDIA Ampere
    {
        "name": "A10G", "vendor": "NVIDIA", "family": "Ampere", "form_factor": "PCIe",
        "epoch": "NVIDIA A10G", "mlco2": "A10G",
        "aliases": ["NVIDIA A10G"],
        "notes": [
            "AWS-specific A10 variant (EC2 G5). NVIDIA publishes no A10G datasheet, so no "
            "sourced dense BF16 tensor figure: left blank (do not assume the A10's 125).",
        ],
    },
    {
        "name": "A10", "vendor": "NVIDIA", "family": "Ampere", "form_factor": "PCIe",
        "epoch": "NVIDIA A10 PCIe",
        "aliases": ["NVIDIA A10", "A10-PCIe"],
        "notes": [],
    },
    {
        "name": "A30", "vendor": "NVIDIA", "family": "Ampere", "form_factor": "PCIe",
        "epoch": None,
        "inherit": {"die_area_mm2": "NVIDIA A100 SXM4 80 GB",
                    "process_nm": "NVIDIA A100 SXM4 80 GB"},
        "aliases": ["NVIDIA A30", "A30-PCIe"],
        "notes": ["Not in Epoch: whole row from NVIDIA's A30 datasheet."],
    },
    {
        "name": "A40", "vendor": "NVIDIA", "family": "Ampere", "form_factor": "PCIe",
        "epoch": "NVIDIA A40 PCIe",
        "aliases": ["NVIDIA A40", "A40-PCIe"],
        "notes": [],
    },
    {
        "name": "A100-40GB-SXM", "vendor": "NVIDIA", "family": "Ampere", "form_factor": "SXM4",
        "epoch": "NVIDIA A100 SXM4 40 GB",
        "aliases": ["A100-40GB", "A100 40GB", "A100-SXM4-40GB", "NVIDIA A100-SXM4-40GB",
                    "NVIDIA A100 SXM4 40 GB"],
        "notes": [],
    },
    {
        "name": "A100-80GB-SXM", "vendor": "NVIDIA", "family": "Ampere", "form_factor": "SXM4",
        "epoch": "NVIDIA A100 SXM4 80 GB", "mlco2": "A100 SXM4 80 GB",
        "aliases": ["A100", "NVIDIA A100", "A100-80GB", "A100 80GB", "A100-SXM",
                    "A100-SXM4", "A100-SXM4-80GB", "NVIDIA A100-80GB",
                    "NVIDIA A100-SXM4-80GB", "NVIDIA A100 SXM4 80 GB"],
        "notes": ["Plain 'A100' resolves here: model cards (Llama, BLOOM) mean this part."],
    },
    {
        "name": "A100-40GB-PCIe", "vendor": "NVIDIA", "family": "Ampere", "form_factor": "PCIe",
        "epoch": "NVIDIA A100 PCIe", "ga": "NVIDIA A100 40GB PCIe", "mlco2": "A100 PCIe 40/80GB",
        "aliases": ["A100-PCIE-40GB", "NVIDIA A100-PCIE-40GB", "NVIDIA A100 40GB PCIe"],
        "notes": [
            "Epoch's single 'A100 PCIe' row mixes variants (40 GB with the 80GB part's "
            "300 W and 1,940 GB/s); TDP and bandwidth replaced by the 40GB PCIe datasheet "
            "values.",
        ],
    },
    {
        "name": "A100-80GB-PCIe", "vendor": "NVIDIA", "family": "Ampere", "form_factor": "PCIe",
        "epoch": "NVIDIA A100 PCIe", "ga": "NVIDIA A100 80GB PCIe", "mlco2": "A100 PCIe 40/80GB",
        "aliases": ["A100-PCIe", "A100 80GB PCIe", "NVIDIA A100 80GB PCIe", "A100-PCIE-80GB",
                    "NVIDIA A100-PCIE-80GB"],
        "notes": [
            "FLOP/s, die and node from Epoch's 'A100 PCIe' row; memory, bandwidth, TDP and "
            "year from the 80GB PCIe datasheet. ML CO2 Impact's 250 W is the 40GB PCIe TDP.",
        ],
    },
    {
        "name": "RTX-A6000", "vendor": "NVIDIA", "family": "Ampere", "form_factor": "PCIe",
        "epoch": "NVIDIA RTX A6000", "mlco2": "RTX A6000", "gpuhunt": "A6000",
        "aliases": ["A6000", "NVIDIA RTX A6000", "RTX A6000 48GB"],
        "notes": [
            "Workstation card (GA102). No sourced dense BF16 tensor figure: left blank "
            "(the production inference model needs one; the roofline model takes --mfu).",
        ],
    },
    {
        "name": "RTX-3090", "vendor": "NVIDIA", "family": "Ampere", "form_factor": "PCIe",
        "epoch": "NVIDIA GeForce RTX 3090", "mlco2": "RTX 3090", "gpuhunt": "RTX3090",
        "aliases": ["GeForce RTX 3090", "NVIDIA GeForce RTX 3090", "RTX 3090 24GB"],
        "notes": [
            "Consumer card (GA102), power limit as total graphics power. GeForce tensor "
            "cores run BF16 (FP32 accumulate) at half their FP16-accumulate rate.",
        ],
    },
    # ---- NVIDIA Ada Lovelace
    {
        "name": "L4", "vendor": "NVIDIA", "family": "Ada Lovelace", "form_factor": "PCIe",
        "epoch": "NVIDIA L4", "mlco2": "L4",
        "aliases": ["NVIDIA L4"],
        "notes": ["Epoch halves NVIDIA's sparse tensor figures to get dense ones."],
    },
    {
        "name": "L40", "vendor": "NVIDIA", "family": "Ada Lovelace", "form_factor": "PCIe",
        "epoch": "NVIDIA L40",
        "aliases": ["NVIDIA L40"],
        "notes": [],
    },
    {
        "name": "L40S", "vendor": "NVIDIA", "family": "Ada Lovelace", "form_factor": "PCIe",
        "epoch": None, "mlco2": "L40S",
        "inherit": {"die_area_mm2": "NVIDIA L40"},
        "aliases": ["NVIDIA L40S"],
        "notes": [
            "Not in Epoch: whole row from NVIDIA's L40S datasheet. ML CO2 Impact's "
            "'TFLOPS32' of 183 is the sparse TF32 figure, not FP32.",
        ],
        "gpuhunt": "L40S",
    },
    {
        "name": "RTX-4090", "vendor": "NVIDIA", "family": "Ada Lovelace", "form_factor": "PCIe",
        "epoch": "NVIDIA GeForce RTX 4090", "mlco2": "RTX 4090", "gpuhunt": "RTX4090",
        "aliases": ["GeForce RTX 4090", "NVIDIA GeForce RTX 4090", "RTX 4090 24GB"],
        "notes": [
            "Consumer card (AD102), power limit as total graphics power. Epoch's 330 "
            "TFLOP/s tensor figure is FP16 with FP16 accumulate; GeForce runs BF16 (FP32 "
            "accumulate) at half that rate. FP8 left blank (no sourced FP32-accumulate "
            "dense figure).",
        ],
    },
    # ---- NVIDIA Hopper
    {
        "name": "H100-SXM", "vendor": "NVIDIA", "family": "Hopper", "form_factor": "SXM5",
        "epoch": "NVIDIA H100 SXM5 80GB", "mlco2": "H100 SXM",
        "aliases": ["H100", "NVIDIA H100", "H100-80GB", "H100 80GB", "H100-SXM5",
                    "H100-SXM5-80GB", "NVIDIA H100 80GB HBM3", "NVIDIA H100 SXM5 80GB"],
        "notes": ["Plain 'H100' resolves here: model cards (Llama 3, 4) mean this part."],
    },
    {
        "name": "H100-PCIe", "vendor": "NVIDIA", "family": "Hopper", "form_factor": "PCIe",
        "epoch": "NVIDIA H100 PCIe",
        "aliases": ["NVIDIA H100 PCIe", "H100-PCIe-80GB"],
        "notes": [],
    },
    {
        "name": "H100-NVL", "vendor": "NVIDIA", "family": "Hopper", "form_factor": "PCIe",
        "epoch": "NVIDIA H100 NVL", "mlco2": "H100 NVL",
        "inherit": {"die_area_mm2": "NVIDIA H100 SXM5 80GB"},
        "aliases": ["NVIDIA H100 NVL", "H100-NVL-94GB"],
        "notes": [
            "Per GPU of an NVLink-bridged PCIe pair. NVIDIA gives 350-400 W (configurable); "
            "400 W (Epoch, ML CO2 Impact) kept as the maximum.",
        ],
    },
    {
        "name": "H800-SXM", "vendor": "NVIDIA", "family": "Hopper", "form_factor": "SXM5",
        "epoch": "NVIDIA H800 SXM5",
        "aliases": ["H800", "NVIDIA H800", "H800-SXM5", "NVIDIA H800 80GB HBM3"],
        "notes": [
            "Export variant of H100 SXM (reduced NVLink). Supports FP8, but no sourced "
            "dense FP8 figure: left blank.",
        ],
    },
    {
        "name": "H20", "vendor": "NVIDIA", "family": "Hopper", "form_factor": "SXM",
        "epoch": "NVIDIA HGX H20",
        "aliases": ["NVIDIA H20", "HGX H20"],
        "notes": [
            "Export variant (HGX H20). Supports FP8, but no sourced dense FP8 figure: left "
            "blank.",
        ],
    },
    {
        "name": "H200-SXM", "vendor": "NVIDIA", "family": "Hopper", "form_factor": "SXM5",
        "epoch": "NVIDIA H200 SXM",
        "inherit": {"die_area_mm2": "NVIDIA H100 SXM5 80GB"},
        "aliases": ["H200", "NVIDIA H200", "H200-141GB", "H200-SXM5", "NVIDIA H200 SXM"],
        "notes": ["Same GH100 die as H100 with 141 GB HBM3e."],
    },
    {
        "name": "H200-NVL", "vendor": "NVIDIA", "family": "Hopper", "form_factor": "PCIe",
        "epoch": None,
        "inherit": {"die_area_mm2": "NVIDIA H100 SXM5 80GB"},
        "aliases": ["NVIDIA H200 NVL"],
        "notes": ["Not in Epoch: whole row from NVIDIA's H200 datasheet (NVL column)."],
    },
    {
        "name": "GH200", "vendor": "NVIDIA", "family": "Hopper", "form_factor": "Superchip",
        "epoch": "NVIDIA GH200", "gpuhunt": "GH200",
        "inherit": {"die_area_mm2": "NVIDIA H100 SXM5 80GB"},
        "aliases": ["NVIDIA GH200", "GH200-96GB", "Grace Hopper", "GH200 Grace Hopper",
                    "NVIDIA GH200 Grace Hopper Superchip"],
        "notes": [
            "One row = the Hopper GPU of a GH200 superchip (1 Grace CPU + 1 GPU). tdp_w is "
            "Epoch's 700 W; NVIDIA gives the whole module (CPU + GPU + memory) as "
            "configurable from 450 to 1,000 W, so the superchip server class's host share "
            "(the Grace CPU) may partly double-count at 700 W. Memory is the 96 GB HBM3 "
            "version (gpuhunt); the 144 GB HBM3e version has 4.9 TB/s (Epoch's bandwidth).",
        ],
    },
    # ---- NVIDIA Blackwell
    {
        "name": "B100", "vendor": "NVIDIA", "family": "Blackwell", "form_factor": "SXM",
        "epoch": "NVIDIA B100",
        "aliases": ["NVIDIA B100", "HGX B100"],
        "notes": ["Two-die package; die area unknown."],
    },
    {
        "name": "B200", "vendor": "NVIDIA", "family": "Blackwell", "form_factor": "SXM",
        "epoch": "NVIDIA B200", "gpuhunt": "B200",
        "aliases": ["NVIDIA B200", "HGX B200", "B200-SXM", "B200-180GB"],
        "notes": [
            "HGX B200 as shipped (180 GB; 192 GB was quoted at announcement). Two-die "
            "package; die area unknown.",
        ],
    },
    {
        "name": "GB200", "vendor": "NVIDIA", "family": "Blackwell", "form_factor": "Superchip",
        "epoch": "NVIDIA GB200", "gpuhunt": "GB200",
        "aliases": ["NVIDIA GB200", "GB200-NVL72", "GB200-NVL4"],
        "notes": [
            "One row = one Blackwell GPU inside a GB200 superchip (1 Grace CPU + 2 GPUs), as "
            "in Epoch. tdp_w (1,200 W) is the GPU alone: the Grace CPU and its LPDDR5X are "
            "NOT included; count them as host power (one Grace per two GPUs), like the x86 "
            "host of an HGX B200. Two-die package; die area unknown.",
        ],
    },
    {
        "name": "B300", "vendor": "NVIDIA", "family": "Blackwell Ultra", "form_factor": "SXM",
        "epoch": "NVIDIA B300 (Blackwell Ultra)", "gpuhunt": "B300",
        "aliases": ["NVIDIA B300", "HGX B300"],
        "notes": ["Figures without sparsity (Epoch)."],
    },
    {
        "name": "GB300", "vendor": "NVIDIA", "family": "Blackwell Ultra",
        "form_factor": "Superchip",
        "epoch": "NVIDIA GB300 (Blackwell Ultra)",
        "aliases": ["NVIDIA GB300", "GB300-NVL72"],
        "notes": [
            "Per Blackwell Ultra GPU inside a GB300 superchip (Epoch); the Grace CPU is NOT "
            "included in tdp_w: count it as host power.",
        ],
        "gpuhunt": "GB300",
    },
    {
        "name": "RTX-5090", "vendor": "NVIDIA", "family": "Blackwell", "form_factor": "PCIe",
        "epoch": None, "gpuhunt": "RTX5090",
        "aliases": ["GeForce RTX 5090", "NVIDIA GeForce RTX 5090", "RTX 5090 32GB"],
        "notes": [
            "Not in Epoch: TDP, bandwidth and year from NVIDIA's product specifications "
            "(total graphics power), memory from gpuhunt. No sourced dense tensor or FP32 "
            "figures: peaks left blank (inference models that need a peak say so).",
        ],
    },
    # ---- AMD
    {
        "name": "MI250X", "vendor": "AMD", "family": "CDNA 2", "form_factor": "OAM",
        "epoch": "AMD Radeon Instinct MI250X",
        "aliases": ["AMD Instinct MI250X", "Instinct MI250X", "AMD MI250X"],
        "notes": [
            "peak_fp32 is the vector rate (matrix FP32 is 2x). The package holds two "
            "Aldebaran dies; die_area_mm2 is Epoch's figure.",
        ],
    },
    {
        "name": "MI250", "vendor": "AMD", "family": "CDNA 2", "form_factor": "OAM",
        "epoch": None,
        "inherit": {"process_nm": "AMD Radeon Instinct MI250X"},
        "aliases": ["AMD Instinct MI250", "Instinct MI250", "AMD MI250"],
        "notes": [
            "Not in Epoch: whole row from AMD's MI250 specifications. peak_fp32 is the "
            "vector rate. Bandwidth: AMD's '3.2 TB/s' is 3,276.8 GB/s (8,192-bit HBM2e at "
            "3.2 Gb/s), as Epoch lists for MI250X.",
        ],
    },
    {
        "name": "MI300X", "vendor": "AMD", "family": "CDNA 3", "form_factor": "OAM",
        "epoch": "AMD Instinct MI300X",
        "aliases": ["AMD Instinct MI300X", "Instinct MI300X", "AMD MI300X"],
        "notes": [
            "Chiplet package (8 compute + 4 I/O dies); die_area_mm2 is Epoch's figure and "
            "may not cover all silicon.",
        ],
    },
    {
        "name": "MI325X", "vendor": "AMD", "family": "CDNA 3", "form_factor": "OAM",
        "epoch": "AMD Instinct MI325X", "gpuhunt": "MI325X",
        "aliases": ["AMD Instinct MI325X", "Instinct MI325X", "AMD MI325X"],
        "notes": [
            "256 GB HBM3E (Epoch, AMD's specifications); gpuhunt lists 288, the MI350 "
            "series' figure.",
        ],
    },
    {
        "name": "MI350X", "vendor": "AMD", "family": "CDNA 4", "form_factor": "OAM",
        "epoch": "AMD Instinct MI350X",
        "aliases": ["AMD Instinct MI350X", "Instinct MI350X", "AMD MI350X"],
        "notes": [],
    },
    {
        "name": "MI355X", "vendor": "AMD", "family": "CDNA 4", "form_factor": "OAM",
        "epoch": "AMD Instinct MI355X", "gpuhunt": "MI355X",
        "aliases": ["AMD Instinct MI355X", "Instinct MI355X", "AMD MI355X"],
        "notes": [],
    },
    # ---- Google TPU (one row = one chip)
    {
        "name": "TPU-v2", "vendor": "Google", "family": "TPU", "form_factor": "Cloud TPU chip",
        "epoch": "Google TPU v2", "ga": "TPU v2", "mlco2": "TPUv2 Chip",
        "aliases": ["Google TPU v2", "Cloud TPU v2"],
        "notes": [TPU_TDP_NOTE, MLCO2_TPU_NOTE],
    },
    {
        "name": "TPU-v3", "vendor": "Google", "family": "TPU", "form_factor": "Cloud TPU chip",
        "epoch": "Google TPU v3", "ga": "TPU v3", "mlco2": "TPUv3 Chip",
        "aliases": ["Google TPU v3", "Cloud TPU v3"],
        "notes": [TPU_TDP_NOTE, MLCO2_TPU_NOTE],
    },
    {
        "name": "TPU-v4", "vendor": "Google", "family": "TPU", "form_factor": "Cloud TPU chip",
        "epoch": "Google TPU v4", "ga": "TPU v4",
        "aliases": ["Google TPU v4", "Cloud TPU v4"],
        "notes": [TPU_TDP_NOTE],
    },
    {
        "name": "TPU-v5e", "vendor": "Google", "family": "TPU", "form_factor": "Cloud TPU chip",
        "epoch": "Google TPU v5e",
        "aliases": ["Google TPU v5e", "Cloud TPU v5e", "TPU v5 lite", "v5litepod"],
        "notes": [TPU_TDP_NOTE + " Epoch states no source for this value."],
    },
    {
        "name": "TPU-v5p", "vendor": "Google", "family": "TPU", "form_factor": "Cloud TPU chip",
        "epoch": "Google TPU v5p",
        "aliases": ["Google TPU v5p", "Cloud TPU v5p"],
        "notes": [
            "Google publishes no chip TDP for v5p, nor its performance per watt against a "
            "chip with a known power: tdp_w is derived from its TPU peers (below).",
        ],
    },
    {
        "name": "TPU-v6e", "vendor": "Google", "family": "TPU", "form_factor": "Cloud TPU chip",
        "epoch": "Google TPU v6e Trillium",
        "aliases": ["Trillium", "TPU Trillium", "Google TPU v6e", "Google TPU v6e Trillium",
                    "Cloud TPU v6e"],
        "notes": [
            "Google publishes no chip TDP: tdp_w is derived from Google's stated ratios "
            "(below). Google lists INT8 but no FP8 peak for v6e.",
        ],
    },
    {
        "name": "TPU-v7", "vendor": "Google", "family": "TPU", "form_factor": "Cloud TPU chip",
        "epoch": "Google TPU v7 Ironwood",
        "aliases": ["Ironwood", "TPU Ironwood", "TPU v7 Ironwood", "Google TPU v7 Ironwood"],
        "notes": [TPU_TDP_NOTE + " Epoch states no source for this value."],
    },
    # ---- Intel
    {
        "name": "Gaudi2", "vendor": "Intel", "family": "Gaudi", "form_factor": "OAM",
        "epoch": "Intel Habana Gaudi2",
        "aliases": ["Intel Gaudi 2", "Habana Gaudi2", "Intel Habana Gaudi2", "HL-225H"],
        "notes": [],
    },
    {
        "name": "Gaudi3", "vendor": "Intel", "family": "Gaudi", "form_factor": "OAM",
        "epoch": "Intel Habana Gaudi3",
        "aliases": ["Intel Gaudi 3", "Habana Gaudi3", "Intel Habana Gaudi3", "HL-325L"],
        "notes": [
            "OAM HL-325L, air-cooled 900 W (Intel: up to 1,200 W liquid-cooled; the HL-338 "
            "PCIe card is 600 W). Epoch's FP32 (14.3) is the vector-engine rate.",
        ],
    },
    # ---- AWS
    {
        "name": "Trainium1", "vendor": "AWS", "family": "Trainium",
        "form_factor": "Cloud ASIC chip",
        "epoch": "Amazon Trainium1",
        "aliases": ["Trainium", "AWS Trainium", "Amazon Trainium", "Trn1"],
        "notes": [
            "AWS publishes no chip power: tdp_w is derived from AWS's stated ratios to "
            "Trainium2, whose 500 W is itself an estimate (below). Epoch's 9,800 GB/s "
            "bandwidth is not a per-chip figure; replaced by AWS's 820 (AWS docs give GB/s, "
            "later GiB/s).",
        ],
    },
    {
        "name": "Trainium2", "vendor": "AWS", "family": "Trainium",
        "form_factor": "Cloud ASIC chip",
        "epoch": "Amazon Trainium2",
        "aliases": ["AWS Trainium2", "Amazon Trainium2", "Trn2"],
        "notes": ["tdp_w is Epoch's figure (SemiAnalysis estimate, not AWS-published)."],
    },
    {
        "name": "Inferentia2", "vendor": "AWS", "family": "Inferentia",
        "form_factor": "Cloud ASIC chip",
        "epoch": "AWS Inferentia2",
        "aliases": ["AWS Inferentia2", "Amazon Inferentia2", "Inf2"],
        "notes": [
            "AWS publishes no chip power: tdp_w is derived from Trainium1, the same "
            "NeuronCore-v2 chip (below). FP8 is AWS's cFP8.",
        ],
    },
]

# Values that replace or fill Epoch's. Every entry carries the document it was read
# from; "why" goes into notes. Dense figures = NVIDIA's "with sparsity" figure / 2.
OVERRIDES: list[dict[str, Any]] = [
    {"name": "A100-40GB-PCIe", "values": {"tdp_w": 250, "memory_bandwidth_gb_per_s": 1555},
     "doc": NV_A100_2020, "why": "40GB PCIe: 250 W, 1,555 GB/s"},
    {"name": "A100-80GB-PCIe",
     "values": {"tdp_w": 300, "memory_gb": 80, "memory_bandwidth_gb_per_s": 1935,
                "release_year": 2021},
     "doc": NV_A100_2021, "why": "80GB PCIe: 300 W, 80 GB, 1,935 GB/s (2021)"},
    {"name": "A10", "values": {"peak_bf16_dense_tflop_per_s": 125},
     "doc": NV_A10, "why": "BF16 tensor 125 dense (250 sparse)"},
    {"name": "A30",
     "values": {"tdp_w": 165, "memory_gb": 24, "memory_bandwidth_gb_per_s": 933,
                "peak_bf16_dense_tflop_per_s": 165, "peak_fp32_tflop_per_s": 10.3,
                "release_year": 2021},
     "doc": NV_A30, "why": "165 W, 24 GB HBM2, 933 GB/s, BF16 165 dense (330 sparse), "
     "FP32 10.3"},
    {"name": "L4", "values": {"peak_fp8_dense_tflop_per_s": 242.5},
     "doc": NV_L4, "why": "FP8 485 sparse -> 242.5 dense"},
    {"name": "L40", "values": {"peak_fp8_dense_tflop_per_s": 362},
     "doc": NV_L40, "why": "FP8 362 dense (724 sparse)"},
    {"name": "L40S",
     "values": {"tdp_w": 350, "memory_gb": 48, "memory_bandwidth_gb_per_s": 864,
                "peak_bf16_dense_tflop_per_s": 362.05, "peak_fp8_dense_tflop_per_s": 733,
                "peak_fp32_tflop_per_s": 91.6, "release_year": 2023},
     "doc": NV_L40S, "why": "350 W, 48 GB, 864 GB/s, BF16 362.05 / FP8 733 dense, FP32 91.6"},
    {"name": "H100-SXM", "values": {"peak_fp8_dense_tflop_per_s": 1979},
     "doc": NV_H100, "why": "FP8 3,958 sparse -> 1,979 dense"},
    {"name": "H100-PCIe", "values": {"peak_fp8_dense_tflop_per_s": 1513},
     "doc": (NV_H100[0] + " (2022 edition, PCIe column)", NV_H100[1]),
     "why": "FP8 3,026 sparse -> 1,513 dense"},
    {"name": "H100-NVL",
     "values": {"peak_bf16_dense_tflop_per_s": 835.5, "peak_fp8_dense_tflop_per_s": 1670.5,
                "peak_fp32_tflop_per_s": 60},
     "doc": NV_H100, "why": "NVL: BF16 1,671 / FP8 3,341 sparse -> 835.5 / 1,670.5 dense; "
     "FP32 60 (Epoch lists the BF16 figure as FP16 and no FP32)"},
    {"name": "H200-SXM", "values": {"memory_gb": 141, "peak_fp8_dense_tflop_per_s": 1979},
     "doc": NV_H200, "why": "141 GB (Epoch blank); FP8 3,958 sparse -> 1,979 dense"},
    {"name": "H200-NVL",
     "values": {"tdp_w": 600, "memory_gb": 141, "memory_bandwidth_gb_per_s": 4800,
                "peak_bf16_dense_tflop_per_s": 835.5, "peak_fp8_dense_tflop_per_s": 1670.5,
                "peak_fp32_tflop_per_s": 60, "release_year": 2024},
     "doc": NV_H200, "why": "NVL: up to 600 W, 141 GB, 4.8 TB/s, BF16 1,671 / FP8 3,341 "
     "sparse -> 835.5 / 1,670.5 dense, FP32 60"},
    {"name": ["H100-SXM", "H100-NVL", "H800-SXM", "H20", "H200-SXM", "H200-NVL", "GH200"],
     "values": {"process_nm": 4}, "doc": NV_HOPPER_WP,
     "why": "TSMC 4N for every GH100 part (Epoch lists 5 or nothing for some)"},
    {"name": ["B100", "B200", "GB200"], "values": {"process_nm": 4}, "doc": NV_BLACKWELL,
     "why": "TSMC 4NP"},
    {"name": "MI250",
     "values": {"tdp_w": 500, "memory_gb": 128, "memory_bandwidth_gb_per_s": 3276.8,
                "peak_bf16_dense_tflop_per_s": 362.1, "peak_fp32_tflop_per_s": 45.3,
                "release_year": 2021},
     "doc": AMD_MI250, "why": "500 W, 128 GB HBM2e, 3.2 TB/s, BF16 362.1, FP32 vector 45.3"},
    {"name": "MI300X", "values": {"peak_fp8_dense_tflop_per_s": 2614.9},
     "doc": AMD_MI300X, "why": "FP8 2,614.9 dense (Epoch blank)"},
    {"name": "MI325X", "values": {"peak_fp8_dense_tflop_per_s": 2614.9},
     "doc": AMD_MI325X, "why": "FP8 2,614.9 dense (Epoch blank)"},
    {"name": "MI355X", "values": {"peak_fp8_dense_tflop_per_s": 5033.2},
     "doc": AMD_MI355X,
     "why": "FP8 5,033.2 dense (Epoch repeats MI350X's 4,600; its own INT8 is 5,033.2)"},
    {"name": "Gaudi2", "values": {"peak_bf16_dense_tflop_per_s": 432},
     "doc": INTEL_GAUDI3, "why": "BF16 432 (Epoch 450)"},
    {"name": "Gaudi3",
     "values": {"peak_bf16_dense_tflop_per_s": 1835, "peak_fp8_dense_tflop_per_s": 1835},
     "doc": INTEL_GAUDI3, "why": "BF16 and FP8 matrix 1,835 (Epoch 1,678)"},
    {"name": "Trainium1",
     "values": {"memory_gb": 32, "memory_bandwidth_gb_per_s": 820,
                "peak_fp8_dense_tflop_per_s": 190},
     "doc": AWS_TRN1, "why": "32 GB, 820 GB/s, 190 FP16/BF16/cFP8/TF32 TFLOP/s"},
    {"name": "Trainium2", "values": {"peak_fp32_tflop_per_s": 181},
     "doc": AWS_TRN2, "why": "FP32 181 (Epoch blank)"},
    {"name": "RTX-4090", "values": {"peak_bf16_dense_tflop_per_s": 165.2},
     "doc": NV_ADA_WP,
     "why": "BF16 tensor with FP32 accumulate 165.2 dense (330.4 sparse); Epoch's 330 is "
     "FP16 with FP16 accumulate"},
    {"name": "RTX-3090", "values": {"peak_bf16_dense_tflop_per_s": 71},
     "doc": NV_GA102_WP,
     "why": "BF16 tensor with FP32 accumulate 71 dense (142 sparse); Epoch has no tensor "
     "figure"},
    {"name": "GH200",
     "values": {"memory_bandwidth_gb_per_s": 4000, "peak_fp8_dense_tflop_per_s": 1979},
     "doc": NV_GH200,
     "why": "96 GB HBM3 at 4 TB/s (Epoch's 4.9 TB/s is the 144 GB HBM3e version); FP8 "
     "3,958 sparse -> 1,979 dense"},
    {"name": "RTX-5090",
     "values": {"tdp_w": 575, "memory_bandwidth_gb_per_s": 1792, "release_year": 2025},
     "doc": NV_RTX5090,
     "why": "575 W total graphics power; 32 GB GDDR7 on a 512-bit bus at 28 Gbps = "
     "1,792 GB/s; launched January 2025"},
]

# Power figures derived from a vendor's own ratios where it publishes no chip power.
# ``tdp_w`` of ``name`` = ``tdp_w`` of ``base`` x ``perf_ratio`` / ``perf_per_watt_ratio``
# (peak compute and energy efficiency relative to ``base``, as the vendor states them).
# ``check`` recomputes it from another stated ratio: ``tdp_w`` = peak of ``name`` x
# ``ratio`` x ``tdp_w`` of ``other`` / peak of ``other`` (columns named).
DERIVED_POWER: list[dict[str, Any]] = [
    {
        "name": "TPU-v6e", "base": "TPU-v5e", "perf_ratio": 4.7, "perf_per_watt_ratio": 1.67,
        "doc": GOOGLE_TRILLIUM,
        "why": "Trillium has 4.7x the peak compute per chip of TPU v5e and is 'over 67% more "
        "energy-efficient'",
        "check": {"other": "TPU-v7", "ratio": 2.0, "doc": GOOGLE_IRONWOOD,
                  "peak": "peak_bf16_dense_tflop_per_s",
                  "other_peak": "peak_fp8_dense_tflop_per_s",
                  "why": "Ironwood has 2x the peak performance per watt of Trillium (its FP8 "
                  "peak against Trillium's 918, the figure Google compares)"},
    },
    {
        "name": "Trainium1", "base": "Trainium2", "perf_ratio": 0.25, "perf_per_watt_ratio": 0.5,
        "doc": AWS_TRN2_LAUNCH,
        "why": "Trainium2 delivers 'up to 4x faster training' than first-generation Trainium "
        "and improves 'energy efficiency up to 2x', so Trainium1 has 1/4 of its performance "
        "at 1/2 of its performance per watt",
        "check": {"other": "Trainium2", "ratio": 2.0, "doc": AWS_TRN2_LAUNCH,
                  "peak": "peak_bf16_dense_tflop_per_s",
                  "other_peak": "peak_bf16_dense_tflop_per_s",
                  "why": "the same 2x performance per watt on the chips' dense BF16 peaks, "
                  "whose ratio is 3.5x rather than 4x"},
    },
]

# Power figures derived from peers where the vendor publishes neither a chip power nor a
# ratio to a chip with a known power. Each peer's dense BF16 FLOP/s per watt, applied to
# this chip's dense BF16 peak, gives a power; ``tdp_w`` is their median and
# ``tdp_low_w``-``tdp_high_w`` their span (a peer's own range included). Peers are the same
# vendor's chips of the same or the previous generation with a power figure; runs after
# DERIVED_POWER, so a peer may itself be derived (said in the note).
PEER_POWER: list[dict[str, Any]] = [
    {
        "name": "TPU-v5p", "peers": ["TPU-v4", "TPU-v5e"],
        "short": "Google's TPUs of the previous and the same generation",
        "why": "Google's TPU of the previous generation (v4, the training chip v5p succeeds) "
        "and of the same generation (v5e), both with Epoch power figures; v6e (its power "
        "itself derived) and v7 (two generations on, FP8, liquid-cooled) are left out",
    },
    {
        "name": "Inferentia2", "peers": ["Trainium1"], "doc": AWS_INF2,
        "short": "the same NeuronCore-v2 chip, its power itself derived",
        "why": "Trainium1 is the same NeuronCore-v2 chip: two NeuronCore-v2 at 190 TFLOP/s "
        "BF16, 32 GB at 820 GB/s (AWS Neuron docs for both); Inferentia2 has fewer "
        "chip-to-chip links, so its real draw is more likely at or below this",
    },
]
# fmt: on

_NORMALISE = re.compile(r"[\s\-_/.]+")


def normalise(label: str) -> str:
    """Matching key for names and aliases (same rule as ``footprint.catalogues.hardware``)."""
    return _NORMALISE.sub("", label.strip().lower())


def _read_epoch(sources: Path) -> pd.DataFrame:
    df = pd.read_csv(sources / "epoch-ml-hardware" / "ml_hardware.csv")
    dupes = df["Hardware name"][df["Hardware name"].duplicated()]
    if not dupes.empty:
        raise ValueError(f"Epoch hardware names repeat: {sorted(dupes)}")
    return df.set_index("Hardware name")


def _read_tdp_tables(sources: Path) -> dict[str, dict[str, float]]:
    """TDP (W) by row name in Green Algorithms and ML CO2 Impact, for cross-checks."""
    ga = pd.read_csv(sources / "green-algorithms" / "TDP_gpu.csv", skiprows=1)
    ml = pd.read_csv(sources / "mlco2-impact" / "gpus.csv")
    return {
        "ga": dict(zip(ga["model"], pd.to_numeric(ga["TDP"], errors="coerce"), strict=True)),
        "mlco2": dict(
            zip(ml["name"], pd.to_numeric(ml["tdp_watts"], errors="coerce"), strict=True)
        ),
    }


def _read_gpuhunt(sources: Path) -> dict[str, list[float]]:
    """Memory per device by gpuhunt name (a name may list several memory variants)."""
    raw = pd.read_csv(sources / "gpuhunt-accelerator-memory" / "accelerator_memory.csv")
    out: dict[str, list[float]] = {}
    for name, mem in zip(raw["name"], raw["memory_gib"], strict=True):
        out.setdefault(str(name), []).append(float(mem))
    return out


def _gpuhunt_memory(gpuhunt: dict[str, list[float]], name: str) -> float:
    values = gpuhunt.get(name)
    if values is None or len(values) != 1 or not values[0] > 0:
        raise KeyError(f"gpuhunt has no single memory figure for {name!r}: {values}")
    return values[0]


def _derive_power(records: list[dict[str, Any]]) -> None:
    """Fill ``tdp_w``, its range and basis for the rows of :data:`DERIVED_POWER` and then
    :data:`PEER_POWER` (in place), with sources and notes."""
    by_name = {r["name"]: r for r in records}
    for r in records:
        r.update(tdp_low_w=np.nan, tdp_high_w=np.nan, tdp_basis="")
    for entry in DERIVED_POWER:
        row, base = by_name[entry["name"]], by_name[entry["base"]]
        if not np.isnan(row["tdp_w"]):
            raise ValueError(f"{entry['name']}: derived power would replace a sourced tdp_w")
        value = base["tdp_w"] * entry["perf_ratio"] / entry["perf_per_watt_ratio"]
        row["tdp_w"] = value
        docs = [entry["doc"]]
        note = (
            f"tdp_w derived, not published: {entry['base']}'s {base['tdp_w']:g} W x "
            f"{entry['perf_ratio']:g} / {entry['perf_per_watt_ratio']:g} = {value:.0f} W "
            f"({entry['doc'][0]}: {entry['why']}); an estimate of chip power at peak, "
            "with the base chip's uncertainty."
        )
        basis = (
            f"{entry['base']}'s {base['tdp_w']:g} W x {entry['perf_ratio']:g} (peak) / "
            f"{entry['perf_per_watt_ratio']:g} (performance per watt), ratios stated in "
            f"{entry['doc'][0]}"
        )
        low = high = value
        check = entry.get("check")
        if check:
            other = by_name[check["other"]]
            peak, other_peak = row[check["peak"]], other[check["other_peak"]]
            again = peak * check["ratio"] * other["tdp_w"] / other_peak
            note += (
                f" Cross-check: {row[check['peak']]:g} x {check['ratio']:g} x "
                f"{check['other']}'s {other['tdp_w']:g} W / {other[check['other_peak']]:g} = "
                f"{again:.0f} W ({check['doc'][0]}: {check['why']}; "
                f"{100 * (again / value - 1):+.0f}%)."
            )
            if check["doc"] not in docs:
                docs.append(check["doc"])
            low, high = min(value, again), max(value, again)
            note += f" Range {low:.0f}-{high:.0f} W: the derivation and its cross-check."
            basis += f"; range: with the cross-check on peak FLOP/s ({again:.0f} W)"
        row.update(tdp_low_w=low, tdp_high_w=high, tdp_basis=basis)
        row["notes"] += " " + note
        row["source"] += "".join(f"; {doc}" for doc, _ in docs)
        row["source_url"] += "".join(f" ; {url}" for _, url in docs)
    for entry in PEER_POWER:
        row = by_name[entry["name"]]
        if not np.isnan(row["tdp_w"]):
            raise ValueError(f"{entry['name']}: derived power would replace a sourced tdp_w")
        col = "peak_bf16_dense_tflop_per_s"
        peak = row[col]
        centrals, lows, highs, parts = [], [], [], []
        for name in entry["peers"]:
            peer = by_name[name]
            if np.isnan(peer["tdp_w"]) or np.isnan(peer[col]):
                raise ValueError(f"{entry['name']}: peer {name} has no power or BF16 peak")
            per_watt = peer[col] / peer["tdp_w"]
            centrals.append(peak / per_watt)
            low_w = peer["tdp_w"] if np.isnan(peer["tdp_low_w"]) else peer["tdp_low_w"]
            high_w = peer["tdp_w"] if np.isnan(peer["tdp_high_w"]) else peer["tdp_high_w"]
            lows.append(peak * low_w / peer[col])
            highs.append(peak * high_w / peer[col])
            derived = " (itself derived)" if peer["tdp_basis"] else ""
            parts.append(
                f"{name}'s {peer[col]:g} / {peer['tdp_w']:g} W{derived} = {per_watt:.3g} "
                f"-> {centrals[-1]:.0f} W"
            )
        value, low, high = float(np.median(centrals)), min(lows), max(highs)
        peers = " and ".join(entry["peers"])
        row.update(
            tdp_w=value,
            tdp_low_w=low,
            tdp_high_w=high,
            tdp_basis=(
                f"its {peak:g} TFLOP/s dense BF16 peak at the TFLOP/s per watt of {peers} "
                f"({entry['short']}; "
                + ("the median, range their span)" if len(centrals) > 1 else "its range)")
            ),
        )
        row["notes"] += (
            f" tdp_w derived, not published: its {peak:g} TFLOP/s dense BF16 peak at the "
            f"BF16 TFLOP/s per W of its peers ({'; '.join(parts)}); tdp_w is the median, "
            f"{value:.0f} W, range {low:.0f}-{high:.0f} W ({entry['why']}). An estimate of "
            "chip power at peak, with the peers' uncertainty."
        )
        doc = entry.get("doc")
        if doc and doc[0] not in row["source"]:
            row["source"] += f"; {doc[0]}"
            row["source_url"] += f" ; {doc[1]}"


def _epoch_values(epoch: pd.DataFrame, hw: str, bf16_from_fp16: bool) -> dict[str, Any]:
    if hw not in epoch.index:
        raise KeyError(f"Epoch has no hardware named {hw!r}")
    rec = epoch.loc[hw]
    out: dict[str, Any] = {}
    for col, (src, scale) in EPOCH_COLUMNS.items():
        value = pd.to_numeric(rec[src], errors="coerce")
        out[col] = float(value) / scale if pd.notna(value) else np.nan
    if bf16_from_fp16 and np.isnan(out["peak_bf16_dense_tflop_per_s"]):
        out["peak_bf16_dense_tflop_per_s"] = float(rec[EPOCH_FP16]) / 1e12
    date = pd.to_datetime(rec["Release date"], errors="coerce")
    out["release_year"] = date.year if pd.notna(date) else np.nan
    return out


def _overrides_by_row() -> dict[str, list[dict[str, Any]]]:
    known = {row["name"] for row in ROWS}
    by_row: dict[str, list[dict[str, Any]]] = {}
    for entry in OVERRIDES:
        names = entry["name"] if isinstance(entry["name"], list) else [entry["name"]]
        for col in entry["values"]:
            if col not in NUMERIC:
                raise ValueError(f"override sets unknown column {col!r}")
        for name in names:
            if name not in known:
                raise ValueError(f"override for unknown accelerator {name!r}")
            by_row.setdefault(name, []).append(entry)
    return by_row


def _tdp_check(row: dict[str, Any], tdp: float, tables: dict[str, dict[str, float]]) -> str:
    """One sentence comparing our TDP with Green Algorithms and ML CO2 Impact."""
    parts = []
    for key, label in (("ga", "Green Algorithms"), ("mlco2", "ML CO2 Impact")):
        other = row.get(key)
        if not other:
            continue
        if other not in tables[key]:
            raise KeyError(f"{label} has no row {other!r}")
        value = tables[key][other]
        verdict = "agrees" if np.isclose(value, tdp) else "differs"
        parts.append(f"{label} '{other}' {value:g} W ({verdict})")
    return "TDP cross-check: " + "; ".join(parts) + "." if parts else ""


def build_table(sources: Path) -> pd.DataFrame:
    """Assemble and validate the accelerator table (no file is written)."""
    epoch = _read_epoch(sources)
    tables = _read_tdp_tables(sources)
    gpuhunt = _read_gpuhunt(sources)
    overrides = _overrides_by_row()
    records = []
    for row in ROWS:
        name = row["name"]
        if row.get("epoch"):
            values = _epoch_values(epoch, row["epoch"], row.get("bf16_from_fp16", False))
            sources_used = [(EPOCH_SOURCE, EPOCH_URL)]
        else:
            values = dict.fromkeys(NUMERIC, np.nan)
            sources_used = []
        notes = list(row.get("notes", []))
        if row.get("epoch"):
            notes.insert(0, f"Epoch row '{row['epoch']}'.")
        inherited: dict[str, list[str]] = {}
        for col, hw in row.get("inherit", {}).items():
            values[col] = _epoch_values(epoch, hw, False)[col]
            inherited.setdefault(hw, []).append(col)
        for hw, cols in inherited.items():
            notes.append(f"{', '.join(cols)} from Epoch row '{hw}' (same die).")
        for entry in overrides.get(name, []):
            values.update(entry["values"])
            if entry["doc"] not in sources_used:
                sources_used.append(entry["doc"])
            cols = ", ".join(entry["values"])
            notes.append(f"Override ({cols}) from {entry['doc'][0]}: {entry['why']}.")
        if inherited and (EPOCH_SOURCE, EPOCH_URL) not in sources_used:
            sources_used.append((EPOCH_SOURCE, EPOCH_URL))  # die facts only: cite last
        if row.get("gpuhunt"):
            memory = _gpuhunt_memory(gpuhunt, row["gpuhunt"])
            if np.isnan(values["memory_gb"]):
                values["memory_gb"] = memory
                sources_used.append((GPUHUNT_SOURCE, GPUHUNT_URL))
                notes.append(f"memory_gb from gpuhunt '{row['gpuhunt']}' ({memory:g}).")
            else:
                verdict = "agrees" if np.isclose(memory, values["memory_gb"]) else "differs"
                notes.append(
                    f"Memory cross-check: gpuhunt '{row['gpuhunt']}' {memory:g} ({verdict})."
                )
        if not np.isnan(values["tdp_w"]):
            check = _tdp_check(row, values["tdp_w"], tables)
            if check:
                notes.append(check)
        aliases = [a for a in row.get("aliases", []) if normalise(a) != normalise(name)]
        records.append(
            {
                "name": name,
                "vendor": row["vendor"],
                "family": row["family"],
                "form_factor": row["form_factor"],
                **values,
                "aliases": ";".join(dict.fromkeys(aliases)),
                "source": "; ".join(doc for doc, _ in sources_used),
                "source_url": " ; ".join(url for _, url in sources_used),
                "notes": " ".join(notes),
            }
        )
    _derive_power(records)
    df = pd.DataFrame.from_records(records, columns=COLUMNS)
    for col in ("release_year", "process_nm"):
        df[col] = df[col].round().astype("Int64")
    rounded = ("tdp_w", "tdp_low_w", "tdp_high_w", "memory_gb", "memory_bandwidth_gb_per_s")
    for col in (*rounded, "die_area_mm2"):
        df[col] = df[col].round(2)
    _validate(df)
    return df


def _validate(df: pd.DataFrame) -> None:
    """Raise ValueError if the table breaks an invariant the runtime relies on."""
    problems: list[str] = []
    owner: dict[str, str] = {}
    for name, aliases in zip(df["name"], df["aliases"], strict=True):
        labels = [name, *(a for a in aliases.split(";") if a)]
        for label in labels:
            key = normalise(label)
            if owner.setdefault(key, name) != name:
                problems.append(f"{label!r} names both {owner[key]} and {name}")
    if df["source"].eq("").any() or df["source_url"].eq("").any():
        problems.append("rows without a source: " + ", ".join(df["name"][df["source"].eq("")]))
    ranges = {
        "tdp_w": (10, 2000),
        "memory_gb": (4, 300),
        "release_year": (2010, 2026),
    }
    for col, (lo, hi) in ranges.items():
        bad = df[df[col].notna() & ~df[col].between(lo, hi)]
        for n, v in zip(bad["name"], bad[col], strict=True):
            problems.append(f"{n}: {col}={v} outside [{lo}, {hi}]")
    problems += [f"{n}: no tdp_w (derive one)" for n in df["name"][df["tdp_w"].isna()]]
    derived = df["tdp_basis"].ne("")
    ranged = df["tdp_low_w"].notna() & df["tdp_high_w"].notna()
    problems += [f"{n}: tdp range without a basis" for n in df["name"][ranged & ~derived]]
    problems += [f"{n}: derived tdp_w without a range" for n in df["name"][derived & ~ranged]]
    inside = df["tdp_low_w"].le(df["tdp_w"]) & df["tdp_w"].le(df["tdp_high_w"])
    problems += [f"{n}: tdp_w outside its range" for n in df["name"][ranged & ~inside]]
    bf16, fp32 = df["peak_bf16_dense_tflop_per_s"], df["peak_fp32_tflop_per_s"]
    bad = df[bf16.notna() & fp32.notna() & (bf16 <= fp32)]
    problems += [f"{n}: BF16 <= FP32" for n in bad["name"]]
    if problems:
        raise ValueError("accelerators table is invalid:\n  " + "\n  ".join(problems))


def build(sources: Path, out: Path) -> list[Path]:
    """Write ``out/accelerators.csv`` from the raw sources; return the written paths."""
    return [write_csv(build_table(sources), out / OUTPUT)]
