"""Escaping user-controlled text for every output format.

Names in results (jobs, users, projects, regions, scenario titles) come from users and
their files. Each output format has its own dangerous characters:

- **Markdown** renders inline HTML (``<script>``), links, emphasis and table pipes;
  :func:`markdown_text` escapes them so the text reads as typed and nothing renders as
  markup. :func:`markdown_cell` also keeps a table cell on one line.
- **CSV** opened in a spreadsheet runs a cell beginning with ``=``, ``+``, ``-``, ``@``,
  a tab or a carriage return as a formula (CSV/formula injection, OWASP).
  :func:`csv_cell` prefixes such *text* with an apostrophe; numbers stay numbers.
- **Rich tables** (terminal output) read ``[bold]``-style markup:
  :func:`rich_text` escapes it.

HTML output uses :func:`html.escape` directly.
"""

from __future__ import annotations

import re
from numbers import Real
from typing import Any

__all__ = ["markdown_text", "markdown_cell", "csv_cell", "csv_row", "csv_frame", "rich_text"]

#: Characters that start inline Markdown syntax anywhere (code, emphasis, links, pipes,
#: strikethrough) or HTML (``<``, ``&``). Parentheses, ``!``, ``-`` and ``#`` mean nothing
#: without them (a link needs ``[``), so text such as ``pre-training (2022)`` stays as it is.
_MARKDOWN_INLINE = re.compile(r"([\\`*\[\]|~<>&]|(?<![A-Za-z0-9])_|_(?![A-Za-z0-9])|(?<=\])\()")
#: Block syntax at the start of a text: headings, lists, quotes, rules, ordered lists.
_MARKDOWN_BLOCK = re.compile(r"^(\s*)([#+\-=](?=\s|$)|#+|\d{1,9}(?=[.)](?:\s|$)))")
#: Characters a spreadsheet reads as the start of a formula.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
#: A number as text (``-5``, ``+1.5e3``): not a formula, left alone.
_NUMBER = re.compile(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?")


def markdown_text(text: Any) -> str:
    """``text`` as literal Markdown: nothing in it renders as markup or HTML.

    Inline syntax characters are backslash-escaped; ``&``, ``<`` and ``>`` become
    ``&amp;``, ``&lt;`` and ``&gt;`` (a backslash does not stop an HTML entity); an
    underscore inside a word stays (GFM does not read it as emphasis); block syntax at
    the start (``#``, ``-``, ``1.``) is escaped; line breaks become spaces.
    """
    s = str(text).replace("\r\n", " ").replace("\n", " ").replace("\r", " ")

    def inline(m: re.Match[str]) -> str:
        ch = m.group(1)
        return {"&": "&amp;", "<": "&lt;", ">": "&gt;"}.get(ch, "\\" + ch)

    s = _MARKDOWN_INLINE.sub(inline, s)
    m = _MARKDOWN_BLOCK.match(s)
    if m:
        lead, mark = m.group(1), m.group(2)
        if mark.isdigit():  # "1. x" is an ordered list: escape the point
            rest = s[m.end() :]
            return f"{lead}{mark}\\{rest}"
        return f"{lead}\\{mark}{s[m.end() :]}"
    return s


def markdown_cell(value: Any) -> str:
    """A Markdown table cell: numbers as they are, text escaped (pipes included)."""
    if isinstance(value, Real) and not isinstance(value, bool):
        return str(value)
    s = str(value)
    if _NUMBER.fullmatch(s.strip()):
        return s.strip()
    return markdown_text(s)


def csv_cell(value: Any) -> Any:
    """``value`` safe for a CSV opened in a spreadsheet.

    Numbers (and text that is a plain number, such as ``-5``) are returned unchanged;
    text starting with a formula character gets a leading apostrophe, which spreadsheets
    show as text and do not evaluate.
    """
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, Real):
        return value
    s = str(value)
    if s.startswith(_FORMULA_START) and not _NUMBER.fullmatch(s):
        return "'" + s
    return value


def csv_row(values: Any) -> list[Any]:
    """Every cell of a CSV row through :func:`csv_cell`."""
    return [csv_cell(v) for v in values]


def rich_text(text: Any) -> str:
    """``text`` with rich console markup (``[bold]``) escaped, for terminal tables."""
    from rich.markup import escape

    return escape(str(text))


def csv_frame(frame: Any, *, headers: bool = False) -> Any:
    """A copy of DataFrame ``frame`` with its text cells through :func:`csv_cell`.

    Every column that is neither numeric nor a date/time is looked at (object,
    ``string``, pandas 3's ``str``, categorical); missing cells stay missing. With
    ``headers``, the column names are neutralised too.
    """
    import pandas as pd
    from pandas.api import types

    out = {}
    for column in frame.columns:
        series = frame[column]
        dtype = series.dtype
        if not (
            types.is_numeric_dtype(dtype)
            or types.is_bool_dtype(dtype)
            or types.is_datetime64_any_dtype(dtype)
            or types.is_timedelta64_dtype(dtype)
            or isinstance(dtype, pd.PeriodDtype)
        ):
            text = series.astype(object).where(series.notna(), None)
            series = text.map(csv_cell, na_action="ignore")
        out[column] = series
    result = pd.DataFrame(out, index=frame.index, copy=False)
    if headers:
        result.columns = [csv_cell(str(c)) for c in frame.columns]
    return result
