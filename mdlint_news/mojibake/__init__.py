"""Find and repair mojibake: UTF-8 text that was decoded with the wrong single-byte code page.

One YAML string value or one Markdown body line at a time; pure functions of their input (the
word lists are read through ``lexicon.py``). How it works: docs/encoding-engine.md; the code
pages: docs/encoding-hypotheses.md; languages: docs/encoding-languages.md."""

from __future__ import annotations

import collections
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from typing import Iterable, Sequence

from .codepages import ALL_CONTS, char_class, CODEPAGES, ENCODINGS, quick_screen, screen_char, SCREEN_FIRST_CLASS
from .languages import cjk_lang, detect_language, language_model, LineLanguage
from .resolution import analyze_line, MARGIN
from .hypotheses import (
    CODE_SPAN_RE, dropped_leads, dropped_residues, in_word, masked_spans, script_of, STRIPPED, STRIPPED_LEADS,
    stripped_residues, stripped_signs,
)
from .scoring import article_hints, HINTS, symbol_prior

__all__ = [
    "ENCODINGS",
    "ftfy_config",
    "MARGIN",
    "Repair",
    "SCREEN_FIRST_CLASS",
    "apply_repairs",
    "article_hints",
    "find_mojibake",
    "quick_screen",
    "repair_text",
    "screen_char",
    "article_shape",
    "text_language",
]


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
    """The ftfy configuration used on damaged runs: encoding repair only (docs/encoding-engine.md)."""
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


def _ftfy_check(original: str, replacement: str) -> str:
    """Let ftfy repair a lossless run; keep its answer only where ours still looks damaged."""
    if not quick_screen(replacement):
        return replacement
    try:
        import ftfy
    except ImportError:  # pragma: no cover - ftfy is a dependency
        return replacement
    fixed = ftfy.fix_text(original, ftfy_config())
    if fixed == original or len(fixed) > len(replacement) or analyze_line(fixed, LineLanguage(None), ENCODINGS)[0]:
        return replacement
    # ftfy reads "Âť" (» in ISO-8859-2) as Windows-1250 with C1 controls kept: a control is no answer
    if any(unicodedata.category(c) == "Cc" for c in fixed):
        return replacement
    return fixed if analyze_line(replacement, LineLanguage(None), ENCODINGS)[0] else replacement


def find_mojibake(
    text: str,
    language: str | None = "cs",
    *,
    encodings: Sequence[str] | None = None,
    hints: frozenset[str] = frozenset(),
    shape: str | None = None,
) -> list[Repair]:
    """Non-overlapping damaged runs in ``text`` (one YAML string value or one body line), sorted.

    ``language`` is a wordfreq language code for the lost-byte model, a prior: the undamaged words
    around the damage decide (``None``: no prior). ``encodings`` restricts the code pages
    considered (default: all of ``ENCODINGS``), e.g. to what the rest of the document showed.
    ``hints``: characters known to be in the article (``article_hints`` of the whole file); a
    symbol with a lost byte that is one of them wins over the other readings.
    ``shape``: what the whole article shows (``article_shape``). ``STRIPPED_SHAPE``, UTF-8 read as
    Latin-1 with every C1 control stripped: a line is also examined for a lone lead that lost its
    continuations (``â`` of ``’``), and a damaged sequence no reading explains (an emoji that lost
    two bytes, ``ð¥``; a capital that lost its second byte, ``KRITICKÃ``) is reported, with the
    characters it can have been. ``DROPPED_1257``, read as Windows-1257 with its undefined bytes
    dropped: a symbol that lost bytes (``š’`` is 💡) is reported so. Such a residue is repaired
    only when one character can have left it, or ``hints`` holds just one of them.
    """
    stripped = shape == STRIPPED_SHAPE
    residues = _RESIDUE_SCREEN.get(shape)
    if not quick_screen(text) and not (residues and residues.search(text)):
        return []
    encs = tuple(encodings) if encodings else ENCODINGS
    out: list[Repair] = []
    offset = 0
    token = HINTS.set(frozenset(hints))
    token_stripped = STRIPPED.set(stripped)
    try:
        for line in text.split("\n"):
            residual = bool(residues and residues.search(line))
            found = _repairs_of_line(line, offset, language, encs) if quick_screen(line) or \
                (stripped and residual) else []
            if residual:
                found = _with_residues(line, offset, found, hints, shape)
            if len(found) > 1:
                found = _with_cjk_gaps(line, offset, found)
            out.extend(found)
            offset += len(line) + 1
    finally:
        HINTS.reset(token)
        STRIPPED.reset(token_stripped)
    return out


#: The article shapes ``article_shape`` tells (``find_mojibake``'s ``shape``).
STRIPPED_SHAPE = "latin-1 C1 stripped"
DROPPED_1257 = "windows-1257 undefined dropped"
_SHAPE_PAGE = {STRIPPED_SHAPE: "latin-1", DROPPED_1257: "windows-1257"}  # the page each shape reads
_RESIDUE_SCREEN = {STRIPPED_SHAPE: re.compile(f"[{STRIPPED_LEADS}]"),
                   DROPPED_1257: re.compile(dropped_leads(_SHAPE_PAGE[DROPPED_1257]))}
_LATIN1_FAMILY = frozenset({"windows-1252", "latin-1"})
# Windows-1257 reads the leads C2 C3 as Ā Ć; before what it reads a continuation as (not a quote,
# nor « »), or Ä Å (C4 C5) before a continuation only it has (8D 8E 8F 9D 9E: ¨ ˇ ¸ ¯ ˛; A8 AA AF
# B8 BA BF: Ø Ŗ Æ ø ŗ æ), inside a word, they are its damage ("kavĆ©" is é, "Ä¨" č; not "BYĆ”",
# "MODRIĆ’S"); no C1 control nor U+FFFD: its undefined bytes dropped.
_1257_SIGN = in_word("[\u0100\u0106][\u00a1-\u00aa\u00ac-\u00ba\u00bc-\u00bf]"
                     "|[\u00c4\u00c5][\u00a8\u02c7\u00b8\u00af\u02db\u00d8\u0156\u00c6\u00f8\u0157\u00e6]")
_KEPT = re.compile("[\x80-\x9f\ufffd]")
_QUOTES = frozenset("\u2018\u2019\u201a\u201c\u201d\u201e")
_FENCE_RE = re.compile(r"(?ms)^[ \t]{0,3}(`{3,}|~{3,}).*?^[ \t]{0,3}\1[ \t]*$")


def _without_code(text: str) -> str:
    """``text`` without what Markdown shows as code, where damage is shown on purpose: fenced
    blocks, code spans, and lines indented by four spaces or a tab after a blank line (an
    indented block; not a YAML value's continuation, which follows its key)."""
    if "`" in text or "~~~" in text:
        text = "\n".join(CODE_SPAN_RE.sub("", line) for line in _FENCE_RE.sub("", text).split("\n"))
    if "\n    " not in text and "\n\t" not in text:
        return text
    out, blank, code = [], True, False
    for line in text.split("\n"):
        code = line.startswith(("    ", "\t")) and (blank or code)
        blank = not line.strip()
        if not code:
            out.append(line)
    return "\n".join(out)


def article_shape(text: str, language: str | None = None, lines: int = 6) -> str | None:
    """What a whole article (``text``) shows of its damage that a line alone may not:
    ``STRIPPED_SHAPE``, UTF-8 read as Latin-1 with every C1 control stripped (its signs,
    ``hypotheses.stripped_signs``, and no line among the first ``lines`` that look damaged is,
    read alone, the lossless damage of another code page: "‚Ä¶" is Mac Roman's "…", "Ä¨"
    Windows-1257's "č", "ğŸ“°" Windows-1254's 📰, their leads and continuations are the stripped
    shape's signs too); ``DROPPED_1257``, read as Windows-1257 with its undefined bytes dropped
    (two of its signs, ``_1257_SIGN``, or a symbol's residue that kept more than a quote, which
    counts twice; no C1 control nor U+FFFD; Windows-1257 a page those lines are read in
    losslessly, if any is left: what it reads as Windows-1252 does, is credited to that page,
    Latvian "Ä«" for ī); None otherwise. What the shapes leave of punctuation is no
    sign (clean text holds "litera â", „š“): when a fix would leave no sign,
    textrepair._hides_shape writes nothing while residues stay in doubt."""
    text = _without_code(text)
    stripped = stripped_signs(text)
    # (a symbol's residue that kept a continuation other than a quote, "š€" for 🚀, counts as
    # two: after a fix it may be all that shows the shape; "„š“" is a Lithuanian letter quoted)
    dropped = not _KEPT.search(text) and len(_1257_SIGN.findall(text)) + 2 * sum(
        1 for s, e, _ in dropped_residues(text, [], _SHAPE_PAGE[DROPPED_1257]) if set(text[s + 1:e]) - _QUOTES) >= 2
    if not (stripped or dropped):
        return None
    pages: collections.Counter = collections.Counter()
    seen = 0
    for line in text.split("\n"):
        if seen >= lines:
            break
        if quick_screen(line):
            seen += 1
            pages.update(r.encoding for r in find_mojibake(line, language) if r.lossless)
    if stripped and not set(pages) - _LATIN1_FAMILY:
        return STRIPPED_SHAPE
    return DROPPED_1257 if dropped and (not pages or pages[_SHAPE_PAGE[DROPPED_1257]]) else None


def _with_residues(line: str, offset: int, found: list[Repair], hints: frozenset[str], shape: str) -> list[Repair]:
    """``found`` (the repairs of ``line``) and the damaged sequences no repair explains
    (``stripped_residues``, ``dropped_residues``), as doubtful repairs that keep the text, in
    line order. A symbol that one character alone can have left, or whose readings hold exactly
    one character of ``hints``, is that one, surely."""
    covered = sorted([(r.start - offset, r.end - offset) for r in found] + masked_spans(line))
    page = _SHAPE_PAGE[shape]
    residues = stripped_residues(line, covered) if shape == STRIPPED_SHAPE else \
        dropped_residues(line, covered, page)
    extra = []
    for s, e, readings in residues:
        original = line[s:e]
        if readings and all(unicodedata.category(c) == "So" for c in readings):
            readings = tuple(sorted(readings, key=lambda c: -symbol_prior(c)))
            known = [c for c in readings if c in hints]
            sure = known if len(known) == 1 else readings if len(readings) == 1 else ()
            if sure:
                extra.append(Repair(offset + s, offset + e, original, sure[0], page, False, True, (sure[0],)))
                continue
        extra.append(Repair(offset + s, offset + e, original, original, page, False, False,
                            readings[:4] or (original,)))
    return sorted(found + extra, key=lambda r: r.start) if extra else found


def _with_cjk_gaps(line: str, offset: int, found: list[Repair]) -> list[Repair]:
    """``found`` and, as doubtful runs that keep the text, the lone leads of a CJK or Hangul
    character (E3-ED) between two repairs that end and start with CJK: such a character lost both
    continuations (后, E5 90 8E, is a lone "å" through Windows-1254 with 90 and 8E dropped), which
    no reading explains. Found with its neighbours, it is reported, and they are not fixed
    without it (textrepair._hides_residue): repaired, they would leave "背å工" as clean text."""
    extra = []
    for r1, r2 in zip(found, found[1:]):
        s = r1.end - offset
        if r2.start - r1.end != 1 or line[s] not in _CJK_LEADS:
            continue
        if script_of(r1.replacement[-1:] or " ") == "CJK" and script_of(r2.replacement[:1] or " ") == "CJK":
            lm = language_model(cjk_lang(r1.replacement + r2.replacement))
            readings = sorted(_two_lost(r1.encoding, line[s]), key=lambda c: -lm.zipf(c))
            extra.append(Repair(r1.end, r1.end + 1, line[s], line[s], r1.encoding, False, False,
                                tuple(readings[:4])))
    return sorted(found + extra, key=lambda r: r.start) if extra else found


@lru_cache(maxsize=256)
def _two_lost(page: str, lead: str) -> tuple[str, ...]:
    """The CJK and Hangul characters of ``lead`` (a 3-byte lead read through ``page``) whose two
    continuations are bytes the page can lose; the lead itself when none."""
    cp = CODEPAGES.get(page.split("/")[0])
    if cp is None or lead not in cp.byte_of:
        return (lead,)
    out = []
    for a in cp.lost:
        for b in cp.lost:
            try:
                c = bytes([cp.byte_of[lead], a, b]).decode("utf-8")
            except UnicodeDecodeError:
                continue
            if script_of(c) == "CJK":
                out.append(c)
    return tuple(out) or (lead,)


# A repair that still holds the lead of a CJK or Hangul character (E3-ED) and two continuations
# may be a layer of mojibake whose characters are all frequent ones ("ă€Ś" is 「 in Windows-1250,
# "ěś\u00a0" is 유), which the screen of the repaired line does not see. (Not any lead: a repaired
# "à\u00a0»" is not Samaritan, nor Mac Roman's "“Ç" Cyrillic.)
_CJK_LEADS = {c for cp in CODEPAGES.values() for c, b in cp.byte_of.items() if 0xE3 <= b <= 0xED}
_LEAD_CONT = re.compile(f"{char_class(_CJK_LEADS)}{char_class(ALL_CONTS)}{{2}}")


def _repairs_of_line(line: str, offset: int, language: str | None, encs) -> list[Repair]:
    res, lang = analyze_line(line, LineLanguage(language), encs)
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
        layered = quick_screen(line1) or any(_LEAD_CONT.search(rep) for rep in reps)
        # the repaired line settles its language again: the first layer's undamaged words may be
        # none at all (a Korean name read twice leaves only "(" and ")")
        inner, lang = _inner_layer(line1, language, encs) if layered else (None, lang)
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


def _inner_layer(line: str, language: str | None, encs):
    """``analyze_line`` of a line with a layer of repairs applied; no lone lead of it is a
    stripped one ("Ã¢" is "â", of "âge", not a lead that lost its bytes)."""
    token = STRIPPED.set(False)
    try:
        return analyze_line(line, LineLanguage(language), encs)
    finally:
        STRIPPED.reset(token)


def text_language(text: str) -> str | None:
    """The main language of the undamaged words of a longer text (its first 4,000 characters):
    the prior for a short value of the same article that names none, whose own words cannot
    tell ("KRITICKÃ" alone: Czech KRITICKÁ that lost 0x81). None when it has no word."""
    lang = detect_language(text[:4000])
    return lang.split("+")[0] if lang else None


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
