"""Notes as people read them, grouped and deduplicated in one place.

A result's notes say how its factors were chosen. Several rows (regions, models) give
many notes that differ only by the row they concern; :func:`group_notes` writes each
once with the rows it concerns (``every region: ...``), and folds the year substitutions
of a factor ("no year given, newest available year 2022 used") into one line that lists
the years and the rows that took each. :func:`publishable` drops the hints that name a
command-line option ("give --price"), which belong to the terminal, from notes printed
in reports and disclosures; :func:`note_lines` writes notes in a format (Markdown: a
bullet list).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence

from footprint.core.escape import markdown_text

__all__ = ["group_notes", "markdown_bullets", "note_lines", "publishable", "year_substitution"]

#: Hints for the terminal: a parenthesis naming an option, a clause that starts with
#: "give", "'0 W' turns it off"; none of them is read in a published report.
_HINTS = (
    re.compile(r"\s*\((?:[^()]*--[a-z][^()]*|give [^()]*)\)"),
    re.compile(r"[:;,]\s*(?:or\s+)?give\s[^;]*?(?=;|$)"),
    re.compile(r";\s*'[^']*' turns it off"),
)

#: A year substitution: "[what: ]no year given[,:] newest [available ]year Y used" or
#: "[what: ]no data for X; nearest year Y used[ (available: ...)]".
_YEAR = re.compile(
    r"(?:(?P<what>[^;]+?): )?"
    r"(?:no year given[,:] newest (?:available )?year (?P<newest>\d{4}) used"
    r"|no data for (?P<asked>\d{4}); nearest year(?: (?P<nearest>\d{4}))? used"
    r"(?: \(available: [^)]*\))?)"
)


#: Clauses of a note: "; " but before "nearest year" (one substitution: "no data for X;
#: nearest year Y used").
_CLAUSES = re.compile(r"; (?!nearest year)")


def publishable(note: str) -> str:
    """``note`` without the hints that name a command-line option, for reports."""
    for pattern in _HINTS:
        note = pattern.sub("", note)
    return note.strip(" ;:,")


def year_substitution(clause: str) -> tuple[str, str] | None:
    """``(why, year)`` when ``clause`` is a whole year substitution, else ``None``:
    ``("no year given", "2022")`` or ``("no data for 2023", "2022")``."""
    m = _YEAR.fullmatch(clause.strip())
    if m is None:
        return None
    if m["newest"]:
        return "no year given", m["newest"]
    return f"no data for {m['asked']}", m["nearest"] or ""


def _names(rows: Sequence[str], of: int, noun: str) -> str:
    if len(rows) == of and of > 1:
        return f"every {noun}"
    if len(rows) > 6:
        return f"{len(rows)} of {of} {noun}s"
    return ", ".join(rows)


def _generalise(text: str, codes: Iterable[str]) -> str:
    """``text`` with a row's own codes written ``<zone>`` (so rows share one note)."""
    for code in sorted({c for c in codes if c}, key=len, reverse=True):
        text = re.sub(r"(?<![\w:-])" + re.escape(code) + r"(?![\w-]|:\w)", "<zone>", text)
    return text


def group_notes(
    pairs: Iterable[tuple[str | None, str]],
    rows: Sequence[str],
    noun: str = "row",
    codes: Mapping[str, Sequence[str]] | None = None,
) -> list[str]:
    """Notes of several ``rows`` (``(row, note)``; row ``None`` for the whole result),
    each once, with the rows it concerns.

    A note every row has reads ``every <noun>: ...``, one of some rows ``A, B: ...``
    (``n of N <noun>s`` for many); ``codes`` maps a row to the zone codes its notes name,
    written ``<zone>`` so the rows share a line. The year substitutions of one factor are
    one line: ``ewif: no year given; years used: 2022 (every region but A, B), 2021 (A,
    B)``. A note of the whole result is kept as it is, once.
    """
    general: list[str] = []
    grouped: dict[str, tuple[list[str], str]] = {}
    years: dict[tuple[str, str], dict[str, list[str]]] = {}
    for row, note in pairs:
        if row is None:
            if note not in general:
                general.append(note)
            continue
        factor, sep, body = note.partition(": ")
        if not sep or " " in factor:
            factor, body = "", note
        kept = []
        for clause in _CLAUSES.split(body):
            found = year_substitution(clause)
            if found is None:
                kept.append(clause)
            else:
                rows_of = years.setdefault((factor, found[0]), {}).setdefault(found[1], [])
                if row not in rows_of:
                    rows_of.append(row)
        if kept:
            text = "; ".join(kept)
            text = f"{factor}: {text}" if factor else text
            users, _ = grouped.setdefault(
                _generalise(text, (codes or {}).get(row, ())), ([], text)
            )
            if row not in users:
                users.append(row)
    out = [  # a note of one row keeps its own codes
        f"{_names(users, len(rows), noun)}: {text if len(users) == 1 else general_text}"
        for general_text, (users, text) in grouped.items()
    ]
    for (factor, why), by_year in years.items():
        ordered = sorted(by_year.items(), key=lambda kv: (-len(kv[1]), kv[0]))
        if len(ordered) == 1:
            year, users = ordered[0]
            line = f"{why}, year {year} used ({_names(users, len(rows), noun)})"
        else:
            line = f"{why}; years used: " + ", ".join(
                f"{year} ({_names(users, len(rows), noun)})" for year, users in ordered
            )
        out.append(f"{factor}: {line}" if factor else line)
    return general + out


def markdown_bullets(notes: Iterable[str]) -> list[str]:
    """``notes`` as a Markdown bullet list, escaped, without command-line hints."""
    return [f"- {markdown_text(publishable(n))}" for n in notes]


def note_lines(notes: Sequence[str], fmt: str) -> list[str]:
    """``notes`` in ``fmt``: ``note: ...`` lines for the terminal; for Markdown a
    ``Notes:`` bullet list, escaped and without command-line hints (a report)."""
    if not notes:
        return []
    if fmt == "markdown":
        return ["", "Notes:", "", *markdown_bullets(notes)]
    return ["", *(f"note: {n}" for n in notes)]
