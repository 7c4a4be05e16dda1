"""The page as Markdown renders it: text after the footer, and sections or the footer that an
HTML comment hides or a raw HTML or code block swallows (NL826-NL827).

The blocks come from the CommonMark parse of the body (``rendering.hidden_blocks``); the footer
and the section names from ``body.body_view``.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass

from ..body import BodyView, Line, body_view, section_hit
from ..document import Heading
from ..rendering import CODE, COMMENT, Hidden, hidden_blocks, hidden_headings, shown_lines
from .base import ERROR, Context, Problem, rule


@dataclass
class Swallowed:
    """One block that does not render as Markdown, with what of the article it takes away."""

    block: Hidden
    sections: list[int]  # the required sections whose headings it hides, in order
    footer: bool  # a footer line is in it
    after_footer: bool  # it starts after the footer's first line


@dataclass
class Page:
    first: int  # the body's first line (1-based, in the file)
    blocks: list[Hidden]
    swallowed: list[Swallowed]


def page(ctx: Context) -> Page:
    """The article's hidden blocks and what each hides, computed once per file."""
    return ctx.once("_news_rendered_page", _page_of)


def _page_of(ctx: Context) -> Page:
    view = body_view(ctx)
    first = ctx.line_of(ctx.doc.body_start)
    if not view.modern:
        return Page(first, [], [])
    blocks = hidden_blocks(ctx.doc.body)
    footer = {ctx.line_of(x.start) - first for x in (view.link, view.source) if x is not None}
    shown = _shown_sections(ctx, view, blocks, first) if blocks and _required(view) else set()
    out = []
    for block in blocks:
        lines = range(block.start, block.end)
        sections = _sections(ctx, view, block, shown) if _required(view) else []
        out.append(Swallowed(block, sections, any(n in lines for n in footer),
                             bool(footer) and block.start > min(footer)))
    return Page(first, blocks, out)


def _shown_sections(ctx: Context, view: BodyView, blocks: list[Hidden], first: int) -> set[int]:
    """The sections with a heading outside every hidden block (an old copy of a section kept in
    a comment hides nothing)."""
    starts = [b.start for b in blocks]
    shown = set()
    for hit in view.hits:
        line = ctx.line_of(hit.heading.start) - first
        k = bisect_right(starts, line) - 1
        if hit.index is not None and (k < 0 or line >= blocks[k].end):
            shown.add(hit.index)
    return shown


def _required(view: BodyView) -> bool:
    """The article's sections are required (what `missing-section` checks)."""
    low = view.rules.settings.sections.min_importance
    return view.sectioned and view.importance is not None and view.importance >= low


def _sections(ctx: Context, view: BodyView, block: Hidden, shown: set[int]) -> list[int]:
    """The sections whose headings are in ``block`` and nowhere on the page, in order."""
    found = []
    for line, level, text in hidden_headings(block):
        start = ctx.lines.offset(page_line(ctx, line), 1)
        index = section_hit(Heading(level, text, start, start, start, start), view.rules).index
        if index is not None and index not in found and index not in shown:
            found.append(index)
    return found


def page_line(ctx: Context, body_line: int) -> int:
    """The file's 1-based line number of the body's 0-based line ``body_line``."""
    return ctx.line_of(ctx.doc.body_start) + body_line


def hidden_sections(ctx: Context) -> set[int]:
    """The required sections a block hides or swallows (`missing-section` leaves them to
    `hidden-content`)."""
    return {i for s in page(ctx).swallowed for i in s.sections}


def footer_hidden(ctx: Context) -> bool:
    """A footer line is in an HTML comment, a raw HTML block or a code block."""
    return any(s.footer for s in page(ctx).swallowed)


def _what(view: BodyView, s: Swallowed) -> str:
    """'the sections 'A', 'B' and the footer', 'the section 'A'', 'the footer' or ''."""
    parts = [f"'{view.rules.sections[i].spec.text}'" for i in s.sections]
    if parts:
        parts[0] = f"the section{'s' if len(parts) > 1 else ''} {parts[0]}"
    if s.footer:
        parts.append("the footer")
    return ", ".join(parts[:-1]) + " and " + parts[-1] if len(parts) > 1 else "".join(parts)


def _message(ctx: Context, view: BodyView, s: Swallowed) -> str | None:
    b = s.block
    what = _what(view, s)
    them = "them" if len(s.sections) + s.footer > 1 else "it"
    if not what:  # an unclosed comment before the footer still hides the text after its first line
        rest = b.content.split("\n", 1)[1] if "\n" in b.content else ""
        if b.kind != COMMENT or b.closed or s.after_footer or not rest.strip():
            return None
        what = f"the text that follows it (to line {page_line(ctx, b.end - 1)})"
    if b.kind == COMMENT:
        if not b.closed:
            return (f"this HTML comment is never closed: it hides {what} from the page; end it with "
                    "'-->' where the note ends, or delete the '<!--'")
        return f"this HTML comment hides {what} from the page; move {them} out of the comment"
    if b.kind == CODE:
        if not b.closed:
            return (f"this code block is never closed: {what} render{'s' if them == 'it' else ''} "
                    f"as code; close it with '{b.marker}' where the code ends")
        return f"this code block shows {what} as code; move {them} out of the block"
    how = "is never closed and" if not b.closed else "ends at a blank line and"
    return (f"this raw HTML block ('{b.marker}') {how} swallows {what}: the page shows raw HTML "
            f"there, not Markdown; end the HTML (its closing tag, then a blank line) before {them}")


@rule("NL827", "hidden-content", ERROR)
def hidden_content(ctx: Context):
    """A section or the footer does not show: an HTML comment, raw HTML or a code block hides it.

    **What it does.** Reads the body as CommonMark renders it (markdown-it). Reports, at its
    opening marker: an HTML comment (`<!--` at the start of a line) before the footer that is
    never closed, which hides everything after it; a closed comment that hides the heading of a
    required section (importance from `body.sections.min-importance` on; not when the section
    shows elsewhere, as when an old copy is kept in a comment) or a footer line; a fenced code
    block (never closed, or around the footer) that shows them as code; a raw HTML block
    (`<div>` without a blank line after it, an unclosed `<pre>`) that shows them as raw HTML
    instead of Markdown. The message names what is lost. The section and footer rules stay
    quiet about what this rule reports (no `missing-section` for a swallowed heading, no
    `footer-separator` for a hidden footer).

    **Why.** The text is all there in the file, so every other check passes, but readers see an
    article that stops early: an unclosed `<!--` (an editor's note, a half-deleted comment)
    takes the last sections and the attribution off the page.

    **Example.**
    ```markdown
    <!-- ověřit čísla
    ## Proč je to důležité
    ...
    **Zdroj:** 📰 Decrypt
    ```
    reported on the `<!--` line: it hides the section 'Proč je to důležité' and the footer.

    **Fix.** None: where the comment or the block was meant to end is for the editor to say.

    **Options.** `body.sections`, `body.footer` (profile): what is required.
    """
    view = body_view(ctx)
    for s in page(ctx).swallowed:
        message = _message(ctx, view, s)
        if message is None:
            continue
        at = ctx.lines.offset(page_line(ctx, s.block.start), 1) + s.block.column
        if s.block.start == 0:
            at = ctx.doc.body_start + s.block.column
        yield Problem(at, at + len(s.block.marker), message)


_TEXT = re.compile(r"\S")


def source_line(ctx: Context) -> Line | None:
    """The footer's source line: ``body_view``'s, or else the article's last line when it is a
    near miss of the source line's prefix (`**Zdroj**:`, `Zdroj:`, `*Zdroj:*`, `> **Zdroj:**`): a malformed source
    line is still the footer (`footer-source` rewrites it), not text after it."""
    return ctx.once("_news_footer_source", _source_of)


def _source_of(ctx: Context) -> Line | None:
    view = body_view(ctx)
    word = re.sub(r"[*_:\s]", "", view.rules.source_prefix)
    if view.source is not None or not view.modern or not word:
        return view.source
    text, lo = ctx.text, ctx.doc.body_start
    end = len(text.rstrip())
    start = max(text.rfind("\n", 0, end) + 1, lo)
    near = re.compile(rf"[ \t]{{0,3}}(?:>[ \t]*)?[*_]{{0,2}}{re.escape(word)}[*_]{{0,2}}:[*_]{{0,2}}[ \t]",
                      re.IGNORECASE)
    if end <= start or near.match(text, start, end) is None:
        return None
    return Line(start, end)


@rule("NL826", "text-after-footer", ERROR)
def text_after_footer(ctx: Context):
    """Text after the footer: the article does not end with the footer's `**Zdroj:**` line.

    **What it does.** The footer's last line (`**Zdroj:** EMOJI NAME`) ends the article; reports
    the first text after it that shows on the page, or a second copy of the footer (or of one of
    its lines) pasted after the first, at its first line. An HTML comment, a link reference
    definition (`[1]: https://…`) and the rest of a comment or code block the footer is in
    (`hidden-content` reports that) render nothing: they are not text after the footer. A
    malformed source line ending the article (`**Zdroj**: …`) is the footer's (`footer-source`).

    **Why.** Readers see it below the attribution, as if it were not part of the article: a
    second copy of a paragraph, a `Sdílet` line from a copied page, an editor's note left over.

    **Example.**
    ```markdown
    **Zdroj:** 📰 Decrypt

    Sdílet
    ```

    **Fix.** None: the text may belong above the footer or nowhere; removing an editor's text is
    not safe to do for them.

    **Options.** `body.footer` (profile).
    """
    view = body_view(ctx)
    lines = [x for x in (view.link, source_line(ctx)) if x is not None]
    if not view.modern or not lines:
        return
    last = max(lines, key=lambda x: x.end)
    text, p = ctx.text, page(ctx)
    copies = _footer_lines(ctx, view)
    if not text[last.end:].strip() and len(copies) <= 2:
        return  # nothing after the footer, one copy of it (the common case: no parse)
    shown = shown_lines(ctx.doc.body)
    pos = _first_copy_end(ctx, copies, shown) or last.end
    footer_line = ctx.line_of(pos) - p.first
    for b in p.blocks:  # the rest of a block the footer is in is hidden-content's
        if b.start <= footer_line:
            shown.difference_update(range(b.start, b.end))
    while (m := _TEXT.search(text, pos)) is not None:
        line = ctx.line_of(m.start())
        start, end = ctx.lines.line_span(line)
        if line - p.first in shown:
            again = start in copies or (view.separator is not None and start == view.separator.start)
            yield Problem(m.start(), end, "a second copy of the footer (the page shows the attribution "
                          "twice): delete it" if again else "text after the footer (it shows below the "
                          "attribution): move it above the footer or delete it")
            return
        pos = end


def _footer_lines(ctx: Context, view: BodyView) -> dict[int, str]:
    """The body's lines that start with the footer's link or source prefix: start -> which."""
    prefixes = {view.rules.link_prefix: "link", view.rules.source_prefix: "source"}
    pattern = "|".join(re.escape(x) for x in prefixes if x)
    if not pattern:
        return {}
    found = re.finditer(rf"^(?:{pattern})", ctx.text[ctx.doc.body_start:], re.MULTILINE)
    return {ctx.doc.body_start + m.start(): prefixes[m.group(0)] for m in found}


def _first_copy_end(ctx: Context, copies: dict[int, str], shown: set[int]) -> int | None:
    """Where the first footer on the page ends: its link and source lines shown one after the
    other (only blank lines between them), in either order; None if there is no such pair."""
    first = page(ctx).first
    starts = [x for x in copies if ctx.line_of(x) - first in shown]
    for a, b in zip(starts, starts[1:]):
        if copies[a] != copies[b] and not ctx.text[ctx.lines.line_span(ctx.line_of(a))[1]:b].strip():
            return ctx.lines.line_span(ctx.line_of(b))[1]
    return None
