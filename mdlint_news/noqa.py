"""``--add-noqa``: a suppression comment (suppressions.py's syntax) for every current finding.

Front matter: ``# news-lint: disable=rule`` at the end of the line of the key the finding is in
(a list already there is extended). When a comment there would change the value (a plain or
quoted scalar that goes on over several lines), the file-wide form on its own line after the
opening ``---`` is used for that rule instead. Body: ``<!-- news-lint-disable-next-line rule -->``
at the end of the line above when that is a paragraph's line not ending in a hard break (inline
HTML: the paragraph or list stays one), or on its own line when the line above is blank, a
heading or the front matter's end, or the finding's line starts a block (rendering.py); else
none. A finding on a delimiter line takes the file-wide form. Findings in a fenced code block or
in a file without front matter are left (a comment there would show).
The file is relinted before it is written: the front matter must hold the same values, no new
problem may appear (a comment line between a footer's `---` and its link would separate them)
and the body must render (CommonMark) to the same HTML once the comments are taken out; body
comments that fail are dropped (found by halving), else only the front matter's comments are
added, else the file is left as it was. A symbolic link is not written through (as --fix), nor
a file that cannot be read or decoded (said, the other files are done). Written by
fixes.write_atomic."""

from __future__ import annotations

import os
import re
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from . import document, rendering
from .decoding import DecodeError, decode, encode
from .diagnostics import Diagnostic, Edit, LineIndex
from .fixes import WriteError, quiet_wait, write_atomic
from .profile import read_small_file
from .reporters import visible
from .runner import lint_text

# ``(?=(X))\2`` matches X without backtracking into it (as suppressions.py: linear on long lines)
_KEY_COMMENT = re.compile(r"#\s*news-lint:\s*disable(=(?=([\w ,-]*))\2)?[^\S\n]*$")
_HEADING = re.compile(r"[ ]{0,3}#{1,6}(\s|$)")
RELINT_BUDGET = 40  # relints a file's body comments may cost (each failing one costs a few)


@dataclass
class Outcome:
    added: int = 0  # findings now suppressed
    left: int = 0  # findings that could not take a suppression
    across: int = 0  # of those, comparisons across files (comments do not suppress them)
    files: int = 0  # files written
    errors: list[str] = field(default_factory=list)


@dataclass
class _Plan:
    keys: dict[int, set[str]] = field(default_factory=dict)  # key line -> rule names
    whole: set[str] = field(default_factory=set)  # rules for the file-wide comment
    body: dict[int, set[str]] = field(default_factory=dict)  # body line -> rule names


def add(items: list, diagnostics: list[Diagnostic]) -> Outcome:
    """Add suppressions to every file with findings; what was done."""
    out = Outcome()
    by_path: dict[str, list[Diagnostic]] = {}
    for d in diagnostics:
        by_path.setdefault(d.path, []).append(d)
    for path, _, settings in items:
        if path in by_path:
            _one(Path(path), settings, by_path[path], out)
    return out


def _one(path: Path, settings, found: list[Diagnostic], out: Outcome) -> None:
    try:
        if os.path.islink(path) and not settings.follow_symlinks:
            raise WriteError("is a symbolic link (--follow-symlinks, or follow-symlinks = true, "
                             "adds them to its target)")
        time.sleep(quiet_wait(os.stat(path)))  # a file being saved is left alone a moment
        st = os.stat(path)
        raw = read_small_file(path, settings.file.max_file_size)
        decoded = decode(raw)
        new, done = _suppress_checked(decoded, str(path), settings, found, out)
        if new != decoded.text:
            write_atomic(str(path), encode(new, decoded), expected=raw, read_stat=st)
            out.files += 1
        out.added += done
        out.left += len(found) - done
    except (OSError, ValueError, WriteError, DecodeError) as exc:
        out.left += len(found)
        out.errors.append(f"{visible(str(path))}: suppressions not added: {exc}")


def _suppress_checked(decoded, path: str, settings, found: list[Diagnostic], out: Outcome
                      ) -> tuple[str, int]:
    """The text with the suppressions that pass the checks, and how many findings they cover.
    Findings that linting the file alone does not make (the comparisons across files) are left:
    comments do not suppress them (the baseline does)."""
    text, n = decoded.text, len(found)
    before = lint_text(text, path, settings, decoded=decoded)
    alone = Counter((d.code, d.message) for d in before)
    found = [d for d in found if alone[(d.code, d.message)]]
    out.across += n - len(found)

    def verified(edits: list[Edit]) -> int | None:
        new = applied(text, edits)
        return _verified(text, new, before, lint_text(new, path, settings, decoded=decoded))

    head, body, _ = planned(text, found, decoded.newline)
    if verified(head) is None:
        return text, 0
    budget = [RELINT_BUDGET]
    at = document.parse(text).body_start  # body edits are all past it, the others before
    html = rendering.html(text[at:]) if body else ""

    def ok(more: list[Edit]) -> bool:  # past the budget, the remaining body comments are left
        budget[0] -= 1
        return budget[0] >= 0 and rendering.html(applied(text, more)[at:]) == html \
            and verified(head + more) is not None

    kept = _acceptable(list(body), ok)
    return applied(text, head + kept), verified(head + kept) or 0


def _verified(old: str, new: str, before: list[Diagnostic], after: list[Diagnostic]) -> int | None:
    """How many findings the new text no longer has, or None when it is not safe to write (other
    front-matter values, or a problem it did not have)."""
    if new == old:
        return 0
    if document.parse(old).data != document.parse(new).data:
        return None
    b = Counter((d.code, d.message) for d in before)
    a = Counter((d.code, d.message) for d in after)
    if a - b:
        return None
    return sum((b - a).values())


def _acceptable(edits: list[Edit], ok) -> list[Edit]:
    """The edits that ``ok`` accepts together: all of them, or, split in halves, the acceptable
    ones of each half (a few relints per edit that makes a new problem, not one per edit)."""
    if not edits or ok(edits):
        return edits
    if len(edits) == 1:
        return []
    mid = len(edits) // 2
    left = _acceptable(edits[:mid], ok)
    return left + _acceptable(edits[mid:], lambda more: ok(left + more))


def applied(text: str, edits: list[Edit]) -> str:
    parts, at = [], 0
    for e in sorted(edits):
        parts += [text[at:e.start], e.content]
        at = e.end
    return "".join(parts) + text[at:]


def planned(text: str, found: list[Diagnostic], newline: str = "\n"
            ) -> tuple[list[Edit], dict[Edit, int], int]:
    """The insertions that suppress the findings: in the front matter; in the body, each with
    the line it is for; and the front matter's last line (0: none, nothing is suppressed)."""
    doc = document.parse(text)
    if not doc.has_frontmatter or doc.close_span is None:
        return [], {}, 0
    index = LineIndex(text)
    last_fm = index.position(doc.close_span.start).line
    blocks = (rendering.Blocks(doc.body, index.position(doc.body_start).line)
              if any(d.line > last_fm for d in found) else None)
    plan = _plan(doc, index, found, blocks.fenced if blocks else set())
    head = _key_edits(text, index, plan)
    if plan.whole:
        at = index.line_span(1)[1]
        head.append(Edit(at, at, f"{newline}# news-lint: disable={','.join(sorted(plan.whole))}"))
    return head, _body_edits(text, index, plan, newline, blocks), last_fm


def suppressed(text: str, found: list[Diagnostic], newline: str = "\n") -> str:
    """``text`` with a suppression for each finding that can take one (unchecked)."""
    head, body, _ = planned(text, found, newline)
    return applied(text, head + list(body))


def _plan(doc, index: LineIndex, found: list[Diagnostic], fenced: set[int]) -> _Plan:
    """Where each finding's comment goes; ``fenced``: the lines in fenced code blocks (a
    comment there would show)."""
    plan = _Plan()
    first_body = index.position(doc.body_start).line
    last_fm = index.position(doc.close_span.start).line
    keys = _innermost(_key_spans(doc, index), sorted({d.line for d in found if d.line <= last_fm}))
    for d in found:
        if first_body <= d.line and d.line not in fenced and d.line > last_fm:
            plan.body.setdefault(d.line, set()).add(d.name)
        elif d.line <= last_fm:  # on a delimiter line: the file-wide comment
            hit = keys.get(d.line)
            if hit is None or not hit[2]:
                plan.whole.add(d.name)
            else:
                plan.keys.setdefault(hit[0], set()).add(d.name)
    for lines in (plan.keys, plan.body):  # what the file-wide comment covers needs no other
        for line in list(lines):
            lines[line] -= plan.whole
            if not lines[line]:
                del lines[line]
    return plan


def _key_spans(doc, index: LineIndex) -> list[tuple[int, int, bool]]:
    """(key line, last line of the value, whether a comment may end the key line)."""
    out = []
    for entry in doc.entries.values():
        if entry.key is None:
            continue
        kl, el = index.position(entry.key.start).line, index.position(entry.value.end).line
        node = entry.node
        style = getattr(node, "style", None)
        scalar = type(node).__name__ == "ScalarNode"
        safe = el == kl or (scalar and style in ("|", ">")) or \
            (not scalar and not getattr(node, "flow_style", False)
             and index.position(entry.value.start).line > kl)
        out.append((kl, el, bool(safe)))
    return out


def _innermost(spans: list[tuple[int, int, bool]], lines: list[int]) -> dict[int, tuple]:
    """For each of ``lines`` (sorted), the span with the latest key line that holds it. Entries
    nest, so one sweep with a stack does it (each span pushed and popped once)."""
    spans = sorted(spans)
    out, stack, i = {}, [], 0
    for line in lines:
        while i < len(spans) and spans[i][0] <= line:
            stack.append(spans[i])
            i += 1
        while stack and stack[-1][1] < line:
            stack.pop()
        if stack:
            out[line] = stack[-1]
    return out


def _key_edits(text: str, index: LineIndex, plan: _Plan) -> list[Edit]:
    edits = []
    for line, names in plan.keys.items():
        s, e = index.line_span(line)
        m = _KEY_COMMENT.search(text, s, e)
        if m is None:
            edits.append(Edit(e, e, f"  # news-lint: disable={','.join(sorted(names))}"))
        elif m.group(1):  # a list already there: extended
            at = m.start(1) + len(m.group(1).rstrip())
            edits.append(Edit(at, at, "," + ",".join(sorted(names))))
    return edits


def _body_edits(text: str, index: LineIndex, plan: _Plan, newline: str,
                blocks: rendering.Blocks | None) -> dict[Edit, int]:
    """The comments: at the end of the line above when it is a paragraph's (not ending in a hard
    break), on their own line after a blank line, a heading, or before a line that starts a
    block; none where neither would keep the rendering."""
    edits: dict[Edit, int] = {}
    for line, names in plan.body.items():
        comment = f"<!-- news-lint-disable-next-line {' '.join(sorted(names))} -->"
        s, e = index.line_span(line - 1)
        above = text[s:e]
        if not above.strip() or above.strip() == "---" or _HEADING.match(above) \
                or (blocks is not None and not blocks.may_end(line - 1)
                    and blocks.starts_block(line)):
            start = index.line_span(line)[0]
            edits[Edit(start, start, comment + newline)] = line
        elif blocks is None or blocks.may_end(line - 1):
            edits[Edit(e, e, " " + comment)] = line
    return edits
