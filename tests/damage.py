"""Damage as it happens to a written article: the file's UTF-8 bytes read with the wrong code page,
then saved again as UTF-8 (front matter and body alike, after the YAML was written).

One vocabulary for the tests and ``benchmarks/encoding_bench.py``: ``SHAPES`` maps a shape's name
to whether it loses bytes and the function ``text -> damaged text``; ``saved_as`` gives the bytes of
a file saved in a legacy code page (not mojibake: the file is not UTF-8 at all).
"""

from __future__ import annotations

import math
import unicodedata
from functools import lru_cache
from typing import Callable, NamedTuple, Sequence

#: The C1 bytes Windows-1252 leaves undefined (browsers keep them as U+0081 ... U+009D).
CP1252_UNDEFINED = b"\x81\x8d\x8f\x90\x9d"


def read_as(text: str, codec: str, *, drop: bool = False, c1: bool = True, fill: str = "") -> str:
    """The UTF-8 bytes of ``text`` decoded one byte at a time with ``codec``. A byte the code page
    leaves undefined is kept as the C1 control of the same number (as browsers and Latin-1 round
    trips do), dropped (``drop``) or replaced by ``fill`` (a strict decoder with
    ``errors="replace"`` writes U+FFFD). ``c1=False`` strips every C1 control from the result (a
    pipeline that removes "control characters": Latin-1 text loses all of 0x80-0x9F)."""
    out = []
    for b in text.encode("utf-8"):
        try:
            out.append(bytes([b]).decode(codec))
        except UnicodeDecodeError:
            if fill:
                out.append(fill)
            elif not drop:
                out.append(chr(b))
    s = "".join(out)
    if not c1:
        s = "".join(c for c in s if not 0x80 <= ord(c) <= 0x9F)
    return s


def lose(text: str, *, shy: bool = False, nbsp: bool = False) -> str:
    """Invisible characters a pipeline strips: soft hyphens removed, no-break spaces made spaces."""
    if shy:
        text = text.replace("\u00ad", "")
    if nbsp:
        text = text.replace("\u00a0", " ")
    return text


def saved_as(text: str, codec: str) -> bytes:
    """The bytes of a file saved in a legacy code page (characters it lacks written as ``?``)."""
    return text.encode(codec, errors="replace")


class Shape(NamedTuple):
    lossy: bool
    damage: Callable[[str], str]


def _paragraphs(text: str, fn: Callable[[str], str]) -> str:
    """Every other blank-line-separated block damaged by ``fn``: part of a file re-saved."""
    blocks = text.split("\n\n")
    return "\n\n".join(fn(b) if i % 2 else b for i, b in enumerate(blocks))


SHAPES: dict[str, Shape] = {
    # lossless: every byte is still there
    "cp1252 browser (C1 kept)": Shape(False, lambda t: read_as(t, "cp1252")),
    "latin-1 (C1 kept)": Shape(False, lambda t: read_as(t, "latin-1")),
    "cp1250": Shape(False, lambda t: read_as(t, "cp1250")),
    "cp1251": Shape(False, lambda t: read_as(t, "cp1251")),
    "cp1254": Shape(False, lambda t: read_as(t, "cp1254")),
    "cp1257": Shape(False, lambda t: read_as(t, "cp1257")),
    "iso-8859-2": Shape(False, lambda t: read_as(t, "iso8859_2")),
    "mac-roman": Shape(False, lambda t: read_as(t, "mac_roman")),
    "cp437": Shape(False, lambda t: read_as(t, "cp437")),
    "double cp1252": Shape(False, lambda t: read_as(read_as(t, "cp1252"), "cp1252")),
    "cp1250 then cp1252": Shape(False, lambda t: read_as(read_as(t, "cp1250"), "cp1252")),
    "mixed: every other paragraph": Shape(False, lambda t: _paragraphs(t, lambda b: read_as(b, "cp1252"))),
    # lossy: bytes dropped or characters stripped
    "cp1252 undefined dropped": Shape(True, lambda t: read_as(t, "cp1252", drop=True)),
    "cp1250 undefined dropped": Shape(True, lambda t: read_as(t, "cp1250", drop=True)),
    "cp1251 undefined dropped": Shape(True, lambda t: read_as(t, "cp1251", drop=True)),
    "cp1257 undefined dropped": Shape(True, lambda t: read_as(t, "cp1257", drop=True)),
    "cp1252 strict (undefined as U+FFFD)": Shape(True, lambda t: read_as(t, "cp1252", fill="\ufffd")),
    "cp1254 dropped + SHY (seed)": Shape(True, lambda t: lose(read_as(t, "cp1254", drop=True), shy=True)),
    "latin-1 C1 stripped": Shape(True, lambda t: read_as(t, "latin-1", c1=False)),
    "cp1252 SHY lost": Shape(True, lambda t: lose(read_as(t, "cp1252"), shy=True)),
    "cp1252 NBSP lost": Shape(True, lambda t: lose(read_as(t, "cp1252"), nbsp=True)),
}

#: Code pages a whole file may be saved in instead of UTF-8 (decided by the language model).
LEGACY_CODEPAGES = ("cp1250", "iso8859_2", "cp1252", "cp1251", "cp1257")


# --------------------------------------------------------------------------------------------
# What a lossy shape leaves to chance: the ceiling of any repair
# --------------------------------------------------------------------------------------------
#
# Every shape damages a text character by character (``damage(xy) == damage(x) + damage(y)``:
# bytes read one at a time, characters stripped or replaced one at a time) and never loses a
# lead byte, so the damaged text tells where each character began and how long it was. Two clean
# texts give the same damaged text exactly when they differ by characters whose own damage is the
# same: a character ``c`` is damaged lossily when some other assigned character ``c2`` is damaged
# to the same text (``lost_alternatives``). Whether ``c2`` is as plausible a reading as ``c`` is
# the criterion of ``ambiguities``.

#: Dashes the articles use in the same role (a spaced dash between clauses): en and em dash are
#: both in use on the site (the corpus holds both) and in every language the benchmark writes.
#: Quotes are not here: the language's convention and the pairing of opening and closing marks
#: tell them apart.
DASHES = "–—"
#: Another reading (a word, a symbol) counts when it is at most this much rarer (Zipf, log10)
#: than the true one: ten times rarer or less, no frequency tells them apart reliably; a much
#: rarer reading loses to the true one anyway.
MARGIN = 1.0
_ASSIGNED_NOT = ("Cn", "Cs", "Co")


def _lead_range(lead: int) -> range:
    """The code points whose UTF-8 encoding starts with byte ``lead`` (0xC2-0xF4)."""
    if lead < 0xE0:
        return range((lead & 0x1F) << 6, ((lead & 0x1F) << 6) + 0x40)
    if lead < 0xF0:
        lo = (lead & 0x0F) << 12
        return range(max(lo, 0x800), lo + 0x1000)
    lo = (lead & 0x07) << 18
    return range(max(lo, 0x10000), min(lo + 0x40000, 0x110000))


@lru_cache(maxsize=None)
def _images(shape: str, lead: int) -> dict[str, tuple[str, ...]]:
    """Damaged text -> the assigned characters with UTF-8 lead byte ``lead`` that ``shape``
    damages to it (one call of the shape's own damage function on all of them, one a line: no
    damage touches a newline or makes one)."""
    chars = [chr(cp) for cp in _lead_range(lead) if unicodedata.category(chr(cp)) not in _ASSIGNED_NOT]
    images = SHAPES[shape].damage("\n".join(chars)).split("\n")
    assert len(images) == len(chars), shape
    out: dict[str, list[str]] = {}
    for ch, im in zip(chars, images):
        out.setdefault(im, []).append(ch)
    return {im: tuple(chs) for im, chs in out.items()}


@lru_cache(maxsize=None)
def lost_alternatives(c: str, shape: str) -> tuple[str, ...]:
    """The other assigned characters ``shape`` damages to the same text as ``c`` (none: ``c`` is
    damaged losslessly, or not at all). An ASCII character is never damaged lossily."""
    if c.isascii():
        return ()
    image = SHAPES[shape].damage(c)
    return tuple(x for x in _images(shape, c.encode("utf-8")[0]).get(image, ()) if x != c)


class Ambiguity(NamedTuple):
    cause: str  # one of CAUSES
    char: str  # the clean character
    alt: str  # another as plausible reading, damaged to the same text
    word: str  # the clean word around a letter (a symbol or dash: the character)
    reading: str  # ``word`` with ``alt`` for ``char``


CAUSES = ("emoji/symbol with a lost byte, no copy", "word alternative", "dash for a dash")


def _cause_of(c: str, cat: str) -> str:
    return CAUSES[0] if cat[0] == "S" else CAUSES[1] if cat[0] in "LM" else CAUSES[2]


def _in_sequence(text: str, i: int) -> bool:
    """``text[i]`` is joined to its neighbours (a ZWJ sequence 👩‍💻, a skin tone 👍🏽): the sequence
    admits few of the alternatives (not 🍩‍💻, 🍑🏽), which Python's Unicode data cannot list; not
    counted, so that the count of ambiguous files errs low."""
    nxt, prev = text[i + 1:i + 2], text[i - 1:i]
    return "\u200d" in (nxt, prev) or (nxt != "" and 0x1F3FB <= ord(nxt) <= 0x1F3FF)


def _spaceless(c: str) -> bool:
    """A Han or kana character: the script writes no spaces, its frequency is the character's."""
    o = ord(c)
    return 0x3040 <= o <= 0x30FF or 0x3400 <= o <= 0x9FFF or 0xF900 <= o <= 0xFAFF or o >= 0x20000


def _wordish(c: str) -> bool:
    return c.isalnum() or unicodedata.category(c).startswith("M") or c in "'’"


@lru_cache(maxsize=None)
def _zipf(word: str, lang: str) -> float:
    """wordfreq's Zipf frequency of ``word`` in ``lang`` (the compiled lists of
    ``mdlint_news.lexicon``: the same values; Chinese, Japanese and Korean words looked up
    directly, wordfreq's own tokenizers for them need MeCab/jieba). 0: not a word."""
    from mdlint_news import lexicon

    if lang not in lexicon.available_languages():
        return 0.0
    if lang in ("ja", "zh", "ko"):
        f = lexicon.get(lang).freq(unicodedata.normalize("NFC", word).casefold())
        return math.log10(f) + 9.0 if f else 0.0
    return lexicon.zipf_frequency(word, lang)


def _best_zipf(word: str, langs: Sequence[str]) -> float:
    return max((_zipf(word, lang) for lang in langs), default=0.0)


@lru_cache(maxsize=None)
def _symbol_alts(c: str, shape: str) -> tuple[str, ...]:
    """The symbols damaged like ``c`` of its Unicode category, an emoji for an emoji (Unicode's
    emoji, the engine's list) and a symbol for a symbol, that wordfreq has seen written at most
    ``MARGIN`` rarer than ``c`` (it counts emoji: 🌐 Zipf 1.3, 🌍 1.7, 🌁 0): readings as plausible
    as ``c`` where nothing else tells."""
    from mdlint_news.mojibake.scoring import is_emoji

    cat, emoji, z = unicodedata.category(c), is_emoji(c), _zipf(c, "en")
    return tuple(x for x in lost_alternatives(c, shape) if unicodedata.category(x) == cat
                 and is_emoji(x) == emoji and 0 < _zipf(x, "en") and _zipf(x, "en") >= z - MARGIN)


@lru_cache(maxsize=100_000)
def _word_alts(c: str, before: str, after: str, shape: str, langs: tuple[str, ...]) -> tuple[str, ...]:
    """The letters of ``c``'s case damaged like ``c`` that make of ``before + c + after`` a word of
    ``langs`` at most ``MARGIN`` rarer than the true word (a case variant is no reading:
    the word's other letters and its place tell the case)."""
    word = before + c + after
    true = _best_zipf(word, langs)
    out = []
    for x in lost_alternatives(c, shape):
        if unicodedata.category(x)[0] not in "LM" or x.casefold() == c.casefold() or x.isupper() != c.isupper():
            continue
        z = _best_zipf(before + x + after, langs)
        if z > 0 and z >= true - MARGIN:
            out.append(x)
    return tuple(out)


_CJK_WORD = 4  # the longest Han/kana word looked for around a damaged character


@lru_cache(maxsize=100_000)
def _cjk_alt(c: str, left: str, right: str, shape: str, langs: tuple[str, ...]) -> str:
    """For a Han or kana character between ``left`` and ``right`` (its script's neighbours, up
    to ``_CJK_WORD - 1`` each side): a character damaged like it of its kind (Han for Han, kana
    for kana) that makes a known word (wordfreq's tokens) as long as the longest that ``c`` makes
    there, at most ``MARGIN`` rarer ("": none). A character in no longer word is a word of its
    own. The first found: a Han character has up to a thousand alternatives."""
    spans = [(a, b) for a in range(len(left) + 1) for b in range(len(right) + 1) if a + b < _CJK_WORD]

    def best(x: str, at_least: int) -> tuple[int, float]:  # (length, Zipf) of the longest known word
        found = [(a + b + 1, _best_zipf(left[len(left) - a:] + x + right[:b], langs))
                 for a, b in spans if a + b + 1 >= at_least]
        return max(((n, z) for n, z in found if z > 0), default=(0, 0.0))

    n, z = best(c, 1)
    for x in lost_alternatives(c, shape):
        if _spaceless(x) and (0x3400 <= ord(x)) == (0x3400 <= ord(c)):
            nx, zx = best(x, n)
            if nx and zx >= z - MARGIN:
                return x
    return ""


def ambiguities(clean: str, shape: str, langs: Sequence[str], damaged: str | None = None,
                one_per_cause: bool = False) -> list[Ambiguity]:
    """The characters of ``clean`` that ``shape`` damages lossily and for which another reading
    is as plausible (empty: the file is recoverable in principle). ``langs``: the languages of
    the article's words; ``damaged``: the file the repair sees (default: ``clean`` damaged by
    ``shape``), whose undamaged symbols are evidence (``scoring.article_hints``: a part of the
    file left undamaged, ``source.emoji`` and the footer carrying the same emoji).

    Plausible, per kind of character:
    - a symbol (emoji): another symbol of its Unicode category that wordfreq has seen
      (``_symbol_alts``), unless the damaged file shows ``c`` undamaged and none of the
      alternatives, or ``c`` is part of an emoji sequence (``_in_sequence``);
    - a letter: another letter of the same case making the word a known word (``_word_alts``);
      Han and kana, which write no spaces: making as long a known word there (``_cjk_alt``);
    - a dash: the other dash (``DASHES``).
    Other characters (quotes, joiners, selectors, spaces) are told by their place: not counted.
    ``one_per_cause``: the first character of each cause only (what classifies a file, faster).
    """
    if not SHAPES[shape].lossy:
        return []
    hints: frozenset[str] | None = None
    langs = tuple(langs)
    out = []
    for i, c in enumerate(clean):
        if c.isascii() or not lost_alternatives(c, shape):
            continue
        cat = unicodedata.category(c)
        if one_per_cause and out and _cause_of(c, cat) in {a.cause for a in out}:
            continue
        if cat[0] == "S":
            alts = _symbol_alts(c, shape)
            if alts and not _in_sequence(clean, i):
                if hints is None:
                    from mdlint_news.mojibake.scoring import article_hints

                    hints = article_hints(SHAPES[shape].damage(clean) if damaged is None else damaged)
                if c not in hints or any(x in hints for x in alts):
                    out.append(Ambiguity(CAUSES[0], c, alts[0], c, alts[0]))
        elif cat[0] in "LM" and _spaceless(c):
            j, k = i, i + 1
            while j > max(0, i - _CJK_WORD + 1) and _spaceless(clean[j - 1]):
                j -= 1
            while k < min(len(clean), i + _CJK_WORD) and _spaceless(clean[k]):
                k += 1
            before, after = clean[j:i], clean[i + 1:k]
            alt = _cjk_alt(c, before, after, shape, langs)
            if alt:
                out.append(Ambiguity(CAUSES[1], c, alt, before + c + after, before + alt + after))
        elif cat[0] in "LM":
            j, k = i, i + 1
            while j > 0 and _wordish(clean[j - 1]) and not _spaceless(clean[j - 1]):
                j -= 1
            while k < len(clean) and _wordish(clean[k]) and not _spaceless(clean[k]):
                k += 1
            before, after = clean[j:i], clean[i + 1:k]
            if not any(x.isalpha() for x in before + c + after):
                continue  # a selector or a mark outside a word: its place tells
            alts = _word_alts(c, before, after, shape, langs)
            if alts:
                out.append(Ambiguity(CAUSES[1], c, alts[0], before + c + after, before + alts[0] + after))
        elif c in DASHES:
            alts = tuple(x for x in lost_alternatives(c, shape) if x in DASHES)
            if alts:
                out.append(Ambiguity(CAUSES[2], c, alts[0], c, alts[0]))
    return out
