"""Exception types raised by footprint.

Every error a user can cause has its own type and a one-line message that names
what was wrong and what was expected. The CLI turns these into exit code 2.
"""

from __future__ import annotations

from collections.abc import Iterable
from difflib import get_close_matches


class FootprintError(Exception):
    """Base class of every error footprint raises on purpose."""


class DataError(FootprintError):
    """A curated dataset is missing or malformed."""


class InputError(FootprintError, ValueError):
    """An input value is invalid (negative, NaN, out of range, contradictory)."""


class UnitError(InputError):
    """A quantity has the wrong dimension or an unparseable unit."""


class UnknownNameError(InputError, LookupError):
    """A name (accelerator, zone, operator, model) is not in the catalogue."""

    def __init__(self, kind: str, name: str, choices: Iterable[str], hint: str = "") -> None:
        self.kind = kind
        self.name = name
        self.suggestions = suggest(name, choices)
        msg = f"unknown {kind} {name!r}"
        if self.suggestions:
            msg += "; did you mean " + ", ".join(repr(s) for s in self.suggestions) + "?"
        if hint:
            msg += f" ({hint})"
        super().__init__(msg)


class MissingDataError(InputError, LookupError):
    """A dataset has no value for the requested key (e.g. a zone without a year)."""


def suggest(name: str, choices: Iterable[str], n: int = 5) -> list[str]:
    """Close matches of ``name`` among ``choices`` (case-insensitive), best first."""
    pool = {str(c).lower(): str(c) for c in choices}
    lowered = str(name).lower()
    hits = [pool[m] for m in get_close_matches(lowered, list(pool), n=n, cutoff=0.6)]
    for key, original in pool.items():
        if len(hits) >= n:
            break
        if lowered and lowered in key and original not in hits:
            hits.append(original)
    return hits[:n]
