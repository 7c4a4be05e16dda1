"""``full``: each problem with its source line and a caret under the span (like ruff/rustc).

A long line is shown as a window around the span (at most ``WIDTH`` terminal columns, ``…``
where it is cut); widths are terminal cells (``rich.cells``), grapheme by grapheme, so that the
caret stays under the span after wide characters (CJK, emoji), combining marks and tabs."""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from typing import NamedTuple

from rich.cells import get_character_cell_size

from ..diagnostics import Diagnostic
from . import Reporter, visible
from .text import BOLD, CYAN, DIM, SEVERITY_COLORS, fix_marker, notes, paint

ELLIPSIS = "…"
TAB = 4  # columns a tab is shown as
CONTEXT = 40  # columns of the line shown before the span, at most
WIDTH = 120  # columns of the line shown, at most (a longer span is cut, its start shown)
ZWJ, VS16 = "\u200d", "\ufe0f"


class Cluster(NamedTuple):
    index: int  # of its first character in the line
    shown: str
    width: int  # terminal columns


def clusters(line: str) -> list[Cluster]:
    """The line cut where a terminal moves the cursor: a character of no width (a combining
    mark, an emoji modifier, a variation selector) stays with the one before it, a zero-width
    joiner joins the next one too; a tab is shown as ``TAB`` spaces and a control character
    as its escape, each as wide as what is shown."""
    out: list[Cluster] = []
    joined = attach = False  # after a joiner; the last cluster is a character's
    for i, ch in enumerate(line):
        shown = " " * TAB if ch == "\t" else visible(ch)
        if shown != ch:  # a tab, or a control character's escape
            out.append(Cluster(i, shown, len(shown)))
            joined = attach = False
            continue
        width = get_character_cell_size(ch)
        if attach and (joined or width == 0):
            last = out[-1]
            wide = 2 if ch == VS16 else last.width  # an emoji presentation: two columns
            out[-1] = Cluster(last.index, last.shown + ch, wide)
        else:
            out.append(Cluster(i, ch, width))
            attach = True
        joined = ch == ZWJ
    return out


class Window(NamedTuple):
    text: str  # what is shown of the line, ellipses included
    pad: int  # columns before the caret
    carets: int  # columns under the span (at least 1)


def window(source: str, first: int, start: int, end: int) -> Window:
    """The part of ``source`` (a line, or a window of one starting at column ``first``) shown
    for the span from index ``start`` to ``end`` of ``source``."""
    cells = clusters(source)
    starts = [c.index for c in cells]
    s = bisect_right(starts, max(start, 0)) - 1 if cells and start < len(source) else len(cells)
    e = max(bisect_left(starts, min(end, len(source))), s + 1) if cells else 0
    left, room = max(s, 0), CONTEXT
    while left > 0 and cells[left - 1].width <= room:
        left -= 1
        room -= cells[left].width
    right, room = s, WIDTH - (CONTEXT - room)
    while right < len(cells) and cells[right].width <= room:
        room -= cells[right].width
        right += 1
    right = max(right, min(s + 1, len(cells)))  # a span starting with a character too wide
    cut_left = ELLIPSIS if left > 0 or first > 1 else ""
    cut_right = ELLIPSIS if right < len(cells) else ""
    text = cut_left + "".join(c.shown for c in cells[left:right]) + cut_right
    pad = len(cut_left) + sum(c.width for c in cells[left:s])
    carets = sum(c.width for c in cells[s:min(e, right)])
    return Window(text, pad, max(carets, 1))


class FullReporter(Reporter):
    """Each problem's line with carets under its span; each related location as a note
    (``= note: line:col: message``) with its own line and ``-`` under its span (rustc's
    secondary spans); a related span that is the problem's own is not shown twice."""

    name = "full"

    def report(self, diagnostics: list[Diagnostic], summary: dict) -> None:
        c = paint(self.colored())

        w = self.stream.write
        for d in diagnostics:
            sev = d.severity.value
            w(f"{c(BOLD, visible(d.path))}:{d.line}:{d.column}: {c(SEVERITY_COLORS[sev], d.code)} "
              f"{fix_marker(d)}{c(SEVERITY_COLORS[sev], sev)}: {visible(d.message)} "
              f"{c(DIM, '(' + d.name + ')')}\n")
            source = d.data.get("source")
            width = len(str(max([d.line, *(r.line for r in d.related)])))  # of the gutter
            if source is not None:
                w(_snippet(c, Span(d.line, d.column, d.end_line, d.end_column), source,
                           d.data.get("source_column", 1), SEVERITY_COLORS[sev], "^", width))
            own = (d.line, d.column, d.end_line, d.end_column)
            for r, note in zip(d.related, notes(d)):
                w(f"{' ' * width} {c(CYAN, note)}\n")
                if r.source is not None and (r.line, r.column, r.end_line, r.end_column) != own:
                    w(_snippet(c, Span(r.line, r.column, r.end_line, r.end_column), r.source,
                               r.source_column, CYAN, "-", width))
            if d.fix is not None:
                w(f"  {c(DIM, 'help: ' + visible(d.fix.message))}\n")
            w("\n")


class Span(NamedTuple):
    line: int
    column: int
    end_line: int
    end_column: int


def _snippet(c, span: Span, source: str, first: int, color: str, mark: str, width: int) -> str:
    """The gutter lines (``width`` columns of line numbers) showing ``source`` (a line, or a
    window of it starting at column ``first``) with ``mark`` (in ``color``) under the span."""
    end = span.end_column - first if span.end_line == span.line else len(source)
    shown = window(source, first, span.column - first, end)
    gutter = str(span.line).rjust(width)
    blank = c(CYAN, " " * width + " |")
    return (f"{blank}\n{c(CYAN, gutter + ' |')} {shown.text}\n"
            f"{blank} {' ' * shown.pad}{c(color, mark * shown.carets)}\n")
