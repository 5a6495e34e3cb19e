"""Regional comparison: one workload (or several) evaluated in many zones at once.

:func:`compare` resolves the site factors of every zone once (grid intensity, carbon-free
share, PUE, WUE, EWIF, price, each with provenance, through :func:`footprint.site_factors`),
then evaluates every workload in every zone with ONE call of the engine,
:func:`footprint.engine.evaluation.evaluate`, on NumPy arrays (workloads x zones), so all ~200
countries take a fraction of a second. The result is a pandas DataFrame with one row per
zone and unit-aware columns (pint-pandas, footprint's registry)::

    >>> import footprint as fp
    >>> from footprint.analyses.compare import compare, to_markdown
    >>> job = fp.GpuJob("H100-SXM", gpu_hours="1e6 h")
    >>> df = compare(job, regions=["FR", "SE", "US-CA", "aws:us-east-1", "TW"], year=2023)
    >>> df[["region", "co2e", "rank", "ratio_to_best"]]  # doctest: +SKIP

Columns
-------
``region``, ``name``, ``kind``, ``zone`` (grid zone), ``country``; ``year`` (of the
intensity), ``ewif_year`` (of the generation mix); factors ``intensity`` [gCO2e/kWh],
``cfe`` (carbon-free contracted share) [1], ``ewif`` [L/kWh], ``pue`` [1], ``wue``
[L/kWh]; results ``it_energy``, ``facility_energy`` [kWh], ``co2e`` (location-based),
``co2e_market`` (market-based) [kgCO2e], ``water_onsite``, ``water_offsite``, ``water``
[L]; ``embodied_co2e`` (manufacturing, as :func:`footprint.estimate`; the same in every
zone) and ``total_co2e`` (``co2e`` + ``embodied_co2e``) [kgCO2e] unless embodied
emissions are left out; ``price`` [currency/kWh] and ``cost`` [currency] where a price
is known (one pair per currency, ``cost_EUR`` etc., when zones price in several
currencies); ``rank`` (1 = lowest ``metric``) and ``ratio_to_best`` (``metric`` /
lowest ``metric``); ``intensity_dataset``.

``df.attrs`` holds ``workload`` (a description), ``metric``, ``notes`` (substitutions,
skipped zones) and ``sources`` (the dataset and citation behind each factor).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from footprint.analyses.estimate import compute_of, embodied_of
from footprint.core import units
from footprint.core.accounting import EMBODIED_KEYS, SCARCITY_KEYS
from footprint.core.errors import InputError, MissingDataError, UnknownNameError
from footprint.engine.evaluation import (
    BLANK_WHEN_UNKNOWN,
    BLANK_WITHOUT_EWIF,
    LoadTable,
    SiteTable,
    evaluate,
)
from footprint.places.facility import Scale
from footprint.places.grid import intensity_years
from footprint.places.marginal import NoMarginalFactorError, margin_label, missing_note
from footprint.places.regions import resolve_region, select_locations
from footprint.places.scarcity import factor_grid
from footprint.places.site import Site, site_factors
from footprint.render.compare_table import (
    COLUMN_UNITS,
    METRICS,
    UNIT_LADDERS,
    display_frame,
    grouped_notes,
    magnitudes,
    plain,
    sort_comparison,
    to_csv,
    to_markdown,
    to_records,
)
from footprint.render.notes import group_notes
from footprint.workloads.jobs import GpuJob, Workload

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

    from footprint.catalogues.embodied import Embodied
    from footprint.places.regions import Location
    from footprint.places.site import Site, SiteFactors

__all__ = [
    "compare",
    "grouped_notes",
    "METRICS",
    "COLUMN_UNITS",
    "describe_workload",
    "sort_comparison",
    "plain",
    "to_csv",
    "to_markdown",
    "to_records",
    "display_frame",
    "register_units",
    "UNIT_LADDERS",
]


_RESULT_COLUMNS = (
    "it_energy",
    "facility_energy",
    "co2e",
    "co2e_market",
    "water_onsite",
    "water_offsite",
    "water",
)

#: Number of zones up to which every per-zone note is kept (beyond: a summary).
_DETAILED_NOTES = 12


def register_units() -> Any:
    """Make pint-pandas use footprint's registry (done at call time, never at import)."""
    import pint_pandas

    registry = units.get_registry()
    if pint_pandas.PintType.ureg is not registry:
        pint_pandas.PintType.ureg = registry
    return registry


def describe_workload(workload: Any) -> str:
    """A short description of a workload for titles (``1,000,000 H100-SXM-hours``)."""
    describe = getattr(workload, "describe", None)
    if callable(describe):
        return str(describe())
    name = getattr(workload, "name", None)
    if isinstance(name, str) and name:
        return name

    if isinstance(workload, GpuJob):
        hours = workload.accelerator_hours.m_as("h")
        return f"{hours:,.0f} {workload.hardware.name}-hours"
    load = workload.load()
    hours = load.accelerator_hours.m_as("h")
    inputs = load.inputs
    kind = {"InferenceWorkload": "serving", "TrainingRun": "training"}.get(
        type(workload).__name__, type(workload).__name__
    )
    what = " ".join(str(inputs[k]) for k in ("model", "requests") if inputs.get(k))
    if load.nominal_hours:  # energy only: name the published figure, not hardware time
        return f"{kind} {what} ({inputs.get('energy_model', 'published energy')})".replace(
            "  ", " "
        )
    acc = inputs.get("accelerator", "accelerator")
    return f"{kind} {what} ({hours:,.0f} {acc}-hours)".replace("  ", " ")


@dataclass(frozen=True)
class _Zone:
    location: Location
    factors: SiteFactors


def _split_regions(regions: str | Iterable[str]) -> list[str]:
    if isinstance(regions, str):
        items: list[Any] = regions.split(",")
    elif isinstance(regions, (list, tuple, set, frozenset)):
        items = list(regions)
    else:
        raise InputError(
            f"regions: expected region names ('FR,SE' or a list), got {type(regions).__name__}"
        )
    for r in items:
        if not isinstance(r, str):
            raise InputError(f"regions: expected region names, got {r!r}"[:200])
    names = [r.strip() for r in items if r.strip()]
    if not names:
        raise InputError("regions: give at least one region")
    return names


def _locations(
    regions: str | Iterable[str] | None,
    kind: str | None,
    provider: str | None,
    country: str | None,
    notes: list[str],
) -> tuple[list[Location], bool]:
    """The locations to compare, and whether the user named them one by one."""

    for name, value in (("kind", kind), ("provider", provider), ("country", country)):
        if value is not None and not isinstance(value, str):
            raise InputError(f"{name}: expected a name, got {value!r}"[:200])
    if regions is not None:
        if kind or provider or country:
            raise InputError("regions: give either a list of regions or kind/provider/country")
        seen: dict[str, Location] = {}
        for name in _split_regions(regions):
            loc = resolve_region(name)
            seen.setdefault(loc.id, loc)
        return list(seen.values()), True
    if kind is None and provider is None and country is None:
        kind = "country"
        notes.append("no regions given: every country compared")
    locations = select_locations(kind=kind, provider=provider, country=country)
    if not locations:
        raise InputError("regions: no region matches these filters")
    return locations, False


def _zone_factors(
    locations: Sequence[Location],
    template: Site,
    explicit: bool,
    notes: list[str],
    scale: Scale | None = None,
) -> list[_Zone]:

    zones: list[_Zone] = []
    skipped: list[str] = []
    per_zone: list[tuple[str, str]] = []
    for loc in locations:
        try:
            sf = site_factors(replace(template, region=loc.id), scale)
        except NoMarginalFactorError as exc:  # kept, its CO2e blank: listed as missing
            sf = exc.factors
        except MissingDataError as exc:
            if explicit:
                raise MissingDataError(f"{loc.id}: {exc}") from None
            skipped.append(f"{loc.id} ({exc})")
            continue
        zones.append(_Zone(loc, sf))
        per_zone += [(loc.id, n) for n in sf.notes]
    if skipped:
        notes.append(f"{len(skipped)} region(s) left out for lack of data: " + "; ".join(skipped))
    if len(zones) <= _DETAILED_NOTES:
        notes += [f"{region}: {note}" for region, note in per_zone]
    else:
        notes += _summarise_notes(zones, per_zone)
    return zones


#: Result columns that a zone without a marginal factor leaves blank.
_CO2E_COLUMNS = ("co2e", "co2e_market", "total_co2e")


def _shared_intensity_notes(zones: list[_Zone]) -> list[str]:
    """Regions that take the same parent zone's intensity (no data of their own for the
    year) tie on intensity; say so, with the years their own data cover."""

    shared: dict[tuple[str, Any], list[list[int]]] = {}
    for z in zones:
        factor, loc = z.factors.intensity, z.location
        if factor.origin != "dataset" or factor.zone in (loc.zone, loc.id):
            continue
        own = intensity_years(loc.zone) if loc.zone else []
        if own:
            shared.setdefault((str(factor.zone), factor.year), []).append(own)
    notes = []
    for (zone, year), owns in shared.items():
        if len(owns) < 2:
            continue
        first, last = min(min(o) for o in owns), max(max(o) for o in owns)
        span = str(first) if first == last else f"{first}-{last}"
        notes.append(
            f"{len(owns)} regions have no grid intensity of their own for {year} and take "
            f"{zone}'s, so they tie on it; their own data cover {span} (give --year)"
        )
    return notes


def _summarise_notes(zones: list[_Zone], per_zone: list[tuple[str, str]]) -> list[str]:
    """Many zones: each distinct note once, with the zones it concerns, a factor's year
    substitutions in one line (:func:`footprint.render.notes.group_notes`)."""
    codes = {
        z.location.id: [
            z.location.id, z.location.zone or "", z.factors.zone, *z.location.zones()[:1]
        ]
        for z in zones
    }
    return group_notes(per_zone, [z.location.id for z in zones], "zone", codes)


def _template(
    site: Site | None, year: int | None, strict_year: bool | None, marginal: Any = None
) -> Site:

    template = site if site is not None else Site()
    if template.region is not None:
        raise InputError("site: leave region empty; the comparison sets it for each zone")
    if year is not None:
        if site is not None and site.year is not None and site.year != year:
            raise InputError("year: given both as year= and in site=Site(year=...)")
        template = replace(template, year=year)
    if strict_year is not None:
        template = replace(template, strict_year=strict_year)
    if marginal is not None:  # the keyword wins over the site's basis
        template = replace(template, marginal=marginal)
    return template


def _positive_whole(n: Any) -> bool:
    """Whether ``n`` is a whole number >= 1 (an int, or an integral float; not a bool)."""
    from numbers import Integral, Real

    if isinstance(n, bool) or not isinstance(n, Real):
        return False
    if isinstance(n, Integral):  # a huge int is fine (head/tail keep every row)
        return int(n) >= 1
    x = float(n)
    return math.isfinite(x) and x >= 1 and x.is_integer()


def _loads(workloads: Workload | Sequence[Workload]) -> tuple[list[Any], list[Any]]:
    items: list[Any] = list(workloads) if isinstance(workloads, (list, tuple)) else [workloads]
    if not items:
        raise InputError("workload: give at least one workload")
    for w in items:
        if not isinstance(w, Workload):
            raise InputError(
                f"workload: expected a workload such as GpuJob, got {type(w).__name__}"
            )
    return items, [w.load() for w in items]


def compare(
    workload: Workload | Sequence[Workload],
    regions: str | Iterable[str] | None = None,
    *,
    year: int | None = None,
    kind: str | None = None,
    provider: str | None = None,
    country: str | None = None,
    site: Site | Sequence[Site] | None = None,
    metric: str = "co2e",
    sort: str | None = None,
    ascending: bool | None = None,
    top: int | None = None,
    bottom: int | None = None,
    strict_year: bool | None = None,
    embodied: Embodied | bool | None = None,
    compute: Any = None,
    marginal: bool | str | None = None,
) -> pd.DataFrame:
    """Footprint of ``workload`` in each zone, one row per zone, ranked by ``metric``.

    Parameters
    ----------
    workload : Workload or sequence of Workload
        What runs (a :class:`~footprint.GpuJob`, a training run, an inference fleet,
        anything with ``load()``); several workloads are summed per zone.
    regions : str or iterable of str, optional
        Zones and cloud regions (``"FR,SE,US-CA,aws:us-east-1,TW"`` or a list). A
        region without data raises :class:`MissingDataError`.
    year : int, optional
        Data year (nearest year per zone when missing, reported in ``year``); ``None``
        takes each zone's newest.
    kind, provider, country : str, optional
        Select zones instead of listing them: a region kind (``country``, ``us-state``,
        ``cloud``...), a cloud provider (``gcp``), a country. Zones without data are
        left out and listed in ``attrs["notes"]``. Nothing given: every country.
    site : Site or sequence of Site, optional
        Overrides applied in every zone (``operator``, ``pue``, ``wue``, ``cfe``,
        ``price``, ``hydro``...); its ``region`` must be empty. A sequence gives one
        Site per workload (workloads with their own overrides); the factor columns
        then hold energy-weighted values (``pue`` = facility / IT energy...) when the
        workloads' factors differ in a zone.
    metric : str
        Column that ranks the zones (lower is better): one of :data:`METRICS`.
    sort : str, optional
        Column to sort the rows by (default ``metric``); any column works.
    ascending : bool, optional
        Sort order (default: ascending, best first).
    top, bottom : int, optional
        Keep only the best (lowest ``metric``) or worst N zones.
    strict_year : bool, optional
        Fail instead of taking the nearest year.
    embodied : Embodied or bool, optional
        Embodied (manufacturing) emissions, as in :func:`footprint.estimate` (one
        setting for every workload): counted by default, adding ``embodied_co2e`` and
        ``total_co2e``; ``False`` leaves both columns out.
    compute : ComputeCost, optional
        Prices the accelerator-hours, as in :func:`footprint.estimate`: a ``compute_cost``
        column (the same in every zone) and ``total_cost`` (electricity + compute) in
        the zones whose electricity is priced in the compute price's currency.
    marginal : bool or str, optional
        A marginal basis, for decisions, not inventories: ``True``/``"combined"`` or
        ``"operating"`` (IFI 2021), as ``Site.marginal``. ``intensity`` is each zone's
        marginal factor, ``co2e`` the marginal CO2e; a ``basis`` column and
        ``attrs["basis"]`` name it; a zone without a factor stays, intensity and CO2e
        blank, ranked last and listed in the notes.

    Returns
    -------
    pandas.DataFrame
        One row per zone with pint-pandas columns (see the module docstring), ``rank``
        and ``ratio_to_best``; ``attrs`` holds ``workload``, ``metric``, ``notes`` and
        ``sources``.
    """
    import numpy as np

    if not isinstance(metric, str):
        raise InputError(f"metric: expected one of {', '.join(METRICS)}, got {metric!r}"[:200])
    if metric not in METRICS:
        raise UnknownNameError("metric", metric, list(METRICS))
    if sort is not None and not isinstance(sort, str):
        raise InputError(f"sort: expected a column name, got {sort!r}"[:200])
    for name, flag in (("ascending", ascending), ("strict_year", strict_year)):
        if flag is not None and not isinstance(flag, bool):
            raise InputError(f"{name}: expected True or False, got {flag!r}"[:200])
    year = units.check_year(year, "year")
    if top is not None and bottom is not None:
        raise InputError("top: give either top or bottom, not both")
    for name, n in (("top", top), ("bottom", bottom)):
        if n is not None and not _positive_whole(n):
            raise InputError(f"{name}: expected a positive whole number, got {n!r}"[:200])
    notes: list[str] = []
    items, loads = _loads(workload)
    embs = [embodied_of(embodied, w, ld) for w, ld in zip(items, loads, strict=True)]
    priced = (
        None
        if compute is None
        else [compute_of(compute, w, ld) for w, ld in zip(items, loads, strict=True)]
    )
    if metric == "total_cost" and priced is None:
        raise InputError("metric total_cost: give a compute price (compute=ComputeCost(...))")
    if embodied is False and metric == "total_co2e":
        raise InputError("metric total_co2e: embodied emissions are off (embodied=False)")
    sites: list[Site | None] = []
    if isinstance(site, (list, tuple)):
        sites += site
    else:
        sites.append(site)  # type: ignore[arg-type]
    for s in sites:
        if s is not None and not isinstance(s, Site):
            raise InputError(f"site: expected a Site, got {type(s).__name__}")
    if len(sites) not in (1, len(items)):
        raise InputError(
            f"site: give one Site, or one per workload ({len(items)}), got {len(sites)}"
        )
    # the distinct (site, facility class of the workload's scale), in order of first use
    templates: list[tuple[Site, str | None]] = []
    scales: list[Any] = []
    which: list[int] = []  # template of each workload
    for s, load in zip(sites * (len(items) if len(sites) == 1 else 1), loads, strict=True):
        t = (_template(s, year, strict_year, marginal), load.scale.facility_class)
        if t not in templates:
            templates.append(t)
            scales.append(load.scale)
        which.append(templates.index(t))
    locations, explicit = _locations(regions, kind, provider, country, notes)
    per_template = [
        _zone_factors(locations, t, explicit, notes, scale)
        for (t, _), scale in zip(templates, scales, strict=True)
    ]
    notes[:] = list(dict.fromkeys(notes))  # the same note from several templates once
    common = set.intersection(*({z.location.id for z in zs} for zs in per_template))
    per_template = [[z for z in zs if z.location.id in common] for zs in per_template]
    zones = per_template[0]
    if not zones:
        raise MissingDataError("compare: no selected region has the data an estimate needs")
    margins = {t.marginal for t, _ in templates}
    if len(margins) > 1:
        raise InputError("site: give every Site the same basis (marginal or average)")
    margin = margins.pop()
    if margin is None:
        notes += _shared_intensity_notes(zones)
    else:
        notes += missing_note([(z.location.id, z.factors) for zs in per_template for z in zs])

    registry = units.get_registry()

    def column(name: str, unit: str) -> Any:
        # parse the unit once; converting to a Unit object skips pint's string parser;
        # one row per template, one column per zone
        target = registry.Unit(unit)
        return np.array(
            [[getattr(z.factors, name).value.m_as(target) for z in zs] for zs in per_template],
            dtype=float,
        )

    intensity = column("intensity", "gCO2e/kWh")
    pue = column("pue", "dimensionless")
    wue = column("wue", "L/kWh")
    ewif = column("ewif", "L/kWh")
    cfe = column("cfe", "dimensionless")
    currency_rows = [
        [None if z.factors.price is None else units.currency_of(z.factors.price.value) for z in zs]
        for zs in per_template
    ]
    price = np.array(
        [
            [np.nan if z.factors.price is None else z.factors.price.value.magnitude for z in zs]
            for zs in per_template
        ],
        dtype=float,
    )
    # water-scarcity factors (the user's table): NaN where a zone has none
    scarcity = factor_grid([[z.factors.water_scarcity for z in zs] for zs in per_template])
    if metric == "water_scarcity" and scarcity is None:
        raise InputError(
            "metric water_scarcity: give water-scarcity factors "
            "(site=Site(water_scarcity=read_water_scarcity(path)); --water-scarcity-factors)"
        )
    rows = np.asarray(which)
    # ONE evaluation of the chain: workloads along axis 0, zones along axis 1
    mags = evaluate(
        LoadTable.of(loads, embs, compute=priced).as_column(),
        SiteTable(
            pue=pue[rows],
            wue=wue[rows],
            ewif=ewif[rows],
            intensity=intensity[rows],
            cfe=cfe[rows],
            price=price[rows],
            host_included=np.array(
                [[1.0 if z.factors.host_included else 0.0 for z in zs] for zs in per_template]
            )[rows],
            scarcity=None if scarcity is None else scarcity[rows],
        ),
    ).values
    shape = (len(loads), len(zones))
    counted = embodied is not False and all(e is not None for e in embs)
    results = (
        *_RESULT_COLUMNS,
        *(EMBODIED_KEYS if counted else ()),
        *(SCARCITY_KEYS if scarcity is not None else ()),
    )
    totals = {
        key: np.broadcast_to(np.asarray(mags[key], dtype=float), shape).sum(axis=0)
        for key in (*results, "cost")
    }
    # a zone's cost is known when every workload there is priced in one currency
    used_rows = [currency_rows[t] for t in sorted(set(which))]
    currencies: list[str | None] = []
    for z in range(len(zones)):
        found = {row[z] for row in used_rows}
        currencies.append(found.pop() if len(found) == 1 else None)
    unpriced = np.array([c is None for c in currencies])
    totals["cost"] = np.where(unpriced, np.nan, totals["cost"])
    compute_currency = None
    if priced is not None:  # compute cost: the same in every zone; a total where one currency
        compute_currency = priced[0].currency
        totals["compute_cost"] = np.broadcast_to(
            np.asarray(mags["compute_cost"], dtype=float), shape
        ).sum(axis=0)
        same = np.array([c == compute_currency for c in currencies])
        totals["total_cost"] = np.where(same, totals["cost"] + totals["compute_cost"], np.nan)
        if not same.all():
            notes.append(
                f"total cost: only where electricity is priced in {compute_currency} "
                "(footprint does not convert currencies; other zones have no total)"
            )
    no_mix = np.isnan(ewif).any(axis=0)  # zones without a generation mix: water left blank
    for key in (*results, "cost"):
        values = totals[key] if key != "cost" else totals[key][~unpriced]
        if key in BLANK_WITHOUT_EWIF:
            values = values[~no_mix]
        if key in _CO2E_COLUMNS:  # no marginal factor for the zone: blank (noted)
            values = values[~np.isnan(intensity).any(axis=0)]
        if key in BLANK_WHEN_UNKNOWN:  # no factor for the zone: blank (noted), not zero
            values = values[~np.isnan(values)]
        if not np.isfinite(values).all():
            raise InputError(
                f"workload: its {key.replace('_', ' ')} is too large to be a finite number"
            )
    if len(templates) == 1:
        factors = (intensity[0], cfe[0], ewif[0], pue[0], wue[0], price[0])
    else:
        factors = _weighted_factors(totals, currencies)
        if any(len({row[z] for row in used_rows}) > 1 for z in range(len(zones))):
            notes.append(
                "cost: left out where the workloads' prices are in different currencies "
                "or missing for some of them"
            )
        notes.append(
            "the workloads have different site overrides: intensity, cfe, ewif, pue, wue "
            "and price are energy-weighted over them (pue = facility / IT energy, "
            "intensity = CO2e / facility energy...)"
        )

    if scarcity is not None:  # the factor beside its result (weighted: scarcity / water)
        with np.errstate(divide="ignore", invalid="ignore"):
            ratio = totals["water_scarcity"] / (totals["water"] / 1000.0)
        totals["scarcity_factor"] = scarcity[0] if len(templates) == 1 else ratio
    df = _frame(zones, *factors, totals, currencies, compute_currency)
    if margin is not None:  # the basis of every CO2e column, in csv and json too
        years = {z.factors.intensity.year for z in zones} - {None}
        basis = margin_label(str(margin), years.pop() if len(years) == 1 else None)
        df.insert(list(df.columns).index("intensity"), "basis", basis)
        df.attrs["basis"] = basis
    _rank(df, metric, notes)
    df.attrs.update(
        {
            "workload": "; ".join(describe_workload(w) for w in items),
            "metric": metric,
            "notes": notes + _workload_notes(loads, embs, embodied is False),
            "sources": _sources([z for zs in per_template for z in zs], loads, embs),
            "year": templates[0][0].year,
        }
    )
    df = sort_comparison(df, sort or metric, ascending)
    if top is not None or bottom is not None:
        by_rank = df.sort_values("rank", kind="stable")
        picked = by_rank.head(int(top)) if top is not None else by_rank.tail(int(bottom or 0))
        ranked = int(df["rank"].notna().sum())
        df = df.loc[df.index.isin(picked.index)]
        # which slice is shown: the words "best" and "worst" depend on it
        df.attrs["shown"] = ("top" if top is not None else "bottom", len(df), ranked)
    return df.reset_index(drop=True)


def _weighted_factors(totals: dict[str, Any], currencies: list[str | None]) -> tuple[Any, ...]:
    """Per-zone factors of workloads with different overrides: the ratios of the totals.

    ``intensity`` = CO2e / facility energy, ``cfe`` = 1 - market / location CO2e,
    ``ewif`` = off-site water / facility energy, ``pue`` = facility / IT energy,
    ``wue`` = on-site water / IT energy, ``price`` = cost / facility energy (NaN
    where a denominator is zero or the cost is unknown).
    """
    import numpy as np

    def ratio(num: Any, den: Any) -> Any:
        num, den = np.asarray(num, dtype=float), np.asarray(den, dtype=float)
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            out = np.where(den != 0, num / np.where(den != 0, den, 1.0), np.nan)
        return np.where(np.isfinite(out), out, np.nan)

    facility, it = totals["facility_energy"], totals["it_energy"]
    intensity = ratio(totals["co2e"] * 1000.0, facility)
    cfe = 1.0 - ratio(totals["co2e_market"], totals["co2e"])
    ewif = ratio(totals["water_offsite"], facility)
    pue = ratio(facility, it)
    wue = ratio(totals["water_onsite"], it)
    known = np.array([c is not None for c in currencies])
    weighted_price = np.where(known, ratio(totals["cost"], facility), np.nan)
    return intensity, cfe, ewif, pue, wue, weighted_price


def _frame(
    zones: list[_Zone],
    intensity: Any,
    cfe: Any,
    ewif: Any,
    pue: Any,
    wue: Any,
    price: Any,
    totals: dict[str, Any],
    currencies: list[str | None],
    compute_currency: str | None = None,
) -> pd.DataFrame:
    import numpy as np
    import pandas as pd
    import pint_pandas

    register_units()

    def q(values: Any, unit: str) -> Any:
        return pint_pandas.PintArray(np.asarray(values, dtype=float), dtype=f"pint[{unit}]")

    data: dict[str, Any] = {
        "region": [z.location.id for z in zones],
        "name": [z.location.name for z in zones],
        "kind": [z.location.kind for z in zones],
        "zone": [z.factors.zone if z.location.is_cloud else z.location.zone for z in zones],
        "country": [z.location.country or "" for z in zones],
        "year": pd.array([z.factors.intensity.year for z in zones], dtype="Int64"),
        "ewif_year": pd.array([z.factors.ewif.year for z in zones], dtype="Int64"),
        "intensity": q(intensity, COLUMN_UNITS["intensity"]),
        "cfe": q(cfe, COLUMN_UNITS["cfe"]),
        "ewif": q(ewif, COLUMN_UNITS["ewif"]),
        "pue": q(pue, COLUMN_UNITS["pue"]),
        "wue": q(wue, COLUMN_UNITS["wue"]),
    }
    for key in (*_RESULT_COLUMNS, "scarcity_factor", *SCARCITY_KEYS, *EMBODIED_KEYS):
        if key in totals:
            data[key] = q(totals[key], COLUMN_UNITS[key])
    present = sorted({c for c in currencies if c})
    for cur in present:
        mask = np.array([c == cur for c in currencies])
        suffix = "" if len(present) == 1 else f"_{cur}"
        data[f"price{suffix}"] = q(np.where(mask, price, np.nan), f"{cur}/kWh")
        data[f"cost{suffix}"] = q(np.where(mask, totals["cost"], np.nan), cur)
    if compute_currency is not None:
        data["compute_cost"] = q(totals["compute_cost"], compute_currency)
        data["total_cost"] = q(totals["total_cost"], compute_currency)
    data["intensity_dataset"] = [(z.factors.intensity.dataset or "").split(":")[-1] for z in zones]
    return pd.DataFrame(data)


def _rank(df: pd.DataFrame, metric: str, notes: list[str]) -> None:
    import numpy as np
    import pandas as pd

    col = metric
    if metric == "cost":
        costs = [c for c in df.columns if c == "cost" or c.startswith("cost_")]
        if len(costs) != 1:
            raise InputError(
                "metric cost: needs one electricity price currency for every zone "
                + ("(none known; give a price)" if not costs else f"(found {', '.join(costs)})")
            )
        col = costs[0]
    values = magnitudes(df, col)
    known = ~np.isnan(values)
    if not known.any():
        raise MissingDataError(f"metric {metric}: no zone has a value")
    if (~known).any():
        missing = ", ".join(df.loc[~known, "region"])
        notes.append(f"{metric} unknown for {missing}: ranked last, no ratio")
    ranks = pd.Series(values).rank(method="min", na_option="keep")
    df["rank"] = ranks.round().astype("Int64").array
    best = np.nanmin(values)
    if best > 0:
        with np.errstate(over="ignore"):
            ratio = values / best
        huge = np.isinf(ratio)
        if huge.any():  # a best of almost zero: a ratio beyond any float
            ratio = np.where(huge, np.nan, ratio)
            notes.append(
                "ratio_to_best: too large to be a number for "
                + ", ".join(df.loc[huge, "region"])
                + f" (the best {metric} is almost 0); left blank"
            )
    else:
        ratio = np.full_like(values, np.nan)
        notes.append(f"ratio_to_best: the best {metric} is 0, so ratios are undefined")
    df["ratio_to_best"] = pd.array(ratio, dtype="Float64")


def _workload_notes(loads: list[Any], embs: list[Any], embodied_off: bool) -> list[str]:
    seen: list[str] = []
    for note in [
        *(n for load in loads for n in load.notes),
        *(n for e in embs if e is not None for n in e.notes),
        *(["embodied (manufacturing) emissions not counted"] if embodied_off else []),
    ]:
        if note not in seen:
            seen.append(note)
    return seen


def _sources(zones: list[_Zone], loads: list[Any], embs: list[Any]) -> dict[str, list[str]]:
    """Dataset and citation behind each factor (deduplicated, in order of first use)."""
    out: dict[str, list[str]] = {}

    def add(name: str, factor: Any) -> None:
        if factor is None:
            return
        label = " ".join(filter(None, [factor.dataset and f"[{factor.dataset}]", factor.source]))
        bucket = out.setdefault(name, [])
        if label and label not in bucket:
            bucket.append(label)

    for load in loads:
        add("power", load.power)
        add("host_power", load.host_power)
        for name, factor in load.extra_factors.items():
            add(name, factor)
    for emb in embs:
        for name, factor in ({} if emb is None else emb.as_dict()).items():
            add(name, factor)
    for z in zones:
        for name, factor in z.factors.as_dict().items():
            add(name, factor)
    return out
