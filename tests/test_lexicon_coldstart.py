"""The first lost-byte repair on a machine with an empty cache (issue 13, "What to build" 8):
its memory and its note on stderr, in real processes. Its wall time is measured by
benchmarks/coldstart_bench.py, never asserted here."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from damage import SHAPES

REPO = Path(__file__).resolve().parents[1]
CONTENT = REPO / "examples" / "content"
CZECH = CONTENT / "2025-09-21-aplikace-google-home-dostává-nový-vzhled-co-se-měn.md"

# the peak RSS of a news-lint process started by a small probe process (a child of this large
# test process would count the pages it shares with it)
PROBE = ("import resource, subprocess, sys\n"
         "p = subprocess.run(sys.argv[1:], capture_output=True, text=True)\n"
         "sys.stderr.write(p.stderr)\n"
         "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)\n")


def _run(article: Path, cache: Path, **env_extra) -> tuple[int, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("NEWS_LINT_LEXICON", "NEWS_LINT_NOTE_AFTER")}
    env.update(XDG_CACHE_HOME=str(cache), NO_COLOR="1", **env_extra)
    cmd = [sys.executable, "-m", "mdlint_news", "--no-cache", "--output-format", "concise", article.name]
    out = subprocess.run([sys.executable, "-c", PROBE, *cmd], cwd=article.parent, env=env,
                         capture_output=True, text=True, check=True)
    return int(out.stdout.split()[-1]), out.stderr


def _damaged(tmp_path: Path) -> Path:
    folder = tmp_path / "damaged"
    folder.mkdir()
    article = folder / CZECH.name
    article.write_text(SHAPES["cp1252 undefined dropped"].damage(CZECH.read_text(encoding="utf-8")),
                       encoding="utf-8")
    return article


def test_first_lost_byte_repair_with_an_empty_cache_adds_at_most_150_mb(tmp_path):
    """The base compiled the whole word list of every language detection looked at (14 for
    the damaged seed: 431 MB peak); now detection reads the head of a list, and a list is
    read a bucket at a time and dropped once compiled."""
    clean = tmp_path / "clean"
    clean.mkdir()
    (clean / CZECH.name).write_bytes(CZECH.read_bytes())  # the same article, undamaged
    base, _ = _run(clean / CZECH.name, tmp_path / "cache-clean")
    assert not list((tmp_path / "cache-clean").rglob("lexicon*")), "a clean file compiled word lists"
    peak, stderr = _run(_damaged(tmp_path), tmp_path / "cache")
    assert list((tmp_path / "cache").rglob("lexicon*.sqlite3")), stderr[-2000:]
    assert peak - base < 150_000, f"peak RSS {peak / 1000:.0f} MB, a clean file {base / 1000:.0f} MB"


def test_no_note_when_compiling_takes_less_than_the_threshold(tmp_path):
    """The note on stderr is for a stall (compiling for over ``NEWS_LINT_NOTE_AFTER`` seconds,
    default 1): compiling that ends sooner says nothing (the base announced every compile)."""
    article = _damaged(tmp_path)
    _, quiet = _run(article, tmp_path / "cache", NEWS_LINT_NOTE_AFTER="600")
    assert "compiling word lists" not in quiet
    _, loud = _run(article, tmp_path / "cache2", NEWS_LINT_NOTE_AFTER="0")
    notes = [line for line in loud.splitlines() if "compiling word lists" in line]
    assert len(notes) == 1 and str(tmp_path / "cache2") in notes[0], loud[-2000:]
