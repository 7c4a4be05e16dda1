"""Slug and file name: derived from the English title by the generator's slug rule (NL5xx)."""

from __future__ import annotations

import os
from datetime import timezone

from ..schema import parse_published, slugify
from ..yamlemit import replace_value
from .base import ERROR, UNSAFE, WARNING, Context, Problem, rule


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
    for err in ctx.errors_for("slug-format"):
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
    with `slug` when there is no title. Reported at the `slug` value (or the first line).

    **Why.** The site and its redirects find articles by file name.

    **Fix.** None: renaming files is left to you (`git mv`), news-lint only edits text.
    """
    if not ctx.modern or not ctx.path:
        return
    published = ctx.data.get("publishedAt")
    dt = parse_published(published) if isinstance(published, str) else None
    slug = expected_slug(ctx)
    if slug is None:  # no title: the slug as written
        slug = ctx.data.get("slug")
    if dt is None or slug is None:
        return
    expected = ctx.profile.filename.format(date=dt.astimezone(timezone.utc).strftime("%Y-%m-%d"),
                                           slug=slug)
    name = os.path.basename(ctx.path)
    if name != expected:
        span = ctx.doc.value_span("slug") if "slug" in ctx.data else ctx.doc.open_span
        yield Problem(span.start, span.end, f"file name '{name}' should be '{expected}'")
