"""Word frequencies without loading word lists: wordfreq's lists, compiled once into SQLite.

Loading a wordfreq list costs 0.2-0.6 s and 50-150 MB per language and process; a damaged line
needs a few hundred of its words. So the first time a language is needed its list (and the
letter statistics the mojibake repair derives from it) is compiled into a SQLite file that
every later run and every worker process reads a length of words at a time (a few MB of
memory). The file is to wordfreq what ``__pycache__`` is to Python sources: derived data,
rebuilt when the installed wordfreq changes, safe to delete.

A language is compiled in levels, each when first asked for: its ``head`` (the ``HEAD_WORDS``
most frequent words and the letter frequencies: all that language detection asks of each of
the ~14 candidate languages), the letters in context (``gaps``, for the languages a line is
repaired in) and the rest of its list (``words``, for a word the head does not know). Each is
read from wordfreq's file a frequency bucket at a time and stored with C-speed steps only
(sort by length, join), a few MB per language: the first lost-byte repair on a fresh machine
compiles in a few seconds; when that takes over ``NOTE_AFTER`` seconds (or
``$NEWS_LINT_NOTE_AFTER``) one line on stderr says so (``set_notice``).

Where: ``$NEWS_LINT_LEXICON`` (a file path), else ``$XDG_CACHE_HOME/news-lint/`` (default
``~/.cache/news-lint/``). When that cannot be written, the lists are compiled into memory for
the process, as wordfreq itself would load them.
"""
from __future__ import annotations

import bisect
import hashlib
import importlib.util
import itertools
import json
import math
import operator
import os
import re
import sqlite3
import sys
import threading
import time
import unicodedata
from collections import Counter
from pathlib import Path
from typing import Callable

FORMAT = 5  # bump when what is stored changes
CHAR_WORDS = 30_000  # letter frequencies: over the most frequent word forms
GAP_WORDS = 50_000  # letters in context: over the most frequent word forms, each form once
# (counted over the whole head: GAP_WORDS must stay >= CHAR_WORDS)
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
CREATE TABLE IF NOT EXISTS gaps (lang TEXT, left TEXT, data TEXT NOT NULL,
                                 PRIMARY KEY (lang, left)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS absent (lang TEXT, word TEXT, PRIMARY KEY (lang, word)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS parts (lang TEXT, kind TEXT, len INTEGER, text TEXT NOT NULL,
                                  ordered INTEGER NOT NULL, PRIMARY KEY (lang, kind, len));
"""


class _Store:
    """One SQLite connection per process (a connection must not cross a fork)."""

    def __init__(self) -> None:
        self.pid = -1
        self.conn: sqlite3.Connection | None = None
        self.path: Path | None = None
        self.lock = threading.Lock()
        self.generation = 0  # a new connection: what was compiled into the old one may be gone

    def connect(self, memory: bool = False) -> sqlite3.Connection:
        if self.conn is not None and self.pid == os.getpid() and not memory:
            return self.conn
        self.pid = os.getpid()
        self.conn = None
        self.generation += 1
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
                    conn.execute("DELETE FROM parts")
                    conn.execute("DELETE FROM absent")
                    conn.execute("DELETE FROM gaps")
                    conn.execute("DELETE FROM meta")
                    conn.execute("INSERT INTO meta VALUES ('wordfreq', ?)", (fp,))
                conn.execute("COMMIT")
            except sqlite3.Error:
                conn.rollback() if conn.in_transaction else None
        self.conn = conn
        return conn


_STORE = _Store()
NOTE_AFTER = 1.0  # seconds of compiling before the note on stderr ($NEWS_LINT_NOTE_AFTER)


def _note_after() -> float:
    try:
        return max(0.0, float(os.environ.get("NEWS_LINT_NOTE_AFTER", NOTE_AFTER)))
    except ValueError:
        return NOTE_AFTER
_notice: Callable[[str], None] | None = None


def set_notice(notice: Callable[[str], None] | None) -> None:
    """Where to say (once per process, when compiling has taken over ``NOTE_AFTER`` seconds)
    that word lists are being compiled, which must not look like a hang."""
    global _notice
    _notice = notice


class _Stall:
    """Time spent compiling in this process; the note fires once, ``NOTE_AFTER`` seconds in."""

    spent = 0.0
    first: str | None = None
    noted = False

    def __init__(self, lang: str):
        self.lang = lang

    def __enter__(self) -> None:
        _Stall.first = _Stall.first or self.lang
        self.start = time.perf_counter()
        self.timer = None
        if _notice is not None and not _Stall.noted:
            self.timer = threading.Timer(max(0.0, _note_after() - _Stall.spent), _note_once)
            self.timer.daemon = True
            self.timer.start()

    def __exit__(self, *exc) -> None:
        if self.timer is not None:
            self.timer.cancel()
        _Stall.spent += time.perf_counter() - self.start


def _note_once() -> None:
    if _Stall.noted or _notice is None:
        return
    _Stall.noted = True
    if _STORE.path is not None:
        where = f"(once per machine, a few seconds) into {_STORE.path}"
    else:
        where = (f"(a few seconds) into memory: {default_path().parent} cannot be written, so "
                 "every run compiles them again (set NEWS_LINT_LEXICON to a writable file)")
    _notice(f"compiling word lists for {_Stall.first} {where}")


# -- reading wordfreq's lists ------------------------------------------------------------------

def _buckets(lang: str):
    """wordfreq's list for ``lang``, one frequency bucket at a time (index = -cB), read as a
    stream: the head of a list costs a fraction of the whole (the lists are sorted by
    frequency), and no list stays in memory (``wordfreq.get_frequency_list`` keeps them all)."""
    import gzip

    import msgpack
    import wordfreq

    path = wordfreq.available_languages("best").get(lang)
    if path is None:  # a code wordfreq matches to another: let wordfreq find it
        yield from wordfreq.get_frequency_list(lang, "best")
        return
    with gzip.open(path, "rb") as fh:
        unpacker = msgpack.Unpacker(fh, raw=False, use_list=True, max_buffer_size=1 << 26)
        size = unpacker.read_array_header()
        header = unpacker.unpack()
        if not isinstance(header, dict) or header.get("format") != "cB":
            raise ValueError(f"{path}: not a cBpack file")
        for _ in range(size - 1):
            yield unpacker.unpack()


_MULTI_DIGIT = re.compile(r"^\d[\d.,]+.*$", re.M)  # wordfreq.numbers.has_digit_sequence


def _plain(bucket: list[str]) -> list[str]:
    """The bucket's words without digit sequences (``top_n_list`` leaves them out)."""
    digits = set(_MULTI_DIGIT.findall("\n".join(bucket)))
    return [w for w in bucket if w not in digits] if digits else bucket


def _head(lang: str, n: int) -> list[tuple[int, list[str]]]:
    """The buckets of the list (index, words), up to its ``n`` most frequent words without
    digit sequences (the ``wordfreq.top_n_list`` of ``n``: ``_top``)."""
    out: list[tuple[int, list[str]]] = []
    for index, bucket in enumerate(_buckets(lang)):
        if not bucket:
            continue
        plain = _plain(bucket)
        if len(plain) >= n:  # cut the bucket after its n-th plain word
            out.append((index, bucket[: bucket.index(plain[n - 1]) + 1]))
            return out
        out.append((index, bucket))
        n -= len(plain)
    return out


def _top(head: list[tuple[int, list[str]]], n: int) -> list[tuple[int, list[str]]]:
    """``wordfreq.top_n_list(lang, n)``, as buckets, from the head."""
    out = []
    for index, bucket in head:
        words = _plain(bucket)[:n]
        out.append((index, words))
        n -= len(words)
        if n <= 0:
            break
    return out


def _char_logp(head: list[tuple[int, list[str]]]) -> dict[str, float]:
    counts: dict[str, float] = {}
    for index, bucket in _top(head, CHAR_WORDS):
        f = _cb_to_freq(index)
        for c, k in Counter("".join(bucket)).items():
            if c.isalpha():
                counts[c] = counts.get(c, 0.0) + f * k
    total = sum(counts.values()) or 1.0
    return {c: max(-6.0, math.log10(v / total)) for c, v in counts.items()}


# -- the store: per language and level, the words by length ----------------------------------
#
# One text per word length L, ``\nw1i1\nw2i2\n...\n``: each word followed by one character,
# its bucket index (``chr(index + 32)``), so the k-th record starts at k * (L + 2). Compiled in
# list order with C-speed steps only (sort a bucket by length, join): a lookup is one
# ``str.find``. A length asked more than ``SORT_AFTER`` times is sorted (records of one length
# sort by their word: a plain string sort), then a lookup is a binary search; it is stored
# sorted. One row per length, read back a length at a time.

MAX_INDEX = 2000  # wordfreq's buckets run to ~900 (Zipf 0)
_IDX0 = 32  # bucket index i is stored as chr(i + 32): no NUL or newline in the text
SORT_AFTER = 8
_INDEXES = re.compile(f"[{chr(_IDX0)}-{chr(_IDX0 + MAX_INDEX)}]*")  # a part's index characters


class _Part:
    """The words of one length of a level."""

    __slots__ = ("text", "ordered", "asked", "length")

    def __init__(self, length: int, text: str, ordered: bool):
        self.length, self.text, self.ordered, self.asked = length, text, ordered, 0

    def find(self, word: str) -> int | None:
        """The bucket index of ``word`` (of this length), or None."""
        text, step, n = self.text, self.length + 2, self.length
        if not self.ordered:
            self.asked += 1
            if self.asked <= SORT_AFTER:
                pos = text.find("\n" + word)  # (a newline starts every record, only them)
                return None if pos < 0 else ord(text[pos + 1 + n]) - _IDX0
            self.sort()
            text = self.text
        lo, hi = 0, (len(text) - 1) // step
        while lo < hi:
            mid = (lo + hi) // 2
            if text[mid * step + 1: mid * step + 1 + n] < word:
                lo = mid + 1
            else:
                hi = mid
        start = lo * step + 1
        if text[start: start + n] == word:
            return ord(text[start + n]) - _IDX0
        return None

    def sort(self) -> None:
        self.text = "\n" + "\n".join(sorted(self.text[1:-1].split("\n"))) + "\n"
        self.ordered = True


def _partition(buckets) -> dict[int, _Part]:
    """``{length: part}`` from ``(index, words)`` in list order."""
    chunks: dict[int, list[str]] = {}
    for index, bucket in buckets:
        bucket = sorted(bucket, key=len)  # stable: list order within a length
        lens = list(map(len, bucket))
        mark = itertools.repeat(chr(index + _IDX0))
        i = 0
        while i < len(bucket):
            length = lens[i]
            j = bisect.bisect_right(lens, length, i)
            words = bucket[i:j]
            chunk = "\n".join(map(operator.add, words, mark))
            if chunk.count("\n") != j - i - 1:  # a word with a newline (never, in wordfreq)
                chunk = "\n".join(w + chr(index + _IDX0) for w in words if "\n" not in w)
            if length and chunk:
                chunks.setdefault(length, []).append(chunk)
            i = j
    return {n: _Part(n, "\n" + "\n".join(chunks[n]) + "\n", False) for n in chunks}


def _valid_part(length: int, text, ordered) -> _Part:
    """A stored length, checked (the file is untrusted): records of a word of ``length`` and
    a bucket index, between newlines. This runs on every part a repair reads, so: slices and
    one character class (on all 81 M characters of the lists, a third of the time of one
    pattern over each whole part, a seventh of ``min``/``max`` over the index characters)."""
    if not (isinstance(text, str) and ordered in (0, 1) and len(text) > 1
            and (len(text) - 1) % (length + 2) == 0):
        raise CorruptLexicon("words")
    step, records = length + 2, (len(text) - 1) // (length + 2)
    marks, indexes = text[::step], text[length + 1::step]
    if not (marks == "\n" * (records + 1) and text.count("\n") == records + 1
            and _INDEXES.fullmatch(indexes) is not None):
        raise CorruptLexicon("words")
    return _Part(length, text, bool(ordered))


class CorruptLexicon(ValueError):
    """A row of the file is not what this module writes (the file is untrusted)."""


def _save(conn: sqlite3.Connection, lang: str, kind: str, parts: dict[int, _Part]) -> None:
    if _STORE.path is None:  # in memory: the parts are kept by the Lexicon itself
        return
    conn.executemany("INSERT OR REPLACE INTO parts VALUES (?, ?, ?, ?, ?)", (
        (lang, kind, n, p.text, int(p.ordered)) for n, p in parts.items()))


def _remember_absent(lang: str, word: str) -> None:
    """A word found absent from a list by a probe, for later runs (best effort: see
    ``_store_sorted``)."""
    _best_effort("INSERT OR IGNORE INTO absent VALUES (?, ?)", (lang, word))


def _best_effort(sql: str, args: tuple) -> None:
    if _STORE.path is None:
        return
    try:
        with _STORE.lock:
            conn = _STORE.connect()
            conn.execute("PRAGMA busy_timeout = 50")  # never wait for it
            try:
                conn.execute(sql, args)
            finally:
                conn.execute("PRAGMA busy_timeout = 300000")
    except sqlite3.Error:
        pass


def _store_sorted(lang: str, kind: str, part: _Part) -> None:
    """Store a length this process sorted, so later processes start sorted (best effort: a
    file another process holds, or a full disk, only costs them the sort)."""
    _best_effort("UPDATE parts SET text = ?, ordered = 1 WHERE lang = ? AND kind = ? AND len = ?",
                 (part.text, lang, kind, part.length))


PROBE_WORDS = 8  # a language asked about more words than this compiles its words level


def _raw_list(lang: str) -> bytes | None:
    """wordfreq's file for ``lang``, decompressed (a few MB), or None."""
    import gzip

    import wordfreq

    path = wordfreq.available_languages("best").get(lang)
    if path is None:
        return None
    try:
        with open(path, "rb") as fh:
            return gzip.decompress(fh.read())
    except (OSError, EOFError, ValueError):
        return None


def _packed_in(raw: bytes, word: str) -> bool:
    """Whether ``raw`` (a msgpack file) may hold the string ``word``: its UTF-8 bytes right
    after a msgpack string header of their length (fixstr/str8, or the raw16/raw32 of old
    packers). One scan of the file per word, then a look before each occurrence."""
    data = word.encode("utf-8")
    n = len(data)
    heads = [bytes([0xDA]) + n.to_bytes(2, "big") if n < 65536 else b"",
             bytes([0xDB]) + n.to_bytes(4, "big")]
    if n < 256:
        heads.append(bytes([0xD9, n]))
    if n < 32:
        heads.append(bytes([0xA0 | n]))
    pos = raw.find(data)
    while pos >= 0:
        if any(h and raw[max(0, pos - len(h)):pos] == h for h in heads):
            return True
        pos = raw.find(data, pos + 1)
    return False


def _sql_name(lang: str) -> str:
    if not lang.replace("-", "").isalnum():
        raise ValueError(f"not a language code: {lang!r}")
    return lang


def _cb_to_freq(cb_below_one: int) -> float:
    return 10 ** (-cb_below_one / 100)  # wordfreq.cB_to_freq(-index)


HEAD_WORDS = max(CHAR_WORDS, GAP_WORDS)  # the head of a list: what detection and letters need


class Lexicon:
    """One language: word frequencies, letter frequencies, letters in context, compiled in two
    levels as they are needed: ``head`` (the most frequent ``HEAD_WORDS`` words and the letter
    frequencies: all that language detection asks of each candidate, and all that letters in
    context are counted over) and ``words`` (the rest of the list: every word wordfreq knows,
    read only for a word the head does not know)."""

    def __init__(self, lang: str):
        _sql_name(lang)
        self.lang = lang
        self._reset()
        self.char_logp: dict[str, float] = self._guarded(self._load_chars)

    def _reset(self) -> None:
        _STORE.connect()  # (a first connection is a new generation: count from after it)
        self._generation = _STORE.generation
        self._parts: dict[tuple[str, int], _Part | None] = {}
        self._complete: set[str] = set()  # levels whose every length is in ``_parts``
        self._built: set[str] = set()
        self._gap_left: dict[str, dict[str, dict[str, int]]] = {}  # by the context's left half
        self._gap_complete = False  # every left half is in ``_gap_left`` (in memory)
        self._memo: dict[tuple[str, str], int | None] = {}
        self._probes: int | None = 0  # words-level questions answered from the raw file
        self._raw: bytes | None = None  # the list's file, decompressed, while probing

    def _guarded(self, fn, *args):
        """``fn``; when the file fails (not a database, disk full, a row that is not what this
        module writes) the lists are compiled into memory instead, and ``fn`` runs again."""
        try:
            return fn(*args)
        except (sqlite3.Error, CorruptLexicon):
            if _STORE.path is None:  # already in memory: nothing better to fall back to
                raise
            _STORE.connect(memory=True)
            self._reset()
            return fn(*args)

    def _load_chars(self) -> dict[str, float]:
        self._ensure("head")
        row = _STORE.connect().execute("SELECT value FROM meta WHERE key = ?",
                                       ("chars:" + self.lang,)).fetchone()
        try:
            chars = json.loads(row[0]) if row else None
        except ValueError:
            chars = None
        if not isinstance(chars, dict) or not all(
                len(c) == 1 and type(v) is float and -6.0 <= v <= 0.0 for c, v in chars.items()):
            raise CorruptLexicon("chars")
        return chars

    def _ensure(self, level: str) -> None:
        if self._generation != _STORE.generation:
            self._reset()
        if level in self._built:
            return
        if level == "gaps":  # counted over the head (before the lock: it is not reentrant)
            self._ensure("head")
        conn, key = _STORE.connect(), f"built:{self.lang}:{level}"
        with _STORE.lock:
            if conn.execute("SELECT 1 FROM meta WHERE key = ?", (key,)).fetchone() is None:
                conn.execute("BEGIN IMMEDIATE")  # other processes wait; then it is there
                try:
                    if conn.execute("SELECT 1 FROM meta WHERE key = ?", (key,)).fetchone() is None:
                        with _Stall(self.lang):
                            self._compile(conn, level)
                        conn.execute("INSERT OR REPLACE INTO meta VALUES (?, 'yes')", (key,))
                    conn.execute("COMMIT")
                except BaseException:
                    conn.rollback()
                    self._complete.discard(level)
                    raise
        self._built.add(level)

    def _head_size(self) -> int:
        """How many words of the list the head holds (the words level holds the others)."""
        row = _STORE.connect().execute("SELECT value FROM meta WHERE key = ?",
                                       ("headsize:" + self.lang,)).fetchone()
        if row is not None and row[0].isdigit():
            return int(row[0])
        return sum(len(bucket) for _, bucket in _head(self.lang, HEAD_WORDS))

    def _compile(self, conn: sqlite3.Connection, level: str) -> None:
        """Compile a level (inside a write transaction) into the file; this process too reads
        it back a length at a time, as it is asked for (a first repair asks seven languages
        for a few words each: their lists need not stay in memory)."""
        try:
            if level == "head":
                head = _head(self.lang, HEAD_WORDS)  # (not kept: ~4 MB a language)
                conn.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", (
                    "headsize:" + self.lang, str(sum(len(bucket) for _, bucket in head))))
                parts = _partition(head)
                conn.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", (
                    "chars:" + self.lang, json.dumps(_char_logp(head), ensure_ascii=False)))
            elif level == "gaps":
                tables = _gap_tables(self._gap_words())
                if _STORE.path is None:  # in memory: kept here
                    self._gap_left.update(tables)
                    self._gap_complete = True
                else:
                    conn.executemany("INSERT OR REPLACE INTO gaps VALUES (?, ?, ?)", (
                        (self.lang, left, json.dumps(t, ensure_ascii=False, separators=(",", ":")))
                        for left, t in tables.items()))
                return
            else:  # the words after the head (the head answers for its own)
                parts = _partition(self._tail())
            _save(conn, self.lang, level, parts)
        finally:
            _drop_wordfreq_lists()
        if _STORE.path is None:  # in memory: kept here (else read back a length at a time, as
            self._parts.update(((level, n), part) for n, part in parts.items())  # asked for)
            self._complete.add(level)

    def _tail(self):
        skip = self._head_size()
        for index, bucket in enumerate(_buckets(self.lang)):
            if skip < len(bucket):
                yield index, bucket[skip:]
            skip = max(0, skip - len(bucket))

    def _part(self, kind: str, length: int) -> _Part | None:
        key = (kind, length)
        if key in self._parts or kind in self._complete:
            return self._parts.get(key)
        row = _STORE.connect().execute(
            "SELECT text, ordered FROM parts WHERE lang = ? AND kind = ? AND len = ?",
            (self.lang, kind, length)).fetchone()
        part = self._parts[key] = _valid_part(length, *row) if row else None
        return part

    def _lookup(self, kind: str, word: str) -> int | None:
        key = (kind, word)
        if key in self._memo:  # (a repair asks the same words many times)
            return self._memo[key]
        if len(self._memo) > 100_000:  # a long run: bounded
            self._memo.clear()
        self._memo[key] = index = self._find(kind, word)
        return index

    def _find(self, kind: str, word: str) -> int | None:
        if not word or "\n" in word:
            return None
        if kind == "words" and self._surely_absent(word):
            return None
        self._ensure(kind)
        part = self._part(kind, len(word))
        if part is None:
            return None
        ordered = part.ordered
        index = part.find(word)
        if part.ordered and not ordered:
            _store_sorted(self.lang, kind, part)
        return index

    def _surely_absent(self, word: str) -> bool:
        """Whether ``word`` is surely not in the list, told without compiling its words level:
        while that level is neither compiled nor asked for more than ``PROBE_WORDS`` words, the
        list's file is searched, decompressed, for the word as msgpack stores it. Found (or a
        byte sequence that looks like it): the level is compiled and answers. A first repair
        asks each of seven foreign languages about ~5 damaged words: this spares compiling
        their whole lists (~0.2 s each)."""
        if self._probes is None:
            return False
        if self._probes >= PROBE_WORDS or _STORE.connect().execute(
                "SELECT 1 FROM meta WHERE key = ?", (f"built:{self.lang}:words",)).fetchone():
            self._probes = self._raw = None  # compiled, or asked often: compile and read that
            return False
        conn = _STORE.connect()
        if conn.execute("SELECT 1 FROM absent WHERE lang = ? AND word = ?",
                        (self.lang, word)).fetchone():
            return True  # probed by an earlier run
        if self._raw is None:
            self._raw = _raw_list(self.lang)
            if self._raw is None:
                self._probes = None
                return False
        self._probes += 1
        if _packed_in(self._raw, word):
            return False
        _remember_absent(self.lang, word)
        return True

    def head_freq(self, word: str) -> float:
        """The frequency of ``word`` if it is among the list's ``HEAD_WORDS`` most frequent
        words, else 0.0: language detection asks this of every candidate language."""
        index = self._guarded(self._lookup, "head", word)
        return 0.0 if index is None else _cb_to_freq(index)

    def freq(self, word: str) -> float:
        """The frequency wordfreq lists for exactly this token (0.0: not listed)."""
        index = self._guarded(self._lookup, "head", word)
        if index is None:
            index = self._guarded(self._lookup, "words", word)
        return 0.0 if index is None else _cb_to_freq(index)

    def gap(self, ctx: str) -> dict[str, int] | None:
        """Counts of each letter between the letters of ``ctx`` (2 or 4 characters, ``^``/``$``
        at the word's edges) over the language's most frequent word forms (the head's
        alphabetic words, each form once)."""
        if len(ctx) not in (2, 4):
            return None
        half = len(ctx) // 2
        table = self._guarded(self._gap_table, ctx[:half])
        return table.get(ctx[half:]) or None

    def _gap_table(self, left: str) -> dict[str, dict[str, int]]:
        """For the left half of a context: each right half and the counts between (one row)."""
        if left in self._gap_left or self._gap_complete:
            return self._gap_left.get(left, {})
        self._ensure("gaps")
        if self._gap_complete:  # compiled into memory just now
            return self._gap_left.get(left, {})
        row = _STORE.connect().execute("SELECT data FROM gaps WHERE lang = ? AND left = ?",
                                       (self.lang, left)).fetchone()
        try:
            table = json.loads(row[0]) if row else {}
        except ValueError:
            table = None
        if not _valid_table(table):
            raise CorruptLexicon("gaps")
        self._gap_left[left] = table
        return table

    def _gap_words(self) -> str:
        """The head's alphabetic words, each padded (``^^form$$``), in one text."""
        if "head" not in self._complete:
            for n, text, ordered in _STORE.connect().execute(
                    "SELECT len, text, ordered FROM parts WHERE lang = ? AND kind = 'head'",
                    (self.lang,)).fetchall():
                self._parts[("head", n)] = _valid_part(n, text, ordered)
            self._complete.add("head")
        records = [r for (kind, _), part in self._parts.items() if kind == "head" and part
                   for r in part.text[1:-1].split("\n")]
        words = [w for w in map(operator.itemgetter(slice(None, -1)), records) if w.isalpha()]
        return "^^" + "$$^^".join(words) + "$$"


def _valid_table(table) -> bool:
    """A stored gap row (a left half's counts by right half), checked (the file is untrusted):
    each right half's counts a dict of one-letter keys (JSON keys are strings) and positive
    integers. Passes over all the row's counts at once, not a test per right half: a repair reads
    hundreds of rows of dozens of right halves (a call for each was a tenth of its time)."""
    if not isinstance(table, dict):
        return False
    rows = table.values()
    if not all(map(isinstance, rows, itertools.repeat(dict))):
        return False
    # one-letter keys: no key of another length (JSON keys are strings)
    if not set(map(len, itertools.chain.from_iterable(rows))) <= {1}:
        return False
    values = list(itertools.chain.from_iterable(map(dict.values, rows)))
    return not values or (set(map(type, values)) == {int} and min(values) > 0)


def _gap_tables(text: str) -> dict[str, dict[str, dict[str, int]]]:
    """Letters in context over ``text`` (padded forms, ``^^form$$^^form$$...``), by the
    context's left half (1 or 2 characters), then its right half: how often each letter stands
    between. Every window of 5 characters counted at once (one centred on a letter never
    leaves its form); the 1-letter contexts are sums of the 2-letter ones."""
    counts: Counter = Counter()
    for start in range(0, len(text) - 4, 1 << 16):  # a batch at a time: less memory at once
        counts.update([text[i:i + 5] for i in range(start, min(start + (1 << 16), len(text) - 4))])
    tables: dict[str, dict[str, dict[str, int]]] = {}
    for g, n in counts.items():
        c = g[2]
        if c in "^$":
            continue
        tables.setdefault(g[:2], {}).setdefault(g[3:], {})[c] = n
        narrow = tables.setdefault(g[1], {}).setdefault(g[3], {})
        narrow[c] = narrow.get(c, 0) + n
    return tables


def _drop_wordfreq_lists() -> None:
    """wordfreq keeps every list it has read (``lru_cache``; only a language code wordfreq
    matches to another is read through it): dropped once the language is compiled."""
    wordfreq = sys.modules.get("wordfreq")
    for cached in (getattr(wordfreq, name, None) for name in
                   ("get_frequency_list", "get_frequency_dict", "top_n_list")):
        clear = getattr(cached, "cache_clear", None)
        if clear is not None:
            clear()


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
