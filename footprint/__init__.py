"""footprint: electricity, CO2e, water and cost of AI compute, unit-checked and sourced.

Quick start::

    import footprint as fp
    r = fp.estimate(fp.GpuJob("H100-SXM", gpu_hours="39.3e6 h"), region="US", year=2023)
    r.co2e.to("tCO2e"); r.water.to("m^3"); r.to_frame()

Names are resolved lazily so that ``import footprint`` (and ``footprint --help``)
stays fast: nothing is read and no unit registry is built until first use.
"""

from __future__ import annotations

import importlib
from typing import Any

__version__ = "0.1.0"

#: Public name -> module that defines it.
_EXPORTS = {
    "estimate": "footprint.analyses.estimate",
    "Footprint": "footprint.analyses.estimate",
    "GpuJob": "footprint.workloads.jobs",
    "MeasuredRun": "footprint.workloads.measured",
    "InstalledFleet": "footprint.workloads.installed",
    "fleet_footprint": "footprint.analyses.installed",
    "get_server": "footprint.catalogues.servers",
    "list_servers": "footprint.catalogues.servers",
    "closest_countries": "footprint.places.country_energy",
    "Site": "footprint.places.site",
    "site_factors": "footprint.places.site",
    "read_water_scarcity": "footprint.places.scarcity",
    "Factor": "footprint.core.provenance",
    "Spread": "footprint.core.provenance",
    "Embodied": "footprint.catalogues.embodied",
    "ComputeCost": "footprint.catalogues.compute_cost",
    "embodied_factors": "footprint.catalogues.embodied",
    "embodied_per_accelerator_hour": "footprint.catalogues.embodied",
    "Uncertainty": "footprint.analyses.uncertainty",
    "get_accelerator": "footprint.catalogues.hardware",
    "list_accelerators": "footprint.catalogues.hardware",
    "find_zone": "footprint.places.grid",
    "grid_intensity": "footprint.places.grid",
    "ewif": "footprint.places.water",
    "facility_factors": "footprint.places.facility",
    "FootprintError": "footprint.core.errors",
    "InputError": "footprint.core.errors",
    "UnitError": "footprint.core.errors",
    "UnknownNameError": "footprint.core.errors",
    "MissingDataError": "footprint.core.errors",
    "DataError": "footprint.core.errors",
    "Q_": "footprint.core.units",
    "ureg": "footprint.core.units",
    "InferenceWorkload": "footprint.workloads.inference",
    "estimate_inference": "footprint.analyses.inference",
    "compare_inference": "footprint.analyses.inference",
    "per_user_results": "footprint.analyses.inference",
    "energy_model_names": "footprint.workloads.inference",
    "get_preset": "footprint.workloads.inference",
    "list_presets": "footprint.workloads.inference",
    "LlmModel": "footprint.catalogues.models",
    "get_model": "footprint.catalogues.models",
    "list_models": "footprint.catalogues.models",
    "custom_model": "footprint.catalogues.models",
    "TrainingRun": "footprint.workloads.training",
    "training_flops": "footprint.workloads.training",
    "implied_mfu": "footprint.workloads.training",
    "accelerator_hours_from_flops": "footprint.workloads.training",
    "decompose_change": "footprint.analyses.change",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'footprint' has no attribute {name!r}")
    return getattr(importlib.import_module(module), name)


def __dir__() -> list[str]:
    return sorted(list(globals()) + __all__)
