"""Whether damage is reported: weak runs, and words a repair makes known.

A run that also reads as ordinary text is *weak* (``is_weak``); it and lossy slots are reported
only with evidence on the line, or when a repair turns unknown words into known ones.
Design: docs/encoding-engine.md."""

from __future__ import annotations

import unicodedata

from .codepages import CodePage
from .groups import Group
from .hypotheses import apply_fixed, cjk_lead, lonely_script, script_of, shifted_slot, Slot
from .languages import foreign_word, LangModel, WORD_RE
from .scoring import is_emoji, is_wordish


def runs_of(slots: list[Slot]) -> list[list[Slot]]:
    runs: list[list[Slot]] = []
    for s in slots:
        if runs and runs[-1][-1].end == s.start:
            runs[-1].append(s)
        else:
            runs.append([s])
    return runs


_QUOTE_END = set("“”’‘\"'–—…")


def is_weak(line: str, run: list[Slot], decoded: str = "", scripts: frozenset[str] = frozenset()) -> bool:
    """A lossless run that also reads as ordinary text: only upper- and lowercase letters in a
    natural casing (Romanian "PĂŞUNI": ĂŞ is ê in Windows-1250), words of such letters between
    no-break spaces (Macedonian "в\u00a0Ј" is ⠣ in Windows-1251), a capital and a closing quote
    or dash ("Ä“" is ē in Windows-1252), a letter ending a word before a no-break space, or only
    math signs and Greek letters; or a run made of such pieces, slot by slot (Macedonian
    "ОРУЖЈЕ\u00a0": ЖЈ is ƣ, Е + no-break space Š). "bezpeÄŤnost" is not ordinary: a capital
    after "e". A run is also weak when its ``decoded`` text is no better than the original: a rare
    letter (``rare_decoded``: Macedonian "ИЈ" is ȣ) or a letter of a script that no undamaged
    letter of the line has while it has some (``scripts``: a Latin Š among Cyrillic words)."""
    # (ƒ is no rare letter here: Windows-1252's own 83, a layer still to decode, Äƒ is ă)
    if decoded and (rare_decoded(decoded.replace("ƒ", "")) or _absent_script(decoded, scripts)):
        return True
    if _weak_piece(line, run[0].start, run[-1].end, len(run)):
        return True
    return len(run) > 1 and all(_weak_piece(line, s.start, s.end, 1) for s in run)


def _weak_piece(line: str, start: int, end: int, nslots: int) -> bool:
    orig = line[start:end]
    if orig[0] == "»" and not line[start - 1:start].isalpha() and line.find("«", end) >= 0:
        return True  # a quotation opened German or Danish style, »öffentlich« (Mac Roman: Țffentlich)
    # ƒ is the florin and function sign, a letter of no word we read (Mac Roman's C4: "ƒó" is ė)
    if all(unicodedata.category(c) in ("Lu", "Ll") and c != "ƒ" or (c == "\u00a0" and i) for i, c in enumerate(orig)):
        if len({script_of(c) for c in orig} & {"LATIN", "GREEK", "CYRILLIC"}) > 1:
            return False  # letters of two alphabets glued together (CP437 "ΓÇô" is –): no word
        if _glued_to_latin(line, start, end, orig):
            return False  # Windows-1251 "ГЄtes" (êtes): Cyrillic letters inside a Latin word
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
    return all(unicodedata.category(c) == "Sm" or script_of(c) == "GREEK" for c in orig)


def _glued_to_latin(line: str, start: int, end: int, orig: str) -> bool:
    """Cyrillic or Greek letters with a Latin letter right before or after them."""
    if not {script_of(c) for c in orig} <= {"GREEK", "CYRILLIC"}:
        return False
    return any(c.isalpha() and script_of(c) == "LATIN" for c in line[max(0, start - 1):start] + line[end:end + 1])


def undamaged_scripts(line: str, slots: list[Slot]) -> frozenset[str]:
    """The scripts of the letters of ``line`` outside every slot."""
    chars, pos = set(), 0  # (each character once: a line repeats its letters)
    for s in slots:
        chars.update(line[pos:s.start])
        pos = max(pos, s.end)
    chars.update(line[pos:])
    return frozenset(script_of(c) for c in chars if c.isalpha())


def _absent_script(decoded: str, scripts: frozenset[str]) -> bool:
    """A decoded Latin letter on a line whose undamaged letters (``scripts``: their scripts) are
    all of another script: a Latin Š among Macedonian capitals. Not the reverse: Cyrillic or
    Greek decoded among Latin words is the usual mojibake of a name ("author: Ð“Ð°Ð±ÐµÐ»ÐºÐ¾")."""
    if not scripts or "LATIN" in scripts:
        return False
    return any(c.isalpha() and script_of(c) == "LATIN" for c in decoded)


# Latin Extended-B letters that languages written today use: Romanian comma letters, Vietnamese
# horn letters, Pinyin's caron vowels, Azerbaijani ə (the rest, as Ʃ, is Ć© read as Windows-1250
# where Windows-1257 reads é).
_COMMON_EXT_B = frozenset("ȘșȚțƠơƯưǍǎǏǐǑǒǓǔǕǖǗǘǙǚǛǜƏəǦǧ")


def rare_decoded(text: str) -> int:
    """How many decoded characters are rare letters (Latin Extended-B but ``_COMMON_EXT_B``): of
    two code pages that explain a line equally well, the one with fewer wins."""
    return sum(1 for c in text if "\u0180" <= c <= "\u024f" and c not in _COMMON_EXT_B)


def becomes_word(orig: str, rep: str, lm: LangModel) -> bool:
    """Every word of ``rep`` is known and no word of the damaged ``orig`` is (here or abroad)."""
    toks = WORD_RE.findall(rep)
    otoks = WORD_RE.findall(orig)
    if not toks or not all(lm.zipf(t) >= 1.5 for t in toks):
        return False
    if len(toks) == 1 and len(toks[0]) > 2 and "".join(otoks) != orig and not any(c.isspace() for c in orig):
        # signs inside one word split it ("erm√∂glicht": √∂ is ö in Mac Roman): the damaged word is
        # the whole of it, and it is no word
        return lm.zipf(orig) == 0 and not foreign_word(orig)
    if len(toks) != len(otoks):
        return False
    return not any(lm.zipf(t) > 0 or foreign_word(t) for t in otoks)


def group_becomes_word(line, g: Group, lossy, res, fixed, lm) -> bool:
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
    new = [m.group() for m in WORD_RE.finditer(text) if any(mask[m.start():m.end()])]
    if not new or not all(lm.zipf(t) >= 1.5 for t in new):
        return False
    orig = line[g.start:g.end]
    spans = [(s.start - g.start, s.end - g.start) for s in lossy]
    old = [m.group() for m in WORD_RE.finditer(orig) if any(a < m.end() and m.start() < b for a, b in spans)]
    return not any(lm.zipf(t) > 0 or (len(t) > 1 and foreign_word(t)) for t in old)


class RepairedNeighbours:
    """What a lossy slot's neighbours read as, the lossless slots next to it repaired."""

    def __init__(self, line: str, keep: list[Slot], fixed: dict[int, str]):
        self.line = line
        self.ends = {s.end: fixed[s.start] for s in keep if fixed.get(s.start)}
        self.starts = {s.start: fixed[s.start] for s in keep if fixed.get(s.start)}

    def around(self, s: Slot) -> tuple[str, str]:
        """The characters before and after slot ``s``, repaired."""
        line = self.line
        return (self.ends.get(s.start, line[s.start - 1:s.start])[-1:],
                self.starts.get(s.end, line[s.end:s.end + 1])[:1])

    def beside_cjk(self, s: Slot) -> bool:
        return _either_cjk(*self.around(s))

    def near_cjk(self, s: Slot) -> bool:
        """``beside_cjk``, or a space away from CJK or Hangul: a Korean word of one syllable
        stands between spaces ("반복 오 나중")."""
        if self.beside_cjk(s):
            return True
        line, pos, end = self.line, s.start, s.end
        b = self.ends.get(pos - 1, line[pos - 2:pos - 1])[-1:] if line[pos - 1:pos] == " " else ""
        a = self.starts.get(end + 1, line[end + 1:end + 2])[:1] if line[end:end + 1] == " " else ""
        return _either_cjk(b, a)

    def selector_after_emoji(self, s: Slot) -> bool:
        """``s`` reads as VS16 right after an emoji ("❤ï¸": the selector lost its last byte)."""
        return reads_as_selector(s) and is_emoji(self.around(s)[0])


def _either_cjk(before: str, after: str) -> bool:
    """Either neighbour (a character, or "" at an edge) is CJK or Hangul."""
    return (bool(before) and script_of(before) == "CJK") or (bool(after) and script_of(after) == "CJK")


def reads_as_selector(s: Slot) -> bool:
    """A reading of ``s`` is VS16 (U+FE0F), what follows an emoji."""
    return any(o[:1] == "\ufe0f" for o in s.options)


def split_weak_runs(line: str, slots: list[Slot], keep: list[Slot],
                    fixed: dict[int, str]) -> tuple[list[list[Slot]], list[list[Slot]]]:
    """The lossless runs kept, as (strong, weak): a weak run also reads as ordinary text."""
    undamaged = undamaged_scripts(line, slots)
    strong = []
    weak = []
    for run in runs_of([s for s in keep if s.lossless]):
        dec = "".join(fixed[s.start] for s in run)
        if all(unicodedata.category(c).startswith("M") for c in dec):
            weak.append(run)  # only combining marks: Mac Roman reads Czech mojibake this way
        elif lonely_script(dec, line[run[0].start - 1:run[0].start], line[run[-1].end:run[-1].end + 1]):
            weak.append(run)  # one Cyrillic, Greek, ... letter among Latin text
        elif is_weak(line, run, dec, undamaged):
            weak.append(run)
        else:
            strong.append(run)
    return strong, weak


_CLOSING = frozenset("\u201d\u2019\u201c\u00bb\u203a")  # ” ’ “ » ›


def lossy_evidence(line: str, cp: CodePage, keep: list[Slot], near: RepairedNeighbours) -> bool:
    """A lossy slot is mojibake by itself when a present continuation is no letter (â€) or two
    of them follow a 4-byte lead (ğŸ), not so "âş" nor a no-break space after a letter (Latvian
    "pasākumā\\xa0", ā = E2 in Windows-1257); when it is glued to CJK text ("ãƒ" between
    kana); when it reads as VS16 after an emoji ("❤ï¸"); or when its lead is a capital inside a
    lowercase word ("realistiÄtým")."""
    for s in keep:
        if s.lossless:
            continue
        lead = line[s.start]
        present = line[s.start + 1:s.end - s.space]
        # (nor a letter before a closing quote: Latvian "sērijā”" or a quoted „ā”, ā = E2 and
        # ” = 94 in Windows-1257, would be ✔, E2 9C 94)
        closing = lead.isalpha() and present in _CLOSING
        if not cjk_lead(cp, lead) and not closing and (
                len(present) >= 2 or any(not c.isalpha() and c != "\xa0" for c in present)):
            return True
        if near.beside_cjk(s) or near.selector_after_emoji(s):
            return True  # glued to CJK, or VS16 after an emoji ("❤ï¸")
        if (lead.isupper() and s.start > 0 and line[s.start - 1].islower() and not s.space
                and s.end < len(line) and line[s.end].islower()):
            return True
    return False


def weak_run_becomes_word(line: str, keep: list[Slot], fixed: dict[int, str], weak: list[list[Slot]],
                          lm: LangModel) -> bool:
    """A weak run's whole word, with every lossless slot in it repaired (a word may hold several
    runs), becomes a known word (``becomes_word``)."""
    lossless_keep = [s for s in keep if s.lossless]
    for run in weak:
        a, b = run[0].start, run[-1].end
        while a > 0 and is_wordish(line[a - 1]):
            a -= 1
        while b < len(line) and is_wordish(line[b]):
            b += 1
        inside = [s for s in lossless_keep if a <= s.start and s.end <= b]
        rep = apply_fixed(line[a:b], [shifted_slot(s, -a) for s in inside], {k - a: v for k, v in fixed.items()})
        if becomes_word(line[a:b], rep, lm):
            return True
    return False
