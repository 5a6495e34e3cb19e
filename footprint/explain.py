"""What an estimate would use in a region: every factor with value, source and licence."""

from __future__ import annotations

from typing import Any

from footprint import units
from footprint.data import licence_of
from footprint.site import Site, site_factors

__all__ = ["explain_table"]


def explain_table(site: Site) -> tuple[Any, list[str]]:
    """The factors of ``site`` as a DataFrame, and the notes on their choice.

    Columns: ``factor``, ``value``, ``unit``, ``origin``, ``zone``, ``year``,
    ``dataset``, ``source``, ``licence``, ``note``.
    """
    import pandas as pd

    sf = site_factors(site)
    rows: list[dict[str, Any]] = []
    loc = sf.location
    if loc is not None:
        rows.append(
            {
                "factor": "location",
                "value": loc.name,
                "unit": "",
                "origin": "dataset",
                "zone": sf.zone,
                "year": None,
                "dataset": "cloud_regions.csv" if loc.is_cloud else "zones.csv",
                "source": f"grid zone {loc.zone}"
                + (f", {loc.latitude:.3f}, {loc.longitude:.3f}" if loc.latitude else ""),
                "licence": licence_of("cloud_regions.csv" if loc.is_cloud else "zones.csv")[
                    "licence"
                ],
                "note": "",
            }
        )
    for name, f in sf.as_dict().items():
        file = (f.dataset or "").split(":")[0].split(" x ")[0]
        licence = licence_of(file)["licence"] if file else ("user" if f.origin == "user" else "")
        rows.append(
            {
                "factor": name,
                "value": float(f.value.magnitude),
                "unit": units.format_unit(f.value.units),
                "origin": f.origin,
                "zone": f.zone,
                "year": f.year,
                "dataset": f.dataset,
                "source": f.source,
                "licence": licence,
                "note": f.note,
            }
        )
    frame = pd.DataFrame(rows)
    frame["year"] = frame["year"].astype("Int64")
    return frame, list(sf.notes)
