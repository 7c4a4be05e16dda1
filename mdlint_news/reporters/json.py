"""``json``: a JSON array, one object per problem, fixes included as edits (ruff's shape)."""

from __future__ import annotations

import json

from ..diagnostics import Diagnostic
from . import Reporter


def diagnostic_dict(d: Diagnostic) -> dict:
    fix = None
    if d.fix is not None:
        edits = []
        for e, (s, t) in zip(d.fix.edits, d.data.get("edits", ())):
            edits.append({"start": {"line": s.line, "column": s.column},
                          "end": {"line": t.line, "column": t.column}, "content": e.content})
        fix = {"applicability": d.fix.applicability.value, "message": d.fix.message, "edits": edits}
    return {
        "path": d.path, "line": d.line, "column": d.column, "end_line": d.end_line,
        "end_column": d.end_column, "code": d.code, "name": d.name, "severity": d.severity.value,
        "message": d.message, "fix": fix,
    }


class JsonReporter(Reporter):
    name = "json"

    def report(self, diagnostics: list[Diagnostic], summary: dict) -> None:
        items = [diagnostic_dict(d) for d in diagnostics]
        json.dump(items, self.stream, ensure_ascii=False, indent=2)
        self.stream.write("\n")
