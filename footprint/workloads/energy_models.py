"""Energy models of LLM inference: what one request costs its replica.

Three models turn a request (model, tokens, serving hardware) into a
:class:`ServingProfile`: replica time per request, accelerators per replica and the busy
draw, with provenance. ``"ecologits"`` (EcoLogits' empirical per-token fit),
``"roofline"`` (first principles: compute-bound prefill, memory-bound decode) and
``"preset:<name>"`` (published per-request figures of ``inference_presets.csv``). The
formulas and their sources are described in :mod:`footprint.workloads.inference`, whose
:class:`~footprint.workloads.inference.InferenceWorkload` sizes the fleet from the profile.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace
from functools import cache
from typing import Any

from footprint.catalogues.hardware import Accelerator, get_accelerator
from footprint.core import units
from footprint.core.errors import InputError, MissingDataError, UnknownNameError
from footprint.core.provenance import Factor, Spread, user_factor
from footprint.data.loader import optional_float, read_records
from footprint.workloads.jobs import default_power

#: Draw of an accelerator while a roofline step runs, as a fraction of TDP. Busy time and
#: idle time are modelled apart (idle at ``IDLE_POWER_FRACTION`` in the fleet model), and
#: decoding at batch draws close to TDP: the roofline at TDP x 1.0 lands inside ML.ENERGY's
#: measured energy per token on H100 and A100 (``tests/test_inference.py``). The server
#: classes' ``serving_tdp_fraction`` is the average over serving hours, gaps included.
BUSY_DRAW = 1.0

__all__ = [
    "BUSY_DRAW",
    "ENERGY_MODELS",
    "PRECISIONS",
    "ECOLOGITS_SOURCE",
    "Preset",
    "ServingProfile",
    "accelerator_tdp",
    "count_factor",
    "ecologits_gpu_energy_per_token",
    "ecologits_latency_per_token",
    "ecologits_profile",
    "energy_model_names",
    "fraction_factor",
    "get_preset",
    "list_presets",
    "parse_energy_model",
    "preset_profile",
    "production_profile",
    "preset_table",
    "required_accelerators",
    "roofline_profile",
    "tdp_source",
]

#: Names of the energy models; ``preset`` is used as ``"preset:<name>"``.
ENERGY_MODELS = ("production", "ecologits", "roofline", "preset")

#: Production serving measured at scale: DeepSeek's online service over 24 hours
#: (DeepSeek, "Day 6: One More Thing, DeepSeek-V3/R1 Inference System Overview",
#: 2025-03-01): nodes of 8 H800 GPUs served 608 billion input tokens (56.3% from the
#: KV cache) at 73.7k tokens/s per node while prefilling and 168 billion output tokens at
#: 14.8k tokens/s per node while decoding (226.75 nodes on average, which those rates
#: account for), with DeepSeek-V3/R1 (37 billion active parameters, FP8).
PRODUCTION_SOURCE = (
    "DeepSeek, 'DeepSeek-V3/R1 Inference System Overview' (2025-03-01): 73.7k input "
    "tokens/s and 14.8k output tokens/s per 8 x H800 node, DeepSeek-V3/R1 (37B active)"
)
PRODUCTION_SOURCE_URL = (
    "https://github.com/deepseek-ai/open-infra-index/blob/main/202502OpenSourceWeek/"
    "day_6_one_more_thing_deepseekV3R1_inference_system_overview.md"
)
#: Accelerator-seconds per input token and per output token in that service.
PRODUCTION_INPUT_S = 8 / 73_700
PRODUCTION_OUTPUT_S = 8 / 14_800
#: Active parameters [billions] and accelerator of the reference service.
PRODUCTION_ACTIVE_B = 37.0
PRODUCTION_ACCELERATOR = "H800-SXM"
#: Accelerator time of a deployment of unknown efficiency relative to that service:
#: ML.ENERGY's measured vLLM serving of Llama 3.1 8B and 70B on H100 (leaderboard V3,
#: batch 64-1024, 224 input / 717 output tokens; tests/test_inference.py) takes 0.81-2.27x
#: the GPU energy per token of the DeepSeek rate scaled to those models at the same draw,
#: median 1.36 (``test_production_ratio_is_the_measured_median``). Central and range.
PRODUCTION_RATIO = 1.36
PRODUCTION_RATIO_RANGE = (0.81, 2.27)
#: Busy share of a production fleet: Elsworth et al. 2025 (arXiv:2508.15734) put idle
#: machines at 10% of a Gemini prompt's energy beside 58% active accelerators and 25% host;
#: with idle accelerators at 0.2 x TDP and the host's 150 W, idle hours are ~0.24 of busy
#: hours on an H100, a fleet 0.8 busy.
PRODUCTION_FLEET_UTILIZATION = 0.8

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

#: Provenance of the EcoLogits fit.
ECOLOGITS_SOURCE = (
    "EcoLogits 0.11.3 LLM inference methodology (ecologits/impacts/llm.py, MPL-2.0), "
    "fit on ML.ENERGY leaderboard measurements (H100 80GB)"
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


def parse_energy_model(spec: str) -> tuple[str, Preset | None]:
    """The kind of an ``energy_model`` value and its preset (checked; one line on error)."""
    if not isinstance(spec, str) or not spec.strip():
        raise InputError(f"energy_model: expected one of {ENERGY_MODELS}, got {spec!r}")
    text = spec.strip().lower()
    if text in ("production", "ecologits", "roofline"):
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
        hint="choose production, ecologits, roofline or preset:<name>",
    )


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


def accelerator_tdp(acc: Accelerator, what: str) -> Any:
    """The TDP of ``acc`` [W], or a :class:`MissingDataError` asking for ``what``."""
    if acc.tdp is None:
        raise MissingDataError(f"{acc.name} has no TDP in the catalogue; give {what}")
    return acc.tdp.to("W")


def tdp_source(acc: Accelerator) -> str:
    """Provenance text of the TDP of ``acc`` (its source and URL)."""
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


def fraction_factor(name: str, value: float, given: Any, default_source: str) -> Factor:
    """A fraction as a factor: the user's when ``given`` is set, else a default."""
    q = units.Q_(value, "dimensionless")
    if given is not None:
        return user_factor(name, q, name)
    return Factor(name=name, value=q, origin="default", source=default_source)


def count_factor(name: str, value: int, given: Any, default_source: str) -> Factor:
    """A count as a factor: the user's when ``given`` is set, else a default."""
    q = units.Q_(value, "dimensionless")
    if given is not None:
        return user_factor(name, q, name)
    return Factor(name=name, value=q, origin="default", source=default_source)


# --------------------------------------------------------------------------------------
# The three energy models
# --------------------------------------------------------------------------------------


def ecologits_profile(r: dict[str, Any], precision: str, given_batch: Any) -> ServingProfile:
    """One request under the EcoLogits fit (``energy_model="ecologits"``).

    ``r`` holds the workload's resolved inputs (model, accelerator, batch, gpus, tokens);
    ``given_batch`` is the batch as the user gave it (None for the default).
    """
    model, acc, batch = r["model"], r["accelerator"], r["batch"]
    n, out = r["gpus"], r["output_tokens"]
    e_tok = _ecologits_energy_wh(model.active_params_b, batch)
    measured = model.deployment_tps is not None
    if measured:  # EcoLogits: the provider's measured speed replaces the latency fit
        lat_tok = 1.0 / float(model.deployment_tps)
        latency = out * lat_tok + float(model.deployment_ttft_s or 0.0)
    else:
        lat_tok = _ecologits_latency_s(model.active_params_b, batch)
        latency = out * lat_tok
    replica_s = latency / batch
    # the GPUs' energy stays e_tok per token however long generation takes
    busy_w = e_tok * 3600.0 * out / replica_s if out else e_tok * 3600.0 * batch / lat_tok
    Q_ = units.Q_
    busy = Factor(
        name="busy_power",
        value=Q_(busy_w, "W"),
        origin="derived",
        source=ECOLOGITS_SOURCE,
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
            source=ECOLOGITS_SOURCE,
            note=(
                f"a exp(b x {batch}) x {model.active_params_b:g}B + c, per GPU; "
                f"{n} GPUs per replica"
            ),
        ),
        "batch": count_factor("batch", batch, given_batch, "EcoLogits 0.11.3 BATCH_SIZE"),
    }
    notes = [
        "ecologits: GPU energy per output token from EcoLogits' fit of ML.ENERGY "
        "measurements; input tokens are not counted"
        + (f" ({r['input_tokens']:g} given)" if r["input_tokens"] else ""),
    ]
    if measured:
        notes.append(
            f"ecologits: generation time from {model.name}'s measured serving speed "
            f"({model.deployment_tps:g} token/s, first token after "
            f"{model.deployment_ttft_s or 0:g} s; EcoLogits models table), as EcoLogits does"
        )
    if "h100" not in acc.name.lower():
        notes.append(
            f"ecologits: the fit was measured on H100 80GB and is applied unchanged to "
            f"{acc.name} (only the GPU count uses its memory)"
        )
    if precision != "bf16" and precision != "fp16":
        notes.append(
            f"ecologits: precision {precision} changes the GPU count only; the "
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


def roofline_profile(
    r: dict[str, Any], precision: str, given_batch: Any, given_mbu: Any, given_mfu: Any
) -> ServingProfile:
    """One request under the first-principles roofline model (``energy_model="roofline"``).

    ``r`` holds the workload's resolved inputs; the ``given_*`` values are as the user gave
    them (None for the defaults).
    """
    model, acc, batch = r["model"], r["accelerator"], r["batch"]
    n, out, inp = r["gpus"], r["output_tokens"], r["input_tokens"]
    mbu, mfu = r["mbu"], r["mfu"]
    if acc.memory_bandwidth is None:
        raise MissingDataError(f"{acc.name} has no memory bandwidth in the catalogue")
    bandwidth = acc.memory_bandwidth.m_as("B/s")
    peak_q, peak_label = _peak(acc, precision)
    peak = peak_q.m_as("FLOP/s")
    bpp = PRECISIONS[precision]
    kv_bytes = 1.0 if precision == "fp8" else 2.0
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
        tdp = accelerator_tdp(acc, "power")
        busy = Factor(
            name="busy_power",
            value=tdp * BUSY_DRAW,
            origin="default",
            source=tdp_source(acc),
            dataset="accelerators.csv",
            note=f"TDP x {BUSY_DRAW:g}: the accelerators' draw while a batch decodes",
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
        "mbu": fraction_factor("mbu", mbu, given_mbu, "footprint assumption (ROOFLINE_MBU)"),
        "mfu": fraction_factor(
            "mfu",
            mfu,
            given_mfu,
            "footprint assumption (ROOFLINE_MFU); Pope et al. 2023 reach 0.76 in prefill",
        ),
        "batch": count_factor("batch", batch, given_batch, "EcoLogits 0.11.3 BATCH_SIZE"),
        "weights_per_replica": Factor(
            name="weights_per_replica",
            value=Q_(weights / 1e9, "GB"),
            origin="derived",
            source=model.source,
            note=f"{model.total_params_b:g}B parameters x {bpp:g} byte ({precision})",
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


def production_profile(r: dict[str, Any]) -> ServingProfile:
    """One request at the throughput a production service measured (``"production"``).

    Accelerator time per token is DeepSeek's measured production rate
    (:data:`PRODUCTION_INPUT_S`, :data:`PRODUCTION_OUTPUT_S`), scaled by the model's
    active parameters over 37 billion and by the H800's dense BF16 peak over the serving
    accelerator's; the accelerators draw their server class's average serving power.
    """
    model, acc = r["model"], r["accelerator"]
    ref = get_accelerator(PRODUCTION_ACCELERATOR)
    peak, ref_peak = acc.peak_bf16, ref.peak_bf16
    if peak is None:
        raise MissingDataError(
            f"{acc.name} has no BF16 dense peak in the catalogue to scale the production "
            "throughput; use -e roofline with --mfu, or another accelerator"
        )
    scale = (
        model.active_params_b
        / PRODUCTION_ACTIVE_B
        * float(ref_peak.m_as("TFLOP/s"))
        / float(peak.m_as("TFLOP/s"))
    )
    out, inp = r["output_tokens"], r["input_tokens"]
    seconds = (out * PRODUCTION_OUTPUT_S + inp * PRODUCTION_INPUT_S) * scale * PRODUCTION_RATIO
    accelerator_tdp(acc, "power")  # no TDP: one error naming the option
    busy = (
        user_factor("busy_power", r["power"], "power")
        if "power" in r
        else replace(default_power(acc, "serving"), name="busy_power")
    )
    Q_ = units.Q_
    low, high = PRODUCTION_RATIO_RANGE
    factors = {
        "throughput_ratio": Factor(
            name="throughput_ratio",
            value=Q_(PRODUCTION_RATIO, "dimensionless"),
            origin="default",
            source="ML.ENERGY leaderboard V3 (vLLM, H100, Llama 3.1 8B/70B, batch 64-1024) "
            "over the DeepSeek production rate: median and range",
            note="accelerator time of this deployment / the production service's",
            spread=Spread(
                Q_(low, "dimensionless"),
                Q_(high, "dimensionless"),
                "triangular",
                source="ML.ENERGY V3 measurements / DeepSeek production rate",
            ),
            extra={"scales": {"accelerator_hours": 1.0}},
        ),
        "seconds_per_output_token": Factor(
            name="seconds_per_output_token",
            value=Q_(PRODUCTION_OUTPUT_S * scale * PRODUCTION_RATIO, "s/token"),
            origin="derived",
            source=PRODUCTION_SOURCE + f" <{PRODUCTION_SOURCE_URL}>",
            note=(
                f"8 / 14,800 s per output token x {model.active_params_b:g}B / "
                f"{PRODUCTION_ACTIVE_B:g}B x H800 / {acc.name} BF16 peak x "
                f"{PRODUCTION_RATIO:g}"
            ),
        ),
    }
    notes = [
        "production: accelerator time per token as DeepSeek's production service measured "
        f"it (8 x H800 nodes, 37B active), scaled to {model.active_params_b:g}B active "
        f"parameters on {acc.name}; input tokens at the measured prefill rate "
        "(56% cache hits included); x 1.36 (0.81-2.27) for a deployment of unknown "
        "efficiency, from ML.ENERGY's measured vLLM serving"
    ]
    return ServingProfile(
        energy_model="production",
        accelerators_per_replica=1,
        replica_seconds_per_request=seconds,
        request_latency=None,
        busy_power=busy,
        sizing=True,
        factors=factors,
        notes=tuple(notes),
    )


def preset_profile(r: dict[str, Any]) -> ServingProfile:
    """One request under a published per-request figure (``energy_model="preset:<name>"``).

    ``r`` holds the workload's resolved inputs (preset, accelerator, model).
    """
    p: Preset = r["preset"]
    acc = r["accelerator"]
    tdp = accelerator_tdp(acc, "another accelerator")
    it_wh = p.it_energy.m_as("Wh/request")
    busy = Factor(
        name="busy_power",
        value=tdp,
        origin="default",
        source=tdp_source(acc),
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
