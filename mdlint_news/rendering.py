"""How an article's body renders (CommonMark, by markdown-it-py): for ``--add-noqa``, which lines
a suppression comment may end or stand before, and whether inserted comments changed the HTML;
for the rules, which lines do not render as Markdown (:func:`hidden_blocks`: in an HTML comment,
a raw HTML block or a code block) and the headings they would have rendered
(:func:`hidden_headings`); the lines in HTML comments (:func:`comment_lines`) and the lines that
show on the page at all (:func:`shown_lines`).

A comment may end a paragraph's line (inline HTML: the paragraph stays one), unless the line
ends in a hard break (two spaces or a backslash), which the comment would undo. It may stand on
its own line before a line that starts a new block (after a closing fence, a setext underline,
a link reference definition, indented code): there it is an HTML block of its own. Anything
else is checked by rendering: the HTML with and without the comments must be the same."""

from __future__ import annotations

import re
from functools import lru_cache
from typing import NamedTuple

# the suppression comment suppressions.py reads before a line; on its own line (an HTML block)
# or at the end of one (inline HTML, after one space)
_COMMENT = r"<!-- news-lint-disable-next-line [^<>\n]*? -->"
_OWN_LINE = re.compile(rf"^[ \t]*{_COMMENT}\n", re.MULTILINE)
_INLINE = re.compile(rf" {_COMMENT}")
_LEAVES = {"paragraph_open", "heading_open", "fence", "code_block", "html_block", "hr"}


@lru_cache(maxsize=1)
def _markdown():
    from markdown_it import MarkdownIt

    return MarkdownIt("commonmark")


def html(body: str) -> str:
    """The body's HTML without the suppression comments in it (rendering is linear in the body)."""
    return _INLINE.sub("", _OWN_LINE.sub("", _markdown().render(body)))


class Blocks:
    """The body's lines by the blocks they are in; ``first`` is the body's first line's number
    (1-based) in the file, the numbers asked about are the file's."""

    def __init__(self, body: str, first: int):
        self.first = first
        self.lines = body.split("\n")
        self.paragraph: set[int] = set()  # 0-based lines of the body in a paragraph
        self.starts: set[int] = set()  # 0-based lines where a leaf block starts
        self.fenced: set[int] = set()  # the file's lines in fenced code blocks, fences included
        for token in _markdown().parse(body):
            if token.map is None or token.type not in _LEAVES:
                continue
            start, end = token.map
            self.starts.add(start)
            if token.type == "paragraph_open":
                self.paragraph.update(range(start, end))
            elif token.type == "fence":
                self.fenced.update(range(first + start, first + end))

    def may_end(self, line: int) -> bool:
        """A comment at the end of the file's ``line`` leaves the rendering as it was."""
        i = line - self.first
        if i not in self.paragraph or i >= len(self.lines):
            return False
        text = self.lines[i].rstrip("\r")
        return not (text.endswith("  ") or text.endswith("\\") or text.endswith("\t"))

    def starts_block(self, line: int) -> bool:
        """The file's ``line`` starts a block: a comment line before it is a block of its own."""
        return line - self.first in self.starts


# ----------------------------------------------------------------------------- hidden blocks

COMMENT, HTML, CODE = "comment", "html", "code"  # not shown; shown as raw HTML; shown as code
# a line that may open an HTML block or a fence, after indentation and container markers
_MAY_OPEN = re.compile(r"^[ \t>*+\-0-9.)]*(?:<|```|~~~)", re.MULTILINE)
# a line a heading may be made of (ATX) or end with (a setext underline)
_MAY_HEAD = re.compile(r"^[ \t>*+\-0-9.)]*(?:#|=|-)", re.MULTILINE)


class Hidden(NamedTuple):
    """A block whose lines do not render as Markdown. Lines are 0-based in the body, ``end``
    exclusive; ``column`` (0-based) is where its opening marker (``marker``) is on its first line;
    ``closed``: its end marker is there (else it runs to the end of the body or its container)."""

    kind: str
    start: int
    end: int
    column: int
    marker: str
    closed: bool
    content: str  # its lines as markdown-it gives them (container markers taken off)


@lru_cache(maxsize=1)
def _blocks_only():
    """A parser that stops after the block structure (no inline parsing: linear in the body)."""
    from markdown_it import MarkdownIt

    return MarkdownIt("commonmark").disable(["inline", "text_join"])


def _lines_only(body: str) -> str:
    """``body`` with the same ``\\n`` lines for markdown-it, which would also break at a lone CR."""
    return body.replace("\r\n", "\n").replace("\r", " ")


@lru_cache(maxsize=2)
def hidden_blocks(body: str) -> tuple[Hidden, ...]:
    """The HTML blocks and fenced code blocks of ``body``, in order (nested ones included).
    Kept for the last bodies: the section rules (``comment_lines``) and the rendered-page
    rules ask for the same body's blocks, and the parse is paid once."""
    if _MAY_OPEN.search(body) is None:
        return ()  # no line starts a block of either kind (the common case: no parse)
    body = _lines_only(body)
    lines = body.split("\n")
    out = []
    for token in _blocks_only().parse(body):
        if token.map is None or token.type not in ("html_block", "fence"):
            continue
        start, end = token.map
        first = lines[start]
        if token.type == "fence":
            inside = len(token.content.splitlines())
            out.append(Hidden(CODE, start, end, max(first.find(token.markup), 0), token.markup,
                              end - start - 1 - inside == 1, token.content))
            continue
        column = max(first.find("<"), 0)
        if token.content.lstrip().startswith("<!--"):
            out.append(Hidden(COMMENT, start, end, column, "<!--", "-->" in token.content, token.content))
        else:
            out.append(Hidden(HTML, start, end, column, _tag(first[column:]), _html_closed(token.content),
                              token.content))
    return tuple(out)


def _tag(line: str) -> str:
    """The opening tag's start (``<div``, ``<pre``, ``<?``) on an HTML block's first line."""
    m = re.match(r"<[/!?]?[A-Za-z0-9-]*", line)
    return m.group(0) if m else "<"


def _html_closed(content: str) -> bool:
    """An HTML block (not a comment) has the end its kind needs: a blank line ends the common
    kinds, which are then always closed; ``<pre>``, ``<script>``, ``<style>``, ``<textarea>``,
    ``<?`` ... ``?>``, ``<!X`` ... ``>`` and CDATA end only at their closing text."""
    from markdown_it.rules_block.html_block import HTML_SEQUENCES

    first = content.lstrip()
    for opening, closing, _ in HTML_SEQUENCES:
        if opening.search(first.split("\n", 1)[0]):
            return bool(closing.search("")) or any(closing.search(x) for x in content.split("\n"))
    return True


def hidden_headings(block: Hidden) -> list[tuple[int, int, str]]:
    """The ATX and setext headings the block's text would render if it were Markdown: (0-based
    body line, level, raw text). A comment's text is read without its ``<!--`` and ``-->``; a
    code block's without its fences, a raw HTML block's without its first line (the opening tag)."""
    text, offset = block.content, block.start
    if block.kind == COMMENT:
        text = text.replace("<!--", "", 1)
        if block.closed:
            text = text[:text.rfind("-->")]
    elif block.kind == HTML:
        text = text.split("\n", 1)[1] if "\n" in text else ""
        offset += 1
    else:  # a fence's content is already without its fences
        offset += 1
    if _MAY_HEAD.search(text) is None:
        return []
    tokens = _blocks_only().parse(_lines_only(text))
    return [(offset + t.map[0], int(t.tag[1]), tokens[i + 1].content.strip())
            for i, t in enumerate(tokens) if t.type == "heading_open" and t.map is not None]


def _is_comment(token) -> bool:
    return token.type == "html_block" and token.content.lstrip().startswith("<!--")


def comment_lines(body: str) -> set[int]:
    """The 0-based lines of ``body`` in HTML comment blocks (closed or not), which do not show."""
    return {n for b in hidden_blocks(body) if b.kind == COMMENT for n in range(b.start, b.end)}


def shown_lines(body: str) -> set[int]:
    """The 0-based lines of ``body`` in the blocks that show on the page: every leaf block but an
    HTML comment (blank lines and link reference definitions render as nothing)."""
    out: set[int] = set()
    for token in _blocks_only().parse(_lines_only(body)):
        if token.map is not None and token.type in _LEAVES and not _is_comment(token):
            out.update(range(*token.map))
    return out
