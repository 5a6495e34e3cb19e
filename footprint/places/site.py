"""Where a workload runs: region, year, facility, and any factor the user fixes.

A :class:`Site` groups the location inputs of an estimate. :func:`site_factors`
turns it into the factors an estimate uses (grid intensity, carbon-free share,
PUE, WUE, EWIF, electricity price), each a :class:`~footprint.core.provenance.Factor`
with its source, zone and year; values the user gives replace the defaults and
are marked ``origin="user"``.

Choice of factors, all reported in the notes:

- intensity: the operator's own per-region factor for a cloud region (Google
  publishes one), else the finest zone with data (US state, then country); the
  nearest year when the asked year is missing (``strict_year`` forbids that);
- PUE and WUE: the operator's (cloud regions, or ``operator=``), else the
  industry average;
- EWIF: the zone's generation mix, else its parent zone's;
- carbon-free share (market-based CO2e): the user's ``cfe``, else the operator's
  published share (Google), else none (market-based equals location-based);
- price: the user's ``price``, else the zone's non-household price where open
  data exist (Eurostat, Europe), else no cost.

:func:`region_table` lists regions (:mod:`footprint.places.regions`) with these factors.
"""

from __future__ import annotations

import contextlib
import math
from dataclasses import dataclass, field, fields, replace
from functools import cache, lru_cache
from typing import Any

from footprint.core import plausibility, units
from footprint.core.accounting import BOUNDARIES, DEFAULT_BOUNDARY
from footprint.core.errors import InputError, MissingDataError, UnknownNameError
from footprint.core.provenance import Factor, user_factor
from footprint.data.loader import choose_year, datasets_dir, read_records
from footprint.places.facility import (
    LARGE_ACCELERATOR_HOURS,
    LARGE_ACCELERATORS,
    Scale,
    check_facility,
    facility_factor,
    find_operator,
)
from footprint.places.grid import (
    DEFAULT_ZONE,
    highest_intensity,
    intensity_factor,
    intensity_series,
)
from footprint.places.marginal import (
    NoMarginalFactorError,
    blank_marginal,
    check_margin,
    marginal_cfe,
    marginal_factor,
    require_marginal,
)
from footprint.places.regions import (
    Location,
    cloud_factor_series,
    cloud_intensity_series,
    resolve_region,
    select_locations,
)
from footprint.places.scarcity import ScarcityTable, scarcity_inputs
from footprint.places.water import HYDRO_TREATMENTS, ewif, mix_years

__all__ = ["Site", "site_factors", "SiteFactors", "CONSUMERS", "region_table"]

#: Consumer bands of the price table; data centres buy as non-household consumers.
CONSUMERS = ("non-household", "household")


@dataclass(frozen=True)
class Site:
    """Location and facility inputs of an estimate.

    Parameters
    ----------
    region : str, optional
        Country (FR, FRA, France), aggregate (WORLD, EU), sub-national zone (US-VA,
        SE-SE3) or cloud region (aws:us-east-1); ``None`` uses the World average.
    year : int, optional
        Year of the grid, mix and facility data; ``None`` takes the newest.
    operator : str, optional
        Data-centre operator for PUE/WUE defaults (a cloud region sets its own).
    facility : str, optional
        Facility class for PUE/WUE priors when no operator is named: ``hyperscale``,
        ``colocation``, ``enterprise`` or ``industry-average``. Without it, a large
        workload (:class:`~footprint.places.facility.Scale`) takes ``hyperscale`` and
        any other the industry average, said in the notes.
    pue : float, optional
        Power usage effectiveness (>= 1) replacing the default.
    wue, ewif : Quantity, str or float, optional
        On-site and off-site water intensity [L/kWh] replacing the defaults.
    intensity : Quantity, str or float, optional
        Grid carbon intensity [gCO2e/kWh] replacing the dataset value.
    cfe : float, optional
        Share of electricity covered by carbon-free contracts, in [0, 1]; counts at
        zero in market-based CO2e.
    price : Quantity or str, optional
        Electricity price, e.g. ``"0.12 USD/kWh"``; gives ``cost`` in that currency.
    consumer : {"non-household", "household"}
        Price band used when the price comes from the dataset.
    hydro : {"include", "exclude"}
        Whether hydropower evaporation counts in the EWIF.
    strict_year : bool
        Raise instead of substituting the nearest year.
    boundary : str, optional
        What the energy includes (:data:`footprint.core.accounting.BOUNDARIES`):
        ``accelerators``, ``accelerators+facility``, ``servers`` or ``facility`` (the
        default: accelerators + host servers + facility overhead).
    marginal : bool or str, optional
        Basis of the grid intensity: ``None`` (the average intensity, for inventories) or
        a marginal factor, for decisions (what an added or moved load changes):
        ``"combined"`` (or ``True``: the IFI combined margin for electricity consumption)
        or ``"operating"`` (the IFI operating margin), 2021, by country
        (:mod:`footprint.places.marginal`; CC BY-SA 4.0 data). The factor is the site's
        intensity, labelled marginal in its note; a zone without one raises
        :class:`~footprint.places.marginal.NoMarginalFactorError`. Not with ``intensity``
        or ``cfe`` (no carbon-free share applies at the margin).
    water_scarcity : ScarcityTable, optional
        Water-scarcity factors (:func:`footprint.places.scarcity.read_water_scarcity`):
        adds ``water_scarcity`` [m3 world-eq], the water consumed weighted by the
        zone's factor (blank, with a note, where the table has none).
    """

    region: str | None = None
    year: int | None = None
    operator: str | None = None
    facility: str | None = None
    pue: Any = None
    wue: Any = None
    ewif: Any = None
    intensity: Any = None
    cfe: Any = None
    price: Any = None
    consumer: str = "non-household"
    hydro: str = "include"
    strict_year: bool = False
    boundary: str | None = None
    water_scarcity: ScarcityTable | None = None
    marginal: str | bool | None = None

    def __post_init__(self) -> None:
        if self.boundary is not None and (
            not isinstance(self.boundary, str) or self.boundary not in BOUNDARIES
        ):
            raise UnknownNameError(
                "boundary", str(self.boundary)[:60], list(BOUNDARIES), ", ".join(BOUNDARIES)
            )
        units.check_year(self.year, "year")
        if self.region is not None and (
            not isinstance(self.region, str) or not self.region.strip()
        ):
            raise InputError(
                f"region: expected a zone or cloud-region name such as FR or aws:us-east-1, "
                f"got {self.region!r}"[:200]
            )
        if self.operator is not None and (
            not isinstance(self.operator, str) or not self.operator.strip()
        ):
            raise InputError(
                f"operator: expected an operator name (industry-average, google, aws...), "
                f"got {self.operator!r}"
            )
        if self.facility is not None:
            check_facility(self.facility)
            if self.operator is not None:
                raise InputError("give either an operator or a facility class, not both")
        if self.hydro not in HYDRO_TREATMENTS:
            raise InputError(f"hydro: expected one of {HYDRO_TREATMENTS}, got {self.hydro!r}")
        if self.consumer not in CONSUMERS:
            raise InputError(f"consumer: expected one of {CONSUMERS}, got {self.consumer!r}")
        if self.water_scarcity is not None and not isinstance(self.water_scarcity, ScarcityTable):
            raise InputError(
                "water_scarcity: expected a table of read_water_scarcity(path), got "
                f"{type(self.water_scarcity).__name__}"
            )
        object.__setattr__(self, "marginal", check_margin(self.marginal))  # True: combined
        if self.marginal is not None and self.intensity is not None:
            raise InputError("intensity: give either an intensity or a marginal basis, not both")
        if self.marginal is not None and self.cfe is not None:
            raise InputError(
                "cfe: a carbon-free share is for market-based inventories, not the marginal "
                "basis; give either cfe or marginal"
            )
        if self.cfe is not None:
            units.check_magnitude(self.cfe, "cfe")
            if self.cfe > 1:
                raise InputError(f"cfe: expected a share in [0, 1], got {self.cfe}")

    def inputs(self) -> dict[str, str]:
        """The site's inputs as given, for echoing in results."""
        out = {}
        for key in (
            "region",
            "year",
            "operator",
            "facility",
            "pue",
            "wue",
            "ewif",
            "intensity",
            "cfe",
            "price",
            "boundary",
        ):
            value = getattr(self, key)
            if value is not None:
                out[key] = units.input_text(value)
        if self.hydro != "include":
            out["hydro"] = self.hydro
        if self.consumer != "non-household":
            out["consumer"] = self.consumer
        out.update(scarcity_inputs(self.water_scarcity))
        if self.marginal is not None:
            out["marginal"] = f"{self.marginal} margin (IFI)"
        return out


@dataclass(frozen=True)
class SiteFactors:
    """The factors of a site, and the notes explaining their choice."""

    zone: str
    intensity: Factor
    pue: Factor
    wue: Factor
    ewif: Factor
    cfe: Factor
    price: Factor | None
    notes: tuple[str, ...]
    location: Location | None = field(default=None, compare=False)
    boundary: str = DEFAULT_BOUNDARY
    water_scarcity: Factor | None = None

    @property
    def host_included(self) -> bool:
        """Whether the boundary counts the host servers' share."""
        return BOUNDARIES[self.boundary][0]

    def as_dict(self) -> dict[str, Factor]:
        out = {
            "intensity": self.intensity,
            "cfe": self.cfe,
            "pue": self.pue,
            "wue": self.wue,
            "ewif": self.ewif,
        }
        if self.price is not None:
            out["price"] = self.price
        if self.water_scarcity is not None:
            out["water_scarcity"] = self.water_scarcity
        return out


def _intensity(location: Location, site: Site) -> Factor:
    """Grid intensity of ``location`` in ``site.year``, with the reason for the choice.

    Candidates, finest first: the operator's per-region factor (cloud regions), the
    balancing authority, the zone and its parents up to the country. The first
    candidate with the asked year wins, except that a sub-national zone with data within
    :data:`OWN_DATA_YEARS` of it keeps its own nearest year; with no year asked, the newest
    year of an operator-published series, else the newest year of the finest zone with data. When no
    candidate has the year, the first candidate with data gives its nearest year
    (``strict_year`` raises instead). Every choice is written in the note.
    """
    candidates: list[tuple[str, dict[int, dict[str, str]]]] = []
    if location.is_cloud:
        candidates.append((location.id, cloud_intensity_series(location.id)))
    candidates += [(z, intensity_series(z)) for z in location.zones()]
    with_data = [(label, series) for label, series in candidates if series]
    if not with_data:
        tried = ", ".join(label for label, _ in candidates)
        raise MissingDataError(
            f"grid intensity: no data for {location.id} ({tried}); give --intensity"
        )
    target = site.year
    if target is None:
        operator_series = [
            s
            for label, s in with_data
            if label == location.id and any(r["dataset"].startswith("google") for r in s.values())
        ]
        zone_series = [
            s for label, s in with_data if not (location.is_cloud and label == location.id)
        ]
        if operator_series:
            target = max(operator_series[0])
        else:  # the finest zone's newest year, so a state or BA keeps its own data
            target = max(zone_series[0] if zone_series else with_data[0][1])
    exact = [(label, s) for label, s in with_data if target in s]
    if exact and _own_data_first(location, candidates, with_data, exact[0][0], target):
        exact = []  # a sub-national zone keeps its own data (nearest year), noted below
    if exact:
        label, series = exact[0]
        used, note = target, ""
        if site.year is None:
            note = f"no year given: newest year {target} used"
    elif site.strict_year:
        tried = "; ".join(f"{label}: {min(s)}-{max(s)}" for label, s in with_data)
        raise MissingDataError(f"grid intensity: no data for {target} ({tried})")
    else:
        label, series = with_data[0]
        used, note = choose_year(list(series), target, f"grid intensity of {label}")
    passed = [c for c, _ in candidates[: [c for c, _ in candidates].index(label)]]
    if passed:
        why = "no data" if not exact else f"no {target} data"
        if location.is_cloud and passed[0] == location.id:
            # a cloud region without its own factor for the year: say whose zone, dataset
            # and year stand in for it
            parts = [_no_cloud_factor(location.id, candidates[0][1], target)]
            parts += [f"{why} for {', '.join(passed[1:])}"] if passed[1:] else []
            parts.append(f"grid zone {label} used ({series[used].get('dataset', '')}, {used})")
        else:
            parts = [f"{why} for {', '.join(passed)}; {label} used"]
        note = "; ".join(filter(None, [*parts, note]))
    factor = intensity_factor(series[used], label, used, note)
    if location.is_cloud and label == location.id:
        who = "operator-published" if series[used]["dataset"].startswith("google") else "per-region"
        factor = factor.with_note(f"{who} factor for {location.id} ({series[used]['dataset']})")
    return factor


def _no_cloud_factor(region: str, own: dict[int, dict[str, str]], target: int) -> str:
    """Why a cloud region's own per-region factors do not give ``target``'s intensity."""
    if not own:
        return f"no per-region factor published for {region}"
    datasets = ", ".join(sorted({row["dataset"] for row in own.values()}))
    years = f"{min(own)}-{max(own)}" if len(own) > 1 else f"{min(own)}"
    return f"no {target} per-region factor for {region} ({datasets}: {years})"


def _marginal_intensity(location: Location, site: Site) -> Factor:
    """The marginal factor of ``location`` (:func:`footprint.places.marginal.marginal_factor`),
    or a blank one that :func:`site_factors` turns into the one-line error."""
    try:
        return marginal_factor(
            location.zones(),
            str(site.marginal),
            site.year,
            strict_year=site.strict_year,
            region=location.id,
        )
    except NoMarginalFactorError as exc:
        return blank_marginal(exc)


#: How far from the asked year a sub-national zone's own data may be before a coarser
#: zone's data for that year is taken instead.
OWN_DATA_YEARS = 2


def _own_data_first(
    location: Location,
    candidates: list[tuple[str, dict[int, dict[str, str]]]],
    with_data: list[tuple[str, dict[int, dict[str, str]]]],
    exact_label: str,
    target: int,
) -> bool:
    """Whether a sub-national zone (a US state, a province...) with data within
    :data:`OWN_DATA_YEARS` of ``target`` should give its nearest year rather than a coarser
    zone (the country's average) its exact year: a state never silently takes the national
    average."""
    zones = location.zones()
    own = next(((lab, s) for lab, s in with_data if lab in zones), None)
    if own is None or own[0] == zones[-1]:  # no zone data, or the finest is the country
        return False
    order = [lab for lab, _ in candidates]
    if order.index(exact_label) <= order.index(own[0]):  # the exact year is as fine or finer
        return False
    return min(abs(year - target) for year in own[1]) <= OWN_DATA_YEARS


def _cfe(location: Location, site: Site) -> Factor:
    if site.cfe is not None:
        # + 0.0 turns a given -0 into 0 (no negative zero in results)
        return user_factor("cfe", units.Q_(float(site.cfe) + 0.0, "dimensionless"), "cfe")
    if location.is_cloud:
        series = {y: r for y, r in cloud_factor_series(location.id).items() if r.get("cfe_share")}
        if series:
            what = f"carbon-free share of {location.id}"
            try:
                used, note = choose_year(list(series), site.year, what, site.strict_year)
            except MissingDataError as exc:
                raise MissingDataError(f"{exc}; give --cfe") from None
            row = series[used]
            return Factor(
                name="cfe",
                value=units.Q_(float(row["cfe_share"]), "dimensionless"),
                origin="dataset",
                source=row.get("source", ""),
                dataset=f"cloud_region_factors.csv:{row['dataset']}",
                zone=location.id,
                year=used,
                note="; ".join(
                    filter(
                        None,
                        [
                            "operator-published hourly carbon-free energy share, counted at zero "
                            "in market-based CO2e",
                            note,
                        ],
                    )
                ),
            )
    return Factor(
        name="cfe",
        value=units.Q_(0.0, "dimensionless"),
        origin="default",
        source="no contractual instruments known",
        note="no carbon-free share known (give --cfe): market-based CO2e equals location-based; "
        "no residual-mix factors are shipped",
    )


@cache
def _price_index() -> dict[tuple[str, str], dict[int, dict[str, str]]]:
    index: dict[tuple[str, str], dict[int, dict[str, str]]] = {}
    if not (datasets_dir() / "electricity_prices.csv").is_file():
        return index
    for row in read_records("electricity_prices"):
        index.setdefault((row["zone"], row["consumer"]), {})[int(row["year"])] = row
    return index


def _price(location: Location, site: Site, notes: list[str]) -> Factor | None:
    if site.price is not None:
        return user_factor("price", units.parse_price(site.price, "price"), "price")
    for zone in location.zones():
        series = _price_index().get((zone, site.consumer))
        if not series:
            continue
        what = f"electricity price of {zone}"
        try:
            used, note = choose_year(list(series), site.year, what, site.strict_year)
        except MissingDataError as exc:
            raise MissingDataError(f"{exc}; give --price") from None
        row = series[used]
        return Factor(
            name="price",
            value=units.Q_(float(row["price_per_kwh"]), f"{row['currency']}/kWh"),
            origin="dataset",
            source=row.get("source", ""),
            dataset=f"electricity_prices.csv:{row.get('dataset', '')}",
            zone=zone,
            year=used,
            note="; ".join(filter(None, [f"{site.consumer} price, {row.get('taxes', '')}", note])),
        )
    notes.append(f"no open electricity price data for {location.id}: give --price for a cost")
    return None


def _ewif_with_fallback(location: Location, site: Site) -> Factor:
    """EWIF of the location's zone, or of its parent zones when it has no mix (noted); with
    no mix in the chain, a NaN EWIF (noted) that leaves the off-site water blank."""
    chain = location.zones()
    tried = []
    for code in chain:
        if not mix_years(code):
            tried.append(code)
            continue
        # a zone with a mix but not the asked year: the nearest year, or strict_year's error
        factor = ewif(code, site.year, hydro=site.hydro, strict_year=site.strict_year)  # type: ignore[arg-type]
        if tried:
            factor = factor.with_note(
                f"no generation mix for {', '.join(tried)}; EWIF of parent zone {code} used"
            )
        return factor
    # CO2e needs no mix: compute it, and leave the off-site (and so the total) water blank
    return Factor(
        name="ewif",
        value=units.Q_(math.nan, "L/kWh"),
        origin="default",
        source="no generation mix: no EWIF",
        zone=chain[0],
        note=f"no generation mix for {' or '.join(chain)}: off-site and total water left blank"
        " (give --ewif in L/kWh)",
    )


def _facility_operator(
    site: Site, location: Location, cls: str | None, notes: list[str]
) -> str | None:
    """Whose PUE and WUE apply: the operator named (or the cloud region's), the facility
    class given, the class ``cls`` of a large workload (:attr:`Scale.facility_class`),
    else ``None`` (industry average)."""
    if site.operator is not None:
        find_operator(site.operator)  # an unknown name fails even when PUE and WUE are given
        return site.operator
    if location.operator:
        return location.operator
    if site.facility is not None:
        return site.facility
    if cls is not None and (site.pue is None or site.wue is None):
        notes.append(
            f"facility: {cls} class (PUE and WUE priors), as a workload of at least "
            f"{LARGE_ACCELERATOR_HOURS:,.0f} accelerator-hours or {LARGE_ACCELERATORS} "
            "accelerators runs in a large facility; no operator named "
            "(--facility or --operator overrides)"
        )
    return cls


def site_factors(site: Site, scale: Scale | None = None) -> SiteFactors:
    """Resolve ``site`` into the factors an estimate uses, with provenance and notes.

    ``scale`` is the size of the workload: with no operator or facility named, a large one
    takes the ``hyperscale`` facility class (:attr:`Scale.facility_class`).

    The result is immutable and depends only on :func:`site_key`; a site whose overrides
    are plain text or numbers is resolved once per key and process (a thread-safe cache),
    any other (a Quantity given as an override) every call.
    """
    cls = None if scale is None else scale.facility_class
    key = site_key(site, cls)
    sf = _resolve(site, cls) if key is None else _cached_site_factors(*key)
    if site.marginal is not None:  # a zone without a marginal factor: one line
        require_marginal(sf)
    if site.intensity is not None:  # every call warns, the cached ones too
        plausibility.warn_notes(sf.notes)
    return sf


#: Types of the override fields of a :class:`Site` whose factors may be cached: immutable.
_PLAIN = (str, int, float, type(None))


def site_key(site: Site, facility_class: str | None = None) -> tuple[Any, ...] | None:
    """The key :func:`site_factors` caches ``site`` under for a workload of facility class
    ``facility_class`` (``None``: not cached, an override is no plain text or number).

    The datasets directory is part of the key, so pointing ``FOOTPRINT_DATASETS_DIR``
    elsewhere (and clearing the loader's caches) never returns factors of other data.
    """
    values = [getattr(site, f.name) for f in fields(site)]
    if not all(isinstance(v, (*_PLAIN, ScarcityTable)) for v in values):  # immutable
        return None
    # the texts tell apart what == does not (1 and 1.0, 0.0 and -0.0), which may print apart
    return (site, facility_class, tuple(map(repr, values)), datasets_dir())


@lru_cache(maxsize=1024)
def _cached_site_factors(
    site: Site, facility_class: str | None, texts: tuple[str, ...], root: Any
) -> SiteFactors:
    return _resolve(site, facility_class)


def _resolve(site: Site, facility_class: str | None) -> SiteFactors:
    notes: list[str] = []
    if site.region is None:
        location = resolve_region(DEFAULT_ZONE)
        notes.append("no region given: World average grid and water factors used")
    else:
        location = resolve_region(site.region)

    if site.intensity is not None:
        q = units.parse_quantity(
            site.intensity, "intensity", "gCO2e/kWh", "intensity", mass_means_co2e=True
        )
        intensity = user_factor("intensity", q.to("gCO2e/kWh"), "intensity")
        warned = plausibility.check_intensity(q, "intensity", highest_intensity())
        notes += [warned] if warned else []
    elif site.marginal is not None:
        intensity = _marginal_intensity(location, site)
    else:
        intensity = _intensity(location, site)

    operator = _facility_operator(site, location, facility_class, notes)
    # Each facility factor is looked up only when the user did not give it, so that
    # strict_year does not fail on data the estimate does not use.
    if site.pue is not None:
        q = units.parse_quantity(site.pue, "dimensionless", "dimensionless", "pue")
        if q.m_as("") < 1:
            raise InputError(f"pue: power usage effectiveness is at least 1, got {q.m_as(''):g}")
        pue = user_factor("pue", q.to("dimensionless"), "pue")
    else:
        pue = facility_factor("pue", operator, site.year, strict_year=site.strict_year)
    if site.wue is not None:
        q = units.parse_quantity(site.wue, "water_intensity", "L/kWh", "wue")
        wue = user_factor("wue", q.to("L/kWh"), "wue")
    else:
        wue = facility_factor("wue", operator, site.year, strict_year=site.strict_year)
    if site.ewif is not None:
        q = units.parse_quantity(site.ewif, "water_intensity", "L/kWh", "ewif")
        ewif_factor = user_factor("ewif", q.to("L/kWh"), "ewif")
    else:
        ewif_factor = _ewif_with_fallback(location, site)
    cfe = marginal_cfe() if site.marginal is not None else _cfe(location, site)
    price = _price(location, site, notes)

    boundary = site.boundary or DEFAULT_BOUNDARY
    host, facility, what = BOUNDARIES[boundary]
    if not facility:  # no facility overhead: PUE 1, no on-site (cooling) water
        pue = _outside_boundary("pue", "dimensionless", boundary)
        wue = _outside_boundary("wue", "L/kWh", boundary)
    for factor in (intensity, cfe, pue, wue, ewif_factor, price):
        if factor is not None and factor.note:
            notes.append(
                f"{factor.name}: {factor.note}" if factor.origin != "user" else factor.note
            )
    notes.append(f"boundary ({boundary}): {what}")
    zone = location.id if location.is_cloud else location.zone
    scarcity = None
    if site.water_scarcity is not None:  # the user's table, finest zone first
        scarcity = site.water_scarcity.factor(location.zones())
        if scarcity.note:
            notes.append(f"water_scarcity: {scarcity.note}")
    return SiteFactors(
        zone,
        intensity,
        pue,
        wue,
        ewif_factor,
        cfe,
        price,
        tuple(notes),
        location,
        boundary,
        scarcity,
    )


def _outside_boundary(name: str, unit: str, boundary: str) -> Factor:
    """A facility factor the boundary leaves out: PUE 1 (no overhead), WUE 0."""
    value = 1.0 if name == "pue" else 0.0
    return Factor(
        name=name,
        value=units.Q_(value, unit),
        origin="derived",
        source=f"boundary {boundary}: facility overhead not counted",
    )


def region_table(
    search: str | None = None,
    kind: str | None = None,
    provider: str | None = None,
    country: str | None = None,
    year: int | None = None,
) -> Any:
    """Regions with the factors an estimate would use there (newest year by default).

    Columns: ``region``, ``name``, ``kind``, ``zone`` (grid zone), ``year`` (of the
    intensity), ``intensity_g_per_kwh``, ``cfe_share``, ``ewif_l_per_kwh``, ``pue``,
    ``wue_l_per_kwh``, ``intensity_dataset``. A region without a generation mix in its
    zone chain has no ``ewif_l_per_kwh`` (an estimate there needs ``ewif``); one without
    an intensity has only its name.
    """
    import pandas as pd

    rows = []
    for loc in select_locations(search, kind, provider, country):
        row: dict[str, Any] = {
            "region": loc.id,
            "name": loc.name,
            "kind": loc.kind,
            "zone": loc.zone,
        }
        site = Site(region=loc.id, year=year, price="0 USD/kWh")
        sf, has_ewif = None, True
        try:
            sf = site_factors(site)
        except MissingDataError:
            # a zone with an intensity but no generation mix (Bermuda): show what there is
            with contextlib.suppress(MissingDataError):
                sf, has_ewif = site_factors(replace(site, ewif="0 L/kWh")), False
        if sf is not None:
            row.update(
                {
                    "year": sf.intensity.year,
                    "intensity_g_per_kwh": round(sf.intensity.value.m, 1),
                    "cfe_share": sf.cfe.value.m if sf.cfe.origin != "default" else None,
                    "ewif_l_per_kwh": round(sf.ewif.value.m, 3) if has_ewif else None,
                    "pue": sf.pue.value.m,
                    "wue_l_per_kwh": sf.wue.value.m,
                    "intensity_dataset": (sf.intensity.dataset or "").split(":")[-1],
                }
            )
        rows.append(row)
    return pd.DataFrame(rows)
