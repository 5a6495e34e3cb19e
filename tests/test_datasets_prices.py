"""Checks on ``electricity_prices.csv`` built by ``scripts/datasets/prices.py``."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from footprint.data import schemas
from footprint.data.loader import load_table

COLUMNS = [
    "zone",
    "year",
    "consumer",
    "price_per_kwh",
    "price_s1_per_kwh",
    "price_s2_per_kwh",
    "periods",
    "currency",
    "taxes",
    "consumption_band",
    "dataset",
    "source",
]


@pytest.fixture(scope="module")
def prices() -> pd.DataFrame:
    return load_table("electricity_prices")


def _row(prices: pd.DataFrame, zone: str, year: int, consumer: str) -> pd.Series:
    row = prices[(prices.zone == zone) & (prices.year == year) & (prices.consumer == consumer)]
    assert len(row) == 1, f"no single row for {zone} {year} {consumer}"
    return row.iloc[0]


def test_schema_and_provenance(prices):
    assert list(prices.columns) == COLUMNS
    assert list(schemas.SCHEMAS["electricity_prices.csv"].names) == COLUMNS
    assert prices.source.notna().all() and (prices.source.str.strip() != "").all()
    assert prices.source.str.contains("Eurostat", regex=False).all()
    assert prices.source.str.contains("CC BY 4.0", regex=False).all()
    assert prices.dataset.notna().all()


def test_keys_and_ranges(prices):
    assert not prices.duplicated(["zone", "year", "consumer"]).any()
    assert set(prices.consumer) == {"household", "non-household"}
    assert set(prices.currency) == {"EUR"}
    assert prices.price_per_kwh.between(0.005, 1.5).all()
    assert prices.year.between(2007, 2024).all()


def test_taxes_per_consumer(prices):
    taxes = prices.groupby("consumer").taxes.unique()
    assert list(taxes["household"]) == ["all taxes and levies included (I_TAX)"]
    assert list(taxes["non-household"]) == [
        "excluding VAT and other recoverable taxes and levies (X_VAT)"
    ]


def test_annual_is_mean_of_published_halves(prices):
    halves = prices[["price_s1_per_kwh", "price_s2_per_kwh"]]
    assert np.allclose(prices.price_per_kwh, halves.mean(axis=1), rtol=1e-5)
    expected = [
        ";".join(h for h, v in (("S1", s1), ("S2", s2)) if not np.isnan(v))
        for s1, s2 in halves.itertuples(index=False)
    ]
    assert list(prices.periods) == expected
    assert set(prices.periods) == {"S1;S2", "S1", "S2"}


def test_zones_exist(prices):
    assert set(prices.zone) <= set(load_table("zones").zone)
    assert {"GR", "GB", "EU", "XK", "CZ", "BA", "TR"} <= set(prices.zone)
    assert not {"EL", "UK", "EU27", "EA"} & set(prices.zone)


def test_germany_2023_household(prices):
    # eurostat-electricity-prices/Electricity_Prices_Household_Consumers_Time_All_Countries.csv,
    # row "Germany": "2023 June" 0.4125, "2023 December" 0.402 EUR/kWh.
    row = _row(prices, "DE", 2023, "household")
    assert row.price_s1_per_kwh == pytest.approx(0.4125)
    assert row.price_s2_per_kwh == pytest.approx(0.402)
    assert row.price_per_kwh == pytest.approx((0.4125 + 0.402) / 2)


def test_germany_2024_non_household(prices):
    # ..._Non_Household_Consumers_...csv, row "Germany": "2024 June" 0.2328,
    # "2024 December" 0.2359 EUR/kWh (band ID, excluding VAT).
    row = _row(prices, "DE", 2024, "non-household")
    assert row.price_per_kwh == pytest.approx((0.2328 + 0.2359) / 2)


def test_single_half_year(prices):
    # Household row "Austria": "2007 June" empty, "2007 December" 0.174 EUR/kWh.
    row = _row(prices, "AT", 2007, "household")
    assert row.periods == "S2"
    assert np.isnan(row.price_s1_per_kwh)
    assert row.price_per_kwh == pytest.approx(0.174)
