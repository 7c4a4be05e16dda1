"""Problems with the file itself or with news-lint's run on it (NL0xx, NL9xx).

These are reported by the runner, not by a check over the document; they are registered here so
that they have codes, names and documentation like every other rule.
"""

from __future__ import annotations

from .base import ERROR, Context, rule


@rule("NL001", "unreadable-file", ERROR)
def unreadable_file(ctx: Context):
    """The file cannot be read as a text article.

    **What it does.** Reports a file that cannot be opened or read (permissions, vanished between
    discovery and reading, a directory named `*.md`), a binary file (NUL bytes), a file over the
    size limit (`max-file-size`, default 5 MB) or one that is not valid UTF-8. The run goes on
    with the other files.

    **Fix.** None.
    """
    return ()


@rule("NL901", "internal-error", ERROR)
def internal_error(ctx: Context):
    """news-lint failed on this file, or refused to write a fix that failed its safety checks.

    **What it does.** Reports an exception raised while linting a file (a bug: please report it
    with the file), a fix loop that did not settle, or a fix whose result no longer parses or has
    new problems; in those cases the file is left untouched.

    **Fix.** None.
    """
    return ()
