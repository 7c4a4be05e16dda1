"""What a damaged sequence can have been: slots and their readings.

A *slot* is one damaged UTF-8 character of a line in one code page: complete (lossless), or
with a byte lost (each byte the line's pipeline can have dropped gives a reading), each reading
a plausible character. Design: docs/encoding-engine.md, docs/encoding-hypotheses.md."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from typing import Sequence

from .codepages import char_class, CodePage, CODEPAGES, FILL


COMMON_SCRIPTS = {"LATIN", "COMMON"}


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
    if cp.stripped_regex is not None and _C1_BYTES <= set(lost):
        slots = sorted(slots + _stripped_slots(line, cp, masked, sorted(_C1_BYTES)), key=lambda x: x.start)
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
        if cp.name == "latin-1" and _c1_stripped(line):
            stripped = _C1_BYTES - lost
            lost |= _C1_BYTES
    if not keep_shy and cp.lossy:
        lost.add(0xAD)
    return tuple(sorted(lost)), cp.nbsp_space and not keep_nbsp, compatible, stripped


_C1_BYTES = frozenset(range(0x80, 0xA0))
# What Windows-1252 reads bytes 80-9F as: after a lead, such a character shows the bytes were kept.
_CP1252_C1 = frozenset(CODEPAGES["windows-1252"].byte_of[c] and c for c in CODEPAGES["windows-1252"].byte_of
                       if 0x80 <= CODEPAGES["windows-1252"].byte_of[c] <= 0x9F and c > "\x9f")
_C1_KEPT_RE = re.compile(f"[\x80-\x9f]|(?<=[\u00c2-\u00f4]){char_class(_CP1252_C1)}")


_MID_SENTENCE = " \u00a0–—-,;:\"'„“”‚‘’«»()"  # what may stand between two words of a sentence


def _stripped_ok(dec: str, line: str, s: int, e: int) -> bool:
    """A reading that assumes a stripped C1 byte (one no compatible code page leaves undefined: a
    stripped 97 would make "nab×jen×" of "nabÃjenÃ", whose soft hyphens were lost): a letter, and not a capital standing alone as a
    word ("Ã " is "à " with its no-break space lost, not "À ") nor one starting a lowercase word
    after a lowercase word ("s Älánky": "články"), nor Greek (most of its small letters are CE/CF
    80-9F: any of them would do, "ΣαÏρός")."""
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


def _c1_stripped(line: str) -> bool:
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


_CODE_SPAN_RE = re.compile(r"(`+)(?!`)(.+?)(?<!`)\1(?!`)")


def masked_spans(line: str) -> list[tuple[int, int]]:
    if "`" not in line:
        return []
    return [m.span() for m in _CODE_SPAN_RE.finditer(line)]


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
