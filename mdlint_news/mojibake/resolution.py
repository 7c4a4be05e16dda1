"""One line, every code page: the reading that explains the line best, as runs to repair.

``analyze_cp`` reads a line in one code page (slots, evidence, lossy groups, confidence);
``analyze_line`` chooses among the code pages and breaks their ties.
Design: docs/encoding-engine.md."""

from __future__ import annotations

import math
import re
import unicodedata
from typing import Sequence

from .codepages import CodePage, CODEPAGES, FILL
from .hypotheses import (
    cjk_lead, COMMON_SCRIPTS, find_slots, line_lost_bytes, lonely_script, masked_spans, plausible_lost,
    plausible_text, redecode, script_of, shifted_slot, Slot
)
from .languages import detect_language, LangModel, language_model, line_language, supported
from .scoring import CASE_PENALTY, CJK_MARGIN, is_wordish
from .groups import make_groups, repaired_map, resolve_group
from .evidence import becomes_word, group_becomes_word, is_weak, rare_decoded, runs_of, undamaged_scripts


#: Minimum score difference (Zipf units) for a lossy repair to be ``confident``.
MARGIN = 1.0


class _RunOut:
    __slots__ = ("start", "end", "replacement", "lossless", "confident", "candidates", "rounds", "encoding")

    def __init__(self, start, end, replacement, lossless, confident, candidates, rounds=1, encoding=None):
        self.start, self.end = start, end
        self.rounds = rounds
        self.encoding = encoding
        self.replacement, self.lossless = replacement, lossless
        self.confident, self.candidates = confident, candidates


class _LineResult:
    __slots__ = ("cp", "runs", "key")

    def __init__(self, cp, runs, key):
        self.cp, self.runs, self.key = cp, runs, key


_BLANK = "\ufffd"  # where a lossy slot was (``_apply_fixed(blank_lossy=True)``)
_DAMAGED_WORD = re.compile(r"\w*\ufffd[\w\ufffd]*")


def _fragment(m: re.Match) -> str:
    """What is left of a word that lost a byte, for language detection: its letters if it has
    letters no ASCII word has ("Klí" of "Klíčové": Czech í), else nothing ("KRITICK" of
    "KRITICKÁ" is no word in any language and would count against the profile's)."""
    return " " if m.group().replace(_BLANK, "").isascii() else m.group()


def _apply_fixed(line: str, slots: list[Slot], fixed: dict[int, str], blank_lossy: bool = False) -> str:
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


def _analyze_cp(line: str, cp: CodePage, masked, lang_ref: list, floor: int = 0) -> _LineResult | None:
    """``floor``: a reading must explain at least this many characters to matter (``analyze_line``)."""
    slots = find_slots(line, cp, masked)
    if not slots:
        return None
    lost, nbsp, compatible, stripped = line_lost_bytes(line, cp, slots)
    # a U+FFFD stands for an undefined byte of any compatible code page
    fill = sorted(set().union(*(CODEPAGES[name].undefined for name in compatible))) if FILL in line else None
    if any(not s.lossless for s in slots) and (set(lost) != set(cp.lost) or nbsp != cp.nbsp_space or fill):
        slots = find_slots(line, cp, masked, lost, nbsp, stripped, fill)
        if not slots:
            return None
    if floor and sum(s.end - s.start for s in slots) < floor:
        return None  # its slots cannot explain as much of the line: it can neither win nor tie
    # 1. lossless runs: plausibility
    fixed: dict[int, str] = {}
    inner_rounds: dict[int, int] = {}
    keep: list[Slot] = []
    for run in runs_of([s for s in slots if s.lossless]):
        dec = "".join(s.options[0] for s in run)
        # the characters around the run only: slicing the line's rest is quadratic on a long line
        before = line[max(0, run[0].start - 1):run[0].start]
        after = line[run[-1].end:run[-1].end + 1]
        if plausible_text(dec, before, after):
            for s in run:
                fixed[s.start] = s.options[0]
            keep.extend(run)
            continue
        # a second layer: the decoded run holds C1 controls of a sloppy code page (Ä\x8d), so it is
        # itself mojibake; it must decode completely, in one code page, to plausible text
        dec2 = redecode(dec)
        if dec2 is not None and plausible_text(dec2, before, after):
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
            if not plausible_text(o2, before, after) or not plausible_lost(o2, before, after):
                continue
            if lonely_script(o2, before, after):
                if scripts is None:
                    scripts = {script_of(c) for c in _apply_fixed(line, keep, fixed, blank_lossy=True)}
                if not all(script_of(c) in COMMON_SCRIPTS or script_of(c) in scripts for c in o2):
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

    def model() -> LangModel:
        nonlocal lm
        if lm is None:
            clean = _DAMAGED_WORD.sub(_fragment, _apply_fixed(line, keep, fixed, blank_lossy=True))
            if lang_ref[0] is None:
                lang_ref[0] = detect_language(clean)
            elif not lang_ref[1]:
                lang_ref[0] = line_language(clean, lang_ref[0])
            lang_ref[1] = True
            lm = language_model(supported(lang_ref[0]))
        return lm

    # 3. strong evidence from lossless runs
    lossless_runs = runs_of([s for s in keep if s.lossless])
    undamaged = undamaged_scripts(line, slots)
    strong = []
    weak = []
    for run in lossless_runs:
        dec = "".join(fixed[s.start] for s in run)
        if all(unicodedata.category(c).startswith("M") for c in dec):
            weak.append(run)  # only combining marks: Mac Roman reads Czech mojibake this way
        elif lonely_script(dec, line[run[0].start - 1:run[0].start], line[run[-1].end:run[-1].end + 1]):
            weak.append(run)  # one Cyrillic, Greek, ... letter among Latin text
        elif is_weak(line, run, dec, undamaged):
            weak.append(run)
        else:
            strong.append(run)
    evidence = bool(strong)
    # A 3-byte lead other than E2 with one continuation ("ã€", "ç·") is also an ordinary letter
    # before punctuation in clean text ("café»"): it is kept only with a strong lossless run on
    # the line (the rest of a damaged CJK line always provides one).
    def beside_cjk(s: Slot) -> bool:
        b = fixed_end.get(s.start, line[s.start - 1:s.start])[-1:]
        a = fixed_start.get(s.end, line[s.end:s.end + 1])[:1]
        return (bool(b) and script_of(b) == "CJK") or (bool(a) and script_of(a) == "CJK")

    if not strong:
        keep = [s for s in keep if s.lossless or not cjk_lead(cp, line[s.start]) or beside_cjk(s)]
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
        if not cjk_lead(cp, lead) and (len(present) >= 2 or any(not c.isalpha() and c != "\xa0" for c in present)):
            evidence = True
        elif beside_cjk(s):
            evidence = True
        elif (lead.isupper() and s.start > 0 and line[s.start - 1].islower() and not s.space
              and s.end < len(line) and line[s.end].islower()):
            evidence = True

    # 4. weak runs: accepted with evidence, or when they make an unknown word known
    accepted: list[Slot] = [s for run in strong for s in run]
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
        while a > 0 and is_wordish(line[a - 1]):
            a -= 1
        while b < len(line) and is_wordish(line[b]):
            b += 1
        inside = [s for s in lossless_keep if a <= s.start and s.end <= b]
        rep = _apply_fixed(line[a:b], [shifted_slot(s, -a) for s in inside], {k - a: v for k, v in fixed.items()})
        if becomes_word(line[a:b], rep, model()):
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
        groups = make_groups(line, keep)
        context = repaired_map(line, keep, fixed)
        word_ok = False
        group_out = []
        for g in groups:
            lossy, res = resolve_group(line, g, fixed, m, context)
            if not lossy or not res:
                continue
            group_out.append((g, lossy, res))
            best_score, best_choice = res[0]
            lossy_score += best_score
        # acceptance of lossy slots
        if not evidence:
            for g, lossy, res in group_out:
                if group_becomes_word(line, g, lossy, res, fixed, m):
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
                                        margin >= (CJK_MARGIN if cjk_lead(cp, line[s.start]) else MARGIN))
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
    pieces: list[list[Slot]] = []
    for run in runs_of(accepted):
        cur: list[Slot] = []
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
        enc = next((name for name in compatible if assumed <= CODEPAGES[name].undefined), cp.name)
        runs.append(_RunOut(run[0].start, run[-1].end, rep, False, confident, tuple(cands[:5]), rounds, enc))
    covered_lossless = sum(s.end - s.start for s in accepted if s.lossless)
    covered_lossy = sum(s.end - s.start for s in accepted if not s.lossless)
    key = (covered_lossless + covered_lossy, covered_lossless, -sum(rare_decoded(r.replacement) for r in runs), lossy_score)
    return _LineResult(cp, runs, key)


def analyze_line(line: str, lang_ref: list, encodings: Sequence[str]) -> _LineResult | None:
    masked = masked_spans(line)
    results = []
    floor = 0  # characters the best reading so far explains (``_LineResult.key[0]``)
    for name in encodings:
        # A code page whose slots cover fewer characters than a reading before it explains can
        # neither be the best nor tie it (below): it is not resolved, once the line's language
        # is settled (the first code page that needs the language model settles it: skipping
        # it before would let another code page's reading of the line settle it).
        res = _analyze_cp(line, CODEPAGES[name], masked, lang_ref, floor if lang_ref[1] else 0)
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
    lang = lang_ref[0] or detect_language(line)
    if not lang_ref[1]:  # no code page needed the model yet: the undamaged words decide
        lang = line_language(line, lang)
    lm = language_model(supported(lang))
    scores = [(sum(lm.zipf(w) > 0 for w in words), sum(lm.zipf(w) for w in words)) for words in readings]
    # words the model knows do not decide: their letters do, in the line's language, then in the
    # language its undamaged words are most likely in (a Portuguese line under a Czech prior); only
    # between lossless readings (lost bytes have their own score, and their doubt is kept)
    lossless = all(run.lossless for r in tied for run in r.runs)
    for other in (lm, None) if lossless else ():
        if scores.count(max(scores)) < 2:
            break
        other = other or language_model(supported(detect_language(line)))
        scores = [sc + (_letters_score(line, r.runs, other) if sc == max(scores) else -math.inf,)
                  for sc, r in zip(scores, tied)]
    return tied[scores.index(max(scores))]


def _letters_score(line: str, runs: list[_RunOut], lm: LangModel) -> float:
    """How well the characters the runs write read as the language's letters in their context:
    ``gap_logp`` per letter (a letter of a script no other letter of the line has, as Tagbanwa ᝊ
    for Vietnamese ứ through Windows-1250, counts as unknown), a capital inside a lowercase word
    (``matÊriel``), a control character (a C1 control for ``»``), a combining mark (``termin̩``)
    and a sign between letters (``kor÷bbi``) as the worst case."""
    text, marks = _with_runs(line, runs)
    inside = {i for a, b in marks for i in range(a, b)}
    scripts = {script_of(c) for i, c in enumerate(text) if c.isalpha() and i not in inside}
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
                score -= CASE_PENALTY
            continue
        if scripts and script_of(c) not in scripts and script_of(c) != "COMMON":
            score -= CASE_PENALTY  # worse than a letter of the line's script the model lacks (-6)
            continue
        score += lm.gap_logp(prev, c, text[i + 1:i + 2], text[max(0, i - 2):max(0, i - 1)], text[i + 2:i + 3])
        if c.isupper() and prev.islower():
            score -= CASE_PENALTY
    return score
