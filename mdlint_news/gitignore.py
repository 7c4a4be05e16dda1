"""Which paths git ignores (``.gitignore`` at any depth, ``.git/info/exclude``, the user's
``core.excludesFile``, negations), asked of git itself: one ``git ls-files`` per repository
and run, never one process per file, and never a second implementation of git's rules.

``git ls-files -z --others --ignored --exclude-standard --directory`` lists the untracked
ignored files, and a folder whose content is all ignored as one ``folder/`` entry (so that
``vendor/`` is pruned without listing its thousands of files). A file git tracks is never
ignored (git's meaning: a tracked file is committed, so it is linted). Outside a repository no
``.gitignore`` applies. Names are read NUL-separated as bytes (newlines, leading dashes, bytes
that are not UTF-8 are names like any other)."""

from __future__ import annotations

import os
import shutil
import subprocess
from typing import Callable, Optional

GIT_TIMEOUT = 120  # seconds; a repository that large is reported, not waited on forever
# git runs in a repository that may not be the user's own: nothing it could run is enabled
_SAFE = ["-c", "core.fsmonitor=false", "-c", "core.untrackedCache=false"]


def _is_work_tree(folder: str) -> bool:
    """A ``.git`` file (a worktree, a submodule) or a ``.git`` folder git made (it has a HEAD)."""
    dot_git = os.path.join(folder, ".git")
    return os.path.isfile(dot_git) or os.path.isfile(os.path.join(dot_git, "HEAD"))


class GitIgnored:
    """``ignored(real_path, is_dir)``: whether git ignores the path (an absolute real path)."""

    def __init__(self, warn: Callable[[str], None] | None = None):
        self._warn = warn or (lambda message: None)
        self._top_of: dict[str, Optional[str]] = {}  # folder -> its repository's top, or None
        self._sets: dict[str, tuple[frozenset[str], frozenset[str]]] = {}  # top -> (files, folders)
        self._git = shutil.which("git")

    def ignored(self, real: str, is_dir: bool = False) -> bool:
        head, name = os.path.split(real)
        top = self._top(real if is_dir else head)
        if top is None or real == top:
            return False
        files, folders = self._lists(top)
        if not files and not folders:
            return False
        rel = real[len(top) + 1:].replace(os.sep, "/")
        if (rel in folders) if is_dir else (rel in files):
            return True
        parts = rel.split("/")
        return any("/".join(parts[:i]) in folders for i in range(1, len(parts)))

    def _top(self, folder: str) -> Optional[str]:
        """The work tree holding ``folder``: the nearest folder upward with a ``.git``."""
        chain = []
        while folder not in self._top_of:
            chain.append(folder)
            if _is_work_tree(folder):
                found: Optional[str] = folder
                break
            parent = os.path.dirname(folder)
            if parent == folder:
                found = None
                break
            folder = parent
        else:
            found = self._top_of[folder]
        for f in chain:
            self._top_of[f] = found
        return found

    def _lists(self, top: str) -> tuple[frozenset[str], frozenset[str]]:
        hit = self._sets.get(top)
        if hit is None:
            hit = self._sets[top] = self._ask(top)
        return hit

    def _ask(self, top: str) -> tuple[frozenset[str], frozenset[str]]:
        empty: tuple[frozenset[str], frozenset[str]] = (frozenset(), frozenset())
        if self._git is None:
            self._warn(f"git is not installed: .gitignore is not applied in {top}")
            return empty
        try:
            proc = subprocess.run(
                [self._git, *_SAFE, "-C", top, "ls-files", "-z", "--others", "--ignored",
                 "--exclude-standard", "--directory"],
                stdin=subprocess.DEVNULL, capture_output=True, timeout=GIT_TIMEOUT)
        except (OSError, subprocess.TimeoutExpired) as exc:
            self._warn(f"cannot ask git which files {top} ignores ({exc}): .gitignore is not applied")
            return empty
        if proc.returncode != 0:
            why = proc.stderr.decode("utf-8", "replace").strip().splitlines()
            self._warn(f"git cannot read the repository {top} ({why[0] if why else proc.returncode}): "
                       ".gitignore is not applied there (--no-respect-gitignore silences this)")
            return empty
        files, folders = set(), set()
        for raw in proc.stdout.split(b"\0"):
            if raw:
                name = os.fsdecode(raw)
                (folders if name.endswith("/") else files).add(name.rstrip("/"))
        return frozenset(files), frozenset(folders)
