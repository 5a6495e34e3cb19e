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
    "estimate": "footprint.engine",
    "Footprint": "footprint.engine",
    "GpuJob": "footprint.workloads",
    "Site": "footprint.site",
    "site_factors": "footprint.site",
    "Factor": "footprint.provenance",
    "Spread": "footprint.provenance",
    "Embodied": "footprint.embodied",
    "embodied_factors": "footprint.embodied",
    "embodied_per_accelerator_hour": "footprint.embodied",
    "Uncertainty": "footprint.uncertainty",
    "get_accelerator": "footprint.hardware",
    "list_accelerators": "footprint.hardware",
    "find_zone": "footprint.grid",
    "grid_intensity": "footprint.grid",
    "ewif": "footprint.water",
    "facility_factors": "footprint.facility",
    "FootprintError": "footprint.errors",
    "InputError": "footprint.errors",
    "UnitError": "footprint.errors",
    "UnknownNameError": "footprint.errors",
    "MissingDataError": "footprint.errors",
    "DataError": "footprint.errors",
    "Q_": "footprint.units",
    "ureg": "footprint.units",
    "InferenceWorkload": "footprint.inference",
    "estimate_inference": "footprint.inference",
    "compare_inference": "footprint.inference",
    "per_user_results": "footprint.inference",
    "energy_model_names": "footprint.inference",
    "get_preset": "footprint.inference",
    "list_presets": "footprint.inference",
    "LlmModel": "footprint.models",
    "get_model": "footprint.models",
    "list_models": "footprint.models",
    "custom_model": "footprint.models",
    "TrainingRun": "footprint.training",
    "training_flops": "footprint.training",
    "implied_mfu": "footprint.training",
    "accelerator_hours_from_flops": "footprint.training",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'footprint' has no attribute {name!r}")
    return getattr(importlib.import_module(module), name)


def __dir__() -> list[str]:
    return sorted(list(globals()) + __all__)
