"""What an estimate would use in a region: every factor with value, source and licence."""

from __future__ import annotations

from typing import Any

from footprint.core import units
from footprint.data.loader import licence_of
from footprint.places.grid import all_zones
from footprint.places.regions import cloud_regions
from footprint.places.site import Site, site_factors

__all__ = ["explain_table"]


def explain_table(site: Site) -> tuple[Any, list[str]]:
    """The factors of ``site`` as a DataFrame, and the notes on their choice.

    Columns: ``factor``, ``value``, ``unit``, ``origin``, ``zone``, ``year``,
    ``dataset``, ``source``, ``licence``, ``note``. Where no electricity price is known,
    a ``price`` row without value says so.
    """
    import pandas as pd

    sf = site_factors(site)
    rows: list[dict[str, Any]] = []
    loc = sf.location
    if loc is not None:
        if loc.is_cloud:
            file, row_source = "cloud_regions.csv", cloud_regions()[loc.id].get("source", "")
        else:
            # countries and aggregates come from zones.csv; US states, balancing
            # authorities, provinces and bidding zones from zones_subnational.csv
            zone = all_zones()[loc.zone]
            national = zone.kind in ("country", "aggregate")
            file = "zones.csv" if national else "zones_subnational.csv"
            row_source = zone.source
        where = f"grid zone {loc.zone}"
        if loc.latitude is not None and loc.longitude is not None:
            where += f", {loc.latitude:.3f}, {loc.longitude:.3f}"
        rows.append(
            {
                "factor": "location",
                "value": loc.name,
                "unit": "",
                "origin": "dataset",
                "zone": sf.zone,
                "year": None,
                "dataset": file,
                "source": "; ".join(filter(None, [where, row_source])),
                "licence": licence_of(file)["licence"],
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
    if sf.price is None:
        # no cost without a price: said in every format, not only in the notes
        rows.append(
            {
                "factor": "price",
                "value": None,
                "unit": "",
                "origin": "",
                "zone": sf.zone,
                "year": None,
                "dataset": None,
                "source": "no open electricity price data for this zone; give --price",
                "licence": "",
                "note": "no cost is computed without a price",
            }
        )
    frame = pd.DataFrame(rows)
    frame["year"] = frame["year"].astype("Int64")
    return frame, list(sf.notes)
