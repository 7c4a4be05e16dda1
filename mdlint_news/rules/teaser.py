"""A body that is only the teaser of the original story (NL846)."""

from __future__ import annotations

import re

from .base import WARNING, Context, Problem, rule
from .headings import body_view

MAX_WORDS = 80  # a generated article has hundreds; a teaser a sentence or two
# the line an aggregator or a feed puts under its teaser, pointing to the original (English,
# and the Czech the translation makes of it)
_CALL = re.compile(
    r"\b(?:read more|read the (?:full|whole|rest of the) (?:story|article|post)|see the rest of "
    r"the (?:story|article|post)|see the full (?:story|article)|continue reading|keep reading"
    r"|the post .{0,200}? appeared first on|číst (?:dál|dále|více)|čtěte (?:dál|dále|více)"
    r"|celý článek|celý příběh|zbytek (?:příběhu|článku)|pokračování článku)\b",
    re.IGNORECASE | re.DOTALL)
# the end of a cut text: an ellipsis, or NewsAPI's count of the characters left out
_CUT_END = re.compile(r"(?:…|\.\.\.|\[\+\d+ chars\])\W*\Z")


@rule("NL846", "teaser-body", WARNING)
def teaser_body(ctx: Context):
    """The body is only a teaser of the original story: the article text was not generated.

    **What it does.** Reports the body of a modern-layout article (without the footer) that is
    short (at most 80 words, no heading) and either ends cut off (`…`, `...`, NewsAPI's
    `[+1234 chars]`) or calls the reader to the original (`read more`, `see the rest of the
    story`, `continue reading`, `The post … appeared first on …`, `číst dál`, `celý článek`).
    A body that is a copy of `description` is left to `body-fallback`.

    **Why.** Feeds and aggregators give a teaser instead of the story; the generator then
    publishes the teaser as the article. Such an article has to be regenerated from the
    original story.

    **Example.**
    ```markdown
    ---
    ...
    ---

    Fintech Slope, podporovaný JPMorgan Chase, oznámil partnerství s Amazonem… See the rest
    of the story here.

    ---

    [Číst původní článek](https://biztoc.com/x/410de068e90223f2)
    ```

    **Fix.** None: regenerate the article.
    """
    view = body_view(ctx)
    if not view.modern:
        return
    text = ctx.text
    lo, hi = view.content_start, view.content_end
    chunk = text[lo:hi]
    body = " ".join(chunk.split())
    description = ctx.data.get("description")
    words = len(body.split())
    if not body or words > MAX_WORDS or \
            (isinstance(description, str) and body == " ".join(description.split())):
        return
    if any(lo <= h.start < hi for h in ctx.doc.headings):
        return
    call = _CALL.search(body)
    if call is not None:
        what = f"calls the reader to the original ('{call.group()}')"
    elif _CUT_END.search(body):
        what = "ends cut off"
    else:
        return
    s = lo + len(chunk) - len(chunk.lstrip())
    e = lo + len(chunk.rstrip())
    yield Problem(s, e, f"the body is only a teaser of the original ({words} words, {what}): "
                        "the article text was not generated; regenerate it")
