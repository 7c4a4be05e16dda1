"""Scores of a reading: words, recovered letters, punctuation and symbol priors.

``score_rendering`` scores one rendering of a group of slots (known words by Zipf frequency,
unknown ones by their recovered letters in context, CJK text by its best cut into words);
``slot_prior`` ranks a slot's readings by themselves. Design: docs/encoding-engine.md."""

from __future__ import annotations

import contextvars
import math
import unicodedata
from functools import lru_cache
from itertools import compress
from typing import Sequence

from .codepages import ALL_CONTS, ALL_LEADS
from .hypotheses import COMMON_SCRIPTS, script_of, Slot
from .languages import cjk_lang, LangModel, language_model, SCRIPT_LANG, supported, WORD_RE


# Priors for recovered non-letters.
_PUNCT_PRIOR = {}
for _c in "„“”‘’–—…•\u00a0":
    _PUNCT_PRIOR[_c] = -0.5
for _c in "‚‹›«»†‡‐‑′″·":
    _PUNCT_PRIOR[_c] = -2.5
for _c in "−×±≈≤≥≠→←€™°":
    _PUNCT_PRIOR[_c] = -1.5
for _c in "\u00ad\u200b\u200c\u200d\u2060\ufeff":
    _PUNCT_PRIOR[_c] = -3.0
for _c in "、。「」『』【】・（）！？：〜":  # CJK punctuation
    _PUNCT_PRIOR[_c] = -1.0

# Paired marks: an opening mark and the closing marks that answer it. A recovered mark that
# answers (or is answered by) the nearest mark on the line is the author's own convention.
_PAIRS = {"„": "“”", "‚": "‘’", "“": "”", "‘": "’", "«": "»", "»": "«", "‹": "›", "›": "‹",
          "「": "」", "『": "』", "【": "】", "〈": "〉", "《": "》", "（": "）", "〔": "〕"}
_CJK_OPEN = set("「『【〈《（〔")
_CJK_CLOSE = set("」』】〉》）〕")
MARKS = set(_PAIRS) | set("".join(_PAIRS.values()))
_PAIR_MATCH, _PAIR_CLASH = 2.5, -2.0

_OPEN = {"cs": "„‚»", "sk": "„‚»", "de": "„‚»", "pl": "„«", "en": "“‘", "fr": "«", "es": "«“", "pt": "“«", "it": "«“"}
_CLOSE = {"cs": "“‘«", "sk": "“‘«", "de": "“‘«", "pl": "”»", "en": "”’", "fr": "»", "es": "»”", "pt": "”»", "it": "»”"}
_QUOTES = set("„“”‚‘’«»‹›\"'")


def _position(prev: str, nxt: str) -> tuple[bool, bool]:
    """(a mark between ``prev`` and ``nxt`` opens, it closes)."""
    opening = (not prev or prev.isspace() or prev in "([{-–—/") and bool(nxt) and (nxt.isalnum() or nxt in "…")
    closing = bool(prev) and (prev.isalnum() or prev in ".,!?…)") and (not nxt or nxt.isspace() or nxt in ".,:;!?)…-–—")
    return opening, closing


def _quote_score(c: str, prev: str, nxt: str, lang: str) -> float:
    if c not in _QUOTES:
        return 0.0
    opening, closing = _position(prev, nxt)
    if c == "’" and prev.isalpha() and nxt.isalpha():
        return 1.5 if lang in ("en", "fr", "it", "de") else 0.0
    opens = _OPEN.get(lang, "“‘„«")
    closes = _CLOSE.get(lang, "”’“»")
    if opening:
        return 1.5 if c in opens else -1.5
    if closing:
        return 1.5 if c in closes else -1.5
    return 0.0


def _is_apostrophe(text: str, i: int) -> bool:
    return text[i] in "’'" and 0 < i < len(text) - 1 and text[i - 1].isalpha() and text[i + 1].isalpha()


def _pair_score(c: str, opening: bool, closing: bool, left: str, right: str) -> float:
    """``_PAIR_MATCH`` when recovered mark ``c`` pairs with the nearest mark on its side of the
    line (an opening one with the next mark to its right, a closing one with the previous mark
    to its left), ``_PAIR_CLASH`` when that nearest mark is of another pair, else 0."""
    if c in _CJK_OPEN:
        opening, closing = True, False
    elif c in _CJK_CLOSE:
        opening, closing = False, True
    if opening and c in _PAIRS:
        for i in range(len(right)):
            d = right[i]
            if d in MARKS and not _is_apostrophe(right, i):
                if d in _PAIRS[c]:
                    return _PAIR_MATCH
                return _PAIR_CLASH if d not in _PAIRS or d in _CJK_OPEN or c in _CJK_OPEN else 0.0
        return 0.0
    if closing:
        for i in range(len(left) - 1, -1, -1):
            d = left[i]
            if d in MARKS and not _is_apostrophe(left, i):
                if c in _PAIRS.get(d, ""):
                    return _PAIR_MATCH
                return _PAIR_CLASH if d in _PAIRS and d not in "“»›" else 0.0
        return 0.0
    return 0.0


#: Characters known to be in the article (``article_hints``), for the ``find_mojibake`` call
#: that is running: a recovered symbol the article shows undamaged elsewhere is evidence.
HINTS: contextvars.ContextVar[frozenset[str]] = contextvars.ContextVar("HINTS", default=frozenset())
_HINT_PRIOR = 2.0  # a recovered symbol present undamaged in the article: better than any guess


def _nonletter_prior(c: str, prev: str, nxt: str) -> float:
    if c in HINTS.get() and _is_symbol(c):
        return _HINT_PRIOR
    p = _PUNCT_PRIOR.get(c)
    if p is None:
        cat = unicodedata.category(c)
        if cat.startswith("S") and (ord(c) >= 0x1F000 or 0x2600 <= ord(c) <= 0x27BF):
            z = language_model("en").zipf(c)  # wordfreq counts emoji too
            p = (z - (2.5 if ord(c) >= 0x1F000 else 3.0)) if z > 0 else -4.0
        elif cat.startswith(("P", "Z")):
            p = -3.5
        else:
            p = -4.0
    if unicodedata.category(c) == "Sm" and (not prev or prev.isspace() or prev.isdigit()) \
            and (not nxt or nxt.isspace() or nxt.isdigit()):
        p += 1.0  # a math sign between numbers or spaces
    if c == "\u200d" and (is_emoji(prev) or prev == "\ufe0f") and is_emoji(nxt):
        p = 1.0  # the joiner of an emoji sequence (👩‍💻, ❤️‍🔥): better than ” between two emoji
    p += _selector_prior(c, prev)
    if nxt == "\ufe0f" and is_emoji(c):
        p += 3.0  # a symbol that VS16 shows as an emoji (☀️)
    if c == "\u00ad" and not (prev.isalpha() and nxt.isalpha()):
        p -= 2.0
    if unicodedata.category(c) == "So" and prev.isalnum() and not nxt.isalnum():
        p -= 1.5  # a symbol glued to the end of a word, where a closing quote would stand
    return p


def symbol_prior(c: str) -> float:
    """The prior of a recovered symbol by itself (an article hint first, then how common it is)."""
    return _nonletter_prior(c, "", "")


def _selector_prior(c: str, prev: str) -> float:
    """After a character with an emoji presentation (``is_emoji``): VS16 U+FE0F (❤️) is what
    follows, the vertical presentation forms U+FE10-U+FE19 (︐, a lost byte away) never do."""
    if not is_emoji(prev):
        return 0.0
    if c == "\ufe0f":
        return 4.0
    return -3.0 if "\ufe10" <= c <= "\ufe19" else 0.0


#: The characters below U+1F000 with Unicode's Emoji property (regex's ``\p{Emoji}``, Unicode
#: 14, without ASCII digits and signs): ❤ ☀ ✔ © ⭐, not ☜ nor ➤. Listed, not asked of regex at
#: run time (its import costs a cold start 30 ms).
_EMOJI_BMP = frozenset(
    "©®‼⁉™ℹ↔↕↖↗↘↙↩↪⌚⌛⌨⏏⏩⏪⏫⏬⏭⏮⏯⏰⏱⏲⏳⏸⏹⏺Ⓜ▪▫▶◀◻◼◽◾☀☁☂☃☄☎☑☔☕☘☝☠☢☣☦☪☮☯☸"
    "☹☺♀♂♈♉♊♋♌♍♎♏♐♑♒♓♟♠♣♥♦♨♻♾♿⚒⚓⚔⚕⚖⚗⚙⚛⚜⚠⚡⚧⚪⚫⚰⚱⚽⚾⛄⛅⛈⛎⛏⛑⛓⛔⛩⛪⛰⛱⛲⛳⛴⛵⛷"
    "⛸⛹⛺⛽✂✅✈✉✊✋✌✍✏✒✔✖✝✡✨✳✴❄❇❌❎❓❔❕❗❣❤➕➖➗➡➰➿⤴⤵⬅⬆⬇⬛⬜⭐⭕〰〽㊗㊙")


def is_emoji(c: str) -> bool:
    """``c`` is an emoji or a symbol with an emoji presentation: what a ZWJ joins, what VS16 follows."""
    return len(c) == 1 and (ord(c) >= 0x1F000 or c in _EMOJI_BMP)


def _is_symbol(c: str) -> bool:
    """An emoji or another non-ASCII symbol (``So``/``Sm``/``Sc``/``Sk``): what an article's other
    copy of a damaged character can show (``source.emoji`` and the footer carry the same)."""
    return not c.isascii() and unicodedata.category(c).startswith("S")


@lru_cache(maxsize=4)  # the rule asks once per damaged value and line of the same file
def article_hints(text: str) -> frozenset[str]:
    """The emoji and other non-ASCII symbols present undamaged in ``text`` (a whole raw file):
    evidence for a damaged copy of one of them elsewhere in the same file (``find_mojibake``'s
    ``hints``). A symbol that is itself part of a damaged sequence (``€`` in ``â€œ``, ``™`` in
    ``É™``) is no evidence: symbols next to a mojibake lead or continuation are left out."""
    out = set()
    for i, c in enumerate(text):
        if c.isascii() or not _is_symbol(c):
            continue
        near = text[max(0, i - 3):i] + text[i + 1:i + 3]
        if any(d in ALL_LEADS or (d in ALL_CONTS and not d.isspace() and not _is_symbol(d)) for d in near):
            continue
        out.add(c)
    return frozenset(out)


def is_wordish(c: str) -> bool:
    return c.isalnum() or unicodedata.category(c).startswith("M") or c in "'’\u00ad"


# A word scores its Zipf frequency (log10 of its frequency per billion words, + 9): two known words
# outscore one, so "Э ада" beat "Рада" where a lead that lost its no-break space (Р, which then
# ate the space after it) and one that lost its soft hyphen (Э, the space kept) compete. A known
# word that such a letter joins into one scores what the other word would cost (a unigram model's
# 9, less the Zipf that a word of the line's language has at least). A letter that ate a space is
# marked ``ATE_SPACE`` in a rendering's mask of recovered characters (``groups._piece_mask``).
JOIN_BONUS = 7.0
ATE_SPACE = 2
CASE_PENALTY = 8.0  # log10 odds against a capital inside a lowercase word (or the reverse)
_SHORT_WORD_ZIPF = 5.0  # a one-letter word counts as known only when it is this frequent
_CJK_UNKNOWN = -3.0  # a recovered CJK character that is part of no known word
_CJK_SPACE = -3.0  # a space between two CJK characters
_CJK_NOT_A_WORD = 3.0  # a character the word list has only inside longer words
CJK_MARGIN = 2.0  # a recovered CJK character is written only when it wins by this much
FIRST_CJK = "\u1100"  # no character below this is of the script ``script_of`` calls CJK


def _casing_penalty(tok: str, replaced: Sequence[bool]) -> float:
    pen = 0.0
    n = len(tok)
    counts = None  # letters, and letters but capitals: counted for a recovered lowercase letter only
    for i in compress(range(n), replaced):
        c = tok[i]
        if not c.isalpha():
            continue
        if c.isupper():
            if i > 0 and (tok[i - 1].islower() or tok[i + 1:i + 2].islower()):
                pen -= CASE_PENALTY
        elif c.islower():
            if counts is None:
                letters = [x for x in tok if x.isalpha()]
                counts = (len(letters), sum(1 for x in letters if not x.isupper()))
            if counts[0] - 1 >= 2 and counts[1] == 1:  # every other letter is a capital
                pen -= CASE_PENALTY
    return pen


def letter_score(tok: str, i: int, lm: LangModel) -> float:
    """A recovered letter of an unknown word: ``gap_logp`` in the line's language, or in a
    language of the letter's script when that is not Latin (Cyrillic: ru, Greek: el, ...)."""
    c = tok[i]
    around = (tok[i - 1] if i else "", tok[i + 1] if i + 1 < len(tok) else "",
              tok[i - 2] if i > 1 else "", tok[i + 2] if i + 2 < len(tok) else "")
    sc = script_of(c)
    if sc not in COMMON_SCRIPTS and sc in SCRIPT_LANG:
        lm = language_model(supported(SCRIPT_LANG[sc]))
    return lm.gap_logp(around[0], c, around[1], around[2], around[3])


def _cjk_viterbi(t: str, m: LangModel) -> float:
    """log10 probability of the most probable cut of ``t`` into known words of 1-4 characters (a
    word costs its Zipf frequency - 9; a character that is no known word its frequency among the
    language's characters, derived from the word list, - ``_CJK_NOT_A_WORD``, or
    ``_CJK_UNKNOWN`` - 9 when the list never has it; a stretch of other characters, nothing)."""
    n = len(t)
    best = [0.0] + [-math.inf] * n
    for j in range(1, n + 1):
        if script_of(t[j - 1]) != "CJK":
            k = j - 1
            while k > 0 and script_of(t[k - 1]) != "CJK":
                k -= 1
            best[j] = max(best[j], best[k])
            continue
        for k in range(max(0, j - 4), j):
            sub = t[k:j]
            if any(script_of(c) != "CJK" for c in sub):
                continue
            z = m.zipf(sub)
            if z > 0:
                cost = z - 9.0
            elif j - k == 1:
                lp = m.char_logp.get(sub)
                cost = lp - _CJK_NOT_A_WORD if lp is not None else _CJK_UNKNOWN - 9.0
            else:
                continue
            if best[k] + cost > best[j]:
                best[j] = best[k] + cost
    return best[n]


def _cjk_score(tok: str, rep: list[bool], lang: str | None = None) -> float:
    """CJK text has no spaces: how probable the recovered characters make the text around them
    (4 characters on each side), cut into known words of wordfreq's ja, ko or zh list the most
    probable way (``_cjk_viterbi``), *minus* the same for the undamaged pieces between them: a
    gain, 0 for a token without recovered characters, so renderings that cut the text into other
    tokens compare fairly. ``規`` wins in ``億円?模`` because ``規模`` is a word, although ``要``
    alone is more frequent; ``で`` wins over ``㍧`` after ``京``."""
    m = language_model(lang or cjk_lang(tok))
    idx = [i for i, r in enumerate(rep) if r]
    if not idx:
        return 0.0
    a, b = max(0, idx[0] - 4), min(len(tok), idx[-1] + 5)
    t, r = tok[a:b], rep[a:b]
    base, piece = 0.0, []
    for c, x in zip(t, r):
        if x:
            if piece:
                base += _cjk_viterbi("".join(piece), m)
            piece = []
        else:
            piece.append(c)
    if piece:
        base += _cjk_viterbi("".join(piece), m)
    return _cjk_viterbi(t, m) - base


def _word_score(tok: str, rep: list[bool], lm: LangModel, cjk: str | None = None) -> float:
    if any(script_of(c) == "CJK" for c in tok):
        # the token's own kana or hangul, else the line's (``_cjk_langs``), else the model's
        own = cjk_lang(tok)
        return _cjk_score(tok, rep, own if own != "zh" else cjk or lm.cjk)
    z = lm.zipf(tok)
    if len(tok) == 1 and z < _SHORT_WORD_ZIPF:
        z = 0.0  # "ł", "ő": single letters that wordfreq lists as abbreviations, not words
    if z > 0:
        s = z
    else:
        s = -1.0 + sum(letter_score(tok, i, lm) for i, r in enumerate(rep) if r and tok[i].isalpha())
    if any(rep):
        s += _casing_penalty(tok, rep)
    return s


def score_rendering(text: str, replaced: list[bool], prev: str, nxt: str, lm: LangModel,
           left: str, right: str, cjk: str | None, memo: dict) -> float:
    """Score of a rendering of a group: its words (``_word_score``) and its recovered marks
    (``_nonletter_prior``, ``_quote_score``, ``_pair_score`` against ``left``/``right``, the
    repaired text of the line around the group). ``memo`` keeps the word scores of earlier
    renderings of the same group (with the same ``lm`` and ``cjk``): they share most words."""
    score = 0.0
    for m in WORD_RE.finditer(text):
        a, b = m.span()
        key = (m.group(), tuple(replaced[a:b]))
        s = memo.get(key)
        if s is None:
            s = memo[key] = _word_score(key[0], replaced[a:b], lm, cjk)
        score += s
        if s > 0 and ATE_SPACE in replaced[a:b]:
            score += JOIN_BONUS
    i = text.find(" ", 1) if text and max(text) >= FIRST_CJK else -1
    while 0 < i < len(text) - 1:
        if script_of(text[i - 1]) == "CJK" and script_of(text[i + 1]) == "CJK":
            score += _CJK_SPACE  # CJK text has no spaces between its characters
        i = text.find(" ", i + 1)
    for i in compress(range(len(text)), replaced):  # the recovered characters
        c = text[i]
        if not c.isalnum():
            p = text[i - 1] if i else prev
            q = text[i + 1] if i + 1 < len(text) else nxt
            score += _nonletter_prior(c, p, q) + _quote_score(c, p, q, lm.lang)
            if c in MARKS:
                opening, closing = _position(p, q)
                score += _pair_score(c, opening, closing, left + text[:i], text[i + 1:] + right)
    return score


def slot_prior(slot: Slot, opt: str, line: str, lm: LangModel, cjk: str = "zh",
                prev: str | None = None) -> float:
    """The prior of option ``opt`` of a lossy slot; ``prev``: the character before it, repaired
    (``GrĆ¶Će``: ö, before which a capital is unlikely), by default the line's."""
    if prev is None:
        prev = line[slot.start - 1] if slot.start else ""
    nxt = line[slot.end] if slot.end < len(line) else ""
    s = 0.0
    for i, c in enumerate(opt.rstrip(" ") if slot.space else opt):
        if script_of(c) == "CJK":
            z = language_model(cjk).zipf(c)
            s += z - 6.0 if z > 0 else _CJK_UNKNOWN - 6.0
        elif c.isalpha():
            sc = script_of(c)  # a letter of another script: its frequency in a language of it
            s += (language_model(supported(SCRIPT_LANG[sc])) if sc in SCRIPT_LANG else lm).letter_prior(c)
            if c.isupper() and prev.islower():
                s -= CASE_PENALTY
        else:
            s += _nonletter_prior(c, prev if i == 0 else opt[i - 1], nxt) + _quote_score(c, prev, nxt, lm.lang)
    return s
