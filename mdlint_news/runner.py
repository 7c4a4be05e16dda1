"""The per-file pipeline: read -> decode -> parse -> rules -> (fix loop -> write)."""

from __future__ import annotations

import bisect
import os
import stat
import time
import traceback
from dataclasses import dataclass, field, replace
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable, Iterable

from . import articles, document, suppressions
from .config import Settings
from .decoding import UNICODE_BOMS, UTF8_BOM, Decoded, DecodeError, decode, encode
from .diagnostics import Applicability, Diagnostic, Edit, LineIndex, Severity
from .document import IssueKind
from .fixes import (WriteError, WriteFailed, apply_fixes, clean_stale_temporaries, fix_stored,
                    quiet_wait, unified_diff, write_atomic)
from .rules import RULES, reporting
from .rules.base import Context, Origin, RunEvent
from .summary import Summary, summarize


def _diag(event: RunEvent, message: str, start: int = 0, end: int = 0, path: str = "") -> Diagnostic:
    r = reporting(event)
    return Diagnostic(r.code, r.name, r.severity, message, start, end, None, path)


def lint_text(text: str, path: str = "", settings: Settings | None = None,
              now: datetime | None = None, decoded: Decoded | None = None,
              on_summary: Callable[[Summary], object] | None = None,
              doc: document.Document | None = None) -> list[Diagnostic]:
    """Lint one article's text. Pure: no I/O. Diagnostics are located (line/column) and sorted.
    ``decoded`` says how the file's bytes were read (for the encoding rules); ``on_summary`` gets
    the file's summary (what the cross-file phase compares); ``doc``: the text already parsed.

    Findings caused by damaged text are not reported: when safe text repairs (``Fix.repair``)
    are found, the text is linted again as repaired, and only the findings still there (and the
    repairs themselves) are kept, at their places in ``text`` (:func:`_without_cascades`)."""
    settings = settings or Settings()
    now = now or datetime.now(timezone.utc)
    out, crashed = _lint_once(text, path, settings, now, decoded, on_summary, doc)
    return _without_cascades(out, text, path, settings, now, decoded, REPAIR_ROUNDS, crashed)


def _lint_once(text: str, path: str, settings: Settings, now: datetime, decoded: Decoded | None,
               on_summary: Callable[[Summary], object] | None = None,
               doc: document.Document | None = None
               ) -> tuple[list[Diagnostic], list[Diagnostic | None]]:
    """The diagnostics of the enabled rules on ``text`` as it is, suppressions applied, located
    and sorted; and one entry per rule that crashed on it (its report, or None when the
    internal-error rule is not enabled)."""
    doc = doc if doc is not None and doc.text is text else document.parse(text, path)
    ignored = settings.ignored_for(path) if path else None
    enabled = settings.enabled - ignored if ignored else settings.enabled
    ctx = Context(doc, settings.profile, path, now, decoded, enabled)
    if on_summary is not None:
        on_summary(summarize(ctx))
    out: list[Diagnostic] = []
    crashed: list[Diagnostic | None] = []
    for r in _rules_of(enabled):
        try:
            for p in r.check(ctx):
                out.append(Diagnostic(r.code, r.name, p.severity or r.severity, p.message,
                                      p.start, p.end, p.fix, path, related=p.related))
        except Exception as exc:  # a bug in a rule must not stop the run
            crashed.append(None)
            if reporting(RunEvent.CRASH).code in enabled:
                where = traceback.extract_tb(exc.__traceback__)[-1]
                crashed[-1] = _diag(RunEvent.CRASH,
                                    f"rule {r.name} crashed: {type(exc).__name__}: {exc} "
                                    f"({os.path.basename(where.filename)}:{where.lineno}); please "
                                    "report this with the file", path=path)
                out.append(crashed[-1])
    if out or "news-lint" in text:
        index = ctx.lines
        for d in out:
            index.locate(d)
        out = _suppress(out, doc, index, enabled, path)
    out.sort(key=Diagnostic.sort_key)
    return out, crashed


# How many times the text repairs found in the repaired text are applied again (a repair may
# uncover another: two layers of mojibake); each round lints the text once more.
REPAIR_ROUNDS = 3


def _without_cascades(out: list[Diagnostic], text: str, path: str, settings: Settings,
                      now: datetime, decoded: Decoded | None, rounds: int,
                      crashed: list[Diagnostic | None]) -> list[Diagnostic]:
    """``out`` without the findings that the safe text repairs among them remove: the repairs
    are applied (fixes.apply_fixes, as the fix loop's first pass does), the repaired text is
    linted (itself so judged, ``rounds`` deep: never this function again on the same text), and
    a finding of ``out`` is kept when the repaired text has one of the same rule at the same
    place (its offset mapped through the repair's edits). The repairs applied are the cause:
    they are kept, and so are the reports of rules that crashed (``crashed``: a bug to hear
    about in any case). A clean file (no safe repair) costs nothing more."""
    repairs = [d for d in out if d.fix is not None and d.fix.edits and d.fix.repair
               and d.fix.applicability is Applicability.SAFE]
    if not repairs or rounds <= 0:
        return out
    repaired, applied = apply_fixes(text, repairs)
    edits = sorted({e for d in applied for e in d.fix.edits}, key=lambda e: (e.start, e.end))
    if not applied or repaired == text or \
            len(text) + sum(len(e.content) - (e.end - e.start) for e in edits) != len(repaired):
        return out
    after, failed = _lint_once(repaired, path, settings, now, decoded)
    if failed:  # a rule failed on the repaired text: it cannot judge, say everything
        return out
    after = _without_cascades(after, repaired, path, settings, now, decoded, rounds - 1, failed)
    return _still_found(out, {id(d) for d in (*applied, *crashed) if d is not None}, edits, after)


def _still_found(out: list[Diagnostic], keep: set[int], edits: list[Edit],
                 after: list[Diagnostic]) -> list[Diagnostic]:
    """The diagnostics of ``out`` to keep (by identity: the repairs applied, crash reports) and
    those ``after`` (the repaired text's) also has: same rule, starting where its start maps to.
    Each of ``after`` answers for one of ``out``. Both lists are sorted by position and the map
    keeps order, so one pass per rule does (no quadratic cost on thousands of findings)."""
    starts: dict[str, list[int]] = {}
    for d in after:
        starts.setdefault(d.code, []).append(d.start)
    for found in starts.values():
        found.sort()
    next_of: dict[str, int] = {}
    where = _OffsetMap(edits)
    # "the front matter does not parse" is one fact of the file: where the parser stops moves
    # with the text, so it is kept when the repaired text still does not parse, wherever
    unparsed = reporting(IssueKind.SYNTAX).code
    kept = []
    for d in out:
        if id(d) in keep:
            kept.append(d)
            continue
        found = starts.get(d.code)
        if not found:
            continue
        if d.code == unparsed:
            kept.append(d)
            continue
        lo, hi = where(d.start)
        i = next_of.get(d.code, 0)
        while i < len(found) and found[i] < lo:
            i += 1
        if i < len(found) and found[i] <= hi:
            kept.append(d)
            i += 1
        next_of[d.code] = i
    return kept


class _OffsetMap:
    """Where an offset of a text is in the text that ``edits`` (sorted, not overlapping) make:
    one offset, or, for an offset inside a replaced span or at an insertion, the span the new
    content takes (any place in it is the same place)."""

    def __init__(self, edits: list[Edit]):
        self.edits = edits
        self.starts = [e.start for e in edits]
        self.shifts = [0]  # shifts[i]: the length edits[:i] add
        for e in edits:
            self.shifts.append(self.shifts[-1] + len(e.content) - (e.end - e.start))

    def __call__(self, offset: int) -> tuple[int, int]:
        i = bisect.bisect_left(self.starts, offset)  # edits[:i] start before the offset
        if i and self.edits[i - 1].end > offset:
            e, i = self.edits[i - 1], i - 1
        elif i < len(self.edits) and self.edits[i].start == self.edits[i].end == offset:
            e = self.edits[i]
        else:
            return offset + self.shifts[i], offset + self.shifts[i]
        start = e.start + self.shifts[i]
        return start, start + len(e.content)


_ENABLED_RULES: dict[frozenset, tuple] = {}


def _rules_of(enabled: frozenset[str]) -> tuple:
    """The enabled rules, in order (one list per set of enabled codes)."""
    rules = _ENABLED_RULES.get(enabled)
    if rules is None:
        if len(_ENABLED_RULES) > 256:
            _ENABLED_RULES.clear()
        rules = _ENABLED_RULES[enabled] = tuple(r for r in RULES if r.code in enabled
                                                         and r.origin is Origin.FILE)
    return rules


def _suppress(out: list[Diagnostic], doc, index: LineIndex, enabled, path: str) -> list[Diagnostic]:
    """Apply inline suppressions; report the ones that suppress nothing (unused-suppression)."""
    found, unknown = suppressions.find(doc, index)
    if not found and not unknown:
        return out
    kept = suppressions.apply(out, found)
    if reporting(RunEvent.UNUSED_SUPPRESSION).code not in enabled:
        return kept
    for s in found:
        if s.used or (s.codes is not None and not (s.codes & enabled)):
            continue  # used, or names only rules that are not enabled in this run
        what = "any rule" if s.codes is None else ", ".join(sorted(s.codes))
        d = _diag(RunEvent.UNUSED_SUPPRESSION, f"suppression ({s.label}) of {what} suppresses nothing: "
                  "remove it", s.start, s.end, path)
        d.fix = suppressions.removal(doc.text, s.start, s.end)
        kept.append(index.locate(d))
    for start, end, name in unknown:
        kept.append(index.locate(_diag(RunEvent.UNUSED_SUPPRESSION,
                                       f"suppression names unknown rule {name!r}", start, end, path)))
    return kept


@dataclass(slots=True)
class FileResult:
    path: str
    diagnostics: list[Diagnostic] = field(default_factory=list)
    fixed: list[Diagnostic] = field(default_factory=list)
    diff: str = ""
    changed: bool = False  # written (fix) or would be (diff)
    summary: Summary = field(default_factory=Summary)  # for the cross-file phase (project.py)
    write_error: str = ""  # writing the fixes failed (the file was not changed): exit code 2
    skipped: str = ""  # not an article (articles.verdict) and not selected by `include`: why

    @property
    def reportable(self) -> bool:
        """Something to report or show: problems, fixes, a change, a diff."""
        return bool(self.diagnostics or self.fixed or self.changed or self.diff)


def read_text(path: Path, settings: Settings, display: str) -> tuple[Decoded | None, bytes, Diagnostic | None]:
    """Read and decode a file; on failure a located unreadable-file diagnostic instead.

    The file is opened first and checked through its descriptor (no race between checking and
    reading): it must be a regular file (a folder, FIFO or device is reported, never read: a
    FIFO would block), at most ``max-file-size`` bytes (a larger one is not read at all; one
    that grows while read is cut off at the limit and reported)."""
    return _read(path, settings, display)[:3]


def _unreadable(msg: str, display: str, line: int = 1, col: int = 1):
    d = _diag(RunEvent.UNREADABLE, msg, path=display)
    d.line, d.column, d.end_line, d.end_column = line, col, line, col
    return None, b"", d, None


def _read(path: Path, settings: Settings, display: str):
    """read_text, and the file's status as it was opened (None when it was not read)."""
    limit = settings.file.max_file_size
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
    except FileNotFoundError:
        if os.path.islink(path):
            return _unreadable(f"broken symbolic link (to {os.readlink(path)!r})", display)
        return _unreadable("file disappeared before it could be read", display)
    except IsADirectoryError:
        return _unreadable("is a directory, not an article file", display)
    except OSError as exc:
        return _unreadable(f"cannot read: {exc.strerror or exc}", display)
    try:
        st = os.fstat(fd)
        if stat.S_ISDIR(st.st_mode):
            return _unreadable("is a directory, not an article file", display)
        if not stat.S_ISREG(st.st_mode):
            return _unreadable("not a regular file (a FIFO, socket or device); not read", display)
        if st.st_size > limit:
            return _unreadable(f"file is {st.st_size:,} bytes, over the {limit:,}-byte limit "
                               "(max-file-size); not read", display)
        chunks, size = [], 0
        while size <= limit:
            chunk = os.read(fd, min(1 << 20, limit + 1 - size))
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
        data = b"".join(chunks)
    except OSError as exc:
        return _unreadable(f"cannot read: {exc.strerror or exc}", display)
    finally:
        os.close(fd)
    if len(data) > limit:
        return _unreadable(f"file grew past the {limit:,}-byte limit (max-file-size) while it was "
                           "read; not read", display)
    if not data.strip():
        return _unreadable("file is empty" if not data else "file is empty (whitespace only)", display)
    try:
        return decode(data), data, None, st
    except DecodeError as exc:
        return _unreadable(str(exc), display, *_error_position(data, exc))


def _error_position(data: bytes, exc: DecodeError) -> tuple[int, int]:
    """The line and column of a decoding error."""
    for mark, codec in UNICODE_BOMS:  # a UTF-16/32 file: count its characters, not bytes
        if data.startswith(mark):
            head_text = data[len(mark):exc.offset].decode(codec, "replace")
            return head_text.count("\n") + 1, len(head_text) - head_text.rfind("\n")
    head = data[:exc.offset]
    line = head.count(b"\n") + 1
    last = head[head.rfind(b"\n") + 1:]
    if line == 1 and last.startswith(UTF8_BOM):
        last = last[len(UTF8_BOM):]  # the BOM is not a character of the line
    return line, len(last.decode("utf-8", "replace")) + 1


def process_file(path: Path, settings: Settings, display: str | None = None, *, fix: bool = False,
                 diff: bool = False, unsafe: bool = False, now: datetime | None = None) -> FileResult:
    """Lint one file; with ``fix``/``diff``, fix it to a fixed point *as stored*: after the text
    fixes and the file-level ones (re-encode as UTF-8, drop the BOM), the bytes that would be
    written are read back and fixed again until nothing changes, so that ``--fix`` run twice
    changes nothing the second time. Writing is crash-safe (fixes.write_atomic), refused for a
    file that changed meanwhile, and for a symlink unless ``follow-symlinks`` is on. A file to
    be written that was changed within QUIET_SECONDS (it may be in the middle of being written)
    is read again once it has been left alone that long, or, changed again, left as it is."""
    display = display if display is not None else str(path)
    result = FileResult(display)
    try:
        for attempt in range(2):
            result = FileResult(display)
            pending = _lint_and_fix(result, path, settings, fix, diff, unsafe, now)
            if pending is None:
                return result
            wait = quiet_wait(pending[2])
            if wait and attempt == 0:
                time.sleep(wait)
                continue
            _write(result, path, settings, pending)
            return result
    except Exception as exc:  # never a traceback for one bad file
        result.diagnostics = [located_error(
            f"{type(exc).__name__}: {exc}; please report this with the file", display)]
    return result


def _write(result: FileResult, path: Path, settings: Settings, pending: tuple) -> None:
    """Write the fixed bytes; if they are not written, say why (and drop the fixes)."""
    new_bytes, raw, st, diagnostics = pending
    try:
        if os.path.islink(path) and not settings.follow_symlinks:
            raise WriteError("is a symbolic link; fixes not written (--follow-symlinks, or "
                             "follow-symlinks = true, fixes its target)")
        write_atomic(str(path), new_bytes, expected=raw, read_stat=st)
        return
    except WriteFailed as exc:  # news-lint failed on this file: internal-error, exit code 2
        result.write_error = f"cannot write {result.path}: {exc}; the file was not changed"
        error = located_error(result.write_error, result.path)
    except (WriteError, OSError) as exc:  # not written, on purpose
        error = located_error(str(exc), result.path, RunEvent.UNREADABLE)
    result.changed = False
    result.fixed = []
    result.diagnostics = [*diagnostics, error]


def _lint_and_fix(result: FileResult, path: Path, settings: Settings, fix: bool, diff: bool,
                  unsafe: bool, now: datetime | None) -> tuple | None:
    """Fill ``result`` by linting (and, with ``fix``/``diff``, fixing in memory) one file;
    return what is to be written: (new bytes, bytes read, status when read, diagnostics)."""
    decoded, raw, problem, st = _read(path, settings, result.path)
    if problem is not None:
        result.diagnostics = [problem]
        return None
    if fix:
        clean_stale_temporaries(os.path.dirname(os.path.realpath(path)) or ".")
    new_bytes, diagnostics = _lint_decoded(result, decoded, raw, settings, fix or diff, diff,
                                           unsafe, now)
    return (new_bytes, raw, st, diagnostics) if fix and new_bytes is not None else None


def _lint_decoded(result: FileResult, decoded: Decoded, raw: bytes, settings: Settings, fix: bool,
                  diff: bool, unsafe: bool, now: datetime | None
                  ) -> tuple[bytes | None, list[Diagnostic]]:
    """Lint decoded text (and fix it in memory, with ``fix``); the fixed bytes when they differ
    from ``raw`` (else None), and the diagnostics of the text as it was."""
    display = result.path
    doc = document.parse(decoded.text, display)
    if not settings.is_included(display):
        found = articles.verdict(doc, settings.profile)
        if not found.article:
            result.skipped = found.reason
            return None, []
    diagnostics = lint_text(decoded.text, display, settings, now, decoded,
                            lambda s: setattr(result, "summary", s), doc)
    if not fix:
        result.diagnostics = diagnostics
        return None, diagnostics

    def relint(t: str, dec: Decoded) -> list[Diagnostic]:
        return lint_text(t, display, settings, now, dec)

    fixed = fix_stored(decoded, raw, diagnostics, relint, unsafe)
    if fixed.error:  # refused: the diagnostics to report, and why
        result.diagnostics = [*fixed.remaining, located_error(fixed.error, display)]
        return None, diagnostics
    new_bytes, target, result.fixed, result.diagnostics = fixed.data, fixed.decoded, fixed.fixed, \
        fixed.remaining
    if new_bytes == raw:
        return None, diagnostics
    result.changed = True
    if diff:
        result.diff = _diff_of(display, decoded, target, new_bytes)
    return new_bytes, diagnostics


def process_bytes(data: bytes, settings: Settings, display: str, *, fix: bool = False,
                  diff: bool = False, unsafe: bool = False, now: datetime | None = None
                  ) -> tuple[FileResult, bytes]:
    """Lint (with ``fix`` or ``diff``: also fix, in memory) the bytes of an article that is no
    file (standard input), within ``max-file-size`` as a file; the result, and the bytes
    ``--fix`` gives (``data`` itself when nothing changes or nothing may be fixed)."""
    result = FileResult(display)
    limit = settings.file.max_file_size
    problem = None
    if len(data) > limit:
        problem = _unreadable(f"standard input is over the {limit:,}-byte limit (max-file-size); "
                              "not read", display)[2]
    elif not data.strip():
        problem = _unreadable("standard input is empty", display)[2]
    else:
        try:
            decoded = decode(data)
        except DecodeError as exc:
            problem = _unreadable(str(exc), display, *_error_position(data, exc))[2]
    if problem is not None:
        result.diagnostics = [problem]
        return result, data
    try:
        new_bytes, _ = _lint_decoded(result, decoded, data, settings, fix or diff, diff, unsafe, now)
    except Exception as exc:  # never a traceback for one bad input
        result.diagnostics = [located_error(
            f"{type(exc).__name__}: {exc}; please report this with the text", display)]
        return result, data
    return result, data if new_bytes is None else new_bytes


def _diff_of(display: str, decoded: Decoded, target: Decoded, new_bytes: bytes) -> str:
    bom = "\ufeff" if decoded.bom else ""  # the first line as patch sees it on disk
    new_bom = "\ufeff" if new_bytes.startswith(UTF8_BOM) else ""
    diff = unified_diff(display, bom + decoded.text, new_bom + decode(new_bytes).text)
    if target.encoding != decoded.encoding:
        diff = f"# {display}: would be rewritten from {decoded.encoding} to UTF-8\n{diff}"
    return diff


def located_error(message: str, display: str, event: RunEvent = RunEvent.CRASH) -> Diagnostic:
    """The diagnostic of what the runner met on a whole file (by default: news-lint failed)."""
    d = _diag(event, message, path=display)
    d.line = d.column = d.end_line = d.end_column = 1
    return d


def fails(diagnostics: Iterable[Diagnostic], fail_on: Severity = Severity.WARNING) -> bool:
    order = {Severity.INFO: 0, Severity.WARNING: 1, Severity.ERROR: 2}
    return any(order[d.severity] >= order[fail_on] for d in diagnostics)
