"""The test suite's special-file guard works here and in subprocesses (see conftest.py)."""

import os
import subprocess
import sys

import pytest


def test_guard_in_this_process(tmp_path):
    src = tmp_path / "x"
    src.write_text("x")
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    with pytest.raises(RuntimeError, match="test guard"):
        os.replace(src, fifo)
    os.replace(src, tmp_path / "y")  # regular targets are untouched by the guard


def test_guard_in_subprocesses(tmp_path):
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    src = tmp_path / "x"
    src.write_text("x")
    code = f"import os; os.replace({str(src)!r}, {str(fifo)!r})"
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert r.returncode != 0 and "test guard" in r.stderr
