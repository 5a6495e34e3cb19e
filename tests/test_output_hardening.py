"""Hardening of outputs: the file layer, input files, stdout errors, injection in every
output format, no NaN/Infinity in any output, and hostile option values.

Tests that could hang (FIFOs, /dev/zero) or need a real standard output run
``python -m footprint`` in a subprocess with a timeout.
"""

from __future__ import annotations

import json
import os
import re
import stat
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from footprint.cli import cli
from footprint.core import files
from footprint.core.errors import FootprintError, InputError
from footprint.render import report

ROOT = Path(__file__).resolve().parent.parent

SCENARIO = """\
[settings]
region = "FR"
year = 2022

[[workload]]
name = "job"
type = "gpu_job"
accelerator = "H100-SXM"
gpu_hours = "1000 h"
"""

#: Hostile strings: HTML, emphasis, a javascript: link, a table pipe, a formula, rich markup.
HOSTILE = [
    "<script>alert(1)</script>",
    "**bold**",
    "[x](javascript:alert(1))",
    "| pipe",
    "=1+1",
    "[bold red]x[/]",
    "[/]",
    "$\\frac{$",
]

HOSTILE_SCENARIO = """\
[scenario]
title = "T <script>alert(1)</script> **bold** [x](javascript:alert(1)) | pipe\\n# injected"
description = "D <img src=x onerror=alert(1)> =1+1 [bold red]x[/]"

[settings]
region = "FR"
year = 2022
compare = ["FR", "SE"]

[[workload]]
name = "=HYPERLINK(\\"http://x\\") <script>alert(2)</script> | p **b** [bold red]r[/] $x$"
type = "gpu_job"
accelerator = "H100-SXM"
gpu_hours = "1000 h"

[[workload]]
name = "second\\n- injected item [y](javascript:alert(3)) $\\\\frac{$"
type = "gpu_job"
accelerator = "H100-SXM"
gpu_hours = "10 h"
"""


def run(*args: str):
    return CliRunner().invoke(cli, list(args))


def one_line_error(r, code: int = 2) -> str:
    """The result failed with ``code`` and a single line of message, no traceback."""
    assert r.exit_code == code, r.output
    assert r.exception is None or isinstance(r.exception, SystemExit), repr(r.exception)
    lines = [x for x in r.output.splitlines() if x.strip()]
    assert len(lines) == 1, r.output
    return lines[0]


def subprocess_run(*args: str, timeout: float = 60, **kwargs):
    env = dict(os.environ, PYTHONPATH=str(ROOT), COLUMNS="120")
    return subprocess.run(
        [sys.executable, "-m", "footprint", *args],
        timeout=timeout,
        capture_output="stdout" not in kwargs,
        stderr=subprocess.PIPE if "stdout" in kwargs else None,
        env=env,
        **kwargs,
    )


@pytest.fixture
def scenario(tmp_path):
    path = tmp_path / "s.toml"
    path.write_text(SCENARIO, encoding="utf-8")
    return path


# --- 1. the file layer ---------------------------------------------------------------------


def test_report_uses_the_shared_file_layer():
    assert report.temp_file_beside is files.temp_file_beside
    assert report.publish_file is files.publish_file


def test_report_out_refuses_a_fifo(scenario, tmp_path):
    fifo = tmp_path / "out.md"
    os.mkfifo(fifo)
    r = run("report", str(scenario), "--out", str(fifo))
    assert "FIFO" in one_line_error(r)
    assert stat.S_ISFIFO(fifo.lstat().st_mode)  # not replaced by a regular file


def test_report_out_refuses_a_device(scenario, monkeypatch):
    """A device is refused before anything is written (as root, /dev/null was replaced)."""
    real_replace = os.replace
    replaced = []

    def guarded_replace(src, dst, *args, **kwargs):
        # never let a regression replace the machine's /dev/null (as root it can)
        if os.path.exists(dst) and not stat.S_ISREG(os.stat(dst).st_mode):
            replaced.append(dst)
            os.unlink(src)
            return None
        return real_replace(src, dst, *args, **kwargs)

    monkeypatch.setattr(os, "replace", guarded_replace)
    r = run("report", str(scenario), "--format", "markdown", "--out", "/dev/null")
    assert not replaced
    assert "device" in one_line_error(r)
    assert stat.S_ISCHR(os.stat("/dev/null").st_mode)


def test_report_out_refuses_a_directory(scenario, tmp_path):
    folder = tmp_path / "out.md"
    folder.mkdir()
    r = run("report", str(scenario), "--out", str(folder))
    one_line_error(r)
    assert folder.is_dir()


def test_report_out_writes_through_a_symlink(scenario, tmp_path):
    real = tmp_path / "real.md"
    real.write_text("old\n")
    link = tmp_path / "link.md"
    link.symlink_to(real)
    r = run("report", str(scenario), "--out", str(link))
    assert r.exit_code == 0, r.output
    assert link.is_symlink() and link.resolve() == real.resolve()
    assert real.read_text(encoding="utf-8").startswith("# s")


def test_report_does_not_overwrite_its_scenario(scenario, tmp_path):
    before = scenario.read_bytes()
    r = run("report", str(scenario), "--format", "markdown", "--out", str(scenario))
    assert "input" in one_line_error(r)
    link = tmp_path / "alias.md"
    link.symlink_to(scenario)
    r = run("report", str(scenario), "--out", str(link))
    assert "input" in one_line_error(r)
    assert scenario.read_bytes() == before


def test_report_output_is_checked_before_the_computation(scenario, tmp_path, monkeypatch):
    import footprint.analyses.scenario

    def boom(*args, **kwargs):
        raise AssertionError("computed before checking the output")

    monkeypatch.setattr(footprint.analyses.scenario, "run_scenario", boom)
    r = run("report", str(scenario), "--out", str(tmp_path / "missing" / "r.md"))
    assert "folder" in one_line_error(r)
    r = run("report", str(scenario), "--out", str(tmp_path / "r.txt"))
    assert "format" in one_line_error(r)


def test_plot_save_refuses_special_files_and_writes_through_symlinks(tmp_path):
    from matplotlib.figure import Figure

    from footprint.render.plots import save

    fig = Figure()
    fig.add_subplot().plot([0, 1], [0, 1])
    fifo = tmp_path / "chart.svg"
    os.mkfifo(fifo)
    with pytest.raises(InputError, match="FIFO"):
        save(fig, fifo)
    assert stat.S_ISFIFO(fifo.lstat().st_mode)
    real = tmp_path / "real.svg"
    real.write_text("old")
    link = tmp_path / "link.svg"
    link.symlink_to(real)
    save(fig, link)
    assert link.is_symlink() and real.read_text().lstrip().startswith("<?xml")


def test_trend_plot_to_a_fifo_is_refused_before_the_computation(tmp_path, monkeypatch):
    import footprint.analyses.trends

    fifo = tmp_path / "t.svg"
    os.mkfifo(fifo)

    def boom(*args, **kwargs):
        raise AssertionError("computed before checking the output")

    monkeypatch.setattr(footprint.analyses.trends, "trend", boom)
    r = run("trend", "FR", "--plot", str(fifo))
    assert "FIFO" in one_line_error(r)
    r = run("trend", "FR", "--plot", str(tmp_path / "t.txt"))
    assert ".png or .svg" in one_line_error(r)


def test_project_plot_to_a_fifo_is_refused(tmp_path):
    fifo = tmp_path / "p.png"
    os.mkfifo(fifo)
    r = run("project", "-a", "H100", "--gpu-hours", "100", "-r", "FR", "--from", "2023",
            "--to", "2025", "--plot", str(fifo))  # fmt: skip
    assert "FIFO" in one_line_error(r)


@pytest.mark.parametrize(
    "args",
    [
        ("report", "a\x00.toml"),
        ("report", "tests/data/golden_scenario.toml", "--out", "r\x00.md"),
        ("trend", "FR", "--plot", "t\x00.svg"),
        ("hourly", "--region", "aws:us-west-1", "--profile", "p\x00.csv"),
    ],
    ids=["scenario", "out", "plot", "profile"],
)
def test_nul_in_file_names_is_one_line(args):
    assert "NUL" in one_line_error(run(*args))


# --- 2. input files ------------------------------------------------------------------------


def test_report_empty_path_is_one_line():
    assert "empty" in one_line_error(run("report", ""))


def test_report_non_utf8_is_one_line(tmp_path):
    path = tmp_path / "latin1.toml"
    path.write_bytes(SCENARIO.replace("job", "caf\xe9").encode("latin-1"))
    assert "UTF-8" in one_line_error(run("report", str(path)))


def test_report_huge_file_is_refused_unread(tmp_path):
    path = tmp_path / "huge.toml"
    with path.open("wb") as fh:
        fh.truncate(300 * 2**20)  # sparse: nothing is really written
    assert "bytes" in one_line_error(run("report", str(path)))


@pytest.mark.parametrize(
    "text",
    [
        "x = " + "[" * 100_000 + "]" * 100_000,
        "x = " + "{a = " * 50_000 + "1" + "}" * 50_000,
    ],
    ids=["arrays", "inline-tables"],
)
def test_deeply_nested_toml_is_one_line(tmp_path, text):
    from footprint.analyses.scenario import parse_scenario

    with pytest.raises(InputError, match="nested too deeply"):
        parse_scenario(text, "deep.toml")
    path = tmp_path / "deep.toml"
    path.write_text(text)
    assert "nested too deeply" in one_line_error(run("report", str(path)))


def test_load_scenario_refuses_a_fifo_without_opening_it(tmp_path):
    import threading

    from footprint.analyses.scenario import load_scenario

    fifo = tmp_path / "s.toml"
    os.mkfifo(fifo)

    def writer():  # so that a regression that opens the FIFO reads EOF instead of hanging
        with open(fifo, "wb"):
            pass

    thread = threading.Thread(target=writer, daemon=True)
    thread.start()
    try:
        with pytest.raises(InputError, match="FIFO"):
            load_scenario(fifo)
    finally:
        fd = os.open(fifo, os.O_RDONLY | os.O_NONBLOCK)  # release the writer
        thread.join(5)
        os.close(fd)


@pytest.mark.parametrize("special", ["fifo", "/dev/zero", "dir"])
def test_report_special_inputs_do_not_hang(tmp_path, special):
    if special == "fifo":
        path = tmp_path / "s.toml"
        os.mkfifo(path)
    elif special == "dir":
        path = tmp_path
    else:
        path = Path(special)
    p = subprocess_run("report", str(path), timeout=30)
    assert p.returncode == 2, p.stderr
    assert b"Traceback" not in p.stderr
    assert len(p.stderr.strip().splitlines()) == 1, p.stderr


# --- 3. standard output errors -------------------------------------------------------------


def test_stdout_full_is_one_line_exit_2():
    with open("/dev/full", "w") as full:
        p = subprocess_run("estimate", "-a", "H100", "--gpu-hours", "100", stdout=full)
    err = p.stderr.decode()
    assert p.returncode == 2, err
    assert "Traceback" not in err and "Exception ignored" not in err
    assert len(err.strip().splitlines()) == 1 and "No space left" in err


def test_stdout_full_with_buffered_output_at_exit():
    """``--help`` writes less than a buffer: the error comes at the final flush."""
    with open("/dev/full", "w") as full:
        p = subprocess_run("accelerators", "--search", "h100", "--format", "csv", stdout=full)
    err = p.stderr.decode()
    assert p.returncode == 2, err
    assert "Traceback" not in err and "Exception ignored" not in err


def test_broken_pipe_is_quiet():
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    proc = subprocess.Popen(
        [sys.executable, "-m", "footprint", "regions"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
    )
    assert proc.stdout is not None
    proc.stdout.close()  # the reader is gone before footprint writes
    _, err = proc.communicate(timeout=60)
    assert b"Traceback" not in err and b"Exception ignored" not in err, err
    assert proc.returncode != 0


# --- 4. injection --------------------------------------------------------------------------


def _hostile_result():
    from footprint.analyses.scenario import parse_scenario, run_scenario

    return run_scenario(parse_scenario(HOSTILE_SCENARIO, "hostile.toml"))


def _unescaped(text: str, char: str) -> int:
    """Occurrences of ``char`` not preceded by a backslash."""
    return len(re.findall(r"(?<!\\)" + re.escape(char), text))


def _assert_no_markdown_markup(md: str) -> None:
    assert "<script" not in md and "<img" not in md
    assert "**bold**" not in md and "**b**" not in md
    assert "](javascript:" not in md and "[x](" not in md
    assert "[bold red]" not in md
    assert not any(line.startswith("# injected") for line in md.splitlines())
    assert not any(line.startswith("- injected") for line in md.splitlines())
    for line in md.splitlines():
        if line.startswith("|"):  # every row of a table has as many cells as its header
            cells = _unescaped(line, "|")
            assert cells == _unescaped(_table_header(md, line), "|"), line


def _table_header(md: str, row: str) -> str:
    lines = md.splitlines()
    i = lines.index(row)
    while i > 0 and lines[i - 1].startswith("|"):
        i -= 1
    return lines[i]


def test_scenario_markdown_escapes_user_strings():
    from footprint.render.reporting import render_markdown

    md = render_markdown(_hostile_result())
    _assert_no_markdown_markup(md)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in md  # shown, as text


def test_scenario_html_escapes_user_strings_and_svg():
    from footprint.render.reporting import render_html

    page = render_html(_hostile_result())
    assert "<script" not in page and "<img" not in page
    assert "&lt;script&gt;" in page
    # the inline SVG charts carry the workload names as (escaped) text
    svg = page[page.index("<svg") :]
    assert "&lt;script&gt;alert(2)" in svg
    for attr in re.findall(r'aria-label="([^"]*)"', page):
        assert "<" not in attr


def test_report_command_markdown_is_escaped(tmp_path):
    path = tmp_path / "h.toml"
    path.write_text(HOSTILE_SCENARIO, encoding="utf-8")
    r = run("report", str(path))
    assert r.exit_code == 0, r.output
    _assert_no_markdown_markup(r.output)


def _hostile_footprint():
    from footprint.analyses.estimate import estimate
    from footprint.places.site import Site
    from footprint.workloads.jobs import GpuJob

    fp = estimate(GpuJob("H100", gpu_hours="100 h"), Site(region="FR", year=2022))
    fp.notes.extend(HOSTILE + ['=HYPERLINK("http://x")'])
    return fp


def test_estimate_markdown_escapes_notes():
    md = report.render(_hostile_footprint(), "markdown")
    _assert_no_markdown_markup(md)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in md


def test_estimate_table_keeps_rich_markup_as_text():
    text = report.render(_hostile_footprint(), "table")
    assert "[bold red]x[/]" in text and "[/]" in text


def test_estimate_csv_neutralises_formulas():
    import csv
    import io

    text = report.render(_hostile_footprint(), "csv")
    rows = list(csv.DictReader(io.StringIO(text)))
    notes = [r["note"] for r in rows if r["section"] == "note"]
    assert '\'=HYPERLINK("http://x")' in notes and "'=1+1" in notes
    assert not any(n.startswith(("=", "+", "@")) for n in notes)
    for r in rows:
        for value in r.values():
            if value and value[0] in "=+-@" and not re.fullmatch(r"[-+]?[\d.eE+-]+", value):
                raise AssertionError(f"formula-like cell {value!r}")


def test_render_frame_escapes_every_format():
    df = pd.DataFrame(
        {
            "name": ['=HYPERLINK("http://x")', "-5", "[bold red]x[/]", "<script>x</script> | y"],
            "value": [-5.0, 1.5, 2.0, 3.0],
        }
    )
    text = report.render_frame(df, "csv")
    lines = text.splitlines()
    assert lines[1] == '"\'=HYPERLINK(""http://x"")",-5.0'
    assert lines[2] == "-5,1.5"  # a number as text is left alone
    md = report.render_frame(df, "markdown")
    assert "<script>" not in md and "[bold red]" not in md
    assert all(_unescaped(line, "|") == 3 for line in md.splitlines())
    table = report.render_frame(df, "table")
    assert "[bold red]x[/]" in table
    assert json.loads(report.render_frame(df, "json"))[0]["name"] == '=HYPERLINK("http://x")'


def test_markdown_numbers_stay_numbers():
    df = pd.DataFrame({"a": [-5.0, 1234.5], "b": ["x", "y"]})
    md = report.render_frame(df, "markdown")
    assert "| -5.0 |" in md


def test_explain_markdown_escapes_the_region_title(monkeypatch):
    r = run("explain", "FR", "--format", "markdown")
    assert r.exit_code == 0, r.output
    assert "[nan]" not in r.output  # a factor without a dataset shows none


def test_trend_and_project_markdown_csv_escape():
    r = run("trend", "FR", "--from", "2020", "--to", "2022", "--format", "csv")
    assert r.exit_code == 0, r.output
    r = run("project", "total", "--baseline", "2019=1 MtCO2e", "--to", "2021", "--format",
            "markdown")  # fmt: skip
    assert r.exit_code == 0, r.output


# --- 5. no NaN or Infinity in any output ---------------------------------------------------


def test_to_json_is_strict_and_names_the_field():
    assert report.to_json({"a": [1, "é"]}) == json.dumps(
        {"a": [1, "é"]}, indent=2, ensure_ascii=False
    )
    with pytest.raises(FootprintError, match=r"a\.b\[1\]"):
        report.to_json({"a": {"b": [1.0, float("nan")]}})
    with pytest.raises(FootprintError, match="rows\\[0\\]\\.value"):
        report.to_json({"rows": [{"value": float("inf")}]})
    import numpy as np

    with pytest.raises(FootprintError, match="x"):
        report.to_json({"x": np.float64("-inf")})


def test_render_refuses_non_finite_results():
    fp = _hostile_footprint()
    key = next(iter(fp.results))
    fp.results[key] = fp.results[key] * float("nan")
    for fmt in report.FORMATS:
        with pytest.raises(FootprintError, match=key):
            report.render(fp, fmt)


def test_render_frame_refuses_infinity_and_shows_missing_as_empty():
    df = pd.DataFrame({"a": [1.0, float("nan")], "b": ["x", None]})
    assert json.loads(report.render_frame(df, "json"))[1] == {"a": None, "b": None}
    for fmt in report.FORMATS:
        assert "nan" not in report.render_frame(df, fmt).lower()
    bad = pd.DataFrame({"a": [1.0, float("inf")]})
    for fmt in report.FORMATS:
        with pytest.raises(FootprintError, match="a"):
            report.render_frame(bad, fmt)


NON_FINITE = [
    ("project", "-a", "H100", "--gpu-hours", "100", "-r", "FR", "--from", "2023", "--to",
     "2100", "--growth", "1e308"),
    ("project", "total", "--baseline", "2019=1e-320 MtCO2e", "--current", "2023=1e308 MtCO2e"),
    ("project", "total", "--baseline", "2019=1 MtCO2e", "--to", "2100", "--growth", "1e308"),
    ("project", "total", "--baseline", "2019=1 MtCO2e", "--to", "2100", "--growth", "1000"),
    ("hourly", "--region", "aws:us-west-1", "--start", "2022-07-01T09:00", "--hours", "10",
     "--power", "1e308"),
    ("schedule", "--region", "aws:us-west-1", "--hours", "6", "--power", "1e308",
     "--window-start", "2022-07-01T00:00", "--within", "3 days"),
]  # fmt: skip


@pytest.mark.parametrize("fmt", ["json", "csv", "table", "markdown"])
@pytest.mark.parametrize("args", NON_FINITE, ids=lambda a: " ".join(a[:2]))
def test_non_finite_results_are_an_error(args, fmt):
    r = run(*args, "--format", fmt)
    assert r.exception is None or isinstance(r.exception, SystemExit), repr(r.exception)
    if r.exit_code == 0:
        assert not re.search(r"\b(nan|inf|infinity)\b", r.output, re.IGNORECASE), r.output
    else:
        one_line_error(r)


# --- 6. hostile option values --------------------------------------------------------------

HUGE = "99999999999999999999999"

HOSTILE_OPTIONS = [
    ("estimate", "-a", "H100", "--count", HUGE, "--hours", "10"),
    ("estimate", "-a", "H100", "--gpu-hours", "100", "--samples", HUGE),
    ("estimate", "-a", "H100", "--gpu-hours", "100", "--seed", HUGE * 3),
    ("estimate", "-a", "H100", "--gpu-hours", "100", "--seed", "-1"),
    ("train", "-a", "H100", "--params", "70e9", "--tokens", "15T", "--count", HUGE),
    ("infer", "-m", "llama-3.1-8b", "-n", "1e9 request/day", "--output-tokens", "300",
     "--gpus", HUGE),
    ("infer", "-m", "llama-3.1-8b", "-n", "1e9 request/day", "--output-tokens", "300",
     "--batch", HUGE),
    ("project", "-a", "H100", "--gpu-hours", "100", "-r", "FR", "--from", "2023", "--to",
     "2030", "--fit-years", HUGE),
    ("project", "-a", "H100", "--gpu-hours", "100", "-r", "FR", "--from", "2023", "--to",
     "2030", "--grid", "1e308"),
    ("project", "total", "--baseline", f"{HUGE}=1 MtCO2e", "--to", "2030"),
    ("project", "total", "--baseline", "2019=1 MtCO2e", "--to", "2030", "--growth", "1e308"),
    ("schedule", "--region", "aws:us-west-1", "--hours", "6", "--power", "500",
     "--window-start", "2022-07-01T00:00", "--within", "1e308"),
    ("schedule", "--region", "aws:us-west-1", "--hours", "6", "--power", "500",
     "--window-start", "\x00", "--within", "3 days"),
    ("solar", "--pv-capacity", "100", "--latitude", "36", "--longitude", "-79", "--year", HUGE),
    ("trend", "FR", "--from", HUGE),
    ("infer", "--params", "1.7976931348623157e308B", "-n", "1", "--output-tokens", "1"),
    ("project", "total", "--baseline", "2019=1 MtCO2e", "--to", "2030", "--grid", "1e400"),
    ("hourly", "--region", "aws:us-west-1", "--start", "2022-07-01T09:00", "--hours", "10",
     "-a", "H100", "--count", HUGE),
]  # fmt: skip


@pytest.mark.parametrize("args", HOSTILE_OPTIONS, ids=lambda a: " ".join(a[:1] + a[-2:]))
def test_hostile_options_are_one_line(args):
    r = run(*args)
    assert r.exception is None or isinstance(r.exception, SystemExit), repr(r.exception)
    if r.exit_code != 0:
        line = one_line_error(r)
        assert not re.search(r"\b(nan|inf|infinity)\b", line, re.IGNORECASE), line
