"""One line, every code page: the reading that explains the line best, as runs to repair.

``analyze_cp`` reads a line in one code page (slots, evidence, lossy groups, confidence);
``analyze_line`` chooses among the code pages and breaks their ties.
Design: docs/encoding-engine.md."""

from __future__ import annotations

import math
import re
import unicodedata
from typing import NamedTuple, Sequence

from .codepages import CodePage, CODEPAGES, FILL
from .evidence import (
    group_becomes_word, lossy_evidence, rare_decoded, reads_as_selector, RepairedNeighbours, runs_of,
    split_weak_runs, weak_run_becomes_word,
)
from .groups import make_groups, repaired_map, resolve_group
from .hypotheses import (
    c1_stripped, apply_fixed, BLANK, C1_BYTES, cjk_lead, COMMON_SCRIPTS, find_slots, line_lost_bytes,
    lonely_script, masked_spans, nbsp_mid, plausible_lost, plausible_text, redecode, script_of, Slot, STRIPPED,
)
from .languages import (
    alphabet_misfits, detect_language, LangModel, language_model, line_language, LineLanguage, supported,
)
from .scoring import CASE_PENALTY, CJK_MARGIN


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
    __slots__ = ("cp", "runs", "key", "clean")

    def __init__(self, cp, runs, key, clean=None):
        self.cp, self.runs, self.key = cp, runs, key
        self.clean = clean  # the line's undamaged text as this reading sees it (None: no model needed)


_DAMAGED_WORD = re.compile(r"\w*\ufffd[\w\ufffd]*")


def _fragment(m: re.Match) -> str:
    """What is left of a word that lost a byte, for language detection: its letters if it has
    letters no ASCII word has ("Klí" of "Klíčové": Czech í), else nothing ("KRITICK" of
    "KRITICKÁ" is no word in any language and would count against the profile's)."""
    return " " if m.group().replace(BLANK, "").isascii() else m.group()


def analyze_cp(line: str, cp: CodePage, masked, language: LineLanguage,
               floor: int = 0, reads: dict | None = None) -> tuple[_LineResult | None, LineLanguage]:
    """The line read in code page ``cp``, and its language (settled here when this is the first
    code page that needs a language model). ``floor``: a reading must explain at least this many
    characters to matter (``analyze_line``). ``reads``: what each code page of this line found
    that depends on no language (``_cp_entry``), kept by name for reading the line again."""
    entry = _cp_entry(line, cp, masked, {} if reads is None else reads)
    found = entry[0]
    if found is None or (floor and found[2] < floor):
        return None, language  # no slots, or too few to explain as much of the line: it can neither win nor tie
    if entry[1] is _UNREAD:
        entry[1] = _read_cp(line, cp, found[0], found[1])
    if entry[1] is None:
        return None, language
    return _resolve_cp(line, cp, entry[1], language)


_UNREAD = object()


def _cp_entry(line: str, cp: CodePage, masked, reads: dict) -> list:
    """``reads``' entry for ``cp``: the line's slots in it (``_line_slots``) and what it reads
    with them (``_read_cp``; ``_UNREAD`` until asked)."""
    entry = reads.get(cp.name)
    if entry is None:
        entry = reads[cp.name] = [_line_slots(line, cp, masked), _UNREAD]
    return entry


class _Read(NamedTuple):
    """What a code page reads in a line before a language model is needed (``_read_cp``)."""
    compatible: tuple[str, ...]
    fixed: dict[int, str]
    inner_rounds: dict[int, int]
    keep: list[Slot]
    evidence: bool
    accepted: list[Slot]
    pending_weak: list[list[Slot]]
    lossy_slots: list[Slot]


def _read_cp(line: str, cp: CodePage, slots: list[Slot], compatible: tuple[str, ...]) -> _Read | None:
    """What code page ``cp`` reads in the line with its slots that depends on no language (None:
    nothing to repair): the slots kept, the lossless repairs, the evidence and the slots
    accepted on it."""
    fixed, inner_rounds, keep = _lossless_repairs(line, slots)  # 1. lossless runs: plausibility
    near = RepairedNeighbours(line, keep, fixed)
    keep = keep + _plausible_lossy(line, slots, keep, fixed, near)  # 2. lossy slots: plausible options
    keep = _cjk_only_by_cjk(line, cp, keep, near)
    if not keep:
        return None
    keep.sort(key=lambda s: s.start)
    # 3. strong evidence from lossless runs
    strong, weak = split_weak_runs(line, slots, keep, fixed)
    if not strong:
        # a 3-byte lead other than E2 with one continuation ("ã€", "ç·") is also an ordinary
        # letter before punctuation in clean text ("café»"): kept only with a strong lossless
        # run on the line (the rest of a damaged CJK line always provides one)
        # (nor is a variation selector: "ï¸" is VS16 that lost its last byte, after an emoji,
        # damaged or not)
        ends = {k.end for k in keep}
        keep = [s for s in keep if s.lossless or not cjk_lead(cp, line[s.start]) or near.beside_cjk(s)
                or near.selector_after_emoji(s) or (s.start in ends and reads_as_selector(s))]
        if not keep:
            return None
    # in an article that shows the stripped shape, a lone lead of punctuation is damage by itself
    evidence = bool(strong) or lossy_evidence(line, cp, keep, near) or \
        (STRIPPED.get() and cp.stripped_regex is not None and any(
            not s.lossless and s.end - s.start == 1 and cp.stripped_regex.match(line, s.start) for s in keep))
    # 4. weak runs: accepted with evidence, or when they make an unknown word known
    accepted: list[Slot] = [s for run in strong + (weak if evidence else []) for s in run]
    pending_weak = [] if evidence else weak
    lossy_slots = [s for s in keep if not s.lossless]
    return _Read(compatible, fixed, inner_rounds, keep, evidence, accepted, pending_weak, lossy_slots)


def _resolve_cp(line: str, cp: CodePage, read: _Read,
                language: LineLanguage) -> tuple[_LineResult | None, LineLanguage]:
    """``analyze_cp`` once the code page's reading is known (``_read_cp``): the weak runs and the
    lossy slots, in the line's language (settled here if not yet)."""
    fixed, keep, pending_weak, lossy_slots = read.fixed, read.keep, read.pending_weak, read.lossy_slots
    evidence = read.evidence
    accepted = list(read.accepted)  # (the reading is kept for another language: not changed)
    lm = clean = None
    if pending_weak or lossy_slots:  # the language model is needed: the line's language settles
        clean = _DAMAGED_WORD.sub(_fragment, apply_fixed(line, keep, fixed, blank_lossy=True))
        language = language.settle(clean)
        lm = language_model(supported(language.lang))
    if pending_weak and weak_run_becomes_word(line, keep, fixed, pending_weak, lm):
        evidence = True
        accepted.extend(s for run in pending_weak for s in run)
    # 5. lossy slots, grouped by the words they touch
    results, lossy_score = _resolve_lossy(line, cp, keep, fixed, lm, evidence) if lossy_slots else ({}, 0.0)
    accepted.extend(s for s in lossy_slots if s.start in results)
    if not accepted:
        return None, language
    accepted.sort(key=lambda s: s.start)
    runs = [_run_out(line, cp, run, fixed, read.inner_rounds, results, read.compatible)
            for run in _cut_at_doubt(accepted, results)]
    covered_lossless = sum(s.end - s.start for s in accepted if s.lossless)
    covered_lossy = sum(s.end - s.start for s in accepted if not s.lossless)
    key = (covered_lossless + covered_lossy, covered_lossless, -sum(rare_decoded(r.replacement) for r in runs), lossy_score)
    return _LineResult(cp, runs, key, clean), language


def _line_slots(line: str, cp: CodePage, masked) -> tuple[list[Slot], tuple[str, ...], int] | None:
    """The slots of the line in ``cp``, found again with the bytes the line itself shows may be
    lost (``line_lost_bytes``), the code pages compatible with it, and the characters the slots
    cover; None when there are none."""
    slots = find_slots(line, cp, masked)
    if not slots and STRIPPED.get() and cp.stripped_regex is not None and cp.stripped_regex.search(line) \
            and c1_stripped(line):
        # only lone leads of punctuation (the screen of an article that shows the stripped shape)
        slots = find_slots(line, cp, masked, sorted(set(cp.lost) | C1_BYTES), None, C1_BYTES - cp.undefined)
    if not slots:
        return None
    lost, nbsp, compatible, stripped = line_lost_bytes(line, cp, slots)
    # a U+FFFD stands for an undefined byte of any compatible code page
    fill = sorted(set().union(*(CODEPAGES[name].undefined for name in compatible))) if FILL in line else None
    if any(not s.lossless for s in slots) and (set(lost) != set(cp.lost) or nbsp != cp.nbsp_space or fill):
        slots = find_slots(line, cp, masked, lost, nbsp, stripped, fill)
        if not slots:
            return None
    return slots, compatible, sum(s.end - s.start for s in slots)


def _lossless_repairs(line: str, slots: list[Slot]) -> tuple[dict[int, str], dict[int, int], list[Slot]]:
    """The lossless runs that decode to plausible text: the repair of each slot (by its start),
    the runs decoded twice (by their first slot's start: 2), and their slots in line order."""
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
    return fixed, inner_rounds, keep


def _cjk_only_by_cjk(line: str, cp: CodePage, keep: list[Slot], near: RepairedNeighbours) -> list[Slot]:
    """``keep`` without the lossy slots that read as CJK only where CJK text is around them: a
    lead, a space, a continuation ("æ ª": 株 whose no-break space became a space) only glued to
    CJK text or a space away from it, a Korean word of one syllable ("프리 ë ¥ 맥": 력; "café «
    noir" on a line that also holds Japanese is French); on a page whose
    3-byte sequences lose a byte only in CJK (``cp.cjk_losses_only``, Windows-1251: "гЃ" is じ),
    such a slot only glued to CJK or Hangul or a space away from it ("Молчанов»" stays)."""
    keep = [s for s in keep if not nbsp_mid(line, s) or near.near_cjk(s)]
    if cp.cjk_losses_only:
        keep = [s for s in keep if s.lossless or not 0xE0 <= cp.byte_of.get(line[s.start], 0) <= 0xEF
                or (cjk_lead(cp, line[s.start]) and near.near_cjk(s))]
    return keep


def _plausible_lossy(line: str, slots: list[Slot], keep: list[Slot], fixed: dict[int, str],
                     near: RepairedNeighbours) -> list[Slot]:
    """The lossy slots with a plausible option, their options narrowed to those. Neighbours are
    read repaired (a lossless slot next to the lossy one counts as what it decodes to), and a
    letter of another script than Latin needs that script on the line, repaired (Cyrillic "у"
    inside "infrastrukтуру" is fine, alone among Czech words it is not)."""
    kept: list[Slot] = []
    scripts = None
    for s in slots:
        if s.lossless:
            continue
        before, after = near.around(s)
        opts = []
        for o in s.options:
            o2 = o.rstrip(" ") if s.space else o
            if not plausible_text(o2, before, after) or not plausible_lost(o2, before, after):
                continue
            if lonely_script(o2, before, after):
                if scripts is None:  # (the lossy slots kept so far blanked)
                    scripts = {script_of(c) for c in apply_fixed(line, keep + kept, fixed, blank_lossy=True)}
                if not all(script_of(c) in COMMON_SCRIPTS or script_of(c) in scripts for c in o2):
                    continue
            opts.append(o)
        if s.space:
            opts = [o for o in opts if o.strip(" ")]
        if opts:
            s.options = opts
            kept.append(s)
    return kept


def _resolve_lossy(line: str, cp: CodePage, keep: list[Slot], fixed: dict[int, str], lm: LangModel,
                   evidence: bool) -> tuple[dict[int, tuple[str, list[str], bool]], float]:
    """The lossy slots' groups resolved: for each slot reported (by its start), its best
    reading, its first five readings and whether it is confident; and the sum of the groups'
    best scores. Without ``evidence`` nothing is reported unless a group's best repair turns
    unknown words into known ones."""
    groups = make_groups(line, keep)
    context = repaired_map(line, keep, fixed)
    group_out = []
    lossy_score = 0.0
    for g in groups:
        lossy, res = resolve_group(line, g, fixed, lm, context)
        if not lossy or not res:
            continue
        group_out.append((g, lossy, res))
        lossy_score += res[0][0]
    if not evidence and not any(group_becomes_word(line, g, lossy, res, fixed, lm) for g, lossy, res in group_out):
        return {}, 0.0
    results: dict[int, tuple[str, list[str], bool]] = {}
    for g, lossy, res in group_out:
        best_choice = res[0][1]
        for i, s in enumerate(lossy):
            alts, margin = _readings_of(res, i)
            # a lost byte of a CJK character needs a wider margin (scoring._cjk_score)
            results[s.start] = (best_choice[i], alts, margin >= (CJK_MARGIN if cjk_lead(cp, line[s.start]) else MARGIN))
    return results, lossy_score


def _readings_of(res: list, i: int) -> tuple[list[str], float]:
    """The first five different readings of slot ``i`` in a group's ranking ``res``, best
    first, and by how much the best combination beats the best one with another reading."""
    alts: list[str] = []
    second = None
    for sc, ch in res:
        if ch[i] not in alts:
            alts.append(ch[i])
            if len(alts) == 2:
                second = sc
        if len(alts) >= 5:
            break
    return alts, math.inf if second is None else res[0][0] - second


def _cut_at_doubt(accepted: list[Slot], results: dict[int, tuple]) -> list[list[Slot]]:
    """Runs of the accepted slots, cut around each lossy slot that is not confident, so that the
    confident rest of a run (in CJK text, often a whole title) is still a safe repair; the next
    pass of the fixer then sees the doubtful slot between repaired neighbours."""
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
    return pieces


def _run_out(line: str, cp: CodePage, run: list[Slot], fixed: dict[int, str], inner_rounds: dict[int, int],
             results: dict[int, tuple], compatible: tuple[str, ...]) -> _RunOut:
    """The repair of one run: its best replacement and candidates (one lossy slot varied at a
    time around the best), and for a lossy run the code page that can have lost its bytes."""
    rounds = max((inner_rounds.get(s.start, 1) for s in run), default=1)
    if all(s.lossless for s in run):
        rep = "".join(fixed[s.start] for s in run)
        return _RunOut(run[0].start, run[-1].end, rep, True, True, (rep,), rounds)
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
    # the code page: the first compatible one in which every byte assumed lost can be lost
    assumed = {s.lost_byte.get(results[s.start][0]) for s in run if not s.lossless} - {None, 0xA0, 0xAD}
    enc = next((name for name in compatible if assumed <= CODEPAGES[name].undefined), cp.name)
    return _RunOut(run[0].start, run[-1].end, rep, False, confident, tuple(cands[:5]), rounds, enc)


def analyze_line(line: str, language: LineLanguage, encodings: Sequence[str],
                 _reads: dict | None = None) -> tuple[_LineResult | None, LineLanguage]:
    """The best reading of the line among the code pages ``encodings``, and the line's language
    (settled by the first code page that needs a language model). ``_reads``: the code pages'
    readings of the line that depend on no language (``analyze_cp``), kept for reading it again."""
    masked = masked_spans(line)
    reads = {} if _reads is None else _reads
    prior = language
    results, language, settled_by = _readings(line, language, encodings, masked, reads)
    if not results:
        return None, language
    best = max(results, key=lambda r: r.key)  # max keeps the first of equal keys
    if settled_by not in (None, best.cp.name) and best.clean is not None:
        # The language was settled by a code page that reads less of the line (Windows-1252
        # reads a few sequences of Cyrillic through Windows-1254, sees no clean word and keeps
        # a Czech prior): the winner's own repaired words settle it; when they name another
        # language, the line is read again in it (once: that language is settled).
        own = prior.settle(best.clean)
        if own.lang != language.lang:
            return analyze_line(line, own, encodings, reads)
    tied = [r for r in results if r.key == best.key]
    if len(tied) > 1:
        best = _best_read(line, tied, language)
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
    return best, language


def _readings(line: str, language: LineLanguage, encodings: Sequence[str], masked,
              reads: dict) -> tuple[list[_LineResult], LineLanguage, str | None]:
    """The readings of the line that matter (``analyze_line``), in the order of ``encodings``;
    the line's language; the code page that settled it (None: it came settled)."""
    results = []
    floor = 0  # characters the best reading so far explains (``_LineResult.key[0]``)
    prior, settled_by = language, None
    # A code page whose slots cover fewer characters than a reading of another one explains can
    # neither be the best nor tie it (``analyze_line``): it is not resolved, once the line's language is
    # settled (the first code page that needs the language model settles it: skipping it before
    # would let another code page's reading of the line settle it). The code pages after that
    # are resolved in the order of the characters their slots cover, most first (the one that
    # explains most then cuts the others early); their results are kept in the order of
    # ``encodings`` (ties keep it).
    order = list(range(len(encodings)))
    k, rest_sorted = 0, False
    while k < len(order):
        if language.settled and not rest_sorted:
            order[k:] = sorted(order[k:], key=lambda j: -_cover(line, encodings[j], masked, reads))
            rest_sorted = True
        i = order[k]
        name = encodings[i]
        res, language = analyze_cp(line, CODEPAGES[name], masked, language, floor if language.settled else 0,
                                   reads)
        if settled_by is None and language.settled and not prior.settled:
            settled_by = name
        if res is not None:
            results.append((i, res))
            floor = max(floor, res.key[0])
        k += 1
    results = [res for _, res in sorted(results, key=lambda x: x[0])]
    return results, language, settled_by


def _cover(line: str, name: str, masked, reads: dict) -> int:
    """The characters the line's slots in code page ``name`` cover (-1: it has none)."""
    found = _cp_entry(line, CODEPAGES[name], masked, reads)[0]
    return -1 if found is None else found[2]


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


def _best_read(line: str, tied: list[_LineResult], language: LineLanguage) -> _LineResult:
    """Code pages that explain the same characters of a line equally well (ISO-8859-2 and
    Windows-1250 both read ``kterĂŠ``: ``které`` and ``kterÊ``): the one whose repaired words the
    language model knows best; ties keep the order of ``ENCODINGS``."""
    readings = [_repaired_words(line, r.runs) for r in tied]
    if all(w == readings[0] for w in readings[1:]):
        return tied[0]
    lang = language.lang or detect_language(line)
    if not language.settled:  # no code page needed the model yet: the undamaged words decide
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
    if lossless and scores.count(max(scores)) > 1:
        # no model knows the letters (names in a line of no language): one alphabet beats two
        scores = [sc + (-alphabet_misfits("".join(run.replacement for run in r.runs)),)
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
                    (cat.startswith("S") and prev.isalpha() and nxt.isalpha()) or \
                    (cat == "Sm" and (prev.isalpha() or nxt.isalpha())):  # a math sign glued to a word
                score -= CASE_PENALTY
            continue
        if scripts and script_of(c) not in scripts and script_of(c) != "COMMON":
            score -= CASE_PENALTY  # worse than a letter of the line's script the model lacks (-6)
            continue
        score += lm.gap_logp(prev, c, text[i + 1:i + 2], text[max(0, i - 2):max(0, i - 1)], text[i + 2:i + 3])
        if c.isupper() and prev.islower():
            score -= CASE_PENALTY
    return score
