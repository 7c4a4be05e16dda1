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
import stat
import subprocess
from typing import Callable, Optional

GIT_TIMEOUT = 20  # seconds; git waiting on a FIFO .gitignore is reported, not waited on longer
# git runs in a repository that may not be the user's own: nothing it could run is enabled
_SAFE = ["-c", "core.fsmonitor=false", "-c", "core.untrackedCache=false"]
# the caller's variables that would make git read another repository, index or configuration
# than the folder's own (a git hook exports GIT_DIR and GIT_INDEX_FILE, `git -c` exports
# GIT_CONFIG_PARAMETERS): `git rev-parse --local-env-vars` (git 2.39), and more asked at run time
_LOCAL_ENV = frozenset({
    "GIT_ALTERNATE_OBJECT_DIRECTORIES", "GIT_CONFIG", "GIT_CONFIG_PARAMETERS", "GIT_CONFIG_COUNT",
    "GIT_OBJECT_DIRECTORY", "GIT_DIR", "GIT_WORK_TREE", "GIT_IMPLICIT_WORK_TREE",
    "GIT_GRAFT_FILE", "GIT_INDEX_FILE", "GIT_NO_REPLACE_OBJECTS", "GIT_REPLACE_REF_BASE",
    "GIT_PREFIX", "GIT_INTERNAL_SUPER_PREFIX", "GIT_SHALLOW_FILE", "GIT_COMMON_DIR",
    # not local to a repository, but they change what a repository's ignore rules say
    "GIT_CEILING_DIRECTORIES", "GIT_DISCOVERY_ACROSS_FILESYSTEM", "GIT_NAMESPACE",
    "GIT_QUARANTINE_PATH", "GIT_LITERAL_PATHSPECS", "GIT_GLOB_PATHSPECS",
    "GIT_NOGLOB_PATHSPECS", "GIT_ICASE_PATHSPECS", "GIT_ATTR_SOURCE"})
# GIT_CONFIG_KEY_<n>/VALUE_<n> (with GIT_CONFIG_COUNT), the traces (they write files)
_LOCAL_PREFIXES = ("GIT_CONFIG_KEY_", "GIT_CONFIG_VALUE_", "GIT_TRACE")


def git_environment(git: str) -> dict[str, str]:
    """The caller's environment without the variables that would steer git elsewhere. Kept:
    GIT_CONFIG_GLOBAL/SYSTEM/NOSYSTEM (the user's own configuration files, whose
    ``core.excludesFile`` the user's ``git status`` applies too)."""
    env = {k: v for k, v in os.environ.items()
           if k not in _LOCAL_ENV and not k.startswith(_LOCAL_PREFIXES)}
    try:  # this git's own list (a newer git may know more)
        proc = subprocess.run([git, "rev-parse", "--local-env-vars"], stdin=subprocess.DEVNULL,
                              capture_output=True, env=env, timeout=GIT_TIMEOUT)
        for name in proc.stdout.decode("ascii", "replace").split():
            env.pop(name, None)
    except (OSError, subprocess.TimeoutExpired):
        pass
    return env


def _not_regular(path: str) -> bool:
    """A FIFO, device, socket or folder where git reads a file (git would wait or read forever)."""
    try:
        return not stat.S_ISREG(os.stat(path).st_mode)
    except (OSError, ValueError):
        return False  # absent or unreadable: git does without it


def _read_small(path: str) -> str:
    if _not_regular(path):
        return ""
    try:
        with open(path, "rb") as fh:
            return os.fsdecode(fh.read(4096)).strip()
    except OSError:
        return ""


def _ignore_files(top: str) -> list[str]:
    """The ignore files git reads first in the work tree ``top``: its top ``.gitignore`` and
    ``info/exclude`` (of a ``.git`` folder, or the one a ``.git`` file names, and its common
    folder for a linked work tree)."""
    dot_git = os.path.join(top, ".git")
    git_dir = dot_git
    if os.path.isfile(dot_git):
        line = _read_small(dot_git)
        git_dir = os.path.join(top, line[len("gitdir:"):].strip()) if line.startswith("gitdir:") else ""
    found = [os.path.join(top, ".gitignore")]
    if git_dir:
        found.append(os.path.join(git_dir, "info", "exclude"))
        common = _read_small(os.path.join(git_dir, "commondir"))
        if common:
            found.append(os.path.join(git_dir, common, "info", "exclude"))
    return found


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
        self._env: dict[str, str] | None = None

    def ignored(self, real: str, is_dir: bool = False) -> bool:
        top = self._top(real if is_dir else os.path.dirname(real))
        if top is None:
            return False
        if real == top:  # a repository's top, met walking its parent: as the parent's git says
            parent = os.path.dirname(top)
            outer = self._top(parent) if parent != top else None
            return outer is not None and self._ignored_in(outer, real, True)
        return self._ignored_in(top, real, is_dir)

    def _ignored_in(self, top: str, real: str, is_dir: bool) -> bool:
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
        odd = next((f for f in _ignore_files(top) if _not_regular(f)), None)
        if odd is not None:
            self._warn(f"{odd} is not a regular file (git would wait on it): .gitignore is not "
                       f"applied in {top}; replace it with a regular file")
            return empty
        if self._env is None:
            self._env = git_environment(self._git)
        try:
            proc = subprocess.run(
                [self._git, *_SAFE, "-C", top, "ls-files", "-z", "--others", "--ignored",
                 "--exclude-standard", "--directory"],
                stdin=subprocess.DEVNULL, capture_output=True, timeout=GIT_TIMEOUT, env=self._env)
        except subprocess.TimeoutExpired:
            self._warn(f"git did not answer within {GIT_TIMEOUT} s which files {top} ignores (a "
                       ".gitignore that is a FIFO?): .gitignore is not applied there")
            return empty
        except OSError as exc:
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
