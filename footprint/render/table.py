"""Terminal tables (rich, no colour): readable units, text shown as typed, never read as
rich markup.

Tables fit the terminal they are printed to (:func:`terminal_width`: ``COLUMNS``, else the
size of a terminal on standard output); written to a file or pipe they are 120 columns wide
for a result and 160 for a listing. A listing too wide for the terminal leaves out its
low-priority columns and says which in a footer line; text lines are wrapped to the width
(:func:`fit_text`)."""

from __future__ import annotations

import io
import os
import re
import sys
import textwrap
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from footprint.core.escape import rich_text
from footprint.render import rows

if TYPE_CHECKING:  # pragma: no cover
    from rich.console import Console

    from footprint.analyses.estimate import Footprint

__all__ = ["fit_text", "frame_table", "result_table", "terminal_width"]


#: Narrowest width a table is drawn at (a smaller ``COLUMNS`` is read as this).
MIN_WIDTH = 40


def terminal_width() -> int | None:
    """Columns of the terminal the output goes to: ``COLUMNS`` when it is a positive whole
    number, else the size of standard output when it is a terminal; ``None`` for a file or
    a pipe (no width to fit)."""
    text = os.environ.get("COLUMNS", "").strip()
    if text.isdigit() and int(text) > 0:
        return max(MIN_WIDTH, int(text))
    try:
        if sys.stdout.isatty():
            return max(MIN_WIDTH, os.get_terminal_size(sys.stdout.fileno()).columns)
    except (AttributeError, OSError, ValueError):  # no real file behind stdout
        pass
    return None


def fit_text(text: str, width: int | None = None) -> str:
    """``text`` with every line longer than the terminal (``width``, else
    :func:`terminal_width`) wrapped at spaces, continuation lines indented past the line's
    own indent and list marker (``note: ``, ``- ``); unchanged for a file or pipe."""
    width = width or terminal_width()
    if width is None:
        return text
    out = []
    for line in text.split("\n"):
        if len(line) <= width:
            out.append(line)
            continue
        stripped = line.lstrip(" ")
        indent = len(line) - len(stripped)
        marker = next((m for m in ("note: ", "- ", "ranges: ") if stripped.startswith(m)), "")
        out += textwrap.wrap(
            line,
            width,
            subsequent_indent=" " * (indent + len(marker)),
            break_on_hyphens=False,
        )
    return "\n".join(out)


def _console(default: int) -> tuple[Console, io.StringIO]:
    """A plain console (no colour, no terminal codes) writing to a buffer, as wide as the
    terminal (:func:`terminal_width`), else ``default`` columns."""
    from rich.console import Console

    buf = io.StringIO()
    width = terminal_width() or default
    return Console(file=buf, width=width, force_terminal=False, color_system=None), buf


def _rich_row(cells: list[Any]) -> list[str]:
    """Cells for a rich table: text shown as typed (``[bold]`` is not markup)."""
    return [rich_text(c) for c in cells]


def result_table(fp: Footprint, breakdown: bool = False) -> str:
    """``fp`` as terminal tables: results (with their ranges), breakdown, factors (sources
    cut to a few lines), sensitivity, then notes."""
    from rich.table import Table

    console, buf = _console(120)
    results = Table(title=rich_text(rows.result_title(fp)), title_justify="left")
    results.add_column("Quantity")
    results.add_column("Value", justify="right")
    if fp.ranges:
        results.add_column(rows.interval_label(fp), justify="right")
    for cells in rows.result_rows(fp):
        results.add_row(*_rich_row(cells))
    console.print(results)
    if breakdown:
        label = rows.metric_label(fp)
        parts = Table(title=f"{label[0].upper()}{label[1:]} by part", title_justify="left")
        parts.add_column("Part")
        parts.add_column("Value", justify="right")
        parts.add_column("Share", justify="right")
        for row in rows.breakdown_rows(fp):
            parts.add_row(*_rich_row(row))
        console.print(parts)
    factors = Table(title="Factors", title_justify="left")
    for col in ("Factor", "Value", "Origin", "Zone, year", "Source"):
        factors.add_column(col, overflow="fold")
    shortened = False
    for row, full in zip(rows.factor_rows(fp, brief=True), rows.factor_rows(fp), strict=True):
        factors.add_row(*_rich_row(row))
        shortened = shortened or row[-1] != full[-1]
    console.print(factors)
    if shortened:
        console.print(
            "sources cut at … : the whole citations are in --format json, csv or markdown",
            highlight=False,
            soft_wrap=True,
        )
    if fp.uncertainty is not None:
        sens = Table(
            title=f"Sensitivity of {rows.metric_label(fp)} (inputs ranked by share of variance)",
            title_justify="left",
        )
        for col in ("Input", "Range", "Share of variance", "Swing (low to high)"):
            sens.add_column(col, justify="left" if col in ("Input", "Range") else "right")
        for row in rows.sensitivity_rows(fp):
            sens.add_row(*_rich_row(row))
        console.print(sens)
        console.print(
            f"ranges: {rich_text(fp.uncertainty['note'])}", highlight=False, soft_wrap=True
        )
    for note in fp.notes:
        console.print(f"note: {rich_text(note)}", highlight=False, soft_wrap=True)
    return fit_text(buf.getvalue())


def _rich_cell(text: Any) -> str:
    """A terminal-table cell that renders as plain text, never as rich markup.

    Text that rich would read as markup (``[bold]``, ``[link=...]``, a stray ``[/]``) is
    escaped; text that renders plainly already (including text a caller escaped itself,
    ``\\[kWh]``) is kept, so escaping twice cannot show backslashes.
    """
    from rich.errors import MarkupError
    from rich.text import Text

    s = str(text)
    if "[" not in s:
        return s
    try:
        plain = not Text.from_markup(s).spans
    except MarkupError:  # not valid markup: escape it below
        plain = False
    return s if plain else rich_text(s)


#: A header is wrapped rather than widen its column beyond this many characters.
_HEADER_CHARS = 12
#: A word of running text (cells with spaces) is folded beyond this many characters.
_TEXT_WORD_CHARS = 12


def _header_name(col: Any) -> str:
    """A column's name without its unit (``co2e\\n[tCO2e]`` -> ``co2e``)."""
    return str(col).split("\n")[0].split(" [")[0].strip()


def _narrowest(col: Any, cells: Any) -> int:
    """Columns a table column needs: the longest word of its cells (a number or a name is
    not folded; a word of running text beyond :data:`_TEXT_WORD_CHARS` is), and of its
    header up to :data:`_HEADER_CHARS` (a longer header is folded)."""
    texts = [str(c) for c in cells]
    longest = max((len(w) for c in texts for w in c.split()), default=0)
    if any(" " in c.strip() for c in texts):
        longest = min(longest, _TEXT_WORD_CHARS)
    header = max((len(w) for w in str(col).split()), default=0)
    return max(1, longest, min(header, _HEADER_CHARS))


def _wrap_header(name: str, width: int) -> str:
    """A header whose snake_case words are longer than ``width`` broken after underscores
    (``energy_per_\\nrequest_wh``), rather than folded mid-word; other words are wrapped at
    spaces by the table."""

    def wrap(word: str) -> str:
        if len(word) <= width:
            return word
        lines = [""]
        for part in re.split(r"(?<=_)", word):
            if lines[-1] and len(lines[-1]) + len(part) > width:
                lines.append(part)
            else:
                lines[-1] += part
        return "\n".join(lines)

    return "\n".join(" ".join(wrap(w) for w in line.split(" ")) for line in name.split("\n"))


def _fitted_columns(
    shown: Any, narrowest: dict[Any, int], width: int, drop: Sequence[str]
) -> tuple[list[Any], list[str]]:
    """The columns of ``shown`` that fit ``width`` (each at least its ``narrowest``), and
    the names of those left out: first the columns named in ``drop`` (in order), then from
    the right; the first column stays."""
    need = {c: narrowest[c] + 3 for c in shown.columns}  # padding and a rule
    kept = list(shown.columns)
    order = [c for name in drop for c in kept if _header_name(c) == name]
    order += [c for c in reversed(kept[1:]) if c not in order]
    dropped = []
    for col in order:
        if sum(need[c] for c in kept) + 1 <= width:
            break
        kept.remove(col)
        dropped.append(_header_name(col))
    return kept, dropped


#: Text rich reads (markup brackets, an escaping backslash, an emoji code ``:name:``).
_MARKUP_CHARS = re.compile(r"[\[\\]|:\S*?:")


def _plain_lines(text: str) -> list[str] | None:
    """The lines of a cell as rich shows it, when they can be drawn without rich
    (:func:`_box_table`): printable, one terminal column a character, no space at either end
    (rich keeps or trims those by rules of its own); else ``None``."""
    from rich.cells import cell_len

    if _MARKUP_CHARS.search(text):
        from rich.text import Text

        text = Text.from_markup(_rich_cell(text)).plain
    lines = text.split("\n")
    for line in lines:
        if not line.isprintable() or line != line.strip() or cell_len(line) != len(line):
            return None
    return lines


def _measure(lines: list[str], width: int) -> tuple[int, int]:
    """rich's measurement of a cell padded by one on each side, at most ``width`` columns
    (``Padding.__rich_measure__`` over ``Text.__rich_measure__``)."""
    if width - 2 < 1:
        return width, width
    if width < 1:
        return 0, 0
    longest = max(map(len, lines))
    word = max((len(w) for line in lines for w in line.split()), default=longest)
    least, most = min(word, longest), longest  # normalize
    most = min(most, width)
    least = min(least, width)
    if most < 1:
        least = most = 0
    return min(least + 2, width), min(most + 2, width)


def _column_widths(
    heads: list[list[str]], cells: list[list[list[str]]], room: int, min_widths: Sequence[int]
) -> list[int]:
    """Widths (padding included) rich gives the columns of a table of ``room`` columns
    inside its borders (``Table._calculate_column_widths``, not expanded, every column
    wrapable with its ``min_width``)."""
    from rich._ratio import ratio_reduce
    from rich.table import Table

    def measure(i: int, width: int) -> int:
        if width < 1:
            return 0
        most = max(_measure(lines, width)[1] for lines in [heads[i], *(r[i] for r in cells)])
        floor = max(0, min_widths[i] + 2)
        return max(most, floor)

    count = len(heads)
    widths = [measure(i, room) or 1 for i in range(count)]
    if sum(widths) > room:
        widths = Table._collapse_widths(widths, [True] * count, room)
        if sum(widths) > room:
            widths = ratio_reduce(sum(widths) - room, [1] * count, widths, widths)
        widths = [measure(i, w) for i, w in enumerate(widths)]
    return widths


def _box_table(
    title: str, columns: list[str], body: Any, width: int, min_widths: Sequence[int] = ()
) -> str | None:
    """A listing drawn as rich draws the :class:`rich.table.Table` of :func:`frame_table`
    (heavy head, left justified, headers aligned to the bottom, padding of one, each column
    at least its ``min_widths`` entry, cells folded to their column), the layout computed
    once per column rather than by rich per cell (about 80% of a 220-row comparison's
    time). Where rich's widths overflow ``width`` (a column's ``min_width`` undoing rich's
    shrinking: rich then crops the right edge), the widest columns are narrowed to fit
    instead. ``None`` when a cell holds what only rich lays out (a wide character, a space at
    either end of a line, a control character). ``tests/test_formatting.py`` checks the two
    agree, character for character."""
    from rich import box
    from rich.console import Console
    from rich.text import Text

    heads = [_plain_lines(c) for c in columns]
    cells = [[_plain_lines(str(v)) for v in row] for row in body]
    title_lines = _plain_lines(title) if title else []
    if (
        not cells
        or title_lines is None
        or any(h is None for h in heads)
        or any(c is None for r in cells for c in r)
    ):
        return None
    mins = [*min_widths, *[1] * len(heads)][: len(heads)]
    widths = _column_widths(heads, cells, width - len(heads) - 1, mins)  # type: ignore[arg-type]
    room = width - len(widths) - 1
    floors = [m + 2 for m in mins]
    while sum(widths) > room:  # rich would crop the table: narrow the widest column instead
        widest = max(range(len(widths)), key=lambda i: (widths[i] > floors[i], widths[i]))
        if widths[widest] <= max(floors[widest], 3):
            return None
        widths[widest] -= 1
    total = sum(widths) + len(widths) + 1
    console = Console(width=total, force_terminal=False, color_system=None)

    def fit(lines: list[str], room: int) -> list[str]:
        if all(len(line) <= room for line in lines):
            return lines
        wrapped = Text("\n".join(lines)).wrap(console, room, justify="left", overflow="fold")
        return [line.plain for line in wrapped]

    def draw(row: list[list[str]], left: str, mid: str, right: str, bottom: bool) -> list[str]:
        row = [fit(c, w - 2) for c, w in zip(row, widths, strict=True)]
        depth = max(map(len, row))
        padded = [
            ([""] * (depth - len(c)) + c) if bottom else (c + [""] * (depth - len(c))) for c in row
        ]
        return [
            left + mid.join(f" {c[k]:<{w - 2}} " for c, w in cells_widths) + right
            for k in range(depth)
            if (cells_widths := list(zip(padded, widths, strict=True)))
        ]

    frame = box.HEAVY_HEAD
    out = fit(title_lines, total) if title_lines else []
    out = [line.ljust(total) for line in out]
    out.append(frame.get_top(widths))
    out += draw(heads, frame.head_left, frame.head_vertical, frame.head_right, True)  # type: ignore[arg-type]
    out.append(frame.get_row(widths, "head"))
    for row in cells:
        out += draw(row, frame.mid_left, frame.mid_vertical, frame.mid_right, False)  # type: ignore[arg-type]
    out.append(frame.get_bottom(widths))
    return "\n".join(out) + "\n"


def frame_table(df: Any, title: str = "", drop: Sequence[str] = ()) -> str:
    """A listing as a terminal table titled ``title``, a missing value empty.

    In a terminal too narrow for every column, the columns named in ``drop`` (the least
    needed first), then the rightmost ones, are left out, and a footer line names them."""
    from rich.table import Table

    shown = rows.text_cells(df)
    cell = _rich_cell
    console, buf = _console(160)
    narrowest = {c: _narrowest(c, shown[c]) for c in shown.columns}
    kept, dropped = _fitted_columns(shown, narrowest, console.width, drop)
    natural = sum(max(len(str(c)), *(len(str(v)) for v in shown[c])) + 3 for c in kept) + 1
    headers = [
        str(c) if natural <= console.width else _wrap_header(str(c), narrowest[c]) for c in kept
    ]
    mins = [narrowest[c] for c in kept]
    fast = _box_table(title, headers, shown[kept].values, console.width, mins)
    if fast is not None:
        buf.write(fast)
    else:
        table = Table(title=cell(title) if title else None, title_justify="left")
        for header, least in zip(headers, mins, strict=True):
            table.add_column(cell(header), overflow="fold", min_width=least)
        for row in shown[kept].values:
            table.add_row(*(cell(v) for v in row))
        console.print(table)
    if dropped:
        console.print(
            cell(
                f"not shown at {console.width} columns: {', '.join(dropped)} (every column: "
                "--format csv, json or markdown, or a wider terminal)"
            ),
            highlight=False,
        )
    return buf.getvalue()
