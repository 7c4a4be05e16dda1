"""Applying fixes: exact text edits, a fix loop to a fixed point, safety checks, atomic writes."""

from __future__ import annotations

import collections
import difflib
import hashlib
import os
import re
import stat
import time
from dataclasses import dataclass, field
from typing import Callable

from .diagnostics import Applicability, Diagnostic, Edit

try:
    import fcntl
except ImportError:  # pragma: no cover - not POSIX
    fcntl = None

MAX_PASSES = 10
TEXT_REPAIR = 0  # fixes of this priority or lower repair damaged text (rules/encoding.TEXT_FIRST)


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
        if newline != "\n" and "\n" in content and not _is_line_break_change(text, e):
            content = content.replace("\r\n", "\n").replace("\n", newline)
        out.append(content)
        pos = e.end
    out.append(text[pos:])
    return "".join(out), chosen


_BREAKS = ("\n", "\r\n")


def _is_line_break_change(text: str, e: Edit) -> bool:
    """One line break replaced by one of the other style (the line-endings fix): its content is
    meant literally, not converted to the file's newline style (which would undo it)."""
    return e.content in _BREAKS and text[e.start:e.end] in _BREAKS and text[e.start:e.end] != e.content


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
    # Problems that text repairs (mojibake, fixes of priority 0) uncover were there before, only
    # unreadable: they are measured against the text as repaired, not counted as regressions.
    baseline = _counts(before)
    repairing = True
    for _ in range(MAX_PASSES):
        new, applied = apply_fixes(current, diagnostics, unsafe, newline)
        if not applied or new == current:
            break
        repairing = repairing and all(d.fix.priority <= TEXT_REPAIR for d in applied)
        digest = hashlib.blake2b(new.encode("utf-8", "surrogatepass")).digest()
        if digest in seen:
            names = ", ".join(sorted({d.name for d in applied}))
            return FixResult(text, text, [], before, f"fixes of {names} undo each other (a cycle); "
                             "nothing was written. This is a bug in news-lint: please report it")
        seen.add(digest)
        fixed.extend(applied)
        current = new
        diagnostics = lint(current)
        if repairing:
            baseline = _union(baseline, diagnostics)
    else:
        if any(d.fix and allowed(d.fix.applicability, unsafe) for d in diagnostics):
            return FixResult(text, text, [], before,
                             f"fixes did not settle after {MAX_PASSES} passes; nothing was written")
    if current != text:
        problem = _regressions(before, diagnostics, baseline)
        if problem:
            return FixResult(text, text, [], before,
                             f"refused to write the fixes: {problem}. This is a bug in news-lint: "
                             "please report it with the file")
    return FixResult(current, text, fixed, diagnostics)


# The rules that say there is no readable front matter exclude one another: a fix may turn "no
# front matter" into "front matter that does not parse" (deleting an invisible character inside
# the opening `---`), which is no new problem. They are counted as one.
_NO_FRONT_MATTER = ("frontmatter-missing", "frontmatter-format", "yaml-syntax")


def _counts(diagnostics: list[Diagnostic]) -> collections.Counter:
    return collections.Counter("NL101/NL102/NL103" if d.name in _NO_FRONT_MATTER else d.code
                               for d in diagnostics)


def _union(a: collections.Counter, b: list[Diagnostic]) -> collections.Counter:
    """Per rule, the larger of the two counts."""
    return a | _counts(b)


def _regressions(before: list[Diagnostic], after: list[Diagnostic],
                 baseline: collections.Counter | None = None) -> str | None:
    if any(d.name == "yaml-syntax" for d in after) and \
            not any(d.name in _NO_FRONT_MATTER for d in before):
        return "the fixed front matter no longer parses"
    b = _counts(before) if baseline is None else baseline
    a = _counts(after)
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


TMP_PREFIX, TMP_SUFFIX = ".news-lint-", ".tmp"
# exactly the names tempfile.mkstemp makes with our prefix and suffix (8 characters from
# [a-z0-9_]); nothing else is ever removed
_TMP_NAME = re.compile(r"\.news-lint-[a-z0-9_]{8}\.tmp\Z")
STALE_TMP_SECONDS = 10.0  # a temporary file older than this was left by a run that was killed
_CLEANED: set[str] = set()
_CHANGED = "file changed on disk while it was being fixed; not written"


def fingerprint(path: str) -> tuple[int, int]:
    st = os.stat(path)
    return st.st_size, st.st_mtime_ns


def clean_stale_temporaries(folder: str, force: bool = False) -> list[str]:
    """Remove the temporary files a killed ``--fix`` run left in ``folder``: only regular files
    (not symlinks) named exactly like ours, owned by this user, last changed more than
    STALE_TMP_SECONDS ago (a concurrent run's live temporary file is younger). Once per folder
    and process unless ``force``; returns the names removed; never raises."""
    key = os.path.realpath(folder)
    if key in _CLEANED and not force:
        return []
    _CLEANED.add(key)
    removed = []
    now = time.time()
    try:
        entries = list(os.scandir(key))
    except OSError:
        return removed
    for entry in entries:
        if not _TMP_NAME.match(entry.name):
            continue
        try:
            st = entry.stat(follow_symlinks=False)
            if (stat.S_ISREG(st.st_mode) and st.st_uid == os.geteuid()
                    and now - st.st_mtime > STALE_TMP_SECONDS):
                os.unlink(entry.path)
                removed.append(entry.name)
        except OSError:
            continue
    return removed


def write_atomic(path: str, data: bytes, expected: bytes | None = None,
                 expected_stat: tuple[int, int] | None = None) -> None:
    """Replace ``path`` (its target, when it is a symlink) by ``data``, crash-safely: a
    temporary file in the same folder, written, flushed and fsynced, mode (and owner, where
    allowed) kept, then ``os.replace`` and an fsync of the folder. A killed run leaves either
    the old file or the new one, never a mix (and at most a stale temporary file, which
    :func:`clean_stale_temporaries` removes).

    When ``expected`` is given, the file must still hold exactly those bytes: same size, same
    hash (always compared: mtimes are too coarse to see every change, and a file touched but not
    changed may be written; ``expected_stat`` is accepted for compatibility and not needed).
    Otherwise another process changed it since it was linted, and nothing is written. The comparison and the rename happen under an exclusive
    ``flock`` on the file, so two news-lint runs never both replace it. WriteError says why a
    file was not written."""
    real = os.path.realpath(path)
    folder = os.path.dirname(real) or "."
    try:
        st = os.stat(real)
    except OSError as exc:
        raise WriteError(f"cannot write: {exc.strerror}") from None
    if not stat.S_ISREG(st.st_mode):
        raise WriteError("not a regular file; not fixed")
    # the mode bits too: root may write anything, but a file without write permission is one
    # its owner does not want changed (and the rename would replace it regardless)
    writable_bits = stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH
    if not os.access(real, os.W_OK) or not st.st_mode & writable_bits:
        raise WriteError("file is read-only; not fixed")
    if expected is not None and st.st_size != len(expected):
        raise WriteError(_CHANGED)
    try:
        import tempfile  # only when writing: a lint run never pays for importing it

        fd, tmp = tempfile.mkstemp(prefix=TMP_PREFIX, suffix=TMP_SUFFIX, dir=folder)
    except OSError as exc:
        raise WriteError(f"cannot write a temporary file in {folder}: {exc.strerror}") from None
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            if (st.st_uid, st.st_gid) != (os.geteuid(), os.getegid()):
                try:
                    os.fchown(fh.fileno(), st.st_uid, st.st_gid)
                except OSError:
                    pass  # not allowed: the file becomes ours, like any editor's save
            os.fchmod(fh.fileno(), stat.S_IMODE(st.st_mode))
            os.fsync(fh.fileno())
        with _locked(real) as current:
            if expected is not None and (current is None or not _holds(current, expected)):
                raise WriteError(_CHANGED)
            os.replace(tmp, real)
        _fsync_folder(folder)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


class _locked:
    """Open ``path`` for reading and hold an exclusive flock on it; yields the open file, or
    None when the file at ``path`` was replaced or removed while the lock was awaited."""

    def __init__(self, path: str):
        self.path = path
        self.fh = None

    def __enter__(self):
        try:
            self.fh = open(self.path, "rb")
        except FileNotFoundError:
            return None
        if fcntl is not None:
            fcntl.flock(self.fh.fileno(), fcntl.LOCK_EX)
        try:
            now = os.stat(self.path)
        except FileNotFoundError:
            return None
        held = os.fstat(self.fh.fileno())
        if (now.st_dev, now.st_ino) != (held.st_dev, held.st_ino):
            return None  # replaced while we waited (another news-lint run fixed it)
        return self.fh

    def __exit__(self, *exc):
        if self.fh is not None:
            self.fh.close()  # releases the lock
        return False


def _holds(fh, expected: bytes) -> bool:
    now = os.fstat(fh.fileno())
    if now.st_size != len(expected):
        return False
    h = hashlib.blake2b()
    while True:
        chunk = fh.read(1 << 20)
        if not chunk:
            break
        h.update(chunk)
    return h.digest() == hashlib.blake2b(expected).digest()


def _fsync_folder(folder: str) -> None:
    """Make the rename itself durable; not every platform can open a folder."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
