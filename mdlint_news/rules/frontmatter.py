"""Front matter and YAML: the block exists, parses, and says what it seems to say (NL1xx)."""

from __future__ import annotations

import re

from ..diagnostics import Edit, Fix
from ..document import IssueKind
from ..schema import expects_string
from ..yamlemit import emit
from .base import ERROR, SAFE, UNSAFE, Context, Problem, rule


@rule("NL101", "frontmatter-missing", ERROR, reports=IssueKind.MISSING, excludes=("NL101", "NL102", "NL103"))
def frontmatter_missing(ctx: Context):
    """The file does not start with a YAML front-matter block.

    **What it does.** Reports a file whose first line is not `---`.

    **Why.** Every article carries its metadata (title, dates, source) in front matter; without
    it the site cannot render the page.

    **Example.** A file that starts with `# Title` instead of `---`.

    **Fix.** None: the metadata has to be written.
    """
    for issue in ctx.issues(IssueKind.MISSING):
        yield Problem(issue.start, issue.end, issue.message)


@rule("NL102", "frontmatter-format", ERROR, reports=IssueKind.FORMAT, excludes=("NL101", "NL102", "NL103"))
def frontmatter_format(ctx: Context):
    """Front matter in a format other than YAML (TOML `+++`, JSON `{`).

    **What it does.** Detects the block's format with python-frontmatter's handlers and reports
    formats news-lint does not check yet.

    **Why.** The site's generator reads YAML only.

    **Fix.** None.
    """
    for issue in ctx.issues(IssueKind.FORMAT):
        yield Problem(issue.start, issue.end, issue.message)


@rule("NL103", "yaml-syntax", ERROR, reports=IssueKind.SYNTAX, excludes=("NL101", "NL102", "NL103"))
def yaml_syntax(ctx: Context):
    """The front matter is not valid YAML (or not closed, or holds git merge-conflict markers).

    **What it does.** Reports the first syntax error at the line and column where the YAML
    parser stopped; an unterminated block; an unsupported tag such as `!!python/object`; nesting
    deeper than 32 levels. Git merge-conflict markers (`<<<<<<<`, `=======`, `>>>>>>>`) get a
    message of their own.

    **Why.** A file that does not parse loses all of its metadata on the site.

    **Example.**
    ```yaml
    title: "Unclosed
    ```

    **Fix.** None: resolve the conflict or correct the YAML by hand.
    """
    for issue in ctx.issues(IssueKind.SYNTAX):
        yield Problem(issue.start, issue.end, issue.message)


_CONFLICT = re.compile(r"^(<{7}|={7}|>{7})(?: .*)?\r?$", re.MULTILINE)


@rule("NL104", "merge-conflict", ERROR)
def merge_conflict(ctx: Context):
    """A git merge-conflict marker in the article body.

    **What it does.** Reports every `<<<<<<<`, `=======` and `>>>>>>>` line after the front
    matter (markers inside the front matter are reported by `yaml-syntax`).

    **Why.** Both sides of the conflict end up published, markers included.

    **Fix.** None: choose one side by hand.
    """
    text = ctx.text
    if "<<<<<<<" not in text and "=======" not in text and ">>>>>>>" not in text:
        return
    for m in _CONFLICT.finditer(text, ctx.doc.body_start):
        yield Problem(m.start(), m.end() - (1 if m.group().endswith("\r") else 0),
                      f"merge-conflict marker '{m.group(1)}': resolve the conflict and keep one side")


@rule("NL105", "duplicate-key", ERROR, fix=UNSAFE, reports=IssueKind.DUPLICATE_KEY)
def duplicate_key(ctx: Context):
    """The same key appears twice in one mapping.

    **What it does.** Reports the second (and any later) occurrence of a key.

    **Why.** PyYAML silently keeps the last value and drops the first: whatever was written
    first is lost without a word.

    **Example.**
    ```yaml
    title: První verze
    title: Druhá verze
    ```

    **Fix (unsafe).** Deletes the earlier entry, keeping the value the site shows today. Unsafe,
    because the earlier value may be the right one.
    """
    for issue in ctx.issues(IssueKind.DUPLICATE_KEY):
        path, first = issue.data["path"], issue.data["first"]
        where = ".".join(map(str, path))
        start = ctx.text.rfind("\n", 0, first.start) + 1
        entry_end = _entry_end(ctx, path, first)
        fix = None
        if entry_end is not None:
            fix = Fix((Edit(start, entry_end),), UNSAFE,
                      f"delete the earlier '{where}' (line {ctx.line_of(first.start)})")
        yield Problem(issue.start, issue.end,
                      f"duplicate key '{where}': YAML keeps only this one and drops the value on "
                      f"line {ctx.line_of(first.start)}", fix)


def _entry_end(ctx: Context, path, first_key):
    """End (after its line break) of the entry whose key starts at ``first_key``: the start of the
    next non-blank line indented at or left of the key (a block sequence written at the key's own
    indentation, as PyYAML does, still belongs to it), or the closing delimiter."""
    text = ctx.text
    col = first_key.start - (text.rfind("\n", 0, first_key.start) + 1)
    limit = ctx.doc.close_span.start if ctx.doc.close_span else len(text)
    nl = text.find("\n", first_key.start)
    while nl != -1 and nl + 1 < limit:
        start = nl + 1
        nl = text.find("\n", start)
        line = text[start:nl if nl != -1 else limit]
        body = line.lstrip(" ")
        indent = len(line) - len(body)
        if body.strip() and indent <= col and not (indent == col and body.startswith("- ")):
            return start
    return limit


@rule("NL106", "yaml-alias", ERROR, reports=IssueKind.ALIAS)
def yaml_alias(ctx: Context):
    """A YAML anchor (`&name`) or alias (`*name`) in the front matter.

    **What it does.** Refuses anchors and aliases outright, found from the event stream before
    anything is built.

    **Why.** Aliases make "billion laughs" bombs possible (a few lines that expand to gigabytes)
    and no article needs them.

    **Fix.** None: write the value out.
    """
    for issue in ctx.issues(IssueKind.ALIAS):
        yield Problem(issue.start, issue.end, issue.message)


_TYPE_NAMES = {"bool": "a boolean", "int": "an integer", "float": "a number",
               "timestamp": "a date/time", "null": "null"}


@rule("NL107", "yaml-implicit-type", ERROR, fix=SAFE, reports=IssueKind.IMPLICIT_TYPE)
def yaml_implicit_type(ctx: Context):
    """An unquoted value that YAML reads as a boolean, number or date where the contract wants text.

    **What it does.** Reports a plain (unquoted) scalar resolved to bool, int, float or timestamp
    at a field whose type is a string.

    **Why.** YAML 1.1 turns `no` into `false`, `2025-11-25 15:18:30` into a datetime and `0123`
    into the integer 83: the text that was written is not the value the site receives.

    **Example.**
    ```yaml
    date: 2025-11-25 15:18:30      # a datetime, not the string the contract expects
    ```

    **Fix (safe).** Quotes the value exactly as written, the way the articles' dumper quotes it
    (`date: '2025-11-25 15:18:30'`).
    """
    layout = ctx.layout
    for issue in ctx.issues(IssueKind.IMPLICIT_TYPE):
        path = issue.data["path"]
        if not expects_string(layout, path):
            continue
        kind = _TYPE_NAMES.get(issue.data["tag"].rsplit(":", 1)[-1], issue.data["tag"])
        if kind == "null":
            continue
        raw = issue.data["raw"]
        # a list item is quoted like a value of its list's key (the quoting does not depend on it)
        keys = tuple(p for p in path if isinstance(p, str))
        fix = Fix.replace(issue.start, issue.end, emit(keys, raw), f"quote '{raw}'") if keys else None
        yield Problem(issue.start, issue.end,
                      f"'{'.'.join(map(str, path))}' is read as {kind}, not the text '{raw}': quote it",
                      fix)
