"""Optional dependencies ("extras") and the one-line error when one is missing.

The core install is what an estimate needs; features that need a large package more come
as extras of the distribution (``pyproject.toml``): ``solar`` (pvlib, with SciPy and
h5py: on-site PV in ``footprint solar``, ``hourly`` and ``schedule``), ``plots``
(matplotlib: ``--plot`` charts and HTML reports), ``dask`` and ``duckdb`` (batch engines),
``web`` (Starlette, Jinja2, uvicorn and python-multipart: ``footprint serve``); ``all``
installs every one. :func:`require` imports an extra's module, or raises
:class:`MissingExtraError` naming the extra and the command that installs it.
"""

from __future__ import annotations

import importlib
import sys
from types import ModuleType

from footprint.core.errors import FootprintError
from footprint.core.status import status

__all__ = ["DISTRIBUTION", "EXTRAS", "MissingExtraError", "install_hint", "require"]

#: The distribution name on the package index (``[project] name`` of ``pyproject.toml``;
#: ``tests/test_extras.py`` checks they agree). The import name and the command stay
#: ``footprint``; every "pip install" hint is built from this one constant.
DISTRIBUTION = "ai-compute-footprint"

#: Extra -> the packages it adds (the names to import), as declared in ``pyproject.toml``.
EXTRAS: dict[str, tuple[str, ...]] = {
    "solar": ("pvlib",),
    "plots": ("matplotlib",),
    "dask": ("dask", "distributed"),
    "duckdb": ("duckdb",),
    "web": ("starlette", "jinja2", "uvicorn", "python_multipart"),
}


def install_hint(extra: str) -> str:
    """The command that installs ``extra``: ``pip install 'ai-compute-footprint[solar]'``."""
    return f"pip install '{DISTRIBUTION}[{extra}]'"


class MissingExtraError(FootprintError, ImportError):
    """An optional dependency is not installed: one line naming the extra to install.

    ``what`` is the feature that needs it (``on-site solar``); the command line names
    the command instead (:meth:`for_command`).
    """

    def __init__(self, what: str, extra: str) -> None:
        self.what = what
        self.extra = extra
        super().__init__(self._text(what))

    def _text(self, who: str) -> str:
        packages = ", ".join(EXTRAS[self.extra])
        return f"{who} needs the {self.extra} extra ({packages}): {install_hint(self.extra)}"

    def for_command(self, command: str) -> str:
        """The message with the command as the subject: ``footprint solar needs ...``."""
        return self._text(command)


def require(module: str, extra: str, what: str) -> ModuleType:
    """Import ``module`` (a module of ``extra``'s packages), or raise
    :class:`MissingExtraError` when it, or a package it needs, is not installed.

    A first import can take a second on a busy machine: the command line shows a status
    line meanwhile (:func:`footprint.core.status.status`)."""
    loaded = sys.modules.get(module)
    if loaded is not None:
        return loaded
    try:
        with status(f"loading {what} ({', '.join(EXTRAS[extra])})"):
            return importlib.import_module(module)
    except ImportError:
        raise MissingExtraError(what, extra) from None
