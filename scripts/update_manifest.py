"""Check every curated data file against its schema and rewrite ``datasets/MANIFEST.sha256``.

Usage (from the repository root)::

    python scripts/update_manifest.py [--datasets DIR] [--check]

footprint refuses to load a data file whose SHA-256 differs from its manifest entry, or
that has none. ``scripts/build_datasets.py`` rewrites the manifest after every build; run
this script after editing a data file by hand. Every file is first checked against its
schema in ``footprint/data/schemas.py``: the manifest is not written while one fails.
``--check`` writes nothing and exits 1 if the manifest is stale (for CI).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def check_schemas(root: Path) -> list[str]:
    """One message per data file under ``root`` that has no schema or breaks it."""
    from footprint.core.errors import DataError
    from footprint.data import schemas
    from footprint.data.loader import data_files, data_text

    problems = []
    for file in data_files(root):
        try:
            schemas.validate_text(file, data_text(file, (root / file).read_bytes()))
        except DataError as exc:
            problems.append(str(exc))
    return problems


def update(root: Path, check: bool = False) -> int:
    """Validate the data files under ``root`` and write (or, with ``check``, compare) the
    manifest; return a process exit code (0: written or up to date)."""
    from footprint.data.loader import MANIFEST, manifest_text, write_manifest

    problems = check_schemas(root)
    for problem in problems:
        print(f"error: {problem}", file=sys.stderr)
    if problems:
        print(f"{MANIFEST} not written: fix the files above first", file=sys.stderr)
        return 1
    path = root / MANIFEST
    if check:
        current = path.read_text(encoding="utf-8") if path.is_file() else ""
        if current != manifest_text(root):
            print(f"{path} is stale: run python scripts/update_manifest.py", file=sys.stderr)
            return 1
        print(f"{path} is up to date")
        return 0
    write_manifest(root)
    print(f"wrote {path}")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--datasets", type=Path, default=ROOT / "datasets")
    parser.add_argument("--check", action="store_true", help="compare only; exit 1 if stale")
    args = parser.parse_args(argv)
    return update(args.datasets, check=args.check)


if __name__ == "__main__":
    raise SystemExit(main())
