"""Problems with the file itself or with news-lint's run on it (NL0xx, NL9xx).

These are reported by the runner (``origin=Origin.RUN``), each for the event it ``reports``, not by
a check over the document; their checks only document them.
"""

from __future__ import annotations

from .base import ERROR, SAFE, WARNING, Context, Origin, RunEvent, rule


@rule("NL001", "unreadable-file", ERROR, origin=Origin.RUN, reports=RunEvent.UNREADABLE,
      cacheable=False)
def unreadable_file(ctx: Context):
    """The file cannot be read as a text article.

    **What it does.** Reports a file that cannot be opened or read (permissions, vanished between
    discovery and reading, a directory named `*.md`), a binary file (NUL bytes), a file over the
    size limit (`max-file-size`, default 5 MB) or one that is not valid UTF-8. The run goes on
    with the other files.

    **Fix.** None.
    """
    return ()


@rule("NL901", "internal-error", ERROR, origin=Origin.RUN, reports=RunEvent.CRASH, cacheable=False,
      suppressible=False)
def internal_error(ctx: Context):
    """news-lint failed on this file, or refused to write a fix that failed its safety checks.

    **What it does.** Reports an exception raised while linting a file (a bug: please report it
    with the file), a fix loop that did not settle, or a fix whose result no longer parses or has
    new problems; in those cases the file is left untouched.

    **Fix.** None.
    """
    return ()


@rule("NL902", "unused-suppression", WARNING, fix=SAFE, origin=Origin.RUN,
      reports=RunEvent.UNUSED_SUPPRESSION, suppressible=False)
def unused_suppression(ctx: Context):
    """A suppression comment that suppresses nothing, or names an unknown rule.

    **What it does.** Suppressions silence rules where a finding is known and accepted:

    - front matter, a YAML comment on its own line: `# news-lint: disable=rule-a,NL302` (the
      whole file); at the end of a key's line: `slug: x  # news-lint: disable=slug-mismatch`
      (that key and its value);
    - body: `<!-- news-lint-disable rule-a -->` … `<!-- news-lint-enable rule-a -->` (the lines
      between) and `<!-- news-lint-disable-next-line rule-a -->`.

    Rules are named by code, prefix or name; none named means every rule. A suppression that
    suppressed no diagnostic in this run is reported (only when a rule it names is enabled).

    **Why.** Stale suppressions pile up and later hide real problems.

    **Fix (safe).** Removes the comment (its whole line when it stands alone).
    """
    return ()
