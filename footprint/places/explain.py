"""What an estimate would use in a region: every factor with value, source and licence."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from footprint.core import units
from footprint.core.provenance import Factor
from footprint.data.loader import licence_of
from footprint.data.vintages import Vintage, vintage_of
from footprint.places.grid import all_zones
from footprint.places.regions import cloud_regions
from footprint.places.site import Site, SiteFactors, site_factors

__all__ = ["Explanation", "NOT_AVAILABLE", "explain", "explain_table"]

#: What a factor without a value shows, before the reason.
NOT_AVAILABLE = "not available"

#: The factors an estimate uses, in order; one without a value is shown as not available.
_FACTORS = ("intensity", "cfe", "pue", "wue", "ewif", "price")

#: Why a factor has no value when the site's notes do not say.
_REASONS = {"price": "no open electricity price data for this zone; give --price"}
_CONSEQUENCES = {"price": "no cost is computed without a price"}


@dataclass(frozen=True)
class Explanation:
    """The factors of a site as an estimate would use them, with licences and notes.

    Attributes
    ----------
    location : dict or None
        The resolved place: ``name``, ``zone``, ``dataset``, ``source``, ``licence``.
    factors : dict[str, Factor]
        Every factor with a value, keyed by name as in an estimate's ``factors``.
    missing : dict[str, str]
        Factors without a value (no open price for the zone...) and why.
    notes : list[str]
        How the factors were chosen.
    """

    location: dict[str, Any] | None
    factors: dict[str, Factor]
    missing: dict[str, str]
    notes: list[str]

    def to_dict(self) -> dict[str, Any]:
        """The JSON contract: ``location``, ``factors`` (the shape of an estimate's, plus
        ``licence``; a factor without a value has ``value`` null and its ``reason``) and
        ``notes``."""
        factors: dict[str, Any] = {}
        for name in self.names():
            if name in self.factors:
                factors[name] = {**self.factors[name].to_dict(), "licence": self.licence(name)}
                found = self.vintage(name)
                if found is not None:  # how recent the dataset is (newest year, dates)
                    factors[name]["vintage"] = found.to_dict()
            else:
                factors[name] = {"value": None, "unit": "", "reason": self.missing[name]}
                if name in _CONSEQUENCES:
                    factors[name]["note"] = _CONSEQUENCES[name]
        return {"location": self.location, "factors": factors, "notes": list(self.notes)}

    def names(self) -> list[str]:
        """Factor names in the order an estimate lists them, the missing ones included."""
        known = [*self.factors, *self.missing]
        return sorted(known, key=lambda n: _FACTORS.index(n) if n in _FACTORS else 99)

    def licence(self, name: str) -> str:
        """Licence of the dataset behind factor ``name`` (``user`` for a given value)."""
        f = self.factors.get(name)
        if f is None:
            return ""
        file = _file(f)
        return licence_of(file)["licence"] if file else ("user" if f.origin == "user" else "")

    def vintage(self, name: str) -> Vintage | None:
        """Vintage of the dataset behind factor ``name`` (newest year, publication and
        retrieval dates), or ``None`` (a value given by the user, a file without one)."""
        f = self.factors.get(name)
        file = _file(f) if f is not None else ""
        return vintage_of(file) if file else None

    def to_frame(self) -> Any:
        """One row per factor (the location first): ``factor``, ``value`` (``None`` when not
        available), ``unit``, ``origin``, ``zone``, ``year``, ``dataset``, ``source``,
        ``licence``, ``note`` (a missing value's reason), ``vintage`` (the dataset's newest
        year, publication and retrieval dates)."""
        import pandas as pd

        rows: list[dict[str, Any]] = []
        if self.location is not None:
            loc = self.location
            rows.append(
                {"factor": "location", "value": loc["name"], "unit": "", "origin": "dataset",
                 "zone": loc["zone"], "year": None, "dataset": loc["dataset"],
                 "source": loc["source"], "licence": loc["licence"], "note": "", "vintage": ""}
            )  # fmt: skip
        for name in self.names():
            f = self.factors.get(name)
            if f is None:
                why = "; ".join(filter(None, [self.missing[name], _CONSEQUENCES.get(name)]))
                rows.append(
                    {"factor": name, "value": None, "unit": "", "origin": "", "zone": None,
                     "year": None, "dataset": None, "source": "", "licence": "",
                     "note": f"{NOT_AVAILABLE}: {why}", "vintage": ""}
                )  # fmt: skip
                continue
            rows.append(
                {"factor": name, "value": float(f.value.magnitude),
                 "unit": units.format_unit(f.value.units), "origin": f.origin, "zone": f.zone,
                 "year": f.year, "dataset": f.dataset, "source": f.source,
                 "licence": self.licence(name), "note": f.note,
                 "vintage": "" if (v := self.vintage(name)) is None else v.summary()}
            )  # fmt: skip
        frame = pd.DataFrame(rows)
        frame["year"] = frame["year"].astype("Int64")
        return frame


def explain(site: Site) -> Explanation:
    """Every factor an estimate at ``site`` would use, with licences; a factor without a
    value (no open price for the zone) is listed as missing with the reason."""
    sf = site_factors(site)
    factors: dict[str, Factor] = {}
    missing: dict[str, str] = {}
    for name in _FACTORS:
        f = sf.as_dict().get(name)
        if f is not None and _has_value(f):
            factors[name] = f
        else:
            missing[name] = _reason(name, f, sf)
    return Explanation(_location(sf), factors, missing, list(sf.notes))


def explain_table(site: Site) -> tuple[Any, list[str]]:
    """The factors of ``site`` as a DataFrame (:meth:`Explanation.to_frame`), and the
    notes on their choice."""
    found = explain(site)
    return found.to_frame(), found.notes


def _file(f: Factor) -> str:
    """The curated file a factor's value came from (the first of a derived one's)."""
    return (f.dataset or "").split(":")[0].split(" x ")[0]


def _has_value(f: Factor) -> bool:
    magnitude = getattr(f.value, "magnitude", None)
    try:
        return magnitude is not None and math.isfinite(float(magnitude))
    except (TypeError, ValueError):
        return False


def _reason(name: str, f: Factor | None, sf: SiteFactors) -> str:
    """Why factor ``name`` has no value: its own note, the site's note on it, or a default."""
    if f is not None and f.note:
        return f.note
    said = [n.removeprefix(f"{name}: ") for n in sf.notes if n.startswith(f"{name}: ")]
    return said[0] if said else _REASONS.get(name, "no data for this zone")


def _location(sf: SiteFactors) -> dict[str, Any] | None:
    loc = sf.location
    if loc is None:
        return None
    if loc.is_cloud:
        file, row_source = "cloud_regions.csv", cloud_regions()[loc.id].get("source", "")
    else:
        # countries and aggregates come from zones.csv; US states, balancing
        # authorities, provinces and bidding zones from zones_subnational.csv
        zone = all_zones()[loc.zone]
        national = zone.kind in ("country", "aggregate")
        file = "zones.csv" if national else "zones_subnational.csv"
        row_source = zone.source
    where = f"grid zone {loc.zone}"
    if loc.latitude is not None and loc.longitude is not None:
        where += f", {loc.latitude:.3f}, {loc.longitude:.3f}"
    return {
        "name": loc.name,
        "zone": sf.zone,
        "dataset": file,
        "source": "; ".join(filter(None, [where, row_source])),
        "licence": licence_of(file)["licence"],
    }
