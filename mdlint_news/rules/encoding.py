"""Characters: lost data, invisible characters, look-alike letters, line endings, normalisation (NL7xx)."""

from __future__ import annotations

import itertools
import re
import unicodedata
from functools import lru_cache

from ..diagnostics import Edit, Fix, Priority, Storage
from .base import DISPLAY_ONLY, ERROR, INFO, SAFE, UNSAFE, WARNING, Context, Problem, rule

_FFFD = re.compile("\ufffd+")


@rule("NL702", "replacement-character", ERROR)
def replacement_character(ctx: Context):
    """The text contains U+FFFD, the replacement character `�`.

    **What it does.** Reports every run of `�` in the file.

    **Why.** Some program already failed to decode these bytes and replaced them: the original
    characters are lost and cannot be recovered from this file.

    **Fix.** None: restore the text from the source.
    """
    if "\ufffd" not in ctx.text:  # str.find is ~50x faster than a regex scan here
        return
    for m in _FFFD.finditer(ctx.text):
        yield Problem(m.start(), m.end(), f"{len(m.group())} replacement character(s) '\ufffd': "
                      "the original text was lost when it was decoded; restore it from the source")


# Characters that never belong in news copy, except where a script needs them (see
# _script_needs): ZWJ/ZWNJ inside emoji sequences and in the scripts that use them, U+200B and
# U+2060 in scripts written without spaces, the bidi marks in right-to-left text.
_INVISIBLE = {
    "\u200b": "zero-width space", "\u2060": "word joiner", "\ufeff": "zero-width no-break space",
    "\u180e": "Mongolian vowel separator", "\u00ad": "soft hyphen", "\u200e": "left-to-right mark",
    "\u200f": "right-to-left mark", "\u061c": "Arabic letter mark", "\u202a": "bidi embedding",
    "\u202b": "bidi embedding", "\u202c": "bidi pop", "\u202d": "bidi override",
    "\u202e": "bidi override", "\u2066": "bidi isolate", "\u2067": "bidi isolate",
    "\u2068": "bidi isolate", "\u2069": "bidi isolate",
}
_JOINERS = {"\u200c": "zero-width non-joiner", "\u200d": "zero-width joiner"}
_ALL_INVISIBLE = tuple(_INVISIBLE) + tuple(_JOINERS)
_INVISIBLE_RE = re.compile("[" + "".join(_INVISIBLE) + "".join(_JOINERS) + "]+")
_BIDI_MARKS = frozenset("\u200e\u200f\u061c")
_WORD_BREAKS = frozenset("\u200b\u2060")  # where to break (or not) between words without spaces
# Scripts written without spaces between words (U+200B marks the word breaks) and right-to-left
# scripts (whose text needs LRM/RLM/ALM around numbers and neutral characters); Unicode names
_UNSPACED_SCRIPTS = ("Thai", "Lao", "Khmer", "Myanmar", "Tibetan", "Han", "Hiragana", "Katakana",
                     "Tai_Tham", "Tai_Le", "New_Tai_Lue", "Tai_Viet", "Balinese", "Javanese",
                     "Buginese")
_RTL_SCRIPTS = ("Hebrew", "Arabic", "Syriac", "Thaana", "Nko", "Samaritan", "Mandaic", "Adlam")


def _latin_letter(ch: str) -> bool:
    return ch.isalpha() and ord(ch) < 0x250


@lru_cache(maxsize=1)
def _script_classes():
    """A character of a script written without spaces; a letter of a right-to-left script."""
    import regex

    unspaced = "".join(f"\\p{{scx={s}}}" for s in _UNSPACED_SCRIPTS)
    rtl = "".join(f"\\p{{Script={s}}}" for s in _RTL_SCRIPTS)
    return regex.compile(f"[{unspaced}]"), regex.compile(f"[{rtl}]")


@rule("NL703", "invisible-character", WARNING, fix=SAFE)
def invisible_character(ctx: Context):
    """Invisible characters: zero-width spaces, word joiners, stray soft hyphens, bidi controls.

    **What it does.** Reports U+200B, U+2060, U+FEFF (not at the start of the file), U+180E,
    U+00AD, the bidi marks and controls, and zero-width joiners/non-joiners between two Latin
    letters. Left alone, because a script needs them: joiners inside emoji sequences (👩‍💻) and
    in the scripts that use them (Devanagari, Persian ...); U+200B and U+2060 between two
    characters of scripts written without spaces (Khmer, Thai, Lao, Myanmar, Tibetan, Chinese,
    Japanese ...), where they mark the word breaks. LRM, RLM and ALM next to a letter or digit of
    right-to-left text (Hebrew, Arabic, Syriac, Thaana ...) are reported as info only, without a
    fix. The no-break space is not reported (after Czech one-letter prepositions it is correct
    typography).

    **Evidence is kept.** A character that is part of a damaged sequence (`Ã` + U+00AD is the
    UTF-8 of `í` read as Windows-1252) is not reported: it is rule `mojibake`'s, whose repair
    needs it. Fixes are applied in order, the encoding repair first (see
    `docs/encoding-repair-order.md`).

    **Why.** They break search, slugs and word counts, and bidi controls can make text display
    differently from what it is.

    **Fix (safe).** Removes them, in a pass after the encoding repair.
    """
    text = ctx.text
    if not any(c in _INVISIBLE or c in _JOINERS for c in rare_characters(ctx)):
        return
    starts, seen, damaged, rtl_lines = ctx.lines.starts, {}, {}, {}
    for m in _INVISIBLE_RE.finditer(text):
        run = m.group()
        if m.start() == 0 and run.startswith("\ufeff"):
            continue  # a BOM is rule `bom`'s business
        line = ctx.line_of(m.start())
        ls, eol = starts[line - 1], (starts[line] - 1 if line < len(starts) else len(text))
        needed = _script_needs(text, m.start(), m.end(), ls, eol, rtl_lines)
        if needed is _NEEDED or _in_damage(ctx, m.start(), m.end(), ls, eol, damaged):
            continue  # (damage: the evidence the encoding repair reads; rule `mojibake` reports it)
        names = ", ".join(sorted({(_INVISIBLE.get(c) or _JOINERS[c]) + f" U+{ord(c):04X}" for c in run}))
        if needed is INFO:
            yield Problem(m.start(), m.end(), f"invisible character in right-to-left text: {names} "
                          "(kept: it orders the text around it)", None, INFO)
            continue
        # a text repair, after the encoding repair: the rules that read the text see it
        # repaired, and what they find then was hidden, not made (fixes.fix_loop's check)
        fix = Fix.replace(m.start(), m.end(), "", "remove the invisible character(s)",
                          priority=Priority.REPAIR)
        if _becomes_structural(text, m.start(), m.end(), ls, eol, seen):
            # removing it would make the line a front-matter delimiter, a heading or a conflict
            # marker: the document's structure would change, which a safe fix never does
            fix = Fix.replace(m.start(), m.end(), "", "remove the invisible character(s) (this "
                              "changes what the line is: check by hand)", DISPLAY_ONLY)
        yield Problem(m.start(), m.end(), f"invisible character: {names}", fix)


_NEEDED = object()  # _script_needs: the characters are the script's own, not reported


def _script_needs(text: str, start: int, end: int, ls: int, eol: int, rtl_lines: dict):
    """Whether the script around the run ``text[start:end]`` needs it: ``_NEEDED`` (joiners
    not between two Latin letters, U+200B/U+2060 between two characters of scripts written
    without spaces), ``INFO`` (bidi marks next to a letter or digit of right-to-left text, any
    other characters of the run being needed too), None (a stray character). ``rtl_lines``:
    see ``_in_rtl_text``."""
    before = text[start - 1] if start > ls else ""
    after = text[end] if end < eol else ""
    bidi = False
    for c in set(text[start:end]):
        if c in _JOINERS:
            if _latin_letter(before) and _latin_letter(after):
                return None
        elif c in _WORD_BREAKS:
            unspaced = _script_classes()[0]
            if not (before and after and unspaced.match(before) and unspaced.match(after)):
                return None
        elif c in _BIDI_MARKS and _in_rtl_text(text, start, end, ls, eol, rtl_lines):
            bidi = True
        else:
            return None
    return INFO if bidi else _NEEDED


_NEAR = 8  # how far a bidi mark's letter or digit may be (spaces, punctuation between)


def _in_rtl_text(text: str, start: int, end: int, ls: int, eol: int, rtl_lines: dict) -> bool:
    """Whether the nearest letter or digit on either side of ``text[start:end]`` (on its line,
    at most ``_NEAR`` characters away) is a right-to-left letter, or a digit in a line that
    holds right-to-left letters (``rtl_lines``: that, once per line)."""
    rtl = _script_classes()[1]
    if ls not in rtl_lines:
        rtl_lines[ls] = rtl.search(text, ls, eol) is not None
    if not rtl_lines[ls]:
        return False
    left = next((c for c in reversed(text[max(ls, start - _NEAR):start]) if c.isalnum()), "")
    right = next((c for c in text[end:min(eol, end + _NEAR)] if c.isalnum()), "")
    return any(c and (c.isdigit() or rtl.match(c)) for c in (left, right))


def _in_damage(ctx: Context, start: int, end: int, ls: int, eol: int, damaged: dict) -> bool:
    """Whether ``text[start:end]`` overlaps a damaged sequence of its line (``find_mojibake``;
    only a line that passes ``quick_screen`` pays for it, each line once: ``damaged``)."""
    if ls not in damaged:
        damaged[ls] = ()
        line = ctx.text[ls:eol].rstrip("\r")
        if may_have_mojibake(ctx):
            from ..mojibake import find_mojibake, quick_screen

            if quick_screen(line):
                lang = ctx.profile.languages.get("body")
                damaged[ls] = tuple((ls + r.start, ls + r.end) for r in find_mojibake(line, lang))
    return any(a < end and start < b for a, b in damaged[ls])


_STRUCTURAL = re.compile(r"(?:---|\.\.\.|\+\+\+)[ \t]*\r?$|---|\+\+\+|\{| {0,3}#|<{7}|={7}|>{7}")
_STRUCTURAL_START = re.compile(r"---|\+\+\+|\{| {0,3}#|<{7}|={7}|>{7}")  # decided by 7 characters
_DOTS_LINE = re.compile(r"\.\.\.[ \t]*\r?$")  # the one alternative that reads the whole line


def _becomes_structural(text: str, start: int, end: int, ls: int, eol: int, seen: dict) -> bool:
    """Whether removing ``text[start:end]`` makes the line ``text[ls:eol]`` match
    ``_STRUCTURAL`` when it did not before; the whole line is read once per line (``seen``),
    not once per removal."""
    if ls not in seen:  # characters other than dots and blanks; was it structural already
        other = eol - ls - sum(text.count(c, ls, eol) for c in " \t.\r")
        seen[ls] = (other, bool(_STRUCTURAL.match(text, ls, eol)))
    other, was = seen[ls]
    if was:
        return False
    head = (text[ls:min(start, ls + 8)] + text[end:min(eol, end + 8)])[:8]
    if _STRUCTURAL_START.match(head):
        return True
    # `...` and blanks: only when nothing but this run, dots and blanks is on the line
    return other == end - start and bool(_DOTS_LINE.match(text[ls:start] + text[end:eol]))


# Latin candidates for Cyrillic and Greek letters inside Latin words: the transliteration first
# (LLM output switches script mid-word at token boundaries, so the sound is usually kept), then
# visual look-alikes.
_LOOKALIKE = {
    "а": "a", "б": "b", "в": "vb", "г": "gr", "д": "d", "е": "e", "ё": "e", "ж": "z", "з": "z",
    "и": "iu", "й": "i", "і": "i", "ј": "j", "к": "k", "л": "l", "м": "m", "н": "nh", "о": "o",
    "п": "pn", "р": "rp", "с": "sc", "ѕ": "s", "т": "tm", "у": "uy", "ф": "f", "х": "hx", "ц": "c",
    "ы": "y", "ь": "", "А": "A", "Б": "B", "В": "VB", "Г": "G", "Д": "D", "Е": "E", "З": "Z",
    "И": "IU", "І": "I", "Ј": "J", "К": "K", "Л": "L", "М": "M", "Н": "NH", "О": "O", "П": "P",
    "Р": "RP", "С": "SC", "Ѕ": "S", "Т": "T", "У": "UY", "Х": "HX",
    "α": "a", "β": "b", "ε": "e", "ι": "i", "κ": "k", "ν": "nv", "ο": "o", "ρ": "rp", "τ": "t",
    "υ": "uy", "χ": "x", "Α": "A", "Β": "B", "Ε": "E", "Ζ": "Z", "Η": "H", "Ι": "I", "Κ": "K",
    "Μ": "M", "Ν": "N", "Ο": "O", "Ρ": "P", "Τ": "T", "Υ": "Y", "Χ": "X",
}


def rare_characters(ctx: Context) -> frozenset[str]:
    """The characters of the file that some encoding rule looks for (look-alike scripts,
    invisible and control characters, U+FFFD, the first characters of damaged sequences), from
    one scan of the text; each rule then skips its own scan when none of its characters is
    there. Computed once per file."""
    return ctx.once("_news_rare", lambda c: frozenset(_rare_re().findall(c.text)))


_RARE_RE: re.Pattern | None = None

# ``mojibake.SCREEN_FIRST_CLASS`` (the first characters of damaged sequences, derived there from
# the code pages), written out: a file without any of them never imports the mojibake module
# (~40 ms of tables and expressions at start-up). tests/test_fast_paths.py checks that both
# classes hold the same characters.
SCREEN_FIRST_CLASS = ("\x80-\x9f¡¢£¤¥¦¨ª¬\xad¯±²³´¶¸¹º¼½¾¿ÂÃÄÅÆÇÈÉÊËÌÎÏÐÑÒÓÔÕ×ØÙÞâðÿĀĂĄĆĐđĞğĹŃŒœŖŗŸƒˆˇ˘˛˜˝ΓΩπ»"
                      "ЁЂЃЅЈЉЊЋЌЎЏџҐВ-Яā"
                      "‚†‡‰‹›⁄₧№∂∆∏∑√∞∫≈≠≤≥⌐─│┐├┤┬┼║╕╖╗╛╜╝╡╢╣╤╨░▒▓◊\uf8ffﬁﬂ"
                      "\u3000-\u9fff\uac00-\ud7af\uff00-\uffef")


def _rare_re() -> re.Pattern:
    global _RARE_RE
    if _RARE_RE is None:
        _RARE_RE = re.compile(f"[{SCREEN_FIRST_CLASS}{_FOREIGN.pattern[1:-1]}"
                              f"{''.join(_ALL_INVISIBLE)}{CONTROL_CLASS}\ufffd]")
    return _RARE_RE


def may_have_mojibake(ctx: Context) -> bool:
    """False when the file holds none of the characters damaged text starts with: then no text
    of it passes ``mojibake.quick_screen`` (whose first character class is SCREEN_FIRST_CLASS)."""
    rare = rare_characters(ctx)
    if not rare:
        return False
    from ..mojibake import screen_char

    return any(screen_char(c) for c in rare)


CONTROL_CLASS = "\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f"  # C0, C1 but tab, LF, CR


_WORD = re.compile(r"\w+")
_WORD_CHAR = re.compile(r"\w")
_FOREIGN = re.compile(r"[\u0370-\u03ff\u0400-\u04ff\u0600-\u06ff]")
_LATIN = re.compile(r"[A-Za-z\u00c0-\u024f]")
MAX_CANDIDATES = 256


def _latinised(word: str) -> list[tuple[int, str]]:
    """Latin spellings of ``word`` with how many second-choice letters each uses, best first."""
    pools: list[list[tuple[int, str]]] = []
    for c in word:
        if not _FOREIGN.match(c):
            pools.append([(0, c)])
            continue
        options = _LOOKALIKE.get(c)
        if options is None:
            return []
        pools.append([(i, o) for i, o in enumerate(options)] or [(0, "")])
    count = 1
    for p in pools:
        count *= len(p)
    if count > MAX_CANDIDATES:
        return []
    out = [(sum(r for r, _ in parts), "".join(o for _, o in parts)) for parts in itertools.product(*pools)]
    return sorted(out)


def _known(word: str, languages: tuple[str, ...]) -> float:
    from ..lexicon import zipf_frequency  # word lists compiled once, read a word at a time

    return max(zipf_frequency(word, lang) for lang in languages)


@rule("NL704", "mixed-script-word", WARNING, fix=UNSAFE)
def mixed_script_word(ctx: Context):
    """A Latin word with Cyrillic, Greek or Arabic letters inside (`videoplатforma`).

    **What it does.** Reports words that mix Latin letters with letters of those scripts: LLM
    output slips look-alike letters into Czech words.

    **Why.** The word looks right but is not found by search, spell checking or hyphenation.

    **Fix (unsafe).** Maps the foreign letters to Latin when the result is a known Czech or
    English word (wordfreq lists), preferring transliteration over visual look-alikes (LLMs
    switch script mid-word and keep the sound): `infrastrukтуру` → `infrastrukturu`,
    `Gооgle` → `Google`. A word the lists do not know (`videoplатforma`) is reported without a
    fix. Unsafe: the word list can know a wrong word too.
    """
    text = ctx.text
    if not any(_FOREIGN.match(c) for c in rare_characters(ctx)):
        return
    languages = tuple(dict.fromkeys([ctx.profile.category.language, "en"]))
    for m in _words_with(_FOREIGN, text):
        word = m.group()
        if not mixes_scripts(word):
            continue
        best = None
        for _, cand in _latinised(word):  # fewest look-alike substitutions first
            if _known(cand.lower(), languages) > 0:
                best = cand
                break
        fix = None
        message = f"'{word}' mixes Latin with {_script_names(word)} letters"
        if best is not None:
            fix = Fix.replace(m.start(), m.end(), best, f"write '{best}'", UNSAFE)
            message += f" (did you mean '{best}'?)"
        yield Problem(m.start(), m.end(), message, fix)


def mixes_scripts(word: str) -> bool:
    """Whether ``word`` (a ``\\w+`` run) mixes Latin letters with the Cyrillic, Greek or Arabic
    letters ``mixed-script-word`` reports: other rules leave such a word to it."""
    return bool(_FOREIGN.search(word) and _LATIN.search(word))


def _words_with(letters: re.Pattern, text: str):
    """The ``_WORD`` matches that hold a character of ``letters``, in order: found from those
    characters (rare), not by looking at every word of the text."""
    done = 0
    for f in letters.finditer(text):
        i = f.start()
        if i < done or not _WORD_CHAR.match(text, i):
            continue  # in a word already seen, or not a word character
        start = i
        while start > done and _WORD_CHAR.match(text, start - 1):
            start -= 1
        m = _WORD.match(text, start)
        done = m.end()
        yield m


def _script_names(word: str) -> str:
    names = set()
    for c in word:
        if "\u0400" <= c <= "\u04ff":
            names.add("Cyrillic")
        elif "\u0370" <= c <= "\u03ff":
            names.add("Greek")
        elif "\u0600" <= c <= "\u06ff":
            names.add("Arabic")
    return "/".join(sorted(names))


@rule("NL705", "line-endings", WARNING, fix=SAFE)
def line_endings(ctx: Context):
    """Line endings are CRLF, or mixed.

    **What it does.** With `line-endings = "auto"` (the default) only a mixed file is reported:
    the minority style is wrong; with `"lf"` every CR LF is reported; with `"crlf"` every bare LF.
    Reported once per file, at the first offending line, with the count. (By default a file that
    is consistently CRLF is left as it is: fixes never change line endings on their own.)

    **Why.** Mixed endings make every diff noisy; the site's generator writes LF.

    **Fix (safe).** Rewrites the offending line breaks to the expected style.

    **Options.** `line-endings`: `auto` (default), `lf`, `crlf`.
    """
    text = ctx.text
    if "\r\n" not in text and ctx.profile.line_endings != "crlf":
        return
    crlf = [m.start() for m in re.finditer("\r\n", text)]
    lf_total = text.count("\n")
    bare = [m.start() for m in re.finditer("(?<!\r)\n", text)]
    style = ctx.profile.line_endings
    if style == "auto":
        style = "crlf" if len(crlf) * 2 > lf_total else "lf"
    if style == "lf" and crlf:
        edits = tuple(Edit(i, i + 2, "\n") for i in crlf)
        what, n, first = "CRLF", len(crlf), crlf[0]
    elif style == "crlf" and bare:
        edits = tuple(Edit(i, i + 1, "\r\n") for i in bare)
        what, n, first = "LF", len(bare), bare[0]
    else:
        return
    want = "LF" if style == "lf" else "CRLF"
    yield Problem(first, first, f"{n} line(s) end with {what}; expected {want}",
                  Fix(edits, SAFE, f"convert {n} line ending(s) to {want}"))


@rule("NL706", "unicode-normalization", WARNING, fix=SAFE)
def unicode_normalization(ctx: Context):
    """Text that is not in Unicode normalisation form C (NFC).

    **What it does.** Reports each line that changes under NFC (a letter written as base letter +
    combining accent, as macOS file names and some editors produce).

    **Why.** `č` and `c` + `̌` look the same but do not compare, search or slug the same.

    **Fix (safe).** Rewrites the line in NFC; nothing visible changes.
    """
    text = ctx.text
    if text.isascii() or unicodedata.is_normalized("NFC", text):
        return
    pos = 0
    for line in text.splitlines(keepends=True):
        if not unicodedata.is_normalized("NFC", line):
            nfc = unicodedata.normalize("NFC", line)
            # the smallest differing span
            s = 0
            while s < min(len(line), len(nfc)) and line[s] == nfc[s]:
                s += 1
            e1, e2 = len(line), len(nfc)
            while e1 > s and e2 > s and line[e1 - 1] == nfc[e2 - 1]:
                e1 -= 1
                e2 -= 1
            yield Problem(pos + s, pos + e1, f"not NFC: '{line[s:e1]}' should be '{nfc[s:e2]}'",
                          Fix.replace(pos + s, pos + e1, nfc[s:e2], "normalise to NFC",
                                      priority=Priority.ENCODING))  # a text repair, like mojibake
        pos += len(line)


# --------------------------------------------------------------------------- file encoding


@rule("NL707", "not-utf8", ERROR, fix=SAFE)
def not_utf8(ctx: Context):
    """The file is not stored as UTF-8.

    **What it does.** A file that is not valid UTF-8 is decoded as UTF-16/32 when it has that
    byte-order mark, otherwise with the code page, among those a news pipeline plausibly writes
    (Windows-1250, ISO-8859-2, Windows-1252, Latin-1, Mac Roman, Windows-1254, Windows-1251,
    Windows-1257), whose reading makes the most words known to the word lists of its languages
    (charset-normalizer only breaks ties: alone it reads ISO-8859-2 as Windows-1250). The
    diagnostic names the encoding assumed. A file that is valid UTF-8 is never guessed at.

    **Why.** The site and every tool after it read UTF-8; anything else turns into mojibake.

    **Fix (safe).** Rewrites the file as UTF-8 (the text itself does not change; `--diff` notes
    the re-encoding). Check the guess in the message first when it says "guessed".
    """
    decoded = ctx.decoded
    if decoded is None or decoded.encoding == "utf-8":
        return
    how = "guessed from the words of each reading" if decoded.guessed else "from its byte-order mark"
    yield Problem(0, 0, f"file is not UTF-8: read as {decoded.encoding} ({how}); save it as UTF-8",
                  Fix((), SAFE, f"rewrite the file as UTF-8 (was {decoded.encoding})",
                      storage=Storage(encoding="utf-8", bom=False)))


@rule("NL708", "bom", WARNING, fix=SAFE)
def bom(ctx: Context):
    """The file starts with a UTF-8 byte-order mark (BOM).

    **What it does.** Reports the bytes EF BB BF at the start of a UTF-8 file.

    **Why.** The front matter must start with `---` on the very first line; many static-site
    generators and YAML tools do not skip a BOM, and the article loses its metadata.

    **Fix (safe).** Removes the BOM; nothing else changes.
    """
    if ctx.decoded is not None and ctx.decoded.bom and ctx.decoded.encoding == "utf-8":
        yield Problem(0, 0, "UTF-8 byte-order mark at the start of the file",
                      Fix((), SAFE, "remove the byte-order mark", storage=Storage(bom=False)))


# --------------------------------------------------------------------------- mojibake


@rule("NL701", "mojibake", ERROR, fix=SAFE)
def mojibake(ctx: Context):
    """Mojibake: UTF-8 text that was decoded with the wrong code page (`mezinÃ¡rodnÃ vztahy`).

    **What it does.** Reads the raw text, whether or not the front matter parses as YAML (raw C1
    controls, which YAML refuses, are damage too): every front-matter value (escapes decoded,
    folded lines joined) and every body paragraph. Reports **one diagnostic per damaged field
    and per damaged body paragraph**, spanning its damaged runs, with the code page that caused
    it (Windows-1252, -1250, -1254, Latin-1, Mac Roman; also two rounds of damage), how many
    sequences and how many of them lost bytes, and the repaired text once. Clean text costs one
    regular-expression scan; text inside Markdown code spans and fenced code blocks is never
    touched.

    **Why.** Mojibake makes the article unreadable, and it spreads: into slugs, file names,
    search indexes.

    **Example.** `category: mezinÃ¡rodnÃ vztahy` → `mezinárodní vztahy`; `## KlÃÄovÃ© body` →
    `## Klíčové body`; `Chinaâ\\x80\\x99s` → `China’s`.

    **Fix.** One fix per diagnostic, one exact edit per damaged run (in a double-quoted value
    the escapes `â\\x80\\x99` are replaced by `’`); nothing else of the file changes. Safe when
    the repair is lossless (the bytes are all there: an exact re-decoding), and safe for bytes
    the damage dropped when the word model's best reconstruction wins by a clear margin (see
    `mdlint_news/mojibake/`: word frequencies of the field's language from wordfreq, a casing
    prior, quote context). A doubtful run is listed with its candidates and left alone. The
    edited front matter must read back the repaired values (a line break, tab, trailing blank
    or BOM a style cannot hold): else the value is written whole as a double-quoted scalar with
    escapes, or the fix is refused (display-only, the message says why).

    **Options.** `languages` (profile): the language of each field and of the body.
    """
    # skipped when the text passes the screen and the front matter has no escapes (a value is
    # then its text, with at most line breaks folded into spaces: nothing the screen could see)
    if not may_have_mojibake(ctx) and "\\" not in ctx.doc.yaml_text:
        return
    from ..textrepair import scan

    for damage in scan(ctx.text, ctx.profile.languages):
        yield _damage_problem(damage)


STR_TAG = "tag:yaml.org,2002:str"


def _visible(s: str) -> str:
    """Control characters written as escapes, so that a message shows what is there."""
    return "".join("\\n" if c == "\n" else f"\\x{ord(c):02x}" if unicodedata.category(c) == "Cc"
                   else c for c in s)


def _describe(d) -> str:
    """The hypothesis: code page(s), sequences, lost bytes, rounds."""
    lost = f", {d.lossy} with lost bytes" if d.lossy else ""
    rounds = "; two rounds" if d.rounds > 1 else ""
    n = d.sequences
    return (f"UTF-8 read as {'/'.join(d.encodings)}{rounds}; "
            f"{n} sequence{'s' if n != 1 else ''}{lost}")


def _damage_problem(d) -> Problem:
    where = f"'{d.label}'" if d.path is not None else d.label
    message = f"mojibake in {where}: {_describe(d)}"
    if d.edits and not d.refused:
        message += f"; repaired: '{_visible(d.repaired)}'"
    for e in d.doubtful:
        options = ", ".join(f"'{_visible(c)}'" for c in e.candidates[:4]) or f"'{_visible(e.replacement)}'"
        message += f"; '{_visible(e.original)}' is damaged (bytes lost), candidates: {options}"
    if d.refused:
        message += f"; not fixed: {d.refused} (would write '{_visible(d.repaired)}')"
    return Problem(d.start, d.end, message, _run_fix(d))


def _run_fix(d) -> Fix | None:
    """The confident edits as one safe fix; a display-only one when there is nothing safe."""
    if d.edits and not d.refused:
        edits = tuple(Edit(e.start, e.end, e.content) for e in d.edits)
        return Fix(edits, SAFE, f"write '{_visible(d.repaired)}'", Priority.ENCODING)
    shown = d.edits if d.refused else d.doubtful
    if not shown:
        return None
    edits = tuple(Edit(e.start, e.end, e.content) for e in shown)
    return Fix(edits, DISPLAY_ONLY, "perhaps " + ", ".join(f"'{_visible(e.replacement)}'" for e in shown))
