"""``concise``: one line per problem, ``path:line:col: CODE [*] message (rule-name)``."""

from __future__ import annotations

from ..diagnostics import Applicability, Diagnostic
from . import Reporter, visible

POSITIONS_SHOWN = 5  # positions listed for one fix applied in several places


def fix_marker(d: Diagnostic) -> str:
    if d.fix is None:
        return ""
    return {Applicability.SAFE: "[*] ", Applicability.UNSAFE: "[-] "}.get(d.fix.applicability, "")


def format_line(d: Diagnostic) -> str:
    sev = "" if d.severity.value == "error" else f"{d.severity.value}: "
    return (f"{visible(d.path)}:{d.line}:{d.column}: {d.code} {fix_marker(d)}{sev}"
            f"{visible(d.message)} ({d.name})")


class ConciseReporter(Reporter):
    name = "concise"

    def report(self, diagnostics: list[Diagnostic], summary: dict) -> None:
        write = self.stream.write
        for d in diagnostics:
            write(format_line(d) + "\n")


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
