"""What accelerator time costs: a rental price, or the cost of owning the hardware.

A :class:`ComputeCost` says how a workload's accelerator-hours are priced; the engine
(:func:`footprint.core.accounting.account`) multiplies them by the price into
``compute_cost``, beside the electricity ``cost``:

- **rental**: a price per accelerator-hour ("2.50 USD/h"), as a cloud or GPU provider
  bills it (SemiAnalysis priced ChatGPT's A100s at 1 USD/h of hardware cost);
- **ownership**: a purchase price per accelerator (or per server, shared by its
  accelerators) spread over the hours the hardware works in its life, with the cost of
  capital: ``purchase x CRF(rate, life) x life / (life x 8,760 h x utilisation)``
  (:func:`footprint.core.accounting.ownership_price`). The purchase price defaults to the
  accelerator's release price in ``accelerator_prices.csv`` (Epoch AI), the life and
  utilisation to the embodied defaults (4 years, 85%), the rate to 0.

Currencies are separate units: a price keeps its currency, nothing converts between
currencies, and a total of electricity and compute cost needs both in one currency.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from footprint.catalogues.embodied import (
    DEFAULT_LIFE_UTILIZATION,
    DEFAULT_LIFETIME_YEARS,
)
from footprint.catalogues.hardware import Accelerator
from footprint.core import units
from footprint.core.accounting import ownership_price
from footprint.core.errors import InputError, MissingDataError, UnitError
from footprint.core.provenance import Factor, user_factor
from footprint.data.loader import read_records

__all__ = ["ComputeCost", "ComputeFactors", "compute_factors", "purchase_prices"]

#: Accelerators per server when a server's price is given without its count.
DEFAULT_ACCELERATORS_PER_SERVER = 8


def _money(value: Any, name: str, per: str | None, default_unit: str) -> tuple[Any, str]:
    """``value`` as an amount of one currency (``per`` None) or one currency per ``per``."""
    q = units.to_quantity(value, default_unit, name)
    dims = dict(q.dimensionality)
    currencies = [d for d in dims if d.startswith("[currency_")]
    rest = {d: p for d, p in dims.items() if d not in currencies}
    want = {} if per is None else {"[time]": -1}
    if len(currencies) != 1 or dims[currencies[0]] != 1 or rest != want:
        example = "30000 USD" if per is None else "2.50 USD/h"
        raise UnitError(f"{name}: expected an amount in one currency like {example!r}, got {q:~P}")
    units.check_magnitude(q.magnitude, name, allow_zero=per is not None)
    currency = currencies[0][len("[currency_") : -1]
    return (q.to(currency) if per is None else q.to(f"{currency}/h")), currency


def _rate(value: Any, name: str) -> float:
    text = str(value).strip()
    try:
        x = float(text[:-1]) / 100 if text.endswith("%") else float(text)
    except ValueError:
        raise InputError(
            f"{name}: expected a yearly rate such as 8% or 0.08, got {value!r}"
        ) from None
    if not 0 <= x <= 1:  # also NaN
        raise InputError(f"{name}: expected a yearly rate in [0%, 100%], got {value}")
    return x


@dataclass(frozen=True)
class ComputeCost:
    """How accelerator-hours are priced: rented, or owned.

    Parameters
    ----------
    rental : Quantity, str or float, optional
        Price per accelerator-hour in one currency ("2.50 USD/h"; bare numbers USD/h).
    purchase : Quantity, str or float, optional
        Purchase price of one accelerator ("30000 USD"; bare numbers USD). Default for
        ownership: the release price in ``accelerator_prices.csv``.
    server_purchase : Quantity, str or float, optional
        Purchase price of a whole server, shared by its ``accelerators_per_server``.
    accelerators_per_server : int, optional
        Accelerators sharing ``server_purchase`` (default 8).
    lifetime : Quantity, str or float, optional
        Service life [year] (default 4 years, as for embodied emissions).
    life_utilization : float, optional
        Share of the life the hardware works, in (0, 1] (default 0.85).
    financing_rate : float or str, optional
        Yearly cost of capital ("8%" or 0.08; default 0).
    ownership : bool
        Price by ownership with the catalogue's purchase price (implied by ``purchase``,
        ``server_purchase`` or ``financing_rate``).
    """

    rental: Any = None
    purchase: Any = None
    server_purchase: Any = None
    accelerators_per_server: int | None = None
    lifetime: Any = None
    life_utilization: Any = None
    financing_rate: Any = None
    ownership: bool = False
    _parsed: dict[str, Any] = field(default_factory=dict, init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        p = self._parsed
        owned = [
            k
            for k in ("purchase", "server_purchase", "financing_rate")
            if getattr(self, k) is not None
        ]
        if self.rental is not None:
            if owned or self.ownership:
                given = ", ".join(owned) or "ownership"
                raise InputError(
                    f"compute cost: give a rental price or ownership ({given}), not both"
                )
            p["rental"], p["currency"] = _money(self.rental, "rental price", "h", "USD/h")
        elif not (owned or self.ownership):
            raise InputError(
                "compute cost: give a rental price, a purchase price or ownership=True"
            )
        if self.purchase is not None and self.server_purchase is not None:
            raise InputError("compute cost: give a purchase price per accelerator or per server")
        for key in ("purchase", "server_purchase"):
            if getattr(self, key) is not None:
                name = key.replace("_", " ")
                p[key], p["currency"] = _money(getattr(self, key), name, None, "USD")
        n = self.accelerators_per_server
        if n is not None and (isinstance(n, bool) or not isinstance(n, int) or n < 1):
            raise InputError(f"accelerators_per_server: expected a whole number >= 1, got {n!r}")
        if self.lifetime is not None:
            p["lifetime"] = units.parse_quantity(
                self.lifetime, "time", "year", "lifetime", allow_zero=False
            ).to("year")
        if self.life_utilization is not None:
            x = _rate(self.life_utilization, "life_utilization")
            if x == 0:
                raise InputError("life_utilization: must be greater than zero")
            p["life_utilization"] = x
        if self.financing_rate is not None:
            p["financing_rate"] = _rate(self.financing_rate, "financing_rate")

    @property
    def is_rental(self) -> bool:
        """Priced by the hour (else by ownership)."""
        return "rental" in self._parsed

    def inputs(self) -> dict[str, str]:
        """The compute-cost inputs as given, for echoing in results."""
        out = {}
        for key in (
            "rental",
            "purchase",
            "server_purchase",
            "accelerators_per_server",
            "financing_rate",
        ):
            value = getattr(self, key)
            if value is not None:
                out["gpu_price" if key == "rental" else key] = str(value)
        if self.ownership and not self.is_rental:
            out["ownership"] = "yes"
        return out


@dataclass(frozen=True)
class ComputeFactors:
    """The price of an accelerator-hour, its currency, the factors behind it and notes."""

    price: Factor
    currency: str
    factors: dict[str, Factor]
    notes: tuple[str, ...] = ()

    def price_per_h(self) -> float:
        """The price per accelerator-hour as a magnitude in ``currency``."""
        return float(self.price.value.m_as(f"{self.currency}/h"))


def purchase_prices() -> dict[str, dict[str, str]]:
    """``accelerator_prices.csv`` by accelerator name."""
    return {r["name"]: r for r in read_records("accelerator_prices")}


def _purchase_factor(spec: ComputeCost, accelerator: Accelerator | None) -> Factor:
    p = spec._parsed
    if "purchase" in p:
        return user_factor("purchase_price", p["purchase"], "purchase")
    if "server_purchase" in p:
        n = spec.accelerators_per_server or DEFAULT_ACCELERATORS_PER_SERVER
        per = p["server_purchase"] / n
        return Factor(
            name="purchase_price",
            value=per,
            origin="user",
            source="given by the user (server purchase)",
            note=f"server price {p['server_purchase']:~,.6g} / {n} accelerators",
        )
    if accelerator is None:
        raise MissingDataError(
            "compute cost: the workload names no accelerator; give its purchase price "
            "(--gpu-capex) or a rental price (--gpu-price)"
        )
    row = purchase_prices().get(accelerator.name)
    if row is None:
        known = ", ".join(sorted(purchase_prices()))
        raise MissingDataError(
            f"compute cost: no sourced purchase price for {accelerator.name}; give "
            f"--gpu-capex (e.g. '30000 USD') or --gpu-price (priced: {known})"
        )
    return Factor(
        name="purchase_price",
        value=units.Q_(float(row["purchase_price_usd"]), "USD"),
        origin="dataset",
        source=f"{row['source']}; {row['source_url']}",
        dataset="accelerator_prices.csv",
        year=int(row["release_date"][:4]),
        note=f"release price ({row['release_date']}); {row['note']}",
    )


def compute_factors(spec: ComputeCost, accelerator: Accelerator | None) -> ComputeFactors:
    """The price of an accelerator-hour under ``spec`` for ``accelerator``."""
    p = spec._parsed
    if spec.is_rental:
        price = user_factor("compute_price", p["rental"], "gpu-price")
        return ComputeFactors(
            price,
            p["currency"],
            {"compute_price": price},
            (
                "compute cost: accelerator-hours x the rental price given (hardware time only; "
                "electricity is the separate electricity cost)",
            ),
        )
    purchase = _purchase_factor(spec, accelerator)
    currency = units.currency_of(units.Q_(1, purchase.value.units) / units.Q_(1, "kWh"))
    assert currency is not None  # _money and the dataset give one currency
    years = float(p["lifetime"].m_as("year")) if "lifetime" in p else DEFAULT_LIFETIME_YEARS
    util = p.get("life_utilization", DEFAULT_LIFE_UTILIZATION)
    rate = p.get("financing_rate", 0.0)
    per_h = float(ownership_price(float(purchase.value.m_as(currency)), years * 8760.0, util, rate))
    price = Factor(
        name="compute_price",
        value=units.Q_(per_h, f"{currency}/h"),
        origin="derived",
        source="ownership: purchase x CRF(rate, life) x life / (life x 8,760 h x utilisation)",
        note=(
            f"{purchase.value:~,.6g} over {years:g} years at {util:.0%} use, financed at "
            f"{rate:.1%} a year = {per_h:,.4g} {currency} per accelerator-hour (hardware "
            "only: no hosting, staff or network)"
        ),
    )
    factors = {
        "compute_price": price,
        "purchase_price": purchase,
        "financing_rate": Factor(
            name="financing_rate",
            value=units.Q_(rate, "dimensionless"),
            origin="user" if "financing_rate" in p else "default",
            source="given by the user (financing-rate)"
            if "financing_rate" in p
            else "no cost of capital (give --financing-rate)",
        ),
    }
    notes = (
        f"compute cost: owning the hardware, {per_h:,.4g} {currency} per accelerator-hour "
        f"({purchase.value:~,.6g} over {years:g} years at {util:.0%} use, {rate:.1%} a year)",
    )
    return ComputeFactors(price, currency, factors, notes)
