"""Applying fixes: exact text edits, a fix loop to a fixed point, safety checks, atomic writes."""

from __future__ import annotations

import collections
import difflib
import hashlib
import os
import stat
import tempfile
from dataclasses import dataclass, field
from typing import Callable

from .diagnostics import Applicability, Diagnostic, Edit

MAX_PASSES = 10


def allowed(applicability: Applicability, unsafe: bool) -> bool:
    return applicability is Applicability.SAFE or (unsafe and applicability is Applicability.UNSAFE)


def apply_fixes(text: str, diagnostics: list[Diagnostic], unsafe: bool = False,
                newline: str = "\n") -> tuple[str, list[Diagnostic]]:
    """Apply the allowed fixes of ``diagnostics``: only those of the lowest priority present
    (text repairs before fixes that read the text), sorted by start; any fix overlapping one
    already applied is skipped (the next pass picks it up); everything between edits is copied
    verbatim."""
    candidates = sorted((d for d in diagnostics if d.fix and d.fix.edits
                         and allowed(d.fix.applicability, unsafe)),
                        key=lambda d: (d.fix.span, d.code))
    if candidates:
        first = min(d.fix.priority for d in candidates)
        candidates = [d for d in candidates if d.fix.priority == first]
    chosen: list[Diagnostic] = []
    edits: list[Edit] = []
    last_end = -1
    applied: set[tuple[Edit, ...]] = set()
    for d in candidates:
        fix_edits = sorted(d.fix.edits)
        if tuple(fix_edits) in applied:  # the same edits as a fix already taken: fixed by it too
            chosen.append(d)
            continue
        if fix_edits[0].start < last_end or (fix_edits[0].start == last_end and edits and
                                             edits[-1].start == edits[-1].end == last_end):
            continue
        if any(a.end > b.start for a, b in zip(fix_edits, fix_edits[1:])):
            continue  # a fix whose own edits overlap is malformed
        chosen.append(d)
        applied.add(tuple(fix_edits))
        edits.extend(fix_edits)
        last_end = fix_edits[-1].end
    if not edits:
        return text, []
    out: list[str] = []
    pos = 0
    for e in edits:
        out.append(text[pos:e.start])
        content = e.content
        if newline != "\n" and "\n" in content:
            content = content.replace("\r\n", "\n").replace("\n", newline)
        out.append(content)
        pos = e.end
    out.append(text[pos:])
    return "".join(out), chosen


@dataclass
class FixResult:
    text: str  # the fixed text (the original when nothing could be applied safely)
    original: str
    fixed: list[Diagnostic] = field(default_factory=list)  # diagnostics whose fix was applied
    remaining: list[Diagnostic] = field(default_factory=list)  # diagnostics of the final text
    error: str | None = None  # why the fixes were refused, if they were

    @property
    def changed(self) -> bool:
        return self.text != self.original


def fix_text(text: str, lint: Callable[[str], list[Diagnostic]], unsafe: bool = False,
             newline: str = "\n", first: list[Diagnostic] | None = None) -> FixResult:
    """Lint, apply fixes, lint again, until nothing changes (at most MAX_PASSES). A text seen
    before means two fixes undo each other: stop and refuse. The result must not have a problem
    the original did not have (counted per rule), else the original is kept."""
    before = first if first is not None else lint(text)
    diagnostics = before
    current = text
    seen = {hashlib.blake2b(text.encode("utf-8", "surrogatepass")).digest()}
    fixed: list[Diagnostic] = []
    for _ in range(MAX_PASSES):
        new, applied = apply_fixes(current, diagnostics, unsafe, newline)
        if not applied or new == current:
            break
        digest = hashlib.blake2b(new.encode("utf-8", "surrogatepass")).digest()
        if digest in seen:
            names = ", ".join(sorted({d.name for d in applied}))
            return FixResult(text, text, [], before, f"fixes of {names} undo each other (a cycle); "
                             "nothing was written. This is a bug in news-lint: please report it")
        seen.add(digest)
        fixed.extend(applied)
        current = new
        diagnostics = lint(current)
    else:
        if any(d.fix and allowed(d.fix.applicability, unsafe) for d in diagnostics):
            return FixResult(text, text, [], before,
                             f"fixes did not settle after {MAX_PASSES} passes; nothing was written")
    if current != text:
        problem = _regressions(before, diagnostics)
        if problem:
            return FixResult(text, text, [], before,
                             f"refused to write the fixes: {problem}. This is a bug in news-lint: "
                             "please report it with the file")
    return FixResult(current, text, fixed, diagnostics)


def _regressions(before: list[Diagnostic], after: list[Diagnostic]) -> str | None:
    if any(d.name == "yaml-syntax" for d in after) and not any(d.name == "yaml-syntax" for d in before):
        return "the fixed front matter no longer parses"
    b = collections.Counter(d.code for d in before)
    a = collections.Counter(d.code for d in after)
    worse = sorted(code for code in a if a[code] > b[code])
    if worse:
        return f"the fixed file has new problems ({', '.join(worse)})"
    return None


def unified_diff(path: str, old: str, new: str) -> str:
    """A unified diff that ``patch -p0`` applies, including files without a final newline."""
    lines = difflib.unified_diff(_lines(old), _lines(new), fromfile=path, tofile=path)
    out = []
    for line in lines:
        if not line.endswith("\n"):
            line += "\n\\ No newline at end of file\n"
        out.append(line)
    return "".join(out)


def _lines(text: str) -> list[str]:
    """Lines as ``patch`` sees them: split after each "\\n" only (``str.splitlines`` would also
    split at U+2028, U+0085, form feeds ..., which patch does not)."""
    lines = text.split("\n")
    out = [line + "\n" for line in lines[:-1]]
    if lines[-1]:
        out.append(lines[-1])
    return out


# --------------------------------------------------------------------------- writing


class WriteError(Exception):
    pass


def fingerprint(path: str) -> tuple[int, int]:
    st = os.stat(path)
    return st.st_size, st.st_mtime_ns


def write_atomic(path: str, data: bytes, expected: bytes | None = None,
                 expected_stat: tuple[int, int] | None = None) -> None:
    """Replace ``path`` by ``data`` through a temporary file in the same folder (flushed, fsynced,
    mode kept, then ``os.replace``). When ``expected`` is given, the file must still hold exactly
    those bytes (another process may have changed it since it was linted); otherwise nothing is
    written and WriteError says why."""
    real = os.path.realpath(path)
    folder = os.path.dirname(real) or "."
    try:
        st = os.stat(real)
    except OSError as exc:
        raise WriteError(f"cannot write: {exc.strerror}") from None
    # the mode bits too: root may write anything, but a file without write permission is one
    # its owner does not want changed (and the rename would replace it regardless)
    writable_bits = stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH
    if not os.access(real, os.W_OK) or not st.st_mode & writable_bits:
        raise WriteError("file is read-only; not fixed")
    if expected is not None:
        if expected_stat is None or (st.st_size, st.st_mtime_ns) != expected_stat:
            with open(real, "rb") as fh:
                if fh.read() != expected:
                    raise WriteError("file changed on disk while it was being fixed; not written")
    fd, tmp = tempfile.mkstemp(prefix=".news-lint-", suffix=".tmp", dir=folder)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, stat.S_IMODE(st.st_mode))
        os.replace(tmp, real)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise
