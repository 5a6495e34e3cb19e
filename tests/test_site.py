"""Sites: validation of the inputs, and which factors strict_year needs."""

import math

import pytest

import footprint as fp
from footprint.core.errors import InputError, MissingDataError, UnknownNameError


@pytest.mark.parametrize("year", [math.nan, math.inf, "2023", 2023.5, True, 1989])
def test_bad_year_is_an_input_error(year):
    """NaN and infinity raised ValueError / OverflowError from int() (regression)."""
    with pytest.raises(InputError, match="calendar year"):
        fp.Site(year=year)


@pytest.mark.parametrize("operator", ["", "  ", 5])
def test_blank_or_non_text_operator_is_refused(operator):
    """ "" fell back to the default silently; 5 raised AttributeError (regression)."""
    with pytest.raises(InputError, match="operator"):
        fp.Site(operator=operator)


def test_unknown_operator_fails_even_when_pue_and_wue_are_given():
    with pytest.raises(UnknownNameError, match="operator"):
        fp.site_factors(fp.Site(region="FR", operator="nope", pue=1.1, wue="1 L/kWh"))


def test_strict_year_needs_no_data_for_factors_the_user_gives():
    """PUE data start in 2021: --strict-year 2005 failed although --pue/--wue were given."""
    sf = fp.site_factors(
        fp.Site(
            region="FR",
            year=2005,
            strict_year=True,
            pue=1.1,
            wue="1 L/kWh",
            ewif="1 L/kWh",
            price="0.1 EUR/kWh",
        )
    )
    assert sf.intensity.year == 2005 and sf.intensity.note == ""
    assert sf.pue.origin == "user" and sf.wue.origin == "user"


def test_strict_year_applies_to_price_and_carbon_free_share():
    """Both took the nearest year silently under strict_year (regression)."""
    with pytest.raises(MissingDataError, match="price of FR: no data for 2005.*--price"):
        fp.site_factors(
            fp.Site(region="FR", year=2005, strict_year=True, pue=1.1, wue=1.0, ewif=1.0)
        )
    with pytest.raises(MissingDataError, match="carbon-free share.*2018.*--cfe"):
        fp.site_factors(
            fp.Site(
                region="gcp:europe-west1",
                year=2018,
                strict_year=True,
                intensity=100,
                pue=1.1,
                wue=1.0,
                ewif=1.0,
            )
        )
    # without strict_year the nearest year is used and noted, as before
    sf = fp.site_factors(fp.Site(region="gcp:europe-west1", year=2018))
    assert sf.cfe.year == 2019 and "nearest year 2019" in sf.cfe.note


def test_strict_year_ewif_names_the_missing_year_not_a_missing_mix():
    """A zone with a mix but not the year was reported as having no mix at all."""
    with pytest.raises(MissingDataError, match="generation mix of US-MIDA-PJM: no data for 2023"):
        fp.site_factors(
            fp.Site(region="PJM", year=2023, strict_year=True, pue=1.1, wue=1.0, intensity=400)
        )
    # a zone without any mix still takes its parent's EWIF, noted
    sf = fp.site_factors(fp.Site(region="US-VA"))
    assert sf.ewif.zone == "US" and "no generation mix for US-VA" in sf.ewif.note
