"""Which language a line is in, and that language's word and letter statistics.

``LangModel`` reads the compiled word lists (``lexicon.py``); ``line_language`` and
``detect_language`` choose the model a line's lost bytes are scored with.
Design: docs/encoding-engine.md, docs/encoding-languages.md."""

from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from .codepages import char_class, CODEPAGES, quick_screen
from .hypotheses import COMMON_SCRIPTS, script_of


WORD_RE = re.compile(r"[^\W_]+(?:['’][^\W_]+)*")
_FOREIGN_CHECK = ("en", "de", "fr", "pt", "sv", "tr", "es")
_CJK_LANGS = ("ja", "zh", "ko")
_DETECT_LANGS = ("cs", "en", "sk", "de", "fr", "es", "pt", "pl", "it", "hu", "ro", "tr", "sv", "nl", "lv")


class LangModel:
    """A language's word and letter statistics, read from the compiled word lists
    (``lexicon.py``: wordfreq's lists, compiled once, read a word at a time)."""

    def __init__(self, lang: str):
        from .. import lexicon

        self.lang = lang
        self.lex = lexicon.get(lang)
        self.char_logp = self.lex.char_logp
        self.cjk = lang if lang in _CJK_LANGS else None  # the CJK language of the line, if any
        # answers already given, by word (``_MEMO_SIZE`` at most each): a line's words are asked
        # again by each code page that settles or re-reads its language, and in every language
        # ``_choose_languages`` weighs (a word's answer depends on nothing but the word lists)
        self._zipfs: dict[str, float] = {}
        self._head_zipfs: dict[str, float] = {}
        self._gaps: dict[tuple[str, ...], float] = {}

    def zipf(self, word: str) -> float:
        z = self._zipfs.get(word)
        return z if z is not None else _remember(self._zipfs, word, self._zipf(word, self.lex.freq))

    def head_zipf(self, word: str) -> float:
        """``zipf`` if the word is among the language's most frequent (``lexicon.HEAD_WORDS``),
        else 0: what language detection asks of every candidate language (the head of a list
        costs a fraction of the whole to compile)."""
        z = self._head_zipfs.get(word)
        return z if z is not None else _remember(self._head_zipfs, word, self._zipf(word, self.lex.head_freq))

    @staticmethod
    def _zipf(word: str, freq) -> float:
        # the lists hold wordfreq's tokens: NFC and case-folded (``äußerte`` is ``äusserte``)
        low = unicodedata.normalize("NFC", word.lower()).casefold()
        f = freq(low)
        if not f and "’" in low:
            f = freq(low.replace("’", "'"))
        return math.log10(f) + 9.0 if f else 0.0

    def letter_prior(self, c: str) -> float:
        low = c.lower()
        p = self.char_logp.get(low)
        if p is None:
            # a letter of the language's alphabet that its casefolded lists do not hold (German ß,
            # counted as "ss") is still a letter of the language, not a foreign one
            return _ALPHABET_PRIOR if low in _LATIN_ALPHABETS.get(self.lang, "") else -6.0
        return p

    def gap_logp(self, prev: str, c: str, nxt: str, prev2: str = "", nxt2: str = "") -> float:
        """log10 P(letter ``c`` | the letters around it), from the word forms of the language.

        Counted over the most frequent word forms (``lexicon.GAP_WORDS``; each form once: this
        models how words are spelled and inflected, not how often they are used), with
        ``^``/``$`` for the word's edges: the letter given two letters on each side, interpolated
        (Witten-Bell) with the letter given one letter on each side, interpolated with the
        letter's frequency (``letter_prior``). So ``č`` in ``realisti?tým`` (``-ičtý``) and ``í``
        in ``slouče?ch`` (``-ních``) score far better than ``ď`` or ``ý`` there, in word forms
        wordfreq does not list."""
        key = (prev, c, nxt, prev2, nxt2)
        got = self._gaps.get(key)
        return got if got is not None else _remember(self._gaps, key, self._gap_logp(prev, c, nxt, prev2, nxt2))

    def _gap_logp(self, prev: str, c: str, nxt: str, prev2: str, nxt2: str) -> float:
        p1 = prev.lower() if prev.isalpha() else "^"
        q1 = nxt.lower() if nxt.isalpha() else "$"
        p2 = prev2.lower() if (p1 != "^" and prev2.isalpha()) else "^"
        q2 = nxt2.lower() if (q1 != "$" and nxt2.isalpha()) else "$"
        c = c.lower()
        p = 10.0 ** self.letter_prior(c)
        for ctx, size in ((p1 + q1, 2), (p2 + p1 + q1 + q2, 4)):
            d = self.lex.gap(ctx) if len(ctx) == size else None  # ('İ'.lower() is 2 characters)
            if d:
                total, types = sum(d.values()), len(d)
                p = (d.get(c, 0) + types * p) / (total + types)
        return max(-6.0, math.log10(p))


_MEMO_SIZE = 100_000  # answers kept per model and question (a memo is emptied when full)


def _remember(memo: dict, key, value: float) -> float:
    """``value`` kept in ``memo`` under ``key`` (emptied first when it holds ``_MEMO_SIZE``)."""
    if len(memo) >= _MEMO_SIZE:
        memo.clear()
    memo[key] = value
    return value


# A letter of another script than the line's language is scored with a language of its script.
SCRIPT_LANG = {"CYRILLIC": "ru", "GREEK": "el", "ARABIC": "ar", "HEBREW": "he", "THAI": "th"}


class _MixModel:
    """The line's main language, and languages the line also quotes (``cs+fr``: a French quote in
    a Czech line): a word scores the best of its Zipf frequency in the main language and in each
    quoted one less ``_QUOTED_COST``; a letter its best probability. Quote conventions, the CJK
    language and letter statistics are the main language's."""

    def __init__(self, main: LangModel, quoted: list[LangModel]):
        self.main, self.quoted = main, quoted
        self.lang, self.lex, self.char_logp, self.cjk = main.lang, main.lex, main.char_logp, main.cjk

    def zipf(self, word: str) -> float:
        z = self.main.zipf(word)
        for m in self.quoted:
            z = max(z, m.zipf(word) - _QUOTED_COST)
        return z

    def letter_prior(self, c: str) -> float:
        return max(m.letter_prior(c) for m in [self.main, *self.quoted])

    def gap_logp(self, *args) -> float:
        return max(m.gap_logp(*args) for m in [self.main, *self.quoted])


_QUOTED_COST = 1.0  # Zipf units a word of a quoted language pays against the main language


@lru_cache(maxsize=None)
def language_model(lang: str) -> LangModel:
    if "+" in lang:
        main, *quoted = lang.split("+")
        return _MixModel(language_model(main), [language_model(q) for q in quoted])  # type: ignore[return-value]
    return LangModel(lang)


def supported(lang: str) -> str:
    got = _SUPPORTED.get(lang)
    if got is None:
        from .. import lexicon

        langs = [q if q in lexicon.available_languages() else "en" for q in lang.split("+")]
        got = "+".join(dict.fromkeys(langs))
        if len(_SUPPORTED) < 1024:  # (the languages a process meets, and their mixes)
            _SUPPORTED[lang] = got
    return got


_SUPPORTED: dict[str, str] = {}  # ``supported``'s answers: the available languages never change


_URL_RE = re.compile(r"\S+://\S+|\S+@\S+|`[^`]*`")
_PRIOR_MARGIN = 1.5  # mean Zipf per undamaged word by which another language must know a line better
_QUOTE_EVIDENCE = 2  # undamaged words another language knows far better: it is quoted on the line
# Non-ASCII letters of the Latin-script wordfreq languages (their alphabets): which languages can
# have written a line's letters. Only these are asked (a word list costs a compile per machine).
_LATIN_ALPHABETS = {
    "fr": "àâæçéèêëîïôœùûüÿ", "de": "äöüß", "es": "áéíñóúü", "pt": "áàâãçéêíóôõú",
    "it": "àèéìíîòóùú", "cs": "áčďéěíňóřšťúůýž", "pl": "ąćęłńóśźż", "sk": "áäčďéíĺľňóôŕšťúýž",
    "ca": "àçèéíïòóúü", "ro": "ăâîșşțţ", "hu": "áéíóöőúüű", "tr": "çğıöşüâî", "sv": "åäöé",
    "da": "æøåé", "nb": "æøåéóò", "fi": "äöå", "nl": "éëïöüè", "is": "áðéíóúýþæö",
    "lt": "ąčęėįšųūž", "lv": "āčēģīķļņšūž", "sl": "čšž", "sh": "čćđšž", "en": "", "id": "",
    "ms": "", "fil": "ñ",
    "vi": "àáâãèéêìíòóôõùúýăđĩũơưạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹ",
}
_ALPHABET_PRIOR = -3.0  # log10 prior of a letter of the language that its letter counts lack
_SCRIPT_LANGS = {"CYRILLIC": ("ru", "uk", "bg", "mk"), "GREEK": ("el",), "ARABIC": ("ar", "fa", "ur"),
                 "HEBREW": ("he",), "DEVANAGARI": ("hi",), "BENGALI": ("bn",), "TAMIL": ("ta",)}


def _clean_words(line: str) -> list[str]:
    """The line's words that show no damage: not the screen's, and no capital after a small
    letter (a lead left by a lost byte: "estĆvel" is "estável" through Windows-1257, whose "ć"
    would count for Polish)."""
    return [w for w in WORD_RE.findall(_URL_RE.sub(" ", line))
            if len(w) > 1 and not w.isdigit() and not quick_screen(w) and not _capital_inside(w)]


def _capital_inside(word: str) -> bool:
    return any(c.isupper() and p.islower() for p, c in zip(word, word[1:]))


def _candidate_languages(words: list[str], prior: str | None) -> list[str]:
    """The prior, English, and the languages whose alphabet has the line's other letters; every
    language of ``_DETECT_LANGS`` too when there is no prior or it knows too few of the words
    (an Italian line whose non-ASCII letters are all damaged)."""
    from .. import lexicon

    out = [prior] if prior else []
    out.append("en")
    letters = {c.lower()[:1] for w in words for c in w if not c.isascii() and c.isalpha()}  # İ
    scripts = {script_of(c) for c in letters} - COMMON_SCRIPTS
    for sc in scripts:
        out.extend(_SCRIPT_LANGS.get(sc, ()))
    latin = {c for c in letters if script_of(c) == "LATIN"}
    if latin:  # the languages that can spell most of them (ties: the order of the table)
        fit = sorted((q for q in _LATIN_ALPHABETS if q != prior and latin & set(_LATIN_ALPHABETS[q])),
                     key=lambda q: -len(latin & set(_LATIN_ALPHABETS[q])))
        out.extend(fit[:4])
    if prior is None:
        out.extend(_DETECT_LANGS)
    elif _prior_is_foreign(words, prior):
        out.extend(_likely_languages(words))
    avail = lexicon.available_languages()
    return [q for q in dict.fromkeys(out) if q in avail]


def _prior_is_foreign(words: list[str], prior: str) -> bool:
    """Whether the prior knows fewer than half of at least three words: another language may."""
    if len(words) < 3:
        return False
    return 2 * sum(language_model(supported(prior.split("+")[0])).head_zipf(w) > 0 for w in words) < len(words)


def _likely_languages(words: list[str]) -> list[str]:
    """The three languages of ``_DETECT_LANGS`` that know most of the first ``_PEEK`` lowercase
    words (names say little: "Casiana" of a Romanian line), a cheap preselection:
    ``_choose_languages`` then scores every word in each."""
    from .. import lexicon

    avail = lexicon.available_languages()
    peek = [w for w in words if w.islower()][:_PEEK] or words[:_PEEK]
    known = {q: sum(language_model(q).head_zipf(w) > 0 for w in peek) for q in _DETECT_LANGS if q in avail}
    return sorted(known, key=lambda q: -known[q])[:3]


_PEEK = 6


def _cjk_line(line: str) -> str | None:
    letters = [c for c in line if c.isalpha()]
    cjk = sum(script_of(c) == "CJK" for c in letters)
    return cjk_lang(line) if letters and 2 * cjk >= len(letters) else None


def _choose_languages(line: str, prior: str | None) -> str:
    """The main language of the line (the prior unless another knows its undamaged words better
    by ``_PRIOR_MARGIN`` Zipf per word on average, over at least three words; without a prior,
    the best), joined with ``+`` by the languages the line quotes (each knows at least
    ``_QUOTE_EVIDENCE`` undamaged words by 2 Zipf better than the main language)."""
    cjk = _cjk_line(line)
    if cjk:
        return cjk
    words = _clean_words(line)
    langs = _candidate_languages(words, prior)
    letters = [c.lower() for w in words for c in w if not c.isascii() and c.isalpha()]
    zipfs = {q: [language_model(q).head_zipf(w) for w in words] for q in langs}

    def score(q: str) -> float:
        n = sum(zipfs[q]) + 2.0 * sum(2.0 + language_model(q).char_logp.get(c, -6.0) for c in letters)
        return n + (_PRIOR_MARGIN * max(len(words), 3) if q == prior else 0.0)

    main = prior if prior in zipfs else None
    if main is None or len(words) >= 3:
        main = max(langs, key=score) if langs else (prior or "en")
    quoted = [q for q in langs if q != main and q in zipfs and main in zipfs
              and sum(z >= 2.0 and z >= m + 2.0 for z, m in zip(zipfs[q], zipfs[main])) >= _QUOTE_EVIDENCE]
    return "+".join([main] + quoted[:2])


def alphabet_misfits(letters: str) -> int:
    """How many of ``letters``' non-ASCII Latin letters the one Latin alphabet that fits them best
    lacks (0: a single language writes them all; ``á š`` are Czech, ``å ť`` no one's)."""
    latin = [c for c in letters.lower() if "\u00c0" <= c <= "\u024f" and c.isalpha()]
    if not latin:
        return 0
    return min(sum(c not in alphabet for c in latin) for alphabet in _LATIN_ALPHABETS.values())


def line_language(line: str, lang: str) -> str:
    """``lang`` as a prior: the line's undamaged words decide (``_choose_languages``)."""
    return _choose_languages(line, lang)


def detect_language(line: str) -> str:
    """The wordfreq language that best knows the line's undamaged words and letters (each
    non-ASCII letter adds ``2 * (2 + log10 p)``, p its frequency among the language's letters),
    with the languages the line quotes."""
    return _choose_languages(line, None)


@dataclass(frozen=True)
class LineLanguage:
    """The language a line's lost bytes are scored in: the caller's prior (``None``: none) until
    the first code page that needs a language model settles it from the line's undamaged words
    (``line_language``, ``detect_language``); every later code page of the line keeps it."""

    lang: str | None
    settled: bool = False

    def settle(self, clean: str) -> LineLanguage:
        """The language settled with ``clean``, the line's undamaged text (once: then itself)."""
        if self.settled:
            return self
        if self.lang is None:
            return LineLanguage(detect_language(clean), True)
        return LineLanguage(line_language(clean, self.lang), True)


def cjk_lang(tok: str) -> str:
    """ja, ko or zh: kana (or the mojibake of kana) make Japanese, hangul Korean, else Chinese.
    The kana of a damaged line are often all damaged (a hiragana is E3 81 xx, and 81 is a byte
    the pipeline drops): a 3-byte lead E3 followed by a continuation other than 80 is kana (E3
    80 xx is CJK punctuation, which Chinese uses too)."""
    if _KANA_RE.search(tok):
        return "ja"
    if _HANGUL_RE.search(tok):
        return "ko"
    if _KANA_MOJIBAKE.search(tok):
        return "ja"
    return "zh"


def _kana_mojibake_re() -> re.Pattern:
    pats = []
    for cp in CODEPAGES.values():
        lead = [c for c, b in cp.byte_of.items() if b == 0xE3]
        conts = [c for c, b in cp.byte_of.items() if 0x81 <= b <= 0x83 or (0x84 <= b <= 0xBF and cp.lossy)]
        if lead and conts:
            pats.append(f"{char_class(lead)}{char_class(conts)}")
    return re.compile("|".join(pats))


_KANA_MOJIBAKE = _kana_mojibake_re()
_KANA_RE = re.compile("[\u3040-\u30ff]")
_HANGUL_RE = re.compile("[\uac00-\ud7af\u1100-\u11ff]")


def foreign_word(word: str) -> bool:
    return any(language_model(lang).zipf(word) > 0 for lang in _FOREIGN_CHECK)
