"""Run the footprint command line from a checkout: ``python cli.py estimate ...``.

Installed copies use the ``footprint`` script (or ``python -m footprint``); this
file only puts the checkout on the path and calls the same entry point.
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from footprint.cli import main  # noqa: E402

if __name__ == "__main__":
    main()
