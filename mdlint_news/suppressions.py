"""Inline suppressions, and the report of the ones that suppress nothing.

Front matter (YAML comments):
    # news-lint: disable=rule-a,NL302        on its own line: the whole file
    slug: my-slug  # news-lint: disable=slug-mismatch   on a key's line: that key (and its value)
Body (HTML comments):
    <!-- news-lint-disable rule-a rule-b --> ... <!-- news-lint-enable rule-a rule-b -->
    <!-- news-lint-disable-next-line rule-a -->
Rules are named by code, code prefix or name; none named means every rule.
"""

from __future__ import annotations

import heapq
import re
from dataclasses import dataclass, field
from functools import lru_cache

from .diagnostics import Applicability, Diagnostic, Edit, Fix, LineIndex
from .document import Document
from .rules import BY_CODE, matching

# ``(?=(X))\1`` matches X without backtracking into it (its blanks are not tried again by \s*)
_YAML = re.compile(r"#\s*news-lint:\s*disable(?:=(?=([\w ,-]*))\1)?\s*$", re.MULTILINE)
_BLANKS = re.compile(r"[^\S\n]*")  # blanks within a line
_HTML = re.compile(r"<!--\s*news-lint-(disable-next-line|disable|enable)((?:[\s,]+[\w-]+)*)\s*-->")


@dataclass
class Suppression:
    start: int  # offsets of the comment (where unused-suppression points)
    end: int
    codes: frozenset[str] | None  # None: every rule
    first_line: int  # lines it covers, inclusive
    last_line: int
    label: str
    used: set[str] = field(default_factory=set)

    def covers(self, d: Diagnostic) -> bool:
        return (self.first_line <= d.line <= self.last_line
                and (self.codes is None or d.code in self.codes))


@lru_cache(maxsize=1024)
def _codes(spec: str | None) -> tuple[frozenset[str] | None, tuple[str, ...]]:
    """The codes a comment's rule list names, and the names that are no rule (once per list)."""
    names = [s for s in re.split(r"[\s,]+", spec or "") if s]
    if not names:
        return None, ()
    codes, unknown = set(), []
    for n in names:
        found = matching(n)
        if not found:
            unknown.append(n)
        codes |= {r.code for r in found}
    return frozenset(codes), tuple(unknown)


def find(doc: Document, index: LineIndex) -> tuple[list[Suppression], list[tuple[int, int, str]]]:
    """The suppressions in a document, and (start, end, name) of unknown rule names."""
    text = doc.text
    if "news-lint" not in text:
        return [], []
    out: list[Suppression] = []
    unknown: list[tuple[int, int, str]] = []
    last_line = len(index.starts)
    key_ends: dict[int, int] | None = None
    fm_end = doc.close_span.start if doc.close_span else (len(text) if doc.has_frontmatter else 0)
    for m in _YAML.finditer(text, doc.yaml_start if doc.has_frontmatter else 0, fm_end):
        codes, bad = _codes(m.group(1))
        unknown += [(m.start(), m.end(), b) for b in bad]
        pos = index.position(m.start())
        ls, _ = index.line_span(pos.line)
        own_line = not text[ls:m.start()].strip()
        if own_line:
            out.append(Suppression(m.start(), m.end(), codes, 1, last_line, "file"))
            continue
        if key_ends is None:
            key_ends = _key_line_ends(doc, index)
        last = max(pos.line, key_ends.get(pos.line, pos.line))  # the key on this line: its entry
        out.append(Suppression(m.start(), m.end(), codes, pos.line, last, "key"))
    open_ranges: dict[frozenset[str] | None, Suppression] = {}
    for m in _HTML.finditer(text, doc.body_start):
        kind = m.group(1)
        codes, bad = _codes(m.group(2))
        unknown += [(m.start(), m.end(), b) for b in bad]
        line = index.position(m.start()).line
        if kind == "disable-next-line":
            out.append(Suppression(m.start(), m.end(), codes, line + 1, line + 1, "next-line"))
        elif kind == "disable":
            s = Suppression(m.start(), m.end(), codes, line, last_line, "range")
            out.append(s)
            open_ranges[codes] = s
        else:
            s = open_ranges.pop(codes, None) or open_ranges.pop(None, None)
            if s is not None:
                s.last_line = line
    return out, unknown


def _key_line_ends(doc: Document, index: LineIndex) -> dict[int, int]:
    """For each line holding a key: the last line of the values of the keys on it."""
    ends: dict[int, int] = {}
    for entry in doc.entries.values():
        if entry.key is not None:
            line = index.position(entry.key.start).line
            ends[line] = max(ends.get(line, line), index.position(entry.value.end).line)
    return ends


def apply(diagnostics: list[Diagnostic], suppressions: list[Suppression]) -> list[Diagnostic]:
    """Drop suppressed diagnostics, recording which suppression was used for which code."""
    if not suppressions:
        return diagnostics
    kept = []
    for d, hit in zip(diagnostics, _first_covering(diagnostics, suppressions)):
        if hit is None or not BY_CODE[d.code].suppressible:
            kept.append(d)
        else:
            hit.used.add(d.code)
    return kept


def _first_covering(diagnostics: list[Diagnostic], suppressions: list[Suppression]) -> list[Suppression | None]:
    """For each diagnostic, the first suppression in ``suppressions`` that covers it (or None).

    One sweep over the diagnostics in line order; per rule code (None: every rule) a heap of the
    suppressions that have started, by list position; the ones that ended are dropped from its top."""
    waiting: dict[str | None, list[int]] = {}
    for i, s in enumerate(suppressions):
        for code in (s.codes if s.codes is not None else (None,)):
            waiting.setdefault(code, []).append(i)
    for ids in waiting.values():
        ids.sort(key=lambda i: suppressions[i].first_line, reverse=True)  # next to start: last
    started: dict[str | None, list[int]] = {code: [] for code in waiting}
    out: list[Suppression | None] = [None] * len(diagnostics)
    for j in sorted(range(len(diagnostics)), key=lambda j: diagnostics[j].line):
        line = diagnostics[j].line
        best = None
        for code in (diagnostics[j].code, None):
            ids, heap = waiting.get(code), started.get(code)
            if ids is None:
                continue
            while ids and suppressions[ids[-1]].first_line <= line:
                heapq.heappush(heap, ids.pop())
            while heap and suppressions[heap[0]].last_line < line:
                heapq.heappop(heap)
            if heap and (best is None or heap[0] < best):
                best = heap[0]
        out[j] = None if best is None else suppressions[best]
    return out


def removal(text: str, start: int, end: int) -> Fix:
    """Remove a suppression comment: its whole line when it stands alone, else the comment and
    the blanks before it. Reads only the blanks around the comment, not its whole line (a line
    can hold thousands of comments)."""
    after = _BLANKS.match(text, end).end()  # to the line break, when only blanks follow
    ls = start
    while ls > 0 and text[ls - 1] != "\n" and text[ls - 1].isspace():
        ls -= 1
    if (ls == 0 or text[ls - 1] == "\n") and (after == len(text) or text[after] == "\n"):
        line_end = after + 1 if after < len(text) else after
        return Fix((Edit(ls, line_end),), Applicability.SAFE, "remove the unused suppression line")
    s = start
    while s > 0 and text[s - 1] in " \t":
        s -= 1
    return Fix((Edit(s, end),), Applicability.SAFE, "remove the unused suppression")
