"""A body that is only the teaser of the original story (NL846)."""

from __future__ import annotations

import re

from ..body import body_view
from .base import WARNING, Context, Problem, rule

MAX_WORDS = 80  # a generated article has hundreds; a teaser a sentence or two
# the line an aggregator or a feed puts under its teaser, pointing to the original (English,
# and the Czech the translation makes of it)
_CALL = re.compile(
    r"\b(?:read more|read the (?:full|whole|rest of the) (?:story|article|post)|see the rest of "
    r"the (?:story|article|post)|see the full (?:story|article)|continue reading|keep reading"
    r"|the post .{0,200}? appeared first on|číst (?:dál|dále|více)|čtěte (?:dál|dále|více)"
    r"|celý článek|celý příběh|zbytek (?:příběhu|článku)|pokračování článku)\b",
    re.IGNORECASE | re.DOTALL)
# the end of a cut text: an ellipsis right at the end (a quotation closed after it is whole),
# or NewsAPI's count of the characters left out
_CUT_END = re.compile(r"(?:…|\.\.\.|\[\+\d+ chars\])\s*\Z")
# "..." after an abbreviation that ends a list (`atd...` = `atd.` + `..`): no cut
_LIST_END = re.compile(r"\b(?:atd|apod|atp|aj|a\s?j|etc|ad)\s?\.?\s?(?:…|\.{2,})\s*\Z", re.IGNORECASE)
# a quotation (the words in it are a name or a quote, not the article's call to the reader)
_QUOTED = re.compile(r"„[^“”]*[“”]|“[^”]*”|\"[^\"]*\"|«[^»]*»|»[^«]*«|‚[^‘]*‘")
# the end of a sentence: the call to the original is in the body's last one
_SENTENCE_END = re.compile(r"[.!?…]+[\"'“”»)\]]*\s+(?=\S)")
LEAD_WORDS = 2  # words a call may follow in its sentence (`Přečtěte si celý článek ...`)


def _call(body: str) -> re.Match | None:
    """The call to the original that the body ends with: in its last sentence (quotations left
    out), after at most ``LEAD_WORDS`` words of that sentence."""
    plain = _QUOTED.sub(lambda m: " " * len(m.group()), body)
    ends = [m.end() for m in _SENTENCE_END.finditer(plain)]
    start = ends[-1] if ends else 0
    call = _CALL.search(plain, start)
    if call is None or len(plain[start:call.start()].split()) > LEAD_WORDS:
        return None
    return call


def teaser(ctx: Context) -> tuple[int, int, str, int] | None:
    """The teaser body of the article: its span, what makes it one and its word count (None:
    the body is no teaser). Computed once per file (missing-section asks too)."""
    return ctx.once("_news_teaser", _teaser_of)


def reported(ctx: Context) -> bool:
    """teaser-body runs on this file and reports its body (the root cause of the missing
    sections: missing-section leaves the body to it)."""
    return ctx.runs(teaser_body) and teaser(ctx) is not None


def _teaser_of(ctx: Context) -> tuple[int, int, str, int] | None:
    view = body_view(ctx)
    if not view.modern:
        return None
    text = ctx.text
    lo, hi = view.content_start, view.content_end
    chunk = text[lo:hi]
    body = " ".join(chunk.split())
    description = ctx.data.get("description")
    words = len(body.split())
    if not body or words > MAX_WORDS or \
            (isinstance(description, str) and body == " ".join(description.split())):
        return None
    if any(lo <= h.start < hi for h in ctx.doc.headings):
        return None
    call = _call(body)
    if call is not None:
        what = f"calls the reader to the original ('{call.group()}')"
    elif _CUT_END.search(body) and not _LIST_END.search(body):
        what = "ends cut off"
    else:
        return None
    return lo + len(chunk) - len(chunk.lstrip()), lo + len(chunk.rstrip()), what, words


@rule("NL846", "teaser-body", WARNING)
def teaser_body(ctx: Context):
    """The body is only a teaser of the original story: the article text was not generated.

    **What it does.** Reports the body of a modern-layout article (without the footer) that is
    short (at most 80 words, no heading) and either ends cut off (`…`, `...`, NewsAPI's
    `[+1234 chars]`) or ends with a call to the original (`read more`, `see the rest of the
    story`, `continue reading`, `The post … appeared first on …`, `číst dál`, `celý článek`):
    the call is in the body's last sentence, outside quotation marks, after at most two words
    of it (`Přečtěte si celý článek …`). The same words elsewhere (`celý článek je volně
    dostupný` mid-text, a feature called `Read More`, a button `„Číst dál“`) are no call; a
    quotation closed after its ellipsis (`…“`) and `...` after a list's abbreviation (`atd...`,
    `apod...`, `etc...`) are no cut. A body that is a copy of `description` is left to
    `body-fallback`. The missing sections of such a body are not reported again
    (`missing-section` stays quiet while this rule runs).

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
    found = teaser(ctx)
    if found is None:
        return
    s, e, what, words = found
    yield Problem(s, e, f"the body is only a teaser of the original ({words} words, {what}): "
                        "the article text was not generated; regenerate it")
