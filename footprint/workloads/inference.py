"""Inference workloads: LLM serving volumes -> accelerator-hours, with four energy models.

An :class:`InferenceWorkload` (a model, a request volume, tokens per request, serving
hardware) states its :class:`~footprint.workloads.jobs.Load`, so :func:`footprint.estimate`
accounts for it like any job: the same site factors (PUE, WUE, EWIF, grid intensity,
price) and the same formulas. The engine adds ``energy_per_request`` and
``energy_per_token`` (facility energy per generated token), and ``energy_per_day``,
``_month`` and ``_year`` when the volume is a rate.

Energy models (``energy_model=``, checked against :data:`ENERGY_MODELS`)
------------------------------------------------------------------------
``"production"`` -- measured production rates (default)
    Accelerator-seconds per token as DeepSeek's production service measured them over a
    day (:data:`~footprint.workloads.energy_models.PRODUCTION_OUTPUT_S`, ``_INPUT_S``:
    8 x H800 nodes, DeepSeek-V3/R1, 37B active), scaled by the model's active parameters
    and by the accelerator's dense BF16 peak, times the measured spread of other
    deployments (ML.ENERGY's vLLM serving on H100: x1.36, 0.81-2.27). Accelerators draw
    their server class's serving average; the fleet is 0.8 busy (Google's idle share).

``"ecologits"`` -- empirical per-token fit
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
    the server class's host share, ``server_classes.csv``) counts over that share, as
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
    hardware time: without an accelerator given they report no accelerator-hours and no
    embodied CO2e; with one, equivalent hours at its TDP.

Fleet sizing (ecologits and roofline; :mod:`footprint.workloads.fleet`)
-----------------------------------------------------------------------
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

from dataclasses import dataclass, field, replace
from typing import Any

from footprint.catalogues.hardware import Accelerator, get_accelerator
from footprint.catalogues.models import LlmModel, get_model
from footprint.core import units
from footprint.core.errors import InputError, MissingDataError, UnitError
from footprint.workloads.energy_models import (
    DEFAULT_BATCH,
    ENERGY_MODELS,
    MEMORY_OVERHEAD,
    PRECISIONS,
    PRODUCTION_FLEET_UTILIZATION,
    ROOFLINE_MBU,
    ROOFLINE_MFU,
    Preset,
    ServingProfile,
    ecologits_gpu_energy_per_token,
    ecologits_latency_per_token,
    ecologits_profile,
    energy_model_names,
    get_preset,
    list_presets,
    parse_energy_model,
    preset_profile,
    preset_table,
    production_profile,
    required_accelerators,
    roofline_profile,
)
from footprint.workloads.energy_models import (  # re-exported: the model constants
    ECOLOGITS_GPU_ENERGY_ALPHA as ECOLOGITS_GPU_ENERGY_ALPHA,
)
from footprint.workloads.energy_models import (
    ECOLOGITS_GPU_ENERGY_BETA as ECOLOGITS_GPU_ENERGY_BETA,
)
from footprint.workloads.energy_models import (
    ECOLOGITS_GPU_ENERGY_GAMMA as ECOLOGITS_GPU_ENERGY_GAMMA,
)
from footprint.workloads.energy_models import ECOLOGITS_LATENCY_ALPHA as ECOLOGITS_LATENCY_ALPHA
from footprint.workloads.energy_models import ECOLOGITS_LATENCY_BETA as ECOLOGITS_LATENCY_BETA
from footprint.workloads.energy_models import ECOLOGITS_LATENCY_GAMMA as ECOLOGITS_LATENCY_GAMMA
from footprint.workloads.energy_models import SERVING_MEMORY_FRACTION as SERVING_MEMORY_FRACTION
from footprint.workloads.fleet import (  # re-exported: the fleet defaults
    DEFAULT_FLEET_UTILIZATION as DEFAULT_FLEET_UTILIZATION,
)
from footprint.workloads.fleet import IDLE_POWER_FRACTION as IDLE_POWER_FRACTION
from footprint.workloads.fleet import fleet_load
from footprint.workloads.jobs import Load

__all__ = [
    "ENERGY_MODELS",
    "PRECISIONS",
    "InferenceWorkload",
    "Preset",
    "ServingProfile",
    "ecologits_gpu_energy_per_token",
    "ecologits_latency_per_token",
    "energy_model_names",
    "get_preset",
    "list_presets",
    "preset_table",
    "required_accelerators",
]

#: Period a rate of requests is accounted over (totals scale linearly; see per-day results).
DEFAULT_PERIOD = "1 year"
#: Accelerator of the EcoLogits fit and footprint's default serving hardware.
DEFAULT_ACCELERATOR = "H100-SXM"

_ROOFLINE_ONLY = ("mbu", "mfu", "power")
#: Options the production model has no use for: its rate was measured at the service's
#: own batching and parallelism.
_PRODUCTION_IGNORED = ("mbu", "mfu", "batch", "gpus")
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

#: Options each energy model refuses, and why (one line naming them).
_UNUSED_OPTIONS: dict[str, tuple[tuple[str, ...], str]] = {
    "preset": (
        _PRESET_IGNORED,
        "not used by preset energy models, whose published figure fixes hardware, batching "
        "and boundary",
    ),
    "production": (
        _PRODUCTION_IGNORED,
        "not used by the production model, whose measured rate fixes batching and "
        "parallelism (use -e roofline for what-ifs)",
    ),
    "ecologits": (
        _ROOFLINE_ONLY,
        "used by the roofline model only; EcoLogits' fit gives the energy per token directly",
    ),
}


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
    q = units.to_quantity(units.expand_count_suffix(value, "requests", name), "request", name)
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
    q = units.to_quantity(units.expand_count_suffix(value, "tokens", name), "token", name)
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
        :func:`footprint.catalogues.models.custom_model`. Not needed for presets.
    requests : Quantity or str, optional
        Rate [request/time] or total [request]; bare numbers are totals.
    output_tokens, input_tokens : float or str
        Tokens generated and read per request [token]; output is required except for
        presets. Input tokens default to 0 (the EcoLogits fit ignores them).
    energy_model : str
        ``"production"`` (default), ``"ecologits"``, ``"roofline"`` or ``"preset:<name>"``.
    accelerator : str, optional
        Serving accelerator (default H100-SXM, the EcoLogits hardware). A preset (a
        published energy per request) has none unless one is given: it then reports no
        accelerator-hours and no embodied emissions.
    gpus : int, optional
        Accelerators per replica; default what the weights need (EcoLogits rule).
    precision : str
        Weight precision, one of :data:`PRECISIONS` (default bf16).
    batch : int, optional
        Concurrent requests per replica (default 64, EcoLogits).
    fleet_utilization : float, optional
        Busy share of provisioned capacity, in (0, 1] (default 0.8 for ``production``,
        1.0 for the other models).
    period : Quantity or str, optional
        Accounting period for a rate [time] (default 1 year).
    power : Quantity or str, optional
        Busy draw per accelerator [W] for the roofline model (default TDP).
    idle_power : Quantity or str, optional
        Draw of an idle provisioned accelerator [W] (default 0.2 x TDP).
    host_power : Quantity or str, optional
        Host share per accelerator [W] (default: the server class's, 150 W on an 8-GPU
        server).
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
    energy_model: str = "production"
    accelerator: str | None = None
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
        kind, preset = parse_energy_model(self.energy_model)
        r["kind"], r["preset"] = kind, preset
        r["model"] = None if self.model is None else get_model(self.model)
        if r["model"] is None and kind != "preset":
            raise InputError(
                "model: give a model name (or custom parameters) for this energy model"
            )
        r["accelerator"] = get_accelerator(
            DEFAULT_ACCELERATOR if self.accelerator is None else self.accelerator
        )
        # a published figure states energy; hardware time exists only for a given accelerator
        r["nominal_hours"] = kind == "preset" and self.accelerator is None
        self._volume()
        self._tokens()
        if not isinstance(self.precision, str) or self.precision not in PRECISIONS:
            raise InputError(
                f"precision: expected one of {tuple(PRECISIONS)}, got {self.precision!r}"
            )
        unused, why = _UNUSED_OPTIONS.get(kind, ((), ""))
        given = [n for n in unused if getattr(self, n) is not None]
        if given:
            raise InputError(f"{', '.join(given)}: {why}")
        r["batch"] = DEFAULT_BATCH if self.batch is None else _whole(self.batch, "batch")
        r["fleet_utilization"] = (
            (PRODUCTION_FLEET_UTILIZATION if kind == "production" else DEFAULT_FLEET_UTILIZATION)
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
            users = units.to_quantity(
                units.expand_count_suffix(self.users, "requests", "users"), "user", "users"
            )
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
        r = self._resolved
        kind = r["kind"]
        if kind == "ecologits":
            return ecologits_profile(r, self.precision, self.batch)
        if kind == "roofline":
            return roofline_profile(r, self.precision, self.batch, self.mbu, self.mfu)
        if kind == "production":
            return production_profile(r)
        return preset_profile(r)

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
        return fleet_load(
            self._resolved,
            self.profile,
            self.total_requests(),
            self.fleet_utilization,
            self.inputs,
            lambda model: replace(self, model=model).load(),
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
        if not r["nominal_hours"]:
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
                out[key] = units.input_text(value)
        return out

    def with_changes(self, **changes: Any) -> InferenceWorkload:
        """A copy with some inputs replaced (re-validated)."""
        return replace(self, **changes)
