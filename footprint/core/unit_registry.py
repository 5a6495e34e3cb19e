"""Building footprint's pint registry quickly, without pint's pickle cache.

pint parses its ``default_en.txt`` (about 1,000 definitions) with a general text parser
on every start, about 75 ms, then resolves every unit to its root units and dimension up
front, about 40 ms more. pint's remedy, a disk cache, unpickles files from the user's cache
directory (whoever can write there runs code in every later call), so footprint does not
use it. Instead:

- the definitions of pint's ``default_en.txt`` and of ``footprint/core/units.txt`` are shipped
  already parsed, as plain JSON data in ``footprint/core/pint_definitions.json`` (written by
  ``python scripts/build_unit_definitions.py``). Reading them creates only pint's own
  definition objects, from a fixed list of classes, with the values written; nothing in
  the file is executed or unpickled. They are used only when pint's version, the fields of
  those classes and the SHA-256 of the text file are the ones they were written from;
  otherwise the text file is parsed, as pint does (slower, never different);
- roots and dimensions are resolved on first use of each unit, as pint does for every
  compound unit anyway; the one table pint needs complete (units by dimension, for
  ``get_compatible_units``) is completed the first time it is asked for.

The registry holds the same units, prefixes, groups, systems and contexts as
``pint.UnitRegistry()`` with ``units.txt`` loaded, and converts identically
(``tests/test_unit_registry.py``). Only :mod:`footprint.core.units` creates it (once, under its
lock); importing this module imports pint.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import math
import threading
from functools import cache
from pathlib import Path
from typing import Any

import pint
from pint.facets.context.definitions import (
    BidirectionalRelation,
    ContextDefinition,
    ForwardRelation,
)
from pint.facets.group.definitions import GroupDefinition
from pint.facets.nonmultiplicative.definitions import LogarithmicConverter, OffsetConverter
from pint.facets.plain.definitions import (
    AliasDefinition,
    DefaultsDefinition,
    DerivedDimensionDefinition,
    DimensionDefinition,
    PrefixDefinition,
    ScaleConverter,
    UnitDefinition,
)
from pint.facets.plain.registry import RegistryCache
from pint.facets.system.definitions import BaseUnitRule, SystemDefinition
from pint.util import ParserHelper, UnitsContainer

__all__ = [
    "PINT_DEFAULTS",
    "UNITS_TXT",
    "SOURCES",
    "SHIPPED",
    "PrebuiltRegistry",
    "prebuilt_definitions",
    "definitions_data",
    "write_definitions",
]

#: pint's default definitions file (the one ``pint.UnitRegistry()`` loads).
PINT_DEFAULTS = Path(pint.__file__).resolve().parent / "default_en.txt"

#: footprint's additions to pint's definitions.
UNITS_TXT = Path(__file__).resolve().with_name("units.txt")

#: The text files shipped parsed, by their key in :data:`SHIPPED`.
SOURCES = {"default_en.txt": PINT_DEFAULTS, "units.txt": UNITS_TXT}

#: The parsed definitions of :data:`SOURCES` (see the module docstring).
SHIPPED = Path(__file__).resolve().with_name("pint_definitions.json")

#: Format of :data:`SHIPPED`; a file of another format is not used.
FORMAT = 1

#: The only classes :data:`SHIPPED` may name: pint's definition objects, by class name.
CLASSES: dict[str, type] = {
    cls.__name__: cls
    for cls in (
        AliasDefinition,
        BaseUnitRule,
        BidirectionalRelation,
        ContextDefinition,
        DefaultsDefinition,
        DerivedDimensionDefinition,
        DimensionDefinition,
        ForwardRelation,
        GroupDefinition,
        LogarithmicConverter,
        OffsetConverter,
        PrefixDefinition,
        ScaleConverter,
        SystemDefinition,
        UnitDefinition,
    )
}


def _fields(cls: type) -> list[str]:
    """Constructor arguments of a definition class, in order."""
    return [f.name for f in dataclasses.fields(cls) if f.init]  # type: ignore[arg-type]


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@cache
def _shipped() -> dict[str, Any] | None:
    """The content of :data:`SHIPPED` if it was written for this pint, else ``None``."""
    try:
        shipped = json.loads(SHIPPED.read_bytes())
    except (OSError, ValueError):
        return None
    if (
        not isinstance(shipped, dict)
        or shipped.get("format") != FORMAT
        or shipped.get("pint_version") != pint.__version__
        or shipped.get("fields") != {name: _fields(cls) for name, cls in CLASSES.items()}
    ):
        return None
    return shipped


def _decode(value: Any) -> Any:
    """A value of :data:`SHIPPED` as the object it stands for (see :func:`_encode`)."""
    if type(value) is not list:
        return value
    tag = value[0]
    if tag == "tuple":
        return tuple([_decode(v) for v in value[1:]])
    if tag == "dict":
        return {k: _decode(v) for k, v in value[1].items()}
    if tag == "UnitsContainer":
        return UnitsContainer(value[1])
    return CLASSES[tag](*[_decode(v) for v in value[1:]])


def prebuilt_definitions(file: Any) -> list[Any] | None:
    """The shipped, already parsed definitions of ``file``, or ``None`` to parse it.

    ``file`` is pint's ``default_en.txt`` or footprint's ``units.txt``; the definitions are
    returned only if :data:`SHIPPED` was written for this pint and this content of the
    file (SHA-256).
    """
    if not isinstance(file, (str, Path)):
        return None
    path = Path(file).resolve()
    name = next((key for key, source in SOURCES.items() if source == path), None)
    shipped = _shipped()
    if name is None or shipped is None or name not in shipped["sha256"]:
        return None
    try:
        if _sha256(path) != shipped["sha256"][name]:
            return None
    except OSError:
        return None
    try:  # everything is decoded before anything is added to a registry
        return [_decode(d) for d in shipped["definitions"][name]]
    except Exception:  # a damaged file: parse the text instead
        return None


class PrebuiltRegistry(pint.UnitRegistry):
    """``pint.UnitRegistry`` that loads shipped parsed definitions and resolves units lazily.

    Same arguments and behaviour as ``pint.UnitRegistry`` (see the module docstring).
    """

    #: Whether shipped definitions were loaded (then pint is the version they were
    #: written and tested with, and the lazy build below applies).
    _prebuilt = False
    #: Unit names whose dimensions still have to enter the units-by-dimension table.
    _equivalent_names: tuple[str, ...] | None = None
    _equivalents_lock = threading.Lock()

    def load_definitions(self, file: Any, is_resource: bool = False) -> Any:
        """Add the definitions of ``file``: the shipped parsed ones when they match it."""
        definitions = prebuilt_definitions(file)
        if definitions is None:
            return super().load_definitions(file, is_resource)
        for definition in definitions:
            self._helper_dispatch_adder(definition)
        self._prebuilt = True
        return None

    def _build_cache(self, loaded_files: Any = None) -> None:
        self._parsed_units = {}
        if self._initialized or not self._prebuilt:
            # a rebuild after creation, or another pint version: pint's own, complete build
            super()._build_cache(loaded_files)
            self._equivalent_names = None
            return
        # On creation: an empty cache, filled on demand. pint's complete build would also
        # fill the units-by-dimension table with the units defined so far: done later.
        self._cache = RegistryCache()
        self._caches[()] = self._cache
        self._equivalent_names = tuple(self._units)

    #: Parsed unit texts, by (text, as_delta, case_sensitive). pint keeps a parse only
    #: for a text that is one unit name ("W"), so "gCO2e/kWh" or "USD/kWh" was parsed
    #: again for every Quantity made with it. Units containers are immutable; emptied
    #: when the definitions change (``define``, a rebuild); dict operations are atomic.
    _parsed_units: dict[tuple[Any, ...], Any] | None = None

    def parse_units_as_container(
        self, input_string: str, as_delta: bool | None = None, case_sensitive: bool | None = None
    ) -> Any:
        cache = self._parsed_units
        if cache is None or not isinstance(input_string, str):
            return super().parse_units_as_container(input_string, as_delta, case_sensitive)
        key = (input_string, as_delta, case_sensitive)
        hit = cache.get(key)
        if hit is None:
            hit = super().parse_units_as_container(input_string, as_delta, case_sensitive)
            cache[key] = hit
        return hit

    def define(self, definition: Any) -> None:
        """pint's ``define``; forgets the parsed unit texts (a new name may parse apart)."""
        self._parsed_units = None
        super().define(definition)
        self._parsed_units = {}

    def _get_compatible_units(self, input_units: Any, *args: Any, **kwargs: Any) -> Any:
        self._complete_equivalents()
        return super()._get_compatible_units(input_units, *args, **kwargs)

    def _complete_equivalents(self) -> None:
        """Fill the units-by-dimension table as pint's up-front build does (once)."""
        if self._equivalent_names is None:
            return
        with self._equivalents_lock:
            names = self._equivalent_names
            if names is None:
                return
            equivalents = self._caches[()].dimensional_equivalents
            for name in names:
                if "[" in name:
                    continue
                parsed = self.parse_unit_name(name)
                prefix, base = parsed[0][:2] if parsed else ("", name)
                try:
                    unit = ParserHelper.from_word(base, self.non_int_type)
                    self._get_root_units(unit)
                    dimensionality = self._get_dimensionality(unit)
                except Exception:  # pint's build skips (and logs) units it cannot resolve
                    continue
                if not prefix:
                    equivalents.setdefault(dimensionality, set()).add(self._units[base].name)
            self._equivalent_names = None


# --- writing footprint/core/pint_definitions.json ------------------------------------------------


def _encode(value: Any) -> Any:
    """``value`` as JSON data: scalars as they are, anything else a list tagged by its type
    (``tuple``, ``dict``, ``UnitsContainer`` or a class of :data:`CLASSES`)."""
    if isinstance(value, UnitsContainer):
        return ["UnitsContainer", {k: _encode(v) for k, v in value.items()}]
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        # parser classes subclass pint's definition classes: write the API class
        cls = next((c for c in type(value).__mro__ if CLASSES.get(c.__name__) is c), None)
        if cls is None:
            raise TypeError(f"cannot write a {type(value).__qualname__} as a pint definition")
        return [cls.__name__, *(_encode(getattr(value, f)) for f in _fields(cls))]
    if isinstance(value, tuple):
        return ["tuple", *(_encode(v) for v in value)]
    if isinstance(value, dict):
        return ["dict", {str(k): _encode(v) for k, v in value.items()}]
    if isinstance(value, float) and not math.isfinite(value):
        raise ValueError(f"cannot write the number {value!r}")
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    raise TypeError(f"cannot write a {type(value).__qualname__} in a pint definition")


def _parsed(path: Path) -> list[Any]:
    """The definitions of ``path`` as pint's parser yields them."""
    registry: Any = pint.UnitRegistry(None, cache_folder=None)
    parser = registry._def_parser
    return list(parser.iter_parsed_project(parser.parse_file(path)))


def definitions_data() -> str:
    """The content of :data:`SHIPPED` for the installed pint and the current text files.

    One definition a line, so that a change shows as a readable diff.
    """

    def dump(value: Any) -> str:
        return json.dumps(value, ensure_ascii=False, separators=(",", ":"))

    head = {
        "format": FORMAT,
        "pint_version": pint.__version__,
        "sha256": {name: _sha256(path) for name, path in SOURCES.items()},
        "fields": {name: _fields(cls) for name, cls in CLASSES.items()},
    }
    parts = [dump(head)[:-1] + ","]  # the object stays open for the definitions
    files = []
    for name, path in SOURCES.items():
        lines = ",\n".join(dump(_encode(d)) for d in _parsed(path))
        files.append(f"{dump(name)}:[\n{lines}\n]")
    parts.append('"definitions":{\n' + ",\n".join(files) + "\n}}")
    return "\n".join(parts) + "\n"


def write_definitions(target: Path = SHIPPED) -> Path:
    """Write :func:`definitions_data` to ``target`` (by default :data:`SHIPPED`)."""
    target.write_text(definitions_data(), encoding="utf-8", newline="\n")
    return target
