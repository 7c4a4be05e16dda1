"""Processes and special files, with real ones: a FIFO (or socket, or device node) among the
articles or in the cache never blocks a run; pool workers never outlive a main process killed
with SIGKILL. Hangs are detected with a generous subprocess timeout, not measured."""

from __future__ import annotations

import os
import signal
import socket
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest

from support import ARTICLE_NAME, article_text

HANG = 60  # seconds: a run that takes longer than this on a few files is hung
OTHER = article_text(slug="other-story", title="Jiný příběh",
                     url="https://example.com/other-story")


def _env(tmp_path: Path) -> dict[str, str]:
    return {**os.environ, "NO_COLOR": "1", "PYTHONIOENCODING": "utf-8",
            "XDG_CACHE_HOME": str(tmp_path / "user-cache")}


def _run(*args: str, cwd: Path, tmp_path: Path) -> subprocess.CompletedProcess:
    try:
        return subprocess.run([sys.executable, "-m", "mdlint_news", "--output-format", "concise",
                               *args], cwd=cwd, env=_env(tmp_path), capture_output=True,
                              text=True, encoding="utf-8", errors="replace", timeout=HANG)
    except subprocess.TimeoutExpired:
        pytest.fail(f"news-lint {' '.join(args)} hung (no answer in {HANG} s)")


# --------------------------------------------------------------------------- special files


@pytest.mark.parametrize("cache", ["--no-cache", "--cache-dir=.c"])
def test_a_fifo_beside_the_linted_file_is_not_read(tmp_path, cache):
    """pre-commit passes one article; its folder's other ``*.md`` are indexed for duplicates.
    A FIFO among them is skipped, never opened (opening one blocks until a writer comes)."""
    (tmp_path / ARTICLE_NAME).write_text(article_text(), encoding="utf-8")
    os.mkfifo(tmp_path / "other.md")
    for _ in range(2):  # a second time with the folder's index in the cache
        proc = _run(cache, ARTICLE_NAME, cwd=tmp_path, tmp_path=tmp_path)
        assert proc.returncode == 0, proc.stdout + proc.stderr


def _special_files(folder: Path) -> list[str]:
    """A FIFO, a listening socket and (when allowed: root) a character device, named ``*.md``."""
    os.mkfifo(folder / "fifo.md")
    made = ["fifo.md"]
    sock = socket.socket(socket.AF_UNIX)
    sock.bind(str(folder / "socket.md"))
    sock.listen(1)
    made.append("socket.md")
    try:
        os.mknod(folder / "device.md", 0o600 | stat.S_IFCHR, os.makedev(1, 3))  # like /dev/null
        made.append("device.md")
    except (PermissionError, AttributeError):
        pass
    return made


def test_special_files_in_a_linted_folder_are_reported_not_read(tmp_path):
    (tmp_path / ARTICLE_NAME).write_text(article_text(), encoding="utf-8")
    made = _special_files(tmp_path)
    for args in (["."], [ARTICLE_NAME], [ARTICLE_NAME, *made]):
        proc = _run(*args, cwd=tmp_path, tmp_path=tmp_path)
        named = [m for m in made if m in args or args == ["."]]
        assert proc.returncode == (1 if named else 0), proc.stdout + proc.stderr
        for name in named:
            assert f"{name}:1:1: NL001" in proc.stdout, proc.stdout


@pytest.mark.parametrize("where", [".news-lint-cache/results-v2.sqlite",
                                   ".news-lint-cache/results-v2.sqlite-wal",
                                   ".news-lint-cache/.gitignore",
                                   "user-cache/news-lint/key"])
def test_a_fifo_in_place_of_a_cache_file_does_not_block(tmp_path, where):
    (tmp_path / ARTICLE_NAME).write_text(article_text(), encoding="utf-8")
    (tmp_path / "other.md").write_text(OTHER, encoding="utf-8")
    (tmp_path / where).parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    os.mkfifo(tmp_path / where, 0o600)
    for _ in range(2):
        proc = _run(ARTICLE_NAME, cwd=tmp_path, tmp_path=tmp_path)
        assert proc.returncode == 0, proc.stdout + proc.stderr


# --------------------------------------------------------------------------- orphaned workers


def proc_stat(pid: int) -> tuple[str, int, int, int] | None:
    """(state, parent pid, process group, start time) of a live process, None when gone."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as fh:
            data = fh.read().decode("ascii", "replace")
    except OSError:
        return None
    fields = data[data.rindex(")") + 2:].split()
    return fields[0], int(fields[1]), int(fields[2]), int(fields[19])


def processes_where(test) -> dict[int, int]:
    """pid -> start time of the processes whose ``proc_stat`` passes ``test`` (zombies, which
    are dead, excluded)."""
    out = {}
    for name in os.listdir("/proc"):
        if name.isdigit():
            st = proc_stat(int(name))
            if st is not None and st[0] != "Z" and test(st):
                out[int(name)] = st[3]
    return out


def survivors(procs: dict[int, int], timeout: float = 30.0) -> dict[int, int]:
    """Those of ``procs`` (pid -> start time) still alive after waiting up to ``timeout``."""
    deadline = time.monotonic() + timeout
    while True:
        alive = {}
        for pid, started in procs.items():
            st = proc_stat(pid)
            if st is not None and st[0] != "Z" and st[3] == started:
                alive[pid] = started
        if not alive or time.monotonic() > deadline:
            return alive
        time.sleep(0.1)


def kill_all(procs: dict[int, int]) -> None:
    """SIGKILL each of ``procs`` that is still the process it was (cleanup of a failed test)."""
    for pid, started in procs.items():
        st = proc_stat(pid)
        if st is not None and st[3] == started:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass


needs_proc = pytest.mark.skipif(not os.path.isdir("/proc/self"), reason="needs Linux /proc")


@needs_proc
def test_pool_workers_exit_when_the_main_process_is_killed(tmp_path):
    """A run big enough for the process pool; the main process alone is killed with SIGKILL as
    soon as its workers exist: every worker must exit by itself."""
    from mdlint_news.parallel import PARALLEL_MIN_FILES

    text = article_text()
    for i in range(PARALLEL_MIN_FILES * 12):
        (tmp_path / f"{i:04d}-{ARTICLE_NAME}").write_text(text, encoding="utf-8")
    proc = subprocess.Popen([sys.executable, "-m", "mdlint_news", "--no-cache", "-q", "-j", "2",
                             "."], cwd=tmp_path, env=_env(tmp_path), stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL, start_new_session=True)
    workers: dict[int, int] = {}
    try:
        deadline = time.monotonic() + HANG
        while len(workers) < 2 and proc.poll() is None and time.monotonic() < deadline:
            workers = processes_where(lambda st: st[1] == proc.pid)
            time.sleep(0.01)
        assert len(workers) == 2, "the pool's workers never showed up (the run was too short?)"
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=HANG)
        left = survivors(workers)
        assert not left, f"pool workers {sorted(left)} outlived their SIGKILLed parent"
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        kill_all(workers)
