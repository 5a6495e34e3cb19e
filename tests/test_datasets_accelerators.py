"""Integrity tests for the curated accelerator table ``datasets/accelerators.csv``."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pandas as pd
import pytest

from footprint.data import schemas
from footprint.data.loader import load_table

ROOT = Path(__file__).resolve().parent.parent
RAW_SOURCES = ROOT.parent / "shared" / "sources"

COLUMNS = [
    "name",
    "vendor",
    "family",
    "form_factor",
    "tdp_w",
    "tdp_low_w",
    "tdp_high_w",
    "memory_gb",
    "memory_bandwidth_gb_per_s",
    "peak_bf16_dense_tflop_per_s",
    "peak_fp8_dense_tflop_per_s",
    "peak_fp32_tflop_per_s",
    "release_year",
    "die_area_mm2",
    "process_nm",
    "aliases",
    "tdp_basis",
    "source",
    "source_url",
    "notes",
]
NUMERIC = COLUMNS[4:15]

REQUIRED = [
    "V100-SXM2-16GB", "V100-SXM2-32GB", "V100-PCIe-16GB", "V100-PCIe-32GB",
    "A100-40GB-SXM", "A100-80GB-SXM", "A100-40GB-PCIe", "A100-80GB-PCIe",
    "H100-SXM", "H100-PCIe", "H100-NVL", "H200-SXM", "H200-NVL",
    "B100", "B200", "GB200", "L4", "L40S", "L40", "T4", "A10G", "A10", "A30", "P100-PCIe-16GB",
    "MI250X", "MI250", "MI300X", "MI325X",
    "TPU-v2", "TPU-v3", "TPU-v4", "TPU-v5e", "TPU-v5p", "TPU-v6e",
    "Gaudi2", "Gaudi3", "Trainium1", "Trainium2", "Inferentia2",
]  # fmt: skip


def normalise(label: str) -> str:
    """Same matching rule as ``footprint.catalogues.hardware.normalise_name`` (a superset)."""
    return re.sub(r"[\s\-_/.]+", "", label.strip().lower())


@pytest.fixture(scope="module")
def df() -> pd.DataFrame:
    return load_table("accelerators")


@pytest.fixture(scope="module")
def by_name(df: pd.DataFrame) -> pd.DataFrame:
    return df.set_index("name")


def aliases_of(df: pd.DataFrame) -> list[tuple[str, str]]:
    """(row name, alias) pairs."""
    return [
        (name, alias.strip())
        for name, cell in zip(df["name"], df["aliases"].fillna(""), strict=True)
        for alias in cell.split(";")
        if alias.strip()
    ]


def test_schema_is_exact(df: pd.DataFrame) -> None:
    assert list(df.columns) == COLUMNS
    for col in NUMERIC:
        assert pd.api.types.is_numeric_dtype(df[col]), col


def test_enough_rows_and_required_names(df: pd.DataFrame) -> None:
    assert len(df) >= 35
    missing = sorted(set(REQUIRED) - set(df["name"]))
    assert not missing, missing


def test_every_row_has_a_source(df: pd.DataFrame) -> None:
    for col in ("name", "vendor", "family", "form_factor", "source", "source_url"):
        blank = df[df[col].isna() | df[col].astype(str).str.strip().eq("")]
        assert blank.empty, f"blank {col}: {list(blank['name'])}"
    assert df["source_url"].str.contains("https://").all()


def test_epoch_attribution_present(df: pd.DataFrame) -> None:
    epoch_rows = df[df["source"].str.contains("Epoch AI", regex=False)]
    assert len(epoch_rows) >= 30
    assert epoch_rows["source"].str.contains("CC BY 4.0", regex=False).all()


def test_names_unique(df: pd.DataFrame) -> None:
    keys = df["name"].map(normalise)
    assert not keys.duplicated().any(), list(df["name"][keys.duplicated()])


def test_each_alias_names_one_accelerator(df: pd.DataFrame) -> None:
    owner = {normalise(n): n for n in df["name"]}
    clashes = []
    for name, alias in aliases_of(df):
        key = normalise(alias)
        if owner.setdefault(key, name) != name:
            clashes.append((alias, owner[key], name))
    assert not clashes, clashes


def test_plain_names_resolve_to_model_card_parts(df: pd.DataFrame) -> None:
    index = {normalise(n): n for n in df["name"]}
    index.update({normalise(a): n for n, a in aliases_of(df)})
    expected = {
        "A100": "A100-80GB-SXM",
        "NVIDIA A100-SXM4-80GB": "A100-80GB-SXM",
        "a100 40gb": "A100-40GB-SXM",
        "H100": "H100-SXM",
        "NVIDIA H100 80GB HBM3": "H100-SXM",
        "h100 pcie": "H100-PCIe",
        "H200": "H200-SXM",
        "V100": "V100-SXM2-32GB",
        "Tesla T4": "T4",
        "TPU v4": "TPU-v4",
        "Trillium": "TPU-v6e",
        "Intel Gaudi 3": "Gaudi3",
    }
    for label, name in expected.items():
        assert index.get(normalise(label)) == name, label


def test_tdp_range(df: pd.DataFrame) -> None:
    tdp = df["tdp_w"].dropna()
    assert tdp.between(10, 2000, inclusive="neither").all(), df.loc[tdp.index, ["name", "tdp_w"]]


def test_tdp_present_for_merchant_silicon(df: pd.DataFrame) -> None:
    """NVIDIA, AMD and Intel publish TDPs; only cloud-only chips may lack one."""
    merchant = df[df["vendor"].isin(["NVIDIA", "AMD", "Intel"])]
    assert merchant["tdp_w"].notna().all(), list(merchant["name"][merchant["tdp_w"].isna()])


def test_every_tdp_is_sourced_or_labelled_derived(df: pd.DataFrame) -> None:
    """Every row has a power; a derived one has its basis, a range around it and a note."""
    assert df["tdp_w"].notna().all(), list(df["name"][df["tdp_w"].isna()])
    derived = df[df["tdp_basis"].fillna("").ne("")]
    assert set(derived["name"]) == {"TPU-v5p", "TPU-v6e", "Trainium1", "Inferentia2"}
    assert (derived["tdp_low_w"] <= derived["tdp_w"]).all()
    assert (derived["tdp_w"] <= derived["tdp_high_w"]).all()
    assert derived["notes"].str.contains("tdp_w derived, not published", regex=False).all()
    listed = df[df["tdp_basis"].fillna("").eq("")]
    assert listed["tdp_low_w"].isna().all() and listed["tdp_high_w"].isna().all()


def test_memory_range(df: pd.DataFrame) -> None:
    assert df["memory_gb"].notna().all()
    assert df["memory_gb"].between(4, 300, inclusive="neither").all()
    bw = df["memory_bandwidth_gb_per_s"]
    assert bw.notna().all() and (bw > 0).all()


def test_release_year_range(df: pd.DataFrame) -> None:
    assert df["release_year"].notna().all()
    assert df["release_year"].between(2010, 2026).all()
    assert (df["release_year"] == df["release_year"].round()).all()


def test_flops_ordering(df: pd.DataFrame) -> None:
    bf16, fp8, fp32 = (
        df["peak_bf16_dense_tflop_per_s"],
        df["peak_fp8_dense_tflop_per_s"],
        df["peak_fp32_tflop_per_s"],
    )
    both = bf16.notna() & fp32.notna()
    assert (bf16[both] > fp32[both]).all(), list(df["name"][both & (bf16 <= fp32)])
    both = bf16.notna() & fp8.notna()
    assert (fp8[both] >= bf16[both]).all(), list(df["name"][both & (fp8 < bf16)])
    for col in ("peak_bf16_dense_tflop_per_s", "peak_fp8_dense_tflop_per_s", "die_area_mm2"):
        assert (df[col].dropna() > 0).all(), col


def test_bf16_substitutes_are_documented(by_name: pd.DataFrame) -> None:
    for name in ("V100-SXM2-16GB", "V100-PCIe-32GB", "T4", "P100-PCIe-16GB"):
        assert "No BF16 support" in by_name.loc[name, "notes"], name


def test_superchip_cpu_share_is_documented(by_name: pd.DataFrame) -> None:
    assert "Grace CPU" in by_name.loc["GB200", "notes"]
    assert "NOT" in by_name.loc["GB200", "notes"]


@pytest.mark.parametrize(
    ("name", "column", "expected"),
    [
        ("A100-80GB-SXM", "tdp_w", 400),
        ("A100-40GB-SXM", "tdp_w", 400),
        ("A100-80GB-SXM", "peak_bf16_dense_tflop_per_s", 312),
        ("A100-80GB-SXM", "memory_gb", 80),
        ("A100-40GB-PCIe", "tdp_w", 250),
        ("A100-80GB-PCIe", "tdp_w", 300),
        ("H100-SXM", "tdp_w", 700),
        ("H100-SXM", "peak_bf16_dense_tflop_per_s", 989),
        ("H100-SXM", "peak_fp8_dense_tflop_per_s", 1979),
        ("H100-SXM", "memory_gb", 80),
        ("H100-SXM", "memory_bandwidth_gb_per_s", 3350),
        ("H100-PCIe", "tdp_w", 350),
        ("H200-SXM", "memory_gb", 141),
        ("V100-SXM2-32GB", "tdp_w", 300),
        ("T4", "tdp_w", 70),
        ("L4", "tdp_w", 72),
        ("MI300X", "tdp_w", 750),
    ],
)
def test_known_values(by_name: pd.DataFrame, name: str, column: str, expected: float) -> None:
    assert by_name.loc[name, column] == pytest.approx(expected, rel=0.01)


def test_overrides_carry_their_document(df: pd.DataFrame) -> None:
    """A row noted as overridden must cite more than Epoch in source and source_url."""
    for _, row in df[df["notes"].str.contains("Override (", regex=False)].iterrows():
        assert row["source"].count(";") >= 1 or "Epoch" not in row["source"], row["name"]
        assert row["source_url"].count("https://") >= 2 or "epoch.ai" not in row["source_url"]


@pytest.mark.skipif(not RAW_SOURCES.is_dir(), reason="raw sources not available")
def test_csv_matches_a_fresh_build(df: pd.DataFrame, tmp_path: Path) -> None:
    """The shipped CSV is what the builder produces from the raw sources today."""
    scripts = str(ROOT / "scripts")
    loaded = sys.modules.get("datasets")
    if loaded is not None and not str(getattr(loaded, "__file__", "")).startswith(scripts):
        pytest.skip("another package named 'datasets' is already imported")
    sys.path.insert(0, scripts)
    try:
        from datasets import accelerators as builder  # type: ignore[import-not-found]
    finally:
        sys.path.remove(scripts)
    (path,) = builder.build(RAW_SOURCES, tmp_path)
    schemas.validate_text(path.name, path.read_text(encoding="utf-8"))
    fresh = pd.read_csv(path)
    pd.testing.assert_frame_equal(fresh, df, check_dtype=False)
