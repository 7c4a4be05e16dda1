"""The document model: text -> front-matter block -> composed YAML with spans -> data -> body.

Everything here is a pure function of the text. Problems found while parsing (broken YAML,
duplicate keys, aliases, implicit types) are recorded as :class:`ParseIssue` and reported by
the rules in ``rules/frontmatter.py``; nothing here raises on bad input.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from enum import Enum
from typing import Any, NamedTuple

import yaml
from frontmatter import default_handlers

_BaseLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _Loader(_BaseLoader):  # type: ignore[misc, valid-type]
    """libyaml's safe loader, resolving tags with less Python per node (~30 calls per file).

    The safe loader has no path resolvers, so descending and ascending resolve nothing, a quoted
    scalar is a string, and a plain scalar gets the tag of the first of its implicit resolvers
    (by its first character, then the wildcard ones) whose expression matches: what
    ``BaseResolver.resolve`` does, with the candidate list built once per first character."""

    _candidates: dict = {}
    _plain: dict = {}  # tag of short plain scalars seen before (keys, booleans: the same in every file)

    def descend_resolver(self, current_node, current_index):
        pass

    def ascend_resolver(self):
        pass

    def resolve(self, kind, value, implicit):
        if kind is yaml.ScalarNode:
            if implicit[0]:
                tag = self._plain.get(value)
                if tag is None:
                    tag = self._resolve_plain(value)
                    if len(value) <= 32:
                        if len(self._plain) >= 4096:
                            self._plain.clear()
                        self._plain[value] = tag
                return tag
            return self.DEFAULT_SCALAR_TAG
        return self.DEFAULT_SEQUENCE_TAG if kind is yaml.SequenceNode else self.DEFAULT_MAPPING_TAG

    def _resolve_plain(self, value: str) -> str:
        first = value[:1]
        found = self._candidates.get(first)
        if found is None:
            table = self.yaml_implicit_resolvers
            found = self._candidates[first] = tuple(table.get(first, [])) + tuple(table.get(None, []))
        for tag, regexp in found:
            if regexp.match(value):
                return tag
        return self.DEFAULT_SCALAR_TAG


Loader = _Loader if not _BaseLoader.yaml_path_resolvers else _BaseLoader

STR_TAG = "tag:yaml.org,2002:str"
_CORE_TAGS = {
    "tag:yaml.org,2002:" + t
    for t in ("str", "int", "float", "bool", "null", "timestamp", "map", "seq", "binary")
}
MAX_DEPTH = 32
_TAG_KIND = {"tag:yaml.org,2002:map": "mapping", "tag:yaml.org,2002:seq": "sequence",
             **{t: "scalar" for t in _CORE_TAGS if t.rsplit(":", 1)[-1] not in ("map", "seq")}}
_CONFLICT = re.compile(r"^(<{7}|={7}|>{7})(?: .*)?\r?$", re.MULTILINE)
_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
# the definition of an ATX heading line (``_heading_match`` decides the same in linear time)
_HEADING = re.compile(r"^ {0,3}(#{1,6})(?:[ \t]+(.*?))?(?:[ \t]+#+)?[ \t]*\r?$")
# an anchor (&a) or alias (*a) can only start a node: at a line start or after a blank or a flow
# indicator; '&' inside URLs and words never matches. (The definition; ``_maybe_anchor`` decides
# the same without scanning every position, tests/test_fast_paths.py.)
_MAYBE_ANCHOR = re.compile(r"(?:^|[\s\[{,])[&*][^\s,\[\]{}]", re.MULTILINE)
_ANCHOR_BEFORE = frozenset(" \t\r\n\x0b\x0c\x1c\x1d\x1e\x1f\x85\xa0[{,")
_ANCHOR_NOT_AFTER = frozenset(",[]{}")


def _maybe_anchor(src: str) -> bool:
    """``_MAYBE_ANCHOR.search(src)``, from the (few) ``&`` and ``*`` found with ``str.find``."""
    for ch in "&*":
        i = src.find(ch)
        while i != -1:
            if i == 0 or src[i - 1] in _ANCHOR_BEFORE or src[i - 1].isspace():
                nxt = src[i + 1:i + 2]
                if nxt and not nxt.isspace() and nxt not in _ANCHOR_NOT_AFTER:
                    return True
            i = src.find(ch, i + 1)
    return False


def _closing(text: str, start: int) -> re.Match | None:
    """``_CLOSE.search(text, start)``, trying only the lines that start with ``---`` or ``...``
    (found with ``str.find``) instead of every position."""
    best = None
    for marker in ("---", "..."):
        i = start if text.startswith(marker, start) and (start == 0 or text[start - 1] == "\n") \
            else text.find("\n" + marker, start) + 1 or -1
        while i != -1 and (best is None or i < best.start()):
            m = _CLOSE.match(text, i)
            if m:
                best = m
                break
            j = text.find("\n" + marker, i)
            i = j + 1 if j != -1 else -1
    return best


_DELIM = re.compile(r"---[ \t]*(?:\r?\n|$)")
_CLOSE = re.compile(r"^(?:---|\.\.\.)[ \t]*\r?$", re.MULTILINE)


class _TOMLHandler(default_handlers.BaseHandler):
    """python-frontmatter only defines TOMLHandler when the toml package is installed; detection
    needs nothing but its boundary."""

    FM_BOUNDARY = re.compile(r"^\+{3,}\s*$", re.MULTILINE)


_FORMAT_HANDLERS = (
    ("TOML", default_handlers.TOMLHandler or _TOMLHandler),
    ("JSON", default_handlers.JSONHandler),
)


class IssueKind(Enum):
    """What went wrong while reading the front matter (the rule that reports each kind says so
    with ``reports=``)."""

    MISSING = "missing"  # no front matter
    FORMAT = "format"  # front matter in another format (TOML, JSON)
    SYNTAX = "syntax"  # YAML that does not parse, or that news-lint will not read
    ALIAS = "alias"  # an anchor/alias
    IMPLICIT_TYPE = "implicit_type"  # a plain scalar YAML reads as a number, date, boolean, null
    DUPLICATE_KEY = "duplicate_key"  # a key given twice in one mapping


@dataclass(frozen=True)
class ParseIssue:
    kind: IssueKind
    start: int
    end: int
    message: str
    data: dict = field(default_factory=dict)


class Span(NamedTuple):  # tuples: tens of them per file
    start: int
    end: int


class Entry(NamedTuple):
    """A mapping entry or sequence item in the front matter: where its key and value are."""

    key: Span | None  # None for sequence items
    value: Span
    node: yaml.Node


# ``Span(a, b)`` and ``Entry(k, v, n)`` without the Python-level ``__new__`` of a NamedTuple
# (tens of them per file): the same tuples
_new = tuple.__new__


class Heading(NamedTuple):
    level: int
    text: str
    start: int  # start of the line
    end: int  # end of the line content
    text_start: int
    text_end: int


@dataclass
class Document:
    text: str
    path: str = ""
    has_frontmatter: bool = False
    fm_format: str | None = None  # "YAML", or the unsupported format found
    open_span: Span | None = None  # the opening delimiter line
    close_span: Span | None = None  # the closing delimiter line (None when unterminated)
    yaml_start: int = 0
    yaml_text: str = ""
    root: yaml.Node | None = None
    data: dict[str, Any] | None = None
    entries: dict[tuple, Entry] = field(default_factory=dict)
    body_start: int = 0
    issues: list[ParseIssue] = field(default_factory=list)
    _headings: list[Heading] | None = None

    # -- queries used by rules -------------------------------------------------
    @property
    def body(self) -> str:
        return self.text[self.body_start:]

    def entry(self, *path) -> Entry | None:
        return self.entries.get(tuple(path))

    def value_span(self, *path) -> Span:
        """Span of the value at ``path``, falling back to the nearest existing parent key,
        then to the closing delimiter (where a missing top-level key would be added)."""
        path = tuple(path)
        while path:
            e = self.entries.get(path)
            if e is not None:
                return e.value
            path = path[:-1]
            e = self.entries.get(path)
            if e is not None and e.key is not None:
                return e.key
        return self.anchor_span()

    def key_span(self, *path) -> Span:
        e = self.entries.get(tuple(path))
        if e is not None and e.key is not None:
            return e.key
        return self.value_span(*path)

    def anchor_span(self) -> Span:
        if self.close_span is not None:
            return self.close_span
        if self.open_span is not None:
            return self.open_span
        return Span(0, 0)

    @property
    def headings(self) -> list[Heading]:
        if self._headings is None:
            self._headings = list(_scan_headings(self.text, self.body_start))
        return self._headings


def parse(text: str, path: str = "") -> Document:
    doc = Document(text=text, path=path)
    _split(doc)
    if doc.has_frontmatter and doc.fm_format == "YAML" and doc.close_span is not None:
        _compose(doc)  # an unclosed block is reported once; its "YAML" would be the whole body
    return doc


def _split(doc: Document) -> None:
    text = doc.text
    m = _DELIM.match(text)
    if not m:
        for name, handler in _FORMAT_HANDLERS:
            if handler().detect(text) and text.lstrip()[:1] in "+{":
                doc.fm_format = name
                first = text.find("\n")
                doc.open_span = Span(0, first if first != -1 else len(text))
                doc.issues.append(ParseIssue(
                    IssueKind.FORMAT, 0, doc.open_span.end,
                    f"{name} front matter is not supported; convert it to YAML between '---' lines"))
                return
        doc.issues.append(ParseIssue(
            IssueKind.MISSING, 0, min(len(text), max(text.find("\n"), 0)),
            "no front matter: the file must start with a '---' line"))
        return
    doc.has_frontmatter = True
    doc.fm_format = "YAML"
    doc.open_span = Span(0, m.end() - (2 if m.group().endswith("\r\n") else 1 if m.group().endswith("\n") else 0))
    doc.yaml_start = m.end()
    close = _closing(text, m.end())
    if close is None:
        doc.yaml_text = text[m.end():]
        doc.body_start = len(text)
        doc.issues.append(ParseIssue(
            IssueKind.SYNTAX, 0, doc.open_span.end,
            "front matter is not closed: add a '---' line after the last key"))
        return
    end = close.end()
    doc.close_span = Span(close.start(), end - (1 if text[end - 1:end] == "\r" else 0))
    doc.yaml_text = text[m.end():close.start()]
    if end < len(text) and text[end] == "\n":
        end += 1
    doc.body_start = end


def _compose(doc: Document) -> None:
    src = doc.yaml_text
    base = doc.yaml_start
    conflict = _CONFLICT.search(src) if ("<<<<<<<" in src or "=======" in src or
                                         ">>>>>>>" in src) else None
    if conflict:
        s = base + conflict.start()
        doc.issues.append(ParseIssue(
            IssueKind.SYNTAX, s, s + len(conflict.group().rstrip("\r")),
            "git merge-conflict marker in front matter: resolve the conflict, keep one side",
            {"conflict": True}))
        return
    if _maybe_anchor(src):  # cheap screen; the event stream decides
        if _find_aliases(doc):
            return
    try:
        root = yaml.compose(src, Loader=Loader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        s = base + (mark.index if mark else 0)
        problem = exc.problem or "invalid YAML"
        ctx = f" ({exc.context})" if exc.context else ""
        doc.issues.append(ParseIssue(IssueKind.SYNTAX, s, s, f"YAML syntax error: {problem}{ctx}"))
        return
    except (yaml.YAMLError, RecursionError, ValueError) as exc:
        doc.issues.append(ParseIssue(IssueKind.SYNTAX, base, base, f"YAML error: {exc}"))
        return
    doc.root = root
    if root is None:
        doc.data = {}
        return
    if not isinstance(root, yaml.MappingNode):
        doc.issues.append(ParseIssue(
            IssueKind.SYNTAX, base + root.start_mark.index, base + root.end_mark.index,
            "front matter must be a mapping of keys to values"))
        return
    builder = _Builder(doc)
    try:
        doc.data = builder.mapping(root, (), 0)
    except _Abort:
        doc.data = None


def _find_aliases(doc: Document) -> bool:
    """Anchors and aliases are refused outright (alias bombs); found from the event stream."""
    found = False
    try:
        for ev in yaml.parse(doc.yaml_text, Loader=Loader):
            if isinstance(ev, yaml.AliasEvent):
                kind = f"alias '*{ev.anchor}'"
            elif getattr(ev, "anchor", None):
                kind = f"anchor '&{ev.anchor}'"
            else:
                continue
            found = True
            s = doc.yaml_start + ev.start_mark.index
            end = s + len(ev.anchor) + 1 if not isinstance(ev, yaml.AliasEvent) else doc.yaml_start + ev.end_mark.index
            doc.issues.append(ParseIssue(
                IssueKind.ALIAS, s, max(end, s + 1),
                f"YAML {kind}: anchors and aliases are not allowed in front matter; write the value out"))
    except yaml.YAMLError:
        return found  # the syntax error is reported by the composer
    return found


_SCALAR, _MAPPING, _SEQUENCE = yaml.ScalarNode, yaml.MappingNode, yaml.SequenceNode


class _Abort(Exception):
    pass


class _Builder:
    """Walks the composed tree into plain data, recording spans and what YAML would hide."""

    def __init__(self, doc: Document):
        self.doc = doc
        self.base = doc.yaml_start
        self.constructor = yaml.constructor.SafeConstructor()
        self.seen: set[int] = set()  # ids of the nodes walked: an alias is a node met twice

    def span(self, node: yaml.Node) -> Span:
        s, e = node.start_mark.index, node.end_mark.index
        if type(node) is _SCALAR and node.style in ("|", ">"):
            # block scalars end after their trailing line break; point at the content
            raw = self.doc.yaml_text[s:e]
            e = s + len(raw.rstrip("\r\n"))
        return _new(Span, (self.base + s, self.base + e))

    def issue(self, kind: IssueKind, node: yaml.Node, message: str, **data) -> None:
        sp = self.span(node)
        self.doc.issues.append(ParseIssue(kind, sp.start, sp.end, message, data))

    def value(self, node: yaml.Node, path: tuple, depth: int) -> Any:
        if id(node) in self.seen:  # an alias the anchor screen let through: walking shared
            self.issue(IssueKind.ALIAS, node,  # nodes again and again is how alias bombs explode
                       "YAML alias: anchors and aliases are not allowed in front matter; "
                       "write the value out")
            raise _Abort
        self.seen.add(id(node))
        cls, tag = type(node), node.tag
        if cls is _SCALAR and tag == STR_TAG and depth <= MAX_DEPTH:
            return node.value  # the common case: the composed value is the string itself
        if depth > MAX_DEPTH:
            self.issue(IssueKind.SYNTAX, node, f"front matter is nested deeper than {MAX_DEPTH} levels")
            raise _Abort
        if tag not in _CORE_TAGS:
            self.issue(IssueKind.SYNTAX, node,
                       f"unsupported YAML tag '{tag}': front matter holds plain values only")
            raise _Abort
        kind = "mapping" if cls is _MAPPING else "sequence" if cls is _SEQUENCE else "scalar"
        if _TAG_KIND.get(tag, kind) != kind:  # `!!map text`, `!!str {a: 1}`: PyYAML would
            # quietly build an empty dict, or ignore the tag
            self.issue(IssueKind.SYNTAX, node, f"YAML tag '{tag.rsplit(':', 1)[-1]}' does not "
                       f"fit a {kind}: remove the tag")
            raise _Abort
        if cls is _MAPPING:
            return self.mapping(node, path, depth)
        if cls is _SEQUENCE:
            out = []
            entries, span = self.doc.entries, self.span
            for i, item in enumerate(node.value):
                entries[path + (i,)] = _new(Entry, (None, span(item), item))
                out.append(self.value(item, path + (i,), depth + 1))
            return out
        return self.scalar(node, path)

    def scalar(self, node: yaml.ScalarNode, path: tuple) -> Any:
        if node.tag == STR_TAG:
            return node.value  # the common case: the composed value is the string itself
        try:
            value = self.constructor.construct_object(node)
        except Exception as exc:  # PyYAML's constructors raise KeyError, AttributeError ... on bad
            # values of explicit tags (`!!bool maybe`, `!!timestamp x`)
            why = exc if isinstance(exc, (yaml.YAMLError, ValueError, OverflowError)) else \
                f"{node.value!r} is not a valid {node.tag.rsplit(':', 1)[-1]}"
            self.issue(IssueKind.SYNTAX, node, f"cannot read value: {why}")
            raise _Abort from None
        if not node.style and node.tag != STR_TAG and node.value != "" and path:
            self.doc.issues.append(ParseIssue(
                IssueKind.IMPLICIT_TYPE, *self._astuple(node), "", {"path": path, "tag": node.tag,
                                                                   "value": value, "raw": node.value}))
        return value

    def _astuple(self, node):
        sp = self.span(node)
        return sp.start, sp.end

    def mapping(self, node: yaml.MappingNode, path: tuple, depth: int) -> dict:
        out: dict = {}
        entries, span = self.doc.entries, self.span
        for knode, vnode in node.value:
            if type(knode) is not _SCALAR:
                self.issue(IssueKind.SYNTAX, knode, "mapping keys must be plain strings")
                raise _Abort
            key = knode.value
            kpath = path + (key,)
            if key in out:
                first = entries[kpath]
                self.issue(IssueKind.DUPLICATE_KEY, knode,
                           f"duplicate key '{'.'.join(map(str, kpath))}' (first defined on the line "
                           f"of offset {first.key.start}); YAML keeps only the last value",
                           path=kpath, first=first.key)
            entries[kpath] = _new(Entry, (span(knode), span(vnode), vnode))
            out[key] = self.value(vnode, kpath, depth + 1)
        return out


def _scan_headings(text: str, start: int):
    """ATX headings outside fenced code blocks. Only lines that start (after at most three
    spaces) with ``#``, a backtick or a tilde can open or close a fence or be a heading: they
    are found with ``str.find`` and every other line is never looked at."""
    fence: str | None = None
    n = len(text)
    for pos in _candidate_lines(text, start):
        nl = text.find("\n", pos)
        end = n if nl == -1 else nl
        line = text[pos:end]
        fm = _FENCE.match(line)
        if fence is not None:
            if (fm and fm.group(1)[0] == fence[0] and len(fm.group(1)) >= len(fence)
                    and not line[fm.end():].strip()):  # a closing fence has no info string
                fence = None
        elif fm:
            fence = fm.group(1)
        elif line.lstrip(" ").startswith("#"):
            hm = _heading_match(line)
            if hm:
                level, ts, te = hm
                content_end = end - (1 if line.endswith("\r") else 0)
                if ts is None:
                    yield Heading(level, "", pos, content_end, content_end, content_end)
                else:
                    yield Heading(level, line[ts:te], pos, content_end, pos + ts, pos + te)


def _heading_match(line: str) -> tuple[int, int | None, int | None] | None:
    """``_HEADING.match(line)`` as (level, start, end of group 2, None when it did not take
    part), in one pass: the expression backtracks over every blank run (quadratic in it)."""
    h = len(line) - len(line.lstrip(" "))
    if h > 3:
        return None
    level = len(line) - h - len(line[h:].lstrip("#"))
    h += level
    if not 1 <= level <= 6:
        return None
    rest = line[h:]
    if rest in ("", "\r"):
        return level, None, None
    if rest[0] not in " \t":
        return None
    body = line[:-1] if line.endswith("\r") else line
    ts = len(body) - len(body[h:].lstrip(" \t"))  # the text starts after the blanks
    tail = body.rstrip(" \t")
    closing = len(tail.rstrip("#"))  # where a closing run of # starts (len(tail): none)
    before = len(tail[:closing].rstrip(" \t"))
    if closing < len(tail) and before < closing and ts <= before:
        return level, ts, before  # ` ## ` at the end closes the heading
    return level, ts, max(ts, len(tail))


def _candidate_lines(text: str, start: int) -> list[int]:
    """Starts of the lines from ``start`` on whose first non-space character, after at most
    three spaces, is ``#``, a backtick or a tilde; in order."""
    found = set()
    for ch in "#`~":
        i = text.find(ch, start)
        while i != -1:
            line = text.rfind("\n", start, i) + 1 if i > start else start
            line = max(line, start)
            if i - line <= 3 and text[line:i] == " " * (i - line):
                found.add(line)
            nl = text.find("\n", i)
            if nl == -1:
                break
            i = text.find(ch, nl + 1)
    return sorted(found)
