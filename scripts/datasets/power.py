"""Power while running: average accelerator draw and host share, per server class.

Writes ``datasets/server_classes.csv``: one row per class of server an accelerator sits in
(an 8-way SXM/OAM baseboard, a rack of superchips, a PCIe server, a TPU host, an AWS
accelerator instance). An accelerator belongs to the class listing its ``form_factor``
(``accelerators.csv``). Each row gives

- the average draw of an accelerator as a fraction of its TDP while **training** (a busy,
  synchronised job) and while **serving** (production inference with batching, idle gaps
  and headroom), each with a low and high bound;
- the average **host** share per accelerator [W]: CPUs, memory, network, storage and fans
  of the server, without the accelerators, with a low and high bound;
- the reference system and its rated maximum power, from the server catalogue
  (``servers.csv``, built first): the host share's upper bound is half the reference
  system's non-accelerator maximum per accelerator, ``(system max - n x TDP) / n / 2``,
  with the TDP from ``accelerators.csv``.

The figures are published measurements and vendor specifications, cited in each row's
``source`` and explained in its ``derivation``; ``datasets/SOURCES.md`` repeats the
derivation. No raw file feeds this table: every number is a fact from a paper or a
specification, typed here with its citation, or read from the catalogues built before it.

References
----------
Patterson, D. et al. (2021). Carbon Emissions and Large Neural Network Training.
arXiv:2104.10350, Table 4 (measured average system power per processor, host included).
Luccioni, A.S., Viguier, S., Ligozat, A.-L. (2022). Estimating the Carbon Footprint of
BLOOM. arXiv:2211.02001.
Morrison, J. et al. (2025). Holistically Evaluating the Environmental Impact of Creating
Language Models. arXiv:2503.05804 (Fig. 2, GPU power during training).
Latif, I. et al. (2024). Empirical Measurements of AI Training Power Demand on a
GPU-Accelerated Node. arXiv:2412.08602.
Elsworth, C. et al. (2025). Measuring the environmental impact of delivering AI at Google
Scale. arXiv:2508.15734.
EcoLogits 0.11.3 methodology (MPL-2.0): 1.2 kW per 8-GPU server besides the GPUs.
NVIDIA DGX-1, DGX A100, DGX H100 and DGX B200 user guides (maximum system power).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from datasets._common import write_csv

COLUMNS = [
    "server_class",
    "form_factors",
    "accelerators_per_server",
    "reference_system",
    "system_max_w",
    "training_tdp_fraction",
    "training_tdp_fraction_low",
    "training_tdp_fraction_high",
    "serving_tdp_fraction",
    "serving_tdp_fraction_low",
    "serving_tdp_fraction_high",
    "host_w_per_accelerator",
    "host_low_w_per_accelerator",
    "host_high_w_per_accelerator",
    "source",
    "source_url",
    "derivation",
]

#: Training draw of a GPU-class accelerator, fraction of TDP (central, low, high).
#: Patterson et al. 2021 (Table 4) measured 330 W per V100 (TDP 300 W) for GPT-3 with the
#: host share included ("OpenAI measured V100s as running GPT-3 at 330W"); with the host at
#: the class's low share (69 W) the GPUs drew about 261 W = 0.87 x TDP. Morrison et al.
#: 2025 (Fig. 2): "When actively training, the average GPU power is over 600W, over 85% of
#: an H100's maximum power draw of 700W, and during checkpointing, power usage drops to
#: just over 100W". Latif et al. 2024 (arXiv:2412.08602) measured an 8 x H100 node at most
#: 8.4 kW, 18% below its 10.2 kW rating, "even with GPUs near full utilization". Central
#: 0.8 (active training less checkpointing and stalls); low 0.6; high 1.0 (TDP is the cap).
_TRAINING_GPU = (0.8, 0.6, 1.0)
#: Serving draw, fraction of TDP. Production serving runs below training draw: batches
#: vary, decode is memory-bound and capacity is held for peaks (Elsworth et al. 2025 count
#: idle machines as 10% of energy, active accelerators 58%). Central 0.6, 0.3-0.9.
_SERVING_GPU = (0.6, 0.3, 0.9)

_ECOLOGITS = "EcoLogits 0.11.3 methodology (MPL-2.0): server 1.2 kW per 8 GPUs besides the GPUs"
_ECOLOGITS_URL = "https://ecologits.ai/latest/methodology/llm_inference/"

_ROWS = [
    {
        "server_class": "baseboard-8",
        "form_factors": "SXM;SXM2;SXM4;SXM5;OAM",
        "accelerators_per_server": 8,
        "reference_system": "DGX-H100",
        "training": _TRAINING_GPU,
        "serving": _SERVING_GPU,
        "host": (150, 69, None),
        "source": (
            f"{_ECOLOGITS}; NVIDIA DGX user guides (DGX-1 3.5 kW, DGX A100 6.5 kW, DGX H100 "
            "10.2 kW maximum system power); Patterson et al. 2021, arXiv:2104.10350 Table 4 "
            "(GPT-3: 330 W per V100 measured, host included); Morrison et al. 2025, "
            "arXiv:2503.05804 Fig. 2; Latif et al. 2024, arXiv:2412.08602"
        ),
        "source_url": _ECOLOGITS_URL,
        "derivation": (
            "Host: EcoLogits' 1.2 kW per 8-GPU server = 150 W per accelerator (central). "
            "Bounds: half the non-accelerator maximum of the reference systems per "
            "accelerator, DGX-1 (3,500 W with 8 x 300 W V100, NVIDIA datasheet; not seen "
            "in stored text) (3,500 - 8 x 300) / 8 / 2 = 69 W (low) to the reference "
            "system of servers.csv (high, to the nearest 10 W); Latif et al. 2024 "
            "measured an 8 x H100 node at most 8.4 kW with its GPUs near full use. "
            "Training draw 0.8 x TDP (0.6-1.0): Patterson's GPT-3 measurement (330 W per "
            "V100 with host) leaves about 261 W = 0.87 x TDP for the GPU at the low host "
            "share; Morrison et al. measured over 600 W (85% of 700 W) per H100 while "
            "actively training and about 100 W while checkpointing. Serving "
            "0.6 x TDP (0.3-0.9): below training draw (memory-bound decode, varying "
            "batches, capacity held for peaks)."
        ),
    },
    {
        "server_class": "superchip-rack",
        "form_factors": "Superchip",
        "accelerators_per_server": 72,
        "reference_system": "GB200-NVL72",
        "training": _TRAINING_GPU,
        "serving": _SERVING_GPU,
        "host": (150, 69, None),
        "source": f"{_ECOLOGITS}; ServeTheHome 2024 (GB200 NVL72: 120 kW per rack), "
        "via servers.csv",
        "source_url": _ECOLOGITS_URL,
        "derivation": (
            "No published average for superchip racks: the GPU server class (baseboard-8) "
            "host share, its low bound and the draw fractions are used; the high bound is "
            "half the rack's non-GPU maximum per GPU from servers.csv (the switch trays, "
            "NICs and fans: the superchip TDP in accelerators.csv already counts the Grace "
            "CPU's share of the module), to the nearest 10 W."
        ),
    },
    {
        "server_class": "pcie-server",
        "form_factors": "PCIe",
        "accelerators_per_server": 4,
        "reference_system": "two-socket server with 4-8 PCIe accelerators",
        "system_max_w": "",
        "training": _TRAINING_GPU,
        "serving": _SERVING_GPU,
        "host": (150, 50, 300),
        "source": _ECOLOGITS,
        "source_url": _ECOLOGITS_URL,
        "derivation": (
            "EcoLogits' 150 W per accelerator (central). PCIe servers hold 2-8 cards: the "
            "host's share per card ranges from about 50 W (8 cards, idle CPUs) to 300 W "
            "(2-4 cards behind busy CPUs); documented assumption."
        ),
    },
    {
        "server_class": "tpu-host",
        "form_factors": "Cloud TPU chip",
        "accelerators_per_server": 4,
        "reference_system": "Cloud TPU VM host (4 chips per host)",
        "system_max_w": "",
        "training": (0.8, 0.6, 1.0),
        "serving": _SERVING_GPU,
        "host": (110, 55, 220),
        "source": (
            "Patterson et al. 2021, arXiv:2104.10350 Table 4 (T5, Meena, GShard, Switch on "
            "TPU v3: 245-310 W per chip measured, host included); Elsworth et al. 2025, "
            "arXiv:2508.15734 (host CPU and DRAM 25% beside active accelerators 58% of "
            "a Gemini prompt's energy)"
        ),
        "source_url": "https://arxiv.org/abs/2104.10350",
        "derivation": (
            "Host 110 W per chip (55-220): Google's serving split puts host CPU and DRAM at "
            "25/58 = 0.43 of accelerator energy; for a TPU v3 drawing 0.8 x 220 W = 176 W "
            "that is 76 W, and Patterson's 245-310 W per chip with host leaves 69-134 W "
            "beside it: central 110 W, bounds halved and doubled. Draw fractions as GPUs."
        ),
    },
]
#: AWS accelerator instances: no published host figure; the PCIe class's values.
_ROWS.append(
    {
        **_ROWS[2],
        "server_class": "asic-instance",
        "form_factors": "Cloud ASIC chip",
        "accelerators_per_server": 16,
        "reference_system": "AWS Trainium / Inferentia instance (up to 16 chips)",
        "derivation": (
            "No published host figure for AWS accelerator instances: the PCIe server "
            "class's host share and bounds, and the GPU draw fractions, are used."
        ),
    }
)


def reference_ceiling(name: str, servers: pd.DataFrame, accelerators: pd.DataFrame) -> dict:
    """A catalogue server's rated maximum [W], description and host bound [W per accelerator].

    The host bound is half its non-accelerator maximum per accelerator,
    ``(max - n x TDP) / n / 2``, to the nearest 10 W (the accelerators at TDP, the rest of
    the system at half its share of the rating: a ceiling for an average host draw).
    """
    server = servers.set_index("name").loc[name]
    tdp = float(accelerators.set_index("name").loc[server["accelerator"], "tdp_w"])
    n = int(server["accelerators_per_server"])
    max_w = float(server["max_system_power_kw"]) * 1000.0
    return {
        "reference_system": f"{name} ({n} x {server['accelerator']}, {tdp:g} W TDP each; "
        f"{max_w / 1000:g} kW maximum, servers.csv)",
        "system_max_w": int(round(max_w)),
        "host_high": round((max_w - n * tdp) / n / 2, -1),
    }


def build_server_classes(
    servers: pd.DataFrame | None = None, accelerators: pd.DataFrame | None = None
) -> pd.DataFrame:
    """The curated rows above, flattened into the table's columns; a row naming a
    reference system of ``servers.csv`` takes its maximum power and host bound from it."""
    rows = []
    for r in _ROWS:
        r = dict(r)
        if r.get("host", (0, 0, 0))[2] is None:  # type: ignore[index]
            if servers is None or accelerators is None:
                raise ValueError(f"{r['server_class']}: needs servers.csv and accelerators.csv")
            ref = reference_ceiling(str(r["reference_system"]), servers, accelerators)
            r["reference_system"] = ref["reference_system"]
            r["system_max_w"] = ref["system_max_w"]
            central, low, _ = r["host"]  # type: ignore[misc]
            r["host"] = (central, low, ref["host_high"])
        row = {k: v for k, v in r.items() if k not in ("training", "serving", "host")}
        for activity in ("training", "serving"):
            central, low, high = r[activity]  # type: ignore[misc]
            row[f"{activity}_tdp_fraction"] = central
            row[f"{activity}_tdp_fraction_low"] = low
            row[f"{activity}_tdp_fraction_high"] = high
        central, low, high = r["host"]  # type: ignore[misc]
        row["host_w_per_accelerator"] = central
        row["host_low_w_per_accelerator"] = low
        row["host_high_w_per_accelerator"] = high
        rows.append(row)
    df = pd.DataFrame(rows, columns=COLUMNS)
    forms = [f for cell in df.form_factors for f in cell.split(";")]
    if len(forms) != len(set(forms)):
        raise ValueError("a form factor belongs to two server classes")
    return df


def build(sources: Path, out: Path) -> list[Path]:
    """Write ``server_classes.csv`` from the rows above and the catalogues built first
    (``servers.csv``, ``accelerators.csv``); no raw source file is read."""
    del sources
    servers = pd.read_csv(out / "servers.csv")
    accelerators = pd.read_csv(out / "accelerators.csv")
    table = build_server_classes(servers, accelerators)
    return [write_csv(table, out / "server_classes.csv")]
