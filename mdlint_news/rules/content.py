"""What the body and the Czech fields say: fallback body, untranslated text, LLM leaks (NL84x)."""

from __future__ import annotations

import re
from typing import NamedTuple

from ..body import body_view
from ..diagnostics import Related, Severity
from ..leaks import Folded
from .base import ERROR, WARNING, Context, Problem, rule


class FallbackBody(NamedTuple):
    start: int  # the body's text, without the blank lines around it
    end: int
    empty: bool  # the body is empty, like `description` (else: a copy of it)

    @property
    def note(self) -> str:
        return "the body is empty" if self.empty else "the body is a copy of `description`"


def fallback_body(ctx: Context) -> FallbackBody | None:
    """The body, when it is the fallback copy of `description` (on or after `body.since`)."""
    return ctx.once("fallback-body", _fallback_body)


def _fallback_body(ctx: Context) -> FallbackBody | None:
    view = body_view(ctx)
    if not view.fallback:
        return None
    lo, hi = view.content_start, view.content_end
    chunk = ctx.text[lo:hi]
    s = lo + len(chunk) - len(chunk.lstrip())
    e = lo + len(chunk.rstrip())
    return FallbackBody(s, max(s, e), s >= e)


@rule("NL841", "body-fallback", WARNING)
def body_fallback(ctx: Context):
    """The body is a copy of `description`: the article text was not generated.

    **What it does.** Compares the body (without the footer, whitespace collapsed) with
    `description`. Applies to modern-layout articles published on or after `body.since`
    (before that date every body was the description, by design). When the title is not
    translated either, `not-translated` reports the article once instead, this body among its
    evidence (unless `not-translated` is not selected).

    **Why.** When generation fails the generator still publishes the article: the body is the
    description, the title is often left in English and `category` is the fallback `tech`. The
    article needs to be regenerated. The section rules do not check such a body.

    **Example.**
    ```markdown
    ---
    description: Refurbished specialist ETB has seen a surge in interest ...
    ---

    Refurbished specialist ETB has seen a surge in interest ...
    ```

    **Fix.** None: regenerate the article.

    **Options.** `body.since` (profile).
    """
    body = fallback_body(ctx)
    if body is None or explained(ctx, "body"):
        return
    data = ctx.data
    signs = []
    if data.get("category") == ctx.profile.category.fallback:
        signs.append(f"category is '{ctx.profile.category.fallback}'")
    if isinstance(data.get("title"), str) and data.get("title") == data.get("original_title"):
        signs.append("the title is the original title")
    what = "the body is empty, like `description`" if body.empty else "the body is a copy of `description`"
    more = f" ({'; '.join(signs)})" if signs else ""
    yield Problem(body.start, body.end, f"{what}: the article text was not generated{more}; regenerate it")


_WORD = re.compile(r"[^\W\d_]{2,}")
# Letters of the native language (cheap first check, before any word list is loaded): ``own`` occur
# in no English word, ``marks`` are the language's diacritics in general.
_LETTERS = {
    "cs": (set("ěščřžůťďňĚŠČŘŽŮŤĎŇ"), set("ěščřžůťďňĚŠČŘŽŮŤĎŇáéíóúýÁÉÍÓÚÝ")),
    "sk": (set("ľĺŕôäčšžťďňĽĹŔÔÄČŠŽŤĎŇ"), set("ľĺŕôäčšžťďňĽĹŔÔÄČŠŽŤĎŇáéíóúýÁÉÍÓÚÝ")),
}


_OWN: dict[str, re.Pattern] = {}


def _own_letter(language: str) -> re.Pattern:
    if language not in _OWN:
        _OWN[language] = re.compile("[" + "".join(sorted(_LETTERS[language][0])) + "]")
    return _OWN[language]


def _language_votes(words: list[str], native: str, foreign: str) -> tuple[int, int]:
    from ..lexicon import zipf_frequency  # word lists compiled once, read a word at a time

    mine = theirs = 0
    for w in words:
        w = w.lower()
        a, b = zipf_frequency(w, native), zipf_frequency(w, foreign)
        if a - b >= 1.0:
            mine += 1
        elif b - a >= 1.0:
            theirs += 1
    return mine, theirs


def looks_foreign(value: str, native: str, foreign: str, min_words: int) -> tuple[bool, int, int]:
    """Whether ``value`` reads as ``foreign`` rather than ``native``: most of its words are more
    frequent in the foreign language's wordfreq list. A text with a letter only the native
    language has (Czech `ěščřžůťďň`), or with diacritics on a third of its words, is native
    without a look-up."""
    letters = _LETTERS.get(native)
    if letters and _own_letter(native).search(value):
        return False, 0, 0
    words = _WORD.findall(value)
    if len(words) < min_words:
        return False, 0, 0
    if letters:
        own, marks = letters
        marked = 0
        for w in words:
            if not own.isdisjoint(w):
                return False, 0, 0
            marked += not marks.isdisjoint(w)
        if marked * 3 >= len(words):
            return False, 0, 0
    mine, theirs = _language_votes(words, native, foreign)
    return theirs >= min_words and theirs > 2 * mine, mine, theirs


class Untranslated(NamedTuple):
    """A field left in the foreign language."""

    name: str
    start: int  # the value's span
    end: int
    equal: bool  # the title equals original_title (else: its words read as foreign)
    note: str  # what was found, for a related location

    @property
    def severity(self):
        return ERROR if self.equal else WARNING


def untranslated_fields(ctx: Context) -> tuple[Untranslated, ...]:
    """The fields of `body.untranslated.fields` that were not translated, in that order."""
    return ctx.once("untranslated-fields", _untranslated_fields)


def _untranslated_fields(ctx: Context) -> tuple[Untranslated, ...]:
    view = body_view(ctx)
    settings = view.rules.settings.untranslated
    if not view.modern or settings is None:
        return ()
    data = ctx.data
    original = data.get("original_title")
    out = []
    for name in settings.fields:
        value = data.get(name)
        if not isinstance(value, str) or not value.strip():
            continue
        span = ctx.doc.value_span(name)
        if name == "title" and isinstance(original, str) and value.strip() == original.strip():
            out.append(Untranslated(name, span.start, span.end, True, "title equals original_title"))
            continue
        foreign, mine, theirs = looks_foreign(value, settings.language, settings.foreign, settings.min_words)
        if foreign:
            out.append(Untranslated(name, span.start, span.end, False,
                                    f"{name} reads as '{settings.foreign}', not '{settings.language}' "
                                    f"({theirs} words {settings.foreign}, {mine} {settings.language})"))
    return tuple(out)


@rule("NL842", "untranslated", ERROR)
def untranslated(ctx: Context):
    """`title` or `description` is not in Czech (left in English).

    **What it does.** An error when `title` equals `original_title`. A warning when the words of
    `title` or `description` read as English rather than Czech: each word is looked up in the
    [wordfreq](https://pypi.org/project/wordfreq/) lists of both languages, and the text is
    reported when more than twice as many words are clearly English as clearly Czech (and at
    least `min-words` are). Texts with a letter English never has (`ěščřžůťďň`), or with Czech
    diacritics on a third of their words, are accepted without the look-up. When the title and
    the rest of the article are all untranslated, `not-translated` reports the article once
    instead (unless it is not selected); a lone untranslated field is reported here.

    **Why.** The site is Czech; an English title or teaser means the translation step failed
    (often together with the fallback body and `category: tech`).

    **Example.** `title: AI driving GPU demand` with `original_title: AI driving GPU demand`.

    **Fix.** None: the text has to be translated.

    **Options.** `body.untranslated.fields`, `.language`, `.foreign`, `.min-words` (profile).
    """
    for u in untranslated_fields(ctx):
        if explained(ctx, u.name):
            continue
        if u.equal:
            yield Problem(u.start, u.end, "title equals original_title: it was not translated")
        else:
            yield Problem(u.start, u.end, f"{u.note}: not translated?", severity=WARNING)


class RootCause(NamedTuple):
    """An article that was not translated: one finding, its evidence as related locations."""

    start: int  # the title's value
    end: int
    message: str
    severity: Severity
    evidence: tuple[Related, ...]
    parts: frozenset[str]  # what the evidence covers: title, description, body, category


def not_translated_fact(ctx: Context) -> RootCause | None:
    return ctx.once("not-translated", _root_cause)


def explained(ctx: Context, part: str) -> bool:
    """Whether ``part`` of the article (title, description, body, category) is evidence of the
    `not-translated` finding, which then reports it: its own rule stays quiet. Only when that
    rule runs: with `--ignore not-translated` (or a selection without it) each is reported."""
    if not ctx.runs(not_translated):
        return False
    fact = not_translated_fact(ctx)
    return fact is not None and part in fact.parts


def _root_cause(ctx: Context) -> RootCause | None:
    found = {u.name: u for u in untranslated_fields(ctx)}
    title, desc, body = found.get("title"), found.get("description"), fallback_body(ctx)
    if body is not None and desc is None and not body.empty:
        body = None  # a copy of a description in the native language: not generated, but translated
    if title is None or (desc is None and body is None):
        return None  # a lone untranslated field is `untranslated`'s finding
    evidence = {"title": Related(title.start, title.end, title.note)}
    left, said = ["title"], []  # the parts left in the foreign language; the other signs
    if desc is not None:
        evidence["description"] = Related(desc.start, desc.end, desc.note)
        left.append("description")
    if body is not None:
        evidence["body"] = Related(body.start, body.end, body.note)
        if body.empty:
            said.append(body.note)
        else:
            left.append("body")  # a copy of the untranslated description
    fallback = ctx.profile.category.fallback
    if ctx.data.get("category") == fallback:
        span = ctx.doc.value_span("category")
        evidence["category"] = Related(span.start, span.end, f"category is the fallback '{fallback}'")
        said.append(evidence["category"].message)
    foreign = body_view(ctx).rules.settings.untranslated.foreign
    names = left[0] if len(left) == 1 else f"{', '.join(left[:-1])} and {left[-1]}"
    what = "; ".join([f"{names} {'is' if len(left) == 1 else 'are'} left in '{foreign}'", *said])
    return RootCause(title.start, title.end, f"the article was not translated: {what}: regenerate it",
                     title.severity, tuple(evidence.values()), frozenset(evidence))


@rule("NL844", "not-translated", ERROR)
def not_translated(ctx: Context):
    """The article was not translated: its title and text are the English originals.

    **What it does.** Reports an article once, at its `title`, when the title was not translated
    (it equals `original_title`, or reads as English: see `untranslated`) and the rest was not
    either: `description` reads as English (the body then often a copy of it), or description
    and body are empty. Each piece of evidence is a related location with a note: the title,
    the description, the body, and the fallback `category` (`tech`) when it is one. Those
    pieces are then not reported again by `untranslated`, `body-fallback` and
    `category-format`; with this rule not selected (or ignored) they are. An error when the
    title equals `original_title` (as `untranslated` says), else a warning. A lone untranslated
    field (a Czech title over an English description) stays `untranslated`'s finding, and a
    body copying a Czech description (translated, not generated) `body-fallback`'s.

    **Why.** When the translation step fails the generator still publishes the article: title
    and description in English, the body a copy of the description, `category: tech`. That is
    one problem, with one remedy (regenerate the article), not four.

    **Example.** (`2025-10-29-please-stop-using-ai-browsers-xda.md`)
    ```markdown
    ---
    category: tech
    description: Agentic AI browsers are dangerous, and even some of the biggest browser
      companies think so.
    original_title: Please stop using AI browsers - XDA
    title: Please stop using AI browsers - XDA
    ---

    Agentic AI browsers are dangerous, and even some of the biggest browser companies think so.
    ```
    gives one error at the title: `the article was not translated: title, description and body
    are left in 'en'; category is the fallback 'tech': regenerate it`, with four notes.

    **Fix.** None: regenerate the article.

    **Options.** Those of `untranslated` (`body.untranslated.*`), `body-fallback`
    (`body.since`) and `category.fallback` (profile).
    """
    fact = not_translated_fact(ctx)
    if fact is not None:
        yield Problem(fact.start, fact.end, fact.message, severity=fact.severity,
                      related=fact.evidence)


@rule("NL843", "content-leak", WARNING)
def content_leak(ctx: Context):
    """Text of the generating LLM leaked into the article: word counts, persona, prompt text.

    **What it does.** Searches the body (without the footer) and the profile's `leaks.fields`
    (`title`, `description`) for the profile's `leaks.patterns` (case-insensitive regular
    expressions) and reports each match with its text.

    **Why.** The LLM that writes the articles sometimes answers its instructions in the text:
    `(512 slov)`, `*(Celkem cca 550 slov)*`, `Jako expert na AI vidím…` (the persona it was
    given), or instructions copied from the prompt (`Zachovává se použití technických termínů v
    angličtině`). None of it belongs in published news.

    **Example.** A paragraph of `Proč je to důležité` ending with `(Celkem 528 slov)`.

    **Fix.** None: the sentence has to be removed or rewritten by an editor.

    **Options.** `body.leaks.patterns` (`name`, `pattern`, `message`), `body.leaks.fields`
    (profile).
    """
    view = body_view(ctx)
    rules = view.rules
    if not view.modern or not rules.leaks:
        return
    text = ctx.text
    lo, hi = view.content_start, view.content_end
    folded = Folded(text[lo:hi])
    found = []
    for leak in rules.leaks:
        for m in leak.finditer(text, lo, hi, folded):
            found.append((m.start(), m.end(), _describe(leak, m)))
    for start, end, message in sorted(found):
        yield Problem(start, end, message)
    values = [(n, v) for n in rules.settings.leaks.fields if isinstance(v := ctx.data.get(n), str)]
    joined = Folded("\n".join(v for _, v in values))
    leaks = [leak for leak in rules.leaks if leak.may_match(joined)]  # most fields have none
    for name, value in values:
        for leak in leaks:
            for m in leak.finditer(value, 0, len(value)):
                span = ctx.doc.value_span(name)
                yield Problem(span.start, span.end, f"{name}: {_describe(leak, m)}")


def _describe(leak, m: re.Match) -> str:
    found = " ".join(m.group().split())
    return f"{leak.spec.message or 'LLM ' + leak.spec.name + ' leaked into the text'}: '{found}'"
