"""Processes, with real ones: pool workers never outlive a main process killed with SIGKILL."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import ARTICLE_NAME, article_text

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
