"""The unit registry: CO2e, counting and currency dimensions; parsing user quantities."""

import math

import pint
import pytest
from hypothesis import given
from hypothesis import strategies as st

from footprint.core import units
from footprint.core.errors import InputError, UnitError

Q_ = units.Q_


def test_one_registry_shared():
    assert units.ureg is units.get_registry()
    assert units.Q_ is units.get_registry().Quantity


@pytest.mark.parametrize(
    "text", ["1 gCO2e", "1 kgCO2e", "1 tCO2e", "1 MtCO2e", "1 ktCO2e", "1 gCO2eq"]
)
def test_co2e_units_parse(text):
    assert Q_(text).check("[co2e]")


def test_co2e_scale():
    assert Q_("1 tCO2e").to("kgCO2e").m == pytest.approx(1000)
    assert Q_("1 MtCO2e").to("tCO2e").m == pytest.approx(1e6)


@pytest.mark.parametrize(
    "a, b",
    [
        ("1 kgCO2e", "1 kg"),
        ("1 W", "1 Wh"),
        ("1 USD", "1 EUR"),
        ("1 token", "1 request"),
        ("1 FLOP", "1 token"),
        ("1 L", "1 kWh"),
    ],
)
def test_incompatible_dimensions_raise(a, b):
    with pytest.raises(pint.DimensionalityError):
        Q_(a) + Q_(b)


def test_intensity_times_energy_is_co2e():
    q = Q_(414, "gCO2e/kWh") * Q_(2, "MWh")
    assert q.to("kgCO2e").m == pytest.approx(828)


def test_counting_dimensions_check_themselves():
    per_req = Q_(0.3, "Wh/request")
    volume = Q_(1e9, "request/day")
    assert (per_req * volume).to("MW").m == pytest.approx(0.3e9 / 24 / 1e6)


@pytest.mark.parametrize(
    "text, dimension, unit, expected",
    [
        ("700 W", "power", "W", 700),
        ("0.7 kW", "power", "W", 700),
        ("700", "power", "W", 700),
        ("3 days", "time", "h", 72),
        ("72", "time", "h", 72),
        ("0.3 L/kWh", "water_intensity", "L/kWh", 0.3),
    ],
)
def test_parse_quantity(text, dimension, unit, expected):
    q = units.parse_quantity(text, dimension, unit, "x")
    assert q.m_as(unit) == pytest.approx(expected)


def test_months_are_calendar_twelfths():
    # pint's month is a twelfth of a Julian year (365.25 d): 3.5 months = 2556.75 h
    assert units.parse_quantity("3.5 months", "time", "h", "x").m_as("h") == pytest.approx(2556.75)


@pytest.mark.parametrize("text", ["414 g/kWh", "0.414 kg/kWh", "414 gCO2e/kWh"])
def test_mass_intensity_read_as_co2e(text):
    q = units.parse_quantity(text, "intensity", "gCO2e/kWh", "--intensity", mass_means_co2e=True)
    assert q.m_as("gCO2e/kWh") == pytest.approx(414)


def test_mass_not_co2e_elsewhere():
    with pytest.raises(UnitError, match="expected intensity"):
        units.parse_quantity("414 g/kWh", "intensity", "gCO2e/kWh", "--intensity")


@pytest.mark.parametrize("text", ["3 kg", "5 L", "2 h"])
def test_wrong_dimension_names_option(text):
    with pytest.raises(UnitError, match=r"--power: expected power \(e.g. W\)"):
        units.parse_quantity(text, "power", "W", "--power")


@pytest.mark.parametrize("value", ["nan W", float("nan"), float("inf"), "-5 W", -1.0])
def test_bad_magnitudes(value):
    with pytest.raises(InputError):
        units.parse_quantity(value, "power", "W", "--power")


def test_bare_number_needs_unit_when_no_default():
    with pytest.raises(UnitError, match="unit is required"):
        units.parse_quantity(5, "power", None, "--power")


def test_unparseable():
    with pytest.raises(UnitError, match="cannot read"):
        units.parse_quantity("7 bananas", "power", "W", "--power")


@given(st.floats(min_value=1e-6, max_value=1e12, allow_nan=False))
def test_round_trip_energy_units(x):
    q = Q_(x, "kWh")
    assert math.isclose(q.to("J").to("kWh").m, x, rel_tol=1e-12)


@pytest.mark.parametrize(
    "text",
    [
        "1,5 kW",  # pint drops the comma: 15 kW
        "0,3 L/kWh",  # read as 0 L/kWh
        "1,000 W",  # a thousands separator is refused too (ambiguous with a decimal comma)
        "1 000 W",  # pint multiplies 1 x 000: 0 W
        "2 3 W",  # 6 W
        "1.5.2 W",  # 0.3 W
        "[1,2] W",  # 12 W
    ],
)
def test_number_spellings_pint_misreads_are_refused(text):
    """Each of these parsed silently to another number before (regression)."""
    with pytest.raises(UnitError, match="cannot read"):
        units.parse_quantity(text, "power", "W", "--power")


@pytest.mark.parametrize(
    ("text", "unit", "magnitude"),
    [
        ("1e9 request/day", "request/day", 1e9),
        ("15e12 token", "token", 15e12),
        ("3.5 months", "month", 3.5),
        ("414 gCO2e/kWh", "gCO2e/kWh", 414),
        ("1.2e+3 W", "W", 1200),
        (".5 kW", "kW", 0.5),
        ("2 m**3", "m**3", 2),
    ],
)
def test_ordinary_quantities_still_parse(text, unit, magnitude):
    assert units.to_quantity(text, None, "x").m_as(unit) == pytest.approx(magnitude)


def test_negative_zero_becomes_zero():
    q = units.parse_quantity("-0", "power", "W", "--host-power")
    assert q.m == 0 and math.copysign(1.0, q.m) == 1.0


def test_format_unit_writes_year_not_annum():
    assert units.format_unit(Q_(4, "year").units) == "year"
    assert units.format_unit(Q_(1, "kWh/year").units) == "kWh/year"
    assert units.format_unit(Q_(1, "L/kWh").units) == "L/kWh"
