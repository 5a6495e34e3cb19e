"""The pages of the web calculator: their fields and how each computes its result.

Each page is a command of the command line: its fields are that command's options
(:mod:`footprint.web.forms`), parsed by the command itself, and its result comes from the
calls the command makes (the shared option helpers of ``cli.commands._options`` and the
analyses), so the page and ``footprint ...`` give the same numbers. The file of the change
and re-accounting pages is text held in memory (an upload or pasted text), read by the
same readers as a file on the command line.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import cache
from typing import Any

import click

from footprint.analyses.change import decompose_text
from footprint.analyses.estimate import estimate
from footprint.analyses.inference import estimate_inference
from footprint.analyses.reaccount import log_footprint, reaccount
from footprint.catalogues.hardware import list_accelerators
from footprint.catalogues.models import list_models
from footprint.cli.commands import change as change_cmd
from footprint.cli.commands import compare as compare_cmd
from footprint.cli.commands import estimate as estimate_cmd
from footprint.cli.commands import infer as infer_cmd
from footprint.cli.commands import reaccount as reaccount_cmd
from footprint.cli.commands import train as train_cmd
from footprint.cli.commands._options import (
    COMPUTE_KEYS,
    EMBODIED_KEYS,
    GPU_JOB_KEYS,
    UNCERTAINTY_KEYS,
    compute_and_embodied_from_options,
    gpu_job_from_options,
    reused_params,
    site_from_options,
    uncertainty_from_options,
)
from footprint.core.accounting import BOUNDARIES
from footprint.core.errors import FootprintError
from footprint.places.facility import FACILITY_CLASSES, operators
from footprint.places.regions import select_locations
from footprint.web.forms import Field, FormError, arguments, command_text, field_errors, parse
from footprint.workloads.energy_logs import LOG_FORMATS, parse_energy_log

__all__ = ["PAGES", "Page", "Outcome", "Upload", "datalists", "run_page"]


@dataclass(frozen=True)
class Upload:
    """A file's text held in memory: an upload or pasted text, and the name it had."""

    text: str
    name: str


@dataclass
class Outcome:
    """A page's result and the command that gives the same.

    ``kind``: ``footprint`` (one result: ``footprint``), ``compare`` (``frame``),
    ``change`` (``change``) or ``reaccount`` (``reaccounting`` and its JSON ``doc``;
    ``disclose`` gives the whole log's footprint for the disclosures).
    """

    page: str
    kind: str
    words: tuple[str, ...]
    args: list[str]
    footprint: Any = None
    frame: Any = None
    change: Any = None
    reaccounting: Any = None
    doc: dict[str, Any] = field(default_factory=dict)
    disclose: Callable[[], Any] | None = None
    file_name: str | None = None

    @property
    def command(self) -> str:
        """The equivalent command line."""
        return command_text(self.words, self.args)


# --- fields shared by the pages ------------------------------------------------------------

_FACILITY = (("", "default (by the job's scale)"), *((c, c) for c in FACILITY_CLASSES))
_BOUNDARY = (("", "facility (default)"), *((b, b) for b in BOUNDARIES if b != "facility"))


def _site_fields(*, region: bool = True) -> list[Field]:
    place = "Where it runs"
    fields = [
        Field(
            "region", "Region", "--region", placeholder="FR, US-CA, aws:us-east-1",
            help="Country, US state, zone or cloud region. Empty: world average.",
            datalist="regions", group=place,
        ),
        Field("year", "Data year", "--year", placeholder="2023", numeric=True,
              help="Empty: the newest year with data.", group=place),
        Field("operator", "Operator", "--operator", placeholder="google, aws, meta...",
              help="Data-centre operator for PUE and WUE.", datalist="operators", group=place),
        Field("facility", "Facility class", "--facility", kind="select", choices=_FACILITY,
              group=place),
        Field(
            "boundary", "Accounting boundary", "--boundary", kind="select", choices=_BOUNDARY,
            help="What the energy includes (facility: servers and PUE).", group=place,
        ),
        Field("pue", "PUE (replaces the default)", "--pue", placeholder="1.1",
              group="Replace a default"),
        Field("intensity", "Grid intensity", "--intensity", placeholder="414 g/kWh",
              help="Replaces the grid's, e.g. '414 g/kWh'.", group="Replace a default"),
    ]
    return fields if region else fields[1:]


def _job_fields(*, estimate_only: tuple[str, ...] = ()) -> list[Field]:
    job = "The workload"
    return [
        Field("accelerator", "Accelerator", "--accelerator", placeholder="H100-SXM",
              help="Name or alias from the catalogue.", datalist="accelerators", group=job,
              aliases=("--gpu",)),
        Field("gpu_hours", "Accelerator-hours", "--gpu-hours", placeholder="1000 or 39.3M",
              help="In total; bare numbers are hours.", group=job),
        Field("count", "Accelerators", "--count", placeholder="64", numeric=True,
              help="With the duration (instead of accelerator-hours).", group=job),
        Field("hours", "Duration", "--hours", placeholder="3 days", aliases=("--duration",),
              help="Wall-clock, with the number of accelerators: '72', '3 days'.",
              group=job, commands=estimate_only),
    ]


_UNCERTAINTY = Field(
    "uncertainty", "Ranges (Monte Carlo, 5th-95th percentiles)", "--uncertainty",
    kind="checkbox", group="Options",
)


@dataclass(frozen=True)
class Page:
    """A page: its path, title, fields and the command(s) it stands for."""

    key: str
    title: str
    intro: str
    fields: tuple[Field, ...]
    run: Callable[[Page, Mapping[str, str], Upload | None], Outcome]
    upload: bool = False

    def field(self, name: str) -> Field:
        """The field ``name``."""
        return next(f for f in self.fields if f.name == name)

    def groups(self) -> list[tuple[str, list[Field]]]:
        """The fields by group (a fieldset each), in the order they first appear."""
        out: dict[str, list[Field]] = {}
        for f in self.fields:
            out.setdefault(f.group, []).append(f)
        return list(out.items())


def _parse(page: Page, command: Any, words: tuple[str, ...], args: list[str]) -> dict[str, Any]:
    return parse(command, words, args, page.fields)


def _options_of(params: dict[str, Any], keys: tuple[str, ...]) -> dict[str, Any]:
    return {k: params.pop(k) for k in keys}


# --- a training run or job: `footprint estimate` or `footprint train` ----------------------


def _run_training(page: Page, values: Mapping[str, str], upload: Upload | None) -> Outcome:
    flops = values.get("basis") == "flops"
    name = "train" if flops else "estimate"
    command = train_cmd.command if flops else estimate_cmd.command
    args = arguments(page.fields, values, name)
    params = _parse(page, command, (name,), args)
    compute, embodied = compute_and_embodied_from_options(
        _options_of(params, COMPUTE_KEYS), _options_of(params, EMBODIED_KEYS)
    )
    uncertainty = uncertainty_from_options(_options_of(params, UNCERTAINTY_KEYS))
    if flops:
        keys = ("accelerator", "model", "params", "tokens", "flops", "mfu", "gpu_hours",
                "count", "precision", "utilization", "power", "host_power", "energy",
                "energy_basis")
        workload = train_cmd.training_workload(**_options_of(params, keys))
        marginal = None
    else:
        workload = gpu_job_from_options(_options_of(params, GPU_JOB_KEYS))
        marginal = params.pop("marginal", None)
    result = estimate(
        workload,
        site_from_options(params),
        embodied=embodied,
        uncertainty=uncertainty,
        compute=compute,
        **({"marginal": marginal} if marginal is not None else {}),
    )
    return Outcome(page.key, "footprint", (name,), args, footprint=result)


_TRAINING = Page(
    "training",
    "A training run or job",
    "Electricity, CO2e, water and cost of a job on accelerators: from its "
    "accelerator-hours (footprint estimate) or from its training compute (footprint train).",
    (
        Field(
            "basis", "Give the workload by", None, kind="radio", default="hours",
            choices=(("hours", "accelerator-hours or accelerators x duration"),
                     ("flops", "training compute: FLOPs, or parameters x tokens")),
            group="The workload",
        ),
        *_job_fields(estimate_only=("estimate",)),
        Field("flops", "Training FLOPs", "--flops", placeholder="3.8e25", group="Training compute",
              help="Replaces 6 x parameters x tokens.", commands=("train",)),
        Field("model", "Model", "--model", placeholder="llama-3-70b", datalist="models",
              help="A catalogue model gives the parameters.", group="Training compute",
              commands=("train",)),
        Field("params", "Parameters", "--params", placeholder="70.6B", group="Training compute",
              help="Per token (active for a mixture of experts).", commands=("train",)),
        Field("tokens", "Training tokens", "--tokens", placeholder="15T",
              group="Training compute", commands=("train",)),
        Field("mfu", "MFU", "--mfu", placeholder="0.4", group="Training compute",
              help="Achieved model FLOPs utilisation in (0, 1]. Default 0.40.",
              commands=("train",)),
        *_site_fields(),
        _UNCERTAINTY,
    ),
    _run_training,
)


# --- an inference service: `footprint infer` -------------------------------------------------


@cache
def _infer_names() -> tuple[str, ...]:
    skip = ("list_models", "list_presets", "search")
    return tuple(str(p.name) for p in reused_params("footprint.cli.commands.infer", skip))


def _run_inference(page: Page, values: Mapping[str, str], upload: Upload | None) -> Outcome:
    args = arguments(page.fields, values, "infer")
    params = _parse(page, infer_cmd.command, ("infer",), args)
    workload = compare_cmd.inference_workload(_options_of(params, _infer_names()))
    compute, embodied = compute_and_embodied_from_options(
        _options_of(params, COMPUTE_KEYS), _options_of(params, EMBODIED_KEYS)
    )
    uncertainty = uncertainty_from_options(_options_of(params, UNCERTAINTY_KEYS))
    result = estimate_inference(
        workload,
        site_from_options(params),
        embodied=embodied,
        uncertainty=uncertainty,
        users_of=workload,
        compute=compute,
    )
    return Outcome(page.key, "footprint", ("infer",), args, footprint=result)


_SERVICE = "The service"
_INFERENCE = Page(
    "inference",
    "An inference service",
    "Serving a language model (footprint infer): energy per request and per token, totals "
    "over the accounting period, per user, then CO2e, water and cost.",
    (
        Field("model", "Model", "--model", placeholder="llama-3.1-8b", datalist="models",
              help="Name or alias from the catalogue.", group=_SERVICE),
        Field("params", "Or its parameters", "--params", placeholder="8B",
              help="Total parameters in billions, for a model outside the catalogue.",
              group=_SERVICE),
        Field("requests", "Requests", "--requests", placeholder="1e9 request/day",
              help="A rate ('1e9 request/day') or a total ('2e6 request').", group=_SERVICE),
        Field("users", "Users", "--users", placeholder="1e6", numeric=True,
              help="With requests per user (instead of requests).", group=_SERVICE),
        Field("requests_per_user", "Requests per user", "--requests-per-user",
              placeholder="20 request/day", group=_SERVICE),
        Field("output_tokens", "Output tokens per request", "--output-tokens", placeholder="300",
              group=_SERVICE),
        Field("input_tokens", "Input tokens per request", "--input-tokens", placeholder="500",
              help="Default 0.", group=_SERVICE),
        Field(
            "energy_model", "Energy model", "--energy-model", kind="select",
            default="production",
            choices=(("production", "production (measured serving rates)"),
                     ("ecologits", "ecologits (per-token fit)"),
                     ("roofline", "roofline (first principles)")),
            group=_SERVICE,
        ),
        Field("accelerator", "Accelerator", "--accelerator", placeholder="H100-SXM",
              datalist="accelerators", help="Default H100-SXM.", group=_SERVICE,
              aliases=("--gpu",)),
        Field("period", "Accounting period", "--period", placeholder="1 year",
              help="Of a rate. Default one year.", group=_SERVICE),
        *_site_fields(),
        _UNCERTAINTY,
    ),
    _run_inference,
)


# --- a regional comparison: `footprint compare` ---------------------------------------------


def _run_compare(page: Page, values: Mapping[str, str], upload: Upload | None) -> Outcome:
    args = arguments(page.fields, values, "compare")
    gpu = compare_cmd.command.commands["gpu"]  # type: ignore[attr-defined]
    params = _parse(page, gpu, ("compare",), args)
    job = gpu_job_from_options(_options_of(params, GPU_JOB_KEYS))
    frame = compare_cmd.comparison_frame(job, params)
    return Outcome(page.key, "compare", ("compare",), args, frame=frame)


_METRICS = tuple((m, m) for m in compare_cmd.METRIC_CHOICES)
_COMPARE = Page(
    "compare",
    "A regional comparison",
    "One job in many regions (footprint compare): a ranked table and chart. Give regions, or "
    "tick every country; with neither, every country is compared.",
    (
        *_job_fields(),
        Field("regions", "Regions", "--regions", placeholder="FR,SE,US-CA,aws:us-east-1",
              help="Comma-separated.", datalist="regions", group="Regions"),
        Field("all_countries", "Every country", "--all-countries", kind="checkbox",
              group="Regions"),
        Field("metric", "Rank by", "--metric", kind="select", default="co2e", choices=_METRICS,
              group="Regions"),
        Field("top", "Only the N best", "--top", placeholder="10", numeric=True, group="Regions"),
        *_site_fields(region=False),
    ),
    _run_compare,
)


# --- a change decomposition: `footprint change FILE` -----------------------------------------


def _run_change(page: Page, values: Mapping[str, str], upload: Upload | None) -> Outcome:
    if upload is None:
        raise FormError({"file": "FILE: give a change file (TOML): upload it or paste its text"})
    args = [upload.name]
    _parse(page, change_cmd.command, ("change",), args)
    try:
        result = decompose_text(upload.text, upload.name)
    except FootprintError as exc:
        raise FormError({"file": str(exc)}) from None
    return Outcome(page.key, "change", ("change",), args, change=result, file_name=upload.name)


_CHANGE = Page(
    "change",
    "A change decomposition",
    "Why an organisation's emissions changed between years (footprint change FILE): the "
    "change split into activity, efficiency, where, PUE, contracts, grid mix and other "
    "scopes with LMDI-I, effects adding up to the change.",
    (
        Field("text", "Change file (TOML), pasted", None, kind="textarea",
              help="Two or more [years.YEAR] tables; see examples/google_2019_2023.toml.",
              group="The figures"),
        Field("file", "Or upload it", None, kind="file", group="The figures"),
    ),
    _run_change,
    upload=True,
)


# --- a measured log re-accounted: `footprint reaccount LOG` ---------------------------------


def _run_reaccount(page: Page, values: Mapping[str, str], upload: Upload | None) -> Outcome:
    if upload is None:
        raise FormError({"file": "LOG: give an energy log: upload it or paste its text"})
    opts = arguments(page.fields, values, "reaccount")
    args = [upload.name, *opts]
    params = _parse(page, reaccount_cmd.command, ("reaccount",), args)
    try:
        log = parse_energy_log(upload.text, params.pop("log_format"))
    except FootprintError as exc:
        raise FormError({"file": str(exc)}) from None
    compare_regions = params.pop("compare_regions")
    site = site_from_options(params)
    result = reaccount(
        log, site, hourly=params.pop("hourly"), accelerator=params.pop("accelerator")
    )
    doc = result.to_dict()
    if compare_regions:
        doc["compare"] = reaccount_cmd.in_regions(result, compare_regions, site)
    return Outcome(
        page.key, "reaccount", ("reaccount",), args, reaccounting=result, doc=doc,
        disclose=lambda: log_footprint(log, site), file_name=upload.name,
    )


_REACCOUNT = Page(
    "reaccount",
    "A measured log re-accounted",
    "Measured energy from a log (footprint reaccount LOG: CodeCarbon emissions.csv, sacct "
    "--json, nvidia-smi samples, DCGM, Zeus, BoAmps) accounted in its own region and year "
    "or another, and compared with footprint's model of the same hardware.",
    (
        Field("text", "Energy log, pasted", None, kind="textarea", group="The log"),
        Field("file", "Or upload it", None, kind="file", group="The log"),
        Field("log_format", "Log format", "--log-format", kind="select",
              choices=(("", "detected"), *((f, f) for f in LOG_FORMATS)), group="The log"),
        Field("accelerator", "Accelerator of runs that do not name one", "--accelerator",
              placeholder="A100-80GB", datalist="accelerators", group="The log",
              aliases=("-a",)),
        Field("compare_regions", "Also in these regions", "--compare",
              placeholder="FR,DE,aws:us-east-1", group="The log"),
        *_site_fields(),
        Field("hourly", "Hour by hour where hourly grid data exist", "--hourly",
              kind="checkbox", group="Options"),
    ),
    _run_reaccount,
    upload=True,
)

#: The pages by path, in the order of the navigation.
PAGES: dict[str, Page] = {p.key: p for p in (_TRAINING, _INFERENCE, _COMPARE, _CHANGE, _REACCOUNT)}


def run_page(page: Page, values: Mapping[str, str], upload: Upload | None = None) -> Outcome:
    """The result of ``page`` for a form's ``values``; bad input raises :class:`FormError`
    (messages as on the command line, by field)."""
    try:
        return page.run(page, values, upload)
    except FormError:
        raise
    except FootprintError as exc:
        raise field_errors(exc, page.fields) from None
    except click.ClickException as exc:  # the shared option helpers' own errors
        raise field_errors(exc, page.fields) from None


@cache
def datalists() -> dict[str, tuple[str, ...]]:
    """Suggestions of the name fields: accelerators, models, operators, countries and
    aggregates (any other region, zone or cloud region is typed)."""
    places = [loc.id for loc in select_locations(kind="country")]
    places += [loc.id for loc in select_locations(kind="aggregate")]
    return {
        "accelerators": tuple(a.name for a in list_accelerators()),
        "models": tuple(m.name for m in list_models()),
        "operators": tuple(operators()),
        "regions": tuple(places),
    }
