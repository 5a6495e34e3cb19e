"""AI servers and racks: maximum system power of whole systems, for installed-base estimates.

Writes ``datasets/servers.csv``: one row per AI server (or rack-scale system) whose vendor
publishes a maximum system power, or whose power a published paper states, with the
accelerator it holds (a name ``footprint.catalogues.hardware`` resolves) and how many.
``footprint.workloads.installed.InstalledFleet`` reads it through
``footprint.catalogues.servers``: N servers at a utilisation of their maximum power, as de
Vries (2023) estimated the electricity of NVIDIA's AI servers.

Columns: ``name``, ``aliases`` (``;``-separated), ``vendor``, ``form`` (``server`` or
``rack``), ``accelerator``, ``accelerators_per_server``, ``max_system_power_kw`` (the
vendor's maximum input power of the whole system), ``typical_power_kw`` (a published
typical or average draw, blank when there is none), ``release_year``, ``source``,
``source_url``, ``notes``.

No raw file feeds this table: every number is a fact from a vendor's user guide or
datasheet, or a paper, typed here with its citation. A system without a sourced power is
left out (:data:`NOT_SOURCED` says why); nothing is estimated here.

References
----------
de Vries, A. (2023). The growing energy footprint of artificial intelligence. Joule 7(10),
2191-2194. doi:10.1016/j.joule.2023.09.004 (DGX A100 6.5 kW, DGX H100 10.2 kW).
NVIDIA DGX A100 System User Guide (DU-09821-001); NVIDIA DGX H100/H200 User Guide;
NVIDIA DGX B200 User Guide (power specifications).
ServeTheHome (2024), NVIDIA DGX GB200 NVL72 at GTC 2024 ("the 120kW flagship system").
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from datasets._common import write_csv

COLUMNS = [
    "name",
    "aliases",
    "vendor",
    "form",
    "accelerator",
    "accelerators_per_server",
    "max_system_power_kw",
    "typical_power_kw",
    "release_year",
    "source",
    "source_url",
    "notes",
]

_DE_VRIES = (
    "de Vries 2023, 'The growing energy footprint of artificial intelligence', Joule 7(10), "
    "2191-2194, doi:10.1016/j.joule.2023.09.004"
)
_DGX_H100_GUIDE = (
    "NVIDIA DGX H100/H200 User Guide, Introduction (power specifications: six 3.3 kW power "
    "supplies, 4+2 redundancy, 10.2 kW max; seen quoted in stored text, unanswered.io "
    "'NVIDIA DGX power consumption', citing the guide)"
)
_DGX_H100_URL = "https://docs.nvidia.com/dgx/dgxh100-user-guide/introduction-to-dgxh100.html"

_ROWS: list[dict[str, object]] = [
    {
        "name": "DGX-A100",
        "aliases": "NVIDIA DGX A100;DGX A100 320GB;DGX A100 640GB;HGX A100",
        "vendor": "NVIDIA",
        "form": "server",
        "accelerator": "A100-40GB-SXM",
        "accelerators_per_server": 8,
        "max_system_power_kw": 6.5,
        "typical_power_kw": "",
        "release_year": 2020,
        "source": (
            "NVIDIA DGX A100 System User Guide (DU-09821-001, May 2020), power "
            "specifications: 6.5 kW max, six 3 kW power supplies (seen reported in stored "
            "text, pcnews.ru on NVIDIA's DGX A100 documentation); " + _DE_VRIES + " (6.5 kW "
            "per DGX A100 server)"
        ),
        "source_url": "https://docs.nvidia.com/dgx/dgxa100-user-guide/introduction-to-dgxa100.html",
        "notes": (
            "8 x A100 SXM4 (400 W each; the 640 GB model has 80 GB GPUs at the same TDP); "
            "HGX A100 aliases: OEM servers on the HGX A100 8-GPU baseboard differ by OEM, the "
            "DGX figure is their reference, as in de Vries 2023"
        ),
    },
    {
        "name": "DGX-H100",
        "aliases": "NVIDIA DGX H100;HGX H100",
        "vendor": "NVIDIA",
        "form": "server",
        "accelerator": "H100-SXM",
        "accelerators_per_server": 8,
        "max_system_power_kw": 10.2,
        "typical_power_kw": "",
        "release_year": 2022,
        "source": _DGX_H100_GUIDE + "; " + _DE_VRIES + " (10.2 kW per DGX H100 server)",
        "source_url": _DGX_H100_URL,
        "notes": (
            "8 x H100 SXM5 (700 W each); announced March 2022; HGX H100 aliases: OEM "
            "servers on the HGX H100 8-GPU baseboard differ by OEM, the DGX figure is their "
            "reference"
        ),
    },
    {
        "name": "DGX-H200",
        "aliases": "NVIDIA DGX H200;HGX H200",
        "vendor": "NVIDIA",
        "form": "server",
        "accelerator": "H200-SXM",
        "accelerators_per_server": 8,
        "max_system_power_kw": 10.2,
        "typical_power_kw": "",
        "release_year": 2024,
        "source": _DGX_H100_GUIDE,
        "source_url": _DGX_H100_URL,
        "notes": (
            "8 x H200 SXM (700 W each); the DGX H100/H200 user guide gives one power "
            "specification for both systems; HGX H200 aliases: OEM servers differ by OEM"
        ),
    },
    {
        "name": "DGX-B200",
        "aliases": "NVIDIA DGX B200",
        "vendor": "NVIDIA",
        "form": "server",
        "accelerator": "B200",
        "accelerators_per_server": 8,
        "max_system_power_kw": 14.3,
        "typical_power_kw": "",
        "release_year": 2024,
        "source": (
            "NVIDIA DGX B200 User Guide, Introduction to NVIDIA DGX B200 Systems, power "
            "specifications: six 3.3 kW power supplies (5+1 redundancy), 14.3 kW max"
        ),
        "source_url": "https://docs.nvidia.com/dgx/dgxb200-user-guide/introduction-to-dgxb200.html",
        "notes": "8 x B200 (1,000 W each), 2 x Intel Xeon 8570; 1,440 GB GPU memory",
    },
    {
        "name": "GB200-NVL72",
        "aliases": "DGX GB200 NVL72;NVIDIA GB200 NVL72;DGX GB200",
        "vendor": "NVIDIA",
        "form": "rack",
        "accelerator": "GB200",
        "accelerators_per_server": 72,
        "max_system_power_kw": 120,
        "typical_power_kw": "",
        "release_year": 2024,
        "source": (
            "ServeTheHome 2024, 'NVIDIA DGX GB200 NVL72' at GTC 2024 ('the 120kW flagship "
            "system stacked in a single rack'); NVIDIA DGX GB Rack Scale Systems User Guide "
            "(rack of 18 compute trays with 2 Grace CPUs and 4 Blackwell GPUs each, 9 NVLink "
            "switch trays, power shelves; no rack total in the stored text)"
        ),
        "source_url": "https://www.servethehome.com/?p=76755",
        "notes": (
            "one rack: 72 Blackwell GPUs, 36 Grace CPUs, liquid-cooled; the accelerator's "
            "TDP in accelerators.csv (per GPU) carries the Grace CPU's share; a trade-press "
            "figure reported from NVIDIA's GTC 2024 exhibit, not a datasheet: Supermicro's "
            "GB300 NVL72 racks carry 132 kW of power shelves (capacity of another system, "
            "not used)"
        ),
    },
]

#: Systems asked for but left out: no sourced system power was found (reason given).
NOT_SOURCED = {
    "TPU v4 host / pod": (
        "Jouppi et al. 2023 (ISCA, TPU v4) compare system power with the A100 but give no "
        "host or pod maximum power in the stored text; the chip's TDP is in accelerators.csv"
    ),
    "TPU v5p host / pod": "Google publishes no power for TPU v5p chips, hosts or pods",
    "AMD Instinct MI300X platform (8 x MI300X)": (
        "AMD publishes 750 W per MI300X OAM module but no maximum power of the 8-GPU "
        "platform or a reference server in the stored text; OEM servers differ"
    ),
}


def build_servers() -> pd.DataFrame:
    """The curated rows above, checked: unique names and aliases, positive powers."""
    df = pd.DataFrame(_ROWS, columns=COLUMNS)
    keys = [
        re.sub(r"[\s\-_/.]+", "", label.strip().lower())
        for name, aliases in zip(df.name, df.aliases, strict=True)
        for label in {name, *(a for a in aliases.split(";") if a.strip())}
    ]
    if len(keys) != len(set(keys)):
        raise ValueError("a server name or alias names two servers (or repeats the name)")
    if (df.max_system_power_kw <= 0).any():
        raise ValueError("a server's maximum power must be positive")
    return df


def build(sources: Path, out: Path) -> list[Path]:
    """Write ``servers.csv`` (no raw source file is read)."""
    del sources
    return [write_csv(build_servers(), out / "servers.csv")]
