"""The article body: its sections and their headings (NL80x).

This module also holds what the body rules share (``footer.py`` and ``content.py`` import it):

* :func:`body_settings` validates the profile's free-form ``body:`` section with a small Pydantic
  model, once per Profile object;
* :func:`body_view` splits one article's body into content and footer, decides which rules apply
  (modern layout, published on or after ``body.since``, not the fallback body) and matches its
  headings to the profile's sections, once per file (stored on the rule Context).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date, timezone
from difflib import SequenceMatcher
from functools import cached_property, lru_cache
from typing import TYPE_CHECKING, Optional

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from ..diagnostics import Fix
from ..rendering import comment_lines
from ..schema import parse_published
from .base import ERROR, SAFE, UNSAFE, WARNING, Context, Problem, rule

if TYPE_CHECKING:  # pragma: no cover
    from ..document import Heading
    from ..profile import Profile


# ----------------------------------------------------------------------------- profile: `body:`


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True, frozen=True)


class BulletRange(_Model):
    min: int = Field(0, ge=0)
    max: Optional[int] = Field(None, ge=0)

    @model_validator(mode="after")
    def _ordered(self):
        if self.max is not None and self.max < self.min:
            raise ValueError(f"bullets: max ({self.max}) is below min ({self.min})")
        return self


class SectionSpec(_Model):
    text: str = Field(min_length=1)
    variants: tuple[str, ...] = ()
    bullets: Optional[BulletRange] = None


class SectionSettings(_Model):
    level: int = Field(2, ge=1, le=6)
    min_importance: int = Field(3, alias="min-importance")
    items: tuple[SectionSpec, ...] = ()

    @field_validator("items")
    @classmethod
    def _unique(cls, v):
        keys = [_norm(s.text) for s in v]
        if len(set(keys)) != len(keys):
            raise ValueError("two sections have the same text")
        return v


_PLACEHOLDER = re.compile(r"\{([A-Za-z_][\w-]*(?:\.[A-Za-z_][\w-]*)*)\}")


class FooterSettings(_Model):
    separator: Optional[str] = "---"
    link: str = "[Číst původní článek]({url})"
    source: str = "**Zdroj:** {source.emoji} {source.name}"

    @field_validator("link", "source")
    @classmethod
    def _has_prefix(cls, v: str) -> str:
        m = _PLACEHOLDER.search(v)
        if m is None or not v[:m.start()].strip():
            raise ValueError(f"{v!r} must start with fixed text followed by a {{field}} placeholder")
        return v


class UntranslatedSettings(_Model):
    fields: tuple[str, ...] = ("title", "description")
    language: str = "cs"
    foreign: str = "en"
    min_words: int = Field(3, alias="min-words", ge=1)


class LeakPattern(_Model):
    name: str
    pattern: str
    message: Optional[str] = None

    @field_validator("pattern")
    @classmethod
    def _compiles(cls, v: str) -> str:
        try:
            re.compile(v)
        except re.error as exc:
            raise ValueError(f"not a valid regular expression: {exc}") from None
        if _nested_repeat(_sre_p.parse(v)):
            raise ValueError("the pattern repeats without bound something that itself "
                             "repeats without bound (like `(x+)+`): on some texts it runs for "
                             "hours (catastrophic backtracking); rewrite it without the nested "
                             "repetition")
        return v


class LeakSettings(_Model):
    fields: tuple[str, ...] = ()
    patterns: tuple[LeakPattern, ...] = ()


class BodySettings(_Model):
    """The profile's ``body:`` section. Everything is off unless configured."""

    since: Optional[date] = None
    sections: SectionSettings = SectionSettings()
    footer: Optional[FooterSettings] = None
    untranslated: Optional[UntranslatedSettings] = None
    leaks: LeakSettings = LeakSettings()


@dataclass
class _SectionForms:
    index: int
    spec: SectionSpec
    norms: frozenset[str]  # normalised text and variants
    words: tuple[tuple[str, ...], ...]  # normalised words of the text and of each variant


@dataclass
class BodyRules:
    """BodySettings plus what is derived from it once: normalised section names, compiled
    patterns, the footer's fixed prefixes."""

    settings: BodySettings
    sections: list[_SectionForms]
    exact: dict[str, int]  # canonical text -> section index
    by_norm: dict[str, int]  # normalised text/variant -> section index (-1: ambiguous)
    link_prefix: str = ""
    source_prefix: str = ""
    leaks: list["Leak"] = field(default_factory=list)


def _build_rules(settings: BodySettings) -> BodyRules:
    sections, exact, by_norm = [], {}, {}
    for i, spec in enumerate(settings.sections.items):
        forms = [spec.text, *spec.variants]
        norms = frozenset(_norm(f) for f in forms)
        sections.append(_SectionForms(i, spec, norms, tuple(tuple(_norm(f).split()) for f in forms)))
        exact[spec.text] = i
        for n in norms:
            by_norm[n] = i if by_norm.get(n, i) == i else -1
    out = BodyRules(settings, sections, exact, by_norm)
    if settings.footer is not None:
        f = settings.footer
        out.link_prefix = f.link[:_PLACEHOLDER.search(f.link).start()].rstrip()
        out.source_prefix = f.source[:_PLACEHOLDER.search(f.source).start()].rstrip()
    out.leaks = [Leak(p) for p in settings.leaks.patterns]
    return out


# ----------------------------------------------------------------------------- leak patterns

try:  # the regex parser, to find the literal text every match must contain
    from re import _constants as _sre_c, _parser as _sre_p  # Python >= 3.11
except ImportError:  # pragma: no cover
    import sre_constants as _sre_c  # type: ignore[no-redef]
    import sre_parse as _sre_p  # type: ignore[no-redef]

_ZERO_WIDTH = {_sre_c.AT, _sre_c.ASSERT, _sre_c.ASSERT_NOT}
_REPEATS = {_sre_c.MAX_REPEAT, _sre_c.MIN_REPEAT, getattr(_sre_c, "POSSESSIVE_REPEAT", _sre_c.MAX_REPEAT)}


def _nested_repeat(seq, inside: bool = False) -> bool:
    """Whether a parsed pattern has an unbounded repetition (``*``, ``+``, ``{n,}``) inside
    another one (star height 2, as ``(x+x+)+y``): the shape whose backtracking is exponential."""
    for op, av in seq:
        if op in _REPEATS:
            unbounded = av[1] == _sre_c.MAXREPEAT
            if (inside and unbounded) or _nested_repeat(av[2], inside or unbounded):
                return True
        elif op is _sre_c.SUBPATTERN or op in (_sre_c.ASSERT, _sre_c.ASSERT_NOT):
            if _nested_repeat(av[-1], inside):
                return True
        elif op is _sre_c.BRANCH:
            if any(_nested_repeat(alt, inside) for alt in av[1]):
                return True
    return False


def _required(seq) -> list[frozenset[str]]:
    """Sets of lower-case strings such that every match of the parsed sequence contains one
    string of each set. Literal text runs on through groups and alternations of literal text:
    ``(?:slov|words)\\)`` requires one of ``slov)`` and ``words)``."""
    cands: list[frozenset[str]] = []
    run: set[str] = {""}  # the text every match has up to here, in each of its possible forms
    for op, av in seq:
        if op in _ZERO_WIDTH:
            continue
        longer = _joined(run, _literal_forms(op, av))
        if longer is not None:
            run = longer
            continue
        if run != {""}:
            cands.append(frozenset(run))
        run = {""}
        if op is _sre_c.SUBPATTERN:
            cands.extend(_required(av[-1]))
        elif op is _sre_c.BRANCH:
            alts = [_best(_required(alt)) for alt in av[1]]
            if all(alts):
                cands.append(frozenset().union(*alts))
        elif op in _REPEATS and av[0] >= 1:
            cands.extend(_required(av[2]))
    if run != {""}:
        cands.append(frozenset(run))
    return [c for c in cands if c and all(c)]


def _joined(forms: set[str], more: set[str] | None) -> set[str] | None:
    """Each of ``forms`` followed by each of ``more``; None when ``more`` is None or there
    would be more than 64."""
    if more is None or len(forms) * len(more) > 64:
        return None
    return {f + m for f in forms for m in more}


def _literal_forms(op, av) -> set[str] | None:
    """The texts a literal, or a group or alternation of literal text, can match (lower case);
    None for anything else."""
    if op is _sre_c.LITERAL:
        return {chr(av).lower()}
    if op is _sre_c.SUBPATTERN:
        return _literal_seq(av[-1])
    if op is _sre_c.BRANCH:
        out: set[str] = set()
        for alt in av[1]:
            forms = _literal_seq(alt)
            if forms is None:
                return None
            out |= forms
        return out
    return None


def _literal_seq(seq) -> set[str] | None:
    forms: set[str] | None = {""}
    for op, av in seq:
        if op not in _ZERO_WIDTH:
            forms = _joined(forms, _literal_forms(op, av))
            if forms is None:
                return None
    return forms


def _best(cands: list[frozenset[str]]) -> frozenset[str] | None:
    """The most selective set: the one whose shortest string is longest."""
    return max(cands, key=lambda c: min(map(len, c))) if cands else None


# Characters outside ASCII that ``re.IGNORECASE`` matches with an ASCII letter, or whose
# ``str.lower()`` holds one or is longer than one character (tests/test_fast_paths.py checks the
# whole of Unicode): a text with any of them is searched without the screens below.
CASE_SPECIAL = "\u0130\u0131\u017f\u212a"  # İ ı ſ K (Kelvin)

try:  # characters re.IGNORECASE matches beyond their lower-case form (σ/ς, µ/μ ...)
    from re._casefix import _EXTRA_CASES
except ImportError:  # pragma: no cover  (Python < 3.11: sre_compile's table)
    from sre_compile import _ignorecase_fixes as _EXTRA_CASES  # type: ignore[no-redef]


def _ascii_core(needle: str) -> bytes:
    """The longest run of ASCII characters in ``needle`` (b"" when it has none)."""
    return max(re.findall(r"[\x00-\x7f]+", needle), key=len, default="").encode("ascii")


def _plain(needle: str) -> bool:
    """Whether every match of ``needle`` under re.IGNORECASE, in a text without
    ``CASE_SPECIAL`` characters, shows as ``needle`` in the lower-cased text: it has no
    character with extra case-insensitive equivalents (those of ASCII letters are the
    ``CASE_SPECIAL`` ones)."""
    return not any(c in CASE_SPECIAL or (ord(c) in _EXTRA_CASES and not c.isascii()) for c in needle)


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
    matches must contain (from the parsed pattern: sets of texts, one of each set in every
    match). A text is searched only when it may hold one text of each set, decided by two
    screens: on its UTF-8 bytes with ASCII letters lower-cased (the ASCII part of each text:
    a few microseconds), then on its ``str.lower()`` (the whole texts). Texts with a
    ``CASE_SPECIAL`` character skip both. Then the expression runs over the whole range: a
    screen never changes what is found (tests/test_fast_paths.py)."""

    def __init__(self, spec: LeakPattern):
        self.spec = spec
        try:
            required = _required(_sre_p.parse(spec.pattern, re.IGNORECASE | re.MULTILINE))
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


_RULES_CACHE: dict[int, tuple["Profile", BodyRules]] = {}


def body_settings(profile: "Profile") -> BodyRules:
    """The validated ``body:`` section of a profile, parsed once per Profile object (profiles hold
    a dict, so they are not hashable: cached by id, keeping the profile alive)."""
    hit = _RULES_CACHE.get(id(profile))
    if hit is not None and hit[0] is profile:
        return hit[1]
    try:
        settings = BodySettings.model_validate(profile.body or {})
    except ValidationError as exc:
        raise ValueError(f"invalid `body:` section in the profile: {exc}") from None
    rules = _build_rules(settings)
    if len(_RULES_CACHE) > 64:
        _RULES_CACHE.clear()
    _RULES_CACHE[id(profile)] = (profile, rules)
    return rules


# ----------------------------------------------------------------------------- text helpers

_TRAIL = " \t:.;,!?–—-"


def _strip_diacritics(s: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", s) if not unicodedata.combining(c))


def _norm(s: str) -> str:
    """A heading as compared with the section names: no emphasis markers, no trailing
    punctuation, case-folded, without diacritics, single spaces."""
    s = s.strip().strip("*_").strip().rstrip(_TRAIL).strip("*_").strip()
    s = _strip_diacritics(s.casefold()).replace("’", "'")
    return " ".join(s.split())


def render(template: str, data: dict) -> str | None:
    """``{field}`` / ``{field.sub}`` replaced by front-matter values; None when one is missing."""
    out = []
    for literal, path in _template_parts(template):
        out.append(literal)
        if path is None:
            continue
        v = data
        for part in path:
            v = v.get(part) if isinstance(v, dict) else None
        if v is None or isinstance(v, (dict, list, bool)) or str(v) == "":
            return None
        out.append(str(v))
    return "".join(out)


@lru_cache(maxsize=64)
def _template_parts(template: str) -> tuple[tuple[str, tuple[str, ...] | None], ...]:
    """A template cut once into (text before a placeholder, the placeholder's field path)."""
    parts, pos = [], 0
    for m in _PLACEHOLDER.finditer(template):
        parts.append((template[pos:m.start()], tuple(m.group(1).split("."))))
        pos = m.end()
    parts.append((template[pos:], None))
    return tuple(parts)


# ----------------------------------------------------------------------------- one article's body


@dataclass
class Line:
    start: int
    end: int  # end of content, without the line break

    def text(self, full: str) -> str:
        return full[self.start:self.end]


@dataclass
class SectionHit:
    heading: "Heading"
    index: int | None  # the section it is (None: no section)
    kind: str  # "exact", "variant", "fuzzy", "ambiguous", "" (no match)

    @property
    def safe(self) -> bool:
        return self.kind in ("exact", "variant")


@dataclass
class BodyView:
    rules: BodyRules
    modern: bool = False  # modern layout, parsed front matter
    structured: bool = False  # modern and published on or after `since`
    content_start: int = 0
    content_end: int = 0  # where the footer block (or its separator) starts
    link: Line | None = None
    source: Line | None = None
    separator: Line | None = None  # the separator line right before the footer, if any
    fallback: bool = False
    importance: int | None = None
    hits: list[SectionHit] = field(default_factory=list)

    @property
    def footer_start(self) -> int | None:
        starts = [x.start for x in (self.link, self.source) if x is not None]
        return min(starts) if starts else None

    @property
    def sectioned(self) -> bool:
        """Section rules apply: structured, not the fallback, sections configured."""
        return self.structured and not self.fallback and bool(self.rules.sections)


def _line_at(text: str, start: int) -> Line:
    nl = text.find("\n", start)
    end = len(text) if nl == -1 else nl
    if end > start and text[end - 1] == "\r":
        end -= 1
    return Line(start, end)


def _last_line_starting(text: str, prefix: str, lo: int) -> Line | None:
    if not prefix:
        return None
    i = text.rfind("\n" + prefix, max(lo - 1, 0))
    if i != -1:
        return _line_at(text, i + 1)
    if text.startswith(prefix, lo) and (lo == 0 or text[lo - 1] == "\n"):
        return _line_at(text, lo)
    return None


def _prev_nonblank(text: str, pos: int, lo: int) -> Line | None:
    """The last non-blank line ending before offset ``pos`` (a line start), not before ``lo``."""
    while pos > lo:
        start = text.rfind("\n", lo, pos - 1) + 1
        start = max(start, lo)
        line = _line_at(text, start)
        if text[line.start:line.end].strip():
            return line
        pos = start
    return None


def _published_on(data: dict) -> date | None:
    value = data.get("publishedAt")
    dt = parse_published(value) if isinstance(value, str) else None
    if dt is not None:
        return dt.astimezone(timezone.utc).date()
    value = data.get("date")
    if isinstance(value, str):
        try:
            return date.fromisoformat(value[:10])
        except ValueError:
            return None
    return None


def body_view(ctx: Context) -> BodyView:
    """What the body rules know about this article, computed once per file."""
    return ctx.once("_news_body_view", _view_of)


def _view_of(ctx: Context) -> BodyView:
    rules = body_settings(ctx.profile)
    view = BodyView(rules)
    if not ctx.modern:
        return view
    data, text = ctx.data, ctx.text
    view.modern = True
    since = rules.settings.since
    published = _published_on(data) if since else None
    view.structured = since is None or published is None or published >= since
    importance = data.get("importance")
    view.importance = importance if isinstance(importance, int) and not isinstance(importance, bool) else None
    lo = view.content_start = ctx.doc.body_start
    view.content_end = len(text)

    if rules.settings.footer is not None:
        view.link = _last_line_starting(text, rules.link_prefix, lo)
        view.source = _last_line_starting(text, rules.source_prefix, lo)
        start = view.footer_start
        sep = rules.settings.footer.separator
        if start is not None:
            view.content_end = start
            prev = _prev_nonblank(text, start, lo)
        else:  # no footer: a separator left at the very end still belongs to it
            prev = _prev_nonblank(text, len(text) + 1, lo)
        if sep and prev is not None and text[prev.start:prev.end].rstrip() == sep:
            view.separator = prev
            view.content_end = prev.start

    if view.structured:
        desc = data.get("description")
        if isinstance(desc, str) and view.content_end - lo <= 2 * len(desc) + 64:  # cheap first
            content = text[lo:view.content_end]
            view.fallback = " ".join(content.split()) == " ".join(desc.split())

    if rules.sections:
        # a heading inside an HTML comment block does not render: it is no section
        hidden = comment_lines(ctx.doc.body) if ctx.doc.headings else set()
        first = ctx.line_of(lo)
        for h in ctx.doc.headings:
            if h.start < lo or h.start >= view.content_end or ctx.line_of(h.start) - first in hidden:
                continue
            view.hits.append(_classify(h, rules))
    return view


def _classify(h: "Heading", rules: BodyRules) -> SectionHit:
    i = rules.exact.get(h.text)
    if i is not None:
        return SectionHit(h, i, "exact")
    n = _norm(h.text)
    i = rules.by_norm.get(n)
    if i is not None:
        return SectionHit(h, None, "ambiguous") if i == -1 else SectionHit(h, i, "variant")
    words = tuple(n.split())
    mixed = set()
    for s in rules.sections:  # mixed languages: each word from the text or from a variant
        forms = [f for f in s.words if len(f) == len(words)]
        if forms and words and all(any(f[k] == w for f in forms) for k, w in enumerate(words)):
            mixed.add(s.index)
    if len(mixed) == 1:
        return SectionHit(h, mixed.pop(), "variant")
    if len(mixed) > 1:
        return SectionHit(h, None, "ambiguous")
    best: dict[int, float] = {}
    for s in rules.sections:
        for form in s.norms:
            if abs(len(form) - len(n)) <= max(2, len(form) // 5):
                r = SequenceMatcher(None, n, form).ratio()
                if r >= 0.85:
                    best[s.index] = max(best.get(s.index, 0), r)
    if len(best) == 1:
        return SectionHit(h, next(iter(best)), "fuzzy")
    if len(best) > 1:
        return SectionHit(h, None, "ambiguous")
    return SectionHit(h, None, "")


def section_hit(h: "Heading", rules: BodyRules) -> SectionHit:
    """How a heading matches the profile's sections (for headings ``body_view`` does not see)."""
    return _classify(h, rules)


def _marker_span(text: str, h: "Heading") -> tuple[int, int]:
    s = h.start
    while text[s] == " ":
        s += 1
    e = s
    while e < len(text) and text[e] == "#":
        e += 1
    return s, e


def _section_end(view: BodyView, pos: int) -> int:
    """Where the section whose heading is ``view.hits[pos]`` ends: at the next section heading or
    the next heading of the same or a higher level, else at the end of the content."""
    hits = view.hits
    h = hits[pos].heading
    for k in range(pos + 1, len(hits)):  # not a slice: a copy of the rest for every section
        other = hits[k]
        if other.index is not None or other.heading.level <= h.level:
            return other.heading.start
    return view.content_end


def _name(view: BodyView, index: int) -> str:
    return view.rules.sections[index].spec.text


# ----------------------------------------------------------------------------- rules


@rule("NL801", "heading-level", ERROR, fix=SAFE)
def heading_level(ctx: Context):
    """A section heading is not at the profile's level (default `##`).

    **What it does.** Finds the headings of the canonical sections (`Souhrn`, `Klíčové body`,
    `Podrobnosti`, `Proč je to důležité`, or a near miss of one, see `heading-variant`) and
    checks their level. Applies to modern-layout articles published on or after `body.since`
    whose body is not the fallback copy of `description`.

    **Why.** Templates style and index the sections by their level; from December 2025 on some
    articles came out with `###` for all four sections.

    **Example.**
    ```markdown
    ### Souhrn
    ```
    expected `## Souhrn`.

    **Fix (safe).** Rewrites the `#` markers only; the heading text is left alone. A heading
    recognised only by its likeness to a section name (a typo) gets an unsafe fix.

    **Options.** `body.sections.level`, `body.sections.items`, `body.since` (profile).
    """
    view = body_view(ctx)
    if not view.sectioned:
        return
    level = view.rules.settings.sections.level
    for hit in view.hits:
        h = hit.heading
        if hit.index is None or h.level == level:
            continue
        s, e = _marker_span(ctx.text, h)
        fix = Fix.replace(s, e, "#" * level, f"write the heading as level {level} ({'#' * level})",
                          SAFE if hit.safe else UNSAFE)
        yield Problem(s, h.end, f"section '{_name(view, hit.index)}' is a level-{h.level} heading "
                      f"({'#' * h.level}); sections are level {level} ({'#' * level})", fix)


@rule("NL802", "heading-variant", ERROR, fix=SAFE)
def heading_variant(ctx: Context):
    """A section heading is a near miss of its canonical text.

    **What it does.** Compares each heading with the profile's sections, ignoring case,
    diacritics, emphasis markers and a trailing colon or period, and accepting each section's
    `variants` (English equivalents such as `Summary`, `Key points`, `Details`, `Why it
    matters`) and headings that mix the words of the two (`Klíčové points`). A heading that
    only resembles a section name (one or two letters off) is reported too.

    **Why.** The site finds sections by their exact text; an LLM sometimes drifts into English
    or drops the diacritics.

    **Example.** `## Klíčové points`, `## Klicove body:`, `## Summary`; expected
    `## Klíčové body`, `## Souhrn`.

    **Fix (safe).** Replaces the heading text by the canonical text; the markers and the rest of
    the line are left alone. Unsafe when the heading only resembles the name (a typo); none when
    it resembles two sections.

    **Options.** `body.sections.items[].text`, `body.sections.items[].variants` (profile).
    """
    view = body_view(ctx)
    if not view.sectioned:
        return
    for hit in view.hits:
        h = hit.heading
        if hit.kind == "ambiguous":
            yield Problem(h.text_start, h.text_end,
                          f"heading '{h.text}' resembles more than one section; use one of "
                          + ", ".join(f"'{s.spec.text}'" for s in view.rules.sections))
            continue
        if hit.index is None or hit.kind == "exact":
            continue
        target = _name(view, hit.index)
        how = "looks like a misspelling of" if hit.kind == "fuzzy" else "is a variant of"
        fix = Fix.replace(h.text_start, h.text_end, target, f"rename the heading to '{target}'",
                          SAFE if hit.safe else UNSAFE)
        yield Problem(h.text_start, h.text_end, f"heading '{h.text}' {how} the section '{target}'", fix)


@rule("NL803", "missing-section", ERROR)
def missing_section(ctx: Context):
    """An article of importance 3 or more lacks one of the required sections.

    **What it does.** Articles with `importance` at or above `body.sections.min-importance`
    (default 3) have all the profile's sections (`Souhrn`, `Klíčové body`, `Podrobnosti`,
    `Proč je to důležité`). A heading at the wrong level or a near miss of the name counts as
    present (`heading-level` and `heading-variant` report those). Not checked on the fallback
    body (`body-fallback`), on a teaser body (`teaser-body`, while it runs) or before
    `body.since`. A stock body repeated in other articles is reported here, not again by
    `boilerplate-body`.

    **Why.** The page template and the feed excerpt read the sections; a missing one leaves a
    hole in the page.

    **Example.** An importance-4 article with `## Souhrn` and `## Podrobnosti` only.

    **Fix.** None: the text of the section has to be written.

    **Options.** `body.sections.min-importance`, `body.sections.items` (profile).
    """
    view = body_view(ctx)
    if not view.sectioned or view.importance is None:
        return
    if view.importance < view.rules.settings.sections.min_importance:
        return
    first: dict[int, int] = {}
    for pos, hit in enumerate(view.hits):
        if hit.index is not None:
            first.setdefault(hit.index, pos)
    from .rendered import hidden_sections  # a code block swallows them: hidden-content says so

    hidden = hidden_sections(ctx)
    missing = [s.index for s in view.rules.sections if s.index not in first and s.index not in hidden]
    if not missing:
        return
    text = ctx.text
    if not first:
        from .teaser import reported  # a teaser for a body: teaser-body says so, once

        if reported(ctx):
            return
        lo, hi = view.content_start, view.content_end
        s = lo + len(text[lo:hi]) - len(text[lo:hi].lstrip())
        e = s + len(text[s:hi].split("\n", 1)[0].rstrip("\r"))
        names = ", ".join(f"'{_name(view, i)}'" for i in missing)
        yield Problem(s, e, f"importance {view.importance} article has none of its sections ({names})")
        return
    for i in missing:
        later = [first[j] for j in first if j > i]
        if later:
            h = view.hits[min(later)].heading
            where, end = h.start, h.end
            place = f"before '{h.text}'"
        else:
            where = end = view.content_end
            place = "at the end of the article text"
        yield Problem(where, end, f"importance {view.importance} article has no section "
                      f"'{_name(view, i)}' (expected {place})")


@rule("NL804", "section-order", ERROR)
def section_order(ctx: Context):
    """The sections are not in the profile's order.

    **What it does.** The sections come in the order of `body.sections.items`:
    `Souhrn`, `Klíčové body`, `Podrobnosti`, `Proč je to důležité`. Reports the headings that are
    out of place (those outside the longest run already in order).

    **Why.** Readers and templates expect the summary first and the assessment last.

    **Example.** `## Podrobnosti` before `## Souhrn`.

    **Fix.** None: moving whole sections is left to the editor.

    **Options.** `body.sections.items` (profile).
    """
    view = body_view(ctx)
    if not view.sectioned:
        return
    seen: set[int] = set()
    firsts = []
    for hit in view.hits:
        if hit.index is not None and hit.index not in seen:
            seen.add(hit.index)
            firsts.append(hit)
    if all(a.index < b.index for a, b in zip(firsts, firsts[1:])):
        return
    # longest increasing subsequence (n <= a handful): the rest are out of place
    n = len(firsts)
    best = [1] * n
    prev = [-1] * n
    for j in range(n):
        for i in range(j):
            if firsts[i].index >= firsts[j].index:
                continue
            # on a tie keep the run with the earlier sections: [B, A, C] reports B, not A
            if best[i] + 1 > best[j] or (best[i] + 1 == best[j] and prev[j] != -1
                                         and firsts[i].index < firsts[prev[j]].index):
                best[j], prev[j] = best[i] + 1, i
    k = max(range(n), key=lambda x: best[x])
    keep = set()
    while k != -1:
        keep.add(k)
        k = prev[k]
    order = ", ".join(f"'{s.spec.text}'" for s in view.rules.sections)
    for pos, hit in enumerate(firsts):
        if pos not in keep:
            h = hit.heading
            yield Problem(h.start, h.end, f"section '{_name(view, hit.index)}' is out of order "
                          f"(the order is {order})")


@rule("NL805", "duplicate-section", ERROR)
def duplicate_section(ctx: Context):
    """A section appears twice.

    **What it does.** Reports the second and later headings of the same section (counting near
    misses and wrong levels as the section).

    **Why.** Usually two generations pasted together, or a stray copy of a heading.

    **Example.** Two `## Souhrn` headings in one article.

    **Fix.** None: which copy to keep is an editorial choice.

    **Options.** `body.sections.items` (profile).
    """
    view = body_view(ctx)
    if not view.sectioned:
        return
    seen: dict[int, "Heading"] = {}
    for hit in view.hits:
        if hit.index is None:
            continue
        h = hit.heading
        if hit.index in seen:
            first_line = ctx.line_of(seen[hit.index].start)
            yield Problem(h.start, h.end, f"section '{_name(view, hit.index)}' appears again "
                          f"(first on line {first_line})")
        else:
            seen[hit.index] = h


@rule("NL806", "empty-section", ERROR)
def empty_section(ctx: Context):
    """A section heading has no text under it.

    **What it does.** Reports a section whose heading is followed only by blank lines before the
    next section, the footer or the end of the article.

    **Why.** An empty section renders as a dangling heading; the generator ran out of tokens or
    the text was deleted.

    **Example.**
    ```markdown
    ## Podrobnosti

    ## Proč je to důležité
    ```

    **Fix.** None: the text has to be written (or the heading removed).

    **Options.** `body.sections.items` (profile).
    """
    view = body_view(ctx)
    if not view.sectioned:
        return
    text = ctx.text
    for pos, hit in enumerate(view.hits):
        if hit.index is None:
            continue
        h = hit.heading
        end = _section_end(view, pos)
        if not text[h.end:end].strip():
            yield Problem(h.start, h.end, f"section '{_name(view, hit.index)}' is empty")


@rule("NL807", "unexpected-heading", WARNING)
def unexpected_heading(ctx: Context):
    """A heading that is none of the profile's sections.

    **What it does.** In articles of importance 3 and more, reports headings that are not a
    section (nor a near miss of one). In articles below `body.sections.min-importance`, whose
    body is a short summary without headings, reports every heading.

    **Why.** The generator writes only the four sections; anything else is LLM drift (a title
    repeated as `# Heading`, an invented `## Závěr`) or manual editing the templates do not
    expect.

    **Example.** `## Závěr` after `## Proč je to důležité`; `## Souhrn` in an importance-2 article.

    **Fix.** None: remove the heading or merge its text into a section.

    **Options.** `body.sections.min-importance`, `body.sections.items` (profile).
    """
    view = body_view(ctx)
    if not view.sectioned:
        return
    low = view.importance is not None and view.importance < view.rules.settings.sections.min_importance
    for hit in view.hits:
        h = hit.heading
        if low:
            yield Problem(h.start, h.end, f"heading '{h.text}' in an importance {view.importance} "
                          f"article (below {view.rules.settings.sections.min_importance} the body "
                          "is a short summary without headings)")
        elif hit.index is None and hit.kind != "ambiguous":
            yield Problem(h.start, h.end, f"heading '{h.text}' is not one of the sections ("
                          + ", ".join(f"'{s.spec.text}'" for s in view.rules.sections) + ")")


_BULLET = re.compile(r" ?(?:[-*+]|\d{1,9}[.)])[ \t]+\S")
_FENCE = re.compile(r" {0,3}(`{3,}|~{3,})")
_BREAK = re.compile(r" {0,3}([-*_])(?:[ \t]*\1){2,}[ \t]*\r?$")


def count_bullets(text: str, start: int, end: int) -> int:
    """Top-level list items between two offsets (outside code fences)."""
    n = 0
    fence = None
    for line in text[start:end].split("\n"):
        m = _FENCE.match(line)
        if fence is not None:
            if m and m.group(1)[0] == fence[0] and len(m.group(1)) >= len(fence):
                fence = None
            continue
        if m:
            fence = m.group(1)
        elif _BULLET.match(line) and not _BREAK.match(line):
            n += 1
    return n


@rule("NL808", "key-points", ERROR)
def key_points(ctx: Context):
    """The key-points section has too few or too many bullet items.

    **What it does.** Counts the top-level list items (`-`, `*`, `+`, `1.`) under each section
    that has a `bullets` range in the profile (`Klíčové body`: 3 to 5). Nested items and code
    blocks are not counted.

    **Why.** The key points are shown as a short list in the page and the feed; a paragraph
    instead of a list, or a list of ten, breaks that box.

    **Example.** `## Klíčové body` followed by two bullets, or by a paragraph.

    **Fix.** None: the points have to be rewritten.

    **Options.** `body.sections.items[].bullets.min`, `.max` (profile).
    """
    view = body_view(ctx)
    if not view.sectioned:
        return
    for pos, hit in enumerate(view.hits):
        if hit.index is None:
            continue
        rng = view.rules.sections[hit.index].spec.bullets
        if rng is None:
            continue
        h = hit.heading
        end = _section_end(view, pos)
        if not ctx.text[h.end:end].strip():
            continue  # empty-section reports it
        n = count_bullets(ctx.text, h.end, end)
        if n < rng.min or (rng.max is not None and n > rng.max):
            want = f"{rng.min} to {rng.max}" if rng.max is not None else f"at least {rng.min}"
            yield Problem(h.start, h.end, f"section '{_name(view, hit.index)}' has {n} bullet "
                          f"item{'s' if n != 1 else ''}; expected {want}")
