"""Find and repair mojibake: UTF-8 text that was decoded with the wrong single-byte code page.

Scope: one YAML string value or one Markdown body line at a time (a string with newlines is
handled line by line). Everything here is a pure function of its input; the only side effect
is reading ``wordfreq``'s word lists through ``lexicon.py`` (compiled once per machine into
SQLite, read a word at a time) the first time a *lossy* suspect span needs them.

How the damage happens
======================
A UTF-8 character of 2-4 bytes is read as 2-4 characters of a code page: ``í`` (C3 AD) read as
Windows-1252 becomes ``Ã`` + soft hyphen, ``„`` (E2 80 9E) read as Windows-1254 becomes ``â`` +
``€`` + an *undefined* byte. Pipelines then lose bytes: undefined bytes are dropped
(``errors="ignore"``), soft hyphens are stripped as invisible, no-break spaces become spaces.

Supported code pages (``Repair.encoding``): ``windows-1252``, ``windows-1254``, ``windows-1250``,
``latin-1``, ``mac-roman``, ``iso-8859-2``, ``windows-1257``, ``windows-1251`` and ``cp437``, each
in the "sloppy" form in which an undefined byte survives as the C1 control character of the same
number (that is what Latin-1 round trips produce). See docs/encoding-hypotheses.md.

Detection
=========
1. ``quick_screen`` is one compiled regular expression that starts with a single character set
   (which the regex engine scans fast): characters that begin mojibake and are rare in clean
   European text (``Â Ã Ä Å Ă Ĺ â ğ ð đ √ ƒ ≈ Ð Ñ Î Ï ×`` ...), and continuation characters rare
   in clean text (``¡ ¤ ¯ ˇ › ‰`` ..., C1 controls) right after a lead. The mojibake of Latin
   text, punctuation, emoji, Cyrillic, Greek, Hebrew and Arabic always holds a rare lead; that
   of CJK, Hangul and Vietnamese (leads such as ``é ä í``) holds rare continuations in all but a
   few characters; a text with CJK characters is also screened for a Latin-1 letter glued to one
   (a lone damaged character left between repaired ones, ``をç· 結``). About 11 us for a clean
   5 KB Czech article.
2. For each code page a regex locates *slots*: a lead character with all its continuation
   characters (lossless: re-encode, decode as UTF-8), or with exactly one missing (lossy: see
   below; only for 2-byte leads C2-C5, for 3-byte leads with one continuation, and for 4-byte
   leads with two). A 3-byte lead other than E2 with one continuation (``ã€``, ``ç·``: CJK) is
   also an ordinary letter before punctuation in clean text (``café»``), so it is kept only with
   a strong lossless run on the line or when it is glued to CJK text. Text inside Markdown code
   spans (`` `...` ``) is never looked at.
3. A decoded character must be plausible: no controls, unassigned or private-use characters, no
   IPA letters, combining marks only after a letter (neighbours read repaired). A lost-byte
   option in a script other than Latin needs that script on the repaired line (Cyrillic ``у``
   inside ``infrastrukтуру`` is fine, alone among Czech words it is not). A run of damaged
   characters that also
   reads as ordinary text is *weak*: only letters (Romanian ``ĂŞ`` is ``ê`` in Windows-1250),
   a capital and a closing quote (``Ä“``), only combining marks, or a lone letter of another
   script (Greek, Cyrillic, CJK ...) among Latin text. A weak run is reported only with strong
   evidence on the same line in the same code page, or when it turns an unknown word into a known
   one.
4. Lossy slots are reported only with evidence on the line (a strong lossless run; a slot whose
   present continuations include a non-letter, such as ``â€``, or two after a 4-byte lead, such
   as ``ğŸ``; a slot glued to CJK text; a slot whose lead is a capital inside a lowercase word,
   ``realistiÄtým``; another word that becomes known), or when their own word's best reading is a
   known word (Zipf >= 1.5) while the damaged spelling is not a word of the language nor of
   en/de/fr/pt/sv/tr/es (one-letter spellings excepted: ``Å`` is Swedish, but ``Å est`` is
   ``Šest``), so ``Ärger``, ``SÃO`` and ``Âge`` stay untouched. Whether the reading is sure is the
   margin's business (below): a doubtful slot is still *reported*, so that it is not lost from
   view once the rest of its line has been repaired.
5. The code page that explains most characters of the line wins (then most lossless characters,
   then the better language-model score, then the order of ``ENCODINGS``). Runs are maximal
   stretches of adjacent damaged slots. Further layers (UTF-8 -> code page -> UTF-8 -> code page)
   are found by analysing the repaired line again, keeping what falls inside a repaired run
   (``Repair.rounds`` = 2); a run whose first decoding holds C1 controls (``Ä\x8d``) is decoded
   twice at once, and never a third time (``éšť`` is Czech, not the CJK character E9 9A 9D).

Lossless repair
===============
A complete slot is re-encoded with the code page and decoded as UTF-8. ftfy (encoding repair
only: ``ftfy_config()``) is asked about a run only where our repair still looks damaged, and its
answer is kept only if it is fully repaired. The ftfy options are all off except encoding repair:

* ``unescape_html``, ``remove_terminal_escapes``, ``remove_control_chars``: not encoding damage;
  other rules report them, and ftfy would change characters outside the run.
* ``restore_byte_a0``, ``replace_lossy_sequences``: these *guess* lost bytes (``Ã `` -> ``à``,
  wrong for Czech, which needs ``í ``) or replace them with U+FFFD; lost bytes are recovered here,
  with a language model.
* ``decode_inconsistent_utf8``, ``fix_c1_controls``: heuristics across mixed text; we hand ftfy
  one run at a time, so they could only mask disagreements.
* ``fix_latin_ligatures``, ``fix_character_width``, ``uncurl_quotes``, ``fix_line_breaks``,
  ``normalization=None``: cosmetic; edited news copy keeps its curly quotes and its ligatures,
  and Unicode normalisation is another rule's business.
* ``fix_surrogates``: off; lone surrogates are not code-page damage and cannot come from a valid
  UTF-8 file.

Lost-byte recovery and the confidence margin
============================================
For a slot with one continuation byte missing we try every byte the line's pipeline can have
lost at every position of the sequence: the undefined bytes (Windows-1252: 81 8D 8F 90 9D;
Windows-1254: 81 8D 8E 8F 90 9D 9E; Windows-1250: 81 83 88 90 98; Windows-1257: 81 83 88 8A 8C
90 98 9A 9C 9F A1 A5) of every code page that reads the line's damaged characters as the same bytes (*compatible* code pages: for ``Ã©`` Windows-1252,
-1254 and Latin-1; any of them may be the culprit, so a Latin-1 reading with a single option
cannot be "sure" while Windows-1252 offers five), the soft hyphen AD (not for Mac Roman) and,
when a space follows and the lead lacks only its last byte, the no-break space A0 turned into
that space (the space then belongs to the run; when the no-break-space reading loses, the space
is left out of the reported run again). The line itself shows what its pipeline kept, and that
is not assumed lost: a C1 control inside a complete sequence (``Ã`` + U+0081) means undefined
bytes were kept, a soft hyphen inside one that soft hyphens were, a no-break space inside one
(``Â`` + U+00A0) that no-break spaces were; a U+FFFD inside one (a strict decoder's
``errors="replace"``: ``Ä`` + U+FFFD) is one of the undefined bytes, replaced with the sequence
(so on a line where ``í`` reads ``Ã`` + soft hyphen, a lone ``Ã`` is ``Í``, never ``í``). Only valid, plausible UTF-8 survives: a lone ``Ã`` leaves
``Á Í Î Ï Ð Ý Þ í`` (and ``à`` eating a following space). At most one byte per character is
assumed lost. ``Repair.encoding`` of a lossy run is the first compatible code page in which every
byte it assumes lost is undefined (``„`` from a lost 9E: Windows-1254).

The choice uses a model of the language: ``language`` (unless the line is clearly English:
at least three undamaged words that English knows better by 1.5 Zipf per word on average, as an
untranslated title in a Czech field; ``_line_language``), or with ``language=None`` the wordfreq
language that best knows the line's undamaged words and letters (see ``_detect_language``).
Damaged words are scored together with their clean neighbours (the next word too when a space
may be eaten), over every combination of the top 5 candidates of each lost byte:

* a word wordfreq knows scores its Zipf frequency (``wordfreq.get_frequency_dict``); a
  one-letter word only when its Zipf is at least 5 (``à``, ``a``; not ``ł`` or ``ő``, which the
  lists hold as abbreviations);
* an unknown word scores ``-1`` plus, for each recovered letter, log10 of its probability
  between the letters around it in the language's word forms (``gap_logp``: two letters on each
  side, backed off to one, backed off to the letter's frequency; a letter of another script is
  scored in a language of its script, Cyrillic in ru, Arabic in ar ...), so ``í`` in
  ``slouče?ch`` beats ``ý``;
* CJK text has no spaces: a token holding CJK characters is cut into known words of 1-4
  characters of wordfreq's ja/ko/zh list (by the kana or hangul on the repaired line) the most
  probable way, around the recovered characters (``_cjk_score``); a space between two CJK
  characters costs 3;
* casing prior: a recovered capital after or before a lowercase letter inside a word (``bývalÝ``,
  ``ČÁst``, ``sloučenÝch``), or a recovered lowercase letter inside an all-caps word, costs 8;
* punctuation: a recovered quote scores +1.5 when it fits its context in the language's
  convention (Czech ``„`` opening before a word, ``“`` closing after one; English ``“`` and
  ``”``), -1.5 when it does not; a recovered paired mark scores +2.5 when the nearest mark on its
  side of the (repaired) line answers it (``‘`` before a later ``’``, ``”`` after an earlier
  ``“``, ``【`` before ``】``) and -2 when that mark belongs to another pair: the author's own
  convention on the line beats the language's; each recovered non-letter also gets a prior: common punctuation
  and NBSP -0.5, common symbols (``− × ± ≈ ≤ ≥ € ™ °``) -1.5, rarer punctuation -2.5 (others
  -3.5), a soft hyphen or invisible control -3 (-5 for a soft
  hyphen not between letters), an emoji its English wordfreq Zipf frequency - 2.5 (wordfreq
  counts emoji; - 3 for the older symbols U+2600-27BF) or -4, anything else -4, CJK punctuation
  -1; a math sign between spaces or digits gets +1; a symbol glued to the end of a word, where a
  closing quote would stand (``misuse❀``), -1.5.

``Repair.candidates`` lists the best few replacements of the run, best first. ``confident`` is
True for lossless runs, and for lossy ones when the best combination beats the best combination
that gives this lost byte a different value by at least ``MARGIN`` = 1.0 (one Zipf unit: the
winning word is ten times as frequent, or the runner-up is not a word while the winner is), and
no other code page explains the line as well, within ``MARGIN``, with a different repair of the
run (``â‰ `` is ``≠`` eating a no-break space, or ``≈ `` with byte 88 dropped in Windows-1250:
both are candidates, and neither is confident). A lost byte of a CJK character (a 3-byte lead
other than E2) needs a margin of 2 (``_CJK_MARGIN``; languages, CJK, emoji: docs/encoding-languages.md). A run is cut around each lossy slot that is not
confident, so that the confident rest of it is still a safe repair (the fixer's next pass then
sees the doubtful slot between repaired neighbours).
"""

from __future__ import annotations

import contextvars
import math
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from bisect import bisect_left
from itertools import chain, compress, product
from typing import Iterable, Sequence

__all__ = [
    "ENCODINGS",
    "ftfy_config",
    "MARGIN",
    "Repair",
    "apply_repairs",
    "article_hints",
    "find_mojibake",
    "quick_screen",
    "repair_text",
]

#: Code pages in priority order (ties between code pages go to the earlier one).
ENCODINGS: tuple[str, ...] = ("windows-1252", "windows-1254", "windows-1250", "latin-1", "mac-roman",
                              "iso-8859-2", "windows-1257", "windows-1251", "cp437")
_PY_CODEC = {
    "windows-1252": "cp1252",
    "windows-1254": "cp1254",
    "windows-1250": "cp1250",
    "latin-1": "latin-1",
    "mac-roman": "mac_roman",
    "iso-8859-2": "iso8859_2",
    "windows-1257": "cp1257",
    "windows-1251": "cp1251",
    "cp437": "cp437",
}
#: Code pages whose damage is also met with bytes lost (dropped undefined bytes, stripped soft
#: hyphens and C1 controls, no-break spaces made spaces); the others are repaired losslessly only.
_LOSSY_PAGES = frozenset({"windows-1252", "windows-1254", "windows-1250", "latin-1", "windows-1257"})
#: Minimum score difference (Zipf units) for a lossy repair to be ``confident``.
MARGIN = 1.0
_TOP_K = 6          # candidates per lossy slot kept for the joint enumeration
_MAX_COMBOS = 4096  # above this, slots of a group are chosen one at a time
_MAX_ROUNDS = 2


@dataclass(frozen=True)
class Repair:
    start: int          # character offsets into the input string: the damaged run
    end: int
    original: str       # text[start:end]
    replacement: str    # the repaired text for that run
    encoding: str       # the code page that caused it (the outer one when ``rounds`` > 1)
    lossless: bool      # exact reversal: re-encode/decode round trip, no byte missing
    confident: bool     # lossless, or a lost-byte recovery that wins by ``MARGIN``
    candidates: tuple[str, ...]  # best few replacements for the run, best first
    rounds: int = 1     # how many layers of mojibake were undone


@lru_cache(maxsize=None)
def ftfy_config():
    """The ftfy configuration used on damaged runs: encoding repair only (see the module doc)."""
    from ftfy import TextFixerConfig

    return TextFixerConfig(
        unescape_html=False,
        remove_terminal_escapes=False,
        fix_encoding=True,
        restore_byte_a0=False,
        replace_lossy_sequences=False,
        decode_inconsistent_utf8=False,
        fix_c1_controls=False,
        fix_latin_ligatures=False,
        fix_character_width=False,
        uncurl_quotes=False,
        fix_line_breaks=False,
        fix_surrogates=False,
        remove_control_chars=False,
        normalization=None,
        explain=False,
    )


# --------------------------------------------------------------------------------------------
# Code pages
# --------------------------------------------------------------------------------------------


def _cls(chars: Iterable[str]) -> str:
    out = []
    for c in sorted(set(chars)):
        out.append("\\" + c if c in "\\]^-[" else c)
    return "[" + "".join(out) + "]"


_FILL = "\ufffd"  # what a strict decoder writes for a byte its code page leaves undefined


class _CodePage:
    def __init__(self, name: str):
        codec = _PY_CODEC[name]
        self.name = name
        self.byte_of: dict[str, int] = {}
        undefined = []
        for b in range(0x80, 0x100):
            try:
                ch = bytes([b]).decode(codec)
            except UnicodeDecodeError:
                ch = chr(b)  # sloppy: an undefined byte survives as its C1 control
                undefined.append(b)
            self.byte_of[ch] = b
        self.lossy = name in _LOSSY_PAGES
        self.undefined = frozenset(undefined) if self.lossy else frozenset()
        self.lost = tuple(undefined + [0xAD]) if self.lossy else ()
        self.nbsp_space = self.lossy  # A0 is the no-break space in all but Mac Roman

        def chars(lo: int, hi: int) -> list[str]:
            return [c for c, b in self.byte_of.items() if lo <= b <= hi]

        self.cont = frozenset(chars(0x80, 0xBF))
        self.leads = frozenset(chars(0xC2, 0xF4))
        # 2-byte leads of Latin letters (C2-C5) and of Cyrillic (D0-D1: a Cyrillic option needs
        # Cyrillic on the repaired line, see _analyze_cp)
        self.lossy_leads = frozenset(chars(0xC2, 0xC5) + chars(0xD0, 0xD1)) if self.lossy else frozenset()
        # a strict decoder (errors="replace") writes U+FFFD for an undefined byte: on a lossy page
        # it stands in a sequence as a continuation byte (``_find_slots`` fills it in)
        cont = _cls(self.cont | {_FILL} if self.lossy else self.cont)
        l2, l3, l4 = _cls(chars(0xC2, 0xDF)), _cls(chars(0xE0, 0xEF)), _cls(chars(0xF0, 0xF4))
        # The lead character first (a plain character set, which the regex engine scans fast),
        # then what must follow it, chosen by a look-behind at the lead.
        full = f"(?<={l2}){cont}|(?<={l3}){cont}{{2}}|(?<={l4}){cont}{{3}}"
        # Latin-1 that lost every byte 80-9F: a lone E2 (punctuation) lost both continuations
        self.stripped_regex = re.compile(f"{bytes([0xE2]).decode(codec)}(?!{cont})") if name == "latin-1" else None
        if self.lossy:
            part = f"(?<={_cls(self.lossy_leads)})|(?<={l3}){cont}|(?<={l4}){cont}{{2}}"
            self.regex = re.compile(f"{_cls(self.leads)}(?:{full}|(?P<part>{part}))")
        else:
            self.regex = re.compile(f"{_cls(self.leads)}(?:{full})")


_CODEPAGES = {name: _CodePage(name) for name in ENCODINGS}


# quick_screen: a necessary condition, tuned so that clean text rarely stops the scan.
# Characters that start a damaged sequence and are rare in clean European text ("rare leads"),
# and continuation characters rare in clean text ("rare continuations"). Mojibake of Latin text,
# punctuation, emoji, Cyrillic, Greek, Hebrew and Arabic always holds a rare lead; that of CJK,
# Hangul and Vietnamese (whose leads are ordinary letters such as é, ä, í) holds rare continuations
# in all but a few characters, and find_mojibake then examines the whole line anyway.
_ALL_LEADS = frozenset().union(*(cp.leads for cp in _CODEPAGES.values()))
_ALL_CONTS = frozenset().union(*(cp.cont for cp in _CODEPAGES.values()))
# Of Windows-1257's lone leads only Ć (C3: "UmělĆ" is "Umělá" that lost A1); Ā Š Ń are ordinary
# capitals, and its Cyrillic damage always holds rarer characters ("Šø", "Ń€") that stop the screen.
_LOSSY_LEADS = frozenset("Ć").union(*(cp.lossy_leads for cp in _CODEPAGES.values() if cp.name != "windows-1257"))
_RARE_LEADS = _LOSSY_LEADS | frozenset("âğðđ√ƒ≈‚ÐÑÎÏ×ØÙÌËÆÇÊÈÉÕÒÓÔÞ¬∆ﬁﬂ◊⁄\uf8ff"
                                       "ĆĀā├┬─┼╨╤")  # Windows-1257 (ā€™ is ’) and CP437 leads
_FREQ_CONTS = frozenset(
    "šžťľŠŽŤĽ„“”‘’‚–—…\u00a0«»·°€™•§©®"
    "áéíóúýàèìòùâêîôûäëïöüãõñçåæøÄÖÜÅÇÉÑßąęłśżźŁŚŻŹşŞµ"
    # Cyrillic letters of Windows-1251 80-BF that clean text holds after a letter; the capitals
    # Ё Ў Ђ Ѓ Ќ Џ ... and џ stay rare (mojibake of "š", "č", a dash, an emoji: ЕЎ ДЌ вЂ рџ)
    "ёіІїЇєЄўґјљњђћѓќѕ"
)
_RARE_CONTS = _ALL_CONTS - _FREQ_CONTS
# A lone damaged CJK character left between repaired ones ("をç· 結") has no rare character: the
# screen also stops at a CJK character glued to a Latin-1 letter (in the same single scan).
_CJK_RANGE = "\u3000-\u9fff\uac00-\ud7af\uff00-\uffef"
_L1 = "\u00c0-\u00ff"
# Windows-1251 reads the 2-byte leads C2-DF as the Cyrillic capitals В-Я, ordinary letters, and
# Latin letters through it often have a frequent continuation only ("PokГ©mon", "pЕ™idalo",
# "franГ§ais"). Such a capital is a lead when it follows a Latin letter (a word mixing scripts), or
# when, not after a Cyrillic letter, a continuation other than a letter or a no-break space
# follows it ("Г©lite"; a Russian "В" + no-break space stays unseen). Clean Latin text holds no
# such capital; clean Cyrillic text stops the scan at its capitals and goes on.
_CP1251 = _CODEPAGES["windows-1251"]
_CYR_LEADS = "".join(c for c, b in _CP1251.byte_of.items() if 0xC2 <= b <= 0xDF)
_CYR_SIGNS = _cls(c for c in _CP1251.cont if not c.isalpha() and c != "\u00a0")
_SCREEN_RE = re.compile(
    f"[{_cls(_RARE_LEADS | _RARE_CONTS)[1:-1]}{_CYR_LEADS}{_CJK_RANGE}]"
    f"(?:(?<={_cls(_LOSSY_LEADS)})|(?<={_cls(_RARE_LEADS)})(?={_cls(_ALL_CONTS)})"
    f"|(?<={_cls(_ALL_LEADS)}{_cls(_RARE_CONTS)})|(?<={_cls(_ALL_LEADS)}{_cls(_ALL_CONTS)}{_cls(_RARE_CONTS)})"
    f"|(?<=[A-Za-z][{_CYR_LEADS}])(?={_cls(_CP1251.cont)})"
    f"|(?<![\u0400-\u04ff].)(?<=[{_CYR_LEADS}])(?={_CYR_SIGNS})"
    f"|(?<=[{_CJK_RANGE}])(?=[{_L1}])|(?<=[{_L1}][{_CJK_RANGE}])|(?<=[{_L1}][^\x00-\x7f][{_CJK_RANGE}]))"
)


# The first character class of _SCREEN_RE: a text without any of its characters passes the screen.
SCREEN_FIRST_CLASS = f"{_cls(_RARE_LEADS | _RARE_CONTS)[1:-1]}{_CYR_LEADS}{_CJK_RANGE}"
_SCREEN_FIRST = re.compile(f"[{SCREEN_FIRST_CLASS}]")


def screen_char(c: str) -> bool:
    """Whether ``c`` is in the first character class of the screen (see SCREEN_FIRST_CLASS)."""
    return _SCREEN_FIRST.match(c) is not None


def quick_screen(text: str) -> bool:
    """Cheap pre-filter: False means ``text`` certainly holds no mojibake ``find_mojibake`` finds."""
    return _SCREEN_RE.search(text) is not None


# --------------------------------------------------------------------------------------------
# Character plausibility
# --------------------------------------------------------------------------------------------

_COMMON_SCRIPTS = {"LATIN", "COMMON"}


@lru_cache(maxsize=4096)
def _script(c: str) -> str:
    if not c.isalpha() and not (unicodedata.decimal(c, None) is not None and not c.isascii()):
        return "COMMON"  # superscript digits (³) and fractions are no script's own digits
    name = unicodedata.name(c, "")
    word = name.split(" ", 1)[0].split("-", 1)[0]
    if word in ("CJK", "HIRAGANA", "KATAKANA", "HANGUL", "IDEOGRAPHIC"):
        return "CJK"
    if word in ("MODIFIER", "SMALL", "FULLWIDTH"):
        return "COMMON"
    return word or "UNKNOWN"


# Letters of the IPA block that are letters of living orthographies (CLDR exemplar characters):
# Azerbaijani ə; ɛ ɔ ɓ ɗ ɖ ɣ ʋ ɲ in West African languages (Akan, Ewe, Hausa, Fula, Bambara,
# Lingala). No wordfreq list uses them (only zh lists "ə" alone, as pinyin), so they are plausible
# as letters; the rest of the block (phonetic transcription) never is. See docs/encoding-languages.md.
_ORTHOGRAPHIC_IPA = frozenset("əɛɔɓɗɖɣʋɲ")


@lru_cache(maxsize=4096)
def _plausible_char(c: str) -> bool:
    cp = ord(c)
    cat = unicodedata.category(c)
    if cat in ("Cc", "Cn", "Co", "Cs"):
        return False
    if cat == "Cf":
        return c in "\u00ad\u200b\u200c\u200d\u2060\ufeff"
    if 0x0250 <= cp <= 0x02AF:  # IPA letters: only those real orthographies use
        return c in _ORTHOGRAPHIC_IPA
    if 0x02B0 <= cp <= 0x02FF:  # spacing modifier letters
        return c in "\u02bb\u02bc"
    if 0xFFF0 <= cp <= 0xFFFF:
        return False
    return True


def _plausible_text(s: str, before: str, after: str) -> bool:
    """Every character of decoded ``s`` is plausible (combining marks follow a letter)."""
    for i, c in enumerate(s):
        if not _plausible_char(c):
            return False
        cat = unicodedata.category(c)
        if cat.startswith("M"):
            prev = s[i - 1] if i else before
            if not prev or not (prev.isalpha() or unicodedata.category(prev).startswith("M")):
                # a combining mark after a non-letter; variation selectors after symbols are fine
                if not (0xFE00 <= ord(c) <= 0xFE0F or 0x1F3FB <= ord(c) <= 0x1F3FF):
                    return False
    return True


def _plausible_lost(s: str, before: str, after: str) -> bool:
    """A reading of a slot that lost a byte: no rare script beyond the BMP (``_ordinary_astral``),
    and not a soft hyphen between two capitals: the lead is then a capital of an all-caps word, which is ordinary (Romanian "SFÂRȘITUL", French "ÂGE",
    Portuguese "SÃO"), and a word in capitals is hyphenated (if at all) between syllables, not
    where a lost soft hyphen would have left a lone "Â"."""
    if any(ord(c) > 0xFFFF and not _ordinary_astral(ord(c)) for c in s):
        return False  # "š’¼" is 💼 that lost 9F, not the cuneiform 𒐼 (F0 92 90 BC)
    return not (s == "\u00ad" and before.isupper() and after.isupper())


def _ordinary_astral(cp: int) -> bool:
    """A character beyond the BMP that news text holds: emoji and symbols, CJK extensions, tags
    (subdivision flags)."""
    return 0x1F000 <= cp <= 0x1FAFF or 0x20000 <= cp <= 0x3FFFF or 0xE0000 <= cp <= 0xE007F


def _lonely_script(s: str, before: str, after: str) -> bool:
    """A letter of a non-Latin script with no letter of that script next to it."""
    for i, c in enumerate(s):
        sc = _script(c)
        if sc not in _COMMON_SCRIPTS:
            neighbours = (s[:i] + s[i + 1:]) + before[-1:] + after[:1]
            if not any(_script(n) == sc for n in neighbours):
                return True
    return False


# --------------------------------------------------------------------------------------------
# Slots: one damaged UTF-8 character each
# --------------------------------------------------------------------------------------------


class _Slot:
    __slots__ = ("start", "end", "options", "lossless", "space", "lost_byte")

    def __init__(self, start: int, end: int, options: list[str], lossless: bool, space: bool,
                 lost_byte: dict[str, int] | None = None):
        self.start = start
        self.end = end          # includes the following space when ``space``
        self.options = options  # replacement texts for text[start:end], deduplicated
        self.lossless = lossless
        self.space = space
        self.lost_byte = lost_byte or {}  # option -> the byte it assumes lost (A0: a space eaten)


def _need(lead: int) -> int:
    return 1 if lead < 0xE0 else 2 if lead < 0xF0 else 3


def _decode(bs: Sequence[int]) -> str | None:
    try:
        return bytes(bs).decode("utf-8")
    except UnicodeDecodeError:
        return None


@lru_cache(maxsize=4096)
def _lost_byte_readings(bs: tuple[int, ...], lost: tuple[int, ...]) -> tuple[tuple[str, int], ...]:
    """What the bytes ``bs`` of an incomplete sequence decode to with one byte of ``lost``
    inserted after its lead or a continuation, and that byte, in the order they are tried (the
    same damaged characters come back all over a line, and in every code page that reads them
    alike: kept)."""
    out = []
    for pos in range(1, _need(bs[0]) + 1):
        for lb in lost:
            dec = _decode(bs[:pos] + (lb,) + bs[pos:])
            if dec is not None:
                out.append((dec, lb))
    return tuple(out)


def _find_slots(line: str, cp: _CodePage, masked: list[tuple[int, int]],
                lost: Sequence[int] | None = None, nbsp: bool | None = None,
                stripped: frozenset[int] = frozenset(), fill: Sequence[int] | None = None) -> list[_Slot]:
    """Damaged characters of ``line`` in code page ``cp``; a lossy slot may have lost one of the
    bytes ``lost`` (default: the code page's own), or a no-break space turned into the following
    space (``nbsp``); a byte of ``stripped`` (lost only to C1 stripping) only as ``_stripped_ok``.
    A U+FFFD inside a sequence is one of the bytes ``fill`` (default: the code page's undefined
    bytes), which a strict decoder replaced: the slot is lossy and the U+FFFD part of it."""
    lost = cp.lost if lost is None else lost
    nbsp = cp.nbsp_space if nbsp is None else nbsp
    fill = sorted(cp.undefined) if fill is None else fill
    slots: list[_Slot] = []
    n = len(line)
    for m in cp.regex.finditer(line):
        s, e = m.span()
        if masked and any(a <= s < b for a, b in masked):
            continue
        filled = _filled(line[s:e], cp, fill)
        if not filled:
            continue
        if m.lastgroup != "part":
            if len(filled) == 1 and filled[0][1] is None:
                dec = _decode(filled[0][0])
                if dec is not None:
                    slots.append(_Slot(s, e, [dec], True, False))
                continue
            opts = {}
            for bs, fb in filled:
                dec = _decode(bs)
                if dec is not None and dec not in opts:
                    opts[dec] = fb
            if opts:
                slots.append(_Slot(s, e, list(opts), False, False, opts))
            continue
        opts = {}
        for bs, fb in filled:
            for dec, lb in _lost_byte_readings(tuple(bs), tuple(lost)):
                if dec not in opts and (lb not in stripped or _stripped_ok(dec, line, s, e)):
                    opts[dec] = lb if fb is None else fb
        need = _need(filled[0][0][0])
        bs = filled[0][0]
        space = nbsp and e < n and line[e] == " "
        if space:
            opts = {o + " ": b for o, b in opts.items()}
            if len(bs) == need and len(filled) == 1:  # only the last byte is missing: the no-break space?
                dec = _decode(bs + [0xA0])
                if dec is not None and dec not in opts:
                    opts[dec] = 0xA0
            e += 1
        if opts:
            slots.append(_Slot(s, e, list(opts), False, space, opts))
    if cp.stripped_regex is not None and _C1_BYTES <= set(lost):
        slots = sorted(slots + _stripped_slots(line, cp, masked, sorted(_C1_BYTES)), key=lambda x: x.start)
    return slots


def _filled(text: str, cp: _CodePage, fill: Sequence[int]) -> list[tuple[list[int], int | None]]:
    """The bytes of a damaged sequence, every U+FFFD in it replaced by each byte of ``fill`` in
    turn, with the first byte so filled in (None: no U+FFFD in it)."""
    if _FILL not in text:
        return [([cp.byte_of[c] for c in text], None)]
    out: list[tuple[list[int], int | None]] = [([], None)]
    for c in text:
        if c != _FILL:
            out = [(bs + [cp.byte_of[c]], fb) for bs, fb in out]
        else:
            out = [(bs + [b], b if fb is None else fb) for bs, fb in out for b in fill]
    return out


def _line_lost_bytes(line: str, cp: _CodePage, slots: list[_Slot]) -> tuple[tuple[int, ...], bool, tuple[str, ...],
                                                                            frozenset[int]]:
    """Which bytes the line's damage can have lost, judged from the line itself.

    The code pages *compatible* with the line are those that read every damaged character of it
    as the same byte as ``cp`` does (for "Ã©" Windows-1252, -1254 and Latin-1 all do); the
    pipeline may have used any of them, so a lossy slot may have lost an undefined byte of any.
    But a line shows what its pipeline kept: a C1 control inside a complete sequence (``Ã\x81``)
    means undefined bytes were kept, not dropped; a soft hyphen inside one (``Ã\xad``) means soft
    hyphens were kept; a no-break space inside one (``Â\xa0``) means no-break spaces were not
    turned into spaces. Returns (bytes that may be lost, whether a no-break space may have become
    a space, names of the compatible code pages, the bytes lost only if C1 controls were stripped)."""
    chars: set[str] = set()
    keep_c1 = keep_shy = keep_nbsp = False
    for s in slots:
        text = line[s.start:s.end - 1] if s.space else line[s.start:s.end]
        if _FILL in text:  # undefined bytes were replaced (strict decoder), not dropped
            keep_c1 = True
            text = text.replace(_FILL, "")
        chars.update(text)
        if s.lossless:
            for c in text[1:]:
                if "\x80" <= c <= "\x9f":
                    keep_c1 = True
                elif c == "\xad":
                    keep_shy = True
                elif c == "\xa0":
                    keep_nbsp = True
    compatible = tuple(name for name, other in _CODEPAGES.items()
                       if other.lossy and all(other.byte_of.get(c) == cp.byte_of[c] for c in chars))
    lost: set[int] = set()
    stripped: frozenset[int] = frozenset()
    if not keep_c1:
        for name in compatible:
            lost |= _CODEPAGES[name].undefined
        if cp.name == "latin-1" and _c1_stripped(line):
            stripped = _C1_BYTES - lost
            lost |= _C1_BYTES
    if not keep_shy and cp.lossy:
        lost.add(0xAD)
    return tuple(sorted(lost)), cp.nbsp_space and not keep_nbsp, compatible, stripped


_C1_BYTES = frozenset(range(0x80, 0xA0))
# What Windows-1252 reads bytes 80-9F as: after a lead, such a character shows the bytes were kept.
_CP1252_C1 = frozenset(_CODEPAGES["windows-1252"].byte_of[c] and c for c in _CODEPAGES["windows-1252"].byte_of
                       if 0x80 <= _CODEPAGES["windows-1252"].byte_of[c] <= 0x9F and c > "\x9f")
_C1_KEPT_RE = re.compile(f"[\x80-\x9f]|(?<=[\u00c2-\u00f4]){_cls(_CP1252_C1)}")


_MID_SENTENCE = " \u00a0–—-,;:\"'„“”‚‘’«»()"  # what may stand between two words of a sentence


def _stripped_ok(dec: str, line: str, s: int, e: int) -> bool:
    """A reading that assumes a stripped C1 byte (one no compatible code page leaves undefined: a
    stripped 97 would make "nab×jen×" of "nabÃjenÃ", whose soft hyphens were lost): a letter, and not a capital standing alone as a
    word ("Ã " is "à " with its no-break space lost, not "À ") nor one starting a lowercase word
    after a lowercase word ("s Älánky": "články")."""
    if not dec.isalpha():
        return False
    if not dec.isupper():
        return True
    alone = (not s or not line[s - 1].isalpha()) and (e >= len(line) or not line[e].isalpha())
    # a capital that starts a lowercase word after a lowercase word: mid-sentence, the lowercase
    # letter of the pair (Č/č are 8C/8D, Ř/ř 98/99), as the Windows-1252 hypothesis reads it;
    # not for the Latin-1 capitals (C3 80-9E) that start German nouns ("für Überstunden")
    before = line[:s].rstrip(_MID_SENTENCE)
    mid = dec >= "\u0100" and bool(before) and before[-1].islower() and e < len(line) and line[e].islower()
    return not (alone or mid)


def _c1_stripped(line: str) -> bool:
    """Whether the line may have lost every byte 80-9F (Latin-1 text whose C1 controls a pipeline
    removed): it holds no C1 control and no Windows-1252 reading of those bytes after a lead."""
    return _C1_KEPT_RE.search(line) is None


def _stripped_slots(line: str, cp: _CodePage, masked: list[tuple[int, int]], lost: Sequence[int]) -> list[_Slot]:
    """Lone leads of a 3-byte sequence (``â`` of ``„`` = E2 80 9E) that lost both continuation
    bytes, on a line that lost every byte 80-9F: read as general punctuation (dashes, quotes,
    bullets; U+2010-U+206F), the usual reason for E2. Leaving the text as it is, is an option too
    (French ``âge``): such a slot is repaired only when a lost reading scores better."""
    slots = []
    for m in cp.stripped_regex.finditer(line):
        s = m.start()
        if masked and any(a <= s < b for a, b in masked):
            continue
        lead = cp.byte_of[line[s]]
        opts: dict[str, int] = {line[s]: 0}
        for b1 in lost:
            for b2 in lost:
                dec = _decode([lead, b1, b2])
                if dec is not None and dec not in opts and "\u2010" <= dec <= "\u206f" and _plausible_char(dec):
                    opts[dec] = b2
        slots.append(_Slot(s, s + 1, list(opts), False, False, opts))
    return slots


_CODE_SPAN_RE = re.compile(r"(`+)(?!`)(.+?)(?<!`)\1(?!`)")


def _masked_spans(line: str) -> list[tuple[int, int]]:
    if "`" not in line:
        return []
    return [m.span() for m in _CODE_SPAN_RE.finditer(line)]


# --------------------------------------------------------------------------------------------
# Language model (lazy)
# --------------------------------------------------------------------------------------------

_WORD_RE = re.compile(r"[^\W_]+(?:['’][^\W_]+)*")
_FOREIGN_CHECK = ("en", "de", "fr", "pt", "sv", "tr", "es")
_CJK_LANGS = ("ja", "zh", "ko")
_DETECT_LANGS = ("cs", "en", "sk", "de", "fr", "es", "pt", "pl", "it", "hu", "ro", "tr", "sv", "nl")


class _LangModel:
    """A language's word and letter statistics, read from the compiled word lists
    (``lexicon.py``: wordfreq's lists, compiled once, read a word at a time)."""

    def __init__(self, lang: str):
        from . import lexicon

        self.lang = lang
        self.lex = lexicon.get(lang)
        self.char_logp = self.lex.char_logp
        self.cjk = lang if lang in _CJK_LANGS else None  # the CJK language of the line, if any

    def zipf(self, word: str) -> float:
        return self._zipf(word, self.lex.freq)

    def head_zipf(self, word: str) -> float:
        """``zipf`` if the word is among the language's most frequent (``lexicon.HEAD_WORDS``),
        else 0: what language detection asks of every candidate language (the head of a list
        costs a fraction of the whole to compile)."""
        return self._zipf(word, self.lex.head_freq)

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


# A letter of another script than the line's language is scored with a language of its script.
_SCRIPT_LANG = {"CYRILLIC": "ru", "GREEK": "el", "ARABIC": "ar", "HEBREW": "he", "THAI": "th"}


class _MixModel:
    """The line's main language, and languages the line also quotes (``cs+fr``: a French quote in
    a Czech line): a word scores the best of its Zipf frequency in the main language and in each
    quoted one less ``_QUOTED_COST``; a letter its best probability. Quote conventions, the CJK
    language and letter statistics are the main language's."""

    def __init__(self, main: _LangModel, quoted: list[_LangModel]):
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
def _model(lang: str) -> _LangModel:
    if "+" in lang:
        main, *quoted = lang.split("+")
        return _MixModel(_model(main), [_model(q) for q in quoted])  # type: ignore[return-value]
    return _LangModel(lang)


def _supported(lang: str) -> str:
    from . import lexicon

    langs = [q if q in lexicon.available_languages() else "en" for q in lang.split("+")]
    return "+".join(dict.fromkeys(langs))


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
}
_ALPHABET_PRIOR = -3.0  # log10 prior of a letter of the language that its letter counts lack
_SCRIPT_LANGS = {"CYRILLIC": ("ru", "uk", "bg", "mk"), "GREEK": ("el",), "ARABIC": ("ar", "fa", "ur"),
                 "HEBREW": ("he",), "DEVANAGARI": ("hi",), "BENGALI": ("bn",), "TAMIL": ("ta",)}


def _clean_words(line: str) -> list[str]:
    """The line's words that show no damage: not the screen's, and no capital after a small
    letter (a lead left by a lost byte: "estĆvel" is "estável" through Windows-1257, whose "ć"
    would count for Polish)."""
    return [w for w in _WORD_RE.findall(_URL_RE.sub(" ", line))
            if len(w) > 1 and not w.isdigit() and not quick_screen(w) and not _capital_inside(w)]


def _capital_inside(word: str) -> bool:
    return any(c.isupper() and p.islower() for p, c in zip(word, word[1:]))


def _candidate_languages(words: list[str], prior: str | None) -> list[str]:
    """The prior, English, and the languages whose alphabet has the line's other letters."""
    from . import lexicon

    out = [prior] if prior else []
    out.append("en")
    letters = {c.lower()[:1] for w in words for c in w if not c.isascii() and c.isalpha()}  # İ
    scripts = {_script(c) for c in letters} - _COMMON_SCRIPTS
    for sc in scripts:
        out.extend(_SCRIPT_LANGS.get(sc, ()))
    latin = {c for c in letters if _script(c) == "LATIN"}
    if latin:  # the languages that can spell most of them (ties: the order of the table)
        fit = sorted((q for q in _LATIN_ALPHABETS if q != prior and latin & set(_LATIN_ALPHABETS[q])),
                     key=lambda q: -len(latin & set(_LATIN_ALPHABETS[q])))
        out.extend(fit[:4])
    if prior is None:
        out.extend(_DETECT_LANGS)
    avail = lexicon.available_languages()
    return [q for q in dict.fromkeys(out) if q in avail]


def _cjk_line(line: str) -> str | None:
    letters = [c for c in line if c.isalpha()]
    cjk = sum(_script(c) == "CJK" for c in letters)
    return _cjk_lang(line) if letters and 2 * cjk >= len(letters) else None


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
    zipfs = {q: [_model(q).head_zipf(w) for w in words] for q in langs}

    def score(q: str) -> float:
        n = sum(zipfs[q]) + 2.0 * sum(2.0 + _model(q).char_logp.get(c, -6.0) for c in letters)
        return n + (_PRIOR_MARGIN * max(len(words), 3) if q == prior else 0.0)

    main = prior if prior in zipfs else None
    if main is None or len(words) >= 3:
        main = max(langs, key=score) if langs else (prior or "en")
    quoted = [q for q in langs if q != main and q in zipfs and main in zipfs
              and sum(z >= 2.0 and z >= m + 2.0 for z, m in zip(zipfs[q], zipfs[main])) >= _QUOTE_EVIDENCE]
    return "+".join([main] + quoted[:2])


def _line_language(line: str, lang: str) -> str:
    """``lang`` as a prior: the line's undamaged words decide (``_choose_languages``)."""
    return _choose_languages(line, lang)


def _detect_language(line: str) -> str:
    """The wordfreq language that best knows the line's undamaged words and letters (each
    non-ASCII letter adds ``2 * (2 + log10 p)``, p its frequency among the language's letters),
    with the languages the line quotes."""
    return _choose_languages(line, None)


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
_MARKS = set(_PAIRS) | set("".join(_PAIRS.values()))
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
            if d in _MARKS and not _is_apostrophe(right, i):
                if d in _PAIRS[c]:
                    return _PAIR_MATCH
                return _PAIR_CLASH if d not in _PAIRS or d in _CJK_OPEN or c in _CJK_OPEN else 0.0
        return 0.0
    if closing:
        for i in range(len(left) - 1, -1, -1):
            d = left[i]
            if d in _MARKS and not _is_apostrophe(left, i):
                if c in _PAIRS.get(d, ""):
                    return _PAIR_MATCH
                return _PAIR_CLASH if d in _PAIRS and d not in "“»›" else 0.0
        return 0.0
    return 0.0


#: Characters known to be in the article (``article_hints``), for the ``find_mojibake`` call
#: that is running: a recovered symbol the article shows undamaged elsewhere is evidence.
_HINTS: contextvars.ContextVar[frozenset[str]] = contextvars.ContextVar("_HINTS", default=frozenset())
_HINT_PRIOR = 2.0  # a recovered symbol present undamaged in the article: better than any guess


def _nonletter_prior(c: str, prev: str, nxt: str) -> float:
    if c in _HINTS.get() and _is_symbol(c):
        return _HINT_PRIOR
    p = _PUNCT_PRIOR.get(c)
    if p is None:
        cat = unicodedata.category(c)
        if cat.startswith("S") and (ord(c) >= 0x1F000 or 0x2600 <= ord(c) <= 0x27BF):
            z = _model("en").zipf(c)  # wordfreq counts emoji too
            p = (z - (2.5 if ord(c) >= 0x1F000 else 3.0)) if z > 0 else -4.0
        elif cat.startswith(("P", "Z")):
            p = -3.5
        else:
            p = -4.0
    if unicodedata.category(c) == "Sm" and (not prev or prev.isspace() or prev.isdigit()) \
            and (not nxt or nxt.isspace() or nxt.isdigit()):
        p += 1.0  # a math sign between numbers or spaces
    if c == "\u200d" and (_is_emoji(prev) or prev == "\ufe0f") and _is_emoji(nxt):
        p = 1.0  # the joiner of an emoji sequence (👩‍💻, ❤️‍🔥): better than ” between two emoji
    p += _selector_prior(c, prev)
    if nxt == "\ufe0f" and _is_emoji(c):
        p += 3.0  # a symbol that VS16 shows as an emoji (☀️)
    if c == "\u00ad" and not (prev.isalpha() and nxt.isalpha()):
        p -= 2.0
    if unicodedata.category(c) == "So" and prev.isalnum() and not nxt.isalnum():
        p -= 1.5  # a symbol glued to the end of a word, where a closing quote would stand
    return p


def _selector_prior(c: str, prev: str) -> float:
    """After a character with an emoji presentation (``_is_emoji``): VS16 U+FE0F (❤️) is what
    follows, the vertical presentation forms U+FE10-U+FE19 (︐, a lost byte away) never do."""
    if not _is_emoji(prev):
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


def _is_emoji(c: str) -> bool:
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
        if any(d in _ALL_LEADS or (d in _ALL_CONTS and not d.isspace() and not _is_symbol(d)) for d in near):
            continue
        out.add(c)
    return frozenset(out)


# --------------------------------------------------------------------------------------------
# Scoring groups of lossy slots
# --------------------------------------------------------------------------------------------


class _Group:
    __slots__ = ("start", "end", "slots")

    def __init__(self, start: int, end: int, slots: list[_Slot]):
        self.start, self.end, self.slots = start, end, slots


def _is_wordish(c: str) -> bool:
    return c.isalnum() or unicodedata.category(c).startswith("M") or c in "'’\u00ad"


_CASE_PENALTY = 8.0  # log10 odds against a capital inside a lowercase word (or the reverse)
_SHORT_WORD_ZIPF = 5.0  # a one-letter word counts as known only when it is this frequent
_CJK_UNKNOWN = -3.0  # a recovered CJK character that is part of no known word
_CJK_SPACE = -3.0  # a space between two CJK characters
_CJK_NOT_A_WORD = 3.0  # a character the word list has only inside longer words
_CJK_MARGIN = 2.0  # a recovered CJK character is written only when it wins by this much
_FIRST_CJK = "\u1100"  # no character below this is of the script ``_script`` calls CJK


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
                pen -= _CASE_PENALTY
        elif c.islower():
            if counts is None:
                letters = [x for x in tok if x.isalpha()]
                counts = (len(letters), sum(1 for x in letters if not x.isupper()))
            if counts[0] - 1 >= 2 and counts[1] == 1:  # every other letter is a capital
                pen -= _CASE_PENALTY
    return pen


def _letter_score(tok: str, i: int, lm: _LangModel) -> float:
    """A recovered letter of an unknown word: ``gap_logp`` in the line's language, or in a
    language of the letter's script when that is not Latin (Cyrillic: ru, Greek: el, ...)."""
    c = tok[i]
    around = (tok[i - 1] if i else "", tok[i + 1] if i + 1 < len(tok) else "",
              tok[i - 2] if i > 1 else "", tok[i + 2] if i + 2 < len(tok) else "")
    sc = _script(c)
    if sc not in _COMMON_SCRIPTS and sc in _SCRIPT_LANG:
        lm = _model(_supported(_SCRIPT_LANG[sc]))
    return lm.gap_logp(around[0], c, around[1], around[2], around[3])


def _cjk_lang(tok: str) -> str:
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
    for cp in _CODEPAGES.values():
        lead = [c for c, b in cp.byte_of.items() if b == 0xE3]
        conts = [c for c, b in cp.byte_of.items() if 0x81 <= b <= 0x83 or (0x84 <= b <= 0xBF and cp.lossy)]
        if lead and conts:
            pats.append(f"{_cls(lead)}{_cls(conts)}")
    return re.compile("|".join(pats))


_KANA_MOJIBAKE = _kana_mojibake_re()
_KANA_RE = re.compile("[\u3040-\u30ff]")
_HANGUL_RE = re.compile("[\uac00-\ud7af\u1100-\u11ff]")


def _cjk_viterbi(t: str, m: _LangModel) -> float:
    """log10 probability of the most probable cut of ``t`` into known words of 1-4 characters (a
    word costs its Zipf frequency - 9; a character that is no known word its frequency among the
    language's characters, derived from the word list, - ``_CJK_NOT_A_WORD``, or
    ``_CJK_UNKNOWN`` - 9 when the list never has it; a stretch of other characters, nothing)."""
    n = len(t)
    best = [0.0] + [-math.inf] * n
    for j in range(1, n + 1):
        if _script(t[j - 1]) != "CJK":
            k = j - 1
            while k > 0 and _script(t[k - 1]) != "CJK":
                k -= 1
            best[j] = max(best[j], best[k])
            continue
        for k in range(max(0, j - 4), j):
            sub = t[k:j]
            if any(_script(c) != "CJK" for c in sub):
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
    m = _model(lang or _cjk_lang(tok))
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


def _word_score(tok: str, rep: list[bool], lm: _LangModel, cjk: str | None = None) -> float:
    if any(_script(c) == "CJK" for c in tok):
        # the token's own kana or hangul, else the line's (``_cjk_langs``), else the model's
        own = _cjk_lang(tok)
        return _cjk_score(tok, rep, own if own != "zh" else cjk or lm.cjk)
    z = lm.zipf(tok)
    if len(tok) == 1 and z < _SHORT_WORD_ZIPF:
        z = 0.0  # "ł", "ő": single letters that wordfreq lists as abbreviations, not words
    if z > 0:
        s = z
    else:
        s = -1.0 + sum(_letter_score(tok, i, lm) for i, r in enumerate(rep) if r and tok[i].isalpha())
    if any(rep):
        s += _casing_penalty(tok, rep)
    return s


def _score(text: str, replaced: list[bool], prev: str, nxt: str, lm: _LangModel,
           left: str, right: str, cjk: str | None, memo: dict) -> float:
    """Score of a rendering of a group: its words (``_word_score``) and its recovered marks
    (``_nonletter_prior``, ``_quote_score``, ``_pair_score`` against ``left``/``right``, the
    repaired text of the line around the group). ``memo`` keeps the word scores of earlier
    renderings of the same group (with the same ``lm`` and ``cjk``): they share most words."""
    score = 0.0
    for m in _WORD_RE.finditer(text):
        a, b = m.span()
        key = (m.group(), tuple(replaced[a:b]))
        s = memo.get(key)
        if s is None:
            s = memo[key] = _word_score(key[0], replaced[a:b], lm, cjk)
        score += s
    i = text.find(" ", 1) if text and max(text) >= _FIRST_CJK else -1
    while 0 < i < len(text) - 1:
        if _script(text[i - 1]) == "CJK" and _script(text[i + 1]) == "CJK":
            score += _CJK_SPACE  # CJK text has no spaces between its characters
        i = text.find(" ", i + 1)
    for i in compress(range(len(text)), replaced):  # the recovered characters
        c = text[i]
        if not c.isalnum():
            p = text[i - 1] if i else prev
            q = text[i + 1] if i + 1 < len(text) else nxt
            score += _nonletter_prior(c, p, q) + _quote_score(c, p, q, lm.lang)
            if c in _MARKS:
                opening, closing = _position(p, q)
                score += _pair_score(c, opening, closing, left + text[:i], text[i + 1:] + right)
    return score


def _slot_prior(slot: _Slot, opt: str, line: str, lm: _LangModel, cjk: str = "zh",
                prev: str | None = None) -> float:
    """The prior of option ``opt`` of a lossy slot; ``prev``: the character before it, repaired
    (``GrĆ¶Će``: ö, before which a capital is unlikely), by default the line's."""
    if prev is None:
        prev = line[slot.start - 1] if slot.start else ""
    nxt = line[slot.end] if slot.end < len(line) else ""
    s = 0.0
    for i, c in enumerate(opt.rstrip(" ") if slot.space else opt):
        if _script(c) == "CJK":
            z = _model(cjk).zipf(c)
            s += z - 6.0 if z > 0 else _CJK_UNKNOWN - 6.0
        elif c.isalpha():
            sc = _script(c)  # a letter of another script: its frequency in a language of it
            s += (_model(_supported(_SCRIPT_LANG[sc])) if sc in _SCRIPT_LANG else lm).letter_prior(c)
            if c.isupper() and prev.islower():
                s -= _CASE_PENALTY
        else:
            s += _nonletter_prior(c, prev if i == 0 else opt[i - 1], nxt) + _quote_score(c, prev, nxt, lm.lang)
    return s


def _repaired_map(line: str, slots: list[_Slot], fixed: dict[int, str]) -> "_Context":
    """``line`` with its lossless slots repaired, and the position in it of each index of
    ``line`` (``_Context``: what a group's paired marks are scored against)."""
    return _Context(line, slots, fixed)


def _render_map(line: str, slots: list[_Slot], fixed: dict[int, str], chosen: dict[int, str]
                ) -> tuple[str, list[int]]:
    """``line`` with its lossless slots repaired and the lossy ones in ``chosen`` (start -> text)
    replaced, and the position in it of each index of ``line``."""
    out: list[str] = []
    where = [0] * (len(line) + 1)
    pos = n = 0
    for s in slots:
        rep = fixed.get(s.start) if s.lossless else chosen.get(s.start)
        if rep is None:
            continue
        for i in range(pos, s.start):
            where[i] = n + i - pos
        n += s.start - pos
        out.append(line[pos:s.start])
        for i in range(s.start, s.end):
            where[i] = n
        out.append(rep)
        n += len(rep)
        pos = s.end
    for i in range(pos, len(line) + 1):
        where[i] = n + i - pos
    out.append(line[pos:])
    return "".join(out), where


class _Context:
    """The repaired line around the groups: ``rep_line`` (lossless slots repaired) and ``where``
    (index of ``line`` -> index in ``rep_line``); and, for the paired-mark evidence, per language
    model, the line with every other lossy slot that can only be punctuation shown as its most
    probable mark by itself (``_slot_prior``): the opening ``„`` of a Polish quote that lost its
    byte too answers the closing ``”`` the group weighs (the author's pair beats the language's)."""

    def __init__(self, line: str, slots: list[_Slot], fixed: dict[int, str]):
        self.line, self.slots, self.fixed = line, slots, fixed
        self.rep_line, self.where = _render_map(line, slots, fixed, {})
        self.marks = [s for s in slots if not s.lossless and _only_marks(s.options)]
        self._marked: dict = {}

    def marked(self, lm: _LangModel) -> tuple[str, list[int]]:
        if not self.marks:
            return self.rep_line, self.where
        got = self._marked.get(lm)
        if got is None:
            chosen = {s.start: max(s.options, key=lambda o: _slot_prior(s, o, self.line, lm))
                      for s in self.marks}
            got = self._marked[lm] = _render_map(self.line, self.slots, self.fixed, chosen)
        return got


def _only_marks(options: list[str]) -> bool:
    """No option holds a letter, and one holds a paired mark."""
    return all(not c.isalpha() for o in options for c in o) and any(c in _MARKS for o in options for c in o)


_WINDOW = 20  # characters on each side of a slot that its choice is scored with (a word longer
#               than this is unknown to every word list: its letters count, each with 2 neighbours)


def _group_pieces(line: str, group: _Group, fixed: dict[int, str]) -> tuple[list[str], list[int]]:
    """The group's text as pieces: the text before each slot, the slot, ..., the text after the
    last slot; and the index of each lossy slot's piece (filled with its first option)."""
    pieces: list[str] = []
    where: list[int] = []
    pos = group.start
    for s in group.slots:
        pieces.append(line[pos:s.start])
        if s.lossless:
            pieces.append(fixed[s.start])
        else:
            where.append(len(pieces))
            pieces.append(s.options[0])
        pos = s.end
    pieces.append(line[pos:group.end])
    return pieces, where


def _rendered(pieces: list[str], masks: list[tuple[bool, ...]], lo: int, hi: int) -> tuple[str, list[bool]]:
    """Pieces ``lo`` to ``hi`` (exclusive) joined, with the mask of the recovered characters
    (``masks``: each piece's, ``_piece_mask``)."""
    return "".join(pieces[lo:hi]), list(chain.from_iterable(masks[lo:hi]))


@lru_cache(maxsize=4096)
def _piece_mask(p: str, lossy: bool) -> tuple[bool, ...]:
    """The recovered characters of a piece: a lossy slot's, but its space (a lost no-break space
    read as one is no recovered character); nothing else."""
    return tuple(c != " " for c in p) if lossy else (False,) * len(p)


@lru_cache(maxsize=4096)
def _has_bound(p: str) -> bool:
    """``p`` holds a character that is no word character (the options of the slots come back
    in every rendering of a group: kept)."""
    return any(not _is_wordish(c) for c in p)


def _span_around(sizes: list[int], bound: list[bool], k: int) -> tuple[int, int, bool]:
    """The pieces around piece ``k`` whose words a choice for it can change: up to the first
    piece holding a character that is no word character on each side (included: a recovered
    mark there scores its neighbours), at most ``_WINDOW`` characters away. The flag: the word
    around piece ``k`` goes on beyond the window on a side (it is longer than any listed word)."""
    lo, n = k, 0
    while lo > 0 and n < _WINDOW:
        lo -= 1
        n += sizes[lo]
        if bound[lo]:
            break
    cut = lo > 0 and not bound[lo]
    hi, n = k + 1, 0
    while hi < len(sizes) and n < _WINDOW:
        n += sizes[hi]
        hi += 1
        if bound[hi - 1]:
            break
    cut = cut or (hi < len(sizes) and not bound[hi - 1])
    return lo, hi, cut


class _Scorer:
    """Scores of renderings of one group that differ in one lossy slot: only the words and
    marks around that slot are scored again (``_span_around``), so choosing every slot of a
    long group costs time linear in its length. ``total`` scores the whole group once."""

    def __init__(self, line, group, fixed, lm, left, right, cjk, memo):
        self.pieces, self.where = _group_pieces(line, group, fixed)
        lossy_at = set(self.where)
        self.masks = [_piece_mask(p, k in lossy_at) for k, p in enumerate(self.pieces)]
        self.sizes = [len(p) for p in self.pieces]
        self.bound = [_has_bound(p) for p in self.pieces]
        self.prev = line[group.start - 1] if group.start else ""
        self.nxt = line[group.end] if group.end < len(line) else ""
        self.lm, self.left, self.right, self.cjk, self.memo = lm, left, right, cjk, memo

    def put(self, i: int, x: str) -> None:
        k = self.where[i]
        self.pieces[k], self.sizes[k], self.bound[k] = x, len(x), _has_bound(x)
        self.masks[k] = _piece_mask(x, True)

    def set(self, choice: Sequence[str]) -> None:
        pieces, where = self.pieces, self.where
        for i, x in enumerate(choice):
            if pieces[where[i]] is not x:  # the enumeration changes mostly the last slot
                self.put(i, x)

    def total(self) -> float:
        text, mask = _rendered(self.pieces, self.masks, 0, len(self.pieces))
        return _score(text, mask, self.prev, self.nxt, self.lm, self.left, self.right, self.cjk, self.memo)

    def local(self, i: int, xs: Sequence[str], wide: bool, letters: bool) -> list[float]:
        """The scores of the part of the group that slot ``i`` set to each of ``xs`` changes
        (up to a constant of the slot: compare only scores of the same ``i``, ``wide`` and
        ``letters``). ``wide``: an option of the slot is a paired mark, which looks for its pair
        along the whole line; ``letters``: every option of the slot is letters."""
        k = self.where[i]
        old = self.pieces[k]
        lo, hi, cut = _span_around(self.sizes, self.bound, k)  # the same for every option
        out = []
        for x in xs:
            self.put(i, x)
            out.append(self._in_long_word(k) if cut and letters else self._window(lo, hi, wide))
        self.put(i, old)
        return out

    def _window(self, lo: int, hi: int, wide: bool) -> float:
        pieces = self.pieces
        text, mask = _rendered(pieces, self.masks, lo, hi)
        prev = next((p[-1] for p in reversed(pieces[max(0, lo - 3):lo]) if p), None)
        if prev is None:
            prev = "".join(pieces[:lo])[-1:] or self.prev
        nxt = next((p[0] for p in pieces[hi:hi + 3] if p), None)
        if nxt is None:
            nxt = "".join(pieces[hi:])[:1] or self.nxt
        left = right = ""
        if wide:
            left, right = self.left + "".join(pieces[:lo]), "".join(pieces[hi:]) + self.right
        return _score(text, mask, prev, nxt, self.lm, left, right, self.cjk, self.memo)

    def _in_long_word(self, k: int) -> float:
        """Letters of piece ``k`` inside a word no list holds: what ``_word_score`` counts for
        them and for the recovered letters beside them (their letters in context, their case)."""
        lo, hi, n = k, k + 1, 0
        while lo > 0 and n < 4 and not self.bound[lo - 1]:
            lo -= 1
            n += self.sizes[lo]
        n = 0
        while hi < len(self.pieces) and n < 4 and not self.bound[hi]:
            n += self.sizes[hi]
            hi += 1
        text, mask = _rendered(self.pieces, self.masks, lo, hi)
        a = sum(self.sizes[lo:k])
        b = a + self.sizes[k]
        s = 0.0
        for j in range(max(0, a - 2), min(len(text), b + 2)):
            c = text[j]
            if not mask[j] or not c.isalpha():
                continue
            key = ("letter", text[max(0, j - 2):j + 3], min(j, 2))  # what _letter_score reads
            v = self.memo.get(key)
            if v is None:
                v = self.memo[key] = _letter_score(text, j, self.lm)
            s += v
            if a - 1 <= j <= b and c.isupper() and (text[j - 1:j].islower() or text[j + 1:j + 2].islower()):
                s -= _CASE_PENALTY
        return s


def _cjk_ranked(line: str, group: _Group, s: _Slot, fixed: dict[int, str], lm: _LangModel,
                cjk: str, memo: dict, edges: tuple[dict, dict]) -> list[str]:
    """CJK options are ranked in context (the slot alone repaired, its word segmentation): a
    character's own frequency says little (規 is rare alone, frequent in 規模). The context is up
    to 4 whole characters on each side (``_cjk_context``)."""
    seg_l, seg_r = _cjk_context(line, group, s, fixed, edges)

    def local(o: str) -> float:
        t = seg_l + o + seg_r
        mask = [False] * len(seg_l) + [c != " " for c in o] + [False] * len(seg_r)
        return _score(t, mask, "", "", lm, "", "", cjk, memo)

    return sorted(s.options, key=lambda o: -local(o))


def _cjk_context(line: str, group: _Group, s: _Slot, fixed: dict[int, str],
                 edges: tuple[dict, dict]) -> tuple[str, str]:
    """Up to 4 characters of the group on each side of slot ``s``, read whole: a lossless slot
    repaired (a window of damaged characters would cut a 3-byte neighbour in half), up to the
    next lossy slot (whose reading is not known yet: adjacent slots are read jointly by the
    enumeration of their combinations)."""
    ends, starts = edges
    left: list[str] = []
    pos, n = s.start, 0
    while n < 4 and pos > group.start:
        x = ends.get(pos)
        if x is not None and not x.lossless:
            break
        piece, pos = (fixed[x.start], x.start) if x is not None else (line[pos - 1], pos - 1)
        left.append(piece)
        n += len(piece)
    right: list[str] = []
    pos, n = s.end, 0
    while n < 4 and pos < group.end:
        x = starts.get(pos)
        if x is not None and not x.lossless:
            break
        piece, pos = (fixed[x.start], x.end) if x is not None else (line[pos], pos + 1)
        right.append(piece)
        n += len(piece)
    return "".join(reversed(left)), "".join(right)


_MEMO_SIZE = 100_000  # word scores kept per model (a dict is emptied when it grows past this)
_MEMOS: dict[tuple, dict] = {}


def _word_memo(lm: _LangModel, cjk: str) -> dict:
    """The word scores of one language model and CJK language: a word's score (``_word_score``,
    ``_letter_score``) depends on nothing else, so every rendering of every group shares them, in
    every code page and on every line (the same words come back in every code page that reads
    the line's damaged characters alike)."""
    memo = _MEMOS.get((lm, cjk))
    if memo is None or len(memo) > _MEMO_SIZE:
        memo = _MEMOS[(lm, cjk)] = {}
    return memo


_GROUPS: dict[tuple, list] = {}  # rankings of groups already resolved (``_resolve_group``)
_GROUPS_SIZE = 4096


def _resolve_group(line: str, group: _Group, fixed: dict[int, str], lm: _LangModel,
                   context: _Context | None = None):
    """Score combinations of the group's lossy slots. Returns list of (score, choice tuple) best first.
    ``context``: the line around the group, repaired (``_Context``), for the paired-mark
    evidence. Up to ``_MAX_COMBOS`` combinations are all scored; above,
    each slot is chosen in turn (twice over), scored on the words around it (``_Scorer``).
    The code pages that read a line's damaged characters as the same bytes (Windows-1252, -1254,
    Latin-1) find the same groups: a ranking is computed once for everything it depends on."""
    lossy = [s for s in group.slots if not s.lossless]
    if context is not None:
        marked, where = context.marked(lm)
        left, right = marked[:where[group.start]], marked[where[group.end]:]
    else:
        left = right = ""
    results = _GROUPS.get(key := _group_key(line, group, lossy, fixed, lm, left, right))
    if results is None:
        if len(_GROUPS) >= _GROUPS_SIZE:
            _GROUPS.clear()
        results = _GROUPS[key] = _rank_group(line, group, lossy, fixed, lm, left, right,
                                             context.rep_line if context is not None else line)
    return lossy, results


def _group_key(line: str, group: _Group, lossy: list[_Slot], fixed: dict[int, str], lm: _LangModel,
               left: str, right: str) -> tuple:
    """What a group's ranking depends on. A group whose options hold no paired mark (which looks
    for its pair along the line: ``left``, ``right``) and no CJK character (ranked in the line's
    CJK languages, ``_cjk_langs``) reads nothing of the line but its own text and one character
    on each side (``_Scorer``, ``_slot_prior``): the same damaged word on another line, or
    elsewhere on this one, is ranked once."""
    a, b = group.start, group.end
    if any(c in _MARKS or (c >= _FIRST_CJK and _script(c) == "CJK") for s in lossy for o in s.options for c in o):
        key_line, lo = (line, left, right, b), 0
    else:
        lo = max(0, a - 1)
        key_line = (line[lo:b + 1], a - lo, b - a)
    return (key_line, a - lo, lm, _HINTS.get(),
            tuple((s.start - a, s.end - a, s.lossless, s.space, tuple(s.options), fixed.get(s.start))
                  for s in group.slots))


def _rank_group(line: str, group: _Group, lossy: list[_Slot], fixed: dict[int, str], lm: _LangModel,
                left: str, right: str, rep_line: str) -> list:
    """The ranking of the group's combinations; a group with CJK options is ranked in each CJK
    language the line may be written in (``_cjk_langs``), and the rankings merged
    (``_merge_readings``)."""
    if not any(_script(c) == "CJK" for s in lossy for o in s.options for c in o):
        return _rank_in(line, group, lossy, fixed, lm, left, right, "zh")
    langs = _cjk_langs(line, rep_line)
    return _merge_readings([_rank_in(line, group, lossy, fixed, lm, left, right, q) for q in langs])


def _rank_in(line: str, group: _Group, lossy: list[_Slot], fixed: dict[int, str], lm: _LangModel,
             left: str, right: str, cjk: str) -> list:
    memo = _word_memo(lm, cjk)
    edges = ({x.end: x for x in group.slots}, {x.start: x for x in group.slots})
    opts = []
    repaired_end = {x.end: fixed[x.start] for x in group.slots if x.lossless and fixed.get(x.start)}
    for s in lossy:
        if any(_script(c) == "CJK" for o in s.options for c in o):
            ranked = _cjk_ranked(line, group, s, fixed, lm, cjk, memo, edges)
        else:
            prev = repaired_end.get(s.start, "")[-1:] or None
            ranked = sorted(s.options, key=lambda o: -_slot_prior(s, o, line, lm, cjk, prev))
        opts.append(ranked[:_TOP_K])
    scorer = _Scorer(line, group, fixed, lm, left, right, cjk, memo)
    total = 1
    for o in opts:
        total *= len(o)
    results = []
    if total <= _MAX_COMBOS:
        for choice in product(*opts):
            scorer.set(choice)
            results.append((scorer.total(), choice))
    else:
        results = _coordinate_ascent(scorer, opts)
    results.sort(key=lambda r: -r[0])
    return results


def _cjk_langs(line: str, rep_line: str) -> tuple[str, ...]:
    """The CJK word lists a group's recovered characters are read with, from the whole line (the
    group's own surroundings are empty when it is the whole title; ``rep_line``: the line with
    its lossless slots repaired): ja when the line shows kana, repaired or in its mojibake, ko
    with hangul (``_cjk_lang``); else by the line's undamaged Han characters: zh when some are
    only in the Chinese list (simplified 经, 术) and none only in the Japanese one (規, 済, 議),
    ja the other way round; else (too few, or only characters both
    share: 模 in 規模) both, zh first: a reading is then only as sure as it is in either."""
    own = _cjk_lang(rep_line)
    if own == "zh":
        own = _cjk_lang(line)  # kana in the mojibake itself
    if own != "zh":
        return (own,)
    ja, zh = _model("ja").char_logp, _model("zh").char_logp
    han = {c for c in rep_line if c >= _FIRST_CJK and _script(c) == "CJK"}
    only_zh = any(c in zh and c not in ja for c in han)
    only_ja = any(c in ja and c not in zh for c in han)
    if only_zh != only_ja:
        return ("zh",) if only_zh else ("ja",)
    return ("zh", "ja")


def _merge_readings(rankings: list[list]) -> list:
    """Rankings of one group in several CJK languages, each shifted so that its best scores as
    the first ranking's best, merged (a combination keeps its best shifted score; ties keep the
    first ranking's order): a slot's margin is then the smallest of its margins in the
    languages, and nothing when they disagree on its best reading."""
    if len(rankings) == 1:
        return rankings[0]
    base = rankings[0][0][0] if rankings[0] else 0.0
    best: dict[tuple, tuple] = {}
    for res in rankings:
        if not res:
            continue
        shift = base - res[0][0]
        for sc, ch in res:
            key = tuple(ch)
            if key not in best or sc + shift > best[key][0]:
                best[key] = (sc + shift, ch)
    return sorted(best.values(), key=lambda r: -r[0])


def _coordinate_ascent(scorer: _Scorer, opts: list[list[str]]) -> list[tuple[float, tuple]]:
    """Each slot chosen in turn, the others fixed (twice over); then the single-slot
    alternatives around that optimum, scored by what they change."""
    choice = [o[0] for o in opts]
    scorer.set(choice)
    wide = [any(c in _MARKS for x in o for c in x) for o in opts]
    letters = [all(x.isalpha() for x in o) for o in opts]
    for _ in range(2):
        for i, o in enumerate(opts):
            scores = scorer.local(i, o, wide[i], letters[i])
            choice[i] = o[scores.index(max(scores))]  # the first of equal scores, as max() keeps
            scorer.put(i, choice[i])
    best = scorer.total()
    base = tuple(choice)
    results: list[tuple[float, Sequence[str]]] = [(best, base)]
    for i, o in enumerate(opts):
        scores = scorer.local(i, o, wide[i], letters[i])
        here = scores[o.index(choice[i])]
        for x, sc in zip(o, scores):
            if x != choice[i]:
                results.append((best - here + sc, _OneOff(base, i, x)))
    return results


class _OneOff(Sequence):
    """``base`` with item ``i`` replaced by ``x``, without copying ``base``."""

    __slots__ = ("base", "i", "x")

    def __init__(self, base: tuple, i: int, x: str):
        self.base, self.i, self.x = base, i, x

    def __len__(self) -> int:
        return len(self.base)

    def __getitem__(self, j):
        if isinstance(j, slice):
            return tuple(self)[j]
        return self.x if j == self.i or j == self.i - len(self.base) else self.base[j]

    def __iter__(self):
        for j, v in enumerate(self.base):
            yield self.x if j == self.i else v


# --------------------------------------------------------------------------------------------
# Line analysis
# --------------------------------------------------------------------------------------------


class _RunOut:
    __slots__ = ("start", "end", "replacement", "lossless", "confident", "candidates", "rounds", "encoding")

    def __init__(self, start, end, replacement, lossless, confident, candidates, rounds=1, encoding=None):
        self.start, self.end = start, end
        self.rounds = rounds
        self.encoding = encoding
        self.replacement, self.lossless = replacement, lossless
        self.confident, self.candidates = confident, candidates


def _runs_of(slots: list[_Slot]) -> list[list[_Slot]]:
    runs: list[list[_Slot]] = []
    for s in slots:
        if runs and runs[-1][-1].end == s.start:
            runs[-1].append(s)
        else:
            runs.append([s])
    return runs


_QUOTE_END = set("“”’‘\"'–—…")


def _is_weak(line: str, run: list[_Slot], decoded: str = "", scripts: frozenset[str] = frozenset()) -> bool:
    """A lossless run that also reads as ordinary text: only upper- and lowercase letters in a
    natural casing (Romanian "PĂŞUNI": ĂŞ is ê in Windows-1250), words of such letters between
    no-break spaces (Macedonian "в\u00a0Ј" is ⠣ in Windows-1251), a capital and a closing quote
    or dash ("Ä“" is ē in Windows-1252), a letter ending a word before a no-break space, or only
    math signs and Greek letters; or a run made of such pieces, slot by slot (Macedonian
    "ОРУЖЈЕ\u00a0": ЖЈ is ƣ, Е + no-break space Š). "bezpeÄŤnost" is not ordinary: a capital
    after "e". A run is also weak when its ``decoded`` text is no better than the original: a rare
    letter (``_rare_decoded``: Macedonian "ИЈ" is ȣ) or a letter of a script that no undamaged
    letter of the line has while it has some (``scripts``: a Latin Š among Cyrillic words)."""
    if decoded and (_rare_decoded(decoded) or _absent_script(decoded, scripts)):
        return True
    if _weak_piece(line, run[0].start, run[-1].end, len(run)):
        return True
    return len(run) > 1 and all(_weak_piece(line, s.start, s.end, 1) for s in run)


def _weak_piece(line: str, start: int, end: int, nslots: int) -> bool:
    orig = line[start:end]
    if all(unicodedata.category(c) in ("Lu", "Ll") or (c == "\u00a0" and i) for i, c in enumerate(orig)):
        if len({_script(c) for c in orig} & {"LATIN", "GREEK", "CYRILLIC"}) > 1:
            return False  # letters of two alphabets glued together (CP437 "ΓÇô" is –): no word
        prev = line[start - 1] if start else ""
        for c in orig:
            if c.isupper() and prev.islower():
                return False
            prev = c
        if "\u00a0" not in orig:
            return True
        # words between no-break spaces, the first one begun before the piece ("Мислев\u00a0Јадат";
        # not "10Â\u00a0000", the no-break space of "10 000" read as Windows-1252)
        return bool(start) and line[start - 1].isalpha() and "\u00a0\u00a0" not in orig
    if nslots == 1 and len(orig) == 2 and orig[1] in _QUOTE_END:
        nxt = line[end] if end < len(line) else ""
        if not nxt.isalpha():
            return True
    if len(orig) == 2 and orig[1] == "\u00a0" and orig[0].isalpha() and start and line[start - 1].isalpha():
        return True  # a word ending in a capital before a no-break space (Finnish "SELKÄ\u00a0")
    # math: only math signs and Greek letters ("√π" is ù in Mac Roman)
    return all(unicodedata.category(c) == "Sm" or _script(c) == "GREEK" for c in orig)


def _undamaged_scripts(line: str, slots: list[_Slot]) -> frozenset[str]:
    """The scripts of the letters of ``line`` outside every slot."""
    out, pos = set(), 0
    for s in slots:
        out.update(_script(c) for c in line[pos:s.start] if c.isalpha())
        pos = max(pos, s.end)
    out.update(_script(c) for c in line[pos:] if c.isalpha())
    return frozenset(out)


def _absent_script(decoded: str, scripts: frozenset[str]) -> bool:
    """A decoded Latin letter on a line whose undamaged letters (``scripts``: their scripts) are
    all of another script: a Latin Š among Macedonian capitals. Not the reverse: Cyrillic or
    Greek decoded among Latin words is the usual mojibake of a name ("author: Ð“Ð°Ð±ÐµÐ»ÐºÐ¾")."""
    if not scripts or "LATIN" in scripts:
        return False
    return any(c.isalpha() and _script(c) == "LATIN" for c in decoded)


class _LineResult:
    __slots__ = ("cp", "runs", "key")

    def __init__(self, cp, runs, key):
        self.cp, self.runs, self.key = cp, runs, key


def _shifted(s: _Slot, d: int) -> _Slot:
    return _Slot(s.start + d, s.end + d, s.options, s.lossless, s.space)


_BLANK = "\ufffd"  # where a lossy slot was (``_apply_fixed(blank_lossy=True)``)
_DAMAGED_WORD = re.compile(r"\w*\ufffd[\w\ufffd]*")


def _fragment(m: re.Match) -> str:
    """What is left of a word that lost a byte, for language detection: its letters if it has
    letters no ASCII word has ("Klí" of "Klíčové": Czech í), else nothing ("KRITICK" of
    "KRITICKÁ" is no word in any language and would count against the profile's)."""
    return " " if m.group().replace(_BLANK, "").isascii() else m.group()


def _apply_fixed(line: str, slots: list[_Slot], fixed: dict[int, str], blank_lossy: bool = False) -> str:
    out, pos = [], 0
    for s in slots:
        if s.lossless and s.start in fixed:
            out.append(line[pos:s.start])
            out.append(fixed[s.start])
            pos = s.end
        elif blank_lossy and not s.lossless:
            out.append(line[pos:s.start])
            out.append(_BLANK)
            pos = s.end
    out.append(line[pos:])
    return "".join(out)


def _cjk_lead(cp: _CodePage, c: str) -> bool:
    """A lead of a 3-byte sequence other than E2 (punctuation and symbols start with E2)."""
    b = cp.byte_of.get(c, 0)
    return 0xE0 <= b <= 0xEF and b != 0xE2


def _redecode(s: str) -> str | None:
    for cp in _CODEPAGES.values():
        try:
            bs = bytes(cp.byte_of[c] if c >= "\x80" else ord(c) for c in s)
        except KeyError:
            continue
        out = _decode(bs)
        if out is not None:
            return out
    return None


def _analyze_cp(line: str, cp: _CodePage, masked, lang_ref: list, floor: int = 0) -> _LineResult | None:
    """``floor``: a reading must explain at least this many characters to matter (``_analyze_line``)."""
    slots = _find_slots(line, cp, masked)
    if not slots:
        return None
    lost, nbsp, compatible, stripped = _line_lost_bytes(line, cp, slots)
    # a U+FFFD stands for an undefined byte of any compatible code page
    fill = sorted(set().union(*(_CODEPAGES[name].undefined for name in compatible))) if _FILL in line else None
    if any(not s.lossless for s in slots) and (set(lost) != set(cp.lost) or nbsp != cp.nbsp_space or fill):
        slots = _find_slots(line, cp, masked, lost, nbsp, stripped, fill)
        if not slots:
            return None
    if floor and sum(s.end - s.start for s in slots) < floor:
        return None  # its slots cannot explain as much of the line: it can neither win nor tie
    # 1. lossless runs: plausibility
    fixed: dict[int, str] = {}
    inner_rounds: dict[int, int] = {}
    keep: list[_Slot] = []
    for run in _runs_of([s for s in slots if s.lossless]):
        dec = "".join(s.options[0] for s in run)
        # the characters around the run only: slicing the line's rest is quadratic on a long line
        before = line[max(0, run[0].start - 1):run[0].start]
        after = line[run[-1].end:run[-1].end + 1]
        if _plausible_text(dec, before, after):
            for s in run:
                fixed[s.start] = s.options[0]
            keep.extend(run)
            continue
        # a second layer: the decoded run holds C1 controls of a sloppy code page (Ä\x8d), so it is
        # itself mojibake; it must decode completely, in one code page, to plausible text
        dec2 = _redecode(dec)
        if dec2 is not None and _plausible_text(dec2, before, after):
            for s in run:
                fixed[s.start] = ""
            fixed[run[0].start] = dec2
            inner_rounds[run[0].start] = 2
            keep.extend(run)
    # 2. lossy slots: plausible options only. Neighbours are read repaired (a lossless slot next
    # to the lossy one counts as what it decodes to), and a letter of another script than Latin
    # needs that script on the line, repaired (Cyrillic "у" inside "infrastrukтуру" is fine,
    # alone among Czech words it is not)
    fixed_end = {s.end: fixed[s.start] for s in keep if fixed.get(s.start)}
    fixed_start = {s.start: fixed[s.start] for s in keep if fixed.get(s.start)}
    scripts = None
    for s in slots:
        if s.lossless:
            continue
        before = fixed_end.get(s.start, line[s.start - 1:s.start])[-1:]
        after = fixed_start.get(s.end, line[s.end:s.end + 1])[:1]
        opts = []
        for o in s.options:
            o2 = o.rstrip(" ") if s.space else o
            if not _plausible_text(o2, before, after) or not _plausible_lost(o2, before, after):
                continue
            if _lonely_script(o2, before, after):
                if scripts is None:
                    scripts = {_script(c) for c in _apply_fixed(line, keep, fixed, blank_lossy=True)}
                if not all(_script(c) in _COMMON_SCRIPTS or _script(c) in scripts for c in o2):
                    continue
            opts.append(o)
        if s.space:
            opts = [o for o in opts if o.strip(" ")]
        if opts:
            s.options = opts
            keep.append(s)
    if not keep:
        return None
    keep.sort(key=lambda s: s.start)

    lm = None

    def model() -> _LangModel:
        nonlocal lm
        if lm is None:
            clean = _DAMAGED_WORD.sub(_fragment, _apply_fixed(line, keep, fixed, blank_lossy=True))
            if lang_ref[0] is None:
                lang_ref[0] = _detect_language(clean)
            elif not lang_ref[1]:
                lang_ref[0] = _line_language(clean, lang_ref[0])
            lang_ref[1] = True
            lm = _model(_supported(lang_ref[0]))
        return lm

    # 3. strong evidence from lossless runs
    lossless_runs = _runs_of([s for s in keep if s.lossless])
    undamaged = _undamaged_scripts(line, slots)
    strong = []
    weak = []
    for run in lossless_runs:
        dec = "".join(fixed[s.start] for s in run)
        if all(unicodedata.category(c).startswith("M") for c in dec):
            weak.append(run)  # only combining marks: Mac Roman reads Czech mojibake this way
        elif _lonely_script(dec, line[run[0].start - 1:run[0].start], line[run[-1].end:run[-1].end + 1]):
            weak.append(run)  # one Cyrillic, Greek, ... letter among Latin text
        elif _is_weak(line, run, dec, undamaged):
            weak.append(run)
        else:
            strong.append(run)
    evidence = bool(strong)
    # A 3-byte lead other than E2 with one continuation ("ã€", "ç·") is also an ordinary letter
    # before punctuation in clean text ("café»"): it is kept only with a strong lossless run on
    # the line (the rest of a damaged CJK line always provides one).
    def beside_cjk(s: _Slot) -> bool:
        b = fixed_end.get(s.start, line[s.start - 1:s.start])[-1:]
        a = fixed_start.get(s.end, line[s.end:s.end + 1])[:1]
        return (bool(b) and _script(b) == "CJK") or (bool(a) and _script(a) == "CJK")

    if not strong:
        keep = [s for s in keep if s.lossless or not _cjk_lead(cp, line[s.start]) or beside_cjk(s)]
        if not keep:
            return None
    # A lossy slot is mojibake by itself when a present continuation is no letter (â€) or two
    # of them follow a 4-byte lead (ğŸ), not so "âş" nor a no-break space after a letter (Latvian
    # "pasākumā\xa0", ā = E2 in Windows-1257); when it is glued to CJK text ("ãƒ" between
    # kana); or when its lead is a capital inside a lowercase word ("realistiÄtým").
    for s in keep:
        if s.lossless:
            continue
        lead = line[s.start]
        present = line[s.start + 1:s.end - s.space]
        if not _cjk_lead(cp, lead) and (len(present) >= 2 or any(not c.isalpha() and c != "\xa0" for c in present)):
            evidence = True
        elif beside_cjk(s):
            evidence = True
        elif (lead.isupper() and s.start > 0 and line[s.start - 1].islower() and not s.space
              and s.end < len(line) and line[s.end].islower()):
            evidence = True

    # 4. weak runs: accepted with evidence, or when they make an unknown word known
    accepted: list[_Slot] = [s for run in strong for s in run]
    pending_weak = []
    for run in weak:
        if evidence:
            accepted.extend(run)
        else:
            pending_weak.append(run)
    lossless_keep = [s for s in keep if s.lossless]
    for run in pending_weak:
        # the whole word, with every lossless slot in it repaired (a word may hold several runs)
        a, b = run[0].start, run[-1].end
        while a > 0 and _is_wordish(line[a - 1]):
            a -= 1
        while b < len(line) and _is_wordish(line[b]):
            b += 1
        inside = [s for s in lossless_keep if a <= s.start and s.end <= b]
        rep = _apply_fixed(line[a:b], [_shifted(s, -a) for s in inside], {k - a: v for k, v in fixed.items()})
        if _becomes_word(line[a:b], rep, model()):
            evidence = True
            break
    if evidence:
        for run in pending_weak:
            accepted.extend(run)

    # 5. lossy slots, grouped by the words they touch
    results: dict[int, tuple] = {}  # slot.start -> (choice str, candidates list, confident)
    lossy_score = 0.0
    lossy_slots = [s for s in keep if not s.lossless]
    if lossy_slots:
        m = model()
        groups = _make_groups(line, keep)
        context = _repaired_map(line, keep, fixed)
        word_ok = False
        group_out = []
        for g in groups:
            lossy, res = _resolve_group(line, g, fixed, m, context)
            if not lossy or not res:
                continue
            group_out.append((g, lossy, res))
            best_score, best_choice = res[0]
            lossy_score += best_score
        # acceptance of lossy slots
        if not evidence:
            for g, lossy, res in group_out:
                if _group_becomes_word(line, g, lossy, res, fixed, m):
                    word_ok = True
                    break
        if evidence or word_ok:
            for g, lossy, res in group_out:
                best_score, best_choice = res[0]
                for i, s in enumerate(lossy):
                    alts = []
                    second = None
                    for sc, ch in res:
                        if ch[i] not in alts:
                            alts.append(ch[i])
                            if len(alts) == 2:
                                second = sc
                        if len(alts) >= 5:
                            break
                    margin = math.inf if second is None else best_score - second
                    # a lost byte of a CJK character needs a wider margin (_cjk_score)
                    results[s.start] = (best_choice[i], alts,
                                        margin >= (_CJK_MARGIN if _cjk_lead(cp, line[s.start]) else MARGIN))
                    accepted.append(s)
        else:
            lossy_score = 0.0
    if not accepted:
        return None
    accepted.sort(key=lambda s: s.start)
    runs: list[_RunOut] = []
    # A run is cut around each lossy slot that is not confident, so that the confident rest of it
    # (in CJK text, often a whole title) is still a safe repair; the next pass of the fixer then
    # sees the doubtful slot between repaired neighbours.
    pieces: list[list[_Slot]] = []
    for run in _runs_of(accepted):
        cur: list[_Slot] = []
        for s in run:
            if not s.lossless and not results[s.start][2]:
                if cur:
                    pieces.append(cur)
                pieces.append([s])
                cur = []
            else:
                cur.append(s)
        if cur:
            pieces.append(cur)
    for run in pieces:
        if all(s.lossless for s in run):
            rep = "".join(fixed[s.start] for s in run)
            rounds = max((inner_rounds.get(s.start, 1) for s in run), default=1)
            runs.append(_RunOut(run[0].start, run[-1].end, rep, True, True, (rep,), rounds))
            continue
        # candidates of the run: vary one lossy slot at a time around the best
        best = [fixed[s.start] if s.lossless else results[s.start][0] for s in run]
        rep = "".join(best)
        confident = all(s.lossless or results[s.start][2] for s in run)
        cands = [rep]
        for k, s in enumerate(run):
            if s.lossless:
                continue
            for alt in results[s.start][1][1:]:
                c = "".join(best[:k] + [alt] + best[k + 1:])
                if c not in cands:
                    cands.append(c)
        rounds = max((inner_rounds.get(s.start, 1) for s in run), default=1)
        # the code page: the first compatible one in which every byte assumed lost can be lost
        assumed = {s.lost_byte.get(results[s.start][0]) for s in run if not s.lossless} - {None, 0xA0, 0xAD}
        enc = next((name for name in compatible if assumed <= _CODEPAGES[name].undefined), cp.name)
        runs.append(_RunOut(run[0].start, run[-1].end, rep, False, confident, tuple(cands[:5]), rounds, enc))
    covered_lossless = sum(s.end - s.start for s in accepted if s.lossless)
    covered_lossy = sum(s.end - s.start for s in accepted if not s.lossless)
    key = (covered_lossless + covered_lossy, covered_lossless, -sum(_rare_decoded(r.replacement) for r in runs), lossy_score)
    return _LineResult(cp, runs, key)


# Latin Extended-B letters that languages written today use: Romanian comma letters, Vietnamese
# horn letters, Pinyin's caron vowels, Azerbaijani ə (the rest, as Ʃ, is Ć© read as Windows-1250
# where Windows-1257 reads é).
_COMMON_EXT_B = frozenset("ȘșȚțƠơƯưǍǎǏǐǑǒǓǔǕǖǗǘǙǚǛǜƏəǦǧ")


def _rare_decoded(text: str) -> int:
    """How many decoded characters are rare letters (Latin Extended-B but ``_COMMON_EXT_B``): of
    two code pages that explain a line equally well, the one with fewer wins."""
    return sum(1 for c in text if "\u0180" <= c <= "\u024f" and c not in _COMMON_EXT_B)


def _make_groups(line: str, slots: list[_Slot]) -> list[_Group]:
    """Windows around lossy slots (their words, plus the next word when a space may be eaten).
    Each position's word edges are found once (a long word with many slots stays linear)."""
    starts = {s.start: s for s in slots}
    ends = {s.end: s for s in slots}
    left: dict[int, int] = {}
    right: dict[int, int] = {}

    def edge(a: int, seen: dict[int, int], step) -> int:
        path = []
        while a not in seen:
            nxt = step(a)
            if nxt is None:
                seen[a] = a
                break
            path.append(a)
            a = nxt
        for p in path:
            seen[p] = seen[a]
        return seen[a]

    def back(a: int) -> int | None:  # extend left over word characters and adjacent slots
        if a > 0 and a in ends:
            return ends[a].start
        return a - 1 if a > 0 and _is_wordish(line[a - 1]) else None

    def forth(b: int) -> int | None:
        if b in starts:
            return starts[b].end
        return b + 1 if b < len(line) and _is_wordish(line[b]) else None

    wins = sorted((edge(s.start, left, back), edge(s.end, right, forth)) for s in slots if not s.lossless)
    merged: list[list[int]] = []
    for a, b in wins:
        if merged and a <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], b)
        else:
            merged.append([a, b])
    groups = []
    k = 0
    for a, b in merged:
        while k < len(slots) and slots[k].start < a:
            k += 1
        j = k
        while j < len(slots) and slots[j].start < b:
            j += 1
        groups.append(_Group(a, b, [s for s in slots[k:j] if s.end <= b]))
    return groups


def _foreign_word(word: str) -> bool:
    return any(_model(lang).zipf(word) > 0 for lang in _FOREIGN_CHECK)


def _becomes_word(orig: str, rep: str, lm: _LangModel) -> bool:
    """Every word of ``rep`` is known and no word of the damaged ``orig`` is (here or abroad)."""
    toks = _WORD_RE.findall(rep)
    otoks = _WORD_RE.findall(orig)
    if not toks or not all(lm.zipf(t) >= 1.5 for t in toks):
        return False
    if len(toks) == 1 and len(toks[0]) > 2 and "".join(otoks) != orig and not any(c.isspace() for c in orig):
        # signs inside one word split it ("erm√∂glicht": √∂ is ö in Mac Roman): the damaged word is
        # the whole of it, and it is no word
        return lm.zipf(orig) == 0 and not _foreign_word(orig)
    if len(toks) != len(otoks):
        return False
    return not any(lm.zipf(t) > 0 or _foreign_word(t) for t in otoks)


def _group_becomes_word(line, g: _Group, lossy, res, fixed, lm) -> bool:
    """The group's best repair turns unknown damaged words into known words (how sure the choice
    among the readings is, is the margin's business: this only decides whether to report)."""
    best_score, best_choice = res[0]
    if not all(any(c.isalpha() for c in ch) for ch in best_choice):
        return False
    parts, mask = [], []
    pos = g.start
    it = iter(best_choice)
    for s in g.slots:
        seg = line[pos:s.start]
        parts.append(seg)
        mask += [False] * len(seg)
        rep = fixed[s.start] if s.lossless else next(it)
        parts.append(rep)
        mask += [not s.lossless and c != " " for c in rep]
        pos = s.end
    seg = line[pos:g.end]
    parts.append(seg)
    mask += [False] * len(seg)
    text = "".join(parts)
    new = [m.group() for m in _WORD_RE.finditer(text) if any(mask[m.start():m.end()])]
    if not new or not all(lm.zipf(t) >= 1.5 for t in new):
        return False
    orig = line[g.start:g.end]
    spans = [(s.start - g.start, s.end - g.start) for s in lossy]
    old = [m.group() for m in _WORD_RE.finditer(orig) if any(a < m.end() and m.start() < b for a, b in spans)]
    return not any(lm.zipf(t) > 0 or (len(t) > 1 and _foreign_word(t)) for t in old)


def _analyze_line(line: str, lang_ref: list, encodings: Sequence[str]) -> _LineResult | None:
    masked = _masked_spans(line)
    results = []
    floor = 0  # characters the best reading so far explains (``_LineResult.key[0]``)
    for name in encodings:
        # A code page whose slots cover fewer characters than a reading before it explains can
        # neither be the best nor tie it (below): it is not resolved, once the line's language
        # is settled (the first code page that needs the language model settles it: skipping
        # it before would let another code page's reading of the line settle it).
        res = _analyze_cp(line, _CODEPAGES[name], masked, lang_ref, floor if lang_ref[1] else 0)
        if res is not None:
            results.append(res)
            floor = max(floor, res.key[0])
    if not results:
        return None
    best = max(results, key=lambda r: r.key)  # max keeps the first of equal keys
    tied = [r for r in results if r.key == best.key]
    if len(tied) > 1:
        best = _best_read(line, tied, lang_ref)
    # Another code page that explains as much of the line, nearly as well, but repairs a lossy
    # run differently: the run is not confident, and that repair joins its candidates.
    for other in results:
        if other is best or other.key[:3] != best.key[:3] or best.key[3] - other.key[3] >= MARGIN:
            continue
        alt = {(r.start, r.end): r.replacement for r in other.runs}
        for r in best.runs:
            rep = alt.get((r.start, r.end))
            if not r.lossless and rep is not None and rep != r.replacement:
                r.confident = False
                if rep not in r.candidates:
                    r.candidates = (r.candidates[:1] + (rep,) + r.candidates[1:])[:5]
    return best


def _with_runs(line: str, runs: list[_RunOut]) -> tuple[str, list[tuple[int, int]]]:
    """``line`` with the runs (in line order) applied, and the span each run's replacement takes
    in it."""
    parts, marks, pos, n = [], [], 0, 0
    for r in runs:
        parts.append(line[pos:r.start])
        n += r.start - pos
        marks.append((n, n + len(r.replacement)))
        parts.append(r.replacement)
        n += len(r.replacement)
        pos = r.end
    parts.append(line[pos:])
    return "".join(parts), marks


def _repaired_words(line: str, runs: list[_RunOut]) -> list[str]:
    """The space-separated tokens of ``line`` that the runs touch, with the runs applied and the
    punctuation around them stripped (a sign inside a word, ``st÷tům``, keeps it one token)."""
    text, marks = _with_runs(line, runs)
    marks.sort()
    words, k = [], 0
    for m in re.finditer(r"\S+", text):  # tokens and runs in the order of the text: one sweep
        while k < len(marks) and marks[k][1] < m.start():
            k += 1
        if k < len(marks) and marks[k][0] <= m.end():
            words.append(m.group().strip(_TOKEN_EDGE))
    return words


_TOKEN_EDGE = "„“”‚‘’«»‹›()[]{}.,;:!?\"'*_-–—…"


def _best_read(line: str, tied: list[_LineResult], lang_ref: list) -> _LineResult:
    """Code pages that explain the same characters of a line equally well (ISO-8859-2 and
    Windows-1250 both read ``kterĂŠ``: ``které`` and ``kterÊ``): the one whose repaired words the
    language model knows best; ties keep the order of ``ENCODINGS``."""
    readings = [_repaired_words(line, r.runs) for r in tied]
    if all(w == readings[0] for w in readings[1:]):
        return tied[0]
    lang = lang_ref[0] or _detect_language(line)
    if not lang_ref[1]:  # no code page needed the model yet: the undamaged words decide
        lang = _line_language(line, lang)
    lm = _model(_supported(lang))
    scores = [(sum(lm.zipf(w) > 0 for w in words), sum(lm.zipf(w) for w in words)) for words in readings]
    # words the model knows do not decide: their letters do, in the line's language, then in the
    # language its undamaged words are most likely in (a Portuguese line under a Czech prior); only
    # between lossless readings (lost bytes have their own score, and their doubt is kept)
    lossless = all(run.lossless for r in tied for run in r.runs)
    for other in (lm, None) if lossless else ():
        if scores.count(max(scores)) < 2:
            break
        other = other or _model(_supported(_detect_language(line)))
        scores = [sc + (_letters_score(line, r.runs, other) if sc == max(scores) else -math.inf,)
                  for sc, r in zip(scores, tied)]
    return tied[scores.index(max(scores))]


def _letters_score(line: str, runs: list[_RunOut], lm: _LangModel) -> float:
    """How well the characters the runs write read as the language's letters in their context:
    ``gap_logp`` per letter (a letter of a script no other letter of the line has, as Tagbanwa ᝊ
    for Vietnamese ứ through Windows-1250, counts as unknown), a capital inside a lowercase word
    (``matÊriel``), a control character (a C1 control for ``»``), a combining mark (``termin̩``)
    and a sign between letters (``kor÷bbi``) as the worst case."""
    text, marks = _with_runs(line, runs)
    inside = {i for a, b in marks for i in range(a, b)}
    scripts = {_script(c) for i, c in enumerate(text) if c.isalpha() and i not in inside}
    score = 0.0
    for i in sorted(inside):
        c = text[i]
        prev = text[i - 1] if i else ""
        if not c.isalpha():
            cat = unicodedata.category(c)
            nxt = text[i + 1:i + 2]
            # a control, a combining mark, or a symbol between letters (÷ for á; not the ’ of
            # "don’t", punctuation) is no letter
            if cat in ("Cc", "Co", "Cn") or cat.startswith("M") or \
                    (cat.startswith("S") and prev.isalpha() and nxt.isalpha()):
                score -= _CASE_PENALTY
            continue
        if scripts and _script(c) not in scripts and _script(c) != "COMMON":
            score -= _CASE_PENALTY  # worse than a letter of the line's script the model lacks (-6)
            continue
        score += lm.gap_logp(prev, c, text[i + 1:i + 2], text[max(0, i - 2):max(0, i - 1)], text[i + 2:i + 3])
        if c.isupper() and prev.islower():
            score -= _CASE_PENALTY
    return score


def _ftfy_check(original: str, replacement: str) -> str:
    """Let ftfy repair a lossless run; keep its answer only where ours still looks damaged."""
    if not quick_screen(replacement):
        return replacement
    try:
        import ftfy
    except ImportError:  # pragma: no cover - ftfy is a dependency
        return replacement
    fixed = ftfy.fix_text(original, ftfy_config())
    if fixed == original or len(fixed) > len(replacement) or _analyze_line(fixed, [None, False], ENCODINGS):
        return replacement
    # ftfy reads "Âť" (» in ISO-8859-2) as Windows-1250 with C1 controls kept: a control is no answer
    if any(unicodedata.category(c) == "Cc" for c in fixed):
        return replacement
    return fixed if _analyze_line(replacement, [None, False], ENCODINGS) else replacement


def find_mojibake(
    text: str,
    language: str | None = "cs",
    *,
    encodings: Sequence[str] | None = None,
    hints: frozenset[str] = frozenset(),
) -> list[Repair]:
    """Non-overlapping damaged runs in ``text`` (one YAML string value or one body line), sorted.

    ``language`` is a wordfreq language code for the lost-byte model, a prior: the undamaged words
    around the damage decide (``None``: no prior). ``encodings`` restricts the code pages
    considered (default: all of ``ENCODINGS``), e.g. to what the rest of the document showed.
    ``hints``: characters known to be in the article (``article_hints`` of the whole file); a
    symbol with a lost byte that is one of them wins over the other readings.
    """
    if not quick_screen(text):
        return []
    encs = tuple(encodings) if encodings else ENCODINGS
    out: list[Repair] = []
    offset = 0
    token = _HINTS.set(frozenset(hints))
    try:
        for line in text.split("\n"):
            if quick_screen(line):
                out.extend(_repairs_of_line(line, offset, language, encs))
            offset += len(line) + 1
    finally:
        _HINTS.reset(token)
    return out


def _repairs_of_line(line: str, offset: int, language: str | None, encs) -> list[Repair]:
    lang_ref = [language, False]
    res = _analyze_line(line, lang_ref, encs)
    if res is None:
        return []
    runs = res.runs
    reps = [r.replacement for r in runs]
    rounds = [r.rounds for r in runs]
    cands = [r.candidates for r in runs]
    # Further layers: analyse the line with the repairs applied; keep what falls inside a repair.
    for _ in range(_MAX_ROUNDS - 1):
        parts, spans, pos, npos = [], [], 0, 0
        for r, rep in zip(runs, reps):
            parts.append(line[pos:r.start])
            npos += r.start - pos
            spans.append((npos, npos + len(rep)))
            parts.append(rep)
            npos += len(rep)
            pos = r.end
        parts.append(line[pos:])
        line1 = "".join(parts)
        inner = _analyze_line(line1, lang_ref, encs) if quick_screen(line1) else None
        if inner is None:
            break
        changed = False
        for k, (a, b) in enumerate(spans):
            if rounds[k] >= _MAX_ROUNDS:
                continue  # already decoded twice (a C1 control inside): no third layer
            inside = [x for x in inner.runs if a <= x.start and x.end <= b]
            if not inside:
                continue
            new = reps[k]
            for x in reversed(inside):
                new = new[:x.start - a] + x.replacement + new[x.end - a:]
            reps[k] = new
            rounds[k] += 1
            cands[k] = (new,) if runs[k].lossless and all(x.lossless for x in inside) else \
                tuple(dict.fromkeys((new,) + tuple(c for c in cands[k] if c != runs[k].replacement)))[:5]
            changed = True
        if not changed:
            break
    out = []
    for r, rep, n, c in zip(runs, reps, rounds, cands):
        original = line[r.start:r.end]
        end = r.end
        if not r.lossless and original.endswith(" ") and rep.endswith(" "):
            # the no-break-space reading lost: the space is not part of the damage after all
            end -= 1
            original, rep = original[:-1], rep[:-1]
            # (a candidate that ate the space is still shown, as the character it reads as)
            c = tuple(dict.fromkeys(x[:-1] if x.endswith(" ") else x for x in c))
        if r.lossless and n == 1:
            rep = _ftfy_check(original, rep)
            c = (rep,)
        out.append(Repair(offset + r.start, offset + end, original, rep, r.encoding or res.cp.name,
                          r.lossless, r.confident, c, n))
    return out


def apply_repairs(text: str, repairs: Iterable[Repair], *, confident_only: bool = False) -> str:
    """Apply repairs (sorted, non-overlapping ones; overlapping later ones are skipped)."""
    out: list[str] = []
    pos = 0
    for r in sorted(repairs, key=lambda r: r.start):
        if r.start < pos or (confident_only and not r.confident):
            continue
        out.append(text[pos:r.start])
        out.append(r.replacement)
        pos = r.end
    out.append(text[pos:])
    return "".join(out)


def repair_text(text: str, language: str | None = "cs", *, confident_only: bool = False) -> str:
    """``text`` with every run ``find_mojibake`` reports replaced by its best candidate."""
    return apply_repairs(text, find_mojibake(text, language), confident_only=confident_only)
