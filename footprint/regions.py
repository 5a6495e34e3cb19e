"""Listing regions with their latest factors (``footprint regions``)."""

from __future__ import annotations

from typing import Any

from footprint.errors import MissingDataError
from footprint.grid import all_zones, grid_intensity, intensity_years
from footprint.hardware import normalise_name
from footprint.water import ewif, mix_years

__all__ = ["zone_table"]


def zone_table(search: str | None = None, kind: str | None = None) -> Any:
    """Zones with their newest grid intensity and EWIF, as a DataFrame.

    Parameters
    ----------
    search : str, optional
        Substring of code, name or alias (case-insensitive).
    kind : str, optional
        Only zones of this kind (``country``, ``aggregate``...).
    """
    import pandas as pd

    needle = normalise_name(search) if search else ""
    rows = []
    for zone in all_zones().values():
        if kind and zone.kind != kind:
            continue
        labels = (zone.code, zone.name, zone.iso3, *zone.aliases)
        if needle and not any(needle in normalise_name(x) for x in labels if x):
            continue
        row: dict[str, Any] = {"zone": zone.code, "name": zone.name, "kind": zone.kind}
        years = intensity_years(zone.code)
        if years:
            f = grid_intensity(zone.code, years[-1])
            row.update({"year": years[-1], "intensity_g_per_kwh": round(f.value.m, 1)})
        else:
            row.update({"year": None, "intensity_g_per_kwh": None})
        try:
            mix = mix_years(zone.code)
            w = ewif(zone.code, mix[-1]) if mix else None
        except MissingDataError:
            w = None
        row["ewif_l_per_kwh"] = None if w is None else round(w.value.m, 3)
        row["ewif_year"] = None if w is None else w.year
        rows.append(row)
    return pd.DataFrame(rows)
