"""Shared test setup: the special-file guard for this process and every subprocess.

See ``tests/_guard/sitecustomize.py``: no test, and no ``python -m footprint`` the tests
start, may replace a device, FIFO or socket of the machine.
"""

from __future__ import annotations

import importlib.util
import os
from pathlib import Path

_GUARD = Path(__file__).resolve().parent / "_guard"
os.environ["PYTHONPATH"] = os.pathsep.join(
    [str(_GUARD), *([os.environ["PYTHONPATH"]] if os.environ.get("PYTHONPATH") else [])]
)
_spec = importlib.util.spec_from_file_location("footprint_test_guard", _GUARD / "sitecustomize.py")
assert _spec is not None and _spec.loader is not None
_guard = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_guard)
