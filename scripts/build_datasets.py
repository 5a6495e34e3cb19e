"""Rebuild the curated CSVs in ``datasets/`` from the raw sources in ``../shared/sources``.

Usage (from the repository root)::

    python scripts/build_datasets.py [--sources ../shared/sources] [--only NAME ...]

Each module in ``scripts/datasets/`` owns some tables and exposes
``build(sources: Path, out: Path) -> list[Path]``. This script is a developer tool: the
runtime package never reads ``../shared``; it reads only the CSVs written here.
"""

from __future__ import annotations

import argparse
import importlib
import pkgutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sources", type=Path, default=ROOT.parent / "shared" / "sources")
    parser.add_argument("--out", type=Path, default=ROOT / "datasets")
    parser.add_argument("--only", nargs="*", help="build only these modules")
    args = parser.parse_args(argv)
    sys.path.insert(0, str(ROOT / "scripts"))
    names = [m.name for m in pkgutil.iter_modules([str(ROOT / "scripts" / "datasets")])]
    names = [n for n in sorted(names) if not n.startswith("_")]
    if args.only:
        unknown = set(args.only) - set(names)
        if unknown:
            parser.error(f"unknown builder(s) {sorted(unknown)}; choose from {names}")
        names = [n for n in names if n in args.only]
    args.out.mkdir(parents=True, exist_ok=True)
    for name in names:
        module = importlib.import_module(f"datasets.{name}")
        written = module.build(args.sources, args.out)
        for path in written:
            print(f"{name}: wrote {path.relative_to(args.out.parent)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
