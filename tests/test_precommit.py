"""The published pre-commit hooks, run by the real pre-commit (check-jsonschema's habit: the test
reads .pre-commit-hooks.yaml itself, so hooks and tests cannot drift apart)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
HOOKS = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
BY_ID = {h["id"]: h for h in HOOKS}
FIXABLE = ROOT / "examples" / "content" / "2025-12-22-A-10-largest-healthcare-data-breaches-reported-to-.md"

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="git is needed")


def test_hooks_file_publishes_check_and_fix():
    assert set(BY_ID) == {"news-lint", "news-lint-fix"}
    for hook in HOOKS:
        assert hook["language"] == "python"
        assert hook["types"] == ["markdown"]
        assert hook["entry"].split()[0] == "news-lint"
        assert tuple(map(int, hook["minimum_pre_commit_version"].split("."))) >= (2, 9, 0)
    assert "--fix-only" in BY_ID["news-lint-fix"]["entry"].split()  # lists fixes, not what remains
    assert not {"--fix", "--fix-only"} & set(BY_ID["news-lint"]["entry"].split())


def _env(tmp_path: Path) -> dict:
    env = dict(os.environ)
    env.update(PRE_COMMIT_HOME=str(tmp_path / "pre-commit-home"), GIT_AUTHOR_NAME="t",
               GIT_AUTHOR_EMAIL="t@example.com", GIT_COMMITTER_NAME="t",
               GIT_COMMITTER_EMAIL="t@example.com", NO_COLOR="1")
    env.pop("GITHUB_ACTIONS", None)
    return env


def _try_repo(repo: Path, hook: str, env: dict) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "pre_commit", "try-repo", str(ROOT), hook,
                           "--all-files", "--color", "never"], cwd=repo, env=env,
                          capture_output=True, text=True, encoding="utf-8", timeout=600)


def test_pre_commit_check_fails_fix_repairs_then_passes(tmp_path):
    repo = tmp_path / "site"
    (repo / "content").mkdir(parents=True)
    article = repo / "content" / FIXABLE.name
    shutil.copyfile(FIXABLE, article)
    clean = repo / "content" / "2025-12-01-real-apple-support-emails-used-in-new-phishing-sca.md"
    shutil.copyfile(ROOT / "examples" / "content" / clean.name, clean)
    (repo / "notes.txt").write_text("not markdown: the hooks must not see it\n", encoding="utf-8")
    env = _env(tmp_path)
    subprocess.run(["git", "init", "-q"], cwd=repo, check=True, env=env)
    subprocess.run(["git", "add", "."], cwd=repo, check=True, env=env)
    before = article.read_bytes()

    check = _try_repo(repo, "news-lint", env)
    assert check.returncode == 1, check.stdout + check.stderr
    out = check.stdout
    assert "Failed" in out
    assert f"content/{FIXABLE.name}:4:7: NL302" in out  # the date an hour off publishedAt
    assert "NL402" in out
    assert "notes.txt" not in out
    assert article.read_bytes() == before  # the check hook writes nothing

    fix = _try_repo(repo, "news-lint-fix", env)
    assert fix.returncode == 1, fix.stdout + fix.stderr
    assert "files were modified by this hook" in fix.stdout
    assert f"Fixed content/{FIXABLE.name}" in fix.stdout
    after = article.read_text(encoding="utf-8")
    assert "date: '2025-12-22 12:13:00'" in after and "health%20security" in after
    assert clean.read_bytes() == (ROOT / "examples" / "content" / clean.name).read_bytes()

    again = _try_repo(repo, "news-lint-fix", env)
    assert again.returncode == 0, again.stdout + again.stderr
    final = _try_repo(repo, "news-lint", env)
    assert final.returncode == 0, final.stdout + final.stderr
    assert "Passed" in final.stdout


def test_readme_local_snippet_works_as_pasted(tmp_path):
    """The README's `repo: local` configuration, pasted into a repository, runs news-lint."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    block = readme.split("<!-- precommit-local:begin -->", 1)[1].split("<!-- precommit-local:end -->")[0]
    config = block.split("```yaml\n", 1)[1].split("```", 1)[0]
    repo = tmp_path / "site"
    repo.mkdir()
    (repo / ".pre-commit-config.yaml").write_text(config, encoding="utf-8")
    shutil.copyfile(FIXABLE, repo / FIXABLE.name)
    env = _env(tmp_path)
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"  # news-lint installed
    subprocess.run(["git", "init", "-q"], cwd=repo, check=True, env=env)
    subprocess.run(["git", "add", "."], cwd=repo, check=True, env=env)
    proc = subprocess.run([sys.executable, "-m", "pre_commit", "run", "--all-files", "--color",
                           "never"], cwd=repo, env=env, capture_output=True, text=True,
                          encoding="utf-8", timeout=300)
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert f"{FIXABLE.name}:4:7: NL302" in proc.stdout


def test_committed_file_names_that_look_like_options_stay_paths(tmp_path):
    """pre-commit appends the file names after the hook's entry and the user's args: a committed
    ``--output-file=README.md`` must not overwrite README.md, ``--config=x.md`` and
    ``--cache-dir=cache.md`` must not configure the run (issue 14, item 1)."""
    repo = tmp_path / "site"
    repo.mkdir()
    readme = b"# Project\n\nKeep me.\n"
    (repo / "README.md").write_bytes(readme)
    for name in ("--output-file=README.md", "--cache-dir=cache.md"):
        shutil.copyfile(FIXABLE, repo / name)
    env = _env(tmp_path)
    subprocess.run(["git", "init", "-q"], cwd=repo, check=True, env=env)
    subprocess.run(["git", "add", "--", "."], cwd=repo, check=True, env=env)

    check = _try_repo(repo, "news-lint", env)
    assert (repo / "README.md").read_bytes() == readme, check.stdout + check.stderr
    assert check.returncode == 1, check.stdout + check.stderr
    assert "--output-file=README.md:4:7: NL302" in check.stdout
    assert "--cache-dir=cache.md:4:7: NL302" in check.stdout
    assert not (repo / "cache.md").exists()

    shutil.copyfile(FIXABLE, repo / "--config=x.md")
    subprocess.run(["git", "add", "--", "."], cwd=repo, check=True, env=env)
    fix = _try_repo(repo, "news-lint-fix", env)
    assert "configuration error" not in fix.stdout, fix.stdout
    assert (repo / "README.md").read_bytes() == readme, fix.stdout + fix.stderr
    assert fix.returncode == 1 and "files were modified by this hook" in fix.stdout, fix.stdout
    for name in ("--output-file=README.md", "--cache-dir=cache.md", "--config=x.md"):
        assert f"Fixed {name}" in fix.stdout
        assert "date: '2025-12-22 12:13:00'" in (repo / name).read_text(encoding="utf-8")
