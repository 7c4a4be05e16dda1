"""The outlet: its name left in the Czech `title`, or listed among the `companies` (NL608, NL609)."""

from __future__ import annotations

import re
import unicodedata
from typing import NamedTuple
from urllib.parse import urlsplit

import yaml

from ..diagnostics import Edit, Fix
from ..document import Document, Loader
from .base import SAFE, UNSAFE, WARNING, Context, Problem, rule
from .content import untranslated_fields

# Outlets whose name is often appended to a headline. Matched (normalised) only when the
# article's own source is unknown or an aggregator: an outlet citing another ("… – Reuters"
# on RT) attributes the story, it does not sign it.
KNOWN_OUTLETS = frozenset((
    "9to5Google", "9to5Mac", "ABC News", "Android Authority", "Android Central", "Android Police",
    "AppleInsider", "Ars Technica", "Associated Press", "Axios", "BBC", "BBC News", "BGR",
    "BleepingComputer", "Bloomberg", "Business Insider", "BuzzFeed", "CBS News", "CNBC", "CNET",
    "CNN", "Decrypt", "Digital Trends", "Engadget", "Financial Times", "Forbes", "Fortune",
    "Fox News", "Futurism", "Gizmodo", "Hacker News", "How-To Geek", "IGN", "Kotaku", "MacRumors",
    "MakeUseOf", "Mashable", "MIT Technology Review", "Neowin", "New Scientist", "NPR", "PCMag",
    "PC Gamer", "PCWorld", "PhoneArena", "Phys.org", "Polygon", "Reuters", "ScienceAlert",
    "SciTechDaily", "Slashdot", "TechCrunch", "TechRadar", "TechSpot", "The Guardian",
    "The Hacker News", "The Register", "The Verge", "The Washington Post", "Tom's Guide",
    "Tom's Hardware", "VentureBeat", "VideoCardz", "Windows Central", "Windows Latest", "WIRED",
    "XDA", "XDA Developers", "ZDNET",
))
AGGREGATORS = frozenset(("google news", "yahoo", "yahoo news", "yahoo entertainment", "msn",
                         "biztoc", "flipboard", "newsbreak"))
_SECOND_LEVEL = frozenset(("co", "com", "org", "net", "ac", "gov", "edu"))
_SEPARATORS = "|-–—"
_DOMAIN = re.compile(r"[\w-]+(?:\.[\w-]+)*\.[a-z]{2,}")  # a host name (at most 253 characters)


class Suffix(NamedTuple):
    start: int  # where the blanks before the separator start: the value keeps title[:start]
    separator: str
    name: str


def title_suffix(title: str) -> Suffix | None:
    """The last ` | `, ` - `, ` – ` or ` — ` of ``title`` and the name after it, or None."""
    at = max(title.rfind(f" {c} ") for c in _SEPARATORS)
    name = title[at + 3:].strip() if at > 0 else ""
    start = len(title[:at].rstrip())
    return Suffix(start, title[at + 1], name) if name and start else None


def norm(text: str) -> str:
    """Case, accents, spaces and punctuation left out: `Pokémon GO Hub` = `pokemongohub`."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if c.isalnum())


_KNOWN = frozenset(norm(n) for n in KNOWN_OUTLETS)


def _domain_label(host: str) -> str:
    """`www.xda-developers.com` -> `xda-developers`, `www.bbc.co.uk` -> `bbc`."""
    labels = [x for x in host.lower().split(".") if x]
    if labels[:1] == ["www"]:
        labels = labels[1:]
    if len(labels) >= 3 and labels[-2] in _SECOND_LEVEL:
        labels = labels[:-1]
    return labels[-2] if len(labels) >= 2 else ""


def _source(ctx: Context) -> tuple[str | None, str | None]:
    """The outlet's name (`source.name`, or the legacy `source` text) and the article's URL."""
    data = ctx.data or {}
    source = data.get("source")
    name = source.get("name") if isinstance(source, dict) else source
    url = data.get("url") if isinstance(data.get("url"), str) else data.get("source_url")
    return (name if isinstance(name, str) and name.strip() else None,
            url if isinstance(url, str) else None)


def outlet_match(ctx: Context, name: str) -> str | None:
    """How ``name`` is the article's own outlet: 'source' (it is `source.name`, normalised),
    'domain' (the source's or the URL's domain name), 'part' (the first word of `source.name`
    or of its domain name: `Android` of `Android Police`, `XDA` of `xda-developers.com`),
    'known' (a known outlet, the source being unknown or an aggregator); None when it is not."""
    source, url = _source(ctx)
    n = norm(name)
    if not n:
        return None
    if source is not None and n == norm(source):
        return "source"
    labels, parts = set(), set()
    for text in (source, _host(url)):
        if text and len(text) <= 253 and _DOMAIN.fullmatch(text.strip().lower()):
            label = _domain_label(text.strip())
            labels.add(norm(label))
            parts.add(norm(label.split("-")[0]))
    if n in labels:
        return "domain"
    words = source.casefold().split() if source else []
    if n in parts or (words and n not in ("the", "a", "an")
                      and name.casefold().split() == words[:len(name.split())]):
        return "part"
    if n in _KNOWN and (source is None or source.casefold() in AGGREGATORS):
        return "known"
    return None


def _host(url: str | None) -> str | None:
    try:
        return urlsplit(url).hostname if url else None
    except ValueError:
        return None


def reads_back(doc: Document, edits: tuple[Edit, ...], check) -> bool:
    """Do the front matter with ``edits`` applied still parse, and ``check(data)`` hold?"""
    src, base, pieces, at = doc.yaml_text, doc.yaml_start, [], 0
    for e in sorted(edits):  # one pass: the untouched text between the edits, and each edit
        pieces += (src[at:e.start - base], e.content)
        at = e.end - base
    text = "".join(pieces) + src[at:]
    try:
        data = yaml.load(text, Loader=Loader)
    except yaml.YAMLError:
        return False
    return isinstance(data, dict) and bool(check(data))


def _raw_suffix(ctx: Context, entry, suffix: str) -> tuple[int, int, int] | None:
    """Where ``suffix`` (of the value, from its leading blanks) is written in the file: the
    start of its blanks, of the separator, and its end. Any blank may be a folded line break;
    None when it is escaped, in a block scalar, or not at the value's end. Read backwards from
    the value's end, one character at a time."""
    style = getattr(entry.node, "style", None)
    if style in ("|", ">") or (style == '"' and any(c in suffix for c in '"\\')):
        return None
    start, end = entry.value
    if style in ("'", '"'):
        start, end = start + 1, end - 1
    text, i = ctx.text, end
    words = [w.replace("'", "''") if style == "'" else w for w in suffix.split()]
    for k, word in enumerate(reversed(words)):
        j = i
        while j > start and text[j - 1].isspace():
            j -= 1
        if (k and j == i) or j - len(word) < start or not text.startswith(word, j - len(word)):
            return None
        i = j - len(word)
    blanks = i
    while blanks > start and text[blanks - 1].isspace():
        blanks -= 1
    return (blanks, i, end) if blanks < i else None


@rule("NL608", "outlet-in-title", WARNING, fix=SAFE)
def outlet_in_title(ctx: Context):
    """The Czech `title` ends with the outlet's name: `… - The Verge`, `… – TechCrunch`.

    **What it does.** Looks at the end of `title` after ` | `, ` - `, ` – ` or ` — `. It is the
    outlet when it is `source.name` (the legacy `source`) with case, accents, spaces and
    punctuation ignored; or the domain name of the source or of `url` (`BBC` for `BBC News`);
    or, when the source is unknown or an aggregator (Google News, Yahoo …), a well-known outlet
    (`Hacker News`). The first word of a longer name (`XDA` for `xda-developers.com`, `Android`
    for `Android Police`) counts only when `original_title` ends with it too. A name
    `original_title` does not end with is reported only when it is the whole name and
    `original_title` does not name it: in Czech `X – Y` also reads "X versus Y"
    (`Real Madrid – Liverpool`) or an apposition (`Antimonopolní spor USA – Google` from
    Google's blog). An outlet citing another one (`… – Reuters` on RT) is attribution and is
    not reported. Only `title` is checked:
    `original_title` is the source's headline as published and keeps its suffix (the slug is
    made from it), and a title left untranslated is `not-translated`'s or `untranslated`'s
    finding, not this one. Reported at the separator.

    **Why.** The outlet is shown beside the title already (the footer's **Zdroj:** line); in
    the title it is noise the translation copied from the source headline.

    **Example.**
    ```yaml
    source:
      name: TechCrunch
    title: Yann LeCun potvrzuje svůj nový startup, údajně hledá valuaci
      přes 5 miliard dolarů | TechCrunch
    ```

    **Fix.** Removes the separator and the name, in place (a folded line stays folded, quotes
    stay). Safe when the name is `source.name` and `original_title` ends with it too (the
    translation copied the source's suffix); unsafe otherwise (a domain name, a first word, a
    known outlet, or a suffix the source's headline does not carry). No fix when the suffix is
    written with escapes or in a block scalar.
    """
    if not isinstance(ctx.data, dict) or ctx.layout not in (ctx.profile.layout, *ctx.profile.legacy_layouts):
        return
    title = ctx.data.get("title")
    if not isinstance(title, str) or _untranslated(ctx, title):
        return
    suffix = title_suffix(title)
    how = outlet_match(ctx, suffix.name) if suffix else None
    copied = how is not None and _copied(ctx, suffix.name)
    if how is None or not (copied or _added_outlet(ctx, how, suffix.name)):
        return
    entry = ctx.doc.entry("title")
    raw = _raw_suffix(ctx, entry, title[suffix.start:])
    kept = title[:suffix.start]
    message = (f"title ends with the outlet's name '{suffix.name}': remove "
               f"'{suffix.separator} {suffix.name}'")
    why = _why(how) + ("" if copied else " (original_title does not end with it)")
    if raw is None:
        yield Problem(entry.value.start, entry.value.end, message + why)
        return
    blanks, separator, end = raw
    edits, fix = (Edit(blanks, end, ""),), None
    if reads_back(ctx.doc, edits, lambda data: data.get("title") == kept):
        safe = how == "source" and copied
        fix = Fix(edits, SAFE if safe else UNSAFE, f"remove '{suffix.name}' from the title")
    yield Problem(separator, end, message + why, fix)


def _copied(ctx: Context, name: str) -> bool:
    """Does `original_title` end with the same outlet suffix? The translation then copied it
    from the source's headline."""
    original = ctx.data.get("original_title")
    suffix = title_suffix(original) if isinstance(original, str) else None
    return suffix is not None and norm(suffix.name) == norm(name)


def _added_outlet(ctx: Context, how: str, name: str) -> bool:
    """A suffix the source's headline does not carry: in Czech `X – Y` also reads "X versus Y"
    or an apposition (`Antimonopolní spor USA – Google`). Still the outlet when it is its whole
    name (not the first word of a longer one) and `original_title` does not name it (the story
    is not about it)."""
    original = ctx.data.get("original_title")
    return how != "part" and not _mentions(_without_suffix(original), name)


def _untranslated(ctx: Context, title: str) -> bool:
    """A title left as the source's headline keeps the source's suffix: translating it is the
    fix (`not-translated` / `untranslated`), and trimming it would only hide that."""
    if title == ctx.data.get("original_title"):
        return True
    return any(u.name == "title" for u in untranslated_fields(ctx))


def _why(how: str) -> str:
    return {"source": "", "domain": " (the source's domain name)",
            "part": " (the first word of the source's name)",
            "known": " (a known outlet; the source is unknown or an aggregator)"}[how]


def _line_start(text: str, offset: int) -> int:
    return text.rfind("\n", 0, offset) + 1


def _line_end(text: str, offset: int) -> int:
    """The offset after the line break of the line holding ``offset`` (or the text's end)."""
    nl = text.find("\n", offset)
    return len(text) if nl == -1 else nl + 1


def _remove_item(ctx: Context, key: str, index: int | None) -> tuple[Edit, ...]:
    """Edits that take item ``index`` out of the list at ``key`` in its own style; the whole
    key (its lines) when ``index`` is None or the item is the only one: the generator leaves an
    empty list out."""
    text, doc = ctx.text, ctx.doc
    node = doc.entry(key).node
    if index is None or len(node.value) == 1:
        whole = doc.entry(key)
        return (Edit(_line_start(text, whole.key.start), _line_end(text, whole.value.end - 1)),)
    item = doc.entry(key, index).value
    if not node.flow_style:
        return (Edit(_line_start(text, item.start), _line_end(text, item.end - 1)),)
    if index > 0:
        return (Edit(doc.entry(key, index - 1).value.end, item.end),)
    return (Edit(item.start, doc.entry(key, 1).value.start),)


def _mentions(text, name: str) -> bool:
    return isinstance(text, str) and re.search(
        r"(?<!\w)" + re.escape(name.casefold()) + r"(?!\w)", text.casefold()) is not None


def _without_suffix(title):
    suffix = title_suffix(title) if isinstance(title, str) else None
    return title[:suffix.start] if suffix else title


@rule("NL609", "outlet-as-company", WARNING, fix=UNSAFE)
def outlet_as_company(ctx: Context):
    """`companies` lists the outlet that published the article: `TechCrunch`, `Android Police`.

    **What it does.** Reports an item of `companies` that is `source.name`, with case, accents,
    spaces and punctuation ignored (`Gizmodo` for `Gizmodo.com` too). Not reported when
    `title` or `original_title` (without an outlet suffix such as `- TechCrunch`) names it: the
    story is then probably about the outlet (Reuters reporting on Reuters).

    **Why.** `companies` names the companies the story is about; the extraction step picks up
    the outlet from the headline suffix or the byline.

    **Example.**
    ```yaml
    companies:
    - Inception
    - TechCrunch
    original_title: Inception raises $50 million to build diffusion models for code and
      text - TechCrunch
    source:
      name: TechCrunch
    ```

    **Fix (unsafe).** Removes the item, keeping the list's style (block `- a` or flow `[a, b]`);
    the whole `companies` key when every item is the outlet (`Fox News`, `FOX NEWS`). Unsafe: a
    story can be about its own outlet in ways the title does not show.
    """
    if not ctx.modern:
        return
    companies, (source, _) = ctx.data.get("companies"), _source(ctx)
    if not isinstance(companies, list) or source is None:
        return
    names = {norm(source)}
    if len(source) <= 253 and _DOMAIN.fullmatch(source.strip().lower()):
        names.add(norm(source.strip().rsplit(".", 1)[0]))
    found = [i for i, item in enumerate(companies) if isinstance(item, str) and norm(item) in names
             and not any(_mentions(_without_suffix(ctx.data.get(k)), item)
                         for k in ("title", "original_title"))]
    fixes = _company_fixes(ctx, found)
    for i in found:
        span = ctx.doc.value_span("companies", i)
        yield Problem(span.start, span.end,
                      f"companies item '{companies[i]}' is the outlet (source.name '{source}'), not "
                      "a company the story is about: remove it", fixes.get(i))


def _company_fixes(ctx: Context, found: list[int]) -> dict[int, Fix]:
    """The fix of each item of ``found`` (indexes into `companies`). Every item the outlet: one
    fix removing the key, the same for each. Otherwise each item's own edits, read back once
    together (a parse per item made a long list quadratic); an item whose edits overlap another
    item's (the first two of a flow list) is read back alone."""
    companies = ctx.data["companies"]
    if not found:
        return {}
    if len(found) == len(companies):
        edits = _remove_item(ctx, "companies", None)
        fix = Fix(edits, UNSAFE, "remove companies: it lists only the outlet")
        ok = reads_back(ctx.doc, edits, lambda data: set(data) == set(ctx.data) - {"companies"})
        return dict.fromkeys(found, fix) if ok else {}
    together, alone, end = {}, {}, -1
    for i in found:
        edits = _remove_item(ctx, "companies", i)
        (together if min(e.start for e in edits) >= end else alone)[i] = edits
        if i in together:
            end = max(e.end for e in edits)
    fixes = {}
    for group in ([together] if together else []) + [{i: e} for i, e in alone.items()]:
        expected = [c for k, c in enumerate(companies) if k not in group]
        edits = tuple(e for item_edits in group.values() for e in item_edits)
        if reads_back(ctx.doc, edits, lambda data: data.get("companies") == expected
                      and set(data) == set(ctx.data)):
            fixes |= {i: Fix(e, UNSAFE, f"remove '{companies[i]}' from companies")
                      for i, e in group.items()}
    return fixes
