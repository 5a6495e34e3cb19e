"""``footprint batch --engine dask`` on a real ``dask.distributed`` cluster.

A two-worker ``LocalCluster`` (worker processes, bound to 127.0.0.1) stands in for a
cluster: its workers unpickle the tasks, read the pieces, write the part files and send
only the summary parts back, as on a real one. The checks: the same per-job results,
rejects and summary as the pandas engine; the work done on the workers; paths relative
to this process's folder still found by the workers; a second run replacing the dataset
it wrote, never a directory it did not; two runs sharing a scheduler each getting their
own rows; an unreachable or worker-less scheduler one line and exit code 2, in seconds.
"""

from __future__ import annotations

import json
import os
import socket
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from click.testing import CliRunner

from footprint.analyses import batch_dask
from footprint.analyses.batch import BatchOptions, run_batch
from footprint.cli import cli
from footprint.core.errors import InputError
from footprint.core.files import OUTPUT_MARKER

distributed = pytest.importorskip("distributed")
pytest.importorskip("pyarrow")

GOOD = [
    ("H100-SXM", "8", "2023-03-01T00:00:00", "2023-03-02T00:00:00", "", "FR", ""),
    ("A100-80GB", "4", "", "", "3 days", "US", "2023"),
    ("h100 sxm", "2", "", "", "90 min", "DE", "2022"),
    ("L4", "3", "2024-01-31T22:15:30", "2024-02-01T01:00:00", "", "aws:us-east-1", ""),
    ("MI250X", "16", "", "", "0.1", "US-CA", "2023"),
    ("A100-40GB", "64", "2022-06-01T08:00:00+02:00", "2022-06-03T08:00:00+02:00", "", "SE", ""),
]
BAD = [
    ("H10", "2", "", "", "2", "FR", "2023"),  # unknown accelerator
    ("H100-SXM", "-1", "", "", "2", "FR", "2023"),  # negative count
    ("H100-SXM", "1", "2023-03-02T00:00:00", "2023-03-01T01:00:00", "", "FR", ""),  # end < start
    ("H100-SXM", "1", "", "", "2", "Atlantis", "2023"),  # unknown region
]
COLUMNS = ["job_id", "accelerator", "count", "start", "end", "duration", "region", "year", "user"]


def _frame(n: int) -> pd.DataFrame:
    rows = []
    for i in range(n):
        bad = i % 7 == 3
        cells = BAD[i % len(BAD)] if bad else GOOD[i % len(GOOD)]
        rows.append((f"{'b' if bad else 'g'}{i}", *(c or None for c in cells), f"user{i % 4}"))
    return pd.DataFrame(rows, columns=COLUMNS)


@pytest.fixture(scope="module")
def dataset(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Three Parquet files in Hive folders, row groups of 5: 13 pieces at --chunk-size 5."""
    root = tmp_path_factory.mktemp("lake") / "jobs"
    frame = _frame(63)
    for k, (a, b) in enumerate(((0, 25), (25, 50), (50, 63))):
        folder = root / f"site=s{k}"
        folder.mkdir(parents=True)
        frame.iloc[a:b].to_parquet(folder / f"part.{k}.parquet", index=False, row_group_size=5)
    return root


@pytest.fixture(scope="module")
def cluster() -> Iterator[Any]:
    """A real two-worker cluster: separate processes that unpickle and run the tasks."""
    with distributed.LocalCluster(
        n_workers=2,
        threads_per_worker=1,
        processes=True,
        host="127.0.0.1",
        dashboard_address=":0",
    ) as local:
        yield local


def run(*args: Any) -> Any:
    return CliRunner().invoke(cli, [str(a) for a in args])


def _executed(address: str) -> int:
    """Tasks the cluster's workers have run so far."""
    with distributed.Client(address, timeout=10, set_as_default=False) as client:
        counts = client.run(lambda dask_worker: dask_worker.state.executed_count)
    return sum(counts.values())


def _summary(text: str) -> dict[str, Any]:
    summary = json.loads(text)
    summary.pop("outputs")
    return summary


def test_distributed_gives_the_pandas_engine_results(
    dataset: Path, cluster: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # paths relative to a folder the workers do not run in: they must get absolute ones
    monkeypatch.chdir(tmp_path)
    jobs = os.path.relpath(dataset, tmp_path)
    options = ("--chunk-size", "5", "-g", "user", "--format", "json")
    a = run("batch", jobs, "-o", "a.parquet", "--summary", "a.json", *options)
    before = _executed(cluster.scheduler_address)
    b = run(
        "batch", jobs, "-o", "b.parquet", "--summary", "b.json", "--engine", "dask",
        "--scheduler", cluster.scheduler_address, *options,
    )  # fmt: skip
    assert a.exit_code == 0, a.output
    assert b.exit_code == 0, b.output
    assert _executed(cluster.scheduler_address) - before >= 13  # one task per piece, there
    pandas_rows = pd.read_parquet("a.parquet")
    parts = sorted(p.name for p in Path("b.parquet").iterdir())
    assert parts == [OUTPUT_MARKER, *[f"part-{i:05d}.parquet" for i in range(13)]]
    dask_rows = pd.read_parquet("b.parquet").sort_values("row", ignore_index=True)
    assert len(pandas_rows) == 54
    pd.testing.assert_frame_equal(pandas_rows, dask_rows)
    rejects_a, rejects_b = pd.read_csv("a.rejects.csv"), pd.read_csv("b.rejects.csv")
    assert len(rejects_a) == 9
    pd.testing.assert_frame_equal(rejects_a, rejects_b)
    assert _summary(a.stdout) == _summary(b.stdout)  # totals exact, whatever the engine
    assert _summary(Path("a.json").read_text()) == _summary(Path("b.json").read_text())


def test_distributed_csv_output_keeps_row_order(
    dataset: Path, cluster: Any, tmp_path: Path
) -> None:
    out = tmp_path / "r.csv"
    r = run(
        "batch", dataset, "-o", out, "--engine", "dask", "--scheduler",
        cluster.scheduler_address, "--chunk-size", "5",
    )  # fmt: skip
    assert r.exit_code == 0, r.output
    rows = pd.read_csv(out)["row"]
    assert rows.is_monotonic_increasing and len(rows) == 54


def test_second_distributed_run_replaces_the_dataset_it_wrote(
    dataset: Path, cluster: Any, tmp_path: Path
) -> None:
    out = tmp_path / "r.parquet"
    for chunk, pieces in (("5", 13), ("25", 3)):  # fewer parts: none of the first run stays
        r = run(
            "batch", dataset, "-o", out, "--engine", "dask", "--scheduler",
            cluster.scheduler_address, "--chunk-size", chunk,
        )  # fmt: skip
        assert r.exit_code == 0, r.output
        names = sorted(p.name for p in out.iterdir())
        assert names == [OUTPUT_MARKER, *[f"part-{i:05d}.parquet" for i in range(pieces)]]
        assert len(pd.read_parquet(out)) == 54
    assert sorted(p.name for p in tmp_path.iterdir()) == ["r.parquet", "r.rejects.csv"]


def test_distributed_does_not_replace_a_directory_it_did_not_write(
    dataset: Path, cluster: Any, tmp_path: Path
) -> None:
    out = tmp_path / "r.parquet"
    out.mkdir()
    (out / "mine.parquet").write_text("not footprint's")
    r = run(
        "batch", dataset, "-o", out, "--engine", "dask", "--scheduler", cluster.scheduler_address
    )
    assert r.exit_code == 2 and "did not write" in r.output
    assert sorted(p.name for p in out.iterdir()) == ["mine.parquet"]


def test_two_runs_sharing_a_scheduler_get_their_own_rows(
    dataset: Path, cluster: Any, tmp_path: Path
) -> None:
    def one(name: str) -> int:
        report = run_batch(
            dataset,
            BatchOptions(chunk_size=5),
            output=tmp_path / f"{name}.parquet",
            engine="dask",
            scheduler=cluster.scheduler_address,
        )
        return report.summary.rows_out

    with ThreadPoolExecutor(2) as pool:
        assert list(pool.map(one, ["x", "y"])) == [54, 54]
    for name in ("x", "y"):
        assert len(pd.read_parquet(tmp_path / f"{name}.parquet")) == 54


def test_distributed_reports_progress(dataset: Path, cluster: Any, tmp_path: Path) -> None:
    seen: list[tuple[int, int | None]] = []
    run_batch(
        dataset,
        BatchOptions(chunk_size=25),
        output=tmp_path / "r.parquet",
        engine="dask",
        scheduler=cluster.scheduler_address,
        progress=lambda done, total: seen.append((done, total)),
    )
    assert len(seen) == 3 and seen[-1] == (63, 63)
    assert [d for d, _ in seen] == sorted(d for d, _ in seen)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_unreachable_scheduler_is_one_line_and_exit_2(
    dataset: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(batch_dask, "CONNECT_TIMEOUT_S", 1.0)
    address = f"tcp://127.0.0.1:{_free_port()}"
    start = time.monotonic()
    r = run(
        "batch", dataset, "-o", tmp_path / "r.parquet", "--engine", "dask", "--scheduler", address
    )
    assert time.monotonic() - start < 10
    assert r.exit_code == 2, r.output
    assert r.output.count("\n") == 1 and "no dask.distributed scheduler answered" in r.output
    assert list(tmp_path.iterdir()) == []  # nothing written, no temporary left


def test_scheduler_without_workers_is_one_line_and_exit_2(
    dataset: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(batch_dask, "CONNECT_TIMEOUT_S", 1.0)
    with distributed.LocalCluster(
        n_workers=0, processes=True, host="127.0.0.1", dashboard_address=":0"
    ) as empty:
        r = run(
            "batch", dataset, "-o", tmp_path / "r.parquet", "--engine", "dask",
            "--scheduler", empty.scheduler_address,
        )  # fmt: skip
    assert r.exit_code == 2, r.output
    assert "has no worker" in r.output and r.output.count("\n") == 1
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    ("scheduler", "expected"),
    [
        ("threads", ("local", "threads")),
        ("synchronous", ("local", "synchronous")),
        ("local:3", ("cluster", 3)),
        ("tcp://10.0.0.5:8786", ("address", "tcp://10.0.0.5:8786")),
        ("node17:8786", ("address", "node17:8786")),
        ("tls://[::1]:8786", ("address", "tls://[::1]:8786")),
    ],
)
def test_scheduler_names(scheduler: str, expected: tuple[str, Any]) -> None:
    assert batch_dask.parse_scheduler(scheduler) == expected


@pytest.mark.parametrize("scheduler", ["thread", "local:0", "local:x", "", "tcp://", "a b:1"])
def test_bad_scheduler_names_are_refused_at_once(scheduler: str) -> None:
    with pytest.raises(InputError, match="--scheduler"):
        batch_dask.parse_scheduler(scheduler)


def test_part_files_a_worker_wrote_elsewhere_are_an_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # what a worker writing to its own node-local disk looks like from the client
    monkeypatch.setattr(batch_dask, "CONNECT_TIMEOUT_S", 0.2)
    folder = tmp_path / ".r.parquet.x.tmp"
    folder.mkdir()
    (folder / "part-00000.parquet").write_bytes(b"")
    dirs: dict[str, tuple[str | None, str]] = {
        "results": (str(folder), "parquet"),
        "rejects": (None, "csv"),
    }
    batch_dask._check_parts(dirs, 1, {"results": "--output"}, "tcp://x:1")
    with pytest.raises(InputError, match="2 of 3 part files.*share"):
        batch_dask._check_parts(dirs, 3, {"results": "--output"}, "tcp://x:1")


def test_local_cluster_scheduler(dataset: Path, tmp_path: Path) -> None:
    """``--scheduler local:N`` starts N worker processes on this machine for the run."""
    a = run("batch", dataset, "-o", tmp_path / "a.parquet", "--format", "json")
    b = run(
        "batch", dataset, "-o", tmp_path / "b.parquet", "--engine", "dask",
        "--scheduler", "local:2", "--format", "json",
    )  # fmt: skip
    assert a.exit_code == b.exit_code == 0, (a.output, b.output)
    assert _summary(a.stdout) == _summary(b.stdout)
    rows = pd.read_parquet(tmp_path / "b.parquet").sort_values("row", ignore_index=True)
    pd.testing.assert_frame_equal(pd.read_parquet(tmp_path / "a.parquet"), rows)
