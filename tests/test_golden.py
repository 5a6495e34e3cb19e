"""Golden outputs: the JSON of every command, and of the library, over fixed inputs.

These files pin every number footprint prints today, so that a refactor (such as moving every
command's pipeline into one engine) provably changes none. Each case of
``tests/golden_cases.py`` (a CLI invocation or a library call) is run in-process, its output
parsed and canonicalised (sorted keys, floats to 12 significant digits, paths and the version
replaced by placeholders) and compared with ``tests/golden/<case>.json``; a mismatch lists the
first differing key paths with the expected and the new value. A refactor must leave the
goldens untouched. An intended change of numbers is its own commit that regenerates the
goldens and says why::

    UPDATE_GOLDEN=1 python -m pytest tests/test_golden.py   # rewrite tests/golden/*.json
    git diff tests/golden/                                   # review every changed number

The goldens also pin the curated data in ``datasets/``: a commit that changes a dataset
regenerates them too. A new case is a line in ``tests/golden_cases.py`` and a run with
``UPDATE_GOLDEN=1``.
"""

from __future__ import annotations

import json
import math
import os
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from golden_cases import (
    CLI_CASES,
    GOLDEN_DIR,
    LIBRARY_CASES,
    ROOT,
    Case,
    canonical,
    dumps,
    read_output_file,
)

from footprint import __version__
from footprint.cli import cli

UPDATE = bool(os.environ.get("UPDATE_GOLDEN"))
SHOWN = 15  # differing paths shown on a mismatch
RELATIVE = 1e-11  # numbers this close are equal: one unit in the 12th digit (see differences)


def _replacements(tmp: Path) -> dict[str, str]:
    # longest first: the temporary folder may lie inside the checkout or the reverse
    pairs = {
        str(tmp): "<tmp>",
        str(ROOT): "<repo>",
        f"footprint {__version__}": "footprint <version>",
    }
    return dict(sorted(pairs.items(), key=lambda kv: -len(kv[0])))


def run_cli_case(case: Case, tmp: Path) -> dict[str, Any]:
    args = [a.replace("{repo}", str(ROOT)).replace("{tmp}", str(tmp)) for a in case.args]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, (
        f"footprint {' '.join(case.args)}\nexit {result.exit_code}\n{result.output}"
    )
    out: dict[str, Any] = {"command": ["footprint", *case.args]}
    if case.output == "json":
        out["output"] = json.loads(result.stdout)
    elif case.output == "markdown":
        out["output"] = result.stdout.splitlines()
    for name in case.files:
        path = Path(name.replace("{tmp}", str(tmp)))
        out.setdefault("files", {})[name] = read_output_file(path)
    return canonical(out, _replacements(tmp))


def run_library_case(name: str, tmp: Path) -> dict[str, Any]:
    return canonical({"library": name, "output": LIBRARY_CASES[name](tmp)}, _replacements(tmp))


def differences(expected: Any, got: Any, path: str = "") -> list[tuple[str, Any, Any]]:
    """Key paths where two canonical objects differ, in document order."""
    if isinstance(expected, dict) and isinstance(got, dict):
        out = []
        for key in sorted(set(expected) | set(got)):
            here = f"{path}.{key}" if path else key
            if key not in got:
                out.append((here, expected[key], "<missing>"))
            elif key not in expected:
                out.append((here, "<missing>", got[key]))
            else:
                out += differences(expected[key], got[key], here)
        return out
    if isinstance(expected, list) and isinstance(got, list):
        out = []
        for i, (e, g) in enumerate(zip(expected, got, strict=False)):
            out += differences(e, g, f"{path}[{i}]")
        if len(expected) != len(got):
            out.append((f"{path}.length", len(expected), len(got)))
        return out
    if _number(expected) and _number(got):
        # both already rounded to 12 significant digits; the tolerance only absorbs a last-bit
        # difference that happens to cross a rounding boundary (and 700 equals 700.0)
        if math.isclose(expected, got, rel_tol=RELATIVE, abs_tol=0.0):
            return []
        return [(path or "<root>", expected, got)]
    if expected != got or type(expected) is not type(got):
        return [(path or "<root>", expected, got)]
    return []


def _number(x: Any) -> bool:
    return isinstance(x, int | float) and not isinstance(x, bool)


def _short(value: Any, width: int = 70) -> str:
    text = repr(value)
    return text if len(text) <= width else text[: width - 3] + "..."


def check_golden(name: str, got: dict[str, Any]) -> None:

    path = GOLDEN_DIR / f"{name}.json"
    text = dumps(got)
    if UPDATE:
        GOLDEN_DIR.mkdir(exist_ok=True)
        if not path.exists() or path.read_text(encoding="utf-8") != text:
            path.write_text(text, encoding="utf-8")
        return
    if not path.exists():
        pytest.fail(
            f"no golden file {path.relative_to(ROOT)}: record it with "
            "UPDATE_GOLDEN=1 python -m pytest tests/test_golden.py",
            pytrace=False,
        )
    expected = json.loads(path.read_text(encoding="utf-8"))
    diffs = differences(expected, got)
    if not diffs:
        return
    lines = [f"{path.relative_to(ROOT)}: {len(diffs)} difference(s)"]
    lines += [f"  {p}: expected {_short(e)}, got {_short(g)}" for p, e, g in diffs[:SHOWN]]
    if len(diffs) > SHOWN:
        lines.append(f"  ... and {len(diffs) - SHOWN} more")
    lines.append(
        "An intended change of numbers is its own commit: "
        "UPDATE_GOLDEN=1 python -m pytest tests/test_golden.py, and say why."
    )
    pytest.fail("\n".join(lines), pytrace=False)


@pytest.mark.parametrize("case", CLI_CASES, ids=[c.name for c in CLI_CASES])
def test_cli_golden(case: Case, tmp_path: Path) -> None:
    check_golden(case.name, run_cli_case(case, tmp_path))


@pytest.mark.parametrize("name", sorted(LIBRARY_CASES))
def test_library_golden(name: str, tmp_path: Path) -> None:
    check_golden(name, run_library_case(name, tmp_path))


def test_case_names_unique_and_stable() -> None:
    names = [c.name for c in CLI_CASES] + list(LIBRARY_CASES)
    assert len(names) == len(set(names))
    assert all(n == n.lower() and " " not in n and "/" not in n for n in names)


def test_no_orphan_golden_files() -> None:
    """Every file in tests/golden/ belongs to a case (a removed case takes its file along)."""
    names = {c.name for c in CLI_CASES} | set(LIBRARY_CASES)
    orphans = sorted(p.name for p in GOLDEN_DIR.glob("*.json") if p.stem not in names)
    assert not orphans, f"golden files without a case: {orphans}"
