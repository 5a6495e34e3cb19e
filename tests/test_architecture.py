"""Architecture rules of the package, checked on the source with ``ast`` (nothing imported).

- No module uses another footprint module's private name (single leading underscore, not
  a dunder): what one module needs from another is public there, with a docstring.
- No new import cycle among footprint modules. Imports inside functions count (they are
  deferred, not absent); imports under ``if TYPE_CHECKING:`` do not, nor do edges into the
  package's top ``__init__`` (its lazy public API). Same method as
  ``../shared/tools/architecture_check.py``, repeated here so that this test stands alone.
- Imports go down the layers (:data:`LAYERS`, bottom first; ARCHITECTURE.md): a module
  imports from its own layer or those below, never from a layer above (same graph).
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

PACKAGE_DIR = Path(__file__).resolve().parents[1] / "footprint"
TOP = PACKAGE_DIR.name

#: Tolerated import cycles (strongly connected components of the module import graph).
#: Empty: every cycle has been broken; no new one may appear.
KNOWN_CYCLES: frozenset[frozenset[str]] = frozenset()


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE_DIR.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _package_modules() -> dict[str, Path]:
    return {_module_name(p): p for p in sorted(PACKAGE_DIR.rglob("*.py"))}


MODULES = _package_modules()


def _is_private(name: str) -> bool:
    return name.startswith("_") and not name.startswith("__")


def _resolve(name: str, modules: dict[str, Path] | set[str]) -> str | None:
    """The longest prefix of a dotted name that is a module of the package."""
    while name and name not in modules:
        name = name.rpartition(".")[0]
    return name or None


def _is_type_checking(node: ast.AST) -> bool:
    test = getattr(node, "test", None)
    return isinstance(node, ast.If) and (
        (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING")
        or (isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING")
    )


def _imports(tree: ast.AST, with_type_checking: bool) -> Iterator[ast.Import | ast.ImportFrom]:
    """Every import statement, at module level and inside functions and classes."""
    for child in ast.iter_child_nodes(tree):
        if _is_type_checking(child) and not with_type_checking:
            for node in child.orelse:  # type: ignore[attr-defined]
                yield from _imports(node, with_type_checking)
                if isinstance(node, (ast.Import, ast.ImportFrom)):
                    yield node
            continue
        if isinstance(child, (ast.Import, ast.ImportFrom)):
            yield child
        yield from _imports(child, with_type_checking)


def _source_of(node: ast.ImportFrom, module: str, is_package: bool) -> str:
    """The absolute module a ``from ... import`` reads from (relative imports resolved)."""
    if not node.level:
        return node.module or ""
    package = module if is_package else module.rpartition(".")[0]
    parts = package.split(".")
    base = parts[: len(parts) - node.level + 1]
    return ".".join(base + ([node.module] if node.module else []))


def _dotted(node: ast.AST) -> str | None:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        inner = _dotted(node.value)
        return f"{inner}.{node.attr}" if inner else None
    return None


def private_uses(
    module: str, source: str, modules: set[str], is_package: bool = False
) -> list[str]:
    """``"<module> uses <other>.<_name>"`` for each private name of another package module
    that ``source`` imports (``from footprint.x import _name``, relative too) or reads as
    an attribute of an imported module (``import footprint.x as x`` then ``x._name``)."""
    tree = ast.parse(source)
    found: list[str] = []
    aliases: dict[str, str] = {}  # local name -> package module it is bound to
    for node in _imports(tree, with_type_checking=True):
        if isinstance(node, ast.ImportFrom):
            src = _source_of(node, module, is_package)
            if src.split(".")[0] != TOP:
                continue
            for alias in node.names:
                full = f"{src}.{alias.name}"
                if full in modules:  # a submodule (private modules may be imported)
                    aliases[alias.asname or alias.name] = full
                    continue
                owner = _resolve(src, modules)
                if _is_private(alias.name) and owner not in (None, module):
                    found.append(f"{module} uses {src}.{alias.name}")
        else:
            for alias in node.names:
                if alias.name.split(".")[0] != TOP:
                    continue
                if alias.asname:
                    aliases[alias.asname] = alias.name
                else:  # ``import footprint.x.y`` binds the dotted path
                    parts = alias.name.split(".")
                    for i in range(1, len(parts) + 1):
                        aliases[".".join(parts[:i])] = ".".join(parts[:i])
    for node in ast.walk(tree):
        if not isinstance(node, ast.Attribute) or not _is_private(node.attr):
            continue
        value = _dotted(node.value)
        target = aliases.get(value) if value else None
        if target is None or target not in modules or target == module:
            continue
        if f"{target}.{node.attr}" in modules:
            continue
        found.append(f"{module} uses {target}.{node.attr}")
    return found


def import_graph(modules: dict[str, Path]) -> dict[str, set[str]]:
    """Module -> package modules it imports, anywhere in it, except under TYPE_CHECKING and
    into the top ``__init__``."""
    graph: dict[str, set[str]] = {}
    for module, path in modules.items():
        is_package = path.name == "__init__.py"
        edges: set[str] = set()
        for node in _imports(ast.parse(path.read_text(encoding="utf-8")), False):
            if isinstance(node, ast.ImportFrom):
                src = _source_of(node, module, is_package)
                if src.split(".")[0] != TOP:
                    continue
                for alias in node.names:
                    full = f"{src}.{alias.name}"
                    target = _resolve(full if full in modules else src, modules)
                    if target:
                        edges.add(target)
            else:
                for alias in node.names:
                    if alias.name.split(".")[0] == TOP and _resolve(alias.name, modules):
                        edges.add(_resolve(alias.name, modules))  # type: ignore[arg-type]
        graph[module] = {t for t in edges if t not in (module, TOP)}
    return graph


def cycles(graph: dict[str, set[str]]) -> set[frozenset[str]]:
    """Strongly connected components of more than one module (Tarjan, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: set[frozenset[str]] = set()
    counter = 0
    for root in sorted(graph):
        if root in index:
            continue
        work = [(root, iter(sorted(graph.get(root, ()))))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            v, successors = work[-1]
            advanced = False
            for w in successors:
                if w not in index:
                    index[w] = low[w] = counter
                    counter += 1
                    stack.append(w)
                    on_stack.add(w)
                    work.append((w, iter(sorted(graph.get(w, ())))))
                    advanced = True
                    break
                if w in on_stack:
                    low[v] = min(low[v], index[w])
            if advanced:
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[v])
            if low[v] == index[v]:
                component = set()
                while True:
                    w = stack.pop()
                    on_stack.discard(w)
                    component.add(w)
                    if w == v:
                        break
                if len(component) > 1:
                    found.add(frozenset(component))
    return found


def _show(cycle: frozenset[str]) -> str:
    return " <-> ".join(sorted(cycle))


# --------------------------------------------------------------------------- the rules


def test_no_private_name_used_across_modules() -> None:
    names = set(MODULES)
    found = [
        use
        for module, path in MODULES.items()
        for use in private_uses(
            module, path.read_text(encoding="utf-8"), names, path.name == "__init__.py"
        )
    ]
    assert not found, "make these names public in their module (with a docstring):\n" + (
        "\n".join(found)
    )


def test_no_new_import_cycle() -> None:
    found = cycles(import_graph(MODULES))
    new = found - KNOWN_CYCLES
    assert not new, "new import cycles:\n" + "\n".join(sorted(map(_show, new)))


#: The layers, bottom first: the sub-packages of footprint (ARCHITECTURE.md).
LAYERS = (
    "core",
    "data",
    "catalogues",
    "places",
    "workloads",
    "engine",
    "render",
    "analyses",
    "cli",
    "web",
)


def layer_of(module: str) -> int | None:
    """Rank of ``module``'s layer (None for the package's top modules)."""
    parts = module.split(".")
    return LAYERS.index(parts[1]) if len(parts) > 1 and parts[1] in LAYERS else None


def test_imports_go_down_the_layers() -> None:
    modules = _package_modules()
    upward = sorted(
        f"{src} ({LAYERS[layer_of(src)]}) imports {dst} ({LAYERS[layer_of(dst)]})"  # type: ignore[index]
        for src, targets in import_graph(modules).items()
        for dst in targets
        if layer_of(src) is not None and layer_of(dst) is not None and layer_of(dst) > layer_of(src)  # type: ignore[operator]
    )
    assert not upward, "imports up the layers:\n" + "\n".join(upward)


def test_every_module_is_in_a_layer() -> None:
    top = {"footprint", "footprint.__main__"}
    loose = sorted(m for m in _package_modules() if m not in top and layer_of(m) is None)
    assert not loose, f"modules outside the layers {LAYERS}: {loose}"


def test_known_cycles_name_existing_modules() -> None:
    for cycle in KNOWN_CYCLES:
        assert cycle <= set(MODULES), _show(cycle)


# --------------------------------------------------------------------------- the checkers


CHECKER_CASES = [
    (
        "from footprint.analyses.hourly import _parse_time",
        ["footprint.x uses footprint.analyses.hourly._parse_time"],
    ),
    (
        "from .hourly import _parse_time as p",
        ["footprint.x uses footprint.hourly._parse_time"],
    ),
    (
        "from footprint.cli.commands._options import _x",
        ["footprint.x uses footprint.cli.commands._options._x"],
    ),
    (
        "import footprint.analyses.hourly as h\nh._parse_time",
        ["footprint.x uses footprint.analyses.hourly._parse_time"],
    ),
    (
        "import footprint.analyses.hourly\nfootprint.analyses.hourly._parse_time",
        ["footprint.x uses footprint.analyses.hourly._parse_time"],
    ),
    (
        "def f():\n    from footprint.analyses import hourly\n    return hourly._zone",
        ["footprint.x uses footprint.analyses.hourly._zone"],
    ),
    (
        "if TYPE_CHECKING:\n    from footprint.analyses.hourly import _Zone",
        ["footprint.x uses footprint.analyses.hourly._Zone"],
    ),
    ("from footprint.analyses.hourly import parse_time, __all__", []),
    ("from footprint.cli.commands import _options", []),  # a private module, not a private name
    ("from footprint.x import _own", []),
    ("import numpy as np\nnp._private", []),
]


@pytest.mark.parametrize(("source", "expected"), CHECKER_CASES)
def test_private_checker(source: str, expected: list[str]) -> None:
    modules = {"footprint", "footprint.x", "footprint.analyses.hourly", "footprint.cli.commands"}
    modules |= {"footprint.hourly"}  # a relative import from footprint.x
    modules |= {"footprint.cli.commands._options"}
    assert private_uses("footprint.x", source, modules) == expected


def test_cycle_checker() -> None:
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"e"}, "e": {"d"}, "f": {"a"}, "g": set()}
    assert cycles(graph) == {frozenset("abc"), frozenset("de")}


# --------------------------------------------------------------------------- import placement

#: Libraries kept lazy for start-up speed: a footprint module that loads one of them at
#: import time (itself or through its top-level imports) may be imported inside functions.
HEAVY = {"pandas", "pint_pandas", "pvlib", "matplotlib", "pyarrow", "dask", "distributed", "rich"}
#: The web extra's packages load only once `footprint serve` has checked they are installed.
HEAVY |= {"starlette", "jinja2", "uvicorn"}
#: Modules whose imports stay inside functions: the package's lazy public API, and the CLI
#: root that `footprint --help` loads without any numeric library.
LAZY_BY_DESIGN = {"footprint", "footprint.__main__", "footprint.cli"}


def _top_level(tree: ast.Module) -> Iterator[ast.Import | ast.ImportFrom]:
    for node in tree.body:
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            yield node
        elif isinstance(node, ast.Try):
            yield from (n for n in node.body if isinstance(n, (ast.Import, ast.ImportFrom)))


def _targets(node: ast.Import | ast.ImportFrom, modules: dict[str, Path]) -> set[str]:
    """Footprint modules an import statement loads (absolute imports)."""
    if isinstance(node, ast.Import):
        return {t for a in node.names if (t := _resolve(a.name, modules))}
    if node.level or not (node.module or "").startswith(TOP):
        return set()
    found = {_resolve(f"{node.module}.{a.name}", modules) for a in node.names}
    return {t for t in found if t} or {t for t in [_resolve(node.module or "", modules)] if t}


def heavy_modules(modules: dict[str, Path]) -> set[str]:
    """Modules that load a :data:`HEAVY` library when imported."""
    libraries: dict[str, bool] = {}
    deps: dict[str, set[str]] = {}
    for module, path in modules.items():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        deps[module] = set()
        libraries[module] = False
        for node in _top_level(tree):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else []
            if isinstance(node, ast.ImportFrom) and not node.level:
                names = [node.module or ""]
            libraries[module] |= any(n.split(".")[0] in HEAVY for n in names)
            deps[module] |= _targets(node, modules)
    heavy = {m for m, loads in libraries.items() if loads}
    grown = True
    while grown:
        grown = False
        for module, targets in deps.items():
            if module not in heavy and targets & heavy:
                heavy.add(module)
                grown = True
    return heavy


def test_imports_sit_at_module_top() -> None:
    """An import inside a function is of a module that loads a heavy library, or none."""
    heavy = heavy_modules(MODULES)
    inside: list[str] = []
    for module, path in MODULES.items():
        if module in LAZY_BY_DESIGN:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        top = set(map(id, _top_level(tree)))
        for node in _imports(tree, False):
            if id(node) in top:
                continue
            light = _targets(node, MODULES) - heavy - {TOP}
            inside += [f"{module}:{node.lineno} imports {t} inside a function" for t in light]
    assert not inside, "move these imports to the module top:\n" + "\n".join(sorted(inside))
