"""Characters: lost data, invisible characters, look-alike letters, line endings, normalisation (NL7xx)."""

from __future__ import annotations

import itertools
import re
import unicodedata

from ..diagnostics import Edit, Fix
from .base import ERROR, SAFE, UNSAFE, WARNING, Context, Problem, rule

_FFFD = re.compile("\ufffd+")


@rule("NL702", "replacement-character", ERROR)
def replacement_character(ctx: Context):
    """The text contains U+FFFD, the replacement character `�`.

    **What it does.** Reports every run of `�` in the file.

    **Why.** Some program already failed to decode these bytes and replaced them: the original
    characters are lost and cannot be recovered from this file.

    **Fix.** None: restore the text from the source.
    """
    for m in _FFFD.finditer(ctx.text):
        yield Problem(m.start(), m.end(), f"{len(m.group())} replacement character(s) '\ufffd': "
                      "the original text was lost when it was decoded; restore it from the source")


# Characters that never belong in news copy. ZWJ/ZWNJ are legitimate inside emoji sequences and
# in scripts that use them, so they are flagged only between two Latin letters.
_INVISIBLE = {
    "\u200b": "zero-width space", "\u2060": "word joiner", "\ufeff": "zero-width no-break space",
    "\u180e": "Mongolian vowel separator", "\u00ad": "soft hyphen", "\u200e": "left-to-right mark",
    "\u200f": "right-to-left mark", "\u202a": "bidi embedding", "\u202b": "bidi embedding",
    "\u202c": "bidi pop", "\u202d": "bidi override", "\u202e": "bidi override",
    "\u2066": "bidi isolate", "\u2067": "bidi isolate", "\u2068": "bidi isolate",
    "\u2069": "bidi isolate",
}
_JOINERS = {"\u200c": "zero-width non-joiner", "\u200d": "zero-width joiner"}
_INVISIBLE_RE = re.compile("[" + "".join(_INVISIBLE) + "".join(_JOINERS) + "]+")


def _latin_letter(ch: str) -> bool:
    return ch.isalpha() and ord(ch) < 0x250


@rule("NL703", "invisible-character", WARNING, fix=SAFE)
def invisible_character(ctx: Context):
    """Invisible characters: zero-width spaces, word joiners, stray soft hyphens, bidi controls.

    **What it does.** Reports U+200B, U+2060, U+FEFF (not at the start of the file), U+180E,
    U+00AD, the bidi marks and controls, and zero-width joiners/non-joiners between two Latin
    letters. Joiners inside emoji sequences (👩‍💻) and in scripts that need them are left
    alone, and so is the no-break space (after Czech one-letter prepositions it is correct
    typography).

    **Why.** They break search, slugs and word counts, and bidi controls can make text display
    differently from what it is.

    **Fix (safe).** Removes them.
    """
    text = ctx.text
    for m in _INVISIBLE_RE.finditer(text):
        run = m.group()
        if m.start() == 0 and run.startswith("\ufeff"):
            continue  # a BOM is rule `bom`'s business
        if all(c in _JOINERS for c in run):
            before = text[m.start() - 1] if m.start() else ""
            after = text[m.end()] if m.end() < len(text) else ""
            if not (_latin_letter(before) and _latin_letter(after)):
                continue
        names = ", ".join(sorted({(_INVISIBLE.get(c) or _JOINERS[c]) + f" U+{ord(c):04X}" for c in run}))
        yield Problem(m.start(), m.end(), f"invisible character: {names}",
                      Fix.replace(m.start(), m.end(), "", "remove the invisible character(s)"))


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
_WORD = re.compile(r"\w+")
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
    from wordfreq import zipf_frequency  # lazy: loaded only when a mixed-script word exists

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
    if not _FOREIGN.search(text):
        return
    languages = tuple(dict.fromkeys([ctx.profile.category.language, "en"]))
    for m in _WORD.finditer(text):
        word = m.group()
        if not (_FOREIGN.search(word) and _LATIN.search(word)):
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
                          Fix.replace(pos + s, pos + e1, nfc[s:e2], "normalise to NFC"))
        pos += len(line)
