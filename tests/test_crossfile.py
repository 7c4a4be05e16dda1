"""Across files: duplicates (also when pre-commit passes one file), the parallel runner's
determinism, and the result cache."""

from __future__ import annotations

import os
import shutil

import pytest

from support import SHARED, article_text, json_report as cli


def variant(slug: str, title: str, url: str) -> str:
    text = article_text(slug=slug, title=title, url=url, original_title=slug.replace("-", " "))
    return text.replace("https://www.theverge.com/2025/12/1/apple-ships-new-thing", url)


A = variant("apple-ships-new-thing", "Apple vydal novou věc",
            "https://www.theverge.com/2025/12/1/apple-ships-new-thing")
B = variant("apple-launches-new-thing", "Apple uvádí novou věc",
            "http://theverge.com/2025/12/1/apple-ships-new-thing/?utm_source=rss")
C = variant("something-else-entirely", "Apple vydal novou věc",
            "https://example.com/another-story")


def test_duplicates_reported_on_every_file_naming_the_others(tmp_path):
    (tmp_path / "2025-12-01-apple-ships-new-thing.md").write_text(A, encoding="utf-8")
    (tmp_path / "2025-12-01-apple-launches-new-thing.md").write_text(B, encoding="utf-8")
    (tmp_path / "2025-12-01-something-else-entirely.md").write_text(C, encoding="utf-8")
    found = cli("--select", "NL86", ".", cwd=tmp_path)
    got = sorted((i["path"], i["name"], i["line"]) for i in found)
    url_line = next(n for n, l in enumerate(A.splitlines(), 1) if l.startswith("url:"))
    title_line = next(n for n, l in enumerate(A.splitlines(), 1) if l.startswith("title:"))
    assert got == sorted([
        ("2025-12-01-apple-launches-new-thing.md", "duplicate-url", url_line),
        ("2025-12-01-apple-ships-new-thing.md", "duplicate-url", url_line),
        ("2025-12-01-apple-ships-new-thing.md", "duplicate-title", title_line),
        ("2025-12-01-something-else-entirely.md", "duplicate-title", title_line),
    ])
    msg = next(i["message"] for i in found if i["path"].endswith("launches-new-thing.md"))
    assert "2025-12-01-apple-ships-new-thing.md" in msg


def test_one_file_given_still_sees_its_folder(tmp_path):
    """pre-commit passes only the staged file: the rest of its folder is indexed."""
    (tmp_path / "posts").mkdir()
    (tmp_path / "posts" / "2025-12-01-apple-ships-new-thing.md").write_text(A, encoding="utf-8")
    new = tmp_path / "posts" / "2025-12-01-apple-launches-new-thing.md"
    new.write_text(B, encoding="utf-8")
    found = cli("--select", "NL86", "posts/2025-12-01-apple-launches-new-thing.md", cwd=tmp_path)
    assert [(i["path"], i["name"]) for i in found] == \
        [("posts/2025-12-01-apple-launches-new-thing.md", "duplicate-url")]
    assert "posts/2025-12-01-apple-ships-new-thing.md" in found[0]["message"]
    # again, with the folder's index from the cache: the same finding, the same position
    assert cli("--select", "NL86", "posts/2025-12-01-apple-launches-new-thing.md",
               cwd=tmp_path) == found
    import sqlite3

    with sqlite3.connect(tmp_path / ".news-lint-cache" / "results-v2.sqlite") as conn:
        rows = conn.execute("SELECT path, h0, h1, h2 FROM frontmatter_index2").fetchall()
    assert [os.path.basename(r[0]) for r in rows] == ["2025-12-01-apple-ships-new-thing.md"]
    assert all(isinstance(h, int) for h in rows[0][1:])
    # the indexed file changes: its new front matter is read, not the index's
    old = tmp_path / "posts" / "2025-12-01-apple-ships-new-thing.md"
    old.write_text(A.replace("https://www.theverge.com/2025/12/1/apple-ships-new-thing",
                             "https://example.org/other-story"), encoding="utf-8")
    assert cli("--select", "NL86", "posts/2025-12-01-apple-launches-new-thing.md",
               cwd=tmp_path) == []


def test_duplicates_index_configures_other_folders(tmp_path):
    (tmp_path / "published").mkdir()
    (tmp_path / "drafts").mkdir()
    (tmp_path / "published" / "2025-12-01-apple-ships-new-thing.md").write_text(A, encoding="utf-8")
    (tmp_path / "drafts" / "2025-12-01-apple-launches-new-thing.md").write_text(B, encoding="utf-8")
    assert cli("--select", "NL86", "drafts", cwd=tmp_path) == []  # by default: its own folder
    (tmp_path / ".news-lint.toml").write_text('duplicates-index = ["published", "drafts"]\n')
    found = cli("--select", "NL86", "drafts", cwd=tmp_path)
    assert [i["name"] for i in found] == ["duplicate-url"]


@pytest.fixture
def corpus_copy(tmp_path):
    corpus = SHARED / "corpus" / "marigold"
    if not corpus.is_dir():
        pytest.skip("shared/ corpus not present")
    dest = tmp_path / "corpus"
    shutil.copytree(corpus, dest, ignore=shutil.ignore_patterns("*.tsv"))
    for p in dest.iterdir():
        p.chmod(0o644)
    return dest


def test_known_duplicate_stories_in_the_corpus(corpus_copy):
    found = cli("--select", "NL86", "--no-cache", ".", cwd=corpus_copy)
    pairs = {(i["path"], i["name"]) for i in found}
    for a, b in (("2025-09-23-01-10-nejlepsich-MagSafe-penezenek-2025-otestovano-a-.md",
                  "2025-09-23-01-10-nejlepších-MagSafe-peněženek-2025-otestováno-a-.md"),
                 ("2025-09-23-04-Go-pridalo-podporu-pro-Valgrind.md",
                  "2025-09-23-04-Go-přidalo-podporu-pro-Valgrind.md")):
        assert (a, "duplicate-url") in pairs and (b, "duplicate-url") in pairs


def test_parallel_output_is_deterministic_and_equals_serial(corpus_copy):
    serial = cli("--jobs", "1", "--no-cache", ".", cwd=corpus_copy)
    parallel = cli("--jobs", "2", "--no-cache", ".", cwd=corpus_copy)
    assert parallel == serial and len(serial) > 100
    assert [i["path"] for i in serial] == sorted(i["path"] for i in serial)


def test_cache_reuses_results_and_notices_changes(tmp_path):
    for i in range(80):  # enough files for the pool
        text = variant(f"story-{i:03d}", f"Titulek {i}", f"https://example.com/{i}")
        (tmp_path / f"2025-12-01-story-{i:03d}.md").write_text(
            text.replace("'2025-12-01 17:27:21'", "'2025-12-01 18:27:21'") if i == 7 else text,
            encoding="utf-8")
    first = cli("--jobs", "2", ".", cwd=tmp_path)
    db = tmp_path / ".news-lint-cache" / "results-v2.sqlite"
    assert db.exists()
    import sqlite3

    with sqlite3.connect(db) as conn:  # every file's result is stored, also those linted by
        (stored,) = conn.execute("SELECT COUNT(*) FROM results").fetchone()  # pool workers
    assert stored == 80
    assert (tmp_path / ".news-lint-cache" / ".gitignore").read_text().strip().endswith("*")
    again = cli(".", cwd=tmp_path)
    assert again == first and [i["name"] for i in first] == ["date-mismatch"]
    # a changed file is linted again; the cache never hides a change
    p = tmp_path / "2025-12-01-story-003.md"
    p.write_text(p.read_text(encoding="utf-8").replace("'2025-12-01 17:27:21'",
                                                       "'2025-12-01 19:27:21'"), encoding="utf-8")
    changed = cli(".", cwd=tmp_path)
    assert sorted(i["path"] for i in changed) == ["2025-12-01-story-003.md",
                                                  "2025-12-01-story-007.md"]
    # --fix after a cached lint still fixes; the next lint is clean
    cli("--fix", ".", cwd=tmp_path)
    assert cli(".", cwd=tmp_path) == []


def test_no_cache_writes_nothing(tmp_path):
    (tmp_path / "2025-12-01-apple-ships-new-thing.md").write_text(A, encoding="utf-8")
    cli("--no-cache", ".", cwd=tmp_path)
    assert not (tmp_path / ".news-lint-cache").exists()
    cli("--cache-dir", "elsewhere", ".", cwd=tmp_path)
    assert (tmp_path / "elsewhere" / "results-v2.sqlite").exists()


def test_cold_cache_beyond_the_probe_is_filled_by_the_workers(tmp_path):
    """More files than the main process probes (parallel.COLD_PROBE) on a cold cache: the workers
    look the rest up and store every result; the next run answers all of them from the cache."""
    import sqlite3

    from mdlint_news.parallel import COLD_PROBE

    n = COLD_PROBE + 30
    for i in range(n):
        text = variant(f"story-{i:03d}", f"Titulek {i}", f"https://example.com/{i}")
        (tmp_path / f"2025-12-01-story-{i:03d}.md").write_text(
            text.replace("'2025-12-01 17:27:21'", "'2025-12-01 18:27:21'") if i == n - 1 else text,
            encoding="utf-8")
    first = cli("--jobs", "2", ".", cwd=tmp_path)
    assert [(i["path"], i["name"]) for i in first] == [(f"2025-12-01-story-{n - 1:03d}.md",
                                                       "date-mismatch")]
    db = tmp_path / ".news-lint-cache" / "results-v2.sqlite"
    with sqlite3.connect(db) as conn:
        (stored,) = conn.execute("SELECT COUNT(*) FROM results").fetchone()
    assert stored == n
    assert cli("--jobs", "2", ".", cwd=tmp_path) == first


def test_cache_is_bounded_least_recently_used_first(tmp_path, monkeypatch):
    """prune() keeps the most recently used entries; a hit refreshes an entry whose last use is
    older than cache.STALE (so a warm run does not rewrite every entry)."""
    from mdlint_news import cache as cache_mod

    from mdlint_news.summary import Summary, Value

    summary = Summary({"slug": Value("a", 7, 8, 2, 7, 2, 8, "a")})
    c = cache_mod.Cache(tmp_path / "c")
    clock = [1_000_000.0]
    monkeypatch.setattr(cache_mod.time, "time", lambda: clock[0])
    for i in range(10):
        clock[0] += 10
        c.put(f"k{i}", [], summary)
    c.flush()
    clock[0] += cache_mod.STALE + 1  # k0..k9 are now stale: a hit refreshes its use
    from mdlint_news.summary import hashes

    assert c.get("k0") == ([], None, hashes(summary))
    c.flush()
    c.prune(max_entries=4)
    kept = [k for k in (f"k{i}" for i in range(10)) if c.get(k) is not None]
    assert kept == ["k0", "k7", "k8", "k9"]
    c.close()


def test_cache_lookups_of_many_keys_answer_as_single_ones(tmp_path):
    """Cache.get_many (one query per 500 keys) gives, for every key, what get gives: clean
    entries from their hashes, others with their diagnostics and summary, misses left out."""
    from mdlint_news import cache as cache_mod
    from mdlint_news.diagnostics import Diagnostic, Severity
    from mdlint_news.summary import Summary, Value, hashes

    c = cache_mod.Cache(tmp_path / "c")
    summaries = {f"k{i}": Summary({"slug": Value(f"s{i}", 9, 11, 2, 7, 2, 9, f"s{i}")})
                 for i in range(1200)}
    for i, (key, summary) in enumerate(summaries.items()):
        diags = [Diagnostic("NL502", "slug-mismatch", Severity.ERROR, f"m{i}", 1, 2)] if i % 3 == 0 else []
        c.put(key, diags, summary)
    c.flush()
    keys = [f"k{i}" for i in range(0, 1300, 7)]  # hits and misses, more than one query's worth
    many = c.get_many(keys)
    assert set(many) == {k for k in keys if k in summaries}
    for k in keys:
        assert many.get(k) == c.get(k)
    clean = many["k7"]
    assert clean == ([], None, hashes(summaries["k7"]))
    diags, summary, hashes = many["k21"]
    assert [d.message for d in diags] == ["m21"] and summary == summaries["k21"] and hashes is None
    c.close()


def test_cross_file_index_of_a_folder_holds_its_paths_only(tmp_path):
    """Cache.index_entries(folder) is a range query on the path: exactly the entries under that
    folder (not those of a folder whose name merely starts the same); index_values reads the
    stored summaries back."""
    from mdlint_news import cache as cache_mod

    c = cache_mod.Cache(tmp_path / "c")
    paths = ["/a/posts/x.md", "/a/posts2/y.md", "/a/posts/sub/z.md", "/a/post/w.md", "/a/posts.md",
             "/a/posts0/v.md", "/a/posts/\U0010ffffq.md"]
    from mdlint_news.summary import Summary, Value

    c.put_index([cache_mod.IndexRow(p, 1, 2, (i, None, i, None, -i),
                                    Summary({"slug": Value(f"s{i}", 0, 2, 1, 1, 1, 3, f"s{i}")}))
                 for i, p in enumerate(paths)])
    got = c.index_entries("/a/posts")
    assert sorted(got) == sorted(["/a/posts/x.md", "/a/posts/sub/z.md", "/a/posts/\U0010ffffq.md"])
    assert got["/a/posts/x.md"] == (1, 2, (0, None, 0, None, 0))
    assert c.index_entries("/a/posts/") == got
    values = c.index_values(["/a/posts/sub/z.md", "/nowhere.md"])
    assert list(values) == ["/a/posts/sub/z.md"]
    assert cache_mod.load_summary(values["/a/posts/sub/z.md"]) == \
        {"slug": Value("s2", 0, 2, 1, 1, 1, 3, "s2")}
    c.close()
