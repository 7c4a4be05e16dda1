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

from support import ARTICLE_NAME, article_text

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


# --------------------------------------------------------------------------- where the cache goes


def git(*args, cwd: Path) -> str:
    return subprocess.run(["git", "-c", "user.name=t", "-c", "user.email=t@example.com", *args],
                          cwd=cwd, check=True, capture_output=True, text=True).stdout


def make_repo(folder: Path) -> Path:
    make_project(folder)
    git("init", "-q", cwd=folder)
    return folder


def commit_all(repo: Path) -> None:
    git("add", "-A", cwd=repo)
    git("commit", "-q", "-m", "x", cwd=repo)


def tree(folder: Path) -> list[str]:
    """What ``folder`` holds (but the "machines": their cache keys)."""
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*")
                  if p.relative_to(folder).parts[0] != "machines")


needs_git = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")


@needs_git
@pytest.mark.parametrize("target", ["../victim", "..", "victim-inside"])
def test_a_committed_cache_folder_that_is_a_link_is_not_followed(tmp_path, target):
    """A ``.news-lint-cache`` committed as a symbolic link (out of the project, to its parent,
    or even to a folder inside it) is not used: nothing is written where it points, the verdict
    is the one without a cache, one warning names it."""
    me = machine(tmp_path, "me")
    repo = make_repo(tmp_path / "p")
    (tmp_path / "victim").mkdir()
    (repo / "victim-inside").mkdir()
    (repo / "victim-inside" / "keep.txt").write_text("x")  # git keeps no empty folder
    (repo / ".news-lint-cache").symlink_to(target)
    commit_all(repo)
    before = {tmp_path: tree(tmp_path / "victim"), repo: tree(repo / "victim-inside")}
    truth = run(me, "--no-cache", ARTICLE_NAME, cwd=repo)
    for _ in range(2):
        got = run(me, ARTICLE_NAME, cwd=repo)
        assert got.stdout == truth.stdout
        assert got.stderr.count("news-lint: warning:") == 1, got.stderr
        assert ".news-lint-cache" in got.stderr and "link" in got.stderr, got.stderr
    assert {tmp_path: tree(tmp_path / "victim"), repo: tree(repo / "victim-inside")} == before
    assert not (tmp_path / ".gitignore").exists() and not (tmp_path / DB.name).exists()
    assert git("status", "--porcelain", "--untracked-files=all", cwd=repo) == ""


@needs_git
def test_a_configured_cache_folder_reached_through_a_committed_link_is_not_used(tmp_path):
    """``cache-dir = "build/cache"`` in a configuration named with --config, and the project
    commits ``build`` as a link to the parent folder: nothing is written out there."""
    me = machine(tmp_path, "me")
    repo = make_repo(tmp_path / "p")
    (repo / "mine.toml").write_text('cache-dir = "build/cache"\n', encoding="utf-8")
    (repo / "build").symlink_to("..")
    commit_all(repo)
    got = run(me, "--config", "mine.toml", ARTICLE_NAME, cwd=repo)
    assert got.stderr.count("news-lint: warning:") == 1 and "build" in got.stderr, got.stderr
    assert not (tmp_path / "cache").exists()


def test_an_explicit_cache_dir_is_followed_only_when_absolute(tmp_path):
    """``--cache-dir`` with an absolute path is the user's own choice: a link on it (to a tmpfs,
    a shared cache) is followed, and news-lint writes only inside the folder. A relative one
    means a place in the project, which the project's own links must not move."""
    me = machine(tmp_path, "me")
    project = make_project(tmp_path / "p")
    (tmp_path / "fast").mkdir()
    (project / "link").symlink_to(tmp_path / "fast")
    before = tree(tmp_path)
    refused = run(me, "--cache-dir", "link", ".", cwd=project)
    assert refused.stderr.count("news-lint: warning:") == 1 and "link" in refused.stderr
    assert tree(tmp_path) == before
    first = run(me, "--cache-dir", project / "link", ".", cwd=project)
    assert first.stderr == "" and first.stdout == refused.stdout
    new = sorted(set(tree(tmp_path)) - set(before))
    assert new and all(p.startswith("fast/") for p in new), new
    assert (tmp_path / "fast" / DB.name).is_file()
    assert run(me, "--cache-dir", project / "link", ".", cwd=project).stdout == first.stdout


@needs_git
@pytest.mark.parametrize("how", ["--cache-dir content", 'cache-dir = "."',
                                 'cache-dir = "content"', "committed file in the cache folder"])
def test_a_folder_holding_other_files_is_not_made_a_cache(tmp_path, how):
    """A cache folder gets a ``.gitignore`` holding ``*``: written into a folder of articles (or
    the repository root) it would hide every new article from git. Such a folder is refused
    (one warning naming it, the run goes on without the cache); git still sees a new article."""
    me = machine(tmp_path, "me")
    repo = make_repo(tmp_path / "p")
    (repo / "content").mkdir()
    for p in list(repo.glob("*.md")):
        p.rename(repo / "content" / p.name)
    args = ["content"]
    if how.startswith("--"):
        args = [*how.split(), *args]
    elif how.startswith("committed"):
        (repo / ".news-lint-cache").mkdir()
        (repo / ".news-lint-cache" / "notes.md").write_text("mine\n", encoding="utf-8")
    else:
        (repo / ".news-lint.toml").write_text(how + "\n", encoding="utf-8")
    commit_all(repo)
    truth = run(me, "--no-cache", "content", cwd=repo)
    for _ in range(2):
        got = run(me, *args, cwd=repo)
        assert got.stdout == truth.stdout
        assert got.stderr.count("news-lint: warning:") == 1, got.stderr
        assert "holds other files" in got.stderr, got.stderr
    assert git("status", "--porcelain", "--untracked-files=all", cwd=repo) == ""
    (repo / "content" / "2025-12-02-new.md").write_text(article_text(), encoding="utf-8")
    status = git("status", "--porcelain", "--untracked-files=all", cwd=repo)
    assert "content/2025-12-02-new.md" in status, status


def test_a_warning_about_the_cache_steers_no_terminal(tmp_path):
    """The warning names the cache's path: control characters in it are shown escaped."""
    me = machine(tmp_path, "me")
    project = make_project(tmp_path / "x\x1b]0;PWNED\x07y")
    (project / DB).parent.mkdir()
    (project / DB).write_bytes(b"this is not a database\0" * 200)
    got = run(me, ".", cwd=project)
    assert "news-lint: warning:" in got.stderr and "\\x1b]0;PWNED\\x07y" in got.stderr, got.stderr
    assert "\x1b" not in got.stderr and "\x07" not in got.stderr


@pytest.mark.skipif(os.name != "posix", reason="closes a file descriptor of the child")
def test_a_closed_standard_output_is_said_once_with_exit_2(tmp_path):
    me = machine(tmp_path, "me")
    project = make_project(tmp_path / "p")
    proc = subprocess.run([sys.executable, "-m", "mdlint_news", "--no-cache", "."], cwd=project,
                          env=me, stderr=subprocess.PIPE, text=True, timeout=120,
                          preexec_fn=lambda: os.close(1))
    assert proc.returncode == 2, proc.stderr
    assert proc.stderr == "news-lint: cannot write the report: standard output is closed\n"


def test_a_changed_rule_is_not_answered_from_the_cache(tmp_path):
    """The results of one build of the rules are not read by another with the same version
    number (a checkout or an editable install where the code changed): the demo once printed
    227 findings of a rule rewritten to give 10, from the cache the old code wrote."""
    pkg = tmp_path / "pkg"
    repo = Path(__file__).resolve().parent.parent
    for part in ("mdlint_news", "schemas"):  # the package reads its schemas beside it
        shutil.copytree(repo / part, pkg / part, ignore=shutil.ignore_patterns("__pycache__"))
    project = make_project(tmp_path / "project")
    env = {**machine(tmp_path, "dev"), "PYTHONPATH": str(pkg)}
    first = run(env, ".", cwd=project)
    assert "date-mismatch" in first.stdout and (project / DB).exists()
    dates = pkg / "mdlint_news" / "rules" / "dates.py"
    source = dates.read_text(encoding="utf-8")
    assert source.count('"date-mismatch"') == 1
    dates.write_text(source.replace('"date-mismatch"', '"date-disagrees"'), encoding="utf-8")
    second = run(env, ".", cwd=project)
    assert "date-disagrees" in second.stdout and "date-mismatch" not in second.stdout
