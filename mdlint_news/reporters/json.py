"""``json``: a JSON array, one object per problem, fixes included as edits (ruff's shape), and
the related locations (the evidence elsewhere in the file) as ``related``."""

from __future__ import annotations

from ..diagnostics import Diagnostic
from . import Reporter, json_text


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
        "related": [{"message": r.message, "line": r.line, "column": r.column,
                     "end_line": r.end_line, "end_column": r.end_column} for r in d.related],
    }


class JsonReporter(Reporter):
    """Exact text (JSON escapes every control character): see ``reporters.json_text``."""

    name = "json"

    def report(self, diagnostics: list[Diagnostic], summary: dict) -> None:
        items = [diagnostic_dict(d) for d in diagnostics]
        self.stream.write(json_text(items, indent=2) + "\n")
