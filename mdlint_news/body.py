"""One article's body as the body rules read it: the profile's ``body:`` section compiled once
per profile (:func:`body_settings`), and per file (:func:`body_view`) the content and the footer,
whether the section rules apply (modern layout, on or after ``body.since``, not the fallback
body) and how each heading matches the profile's sections."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timezone
from difflib import SequenceMatcher
from functools import lru_cache
from typing import TYPE_CHECKING

from pydantic import ValidationError

from .leaks import Leak
from .profile import PLACEHOLDER, BodySettings, SectionSpec, section_key
from .rendering import comment_lines
from .schema import parse_published

if TYPE_CHECKING:  # pragma: no cover
    from .document import Heading
    from .profile import Profile
    from .rules.base import Context


@dataclass
class SectionForms:
    index: int
    spec: SectionSpec
    norms: frozenset[str]  # normalised text and variants
    words: tuple[tuple[str, ...], ...]  # normalised words of the text and of each variant


@dataclass
class BodyRules:
    """BodySettings plus what is derived from it once: normalised section names, compiled
    patterns, the footer's fixed prefixes."""

    settings: BodySettings
    sections: list[SectionForms]
    exact: dict[str, int]  # canonical text -> section index
    by_norm: dict[str, int]  # normalised text/variant -> section index (-1: ambiguous)
    link_prefix: str = ""
    source_prefix: str = ""
    leaks: list[Leak] = field(default_factory=list)


def _build_rules(settings: BodySettings) -> BodyRules:
    sections, exact, by_norm = [], {}, {}
    for i, spec in enumerate(settings.sections.items):
        forms = [spec.text, *spec.variants]
        norms = frozenset(section_key(f) for f in forms)
        sections.append(SectionForms(i, spec, norms, tuple(tuple(section_key(f).split()) for f in forms)))
        exact[spec.text] = i
        for n in norms:
            by_norm[n] = i if by_norm.get(n, i) == i else -1
    out = BodyRules(settings, sections, exact, by_norm)
    if settings.footer is not None:
        f = settings.footer
        out.link_prefix = f.link[:PLACEHOLDER.search(f.link).start()].rstrip()
        out.source_prefix = f.source[:PLACEHOLDER.search(f.source).start()].rstrip()
    out.leaks = [Leak(p) for p in settings.leaks.patterns]
    return out


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
    for m in PLACEHOLDER.finditer(template):
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
    n = section_key(h.text)
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
