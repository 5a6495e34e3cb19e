"""JSON output: strict (no NaN or infinity), indented UTF-8, canonical units.

A result is its :meth:`~footprint.engine.result.Footprint.to_dict` contract; a listing
is a list of records.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from footprint.render import rows
from footprint.render.finite import NonFiniteError, check_finite

if TYPE_CHECKING:  # pragma: no cover
    from footprint.analyses.estimate import Footprint

__all__ = ["frame_json", "result_json", "to_json"]


def to_json(data: Any) -> str:
    """``data`` as indented JSON (UTF-8 text, no ``\\u`` escapes), strictly: NaN or
    infinity anywhere raises :class:`NonFiniteError` naming the field (JSON has neither;
    strict parsers reject Python's ``NaN``)."""
    check_finite(data)
    try:
        return json.dumps(data, indent=2, ensure_ascii=False, allow_nan=False)
    except ValueError as exc:  # a non-finite number the walk did not recognise
        raise NonFiniteError(f"JSON output: {exc}") from None


def result_json(fp: Footprint, breakdown: bool = False) -> str:
    """``fp`` as JSON; ``breakdown`` adds a ``breakdown`` object (kgCO2e and share a part)."""
    data = fp.to_dict()
    if breakdown:
        data["breakdown"] = {
            part: {"value": float(q.m_as("kgCO2e")), "unit": "kgCO2e", "share": share}
            for part, q, share in rows.breakdown_parts(fp)
        }
    return to_json(data)


def frame_json(df: Any) -> str:
    """A listing as a JSON list of records (a missing value is null)."""
    return to_json(json.loads(df.to_json(orient="records")))
