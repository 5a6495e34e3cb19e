"""Global grid of monthly clear-sky indices for the default PV weather outside the stations.

Writes ``datasets/solar_clearness_grid.csv``: for every point of a 3 x 3 degree grid over
land and near-land cells (latitudes 57 S to 72 N), the monthly clear-sky index (all-sky /
clear-sky global horizontal irradiance, GHI) and its annual value. ``footprint.places.weather``
uses the nearest grid point when no reference station of ``solar_clearness.csv`` lies within
50 km of the array (see ``GRID_RADIUS_KM`` there).

Sources (all permissive):

- All-sky GHI: NASA MERRA-2 reanalysis (Gelaro et al. 2017, doi:10.1175/JCLI-D-16-0758.1;
  NASA GMAO, distributed by GES DISC under NASA's full and open data policy, no restrictions
  on use or redistribution), 2011-2015, as monthly histograms of daily mean GHI on a 3 x 3
  degree grid in the PyPI wheel ``gsee-climate-data`` 1.0.0 (Pfenninger & Staffell,
  renewables-ninja/gsee, BSD-3-Clause; NOTICE: "no restrictions on its use or
  redistribution"). The month's mean GHI of each grid point (the mean of its histogram) is
  extracted by ``scripts/raw/merra2-ghi-3deg/extract.py`` into
  ``scripts/raw/merra2-ghi-3deg/merra2_ghi_monthly_3deg.csv`` (shipped with the scripts, so
  this build runs offline; SOURCE.md there gives hashes and commit).
- Clear-sky GHI: pvlib's Ineichen-Perez model with pvlib's Linke turbidity climatology
  (Remund et al. 2003) and altitude map, at the grid point, every hour of a typical
  (non-leap) year at mid-hour: the same model footprint's PV weather scales.

Method: ``clearness_mMM`` = month's mean MERRA-2 GHI / month's mean clear-sky GHI;
``clearness`` = annual GHI / annual clear-sky GHI (days-weighted). A month whose clear-sky
mean is below ``MIN_CLEARSKY_W_PER_M2`` (polar night, where the ratio means nothing) or
that has no MERRA-2 histogram is left blank; footprint uses the annual index there.

Known bias, measured here and printed by the build: at the 8 reference stations of
``solar_clearness.csv`` (typical-year measurements), the nearest grid point's annual GHI is
higher than the station's (MERRA-2 under-represents cloud; the grid point also stands for a
3 x 3 degree area). The figures are in datasets/SOURCES.md; footprint states the grid's
provenance in every result that uses it, and a station within 50 km always wins.
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd

from datasets._common import write_csv

ROOT = Path(__file__).resolve().parents[2]
RAW = ROOT / "scripts" / "raw" / "merra2-ghi-3deg" / "merra2_ghi_monthly_3deg.csv"

#: Days of each month of the (non-leap) typical year.
MONTH_DAYS = (31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)

#: A month whose mean clear-sky GHI is below this [W/m²] gets no monthly index: around
#: polar night both GHIs are a few W/m² and their ratio is noise (the annual index is used).
MIN_CLEARSKY_W_PER_M2 = 10.0

MONTHS = [f"m{m:02d}" for m in range(1, 13)]
COLUMNS = [
    "cell",
    "latitude",
    "longitude",
    "altitude_m",
    "clearness",
    *[f"clearness_{m}" for m in MONTHS],
    "ghi_kwh_per_m2",
    "ghi_clearsky_kwh_per_m2",
    "source",
]

SOURCE = (
    "NASA MERRA-2 2011-2015 monthly mean GHI (GMAO; no restrictions) via gsee-climate-data "
    "1.0.0 (BSD-3-Clause); clear sky: pvlib {pvlib} Ineichen with Linke turbidity climatology"
)


def cell_id(lat: float, lon: float) -> str:
    """Grid point name: ``N51E012`` for 51° N, 12° E."""
    return f"{'N' if lat >= 0 else 'S'}{abs(lat):02.0f}{'E' if lon >= 0 else 'W'}{abs(lon):03.0f}"


def _clearsky_monthly(lat: float, lon: float, alt: float, year: pd.DatetimeIndex) -> np.ndarray:
    """Monthly mean Ineichen clear-sky GHI [W/m²] at mid-hour of a typical year."""
    import pvlib

    location = pvlib.location.Location(lat, lon, altitude=alt)
    ghi = location.get_clearsky(year, model="ineichen")["ghi"].to_numpy(float)
    ghi = np.nan_to_num(ghi)
    month = np.asarray(year.month)
    return np.array([ghi[month == m].mean() for m in range(1, 13)])


def build(sources: Path, out: Path) -> list[Path]:
    """Write ``solar_clearness_grid.csv`` (``sources`` unused: the raw extract ships here)."""
    import warnings

    import pvlib

    raw = pd.read_csv(RAW)
    ghi_cols = [f"ghi_w_per_m2_{m}" for m in MONTHS]
    year = pd.date_range("2021-01-01", periods=8760, freq="h", tz="UTC") + pd.Timedelta("30min")
    days = np.array(MONTH_DAYS, dtype=float)
    rows = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # pvlib: deprecated pandas dayofyear, log of zero
        for cell in raw.itertuples(index=False):
            lat, lon = float(cell.latitude), float(cell.longitude)
            alt = float(pvlib.location.lookup_altitude(lat, lon))
            clear = _clearsky_monthly(lat, lon, alt, year)
            ghi = np.array([getattr(cell, c) for c in ghi_cols], dtype=float)
            usable = ~np.isnan(ghi) & (clear >= MIN_CLEARSKY_W_PER_M2)
            monthly = np.where(usable, ghi / np.where(usable, clear, 1.0), np.nan)
            annual_ghi = float(np.nansum(np.nan_to_num(ghi) * days)) * 24 / 1000.0
            annual_clear = float((clear * days).sum()) * 24 / 1000.0
            # annual index over the months with both values (polar-night months add ~0)
            annual = float(
                (ghi[usable] * days[usable]).sum() / (clear[usable] * days[usable]).sum()
            )
            if not 0.2 < annual < 1.2 or np.nanmax(monthly) > 1.5:
                raise ValueError(f"{cell_id(lat, lon)}: implausible clear-sky index {annual:.3f}")
            rows.append(
                {
                    "cell": cell_id(lat, lon),
                    "latitude": lat,
                    "longitude": lon,
                    "altitude_m": round(alt),
                    "clearness": round(annual, 4),
                    **{
                        f"clearness_{m}": round(float(v), 4)
                        for m, v in zip(MONTHS, monthly, strict=True)
                    },
                    "ghi_kwh_per_m2": round(annual_ghi, 1),
                    "ghi_clearsky_kwh_per_m2": round(annual_clear, 1),
                    "source": SOURCE.format(pvlib=pvlib.__version__),
                }
            )
    table = pd.DataFrame(rows)[COLUMNS]
    _report_bias(table, out)
    return [write_csv(table, out / "solar_clearness_grid.csv", "%.6g")]


def _distance_km(lat1: float, lon1: float, lat2: np.ndarray, lon2: np.ndarray) -> np.ndarray:
    p1, p2 = math.radians(lat1), np.radians(lat2)
    dp, dl = p2 - p1, np.radians(lon2 - lon1)
    a = np.sin(dp / 2) ** 2 + math.cos(p1) * np.cos(p2) * np.sin(dl / 2) ** 2
    return 2 * 6371.0088 * np.arcsin(np.sqrt(a))


def _report_bias(table: pd.DataFrame, out: Path) -> None:
    """Print the grid against the reference stations of ``solar_clearness.csv`` (if built)."""
    stations = out / "solar_clearness.csv"
    if not stations.exists():
        return
    ratios = []
    for st in pd.read_csv(stations).itertuples():
        km = _distance_km(
            st.latitude, st.longitude, table.latitude.to_numpy(), table.longitude.to_numpy()
        )
        near = table.iloc[int(np.argmin(km))]
        ratio = near.ghi_kwh_per_m2 / st.ghi_kwh_per_m2
        ratios.append(ratio)
        print(
            f"solar_grid: {st.site}: station GHI {st.ghi_kwh_per_m2:.0f} kWh/m2, clearness "
            f"{st.clearness:.3f}; grid {near.cell} ({km.min():.0f} km) GHI "
            f"{near.ghi_kwh_per_m2:.0f} ({ratio - 1:+.1%}), clearness {near.clearness:.3f}"
        )
    print(f"solar_grid: grid / station annual GHI, mean {np.mean(ratios) - 1:+.1%}")
