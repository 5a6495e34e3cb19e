"""Hardening of the quantity parser and the unit registry (issue 11, items 2, 3, 4, 8).

- Item 2: pint evaluates ``**``; ``"10**10**10 W"`` hung every command and
  ``"2**2000 W"`` raised OverflowError. Strings are split into ``number [unit]`` before
  pint sees the unit, and expressions are refused with one line.
- Item 3: the registry factory had no lock (8 threads on a cold start got "quantity from
  another unit registry"), and processes raced on pint's disk cache.
- Item 4: pint's disk cache unpickled files from the user's cache directory.
- Item 8: anything convertible to dimensionless passed as a ratio (``--pue "1 GB"`` was a
  PUE of 8e9) and ``--pv-tilt 50%`` was 28.6 degrees.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
import time

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from footprint.cli import cli
from footprint.core import units
from footprint.core.errors import FootprintError, InputError, UnitError

SECONDS = 5.0  # every parse must finish far below this


def _quick(fn, *args):
    start = time.perf_counter()
    try:
        return fn(*args)
    finally:
        assert time.perf_counter() - start < SECONDS


@pytest.mark.parametrize(
    "text",
    [
        "10**10**10 W",
        "2**2000 W",
        "9**9**9 h",
        "10^10^10 W",
        "(10**10)**10 W",
        "2*3 W",
        "10 W*2",
        "1 ^2",
        "W**2",
        "1 W**(10**10)",
        "1 W**999",
    ],
)
def test_expressions_are_refused_quickly(text):
    with pytest.raises(UnitError, match="expected"):
        _quick(units.to_quantity, text, None, "--power")


@pytest.mark.parametrize("text", ["1e400 W", "-1e400 W", "1e309", "nan W", "inf"])
def test_overflowing_numbers_are_one_line_errors(text):
    with pytest.raises(InputError):
        units.parse_quantity(text, "power", "W", "--power")


def test_huge_integers_are_input_errors_not_overflow():
    with pytest.raises(InputError, match="finite"):
        units.parse_quantity(10**400, "power", "W", "--power")
    with pytest.raises(InputError, match="finite"):
        units.check_magnitude(10**400, "--count")
    with pytest.raises(UnitError, match="at most"):
        units.to_quantity("1" * 400 + " W", None, "--power")


@pytest.mark.parametrize(
    "text, unit, magnitude",
    [
        ("700 W", "W", 700),
        ("0.7kW", "W", 700),
        ("-0 W", "W", 0),
        (".5 kWh", "kWh", 0.5),
        ("1e9 request/day", "request/day", 1e9),
        ("1e9/day", "1/day", 1e9),
        ("5 m^3", "m^3", 5),
        ("5 m**3", "m^3", 5),
        ("2 W/m^2", "W/m^2", 2),
        ("1.5 kW/(m^2)", "W/m^2", 1500),
        ("414 gCO2e/kWh", "gCO2e/kWh", 414),
        ("0.3 L/kWh", "L/kWh", 0.3),
        ("12 USD/MWh", "USD/MWh", 12),
        ("3 days", "h", 72),
    ],
)
def test_number_and_unit_still_read(text, unit, magnitude):
    assert units.to_quantity(text, None, "x").m_as(unit) == pytest.approx(magnitude)


def test_parse_unit_refuses_expressions():
    assert units.parse_unit("kW", "profile") == units.ureg.kW
    with pytest.raises(UnitError):
        _quick(units.parse_unit, "W**10**10", "profile")


@given(st.text(max_size=60))
@settings(max_examples=400, deadline=None, derandomize=True)
def test_any_string_parses_or_fails_cleanly(text):
    try:
        q = _quick(units.to_quantity, text, "W", "x")
    except FootprintError:
        return
    assert q is not None


@pytest.mark.parametrize(
    "value, dimension, default",
    [
        ("1 GB", "dimensionless", ""),
        ("1 bit", "dimensionless", ""),
        ("1 rad", "dimensionless", ""),
        ("3 kB/B", "dimensionless", ""),
        ("50%", "angle", "deg"),
        ("0.5", "angle", "deg"),  # a bare number is degrees: fine (see below)
    ],
)
def test_ratios_and_angles_accept_only_their_own_units(value, dimension, default):
    if value == "0.5":
        assert units.parse_quantity(value, dimension, default, "--pv-tilt").m_as("deg") == 0.5
        return
    with pytest.raises(UnitError, match="expected"):
        units.parse_quantity(value, dimension, default, "--x")


@pytest.mark.parametrize(
    "value, dimension, default, expected",
    [
        ("1.2", "dimensionless", "", 1.2),
        ("120%", "dimensionless", "", 1.2),
        ("30 deg", "angle", "deg", 30),
        ("0.5 rad", "angle", "deg", 28.64788975654116),
    ],
)
def test_own_units_accepted(value, dimension, default, expected):
    q = units.parse_quantity(value, dimension, default, "--x")
    assert q.m_as("deg" if dimension == "angle" else "") == pytest.approx(expected)


@pytest.mark.parametrize(
    "args, message",
    [
        (["--pue", "1 GB"], "--pue"),
        (["--power", "10**10**10 W"], "--power"),
        (["--power", "2**2000 W"], "--power"),
        (["--gpu-hours", "1e400"], "--gpu-hours"),
    ],
)
def test_cli_one_line_exit_2(args, message):
    r = CliRunner().invoke(cli, ["estimate", "-a", "H100-SXM", "--gpu-hours", "10", *args])
    assert r.exit_code == 2, r.output
    lines = [line for line in r.output.splitlines() if line.strip()]
    assert len(lines) == 1 and message in lines[0] and "Traceback" not in r.output


def test_pv_tilt_percent_refused():
    r = CliRunner().invoke(
        cli, ["hourly", "-a", "H100-SXM", "--hours", "10", "-r", "US-CAL-CISO", "--pv-tilt", "50%"]
    )
    assert r.exit_code == 2, r.output
    assert "--pv-tilt" in r.output


# --- item 3 and 4: threads, processes, no pickle cache ----------------------------------

_THREADS = textwrap.dedent(
    """
    import sys, threading
    import footprint as fp
    from footprint.core import units
    barrier = threading.Barrier(8)
    out, errors, registries = [], [], set()
    def work(i):
        try:
            barrier.wait()
            hours = units.Q_(1000 + i, "h")
            registries.add(id(units.get_registry()))
            job = fp.GpuJob("H100-SXM", gpu_hours=hours)
            r = fp.estimate(job, region=["FR", "DE", "US", "aws:us-east-1"][i % 4], year=2022)
            out.append(r.co2e.m_as("kgCO2e") / (1000 + i))
        except Exception as exc:
            errors.append(repr(exc))
    threads = [threading.Thread(target=work, args=(i,)) for i in range(8)]
    [t.start() for t in threads]
    [t.join() for t in threads]
    assert not errors, errors
    assert len(out) == 8
    assert len(registries) == 1, f"{len(registries)} registries"
    print("ok")
    """
)


def _env(tmp_path):
    env = dict(os.environ)
    env["XDG_CACHE_HOME"] = str(tmp_path / "cache")
    env["HOME"] = str(tmp_path / "home")
    return env


def test_threads_on_a_cold_start_share_one_registry(tmp_path):
    for _ in range(4):  # every trial failed before the lock
        r = subprocess.run(
            [sys.executable, "-c", _THREADS],
            capture_output=True,
            text=True,
            timeout=120,
            env=_env(tmp_path),
        )
        assert r.returncode == 0 and "ok" in r.stdout, r.stderr[-2000:]


def test_processes_starting_together_all_succeed(tmp_path):
    code = (
        "import footprint as fp; job = fp.GpuJob('A100-80GB', gpu_hours=10); "
        "print(fp.estimate(job, region='FR').co2e.m_as('kgCO2e'))"
    )
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", code],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=_env(tmp_path),
        )
        for _ in range(12)
    ]
    results = []
    for p in procs:
        out, err = p.communicate(timeout=180)
        assert p.returncode == 0, err[-2000:]
        results.append(out.strip())
    assert len(set(results)) == 1


def test_no_pickle_cache_is_read_or_written(tmp_path):
    """Nothing from the user's cache directory is unpickled; nothing is written there."""
    env = _env(tmp_path)
    cache = tmp_path / "cache" / "pint"
    cache.mkdir(parents=True)
    marker = tmp_path / "pwned"
    # a hostile pickle under every name pint would look for would run this on load
    payload = b"cos\nsystem\n(S'touch " + str(marker).encode() + b"'\ntR."
    for name in ("a.pickle", "0" * 40 + ".pickle"):
        (cache / name).write_bytes(payload)
    before = sorted(p.name for p in cache.iterdir())
    r = subprocess.run(
        [sys.executable, "-m", "footprint", "estimate", "-a", "H100-SXM", "--gpu-hours", "10"],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
    )
    assert r.returncode == 0, r.stderr
    assert not marker.exists()
    assert sorted(p.name for p in cache.iterdir()) == before
    assert units.get_registry()._diskcache is None


# --- item 9: the library's lookups raise FootprintError for values of the wrong type ----


@pytest.mark.parametrize(
    "call",
    [
        lambda fp: fp.find_zone(None),
        lambda fp: fp.find_zone({}),
        lambda fp: fp.grid_intensity("FR", {}),
        lambda fp: fp.grid_intensity("FR", "2020"),
        lambda fp: fp.grid_intensity(None),
        lambda fp: fp.ewif("FR", "x"),
        lambda fp: fp.ewif(["FR"]),
        lambda fp: fp.facility_factors(None, "2020"),
        lambda fp: fp.facility_factors({}, 2020),
        lambda fp: fp.Site(region="FR", year=10**400),
        lambda fp: fp.Site(region="FR", year=float("nan")),
        lambda fp: fp.get_accelerator(None),
        lambda fp: fp.GpuJob("H100-SXM", count=10**400, duration="1 h"),
    ],
)
def test_lookups_reject_wrong_types_with_footprint_errors(call):
    import footprint as fp

    with pytest.raises(FootprintError):
        call(fp)


def test_values_that_overflow_in_si_units_are_refused():
    """'1e308 hp' is finite as typed but infinite in watts: refused, not shown as 'inf W'."""
    with pytest.raises(InputError, match="too large"):
        units.parse_quantity("1e308 hp", "power", "W", "--power")


def test_per_unit_results_refuse_a_zero_count():
    r = CliRunner().invoke(
        cli,
        [
            "infer", "-m", "llama-3.1-8b", "-n", "1e9 request/day",
            "--output-tokens", "300", "--period", "1e-320",
        ],
    )  # fmt: skip
    assert r.exit_code == 2, r.output
    assert "Traceback" not in r.output and len(r.output.strip().splitlines()) == 1


@pytest.mark.parametrize("total", ["2013=10**10**10 kWh", "2013=10^400kWh", "2013=2**2000 MWh"])
def test_project_total_never_evaluates_an_expression(total):
    """project total fell back to pint's own parser for 'any unit' totals (item 2)."""
    start = time.perf_counter()
    r = CliRunner().invoke(
        cli, ["project", "total", "--baseline", "2019=400 MWh", "--current", total]
    )
    assert time.perf_counter() - start < SECONDS
    assert r.exit_code == 2, r.output
    assert len(r.output.strip().splitlines()) == 1 and "Traceback" not in r.output


def test_site_refuses_a_region_that_is_not_a_name():
    import footprint as fp

    for region in ([], {}, 5, "  "):
        with pytest.raises(InputError, match="region"):
            fp.Site(region=region)


def test_suggestions_for_a_name_that_is_not_text():
    from footprint.core.errors import UnknownNameError

    assert "unknown zone 5" in str(UnknownNameError("zone", 5, ["FR", 7]))


def test_profile_header_unit_is_never_evaluated(tmp_path):
    """A load profile's header unit went to pint as an expression (item 2)."""
    path = tmp_path / "profile.csv"
    path.write_text(
        "timestamp,power [W**10**10]\n2022-07-01T00:00Z,5\n2022-07-01T01:00Z,5\n",
        encoding="utf-8",
    )
    start = time.perf_counter()
    r = CliRunner().invoke(cli, ["hourly", "--profile", str(path), "-r", "US-CAL-CISO"])
    assert time.perf_counter() - start < SECONDS
    assert r.exit_code == 2, r.output
    assert "expressions are not evaluated" in r.output


def test_hourly_grid_files_are_verified_against_the_manifest(monkeypatch):
    from footprint.data import loader as data
    from footprint.places import hourly_grid

    seen = []
    monkeypatch.setattr(hourly_grid, "verify_file", lambda path: seen.append(path))
    hourly_grid._load.cache_clear()
    try:
        hourly_grid._load("US-CAL-CISO", 2022)
    finally:
        hourly_grid._load.cache_clear()
    assert seen and str(seen[0]).endswith(".csv.gz")
    assert data.verify_file  # the real check exists


@pytest.mark.parametrize(
    "argv",
    [
        ["project", "total", "--baseline", "2019=9.67 MtCO2e", "--to", "2025", "--growth", "30"],
        ["project", "total", "--baseline", "2019=1 TWh", "--to", "2025", "--efficiency", "5"],
        ["project", "total", "--baseline", "2019=1 TWh", "--to", "2025", "--grid", "-2"],
        [
            "project",
            "-a",
            "H100",
            "--gpu-hours",
            "1e6",
            "-r",
            "US",
            "--from",
            "2023",
            "--to",
            "2030",
            "--growth",
            "30",
        ],
    ],
)
def test_a_bare_rate_above_one_is_refused_not_read_as_thousands_of_percent(argv) -> None:
    """Issue 17: `--growth 30` meant 30%, not +3,000% a year (+91,592% by 2025)."""
    result = CliRunner().invoke(cli, argv)
    assert result.exit_code == 2
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and "% for" in lines[0] and "0.3 is 30%" in lines[0]


def test_rates_as_percent_or_fraction_still_read() -> None:
    for growth in ("30%", "0.3", "-3%", "1", "150%"):
        result = CliRunner().invoke(
            cli,
            ["project", "total", "--baseline", "2019=1 TWh", "--to", "2021", "--growth", growth],
        )
        assert result.exit_code == 0, (growth, result.output)


@pytest.mark.parametrize(
    ("slice_", "low", "high"),
    [
        (["--top", "3"], "Best of all", "last of the best 3 shown"),
        (["--bottom", "3"], "Best of the worst 3 shown", "worst of all"),
    ],
)
def test_compare_names_best_and_worst_of_the_slice_shown(slice_, low, high) -> None:
    """Issue 17, item 3: with --top 10 the 10th region is not "worst" (nor with --bottom
    the 3rd worst "best")."""
    argv = ["compare", "-a", "H100", "--gpu-hours", "1000", "--all-countries", *slice_]
    result = CliRunner().invoke(cli, argv)
    assert result.exit_code == 0, result.output
    line = next(x for x in result.output.splitlines() if x.startswith("Best"))
    assert line.startswith(low) and f"; {high}" in line


@pytest.mark.parametrize(
    ("text", "dimension", "default", "expected"),
    [
        ("30.84M", "time", "h", 30.84e6),  # Llama 3.1's H100-hours as the model card writes them
        ("30.84M h", "time", "h", 30.84e6),
        ("39.3M hour", "time", "h", 39.3e6),
        ("2.5k", "time", "h", 2500.0),
        ("15T token", "tokens", "token", 15e12),
        ("1B request", "requests", "request", 1e9),
        ("30M request/month", "request_rate", None, 30e6),
    ],
)
def test_count_suffixes_on_counts_and_hours(text, dimension, default, expected) -> None:
    """Issue 17, item 7: `--gpu-hours 30.84M` was read by pint as 30.84 molar."""
    q = units.parse_quantity(text, dimension, default, "--x")
    assert q.magnitude == expected


@pytest.mark.parametrize("text", ["7M", "5k", "3T W"])
def test_count_suffix_elsewhere_says_how_to_write_the_number(text) -> None:
    with pytest.raises(UnitError, match=r"counts and hours only; write \de\d+ with a unit"):
        units.parse_quantity(text, "power", "W", "--power")


def test_suffix_does_not_swallow_prefixed_units() -> None:
    assert units.parse_quantity("5kW", "power", "W", "--power").m_as("W") == 5000.0
    assert units.parse_quantity("2 Mh", "time", "h", "--t").m_as("h") == 2e6


def test_cli_gpu_hours_and_requests_with_suffixes() -> None:
    base = ["estimate", "-a", "H100-SXM", "-r", "US", "--format", "json"]
    a = CliRunner().invoke(cli, [*base, "--gpu-hours", "30.84M"])
    b = CliRunner().invoke(cli, [*base, "--gpu-hours", "30840000"])
    assert a.exit_code == 0, a.output
    assert json.loads(a.output)["results"] == json.loads(b.output)["results"]
    c = CliRunner().invoke(
        cli, ["infer", "-m", "llama-3.1-8b", "-n", "30M request/month", "--output-tokens", "300"]
    )
    assert c.exit_code == 0, c.output


def test_infer_table_title_states_the_span_of_a_rate() -> None:
    """Issue 17, item 6: `-n "1e9 request/month"` gave yearly totals under the title
    "Footprint"; the title now says which span the totals cover."""
    argv = ["infer", "-m", "llama-3.1-8b", "-n", "1e9 request/month", "--output-tokens", "300"]
    out = CliRunner().invoke(cli, argv).output
    assert out.splitlines()[0].strip() == "Footprint of 1 year at 1e9 request/month"
    out = CliRunner().invoke(cli, [*argv, "--period", "1 month"]).output
    assert out.splitlines()[0].strip() == "Footprint of 1 month at 1e9 request/month"
    total = ["infer", "-m", "llama-3.1-8b", "-n", "2e6 request", "--output-tokens", "300"]
    assert CliRunner().invoke(cli, total).output.splitlines()[0].strip() == "Footprint"


@pytest.mark.parametrize(
    ("option", "value", "said"),
    [
        ("--power", "7000 W", "10x the H100-SXM's TDP of 700 W"),
        ("--power", "7 W", "below what an idle accelerator draws"),
        ("--intensity", "400 kg/kWh", "400,000 gCO2e/kWh is 306x the most carbon-intensive grid"),
    ],
)
def test_implausible_inputs_are_warned_on_stderr_and_in_notes(option, value, said) -> None:
    """Issue 17, item 2: `--intensity "400 kg/kWh"` (400,000 g/kWh) and `--power "7000 W"` on
    an H100 passed silently. They are computed as given, with a warning on standard error
    (every run, also when the site's factors come from the cache) and a note in the result."""
    argv = ["estimate", "-a", "H100-SXM", "--gpu-hours", "100", "-r", "FR", option, value]
    for _ in range(2):
        result = CliRunner().invoke(cli, [*argv, "--format", "json"])
        assert result.exit_code == 0, result.output
        warned = [x for x in result.stderr.splitlines() if x.startswith("warning: ")]
        assert len(warned) == 1 and said in warned[0]
        notes = json.loads(result.stdout)["notes"]
        assert any(n.startswith("implausible input: ") and said in n for n in notes)


def test_plausible_inputs_give_no_warning() -> None:
    argv = ["estimate", "-a", "H100-SXM", "--gpu-hours", "100", "-r", "FR", "--format", "json"]
    for extra in (["--power", "650 W"], ["--intensity", "0.9 kg/kWh"], ["--power", "100 W"]):
        result = CliRunner().invoke(cli, [*argv, *extra])
        assert result.exit_code == 0 and "warning" not in result.stderr, result.stderr


def test_library_warns_with_a_plausibility_warning() -> None:
    import footprint as fp
    from footprint.core.plausibility import PlausibilityWarning

    with pytest.warns(PlausibilityWarning, match="TDP"):
        fp.estimate(fp.GpuJob("H100-SXM", gpu_hours=10, power="7 kW"), fp.Site(region="FR"))


def test_a_failing_command_prints_its_error_line_only() -> None:
    """A warning is printed after the result: bad input still ends in one line."""
    argv = ["estimate", "-a", "H100-SXM", "--gpu-hours", "9", "--power", "7 kW", "-r", "Georgia"]
    result = CliRunner().invoke(cli, argv)
    assert result.exit_code == 2 and len(result.stderr.strip().splitlines()) == 1


def test_infer_markdown_states_the_span_of_a_rate() -> None:
    argv = ["infer", "-m", "llama-3.1-8b", "-n", "1e9 request/month", "--output-tokens", "300"]
    out = CliRunner().invoke(cli, [*argv, "--format", "markdown"]).output
    assert out.splitlines()[0] == "**Footprint of 1 year at 1e9 request/month**"


@pytest.mark.parametrize(
    ("argv", "said"),
    [
        (  # a time-zone offset beyond the year 9999: pandas' NotImplementedError, a traceback
            [
                "schedule",
                "--region",
                "gcp:us-east4",
                "--hours",
                "4",
                "--power",
                "800",
                "--from",
                "2022-06-01T00:00",
                "--within",
                "1e6 week",
            ],
            "too long a window",
        ),
        (  # 5e-324 month is 0 years once converted: ZeroDivisionError in the embodied rate
            [
                "train",
                "-a",
                "H100-SXM",
                "-m",
                "llama-3-70b",
                "--tokens",
                "15T",
                "--gpu-hours",
                "6.4e6",
                "--lifetime",
                "5e-324 month",
            ],
            "too short or too long a life",
        ),
        (  # NumPy's overflow warnings came before the error line
            [
                "hourly",
                "--region",
                "aws:us-west-1",
                "--start",
                "2022-07-01T09:00",
                "--hours",
                "10",
                "--power",
                "1000",
                "--pv-capacity",
                "1e-320 Wp",
                "--ewif",
                "1e308 L/kWh",
            ],
            "not a finite number",
        ),
        (  # a 568-digit latitude: "inf is not in the range"
            ["solar", "--latitude", "9" * 568, "--longitude", "0", "--pv-capacity", "1"],
            "expected a finite number of degrees",
        ),
    ],
)
def test_fuzz_findings_under_other_versions_are_one_line(argv, said) -> None:
    """Found by the lowest-versions CI job's fuzz run (other Hypothesis, other inputs)."""
    result = CliRunner().invoke(cli, argv)
    assert result.exit_code == 2, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and said in lines[0], result.stderr
