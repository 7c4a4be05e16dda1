"""Editors and terminals: whether to colour (``--color``, ``NO_COLOR``, ``FORCE_COLOR``) and
text read from standard input (``--stdin-filename NAME -``)."""

from __future__ import annotations

import os
import sys

COLOR_CHOICES = ("auto", "always", "never")


def color_enabled(choice: str, stream) -> bool:
    """``--color`` first (always/never); with ``auto``: ``NO_COLOR`` (any non-empty value)
    turns colour off, then ``FORCE_COLOR`` (any non-empty value) on, else colour only when the
    stream is a terminal (https://no-color.org, https://force-color.org)."""
    if choice != "auto":
        return choice == "always"
    if os.environ.get("NO_COLOR"):
        return False
    if os.environ.get("FORCE_COLOR"):
        return True
    isatty = getattr(stream, "isatty", None)
    try:
        return bool(isatty and isatty())
    except ValueError:  # closed
        return False


def read_stdin(limit: int) -> bytes:
    """Standard input's bytes, at most ``limit + 1`` of them (one more than the limit says it
    is over the limit without reading the rest)."""
    stream = sys.stdin.buffer if sys.stdin is not None else None
    if stream is None:
        return b""
    chunks, size = [], 0
    while size <= limit:
        chunk = stream.read(min(1 << 20, limit + 1 - size))
        if not chunk:
            break
        chunks.append(chunk)
        size += len(chunk)
    return b"".join(chunks)


STDIN = "-"


def stdin_usage(args) -> str | None:
    """What is wrong with how standard input was asked for (``-`` among other paths, or
    ``--stdin-filename`` with paths), else None."""
    paths = args.paths or []
    if STDIN in paths and len(paths) > 1:
        return "'-' (standard input) cannot be given with other paths: lint them in another run"
    if args.stdin_filename is not None and paths not in ([], [STDIN]):
        return ("--stdin-filename names the text read from standard input: give no PATH, or "
                "'-' (a file named '-' is './-')")
    if reads_stdin(args) and args.update_baseline:
        return ("--update-baseline is not supported with standard input: record the baseline "
                "from the files (news-lint --update-baseline PATH)")
    return None


def reads_stdin(args) -> bool:
    return args.stdin_filename is not None or (args.paths or []) == [STDIN]


def stdin_excluded(args, settings) -> bool:
    """Whether ``--force-exclude`` leaves out the text named ``--stdin-filename`` (an
    ``exclude`` pattern, or .gitignore, matches the name), as it would a file of that name."""
    from pathlib import Path

    from .discovery import force_excluded
    from .gitignore import GitIgnored

    name = args.stdin_filename
    return bool(name) and force_excluded(Path(name), settings, GitIgnored())


def lint_stdin(args, settings, opts):
    """Lint (with ``--fix``/``--diff``: fix in memory) standard input as ``--stdin-filename``
    (or as ``-``, for whose rules no file name is known); the result and the bytes ``--fix``
    gives."""
    from .runner import process_bytes

    name = args.stdin_filename
    data = read_stdin(settings.file.max_file_size)
    result, fixed = process_bytes(data, settings, name or "", fix=opts.fix, diff=opts.diff,
                                  unsafe=opts.unsafe)
    if not name:  # linted without a file name (the file-name rules need one); shown as "-"
        result.path = STDIN
        for d in (*result.diagnostics, *result.fixed):
            d.path = STDIN
        if result.diff.startswith("--- \n+++ \n"):
            result.diff = f"--- {STDIN}\n+++ {STDIN}\n" + result.diff.split("\n", 2)[2]
    return result, fixed


def pass_rest_through() -> None:
    """Copy what is left of standard input to standard output: text over ``max-file-size`` is
    not read, but ``--fix`` still gives back all of it (an editor replaces its buffer with
    what comes out)."""
    import shutil

    if sys.stdin is not None:
        shutil.copyfileobj(sys.stdin.buffer, sys.stdout.buffer, 1 << 20)
