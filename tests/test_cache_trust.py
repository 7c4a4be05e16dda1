"""The result cache never changes a verdict: a cache that arrives with the content (committed, or
copied from another machine, edited the way an attacker would with sqlite3) is not believed; an
entry answers only for the file it was made for (path and content, as per-file-ignores see it);
the cross-file index notices an edit that keeps size and mtime; a corrupt cache is rebuilt with a
warning. Each "machine" is its own HOME and XDG_CACHE_HOME (where the per-user cache key lives)."""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import ARTICLE_NAME, article_text

DB = Path(".news-lint-cache") / "results-v2.sqlite"
BROKEN = article_text(date="'2025-12-01 18:27:21'")  # date an hour after publishedAt
WORKFLOW = ".github/workflows/x.yml"


def machine(tmp_path: Path, name: str) -> dict[str, str]:
    home = tmp_path / "machines" / name
    (home / "home").mkdir(parents=True, exist_ok=True)
    return {**os.environ, "NO_COLOR": "1", "PYTHONIOENCODING": "utf-8",
            "HOME": str(home / "home"), "XDG_CACHE_HOME": str(home / "cache")}


def run(env: dict, *args, cwd: Path, fmt: str = "concise") -> subprocess.CompletedProcess:
    proc = subprocess.run([sys.executable, "-m", "mdlint_news", "--output-format", fmt,
                           *map(str, args)], cwd=cwd, env=env, capture_output=True, text=True,
                          encoding="utf-8", errors="replace", timeout=120)
    assert proc.returncode in (0, 1), proc.stdout + proc.stderr
    return proc


def make_project(folder: Path) -> Path:
    folder.mkdir(parents=True)
    (folder / ARTICLE_NAME).write_text(BROKEN, encoding="utf-8")
    for i in range(3):
        text = article_text(slug=f"story-{i}", title=f"Příběh {i}", original_title=f"story {i}")
        text = text.replace("https://www.theverge.com/2025/12/1/apple-ships-new-thing",
                            f"https://example.com/{i}")
        (folder / f"2025-12-01-story-{i}.md").write_text(text, encoding="utf-8")
    return folder


def claim_clean(db: Path) -> int:
    """The attacker's edit: every entry with problems now says the file had none."""
    with sqlite3.connect(db) as conn:
        return conn.execute("UPDATE results SET clean = 1, value = '' WHERE clean = 0").rowcount


def point_elsewhere(db: Path) -> int:
    """The attacker's edit: every stored diagnostic now names a workflow file."""
    with sqlite3.connect(db) as conn:
        rows = conn.execute("SELECT key, value FROM results WHERE clean = 0").fetchall()
        for key, value in rows:
            data = json.loads(value)
            for d in data["d"]:
                d["path"] = WORKFLOW
            conn.execute("UPDATE results SET value = ? WHERE key = ?", (json.dumps(data), key))
    return len(rows)


@pytest.mark.parametrize("edit", [claim_clean, point_elsewhere])
@pytest.mark.parametrize("made_on", ["another machine", "this machine"])
def test_an_edited_cache_that_came_with_the_content_changes_no_verdict(tmp_path, edit, made_on):
    """A cache made by a real run (on another machine, or on this one and then committed), its
    rows edited with sqlite3, arrives with the project: the verdict is the one without a cache;
    no diagnostic names a file that was not linted."""
    me = machine(tmp_path, "me")
    maker = machine(tmp_path, "attacker") if made_on == "another machine" else me
    origin = make_project(tmp_path / "origin")
    run(maker, ".", cwd=origin)
    assert edit(origin / DB) == 1
    victim = tmp_path / "victim"
    shutil.copytree(origin, victim)
    truth = run(me, "--no-cache", ".", cwd=victim, fmt="github")
    assert f"file={ARTICLE_NAME}" in truth.stdout and truth.returncode == 1
    for _ in range(2):
        got = run(me, ".", cwd=victim, fmt="github")
        assert (got.returncode, got.stdout) == (truth.returncode, truth.stdout)
        assert WORKFLOW not in got.stdout


def test_a_real_cache_from_another_machine_is_not_used_but_does_no_harm(tmp_path):
    origin = make_project(tmp_path / "origin")
    run(machine(tmp_path, "other"), ".", cwd=origin)
    victim = tmp_path / "victim"
    shutil.copytree(origin, victim)
    me = machine(tmp_path, "me")
    truth = run(me, "--no-cache", ".", cwd=victim)
    assert [run(me, ".", cwd=victim).stdout for _ in range(2)] == [truth.stdout] * 2


def test_the_cache_key_is_private_to_the_user_and_outside_the_project(tmp_path):
    me = machine(tmp_path, "me")
    project = make_project(tmp_path / "p")
    run(me, ".", cwd=project)
    keys = [Path(me["XDG_CACHE_HOME"]) / "news-lint" / "key"]
    assert stat.S_IMODE(keys[0].lstat().st_mode) == 0o600 and keys[0].stat().st_size == 32
    secret = keys[0].read_bytes()
    assert not [p for p in project.rglob("*") if p.is_file() and secret in p.read_bytes()]
    # a key others can read is not used (and said so); the verdict is unchanged
    truth = run(me, "--no-cache", ".", cwd=project)
    keys[0].chmod(0o644)
    got = run(me, ".", cwd=project)
    assert got.stdout == truth.stdout
    assert "news-lint: warning:" in got.stderr and str(keys[0]) in got.stderr


# --------------------------------------------------------------------------- wrong verdicts


def test_a_byte_identical_file_in_another_folder_gets_its_own_verdict(tmp_path):
    """per-file-ignores match the path relative to the configuration; the same bytes under
    another folder, linted from another working directory with the same display path, must not
    get the first folder's (cached) verdict."""
    me = machine(tmp_path, "me")
    (tmp_path / "p").mkdir()
    (tmp_path / "p" / ".news-lint.toml").write_text(
        '[per-file-ignores]\n"quiet/*.md" = ["date-mismatch"]\n', encoding="utf-8")
    for sub in ("quiet", "loud"):
        (tmp_path / "p" / sub).mkdir()
        (tmp_path / "p" / sub / ARTICLE_NAME).write_text(BROKEN, encoding="utf-8")
    assert run(me, ARTICLE_NAME, cwd=tmp_path / "p" / "quiet").returncode == 0
    loud = run(me, ARTICLE_NAME, cwd=tmp_path / "p" / "loud")
    assert loud.returncode == 1 and "date-mismatch" in loud.stdout, loud.stdout
    assert run(me, ARTICLE_NAME, cwd=tmp_path / "p" / "quiet").returncode == 0


def test_an_index_edit_that_keeps_size_and_mtime_is_seen(tmp_path):
    """One file linted (pre-commit), its neighbour indexed from the cache. The neighbour is
    edited to the same length and its mtime put back: the duplicate it now holds is found."""
    me = machine(tmp_path, "me")
    url = "https://example.com/story-one"
    mine = tmp_path / ARTICLE_NAME
    mine.write_text(article_text(url=url), encoding="utf-8")
    other = tmp_path / "2025-12-01-other.md"
    other.write_text(article_text(slug="other", title="Jiný", original_title="other",
                                  url=url.replace("one", "two")), encoding="utf-8")
    time.sleep(2.5)  # so the index may store the neighbour as it is (its change time is not recent)
    for _ in range(2):
        assert run(me, "--select", "duplicate-url", ARTICLE_NAME, cwd=tmp_path).returncode == 0
    st = other.stat()
    other.write_text(other.read_text(encoding="utf-8").replace("two", "one"), encoding="utf-8")
    os.utime(other, ns=(st.st_atime_ns, st.st_mtime_ns))
    assert other.stat().st_size == st.st_size and other.stat().st_mtime_ns == st.st_mtime_ns
    got = run(me, "--select", "duplicate-url", ARTICLE_NAME, cwd=tmp_path)
    assert got.returncode == 1 and "duplicate-url" in got.stdout, got.stdout


def test_a_corrupt_cache_is_rebuilt_with_one_warning(tmp_path):
    me = machine(tmp_path, "me")
    project = make_project(tmp_path / "p")
    (project / DB).parent.mkdir()
    (project / DB).write_bytes(b"this is not a database\0" * 200)
    truth = run(me, "--no-cache", ".", cwd=project)
    first = run(me, ".", cwd=project)
    assert first.stdout == truth.stdout
    assert first.stderr.count("news-lint: warning:") == 1 and str(DB) in first.stderr, first.stderr
    again = run(me, ".", cwd=project)
    assert again.stdout == truth.stdout and again.stderr == ""
    with sqlite3.connect(project / DB) as conn:
        (n,) = conn.execute("SELECT COUNT(*) FROM results").fetchone()
    assert n == 4  # rebuilt: every file's result is stored again


def test_a_database_with_tables_news_lint_did_not_make_is_moved_aside(tmp_path):
    """Views and triggers run SQL when the cache is read or written: a database with anything
    but news-lint's own tables (here: a trigger that would rewrite every stored result) is set
    aside, not used."""
    me = machine(tmp_path, "me")
    project = make_project(tmp_path / "p")
    run(me, ".", cwd=project)
    with sqlite3.connect(project / DB) as conn:
        conn.execute("CREATE TRIGGER t AFTER INSERT ON results BEGIN "
                     "UPDATE results SET clean = 1, value = '' WHERE key = new.key; END")
    truth = run(me, "--no-cache", ".", cwd=project)
    got = run(me, ".", cwd=project)
    assert got.stdout == truth.stdout and "changed outside it" in got.stderr, got.stderr
    assert (project / DB.parent / f"{DB.name}.broken").is_file()
    with sqlite3.connect(project / DB) as conn:
        assert conn.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'").fetchall() == []


def test_without_a_place_for_the_user_key_the_cache_is_not_used(tmp_path):
    me = machine(tmp_path, "me")
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("x")
    me["XDG_CACHE_HOME"] = str(blocked)
    project = make_project(tmp_path / "p")
    truth = run(me, "--no-cache", ".", cwd=project)
    for _ in range(2):
        got = run(me, ".", cwd=project)
        assert got.stdout == truth.stdout
        assert got.stderr.count("news-lint: warning: the result cache is not used") == 1
    assert not (project / DB).exists()
