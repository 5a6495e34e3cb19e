"""Inference workloads evaluated: one estimate, per-user views, and models compared.

:func:`estimate_inference` is :func:`footprint.estimate` of an
:class:`~footprint.workloads.inference.InferenceWorkload` plus :func:`per_user_results`, with
per-request, per-token and per-day results scaled for tables (:func:`readable`);
:func:`compare_inference` evaluates the same volume with several models and energy models.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from functools import cache
from typing import TYPE_CHECKING, Any

from footprint.analyses.estimate import estimate
from footprint.catalogues.models import get_model
from footprint.core import units
from footprint.core.accounting import COST_KEYS
from footprint.core.errors import InputError, UnitError
from footprint.engine.result import Footprint
from footprint.places.site import Site
from footprint.render.notes import group_notes
from footprint.workloads.energy_models import get_preset
from footprint.workloads.inference import InferenceWorkload

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

__all__ = [
    "InferenceRun",
    "compare_inference",
    "disclosure_notes",
    "estimate_inference",
    "inference_runs",
    "per_user_results",
    "readable",
    "run_notes",
]


def per_user_results(
    footprint: Footprint, workload: InferenceWorkload, plan_price: Any = None
) -> tuple[dict[str, Any], list[str]]:
    """Energy, CO2e, water (and costs) per user per month, and the subscription view.

    ``facility_energy / (users x months of the period)``; empty unless the workload was
    given as ``users`` x ``requests_per_user``. With ``plan_price`` (a subscription price
    per user-month), :func:`subscription_results` adds the margin per user and the
    break-even usage. Returns the results and notes.
    """
    users = workload.user_count
    if users is None:
        if plan_price is not None:
            raise InputError(
                "plan price: give the volume as users x requests per user (the margin is per user)"
            )
        return {}, []
    Q_ = units.Q_
    user_months = Q_(users, "user") * workload.accounting_period.to("month")
    res = footprint.results
    out = {
        "energy_per_user_month": (res["facility_energy"] / user_months).to("kWh/user/month"),
        "co2e_per_user_month": (res["co2e"] / user_months).to("kgCO2e/user/month"),
        "water_per_user_month": (res["water"] / user_months).to("L/user/month"),
    }
    for key in COST_KEYS:
        if key in res:
            cost = res[key]
            out[f"{key}_per_user_month"] = (cost / user_months).to(f"{cost.units}/user/month")
    if plan_price is None:
        return out, []
    subscription, note = subscription_results(res, user_months, plan_price)
    return {**out, **subscription}, [note]


_COST_BASIS = {
    "total_cost": "total cost (electricity + compute)",
    "compute_cost": "compute cost (electricity not priced in that currency)",
    "cost": "electricity cost (no compute price given)",
}


def subscription_results(
    res: dict[str, Any], user_months: Any, plan_price: Any
) -> tuple[dict[str, Any], str]:
    """The margin per user of a subscription and the usage at which it breaks even.

    ``margin_per_user_month = plan price - cost per user-month`` and
    ``break_even_requests_per_user_month = plan price / cost per request``, with the cost
    that is known in the plan's currency: the total (electricity + compute), else the
    compute cost, else the electricity cost (the returned note says which).
    """
    plan = units.to_quantity(plan_price, "USD/user/month", "plan price")
    currency = units.currency_of(plan * units.Q_(1, "user*month/kWh"))
    if currency is None:
        raise UnitError(
            f"plan price: expected a price per user per month like '10 USD/user/month', "
            f"got {plan:~P}"
        )
    units.check_magnitude(plan.magnitude, "plan price")
    plan = plan.to(f"{currency}/user/month")
    for key in COST_KEYS[::-1]:  # total_cost, compute_cost, cost
        if key in res and units.format_unit(res[key].units) == currency:
            cost = res[key]
            break
    else:
        raise InputError(
            f"plan price: no cost in {currency} to compare it with; give --gpu-price or "
            f"--ownership (compute) or --price (electricity) in {currency}"
        )
    per_user = (cost / user_months).to(f"{currency}/user/month")
    requests = res["requests"].m_as("request")
    per_request = cost.magnitude / requests if requests > 0 else float("nan")
    used = units.Q_(requests, "request") / user_months
    even = (plan.magnitude / per_request) if per_request > 0 else float("inf")
    return {
        "plan_price": plan,
        "subscription_cost_per_user_month": per_user,
        "margin_per_user_month": plan - per_user,
        "requests_per_user_month": used.to("request/user/month"),
        "break_even_requests_per_user_month": units.Q_(even, "request/user/month"),
    }, (
        f"subscription: the margin per user is the plan price {plan:~,.4g} minus the "
        f"{_COST_BASIS[key]} per user-month; it breaks even at "
        f"{even:,.4g} requests per user-month ({used.m_as('request/user/month'):,.4g} used)"
    )


def disclosure_notes(result: Footprint, workload: Any) -> list[str]:
    """The note setting a closed model's estimate beside its developer's own figure.

    A closed model's size is a third-party guess (EcoLogits); when its developer published
    an energy per request (``models.csv`` ``disclosure``: a preset), the note gives that
    figure, what it covers, and the ratio of this estimate to it, so the reader sees how far
    the guess lands from the one published anchor. No note for presets or open models.
    """
    model_name = getattr(workload, "model", None)  # a MeasuredRun has no model
    energy_model = str(getattr(workload, "energy_model", ""))
    if model_name is None or energy_model.strip().lower().startswith("preset:"):
        return []
    model = get_model(model_name)
    estimated = result.results.get("energy_per_request")
    if not (model.is_range and model.disclosure) or estimated is None:
        return []
    preset = get_preset(model.disclosure)
    wh = float(estimated.m_as("Wh/request"))
    published = float(preset.energy.m_as("Wh/request"))
    return [
        f"{model.name}: {model.developer}'s own figure is {published:g} Wh per request "
        f"({preset.title[:1].lower()}{preset.title[1:]}; preset:{preset.name}); this "
        f"estimate, {wh:.3g} Wh on a guessed parameter count, is {wh / published:.2g}x it"
    ]


def estimate_inference(
    workload: InferenceWorkload,
    site: Site | None = None,
    *,
    region: str | None = None,
    year: int | None = None,
    users_of: InferenceWorkload | None = None,
    plan_price: Any = None,
    **options: Any,
) -> Footprint:
    """:func:`footprint.estimate` of ``workload``, plus the per-user results if it has users.

    ``users_of`` is the inference workload whose users count (for a measured service,
    :class:`~footprint.workloads.measured.MeasuredRun`, the workload it measured).
    ``plan_price`` (per user-month) adds the subscription view (:func:`per_user_results`).
    ``options`` go to :func:`footprint.estimate` unchanged. Per-request, per-token and
    per-day quantities are scaled to readable units for tables (the JSON and CSV
    contract converts every result to its canonical unit).
    """

    result = estimate(workload, site, region=region, year=year, **options)
    per_user, notes = per_user_results(result, users_of or workload, plan_price)
    notes = [*disclosure_notes(result, workload), *notes]
    results = {**result.results, **per_user}
    inputs = dict(result.inputs)
    if plan_price is not None:
        inputs["plan_price"] = str(plan_price)
    return replace(
        result,
        results={k: readable(k, q) for k, q in results.items()},
        inputs=inputs,
        notes=[*result.notes, *notes],
    )


#: Numerator units tried for per-unit results, with their size in the ladder's base
#: (Wh, gCO2e, L); display only: the JSON and CSV contract converts every result to its
#: canonical unit. Energy starts at Wh: ``mWh`` (milliwatt-hours) reads as ``MWh``.
_PER_UNIT_LADDERS: dict[str, tuple[str, tuple[tuple[str, float], ...]]] = {
    "energy": (
        "Wh",
        (("Wh", 1.0), ("kWh", 1e3), ("MWh", 1e6), ("GWh", 1e9), ("TWh", 1e12)),
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
#: Periods of the per-period results, shown in one numerator unit (:func:`readable`).
_PERIODS = ("day", "month", "year")
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


def readable(key: str, q: Any) -> Any:
    """``energy_per_day`` and the like in the ladder unit giving a magnitude of 1-1000.

    Display only (tables): the JSON and CSV contract converts every result to its
    canonical unit.
    """
    name = key.removeprefix("published_")
    kind, _, per = name.partition("_per_")
    kind = "co2e" if kind in ("total_co2e", "co2e_market", "embodied_co2e") else kind
    denominator = _PER_UNIT_DENOMINATORS.get(per)
    if kind not in _PER_UNIT_LADDERS or denominator is None:
        return q
    base, rungs = _ladder(kind, denominator)
    value = float(q.m_as(base))
    # per day, month and year in one unit (MWh/day beside MWh/month), chosen per day
    size_of = float(q.m_as(_ladder(kind, "day")[0])) if per in _PERIODS else value
    unit, scale = rungs[0]
    for candidate, size in rungs:
        if abs(size_of) >= size:
            unit, scale = candidate, size
    return units.Q_(value / scale, unit)


# --- comparison --------------------------------------------------------------------


def _magnitude(results: dict[str, Any], key: str, unit: str) -> float | None:
    q = results.get(key)
    return None if q is None else float(q.m_as(unit))


@dataclass(frozen=True)
class InferenceRun:
    """One model (or preset) and energy model on the compared volume, and its estimate."""

    workload: InferenceWorkload
    footprint: Footprint

    @property
    def model(self) -> str:
        return "" if self.workload.llm is None else self.workload.llm.name

    @property
    def energy_model(self) -> str:
        return str(self.workload.profile.energy_model)

    @property
    def label(self) -> str:
        """The row: model and energy model (``llama-3.1-8b roofline``; a preset alone)."""
        return " ".join(filter(None, [self.model, self.energy_model]))

    def to_dict(self) -> dict[str, Any]:
        """The JSON contract of the estimate, with the model and energy model first."""
        return {"model": self.model, "energy_model": self.energy_model, **self.footprint.to_dict()}


def run_notes(runs: list[InferenceRun]) -> list[str]:
    """The notes of several runs, each once, saying which rows it concerns
    (``every row: ...``, ``llama-3.1-8b roofline: decode step ...``)."""
    pairs = [(run.label, n) for run in runs for n in run.footprint.notes]
    return group_notes(pairs, [run.label for run in runs], "row")


def inference_runs(
    models: list[Any],
    energy_models: list[str] | tuple[str, ...] = ("production",),
    site: Site | None = None,
    **workload: Any,
) -> list[InferenceRun]:
    """The estimates :func:`compare_inference` tabulates: every model with every energy
    model (a preset once, without model), each a full :class:`~footprint.Footprint`."""
    for name, items in (("models", models), ("energy_models", energy_models)):
        if not isinstance(items, (list, tuple)):
            raise InputError(f"{name}: expected a list, got {type(items).__name__}")
    for em in energy_models:
        if not isinstance(em, str):
            raise InputError(f"energy_models: expected names such as 'ecologits', got {em!r}"[:200])
    if site is not None and not isinstance(site, Site):
        raise InputError(f"site: expected a Site, got {type(site).__name__}")
    pairs: list[tuple[Any, str]] = []
    for em in energy_models:
        if str(em).strip().lower().startswith("preset:"):
            pairs.append((None, em))
        else:
            pairs.extend((m, em) for m in models)
    if not pairs:
        raise InputError("compare: give at least one model or preset")
    runs = []
    for model, em in pairs:
        w = InferenceWorkload(model=model, energy_model=em, **workload)
        runs.append(InferenceRun(w, estimate_inference(w, site)))
    return runs


def compare_inference(
    models: list[Any],
    energy_models: list[str] | tuple[str, ...] = ("production",),
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
        Unit-suffixed columns: accelerators, energy per request and per output token
        [Wh], totals per day (a rate) or in total [kWh, kgCO2e, L], per user per month
        (with users), cost where a price is known.
    """
    import pandas as pd

    rows = []
    runs = inference_runs(models, energy_models, site, **workload)
    for run in runs:
        w, fp = run.workload, run.footprint
        res = fp.results
        per = "day" if w.is_rate else None
        row: dict[str, Any] = {
            "model": "" if w.llm is None else w.llm.name,
            "energy_model": w.profile.energy_model,
            "accelerators_per_replica": _magnitude(res, "accelerators_per_replica", ""),
            "accelerators": _magnitude(res, "accelerators", ""),
            "energy_per_request_wh": _magnitude(res, "energy_per_request", "Wh/request"),
            "energy_per_token_wh": _magnitude(res, "energy_per_token", "Wh/token"),
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
    df.attrs["notes"] = run_notes(runs)
    return df
