"""What a damaged sequence can have been: slots and their readings.

A *slot* is one damaged UTF-8 character of a line in one code page: complete (lossless), or
with a byte lost (each byte the line's pipeline can have dropped gives a reading), each reading
a plausible character. Design: docs/encoding-engine.md, docs/encoding-hypotheses.md."""

from __future__ import annotations

import contextvars
import re
import unicodedata
from functools import lru_cache
from typing import Sequence

from .codepages import char_class, CodePage, CODEPAGES, FILL


COMMON_SCRIPTS = {"LATIN", "COMMON"}

#: Whether the ``find_mojibake`` call that is running reads a line of an article that shows the
#: Latin-1-C1-stripped shape (its ``shape``): a lone lead of punctuation is then damage enough.
STRIPPED: contextvars.ContextVar[bool] = contextvars.ContextVar("STRIPPED", default=False)


@lru_cache(maxsize=4096)
def script_of(c: str) -> str:
    if not c.isalpha() and not (unicodedata.decimal(c, None) is not None and not c.isascii()):
        if c >= "\u0300" and unicodedata.category(c) in ("Mn", "Mc"):  # a vowel sign: its script's (Khmer ុ)
            word = unicodedata.name(c, "").split(" ", 1)[0]
            if word not in _SHARED_MARKS:
                return word
        return "COMMON"  # superscript digits (³) and fractions are no script's own digits
    name = unicodedata.name(c, "")
    word = name.split(" ", 1)[0].split("-", 1)[0]
    if word in ("CJK", "HIRAGANA", "KATAKANA", "HANGUL", "IDEOGRAPHIC"):
        return "CJK"
    if word in ("MODIFIER", "SMALL", "FULLWIDTH", "MICRO"):
        return "COMMON"
    if word in ("FEMININE", "MASCULINE"):
        return "LATIN"  # ª º (the second layer of ê õ read twice as Windows-1252: Ãª Ãµ)
    return word or "UNKNOWN"


_SHARED_MARKS = frozenset({"", "COMBINING", "VARIATION", "ZERO"})  # marks of no one script

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


def plausible_text(s: str, before: str, after: str) -> bool:
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


def plausible_lost(s: str, before: str, after: str) -> bool:
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


def lonely_script(s: str, before: str, after: str) -> bool:
    """A letter of a non-Latin script with no letter of that script next to it."""
    for i, c in enumerate(s):
        sc = script_of(c)
        if sc not in COMMON_SCRIPTS:
            neighbours = (s[:i] + s[i + 1:]) + before[-1:] + after[:1]
            if not any(script_of(n) == sc for n in neighbours):
                return True
    return False


class Slot:
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


def find_slots(line: str, cp: CodePage, masked: list[tuple[int, int]],
                lost: Sequence[int] | None = None, nbsp: bool | None = None,
                stripped: frozenset[int] = frozenset(), fill: Sequence[int] | None = None) -> list[Slot]:
    """Damaged characters of ``line`` in code page ``cp``; a lossy slot may have lost one of the
    bytes ``lost`` (default: the code page's own), or a no-break space turned into the following
    space (``nbsp``); a byte of ``stripped`` (lost only to C1 stripping) only as ``_stripped_ok``.
    A U+FFFD inside a sequence is one of the bytes ``fill`` (default: the code page's undefined
    bytes), which a strict decoder replaced: the slot is lossy and the U+FFFD part of it."""
    lost = cp.lost if lost is None else lost
    nbsp = cp.nbsp_space if nbsp is None else nbsp
    fill = sorted(cp.undefined) if fill is None else fill
    slots: list[Slot] = []
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
                    slots.append(Slot(s, e, [dec], True, False))
                continue
            opts = {}
            for bs, fb in filled:
                dec = _decode(bs)
                if dec is not None and dec not in opts:
                    opts[dec] = fb
            if opts:
                slots.append(Slot(s, e, list(opts), False, False, opts))
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
            slots.append(Slot(s, e, list(opts), False, space, opts))
    if cp.stripped_regex is not None and C1_BYTES <= set(lost):
        slots = sorted(slots + _stripped_slots(line, cp, masked, sorted(C1_BYTES)), key=lambda x: x.start)
    if nbsp and " " in line:
        mid = _nbsp_mid_slots(line, cp, masked, slots)
        if mid:
            slots = sorted(slots + mid, key=lambda x: x.start)
    return slots


def nbsp_mid(line: str, s: Slot) -> bool:
    """``s`` is a slot of ``_nbsp_mid_slots`` (a lead, a space, a continuation or a space)."""
    return not s.lossless and s.end - s.start == 3 and line[s.start + 1] == " "


def _nbsp_mid_slots(line: str, cp: CodePage, masked: list[tuple[int, int]], slots: list[Slot]) -> list[Slot]:
    """A 3-byte lead, a space, a continuation (or a second space): the middle byte was a no-break
    space the pipeline made a space ("æ ª" is 株, E6 A0 AA; "ì  " is 젠, EC A0 A0); kept only
    glued to CJK text (``resolution.analyze_cp``)."""
    taken = {s.start for s in slots} | {s.end - 1 for s in slots}
    out = []
    for m in cp.nbsp_mid_regex.finditer(line):
        s = m.start()
        if s in taken or s + 2 in taken or (masked and any(a <= s < b for a, b in masked)):
            continue
        last = line[s + 2]
        dec = _decode([cp.byte_of[line[s]], 0xA0, 0xA0 if last == " " else cp.byte_of[last]])
        if dec is not None and _plausible_char(dec):
            out.append(Slot(s, s + 3, [dec], False, False, {dec: 0xA0}))
    return out


def _filled(text: str, cp: CodePage, fill: Sequence[int]) -> list[tuple[list[int], int | None]]:
    """The bytes of a damaged sequence, every U+FFFD in it replaced by each byte of ``fill`` in
    turn, with the first byte so filled in (None: no U+FFFD in it)."""
    if FILL not in text:
        return [([cp.byte_of[c] for c in text], None)]
    out: list[tuple[list[int], int | None]] = [([], None)]
    for c in text:
        if c != FILL:
            out = [(bs + [cp.byte_of[c]], fb) for bs, fb in out]
        else:
            out = [(bs + [b], b if fb is None else fb) for bs, fb in out for b in fill]
    return out


def line_lost_bytes(line: str, cp: CodePage, slots: list[Slot]) -> tuple[tuple[int, ...], bool, tuple[str, ...],
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
        if FILL in text:  # undefined bytes were replaced (strict decoder), not dropped
            keep_c1 = True
            text = text.replace(FILL, "")
        chars.update(text.replace(" ", ""))  # (the space of a no-break space made one, "æ ª")
        if s.lossless:
            for c in text[1:]:
                if "\x80" <= c <= "\x9f":
                    keep_c1 = True
                elif c == "\xad":
                    keep_shy = True
                elif c == "\xa0":
                    keep_nbsp = True
    compatible = tuple(name for name, other in CODEPAGES.items()
                       if other.lossy and all(other.byte_of.get(c) == cp.byte_of[c] for c in chars))
    lost: set[int] = set()
    stripped: frozenset[int] = frozenset()
    if not keep_c1:
        for name in compatible:
            lost |= CODEPAGES[name].undefined
        if cp.name == "latin-1" and c1_stripped(line):
            stripped = C1_BYTES - lost
            lost |= C1_BYTES
    if not keep_shy and cp.lossy:
        lost.add(0xAD)
    return tuple(sorted(lost)), cp.nbsp_space and not keep_nbsp, compatible, stripped


C1_BYTES = frozenset(range(0x80, 0xA0))
# What Windows-1252 reads bytes 80-9F as: after a lead, such a character shows the bytes were kept.
_CP1252_C1 = frozenset(CODEPAGES["windows-1252"].byte_of[c] and c for c in CODEPAGES["windows-1252"].byte_of
                       if 0x80 <= CODEPAGES["windows-1252"].byte_of[c] <= 0x9F and c > "\x9f")
_C1_KEPT_RE = re.compile(f"[\x80-\x9f]|(?<=[\u00c2-\u00f4]){char_class(_CP1252_C1)}")


# What a file read as Latin-1 shows when its C1 controls were kept or read as Windows-1252 instead:
# a C1 control, or a Windows-1252 reading of 80-9F as the continuation of a 2-byte lead inside a
# word ("vÄ›c"; not "nadziejÄ”": a quote repaired after a letter that lost its byte), or as the
# first continuation of a 3- or 4-byte lead before another continuation ("â€™"; not "á“": a
# repaired Czech word before its closing quote).
_CONT1 = "\u00a0-\u00bf" + "".join(sorted(_CP1252_C1))
_C1_SHOWN_RE = re.compile(f"[\x80-\x9f]|(?<=[\u00c2-\u00df]){char_class(_CP1252_C1)}(?=[^\\W\\d_])"
                          f"|(?<=[\u00e0-\u00f4]){char_class(_CP1252_C1)}(?=[{_CONT1}])")

def stripped_signs(text: str, least: int = 2) -> bool:
    """Whether ``text`` (a whole article, code left out) shows the signs of UTF-8 read as Latin-1
    with every C1 control stripped (``mojibake.article_shape`` also asks the other code pages):
    at least ``least`` complete 2-byte sequences of a Latin letter inside a word (``_L1_SIGN_RE``:
    "vÃ½let", "Ãºplný"; not "CAMPEÃ»", "Spaß«", which clean text writes), and nowhere a C1
    control or a Windows-1252 reading of bytes 80-9F inside a sequence (those bytes were kept,
    not stripped). What the shape leaves of punctuation (a lone "â") is no sign: clean
    Romanian and Vietnamese hold it too. An emoji lead starting a token with the continuations
    it kept ("ð°" is 📰; no Icelandic word starts with ð) counts as two: after a fix it may be
    all that shows the shape. When a fix would leave no sign, textrepair._hides_shape writes
    nothing while residues stay in doubt."""
    if _C1_SHOWN_RE.search(text):
        return False
    n = sum(1 for m in _L1_SIGN_RE.finditer(text) if (c := _decode([ord(x) for x in m.group()])) and c.isalpha())
    n += 2 * len(_L1_EMOJI_RE.findall(text))
    # another code page's reading (Mac Roman, CP437, Windows-1257) puts characters beyond Latin-1
    # after its leads: as often as the signs, it is that page's damage, not this shape
    return n >= least and len(_BEYOND_L1_RE.findall(text)) < n


def in_word(core: str) -> re.Pattern:
    """A pattern of ``core`` (a regular expression) glued to a letter before or after it."""
    return re.compile(f"(?<=[^\\W\\d_])(?:{core})|(?:{core})(?=[^\\W\\d_])")


# an emoji lead (F0) starting a token, with one to three continuations other than « »
_L1_EMOJI_RE = re.compile("(?<![^\\W\\d_])\u00f0[\u00a1-\u00aa\u00ac-\u00ba\u00bc-\u00bf]{1,3}")
# a Latin 2-byte lead (C2-C5) and a continuation other than « » (AB BB), after or before a letter
_L1_SIGN_RE = in_word("[\u00c2-\u00c5][\u00a1-\u00aa\u00ac-\u00ba\u00bc-\u00bf]")

_BEYOND_L1_RE = re.compile("[\u00c2-\u00f4][^\x00-\xff]")


_MID_SENTENCE = " \u00a0–—-,;:\"'„“”‚‘’«»()"  # what may stand between two words of a sentence


def _stripped_ok(dec: str, line: str, s: int, e: int) -> bool:
    """A reading that assumes a stripped C1 byte (one no compatible code page leaves undefined: a
    stripped 97 would make "nab×jen×" of "nabÃjenÃ", whose soft hyphens were lost): a letter, and not a capital standing alone as a
    word ("Ã " is "à " with its no-break space lost, not "À ") nor one starting a lowercase word
    after a lowercase word ("s Älánky": "články"), nor Greek (most of its small letters are CE/CF
    80-9F: any of them would do, "ΣαÏρός"). A 3-byte sequence of E2 that kept one continuation
    may be punctuation or a symbol ("â¦" is "…", E2 80 A6): the symbol priors weigh those."""
    if "\u2010" <= dec <= "\u2bff" and not dec.isalnum():
        return _plausible_char(dec)
    if not dec.isalpha() or script_of(dec) == "GREEK":
        return False
    if not dec.isupper():
        return True
    alone = (not s or not line[s - 1].isalpha()) and (e >= len(line) or not line[e].isalpha())
    # a capital that starts a lowercase word after a lowercase word: mid-sentence, the lowercase
    # letter of the pair (Č/č are 8C/8D, Ř/ř 98/99), as the Windows-1252 hypothesis reads it;
    # not for the Latin-1 capitals (C3 80-9E) that start German nouns ("für Überstunden")
    # the word before is read back as UTF-8: still damaged, "celÃ½ Älánek" ends in "ý", not "½"
    # (a lead that lost its bytes reads as nothing: "pokraÄovat â Åekl", a dash, is mid-sentence)
    before = _read_back(line[max(0, s - 12):s]).rstrip(_MID_SENTENCE)
    mid = dec >= "\u0100" and bool(before) and before[-1].islower() and e < len(line) and line[e].islower()
    return not (alone or mid)


def _read_back(text: str) -> str:
    """``text`` (Latin-1 mojibake, perhaps partly repaired) read back as UTF-8, what does not
    decode left out: the letters it stands for."""
    bs = b"".join(c.encode("latin-1") if c <= "\xff" else c.encode("utf-8") for c in text)
    return bs.decode("utf-8", errors="ignore")


def c1_stripped(line: str) -> bool:
    """Whether the line may have lost every byte 80-9F (Latin-1 text whose C1 controls a pipeline
    removed): it holds no C1 control and no Windows-1252 reading of those bytes after a lead."""
    return _C1_KEPT_RE.search(line) is None


def _stripped_slots(line: str, cp: CodePage, masked: list[tuple[int, int]], lost: Sequence[int]) -> list[Slot]:
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
        slots.append(Slot(s, s + 1, list(opts), False, False, opts))
    return slots


CODE_SPAN_RE = re.compile(r"(`+)(?!`)(.+?)(?<!`)\1(?!`)")


def masked_spans(line: str) -> list[tuple[int, int]]:
    if "`" not in line:
        return []
    return [m.span() for m in CODE_SPAN_RE.finditer(line)]


def shifted_slot(s: Slot, d: int) -> Slot:
    return Slot(s.start + d, s.end + d, s.options, s.lossless, s.space)


def cjk_lead(cp: CodePage, c: str) -> bool:
    """A lead of a 3-byte sequence other than E2 (punctuation and symbols start with E2)."""
    b = cp.byte_of.get(c, 0)
    return 0xE0 <= b <= 0xEF and b != 0xE2


def redecode(s: str) -> str | None:
    """``s`` (a decoded run holding C1 controls) decoded once more: its bytes in the first code
    page that has all its characters and whose bytes are valid UTF-8, decoded; else None."""
    for cp in CODEPAGES.values():
        try:
            bs = bytes(cp.byte_of[c] if c >= "\x80" else ord(c) for c in s)
        except KeyError:
            continue
        out = _decode(bs)
        if out is not None:
            return out
    return None


BLANK = "\ufffd"  # where a lossy slot was (``apply_fixed(blank_lossy=True)``)


def apply_fixed(line: str, slots: list[Slot], fixed: dict[int, str], blank_lossy: bool = False) -> str:
    """``line`` with its lossless slots in ``fixed`` repaired, and (``blank_lossy``) each lossy
    slot replaced with ``BLANK``; ``slots`` in line order."""
    out, pos = [], 0
    for s in slots:
        if s.lossless and s.start in fixed:
            out.append(line[pos:s.start])
            out.append(fixed[s.start])
            pos = s.end
        elif blank_lossy and not s.lossless:
            out.append(line[pos:s.start])
            out.append(BLANK)
            pos = s.end
    out.append(line[pos:])
    return "".join(out)


# Leads a line read as Latin-1 with its C1 controls stripped leaves alone, that clean text of the
# languages the stripped shape meets rarely holds where they stand (``stripped_residues``): a
# Latin-1 2-byte lead (Â Ã Ä Å: C2-C5, Latin letters) with no continuation after a letter or as a
# word of its own ("KRITICKÃ", "władzÄ"; not "Ärger"), an emoji lead (ð: F0) not after a letter,
# with the continuations it kept ("ð¥" is 🔥, F0 9F 94 A5, that lost 9F and 94).
STRIPPED_LEADS = "\u00c2-\u00f0"  # (a character range: every lead but the rare planes F1-F4)
_RESIDUE_RE = re.compile("[\u00c2-\u00df](?![\u00a0-\u00bf])|\u00f0[\u00a1-\u00bf]{0,2}(?![\u00a1-\u00bf])"
                         "|\u00e2(?![\u00a0-\u00bf])|[\u00e0-\u00ef][\u00a0-\u00bf](?![\u00a0-\u00bf])")


def stripped_residues(line: str, covered: list[tuple[int, int]]) -> list[tuple[int, int, tuple[str, ...]]]:
    """The damaged sequences of a line of an article that shows the Latin-1-C1-stripped shape
    (``mojibake.article_shape``) that no repair covers (``covered``: sorted spans) and that can be no
    clean text: (start, end, what they can have been, best first). They are reported, not
    repaired (a lead that lost its continuation reads as up to 32 characters). Which: a Latin-1
    2-byte lead C2-C5 (Â Ã Ä Å) that lost its continuation after a letter or as a word of its
    own ("KRITICKÃ", "władzÄ"; not "Ärger"), another capital C6-DF after a small letter ("deÈi":
    ș); an emoji lead (ð: F0) not after a letter, with what it kept ("ð¥" is 🔥, F0 9F 94 A5);
    a lone E2 (â) not inside a word nor starting a small one ("králeâ", "âNick": quotes; not
    "âge"); a 3-byte lead with one continuation inside a word ("vá»i": ộ) or after a symbol
    ("❤ï¸": the variation selector)."""
    out = []
    for m in _RESIDUE_RE.finditer(line):
        s, e = m.span()
        if any(a < e and s < b for a, b in covered):
            continue
        c = line[s]
        prev = line[s - 1] if s else ""
        nxt = line[e] if e < len(line) else ""
        if c == "\u00f0":
            if prev.isalpha() and e == s + 1:
                continue  # Icelandic "með"
            out.append((s, e, lost_symbols("latin-1", C1_BYTES).get(line[s:e], ())))
        elif c == "\u00e2" and e == s + 1:
            if not (prev.isalpha() and nxt.isalpha()) and not (nxt.islower() and not prev.isalpha()):
                out.append((s, e, ("–", "—", "“", "”", "’", "„")))
        elif e == s + 2:  # a 3-byte lead with one continuation
            if (prev.isalpha() and nxt.isalpha()) or (prev and unicodedata.category(prev) == "So"):
                out.append((s, e, ()))
        elif "\u00c2" <= c <= "\u00c5":
            if prev.isalpha() or not nxt.isalpha():
                out.append((s, e, _letter_readings(ord(c), prev.isupper() or (not prev.isalpha() and nxt.isupper()))))
        elif c <= "\u00df" and prev.islower():
            out.append((s, e, _letter_readings(ord(c), False)))
    return out


@lru_cache(maxsize=4)
def lost_symbols(page: str, lost: frozenset[int]) -> dict[str, tuple[str, ...]]:
    """What each symbol of the arrows-to-emoji blocks (U+2190-U+2BFF, U+1F000-U+1FFFF; category So)
    reads as through code page ``page`` when its bytes in ``lost`` are gone, for the symbols that
    lose one: damaged text -> the symbols it can have been ("ð¡" through Latin-1 with C1 stripped
    is 💡, F0 9F 92 A1, or 🐡 or 🔡 ...; "š’" through Windows-1257 with its undefined bytes
    dropped is 💡 too)."""
    char_of = {b: c for c, b in CODEPAGES[page].byte_of.items()}
    out: dict[str, list[str]] = {}
    for lo, hi in ((0x2190, 0x2C00), (0x1F000, 0x20000)):
        for u in range(lo, hi):
            ch = chr(u)
            if unicodedata.category(ch) != "So":
                continue
            bs = ch.encode("utf-8")
            kept = [b for b in bs if b not in lost]
            if len(kept) < len(bs):
                out.setdefault("".join(char_of[b] for b in kept), []).append(ch)
    return {k: tuple(v) for k, v in out.items()}


@lru_cache(maxsize=64)
def _letter_readings(lead: int, upper: bool) -> tuple[str, ...]:
    """The letters a 2-byte lead that lost a continuation 80-9F can have been, those of the case
    of the letters around it first."""
    out = [c for c in (_decode([lead, b]) for b in range(0x80, 0xA0)) if c and c.isalpha()]
    return tuple(sorted(out, key=lambda c: c.isupper() != upper))


# A symbol that lost bytes through a code page whose undefined bytes were dropped leaves its lead
# and what it kept, as a token of its own: Windows-1257 leaves 9F undefined, so every emoji (F0 9F
# ...) loses it ("š’" is 💡, "š" alone 🌐), and ⚡ (E2 9A A1) is a lone "ā".
def dropped_leads(page: str) -> str:
    """A character class of the leads of symbols (E2, F0) as ``page`` reads them ("[āš]")."""
    return char_class(c for c, b in CODEPAGES[page].byte_of.items() if b in (0xE2, 0xF0))


@lru_cache(maxsize=4)
def _dropped_re(page: str) -> re.Pattern:
    cp = CODEPAGES[page]
    char_of = {b: c for c, b in cp.byte_of.items()}
    conts = char_class(char_of[b] for b in range(0x80, 0xC0) if b not in cp.undefined)
    return re.compile(f"(?<![^\\W\\d_]){dropped_leads(page)}{conts}{{0,2}}")


def dropped_residues(line: str, covered: list[tuple[int, int]], page: str) -> list[tuple[int, int, tuple[str, ...]]]:
    """The symbols of a line of an article whose UTF-8 was read through ``page`` with its undefined
    bytes dropped (``mojibake.article_shape``) that lost bytes and that no repair covers
    (``covered``): (start, end, the symbols they can have been). A token of its own: the lead
    and the continuations it kept (``_dropped_re``), the longest that some symbol leaves, not
    glued to a letter after it (Lithuanian "šis" stays)."""
    out = []
    for m in _dropped_re(page).finditer(line):
        table = lost_symbols(page, CODEPAGES[page].undefined)
        s = m.start()
        for e in range(m.end(), s, -1):
            if line[s:e] in table:
                break
        else:
            continue
        if (e < len(line) and line[e].isalpha()) or any(a < e and s < b for a, b in covered):
            continue
        out.append((s, e, table[line[s:e]]))
    return out
