"""Embodied (manufacturing) CO2e of accelerators and their servers, amortised per hour of use.

Manufacturing emissions of the hardware are spread over the accelerator-hours it delivers
in its service life (the approach of Luccioni et al. 2022 for BLOOM, and of EcoLogits)::

    embodied_rate = (embodied_accelerator + embodied_host) / (lifetime x life_utilization)
    embodied_co2e = accelerator_hours x embodied_rate

The formula lives once, in :func:`footprint.core.accounting.embodied_rate`; this module resolves
its four factors, each a :class:`~footprint.core.provenance.Factor` with source and range:

- ``embodied_accelerator`` [kgCO2e]: the card, from ``datasets/embodied.csv``: a
  manufacturer's product carbon footprint where one is published (NVIDIA's HGX H100 PCF:
  164 kgCO2e per H100 80 GB), else LLMCarbon's chip-level model (die area x carbon per area
  of the process node + memory x carbon per GB) scaled to card level on the H100 PCF;
- ``embodied_host`` [kgCO2e]: the accelerator's share of its server without accelerators
  (default: EcoLogits' 5,700 kgCO2e per 8-GPU server, i.e. 712.5 kgCO2e per accelerator);
- ``lifetime`` [year]: :data:`DEFAULT_LIFETIME_YEARS`;
- ``life_utilization`` [1]: :data:`DEFAULT_LIFE_UTILIZATION`.

Any of them can be given instead (``Embodied(lifetime="6 years", ...)``, or
``--lifetime``, ``--life-utilization``, ``--embodied-accelerator``, ``--embodied-host``,
``--server`` on the command line); a given value is exact (no range).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from functools import cache, partial
from typing import Any

from footprint.catalogues.hardware import Accelerator, get_accelerator, normalise_name
from footprint.core import units
from footprint.core.accounting import embodied_rate
from footprint.core.errors import InputError, MissingDataError, UnknownNameError
from footprint.core.memo import IdentityMemo
from footprint.core.provenance import Factor, Spread, user_factor
from footprint.core.units import magnitude_in, quantity
from footprint.data.loader import optional_float, read_records

__all__ = [
    "DEFAULT_LIFETIME_YEARS",
    "DEFAULT_LIFE_UTILIZATION",
    "DEFAULT_SERVER",
    "Embodied",
    "EmbodiedFactors",
    "embodied_factors",
    "embodied_per_accelerator_hour",
    "servers",
    "workload_accelerator",
]

TABLE = "embodied"

#: Default service life of accelerators and their servers [year]. The sources span 3 to 6
#: years: EcoLogits amortises over 3 years (after NVIDIA's HGX H100 PCF), LLMCarbon
#: (Faiz et al., ICLR 2024) over 5 years, and BLOOM's cluster (Luccioni et al. 2022,
#: arXiv:2211.02001, IDRIS figure) over 6. footprint takes 4 years, inside that range
#: and the 3-5 years usually quoted for accelerators; ``datasets/uncertainty.csv`` samples
#: 3 to 6 years around it. A year is pint's Julian year (365.25 days, 8,766 h).
DEFAULT_LIFETIME_YEARS = 4.0

#: Default share of its life the hardware is in use [1]: 85%, the average usage IDRIS gave
#: for the Jean Zay cluster that trained BLOOM (Luccioni et al. 2022, sec. 4.1).
DEFAULT_LIFE_UTILIZATION = 0.85

#: Default server profile of ``datasets/embodied.csv``: an 8-accelerator server without its
#: accelerators, 5,700 kgCO2e (EcoLogits 0.11.3, from BoaviztAPI's AWS p5.48xlarge).
DEFAULT_SERVER = "gpu-server-8"

_SOURCE_LIFETIME = (
    "footprint default within the 3-6 years of EcoLogits (3, after NVIDIA's HGX H100 PCF), "
    "LLMCarbon (5) and Luccioni et al. 2022 for BLOOM (6, IDRIS)"
)
_SOURCE_LIFE_UTILIZATION = (
    "Luccioni, Viguier, Ligozat 2022, 'Estimating the Carbon Footprint of BLOOM', "
    "arXiv:2211.02001 sec. 4.1: 85% average usage (IDRIS, Jean Zay)"
)


@dataclass(frozen=True)
class Embodied:
    """How embodied emissions are counted: any factor given here replaces the default.

    Parameters
    ----------
    lifetime : Quantity, str or float, optional
        Service life of the hardware [year]; bare numbers are years ("4 years", 4).
    life_utilization : float, optional
        Share of the life the hardware is in use, in (0, 1]; "85%" also works.
    accelerator : Quantity, str or float, optional
        Manufacturing CO2e of one accelerator [kgCO2e]; bare numbers are kgCO2e.
    host : Quantity, str or float, optional
        The accelerator's share of its server's manufacturing CO2e [kgCO2e].
    server : str, optional
        Server profile of ``datasets/embodied.csv`` for the host share
        (default :data:`DEFAULT_SERVER`); see :func:`servers`.
    """

    lifetime: Any = None
    life_utilization: Any = None
    accelerator: Any = None
    host: Any = None
    server: str | None = None
    _parsed: dict[str, Any] = field(default_factory=dict, init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        parsed = self._parsed
        if self.lifetime is not None:
            q = units.parse_quantity(
                self.lifetime, "time", "year", "lifetime", allow_zero=False
            ).to("year")
            if not 0 < q.m_as("h") < math.inf:  # 5e-324 month is 0 years once converted
                raise InputError(f"lifetime: {self.lifetime} is too short or too long a life")
            parsed["lifetime"] = q
        if self.life_utilization is not None:
            parsed["life_utilization"] = _fraction(self.life_utilization, "life_utilization")
        for key in ("accelerator", "host"):
            value = getattr(self, key)
            if value is not None:
                q = units.parse_quantity(
                    value, "co2e", "kgCO2e", f"embodied {key}", mass_means_co2e=True
                )
                parsed[key] = q.to("kgCO2e")
        if self.server is not None:
            if self.host is not None:
                raise InputError("embodied: give either a server profile or a host share, not both")
            parsed["server"] = _server_name(self.server)

    def inputs(self) -> dict[str, str]:
        """The embodied inputs as given, for echoing in results."""
        out = {}
        for key in ("lifetime", "life_utilization", "accelerator", "host", "server"):
            value = getattr(self, key)
            if value is not None:
                label = key if key.startswith("life") or key == "server" else f"embodied_{key}"
                out[label] = str(value)
        return out


def _fraction(value: Any, name: str) -> float:
    text = str(value).strip()
    try:
        x = float(text[:-1]) / 100 if text.endswith("%") else float(text)
    except ValueError:
        raise InputError(
            f"{name}: expected a fraction such as 0.85 or 85%, got {value!r}"
        ) from None
    if not 0 < x <= 1:  # also rejects NaN
        raise InputError(f"{name}: expected a fraction in (0, 1], got {value}")
    return x


@cache
def _rows() -> tuple[dict[str, dict[str, str]], dict[str, dict[str, str]]]:
    accelerators: dict[str, dict[str, str]] = {}
    servers_: dict[str, dict[str, str]] = {}
    for row in read_records(TABLE):
        (accelerators if row["kind"] == "accelerator" else servers_)[row["name"]] = row
    return accelerators, servers_


def servers() -> list[str]:
    """Names of the server profiles (host shares) in ``datasets/embodied.csv``."""
    return sorted(_rows()[1])


def _server_name(name: str) -> str:
    keys = {normalise_name(s): s for s in servers()}
    hit = keys.get(normalise_name(name))
    if hit is None:
        raise UnknownNameError("server", name, servers())
    return hit


def _kg(value: float) -> Any:
    return quantity(value, "kgCO2e")


def _spread(row: dict[str, str], divisor: float = 1.0) -> Spread:
    low = float(row["embodied_low_kgco2e"]) / divisor
    high = float(row["embodied_high_kgco2e"]) / divisor
    return Spread(_kg(low), _kg(high), "triangular", f"{TABLE}.csv low/high columns")


@dataclass(frozen=True)
class EmbodiedFactors:
    """The four factors of the embodied rate, and notes on their choice."""

    accelerator: Factor
    host: Factor
    lifetime: Factor
    life_utilization: Factor
    notes: tuple[str, ...] = ()

    def as_dict(self) -> dict[str, Factor]:
        """The factors by their names in results."""
        return {
            "embodied_accelerator": self.accelerator,
            "embodied_host": self.host,
            "lifetime": self.lifetime,
            "life_utilization": self.life_utilization,
        }

    def magnitudes(self) -> dict[str, float]:
        """Keyword arguments of :func:`footprint.core.accounting.account` (canonical units)."""
        return {
            "embodied_accelerator_kg": magnitude_in(self.accelerator.value, "kgCO2e"),
            "embodied_host_kg": magnitude_in(self.host.value, "kgCO2e"),
            "lifetime_h": magnitude_in(self.lifetime.value, "h"),
            "life_utilization": magnitude_in(self.life_utilization.value, ""),
        }

    @property
    def rate(self) -> Any:
        """Embodied CO2e per accelerator-hour [gCO2e/h]."""

        return quantity(1000.0 * embodied_rate(**self.magnitudes()), "gCO2e/h")


def _accelerator_factor(spec: Embodied, accelerator: Accelerator | None) -> Factor:
    if "accelerator" in spec._parsed:
        return user_factor("embodied_accelerator", spec._parsed["accelerator"], "embodied")
    if accelerator is None:
        raise MissingDataError(
            "embodied: the workload names no accelerator; give the accelerator's "
            "manufacturing CO2e (--embodied-accelerator) or turn embodied off (--no-embodied)"
        )
    row = _rows()[0].get(accelerator.name)
    if row is None:
        raise MissingDataError(
            f"embodied: no manufacturing CO2e for {accelerator.name} in {TABLE}.csv; give "
            "--embodied-accelerator (kgCO2e) or --no-embodied"
        )
    method = row["method"]
    if method == "card-pcf":
        note = "manufacturer's product carbon footprint (card level)"
    else:
        note = "LLMCarbon chip-level model scaled to card level on NVIDIA's H100 PCF"
        if method == "chip-model-proxy":
            note += "; " + row["derivation"].split("; chip =")[0]
    return Factor(
        name="embodied_accelerator",
        value=_kg(float(row["embodied_kgco2e"])),
        origin="dataset",
        source=row["source"],
        dataset=f"{TABLE}.csv",
        note=note,
        extra={
            "accelerator": accelerator.name,
            "method": method,
            "chip_kgco2e": optional_float(row.get("chip_kgco2e", "")),
        },
        spread=_spread(row),
    )


def _host_factor(spec: Embodied) -> Factor:
    if "host" in spec._parsed:
        return user_factor("embodied_host", spec._parsed["host"], "embodied host share")
    name = spec._parsed.get("server", DEFAULT_SERVER)
    row = _rows()[1][name]
    per_server = int(row["accelerators_per_server"])
    server_kg = float(row["embodied_kgco2e"])
    return Factor(
        name="embodied_host",
        value=_kg(server_kg / per_server),
        origin="dataset",
        source=row["source"],
        dataset=f"{TABLE}.csv",
        note=f"server '{name}': {server_kg:,.0f} kgCO2e without accelerators / {per_server} "
        "accelerators",
        extra={"server": name, "server_kgco2e": server_kg, "accelerators_per_server": per_server},
        spread=_spread(row, per_server),
    )


def embodied_factors(
    spec: Embodied | None, accelerator: Accelerator | str | None
) -> EmbodiedFactors:
    """Resolve the embodied factors of ``accelerator`` under ``spec`` (defaults when ``None``).

    Parameters
    ----------
    spec : Embodied, optional
        Values that replace the defaults.
    accelerator : Accelerator or str, optional
        The accelerator (catalogue name or alias); needed unless ``spec.accelerator``
        is given.

    Returns
    -------
    EmbodiedFactors
        ``embodied_accelerator``, ``embodied_host`` [kgCO2e], ``lifetime`` [year] and
        ``life_utilization`` [1] as factors with provenance and range, and notes.
    """
    spec = spec or Embodied()
    acc = get_accelerator(accelerator) if isinstance(accelerator, str) else accelerator
    if acc is not None and not spec._parsed:  # the defaults: made once per accelerator
        return _DEFAULTS.get(acc, "embodied", partial(_resolve, spec, acc))
    return _resolve(spec, acc)


#: The default embodied factors, once per accelerator object (immutable).
_DEFAULTS: IdentityMemo[EmbodiedFactors] = IdentityMemo()


def _resolve(spec: Embodied, acc: Accelerator | None) -> EmbodiedFactors:
    acc_factor = _accelerator_factor(spec, acc)
    host = _host_factor(spec)
    if "lifetime" in spec._parsed:
        lifetime = user_factor("lifetime", spec._parsed["lifetime"], "lifetime")
    else:
        lifetime = Factor(
            name="lifetime",
            value=quantity(DEFAULT_LIFETIME_YEARS, "year"),
            origin="default",
            source=_SOURCE_LIFETIME,
            note="service life of accelerators and servers; --lifetime replaces it",
        )
    if "life_utilization" in spec._parsed:
        life_util = user_factor(
            "life_utilization",
            units.Q_(spec._parsed["life_utilization"], "dimensionless"),
            "life_utilization",
        )
    else:
        life_util = Factor(
            name="life_utilization",
            value=quantity(DEFAULT_LIFE_UTILIZATION, "dimensionless"),
            origin="default",
            source=_SOURCE_LIFE_UTILIZATION,
            note="share of the service life in use; --life-utilization replaces it",
        )
    factors = EmbodiedFactors(acc_factor, host, lifetime, life_util)
    who = acc.name if acc is not None else "the accelerator"
    m = factors.magnitudes()
    note = (
        f"embodied: {who} {m['embodied_accelerator_kg']:,.1f} kgCO2e + host share "
        f"{m['embodied_host_kg']:,.1f} kgCO2e over {magnitude_in(lifetime.value, 'year'):g} "
        f"years at {m['life_utilization']:.0%} use = {factors.rate.magnitude:.2f} gCO2e per "
        "accelerator-hour"
    )
    return EmbodiedFactors(acc_factor, host, lifetime, life_util, (note,))


def embodied_per_accelerator_hour(
    accelerator: Accelerator | str, spec: Embodied | None = None
) -> Any:
    """Embodied CO2e per accelerator-hour of ``accelerator`` [gCO2e/h].

    Examples
    --------
    >>> from footprint.catalogues.embodied import embodied_per_accelerator_hour
    >>> embodied_per_accelerator_hour("H100-SXM")  # doctest: +SKIP
    <Quantity(29.4..., 'gram_CO2e / hour')>
    """
    return embodied_factors(spec, accelerator).rate


def workload_accelerator(job: Any, load: Any) -> Accelerator | None:
    """The accelerator a workload runs on: its ``hardware``, else ``inputs['accelerator']``.

    Workloads expose the catalogue entry as ``job.hardware`` (as :class:`~footprint.GpuJob`
    does) or echo its name in ``Load.inputs["accelerator"]``; ``None`` when neither.
    """
    hardware = getattr(job, "hardware", None)
    if isinstance(hardware, Accelerator):
        return hardware
    name = getattr(load, "inputs", {}).get("accelerator")
    return get_accelerator(name) if name else None
