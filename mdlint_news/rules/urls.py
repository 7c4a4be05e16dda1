"""Links: the article URL and its image URLs (NL4xx)."""

from __future__ import annotations

import html
from urllib.parse import quote, urljoin

from ..schema import Fact, url_problem
from ..yamlemit import replace_value
from .base import ERROR, SAFE, UNSAFE, WARNING, Context, Problem, rule


def repair_url(value: str) -> str | None:
    """The same URL written correctly: trimmed, HTML entities decoded, inner whitespace
    percent-encoded. None when that still does not give an absolute http(s) URL."""
    fixed = html.unescape(value.strip())
    fixed = "".join(quote(c) if c.isspace() else c for c in fixed)
    return fixed if fixed != value and url_problem(fixed) is None else None


def _url_fix(ctx: Context, loc: tuple, value):
    if not isinstance(value, str) or len(loc) != 1:
        return None
    fixed = repair_url(value)
    if fixed is not None:
        return replace_value(ctx.doc, loc, fixed, f"write the URL as {fixed}")
    base = (ctx.data or {}).get("url")
    if loc[0] != "url" and value.startswith("/") and isinstance(base, str) and url_problem(base) is None:
        absolute = urljoin(base, value)
        return replace_value(ctx.doc, loc, absolute, f"resolve against the article URL: {absolute}",
                             UNSAFE)
    return None


@rule("NL401", "url-invalid", ERROR, fix=SAFE)
def url_invalid(ctx: Context):
    """`url` is not an absolute http(s) URL a reader can open.

    **What it does.** Requires `http://` or `https://`, a host, no whitespace and no HTML entities
    such as `&amp;` (an escaping bug upstream: the link then points somewhere else).

    **Example.** `url: https://slashdot.org/firehose.pl?op=view&amp;id=180580900`

    **Fix (safe).** Decodes HTML entities, trims surrounding whitespace and percent-encodes inner
    whitespace, when that yields a valid URL: the link then opens what it always meant.
    """
    for err in ctx.errors_for(Fact.URL):
        yield Problem(err.start, err.end, f"'{err.loc[0]}': {err.message}",
                      _url_fix(ctx, err.loc, err.input))


@rule("NL402", "image-url", ERROR, fix=SAFE)
def image_url(ctx: Context):
    """`urlToImage` / `urlToImageBackup` are not absolute http(s) URLs, or do not agree.

    **What it does.** Checks each image URL like `url-invalid` does; warns when the backup
    differs from the image, or when there is a backup without an image (an image without a
    backup is normal: older articles have none). A `null` image is treated as absent.

    **Why.** The page and the social cards load these images; a relative or broken URL shows a
    broken image.

    **Example.** `urlToImage: /resources/images/R2506J_WALKER.jpg` (relative).

    **Fix.** Safe for entities and whitespace (as in `url-invalid`); unsafe for a relative path,
    resolved against the article's `url` (a guess that the image lives on the same site).
    """
    for err in ctx.errors_for(Fact.IMAGE_URL):
        yield Problem(err.start, err.end, f"'{err.loc[0]}': {err.message}",
                      _url_fix(ctx, err.loc, err.input))
    if not ctx.modern:
        return
    image, backup = ctx.data.get("urlToImage"), ctx.data.get("urlToImageBackup")
    if image is not None and backup is not None and image != backup:
        span = ctx.doc.value_span("urlToImageBackup")
        yield Problem(span.start, span.end, "urlToImageBackup differs from urlToImage",
                      severity=WARNING)
    elif backup is not None and image is None:
        span = ctx.doc.key_span("urlToImageBackup")
        yield Problem(span.start, span.end, "urlToImageBackup without urlToImage", severity=WARNING)
