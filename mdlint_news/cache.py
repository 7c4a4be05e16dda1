"""Results of unchanged files, reused across runs.

Key: an HMAC, under this user's cache key, of news-lint's version, the effective settings
(configuration, profile, selected rules), the file's path (as displayed, and absolute) and a hash
of its bytes. The cache key (``user_key_path``: outside any project, readable by the user alone,
made on first use) also signs every entry: a cache that arrives with the content (committed, or
copied from another machine) or is edited outside news-lint answers nothing. Stored in one
SQLite database under the cache folder (default ``.news-lint-cache/`` next to the configuration,
or in the working directory), which makes concurrent runs safe (WAL, busy timeout) and keeps it
one file; a damaged or foreign database is moved aside (with a warning) and a new one started.
Bounded: the least recently used entries go when it grows past ``MAX_ENTRIES``. Values are JSON,
never pickle: a cache folder must not be a way to run code.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import re
import sqlite3
import stat
import sys
import time
from pathlib import Path
from functools import lru_cache
from typing import Mapping, NamedTuple

from . import __version__
from .config import Settings
from .diagnostics import Diagnostic
from .reporters import visible
from .summary import Summary, Value, hashes as summary_hashes

MAX_ENTRIES = 200_000
DB_NAME = "results-v2.sqlite"
STALE = 86_400.0  # seconds after which a hit refreshes its entry's last use (LRU order)
KEY_BYTES = 32
HASHES = 5  # h0-h4: the hashes of a file's summary (``summary.hashes``, one per summary.keys())
# The shape of a stored result (``dump``), part of every key: entries of another shape are never
# answered. 2: diagnostics carry their related locations.
RESULT_FORMAT = 2
SCHEMA = (
    # clean: the file had nothing to report; h0-h4 the hashes of its summary, so a hit on it
    # needs no JSON at all; mac: the entry's signature (``_mac``)
    "CREATE TABLE IF NOT EXISTS results (key TEXT PRIMARY KEY, value TEXT NOT NULL, used REAL "
    "NOT NULL, clean INTEGER NOT NULL DEFAULT 0, h0 INTEGER, h1 INTEGER, h2 INTEGER, h3 INTEGER, "
    "h4 INTEGER, mac BLOB NOT NULL)",
    # the cross-file index; stamp: what tells the summary unchanged (project._stamp and the
    # profile)
    "CREATE TABLE IF NOT EXISTS frontmatter_index2 (path TEXT PRIMARY KEY, size INTEGER NOT "
    "NULL, stamp, h0 INTEGER, h1 INTEGER, h2 INTEGER, h3 INTEGER, h4 INTEGER, value TEXT NOT "
    "NULL, mac_h BLOB NOT NULL, mac_v BLOB NOT NULL)",
)
_WARNED: set[str] = set()


class Entry(NamedTuple):
    """A cached result: its diagnostics and summary; for a file that had nothing to report,
    no diagnostics, no summary and the summary's ``hashes`` instead."""

    diagnostics: list[Diagnostic]
    summary: Summary | None
    hashes: tuple | None


class IndexEntry(NamedTuple):
    """What the cross-file index holds of an article (its summary is read only when needed)."""

    size: int
    stamp: object
    hashes: tuple


class IndexRow(NamedTuple):
    """An article to store in the cross-file index: its real path, size, stamp, summary's
    hashes and summary."""

    path: str
    size: int
    stamp: object
    hashes: tuple
    summary: Summary


def warn(message: str) -> None:
    """Say ``message`` on stderr, once per process."""
    if message not in _WARNED:
        _WARNED.add(message)
        print(f"news-lint: warning: {visible(message)}", file=sys.stderr)


def _select_in(conn: sqlite3.Connection, query: str, values: list) -> list[tuple]:
    """The rows of ``query`` (ending in ``IN``) for ``values``, 500 at a time (SQLite bounds
    the parameters of one statement)."""
    rows: list[tuple] = []
    for i in range(0, len(values), 500):
        part = values[i:i + 500]
        rows += conn.execute(f"{query} ({','.join('?' * len(part))})", part).fetchall()
    return rows


@lru_cache(maxsize=1)
def code_fingerprint() -> str:
    """The package's own source files: a result is read back only by the code that wrote it,
    not by another build with the same version number (a checkout, an editable install)."""
    root = Path(__file__).resolve().parent
    digest = hashlib.sha256()
    for path in sorted(root.rglob("*.py")):
        digest.update(path.relative_to(root).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def settings_fingerprint(settings: Settings) -> str:
    parts = {
        "version": __version__,
        "code": code_fingerprint(),
        "format": RESULT_FORMAT,
        "file": settings.file.model_dump(mode="json"),
        "profile": settings.profile.model_dump(mode="json"),
        "enabled": sorted(settings.enabled),
    }
    return hashlib.sha256(json.dumps(parts, sort_keys=True).encode()).hexdigest()


def key_for(fingerprint: str, display: str, path: str, data: bytes) -> str | None:
    """The cache key of a file: bound to the settings, its displayed and absolute paths (which
    per-file-ignores see), its bytes, and this user's key; None without a usable user key."""
    secret = user_key()
    if secret is None:
        return None
    full = os.path.abspath(path)
    where = "\0".join((fingerprint, display, full if display == path else
                        os.path.abspath(display), full))
    return hmac.digest(secret, where.encode("utf-8", "surrogatepass") + b"\0" +
                       hashlib.sha256(data).digest(), "sha256").hex()


# --------------------------------------------------------------------------- the user's key


def user_key_path() -> Path | None:
    """Where this user's cache key is kept: ``$XDG_CACHE_HOME/news-lint/key``, by default
    ``~/.cache/news-lint/key`` (never in a project)."""
    base = os.environ.get("XDG_CACHE_HOME", "")
    if not os.path.isabs(base):
        try:
            base = os.path.join(Path.home(), ".cache")
        except RuntimeError:
            return None
    return Path(base) / "news-lint" / "key"


_KEY: list[bytes | None] = []  # this process's key, once looked for


def user_key() -> bytes | None:
    """This user's cache key, made on first use; None when it cannot be had (said once)."""
    if not _KEY:
        path = user_key_path()
        try:
            if path is None:
                raise ValueError("no home folder to keep the cache key in: set XDG_CACHE_HOME")
            _KEY.append(_read_key(path) or _make_key(path))
        except (OSError, ValueError) as exc:
            reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else exc
            warn(f"the result cache is not used: {reason}")
            _KEY.append(None)
    return _KEY[0]


def _read_key(path: Path) -> bytes | None:
    """The key in ``path``; None when there is none yet. Never follows a link or blocks on a
    FIFO; a key that others could read or replace is refused (ValueError)."""
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) |
                     getattr(os, "O_NONBLOCK", 0))
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise ValueError(f"cannot read the cache key {path}: {exc.strerror or exc}; delete it "
                         "(a new one is made)") from None
    try:
        st = os.fstat(fd)
        data = os.read(fd, KEY_BYTES + 1) if stat.S_ISREG(st.st_mode) else b""
    finally:
        os.close(fd)
    if os.name == "posix" and (st.st_uid != os.geteuid() or st.st_mode & 0o077):
        raise ValueError(f"the cache key {path} can be read or changed by other users; delete "
                         "it (a new one is made)")
    if len(data) != KEY_BYTES:
        raise ValueError(f"the cache key {path} is not one news-lint made; delete it (a new one "
                         "is made)")
    return data


def _make_key(path: Path) -> bytes:
    """A new random key in ``path`` (mode 0600, in a folder of mode 0700); when another run
    makes one at the same moment, that one."""
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    temporary = path.with_name(f".key-{os.getpid()}-{os.urandom(4).hex()}")
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0),
                 0o600)
    try:
        with open(fd, "wb") as fh:
            fh.write(os.urandom(KEY_BYTES))
        try:
            os.link(temporary, path)  # never replaces a key: the first one made is everyone's
        except FileExistsError:
            pass
    finally:
        os.unlink(temporary)
    key = _read_key(path)
    if key is None:
        raise ValueError(f"the cache key {path} vanished as it was made")
    return key


def _mac(*parts) -> bytes:
    """The signature of an entry's fields under the user's key (the last part may hold any
    text; the others hold no ``\\0``)."""
    text = "\0".join("" if p is None else str(p) for p in parts)
    return hmac.digest(user_key() or b"", text.encode("utf-8", "surrogatepass"), "sha256")


# --------------------------------------------------------------------------- (de)serialising


def dump(diagnostics: list[Diagnostic], summary: Mapping[str, Value]) -> str:
    return json.dumps({"d": [d.to_record() for d in diagnostics], "s": Summary(summary).to_json()},
                      ensure_ascii=False, separators=(",", ":"))


def load(blob: str) -> tuple[list[Diagnostic], Summary]:
    o = json.loads(blob)
    return [Diagnostic.from_record(d) for d in o["d"]], Summary.from_json(o["s"])


# --------------------------------------------------------------------------- the store


class _SetAside(Exception):
    """The database is not one to use: move it aside (why: the message) and start anew."""

    def __init__(self, why: str, inode: int | None):
        super().__init__(why)
        self.inode = inode


class _Refused(Exception):
    """The folder is no place for the cache (why: the message): the run goes on without one."""


class Cache:
    """One connection per process; ``get`` reads, ``put`` queues, ``flush`` writes the queue in
    one transaction."""

    def __init__(self, folder: Path, base: Path | None = None):
        self.folder = Path(folder)
        self.base = base  # what a relative folder is named from (``refusal``)
        self._conn: sqlite3.Connection | None = None
        self._pending: list[tuple] = []
        self._hits: list[str] = []
        self.broken = False
        self._pid = os.getpid()

    def _own(self) -> None:
        """In a forked worker, forget the parent's connection and queues (not ours to use)."""
        if self._pid != os.getpid():
            self._pid, self._conn, self._pending, self._hits = os.getpid(), None, [], []

    def open(self) -> bool:
        """Connect now (the main process does, before its workers: a warning comes once);
        whether the cache can be used."""
        return self._connect() is not None

    def _connect(self) -> sqlite3.Connection | None:
        self._own()
        if self._conn is not None or self.broken:
            return self._conn
        db = self.folder / DB_NAME
        for attempt in range(2):
            try:
                if user_key() is not None:
                    self._conn = _open_db(self.folder, db, self.base)
                break
            except _Refused as exc:
                warn(f"the result cache is not used: {exc}")
                break
            except _SetAside as exc:
                if attempt or not _set_aside(db, exc):
                    break
            except (OSError, sqlite3.Error):
                break  # a cache that cannot be used is no reason to fail the run
        self.broken = self._conn is None
        return self._conn

    def get(self, key: str) -> Entry | None:
        """The cached result of ``key``; None when not cached."""
        return self.get_many([key]).get(key)

    def get_many(self, keys: list[str]) -> dict[str, Entry]:
        """``get`` for many keys at once (one query per 500): the keys found, with their
        results; an unreadable entry, or one not signed with this user's key, is left out."""
        conn = self._connect()
        if conn is None or not keys:
            return {}
        try:
            rows = _select_in(conn, "SELECT key, value, used, clean, h0, h1, h2, h3, h4, mac FROM "
                                    "results WHERE key IN", keys)
        except sqlite3.Error:
            return {}
        out = {}
        now = time.time()
        for key, value, used, clean, *hashes, mac in rows:
            if not (isinstance(mac, bytes) and
                    hmac.compare_digest(mac, _mac(key, clean, *hashes, value))):
                continue
            if now - used > STALE:
                self._hits.append(key)
            if clean:
                out[key] = Entry([], None, tuple(hashes))
                continue
            try:
                out[key] = Entry(*load(value), None)
            except (ValueError, KeyError, TypeError):
                pass
        return out

    def put(self, key: str, diagnostics: list[Diagnostic], summary: Summary,
            hashes: tuple | None = None) -> None:
        """Queue a result; ``hashes``: the summary's hashes of a file with nothing to report,
        if the caller has them already."""
        self._own()
        clean = int(not diagnostics)
        if clean and hashes is None:
            hashes = summary_hashes(summary)
        # a clean entry is answered from its hashes (``get``): its value is never read
        value = "" if clean else dump(diagnostics, summary)
        h = tuple(hashes) if clean else (None,) * HASHES
        self._pending.append((key, value, time.time(), clean, *h, _mac(key, clean, *h, value)))

    def flush(self) -> None:
        conn = self._connect()
        if conn is None or not (self._pending or self._hits):
            self._pending, self._hits = [], []
            return
        now = time.time()
        _write(conn, [("INSERT OR REPLACE INTO results (key, value, used, clean, h0, h1, h2, h3, "
                       "h4, mac) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                       self._pending),
                      ("UPDATE results SET used = ? WHERE key = ?", [(now, k) for k in self._hits])])
        self._pending, self._hits = [], []

    # -- the cross-file index: the summaries of articles that are not linted in this run -----
    def index_entries(self, folder: str) -> dict[str, IndexEntry]:
        """path -> what is indexed of each article of a folder (those signed with this user's
        key); the summaries themselves (``index_values``) are read only for the few whose
        hashes meet another file's."""
        conn = self._connect()
        if conn is None:
            return {}
        prefix = folder.rstrip(os.sep) + os.sep
        above = prefix[:-1] + chr(ord(os.sep) + 1)  # every path in [prefix, above) starts with prefix
        try:
            rows = conn.execute("SELECT path, size, stamp, h0, h1, h2, h3, h4, mac_h FROM "
                                "frontmatter_index2 WHERE path >= ? AND path < ?",
                                (prefix, above)).fetchall()
        except sqlite3.Error:
            return {}
        return {path: IndexEntry(size, stamp, tuple(hashes))
                for path, size, stamp, *hashes, mac in rows if isinstance(mac, bytes) and
                hmac.compare_digest(mac, _mac(path, size, stamp, *hashes))}

    def index_values(self, paths: list[str]) -> dict[str, str]:
        """path -> its stored summary as JSON (``load_summary``), for indexed paths."""
        conn = self._connect()
        if conn is None:
            return {}
        try:
            rows = _select_in(conn, "SELECT path, size, stamp, value, mac_v FROM "
                                    "frontmatter_index2 WHERE path IN", paths)
        except sqlite3.Error:
            return {}
        return {path: value for path, size, stamp, value, mac in rows
                if isinstance(mac, bytes) and
                hmac.compare_digest(mac, _mac(path, size, stamp, value))}

    def put_index(self, rows: list[IndexRow]) -> None:
        """Store the summaries of indexed articles."""
        conn = self._connect()
        if conn is None or not rows:
            return
        out = []
        for p, size, stamp, h, v in rows:
            value = json.dumps(v.to_json(), ensure_ascii=False)
            out.append((p, size, stamp, *h, value, _mac(p, size, stamp, *h),
                        _mac(p, size, stamp, value)))
        _write(conn, [("INSERT OR REPLACE INTO frontmatter_index2 (path, size, stamp, h0, h1, h2, "
                       "h3, h4, value, mac_h, mac_v) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                       out)])

    def prune(self, max_entries: int = MAX_ENTRIES) -> None:
        conn = self._connect()
        if conn is None:
            return
        try:
            (count,) = conn.execute("SELECT COUNT(*) FROM results").fetchone()
            if count > max_entries:
                conn.execute("DELETE FROM results WHERE key IN (SELECT key FROM results "
                             "ORDER BY used LIMIT ?)", (count - max_entries,))
        except sqlite3.Error:
            pass

    def close(self) -> None:
        self.flush()
        if self._conn is not None:
            self._conn.close()
            self._conn = None


def _write(conn: sqlite3.Connection, statements: list[tuple[str, list]]) -> None:
    """Run ``executemany`` statements in one transaction; a failed write is dropped (a cache
    that cannot be written is no reason to fail the run)."""
    try:
        conn.execute("BEGIN IMMEDIATE")
        for sql, rows in statements:
            conn.executemany(sql, rows)
        conn.execute("COMMIT")
    except sqlite3.Error:
        try:
            conn.execute("ROLLBACK")
        except sqlite3.Error:
            pass


# --------------------------------------------------------------------------- the database file

_SIDE_FILES = ("", "-wal", "-shm", "-journal")  # the database and SQLite's files beside it
_DAMAGED = {"SQLITE_CORRUPT", "SQLITE_NOTADB"}


def _open_db(folder: Path, db: Path, base: Path | None) -> sqlite3.Connection:
    """A connection to the cache database, its tables made if new. Raises ``_Refused`` for a
    folder that may not hold it (``refusal``), ``_SetAside`` for a database to move aside: not a
    regular file (a FIFO, a link), damaged, or with tables that news-lint did not make (another
    version's, or changed outside news-lint)."""
    for step in range(2):  # before anything is made, and once the folder is there
        why = refusal(folder, base)
        if why:
            raise _Refused(why)
        if not step:
            folder.mkdir(parents=True, exist_ok=True)
    _write_gitignore(folder)
    inode = None
    for suffix in _SIDE_FILES:
        try:
            st = os.lstat(f"{db}{suffix}")
        except FileNotFoundError:
            continue
        if not stat.S_ISREG(st.st_mode):
            raise _SetAside(f"the cache {db}{suffix} is not a regular file",
                            inode if suffix else st.st_ino)
        inode = inode if suffix else st.st_ino
    conn = sqlite3.connect(db, timeout=30, isolation_level=None)
    try:
        conn.execute("PRAGMA trusted_schema=OFF")
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=NORMAL")
        found = _schema(conn)
        if not found:
            _write(conn, [(sql, [()]) for sql in SCHEMA])
            found = _schema(conn)
            if not found:
                raise sqlite3.OperationalError(f"cannot make the tables of {db}")
        if found != _expected_schema():
            raise _SetAside(f"the cache {db} was made by another version of news-lint or "
                            "changed outside it", inode)
    except sqlite3.DatabaseError as exc:
        conn.close()
        if getattr(exc, "sqlite_errorname", "") in _DAMAGED:
            raise _SetAside(f"the cache {db} is damaged ({exc})", inode) from None
        raise
    except BaseException:
        conn.close()
        raise
    return conn


def _schema(conn: sqlite3.Connection) -> list[tuple]:
    return sorted(conn.execute("SELECT type, name, tbl_name, sql FROM sqlite_master").fetchall(),
                  key=repr)


_EXPECTED: list[list[tuple]] = []


def _expected_schema() -> list[tuple]:
    """What ``_schema`` reads from a database news-lint made."""
    if not _EXPECTED:
        conn = sqlite3.connect(":memory:")
        for sql in SCHEMA:
            conn.execute(sql)
        _EXPECTED.append(_schema(conn))
        conn.close()
    return _EXPECTED[0]


def _set_aside(db: Path, why: _SetAside) -> bool:
    """Move the database (and SQLite's files beside it) to ``*.broken``, saying why, unless
    another run has replaced it already; whether a new one may be started."""
    try:
        if why.inode is not None and os.lstat(db).st_ino != why.inode:
            return True  # another run moved it aside first
        for suffix in _SIDE_FILES:
            try:
                os.replace(f"{db}{suffix}", f"{db}{suffix}.broken")
            except FileNotFoundError:
                pass
    except OSError as exc:
        warn(f"{why}; the result cache is not used: cannot move it aside ({exc.strerror or exc}):"
             f" delete {db}")
        return False
    warn(f"{why}; moved to {db.name}.broken, a new cache is started")
    return True


def _write_gitignore(folder: Path) -> None:
    """A ``.gitignore`` keeping the cache out of version control, unless the folder has one
    (never written through a link, never opened if it is a FIFO)."""
    try:
        fd = os.open(folder / ".gitignore", os.O_WRONLY | os.O_CREAT | os.O_EXCL |
                     getattr(os, "O_NOFOLLOW", 0), 0o644)
    except FileExistsError:
        return
    with open(fd, "w", encoding="utf-8") as fh:
        fh.write("# created by news-lint\n*\n")


_OWN_FILE = re.compile(r"\.gitignore|results-v\d+\.sqlite(-wal|-shm|-journal)?(\.broken)?")


def refusal(folder: Path, base: Path | None) -> str | None:
    """Why ``folder`` may not hold the cache (None: it may). ``base``: the folder a relative
    cache folder is named from; under it no part of the path may be a symbolic link (a link the
    project holds would move the cache, and its ``.gitignore``, anywhere). An absolute folder
    (``--cache-dir``, the user's choice) is followed. A folder holding anything but news-lint's
    own files is refused: its ``.gitignore`` (``*``) would hide them from git."""
    if base is not None:
        real = os.path.realpath(folder)
        named = os.path.normpath(os.path.join(os.path.realpath(base), os.path.relpath(folder, base)))
        if real != named:
            return (f"{folder} is a symbolic link or goes through one (to {real}); a cache folder "
                    "in the project must be a real folder (an absolute --cache-dir is followed)")
    try:
        other = sorted(n for n in os.listdir(folder) if not _OWN_FILE.fullmatch(n))
    except (FileNotFoundError, NotADirectoryError):
        return None
    if other:
        shown = ", ".join(other[:3]) + (", ..." if len(other) > 3 else "")
        return (f"{folder} holds other files ({shown}); a cache folder may hold only news-lint's "
                "cache: choose a new or empty folder (cache-dir, --cache-dir)")
    return None


def folder_for(settings: Settings, cache_dir: str | None) -> tuple[Path, Path | None]:
    """The cache folder (``cache_dir``, else the configured one, else ``.news-lint-cache``
    beside the configuration or in the working directory), and the folder a relative one is
    named from (None for an absolute one)."""
    configured = getattr(settings.file, "cache_dir", None)
    base = settings.root if settings.source is not None and not cache_dir else Path(os.getcwd())
    folder = base / (cache_dir or configured or ".news-lint-cache")
    return folder, None if os.path.isabs(cache_dir or configured or "") else base


def load_summary(value: str) -> Summary:
    """A summary stored by ``put_index`` (empty when unreadable)."""
    try:
        data = json.loads(value)
    except (ValueError, TypeError):
        return Summary()
    return Summary.from_json(data) if isinstance(data, dict) else Summary()
