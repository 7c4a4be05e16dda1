"""Choosing among the readings of a group of lossy slots (the words they touch).

``make_groups`` cuts a line's lossy slots into groups; ``resolve_group`` ranks the combinations
of their readings, best first (all of them, or slot by slot for a long group), with a cache of
groups already ranked. Design: docs/encoding-engine.md."""

from __future__ import annotations

from functools import lru_cache
from itertools import chain, product
from typing import Sequence

from .hypotheses import script_of, Slot
from .languages import cjk_lang, LangModel, language_model
from .scoring import (
    ATE_SPACE, CASE_PENALTY, FIRST_CJK, HINTS, is_wordish, letter_score, MARKS, score_rendering, slot_prior,
)


_TOP_K = 6          # candidates per lossy slot kept for the joint enumeration
_MAX_COMBOS = 4096  # above this, slots of a group are chosen one at a time


class Group:
    __slots__ = ("start", "end", "slots")

    def __init__(self, start: int, end: int, slots: list[Slot]):
        self.start, self.end, self.slots = start, end, slots


def repaired_map(line: str, slots: list[Slot], fixed: dict[int, str]) -> "_Context":
    """``line`` with its lossless slots repaired, and the position in it of each index of
    ``line`` (``_Context``: what a group's paired marks are scored against)."""
    return _Context(line, slots, fixed)


def _render_map(line: str, slots: list[Slot], fixed: dict[int, str], chosen: dict[int, str]
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
    probable mark by itself (``slot_prior``): the opening ``„`` of a Polish quote that lost its
    byte too answers the closing ``”`` the group weighs (the author's pair beats the language's)."""

    def __init__(self, line: str, slots: list[Slot], fixed: dict[int, str]):
        self.line, self.slots, self.fixed = line, slots, fixed
        self.rep_line, self.where = _render_map(line, slots, fixed, {})
        self.marks = [s for s in slots if not s.lossless and _only_marks(s.options)]
        self._marked: dict = {}

    def marked(self, lm: LangModel) -> tuple[str, list[int]]:
        if not self.marks:
            return self.rep_line, self.where
        got = self._marked.get(lm)
        if got is None:
            chosen = {s.start: max(s.options, key=lambda o: slot_prior(s, o, self.line, lm))
                      for s in self.marks}
            got = self._marked[lm] = _render_map(self.line, self.slots, self.fixed, chosen)
        return got


def _only_marks(options: list[str]) -> bool:
    """No option holds a letter, and one holds a paired mark."""
    return all(not c.isalpha() for o in options for c in o) and any(c in MARKS for o in options for c in o)


_WINDOW = 20  # characters on each side of a slot that its choice is scored with (a word longer
#               than this is unknown to every word list: its letters count, each with 2 neighbours)


def _group_pieces(line: str, group: Group, fixed: dict[int, str]) -> tuple[list[str], list[int]]:
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
def _piece_mask(p: str, lossy: bool, ate: bool = False) -> tuple[bool | int, ...]:
    """The recovered characters of a piece: a lossy slot's, but its space (a lost no-break space
    read as one is no recovered character); nothing else. ``ate``: the piece's option ate the
    space after the slot, its last character is marked ``ATE_SPACE``."""
    if not lossy:
        return (False,) * len(p)
    mask = tuple(c != " " for c in p)
    return mask[:-1] + (ATE_SPACE,) if ate and p else mask


@lru_cache(maxsize=4096)
def _has_bound(p: str) -> bool:
    """``p`` holds a character that is no word character (the options of the slots come back
    in every rendering of a group: kept)."""
    return any(not is_wordish(c) for c in p)


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
        self.spaced = [s.space for s in group.slots if not s.lossless]
        self.masks = [_piece_mask(p, False) for p in self.pieces]
        for i, k in enumerate(self.where):
            self.masks[k] = self._lossy_mask(i, self.pieces[k])
        self.sizes = [len(p) for p in self.pieces]
        self.bound = [_has_bound(p) for p in self.pieces]
        self.prev = line[group.start - 1] if group.start else ""
        self.nxt = line[group.end] if group.end < len(line) else ""
        self.lm, self.left, self.right, self.cjk, self.memo = lm, left, right, cjk, memo

    def put(self, i: int, x: str) -> None:
        k = self.where[i]
        self.pieces[k], self.sizes[k], self.bound[k] = x, len(x), _has_bound(x)
        self.masks[k] = self._lossy_mask(i, x)

    def _lossy_mask(self, i: int, x: str) -> tuple[bool | int, ...]:
        """The mask of lossy slot ``i`` read as ``x`` (it ate the space after it when the slot
        lost a no-break space and ``x`` does not give one back)."""
        return _piece_mask(x, True, self.spaced[i] and not x.endswith(" "))

    def set(self, choice: Sequence[str]) -> None:
        pieces, where = self.pieces, self.where
        for i, x in enumerate(choice):
            if pieces[where[i]] is not x:  # the enumeration changes mostly the last slot
                self.put(i, x)

    def total(self) -> float:
        text, mask = _rendered(self.pieces, self.masks, 0, len(self.pieces))
        return score_rendering(text, mask, self.prev, self.nxt, self.lm, self.left, self.right, self.cjk, self.memo)

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
        return score_rendering(text, mask, prev, nxt, self.lm, left, right, self.cjk, self.memo)

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
            key = ("letter", text[max(0, j - 2):j + 3], min(j, 2))  # what letter_score reads
            v = self.memo.get(key)
            if v is None:
                v = self.memo[key] = letter_score(text, j, self.lm)
            s += v
            if a - 1 <= j <= b and c.isupper() and (text[j - 1:j].islower() or text[j + 1:j + 2].islower()):
                s -= CASE_PENALTY
        return s


def _cjk_ranked(line: str, group: Group, s: Slot, fixed: dict[int, str], lm: LangModel,
                cjk: str, memo: dict, edges: tuple[dict, dict]) -> list[str]:
    """CJK options are ranked in context (the slot alone repaired, its word segmentation): a
    character's own frequency says little (規 is rare alone, frequent in 規模). The context is up
    to 4 whole characters on each side (``_cjk_context``)."""
    seg_l, seg_r = _cjk_context(line, group, s, fixed, edges)

    def local(o: str) -> float:
        t = seg_l + o + seg_r
        mask = [False] * len(seg_l) + [c != " " for c in o] + [False] * len(seg_r)
        return score_rendering(t, mask, "", "", lm, "", "", cjk, memo)

    return sorted(s.options, key=lambda o: -local(o))


def _cjk_context(line: str, group: Group, s: Slot, fixed: dict[int, str],
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


def _word_memo(lm: LangModel, cjk: str) -> dict:
    """The word scores of one language model and CJK language: a word's score (``_word_score``,
    ``letter_score``) depends on nothing else, so every rendering of every group shares them, in
    every code page and on every line (the same words come back in every code page that reads
    the line's damaged characters alike)."""
    memo = _MEMOS.get((lm, cjk))
    if memo is None or len(memo) > _MEMO_SIZE:
        memo = _MEMOS[(lm, cjk)] = {}
    return memo


_GROUPS: dict[tuple, list] = {}  # rankings of groups already resolved (``resolve_group``)
_GROUPS_SIZE = 4096


def resolve_group(line: str, group: Group, fixed: dict[int, str], lm: LangModel,
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


def _group_key(line: str, group: Group, lossy: list[Slot], fixed: dict[int, str], lm: LangModel,
               left: str, right: str) -> tuple:
    """What a group's ranking depends on. A group whose options hold no paired mark (which looks
    for its pair along the line: ``left``, ``right``) and no CJK character (ranked in the line's
    CJK languages, ``_cjk_langs``) reads nothing of the line but its own text and one character
    on each side (``_Scorer``, ``slot_prior``): the same damaged word on another line, or
    elsewhere on this one, is ranked once."""
    a, b = group.start, group.end
    if any(c in MARKS or (c >= FIRST_CJK and script_of(c) == "CJK") for s in lossy for o in s.options for c in o):
        key_line, lo = (line, left, right, b), 0
    else:
        lo = max(0, a - 1)
        key_line = (line[lo:b + 1], a - lo, b - a)
    return (key_line, a - lo, lm, HINTS.get(),
            tuple((s.start - a, s.end - a, s.lossless, s.space, tuple(s.options), fixed.get(s.start))
                  for s in group.slots))


def _rank_group(line: str, group: Group, lossy: list[Slot], fixed: dict[int, str], lm: LangModel,
                left: str, right: str, rep_line: str) -> list:
    """The ranking of the group's combinations; a group with CJK options is ranked in each CJK
    language the line may be written in (``_cjk_langs``), and the rankings merged
    (``_merge_readings``)."""
    if not any(script_of(c) == "CJK" for s in lossy for o in s.options for c in o):
        return _rank_in(line, group, lossy, fixed, lm, left, right, "zh")
    langs = _cjk_langs(line, rep_line)
    return _merge_readings([_rank_in(line, group, lossy, fixed, lm, left, right, q) for q in langs])


def _rank_in(line: str, group: Group, lossy: list[Slot], fixed: dict[int, str], lm: LangModel,
             left: str, right: str, cjk: str) -> list:
    memo = _word_memo(lm, cjk)
    edges = ({x.end: x for x in group.slots}, {x.start: x for x in group.slots})
    opts = []
    repaired_end = {x.end: fixed[x.start] for x in group.slots if x.lossless and fixed.get(x.start)}
    for s in lossy:
        if any(script_of(c) == "CJK" for o in s.options for c in o):
            ranked = _cjk_ranked(line, group, s, fixed, lm, cjk, memo, edges)
        else:
            prev = repaired_end.get(s.start, "")[-1:] or None
            ranked = sorted(s.options, key=lambda o: -slot_prior(s, o, line, lm, cjk, prev))
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
    with hangul (``cjk_lang``); else by the line's undamaged Han characters: zh when some are
    only in the Chinese list (simplified 经, 术) and none only in the Japanese one (規, 済, 議),
    ja the other way round; else (too few, or only characters both
    share: 模 in 規模) both, zh first: a reading is then only as sure as it is in either."""
    own = cjk_lang(rep_line)
    if own == "zh":
        own = cjk_lang(line)  # kana in the mojibake itself
    if own != "zh":
        return (own,)
    ja, zh = language_model("ja").char_logp, language_model("zh").char_logp
    han = {c for c in rep_line if c >= FIRST_CJK and script_of(c) == "CJK"}
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
    wide = [any(c in MARKS for x in o for c in x) for o in opts]
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


def make_groups(line: str, slots: list[Slot]) -> list[Group]:
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
        return a - 1 if a > 0 and is_wordish(line[a - 1]) else None

    def forth(b: int) -> int | None:
        if b in starts:
            return starts[b].end
        return b + 1 if b < len(line) and is_wordish(line[b]) else None

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
        groups.append(Group(a, b, [s for s in slots[k:j] if s.end <= b]))
    return groups
