"""Purchase prices of accelerators: the default capital cost of ``--ownership``.

Writes ``accelerator_prices.csv``: one row per catalogue accelerator (``accelerators.csv``)
whose Epoch AI row ("Data on Machine Learning Hardware", CC BY 4.0,
``epoch-ml-hardware/ml_hardware.csv``) has a "Release price (USD)". The rows of the
catalogue come from the same mapping as ``accelerators.csv`` (``accelerators.ROWS``, each
row's ``epoch`` name), so a price belongs to exactly the part the catalogue describes; a
part whose Epoch row has no price (A100 80GB, H200, TPUs...) gets no row, and
``footprint`` then asks for ``--gpu-capex``.

The prices are list or street prices at release, in US dollars of that time, as Epoch
records them with their own source (``source_url``: Epoch's "Source for the price"; Epoch's
note kept in ``note``). Some are per GPU within a whole server (H100 SXM: a DGX H100's price
/ 8), which the note says; they are not what a hyperscaler pays, which is the honest
reason for ``--gpu-capex``.
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from datasets._common import write_csv
from datasets.accelerators import ROWS

EPOCH_SOURCE = "Epoch AI ML Hardware, 'Release price (USD)' (CC BY 4.0)"
EPOCH_URL = "https://epoch.ai/data/machine-learning-hardware"
_URL = re.compile(r"https?://\S+")


def build_table(sources: Path) -> pd.DataFrame:
    epoch = pd.read_csv(sources / "epoch-ml-hardware" / "ml_hardware.csv")
    epoch = epoch.set_index("Hardware name")
    rows = []
    for row in ROWS:
        hw = row.get("epoch")
        if hw is None or hw not in epoch.index:
            continue
        rec = epoch.loc[hw]
        price = pd.to_numeric(rec["Release price (USD)"], errors="coerce")
        if pd.isna(price):
            continue
        said = "" if pd.isna(rec["Source for the price"]) else str(rec["Source for the price"])
        urls = _URL.findall(said)
        text = " ".join(_URL.sub("", said).split())
        rows.append(
            {
                "name": row["name"],
                "purchase_price_usd": float(price),
                "release_date": str(rec["Release date"])[:10],
                "epoch_row": hw,
                "source": EPOCH_SOURCE,
                "source_url": urls[0] if urls else EPOCH_URL,
                "note": (
                    f"Epoch row '{hw}'"
                    + (f"; Epoch's note: {text}" if text else "")
                    + ("" if urls else "; Epoch gives no source for this price")
                ),
            }
        )
    df = pd.DataFrame(rows)
    if df["name"].duplicated().any():
        raise ValueError("accelerator_prices: a catalogue name repeats")
    return df


def build(sources: Path, out: Path) -> list[Path]:
    return [write_csv(build_table(sources), out / "accelerator_prices.csv")]
