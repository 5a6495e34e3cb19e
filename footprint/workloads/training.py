"""Training from FLOPs: parameters x tokens -> FLOPs -> accelerator-hours -> footprint.

A :class:`TrainingRun` states its :class:`~footprint.workloads.jobs.Load`, so
:func:`footprint.estimate` accounts for it with the same site factors and formulas as
any job. Its accelerator-hours come from the compute the run needs::

    FLOPs              = 6 x N x D          (N active parameters, D training tokens)
    accelerator-hours  = FLOPs / (peak FLOP/s x MFU) / 3600 s/h

(Kaplan et al. 2020 for the 6ND approximation; LLMCarbon, Faiz et al. ICLR 2024, for
its use with active parameters of mixture-of-experts models and hardware efficiency).
A FLOP count can be given directly. Given a published accelerator-hours figure instead
of an MFU, the run uses those hours and reports the MFU they imply
(``implied_mfu = FLOPs / (peak x hours)``); given both, it reports the published hours
next to the modelled ones.

The peak is the accelerator's dense peak at the training precision
(``accelerators.csv``: BF16 tensor peak by default, FP8 with ``precision="fp8"``).
The default MFU (:func:`default_mfu`) depends on the hardware generation and the model
size, fitted to published runs (``mfu_prior.csv``, ``mfu_evidence.csv``).

Power as for any job on accelerators (TDP x the server class's measured training draw, or
``utilization`` or ``power``) plus the server class's host share.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace
from functools import cache
from typing import Any

from footprint.catalogues.hardware import Accelerator, get_accelerator
from footprint.catalogues.models import LlmModel, get_model
from footprint.core import units
from footprint.core.errors import InputError, MissingDataError
from footprint.core.provenance import Factor, Spread, user_factor
from footprint.data.loader import read_records
from footprint.workloads.jobs import GpuJob, Load

__all__ = [
    "MfuPrior",
    "TrainingRun",
    "accelerator_hours_from_flops",
    "default_mfu",
    "implied_mfu",
    "training_flops",
    "TRAINING_PRECISIONS",
]

#: Accelerators released in or after this year use the newer generation's MFU prior.
NEW_GENERATION_YEAR = 2022


@dataclass(frozen=True)
class MfuPrior:
    """The default MFU for a model size on a hardware generation, with its range."""

    value: float
    low: float
    high: float
    note: str


@cache
def _mfu_priors() -> dict[str, dict[str, str]]:
    return {r["generation"]: r for r in read_records("mfu_prior")}


@cache
def _mfu_evidence_median(generation: str) -> float:
    values = [
        float(r["mfu"])
        for r in read_records("mfu_evidence")
        if r["generation"] == generation and r["kind"] == "implied"
    ]
    return float(sorted(values)[len(values) // 2])


def default_mfu(params: float | None, acc: Accelerator) -> MfuPrior:
    """The MFU prior of ``mfu_prior.csv`` for ``params`` active parameters on ``acc``.

    Accelerators released before :data:`NEW_GENERATION_YEAR` take the median of published
    runs (no trend with size); newer ones a line in log10(parameters) fitted to published
    runs (small models use big accelerators poorly). Without a parameter count the newer
    generation takes the median of its runs, said in the note.
    """
    year = acc.release_year or 0
    generation = "2022+" if year >= NEW_GENERATION_YEAR else "pre-2022"
    row = _mfu_priors()[generation]
    slope = float(row["slope_per_decade"])
    if slope and params is None:
        central = _mfu_evidence_median(generation)
        how = f"median of the {generation} runs (no model size given; give model or params)"
    elif slope:
        assert params is not None
        # below the size where hours = N / MFU(N) stop growing with N, MFU is held there
        intercept = float(row["intercept"])
        floor = (slope / math.log(10) - intercept) / slope
        decades = max(math.log10(params / 1e9), floor)
        central = intercept + slope * decades
        how = f"{intercept:g} + {slope:g} x log10({10**decades:,.4g}B)"
    else:
        central = float(row["intercept"])
        how = f"median of {row['n_runs']} published runs"
    central = min(max(central, 0.02), 0.6)
    low = max(central * float(row["low_factor"]), 0.01)
    high = min(central * float(row["high_factor"]), 0.75)
    note = (
        f"MFU {central:.3g} (default for {acc.name}, {generation} accelerators: {how}; "
        f"range {low:.2g}-{high:.2g}; mfu_prior.csv); give mfu or published gpu_hours"
    )
    return MfuPrior(central, low, high, note)


#: FLOPs per parameter per training token: forward (2) and backward (4) passes.
FLOPS_PER_PARAM_TOKEN = 6.0

#: Fewest parameters a training run may state (one million). ``params`` is a count
#: (``70.6e9``, ``"70.6B"``), while ``footprint infer --params`` is in billions: a bare
#: ``70`` here is almost surely meant as 70 billion and would undercount the compute by
#: 1e9, so counts below this bound are refused with the spelling to use.
MIN_PARAMS = 1e6

#: Training precisions and the peak of ``accelerators.csv`` each uses.
TRAINING_PRECISIONS = {"bf16": "peak_bf16", "fp16": "peak_bf16", "fp8": "peak_fp8"}


def training_flops(params: float, tokens: float) -> Any:
    """Training compute ``6 x N x D`` [FLOP].

    Parameters
    ----------
    params : float
        Parameters that each token uses (active parameters for MoE) [count, e.g. 7.06e10].
    tokens : float
        Training tokens [count].
    """
    for name, value in (("params", params), ("tokens", tokens)):
        units.check_magnitude(value, name, allow_zero=False)
    flops = FLOPS_PER_PARAM_TOKEN * float(params) * float(tokens)
    return units.Q_(_finite(flops, "training compute (6 x params x tokens)", "FLOP"), "FLOP")


def _finite(x: float, what: str, unit: str) -> float:
    """``x`` if a finite, non-zero number; else an :class:`InputError` naming ``what``."""
    if not math.isfinite(x):
        raise InputError(f"{what}: the inputs give more than a finite number of {unit}")
    if x == 0:
        raise InputError(f"{what}: the inputs give 0 {unit} (a number too small to compute)")
    return x


def _flops_magnitude(flops: Any) -> float:
    q = units.parse_quantity(flops, "flop", "FLOP", "flops", allow_zero=False)
    return float(q.m_as("FLOP"))


def accelerator_hours_from_flops(flops: Any, peak: Any, mfu: float) -> Any:
    """Accelerator-hours to run ``flops`` at ``mfu`` of ``peak`` [h].

    Parameters
    ----------
    flops : Quantity or float
        Compute [FLOP].
    peak : Quantity
        Dense peak per accelerator [FLOP/s].
    mfu : float
        Achieved model FLOPs utilisation, in (0, 1].
    """
    _check_mfu(mfu, "mfu")
    peak_q = units.parse_quantity(peak, "flop_rate", "TFLOP/s", "peak", allow_zero=False)
    rate = _finite(peak_q.m_as("FLOP/s") * float(mfu), "achieved FLOP/s (peak x mfu)", "FLOP/s")
    seconds = _finite(_flops_magnitude(flops) / rate, "accelerator-hours", "seconds")
    return units.Q_(seconds / 3600.0, "h")


def implied_mfu(flops: Any, accelerator_hours: Any, peak: Any) -> float:
    """The MFU a published accelerator-hours figure implies: ``FLOPs / (peak x hours)``."""
    hours = units.parse_quantity(
        accelerator_hours, "time", "h", "accelerator_hours", allow_zero=False
    )
    peak_q = units.parse_quantity(peak, "flop_rate", "TFLOP/s", "peak", allow_zero=False)
    work = _finite(peak_q.m_as("FLOP/s") * hours.m_as("s"), "peak x accelerator-hours", "FLOP")
    return _finite(_flops_magnitude(flops) / work, "implied MFU", "(a ratio)")


def _check_mfu(value: Any, name: str) -> float:
    units.check_magnitude(value, name, allow_zero=False)
    if float(value) > 1:
        raise InputError(f"{name}: expected a fraction of peak in (0, 1], got {value}")
    return float(value)


def _count(value: Any, name: str, unit: str) -> float:
    """A count (parameters, tokens) from a number, ``"70e9"``, ``"70B"`` or ``"15e12 token"``.

    Commas are refused, not dropped: ``"1,5B"`` is 1.5 billion to some readers and
    15 billion to others.
    """
    if isinstance(value, str):
        text = value.strip().lower()
        if "," in text:
            raise InputError(
                f"{name}: cannot read {value!r}: write the number with a decimal point and "
                "no commas (e.g. '70.6e9' or '70.6B')"
            )
        scale = {"k": 1e3, "m": 1e6, "b": 1e9, "t": 1e12}
        if text and text[-1] in scale:
            number = _float_or_none(text[:-1])
            if number is not None:
                return _positive(number * scale[text[-1]], name)
        number = _float_or_none(text)
        if number is not None:
            return _positive(number, name)
        q = units.parse_quantity(
            value, "tokens" if unit == "token" else "dimensionless", unit, name, allow_zero=False
        )
        return float(q.m_as(unit))
    if hasattr(value, "dimensionality"):
        dim = "tokens" if unit == "token" else "dimensionless"
        q = units.parse_quantity(value, dim, unit, name, allow_zero=False)
        return float(q.m_as(unit))
    return _positive(value, name)


def _float_or_none(text: str) -> float | None:
    try:
        return float(text)
    except ValueError:
        return None


def _readable_flops(q: Any) -> Any:
    """``q`` with the SI prefix that keeps its magnitude below 1000 (tables; JSON uses FLOP)."""
    flops = q.m_as("FLOP")
    for prefix, size in (("Y", 1e24), ("Z", 1e21), ("E", 1e18), ("P", 1e15), ("T", 1e12)):
        if abs(flops) >= size:
            return units.Q_(flops / size, f"{prefix}FLOP")
    return q


def _positive(value: Any, name: str) -> float:
    units.check_magnitude(value, name, allow_zero=False)
    return float(value)


@dataclass(frozen=True)
class TrainingRun:
    """A training run given by its compute: parameters x tokens, or a FLOP count.

    Parameters
    ----------
    accelerator : str
        Training accelerator (``footprint accelerators``).
    model : str or LlmModel, optional
        Catalogue model; its active parameters give N.
    params : float or str, optional
        Parameters per token (active, for MoE), e.g. ``70.6e9`` or ``"70.6B"``.
    tokens : float or str, optional
        Training tokens, e.g. ``15e12`` or ``"15T"``.
    flops : Quantity, float or str, optional
        Training compute [FLOP]; replaces 6ND.
    mfu : float, optional
        Achieved model FLOPs utilisation in (0, 1] (default 0.40 unless ``gpu_hours``).
    gpu_hours : Quantity, float or str, optional
        Published accelerator-hours [h]: used (and the implied MFU reported) when no
        ``mfu`` is given; reported beside the modelled hours otherwise.
    count : int, optional
        Accelerators in the run: gives the wall-clock duration.
    precision : str
        ``bf16`` (default), ``fp16`` or ``fp8``: which peak FLOP/s applies.
    utilization, power, host_power
        Draw per accelerator, as for :class:`~footprint.GpuJob`.

    Examples
    --------
    >>> import footprint as fp
    >>> run = fp.TrainingRun("H100-SXM", model="llama-3-70b", tokens="15T", mfu=0.4)
    >>> fp.estimate(run, region="US").accelerator_hours  # doctest: +SKIP
    """

    accelerator: str
    model: Any = None
    params: Any = None
    tokens: Any = None
    flops: Any = None
    mfu: float | None = None
    gpu_hours: Any = None
    count: int | None = None
    precision: str = "bf16"
    utilization: float | None = None
    power: Any = None
    host_power: Any = None
    _resolved: dict[str, Any] = field(default_factory=dict, init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        r = self._resolved
        acc = get_accelerator(self.accelerator)
        r["accelerator"] = acc
        if not isinstance(self.precision, str) or self.precision not in TRAINING_PRECISIONS:
            raise InputError(
                f"precision: expected one of {tuple(TRAINING_PRECISIONS)}, got {self.precision!r}"
            )
        peak = getattr(acc, TRAINING_PRECISIONS[self.precision])
        if peak is None:
            raise MissingDataError(
                f"{acc.name} has no {self.precision.upper()} dense peak in the catalogue; "
                "choose another precision or give flops and gpu_hours"
            )
        r["peak"] = peak.to("FLOP/s")
        r["model"] = None if self.model is None else get_model(self.model)
        self._compute()
        if self.mfu is not None:
            r["mfu"] = _check_mfu(self.mfu, "mfu")
        if self.gpu_hours is not None:
            r["published_hours"] = units.parse_quantity(
                self.gpu_hours, "time", "h", "gpu_hours", allow_zero=False
            ).to("h")
        if self.count is not None:
            units.check_magnitude(self.count, "count", allow_zero=False)
            if int(self.count) != self.count:
                raise InputError(
                    f"count: expected a whole number of accelerators, got {self.count}"
                )
        flops = r["flops"]
        if "mfu" in r:
            r["hours"] = accelerator_hours_from_flops(flops, r["peak"], r["mfu"])
            r["mfu_origin"] = "user"
        elif "published_hours" in r:
            r["hours"] = r["published_hours"]
            r["mfu"] = implied_mfu(flops, r["hours"], r["peak"])
            r["mfu_origin"] = "derived"
        else:
            prior = default_mfu(r["params"], r["accelerator"])
            r["mfu"], r["mfu_prior"] = prior.value, prior
            r["hours"] = accelerator_hours_from_flops(flops, r["peak"], prior.value)
            r["mfu_origin"] = "default"
        # Power and host factors: the same rules as any job on accelerators.
        r["job"] = GpuJob(
            acc.name,
            gpu_hours=r["hours"],
            utilization=self.utilization,
            power=self.power,
            host_power=self.host_power,
        )

    def _compute(self) -> None:
        r = self._resolved
        model: LlmModel | None = r["model"]
        if self.flops is not None:
            if self.params is not None or self.tokens is not None:
                raise InputError("give either flops or params/model with tokens, not both")
            r["flops"] = units.Q_(_flops_magnitude(self.flops), "FLOP")
            r["params"], r["tokens_n"] = None, None
            return
        if self.tokens is None:
            raise InputError("tokens: give the training tokens (e.g. '15T'), or flops")
        if self.params is not None and model is not None:
            raise InputError("give either model or params, not both")
        if self.params is not None:
            params = _count(self.params, "params", "dimensionless")
            if params < MIN_PARAMS:
                raise InputError(
                    f"params: {params:g} parameters is a count, not billions; write "
                    f"{params:g}e9 or '{params:g}B' for {params:g} billion"
                )
        elif model is not None:
            params = model.active_params
        else:
            raise InputError("params: give the parameters (or a catalogue model), or flops")
        tokens = _count(self.tokens, "tokens", "token")
        r["params"], r["tokens_n"] = params, tokens
        r["flops"] = training_flops(params, tokens)

    @property
    def hardware(self) -> Accelerator:
        """The catalogue entry of the accelerator."""
        return self._resolved["accelerator"]  # type: ignore[no-any-return]

    @property
    def flops_used(self) -> Any:
        """Training compute [FLOP]."""
        return self._resolved["flops"]

    @property
    def accelerator_hours(self) -> Any:
        """Accelerator-hours of the run [h]."""
        return self._resolved["hours"]

    @property
    def mfu_used(self) -> float:
        """MFU of the run: given, implied by published hours, or the default."""
        return float(self._resolved["mfu"])

    def load(self) -> Load:
        """Accelerator-hours from FLOPs, power as for any job, and the training results."""
        r = self._resolved
        Q_ = units.Q_
        base = r["job"].load()
        acc = self.hardware
        model: LlmModel | None = r["model"]
        notes = list(base.notes)
        mfu = r["mfu"]
        if r["mfu_origin"] == "user":
            mfu_factor = user_factor("mfu", Q_(mfu, "dimensionless"), "mfu")
        elif r["mfu_origin"] == "derived":
            mfu_factor = Factor(
                name="mfu",
                value=Q_(mfu, "dimensionless"),
                origin="derived",
                source="implied by the given accelerator-hours: FLOPs / (peak x hours)",
            )
        else:
            prior: MfuPrior = r["mfu_prior"]
            mfu_factor = Factor(
                name="mfu",
                value=Q_(mfu, "dimensionless"),
                origin="default",
                source="published training runs (PaLM Table 3, Llama 1/2/3.1, MegaScale, "
                "BLOOM, GPT-3): mfu_evidence.csv, fitted in mfu_prior.csv",
                dataset="mfu_prior.csv",
                note=prior.note,
                spread=Spread(
                    Q_(prior.low, "dimensionless"),
                    Q_(prior.high, "dimensionless"),
                    "triangular",
                    source="mfu_prior.csv",
                ),
                extra={"scales": {"accelerator_hours": -1.0}},
            )
            notes.append(prior.note)
        factors: dict[str, Factor] = {
            "peak_flops": Factor(
                name="peak_flops",
                value=r["peak"].to("TFLOP/s"),
                origin="dataset",
                source=acc.source,
                dataset="accelerators.csv",
                note=f"{self.precision.upper()} dense peak per accelerator",
                extra={"accelerator": acc.name},
            ),
            "mfu": mfu_factor,
        }
        if r["params"] is not None:
            source = model.source if model is not None else "given by the user (params)"
            factors["params"] = Factor(
                name="params",
                value=Q_(r["params"], "dimensionless"),
                origin="dataset" if model is not None else "user",
                source=source,
                dataset="models.csv" if model is not None else None,
                note="active parameters per token" if model is not None else "",
            )
            if model is not None and model.is_range:
                notes.append(model.range_note())
                if r["mfu_origin"] != "derived":  # hours from 6ND scale with parameters
                    assert model.params_low_b is not None and model.params_high_b is not None
                    factors["params"] = replace(
                        factors["params"],
                        spread=Spread(
                            Q_(model.params_low_b * 1e9, "dimensionless"),
                            Q_(model.params_high_b * 1e9, "dimensionless"),
                            "uniform",
                            source=model.source,
                        ),
                        extra={"scales": {"accelerator_hours": 1.0}},
                    )
            if model is not None and model.architecture == "moe":
                notes.append(
                    f"{model.name} is a mixture of experts: 6 x {model.active_params_b:g}B "
                    "active parameters x tokens"
                )
        extra: dict[str, Any] = {
            "training_flops": _readable_flops(r["flops"]),
            "implied_mfu": Q_(mfu, "dimensionless"),
        }
        per_unit: dict[str, Any] = {}
        if r["tokens_n"] is not None:
            per_unit["token"] = Q_(r["tokens_n"], "token")
        if "published_hours" in r and r["mfu_origin"] == "user":
            published = r["published_hours"]
            extra["published_accelerator_hours"] = published
            extra["published_implied_mfu"] = Q_(
                implied_mfu(r["flops"], published, r["peak"]), "dimensionless"
            )
            ratio = r["hours"].m_as("h") / published.m_as("h")
            notes.append(
                f"at MFU {mfu:g} the run takes {r['hours'].m_as('h'):,.4g} accelerator-hours, "
                f"{ratio:.3g}x the published {published.m_as('h'):,.4g}"
            )
        if self.count is not None:
            extra["duration"] = (r["hours"] / int(self.count)).to("day")
        return Load(
            accelerator_hours=r["hours"],
            power=base.power,
            host_power=base.host_power,
            inputs=self.inputs(),
            notes=tuple(notes),
            per_unit=per_unit,
            extra_factors=factors,
            extra_results=extra,
            accelerators=None if self.count is None else float(self.count),
        )

    def inputs(self) -> dict[str, str]:
        """The run's inputs as given, for echoing in results."""
        out = {"accelerator": self.hardware.name, "precision": self.precision}
        model = self._resolved["model"]
        if model is not None:
            out["model"] = model.name
        for key in (
            "params",
            "tokens",
            "flops",
            "mfu",
            "gpu_hours",
            "count",
            "utilization",
            "power",
            "host_power",
        ):
            value = getattr(self, key)
            if value is not None:
                out[key] = str(value)
        out["accelerator_hours"] = f"{self.accelerator_hours.m_as('h'):g} h"
        return out
