"""Equivalences: everyday quantities to put a footprint in context, each with its source.

Writes ``datasets/equivalences.csv``, one row per factor::

    key, zone, year, value, unit, per, quantity, label, licence, source, source_url, note

``quantity`` says what the factor converts (``co2e``, ``energy`` or ``water``); ``unit`` is
a unit of footprint's registry (``gCO2e/km``, ``kgCO2e``, ``kWh``, ``L``, ``m^3``) and
``per`` names what one factor counts (``km``, ``flight``, ``household-year``,
``person-year``, ``person-day``, ``pool``); ``zone`` is the zone the factor belongs to
(``WORLD`` where it has none); ``year`` is the year of the figure (data year, or the
edition of the source where the figure has no year of its own).

Rows
----
``car_km``
    Tailpipe CO2 per km of a typical passenger vehicle: United States (EPA, 404 g/mile =
    251 g/km) and Europe (175 g/km), both as compiled by Green Algorithms v3.0
    (``referenceValues.csv``, CC BY 4.0) from the primary sources it cites.
``flight_km``
    Economy-class air travel per passenger-km (UK Government GHG conversion factors 2020,
    via Green Algorithms v3.0): 171 gCO2e/passenger-km.
``flight_<route>``
    One passenger, economy, one way, as computed with carbonfootprint.com's calculator for
    Green Algorithms v3.0: New York-San Francisco 570 kg, Paris-London 50 kg, Paris-Dublin
    110 kg, New York-Melbourne 2,310 kg CO2e.
``household_electricity``
    A household's annual electricity use where an official figure exists: United States
    (EIA, 10,715 kWh per residential customer in 2020) and Great Britain (Ofgem typical
    domestic consumption value, 2,700 kWh from the 2023 review).
``per_capita_electricity``
    Electricity generation per person (kWh per person per year), every country that Our
    World in Data's "Electricity mix from BP & Ember (2022)" covers, newest year (CC BY 4.0).
``drinking_water``
    2 L per person per day: the adult daily drinking-water consumption that the WHO
    Guidelines for Drinking-water Quality assume when deriving guideline values.
``olympic_pool``
    2,500 m3: 50 m x 25 m x 2 m, the length, width and minimum depth of a pool for the
    Olympic Games (FINA, now World Aquatics, Facilities Rules FR 2).

The figures from reports (EPA, EIA, Ofgem, WHO, FINA) are facts cited in the source column;
the tabulated data (Green Algorithms, Our World in Data) are CC BY 4.0 and credited.
"""

from __future__ import annotations

import csv
from pathlib import Path

import pandas as pd

from datasets._common import write_csv

COLUMNS = [
    "key",
    "zone",
    "year",
    "value",
    "unit",
    "per",
    "quantity",
    "label",
    "licence",
    "source",
    "source_url",
    "note",
]

F_GA = ("green-algorithms", "referenceValues.csv")
F_OWID = ("owid-electricity-mix", "electricity_mix_bp_ember_2022.csv")
COL_PER_CAPITA = "Per capita electricity (kWh)"

GA_CITE = (
    "Green Algorithms v3.0 data/v3.0/referenceValues.csv (GreenAlgorithms/green-algorithms-tool "
    "@30df2fe; Lannelongue, Grealey & Inouye, Adv. Sci. 2021), CC BY 4.0"
)
OWID_CITE = (
    "Our World in Data, 'Electricity mix from BP & EMBER (2022)' (owid/owid-datasets @feff983), "
    "column 'Per capita electricity (kWh)', based on BP Statistical Review of World Energy and "
    "Ember; CC BY 4.0"
)

#: Green Algorithms variables used: key, zone, year, unit, per, label, primary source, URL,
#: note (the value is read from the file; the primary is the one the file names).
GA_ROWS = {
    "passengerCar_US_perkm": (
        "car_km",
        "US",
        2018,
        "gCO2e/km",
        "km",
        "km by an average passenger car (US)",
        "US EPA, 'Greenhouse Gas Emissions from a Typical Passenger Vehicle' (404 g CO2 per "
        "mile; the June 2023 edition, EPA-420-F-23-014, gives about 400 g/mile)",
        "https://www.epa.gov/greenvehicles/greenhouse-gas-emissions-typical-passenger-vehicle",
        "tailpipe CO2 of a typical US passenger vehicle; 404 g/mile / 1.609344 = 251 g/km; "
        "CO2 only (EPA: CH4, N2O and HFCs add a few percent), counted as CO2e",
    ),
    "passengerCar_EU_perkm": (
        "car_km",
        "EU",
        2019,
        "gCO2e/km",
        "km",
        "km by an average passenger car (Europe)",
        "UK Government GHG conversion factors 2019 and Atmospheric Environment 2018 "
        "(doi:10.1016/j.atmosenv.2018.11.037), as compiled by Green Algorithms",
        "https://www.gov.uk/government/publications/greenhouse-gas-reporting-conversion-factors-2019",
        "average car on the road in Europe (not new-car type-approval values); CO2, counted "
        "as CO2e",
    ),
    "flight_economy_perkm": (
        "flight_km",
        "WORLD",
        2020,
        "gCO2e/km",
        "passenger-km",
        "passenger-km by plane (economy)",
        "UK Government GHG conversion factors 2020 (BEIS/Defra), as compiled by Green Algorithms",
        "https://www.gov.uk/government/publications/greenhouse-gas-reporting-conversion-factors-2020",
        "economy class, per passenger-km; Green Algorithms gives a 139-244 g range over "
        "flight lengths",
    ),
    "flight_NY-SF": (
        "flight_nyc_sfo",
        "WORLD",
        2025,
        "kgCO2e",
        "flight",
        "flights New York-San Francisco (one passenger, economy, one way)",
        "carbonfootprint.com flight calculator, as used by Green Algorithms",
        "https://calculator.carbonfootprint.com/calculator.aspx?tab=3",
        "one way (implied): 570 kg over the ~4,150 km great-circle distance (~137 g per km), "
        "consistent with the per-passenger-km factors",
    ),
    "flight_PAR-LON": (
        "flight_par_lon",
        "WORLD",
        2025,
        "kgCO2e",
        "flight",
        "flights Paris-London (one passenger, economy, one way)",
        "carbonfootprint.com flight calculator, as used by Green Algorithms",
        "https://calculator.carbonfootprint.com/calculator.aspx?tab=3",
        "one way, ~344 km great-circle distance",
    ),
    "flight_PAR-DUB": (
        "flight_par_dub",
        "WORLD",
        2025,
        "kgCO2e",
        "flight",
        "flights Paris-Dublin (one passenger, economy, one way)",
        "carbonfootprint.com flight calculator, as used by Green Algorithms",
        "https://calculator.carbonfootprint.com/calculator.aspx?tab=3",
        "one way, ~780 km great-circle distance",
    ),
    "flight_NYC-MEL": (
        "flight_nyc_mel",
        "WORLD",
        2025,
        "kgCO2e",
        "flight",
        "flights New York-Melbourne (one passenger, economy, one way)",
        "carbonfootprint.com flight calculator, as used by Green Algorithms",
        "https://calculator.carbonfootprint.com/calculator.aspx?tab=3",
        "one way, ~16,700 km great-circle distance",
    ),
}

#: Factors from reports, each a cited fact: key, zone, year, value, unit, per, quantity,
#: label, source, source_url, note.
REPORTED = [
    (
        "household_electricity",
        "US",
        2020,
        10715.0,
        "kWh",
        "household-year",
        "energy",
        "US households' annual electricity",
        "US Energy Information Administration, FAQ 'How much electricity does an American "
        "home use?' (last updated 2021-10-07): 10,715 kWh per residential utility customer "
        "in 2020; US public domain",
        "https://www.eia.gov/tools/faqs/faq.php?id=97&t=3",
        "average annual electricity of a US residential utility customer (about 893 kWh a month)",
    ),
    (
        "household_electricity",
        "GB",
        2024,
        2700.0,
        "kWh",
        "household-year",
        "energy",
        "British households' annual electricity",
        "Ofgem, Typical Domestic Consumption Values, 2023 review (electricity medium TDCV "
        "2,900 -> 2,700 kWh a year, used in the price cap from January 2024)",
        "https://www.ofgem.gov.uk/call-for-input/call-input-review-typical-domestic-consumption-values-2023",
        "typical (medium) household on a single-rate meter, Great Britain",
    ),
    (
        "drinking_water",
        "WORLD",
        2022,
        2.0,
        "L",
        "person-day",
        "water",
        "persons' daily drinking water",
        "WHO, Guidelines for Drinking-water Quality, 4th edition incorporating the 1st and 2nd "
        "addenda (2022), chapter 8 (derivation of chemical guideline values): daily "
        "drinking-water consumption of 2 L by a 60 kg adult",
        "https://www.who.int/publications/i/item/9789240045064",
        "drinking water only; EFSA's adequate intake of total water (food and drink) is "
        "2.0 L/day for women and 2.5 L/day for men (EFSA Journal 2010;8(3):1459)",
    ),
    (
        "olympic_pool",
        "WORLD",
        2017,
        2500.0,
        "m^3",
        "pool",
        "water",
        "Olympic swimming pools",
        "FINA (now World Aquatics) Facilities Rules FR 2: length 50 m, width 25 m, minimum "
        "depth 2.0 m for Olympic Games and World Championships pools",
        "https://www.worldaquatics.com/rules",
        "50 m x 25 m x 2 m = 2,500 m3 (the conventional 'Olympic pool' volume; 3 m depth is "
        "recommended, which would hold 3,750 m3)",
    ),
]


def _green_algorithms(sources: Path) -> list[dict[str, object]]:
    path = sources.joinpath(*F_GA)
    with path.open(newline="", encoding="utf-8") as fh:
        lines = fh.read().splitlines()[1:]  # first line is an index row; header is line 2
    values = {row["variable"]: row for row in csv.DictReader(lines)}
    rows = []
    for variable, (key, zone, year, unit, per, label, primary, url, note) in GA_ROWS.items():
        if variable not in values:
            raise ValueError(f"{path}: variable {variable!r} missing")
        raw = values[variable]
        value = float(raw["value"])
        if unit == "kgCO2e":  # Green Algorithms gives gCO2e per trip
            value /= 1000.0
        rows.append(
            {
                "key": key,
                "zone": zone,
                "year": year,
                "value": value,
                "unit": unit,
                "per": per,
                "quantity": "co2e",
                "label": label,
                "licence": "CC BY 4.0",
                "source": f"{primary}; via {GA_CITE} (variable '{variable}': {raw['source']})",
                "source_url": url,
                "note": note,
            }
        )
    return rows


def _zone_names(out: Path) -> dict[str, str]:
    zones = pd.read_csv(out / "zones.csv", keep_default_na=False, na_values=[""])
    names: dict[str, str] = {}
    for zone, name, kind, aliases in zones[["zone", "name", "kind", "aliases"]].values:
        if kind != "country" and zone not in ("WORLD", "EU"):
            continue
        for label in [name, *str(aliases or "").split(";")]:
            if label.strip():
                names.setdefault(label.strip(), zone)
    names.setdefault("European Union (27)", "EU")
    return names


def _per_capita(sources: Path, out: Path, log: dict[str, list[str]]) -> list[dict[str, object]]:
    owid = pd.read_csv(sources.joinpath(*F_OWID))
    owid = owid[["Entity", "Year", COL_PER_CAPITA]].dropna()
    owid = owid[owid[COL_PER_CAPITA] > 0]
    newest = owid.sort_values("Year").groupby("Entity").tail(1)
    names = _zone_names(out)
    rows, unmatched = [], []
    for entity, year, value in newest.values:
        zone = names.get(entity)
        if zone is None:
            unmatched.append(entity)
            continue
        rows.append(
            {
                "key": "per_capita_electricity",
                "zone": zone,
                "year": int(year),
                "value": float(value),
                "unit": "kWh",
                "per": "person-year",
                "quantity": "energy",
                "label": "persons' annual electricity",
                "licence": "CC BY 4.0",
                "source": OWID_CITE + f" (entity '{entity}')",
                "source_url": "https://ourworldindata.org/grapher/per-capita-electricity-generation",
                "note": "electricity generation per person, all sectors (not only households)",
            }
        )
    log["per_capita_unmatched"] = sorted(unmatched)
    return sorted(rows, key=lambda r: str(r["zone"]))


def build(sources: Path, out: Path) -> list[Path]:
    """Write ``equivalences.csv`` from the raw sources (needs ``zones.csv`` built first)."""
    log: dict[str, list[str]] = {}
    rows = _green_algorithms(sources)
    for key, zone, year, value, unit, per, quantity, label, source, url, note in REPORTED:
        rows.append(
            {
                "key": key,
                "zone": zone,
                "year": year,
                "value": value,
                "unit": unit,
                "per": per,
                "quantity": quantity,
                "label": label,
                "licence": "fact cited from the source",
                "source": source,
                "source_url": url,
                "note": note,
            }
        )
    rows += _per_capita(sources, out, log)
    table = pd.DataFrame(rows, columns=COLUMNS)
    if table.duplicated(["key", "zone"]).any():
        raise ValueError("equivalences: duplicate (key, zone) rows")
    unmatched = log["per_capita_unmatched"]
    if unmatched:
        print(
            f"equivalences: {len(unmatched)} OWID aggregates/entities without a country zone "
            f"left out (e.g. {', '.join(unmatched[:5])})"
        )
    return [write_csv(table, out / "equivalences.csv", float_format="%.10g")]
