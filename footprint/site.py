"""Where a workload runs: region, year, facility, and any factor the user fixes.

A :class:`Site` groups the location inputs of an estimate. :func:`site_factors`
turns it into the factors an estimate uses (intensity, PUE, WUE, EWIF), each a
:class:`~footprint.provenance.Factor` with its source, zone and year; values
the user gives replace the defaults and are marked ``origin="user"``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from footprint import units
from footprint.errors import InputError, MissingDataError
from footprint.facility import facility_factors
from footprint.grid import DEFAULT_ZONE, all_zones, find_zone, grid_intensity
from footprint.provenance import Factor, user_factor
from footprint.water import HYDRO_TREATMENTS, ewif

__all__ = ["Site", "site_factors", "SiteFactors"]


@dataclass(frozen=True)
class Site:
    """Location and facility inputs of an estimate.

    Parameters
    ----------
    region : str, optional
        Zone name or code (country, aggregate); ``None`` uses the World average.
    year : int, optional
        Year of the grid, mix and facility data; ``None`` takes the newest.
    operator : str, optional
        Data-centre operator for PUE/WUE defaults (``industry-average`` if none).
    pue : float, optional
        Power usage effectiveness (>= 1) replacing the default.
    wue, ewif : Quantity, str or float, optional
        On-site and off-site water intensity [L/kWh] replacing the defaults.
    intensity : Quantity, str or float, optional
        Grid carbon intensity [gCO2e/kWh] replacing the dataset value.
    hydro : {"include", "exclude"}
        Whether hydropower evaporation counts in the EWIF.
    strict_year : bool
        Raise instead of substituting the nearest year.
    """

    region: str | None = None
    year: int | None = None
    operator: str | None = None
    pue: Any = None
    wue: Any = None
    ewif: Any = None
    intensity: Any = None
    hydro: str = "include"
    strict_year: bool = False

    def __post_init__(self) -> None:
        if self.year is not None and (
            isinstance(self.year, bool)
            or int(self.year) != self.year
            or not 1990 <= self.year <= 2100
        ):
            raise InputError(
                f"year: expected a calendar year between 1990 and 2100, got {self.year}"
            )
        if self.hydro not in HYDRO_TREATMENTS:
            raise InputError(f"hydro: expected one of {HYDRO_TREATMENTS}, got {self.hydro!r}")

    def inputs(self) -> dict[str, str]:
        """The site's inputs as given, for echoing in results."""
        out = {}
        for key in ("region", "year", "operator", "pue", "wue", "ewif", "intensity"):
            value = getattr(self, key)
            if value is not None:
                out[key] = str(value)
        if self.hydro != "include":
            out["hydro"] = self.hydro
        return out


@dataclass(frozen=True)
class SiteFactors:
    """The factors of a site, and the notes explaining their choice."""

    zone: str
    intensity: Factor
    pue: Factor
    wue: Factor
    ewif: Factor
    notes: tuple[str, ...]

    def as_dict(self) -> dict[str, Factor]:
        return {"intensity": self.intensity, "pue": self.pue, "wue": self.wue, "ewif": self.ewif}


def _ewif_with_fallback(zone: str, site: Site) -> Factor:
    """EWIF of ``zone``, or of its parent zones when it has no generation mix (noted)."""
    tried = []
    code: str | None = zone
    while code:
        try:
            factor = ewif(code, site.year, hydro=site.hydro, strict_year=site.strict_year)  # type: ignore[arg-type]
        except MissingDataError:
            tried.append(code)
            code = all_zones()[code].parent if code in all_zones() else None
            continue
        if tried:
            note = f"no generation mix for {', '.join(tried)}; EWIF of parent zone {code} used"
            factor = factor.with_note(note)
        return factor
    raise MissingDataError(
        f"EWIF: no generation mix for {zone} or its parent zones; give --ewif (L/kWh)"
    )


def site_factors(site: Site) -> SiteFactors:
    """Resolve ``site`` into the factors an estimate uses, with provenance and notes."""
    notes: list[str] = []
    if site.region is None:
        zone = DEFAULT_ZONE
        notes.append("no region given: World average grid and water factors used")
    else:
        zone = find_zone(site.region).code

    if site.intensity is not None:
        q = units.parse_quantity(
            site.intensity, "intensity", "gCO2e/kWh", "intensity", mass_means_co2e=True
        )
        intensity = user_factor("intensity", q.to("gCO2e/kWh"), "intensity")
    else:
        intensity = grid_intensity(zone, site.year, strict_year=site.strict_year)

    facility = facility_factors(site.operator, site.year, strict_year=site.strict_year)
    if site.pue is not None:
        q = units.parse_quantity(site.pue, "dimensionless", "dimensionless", "pue")
        if q.m_as("") < 1:
            raise InputError(f"pue: power usage effectiveness is at least 1, got {q.m_as(''):g}")
        pue = user_factor("pue", q.to("dimensionless"), "pue")
    else:
        pue = facility.pue
    if site.wue is not None:
        q = units.parse_quantity(site.wue, "water_intensity", "L/kWh", "wue")
        wue = user_factor("wue", q.to("L/kWh"), "wue")
    else:
        wue = facility.wue
    if site.ewif is not None:
        q = units.parse_quantity(site.ewif, "water_intensity", "L/kWh", "ewif")
        ewif_factor = user_factor("ewif", q.to("L/kWh"), "ewif")
    else:
        ewif_factor = _ewif_with_fallback(zone, site)

    for factor in (intensity, pue, wue, ewif_factor):
        if factor.note:
            notes.append(factor.note)
    return SiteFactors(zone, intensity, pue, wue, ewif_factor, tuple(notes))
