"""Across files: the same story, slug or title in two articles, a category cut short, one body
in many articles (NL86x, and NL607).

These rules need every article of the site, not one file: each file contributes a summary
(``summarize``: its slug, url, title, a category as long as the generator's limit, and a key of
its body, with their positions), and after all files are linted the cross-file phase
(``project.py``) compares the summaries (``compare``). When only some files are linted
(pre-commit passes the staged ones), the rest of their folders is indexed too, so a new article
is still compared with the published ones; the folders to index are configurable
(``duplicates-index``).
"""

from __future__ import annotations

import hashlib
import re
from typing import TYPE_CHECKING
from urllib.parse import urlsplit, urlunsplit

from ..body import body_view
from ..diagnostics import Diagnostic
from ..summary import ProjectRules, Value, register
from .base import ERROR, WARNING, Context, Origin, rule

if TYPE_CHECKING:  # pragma: no cover
    from ..project import Site

FIELDS = {"duplicate-slug": "slug", "duplicate-url": "url", "duplicate-title": "title"}
# the items of a file's summary, in the order of their hashes (the cache stores one column each)
KEYS = ("slug", "url", "title", "category", "body")
MIN_COPIES = 3  # articles sharing one body before it counts as boilerplate
EXCERPT = 60  # characters of a body quoted in a message


def normalise(field: str, value: str) -> str:
    """What counts as "the same": URLs without scheme, `www.`, fragment, trailing slash and
    tracking parameters; titles without case and surrounding blanks; slugs as they are."""
    if field == "url":
        try:
            parts = urlsplit(value.strip())
        except ValueError:
            return value.strip()
        host = parts.netloc.lower().removeprefix("www.")
        query = "&".join(q for q in parts.query.split("&") if q and not q.startswith("utm_"))
        return urlunsplit(("", host, parts.path.rstrip("/"), query, ""))
    if field == "title":
        return " ".join(value.split()).casefold()
    return value


_LINK_TARGETS = re.compile(r"\]\([^)\n]*\)|(?:https?://|www\.)\S+")
_NOT_LETTERS = re.compile(r"[\W\d_]+")


def plain_words(text: str) -> str:
    """``text`` as the body comparison sees it: without URLs (link targets, bare addresses),
    casefolded, every run of digits, punctuation and blanks one space."""
    return _NOT_LETTERS.sub(" ", _LINK_TARGETS.sub(" ", text).casefold()).strip()


def summarize(ctx: Context) -> dict[str, Value]:
    """The items of a file's summary the cross-file rules compare: slug, url and title; the
    category when it is as long as the profile's limit or longer (keyed by its first
    ``max-length`` characters); the body's key (``body_key``)."""
    data = ctx.data
    out: dict[str, Value] = {}
    if not isinstance(data, dict):
        return out
    text, entries = ctx.text, ctx.doc.entries
    for field in FIELDS.values():
        value = data.get(field)
        entry = entries.get((field,))
        if isinstance(value, str) and value.strip() and entry is not None:
            out[field] = _value(text, value, entry.value.start, entry.value.end, normalise(field, value))
    limit = ctx.profile.category.max_length
    category, entry = data.get("category"), entries.get(("category",))
    if isinstance(category, str) and len(category) >= limit > 0 and entry is not None:
        out["category"] = _value(text, category, entry.value.start, entry.value.end, category[:limit])
    try:
        body = body_key(ctx)
    except Exception:  # body_view failed: the body rules report it (internal-error), once
        body = None
    if body is not None:
        out["body"] = body
    return out


def _value(text: str, value: str, start: int, end: int, key: str) -> Value:
    return Value(value, start, end, *position(text, start), *position(text, end), key)


def body_key(ctx: Context) -> Value | None:
    """The body of a modern-layout article without its footer, as a ``Value`` keyed by a digest
    of its ``plain_words`` without the article's own title (a boilerplate that quotes the title
    is still one boilerplate); None for an empty body, for a copy of `description`
    (`body-fallback`'s) and for a body with headings (an article the generator wrote: the same
    one twice is a duplicate story, `duplicate-url`'s and `duplicate-title`'s)."""
    view = body_view(ctx)
    lo, hi = view.content_start, view.content_end
    if not view.modern or any(lo <= h.start < hi for h in ctx.doc.headings):
        return None
    text, data = ctx.text, ctx.data
    chunk = text[lo:hi]
    words = plain_words(chunk)
    description = data.get("description")
    if not words or (isinstance(description, str) and words == plain_words(description)):
        return None
    for field in ("title", "original_title"):
        own = data.get(field)
        own = plain_words(own) if isinstance(own, str) else ""
        if own and f" {own} " in f" {words} ":
            words = " ".join(f" {words} ".replace(f" {own} ", " ").split())
    if not words:
        return None
    start = lo + len(chunk) - len(chunk.lstrip())
    end = lo + len(chunk.rstrip())
    excerpt = " ".join(text[start:min(end, start + 4 * EXCERPT)].split())
    digest = hashlib.blake2b(words.encode("utf-8", "surrogatepass"), digest_size=16).hexdigest()
    return _value(text, excerpt, start, end, digest)


def position(text: str, offset: int) -> tuple[int, int]:
    """``LineIndex(text).position(offset)`` as (line, column) without indexing every line: the
    values summarised sit in the front matter, near the start (tests/test_fast_paths.py)."""
    offset = max(0, min(offset, len(text)))
    return text.count("\n", 0, offset) + 1, offset - text.rfind("\n", 0, offset)


def compare(site: Site) -> list[Diagnostic]:
    """Every cross-file diagnostic of the linted files."""
    return [*find_duplicates(site), *find_cut_categories(site), *find_boilerplate(site)]


def _listed(paths: list[str]) -> str:
    return ", ".join(paths[:3]) + (f" and {len(paths) - 3} more" if len(paths) > 3 else "")


def _diagnostic(name: str, path: str, value: Value, message: str) -> Diagnostic:
    from . import BY_NAME

    r = BY_NAME[name]
    return Diagnostic(r.code, r.name, r.severity, message, value.start, value.end, None, path,
                      value.line, value.column, value.end_line, value.end_column)


def find_duplicates(site: Site) -> list[Diagnostic]:
    """Every linted file that shares a slug, url or title with another file, naming the others."""
    out: list[Diagnostic] = []
    for name, field in FIELDS.items():
        for paths in site.groups(field):
            for path in paths:
                if not site.wants(name, path):
                    continue
                value = site.summaries[path][field]
                others = sorted(p for p in paths if p != path)
                out.append(_diagnostic(name, path, value,
                                       f"{field} {value.text!r} is also in {_listed(others)}"))
    return out


def _cut_inside_word(longer: str, at: int) -> bool:
    """``longer`` cut after ``at`` characters is cut inside a word (letters or digits on both
    sides): a cut at a blank may leave a whole category of its own."""
    return longer[at - 1].isalnum() and longer[at].isalnum()


def find_cut_categories(site: Site) -> list[Diagnostic]:
    """Linted files whose category is exactly the generator's limit long and the start, cut
    inside a word, of a longer category another article has. Silent where `category-format`
    already says the value looks cut (its warning): one finding per cut."""
    out: list[Diagnostic] = []
    for paths in site.groups("category"):
        values = {p: site.summaries[p]["category"] for p in paths}
        longer = sorted({v.text for v in values.values() if len(v.text) > len(v.key)
                         and _cut_inside_word(v.text, len(v.key))})
        if not longer:
            continue
        for path, value in values.items():
            if len(value.text) != len(value.key) or not site.wants("category-cut", path) \
                    or site.said(path, "category-format", WARNING):
                continue
            out.append(_cut_category(path, value, longer,
                                     sorted(p for p in paths if values[p].text in longer)))
    return out


def _cut_category(path: str, value: Value, longer: list[str], where: list[str]) -> Diagnostic:
    head = f"category {value.text!r} is cut at {len(value.text)} characters"
    if len(longer) > 1:
        named = ", ".join(repr(c) for c in longer)
        return _diagnostic("category-cut", path, value,
                           f"{head}: other articles have {named}; write the full category")
    return _diagnostic("category-cut", path, value,
                       f"{head}: the full category {longer[0]!r} is in {_listed(where)}; "
                       f"replace it with {longer[0]!r} (raising category.max-length) or with a "
                       "shorter category")


def find_boilerplate(site: Site) -> list[Diagnostic]:
    """Linted files whose body (``body_key``) is that of at least ``MIN_COPIES`` - 1 other
    articles, naming them. Silent where `teaser-body` already reports the body, and where
    `missing-section` does (an importance-3 article with no heading: that error, decided on the
    file alone, stays the one finding; a diagnostic already reported is not taken back from
    here)."""
    out: list[Diagnostic] = []
    for paths in site.groups("body"):
        if len(paths) < MIN_COPIES:
            continue
        for path in paths:
            if not site.wants("boilerplate-body", path) or site.said(path, "teaser-body") \
                    or site.said(path, "missing-section"):
                continue
            value = site.summaries[path]["body"]
            others = sorted(p for p in paths if p != path)
            quoted = value.text if len(value.text) <= EXCERPT else value.text[:EXCERPT - 1] + "…"
            out.append(_diagnostic("boilerplate-body", path, value,
                                   f"the body ({quoted!r}) is also the body of {_listed(others)}: "
                                   "boilerplate, not an article; regenerate it from the original"))
    return out


@rule("NL861", "duplicate-slug", ERROR, origin=Origin.PROJECT)
def duplicate_slug(ctx: Context):
    """Two articles have the same `slug`.

    **What it does.** Compares the slugs of all linted articles (and of the indexed folders, see
    `duplicates-index`) and reports every article involved, naming the others.

    **Why.** The slug is the published URL: one article overwrites the other.

    **Fix.** None: decide which article stays.

    **Options.** `duplicates-index`: folders whose articles are compared too, default the
    folders of the linted files (so a pre-commit run on one new file still sees the site).
    """
    return ()


@rule("NL862", "duplicate-url", WARNING, origin=Origin.PROJECT)
def duplicate_url(ctx: Context):
    """Two articles link the same original story (`url`).

    **What it does.** Compares `url` across articles, ignoring scheme, `www.`, a trailing slash,
    the fragment and `utm_*` tracking parameters; reports every article involved.

    **Why.** The same NewsAPI story was generated twice (often under two titles).

    **Fix.** None.

    **Options.** `duplicates-index` (see `duplicate-slug`).
    """
    return ()


@rule("NL863", "duplicate-title", WARNING, origin=Origin.PROJECT)
def duplicate_title(ctx: Context):
    """Two articles have the same `title` (ignoring case and spacing).

    **What it does.** Compares titles across articles; reports every article involved.

    **Why.** Readers cannot tell them apart; usually the same story twice.

    **Fix.** None.

    **Options.** `duplicates-index` (see `duplicate-slug`).
    """
    return ()


@rule("NL607", "category-cut", ERROR, origin=Origin.PROJECT)
def category_cut(ctx: Context):
    """`category` was cut at the generator's limit, and another article has it whole.

    **What it does.** A category exactly `category.max-length` characters long (default 20)
    that is the start, cut inside a word, of a longer category of another article (linted or
    in the indexed folders, see `duplicates-index`) is reported, naming the full category and
    the articles that have it. This finds the cuts `category-format` cannot: those that end in
    a word of their own (`nositelná elektronik` is cut from `nositelná elektronika`, and
    `elektronik` is a Czech word). Where `category-format` already says the value looks cut,
    this rule stays silent (one finding per cut).

    **Why.** The generator cuts categories to 20 characters; the site then lists the same topic
    under two names.

    **Example.** `category: nositelná elektronik` beside another article's
    `category: nositelná elektronika`.

    **Fix.** None: the message says which category to write (or names them all, when other
    articles have several). The full category is longer than `category.max-length`, which
    `category-format` reports: raise the limit, or choose a shorter category for both.

    **Options.** `category.max-length` (profile), `duplicates-index` (see `duplicate-slug`).
    """
    return ()


@rule("NL864", "boilerplate-body", WARNING, origin=Origin.PROJECT)
def boilerplate_body(ctx: Context):
    """The same body stands in several articles: a boilerplate, not an article.

    **What it does.** Compares the bodies of modern-layout articles that have no headings
    (without the footer, link targets and the article's own title; casefolded; digits,
    punctuation and blanks collapsed) and reports every article whose body is also that of at
    least two others, naming them. A body with headings is an article the generator wrote (the
    same story twice is `duplicate-url`'s and `duplicate-title`'s); a copy of the article's own
    `description` is left to `body-fallback`; a body `teaser-body` already reports is not
    reported again, nor one whose article `missing-section` reports (importance 3 or more and
    no section): that error is found on the file alone, before the articles are compared, and
    stays the one finding (regenerating the article fixes both).

    **Why.** Aggregators (Biztoc and the like) give a stock line instead of the story (a
    paywall or sign-in note, `See the rest of the story here…`); the generator then publishes
    that line as the article. A line that reads as a teaser is `teaser-body`'s already; this
    rule finds the others by their repetition.

    **Example.** Three Biztoc articles whose whole body above the footer is
    `Přihlaste se k odběru Biztoc Pro a čtěte 4 zprávy.` (the number differs).

    **Fix.** None: regenerate the articles from the original stories.

    **Options.** `duplicates-index` (see `duplicate-slug`).
    """
    return ()


register(ProjectRules(KEYS, summarize, compare))  # compared by the cross-file phase (project.py)
