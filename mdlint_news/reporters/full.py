"""``full``: each problem with its source line and a caret under the span (like ruff/rustc)."""

from __future__ import annotations

import os
import unicodedata

from ..diagnostics import Diagnostic
from . import Reporter, visible
from .text import fix_marker

_COLORS = {"error": "\033[1;31m", "warning": "\033[1;33m", "info": "\033[1;36m"}
BOLD, DIM, RESET, CYAN = "\033[1m", "\033[2m", "\033[0m", "\033[36m"


def _width(s: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 0 if unicodedata.combining(c) else 1
               for c in s)


def use_color(stream) -> bool:
    if os.environ.get("NO_COLOR"):
        return False
    if os.environ.get("FORCE_COLOR"):
        return True
    return hasattr(stream, "isatty") and stream.isatty()


class FullReporter(Reporter):
    name = "full"

    def report(self, diagnostics: list[Diagnostic], summary: dict) -> None:
        color = use_color(self.stream)

        def c(code: str, text: str) -> str:
            return f"{code}{text}{RESET}" if color else text

        w = self.stream.write
        for d in diagnostics:
            sev = d.severity.value
            w(f"{c(BOLD, visible(d.path))}:{d.line}:{d.column}: {c(_COLORS[sev], d.code)} "
              f"{fix_marker(d)}{c(_COLORS[sev], sev)}: {visible(d.message)} "
              f"{c(DIM, '(' + d.name + ')')}\n")
            source = d.data.get("source")
            if source is not None:
                gutter = str(d.line)
                first = d.data.get("source_column", 1)  # a long line is a window of it
                cut = "…" if first > 1 else ""
                line = cut + source.expandtabs(1)
                start = max(d.column - first, 0) + len(cut)
                end = (d.end_column - first + len(cut)) if d.end_line == d.line else len(line)
                end = max(end, start + 1)
                pad = " " * _width(visible(line[:start]))
                caret = "^" * max(_width(visible(line[start:end])), 1)
                w(f"{c(CYAN, ' ' * len(gutter) + ' |')}\n")
                w(f"{c(CYAN, gutter + ' |')} {visible(line)}\n")
                w(f"{c(CYAN, ' ' * len(gutter) + ' |')} {pad}{c(_COLORS[sev], caret)}\n")
            if d.fix is not None:
                w(f"  {c(DIM, 'help: ' + visible(d.fix.message))}\n")
            w("\n")
