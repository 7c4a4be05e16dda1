"""What the body and the Czech fields say: fallback body, untranslated text, LLM leaks (NL84x)."""

from __future__ import annotations

import re

from .base import ERROR, WARNING, Context, Problem, rule
from .headings import Folded, body_view


@rule("NL841", "body-fallback", WARNING)
def body_fallback(ctx: Context):
    """The body is a copy of `description`: the article text was not generated.

    **What it does.** Compares the body (without the footer, whitespace collapsed) with
    `description`. Applies to modern-layout articles published on or after `body.since`
    (before that date every body was the description, by design).

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
    view = body_view(ctx)
    if not view.fallback:
        return
    text = ctx.text
    lo, hi = view.content_start, view.content_end
    chunk = text[lo:hi]
    s = lo + len(chunk) - len(chunk.lstrip())
    e = lo + len(chunk.rstrip())
    data = ctx.data
    signs = []
    if data.get("category") == ctx.profile.category.fallback:
        signs.append(f"category is '{ctx.profile.category.fallback}'")
    if isinstance(data.get("title"), str) and data.get("title") == data.get("original_title"):
        signs.append("the title is the original title")
    what = "the body is empty, like `description`" if s >= e else "the body is a copy of `description`"
    more = f" ({'; '.join(signs)})" if signs else ""
    yield Problem(s, max(s, e), f"{what}: the article text was not generated{more}; regenerate it")


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


@rule("NL842", "untranslated", ERROR)
def untranslated(ctx: Context):
    """`title` or `description` is not in Czech (left in English).

    **What it does.** An error when `title` equals `original_title`. A warning when the words of
    `title` or `description` read as English rather than Czech: each word is looked up in the
    [wordfreq](https://pypi.org/project/wordfreq/) lists of both languages, and the text is
    reported when more than twice as many words are clearly English as clearly Czech (and at
    least `min-words` are). Texts with a letter English never has (`ěščřžůťďň`), or with Czech
    diacritics on a third of their words, are accepted without the look-up.

    **Why.** The site is Czech; an English title or teaser means the translation step failed
    (often together with the fallback body and `category: tech`).

    **Example.** `title: AI driving GPU demand` with `original_title: AI driving GPU demand`.

    **Fix.** None: the text has to be translated.

    **Options.** `body.untranslated.fields`, `.language`, `.foreign`, `.min-words` (profile).
    """
    view = body_view(ctx)
    settings = view.rules.settings.untranslated
    if not view.modern or settings is None:
        return
    data = ctx.data
    original = data.get("original_title")
    for name in settings.fields:
        value = data.get(name)
        if not isinstance(value, str) or not value.strip():
            continue
        span = ctx.doc.value_span(name)
        if name == "title" and isinstance(original, str) and value.strip() == original.strip():
            yield Problem(span.start, span.end, "title equals original_title: it was not translated")
            continue
        foreign, mine, theirs = looks_foreign(value, settings.language, settings.foreign, settings.min_words)
        if foreign:
            yield Problem(span.start, span.end,
                          f"{name} reads as '{settings.foreign}', not '{settings.language}' "
                          f"({theirs} words {settings.foreign}, {mine} {settings.language}): "
                          "not translated?", severity=WARNING)


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
