"""Cloud billing exports as batch input (``footprint.analyses.batch.billing``).

The fixtures in ``tests/data/billing/`` hold, per provider, accelerator usage rows, rows of
other services and CPU instances, rows that are not usage (fees, negations, reservations,
a GPU VM's CPU/RAM, licences, commitments), unknown instance types and bad cells. Every
row is in the results or the rejects with its reason; a p5.48xlarge hour is the footprint
of eight H100-hours, bit for bit what ``footprint estimate`` gives.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from click.testing import CliRunner

from footprint.analyses.batch import QUANTITIES, BatchOptions, run_batch
from footprint.analyses.batch.billing import BILLING_COLUMNS, BillingReader, canonical, detect
from footprint.analyses.batch.options import REASON_CODES
from footprint.catalogues.hardware import get_accelerator
from footprint.catalogues.instances import accelerator_type, get_instance, list_instances
from footprint.cli import cli
from footprint.core.errors import InputError

DATA = Path(__file__).parent / "data" / "billing"
AWS = DATA / "aws_cur.csv"
AWS_LEGACY = DATA / "aws_cur_legacy.csv"
GCP = DATA / "gcp_billing.csv"
AZURE = DATA / "azure_cost.csv"


def run(*args: str) -> object:
    return CliRunner().invoke(cli, list(args))


def batch(path: Path, tmp_path: Path, **options: Any) -> tuple[pd.DataFrame, pd.DataFrame, Any]:
    out, rej = tmp_path / "results.csv", tmp_path / "rejects.csv"
    report = run_batch(path, BatchOptions(**options), output=out, rejects=rej)
    results = pd.read_csv(out, dtype={"job_id": str, "project": str})
    rejects = pd.read_csv(rej, dtype=str)
    summary = report.summary
    assert summary.rows_in == summary.rows_out + summary.rows_rejected
    if path.suffix == ".csv":
        assert summary.rows_in == len(pd.read_csv(path, dtype=str))
    assert len(results) == summary.rows_out and len(rejects) == summary.rows_rejected
    assert sorted([*results["row"], *rejects["row"].astype(int)]) == list(
        range(1, summary.rows_in + 1)
    )
    return results, rejects, summary


def reasons(rejects: pd.DataFrame) -> dict[int, str]:
    return dict(zip(rejects["row"].astype(int), rejects["reason_code"], strict=True))


# --------------------------------------------------------------------------- catalogue


def test_every_instance_names_a_catalogued_accelerator() -> None:
    instances = list_instances()
    assert {i.provider for i in instances} == {"aws", "gcp", "azure"}
    for inst in instances:
        assert get_accelerator(inst.accelerator).name == inst.accelerator, inst
        assert inst.accelerators >= 1 and inst.source and inst.source_url.startswith("http")


@pytest.mark.parametrize(
    ("provider", "name", "accelerator", "count"),
    [
        ("aws", "p5.48xlarge", "H100-SXM", 8),
        ("aws", "p5e.48xlarge", "H200-SXM", 8),
        ("aws", "p5en.48xlarge", "H200-SXM", 8),
        ("aws", "p4d.24xlarge", "A100-40GB-SXM", 8),
        ("aws", "p4de.24xlarge", "A100-80GB-SXM", 8),
        ("aws", "p3.2xlarge", "V100-SXM2-16GB", 1),
        ("aws", "g5.12xlarge", "A10G", 4),
        ("aws", "g6.xlarge", "L4", 1),
        ("aws", "g6e.48xlarge", "L40S", 8),
        ("aws", "trn1.32xlarge", "Trainium1", 16),
        ("aws", "inf2.48xlarge", "Inferentia2", 12),
        ("aws", "ml.p4d.24xlarge", "A100-40GB-SXM", 8),  # SageMaker's prefix
        ("gcp", "a3-highgpu-8g", "H100-SXM", 8),
        ("gcp", "a3-megagpu-8g", "H100-SXM", 8),
        ("gcp", "a3-ultragpu-8g", "H200-SXM", 8),
        ("gcp", "a2-highgpu-4g", "A100-40GB-SXM", 4),
        ("gcp", "a2-ultragpu-8g", "A100-80GB-SXM", 8),
        ("gcp", "g2-standard-24", "L4", 2),
        ("gcp", "v5litepod-8", "TPU-v5e", 8),
        ("azure", "Standard_ND96isr_H100_v5", "H100-SXM", 8),
        ("azure", "Standard_ND96asr_v4", "A100-40GB-SXM", 8),
        ("azure", "ND96asr A100 v4", "A100-40GB-SXM", 8),  # the meter name of that size
        ("azure", "Standard_ND96amsr_A100_v4", "A100-80GB-SXM", 8),
        ("azure", "Standard_NC48ads_A100_v4", "A100-80GB-PCIe", 2),
        ("azure", "NC40ads H100 v5 Spot", "H100-NVL", 1),
        ("azure", "Standard_ND96isr_MI300X_v5", "MI300X", 8),
    ],
)
def test_instance_lookup(provider: str, name: str, accelerator: str, count: int) -> None:
    inst = get_instance(provider, name)
    assert inst is not None and (inst.accelerator, inst.accelerators) == (accelerator, count)


def test_azure_sizes_that_differ_only_by_accelerator_stay_apart() -> None:
    h100 = get_instance("azure", "Standard_ND96isr_H100_v5")
    h200 = get_instance("azure", "ND96isr H200 v5")
    assert h100 is not None and h200 is not None and h100.accelerator != h200.accelerator
    assert get_instance("azure", "ND96isr v5") is None  # ambiguous without the accelerator
    assert get_instance("aws", "m5.large") is None


def test_gcp_accelerator_types_match_sku_words() -> None:
    assert accelerator_type("Nvidia H100 80GB Mega") == "H100-SXM"
    assert accelerator_type("Nvidia Tesla A100") == "A100-40GB-SXM"
    assert accelerator_type("Nvidia A100 80GB") == "A100-80GB-SXM"
    assert accelerator_type("Nvidia H200 141GB") == "H200-SXM"
    assert accelerator_type("Nvidia RTX PRO 6000") is None


# --------------------------------------------------------------------------- detection


def test_column_spellings_and_detection() -> None:
    assert canonical("lineItem/UsageType") == "line_item_usage_type"
    assert canonical("costInBillingCurrency") == "cost_in_billing_currency"
    assert canonical("sku.description") == "sku_description"
    for path, provider in ((AWS, "aws"), (AWS_LEGACY, "aws"), (GCP, "gcp"), (AZURE, "azure")):
        header = path.read_text(encoding="utf-8").splitlines()[0].split(",")
        assert detect(header) == provider, path
    assert detect(["job_id", "accelerator", "count", "duration", "region"]) is None


def test_forced_format_names_the_missing_columns() -> None:
    header = GCP.read_text(encoding="utf-8").splitlines()[0].split(",")
    with pytest.raises(InputError, match="not a AWS Cost and Usage Report.*line_item_usage_amount"):
        BillingReader(header, "aws")
    with pytest.raises(InputError, match="--billing: expected aws, gcp, azure"):
        BillingReader(header, "oracle")
    with pytest.raises(InputError, match="not a billing export"):
        BillingReader(["job_id", "count"])


def test_new_reason_codes_are_documented() -> None:
    for code in ("no_accelerator", "not_usage", "unknown_instance"):
        assert code in REASON_CODES


# --------------------------------------------------------------------------- AWS


def test_aws_cur(tmp_path: Path) -> None:
    res, rej, summary = batch(AWS, tmp_path, region="aws:us-east-1")
    assert (summary.rows_in, summary.rows_out, summary.rows_rejected) == (13, 5, 8)
    assert reasons(rej) == {
        4: "no_accelerator",  # m5.large: a CPU instance
        5: "no_accelerator",  # S3 storage
        6: "not_usage",  # SavingsPlanNegation of a p5 hour
        7: "unknown_instance",  # p6-b200.48xlarge: not in cloud_instances.csv
        8: "bad_duration",  # usage amount 'abc'
        9: "unknown_region",  # aws:mars-east-1
        10: "bad_timestamp",  # start 'not-a-time'
        11: "no_accelerator",  # a tax line
    }
    assert summary.reasons["no_accelerator"] == 3
    p5 = res[res["instance_type"] == "p5.48xlarge"]
    assert p5["accelerator"].unique().tolist() == ["H100-SXM"]
    assert p5["count"].unique().tolist() == [8] and p5["accelerator_hours_h"].sum() == 24.0
    assert p5["job_id"].tolist() == [
        "i-0p5aaaaaaaaaaaaa@2024-05-01T00:00:00Z",
        "i-0p5aaaaaaaaaaaaa@2024-05-01T01:00:00Z",
        "i-0p5aaaaaaaaaaaaa@2024-05-01T00:00:00Z#2",  # made unique
    ]
    assert p5["region"].unique().tolist() == ["aws:us-east-1"]
    assert p5["project"].unique().tolist() == ["111122223333"]
    assert p5["billed_cost"].tolist() == [98.32, 98.32, 98.32]
    assert p5["billed_currency"].unique().tolist() == ["USD"]
    g5 = res.set_index("instance_type").loc["g5.xlarge"]
    assert (g5["accelerator_hours_h"], g5["region"]) == (0.5, "aws:us-west-2")
    g512 = res.set_index("instance_type").loc["g5.12xlarge"]  # no region: --region's
    assert (g512["count"], g512["accelerator_hours_h"], g512["region"]) == (4, 8.0, "aws:us-east-1")


def test_aws_row_without_region_needs_a_default(tmp_path: Path) -> None:
    _, rej, summary = batch(AWS, tmp_path)
    assert summary.rows_out == 4 and reasons(rej)[13] == "missing_value"


def test_p5_hour_equals_estimate_of_eight_h100_hours(tmp_path: Path) -> None:
    res, _, _ = batch(AWS, tmp_path)
    row = res[res["row"] == 1].iloc[0]
    assert (row["accelerator"], row["count"], row["duration_h"]) == ("H100-SXM", 8, 1.0)
    r = run(
        "estimate", "-a", "H100-SXM", "--gpu-hours", "8", "--region", "aws:us-east-1",
        "--year", "2024", "--format", "json",
    )  # fmt: skip
    assert r.exit_code == 0, r.output
    expected = json.loads(r.output)["results"]
    for col, key in QUANTITIES.items():
        assert row[col] == expected[key]["value"], col  # bit for bit


def test_aws_legacy_headers_and_sagemaker(tmp_path: Path) -> None:
    res, rej, _ = batch(AWS_LEGACY, tmp_path)
    got = res.set_index("instance_type")
    assert got.loc["p4de.24xlarge", "accelerator"] == "A100-80GB-SXM"  # DiscountedUsage counts
    assert got.loc["p4de.24xlarge", "accelerator_hours_h"] == 16.0
    assert got.loc["g5.2xlarge", "accelerator"] == "A10G"  # ml.g5.2xlarge
    assert reasons(rej) == {3: "no_accelerator"}  # an EBS volume


def test_job_ids_stay_unique_across_chunks(tmp_path: Path) -> None:
    whole, _, _ = batch(AWS, tmp_path, region="aws:us-east-1")
    small, _, summary = batch(AWS, tmp_path, region="aws:us-east-1", chunk_size=2)
    assert small["job_id"].tolist() == whole["job_id"].tolist()
    assert small["job_id"].is_unique and summary.duplicates()[0] == 0


def test_parquet_export_gives_the_csv_results(tmp_path: Path) -> None:
    frame = pd.read_csv(AWS, dtype=str, keep_default_na=False)
    frame["line_item_usage_amount"] = pd.to_numeric(frame["line_item_usage_amount"], "coerce")
    frame.loc[9, "line_item_usage_start_date"] = "2024-05-01T00:00:00Z"
    frame["line_item_usage_start_date"] = pd.to_datetime(frame["line_item_usage_start_date"])
    path = tmp_path / "cur.parquet"
    frame.to_parquet(path)
    res, rej, summary = batch(path, tmp_path, region="aws:us-east-1")
    assert summary.rows_in == 13
    # amount 'abc' became NaN (no duration); row 10's start was fixed: it is a job now
    assert reasons(rej)[8] == "missing_value" and 10 in res["row"].tolist()
    assert res.set_index("row").loc[1, "job_id"] == "i-0p5aaaaaaaaaaaaa@2024-05-01T00:00:00Z"


# --------------------------------------------------------------------------- GCP


def test_gcp_billing_export(tmp_path: Path) -> None:
    res, rej, summary = batch(GCP, tmp_path)
    assert (summary.rows_in, summary.rows_out) == (11, 3)
    assert reasons(rej) == {
        2: "not_usage",  # A3 Instance Core: the VM's vCPUs, its GPUs are on row 1
        3: "not_usage",  # A3 Instance Ram
        5: "no_accelerator",  # N1 core
        6: "no_accelerator",  # Cloud Storage
        7: "not_usage",  # a commitment fee
        8: "unknown_instance",  # RTX PRO 6000: not in the catalogues
        9: "unknown_instance",  # TPU SKU, not read yet
        10: "bad_duration",  # usage.amount 'lots'
    }
    got = res.set_index("row")
    # 28,800 GPU-seconds of an a3-highgpu-8g: 8 H100 x 1 h
    assert got.loc[1, ["accelerator", "count", "duration_h"]].tolist() == ["H100-SXM", 8, 1.0]
    assert got.loc[1, "accelerator_hours_h"] == 8.0 and got.loc[1, "region"] == "gcp:us-central1"
    assert got.loc[1, "instance_type"] == "a3-highgpu-8g" and got.loc[1, "project"] == "ml-training"
    # no machine type: 7,200 GPU-seconds are 2 GPU-hours; the region from the zone
    assert got.loc[4, "accelerator"] == "L4" and got.loc[4, "accelerator_hours_h"] == 2.0
    assert got.loc[4, "region"] == "gcp:europe-west4"
    assert got.loc[11, "accelerator"] == "T4"  # an N1-attached GPU, named by its SKU
    assert got.loc[1, "start"] == "2024-05-01T00:00:00Z"


# --------------------------------------------------------------------------- Azure


def test_azure_cost_export(tmp_path: Path) -> None:
    res, rej, summary = batch(AZURE, tmp_path)
    assert (summary.rows_in, summary.rows_out) == (9, 2)
    assert reasons(rej) == {
        3: "no_accelerator",  # D2s v3
        4: "no_accelerator",  # a managed disk
        5: "not_usage",  # UnusedReservation
        6: "unknown_instance",  # NC6s v3 (V100): not in cloud_instances.csv
        7: "bad_duration",  # Quantity '-'
        8: "not_usage",  # Windows licence meter of a GPU VM
        9: "unknown_region",  # azure:marscentral
    }
    got = res.set_index("row")
    assert got.loc[1, ["accelerator", "count", "accelerator_hours_h"]].tolist() == [
        "H100-SXM",
        8,
        192.0,
    ]
    assert got.loc[1, "region"] == "azure:eastus" and got.loc[1, "start"] == "2024-05-01T00:00:00Z"
    # Quantity 2.4 of '10 Hours' is 24 hours of one A100 80GB PCIe; 'West Europe'
    assert got.loc[2, ["accelerator", "accelerator_hours_h"]].tolist() == ["A100-80GB-PCIe", 24.0]
    assert got.loc[2, "region"] == "azure:westeurope"
    assert got.loc[2, "instance_type"] == "Standard_NC24ads_A100_v4"  # from the meter name


# --------------------------------------------------------------------------- CLI


def test_cli_reads_a_cur_and_reports_every_row(tmp_path: Path) -> None:
    r = run("batch", str(AWS), "--region", "aws:us-east-1", "--format", "json")
    assert r.exit_code == 0, r.output
    doc = json.loads(r.stdout)
    assert doc["rows"] == {"in": 13, "out": 5, "rejected": 8}
    assert doc["rejected_by_reason"]["no_accelerator"] == 3
    assert any("billing export (AWS" in n for n in doc["notes"])
    text = run("batch", str(AWS), "--region", "aws:us-east-1")
    assert "rows in = rows out + rows rejected: 13 = 5 + 8" in text.output
    assert "no_accelerator 3" in text.output


def test_cli_forced_format(tmp_path: Path) -> None:
    r = run("batch", str(AZURE), "--billing", "azure", "-o", str(tmp_path / "r.csv"))
    assert r.exit_code == 0, r.output
    assert pd.read_csv(tmp_path / "r.csv")["billing_provider"].unique().tolist() == ["azure"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--billing", "aws"], "not a AWS Cost and Usage Report / Data Export: missing column(s)"),
        (["--billing", "oracle"], "Invalid value for '--billing'"),
        (["--billing", "aws", "--engine", "dask"], "billing exports run on --engine pandas"),
    ],
)
def test_cli_bad_input_is_one_line_and_exit_2(
    tmp_path: Path, args: list[str], message: str
) -> None:
    out = tmp_path / "r.csv"
    r = run("batch", str(GCP), *args, "-o", str(out))
    assert r.exit_code == 2, r.output
    assert message in r.output and "Traceback" not in r.output
    if args[1] != "oracle":
        assert len(r.output.strip().splitlines()) == 1
    assert not out.exists()


def test_billing_columns_are_the_job_rows_columns() -> None:
    assert BILLING_COLUMNS[:8] == (
        "job_id", "accelerator", "count", "duration", "gpu_hours", "region", "start", "project",
    )  # fmt: skip
