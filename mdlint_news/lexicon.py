"""Word frequencies without loading word lists: wordfreq's lists, compiled once into SQLite.

Loading a wordfreq list costs 0.2-0.6 s and 50-150 MB per language and process; a damaged line
needs a few hundred of its words. So the first time a language is needed its list (and the
letter statistics the mojibake repair derives from it) is compiled into a SQLite file that
every later run and every worker process reads a word at a time (a few microseconds each, a
few MB of memory). The file is to wordfreq what ``__pycache__`` is to Python sources: derived
data, rebuilt when the installed wordfreq changes, safe to delete.

Where: ``$NEWS_LINT_LEXICON`` (a file path), else ``$XDG_CACHE_HOME/news-lint/`` (default
``~/.cache/news-lint/``). When that cannot be written, the lists are compiled into memory for
the process, as wordfreq itself would load them.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import math
import os
import sqlite3
import threading
import unicodedata
from pathlib import Path
from typing import Callable

FORMAT = 1  # bump when what is stored changes
CHAR_WORDS = 30_000  # letter frequencies: over the most frequent word forms
GAP_WORDS = 50_000  # letters in context: over the most frequent word forms, each form once
# Languages whose wordfreq tokenizer turns an alphabetic word into one token by NFC + casefold
# (checked against wordfreq itself in tests/test_lexicon.py); others go through wordfreq.
_SIMPLE_TOKENIZE = frozenset("cs en sk de fr es pt pl it hu sv nl da nb fi et lv lt sl hr "
                             "ca id ms".split())


def default_path() -> Path:
    env = os.environ.get("NEWS_LINT_LEXICON")
    if env:
        return Path(env)
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "news-lint" / f"lexicon-v{FORMAT}.sqlite3"


def _wordfreq_fingerprint() -> str:
    """Which wordfreq is installed, without importing it (an import costs ~0.1 s): its version
    and the names and sizes of its data files. Not where it is installed: every environment
    with the same wordfreq (a project's venv, pre-commit's own) shares the compiled lists,
    instead of each compiling them again over the other's (~20 s each time)."""
    spec = importlib.util.find_spec("wordfreq")
    if spec is None or not spec.origin:
        return "missing"
    try:
        from importlib.metadata import version

        parts = [version("wordfreq")]
    except Exception:  # noqa: BLE001  (no metadata: an unusual install)
        parts = ["unknown"]
    try:
        with os.scandir(Path(spec.origin).parent / "data") as entries:
            parts += sorted(f"{e.name}:{e.stat().st_size}" for e in entries if e.is_file())
    except OSError:
        parts.append("no data")
    digest = hashlib.blake2b("\n".join(parts).encode("utf-8", "surrogateescape"), digest_size=12)
    return f"wordfreq {parts[0]}; data {digest.hexdigest()}"


_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS words (lang TEXT, word TEXT, cb INTEGER NOT NULL,
                                  PRIMARY KEY (lang, word)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS gaps (lang TEXT, ctx TEXT, counts TEXT NOT NULL,
                                 PRIMARY KEY (lang, ctx)) WITHOUT ROWID;
"""


class _Store:
    """One SQLite connection per process (a connection must not cross a fork)."""

    def __init__(self) -> None:
        self.pid = -1
        self.conn: sqlite3.Connection | None = None
        self.path: Path | None = None
        self.lock = threading.Lock()

    def connect(self, memory: bool = False) -> sqlite3.Connection:
        if self.conn is not None and self.pid == os.getpid() and not memory:
            return self.conn
        self.pid = os.getpid()
        self.conn = None
        path = default_path()
        try:
            if memory:
                raise OSError("in memory")
            path.parent.mkdir(parents=True, exist_ok=True)
            conn = sqlite3.connect(path, timeout=300, isolation_level=None, check_same_thread=False)
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=NORMAL")
            conn.executescript(_SCHEMA)
            self.path = path
        except (OSError, sqlite3.Error):  # not writable, full, or not a database
            conn = sqlite3.connect(":memory:", isolation_level=None, check_same_thread=False)
            conn.executescript(_SCHEMA)
            self.path = None
        fp = _wordfreq_fingerprint()
        row = conn.execute("SELECT value FROM meta WHERE key = 'wordfreq'").fetchone()
        if row is None or row[0] != fp:
            try:
                conn.execute("BEGIN IMMEDIATE")
                row = conn.execute("SELECT value FROM meta WHERE key = 'wordfreq'").fetchone()
                if row is None or row[0] != fp:  # another wordfreq: compile again
                    conn.execute("DELETE FROM words")
                    conn.execute("DELETE FROM gaps")
                    conn.execute("DELETE FROM meta")
                    conn.execute("INSERT INTO meta VALUES ('wordfreq', ?)", (fp,))
                conn.execute("COMMIT")
            except sqlite3.Error:
                conn.rollback() if conn.in_transaction else None
        self.conn = conn
        return conn


_STORE = _Store()
COMPILE_SECONDS = 30  # all the languages a first repair compiles, on a laptop
_notice: Callable[[str], None] | None = None


def set_notice(notice: Callable[[str], None] | None) -> None:
    """Where to say (once, when it starts) that word lists are being compiled: the first
    lost-byte repair takes tens of seconds, which must not look like a hang."""
    global _notice
    _notice = notice


def _announce(conn: sqlite3.Connection, lang: str) -> None:
    """Say that compiling starts, when no list has been compiled into this file yet (later
    languages take a second or two each, in the same stall)."""
    if _notice is None or conn.execute("SELECT 1 FROM meta WHERE key LIKE 'built:%'").fetchone():
        return
    if _STORE.path is not None:
        where = f"(once per machine, ~{COMPILE_SECONDS} s) into {_STORE.path}"
    else:
        where = (f"(~{COMPILE_SECONDS} s) into memory: {default_path().parent} cannot be "
                 "written, so every run compiles them again (set NEWS_LINT_LEXICON to a "
                 "writable file)")
    _notice(f"compiling word lists for {lang} {where}")


def _compile(conn: sqlite3.Connection, lang: str) -> None:
    """Compile one language's list (called inside a write transaction). wordfreq keeps every
    list it has read (``lru_cache``: 30-50 MB a language, 430 MB for the 14 languages the
    first repair compiles): they are dropped once the language is compiled."""
    try:
        _compile_lists(conn, lang)
    finally:
        _drop_wordfreq_lists()


def _drop_wordfreq_lists() -> None:
    import wordfreq

    for cached in (wordfreq.get_frequency_list, wordfreq.get_frequency_dict, wordfreq.top_n_list):
        clear = getattr(cached, "cache_clear", None)
        if clear is not None:
            clear()


def _compile_lists(conn: sqlite3.Connection, lang: str) -> None:
    import wordfreq

    top = wordfreq.top_n_list(lang, CHAR_WORDS, wordlist="best")
    wanted, freq = set(top), {}
    rows = []
    for index, bucket in enumerate(wordfreq.get_frequency_list(lang, "best")):
        for w in bucket:
            rows.append((w, index))
            if w in wanted:
                freq[w] = _cb_to_freq(index)
    rows.sort(key=_first)  # in key order: appending to the b-tree is several times faster
    conn.executemany(f"INSERT OR REPLACE INTO words VALUES ('{_sql_name(lang)}', ?, ?)", rows)
    del rows
    counts: dict[str, float] = {}
    for w in top:
        f = freq.get(w, 0.0)
        for c in w:
            if c.isalpha():
                counts[c] = counts.get(c, 0.0) + f
    total = sum(counts.values()) or 1.0
    char_logp = {c: max(-6.0, math.log10(v / total)) for c, v in counts.items()}
    # letters in context: key = the letters around (2 on each side, or 1 on each side)
    wide: dict[str, dict[str, int]] = {}
    for w in wordfreq.top_n_list(lang, GAP_WORDS, wordlist="best"):
        if not w.isalpha():
            continue
        w = "^^" + w + "$$"
        for i in range(2, len(w) - 2):
            ch = w[i]
            for key in (w[i - 2] + w[i - 1] + w[i + 1] + w[i + 2], w[i - 1] + w[i + 1]):
                d = wide.setdefault(key, {})
                d[ch] = d.get(ch, 0) + 1
    conn.executemany("INSERT OR REPLACE INTO gaps VALUES (?, ?, ?)",
                     ((lang, k, json.dumps(wide[k], ensure_ascii=False)) for k in sorted(wide)))
    conn.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)",
                 ("chars:" + lang, json.dumps(char_logp, ensure_ascii=False)))
    conn.execute("INSERT OR REPLACE INTO meta VALUES (?, 'yes')", ("built:" + lang,))


def _first(row: tuple) -> str:
    return row[0]


def _sql_name(lang: str) -> str:
    if not lang.replace("-", "").isalnum():
        raise ValueError(f"not a language code: {lang!r}")
    return lang


def _cb_to_freq(cb_below_one: int) -> float:
    return 10 ** (-cb_below_one / 100)  # wordfreq.cB_to_freq(-index)


class Lexicon:
    """One language: word frequencies, letter frequencies, letters in context."""

    def __init__(self, lang: str):
        self.lang = lang
        try:
            self._load()
        except sqlite3.Error:  # the file went bad (disk full ...): compile into memory instead
            _STORE.connect(memory=True)
            self._load()
        self._freq: dict[str, float] = {}
        self._gaps: dict[str, dict[str, int] | None] = {}

    def _load(self) -> None:
        lang = self.lang
        conn = self._db = _STORE.connect()
        self._pid = os.getpid()
        with _STORE.lock:
            row = conn.execute("SELECT value FROM meta WHERE key = ?", ("built:" + lang,)).fetchone()
            if row is None:
                conn.execute("BEGIN IMMEDIATE")  # other processes wait; then it is there
                try:
                    if conn.execute("SELECT 1 FROM meta WHERE key = ?",
                                    ("built:" + lang,)).fetchone() is None:
                        _announce(conn, lang)
                        _compile(conn, lang)
                    conn.execute("COMMIT")
                except BaseException:
                    conn.rollback()
                    raise
            chars = conn.execute("SELECT value FROM meta WHERE key = ?", ("chars:" + lang,)).fetchone()
        self.char_logp: dict[str, float] = json.loads(chars[0]) if chars else {}

    def _conn(self) -> sqlite3.Connection:
        if self._pid != os.getpid():  # forked: a connection must not cross a fork
            self._db, self._pid = _STORE.connect(), os.getpid()
        return self._db

    def freq(self, word: str) -> float:
        """The frequency wordfreq lists for exactly this token (0.0: not listed)."""
        f = self._freq.get(word)
        if f is None:
            row = self._conn().execute("SELECT cb FROM words WHERE lang = ? AND word = ?",
                                       (self.lang, word)).fetchone()
            f = self._freq[word] = _cb_to_freq(row[0]) if row else 0.0
        return f

    def gap(self, ctx: str) -> dict[str, int] | None:
        """Counts of each letter between the letters of ``ctx`` (2 or 4 characters, ``^``/``$``
        at the word's edges) over the language's most frequent word forms."""
        if ctx in self._gaps:
            return self._gaps[ctx]
        row = self._conn().execute("SELECT counts FROM gaps WHERE lang = ? AND ctx = ?",
                                   (self.lang, ctx)).fetchone()
        d = self._gaps[ctx] = json.loads(row[0]) if row else None
        return d


_LEXICONS: dict[str, Lexicon] = {}


def get(lang: str) -> Lexicon:
    lex = _LEXICONS.get(lang)
    if lex is None:
        lex = _LEXICONS[lang] = Lexicon(lang)
    return lex


_AVAILABLE: frozenset[str] | None = None


def available_languages() -> frozenset[str]:
    global _AVAILABLE
    if _AVAILABLE is None:
        conn = _STORE.connect()
        row = conn.execute("SELECT value FROM meta WHERE key = 'available'").fetchone()
        if row is None:
            import wordfreq

            langs = sorted(wordfreq.available_languages(wordlist="best"))
            conn.execute("INSERT OR REPLACE INTO meta VALUES ('available', ?)", (json.dumps(langs),))
        else:
            langs = json.loads(row[0])
        _AVAILABLE = frozenset(langs)
    return _AVAILABLE


def zipf_frequency(word: str, lang: str) -> float:
    """``wordfreq.zipf_frequency(word, lang)``, read from the compiled lists: the same value
    (tests/test_lexicon.py compares them), without loading a list. An alphabetic word in a
    language whose tokenizer only normalises and case-folds is looked up directly; other text
    is cut into tokens by wordfreq's own tokenizer and combined as wordfreq combines them;
    languages with dictionary tokenizers (Chinese, Japanese, Korean) go to wordfreq itself."""
    if lang in _SIMPLE_TOKENIZE and word.isalpha():
        token = unicodedata.normalize("NFC", word).casefold()
        if token.isalpha():
            return _zipf(get(lang).freq(token))
    import wordfreq

    if wordfreq.get_language_info(lang)["tokenizer"] != "regex":
        return wordfreq.zipf_frequency(word, lang)
    tokens = wordfreq.lossy_tokenize(word, lang)
    if not tokens:
        return 0.0
    lex, one_over = get(lang), 0.0
    for token in tokens:  # 1/f = 1/f1 + 1/f2 + ...; digits are counted as zeroes
        smashed = wordfreq.smash_numbers(token)
        f = lex.freq(smashed)
        if not f:
            return 0.0
        if smashed != token:
            f *= wordfreq.digit_freq(token)
        one_over += 1.0 / f
    return _zipf(1.0 / one_over)


def _zipf(f: float) -> float:
    if f < 1e-9:  # wordfreq's minimum, Zipf 0
        return 0.0 if f == 0.0 else round(math.log(1e-9, 10) + 9, 2)
    f = round(f, math.floor(-math.log(f, 10)) + 3)  # wordfreq keeps 3 significant digits
    return round(math.log(f, 10) + 9, 2)
