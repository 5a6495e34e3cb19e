"""Data-centre factors: power usage effectiveness (PUE) and on-site water (WUE).

Data: ``datasets/datacenters.csv``, one row per operator and year with source.
``industry-average`` (Uptime Institute's global survey for PUE, and a published
industry WUE) is the default for a facility nobody names.

PUE multiplies IT energy into facility energy. WUE (L/kWh) is on-site water
consumed (mostly cooling evaporation) per kWh of IT energy, following the Green
Grid definition that Li et al. 2023 use.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from footprint.catalogues.hardware import normalise_name
from footprint.core import units
from footprint.core.errors import InputError, UnknownNameError
from footprint.core.provenance import Factor
from footprint.data.loader import choose_year, optional_float, read_records

__all__ = [
    "DEFAULT_OPERATOR",
    "FACILITY_CLASSES",
    "LARGE_ACCELERATOR_HOURS",
    "LARGE_ACCELERATORS",
    "Scale",
    "check_facility",
    "operators",
    "find_operator",
    "facility_factor",
    "facility_factors",
    "FacilityFactors",
]

#: Operator whose factors apply when neither the user nor the region names one.
DEFAULT_OPERATOR = "industry-average"

#: Facility classes: rows of ``datacenters.csv`` that are priors for a kind of facility
#: rather than one operator's fleet (``--facility``).
FACILITY_CLASSES = ("hyperscale", "colocation", "enterprise", "industry-average")

#: A workload this large runs in a large facility (the ``hyperscale`` class) when no
#: operator or facility is named: 100,000 accelerator-hours is a 512-GPU cluster for about
#: 8 days, and 256 accelerators are 32 eight-GPU servers drawing 200-300 kW, beyond the
#: server rooms that the industry-average survey PUE describes. Documented assumption.
LARGE_ACCELERATOR_HOURS = 100_000.0
LARGE_ACCELERATORS = 256


@dataclass(frozen=True)
class Scale:
    """How big a workload is: accelerator-hours [h] and, when known, accelerators at once."""

    accelerator_hours: float
    accelerators: float | None = None

    @property
    def facility_class(self) -> str | None:
        """``"hyperscale"`` for a workload at or above the large-facility thresholds."""
        many = self.accelerators is not None and self.accelerators >= LARGE_ACCELERATORS
        if many or self.accelerator_hours >= LARGE_ACCELERATOR_HOURS:
            return "hyperscale"
        return None


def check_facility(name: object) -> str:
    """``name`` if it is a facility class (:data:`FACILITY_CLASSES`)."""
    if not isinstance(name, str) or name not in FACILITY_CLASSES:
        raise UnknownNameError(
            "facility", str(name)[:60], list(FACILITY_CLASSES), ", ".join(FACILITY_CLASSES)
        )
    return name


@dataclass(frozen=True)
class FacilityFactors:
    """PUE and on-site WUE of one facility, each a :class:`Factor`."""

    pue: Factor
    wue: Factor


@cache
def _index() -> dict[str, dict[int, dict[str, str]]]:
    index: dict[str, dict[int, dict[str, str]]] = {}
    for row in read_records("datacenters"):
        index.setdefault(row["operator"], {})[int(row["year"])] = row
    return index


def operators() -> list[str]:
    """Operators with facility factors."""
    return sorted(_index())


def find_operator(name: str) -> str:
    """The canonical name of operator ``name`` (case, spaces and hyphens ignored).

    Raises
    ------
    UnknownNameError
        With close matches among the operators of ``datacenters.csv``.
    """
    keys = {normalise_name(op): op for op in _index()}
    hit = keys.get(normalise_name(name, "operator"))
    if hit is None:
        raise UnknownNameError("operator", name, list(_index()))
    return hit


def _factor(
    operator: str, year: int | None, column: str, name: str, unit: str, strict: bool
) -> Factor:
    series = {
        y: r for y, r in _index()[operator].items() if optional_float(r.get(column, "")) is not None
    }
    if not series:  # e.g. an operator publishing PUE but no WUE: the industry average stands in
        fallback = _factor(DEFAULT_OPERATOR, year, column, name, unit, strict)
        note = f"{operator} publishes no {name.upper()}; {DEFAULT_OPERATOR} value used"
        return fallback.with_note(note)
    used, note = choose_year(list(series), year, f"{name.upper()} of {operator}", strict)
    row = series[used]
    extra: dict[str, object] = {"operator": operator, "scope": row.get("scope", "")}
    low_col, high_col = (
        ("pue_low", "pue_high") if name == "pue" else ("wue_low_l_per_kwh", "wue_high_l_per_kwh")
    )
    low = optional_float(row.get(low_col, ""))
    high = optional_float(row.get(high_col, ""))
    if low is not None and high is not None:
        extra.update({"low": low, "high": high})
    return Factor(
        name=name,
        value=units.Q_(float(row[column]), unit),
        origin="dataset",
        source=row.get("source", "") + (f" <{row['source_url']}>" if row.get("source_url") else ""),
        dataset="datacenters.csv",
        year=used,
        note=note,
        extra=extra,
    )


def facility_factors(
    operator: str | None = None, year: int | None = None, *, strict_year: bool = False
) -> FacilityFactors:
    """PUE and WUE of ``operator``'s facilities in ``year`` (nearest year noted)."""
    return FacilityFactors(
        pue=facility_factor("pue", operator, year, strict_year=strict_year),
        wue=facility_factor("wue", operator, year, strict_year=strict_year),
    )


#: Column and unit of each facility factor in ``datacenters.csv``.
_COLUMNS = {"pue": ("pue", "dimensionless"), "wue": ("wue_l_per_kwh", "L/kWh")}


def facility_factor(
    name: str, operator: str | None = None, year: int | None = None, *, strict_year: bool = False
) -> Factor:
    """One facility factor, ``"pue"`` [1] or ``"wue"`` [L/kWh], of ``operator`` in ``year``.

    Looking up only the factor an estimate needs keeps ``strict_year`` from failing on
    a factor the user gave (``--pue`` with ``--strict-year`` needs no PUE data).
    """
    if name not in _COLUMNS:
        raise InputError(f"facility factor: expected one of {tuple(_COLUMNS)}, got {name!r}")
    column, unit = _COLUMNS[name]
    year = units.check_year(year)
    op = find_operator(DEFAULT_OPERATOR if operator is None else operator)
    return _factor(op, year, column, name, unit, strict_year)
