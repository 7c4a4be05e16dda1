"""Running many files: a process pool with chunking, results in deterministic order, and the
cache. The cross-file phase that follows is ``project.py``."""

from __future__ import annotations

import os
import signal
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator, NamedTuple

from .cache import Cache, Entry, folder_for, key_for, settings_fingerprint
from .config import Settings
from .fixes import allowed
from .profile import read_small_file
from .rules import RULES
from .runner import FileResult, process_file
from .summary import hashes as summary_hashes

PARALLEL_MIN_FILES = 64  # below this a pool costs more than it saves (pre-commit's usual case)
MAX_CHUNK = 64
COLD_PROBE = 200  # files looked up in the main process before a cache is taken as cold
# A work item's cache key: a key (looked up: a miss), None (the file has none: not cached), or
# NOT_LOOKED_UP (the worker looks it up). A plain value: it crosses to the workers by pickle.
NOT_LOOKED_UP = False
UNCACHEABLE = frozenset(r.code for r in RULES if not r.cacheable)  # depend on time or luck


@dataclass(frozen=True)
class RunOptions:
    fix: bool = False
    diff: bool = False
    unsafe: bool = False
    use_cache: bool = True
    cache_dir: str | None = None  # overrides the configured / default folder


class Item(NamedTuple):
    """A file to lint: its path, the path as displayed, its settings."""

    path: Path | str
    display: str
    settings: Settings


class Work(NamedTuple):
    """A file as a worker gets it: ``fingerprint``, its settings' (None: not cached); ``key``,
    its cache key (a miss), None (it has none) or NOT_LOOKED_UP (the worker looks it up)."""

    path: str
    display: str
    settings: Settings
    fingerprint: str | None
    key: str | None | bool = NOT_LOOKED_UP


class Lookup(NamedTuple):
    """A file looked up in the cache: its cached result (None: a miss) and its cache key."""

    result: FileResult | Clean | None
    key: str | None


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
    work: list[Work] = []
    for path, display, settings in items:
        fp = fingerprints.get(id(settings))
        if fp is None and opts.use_cache:
            fp = fingerprints[id(settings)] = settings_fingerprint(settings)
            _cache_for(settings, opts).open()  # here, before any worker: a warning comes once
        work.append(Work(str(path), display, settings, fp))
    if opts.use_cache and not (opts.fix or opts.diff):
        done, misses = _probe(work, opts)
        linted = _lint(opts, misses, jobs)  # in the order of ``work``, as the misses are
        for i in range(len(work)):
            yield done[i] if i in done else next(linted)
        return
    yield from _lint(opts, work, jobs)


def _probe(work: list[Work], opts: RunOptions) -> tuple[dict[int, FileResult | Clean], list[Work]]:
    """The cache hits, answered here (a read and a hash each, one query per block of files), by
    index in ``work``; and the misses, to lint, in order. A cold cache (the first COLD_PROBE
    files all miss) is not probed further here: the workers look the rest up themselves, in
    parallel."""
    done: dict[int, FileResult | Clean] = {}
    misses: list[Work] = []
    for lo in range(0, len(work), COLD_PROBE):
        if lo and not done:
            misses.extend(work[lo:])
            break
        block = work[lo:lo + COLD_PROBE]
        for i, (w, found) in enumerate(zip(block, _lookup_many(block, opts)), lo):
            if found.result is not None:
                done[i] = found.result
            else:
                misses.append(w._replace(key=found.key))
    return done, misses


def _lint(opts: RunOptions, work: list[Work], jobs: int) -> Iterator[FileResult | Clean]:
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


class _Folder(NamedTuple):
    settings: Settings
    folder: Path
    base: Path | None  # what a relative folder is named from


_FOLDER_OF: dict[tuple, _Folder] = {}  # (cache_dir option, id(settings)) -> its cache folder


def _cache_for(settings: Settings, opts: RunOptions) -> Cache | None:
    if not opts.use_cache:
        return None
    key = (opts.cache_dir, id(settings))
    hit = _FOLDER_OF.get(key)
    if hit is None or hit.settings is not settings:
        hit = _FOLDER_OF[key] = _Folder(settings, *folder_for(settings, opts.cache_dir))
    where = (str(hit.folder), str(hit.base))
    cache = _CACHES.get(where)
    if cache is None:
        cache = _CACHES[where] = Cache(hit.folder, hit.base)
    return cache


def index_cache(items: list[Item], opts: RunOptions) -> Cache | None:
    """The cache the cross-file index (``project.cross_file``) is kept in: the first item's."""
    return _cache_for(items[0].settings, opts) if items else None


class Clean(NamedTuple):
    """What a worker sends back for a file with nothing to report: its path and its summary's
    hashes (``summary.hashes``); cheaper to send and to keep than a result."""

    path: str
    hashes: tuple


def _work_chunk(args: tuple[RunOptions, list[Work]]) -> list[FileResult | Clean]:
    opts, work = args
    out: list[FileResult | Clean] = []
    used: set[int] = set()
    # the files not looked up yet: looked up together, one query per cache
    todo = [i for i, w in enumerate(work) if w.key is NOT_LOOKED_UP]
    found = dict(zip(todo, _lookup_many([work[i] for i in todo], opts))) if todo else {}
    for i, w in enumerate(work):
        cache = _cache_for(w.settings, opts)
        if cache is not None:
            used.add(id(cache))
        key = w.key
        if i in found:
            if found[i].result is not None:
                out.append(found[i].result)
                continue
            key = found[i].key
        out.append(_check_file(w, opts, cache, key))
    for cache in _CACHES.values():
        if id(cache) in used:
            cache.flush()
    return out


def _key(w: Work) -> str | None:
    """The cache key of a regular file within the size limit (never open a FIFO: it would
    block); None otherwise."""
    if w.fingerprint is None:
        return None
    data = _read_regular(w.path, w.settings.file.max_file_size)
    return None if data is None else key_for(w.fingerprint, w.display, w.path, data)


def _read_regular(path: str, limit: int) -> bytes | None:
    """The bytes of a regular file of at most ``limit`` bytes; None for anything else (a FIFO,
    socket or device is never read), for a larger file, and when it cannot be read."""
    try:
        return read_small_file(path, limit)
    except (OSError, ValueError):
        return None


def _lookup_many(work: list[Work], opts: RunOptions) -> list[Lookup]:
    """For each file: its cached result if the file's bytes, settings and news-lint are
    unchanged (None when there is none, or when fixing and the cached diagnostics have fixes to
    apply), and its cache key. One query per cache."""
    keys: list[str | None] = []
    wanted: dict[int, tuple[Cache, list[str]]] = {}
    for w in work:
        cache = _cache_for(w.settings, opts)
        key = _key(w) if cache is not None else None
        keys.append(key)
        if key is not None:
            wanted.setdefault(id(cache), (cache, []))[1].append(key)
    hits: dict[str, Entry] = {}
    for cache, group in wanted.values():
        hits.update(cache.get_many(group))
    return [Lookup(_result_of(hits.get(key) if key is not None else None, w.display, opts), key)
            for w, key in zip(work, keys)]


def _result_of(hit: Entry | None, display: str, opts: RunOptions) -> FileResult | Clean | None:
    if hit is None:
        return None
    if hit.hashes is not None:
        return Clean(display, tuple(hit.hashes))
    for d in hit.diagnostics:  # the entry is this file's (its key says so): shown under its name
        d.path = display
    fixing = opts.fix or opts.diff
    if not fixing or not any(d.fix and allowed(d.fix.applicability, opts.unsafe)
                             for d in hit.diagnostics):
        return FileResult(display, hit.diagnostics, summary=hit.summary)
    return None


def _check_file(w: Work, opts: RunOptions, cache: Cache | None, key: str | None
                ) -> FileResult | Clean:
    """Lint (or fix) one file that missed the cache (``key``: its key, None when it has none)
    and store the result. A file with nothing to report comes back as a ``Clean``."""
    result = process_file(Path(w.path), w.settings, w.display, fix=opts.fix, diff=opts.diff,
                          unsafe=opts.unsafe)
    if result.skipped:  # not an article: not cached (telling one takes a parse, no rule)
        return result
    hashes = None if result.reportable else summary_hashes(result.summary)
    if key and cache is not None and not result.changed and \
            not any(d.code in UNCACHEABLE for d in result.diagnostics):
        cache.put(key, result.diagnostics, result.summary, hashes)
    return result if hashes is None else Clean(result.path, hashes)


def prune_caches() -> None:
    for cache in _CACHES.values():
        cache.prune()
        cache.close()
    _CACHES.clear()
    _FOLDER_OF.clear()
