"""Running many files: a process pool with chunking, results in deterministic order, the cache,
and the cross-file pass over the per-file summaries."""

from __future__ import annotations

import collections
import hashlib
import itertools
import operator
import os
import signal
import stat
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Iterator, NamedTuple

from . import document
from .cache import Cache, folder_for, key_for, load_summary, settings_fingerprint
from .config import Settings
from .decoding import DecodeError, decode
from .fixes import allowed
from .profile import read_small_file
from .rules.base import Context
from .rules.crossfile import KEYS, Site, codes, compact, compare, summarize
from .runner import FileResult, process_file, read_text

PARALLEL_MIN_FILES = 64  # below this a pool costs more than it saves (pre-commit's usual case)
MAX_CHUNK = 64
COLD_PROBE = 200  # files looked up in the main process before a cache is taken as cold
# A work item's cache key: a key (looked up: a miss), None (the file has none: not cached), or
# NOT_LOOKED_UP (the worker looks it up). A plain value: it crosses to the workers by pickle.
NOT_LOOKED_UP = False
UNCACHEABLE = {"future-date", "internal-error", "unreadable-file"}  # depend on time or luck


@dataclass(frozen=True)
class RunOptions:
    fix: bool = False
    diff: bool = False
    unsafe: bool = False
    use_cache: bool = True
    cache_dir: str | None = None  # overrides the configured / default folder


Item = tuple["Path | str", str, Settings]  # path, path as displayed, its settings


def default_jobs() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not Linux
        return max(1, os.cpu_count() or 1)


def run(items: list[Item], opts: RunOptions, jobs: int | None = None) -> Iterator[FileResult | Clean]:
    """Lint (or fix) every item; results come back in the order of ``items``: a FileResult, or
    a ``Clean`` for a file with nothing to report."""
    jobs = jobs or default_jobs()
    fingerprints: dict[int, str] = {}
    work = []
    for path, display, settings in items:
        fp = fingerprints.get(id(settings))
        if fp is None and opts.use_cache:
            fp = fingerprints[id(settings)] = settings_fingerprint(settings)
            _cache_for(settings, opts).open()  # here, before any worker: a warning comes once
        work.append((str(path), display, settings, fp))
    if opts.use_cache and not (opts.fix or opts.diff):
        # cache hits are answered here (a read and a hash each, one query per block of files);
        # only the misses are linted. A cold cache (the first COLD_PROBE files all miss) is not
        # probed further here: the workers look the rest up themselves, in parallel.
        done: dict[int, FileResult | Clean] = {}
        misses = []
        for lo in range(0, len(work), COLD_PROBE):
            if lo and not done:
                misses.extend((j, (*w, NOT_LOOKED_UP)) for j, w in enumerate(work[lo:], lo))
                break
            block = list(enumerate(work[lo:lo + COLD_PROBE], lo))
            found = _lookup_many([(path, display, settings, fp) for _, (path, display, settings, fp)
                                  in block], opts)
            for (i, (path, display, settings, fp)), (hit, key) in zip(block, found):
                if hit is not None:
                    done[i] = hit
                else:
                    misses.append((i, (path, display, settings, fp, key)))
        linted = _lint(opts, [m for _, m in misses], jobs)
        order = iter(misses)
        for i in range(len(work)):
            yield done[i] if i in done else (next(order), next(linted))[1]
        return
    yield from _lint(opts, [(*w, NOT_LOOKED_UP) for w in work], jobs)


def _lint(opts: RunOptions, work: list, jobs: int) -> Iterator[FileResult | Clean]:
    if jobs <= 1 or len(work) < PARALLEL_MIN_FILES:
        yield from _work_chunk((opts, work))
        return
    size = max(1, min(MAX_CHUNK, len(work) // (jobs * 4)))
    chunks = [(opts, work[i:i + size]) for i in range(0, len(work), size)]
    import multiprocessing  # here: a small run (pre-commit's) never pays for importing them
    from concurrent.futures import ProcessPoolExecutor

    methods = multiprocessing.get_all_start_methods()
    ctx = multiprocessing.get_context("fork" if "fork" in methods else "spawn")
    with ProcessPoolExecutor(max_workers=jobs, mp_context=ctx, initializer=_die_with_parent,
                             initargs=(os.getpid(),)) as pool:
        for results in pool.map(_work_chunk, chunks):
            yield from results


PR_SET_PDEATHSIG = 1  # linux/prctl.h
PARENT_POLL = 1.0  # seconds between a worker's checks that its parent is alive


def _die_with_parent(parent: int) -> None:
    """Pool initializer: the worker ends when its parent (the main process, ``parent``) is gone,
    even killed with SIGKILL: the kernel kills it (Linux), and a thread checks as well."""
    if sys.platform.startswith("linux"):
        import ctypes

        try:
            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(PR_SET_PDEATHSIG, int(signal.SIGKILL), 0, 0, 0)
        except (OSError, AttributeError):
            pass
    if os.getppid() != parent:  # gone before the signal was asked for
        os._exit(1)
    threading.Thread(target=_watch_parent, args=(parent,), name="news-lint-parent",
                     daemon=True).start()


def _watch_parent(parent: int) -> None:
    """Exit the worker once ``parent`` is no longer its parent (the signal belongs to the thread
    that started the worker, and is Linux only)."""
    while os.getppid() == parent:
        time.sleep(PARENT_POLL)
    os._exit(1)


_CACHES: dict[tuple[str, str], Cache] = {}  # (folder, its base) -> its cache


_FOLDER_OF: dict[tuple, tuple] = {}  # (cache_dir option, id) -> (settings, folder, its base)


def _cache_for(settings: Settings, opts: RunOptions) -> Cache | None:
    if not opts.use_cache:
        return None
    key = (opts.cache_dir, id(settings))
    hit = _FOLDER_OF.get(key)
    if hit is None or hit[0] is not settings:
        hit = _FOLDER_OF[key] = (settings, *folder_for(settings, opts.cache_dir))
    where = (str(hit[1]), str(hit[2]))
    cache = _CACHES.get(where)
    if cache is None:
        cache = _CACHES[where] = Cache(hit[1], hit[2])
    return cache


class Clean(NamedTuple):
    """What a worker sends back for a file with nothing to report: its path and compact
    cross-file summary (``crossfile.compact``); cheaper to send and to keep than a result."""

    path: str
    hashes: tuple


def _work_chunk(args) -> list[FileResult | Clean]:
    opts, work = args
    out: list[FileResult | Clean] = []
    used: set[int] = set()
    # the files not looked up yet: looked up together, one query per cache
    todo = [i for i, w in enumerate(work) if w[4] is NOT_LOOKED_UP]
    found = dict(zip(todo, _lookup_many([work[i][:4] for i in todo], opts))) if todo else {}
    for i, (path, display, settings, fp, key) in enumerate(work):
        cache = _cache_for(settings, opts)
        if cache is not None:
            used.add(id(cache))
        if i in found:
            hit, key = found[i]
            if hit is not None:
                out.append(hit)
                continue
        out.append(_check_file(path, display, settings, fp, opts, cache, key))
    for cache in _CACHES.values():
        if id(cache) in used:
            cache.flush()
    return out


def _key(path: str, display: str, settings: Settings, fp: str | None) -> str | None:
    """The cache key of a regular file within the size limit (never open a FIFO: it would
    block); None otherwise."""
    if fp is None:
        return None
    data = _read_regular(path, settings.file.max_file_size)
    return None if data is None else key_for(fp, display, path, data)


def _read_regular(path: str, limit: int) -> bytes | None:
    """The bytes of a regular file of at most ``limit`` bytes; None for anything else (a FIFO,
    socket or device is never read), for a larger file, and when it cannot be read."""
    try:
        return read_small_file(path, limit)
    except (OSError, ValueError):
        return None


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


def _lookup_many(items: list[tuple[str, str, Settings, str | None]], opts: RunOptions
                 ) -> list[tuple[FileResult | Clean | None, str | None]]:
    """For each (path, display, settings, fingerprint): its cached result if the file's bytes,
    settings and news-lint are unchanged (None when there is none, or when fixing and the
    cached diagnostics have fixes to apply), and its cache key. One query per cache."""
    keys: list[str | None] = []
    wanted: dict[int, tuple[Cache, list[str]]] = {}
    for path, display, settings, fp in items:
        cache = _cache_for(settings, opts)
        key = _key(path, display, settings, fp) if cache is not None else None
        keys.append(key)
        if key is not None:
            wanted.setdefault(id(cache), (cache, []))[1].append(key)
    hits: dict[str, tuple] = {}
    for cache, group in wanted.values():
        hits.update(cache.get_many(group))
    out: list[tuple[FileResult | Clean | None, str | None]] = []
    for (path, display, settings, fp), key in zip(items, keys):
        hit = hits.get(key) if key is not None else None
        out.append((_result_of(hit, display, opts), key))
    return out


def _result_of(hit, display: str, opts: RunOptions) -> FileResult | Clean | None:
    if hit is None:
        return None
    diagnostics, summary, hashes = hit
    if hashes is not None:
        return Clean(display, tuple(hashes))
    for d in diagnostics:  # the entry is this file's (its key says so): shown under its name
        d.path = display
    fixing = opts.fix or opts.diff
    if not fixing or not any(d.fix and allowed(d.fix.applicability, opts.unsafe)
                             for d in diagnostics):
        return FileResult(display, diagnostics, summary=summary)
    return None


def _check_file(path: str, display: str, settings: Settings, fp: str | None, opts: RunOptions,
                cache: Cache | None, key: str | None) -> FileResult | Clean:
    """Lint (or fix) one file that missed the cache (``key``: its key, None when it has none)
    and store the result. A file with nothing to report comes back as a ``Clean``."""
    result = process_file(Path(path), settings, display, fix=opts.fix, diff=opts.diff,
                          unsafe=opts.unsafe)
    if result.skipped:  # not an article: not cached (telling one takes a parse, no rule)
        return result
    hashes = None if result.reportable else compact(result.summary)
    if key and cache is not None and not result.changed and \
            not any(d.name in UNCACHEABLE for d in result.diagnostics):
        cache.put(key, result.diagnostics, result.summary, hashes)
    return result if hashes is None else Clean(result.path, hashes)


def prune_caches() -> None:
    for cache in _CACHES.values():
        cache.prune()
        cache.close()
    _CACHES.clear()
    _FOLDER_OF.clear()


# --------------------------------------------------------------------------- across files


def cross_file(results: list[FileResult], items: list[Item], index_folders: Iterable[Path],
               opts: RunOptions | None = None, clean: dict[str, tuple] | None = None,
               linted_real: set[str] | None = None) -> None:
    """Append the cross-file diagnostics (``crossfile.compare``) to the results they concern.
    ``clean``: the compact summaries (``crossfile.compact``) of linted files that had nothing to
    report, whose results were not kept (one is added to ``results`` when such a file is found
    in a comparison). Articles in ``index_folders`` that were not linted are summarised too
    (``_indexed``). ``linted_real``: the real paths of the items, if known (discovery has them)."""
    cross = codes()
    per_settings = {id(s): frozenset(s.enabled & cross) for _, _, s in items}
    if not any(per_settings.values()):
        return
    cache = _cache_for(items[0][2], opts) if opts is not None and items else None
    clean = clean or {}
    full = {r.path: r.summary for r in results if r.summary}
    hashed = [(p, compact(s)) for p, s in full.items()]
    if linted_real is None:
        linted_real = _real_paths(p for p, _, _ in items)
    # indexed (not linted) articles: their summary, or the path it is stored under in the cache
    others: dict[str, dict | str] = {}
    for folder in index_folders:
        rel = os.path.relpath(folder)  # once per folder: the files' names go after it
        shown_in = "" if rel == os.curdir else os.path.join(rel, "")
        for name, hashes, summary in _indexed(Path(folder), linted_real, cache, items[0][2]):
            shown = shown_in + name
            others[shown] = summary
            hashed.append((shown, hashes))
    # files whose hashed values meet: only these are compared (and, if clean, read again)
    candidates: set[str] = set()
    pairs = list(itertools.chain(hashed, clean.items()))
    del hashed
    for i in range(len(KEYS)):  # one key at a time: the hashes held by more than one file
        counts = collections.Counter(map(operator.itemgetter(i), map(operator.itemgetter(1), pairs)))
        shared = {h for h, n in counts.items() if n > 1 and h is not None}
        if shared:
            candidates.update(p for p, hashes in pairs if hashes[i] in shared)
        del counts
    summaries = {p: full[p] for p in candidates if p in full}
    met = candidates & others.keys()
    stored = [others[p] for p in met if not isinstance(others[p], dict)]
    values = cache.index_values(stored) if stored and cache is not None else {}
    for p in met:
        v = others[p]
        summaries[p] = v if isinstance(v, dict) else load_summary(values.get(v, ""))
    where = {display: (path, settings) for path, display, settings in items
             if display in candidates}
    for p in candidates - summaries.keys():
        summaries[p] = _summary_of(*where[p], p)
    enabled = {p: per_settings[id(where[p][1])] for p in where}
    by_path = {r.path: r for r in results}
    site = Site(summaries, collections.ChainMap(by_path, clean), enabled,
                lambda p: by_path[p].diagnostics if p in by_path else ())
    for d in compare(site):
        if d.path not in by_path:
            by_path[d.path] = FileResult(d.path, summary=summaries[d.path])
            results.append(by_path[d.path])
        by_path[d.path].diagnostics.append(d)
    for r in results:
        r.diagnostics.sort(key=lambda d: (d.line, d.column, d.code, d.message))


def _summary_of(path, settings: Settings, display: str) -> dict:
    """The cross-file summary of a linted file, again from the file (its result was not kept)."""
    decoded, _, problem = read_text(Path(path), settings, display)
    if problem is not None:
        return {}
    ctx = Context(document.parse(decoded.text, display), settings.profile, display)
    return summarize(ctx)


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


def _indexed(folder: Path, skip: set[str], cache: Cache | None, settings: Settings):
    """(file name, compact summary, summary) of the articles in ``folder`` not in ``skip``
    (regular files only: a FIFO would block), summarised as a linted file is (``settings``: its
    profile); those of unchanged files (``_stamp``, and the same profile) come from the cache,
    with the path their summary is stored under instead of the summary
    (``Cache.index_values``), so a pre-commit run in a large folder stays fast."""
    try:
        entries = sorted(os.scandir(folder), key=lambda e: e.name)
    except OSError:
        return
    base = os.path.join(str(folder.resolve()), "")  # with its separator: names go after it
    known = cache.index_entries(base) if cache is not None else {}
    fresh = []
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
        if stamp is not None and hit is not None and hit[:2] == (st.st_size, stamp):
            hashes, summary = hit[2], real
        else:
            summary = _index_summary(entry.path, settings, st.st_size)
            hashes = compact(summary)
            fresh.append((real, st.st_size, stamp, hashes, summary))
        if hashes.count(None) != len(hashes):  # some item to compare
            yield name, hashes, summary
    if cache is not None and fresh:
        cache.put_index(fresh)


def _index_tag(settings: Settings) -> str:
    """What an indexed summary depends on besides the file: news-lint's version and the
    profile (the category's limit, the footer's lines)."""
    from . import __version__

    profile = settings.profile.model_dump_json()
    return hashlib.blake2b(f"{__version__}\0{profile}".encode(), digest_size=8).hexdigest()


RACY_NS = 2_000_000_000  # coarser than any file system's timestamps


def _stamp(st: os.stat_result, settled: int) -> str | None:
    """What an edit cannot keep: the file's identity and its modification and change times (an
    edit can put the mtime back, never the ctime). None for a file changed after ``settled``:
    an edit within the same clock tick would keep both times."""
    if max(st.st_mtime_ns, st.st_ctime_ns) > settled:
        return None
    return f"{st.st_dev}:{st.st_ino}:{st.st_mtime_ns}:{st.st_ctime_ns}"


def _index_summary(path: str, settings: Settings, size: int) -> dict:
    """The cross-file summary of an article that is not being linted: read (a regular file
    that is not a link, within ``max-file-size``; ``size``: its size as listed), decoded and
    parsed as a linted one is."""
    limit = settings.file.max_file_size
    data = _read_head(path, min(size, limit) + 1)
    if data is None or len(data) > limit or not data.strip():
        return {}
    try:
        text = decode(data).text
        return summarize(Context(document.parse(text, path), settings.profile, path))
    except DecodeError:
        return {}
    except Exception:  # a neighbour the parser fails on is not compared (its own run says why)
        return {}


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
