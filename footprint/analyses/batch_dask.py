"""The Dask engine of ``footprint batch``: the same per-chunk computation, as Dask tasks.

Imported only with ``--engine dask`` (``pip install 'footprint[dask]'``). A
Parquet dataset is cut into pieces of consecutive row groups
(:class:`footprint.analyses.batch.ParquetPiece`, the same pieces the pandas engine reads
one after the other); each piece is one task that reads it, runs
:func:`footprint.analyses.batch.process_chunk` and writes its results and rejects as
part files. Only the summary parts, exact integer sums, come back to the
client, so a dataset larger than memory (or than one machine, with a
``dask.distributed`` scheduler and a shared file system) goes through with a
piece per worker in memory. Results are identical to the pandas engine's: the
rows are computed by the same function, and the summary's sums are exact.
"""

from __future__ import annotations

import contextlib
import shutil
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from footprint.analyses.batch import (
    BatchOptions,
    ParquetPiece,
    ParquetSource,
    Plan,
    Resolver,
    Source,
    Summary,
    SummaryPart,
    TableSink,
    discard,
    output_kind,
    process_chunk,
    publish,
    read_piece,
)
from footprint.core.errors import InputError
from footprint.core.files import temp_file_beside

__all__ = ["run_dask", "SCHEDULERS"]

#: Local Dask schedulers; anything else is taken as a ``dask.distributed`` address.
SCHEDULERS = ("threads", "processes", "synchronous")


def _require_dask() -> Any:
    try:
        import dask
    except ImportError:
        raise InputError(
            "--engine dask needs Dask, which footprint does not install by default: "
            "pip install 'footprint[dask]'"
        ) from None
    return dask


def _task(
    piece: ParquetPiece,
    header: list[str],
    plan: Plan,
    resolver: Resolver,
    number: int,
    results_dir: str | None,
    results_kind: str,
    rejects_dir: str | None,
    rejects_kind: str,
) -> SummaryPart:
    """One piece: read, process, write its part files; return only its summary part."""
    part = process_chunk(read_piece(piece, header), plan, resolver)
    for directory, kind, which, frame in (
        (results_dir, results_kind, "results", part.results),
        (rejects_dir, rejects_kind, "rejects", part.rejects),
    ):
        if directory is None:
            continue
        sink = TableSink(Path(directory) / f"part-{number:05d}.{kind}", plan, which)
        try:
            sink.write(frame)
            sink.commit()
        except BaseException:
            sink.abort()
            raise
    return part.summary


class _DirectorySink:
    """Part files in a temporary directory; commit makes them the output.

    A Parquet output becomes the directory itself (a dataset of part files,
    read back with ``pandas.read_parquet``), marked as footprint's
    (:func:`footprint.core.files.mark_footprint_directory`) so that a later run may
    replace it, and only then; a CSV output is the parts joined into one file,
    the header once.
    """

    def __init__(self, path: Path, tmp_dir: Path, kind: str, what: str = "--output") -> None:
        self.path = path
        self.tmp_dir = tmp_dir
        self.kind = kind
        self.what = what
        self.joined: Path | None = None

    def close(self) -> None:
        if self.kind != "csv" or self.joined is not None:
            return
        parts = sorted(self.tmp_dir.glob("part-*.csv"))
        joined = temp_file_beside(self.path, self.what)
        self.joined = joined
        try:
            with joined.open("wb") as out:
                for i, part in enumerate(parts):
                    with part.open("rb") as fh:
                        header = fh.readline()
                        if i == 0:
                            out.write(header)
                        shutil.copyfileobj(fh, out)
        except OSError as exc:
            raise InputError(
                f"{self.what}: cannot write {str(self.path)!r} "
                f"({exc.strerror or type(exc).__name__})"
            ) from None

    def commit(self) -> None:
        self.close()
        if self.kind == "csv":
            assert self.joined is not None
            publish(self.joined, self.path, self.what)
            discard(self.tmp_dir)
        else:
            publish(self.tmp_dir, self.path, self.what, directory=True)

    def abort(self) -> None:
        discard(self.tmp_dir)
        discard(self.joined)


def run_dask(
    source: Source,
    plan: Plan,
    resolver: Resolver,
    summary: Summary,
    paths: dict[str, Path | None],
    scheduler: str,
    progress: Callable[[int, int | None], None] | None,
    options: BatchOptions,
    whats: Mapping[str, str] | None = None,
    kinds: Mapping[str, str] | None = None,
) -> list[Any]:
    """Process every piece of a Parquet dataset as a Dask task; return uncommitted sinks.

    Parameters
    ----------
    source : Parquet source from :func:`footprint.analyses.batch.open_source`.
    plan, resolver, summary : as for the pandas engine; ``summary`` receives every part.
    paths : dict
        ``results`` and ``rejects`` output paths (either may be None), checked with
        :func:`footprint.core.files.output_target` (a Parquet output may be a directory
        footprint wrote before: it is replaced).
    whats, kinds : dict, optional
        The option naming each output (for messages) and its kind (csv, parquet).
    scheduler : str
        ``threads``, ``processes``, ``synchronous`` or a ``dask.distributed``
        scheduler address (workers must see the output directory).
    progress : callable, optional
        ``progress(rows_done, rows_total)`` as tasks finish (local schedulers).
    """
    dask = _require_dask()
    if not isinstance(source, ParquetSource):
        raise InputError(
            "--engine dask reads Parquet (a file or a directory of them); for CSV or sacct "
            "input use --engine pandas, which streams in chunks with bounded memory"
        )
    sinks: list[_DirectorySink] = []
    client = None
    try:
        dirs: dict[str, tuple[str | None, str]] = {}
        for which in ("results", "rejects"):
            path = paths[which]
            if path is None:
                dirs[which] = (None, "csv")
                continue
            what = (whats or {}).get(which, f"--{which}")
            kind = (kinds or {}).get(which) or output_kind(path, what)
            tmp = temp_file_beside(path, what, directory=True)
            sinks.append(_DirectorySink(path, tmp, kind, what))
            dirs[which] = (str(tmp), kind)
        tasks = [
            dask.delayed(_task)(
                piece,
                source.header,
                plan,
                resolver,
                i,
                dirs["results"][0],
                dirs["results"][1],
                dirs["rejects"][0],
                dirs["rejects"][1],
                dask_key_name=f"footprint-batch-{i}",
            )
            for i, piece in enumerate(source.pieces)
        ]
        kwargs: dict[str, Any] = {}
        if scheduler in SCHEDULERS:
            kwargs["scheduler"] = scheduler
        else:
            try:
                from dask.distributed import Client
            except ImportError:
                raise InputError(
                    f"--scheduler {scheduler}: expected {', '.join(SCHEDULERS)} or the address "
                    "of a dask.distributed scheduler (pip install distributed)"
                ) from None
            client = Client(scheduler)
        with _progress(progress, source.total_rows(), scheduler in SCHEDULERS):
            parts = dask.compute(*tasks, **kwargs)
        for part in parts:
            summary.add(part)
    except BaseException:
        for sink in sinks:
            sink.abort()
        raise
    finally:
        if client is not None:
            client.close()
    return list(sinks)


@contextlib.contextmanager
def _progress(
    progress: Callable[[int, int | None], None] | None, total: int | None, local: bool
) -> Any:
    """Report rows done as tasks finish (local schedulers run Dask callbacks)."""
    if progress is None or not local:
        yield
        return
    from dask.callbacks import Callback

    done = [0]
    report = progress

    class _Rows(Callback):  # type: ignore[misc]
        def _posttask(self, key: Any, result: Any, dsk: Any, state: Any, worker: Any) -> None:
            if isinstance(result, SummaryPart):
                done[0] += result.rows_in
                report(done[0], total)

    with _Rows():
        yield
