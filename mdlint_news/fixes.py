"""Applying fixes: exact text edits, a fix loop to a fixed point, safety checks, atomic writes."""

from __future__ import annotations

import collections
import difflib
import errno
import functools
import hashlib
import os
import re
import stat
import sys
import time
from dataclasses import dataclass, field, replace
from typing import Callable

from .decoding import Decoded, DecodeError, decode, encode
from .diagnostics import Applicability, Diagnostic, Edit, Priority
from .document import IssueKind
from .rules import BY_CODE, reporting

try:
    import fcntl
except ImportError:  # pragma: no cover - not POSIX
    fcntl = None

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


def fix_loop(text: str, lint: Callable[[str], list[Diagnostic]], unsafe: bool = False,
             newline: str = "\n", first: list[Diagnostic] | None = None) -> FixResult:
    """Lint, apply fixes, lint again, until nothing changes (at most MAX_PASSES). A text seen
    before means fixes undo each other: the derived ones among them (``Priority.DERIVED``, a
    line rendered from other text, which must not undo a repair of that text) yield to the
    others, and the loop starts again with their fixes held back; any other cycle stops it and
    refuses. The result must not have a problem the original did not have (counted per rule),
    else the original is kept."""
    before = first if first is not None else lint(text)
    held: frozenset[str] = frozenset()
    while True:
        result, cycle = _fix_passes(text, lint, unsafe, newline, before, held)
        derived = {d.name for d in cycle if d.fix.priority == Priority.DERIVED} - held
        if not derived or all(d.fix.priority == Priority.DERIVED for d in cycle):
            return result  # no cycle, or nothing for the derived fixes to yield to: refused
        held |= derived


def _held_back(diagnostics: list[Diagnostic], held: frozenset[str]) -> list[Diagnostic]:
    """``diagnostics`` with the fixes of the rules in ``held`` taken away (reported, not fixed)."""
    if not held:
        return diagnostics
    return [replace(d, fix=None) if d.fix is not None and d.name in held else d for d in diagnostics]


def _fix_passes(text: str, lint: Callable[[str], list[Diagnostic]], unsafe: bool, newline: str,
                before: list[Diagnostic], held: frozenset[str]) -> tuple[FixResult, list[Diagnostic]]:
    """The passes of ``fix_loop`` with the fixes of ``held`` held back: the result, and the
    fixes applied in a cycle (empty when there was none)."""
    diagnostics = _held_back(before, held)
    current = text
    seen = {hashlib.blake2b(text.encode("utf-8", "surrogatepass")).digest(): 0}
    passes: list[list[Diagnostic]] = []  # the fixes applied by each pass
    fixed: list[Diagnostic] = []
    # Problems that text repairs (mojibake, ``Fix.repair``) uncover were there before, only
    # unreadable: they are measured against the text as repaired, not counted as regressions.
    baseline = _counts(before)
    repairing = True
    for _ in range(MAX_PASSES):
        new, applied = apply_fixes(current, diagnostics, unsafe, newline)
        if not applied or new == current:
            break
        repairing = repairing and all(d.fix.repair for d in applied)
        passes.append(applied)
        digest = hashlib.blake2b(new.encode("utf-8", "surrogatepass")).digest()
        if digest in seen:
            cycle = [d for fixes in passes[seen[digest]:] for d in fixes]
            names = ", ".join(sorted({d.name for d in cycle}))
            return FixResult(text, text, [], before, f"fixes of {names} undo each other (a cycle); "
                             "nothing was written. This is a bug in news-lint: please report it"), cycle
        seen[digest] = len(passes)
        fixed.extend(applied)
        current = new
        diagnostics = _held_back(lint(current), held)
        if repairing:
            baseline = _union(baseline, diagnostics)
    else:
        if any(d.fix and allowed(d.fix.applicability, unsafe) for d in diagnostics):
            return FixResult(text, text, [], before,
                             f"fixes did not settle after {MAX_PASSES} passes; nothing was written"), []
    if current != text:
        problem = _regressions(before, diagnostics, baseline)
        if problem:
            return FixResult(text, text, [], before,
                             f"refused to write the fixes: {problem}. This is a bug in news-lint: "
                             "please report it with the file"), []
    return FixResult(current, text, fixed, diagnostics), []


MAX_FILE_ROUNDS = 4  # fix, write, read back: file-level fixes (BOM, encoding) may reveal more


@dataclass
class StoredFix:
    """A file fixed as stored: the bytes to write and how they read, the fixes applied, the
    problems that remain; or, ``error`` set, why nothing may be written (``remaining``: the
    problems to report with it)."""

    data: bytes
    decoded: Decoded
    fixed: list[Diagnostic]
    remaining: list[Diagnostic]
    error: str = ""


def fix_stored(decoded: Decoded, raw: bytes, first: list[Diagnostic],
               lint: Callable[[str, Decoded], list[Diagnostic]], unsafe: bool = False) -> StoredFix:
    """Fix a file to a fixed point *as stored*: the text fixes (:func:`fix_loop`) and the
    file-level ones (``Fix.storage``: re-encode as UTF-8, drop the BOM); the bytes that would be
    written are read back and fixed again until nothing changes. ``first``: the problems of
    ``decoded`` as read; ``lint(text, decoded)`` lints a text as stored by ``decoded``."""
    current, data = decoded, raw
    fixed: list[Diagnostic] = []
    remaining = first
    new_bytes, target = raw, decoded
    for _ in range(MAX_FILE_ROUNDS):
        fr = fix_loop(current.text, functools.partial(_lint_as, lint, current), unsafe,
                      current.newline, first)
        if fr.error:
            return StoredFix(raw, decoded, [], fr.remaining, fr.error)
        round_target, file_fixed = _stored_as(current, fr.remaining, unsafe)
        fixed_text = fr.text
        if current.bom and not round_target.bom:
            # the BOM goes, and so do the U+FEFF behind it, each of which would be read
            # back as the next BOM (a file saved with a BOM twice)
            fixed_text = fixed_text.lstrip("\ufeff")
        round_bytes = encode(fixed_text, round_target)
        fixed.extend([*fr.fixed, *file_fixed])
        remaining = [d for d in fr.remaining if d not in file_fixed]
        if round_bytes == data:
            break
        new_bytes, target = round_bytes, round_target
        try:
            back = decode(round_bytes)
        except DecodeError as exc:
            return StoredFix(raw, decoded, [], first, "refused to write the fixes: the fixed file "
                             f"would not be readable ({exc}). This is a bug in news-lint: please "
                             "report it with the file")
        if back == replace(current, text=fixed_text):
            break  # read back as it was linted: the last pass's diagnostics stand
        current, data, first = back, round_bytes, None
    else:
        return StoredFix(raw, decoded, [], first, f"fixes did not settle after {MAX_FILE_ROUNDS} "
                         "rounds of writing and reading back; nothing was written. This is a bug "
                         "in news-lint: please report it")
    return StoredFix(new_bytes, target, fixed, remaining)


def _lint_as(lint: Callable[[str, Decoded], list[Diagnostic]], decoded: Decoded, text: str):
    return lint(text, decoded)


def _stored_as(decoded: Decoded, remaining: list[Diagnostic], unsafe: bool
               ) -> tuple[Decoded, list[Diagnostic]]:
    """How the file is stored after the file-level fixes among ``remaining`` (``Fix.storage``),
    and those fixes."""
    todo = [d for d in remaining if d.fix is not None and d.fix.storage is not None
            and allowed(d.fix.applicability, unsafe)]
    target = decoded
    for d in todo:
        changes = {k: v for k, v in d.fix.storage._asdict().items() if v is not None}
        target = replace(target, **changes)
    return target, todo


def _root_cause(code: str) -> str:
    """Rules that report one root cause exclude one another (``excludes`` on the rule) and are
    counted as one: a fix may turn "no front matter" into "front matter that does not parse"
    (deleting an invisible character inside the opening `---`), which is no new problem."""
    rule = BY_CODE.get(code)
    return "/".join(sorted({code, *rule.excludes})) if rule is not None and rule.excludes else code


def _counts(diagnostics: list[Diagnostic]) -> collections.Counter:
    return collections.Counter(_root_cause(d.code) for d in diagnostics)


def _union(a: collections.Counter, b: list[Diagnostic]) -> collections.Counter:
    """Per rule, the larger of the two counts."""
    return a | _counts(b)


def _regressions(before: list[Diagnostic], after: list[Diagnostic],
                 baseline: collections.Counter | None = None) -> str | None:
    unparsed = reporting(IssueKind.SYNTAX).code
    if any(d.code == unparsed for d in after) and \
            not any(_root_cause(d.code) == _root_cause(unparsed) for d in before):
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
    """A fix was not written: the file is not one to replace, or it changed meanwhile."""


class WriteFailed(WriteError):
    """Writing failed (a full disk, a size limit, an I/O error): the file was not changed.
    The message is the system's reason."""


TMP_PREFIX, TMP_SUFFIX = ".news-lint-", ".tmp"
# exactly the names tempfile.mkstemp makes with our prefix and suffix (8 characters from
# [a-z0-9_]); nothing else is ever removed
_TMP_NAME = re.compile(r"\.news-lint-[a-z0-9_]{8}\.tmp\Z")
STALE_TMP_SECONDS = 10.0  # a temporary file older than this was left by a run that was killed
# A file whose status changed less than this long ago may be in the middle of being written
# (an editor between two writes): it is not fixed until it has been left alone this long.
QUIET_SECONDS = 1.0
_CLEANED: set[str] = set()
_AGAIN = "not written: run news-lint --fix again"
_CHANGED = f"file changed on disk while it was being fixed; {_AGAIN}"
_RECENT = f"file was modified just now (it may still be being written); {_AGAIN}"


def quiet_wait(st: os.stat_result) -> float:
    """Seconds until the file of ``st`` has been left alone for QUIET_SECONDS (0: it has). Its
    status-change time moves with every write, rename, chmod or xattr change, and cannot be set
    back (where there is one: on Windows, the modification time)."""
    stamp = st.st_mtime if os.name == "nt" else st.st_ctime
    return min(max(stamp + QUIET_SECONDS - time.time(), 0.0), QUIET_SECONDS)


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
                 read_stat: os.stat_result | None = None) -> None:
    """Replace ``path`` (its target, when it is a symlink) by ``data``, crash-safely: a
    temporary file in the same folder, written with the file's mode, owner (where allowed) and
    extended attributes (ACLs too), fsynced, then swapped in and the folder fsynced. A killed
    run leaves the old file or the new one, never a mix (and at most a stale temporary file,
    which :func:`clean_stale_temporaries` removes). A file with other hard links is refused.

    ``expected`` (the bytes read) and ``read_stat`` (the file's status when read) must still
    describe the file, checked under an exclusive ``flock`` (two news-lint runs never both
    replace it); a file read within QUIET_SECONDS of a change is refused. The swap is an atomic
    exchange where the system has one (Linux): if what it took out is not what was read (an
    editor saved in between), it is put back.
    WriteError says why a file was not written; WriteFailed, that writing failed."""
    real = os.path.realpath(path)
    folder = os.path.dirname(real) or "."
    st = _replaceable(real)
    if read_stat is not None and quiet_wait(read_stat):
        raise WriteError(_RECENT)  # it may have been read half written
    if (read_stat is not None and not _same_state(st, read_stat)) or \
            (expected is not None and st.st_size != len(expected)):
        raise WriteError(_CHANGED)
    tmp, ours = _temporary(folder, real, data, st)
    keep = False
    try:
        with _locked(real) as current:
            held = _unchanged(current, expected, read_stat)
            if _swap_in(tmp, real) and not _as_read(tmp, current, held, expected):
                keep = not _put_back(tmp, real, ours)
                raise WriteError(_CHANGED if not keep else "file changed on disk while it was "
                                 f"being fixed and could not be put back: the newer file is {tmp}")
        _fsync_folder(folder)
    except OSError as exc:
        raise WriteFailed(exc.strerror or str(exc)) from None
    finally:
        if not keep:  # ours unused, or the old file after an exchange (none after os.replace)
            _remove(tmp)


def _replaceable(real: str) -> os.stat_result:
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
    if st.st_nlink > 1:
        raise WriteError(f"file has {st.st_nlink} hard links: replacing it would split them and "
                         "rewriting it in place is not crash-safe, so the fixes were not written "
                         "(make it a file of its own to have it fixed)")
    return st


def _same_state(a: os.stat_result, b: os.stat_result) -> bool:
    return (a.st_dev, a.st_ino, a.st_size, a.st_mtime_ns, a.st_ctime_ns) == \
        (b.st_dev, b.st_ino, b.st_size, b.st_mtime_ns, b.st_ctime_ns)


def _temporary(folder: str, real: str, data: bytes, st: os.stat_result) -> tuple[str, tuple]:
    """A temporary file beside ``real`` holding ``data``, with its mode, owner and extended
    attributes, fsynced; returns its name and (device, inode)."""
    import tempfile  # only when writing: a lint run never pays for importing it

    try:
        fd, tmp = tempfile.mkstemp(prefix=TMP_PREFIX, suffix=TMP_SUFFIX, dir=folder)
    except OSError as exc:
        raise WriteFailed(f"cannot create a temporary file in {folder}: {exc.strerror}") from None
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
            _copy_xattrs(real, fh.fileno())
            os.fsync(fh.fileno())
            mine = os.fstat(fh.fileno())
    except BaseException as exc:
        _remove(tmp)
        if isinstance(exc, OSError):
            raise WriteFailed(exc.strerror or str(exc)) from None
        raise
    return tmp, (mine.st_dev, mine.st_ino)


def _copy_xattrs(src: str, fd: int) -> None:
    """Give the open file ``fd`` the extended attributes of ``src`` (user.*, ACLs...), and
    none it inherited that ``src`` lacks (a folder's default ACL)."""
    if not hasattr(os, "listxattr"):
        return
    try:
        names = os.listxattr(src)
        have = os.listxattr(fd)
    except OSError as exc:
        if exc.errno in (errno.ENOTSUP, errno.EOPNOTSUPP):
            return  # no extended attributes on this filesystem
        raise
    for name in names:
        value = os.getxattr(src, name)
        if name in have and os.getxattr(fd, name) == value:
            continue
        try:
            os.setxattr(fd, name, value)
        except OSError as exc:
            raise WriteFailed(f"cannot keep its extended attribute {name}: {exc.strerror}") from None
    for name in set(have) - set(names):
        try:
            os.removexattr(fd, name)
        except OSError:
            pass  # one the system sets itself (a security label)


def _unchanged(current, expected: bytes | None, read_stat: os.stat_result | None):
    """The status of the locked file, if it is still the file that was read; else WriteError."""
    if current is None:
        raise WriteError(_CHANGED)
    held = os.fstat(current.fileno())
    if read_stat is not None and not _same_state(held, read_stat):
        raise WriteError(_CHANGED)
    if expected is not None and not _holds(current, expected):
        raise WriteError(_CHANGED)
    return held


def _swap_in(tmp: str, real: str) -> bool:
    """Exchange ``tmp`` and ``real`` atomically (True), or, where the system cannot, replace
    ``real`` by ``tmp`` (False)."""
    if _exchange(tmp, real):
        return True
    os.replace(tmp, real)
    return False


def _as_read(tmp: str, fh, held: os.stat_result, expected: bytes | None) -> bool:
    """Is the file the exchange took out (now at ``tmp``) the file that was read, unchanged?"""
    try:
        out = os.lstat(tmp)
        now = os.fstat(fh.fileno())
        return ((out.st_dev, out.st_ino) == (held.st_dev, held.st_ino)
                and (now.st_size, now.st_mtime_ns) == (held.st_size, held.st_mtime_ns)
                and (expected is None or _holds(fh, expected)))
    except OSError:
        return False


def _put_back(tmp: str, real: str, ours: tuple) -> bool:
    """Undo an exchange that took out a file saved after the check: exchange again, until what
    comes back is what was put in (an editor may save again meanwhile: its newest save stays).
    False if that failed (what ``tmp`` holds must then be kept)."""
    expected = ours
    try:
        for _ in range(100):
            back = os.lstat(tmp)
            if not _exchange(tmp, real):
                return False
            got = os.lstat(tmp)
            if (got.st_dev, got.st_ino) == expected:
                return True
            expected = (back.st_dev, back.st_ino)
    except OSError:
        pass
    return False


_RENAME_EXCHANGE = 2
_AT_FDCWD = -100


def _exchange(a: str, b: str) -> bool:
    """Swap two names atomically (Linux renameat2 RENAME_EXCHANGE); False where not supported
    (another system, an old kernel or C library, a filesystem without it)."""
    fn = _renameat2()
    if fn is None:
        return False
    if fn(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE) == 0:
        return True
    import ctypes

    err = ctypes.get_errno()
    if err in (errno.EINVAL, errno.ENOSYS, errno.ENOTSUP, errno.EOPNOTSUPP):
        return False
    raise OSError(err, os.strerror(err), b)


@functools.cache
def _renameat2():
    if not sys.platform.startswith("linux"):
        return None
    import ctypes

    try:
        fn = ctypes.CDLL(None, use_errno=True).renameat2
    except (OSError, AttributeError):
        return None
    fn.argtypes = (ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint)
    fn.restype = ctypes.c_int
    return fn


def _remove(path: str) -> None:
    try:
        os.unlink(path)
    except OSError:
        pass


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
    fh.seek(0)
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
