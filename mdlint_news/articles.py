"""Which Markdown files are articles: a fact of the parsed document and the profile.

news-lint lints the articles of the layouts it has a profile for. Other Markdown of a site (a
README without front matter, ``layout: page``, ``layout: post``) is skipped unless the
configuration's ``include`` selects it. Damage must never make an article look like a page, so
anything that may be a damaged article is one (docs: README "Which files are linted"):

- front matter that does not parse (YAML error, unclosed, merge conflict, another format);
- a ``layout`` of the profile, or one close to it (a typo, other case, mojibake around it), or a
  ``layout`` that is not text;
- no ``layout`` (or an empty one) but a key only articles have (``publishedAt``, ``slug`` ...);
- no front matter, but a ``layout:`` line of the profile anywhere (the opening ``---`` lost or
  pushed down: a blank line, a byte-order mark read as cp1252, a preamble of any length; line
  ends of CR, NEL, U+2028 or U+2029), or the file starts with ``key:`` lines among which two
  keys only articles have, or one and a ``---`` line (the opening and layout lines lost);
- a ``layout`` of the profile among duplicate ``layout`` keys (YAML keeps the last one).

One regular-expression pass over a file without front matter (and over a page's front matter),
each match checked in constant time: linear in the file.
"""

from __future__ import annotations

import difflib
import re
from functools import lru_cache
from typing import NamedTuple

from .document import Document
from .profile import Profile
from .schema import MODELS

# front-matter keys every kind of Jekyll page may have: they say nothing about being an article
GENERIC_KEYS = frozenset({"layout", "title", "date", "author", "authors", "category",
                          "categories", "tags", "permalink", "description", "image", "excerpt",
                          "published", "lang", "sitemap", "redirect_from", "last_modified_at"})
HEAD_CHARS = 4096  # where a lost opening delimiter's layout line is looked for
MAX_LAYOUT = 200  # a longer layout value is damage, not a name
MAX_LAYOUT_LINES = 64  # layout lines of a file without front matter compared with the profile's
CLOSE = 0.8  # similarity (difflib's ratio, letters and digits only) that makes a typo


class Verdict(NamedTuple):
    article: bool
    reason: str  # why it is (not) an article, for messages


# a line start: the text's start or after any line break str.splitlines knows (CR alone, NEL,
# U+2028, U+2029 too: damage seen in generated files)
_AT_LINE = r"(?<![^\n\r\x0b\x0c\x1c-\x1e\x85\u2028\u2029])[ \t\ufeff]{0,16}"
_LAYOUT_LINE = re.compile(_AT_LINE + r"layout\W{0,4}:[ \t]*['\"]?([^\s'\"#]+)")
_KEY_LINE = re.compile(_AT_LINE + r"([A-Za-z_][\w-]{0,63})[ \t]*:(?:[ \t]|$|(?=[\r\n\x85\u2028\u2029]))")
_DELIM_LINE = re.compile(_AT_LINE + r"---[ \t]*(?:$|[\n\r\x0b\x0c\x1c-\x1e\x85\u2028\u2029])")


def verdict(doc: Document, profile: Profile) -> Verdict:
    """Whether ``doc`` is an article of ``profile``'s layouts (or possibly a damaged one)."""
    if not doc.has_frontmatter and doc.fm_format is None:
        if _damaged(doc.text, profile):
            return Verdict(True, "front matter damaged")
        return Verdict(False, "no front matter")
    data = doc.data
    if not isinstance(data, dict):
        return Verdict(True, "front matter does not parse")
    layout = data.get("layout")
    if layout is None or layout == "":
        if _article_keys(_known(profile)) & {k for k in data if isinstance(k, str)}:
            return Verdict(True, "article fields without a layout")
        if _layout_line(doc.yaml_text, profile):
            return Verdict(True, "a duplicate layout key")
        return Verdict(False, "no layout")
    if not isinstance(layout, str) or _is_ours(layout, profile):
        return Verdict(True, "layout")
    if _layout_line(doc.yaml_text, profile):  # an earlier value, which YAML dropped
        return Verdict(True, "a duplicate layout key")
    return Verdict(False, "layout without a profile")


def _layout_line(text: str, profile: Profile) -> bool:
    """A ``layout:`` line of the profile's layouts in ``text`` (one pass; only the first
    MAX_LAYOUT_LINES such lines are compared, each in bounded time)."""
    for n, m in enumerate(_LAYOUT_LINE.finditer(text)):
        if n >= MAX_LAYOUT_LINES:
            return False
        if _is_ours(m.group(1), profile):
            return True
    return False


def _damaged(text: str, profile: Profile) -> bool:
    """Text without front matter that is an article whose front matter was damaged."""
    return _layout_line(text, profile) or _keys_at_top(text, profile)


def _keys_at_top(text: str, profile: Profile) -> bool:
    """The file starts with ``key:`` lines (its opening ``---`` and ``layout:`` lines lost) among
    which two keys only articles have, or one and a ``---`` line after them."""
    head = text[:HEAD_CHARS]
    if _KEY_LINE.match(head.lstrip()) is None:
        return False
    keys = _article_keys(_known(profile))
    found = {m.group(1) for m in _KEY_LINE.finditer(head) if m.group(1) in keys}
    if len(found) >= 2:
        return True
    return bool(found) and _DELIM_LINE.search(head) is not None


def _known(profile: Profile) -> tuple[str, ...]:
    return tuple(dict.fromkeys([profile.layout, *profile.legacy_layouts, *MODELS]))


def _squash(name: str) -> str:
    return "".join(ch for ch in name.casefold() if ch.isascii() and ch.isalnum())


def _is_ours(layout: str, profile: Profile) -> bool:
    """The layout of one of the profile's models, or a damaged spelling of one."""
    if len(layout) > MAX_LAYOUT:
        return True
    known = _known(profile)
    if layout in known:
        return True
    value = _squash(layout)
    for name in known:
        squashed = _squash(name)
        if squashed and (squashed in value or
                         difflib.SequenceMatcher(None, value, squashed).ratio() >= CLOSE):
            return True
    return False


@lru_cache(maxsize=32)
def _article_keys(known: tuple[str, ...]) -> frozenset[str]:
    """Front-matter keys only the articles of these layouts have."""
    keys: set[str] = set()
    for name in known:
        model = MODELS.get(name)
        if model is None:
            continue
        for field_name, info in model.model_fields.items():
            keys.add(info.alias or field_name)
    return frozenset(keys - GENERIC_KEYS)
