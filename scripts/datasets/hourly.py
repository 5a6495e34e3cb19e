"""Hourly grid tables, time zones of hourly zones and cloud regions, and solar clearness.

Writes into ``datasets/``:

``hourly/<zone>_<year>.csv.gz``
    One compact file per balancing authority and year: for every hour (``timestamp_utc``,
    the hour's start in UTC), the generation-weighted lifecycle carbon intensity
    (gCO2e/kWh), in-area generation (MWh) and the generation shares of the nine
    technologies of ``generation_mix.csv`` (so that hourly EWIF comes from
    ``footprint.places.water.ewif_from_mix``), and whether the hour was estimated (gap filled).
``hourly/zones.csv``
    The hourly zones: zone id (Electricity Maps id, as in ``zones_subnational.csv``), EIA
    code, name, IANA time zone, years, dataset, source.
``hourly/cloud_regions.csv``
    Every cloud region of ``cloud_regions.csv`` with its IANA time zone. The hourly zone of
    a region is not repeated here: it is the region's balancing authority
    (``cloud_regions.csv``) when that authority has an hourly file.
``solar_clearness.csv``
    Annual clear-sky index (typical-year / clear-sky global horizontal irradiation) of
    reference weather stations, for the default "clear sky x clearness" weather of
    ``footprint.places.solar``, with the cloud regions each station stands for (metro within
    ``RADIUS_KM``). Stations: the typical years that ship with pvlib (read hour by hour),
    and typical years published as EnergyPlus weather statistics files (monthly mean
    daily GHI transcribed in ``STAT_STATIONS`` with the station header).

Sources (all permissive):

- EIA-930 hourly net generation by fuel, 2022 (US public domain), as processed by HPE's
  SustainDC (``HewlettPackard/dc-rl``, MIT): ``../shared/sources/eia930-hourly-us-ba``.
- Lifecycle factors per technology: ``datasets.subnational.LIFECYCLE_G_PER_KWH`` (IPCC AR5
  WG3 Annex III medians), the table the annual sub-national intensities use, so that the
  hourly series and the annual figure of the same zone share one basis. The builder checks
  that these factors reproduce HPE's ``avg_CI`` in every complete hour.
- IANA time zone database (public domain), ``zone.tab`` as shipped in the ``tzdata``
  package (a pandas dependency).
- NREL typical meteorological years bundled with pvlib (``723170TYA.CSV``,
  ``703165TY.csv``: TMY3; ``12839.tm2``: TMY2; NREL data, US public domain; pvlib BSD-3).
- Typical years published as EnergyPlus ``.stat`` files in NREL's EnergyPlus and
  openstudio-standards repositories (BSD-3-Clause): NREL TMY3 (US public domain) and
  Environment and Climate Change Canada CWEC 2016 (Open Government Licence - Canada).

Electricity Maps' hourly samples (``../shared/sources/electricitymaps-hourly-samples``) are
read here only, when present, to cross-check the CISO series (the correlation is printed);
they ship separately, under the ODbL, from ``hourly_series.py``
(``share-alike/hourly/US-CAL-CISO-EM_<year>.csv.gz``).

Conventions and checks:

- EIA-930 timestamps are hour-ending UTC (EIA's convention); they are shifted one hour to
  hour-start. The builder checks the convention on the data: with hour-start labels the
  generation-weighted solar centroid must lie about half an hour before solar noon at the
  control centre (it lies half an hour after with the raw labels).
- Hours with no data, or with total generation below half of the centred 49-hour median
  (EIA-930 reporting gaps), are filled by linear interpolation of each fuel in time and
  flagged ``estimated = 1``.
"""

from __future__ import annotations

import gzip
import importlib.resources
import io
import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from datasets._common import write_csv
from datasets.subnational import FACTORS_TEXT, LIFECYCLE_G_PER_KWH

EIA_FOLDER = "eia930-hourly-us-ba"
EM_FOLDER = "electricitymaps-hourly-samples"
YEAR = 2022

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
#: EIA-930 fuel columns -> technology; "OTH" (biomass, geothermal, waste, other) counts as
#: bioenergy, as in HPE's avg_CI and the annual sub-national table.
EIA_FUELS = {
    "COL": "coal",
    "NG": "gas",
    "OIL": "oil",
    "NUC": "nuclear",
    "WAT": "hydro",
    "WND": "wind",
    "SUN": "solar",
    "OTH": "bioenergy",
}

#: EIA code -> (zone id as in zones_subnational.csv, name, IANA zone, control-centre city).
#: The time zone is that of the balancing authority's control centre; it is used only to
#: show local times when the user names a zone rather than a cloud region.
BALANCING_AUTHORITIES = {
    "AZPS": ("US-SW-AZPS", "Arizona Public Service Company", "America/Phoenix", "Phoenix, AZ"),
    "BPAT": (
        "US-NW-BPAT",
        "Bonneville Power Administration",
        "America/Los_Angeles",
        "Vancouver, WA",
    ),
    "CISO": ("US-CAL-CISO", "California ISO", "America/Los_Angeles", "Folsom, CA"),
    "ERCO": (
        "US-TEX-ERCO",
        "Electric Reliability Council of Texas",
        "America/Chicago",
        "Austin, TX",
    ),
    "MISO": ("US-MIDW-MISO", "Midcontinent ISO", "America/Indiana/Indianapolis", "Carmel, IN"),
    "NYIS": ("US-NY-NYIS", "New York ISO", "America/New_York", "Rensselaer, NY"),
    "PJM": ("US-MIDA-PJM", "PJM Interconnection", "America/New_York", "Audubon, PA"),
    "SOCO": ("US-SE-SOCO", "Southern Company Services", "America/Chicago", "Birmingham, AL"),
}
#: Representative coordinates per BA (its control-centre city) for the timestamp check.
_BA_COORDS = {
    "AZPS": (33.45, -112.07),
    "BPAT": (45.64, -122.66),
    "CISO": (38.68, -121.18),
    "ERCO": (30.27, -97.74),
    "MISO": (39.98, -86.12),
    "NYIS": (42.64, -73.74),
    "PJM": (40.12, -75.42),
    "SOCO": (33.52, -86.80),
}

#: IANA zone for a US state (the zone of the state's most populous area; IANA zone.tab).
US_STATE_ZONES = {
    "AL": "America/Chicago",
    "AK": "America/Anchorage",
    "AZ": "America/Phoenix",
    "AR": "America/Chicago",
    "CA": "America/Los_Angeles",
    "CO": "America/Denver",
    "CT": "America/New_York",
    "DC": "America/New_York",
    "DE": "America/New_York",
    "FL": "America/New_York",
    "GA": "America/New_York",
    "HI": "Pacific/Honolulu",
    "IA": "America/Chicago",
    "ID": "America/Boise",
    "IL": "America/Chicago",
    "IN": "America/Indiana/Indianapolis",
    "KS": "America/Chicago",
    "KY": "America/Kentucky/Louisville",
    "LA": "America/Chicago",
    "MA": "America/New_York",
    "MD": "America/New_York",
    "ME": "America/New_York",
    "MI": "America/Detroit",
    "MN": "America/Chicago",
    "MO": "America/Chicago",
    "MS": "America/Chicago",
    "MT": "America/Denver",
    "NC": "America/New_York",
    "ND": "America/Chicago",
    "NE": "America/Chicago",
    "NH": "America/New_York",
    "NJ": "America/New_York",
    "NM": "America/Denver",
    "NV": "America/Los_Angeles",
    "NY": "America/New_York",
    "OH": "America/New_York",
    "OK": "America/Chicago",
    "OR": "America/Los_Angeles",
    "PA": "America/New_York",
    "RI": "America/New_York",
    "SC": "America/New_York",
    "SD": "America/Chicago",
    "TN": "America/Chicago",
    "TX": "America/Chicago",
    "UT": "America/Denver",
    "VA": "America/New_York",
    "VT": "America/New_York",
    "WA": "America/Los_Angeles",
    "WI": "America/Chicago",
    "WV": "America/New_York",
    "WY": "America/Denver",
}
#: IANA zone for a Canadian province (grid_zone ``CA-XX``).
CA_PROVINCE_ZONES = {
    "AB": "America/Edmonton",
    "BC": "America/Vancouver",
    "MB": "America/Winnipeg",
    "NB": "America/Moncton",
    "NL": "America/St_Johns",
    "NS": "America/Halifax",
    "ON": "America/Toronto",
    "PE": "America/Halifax",
    "QC": "America/Toronto",
    "SK": "America/Regina",
}
#: Multi-zone countries other than US/CA: (country, city) -> IANA zone; ``None`` city is
#: the country's default when all its regions lie in its main zone.
CITY_ZONES = {
    ("AU", "Sydney"): "Australia/Sydney",
    ("AU", "Canberra"): "Australia/Sydney",
    ("AU", "Melbourne"): "Australia/Melbourne",
    ("AU", "Perth"): "Australia/Perth",
    ("AU", "Brisbane"): "Australia/Brisbane",
    ("AU", "Adelaide"): "Australia/Adelaide",
    ("BR", None): "America/Sao_Paulo",
    ("CL", None): "America/Santiago",
    ("CN", None): "Asia/Shanghai",
    ("DE", None): "Europe/Berlin",
    ("ES", None): "Europe/Madrid",
    ("ID", "Jakarta"): "Asia/Jakarta",
    ("MX", "Monterrey"): "America/Monterrey",
    ("MX", None): "America/Mexico_City",
    ("NZ", None): "Pacific/Auckland",
    ("PT", None): "Europe/Lisbon",
    ("MY", None): "Asia/Kuala_Lumpur",
}

#: Reference sites of the clearness table: id -> (pvlib data file, reader, name).
CLEARNESS_SITES = {
    "greensboro-nc": ("723170TYA.CSV", "tmy3", "Greensboro, NC (Piedmont Triad Intl.)"),
    "miami-fl": ("12839.tm2", "tmy2", "Miami, FL"),
    "sand-point-ak": ("703165TY.csv", "tmy3", "Sand Point, AK"),
}

#: Largest distance [km] from a reference station to a cloud region's metro for the
#: station to stand for the region (the same radius as
#: ``footprint.places.solar.REFERENCE_RADIUS_KM``, checked by the tests).
RADIUS_KM = 50.0
_EARTH_RADIUS_KM = 6371.0088  # IUGG mean Earth radius

#: Days of each month of the (non-leap) typical year.
MONTH_DAYS = (31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


@dataclass(frozen=True)
class StatStation:
    """A typical year published as an EnergyPlus weather statistics (``.stat``) file.

    ``global_avg_wh`` is the file's "Monthly Statistics for Solar Radiation" row
    "Global Avg": the mean daily global horizontal irradiation of each month of the
    typical year [Wh/m²/day], January first; the annual GHI is the sum over the months
    of days x mean (the typical year's total, to the file's rounding). Coordinates
    (degrees, minutes) and elevation are the file header's.
    """

    name: str
    dataset: str
    licence: str
    latitude: tuple[float, float, str]
    longitude: tuple[float, float, str]
    altitude_m: float
    global_avg_wh: tuple[int, ...]
    repo: str
    path: str
    commit: str

    def degrees(self) -> tuple[float, float]:
        lat = (self.latitude[0] + self.latitude[1] / 60.0) * (-1 if self.latitude[2] == "S" else 1)
        lon = (self.longitude[0] + self.longitude[1] / 60.0) * (
            -1 if self.longitude[2] == "W" else 1
        )
        return lat, lon

    def annual_kwh(self) -> float:
        return sum(d * g for d, g in zip(MONTH_DAYS, self.global_avg_wh, strict=True)) / 1000.0

    def url(self) -> str:
        return f"https://github.com/{self.repo}/blob/{self.commit}/{self.path}"


_TMY3 = "NREL TMY3 typical meteorological year (from the NSRDB; NREL data, US public domain)"
_CWEC = (
    "CWEC 2016 Canadian Weather year for Energy Calculation (Environment and Climate Change "
    "Canada; Open Government Licence - Canada)"
)

#: Reference stations from EnergyPlus weather statistics files (values transcribed from
#: the files at the commits named; ``global_avg_wh`` Jan..Dec [Wh/m²/day]).
STAT_STATIONS: dict[str, StatStation] = {
    "ashburn-va": StatStation(
        name="Washington Dulles Intl AP, Sterling, VA (WMO 724030)",
        dataset=_TMY3,
        licence="EnergyPlus (BSD-3-Clause)",
        latitude=(38, 58, "N"),
        longitude=(77, 28, "W"),
        altitude_m=82,
        global_avg_wh=(1925, 2970, 4043, 5094, 5631, 6087, 5934, 5176, 4336, 3270, 2266, 1908),
        repo="NREL/EnergyPlus",
        path="weather/USA_VA_Sterling-Washington.Dulles.Intl.AP.724030_TMY3.stat",
        commit="e635eded3dfbbc1c7b5e5d2b78022ce13b855931",
    ),
    "montreal-qc": StatStation(
        name="Montreal-Trudeau Intl AP, QC (WMO 716270)",
        dataset=_CWEC,
        licence="openstudio-standards (BSD-3-Clause)",
        latitude=(45, 28.26, "N"),
        longitude=(73, 44.46, "W"),
        altitude_m=36,
        global_avg_wh=(1618, 2476, 3888, 5058, 5012, 5674, 6135, 5220, 4149, 2192, 1282, 1168),
        repo="NREL/openstudio-standards",
        path="data/weather/CAN_QC_Montreal-Trudeau.Intl.AP.716270_CWEC2016.stat",
        commit="3c0a6acc14824512bfb2e600244db17bfaf46627",
    ),
    "phoenix-az": StatStation(
        name="Phoenix Sky Harbor Intl AP, AZ (WMO 722780)",
        dataset=_TMY3,
        licence="EnergyPlus (BSD-3-Clause)",
        latitude=(33, 27, "N"),
        longitude=(111, 58, "W"),
        altitude_m=337,
        global_avg_wh=(3287, 4162, 5336, 7086, 7844, 8318, 7616, 7127, 6340, 4823, 3773, 3070),
        repo="NREL/EnergyPlus",
        path="weather/USA_AZ_Phoenix-Sky.Harbor.Intl.AP.722780_TMY3.stat",
        commit="1bd58b05ab1378bdf6038b5074778057363828dc",
    ),
    "san-francisco-ca": StatStation(
        name="San Francisco Intl AP, CA (WMO 724940)",
        dataset=_TMY3,
        licence="EnergyPlus (BSD-3-Clause)",
        latitude=(37, 37, "N"),
        longitude=(122, 24, "W"),
        altitude_m=2,
        global_avg_wh=(2136, 3160, 4402, 5672, 6419, 7148, 7129, 6401, 5460, 3761, 2530, 2127),
        repo="NREL/EnergyPlus",
        path="weather/USA_CA_San.Francisco.Intl.AP.724940_TMY3.stat",
        commit="1bd58b05ab1378bdf6038b5074778057363828dc",
    ),
    "seattle-wa": StatStation(
        name="Seattle-Tacoma Intl AP, WA (WMO 727930)",
        dataset=_TMY3,
        licence="openstudio-standards (BSD-3-Clause)",
        latitude=(47, 28, "N"),
        longitude=(122, 19, "W"),
        altitude_m=122,
        global_avg_wh=(1014, 1794, 2823, 4341, 5474, 5928, 6231, 5042, 3678, 2267, 1167, 892),
        repo="NREL/openstudio-standards",
        path="data/weather/USA_WA_Seattle-Tacoma.Intl.AP.727930_TMY3.stat",
        commit="71aa8d4acde26e84f028fa49cab3e7ed51c4f38b",
    ),
}

ZONE_COLUMNS = [
    "zone",
    "eia_code",
    "name",
    "country",
    "timezone",
    "years",
    "dataset",
    "control_centre",
    "source",
]
HOURLY_COLUMNS = [
    "timestamp_utc",
    "intensity_g_per_kwh",
    "generation_mwh",
    *[f"{t}_share" for t in TECHNOLOGIES],
    "estimated",
    "source",
]
REGION_COLUMNS = ["region", "timezone", "source", "notes"]
CLEARNESS_COLUMNS = [
    "site",
    "name",
    "scope",
    "regions",
    "latitude",
    "longitude",
    "altitude_m",
    "clearness",
    "ghi_kwh_per_m2",
    "ghi_clearsky_kwh_per_m2",
    "published",
    "weather_file",
    "method",
    "source",
    "source_url",
]

DATASET = "eia930-2022-hpe-hourly"
SOURCE_SHORT = (
    "EIA-930 2022 hourly net generation by fuel (public domain) via HPE dc-rl @a92b475 (MIT); "
    "IPCC AR5 lifecycle factors"
)
SOURCE_ZONE = (
    "US EIA Form EIA-930 hourly net generation by fuel, 2022 (US public domain), as processed "
    "by HPE SustainDC (HewlettPackard/dc-rl @a92b475, data/CarbonIntensity, MIT); hour-ending "
    "UTC stamps shifted to hour-start; production-based (in-area generation, no imports); "
    "intensity = sum of share x " + FACTORS_TEXT + "; time zone: IANA zone of the control centre"
)
SOURCE_TZ = "IANA time zone database (public domain), zone.tab in tzdata {version}"
SOURCE_CLEARNESS = (
    "NREL {kind} typical meteorological year {file} bundled with pvlib {pvlib} (NREL data, US "
    "public domain; pvlib BSD-3); clear sky: pvlib Ineichen-Perez with pvlib's Linke "
    "turbidity climatology (Remund et al. 2003) at the file's coordinates and altitude"
)
SOURCE_STAT = (
    "{dataset} for {name}: monthly mean daily global horizontal irradiation ('Global Avg') "
    "of the EnergyPlus weather statistics file {file} ({repo} @{commit}, {licence}); clear "
    "sky: pvlib {pvlib} Ineichen-Perez with pvlib's Linke turbidity climatology (Remund et "
    "al. 2003) at the file header's coordinates and elevation"
)
METHOD_CLEARNESS = "annual GHI of the typical year / annual Ineichen clear-sky GHI"


def build(sources: Path, out: Path) -> list[Path]:
    """Write the hourly grid files, the time-zone tables and the clearness table."""
    written: list[Path] = []
    zone_rows = []
    series: dict[str, pd.DataFrame] = {}
    for eia, (zone, name, tz, centre) in sorted(BALANCING_AUTHORITIES.items()):
        frame = _hourly_frame(sources / EIA_FOLDER / f"{eia}_{YEAR}_hourly_gen_and_avgCI.csv", eia)
        series[eia] = frame
        written.append(_write_gz(frame, out / "hourly" / f"{zone}_{YEAR}.csv.gz"))
        zone_rows.append(
            {
                "zone": zone,
                "eia_code": eia,
                "name": name,
                "country": "US",
                "timezone": tz,
                "years": str(YEAR),
                "dataset": DATASET,
                "control_centre": centre,
                "source": SOURCE_ZONE,
            }
        )
    _check_centroids()
    zones = pd.DataFrame(zone_rows, columns=ZONE_COLUMNS)
    _check_timezones(zones.timezone)
    written.append(write_csv(zones, out / "hourly" / "zones.csv"))
    written.append(write_csv(_cloud_region_table(out), out / "hourly" / "cloud_regions.csv"))
    written.append(write_csv(_clearness_table(out), out / "solar_clearness.csv", "%.6g"))
    _cross_check_electricity_maps(sources, series.get("CISO"))
    return written


# --- hourly grid --------------------------------------------------------------------------


def _hourly_frame(path: Path, eia: str) -> pd.DataFrame:
    raw = pd.read_csv(path)
    stamps = pd.to_datetime(raw["timestamp"], utc=True)
    if len(raw) != 8760 or not (stamps.diff().dropna() == pd.Timedelta("1h")).all():
        raise ValueError(f"{path.name}: expected 8760 consecutive hourly rows")
    fuels = raw[list(EIA_FUELS)].rename(columns=EIA_FUELS).astype(float)
    if (fuels < 0).any().any():
        raise ValueError(f"{path.name}: negative generation")
    _check_factors(path, fuels, raw["avg_CI"])
    total = fuels.sum(axis=1, min_count=len(EIA_FUELS))
    median = total.rolling(49, center=True, min_periods=1).median()
    gap = total.isna() | (total <= 0) | (total < 0.5 * median)
    filled = fuels.mask(gap).interpolate(limit_direction="both")
    start = stamps - pd.Timedelta("1h")  # EIA-930 stamps are hour-ending
    _check_hour_convention(eia, start, filled["solar"].to_numpy())
    generation = filled.sum(axis=1)
    shares = filled.div(generation, axis=0)
    intensity = sum(shares[t] * LIFECYCLE_G_PER_KWH[t] for t in EIA_FUELS.values())
    frame = pd.DataFrame(
        {
            "timestamp_utc": start.dt.strftime("%Y-%m-%dT%H:%MZ"),
            "intensity_g_per_kwh": intensity.round(1),
            "generation_mwh": generation.round(0).astype(int),
        }
    )
    for tech in TECHNOLOGIES:
        frame[f"{tech}_share"] = shares[tech].round(4) if tech in shares else 0.0
    frame["estimated"] = gap.astype(int).to_numpy()
    frame["source"] = SOURCE_SHORT + (f"; EIA code {eia}")
    if not np.allclose(frame[[f"{t}_share" for t in TECHNOLOGIES]].sum(axis=1), 1, atol=5e-4):
        raise ValueError(f"{path.name}: shares do not sum to 1")
    print(
        f"hourly: {eia}: {int(gap.sum())} hours gap-filled; generation-weighted mean "
        f"{float((intensity * generation).sum() / generation.sum()):.1f} g/kWh"
    )
    return frame


def _check_factors(path: Path, fuels: pd.DataFrame, avg_ci: pd.Series) -> None:
    """The lifecycle factors must reproduce HPE's hourly average intensity."""
    total = fuels.sum(axis=1)
    ok = fuels.notna().all(axis=1) & avg_ci.notna() & (total > 0)
    recomputed = sum(fuels[t] * LIFECYCLE_G_PER_KWH[t] for t in EIA_FUELS.values())
    err = float((recomputed[ok] / total[ok] - avg_ci[ok]).abs().max())
    if err > 1e-6:
        raise ValueError(f"{path.name}: lifecycle factors do not reproduce avg_CI ({err:g})")


def _check_hour_convention(eia: str, start: pd.Series, solar: np.ndarray) -> None:
    """Hour-start labels put the solar centroid ~0.5 h before solar noon (raw: ~0.5 h after)."""
    if solar.sum() < 1e3:  # NYIS reports no utility solar
        return
    lat, lon = _BA_COORDS[eia]
    import pvlib

    times = pd.DatetimeIndex(start) + pd.Timedelta("30min")
    noon_utc = (
        12.0
        - lon / 15.0
        - pvlib.solarposition.equation_of_time_spencer71(times.dayofyear.to_numpy()) / 60.0
    )
    label = times.hour.to_numpy() + 0.0
    offset = (label - noon_utc + 12.0) % 24.0 - 12.0
    centroid = float((offset * solar).sum() / solar.sum())
    print(f"hourly: {eia}: solar centroid {centroid:+.2f} h from solar noon (hour-start labels)")
    _CENTROIDS[eia] = centroid


#: Solar centroids (h from solar noon at the control centre) seen by the convention check.
_CENTROIDS: dict[str, float] = {}


def _check_centroids() -> None:
    """Across BAs, hour-start labels centre solar output ~0.5 h before noon (raw: +0.5 h).

    Single BAs stray (AZPS's fleet includes a CSP plant with storage that shifts output
    into the evening; fleets sit east or west of the control centre), so the median is
    tested.
    """
    median = float(np.median(list(_CENTROIDS.values())))
    if not -1.0 < median < 0.0:
        raise ValueError(f"median solar centroid {median:+.2f} h from noon: stamp convention?")


def _write_gz(frame: pd.DataFrame, path: Path) -> Path:
    """Deterministic gzip (no name, mtime 0) so that rebuilds are byte-identical."""
    path.parent.mkdir(parents=True, exist_ok=True)
    text = frame[HOURLY_COLUMNS].to_csv(index=False, lineterminator="\n")
    buf = io.BytesIO()
    with gzip.GzipFile(filename="", mode="wb", fileobj=buf, mtime=0, compresslevel=9) as gz:
        gz.write(text.encode("utf-8"))
    path.write_bytes(buf.getvalue())
    return path


# --- time zones ---------------------------------------------------------------------------


def _zone_tab() -> dict[str, list[str]]:
    text = (importlib.resources.files("tzdata") / "zoneinfo" / "zone.tab").read_text("utf-8")
    by_country: dict[str, list[str]] = {}
    for line in text.splitlines():
        if line.startswith("#") or not line.strip():
            continue
        country, _coords, tz = line.split("\t")[:3]
        by_country.setdefault(country, []).append(tz)
    return by_country


def _tz_version() -> str:
    import tzdata

    return str(tzdata.IANA_VERSION)


def _check_timezones(names: pd.Series) -> None:
    valid = {tz for zones in _zone_tab().values() for tz in zones}
    bad = sorted(set(names) - valid)
    if bad:
        raise ValueError(f"not IANA zone.tab zones: {bad}")


def _region_timezone(row: dict[str, str], tab: dict[str, list[str]]) -> tuple[str, str]:
    country, grid_zone, city = row["country"], row["grid_zone"], row["city"]
    zones = tab.get(country, [])
    if not zones:
        raise ValueError(f"{row['region']}: country {country!r} not in zone.tab")
    if len(zones) == 1:
        return zones[0], f"the only zone.tab zone of {country}"
    if country == "US":
        tz = US_STATE_ZONES[grid_zone.removeprefix("US-")]
        return tz, f"principal zone of {grid_zone}"
    if country == "CA":
        tz = CA_PROVINCE_ZONES[grid_zone.removeprefix("CA-")]
        return tz, f"principal zone of {grid_zone}"
    for key in ((country, city), (country, None)):
        if key in CITY_ZONES:
            return CITY_ZONES[key], (f"zone of {city}" if city else f"main zone of {country}")
    raise ValueError(f"{row['region']}: {country} has several zones; add {city!r} to CITY_ZONES")


def _cloud_region_table(out: Path) -> pd.DataFrame:
    """The IANA time zone of every cloud region (local times in hourly outputs).

    Which hourly zone applies to a region is not stored here: ``footprint.analyses.hourly`` takes
    it from the region's balancing authority (``cloud_regions.csv``, built by
    ``facilities.py``) when that authority has an hourly file, so the mapping lives once.
    """
    regions = pd.read_csv(out / "cloud_regions.csv", keep_default_na=False, na_values=[""])
    tab = _zone_tab()
    source = SOURCE_TZ.format(version=_tz_version())
    rows = []
    for row in regions.to_dict("records"):
        row = {
            k: ("" if (isinstance(v, float) and math.isnan(v)) else str(v)) for k, v in row.items()
        }
        tz, why = _region_timezone(row, tab)
        if tz not in tab[row["country"]]:
            raise ValueError(f"{row['region']}: {tz} is not a zone of {row['country']}")
        rows.append(
            {
                "region": row["region"],
                "timezone": tz,
                "source": source,
                "notes": f"time zone: {why}",
            }
        )
    return pd.DataFrame(rows, columns=REGION_COLUMNS)


# --- solar clearness ----------------------------------------------------------------------


def _clearsky_kwh(lat: float, lon: float, alt: float, times: pd.DatetimeIndex) -> float:
    """Annual Ineichen clear-sky GHI [kWh/m²] at mid-hour of ``times`` (a typical year)."""
    import pvlib

    location = pvlib.location.Location(lat, lon, altitude=alt)
    clear = location.get_clearsky(times, model="ineichen")["ghi"].to_numpy(float)
    return float(clear.sum()) / 1000.0


def _check_clearness(site: str, clearness: float) -> None:
    if not 0.3 < clearness < 1.0:
        raise ValueError(f"{site}: implausible clearness {clearness:.3f}")


def _distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * _EARTH_RADIUS_KM * math.asin(math.sqrt(a))


def _clearness_table(out: Path) -> pd.DataFrame:
    """Reference stations: pvlib's typical years and the EnergyPlus ``.stat`` stations."""
    import pvlib

    data_dir = Path(pvlib.__file__).parent / "data"
    rows = []
    for site, (filename, kind, name) in CLEARNESS_SITES.items():
        path = data_dir / filename
        if kind == "tmy3":
            data, meta = pvlib.iotools.read_tmy3(path, coerce_year=2021, map_variables=True)
            start = data.index - pd.Timedelta("1h")  # TMY3 stamps are hour-ending
            ghi = data["ghi"].to_numpy(float)
        else:
            data, meta = pvlib.iotools.read_tmy2(path)
            start = data.index  # pvlib's TMY2 index is already hour-start
            ghi = data["GHI"].to_numpy(float)
        lat, lon, alt = meta["latitude"], meta["longitude"], meta["altitude"]
        if len(ghi) != 8760:
            raise ValueError(f"{filename}: expected 8760 hours")
        times = pd.DatetimeIndex(start).tz_convert("UTC") + pd.Timedelta("30min")
        annual = float(ghi.sum()) / 1000.0
        clear = _clearsky_kwh(lat, lon, alt, times)
        _check_clearness(site, annual / clear)
        rows.append(
            {
                "site": site,
                "name": name,
                "scope": "station",
                "latitude": round(float(lat), 4),
                "longitude": round(float(lon), 4),
                "altitude_m": float(alt),
                "clearness": round(annual / clear, 4),
                "ghi_kwh_per_m2": round(annual, 1),
                "ghi_clearsky_kwh_per_m2": round(clear, 1),
                "published": f"hourly GHI of {filename} summed over the typical year",
                "weather_file": f"pvlib/data/{filename}",
                "method": METHOD_CLEARNESS,
                "source": SOURCE_CLEARNESS.format(
                    kind=kind.upper(), file=filename, pvlib=pvlib.__version__
                ),
                "source_url": (
                    f"https://github.com/pvlib/pvlib-python/blob/v{pvlib.__version__}/"
                    f"pvlib/data/{filename}"
                ),
            }
        )
    # a typical year on UTC hours, sampled at mid-hour like the files above
    year = pd.date_range("2021-01-01", periods=8760, freq="h", tz="UTC") + pd.Timedelta("30min")
    for site, st in STAT_STATIONS.items():
        if len(st.global_avg_wh) != 12:
            raise ValueError(f"{site}: expected 12 monthly values")
        lat, lon = st.degrees()
        annual = st.annual_kwh()
        clear = _clearsky_kwh(lat, lon, st.altitude_m, year)
        _check_clearness(site, annual / clear)
        file = st.path.rsplit("/", 1)[-1]
        rows.append(
            {
                "site": site,
                "name": st.name,
                "scope": "station",
                "latitude": round(lat, 4),
                "longitude": round(lon, 4),
                "altitude_m": float(st.altitude_m),
                "clearness": round(annual / clear, 4),
                "ghi_kwh_per_m2": round(annual, 1),
                "ghi_clearsky_kwh_per_m2": round(clear, 1),
                "published": "Global Avg [Wh/m2/day] Jan-Dec: "
                + " ".join(str(v) for v in st.global_avg_wh),
                "weather_file": file,
                "method": METHOD_CLEARNESS,
                "source": SOURCE_STAT.format(
                    dataset=st.dataset,
                    name=st.name,
                    file=file,
                    repo=st.repo,
                    commit=st.commit[:7],
                    licence=st.licence,
                    pvlib=pvlib.__version__,
                ),
                "source_url": st.url(),
            }
        )
    table = pd.DataFrame(rows)
    table["regions"] = _regions_of_sites(table, out)
    for row in table.itertuples():
        print(f"hourly: clearness {row.site}: {row.clearness:.3f} ({row.regions or 'no region'})")
    return table[CLEARNESS_COLUMNS]


def _regions_of_sites(table: pd.DataFrame, out: Path) -> list[str]:
    """Cloud regions whose metro lies within ``RADIUS_KM`` of each site (nearest site)."""
    regions = pd.read_csv(out / "cloud_regions.csv", keep_default_na=False, na_values=[""])
    served: dict[str, list[str]] = {site: [] for site in table.site}
    for region in regions.itertuples():
        if pd.isna(region.latitude) or pd.isna(region.longitude):
            continue
        km = [
            _distance_km(float(region.latitude), float(region.longitude), lat, lon)
            for lat, lon in zip(table.latitude, table.longitude, strict=True)
        ]
        best = int(np.argmin(km))
        if km[best] <= RADIUS_KM:
            served[table.site.iloc[best]].append(str(region.region))
    return [";".join(sorted(served[site])) for site in table.site]


def _cross_check_electricity_maps(sources: Path, ciso: pd.DataFrame | None) -> None:
    """Print how the EIA-derived CISO series compares with Electricity Maps' (not shipped)."""
    path = sources / EM_FOLDER / f"US-CAL-CISO_{YEAR}_hourly.csv"
    if ciso is None or not path.is_file():
        return
    em = pd.read_csv(path)
    em_time = pd.to_datetime(em["Datetime (UTC)"], utc=True)
    em_lca = pd.Series(em["Carbon Intensity gCO₂eq/kWh (LCA)"].to_numpy(float), index=em_time)
    ours = pd.Series(
        ciso["intensity_g_per_kwh"].to_numpy(float),
        index=pd.to_datetime(ciso["timestamp_utc"], utc=True),
    )
    both = pd.concat([ours, em_lca], axis=1, join="inner").dropna()
    corr = float(both.corr().iloc[0, 1])
    print(
        f"hourly: cross-check CISO {YEAR} vs Electricity Maps LCA (consumption-based, not "
        f"shipped): r = {corr:.3f}, means {both.iloc[:, 0].mean():.1f} vs "
        f"{both.iloc[:, 1].mean():.1f} g/kWh over {len(both)} hours"
    )
