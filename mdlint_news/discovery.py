"""Paths given on the command line -> the article files to lint, in a deterministic order."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Callable, Iterator

from .config import ConfigResolver


def discover(paths: list[str], resolver: ConfigResolver,
             on_error: Callable[[str, str], None] | None = None,
             seen: set[str] | None = None) -> Iterator[str]:
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
    given, is filled with the real path of every file yielded."""
    seen = seen if seen is not None else set()
    roots = [os.path.realpath(raw) for raw in paths if os.path.isdir(raw)]
    for raw in paths:
        p = Path(raw)
        if not os.path.lexists(p):
            if on_error:
                on_error(raw, "no such file or directory")
            continue
        if p.is_dir() and not raw.endswith(".md"):  # a folder given by a symlink is walked too
            yield from _walk(p, resolver, seen, roots, {os.path.realpath(p)})
        elif not resolver.for_path(p).is_excluded(p):
            key = _key(p)
            if key not in seen:
                seen.add(key)
                yield str(p)


def _key(path: Path) -> str:
    """One key per file, whatever the names (``./a.md``, ``link.md``) it is reached by."""
    return os.path.realpath(path)


def _inside(real: str, roots: list[str]) -> bool:
    return any(real == r or real.startswith(r.rstrip(os.sep) + os.sep) for r in roots)


def _walk(root: Path, resolver: ConfigResolver, seen: set[str], roots: list[str],
          walked: set[str]) -> Iterator[str]:
    settings = resolver.for_path(root / "x")
    root_excluded = settings.is_excluded(root)
    if root_excluded and root != Path("."):
        return
    try:
        entries = sorted(os.scandir(root), key=lambda e: e.name)
    except OSError:
        return
    real_root = os.path.realpath(root)
    folder = settings.relative(root)
    prefix = "" if str(root) == "." else os.path.join(str(root), "")  # str(root / name) is prefix + name
    for entry in entries:
        try:
            link = entry.is_symlink()
        except OSError:
            continue
        if link:
            path = root / entry.name
            if not resolver.for_path(path).follow_symlinks:
                continue  # not followed: the target, if it is an article here, is linted by its name
            real = os.path.realpath(path)
            if not _inside(real, roots):
                continue  # never out of the folders given
            if os.path.isdir(real):
                if real in walked or resolver.for_path(path / "x").is_excluded(path):
                    continue
                walked.add(real)
                yield from _walk(path, resolver, seen, roots, walked)
                continue
            # a file, or a dangling or looping link (reported when read)
        elif entry.is_dir(follow_symlinks=False):
            path = root / entry.name
            real = os.path.realpath(path)
            if real in walked or resolver.for_path(path / "x").is_excluded(path):
                continue
            walked.add(real)
            yield from _walk(path, resolver, seen, roots, walked)
            continue
        if entry.name.endswith(".md") and not entry.name.startswith("."):
            # the folder's settings are the file's; when the folder passes, only the name is new
            if (settings.is_excluded(prefix + entry.name) if root_excluded
                    else settings.is_excluded_in(folder, entry.name)):
                continue
            # not a symlink: its real path is its folder's real path and its name
            key = _key(path) if link else os.path.join(real_root, entry.name)
            if key not in seen:
                seen.add(key)
                yield prefix + entry.name
