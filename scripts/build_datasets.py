"""Rebuild the curated CSVs in ``datasets/`` from the raw sources in ``../shared/sources``.

Usage (from the repository root)::

    python scripts/build_datasets.py [--sources ../shared/sources] [--only NAME ...]
    python scripts/build_datasets.py --manifest-only

Each module in ``scripts/datasets/`` owns some tables and exposes
``build(sources: Path, out: Path) -> list[Path]``. This script is a developer tool: the
runtime package never reads ``../shared``; it reads only the CSVs written here.

After building, every data file in the output folder is checked against its schema
(``footprint/data/schemas.py``) and ``MANIFEST.sha256`` is rewritten (SHA-256 and row count of
each file; footprint refuses files that do not match it). ``--manifest-only`` skips the
build and does just that (as ``scripts/update_manifest.py`` does).
"""

from __future__ import annotations

import argparse
import importlib
import pkgutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

#: Builders whose output other builders read from the output folder run first:
#: demand, equivalences, prices and subnational read zones.csv (and subnational
#: grid_intensity.csv) from grid; hourly reads cloud_regions.csv from facilities; power reads
#: servers.csv and accelerators.csv (its reference systems); marginal reads zones.csv and
#: zones_subnational.csv (from subnational), and hourly_series its eGRID subregions (the
#: grid zones of Cambium's regions). The others run in name order.
RUN_FIRST = ("grid", "facilities", "accelerators", "servers", "subnational")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sources", type=Path, default=ROOT.parent / "shared" / "sources")
    parser.add_argument("--out", type=Path, default=ROOT / "datasets")
    parser.add_argument("--only", nargs="*", help="build only these modules")
    parser.add_argument(
        "--manifest-only",
        action="store_true",
        help="build nothing: check the schemas and rewrite MANIFEST.sha256",
    )
    args = parser.parse_args(argv)
    sys.path.insert(0, str(ROOT / "scripts"))
    from update_manifest import update

    if args.manifest_only:
        return update(args.out)
    names = [m.name for m in pkgutil.iter_modules([str(ROOT / "scripts" / "datasets")])]
    names = [n for n in sorted(names) if not n.startswith("_")]
    names.sort(key=lambda n: (n not in RUN_FIRST, RUN_FIRST.index(n) if n in RUN_FIRST else 0))
    if args.only:
        unknown = set(args.only) - set(names)
        if unknown:
            parser.error(f"unknown builder(s) {sorted(unknown)}; choose from {sorted(names)}")
        names = [n for n in names if n in args.only]
    args.out.mkdir(parents=True, exist_ok=True)
    for name in names:
        module = importlib.import_module(f"datasets.{name}")
        written = module.build(args.sources, args.out)
        for path in written:
            print(f"{name}: wrote {path.relative_to(args.out.parent)}")
    return update(args.out)


if __name__ == "__main__":
    raise SystemExit(main())
