"""Results of unchanged files, reused across runs.

Key: a hash of news-lint's version, the effective settings (configuration, profile, selected
rules), the file's path as displayed and its bytes. Stored in one SQLite database under the
cache folder (default ``.news-lint-cache/`` next to the configuration, or in the working
directory), which makes concurrent runs safe (WAL, busy timeout) and keeps it one file. Bounded:
the least recently used entries go when it grows past ``MAX_ENTRIES``. Values are JSON, never
pickle: a cache folder must not be a way to run code.
"""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import time
from pathlib import Path

from . import __version__
from .config import Settings
from .diagnostics import Applicability, Diagnostic, Edit, Fix, Position, Severity

MAX_ENTRIES = 200_000
DB_NAME = "results-v2.sqlite"
STALE = 86_400.0  # seconds after which a hit refreshes its entry's last use (LRU order)


def _select_in(conn: sqlite3.Connection, query: str, values: list) -> list[tuple]:
    """The rows of ``query`` (ending in ``IN``) for ``values``, 500 at a time (SQLite bounds
    the parameters of one statement)."""
    rows: list[tuple] = []
    for i in range(0, len(values), 500):
        part = values[i:i + 500]
        rows += conn.execute(f"{query} ({','.join('?' * len(part))})", part).fetchall()
    return rows


def settings_fingerprint(settings: Settings) -> str:
    parts = {
        "version": __version__,
        "file": settings.file.model_dump(mode="json"),
        "profile": settings.profile.model_dump(mode="json"),
        "enabled": sorted(settings.enabled),
    }
    return hashlib.sha256(json.dumps(parts, sort_keys=True).encode()).hexdigest()


def key_for(fingerprint: str, display: str, data: bytes) -> str:
    h = hashlib.sha256()
    h.update(fingerprint.encode())
    h.update(b"\0" + display.encode("utf-8", "surrogateescape") + b"\0")
    h.update(data)
    return h.hexdigest()


# --------------------------------------------------------------------------- (de)serialising


def _dump_diag(d: Diagnostic) -> dict:
    out = {"code": d.code, "name": d.name, "severity": d.severity.value, "message": d.message,
           "start": d.start, "end": d.end, "path": d.path, "line": d.line, "column": d.column,
           "end_line": d.end_line, "end_column": d.end_column, "source": d.data.get("source")}
    if d.fix is not None:
        out["fix"] = {"edits": [[e.start, e.end, e.content] for e in d.fix.edits],
                      "applicability": d.fix.applicability.value, "message": d.fix.message,
                      "priority": d.fix.priority}
        out["edit_pos"] = [[s.line, s.column, t.line, t.column] for s, t in d.data.get("edits", ())]
    return out


def _load_diag(o: dict) -> Diagnostic:
    fix = None
    if o.get("fix"):
        f = o["fix"]
        fix = Fix(tuple(Edit(*e) for e in f["edits"]), Applicability(f["applicability"]),
                  f["message"], f["priority"])
    d = Diagnostic(o["code"], o["name"], Severity(o["severity"]), o["message"], o["start"],
                   o["end"], fix, o["path"], o["line"], o["column"], o["end_line"], o["end_column"])
    if o.get("source") is not None:
        d.data["source"] = o["source"]
    if "edit_pos" in o:
        d.data["edits"] = [(Position(a, b), Position(c, e)) for a, b, c, e in o["edit_pos"]]
    return d


def dump(diagnostics: list[Diagnostic], summary: dict) -> str:
    return json.dumps({"d": [_dump_diag(d) for d in diagnostics], "s": summary},
                      ensure_ascii=False, separators=(",", ":"))


def load(blob: str) -> tuple[list[Diagnostic], dict]:
    o = json.loads(blob)
    summary = {k: tuple(v) for k, v in o["s"].items()}
    return [_load_diag(d) for d in o["d"]], summary


# --------------------------------------------------------------------------- the store


class Cache:
    """One connection per process; ``get`` reads, ``put`` queues, ``flush`` writes the queue in
    one transaction."""

    def __init__(self, folder: Path):
        self.folder = Path(folder)
        self._conn: sqlite3.Connection | None = None
        self._pending: list[tuple[str, str, float]] = []
        self._hits: list[str] = []
        self.broken = False
        self._pid = os.getpid()

    def _own(self) -> None:
        """In a forked worker, forget the parent's connection and queues (not ours to use)."""
        if self._pid != os.getpid():
            self._pid, self._conn, self._pending, self._hits = os.getpid(), None, [], []

    def _connect(self) -> sqlite3.Connection | None:
        self._own()
        if self._conn is not None or self.broken:
            return self._conn
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            ignore = self.folder / ".gitignore"
            if not ignore.exists():
                ignore.write_text("# created by news-lint\n*\n", encoding="utf-8")
            conn = sqlite3.connect(self.folder / DB_NAME, timeout=30, isolation_level=None)
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=NORMAL")
            # clean: the file had nothing to report; h0-h2 its compact cross-file summary, so a
            # hit on it needs no JSON at all
            conn.execute("CREATE TABLE IF NOT EXISTS results (key TEXT PRIMARY KEY, value TEXT "
                         "NOT NULL, used REAL NOT NULL, clean INTEGER NOT NULL DEFAULT 0, "
                         "h0 INTEGER, h1 INTEGER, h2 INTEGER)")
            conn.execute("DROP TABLE IF EXISTS frontmatter_index")  # the first layout
            conn.execute("CREATE TABLE IF NOT EXISTS frontmatter_index2 (path TEXT PRIMARY KEY, "
                         "size INTEGER NOT NULL, mtime INTEGER NOT NULL, h0 INTEGER, h1 INTEGER, "
                         "h2 INTEGER, value TEXT NOT NULL)")
            self._conn = conn
        except (OSError, sqlite3.Error):
            self.broken = True  # a cache that cannot be used is no reason to fail the run
        return self._conn

    def get(self, key: str) -> tuple[list[Diagnostic], dict | None, tuple | None] | None:
        """(diagnostics, summary, None), or for a file that had nothing to report
        ([], None, its compact cross-file summary); None when not cached."""
        return self.get_many([key]).get(key)

    def get_many(self, keys: list[str]) -> dict[str, tuple[list[Diagnostic], dict | None, tuple | None]]:
        """``get`` for many keys at once (one query per 500): the keys found, with their
        results; an unreadable entry is left out (a miss)."""
        conn = self._connect()
        if conn is None or not keys:
            return {}
        try:
            rows = _select_in(conn, "SELECT key, value, used, clean, h0, h1, h2 FROM results "
                                    "WHERE key IN", keys)
        except sqlite3.Error:
            return {}
        out = {}
        now = time.time()
        for key, value, used, clean, *hashes in rows:
            if now - used > STALE:
                self._hits.append(key)
            if clean:
                out[key] = ([], None, tuple(hashes))
                continue
            try:
                out[key] = (*load(value), None)
            except (ValueError, KeyError, TypeError):
                pass
        return out

    def put(self, key: str, diagnostics: list[Diagnostic], summary: dict,
            hashes: tuple | None = None) -> None:
        """Queue a result; ``hashes``: the compact summary of a file with nothing to report,
        if the caller has it already."""
        self._own()
        clean = not diagnostics
        if clean and hashes is None:
            from .rules.crossfile import compact

            hashes = compact(summary)
        # a clean entry is answered from its hashes (``get``): its value is never read
        self._pending.append((key, "" if clean else dump(diagnostics, summary), time.time(),
                              int(clean), *(hashes if clean else (None, None, None))))

    def flush(self) -> None:
        conn = self._connect()
        if conn is None or not (self._pending or self._hits):
            self._pending, self._hits = [], []
            return
        now = time.time()
        _write(conn, [("INSERT OR REPLACE INTO results (key, value, used, clean, h0, h1, h2) "
                       "VALUES (?, ?, ?, ?, ?, ?, ?)",
                       self._pending),
                      ("UPDATE results SET used = ? WHERE key = ?", [(now, k) for k in self._hits])])
        self._pending, self._hits = [], []

    # -- the cross-file index: slug/url/title of articles that are not linted in this run -----
    def index_entries(self, folder: str) -> dict[str, tuple[int, int, tuple]]:
        """path -> (size, mtime, compact summary) of the indexed articles of a folder; the
        summaries themselves (``index_values``) are read only for the few whose hashes meet
        another file's."""
        conn = self._connect()
        if conn is None:
            return {}
        prefix = folder.rstrip(os.sep) + os.sep
        above = prefix[:-1] + chr(ord(os.sep) + 1)  # every path in [prefix, above) starts with prefix
        try:
            rows = conn.execute("SELECT path, size, mtime, h0, h1, h2 FROM frontmatter_index2 "
                                "WHERE path >= ? AND path < ?", (prefix, above)).fetchall()
        except sqlite3.Error:
            return {}
        return {r[0]: (r[1], r[2], r[3:6]) for r in rows}

    def index_values(self, paths: list[str]) -> dict[str, str]:
        """path -> its stored summary as JSON (``load_summary``), for indexed paths."""
        conn = self._connect()
        if conn is None:
            return {}
        try:
            return dict(_select_in(conn, "SELECT path, value FROM frontmatter_index2 WHERE path IN",
                                   paths))
        except sqlite3.Error:
            return {}

    def put_index(self, rows: list[tuple[str, int, int, tuple, dict]]) -> None:
        conn = self._connect()
        if conn is None or not rows:
            return
        _write(conn, [("INSERT OR REPLACE INTO frontmatter_index2 (path, size, mtime, h0, h1, h2, "
                       "value) VALUES (?, ?, ?, ?, ?, ?, ?)",
                       [(p, s, m, *h, json.dumps(v, ensure_ascii=False)) for p, s, m, h, v in rows])])

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


def default_folder(settings: Settings) -> Path:
    configured = getattr(settings.file, "cache_dir", None)
    base = settings.root if settings.source is not None else Path(os.getcwd())
    return (base / configured) if configured else base / ".news-lint-cache"


def load_summary(value: str) -> dict:
    """A summary stored by ``put_index`` ({} when unreadable)."""
    try:
        data = json.loads(value)
        return {k: tuple(v) for k, v in data.items()} if isinstance(data, dict) else {}
    except (ValueError, TypeError):
        return {}
