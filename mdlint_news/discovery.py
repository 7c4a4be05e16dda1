"""Paths given on the command line -> the article files to lint, in a deterministic order."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Callable, Iterator

from .config import ConfigResolver


def discover(paths: list[str], resolver: ConfigResolver,
             on_error: Callable[[str, str], None] | None = None) -> Iterator[Path]:
    """Yield ``*.md`` files under ``paths`` (recursively, sorted, excludes applied). A path given
    explicitly is linted even if it does not end in ``.md`` (pre-commit passes files by name),
    unless it is excluded. Symlinked folders met while walking are not followed (one given
    explicitly is walked); a path that does not exist is passed to ``on_error``."""
    seen: set[str] = set()
    for raw in paths:
        p = Path(raw)
        if not os.path.lexists(p):
            if on_error:
                on_error(raw, "no such file or directory")
            continue
        if p.is_dir() and not raw.endswith(".md"):  # a folder given by a symlink is walked too
            yield from _walk(p, resolver, seen)
        elif not resolver.for_path(p).is_excluded(p):
            key = os.path.abspath(p)
            if key not in seen:
                seen.add(key)
                yield p


def _walk(root: Path, resolver: ConfigResolver, seen: set[str]) -> Iterator[Path]:
    settings = resolver.for_path(root / "x")
    if settings.is_excluded(root) and root != Path("."):
        return
    try:
        entries = sorted(os.scandir(root), key=lambda e: e.name)
    except OSError:
        return
    for entry in entries:
        path = Path(entry.path)
        if entry.is_dir(follow_symlinks=False):
            if not resolver.for_path(path / "x").is_excluded(path):
                yield from _walk(path, resolver, seen)
        elif entry.name.endswith(".md") and not entry.name.startswith("."):
            if resolver.for_path(path).is_excluded(path):
                continue
            key = os.path.abspath(path)
            if key not in seen:
                seen.add(key)
                yield path
