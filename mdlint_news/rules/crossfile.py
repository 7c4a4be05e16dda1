"""Across files: the same story, slug or title in two articles (NL86x).

These rules need every article of the site, not one file: each file contributes a compact
summary (its slug, url and title with their positions, from the front matter), and after all
files are linted the runner compares the summaries (``find_duplicates``). When only some files
are linted (pre-commit passes the staged ones), the rest of their folders is indexed from the
front matter alone, so a new article is still compared with the published ones; the folders to
index are configurable (``duplicates-index``).
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from typing import Container
from urllib.parse import urlsplit, urlunsplit

from ..diagnostics import Diagnostic
from .base import ERROR, WARNING, Context, rule

FIELDS = {"duplicate-slug": "slug", "duplicate-url": "url", "duplicate-title": "title"}


def normalise(field: str, value: str) -> str:
    """What counts as "the same": URLs without scheme, `www.`, fragment, trailing slash and
    tracking parameters; titles without case and surrounding blanks; slugs as they are."""
    if field == "url":
        try:
            parts = urlsplit(value.strip())
        except ValueError:
            return value.strip()
        host = parts.netloc.lower().removeprefix("www.")
        query = "&".join(q for q in parts.query.split("&") if q and not q.startswith("utm_"))
        return urlunsplit(("", host, parts.path.rstrip("/"), query, ""))
    if field == "title":
        return " ".join(value.split()).casefold()
    return value


def summarize(ctx: Context) -> dict:
    """The compact per-file summary the cross-file rules compare: for each field, the value,
    where it is (line, column, end line, end column) and its normalised form (computed here, in
    the worker, not in the process that compares)."""
    data = ctx.data
    out: dict = {}
    if not isinstance(data, dict):
        return out
    text, entries = ctx.text, ctx.doc.entries
    for field in FIELDS.values():
        value = data.get(field)
        entry = entries.get((field,))
        if isinstance(value, str) and value.strip() and entry is not None:
            out[field] = (value, *position(text, entry.value.start), *position(text, entry.value.end),
                          normalise(field, value))
    return out


def position(text: str, offset: int) -> tuple[int, int]:
    """``LineIndex(text).position(offset)`` as (line, column) without indexing every line: the
    values summarised sit in the front matter, near the start (tests/test_fast_paths.py)."""
    offset = max(0, min(offset, len(text)))
    return text.count("\n", 0, offset) + 1, offset - text.rfind("\n", 0, offset)


def key_of(field: str, item) -> str:
    """The normalised value of a summary item (computed by the worker; older cached summaries
    lack it)."""
    return item[5] if len(item) > 5 else normalise(field, item[0])


def compact(summary: dict) -> tuple:
    """What is kept of the summary of a file with nothing to report (most files): a hash of
    each field's normalised value, in ``FIELDS`` order (None: no value). Files whose hashes
    meet another file's are summarised again before they are compared. The hash is the same in
    every process and run (it is stored in the cross-file index)."""
    return tuple(stable_hash(key_of(f, summary[f])) if summary.get(f) else None
                 for f in FIELDS.values())


def stable_hash(text: str) -> int:
    """A signed 64-bit hash of ``text`` (fits SQLite's INTEGER)."""
    digest = hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=8).digest()
    return int.from_bytes(digest, "big", signed=True)


def find_duplicates(summaries: dict[str, dict], linted: Container[str], enabled: dict[str, frozenset],
                    make) -> list[Diagnostic]:
    """Diagnostics for every linted file that shares a slug, url or title with another file.
    ``summaries`` maps path -> summary for linted and indexed files; ``enabled`` maps a linted
    path to its enabled rule codes; ``make(name, path, summary_item, message)`` builds one."""
    out: list[Diagnostic] = []
    for name, field in FIELDS.items():
        groups: dict[str, list[str]] = defaultdict(list)
        for path, summary in summaries.items():
            item = summary.get(field)
            if item:
                groups[key_of(field, item)].append(path)
        for paths in groups.values():
            if len(paths) < 2:
                continue
            for path in paths:
                if path not in linted or _code(name) not in enabled.get(path, ()):
                    continue
                others = sorted(p for p in paths if p != path)
                shown = ", ".join(others[:3]) + (f" and {len(others) - 3} more" if len(others) > 3 else "")
                value = summaries[path][field][0]
                out.append(make(name, path, summaries[path][field],
                                f"{field} {value!r} is also in {shown}"))
    return out


def _code(name: str) -> str:
    from . import BY_NAME

    return BY_NAME[name].code


@rule("NL861", "duplicate-slug", ERROR)
def duplicate_slug(ctx: Context):
    """Two articles have the same `slug`.

    **What it does.** Compares the slugs of all linted articles (and of the indexed folders, see
    `duplicates-index`) and reports every article involved, naming the others.

    **Why.** The slug is the published URL: one article overwrites the other.

    **Fix.** None: decide which article stays.

    **Options.** `duplicates-index`: folders whose articles are compared too, default the
    folders of the linted files (so a pre-commit run on one new file still sees the site).
    """
    return ()


@rule("NL862", "duplicate-url", WARNING)
def duplicate_url(ctx: Context):
    """Two articles link the same original story (`url`).

    **What it does.** Compares `url` across articles, ignoring scheme, `www.`, a trailing slash,
    the fragment and `utm_*` tracking parameters; reports every article involved.

    **Why.** The same NewsAPI story was generated twice (often under two titles).

    **Fix.** None.

    **Options.** `duplicates-index` (see `duplicate-slug`).
    """
    return ()


@rule("NL863", "duplicate-title", WARNING)
def duplicate_title(ctx: Context):
    """Two articles have the same `title` (ignoring case and spacing).

    **What it does.** Compares titles across articles; reports every article involved.

    **Why.** Readers cannot tell them apart; usually the same story twice.

    **Fix.** None.

    **Options.** `duplicates-index` (see `duplicate-slug`).
    """
    return ()
