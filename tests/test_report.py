"""Rendering helpers of footprint.render.report: terminal sources, atomic output files."""

from __future__ import annotations

import os
import stat
import tempfile

import pytest
from click.testing import CliRunner

from footprint.cli import cli
from footprint.core.errors import InputError
from footprint.render.report import TABLE_SOURCE_CHARS, brief_source, publish_file, temp_file_beside


def test_brief_source_cuts_long_citations_at_a_clause():
    long = "Electricity Maps yearly zone average 2022; " + "as republished in CO2.js, " * 10
    cut = brief_source(long)
    assert len(cut) <= TABLE_SOURCE_CHARS + 2 and cut.endswith(" …")
    assert cut.startswith("Electricity Maps yearly zone average 2022")
    assert brief_source("Short citation <https://example.org>") == "Short citation"


def test_table_factors_are_readable_and_say_where_the_whole_sources_are():
    """Regression: the hourly table printed ~80 lines of citations in its Factors table."""
    args = ["hourly", "--region", "aws:us-west-1", "--start", "2022-07-01T09:00",
            "--hours", "10", "--power", "1000", "--pv-capacity", "2 MWp"]  # fmt: skip
    r = CliRunner().invoke(cli, args)
    assert r.exit_code == 0, r.output
    assert "the whole citations are in --format json" in r.output
    assert len(r.output.splitlines()) < 100
    full = CliRunner().invoke(cli, [*args, "--format", "markdown"]).output
    assert "share alike" in full  # Markdown keeps the whole citation (ODbL notice)


def test_temp_file_and_publish(tmp_path, monkeypatch):
    target = tmp_path / "out.csv"
    tmp = temp_file_beside(target, "--output")
    assert tmp.parent == tmp_path and tmp.name.startswith(".out.csv.")
    tmp.write_text("a,b\n")
    old = os.umask(0o027)
    try:
        publish_file(tmp, target)
    finally:
        os.umask(old)
    assert target.read_text() == "a,b\n" and not tmp.exists()
    assert stat.S_IMODE(target.stat().st_mode) == 0o640  # the umask, not mkstemp's 0600
    os.chmod(target, 0o664)
    again = temp_file_beside(target, "--output")
    again.write_text("c\n")
    publish_file(again, target)
    assert stat.S_IMODE(target.stat().st_mode) == 0o664  # a replaced file keeps its mode

    def refuse(*args, **kwargs):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(tempfile, "mkstemp", refuse)
    with pytest.raises(InputError, match="--output: cannot write in .*Permission denied"):
        temp_file_beside(target, "--output")
