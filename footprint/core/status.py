"""A status line on the terminal while a slow step runs (loading pvlib, matplotlib...).

The command line turns it on (:func:`enable`); the library never writes it. It is shown
only when standard error is a terminal and standard output no pipe (never in piped or
redirected messages, never with ``TERM=dumb``), only once a step has run :data:`DELAY`
seconds (a quick step shows nothing), and it is erased when the step ends, so what is
left on the screen is the same with or without it::

    with status("loading on-site solar (pvlib)"):
        module = importlib.import_module("pvlib")

Steps nest: the command line runs every command as one step (``working``), and a slower
step inside it says what it is doing. When the results go to the same terminal, the line
is erased before their first character and not shown again (:func:`watch_output`), so it
never mixes with them.
"""

from __future__ import annotations

import os
import stat
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

__all__ = ["DELAY", "enable", "status", "watch_output"]

#: Seconds a step runs before its status line appears.
DELAY = 0.25

_lock = threading.RLock()
#: enabled: lines may be shown; shown: the step whose line is on the screen (or None);
#: output: standard output (the same terminal) has begun; steps: the running steps.
_state: dict[str, Any] = {
    "enabled": False, "shown": None, "output": False, "steps": [], "err": None
}


def enable(on: bool = True) -> None:
    """Let :func:`status` write to a terminal (the command line calls it once)."""
    with _lock:
        _state.update(enabled=on, shown=None, output=False, steps=[], err=None)


def _err() -> Any:
    """Where status lines go: standard error (its own stream while :func:`watch_output`
    watches what others write to it)."""
    return _state.get("err") or sys.stderr


def _terminal() -> bool:
    try:
        return bool(_err().isatty()) and os.environ.get("TERM") != "dumb"
    except (AttributeError, ValueError, OSError):
        return False


def _write(text: str) -> None:
    try:
        stream = _err()
        stream.write(text)
        stream.flush()
    except (OSError, ValueError):
        pass


def _show(text: str) -> None:
    """Show ``text`` unless it is no longer the innermost step or output has begun."""
    with _lock:
        steps = _state["steps"]
        if steps and steps[-1] == text and not _state["output"]:
            _write(f"\r\x1b[Kfootprint: {text}...")
            _state["shown"] = text


def _erase() -> None:
    with _lock:
        if _state["shown"] is not None:
            _write("\r\x1b[K")
            _state["shown"] = None


@contextmanager
def status(text: str) -> Iterator[None]:
    """Show ``footprint: <text>...`` on standard error while the block runs longer than
    :data:`DELAY` (a terminal only, when enabled), then erase it (or show the step it is
    part of again)."""
    if not _state["enabled"] or not _terminal():
        yield
        return
    with _lock:
        _state["steps"].append(text)
    timer = threading.Timer(DELAY, _show, (text,))
    timer.daemon = True
    timer.start()
    try:
        yield
    finally:
        timer.cancel()
        with _lock:
            steps = _state["steps"]
            if text in steps:
                steps.remove(text)
            if _state["shown"] == text and text not in steps:  # its line is on the screen
                _erase()
                if steps:
                    _show(steps[-1])


class _ErasingStream:
    """A stream of the terminal (results, or messages on standard error) that erases the
    status line before its first write, after which no status line is shown."""

    def __init__(self, stream: Any) -> None:
        self._stream = stream

    def write(self, text: str) -> int:
        if text:
            with _lock:
                _state["output"] = True
                _erase()
        written = self._stream.write(text)
        return len(text) if written is None else int(written)

    def writelines(self, lines: Any) -> None:
        for line in lines:
            self.write(line)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)


def _kind(stream: Any) -> bool | None:
    """Whether ``stream`` is a terminal (``True``), a file or device (``False``) or a pipe,
    socket or unknown (``None``)."""
    try:
        if stream.isatty():
            return True
        mode = os.fstat(stream.fileno()).st_mode
    except (AttributeError, ValueError, OSError):
        return None
    return False if stat.S_ISREG(mode) or stat.S_ISCHR(mode) else None


@contextmanager
def watch_output() -> Iterator[None]:
    """While the block runs, whatever else writes to the terminal (results on a terminal's
    standard output, a warning on standard error) erases the status line first, and no
    status line follows it. When standard output is a pipe (``footprint ... | less``) no
    status line is shown at all; nothing changes when status lines are off."""
    out, err = sys.stdout, sys.stderr
    if not _state["enabled"] or not _terminal():
        yield
        return
    shared = _kind(out)
    if shared is None:  # piped: the reader may print to this terminal too
        _state["output"] = True
        yield
        return
    _state["err"] = err
    sys.stderr = _ErasingStream(err)  # type: ignore[assignment]
    if shared:
        sys.stdout = _ErasingStream(out)  # type: ignore[assignment]
    try:
        yield
    finally:
        with _lock:
            _erase()
            _state["err"] = None
        sys.stdout, sys.stderr = out, err
