"""Paths given on the command line -> the article files to lint, in a deterministic order."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Callable, Iterator

from .config import ConfigResolver, Settings
from .gitignore import GitIgnored


def discover(paths: list[str], resolver: ConfigResolver,
             on_error: Callable[[str, str], None] | None = None,
             seen: set[str] | None = None,
             on_warning: Callable[[str], None] | None = None) -> Iterator[str]:
    """Yield ``*.md`` files under ``paths`` (recursively, sorted, excludes applied), as
    normalised path strings (``str(Path(...))``: a Path object per file would cost several
    times the time and memory, and 100,000 of them show). A path given
    explicitly is linted even if it does not end in ``.md`` (pre-commit passes files by name),
    unless it is excluded; so is a folder given explicitly through a symlink. A path that does
    not exist is passed to ``on_error``.

    Symlinks met while walking (to files or folders) are skipped, unless ``follow-symlinks`` is
    on for them (``--follow-symlinks``); then they are followed only when their target lies
    inside one of the folders given (never out of them), each target once (no loops, no
    duplicates). Every file is yielded once, whatever the names it is reached by. ``seen``, if
    given, is filled with the real path of every file yielded.

    Files and folders git ignores are skipped while walking (``respect-gitignore``, on by
    default; gitignore.py). A file named explicitly is linted even when excluded or ignored,
    unless ``force-exclude`` is on (as ruff: pre-commit names every staged file)."""
    seen = seen if seen is not None else set()
    on_error = on_error or (lambda path, why: None)
    ignored = GitIgnored(on_warning)
    roots = [os.path.realpath(raw) for raw in paths if os.path.isdir(raw)]
    for raw in paths:
        p = Path(raw)
        try:
            os.lstat(p)
            folder = p.is_dir() and not raw.endswith(".md")  # one given by a symlink too
            excluded = not folder and force_excluded(p, resolver.for_path(p), ignored)
        except (OSError, ValueError) as exc:
            on_error(raw, _why(exc, "no such file or directory"))
            continue
        if folder:
            yield from _walk(p, resolver, seen, roots, {os.path.realpath(p)}, on_error, ignored)
        elif not excluded:
            key = _key(p)
            if key not in seen:
                seen.add(key)
                yield str(p)


def force_excluded(path: Path, settings: Settings, ignored: GitIgnored) -> bool:
    """Whether a file named explicitly (or standard input's ``--stdin-filename``) is left
    out: only with ``force-exclude``."""
    if not settings.force_exclude:
        return False
    return settings.is_excluded(path) or (settings.respect_gitignore
                                          and ignored.ignored(os.path.realpath(path)))


def _why(exc: Exception, missing: str = "cannot be reached") -> str:
    if isinstance(exc, FileNotFoundError):
        return missing
    reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
    return f"{reason}; skipped (exclude it in the configuration if it holds no articles)"


def _key(path: Path) -> str:
    """One key per file, whatever the names (``./a.md``, ``link.md``) it is reached by."""
    return os.path.realpath(path)


def _inside(real: str, roots: list[str]) -> bool:
    return any(real == r or real.startswith(r.rstrip(os.sep) + os.sep) for r in roots)


def _walk(root: Path, resolver: ConfigResolver, seen: set[str], roots: list[str],
          walked: set[str], on_error: Callable[[str, str], None],
          ignored: GitIgnored) -> Iterator[str]:
    """The articles under ``root``; a folder that cannot be read (permissions, a path longer than
    the system allows) is passed to ``on_error``, and the walk goes on."""
    try:
        settings = resolver.for_path(root / "x")
        root_excluded = settings.is_excluded(root)
        if root_excluded and root != Path("."):
            return
        entries = sorted(os.scandir(root), key=lambda e: e.name)
    except (OSError, ValueError) as exc:
        on_error(str(root), _why(exc))
        return
    real_root = os.path.realpath(root)
    folder = settings.relative(root)
    gitignore = settings.respect_gitignore
    prefix = "" if str(root) == "." else os.path.join(str(root), "")  # str(root / name) is prefix + name
    for entry in entries:
        try:
            link = entry.is_symlink()
            sub = _subfolder(root / entry.name, link, entry, resolver, roots, walked)
        except OSError as exc:
            if not isinstance(exc, FileNotFoundError):  # not merely gone meanwhile
                on_error(prefix + entry.name, _why(exc))
            continue
        if sub is not None:
            if sub and not (gitignore and ignored.ignored(os.path.realpath(root / entry.name), True)):
                yield from _walk(root / entry.name, resolver, seen, roots, walked, on_error, ignored)
            continue
        if entry.name.endswith(".md") and not entry.name.startswith("."):
            # the folder's settings are the file's; when the folder passes, only the name is new
            if (settings.is_excluded(prefix + entry.name) if root_excluded
                    else settings.is_excluded_in(folder, entry.name)):
                continue
            # not a symlink: its real path is its folder's real path and its name
            key = _key(root / entry.name) if link else os.path.join(real_root, entry.name)
            if gitignore and ignored.ignored(os.path.join(real_root, entry.name)):
                continue
            if key not in seen:
                seen.add(key)
                yield prefix + entry.name


def _subfolder(path: Path, link: bool, entry: os.DirEntry, resolver: ConfigResolver,
               roots: list[str], walked: set[str]) -> bool | None:
    """For a folder (or a symlink to one, or a symlink not followed): True to walk it, False to
    leave it. None for a file to consider (a dangling or looping link is reported when read)."""
    if link:
        if not resolver.for_path(path).follow_symlinks:
            return False  # not followed: the target, if it is an article here, is linted by its name
        real = os.path.realpath(path)
        if not _inside(real, roots):
            return False  # never out of the folders given
        if not os.path.isdir(real):
            return None
    elif entry.is_dir(follow_symlinks=False):
        real = os.path.realpath(path)
    else:
        return None
    if real in walked:
        return False
    try:
        if resolver.for_path(path / "x").is_excluded(path):
            return False
    except OSError:
        pass  # walked: the walk says why it cannot be read
    walked.add(real)
    return True
