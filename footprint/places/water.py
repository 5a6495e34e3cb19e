"""Water of electricity generation (off-site, scope 2) and its intensity (EWIF).

The electricity water intensity factor (EWIF, L/kWh) of a zone-year is the
generation-weighted mean of the water consumed per kWh by each technology::

    EWIF = sum_t share_t x consumption_t

with shares from ``datasets/generation_mix.csv`` (Ember via Our World in Data)
and consumption factors from ``datasets/water_factors.csv`` (Macknick et al.
2012, NREL/TP-6A20-50900, via GCAM). Following Li et al. 2023 ("Making AI Less
Thirsty", arXiv:2304.03271), off-site water = facility energy x EWIF and on-site
water = IT energy x WUE; both are consumption, not withdrawal.

Hydropower evaporation is large and contested (Macknick gives a single
17 L/kWh value); ``hydro="exclude"`` leaves it out, ``"include"`` (default, as
Li et al. and WRI's factors do) counts it.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache
from typing import Literal

from footprint.core import units
from footprint.core.errors import InputError, MissingDataError
from footprint.core.provenance import Factor
from footprint.data.loader import choose_year, datasets_dir, read_records
from footprint.data.schemas import TECHNOLOGIES

__all__ = ["TECHNOLOGIES", "HYDRO_TREATMENTS", "technology_factors", "ewif_from_mix", "ewif"]

HydroTreatment = Literal["include", "exclude"]
HYDRO_TREATMENTS: tuple[str, ...] = ("include", "exclude")
Bound = Literal["central", "low", "high"]

_COLUMN = {
    "central": "consumption_l_per_kwh",
    "low": "consumption_low_l_per_kwh",
    "high": "consumption_high_l_per_kwh",
}


@cache
def technology_factors(bound: Bound = "central") -> dict[str, float]:
    """Water consumption per technology in L/kWh (``central``, ``low`` or ``high``)."""
    rows = {r["technology"]: r for r in read_records("water_factors")}
    missing = set(TECHNOLOGIES) - set(rows)
    if missing:
        raise MissingDataError(f"water_factors.csv lacks technologies {sorted(missing)}")
    return {t: float(rows[t][_COLUMN[bound]]) for t in TECHNOLOGIES}


def ewif_from_mix(
    shares: Mapping[str, float],
    factors: Mapping[str, float] | None = None,
    hydro: HydroTreatment = "include",
) -> float:
    """EWIF in L/kWh from generation shares (fractions) and per-technology factors.

    Shares are normalised to sum to one over the known technologies.
    """
    if hydro not in HYDRO_TREATMENTS:
        raise InputError(f"hydro: expected one of {HYDRO_TREATMENTS}, got {hydro!r}")
    factors = technology_factors() if factors is None else factors
    total = sum(float(shares.get(t, 0.0)) for t in TECHNOLOGIES)
    if total <= 0:
        raise MissingDataError("generation mix has no generation")
    weighted = 0.0
    for tech in TECHNOLOGIES:
        if tech == "hydro" and hydro == "exclude":
            continue
        weighted += float(shares.get(tech, 0.0)) * factors[tech]
    return weighted / total


#: Generation-mix tables; a zone takes its series from the first table that has it.
MIX_TABLES = ("generation_mix", "generation_mix_subnational")


@cache
def _mix_index() -> dict[str, dict[int, dict[str, str]]]:
    index: dict[str, dict[int, dict[str, str]]] = {}
    for table in MIX_TABLES:
        if not (datasets_dir() / f"{table}.csv").is_file():
            continue
        of_table: dict[str, dict[int, dict[str, str]]] = {}
        for row in read_records(table):
            of_table.setdefault(row["zone"], {})[int(row["year"])] = {**row, "table": table}
        for zone, series in of_table.items():
            index.setdefault(zone, series)
    return index


def mix_years(zone: str) -> list[int]:
    """Years with a generation mix for ``zone``, ascending."""
    return sorted(_mix_index().get(zone, {}))


def generation_mix(zone: str, year: int) -> dict[str, float]:
    """Shares (fractions) of each technology in ``zone``'s generation in ``year``."""
    row = _mix_index()[zone][year]
    return {t: float(row[f"{t}_share"]) for t in TECHNOLOGIES}


def ewif(
    zone: str,
    year: int | None = None,
    *,
    hydro: HydroTreatment = "include",
    strict_year: bool = False,
    bound: Bound = "central",
) -> Factor:
    """Off-site water intensity of electricity (EWIF) for ``zone`` and ``year``.

    Returns
    -------
    Factor
        ``ewif`` in L/kWh, computed from the zone's generation mix of the year
        (nearest year with a note when missing) and Macknick's factors.
    """
    year = units.check_year(year)
    if not isinstance(zone, str):
        raise InputError(f"zone: expected a zone code such as FR, got {zone!r}"[:200])
    series = _mix_index().get(zone)
    if not series:
        raise MissingDataError(f"EWIF: no generation mix for zone {zone!r}")
    used, note = choose_year(list(series), year, f"generation mix of {zone}", strict_year)
    row = series[used]
    value = ewif_from_mix(generation_mix(zone, used), technology_factors(bound), hydro)
    wf_source = read_records("water_factors")[0].get("source", "")
    return Factor(
        name="ewif",
        value=units.Q_(value, "L/kWh"),
        origin="derived",
        source=f"mix: {row.get('source', '')}; water per technology: {wf_source}",
        dataset=f"{row['table']}.csv:{row.get('dataset', '')} x water_factors.csv",
        zone=zone,
        year=used,
        note=note,
        extra={"hydro": hydro},
    )
