"""Electricity prices per zone and year (Europe), from Eurostat's semi-annual series.

Writes ``datasets/electricity_prices.csv``: one row per zone, year and consumer type with the
annual price in EUR per kWh, the mean of the year's two half-year (semester) prices that
Eurostat publishes; each half-year price is kept in its own column, and ``periods`` says
which halves the mean covers (a year with one half published takes that half alone).

Consumers and tax treatment (Eurostat's standard bands):

``household``
    Table ``nrg_pc_204``, band DC (2,500-4,999 kWh/yr), all taxes and levies included
    (``I_TAX``).
``non-household``
    Table ``nrg_pc_205``, band ID (500-1,999 MWh/yr), excluding VAT and other recoverable
    taxes and levies (``X_VAT``). A large data centre buys far more (bands IF/IG) and usually
    pays less: treat this as an upper-bound proxy.

Zones are ISO 3166-1 alpha-2 codes of ``zones.csv`` (Greece ``GR``, United Kingdom ``GB``,
Kosovo ``XK``) and ``EU`` for the EU-27 aggregate. Entities without a zone in ``zones.csv``
are left out and listed when building (Liechtenstein, the euro area).

Licence: Eurostat's re-use policy (Commission Decision 2011/833/EU), CC BY 4.0; credit
"Source: Eurostat (nrg_pc_204, nrg_pc_205)". The copy read here is the pivoted export in
GitHub ``Qery-Data/Energy`` (``data_Eurostat_Energy_Prices/``, commit 2d8be9d), a
mechanical reshaping of Eurostat's data.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd

from datasets._common import write_csv

COLUMNS = [
    "zone",
    "year",
    "consumer",
    "price_per_kwh",
    "price_s1_per_kwh",
    "price_s2_per_kwh",
    "periods",
    "currency",
    "taxes",
    "consumption_band",
    "dataset",
    "source",
]

F_DIR = "eurostat-electricity-prices"
ENTITY_COLUMN = "Geopolitical entity (reporting)"

#: consumer -> (raw file, Eurostat table, band, tax code, tax wording)
CONSUMERS = {
    "household": (
        "Electricity_Prices_Household_Consumers_Time_All_Countries.csv",
        "nrg_pc_204",
        "DC: 2,500-4,999 kWh/yr",
        "I_TAX",
        "all taxes and levies included (I_TAX)",
    ),
    "non-household": (
        "Electricity_Prices_Non_Household_Consumers_Time_All_Countries.csv",
        "nrg_pc_205",
        "ID: 500-1,999 MWh/yr",
        "X_VAT",
        "excluding VAT and other recoverable taxes and levies (X_VAT)",
    ),
}

#: Entity names of the export -> zone. Eurostat's own codes differ from ISO for Greece (EL)
#: and the United Kingdom (UK); the export writes names, mapped here one by one.
ENTITY_ZONES = {
    "Albania": "AL",
    "Austria": "AT",
    "Belgium": "BE",
    "Bosnia and Herz.": "BA",
    "Bulgaria": "BG",
    "Croatia": "HR",
    "Cyprus": "CY",
    "Czech Rep.": "CZ",
    "Denmark": "DK",
    "EU27": "EU",
    "Estonia": "EE",
    "Finland": "FI",
    "France": "FR",
    "Georgia": "GE",
    "Germany": "DE",
    "Greece": "GR",
    "Hungary": "HU",
    "Iceland": "IS",
    "Ireland": "IE",
    "Italy": "IT",
    "Kosovo": "XK",
    "Latvia": "LV",
    "Lithuania": "LT",
    "Luxembourg": "LU",
    "Malta": "MT",
    "Moldova": "MD",
    "Montenegro": "ME",
    "Netherlands": "NL",
    "North Macedonia": "MK",
    "Norway": "NO",
    "Poland": "PL",
    "Portugal": "PT",
    "Romania": "RO",
    "Serbia": "RS",
    "Slovakia": "SK",
    "Slovenia": "SI",
    "Spain": "ES",
    "Sweden": "SE",
    "Turkey": "TR",
    "Ukraine": "UA",
    "United Kingdom": "GB",
}
#: Entities left out: no zone in zones.csv (no OWID electricity data for Liechtenstein; the
#: euro area is an aggregate of changing membership that zones.csv does not define).
ENTITY_SKIPPED = {"Liechtenstein", "Euro area"}

DATASET = "eurostat-nrg_pc_204-205"
SOURCE = (
    "Eurostat {table} (band {band}, {tax}, EUR), semi-annual, via the pivoted export in "
    "GitHub Qery-Data/Energy @2d8be9d (data_Eurostat_Energy_Prices/{file}); annual value = "
    "mean of the published half-years ({periods}); Source: Eurostat, CC BY 4.0"
)
_SEMESTER = re.compile(r"(\d{4}) (June|December)")


def _read(sources: Path, consumer: str) -> pd.DataFrame:
    file, table, band, tax_code, tax = CONSUMERS[consumer]
    raw = pd.read_csv(sources / F_DIR / file, keep_default_na=False, na_values=[""])
    entities = set(raw[ENTITY_COLUMN])
    unknown = entities - set(ENTITY_ZONES) - ENTITY_SKIPPED
    if unknown:
        raise ValueError(f"{file}: entities without a zone mapping: {sorted(unknown)}")
    raw = raw[raw[ENTITY_COLUMN].isin(ENTITY_ZONES)]
    long = raw.melt(id_vars=ENTITY_COLUMN, var_name="period", value_name="price").dropna()
    parsed = long.period.str.fullmatch(_SEMESTER.pattern)
    if not parsed.all():
        raise ValueError(f"{file}: unexpected columns {sorted(set(long.period[~parsed]))}")
    parts = long.period.str.extract(_SEMESTER.pattern)
    long["zone"] = long[ENTITY_COLUMN].map(ENTITY_ZONES)
    long["year"] = parts[0].astype(int)
    long["half"] = parts[1].map({"June": "S1", "December": "S2"})
    wide = long.pivot_table(index=["zone", "year"], columns="half", values="price", aggfunc="first")
    wide = wide.reindex(columns=["S1", "S2"]).reset_index()
    wide["price_per_kwh"] = wide[["S1", "S2"]].mean(axis=1)
    wide["periods"] = [
        ";".join(h for h, v in (("S1", s1), ("S2", s2)) if not np.isnan(v))
        for s1, s2 in zip(wide.S1, wide.S2, strict=True)
    ]
    wide["consumer"] = consumer
    wide["currency"] = "EUR"
    wide["taxes"] = tax
    wide["consumption_band"] = band
    wide["dataset"] = DATASET
    wide["source"] = [
        SOURCE.format(table=table, band=band.split(":")[0], tax=tax_code, file=file, periods=p)
        for p in wide.periods
    ]
    wide = wide.rename(columns={"S1": "price_s1_per_kwh", "S2": "price_s2_per_kwh"})
    return wide[COLUMNS]


def build(sources: Path, out: Path) -> list[Path]:
    """Build ``electricity_prices.csv`` into ``out``."""
    prices = pd.concat([_read(sources, c) for c in CONSUMERS], ignore_index=True)
    prices = prices.sort_values(["zone", "year", "consumer"]).reset_index(drop=True)
    if prices.duplicated(["zone", "year", "consumer"]).any():
        raise ValueError("duplicate zone-year-consumer rows")
    if not prices.price_per_kwh.between(0.005, 1.5).all():
        raise ValueError("price outside 0.005-1.5 EUR/kWh")
    zones_path = out / "zones.csv"
    if zones_path.is_file():
        known = set(pd.read_csv(zones_path, keep_default_na=False).zone)
        missing = set(prices.zone) - known
        if missing:
            raise ValueError(f"zones missing from zones.csv: {sorted(missing)}")
    one_half = prices[prices.periods != "S1;S2"]
    print(
        f"electricity_prices: {len(prices)} rows, {prices.zone.nunique()} zones, "
        f"{prices.year.min()}-{prices.year.max()}, by consumer "
        f"{prices.consumer.value_counts().to_dict()}; single-half years: {len(one_half)}; "
        f"left out: {sorted(ENTITY_SKIPPED)}"
    )
    return [write_csv(prices, out / "electricity_prices.csv")]
