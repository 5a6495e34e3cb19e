"""Test-only guard: no test may replace a device, FIFO or socket of this machine.

The tests run as root in CI. A regression in footprint's file layer that renamed a
temporary file over ``/dev/null`` or ``/dev/full`` would destroy the device node for
the whole machine (it happened once while the hardening tests were written). The test
suite's ``conftest.py`` puts this folder on ``PYTHONPATH``, so every Python process the
tests start imports this module first, and installs the guard in the pytest process too.
A refused replacement raises ``RuntimeError``: the test then fails loudly.
"""

from __future__ import annotations

import os
import stat

_real_replace = os.replace
_real_rename = os.rename


def _check(dst: object) -> None:
    try:
        st = os.lstat(dst)  # type: ignore[arg-type]
    except (OSError, TypeError, ValueError):
        return
    if (
        stat.S_ISCHR(st.st_mode)
        or stat.S_ISBLK(st.st_mode)
        or stat.S_ISFIFO(st.st_mode)
        or stat.S_ISSOCK(st.st_mode)
    ):
        raise RuntimeError(f"test guard: refusing to replace the special file {dst!r}")


def _guarded_replace(src, dst, *args, **kwargs):  # type: ignore[no-untyped-def]
    _check(dst)
    return _real_replace(src, dst, *args, **kwargs)


def _guarded_rename(src, dst, *args, **kwargs):  # type: ignore[no-untyped-def]
    _check(dst)
    return _real_rename(src, dst, *args, **kwargs)


def install() -> None:
    """Replace ``os.replace`` and ``os.rename`` by their guarded versions (idempotent)."""
    os.replace = _guarded_replace
    os.rename = _guarded_rename


install()
