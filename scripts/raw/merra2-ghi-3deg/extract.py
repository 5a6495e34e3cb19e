"""Extract monthly mean global horizontal irradiance per grid cell from gsee-climate-data.

Reads ``merra2_rad3x3_2011-2015_pdfs_land_prox.npz`` (the data file of the PyPI wheel
``gsee-climate-data`` 1.0.0: monthly histograms of the daily mean GHI of NASA MERRA-2,
2011-2015, on a 3 x 3 degree grid over land and near-land cells) and writes
``merra2_ghi_monthly_3deg.csv`` beside this script: for every grid point with data, the
mean of each month's histogram, sum(xk * pk) / sum(pk) [W/m², the mean of the daily means,
i.e. the month's mean GHI], blank for a month without a histogram (polar night).

Usage (developer tool; the dataset build reads only the CSV)::

    python -m pip download gsee-climate-data==1.0.0 --no-deps -d /tmp/gcd
    unzip /tmp/gcd/gsee_climate_data-1.0.0-py3-none-any.whl -d /tmp/gcd/wheel
    python scripts/raw/merra2-ghi-3deg/extract.py \
        /tmp/gcd/wheel/gsee_climate_data/data/merra2_rad3x3_2011-2015_pdfs_land_prox.npz
"""

from __future__ import annotations

import hashlib
import sys
from pathlib import Path

import numpy as np

#: SHA-256 of the data file in gsee_climate_data-1.0.0-py3-none-any.whl.
NPZ_SHA256 = "f4719cdebcb6fadcf807e8be4b87d870347a0ad8fa538d385dca3731e043c9b1"
OUT = Path(__file__).resolve().parent / "merra2_ghi_monthly_3deg.csv"


def main(npz: str) -> int:
    data = Path(npz).read_bytes()
    digest = hashlib.sha256(data).hexdigest()
    if digest != NPZ_SHA256:
        raise SystemExit(f"{npz}: SHA-256 {digest}, expected {NPZ_SHA256}")
    arrays = np.load(npz)
    xk = arrays["xk"].astype("f8")
    pk = np.nan_to_num(arrays["pk"].astype("f8"))
    if list(arrays["month"]) != list(range(1, 13)):
        raise SystemExit("expected months 1..12")
    weight = pk.sum(axis=-1)
    mean = np.where(
        weight > 0, (np.nan_to_num(xk) * pk).sum(axis=-1) / np.where(weight > 0, weight, 1), np.nan
    )
    lines = ["latitude,longitude," + ",".join(f"ghi_w_per_m2_m{m:02d}" for m in range(1, 13))]
    for i, lat in enumerate(arrays["lat"]):
        for j, lon in enumerate(arrays["lon"]):
            if not (weight[i, j] > 0).any():
                continue
            cells = ["" if np.isnan(v) else f"{v:.2f}" for v in mean[i, j]]
            lines.append(f"{lat:g},{lon:g}," + ",".join(cells))
    OUT.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"wrote {OUT} ({len(lines) - 1} grid points)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1]))
