"""Grid tables: zones, annual grid carbon intensity, generation mix, water factors.

Writes four curated tables into ``datasets/``:

``zones.csv``
    Countries (ISO 3166-1 alpha-2 codes, ``XK`` for Kosovo) and aggregates (``WORLD``,
    ``EU``, the six continents, Ember/OWID/EI groupings) with English names, ISO-3 codes,
    continent parent and unique aliases.
``grid_intensity.csv``
    Lifecycle gCO2e per kWh generated, per zone and year (2000 onwards), from the OWID
    grapher export of Ember data; zone-years it lacks are filled from the older OWID
    "Electricity mix from BP & Ember (2022)" release, never duplicated.
``generation_mix.csv``
    Total generation (TWh, the sum of nine sources) and the nine source shares
    (fractions summing to 1), per zone and year (2000 onwards).
``water_factors.csv``
    Operational water consumption and withdrawal per kWh generated for the nine
    technologies of the mix (Macknick et al. 2012 via GCAM).

Only permissive sources are read: OWID grapher exports and the OWID 2022 electricity mix
(CC BY 4.0, data from Ember CC BY 4.0 and the Energy Institute / BP Statistical Review,
cited as required) and GCAM's Macknick table (MIT, PNNL). ISO 3166-1 codes and the
continent of each country are listed explicitly below (``_COUNTRIES``); the builder fails
if a source carries a country code or entity name that the table does not cover.

References
----------
Macknick, J., Newmark, R., Heath, G., Hallett, K.C. (2012). Operational water consumption
and withdrawal factors for electricity generating technologies: a review of existing
literature. Environ. Res. Lett. 7, 045802. https://doi.org/10.1088/1748-9326/7/4/045802
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd

from datasets._common import write_csv

FIRST_YEAR = 2000
LAST_YEAR = 2024

#: Minimum share of OWID's total generation that the nine itemised sources must cover for
#: a zone-year to enter ``generation_mix`` (rows below it lack a source breakdown).
MIN_MIX_COVERAGE = 0.995

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

ZONES_COLUMNS = ["zone", "name", "kind", "iso3", "parent", "aliases", "source"]
INTENSITY_COLUMNS = ["zone", "year", "intensity_g_per_kwh", "basis", "dataset", "source"]
MIX_COLUMNS = [
    "zone",
    "year",
    "generation_twh",
    *(f"{t}_share" for t in TECHNOLOGIES),
    "dataset",
    "source",
]
WATER_COLUMNS = [
    "technology",
    "consumption_l_per_kwh",
    "consumption_low_l_per_kwh",
    "consumption_high_l_per_kwh",
    "withdrawal_l_per_kwh",
    "derivation",
    "source",
]

# --- dataset ids and citations --------------------------------------------------------

DS_INTENSITY = "owid-ember-2025"
DS_MIX = "owid-ember-ei-2023"
DS_MIX_2022 = "owid-bp-ember-2022"

SRC_INTENSITY = (
    "Our World in Data, grapher 'carbon-intensity-electricity' (export copied 2025-12-09), "
    "based on Ember - Yearly Electricity Data (2025) and Energy Institute - Statistical "
    "Review of World Energy; CC BY 4.0"
)
SRC_MIX = (
    "Our World in Data, grapher 'electricity-prod-source-stacked' (export of 2023-10), "
    "based on Ember - Yearly Electricity Data (2023) and Energy Institute - Statistical "
    "Review of World Energy (2023); CC BY 4.0"
)
SRC_2022 = (
    "Our World in Data, 'Electricity mix from BP & EMBER (2022)' (owid/owid-datasets), "
    "based on BP Statistical Review of World Energy and Ember Global/European Electricity "
    "Review (2022); CC BY 4.0"
)
SRC_WATER = (
    "Macknick et al. (2012) Environ. Res. Lett. 7 045802 (NREL/TP-6A20-50900), via GCAM "
    "data system (JGCRI/PNNL) Macknick_elec_water_m3MWh.csv @2cccef3b; MIT"
)

# --- raw file locations ---------------------------------------------------------------

F_INTENSITY = ("owid-grapher-electricity", "carbon-intensity-electricity.csv")
F_STACKED = ("owid-grapher-electricity", "electricity-prod-source-stacked.csv")
F_SHARES = ("owid-grapher-electricity", "share-elec-by-source.csv")
F_MIX_2022 = ("owid-electricity-mix", "electricity_mix_bp_ember_2022.csv")
F_WATER = ("gcam-macknick-water", "Macknick_elec_water_m3MWh.csv")

COL_INTENSITY = "Carbon intensity of electricity - gCO2/kWh"
COL_INTENSITY_2022 = "Carbon intensity of electricity (gCO2/kWh)"
COL_TOTAL_2022 = "Electricity generation (TWh)"

_SOURCE_LABEL = {
    "coal": "coal",
    "gas": "gas",
    "oil": "oil",
    "nuclear": "nuclear",
    "hydro": "hydro",
    "wind": "wind",
    "solar": "solar",
    "bioenergy": "bioenergy",
}
STACKED_COLUMNS = {
    **{t: f"Electricity from {lbl} (TWh)" for t, lbl in _SOURCE_LABEL.items()},
    "other_renewables": "Other renewables excluding bioenergy (TWh)",
}
SHARE_COLUMNS = {
    **{t: f"{lbl.capitalize()} (% electricity)" for t, lbl in _SOURCE_LABEL.items()},
    "other_renewables": "Other renewables excluding bioenergy (% electricity)",
}
MIX_2022_COLUMNS = {
    **{t: f"Electricity from {lbl} (TWh)" for t, lbl in _SOURCE_LABEL.items()},
    "other_renewables": "Electricity from other renewables excluding bioenergy (TWh)",
}

# --- countries: ISO 3166-1 alpha-3, alpha-2, OWID continent, extra aliases --------------
# Codes are ISO 3166-1 (Kosovo: user-assigned XK / XKX, which OWID writes OWID_KOS).
# Continents follow Our World in Data's regions (Middle East, Caucasus and Turkey in Asia;
# Russia and Cyprus in Europe; Central America and the Caribbean in North America).
# Aliases: ISO short names that differ from OWID's entity name, plus common names.

_CONTINENTS = {
    "AF": ("AFRICA", "Africa"),
    "AS": ("ASIA", "Asia"),
    "EU": ("EUROPE", "Europe"),
    "NA": ("NORTH-AMERICA", "North America"),
    "SA": ("SOUTH-AMERICA", "South America"),
    "OC": ("OCEANIA", "Oceania"),
}

_COUNTRIES = """
ABW AW NA
AFG AF AS
AGO AO AF
ALB AL EU
ARE AE AS UAE;Emirates
ARG AR SA
ARM AM AS
ASM AS OC
ATG AG NA
AUS AU OC
AUT AT EU
AZE AZ AS
BDI BI AF
BEL BE EU
BEN BJ AF
BFA BF AF
BGD BD AS
BGR BG EU
BHR BH AS
BHS BS NA The Bahamas
BIH BA EU Bosnia
BLR BY EU
BLZ BZ NA
BMU BM NA
BOL BO SA Bolivia, Plurinational State of
BRA BR SA
BRB BB NA
BRN BN AS Brunei Darussalam
BTN BT AS
BWA BW AF
CAF CF AF
CAN CA NA
CHE CH EU
CHL CL SA
CHN CN AS People's Republic of China;PRC;Mainland China
CIV CI AF Côte d'Ivoire;Ivory Coast
CMR CM AF
COD CD AF DR Congo;DRC;Congo, The Democratic Republic of the;Congo-Kinshasa
COG CG AF Republic of the Congo;Congo-Brazzaville
COK CK OC
COL CO SA
COM KM AF
CPV CV AF Cabo Verde
CRI CR NA
CUB CU NA
CYM KY NA
CYP CY EU
CZE CZ EU Czech Republic
DEU DE EU
DJI DJ AF
DMA DM NA
DNK DK EU
DOM DO NA
DZA DZ AF
ECU EC SA
EGY EG AF
ERI ER AF
ESH EH AF
ESP ES EU
EST EE EU
ETH ET AF
FIN FI EU
FJI FJ OC
FLK FK SA Falkland Islands (Malvinas)
FRA FR EU
FRO FO EU Faeroe Islands
GAB GA AF
GBR GB EU UK;Great Britain;Britain
GEO GE AS
GHA GH AF
GIB GI EU
GIN GN AF
GLP GP NA
GMB GM AF The Gambia
GNB GW AF
GNQ GQ AF
GRC GR EU
GRD GD NA
GRL GL NA
GTM GT NA
GUF GF SA
GUM GU OC
GUY GY SA
HKG HK AS
HND HN NA
HRV HR EU
HTI HT NA
HUN HU EU
IDN ID AS
IND IN AS
IRL IE EU
IRN IR AS Iran, Islamic Republic of
IRQ IQ AS
ISL IS EU
ISR IL AS
ITA IT EU
JAM JM NA
JOR JO AS
JPN JP AS
KAZ KZ AS
KEN KE AF
KGZ KG AS
KHM KH AS
KIR KI OC
KNA KN NA St Kitts and Nevis
KOR KR AS Korea, Republic of;Korea;Republic of Korea
KWT KW AS
LAO LA AS Lao People's Democratic Republic;Lao PDR
LBN LB AS
LBR LR AF
LBY LY AF
LCA LC NA St Lucia
LKA LK AS
LSO LS AF
LTU LT EU
LUX LU EU
LVA LV EU
MAC MO AS Macau
MAR MA AF
MDA MD EU Moldova, Republic of;Republic of Moldova
MDG MG AF
MDV MV AS
MEX MX NA
MKD MK EU Macedonia
MLI ML AF
MLT MT EU
MMR MM AS Burma
MNE ME EU
MNG MN AS
MOZ MZ AF
MRT MR AF
MSR MS NA
MTQ MQ NA
MUS MU AF
MWI MW AF
MYS MY AS
NAM NA AF
NCL NC OC
NER NE AF
NGA NG AF
NIC NI NA
NIU NU OC
NLD NL EU The Netherlands;Holland
NOR NO EU
NPL NP AS
NRU NR OC
NZL NZ OC
OMN OM AS
PAK PK AS
PAN PA NA
PER PE SA
PHL PH AS
PNG PG OC
POL PL EU
PRI PR NA
PRK KP AS Korea, Democratic People's Republic of;DPRK
PRT PT EU
PRY PY SA
PSE PS AS Palestine, State of;State of Palestine
PYF PF OC
QAT QA AS
REU RE AF Réunion
ROU RO EU
RUS RU EU Russian Federation
RWA RW AF
SAU SA AS
SDN SD AF
SEN SN AF
SGP SG AS
SHN SH AF Saint Helena, Ascension and Tristan da Cunha
SLB SB OC
SLE SL AF
SLV SV NA
SOM SO AF
SPM PM NA
SRB RS EU
SSD SS AF
STP ST AF São Tomé and Príncipe
SUR SR SA
SVK SK EU Slovak Republic
SVN SI EU
SWE SE EU
SWZ SZ AF Swaziland
SYC SC AF
SYR SY AS Syrian Arab Republic
TCA TC NA
TCD TD AF
TGO TG AF
THA TH AS
TJK TJ AS
TKM TM AS
TLS TL AS Timor-Leste
TON TO OC
TTO TT NA
TUN TN AF
TUR TR AS Türkiye;Turkiye
TWN TW AS Taiwan, Province of China
TZA TZ AF Tanzania, United Republic of;United Republic of Tanzania
UGA UG AF
UKR UA EU
URY UY SA
USA US NA United States of America;America;U.S.
UZB UZ AS
VCT VC NA St Vincent and the Grenadines
VEN VE SA Venezuela, Bolivarian Republic of
VGB VG NA Virgin Islands, British
VIR VI NA Virgin Islands, U.S.;US Virgin Islands
VNM VN AS Viet Nam
VUT VU OC
WSM WS OC
XKX XK EU OWID_KOS
YEM YE AS
ZAF ZA AF
ZMB ZM AF
ZWE ZW AF
"""

#: OWID's non-ISO codes for entities treated as zones.
_OWID_CODES = {"OWID_KOS": "XKX", "OWID_WRL": None}

#: Entity names without an ISO code in a source that are countries (older OWID spelling).
_COUNTRY_NAME_FIXES = {"Faeroe Islands": "FRO"}

#: Aggregate base names (suffix "(Ember)"/"(EI)" removed) accepted from the sources, with
#: their zone code where it is not the upper-case hyphenated name, and extra aliases.
_AGGREGATES: dict[str, tuple[str | None, str]] = {
    "World": ("WORLD", "Global;OWID_WRL"),
    "EU": ("EU", "European Union;EU-27;EU27"),
    "European Union (27)": ("EU", ""),
    "Africa": (None, ""),
    "Asia": (None, ""),
    "Europe": (None, ""),
    "North America": (None, ""),
    "South America": (None, ""),
    "Oceania": (None, ""),
    "ASEAN": (None, "Association of Southeast Asian Nations"),
    "G20": (None, "Group of Twenty"),
    "G7": (None, "Group of Seven"),
    "OECD": (None, ""),
    "Non-OECD": (None, ""),
    "Middle East": (None, ""),
    "Latin America and Caribbean": (None, "Latin America and the Caribbean"),
    "High-income countries": (None, ""),
    "Upper-middle-income countries": (None, ""),
    "Lower-middle-income countries": (None, ""),
    "Low-income countries": (None, ""),
    "Asia Pacific": (None, ""),
    "CIS": (None, "Commonwealth of Independent States"),
    "Central America": (None, ""),
    "South and Central America": (None, ""),
    "Eastern Africa": (None, ""),
    "Middle Africa": (None, ""),
    "Western Africa": (None, ""),
    "USSR": (None, ""),
}
_AGGREGATE_NAMES = {"EU": "European Union (27)", "WORLD": "World"}

#: Where Ember's region differs from the OWID continent used as ``parent`` (checked by
#: summing country generation in the stacked export: OWID's continents match the
#: ``_COUNTRIES`` table exactly; Ember's differ as noted).
_AGGREGATE_NOTES = {
    "ASIA": "Ember region: Asia without the Middle East and Turkey",
    "EUROPE": "Ember region: Europe including Turkey",
    "NORTH-AMERICA": "Ember region: without Mexico, Central America and the Caribbean "
    "(those are in LATIN-AMERICA-AND-CARIBBEAN)",
}

#: Preference among duplicates of one aggregate: Ember's own figure, then OWID's, then EI's.
_SUFFIX_RANK = {" (Ember)": 0, "": 1, " (EI)": 2}


def _parse_countries() -> pd.DataFrame:
    rows = []
    for line in _COUNTRIES.strip().splitlines():
        iso3, iso2, cont, *rest = line.split(" ", 3)
        extra = [a.strip() for a in rest[0].split(";")] if rest else []
        rows.append({"iso3": iso3, "zone": iso2, "continent": cont, "extra": extra})
    table = pd.DataFrame(rows)
    assert table.iso3.is_unique and table.zone.is_unique, "duplicate code in _COUNTRIES"
    return table.set_index("iso3")


def _slug(name: str) -> str:
    return re.sub(r"[^A-Z0-9]+", "-", name.upper()).strip("-")


class _Resolver:
    """Map source entities (name, optional code) to zone codes, remembering what it saw."""

    def __init__(self, countries: pd.DataFrame, country_names: dict[str, str]):
        self.countries = countries
        self.country_names = {**country_names, **_COUNTRY_NAME_FIXES}  # name -> iso3
        self.names: dict[str, set[str]] = {}  # zone -> entity names seen
        self.owid_name: dict[str, str] = {}  # zone (country) -> OWID entity name

    def __call__(self, entity: str, code: str | None) -> tuple[str, int]:
        """Return (zone, rank); rank orders duplicates of an aggregate (lower wins)."""
        iso3 = None
        if isinstance(code, str) and code:
            iso3 = _OWID_CODES.get(code, code)
            if code == "OWID_WRL":
                return self._aggregate(entity)
            if iso3 not in self.countries.index:
                raise ValueError(f"country code {code!r} ({entity}) missing from _COUNTRIES")
        elif entity in self.country_names:
            iso3 = self.country_names[entity]
        if iso3 is None:
            return self._aggregate(entity)
        zone = self.countries.at[iso3, "zone"]
        self.names.setdefault(zone, set()).add(entity)
        if entity not in _COUNTRY_NAME_FIXES:
            self.owid_name.setdefault(zone, entity)
        return zone, 0

    def _aggregate(self, entity: str) -> tuple[str, int]:
        base, rank = entity, _SUFFIX_RANK[""]
        for suffix, suffix_rank in _SUFFIX_RANK.items():
            if suffix and entity.endswith(suffix):
                base, rank = entity[: -len(suffix)], suffix_rank
                break
        if base not in _AGGREGATES:
            raise ValueError(f"entity {entity!r} is neither a known country nor aggregate")
        zone = _AGGREGATES[base][0] or _slug(base)
        self.names.setdefault(zone, set()).add(entity)
        return zone, rank


def _read_owid(path: Path) -> pd.DataFrame:
    # keep_default_na=False: never turn a code such as "NA" into NaN; only blanks are NaN.
    return pd.read_csv(path, keep_default_na=False, na_values=[""])


def _with_zone(frame: pd.DataFrame, resolve: _Resolver) -> pd.DataFrame:
    pairs = [resolve(e, c) for e, c in frame[["entity", "code"]].values]
    zone_rank = pd.DataFrame(pairs, columns=["zone", "rank"], index=frame.index)
    return pd.concat([frame, zone_rank], axis=1)


def _pick(candidates: pd.DataFrame, countries: pd.DataFrame) -> pd.DataFrame:
    """One row per (zone, year), never splicing two definitions of one aggregate.

    Countries: the first dataset (``priority``) that has the zone-year wins, so an older
    release only fills years the primary lacks. Aggregates: only one entity per zone is
    used (primary dataset first, then Ember's own aggregate before OWID's before EI's),
    because e.g. 'Europe (Ember)', OWID's 'Europe' and 'Europe (EI)' are different
    country groupings.
    """
    is_agg = ~candidates.zone.isin(countries.zone)
    best = (
        candidates[is_agg]
        .sort_values(["priority", "rank", "entity"])
        .drop_duplicates("zone")
        .set_index("zone")
        .entity
    )
    keep = ~is_agg | (candidates.entity == candidates.zone.map(best))
    ordered = candidates[keep].sort_values(["zone", "year", "priority", "rank", "entity"])
    return ordered.drop_duplicates(["zone", "year"], keep="first")


# --- grid intensity ---------------------------------------------------------------------


def _intensity(sources: Path, resolve: _Resolver, log: dict) -> pd.DataFrame:
    g = _read_owid(sources.joinpath(*F_INTENSITY))
    g = g.rename(columns={"Entity": "entity", "Code": "code", "Year": "year"})
    g["value"] = g[COL_INTENSITY]
    g["priority"], g["dataset"], g["source"] = 0, DS_INTENSITY, SRC_INTENSITY

    m = _read_owid(sources.joinpath(*F_MIX_2022))
    m = m.rename(columns={"Entity": "entity", "Year": "year"})
    m["code"] = None
    m["value"] = m[COL_INTENSITY_2022]
    m["priority"], m["dataset"], m["source"] = 1, DS_MIX_2022, SRC_2022

    cols = ["entity", "code", "year", "value", "priority", "dataset", "source"]
    both = pd.concat([g[cols], m[cols]], ignore_index=True)
    both = both[both.year.between(FIRST_YEAR, LAST_YEAR) & both.value.notna()]
    # Ember reports 0 g/kWh for a few tiny hydro systems (emissions rounded to zero);
    # a lifecycle factor cannot be zero, so those zone-years are left out.
    nonpositive = both[both.value <= 0]
    log["intensity_nonpositive_dropped"] = sorted(
        f"{e} {y} ({d})" for e, y, d in nonpositive[["entity", "year", "dataset"]].values
    )
    both = both[both.value > 0].copy()
    both = _with_zone(both, resolve)
    picked = _pick(both, resolve.countries)
    log["intensity_entities"] = picked.groupby("zone").entity.unique().to_dict()
    out = picked.assign(intensity_g_per_kwh=picked.value, basis="lifecycle")
    return out[INTENSITY_COLUMNS].reset_index(drop=True)


# --- generation mix ---------------------------------------------------------------------


def _mix(sources: Path, resolve: _Resolver, log: dict) -> pd.DataFrame:
    s = _read_owid(sources.joinpath(*F_STACKED))
    sh = _read_owid(sources.joinpath(*F_SHARES))
    s = s.rename(columns={"Entity": "entity", "Code": "code", "Year": "year"})
    sh = sh.rename(columns={"Entity": "entity", "Code": "code", "Year": "year"})
    twh = s[list(STACKED_COLUMNS.values())].rename(
        columns={v: k for k, v in STACKED_COLUMNS.items()}
    )
    s = pd.concat([s[["entity", "code", "year"]], twh], axis=1)
    s["complete"] = s[list(TECHNOLOGIES)].notna().all(axis=1)
    # The share file divides by OWID's total generation: where the nine shares add up to
    # less than 100 %, part of the generation has no source breakdown (EI regions lack
    # bioenergy/other, some 2022 rows lack fossil fuels).
    sh["coverage"] = sh[list(SHARE_COLUMNS.values())].sum(axis=1, min_count=1) / 100.0
    s = s.merge(sh[["entity", "year", "coverage"]], on=["entity", "year"], how="left")
    s["coverage"] = s.coverage.where(s.coverage.notna(), s.complete.astype(float))
    s["priority"], s["dataset"], s["source"] = 0, DS_MIX, SRC_MIX

    m = _read_owid(sources.joinpath(*F_MIX_2022))
    m = m.rename(columns={"Entity": "entity", "Year": "year"})
    twh = m[list(MIX_2022_COLUMNS.values())].rename(
        columns={v: k for k, v in MIX_2022_COLUMNS.items()}
    )
    total_2022 = m[COL_TOTAL_2022]
    m = pd.concat([m[["entity", "year"]], twh], axis=1)
    m["code"] = None
    m["coverage"] = m[list(TECHNOLOGIES)].sum(axis=1) / total_2022
    m["priority"], m["dataset"], m["source"] = 1, DS_MIX_2022, SRC_2022

    cols = ["entity", "code", "year", *TECHNOLOGIES, "coverage", "priority", "dataset", "source"]
    both = pd.concat([s[cols], m[cols]], ignore_index=True)
    both = both[both.year >= FIRST_YEAR].copy()
    both[list(TECHNOLOGIES)] = both[list(TECHNOLOGIES)].fillna(0.0)  # unreported -> 0
    both["generation_twh"] = both[list(TECHNOLOGIES)].sum(axis=1)
    both = _with_zone(both, resolve)

    positive = both.generation_twh > 0
    complete = both.coverage.between(MIN_MIX_COVERAGE, 2 - MIN_MIX_COVERAGE)
    valid = both[positive & complete]
    picked = _pick(valid, resolve.countries)
    have = set(zip(picked.zone, picked.year, strict=True))
    zero = both[~positive]
    zero_zy = {zy for zy in zip(zero.zone, zero.year, strict=True) if zy not in have}
    partial = both[positive & ~complete]
    partial_zy = {zy for zy in zip(partial.zone, partial.year, strict=True) if zy not in have}
    log["mix_zero_total_skipped"] = sorted(zero_zy)
    log["mix_incomplete_skipped"] = sorted(partial_zy)
    log["mix_entities"] = picked.groupby("zone").entity.unique().to_dict()

    out = picked.copy()
    for tech in TECHNOLOGIES:
        out[f"{tech}_share"] = out[tech] / out.generation_twh
    return out[MIX_COLUMNS].reset_index(drop=True)


# --- zones ------------------------------------------------------------------------------


def _zones(countries: pd.DataFrame, resolve: _Resolver, used: set[str], log: dict) -> pd.DataFrame:
    by_zone = countries.reset_index().set_index("zone")
    rows = []
    for zone in sorted(used):
        feeds = []
        for table, key in (("intensity", "intensity_entities"), ("mix", "mix_entities")):
            ents = log[key].get(zone)
            if ents is not None:
                feeds.append(f"{table} from " + ", ".join(f"'{e}'" for e in sorted(ents)))
        if zone in by_zone.index:
            c = by_zone.loc[zone]
            name = resolve.owid_name.get(zone) or sorted(resolve.names[zone])[0]
            aliases = [c.iso3, *c.extra]
            kind, iso3, parent = "country", c.iso3, _CONTINENTS[c.continent][0]
            source = (
                f"Our World in Data (CC BY 4.0) entity '{name}' ({'; '.join(feeds)}); "
                "ISO 3166-1 codes and OWID continent: table in scripts/datasets/grid.py"
            )
        else:
            name = _AGGREGATE_NAMES.get(zone) or next(
                base for base, (code, _) in _AGGREGATES.items() if (code or _slug(base)) == zone
            )
            extra = [
                a
                for base, (code, more) in _AGGREGATES.items()
                if (code or _slug(base)) == zone
                for a in [base, *more.split(";")]
            ]
            used_names = {
                e for key in ("intensity_entities", "mix_entities") for e in log[key].get(zone, [])
            }
            aliases = [*extra, *sorted(used_names)]
            kind, iso3, parent = "aggregate", "", ""
            source = f"Our World in Data (CC BY 4.0) aggregate: {'; '.join(feeds)}"
            if zone in _AGGREGATE_NOTES:
                source += f". {_AGGREGATE_NOTES[zone]}; country parents follow OWID continents"
        seen = {name.casefold(), zone.casefold()}
        clean = []
        for alias in aliases:
            if alias and alias.casefold() not in seen:
                seen.add(alias.casefold())
                clean.append(alias)
        rows.append(
            {
                "zone": zone,
                "name": name,
                "kind": kind,
                "iso3": iso3,
                "parent": parent,
                "aliases": ";".join(clean),
                "source": source,
            }
        )
    zones = pd.DataFrame(rows, columns=ZONES_COLUMNS)
    _check_aliases(zones)
    return zones


def _check_aliases(zones: pd.DataFrame) -> None:
    """No alias, name or code may point at two zones (case-insensitive)."""
    owner: dict[str, str] = {}
    for z in zones.itertuples():
        keys = {z.zone, z.name, *[a for a in z.aliases.split(";") if a]}
        for key in {k.casefold() for k in keys}:
            if owner.setdefault(key, z.zone) != z.zone:
                raise ValueError(f"alias {key!r} names both {owner[key]} and {z.zone}")


# --- water factors ----------------------------------------------------------------------

#: GCAM technologies representing each mix column, and why.
_WATER_TECHS = {
    "coal": (
        ("coal (conv pul)",),
        "conventional pulverised coal; IGCC and CCS rows left out (negligible share of generation)",
    ),
    "gas": (
        ("gas (CC)", "gas (steam/CT)"),
        "combined cycle and steam/combustion turbine weighted equally; CCS rows left out",
    ),
    "oil": (
        ("refined liquids (steam/CT)",),
        "refined liquids steam/combustion turbine; CC and CCS rows left out (rare for oil)",
    ),
    "nuclear": (("Gen_II_LWR", "Gen_III"), "Gen II LWR and Gen III (identical values)"),
    "hydro": (("hydro",), ""),
    "wind": (("wind",), "wind turbines use no operational water"),
    "solar": (
        ("PV",),
        "solar PV (panel washing); CSP excluded: it is a small share of "
        "solar generation and would need its own share column (GCAM CSP: 3.3 "
        "recirculating, 0.74 dry-hybrid)",
    ),
    "bioenergy": (
        ("biomass (conv)",),
        "conventional biomass steam plant; IGCC and CCS rows left out",
    ),
    "other_renewables": (
        ("geothermal",),
        "geothermal (dominant non-bio 'other renewable'; tidal/wave taken as geothermal)",
    ),
}
_WET = ("once through", "recirculating", "cooling pond", "recirculating (binary)")


def _water(sources: Path) -> pd.DataFrame:
    raw = pd.read_csv(sources.joinpath(*F_WATER), comment="#")
    raw = raw[raw.water_type.isin(["fresh", "none"])]  # freshwater footprint: no seawater
    rows = []
    for tech in TECHNOLOGIES:
        gcam_techs, why = _WATER_TECHS[tech]
        sub = raw[raw.technology.isin(gcam_techs)]
        if sub.empty:
            raise ValueError(f"no GCAM rows for {gcam_techs}")
        wet = sub[sub.cooling_system.isin(_WET)]
        basis = wet if not wet.empty else sub
        central = float(basis.water_consumption.mean())
        withdrawal = float(basis.water_withdrawals.mean())
        low = float(sub.water_consumption.min())
        high = float(sub.water_consumption.max())

        def fmt(frame: pd.DataFrame, col: str, named: bool = len(gcam_techs) > 1) -> str:
            return ", ".join(
                f"{t} {c} {v:g}" if named else f"{c} {v:g}"
                for t, c, v in frame[["technology", "cooling_system", col]].values
            )

        if tech == "hydro":
            low = 0.0
            derivation = (
                f"GCAM hydro row: consumption {central:g} m3/MWh (reservoir evaporation), "
                f"withdrawal {withdrawal:g} (in-stream use). CONTESTED: "
                "published hydro evaporation factors span two orders of magnitude and "
                "depend on how evaporation is allocated among a reservoir's uses; low = 0 "
                "is the convention that allocates none to power (run-of-river, "
                "multi-purpose reservoirs), high = central = the GCAM/Macknick value"
            )
        elif not wet.empty:
            derivation = (
                f"{why}. Fresh-water rows only (seawater excluded: freshwater footprint). "
                f"Central and withdrawal = equal-weight mean over wet cooling systems "
                f"(assumed cooling mix: each listed wet system equally likely): consumption "
                f"[{fmt(wet, 'water_consumption')}] -> {central:.4g}; withdrawal "
                f"[{fmt(wet, 'water_withdrawals')}] -> {withdrawal:.4g}. Dry cooling left "
                f"out of the central value (GCAM sets it to 10% of recirculating by "
                f"convention, and it is rare). Low/high = min/max consumption over all "
                f"fresh rows incl. dry and no-cooling: {low:g}/{high:g}"
            )
        else:
            derivation = (
                f"{why}. GCAM rows [{fmt(sub, 'water_consumption')}] (consumption), "
                f"withdrawal {withdrawal:g}; low = high = central"
            )
        rows.append(
            {
                "technology": tech,
                "consumption_l_per_kwh": central,
                "consumption_low_l_per_kwh": low,
                "consumption_high_l_per_kwh": high,
                "withdrawal_l_per_kwh": withdrawal,
                "derivation": derivation + ". Units: m3/MWh = L/kWh; operational water only",
                "source": SRC_WATER,
            }
        )
    return pd.DataFrame(rows, columns=WATER_COLUMNS)


# --- entry point ------------------------------------------------------------------------


def _country_names(sources: Path) -> dict[str, str]:
    """OWID entity name -> ISO-3 for every coded entity in the grapher exports."""
    names: dict[str, str] = {}
    for parts in (F_INTENSITY, F_STACKED, F_SHARES):
        df = _read_owid(sources.joinpath(*parts))
        for entity, code in df[["Entity", "Code"]].dropna().drop_duplicates().values:
            if code != "OWID_WRL":
                names[entity] = _OWID_CODES.get(code, code)
    return names


def _summary(intensity: pd.DataFrame, mix: pd.DataFrame, zones: pd.DataFrame, log: dict) -> str:
    kinds = zones.kind.value_counts().to_dict()
    dropped = log["intensity_nonpositive_dropped"]
    countries = set(zones.zone[zones.kind == "country"])
    ci = intensity[intensity.zone.isin(countries)]
    lines = [
        f"zones: {kinds}",
        f"grid_intensity: {len(intensity)} zone-years, {intensity.year.min()}-"
        f"{intensity.year.max()}, {ci.zone.nunique()} countries, "
        f"{ci[ci.year == LAST_YEAR].zone.nunique()} with {LAST_YEAR}; by dataset "
        f"{intensity.dataset.value_counts().to_dict()}",
        f"  non-positive intensities left out: {len(dropped)} source rows "
        f"({', '.join(sorted({d.rsplit(' ', 2)[0] for d in dropped}))})",
        f"generation_mix: {len(mix)} zone-years, {mix.year.min()}-{mix.year.max()}; by "
        f"dataset {mix.dataset.value_counts().to_dict()}",
        f"  zero-total zone-years skipped: {len(log['mix_zero_total_skipped'])}; "
        f"incomplete-breakdown zone-years skipped: {len(log['mix_incomplete_skipped'])}",
    ]
    return "\n".join(lines)


def build(sources: Path, out: Path) -> list[Path]:
    """Build zones, grid_intensity, generation_mix and water_factors into ``out``."""
    countries = _parse_countries()
    resolve = _Resolver(countries, _country_names(sources))
    log: dict = {}
    intensity = _intensity(sources, resolve, log)
    mix = _mix(sources, resolve, log)
    zones = _zones(countries, resolve, set(intensity.zone) | set(mix.zone), log)
    water = _water(sources)

    shares = mix[[f"{t}_share" for t in TECHNOLOGIES]].sum(axis=1)
    assert np.allclose(shares, 1.0, atol=1e-9), "shares do not sum to 1"
    assert not intensity.duplicated(["zone", "year"]).any()
    assert not mix.duplicated(["zone", "year"]).any()
    print(_summary(intensity, mix, zones, log))

    intensity = intensity.sort_values(["zone", "year"])
    mix = mix.sort_values(["zone", "year"])
    return [
        write_csv(zones, out / "zones.csv"),
        write_csv(intensity, out / "grid_intensity.csv"),
        write_csv(mix, out / "generation_mix.csv", float_format="%.10g"),
        write_csv(water, out / "water_factors.csv"),
    ]
