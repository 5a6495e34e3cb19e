"""Inference workloads: LLM serving volumes -> accelerator-hours, with three energy models.

An :class:`InferenceWorkload` (a model, a request volume, tokens per request, serving
hardware) states its :class:`~footprint.workloads.Load`, so :func:`footprint.estimate`
accounts for it like any job: the same site factors (PUE, WUE, EWIF, grid intensity,
price) and the same formulas. The engine adds ``energy_per_request`` and
``energy_per_token`` (facility energy per generated token), and ``energy_per_day``,
``_month`` and ``_year`` when the volume is a rate.

Energy models (``energy_model=``, checked against :data:`ENERGY_MODELS`)
------------------------------------------------------------------------
``"ecologits"`` -- empirical per-token fit (default)
    EcoLogits' LLM inference methodology (GenAI Impact, ``ecologits/impacts/llm.py``,
    version 0.11.3, MPL-2.0), fitted on ML.ENERGY leaderboard measurements of open
    models on NVIDIA H100 80GB GPUs (vLLM)::

        GPU energy per output token [Wh] = a exp(b B) P_active + c     (per GPU)
        generation time per token [s]    = a' P_active + b' B + c'
        GPUs per replica = 2^ceil(log2(ceil(1.2 x P_total x bytes/param / GPU memory)))

    with P in billions, batch B = 64 concurrent requests and the constants of
    :data:`ECOLOGITS_GPU_ENERGY_ALPHA` ... :data:`ECOLOGITS_LATENCY_GAMMA`. The request's
    GPU energy is GPUs x output tokens x per-token energy; it occupies its replica for
    generation time / B. The host (1.2 kW per 8-GPU server,
    :data:`footprint.hardware.HOST_POWER_PER_ACCELERATOR_W`) counts over that share, as
    in EcoLogits. Assumptions: H100-class hardware (the fit is applied unchanged to other
    accelerators, noted), input tokens cost nothing (the fit has no prompt term; EcoLogits
    issue #183), precision changes only the GPU count, not the per-token energy.

``"roofline"`` -- first principles
    Prefill is compute-bound: ``2 x P_active`` FLOPs per input token at a fraction
    ``mfu`` of the accelerators' dense peak (:data:`ROOFLINE_MFU`). Decode is
    memory-bound: every step streams the weights (for MoE the expected share of experts
    that a batch of B tokens touches, ``1 - (1 - P_active/P_total)^B``) and the batch's
    KV cache (layers x KV entries x bytes x average context ``input + output/2``) from
    HBM once for the whole batch, at a fraction ``mbu`` of peak bandwidth
    (:data:`ROOFLINE_MBU`); a step takes the longer of that and its ``2 x P_active x B``
    FLOPs. The batch is capped at the KV cache that fits beside the weights in
    :data:`SERVING_MEMORY_FRACTION` of memory. A request occupies its replica for
    ``prefill + output x step / B``; the accelerators draw their TDP (or ``power``)
    meanwhile. Attention FLOPs, communication between accelerators and scheduler
    overheads are left out. Against ML.ENERGY's H100 measurements of Llama 3.1 the
    result is 0.37-1.32x the measured GPU energy per token: high at batch 16 (real GPUs
    draw well under TDP there), low at batches of several hundred (measured decode does
    not reach the assumed MFU); ``tests/test_inference.py`` holds the comparison.

``"preset:<name>"`` -- published per-request figures
    ``datasets/inference_presets.csv``: Google's median Gemini prompt (Aug 2025),
    OpenAI's average ChatGPT query (June 2025), the 2023 2.9 Wh estimate, Luccioni et al.
    2024 per-1,000-inference figures. Each carries its boundary. A figure that includes
    data-centre overhead is divided by the PUE it contains, so the site's PUE applies
    once (run with ``pue=`` the source's PUE to reproduce the figure); the host and idle
    capacity are inside the figure when the source says so (host power is 0 W). The
    published figures are echoed as ``published_*`` results. Presets state energy, not
    hardware time: ``accelerator_hours`` are equivalent hours at the accelerator's TDP.

Fleet sizing (ecologits and roofline)
-------------------------------------
A replica is ``gpus`` accelerators (default: what the weights need, the EcoLogits
rule). For a rate of requests, ``replicas = ceil(rate x replica-seconds per request /
fleet_utilization)``; the fleet is provisioned for the whole ``period`` (default one
year) and the accelerators not busy draw :data:`IDLE_POWER_FRACTION` x TDP (or
``idle_power``). For a total volume, provisioned hours are busy hours /
``fleet_utilization``. ``fleet_utilization`` defaults to 1.0 (no idle capacity beyond
rounding up to whole replicas), so that results compare with EcoLogits and ML.ENERGY.

References
----------
EcoLogits, https://ecologits.ai (methodology: LLM inference), mlco2/ecologits 0.11.3.
Chung et al. (2025), "The ML.ENERGY Benchmark", NeurIPS Datasets and Benchmarks,
arXiv:2505.06371; ML.ENERGY blog, "LLM Inference Energy: A Longitudinal Analysis" (2026).
Pope et al. (2023), "Efficiently Scaling Transformer Inference", MLSys, arXiv:2211.05102.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace
from functools import cache
from typing import TYPE_CHECKING, Any

from footprint import units
from footprint.data import optional_float, read_records
from footprint.errors import InputError, MissingDataError, UnitError, UnknownNameError
from footprint.hardware import (
    DEFAULT_UTILIZATION,
    HOST_POWER_PER_ACCELERATOR_W,
    Accelerator,
    get_accelerator,
)
from footprint.models import LlmModel, get_model
from footprint.provenance import Factor, Spread, user_factor
from footprint.workloads import Load

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

    from footprint.engine import Footprint
    from footprint.site import Site

__all__ = [
    "ENERGY_MODELS",
    "PRECISIONS",
    "InferenceWorkload",
    "Preset",
    "ServingProfile",
    "compare_inference",
    "ecologits_gpu_energy_per_token",
    "ecologits_latency_per_token",
    "energy_model_names",
    "estimate_inference",
    "get_preset",
    "list_presets",
    "per_user_results",
    "preset_table",
    "required_accelerators",
]

#: Names of the energy models; ``preset`` is used as ``"preset:<name>"``.
ENERGY_MODELS = ("ecologits", "roofline", "preset")

#: Bytes per parameter of the weights by serving precision. ``int8``/``int4`` are
#: weight-only quantisation: matrix products still run in 16-bit (roofline peak: BF16).
PRECISIONS: dict[str, float] = {
    "fp32": 4.0,
    "fp16": 2.0,
    "bf16": 2.0,
    "fp8": 1.0,
    "int8": 1.0,
    "int4": 0.5,
}

#: EcoLogits GPU energy fit, ``a exp(b B) P + c`` [Wh per output token per GPU], P in
#: billions of active parameters, B the batch. Source: EcoLogits 0.11.3
#: ``ecologits/impacts/llm.py`` (GPU_ENERGY_ALPHA/BETA/GAMMA; MPL-2.0), fitted on the
#: ML.ENERGY leaderboard (H100 80GB, vLLM). ``a`` [Wh/token per billion parameters].
ECOLOGITS_GPU_ENERGY_ALPHA = 1.1665273170451914e-06
#: EcoLogits GPU energy fit, exponent per concurrent request [1/request] (see ALPHA).
ECOLOGITS_GPU_ENERGY_BETA = -0.011205921025579175
#: EcoLogits GPU energy fit, constant term [Wh per output token per GPU] (see ALPHA).
ECOLOGITS_GPU_ENERGY_GAMMA = 4.052928146734005e-05
#: EcoLogits generation latency fit ``a' P + b' B + c'`` [s per output token]:
#: ``a'`` [s/token per billion parameters]. Source: EcoLogits 0.11.3 LATENCY_ALPHA.
ECOLOGITS_LATENCY_ALPHA = 0.0006785088094353663
#: EcoLogits latency fit, ``b'`` [s/token per concurrent request] (LATENCY_BETA).
ECOLOGITS_LATENCY_BETA = 0.0003119310311688259
#: EcoLogits latency fit, ``c'`` [s/token] (LATENCY_GAMMA).
ECOLOGITS_LATENCY_GAMMA = 0.019473717579473387
#: Concurrent requests per replica: EcoLogits 0.11.3 BATCH_SIZE (also the roofline default).
DEFAULT_BATCH = 64
#: Memory a model needs as a multiple of its weights (KV cache and activations margin):
#: EcoLogits ``model_required_memory = 1.2 x P x bits / 8``.
MEMORY_OVERHEAD = 1.2
#: Roofline: achieved share of peak HBM bandwidth in decode (model bandwidth utilisation).
#: footprint's assumption: serving engines stream weights at well under peak bandwidth;
#: 0.7 sits between published batch-1 kernels and peak. Compared with ML.ENERGY
#: measurements in ``tests/test_inference.py``; ``mbu=`` replaces it.
ROOFLINE_MBU = 0.7
#: Roofline: achieved share of dense peak FLOP/s in prefill and compute-bound decode.
#: footprint's assumption (0.5); Pope et al. (2023, arXiv:2211.05102) reach 76% in
#: large-batch prefill on TPU v4, an upper reference. ``mfu=`` replaces it.
ROOFLINE_MFU = 0.5
#: Share of accelerator memory a server uses for weights and KV cache: vLLM's default
#: ``gpu_memory_utilization`` (0.9). The roofline caps the batch at what fits.
SERVING_MEMORY_FRACTION = 0.9
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
#: Period a rate of requests is accounted over (totals scale linearly; see per-day results).
DEFAULT_PERIOD = "1 year"
#: Accelerator of the EcoLogits fit and footprint's default serving hardware.
DEFAULT_ACCELERATOR = "H100-SXM"

_ECOLOGITS_SOURCE = (
    "EcoLogits 0.11.3 LLM inference methodology (ecologits/impacts/llm.py, MPL-2.0), "
    "fit on ML.ENERGY leaderboard measurements (H100 80GB)"
)
_ROOFLINE_ONLY = ("mbu", "mfu", "power")
_PRESET_IGNORED = (
    "gpus",
    "batch",
    "power",
    "idle_power",
    "mbu",
    "mfu",
    "fleet_utilization",
    "host_power",
)


# --------------------------------------------------------------------------------------
# Pure functions (magnitudes in the units of their names; public wrappers attach units)
# --------------------------------------------------------------------------------------


def _ecologits_energy_wh(active_params_b: float, batch: float) -> float:
    return (
        ECOLOGITS_GPU_ENERGY_ALPHA * math.exp(ECOLOGITS_GPU_ENERGY_BETA * batch) * active_params_b
        + ECOLOGITS_GPU_ENERGY_GAMMA
    )


def _ecologits_latency_s(active_params_b: float, batch: float) -> float:
    return (
        ECOLOGITS_LATENCY_ALPHA * active_params_b
        + ECOLOGITS_LATENCY_BETA * batch
        + ECOLOGITS_LATENCY_GAMMA
    )


def ecologits_gpu_energy_per_token(active_params_b: float, batch: int = DEFAULT_BATCH) -> Any:
    """EcoLogits' GPU energy per output token, per GPU [Wh/token].

    Parameters
    ----------
    active_params_b : float
        Active parameters [billions].
    batch : int
        Concurrent requests on the replica [request].

    Examples
    --------
    >>> ecologits_gpu_energy_per_token(70, 64)  # doctest: +SKIP
    <Quantity(8.04e-05, 'watt_hour / token')>
    """
    return units.Q_(_ecologits_energy_wh(float(active_params_b), float(batch)), "Wh/token")


def ecologits_latency_per_token(active_params_b: float, batch: int = DEFAULT_BATCH) -> Any:
    """EcoLogits' generation time per output token [s/token]."""
    return units.Q_(_ecologits_latency_s(float(active_params_b), float(batch)), "s/token")


def _ceil_pow2(n: float) -> int:
    whole = max(1, math.ceil(n - 1e-9))
    return int(2 ** math.ceil(math.log2(whole)))


def required_accelerators(total_params_b: float, bytes_per_param: float, memory_gb: float) -> int:
    """Accelerators one replica needs for its weights plus margin (EcoLogits rule).

    ``2^ceil(log2(ceil(1.2 x P x bytes/param / memory)))``: the power of two at or above
    the count that holds 1.2x the weights (tensor parallelism splits in powers of two).

    Parameters
    ----------
    total_params_b : float
        Total parameters [billions].
    bytes_per_param : float
        Bytes per weight [byte] (2 for BF16).
    memory_gb : float
        Memory per accelerator [GB].
    """
    return _ceil_pow2(MEMORY_OVERHEAD * total_params_b * bytes_per_param / memory_gb)


# --------------------------------------------------------------------------------------
# Presets
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Preset:
    """A published per-request figure with its measurement boundary.

    Attributes
    ----------
    energy : Quantity [Wh/request]
        The figure as published (per request).
    co2e, water : Quantity or None [gCO2e/request], [mL/request]
        Published CO2e and water per request, when published.
    pue_in_figure : float or None
        The PUE the figure contains when it includes data-centre overhead.
    """

    name: str
    title: str
    publisher: str
    published: str
    figure_as_published: str
    energy: Any
    co2e: Any
    water: Any
    includes_host: str
    includes_idle: str
    includes_facility_overhead: str
    pue_in_figure: float | None
    co2e_basis: str
    hardware: str
    boundary: str
    source: str
    source_url: str
    notes: str

    @classmethod
    def from_record(cls, row: dict[str, str]) -> Preset:
        Q_ = units.Q_

        def q(col: str, unit: str) -> Any:
            value = optional_float(row.get(col, ""))
            return None if value is None else Q_(value, unit)

        return cls(
            name=row["name"],
            title=row.get("title", ""),
            publisher=row.get("publisher", ""),
            published=row.get("published", ""),
            figure_as_published=row.get("figure_as_published", ""),
            energy=q("energy_wh_per_request", "Wh/request"),
            co2e=q("co2e_g_per_request", "gCO2e/request"),
            water=q("water_ml_per_request", "mL/request"),
            includes_host=row.get("includes_host", "unknown"),
            includes_idle=row.get("includes_idle", "unknown"),
            includes_facility_overhead=row.get("includes_facility_overhead", "unknown"),
            pue_in_figure=optional_float(row.get("pue_in_figure", "")),
            co2e_basis=row.get("co2e_basis", ""),
            hardware=row.get("hardware", ""),
            boundary=row.get("boundary", ""),
            source=row.get("source", ""),
            source_url=row.get("source_url", ""),
            notes=row.get("notes", ""),
        )

    @property
    def it_energy(self) -> Any:
        """Energy per request before data-centre overhead [Wh/request]."""
        return self.energy / (self.pue_in_figure or 1.0)

    @property
    def citation(self) -> str:
        return f"{self.source} <{self.source_url}>" if self.source_url else self.source


@cache
def _presets() -> dict[str, Preset]:
    return {row["name"]: Preset.from_record(row) for row in read_records("inference_presets")}


def get_preset(name: str) -> Preset:
    """The preset called ``name`` (without the ``preset:`` prefix)."""
    key = name.strip().lower()
    key = key[len("preset:") :] if key.startswith("preset:") else key
    presets = _presets()
    if key not in presets:
        raise UnknownNameError(
            "preset", name, list(presets), hint="`footprint infer --list-presets` lists them"
        )
    return presets[key]


def list_presets() -> list[Preset]:
    """Every published per-request figure of ``inference_presets.csv``."""
    return list(_presets().values())


def preset_table() -> Any:
    """The presets as a DataFrame (energy, CO2e, water per request; boundary; source)."""
    import pandas as pd

    rows = []
    for p in list_presets():
        rows.append(
            {
                "energy_model": f"preset:{p.name}",
                "energy_wh_per_request": p.energy.m_as("Wh/request"),
                "co2e_g_per_request": None if p.co2e is None else p.co2e.m,
                "water_ml_per_request": None if p.water is None else p.water.m,
                "includes_host_idle_pue": "/".join(
                    (p.includes_host, p.includes_idle, p.includes_facility_overhead)
                ),
                "title": p.title,
                "source": p.source,
            }
        )
    return pd.DataFrame(rows)


def energy_model_names() -> list[str]:
    """Every valid ``energy_model`` value: ``ecologits``, ``roofline``, ``preset:<name>``."""
    return ["ecologits", "roofline", *(f"preset:{p.name}" for p in list_presets())]


def _parse_energy_model(spec: str) -> tuple[str, Preset | None]:
    if not isinstance(spec, str) or not spec.strip():
        raise InputError(f"energy_model: expected one of {ENERGY_MODELS}, got {spec!r}")
    text = spec.strip().lower()
    if text in ("ecologits", "roofline"):
        return text, None
    if text.startswith("preset:"):
        try:
            return "preset", get_preset(text)
        except UnknownNameError:
            raise UnknownNameError(
                "energy model", spec, energy_model_names(), hint=f"models: {ENERGY_MODELS}"
            ) from None
    raise UnknownNameError(
        "energy model",
        spec,
        energy_model_names(),
        hint="choose ecologits, roofline or preset:<name>",
    )


# --------------------------------------------------------------------------------------
# Input parsing
# --------------------------------------------------------------------------------------


def _has_time(q: Any) -> bool:
    return "[time]" in dict(q.dimensionality)


def parse_requests(value: Any, name: str = "requests") -> tuple[Any, bool]:
    """A request volume: a rate (``"1e9 request/day"``) or a total (``"5e6 request"``).

    Bare numbers are totals. Returns the quantity (``request/s`` or ``request``) and
    whether it is a rate.
    """
    q = units.to_quantity(value, "request", name)
    if q.dimensionless:
        q = units.Q_(q.m_as(""), "request")
    elif q.check("1/[time]"):
        q = units.Q_(q.m_as("1/s"), "request/s")
    if q.check("[request]/[time]"):
        rate = units.parse_quantity(q, "request_rate", None, name, allow_zero=False)
        return rate.to("request/s"), True
    if q.check("[request]"):
        total = units.parse_quantity(q, "requests", "request", name, allow_zero=False)
        return total.to("request"), False
    raise UnitError(
        f"{name}: expected requests per time (e.g. '1e9 request/day') or a total "
        f"(e.g. '5e6 request'), got {q:~P}"
    )


def parse_rate(value: Any, name: str) -> Any:
    """A per-entity rate that must carry a time unit (``"10 request/day"``) [request/s]."""
    q = units.to_quantity(value, "request", name)
    if not _has_time(q):
        raise UnitError(
            f"{name}: a rate is needed, with a time unit (e.g. '10 request/day'); "
            f"got {q:~P} without one"
        )
    q, rate = parse_requests(q, name)
    if not rate:  # pragma: no cover - _has_time guarantees a rate
        raise UnitError(f"{name}: expected a rate, got {q:~P}")
    return q


def parse_tokens(value: Any, name: str, *, allow_zero: bool = True) -> float:
    """Tokens per request (``300``, ``"300 token"``, ``"300 token/request"``) [token].

    A rate (``"300 token/s"``) is rejected: tokens per request are a count.
    """
    q = units.to_quantity(value, "token", name)
    if _has_time(q):
        raise UnitError(
            f"{name}: tokens per request are a count, not a rate; got {q:~P} "
            "(give e.g. 300 or '300 token')"
        )
    if q.dimensionless:
        tokens = q.m_as("")
    elif q.check("[token]"):
        tokens = q.m_as("token")
    elif q.check("[token]/[request]"):
        tokens = q.m_as("token/request")
    else:
        raise UnitError(f"{name}: expected tokens per request (e.g. 300), got {q:~P}")
    units.check_magnitude(tokens, name, allow_zero=allow_zero)
    return float(tokens)


def _fraction(value: Any, name: str) -> float:
    units.check_magnitude(value, name, allow_zero=False)
    if float(value) > 1:
        raise InputError(f"{name}: expected a fraction in (0, 1], got {value}")
    return float(value)


def _whole(value: Any, name: str) -> int:
    units.check_magnitude(value, name, allow_zero=False)
    if int(value) != value:
        raise InputError(f"{name}: expected a whole number, got {value}")
    return int(value)


# --------------------------------------------------------------------------------------
# Serving profiles: what one request costs a replica under each energy model
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ServingProfile:
    """What one request costs its replica under an energy model.

    Attributes
    ----------
    accelerators_per_replica : int
        Accelerators holding one copy of the model.
    replica_seconds_per_request : float [s]
        Replica time one request occupies (its share of batched work).
    request_latency : float or None [s]
        Time from arrival to last token for the user (ecologits, roofline).
    busy_power : Factor [W]
        Average draw per accelerator while busy.
    sizing : bool
        Whether fleet sizing (replicas, idle capacity) applies.
    """

    energy_model: str
    accelerators_per_replica: int
    replica_seconds_per_request: float
    request_latency: float | None
    busy_power: Factor
    sizing: bool
    factors: dict[str, Factor] = field(default_factory=dict)
    notes: tuple[str, ...] = ()
    published: dict[str, Any] = field(default_factory=dict)


def _tdp(acc: Accelerator, what: str) -> Any:
    if acc.tdp is None:
        raise MissingDataError(f"{acc.name} has no TDP in the catalogue; give {what}")
    return acc.tdp.to("W")


def _tdp_source(acc: Accelerator) -> str:
    return f"TDP: {acc.source}" + (f" <{acc.source_url}>" if acc.source_url else "")


def _peak(acc: Accelerator, precision: str) -> tuple[Any, str]:
    if precision == "fp32":
        peak, label = acc.peak_fp32, "FP32 (vector)"
    elif precision == "fp8":
        peak, label = acc.peak_fp8, "FP8 dense"
    else:
        peak, label = acc.peak_bf16, "BF16 dense"
    if peak is None:
        raise MissingDataError(
            f"{acc.name} has no {label} peak in the catalogue; choose another precision "
            "or accelerator"
        )
    return peak.to("FLOP/s"), label


# --------------------------------------------------------------------------------------
# The workload
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class InferenceWorkload:
    """Serving a language model: a request volume on a fleet of accelerators.

    Give the volume as ``requests`` (a rate such as ``"1e9 request/day"`` or a total
    such as ``"5e6 request"``), or as ``users`` x ``requests_per_user`` (a rate).

    Parameters
    ----------
    model : str or LlmModel, optional
        Catalogue name or alias (``footprint infer --list-models``), or
        :func:`footprint.models.custom_model`. Not needed for presets.
    requests : Quantity or str, optional
        Rate [request/time] or total [request]; bare numbers are totals.
    output_tokens, input_tokens : float or str
        Tokens generated and read per request [token]; output is required except for
        presets. Input tokens default to 0 (the EcoLogits fit ignores them).
    energy_model : str
        ``"ecologits"`` (default), ``"roofline"`` or ``"preset:<name>"``.
    accelerator : str
        Serving accelerator (default H100-SXM, the EcoLogits hardware).
    gpus : int, optional
        Accelerators per replica; default what the weights need (EcoLogits rule).
    precision : str
        Weight precision, one of :data:`PRECISIONS` (default bf16).
    batch : int, optional
        Concurrent requests per replica (default 64, EcoLogits).
    fleet_utilization : float, optional
        Busy share of provisioned capacity, in (0, 1] (default 1.0).
    period : Quantity or str, optional
        Accounting period for a rate [time] (default 1 year).
    power : Quantity or str, optional
        Busy draw per accelerator [W] for the roofline model (default TDP).
    idle_power : Quantity or str, optional
        Draw of an idle provisioned accelerator [W] (default 0.2 x TDP).
    host_power : Quantity or str, optional
        Host share per accelerator [W] (default 150 W).
    mbu, mfu : float, optional
        Roofline bandwidth and compute utilisation in (0, 1] (defaults 0.7, 0.5).
    users : float, optional
        Number of users (with ``requests_per_user``) [user].
    requests_per_user : Quantity or str, optional
        Requests per user per time, e.g. ``"10 request/day"``.

    Examples
    --------
    >>> import footprint as fp
    >>> w = fp.InferenceWorkload("llama-3.1-8b", "1e9 request/day", output_tokens=300,
    ...                          input_tokens=500)
    >>> r = fp.estimate(w, region="US")  # doctest: +SKIP
    >>> r.energy_per_request  # doctest: +SKIP
    """

    model: Any = None
    requests: Any = None
    output_tokens: Any = None
    input_tokens: Any = 0
    energy_model: str = "ecologits"
    accelerator: str = DEFAULT_ACCELERATOR
    gpus: int | None = None
    precision: str = "bf16"
    batch: int | None = None
    fleet_utilization: float | None = None
    period: Any = None
    power: Any = None
    idle_power: Any = None
    host_power: Any = None
    mbu: float | None = None
    mfu: float | None = None
    users: float | None = None
    requests_per_user: Any = None
    _resolved: dict[str, Any] = field(default_factory=dict, init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        r = self._resolved
        kind, preset = _parse_energy_model(self.energy_model)
        r["kind"], r["preset"] = kind, preset
        r["model"] = None if self.model is None else get_model(self.model)
        if r["model"] is None and kind != "preset":
            raise InputError(
                "model: give a model name (or custom parameters) for this energy model"
            )
        r["accelerator"] = get_accelerator(self.accelerator)
        self._volume()
        self._tokens()
        if not isinstance(self.precision, str) or self.precision not in PRECISIONS:
            raise InputError(
                f"precision: expected one of {tuple(PRECISIONS)}, got {self.precision!r}"
            )
        if kind == "preset":
            given = [n for n in _PRESET_IGNORED if getattr(self, n) is not None]
            if given:
                raise InputError(
                    f"{', '.join(given)}: not used by preset energy models, whose "
                    "published figure fixes hardware, batching and boundary"
                )
        elif kind == "ecologits":
            given = [n for n in _ROOFLINE_ONLY if getattr(self, n) is not None]
            if given:
                raise InputError(
                    f"{', '.join(given)}: used by the roofline model only; EcoLogits' fit "
                    "gives the energy per token directly"
                )
        r["batch"] = DEFAULT_BATCH if self.batch is None else _whole(self.batch, "batch")
        r["fleet_utilization"] = (
            DEFAULT_FLEET_UTILIZATION
            if self.fleet_utilization is None
            else _fraction(self.fleet_utilization, "fleet_utilization")
        )
        r["mbu"] = ROOFLINE_MBU if self.mbu is None else _fraction(self.mbu, "mbu")
        r["mfu"] = ROOFLINE_MFU if self.mfu is None else _fraction(self.mfu, "mfu")
        for name in ("power", "idle_power", "host_power"):
            value = getattr(self, name)
            if value is not None:
                r[name] = units.parse_quantity(value, "power", "W", name).to("W")
        if self.power is not None and r["power"].m == 0:
            raise InputError("power: the busy draw must be greater than zero")
        if kind != "preset":
            r["gpus"] = self._gpus()
        r["profile"] = self._profile()

    # -- inputs -------------------------------------------------------------------------

    def _volume(self) -> None:
        r = self._resolved
        per_user = self.users is not None or self.requests_per_user is not None
        if per_user:
            if self.requests is not None:
                raise InputError("give either requests or users with requests_per_user, not both")
            if self.users is None or self.requests_per_user is None:
                raise InputError("give both users and requests_per_user")
            users = units.to_quantity(self.users, "user", "users")
            if not (users.dimensionless or users.check("[user]")):
                raise UnitError(f"users: expected a number of users, got {users:~P}")
            n_users = users.m_as("") if users.dimensionless else users.m_as("user")
            units.check_magnitude(n_users, "users", allow_zero=False)
            r["users"] = float(n_users)
            rpu = parse_rate(self.requests_per_user, "requests_per_user")
            r["requests"], r["is_rate"] = (rpu * r["users"]).to("request/s"), True
        else:
            if self.requests is None:
                raise InputError(
                    "requests: give a volume, e.g. '1e9 request/day' (a rate) or '5e6 request'"
                )
            r["requests"], r["is_rate"] = parse_requests(self.requests)
            r["users"] = None
        if r["is_rate"]:
            period = DEFAULT_PERIOD if self.period is None else self.period
            r["period"] = units.parse_quantity(period, "time", "h", "period", allow_zero=False)
        elif self.period is not None:
            raise InputError(
                "period: applies to a rate of requests (e.g. '1e9 request/day'); "
                f"requests {r['requests']:~P} is a total"
            )
        else:
            r["period"] = None

    def _tokens(self) -> None:
        r = self._resolved
        kind = r["kind"]
        if self.output_tokens is None:
            if kind != "preset":
                raise InputError(
                    "output_tokens: give the tokens generated per request, e.g. 300 "
                    f"(the {kind} model scales with them)"
                )
            r["output_tokens"] = None
        else:
            r["output_tokens"] = parse_tokens(self.output_tokens, "output_tokens", allow_zero=False)
        r["input_tokens"] = parse_tokens(
            0 if self.input_tokens is None else self.input_tokens, "input_tokens"
        )

    def _gpus(self) -> int:
        r = self._resolved
        acc, model = r["accelerator"], r["model"]
        if acc.memory is None:
            raise MissingDataError(f"{acc.name} has no memory size in the catalogue")
        bpp = PRECISIONS[self.precision]
        memory_gb = acc.memory.m_as("GB")
        needed = required_accelerators(model.total_params_b, bpp, memory_gb)
        r["gpus_needed"] = needed
        if self.gpus is None:
            return needed
        gpus = _whole(self.gpus, "gpus")
        weights_gb = model.total_params_b * bpp
        if MEMORY_OVERHEAD * weights_gb > gpus * memory_gb:
            raise InputError(
                f"gpus: {model.name} in {self.precision} needs "
                f"{MEMORY_OVERHEAD:g} x {weights_gb:,.0f} GB = {MEMORY_OVERHEAD * weights_gb:,.0f}"
                f" GB; {gpus} x {acc.name} hold {gpus * memory_gb:,.0f} GB; "
                f"use --gpus {needed} or more (or a lower precision)"
            )
        return gpus

    # -- energy models -------------------------------------------------------------------

    def _profile(self) -> ServingProfile:
        kind = self._resolved["kind"]
        if kind == "ecologits":
            return self._ecologits()
        if kind == "roofline":
            return self._roofline()
        return self._preset()

    def _ecologits(self) -> ServingProfile:
        r = self._resolved
        model, acc, batch = r["model"], r["accelerator"], r["batch"]
        n, out = r["gpus"], r["output_tokens"]
        e_tok = _ecologits_energy_wh(model.active_params_b, batch)
        lat_tok = _ecologits_latency_s(model.active_params_b, batch)
        latency = out * lat_tok
        replica_s = latency / batch
        busy_w = e_tok * 3600.0 * batch / lat_tok
        Q_ = units.Q_
        busy = Factor(
            name="busy_power",
            value=Q_(busy_w, "W"),
            origin="derived",
            source=_ECOLOGITS_SOURCE,
            note=(
                f"GPU energy per token {e_tok * 3600:.4g} J x batch {batch} / "
                f"generation time per token {lat_tok:.4g} s"
            ),
        )
        factors = {
            "gpu_energy_per_token": Factor(
                name="gpu_energy_per_token",
                value=Q_(e_tok, "Wh/token"),
                origin="derived",
                source=_ECOLOGITS_SOURCE,
                note=(
                    f"a exp(b x {batch}) x {model.active_params_b:g}B + c, per GPU; "
                    f"{n} GPUs per replica"
                ),
            ),
            "batch": _count_factor("batch", batch, self.batch, "EcoLogits 0.11.3 BATCH_SIZE"),
        }
        notes = [
            "ecologits: GPU energy per output token from EcoLogits' fit of ML.ENERGY "
            "measurements; input tokens are not counted"
            + (f" ({r['input_tokens']:g} given)" if r["input_tokens"] else ""),
        ]
        if "h100" not in acc.name.lower():
            notes.append(
                f"ecologits: the fit was measured on H100 80GB and is applied unchanged to "
                f"{acc.name} (only the GPU count uses its memory)"
            )
        if self.precision != "bf16" and self.precision != "fp16":
            notes.append(
                f"ecologits: precision {self.precision} changes the GPU count only; the "
                "per-token fit is for 16-bit weights"
            )
        return ServingProfile(
            energy_model="ecologits",
            accelerators_per_replica=n,
            replica_seconds_per_request=replica_s,
            request_latency=latency,
            busy_power=busy,
            sizing=True,
            factors=factors,
            notes=tuple(notes),
        )

    def _roofline(self) -> ServingProfile:
        r = self._resolved
        model, acc, batch = r["model"], r["accelerator"], r["batch"]
        n, out, inp = r["gpus"], r["output_tokens"], r["input_tokens"]
        mbu, mfu = r["mbu"], r["mfu"]
        if acc.memory_bandwidth is None:
            raise MissingDataError(f"{acc.name} has no memory bandwidth in the catalogue")
        bandwidth = acc.memory_bandwidth.m_as("B/s")
        peak_q, peak_label = _peak(acc, self.precision)
        peak = peak_q.m_as("FLOP/s")
        bpp = PRECISIONS[self.precision]
        kv_bytes = 1.0 if self.precision == "fp8" else 2.0
        notes: list[str] = []

        weights = model.total_params * bpp
        share = model.active_params_b / model.total_params_b
        context = inp + out / 2.0
        kv_values = model.kv_cache_values_per_token
        if kv_values is None:
            kv_per_request = 0.0
            notes.append(
                f"roofline: no architecture data for {model.name}; KV-cache reads left out "
                "(decode energy is a lower bound)"
            )
        else:
            kv_per_request = context * kv_values * kv_bytes
            free = SERVING_MEMORY_FRACTION * n * acc.memory.m_as("B") - weights
            room = free / kv_per_request if kv_per_request > 0 else math.inf
            fits = batch if room >= batch else math.floor(room)
            if fits < 1:
                raise InputError(
                    f"gpus: {n} x {acc.name} leave no room for the KV cache of one "
                    f"{inp + out:g}-token request of {model.name} beside the weights; "
                    "give more accelerators"
                )
            if fits < batch:
                notes.append(
                    f"roofline: the KV cache of {batch} requests averaging {context:g} "
                    f"tokens does not fit beside the weights ({max(free, 0) / 1e9:,.0f} GB "
                    f"free at {SERVING_MEMORY_FRACTION:g} of memory); batch capped at {fits}"
                )
                batch = fits
        weights_read = weights * (1.0 - (1.0 - share) ** batch)
        kv_read = batch * kv_per_request
        t_mem = (weights_read + kv_read) / (n * bandwidth * mbu)
        t_flops = 2.0 * model.active_params * batch / (n * peak * mfu)
        t_step = max(t_mem, t_flops)
        t_prefill = 2.0 * model.active_params * inp / (n * peak * mfu)
        replica_s = t_prefill + out * t_step / batch
        latency = t_prefill + out * t_step
        if inp == 0:
            notes.append("roofline: no input tokens given; prefill not counted")
        bound = "memory" if t_mem >= t_flops else "compute"
        notes.append(
            f"roofline: decode step {t_step * 1e3:.3g} ms for {batch} requests "
            f"({bound}-bound: {t_mem * 1e3:.3g} ms HBM, {t_flops * 1e3:.3g} ms FLOPs); "
            f"prefill {t_prefill * 1e3:.3g} ms per request"
        )
        if "power" in r:
            busy = user_factor("busy_power", r["power"], "power")
        else:
            tdp = _tdp(acc, "power")
            busy = Factor(
                name="busy_power",
                value=tdp * DEFAULT_UTILIZATION,
                origin="default",
                source=_tdp_source(acc),
                dataset="accelerators.csv",
                note=f"TDP x {DEFAULT_UTILIZATION:g}: the accelerators' draw while serving",
            )
        Q_ = units.Q_
        factors = {
            "memory_bandwidth": Factor(
                name="memory_bandwidth",
                value=acc.memory_bandwidth.to("GB/s"),
                origin="dataset",
                source=acc.source,
                dataset="accelerators.csv",
                extra={"accelerator": acc.name},
            ),
            "peak_flops": Factor(
                name="peak_flops",
                value=peak_q.to("TFLOP/s"),
                origin="dataset",
                source=acc.source,
                dataset="accelerators.csv",
                note=f"{peak_label} peak per accelerator",
            ),
            "mbu": _fraction_factor("mbu", mbu, self.mbu, "footprint assumption (ROOFLINE_MBU)"),
            "mfu": _fraction_factor(
                "mfu",
                mfu,
                self.mfu,
                "footprint assumption (ROOFLINE_MFU); Pope et al. 2023 reach 0.76 in prefill",
            ),
            "batch": _count_factor("batch", batch, self.batch, "EcoLogits 0.11.3 BATCH_SIZE"),
            "weights_per_replica": Factor(
                name="weights_per_replica",
                value=Q_(weights / 1e9, "GB"),
                origin="derived",
                source=model.source,
                note=f"{model.total_params_b:g}B parameters x {bpp:g} byte ({self.precision})",
            ),
        }
        return ServingProfile(
            energy_model="roofline",
            accelerators_per_replica=n,
            replica_seconds_per_request=replica_s,
            request_latency=latency,
            busy_power=busy,
            sizing=True,
            factors=factors,
            notes=tuple(notes),
        )

    def _preset(self) -> ServingProfile:
        r = self._resolved
        p: Preset = r["preset"]
        acc = r["accelerator"]
        tdp = _tdp(acc, "another accelerator")
        it_wh = p.it_energy.m_as("Wh/request")
        busy = Factor(
            name="busy_power",
            value=tdp,
            origin="default",
            source=_tdp_source(acc),
            dataset="accelerators.csv",
            note="presets state energy, not hardware time: accelerator-hours are equivalent "
            f"hours at {acc.name}'s TDP",
        )
        factors = {
            "preset_energy_per_request": Factor(
                name="preset_energy_per_request",
                value=p.energy,
                origin="dataset",
                source=p.citation,
                dataset="inference_presets.csv",
                note=f"{p.title}; boundary: {p.boundary}",
            )
        }
        notes = [f"preset {p.name}: {p.figure_as_published} ({p.publisher}, {p.published})"]
        if p.pue_in_figure is not None:
            notes.append(
                f"preset {p.name}: the figure includes data-centre overhead (PUE "
                f"{p.pue_in_figure:g}); {it_wh:.4g} Wh/request before overhead, and the "
                f"site's PUE is applied; use pue={p.pue_in_figure:g} to reproduce the figure"
            )
        elif p.includes_facility_overhead == "unknown":
            notes.append(
                f"preset {p.name}: boundary not disclosed; the figure is taken as IT energy "
                "and the site's PUE is applied on top (use pue=1 to reproduce it)"
            )
        else:
            notes.append(
                f"preset {p.name}: the figure excludes data-centre overhead; the site's PUE "
                "is applied on top (use pue=1 to reproduce it)"
            )
        if r["model"] is not None:
            notes.append(
                f"preset {p.name} describes {p.title}; the model {r['model'].name} is not used"
            )
        published = {"published_energy_per_request": p.energy}
        if p.co2e is not None:
            published["published_co2e_per_request"] = p.co2e
        if p.water is not None:
            published["published_water_per_request"] = p.water
        return ServingProfile(
            energy_model=f"preset:{p.name}",
            accelerators_per_replica=1,
            replica_seconds_per_request=it_wh * 3600.0 / tdp.m_as("W"),
            request_latency=None,
            busy_power=busy,
            sizing=False,
            factors=factors,
            notes=tuple(notes),
            published=published,
        )

    # -- public views -------------------------------------------------------------------

    @property
    def profile(self) -> ServingProfile:
        """What one request costs its replica under the chosen energy model."""
        return self._resolved["profile"]  # type: ignore[no-any-return]

    @property
    def hardware(self) -> Accelerator:
        """The catalogue entry of the serving accelerator."""
        return self._resolved["accelerator"]  # type: ignore[no-any-return]

    @property
    def llm(self) -> LlmModel | None:
        """The catalogue entry of the model (``None`` for a preset without model)."""
        return self._resolved["model"]  # type: ignore[no-any-return]

    @property
    def is_rate(self) -> bool:
        """Whether the volume is a rate (then per-day totals and fleet sizing apply)."""
        return bool(self._resolved["is_rate"])

    @property
    def accounting_period(self) -> Any:
        """Accounting period of a rate [h], ``None`` for a total volume."""
        return self._resolved["period"]

    @property
    def user_count(self) -> float | None:
        """Number of users of the per-user view, or ``None``."""
        return self._resolved["users"]  # type: ignore[no-any-return]

    def total_requests(self) -> Any:
        """Requests accounted for [request] (rate x period, or the total)."""
        r = self._resolved
        if r["is_rate"]:
            return (r["requests"] * r["period"]).to("request")
        return r["requests"]

    def load(self) -> Load:
        """Accelerator-hours (busy and idle) and average power of the fleet, with provenance."""
        r = self._resolved
        Q_ = units.Q_
        prof = self.profile
        acc: Accelerator = r["accelerator"]
        n = prof.accelerators_per_replica
        requests = self.total_requests().m_as("request")
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
            raise InputError(
                "requests: the volume gives more accelerator-hours than a finite number"
            )
        if provisioned_h <= 0:
            raise InputError(
                f"requests: {requests:g} request(s) take no measurable accelerator time; "
                "give a larger volume"
            )
        idle_h = max(provisioned_h - busy_h, 0.0)
        busy_w = prof.busy_power.value.m_as("W")
        idle_factor = self._idle_factor(acc)
        idle_w = idle_factor.value.m_as("W")
        avg_w = (busy_h * busy_w + idle_h * idle_w) / provisioned_h
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
        host = self._host_factor()
        factors: dict[str, Factor] = {"busy_power": prof.busy_power}
        if prof.sizing:
            factors["idle_power"] = idle_factor
            factors["fleet_utilization"] = _fraction_factor(
                "fleet_utilization",
                util,
                self.fleet_utilization,
                "footprint default: no idle capacity beyond whole replicas",
            )
            if self.fleet_utilization is None:
                notes.append(
                    "fleet utilization 1.0 (default): no idle capacity beyond rounding up to "
                    "whole replicas; give fleet_utilization for headroom"
                )
        factors.update(prof.factors)
        if model is not None and model.is_range and r["kind"] != "preset":
            central_kwh = provisioned_h * (avg_w + host.value.m_as("W")) / 1000.0
            factors["accelerator_hours"] = self._parameter_range(model, provisioned_h, central_kwh)
        if prof.sizing:
            extra["accelerators_per_replica"] = Q_(n, "dimensionless")
            if replicas is not None:
                extra["replicas"] = Q_(replicas, "dimensionless")
                extra["accelerators"] = Q_(replicas * n, "dimensionless")
            extra["throughput_per_replica"] = Q_(
                1.0 / prof.replica_seconds_per_request, "request/s"
            )
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
        return Load(
            accelerator_hours=Q_(provisioned_h, "h"),
            power=power,
            host_power=host,
            inputs=self.inputs(),
            notes=tuple(notes),
            per_unit=per_unit,
            extra_factors=factors,
            extra_results=extra,
        )

    def _parameter_range(self, model: LlmModel, hours: float, central_kwh: float) -> Factor:
        """Accelerator-hours with the range a closed model's parameter estimate implies.

        The workload is re-run with the low and the high active-parameter estimate
        (totals scaled alike); each bound is the IT energy of that run expressed as
        accelerator-hours at this run's power, so :mod:`footprint.uncertainty` samples
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
            load = replace(self, model=variant).load()
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

    def _idle_factor(self, acc: Accelerator) -> Factor:
        r = self._resolved
        if "idle_power" in r:
            return user_factor("idle_power", r["idle_power"], "idle_power")
        tdp = _tdp(acc, "idle_power")
        return Factor(
            name="idle_power",
            value=tdp * IDLE_POWER_FRACTION,
            origin="default",
            source=_tdp_source(acc),
            dataset="accelerators.csv",
            note=(
                f"{IDLE_POWER_FRACTION:g} x TDP: footprint's assumption for a provisioned "
                "accelerator with the model loaded (see footprint.inference.IDLE_POWER_FRACTION)"
            ),
        )

    def _host_factor(self) -> Factor:
        r = self._resolved
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
        return Factor(
            name="host_power",
            value=units.Q_(HOST_POWER_PER_ACCELERATOR_W, "W"),
            origin="default",
            source="EcoLogits methodology: 1.2 kW per 8-accelerator server, excluding accelerators",
            note="over busy and idle hours alike; '0 W' turns it off",
        )

    def inputs(self) -> dict[str, str]:
        """The workload's inputs as given (and the defaults used), for echoing in results."""
        r = self._resolved
        out: dict[str, str] = {"energy_model": self.profile.energy_model}
        if r["model"] is not None:
            out["model"] = r["model"].name
        if r["users"] is not None:
            out["users"] = f"{r['users']:g}"
            out["requests_per_user"] = str(self.requests_per_user)
        else:
            out["requests"] = str(self.requests)
        if r["output_tokens"] is not None:
            out["output_tokens"] = f"{r['output_tokens']:g}"
        out["input_tokens"] = f"{r['input_tokens']:g}"
        out["accelerator"] = r["accelerator"].name
        if r["kind"] != "preset":
            out["gpus"] = str(r["gpus"])
            out["precision"] = self.precision
            out["batch"] = str(r["batch"])
            out["fleet_utilization"] = f"{r['fleet_utilization']:g}"
        if r["period"] is not None:
            period = r["period"]
            out["period"] = f"{period.magnitude:g} {units.format_unit(period.units)}"
        for key in ("power", "idle_power", "host_power", "mbu", "mfu"):
            value = getattr(self, key)
            if value is not None:
                out[key] = str(value)
        return out

    def with_changes(self, **changes: Any) -> InferenceWorkload:
        """A copy with some inputs replaced (re-validated)."""
        return replace(self, **changes)


def _fraction_factor(name: str, value: float, given: Any, default_source: str) -> Factor:
    q = units.Q_(value, "dimensionless")
    if given is not None:
        return user_factor(name, q, name)
    return Factor(name=name, value=q, origin="default", source=default_source)


def _count_factor(name: str, value: int, given: Any, default_source: str) -> Factor:
    q = units.Q_(value, "dimensionless")
    if given is not None:
        return user_factor(name, q, name)
    return Factor(name=name, value=q, origin="default", source=default_source)


# --------------------------------------------------------------------------------------
# Views on the results: per user, comparison
# --------------------------------------------------------------------------------------


def per_user_results(footprint: Footprint, workload: InferenceWorkload) -> dict[str, Any]:
    """Energy, CO2e, water (and electricity cost) per user per month.

    ``facility_energy / (users x months of the period)``; empty unless the workload was
    given as ``users`` x ``requests_per_user``.
    """
    users = workload.user_count
    if users is None:
        return {}
    Q_ = units.Q_
    user_months = Q_(users, "user") * workload.accounting_period.to("month")
    res = footprint.results
    out = {
        "energy_per_user_month": (res["facility_energy"] / user_months).to("kWh/user/month"),
        "co2e_per_user_month": (res["co2e"] / user_months).to("kgCO2e/user/month"),
        "water_per_user_month": (res["water"] / user_months).to("L/user/month"),
    }
    if "cost" in res:
        cost = res["cost"]
        out["cost_per_user_month"] = (cost / user_months).to(f"{cost.units}/user/month")
    return out


def estimate_inference(
    workload: InferenceWorkload,
    site: Site | None = None,
    *,
    region: str | None = None,
    year: int | None = None,
    **options: Any,
) -> Footprint:
    """:func:`footprint.estimate` of ``workload``, plus the per-user results if it has users.

    ``options`` go to :func:`footprint.estimate` unchanged. Per-request, per-token and
    per-day quantities are scaled to readable units for tables (the JSON and CSV
    contract converts every result to its canonical unit).
    """
    from footprint.engine import estimate

    result = estimate(workload, site, region=region, year=year, **options)
    results = {**result.results, **per_user_results(result, workload)}
    return replace(result, results={k: _readable(k, q) for k, q in results.items()})


#: Numerator units tried for per-unit results, with their size in the ladder's base
#: (Wh, gCO2e, L); display only: the JSON and CSV contract converts every result to its
#: canonical unit.
_PER_UNIT_LADDERS: dict[str, tuple[str, tuple[tuple[str, float], ...]]] = {
    "energy": (
        "Wh",
        (("mWh", 1e-3), ("Wh", 1.0), ("kWh", 1e3), ("MWh", 1e6), ("GWh", 1e9), ("TWh", 1e12)),
    ),
    "co2e": (
        "gCO2e",
        (
            ("mgCO2e", 1e-3),
            ("gCO2e", 1.0),
            ("kgCO2e", 1e3),
            ("tCO2e", 1e6),
            ("ktCO2e", 1e9),
            ("MtCO2e", 1e12),
        ),
    ),
    "water": ("L", (("mL", 1e-3), ("L", 1.0), ("m^3", 1e3))),
}
#: Denominators of the per-unit results of inference workloads.
_PER_UNIT_DENOMINATORS = {
    "request": "request",
    "token": "token",
    "day": "day",
    "month": "month",
    "year": "year",
    "user_month": "user/month",
}


@cache
def _ladder(kind: str, denominator: str) -> tuple[Any, tuple[tuple[Any, float], ...]]:
    ureg = units.get_registry()
    base, rungs = _PER_UNIT_LADDERS[kind]
    return ureg.Unit(f"{base}/{denominator}"), tuple(
        (ureg.Unit(f"{unit}/{denominator}"), scale) for unit, scale in rungs
    )


def _readable(key: str, q: Any) -> Any:
    """``energy_per_day`` and the like in the ladder unit giving a magnitude of 1-1000."""
    name = key.removeprefix("published_")
    kind, _, per = name.partition("_per_")
    kind = "co2e" if kind in ("total_co2e", "co2e_market", "embodied_co2e") else kind
    denominator = _PER_UNIT_DENOMINATORS.get(per)
    if kind not in _PER_UNIT_LADDERS or denominator is None:
        return q
    base, rungs = _ladder(kind, denominator)
    value = float(q.m_as(base))
    unit, scale = rungs[0]
    for candidate, size in rungs:
        if abs(value) >= size:
            unit, scale = candidate, size
    return units.Q_(value / scale, unit)


def _magnitude(results: dict[str, Any], key: str, unit: str) -> float | None:
    q = results.get(key)
    return None if q is None else float(q.m_as(unit))


def compare_inference(
    models: list[Any],
    energy_models: list[str] | tuple[str, ...] = ("ecologits",),
    site: Site | None = None,
    **workload: Any,
) -> pd.DataFrame:
    """The same volume served by several models and/or energy models, one row each.

    Parameters
    ----------
    models : list of str or LlmModel
        Models to compare (e.g. a 1B against 8B, 70B, 405B).
    energy_models : list of str
        Energy models to run for each model (presets run once, without model).
    site : Site, optional
        Where the fleet runs (same factors for every row).
    **workload
        Further :class:`InferenceWorkload` arguments (requests, tokens, accelerator...).

    Returns
    -------
    pandas.DataFrame
        Unit-suffixed columns: accelerators, energy per request [Wh] and per output token
        [mWh], totals per day (a rate) or in total [kWh, kgCO2e, L], per user per month
        (with users), cost where a price is known.
    """
    import pandas as pd

    from footprint.site import Site

    for name, items in (("models", models), ("energy_models", energy_models)):
        if not isinstance(items, (list, tuple)):
            raise InputError(f"{name}: expected a list, got {type(items).__name__}")
    for em in energy_models:
        if not isinstance(em, str):
            raise InputError(f"energy_models: expected names such as 'ecologits', got {em!r}"[:200])
    if site is not None and not isinstance(site, Site):
        raise InputError(f"site: expected a Site, got {type(site).__name__}")
    rows = []
    notes: list[str] = []
    runs: list[tuple[Any, str]] = []
    for em in energy_models:
        if str(em).strip().lower().startswith("preset:"):
            runs.append((None, em))
        else:
            runs.extend((m, em) for m in models)
    if not runs:
        raise InputError("compare: give at least one model or preset")
    for model, em in runs:
        w = InferenceWorkload(model=model, energy_model=em, **workload)
        fp = estimate_inference(w, site)
        notes.extend(n for n in fp.notes if n not in notes)
        res = fp.results
        per = "day" if w.is_rate else None
        row: dict[str, Any] = {
            "model": "" if w.llm is None else w.llm.name,
            "energy_model": w.profile.energy_model,
            "accelerators_per_replica": _magnitude(res, "accelerators_per_replica", ""),
            "accelerators": _magnitude(res, "accelerators", ""),
            "energy_per_request_wh": _magnitude(res, "energy_per_request", "Wh/request"),
            "energy_per_token_mwh": _magnitude(res, "energy_per_token", "mWh/token"),
        }
        if per:
            row["energy_per_day_kwh"] = _magnitude(res, "energy_per_day", "kWh/day")
            row["co2e_per_day_kg"] = _magnitude(res, "co2e_per_day", "kgCO2e/day")
            row["water_per_day_l"] = _magnitude(res, "water_per_day", "L/day")
        else:
            row["facility_energy_kwh"] = _magnitude(res, "facility_energy", "kWh")
            row["co2e_kg"] = _magnitude(res, "co2e", "kgCO2e")
            row["water_l"] = _magnitude(res, "water", "L")
        if "cost" in res:
            currency = format(res["cost"].units, "~")
            if per:
                days = w.accounting_period.m_as("day")
                row[f"cost_per_day_{currency.lower()}"] = float(res["cost"].magnitude) / days
            else:
                row[f"cost_{currency.lower()}"] = float(res["cost"].magnitude)
        if "energy_per_user_month" in res:
            row["energy_per_user_month_kwh"] = _magnitude(
                res, "energy_per_user_month", "kWh/user/month"
            )
            row["co2e_per_user_month_kg"] = _magnitude(
                res, "co2e_per_user_month", "kgCO2e/user/month"
            )
            if "cost_per_user_month" in res:
                q = res["cost_per_user_month"]
                currency = format(res["cost"].units, "~")
                row[f"cost_per_user_month_{currency.lower()}"] = float(q.magnitude)
        rows.append(row)
    df = pd.DataFrame(rows).dropna(axis=1, how="all")
    for col in ("accelerators_per_replica", "accelerators"):
        # whole counts as integers, unless too large for one (then a float stays)
        if col in df and (df[col].dropna().abs() < 2**53).all():
            df[col] = df[col].round().astype("Int64")
    df.attrs["notes"] = notes
    return df
