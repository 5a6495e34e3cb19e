"""Charts: written, non-empty, readable on their own (title, units, source note)."""

import pytest

import footprint as fp
from footprint.analyses.compare import compare
from footprint.analyses.trends import Growth, project, trend
from footprint.core.errors import InputError
from footprint.render.plots import (
    projection_chart,
    ranked_bar_chart,
    save,
    svg_text,
    trend_chart,
)

JOB = fp.GpuJob("H100-SXM", gpu_hours="1e6 h")


@pytest.fixture(scope="module")
def comparison():
    return compare(JOB, "FR,SE,US-CA,aws:us-east-1,TW", year=2023)


def _texts(fig):
    return [t.get_text() for t in fig.findobj(lambda a: hasattr(a, "get_text"))]


def test_ranked_bar_chart_png_and_svg(tmp_path, comparison):
    fig = ranked_bar_chart(comparison)
    texts = " ".join(_texts(fig))
    assert "1,000,000 H100-SXM-hours" in texts  # the title names the workload
    assert "[tCO2e]" in texts  # the axis has units
    assert "Sources:" in texts and "Our World in Data" in texts  # source note
    ax = fig.axes[0]
    labels = [t.get_text() for t in ax.get_yticklabels()]
    assert labels[0].startswith("SE") and labels[-1].startswith("TW")  # ranked, best on top
    png = save(fig, tmp_path / "c.png")
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and png.stat().st_size > 10_000
    svg = save(fig, tmp_path / "c.svg")
    assert svg.stat().st_size > 5_000 and "<svg" in svg.read_text()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["c.png", "c.svg"]  # no temp left


def test_svg_text_is_deterministic(comparison):
    a, b = (
        svg_text(ranked_bar_chart(comparison, "water")),
        svg_text(ranked_bar_chart(comparison, "water")),
    )
    assert a == b and a.startswith("<svg")


def test_trend_and_projection_charts(tmp_path):
    t = save(trend_chart(trend("DE", 2010, 2024)), tmp_path / "t.png")
    assert t.stat().st_size > 10_000
    df = project(JOB, "US", base_year=2023, end_year=2030, growth=Growth(0.3, 0.1))
    fig = projection_chart(df)
    assert any("Assumptions" in s for s in _texts(fig))
    assert save(fig, tmp_path / "p.svg").stat().st_size > 5_000


def test_bad_file_names(tmp_path, comparison):
    fig = ranked_bar_chart(comparison)
    with pytest.raises(InputError, match=".png or .svg"):
        save(fig, tmp_path / "c.gif")
    with pytest.raises(InputError, match="no such folder"):
        save(fig, tmp_path / "missing" / "c.png")
    with pytest.raises(InputError):
        ranked_bar_chart(comparison, "nope")


def test_unwritable_folder_is_an_input_error_and_files_get_normal_permissions(
    tmp_path, comparison, monkeypatch
):
    """Regression: an unwritable folder gave an OSError traceback; plots were 0600."""
    import os
    import stat
    import tempfile

    fig = ranked_bar_chart(comparison)
    old = os.umask(0o022)
    try:
        out = save(fig, tmp_path / "c.png")
    finally:
        os.umask(old)
    assert stat.S_IMODE(out.stat().st_mode) == 0o644  # as open(path, "w") would create it

    def refuse(*args, **kwargs):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(tempfile, "mkstemp", refuse)
    with pytest.raises(InputError, match="plot: cannot write in .*Permission denied"):
        save(fig, tmp_path / "d.png")
    assert not (tmp_path / "d.png").exists()


def test_cli_plot_to_an_unwritable_folder_exits_2(tmp_path):
    from click.testing import CliRunner

    from footprint.cli import cli

    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    for args in (
        ["compare", "-a", "H100-SXM", "--gpu-hours", "1e6", "--regions", "FR,SE"],
        ["trend", "FR", "--from", "2020"],
    ):
        r = CliRunner().invoke(cli, [*args, "--plot", str(blocker / "c.png")])
        assert r.exit_code == 2 and "Traceback" not in r.output, r.output
        assert "plot:" in r.output


def test_regions_without_a_value_get_no_bar(tmp_path):
    """Regression: with metric cost, a region without a price was drawn as a zero bar
    (looking cheapest-but-one) instead of being left out."""
    df = compare(JOB, "FR,SE,US", year=2023, metric="cost")
    fig = ranked_bar_chart(df)
    labels = [t.get_text() for t in fig.axes[0].get_yticklabels()]
    assert len(labels) == 2 and not any(label.startswith("US") for label in labels)
    assert "1 region without a value left out" in fig.axes[0].get_title(loc="left")


# Issue 17, item 13: footers cut mid-word, naming one dataset; labels touching the edge;
# trend markers clipped.


def _svg_footer(fig) -> str:
    """The footer as drawn in the SVG (text elements from 'Sources:' on)."""
    import html
    import re

    texts = [html.unescape(t) for t in re.findall(r"<text[^>]*>([^<]*)</text>", svg_text(fig))]
    start = next(i for i, t in enumerate(texts) if t.startswith("Sources:"))
    return "\n".join(texts[start:])


def _drawn_inside(fig, artists) -> list[str]:
    """Texts of ``artists`` whose drawn box reaches within 6 px of the figure's edge
    (matplotlib's default layout pad, 4 px, let the longest label touch it)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    FigureCanvasAgg(fig)
    renderer = fig.canvas.get_renderer()
    fig.draw(renderer)
    edge = fig.bbox
    out = []
    for artist in artists:
        box = artist.get_window_extent(renderer)
        if not (
            box.x0 >= edge.x0 + 6 and box.x1 <= edge.x1 - 6
            and box.y0 >= edge.y0 + 6 and box.y1 <= edge.y1 - 6
        ):  # fmt: skip
            out.append(artist.get_text())
    return out


def test_footer_names_every_dataset_in_whole_words():
    """Rows over several mix datasets (OWID countries, EIA-930 US zones, CodeCarbon
    Canada): the footer names each, and every line breaks between words."""
    df = compare(JOB, provider="gcp", year=2023)
    fig = ranked_bar_chart(df)
    footer = _svg_footer(fig)
    cited_by = df.attrs["sources"]
    datasets = {s.split("] ")[0].lstrip("[") for k in ("intensity", "ewif") for s in cited_by[k]}
    assert len(datasets) > 2
    flat = footer.replace("\n", " ")
    for dataset in datasets:
        assert dataset in flat, dataset
    def words(text: str) -> set[str]:
        return {w.strip("()[]…,;:|") for w in text.split()} - {""}

    cited = " ".join(s for v in df.attrs["sources"].values() for s in v)
    cut = words(footer) - words(cited) - {"Sources", "intensity", "ewif", "pue", "wue", "footprint"}
    assert not cut, f"words cut or not from a source: {sorted(cut)}"
    assert not _drawn_inside(fig, [fig._supxlabel])


def test_longest_label_and_footer_stay_inside_the_figure():
    fig = ranked_bar_chart(compare(JOB, provider="gcp", year=2023))
    ax = fig.axes[0]
    artists = [*ax.get_yticklabels(), ax.title, *ax.texts, fig._supxlabel]
    assert _drawn_inside(fig, artists) == []


def test_trend_markers_are_not_clipped():
    fig = trend_chart(trend("FR", 2015, 2024))
    lines = [line for ax in fig.axes for line in ax.get_lines()]
    assert lines and all(not line.get_clip_on() for line in lines)
    ax = fig.axes[0]
    low, high = ax.get_xlim()
    assert low < 2015 and high > 2024  # room for the end markers
