"""The one guard of every format against NaN and infinity: footprint prints neither.

JSON has no NaN or infinity (strict parsers reject Python's ``NaN``), and a table that
reads ``inf kWh`` hides an input too large or too small; so a non-finite result is an
error, :class:`NonFiniteError`, that names where it is.
"""

from __future__ import annotations

import math
from numbers import Real
from typing import Any

from footprint.core.errors import InputError

__all__ = ["NonFiniteError", "check_finite", "check_frame_finite", "non_finite_error"]


class NonFiniteError(InputError):
    """A result to print is NaN or infinite (an input too large or too small)."""


def _non_finite(data: Any, path: str = "") -> tuple[str, Any] | None:
    """The first (key path, value) of ``data`` that is a NaN or infinite number, if any."""
    if data is None or isinstance(data, (bool, int, str)):
        return None
    if isinstance(data, Real):
        return None if math.isfinite(float(data)) else (path or "value", data)
    if hasattr(data, "magnitude") and hasattr(data, "units"):  # a pint Quantity
        return _non_finite(data.magnitude, path)
    if isinstance(data, dict):
        for key, value in data.items():
            hit = _non_finite(value, f"{path}.{key}" if path else str(key))
            if hit:
                return hit
        return None
    if isinstance(data, (list, tuple)):
        for i, value in enumerate(data):
            hit = _non_finite(value, f"{path}[{i}]")
            if hit:
                return hit
        return None
    try:  # numpy arrays and other iterables of numbers
        import numpy as np

        values = np.asarray(data, dtype=float)
    except (TypeError, ValueError):
        return None
    if values.size and not np.isfinite(values).all():
        index = int(np.flatnonzero(~np.isfinite(values.ravel()))[0])
        return f"{path}[{index}]", values.ravel()[index]
    return None


def non_finite_error(where: str, value: Any) -> NonFiniteError:
    """The error for ``value`` (NaN or infinite) found at ``where`` (a key path, a column)."""
    return NonFiniteError(
        f"{where}: the result is {value} (not a finite number); footprint prints no NaN or "
        "infinity - check the inputs for values too large or too small"
    )


def check_finite(data: Any, what: str = "") -> None:
    """Raise :class:`NonFiniteError`, naming the key path, if ``data`` holds NaN or infinity.

    ``data`` is a JSON-like structure (dicts, lists, numbers, strings); ``what`` prefixes
    the key path in the message.
    """
    hit = _non_finite(data)
    if hit is not None:
        where, value = hit
        raise non_finite_error(f"{what}.{where}" if what else where, value)


def check_frame_finite(df: Any) -> None:
    """Raise :class:`NonFiniteError` naming the column if a cell of ``df`` is infinite.

    NaN is a missing value in a listing (no WUE for a region...): shown empty, JSON null.
    """
    import numpy as np

    for col in df.columns:
        values = df[col]
        if values.dtype.kind in "fc":
            bad = np.isinf(np.asarray(values, dtype=complex if values.dtype.kind == "c" else float))
        elif values.dtype == object:
            bad = np.array(
                [isinstance(v, Real) and not isinstance(v, bool) and math.isinf(v) for v in values],
                dtype=bool,
            )
        else:
            continue
        if bad.any():
            row = int(np.flatnonzero(bad)[0])
            raise non_finite_error(f"{col} (row {row + 1})", values.iloc[row])
