"""The accelerator catalogue: TDP, memory, bandwidth and peak FLOP/s of GPUs and TPUs.

Data: ``datasets/accelerators.csv`` (see ``datasets/SOURCES.md``), one row per
accelerator with a source on every row. Names match case-insensitively and
ignore spaces, hyphens and underscores, so ``h100 sxm`` finds ``H100-SXM``.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Any, TypeVar

from footprint.core import units
from footprint.core.errors import InputError, MissingDataError, UnknownNameError
from footprint.data import loader as data
from footprint.data.loader import name_index, optional_float, read_records

__all__ = [
    "ACTIVITIES",
    "DERIVED_POWER",
    "Accelerator",
    "Bounded",
    "ServerClass",
    "check_activity",
    "get_accelerator",
    "list_accelerators",
    "normalise_name",
    "server_class",
    "tdp_note",
]

TABLE = "accelerators"


@dataclass(frozen=True)
class Accelerator:
    """One accelerator of the catalogue; quantities carry units.

    ``tdp_basis`` is empty when ``tdp`` is the source's figure; for a chip whose maker
    publishes no power it says how ``tdp`` was derived, and ``tdp_low``-``tdp_high`` is
    the derivation's range (see :func:`tdp_note`).
    """

    name: str
    vendor: str
    family: str
    form_factor: str
    tdp: Any
    memory: Any
    memory_bandwidth: Any
    peak_bf16: Any
    peak_fp8: Any
    peak_fp32: Any
    release_year: int | None
    die_area_mm2: float | None
    process_nm: float | None
    aliases: tuple[str, ...]
    source: str
    source_url: str
    notes: str
    tdp_low: Any = None
    tdp_high: Any = None
    tdp_basis: str = ""

    @classmethod
    def from_record(cls, row: dict[str, str]) -> Accelerator:
        Q_ = units.Q_

        def q(col: str, unit: str) -> Any:
            value = optional_float(row.get(col, ""))
            return None if value is None else Q_(value, _unit(unit))

        year = optional_float(row.get("release_year", ""))
        return cls(
            name=row["name"],
            vendor=row.get("vendor", ""),
            family=row.get("family", ""),
            form_factor=row.get("form_factor", ""),
            tdp=q("tdp_w", "W"),
            memory=q("memory_gb", "GB"),
            memory_bandwidth=q("memory_bandwidth_gb_per_s", "GB/s"),
            peak_bf16=q("peak_bf16_dense_tflop_per_s", "TFLOP/s"),
            peak_fp8=q("peak_fp8_dense_tflop_per_s", "TFLOP/s"),
            peak_fp32=q("peak_fp32_tflop_per_s", "TFLOP/s"),
            release_year=None if year is None else int(year),
            die_area_mm2=optional_float(row.get("die_area_mm2", "")),
            process_nm=optional_float(row.get("process_nm", "")),
            aliases=tuple(a.strip() for a in row.get("aliases", "").split(";") if a.strip()),
            source=row.get("source", ""),
            source_url=row.get("source_url", ""),
            notes=row.get("notes", ""),
            tdp_low=q("tdp_low_w", "W"),
            tdp_high=q("tdp_high_w", "W"),
            tdp_basis=row.get("tdp_basis", "").strip(),
        )

    @property
    def tdp_range_w(self) -> tuple[float, float] | None:
        """(low, high) of a derived TDP [W], else ``None`` (the TDP is the source's)."""
        if not self.tdp_basis or self.tdp_low is None or self.tdp_high is None:
            return None
        return float(self.tdp_low.m_as("W")), float(self.tdp_high.m_as("W"))


#: How every note on a derived TDP starts (renderers look for it).
DERIVED_POWER = "power derived, not published"


def tdp_note(acc: Accelerator) -> str | None:
    """The note every result drawn from ``acc``'s derived TDP carries, else ``None``.

    "power derived, not published: TPU-v5p TDP 305 W (range 284-326 W) from ...".
    """
    bounds = acc.tdp_range_w
    if acc.tdp is None or bounds is None:
        return None
    return (
        f"{DERIVED_POWER}: {acc.name} TDP {float(acc.tdp.m_as('W')):.0f} W "
        f"(range {bounds[0]:.0f}-{bounds[1]:.0f} W) from {acc.tdp_basis}"
    )


@cache
def _unit(text: str) -> Any:
    """The registry's unit ``text`` (pint parses a prefixed or compound unit string anew
    for every quantity made from it: about 30 us each, 288 times for the catalogue)."""
    return units.get_registry().Unit(text)


def normalise_name(name: Any, what: str = "name") -> str:
    """Key used to match names and aliases (:func:`footprint.data.loader.normalise_name`).

    Raises
    ------
    InputError
        When ``name`` is not a string (``None``, a number, a list...).
    """
    if not isinstance(name, str):
        raise InputError(f"{what}: expected a name, got {name!r}"[:200])
    return data.normalise_name(name)


@cache
def _index() -> tuple[dict[str, Accelerator], dict[str, str]]:
    by_name = {acc.name: acc for acc in map(Accelerator.from_record, read_records(TABLE))}
    return by_name, name_index(TABLE, ((a.name, a.aliases) for a in by_name.values()))


T = TypeVar("T")


def find_named(
    name: Any, what: str, example: str, hint: str, index: tuple[dict[str, T], dict[str, str]]
) -> T:
    """The entry of a catalogue ``index`` (entries by name, normalised labels -> name)
    called ``name``: one line for a name that is not a string, close matches otherwise.

    Shared by every named catalogue (accelerators, servers): ``what`` names the kind,
    ``example`` a valid name, ``hint`` where the list is.
    """
    if not isinstance(name, str) or not name.strip():
        raise InputError(
            f"{what}: expected {'an' if what[0] in 'aeiou' else 'a'} {what} name such as "
            f"{example} ({hint}), got {name!r}"[:200]
        )
    by_name, keys = index
    hit = keys.get(normalise_name(name, what))
    if hit is None:
        choices = [label for e in by_name.values() for label in (e.name, *e.aliases)]  # type: ignore[attr-defined]
        raise UnknownNameError(what, name, choices, hint=f"{hint.strip('()')}")
    return by_name[hit]


def get_accelerator(name: str) -> Accelerator:
    """The accelerator called ``name`` (canonical name or alias).

    Raises
    ------
    InputError
        When ``name`` is not a non-empty string.
    UnknownNameError
        With close matches among names and aliases.
    """
    return find_named(
        name, "accelerator", "H100-SXM", "`footprint accelerators` lists them", _index()
    )


def list_accelerators(search: str | None = None) -> list[Accelerator]:
    """All accelerators, or those whose name, alias, vendor or family contain ``search``."""
    accs = list(_index()[0].values())
    if not search:
        return accs
    needle = normalise_name(search)
    return [
        a
        for a in accs
        if any(needle in normalise_name(s) for s in (a.name, a.vendor, a.family, *a.aliases))
    ]


#: What an accelerator is doing: its average draw differs (``server_classes.csv``).
ACTIVITIES = ("training", "serving")

SERVER_TABLE = "server_classes"


@dataclass(frozen=True)
class Bounded:
    """A central value with its low and high bounds (same unit), and its source."""

    value: float
    low: float
    high: float
    source: str


@dataclass(frozen=True)
class ServerClass:
    """The server an accelerator sits in: its draw while busy and its host share.

    Rows of ``datasets/server_classes.csv``: the average draw of the accelerator as a
    fraction of TDP while training and while serving, and the host (CPUs, memory,
    network, fans) share per accelerator [W], each with bounds and a derivation.
    """

    name: str
    form_factors: tuple[str, ...]
    reference_system: str
    fractions: dict[str, Bounded]
    host_w: Bounded
    derivation: str

    @classmethod
    def from_record(cls, row: dict[str, str]) -> ServerClass:
        source = row["source"] + (f" <{row['source_url']}>" if row.get("source_url") else "")

        def bounded(prefix: str, suffix: str = "") -> Bounded:
            return Bounded(
                float(row[f"{prefix}{suffix}"]),
                float(row[f"{prefix}_low{suffix}"] if suffix else row[f"{prefix}_low"]),
                float(row[f"{prefix}_high{suffix}"] if suffix else row[f"{prefix}_high"]),
                source,
            )

        return cls(
            name=row["server_class"],
            form_factors=tuple(f.strip() for f in row["form_factors"].split(";")),
            reference_system=row["reference_system"],
            fractions={a: bounded(f"{a}_tdp_fraction") for a in ACTIVITIES},
            host_w=Bounded(
                float(row["host_w_per_accelerator"]),
                float(row["host_low_w_per_accelerator"]),
                float(row["host_high_w_per_accelerator"]),
                source,
            ),
            derivation=row["derivation"],
        )


@cache
def _server_classes() -> dict[str, ServerClass]:
    by_form: dict[str, ServerClass] = {}
    for server in map(ServerClass.from_record, read_records(SERVER_TABLE)):
        for form in server.form_factors:
            by_form[form] = server
    return by_form


def server_class(acc: Accelerator) -> ServerClass:
    """The server class of ``acc`` (by its form factor).

    Raises
    ------
    MissingDataError
        When no class lists the accelerator's form factor (a catalogue error).
    """
    hit = _server_classes().get(acc.form_factor)
    if hit is None:
        raise MissingDataError(
            f"{acc.name}: no server class lists form factor {acc.form_factor!r} "
            f"({SERVER_TABLE}.csv); give power and host_power"
        )
    return hit


def check_activity(activity: str) -> str:
    """``activity`` if it is one of :data:`ACTIVITIES`."""
    if activity not in ACTIVITIES:
        raise UnknownNameError("activity", str(activity)[:60], list(ACTIVITIES))
    return activity


def accelerator_table(search: str | None = None) -> Any:
    """The catalogue (or the matches of ``search``) as a DataFrame with unit-suffixed columns."""
    import pandas as pd

    def m(q: Any, unit: str) -> float | None:
        return None if q is None else round(float(q.m_as(unit)), 6)

    rows = [
        {
            "name": a.name,
            "vendor": a.vendor,
            "tdp_w": m(a.tdp, "W"),
            "tdp_basis": (
                f"derived, {a.tdp_range_w[0]:.0f}-{a.tdp_range_w[1]:.0f} W"
                if a.tdp_range_w
                else "sourced"
            ),
            "tdp_derivation": tdp_note(a) or "",
            "memory_gb": m(a.memory, "GB"),
            "memory_bandwidth_gb_per_s": m(a.memory_bandwidth, "GB/s"),
            "peak_bf16_dense_tflop_per_s": m(a.peak_bf16, "TFLOP/s"),
            "release_year": a.release_year,
            "aliases": "; ".join(a.aliases),
            "source": a.source,
        }
        for a in list_accelerators(search)
    ]
    return pd.DataFrame(rows)
