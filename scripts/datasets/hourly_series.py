"""Hourly grid series beyond EIA-930: Electricity Maps (share-alike) and NREL Cambium.

Writes into ``datasets/``:

``share-alike/hourly/<zone>_<year>.csv.gz`` (ODbL 1.0, separately licensed)
    Electricity Maps hourly carbon intensity of 16 zones, every year the sources hold:
    ``timestamp_utc`` (hour start), ``intensity_g_per_kwh`` (Electricity Maps' **lifecycle**
    "LCA" intensity, the basis of ``share-alike/electricitymaps_yearly.csv`` and of every
    annual factor footprint uses), ``intensity_direct_g_per_kwh`` (combustion only, for
    reference), ``carbon_free_share`` and ``renewable_share`` (Electricity Maps' low-carbon
    and renewable percentages / 100), ``estimated`` (1 = Electricity Maps estimated the
    hour), ``source``. Values are the sources' text, unchanged.
``share-alike/hourly/zones.csv`` and ``share-alike/hourly/LICENSE-ODbL.md``
    The Electricity Maps hourly zones (id, the footprint grid zone each stands for, name,
    IANA time zone, years) and the licence notice of the folder.
``hourly/cambium/<region>_2024.csv.gz`` (CC BY)
    NREL Cambium 2022 Mid-case hourly rates of the 20 GEA regions of the contiguous US:
    ``intensity_g_per_kwh`` = the average emission rate of the generation induced by
    end-use load (``aer_load_co2e``), ``marginal_g_per_kwh`` = the long-run marginal
    emission rate levelized over 15 years (LRMER), both kgCO2e/MWh = gCO2e/kWh, combustion
    + precombustion. A **projection**: the modelled year 2024 of the Cambium 2022 release,
    not a measurement.
``hourly/cambium/zones.csv``
    The Cambium regions (eGRID subregion acronyms), names, IANA time zones. Each region
    but NYST stands for the eGRID subregion of the same acronym (``grid_zone``, ``covers``
    = ``zone``: ``-r CAMX`` takes the CAMX series, and its annual factors are eGRID's CAMX
    rates from ``zones_subnational.csv``, built by ``subnational`` first); NYST (New York
    State, whose eGRID subregions are NYCW, NYLI and NYUP) stays a part of the US, reached
    by name (``--grid-zone NYST``).

Sources:

- Electricity Maps (electricitymaps.com) free hourly datasets, ODbL 1.0 as published when
  they were downloaded: ``../shared/sources/electricitymaps-hourly-global`` (via HPE
  ``HewlettPackard/sustain-cluster`` @293fbd1, 2025-05-20; AU-NSW, AU-VIC, BR-SP, CA-ON,
  CL-SIC, DE-LU, GB, IN-WE, JP-TK, KR, SG, ZA; 2023-2024) and
  ``../shared/sources/electricitymaps-hourly-samples`` (via ``umassos/decarbonization-
  potential`` @3493a63, 2024-03-06; BR, ES, NO, US-CAL-CISO; 2021-2023).
- NREL Cambium 2022 (Gagnon et al., NREL/TP-6A40-84916; LRMER workbook data.nrel.gov
  submission 206), Creative Commons Attribution, via NREL ComStock:
  ``../shared/sources/cambium-nrel-comstock``. The values equal NREL ResStock's
  ``resources/data/cambium/2022/`` files (checked by hand on RFCW's AER and SRMW's LRMER),
  whose README names the AER files ``Cambium2022_[Scenario]_hourly_[GEA]_2024.csv``
  (column ``aer_load_co2e``) and the LRMER tab: CO2e, emission stage Combined, start year
  2025, 15 or 30 years, 3 % real discount rate, AR5 100-year GWPs, location End-use. (An
  earlier draft of that README said "StdScen21 ... _2022.csv" and start year 2023; the
  final text is used here.)
- IANA time zone database (zone.tab in tzdata, public domain); eGRID subregion names (US
  EPA, public domain).

Conventions and checks:

- Electricity Maps timestamps are hour starts in UTC (the portal's convention); each file
  must hold every hour of its UTC year exactly once.
- Cambium hours are local standard time of each region (hour 0 = 00:00 on 1 January, no
  daylight saving; 8,760 hours, so 29 February of 2024 is absent and footprint lays 28
  February on it). The builder checks it on the data: the midday dip of CAMX's and
  AZNM's rates (solar) must centre within an hour of local solar noon with hour-start
  labels in standard time (in EST, or with daylight saving, it would sit 1-3 h off), and
  it must not move by an hour between winter and summer.
- Cambium's LRMER files repeat one day per month (month-hour tables); the AER is a true
  8,760-hour series.
"""

from __future__ import annotations

import gzip
import io
import zoneinfo
from pathlib import Path

import numpy as np
import pandas as pd

from datasets._common import write_csv
from datasets.hourly import _check_timezones, _tz_version, _zone_tab

EM_GLOBAL = "electricitymaps-hourly-global"
EM_SAMPLES = "electricitymaps-hourly-samples"
CAMBIUM = "cambium-nrel-comstock"

#: Electricity Maps hourly zones: id -> (source folder, footprint grid zone it stands for,
#: name, IANA time zone, why that zone). The id is the source file's, except
#: ``US-CAL-CISO-EM``: ``US-CAL-CISO`` is already the EIA-930 hourly zone (production-based,
#: 2022), and one zone id names one series.
EM_ZONES: dict[str, tuple[str, str, str, str, str]] = {
    "AU-NSW": (EM_GLOBAL, "AU-NSW", "New South Wales", "Australia/Sydney", "zone of Sydney"),
    "AU-VIC": (EM_GLOBAL, "AU-VIC", "Victoria", "Australia/Melbourne", "zone of Melbourne"),
    # HPE's folder BR-SP holds Electricity Maps' "Central Brazil" (its id today: BR-CS)
    "BR-SP": (
        EM_GLOBAL,
        "BR-CS",
        "Central Brazil",
        "America/Sao_Paulo",
        "zone of Sao Paulo",
    ),
    "CA-ON": (EM_GLOBAL, "CA-ON", "Ontario", "America/Toronto", "zone of Toronto"),
    # the SIC system merged into Chile's SEN in 2017 (Electricity Maps' id today: CL-SEN)
    "CL-SIC": (
        EM_GLOBAL,
        "CL-SEN",
        "Chile Sistema Electrico Nacional",
        "America/Santiago",
        "zone of Santiago",
    ),
    "DE-LU": (
        EM_GLOBAL,
        "DE",
        "Germany (DE-LU bidding zone)",
        "Europe/Berlin",
        "zone of Berlin",
    ),
    "GB": (EM_GLOBAL, "GB", "Great Britain", "Europe/London", "the only zone.tab zone of GB"),
    "IN-WE": (EM_GLOBAL, "IN-WE", "Western India", "Asia/Kolkata", "the only zone.tab zone of IN"),
    "JP-TK": (EM_GLOBAL, "JP-TK", "Tokyo area", "Asia/Tokyo", "the only zone.tab zone of JP"),
    "KR": (EM_GLOBAL, "KR", "South Korea", "Asia/Seoul", "the only zone.tab zone of KR"),
    "SG": (EM_GLOBAL, "SG", "Singapore", "Asia/Singapore", "the only zone.tab zone of SG"),
    "ZA": (
        EM_GLOBAL,
        "ZA",
        "South Africa",
        "Africa/Johannesburg",
        "the only zone.tab zone of ZA",
    ),
    "BR": (EM_SAMPLES, "BR", "Brazil", "America/Sao_Paulo", "zone of Sao Paulo"),
    "ES": (EM_SAMPLES, "ES", "Spain", "Europe/Madrid", "zone of Madrid"),
    "NO": (EM_SAMPLES, "NO", "Norway", "Europe/Oslo", "the only zone.tab zone of NO"),
    "US-CAL-CISO-EM": (
        EM_SAMPLES,
        "US-CAL-CISO",
        "California ISO (Electricity Maps, consumption-based)",
        "America/Los_Angeles",
        "zone of Folsom, CA",
    ),
}
#: Source file stem of a zone whose id differs from its file's.
EM_FILE_ZONE = {"US-CAL-CISO-EM": "US-CAL-CISO"}

#: Cambium GEA regions: id -> (eGRID subregion name, IANA zone whose standard time the
#: hours are read in, representative longitude of the region's load for the solar check).
CAMBIUM_REGIONS: dict[str, tuple[str, str, float]] = {
    "AZNM": ("WECC Southwest", "America/Phoenix", -112.1),
    "CAMX": ("WECC California", "America/Los_Angeles", -119.4),
    "ERCT": ("ERCOT All", "America/Chicago", -97.3),
    "FRCC": ("FRCC All", "America/New_York", -81.5),
    "MROE": ("MRO East", "America/Chicago", -89.4),
    "MROW": ("MRO West", "America/Chicago", -95.0),
    "NEWE": ("NPCC New England", "America/New_York", -71.5),
    "NWPP": ("WECC Northwest", "America/Los_Angeles", -118.0),
    "NYST": ("NPCC New York State", "America/New_York", -74.5),
    "RFCE": ("RFC East", "America/New_York", -75.5),
    "RFCM": ("RFC Michigan", "America/Detroit", -84.5),
    "RFCW": ("RFC West", "America/New_York", -83.0),
    "RMPA": ("WECC Rockies", "America/Denver", -105.0),
    "SPNO": ("SPP North", "America/Chicago", -96.5),
    "SPSO": ("SPP South", "America/Chicago", -97.5),
    "SRMV": ("SERC Mississippi Valley", "America/Chicago", -91.5),
    "SRMW": ("SERC Midwest", "America/Chicago", -89.5),
    "SRSO": ("SERC South", "America/New_York", -85.0),
    "SRTV": ("SERC Tennessee Valley", "America/Chicago", -86.8),
    "SRVC": ("SERC Virginia/Carolina", "America/New_York", -79.0),
}
#: The modelled year of the Cambium 2022 AER files (``..._hourly_[GEA]_2024.csv``).
CAMBIUM_YEAR = 2024
CAMBIUM_DATASET = "cambium-2022-midcase"
CAMBIUM_AER = "cambium_AER_MidCase_1_kgco2e_per_mwh.csv"
CAMBIUM_LRMER = "cambium_LRMER_MidCase_15_kgco2e_per_mwh.csv"

EM_COLUMNS = [
    "timestamp_utc",
    "intensity_g_per_kwh",
    "intensity_direct_g_per_kwh",
    "carbon_free_share",
    "renewable_share",
    "estimated",
    "source",
]
CAMBIUM_COLUMNS = ["timestamp_utc", "intensity_g_per_kwh", "marginal_g_per_kwh", "source"]
ZONE_COLUMNS = [
    "zone",
    "grid_zone",
    "covers",
    "name",
    "country",
    "timezone",
    "years",
    "dataset",
    "basis",
    "marginal",
    "note",
    "source",
]

EM_ORIGIN = {
    EM_GLOBAL: (
        "HPE SustainCluster (HewlettPackard/sustain-cluster @293fbd1, 2025-05-20, "
        "data/carbon_intensity), from the Electricity Maps data portal"
    ),
    EM_SAMPLES: (
        "the Electricity Maps data portal's free hourly files as downloaded in "
        "umassos/decarbonization-potential @3493a63 (2024-03-06)"
    ),
}
EM_SHORT = {
    EM_GLOBAL: "Electricity Maps hourly (ODbL 1.0) via HPE sustain-cluster @293fbd1",
    EM_SAMPLES: "Electricity Maps hourly (ODbL 1.0) via umassos/decarbonization-potential @3493a63",
}
EM_DATASET = "electricitymaps-hourly"
EM_BASIS = "lifecycle"
EM_NOTE = (
    "consumption-based (flow-traced imports), lifecycle (Electricity Maps' LCA column, the "
    "basis of footprint's annual factors)"
)
SOURCE_EM_ZONE = (
    "Contains data from Electricity Maps (electricitymaps.com), available under the Open "
    "Database License (ODbL) v1.0, via {origin}; intensity: Electricity Maps' hourly "
    "lifecycle (LCA) carbon intensity, consumption-based; timestamps hour-start UTC; "
    "time zone: IANA zone.tab (tzdata {tz}), {why}"
)
SOURCE_CAMBIUM_ROW = (
    "NREL Cambium 2022 Mid-case, modelled year 2024 (projection; CC BY): AER aer_load_co2e "
    "and LRMER 15-yr levelized, kgCO2e/MWh, via NREL ComStock; GEA region {region}"
)
SOURCE_CAMBIUM_ZONE = (
    "NREL Cambium 2022 (Gagnon et al. 2023, NREL/TP-6A40-84916; LRMER workbook "
    "data.nrel.gov submission 206), Creative Commons Attribution, as shipped by NREL "
    "ComStock (measures/emissions_reporting/resources/cambium @96dd131, values equal to "
    "NREL ResStock resources/data/cambium/2022); Mid-case scenario, modelled year 2024: a "
    "projection, not a measurement. intensity = average emission rate of the generation "
    "induced by end-use load (aer_load_co2e); marginal = long-run marginal emission rate, "
    "levelized over 15 years from 2025 at a 3 % real discount rate; CO2e of combustion + "
    "precombustion (fuel supply), AR5 100-year GWPs, end-use (losses included); hours in "
    "local standard time, converted to UTC with the standard offset of {tz}; region name: "
    "US EPA eGRID subregion {region}"
)
CAMBIUM_BASIS = "combustion + precombustion"
CAMBIUM_NOTE = (
    "projection: NREL Cambium 2022 Mid-case, modelled year 2024 (not measured); average "
    "rates for inventories, long-run marginal rates for decisions"
)

LICENSE_HOURLY = """\
# Licence of the files in `share-alike/hourly/`

The files `<zone>_<year>.csv.gz` and `zones.csv` of this folder are a database derived
from **Electricity Maps** hourly carbon-intensity datasets (electricitymaps.com), as
downloaded from the Electricity Maps data portal (portal.electricitymaps.com/datasets) and
republished in two research repositories:

- `HewlettPackard/sustain-cluster`, commit 293fbd152dae52a4b77fee50362b0b61641f16d1
  (2025-05-20), `data/carbon_intensity/` (zones AU-NSW, AU-VIC, BR-SP, CA-ON, CL-SIC,
  DE-LU, GB, IN-WE, JP-TK, KR, SG, ZA; 2023-2024);
- `umassos/decarbonization-potential`, commit 3493a63016bd2aaa71cae1f33809576786b331d4
  (2024-03-06), `downloaded_carbon_data/` (zones BR, ES, NO, US-CAL-CISO; 2021-2023).

Electricity Maps published these free datasets under the **Open Database License (ODbL)
v1.0** at the time they were downloaded (on or before the commit dates above). This
database is made available under the same licence: https://opendatacommons.org/licenses/odbl/1-0/
(summary: https://opendatacommons.org/licenses/odbl/summary/). Any rights in individual
contents of the database are licensed on the terms under which Electricity Maps published
them. Electricity Maps' current terms for its data portal were not re-checked when this
folder was built (offline); check them before redistributing.

Attribution: "Contains data from Electricity Maps (electricitymaps.com), available under the
Open Database License (ODbL) v1.0." Methodology:
https://www.electricitymaps.com/data/methodology

Share-alike: if you publicly use an adapted version of this database, or works produced
from one, you must offer that adapted database under the ODbL. Keep open: if you
redistribute it with technical restrictions (DRM), also offer a version without them.

What was changed: one gzip CSV per zone and year; columns renamed
(`Datetime (UTC)` -> `timestamp_utc`, LCA -> `intensity_g_per_kwh`, direct ->
`intensity_direct_g_per_kwh`); percentages divided by 100 (`carbon_free_share` from the
low-carbon percentage, `renewable_share`); `estimated` as 0/1; constant text columns
dropped; a `source` column added; `zones.csv` added (zone, the footprint grid zone it
stands for, name, IANA time zone, years). Hourly values are unchanged. The California ISO
series is named `US-CAL-CISO-EM` here (footprint's `US-CAL-CISO` is its EIA-930 series).

This licence applies to the files in this folder only. The rest of `footprint` (code: MIT;
other tables under `datasets/`: see `datasets/SOURCES.md`) is not covered by it and does
not depend on these files to run.
"""


def build(sources: Path, out: Path) -> list[Path]:
    """Write the Electricity Maps (share-alike) and Cambium hourly files and zone tables."""
    written: list[Path] = []
    tab = _zone_tab()
    tz_version = _tz_version()

    folder = out / "share-alike" / "hourly"
    zone_rows = []
    for zone, (src, grid_zone, name, tz, why) in EM_ZONES.items():
        years = []
        for path in sorted((sources / src).glob(f"{EM_FILE_ZONE.get(zone, zone)}_*_hourly.csv")):
            year = int(path.name.split("_")[-2])
            frame = _em_frame(path, src, year)
            written.append(_write_gz(frame, folder / f"{zone}_{year}.csv.gz", EM_COLUMNS))
            years.append(year)
            mean = frame.intensity_g_per_kwh.astype(float).mean()
            print(f"hourly_series: {zone} {year}: {len(frame)} h, time mean {mean:.1f} g/kWh")
        if not years:
            raise ValueError(f"{zone}: no hourly file in {src}")
        country = grid_zone.split("-")[0]
        _check_tz(tz, country, tab)
        zone_rows.append(
            {
                "zone": zone,
                "grid_zone": grid_zone,
                "covers": "zone",
                "name": name,
                "country": country,
                "timezone": tz,
                "years": ";".join(str(y) for y in years),
                "dataset": EM_DATASET,
                "basis": EM_BASIS,
                "marginal": "",
                "note": EM_NOTE,
                "source": SOURCE_EM_ZONE.format(origin=EM_ORIGIN[src], tz=tz_version, why=why),
            }
        )
    zones = pd.DataFrame(zone_rows, columns=ZONE_COLUMNS)
    _check_timezones(zones.timezone)
    written.append(write_csv(zones, folder / "zones.csv"))
    notice = folder / "LICENSE-ODbL.md"
    notice.write_text(LICENSE_HOURLY, encoding="utf-8", newline="\n")
    written.append(notice)

    written += _cambium(sources, out, tab, tz_version)
    return written


# --- Electricity Maps -----------------------------------------------------------------------


def _em_frame(path: Path, src: str, year: int) -> pd.DataFrame:
    raw = pd.read_csv(path, dtype=str, keep_default_na=False)
    if src == EM_GLOBAL:
        cols = {
            "datetime_utc": "time",
            "ci_lca_gco2eq_per_kwh": "lca",
            "ci_direct_gco2eq_per_kwh": "direct",
            "low_carbon_pct": "low",
            "renewable_pct": "renewable",
            "estimated": "estimated",
        }
    else:
        cols = {
            "Datetime (UTC)": "time",
            "Carbon Intensity gCO₂eq/kWh (LCA)": "lca",
            "Carbon Intensity gCO₂eq/kWh (direct)": "direct",
            "Low Carbon Percentage": "low",
            "Renewable Percentage": "renewable",
            "Data Estimated": "estimated",
        }
    raw = raw[list(cols)].rename(columns=cols)
    stamps = pd.to_datetime(raw["time"], utc=True)
    want = pd.date_range(f"{year}-01-01", f"{year + 1}-01-01", freq="h", tz="UTC", inclusive="left")
    if len(stamps) != len(want) or not (pd.DatetimeIndex(stamps) == want).all():
        raise ValueError(f"{path.name}: expected every hour of {year} (UTC) once, in order")
    for col in ("lca", "direct", "low", "renewable"):
        values = pd.to_numeric(raw[col], errors="raise")
        if values.isna().any() or (values < 0).any():
            raise ValueError(f"{path.name}: {col}: missing or negative values")
    for col in ("low", "renewable"):
        if (raw[col].astype(float) > 100).any():
            raise ValueError(f"{path.name}: {col} above 100 %")
    estimated = raw["estimated"].str.lower().map({"true": 1, "false": 0, "1": 1, "0": 0})
    if estimated.isna().any():
        raise ValueError(f"{path.name}: estimated flag not true/false or 0/1")
    return pd.DataFrame(
        {
            "timestamp_utc": stamps.dt.strftime("%Y-%m-%dT%H:%MZ"),
            "intensity_g_per_kwh": raw["lca"],
            "intensity_direct_g_per_kwh": raw["direct"],
            "carbon_free_share": [_percent_to_share(v) for v in raw["low"]],
            "renewable_share": [_percent_to_share(v) for v in raw["renewable"]],
            "estimated": estimated.astype(int),
            "source": EM_SHORT[src],
        }
    )


def _percent_to_share(text: str) -> str:
    """A percentage with up to 2 decimals as a fraction with up to 4, exactly (text)."""
    value = round(float(text) / 100.0, 4)
    return f"{value:.4f}".rstrip("0").rstrip(".") if value else "0"


def _check_tz(tz: str, country: str, tab: dict[str, list[str]]) -> None:
    if tz not in tab.get(country, []):
        raise ValueError(f"{tz} is not a zone.tab zone of {country}")


# --- Cambium --------------------------------------------------------------------------------


def _cambium(sources: Path, out: Path, tab: dict[str, list[str]], tz_version: str) -> list[Path]:
    aer = pd.read_csv(sources / CAMBIUM / CAMBIUM_AER, dtype=str)
    lrmer = pd.read_csv(sources / CAMBIUM / CAMBIUM_LRMER, dtype=str)
    for table, name in ((aer, CAMBIUM_AER), (lrmer, CAMBIUM_LRMER)):
        if list(table.columns) != ["hour_of_year", *CAMBIUM_REGIONS]:
            raise ValueError(f"{name}: unexpected columns {list(table.columns)}")
        if table.hour_of_year.astype(int).tolist() != list(range(8760)):
            raise ValueError(f"{name}: expected hours 0-8759")
    # local standard time of a year without 29 February, laid onto 2024's dates
    model = pd.date_range("2023-01-01", periods=8760, freq="h")
    local = pd.to_datetime(
        {
            "year": CAMBIUM_YEAR,
            "month": model.month,
            "day": model.day,
            "hour": model.hour,
        }
    )
    _check_cambium_hours(aer, model)
    written: list[Path] = []
    rows = []
    folder = out / "hourly" / "cambium"
    subregions = _egrid_subregions(out)
    for region, (name, tz, _lon) in CAMBIUM_REGIONS.items():
        offset = _standard_offset_h(tz)
        utc = pd.DatetimeIndex(local) - pd.Timedelta(hours=offset)
        frame = pd.DataFrame(
            {
                "timestamp_utc": utc.strftime("%Y-%m-%dT%H:%MZ"),
                "intensity_g_per_kwh": aer[region],
                "marginal_g_per_kwh": lrmer[region],
                "source": SOURCE_CAMBIUM_ROW.format(region=region),
            }
        )
        written.append(
            _write_gz(frame, folder / f"{region}_{CAMBIUM_YEAR}.csv.gz", CAMBIUM_COLUMNS)
        )
        _check_tz(tz, "US", tab)
        # a GEA region named after an eGRID subregion stands for it (its annual factors,
        # and -r CAMX resolves to it); NYST is New York State, only a part of the US
        own = region in subregions
        if own and subregions[region] != name:
            raise ValueError(f"Cambium {region} is {name!r}, eGRID {subregions[region]!r}")
        rows.append(
            {
                "zone": region,
                "grid_zone": region if own else "US",
                "covers": "zone" if own else "part",
                "name": name,
                "country": "US",
                "timezone": tz,
                "years": str(CAMBIUM_YEAR),
                "dataset": CAMBIUM_DATASET,
                "basis": CAMBIUM_BASIS,
                "marginal": "long-run marginal emission rate (Cambium LRMER, 15-year levelized)",
                "note": CAMBIUM_NOTE,
                "source": SOURCE_CAMBIUM_ZONE.format(tz=tz, region=region),
            }
        )
        print(
            f"hourly_series: Cambium {region}: AER mean {aer[region].astype(float).mean():.1f}, "
            f"LRMER-15 mean {lrmer[region].astype(float).mean():.1f} kg/MWh (UTC{offset:+g} h)"
        )
    zones = pd.DataFrame(rows, columns=ZONE_COLUMNS)
    _check_timezones(zones.timezone)
    written.append(write_csv(zones, folder / "zones.csv"))
    return written


def _egrid_subregions(out: Path) -> dict[str, str]:
    """eGRID subregion acronym -> name, from the built ``zones_subnational.csv``."""
    path = out / "zones_subnational.csv"
    if not path.is_file():
        raise FileNotFoundError(f"{path} missing: build 'subnational' first")
    zones = pd.read_csv(path, keep_default_na=False, na_values=[""])
    rows = zones[zones.kind == "egrid-subregion"]
    return dict(zip(rows.zone, rows.name, strict=True))


def _standard_offset_h(tz: str) -> float:
    """UTC offset [h] of ``tz``'s standard time (its offset on 15 January; -8 for Los Angeles)."""
    offset = pd.Timestamp("2024-01-15T12:00").tz_localize(zoneinfo.ZoneInfo(tz)).utcoffset()
    assert offset is not None
    return offset.total_seconds() / 3600.0


def _dip_centre(values: np.ndarray, hours: np.ndarray) -> float:
    """Hour (hour-start labels + 0.5) at which the daytime dip below the night level centres."""
    profile = np.array([values[hours == h].mean() for h in range(24)])
    night = float(np.median(np.r_[profile[:4], profile[21:]]))
    depth = np.clip(night - profile, 0.0, None)
    depth[:4] = 0.0
    depth[21:] = 0.0
    return float((np.arange(24) * depth).sum() / depth.sum()) + 0.5


def _check_cambium_hours(aer: pd.DataFrame, model: pd.DatetimeIndex) -> None:
    """Cambium hours are local standard time: CAMX's and AZNM's solar dip sits at local
    solar noon (standard time) and does not jump by an hour when daylight saving starts."""
    import pvlib

    days = model.dayofyear.to_numpy()
    eot_h = pvlib.solarposition.equation_of_time_spencer71(days) / 60.0
    for region in ("CAMX", "AZNM"):
        _name, tz, lon = CAMBIUM_REGIONS[region]
        meridian = _standard_offset_h(tz) * 15.0
        values = aer[region].astype(float).to_numpy()
        hours = model.hour.to_numpy()
        centre = _dip_centre(values, hours)
        noon = 12.0 - (lon - meridian) / 15.0 - float(eot_h.mean())
        summer = (model.month >= 4) & (model.month <= 9)
        shift = _dip_centre(values[summer], hours[summer]) - _dip_centre(
            values[~summer], hours[~summer]
        )
        print(
            f"hourly_series: Cambium {region}: midday dip centred at {centre:.2f} h, local "
            f"solar noon {noon:.2f} h (standard time); summer - winter {shift:+.2f} h"
        )
        if abs(centre - noon) > 1.0 or shift > 0.5:
            raise ValueError(f"Cambium {region}: hours do not look like local standard time")


def _write_gz(frame: pd.DataFrame, path: Path, columns: list[str]) -> Path:
    """Deterministic gzip (no name, mtime 0) so that rebuilds are byte-identical."""
    path.parent.mkdir(parents=True, exist_ok=True)
    text = frame[columns].to_csv(index=False, lineterminator="\n")
    buf = io.BytesIO()
    with gzip.GzipFile(filename="", mode="wb", fileobj=buf, mtime=0, compresslevel=9) as gz:
        gz.write(text.encode("utf-8"))
    path.write_bytes(buf.getvalue())
    return path
