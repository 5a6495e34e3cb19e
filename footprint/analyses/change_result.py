"""The result of :func:`footprint.analyses.change.decompose_change` and its JSON contract.

Every CO2e is a Quantity of the one registry in the result's unit (tCO2e, MtCO2e from a
million tonnes up); :meth:`ChangeResult.to_dict` gives tCO2e and MWh for scripts.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from footprint.analyses.change_inputs import Figure, YearFigures
from footprint.core import units

__all__ = [
    "METHOD",
    "ChangeResult",
    "Effect",
    "PeriodChange",
    "RegionFactors",
    "YearTotal",
]

METHOD = (
    "LMDI-I, additive (Ang 2004, Energy Policy 32:1131-1139): effect of x = "
    "sum over regions of L(C_T, C_0) * ln(x_T / x_0), L the logarithmic mean; the effects add "
    "up to the change with no residual. Identity per region: C = A x S x PUE x K x I "
    "(IT electricity, region share, PUE, contracts: 1 - CFE or market/grid factor, grid "
    "intensity); other scopes as their own effects."
)


@dataclass(frozen=True)
class Effect:
    """One effect of a period: its key, label, value (CO2e) and share of the change (%)."""

    key: str
    label: str
    value: Any
    share: float | None


@dataclass(frozen=True)
class PeriodChange:
    """The change from ``start`` to ``end`` and its effects (they add up to ``change``)."""

    start: int
    end: int
    total_start: Any
    total_end: Any
    change: Any
    percent: float | None
    effects: tuple[Effect, ...]
    by_region: dict[str, dict[str, Any]]


@dataclass(frozen=True)
class YearTotal:
    """A year's emissions: electricity (from the identity), other scopes, total, reported."""

    year: int
    electricity: Any
    other: tuple[tuple[str, Any], ...]
    total: Any
    reported: Figure | None


@dataclass(frozen=True)
class RegionFactors:
    """The identity's factors of one region in one year (``None``: undefined, no electricity)."""

    year: int
    region: str
    it_electricity: Any
    share: float
    pue: float | None
    contracts: float | None
    grid: Any
    emissions: Any


@dataclass(frozen=True)
class ChangeResult:
    """A decomposition: the periods, the overall change, the totals, inputs and notes."""

    organisation: str
    description: str
    unit: str
    years: tuple[YearFigures, ...]
    totals: tuple[YearTotal, ...]
    factors: tuple[RegionFactors, ...]
    periods: tuple[PeriodChange, ...]
    overall: PeriodChange
    notes: tuple[str, ...]

    def figure_rows(self) -> list[tuple[int, str, str, Figure]]:
        """Every input figure: ``(year, region or "", key, figure)``, in the file's order."""
        rows: list[tuple[int, str, str, Figure]] = []
        for y in self.years:
            if y.activity is not None:
                rows.append((y.year, "", "activity", y.activity))
            for region in y.regions:
                rows += [(y.year, region.name, k, f) for k, f in region.figures()]
            rows += [(y.year, "", f"other.{n}", f) for n, f in y.other]
            if y.reported_total is not None:
                rows.append((y.year, "", "reported_total", y.reported_total))
        return rows

    def to_dict(self) -> dict[str, Any]:
        """The JSON contract of ``footprint change``: CO2e in tCO2e, energy in MWh."""
        return {
            "organisation": self.organisation,
            "description": self.description,
            "method": METHOD,
            "unit": "tCO2e",
            "years": [y.year for y in self.years],
            "overall": _period_dict(self.overall),
            "periods": [_period_dict(p) for p in self.periods],
            "totals": [
                {
                    "year": t.year,
                    "electricity": _t(t.electricity),
                    "other": {n: _t(v) for n, v in t.other},
                    "total": _t(t.total),
                    "reported": None if t.reported is None else _figure_dict(t.reported),
                }
                for t in self.totals
            ],
            "factors": [
                {
                    "year": f.year,
                    "region": f.region,
                    "it_electricity_mwh": float(f.it_electricity.m_as("MWh")),
                    "share": f.share,
                    "pue": f.pue,
                    "contracts": f.contracts,
                    "grid_gco2e_per_kwh": None if f.grid is None else float(f.grid.magnitude),
                    "emissions": _t(f.emissions),
                }
                for f in self.factors
            ],
            "figures": [
                {"year": y, "region": r, "figure": k, **_figure_dict(f)}
                for y, r, k, f in self.figure_rows()
            ],
            "notes": list(self.notes),
        }


def _t(q: Any) -> float:
    return float(q.m_as("tCO2e"))


def _figure_dict(f: Figure) -> dict[str, Any]:
    return {
        "given": f.given,
        "value": float(f.value.magnitude),
        "unit": units.format_unit(f.value.units),
        "status": f.shown_status,
        "source": f.source,
    }


def _period_dict(p: PeriodChange) -> dict[str, Any]:
    return {
        "from": p.start,
        "to": p.end,
        "start": _t(p.total_start),
        "end": _t(p.total_end),
        "change": _t(p.change),
        "percent": p.percent,
        "effects": [
            {"effect": e.key, "label": e.label, "value": _t(e.value), "share_percent": e.share}
            for e in p.effects
        ],
        "by_region": {r: {k: _t(v) for k, v in parts.items()} for r, parts in p.by_region.items()},
    }
