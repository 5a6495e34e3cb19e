"""Helpers shared by the dataset builders (writing CSVs the same way everywhere)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd


def write_csv(df: pd.DataFrame, path: Path, float_format: str = "%.6g") -> Path:
    """Write ``df`` as UTF-8 CSV without BOM or index, with stable float formatting."""
    path.parent.mkdir(parents=True, exist_ok=True)
    df.to_csv(path, index=False, float_format=float_format, lineterminator="\n")
    return path
