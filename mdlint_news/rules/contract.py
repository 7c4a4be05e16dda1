"""The Pydantic contract: required fields, types, known fields and the layout itself (NL2xx).

The models live in ``mdlint_news/schema.py``; these rules report their errors at the key or
value they concern.
"""

from __future__ import annotations

from ..schema import MODELS, Fact
from .base import ERROR, WARNING, Context, Problem, rule


@rule("NL201", "missing-field", ERROR)
def missing_field(ctx: Context):
    """A field the layout requires is missing.

    **What it does.** Reports each required field of the layout's model that is absent, at the
    closing `---` of the front matter (for a nested field: at its parent key).

    **Why.** The site's templates read these fields; a missing one breaks the page or the feed.

    **Example.** A `tech_news_article` without `publishedAt`.

    **Fix.** None: the value has to come from the source.
    """
    for err in ctx.errors_for(Fact.MISSING):
        yield Problem(err.start, err.end, err.message)


@rule("NL202", "invalid-value", ERROR)
def invalid_value(ctx: Context):
    """A field has the wrong type (a list where text belongs, a string where a number belongs).

    **What it does.** Reports type errors from the layout's Pydantic model at the offending value.
    Constraints with a rule of their own (URLs, dates, slug, category ...) are reported by that rule.

    **Why.** A value of the wrong type is dropped or mis-rendered by the site.

    **Example.** `importance: high` (must be an integer 1..5).

    **Fix.** None.
    """
    for err in ctx.errors_for(Fact.INVALID):
        yield Problem(err.start, err.end, err.message)


@rule("NL203", "unknown-field", WARNING)
def unknown_field(ctx: Context):
    """A field the layout does not define.

    **What it does.** Reports keys the layout's model does not know (the legacy `tech_news`
    layout allows any extra keys).

    **Why.** Usually a typo (`publishedat`), a field from another layout, or a stray key from a
    bad merge; the site ignores it.

    **Fix.** None.
    """
    for err in ctx.errors_for(Fact.UNKNOWN):
        yield Problem(err.start, err.end, err.message)


@rule("NL204", "unknown-layout", ERROR)
def unknown_layout(ctx: Context):
    """The front matter has no `layout`, or one news-lint has no model for.

    **What it does.** Reports a missing `layout` at the closing delimiter, an unknown one at its
    value. Known layouts: `tech_news_article` (modern) and `tech_news` (legacy, lenient).

    **Why.** The layout decides which contract applies; without it nothing else can be checked.

    **Fix.** None.
    """
    data = ctx.data
    if not isinstance(data, dict):
        return
    if "layout" not in data:
        span = ctx.doc.anchor_span()
        yield Problem(span.start, span.end,
                      f"no 'layout' field: add 'layout: {ctx.profile.layout}'")
    elif ctx.layout not in MODELS:
        span = ctx.doc.value_span("layout")
        known = ", ".join(sorted(MODELS))
        yield Problem(span.start, span.end, f"unknown layout {data['layout']!r} (known: {known})")
