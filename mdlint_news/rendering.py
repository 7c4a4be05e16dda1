"""How an article's body renders (CommonMark, by markdown-it-py), for ``--add-noqa``: which lines
a suppression comment may end or stand before, and whether inserted comments changed the HTML.

A comment may end a paragraph's line (inline HTML: the paragraph stays one), unless the line
ends in a hard break (two spaces or a backslash), which the comment would undo. It may stand on
its own line before a line that starts a new block (after a closing fence, a setext underline,
a link reference definition, indented code): there it is an HTML block of its own. Anything
else is checked by rendering: the HTML with and without the comments must be the same."""

from __future__ import annotations

import re
from functools import lru_cache

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
