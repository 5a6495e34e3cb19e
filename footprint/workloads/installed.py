"""An installed base of AI hardware as a workload: N servers (or accelerators) running for a
period at a utilisation of their maximum power.

:class:`InstalledFleet` states a sector-scale workload the way the published estimates do:
de Vries (2023, Joule 7(10), doi:10.1016/j.joule.2023.09.004) took the 1.5 million NVIDIA
AI servers expected to ship by 2027 at their maximum power (DGX A100 6.5 kW, DGX H100
10.2 kW), all year round, for 85.4-134.0 TWh a year. The installed base is given as a
count, or as yearly shipments kept in service for a lifetime (steady state: shipments x
lifetime years are running at once).

It reduces to a :class:`~footprint.workloads.jobs.Load` like every workload, so
:func:`footprint.estimate` and the engine account it (PUE, grid, water, price, embodied):

- a **server** of :mod:`footprint.catalogues.servers`: each accelerator draws utilisation x
  its TDP (``accelerators.csv``) and the host share is utilisation x the rest of the
  server's maximum power, ``(max system power - n x TDP) / n``, so that the server draws
  utilisation x its maximum system power;
- an **accelerator** of :mod:`footprint.catalogues.hardware`: utilisation x TDP, plus the
  host share of its server class (``server_classes.csv``, an average, not scaled) or a
  given ``host_power``.

A year is 8,760 hours (365 days), as de Vries and the IEA count.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

from footprint.catalogues.hardware import Accelerator, get_accelerator, tdp_note
from footprint.catalogues.servers import Server, get_server
from footprint.core import units
from footprint.core.errors import InputError
from footprint.core.provenance import Factor, user_factor
from footprint.places.equivalences import count_text
from footprint.workloads.jobs import Load, default_host

__all__ = ["HOURS_PER_YEAR", "InstalledFleet", "parse_count", "parse_shipments"]

#: Hours in a year of the period: 365 days, as de Vries (2023) and the IEA count.
HOURS_PER_YEAR = 8760.0

#: Largest count accepted (servers, accelerators or shipments a year): a trillion is far
#: beyond any installed base and keeps every product finite.
MAX_COUNT = 1e12

#: Longest period or lifetime accepted, in years.
MAX_YEARS = 1000.0

_PER_YEAR = ("/yr", "/year", "/a", " per year", " a year", "per year", "a year")


def parse_count(value: Any, name: str = "count") -> float:
    """A positive count (``1.5e6``, ``"1.5e6"``, ``"1,500,000"``), at most :data:`MAX_COUNT`.

    Raises
    ------
    InputError
        For anything that is not a finite number above zero.
    """
    if isinstance(value, bool):
        raise InputError(f"{name}: expected a number such as 1.5e6, got {value!r}")
    if isinstance(value, str):
        text = value.strip().replace(",", "").replace("_", "")
        try:
            x = float(text)
        except ValueError:
            raise InputError(
                f"{name}: expected a number such as 1.5e6, got {value!r}"[:200]
            ) from None
    else:
        units.check_magnitude(value, name)
        x = float(value)
    if not math.isfinite(x) or x <= 0:
        raise InputError(f"{name}: expected a number above zero, got {value}"[:200])
    if x > MAX_COUNT:
        raise InputError(f"{name}: {x:g} is more than {MAX_COUNT:g}; check the count")
    return x


def parse_shipments(value: Any, name: str = "shipments") -> float:
    """Units shipped a year: ``2e6``, ``"2e6/yr"``, ``"2e6 per year"``; per year only."""
    if isinstance(value, str):
        text = value.strip()
        for suffix in _PER_YEAR:
            if text.lower().endswith(suffix):
                text = text[: -len(suffix)].strip()
                break
        else:
            if "/" in text or any(c.isalpha() for c in text.lower().replace("e", "")):
                raise InputError(
                    f"{name}: expected units a year such as '2e6/yr', got {value!r}"[:200]
                )
        return parse_count(text, name)
    return parse_count(value, name)


def _years(value: Any, name: str) -> float:
    """A positive number of years (a time Quantity or string; bare numbers are years)."""
    q = units.parse_quantity(value, "time", "year", name, allow_zero=False)
    years = float(q.m_as("year"))
    if not math.isfinite(years) or years > MAX_YEARS:
        raise InputError(f"{name}: expected at most {MAX_YEARS:g} years, got {value}"[:200])
    return years


def _tdp_power(acc: Accelerator, util: float) -> Factor:
    """Draw per accelerator: its TDP x the fleet's utilisation."""
    tdp_w = float(acc.tdp.m_as("W")) if acc.tdp is not None else math.nan
    return Factor(
        name="power",
        value=units.Q_(util * tdp_w, "W"),
        origin="derived",
        source=f"TDP: {acc.source}" + (f" <{acc.source_url}>" if acc.source_url else ""),
        dataset="accelerators.csv",
        note=f"TDP {tdp_w:g} W x utilization {util:g}",
        extra={"accelerator": acc.name, "utilization": util},
    )


@dataclass(frozen=True)
class InstalledFleet:
    """An installed base of servers or accelerators, running for a period.

    Give ``server`` or ``accelerator``, and ``count`` or ``shipments`` with ``lifetime``.

    Parameters
    ----------
    server : str, optional
        A server or rack of :mod:`footprint.catalogues.servers` (``DGX-H100``...).
    accelerator : str, optional
        An accelerator of :mod:`footprint.catalogues.hardware` (``H100``...).
    count : float or str, optional
        Units installed (servers, or accelerators); ``1.5e6`` and ``"1.5e6"`` work.
    shipments : float or str, optional
        Units shipped a year (``"2e6/yr"``); the installed base is ``shipments x lifetime``.
    lifetime : Quantity, str or float, optional
        Years each unit stays in service (``"4 years"``; bare numbers are years): with
        ``shipments``, the installed base; with either, the years
        :func:`footprint.analyses.installed.fleet_footprint` amortises embodied emissions
        over.
    utilization : float
        Average draw as a fraction of the maximum, in (0, 1]: of the server's maximum
        system power, or of the accelerator's TDP. Default 1 (full load, as de Vries 2023:
        an upper bound).
    years : float
        Length of the period, in years of :data:`HOURS_PER_YEAR` hours. Default 1.
    host_power : Quantity, str or float, optional
        Host share per accelerator [W] of an ``accelerator`` fleet (default: its server
        class's); a ``server``'s host share comes from its maximum power.
    """

    server: str | None = None
    accelerator: str | None = None
    count: Any = None
    shipments: Any = None
    lifetime: Any = None
    utilization: float = 1.0
    years: float = 1.0
    host_power: Any = None
    _resolved: dict[str, Any] = field(default_factory=dict, init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        r = self._resolved
        if (self.server is None) == (self.accelerator is None):
            raise InputError("fleet: give either a server or an accelerator (not both)")
        if self.server is not None:
            r["server"] = get_server(self.server)
            r["accelerator"] = r["server"].hardware
            if self.host_power is not None:
                raise InputError(
                    "host_power: a server's host share comes from its maximum power; give it "
                    "only with an accelerator"
                )
        else:
            r["server"] = None
            r["accelerator"] = get_accelerator(str(self.accelerator))
        r["installed"], r["basis"] = self._installed()
        units.check_magnitude(self.utilization, "utilization", allow_zero=False)
        if not 0 < float(self.utilization) <= 1:
            raise InputError(
                f"utilization: expected a fraction of the maximum in (0, 1], got {self.utilization}"
            )
        units.check_magnitude(self.years, "years", allow_zero=False)
        if float(self.years) > MAX_YEARS:
            raise InputError(f"years: expected at most {MAX_YEARS:g}, got {self.years}")
        if self.host_power is not None:
            r["host_power"] = units.parse_quantity(self.host_power, "power", "W", "host_power")

    def _installed(self) -> tuple[float, str]:
        if self.count is not None:
            if self.shipments is not None:
                raise InputError(
                    "count: give either an installed count or shipments with a lifetime"
                )
            if self.lifetime is not None:
                _years(self.lifetime, "lifetime")  # checked; it amortises embodied emissions
            return parse_count(self.count, "count"), "installed"
        if self.shipments is None or self.lifetime is None:
            raise InputError("fleet: give an installed count, or yearly shipments with a lifetime")
        shipped = parse_shipments(self.shipments)
        life = _years(self.lifetime, "lifetime")
        installed = shipped * life
        if installed > MAX_COUNT:
            raise InputError(
                f"shipments x lifetime: {installed:g} units is more than {MAX_COUNT:g}"
            )
        return installed, f"{shipped:g} a year x {life:g} years in service"

    @property
    def hardware(self) -> Accelerator:
        """The catalogue entry of the fleet's accelerator."""
        return self._resolved["accelerator"]  # type: ignore[no-any-return]

    @property
    def server_entry(self) -> Server | None:
        """The catalogue entry of the fleet's server, ``None`` for an accelerator fleet."""
        return self._resolved["server"]  # type: ignore[no-any-return]

    @property
    def installed(self) -> float:
        """Units in service at once: servers (server fleet) or accelerators."""
        return float(self._resolved["installed"])

    @property
    def accelerators(self) -> float:
        """Accelerators in service at once."""
        server = self.server_entry
        return self.installed * (1 if server is None else server.accelerators_per_server)

    @property
    def hours(self) -> float:
        """Hours of the period."""
        return float(self.years) * HOURS_PER_YEAR

    def describe(self) -> str:
        """A short title: ``1.5 million DGX-H100 servers at 100% of maximum power``."""
        what = (
            f"{self.server_entry.name} {self.server_entry.form}s"
            if self.server_entry is not None
            else f"{self.hardware.name} accelerators"
        )
        return (
            f"{count_text(self.installed)} {what} at {float(self.utilization):.0%} of maximum power"
        )

    def load(self) -> Load:
        """Accelerator-hours, power and host share of the fleet (see the module)."""
        util = float(self.utilization)
        acc = self.hardware
        server = self.server_entry
        notes = [
            f"installed base: {self.installed:,.6g} "
            + ("servers" if server is not None else "accelerators")
            + ("" if self._resolved["basis"] == "installed" else f" ({self._resolved['basis']})")
            + f", running {float(self.years):g} year(s) of {HOURS_PER_YEAR:,.0f} h",
        ]
        extra: dict[str, Factor] = {}
        if server is not None:
            power, host = self._server_factors(server, acc, util, notes)
            extra["server_power"] = Factor(
                name="server_power",
                value=server.max_power.to("kW"),
                origin="dataset",
                source=server.citation,
                dataset="servers.csv",
                note=(
                    f"maximum system power of {server.name} ({server.accelerators_per_server}"
                    f" x {acc.name})"
                ),
            )
        else:
            power, host = self._accelerator_factors(acc, util, notes)
        if util == 1:
            notes.append(
                "at full load (100% of maximum power all period, as de Vries 2023): an upper "
                "bound; give a utilization for an average"
            )
        hours = units.Q_(self.accelerators * self.hours, "h")
        return Load(
            accelerator_hours=hours,
            power=power,
            host_power=host,
            inputs=self.inputs(),
            notes=tuple(notes),
            per_unit={"year": units.Q_(float(self.years), "year")},
            extra_factors=extra,
            accelerators=self.accelerators,
        )

    def _server_factors(
        self, server: Server, acc: Accelerator, util: float, notes: list[str]
    ) -> tuple[Factor, Factor]:
        n = server.accelerators_per_server
        max_w = float(server.max_power.m_as("W"))
        host_w = server.implied_host_share()
        if acc.tdp is None or host_w is None or float(host_w.m_as("W")) < 0:
            notes.append(
                f"{acc.name}: no TDP below the server's maximum per accelerator; the whole "
                "maximum power is carried as accelerator power (host 0 W)"
            )
            power = Factor(
                name="power",
                value=units.Q_(util * max_w / n, "W"),
                origin="derived",
                source=server.citation,
                dataset="servers.csv",
                note=f"maximum system power {max_w / 1000:g} kW / {n} x utilization {util:g}",
            )
            host = Factor(
                name="host_power",
                value=units.Q_(0.0, "W"),
                origin="derived",
                source="inside the server's maximum power",
            )
            return power, host
        tdp_w = float(acc.tdp.m_as("W"))
        share_w = float(host_w.m_as("W"))
        power = _tdp_power(acc, util)
        derived = tdp_note(acc)
        if derived:
            notes.append(derived)
        host = Factor(
            name="host_power",
            value=units.Q_(util * share_w, "W"),
            origin="derived",
            source=server.citation,
            dataset="servers.csv",
            note=(
                f"(maximum system power {max_w / 1000:g} kW - {n} x {tdp_w:g} W TDP) / {n} = "
                f"{share_w:,.4g} W per accelerator x utilization {util:g}"
            ),
            extra={"server": server.name},
        )
        notes.append(
            f"{server.name}: {n} x {acc.name} at {util:.0%} of the maximum system power "
            f"({max_w / 1000:g} kW per {server.form})"
        )
        return power, host

    def _accelerator_factors(
        self, acc: Accelerator, util: float, notes: list[str]
    ) -> tuple[Factor, Factor]:
        if acc.tdp is None:
            raise InputError(
                f"{acc.name}: no TDP in the catalogue, so a fleet of it has no power; choose "
                "an accelerator with a TDP (`footprint accelerators`)"
            )
        power = _tdp_power(acc, util)
        derived = tdp_note(acc)
        if derived:
            notes.append(derived)
        if "host_power" in self._resolved:
            host = user_factor("host_power", self._resolved["host_power"].to("W"), "host_power")
        else:
            host = default_host(acc)
            notes.append(
                "host share: the server class's average per accelerator, not scaled by the "
                "utilization"
            )
        return power, host

    def inputs(self) -> dict[str, str]:
        """The fleet's inputs as given, for echoing in results."""
        out: dict[str, str] = {}
        if self.server_entry is not None:
            out["server"] = self.server_entry.name
        out["accelerator"] = self.hardware.name
        for key in ("count", "shipments", "lifetime", "host_power"):
            value = getattr(self, key)
            if value is not None:
                out[key] = str(value)
        out["installed"] = f"{self.installed:g}"
        out["installed_accelerators"] = f"{self.accelerators:g}"
        out["utilization"] = f"{float(self.utilization):g}"
        out["years"] = f"{float(self.years):g}"
        return out
