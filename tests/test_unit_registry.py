"""The registry built from shipped parsed definitions equals pint's parsed one.

``footprint.core.unit_registry`` loads pint's ``default_en.txt`` and ``units.txt`` from
``footprint/core/pint_definitions.json`` (plain data, never unpickled or executed) and resolves
units lazily; these tests check that the file is current, that it is used only when it
matches, and that the registry reads, converts and formats every unit as pint does.
"""

from __future__ import annotations

import json
import math
import subprocess
import sys
import threading
from pathlib import Path

import pint
import pytest

from footprint.core import unit_registry, units
from footprint.core.unit_registry import PrebuiltRegistry

ROOT = Path(__file__).resolve().parent.parent
OPTIONS = {"autoconvert_offset_to_baseunit": True, "on_redefinition": "raise", "cache_folder": None}


def _pint_registry() -> pint.UnitRegistry:
    """What footprint's registry was before: pint parsing both text files."""
    registry = pint.UnitRegistry(**OPTIONS)
    registry.load_definitions(str(units.DEFINITIONS))
    return registry


def _prebuilt_registry() -> pint.UnitRegistry:
    registry = PrebuiltRegistry(**OPTIONS)
    registry.load_definitions(str(units.DEFINITIONS))
    return registry


#: The shipped file is parsed pint definitions of one pint release (the one that built it);
#: under another pint (the lowest-versions CI job) footprint parses the text files instead,
#: so the tests of the shipped file itself do not apply there.
built_by_this_pint = pytest.mark.skipif(
    json.loads(unit_registry.SHIPPED.read_text(encoding="utf-8"))["pint_version"]
    != pint.__version__,
    reason="pint_definitions.json was built by another pint release (it is not used here)",
)


@pytest.fixture(scope="module")
def pair() -> tuple[pint.UnitRegistry, pint.UnitRegistry]:
    return _pint_registry(), _prebuilt_registry()


@built_by_this_pint
def test_shipped_definitions_are_current():
    """Run ``python scripts/build_unit_definitions.py`` after editing units.txt."""
    assert unit_registry.SHIPPED.read_text(encoding="utf-8") == unit_registry.definitions_data()


@built_by_this_pint
def test_shipped_definitions_are_used(monkeypatch):
    for source in unit_registry.SOURCES.values():
        assert unit_registry.prebuilt_definitions(source) is not None
        assert unit_registry.prebuilt_definitions(str(source)) is not None
    parsed = []
    monkeypatch.setattr(pint.UnitRegistry, "load_definitions", lambda *a, **k: parsed.append(a))
    registry = _prebuilt_registry()
    assert parsed == []  # neither text file was parsed
    assert not registry._cache.dimensionality  # nothing resolved before it is used


@built_by_this_pint
def test_decoded_definitions_are_what_pint_parses():
    for name, path in unit_registry.SOURCES.items():
        decoded = unit_registry.prebuilt_definitions(path)
        parsed = unit_registry._parsed(path)
        assert decoded is not None and len(decoded) == len(parsed)
        for ours, theirs in zip(decoded, parsed, strict=True):
            assert type(theirs).__mro__.count(type(ours)) == 1
            assert unit_registry._encode(ours) == unit_registry._encode(theirs), name


@pytest.mark.parametrize(
    "change",
    ["pint_version", "sha256", "fields", "format", "not json", "damaged", "unknown class"],
)
def test_a_stale_or_foreign_file_is_not_used(tmp_path, monkeypatch, change):
    data = json.loads(unit_registry.SHIPPED.read_text(encoding="utf-8"))
    if change == "damaged":
        data["definitions"]["default_en.txt"][40] = ["UnitDefinition", "x"]
    elif change == "unknown class":
        data["definitions"]["default_en.txt"][40][0] = "os.system"
    elif change == "pint_version":
        data["pint_version"] = "0.0"
    elif change == "sha256":
        data["sha256"]["default_en.txt"] = "0" * 64
    elif change == "fields":
        data["fields"]["UnitDefinition"] = ["name", "reference"]
    elif change == "format":
        data["format"] = 0
    path = tmp_path / "pint_definitions.json"
    path.write_text("{" if change == "not json" else json.dumps(data), encoding="utf-8")
    monkeypatch.setattr(unit_registry, "SHIPPED", path)
    unit_registry._shipped.cache_clear()
    try:
        assert unit_registry.prebuilt_definitions(unit_registry.PINT_DEFAULTS) is None
        registry = _prebuilt_registry()  # parses the text instead, same result
        assert registry._cache.dimensionality  # and builds pint's caches up front
        assert registry.Quantity(1, "kWh").m_as("J") == 3.6e6
        assert registry.Quantity(1, "tCO2e").m_as("kgCO2e") == 1000
    finally:
        unit_registry._shipped.cache_clear()


def test_other_files_are_parsed(tmp_path):
    copy = tmp_path / "units.txt"
    copy.write_text(units.DEFINITIONS.read_text(encoding="utf-8"), encoding="utf-8")
    assert unit_registry.prebuilt_definitions(copy) is None
    assert unit_registry.prebuilt_definitions(["a = [b]"]) is None
    registry = PrebuiltRegistry(**OPTIONS)
    registry.load_definitions(str(copy))
    assert registry.Quantity(1, "tCO2e").m_as("gCO2e") == 1e6


def test_same_definitions(pair):
    theirs, ours = pair
    assert set(ours._prefixes) == set(theirs._prefixes)
    assert set(ours._dimensions) == set(theirs._dimensions)
    assert set(ours._units) <= set(theirs._units)  # pint's up-front build adds prefixed names
    for name in ours._units:
        assert ours._units[name].name == theirs._units[name].name
        assert ours._units[name].converter == theirs._units[name].converter
        assert ours._units[name].reference == theirs._units[name].reference
    assert ours._defaults == theirs._defaults
    assert ours.default_system == theirs.default_system
    assert {n: g.members for n, g in ours._groups.items()} == {
        n: g.members for n, g in theirs._groups.items()
    }
    assert {n: s.base_units for n, s in ours._systems.items()} == {
        n: s.base_units for n, s in theirs._systems.items()
    }
    assert set(ours._contexts) == set(theirs._contexts)
    for name, context in ours._contexts.items():
        assert set(context.funcs) == set(theirs._contexts[name].funcs)
        assert context.defaults == theirs._contexts[name].defaults
    assert ours._diskcache is None


def _behaviour(registry: pint.UnitRegistry, name: str) -> tuple[object, ...]:
    try:
        q = registry.Quantity(1.5, name)
        base = q.to_base_units()
        return (
            str(q.dimensionality),
            base.magnitude if math.isfinite(base.magnitude) else str(base.magnitude),
            str(base.units),
            format(q.units, "~P"),
            format(q.units, "P"),
            str(q.to_root_units().units),
        )
    except Exception as exc:  # the same failure in both
        return (type(exc).__name__,)


def test_every_unit_and_prefix_behaves_the_same(pair):
    """Every unit name, symbol and alias pint knows (and prefixed forms) reads, converts
    and formats identically; ours starts with nothing resolved."""
    theirs, ours = pair
    names = sorted(theirs._units)
    prefixed = [p + u for p in ("k", "M", "m", "kilo", "mega", "G") for u in names[::7]]
    for name in names + prefixed:
        assert _behaviour(ours, name) == _behaviour(theirs, name), name
    for a, b in [("kWh", "MJ"), ("gCO2e/kWh", "tCO2e/MWh"), ("degC", "kelvin"), ("USD", "EUR")]:
        assert ours.is_compatible_with(a, b) == theirs.is_compatible_with(a, b)


@pytest.mark.parametrize("unit", ["W", "kWh", "gCO2e", "L", "hour", "degC", "request/day", "m"])
def test_compatible_units_are_the_same(unit):
    theirs, ours = _pint_registry(), _prebuilt_registry()
    expected = {str(u) for u in theirs.get_compatible_units(unit)}
    assert {str(u) for u in ours.get_compatible_units(unit)} == expected
    assert {str(u) for u in ours.Quantity(1, unit).compatible_units()} == expected


def test_compatible_units_under_threads():
    registry = _prebuilt_registry()
    barrier = threading.Barrier(6)
    found: list[frozenset[str]] = []

    def work() -> None:
        barrier.wait()
        found.append(frozenset(map(str, registry.get_compatible_units("W"))))

    threads = [threading.Thread(target=work) for _ in range(6)]
    [t.start() for t in threads]
    [t.join() for t in threads]
    assert len(set(found)) == 1 and "watt" in next(iter(found))


def test_footprint_registry_is_prebuilt_and_fast():
    code = (
        "import time, pint; t = time.perf_counter(); from footprint.core import units; "
        "r = units.get_registry(); print(type(r).__name__, time.perf_counter() - t)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT
    ).stdout.split()
    assert out[0] == "PrebuiltRegistry"
    assert float(out[1]) < 0.5  # about 0.015 s; parsing took 0.12 s


@built_by_this_pint
def test_build_script_check_passes():
    r = subprocess.run(
        [sys.executable, "scripts/build_unit_definitions.py", "--check"],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert r.returncode == 0, r.stdout + r.stderr
