"""Measured energy as a workload: a run whose electricity was metered, re-accounted anywhere.

A :class:`MeasuredRun` states an energy and what it covers (:data:`ENERGY_BASES`):

- ``"it"``: the servers, accelerators and host together (CodeCarbon's GPU + CPU + RAM, a
  server's power meter, Slurm's node energy): the site's PUE is applied on top;
- ``"accelerators"``: the accelerators only (``nvidia-smi``, DCGM, Zeus): the host share
  of the accelerator's server class is added for the accelerator-hours given (none without
  them, said in the notes), then the PUE;
- ``"facility"``: the facility's meter, overhead included: the PUE is not applied again
  and on-site water is WUE x energy / PUE.

With the accelerator and its hours given, the run has hardware time (embodied emissions,
comparison with footprint's model); without them it is energy only, like a published
per-request figure: no accelerator-hours and no embodied CO2e are reported.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from footprint.core import units
from footprint.core.errors import InputError, UnknownNameError
from footprint.core.provenance import Factor, user_factor
from footprint.workloads.jobs import GpuJob, Load, default_host

__all__ = ["ENERGY_BASES", "MeasuredRun"]

#: What a measured energy covers, and what the estimate adds to it.
ENERGY_BASES = {
    "it": "servers (accelerators and host) as measured; the site's PUE applied on top",
    "accelerators": "accelerators only as measured; the server class's host share and the "
    "site's PUE added",
    "facility": "the facility as measured, overhead included; PUE not applied again",
}


@dataclass(frozen=True)
class MeasuredRun:
    """A run of known energy, accounted by the same engine as any workload.

    Parameters
    ----------
    energy : Quantity, str or float
        The measured energy [kWh]; bare numbers are kWh ("27.5 MWh" works).
    basis : {"it", "accelerators", "facility"}
        What the measurement covers (:data:`ENERGY_BASES`).
    accelerator : str, optional
        The accelerator the run used (embodied emissions, host share, comparisons).
    gpu_hours, count, duration : optional
        Its accelerator-hours, as for :class:`~footprint.GpuJob` (needs ``accelerator``).
    host_power : Quantity, str or float, optional
        Host share per accelerator added to an ``"accelerators"`` measurement [W].
    label : str, optional
        A name for the run (a job id, a log file), echoed in the inputs.
    training_flops : Quantity, optional
        The compute of a measured training run, reported as ``training_flops``.
    modelled_it_energy : Quantity, optional
        footprint's model of the same run [kWh]: the notes give measured / modelled.
    per_unit : dict, optional
        Counts the energy served (``{"request": Quantity}``...): results per unit, as for an
        inference workload.
    """

    energy: Any
    basis: str = "it"
    accelerator: str | None = None
    gpu_hours: Any = None
    count: int | None = None
    duration: Any = None
    host_power: Any = None
    label: str | None = None
    training_flops: Any = None
    modelled_it_energy: Any = None
    per_unit: Any = None
    _resolved: dict[str, Any] = field(default_factory=dict, init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        r = self._resolved
        if not isinstance(self.basis, str) or self.basis not in ENERGY_BASES:
            raise UnknownNameError("energy basis", str(self.basis)[:60], list(ENERGY_BASES))
        r["energy"] = units.parse_quantity(
            self.energy, "energy", "kWh", "energy", allow_zero=False
        ).to("kWh")
        timed = any(v is not None for v in (self.gpu_hours, self.count, self.duration))
        if timed and self.accelerator is None:
            raise InputError("gpu_hours/count/duration: give the accelerator they ran on")
        job = None
        if self.accelerator is not None:
            job = GpuJob(
                self.accelerator,
                gpu_hours=self.gpu_hours if timed else 1.0,
                count=self.count,
                duration=self.duration,
                power="1 W",  # the measurement replaces the draw; GpuJob checks the hours
                host_power=self.host_power,
            )
        r["job"], r["timed"] = job, timed
        if self.host_power is not None and self.basis != "accelerators":
            raise InputError(
                f"host_power: a measurement of the {self.basis} energy already counts the host"
            )

    @property
    def hardware(self) -> Any:
        """The accelerator's catalogue entry when it has hardware time, else ``None``."""
        job = self._resolved["job"]
        return job.hardware if job is not None and self._resolved["timed"] else None

    @property
    def measured_energy(self) -> Any:
        """The energy as measured [kWh]."""
        return self._resolved["energy"]

    def load(self) -> Load:
        """The measured energy as accelerator-hours at the power that carries it."""
        r = self._resolved
        energy_kwh = float(r["energy"].m_as("kWh"))
        job: GpuJob | None = r["job"]
        timed = r["timed"]
        hours = float(job.accelerator_hours.m_as("h")) if job is not None and timed else 1.0
        notes = [f"measured energy {r['energy']:~,.6g} ({self.basis}): {ENERGY_BASES[self.basis]}"]
        power = Factor(
            name="power",
            value=units.Q_(energy_kwh * 1000.0 / hours, "W"),
            origin="user",
            source="measured energy / accelerator-hours",
            note=f"measured {energy_kwh:,.6g} kWh over {hours:,.6g} h"
            if timed
            else "measured energy (no accelerator-hours given: carried as energy only)",
        )
        if self.basis == "accelerators" and job is not None and timed:
            host = (
                user_factor("host_power", job._resolved["host_power"].to("W"), "host_power")
                if self.host_power is not None
                else default_host(job.hardware)
            )
        else:
            host = Factor(
                name="host_power",
                value=units.Q_(0.0, "W"),
                origin="derived",
                source=f"inside the measured {self.basis} energy"
                if self.basis != "accelerators"
                else "not counted: no accelerator-hours to add a host share over",
            )
            if self.basis == "accelerators":
                notes.append(
                    "the accelerators' energy was measured without hours: no host share is "
                    "added (give the accelerator and its hours to add the server class's)"
                )
        if not timed:
            notes.append(
                "energy only: no accelerator-hours and no embodied CO2e are reported (give "
                "the accelerator and its hours to count them)"
            )
        extra: dict[str, Any] = {}
        if self.training_flops is not None:
            extra["training_flops"] = self.training_flops
        if self.modelled_it_energy is not None:
            modelled = float(units.Q_(self.modelled_it_energy).m_as("kWh"))
            measured_it = energy_kwh + hours * float(host.value.m_as("W")) / 1000.0
            notes.append(
                f"footprint's model of this run: {modelled:,.6g} kWh of IT energy; the "
                f"measurement is {measured_it / modelled:.3g}x it"
            )
        return Load(
            accelerator_hours=units.Q_(hours, "h"),
            power=power,
            host_power=host,
            inputs=self.inputs(),
            notes=tuple(notes),
            accelerators=None if self.count is None else float(self.count),
            nominal_hours=not timed,
            pue_included=self.basis == "facility",
            extra_results=extra,
            per_unit=dict(self.per_unit or {}),
        )

    def inputs(self) -> dict[str, str]:
        """The run's inputs as given, for echoing in results."""
        out = {"energy": f"{self._resolved['energy']:~,.6g}", "energy_basis": self.basis}
        if self.label is not None:
            out["label"] = str(self.label)
        job = self._resolved["job"]
        if job is not None:
            out["accelerator"] = job.hardware.name
            if self._resolved["timed"]:
                out["accelerator_hours"] = f"{job.accelerator_hours.m:g} h"
        return out
