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
