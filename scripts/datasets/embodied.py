"""Build ``datasets/embodied.csv``: manufacturing (embodied) CO2e per accelerator and per server.

One row per accelerator of ``datasets/accelerators.csv`` (``kind = accelerator``) and one row
per server profile (``kind = server``: the host without its accelerators, shared by
``accelerators_per_server`` accelerators).

Derivation
----------
Accelerators, in order of preference:

1. ``card-pcf``: a manufacturer's product carbon footprint (PCF) for the card. NVIDIA's HGX
   H100 PCF summary gives 164 kgCO2e per H100 80GB SXM GPU (cradle-to-gate; one eighth of the
   8-GPU HGX H100 baseboard), the figure EcoLogits' LLM methodology cites
   (images.nvidia.com/aem-dam/Solutions/documents/HGX-H100-PCF-Summary.pdf). It applies to
   the SXM5 80 GB boards of that PCF (H100-SXM and its export twin H800-SXM).
2. ``chip-model``: LLMCarbon's chip-level model (Faiz et al., ICLR 2024; Apache-2.0,
   ``llmcarbon/hardware.csv``)::

       chip = die area [cm2] x CPA(process node) [kgCO2e/cm2] + memory [GB] x 0.4 kgCO2e/GB

   with LLMCarbon's carbon per area CPA = 1.0 (16 nm), 1.2 (12 nm), 1.6 (7 nm), 1.8 (4 nm)
   kgCO2e/cm2, linear in the node between those points (8, 6, 5 nm) and extrapolated on the
   7-4 nm slope below 4 nm (3 nm: 1.867), and its DRAM factor 0.4 kgCO2e/GB (Micron 18 nm)
   for the accelerator's memory. The chip model counts die and memory only (no board,
   packaging, heat sink), so the card-level figure is the chip figure scaled by the ratio that
   the H100 PCF bears to the chip model for the same card: 164 / 46.652 = 3.5154.
3. ``chip-model-proxy``: the chip model where the catalogue lacks the die area or the process
   node, with a stated stand-in (``PROXIES``: the same die in a sibling part, two
   reticle-class dies for two-die Blackwell packages, or, with nothing better, the median
   die area of the catalogue and the median node of parts released the same year).

Ranges (``embodied_low_kgco2e``, ``embodied_high_kgco2e``): for ``card-pcf`` from the PCF
(low) to the 273 kgCO2e that EcoLogits 0.11.3 uses for the same H100 80 GB card (Hubblo's
GPU dataset, data.hubblo.org/gpu); for the chip model from the unscaled chip figure (die and
memory alone: the floor of the scope) to the chip figure scaled by 273 / 46.652 = 5.852.

Servers (host share): EcoLogits' 5,700 kgCO2e for an 8-GPU server without its GPUs
(BoaviztAPI, AWS p5.48xlarge; EcoLogits 0.11.3 SERVER_EMBODIED_IMPACT_GWP, MPL-2.0) is the
default, ranging from the 2,500 kgCO2e of the HPE ProLiant DL345 Gen10 Plus that Luccioni
et al. (2022) used for BLOOM's Apollo 6500 nodes to 6,000 kgCO2e (EcoLogits' later DGX
Hopper/Blackwell base server). The BLOOM server is also a profile of its own.

Inputs: ``datasets/accelerators.csv`` of this repository (die area, node, memory, release
year) and the raw LLMCarbon and EcoLogits files in ``../shared/sources``.
"""

from __future__ import annotations

import math
import statistics
from pathlib import Path
from typing import Any

import pandas as pd

from datasets._common import write_csv

OUTPUT = "embodied.csv"
ROOT = Path(__file__).resolve().parents[2]
CATALOGUE = ROOT / "datasets" / "accelerators.csv"

COLUMNS = [
    "kind",
    "name",
    "embodied_kgco2e",
    "embodied_low_kgco2e",
    "embodied_high_kgco2e",
    "method",
    "accelerators_per_server",
    "die_area_mm2",
    "process_nm",
    "carbon_per_area_kgco2e_per_cm2",
    "memory_gb",
    "carbon_per_memory_kgco2e_per_gb",
    "chip_kgco2e",
    "derivation",
    "source",
]

LLMCARBON = (
    "LLMCarbon (Faiz et al., ICLR 2024), data/hardware.csv @dbd96b7, Apache-2.0: "
    "carbon per die area by process node and per GB of memory"
)
NVIDIA_PCF = (
    "NVIDIA HGX H100 product carbon footprint summary (HGX-H100-PCF-Summary.pdf): "
    "164 kgCO2e per H100 80GB GPU, as cited by EcoLogits' LLM inference methodology"
)
ECOLOGITS_273 = (
    "EcoLogits 0.11.3 GPU_EMBODIED_IMPACT_GWP = 273 kgCO2e (H100 80GB, after "
    "data.hubblo.org/gpu), MPL-2.0"
)
#: Cards covered by the HGX H100 PCF (SXM5 board, 80 GB HBM3).
PCF_CARDS = {"H100-SXM": 164.0, "H800-SXM": 164.0}
PCF_REFERENCE = "H100-SXM"

#: Proxies where the catalogue lacks die area or node: name -> (die_mm2, node_nm, why).
#: ``None`` keeps the catalogue value; "median" and "same-year" use the generic rules.
PROXIES: dict[str, tuple[Any, Any, str]] = {
    "P100-PCIe-16GB": (
        610.0,
        None,
        "die area 610 mm2 from Epoch AI's 'NVIDIA Tesla P100 PCIe 16GB' row (GP100)",
    ),
    "L40": (
        None,
        "L4",
        "process node of L4 (same Ada Lovelace family, as listed in the catalogue)",
    ),
    "L40S": (
        None,
        "L4",
        "process node of L4 (same Ada Lovelace family, as listed in the catalogue)",
    ),
    "RTX-4090": (
        None,
        "L4",
        "process node of L4 (same Ada Lovelace family, as listed in the catalogue)",
    ),
    "RTX-5090": (
        "median",
        "B200",
        "no die area in the sources; process node of B200 (Blackwell, as listed in the catalogue)",
    ),
    "H20": ("H100-SXM", None, "die area of H100-SXM (H20 is a GH100 part, catalogue note)"),
    "B100": (1628.0, None, "two reticle-class dies taken as 2 x 814 mm2 (GH100 size): assumption"),
    "B200": (1628.0, None, "two reticle-class dies taken as 2 x 814 mm2 (GH100 size): assumption"),
    "GB200": (
        1628.0,
        None,
        "per Blackwell GPU: two reticle-class dies taken as 2 x 814 mm2; Grace CPU not counted",
    ),
    "B300": (1628.0, None, "two reticle-class dies taken as 2 x 814 mm2 (GH100 size): assumption"),
    "GB300": (
        1628.0,
        None,
        "per Blackwell Ultra GPU: two reticle-class dies taken as 2 x 814 mm2; Grace not counted",
    ),
    "MI250": ("MI250X", None, "die area of MI250X (same Aldebaran dies, catalogue note)"),
    "MI325X": ("MI300X", None, "die area of MI300X (same CDNA 3 chiplets, more memory)"),
    "MI350X": ("MI300X", None, "die area of MI300X (previous CDNA chiplet package): assumption"),
    "MI355X": ("MI300X", None, "die area of MI300X (previous CDNA chiplet package): assumption"),
    "TPU-v2": (
        "llmcarbon:TPUv3",
        None,
        "die area of TPU v3 (LLMCarbon; same 16 nm generation): assumption",
    ),
    "TPU-v3": ("llmcarbon:TPUv3", None, "die area 700 mm2 from LLMCarbon's TPUv3 row"),
    "TPU-v4": ("llmcarbon:TPUv4", None, "die area 400 mm2 from LLMCarbon's TPUv4 row"),
    "TPU-v5e": (None, "TPU-v4", "process node of TPU v4 (previous Google TPU): assumption"),
    "TPU-v5p": ("median", "same-year", "no die or node published"),
    "TPU-v6e": ("TPU-v5e", "same-year", "die area of TPU v5e (previous 'e' chip): assumption"),
    "TPU-v7": ("median", "same-year", "no die or node published"),
    "Gaudi3": ("Gaudi2", None, "die area of Gaudi2 (previous Gaudi): assumption"),
    "Trainium1": ("median", "same-year", "no die or node published"),
    "Trainium2": ("median", "same-year", "no die or node published"),
    "Inferentia2": ("median", "same-year", "no die or node published"),
}

#: Server profiles: name -> (kgCO2e without accelerators, accelerators per server, low, high,
#: derivation, source).
SERVERS: dict[str, tuple[float, int, float, float, str, str]] = {
    "gpu-server-8": (
        5700.0,
        8,
        2500.0,
        6000.0,
        "8-accelerator server without its accelerators (AWS p5.48xlarge in BoaviztAPI), the "
        "default host; low: HPE ProLiant DL345 Gen10 Plus used for BLOOM (Luccioni et al. "
        "2022); high: EcoLogits' later DGX Hopper/Blackwell base server (6,000 kgCO2e)",
        "EcoLogits 0.11.3 SERVER_EMBODIED_IMPACT_GWP = 5700 kgCO2e, SERVER_GPUS = 8 "
        "(BoaviztAPI /v1/cloud/instance aws p5.48xlarge), MPL-2.0; Luccioni, Viguier, "
        "Ligozat (2022) arXiv:2211.02001 sec. 4.1; EcoLogits development code "
        "DGX_SERVER_BASE_EMBODIED_IMPACT_GWP = 6000",
    ),
    "hpe-proliant-dl345-gen10plus": (
        2500.0,
        8,
        2500.0,
        5700.0,
        "HPE ProLiant DL345 Gen10 Plus production footprint, the closest server with an LCA "
        "to BLOOM's HPE Apollo 6500 Gen10 Plus nodes (8 A100 each: 384 GPUs on 48 nodes); "
        "GPUs excluded; high: the default 8-GPU server",
        "Luccioni, Viguier, Ligozat (2022), 'Estimating the Carbon Footprint of BLOOM', "
        "arXiv:2211.02001 sec. 4.1 (quoting HPE's product carbon footprint)",
    ),
}


def read_llmcarbon(sources: Path) -> tuple[dict[int, float], float, dict[str, float]]:
    """LLMCarbon's CPA by node [kgCO2e/cm2], DRAM factor [kgCO2e/GB] and chip areas [mm2]."""
    raw = pd.read_csv(sources / "llmcarbon" / "hardware.csv")
    raw.columns = [c.strip() for c in raw.columns]
    unit_col, cpa_col = "unit (cm2 or GB)", "CPA (kgCO2/cm2 or GB)"
    cpa: dict[int, float] = {}
    areas: dict[str, float] = {}
    dram = math.nan
    for _, row in raw.iterrows():
        hardware = str(row["hardware"]).strip()
        value, unit = float(row[cpa_col]), float(row[unit_col])
        if hardware == "DRAM":
            dram = value
            continue
        node = "".join(ch for ch in str(row["description"]).split("TSMC")[-1] if ch.isdigit())
        chips = {"V100", "H100", "TPUv3", "TPUv4", "CPU"}
        if hardware in chips and node and cpa.setdefault(int(node), value) != value:
            raise ValueError(f"LLMCarbon gives two CPAs for {node} nm")
        if hardware in {"TPUv3", "TPUv4"}:
            areas[hardware] = unit * 100.0  # cm2 -> mm2
    if math.isnan(dram):
        raise ValueError("LLMCarbon hardware.csv has no DRAM row")
    return cpa, dram, areas


def carbon_per_area(node_nm: float, cpa: dict[int, float]) -> float:
    """CPA [kgCO2e/cm2] at ``node_nm``: LLMCarbon's points, linear between, extrapolated below."""
    nodes = sorted(cpa)
    if node_nm in cpa:
        return cpa[int(node_nm)]
    if node_nm > nodes[-1]:
        raise ValueError(f"no CPA for {node_nm} nm (coarsest LLMCarbon node {nodes[-1]} nm)")
    if node_nm < nodes[0]:
        a, b = nodes[0], nodes[1]
    else:
        a = max(n for n in nodes if n < node_nm)
        b = min(n for n in nodes if n > node_nm)
    slope = (cpa[b] - cpa[a]) / (b - a)
    return cpa[a] + slope * (node_nm - a)


def _num(value: Any) -> float | None:
    return None if value is None or (isinstance(value, float) and math.isnan(value)) else value


def resolve_die_and_node(
    cat: pd.DataFrame, name: str, llmcarbon_areas: dict[str, float]
) -> tuple[float, float, str]:
    """Die area [mm2] and node [nm] of ``name``, with the proxy text when one was needed."""
    row = cat.loc[name]
    die, node = _num(row["die_area_mm2"]), _num(row["process_nm"])
    proxy = PROXIES.get(name)
    if proxy is None:
        if die is None or node is None:
            raise ValueError(f"{name}: no die area or node and no proxy in PROXIES")
        return float(die), float(node), ""
    die_rule, node_rule, why = proxy
    if die_rule is not None:
        if isinstance(die_rule, float):
            die = die_rule
        elif die_rule == "median":
            known = cat["die_area_mm2"].dropna()
            die = float(statistics.median(known))
            why = f"{why}: median die area of the catalogue ({die:g} mm2)"
        elif die_rule.startswith("llmcarbon:"):
            die = llmcarbon_areas[die_rule.split(":", 1)[1]]
        else:
            die = float(cat.loc[die_rule, "die_area_mm2"])
    if node_rule is not None:
        if node_rule == "same-year":
            year = int(row["release_year"])
            same = cat[(cat["release_year"] == year) & cat["process_nm"].notna()]
            node = float(round(statistics.median(same["process_nm"])))
            why = f"{why}; node: median of {len(same)} catalogue parts released in {year}"
        else:
            node = float(cat.loc[node_rule, "process_nm"])
    if die is None or node is None:
        raise ValueError(f"{name}: proxy leaves die area or node unknown")
    return float(die), float(node), why


def accelerator_rows(sources: Path) -> list[dict[str, Any]]:
    """One row per catalogue accelerator (see the module docstring)."""
    if not CATALOGUE.is_file():
        raise FileNotFoundError(f"{CATALOGUE} is missing: build accelerators.csv first")
    cat = pd.read_csv(CATALOGUE).set_index("name")
    cpa, dram, areas = read_llmcarbon(sources)

    def chip_of(name: str) -> tuple[float, float, float, float, str]:
        die, node, why = resolve_die_and_node(cat, name, areas)
        area_factor = carbon_per_area(node, cpa)
        memory = float(cat.loc[name, "memory_gb"])
        return die, node, area_factor, die / 100.0 * area_factor + memory * dram, why

    ref_chip = chip_of(PCF_REFERENCE)[3]
    scale_pcf = PCF_CARDS[PCF_REFERENCE] / ref_chip
    scale_high = 273.0 / ref_chip
    rows = []
    for name in cat.index:
        die, node, area_factor, chip, why = chip_of(name)
        memory = float(cat.loc[name, "memory_gb"])
        chip_text = (
            f"chip = {die:g} mm2 x {area_factor:.4g} kgCO2e/cm2 ({node:g} nm) + "
            f"{memory:g} GB x {dram:g} kgCO2e/GB = {chip:.4g} kgCO2e"
        )
        if name in PCF_CARDS:
            central = PCF_CARDS[name]
            low, high = central, 273.0
            method = "card-pcf"
            derivation = (
                f"manufacturer PCF {central:g} kgCO2e (1/8 of the HGX H100 8-GPU baseboard, "
                f"cradle-to-gate); low = PCF, high = 273 kgCO2e (EcoLogits 0.11.3, same card); "
                f"LLMCarbon {chip_text} for comparison"
            )
            source = f"{NVIDIA_PCF}; {ECOLOGITS_273}; {LLMCARBON}"
        else:
            central = chip * scale_pcf
            low, high = chip, chip * scale_high
            method = "chip-model-proxy" if why else "chip-model"
            derivation = (
                f"{chip_text}; card-level = chip x {scale_pcf:.4f} (H100 PCF 164 / chip model "
                f"{ref_chip:.5g}); low = chip alone (die and memory only), high = chip x "
                f"{scale_high:.4f} (273 / {ref_chip:.5g})"
            )
            if why:
                derivation = f"proxy: {why}; {derivation}"
            source = f"{LLMCARBON}; calibration: {NVIDIA_PCF}; high: {ECOLOGITS_273}"
        rows.append(
            {
                "kind": "accelerator",
                "name": name,
                "embodied_kgco2e": round(central, 3),
                "embodied_low_kgco2e": round(low, 3),
                "embodied_high_kgco2e": round(high, 3),
                "method": method,
                "accelerators_per_server": None,
                "die_area_mm2": die,
                "process_nm": node,
                "carbon_per_area_kgco2e_per_cm2": round(area_factor, 4),
                "memory_gb": memory,
                "carbon_per_memory_kgco2e_per_gb": dram,
                "chip_kgco2e": round(chip, 3),
                "derivation": derivation,
                "source": source,
            }
        )
    return rows


def server_rows(sources: Path) -> list[dict[str, Any]]:
    """The server profiles, checked against the EcoLogits constants in the raw sources."""
    constants = pd.read_csv(sources / "ecologits" / "llm_hardware_constants.csv")
    values = dict(zip(constants["constant"], constants["value"], strict=True))
    if float(values["SERVER_EMBODIED_IMPACT_GWP"]) != SERVERS["gpu-server-8"][0]:
        raise ValueError("EcoLogits SERVER_EMBODIED_IMPACT_GWP changed: update SERVERS")
    if int(values["SERVER_GPUS"]) != SERVERS["gpu-server-8"][1]:
        raise ValueError("EcoLogits SERVER_GPUS changed: update SERVERS")
    if float(values["GPU_EMBODIED_IMPACT_GWP"]) != 273.0:
        raise ValueError("EcoLogits GPU_EMBODIED_IMPACT_GWP changed: update the high bound")
    rows = []
    for name, (kg, per_server, low, high, derivation, source) in SERVERS.items():
        rows.append(
            {
                "kind": "server",
                "name": name,
                "embodied_kgco2e": kg,
                "embodied_low_kgco2e": low,
                "embodied_high_kgco2e": high,
                "method": "server-lca",
                "accelerators_per_server": per_server,
                "derivation": derivation,
                "source": source,
            }
        )
    return rows


def validate(df: pd.DataFrame) -> None:
    """Fail the build rather than write a bad table."""
    if list(df.columns) != COLUMNS:
        raise ValueError("embodied.csv: unexpected columns")
    if df["name"].duplicated().any():
        raise ValueError("embodied.csv: duplicate names")
    if df["source"].fillna("").str.strip().eq("").any():
        raise ValueError("embodied.csv: a row without source")
    low, mid, high = (
        df["embodied_low_kgco2e"],
        df["embodied_kgco2e"],
        df["embodied_high_kgco2e"],
    )
    if not ((low > 0) & (low <= mid) & (mid <= high)).all():
        raise ValueError("embodied.csv: expected 0 < low <= central <= high on every row")


def build(sources: Path, out: Path) -> list[Path]:
    """Write ``embodied.csv`` into ``out``; returns the paths written."""
    df = pd.DataFrame(accelerator_rows(sources) + server_rows(sources), columns=COLUMNS)
    df["accelerators_per_server"] = df["accelerators_per_server"].astype("Int64")
    validate(df)
    return [write_csv(df, out / OUTPUT)]
