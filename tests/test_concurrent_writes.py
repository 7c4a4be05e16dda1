"""Writing fixes safely (issue 14, items 2, 3 and 12), with real files and real processes.

- ``--fix`` in a loop while an editor keeps saving the same article, both ways editors save (a
  temporary file renamed over the article; the article rewritten in place in two chunks): no
  save may be lost, no half article may be left, and news-lint must still fix the file when
  the editor pauses. A save landing while news-lint checks and replaces the file is kept; a
  file that keeps changing is left alone, and the run says so.
- A file with other hard links, extended attributes and an ACL: the links are not split, the
  attributes are kept.
- A write that fails (file size limit, a full disk): its own message, exit 2, the original
  byte for byte.

Run as a script, this file is the editor and the fixer processes of the first test:
``python tests/test_concurrent_writes.py editor STYLE PATH SECONDS SEED`` and
``python tests/test_concurrent_writes.py fixer PATH SECONDS`` (each prints one JSON line).
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import io
import json
import os
import random
import re
import resource
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from support import ARTICLE_NAME, VALID_BODY, article_text
from mdlint_news.fixes import QUIET_SECONDS as QUIET

HOUR_OFF = "'2025-12-01 18:27:21'"  # date an hour after publishedAt: a safe fix
FIXED = b"date: '2025-12-01 17:27:21'"
SECONDS = 12.0  # per saving style
FINAL_PAUSE = 3.0  # the editor's last pause, past QUIET; the fixer runs on through it
GAPS = (0.001, 0.003, 0.006, 0.012)  # mean seconds between two quick saves, per burst
HERE = Path(__file__).resolve()
ENV = {**os.environ, "NO_COLOR": "1", "PYTHONIOENCODING": "utf-8"}


def article(version: int) -> bytes:
    """A damaged article (the date an hour off) that says which save it is, at both ends. The
    padding and the end mark follow the footer inside an HTML comment (text there would be
    `text-after-footer`'s finding)."""
    padding = "".join(f"\nOdstavec {i} textu, který článek prodlužuje na několik kilobajtů.\n"
                      for i in range(40))
    body = f"\nVerze {version}.\n{VALID_BODY}\n<!--{padding}\nKonec verze {version}.\n-->\n"
    return article_text(date=HOUR_OFF, body=body).encode("utf-8")


def version_of(data: bytes) -> int | None:
    """The article's version; None for a partial article (the two ends disagree or one is missing)."""
    head = re.search(rb"\nVerze (\d+)\.\n", data)
    tail = re.search(rb"\nKonec verze (\d+)\.\n-->\n\Z", data)
    if not head or not tail or head.group(1) != tail.group(1):
        return None
    return int(head.group(1))


# --------------------------------------------------------------------------- the two processes


class Editor:
    """Saves the article again and again, in one style; before each save it looks at the file,
    which must hold its last save (or news-lint's fix of it), complete."""

    def __init__(self, style: str, path: Path, seed: int):
        self.style, self.path, self.rng = style, path, random.Random(seed)
        self.version = self.saves = self.lost = self.half = self.fixed_seen = self.eager = 0
        self.examples: list[str] = []

    def check(self) -> None:
        data = self.path.read_bytes()
        found = version_of(data)
        if found is None:
            self.half += 1
            self.examples.append(f"after save {self.version}: a partial article of {len(data)} bytes")
        elif found < self.version:
            self.lost += 1
            self.examples.append(f"after save {self.version}: the file holds save {found}")
        elif FIXED in data:
            self.fixed_seen += 1

    def prepare(self):
        """The next save, ready to land in one step: returns the function that saves it."""
        self.version += 1
        self.saves += 1
        data = article(self.version)
        if self.style == "rename":
            tmp = self.path.with_name(f".{self.path.name}.swp")
            with open(tmp, "wb") as fh:
                fh.write(data)
            return lambda: os.replace(tmp, self.path)
        return lambda: self._in_place(data)

    def _in_place(self, data: bytes) -> None:
        """Truncate, write the first half, a short pause, the rest."""
        with open(self.path, "wb", buffering=0) as fh:
            fh.write(data[:len(data) // 2])
            time.sleep(self.rng.uniform(0.001, 0.02))
            fh.write(data[len(data) // 2:])

    def report(self) -> dict:
        return {"version": self.version, "saves": self.saves, "lost": self.lost, "half": self.half,
                "fixed_seen": self.fixed_seen, "eager": self.eager, "examples": self.examples[:5]}


def _lock_seen(path: Path, seconds: float) -> bool:
    """Watch for up to ``seconds`` whether another process holds an exclusive flock on the
    file: news-lint does while it checks the file and replaces it, the worst moment to save."""
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        with open(path, "rb") as fh:
            try:
                fcntl.flock(fh.fileno(), fcntl.LOCK_SH | fcntl.LOCK_NB)
            except BlockingIOError:
                return True
        os.sched_yield()
    return False


def _eager(ed: Editor, seconds: float) -> None:
    """Save, then save again the moment news-lint locks the file to replace it with its fix
    of the first save (or after ``seconds``)."""
    ed.prepare()()
    save = ed.prepare()
    ed.eager += _lock_seen(ed.path, seconds)
    save()
    time.sleep(0.05)  # news-lint finishes what it was doing before the next look


def editor(style: str, path: Path, seconds: float, seed: int) -> dict:
    """Bursts of quick saves, then a pause longer than QUIET. Some saves land the moment
    news-lint locks the file to replace it (see _eager)."""
    ed = Editor(style, path, seed)
    rng = ed.rng
    end = time.monotonic() + seconds
    burst_end, gap = time.monotonic() + rng.uniform(0.5, 1.5), 0.001
    while time.monotonic() < end:
        if time.monotonic() < burst_end:
            time.sleep(rng.uniform(0, 2 * gap))
            ed.check()
            if rng.random() < 0.25:
                _eager(ed, 0.05)
            else:
                ed.prepare()()
            continue
        pause = rng.uniform(QUIET + 0.4, QUIET + 0.9)
        # saves about as far apart as one news-lint run takes meet it most often
        burst_end, gap = time.monotonic() + pause + rng.uniform(0.5, 1.5), rng.choice(GAPS)
        ed.check()
        if rng.random() < 0.6:
            _eager(ed, pause)
        else:
            time.sleep(pause)
            ed.check()
            ed.prepare()()
    # a last pause long enough for a fixer run even on a loaded machine: the fix is seen at
    # least once whatever the timing of the bursts
    time.sleep(QUIET + FINAL_PAUSE)
    ed.check()
    return ed.report()


def fixer(path: Path, seconds: float) -> dict:
    """``news-lint --fix PATH`` again and again, in this process (the command line's own main
    function: no interpreter start-up between runs, so many more runs meet the editor)."""
    from mdlint_news import cli

    runs = fixed = skipped = 0
    errors: list[str] = []
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        out = io.StringIO()
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(out):
            rc = cli.main(["--fix", "--no-cache", "--output-format", "concise", str(path)])
        text = out.getvalue()
        runs += 1
        if re.search(r"^Fixed [1-9]\d* problems? in 1 file\.", text, re.M):
            fixed += 1
        if "not written" in text:
            skipped += 1
            if rc == 0:
                errors.append(f"a skipped file, yet exit 0:\n{text}")
        if rc == 2 or "Traceback" in text:
            errors.append(text)
    return {"runs": runs, "fixed": fixed, "skipped": skipped, "errors": errors[:3]}


# --------------------------------------------------------------------------- item 2


def _run_pair(path: Path, style: str, seconds: float, seed: int) -> tuple[dict, dict]:
    path.write_bytes(article(0))
    procs = [subprocess.Popen([sys.executable, str(HERE), "editor", style, str(path),
                               str(seconds), str(seed)], stdout=subprocess.PIPE, env=ENV),
             subprocess.Popen([sys.executable, str(HERE), "fixer", str(path),
                               str(seconds + QUIET + FINAL_PAUSE + 1)],
                              stdout=subprocess.PIPE, env=ENV)]
    outs = [p.communicate(timeout=seconds + 120)[0] for p in procs]
    assert [p.returncode for p in procs] == [0, 0], outs
    return json.loads(outs[0]), json.loads(outs[1])


@pytest.mark.parametrize("style", ["rename", "inplace"])
def test_fix_in_a_loop_against_an_editor_loses_no_save_and_leaves_no_half_file(tmp_path, style):
    path = tmp_path / ARTICLE_NAME
    ed, fx = _run_pair(path, style, SECONDS, seed=14)
    final = path.read_bytes()
    print(f"\n{style}: editor {ed}, news-lint {fx}")
    assert ed["lost"] == 0 and ed["half"] == 0, (ed, fx)
    assert version_of(final) == ed["version"], f"the last save is not in the file: {final[-60:]!r}"
    assert not fx["errors"], fx["errors"]
    # not vacuous: news-lint fixed the file in the editor's pauses, and the editor saw it
    assert fx["fixed"] >= 1 and ed["fixed_seen"] >= 1, (ed, fx)


def test_a_file_being_written_is_not_fixed_and_the_run_says_so(tmp_path):
    """A writer keeps changing the file (its status, every 0.1 s): ``--fix`` leaves it alone,
    names it, says to run again, and exits non-zero."""
    path = tmp_path / ARTICLE_NAME
    path.write_bytes(article(1))
    toucher = subprocess.Popen([sys.executable, "-c", (
        "import os, sys, time\n"
        "end = time.monotonic() + 15\n"
        "while time.monotonic() < end:\n"
        "    os.utime(sys.argv[1]); time.sleep(0.1)\n"), str(path)])
    try:
        time.sleep(0.3)
        proc = subprocess.run([sys.executable, "-m", "mdlint_news", "--no-cache", "--fix",
                               "--output-format", "concise", ARTICLE_NAME], cwd=tmp_path,
                              capture_output=True, text=True, env=ENV, timeout=60)
    finally:
        toucher.kill()
        toucher.wait()
    assert path.read_bytes() == article(1)
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert f"{ARTICLE_NAME}:1:1:" in proc.stdout and "modified just now" in proc.stdout \
        and "run news-lint --fix again" in proc.stdout, proc.stdout


READ = b"what news-lint read\n" * 200_000
SAVER = """
import fcntl, os, sys, time
for line in sys.stdin:
    path = line.rstrip("\\n")
    tmp = path + ".swp"
    with open(tmp, "wb") as fh:
        fh.write(b"the editor's save")
    seen = False
    with open(path, "rb") as held:
        print("ready", flush=True)
        end = time.monotonic() + 2.0
        while not seen and time.monotonic() < end:
            try:
                fcntl.flock(held.fileno(), fcntl.LOCK_SH | fcntl.LOCK_NB)
                fcntl.flock(held.fileno(), fcntl.LOCK_UN)
            except BlockingIOError:
                seen = True
        os.replace(tmp, path)
    print("saved" if seen else "late", flush=True)
"""


def test_a_save_landing_while_news_lint_replaces_the_file_is_kept(tmp_path):
    """An editor saves (by rename) the moment news-lint holds its lock to check and replace
    the file (or a moment later): whatever the order, the editor's save is what the file holds
    afterwards. Files one after the other until 5 saves landed under the lock (at most 60).
    What news-lint read is 4 MB: hashing it under the lock keeps the lock long enough for the
    saver to see it even on a loaded machine."""
    from mdlint_news.fixes import WriteError, write_atomic

    paths = [tmp_path / f"{i:02d}.md" for i in range(60)]
    for p in paths:
        p.write_bytes(READ)
    time.sleep(QUIET + 0.2)  # left alone long enough to be fixed
    saver = subprocess.Popen([sys.executable, "-c", SAVER], stdin=subprocess.PIPE,
                             stdout=subprocess.PIPE, text=True)
    outcomes: list[str] = []
    try:
        for p in paths:
            saver.stdin.write(f"{p}\n")
            saver.stdin.flush()
            assert saver.stdout.readline() == "ready\n"
            try:
                write_atomic(str(p), b"news-lint's fix", expected=READ)
                outcomes.append("written")
            except WriteError as exc:
                outcomes.append(str(exc).split(";")[0])
            outcomes[-1] += " / " + saver.stdout.readline().strip()
            if sum(o.endswith("/ saved") for o in outcomes) == 5:
                break
    finally:
        saver.stdin.close()
        saver.wait(timeout=60)
    print("\n", outcomes)
    done = paths[:len(outcomes)]
    assert [p.read_bytes() for p in done] == [b"the editor's save"] * len(done), outcomes
    assert not [x.name for x in tmp_path.iterdir() if not x.name.endswith(".md")]
    assert any(o.endswith("/ saved") for o in outcomes), outcomes  # not vacuous


# --------------------------------------------------------------------------- item 3


def _fix(cwd: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "mdlint_news", "--no-cache", "--fix",
                           "--output-format", "concise", *args], cwd=cwd, capture_output=True,
                          text=True, env=ENV, timeout=60)


def test_a_file_with_other_hard_links_is_not_split(tmp_path):
    """Replacing the file would split its links; writing it in place is not crash-safe: the
    fix is refused and the run says why."""
    path = tmp_path / ARTICLE_NAME
    path.write_bytes(article(1))
    other = tmp_path / "elsewhere.txt"
    os.link(path, other)
    proc = _fix(tmp_path, ARTICLE_NAME)
    assert os.stat(path).st_nlink == 2 and os.path.samefile(path, other)
    assert path.read_bytes() == article(1)
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "2 hard links" in proc.stdout and "not written" in proc.stdout, proc.stdout


POSIX_ACL = (2).to_bytes(4, "little") + b"".join(
    tag.to_bytes(2, "little") + perm.to_bytes(2, "little") + ident.to_bytes(4, "little")
    for tag, perm, ident in [(0x01, 6, 0xFFFFFFFF), (0x02, 4, 4242), (0x04, 4, 0xFFFFFFFF),
                             (0x10, 4, 0xFFFFFFFF), (0x20, 4, 0xFFFFFFFF)])  # u::rw-,u:4242:r--,g::r--,m::r--,o::r--


def _xattrs(path: Path) -> dict[str, bytes]:
    return {name: os.getxattr(path, name) for name in os.listxattr(path)}


@pytest.mark.skipif(not hasattr(os, "setxattr"), reason="no extended attributes on this platform")
def test_extended_attributes_and_acl_are_kept(tmp_path):
    path = tmp_path / ARTICLE_NAME
    path.write_bytes(article(1))
    try:
        os.setxattr(path, "user.origin", b"wire-feed")
        os.setxattr(path, "system.posix_acl_access", POSIX_ACL)
    except OSError as exc:
        if exc.errno in (errno.ENOTSUP, errno.EOPNOTSUPP):
            pytest.skip(f"this filesystem refuses extended attributes or ACLs: {exc}")
        raise
    before = _xattrs(path)
    mode = os.stat(path).st_mode
    proc = _fix(tmp_path, ARTICLE_NAME)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert FIXED in path.read_bytes()
    assert _xattrs(path) == before
    assert os.stat(path).st_mode == mode


@pytest.mark.skipif(not hasattr(os, "setxattr"), reason="no extended attributes on this platform")
def test_where_names_cannot_be_exchanged_the_file_is_replaced_with_its_attributes(tmp_path,
                                                                                   monkeypatch):
    """Systems without an atomic exchange (not Linux, an old C library) rename instead."""
    from mdlint_news import fixes

    monkeypatch.setattr(fixes, "_renameat2", lambda: None)
    path = tmp_path / "a.md"
    path.write_bytes(b"old")
    os.setxattr(path, "user.origin", b"wire-feed")
    fixes.write_atomic(str(path), b"new", expected=b"old")
    assert path.read_bytes() == b"new" and os.getxattr(path, "user.origin") == b"wire-feed"
    assert [p.name for p in tmp_path.iterdir()] == ["a.md"]


# --------------------------------------------------------------------------- item 12


def _limited(limit: int):
    def preexec():
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # write() fails with EFBIG instead
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
    return preexec


def _no_temporaries(folder: Path) -> list[str]:
    return [p.name for p in folder.iterdir() if p.name.startswith(".news-lint-")]


@pytest.mark.parametrize("extra", [[], ["--exit-zero"]])
def test_a_write_that_fails_is_an_error_and_the_file_is_unchanged(tmp_path, extra):
    path = tmp_path / ARTICLE_NAME
    data = article(1)
    path.write_bytes(data)
    env = {**ENV, "PYTHONDONTWRITEBYTECODE": "1"}
    proc = subprocess.run([sys.executable, "-m", "mdlint_news", "--no-cache", "--fix",
                           "--output-format", "concise", *extra, ARTICLE_NAME], cwd=tmp_path,
                          capture_output=True, text=True, env=env, timeout=60,
                          preexec_fn=_limited(len(data) // 2))
    assert path.read_bytes() == data
    assert not _no_temporaries(tmp_path)
    assert proc.returncode == 2, proc.stdout + proc.stderr
    assert f"cannot write {ARTICLE_NAME}: File too large; the file was not changed" in proc.stdout, \
        proc.stdout
    assert "unreadable-file" not in proc.stdout and "No fixes applied." in proc.stdout


@pytest.fixture
def small_disk(tmp_path):
    """A 64 KB tmpfs (needs the right to mount: root, in most containers)."""
    mnt = tmp_path / "disk"
    mnt.mkdir()
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", str(mnt)],
                             capture_output=True, text=True)
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a small tmpfs here: {mounted.stderr.strip()}")
    try:
        yield mnt
    finally:
        subprocess.run(["umount", str(mnt)], check=True)


def test_a_full_disk_is_an_error_and_the_file_is_unchanged(small_disk):
    path = small_disk / ARTICLE_NAME
    data = article(1)
    data = data.replace(b"\nKonec", b"".join(b"\nvata %d" % i for i in range(5000)) + b"\nKonec")
    assert 40_000 < len(data) < 60_000  # fits, but a second copy does not
    path.write_bytes(data)
    proc = _fix(small_disk, ARTICLE_NAME)
    assert path.read_bytes() == data
    assert not _no_temporaries(small_disk)
    assert proc.returncode == 2, proc.stdout + proc.stderr
    assert f"cannot write {ARTICLE_NAME}: No space left on device; the file was not changed" \
        in proc.stdout, proc.stdout


if __name__ == "__main__":
    role, args = sys.argv[1], sys.argv[2:]
    if role == "editor":
        report = editor(args[0], Path(args[1]), float(args[2]), int(args[3]))
    else:
        report = fixer(Path(args[0]), float(args[1]))
    print(json.dumps(report))
