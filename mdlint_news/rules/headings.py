"""The article body's sections and their headings (NL80x); what the body rules share is in
``mdlint_news/body.py``."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from ..body import BodyView, body_view
from ..diagnostics import Fix
from .base import ERROR, SAFE, UNSAFE, WARNING, Context, Problem, rule

if TYPE_CHECKING:  # pragma: no cover
    from ..document import Heading


def _marker_span(text: str, h: "Heading") -> tuple[int, int]:
    s = h.start
    while text[s] == " ":
        s += 1
    e = s
    while e < len(text) and text[e] == "#":
        e += 1
    return s, e


def _section_end(view: BodyView, pos: int) -> int:
    """Where the section whose heading is ``view.hits[pos]`` ends: at the next section heading or
    the next heading of the same or a higher level, else at the end of the content."""
    hits = view.hits
    h = hits[pos].heading
    for k in range(pos + 1, len(hits)):  # not a slice: a copy of the rest for every section
        other = hits[k]
        if other.index is not None or other.heading.level <= h.level:
            return other.heading.start
    return view.content_end


def _name(view: BodyView, index: int) -> str:
    return view.rules.sections[index].spec.text


# ----------------------------------------------------------------------------- rules


@rule("NL801", "heading-level", ERROR, fix=SAFE)
def heading_level(ctx: Context):
    """A section heading is not at the profile's level (default `##`).

    **What it does.** Finds the headings of the canonical sections (`Souhrn`, `Klíčové body`,
    `Podrobnosti`, `Proč je to důležité`, or a near miss of one, see `heading-variant`) and
    checks their level. Applies to modern-layout articles published on or after `body.since`
    whose body is not the fallback copy of `description`.

    **Why.** Templates style and index the sections by their level; from December 2025 on some
    articles came out with `###` for all four sections.

    **Example.**
    ```markdown
    ### Souhrn
    ```
    expected `## Souhrn`.

    **Fix (safe).** Rewrites the `#` markers only; the heading text is left alone. A heading
    recognised only by its likeness to a section name (a typo) gets an unsafe fix.

    **Options.** `body.sections.level`, `body.sections.items`, `body.since` (profile).
    """
    view = body_view(ctx)
    if not view.sectioned:
        return
    level = view.rules.settings.sections.level
    for hit in view.hits:
        h = hit.heading
        if hit.index is None or h.level == level:
            continue
        s, e = _marker_span(ctx.text, h)
        fix = Fix.replace(s, e, "#" * level, f"write the heading as level {level} ({'#' * level})",
                          SAFE if hit.safe else UNSAFE)
        yield Problem(s, h.end, f"section '{_name(view, hit.index)}' is a level-{h.level} heading "
                      f"({'#' * h.level}); sections are level {level} ({'#' * level})", fix)


@rule("NL802", "heading-variant", ERROR, fix=SAFE)
def heading_variant(ctx: Context):
    """A section heading is a near miss of its canonical text.

    **What it does.** Compares each heading with the profile's sections, ignoring case,
    diacritics, emphasis markers and a trailing colon or period, and accepting each section's
    `variants` (English equivalents such as `Summary`, `Key points`, `Details`, `Why it
    matters`) and headings that mix the words of the two (`Klíčové points`). A heading that
    only resembles a section name (one or two letters off) is reported too.

    **Why.** The site finds sections by their exact text; an LLM sometimes drifts into English
    or drops the diacritics.

    **Example.** `## Klíčové points`, `## Klicove body:`, `## Summary`; expected
    `## Klíčové body`, `## Souhrn`.

    **Fix (safe).** Replaces the heading text by the canonical text; the markers and the rest of
    the line are left alone. Unsafe when the heading only resembles the name (a typo); none when
    it resembles two sections.

    **Options.** `body.sections.items[].text`, `body.sections.items[].variants` (profile).
    """
    view = body_view(ctx)
    if not view.sectioned:
        return
    for hit in view.hits:
        h = hit.heading
        if hit.kind == "ambiguous":
            yield Problem(h.text_start, h.text_end,
                          f"heading '{h.text}' resembles more than one section; use one of "
                          + ", ".join(f"'{s.spec.text}'" for s in view.rules.sections))
            continue
        if hit.index is None or hit.kind == "exact":
            continue
        target = _name(view, hit.index)
        how = "looks like a misspelling of" if hit.kind == "fuzzy" else "is a variant of"
        fix = Fix.replace(h.text_start, h.text_end, target, f"rename the heading to '{target}'",
                          SAFE if hit.safe else UNSAFE)
        yield Problem(h.text_start, h.text_end, f"heading '{h.text}' {how} the section '{target}'", fix)


@rule("NL803", "missing-section", ERROR)
def missing_section(ctx: Context):
    """An article of importance 3 or more lacks one of the required sections.

    **What it does.** Articles with `importance` at or above `body.sections.min-importance`
    (default 3) have all the profile's sections (`Souhrn`, `Klíčové body`, `Podrobnosti`,
    `Proč je to důležité`). A heading at the wrong level or a near miss of the name counts as
    present (`heading-level` and `heading-variant` report those). Not checked on the fallback
    body (`body-fallback`), on a teaser body (`teaser-body`, while it runs) or before
    `body.since`. A stock body repeated in other articles is reported here, not again by
    `boilerplate-body`.

    **Why.** The page template and the feed excerpt read the sections; a missing one leaves a
    hole in the page.

    **Example.** An importance-4 article with `## Souhrn` and `## Podrobnosti` only.

    **Fix.** None: the text of the section has to be written.

    **Options.** `body.sections.min-importance`, `body.sections.items` (profile).
    """
    view = body_view(ctx)
    if not view.sectioned or view.importance is None:
        return
    if view.importance < view.rules.settings.sections.min_importance:
        return
    first: dict[int, int] = {}
    for pos, hit in enumerate(view.hits):
        if hit.index is not None:
            first.setdefault(hit.index, pos)
    from .rendered import hidden_sections  # a code block swallows them: hidden-content says so

    hidden = hidden_sections(ctx)
    missing = [s.index for s in view.rules.sections if s.index not in first and s.index not in hidden]
    if not missing:
        return
    text = ctx.text
    if not first:
        from .teaser import reported  # a teaser for a body: teaser-body says so, once

        if reported(ctx):
            return
        lo, hi = view.content_start, view.content_end
        s = lo + len(text[lo:hi]) - len(text[lo:hi].lstrip())
        e = s + len(text[s:hi].split("\n", 1)[0].rstrip("\r"))
        names = ", ".join(f"'{_name(view, i)}'" for i in missing)
        yield Problem(s, e, f"importance {view.importance} article has none of its sections ({names})")
        return
    for i in missing:
        later = [first[j] for j in first if j > i]
        if later:
            h = view.hits[min(later)].heading
            where, end = h.start, h.end
            place = f"before '{h.text}'"
        else:
            where = end = view.content_end
            place = "at the end of the article text"
        yield Problem(where, end, f"importance {view.importance} article has no section "
                      f"'{_name(view, i)}' (expected {place})")


@rule("NL804", "section-order", ERROR)
def section_order(ctx: Context):
    """The sections are not in the profile's order.

    **What it does.** The sections come in the order of `body.sections.items`:
    `Souhrn`, `Klíčové body`, `Podrobnosti`, `Proč je to důležité`. Reports the headings that are
    out of place (those outside the longest run already in order).

    **Why.** Readers and templates expect the summary first and the assessment last.

    **Example.** `## Podrobnosti` before `## Souhrn`.

    **Fix.** None: moving whole sections is left to the editor.

    **Options.** `body.sections.items` (profile).
    """
    view = body_view(ctx)
    if not view.sectioned:
        return
    seen: set[int] = set()
    firsts = []
    for hit in view.hits:
        if hit.index is not None and hit.index not in seen:
            seen.add(hit.index)
            firsts.append(hit)
    if all(a.index < b.index for a, b in zip(firsts, firsts[1:])):
        return
    # longest increasing subsequence (n <= a handful): the rest are out of place
    n = len(firsts)
    best = [1] * n
    prev = [-1] * n
    for j in range(n):
        for i in range(j):
            if firsts[i].index >= firsts[j].index:
                continue
            # on a tie keep the run with the earlier sections: [B, A, C] reports B, not A
            if best[i] + 1 > best[j] or (best[i] + 1 == best[j] and prev[j] != -1
                                         and firsts[i].index < firsts[prev[j]].index):
                best[j], prev[j] = best[i] + 1, i
    k = max(range(n), key=lambda x: best[x])
    keep = set()
    while k != -1:
        keep.add(k)
        k = prev[k]
    order = ", ".join(f"'{s.spec.text}'" for s in view.rules.sections)
    for pos, hit in enumerate(firsts):
        if pos not in keep:
            h = hit.heading
            yield Problem(h.start, h.end, f"section '{_name(view, hit.index)}' is out of order "
                          f"(the order is {order})")


@rule("NL805", "duplicate-section", ERROR)
def duplicate_section(ctx: Context):
    """A section appears twice.

    **What it does.** Reports the second and later headings of the same section (counting near
    misses and wrong levels as the section).

    **Why.** Usually two generations pasted together, or a stray copy of a heading.

    **Example.** Two `## Souhrn` headings in one article.

    **Fix.** None: which copy to keep is an editorial choice.

    **Options.** `body.sections.items` (profile).
    """
    view = body_view(ctx)
    if not view.sectioned:
        return
    seen: dict[int, "Heading"] = {}
    for hit in view.hits:
        if hit.index is None:
            continue
        h = hit.heading
        if hit.index in seen:
            first_line = ctx.line_of(seen[hit.index].start)
            yield Problem(h.start, h.end, f"section '{_name(view, hit.index)}' appears again "
                          f"(first on line {first_line})")
        else:
            seen[hit.index] = h


@rule("NL806", "empty-section", ERROR)
def empty_section(ctx: Context):
    """A section heading has no text under it.

    **What it does.** Reports a section whose heading is followed only by blank lines before the
    next section, the footer or the end of the article.

    **Why.** An empty section renders as a dangling heading; the generator ran out of tokens or
    the text was deleted.

    **Example.**
    ```markdown
    ## Podrobnosti

    ## Proč je to důležité
    ```

    **Fix.** None: the text has to be written (or the heading removed).

    **Options.** `body.sections.items` (profile).
    """
    view = body_view(ctx)
    if not view.sectioned:
        return
    text = ctx.text
    for pos, hit in enumerate(view.hits):
        if hit.index is None:
            continue
        h = hit.heading
        end = _section_end(view, pos)
        if not text[h.end:end].strip():
            yield Problem(h.start, h.end, f"section '{_name(view, hit.index)}' is empty")


@rule("NL807", "unexpected-heading", WARNING)
def unexpected_heading(ctx: Context):
    """A heading that is none of the profile's sections.

    **What it does.** In articles of importance 3 and more, reports headings that are not a
    section (nor a near miss of one). In articles below `body.sections.min-importance`, whose
    body is a short summary without headings, reports every heading.

    **Why.** The generator writes only the four sections; anything else is LLM drift (a title
    repeated as `# Heading`, an invented `## Závěr`) or manual editing the templates do not
    expect.

    **Example.** `## Závěr` after `## Proč je to důležité`; `## Souhrn` in an importance-2 article.

    **Fix.** None: remove the heading or merge its text into a section.

    **Options.** `body.sections.min-importance`, `body.sections.items` (profile).
    """
    view = body_view(ctx)
    if not view.sectioned:
        return
    low = view.importance is not None and view.importance < view.rules.settings.sections.min_importance
    for hit in view.hits:
        h = hit.heading
        if low:
            yield Problem(h.start, h.end, f"heading '{h.text}' in an importance {view.importance} "
                          f"article (below {view.rules.settings.sections.min_importance} the body "
                          "is a short summary without headings)")
        elif hit.index is None and hit.kind != "ambiguous":
            yield Problem(h.start, h.end, f"heading '{h.text}' is not one of the sections ("
                          + ", ".join(f"'{s.spec.text}'" for s in view.rules.sections) + ")")


_BULLET = re.compile(r" ?(?:[-*+]|\d{1,9}[.)])[ \t]+\S")
_FENCE = re.compile(r" {0,3}(`{3,}|~{3,})")
_BREAK = re.compile(r" {0,3}([-*_])(?:[ \t]*\1){2,}[ \t]*\r?$")


def count_bullets(text: str, start: int, end: int) -> int:
    """Top-level list items between two offsets (outside code fences)."""
    n = 0
    fence = None
    for line in text[start:end].split("\n"):
        m = _FENCE.match(line)
        if fence is not None:
            if m and m.group(1)[0] == fence[0] and len(m.group(1)) >= len(fence):
                fence = None
            continue
        if m:
            fence = m.group(1)
        elif _BULLET.match(line) and not _BREAK.match(line):
            n += 1
    return n


@rule("NL808", "key-points", ERROR)
def key_points(ctx: Context):
    """The key-points section has too few or too many bullet items.

    **What it does.** Counts the top-level list items (`-`, `*`, `+`, `1.`) under each section
    that has a `bullets` range in the profile (`Klíčové body`: 3 to 5). Nested items and code
    blocks are not counted.

    **Why.** The key points are shown as a short list in the page and the feed; a paragraph
    instead of a list, or a list of ten, breaks that box.

    **Example.** `## Klíčové body` followed by two bullets, or by a paragraph.

    **Fix.** None: the points have to be rewritten.

    **Options.** `body.sections.items[].bullets.min`, `.max` (profile).
    """
    view = body_view(ctx)
    if not view.sectioned:
        return
    for pos, hit in enumerate(view.hits):
        if hit.index is None:
            continue
        rng = view.rules.sections[hit.index].spec.bullets
        if rng is None:
            continue
        h = hit.heading
        end = _section_end(view, pos)
        if not ctx.text[h.end:end].strip():
            continue  # empty-section reports it
        n = count_bullets(ctx.text, h.end, end)
        if n < rng.min or (rng.max is not None and n > rng.max):
            want = f"{rng.min} to {rng.max}" if rng.max is not None else f"at least {rng.min}"
            yield Problem(h.start, h.end, f"section '{_name(view, hit.index)}' has {n} bullet "
                          f"item{'s' if n != 1 else ''}; expected {want}")
