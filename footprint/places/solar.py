"""On-site solar: hour-by-hour generation of a PV array at the data centre, with pvlib.

This module and :mod:`footprint.places.weather` (clearness, weather files) are the only users of
pvlib (imported in one place, :func:`footprint.places.weather.import_pvlib`). Its public functions
take quantities of footprint's registry and return quantities (or DataFrames whose columns
carry their unit in the name); in between, magnitudes go to pvlib in pvlib's units
(W/m², °C, m/s, degrees, W) and come back as kWh per hour.

Model chain (NREL's PVWatts version 5, Dobos 2014, as implemented in pvlib)::

    solar position     NREL SPA at mid-hour (Reda & Andreas 2004)
    weather            clear sky (Ineichen & Perez 2002, pvlib's Linke turbidity and
                       altitude maps, offline) x the site's clear-sky index (a station's
                       annual one, or a global grid point's monthly ones, NASA MERRA-2),
                       split into beam and diffuse with Erbs et al. (1982);
                       or a TMY3 / TMY2 / EPW / PVGIS file read with pvlib.iotools
    plane of array     Perez et al. (1990) transposition, ground albedo 0.25
    reflection         physical (Fresnel) incidence-angle modifier on the beam
    cell temperature   Sandia model (King et al. 2004), open rack or roof mount
    DC                 PVWatts: P = G_eff / 1000 x P_dc0 x (1 + gamma (T_cell - 25 °C)),
                       times (1 - system losses)
    AC                 PVWatts inverter (nominal efficiency 0.96), DC/AC ratio 1.2,
                       clipping at the inverter's AC rating

Timestamps are the start of each hour, in UTC (footprint's convention); pvlib sees the
mid-hour instant. Typical-year weather (TMY) is laid onto the requested calendar hours
by month, day and UTC hour, and every such mapping is noted.

References
----------
Dobos, A.P. (2014). PVWatts Version 5 Manual. NREL/TP-6A20-62641.
Ineichen, P., Perez, R. (2002). A new airmass independent formulation for the Linke
turbidity coefficient. Solar Energy 73(3), 151-157. doi:10.1016/S0038-092X(02)00045-2
Remund, J. et al. (2003). Worldwide Linke turbidity information. ISES Solar World
Congress, Göteborg.
Erbs, D.G., Klein, S.A., Duffie, J.A. (1982). Estimation of the diffuse radiation
fraction for hourly, daily and monthly-average global radiation. Solar Energy 28(4),
293-302. doi:10.1016/0038-092X(82)90302-4
Perez, R. et al. (1990). Modeling daylight availability and irradiance components from
direct and global irradiance. Solar Energy 44(5), 271-289.
King, D.L., Boyson, W.E., Kratochvil, J.A. (2004). Photovoltaic Array Performance
Model. SAND2004-3535.
Holmgren, W.F., Hansen, C.W., Mikofski, M.A. (2018). pvlib python: a python package
for modeling solar energy systems. JOSS 3(29), 884. doi:10.21105/joss.00884
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from footprint.core import units
from footprint.core.errors import InputError, MissingDataError, UnknownNameError
from footprint.core.provenance import Factor, user_factor
from footprint.places.regions import resolve_region
from footprint.places.weather import (
    REFERENCE_RADIUS_KM,
    WEATHER_FORMATS,
    Weather,
    check_fraction,
    clearness_factor,
    clearness_sites,
    clearsky_weather,
    distance_km,
    hour_of_year,
    import_pvlib,
    read_weather,
    weather_for,
)

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

__all__ = [
    "PVArray",
    "SolarSite",
    "Weather",
    "OnSiteSolar",
    "SolarRun",
    "SolarYield",
    "MODULE_TYPES",
    "MOUNTS",
    "WEATHER_FORMATS",
    "clearness_factor",
    "clearness_sites",
    "clearsky_weather",
    "read_weather",
    "on_site_solar",
    "annual_yield",
    "hour_of_year",
]

#: Array tilt when none is given [deg]: the PVWatts calculator's default tilt
#: (NREL PVWatts V8 web API, ``tilt`` example default 20°; Dobos 2014).
DEFAULT_TILT_DEG = 20.0

#: DC-to-AC size ratio (array DC rating / inverter AC rating): PVWatts' default since
#: version 6 (NREL PVWatts API documentation, ``dc_ac_ratio`` default 1.2).
DC_AC_RATIO = 1.2

#: Nominal inverter efficiency: PVWatts default ``inv_eff`` 96 % (Dobos 2014, sec. 8).
INVERTER_EFFICIENCY = 0.96

#: Ambient temperature [°C] and wind speed [m/s] assumed with clear-sky weather, which
#: carries none: the nominal operating cell temperature (NOCT) conditions of IEC 61215
#: (800 W/m², 20 °C ambient, 1 m/s wind). Weather files supply the real values.
NOCT_AMBIENT_C = 20.0
NOCT_WIND_M_PER_S = 1.0

#: Ground reflectance for the transposition: pvlib's default albedo 0.25, the common
#: value for grass/soil in the Perez and PVWatts literature (Dobos 2014: 0.2 default).
ALBEDO = 0.25

#: PVWatts v5 module types -> temperature coefficient of power [1/°C] (Dobos 2014,
#: Table 2: standard -0.47 %/°C, premium -0.35 %/°C, thin film -0.20 %/°C).
MODULE_TYPES: dict[str, float] = {
    "standard": -0.0047,
    "premium": -0.0035,
    "thin_film": -0.0020,
}

#: Mounting -> Sandia (SAPM) cell-temperature parameters in pvlib (King et al. 2004,
#: Table 1): free-standing racks, or modules flush on a roof (insulated back).
MOUNTS: dict[str, str] = {
    "open_rack": "open_rack_glass_polymer",
    "roof": "insulated_back_glass_polymer",
}


# --- inputs -------------------------------------------------------------------------------


def _angle(value: Any, name: str, low: float, high: float) -> float:
    deg = float(units.parse_quantity(value, "angle", "deg", name, allow_negative=True).m_as("deg"))
    if not low <= deg <= high:
        raise InputError(f"{name}: expected an angle in [{low:g}, {high:g}] deg, got {deg:g} deg")
    return deg


@dataclass(frozen=True)
class PVArray:
    """A fixed PV array: nameplate, orientation and losses (PVWatts parameters).

    Parameters
    ----------
    capacity : Quantity, str or float
        DC nameplate at standard test conditions [kWp]; bare numbers are kWp.
    tilt : Quantity, str or float, optional
        Tilt from horizontal [deg], 0-90; default 20° (PVWatts).
    azimuth : Quantity, str or float, optional
        Facing direction clockwise from north [deg], 0-360; default equator-facing
        (180° north of the equator, 0° south of it).
    losses : float or str, optional
        System losses as a fraction (0.14 or "14 %"): soiling, shading, wiring,
        mismatch, availability...; default PVWatts' 14.08 %.
    module_type : {"standard", "premium", "thin_film"}
        PVWatts module type (sets the temperature coefficient).
    mount : {"open_rack", "roof"}
        Free-standing rack or flush roof mount (sets cell temperature).
    dc_ac_ratio : float
        DC nameplate over inverter AC rating; default 1.2 (PVWatts).
    inverter_efficiency : float
        Nominal inverter efficiency in (0, 1]; default 0.96 (PVWatts).
    """

    capacity: Any
    tilt: Any = None
    azimuth: Any = None
    losses: Any = None
    module_type: str = "standard"
    mount: str = "open_rack"
    dc_ac_ratio: Any = DC_AC_RATIO
    inverter_efficiency: Any = INVERTER_EFFICIENCY
    _m: dict[str, float] = field(default_factory=dict, init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        m = self._m
        m["capacity_kw"] = float(
            units.parse_quantity(self.capacity, "power", "kWp", "capacity", allow_zero=False).m_as(
                "kW"
            )
        )
        if self.tilt is not None:
            m["tilt"] = _angle(self.tilt, "tilt", 0.0, 90.0)
        if self.azimuth is not None:
            m["azimuth"] = _angle(self.azimuth, "azimuth", 0.0, 360.0)
        if self.losses is not None:
            m["losses"] = check_fraction(self.losses, "losses")
        for kind, value, choices in (
            ("module type", self.module_type, MODULE_TYPES),
            ("mount", self.mount, MOUNTS),
        ):
            if not isinstance(value, str):
                raise InputError(f"{kind}: expected one of {', '.join(choices)}, got {value!r}")
            if value not in choices:
                raise UnknownNameError(kind, value, choices)
        ratio = float(
            units.parse_quantity(
                self.dc_ac_ratio, "dimensionless", "", "dc_ac_ratio", allow_zero=False
            ).m_as("")
        )
        if not 0.5 <= ratio <= 3.0:
            raise InputError(f"dc_ac_ratio: expected a ratio in [0.5, 3], got {ratio:g}")
        m["dc_ac_ratio"] = ratio
        m["inverter_efficiency"] = check_fraction(
            self.inverter_efficiency, "inverter_efficiency", upper_open=False
        )
        if m["inverter_efficiency"] <= 0:
            raise InputError("inverter_efficiency: must be greater than zero")

    @property
    def capacity_kw(self) -> float:
        return self._m["capacity_kw"]

    def tilt_deg(self) -> float:
        return self._m.get("tilt", DEFAULT_TILT_DEG)

    def azimuth_deg(self, latitude: float) -> float:
        if "azimuth" in self._m:
            return self._m["azimuth"]
        return 180.0 if latitude >= 0 else 0.0

    def losses_fraction(self) -> float:
        if "losses" in self._m:
            return self._m["losses"]
        return float(import_pvlib().pvsystem.pvwatts_losses()) / 100.0

    def factors(self, latitude: float) -> dict[str, Factor]:
        """The array's parameters as factors (user-given or PVWatts defaults)."""
        Q_ = units.Q_
        pvwatts = "NREL PVWatts v5 (Dobos 2014, NREL/TP-6A20-62641)"

        def pick(key: str, name: str, value: Any, note: str, source: str = pvwatts) -> Factor:
            if key in self._m:
                return user_factor(name, value, key)
            return Factor(name, value, "default", source, note=note)

        out = {
            "pv_capacity": user_factor("pv_capacity", Q_(self.capacity_kw, "kWp"), "capacity"),
            "pv_tilt": pick("tilt", "pv_tilt", Q_(self.tilt_deg(), "deg"), "PVWatts default tilt"),
            "pv_azimuth": pick(
                "azimuth",
                "pv_azimuth",
                Q_(self.azimuth_deg(latitude), "deg"),
                "equator-facing",
                "footprint default: facing the equator",
            ),
            "pv_losses": pick(
                "losses",
                "pv_losses",
                Q_(self.losses_fraction(), ""),
                "PVWatts default system losses (pvlib.pvsystem.pvwatts_losses)",
            ),
            "pv_gamma": Factor(
                "pv_gamma",
                Q_(MODULE_TYPES[self.module_type], "1/delta_degC"),
                "default",
                pvwatts + ", Table 2",
                note=f"temperature coefficient of the '{self.module_type}' module type",
            ),
            "pv_dc_ac_ratio": Factor(
                "pv_dc_ac_ratio",
                Q_(self._m["dc_ac_ratio"], ""),
                "user" if self.dc_ac_ratio != DC_AC_RATIO else "default",
                "NREL PVWatts API default dc_ac_ratio",
            ),
            "pv_inverter_efficiency": Factor(
                "pv_inverter_efficiency",
                Q_(self._m["inverter_efficiency"], ""),
                "user" if self.inverter_efficiency != INVERTER_EFFICIENCY else "default",
                pvwatts,
            ),
        }
        return out

    def inputs(self) -> dict[str, str]:
        out = {"pv_capacity": str(self.capacity)}
        for key in ("tilt", "azimuth", "losses"):
            value = getattr(self, key)
            if value is not None:
                out[f"pv_{key}"] = str(value)
        if self.module_type != "standard":
            out["pv_module_type"] = self.module_type
        if self.mount != "open_rack":
            out["pv_mount"] = self.mount
        return out


@dataclass(frozen=True)
class SolarSite:
    """Where the array stands.

    Parameters
    ----------
    latitude, longitude : float
        Decimal degrees (WGS84), north and east positive.
    altitude : float, optional
        Metres above sea level; default from pvlib's bundled altitude map.
    name : str
        Label for outputs (e.g. the cloud region).
    """

    latitude: float
    longitude: float
    altitude: float | None = None
    name: str = ""
    source: str = ""

    def __post_init__(self) -> None:
        for key, bound in (("latitude", 90.0), ("longitude", 180.0)):
            value = getattr(self, key)
            units.check_magnitude(value, key, allow_negative=True)
            if abs(float(value)) > bound:
                raise InputError(f"{key}: expected degrees in [-{bound:g}, {bound:g}], got {value}")
        if self.altitude is not None:
            units.check_magnitude(self.altitude, "altitude", allow_negative=True)
            if not -500.0 <= float(self.altitude) <= 9000.0:
                raise InputError(
                    f"altitude: expected metres above sea level in [-500, 9000], "
                    f"got {self.altitude}"
                )

    def altitude_m(self) -> float:
        if self.altitude is not None:
            return float(self.altitude)
        return float(import_pvlib().location.lookup_altitude(self.latitude, self.longitude))

    @classmethod
    def from_region(cls, region: str) -> SolarSite:
        """The site of a cloud region (its metro's coordinates)."""

        location = resolve_region(region)
        if location.latitude is None or location.longitude is None:
            raise MissingDataError(
                f"{location.id} has no coordinates (only cloud regions do): give latitude and "
                "longitude of the array"
            )
        return cls(
            location.latitude,
            location.longitude,
            name=location.id,
            source="cloud_regions.csv: metro coordinates from GeoNames (CC BY 4.0)",
        )

    def factors(self) -> dict[str, Factor]:
        """Latitude and longitude as factors (dataset for a cloud region, else user)."""
        out = {}
        for key in ("latitude", "longitude"):
            value = units.Q_(float(getattr(self, key)), "deg")
            if self.source:
                out[f"pv_{key}"] = Factor(
                    f"pv_{key}",
                    value,
                    "dataset",
                    self.source,
                    dataset="cloud_regions.csv",
                    zone=self.name or None,
                )
            else:
                out[f"pv_{key}"] = user_factor(f"pv_{key}", value, key)
        return out


# --- the model chain ----------------------------------------------------------------------


@dataclass(frozen=True)
class SolarRun:
    """PV generation on a set of hours.

    Attributes
    ----------
    frame : DataFrame
        Index: hour start (UTC). Columns ``ghi_w_per_m2``, ``poa_w_per_m2`` (hour mean
        irradiance), ``temp_cell_c``, ``dc_kw``, ``ac_kw`` and ``energy_kwh`` (AC energy
        delivered in the hour).
    factors : dict[str, Factor]
        Array, weather and location factors.
    notes : tuple[str, ...]
    """

    frame: Any
    factors: dict[str, Factor]
    notes: tuple[str, ...]

    @property
    def energy(self) -> Any:
        """AC energy in each hour [kWh] (a Quantity array)."""
        return units.Q_(self.frame["energy_kwh"].to_numpy(), "kWh")


@dataclass(frozen=True)
class OnSiteSolar:
    """A PV array at a site with its weather: what hourly accounting needs.

    Build it with :func:`on_site_solar`.
    """

    array: PVArray
    site: SolarSite
    weather: Weather

    def run(self, times: Any) -> SolarRun:
        """Simulate the hours starting at ``times`` (tz-aware, hourly)."""
        return _simulate(self, times)

    def inputs(self) -> dict[str, str]:
        out = self.array.inputs()
        out["pv_site"] = self.site.name or f"{self.site.latitude:.4f}, {self.site.longitude:.4f}"
        out["pv_weather"] = self.weather.kind
        return out


def _hour_starts(times: Any) -> pd.DatetimeIndex:
    import pandas as pd

    idx = pd.DatetimeIndex(times)
    if idx.tz is None:
        raise InputError("solar: hour starts must be time-zone aware (UTC)")
    idx = idx.tz_convert("UTC")
    if len(idx) and not (idx == idx.floor("h")).all():
        raise InputError("solar: hour starts must fall on whole hours")
    return idx


def _simulate(solar: OnSiteSolar, times: Any) -> SolarRun:
    import warnings

    import numpy as np

    # pvlib divides by zero for the sun below the horizon (then masked): silence that
    with np.errstate(divide="ignore", invalid="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        # pvlib 0.16 calls pandas' deprecated ``dayofyear``; not ours to fix
        warnings.filterwarnings("ignore", message=".*dayofyear is deprecated.*")
        return _simulate_quiet(solar, times)


def _simulate_quiet(solar: OnSiteSolar, times: Any) -> SolarRun:
    import numpy as np
    import pandas as pd

    pvlib = import_pvlib()
    idx = _hour_starts(times)
    array, site, weather = solar.array, solar.site, solar.weather
    lat, lon = site.latitude, site.longitude
    alt = site.altitude_m()
    mid = idx + pd.Timedelta("30min")
    notes: list[str] = list(weather.notes)

    position = pvlib.solarposition.get_solarposition(mid, lat, lon, altitude=alt)
    zenith = position["zenith"].to_numpy(float)
    apparent = position["apparent_zenith"].to_numpy(float)
    sun_az = position["azimuth"].to_numpy(float)
    dni_extra = np.asarray(pvlib.irradiance.get_extra_radiation(mid), dtype=float)
    airmass = np.asarray(pvlib.atmosphere.get_relative_airmass(apparent), dtype=float)

    if weather.kind == "clearsky":
        clearness = weather.clearness
        if clearness is None:
            raise InputError("clear-sky weather needs a clearness factor")
        k = float(clearness.value.m_as(""))
        pressure = pvlib.atmosphere.alt2pres(alt)
        am_abs = pvlib.atmosphere.get_absolute_airmass(airmass, pressure)
        linke = pvlib.clearsky.lookup_linke_turbidity(mid, lat, lon).to_numpy(float)
        clear = pvlib.clearsky.ineichen(apparent, am_abs, linke, altitude=alt, dni_extra=dni_extra)
        ghi_clear = np.nan_to_num(np.asarray(clear["ghi"], dtype=float))
        # the hour's index: the annual one, or its month's (a grid point's monthly indices)
        if weather.monthly is not None:
            k_hour = np.asarray(weather.monthly, dtype=float)[np.asarray(mid.month) - 1]
        else:
            k_hour = np.full(len(mid), k)
        ghi = ghi_clear * k_hour
        # below 1: cloudier than clear sky, split by Erbs; at or above 1 (a grid index
        # above pvlib's clear sky), the clear-sky beam and diffuse scaled alike
        dni = np.nan_to_num(np.asarray(clear["dni"], dtype=float)) * k_hour
        dhi = np.nan_to_num(np.asarray(clear["dhi"], dtype=float)) * k_hour
        cloudy = k_hour < 1.0
        if cloudy.any():
            split = pvlib.irradiance.erbs(ghi, zenith, mid)
            dni = np.where(cloudy, np.nan_to_num(np.asarray(split["dni"], dtype=float)), dni)
            dhi = np.where(cloudy, np.nan_to_num(np.asarray(split["dhi"], dtype=float)), dhi)
        temp_air: Any = NOCT_AMBIENT_C
        wind: Any = NOCT_WIND_M_PER_S
        if clearness.origin == "dataset" and clearness.note:
            notes.append(f"solar clearness {k:.3f}: {clearness.note}")
        if weather.monthly is not None:
            by_month = " ".join(f"{x:.2f}" for x in weather.monthly)
            notes.append(
                f"solar weather: clear sky x the month's clearness (Jan-Dec {by_month}; "
                f"annual {k:.3f}), beam/diffuse split by Erbs; cell temperature at NOCT "
                f"conditions ({NOCT_AMBIENT_C:g} °C, {NOCT_WIND_M_PER_S:g} m/s); no "
                "hour-to-hour cloud variability"
            )
            if max(weather.monthly) > 1.0:
                notes.append(
                    "solar clearness above 1 in some months: the grid's MERRA-2 irradiance "
                    "exceeds pvlib's clear sky there (its Linke turbidity climatology), so "
                    "the yield can exceed the clear-sky bound"
                )
        else:
            notes.append(
                f"solar weather: clear sky x clearness {k:.3f}, beam/diffuse split by Erbs; "
                f"cell temperature at NOCT conditions ({NOCT_AMBIENT_C:g} °C, "
                f"{NOCT_WIND_M_PER_S:g} m/s); no hour-to-hour cloud variability"
            )
    else:
        met, more = weather_for(weather, idx)
        notes += more
        ghi = met["ghi"].to_numpy(float)
        dni = met["dni"].to_numpy(float)
        dhi = met["dhi"].to_numpy(float)
        temp_air = met["temp_air"].to_numpy(float)
        wind = met["wind_speed"].to_numpy(float)
        if weather.latitude is not None and weather.longitude is not None:
            km = distance_km(lat, lon, weather.latitude, weather.longitude)
            if km > REFERENCE_RADIUS_KM:
                notes.append(
                    f"weather file {weather.source} is for a place {km:.0f} km from the array"
                )

    tilt = array.tilt_deg()
    azimuth = array.azimuth_deg(lat)
    poa = pvlib.irradiance.get_total_irradiance(
        tilt,
        azimuth,
        zenith,
        sun_az,
        dni,
        ghi,
        dhi,
        dni_extra=dni_extra,
        airmass=airmass,
        albedo=ALBEDO,
        model="perez",
    )
    aoi = pvlib.irradiance.aoi(tilt, azimuth, zenith, sun_az)
    iam = np.nan_to_num(np.asarray(pvlib.iam.physical(aoi), dtype=float))
    beam = np.nan_to_num(np.asarray(poa["poa_direct"], dtype=float))
    diffuse = np.nan_to_num(np.asarray(poa["poa_diffuse"], dtype=float))
    poa_global = np.nan_to_num(np.asarray(poa["poa_global"], dtype=float))
    effective = beam * iam + diffuse
    params = pvlib.temperature.TEMPERATURE_MODEL_PARAMETERS["sapm"][MOUNTS[array.mount]]
    temp_cell = np.asarray(pvlib.temperature.sapm_cell(poa_global, temp_air, wind, **params))
    pdc0 = array.capacity_kw * 1000.0
    dc = np.asarray(
        pvlib.pvsystem.pvwatts_dc(effective, temp_cell, pdc0, MODULE_TYPES[array.module_type]),
        dtype=float,
    ) * (1.0 - array.losses_fraction())
    eta = array._m["inverter_efficiency"]
    pac0 = pdc0 / array._m["dc_ac_ratio"]
    ac = np.asarray(pvlib.inverter.pvwatts(dc, pac0 / eta, eta_inv_nom=eta), dtype=float)
    ac = np.clip(np.nan_to_num(ac, posinf=np.inf), 0.0, None)
    if not np.isfinite(ac).all() or not np.isfinite(dc).all():
        raise InputError("capacity: too large; the array's output is not a finite number")
    frame = pd.DataFrame(
        {
            "ghi_w_per_m2": ghi,
            "poa_w_per_m2": poa_global,
            "temp_cell_c": temp_cell,
            "dc_kw": np.clip(dc, 0.0, None) / 1000.0,
            "ac_kw": ac / 1000.0,
            "energy_kwh": ac / 1000.0,  # mean power over one hour x 1 h
        },
        index=idx,
    )
    frame.index.name = "hour_start_utc"
    factors = {**array.factors(lat), **site.factors()}
    weather_factor = weather.factor()
    factors[weather_factor.name] = weather_factor
    return SolarRun(frame, factors, tuple(notes))


def _number(value: Any, name: str) -> float:
    """A plain number (or a string holding one), finite."""
    if isinstance(value, str):
        q = units.to_quantity(value, "", name)
        if not q.dimensionless:
            raise InputError(f"{name}: expected a number, got {value!r}")
        value = q.m_as("")
    units.check_magnitude(value, name, allow_negative=True)
    return float(value)


def _degrees(value: Any, name: str) -> float:
    """Decimal degrees from a number, a numeric string or an angle quantity."""
    if hasattr(value, "dimensionality"):
        return float(
            units.parse_quantity(value, "angle", "deg", name, allow_negative=True).m_as("deg")
        )
    return _number(value, name)


def on_site_solar(
    capacity: Any,
    *,
    region: str | None = None,
    latitude: float | None = None,
    longitude: float | None = None,
    altitude: float | None = None,
    tilt: Any = None,
    azimuth: Any = None,
    losses: Any = None,
    module_type: str = "standard",
    mount: str = "open_rack",
    clearness: Any = None,
    weather_file: str | Path | None = None,
    weather_format: str | None = None,
) -> OnSiteSolar:
    """An array, its site and its weather, from plain inputs (library and CLI entry).

    The site is ``latitude``/``longitude`` if given, else the cloud region's metro
    (``region``), else the weather file's location. The weather is the file if one is
    given, else clear sky x ``clearness`` (a number, a reference site or grid point, or by
    default the sourced factor: the row of ``solar_clearness.csv`` listing the cloud region,
    else the nearest reference site within :data:`REFERENCE_RADIUS_KM`, else the monthly
    indices of the nearest point of ``solar_clearness_grid.csv``; the choice and its
    distance are noted, see :func:`clearness_factor`).
    """
    if (latitude is None) != (longitude is None):
        raise InputError("give both latitude and longitude, or neither")
    if weather_file is not None and clearness is not None:
        raise InputError("give either a weather file or a clearness factor, not both")
    weather = read_weather(weather_file, weather_format) if weather_file is not None else None
    if latitude is not None and longitude is not None:
        site = SolarSite(
            _degrees(latitude, "latitude"),
            _degrees(longitude, "longitude"),
            None if altitude is None else _number(altitude, "altitude"),
        )
    elif region is not None:
        site = SolarSite.from_region(region)
    elif weather is not None and weather.latitude is not None and weather.longitude is not None:
        site = SolarSite(
            weather.latitude,
            weather.longitude,
            weather.altitude,
            weather.source,
        )
    else:
        raise InputError(
            "solar: where is the array? give latitude and longitude, a cloud region, or a "
            "weather file with coordinates"
        )
    if weather is None:
        weather = clearsky_weather(clearness, site)
    array = PVArray(
        capacity, tilt=tilt, azimuth=azimuth, losses=losses, module_type=module_type, mount=mount
    )
    return OnSiteSolar(array, site, weather)


# --- annual yield -------------------------------------------------------------------------


@dataclass(frozen=True)
class SolarYield:
    """A year of generation: totals, the clear-sky bound and the monthly split."""

    results: dict[str, Any]
    factors: dict[str, Factor]
    inputs: dict[str, str]
    notes: list[str]
    monthly: Any  # DataFrame: month, energy_kwh, clearsky_kwh

    def to_dict(self) -> dict[str, Any]:
        """The JSON contract: ``results``, ``factors``, ``inputs``, ``notes``."""
        results = {}
        for key, q in self.results.items():
            results[key] = {"value": float(q.magnitude), "unit": units.format_unit(q.units)}
        return {
            "results": results,
            "factors": {name: f.to_dict() for name, f in self.factors.items()},
            "inputs": dict(self.inputs),
            "notes": list(self.notes),
        }


def annual_yield(solar: OnSiteSolar, year: int = 2022) -> SolarYield:
    """Annual AC energy, specific yield and capacity factor of ``solar`` in ``year``.

    Also runs the same array under unscaled clear sky (the physical upper bound) so the
    two can be compared.

    Returns
    -------
    SolarYield
        ``energy`` [kWh], ``specific_yield`` [kWh/kWp], ``capacity_factor`` [1],
        ``energy_clearsky`` [kWh], ``specific_yield_clearsky`` [kWh/kWp]; monthly table.
    """
    import pandas as pd

    if not isinstance(solar, OnSiteSolar):
        raise InputError(
            f"solar: expected an OnSiteSolar (on_site_solar), got {type(solar).__name__}"
        )
    from numbers import Real

    if isinstance(year, bool) or not isinstance(year, Real) or not 1900 <= year <= 2100:
        raise InputError(f"year: expected a calendar year in 1900-2100, got {year!r}"[:200])
    if int(year) != year:
        raise InputError(f"year: expected a calendar year in 1900-2100, got {year!r}")
    year = int(year)
    times = pd.date_range(
        f"{year}-01-01", f"{year + 1}-01-01", freq="h", tz="UTC", inclusive="left"
    )
    run = solar.run(times)
    clear_weather = Weather(
        kind="clearsky",
        clearness=Factor("clearness", units.Q_(1.0, ""), "default", "clear sky (upper bound)"),
    )
    clear = OnSiteSolar(solar.array, solar.site, clear_weather).run(times)
    kwp = solar.array.capacity_kw
    energy = float(run.frame["energy_kwh"].sum())
    energy_clear = float(clear.frame["energy_kwh"].sum())
    Q_ = units.Q_
    results = {
        "energy": Q_(energy, "kWh"),
        "specific_yield": Q_(energy / kwp, "kWh/kWp"),
        "capacity_factor": Q_(energy / (kwp * len(times)), ""),
        "energy_clearsky": Q_(energy_clear, "kWh"),
        "specific_yield_clearsky": Q_(energy_clear / kwp, "kWh/kWp"),
    }
    monthly = pd.DataFrame(
        {
            "energy_kwh": run.frame["energy_kwh"].groupby(run.frame.index.month).sum(),
            "clearsky_kwh": clear.frame["energy_kwh"].groupby(clear.frame.index.month).sum(),
        }
    )
    monthly.index.name = "month"
    monthly = monthly.reset_index()
    inputs = {**solar.inputs(), "year": str(year)}
    notes = list(dict.fromkeys(run.notes))
    notes.append("months by UTC hour; AC energy after system losses and inverter")
    return SolarYield(results, dict(run.factors), inputs, notes, monthly)
