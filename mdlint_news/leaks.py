"""The profile's leak patterns (`body.leaks.patterns`): the literal texts every match must contain,
read from the pattern's text, so that most texts are never searched (a screen: it never changes
what is found), and the check that refuses nested unbounded repetition."""

from __future__ import annotations

import re
import unicodedata
from functools import cached_property
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover
    from .profile import LeakPattern

# ----------------------------------------------------------------------------- the pattern's shape
# A parsed pattern is a list of nodes: ("lit", char), ("opaque",) (a class, `.`, a back reference,
# an atomic group, a conditional: text of no known form), ("zero",) (an anchor), ("look", seq),
# ("group", seq), ("branch", [seq, ...]), ("repeat", min, max or None, seq). The pattern has
# compiled (re.compile) before it is parsed here.

OPAQUE, ZERO = ("opaque",), ("zero",)
_SPACE = " \t\n\r\v\f"  # what a verbose pattern ignores
_BRACES = re.compile(r"\{(\d*)(?:(,)(\d*))?\}")
_FLAGS = re.compile(r"\(\?([aiLmsux]*)(?:-([imsx]+))?([:)])")
_CONTROL = {"a": "\a", "f": "\f", "n": "\n", "r": "\r", "t": "\t", "v": "\v"}
_HEX = {"x": 2, "u": 4, "U": 8}
_OCT = "01234567"


class _Verbose(Exception):
    """A leading `(?x)`: the pattern is read again, verbose from its start (as `re` does)."""


class _Parser:
    def __init__(self, pattern: str, verbose: bool):
        self.p, self.i, self.verbose = pattern, 0, verbose

    def top(self) -> list:
        seq = self._sub(self.verbose)
        if self.i != len(self.p):
            raise ValueError("unbalanced parenthesis")
        return seq

    def _sub(self, verbose: bool) -> list:
        """Alternatives up to a `)` or the end (the `)` is left to the caller)."""
        alts: list[list] = [[]]
        p = self.p
        while self.i < len(p) and p[self.i] != ")":
            c = p[self.i]
            if c == "|":
                self.i += 1
                alts.append([])
            elif verbose and c in _SPACE:
                self.i += 1
            elif verbose and c == "#":
                end = p.find("\n", self.i)
                self.i = len(p) if end == -1 else end + 1
            else:
                bounds = self._quantifier()
                if bounds is not None:
                    alts[-1][-1] = ("repeat", *bounds, [alts[-1][-1]])
                    continue
                node = self._atom(verbose)
                if node is not None:
                    alts[-1].append(node)
        return alts[0] if len(alts) == 1 else [("branch", alts)]

    def _quantifier(self) -> tuple[int, int | None] | None:
        p, i = self.p, self.i
        c = p[i]
        if c in "*+?":
            lo, hi, i = (0 if c != "+" else 1), (1 if c == "?" else None), i + 1
        elif c == "{" and (m := _BRACES.match(p, i)) and m.group() != "{}":
            lo = int(m[1]) if m[1] else 0
            hi = lo if not m[2] else int(m[3]) if m[3] else None
            i = m.end()
        else:
            return None
        if i < len(p) and p[i] in "?+":  # lazy, possessive
            i += 1
        self.i = i
        return lo, hi

    def _atom(self, verbose: bool):
        p, i = self.p, self.i
        c = p[i]
        self.i = i + 1
        if c == "\\":
            return self._escape()
        if c == "[":
            self._skip_class()
            return OPAQUE
        if c == ".":
            return OPAQUE
        if c in "^$":
            return ZERO
        if c == "(":
            return self._group(verbose)
        return ("lit", c)

    def _escape(self):
        p = self.p
        c = p[self.i]
        self.i += 1
        if c in "dDsSwW":
            return OPAQUE
        if c in "bBAZ":
            return ZERO
        if c in _CONTROL:
            return ("lit", _CONTROL[c])
        if c in _HEX:
            digits = p[self.i:self.i + _HEX[c]]
            self.i += _HEX[c]
            return ("lit", chr(int(digits, 16)))
        if c == "N":
            end = p.index("}", self.i)
            name, self.i = p[self.i + 1:end], end + 1
            return ("lit", unicodedata.lookup(name))
        if c == "0":
            j = self.i
            while j < len(p) and j - self.i < 2 and p[j] in _OCT:
                j += 1
            digits, self.i = p[self.i:j], j
            return ("lit", chr(int("0" + digits, 8)))
        if c.isdigit():  # an octal escape of three digits, else a group reference
            nxt = p[self.i:self.i + 2]
            if len(nxt) == 2 and c in _OCT and nxt[0] in _OCT and nxt[1] in _OCT:
                self.i += 2
                return ("lit", chr(int(c + nxt, 8)))
            if nxt[:1].isdigit():
                self.i += 1
            return OPAQUE
        return ("lit", c)

    def _skip_class(self) -> None:
        p, j = self.p, self.i
        if p.startswith("^", j):
            j += 1
        if p.startswith("]", j):  # a `]` first is a member
            j += 1
        while p[j] != "]":
            j += 2 if p[j] == "\\" else 1
        self.i = j + 1

    def _close(self) -> None:
        if not self.p.startswith(")", self.i):
            raise ValueError("missing )")
        self.i += 1

    def _inner(self, verbose: bool, start: int) -> list:
        self.i = start
        seq = self._sub(verbose)
        self._close()
        return seq

    def _group(self, verbose: bool):
        """After a `(`: the group's node, or None (a comment, the pattern's global flags)."""
        p, i = self.p, self.i
        if not p.startswith("?", i):
            return ("group", self._inner(verbose, i))
        k = p[i + 1:i + 3]
        if k[:1] == ":":
            return ("group", self._inner(verbose, i + 2))
        if k == "P<":
            return ("group", self._inner(verbose, p.index(">", i) + 1))
        if k == "P=":
            self.i = p.index(")", i) + 1
            return OPAQUE
        if k[:1] == "#":
            self._skip_comment(i + 2)
            return None
        if k[:1] in "=!" or k in ("<=", "<!"):
            return ("look", self._inner(verbose, i + 2 if k[:1] in "=!" else i + 3))
        if k[:1] == ">":  # atomic group
            self._inner(verbose, i + 2)
            return OPAQUE
        if k[:1] == "(":  # conditional: (?(group)yes|no)
            self._inner(verbose, p.index(")", i) + 1)
            return OPAQUE
        return self._flags(verbose, i - 1)

    def _flags(self, verbose: bool, start: int):
        m = _FLAGS.match(self.p, start)
        on, off = m[1], m[2] or ""
        if m[3] == ")":  # global flags: only at the start of a pattern
            if "x" in on and not verbose:
                raise _Verbose
            self.i = m.end()
            return None
        return ("group", self._inner((verbose or "x" in on) and "x" not in off, m.end()))

    def _skip_comment(self, j: int) -> None:
        p = self.p
        while p[j] != ")":
            j += 2 if p[j] == "\\" else 1
        self.i = j + 1


def parse(pattern: str, flags: int = 0) -> list:
    """The nodes of a pattern that compiles (ValueError or IndexError on one that does not)."""
    try:
        return _Parser(pattern, bool(flags & re.VERBOSE)).top()
    except _Verbose:
        return _Parser(pattern, True).top()


def nested_repeat(pattern: str) -> bool:
    """Whether a pattern repeats without bound (``*``, ``+``, ``{n,}``) something that itself
    repeats without bound (star height 2, as ``(x+x+)+y``): the shape whose backtracking is
    exponential. Atomic groups and conditionals are not looked into."""
    return _nested(parse(pattern))


def _nested(seq: list, inside: bool = False) -> bool:
    for node in seq:
        kind = node[0]
        if kind == "repeat":
            unbounded = node[2] is None
            if (inside and unbounded) or _nested(node[3], inside or unbounded):
                return True
        elif kind in ("group", "look"):
            if _nested(node[1], inside):
                return True
        elif kind == "branch":
            if any(_nested(alt, inside) for alt in node[1]):
                return True
    return False


# ----------------------------------------------------------------------------- required texts


def required_texts(seq: list) -> list[frozenset[str]]:
    """Sets of lower-case strings such that every match of the parsed sequence contains one
    string of each set. Literal text runs on through groups and alternations of literal text:
    ``(?:slov|words)\\)`` requires one of ``slov)`` and ``words)``."""
    cands: list[frozenset[str]] = []
    run: set[str] = {""}  # the text every match has up to here, in each of its possible forms
    for node in seq:
        kind = node[0]
        if kind in ("zero", "look"):
            continue
        longer = _joined(run, _literal_forms(node))
        if longer is not None:
            run = longer
            continue
        if run != {""}:
            cands.append(frozenset(run))
        run = {""}
        if kind == "group":
            cands.extend(required_texts(node[1]))
        elif kind == "branch":
            alts = [_best(required_texts(alt)) for alt in node[1]]
            if all(alts):
                cands.append(frozenset().union(*alts))
        elif kind == "repeat" and node[1] >= 1:
            cands.extend(required_texts(node[3]))
    if run != {""}:
        cands.append(frozenset(run))
    return [c for c in cands if c and all(c)]


def _joined(forms: set[str] | None, more: set[str] | None) -> set[str] | None:
    """Each of ``forms`` followed by each of ``more``; None when either is None or there
    would be more than 64."""
    if forms is None or more is None or len(forms) * len(more) > 64:
        return None
    return {f + m for f in forms for m in more}


def _literal_forms(node) -> set[str] | None:
    """The texts a literal, or a group or alternation of literal text, can match (lower case);
    None for anything else."""
    kind = node[0]
    if kind == "lit":
        return {node[1].lower()}
    if kind == "group":
        return _literal_seq(node[1])
    if kind == "branch":
        out: set[str] = set()
        for alt in node[1]:
            forms = _literal_seq(alt)
            if forms is None:
                return None
            out |= forms
        return out
    return None


def _literal_seq(seq: list) -> set[str] | None:
    forms: set[str] | None = {""}
    for node in seq:
        if node[0] not in ("zero", "look"):
            forms = _joined(forms, _literal_forms(node))
            if forms is None:
                return None
    return forms


def _best(cands: list[frozenset[str]]) -> frozenset[str] | None:
    """The most selective set: the one whose shortest string is longest."""
    return max(cands, key=lambda c: min(map(len, c))) if cands else None


# ----------------------------------------------------------------------------- the screens

# Characters outside ASCII that ``re.IGNORECASE`` matches with an ASCII letter, or whose
# ``str.lower()`` holds one or is longer than one character (tests/test_fast_paths.py checks the
# whole of Unicode): a text with any of them is searched without the screens below.
CASE_SPECIAL = "\u0130\u0131\u017f\u212a"  # İ ı ſ K (Kelvin)

# Lower-case characters outside ASCII that ``re.IGNORECASE`` matches with another lower-case
# character (σ/ς, µ/μ, β/ϐ ...): those sharing their upper case with another one
# (tests/test_fast_paths.py derives them from the whole of Unicode).
CASE_EXTRA = frozenset(
    "\u00b5\u0131\u017f\u0345\u0390\u03b0\u03b2\u03b5\u03b8\u03b9\u03ba\u03bc\u03c0\u03c1\u03c2"
    "\u03c3\u03c6\u03d0\u03d1\u03d5\u03d6\u03f0\u03f1\u03f5\u0432\u0434\u043e\u0441\u0442\u044a"
    "\u0463\u1c80\u1c81\u1c82\u1c83\u1c84\u1c85\u1c86\u1c87\u1c88\u1e61\u1e9b\u1fbe\u1fd3\u1fe3"
    "\ua64b\ufb05\ufb06")


def _ascii_core(needle: str) -> bytes:
    """The longest run of ASCII characters in ``needle`` (b"" when it has none)."""
    return max(re.findall(r"[\x00-\x7f]+", needle), key=len, default="").encode("ascii")


def _plain(needle: str) -> bool:
    """Whether every match of ``needle`` under re.IGNORECASE, in a text without
    ``CASE_SPECIAL`` characters, shows as ``needle`` in the lower-cased text: it has no
    character with extra case-insensitive equivalents (those of ASCII letters are the
    ``CASE_SPECIAL`` ones)."""
    return not any(c in CASE_SPECIAL or c in CASE_EXTRA for c in needle)


def _fewer(group: frozenset[bytes]) -> frozenset[bytes]:
    """A set of texts such that a text holding one of ``group`` holds one of them, with fewer
    to look for: texts that contain another one of the set go (it is found anyway), and three
    or more that start alike (``here is the``, ``here's your``...) are looked for by their
    common start (of at least four characters)."""
    texts = set(group)
    while True:
        starts: dict[bytes, set[bytes]] = {}
        for t in texts:
            for n in range(4, len(t) + 1):
                starts.setdefault(t[:n], set()).add(t)
        best = max((p for p, ts in starts.items() if len(ts) >= 3), key=lambda p: (len(starts[p]), len(p)),
                   default=None)
        if best is None:
            break
        texts = (texts - starts[best]) | {best}
    return frozenset(t for t in texts if not any(o != t and o in t for o in texts))


def _selective_first(groups) -> list:
    """Sets of required texts, most selective first (the screen gives up at the first set of
    which no text is there)."""
    return sorted(groups, key=lambda g: (-min(map(len, g)), len(g)))


class Leak:
    """One `leaks.patterns` entry: compiled case-insensitively, with the literal texts its
    matches must contain (sets of texts, one of each set in every match). A text is searched
    only when it may hold one text of each set, decided by two screens: on its UTF-8 bytes with
    ASCII letters lower-cased (the ASCII part of each text: a few microseconds), then on its
    ``str.lower()`` (the whole texts). Texts with a ``CASE_SPECIAL`` character skip both. Then
    the expression runs over the whole range: a screen never changes what is found
    (tests/test_fast_paths.py)."""

    def __init__(self, spec: "LeakPattern"):
        self.spec = spec
        try:
            required = required_texts(parse(spec.pattern, re.IGNORECASE | re.MULTILINE))
        except Exception:  # noqa: BLE001  (an unusual pattern: always searched)
            required = []
        # a set with a text the screen cannot see says nothing and is left out
        self.required = _selective_first(g for g in required if all(map(_plain, g)))
        cores = (frozenset(map(_ascii_core, g)) for g in required)
        self.required_ascii = _selective_first(_fewer(c) for c in cores if b"" not in c)

    @cached_property
    def regex(self) -> re.Pattern:
        """Compiled on first need: most runs never get past the required texts (a one-file run
        saves the ~2 ms per pattern of compiling them)."""
        return re.compile(self.spec.pattern, re.IGNORECASE | re.MULTILINE)

    def may_match(self, folded: "Folded") -> bool:
        """False only when no match is possible in the text ``folded`` was made of."""
        text = folded.ascii
        if text is None:
            return True
        for screen in (self.required_ascii, self.required):  # loops, not generators: ~40 % faster
            for group in screen:
                for n in group:
                    if n in text:
                        break
                else:
                    return False
            text = folded.lower
        return True

    def finditer(self, text: str, lo: int, hi: int, folded: "Folded | None" = None):
        """The matches within ``text[lo:hi]``; ``folded``: ``Folded(text[lo:hi])``, if known."""
        if folded is None:
            folded = Folded(text[lo:hi])
        if self.may_match(folded):
            yield from self.regex.finditer(text, lo, hi)


class Folded:
    """A text as the leak screens read it: ``ascii``, its UTF-8 bytes with ASCII letters
    lower-cased, and ``lower``, its ``str.lower()`` (made on first need); ``ascii`` is None
    when the text holds a ``CASE_SPECIAL`` character (then every pattern is searched)."""

    __slots__ = ("text", "ascii", "_lower")

    def __init__(self, text: str):
        self.text = text
        self._lower: str | None = None
        i, d, s, k = CASE_SPECIAL
        self.ascii = None if (i in text or d in text or s in text or k in text) else \
            text.encode("utf-8", "surrogatepass").lower()

    @property
    def lower(self) -> str:
        if self._lower is None:
            self._lower = self.text.lower()
        return self._lower
