"""The rules of an accelerator job, written once, on columns.

A :class:`~footprint.workloads.jobs.GpuJob` and every row of a ``footprint batch`` log obey the
same rules; both call these functions, a job as a column of one row (the first broken rule
raises :class:`~footprint.core.errors.InputError`), batch over a chunk of rows (each broken
rule rejects its rows with the rule's reason code and message):

- accelerator-hours come from ``gpu_hours``, or from ``count`` x ``duration``, not both;
- a count is a whole number of accelerators in [1, :data:`MAX_COUNT`];
- utilization is a fraction of TDP in (0, 1];
- power and utilization are not both given;
- the draw is the power given, else TDP x utilization (default
  the measured average of the accelerator's server class); an accelerator without a TDP needs a
  power.

Each rule returns :class:`Violation` s: the rows that break it, a reason code and a message
template; ``{value}`` in a template is the row's value as the user wrote it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from footprint.core.errors import InputError

__all__ = [
    "MAX_COUNT",
    "Violation",
    "check_count",
    "check_hours_conflict",
    "check_hours_inputs",
    "check_power_inputs",
    "check_utilization",
    "draw",
    "raise_first",
]

#: Most accelerators one job may use. The largest clusters hold ~2e5 accelerators, so a
#: count above 1e7 is a data error (a job id, bytes or a sum in the count column); the
#: bound keeps counts exact in float64 and in the int64 count column.
MAX_COUNT = 10_000_000

CONFLICTING_HOURS = "give either gpu_hours or count and duration, not both"
MISSING_HOURS = "give gpu_hours, or both count and duration"
CONFLICTING_POWER = "give either power or utilization, not both"
NOT_WHOLE = "count: expected a whole number of accelerators, got {value}"
#: Shared by GpuJob (API and CLI), batch rows and the SQL plan; ``--power`` is the option
#: of ``estimate`` (and batch's default for rows without a power cell).
NO_TDP = "{value} has no TDP in the catalogue; give power (--power)"


@dataclass(frozen=True)
class Violation:
    """Rows that break a rule: ``mask``, reason ``code`` and message ``template``.

    ``unread`` marks a rule about values that could not be read at all (shown quoted).
    """

    mask: Any
    code: str
    template: str
    unread: bool = False

    def message(self, value: Any = None) -> str:
        """The message for a row whose value (as written) is ``value``."""
        return self.template.format(value=value)


def _found(mask: Any, code: str, template: str, unread: bool = False) -> list[Violation]:
    return [Violation(mask, code, template, unread)] if np.any(mask) else []


def check_count(count: Any, given: Any) -> tuple[Any, list[Violation]]:
    """Counts that are whole numbers in [1, :data:`MAX_COUNT`]; the others become NaN.

    ``count`` holds floats (NaN where unreadable), ``given`` whether a count was written.
    """
    count = np.asarray(count, dtype=float)
    with np.errstate(invalid="ignore"):
        unread = given & ~np.isfinite(count)
        negative = given & (count < 0)
        zero = given & (count == 0)
        fraction = given & np.isfinite(count) & (count > 0) & (count != np.floor(count))
        huge = given & np.isfinite(count) & (count > MAX_COUNT)
    found = [
        *_found(unread, "bad_count", NOT_WHOLE, unread=True),
        *_found(negative, "bad_count", "count must not be negative, got {value}"),
        *_found(zero, "bad_count", "count must be at least 1, got 0"),
        *_found(fraction & ~huge, "bad_count", NOT_WHOLE),
        *_found(
            huge,
            "count_out_of_range",
            f"count: {{value}} accelerators in one job is more than the {MAX_COUNT:,} "
            "footprint accepts (the largest clusters have ~200,000)",
        ),
    ]
    # from here on a count is NaN or a whole number in [1, MAX_COUNT]: safe to cast
    return np.where(unread | negative | zero | fraction | huge, np.nan, count), found


def check_utilization(utilization: Any, given: Any) -> tuple[Any, list[Violation]]:
    """Utilizations in (0, 1]; returns whether each row has a usable one."""
    util = np.asarray(utilization, dtype=float)
    with np.errstate(invalid="ignore"):
        out_of_range = given & ~((util > 0) & (util <= 1))
    found = _found(
        out_of_range,
        "bad_utilization",
        "utilization: expected a fraction of TDP in (0, 1], got {value}",
    )
    return given & ~out_of_range, found


def check_hours_inputs(gpu_hours: Any, count: Any, duration: Any) -> list[Violation]:
    """``gpu_hours``, or ``count`` and ``duration`` (masks of what each row gives)."""
    return [
        *check_hours_conflict(gpu_hours, count, duration),
        *_found(~gpu_hours & ~(count & duration), "missing_value", MISSING_HOURS),
    ]


def check_hours_conflict(gpu_hours: Any, count: Any, duration: Any) -> list[Violation]:
    """Not both ``gpu_hours`` and ``count``/``duration`` (batch words a missing input
    itself: a row may also time itself by start and end)."""
    return _found(gpu_hours & (count | duration), "conflicting_inputs", CONFLICTING_HOURS)


def check_power_inputs(power: Any, utilization: Any) -> list[Violation]:
    """Power and utilization are not both given (masks of what each row gives)."""
    return _found(power & utilization, "conflicting_inputs", CONFLICTING_POWER)


def draw(
    power_w: Any,
    power_given: Any,
    utilization: Any,
    utilization_given: Any,
    tdp_w: Any,
    default_utilization: Any,
) -> tuple[Any, Any, Any]:
    """Average draw per accelerator [W]: the power given, else TDP x utilization.

    Returns ``(power_w, utilization used or NaN, rows with no TDP to derive a draw)``.
    """
    derive = ~np.asarray(power_given, dtype=bool)
    util = np.where(utilization_given, utilization, default_utilization)
    with np.errstate(invalid="ignore"):
        power = np.where(derive, tdp_w * util, power_w)
    no_tdp = derive & np.isnan(np.asarray(tdp_w, dtype=float))
    return power, np.where(derive, util, np.nan), no_tdp


def raise_first(violations: list[Violation], value: Any = None) -> None:
    """Raise the first violation as an :class:`InputError` (a job is a column of one row)."""
    if violations:
        raise InputError(violations[0].message(value))
