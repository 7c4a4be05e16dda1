"""The article footer: separator, link to the original, source line, final newline (NL82x).

The footer is configured in the profile (`body.footer`) and found by the fixed text of its lines
(`[Číst původní článek](`, `**Zdroj:**`); see ``body.body_view``.
"""

from __future__ import annotations

from ..body import body_view, render
from ..diagnostics import Edit, Fix, Priority
from .base import ERROR, SAFE, UNSAFE, Context, Problem, rule
from .encoding import may_have_mojibake
from .rendered import footer_hidden, source_line


def _blank_before(before: str) -> bool:
    """``before`` (text up to a line start) is empty or ends with a blank line."""
    if not before.endswith("\n"):
        return not before.strip()
    last = before[before.rfind("\n", 0, len(before) - 1) + 1:]
    return not last.strip() or not before.strip()


def _expected(ctx: Context, template: str) -> str | None:
    """The footer line rendered from the front matter; None without one, or when it holds
    damage (mojibake, or U+FFFD): a fix never copies a damaged field into the body (the encoding
    rules report the field, and the footer is judged again once it is repaired; copied, the
    repair read the footer again and the two fixes undid each other, or the fixed file had one
    more replacement character and the fix was refused as a regression)."""
    if not isinstance(ctx.data, dict):
        return None
    text = render(template, ctx.data)
    if text is None or _damaged(ctx, text):
        return None
    return text


def _damaged(ctx: Context, text: str) -> bool:
    """``text`` holds mojibake or U+FFFD."""
    if "\ufffd" in text:
        return True
    if may_have_mojibake(ctx):  # (else the mojibake module is not loaded: a clean file's fast path)
        from ..mojibake import find_mojibake, quick_screen

        return quick_screen(text) and bool(find_mojibake(text, None))
    return False


def _mismatch(ctx: Context, which: str):
    """For the footer's ``link`` or ``source`` line: ((start, end), its text, the expected
    text rendered from the front matter) when they differ, else None."""
    view = body_view(ctx)
    footer = view.rules.settings.footer
    found = source_line(ctx) if which == "source" else view.link
    if not view.modern or footer is None or found is None:
        return None
    expected = _expected(ctx, getattr(footer, which))
    line = found.text(ctx.text)
    # a damaged footer line is the encoding repair's (its copy of the emoji and name is evidence
    # for the fields' repair): judged again once repaired, never rewritten over the damage
    if expected is None or line.rstrip() == expected or _damaged(ctx, line):
        return None
    return (found.start, found.end), line, expected


@rule("NL821", "footer-missing", ERROR, fix=UNSAFE)
def footer_missing(ctx: Context):
    """The footer (or one of its two lines) is missing.

    **What it does.** Every modern-layout article ends with
    ```markdown
    ---

    [Číst původní článek](URL)

    **Zdroj:** EMOJI NAME
    ```
    (the `---` only from `body.since` on). Reports an article with neither line, or with only
    one of them.

    **Why.** The footer is the attribution: the link to the original article and the name of the
    source. Publishing without it misattributes the text.

    **Example.** An article whose body ends after `## Proč je to důležité` and its paragraph.

    **Fix (unsafe).** Appends the footer (or inserts the missing line) rendered from the front
    matter (`url`, `source.emoji`, `source.name`). Unsafe because a footer written in some other
    form may exist that news-lint did not recognise.

    **Options.** `body.footer.separator`, `body.footer.link`, `body.footer.source` (profile).
    """
    view = body_view(ctx)
    footer = view.rules.settings.footer
    found = source_line(ctx)  # a malformed source line is the footer's (`footer-source`)
    if not view.modern or footer is None or (view.link is not None and found is not None):
        return
    text = ctx.text
    link = _expected(ctx, footer.link)
    source = _expected(ctx, footer.source)
    if view.link is None and found is None:
        tail = len(text.rstrip())
        if view.separator is not None:  # a separator without the rest: complete it
            start = view.separator.end
            content = f"\n\n{link}\n\n{source}\n"
        else:
            start = max(tail, view.content_start)
            sep = f"{footer.separator}\n\n" if footer.separator and view.structured else ""
            lead = "\n" if start == view.content_start else "\n\n"
            content = f"{lead}{sep}{link}\n\n{source}\n"
        fix = None
        if link is not None and source is not None:
            fix = Fix.replace(start, len(text), content, "append the footer from the front matter", UNSAFE)
        at = min(tail, len(text))
        yield Problem(at, at, f"no footer: the article must end with '{view.rules.link_prefix}…' "
                      f"and '{view.rules.source_prefix} …' lines", fix)
    elif view.link is None:
        s = found.start
        fix = Fix.replace(s, s, f"{link}\n\n", "insert the link line", UNSAFE) if link else None
        yield Problem(s, found.end, f"the footer has no '{view.rules.link_prefix}…' line "
                      "before the source line", fix)
    else:
        e = view.link.end
        fix = Fix.replace(e, e, f"\n\n{source}", "insert the source line", UNSAFE) if source else None
        yield Problem(view.link.start, e, f"the footer has no '{view.rules.source_prefix} …' line "
                      "after the link", fix)


@rule("NL822", "footer-link", ERROR, fix=SAFE)
def footer_link(ctx: Context):
    """The footer's link is not `[Číst původní článek](url)` with the article's `url`.

    **What it does.** Renders `body.footer.link` from the front matter and compares it with the
    footer's link line.

    **Why.** The link is the attribution; after a `url` correction in the front matter the
    footer is easily forgotten.

    **Example.** `url: https://example.com/a` with a footer linking `https://example.com/b`.

    **Fix (safe).** Rewrites the link line from the front matter.

    **Options.** `body.footer.link` (profile).
    """
    found = _mismatch(ctx, "link")
    if found is None:
        return
    (s, e), line, expected = found
    target_start = line.find("](")
    if target_start != -1:
        rs = s + target_start + 2
        close = line.rfind(")")
        re_ = s + close if close > target_start else e
    else:
        rs, re_ = s, e
    yield Problem(rs, re_, f"footer link '{line}' does not match the front matter; expected "
                  f"'{expected}'", Fix.replace(s, e, expected, "rewrite the link from `url`", SAFE,
                                                 Priority.DERIVED))


@rule("NL823", "footer-source", ERROR, fix=SAFE)
def footer_source(ctx: Context):
    """The footer's source line is not `**Zdroj:** EMOJI NAME` from `source.emoji` / `source.name`.

    **What it does.** Renders `body.footer.source` from the front matter and compares it with
    the footer's source line. A near miss of the line's prefix ending the article (`**Zdroj**:`,
    `Zdroj:`, `*Zdroj:*`, `> **Zdroj:**`) is the source line, reported here and rewritten in place
    (not a missing source line and text after the footer).

    **Why.** Readers see the source only there; a source edited in the front matter must show.

    **Example.** `source: {emoji: 📰, name: The Verge}` with `**Zdroj:** 📰 Verge`, or with
    `**Zdroj**: 📰 The Verge`.

    **Fix (safe).** Rewrites the source line from the front matter.

    **Options.** `body.footer.source` (profile).
    """
    found = _mismatch(ctx, "source")
    if found is None:
        return
    (s, e), line, expected = found
    yield Problem(s, e, f"footer source '{line}' does not match the front matter; expected "
                  f"'{expected}'", Fix.replace(s, e, expected, "rewrite the source line", SAFE,
                                                 Priority.DERIVED))


@rule("NL824", "footer-separator", ERROR, fix=SAFE)
def footer_separator(ctx: Context):
    """The footer is not preceded by a `---` line (with blank lines around it).

    **What it does.** From `body.since` on, the footer starts with `body.footer.separator`
    (`---`), with a blank line before it. Older articles (a description followed directly by the
    link) are not checked.

    **Why.** The separator sets the attribution apart from the article text. Without the blank
    line before it, Markdown reads `---` as the underline of a heading and turns the last
    paragraph into a heading.

    **Example.**
    ```markdown
    Poslední odstavec.
    [Číst původní článek](https://example.com/a)
    ```

    **Fix (safe).** Inserts the separator (or the blank line before it); nothing else changes.

    **Options.** `body.footer.separator`, `body.since` (profile).
    """
    view = body_view(ctx)
    footer = view.rules.settings.footer
    start = view.footer_start
    if not view.structured or footer is None or not footer.separator or start is None:
        return
    if footer_hidden(ctx):  # hidden-content reports the comment or block around it
        return
    text = ctx.text
    if view.separator is None:
        blank_before = _blank_before(text[view.content_start:start])
        content = ("" if blank_before else "\n") + f"{footer.separator}\n\n"
        line = text[start:text.find("\n", start) if "\n" in text[start:] else len(text)].rstrip("\r")
        yield Problem(start, start + len(line), f"no '{footer.separator}' line before the footer",
                      Fix.replace(start, start, content, f"insert '{footer.separator}' before the footer"))
        return
    sep = view.separator
    if sep.start > view.content_start:
        prev_blank = _blank_before(text[view.content_start:sep.start])
        if not prev_blank:
            yield Problem(sep.start, sep.end, f"no blank line before the footer's '{footer.separator}': "
                          "Markdown reads the line above as a heading",
                          Fix((Edit(sep.start, sep.start, "\n"),), SAFE, "insert a blank line"))


@rule("NL825", "final-newline", ERROR, fix=SAFE)
def final_newline(ctx: Context):
    """The article does not end with exactly one line break.

    **What it does.** Reports a missing final line break and blank lines at the end of the file.

    **Why.** Tools that append, diff or concatenate articles expect one final newline; the
    generator writes exactly one.

    **Example.** `**Zdroj:** 📰 The Verge` as the last bytes of the file, or followed by `\\n\\n`.

    **Fix (safe).** Adds the line break, or removes the extra blank lines (in the file's line
    ending style).

    **Options.** None; applies to every modern-layout article.
    """
    view = body_view(ctx)
    if not view.modern:
        return
    text = ctx.text
    k = len(text.rstrip())
    tail = text[k:]
    breaks = tail.count("\n") + tail.replace("\r\n", "").count("\r")
    if breaks == 1 and tail.endswith("\n"):
        return
    if breaks == 0:
        yield Problem(len(text), len(text), "no line break at the end of the file",
                      Fix.replace(len(text), len(text), "\n", "add a final line break"))
        return
    first = k + min(i for i in (tail.find("\n"), tail.find("\r")) if i != -1)
    what = (f"{breaks - 1} blank line{'s' if breaks > 2 else ''} at the end of the file" if breaks > 1
            else "spaces after the final line break")
    yield Problem(first, len(text), what, Fix.replace(first, len(text), "\n", "keep one final line break"))
