"""Locating, verifying and loading the curated datasets shipped with footprint.

The curated CSVs live in ``datasets/`` at the repository root. A wheel carries
them inside the package as ``footprint/_datasets`` (see ``pyproject.toml``), so
an installed ``footprint`` works from any directory, offline. Nothing is read
at import time: every table is loaded on first use and cached.

Every data file is checked the first time it is loaded:

- against its schema in :mod:`footprint.data.schemas` (columns, types, empty cells,
  physically justified ranges, unique keys), so a negative intensity, a PUE of
  0.5 or a non-numeric cell stops the run with a one-line :class:`DataError`
  naming the file, line, column, value and allowed range, instead of a wrong
  result or a traceback;
- against its SHA-256 in ``datasets/MANIFEST.sha256`` (written by
  ``scripts/build_datasets.py``; refresh it after editing a file with
  ``python scripts/update_manifest.py``), so a truncated or changed file, or a
  file the manifest does not list, is refused too.

The checks are standard library only (the ``estimate`` path must not import
pandas) and run once per file and process: for the 13 tables of one ``footprint
estimate``, about 15 ms of schema checks and 2 ms of SHA-256 (4.4 MB).
"""

from __future__ import annotations

import hashlib
import io
import os
import re
from collections.abc import Iterable
from functools import cache
from itertools import repeat
from pathlib import Path
from typing import TYPE_CHECKING

from footprint.core.errors import DataError, MissingDataError
from footprint.data import schemas

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

__all__ = [
    "DATASETS_ENV",
    "MANIFEST",
    "datasets_dir",
    "dataset_path",
    "load_table",
    "read_records",
    "verify_file",
    "clear_caches",
    "data_files",
    "data_text",
    "manifest_text",
    "write_manifest",
    "optional_float",
    "available_tables",
]

#: Environment variable naming another datasets directory (tests, curated forks).
DATASETS_ENV = "FOOTPRINT_DATASETS_DIR"

#: Checksum manifest of the data files, in the datasets directory (``sha256sum`` format).
MANIFEST = "MANIFEST.sha256"

#: Suffixes of the data files the manifest covers (documentation files are not listed).
DATA_SUFFIXES = (".csv", ".csv.gz")

_REFRESH = "reinstall footprint or run scripts/update_manifest.py"


@cache
def datasets_dir() -> Path:
    """Directory holding the curated CSVs.

    Order of precedence:

    1. the directory named by the environment variable ``FOOTPRINT_DATASETS_DIR``
       (read once per process; call :func:`clear_caches` after changing it), for tests
       and for running against a rebuilt or curated copy of the datasets, which must
       carry its own ``MANIFEST.sha256``;
    2. ``footprint/_datasets`` of an installed wheel;
    3. ``datasets/`` beside the package in a checkout.

    Raises
    ------
    DataError
        ``FOOTPRINT_DATASETS_DIR`` names no directory, or no datasets are found.
    """
    override = os.environ.get(DATASETS_ENV, "").strip()
    if override:
        path = Path(override).expanduser().resolve()
        if not path.is_dir():
            raise DataError(f"{DATASETS_ENV}={override!r} is not a directory")
        return path
    package = Path(__file__).resolve().parent.parent  # footprint/
    for candidate in (package / "_datasets", package.parent / "datasets"):
        if candidate.is_dir():
            return candidate
    raise DataError(
        "footprint's curated datasets are missing: expected footprint/_datasets in an "
        "installed package or datasets/ beside the package in a checkout"
    )


def dataset_path(name: str) -> Path:
    """Path of the curated table ``name`` (without ``.csv``); sub-folders allowed."""
    path = datasets_dir() / f"{name}.csv"
    if not path.is_file():
        raise DataError(f"unknown dataset {name!r}: no file {path.name} in {path.parent}")
    return path


# --- checksum manifest ----------------------------------------------------------------------


def data_files(root: Path) -> list[str]:
    """Data files under ``root`` (``*.csv``, ``*.csv.gz``), as sorted relative POSIX paths."""
    return sorted(
        p.relative_to(root).as_posix()
        for p in root.rglob("*")
        if p.is_file() and p.name.endswith(DATA_SUFFIXES)
    )


def data_text(file: str, data: bytes) -> str:
    """Decoded CSV text of the bytes ``data`` of data file ``file`` (gunzipped for ``.gz``).

    Raises
    ------
    DataError
        The bytes are not UTF-8 (or not gzip for a ``.gz`` file).
    """
    try:
        if file.endswith(".gz"):
            import gzip  # only the hourly files are compressed

            data = gzip.decompress(data)
        return data.decode("utf-8")
    except (OSError, EOFError, UnicodeDecodeError) as exc:
        raise DataError(f"datasets/{file} cannot be read ({exc}; {_REFRESH})") from None


def manifest_text(root: Path) -> str:
    """The manifest of the data files under ``root``, as written to ``MANIFEST.sha256``.

    Each file gets a ``# rows N path`` comment (data records, header excluded,
    decompressed for ``.csv.gz``) and a ``sha256  path`` line, so that
    ``cd datasets && sha256sum -c MANIFEST.sha256`` checks the files too.
    """
    lines = [
        "# Checksum manifest of footprint's curated data files (sha256sum format).",
        "# footprint refuses a data file whose SHA-256 differs from its entry, or without one.",
        "# Written by scripts/build_datasets.py; after editing a data file by hand run",
        "#     python scripts/update_manifest.py",
        "# Check by hand: cd datasets && sha256sum -c MANIFEST.sha256",
    ]
    for file in data_files(root):
        data = (root / file).read_bytes()
        rows = schemas.count_rows(data_text(file, data))
        lines.append(f"# rows {rows} {file}")
        lines.append(f"{hashlib.sha256(data).hexdigest()}  {file}")
    return "\n".join(lines) + "\n"


def write_manifest(root: Path) -> Path:
    """Write ``root/MANIFEST.sha256`` for the data files under ``root``; return its path."""
    path = root / MANIFEST
    path.write_text(manifest_text(root), encoding="utf-8", newline="\n")
    return path


_ENTRY = re.compile(r"([0-9a-f]{64}) [ *](.+)")
_ROWS = re.compile(r"# rows (\d+) (.+)")


@cache
def _manifest() -> dict[str, tuple[str, int | None]]:
    """``{file: (sha256, rows)}`` of the manifest in the datasets directory."""
    path = datasets_dir() / MANIFEST
    try:
        content = path.read_text(encoding="utf-8")
    except OSError:
        raise DataError(f"datasets/{MANIFEST} is missing from {path.parent} ({_REFRESH})") from None
    rows: dict[str, int] = {}
    entries: dict[str, tuple[str, int | None]] = {}
    for number, line in enumerate(content.splitlines(), start=1):
        if not line.strip():
            continue
        if line.startswith("#"):
            match = _ROWS.fullmatch(line)
            if match:
                rows[match[2]] = int(match[1])
            continue
        match = _ENTRY.fullmatch(line)
        if match is None:
            raise DataError(f"datasets/{MANIFEST} line {number}: not 'sha256  path' ({_REFRESH})")
        entries[match[2]] = (match[1], rows.get(match[2]))
    return entries


def _check_manifest(file: str, data: bytes, rows: int | None = None) -> None:
    """Raise :class:`DataError` unless ``data`` is what the manifest lists for ``file``.

    ``rows`` (records in ``data``) only enriches the message; it is counted if not given.
    """
    entry = _manifest().get(file)
    if entry is None:
        raise DataError(f"datasets/{file} is not listed in datasets/{MANIFEST} ({_REFRESH})")
    digest, expected_rows = entry
    if hashlib.sha256(data).hexdigest() != digest:
        if rows is None:
            rows = schemas.count_rows(data_text(file, data))
        count = (
            "" if expected_rows is None else f": {rows} rows, the manifest lists {expected_rows}"
        )
        raise DataError(
            f"datasets/{file} does not match its manifest checksum (file changed or "
            f"truncated{count}; {_REFRESH})"
        )


# --- verified loading -----------------------------------------------------------------------


def _relative(path: Path) -> str:
    root = datasets_dir()
    try:
        return path.resolve().relative_to(root).as_posix()
    except ValueError:
        raise DataError(f"{path} is not a file of the datasets directory {root}") from None


#: Data files that passed every check in this process (shared by all readers, so a file
#: is checked once whichever function loads it first). A race between two threads can
#: only check a file twice, never skip a check: a name is added after its file passed.
_VERIFIED: set[str] = set()


def _load(file: str) -> tuple[bytes, list[str], list[list[str]]]:
    """Bytes, header and records of data file ``file``, checked against schema and manifest.

    The schema is checked first (its message points at the offending cell), then the
    checksum (which catches any other change, such as a cut-off file).
    """
    data = _bytes(file)
    content = data_text(file, data)
    header, records = schemas.parse_csv(file, content)
    if file not in _VERIFIED:
        schemas.validate_records(file, header, records, lambda: schemas.line_numbers(content))
    _check_manifest(file, data, len(records))
    _VERIFIED.add(file)
    return data, header, records


def _bytes(file: str) -> bytes:
    path = datasets_dir() / file
    try:
        return path.read_bytes()
    except OSError as exc:
        raise DataError(f"datasets/{file} cannot be read: {exc.strerror or exc}") from None


def _verified_bytes(file: str) -> bytes:
    """Bytes of data file ``file``: fully checked the first time, checksum only after."""
    if file not in _VERIFIED:
        return _load(file)[0]
    data = _bytes(file)
    _check_manifest(file, data)
    return data


def verify_file(path: Path | str) -> None:
    """Check a data file read by other means (e.g. the hourly ``.csv.gz`` files).

    Runs the same checks as :func:`read_records` (schema, then manifest checksum) once
    per process; a reader that parses the file itself should call this first.

    Parameters
    ----------
    path : Path or str
        The file, inside :func:`datasets_dir` (absolute, or relative to it).

    Raises
    ------
    DataError
        The file is outside the datasets directory, breaks its schema, or does not match
        the manifest.
    """
    path = Path(path)
    file = _relative(path if path.is_absolute() else datasets_dir() / path)
    if file not in _VERIFIED:
        _load(file)


@cache
def _read(name: str) -> pd.DataFrame:
    import pandas as pd

    file = dataset_path(name).relative_to(datasets_dir()).as_posix()
    data = _verified_bytes(file)
    return pd.read_csv(io.BytesIO(data), keep_default_na=False, na_values=[""])


def load_table(name: str) -> pd.DataFrame:
    """Return a copy of curated table ``name`` as a DataFrame (cached after first read).

    The file is checked against its schema and the manifest on first read
    (:class:`DataError` if it fails).
    """
    return _read(name).copy()


@cache
def read_records(name: str) -> tuple[dict[str, str], ...]:
    """Rows of curated table ``name`` as dicts of strings (stdlib csv, no pandas).

    The estimate path uses this so that a single CLI call does not pay for
    importing pandas; empty cells are empty strings. The file is checked against
    its schema and the manifest on first read (:class:`DataError` if it fails).
    """
    file = dataset_path(name).relative_to(datasets_dir()).as_posix()
    _, header, records = _load(file)
    # parse_csv checked that every record is as wide as the header
    return tuple(map(dict, map(zip, repeat(header), records)))


def clear_caches() -> None:
    """Forget every table, check and directory this module has cached.

    For tests that point ``FOOTPRINT_DATASETS_DIR`` elsewhere. Other modules keep their
    own caches of parsed tables (e.g. ``footprint.places.grid.all_zones``); clear those too, or
    run the code under test in a fresh process.
    """
    for cached in (datasets_dir, _manifest, _read, read_records, licence_of):
        cached.cache_clear()
    _VERIFIED.clear()


def optional_float(text: str) -> float | None:
    """Parse a CSV cell into a float, ``None`` for an empty cell."""
    text = text.strip()
    return float(text) if text else None


def available_tables() -> list[str]:
    """Names of every curated table, relative to the datasets directory."""
    root = datasets_dir()
    return sorted(p.relative_to(root).with_suffix("").as_posix() for p in root.rglob("*.csv"))


def choose_year(
    available: list[int] | tuple[int, ...] | set[int],
    year: int | None,
    what: str,
    strict: bool = False,
) -> tuple[int, str]:
    """Pick the year to use among ``available`` and say why, for provenance.

    ``year=None`` takes the newest available year (noted). A year the data lacks is
    replaced by the nearest available one (the later one on a tie) and noted, unless
    ``strict``, which raises :class:`MissingDataError` naming the years there are.

    Returns
    -------
    (year_used, note) : tuple[int, str]
        ``note`` is empty when the requested year was available.
    """

    years = sorted(set(available))
    if not years:
        raise MissingDataError(f"{what}: no data for any year")
    if year is None:
        return years[-1], f"{what}: no year given, newest available year {years[-1]} used"
    if year in years:
        return year, ""
    span = f"{years[0]}-{years[-1]}" if len(years) > 1 else str(years[0])
    if strict:
        raise MissingDataError(f"{what}: no data for {year} (available: {span})")
    nearest = min(years, key=lambda y: (abs(y - year), -y))
    return nearest, f"{what}: no data for {year}; nearest year {nearest} used (available: {span})"


@cache
def licence_of(table: str) -> dict[str, str]:
    """Licence and attribution of curated file ``table`` (e.g. ``grid_intensity.csv``)."""
    for row in read_records("licences"):
        if row["file"] == table:
            return row
    return {"file": table, "licence": "see datasets/SOURCES.md", "attribution": ""}


def normalise_name(name: str) -> str:
    """Key used to match names and aliases: lower case, no accents (``Tōkyō`` is ``tokyo``),
    no spaces, hyphens, underscores."""
    text = name.strip().lower()
    if not text.isascii():
        import unicodedata

        text = "".join(
            c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c)
        )
    return re.sub(r"[\s\-_/.]+", "", text)


def name_index(table: str, entries: Iterable[tuple[str, Iterable[str]]]) -> dict[str, str]:
    """Map every normalised name and alias of ``entries`` to its canonical name.

    Raises :class:`DataError` when one label would name two entries of ``table``.
    """
    keys: dict[str, str] = {}
    for name, aliases in entries:
        for label in (name, *aliases):
            key = normalise_name(label)
            if keys.get(key, name) != name:
                raise DataError(f"{table}.csv: {label!r} names both {keys[key]} and {name}")
            keys[key] = name
    return keys
