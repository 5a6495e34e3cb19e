"""Cloud instance types and the accelerators they hold, for reading billing exports.

Writes ``datasets/cloud_instances.csv``: one row per instance type (AWS), machine type
(Google Cloud) or VM size (Azure) that holds AI accelerators, with the accelerator (a name
``footprint.catalogues.hardware`` resolves), how many one instance holds, its vCPUs and
memory where the source gives them, the provider's own name of the accelerator where it
has one (Google Cloud's accelerator types, which its billing SKUs name), and the source.
``footprint.analyses.batch.billing`` reads it through ``footprint.catalogues.instances``:
an hour of a ``p5.48xlarge`` is eight H100-hours.

Columns: ``provider`` (aws, gcp, azure), ``instance_type`` (as the provider spells it),
``accelerator``, ``accelerators_per_instance``, ``vcpus`` and ``memory_gib`` (blank where
the source gives neither, or gives memory in GB), ``provider_accelerator`` (Google Cloud's
accelerator type, e.g. ``nvidia-h100-80gb``; blank elsewhere), ``source``, ``source_url``,
``notes``.

Sources, each row naming its own:

- AWS: the Amazon EC2 User Guide, "Accelerated computing instances", hardware
  specifications (the guide's public source, ``awsdocs/amazon-ec2-user-guide`` at commit
  e3707c4, June 2023: vCPUs, memory and accelerator count of g4dn, g5, p3, p4d, p4de, trn1,
  trn1n and inf2); the AWS Batch User Guide, "Run GPU jobs" (GPU count, GPU memory, vCPUs
  and memory of g6; seen in stored machine-translated copies of the page); the EC2 Capacity
  Blocks pricing page (p5.48xlarge: 8 x H100, 192 vCPUs, 2,048 GiB, 640 GB HBM3); AWS SDK
  release notes naming the GPUs of G6 (NVIDIA L4, 2024-04-04) and G6e (NVIDIA L40S,
  2024-09-23); and, where no AWS page with the figures was found, the instance tables of
  meta-pytorch/torchx (``named_resources_aws.py``: g6e sizes, p5e) and dstack (p5en),
  which copy the EC2 API's figures (said in those rows).
- Google Cloud: ``GoogleCloudPlatform/cluster-toolkit``
  (``modules/internal/gpu-definition/main.tf``, Apache-2.0): each accelerator-optimized
  machine type's accelerator type and count; the TPU hosts from gpuhunt (dstack, MPL-2.0;
  ``../shared/sources/gpuhunt-accelerator-memory/gcp_tpu_host_specs.csv``): vCPUs and the
  slice's total HBM, whose chip count is HBM / the chip's memory in ``accelerators.csv``.
- Azure: the VM size pages of Microsoft Learn (their public source,
  ``MicrosoftDocs/azure-compute-docs``, ``articles/virtual-machines/sizes/gpu-accelerated``).

Cross-checks from ``../shared/sources``: ML CO2 Impact's ``instances.csv`` (MIT) names
the GPU of p3 (Tesla V100) and g4dn (T4) instances, as here. Nothing is estimated: an
instance type without a sourced accelerator and count is left out (:data:`NOT_SOURCED`).
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from datasets._common import write_csv

COLUMNS = [
    "provider",
    "instance_type",
    "accelerator",
    "accelerators_per_instance",
    "vcpus",
    "memory_gib",
    "provider_accelerator",
    "source",
    "source_url",
    "notes",
]

# --------------------------------------------------------------------------- AWS

_EC2_GUIDE = (
    "Amazon EC2 User Guide, 'Linux accelerated computing instances', hardware "
    "specifications (awsdocs/amazon-ec2-user-guide doc_source/accelerated-computing-"
    "instances.md at commit e3707c4, 2023-06-15)"
)
_EC2_GUIDE_URL = (
    "https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/accelerated-computing-instances.html"
)
_MLCO2 = "ML CO2 Impact instances.csv (mlco2/impact, MIT) names the GPU: {gpu}"
_BATCH_GUIDE = (
    "AWS Batch User Guide, 'Run GPU jobs', supported instance types (GPUs, GPU memory, "
    "vCPUs, memory; seen in stored machine-translated copies of the page)"
)
_BATCH_URL = "https://docs.aws.amazon.com/batch/latest/userguide/gpu-jobs.html"
_G6_GPU = (
    "AWS SDK release notes 2024-04-04 (aws-sdk-go v1.51.15, service/ec2): 'Amazon EC2 G6 "
    "instances powered by NVIDIA L4 Tensor Core GPUs'"
)
_G6E_GPU = (
    "AWS SDK release notes 2024-09-23 (aws-sdk-js-v3 3.657.0, client-ec2): 'Amazon EC2 G6e "
    "instances powered by NVIDIA L40S Tensor Core GPUs'"
)
_TORCHX_G6E = (
    "meta-pytorch/torchx named_resources_aws.py, PR #969 (2024-11-05, 'add aws_g6e "
    "instances'): vCPUs, GPUs and memory of each g6e size"
)
_CAPACITY_BLOCKS = (
    "Amazon EC2 Capacity Blocks for ML pricing page (stored copy): 'p5.48xlarge ... 8 x H100 "
    "192 [vCPU] 2048 GiB 640 GB HBM3'"
)
_CAPACITY_BLOCKS_URL = "https://aws.amazon.com/ec2/capacityblocks/pricing/"


def _aws(
    instance: str,
    accelerator: str,
    count: int,
    vcpus: int | str,
    memory: float | str,
    source: str,
    url: str,
    notes: str = "",
) -> dict[str, object]:
    return {
        "provider": "aws",
        "instance_type": instance,
        "accelerator": accelerator,
        "accelerators_per_instance": count,
        "vcpus": vcpus,
        "memory_gib": memory,
        "provider_accelerator": "",
        "source": source,
        "source_url": url,
        "notes": notes,
    }


_G4DN_NOTE = "G4dn: NVIDIA Tesla GPUs with 16 GiB GDDR6 each (EC2 User Guide): the T4"
_G5_NOTE = "G5: up to 8 NVIDIA A10G GPUs (EC2 User Guide)"
_P3_NOTE = (
    "P3: NVIDIA Tesla V100 with NVLink (EC2 User Guide), the SXM2 module; 16 GiB per GPU "
    "(AWS Batch User Guide: 16 GiB on p3.2xlarge's one GPU)"
)
_P4_NOTE = (
    "P4d: NVIDIA A100 with NVSwitch (EC2 User Guide), the SXM4 module; 320 GB HBM2 for 8 "
    "GPUs (Capacity Blocks pricing): 40 GB each"
)
_TRN_NOTE = "Trn1/Trn1n: Trainium accelerators per instance from the guide's note"
_INF2_NOTE = "Inf2: AWS Inferentia2 chips ('inference accelerators' in the guide's table)"

_AWS_ROWS: list[dict[str, object]] = [
    *(
        _aws(
            f"g4dn.{size}",
            "T4",
            n,
            cpu,
            mem,
            _EC2_GUIDE + "; " + _MLCO2.format(gpu="T4"),
            _EC2_GUIDE_URL,
            _G4DN_NOTE,
        )
        for size, n, cpu, mem in (
            ("xlarge", 1, 4, 16),
            ("2xlarge", 1, 8, 32),
            ("4xlarge", 1, 16, 64),
            ("8xlarge", 1, 32, 128),
            ("12xlarge", 4, 48, 192),
            ("16xlarge", 1, 64, 256),
            ("metal", 8, 96, 384),
        )
    ),
    *(
        _aws(f"g5.{size}", "A10G", n, cpu, mem, _EC2_GUIDE, _EC2_GUIDE_URL, _G5_NOTE)
        for size, n, cpu, mem in (
            ("xlarge", 1, 4, 16),
            ("2xlarge", 1, 8, 32),
            ("4xlarge", 1, 16, 64),
            ("8xlarge", 1, 32, 128),
            ("12xlarge", 4, 48, 192),
            ("16xlarge", 1, 64, 256),
            ("24xlarge", 4, 96, 384),
            ("48xlarge", 8, 192, 768),
        )
    ),
    *(
        _aws(
            f"g6.{size}",
            "L4",
            n,
            cpu,
            mem,
            _BATCH_GUIDE + "; " + _G6_GPU,
            _BATCH_URL,
            "G6: NVIDIA L4, 24 GiB GPU memory each (AWS Batch User Guide)"
            + (
                ""
                if cpu
                else "; the stored copy cuts off after the GPU count: vCPUs and memory not sourced"
            ),
        )
        for size, n, cpu, mem in (
            ("xlarge", 1, 4, 16),
            ("2xlarge", 1, 8, 32),
            ("4xlarge", 1, 16, 64),
            ("8xlarge", 1, 32, 128),
            ("16xlarge", 1, 64, 256),
            ("12xlarge", 4, "", ""),
        )
    ),
    *(
        _aws(
            f"g6e.{size}",
            "L40S",
            n,
            cpu,
            mem,
            _TORCHX_G6E + "; " + _G6E_GPU,
            "https://github.com/meta-pytorch/torchx/pull/969",
            "no AWS page with per-size figures was found in stored text: torchx's table (third "
            "party, from the EC2 API) gives them; one trade article lists g6e.2xlarge with 2 "
            "GPUs, against torchx and the pattern of g5/g6 (one GPU up to 16xlarge)"
            + (
                "; Red Hat OpenShift ROSA docs: g6e.48xlarge 192 vCPU, 1,536 GiB"
                if size == "48xlarge"
                else ""
            ),
        )
        for size, n, cpu, mem in (
            ("xlarge", 1, 4, 32),
            ("2xlarge", 1, 8, 64),
            ("4xlarge", 1, 16, 128),
            ("8xlarge", 1, 32, 256),
            ("16xlarge", 1, 64, 512),
            ("12xlarge", 4, 48, 384),
            ("24xlarge", 4, 96, 768),
            ("48xlarge", 8, 192, 1536),
        )
    ),
    *(
        _aws(
            f"p3.{size}",
            "V100-SXM2-16GB",
            n,
            cpu,
            mem,
            _EC2_GUIDE + "; " + _MLCO2.format(gpu="Tesla V100"),
            _EC2_GUIDE_URL,
            _P3_NOTE,
        )
        for size, n, cpu, mem in (
            ("2xlarge", 1, 8, 61),
            ("8xlarge", 4, 32, 244),
            ("16xlarge", 8, 64, 488),
        )
    ),
    _aws(
        "p3dn.24xlarge",
        "V100-SXM2-32GB",
        8,
        96,
        768,
        _EC2_GUIDE + "; " + _MLCO2.format(gpu="Tesla V100"),
        _EC2_GUIDE_URL,
        "P3: V100 with NVLink (SXM2); p3dn: 256 GiB GPU memory for 8 GPUs (AWS Batch User "
        "Guide): 32 GiB each",
    ),
    _aws(
        "p4d.24xlarge",
        "A100-40GB-SXM",
        8,
        96,
        1152,
        _EC2_GUIDE + "; Amazon EC2 Capacity Blocks for ML pricing page (stored copy): "
        "'p4d.24xlarge ... 8 x A100 96 [vCPU] 1152 GiB 320 GB HBM2'",
        _EC2_GUIDE_URL,
        _P4_NOTE,
    ),
    _aws(
        "p4de.24xlarge",
        "A100-80GB-SXM",
        8,
        96,
        1152,
        _EC2_GUIDE + " ('P4de instances offer NVIDIA 80GB-A100s GPUs')",
        _EC2_GUIDE_URL,
        "P4de: the 80 GB A100 on the P4d platform (NVSwitch, SXM4)",
    ),
    _aws(
        "p5.48xlarge",
        "H100-SXM",
        8,
        192,
        2048,
        _CAPACITY_BLOCKS
        + "; silicon.fr (2023) on Capacity Blocks: 'P5 (192 vCPU, 2 To de RAM, 8 GPU H100-80')",
        _CAPACITY_BLOCKS_URL,
        "640 GB HBM3 for 8 GPUs: 80 GB HBM3, the H100 SXM5 module (the PCIe card has HBM2e)",
    ),
    _aws(
        "p5e.48xlarge",
        "H200-SXM",
        8,
        192,
        2048,
        "meta-pytorch/torchx named_resources_aws.py, PR #1098 (2025-08-15, 'add aws p5e "
        "instance type'): 192 vCPU, 8 GPUs, 2048 GiB; EC2 Capacity Blocks pricing page "
        "(stored copy): an '8 x H200 ... 2048 GiB 1128 GB HBM3' row (its instance name cut "
        "off); Amazon EC2 User Guide, 'How Capacity Blocks work' (p5e reservable)",
        "https://github.com/meta-pytorch/torchx/pull/1098",
        "third-party table for the count (from the EC2 API), AWS's pricing page for the GPU: "
        "1,128 GB HBM3e for 8 GPUs is 141 GB each, the H200",
    ),
    _aws(
        "p5en.48xlarge",
        "H200-SXM",
        8,
        192,
        2048,
        "dstack PR #4110 ('Add AWS p5en.48xlarge (8:H200 + Sapphire Rapids)': EC2 offers "
        "cpu=192 mem=2048GB gpu=H200:141GB:8); meta-pytorch/torchx PR #995 (p5en.48xlarge: "
        "192 vCPU, 8 GPUs, 2048 GiB)",
        "https://github.com/dstackai/dstack/pull/4110",
        "third-party listings of the EC2 API's figures; no AWS page with the count was found "
        "in stored text",
    ),
    *(
        _aws(f"trn1.{size}", "Trainium1", n, cpu, mem, _EC2_GUIDE, _EC2_GUIDE_URL, _TRN_NOTE)
        for size, n, cpu, mem in (("2xlarge", 1, 8, 32), ("32xlarge", 16, 128, 512))
    ),
    _aws("trn1n.32xlarge", "Trainium1", 16, 128, 512, _EC2_GUIDE, _EC2_GUIDE_URL, _TRN_NOTE),
    *(
        _aws(f"inf2.{size}", "Inferentia2", n, cpu, mem, _EC2_GUIDE, _EC2_GUIDE_URL, _INF2_NOTE)
        for size, n, cpu, mem in (
            ("xlarge", 1, 4, 16),
            ("8xlarge", 1, 32, 128),
            ("24xlarge", 6, 96, 384),
            ("48xlarge", 12, 192, 768),
        )
    ),
]

# --------------------------------------------------------------------------- Google Cloud

_TOOLKIT = (
    "GoogleCloudPlatform/cluster-toolkit modules/internal/gpu-definition/main.tf at commit "
    "147e356 (Apache-2.0): accelerator type and count of each machine type"
)
_TOOLKIT_URL = (
    "https://github.com/GoogleCloudPlatform/cluster-toolkit/blob/"
    "147e356daa102ed18352faf7ef9f1075fa01e379/modules/internal/gpu-definition/main.tf"
)
#: Google Cloud accelerator type -> catalogue accelerator, with why.
_GCP_TYPES: dict[str, tuple[str, str]] = {
    "nvidia-tesla-a100": (
        "A100-40GB-SXM",
        "A100 40GB; the SXM4 module: a2-megagpu-16g links 16 of them by NVSwitch, which "
        "PCIe cards lack",
    ),
    "nvidia-a100-80gb": ("A100-80GB-SXM", "A100 80GB on the A2 (SXM4, NVSwitch) platform"),
    "nvidia-h100-80gb": ("H100-SXM", "H100 80GB: Google's 'GPU machine types' page names H100 SXM"),
    "nvidia-h100-mega-80gb": (
        "H100-SXM",
        "H100 80GB (SXM); 'mega' is A3 Mega's network, not another GPU",
    ),
    "nvidia-h200-141gb": ("H200-SXM", "H200 141GB: Google's 'GPU machine types' page: H200 SXM"),
    "nvidia-b200": ("B200", "B200"),
    "nvidia-gb200": (
        "GB200",
        "GB200: counted per Blackwell GPU (4 per a4x-highgpu-4g), as accelerators.csv counts it",
    ),
    "nvidia-l4": ("L4", "L4"),
}
_GCP_MACHINES: tuple[tuple[str, str, int], ...] = (
    ("a2-highgpu-1g", "nvidia-tesla-a100", 1),
    ("a2-highgpu-2g", "nvidia-tesla-a100", 2),
    ("a2-highgpu-4g", "nvidia-tesla-a100", 4),
    ("a2-highgpu-8g", "nvidia-tesla-a100", 8),
    ("a2-megagpu-16g", "nvidia-tesla-a100", 16),
    ("a2-ultragpu-1g", "nvidia-a100-80gb", 1),
    ("a2-ultragpu-2g", "nvidia-a100-80gb", 2),
    ("a2-ultragpu-4g", "nvidia-a100-80gb", 4),
    ("a2-ultragpu-8g", "nvidia-a100-80gb", 8),
    ("a3-highgpu-1g", "nvidia-h100-80gb", 1),
    ("a3-highgpu-2g", "nvidia-h100-80gb", 2),
    ("a3-highgpu-4g", "nvidia-h100-80gb", 4),
    ("a3-highgpu-8g", "nvidia-h100-80gb", 8),
    ("a3-megagpu-8g", "nvidia-h100-mega-80gb", 8),
    ("a3-ultragpu-8g", "nvidia-h200-141gb", 8),
    ("a4-highgpu-8g", "nvidia-b200", 8),
    ("a4x-highgpu-4g", "nvidia-gb200", 4),
    ("g2-standard-4", "nvidia-l4", 1),
    ("g2-standard-8", "nvidia-l4", 1),
    ("g2-standard-12", "nvidia-l4", 1),
    ("g2-standard-16", "nvidia-l4", 1),
    ("g2-standard-24", "nvidia-l4", 2),
    ("g2-standard-32", "nvidia-l4", 1),
    ("g2-standard-48", "nvidia-l4", 4),
    ("g2-standard-96", "nvidia-l4", 8),
)
_GCP_BILLING_NOTE = (
    "Google Cloud bills accelerator-optimized machine types 'for their attached GPUs, "
    "predefined vCPU, memory' separately (accelerator-optimized machine family page): the "
    "GPU SKU rows of a billing export carry the GPU time"
)
_GPUHUNT = (
    "gpuhunt 0.1.34 (dstack, MPL-2.0), gcp_tpu_host_specs.csv (from TPU_HARDWARE_SPECS in "
    "gpuhunt/providers/gcp.py): host vCPUs and the slice's HBM; chips = HBM / the chip's "
    "memory in accelerators.csv"
)
_GPUHUNT_URL = "https://github.com/dstackai/gpuhunt/blob/main/src/gpuhunt/providers/gcp.py"
#: TPU slice prefix -> catalogue accelerator.
_TPU_TYPES = {"v2": "TPU-v2", "v3": "TPU-v3", "v5litepod": "TPU-v5e", "v6e": "TPU-v6e"}


def _gcp_rows(sources: Path, accelerators: pd.DataFrame) -> list[dict[str, object]]:
    rows: list[dict[str, object]] = []
    for machine, kind, count in _GCP_MACHINES:
        name, why = _GCP_TYPES[kind]
        rows.append(
            {
                "provider": "gcp",
                "instance_type": machine,
                "accelerator": name,
                "accelerators_per_instance": count,
                "vcpus": "",
                "memory_gib": "",
                "provider_accelerator": kind,
                "source": _TOOLKIT,
                "source_url": _TOOLKIT_URL,
                "notes": f"{why}; {_GCP_BILLING_NOTE}",
            }
        )
    tpu = pd.read_csv(sources / "gpuhunt-accelerator-memory" / "gcp_tpu_host_specs.csv")
    memory = accelerators.set_index("name")["memory_gb"]
    for r in tpu.itertuples(index=False):
        prefix = str(r.tpu_type).rsplit("-", 1)[0]
        name = _TPU_TYPES.get(prefix)
        if name is None:
            continue  # v5p-8: see NOT_SOURCED
        chips = float(r.hbm_gb_total) / float(memory[name])
        if chips != int(chips) or chips < 1:
            raise ValueError(f"{r.tpu_type}: HBM {r.hbm_gb_total} GB is not whole {name} chips")
        rows.append(
            {
                "provider": "gcp",
                "instance_type": r.tpu_type,
                "accelerator": name,
                "accelerators_per_instance": int(chips),
                "vcpus": int(r.host_vcpu),
                "memory_gib": "",
                "provider_accelerator": "",
                "source": _GPUHUNT,
                "source_url": _GPUHUNT_URL,
                "notes": (
                    f"TPU slice: {r.hbm_gb_total:g} GB HBM / {memory[name]:g} GB per {name} chip "
                    f"= {int(chips)} chips; host memory {r.host_memory_gb:g} GB (GB, not GiB: "
                    "left out of memory_gib)"
                ),
            }
        )
    return rows


# --------------------------------------------------------------------------- Azure

_LEARN = "https://learn.microsoft.com/azure/virtual-machines/sizes/gpu-accelerated/"
_AZURE_DOCS = (
    "Microsoft Learn, {page} size series (MicrosoftDocs/azure-compute-docs "
    "articles/virtual-machines/sizes/gpu-accelerated/{file}): {what}"
)
_AZURE: tuple[tuple[str, str, int, int, int, str, str, str], ...] = (
    (
        "Standard_ND96isr_H100_v5",
        "H100-SXM",
        8,
        96,
        1900,
        "ND-H100-v5",
        "ndh100v5-series",
        "'8 GPUs, Nvidia H100 GPU (80GB)', NVLink 4.0 within the VM: the SXM5 module",
    ),
    (
        "Standard_ND96isr_H200_v5",
        "H200-SXM",
        8,
        96,
        1850,
        "ND-H200-v5",
        "nd-h200-v5-series",
        "'8 GPUs, Nvidia H200 GPU (141GB)'",
    ),
    (
        "Standard_ND96asr_v4",
        "A100-40GB-SXM",
        8,
        96,
        900,
        "NDasrA100_v4 (ND A100 v4)",
        "ndasra100v4-series",
        "'8 GPUs, Nvidia A100 GPU (40GB)', NVLink 3.0 within the VM: the SXM4 module",
    ),
    (
        "Standard_ND96amsr_A100_v4",
        "A100-80GB-SXM",
        8,
        96,
        1900,
        "NDm_A100_v4",
        "ndma100v4-series",
        "'8 GPUs, Nvidia A100 GPU (80GB)' on the ND A100 v4 (NVLink, SXM4) platform",
    ),
    (
        "Standard_NC24ads_A100_v4",
        "A100-80GB-PCIe",
        1,
        24,
        220,
        "NC_A100_v4",
        "nca100v4-series",
        "'NVIDIA A100 PCIe GPUs with 80 GB memory each'",
    ),
    (
        "Standard_NC48ads_A100_v4",
        "A100-80GB-PCIe",
        2,
        48,
        440,
        "NC_A100_v4",
        "nca100v4-series",
        "'NVIDIA A100 PCIe GPUs with 80 GB memory each'",
    ),
    (
        "Standard_NC96ads_A100_v4",
        "A100-80GB-PCIe",
        4,
        96,
        880,
        "NC_A100_v4",
        "nca100v4-series",
        "'NVIDIA A100 PCIe GPUs with 80 GB memory each'",
    ),
    (
        "Standard_NC40ads_H100_v5",
        "H100-NVL",
        1,
        40,
        320,
        "NCads_H100_v5",
        "ncadsh100v5-series",
        "'Nvidia PCIe H100 GPU (94GB)': the 94 GB PCIe H100 is the H100 NVL",
    ),
    (
        "Standard_NC80adis_H100_v5",
        "H100-NVL",
        2,
        80,
        640,
        "NCads_H100_v5",
        "ncadsh100v5-series",
        "'Nvidia PCIe H100 GPU (94GB)': the 94 GB PCIe H100 is the H100 NVL",
    ),
    (
        "Standard_ND96isr_MI300X_v5",
        "MI300X",
        8,
        96,
        1850,
        "ND-MI300X-v5",
        "ndmi300xv5-series",
        "8 accelerators, 1,535 GB accelerator memory (192 GB each: the MI300X)",
    ),
)


def _azure_rows() -> list[dict[str, object]]:
    return [
        {
            "provider": "azure",
            "instance_type": size,
            "accelerator": name,
            "accelerators_per_instance": n,
            "vcpus": cpu,
            "memory_gib": mem,
            "provider_accelerator": "",
            "source": _AZURE_DOCS.format(page=page, file=f"{file}.md", what=what),
            "source_url": _LEARN + file,
            "notes": "vCPUs and memory from the page's 'Sizes in series' table",
        }
        for size, name, n, cpu, mem, page, file, what in _AZURE
    ]


#: Instance types asked for or met, left out: no sourced accelerator and count (why).
NOT_SOURCED = {
    "aws p5.4xlarge": "named in third-party docs only; no source gives its GPU count",
    "aws g6.24xlarge, g6.48xlarge": "the stored copies of AWS's table end before them",
    "aws p6-b200, p6e-gb200, trn2": "no stored AWS text with their accelerator counts",
    "aws p2, g3, g4ad, g5g, inf1, dl1, dl2q": (
        "sourced (EC2 User Guide) but their accelerators (K80, M60, Radeon Pro V520, T4G, "
        "Inferentia 1, Gaudi 1, Qualcomm AI 100) are not in accelerators.csv"
    ),
    "gcp a3-edgegpu-8g": "not in the cluster toolkit's table; no count found",
    "gcp g4-standard-*": "NVIDIA RTX PRO 6000 is not in accelerators.csv",
    "gcp TPU v4 and v5p slices": (
        "gpuhunt lists no v4 host; its v5p-8 HBM (95 GB) is one chip's, not the slice's"
    ),
    "gcp N1 with attached GPUs": (
        "not a machine type: billing exports name the GPU in its SKU, read from there"
    ),
    "azure ND GB200 v6, ND GB300 v6, NC/NV/NG series (T4, V100, A10, Radeon)": (
        "not read yet: pages exist in MicrosoftDocs/azure-compute-docs; the A10 and Radeon "
        "sizes are GPU partitions"
    ),
}


def build_instances(sources: Path, accelerators: pd.DataFrame) -> pd.DataFrame:
    """The sourced rows, checked: unique (provider, instance type), known accelerators."""
    df = pd.DataFrame(
        [*_AWS_ROWS, *_gcp_rows(sources, accelerators), *_azure_rows()], columns=COLUMNS
    )
    if df.duplicated(["provider", "instance_type"]).any():
        raise ValueError("an instance type appears twice")
    labels = {
        re.sub(r"[\s\-_/.]+", "", label.lower())
        for name, aliases in zip(accelerators.name, accelerators.aliases.fillna(""), strict=True)
        for label in (name, *aliases.split(";"))
        if label.strip()
    }
    unknown = sorted(
        {a for a in df.accelerator if re.sub(r"[\s\-_/.]+", "", a.lower()) not in labels}
    )
    if unknown:
        raise ValueError(f"accelerators not in accelerators.csv: {unknown}")
    if (df.accelerators_per_instance < 1).any():
        raise ValueError("an instance holds no accelerator")
    return df.sort_values(["provider", "instance_type"], kind="stable").reset_index(drop=True)


def build(sources: Path, out: Path) -> list[Path]:
    """Write ``cloud_instances.csv`` (reads ``accelerators.csv``, built first, and gpuhunt's
    TPU host table from ``sources``)."""
    accelerators = pd.read_csv(out / "accelerators.csv")
    return [write_csv(build_instances(sources, accelerators), out / "cloud_instances.csv")]
