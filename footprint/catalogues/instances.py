"""The cloud instance catalogue: which accelerators an instance type holds, and how many.

Data: ``datasets/cloud_instances.csv`` (see ``datasets/SOURCES.md``), one row per AWS
instance type, Google Cloud machine type or Azure VM size that holds AI accelerators,
each with its source. A billing export names instances, not accelerators: an hour of a
``p5.48xlarge`` is eight H100-hours (:mod:`footprint.analyses.batch.billing`).

Names match per provider, case-insensitively: AWS and Google Cloud as spelled
(``p5.48xlarge``, ``a3-highgpu-8g``; SageMaker's ``ml.`` prefix is dropped), Azure
without the ``Standard_`` prefix, separators or the accelerator's name, so that a VM size
(``Standard_ND96asr_v4``) and the meter names of cost exports (``ND96asr A100 v4``,
``ND96asr v4 Spot``) find the same row.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from footprint.data.loader import optional_float, read_records

__all__ = [
    "PROVIDERS",
    "Instance",
    "instance_key",
    "get_instance",
    "list_instances",
    "accelerator_type",
]

TABLE = "cloud_instances"
#: Providers of the catalogue (the ``provider`` of ``aws:us-east-1``).
PROVIDERS = ("aws", "gcp", "azure")

#: Words of Azure size and meter names that are not part of the size: the prefix and the
#: purchase option (``ND96asr v4 Spot``, ``Low Priority``).
_AZURE_NOISE = frozenset({"standard", "basic", "spot", "low", "priority"})
#: Accelerator words that Azure meter names add to some sizes (``ND96asr A100 v4`` is the
#: size ``Standard_ND96asr_v4``): matched without them when that names one size only.
_AZURE_ACCELERATOR_WORDS = frozenset({"a100", "h100", "h200", "mi300x", "a10", "t4", "v100"})


@dataclass(frozen=True)
class Instance:
    """One instance type of the catalogue."""

    provider: str
    instance_type: str
    accelerator: str
    accelerators: int
    vcpus: int | None
    memory_gib: float | None
    provider_accelerator: str
    source: str
    source_url: str


def instance_key(provider: str, name: str, strict: bool = True) -> str:
    """The key an instance type is matched by (see the module docstring); ``strict=False``
    also drops the accelerator words of Azure names."""
    text = name.strip().lower()
    if provider == "azure":
        drop = _AZURE_NOISE if strict else _AZURE_NOISE | _AZURE_ACCELERATOR_WORDS
        return "".join(w for w in re.split(r"[\s_\-]+", text) if w and w not in drop)
    if provider == "aws" and text.startswith("ml."):
        text = text[3:]
    return text


@cache
def _table() -> tuple[dict[tuple[str, str], Instance], dict[tuple[str, str], Instance]]:
    """(instances by strict key, by loose key where the loose key names one instance)."""
    out: dict[tuple[str, str], Instance] = {}
    loose: dict[tuple[str, str], list[Instance]] = {}
    for row in read_records(TABLE):
        vcpus = optional_float(row.get("vcpus", ""))
        inst = Instance(
            provider=row["provider"],
            instance_type=row["instance_type"],
            accelerator=row["accelerator"],
            accelerators=int(row["accelerators_per_instance"]),
            vcpus=None if vcpus is None else int(vcpus),
            memory_gib=optional_float(row.get("memory_gib", "")),
            provider_accelerator=row.get("provider_accelerator", ""),
            source=row.get("source", ""),
            source_url=row.get("source_url", ""),
        )
        out[(inst.provider, instance_key(inst.provider, inst.instance_type))] = inst
        key = (inst.provider, instance_key(inst.provider, inst.instance_type, strict=False))
        loose.setdefault(key, []).append(inst)
    return out, {k: v[0] for k, v in loose.items() if len(v) == 1}


def get_instance(provider: str, name: str) -> Instance | None:
    """The catalogue's row for instance type ``name`` of ``provider``, or None."""
    strict, loose = _table()
    hit = strict.get((provider, instance_key(provider, name)))
    if hit is None and provider == "azure":
        hit = loose.get((provider, instance_key(provider, name, strict=False)))
    return hit


def list_instances(provider: str | None = None) -> list[Instance]:
    """Every instance type of the catalogue (of ``provider`` if given)."""
    return [i for i in _table()[0].values() if provider is None or i.provider == provider]


@cache
def _accelerator_types() -> dict[frozenset[str], str]:
    """Google Cloud accelerator types (``nvidia-h100-80gb``) as sets of words -> accelerator."""
    out: dict[frozenset[str], str] = {}
    for inst in _table()[0].values():
        if inst.provider_accelerator:
            out[frozenset(inst.provider_accelerator.lower().split("-"))] = inst.accelerator
    return out


def accelerator_type(words: str) -> str | None:
    """The catalogue accelerator of a Google Cloud accelerator named in words, in any order:
    ``Nvidia H100 80GB Mega`` finds ``nvidia-h100-mega-80gb`` (H100-SXM); None if unknown."""
    key = frozenset(w for w in re.split(r"[\s_\-]+", words.strip().lower()) if w)
    return _accelerator_types().get(key)
