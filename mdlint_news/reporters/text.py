"""``concise``: one line per problem, ``path:line:col: CODE [*] message (rule-name)``."""

from __future__ import annotations

from ..diagnostics import Applicability, Diagnostic
from . import Reporter, visible


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
