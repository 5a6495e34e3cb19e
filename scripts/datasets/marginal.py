"""Marginal grid emission factors by zone: the IFI harmonised default grid factors 2021.

Writes ``datasets/share-alike/marginal_intensity.csv`` and its licence notice
``datasets/share-alike/LICENSE-CC-BY-SA.md``: one row per zone the IFI table names, with
``combined_margin_g_per_kwh`` (the table's combined margin for *Electricity Consumption*,
the margin of added load) and ``operating_margin_g_per_kwh`` (its *Operating Margin Grid
Emission Factor*, "including for use in PCAF GHG accounting"), ``year`` 2021 (the factor
set), ``ifi_name`` (the table's own name), ``dataset`` and ``source``.

Source: ``../shared/sources/co2js-ifi-marginal`` (CO2.js, thegreenwebfoundation/co2.js
@27cbe83): ``IFI_Default_Grid_Factors_2021_v3.1_unfccc.csv`` gives the values (the IFI TWG
table as published by UNFCCC); ``marginal-intensities-2021.json`` (the same data keyed by
country, ISO codes added by CO2.js) gives each name's ISO-3 code. Every value is checked to
equal the JSON's. Licence: CC BY-SA (CO2.js: "the same permissive CC-BY-SA license"; taken
as CC BY-SA 4.0, see the source's SOURCE.md), so the table ships only under
``share-alike/`` with its own notice, never merged into a permissive table.

Units: gCO2/kWh in the source, **CO2 only** (combustion at the plant; no CH4 or N2O, no
upstream); footprint uses them as gCO2e/kWh and says so in the factor's note.

Zone mapping: the ISO-3 code of CO2.js to ``zones.csv`` / ``zones_subnational.csv``, except
:data:`ZONE_OVERRIDES`: "Canary Islands (Spain)" (CO2.js gives it Cayman's code CYM) -> the
seven Canary island zones ``ES-CN-*``; "Madeira (Portugal)" -> ``PT-MA``; the "Memo: EU 27"
line -> ``EU``. Names with no footprint zone (Andorra, Azores, Channel Islands, Monaco...,
listed by the build) are left out. Nine countries have 0 in every column, which the source
notes mean "no factor" (Albania, Bhutan, DR Congo, Eswatini, Ethiopia, Iceland, Lesotho,
Nepal, Paraguay: grids almost all hydro): their rows are kept with blank values, so footprint
can say why a marginal estimate there is refused.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pandas as pd

from datasets._common import write_csv

FOLDER = "co2js-ifi-marginal"
F_CSV = "IFI_Default_Grid_Factors_2021_v3.1_unfccc.csv"
F_JSON = "marginal-intensities-2021.json"
YEAR = 2021
DATASET = "ifi-twg-2021-v3.1-co2js"
OUT = Path("share-alike") / "marginal_intensity.csv"
NOTICE = Path("share-alike") / "LICENSE-CC-BY-SA.md"
COLUMNS = [
    "zone",
    "year",
    "combined_margin_g_per_kwh",
    "operating_margin_g_per_kwh",
    "ifi_name",
    "dataset",
    "source",
]

#: The source's value columns (second header line; the fifth is the combined margin of
#: electricity consumption) and the JSON keys holding the same values.
CM_COLUMNS = (
    "Firm Energy (e.g., Hydro, Geothermal)",
    "Intermittent Energy (e.g., Solar, Wind, Tidal)",
    "Energy Efficiency",
    "Electricity Consumption",
)
OM_JSON_KEY = "Operating Margin Grid Emission"

#: IFI names whose zone is not the CO2.js ISO-3 code's (or that have none).
ZONE_OVERRIDES: dict[str, tuple[str, ...]] = {
    # CO2.js gives the Canary Islands Cayman's ISO-3 code (CYM): one archipelago factor,
    # applied to each island zone of zones_subnational.csv
    "Canary Islands (Spain)": (
        "ES-CN-FV",
        "ES-CN-GC",
        "ES-CN-HI",
        "ES-CN-IG",
        "ES-CN-LP",
        "ES-CN-LZ",
        "ES-CN-TE",
    ),
    "Madeira (Portugal)": ("PT-MA",),
    "Memo:  EU 27": ("EU",),
}

SOURCE = (
    "IFI TWG / UNFCCC Harmonized IFI Default Grid Factors 2021 v3.1, row '{name}': combined "
    "margin for 'Electricity Consumption' and 'Operating Margin Grid Emission Factor' "
    "(gCO2/kWh, CO2 only), via Green Web Foundation CO2.js (thegreenwebfoundation/co2.js "
    "@27cbe83, data/IFI_Default_Grid_Factors_2021_v3.1_unfccc.csv). Marginal factors for "
    "decisions (added or avoided load), not inventories. CC BY-SA 4.0: attribute; share alike"
)
NO_FACTOR = (
    "; no factor: the source gives 0 in every column, which marks a country without a "
    "harmonised factor"
)

LICENSE_CC_BY_SA = """\
# Licence of `marginal_intensity.csv` (CC BY-SA 4.0)

`marginal_intensity.csv` in this folder is adapted from the **IFI TWG / UNFCCC Harmonized IFI
Default Grid Factors 2021 v3.1** (International Financial Institutions Technical Working
Group, https://unfccc.int/climate-action/sectoral-engagement/ifis-harmonization-of-standards-for-ghg-accounting),
as republished by the Green Web Foundation in CO2.js (`thegreenwebfoundation/co2.js`,
`data/IFI_Default_Grid_Factors_2021_v3.1_unfccc.csv` and
`data/output/marginal-intensities-2021.json`, commit
27cbe8328aeaad0824fb07b3640dc45b72228c7b).

Licence: CO2.js publishes this marginal intensity data "under the same permissive CC-BY-SA
license as the average carbon intensity data". This adapted table is made available under
the **Creative Commons Attribution-ShareAlike 4.0 International** licence (CC BY-SA 4.0):
https://creativecommons.org/licenses/by-sa/4.0/ (full text: `LICENSES/CC-BY-SA-4.0.txt`,
shipped in the package's licence files).

Attribution: "IFI TWG / UNFCCC Harmonized IFI Default Grid Factors 2021 v3.1, via Green Web
Foundation CO2.js (CC BY-SA 4.0)." Methodology:
https://unfccc.int/sites/default/files/resource/IFITWG_Methodological_approach_to_common_dataset.pdf

Disclaimer of the source (CO2.js): "The data used in this report is provided on an 'as is'
basis. Data is assembled using the best available data at the time of publication. Every
effort has been made to ensure accuracy, and where possible we compare multiple sources to
confirm their agreement. We take no responsibility for errors." No warranty is given by
footprint either (CC BY-SA 4.0, section 5).

Share-alike: if you share an adapted version of this table, you must license it under CC
BY-SA 4.0 (or a later version or a BY-SA compatible licence), credit the source as above and
indicate your changes.

What was changed: the CSV's two-line header replaced by one row per zone; of the four
combined-margin columns only "Electricity Consumption" is kept (`combined_margin_g_per_kwh`),
with the "Operating Margin Grid Emission Factor" (`operating_margin_g_per_kwh`); IFI names
mapped to footprint's zone codes through CO2.js's ISO-3 codes, except the Canary Islands
(CO2.js gives them Cayman's code; here the seven Canary island zones), Madeira (`PT-MA`) and
the EU-27 memo line (`EU`); names without a footprint zone left out; the 0 values of nine
countries (no factor) left blank; columns `year` (2021, the factor set), `ifi_name`,
`dataset` and `source` added. Values are unchanged (gCO2/kWh, CO2 only).

This licence applies to `marginal_intensity.csv` only. The other file of this folder has its
own licence (`LICENSE-ODbL.md`); the rest of `footprint` (code: MIT; other tables under
`datasets/`: see `datasets/SOURCES.md`) is not covered by it and does not depend on this file
to run (only the marginal basis, `--marginal`, reads it).
"""


def _csv_rows(path: Path) -> list[tuple[str, list[str]]]:
    """``(IFI name, [4 combined-margin values, operating margin])`` of the table's data lines."""
    with open(path, encoding="utf-8", newline="") as fh:
        records = list(csv.reader(fh))
    head = [[" ".join(cell.split()) for cell in r] for r in records[:3]]
    expected = [
        [
            "",
            "Combined Margin Grid Emission Factor, gCO2/kWh",
            "",
            "",
            "",
            "Operating Margin Grid Emission Factor, gCO2/kWh (including for use in PCAF GHG "
            "accounting)",
        ],
        ["", *CM_COLUMNS, ""],
        ["Country / Territory / Island", "", "", "", "", ""],
    ]
    if head != expected:
        raise ValueError(f"{F_CSV}: unexpected header {head}")
    rows = []
    for record in records[3:]:
        name, values = record[0], record[1:]
        if not name.strip() or name.startswith("Note "):
            continue
        if len(values) != 5 or not all(v.strip().isdigit() for v in values):
            raise ValueError(f"{F_CSV}: line {name!r} has values {values}")
        rows.append((name, values))
    return rows


def _iso3(sources: Path, rows: list[tuple[str, list[str]]]) -> dict[str, str]:
    """ISO-3 code of each IFI name (CO2.js's), after checking the JSON holds the same values."""
    raw = json.loads((sources / FOLDER / F_JSON).read_text(encoding="utf-8"))
    by_name = {entry["unfccc_country_name"]: entry for entry in raw.values()}
    codes = {}
    for name, values in rows:
        entry = by_name.get(name)
        if entry is None:
            raise ValueError(f"{F_JSON}: no entry for {name!r}")
        json_values = [entry[c] for c in CM_COLUMNS] + [entry[OM_JSON_KEY]]
        if json_values != values:
            raise ValueError(f"{name!r}: CSV {values} != JSON {json_values}")
        codes[name] = entry["country_code_iso_3"]
    if len(by_name) != len(rows):
        raise ValueError(f"{F_JSON}: {len(by_name)} entries, {len(rows)} CSV lines")
    return codes


def _zone_codes(out: Path) -> dict[str, str]:
    """ISO-3 code -> zone, from the built zone tables."""
    read = {"keep_default_na": False, "na_values": [""]}
    codes: dict[str, str] = {}
    for name in ("zones.csv", "zones_subnational.csv"):
        path = out / name
        if not path.is_file():
            raise FileNotFoundError(f"{path} missing: build 'grid' and 'subnational' first")
        zones = pd.read_csv(path, **read)
        for zone, iso3 in zones[["zone", "iso3"]].dropna().values:
            codes.setdefault(str(iso3), str(zone))
    return codes


def build_marginal(sources: Path, out: Path) -> tuple[pd.DataFrame, list[str]]:
    """The table, and the IFI names left out (no footprint zone)."""
    rows = _csv_rows(sources / FOLDER / F_CSV)
    iso3 = _iso3(sources, rows)
    zones = _zone_codes(out)
    table, left_out = [], []
    for name, values in rows:
        targets = ZONE_OVERRIDES.get(name) or ((zones[iso3[name]],) if iso3[name] in zones else ())
        if not targets:
            left_out.append(name)
            continue
        numbers = [int(v) for v in values]
        if any(numbers) and not all(numbers):
            raise ValueError(f"{name!r}: some values 0, others not: {numbers}")
        combined, operating = (numbers[3], numbers[4]) if any(numbers) else (None, None)
        source = SOURCE.format(name=" ".join(name.split())) + ("" if combined else NO_FACTOR)
        for zone in targets:
            table.append(
                {
                    "zone": zone,
                    "year": YEAR,
                    "combined_margin_g_per_kwh": combined,
                    "operating_margin_g_per_kwh": operating,
                    "ifi_name": " ".join(name.split()),
                    "dataset": DATASET,
                    "source": source,
                }
            )
    df = pd.DataFrame(table, columns=COLUMNS)
    if df.duplicated(["zone", "year"]).any():
        dup = df.zone[df.duplicated(["zone", "year"], keep=False)].tolist()
        raise ValueError(f"two IFI names map to one zone: {dup}")
    for column in ("combined_margin_g_per_kwh", "operating_margin_g_per_kwh"):
        df[column] = df[column].astype("Int64")
    return df.sort_values(["zone", "year"]).reset_index(drop=True), left_out


def build(sources: Path, out: Path) -> list[Path]:
    """Write the marginal table and its CC BY-SA notice (needs zones.csv and
    zones_subnational.csv, built by ``grid`` and ``subnational``)."""
    table, left_out = build_marginal(sources, out)
    blank = table.zone[table.combined_margin_g_per_kwh.isna()].tolist()
    print(
        f"marginal_intensity (CC BY-SA): {len(table)} zones, {len(blank)} without a factor "
        f"({', '.join(blank)}); IFI names without a footprint zone: {', '.join(left_out)}"
    )
    notice = out / NOTICE
    notice.parent.mkdir(parents=True, exist_ok=True)
    notice.write_text(LICENSE_CC_BY_SA, encoding="utf-8")
    return [write_csv(table, out / OUT), notice]
