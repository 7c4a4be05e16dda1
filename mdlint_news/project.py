"""The cross-file phase: after every file is linted, the project rules (``summary.ProjectRules``)
compare the files' summaries, and those of the other articles of their folders (the index).
The same for the command line, the API and pre-commit; design: docs/cross-file.md."""

from __future__ import annotations

import collections
import hashlib
import os
import stat
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Container, Iterable, Iterator, Mapping, NamedTuple, Sequence

from . import document, summary
from .cache import Cache, IndexRow, load_summary
from .config import Settings
from .decoding import decode
from .diagnostics import Diagnostic
from .rules import BY_NAME, RULES
from .rules.base import Context, Origin
from .runner import FileResult, read_text
from .summary import Summary

if TYPE_CHECKING:  # pragma: no cover
    from .parallel import Item

RACY_NS = 2_000_000_000  # coarser than any file system's timestamps


def codes() -> frozenset[str]:
    """The codes of the rules whose findings come from this phase."""
    return frozenset(r.code for r in RULES if r.origin is Origin.PROJECT)


@dataclass(frozen=True)
class Site:
    """What a project rule's ``check`` gets: ``summaries`` (path -> summary) of the linted and
    indexed files that may meet; ``linted``: the paths that may be reported; ``enabled``: a
    linted path's enabled rule codes; ``reported``: what the per-file rules said of a path."""

    summaries: Mapping[str, Summary]
    linted: Container[str]
    enabled: Mapping[str, frozenset]
    reported: Mapping[str, Sequence[Diagnostic]]

    def groups(self, item: str) -> Iterable[list[str]]:
        """The paths that share one key of ``item``, for every key held by more than one."""
        found: dict[str, list[str]] = collections.defaultdict(list)
        for path, of in self.summaries.items():
            value = of.get(item)
            if value:
                found[value.key].append(path)
        return (paths for paths in found.values() if len(paths) > 1)

    def wants(self, name: str, path: str) -> bool:
        return path in self.linted and BY_NAME[name].code in self.enabled.get(path, ())

    def said(self, path: str, name: str, severity=None) -> bool:
        """Whether rule ``name`` already reported ``path`` (with ``severity``, if given)."""
        code = BY_NAME[name].code
        return any(d.code == code and severity in (None, d.severity)
                   for d in self.reported.get(path, ()))


class Indexed(NamedTuple):
    """An article of an indexed folder that is not linted: its name in the folder, its hashes
    (``summary.hashes``), and its summary, or (unchanged since it was indexed) the path its
    summary is stored under in the cache (``Cache.index_values``)."""

    name: str
    hashes: tuple
    summary: Summary | None
    stored: str | None = None


def cross_file(results: list[FileResult], items: list[Item], cache: Cache | None = None,
               clean: Mapping[str, tuple] | None = None,
               linted_real: set[str] | None = None) -> None:
    """Append the project rules' diagnostics to the results they concern. ``clean``: the hashes
    (``summary.hashes``) of linted files that had nothing to report, whose results were not
    kept (a result is added to ``results`` when such a file is reported). The articles of the
    ``index_folders`` that are not linted are compared too (``cache``: where their summaries
    are kept). ``linted_real``: the real paths of the items, if known (discovery has them)."""
    project = codes()
    per_settings = {id(s): frozenset(s.enabled & project) for _, _, s in items}
    if not any(per_settings.values()):
        return
    clean = clean or {}
    full = {r.path: r.summary for r in results if r.summary}
    if linted_real is None:
        linted_real = _real_paths(item.path for item in items)
    others = _index(items, linted_real, cache)
    candidates = _meeting([*((p, summary.hashes(s)) for p, s in full.items()),
                           *((p, o.hashes) for p, o in others.items()), *clean.items()])
    summaries = {p: full[p] for p in candidates if p in full}
    summaries.update(_stored(candidates & others.keys(), others, cache))
    where = {item.display: item for item in items if item.display in candidates}
    for p in candidates - summaries.keys():
        summaries[p] = summary_of(where[p])
    enabled = {p: per_settings[id(item.settings)] for p, item in where.items()}
    by_path = {r.path: r for r in results}
    site = Site(summaries, collections.ChainMap(by_path, clean), enabled,
                {p: r.diagnostics for p, r in by_path.items()})
    for d in check(site):
        if d.path not in by_path:
            by_path[d.path] = FileResult(d.path, summary=summaries[d.path])
            results.append(by_path[d.path])
        by_path[d.path].diagnostics.append(d)
    for r in results:
        r.diagnostics.sort(key=Diagnostic.sort_key)


def check(site: Site) -> list[Diagnostic]:
    """The diagnostics of every project rule module."""
    return [d for rules in summary.registered() for d in rules.check(site)]


def _meeting(pairs: list[tuple[str, tuple]]) -> set[str]:
    """The paths whose hashes meet another path's, one item at a time: only these are compared
    (and, for a clean file, read again)."""
    candidates: set[str] = set()
    for i in range(len(summary.keys())):
        counts = collections.Counter(hashes[i] for _, hashes in pairs)
        shared = {h for h, n in counts.items() if n > 1 and h is not None}
        if shared:
            candidates.update(p for p, hashes in pairs if hashes[i] in shared)
    return candidates


def _stored(paths: set[str], others: Mapping[str, Indexed], cache: Cache | None
            ) -> dict[str, Summary]:
    """The summaries of the indexed ``paths``: as summarised now, or read from the cache."""
    stored = [others[p].stored for p in paths if others[p].summary is None]
    values = cache.index_values(stored) if stored and cache is not None else {}
    return {p: others[p].summary if others[p].summary is not None else
            load_summary(values.get(others[p].stored, "")) for p in paths}


def summarize_text(text: str, path: str, settings: Settings) -> Summary:
    """The summary of an article's text, as the runner makes it for a linted file."""
    return summary.summarize(Context(document.parse(text, path), settings.profile, path))


def summary_of(item: Item) -> Summary:
    """The summary of a linted file, again from the file (its result was not kept)."""
    decoded, _, problem = read_text(Path(item.path), item.settings, item.display)
    if problem is not None:
        return Summary()
    return summarize_text(decoded.text, item.display, item.settings)


# --------------------------------------------------------------------------- the index


def index_folders(items: list[Item]) -> list[Path]:
    """The folders whose other articles the cross-file rules compare with: ``duplicates-index``
    from the configuration (relative to it), else the folders of the linted files."""
    folders: dict[str, Path] = {}
    heads: set[str] = set()  # folders of linted files already seen
    configs: set[int] = set()  # settings whose duplicates-index is already added
    for path, _, settings in items:
        configured = getattr(settings.file, "duplicates_index", None)
        if configured is not None:
            if id(settings) in configs:
                continue
            configs.add(id(settings))
            for f in configured:
                p = (settings.root / f).resolve()
                folders[str(p)] = p
        else:
            head = os.path.dirname(os.fspath(path))
            if head not in heads:
                heads.add(head)
                p = Path(os.path.abspath(head or "."))
                folders[str(p)] = p
    return list(folders.values())


def _index(items: list[Item], linted_real: set[str], cache: Cache | None) -> dict[str, Indexed]:
    """The indexed articles of the ``index_folders`` (shown path -> ``Indexed``), summarised
    under the first item's settings."""
    others: dict[str, Indexed] = {}
    for folder in index_folders(items):
        rel = os.path.relpath(folder)  # once per folder: the files' names go after it
        shown_in = "" if rel == os.curdir else os.path.join(rel, "")
        for found in _indexed(Path(folder), linted_real, cache, items[0].settings):
            others[shown_in + found.name] = found
    return others


def _real_paths(paths: Iterable) -> set[str]:
    """``os.path.realpath`` of each path; resolved once per folder (a file that is not a
    symbolic link is its folder's real path plus its name)."""
    folders: dict[str, str] = {}
    out = set()
    for p in paths:
        p = os.fspath(p)
        if os.path.islink(p):
            out.add(os.path.realpath(p))
            continue
        head, name = os.path.split(p)
        real = folders.get(head)
        if real is None:
            real = folders[head] = os.path.realpath(head or ".")
        out.add(os.path.join(real, name))
    return out


def _indexed(folder: Path, skip: set[str], cache: Cache | None, settings: Settings
             ) -> Iterator[Indexed]:
    """The articles in ``folder`` not in ``skip`` (regular files only: a FIFO would block) that
    have something to compare, summarised as a linted file is (``settings``: its profile);
    those of unchanged files (``_stamp``, and the same profile) come from the cache, with the
    path their summary is stored under instead of the summary, so a pre-commit run in a large
    folder stays fast."""
    try:
        entries = sorted(os.scandir(folder), key=lambda e: e.name)
    except OSError:
        return
    base = os.path.join(str(folder.resolve()), "")  # with its separator: names go after it
    known = cache.index_entries(base) if cache is not None else {}
    fresh: list[IndexRow] = []
    settled = time.time_ns() - RACY_NS  # a file changed after this may change again unseen
    tag = _index_tag(settings)
    for entry in entries:
        name = entry.name
        if not name.endswith(".md"):
            continue
        real = base + name
        if real in skip:
            continue
        try:
            st = entry.stat(follow_symlinks=False)
        except OSError:
            continue
        if not stat.S_ISREG(st.st_mode):  # a symbolic link, FIFO, socket, device or folder
            continue
        stamp = _stamp(st, settled)
        stamp = None if stamp is None else f"{stamp}/{tag}"
        hit = known.get(real)
        if stamp is not None and hit is not None and (hit.size, hit.stamp) == (st.st_size, stamp):
            found = Indexed(name, hit.hashes, None, real)
        else:
            made = _index_summary(entry.path, settings, st.st_size)
            found = Indexed(name, summary.hashes(made), made)
            fresh.append(IndexRow(real, st.st_size, stamp, found.hashes, made))
        if found.hashes.count(None) != len(found.hashes):  # some item to compare
            yield found
    if cache is not None and fresh:
        cache.put_index(fresh)


def _index_tag(settings: Settings) -> str:
    """What an indexed summary depends on besides the file: news-lint's version and the
    profile (the category's limit, the footer's lines)."""
    from . import __version__

    profile = settings.profile.model_dump_json()
    return hashlib.blake2b(f"{__version__}\0{profile}".encode(), digest_size=8).hexdigest()


def _stamp(st: os.stat_result, settled: int) -> str | None:
    """What an edit cannot keep: the file's identity and its modification and change times (an
    edit can put the mtime back, never the ctime). None for a file changed after ``settled``:
    an edit within the same clock tick would keep both times."""
    if max(st.st_mtime_ns, st.st_ctime_ns) > settled:
        return None
    return f"{st.st_dev}:{st.st_ino}:{st.st_mtime_ns}:{st.st_ctime_ns}"


def _index_summary(path: str, settings: Settings, size: int) -> Summary:
    """The summary of an article that is not being linted: read (a regular file that is not a
    link, within ``max-file-size``; ``size``: its size as listed), decoded and parsed as a
    linted one is."""
    limit = settings.file.max_file_size
    data = _read_head(path, min(size, limit) + 1)
    if data is None or len(data) > limit or not data.strip():
        return Summary()
    try:
        return summarize_text(decode(data).text, path, settings)
    except Exception:  # undecodable, or the parser fails on it: not compared (its own run says why)
        return Summary()


def _open_regular(path: str, follow: bool):
    """(the file opened for reading, unbuffered; its size) if it is a regular file, else None:
    opened without blocking (a FIFO would block) and checked through its descriptor (no race
    between check and read). ``follow=False``: None for a symbolic link too."""
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
    if not follow:
        flags |= getattr(os, "O_NOFOLLOW", 0)
    try:
        fd = os.open(path, flags)
    except OSError:
        return None
    try:
        st = os.fstat(fd)
        if stat.S_ISREG(st.st_mode):
            return open(fd, "rb", buffering=0), st.st_size
    except OSError:
        pass
    os.close(fd)
    return None


def _read_head(path: str, size: int) -> bytes | None:
    """The first ``size`` bytes of a regular file that is not a symbolic link; None otherwise."""
    opened = _open_regular(path, follow=False)
    if opened is None:
        return None
    with opened[0] as fh:
        try:
            return fh.read(size)
        except OSError:
            return None
