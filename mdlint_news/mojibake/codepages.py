"""The code pages whose misreading of UTF-8 is repaired, and the screen.

``CodePage``: what each byte 80-FF reads as, and a regex that finds damaged sequences in it;
``quick_screen``: one compiled expression that tells a clean text from a possibly damaged one.
Design: docs/encoding-engine.md, docs/encoding-hypotheses.md."""

from __future__ import annotations

import re
from typing import Iterable


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
_LOSSY_PAGES = frozenset({"windows-1252", "windows-1254", "windows-1250", "latin-1", "windows-1257", "windows-1251"})
_MANY_GREEK_LOST = frozenset({"windows-1250", "windows-1257"})
# Pages whose leads are letters: only a Cyrillic lead (D0 D1) may have lost its byte. Windows-1251
# leaves 98 undefined (И is D0 98: a lone "Р"), but its 3-byte leads are small letters ("в" is E2)
# and a continuation after one is common in clean Russian ("Молчанов»": "в»" would be ☻). Its
# lone leads are no rare characters of the screen either (every "Р" of clean Russian would stop
# it): its Cyrillic damage always holds rarer ones ("СЃ", "Ђ").
_TWO_BYTE_LOSSES_ONLY = frozenset({"windows-1251"})


def char_class(chars: Iterable[str]) -> str:
    """A regex character class of ``chars``."""
    out = []
    for c in sorted(set(chars)):
        out.append("\\" + c if c in "\\]^-[" else c)
    return "[" + "".join(out) + "]"


FILL = "\ufffd"  # what a strict decoder writes for a byte its code page leaves undefined


class CodePage:
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
        # 2-byte leads of Latin letters (C2-C5), of Greek (CE-CF) and of Cyrillic (D0-D1): a Greek
        # or Cyrillic option needs its script on the repaired line (resolution._plausible_lossy).
        # Not Greek where the page leaves several small Greek letters' bytes undefined (Windows-1250
        # 81 83 88: ρ σ ψ, "ρε" or "σε"; Windows-1257 more): a guess, not a repair.
        greek = chars(0xCE, 0xCF) if name not in _MANY_GREEK_LOST else []
        latin = chars(0xC2, 0xC5) if name not in _TWO_BYTE_LOSSES_ONLY else []  # (Windows-1251: В Г Д Е)
        self.lossy_leads = frozenset(latin + greek + chars(0xD0, 0xD1)) if self.lossy else frozenset()
        # a strict decoder (errors="replace") writes U+FFFD for an undefined byte: on a lossy page
        # it stands in a sequence as a continuation byte (``find_slots`` fills it in)
        cont = char_class(self.cont | {FILL} if self.lossy else self.cont)
        l2, l3, l4 = char_class(chars(0xC2, 0xDF)), char_class(chars(0xE0, 0xEF)), char_class(chars(0xF0, 0xF4))
        # The lead character first (a plain character set, which the regex engine scans fast),
        # then what must follow it, chosen by a look-behind at the lead.
        full = f"(?<={l2}){cont}|(?<={l3}){cont}{{2}}|(?<={l4}){cont}{{3}}"
        # Latin-1 that lost every byte 80-9F: a lone E2 (punctuation) lost both continuations
        self.stripped_regex = re.compile(f"{bytes([0xE2]).decode(codec)}(?!{cont})") if name == "latin-1" else None
        # a 3-byte lead whose middle byte was a no-break space made a space ("æ ª" is 株, E6 A0 AA;
        # "ì  " is 젠, EC A0 A0: both)
        self.nbsp_mid_regex = re.compile(f"{l3} (?={cont}| )") if self.nbsp_space else None
        # Windows-1251: a 3-byte sequence that lost a byte only glued to CJK or Hangul text
        # (resolution.analyze_cp): "гЃ" amid Japanese is じ (E3 81 98), "в»" after Russian is "»"
        self.cjk_losses_only = self.lossy and name in _TWO_BYTE_LOSSES_ONLY
        if self.lossy:
            part = f"(?<={char_class(self.lossy_leads)})"
            part += f"|(?<={l3}){cont}" if self.cjk_losses_only else f"|(?<={l3}){cont}|(?<={l4}){cont}{{2}}"
            self.regex = re.compile(f"{char_class(self.leads)}(?:{full}|(?P<part>{part}))")
        else:
            self.regex = re.compile(f"{char_class(self.leads)}(?:{full})")


CODEPAGES = {name: CodePage(name) for name in ENCODINGS}


# quick_screen: a necessary condition, tuned so that clean text rarely stops the scan.
# Characters that start a damaged sequence and are rare in clean European text ("rare leads"),
# and continuation characters rare in clean text ("rare continuations"). Mojibake of Latin text,
# punctuation, emoji, Cyrillic, Greek, Hebrew and Arabic always holds a rare lead; that of CJK,
# Hangul and Vietnamese (whose leads are ordinary letters such as é, ä, í) holds rare continuations
# in all but a few characters, and find_mojibake then examines the whole line anyway.
ALL_LEADS = frozenset().union(*(cp.leads for cp in CODEPAGES.values()))
ALL_CONTS = frozenset().union(*(cp.cont for cp in CODEPAGES.values()))
# Of Windows-1257's lone leads only Ć (C3: "UmělĆ" is "Umělá" that lost A1); Ā Š Ń are ordinary
# capitals, and its Cyrillic damage always holds rarer characters ("Šø", "Ń€") that stop the screen.
_LOSSY_LEADS = frozenset("Ć").union(*(cp.lossy_leads for cp in CODEPAGES.values()
                                       if cp.name != "windows-1257" and cp.name not in _TWO_BYTE_LOSSES_ONLY))
_RARE_LEADS = _LOSSY_LEADS | frozenset("âğðđ√ƒ≈‚ÐÑÎÏ×ØÙÌËÆÇÊÈÉÕÒÓÔÞ¬∆ﬁﬂ◊⁄\uf8ff"
                                       "ĆĀā├┬─┼╨╤Γ")  # Windows-1257 (ā€™ is ’) and CP437 leads
# (CP437's Γ is E2: "ΓÜí" is ⚡, whose continuations are ordinary letters)
_FREQ_CONTS = frozenset(
    "šžťľŠŽŤĽ„“”‘’‚–—…\u00a0«»·°€™•§©®"
    "áéíóúýàèìòùâêîôûäëïöüãõñçåæøÄÖÜÅÇÉÑßąęłśżźŁŚŻŹşŞµ"
    # Cyrillic letters of Windows-1251 80-BF that clean text holds after a letter; the capitals
    # Ё Ў Ђ Ѓ Ќ Џ ... and џ stay rare (mojibake of "š", "č", a dash, an emoji: ЕЎ ДЌ вЂ рџ)
    "ёіІїЇєЄўґјљњђћѓќѕ"
)
_RARE_CONTS = ALL_CONTS - _FREQ_CONTS
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
_CP1251 = CODEPAGES["windows-1251"]
_CYR_LEADS = "".join(c for c, b in _CP1251.byte_of.items() if 0xC2 <= b <= 0xDF)
_CYR_SIGNS = char_class(c for c in _CP1251.cont if not c.isalpha() and c != "\u00a0")
# Mac Roman reads C8 as »: Romanian ș ț Ș Ț (C8 98-9B) are "»ô" "»õ" "»ò" "»ö", all frequent
# characters. » is a lead glued after a letter ("tradi»õionale"), or before ò ô õ (quotes open
# before ö: German and Swedish »öffentlich«).
_GUILLEMET = f"|(?<=»)(?:(?<=[^\\W\\d_]»)(?={char_class(CODEPAGES['mac-roman'].cont)})|(?=[òôõ]))"
# CJK punctuation (E3 80 xx) read as Windows-1252 or -1250 is "ã€" or "ă€" and a third
# character, frequent in 。 (E3 80 82: "ã€‚") among Latin text ("xhttpã€‚")
_CJK_PUNCT = "|(?<=[ãă]€.)"
_SCREEN_RE = re.compile(
    f"[{char_class(_RARE_LEADS | _RARE_CONTS)[1:-1]}»{_CYR_LEADS}{_CJK_RANGE}]"
    f"(?:(?<={char_class(_LOSSY_LEADS)})|(?<={char_class(_RARE_LEADS)})(?={char_class(ALL_CONTS)})"
    f"|(?<={char_class(ALL_LEADS)}{char_class(_RARE_CONTS)})|(?<={char_class(ALL_LEADS)}{char_class(ALL_CONTS)}{char_class(_RARE_CONTS)})"
    f"|(?<=[A-Za-z][{_CYR_LEADS}])(?={char_class(_CP1251.cont)})"
    f"|(?<=[{_CYR_LEADS}])(?={char_class(_CP1251.cont)}[A-Za-z])"  # "ГЄtes": glued to Latin after
    f"|(?<![\u0400-\u04ff].)(?<=[{_CYR_LEADS}])(?={_CYR_SIGNS})"
    f"|(?<=[{_CJK_RANGE}])(?=[{_L1}])|(?<=[{_L1}][{_CJK_RANGE}])|(?<=[{_L1}][^\x00-\x7f][{_CJK_RANGE}])"
    f"{_GUILLEMET}{_CJK_PUNCT})"
)


# The first character class of _SCREEN_RE: a text without any of its characters passes the screen.
SCREEN_FIRST_CLASS = f"{char_class(_RARE_LEADS | _RARE_CONTS)[1:-1]}»{_CYR_LEADS}{_CJK_RANGE}"
_SCREEN_FIRST = re.compile(f"[{SCREEN_FIRST_CLASS}]")


def screen_char(c: str) -> bool:
    """Whether ``c`` is in the first character class of the screen (see SCREEN_FIRST_CLASS)."""
    return _SCREEN_FIRST.match(c) is not None


def quick_screen(text: str) -> bool:
    """Cheap pre-filter: False means ``text`` certainly holds no mojibake ``find_mojibake`` finds."""
    return _SCREEN_RE.search(text) is not None
