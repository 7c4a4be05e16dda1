"""``concise``: one line per problem, ``path:line:col: CODE [*] message (rule-name)``."""

from __future__ import annotations

from ..diagnostics import Applicability, Diagnostic
from . import Reporter, visible

POSITIONS_SHOWN = 5  # positions listed for one fix applied in several places


def fix_marker(d: Diagnostic) -> str:
    if d.fix is None:
        return ""
    return {Applicability.SAFE: "[*] ", Applicability.UNSAFE: "[-] "}.get(d.fix.applicability, "")


SEVERITY_COLORS = {"error": "\033[1;31m", "warning": "\033[1;33m", "info": "\033[1;36m"}
BOLD, DIM, RESET, CYAN = "\033[1m", "\033[2m", "\033[0m", "\033[36m"


def paint(color: bool):
    """``paint(color)(code, text)``: ``text`` in the colour ``code``, when colouring."""
    def c(code: str, text: str) -> str:
        return f"{code}{text}{RESET}" if color else text
    return c


def format_line(d: Diagnostic, color: bool = False) -> str:
    c = paint(color)
    sev = "" if d.severity.value == "error" else f"{d.severity.value}: "
    return (f"{c(BOLD, visible(d.path))}:{d.line}:{d.column}: "
            f"{c(SEVERITY_COLORS[d.severity.value], d.code)} {fix_marker(d)}{sev}"
            f"{visible(d.message)} ({d.name})")


def notes(d: Diagnostic) -> list[str]:
    """The related locations of a problem, one note each (rustc's ``= note:``), in its order."""
    return [f"= note: {r.line}:{r.column}: {visible(r.message)}" for r in d.related]


class ConciseReporter(Reporter):
    """Each related location on an indented note line below its problem (no path, so that a
    ``path:line:col:`` matcher never takes a note for a problem)."""

    name = "concise"

    def report(self, diagnostics: list[Diagnostic], summary: dict) -> None:
        write, color = self.stream.write, self.colored()
        for d in diagnostics:
            write(format_line(d, color) + "\n")
            for note in notes(d):
                write(f"    {paint(color)(DIM, note)}\n")


def fixes_listing(path: str, fixed: list[Diagnostic]) -> list[str]:
    """``--show-fixes`` for one file: each fix once, with the positions it was applied at (one
    repair of a whole value is reported at each damaged run in it), in the order of the file."""
    groups: dict[tuple, list[Diagnostic]] = {}
    for d in fixed:
        message = d.fix.message if d.fix else d.message
        groups.setdefault((d.code, message, d.name), []).append(d)
    lines = [f"Fixed {visible(path)}:"]
    for (code, message, name), ds in sorted(groups.items(),
                                            key=lambda kv: min((d.line, d.column) for d in kv[1])):
        where = sorted({(d.line, d.column) for d in ds})
        shown = ", ".join(f"{ln}:{col}" for ln, col in where[:POSITIONS_SHOWN])
        more = f" and {len(where) - POSITIONS_SHOWN} more" if len(where) > POSITIONS_SHOWN else ""
        lines.append(f"  {shown}{more}: {code} {visible(message)} ({name})")
    return lines
