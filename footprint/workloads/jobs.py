"""Workloads: what runs. A job on accelerators (``GpuJob``) is the core workload.

Inference volumes and training-from-FLOPs workloads reduce to accelerator-hours
at a power draw, so that one engine (:func:`footprint.estimate`) accounts for
all of them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import partial
from typing import Any, Protocol, runtime_checkable

import numpy as np

from footprint.catalogues.hardware import (
    Accelerator,
    check_activity,
    get_accelerator,
    server_class,
    tdp_note,
)
from footprint.core import plausibility, units
from footprint.core.errors import InputError
from footprint.core.memo import IdentityMemo
from footprint.core.provenance import Factor, user_factor
from footprint.places.facility import Scale
from footprint.workloads.job_rules import (
    NO_TDP,
    check_count,
    check_hours_inputs,
    check_power_inputs,
    check_utilization,
    raise_first,
)

__all__ = ["GpuJob", "Load", "Workload", "default_host", "default_power", "power_factors"]


@dataclass(frozen=True)
class Load:
    """What a workload asks of the hardware: the engine's only view of any workload.

    Every workload (a GPU job, an inference fleet, a training run from FLOPs)
    reduces to accelerator-hours at an average power plus a host share, so one
    engine accounts for all of them.

    Attributes
    ----------
    accelerator_hours : Quantity [h]
    power, host_power : Factor
        Average draw per accelerator and host share per accelerator [W].
    inputs : dict[str, str]
        The workload's inputs as given, echoed in results.
    notes : tuple[str, ...]
        Assumptions of the workload model, in plain words.
    per_unit : dict[str, Quantity]
        Counts to divide totals by (e.g. ``{"request": 3.65e11 request}``): the
        engine adds ``energy_per_<unit>``, ``co2e_per_<unit>`` and
        ``water_per_<unit>`` results.
    extra_factors : dict[str, Factor]
        Further factors of the workload model, shown with the site factors.
    extra_results : dict[str, Quantity]
        Results the workload computes itself (e.g. implied FLOPs), shown as is.
    accelerators : float, optional
        Accelerators running at once, when the workload knows it (its scale).
    pue_included : bool
        The energy is a measured facility energy: the site's PUE is not applied again.
    nominal_hours : bool
        The workload states energy, not hardware time (a published per-request figure
        with no accelerator given): its accelerator-hours are only a way to carry the
        energy, so they are not reported and carry no embodied emissions.
    """

    accelerator_hours: Any
    power: Factor
    host_power: Factor
    inputs: dict[str, str]
    notes: tuple[str, ...] = ()
    per_unit: dict[str, Any] = field(default_factory=dict)
    extra_factors: dict[str, Factor] = field(default_factory=dict)
    extra_results: dict[str, Any] = field(default_factory=dict)
    accelerators: float | None = None
    nominal_hours: bool = False
    pue_included: bool = False

    @property
    def it_kwh(self) -> float:
        """IT energy [kWh]: accelerator-hours x (power + host power)."""
        watts = float(self.power.value.m_as("W")) + float(self.host_power.value.m_as("W"))
        return float(self.accelerator_hours.m_as("h")) * watts / 1000.0

    @property
    def scale(self) -> Scale:
        """How big the workload is, for the facility class it runs in.

        An energy-only load's hours are nominal: its size is its IT energy in
        accelerator-hours of 1 kW (an accelerator with its host share)."""
        hours = float(self.accelerator_hours.m_as("h"))
        if self.nominal_hours:
            watts = float(self.power.value.m_as("W")) + float(self.host_power.value.m_as("W"))
            hours *= watts / 1000.0
        return Scale(hours, self.accelerators)


@runtime_checkable
class Workload(Protocol):
    """Anything :func:`footprint.estimate` accepts: it states its :class:`Load`."""

    def load(self) -> Load: ...


def _column(value: Any) -> Any:
    """A column of one row: a job is checked by the rules batch applies to its rows."""
    return np.array([value])


@dataclass(frozen=True)
class GpuJob:
    """A job on accelerators: which accelerator, for how long, at what draw.

    Give either ``gpu_hours`` (accelerator-hours in total) or ``count`` and
    ``duration`` (wall-clock time), not both.

    Parameters
    ----------
    accelerator : str
        Name or alias from the catalogue (``footprint accelerators``).
    gpu_hours : Quantity, str or float, optional
        Accelerator-time [h]; bare numbers are hours.
    count : int, optional
        Number of accelerators running for ``duration``.
    duration : Quantity, str or float, optional
        Wall-clock time [h]; bare numbers are hours ("3.5 months" works).
    utilization : float, optional
        Average draw as a fraction of TDP, in (0, 1]; default: the measured average of
        the accelerator's server class for ``activity`` (``server_classes.csv``).
    power : Quantity, str or float, optional
        Average draw per accelerator [W]; replaces TDP x utilization.
    host_power : Quantity, str or float, optional
        Host share per accelerator [W]; default: the server class's average (150 W on an
        8-GPU baseboard), "0 W" turns it off.
    activity : {"training", "serving"}
        What the accelerators do, which sets the default draw (training: busy and
        synchronised; serving: production inference).
    """

    accelerator: str
    gpu_hours: Any = None
    count: int | None = None
    duration: Any = None
    utilization: float | None = None
    power: Any = None
    host_power: Any = None
    activity: str = "training"
    _resolved: dict[str, Any] = field(default_factory=dict, init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        # the rules of footprint.workloads.job_rules, on a column of one row (batch: on its rows)
        resolved = self._resolved
        check_activity(self.activity)
        resolved["accelerator"] = get_accelerator(self.accelerator)
        resolved["accelerator_hours"] = self._accelerator_hours()
        if self.utilization is not None:
            units.check_magnitude(self.utilization, "utilization", allow_zero=False)
            _, broken = check_utilization(_column(float(self.utilization)), _column(True))
            raise_first(broken, self.utilization)
        for name in ("power", "host_power"):
            value = getattr(self, name)
            if value is not None:
                resolved[name] = units.parse_quantity(value, "power", "W", name)
        raise_first(
            check_power_inputs(_column("power" in resolved), _column(self.utilization is not None))
        )

    def _accelerator_hours(self) -> Any:
        given = [_column(v is not None) for v in (self.gpu_hours, self.count, self.duration)]
        raise_first(check_hours_inputs(*given))
        if self.gpu_hours is not None:
            return units.parse_quantity(self.gpu_hours, "time", "h", "gpu_hours").to("h")
        count = self.count
        assert count is not None  # check_hours_inputs: count and duration are given
        units.check_magnitude(count, "count", allow_zero=False)
        _, broken = check_count(_column(float(count)), _column(True))
        raise_first(broken, count)
        duration = units.parse_quantity(self.duration, "time", "h", "duration")
        return (duration * int(count)).to("h")

    @property
    def hardware(self) -> Accelerator:
        """The catalogue entry of the accelerator."""
        return self._resolved["accelerator"]  # type: ignore[no-any-return]

    @property
    def accelerator_hours(self) -> Any:
        """Accelerator-hours of the job [h]."""
        return self._resolved["accelerator_hours"]

    def load(self) -> Load:
        """Accelerator-hours and power of the job, with provenance (see :class:`Load`)."""
        power, host = power_factors(self)
        notes = tuple(f.note for f in (power, host) if f.note and f.origin == "default")
        derived = tdp_note(self.hardware) if power.origin != "user" else None
        notes += (derived,) if derived else ()
        if power.origin == "user":
            acc = self.hardware
            tdp = None if acc.tdp is None else float(acc.tdp.m_as("W"))
            warned = plausibility.check_power(float(power.value.m_as("W")), acc.name, tdp, "power")
            notes += plausibility.warn_notes([warned] if warned else [])
        count = None if self.count is None else float(self.count)
        return Load(self.accelerator_hours, power, host, self.inputs(), notes, accelerators=count)

    def inputs(self) -> dict[str, str]:
        """The job's inputs as given, for echoing in results."""
        out = {"accelerator": self.hardware.name}
        for key in ("gpu_hours", "count", "duration", "utilization", "power", "host_power"):
            value = getattr(self, key)
            if value is not None:
                out[key] = units.input_text(value)
        if self.activity != "training":
            out["activity"] = self.activity
        out["accelerator_hours"] = f"{self.accelerator_hours.m:g} h"
        return out


#: Default draws and host shares, made once per accelerator object (immutable Factors).
_DEFAULTS: IdentityMemo[Factor] = IdentityMemo()


def default_power(acc: Accelerator, activity: str = "training") -> Factor:
    """The average draw of ``acc`` while doing ``activity``: TDP x the measured fraction of
    its server class (``server_classes.csv``), with the class's bounds for ranges (a derived
    TDP's own range widens them: low TDP x low fraction to high TDP x high fraction).

    Raises
    ------
    InputError
        When the catalogue has no TDP for ``acc`` (give a power).
    """
    return _DEFAULTS.get(acc, ("power", activity), partial(_default_power, acc, activity))


def _default_power(acc: Accelerator, activity: str) -> Factor:
    if acc.tdp is None:
        raise InputError(NO_TDP.format(value=acc.name))
    server = server_class(acc)
    share = server.fractions[check_activity(activity)]
    tdp_w = float(acc.tdp.m_as("W"))
    tdp_low, tdp_high = acc.tdp_range_w or (tdp_w, tdp_w)
    derived = acc.tdp_range_w is not None
    tdp_source = f"TDP derived, not published ({acc.tdp_basis})" if derived else "TDP"
    tdp_range = f", TDP range {tdp_low:.0f}-{tdp_high:.0f} W (derived)" if derived else ""
    return Factor(
        name="power",
        value=units.Q_(tdp_w * share.value, "W"),
        origin="default",
        source=f"{tdp_source}: {acc.source}; draw while {activity}: {share.source}",
        dataset="accelerators.csv, server_classes.csv",
        note=(
            f"TDP {tdp_w:g} W x {share.value:g}, the measured average draw while {activity} "
            f"({server.name} server class; range {share.low:g}-{share.high:g} x TDP"
            f"{tdp_range})"
        ),
        extra={
            "accelerator": acc.name,
            "utilization": share.value,
            "server_class": server.name,
            "low": tdp_low * share.low,
            "high": tdp_high * share.high,
        },
    )


def default_host(acc: Accelerator) -> Factor:
    """The host share per accelerator of ``acc``'s server class, with its bounds."""
    return _DEFAULTS.get(acc, "host", partial(_default_host, acc))


def _default_host(acc: Accelerator) -> Factor:
    server = server_class(acc)
    host = server.host_w
    return Factor(
        name="host_power",
        value=units.Q_(host.value, "W"),
        origin="default",
        source=host.source,
        dataset="server_classes.csv",
        note=(
            f"host CPUs, memory, network and fans: {host.value:g} W per accelerator "
            f"({server.name} server class; range {host.low:g}-{host.high:g} W); "
            "'0 W' turns it off"
        ),
        extra={"server_class": server.name, "low": host.low, "high": host.high},
    )


def power_factors(job: GpuJob) -> tuple[Factor, Factor]:
    """Average accelerator power and host power per accelerator, with provenance."""
    acc = job.hardware
    resolved = job._resolved
    if "power" in resolved:
        power = user_factor("power", resolved["power"].to("W"), "power")
    elif job.utilization is None:
        power = default_power(acc, job.activity)
    else:
        if acc.tdp is None:
            raise InputError(NO_TDP.format(value=acc.name))
        util = float(job.utilization)
        power = Factor(
            name="power",
            value=(acc.tdp * util).to("W"),
            origin="derived",
            source=f"TDP: {acc.source}" + (f" <{acc.source_url}>" if acc.source_url else ""),
            dataset="accelerators.csv",
            note=f"TDP {acc.tdp.m:g} W x utilization {util:g}",
            extra={"accelerator": acc.name, "utilization": util},
        )
    if "host_power" in resolved:
        host = user_factor("host_power", resolved["host_power"].to("W"), "host_power")
    else:
        host = default_host(acc)
    return power, host
