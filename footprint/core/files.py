"""The one file layer of footprint: reading inputs and writing outputs safely.

Inputs (job logs, scenarios, load profiles, weather files, configs) are read only when
they are **regular files** of bounded size: a FIFO, a device such as ``/dev/zero``, a
socket or a directory is refused with one line, so nothing can hang or exhaust memory.

Outputs are written **atomically** (a temporary file beside the target, renamed into
place), and footprint **never deletes or replaces what it did not create**:

- an existing directory, device, FIFO or socket at the output path is refused;
- an output that is one of the command's own inputs is refused;
- a symbolic link is written *through*: the file it points to is replaced, the link
  stays (so ``-o results.csv`` where ``results.csv`` links elsewhere updates the target);
- a directory output (partitioned Parquet) replaces an existing directory only when
  footprint wrote it, which it marks with :data:`OUTPUT_MARKER`.
"""

from __future__ import annotations

import contextlib
import os
import stat
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO, Any

from footprint.core.errors import InputError

__all__ = [
    "MAX_INPUT_BYTES",
    "OUTPUT_MARKER",
    "STDIN",
    "check_input_file",
    "is_stdin",
    "read_bytes",
    "read_text",
    "output_target",
    "temp_file_beside",
    "publish_file",
    "atomic_writer",
    "is_footprint_directory",
    "mark_footprint_directory",
]

#: Default bound on a text input read whole (scenarios, configs, profiles): 256 MiB.
MAX_INPUT_BYTES = 256 * 2**20

#: Name of the file footprint puts in every directory it writes as an output.
OUTPUT_MARKER = ".footprint-output"

PathLike = str | os.PathLike[str]


def _kind(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "a directory"
    if stat.S_ISFIFO(mode):
        return "a FIFO (named pipe)"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a regular file"


def _reason(exc: OSError) -> str:
    return exc.strerror or type(exc).__name__


def _check_name(path: PathLike, what: str) -> None:
    """Refuse an empty file name or one with a NUL byte (the OS cannot name it)."""
    text = os.fspath(path)
    if not str(text).strip():
        raise InputError(f"{what}: empty file name")
    if "\x00" in str(text):
        raise InputError(f"{what}: a file name cannot contain a NUL byte")


#: The file name that means standard input, for inputs read whole (:func:`read_bytes`).
STDIN = "-"


def is_stdin(path: object) -> bool:
    """Whether ``path`` is ``-``, standard input."""
    return isinstance(path, (str, os.PathLike)) and os.fspath(path) == STDIN


def _read_stdin(what: str, max_bytes: int) -> bytes:
    """Standard input's bytes (at most ``max_bytes``), errors as one line."""
    import sys

    stream: Any = getattr(sys.stdin, "buffer", None)
    try:
        if stream is not None:
            data = stream.read(max_bytes + 1)
        elif sys.stdin is not None:
            data = sys.stdin.read(max_bytes + 1).encode("utf-8")
        else:
            raise InputError(f"{what}: no standard input to read ('-')")
    except (OSError, ValueError, UnicodeError) as exc:
        raise InputError(f"{what}: cannot read standard input ({exc})") from None
    if len(data) > max_bytes:
        raise InputError(f"{what}: standard input is larger than {max_bytes:,} bytes")
    return bytes(data)


def check_input_file(path: PathLike, what: str, *, max_bytes: int | None = None) -> Path:
    """``path`` as a Path if it names a readable regular file, else :class:`InputError`.

    Symbolic links are followed. ``max_bytes`` bounds the file's size. ``-`` (standard
    input) is refused in one line: inputs checked here are read in parts or more than once.
    """
    _check_name(path, what)
    if is_stdin(path):
        raise InputError(
            f"{what}: cannot be read from standard input ('-'); give a file name"
        )
    p = Path(path)
    try:
        st = p.stat()
    except FileNotFoundError:
        raise InputError(f"{what}: no such file {str(p)!r}") from None
    except OSError as exc:
        raise InputError(f"{what}: cannot read {str(p)!r} ({_reason(exc)})") from None
    if not stat.S_ISREG(st.st_mode):
        raise InputError(f"{what}: {str(p)!r} is {_kind(st.st_mode)}; give a regular file")
    if max_bytes is not None and st.st_size > max_bytes:
        raise InputError(
            f"{what}: {str(p)!r} is {st.st_size:,} bytes, more than the {max_bytes:,} "
            "bytes footprint reads from such a file"
        )
    return p


def read_bytes(path: PathLike, what: str, *, max_bytes: int = MAX_INPUT_BYTES) -> bytes:
    """The bytes of regular file ``path`` (at most ``max_bytes``), errors as one line;
    ``-`` reads standard input."""
    if is_stdin(path):
        return _read_stdin(what, max_bytes)
    p = check_input_file(path, what, max_bytes=max_bytes)
    try:
        with p.open("rb") as fh:
            data = fh.read(max_bytes + 1)
    except OSError as exc:
        raise InputError(f"{what}: cannot read {str(p)!r} ({_reason(exc)})") from None
    if len(data) > max_bytes:  # grew while being read
        raise InputError(f"{what}: {str(p)!r} is larger than {max_bytes:,} bytes")
    return data


def read_text(
    path: PathLike, what: str, *, max_bytes: int = MAX_INPUT_BYTES, encoding: str = "utf-8-sig"
) -> str:
    """The text of regular file ``path``; a file that is not UTF-8 is one clear line."""
    data = read_bytes(path, what, max_bytes=max_bytes)
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as exc:
        raise InputError(
            f"{what}: {str(path)!r} is not UTF-8 text (byte 0x{data[exc.start]:02x} at "
            f"offset {exc.start}); save it as UTF-8"
        ) from None


def output_target(
    path: PathLike, what: str, *, inputs: Iterable[PathLike] = (), directory: bool = False
) -> Path:
    """The real path an output to ``path`` will replace, after checking it is safe.

    A symbolic link resolves to the file it points to (written through). An existing
    directory (unless ``directory`` and footprint wrote it), device, FIFO or socket is
    refused, and so is any of ``inputs``.
    """
    _check_name(path, what)
    p = Path(path)
    target = p.resolve() if p.is_symlink() else p
    try:
        st = target.stat()
    except FileNotFoundError:
        st = None
    except OSError as exc:
        raise InputError(f"{what}: cannot write {str(p)!r} ({_reason(exc)})") from None
    if st is not None:
        if stat.S_ISDIR(st.st_mode):
            if not directory:
                raise InputError(
                    f"{what}: {str(p)!r} is a directory; footprint does not replace it "
                    "(give a file name)"
                )
            if not is_footprint_directory(target):
                raise InputError(
                    f"{what}: {str(p)!r} is a directory footprint did not write; footprint "
                    "does not replace it (remove it yourself or give a new name)"
                )
        elif not stat.S_ISREG(st.st_mode):
            raise InputError(
                f"{what}: {str(p)!r} is {_kind(st.st_mode)}; footprint writes only regular "
                "files (write to standard output and redirect it instead)"
            )
        elif directory:
            raise InputError(
                f"{what}: {str(p)!r} is a file; footprint does not replace a file by a directory"
            )
        for source in inputs:
            with contextlib.suppress(OSError):
                if os.path.samefile(source, target):
                    raise InputError(
                        f"{what}: {str(p)!r} is also an input of this command; footprint "
                        "does not overwrite its input (give another output name)"
                    )
    if not target.parent.is_dir():
        raise InputError(f"{what}: no such folder {str(target.parent)!r}")
    return target


def temp_file_beside(path: PathLike, what: str, *, directory: bool = False) -> Path:
    """A new temporary file (or folder) in ``path``'s folder, for an atomic write.

    An unwritable or missing folder raises :class:`InputError` naming ``what``.
    The file is closed and empty.
    """
    import tempfile

    target = Path(path)
    try:
        if directory:
            return Path(
                tempfile.mkdtemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
            )
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    except OSError as exc:
        raise InputError(
            f"{what}: cannot write in {str(target.parent)!r} ({_reason(exc)})"
        ) from None
    os.close(fd)
    return Path(tmp)


def publish_file(tmp: PathLike, path: PathLike) -> None:
    """Give the finished temporary file ``tmp`` normal permissions and rename it to ``path``.

    ``tempfile`` creates files readable by their owner only (0600); an output replacing
    a file keeps that file's permissions, else gets the process's default (0666, or 0777
    for a folder, less the umask), as ``open(path, "w")`` would. ``path`` must have been
    checked by :func:`output_target` (a regular file, a footprint directory, or nothing).
    """
    target, source = Path(path), Path(tmp)
    if target.exists():
        mode = stat.S_IMODE(target.stat().st_mode)
    else:
        umask = os.umask(0)
        os.umask(umask)
        mode = (0o777 if source.is_dir() else 0o666) & ~umask
    os.chmod(source, mode)
    if source.is_dir() and target.is_dir():
        # os.replace cannot replace a non-empty directory: move the old one aside first.
        old = temp_file_beside(target, str(target), directory=True)
        old.rmdir()
        os.replace(target, old)
        os.replace(source, target)
        _remove_footprint_tree(old)
    else:
        os.replace(source, target)


def _remove_footprint_tree(path: Path) -> None:
    """Remove a directory footprint wrote (it carries :data:`OUTPUT_MARKER`)."""
    import shutil

    if is_footprint_directory(path) or path.name.endswith(".tmp"):
        shutil.rmtree(path, ignore_errors=True)


def is_footprint_directory(path: PathLike) -> bool:
    """True when ``path`` is a directory footprint wrote (it holds :data:`OUTPUT_MARKER`)."""
    return (Path(path) / OUTPUT_MARKER).is_file()


def mark_footprint_directory(path: PathLike) -> None:
    """Mark directory ``path`` as written by footprint (so a later run may replace it)."""
    (Path(path) / OUTPUT_MARKER).write_text(
        "written by footprint; a later footprint run may replace this folder\n",
        encoding="utf-8",
    )


@contextlib.contextmanager
def atomic_writer(
    path: PathLike,
    what: str,
    *,
    inputs: Iterable[PathLike] = (),
    binary: bool = False,
    newline: str | None = "\n",
) -> Iterator[IO[Any]]:
    """Open a temporary file for writing; on success it replaces ``path`` atomically.

    On an exception the temporary file is removed and ``path`` is left as it was. Disk
    full and other write errors become one-line :class:`InputError`.
    """
    target = output_target(path, what, inputs=inputs)
    tmp = temp_file_beside(target, what)
    try:
        try:
            if binary:
                with tmp.open("wb") as fh:
                    yield fh
            else:
                with tmp.open("w", encoding="utf-8", newline=newline) as fh:
                    yield fh
        except OSError as exc:
            raise InputError(f"{what}: cannot write {str(path)!r} ({_reason(exc)})") from None
        publish_file(tmp, target)
    finally:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()
