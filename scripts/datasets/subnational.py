"""Sub-national grid tables: zones, annual intensity, generation mix; Electricity Maps yearly.

Writes into ``datasets/``:

``zones_subnational.csv``
    Zones below (or beside) the countries of ``zones.csv``, with the same columns: the 50
    US states and DC (``us-state``, ISO 3166-2 codes ``US-VA``), US balancing authorities
    (``us-ba``, Electricity Maps ids such as ``US-CAL-CISO``), the 27 US EPA eGRID
    subregions (``egrid-subregion``: eGRID's acronyms ``CAMX``, ``ERCT``..., also the ids of
    NREL Cambium's hourly regions; ``PRMS`` under Puerto Rico), Canadian provinces and
    territories (``ca-province``, ``CA-QC``), European bidding zones (``bidding-zone``:
    ``SE-SE1``..``SE-SE4``, ``NO-NO1``..``NO-NO5``, ``DK-DK1``/``DK-DK2``, the six Italian
    zones), other Electricity Maps sub-national regions (``grid-region``: Australian states,
    Indian and Japanese grid regions, Spanish islands...), and the few countries and
    territories that Electricity Maps covers but ``zones.csv`` (from OWID) lacks
    (``country``). ``parent`` is the ISO-2 country (a continent for those countries).
``grid_intensity_subnational.csv``
    Same columns as ``grid_intensity.csv``. Permissive sources only:

    * US states and DC, 2018-2021 and 2023: EPA eGRID state CO2e total output emission
      rates (STC2ERTA), as shipped by NREL ComStock and CodeCarbon 3.3.2 (lb/MWh converted
      to g/kWh). Basis ``direct`` (combustion, production-based).
    * eGRID subregions, 2018-2021: EPA eGRID subregion CO2e total output emission rates
      (SRC2ERTA) as shipped by NREL ComStock, lb/MWh to g/kWh; basis ``direct``
      (combustion-only, at the subregion's generators). Left out: the ``US`` row (the US
      country series is OWID/Ember's), ``NYST`` (not an eGRID subregion: New York State,
      equal to the state file's NY rates, which the builder checks) and Puerto Rico's 2018
      (ComStock repeats 2019's value: the builder checks it, footprint's nearest-year note
      says so instead). No subregion or state to balancing-authority mapping: none was
      found under an open licence (the eGRID plant file, PLNT sheet, would give one).
    * Canadian provinces and territories, 2023: CodeCarbon's generation shares times the
      lifecycle factors of ``LIFECYCLE_G_PER_KWH``. Basis ``lifecycle``.
    * Eight US balancing authorities, 2022: EIA-930 net generation by fuel (via HPE
      SustainDC) times the same factors; equal, by construction, to the generation-weighted
      mean of HPE's hourly ``avg_CI`` (the builder checks this hour by hour).
    * Swedish and Norwegian bidding zones, 2024: CodeCarbon's static Nordic factors (one
      value for all nine zones; see ``SRC_NORDIC``). Basis ``lifecycle`` (see there).
``generation_mix_subnational.csv``
    Same columns as ``generation_mix.csv``: the Canadian 2023 shares (``generation_twh``
    blank: the source gives percentages only) and the eight EIA-930 balancing authorities
    in 2022 (annual TWh summed from the hourly series).
``share-alike/electricitymaps_yearly.csv`` and ``share-alike/LICENSE-ODbL.md``
    Electricity Maps yearly zone averages 2021-2025 as republished by CO2.js: lifecycle,
    consumption-based gCO2e/kWh, renewable and carbon-free shares, for every zone it has.
    ODbL 1.0 (share-alike): kept in its own folder with its licence notice, never merged
    into the permissive tables above.

The builder reads ``zones.csv`` from the output folder (build ``grid`` first) and fails if
any code, name or alias here collides with one there or with another here, after
normalisation (lower case, spaces, hyphens, underscores, dots and slashes removed: the key
``footprint.catalogues.hardware.normalise_name`` uses).

References
----------
Schlömer S., Bruckner T., Fulton L., et al. (2014). Annex III: Technology-specific cost and
performance parameters, Table A.III.2 (lifecycle emissions of electricity supply
technologies, median values). In: Climate Change 2014: Mitigation of Climate Change,
Contribution of Working Group III to the Fifth Assessment Report of the IPCC. Cambridge
University Press.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import pandas as pd

from datasets._common import write_csv

ZONES_COLUMNS = ["zone", "name", "kind", "iso3", "parent", "aliases", "source"]
INTENSITY_COLUMNS = ["zone", "year", "intensity_g_per_kwh", "basis", "dataset", "source"]
TECHNOLOGIES = (
    "coal",
    "gas",
    "oil",
    "nuclear",
    "hydro",
    "wind",
    "solar",
    "bioenergy",
    "other_renewables",
)
MIX_COLUMNS = [
    "zone",
    "year",
    "generation_twh",
    *(f"{t}_share" for t in TECHNOLOGIES),
    "dataset",
    "source",
]
EM_COLUMNS = [
    "zone",
    "year",
    "intensity_g_per_kwh",
    "renewable_share",
    "carbon_free_share",
    "basis",
    "dataset",
    "source",
]
KINDS = (
    "us-state",
    "us-ba",
    "egrid-subregion",
    "ca-province",
    "bidding-zone",
    "grid-region",
    "country",
)
EM_YEARS = range(2021, 2026)

#: Pounds to kilograms (exact, by definition of the international avoirdupois pound).
KG_PER_LB = 0.45359237

#: Lifecycle gCO2e per kWh generated, by technology of the mix. IPCC AR5 WG3 Annex III
#: (Schlömer et al. 2014) Table A.III.2 medians: coal (pulverised) 820, gas (combined
#: cycle) 490, biomass (dedicated) 230, hydropower 24, nuclear 12, wind onshore 11,
#: solar PV rooftop 41, geothermal 38. AR5 gives no oil value: 650 is the value HPE's
#: EIA-930 series applies (its ``avg_CI`` is reproduced to 1e-9 g/kWh by this table, which
#: the builder checks), also Electricity Maps' default for oil. ``other_renewables`` takes
#: geothermal's value (tidal and "other" are zero in the Canadian data).
LIFECYCLE_G_PER_KWH = {
    "coal": 820.0,
    "gas": 490.0,
    "oil": 650.0,
    "nuclear": 12.0,
    "hydro": 24.0,
    "wind": 11.0,
    "solar": 41.0,
    "bioenergy": 230.0,
    "other_renewables": 38.0,
}
FACTORS_TEXT = (
    "lifecycle factors g/kWh coal 820, gas 490, oil 650, nuclear 12, hydro 24, wind 11, "
    "solar 41, bioenergy 230, other 38 (IPCC AR5 WG3 Annex III medians; oil 650 as in HPE's "
    "EIA-930 avg_CI, not in AR5)"
)

# --- dataset ids and citations --------------------------------------------------------

DS_EGRID_COMSTOCK = "egrid-2018-2021-comstock"
DS_EGRID_2023 = "egrid-2023-codecarbon"
DS_EGRID_SUBREGION = "egrid-subregion-2018-2021-comstock"
DS_CANADA = "codecarbon-canada-2023"
DS_NORDIC = "codecarbon-nordic-2026"
DS_EIA930 = "eia930-2022-hpe"
DS_EM = "electricitymaps-yearly-co2js"

SRC_EGRID_COMSTOCK = (
    "US EPA eGRID{year} state annual CO2-equivalent total output emission rate (field "
    "STC2ERTA, lb/MWh; US public domain) as shipped in NREL ComStock "
    "measures/emissions_reporting/resources/egrid/egrid_state_emissions_factors.csv "
    "(@19a0d63, BSD-3); x 0.45359237 lb->kg = g/kWh. CO2e (CO2+CH4+N2O), combustion at "
    "in-state generators (production-based, no upstream, no imports)"
)
SRC_EGRID_2023 = (
    "US EPA eGRID2023 state annual CO2-equivalent total output emission rate (field STC2ERTA, "
    "lb/MWh; US public domain) as shipped in CodeCarbon 3.3.2 "
    "data/private_infra/2023/usa_emissions.json (MIT); x 0.45359237 lb->kg = g/kWh. CO2e "
    "(CO2+CH4+N2O), combustion at in-state generators (production-based, no upstream, no "
    "imports)"
)
SRC_EGRID_SUBREGION = (
    "US EPA eGRID{year} subregion annual CO2-equivalent total output emission rate (field "
    "SRC2ERTA, lb/MWh; US public domain) as shipped in NREL ComStock "
    "measures/emissions_reporting/resources/egrid/egrid_subregion_emissions_factors.csv "
    "(@19a0d63, BSD-3); x 0.45359237 lb->kg = g/kWh. CO2e (CO2+CH4+N2O), combustion-only "
    "at the subregion's generators (production-based: no upstream or fuel supply, no "
    "imports, no line losses); all generation, not non-baseload or marginal"
)
SRC_CANADA = (
    "Generation shares by source 2023 from CodeCarbon 3.3.0 "
    "data/private_infra/2023/canada_energy_mix.json (MIT, mlco2/codecarbon @b05965e), "
    "normalised to sum to 1; intensity = sum of share x " + FACTORS_TEXT
)
SRC_NORDIC = (
    "CodeCarbon 3.3.0 data/private_infra/nordic_emissions.json (MIT, mlco2/codecarbon "
    "@b05965e, metadata last_updated 2026-01-24: 'based on historical averages from ENTSO-E "
    "data'), gCO2eq/kWh. One static value shared by all Swedish and Norwegian zones (no "
    "per-zone variation; below OWID/Ember's national lifecycle figures). Basis not stated "
    "upstream: taken as lifecycle because the file's Finland value (72) equals Ember's "
    "lifecycle 2024 figure for Finland"
)
SRC_EIA930 = (
    "US EIA Form EIA-930 hourly net generation by fuel, 2022 (US public domain), as "
    "processed by HPE SustainDC (HewlettPackard/dc-rl @a92b475, data/CarbonIntensity, MIT); "
    "annual sums of hourly MWh, production-based (in-area generation, no imports); "
    "intensity = sum of share x " + FACTORS_TEXT
)
SRC_EM = (
    "Electricity Maps (electricitymaps.com) yearly zone average {year}, as republished in "
    "CO2.js (thegreenwebfoundation/co2.js @27cbe83, "
    "data/output/electricity-maps/yearly_{year}.json). Lifecycle, consumption-based "
    "(flow-traced, imports included). ODbL 1.0: attribute Electricity Maps; share alike"
)
SRC_EM_PRELIMINARY = "; 2025 as available in Feb 2026, may be preliminary"

# --- raw file locations ---------------------------------------------------------------

F_US_COMSTOCK = ("egrid-nrel-comstock", "egrid_state_co2e_lb_per_mwh_2018_2021.csv")
F_US_2023 = ("codecarbon-3.3.2-updates", "usa_emissions_2023.json")
F_EGRID_SUBREGIONS = ("egrid-nrel-comstock", "egrid_subregion_co2e_lb_per_mwh_2018_2021.csv")
F_CANADA = ("codecarbon", "canada_energy_mix_2023.json")
F_NORDIC = ("codecarbon", "nordic_emissions.json")
F_EIA930 = "eia930-hourly-us-ba"
F_EM = "electricitymaps-yearly"

# --- curated zone metadata ------------------------------------------------------------

#: US states and DC: ISO 3166-2 subdivision code suffix -> English name.
_US_STATES = {
    "AL": "Alabama",
    "AK": "Alaska",
    "AZ": "Arizona",
    "AR": "Arkansas",
    "CA": "California",
    "CO": "Colorado",
    "CT": "Connecticut",
    "DE": "Delaware",
    "DC": "District of Columbia",
    "FL": "Florida",
    "GA": "Georgia",
    "HI": "Hawaii",
    "ID": "Idaho",
    "IL": "Illinois",
    "IN": "Indiana",
    "IA": "Iowa",
    "KS": "Kansas",
    "KY": "Kentucky",
    "LA": "Louisiana",
    "ME": "Maine",
    "MD": "Maryland",
    "MA": "Massachusetts",
    "MI": "Michigan",
    "MN": "Minnesota",
    "MS": "Mississippi",
    "MO": "Missouri",
    "MT": "Montana",
    "NE": "Nebraska",
    "NV": "Nevada",
    "NH": "New Hampshire",
    "NJ": "New Jersey",
    "NM": "New Mexico",
    "NY": "New York",
    "NC": "North Carolina",
    "ND": "North Dakota",
    "OH": "Ohio",
    "OK": "Oklahoma",
    "OR": "Oregon",
    "PA": "Pennsylvania",
    "RI": "Rhode Island",
    "SC": "South Carolina",
    "SD": "South Dakota",
    "TN": "Tennessee",
    "TX": "Texas",
    "UT": "Utah",
    "VT": "Vermont",
    "VA": "Virginia",
    "WA": "Washington",
    "WV": "West Virginia",
    "WI": "Wisconsin",
    "WY": "Wyoming",
}
#: Names that would collide with a country (Georgia = GE) get a qualified name; extra
#: aliases per state.
_US_NAME_OVERRIDES = {"GA": "Georgia (US state)"}
_US_EXTRA_ALIASES = {
    "GA": ["Georgia US state", "State of Georgia"],
    "WA": ["Washington State"],
    "DC": ["Washington, D.C.", "Washington DC"],
}

#: US EPA eGRID subregions: acronym (eGRID field SUBRGN) -> (name, eGRID field SRNAME;
#: parent zone). Puerto Rico's is under PR, a country of zones.csv (OWID; its state rates
#: are not a zone here either). The 19 of the contiguous US other than New York's are NREL
#: Cambium's hourly regions under the same acronyms and names
#: (``datasets/hourly/cambium/zones.csv``, built by ``hourly_series``).
_EGRID_SUBREGIONS = {
    "AKGD": ("ASCC Alaska Grid", "US"),
    "AKMS": ("ASCC Miscellaneous", "US"),
    "AZNM": ("WECC Southwest", "US"),
    "CAMX": ("WECC California", "US"),
    "ERCT": ("ERCOT All", "US"),
    "FRCC": ("FRCC All", "US"),
    "HIMS": ("HICC Miscellaneous", "US"),
    "HIOA": ("HICC Oahu", "US"),
    "MROE": ("MRO East", "US"),
    "MROW": ("MRO West", "US"),
    "NEWE": ("NPCC New England", "US"),
    "NWPP": ("WECC Northwest", "US"),
    "NYCW": ("NPCC NYC/Westchester", "US"),
    "NYLI": ("NPCC Long Island", "US"),
    "NYUP": ("NPCC Upstate NY", "US"),
    "PRMS": ("Puerto Rico Miscellaneous", "PR"),
    "RFCE": ("RFC East", "US"),
    "RFCM": ("RFC Michigan", "US"),
    "RFCW": ("RFC West", "US"),
    "RMPA": ("WECC Rockies", "US"),
    "SPNO": ("SPP North", "US"),
    "SPSO": ("SPP South", "US"),
    "SRMV": ("SERC Mississippi Valley", "US"),
    "SRMW": ("SERC Midwest", "US"),
    "SRSO": ("SERC South", "US"),
    "SRTV": ("SERC Tennessee Valley", "US"),
    "SRVC": ("SERC Virginia/Carolina", "US"),
}
#: Rows of the ComStock subregion file that are not eGRID subregions: the national rate
#: (the US country series comes from OWID) and New York State (Cambium's GEA region NYST,
#: whose rates are the state file's NY rates).
_EGRID_NOT_SUBREGIONS = ("US", "NYST")

#: Canadian provinces and territories: ISO 3166-2 suffix -> (English name, extra aliases).
_CA_PROVINCES = {
    "AB": ("Alberta", []),
    "BC": ("British Columbia", []),
    "MB": ("Manitoba", []),
    "NB": ("New Brunswick", []),
    "NL": ("Newfoundland and Labrador", ["Newfoundland"]),
    "NS": ("Nova Scotia", []),
    "NT": ("Northwest Territories", ["NWT"]),
    "NU": ("Nunavut", []),
    "ON": ("Ontario", []),
    "PE": ("Prince Edward Island", ["PEI"]),
    "QC": ("Quebec", ["Québec"]),
    "SK": ("Saskatchewan", []),
    "YT": ("Yukon", []),
}

#: European bidding zones: code -> (name, aliases). Names follow Electricity Maps' zone
#: names with the market area code; Italian aliases are ENTSO-E's area names.
_BIDDING_ZONES = {
    "SE-SE1": ("North Sweden (SE1)", ["SE1", "Sweden SE1", "North Sweden"]),
    "SE-SE2": ("North Central Sweden (SE2)", ["SE2", "Sweden SE2", "North Central Sweden"]),
    "SE-SE3": ("South Central Sweden (SE3)", ["SE3", "Sweden SE3", "South Central Sweden"]),
    "SE-SE4": ("South Sweden (SE4)", ["SE4", "Sweden SE4", "South Sweden"]),
    "NO-NO1": ("Southeast Norway (NO1)", ["NO1", "Norway NO1", "Southeast Norway"]),
    "NO-NO2": ("Southwest Norway (NO2)", ["NO2", "Norway NO2", "Southwest Norway"]),
    "NO-NO3": ("Middle Norway (NO3)", ["NO3", "Norway NO3", "Middle Norway"]),
    "NO-NO4": ("North Norway (NO4)", ["NO4", "Norway NO4", "North Norway"]),
    "NO-NO5": ("West Norway (NO5)", ["NO5", "Norway NO5", "West Norway"]),
    "DK-DK1": ("West Denmark (DK1)", ["DK1", "Denmark DK1", "West Denmark"]),
    "DK-DK2": ("East Denmark (DK2)", ["DK2", "Denmark DK2", "East Denmark"]),
    "IT-NO": ("North Italy (NORD)", ["IT-North", "North Italy"]),
    "IT-CNO": ("Central North Italy (CNOR)", ["IT-Centre-North", "Central North Italy"]),
    "IT-CSO": ("Central South Italy (CSUD)", ["IT-Centre-South", "Central South Italy"]),
    "IT-SO": ("South Italy (SUD)", ["IT-South", "South Italy"]),
    "IT-SIC": ("Sicily (SICI)", ["IT-Sicily", "Sicily"]),
    "IT-SAR": ("Sardinia (SARD)", ["IT-Sardinia", "Sardinia"]),
}
_NORDIC_CODES = {f"{c[:2]}{c[-1]}": c for c in _BIDDING_ZONES if c[:2] in ("SE", "NO")}

#: Electricity Maps zone names too generic to be a unique, meaningful name.
_EM_NAME_OVERRIDES = {
    "RU-1": "Russia Europe-Ural",
    "RU-2": "Russia Siberia",
    "RU-AS": "Russia East",
    "MY-EM": "East Malaysia (Borneo)",
    "MY-WM": "Peninsular Malaysia",
    "FO-MI": "Faroe Islands Main Islands",
    "FO-SI": "Faroe Islands South Island",
    "CL-SEN": "Chile Sistema Eléctrico Nacional",
    "GB-ORK": "Orkney Islands",
}
#: Electricity Maps ids renamed because they normalise to another zone's label ("BR-N" ->
#: "brn", Brunei's ISO-3 code). The share-alike table uses the new code and says so.
_EM_ZONE_RENAMES = {"BR-N": "BR-NO"}
#: Electricity Maps (ISO-2) zones missing from zones.csv: ISO-3, continent (OWID's
#: convention: Caribbean in North America, Mayotte in Africa).
_EXTRA_COUNTRIES = {
    "AX": ("ALA", "EUROPE", "Åland Islands", ["Aland Islands", "Åland"]),
    "CW": ("CUW", "NORTH-AMERICA", "Curaçao", ["Curacao"]),
    "FM": ("FSM", "OCEANIA", "Micronesia", ["Federated States of Micronesia"]),
    "GS": ("SGS", "SOUTH-AMERICA", "South Georgia and the South Sandwich Islands", []),
    "PW": ("PLW", "OCEANIA", "Palau", []),
    "YT": ("MYT", "AFRICA", "Mayotte", []),
}

#: EIA-930 fuel columns -> mix technology. EIA-930 "OTH" (biomass, geothermal, waste,
#: other) is counted as bioenergy: HPE's avg_CI applies biomass's 230 g/kWh to it.
_EIA_FUELS = {
    "COL": "coal",
    "NG": "gas",
    "OIL": "oil",
    "NUC": "nuclear",
    "WAT": "hydro",
    "WND": "wind",
    "SUN": "solar",
    "OTH": "bioenergy",
}
#: EIA-930 balancing authority code -> Electricity Maps zone id.
_EIA_BA_ZONES = {
    "AZPS": "US-SW-AZPS",
    "BPAT": "US-NW-BPAT",
    "CISO": "US-CAL-CISO",
    "ERCO": "US-TEX-ERCO",
    "MISO": "US-MIDW-MISO",
    "NYIS": "US-NY-NYIS",
    "PJM": "US-MIDA-PJM",
    "SOCO": "US-SE-SOCO",
}
#: CodeCarbon Canadian mix keys -> mix technology.
_CANADA_SOURCES = {
    "coal": "coal",
    "naturalGas": "gas",
    "petroleum": "oil",
    "nuclear": "nuclear",
    "hydro": "hydro",
    "wind": "wind",
    "solar": "solar",
    "biomass": "bioenergy",
    "tidal": "other_renewables",
    "other": "other_renewables",
}


def normalise(label: str) -> str:
    """Matching key of a code, name or alias (same rule as ``footprint.catalogues.hardware``)."""
    return re.sub(r"[\s\-_/.]+", "", label.strip().lower())


def _read_json(path: Path) -> dict:
    with path.open(encoding="utf-8") as fh:
        return json.load(fh)


# --- intensity and mix from permissive sources ------------------------------------------


def _us_states(sources: Path) -> pd.DataFrame:
    """US states and DC: eGRID state CO2e output rates, one basis for the whole series (the
    eGRID2016 CO2-only rates CodeCarbon 3.3.0 ships are not spliced in)."""
    return pd.DataFrame(_us_states_co2e(sources), columns=INTENSITY_COLUMNS)


def _us_states_co2e(sources: Path) -> list[dict]:
    """eGRID state CO2e output rates: 2018-2021 (NREL ComStock) and 2023 (CodeCarbon 3.3.2)."""
    rows = []
    table = pd.read_csv(sources.joinpath(*F_US_COMSTOCK), dtype={"state": str})
    states = set(table.state) - {"PR"}  # Puerto Rico is not a zone here
    if states != set(_US_STATES):
        raise ValueError(f"{F_US_COMSTOCK[1]}: states differ: {sorted(states ^ set(_US_STATES))}")
    for record in table[table.state != "PR"].to_dict("records"):
        for year in (2018, 2019, 2020, 2021):
            lb_per_mwh = float(record[str(year)])
            rows.append(
                {
                    "zone": f"US-{record['state']}",
                    "year": year,
                    "intensity_g_per_kwh": lb_per_mwh * KG_PER_LB,
                    "basis": "direct",
                    "dataset": DS_EGRID_COMSTOCK,
                    "source": f"{SRC_EGRID_COMSTOCK.format(year=year)}; raw "
                    f"'{record['state']}': {lb_per_mwh:g} lb/MWh",
                }
            )
    raw = _read_json(sources.joinpath(*F_US_2023))
    unit = raw.pop("_unit")["emissions"]
    meta = raw.pop("_source")
    if unit != "lbs/MWh" or meta.get("field") != "STC2ERTA" or int(meta.get("year")) != 2023:
        raise ValueError(f"{F_US_2023[1]}: expected eGRID2023 STC2ERTA in lbs/MWh, got {meta}")
    raw.pop("usa")  # national average: the US country series comes from OWID
    by_code = {v["regionCode"]: (k, float(v["emissions"])) for k, v in raw.items()}
    if set(by_code) != set(_US_STATES):
        raise ValueError(f"{F_US_2023[1]}: states differ: {sorted(set(by_code) ^ set(_US_STATES))}")
    for code, (key, lb_per_mwh) in sorted(by_code.items()):
        if key != _US_STATES[code].lower():
            raise ValueError(f"{F_US_2023[1]}: {code} is {key!r}, expected {_US_STATES[code]!r}")
        rows.append(
            {
                "zone": f"US-{code}",
                "year": 2023,
                "intensity_g_per_kwh": lb_per_mwh * KG_PER_LB,
                "basis": "direct",
                "dataset": DS_EGRID_2023,
                "source": f"{SRC_EGRID_2023}; raw '{key}': {lb_per_mwh:g} lb/MWh",
            }
        )
    return rows


def _egrid_subregions(sources: Path) -> pd.DataFrame:
    """eGRID subregion CO2e output rates 2018-2021 (NREL ComStock), the eGRID subregions only.

    Checks on the way: the file holds the 27 subregions, ``US`` and ``NYST``; ``NYST`` equals
    the state file's New York rates every year (it is New York State, left out); Puerto
    Rico's 2018 equals its 2019 (ComStock's stated fill, left out).
    """
    table = pd.read_csv(sources.joinpath(*F_EGRID_SUBREGIONS), dtype={"subregion": str})
    years = ("2018", "2019", "2020", "2021")
    if list(table.columns) != ["subregion", *years]:
        raise ValueError(f"{F_EGRID_SUBREGIONS[1]}: unexpected columns {list(table.columns)}")
    expected = set(_EGRID_SUBREGIONS) | set(_EGRID_NOT_SUBREGIONS)
    if set(table.subregion) != expected or not table.subregion.is_unique:
        got = set(table.subregion) ^ expected
        raise ValueError(f"{F_EGRID_SUBREGIONS[1]}: subregions differ: {sorted(got)}")
    by_code = table.set_index("subregion")
    states = pd.read_csv(sources.joinpath(*F_US_COMSTOCK), dtype={"state": str}).set_index("state")
    for year in years:
        if float(by_code.at["NYST", year]) != float(states.at["NY", year]):
            raise ValueError(f"{F_EGRID_SUBREGIONS[1]}: NYST {year} is not NY's state rate")
    if float(by_code.at["PRMS", "2018"]) != float(by_code.at["PRMS", "2019"]):
        raise ValueError(f"{F_EGRID_SUBREGIONS[1]}: PRMS 2018 no longer repeats 2019")
    rows = []
    for code in sorted(_EGRID_SUBREGIONS):
        for year in years:
            if code == "PRMS" and year == "2018":
                continue  # ComStock's README: 2018 unavailable for PRMS, 2019's value used
            lb_per_mwh = float(by_code.at[code, year])
            rows.append(
                {
                    "zone": code,
                    "year": int(year),
                    "intensity_g_per_kwh": lb_per_mwh * KG_PER_LB,
                    "basis": "direct",
                    "dataset": DS_EGRID_SUBREGION,
                    "source": f"{SRC_EGRID_SUBREGION.format(year=year)}; raw '{code}': "
                    f"{lb_per_mwh:g} lb/MWh",
                }
            )
    return pd.DataFrame(rows, columns=INTENSITY_COLUMNS)


def _frames(intensity: list[dict], mix: list[dict]) -> tuple[pd.DataFrame, pd.DataFrame]:
    return (
        pd.DataFrame(intensity, columns=INTENSITY_COLUMNS),
        pd.DataFrame(mix, columns=MIX_COLUMNS),
    )


def _lifecycle(shares: dict[str, float]) -> float:
    return sum(shares[t] * LIFECYCLE_G_PER_KWH[t] for t in TECHNOLOGIES)


def _canada(sources: Path) -> tuple[pd.DataFrame, pd.DataFrame]:
    raw = _read_json(sources.joinpath(*F_CANADA))
    by_name = {name.casefold(): code for code, (name, _) in _CA_PROVINCES.items()}
    if set(raw) != set(by_name):
        raise ValueError(f"{F_CANADA[1]}: provinces differ: {sorted(set(raw) ^ set(by_name))}")
    intensity, mix = [], []
    for key, values in sorted(raw.items()):
        zone = f"CA-{by_name[key]}"
        unknown = set(values) - set(_CANADA_SOURCES) - {"total"}
        if unknown:
            raise ValueError(f"{F_CANADA[1]}: unknown sources {sorted(unknown)}")
        percent = dict.fromkeys(TECHNOLOGIES, 0.0)
        for src, tech in _CANADA_SOURCES.items():
            percent[tech] += float(values.get(src, 0.0))
        total = sum(percent.values())
        if abs(total - float(values["total"])) > 0.05 or abs(total - 100) > 0.5:
            raise ValueError(f"{F_CANADA[1]}: {key} sums to {total}, total {values['total']}")
        shares = {t: p / total for t, p in percent.items()}
        note = f"; raw '{key}' shares (%) sum {total:g}"
        intensity.append(
            {
                "zone": zone,
                "year": 2023,
                "intensity_g_per_kwh": _lifecycle(shares),
                "basis": "lifecycle",
                "dataset": DS_CANADA,
                "source": SRC_CANADA + note,
            }
        )
        mix.append(
            {
                "zone": zone,
                "year": 2023,
                "generation_twh": np.nan,
                **{f"{t}_share": shares[t] for t in TECHNOLOGIES},
                "dataset": DS_CANADA,
                "source": SRC_CANADA.split("; intensity")[0]
                + note
                + "; generation_twh blank: the source gives percentages only",
            }
        )
    return _frames(intensity, mix)


def _eia930(sources: Path, log: dict) -> tuple[pd.DataFrame, pd.DataFrame]:
    intensity, mix = [], []
    for ba, zone in sorted(_EIA_BA_ZONES.items()):
        path = sources / F_EIA930 / f"{ba}_2022_hourly_gen_and_avgCI.csv"
        hourly = pd.read_csv(path)
        fuels = hourly[list(_EIA_FUELS)].rename(columns=_EIA_FUELS)
        complete = fuels.notna().all(axis=1) & hourly.avg_CI.notna()
        # The per-fuel factors must reproduce HPE's hourly average intensity.
        total = fuels.sum(axis=1)
        ok = complete & (total > 0)
        recomputed = sum(fuels[t] * LIFECYCLE_G_PER_KWH[t] for t in _EIA_FUELS.values())
        err = float((recomputed[ok] / total[ok] - hourly.avg_CI[ok]).abs().max())
        if err > 1e-6:
            raise ValueError(f"{path.name}: factors do not reproduce avg_CI (max {err:g})")
        twh = fuels[complete].sum() / 1e6
        generation = float(twh.sum())
        shares = {t: float(twh.get(t, 0.0)) / generation for t in TECHNOLOGIES}
        log.setdefault("eia930", {})[zone] = {
            "hours_used": int(complete.sum()),
            "hours_missing": int((~complete).sum()),
            "twh": round(generation, 2),
            "hpe_mean_avg_ci": round(float(hourly.avg_CI.mean()), 1),
        }
        note = (
            f"; BA {ba}, {int(complete.sum())} of {len(hourly)} hours complete "
            f"({int((~complete).sum())} with gaps left out); EIA 'OTH' (biomass, geothermal, "
            "waste, other) counted as bioenergy"
        )
        intensity.append(
            {
                "zone": zone,
                "year": 2022,
                "intensity_g_per_kwh": _lifecycle(shares),
                "basis": "lifecycle",
                "dataset": DS_EIA930,
                "source": SRC_EIA930 + note,
            }
        )
        mix.append(
            {
                "zone": zone,
                "year": 2022,
                "generation_twh": generation,
                **{f"{t}_share": shares[t] for t in TECHNOLOGIES},
                "dataset": DS_EIA930,
                "source": SRC_EIA930.split("; intensity")[0] + note,
            }
        )
    return _frames(intensity, mix)


def _nordic(sources: Path, log: dict) -> pd.DataFrame:
    raw = _read_json(sources.joinpath(*F_NORDIC))["data"]
    rows, skipped = [], []
    for key, entry in sorted(raw.items()):
        if key not in _NORDIC_CODES:
            skipped.append(f"{key} ({entry['description']})")
            continue
        if entry["unit"] != "gCO2eq/kWh":
            raise ValueError(f"{F_NORDIC[1]}: {key} unit {entry['unit']!r}")
        rows.append(
            {
                "zone": _NORDIC_CODES[key],
                "year": int(entry["year"]),
                "intensity_g_per_kwh": float(entry["emission_factor"]),
                "basis": "lifecycle",
                "dataset": DS_NORDIC,
                "source": f"{SRC_NORDIC}; raw key '{key}'",
            }
        )
    if len(rows) != len(_NORDIC_CODES):
        raise ValueError(f"{F_NORDIC[1]}: expected {sorted(_NORDIC_CODES)}")
    # FI is a country: zones.csv and grid_intensity.csv (OWID/Ember) already cover it.
    log["nordic_skipped"] = skipped
    return pd.DataFrame(rows, columns=INTENSITY_COLUMNS)


# --- Electricity Maps (ODbL) ------------------------------------------------------------


def _electricitymaps(sources: Path) -> tuple[pd.DataFrame, dict[str, dict]]:
    rows, meta = [], {}
    for year in EM_YEARS:
        raw = _read_json(sources / F_EM / f"yearly_{year}.json")
        for em_zone, entry in raw.items():
            zone = _EM_ZONE_RENAMES.get(em_zone, em_zone)
            units = {k: entry[k]["unit"] for k in ("carbonIntensity", "renewableEnergy")}
            units["carbonFreeEnergy"] = entry["carbonFreeEnergy"]["unit"]
            if units != {
                "carbonIntensity": "gCO2eq/kWh",
                "renewableEnergy": "%",
                "carbonFreeEnergy": "%",
            }:
                raise ValueError(f"yearly_{year}.json: {zone} units {units}")
            source = SRC_EM.format(year=year) + (SRC_EM_PRELIMINARY if year == 2025 else "")
            if zone != em_zone:
                source += f"; Electricity Maps zone id '{em_zone}' (renamed: see zones_subnational)"
            rows.append(
                {
                    "zone": zone,
                    "year": year,
                    "intensity_g_per_kwh": float(entry["carbonIntensity"]["value"]),
                    "renewable_share": float(entry["renewableEnergy"]["value"]) / 100.0,
                    "carbon_free_share": float(entry["carbonFreeEnergy"]["value"]) / 100.0,
                    "basis": "lifecycle",
                    "dataset": DS_EM,
                    "source": source,
                }
            )
            meta[zone] = entry["zone"]  # newest year's names win
    return pd.DataFrame(rows, columns=EM_COLUMNS), meta


# --- zones ------------------------------------------------------------------------------


def _kind(zone: str) -> str:
    if zone in _EGRID_SUBREGIONS:
        return "egrid-subregion"
    if zone in _BIDDING_ZONES:
        return "bidding-zone"
    if zone.startswith("US-"):
        return "us-state" if zone[3:] in _US_STATES else "us-ba"
    if zone.startswith("CA-"):
        return "ca-province"
    if zone in _EXTRA_COUNTRIES:
        return "country"
    if "-" in zone:
        return "grid-region"
    raise ValueError(f"zone {zone!r}: no kind (a country missing from _EXTRA_COUNTRIES?)")


def _zones(em_meta: dict[str, dict], em_countries_known: set[str]) -> pd.DataFrame:
    em_note = "zone id and name as used by Electricity Maps (electricitymaps.com)"
    rows: dict[str, dict] = {}

    def add(zone: str, name: str, parent: str, aliases: list[str], source: str, iso3: str = ""):
        if zone in em_meta:
            source += f"; {em_note}: '{em_meta[zone]['zoneName']}'"
        rows[zone] = {
            "zone": zone,
            "name": name,
            "kind": _kind(zone),
            "iso3": iso3,
            "parent": parent,
            "aliases": aliases,
            "source": source,
        }

    for code, state in _US_STATES.items():
        name = _US_NAME_OVERRIDES.get(code, state)
        aliases = [f"{state}, US", f"{state}, USA", *_US_EXTRA_ALIASES.get(code, [])]
        add(
            f"US-{code}",
            name,
            "US",
            aliases,
            "US state or federal district, ISO 3166-2:US code",
        )
    for code, (name, parent) in _EGRID_SUBREGIONS.items():
        add(
            code,
            name,
            parent,
            [f"eGRID {code}"],
            "US EPA eGRID subregion: acronym (SUBRGN) and name (SRNAME) as in eGRID; plants "
            "grouped by NERC region and power control area, not by state borders (no "
            "subregion to state or balancing-authority mapping is shipped)",
        )
    for code, (name, extra) in _CA_PROVINCES.items():
        add(
            f"CA-{code}",
            name,
            "CA",
            [*extra, f"{name}, Canada"],
            "Canadian province or territory, ISO 3166-2:CA code",
        )
    for zone, (name, aliases) in _BIDDING_ZONES.items():
        add(zone, name, zone[:2], aliases, "European electricity market bidding zone")

    for zone, meta in sorted(em_meta.items()):
        if zone in rows:
            continue
        if "-" not in zone:
            if zone in em_countries_known:
                continue
            if zone not in _EXTRA_COUNTRIES:
                raise ValueError(f"Electricity Maps zone {zone!r} is not in zones.csv")
            iso3, continent, name, aliases = _EXTRA_COUNTRIES[zone]
            if meta["zoneName"] not in (name, *aliases):
                aliases = [*aliases, meta["zoneName"]]
            add(
                zone,
                name,
                continent,
                aliases,
                "ISO 3166-1 country or territory missing from OWID's data",
                iso3,
            )
            continue
        kind = _kind(zone)
        if kind == "us-ba":
            name, aliases = meta["zoneName"], []
            display = meta.get("displayName")
            if display and len(display) > len(name):
                name, display = display, name
            if display and display.casefold() != name.casefold():
                aliases.append(display)
            eia = zone.rsplit("-", 1)[1]
            if len(eia) > 2 and eia.casefold() != (display or "").casefold():
                aliases.append(eia)  # EIA balancing-authority code (2-letter ones clash)
            add(zone, name, "US", aliases, "US balancing authority")
        else:
            name = _EM_NAME_OVERRIDES.get(zone, meta["zoneName"])
            source = "sub-national grid region"
            renamed = [k for k, v in _EM_ZONE_RENAMES.items() if v == zone]
            if renamed:
                source += (
                    f" (Electricity Maps id '{renamed[0]}' renamed: normalised it equals "
                    "another zone's code or alias)"
                )
            add(zone, name, zone.split("-")[0], [], source)

    zones = pd.DataFrame(list(rows.values()), columns=ZONES_COLUMNS)
    zones["aliases"] = [
        ";".join(dict.fromkeys(a for a in al if a.casefold() not in {n.casefold(), z.casefold()}))
        for al, n, z in zip(zones.aliases, zones.name, zones.zone, strict=True)
    ]
    return zones.sort_values("zone").reset_index(drop=True)


def label_owners(zones: pd.DataFrame) -> dict[str, set[str]]:
    """Normalised label -> zones using it as code, name, ISO-3 or alias."""
    owners: dict[str, set[str]] = {}
    for z in zones.itertuples():
        aliases = z.aliases.split(";") if isinstance(z.aliases, str) else []
        iso3 = z.iso3 if isinstance(z.iso3, str) else ""
        for label in (z.zone, z.name, iso3, *aliases):
            if label:
                owners.setdefault(normalise(label), set()).add(z.zone)
    return owners


def _check_collisions(national: pd.DataFrame, sub: pd.DataFrame) -> None:
    clashes = {k: v for k, v in label_owners(pd.concat([national, sub])).items() if len(v) > 1}
    if clashes:
        raise ValueError(f"labels naming several zones: {clashes}")


# --- entry point ------------------------------------------------------------------------

LICENSE_ODBL = """\
# Licence of the ODbL files in `share-alike/`

`electricitymaps_yearly.csv` is a database derived from the **Electricity Maps** yearly
zone averages (electricitymaps.com), as republished by CO2.js (The Green Web Foundation,
`thegreenwebfoundation/co2.js`, `data/output/electricity-maps/yearly_2021.json` ...
`yearly_2025.json`, commit 27cbe8328aeaad0824fb07b3640dc45b72228c7b).

This database is made available under the **Open Database License (ODbL) v1.0**:
https://opendatacommons.org/licenses/odbl/1-0/ (summary:
https://opendatacommons.org/licenses/odbl/summary/). Any rights in individual contents of
the database are licensed on the terms under which Electricity Maps publishes them.

Attribution: "Contains data from Electricity Maps (electricitymaps.com), available under the
Open Database License (ODbL) v1.0, via CO2.js." Electricity Maps' methodology:
https://www.electricitymaps.com/data/methodology

Share-alike: if you publicly use an adapted version of this database, or works produced
from one, you must offer that adapted database under the ODbL. Keep open: if you
redistribute it with technical restrictions (DRM), also offer a version without them.

What was changed: JSON converted to CSV; percentages divided by 100 into fractions
(`renewable_share`, `carbon_free_share`); columns `basis`, `dataset` and `source` added.
Zone ids and values are unchanged.

The Electricity Maps hourly series in `hourly/` are under the same licence; their origin,
publication dates and changes are in `hourly/LICENSE-ODbL.md`.

This licence applies to the ODbL files in this folder only (not `marginal_intensity.csv`:
CC BY-SA 4.0, see `LICENSE-CC-BY-SA.md`). The rest of `footprint` (code: MIT;
other tables under `datasets/`: see `datasets/SOURCES.md`) is not covered by it and does
not depend on these files to run.
"""


def _summary(
    intensity: pd.DataFrame,
    mix: pd.DataFrame,
    zones: pd.DataFrame,
    em: pd.DataFrame,
    national: pd.DataFrame,
    log: dict,
) -> str:
    kinds = zones.kind.value_counts().to_dict()
    us = zones.zone[zones.kind.isin(["us-state", "us-ba", "egrid-subregion"])]
    em_last = em.groupby("zone").year.max()
    owid_last = national.groupby("zone").year.max()
    shared = sorted(set(em_last.index) & set(owid_last.index))
    newer = [z for z in shared if em_last[z] > owid_last[z]]
    owid_years = owid_last[shared].value_counts().sort_index().to_dict()
    no_owid = sorted(set(em_last.index) - set(owid_last.index))
    return "\n".join(
        [
            f"zones_subnational: {len(zones)} zones {kinds}",
            f"grid_intensity_subnational: {len(intensity)} rows, by dataset "
            f"{intensity.dataset.value_counts().to_dict()}; US sub-national zones with an "
            f"intensity: {len(set(us) & set(intensity.zone))}",
            f"generation_mix_subnational: {len(mix)} rows, {mix.dataset.value_counts().to_dict()}",
            f"  EIA-930: {log['eia930']}",
            f"  CodeCarbon Nordic entries left out (countries): {log['nordic_skipped']}",
            f"electricitymaps_yearly (ODbL): {len(em)} rows, {em.zone.nunique()} zones, "
            f"{em.year.min()}-{em.year.max()}; US sub-national zones "
            f"{len(set(us) & set(em.zone))}; of {len(shared)} zones also in "
            f"grid_intensity.csv, {len(newer)} have a newer year (that table's last year: "
            f"{owid_years}); {len(no_owid)} zones are not in grid_intensity.csv at all",
        ]
    )


def build(sources: Path, out: Path) -> list[Path]:
    """Build the sub-national tables and the Electricity Maps share-alike table into ``out``."""
    national_zones_path = out / "zones.csv"
    if not national_zones_path.is_file():
        raise FileNotFoundError(f"{national_zones_path} missing: build 'grid' first")
    read = {"keep_default_na": False, "na_values": [""]}
    national = pd.read_csv(national_zones_path, **read)
    national_intensity = pd.read_csv(out / "grid_intensity.csv", **read)
    log: dict = {}

    us = _us_states(sources)
    subregions = _egrid_subregions(sources)
    ca_intensity, ca_mix = _canada(sources)
    ba_intensity, ba_mix = _eia930(sources, log)
    nordic = _nordic(sources, log)
    intensity = pd.concat([us, subregions, ca_intensity, ba_intensity, nordic], ignore_index=True)
    mix = pd.concat([ca_mix, ba_mix], ignore_index=True)
    em, em_meta = _electricitymaps(sources)

    zones = _zones(em_meta, set(national.zone))
    _check_collisions(national, zones)
    known = set(national.zone) | set(zones.zone)
    for name, table in (("intensity", intensity), ("mix", mix), ("electricitymaps", em)):
        missing = set(table.zone) - known
        if missing:
            raise ValueError(f"{name}: zones without a zone row: {sorted(missing)}")
        if table.duplicated(["zone", "year"]).any():
            raise ValueError(f"{name}: duplicate zone-years")
    shares = mix[[f"{t}_share" for t in TECHNOLOGIES]].sum(axis=1)
    assert np.allclose(shares, 1.0, atol=1e-9), "shares do not sum to 1"
    print(_summary(intensity, mix, zones, em, national_intensity, log))

    (out / "share-alike").mkdir(parents=True, exist_ok=True)
    notice = out / "share-alike" / "LICENSE-ODbL.md"
    notice.write_text(LICENSE_ODBL, encoding="utf-8")
    return [
        write_csv(zones, out / "zones_subnational.csv"),
        write_csv(intensity.sort_values(["zone", "year"]), out / "grid_intensity_subnational.csv"),
        write_csv(
            mix.sort_values(["zone", "year"]),
            out / "generation_mix_subnational.csv",
            float_format="%.10g",
        ),
        write_csv(
            em.sort_values(["zone", "year"]), out / "share-alike" / "electricitymaps_yearly.csv"
        ),
        notice,
    ]
