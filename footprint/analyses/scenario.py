"""Scenario files: several workloads and their settings in one TOML file.

A scenario describes a project's compute (training runs, fine-tunes, inference fleets,
plain GPU jobs), where it runs, and what to compare it with. :func:`load_scenario` reads
and checks it (errors name the file and line), :func:`run_scenario` evaluates it, and
:mod:`footprint.render.reporting` turns the result into a Markdown or HTML report.

Format (TOML 1.0, read with the standard library's ``tomllib``)::

    [scenario]
    title = "Model X: training and first year of serving"
    description = "..."                # optional
    authors = "..."                    # optional, used in the publish paragraph

    [settings]
    region = "US"                      # where the workloads run (each may override)
    year = 2023                        # data year (nearest when missing, reported)
    compare = ["FR", "SE", "US-CA", "aws:us-east-1", "TW"]   # or "all-countries",
                                       # or {kind = "cloud", provider = "gcp"}
    metric = "co2e"                    # ranks the comparison
    top = 10                           # rows of the comparison shown (optional)
    equivalences = true

    [settings.overrides]               # site overrides for every workload
    operator = "google"                # pue, wue, ewif, intensity, cfe, price, hydro...

    [[workload]]
    name = "pre-training"
    type = "training"                  # gpu_job | fine_tune | training | inference
    accelerator = "H100-SXM"
    model = "llama-3-70b"
    tokens = "15T"
    gpu_hours = 6.4e6

    [[workload]]
    name = "fine-tune"
    type = "fine_tune"
    accelerator = "A100-80GB"
    count = 64
    duration = "3 days"
    region = "FR"                      # this workload runs elsewhere
    [workload.overrides]
    pue = 1.1

Each workload's keys are the parameters of its class (``GpuJob``, ``TrainingRun``,
``InferenceWorkload``), with quantities as strings ("3 days", "700 W") or numbers in the
default unit.
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from footprint.analyses.compare import METRICS, compare
from footprint.analyses.estimate import estimate
from footprint.core import units
from footprint.core.accounting import CANONICAL_UNITS
from footprint.core.errors import FootprintError, InputError, suggest
from footprint.core.files import is_stdin, read_text
from footprint.places.regions import resolve_region, select_locations
from footprint.places.site import Site, site_factors

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

    from footprint.analyses.estimate import Footprint
    from footprint.places.site import Site

__all__ = [
    "ScenarioError",
    "Scenario",
    "ScenarioWorkload",
    "ScenarioResult",
    "WORKLOAD_TYPES",
    "load_scenario",
    "parse_scenario",
    "run_scenario",
]

#: Workload types and the class (module, name) each builds.
WORKLOAD_TYPES: dict[str, tuple[str, str]] = {
    "gpu_job": ("footprint.workloads.jobs", "GpuJob"),
    "fine_tune": ("footprint.workloads.jobs", "GpuJob"),
    "training": ("footprint.workloads.training", "TrainingRun"),
    "inference": ("footprint.workloads.inference", "InferenceWorkload"),
    "measured": ("footprint.workloads.measured", "MeasuredRun"),
}

_TOP_KEYS = ("scenario", "settings", "workload")
_SCENARIO_KEYS = ("title", "description", "authors")
_SETTINGS_KEYS = ("region", "year", "compare", "metric", "top", "equivalences", "overrides")
_COMPARE_KEYS = ("kind", "provider", "country")
#: Site overrides a scenario may set (Site fields other than region and year).
_OVERRIDE_KEYS = (
    "operator",
    "pue",
    "wue",
    "ewif",
    "intensity",
    "cfe",
    "price",
    "consumer",
    "hydro",
    "strict_year",
)
_WORKLOAD_KEYS = ("name", "type", "region", "year", "overrides")


class ScenarioError(InputError):
    """An invalid scenario file; the message starts with ``file:line:``."""

    def __init__(self, path: str, line: int | None, message: str) -> None:
        self.path = path
        self.line = line
        where = f"{path}:{line}" if line else path
        super().__init__(f"{where}: {message}")


@dataclass(frozen=True)
class ScenarioWorkload:
    """One workload of a scenario: its name, type, the built workload and its site."""

    name: str
    type: str
    workload: Any
    site: Site
    line: int


@dataclass(frozen=True)
class Scenario:
    """A checked scenario: title, workloads and settings."""

    path: str
    title: str
    description: str
    authors: str
    workloads: tuple[ScenarioWorkload, ...]
    region: str | None
    year: int | None
    compare: Any
    metric: str
    top: int | None
    equivalences: bool
    overrides: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class ScenarioResult:
    """A scenario evaluated: per-workload footprints, totals and the comparison."""

    scenario: Scenario
    footprints: dict[str, Footprint]
    totals: dict[str, Any]
    comparison: pd.DataFrame | None
    notes: list[str]


# --- locating keys in the TOML text --------------------------------------------------------

_HEADER = re.compile(r"^\s*(\[\[?)\s*([^\]]+?)\s*\]\]?\s*(#.*)?$")
_KEY = re.compile(r"""^\s*("([^"]*)"|'([^']*)'|[A-Za-z0-9_\-]+)\s*=""")


class _Locator:
    """Find the line of a key in a TOML text: ``("workload", 1, "gpu_hours")`` -> 14.

    Tables are tracked by their headers; arrays of tables (``[[workload]]``) are counted.
    Good enough for the files people write (no multi-line strings spanning a header).
    """

    def __init__(self, text: str) -> None:
        self.lines = text.splitlines()
        self.index: dict[tuple[Any, ...], int] = {}
        counts: dict[str, int] = {}
        table: tuple[Any, ...] = ()
        in_multiline = False
        for number, line in enumerate(self.lines, start=1):
            if in_multiline:
                if line.count('"""') % 2 == 1 or line.count("'''") % 2 == 1:
                    in_multiline = False
                continue
            header = _HEADER.match(line)
            if header:
                name = header.group(2).strip()
                parts = [p.strip().strip("\"'") for p in name.split(".")]
                if header.group(1) == "[[":
                    counts[name] = counts.get(name, -1) + 1
                    table = (*parts[:-1], parts[-1], counts[name])
                else:
                    if parts and parts[0] in counts and len(parts) > 1:
                        # [workload.overrides] belongs to the last [[workload]]
                        table = (parts[0], counts[parts[0]], *parts[1:])
                    else:
                        table = tuple(parts)
                self.index.setdefault(table, number)
                continue
            key = _KEY.match(line)
            if key:
                name = key.group(2) or key.group(3) or key.group(1)
                self.index.setdefault((*table, name), number)
                if line.count('"""') == 1 or line.count("'''") == 1:
                    in_multiline = True

    def line(self, *path: Any) -> int | None:
        """Line of ``path`` or of its nearest enclosing table that appears in the text."""
        for n in range(len(path), 0, -1):
            hit = self.index.get(tuple(path[:n]))
            if hit:
                return hit
        return None


# --- parsing -------------------------------------------------------------------------------


class _Checker:
    def __init__(self, path: str, text: str) -> None:
        self.path = path
        self.locator = _Locator(text)

    def fail(self, where: tuple[Any, ...], message: str) -> ScenarioError:
        return ScenarioError(self.path, self.locator.line(*where), message)

    def unknown_keys(
        self, table: dict[str, Any], allowed: tuple[str, ...] | list[str], where: tuple[Any, ...]
    ) -> None:
        for key in table:
            if key not in allowed:
                hint = suggest(key, list(allowed))
                extra = f"; did you mean {', '.join(repr(h) for h in hint)}?" if hint else ""
                raise self.fail(
                    (*where, key),
                    f"unknown key {key!r} in {_label(where)}{extra} "
                    f"(allowed: {', '.join(allowed)})",
                )

    def typed(self, value: Any, kinds: tuple[type, ...], where: tuple[Any, ...], what: str) -> Any:
        if (isinstance(value, bool) and bool not in kinds) or not isinstance(value, kinds):
            raise self.fail(where, f"{_label(where)}: expected {what}, got {_short_repr(value)}")
        return value


def _short_repr(value: Any, limit: int = 80) -> str:
    """``repr(value)`` cut to ``limit`` characters (a nested array is not echoed whole)."""
    try:
        text = repr(value)
    except RecursionError:
        text = f"a deeply nested {type(value).__name__}"
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _label(where: tuple[Any, ...]) -> str:
    out = ""
    for part in where:
        if isinstance(part, int):
            out += f"[{part + 1}]"
        else:
            out += f".{part}" if out else str(part)
    return out or "the file"


#: Largest scenario file read (a scenario is a few kB of TOML people write).
MAX_SCENARIO_BYTES = 16 * 2**20


def load_scenario(path: str | Path) -> Scenario:
    """Read and check the scenario file ``path`` (errors name the file and line).

    Only a regular file of at most :data:`MAX_SCENARIO_BYTES` is read: a FIFO, a device,
    a directory or a file that is not UTF-8 is refused with one line.
    """

    # utf-8-sig: a byte-order mark (Windows editors) is not part of the TOML text
    text = read_text(path, "scenario", max_bytes=MAX_SCENARIO_BYTES, encoding="utf-8-sig")
    return parse_scenario(text, "standard input" if is_stdin(path) else str(path))


def parse_scenario(text: str, path: str = "<scenario>") -> Scenario:
    """Check a scenario given as TOML text; ``path`` names it in error messages."""
    import tomllib

    try:
        data = tomllib.loads(text)
    except RecursionError:
        raise ScenarioError(
            path, None, "invalid TOML: arrays or inline tables nested too deeply"
        ) from None
    except tomllib.TOMLDecodeError as exc:
        message = str(exc)
        match = re.search(r"\(at line (\d+), column (\d+)\)", message)
        line = int(match.group(1)) if match else None
        reason = re.sub(r"\s*\(at line \d+, column \d+\)", "", message)
        column = f" (column {match.group(2)})" if match else ""
        raise ScenarioError(path, line, f"invalid TOML: {reason}{column}") from None
    c = _Checker(path, text)
    c.unknown_keys(data, _TOP_KEYS, ())
    meta = data.get("scenario", {})
    c.typed(meta, (dict,), ("scenario",), "a table [scenario]")
    c.unknown_keys(meta, _SCENARIO_KEYS, ("scenario",))
    for key in _SCENARIO_KEYS:
        if key in meta:
            c.typed(meta[key], (str,), ("scenario", key), "a string")
    settings = data.get("settings", {})
    c.typed(settings, (dict,), ("settings",), "a table [settings]")
    c.unknown_keys(settings, _SETTINGS_KEYS, ("settings",))
    region = settings.get("region")
    if region is not None:
        c.typed(region, (str,), ("settings", "region"), "a region name")
        _check_region(c, region, ("settings", "region"))
    year = _year(c, settings.get("year"), ("settings", "year"))
    overrides = _overrides(c, settings.get("overrides", {}), ("settings", "overrides"))
    compare = _compare(c, settings.get("compare"), ("settings", "compare"))
    metric = settings.get("metric", "co2e")
    c.typed(metric, (str,), ("settings", "metric"), "a column name")

    if metric not in METRICS:
        hint = suggest(metric, list(METRICS))
        extra = f"; did you mean {', '.join(hint)}?" if hint else ""
        raise c.fail(("settings", "metric"), f"unknown metric {metric!r}{extra}")
    top = settings.get("top")
    if top is not None:
        c.typed(top, (int,), ("settings", "top"), "a whole number")
        if top < 1:
            raise c.fail(("settings", "top"), f"settings.top: expected at least 1, got {top}")
    equivalences = settings.get("equivalences", True)
    c.typed(equivalences, (bool,), ("settings", "equivalences"), "true or false")

    raw = data.get("workload")
    if raw is None:
        raise ScenarioError(path, None, "no workload: add at least one [[workload]] table")
    if not isinstance(raw, list):
        raise c.fail(("workload",), "workload: write each workload as a [[workload]] table")
    workloads = []
    names: set[str] = set()
    for i, item in enumerate(raw):
        w = _workload(c, item, i, region, year, overrides)
        if w.name in names:
            raise c.fail(("workload", i, "name"), f"duplicate workload name {w.name!r}")
        names.add(w.name)
        workloads.append(w)
    return Scenario(
        path=path,
        title=meta.get("title", Path(path).stem if path != "<scenario>" else "Scenario"),
        description=meta.get("description", ""),
        authors=meta.get("authors", ""),
        workloads=tuple(workloads),
        region=region,
        year=year,
        compare=compare,
        metric=metric,
        top=top,
        equivalences=equivalences,
        overrides=overrides,
    )


def _year(c: _Checker, value: Any, where: tuple[Any, ...]) -> int | None:
    if value is None:
        return None
    c.typed(value, (int,), where, "a calendar year")
    if not 1990 <= value <= 2100:
        raise c.fail(where, f"{_label(where)}: expected a year between 1990 and 2100, got {value}")
    return int(value)


def _check_region(c: _Checker, name: str, where: tuple[Any, ...]) -> None:

    try:
        resolve_region(name)
    except FootprintError as exc:
        raise c.fail(where, f"{_label(where)}: {exc}") from None


def _overrides(c: _Checker, value: Any, where: tuple[Any, ...]) -> dict[str, Any]:
    c.typed(value, (dict,), where, "a table of site overrides")
    c.unknown_keys(value, _OVERRIDE_KEYS, where)

    for key, v in value.items():
        if key == "strict_year":
            c.typed(v, (bool,), (*where, key), "true or false")
        elif key in ("operator", "consumer", "hydro"):
            c.typed(v, (str,), (*where, key), "a string")
        else:
            c.typed(v, (str, int, float), (*where, key), "a number or a quantity string")
        try:
            Site(**{key: v})
            if key in ("pue", "wue", "ewif", "intensity", "price", "operator"):
                # parse the quantity now, so a bad unit points at this line
                site_factors(Site(region="WORLD", **{key: v}))
        except FootprintError as exc:
            raise c.fail((*where, key), f"{_label((*where, key))}: {exc}") from None
        except TypeError as exc:
            raise c.fail((*where, key), f"{_label((*where, key))}: {exc}") from None
    return dict(value)


def _compare(c: _Checker, value: Any, where: tuple[Any, ...]) -> Any:
    if value is None or value is False:
        return None
    if value == "all-countries":
        return {"kind": "country"}
    if isinstance(value, list):
        if not value:
            raise c.fail(where, "settings.compare: the list is empty")
        for name in value:
            c.typed(name, (str,), where, "a list of region names")
            _check_region(c, name, where)
        return list(value)
    if isinstance(value, dict):
        c.unknown_keys(value, _COMPARE_KEYS, where)
        if not value:
            raise c.fail(
                where,
                "settings.compare: the table is empty; give kind, provider or country (or "
                '"all-countries")',
            )
        for key, v in value.items():
            c.typed(v, (str,), (*where, key), "a name")

        try:
            if not select_locations(**value):
                raise c.fail(where, "settings.compare: no region matches these filters")
        except FootprintError as exc:
            if isinstance(exc, ScenarioError):
                raise
            raise c.fail(where, f"settings.compare: {exc}") from None
        return dict(value)
    raise c.fail(
        where,
        'settings.compare: expected a list of regions, "all-countries" or a table '
        "{kind = ..., provider = ..., country = ...}",
    )


def _workload_class(c: _Checker, kind: str, where: tuple[Any, ...]) -> Any:
    import importlib

    module, name = WORKLOAD_TYPES[kind]
    try:
        return getattr(importlib.import_module(module), name)
    except (ImportError, AttributeError):
        raise c.fail(where, f"workload type {kind!r} is not available in this version") from None


def _workload(
    c: _Checker,
    item: Any,
    i: int,
    region: str | None,
    year: int | None,
    overrides: dict[str, Any],
) -> ScenarioWorkload:

    where = ("workload", i)
    c.typed(item, (dict,), where, "a [[workload]] table")
    kind = item.get("type")
    if kind is None:
        raise c.fail(where, f"workload {i + 1}: give its type ({', '.join(WORKLOAD_TYPES)})")
    c.typed(kind, (str,), (*where, "type"), "a workload type")
    if kind not in WORKLOAD_TYPES:
        hint = suggest(kind, list(WORKLOAD_TYPES))
        extra = f"; did you mean {', '.join(repr(h) for h in hint)}?" if hint else ""
        raise c.fail(
            (*where, "type"),
            f"unknown workload type {kind!r}{extra} (types: {', '.join(WORKLOAD_TYPES)})",
        )
    cls = _workload_class(c, kind, (*where, "type"))
    params = [f.name for f in dataclasses.fields(cls) if f.init]
    c.unknown_keys(item, [*_WORKLOAD_KEYS, *params], where)
    name = item.get("name", f"{kind} {i + 1}")
    c.typed(name, (str,), (*where, "name"), "a name")
    kwargs = {k: v for k, v in item.items() if k in params}
    for key, value in kwargs.items():
        c.typed(value, (str, int, float), (*where, key), "a string or a number")
    try:
        workload = cls(**kwargs)
    except FootprintError as exc:
        key = _key_in_message(str(exc), kwargs)
        raise c.fail((*where, key) if key else where, f"workload {name!r}: {exc}") from None
    w_region = item.get("region", region)
    if "region" in item:
        c.typed(w_region, (str,), (*where, "region"), "a region name")
        _check_region(c, w_region, (*where, "region"))
    w_year = _year(c, item.get("year"), (*where, "year")) if "year" in item else year
    w_overrides = dict(overrides)
    if "overrides" in item:
        w_overrides.update(_overrides(c, item["overrides"], (*where, "overrides")))
    try:
        site = Site(region=w_region, year=w_year, **w_overrides)
    except FootprintError as exc:
        raise c.fail(where, f"workload {name!r}: {exc}") from None
    return ScenarioWorkload(name, kind, workload, site, c.locator.line(*where) or 0)


def _key_in_message(message: str, kwargs: dict[str, Any]) -> str | None:
    """The parameter an error message starts with (``"gpu_hours: ..."``), if given."""
    head = message.split(":", 1)[0].strip()
    for key in kwargs:
        if head == key or head.startswith(f"{key} ") or head == key.replace("_", " "):
            return key
    for key in kwargs:  # "give either gpu_hours or count..." names a key
        if re.search(rf"\b{re.escape(key)}\b", message):
            return key
    return None


# --- evaluation ----------------------------------------------------------------------------


def run_scenario(scenario: Scenario) -> ScenarioResult:
    """Estimate every workload at its site, sum the totals and run the comparison.

    Totals add the canonical results (energy, CO2e location- and market-based, water)
    of all workloads; cost is summed only when every workload has a price in the same
    currency (else left out, noted).
    """

    footprints: dict[str, Footprint] = {}
    notes: list[str] = []
    for w in scenario.workloads:
        try:
            footprints[w.name] = estimate(w.workload, w.site)
        except FootprintError as exc:
            raise ScenarioError(scenario.path, w.line, f"workload {w.name!r}: {exc}") from None
    totals: dict[str, Any] = {}
    if all("accelerator_hours" in fp.results for fp in footprints.values()):
        totals["accelerator_hours"] = units.Q_(
            sum(fp.results["accelerator_hours"].m_as("h") for fp in footprints.values()), "h"
        )
    else:
        notes.append(
            "accelerator-hours: a workload given by its energy alone has none; not totalled"
        )
    for key in (
        "it_energy",
        "facility_energy",
        "co2e",
        "co2e_market",
        "water_onsite",
        "water_offsite",
        "water",
    ):
        unit = CANONICAL_UNITS[key]
        totals[key] = units.Q_(sum(fp.results[key].m_as(unit) for fp in footprints.values()), unit)
    # manufacturing emissions, counted by every estimate unless turned off
    for key in ("embodied_co2e", "total_co2e"):
        if all(key in fp.results for fp in footprints.values()):
            totals[key] = units.Q_(
                sum(fp.results[key].m_as("kgCO2e") for fp in footprints.values()), "kgCO2e"
            )
    costs: list[Any] = [fp.results.get("cost") for fp in footprints.values()]
    currencies = {str(c.units) for c in costs if c is not None}
    if costs and all(c is not None for c in costs) and len(currencies) == 1:
        total_cost = costs[0]
        for c in costs[1:]:
            total_cost = total_cost + c
        totals["cost"] = total_cost
    elif any(c is not None for c in costs):
        notes.append(
            "cost: not every workload has an electricity price in one currency; "
            "no total cost (see each workload)"
        )
    comparison = None
    if scenario.compare is not None:
        comparison = _comparison(scenario)
    return ScenarioResult(scenario, footprints, totals, comparison, notes)


def _comparison(scenario: Scenario) -> pd.DataFrame:

    # every workload keeps its own overrides ([workload.overrides] over [settings.overrides])
    sites = [
        dataclasses.replace(w.site, region=None, year=scenario.year) for w in scenario.workloads
    ]
    if all(s == sites[0] for s in sites):
        sites = sites[:1]
    kwargs: dict[str, Any] = {"metric": scenario.metric, "site": sites}
    if isinstance(scenario.compare, list):
        kwargs["regions"] = scenario.compare
    else:
        kwargs.update(scenario.compare)
    try:
        df = compare([w.workload for w in scenario.workloads], **kwargs)
    except FootprintError as exc:
        raise ScenarioError(scenario.path, None, f"settings.compare: {exc}") from None
    df.attrs["workload"] = scenario.title
    return df
