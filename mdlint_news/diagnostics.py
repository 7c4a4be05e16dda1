"""Positions, edits, fixes and diagnostics: the vocabulary every rule and reporter shares.

Offsets are character offsets into the decoded text of one file. Lines and columns are
1-based and counted in characters, computed once per file by :class:`LineIndex`.
"""

from __future__ import annotations

import bisect
import enum
from dataclasses import dataclass, field, replace
from typing import NamedTuple


class Severity(str, enum.Enum):
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"


class Applicability(str, enum.Enum):
    """How safe a fix is. Ordered: a level allows itself and every safer one."""

    SAFE = "safe"  # applied by --fix
    UNSAFE = "unsafe"  # applied by --fix --unsafe-fixes
    DISPLAY_ONLY = "display-only"  # shown, never applied


@dataclass(frozen=True, order=True)
class Edit:
    """Replace ``text[start:end]`` by ``content``. Insertion: start == end. Deletion: content == ''."""

    start: int
    end: int
    content: str = ""


class Priority(enum.IntEnum):
    """The order of fixes: a pass of the fix loop applies only the fixes of the lowest priority
    present (docs/encoding-repair-order.md). ``REPAIR`` and lower are text repairs: they restore
    damaged text other rules read; the runner judges the other rules' findings on the repaired
    text (runner.lint_text) and the fix loop counts what they uncover as there before."""

    ENCODING = -1  # mojibake: the encoding repair reads the damaged bytes, nothing goes before it
    REPAIR = 0  # other text repairs (invisible characters: U+00AD only once no damage needs it)
    NORMAL = 1
    DERIVED = 2  # text copied from other values (the footer), after those values' own fixes


class Storage(NamedTuple):
    """How a file-level fix stores the file: its encoding, its byte-order mark (None: as it is)."""

    encoding: str | None = None
    bom: bool | None = None


@dataclass(frozen=True)
class Fix:
    """Text edits with a safety level, or (``storage``, no edits) a change to how the file is
    stored; both are applied by the fix loop (``fixes.fix_stored``)."""

    edits: tuple[Edit, ...]
    applicability: Applicability
    message: str
    priority: int = Priority.NORMAL
    storage: Storage | None = None

    @classmethod
    def replace(cls, start: int, end: int, content: str, message: str,
                applicability: Applicability = Applicability.SAFE,
                priority: int = Priority.NORMAL) -> "Fix":
        return cls((Edit(start, end, content),), applicability, message, priority)

    @property
    def repair(self) -> bool:
        """A text repair (``priority <= Priority.REPAIR``): it restores the text other rules read."""
        return self.priority <= Priority.REPAIR

    @property
    def span(self) -> tuple[int, int]:
        """Where the edits are; a file-level fix (no edits: re-encode, drop the BOM) is at 0."""
        if not self.edits:
            return 0, 0
        return min(e.start for e in self.edits), max(e.end for e in self.edits)


@dataclass(frozen=True)
class Related:
    """Another place that explains a diagnostic (a piece of its evidence): a span and a short
    note. Located to line and column, with its source line, by :meth:`LineIndex.locate` with
    the diagnostic it belongs to."""

    start: int  # character offset
    end: int
    message: str
    line: int = 0
    column: int = 0
    end_line: int = 0
    end_column: int = 0
    source: str | None = field(default=None, compare=False)  # the line (or a window of it)
    source_column: int = field(default=1, compare=False)  # where ``source`` starts in the line


@dataclass
class Diagnostic:
    code: str
    name: str
    severity: Severity
    message: str
    start: int  # character offset
    end: int
    fix: Fix | None = None
    path: str = ""
    # filled in by the runner from the file's LineIndex
    line: int = 0
    column: int = 0
    end_line: int = 0
    end_column: int = 0
    related: tuple[Related, ...] = ()  # the evidence elsewhere in the file, in the rule's order
    data: dict = field(default_factory=dict, compare=False, repr=False)

    def sort_key(self) -> tuple:
        """The order of a report: by path, position, code, message (``key=Diagnostic.sort_key``)."""
        return (self.path, self.line, self.column, self.code, self.message)

    def to_record(self) -> dict:
        """Everything about the diagnostic, as JSON values (the result cache stores it; the JSON
        report is a public format of its own: ``reporters/json.py``)."""
        out = {"code": self.code, "name": self.name, "severity": self.severity.value,
               "message": self.message, "start": self.start, "end": self.end, "path": self.path,
               "line": self.line, "column": self.column, "end_line": self.end_line,
               "end_column": self.end_column, "source": self.data.get("source"),
               "source_column": self.data.get("source_column", 1)}
        fix = self.fix
        if fix is not None:
            out["fix"] = {"edits": [[e.start, e.end, e.content] for e in fix.edits],
                          "applicability": fix.applicability.value, "message": fix.message,
                          "priority": fix.priority}
            if fix.storage is not None:
                out["fix"]["storage"] = list(fix.storage)
            out["edit_pos"] = [[s.line, s.column, t.line, t.column]
                               for s, t in self.data.get("edits", ())]
        if self.related:
            out["related"] = [[r.start, r.end, r.message, r.line, r.column, r.end_line,
                               r.end_column, r.source, r.source_column] for r in self.related]
        return out

    @classmethod
    def from_record(cls, o: dict) -> "Diagnostic":
        """The diagnostic :meth:`to_record` gave."""
        fix = None
        if o.get("fix"):
            f = o["fix"]
            storage = Storage(*f["storage"]) if f.get("storage") else None
            fix = Fix(tuple(Edit(*e) for e in f["edits"]), Applicability(f["applicability"]),
                      f["message"], f["priority"], storage)
        d = cls(o["code"], o["name"], Severity(o["severity"]), o["message"], o["start"], o["end"],
                fix, o["path"], o["line"], o["column"], o["end_line"], o["end_column"])
        if o.get("source") is not None:
            d.data["source"] = o["source"]
            d.data["source_column"] = o.get("source_column", 1)
        if "edit_pos" in o:
            d.data["edits"] = [(Position(a, b), Position(c, e)) for a, b, c, e in o["edit_pos"]]
        d.related = tuple(Related(*r) for r in o.get("related", ()))
        return d


@dataclass(frozen=True)
class Position:
    line: int  # 1-based
    column: int  # 1-based, in characters


SNIPPET = 240  # most characters of a source line kept with a diagnostic (the window around it)


class LineIndex:
    """Maps character offsets to 1-based (line, column) and back."""

    def __init__(self, text: str):
        self.text = text
        starts = [0]
        find = text.find
        i = find("\n")
        while i != -1:
            starts.append(i + 1)
            i = find("\n", i + 1)
        self.starts = starts
        self._lines: dict[int, str] = {}

    def position(self, offset: int) -> Position:
        offset = max(0, min(offset, len(self.text)))
        line = bisect.bisect_right(self.starts, offset) - 1
        return Position(line + 1, offset - self.starts[line] + 1)

    def offset(self, line: int, column: int) -> int:
        return self.starts[line - 1] + column - 1

    def line_span(self, line: int) -> tuple[int, int]:
        """Offsets of a 1-based line's content, without its line break."""
        start = self.starts[line - 1]
        end = self.starts[line] - 1 if line < len(self.starts) else len(self.text)
        if end > start and self.text[end - 1] == "\r":
            end -= 1
        return start, end

    def locate(self, diag: Diagnostic) -> Diagnostic:
        s, e = self.position(diag.start), self.position(diag.end)
        diag.line, diag.column, diag.end_line, diag.end_column = s.line, s.column, e.line, e.column
        if diag.fix is not None:
            diag.data["edits"] = [(self.position(x.start), self.position(x.end)) for x in diag.fix.edits]
        diag.data["source"], diag.data["source_column"] = self.snippet(s.line, diag.start)
        if diag.related:
            diag.related = tuple(self.locate_related(r) for r in diag.related)
        return diag

    def locate_related(self, r: Related) -> Related:
        s, e = self.position(r.start), self.position(r.end)
        source, first = self.snippet(s.line, r.start)
        return replace(r, line=s.line, column=s.column, end_line=e.line, end_column=e.column,
                       source=source, source_column=first)

    def snippet(self, line: int, offset: int) -> tuple[str, int]:
        """The source line for reporters, and the 1-based column where it starts: a line longer
        than ``SNIPPET`` characters is cut to a window around ``offset``. One string per line
        (shared by the line's diagnostics) or per window."""
        ls, le = self.line_span(line)
        if le - ls <= SNIPPET:
            text = self._lines.get(line)
            if text is None:
                text = self._lines[line] = self.text[ls:le]
            return text, 1
        ws = max(ls, min(offset - SNIPPET // 3, le - SNIPPET))
        return self.text[ws:ws + SNIPPET], ws - ls + 1
