"""``mdlint_news.lint_paths`` reports what the command line reports, across files too: the same
duplicates, cut categories and boilerplate bodies, at the same places, with the same messages."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import mdlint_news
from mdlint_news.project import RACY_NS
from support import article_text

BIZTOC = "See the full story at the original publisher's site."


def _site(root: Path) -> Path:
    """Five articles: two share a slug, url and title; three carry the same stock body."""
    site = root / "content"
    site.mkdir()
    first = article_text()
    (site / "2025-12-01-apple-ships-new-thing.md").write_text(first, encoding="utf-8")
    (site / "2025-12-02-apple-ships-new-thing.md").write_text(first, encoding="utf-8")
    for i in range(3):
        text = article_text(body=f"\n{BIZTOC}\n").replace("apple-ships-new-thing", f"story-{i}")
        text = text.replace("https://", f"https://n{i}.")
        (site / f"2025-12-0{i + 3}-story-{i}.md").write_text(text, encoding="utf-8")
    return site


def _cli(site: Path, *paths: str, cache: tuple[str, ...] = ("--no-cache",)) -> list[tuple]:
    env = {**os.environ, "NO_COLOR": "1", "PYTHONIOENCODING": "utf-8",
           "XDG_CACHE_HOME": str(site.parent / "user-cache")}  # the cache key: not the user's
    proc = subprocess.run([sys.executable, "-m", "mdlint_news", *cache, "--output-format",
                           "json", *(paths or ["content"])], cwd=site.parent, env=env,
                          capture_output=True, timeout=300)
    assert proc.returncode == 1, proc.stderr
    return [(d["path"], d["line"], d["column"], d["code"], d["message"])
            for d in json.loads(proc.stdout)]


def test_lint_paths_reports_across_files_as_the_command_line_does(tmp_path, monkeypatch):
    site = _site(tmp_path)
    expected = _cli(site)
    codes = {c for _, _, _, c, _ in expected}
    assert {"NL861", "NL862", "NL863"} <= codes  # the comparison is not vacuous
    monkeypatch.chdir(site.parent)
    found = [(d.path, d.line, d.column, d.code, d.message) for d in mdlint_news.lint_paths(["content"])]
    assert found == expected


def test_lint_paths_compares_with_the_indexed_neighbours_as_the_command_line_does(tmp_path,
                                                                                 monkeypatch):
    """Two files linted (as pre-commit passes the staged ones): each is compared with the other
    articles of its folder, which are indexed, not linted; the API reports what the command line
    reports, with its cache (the index stored, then read back) and without."""
    site = _site(tmp_path)
    staged = ["content/2025-12-01-apple-ships-new-thing.md", "content/2025-12-03-story-0.md"]
    expected = _cli(site, *staged)
    across = {(p, c): m for p, _, _, c, m in expected if c in ("NL861", "NL862", "NL863")}
    assert set(across) == {(staged[0], "NL861"), (staged[0], "NL862"), (staged[0], "NL863"),
                           (staged[1], "NL863")}
    assert "content/2025-12-02-apple-ships-new-thing.md" in across[staged[0], "NL861"]
    assert "content/2025-12-04-story-1.md" in across[staged[1], "NL863"]  # neighbours named
    assert _cli(site, *staged, cache=()) == expected  # the index written to the cache
    time.sleep(RACY_NS / 1e9 + 0.2)  # the neighbours settle: their index entries are reused
    assert _cli(site, *staged, cache=()) == expected
    assert _cli(site, *staged, cache=()) == expected
    monkeypatch.chdir(site.parent)
    found = [(d.path, d.line, d.column, d.code, d.message) for d in mdlint_news.lint_paths(staged)]
    assert found == expected
