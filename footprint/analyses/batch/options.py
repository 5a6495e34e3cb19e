"""Options of a batch run: the input and result columns, limits, reason codes,
the cluster configuration (:func:`read_config`) and :class:`BatchOptions`."""

from __future__ import annotations

import numbers
import os
import re
import reprlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from footprint.catalogues.hardware import get_accelerator
from footprint.core.errors import InputError, UnknownNameError
from footprint.core.files import read_text

#: Canonical input columns and what they hold (the command's help shows these).
INPUT_COLUMNS: dict[str, str] = {
    "job_id": "identifier of the job (required)",
    "accelerator": "accelerator name or alias (`footprint accelerators`)",
    "count": "number of accelerators, a whole number >= 1",
    "start": "ISO 8601 start time; no offset means UTC",
    "end": "ISO 8601 end time",
    "duration": "wall-clock time: '3 days', '90 min'; bare numbers are hours",
    "gpu_hours": "accelerator-hours in total (instead of count and duration)",
    "region": "zone or region, as `footprint estimate --region` takes",
    "year": "data year; default: the year of start",
    "operator": "data-centre operator for PUE/WUE defaults",
    "power": "average draw per accelerator, e.g. '700 W'",
    "utilization": "average draw as a fraction of TDP, e.g. 0.8 or 80%",
    "host_power": "host share per accelerator, e.g. '150 W'",
    "energy": "measured IT energy of the job (servers, host included), e.g. '12 kWh'; bare "
    "numbers are kWh; replaces power x hours (no host share is added)",
    "user": "carried through (group by it)",
    "project": "carried through (group by it)",
    "partition": "carried through; with a cluster config, gives accelerator and region",
    "tags": "carried through; ';'-separated, `--group-by tag` counts each tag",
}

#: sacct field (as printed by ``sacct --parsable2 --format=...``) -> what it gives.
SACCT_FIELDS: dict[str, str] = {
    "JobID": "job_id",
    "User": "user",
    "Account": "project",
    "Partition": "partition",
    "Start": "start",
    "End": "end",
    "Elapsed": "elapsed",
    "ElapsedRaw": "elapsed_raw",
    "AllocTRES": "alloc_tres",
    "AllocGRES": "alloc_gres",
}

#: Result columns of each job and the key of the same quantity in ``estimate``'s results.
QUANTITIES: dict[str, str] = {
    "accelerator_hours_h": "accelerator_hours",
    "it_energy_kwh": "it_energy",
    "facility_energy_kwh": "facility_energy",
    "co2e_kg": "co2e",
    "co2e_market_kg": "co2e_market",
    "embodied_co2e_kg": "embodied_co2e",
    "total_co2e_kg": "total_co2e",
    "water_l": "water",
    "water_onsite_l": "water_onsite",
    "water_offsite_l": "water_offsite",
}
#: Quantities of each job summed in summaries (the embodied ones when counted).
SUM_COLUMNS = tuple(QUANTITIES)
#: Columns of the embodied CO2e (summed only when embodied emissions are counted).
EMBODIED_COLUMNS = ("embodied_co2e_kg", "total_co2e_kg")
#: Unit shown for each summed column (by its suffix).
UNITS = {
    col: {"h": "h", "kwh": "kWh", "kg": "kgCO2e", "l": "L"}[col.rsplit("_", 1)[1]]
    for col in (*QUANTITIES, "co2e_annual_kg")
}

#: Output columns of the per-job results, in order (carried-through columns follow).
RESULT_COLUMNS = (
    "row",
    "job_id",
    "accelerator",
    "count",
    "start",
    "end",
    "duration_h",
    "region",
    "zone",
    "year",
    "operator",
    "power_w",
    "utilization",
    "host_power_w",
    *SUM_COLUMNS,
    "cost",
    "currency",
    "pue",
    "wue_l_per_kwh",
    "ewif_l_per_kwh",
    "intensity_g_per_kwh",
    "cfe_share",
    "price_per_kwh",
    "embodied_g_per_h",
    "intensity_year",
    "ewif_year",
    "facility_year",
)
#: Columns carried through to the results unchanged (besides any unknown ones).
CARRIED = ("user", "project", "partition", "tags")

#: Reason codes of rejected rows.
REASON_CODES: dict[str, str] = {
    "malformed_line": "a line with the wrong number of fields",
    "missing_value": "a required cell is empty",
    "unknown_accelerator": "accelerator not in the catalogue",
    "unknown_partition": "partition not in the cluster config",
    "unknown_region": "region not known",
    "unknown_operator": "operator not known",
    "bad_count": "count not a whole number >= 1",
    "no_gpu": "no accelerator allocated (sacct AllocTRES without gres/gpu)",
    "no_accelerator": "billing row without an accelerator: another service or a CPU instance",
    "not_usage": "billing row of an accelerator instance that is not usage (a fee, tax, credit, "
    "savings-plan negation, unused reservation, licence or commitment)",
    "unknown_instance": "accelerator instance type or GPU SKU not in cloud_instances.csv",
    "bad_timestamp": "start or end not an ISO 8601 time",
    "not_finished": "job still running (sacct End=Unknown)",
    "never_started": "job never started (sacct Start=None/Unknown)",
    "end_before_start": "end earlier than start",
    "bad_duration": "duration not a non-negative time",
    "duration_mismatch": "duration disagrees with end - start by more than 1 s",
    "conflicting_inputs": "two inputs that exclude each other",
    "bad_power": "power or host_power not a non-negative power",
    "bad_energy": "energy not a positive energy",
    "bad_utilization": "utilization not in (0, 1]",
    "bad_year": "year not a calendar year in 1990-2100",
    "missing_data": "no data for the region, year or operator",
    "job_step": "sacct job step: its allocation row counts it",
    "count_out_of_range": "count above 10,000,000 accelerators in one job",
    "non_finite_result": "a result overflows (infinite or not a number): an input is far too large",
    "result_out_of_range": "a result above 1e100 in its unit: an input is far too large",
}

_CHUNK = 250_000
#: Longest header line read (a header of thousands of columns is far shorter).
MAX_HEADER_CHARS = 1 << 20
#: Largest cluster config read (a config is a few kB; this bounds a wrong file).
_MAX_CONFIG_BYTES = 16 * 2**20
#: Upper bound of rows per chunk: keeps the exact sums of Summary within float64 integers.
MAX_CHUNK = 1 << 25
#: Largest disagreement [s] allowed between duration and end - start.
DURATION_TOLERANCE_S = 1.0
#: A decimal number (regular expression).
NUM = r"[-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?"
#: The only form a quantity cell may take: a number and an optional unit made of letters
#: (no operators, parentheses or powers: a cell is never evaluated as an expression).
NUM_UNIT = re.compile(rf"^\s*({NUM})\s*([A-Za-zµ_][A-Za-zµ_ ]*?)\s*$")
#: Longest unit name read from a cell (the longest real ones are ~20 letters).
MAX_UNIT_CHARS = 40
#: Largest magnitude of a per-job result in its unit (kWh, kgCO2e, L, h, currency).
#: Far above anything physical (the Sun's whole lifetime output is ~3e37 kWh) and far
#: below float64's 1.8e308, so that totals over any feasible number of rows stay finite.
MAX_RESULT = 1e100
#: Longest wall-clock span accounted hour by hour (longer jobs keep the annual factors).
MAX_HOURLY_SPAN_H = 10 * 8784.0


# --------------------------------------------------------------------------- options


@dataclass(frozen=True)
class PartitionSpec:
    """What a Slurm partition (or the config's ``[defaults]``) says about its jobs."""

    accelerator: str | None = None
    region: str | None = None
    operator: str | None = None


@dataclass(frozen=True)
class ClusterConfig:
    """Cluster config (TOML): partitions -> accelerator/region/operator, GRES types, columns.

    Example::

        [defaults]            # jobs of partitions not listed below
        region = "FR"

        [partitions.gpu_a100]
        accelerator = "A100-80GB"
        region = "FR"
        operator = "industry-average"

        [gres]                # typed GPUs in AllocTRES: gres/gpu:h100=4
        h100 = "H100-SXM"

        [columns]             # canonical name = column of the input
        count = "n_gpus"
    """

    partitions: dict[str, PartitionSpec] = field(default_factory=dict)
    gres: dict[str, str] = field(default_factory=dict)
    defaults: PartitionSpec = PartitionSpec()
    columns: dict[str, str] = field(default_factory=dict)
    path: str = ""


def read_config(path: str | os.PathLike[str]) -> ClusterConfig:
    """Read and check a cluster config (TOML, see :class:`ClusterConfig`).

    Accelerator names are checked against the catalogue now, so that a typo is
    one clear error rather than a million rejected rows.

    Raises
    ------
    InputError
        Unreadable file, unknown table or key, wrong value type, unknown accelerator.
    """
    import tomllib

    p = Path(path)
    text_doc = read_text(p, f"config {p}", max_bytes=_MAX_CONFIG_BYTES)
    try:
        doc = tomllib.loads(text_doc)
    except tomllib.TOMLDecodeError as exc:
        first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise InputError(f"config {p}: not valid TOML ({first})") from None
    except RecursionError:
        raise InputError(f"config {p}: not valid TOML (nested too deeply)") from None
    unknown = set(doc) - {"defaults", "partitions", "gres", "columns"}
    if unknown:
        raise InputError(
            f"config {p}: unknown table(s) {sorted(unknown)}; "
            "expected [defaults], [partitions.NAME], [gres], [columns]"
        )

    def text(value: Any, where: str) -> str:
        if not isinstance(value, str) or not value.strip():
            shown = reprlib.repr(value)
            raise InputError(f"config {p}: {where}: expected a non-empty string, got {shown}")
        return value.strip()

    def section(key: str) -> dict[str, Any]:
        value = doc.get(key, {})
        if not isinstance(value, dict):
            raise InputError(
                f"config {p}: {key} must be a table [{key}], got {type(value).__name__}"
            )
        return value

    def spec(table: Any, where: str) -> PartitionSpec:
        if not isinstance(table, dict):
            raise InputError(f"config {p}: {where}: expected a table, got {type(table).__name__}")
        bad = set(table) - {"accelerator", "region", "operator"}
        if bad:
            raise InputError(
                f"config {p}: {where}: unknown key(s) {sorted(bad)}; "
                "expected accelerator, region, operator"
            )
        values = {k: text(v, f"{where}.{k}") for k, v in table.items()}
        if "accelerator" in values:
            try:
                values["accelerator"] = get_accelerator(values["accelerator"]).name
            except UnknownNameError as exc:
                raise InputError(f"config {p}: {where}.accelerator: {exc}") from None
        return PartitionSpec(**values)

    partitions_doc = section("partitions")
    partitions = {
        str(name): spec(value, f"partitions.{name}") for name, value in partitions_doc.items()
    }
    gres: dict[str, str] = {}
    for name, value in section("gres").items():
        try:
            gres[str(name).lower()] = get_accelerator(text(value, f"gres.{name}")).name
        except UnknownNameError as exc:
            raise InputError(f"config {p}: gres.{name}: {exc}") from None
    columns = {canon_name(str(k)): text(v, f"columns.{k}") for k, v in section("columns").items()}
    defaults = spec(section("defaults"), "defaults")
    return ClusterConfig(partitions, gres, defaults, columns, str(p))


@dataclass(frozen=True)
class BatchOptions:
    """How to read a job log and which defaults and overrides apply.

    Parameters
    ----------
    input_format : {"csv", "parquet", "sacct"}, optional
        Detected from the file when not given (a ``|``-separated header with
        ``JobID`` is sacct).
    delimiter : str, optional
        Field separator of CSV input; detected from the header when not given.
    columns : mapping, optional
        Canonical column name -> column of the input (``{"count": "n_gpus"}``).
    config : ClusterConfig, optional
        Partition -> accelerator/region/operator, GRES types, column names.
    accelerator, region, operator : str, optional
        Defaults for rows that give none (after the row's partition).
    year : int, optional
        Data year for rows without a ``year`` cell (default: the year of ``start``).
    power, host_power : Quantity, str or float, optional
        Defaults per accelerator [W] for rows that give none.
    utilization : float, optional
        Default fraction of TDP, in (0, 1].
    pue, wue, ewif, intensity, cfe, price : optional
        Site factors replacing the defaults for every row (as ``estimate``).
    consumer : {"non-household", "household"}
        Price band of the price dataset.
    hydro : {"include", "exclude"}
        Hydropower evaporation in the EWIF.
    facility : str, optional
        Facility class for rows without an operator (as :class:`footprint.Site`); by
        default large jobs take ``hyperscale``, the others the industry average.
    boundary : str, optional
        What the energy includes (as :class:`footprint.Site`): accelerators,
        accelerators+facility, servers or facility (default).
    strict_year : bool
        Reject rows whose data year is missing instead of using the nearest year.
    embodied : bool or footprint.catalogues.embodied.Embodied
        Count embodied (manufacturing) emissions as ``estimate`` does (default),
        with an ``Embodied`` replacing some defaults, or not (``False``).
    hourly : bool
        Account CO2e and off-site water hour by hour where the region has hourly
        grid data (:mod:`footprint.analyses.hourly`), as ``account_hourly`` does for one
        job; other rows keep the annual factors (column ``intensity_basis``).
    group_by : tuple of str
        Columns of the results to group the summary by; ``month`` (of start) and
        ``tag`` (each ';'-separated tag of ``tags``) are derived.
    chunk_size : int
        Rows per chunk (memory is bounded by the chunk, not the file).
    billing : {"aws", "gcp", "azure"}, optional
        Read the input as that provider's billing export (AWS CUR / Data Exports,
        Google Cloud billing export, Azure cost export): each usage row of an
        accelerator instance becomes a job (:mod:`footprint.analyses.batch.billing`).
        Detected from the header when not given.
    """

    input_format: str | None = None
    delimiter: str | None = None
    columns: Mapping[str, str] = field(default_factory=dict)
    config: ClusterConfig | None = None
    accelerator: str | None = None
    region: str | None = None
    operator: str | None = None
    facility: str | None = None
    year: int | None = None
    power: Any = None
    utilization: float | None = None
    host_power: Any = None
    pue: Any = None
    wue: Any = None
    ewif: Any = None
    intensity: Any = None
    cfe: float | None = None
    price: Any = None
    consumer: str = "non-household"
    hydro: str = "include"
    strict_year: bool = False
    boundary: str | None = None
    embodied: Any = True
    hourly: bool = False
    group_by: tuple[str, ...] = ()
    chunk_size: int = _CHUNK
    billing: str | None = None

    def __post_init__(self) -> None:
        """Check the types of the structural options (values are checked by make_plan)."""
        for name in ("input_format", "delimiter", "accelerator", "region", "operator", "billing"):
            value = getattr(self, name)
            if value is not None and not isinstance(value, str):
                raise InputError(f"{name}: expected text or None, got {reprlib.repr(value)}")
        for name in ("consumer", "hydro"):
            if not isinstance(getattr(self, name), str):
                shown = reprlib.repr(getattr(self, name))
                raise InputError(f"{name}: expected text, got {shown}")
        if not isinstance(self.columns, Mapping) or not all(
            isinstance(k, str) and isinstance(v, str) for k, v in self.columns.items()
        ):
            raise InputError(
                "columns: expected a mapping of column names, canonical name -> input column "
                f"(e.g. {{'count': 'n_gpus'}}), got {reprlib.repr(self.columns)}"
            )
        if self.config is not None and not isinstance(self.config, ClusterConfig):
            raise InputError(
                f"config: expected a ClusterConfig (read_config) or None, got "
                f"{reprlib.repr(self.config)}"
            )
        if isinstance(self.group_by, str) or not isinstance(self.group_by, tuple | list):
            raise InputError(
                f"group_by: expected a tuple of column names, got {reprlib.repr(self.group_by)}"
            )
        if not all(isinstance(g, str) for g in self.group_by):
            raise InputError(
                f"group_by: expected column names (text), got {reprlib.repr(self.group_by)}"
            )
        if self.year is not None and (
            isinstance(self.year, bool) or not isinstance(self.year, numbers.Integral)
        ):
            raise InputError(f"year: expected a calendar year, got {reprlib.repr(self.year)}")
        size = self.chunk_size
        if (
            isinstance(size, bool)
            or not isinstance(size, numbers.Integral)
            or not 1 <= size <= MAX_CHUNK
        ):
            raise InputError(
                f"chunk size: expected a whole number of rows from 1 to {MAX_CHUNK:,}, "
                f"got {reprlib.repr(size)}"
            )


# --------------------------------------------------------------------------- names


def canon_name(name: str) -> str:
    """Canonical form of a column name: lower case, spaces and hyphens as underscores."""
    return re.sub(r"[\s\-]+", "_", name.strip().lower())
