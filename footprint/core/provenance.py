"""Factors with their provenance: every number in a result says where it came from."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any, Literal

from footprint.core import units

Origin = Literal["user", "dataset", "default", "derived"]

#: Distributions a :class:`Spread` can take (sampled by :mod:`footprint.analyses.uncertainty`).
DISTRIBUTIONS = ("triangular", "uniform")


@dataclass(frozen=True)
class Spread:
    """The uncertainty of a factor: a plausible range around its value.

    Attributes
    ----------
    low, high : pint.Quantity
        Bounds of the range, in units compatible with the factor's value. For a
        ``triangular`` distribution they are its minimum and maximum and the
        factor's value is the mode; for ``uniform`` every value between them is
        equally likely.
    distribution : {"triangular", "uniform"}
        How :mod:`footprint.analyses.uncertainty` samples the factor.
    source : str
        Where the range comes from (a dataset's low/high columns, a documented
        spread in ``datasets/uncertainty.csv``...).
    """

    low: Any
    high: Any
    distribution: str = "triangular"
    source: str = ""

    def __post_init__(self) -> None:
        if self.distribution not in DISTRIBUTIONS:
            raise ValueError(
                f"distribution: expected one of {DISTRIBUTIONS}, got {self.distribution!r}"
            )
        if self.low > self.high:
            raise ValueError(f"spread: low {self.low} is above high {self.high}")

    def to(self, unit: Any) -> Spread:
        """The same spread with its bounds in ``unit``."""
        return Spread(self.low.to(unit), self.high.to(unit), self.distribution, self.source)


@dataclass(frozen=True)
class Factor:
    """One input factor of a footprint, with the value and where it came from.

    Attributes
    ----------
    name : str
        Canonical factor name (``intensity``, ``pue``, ``wue``, ``ewif``, ``power``...).
    value : pint.Quantity
        The value used, in footprint's registry.
    origin : {"user", "dataset", "default", "derived"}
        Given by the user, looked up in a curated dataset, a documented named
        default, or computed from other factors.
    source : str
        Citation of the primary source (or "given by the user").
    dataset : str, optional
        Curated file and dataset id the value came from.
    zone, year : optional
        Zone and year of the value, where it depends on them.
    note : str
        Substitutions or assumptions behind the value.
    extra : dict
        Further details shown with the factor (operator, basis, accelerator...).
    spread : Spread, optional
        Its uncertainty (low/high and distribution); ``None`` for an exact value,
        such as any value the user gives.
    """

    name: str
    value: Any
    origin: Origin
    source: str
    dataset: str | None = None
    zone: str | None = None
    year: int | None = None
    note: str = ""
    extra: dict[str, Any] = field(default_factory=dict, compare=False)
    spread: Spread | None = field(default=None, compare=False)

    def with_spread(self, spread: Spread | None) -> Factor:
        """Same factor with another uncertainty (``None``: exact)."""
        return Factor(
            self.name,
            self.value,
            self.origin,
            self.source,
            self.dataset,
            self.zone,
            self.year,
            self.note,
            dict(self.extra),
            spread,
        )

    def with_value(self, value: Any) -> Factor:
        """Same provenance, another value (e.g. a sample of an uncertain factor)."""
        return Factor(
            self.name,
            value,
            self.origin,
            self.source,
            self.dataset,
            self.zone,
            self.year,
            self.note,
            dict(self.extra),
            self.spread,
        )

    def with_note(self, note: str) -> Factor:
        """Same factor with ``note`` put before any note it already has."""
        return Factor(
            self.name,
            self.value,
            self.origin,
            self.source,
            self.dataset,
            self.zone,
            self.year,
            "; ".join(filter(None, [note, self.note])),
            dict(self.extra),
            self.spread,
        )

    def to_dict(self, unit: str | None = None) -> dict[str, Any]:
        """JSON-ready dict: value (float) in ``unit`` (or the factor's own unit) and provenance.

        A value that is not available (NaN: an EWIF where a zone has no generation mix) is
        ``None``. With a :class:`Spread`, ``low``, ``high`` (same unit as ``value``),
        ``distribution`` and ``spread_source`` are added.
        """
        q = self.value.to(unit) if unit else self.value
        magnitude = float(q.magnitude)
        out: dict[str, Any] = {
            "value": None if math.isnan(magnitude) else magnitude,  # not available (noted)
            "unit": units.format_unit(q.units),
            "origin": self.origin,
            "source": self.source,
        }
        for key in ("dataset", "zone", "year"):
            val = getattr(self, key)
            if val is not None:
                out[key] = val
        if self.note:
            out["note"] = self.note
        out.update(self.extra)
        if self.spread is not None:
            spread = self.spread.to(q.units)
            out["low"] = float(spread.low.magnitude)
            out["high"] = float(spread.high.magnitude)
            out["distribution"] = spread.distribution
            if spread.source:
                out["spread_source"] = spread.source
        return out


def user_factor(name: str, value: Any, option: str | None = None) -> Factor:
    """A factor the user gave explicitly (echoed as such in every output)."""
    how = f"given by the user ({option})" if option else "given by the user"
    return Factor(name=name, value=value, origin="user", source=how)
