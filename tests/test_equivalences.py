"""Equivalences: each factor against its published source, and the arithmetic."""

import csv
import importlib
import sys
from pathlib import Path

import pytest

from footprint.core import units
from footprint.core.errors import UnitError, UnknownNameError
from footprint.data.loader import read_records
from footprint.places.equivalences import (
    count_text,
    country_share,
    equivalence_factor,
    equivalences,
)

Q_ = units.Q_
ROOT = Path(__file__).resolve().parent.parent
SOURCES = ROOT.parent / "shared" / "sources"


def value(key, zone="WORLD"):
    return equivalence_factor(key, zone).value


def test_car_km_against_sources():
    # US EPA "Greenhouse Gas Emissions from a Typical Passenger Vehicle": 404 g CO2/mile
    # (the edition Green Algorithms cites), i.e. 404 / 1.609344 = 251.0 g/km.
    assert value("car_km", "US").m_as("gCO2e/km") == pytest.approx(404 / 1.609344, rel=2e-3)
    # Green Algorithms v3.0 referenceValues.csv: passengerCar_EU_perkm 175 gCO2/km
    assert value("car_km", "EU").m_as("gCO2e/km") == 175


def test_flights_against_sources():
    # UK GHG conversion factors 2020 via Green Algorithms: 171 gCO2e per passenger-km
    assert value("flight_km").m_as("gCO2e/km") == 171
    # carbonfootprint.com via Green Algorithms (gCO2e per passenger, economy)
    assert value("flight_nyc_sfo").m_as("kgCO2e") == 570
    assert value("flight_par_lon").m_as("kgCO2e") == 50
    assert value("flight_par_dub").m_as("kgCO2e") == 110
    assert value("flight_nyc_mel").m_as("kgCO2e") == 2310
    # one way: ~137-145 g per great-circle km, consistent with the per-km factor range
    for key, km in (("flight_nyc_sfo", 4150), ("flight_nyc_mel", 16700), ("flight_par_lon", 344)):
        assert 130 <= value(key).m_as("gCO2e") / km <= 150


def test_households_water_pools_against_sources():
    # EIA FAQ (updated 2021-10-07): 10,715 kWh per US residential customer in 2020
    f = equivalence_factor("household_electricity", "US")
    assert f.value.m_as("kWh") == 10715 and f.year == 2020
    # Ofgem TDCV 2023 review: electricity medium 2,900 -> 2,700 kWh a year
    assert value("household_electricity", "GB").m_as("kWh") == 2700
    # WHO GDWQ: 2 L of drinking water a day for an adult
    assert value("drinking_water").m_as("L") == 2
    # FINA FR 2: 50 m x 25 m x 2 m minimum depth
    assert value("olympic_pool").m_as("m^3") == pytest.approx(50 * 25 * 2)


def test_every_row_is_sourced_and_parses():
    rows = read_records("equivalences")
    assert len(rows) > 200
    for row in rows:
        assert row["source"] and row["licence"] and row["per"], row
        units.Q_(float(row["value"]), row["unit"])
    zones = {r["zone"] for r in rows if r["key"] == "per_capita_electricity"}
    assert {"FR", "IE", "US", "IN", "WORLD"} <= zones


@pytest.mark.skipif(not SOURCES.is_dir(), reason="raw sources not present")
def test_per_capita_rows_match_owid_and_the_builder_reproduces_the_file(tmp_path):
    path = SOURCES / "owid-electricity-mix" / "electricity_mix_bp_ember_2022.csv"
    with path.open(newline="", encoding="utf-8") as fh:
        owid = [r for r in csv.DictReader(fh) if r["Entity"] == "France"]
    newest = max((r for r in owid if r["Per capita electricity (kWh)"]), key=lambda r: r["Year"])
    f = equivalence_factor("per_capita_electricity", "FR")
    assert f.year == int(newest["Year"])
    assert f.value.m_as("kWh") == pytest.approx(float(newest["Per capita electricity (kWh)"]))
    sys.path.insert(0, str(ROOT / "scripts"))
    try:
        builder = importlib.import_module("datasets.equivalences")
    finally:
        sys.path.remove(str(ROOT / "scripts"))
    (tmp_path / "zones.csv").write_text((ROOT / "datasets" / "zones.csv").read_text())
    out = builder.build(SOURCES, tmp_path)[0]
    assert out.read_text() == (ROOT / "datasets" / "equivalences.csv").read_text()


def test_equivalence_arithmetic():
    eqs = {e.key: e for e in equivalences(co2e=Q_(1, "tCO2e"), country="US")}
    assert eqs["car_km"].count == pytest.approx(1e6 / 251)
    assert eqs["flight_nyc_sfo"].count == pytest.approx(1000 / 570)
    eu = {e.key: e for e in equivalences(co2e=Q_(1, "tCO2e"), country="FR")}
    assert eu["car_km"].factor.zone == "EU"
    water = {e.key: e for e in equivalences(water=Q_(5000, "m^3"))}
    assert water["olympic_pool"].count == pytest.approx(2.0)
    assert water["drinking_water"].count == pytest.approx(2.5e6)
    energy = {e.key: e for e in equivalences(energy=Q_(1, "GWh"), country="US")}
    assert energy["household_electricity"].count == pytest.approx(1e6 / 10715)
    ie = {e.key: e for e in equivalences(energy=Q_(1, "GWh"), country="Ireland")}
    assert ie["per_capita_electricity"].factor.zone == "IE"
    assert "Ireland" in ie["country_share"].text


def test_country_share_against_generation():
    rows = [r for r in read_records("generation_mix") if r["zone"] == "IE"]
    newest = max(rows, key=lambda r: int(r["year"]))
    twh = float(newest["generation_twh"])
    e = country_share(Q_(0.03 * twh, "TWh"), "IE")  # 3% of Ireland's generation
    assert e.count == pytest.approx(3.0)
    assert e.text.startswith("3.0% of Ireland's annual electricity generation")
    assert e.factor.year == int(newest["year"])


def test_count_text_and_errors():
    assert count_text(1234.4) == "1,234"
    assert count_text(2.5e6) == "2.5 million"
    assert count_text(0.25) == "0.25"
    with pytest.raises(UnknownNameError):
        equivalence_factor("bathtubs")
    with pytest.raises(UnknownNameError):
        equivalence_factor("household_electricity", "FR")
    with pytest.raises(UnitError):
        equivalences(co2e=Q_(1, "kWh"))


def test_amounts_are_checked_and_bare_numbers_take_the_canonical_unit():
    """Regression: a negative or NaN amount gave '-3.98 km' or 'nan pools', and a bare
    number raised AttributeError."""
    from footprint.core import units
    from footprint.core.errors import InputError
    from footprint.places.equivalences import equivalences

    with pytest.raises(InputError, match="negative"):
        equivalences(co2e=units.Q_(-1, "kgCO2e"))
    with pytest.raises(InputError, match="finite"):
        equivalences(water=units.Q_(float("nan"), "L"))
    bare = [e.text for e in equivalences(co2e=1000, energy=10, water=2500)]
    given = equivalences(
        co2e=units.Q_(1, "tCO2e"), energy=units.Q_(10, "kWh"), water=units.Q_(2.5, "m^3")
    )
    assert bare == [e.text for e in given]
