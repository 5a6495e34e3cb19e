"""Write ``footprint/core/pint_definitions.json``: pint's default definitions and units.txt, parsed.

Usage (from the repository root)::

    python scripts/build_unit_definitions.py [--check]

Run it after changing ``footprint/core/units.txt`` or upgrading pint. footprint uses the
written definitions only for the pint version and the file contents they were written
from, and parses the text files otherwise (about 0.1 s more per start), so a stale file
is slow, never wrong. ``--check`` writes nothing and exits 1 if the file is stale (for
CI; ``tests/test_unit_registry.py`` checks the same).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="compare, write nothing")
    args = parser.parse_args(argv)
    sys.path.insert(0, str(ROOT))
    from footprint.core.unit_registry import SHIPPED, definitions_data, write_definitions

    shown = SHIPPED.relative_to(ROOT) if SHIPPED.is_relative_to(ROOT) else SHIPPED
    if args.check:
        current = SHIPPED.read_text(encoding="utf-8") if SHIPPED.exists() else ""
        if current != definitions_data():
            print(f"{shown} is stale: run python scripts/{Path(__file__).name}")
            return 1
        print(f"{shown} is up to date")
        return 0
    write_definitions(SHIPPED)
    print(f"wrote {shown}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
