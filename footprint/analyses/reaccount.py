"""Re-accounting measured energy: a log's runs in their own region and year, or any other.

Each run of an energy log (:mod:`footprint.workloads.energy_logs`) becomes a
:class:`~footprint.workloads.measured.MeasuredRun` and goes through
:func:`footprint.estimate`: the same engine and site factors as any workload. The site is
the one given (``site.region``), else the log's own place and year; a run with neither is a
reject with its reason. Totals are the sums of the accepted runs.

Reconciliation: for a run with its accelerator, count and duration, footprint's model of
the same hardware and hours (:class:`~footprint.GpuJob` with the default draw and host share)
predicts the energy the log measured, at the log's basis; ``measured / predicted`` says how
far the model is from the meter. With the GPUs' own energy (CodeCarbon's ``gpu_energy``,
an ``nvidia-smi`` log) the log also implies the average draw as a fraction of TDP and the
host's draw per accelerator, the two figures to calibrate ``--utilization`` and
``--host-power`` on one's own fleet.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass, field, replace
from typing import Any

from footprint.analyses.estimate import estimate
from footprint.analyses.hourly import account_hourly
from footprint.catalogues.hardware import get_accelerator
from footprint.core.errors import FootprintError, InputError
from footprint.places.hourly_grid import zone_for_region
from footprint.places.site import Site
from footprint.workloads.energy_logs import EnergyLog, LogRow
from footprint.workloads.jobs import GpuJob
from footprint.workloads.load_profile import LoadProfile
from footprint.workloads.measured import MeasuredRun

__all__ = ["Reaccounting", "log_footprint", "reaccount", "run_of", "predicted_kwh"]

#: Result keys summed over the runs.
TOTAL_KEYS = ("it_energy", "facility_energy", "co2e", "co2e_market", "water")


@dataclass
class Reaccounting:
    """Each run re-accounted, the rejects, totals and the reconciliation summary."""

    format: str
    rows: list[dict[str, Any]] = field(default_factory=list)
    rejects: list[dict[str, str]] = field(default_factory=list)
    totals: dict[str, float] = field(default_factory=dict)
    units: dict[str, str] = field(default_factory=dict)
    reconciliation: dict[str, Any] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "format": self.format,
            "rows": self.rows,
            "rejects": self.rejects,
            "totals": self.totals,
            "units": self.units,
            "reconciliation": self.reconciliation,
            "notes": self.notes,
        }


def run_of(row: LogRow) -> MeasuredRun:
    """The measured run of a log row (hardware time when the log gives it)."""
    timed = row.accelerator is not None and row.gpu_count and row.duration_h
    return MeasuredRun(
        f"{row.energy_kwh!r} kWh",
        basis=row.basis,
        accelerator=row.accelerator if timed else None,
        count=row.gpu_count if timed else None,
        duration=f"{row.duration_h!r} h" if timed else None,
        label=row.label,
    )


def predicted_kwh(row: LogRow) -> tuple[float, float, float] | None:
    """footprint's model of the row's hardware and hours: (energy at the row's basis [kWh],
    accelerator energy [kWh], TDP x hours [kWh]), or ``None`` without hardware and hours."""
    if not (row.accelerator and row.gpu_count and row.duration_h):
        return None
    job = GpuJob(row.accelerator, count=row.gpu_count, duration=f"{row.duration_h!r} h")
    load = job.load()
    hours = float(load.accelerator_hours.m_as("h"))
    gpu = hours * float(load.power.value.m_as("W")) / 1000.0
    host = hours * float(load.host_power.value.m_as("W")) / 1000.0
    tdp = get_accelerator(row.accelerator).tdp
    tdp_kwh = hours * float(tdp.m_as("W")) / 1000.0 if tdp is not None else float("nan")
    return (gpu if row.basis == "accelerators" else gpu + host), gpu, tdp_kwh


def _site_for(row: LogRow, site: Site) -> Site:
    if site.region is not None:
        return site
    if row.region is None:
        raise FootprintError("no region in the log for this run; give --region")
    return replace(site, region=row.region, year=site.year or row.year)


def _hourly_co2e(row: LogRow, site: Site, it_kwh: float) -> tuple[float, str] | None:
    """CO2e of the run hour by hour [kg] and its hourly zone, where the log dates the run
    and its place has hourly data (else ``None``)."""
    from datetime import UTC, datetime

    if row.start is None or not row.duration_h or site.region is None or row.basis == "facility":
        return None  # undated, or a facility meter (its PUE is inside, not hour by hour)
    try:
        zone, _ = zone_for_region(site.region)
    except FootprintError:
        return None
    if zone is None:
        return None
    start = datetime.fromtimestamp(row.start, tz=UTC).isoformat()
    profile = LoadProfile.from_job(
        start, f"{row.duration_h!r} h", f"{it_kwh / row.duration_h!r} kW"
    )
    result = account_hourly(profile, replace(site, year=None), embodied=False)
    return float(result.results["co2e"].m_as("kgCO2e")), zone.code


def reaccount(
    log: EnergyLog,
    site: Site | None = None,
    *,
    hourly: bool = False,
    accelerator: str | None = None,
) -> Reaccounting:
    """Every run of ``log`` accounted at ``site`` (default: each run's own place and year).

    ``accelerator`` names the GPU of runs whose log does not (a Zeus log), so that they
    get hardware time, embodied emissions and a reconciliation.

    ``hourly`` also accounts each dated run hour by hour where its place has hourly grid
    data (``co2e_hourly``, and the zone); the others keep the annual figure only."""
    site = site or Site()
    if accelerator is not None:
        name = get_accelerator(accelerator).name
        log = replace(
            log, rows=[r if r.accelerator else replace(r, accelerator=name) for r in log.rows]
        )
    out = Reaccounting(format=log.format, notes=list(log.notes))
    out.rejects = [{"run": label, "reason": reason} for label, reason in log.rejects]
    ratios: list[float] = []
    draws: list[float] = []
    hosts: list[float] = []
    for row in log.rows:
        try:
            result = estimate(run_of(row), _site_for(row, site), embodied=False)
        except FootprintError as exc:
            out.rejects.append({"run": row.label, "reason": str(exc)})
            continue
        entry: dict[str, Any] = {
            "run": row.label,
            "zone": result.inputs["zone"],
            "year": row.year if site.year is None else site.year,
            "measured_energy": row.energy_kwh,
            "basis": row.basis,
        }
        for key in TOTAL_KEYS:
            q = result.results[key]
            unit = {"co2e": "kgCO2e", "co2e_market": "kgCO2e", "water": "L"}.get(key, "kWh")
            entry[key] = float(q.m_as(unit))
            out.units[key] = unit
        model = predicted_kwh(row)
        if model is not None:
            predicted, gpu_model, tdp_kwh = model
            entry["predicted_energy"] = predicted
            entry["measured_over_predicted"] = row.energy_kwh / predicted
            ratios.append(row.energy_kwh / predicted)
            gpu_measured = row.gpu_energy_kwh if row.basis == "it" else row.energy_kwh
            if gpu_measured is not None and tdp_kwh == tdp_kwh and tdp_kwh > 0:
                entry["implied_utilization"] = gpu_measured / tdp_kwh
                draws.append(gpu_measured / tdp_kwh)
                if row.basis == "it" and row.gpu_energy_kwh is not None:
                    hours = float(row.gpu_count or 0) * float(row.duration_h or 0)
                    host_w = (row.energy_kwh - row.gpu_energy_kwh) * 1000.0 / hours
                    entry["implied_host_power_w"] = host_w
                    hosts.append(host_w)
        if hourly:
            found = _hourly_co2e(row, _site_for(row, site), entry["it_energy"])
            if found is not None:
                entry["co2e_hourly"], entry["hourly_zone"] = found
        entry["notes"] = list(row.notes)
        out.rows.append(entry)
    out.units.update({"measured_energy": "kWh", "predicted_energy": "kWh"})
    out.totals = {k: sum(r[k] for r in out.rows) for k in TOTAL_KEYS}
    out.totals["measured_energy"] = sum(r["measured_energy"] for r in out.rows)
    if hourly:
        timed = [r for r in out.rows if "co2e_hourly" in r]
        out.totals["co2e_hourly"] = sum(r["co2e_hourly"] for r in timed)
        out.units["co2e_hourly"] = "kgCO2e"
        out.notes.append(
            f"hourly: {len(timed)} of {len(out.rows)} run(s) dated and in an hourly zone; "
            "co2e_hourly is their CO2e hour by hour (the others have the annual figure only)"
        )
    out.reconciliation = {
        "runs_modelled": len(ratios),
        "median_measured_over_predicted": statistics.median(ratios) if ratios else None,
        "median_implied_utilization": statistics.median(draws) if draws else None,
        "median_implied_host_power_w": statistics.median(hosts) if hosts else None,
    }
    if ratios:
        out.notes.append(
            f"reconciliation: over {len(ratios)} run(s) with hardware and hours, the meter "
            f"reads {statistics.median(ratios):.3g}x footprint's model (median); calibrate "
            "with --utilization and --host-power"
        )
    out.notes.append(
        f"{len(out.rows)} run(s) re-accounted, {len(out.rejects)} rejected; totals are the "
        "sums of the runs"
    )
    return out


def log_footprint(log: EnergyLog, site: Site | None = None, **kwargs: Any) -> Any:
    """The whole log as one :class:`~footprint.Footprint`: its runs' energy summed in one
    place, for a disclosure. The runs must share a basis and a place (the site's region,
    else the log's own); their accelerator and hours are kept when every run gives the
    same accelerator with its hours.

    Raises
    ------
    InputError
        When the runs differ in basis or place, or none can be read.
    """
    site = site or Site()
    rows = log.rows
    if not rows:
        raise InputError("energy log: no readable run to disclose")
    bases = {r.basis for r in rows}
    places = {(site.region or r.region, site.year or r.year) for r in rows}
    if len(bases) > 1:
        raise InputError(
            f"energy log: runs of different bases {sorted(bases)}; disclose them apart"
        )
    if len(places) > 1 or None in {p[0] for p in places}:
        raise InputError("energy log: runs in several places or none; give --region (and --year)")
    (region, year), basis = places.pop(), bases.pop()
    accelerators = {r.accelerator for r in rows}
    timed = (
        len(accelerators) == 1
        and None not in accelerators
        and all(r.gpu_count and r.duration_h for r in rows)
    )
    run = MeasuredRun(
        f"{sum(r.energy_kwh for r in rows)!r} kWh",
        basis=basis,
        accelerator=accelerators.pop() if timed else None,
        gpu_hours=f"{sum(float(r.gpu_count or 0) * float(r.duration_h or 0) for r in rows)!r} h"
        if timed
        else None,
        label=f"{log.format} log, {len(rows)} run(s)",
    )
    return estimate(run, replace(site, region=region, year=year), **kwargs)
