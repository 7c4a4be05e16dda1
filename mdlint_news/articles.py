"""Which Markdown files are articles: a fact of the parsed document and the profile.

news-lint lints the articles of the layouts it has a profile for. Other Markdown of a site (a
README without front matter, ``layout: page``, ``layout: post``) is skipped unless the
configuration's ``include`` selects it. Damage must never make an article look like a page, so
anything that may be a damaged article is one (docs: README "Which files are linted"):

- front matter that does not parse (YAML error, unclosed, merge conflict, another format);
- a ``layout`` of the profile, or one close to it (a typo, other case, mojibake around it), or a
  ``layout`` that is not text;
- no ``layout`` (or an empty one) but a key only articles have (``publishedAt``, ``slug`` ...);
- no front matter, but a ``layout:`` line of the profile near the top (the opening ``---`` lost
  or pushed down: a blank line, a byte-order mark read as cp1252).
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
CLOSE = 0.8  # similarity (difflib's ratio, letters and digits only) that makes a typo


class Verdict(NamedTuple):
    article: bool
    reason: str  # why it is (not) an article, for messages


_LAYOUT_LINE = re.compile(r"^[\s\ufeff]*layout\W{0,4}:[ \t]*['\"]?([^\s'\"#]+)", re.MULTILINE)


def verdict(doc: Document, profile: Profile) -> Verdict:
    """Whether ``doc`` is an article of ``profile``'s layouts (or possibly a damaged one)."""
    if not doc.has_frontmatter and doc.fm_format is None:
        m = _LAYOUT_LINE.search(doc.text, 0, HEAD_CHARS)
        if m and _is_ours(m.group(1), profile):
            return Verdict(True, "front matter damaged")
        return Verdict(False, "no front matter")
    data = doc.data
    if not isinstance(data, dict):
        return Verdict(True, "front matter does not parse")
    layout = data.get("layout")
    if layout is None or layout == "":
        if _article_keys(_known(profile)) & {k for k in data if isinstance(k, str)}:
            return Verdict(True, "article fields without a layout")
        return Verdict(False, "no layout")
    if not isinstance(layout, str) or _is_ours(layout, profile):
        return Verdict(True, "layout")
    return Verdict(False, "layout without a profile")


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
