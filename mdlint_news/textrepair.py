"""Text repair: the layer under the document. Reads the raw text of a file, tells the front matter
from the body on the raw lines (no YAML), splits the front matter into fields and the body into
paragraphs, asks the mojibake engine (``mdlint_news.mojibake``) about each, and returns one
:class:`Damage` per damaged field or paragraph with exact raw-text edits.

A field's value is decoded from its raw lines as YAML reads it (plain, single- and double-quoted
with escapes, folded lines, block scalars), keeping for every character of the value the raw span
it was written as: an edit replaces the raw text of a damaged run (an escape ``\\xc3\\xa1`` too) by
the repaired characters, written in the value's own style. The edited front matter is read back
with PyYAML when it parses; a value that would not read back equal is written whole as a
double-quoted scalar with escapes, or its fix is refused (``Damage.refused`` says why).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import NamedTuple

import yaml

from . import mojibake as mb

_OPEN = re.compile(r"---[ \t]*(?:\r?\n|$)")
_CLOSE = re.compile(r"(?:---|\.\.\.)[ \t]*\r?$")
_KEY = re.compile(r"([^\s#'\"\-?:,\[\]{}&*!|>%@`][^:#]*?|-[^\s:][^:#]*?|'[^']*'|\"[^\"]*\")[ \t]*:(?=[ \t]|\r?$)")
_DASH = re.compile(r"-(?:[ \t]+|(?=\r?$))")
_BLOCK = re.compile(r"([|>])([+-]?)([1-9]?)([+-]?)[ \t]*(?:#.*)?\r?$")
_SIMPLE_ESCAPES = {"0": "\0", "a": "\a", "b": "\b", "t": "\t", "\t": "\t", "n": "\n", "v": "\v",
                   "f": "\f", "r": "\r", "e": "\x1b", " ": " ", '"': '"', "/": "/", "\\": "\\",
                   "N": "\x85", "_": "\xa0", "L": "\u2028", "P": "\u2029"}
_HEX_ESCAPES = {"x": 2, "u": 4, "U": 8}
# characters a plain or single-quoted scalar cannot hold as they are (YAML reads them otherwise)
_NOT_RAW = re.compile("[\x00-\x08\x0a-\x1f\x7f-\x9f\u2028\u2029\ufeff\ufffe\uffff\ud800-\udfff]")
_DQ_ESCAPE = {"\\": "\\\\", '"': '\\"', "\x85": "\\N", "\u2028": "\\L", "\u2029": "\\P",
              "\n": "\\n", "\r": "\\r", "\x00": "\\0", "\x1b": "\\e"}
_DQ_NEEDS = re.compile("[\\\\\"\x00-\x08\x0a-\x1f\x7f-\x9f\u2028\u2029\ufeff\ufffe\uffff\ud800-\udfff]")
_PLAIN_START = set("-?:,[]{}#&*!|>'\"%@` \t")
BODY = "body paragraph"
FRONT_MATTER_LINE = "front-matter line"  # a comment or a merge-conflict marker: text, no field
_NOT_FIELD = re.compile(r"[ \t]*(?:#|<{7}|={7}|>{7}|\|{7})")


@dataclass(frozen=True)
class RawEdit:
    """Replace ``text[start:end]`` (raw file text) by ``content``: one damaged run, or a whole
    value rewritten (``whole``)."""

    start: int
    end: int
    content: str
    original: str  # the damaged run as the value reads (escapes decoded)
    replacement: str  # the repaired run
    confident: bool
    lossless: bool
    candidates: tuple[str, ...]
    whole: bool = False


@dataclass
class Damage:
    """One damaged field of the front matter or one damaged paragraph of the body."""

    start: int  # raw span: from the first damaged run to the end of the last
    end: int
    label: str  # the field's key path ("source.emoji", "tags.0") or BODY
    path: tuple | None  # the key path, None in the body
    encodings: tuple[str, ...]  # the code pages the runs were read with, most frequent first
    sequences: int
    lossy: int  # runs with lost bytes
    rounds: int  # the most layers of damage undone in one run
    value: str  # the field's value / the paragraph's damaged lines, as read
    repaired: str  # the same with the confident repairs applied
    edits: list[RawEdit] = field(default_factory=list)  # one per run, in order (or one whole)
    doubtful: list[RawEdit] = field(default_factory=list)  # runs not repaired safely
    refused: str | None = None  # why the confident edits cannot be written, if so


class _Scalar(NamedTuple):
    path: tuple
    style: str  # "", "'", '"', "|", ">"
    start: int  # raw span of the whole scalar (quotes, block header and lines included)
    end: int
    chars: list  # the value's characters
    spans: list  # raw (start, end) of each character
    synthetic: set  # indices of characters no raw text writes alone (folded line breaks)

    @property
    def value(self) -> str:
        return "".join(self.chars)


# --------------------------------------------------------------------------- layout


def front_matter_span(text: str) -> tuple[int, int, int] | None:
    """(start of the YAML, end of the YAML, start of the body) from the raw lines: the file opens
    with a ``---`` line, the block ends at the next ``---`` or ``...`` line. None without one; an
    unclosed block has no YAML (its body starts after the opening line)."""
    m = _OPEN.match(text)
    if not m:
        return None
    pos = m.end()
    while pos < len(text):
        nl = text.find("\n", pos)
        end = len(text) if nl == -1 else nl
        if _CLOSE.match(text, pos, end):
            return m.end(), pos, min(len(text), end + 1)
        pos = end + 1
    return m.end(), m.end(), m.end()


def _lines(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """(start, end) of each raw line in ``text[start:end]``, without the line break."""
    out, pos = [], start
    while pos < end:
        nl = text.find("\n", pos, end)
        e = end if nl == -1 else nl
        out.append((pos, e - 1 if e > pos and text[e - 1] == "\r" else e))
        pos = e + 1
    return out


def _indent(text: str, s: int, e: int) -> int:
    i = s
    while i < e and text[i] == " ":
        i += 1
    return i - s


def _blank(text: str, s: int, e: int) -> bool:
    return not text[s:e].strip(" \t")


# --------------------------------------------------------------------------- front matter fields


def fields(text: str, start: int, end: int) -> list[_Scalar]:
    """Every string-like scalar of the front matter ``text[start:end]``, with its key path, from
    the raw lines: block mappings and sequences (``key:``, ``- item``), flow sequences of
    scalars, and plain, quoted and block scalars. What it cannot read is skipped."""
    lines = _lines(text, start, end)
    out: list[_Scalar] = []
    stack: list[tuple[int, tuple, str]] = []  # (indent, path, "key" | "item")
    counters: dict[tuple, int] = {}
    i = 0
    while i < len(lines):
        s, e = lines[i]
        ind = _indent(text, s, e)
        if _blank(text, s, e) or text[s + ind] == "#":
            i += 1
            continue
        i = _entry(text, lines, i, s + ind, ind, stack, counters, out)
    return out


def _entry(text, lines, i, pos, ind, stack, counters, out) -> int:
    """Read the entry starting at ``pos`` (column ``ind``) of line ``i``; the next line's index."""
    e = lines[i][1]
    dash = _DASH.match(text, pos, e)
    if dash:
        while stack and (stack[-1][0] > ind or (stack[-1][0] == ind and stack[-1][2] == "item")):
            stack.pop()
        parent = stack[-1][1] if stack else ()
        n = counters.get(parent, 0)
        counters[parent] = n + 1
        path = parent + (n,)
        stack.append((ind, path, "item"))
        rest = dash.end()
        if rest >= e:
            return i + 1
        return _after_item(text, lines, i, rest, ind, path, stack, counters, out)
    key = _KEY.match(text, pos, e)
    if not key:
        return i + 1
    while stack and stack[-1][0] >= ind:
        stack.pop()
    name = key.group(1)
    if name[:1] in "'\"" and len(name) > 1:
        name = name[1:-1]
    path = (stack[-1][1] if stack else ()) + (name,)
    stack.append((ind, path, "key"))
    counters[path] = 0
    return _value(text, lines, i, key.end(), ind, path, out)


def _after_item(text, lines, i, rest, ind, path, stack, counters, out) -> int:
    if _KEY.match(text, rest, lines[i][1]):  # `- key: value`: a mapping inside the item
        return _entry(text, lines, i, rest, ind + (rest - lines[i][0] - ind), stack, counters, out)
    return _value(text, lines, i, rest, ind, path, out)


def _value(text, lines, i, pos, owner, path, out) -> int:
    """The value after a key or a dash, starting at ``pos`` on line ``i``."""
    e = lines[i][1]
    while pos < e and text[pos] in " \t":
        pos += 1
    if pos >= e or text[pos] == "#":
        return i + 1  # a nested block, or null
    ch = text[pos]
    if ch in "\"'":
        sc, nxt = _quoted(text, lines, i, pos, path)
    elif ch in "|>" and _BLOCK.match(text, pos, e):
        sc, nxt = _block(text, lines, i, pos, owner, path)
    elif ch == "[":
        return _flow(text, lines, i, pos, path, out)
    elif ch in "{&*!%@`":
        return i + 1
    else:
        sc, nxt = _plain(text, lines, i, pos, owner, path)
    if sc is not None:
        out.append(sc)
    return nxt


def _line_index(lines, offset: int, i: int) -> int:
    while i + 1 < len(lines) and lines[i + 1][0] <= offset:
        i += 1
    return i


def _fold(text, lines, i, chars, spans, synth, trim=True) -> tuple[int, int]:
    """At the end of line ``i`` inside a multi-line scalar: drop trailing blanks (``trim``), add
    the folded break (a space, or one ``\\n`` per blank line), return (next line, its content
    start); (len(lines), -1) when the text ends."""
    while trim and chars and chars[-1] in " \t" and (len(chars) - 1) not in synth and \
            spans[-1][1] == lines[i][1] and spans[-1][1] - spans[-1][0] == 1:
        chars.pop()
        spans.pop()
    brk = lines[i][1]
    j, breaks = i + 1, 0
    while j < len(lines) and _blank(text, *lines[j]):
        j += 1
        breaks += 1
    if j >= len(lines):
        return j, -1
    s, e = lines[j]
    first = s + len(text[s:e]) - len(text[s:e].lstrip(" \t"))
    for _ in range(breaks or 1):
        synth.add(len(chars))
        chars.append("\n" if breaks else " ")
        spans.append((brk, first))
    return j, first


def _quoted(text, lines, i, pos, path):
    q = text[pos]
    chars, spans, synth = [], [], set()
    k = pos + 1
    while True:
        e = lines[i][1]
        if k >= e:
            i, first = _fold(text, lines, i, chars, spans, synth)
            if first < 0:
                return None, i
            k = first
            continue
        c = text[k]
        if c == q:
            if q == "'" and text[k + 1:k + 2] == "'":
                chars.append("'")
                spans.append((k, k + 2))
                k += 2
                continue
            return _Scalar(path, q, pos, k + 1, chars, spans, synth), _line_index(lines, k, i) + 1
        if c == "\\" and q == '"':
            k, i = _escape(text, lines, i, k, chars, spans)
            if k < 0:
                return None, i + 1
            continue
        chars.append(c)
        spans.append((k, k + 1))
        k += 1


def _escape(text, lines, i, k, chars, spans) -> tuple[int, int]:
    """One backslash escape at ``k``; (the offset after it, the line index), or (-1, i)."""
    c = text[k + 1:k + 2]
    if k + 1 >= lines[i][1]:  # an escaped line break: nothing, and the next line's indent goes
        if i + 1 >= len(lines):
            return -1, i
        s, e = lines[i + 1]
        return s + len(text[s:e]) - len(text[s:e].lstrip(" \t")), i + 1
    if c in _SIMPLE_ESCAPES:
        chars.append(_SIMPLE_ESCAPES[c])
        spans.append((k, k + 2))
        return k + 2, i
    n = _HEX_ESCAPES.get(c)
    digits = text[k + 2:k + 2 + n] if n else ""
    if not n or len(digits) != n or not all(d in "0123456789abcdefABCDEF" for d in digits):
        return -1, i
    chars.append(chr(int(digits, 16)))
    spans.append((k, k + 2 + n))
    return k + 2 + n, i


def _plain(text, lines, i, pos, owner, path):
    chars, spans, synth = [], [], set()
    start = pos
    while True:
        e = lines[i][1]
        k = pos
        while k < e:
            if text[k] == "#" and k > lines[i][0] and text[k - 1] in " \t":
                break
            chars.append(text[k])
            spans.append((k, k + 1))
            k += 1
        while chars and chars[-1] in " \t" and len(chars) - 1 not in synth:
            chars.pop()
            spans.pop()
        if k < e:  # a comment ends the scalar
            break
        j = i + 1
        while j < len(lines) and _blank(text, *lines[j]):
            j += 1
        if j >= len(lines) or _indent(text, *lines[j]) <= owner or \
                text[lines[j][0] + _indent(text, *lines[j])] == "#":
            break
        i, pos = _fold(text, lines, i, chars, spans, synth, trim=False)
    if not chars:
        return None, i + 1
    return _Scalar(path, "", start, spans[-1][1], chars, spans, synth), i + 1


def _block(text, lines, i, pos, owner, path):
    m = _BLOCK.match(text, pos, lines[i][1])
    style, chomp = m.group(1), (m.group(2) or m.group(4))
    fixed = int(m.group(3)) if m.group(3) else 0
    j, content = i + 1, None
    while j < len(lines):
        s, e = lines[j]
        if not _blank(text, s, e) or (fixed and e - s > 0):
            ind = _indent(text, s, e)
            if content is None:
                content = owner + fixed if fixed else ind
            if ind < content or (not fixed and ind <= owner):
                break
        j += 1
    while j > i + 1 and _blank(text, *lines[j - 1]):
        j -= 1  # trailing blank lines belong to the chomping, not to the value's span
    chars, spans, synth = _block_chars(text, lines[i + 1:j], content or 0, style == ">")
    if chomp != "-" and chars:
        synth.add(len(chars))
        chars.append("\n")
        spans.append((lines[j - 1][1], lines[j - 1][1]))
    end = lines[j - 1][1] if j > i + 1 else m.end()
    return _Scalar(path, style, pos, end, chars, spans, synth), j


def _block_chars(text, body, indent, folded):
    """The characters of a block scalar's lines (PyYAML's folding), before chomping."""
    chars, spans, synth = [], [], set()
    breaks, prev, seen = 0, False, False
    for s, e in body:
        if _blank(text, s, e):
            breaks += 1
            continue
        start = s + indent
        plain = text[start:start + 1] not in (" ", "\t")
        joins = [" "] if not breaks else []
        if seen and not (folded and prev and plain):
            joins = ["\n"]
        for c in (joins if seen else []) + ["\n"] * breaks:
            synth.add(len(chars))
            chars.append(c)
            spans.append((start, start))
        chars.extend(text[start:e])
        spans.extend((k, k + 1) for k in range(start, e))
        breaks, prev, seen = 0, plain, True
    return chars, spans, synth


def _flow(text, lines, i, pos, path, out) -> int:
    """``[a, "b", 'c']`` on one or more lines: each scalar item is a field ``path + (n,)``."""
    end = lines[-1][1]
    k, n = pos + 1, 0
    while k < end:
        c = text[k]
        if c in " \t\r\n,":
            k += 1
            continue
        if c == "]":
            return _line_index(lines, k, i) + 1
        li = _line_index(lines, k, i)
        if c in "\"'":
            sc, _ = _quoted(text, lines, li, k, path + (n,))
            if sc is None:
                return li + 1
            out.append(sc)
            k = sc.end
        elif c in "[{":
            return li + 1  # nested collections: not read
        else:
            s = k
            while k < lines[li][1] and text[k] not in ",]":
                k += 1
            raw = text[s:k].rstrip(" \t")
            out.append(_Scalar(path + (n,), "", s, s + len(raw), list(raw),
                               [(x, x + 1) for x in range(s, s + len(raw))], set()))
        n += 1
    return len(lines)


# --------------------------------------------------------------------------- damage


def scan(text: str, languages: dict[str, str] | None = None, *, front_matter: bool = True,
         body: bool = True) -> list[Damage]:
    """Every damaged field of the front matter and every damaged paragraph of the body of the
    raw ``text``, in file order. ``languages`` maps a top-level key (or ``"body"``) to the language
    of its text. Text that passes no ``mojibake.quick_screen`` costs one scan."""
    languages = languages or {}
    span = front_matter_span(text)
    shape = _article_shape(text, languages)
    out: list[Damage] = []
    if span is not None and front_matter and span[1] > span[0]:
        out.extend(_front_matter(text, span[0], span[1], languages, shape))
    if body:
        out.extend(_body(text, span[2] if span else 0, languages.get("body"), shape))
    if shape.name and any(d.doubtful for d in out) and _hides_shape(text, out, shape):
        for d in out:
            d.refused = d.refused or _HIDES_SHAPE
    return out


_HIDES_SHAPE = ("the article's runs in doubt would no longer be found once the rest is repaired "
                "(only the damage around them shows them as damage): choose their reading first")


def _hides_shape(text: str, found: list[Damage], shape: "_Shape") -> bool:
    """Whether applying the confident repairs of an article read with its shape (``shape``)
    would leave text that no longer shows it, while runs in doubt remain: the runs in doubt
    that only the shape shows as damage (a lone "ā" that was ⚡) would then be clean text to the
    next check. It must still pass the screen, too: the check's fast path reads no further
    ("š’" twice is the shape, but no screen character). Such an article is not fixed in part
    (docs/encoding-repair-order.md)."""
    edits = [e for d in found if not d.refused for e in d.edits]
    if not edits:
        return False
    fixed = _apply(text, 0, edits)
    return not mb.quick_screen(fixed) or mb.article_shape(fixed, shape.language) != shape.name


class _Shape(NamedTuple):
    """What the whole article shows of its damage (``mojibake.article_shape``), passed to each
    field and line: the shape, the code pages to read them with, and the language of a field the
    profile names none for."""

    name: str | None = None
    encodings: tuple[str, ...] | None = None
    language: str | None = None

    def kwargs(self) -> dict:
        return {"encodings": self.encodings, "shape": self.name} if self.name else {}


_NO_SHAPE = _Shape()


def _article_shape(text: str, languages) -> _Shape:
    """An article whose damage shows a shape a field or line alone often cannot
    (``mojibake.article_shape``) is read that way throughout: Latin-1 with every C1 control
    stripped (``UmÄlÃ¡`` is ``Umělá`` only if the byte 9B can be lost) with Latin-1 alone;
    Windows-1257 with its undefined bytes dropped with every code page, its symbols' residues
    reported. A field the profile names no language for is read in the body's."""
    # (not behind the screen: after a first fix, the residues may be all that is left)
    name = mb.article_shape(text, languages.get("body"))
    if name is None:
        return _NO_SHAPE
    return _Shape(name, ("latin-1",) if name == mb.STRIPPED_SHAPE else None, languages.get("body"))


def _front_matter(text: str, start: int, end: int, languages, shape: _Shape = _NO_SHAPE) -> list[Damage]:
    src = text[start:end]
    if "\\" not in src and not mb.quick_screen(src) and not shape.name:
        return []
    found, hiding = [], []
    body_lang: str | None | object = _UNSET  # read once, when a damaged field names no language
    for sc in fields(text, start, end):
        value = sc.value
        if not mb.quick_screen(value) and not shape.name:
            continue
        lang = languages.get(str(sc.path[0]), shape.language)
        if lang is None:
            # no language named for the field: the body's is the prior (its words decide)
            if body_lang is _UNSET:
                body_lang = mb.text_language(text[end:])
            lang = body_lang  # type: ignore[assignment]
        runs = mb.find_mojibake(value, lang, hints=mb.article_hints(text), **shape.kwargs())
        if runs:
            found.append((sc, _field_damage(sc, runs)))
            if _hides_residue(value, runs, lang, text, shape):
                hiding.append(found[-1][1])
    if found:
        _check_round_trip(text, start, end, found)
    for d in hiding:
        d.refused = d.refused or _HIDES_DOUBT
    return sorted([d for _, d in found] + _loose_lines(text, start, end, shape), key=lambda d: d.start)


_UNSET = object()


def _loose_lines(text: str, start: int, end: int, shape: _Shape = _NO_SHAPE) -> list[Damage]:
    """The front matter's comment and merge-conflict-marker lines, repaired as lines of text
    (one Damage each): YAML reads no data from them, so no round trip is needed."""
    out = []
    for s, e in _lines(text, start, end):
        if _NOT_FIELD.match(text, s, e) and (mb.quick_screen(text[s:e]) or shape.name):
            runs = mb.find_mojibake(text[s:e], None, hints=mb.article_hints(text), **shape.kwargs())
            if runs:
                out.append(_paragraph([(s, text[s:e])], [(s, r) for r in runs], FRONT_MATTER_LINE))
    return out


def _summary(runs, label, path, value, repaired, start, end) -> Damage:
    counts: dict[str, int] = {}
    for r in runs:
        counts[r.encoding] = counts.get(r.encoding, 0) + 1
    return Damage(start, end, label, path, tuple(sorted(counts, key=lambda k: -counts[k])),
                  len(runs), sum(not r.lossless for r in runs), max(r.rounds for r in runs),
                  value, repaired)


def _field_damage(sc: _Scalar, runs) -> Damage:
    value = sc.value
    repaired = mb.apply_repairs(value, runs, confident_only=True)
    d = _summary(runs, ".".join(map(str, sc.path)), sc.path, value, repaired,
                 sc.spans[runs[0].start][0], sc.spans[runs[-1].end - 1][1])
    for r in runs:
        for start, end, original, replacement in _pieces(sc, r):
            s, e = sc.spans[start][0], sc.spans[end - 1][1]
            content = _encode(replacement, sc, start, end)
            inner = all(sc.spans[k][1] == sc.spans[k + 1][0] for k in range(start, end - 1))
            if any(k in sc.synthetic for k in range(start, end)) or not inner:
                content = None
            edit = RawEdit(s, e, content if content is not None else replacement, original,
                           replacement, r.confident, r.lossless, r.candidates if original == r.original
                           else (replacement,))
            (d.edits if r.confident else d.doubtful).append(edit)
            if r.confident and (content is None or _unheld(sc.style, repaired)):
                d.refused = "whole"  # written whole (decided by _check_round_trip)
    return d


def _pieces(sc: _Scalar, r) -> list[tuple[int, int, str, str]]:
    """Run ``r`` of the value of ``sc`` as edits of its raw text: (start, end, original,
    replacement) in the value. A confident run across a line break of a folded scalar (a space
    of the value no raw character writes alone) that keeps every space it spans is split at its
    spaces, the unchanged pieces left out: the raw lines keep their fold, not the whole value
    rewritten double-quoted ("същия\n  чист" stays two lines)."""
    whole = [(r.start, r.end, r.original, r.replacement)]
    if not r.confident or not any(k in sc.synthetic for k in range(r.start, r.end)):
        return whole
    olds, news = r.original.split(" "), r.replacement.split(" ")
    if len(olds) != len(news):
        return whole
    out, pos = [], r.start
    for old, new in zip(olds, news):
        if old != new:
            out.append((pos, pos + len(old), old, new))
        pos += len(old) + 1
    return out


def _unheld(style: str, value: str) -> bool:
    """Whether a plain or single-quoted scalar cannot hold ``value`` as written (YAML reads a NEL,
    U+2028/9 as line breaks; PyYAML refuses a tab inside a plain scalar)."""
    return style in ("", "'") and bool(_NOT_RAW.search(value) or (not style and "\t" in value))


def _encode(s: str, sc: _Scalar, start: int, end: int) -> str | None:
    """``s`` written in the style of ``sc`` in place of the characters ``start:end`` of its value;
    None when that style cannot hold it there."""
    if sc.style == '"':
        return _dq_body(s)
    if _NOT_RAW.search(s):
        return None
    if sc.style == "'":
        return s.replace("'", "''")
    if sc.style in ("|", ">"):
        return s
    # plain: nothing that starts a comment or a mapping, no indicator at the start, no blank at the end
    if "\t" in s or ": " in s or " #" in s or s.endswith(":") or (start == 0 and s[:1] in _PLAIN_START) \
            or (end == len(sc.chars) and s[-1:] in (" ", "\t")):
        return None
    return s


def _dq_body(s: str) -> str:
    """``s`` as the inside of a double-quoted YAML scalar (escapes where needed)."""
    if not _DQ_NEEDS.search(s):
        return s
    out = []
    for c in s:
        if c in _DQ_ESCAPE:
            out.append(_DQ_ESCAPE[c])
        elif _DQ_NEEDS.match(c):
            out.append(f"\\x{ord(c):02x}" if ord(c) < 0x100 else f"\\u{ord(c):04x}")
        else:
            out.append(c)
    return "".join(out)


def double_quoted(s: str) -> str:
    """``s`` as a double-quoted YAML scalar on one line: reads back as ``s`` whatever it holds."""
    return '"' + _dq_body(s).replace("\t", "\\t") + '"'


_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_MISSING = object()


def _load(src: str):
    try:
        return yaml.load(src, Loader=_Loader)
    except (yaml.YAMLError, ValueError, RecursionError):
        return _MISSING


def _at(data, path):
    for p in path:
        if isinstance(data, dict):
            if p in data:
                data = data[p]
                continue
            keys = [k for k in data if str(k) == str(p)]
            if not keys:
                return _MISSING
            data = data[keys[0]]
        elif isinstance(data, list) and isinstance(p, int) and p < len(data):
            data = data[p]
        else:
            return _MISSING
    return data


def _whole(sc: _Scalar, d: Damage) -> list[RawEdit]:
    lossless = all(e.lossless for e in d.edits)
    return [RawEdit(sc.start, sc.end, double_quoted(d.repaired), d.value, d.repaired, True,
                    lossless, (d.repaired,), whole=True)]


def _apply(src: str, base: int, edits) -> str:
    out, pos = [], 0
    for e in sorted(edits, key=lambda e: e.start):
        out.append(src[pos:e.start - base])
        out.append(e.content)
        pos = e.end - base
    out.append(src[pos:])
    return "".join(out)


_UNREADABLE = "the value could not be read exactly from its raw lines"
_NO_ROUND_TRIP = "the repaired value would not read back equal from the YAML"
_NO_PARSE = "the repaired front matter would not parse"


def _check_round_trip(text: str, start: int, end: int, found) -> None:
    """Each field's edits must make the front matter read back its repaired value: a field whose
    raw edits do not is written whole, double-quoted; one that still does not is refused."""
    src = text[start:end]
    before = _load(src)
    live = []
    for sc, d in found:
        if not d.edits:
            continue
        if before is not _MISSING and _at(before, sc.path) != d.value and not _NOT_RAW.search(d.value):
            d.refused = _UNREADABLE
            continue
        if d.refused == "whole":
            d.refused, d.edits = None, _whole(sc, d)
        live.append((sc, d))
    for _ in range(3):
        after = _load(_apply(src, start, [e for _, d in live for e in d.edits]))
        if after is _MISSING:
            if before is _MISSING:
                return  # not verifiable: the edits hold only what each style holds as written
            bad = [(sc, d) for sc, d in live if _load(_apply(src, start, d.edits)) is _MISSING]
            reason = _NO_PARSE
        else:
            bad = [(sc, d) for sc, d in live if _at(after, sc.path) != d.repaired]
            reason = _NO_ROUND_TRIP
        if not bad:
            return
        for sc, d in bad:
            if d.edits[0].whole:
                d.refused = reason
                live.remove((sc, d))
            else:
                d.edits = _whole(sc, d)
    for _, d in live:
        d.refused = d.refused or _NO_ROUND_TRIP


# --------------------------------------------------------------------------- body


_FENCE_LINE = re.compile(r"[ \t]{0,3}(`{3,}|~{3,})")


def _body(text: str, start: int, language: str | None, shape: _Shape = _NO_SHAPE) -> list[Damage]:
    """One Damage per blank-line-separated paragraph of ``text[start:]`` holding damaged runs.
    Fenced code blocks show their text as it is, on purpose (as code spans do): not examined."""
    if not mb.quick_screen(text[start:]) and not shape.name:
        return []
    out: list[Damage] = []
    runs: list = []  # (line start, repair) of the current paragraph
    lines: list[tuple[int, str]] = []
    hiding = False  # a line of the paragraph whose repair would hide its runs in doubt
    fence = None  # the fence that opened the code block the line is in: shown as it is
    for s, e in _lines(text, start, len(text)) + [(len(text), len(text))]:
        line = text[s:e]
        m = _FENCE_LINE.match(line)
        code = fence is not None or m is not None
        if fence is not None:
            if m and m.group(1)[0] == fence[0] and len(m.group(1)) >= len(fence) and not line[m.end():].strip():
                fence = None
        elif m:
            fence = m.group(1)
        if not line.strip():
            if runs:
                out.append(_paragraph(lines, runs))
                if hiding:
                    out[-1].refused = _HIDES_DOUBT
            runs, lines, hiding = [], [], False
            continue
        lines.append((s, line))
        if not code and (mb.quick_screen(line) or shape.name):
            found = mb.find_mojibake(line, language, hints=mb.article_hints(text), **shape.kwargs())
            runs.extend((s, r) for r in found)
            hiding = hiding or _hides_residue(line, found, language, text, shape)
    return out


_HIDES_DOUBT = ("its runs in doubt would no longer be found once the rest is repaired: "
                "choose their reading first")


def _hides_residue(value: str, runs, language: str | None, text: str, shape: _Shape = _NO_SHAPE) -> bool:
    """Whether applying the confident repairs of ``value`` (a field's value, a body line) would
    hide its runs in doubt: the repaired runs are often the only evidence that a lone lead is
    damage ("thá»" among repaired Vietnamese is plain text to the next check). Such a value is
    not fixed in part: the doubt is resolved first (docs/encoding-repair-order.md)."""
    doubtful = sum(not r.confident for r in runs)
    if not doubtful or doubtful == len(runs):
        return False
    partial = mb.apply_repairs(value, runs, confident_only=True)
    return len(mb.find_mojibake(partial, language, hints=mb.article_hints(text), **shape.kwargs())) < doubtful


def _paragraph(lines, runs, label: str = BODY) -> Damage:
    first = min(s for s, _ in runs)
    last = max(s for s, _ in runs)
    shown = [(s, line) for s, line in lines if first <= s <= last]
    value = "\n".join(line for _, line in shown)
    repaired = "\n".join(
        mb.apply_repairs(line, [r for s0, r in runs if s0 == s], confident_only=True)
        for s, line in shown)
    reps = [r for _, r in runs]
    d = _summary(reps, label, None, value, repaired, runs[0][0] + runs[0][1].start,
                 runs[-1][0] + runs[-1][1].end)
    for s, r in runs:
        edit = RawEdit(s + r.start, s + r.end, r.replacement, r.original, r.replacement,
                       r.confident, r.lossless, r.candidates)
        (d.edits if r.confident else d.doubtful).append(edit)
    return d
