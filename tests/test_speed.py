"""Speed a person feels (issue 17, item 15), held by what it rests on rather than by timings:
what each command imports, the caches of a repeated estimate (immutable, thread-safe) and
the status line of slow steps (a terminal's stderr only). The timings themselves are
printed by ``benchmarks/`` (README, "Speed")."""

from __future__ import annotations

import gc
import io
import json
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

import footprint as fp
from footprint.core import status as status_module
from footprint.core.memo import IdentityMemo
from footprint.core.unit_registry import PrebuiltRegistry
from footprint.core.units import DEFINITIONS
from footprint.places.site import Site, site_factors, site_key

ROOT = Path(__file__).resolve().parent.parent

#: Packages no command below needs: pint's optional probes (Dask, SciPy), the extras.
NEVER = ("dask", "distributed", "scipy", "matplotlib", "mpl_toolkits", "pvlib", "h5py")


def _imported(args: list[str]) -> set[str]:
    """Top-level packages a fresh ``footprint`` process imports to run ``args``."""
    code = (
        "import json, os, sys\nfrom footprint.cli import main\n"
        "sys.stdout = open(os.devnull, 'w')\n"
        f"try:\n    main({args!r})\nexcept SystemExit as exc:\n    code = exc.code\n"
        "print(json.dumps([code, sorted({m.split('.')[0] for m in sys.modules})]),"
        " file=sys.stderr)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT
    )
    code, modules = json.loads(out.stderr.strip().splitlines()[-1])
    assert code == 0, out.stderr
    return set(modules)


@pytest.mark.parametrize(
    "args",
    [
        ["estimate", "-a", "H100-SXM", "--gpu-hours", "39.3e6", "-r", "US", "--year", "2023",
         "--format", "json"],
        ["infer", "-m", "llama-3.1-8b", "-n", "1e9 request/day", "--output-tokens", "300",
         "--format", "json"],
    ],
    ids=["estimate", "infer"],
)
def test_first_result_imports_no_optional_package(args):
    """pint imports Dask and SciPy when they are installed (0.1-0.2 s); the command line
    hides them while pint loads, and an estimate needs neither pandas nor any extra."""
    modules = _imported(args)
    assert not modules & {*NEVER, "pandas"}


def test_solar_imports_no_plotting_or_dask():
    modules = _imported(
        ["solar", "--pv-capacity", "1 MWp", "--latitude", "36.1", "--longitude", "-79.95",
         "--format", "json"]
    )
    assert "pvlib" in modules and not modules & {"matplotlib", "dask", "distributed"}


def test_charts_use_the_figure_not_pyplot(tmp_path):
    code = (
        "import sys\nfrom footprint.cli import main\n"
        f"try:\n    main(['compare', '-a', 'H100-SXM', '--gpu-hours', '1000', '--regions',"
        f" 'FR,DE', '--plot', {str(tmp_path / 'c.svg')!r}])\nexcept SystemExit:\n    pass\n"
        "print('PYPLOT=' + str('matplotlib.pyplot' in sys.modules), file=sys.stderr)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT
    )
    assert out.stderr.strip().splitlines()[-1] == "PYPLOT=False"
    assert (tmp_path / "c.svg").read_text(encoding="utf-8").lstrip().startswith("<?xml")


def test_the_library_imports_pint_as_it_is():
    """Hiding pint's probes is the command line's, never the library's: in a program that
    uses footprint, pint sees Dask when it is installed."""
    code = (
        "import importlib.util, footprint as fp; fp.Q_(1, 'W'); import pint.compat as c; "
        "has = getattr(c, 'HAS_DASK', None); "  # pint before 0.25 has no such flag
        "print(has is None or has == (importlib.util.find_spec('dask') is not None))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT
    )
    assert out.stdout.strip() == "True"


# --- caches of a repeated estimate ------------------------------------------------------------


def test_site_factors_are_resolved_once_per_key():
    site = Site(region="FR", year=2022)
    first = site_factors(site)
    assert site_factors(Site(region="FR", year=2022)) is first  # same key: same object
    assert site_factors(Site(region="FR", year=2021)) is not first
    # 1 and 1.0 are equal but may print apart: different keys
    assert site_key(Site(region="FR", pue=1)) != site_key(Site(region="FR", pue=1.0))
    # a Quantity override is not cached (it may be mutable)
    given = Site(region="FR", intensity=fp.Q_(50.0, "g/kWh"))
    assert site_key(given) is None
    assert site_factors(given) is not site_factors(given)
    assert site_factors(given).intensity.value.m == 50.0


def test_repeated_and_threaded_estimates_agree():
    """The caches never change a number: serial, repeated and concurrent estimates give
    the same JSON."""
    cases = [
        (fp.GpuJob("H100-SXM", gpu_hours="1e6 h"), Site(region="US", year=2023)),
        (fp.GpuJob("A100-SXM4-80GB", gpu_hours=5000), Site(region="aws:us-east-1")),
        (fp.GpuJob("H100-SXM", count=8, duration="10 h", power="500 W"), Site(region="SE")),
    ]
    expected = [fp.estimate(job, site).to_dict() for job, site in cases]
    assert [fp.estimate(job, site).to_dict() for job, site in cases] == expected
    seen: list[tuple[int, dict]] = []
    errors: list[BaseException] = []

    def work(i: int) -> None:
        try:
            for _ in range(5):
                job, site = cases[i % len(cases)]
                seen.append((i % len(cases), fp.estimate(job, site).to_dict()))
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(i,)) for i in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert all(d == expected[i] for i, d in seen) and len(seen) == 30


def test_uncertain_factors_keep_their_ranges_when_reused():
    job, site = fp.GpuJob("H100-SXM", gpu_hours=1000), Site(region="DE", year=2022)
    a, b = fp.estimate(job, site), fp.estimate(job, site)
    for name in ("power", "host_power", "intensity", "pue", "ewif"):
        spread = a.factors[name].spread
        assert spread is not None and spread == b.factors[name].spread
        assert a.factors[name] is b.factors[name]  # worked out once, not per estimate


def test_unit_texts_are_parsed_once():
    """pint keeps only one-name texts ("W") parsed; footprint's registry keeps every text,
    and forgets them when a definition is added."""
    assert fp.ureg.parse_units_as_container("gCO2e/kWh") is fp.ureg.parse_units_as_container(
        "gCO2e/kWh"
    )
    registry = PrebuiltRegistry(cache_folder=None)  # a registry of its own: define() below
    registry.load_definitions(str(DEFINITIONS))
    first = registry.parse_units_as_container("gCO2e/kWh")
    assert registry.parse_units_as_container("gCO2e/kWh") is first
    assert registry.Quantity(1.0, "gCO2e/kWh").to("kgCO2e/MWh").m == pytest.approx(1.0)
    registry.define("footprint_test_unit = 7 * W")
    assert registry.parse_units_as_container("gCO2e/kWh") is not first
    assert registry.Quantity(1.0, "footprint_test_unit/kWh").to("W/kWh").m == pytest.approx(7.0)


def test_identity_memo_forgets_dead_objects():
    class Thing:
        pass

    memo: IdentityMemo[int] = IdentityMemo()
    thing, calls = Thing(), []
    assert memo.get(thing, "k", lambda: calls.append(1) or 1) == 1
    assert memo.get(thing, "k", lambda: calls.append(2) or 2) == 1 and calls == [1]
    assert memo.get(thing, "other", lambda: 3) == 3
    del thing
    gc.collect()
    assert len(memo) == 0
    # a new object, whatever its id, gets its own value
    assert memo.get(Thing(), "k", lambda: 4) == 4


# --- status line ---------------------------------------------------------------------------


class _Terminal(io.StringIO):
    def __init__(self, tty: bool = True) -> None:
        super().__init__()
        self._tty = tty

    def isatty(self) -> bool:
        return self._tty


@pytest.fixture
def lines_on(monkeypatch):
    """Status lines on (as the command line does), with a short delay."""
    monkeypatch.setattr(status_module, "DELAY", 0.01)
    monkeypatch.delenv("TERM", raising=False)
    status_module.enable()
    yield
    status_module.enable(False)


def _stderr(monkeypatch, tty: bool = True) -> _Terminal:
    # set in the test itself: pytest's capture replaces sys.stderr after fixtures run
    err = _Terminal(tty)
    monkeypatch.setattr(sys, "stderr", err)
    return err


def test_status_line_on_a_terminal_is_erased(lines_on, monkeypatch):
    terminal = _stderr(monkeypatch)
    with status_module.status("loading on-site solar (pvlib)"):
        time.sleep(0.2)
    text = terminal.getvalue()
    assert text == "\r\x1b[Kfootprint: loading on-site solar (pvlib)...\r\x1b[K"


def test_nested_steps_say_what_runs(lines_on, monkeypatch):
    terminal = _stderr(monkeypatch)
    with status_module.status("working"):
        time.sleep(0.1)
        with status_module.status("loading charts (matplotlib)"):
            time.sleep(0.1)
        with status_module.status("quick"):
            pass  # over before its delay: shows nothing, leaves the outer line alone
        time.sleep(0.05)
    lines = [t for t in terminal.getvalue().split("\r\x1b[K") if t]
    assert lines == [
        "footprint: working...",
        "footprint: loading charts (matplotlib)...",
        "footprint: working...",
    ]
    assert terminal.getvalue().endswith("\r\x1b[K")


def test_results_on_the_same_terminal_erase_the_line_first(lines_on, monkeypatch):
    terminal = _stderr(monkeypatch)
    out = _Terminal()
    monkeypatch.setattr(sys, "stdout", out)
    with status_module.watch_output(), status_module.status("working"):
        time.sleep(0.1)
        print("result")
        with status_module.status("later step"):
            time.sleep(0.1)  # after output began: no status line any more
    assert terminal.getvalue() == "\r\x1b[Kfootprint: working...\r\x1b[K"
    assert out.getvalue() == "result\n" and sys.stdout is out


def test_messages_on_stderr_erase_the_line_first(lines_on, monkeypatch, tmp_path):
    terminal = _stderr(monkeypatch)
    with open(tmp_path / "out.json", "w", encoding="utf-8") as out:  # results to a file
        monkeypatch.setattr(sys, "stdout", out)
        with status_module.watch_output(), status_module.status("working"):
            time.sleep(0.1)
            print("Warning: 7000 W is beyond the H100-SXM's rating", file=sys.stderr)
            time.sleep(0.1)
    assert terminal.getvalue() == (
        "\r\x1b[Kfootprint: working...\r\x1b[KWarning: 7000 W is beyond the H100-SXM's rating\n"
    )
    assert sys.stderr is terminal


def test_no_status_line_when_results_are_piped(lines_on, monkeypatch):
    terminal = _stderr(monkeypatch)
    read, write = os.pipe()
    with os.fdopen(read, "rb") as r, os.fdopen(write, "w") as w:  # footprint ... | less
        monkeypatch.setattr(sys, "stdout", w)
        with status_module.watch_output(), status_module.status("working"):
            time.sleep(0.1)
        assert r is not None
    assert terminal.getvalue() == ""


@pytest.mark.parametrize("tty, term, on", [(False, None, True), (True, "dumb", True),
                                          (True, None, False)])
def test_no_status_line_in_pipes_dumb_terminals_or_the_library(lines_on, monkeypatch, tty,
                                                               term, on):
    err = _stderr(monkeypatch, tty)
    if term:
        monkeypatch.setenv("TERM", term)
    status_module.enable(on)
    with status_module.status("slow"):
        time.sleep(0.1)
    assert err.getvalue() == ""


def test_quick_steps_show_nothing(lines_on, monkeypatch):
    terminal = _stderr(monkeypatch)
    with status_module.status("quick"):
        pass
    assert terminal.getvalue() == ""
