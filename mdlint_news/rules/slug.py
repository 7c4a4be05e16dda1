"""Slug and file name: derived from the English title by the generator's slug rule (NL5xx)."""

from __future__ import annotations

import os
from datetime import timezone

from ..diagnostics import Fix
from ..schema import Fact, parse_published, slugify
from ..yamlemit import emit, replace_value
from .base import ERROR, SAFE, UNSAFE, WARNING, Context, Problem, rule


def source_title(ctx: Context):
    """``original_title`` as the generator saw it: with any confident mojibake repair applied
    (once per file: slug-mismatch and filename-mismatch both need it)."""
    return ctx.once("_news_source_title", _source_title)


def expected_slug(ctx: Context) -> str | None:
    """The generator's slug of ``source_title(ctx)`` (None without a title), once per file."""
    return ctx.once("_news_expected_slug", _expected_slug)


def _expected_slug(ctx: Context) -> str | None:
    title = source_title(ctx)
    return slugify(title, ctx.profile) if isinstance(title, str) else None


def _source_title(ctx: Context):
    title = ctx.data.get("original_title") if isinstance(ctx.data, dict) else None
    if not isinstance(title, str):
        return None
    from .encoding import may_have_mojibake

    if not may_have_mojibake(ctx) and "\\" not in ctx.doc.yaml_text:
        return title  # the file passes the screen and has no escapes: so does the title
    from .. import mojibake

    if mojibake.quick_screen(title):
        repairs = [r for r in mojibake.find_mojibake(title, ctx.profile.languages.get("original_title"))
                   if r.confident]
        if repairs:
            return mojibake.apply_repairs(title, repairs)
    return title


@rule("NL501", "slug-format", ERROR)
def slug_format(ctx: Context):
    """`slug` is not a valid slug.

    **What it does.** Lowercase letters (any script), digits, `_` and single hyphens, no leading
    hyphen, at most `slug.max-length` characters (default 50); an upper-case `A-` prefix is the
    generator's marker for titles that start with a digit.

    **Why.** The slug is the article's published URL.

    **Fix.** None here; `slug-mismatch` proposes the generator's slug.

    **Options.** `slug-max-length`.
    """
    for err in ctx.errors_for(Fact.SLUG_FORMAT):
        yield Problem(err.start, err.end, err.message)


@rule("NL502", "slug-mismatch", ERROR, fix=UNSAFE)
def slug_mismatch(ctx: Context):
    """`slug` is not what the generator's slug rule makes of `original_title`.

    **What it does.** Applies the rule (lowercase; drop everything but letters, digits, `_`,
    whitespace and hyphens; collapse whitespace and hyphen runs into one hyphen; strip hyphens at
    the ends; prefix `A-` before a leading digit; `article` when empty; cut to 50 characters, so a
    trailing hyphen after the cut is normal) and compares.

    **Why.** A hand-edited or stale slug breaks the link between title, URL and file name.

    **Example.** `original_title: Apple ships M5` with `slug: apple-ships-m4`.

    When `original_title` carries mojibake, the slug is compared with the slug of the repaired
    title: the damage that leaked into the slug is reported here too.

    **Fix (unsafe).** Sets the generator's slug. Unsafe: changing a slug moves a published URL.
    """
    if not ctx.modern:
        return
    slug, title = ctx.data.get("slug"), source_title(ctx)
    if not isinstance(slug, str) or not isinstance(title, str) or not title:
        return
    expected = expected_slug(ctx)
    if slug != expected:
        span = ctx.doc.value_span("slug")
        yield Problem(span.start, span.end,
                      f"slug '{slug}' does not match original_title (expected '{expected}')",
                      replace_value(ctx.doc, ("slug",), expected, f"set slug to '{expected}'", UNSAFE))


@rule("NL503", "filename-mismatch", WARNING)
def filename_mismatch(ctx: Context):
    """The file name is not `{UTC date of publishedAt}-{slug}.md`.

    **What it does.** Compares the file's name with the profile's `filename` template, filled
    with the generator's slug of `original_title` (repaired first when it carries mojibake), or
    with `slug` when there is no title. Reported at the `slug` value. An article without `slug`
    is reported once, by `slug-missing`, which names the file name too.

    **Why.** The site and its redirects find articles by file name.

    **Fix.** None: renaming files is left to you (`git mv`), news-lint only edits text.
    """
    if not ctx.modern or not ctx.path or "slug" not in ctx.data:
        return  # no slug: slug-missing says so, and names the file name it implies
    slug = expected_slug(ctx)
    if slug is None:  # no title: the slug as written
        slug = ctx.data.get("slug")
    expected = _expected_name(ctx, slug) if isinstance(slug, str) else None
    name = os.path.basename(ctx.path)
    if expected is not None and name != expected:
        span = ctx.doc.value_span("slug")
        yield Problem(span.start, span.end, f"file name '{name}' should be '{expected}'")


def _expected_name(ctx: Context, slug: str) -> str | None:
    """The profile's file name for ``slug`` and the UTC date of `publishedAt` (None without it)."""
    published = ctx.data.get("publishedAt")
    dt = parse_published(published) if isinstance(published, str) else None
    if dt is None:
        return None
    return ctx.profile.filename.format(date=dt.astimezone(timezone.utc).strftime("%Y-%m-%d"), slug=slug)


@rule("NL504", "slug-missing", WARNING, fix=SAFE)
def slug_missing(ctx: Context):
    """The article has no `slug`.

    **What it does.** Reports a modern article (`layout: tech_news_article`) without `slug` and
    names the generator's slug of `original_title` (see `slug-mismatch`), and, when the file
    name does not carry that slug either, the name it should have. Reported at the closing
    `---` of the front matter, where `missing-field` reports missing keys. Such an article is
    not reported by `filename-mismatch` as well: the missing slug is the one cause.

    **Why.** The contract makes `slug` optional (the first articles, of September 2025, were
    written without it and named `{date}-{NN}-{Czech title}.md`), but every later article has
    one: it is the published URL, and the link between title, URL and file name.

    **Example.**
    ```yaml
    original_title: 10 Best MagSafe Wallets (2025), Tested and Reviewed
    publishedAt: '2025-09-23T12:00:00+00:00'
    source:
    ```
    in `2025-09-23-01-10-nejlepsich-MagSafe-penezenek-2025-otestovano-a-.md`.

    **Fix.** Inserts `slug: <the generator's slug>` in key order (before the first key that
    sorts after it), when the file name already carries that slug: safe, the URL stays the
    same (unsafe when the file name is not known, on standard input). None when the file name
    differs: a `slug` in the front matter overrides the file name's in the site's URLs, so
    inserting it alone would move the public URL away from the file; rename the file first
    (`git mv`, news-lint only edits text), then the fix inserts the slug.
    """
    if not ctx.modern or "slug" in ctx.data:
        return
    slug = expected_slug(ctx)
    if slug is None:
        return  # no original_title: missing-field reports it
    message = f"slug is missing; the generator's slug for original_title is '{slug}'"
    name, expected = os.path.basename(ctx.path or ""), _expected_name(ctx, slug)
    span = ctx.doc.anchor_span()
    rename = bool(ctx.path) and expected is not None and name != expected
    if rename:
        message += f"; rename the file to '{expected}' (now '{name}') and add 'slug: {slug}'"
    if rename or getattr(ctx.doc.root, "flow_style", False):  # `{...}`: no line to insert
        yield Problem(span.start, span.end, message)
        return
    later = [e.key.start for p, e in ctx.doc.entries.items()
             if len(p) == 1 and e.key is not None and p[0] > "slug"]
    at = ctx.text.rfind("\n", 0, min(later)) + 1 if later else span.start
    fix = Fix.replace(at, at, f"slug: {emit(('slug',), slug)}\n", f"insert slug: {slug}",
                      SAFE if ctx.path else UNSAFE)
    yield Problem(span.start, span.end, message, fix)
