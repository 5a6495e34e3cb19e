"""Fleet sizing of an inference workload: replicas, busy and idle hours, the fleet's Load.

:class:`~footprint.workloads.inference.InferenceWorkload` validates its inputs and picks a
:class:`~footprint.workloads.energy_models.ServingProfile` (what one request costs its
replica); :func:`fleet_load` turns that profile and the request volume into a
:class:`~footprint.workloads.jobs.Load`: whole replicas for a rate of requests (or busy
hours / fleet utilization for a total), idle accelerators at :data:`IDLE_POWER_FRACTION`
x TDP, the host share, and the range of a closed model's parameter estimate. The method
is described in :mod:`footprint.workloads.inference` ("Fleet sizing").
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import replace
from typing import Any

from footprint.catalogues.hardware import Accelerator, tdp_note
from footprint.catalogues.models import LlmModel
from footprint.core import units
from footprint.core.errors import InputError
from footprint.core.provenance import Factor, Spread, user_factor
from footprint.workloads.energy_models import (
    ServingProfile,
    accelerator_tdp,
    fraction_factor,
    tdp_source,
)
from footprint.workloads.jobs import Load, default_host

__all__ = [
    "DEFAULT_FLEET_UTILIZATION",
    "IDLE_POWER_FRACTION",
    "fleet_load",
    "host_power_factor",
    "idle_power_factor",
    "parameter_range",
]

#: Draw of a provisioned but idle accelerator, as a fraction of TDP (model kept loaded).
#: footprint's assumption: 0.2 x TDP (140 W for H100-SXM, 80 W for A100-SXM). Holding a
#: CUDA context raises idle power by 26-50 W over bare idle on HBM GPUs and idle power
#: does not depend on memory occupancy (Vadari 2026, "The Model Parking Tax",
#: arXiv:2605.23918); Google counts idle machines at 10% of a Gemini prompt's energy
#: (Elsworth et al. 2025, arXiv:2508.15734). ``idle_power=`` replaces it.
IDLE_POWER_FRACTION = 0.2
#: Fraction of provisioned capacity that is busy. 1.0: no idle capacity beyond rounding
#: up to whole replicas (as EcoLogits and ML.ENERGY assume); ``fleet_utilization=``.
DEFAULT_FLEET_UTILIZATION = 1.0


def fleet_load(
    r: dict[str, Any],
    prof: ServingProfile,
    total_requests: Any,
    fleet_utilization: float | None,
    inputs: Callable[[], dict[str, str]],
    rerun: Callable[[LlmModel], Load],
) -> Load:
    """Accelerator-hours (busy and idle) and average power of the fleet, with provenance.

    ``r`` holds the workload's resolved inputs, ``prof`` its serving profile and
    ``total_requests`` the requests accounted for [request]; ``fleet_utilization`` is the
    value as given (``None``: the default, noted), ``inputs`` echoes the inputs and
    ``rerun`` runs the workload again with another model (for a parameter range).
    """
    Q_ = units.Q_
    acc: Accelerator = r["accelerator"]
    n = prof.accelerators_per_replica
    requests = total_requests.m_as("request")
    busy_h = requests * prof.replica_seconds_per_request * n / 3600.0
    util = r["fleet_utilization"]
    notes = list(prof.notes)
    model = r["model"]
    if model is not None and model.is_range and r["kind"] != "preset":
        notes.insert(0, model.range_note())
    extra: dict[str, Any] = {"requests": Q_(requests, "request")}
    replicas = None
    if prof.sizing and r["is_rate"]:
        rate = r["requests"].m_as("request/s")
        period_h = r["period"].m_as("h")
        needed = rate * prof.replica_seconds_per_request / util
        if not math.isfinite(needed):
            raise InputError(
                "requests: the volume and fleet utilization imply more replicas than "
                "a finite number"
            )
        replicas = max(1, math.ceil(needed - 1e-9))
        provisioned_h = replicas * n * period_h
    elif prof.sizing:
        provisioned_h = busy_h / util
        notes.append(
            "volume is a total, not a rate: no replica count; provisioned hours = "
            f"busy hours / fleet utilization {util:g}"
        )
    else:
        provisioned_h = busy_h
    if not (math.isfinite(provisioned_h) and math.isfinite(busy_h)):
        raise InputError("requests: the volume gives more accelerator-hours than a finite number")
    if provisioned_h <= 0:
        raise InputError(
            f"requests: {requests:g} request(s) take no measurable accelerator time; "
            "give a larger volume"
        )
    idle_h = max(provisioned_h - busy_h, 0.0)
    busy_w = prof.busy_power.value.m_as("W")
    idle_factor = idle_power_factor(r, acc)
    idle_w = idle_factor.value.m_as("W")
    from_tdp = prof.busy_power.origin == "default" or (
        prof.sizing and idle_factor.origin == "default"
    )
    derived = tdp_note(acc) if acc is not None and from_tdp else None
    if derived:
        notes.append(derived)
    # weights first: busy_h x a power near 1e308 W would overflow before the division
    avg_w = busy_w * (busy_h / provisioned_h) + idle_w * (idle_h / provisioned_h)
    power = Factor(
        name="power",
        value=Q_(avg_w, "W"),
        origin="derived",
        source="busy and idle accelerator-hours weighted by busy_power and idle_power",
        note=(
            f"{busy_h:,.4g} busy h x {busy_w:.4g} W + {idle_h:,.4g} idle h x "
            f"{idle_w:.4g} W over {provisioned_h:,.4g} h"
        ),
    )
    host = host_power_factor(r)
    factors: dict[str, Factor] = {"busy_power": prof.busy_power}
    if prof.sizing:
        factors["idle_power"] = idle_factor
        production = r["kind"] == "production"
        factors["fleet_utilization"] = fraction_factor(
            "fleet_utilization",
            util,
            fleet_utilization,
            "Elsworth et al. 2025 (arXiv:2508.15734): idle machines 10% of a prompt's energy"
            if production
            else "footprint default: no idle capacity beyond whole replicas",
        )
        if fleet_utilization is None and production:
            notes.append(
                f"fleet utilization {util:g} (default for production serving: Google's "
                "idle machines at 10% of a prompt's energy); give fleet_utilization"
            )
        elif fleet_utilization is None:
            notes.append(
                "fleet utilization 1.0 (default): no idle capacity beyond rounding up to "
                "whole replicas; give fleet_utilization for headroom"
            )
    factors.update(prof.factors)
    if model is not None and model.is_range and r["kind"] != "preset":
        central_kwh = provisioned_h * (avg_w + host.value.m_as("W")) / 1000.0
        factors["accelerator_hours"] = parameter_range(model, provisioned_h, central_kwh, rerun)
    if prof.sizing:
        extra["accelerators_per_replica"] = Q_(n, "dimensionless")
        if replicas is not None:
            extra["replicas"] = Q_(replicas, "dimensionless")
            extra["accelerators"] = Q_(replicas * n, "dimensionless")
        extra["throughput_per_replica"] = Q_(1.0 / prof.replica_seconds_per_request, "request/s")
    if prof.request_latency is not None:
        extra["request_latency"] = Q_(prof.request_latency, "s")
    extra["busy_accelerator_hours"] = Q_(busy_h, "h")
    extra["idle_accelerator_hours"] = Q_(idle_h, "h")
    out_tokens = r["output_tokens"]
    per_unit: dict[str, Any] = {"request": Q_(requests, "request")}
    if out_tokens is not None:
        extra["output_tokens"] = Q_(requests * out_tokens, "token")
        per_unit["token"] = Q_(requests * out_tokens, "token")
    if r["is_rate"]:
        period = r["period"]
        for unit in ("day", "month", "year"):
            per_unit[unit] = period.to(unit)
    extra.update(prof.published)
    nominal = bool(r.get("nominal_hours"))
    if nominal:
        for key in ("busy_accelerator_hours", "idle_accelerator_hours"):
            extra.pop(key, None)
        notes.append(
            "the preset publishes energy only: no accelerator-hours and no embodied CO2e "
            "are reported (give an accelerator to count them as equivalent hours at its TDP)"
        )
    return Load(
        accelerator_hours=Q_(provisioned_h, "h"),
        power=power,
        host_power=host,
        inputs=inputs(),
        notes=tuple(notes),
        per_unit=per_unit,
        extra_factors=factors,
        extra_results=extra,
        accelerators=(float(extra["accelerators"].m) if "accelerators" in extra else None),
        nominal_hours=nominal,
    )


def parameter_range(
    model: LlmModel, hours: float, central_kwh: float, rerun: Callable[[LlmModel], Load]
) -> Factor:
    """Accelerator-hours with the range a closed model's parameter estimate implies.

    The workload is re-run (``rerun``) with the low and the high active-parameter estimate
    (totals scaled alike); each bound is the IT energy of that run expressed as
    accelerator-hours at this run's power, so :mod:`footprint.analyses.uncertainty` samples
    it as the range of accelerator-hours (sizing and fit included, not a linear
    guess).
    """
    Q_ = units.Q_
    bounds = []
    for params_b in (model.params_low_b, model.params_high_b):
        assert params_b is not None  # is_range
        scale = params_b / model.active_params_b
        variant = replace(
            model,
            active_params_b=params_b,
            total_params_b=model.total_params_b * scale,
            params_low_b=None,
            params_high_b=None,
        )
        load = rerun(variant)
        kwh = (
            load.accelerator_hours.m_as("h")
            * (load.power.value.m_as("W") + load.host_power.value.m_as("W"))
            / 1000.0
        )
        bounds.append(hours * kwh / central_kwh)
    low, high = min(bounds + [hours]), max(bounds + [hours])
    return Factor(
        name="accelerator_hours",
        value=Q_(hours, "h"),
        origin="derived",
        source=f"parameter estimate of {model.name}: {model.source}",
        note=(
            f"{model.name}: active parameters {model.params_low_b:g}-"
            f"{model.params_high_b:g}B (midpoint {model.active_params_b:g}B used); the "
            "range is the energy of the low and high runs, as accelerator-hours"
        ),
        spread=Spread(Q_(low, "h"), Q_(high, "h"), "uniform", source=model.source),
    )


def idle_power_factor(r: dict[str, Any], acc: Accelerator) -> Factor:
    """Draw of an idle provisioned accelerator: ``idle_power`` as given, else a share of TDP."""
    if "idle_power" in r:
        return user_factor("idle_power", r["idle_power"], "idle_power")
    tdp = accelerator_tdp(acc, "idle_power")
    return Factor(
        name="idle_power",
        value=tdp * IDLE_POWER_FRACTION,
        origin="default",
        source=tdp_source(acc),
        dataset="accelerators.csv",
        note=(
            f"{IDLE_POWER_FRACTION:g} x TDP: footprint's assumption for a provisioned "
            "accelerator with the model loaded "
            "(see footprint.workloads.inference.IDLE_POWER_FRACTION)"
        ),
    )


def host_power_factor(r: dict[str, Any]) -> Factor:
    """Host draw per accelerator: none for a preset, ``host_power`` as given, else the
    server class's (``server_classes.csv``)."""
    if r["kind"] == "preset":
        return Factor(
            name="host_power",
            value=units.Q_(0.0, "W"),
            origin="default",
            source="the preset's own boundary",
            note="the published figure states what it covers (host, idle); no host added",
        )
    if "host_power" in r:
        return user_factor("host_power", r["host_power"], "host_power")
    host = default_host(r["accelerator"])
    return replace(
        host, note=host.note.replace("; '0 W'", ", over busy and idle hours alike; '0 W'")
    )
