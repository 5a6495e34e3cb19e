"""The Dask engine of ``footprint batch``: the same per-chunk computation, as Dask tasks.

Imported only with ``--engine dask`` (``pip install 'ai-compute-footprint[dask]'``, which installs
Dask and ``dask.distributed``). A Parquet dataset is cut into pieces of consecutive row
groups (:class:`footprint.analyses.batch.ParquetPiece`, the same pieces the pandas engine
reads one after the other); each piece is one task that reads it, runs
:func:`footprint.analyses.batch.process_chunk` and writes its results and rejects as
part files. Only the summary parts, exact integer sums, come back to the client, so a
dataset larger than memory (or than one machine, with a ``dask.distributed`` scheduler
and a shared file system) goes through with a piece per worker in memory. Results are
identical to the pandas engine's: the rows are computed by the same function, and the
summary's sums are exact.

Schedulers: the local ones (``threads``, ``processes``, ``synchronous``), ``local:N``
(a ``dask.distributed`` cluster of N single-threaded worker processes on this machine,
bound to 127.0.0.1) and the address of a running ``dask.distributed`` scheduler
(``tcp://host:8786``). With a scheduler, paths sent to the workers are absolute, the
task names carry a per-run token (two runs on one scheduler never share a task), a
scheduler that does not answer within :data:`CONNECT_TIMEOUT_S` (or has no worker by
then) is one :class:`~footprint.core.errors.InputError`, and the outputs are committed
only once every part file a worker wrote is seen from here (a worker writing to a disk
this machine does not see is an error, not a silently incomplete dataset).
"""

from __future__ import annotations

import contextlib
import dataclasses
import os
import re
import shutil
import time
import uuid
import warnings
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import CancelledError
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
    remote_uri,
)
from footprint.core.errors import InputError
from footprint.core.extras import install_hint
from footprint.core.files import temp_file_beside

__all__ = ["run_dask", "SCHEDULERS", "CONNECT_TIMEOUT_S", "parse_scheduler"]

#: Local Dask schedulers; ``local:N`` and addresses go through ``dask.distributed``.
SCHEDULERS = ("threads", "processes", "synchronous")

#: Seconds to wait for a ``dask.distributed`` scheduler to answer, then for its first
#: worker, and for the workers' part files to be seen on the shared file system.
CONNECT_TIMEOUT_S = 10.0

#: Most worker processes ``local:N`` starts.
MAX_LOCAL_WORKERS = 512

_LOCAL = re.compile(r"local:(\d+)")
#: ``scheme://host:port`` or ``host:port`` (scheme tcp).
_ADDRESS = re.compile(r"([a-z][a-z0-9+.-]*://)?[^\s/:]+(:\d+)?|[a-z][a-z0-9+.-]*://\S+")


def parse_scheduler(scheduler: str) -> tuple[str, str | int]:
    """``("local", name)``, ``("cluster", n_workers)`` or ``("address", address)``.

    Raises :class:`InputError` for anything else (a misspelt ``thread`` is refused at
    once rather than tried as a host name for :data:`CONNECT_TIMEOUT_S` seconds).
    """
    if not isinstance(scheduler, str):
        raise InputError(f"--scheduler: expected a name or an address, got {scheduler!r}")
    text = scheduler.strip()
    if text in SCHEDULERS:
        return "local", text
    local = _LOCAL.fullmatch(text)
    if local:
        n = int(local.group(1))
        if not 1 <= n <= MAX_LOCAL_WORKERS:
            raise InputError(
                f"--scheduler {scheduler}: expected local:N with N from 1 to {MAX_LOCAL_WORKERS}"
            )
        return "cluster", n
    if ("://" in text or ":" in text) and _ADDRESS.fullmatch(text):
        return "address", text
    raise InputError(
        f"--scheduler {scheduler!r}: expected {', '.join(SCHEDULERS)}, local:N (N worker "
        "processes on this machine) or the address of a dask.distributed scheduler "
        "(tcp://host:8786)"
    )


def _require_dask() -> Any:
    try:
        import dask
    except ImportError:
        raise InputError(
            "--engine dask needs Dask, which footprint does not install by default: "
            + install_hint("dask")
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
        sink = TableSink(Path(directory) / _part_name(number, kind), plan, which)
        try:
            sink.write(frame)
            sink.commit()
        except BaseException:
            sink.abort()
            raise
    return part.summary


def _part_name(number: int, kind: str) -> str:
    return f"part-{number:05d}.{kind}"


def _part_number(path: Path) -> int:
    """The piece number of a part file (``part-00012.csv`` -> 12), for ordering."""
    return int(path.name.split(".", 1)[0].removeprefix("part-"))


class _DirectorySink:
    """Part files in a temporary directory; commit makes them the output.

    A Parquet output becomes the directory itself (a dataset of part files,
    read back with ``pandas.read_parquet``), marked as footprint's
    (:func:`footprint.core.files.mark_footprint_directory`) so that a later run may
    replace it, and only then; a CSV output is the parts joined into one file,
    the header once, in piece order.
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
        parts = sorted(self.tmp_dir.glob("part-*.csv"), key=_part_number)
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
    plan, resolver, summary : as for the pandas engine; ``summary`` receives every part,
        in piece order.
    paths : dict
        ``results`` and ``rejects`` output paths (either may be None), checked with
        :func:`footprint.core.files.output_target` (a Parquet output may be a directory
        footprint wrote before: it is replaced).
    whats, kinds : dict, optional
        The option naming each output (for messages) and its kind (csv, parquet).
    scheduler : str
        ``threads``, ``processes``, ``synchronous``, ``local:N`` or the address of a
        ``dask.distributed`` scheduler (``tcp://host:8786``; its workers must see the
        input and the output folder at the same paths).
    progress : callable, optional
        ``progress(rows_done, rows_total)`` as tasks finish.
    """
    dask = _require_dask()
    if not isinstance(source, ParquetSource):
        raise InputError(
            "--engine dask reads Parquet (a file or a directory of them); for CSV or sacct "
            "input use --engine pandas, which streams in chunks with bounded memory"
        )
    how, target = parse_scheduler(scheduler)
    sinks: list[_DirectorySink] = []
    client: Any = None
    cluster: Any = None
    try:
        if how != "local":
            client, cluster = _connect(scheduler, how, target)
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
            # absolute: a worker's working folder is not this process's
            dirs[which] = (os.path.abspath(tmp), kind)
        pieces = list(source.pieces)
        if client is not None:
            pieces = [
                p if remote_uri(p.path) else dataclasses.replace(p, path=os.path.abspath(p.path))
                for p in pieces
            ]
        run = uuid.uuid4().hex[:12]  # no two runs on one scheduler share a task name
        shared = [
            dask.delayed(value, name=f"footprint-{name}-{run}", traverse=False)
            for name, value in (("plan", plan), ("resolver", resolver))
        ]
        tasks = [
            dask.delayed(_task, pure=False)(
                piece,
                source.header,
                *shared,
                i,
                dirs["results"][0],
                dirs["results"][1],
                dirs["rejects"][0],
                dirs["rejects"][1],
                dask_key_name=f"footprint-batch-{run}-{i}",
            )
            for i, piece in enumerate(pieces)
        ]
        if client is None:
            with _progress(progress, source.total_rows()):
                parts = list(dask.compute(*tasks, scheduler=target))
        else:
            parts = _compute_distributed(client, tasks, progress, source.total_rows(), scheduler)
            _check_parts(dirs, len(pieces), whats or {}, scheduler)
        for part in parts:
            summary.add(part)
    except BaseException:
        for sink in sinks:
            sink.abort()
        raise
    finally:
        _close(client, cluster)
    return list(sinks)


def _connect(scheduler: str, how: str, target: str | int) -> tuple[Any, Any]:
    """A ``dask.distributed`` client (and the local cluster it owns, for ``local:N``)."""
    try:
        from distributed import Client, LocalCluster
    except ImportError:
        raise InputError(
            f"--scheduler {scheduler}: needs dask.distributed, which footprint does not "
            "install by default: " + install_hint("dask")
        ) from None
    if how == "cluster":
        try:
            with warnings.catch_warnings():  # "port 8787 in use": no dashboard is asked for
                warnings.filterwarnings("ignore", message="Port .* is already in use")
                cluster = LocalCluster(
                    n_workers=int(target),
                    threads_per_worker=1,
                    processes=True,
                    host="127.0.0.1",
                    dashboard_address=":0",  # never the fixed 8787 another cluster may hold
                )
        except (OSError, RuntimeError, TimeoutError) as exc:
            raise InputError(
                f"--scheduler {scheduler}: cannot start local workers ({_reason(exc)})"
            ) from None
        try:
            return Client(cluster, set_as_default=False), cluster
        except BaseException:
            cluster.close()
            raise
    timeout = CONNECT_TIMEOUT_S
    try:
        client = Client(str(target), timeout=timeout, set_as_default=False)
    except (OSError, TimeoutError, ValueError) as exc:
        raise InputError(
            f"--scheduler {scheduler}: no dask.distributed scheduler answered within "
            f"{timeout:g} s ({_reason(exc)})"
        ) from None
    try:
        if not client.scheduler_info().get("workers"):
            client.wait_for_workers(1, timeout=timeout)
    except (OSError, TimeoutError) as exc:
        client.close()
        raise InputError(
            f"--scheduler {scheduler}: the scheduler has no worker (none joined within "
            f"{timeout:g} s: {_reason(exc)}); start workers with `dask worker {target}`"
        ) from None
    except BaseException:
        client.close()
        raise
    return client, None


def _reason(exc: BaseException) -> str:
    """The first line of an exception's message, or its type."""
    text = str(exc).strip().splitlines()
    return text[0] if text else type(exc).__name__


def _close(client: Any, cluster: Any) -> None:
    if client is not None:
        with contextlib.suppress(Exception):
            client.close()
    if cluster is not None:
        with contextlib.suppress(Exception):
            cluster.close()


def _compute_distributed(
    client: Any,
    tasks: Sequence[Any],
    progress: Callable[[int, int | None], None] | None,
    total: int | None,
    scheduler: str,
) -> list[SummaryPart]:
    """Run ``tasks`` on the cluster; their summary parts in task order.

    A worker lost over and over (``KilledWorker``) or a lost scheduler is one
    :class:`InputError`; an error a task raises (a damaged piece...) is raised as is.
    """
    from distributed import KilledWorker, as_completed
    from distributed.comm.core import CommClosedError

    futures = client.compute(list(tasks))
    where = {f.key: i for i, f in enumerate(futures)}
    parts: list[Any] = [None] * len(futures)
    done = 0
    try:
        for future in as_completed(futures, loop=client.loop):
            part = future.result()
            parts[where[future.key]] = part
            done += part.rows_in
            if progress is not None:
                progress(done, total)
    except KilledWorker as exc:
        raise InputError(
            f"--scheduler {scheduler}: workers died running a piece ({_reason(exc)}); "
            "see the workers' logs (memory: a smaller --chunk-size)"
        ) from None
    except (CommClosedError, CancelledError) as exc:  # the scheduler went away
        raise InputError(
            f"--scheduler {scheduler}: lost the scheduler during the run ({_reason(exc)})"
        ) from None
    finally:
        with contextlib.suppress(Exception):
            client.cancel(futures)
    return parts


def _check_parts(
    dirs: Mapping[str, tuple[str | None, str]], n: int, whats: Mapping[str, str], scheduler: str
) -> None:
    """Every part file the workers wrote is seen from here, else an InputError.

    A worker that wrote to a disk of its own (a node-local ``/tmp``) would otherwise
    leave a silently incomplete dataset. A shared file system may show a file written
    on another node a moment late: wait up to :data:`CONNECT_TIMEOUT_S` for them.
    """
    deadline = time.monotonic() + CONNECT_TIMEOUT_S
    for which, (directory, kind) in dirs.items():
        if directory is None:
            continue
        missing = [i for i in range(n) if not (Path(directory) / _part_name(i, kind)).is_file()]
        while missing and time.monotonic() < deadline:
            time.sleep(0.2)
            missing = [i for i in missing if not (Path(directory) / _part_name(i, kind)).is_file()]
        if missing:
            raise InputError(
                f"{whats.get(which, which)}: {len(missing)} of {n} part files the workers of "
                f"{scheduler} wrote are not in {directory!r}; outputs must be on a file system "
                "the workers and this machine share, at the same path"
            )


@contextlib.contextmanager
def _progress(progress: Callable[[int, int | None], None] | None, total: int | None) -> Any:
    """Report rows done as tasks finish (local schedulers run Dask callbacks)."""
    if progress is None:
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
