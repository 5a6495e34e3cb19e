"""Readers of measured-energy logs: each returns the runs it measured, and its rejects.

One reader per format, detected from the content (:func:`read_energy_log`):

``codecarbon``
    CodeCarbon's ``emissions.csv`` (one row per tracked run): ``energy_consumed`` [kWh] is
    CPU + GPU + RAM energy (the servers: basis ``it``; divided by the ``pue`` column when
    CodeCarbon multiplied it in), ``duration`` [s], ``gpu_count``, ``gpu_model``,
    ``gpu_energy`` [kWh], the place (``cloud_provider``/``cloud_region``, else ``region``
    within ``country_iso_code``) and the year of ``timestamp``.
``sacct-json``
    Slurm's ``sacct --json``: per job the energy TRES [J] (``tres.allocated`` or the sum of
    its steps' ``tres.consumed.total``; node energy: basis ``it``), ``time.elapsed`` [s],
    ``gres/gpu`` count and type, the start year.
``nvidia-smi``
    ``nvidia-smi --query-gpu=timestamp,index,name,power.draw --format=csv`` samples: each
    GPU's power integrated over time (trapezoids between samples, ``W`` or ``mW``): basis
    ``accelerators``; one run per log.
``dcgm``
    DCGM exporter scrapes (Prometheus text lines ``METRIC{labels} value [timestamp_ms]``):
    per GPU the growth of ``DCGM_FI_DEV_TOTAL_ENERGY_CONSUMPTION`` (a counter in **mJ**),
    else ``DCGM_FI_DEV_POWER_USAGE`` (**W**) integrated over the timestamps: basis
    ``accelerators``; one run per log.
``zeus``
    A Zeus ``ZeusMonitor`` log (``start_time, window_name, elapsed_time, gpu<i>_energy`` and
    optionally ``cpu<i>_energy``/``dram<i>_energy``, in **J**): one run per measurement
    window; basis ``accelerators`` (``it`` when CPU and DRAM energy are logged too).
``boamps``
    BoAmps JSON reports (Boavizta): ``measures[].powerConsumption`` [kWh] and
    ``measurementDuration`` [s], the GPUs of ``infrastructure.components``, the
    ``environment.country``: one run per measure, basis ``it``.

A row that cannot be read is a reject with its reason; nothing is dropped silently.
"""

from __future__ import annotations

import csv
import io
import json
import math
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from footprint.catalogues.hardware import get_accelerator
from footprint.core import files
from footprint.core.errors import FootprintError, InputError

__all__ = ["LOG_FORMATS", "LogRow", "EnergyLog", "parse_energy_log", "read_energy_log"]

LOG_FORMATS = ("codecarbon", "sacct-json", "nvidia-smi", "dcgm", "zeus", "boamps")


@dataclass(frozen=True)
class LogRow:
    """One measured run of a log."""

    label: str
    energy_kwh: float
    basis: str
    duration_h: float | None = None
    gpu_count: int | None = None
    accelerator: str | None = None
    gpu_energy_kwh: float | None = None
    region: str | None = None
    year: int | None = None
    notes: tuple[str, ...] = ()
    start: float | None = None  # POSIX seconds (UTC) when the run started, if the log says


@dataclass
class EnergyLog:
    """The runs of a log, its rejects (label, reason) and the format read."""

    format: str
    rows: list[LogRow] = field(default_factory=list)
    rejects: list[tuple[str, str]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def _float(value: Any, what: str) -> float:
    try:
        x = float(str(value).strip())
    except ValueError:
        raise InputError(f"{what}: expected a number, got {str(value)[:40]!r}") from None
    if not math.isfinite(x) or x < 0:
        raise InputError(f"{what}: expected a finite number >= 0, got {str(value)[:40]!r}")
    return x


def _accelerator(name: Any) -> str | None:
    """The catalogue name of a GPU model string ('1 x NVIDIA A100-SXM4-80GB'), or None."""
    text = re.sub(r"^\s*\d+\s*x\s*", "", str(name or "")).strip()
    if not text:
        return None
    candidates = [text, text.replace("NVIDIA ", ""), re.sub(r"-SXM\d", "-SXM", text)]
    m = re.search(
        r"(A100|H100|H200|V100|A10G|L4|T4|L40S)[-\s]*(SXM\d?|PCIE)?[-\s]*(\d+GB)?", text, re.I
    )
    if m:
        base, form, mem = m.group(1).upper(), (m.group(2) or "").upper(), (m.group(3) or "").upper()
        form = "SXM" if form.startswith("SXM") else ("PCIe" if form == "PCIE" else "")
        candidates += [
            "-".join(p for p in (base, mem, form) if p),
            "-".join(p for p in (base, form) if p),
            f"{base}-{mem}" if mem else base,
        ]
    for candidate in candidates:
        try:
            return get_accelerator(candidate).name
        except FootprintError:
            continue
    return None


def _start_before(end: Any, hours: float) -> float | None:
    """POSIX start of a run that ended at ISO time ``end`` (UTC unless an offset is given)."""
    try:
        when = datetime.fromisoformat(str(end).strip())
    except ValueError:
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return when.timestamp() - hours * 3600.0


def _year(text: Any) -> int | None:
    m = re.match(r"\s*(\d{4})-", str(text or ""))
    return int(m.group(1)) if m else None


def _codecarbon(text: str, log: EnergyLog) -> None:
    reader = csv.DictReader(io.StringIO(text))
    for n, row in enumerate(reader, start=2):
        label = (row.get("run_id") or row.get("project_name") or "").strip() or f"line {n}"
        try:
            energy = _float(row.get("energy_consumed"), "energy_consumed")
            pue = row.get("pue")
            notes: list[str] = []
            if pue not in (None, "") and _float(pue, "pue") not in (0.0, 1.0):
                energy /= _float(pue, "pue")
                notes.append(f"energy_consumed divided by CodeCarbon's pue {pue}")
            if energy <= 0:
                raise InputError("energy_consumed: no energy measured (0 kWh)")
            duration = _float(row.get("duration"), "duration") / 3600.0
            count_text = (row.get("gpu_count") or "").strip()
            count = int(_float(count_text, "gpu_count")) if count_text else None
            model = (row.get("gpu_model") or "").strip()
            acc = _accelerator(model) if model else None
            if model and acc is None:
                notes.append(f"GPU model {model[:60]!r} is not in the catalogue: energy only")
            gpu_text = (row.get("gpu_energy") or "").strip()
            region = None
            provider = (row.get("cloud_provider") or "").strip().lower()
            cloud_region = (row.get("cloud_region") or "").strip()
            if provider and cloud_region:
                region = f"{provider}:{cloud_region}"
            elif (row.get("country_iso_code") or "").strip():
                region = row["country_iso_code"].strip()
                state = (row.get("region") or "").strip()
                if region.upper() in ("USA", "US") and state:
                    region = state
            log.rows.append(
                LogRow(
                    label=label,
                    energy_kwh=energy,
                    basis="it",
                    duration_h=duration if duration > 0 else None,
                    gpu_count=count if count else None,
                    accelerator=acc,
                    gpu_energy_kwh=_float(gpu_text, "gpu_energy") if gpu_text else None,
                    region=region,
                    year=_year(row.get("timestamp")),
                    notes=tuple(notes),
                    start=_start_before(row.get("timestamp"), duration),
                )
            )
        except InputError as exc:
            log.rejects.append((label, str(exc)))


def _tres(items: Any, kind: str, name: str | None = None) -> Any:
    for item in items or []:
        if (
            isinstance(item, dict)
            and item.get("type") == kind
            and (name is None or str(item.get("name", "")).startswith(name))
        ):
            return item
    return None


def _number(value: Any) -> float | None:
    if isinstance(value, dict):  # Slurm >= 23.02 wraps numbers: {"set": true, "number": 5}
        value = value.get("number") if value.get("set", True) else None
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


def _sacct(text: str, log: EnergyLog) -> None:
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(f"sacct json: not JSON ({exc.msg} at line {exc.lineno})") from None
    jobs = doc.get("jobs") if isinstance(doc, dict) else None
    if not isinstance(jobs, list):
        raise InputError("sacct json: no 'jobs' list (run `sacct --json`)")
    for i, job in enumerate(jobs):
        if not isinstance(job, dict):
            log.rejects.append((f"job {i}", "not a JSON object"))
            continue
        label = str(job.get("job_id", f"job {i}"))
        tres = job.get("tres") or {}
        energy_j = _number((_tres(tres.get("allocated"), "energy") or {}).get("count"))
        if energy_j is None:
            steps = [
                _number(
                    (
                        _tres((s.get("tres") or {}).get("consumed", {}).get("total"), "energy")
                        or {}
                    ).get("count")
                )
                for s in job.get("steps") or []
                if isinstance(s, dict)
            ]
            known = [e for e in steps if e is not None]
            energy_j = sum(known) if known else None
        if energy_j is None or energy_j <= 0:
            log.rejects.append((label, "no energy TRES (Slurm's acct_gather_energy not enabled?)"))
            continue
        timing = job.get("time") or {}
        elapsed = _number(timing.get("elapsed"))
        start = _number(timing.get("start"))
        gpu = _tres(tres.get("allocated"), "gres", "gpu")
        count = int(_number(gpu.get("count")) or 0) if gpu else 0
        gpu_name = str(gpu.get("name", "")) if gpu else ""
        model = gpu_name.split(":", 1)[1] if ":" in gpu_name else ""
        acc = _accelerator(model) if model else None
        notes = () if not model or acc else (f"GPU type {model!r} is not in the catalogue",)
        log.rows.append(
            LogRow(
                label=label,
                energy_kwh=energy_j / 3.6e6,
                basis="it",
                duration_h=elapsed / 3600.0 if elapsed else None,
                gpu_count=count or None,
                accelerator=acc,
                year=datetime.fromtimestamp(start, tz=UTC).year if start else None,
                notes=notes,
                start=start,
            )
        )


def _nvidia_smi(text: str, log: EnergyLog) -> None:
    lines = [ln for ln in text.splitlines() if ln.strip()]
    reader = csv.reader(lines, skipinitialspace=True)
    header = [h.strip().lower() for h in next(reader)]
    try:
        t_col = next(i for i, h in enumerate(header) if h.startswith("timestamp"))
        p_col = next(i for i, h in enumerate(header) if h.startswith("power.draw"))
    except StopIteration:
        raise InputError("nvidia-smi csv: needs timestamp and power.draw columns") from None
    i_col = next((i for i, h in enumerate(header) if h == "index"), None)
    n_col = next((i for i, h in enumerate(header) if h == "name"), None)
    unit = "mw" if "[mw]" in header[p_col] else "w"
    series: dict[str, list[tuple[float, float]]] = {}
    name = ""
    for n, row in enumerate(reader, start=2):
        try:
            stamp = datetime.strptime(row[t_col].strip(), "%Y/%m/%d %H:%M:%S.%f").timestamp()
            cell = row[p_col].strip().lower()
            scale = 1e-3 if cell.endswith("mw") or unit == "mw" else 1.0
            watts = _float(re.sub(r"\s*m?w$", "", cell), "power.draw") * scale
        except (ValueError, IndexError, InputError) as exc:
            log.rejects.append((f"line {n}", f"unreadable sample ({str(exc)[:80]})"))
            continue
        gpu = row[i_col].strip() if i_col is not None else "0"
        name = row[n_col].strip() if n_col is not None else name
        series.setdefault(gpu, []).append((stamp, watts))
    if not series:
        raise InputError("nvidia-smi csv: no readable power samples")
    joules, first, last = 0.0, math.inf, -math.inf
    for samples in series.values():
        samples.sort()
        joules += sum(
            (w0 + w1) / 2.0 * (t1 - t0)
            for (t0, w0), (t1, w1) in zip(samples, samples[1:], strict=False)
        )
        first, last = min(first, samples[0][0]), max(last, samples[-1][0])
    count = sum(len(s) for s in series.values())
    _one_run(
        log,
        "nvidia-smi",
        joules,
        first,
        last,
        len(series),
        name,
        f"{count} power samples integrated (trapezoids)",
    )


_PROM = re.compile(
    r"^(DCGM_FI_DEV_(?:POWER_USAGE|TOTAL_ENERGY_CONSUMPTION))\{([^}]*)\}\s+(\S+)(?:\s+(\d+))?\s*$"
)


def _dcgm(text: str, log: EnergyLog) -> None:
    counters: dict[str, list[tuple[float, float]]] = {}
    power: dict[str, list[tuple[float, float]]] = {}
    name = ""
    for n, line in enumerate(text.splitlines(), start=1):
        if not line.strip() or line.startswith("#"):
            continue
        m = _PROM.match(line.strip())
        if m is None:
            if line.startswith("DCGM_"):
                continue  # other DCGM metrics are not energy
            log.rejects.append((f"line {n}", "not a DCGM exporter sample"))
            continue
        metric, labels, value, stamp = m.groups()
        gpu = re.search(r'gpu="([^"]*)"', labels)
        model = re.search(r'modelName="([^"]*)"', labels)
        name = model.group(1) if model else name
        try:
            x = _float(value, metric)
        except InputError as exc:
            log.rejects.append((f"line {n}", str(exc)))
            continue
        if stamp is None:
            log.rejects.append(
                (f"line {n}", "sample without a timestamp (ms) cannot be integrated")
            )
            continue
        target = counters if metric.endswith("CONSUMPTION") else power
        target.setdefault(gpu.group(1) if gpu else "0", []).append((int(stamp) / 1000.0, x))
    series = counters or power
    if not series:
        raise InputError("dcgm: no DCGM_FI_DEV_POWER_USAGE or ..._TOTAL_ENERGY_CONSUMPTION samples")
    joules, first, last = 0.0, math.inf, -math.inf
    for samples in series.values():
        samples.sort()
        if counters:  # a counter in mJ since the driver loaded: its growth
            joules += (samples[-1][1] - samples[0][1]) / 1000.0
        else:
            joules += sum(
                (w0 + w1) / 2.0 * (t1 - t0)
                for (t0, w0), (t1, w1) in zip(samples, samples[1:], strict=False)
            )
        first, last = min(first, samples[0][0]), max(last, samples[-1][0])
    how = "energy counter growth (mJ)" if counters else "power samples (W) integrated"
    _one_run(log, "dcgm", joules, first, last, len(series), name, how)


def _one_run(
    log: EnergyLog,
    label: str,
    joules: float,
    first: float,
    last: float,
    gpus: int,
    name: str,
    how: str,
) -> None:
    if joules <= 0:
        log.rejects.append((label, "no energy in the samples"))
        return
    log.rows.append(
        LogRow(
            label=label,
            energy_kwh=joules / 3.6e6,
            basis="accelerators",
            duration_h=(last - first) / 3600.0 if last > first else None,
            gpu_count=gpus,
            accelerator=_accelerator(name),
            year=datetime.fromtimestamp(first, tz=UTC).year,
            notes=(f"{gpus} GPU(s): {how}",),
            start=first,
        )
    )


def _zeus(text: str, log: EnergyLog) -> None:
    reader = csv.DictReader(io.StringIO(text))
    fields = reader.fieldnames or []
    gpu_cols = [f for f in fields if re.fullmatch(r"gpu\d+_energy", f)]
    host_cols = [f for f in fields if re.fullmatch(r"(cpu|dram)\d+_energy", f)]
    for n, row in enumerate(reader, start=2):
        label = (row.get("window_name") or "").strip() or f"line {n}"
        try:
            joules = sum(_float(row[c], c) for c in gpu_cols)
            host = sum(_float(row[c], c) for c in host_cols)
            seconds = _float(row.get("elapsed_time"), "elapsed_time")
        except InputError as exc:
            log.rejects.append((label, str(exc)))
            continue
        if joules + host <= 0:
            log.rejects.append((label, "no energy measured in the window"))
            continue
        start = row.get("start_time", "")
        year = None
        try:
            year = datetime.fromtimestamp(float(start), tz=UTC).year
        except (TypeError, ValueError, OverflowError, OSError):
            year = _year(start)
        log.rows.append(
            LogRow(
                label=label,
                energy_kwh=(joules + host) / 3.6e6,
                basis="it" if host_cols else "accelerators",
                duration_h=seconds / 3600.0 if seconds else None,
                gpu_count=len(gpu_cols) or None,
                gpu_energy_kwh=joules / 3.6e6 if host_cols else None,
                year=year,
                notes=("Zeus: GPU energy" + (" + CPU and DRAM energy" if host_cols else ""),),
            )
        )


def _boamps(text: str, log: EnergyLog) -> None:
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(f"boamps: not JSON ({exc.msg} at line {exc.lineno})") from None
    reports = doc if isinstance(doc, list) else [doc]
    for i, report in enumerate(reports):
        if not isinstance(report, dict):
            log.rejects.append((f"report {i}", "not a JSON object"))
            continue
        header = report.get("header") or {}
        rid = str(header.get("reportId") or f"report {i}")
        gpus = [
            c
            for c in (report.get("infrastructure") or {}).get("components") or []
            if isinstance(c, dict) and str(c.get("componentType", "")).lower() == "gpu"
        ]
        count = int(_number(gpus[0].get("nbComponent")) or 0) if gpus else 0
        acc = _accelerator(gpus[0].get("componentName")) if gpus else None
        country = (report.get("environment") or {}).get("country")
        for j, measure in enumerate(report.get("measures") or []):
            label = f"{rid}#{j}"
            kwh = _number((measure or {}).get("powerConsumption"))
            if kwh is None or kwh <= 0:
                log.rejects.append((label, "no powerConsumption (kWh) in the measure"))
                continue
            seconds = _number(measure.get("measurementDuration"))
            log.rows.append(
                LogRow(
                    label=label,
                    energy_kwh=kwh,
                    basis="it",
                    duration_h=seconds / 3600.0 if seconds else None,
                    gpu_count=count or None,
                    accelerator=acc,
                    region=str(country) if country else None,
                    year=_year(header.get("reportDatetime")),
                    notes=(f"BoAmps measure by {measure.get('measurementMethod', 'unknown')}",),
                )
            )


def _detect(text: str) -> str:
    head = text.lstrip()[:4096]
    if head.startswith(("{", "[")):
        if '"jobs"' in text[:1_000_000]:
            return "sacct-json"
        if '"measures"' in text[:1_000_000]:
            return "boamps"
    first = head.splitlines()[0].lower() if head else ""
    if "energy_consumed" in first and "duration" in first:
        return "codecarbon"
    if "power.draw" in first and "timestamp" in first:
        return "nvidia-smi"
    if "window_name" in first and "elapsed_time" in first:
        return "zeus"
    if "DCGM_FI_DEV_" in text[:65536]:
        return "dcgm"
    raise InputError(
        "energy log: format not recognised (expected CodeCarbon emissions.csv, "
        "`sacct --json` output, `nvidia-smi --query-gpu=timestamp,index,name,power.draw "
        "--format=csv` samples, DCGM exporter scrapes, a Zeus log or a BoAmps report)"
    )


_READERS = {
    "codecarbon": _codecarbon,
    "sacct-json": _sacct,
    "nvidia-smi": _nvidia_smi,
    "dcgm": _dcgm,
    "zeus": _zeus,
    "boamps": _boamps,
}


def read_energy_log(path: Any, fmt: str | None = None) -> EnergyLog:
    """The runs measured in the log at ``path`` (format detected unless ``fmt`` is given)."""
    return parse_energy_log(files.read_text(path, "energy log"), fmt)


def parse_energy_log(text: str, fmt: str | None = None) -> EnergyLog:
    """The runs measured in a log's ``text`` (format detected unless ``fmt`` is given): a log
    held in memory (an upload of the web calculator), read as :func:`read_energy_log` reads
    a file."""
    if fmt is not None and fmt not in _READERS:
        raise InputError(f"format: expected one of {LOG_FORMATS}, got {fmt!r}")
    kind = fmt or _detect(text)
    log = EnergyLog(format=kind)
    _READERS[kind](text, log)
    if not log.rows and not log.rejects:
        raise InputError(f"energy log: no runs in the {kind} log")
    return log


def rows_of(log: EnergyLog) -> Iterator[LogRow]:
    """The log's readable runs."""
    return iter(log.rows)
