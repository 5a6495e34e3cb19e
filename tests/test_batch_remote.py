"""Parquet job logs read through pyarrow's file systems by URI (s3://, gs://, file://...).

Offline, the ``file://`` scheme takes the same path as an object store: the dataset is
listed and read through ``pyarrow.fs`` and its pieces carry URIs, which Dask workers
open themselves. Results equal those of the local path."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from footprint.analyses.batch import BatchOptions, run_batch
from footprint.cli import cli

pa = pytest.importorskip("pyarrow")
pq = pytest.importorskip("pyarrow.parquet")


@pytest.fixture
def lake(tmp_path: Path) -> Path:
    root = tmp_path / "lake"
    for year, first in ((2023, 0), (2024, 40)):
        folder = root / f"year={year}"
        folder.mkdir(parents=True)
        frame = pd.DataFrame(
            {
                "job_id": [f"j{first + i}" for i in range(40)],
                "user": [f"u{i % 3}" for i in range(40)],
                "accelerator": ["H100-SXM", "A100-80GB", "nope", "L4"] * 10,
                "gpu_hours": [float(1 + i) for i in range(40)],
                "region": ["FR", "US", "DE", "aws:us-east-1"] * 10,
            }
        )
        pq.write_table(pa.Table.from_pandas(frame), folder / "part-0.parquet", row_group_size=16)
    (root / "_SUCCESS").write_text("")
    return root


def _run(path: str, tmp: Path, name: str, engine: str = "pandas") -> tuple[pd.DataFrame, dict]:
    out = tmp / f"{name}.parquet"
    run_batch(
        path,
        BatchOptions(group_by=("year",)),
        output=out,
        summary_path=tmp / f"{name}.json",
        engine=engine,
        scheduler="synchronous",
    )
    results = pd.read_parquet(out).sort_values("row").reset_index(drop=True)
    return results, json.loads((tmp / f"{name}.json").read_text())


@pytest.mark.parametrize("engine", ["pandas", "dask"])
def test_a_file_uri_reads_as_the_local_path(lake: Path, tmp_path: Path, engine: str) -> None:
    if engine == "dask":
        pytest.importorskip("dask")
    local, local_summary = _run(str(lake), tmp_path, "local")
    remote, remote_summary = _run(lake.as_uri() + "/", tmp_path, f"uri-{engine}", engine)
    pd.testing.assert_frame_equal(local, remote)
    assert remote_summary["totals"] == local_summary["totals"]
    assert remote_summary["rows"] == {"in": 80, "out": 60, "rejected": 20}
    assert set(remote["year"].astype(str)) == {"2023", "2024"}  # Hive folders read


def test_one_file_by_uri(lake: Path, tmp_path: Path) -> None:
    one = lake / "year=2023" / "part-0.parquet"
    results, summary = _run(one.as_uri(), tmp_path, "one")
    assert summary["rows"]["in"] == 40 and len(results) == 30


@pytest.mark.parametrize(
    ("uri", "message"),
    [
        ("ftp://example.org/jobs.parquet", "cannot read ftp://"),
        ("file:///no/such/lake/", "no such file or directory"),
    ],
)
def test_unreadable_uris_are_one_line(uri: str, message: str) -> None:
    out = CliRunner().invoke(cli, ["batch", uri])
    assert out.exit_code == 2, out.output
    assert message in out.output and "Traceback" not in out.output


def test_a_prefix_without_parquet_files(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    (tmp_path / "empty" / "notes.txt").write_text("x")
    out = CliRunner().invoke(cli, ["batch", (tmp_path / "empty").as_uri()])
    assert out.exit_code == 2 and "no Parquet files under this prefix" in out.output


def test_csv_is_not_read_from_an_object_store() -> None:
    out = CliRunner().invoke(cli, ["batch", "file:///tmp/jobs.csv", "--input-format", "csv"])
    assert out.exit_code == 2 and "only Parquet is read from an object store" in out.output
