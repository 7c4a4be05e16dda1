"""Words in a script the text's language is not written in (NL709)."""

from __future__ import annotations

import bisect
import re
import unicodedata
from functools import lru_cache
from typing import Iterator, NamedTuple

from ..body import body_view
from ..document import Span
from .base import WARNING, Context, Problem, rule
from .encoding import STR_TAG, mixes_scripts

# A letter past Latin Extended-B: the cheap screen before anything is parsed (a superset of the
# letters of other scripts; the Unicode script data of the `regex` module decides)
_SCREEN = re.compile(r"[^\W\d_\x00-\u024f]")
# ISO 15924 codes of a language's usual script (CLDR likely subtags, via langcodes) that stand
# for several Unicode scripts
_SCRIPT_SETS = {"Jpan": ("Hani", "Hira", "Kana"), "Kore": ("Hang", "Hani"), "Hans": ("Hani",),
                "Hant": ("Hani",)}
# Scripts written without spaces between words: a run of them is one `\w+` "word", so two
# characters count as one word when telling a quotation from a stray word
_UNSPACED = ("Hani", "Hira", "Kana", "Thai", "Laoo", "Khmr", "Mymr")
QUOTATION_WORDS = 3  # this many foreign words in a row are a quotation, not a slip
_QUOTES = re.compile(r"„[^„“”]*[“”]|“[^“”]*”|«[^«»]*»|»[^«»]*«|‚[^‚‘’]*[‘’]|(?<!\w)‘[^‘’]*’(?!\w)"
                     r"|\"[^\"]*\"|(?<!\w)'[^']*'(?!\w)|「[^「」]*」|『[^『』]*』|《[^《》]*》")
_PARENS = re.compile(r"\([^()]*\)")
_GLOSS = re.compile(r"\s*\(")  # a parenthesised gloss follows: `Яндекс (Yandex)`
_CHAR_ESCAPE = re.compile(r"\\[xuUN]")  # YAML escapes that write a character by its code
# Markdown that is not text: code spans, link targets (inside their parentheses, which stay:
# they tell link text from other brackets), autolinks and HTML tags, bare URLs
_NOT_TEXT = re.compile(r"(?<!`)(`+)(?!`).+?(?<!`)\1(?!`)|(?<=\]\()[^)\n]*(?=\))|<[^<>\n]*>"
                       r"|(?:https?://|www\.)[^\s<>]+", re.DOTALL)
# Names, not words of a sentence: a link's text (`[ТАСС](…)`, `[РИА Новости][ria]`; not an
# image's alt text), a hashtag or handle (`#Победа`, `@Медуза`)
_LINK_TEXT = re.compile(r"(?<!!)\[[^\[\]]*\](?:\(\s*\)|\[[^\[\]]*\])")
_TAG = re.compile(r"(?<![\w#@])[#@]\w+")
_NAME_FIELDS = ("people", "companies")  # front-matter lists of names, besides source.name


class Finding(NamedTuple):
    start: int  # offsets into the text that was read
    end: int
    word: str
    script: str  # its script's name, as Unicode names it ("Cyrillic", "CJK", ...)


@lru_cache(maxsize=8)
def _foreign_letter(language: str):
    """A `regex` pattern of the letters that ``language``'s usual script, Latin, Common and
    Inherited do not hold; None when the language's script is not known."""
    import langcodes
    import regex

    try:
        script = langcodes.Language.get(language).maximize().script
    except (ValueError, LookupError):
        return None
    if not script:
        return None
    own = {"Latn", "Zyyy", "Zinh", *_SCRIPT_SETS.get(script, (script,))}
    return regex.compile("[^\\P{L}" + "".join(f"\\p{{Script={s}}}" for s in sorted(own)) + "]")


@lru_cache(maxsize=1)
def _patterns():
    import regex

    unspaced = "".join(f"\\p{{Script={s}}}" for s in _UNSPACED)
    return regex.compile(r"\w+"), regex.compile(r"\p{L}"), regex.compile(f"[{unspaced}]")


@lru_cache(maxsize=1)
def _compound_patterns():
    """A hyphenated compound (`VK-Видео`) and a Latin letter, the part that makes it a name."""
    import regex

    return regex.compile(r"\w+(?:[-\u2010\u2011]\w+)+"), regex.compile(r"\p{Script=Latin}")


def _name_spans(text: str, declared: re.Pattern | None) -> list[_Spans]:
    """Where ``text`` holds names: link text, hashtags and handles, hyphenated compounds with a
    Latin part (a brand: `VK-Видео`), and the names the front matter declares (``declared``)."""
    compound, latin = _compound_patterns()
    brands = [m.span() for m in compound.finditer(text) if latin.search(m.group())]
    spans = [_Spans.of(_LINK_TEXT, text), _Spans.of(_TAG, text), _Spans(brands)]
    return spans + [_Spans.of(declared, text)] if declared is not None else spans


def _script_name(letter: str) -> str:
    name = unicodedata.name(letter, "").split(" ", 1)[0]
    return name if name in ("CJK", "") else name.capitalize()


def foreign_words(text: str, foreign, declared: re.Pattern | None = None) -> Iterator[Finding]:
    """The words of ``text`` (Markdown or YAML source with what is not text blanked out) whose
    letters are of a script ``foreign`` matches, less what is allowed: a word inside quotes or
    parentheses, or followed by a parenthesised gloss; a name (link text, a hashtag or handle,
    a compound with a Latin part, a name ``declared`` matches); a single letter (`π`,
    `β verze`); a word that mixes Latin with Cyrillic, Greek or Arabic (rule
    mixed-script-word's); a run of ``QUOTATION_WORDS`` or more foreign words (a quotation).
    Quoted words and names count in a run."""
    word_re, letter_re, unspaced_re = _patterns()
    runs: list[list] = [[]]
    for m in word_re.finditer(text):
        letters = foreign.findall(m.group())
        if letters:
            runs[-1].append((m, letters))
        elif letter_re.search(m.group()) and runs[-1]:
            runs.append([])  # a Latin word ends the run
    allowed = [_Spans.of(_QUOTES, text), _Spans.of(_PARENS, text), *_name_spans(text, declared)]
    for run in runs:
        weight = sum(max(1, len(ls) // 2) if unspaced_re.match(ls[0]) else 1 for _, ls in run)
        if not run or weight >= QUOTATION_WORDS or _GLOSS.match(text, run[-1][0].end()):
            continue
        for m, letters in run:
            word = m.group()
            if len(letter_re.findall(word)) == 1 or mixes_scripts(word):
                continue
            if any(spans.holds(m.start(), m.end()) for spans in allowed):
                continue
            yield Finding(m.start(), m.end(), word, _script_name(letters[0]))


class _Spans:
    """Spans that do not overlap, in order (the matches of a pattern), asked whether one holds a
    span: one binary search per question."""

    def __init__(self, spans: list[tuple[int, int]]):
        self.spans = spans
        self.starts = [s for s, _ in spans]

    @classmethod
    def of(cls, pattern, text: str) -> _Spans:
        return cls([m.span() for m in pattern.finditer(text)])

    def holds(self, start: int, end: int) -> bool:
        i = bisect.bisect_right(self.starts, start) - 1
        return i >= 0 and end <= self.spans[i][1]


def _blank(text: str, spans) -> str:
    """``text`` with ``spans`` replaced by spaces (offsets stay where they were)."""
    chars = list(text)
    for s, e in spans:
        chars[s:e] = " " * (e - s)
    return "".join(chars)


def _masked(text: str) -> str:
    return _blank(text, [m.span() for m in _NOT_TEXT.finditer(text)])


def _field_text(ctx: Context, name: str) -> tuple[int, str, Span | None] | None:
    """Where a front-matter string's source starts and the source, as the words are read:
    without its quotes, a doubled `''` read as one quote, `\\"` as a quote. A double-quoted
    value with escapes that write characters (`\\u0431`) is read decoded, and its words are
    placed at the whole value (the third item). None when the value is not a string."""
    entry = ctx.doc.entry(name)
    if entry is None or getattr(entry.node, "tag", None) != STR_TAG:
        return None
    start, end = entry.value
    style = getattr(entry.node, "style", None) or ""
    if style in ("'", '"'):
        start, end = start + 1, end - 1
    src = ctx.text[start:end]
    if style == "'":
        src = src.replace("''", "' ")
    elif style == '"' and _CHAR_ESCAPE.search(src):
        return start, _masked(entry.node.value), entry.value
    elif style == '"':
        src = re.sub(r"\\(.)", r" \1", src)
    return start, _masked(src), None


def _body_texts(ctx: Context) -> Iterator[tuple[int, str]]:
    """The paragraphs and headings of a modern article's body before its footer (markdown-it's
    inline blocks: no fenced or indented code, no HTML blocks), each with its offset."""
    view = body_view(ctx)
    if not view.modern:
        return
    lo, hi = ctx.doc.body_start, view.content_end
    body = ctx.text[lo:hi]
    if not _SCREEN.search(body):
        return
    starts = [0] + [m.end() for m in re.finditer("\n", body)] + [len(body)]
    for token in _markdown().parse(body):
        if token.type == "inline" and token.map:
            a, b = token.map
            s, e = starts[a], starts[min(b, len(starts) - 1)]
            yield lo + s, _masked(body[s:e])


@lru_cache(maxsize=1)
def _markdown():
    from markdown_it import MarkdownIt

    return MarkdownIt("commonmark")


def _declared_names(ctx: Context) -> re.Pattern | None:
    """The names the front matter declares (`source.name`, the items of `people` and
    `companies`) that have letters past Latin, as one pattern of whole words (a space in a name
    matches any run of white space: a folded value); None when there is none."""
    source = ctx.data.get("source")
    names = [source.get("name")] if isinstance(source, dict) else []
    for key in _NAME_FIELDS:
        items = ctx.data.get(key)
        names += items if isinstance(items, list) else []
    found = {n.strip() for n in names if isinstance(n, str) and _SCREEN.search(n)}
    if not found:
        return None
    alternatives = (r"\s+".join(map(re.escape, n.split())) for n in sorted(found, key=len, reverse=True))
    return re.compile(r"(?<!\w)(?:" + "|".join(alternatives) + r")(?!\w)")


def _languages(ctx: Context) -> tuple[str, list[str]]:
    """The body's language and the front-matter fields written in it (the profile's
    `languages`)."""
    languages = ctx.profile.languages
    own = languages.get("body") or ctx.profile.category.language
    return own, [n for n, lang in languages.items() if lang == own and n != "body"]


@rule("NL709", "foreign-script-word", WARNING)
def foreign_script_word(ctx: Context):
    """A word in a script the article's language is not written in (`duševního здоровья`).

    **What it does.** Reads the paragraphs, headings and list items of a modern article's
    body (not code, HTML, links, URLs or the footer) and the front-matter fields the
    profile's `languages` gives the body's language (`title`, `description`, `category`,
    `author`; not `original_title`, `slug`, `source`), and reports each word written in a
    script that language does not use: for Czech every script but Latin (Cyrillic, Greek,
    Arabic, Hebrew, CJK, ...). The language's script comes from CLDR's likely subtags
    (langcodes), each letter's script from the Unicode data of the `regex` module. Each word
    is reported at its line and column (a value that writes its letters as `\\u` escapes: at
    the value).

    Not reported: a word in quotes (`„благо“`, `"…"`, `«…»`, `'…'`, `「…」`) or in parentheses
    (`Yandex (Яндекс)`), a word followed by a parenthesised gloss (`Яндекс (Yandex)`), a single
    letter (`π`, `β verze`, `Ω`), three or more foreign words in a row (a quotation; in scripts
    written without spaces, Chinese and Japanese, six characters), and a word that also has
    Latin letters with Cyrillic, Greek or Arabic ones (`mixed-script-word` reports it). Nor
    names: a link's text (`[ТАСС](https://tass.ru)`; an image's alt text is read), a hashtag
    or handle (`#Победа`, `@Медуза`), a hyphenated compound with a Latin part (the brand
    `VK-Видео`; `видео-сервис` is read), and a name the front matter declares: `source.name`
    or an item of `people` or `companies` (`Павел Дуров`, in that spelling).

    **Why.** LLM translations slip a word of another language into the Czech sentence; the
    reader cannot read it, and search does not find the Czech word.

    **Example.** `… rizika v oblasti duševního здоровья mladistvých` (`zdraví`).

    **Fix.** None: translate the word, or transliterate a name (`Яндекс` → `Yandex`); a
    quotation belongs in quotes.

    **Options.** `languages` (profile): the language of the body and of each field.
    """
    if not isinstance(ctx.data, dict) or not (_SCREEN.search(ctx.text) or "\\" in ctx.doc.yaml_text):
        return
    language, fields = _languages(ctx)
    foreign = _foreign_letter(language)
    if foreign is None:
        return
    texts = [t for t in map(lambda n: _field_text(ctx, n), fields) if t is not None]
    declared = _declared_names(ctx)
    for base, text, whole in [*texts, *((b, t, None) for b, t in _body_texts(ctx))]:
        if not _SCREEN.search(text):
            continue
        for f in foreign_words(text, foreign, declared):
            start, end = whole or (base + f.start, base + f.end)
            yield Problem(start, end, f"{f.script} word '{f.word}' in '{language}' text: translate or "
                          "transliterate it")
