"""Cloud billing exports as job rows: AWS CUR / Data Exports, Google Cloud billing export
(BigQuery, flattened to CSV or Parquet) and Azure cost exports.

A billing export has one row per resource, usage type and period; the rows that bill an
accelerator instance's time become the batch's job rows, and every other row is rejected
with a reason code, so that rows in = rows out + rows rejected still holds:

``no_accelerator``
    another service (storage, network, tax...) or an instance without accelerators;
``not_usage``
    a row of an accelerator instance that bills no running time of it: a fee, tax,
    credit, savings-plan negation, reservation fee or unused reservation, licence,
    commitment, or (Google Cloud) the vCPU and memory of an accelerator VM, whose GPUs
    are billed on their own GPU rows;
``unknown_instance``
    an accelerator instance type (or GPU SKU) that ``cloud_instances.csv`` does not hold.

Each job row gives ``job_id`` (resource id and usage start, made unique), ``accelerator``
and ``count`` (accelerators per instance, ``footprint.catalogues.instances``),
``duration`` (the usage in hours: accelerator-hours = usage hours x count) or
``gpu_hours`` (Google Cloud's GPU SKUs bill GPU time already), ``region``
(``aws:us-east-1``, ``gcp:us-central1``, ``azure:eastus``: unknown ones are rejected by the
batch as ``unknown_region``), ``start`` and ``project`` (account, project or
subscription), and carries ``billing_provider``, ``instance_type``, ``usage_type`` (usage
type, SKU or meter), ``usage_amount``, ``usage_unit``, ``resource_id``, ``billed_cost`` and
``billed_currency``. Cells are passed to the batch as text: a bad amount or start is then
rejected by the batch's own rules (``bad_duration``, ``bad_timestamp``).

The format is detected from the header (:func:`detect`); column names match in any of
their spellings (``lineItem/UsageType``, ``line_item_usage_type``; ``sku.description``,
``sku_description``; ``MeterCategory``, ``meterCategory``).
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from footprint.catalogues.hardware import get_accelerator
from footprint.catalogues.instances import Instance, accelerator_type, get_instance
from footprint.core.errors import InputError, UnknownNameError

__all__ = [
    "BILLING_PROVIDERS",
    "BILLING_COLUMNS",
    "BillingReader",
    "BillingRows",
    "canonical",
    "detect",
]

BILLING_PROVIDERS = ("aws", "gcp", "azure")

#: Columns of the job rows a billing export becomes (the batch's input columns first).
BILLING_COLUMNS = (
    "job_id",
    "accelerator",
    "count",
    "duration",
    "gpu_hours",
    "region",
    "start",
    "project",
    "billing_provider",
    "instance_type",
    "usage_type",
    "usage_amount",
    "usage_unit",
    "resource_id",
    "billed_cost",
    "billed_currency",
)

#: Each provider's columns (canonical spelling, :func:`canonical`), first present wins.
_COLUMNS: dict[str, dict[str, tuple[str, ...]]] = {
    "aws": {
        "usage_type": ("line_item_usage_type",),
        "instance": ("product_instance_type",),
        "amount": ("line_item_usage_amount",),
        "unit": ("pricing_unit",),
        "line_type": ("line_item_line_item_type",),
        "region": ("product_region_code", "product_region"),
        "start": ("line_item_usage_start_date",),
        "resource": ("line_item_resource_id",),
        "project": ("line_item_usage_account_id", "bill_payer_account_id"),
        "cost": ("line_item_unblended_cost", "line_item_net_unblended_cost"),
        "currency": ("line_item_currency_code",),
    },
    "gcp": {
        "sku": ("sku_description",),
        "amount": ("usage_amount", "usage_amount_in_pricing_units"),
        "unit": ("usage_unit", "usage_pricing_unit"),
        "cost_type": ("cost_type",),
        "region": ("location_region",),
        "zone": ("location_zone",),
        "start": ("usage_start_time",),
        "resource": ("resource_global_name", "resource_name"),
        "project": ("project_id", "project_name"),
        "cost": ("cost",),
        "currency": ("currency",),
        "machine": (
            "system_labels_compute_googleapis_com_machine_spec",
            "machine_spec",
            "machine_type",
        ),
        "labels": ("system_labels",),
    },
    "azure": {
        "category": ("meter_category",),
        "meter": ("meter_name",),
        "subcategory": ("meter_sub_category",),
        "product": ("product_name", "product"),
        "size": ("additional_info_service_type", "service_type", "vm_size"),
        "info": ("additional_info",),
        "amount": ("quantity", "usage_quantity"),
        "unit": ("unit_of_measure",),
        "charge_type": ("charge_type",),
        "region": ("resource_location", "location"),
        "start": ("date", "usage_date_time", "usage_date"),
        "resource": ("resource_id", "instance_id", "instance_name"),
        "project": ("subscription_id", "subscription_guid", "subscription_name"),
        "cost": ("cost_in_billing_currency", "cost", "pre_tax_cost"),
        "currency": ("billing_currency_code", "billing_currency", "currency"),
    },
}

#: Columns each format needs (one of each tuple).
_REQUIRED: dict[str, tuple[tuple[str, ...], ...]] = {
    "aws": (("usage_type", "instance"), ("amount",)),
    "gcp": (("sku",), ("amount",)),
    "azure": (("category", "meter", "size"), ("amount",)),
}

#: AWS line item types that bill an instance's running time.
_AWS_USAGE_LINES = frozenset({"usage", "discountedusage", "savingsplancoveredusage"})
#: AWS usage-type kinds (before the ':') that name an instance but bill no running time.
_AWS_NOT_RUNNING = frozenset(
    {"ebsoptimized", "unusedbox", "unusedded", "heavyusage", "unusedcapacityreservation"}
)
#: AWS instance families that hold accelerators (GPUs, Trainium, Inferentia, Gaudi).
_AWS_ACCELERATOR_FAMILY = re.compile(r"^(?:ml\.)?(?:p|g|gr|trn|inf|dl)\d", re.IGNORECASE)
#: An AWS usage type naming an instance: optional region prefix, kind, ':', instance type.
_AWS_USAGE_TYPE = re.compile(
    r"^(?:[A-Za-z0-9]+-)?(?P<kind>[A-Za-z]+):(?P<instance>(?:ml\.)?[a-z0-9][a-z0-9-]*\.[a-z0-9-]+)$"
)
#: Google Cloud SKU of a GPU: "Nvidia H100 80GB GPU running in Americas".
_GCP_GPU_SKU = re.compile(r"\b(?P<gpu>nvidia\b.*?)\s+gpu\b", re.IGNORECASE)
#: Google Cloud machine series holding accelerators (their vCPU/RAM rows bill no GPU).
_GCP_ACCELERATOR_MACHINE = re.compile(r"^(?:a2|a3|a4|a4x|g2|g4|ct\d\w*)-", re.IGNORECASE)
#: Google Cloud SKUs of an accelerator VM's vCPUs and memory: "A3 Instance Core running in...".
_GCP_ACCELERATOR_SKU = re.compile(r"^(?:a2|a3|a4x?|g2|g4)\b.*\binstance\b", re.IGNORECASE)
#: Azure VM sizes of the N family (GPU sizes).
_AZURE_GPU_SIZE = re.compile(r"^(?:standard_)?n[a-z]*\d", re.IGNORECASE)
#: Units of usage amounts, as the batch's quantity parser reads them.
_UNITS = {
    "hrs": "h",
    "hr": "h",
    "hour": "h",
    "hours": "h",
    "h": "h",
    "seconds": "s",
    "second": "s",
    "s": "s",
    "sec": "s",
    "minutes": "min",
    "minute": "min",
    "min": "min",
}


def canonical(name: str) -> str:
    """A column name in one spelling: ``lineItem/UsageType``, ``line_item_usage_type`` and
    ``LineItem UsageType`` all give ``line_item_usage_type``."""
    text = re.sub(r"([a-z0-9])([A-Z])", r"\1_\2", str(name).strip())
    return re.sub(r"[^0-9a-z]+", "_", text.lower()).strip("_")


def detect(header: Sequence[str]) -> str | None:
    """The provider whose billing export ``header`` is, or None for a job log."""
    names = {canonical(h) for h in header}
    if "line_item_usage_type" in names or "line_item_usage_amount" in names:
        return "aws"
    if "sku_description" in names and names & {"usage_amount", "usage_amount_in_pricing_units"}:
        return "gcp"
    if names & {"meter_category", "meter_name"} and names & {"quantity", "usage_quantity"}:
        return "azure"
    return None


@dataclass
class BillingRows:
    """One chunk of a billing export as job rows: every row in :data:`BILLING_COLUMNS`,
    which rows are jobs, and the reason code and reason of the others."""

    frame: pd.DataFrame
    keep: np.ndarray
    codes: np.ndarray
    reasons: np.ndarray


@dataclass(frozen=True)
class _Class:
    """What one distinct billing row says: a job (code None) or a reject, and its instance."""

    code: str | None
    reason: str | None
    instance: Instance | None = None
    accelerator: str | None = None
    name: str | None = None


class BillingReader:
    """Turns chunks of one billing export into job rows (:meth:`rows`).

    Parameters
    ----------
    header : sequence of str
        The export's column names.
    provider : {"aws", "gcp", "azure"}, optional
        Forced format; detected from the header when not given.
    where : str or path, optional
        Named in messages.

    Raises
    ------
    InputError
        Not a billing export (when not forced), an unknown provider, or a column the
        format needs is missing.
    """

    def __init__(
        self, header: Sequence[str], provider: str | None = None, where: Any = "input"
    ) -> None:
        where = str(where) if isinstance(where, Path) else where
        if provider is not None and provider not in BILLING_PROVIDERS:
            raise InputError(
                f"--billing: expected {', '.join(BILLING_PROVIDERS)}, got {provider!r}"
            )
        found = detect(header)
        if provider is None:
            if found is None:
                raise InputError(f"{where}: not a billing export (no AWS, GCP or Azure columns)")
            provider = found
        self.provider = provider
        by_canon: dict[str, str] = {}
        for h in header:
            by_canon.setdefault(canonical(h), h)
        self.columns: dict[str, str] = {}
        for key, names in _COLUMNS[provider].items():
            for name in names:
                if name in by_canon:
                    self.columns[key] = by_canon[name]
                    break
        missing = [
            " or ".join(_COLUMNS[provider][k][0] for k in need)
            for need in _REQUIRED[provider]
            if not any(k in self.columns for k in need)
        ]
        if missing:
            raise InputError(
                f"{where}: not a {_LABEL[provider]}: missing column(s) {', '.join(missing)}"
            )
        self._seen_keys = np.empty(0, dtype=np.uint64)  # sorted hashes of the job ids met
        self._seen_counts = np.empty(0, dtype=np.int64)
        self._cache: dict[tuple[str, ...], _Class] = {}
        self.notes = (
            f"billing export ({_LABEL[provider]}): each usage row of an accelerator instance "
            "is a job, accelerator-hours = usage hours x accelerators per instance "
            "(cloud_instances.csv); every other row is a reject with its reason "
            "(no_accelerator: another service or a CPU instance; not_usage: a fee, credit, "
            "reservation or the CPU/RAM of a GPU VM; unknown_instance)",
        )

    # ------------------------------------------------------------------ cells

    def _text(self, frame: pd.DataFrame, key: str) -> pd.Series:
        """Column ``key`` as stripped text, None where missing or empty."""
        name = self.columns.get(key)
        if name is None:
            return pd.Series([None] * len(frame), index=frame.index, dtype=object)
        series = frame[name]
        if pd.api.types.is_datetime64_any_dtype(series.dtype):
            t = series if getattr(series.dtype, "tz", None) else series.dt.tz_localize("UTC")
            text = t.dt.tz_convert("UTC").dt.strftime("%Y-%m-%dT%H:%M:%SZ")
        else:
            text = series.astype("string").str.strip()
        text = text.mask(text == "")
        return text.astype(object).where(text.notna(), None)

    # ------------------------------------------------------------------ rows

    def rows(self, frame: pd.DataFrame, row_numbers: np.ndarray) -> BillingRows:
        """The job rows of one chunk (``frame`` as read, ``row_numbers`` its rows)."""
        n = len(frame)
        t = {key: self._text(frame, key) for key in _COLUMNS[self.provider]}
        keys = self._keys(t)
        classes = self._classify(keys)
        out: dict[str, Any] = {c: np.full(n, None, dtype=object) for c in BILLING_COLUMNS}
        codes = np.array([c.code for c in classes], dtype=object)
        reasons = np.array([c.reason for c in classes], dtype=object)
        keep = np.array([c.code is None for c in classes], dtype=bool)

        start = _iso_start(t["start"])
        resource = t["resource"].to_numpy(dtype=object)
        out["start"] = start.to_numpy(dtype=object)
        out["project"] = t["project"].to_numpy(dtype=object)
        out["billing_provider"] = np.full(n, self.provider, dtype=object)
        out["usage_amount"] = t["amount"].to_numpy(dtype=object)
        out["usage_unit"] = t["unit"].to_numpy(dtype=object) if "unit" in t else out["usage_unit"]
        out["resource_id"] = resource
        out["billed_cost"] = t["cost"].to_numpy(dtype=object)
        out["billed_currency"] = t["currency"].to_numpy(dtype=object)
        out["region"] = self._regions(t)
        out["usage_type"] = self._usage_type(t)
        out["instance_type"] = np.array(
            [c.instance.instance_type if c.instance else c.name for c in classes], dtype=object
        )
        out["accelerator"] = np.array(
            [c.accelerator if c.code is None else None for c in classes], dtype=object
        )
        self._amounts(t, classes, keep, out)

        base = [
            f"{r if r is not None else f'{self.provider}-row{int(row)}'}@{s or ''}"
            for r, s, row in zip(resource, out["start"], row_numbers, strict=True)
        ]
        ids = np.array(base, dtype=object)
        jobs = np.flatnonzero(keep)
        for i, nth in zip(jobs.tolist(), self._occurrences(ids[jobs]).tolist(), strict=True):
            if nth > 1:
                ids[i] = f"{base[i]}#{nth}"
        out["job_id"] = ids
        result = pd.DataFrame(out, columns=list(BILLING_COLUMNS))
        return BillingRows(result, keep, codes, reasons)

    def _occurrences(self, ids: np.ndarray) -> np.ndarray:
        """How many times each id has been met so far in the export (1 the first time),
        counting earlier chunks: 16 bytes per distinct id (64-bit hash and count)."""
        if not len(ids):
            return np.empty(0, dtype=np.int64)
        h = pd.util.hash_array(ids.astype(str).astype(object), categorize=False)
        h = np.asarray(h, dtype=np.uint64)
        nth = pd.Series(h).groupby(h, sort=False).cumcount().to_numpy(dtype=np.int64) + 1
        keys, counts = self._seen_keys, self._seen_counts
        if len(keys):
            at = np.minimum(np.searchsorted(keys, h), len(keys) - 1)
            nth = nth + np.where(keys[at] == h, counts[at], 0)
        new_keys, new_counts = np.unique(h, return_counts=True)
        merged = np.concatenate([keys, new_keys])
        totals = np.concatenate([counts, new_counts])
        self._seen_keys, inverse = np.unique(merged, return_inverse=True)
        self._seen_counts = np.bincount(inverse, weights=totals).astype(np.int64)
        return nth

    def _keys(self, t: dict[str, pd.Series]) -> list[tuple[str, ...]]:
        """The cells that classify each row, as tuples (one classification per distinct)."""
        cols = {
            "aws": ("usage_type", "instance", "line_type"),
            "gcp": ("sku", "machine", "labels", "cost_type"),
            "azure": ("category", "meter", "subcategory", "product", "size", "info", "charge_type"),
        }[self.provider]
        values = [t[c].fillna("").to_numpy(dtype=object) for c in cols]
        return list(zip(*values, strict=True)) if values else []

    def _classify(self, keys: list[tuple[str, ...]]) -> list[_Class]:
        classifiers: dict[str, Callable[..., _Class]] = {
            "aws": _aws_class,
            "gcp": _gcp_class,
            "azure": _azure_class,
        }
        classify = classifiers[self.provider]
        out = []
        for key in keys:
            hit = self._cache.get(key)
            if hit is None:
                hit = classify(*key)
                if len(self._cache) < 100_000:
                    self._cache[key] = hit
            out.append(hit)
        return out

    def _regions(self, t: dict[str, pd.Series]) -> np.ndarray:
        region = t["region"]
        if self.provider == "gcp":
            zone = t["zone"].str.replace(r"-[a-z]$", "", regex=True)
            region = region.where(region.notna(), zone)
            return _prefixed("gcp", region.str.lower())
        if self.provider == "azure":
            return _prefixed("azure", region.str.lower().str.replace(r"\s+", "", regex=True))
        return _prefixed("aws", region.str.lower())

    def _usage_type(self, t: dict[str, pd.Series]) -> np.ndarray:
        if self.provider == "aws":
            return t["usage_type"].to_numpy(dtype=object)
        if self.provider == "gcp":
            return t["sku"].to_numpy(dtype=object)
        return t["meter"].where(t["meter"].notna(), t["subcategory"]).to_numpy(dtype=object)

    def _amounts(
        self, t: dict[str, pd.Series], classes: list[_Class], keep: np.ndarray, out: dict[str, Any]
    ) -> None:
        """``count`` and ``duration`` (or ``gpu_hours``) of the job rows, as text."""
        jobs = np.flatnonzero(keep)
        if not len(jobs):
            return
        amount = t["amount"].iloc[jobs]
        unit_text = t["unit"].iloc[jobs]
        multiplier = np.ones(len(jobs))
        if self.provider == "azure":  # "10 Hours": Quantity counts tens of hours
            lead = unit_text.str.extract(r"^\s*([0-9]+(?:\.[0-9]+)?)\s+\D", expand=False)
            multiplier = pd.to_numeric(lead, errors="coerce").fillna(1.0).to_numpy(dtype=float)
            unit_text = unit_text.str.replace(r"^\s*[0-9.]+\s+", "", regex=True)
        units = [
            _UNITS.get(u.lower(), u) if isinstance(u, str) else "h"
            for u in unit_text.to_numpy(dtype=object)
        ]
        raws = amount.to_numpy(dtype=object)
        values = pd.to_numeric(amount, errors="coerce").to_numpy(dtype=float) * multiplier
        per_gpu_time = self.provider == "gcp"  # GPU SKUs bill GPU time
        count_col, duration_col, gpu_col = out["count"], out["duration"], out["gpu_hours"]
        for j, i in enumerate(jobs.tolist()):
            inst = classes[i].instance
            count = inst.accelerators if inst is not None else None
            raw, unit, value = raws[j], units[j], float(values[j])
            if raw is None:  # the batch rejects the row: no duration
                count_col[i] = str(count or 1)
                continue
            text = f"{value!r} {unit}" if math.isfinite(value) else f"{raw} {unit}"
            if not per_gpu_time:
                count_col[i] = None if count is None else str(count)
                duration_col[i] = text
            elif count is not None and math.isfinite(value):
                count_col[i] = str(count)
                duration_col[i] = f"{value / count!r} {unit}"
            else:
                gpu_col[i] = text


_LABEL = {
    "aws": "AWS Cost and Usage Report / Data Export",
    "gcp": "Google Cloud billing export",
    "azure": "Azure cost export",
}


def _prefixed(provider: str, values: pd.Series) -> np.ndarray:
    missing = values.isna().to_numpy()
    out = (f"{provider}:" + values.where(~missing, "").astype(str)).to_numpy(dtype=object)
    out[missing] = None
    return out


def _iso_start(values: pd.Series) -> pd.Series:
    """Usage starts as ISO 8601 text: ``2024-05-01 00:00:00 UTC`` (BigQuery) becomes
    ``2024-05-01T00:00:00Z``, ``05/01/2024`` (Azure's US dates) becomes ``2024-05-01``;
    other text is left to the batch (which rejects what it cannot read)."""
    text = values.copy()
    utc = text.str.endswith("UTC", na=False).to_numpy(dtype=bool)
    if utc.any():
        part = text[utc].str.replace(r"\s+UTC$", "Z", regex=True)
        text[utc] = part.str.replace(r"^(\d{4}-\d\d-\d\d) (\d)", r"\1T\2", regex=True)
    slash = text.str.contains("/", regex=False, na=False).to_numpy(dtype=bool)
    if slash.any():
        part = text[slash].str.replace(r"^(\d{1,2})/(\d{1,2})/(\d{4})$", _us_date, regex=True)
        text[slash] = part
    return text.where(values.notna(), None)


def _us_date(m: re.Match[str]) -> str:
    return f"{m.group(3)}-{int(m.group(1)):02d}-{int(m.group(2)):02d}"


# --------------------------------------------------------------------------- AWS


def _aws_class(usage_type: str, product_instance: str, line_type: str) -> _Class:
    m = _AWS_USAGE_TYPE.match(usage_type) if usage_type else None
    kind = m.group("kind").lower() if m else None
    name = (product_instance or (m.group("instance") if m else "")).strip()
    if not name:
        return _Class("no_accelerator", f"no instance type: {usage_type or 'no usage type'}")
    inst = get_instance("aws", name)
    if inst is None and not _AWS_ACCELERATOR_FAMILY.match(name):
        return _Class("no_accelerator", f"instance {name} has no accelerator", name=name)
    if line_type and line_type.strip().lower() not in _AWS_USAGE_LINES:
        return _Class(
            "not_usage", f"{name}: line item type {line_type} is not usage", inst, name=name
        )
    if usage_type and (kind is None or kind in _AWS_NOT_RUNNING):
        return _Class(
            "not_usage", f"{name}: usage type {usage_type} bills no running time", inst, name=name
        )
    if inst is None:
        return _Class(
            "unknown_instance",
            f"instance type {name} holds accelerators but is not in cloud_instances.csv",
            name=name,
        )
    return _Class(None, None, inst, inst.accelerator, name)


# --------------------------------------------------------------------------- Google Cloud


def _gcp_class(sku: str, machine: str, labels: str, cost_type: str) -> _Class:
    machine = machine or _machine_from_labels(labels)
    inst = get_instance("gcp", machine) if machine else None
    gpu = _GCP_GPU_SKU.search(sku) if sku else None
    if gpu is None:
        if "tpu" in sku.lower():
            return _Class(
                "unknown_instance",
                f"TPU SKU {sku!r}: TPU SKUs are not read yet",
                name=machine or None,
            )
        if (
            inst is not None
            or (machine and _GCP_ACCELERATOR_MACHINE.match(machine))
            or _GCP_ACCELERATOR_SKU.match(sku)
        ):
            return _Class(
                "not_usage",
                f"{sku or 'no SKU'}: vCPU/RAM of a {machine or 'GPU'} VM; its accelerators "
                "are billed (and counted) on their GPU SKU rows",
                inst,
                name=machine,
            )
        return _Class(
            "no_accelerator", f"SKU {sku or '(none)'} bills no accelerator", name=machine or None
        )
    if sku.lower().startswith("commitment") or (cost_type and cost_type.lower() != "regular"):
        what = "a commitment" if sku.lower().startswith("commitment") else f"cost type {cost_type}"
        return _Class("not_usage", f"{sku}: {what}, not usage", inst, name=machine or None)
    words = gpu.group("gpu")
    accelerator = accelerator_type(words)
    if accelerator is None:
        model = re.sub(r"(?i)\b(nvidia|tesla)\b", " ", words).strip()
        try:
            accelerator = get_accelerator(model).name if model else None
        except (UnknownNameError, InputError):
            accelerator = None
    if inst is not None and accelerator is not None and inst.accelerator != accelerator:
        inst = None  # a GPU SKU on a machine type that holds another accelerator: count unknown
    if accelerator is None:
        return _Class(
            "unknown_instance",
            f"GPU SKU {sku!r}: {words} is not in cloud_instances.csv or the accelerator catalogue",
            name=machine or None,
        )
    return _Class(None, None, inst, accelerator, machine or None)


def _machine_from_labels(labels: str) -> str:
    """The machine type in a ``system_labels`` cell: BigQuery's JSON array of
    ``{"key": ..., "value": ...}``, its Python repr (a Parquet list of structs read as
    text) or ``key:value`` text."""
    if not labels or "machine_spec" not in labels:
        return ""
    try:
        doc = json.loads(labels)
    except ValueError:
        doc = None
    if isinstance(doc, list):
        for item in doc:
            if isinstance(item, dict) and str(item.get("key", "")).endswith("machine_spec"):
                return str(item.get("value", "")).strip()
    if isinstance(doc, dict):
        for key, value in doc.items():
            if str(key).endswith("machine_spec"):
                return str(value).strip()
    m = re.search(r"machine_spec[^a-z0-9]*(?:value[^a-z0-9]*)?([a-z0-9][a-z0-9-]*)", labels)
    return m.group(1) if m else ""


# --------------------------------------------------------------------------- Azure


def _azure_class(
    category: str,
    meter: str,
    subcategory: str,
    product: str,
    size: str,
    info: str,
    charge_type: str,
) -> _Class:
    size = size or _size_from_info(info)
    candidates = [size, meter]
    if product:
        parts = [p.strip() for p in product.split(" - ")]
        if len(parts) >= 2:
            candidates.append(parts[1])
    inst = next((i for c in candidates if c and (i := get_instance("azure", c))), None)
    name = inst.instance_type if inst else (size or meter or None)
    cat = (category or "").strip().lower()
    gpu_like = inst is not None or bool(_AZURE_GPU_SIZE.match(size or meter or ""))
    if (cat and not cat.startswith("virtual machines")) or not gpu_like:
        what = category or "no meter category"
        return _Class(
            "no_accelerator",
            f"{what}: {meter or size or 'no meter'} bills no accelerator",
            name=name,
        )
    if cat and cat != "virtual machines":
        return _Class(
            "not_usage", f"{name}: meter category {category} bills no running time", inst, name=name
        )
    if charge_type and charge_type.strip().lower() != "usage":
        return _Class(
            "not_usage", f"{name}: charge type {charge_type} is not usage", inst, name=name
        )
    if inst is None:
        return _Class(
            "unknown_instance",
            f"VM size {name} holds accelerators but is not in cloud_instances.csv",
            name=name,
        )
    return _Class(None, None, inst, inst.accelerator, name)


def _size_from_info(info: str) -> str:
    """The VM size in an ``AdditionalInfo`` JSON cell (its ``ServiceType``)."""
    if not info or "ServiceType" not in info:
        return ""
    try:
        doc = json.loads(info)
    except ValueError:
        m = re.search(r'"?ServiceType"?\s*[:=]\s*"?([A-Za-z0-9_]+)', info)
        return m.group(1) if m else ""
    return str(doc.get("ServiceType", "")).strip() if isinstance(doc, dict) else ""
