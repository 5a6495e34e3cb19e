"""Sources of job rows: CSV (optionally compressed) and sacct ``--parsable2`` text,
Parquet files and datasets, cloud billing exports (:class:`BillingSource` over either, by
:mod:`footprint.analyses.batch.billing`), and in-memory frames, read in chunks of raw cells."""

from __future__ import annotations

import bz2
import contextlib
import csv
import gzip
import io
import lzma
import os
import re
import warnings
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

import numpy as np
import pandas as pd

from footprint.analyses.batch.billing import BILLING_COLUMNS, BillingReader, detect
from footprint.analyses.batch.options import MAX_CHUNK, MAX_HEADER_CHARS, BatchOptions, canon_name
from footprint.core.errors import InputError
from footprint.core.files import check_input_file, is_stdin


def _natural_key(path: Path) -> list[Any]:
    return [int(t) if t.isdigit() else t for t in re.split(r"(\d+)", path.as_posix())]


# --------------------------------------------------------------------------- sources


@dataclass
class SkippedRows:
    """Rows a reader rejects before accounting, with their cells (the chunk's columns),
    row numbers, reason codes and reasons: a billing export's rows without an accelerator."""

    frame: pd.DataFrame
    rows: np.ndarray
    codes: np.ndarray
    reasons: np.ndarray


@dataclass
class RawChunk:
    """Rows as read, their 1-based row numbers, malformed lines met while reading, and the
    rows the reader rejected itself (:class:`SkippedRows`)."""

    frame: pd.DataFrame
    rows: np.ndarray
    malformed: list[tuple[int, str, str]] = field(default_factory=list)
    skipped: SkippedRows | None = None


@dataclass(frozen=True)
class ParquetPiece:
    """Consecutive row groups of one Parquet file: the unit of work of both engines."""

    path: str
    row_groups: tuple[int, ...]
    first_row: int
    n_rows: int
    partition_values: tuple[tuple[str, str], ...] = ()


def _open_text(path: Path) -> io.TextIOBase:
    openers: dict[str, Callable[..., Any]] = {".gz": gzip.open, ".bz2": bz2.open, ".xz": lzma.open}
    opener: Callable[..., Any] = openers.get(path.suffix.lower(), open)
    return opener(path, "rt", encoding="utf-8-sig", newline="")  # type: ignore[no-any-return]


def _is_parquet_path(path: Path) -> bool:
    return path.is_dir() or path.suffix.lower() in {".parquet", ".pq", ".parq"}


def has_pyarrow() -> bool:
    """Whether pyarrow can be imported (patch ``readers.has_pyarrow`` to test without)."""
    try:
        import pyarrow  # noqa: F401
    except ImportError:
        return False
    return True


def require_pyarrow(what: str) -> Any:
    """The pyarrow module, or an ``InputError`` saying that ``what`` needs it."""
    try:
        import pyarrow
    except ImportError:
        raise InputError(
            f"{what} needs pyarrow, a dependency of footprint that is missing here: "
            "pip install pyarrow"
        ) from None
    return pyarrow


class Source(ABC):
    """A job log: its kind, its header (raw column names) and its rows in chunks.

    The base of the CSV/sacct, Parquet and DataFrame sources that :func:`open_source`
    returns; :mod:`footprint.analyses.batch_dask` takes one as its input.
    """

    kind: str = "csv"
    header: list[str]
    types: dict[str, Any]
    path: Path | None = None
    #: Lines for the summary's notes (what the reader did to its input).
    notes: tuple[str, ...] = ()

    def total_rows(self) -> int | None:
        return None

    @abstractmethod
    def chunks(self, size: int) -> Iterator[RawChunk]:
        """The source's rows as chunks of at most ``size`` raw rows."""


class _CsvSource(Source):
    """A CSV or sacct file (optionally .gz/.bz2/.xz), read in chunks of strings."""

    def __init__(self, path: Path, kind: str, delimiter: str | None) -> None:
        self.path = path
        self.kind = kind
        try:
            with _open_text(path) as fh:
                first = fh.readline(MAX_HEADER_CHARS + 1)
        except (OSError, UnicodeDecodeError, EOFError, lzma.LZMAError) as exc:
            raise InputError(f"{path}: cannot read ({exc})") from None
        line = first.rstrip("\r\n")
        if not line.strip():
            raise InputError(
                f"{path}: malformed header: the file is empty or its first line is blank"
            )
        if len(first) > MAX_HEADER_CHARS:
            raise InputError(
                f"{path}: malformed header: the first line is longer than "
                f"{MAX_HEADER_CHARS:,} characters (is this a job log?)"
            )
        # a header without a line end is the whole file: no rows (pyarrow would refuse it)
        self.header_only = not first.endswith(("\n", "\r"))
        self.delimiter = _check_delimiter(delimiter) or _sniff_delimiter(line, kind)
        try:
            names = next(csv.reader([line], delimiter=self.delimiter))
        except csv.Error as exc:
            raise InputError(f"{path}: malformed header ({exc})") from None
        self.trailing = bool(names) and names[-1] == "" and len(names) > 1
        if self.trailing:  # sacct --parsable ends every line with the delimiter
            names = names[:-1]
        self.header = [n.strip() for n in names]
        _check_header_names(self.header, path)
        self.types = {name: "string" for name in self.header}

    def total_rows(self) -> int | None:
        if self.path is None or self.path.suffix.lower() in {".gz", ".bz2", ".xz"}:
            return None
        count = 0
        with self.path.open("rb") as fh:
            for block in iter(lambda: fh.read(1 << 20), b""):
                count += block.count(b"\n")
        return max(count - 1, 0)

    def chunks(self, size: int) -> Iterator[RawChunk]:
        if self.header_only:
            return
        if has_pyarrow():
            yield from self._arrow_chunks(size)
        else:
            yield from self._pandas_chunks(size)

    def _arrow_chunks(self, size: int) -> Iterator[RawChunk]:
        """Stream with pyarrow's CSV reader: every cell as text, malformed rows with their text.

        A row with too many or too few fields is a malformed line (pandas' reader,
        used without pyarrow, fills a short row with empty cells instead).
        """
        assert self.path is not None
        names = [*self.header, "__trailing__"] if self.trailing else list(self.header)
        bad: list[int] = []
        malformed: list[tuple[int, str, str]] = []
        blank = [0]  # lines of spaces met so far: not rows, as empty lines are not

        def invalid(row: Any) -> str:
            if not str(row.text).strip():
                blank[0] += 1
                return "skip"
            # pyarrow numbers lines without the empty ones; a line of spaces is not a
            # row either, so later records are numbered as if it were not there
            record = int(row.number) - 1 - blank[0] if row.number is not None else -1
            bad.append(record)
            message = (
                f"malformed line: expected {row.expected_columns} fields, saw {row.actual_columns}"
            )
            malformed.append((record, row.text, message))
            return "skip"

        with contextlib.ExitStack() as stack:
            source: Any = str(self.path)
            if self.path.suffix.lower() == ".xz":  # pyarrow reads .gz and .bz2 itself
                source = stack.enter_context(lzma.open(self.path, "rb"))
            yield from self._arrow_batches(source, names, size, bad, invalid)
        if malformed:
            empty = pd.DataFrame({name: pd.Series([], dtype=str) for name in self.header})
            yield RawChunk(empty, np.empty(0, dtype=np.int64), sorted(malformed))

    def _arrow_batches(
        self, source: Any, names: list[str], size: int, bad: list[int], invalid: Any
    ) -> Iterator[RawChunk]:
        """Record batches of ``size`` rows, numbered past the malformed ones."""
        import pyarrow as pa
        import pyarrow.csv as pacsv

        try:
            reader = pacsv.open_csv(
                source,
                read_options=pacsv.ReadOptions(
                    column_names=names, skip_rows=1, use_threads=False, block_size=1 << 24
                ),
                parse_options=pacsv.ParseOptions(
                    delimiter=self.delimiter, invalid_row_handler=invalid
                ),
                convert_options=pacsv.ConvertOptions(
                    column_types={name: pa.string() for name in names},
                    null_values=[""],
                    strings_can_be_null=True,
                ),
            )
            cursor = 1
            pending: list[Any] = []
            held = 0
            exhausted = False
            while not exhausted:
                try:
                    batch = reader.read_next_batch()
                    pending.append(batch)
                    held += batch.num_rows
                except StopIteration:
                    exhausted = True
                while held >= size or (exhausted and held):
                    table = pa.Table.from_batches(pending)
                    take = min(size, held)
                    part, rest = table.slice(0, take), table.slice(take)
                    pending, held = rest.to_batches(), held - take
                    bad.sort()
                    rows = _assign_rows(cursor, take, bad)
                    cursor = int(rows[-1]) + 1
                    frame = part.to_pandas()
                    if self.trailing:
                        frame = frame.drop(columns="__trailing__")
                    yield RawChunk(frame, rows)
        except (pa.ArrowInvalid, OSError, EOFError, lzma.LZMAError) as exc:
            raise InputError(f"{self.path}: cannot read as {self.kind}: {exc}") from None

    def _pandas_chunks(self, size: int) -> Iterator[RawChunk]:
        """Stream with pandas' C reader (no pyarrow): every cell as text."""
        assert self.path is not None
        names = [*self.header, "__trailing__"] if self.trailing else list(self.header)
        bad: list[int] = []  # 1-based record numbers of malformed lines, ascending
        bad_messages: dict[int, str] = {}
        cursor = 1  # next record number not yet assigned
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always", pd.errors.ParserWarning)
            try:
                reader = pd.read_csv(
                    self.path,
                    sep=self.delimiter,
                    header=0,
                    names=names,
                    dtype=str,
                    keep_default_na=False,
                    na_values=[""],
                    chunksize=size,
                    on_bad_lines="warn",
                    encoding="utf-8-sig",
                    engine="c",
                )
                with reader:
                    for frame in reader:
                        for w in caught:
                            m = re.match(r"Skipping line (\d+): (.*)", str(w.message).strip())
                            if m:
                                record = self._record_number(int(m.group(1)))
                                bad.append(record)
                                bad_messages[record] = m.group(2)
                        caught.clear()
                        bad.sort()
                        rows = _assign_rows(cursor, len(frame), bad)
                        if len(rows):
                            cursor = int(rows[-1]) + 1
                        if self.trailing:
                            frame = frame.drop(columns="__trailing__")
                        yield RawChunk(frame.reset_index(drop=True), rows)
            except (pd.errors.ParserError, UnicodeDecodeError, EOFError, lzma.LZMAError) as exc:
                raise InputError(f"{self.path}: cannot read as {self.kind}: {exc}") from None
            for w in caught:
                m = re.match(r"Skipping line (\d+): (.*)", str(w.message).strip())
                if m:
                    record = self._record_number(int(m.group(1)))
                    bad.append(record)
                    bad_messages[record] = m.group(2)
        if bad:
            texts = self._record_texts(set(bad))
            malformed = [
                (r, texts.get(r, ""), f"malformed line: {bad_messages[r]}") for r in sorted(bad)
            ]
            empty = pd.DataFrame({name: pd.Series([], dtype=str) for name in self.header})
            yield RawChunk(empty, np.empty(0, dtype=np.int64), malformed)

    def _record_number(self, line: int) -> int:
        """Row number of pandas' "line" ``line`` (records counted with the blank ones):
        blank lines are not rows, as with pyarrow. One pass over the file, once."""
        import bisect

        blanks: list[int] | None = getattr(self, "_blanks", None)
        if blanks is None:
            assert self.path is not None
            blanks = []
            try:
                with _open_text(self.path) as fh:
                    reader = csv.reader(fh, delimiter=self.delimiter)
                    for number, fields in enumerate(reader, start=1):
                        if not fields or (len(fields) == 1 and not fields[0].strip()):
                            blanks.append(number)
            except csv.Error as exc:
                raise InputError(f"{self.path}: cannot read as {self.kind}: {exc}") from None
            self._blanks = blanks
        return line - 1 - bisect.bisect_left(blanks, line)

    def _record_texts(self, records: set[int]) -> dict[int, str]:
        """Raw text of the given 1-based records (a second pass, only when lines are bad)."""
        assert self.path is not None
        out: dict[int, str] = {}
        last = max(records)
        try:
            with _open_text(self.path) as fh:
                reader = csv.reader(fh, delimiter=self.delimiter)
                next(reader, None)
                number = 0
                for fields in reader:
                    if not fields or (len(fields) == 1 and not fields[0].strip()):
                        continue  # a blank line is not a row
                    number += 1
                    if number in records:
                        out[number] = self.delimiter.join(fields)
                    if number >= last:
                        break
        except csv.Error as exc:
            raise InputError(f"{self.path}: cannot read as {self.kind}: {exc}") from None
        return out


def _assign_rows(cursor: int, n: int, bad: list[int]) -> np.ndarray:
    """Record numbers of the next ``n`` good rows from ``cursor``, skipping ``bad`` ones."""
    import bisect

    lo = bisect.bisect_left(bad, cursor)
    span = np.arange(cursor, cursor + n + (len(bad) - lo), dtype=np.int64)
    skip = np.asarray(bad[lo:], dtype=np.int64)
    if len(skip):
        span = span[~np.isin(span, skip)]
    return span[:n]


def _check_delimiter(delimiter: str | None) -> str | None:
    """``--delimiter`` as one character (``\\t`` or ``tab`` for a tab), or None."""
    if delimiter is None:
        return None
    named = {"\\t": "\t", "tab": "\t", "comma": ",", "semicolon": ";", "pipe": "|"}
    value = named.get(delimiter.lower(), delimiter)
    if len(value) != 1 or value in '\r\n"':
        raise InputError(
            f"--delimiter: expected one character such as ',' ';' '|' or '\\t', got {delimiter!r}"
        )
    return value


def _sniff_delimiter(line: str, kind: str) -> str:
    if kind == "sacct":
        return "|"
    counts = {d: line.count(d) for d in (",", ";", "\t", "|")}
    best = max(counts, key=lambda d: (counts[d], d == ","))
    return best if counts[best] else ","


def _check_header_names(header: list[str], where: Any) -> None:
    for i, name in enumerate(header, start=1):
        if not name:
            raise InputError(f"{where}: malformed header: column {i} has no name")
    seen: dict[str, str] = {}
    for name in header:
        key = canon_name(name)
        if key in seen:
            raise InputError(
                f"{where}: malformed header: columns {seen[key]!r} and {name!r} have the same name"
            )
        seen[key] = name


class ParquetSource(Source):
    """A Parquet file or a directory of them (Hive-style ``key=value`` folders become columns).

    :mod:`footprint.analyses.batch_dask` reads such a source piece by piece in parallel.
    """

    kind = "parquet"

    def __init__(self, path: Path | str, chunk_size: int) -> None:
        pa = require_pyarrow("reading Parquet")
        import pyarrow.parquet as pq

        if isinstance(path, str):  # an object-store URI: s3://bucket/key, gs://..., file://
            self.path: Any = path
            files: list[Any] = _remote_files(path)
            is_dir = len(files) != 1 or files[0] != path
        else:
            self.path = path
            is_dir = path.is_dir()
            if is_dir:
                files = sorted(
                    (p for p in path.rglob("*") if _is_data_file(p, path)), key=_natural_key
                )
                if not files:
                    raise InputError(f"{path}: no Parquet files in this directory")
            elif path.is_file():
                files = [path]
            else:
                raise InputError(f"{path}: no such file or directory")
        schema = None
        self.pieces: list[ParquetPiece] = []
        first_row = 1
        part_keys: list[str] = []
        for f in files:
            try:
                meta = pq.ParquetFile(f).metadata
            except (OSError, pa.ArrowException) as exc:
                raise InputError(f"{f}: malformed Parquet file ({exc})") from None
            file_schema = meta.schema.to_arrow_schema()
            if schema is None:
                schema = file_schema
            elif file_schema.names != schema.names:
                raise InputError(
                    f"{f}: malformed header: columns {file_schema.names} differ from "
                    f"{schema.names} of {files[0]}"
                )
            parts = _hive_values(f, path) if is_dir else ()
            for key, _ in parts:
                if key not in part_keys:
                    part_keys.append(key)
            groups: list[int] = []
            n = 0
            for g in range(meta.num_row_groups):
                rows = meta.row_group(g).num_rows
                if groups and n + rows > chunk_size:
                    self.pieces.append(ParquetPiece(str(f), tuple(groups), first_row, n, parts))
                    first_row += n
                    groups, n = [], 0
                groups.append(g)
                n += rows
            if groups:
                self.pieces.append(ParquetPiece(str(f), tuple(groups), first_row, n, parts))
                first_row += n
        assert schema is not None
        self.header = [*schema.names, *[k for k in part_keys if k not in schema.names]]
        _check_header_names(self.header, path)
        self.types = {name: schema.field(name).type for name in schema.names}
        self.types.update({k: pa.string() for k in part_keys if k not in schema.names})
        self.part_keys = tuple(part_keys)
        self.n_rows = first_row - 1

    def total_rows(self) -> int | None:
        return self.n_rows

    def chunks(self, size: int) -> Iterator[RawChunk]:
        for piece in self.pieces:
            yield read_piece(piece, self.header)


#: URI schemes read through pyarrow's file systems (credentials from the environment, as
#: pyarrow and the cloud SDKs read them: AWS_*, GOOGLE_APPLICATION_CREDENTIALS...).
REMOTE_SCHEMES = ("s3", "gs", "gcs", "hdfs", "viewfs", "file")
_URI = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*)://")


def remote_uri(path: str | os.PathLike[str]) -> str | None:
    """``path`` when it is a URI of :data:`REMOTE_SCHEMES` (``s3://bucket/jobs/``), else
    ``None``; another scheme is an error naming those read."""
    text = str(path)
    match = _URI.match(text)
    if match is None:
        return None
    if match.group(1).lower() not in REMOTE_SCHEMES:
        raise InputError(
            f"{text[:200]}: cannot read {match.group(1)}:// (read: a local path or "
            + ", ".join(f"{s}://" for s in REMOTE_SCHEMES)
            + ")"
        )
    return text


def _remote_files(uri: str) -> list[str]:
    """The Parquet files of an object-store URI (a file, or a prefix read as a dataset),
    as URIs, in natural order. Errors (no access, no such key, no network) are one line."""
    import pyarrow as pa
    import pyarrow.fs as pafs

    scheme = uri.split("://", 1)[0]
    try:
        fs, root = pafs.FileSystem.from_uri(uri)
        info = fs.get_file_info(root)
        if info.type == pafs.FileType.File:
            return [uri]
        if info.type != pafs.FileType.Directory:
            raise InputError(f"{uri}: no such file or directory")
        found = fs.get_file_info(pafs.FileSelector(root, recursive=True))
    except (OSError, pa.ArrowException, ValueError) as exc:
        reason = " ".join(str(exc).split())[:200]
        raise InputError(f"{uri}: cannot list or read ({reason})") from None
    base = PurePosixPath(root)
    files = []
    for item in found:
        rel = PurePosixPath(item.path).relative_to(base).parts
        if item.type != pafs.FileType.File or any(p.startswith((".", "_")) for p in rel):
            continue
        if PurePosixPath(item.path).suffix.lower() in {".parquet", ".pq", ".parq"}:
            # file:// keeps the absolute path's slash; bucket paths have none
            files.append(
                f"{scheme}://" + (item.path if scheme == "file" else item.path.lstrip("/"))
            )
    if not files:
        raise InputError(f"{uri}: no Parquet files under this prefix")
    return sorted(files, key=lambda f: _natural_key(PurePosixPath(f)))  # type: ignore[arg-type]


def _is_data_file(p: Path, root: Path) -> bool:
    rel = p.relative_to(root).parts
    if any(part.startswith((".", "_")) for part in rel):
        return False  # _SUCCESS, _metadata, .crc and hidden files
    return p.is_file() and p.suffix.lower() in {".parquet", ".pq", ".parq"}


def _hive_values(f: Path | str, root: Path | str) -> tuple[tuple[str, str], ...]:
    from urllib.parse import unquote

    out = []
    rel = (
        PurePosixPath(f.split("://", 1)[1]).relative_to(PurePosixPath(root.split("://", 1)[1]))
        if isinstance(f, str) and isinstance(root, str)
        else Path(f).relative_to(root)
    )
    for part in rel.parts[:-1]:
        if "=" in part:
            key, value = part.split("=", 1)
            out.append((unquote(key), unquote(value)))
    return tuple(out)


def read_piece(piece: ParquetPiece, header: list[str] | None = None) -> RawChunk:
    """Read one :class:`ParquetPiece` into a :class:`RawChunk` (both engines use this)."""
    import pyarrow.parquet as pq

    try:
        table = pq.ParquetFile(piece.path).read_row_groups(list(piece.row_groups))
    except Exception as exc:  # pyarrow raises several types for damaged files
        raise InputError(f"{piece.path}: cannot read Parquet ({exc})") from None
    frame = table.to_pandas()
    for key, value in piece.partition_values:
        if key not in frame.columns:
            frame[key] = pd.Series([value] * len(frame), dtype=str)
    if header is not None:
        for name in header:
            if name not in frame.columns:
                frame[name] = pd.Series([None] * len(frame), dtype=str)
        frame = frame[header]
    rows = np.arange(piece.first_row, piece.first_row + len(frame), dtype=np.int64)
    return RawChunk(frame.reset_index(drop=True), rows)


class FrameSource(Source):
    """A DataFrame already in memory (the library entry point)."""

    kind = "frame"

    def __init__(self, frame: pd.DataFrame, kind: str = "frame") -> None:
        self.frame = frame.reset_index(drop=True)
        self.kind = kind
        self.header = [str(c) for c in frame.columns]
        _check_header_names(self.header, "frame")
        self.types = {name: str(frame[name].dtype) for name in frame.columns}

    def total_rows(self) -> int | None:
        return len(self.frame)

    def chunks(self, size: int) -> Iterator[RawChunk]:
        for start in range(0, max(len(self.frame), 1), size):
            part = self.frame.iloc[start : start + size].reset_index(drop=True)
            if start and not len(part):
                break
            yield RawChunk(part, np.arange(start + 1, start + 1 + len(part), dtype=np.int64))


def open_source(path: str | os.PathLike[str], options: BatchOptions) -> Source:
    """Open a job log and check its header (nothing is read beyond the header yet)."""
    p = Path(path)
    fmt = options.input_format
    if fmt not in (None, "csv", "parquet", "sacct"):
        raise InputError(f"input format: expected csv, parquet or sacct, got {fmt!r}")
    if not str(path).strip():
        raise InputError("job log: empty file name")
    if is_stdin(path):  # read in chunks, Parquet by seeking: a pipe cannot do either
        raise InputError(
            "job log: cannot be read from standard input ('-'); give a file name "
            "(CSV and Parquet logs are read in chunks)"
        )
    uri = remote_uri(path)
    if uri is not None:  # object stores: Parquet files and datasets
        if fmt not in (None, "parquet"):
            raise InputError(f"{uri[:200]}: only Parquet is read from an object store")
        return _billing(ParquetSource(uri, chunk_rows(options)), options)
    if not p.exists():
        raise InputError(f"{p}: no such file or directory")
    if p.is_dir():
        if fmt not in (None, "parquet"):
            raise InputError(f"{p}: a directory; only Parquet datasets can be directories")
    else:  # only regular files: a FIFO or a device (/dev/zero) would hang or never end
        check_input_file(p, "job log")
    if fmt == "parquet" or (fmt is None and _is_parquet_path(p)):
        return _billing(ParquetSource(p, chunk_rows(options)), options)
    if p.is_dir():
        raise InputError(f"{p}: a directory; only Parquet datasets can be directories")
    if fmt is None:
        try:
            with _open_text(p) as fh:
                first = fh.readline(MAX_HEADER_CHARS + 1)
        except (OSError, UnicodeDecodeError, EOFError, lzma.LZMAError) as exc:
            raise InputError(f"{p}: cannot read ({exc})") from None
        fields = {canon_name(x) for x in re.split(r"[|,;\t]", first)}
        fmt = (
            "sacct"
            if "jobid" in fields and ({"alloctres", "allocgres", "elapsed"} & fields)
            else "csv"
        )
    if fmt == "sacct" and options.billing is not None:
        raise InputError(f"{p}: sacct output, not a billing export (--billing {options.billing})")
    source: Source = _CsvSource(p, fmt, options.delimiter)
    return source if fmt == "sacct" else _billing(source, options)


def _billing(source: Source, options: BatchOptions) -> Source:
    """``source`` read as a billing export when ``--billing`` says so or its header is one."""
    if options.billing is None and detect(source.header) is None:
        return source
    return BillingSource(source, options.billing)


class BillingSource(Source):
    """A cloud billing export (CSV or Parquet) read as job rows
    (:mod:`footprint.analyses.batch.billing`): its rows without an accelerator come out as
    :class:`SkippedRows` with their reason codes."""

    def __init__(self, inner: Source, provider: str | None = None) -> None:
        self.inner = inner
        self.kind = inner.kind
        self.path = inner.path
        self.reader = BillingReader(inner.header, provider, inner.path or "input")
        self.provider = self.reader.provider
        self.header = list(BILLING_COLUMNS)
        self.types = {name: "string" for name in self.header}
        self.notes = self.reader.notes

    def total_rows(self) -> int | None:
        return self.inner.total_rows()

    def chunks(self, size: int) -> Iterator[RawChunk]:
        for raw in self.inner.chunks(size):
            got = self.reader.rows(raw.frame, raw.rows)
            keep, drop = got.keep, ~got.keep
            skipped = None
            if drop.any():
                skipped = SkippedRows(
                    got.frame[drop].reset_index(drop=True),
                    raw.rows[drop],
                    got.codes[drop],
                    got.reasons[drop],
                )
            frame = got.frame[keep].reset_index(drop=True)
            yield RawChunk(frame, raw.rows[keep], raw.malformed, skipped)


def chunk_rows(options: BatchOptions) -> int:
    """The checked number of rows per chunk of ``options``."""
    size = int(options.chunk_size)
    if not 1 <= size <= MAX_CHUNK:
        raise InputError(f"chunk size: expected 1 to {MAX_CHUNK:,} rows, got {size}")
    return size
