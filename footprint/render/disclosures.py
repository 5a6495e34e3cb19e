"""Standard disclosures of a result: the formats reports are written in.

``hf-model-card``
    The ``co2_eq_emissions`` block of a Hugging Face model card's YAML metadata
    (``emissions`` in grams of CO2e, ``source``, ``training_type``,
    ``geographical_location``, ``hardware_used``; Hugging Face Hub documentation, "Model
    cards: carbon emissions") and an "Environmental impact" Markdown section naming the
    hardware, hours, boundary, region, factors and their sources.
``eu-ai-act``
    The training information the EU AI Act asks of providers of general-purpose AI models
    (Regulation (EU) 2024/1689, Annex XI, Section 1, point 2(d) computational resources
    used to train the model, training time; 2(e) known or estimated energy consumption),
    as Markdown with the same fields in a JSON block: FLOPs, accelerator, accelerator-hours,
    duration, energy (estimated or measured, its boundary), the method, and every factor
    with its source.
``boamps``
    Boavizta's BoAmps AI energy report (JSON, format version :data:`BOAMPS_VERSION`,
    CC BY 4.0): header, task (stage, algorithm, data, requests), one measure (the energy,
    ``measurementMethod`` saying whether footprint estimated or a meter measured it),
    infrastructure (the accelerators), environment (zone and the intensity used) and the
    quality class of the figure. The report id is derived from the inputs, so the same
    inputs give the same id.
``sci``
    The Green Software Foundation's Software Carbon Intensity (ISO/IEC 21031:2024):
    ``SCI = (E x I + M) per R`` with E the energy (facility energy), I the location-based
    intensity it was accounted at, M the embodied emissions and R the functional unit (a
    request for a service, the run for a job or a training run).

``emissions`` and SCI's operational term are location-based CO2e; the market-based figure
and the embodied emissions are stated beside them. User strings are escaped (YAML strings
are JSON-quoted, Markdown through :mod:`footprint.core.escape`).
"""

from __future__ import annotations

import json
import math
from typing import TYPE_CHECKING, Any

from footprint.catalogues.hardware import DERIVED_POWER
from footprint.core import units
from footprint.core.accounting import BOUNDARIES
from footprint.core.escape import markdown_cell, markdown_text
from footprint.render.labels import format_number
from footprint.render.notes import markdown_bullets, publishable

if TYPE_CHECKING:  # pragma: no cover
    from footprint.engine.result import Footprint

__all__ = [
    "BOAMPS_VERSION",
    "DISCLOSURE_FORMATS",
    "boamps",
    "eu_ai_act",
    "hf_model_card",
    "sci_report",
    "factor_basis",
    "ghg_scope",
]

DISCLOSURE_FORMATS = ("hf-model-card", "eu-ai-act", "boamps", "sci")
#: The BoAmps format version written (github.com/Boavizta/BoAmps, RELEASENOTE 1.1.0).
BOAMPS_VERSION = "1.1.0"


def _q(fp: Footprint, key: str, unit: str) -> float | None:
    q = fp.results.get(key)
    return None if q is None else float(q.m_as(unit))


def _yaml(value: Any) -> str:
    """A YAML scalar: numbers as they are, strings JSON-quoted (valid YAML, escaped)."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return repr(float(value)) if isinstance(value, float) else str(value)
    return json.dumps(str(value), ensure_ascii=True)


def factor_basis(fp: Footprint) -> str:
    """What the grid factor counts, in GHG Protocol words (lifecycle or combustion-only)."""
    f = fp.factors.get("intensity")
    if f is None:
        return "not stated"
    if f.origin == "user":
        return "given by the user (basis not stated)"
    basis = str(f.extra.get("basis") or "")
    if "lifecycle" in basis:
        return "lifecycle (upstream emissions of fuels and plants included)"
    if basis:
        return f"{basis} (combustion at the plant only)"
    return "as published by the source (basis not stated)"


def ghg_scope(fp: Footprint) -> str:
    """The GHG Protocol category the emissions belong to, for whom."""
    zone = str(fp.inputs.get("zone", ""))
    if ":" in zone:  # a cloud region: the tenant buys compute
        return (
            "Scope 3, category 1 (purchased goods and services: cloud compute) for the cloud "
            "tenant; Scope 2 for the cloud provider that runs the facility"
        )
    return (
        "Scope 2 for the operator of the facility (location-based and market-based as "
        "shown); Scope 3, category 1 for an organisation that buys the compute"
    )


def _hardware(fp: Footprint) -> str:
    acc = fp.inputs.get("accelerator")
    hours = _q(fp, "accelerator_hours", "h")
    if acc and hours is not None:
        return f"{hours:,.0f} {acc} accelerator-hours"
    if fp.inputs.get("energy"):
        return f"measured energy {fp.inputs['energy']} ({fp.inputs.get('energy_basis', 'it')})"
    return str(acc or "not stated")


def _training_type(fp: Footprint) -> str | None:
    if "training_flops" in fp.results or "published_accelerator_hours" in fp.results:
        return "pre-training"
    return None


def _location(fp: Footprint) -> str:
    zone = fp.inputs.get("zone", "")
    year = fp.factors["intensity"].year if "intensity" in fp.factors else None
    return f"{zone}" + (f" ({year} grid data)" if year else "")


def hf_model_card(fp: Footprint, breakdown: bool = False) -> str:
    """The ``co2_eq_emissions`` YAML block and the "Environmental impact" section."""
    del breakdown
    grams = (_q(fp, "co2e", "kgCO2e") or 0.0) * 1000.0
    boundary = fp.inputs.get("boundary", "facility")
    what = (
        f"measured energy ({fp.inputs.get('energy_basis', 'it')}) re-accounted by footprint"
        if "energy" in fp.inputs
        else "footprint estimate"
    )
    source = f"{what} (location-based CO2e; boundary: {boundary}, {BOUNDARIES[boundary][2]})"
    lines = [
        "---",
        "co2_eq_emissions:",
        f"  emissions: {_yaml(grams)}",
        f"  source: {_yaml(source)}",
    ]
    training = _training_type(fp)
    if training:
        lines.append(f"  training_type: {_yaml(training)}")
    lines += [
        f"  geographical_location: {_yaml(_location(fp))}",
        f"  hardware_used: {_yaml(_hardware(fp))}",
        "---",
        "",
        "## Environmental impact",
        "",
        f"Estimated with footprint: {_hardware(fp)} in {markdown_text(_location(fp))}, "
        f"boundary {markdown_text(boundary)} ({markdown_text(BOUNDARIES[boundary][2])}).",
        "",
        "| quantity | value |",
        "|---|---|",
    ]
    rows = [
        ("IT energy", _q(fp, "it_energy", "MWh"), "MWh"),
        ("facility energy", _q(fp, "facility_energy", "MWh"), "MWh"),
        ("CO2e, location-based", _q(fp, "co2e", "tCO2e"), "tCO2e"),
        ("CO2e, market-based", _q(fp, "co2e_market", "tCO2e"), "tCO2e"),
        ("embodied CO2e (manufacturing, amortised)", _q(fp, "embodied_co2e", "tCO2e"), "tCO2e"),
        ("water (on-site + off-site)", _q(fp, "water", "m**3"), "m³"),
    ]
    lines += [
        f"| {name} | {format_number(value)} {unit} |"
        for name, value, unit in rows
        if value is not None
    ]
    lines += ["", "| factor | value | source |", "|---|---|---|"]
    for name, f in fp.factors.items():
        magnitude = float(f.value.magnitude)
        value = (
            "not available"
            if math.isnan(magnitude)
            else f"{format_number(magnitude)} {units.format_unit(f.value.units)}".strip()
        )
        where = ", ".join(str(x) for x in (f.zone, f.year) if x)
        lines.append(
            f"| {markdown_cell(name)} | {markdown_cell(value)}"
            f"{' (' + markdown_cell(where) + ')' if where else ''} | {markdown_cell(f.source)} |"
        )
    lines += [
        "",
        f"Grid factor basis: {factor_basis(fp)}. GHG Protocol: {ghg_scope(fp)}; the energy "
        "and emissions of the compute only.",
    ]
    lines += markdown_bullets(fp.notes)
    return "\n".join(lines) + "\n"


def sci_report(fp: Footprint, breakdown: bool = False) -> str:
    """SCI = (E x I + M) per R, each term shown (ISO/IEC 21031:2024)."""
    del breakdown
    e = _q(fp, "facility_energy", "kWh") or 0.0
    operational_g = (_q(fp, "co2e", "kgCO2e") or 0.0) * 1000.0
    i = operational_g / e if e else 0.0
    m = (_q(fp, "embodied_co2e", "kgCO2e") or 0.0) * 1000.0
    requests = _q(fp, "requests", "request")
    r, unit = (requests, "request") if requests else (1.0, "run")
    sci = (e * i + m) / r
    lines = [
        "## Software Carbon Intensity (ISO/IEC 21031:2024)",
        "",
        "SCI = (E x I + M) per R",
        "",
        "| term | value |",
        "|---|---|",
        f"| E, energy (facility) | {format_number(e)} kWh |",
        f"| I, location-based intensity | {format_number(i)} gCO2e/kWh "
        f"({markdown_text(factor_basis(fp))}) |",
        f"| M, embodied emissions | {format_number(m)} gCO2e |",
        f"| R, functional unit | {format_number(r)} {unit} |",
        f"| **SCI** | **{format_number(sci)} gCO2e per {unit}** |",
    ]
    low_high = fp.ranges.get("total_co2e") or fp.ranges.get("co2e")
    if low_high is not None:
        lo, hi = (float(q.m_as("gCO2e")) / r for q in low_high)
        lines.append(
            f"| SCI, 90% range | {format_number(lo)}-{format_number(hi)} gCO2e per {unit} |"
        )
    lines += [
        "",
        f"Boundary: {markdown_text(fp.inputs.get('boundary', 'facility'))}. GHG Protocol: "
        f"{ghg_scope(fp)}.",
    ]
    lines += markdown_bullets(fp.notes)
    return "\n".join(lines) + "\n"


def _eu_fields(fp: Footprint) -> dict[str, Any]:
    measured = "energy" in fp.inputs
    boundary = fp.inputs.get("boundary", "facility")
    resources: dict[str, Any] = {
        "accelerator": fp.inputs.get("accelerator"),
        "accelerator_hours": _q(fp, "accelerator_hours", "h"),
        "training_flops": _q(fp, "training_flops", "FLOP"),
        "training_time_days": _q(fp, "duration", "day"),
        "accelerators": float(fp.inputs["count"]) if fp.inputs.get("count") else None,
        "precision": fp.inputs.get("precision"),
    }
    return {
        "regulation": "Regulation (EU) 2024/1689 (AI Act), Annex XI, Section 1, point 2(d)-(e)",
        "model": fp.inputs.get("model"),
        "computational_resources": {k: v for k, v in resources.items() if v is not None},
        "energy_consumption": {
            "value_mwh": _q(fp, "facility_energy", "MWh"),
            "it_energy_mwh": _q(fp, "it_energy", "MWh"),
            "status": "measured" if measured else "estimated",
            "boundary": f"{boundary}: {BOUNDARIES[boundary][2]}",
        },
        "emissions_tco2e": {
            "location_based": _q(fp, "co2e", "tCO2e"),
            "market_based": _q(fp, "co2e_market", "tCO2e"),
            "embodied": _q(fp, "embodied_co2e", "tCO2e"),
            "grid_factor_basis": factor_basis(fp),
            "ghg_protocol": ghg_scope(fp),
        },
        "methodology": (
            "measured energy accounted with the site's factors"
            if measured
            else "energy = accelerator-hours x (average accelerator draw + host share) x PUE; "
            "accelerator-hours from the published hours or FLOPs / (peak x MFU)"
        ),
        "location": _location(fp),
        "factors": {
            name: {
                "value": f.to_dict()["value"],  # None: not available (no mix, no EWIF)
                "unit": f.to_dict()["unit"],
                "source": f.source,
                **({"year": f.year} if f.year else {}),
            }
            for name, f in fp.factors.items()
        },
        "notes": [publishable(n) for n in fp.notes],
    }


def eu_ai_act(fp: Footprint, breakdown: bool = False) -> str:
    """Annex XI 2(d)-(e): computational resources and energy of training, Markdown + JSON."""
    del breakdown
    d = _eu_fields(fp)
    res, energy = d["computational_resources"], d["energy_consumption"]
    lines = [
        "## Training compute and energy (EU AI Act, Annex XI, Section 1, 2(d)-(e))",
        "",
        "| item | value |",
        "|---|---|",
    ]
    labels = {
        "training_flops": ("computational resources, FLOPs", "FLOP"),
        "accelerator": ("accelerator", ""),
        "accelerators": ("accelerators", ""),
        "accelerator_hours": ("accelerator-hours", "h"),
        "training_time_days": ("training time", "days"),
        "precision": ("precision", ""),
    }
    for key, (label, unit) in labels.items():
        if key in res:
            value = res[key]
            shown = (
                f"{value:.3e}"
                if key == "training_flops"
                else (format_number(value) if isinstance(value, float) else markdown_cell(value))
            )
            lines.append(f"| {label} | {shown} {unit}".rstrip() + " |")
    lines += [
        f"| energy consumption ({energy['status']}) | {format_number(energy['value_mwh'])} MWh |",
        f"| boundary | {markdown_cell(energy['boundary'])} |",
        f"| location | {markdown_cell(d['location'])} |",
        "",
        f"Method: {markdown_text(d['methodology'])}.",
        "",
        "```json",
        json.dumps(d, indent=2, ensure_ascii=True),
        "```",
    ]
    return "\n".join(lines) + "\n"


def _count(x: float) -> float:
    """A count as a whole number when float rounding is all that separates it from one."""
    nearest = round(x)
    return float(nearest) if abs(x - nearest) <= 1e-9 * max(abs(x), 1.0) else x


def boamps(fp: Footprint, breakdown: bool = False) -> str:
    """The result as a BoAmps report (JSON, format version :data:`BOAMPS_VERSION`)."""
    import hashlib
    import uuid
    from datetime import UTC, datetime

    del breakdown
    inputs = fp.inputs
    measured = "energy" in inputs
    stage = (
        "training" if _training_type(fp) else "inference" if "requests" in fp.results else "other"
    )
    algorithm: dict[str, Any] = {}
    if inputs.get("model"):
        algorithm["algorithmName"] = inputs["model"]
    params = fp.factors.get("params")
    if params is not None:
        algorithm["parametersNumber"] = float(params.value.magnitude)
    generated = fp.results.get("output_tokens")
    dataset: dict[str, Any] = {
        "dataUsage": "output" if generated is not None else "input",
        "dataType": "token",
    }
    if generated is not None:
        dataset["dataQuantity"] = _count(float(generated.magnitude))
    elif "energy_per_token" in fp.results:  # a training run: its tokens
        per_token = float(fp.results["energy_per_token"].m_as("kWh/token"))
        if per_token > 0:
            dataset["dataQuantity"] = _count((_q(fp, "facility_energy", "kWh") or 0.0) / per_token)
    task: dict[str, Any] = {
        "taskStage": stage,
        "taskFamily": "text generation" if inputs.get("model") else "other",
        "algorithms": [algorithm or {"algorithmType": "not stated"}],
        "dataset": [dataset],
    }
    if "requests" in fp.results:
        task["nbRequest"] = _count(float(fp.results["requests"].m_as("request")))
    # a draw from a TDP its maker never published: said, and the figure's quality is low
    derived = any(n.startswith(DERIVED_POWER) for n in fp.notes)
    measure: dict[str, Any] = {
        "measurementMethod": (
            f"measured ({inputs.get('energy_basis', 'it')}), re-accounted by footprint"
            if measured
            else "footprint estimate (accelerator-hours x draw x PUE"
            + ("; accelerator power derived, not published)" if derived else ")")
        ),
        "powerConsumption": _q(fp, "facility_energy", "kWh"),
    }
    duration = _q(fp, "duration", "s")
    if duration is not None:
        measure["measurementDuration"] = duration
    component: dict[str, Any] = {"componentType": "gpu"}
    if inputs.get("accelerator"):
        component["componentName"] = inputs["accelerator"]
    count = inputs.get("count") or (
        fp.results["accelerators"].m if "accelerators" in fp.results else None
    )
    component["nbComponent"] = int(float(count)) if count else 1
    zone = str(inputs.get("zone", ""))
    cloud = zone.split(":", 1)[0] if ":" in zone else None
    infrastructure: dict[str, Any] = {
        "infraType": "publicCloud" if cloud else "other",
        "components": [component],
    }
    if cloud:
        infrastructure["cloudProvider"] = cloud
    energy = _q(fp, "facility_energy", "kWh") or 0.0
    intensity = (_q(fp, "co2e", "gCO2e") or 0.0) / energy if energy else 0.0
    identity = json.dumps(inputs, sort_keys=True).encode()
    report = {
        "header": {
            "licensing": "CC BY 4.0 (BoAmps format); the figures: footprint's result",
            "formatVersion": BOAMPS_VERSION,
            "formatVersionSpecificationUri": "https://github.com/Boavizta/BoAmps/tree/main/model",
            "reportId": str(uuid.UUID(hashlib.sha256(identity).hexdigest()[:32], version=4)),
            "reportDatetime": datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S"),
            "reportStatus": "draft",
            "publisher": {"confidentialityLevel": "public"},
        },
        "task": task,
        "measures": [measure],
        "infrastructure": infrastructure,
        "environment": {
            "country": zone,
            "location": _location(fp),
            "powerSourceCarbonIntensity": intensity,
        },
        "quality": "high" if measured else "low" if derived else "medium",
    }
    return json.dumps(report, indent=2, ensure_ascii=True) + "\n"
