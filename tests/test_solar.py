"""On-site PV with pvlib (``footprint.places.solar``): yields against published figures, weather
files and their time conventions, the clear-sky bound, inputs and units.

Published figures used (annual AC yield of fixed arrays, kWh per kWp DC):

- US range: "across the USA daily production per kilowatt installed varies from as
  little as 2.9 kWh per kW per day to close to 4.7 kWh in very sunny locations", i.e.
  1,059-1,717 kWh/kWp/yr (SolarReviews, "How much electricity does a solar power system
  generate", from NREL PVWatts data;
  https://www.solarreviews.com/blog/how-much-electricity-does-a-solar-power-system-generate).
- Phoenix, AZ: 1,668 kWh/yr per kWp for a south-facing open-rack array at 3/12 pitch
  (14°) (Arizona Solar Center, "Effect of PV array orientation - Phoenix AZ", PVWatts-based
  chart; https://azsolarcenter.org/effect-of-pv-array-orientation-phoenix-az).
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from footprint.cli import cli
from footprint.core import units
from footprint.core.errors import InputError, MissingDataError, UnknownNameError
from footprint.data.loader import load_table
from footprint.places.solar import (
    PVArray,
    SolarSite,
    annual_yield,
    clearness_factor,
    on_site_solar,
    read_weather,
)

PVLIB_DATA = Path(__import__("pvlib").__file__).parent / "data"
GREENSBORO_TMY3 = PVLIB_DATA / "723170TYA.CSV"
MIAMI_TMY2 = PVLIB_DATA / "12839.tm2"
SAND_POINT_TMY3 = PVLIB_DATA / "703165TY.csv"
US_RANGE = (2.9 * 365, 4.7 * 365)  # kWh/kWp/yr, SolarReviews (NREL PVWatts data)


def specific(solar, year=2022):
    return annual_yield(solar, year).results["specific_yield"].m_as("kWh/kWp")


@pytest.fixture(scope="module")
def greensboro_tmy():
    return annual_yield(on_site_solar("1 kWp", weather_file=GREENSBORO_TMY3))


# --- the clearness dataset ----------------------------------------------------------------------


#: NREL TMY3 San Francisco Intl AP (WMO 724940), EnergyPlus weather statistics file
#: USA_CA_San.Francisco.Intl.AP.724940_TMY3.stat (NREL/EnergyPlus @1bd58b0), "Monthly
#: Statistics for Solar Radiation", row "Global Avg" [Wh/m²/day], January to December.
SFO_TMY3_GLOBAL_AVG = (2136, 3160, 4402, 5672, 6419, 7148, 7129, 6401, 5460, 3761, 2530, 2127)
#: CWEC 2016 Montreal-Trudeau Intl AP (WMO 716270), openstudio-standards @3c0a6ac, same row.
YUL_CWEC_GLOBAL_AVG = (1618, 2476, 3888, 5058, 5012, 5674, 6135, 5220, 4149, 2192, 1282, 1168)
MONTH_DAYS = (31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)
SCOPES = {"station", "city", "region", "country"}


def _days_times(values):
    return sum(d * v for d, v in zip(MONTH_DAYS, values, strict=True)) / 1000.0


def test_clearness_table():
    table = load_table("solar_clearness")
    assert {"greensboro-nc", "miami-fl", "sand-point-ak", "san-francisco-ca"} <= set(table.site)
    assert table.site.is_unique
    assert table.clearness.between(0.3, 1.0).all()
    assert set(table.scope) <= SCOPES
    assert table.source.str.len().gt(80).all()
    assert table.source_url.str.startswith("https://github.com/").all()
    assert (table.method == "annual GHI of the typical year / annual Ineichen clear-sky GHI").all()
    # the index is typical-year / clear-sky annual GHI, both stored
    ratio = table.ghi_kwh_per_m2 / table.ghi_clearsky_kwh_per_m2
    assert np.allclose(ratio, table.clearness, atol=1e-3)


def test_clearness_rows_reproduce_their_published_ghi():
    """Annual GHI = sum over months of days x the published mean daily GHI, to rounding."""
    table = load_table("solar_clearness").set_index("site")
    assert table.loc["san-francisco-ca", "ghi_kwh_per_m2"] == pytest.approx(
        _days_times(SFO_TMY3_GLOBAL_AVG), abs=0.05
    )  # 1,716.4 kWh/m²
    assert table.loc["montreal-qc", "ghi_kwh_per_m2"] == pytest.approx(
        _days_times(YUL_CWEC_GLOBAL_AVG), abs=0.05
    )  # 1,336.4 kWh/m²
    for site, row in table.iterrows():
        if row.published.startswith("Global Avg"):
            values = [int(v) for v in row.published.split(":", 1)[1].split()]
            assert row.ghi_kwh_per_m2 == pytest.approx(_days_times(values), abs=0.05), site


def test_clearness_regions_lie_within_the_radius():
    from footprint.places.regions import cloud_regions
    from footprint.places.weather import REFERENCE_RADIUS_KM, distance_km

    table = load_table("solar_clearness")
    regions = cloud_regions()
    listed = [r for cell in table.regions.fillna("") for r in cell.split(";") if r]
    assert len(listed) == len(set(listed))  # each region has at most one row
    for row in table.itertuples():
        cell = row.regions if isinstance(row.regions, str) else ""
        for region in filter(None, cell.split(";")):
            metro = regions[region]
            km = distance_km(
                float(metro["latitude"]), float(metro["longitude"]), row.latitude, row.longitude
            )
            assert km <= REFERENCE_RADIUS_KM, (region, row.site, km)
    assert {"aws:us-west-1", "azure:westus", "aws:us-east-1", "azure:westus3"} <= set(listed)


def test_builder_radius_is_the_runtime_radius():
    import sys

    from footprint.places.solar import REFERENCE_RADIUS_KM

    scripts = str(Path(__file__).resolve().parent.parent / "scripts")
    loaded = sys.modules.get("datasets")
    if loaded is not None and not str(getattr(loaded, "__file__", "")).startswith(scripts):
        pytest.skip("another package named 'datasets' is already imported")
    sys.path.insert(0, scripts)
    try:
        from datasets import hourly as builder  # type: ignore[import-not-found]
    finally:
        sys.path.remove(scripts)
    assert builder.RADIUS_KM == REFERENCE_RADIUS_KM
    table = load_table("solar_clearness").set_index("site")
    for site, station in builder.STAT_STATIONS.items():
        assert table.loc[site, "ghi_kwh_per_m2"] == pytest.approx(station.annual_kwh(), abs=0.05)
        assert station.url() == table.loc[site, "source_url"]


@pytest.mark.parametrize(
    ("region", "site"),
    [
        ("aws:us-west-1", "san-francisco-ca"),
        ("azure:westus", "san-francisco-ca"),
        ("aws:us-east-1", "ashburn-va"),
        ("azure:westus3", "phoenix-az"),
        ("aws:ca-central-1", "montreal-qc"),
        ("aws:us-gov-west-1", "seattle-wa"),
    ],
)
def test_cloud_regions_get_a_default_clearness(region, site):
    solar = on_site_solar("1 kWp", region=region)
    f = solar.weather.clearness
    assert f.origin == "dataset" and f.zone == site
    assert f"row {site}" in f.note and region in f.note and "km from its metro" in f.note
    assert 0 < f.extra["distance_km"] <= 50 and f.extra["scope"] == "station"
    y = annual_yield(solar)
    assert any(f"row {site}" in n for n in y.notes)
    assert US_RANGE[0] < y.results["specific_yield"].m_as("kWh/kWp") < 1.05 * US_RANGE[1]


def test_regions_without_a_station_take_the_global_grid():
    # no published typical year was found for Belgium or the Netherlands metros: the nearest
    # point of the global grid (solar_clearness_grid.csv) stands in, noted with its distance
    # (tests/test_solar_grid.py has the grid's own tests)
    for region in ("gcp:europe-west1", "azure:westeurope", "gcp:us-west1"):
        f = on_site_solar("1 kWp", region=region).weather.clearness
        assert f.dataset == "solar_clearness_grid.csv" and "km away" in f.note


def test_clearness_lookup_and_errors():
    f = clearness_factor(site=SolarSite(36.2, -79.9))  # a few km from Greensboro's station
    assert f.origin == "dataset" and f.zone == "greensboro-nc"
    assert "km away" in f.note and f.extra["distance_km"] == pytest.approx(12, abs=1)
    assert clearness_factor("miami-fl").value.m == pytest.approx(0.8189, abs=1e-4)
    assert clearness_factor(0.7).origin == "user"
    assert clearness_factor("75 %").value.m == pytest.approx(0.75)
    # Paris: no reference within 50 km, the global grid's nearest point instead
    assert clearness_factor(site=SolarSite(48.85, 2.35)).dataset == "solar_clearness_grid.csv"
    far = clearness_factor(site=SolarSite(30.0, -40.0))  # mid-Atlantic: none within 500 km
    assert far.note.startswith("substituted, rough:") and "weather file" in far.note
    with pytest.raises(UnknownNameError, match="greensboro-nc"):
        clearness_factor("greensboro")
    with pytest.raises(InputError):
        clearness_factor(1.5)


# --- published yields -----------------------------------------------------------------------------


def test_greensboro_default_yield_in_published_range_and_matches_tmy(greensboro_tmy):
    default = specific(on_site_solar("1 kWp", latitude=36.1, longitude=-79.95))
    assert US_RANGE[0] < default < US_RANGE[1]
    tmy = greensboro_tmy.results["specific_yield"].m_as("kWh/kWp")
    assert US_RANGE[0] < tmy < US_RANGE[1]
    # the default weather model (clear sky x sourced index, Erbs split) reproduces the
    # typical-year simulation at the same site within 2 % (measured: -0.9 %)
    assert default == pytest.approx(tmy, rel=0.02)


def test_miami_default_yield_in_published_range_and_matches_tmy():
    default = specific(on_site_solar("1 kWp", latitude=25.8, longitude=-80.27))
    tmy = specific(on_site_solar("1 kWp", weather_file=MIAMI_TMY2))
    assert US_RANGE[0] < default < US_RANGE[1]
    assert US_RANGE[0] < tmy < US_RANGE[1]
    assert default == pytest.approx(tmy, rel=0.04)  # measured: +2.3 %


def test_phoenix_clear_sky_bounds_the_published_yield():
    """Clear sky is the upper bound of any weather: it must exceed the published all-sky
    1,668 kWh/kWp (Arizona Solar Center) by a desert's margin, not by a factor."""
    clear = specific(
        on_site_solar("1 kWp", latitude=33.45, longitude=-112.07, tilt=14, clearness=1.0)
    )
    assert 1668 < clear < 1.25 * 1668  # measured 1,818: implied PV clearness 0.92
    # with Phoenix's implied index the published figure is reproduced by construction of
    # the chain: a check that losses, temperature and inverter are PVWatts-like
    scaled = specific(
        on_site_solar("1 kWp", latitude=33.45, longitude=-112.07, tilt=14, clearness=0.9)
    )
    assert scaled == pytest.approx(1668, rel=0.05)
    # by default the Phoenix metro (azure:westus3) takes the Sky Harbor TMY3 clearness
    # (0.948): the published yield is met within 5 % (measured +4.2 %)
    default = specific(on_site_solar("1 kWp", region="azure:westus3", tilt=14))
    assert default == pytest.approx(1668, rel=0.05)


@pytest.mark.parametrize(
    ("lat", "lon", "clearness"),
    [(36.1, -79.95, None), (25.8, -80.27, None), (55.32, -160.52, None), (33.45, -112.07, 0.85)],
)
def test_clear_sky_yield_exceeds_cloud_scaled_yield(lat, lon, clearness):
    y = annual_yield(on_site_solar("1 kWp", latitude=lat, longitude=lon, clearness=clearness))
    assert y.results["energy_clearsky"].m > y.results["energy"].m > 0
    assert (y.monthly.clearsky_kwh >= y.monthly.energy_kwh - 1e-9).all()


def test_cloudy_maritime_site_is_much_lower(greensboro_tmy):
    sand_point = specific(on_site_solar("1 kWp", weather_file=SAND_POINT_TMY3))
    assert sand_point < 0.7 * greensboro_tmy.results["specific_yield"].m_as("kWh/kWp")


# --- weather files and their time conventions ------------------------------------------------


def test_tmy3_is_read_to_hour_start_utc():
    w = read_weather(GREENSBORO_TMY3)
    assert w.kind == "tmy3" and len(w.data) == 8760
    assert str(w.data.index.tz) == "UTC"
    # first TMY3 record: 01/01 01:00 local standard (UTC-5), hour-ending -> 05:00 UTC start
    assert w.data.index.min() == pd.Timestamp("2021-01-01T05:00Z")
    assert w.data.index.max() == pd.Timestamp("2022-01-01T04:00Z")
    assert (w.latitude, w.longitude) == (36.1, -79.95)
    # TMY2 stores tenths of degrees and of m/s; they come back in °C and m/s
    m = read_weather(MIAMI_TMY2)
    assert m.data.temp_air.between(-5, 40).all() and m.data.wind_speed.between(0, 20).all()


def _epw_from_tmy3(path: Path) -> str:
    """An EPW file holding exactly the TMY3's data (local standard time, hour-ending)."""
    import pvlib

    data, meta = pvlib.iotools.read_tmy3(GREENSBORO_TMY3, map_variables=True)
    head = [
        f"LOCATION,Greensboro,NC,USA,TMY3,723170,{meta['latitude']},{meta['longitude']},"
        f"{meta['TZ']},{meta['altitude']}",
        "DESIGN CONDITIONS,0",
        "TYPICAL/EXTREME PERIODS,0",
        "GROUND TEMPERATURES,0",
        "HOLIDAYS/DAYLIGHT SAVINGS,No,0,0,0",
        "COMMENTS 1,built from pvlib's 723170TYA.CSV for a convention test",
        "COMMENTS 2,",
        "DATA PERIODS,1,1,Data,Sunday, 1/ 1,12/31",
    ]
    rows = []
    for date, time, ghi, dni, dhi, t, w in zip(
        data["Date (MM/DD/YYYY)"],
        data["Time (HH:MM)"],
        data.ghi,
        data.dni,
        data.dhi,
        data.temp_air,
        data.wind_speed,
        strict=True,
    ):
        month, day, year = (int(x) for x in date.split("/"))
        hour = int(time.split(":")[0])
        fields = [
            year,
            month,
            day,
            hour,
            60,
            "?",
            t,
            0,
            50,
            101325,
            0,
            0,
            300,
            ghi,
            dni,
            dhi,
            0,
            0,
            0,
            0,
            180,
            w,
            0,
            0,
            10,
            77777,
            9,
            999999999,
            0,
            0,
            0,
            88,
            0.2,
            0,
            0,
        ]
        rows.append(",".join(str(f) for f in fields))
    return "\n".join(head + rows) + "\n"


def _pvgis_from_tmy3() -> str:
    """A PVGIS TMY csv holding the TMY3's data on UTC hour-start stamps."""
    w = read_weather(GREENSBORO_TMY3).data.sort_index()
    lines = [
        "Latitude (decimal degrees): 36.100",
        "Longitude (decimal degrees): -79.950",
        "Elevation (m): 273.0",
        "month,year",
        *[f"{m},2021" for m in range(1, 13)],
        "time(UTC),T2m,RH,G(h),Gb(n),Gd(h),IR(h),WS10m,WD10m,SP",
    ]
    for ts, row in w.iterrows():
        lines.append(
            f"{ts:%Y%m%d:%H%M},{row.temp_air},50,{row.ghi},{row.dni},{row.dhi},300,"
            f"{row.wind_speed},180,101325"
        )
    lines.append("T2m: 2-m air temperature (degree Celsius)")
    return "\n".join(lines) + "\n"


def test_epw_and_pvgis_give_the_tmy3_yield(tmp_path, greensboro_tmy):
    """Same data in three formats, three time conventions: same hourly energy."""
    epw = tmp_path / "greensboro.epw"
    epw.write_text(_epw_from_tmy3(epw))
    pvgis = tmp_path / "greensboro_pvgis.csv"
    pvgis.write_text(_pvgis_from_tmy3())
    expected = greensboro_tmy.results["energy"].m
    for path, kind in ((epw, "epw"), (pvgis, "pvgis")):
        w = read_weather(path)
        assert w.kind == kind
        solar = on_site_solar(
            "1 kWp", latitude=36.1, longitude=-79.95, altitude=273.0, weather_file=path
        )
        assert annual_yield(solar).results["energy"].m == pytest.approx(expected, rel=1e-6)


def test_weather_file_errors(tmp_path):
    with pytest.raises(InputError, match="no such file"):
        read_weather(tmp_path / "none.epw")
    bad = tmp_path / "bad.epw"
    bad.write_text("not an epw\n")
    with pytest.raises(Exception) as err:
        read_weather(bad)
    assert "bad.epw" in str(err.value)
    odd = tmp_path / "weather.xyz"
    odd.write_text("x")
    with pytest.raises(InputError, match="format"):
        read_weather(odd)


# --- the array and its inputs -----------------------------------------------------------------


def test_hourly_physics_of_a_clear_day():
    solar = on_site_solar("100 kWp", latitude=36.1, longitude=-79.95, clearness=1.0)
    hours = pd.date_range("2022-06-21T00:00Z", periods=48, freq="h")
    f = solar.run(hours).frame
    night = f.ghi_w_per_m2 == 0
    assert (f.energy_kwh[night] == 0).all()
    # AC never exceeds the inverter's rating (DC/AC 1.2) nor the DC output
    assert (f.ac_kw <= 100 / 1.2 + 1e-9).all() and (f.ac_kw <= f.dc_kw + 1e-9).all()
    # the peak hour is around solar noon (17:15 UTC at 79.95°W): hour starting 16 or 17 UTC
    assert f.energy_kwh.iloc[:24].idxmax().hour in (16, 17)
    assert f.temp_cell_c.max() > 20  # heated above the NOCT ambient


@settings(max_examples=10, deadline=None)
@given(st.floats(min_value=0.5, max_value=50_000))
def test_energy_scales_with_capacity(kwp):
    hours = pd.date_range("2022-06-21T10:00Z", periods=12, freq="h")
    one = on_site_solar("1 kWp", latitude=36.1, longitude=-79.95).run(hours).frame.energy_kwh
    many = on_site_solar(kwp, latitude=36.1, longitude=-79.95).run(hours).frame.energy_kwh
    assert np.allclose(many, one * kwp, rtol=1e-9)


def test_southern_hemisphere_faces_north():
    sydney = dict(latitude=-33.87, longitude=151.21, clearness=0.75)
    north = specific(on_site_solar(1, **sydney))
    south = specific(on_site_solar(1, azimuth=180, **sydney))
    assert on_site_solar(1, **sydney).array.azimuth_deg(-33.87) == 0.0
    assert north > 1.1 * south


def test_array_defaults_and_factors():
    array = PVArray("0.5 MWp")
    assert array.capacity_kw == pytest.approx(500)
    assert array.tilt_deg() == 20.0 and array.losses_fraction() == pytest.approx(0.1408, abs=1e-4)
    f = array.factors(40.0)
    assert f["pv_capacity"].origin == "user" and f["pv_tilt"].origin == "default"
    assert f["pv_gamma"].value.m == pytest.approx(-0.0047)
    assert PVArray(100, losses="10 %").losses_fraction() == pytest.approx(0.10)
    assert PVArray(100, tilt="0.5 rad").tilt_deg() == pytest.approx(28.6479, rel=1e-4)


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"tilt": 95}, InputError, "tilt"),
        ({"azimuth": -10}, InputError, "azimuth"),
        ({"losses": 1.2}, InputError, "losses"),
        ({"module_type": "mono"}, UnknownNameError, "module type"),
        ({"mount": "tracker"}, UnknownNameError, "mount"),
        ({"dc_ac_ratio": 10}, InputError, "dc_ac_ratio"),
    ],
)
def test_array_input_errors(kwargs, error, match):
    with pytest.raises(error, match=match):
        PVArray(100, **kwargs)


def test_capacity_units():
    with pytest.raises(units.UnitError if hasattr(units, "UnitError") else InputError):
        PVArray("100 kWh")
    assert units.Q_("2 MWp").m_as("kW") == pytest.approx(2000)


def test_site_errors():
    with pytest.raises(InputError, match="latitude"):
        on_site_solar(1, latitude=95, longitude=0)
    with pytest.raises(InputError, match="both"):
        on_site_solar(1, latitude=10)
    with pytest.raises(InputError, match="where is the array"):
        on_site_solar(1, clearness=0.8)
    with pytest.raises(MissingDataError, match="coordinates"):
        on_site_solar(1, region="US-CAL-CISO", clearness=0.8)  # a zone has no point
    site = on_site_solar(1, region="gcp:us-west1", clearness=0.8).site
    assert (round(site.latitude, 2), round(site.longitude, 2)) == (45.59, -121.18)


def test_pvlib_is_imported_in_one_place():
    """``footprint.places.weather.import_pvlib`` (used by solar and weather) is the one import
    (through ``footprint.core.extras.require``, which names the solar extra if it is missing)."""
    root = Path(__file__).resolve().parent.parent / "footprint"
    importers = {
        p.relative_to(root).as_posix()
        for p in root.rglob("*.py")
        if re.search(
            r"^\s*(import pvlib|from pvlib)|require\(\s*\"pvlib\"",
            p.read_text(encoding="utf-8"),
            re.M,
        )
    }
    assert importers == {"places/weather.py"}


# --- CLI ----------------------------------------------------------------------------------------


def test_cli_solar_json():
    r = CliRunner().invoke(
        cli,
        [
            "solar",
            "--pv-capacity",
            "1 MWp",
            "--latitude",
            "36.1",
            "--longitude",
            "-79.95",
            "--format",
            "json",
            "--monthly",
        ],
    )
    assert r.exit_code == 0, r.output
    d = json.loads(r.output)
    assert d["results"]["specific_yield"]["unit"] == "kWh/kWp"
    assert US_RANGE[0] < d["results"]["specific_yield"]["value"] < US_RANGE[1]
    assert len(d["monthly"]) == 12 and d["factors"]["clearness"]["origin"] == "dataset"


def test_cli_solar_errors():
    r = CliRunner().invoke(
        cli, ["solar", "--pv-capacity", "1", "--latitude", "95", "--longitude", "-40"]
    )
    assert r.exit_code == 2 and "latitude" in r.output and "Traceback" not in r.output
    r = CliRunner().invoke(cli, ["solar", "--latitude", "36.1", "--longitude", "-79.95"])
    assert r.exit_code == 2 and "--pv-capacity" in r.output


def test_cli_csv_is_one_machine_readable_table():
    """Regression: --format csv printed two CSV tables with readable strings such as
    '1,481 kWh/kWp' as values."""
    import csv
    import io

    args = ["solar", "--pv-capacity", "100", "--region", "aws:us-west-1", "--format", "csv"]
    r = CliRunner().invoke(cli, args)
    assert r.exit_code == 0, r.output
    rows = list(csv.reader(io.StringIO(r.output)))
    assert rows[0][:3] == ["section", "name", "value"]
    assert all(len(row) == len(rows[0]) for row in rows)
    results = {row[1]: (float(row[2]), row[5]) for row in rows if row[0] == "result"}
    value, unit = results["specific_yield"]
    assert unit == "kWh/kWp" and 1000 < value < 2500


def test_a_file_that_is_not_a_weather_file(tmp_path):
    """Regression: the message was pvlib's bare KeyError, e.g. "cannot read it as epw
    ('altitude')"."""
    bad = tmp_path / "site.epw"
    bad.write_text("not an epw file\n")
    r = CliRunner().invoke(
        cli, ["solar", "--pv-capacity", "100", "--latitude", "36", "--longitude", "-80",
              "--weather-file", str(bad)],
    )  # fmt: skip
    assert r.exit_code == 2 and "Traceback" not in r.output
    assert "cannot read it as EPW (no 'altitude' field)" in r.output
    assert "--weather-format" in r.output
