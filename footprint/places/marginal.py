"""Marginal grid emission factors: the emissions of electricity added to (or taken from) a
grid, beside the average intensity of what it generates.

Averages are for inventories (a footprint's share of a grid's emissions, GHG Protocol
Scope 2); marginal factors are for decisions (what adding a load, or moving it, changes).
footprint keeps the two apart: a :class:`~footprint.places.site.Site` takes the average
intensity unless ``marginal`` is set, and then the zone's marginal factor becomes the
site's intensity :class:`~footprint.core.provenance.Factor`, labelled as marginal, with its
own source; every analysis computes with it through the one engine.

Data: ``datasets/share-alike/marginal_intensity.csv`` (CC BY-SA 4.0, a separately
licensed file, notice ``LICENSE-CC-BY-SA.md``): the IFI TWG / UNFCCC harmonised default
grid factors 2021 v3.1 via CO2.js, one national (or island) factor per zone:

- ``combined`` margin (the default): the IFI combined margin for *Electricity
  Consumption*, a mix of the operating margin and the build margin (the plants that
  would be built), the one IFIs use for added load;
- ``operating`` margin: the plants that run less or more at the margin today, higher where
  fossil plants are dispatched last.

Both are gCO2/kWh of CO2 at the plant (no other gas, no upstream), used as gCO2e/kWh,
which the factor's note says. A sub-national zone or cloud region takes its country's
factor (noted); a zone without one (Iceland: 0 in the source, no factor; ``WORLD`` and
continents: no IFI figure) is refused by :class:`NoMarginalFactorError`.
"""

from __future__ import annotations

import math
from functools import cache
from typing import Any

from footprint.core import units
from footprint.core.errors import InputError, MissingDataError
from footprint.core.provenance import Factor
from footprint.data.loader import choose_year, datasets_dir, read_records

__all__ = [
    "MARGINS",
    "MARGINAL_TABLE",
    "NoMarginalFactorError",
    "blank_marginal",
    "check_margin",
    "margin_label",
    "marginal_cfe",
    "marginal_factor",
    "marginal_zones",
    "missing_note",
    "require_marginal",
]

#: The margins a site can take: IFI combined margin (default) or operating margin.
MARGINS = ("combined", "operating")

#: The curated table (relative to the datasets directory, without ``.csv``).
MARGINAL_TABLE = "share-alike/marginal_intensity"

_COLUMNS = {"combined": "combined_margin_g_per_kwh", "operating": "operating_margin_g_per_kwh"}


class NoMarginalFactorError(MissingDataError):
    """A site asks for a marginal factor its zone lacks (one line, with what to do).

    ``reason`` says why (no factor in the IFI set, or 0 in the source); ``factors`` holds
    the site's other factors with a blank (NaN) intensity noted as missing, so that a
    comparison lists the zone as missing rather than drop it.
    """

    def __init__(self, reason: str, margin: str, factors: Any = None) -> None:
        super().__init__(
            f"marginal intensity ({margin} margin): {reason}; run without --marginal for the "
            "average intensity, or give --intensity instead"
        )
        self.reason = reason
        self.margin = margin
        self.factors = factors


def check_margin(value: Any) -> str | None:
    """``value`` as a margin name: ``None``/``False`` (average basis), ``True`` (the
    ``combined`` margin), ``"combined"`` or ``"operating"``; anything else is an
    :class:`~footprint.core.errors.InputError`."""
    if value is None or value is False:
        return None
    if value is True:
        return MARGINS[0]
    if isinstance(value, str) and value.strip().lower() in MARGINS:
        return value.strip().lower()
    raise InputError(
        f"marginal: expected True, False or one of {', '.join(MARGINS)}, got {value!r}"[:200]
    )


def margin_label(margin: str, year: int | None = None) -> str:
    """``"marginal (IFI combined margin 2021)"``: how results name the basis."""
    return f"marginal (IFI {margin} margin{'' if year is None else f' {year}'})"


@cache
def _index() -> dict[str, dict[int, dict[str, str]]]:
    if not (datasets_dir() / f"{MARGINAL_TABLE}.csv").is_file():
        raise MissingDataError(
            f"marginal factors: datasets/{MARGINAL_TABLE}.csv (CC BY-SA 4.0, separately "
            "licensed) is not installed; run without --marginal for the average intensity"
        )
    index: dict[str, dict[int, dict[str, str]]] = {}
    for row in read_records(MARGINAL_TABLE):
        index.setdefault(row["zone"], {})[int(row["year"])] = row
    return index


def marginal_zones(margin: str = "combined") -> list[str]:
    """Zones with a ``margin`` factor (any year), sorted."""
    column = _COLUMNS[check_margin(margin) or MARGINS[0]]
    return sorted(z for z, s in _index().items() if any(r[column] for r in s.values()))


def marginal_factor(
    zones: list[str],
    margin: str = "combined",
    year: int | None = None,
    *,
    strict_year: bool = False,
    region: str | None = None,
) -> Factor:
    """The marginal factor of the first of ``zones`` (finest first) the table names.

    Parameters
    ----------
    zones : list of str
        Zone codes, finest first (:meth:`footprint.places.regions.Location.zones`); a zone
        after the first is a substitution, said in the note.
    margin : {"combined", "operating"}
        IFI combined margin (electricity consumption) or operating margin.
    year : int, optional
        Year asked; the IFI set is of 2021, so another year takes it with a note
        (``strict_year`` raises instead).
    region : str, optional
        The region as named, for messages (default: the first zone).

    Returns
    -------
    Factor
        ``intensity`` [gCO2e/kWh] with the table's source, zone, year 2021, a note that
        starts with "marginal (IFI combined margin 2021): for decisions, not inventories",
        ``extra`` ``{"basis": "marginal", "margin": margin}``.

    Raises
    ------
    NoMarginalFactorError
        No zone of ``zones`` has a factor (or the first named has 0 in the source).
    """
    margin = check_margin(margin) or MARGINS[0]
    column = _COLUMNS[margin]
    name = region or (zones[0] if zones else "?")
    index = _index()
    found = next((z for z in zones if z in index), None)
    series = {} if found is None else {y: r for y, r in index[found].items() if r[column]}
    if not series:
        if found is None:
            reason = f"no factor for {name} (the IFI 2021 set has none for {', '.join(zones)})"
        else:
            ifi_name = index[found][min(index[found])]["ifi_name"]
            reason = f"no factor for {name} (the IFI 2021 set has none for {ifi_name}: 0)"
        raise NoMarginalFactorError(reason, margin)
    used, year_note = choose_year(list(series), year, f"marginal factor of {found}", strict_year)
    row = series[used]
    label = margin_label(margin, used)
    notes = [
        f"{label}: for decisions, not inventories (the average intensity is the inventory "
        "figure); CO2 at the plant only, used as CO2e",
    ]
    if found is not None and found != zones[0]:
        passed = zones[: zones.index(found)]
        notes.append(
            f"no marginal factor for {', '.join(passed)}; {found}'s used (IFI factors are national)"
        )
    if year_note and year is not None:
        notes.append(year_note)
    return Factor(
        name="intensity",
        value=units.Q_(float(row[column]), "gCO2e/kWh"),
        origin="dataset",
        source=row["source"],
        dataset=f"{MARGINAL_TABLE}.csv:{row['dataset']}",
        zone=found,
        year=used,
        note="; ".join(notes),
        extra={"basis": "marginal", "margin": margin},
    )


def blank_marginal(error: NoMarginalFactorError) -> Factor:
    """A NaN intensity standing for a missing marginal factor: the site's CO2e is left
    blank (noted); :func:`require_marginal` turns it back into ``error``."""
    return Factor(
        name="intensity",
        value=units.Q_(math.nan, "gCO2e/kWh"),
        origin="default",
        source="no marginal factor",
        note=f"{error.reason}: CO2e left blank",
        extra={"basis": "marginal", "margin": error.margin, "missing": error.reason},
    )


def require_marginal(factors: Any) -> None:
    """Raise :class:`NoMarginalFactorError` (holding ``factors``) when the intensity of the
    site factors ``factors`` is a :func:`blank_marginal`."""
    intensity = factors.intensity
    missing = intensity.extra.get("missing")
    if missing:
        raise NoMarginalFactorError(missing, intensity.extra["margin"], factors)


def missing_note(sites: list[tuple[str, Any]]) -> list[str]:
    """One note naming the regions of ``(region, site factors)`` kept without a marginal
    factor (a comparison lists them with CO2e blank), or none."""
    missing = list(dict.fromkeys(r for r, sf in sites if sf.intensity.extra.get("missing")))
    if not missing:
        return []
    return [
        f"no marginal factor for {len(missing)} region(s), listed with intensity and CO2e "
        f"blank (not ranked on CO2e): {', '.join(missing)}"
    ]


def marginal_cfe() -> Factor:
    """The carbon-free share on a marginal basis: none applied (contracts change an
    inventory's market-based figure, not what an added load does at the margin)."""
    return Factor(
        name="cfe",
        value=units.Q_(0.0, "dimensionless"),
        origin="default",
        source="marginal basis: no contractual instruments applied",
        note="marginal basis: no carbon-free share applied (market-based accounting is an "
        "inventory method), so market-based CO2e equals the marginal CO2e",
    )
