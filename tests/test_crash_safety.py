"""Crash-safe fixing, proved with real processes: ``news-lint --fix`` over a few hundred damaged
articles is killed with SIGKILL at random moments (TRIALS times, each on a fresh copy), and after
each kill every file must be exactly its original or exactly its fully fixed version (computed
once by a complete run on another copy), and no pool worker outlives the killed main process;
temporary files a kill leaves behind are removed by the next run. Two ``--fix`` runs on the same
tree at once: the same property at every moment, and the fully fixed tree at the end."""

from __future__ import annotations

import os
import random
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from fuzz.strategies import _damage_mojibake, real_articles
from test_processes import kill_all, needs_proc, processes_where, survivors

TRIALS = 8
N_ARTICLES = 200
TMP = re.compile(r"\.news-lint-[a-z0-9_]{8}\.tmp\Z")


def _damage(i: int, text: str) -> str:
    """The pipeline's damage, a few kinds per article, chosen by its number."""
    if i % 2 == 0:  # date an hour off publishedAt
        text = re.sub(r"^(date: '\d{4}-\d\d-\d\d )(\d\d)", lambda m: f"{m.group(1)}{(int(m.group(2)) + 1) % 24:02d}",
                      text, count=1, flags=re.M)
    if i % 3 == 0:  # sections at level 3
        text = text.replace("\n## ", "\n### ")
    if i % 4 == 1:  # &amp; in the URL
        text = re.sub(r"^(url: https?://\S+)$", r"\1?utm_source=rss&amp;utm_medium=feed", text,
                      count=1, flags=re.M)
    if i % 10 == 7:  # the seed's mojibake (UTF-8 read as cp1254, undefined bytes dropped), one paragraph
        head, sep, rest = text.partition("\n\n")
        para, sep2, tail = rest.partition("\n\n")
        text = head + sep + _damage_mojibake(para) + sep2 + tail
    if i % 5 == 3:  # CRLF line ends in part of the file
        a, b = text[:len(text) // 2], text[len(text) // 2:]
        text = a + b.replace("\n", "\r\n")
    return text


def _make_tree(folder: Path) -> None:
    folder.mkdir()
    articles = real_articles()
    for i in range(N_ARTICLES):
        name, data = articles[i % len(articles)]
        text = data.decode("utf-8")
        (folder / f"{i:03d}-{name}").write_bytes(_damage(i, text).encode("utf-8"))


def _news_lint(*args: str, cwd: Path, log: Path) -> subprocess.Popen:
    """Start ``news-lint --fix`` in its own process group; output goes to ``log`` (a pipe nobody
    reads while polling would fill up and block it)."""
    env = {**os.environ, "NO_COLOR": "1", "PYTHONIOENCODING": "utf-8"}
    with open(log, "wb") as out:
        return subprocess.Popen([sys.executable, "-m", "mdlint_news", "--no-cache", "-q",
                                 "--output-format", "concise", *args], cwd=cwd, env=env,
                                stdout=out, stderr=subprocess.STDOUT, start_new_session=True)


def _finish(proc: subprocess.Popen, log: Path) -> str:
    proc.wait(timeout=300)
    out = log.read_text(encoding="utf-8", errors="replace")
    assert proc.returncode in (0, 1), out
    assert "internal-error" not in out and "Traceback" not in out, out
    return out


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in folder.iterdir() if p.is_file() and p.suffix == ".md"}


@pytest.fixture(scope="module")
def trees(tmp_path_factory):
    """(original tree, {name: original bytes}, {name: fully fixed bytes}, seconds a full run takes)"""
    base = tmp_path_factory.mktemp("crash")
    original = base / "original"
    _make_tree(original)
    before = _snapshot(original)
    reference = base / "reference"
    shutil.copytree(original, reference)
    log = base / "reference.log"
    t0 = time.monotonic()
    _finish(_news_lint("--fix", ".", cwd=reference, log=log), log)
    took = time.monotonic() - t0
    after = _snapshot(reference)
    changed = sum(before[n] != after[n] for n in before)
    assert changed >= N_ARTICLES * 0.6, f"only {changed} of {N_ARTICLES} articles were fixed"
    # (that it is a fixed point is checked by the trials' reruns, which must leave it as it is)
    return original, before, after, took


def _check_each_file(folder: Path, before: dict, after: dict, when: str) -> tuple[int, int]:
    now = _snapshot(folder)
    assert set(now) == set(before), f"{when}: files appeared or vanished"
    bad = [n for n, data in now.items() if data != before[n] and data != after[n]]
    assert not bad, f"{when}: {len(bad)} file(s) neither original nor fully fixed, e.g. {bad[:3]}"
    n_fixed = sum(1 for n, data in now.items() if data == after[n] != before[n])
    return n_fixed, len(now)


@needs_proc
def test_sigkill_at_random_moments_leaves_every_file_original_or_fully_fixed(trees, tmp_path):
    original, before, after, took = trees
    rng = random.Random(20251128)
    results = []
    for trial in range(TRIALS):
        work = tmp_path / f"trial{trial}"
        shutil.copytree(original, work)
        log = tmp_path / f"trial{trial}.log"
        proc = _news_lint("--fix", ".", cwd=work, log=log)
        # from start-up (imports) to the end of a full run: most kills land mid-writing
        delay = rng.uniform(0.3, max(0.6, took * 0.8))
        time.sleep(delay)
        # the main process alone (as a CI timeout or the OOM killer would): its pool workers,
        # if it had started them, must exit by themselves
        workers = processes_where(lambda st: st[1] == proc.pid)
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=60)
        left = survivors(processes_where(lambda st: st[2] == proc.pid))
        kill_all(left)
        assert not left, f"trial {trial}: processes {sorted(left)} outlived the killed run"
        n_fixed, n = _check_each_file(work, before, after, f"trial {trial} killed after {delay:.2f} s")
        leftovers = [p.name for p in work.iterdir() if TMP.match(p.name)]
        results.append((round(delay, 2), n_fixed, len(leftovers), len(workers)))
        if trial == 0 or leftovers:
            # a killed run's temporary files are removed by the next --fix run in that folder
            # (once they are older than a live one could be: aged here instead of waiting)
            for name in leftovers:
                old = time.time() - 3600
                os.utime(work / name, (old, old))
            _finish(_news_lint("--fix", ".", cwd=work, log=log), log)
            assert _snapshot(work) == after, f"trial {trial}: the next run did not finish the job"
            assert not [p.name for p in work.iterdir() if TMP.match(p.name)]
    print(f"\n{TRIALS} SIGKILL trials (delay s, files fixed of {len(before)}, temporary files left, "
          "pool workers at the kill):", results)
    assert any(r[3] for r in results), f"no kill landed while pool workers ran: {results}"
    assert any(0 < r[1] < len(before) for r in results) or len({r[1] for r in results}) > 1, \
        f"no kill landed while files were being written: {results}"


def test_two_concurrent_fix_runs(trees, tmp_path):
    original, before, after, _ = trees
    work = tmp_path / "concurrent"
    shutil.copytree(original, work)
    logs = tmp_path / "a.log", tmp_path / "b.log"
    a = _news_lint("--fix", ".", cwd=work, log=logs[0])
    b = _news_lint("--fix", ".", cwd=work, log=logs[1])
    checks = 0
    while a.poll() is None or b.poll() is None:
        _check_each_file(work, before, after, f"while both ran (check {checks})")
        checks += 1
        time.sleep(0.05)
    out = _finish(a, logs[0]) + _finish(b, logs[1])
    assert _snapshot(work) == after
    assert not [p.name for p in work.iterdir() if TMP.match(p.name)]
    # a run that lost the race for a file says so (and wrote nothing to it)
    skipped = out.count("changed on disk")
    print(f"\nconcurrent runs: {checks} checks while running; {skipped} file(s) skipped by a run "
          "because the other had changed them")


# =========================================================================== the writer, one case each

import fcntl  # noqa: E402
import stat  # noqa: E402
import threading  # noqa: E402

from support import ARTICLE_NAME, CLI, article_text  # noqa: E402

from mdlint_news import fixes  # noqa: E402
from mdlint_news.fixes import WriteError, clean_stale_temporaries, write_atomic  # noqa: E402

HOUR_OFF = "'2025-12-01 18:27:21'"  # date an hour after publishedAt: a safe fix


def test_a_change_that_keeps_size_and_mtime_is_still_seen(tmp_path):
    """mtimes are coarse: another writer can change a file within one tick, same size. The
    content is compared (hash), so the fix is not written over the other writer's text."""
    p = tmp_path / "a.md"
    p.write_bytes(b"what we read")
    st = p.stat()
    p.write_bytes(b"what THEY wrote"[:len(b"what we read")])
    os.utime(p, ns=(st.st_atime_ns, st.st_mtime_ns))
    assert (p.stat().st_size, p.stat().st_mtime_ns) == (st.st_size, st.st_mtime_ns)
    with pytest.raises(WriteError, match="changed on disk"):
        write_atomic(str(p), b"the fix", expected=b"what we read")
    assert p.read_bytes() == b"what THEY wrote"[:len(b"what we read")]
    assert [x.name for x in tmp_path.iterdir()] == ["a.md"]


def test_file_replaced_while_the_writer_waits_for_its_lock(tmp_path):
    """Another run holds the file's lock, replaces the file and lets go: the waiting writer
    notices the file is no longer the one it read and writes nothing."""
    p = tmp_path / "a.md"
    p.write_bytes(b"original")
    holder = open(p, "rb")
    fcntl.flock(holder.fileno(), fcntl.LOCK_EX)
    errors: list[BaseException] = []

    def write():
        try:
            write_atomic(str(p), b"fixed by the second run", expected=b"original")
        except BaseException as exc:  # noqa: BLE001
            errors.append(exc)

    t = threading.Thread(target=write)
    t.start()
    time.sleep(0.3)
    assert t.is_alive()  # waiting for the lock
    (tmp_path / "other").write_bytes(b"fixed by the first run")
    os.replace(tmp_path / "other", p)
    holder.close()
    t.join(10)
    assert len(errors) == 1 and isinstance(errors[0], WriteError) and "changed on disk" in str(errors[0])
    assert p.read_bytes() == b"fixed by the first run"
    assert sorted(x.name for x in tmp_path.iterdir()) == ["a.md"]


def test_file_deleted_before_the_write(tmp_path):
    p = tmp_path / "a.md"
    p.write_bytes(b"x")
    p.unlink()
    with pytest.raises(WriteError, match="cannot write"):
        write_atomic(str(p), b"y", expected=b"x")
    assert list(tmp_path.iterdir()) == []


def test_owner_and_mode_are_kept(tmp_path):
    p = tmp_path / "a.md"
    p.write_bytes(b"old")
    os.chmod(p, 0o664)
    if os.geteuid() == 0:
        os.chown(p, 65534, 65534)
    before = p.stat()
    write_atomic(str(p), b"new", expected=b"old")
    after = p.stat()
    assert p.read_bytes() == b"new" and after.st_ino != before.st_ino  # replaced, not rewritten
    assert (after.st_uid, after.st_gid, stat.S_IMODE(after.st_mode)) == \
        (before.st_uid, before.st_gid, 0o664)


def _aged(path: Path, seconds: float = 3600) -> Path:
    t = time.time() - seconds
    os.utime(path, (t, t))
    return path


def test_only_our_stale_temporary_files_are_removed(tmp_path):
    ours_old = tmp_path / ".news-lint-abc123_z.tmp"
    ours_old.write_bytes(b"half a file")
    _aged(ours_old)
    fresh = tmp_path / ".news-lint-fresh123.tmp"  # a live run's, a moment old
    fresh.write_bytes(b"being written")
    others = [tmp_path / n for n in (".news-lint-abc.tmp", "news-lint-abc123_z.tmp",
                                     ".news-lint-abc123_z.tmp.bak", ".news-lint-ABC123_Z.tmp",
                                     ".other-abc123_z.tmp", "keep.md")]
    for o in others:
        o.write_bytes(b"not ours")
        _aged(o)
    (tmp_path / ".news-lint-dir12345.tmp").mkdir()  # a folder, not a file
    link = tmp_path / ".news-lint-link1234.tmp"
    link.symlink_to(tmp_path / "keep.md")  # a symlink named like ours: never followed or removed
    os.utime(link, (0, 0), follow_symlinks=False)
    if os.geteuid() == 0:
        foreign = tmp_path / ".news-lint-foreign1.tmp"  # someone else's
        foreign.write_bytes(b"x")
        os.chown(foreign, 65534, 65534)
        _aged(foreign)
        others.append(foreign)
    assert clean_stale_temporaries(str(tmp_path), force=True) == [ours_old.name]
    assert not ours_old.exists() and fresh.exists() and link.is_symlink()
    assert all(o.exists() for o in others)
    assert clean_stale_temporaries(str(tmp_path)) == []  # once per folder and process


def test_the_next_fix_run_in_the_folder_removes_a_killed_runs_temporary_file(tmp_path):
    (tmp_path / ARTICLE_NAME).write_text(article_text(), encoding="utf-8")  # nothing to fix
    stale = tmp_path / ".news-lint-k1lled00.tmp"
    stale.write_bytes(b"---\nhalf")
    _aged(stale, fixes.STALE_TMP_SECONDS + 5)
    cli = CLI(tmp_path)
    cli("--no-cache", ".", check_rc=0)
    assert stale.exists()  # a lint-only run writes nothing, removes nothing
    cli("--no-cache", "--fix", ".", check_rc=0)
    assert not stale.exists()


# =========================================================================== symlinks


@pytest.fixture
def linked(tmp_path):
    """root/real/<article> (an hour off: fixable), root/content/link.md -> it, root/content/dir ->
    ../real, and outside/<article> linked from root/content/out.md."""
    root, outside = tmp_path / "root", tmp_path / "outside"
    for d in (root / "real", root / "content", outside):
        d.mkdir(parents=True)
    text = article_text(date=HOUR_OFF)
    (root / "real" / ARTICLE_NAME).write_text(text, encoding="utf-8")
    (outside / ARTICLE_NAME).write_text(text, encoding="utf-8")
    (root / "content" / "link.md").symlink_to(Path("..") / "real" / ARTICLE_NAME)
    (root / "content" / "dir").symlink_to(Path("..") / "real", target_is_directory=True)
    (root / "content" / "loop").symlink_to(Path(".."), target_is_directory=True)
    (root / "content" / "out.md").symlink_to(outside / ARTICLE_NAME)
    return root, outside, text


def _paths(proc) -> list[str]:
    return sorted({line.split(":", 1)[0] for line in proc.stdout.splitlines() if ".md:" in line})


def test_symlinks_met_while_walking_are_skipped_by_default(linked):
    root, outside, text = linked
    cli = CLI(root)
    assert _paths(cli("--no-cache", "content")) == []
    proc = cli("--no-cache", ".")
    assert _paths(proc) == [f"real/{ARTICLE_NAME}"]


def test_a_symlink_given_explicitly_is_linted_but_not_fixed_through(linked):
    root, outside, text = linked
    proc = CLI(root)("--no-cache", "--fix", "content/link.md", "content/out.md")
    assert "is a symbolic link; fixes not written (--follow-symlinks" in proc.stdout, proc.stdout
    assert proc.stdout.count("date-mismatch") == 2  # linted, through the link
    assert (root / "real" / ARTICLE_NAME).read_text(encoding="utf-8") == text
    assert (outside / ARTICLE_NAME).read_text(encoding="utf-8") == text
    assert (root / "content" / "link.md").is_symlink()


@pytest.mark.parametrize("how", ["option", "config"])
def test_follow_symlinks_fixes_targets_inside_the_roots_only(linked, how):
    root, outside, text = linked
    args = ["--no-cache", "--fix", "."]
    if how == "option":
        args.insert(0, "--follow-symlinks")
    else:
        (root / ".news-lint.toml").write_text("follow-symlinks = true\n")
    proc = CLI(root)(*args)
    assert "Traceback" not in proc.stderr and proc.returncode in (0, 1), proc.stderr
    # real/<article>, content/link.md and content/dir/<article> are one file: fixed once, at
    # its target; content/loop (-> ..) is not walked twice
    fixed = (root / "real" / ARTICLE_NAME).read_text(encoding="utf-8")
    assert fixed == text.replace(HOUR_OFF, "'2025-12-01 17:27:21'")
    assert (root / "content" / "link.md").is_symlink()
    assert "Fixed 1 problem in 1 file." in proc.stdout, proc.stdout
    # content/out.md points out of the folder given: not followed, and neither is the link
    # when only content/ is given (its target is outside content/)
    assert (outside / ARTICLE_NAME).read_text(encoding="utf-8") == text
    assert "out.md" not in proc.stdout
    (root / "real" / ARTICLE_NAME).write_text(text, encoding="utf-8")
    proc = CLI(root)(*args[:-1], "content")
    assert (root / "real" / ARTICLE_NAME).read_text(encoding="utf-8") == text
    assert _paths(proc) == []
