"""Electricity demand of every country per year, for "as much electricity as country X".

Writes ``datasets/electricity_demand.csv``: ``zone``, ``year``, ``demand_twh``,
``dataset``, ``source``, one row per country (``kind == country`` in ``zones.csv``) and
year from 2000 with a demand figure in Our World in Data's "Electricity mix from BP & Ember
(2022)" (``../shared/sources/owid-electricity-mix``, CC BY 4.0): column
``Electricity demand (TWh)``, generation plus net imports, the electricity a country
consumes (OWID codebook ``electricity_demand``). Generation alone
(``generation_mix.csv``) overstates exporters and understates importers.

``footprint.places.country_energy`` reads it: the countries whose demand in their latest
year with data is closest to a footprint's energy, each with its year and source.

Entities are matched to zones by the zone's name or alias (``zones.csv``, built by
``grid`` first); aggregates (World, continents, income groups) are left out, and so is any
entity that no zone names (counted in the log).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from datasets._common import write_csv

F_MIX = ("owid-electricity-mix", "electricity_mix_bp_ember_2022.csv")
COL_DEMAND = "Electricity demand (TWh)"
DATASET = "owid-bp-ember-2022"
SOURCE = (
    "Our World in Data, 'Electricity mix from BP & EMBER (2022)' (owid/owid-datasets, "
    "retrieved 8 April 2022), column 'Electricity demand (TWh)' (generation + net imports), "
    "based on BP Statistical Review of World Energy and Ember (Global and European "
    "Electricity Review 2022); CC BY 4.0"
)
#: First year kept (older years are not needed for equivalences of today's footprints).
FIRST_YEAR = 2000
COLUMNS = ["zone", "year", "demand_twh", "dataset", "source"]


def _country_names(out: Path) -> dict[str, str]:
    """Country name or alias -> zone code, from the built ``zones.csv``."""
    zones = pd.read_csv(out / "zones.csv", keep_default_na=False, na_values=[""])
    names: dict[str, str] = {}
    for zone, name, kind, aliases in zones[["zone", "name", "kind", "aliases"]].values:
        if kind != "country":
            continue
        for label in [name, *str(aliases or "").split(";")]:
            if label.strip():
                names.setdefault(label.strip(), zone)
    return names


def build_demand(sources: Path, out: Path) -> tuple[pd.DataFrame, list[str]]:
    """The table, and the entities left out (aggregates and unknown names)."""
    raw = pd.read_csv(sources.joinpath(*F_MIX))
    raw = raw[["Entity", "Year", COL_DEMAND]].dropna()
    raw = raw[(raw[COL_DEMAND] > 0) & (raw.Year >= FIRST_YEAR)]
    names = _country_names(out)
    zone = raw.Entity.map(names)
    left_out = sorted(set(raw.Entity[zone.isna()]))
    table = pd.DataFrame(
        {
            "zone": zone,
            "year": raw.Year.astype(int),
            "demand_twh": raw[COL_DEMAND].astype(float),
            "dataset": DATASET,
            "source": SOURCE,
        }
    ).dropna(subset=["zone"])
    if table.duplicated(["zone", "year"]).any():
        raise ValueError("two entities map to one zone")
    return table.sort_values(["zone", "year"]).reset_index(drop=True)[COLUMNS], left_out


def build(sources: Path, out: Path) -> list[Path]:
    """Write ``electricity_demand.csv`` (needs ``zones.csv`` built first, by ``grid``)."""
    table, _ = build_demand(sources, out)
    return [write_csv(table, out / "electricity_demand.csv")]
