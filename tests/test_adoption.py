"""Adopting news-lint on a real site (issue 15, "Which files"): a Jekyll-like site repository
with pages, posts, a collection of articles and a gitignored vendor folder. news-lint lints the
articles of the layouts it has a profile for, skips other Markdown unless ``include`` selects it,
respects ``.gitignore``, and its pre-commit hooks, installed from this repository by commit, block
a damaged article, repair it, and let the next commit through."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples" / "content"
# clean articles of examples/content (news-lint passes them without a diagnostic)
CLEAN = ["2025-09-21-aplikace-google-home-dostává-nový-vzhled-co-se-měn.md",
         "2025-12-01-real-apple-support-emails-used-in-new-phishing-sca.md"]
# a broken article: linted, it has problems (front matter with the article layout, no fields)
BROKEN = "---\nlayout: tech_news_article\ntitle: Rozbitý článek\n---\n\n## Souhrn\nText.\n"
HOOKS = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="git is needed")


def _env(tmp_path: Path | None = None) -> dict:
    env = {**os.environ, "PYTHONIOENCODING": "utf-8", "NO_COLOR": "1", "GIT_AUTHOR_NAME": "t",
           "GIT_AUTHOR_EMAIL": "t@example.com", "GIT_COMMITTER_NAME": "t",
           "GIT_COMMITTER_EMAIL": "t@example.com"}
    env.pop("GITHUB_ACTIONS", None)
    if tmp_path is not None:
        env["PRE_COMMIT_HOME"] = str(tmp_path / "pre-commit-home")
    return env


def git(*args, cwd: Path, env: dict | None = None) -> str:
    return subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True,
                          env=env or _env()).stdout.decode("utf-8", "replace")


def news_lint(*args, cwd: Path) -> subprocess.CompletedProcess:
    """The real command line; arguments may be bytes (file names that are not UTF-8)."""
    proc = subprocess.run([sys.executable, "-m", "mdlint_news", *args], cwd=cwd,
                          capture_output=True, env=_env(), timeout=300)
    proc.stdout = proc.stdout.decode("utf-8", "replace")
    proc.stderr = proc.stderr.decode("utf-8", "replace")
    return proc


def linted(proc: subprocess.CompletedProcess) -> set[str]:
    """Paths with problems in a JSON report."""
    return {p["path"] for p in json.loads(proc.stdout or "[]")}


def make_site(root: Path) -> Path:
    """A Jekyll-like site: pages, a post, a collection of articles, a gitignored vendor folder."""
    site = root / "site"
    (site / "_news").mkdir(parents=True)
    for name in CLEAN:
        shutil.copyfile(EXAMPLES / name, site / "_news" / name)
    files = {
        "_config.yml": "title: Site\ncollections:\n  news:\n    output: true\n",
        "README.md": "# The site\n\nRun `bundle exec jekyll serve`.\n",
        "about.md": "---\nlayout: page\ntitle: About\n---\n\nWho we are.\n",
        "_posts/2025-01-01-hello.md": "---\nlayout: post\ntitle: Hello\n---\n\nFirst post.\n",
        "vendor/bundle/gems/x/README.md": BROKEN,  # an article, to show it is not even read
        ".gitignore": "vendor/\n_site/\n",
    }
    for rel, text in files.items():
        (site / rel).parent.mkdir(parents=True, exist_ok=True)
        (site / rel).write_text(text, encoding="utf-8")
    git("init", "-q", cwd=site)
    return site


@pytest.fixture
def site(tmp_path: Path) -> Path:
    return make_site(tmp_path)


# --------------------------------------------------------------------------- news-lint . at the root


def test_site_root_lints_the_articles_only(site):
    proc = news_lint("--output-format", "json", "--no-cache", ".", cwd=site)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert linted(proc) == set()
    text = news_lint("--output-format", "concise", "--no-cache", ".", cwd=site)
    assert text.returncode == 0, text.stdout + text.stderr
    assert "(2 files)" in text.stdout  # the two articles; README, about, the post are skipped
    assert "3 files skipped" in text.stdout + text.stderr


def test_gitignored_folder_is_not_linted_unless_asked(site):
    vendor = "vendor/bundle/gems/x/README.md"
    for flags in (["--no-respect-gitignore"], ["--config", "off.toml"]):
        (site / "off.toml").write_text("respect-gitignore = false\n", encoding="utf-8")
        proc = news_lint("--output-format", "json", "--no-cache", *flags, ".", cwd=site)
        assert proc.returncode == 1, (flags, proc.stdout, proc.stderr)
        assert linted(proc) == {vendor}, flags
    # given by name it is linted (as ruff), unless --force-exclude
    proc = news_lint("--output-format", "json", "--no-cache", vendor, cwd=site)
    assert proc.returncode == 1 and linted(proc) == {vendor}
    proc = news_lint("--output-format", "json", "--no-cache", "--force-exclude", vendor, cwd=site)
    assert proc.returncode == 0 and linted(proc) == set(), proc.stdout + proc.stderr


def test_gitignore_nested_negated_and_info_exclude(site):
    """git's own rules: a nested .gitignore, a negation, .git/info/exclude."""
    for rel in ("_news/drafts/a.md", "_news/drafts/keep.md", "_news/local.md", "_news/ok/b.md"):
        (site / rel).parent.mkdir(parents=True, exist_ok=True)
        (site / rel).write_text(BROKEN, encoding="utf-8")
    (site / "_news" / ".gitignore").write_text("drafts/*\n!drafts/keep.md\n", encoding="utf-8")
    (site / ".git" / "info").mkdir(exist_ok=True)
    (site / ".git" / "info" / "exclude").write_text("local.md\n", encoding="utf-8")
    proc = news_lint("--output-format", "json", "--no-cache", ".", cwd=site)
    assert linted(proc) == {"_news/drafts/keep.md", "_news/ok/b.md"}, proc.stderr
    proc = news_lint("--output-format", "json", "--no-cache", ".", cwd=site / "_news")
    assert linted(proc) == {"drafts/keep.md", "ok/b.md"}, proc.stderr


def test_untrusted_file_names_with_git(site):
    """Newlines, leading dashes and bytes that are not UTF-8 in names, ignored or not."""
    names = [b"-x\nnew.md", b"\xff\xfe-bytes.md", b"--output-file=y.md"]
    ignored = site / "vendor"
    for name in names:
        for folder in (site / "_news", ignored):
            with open(os.path.join(os.fsencode(folder), name), "w", encoding="utf-8") as fh:
                fh.write(BROKEN)
    proc = news_lint("--output-format", "json", "--no-cache", ".", cwd=site)
    assert proc.returncode == 1, proc.stderr
    paths = linted(proc)
    assert len(paths) == 3 and all(p.startswith("_news/") for p in paths), paths
    assert not (site / "y.md").exists()
    explicit = [os.path.join(b"vendor", n) for n in names]
    proc = news_lint("--output-format", "json", "--no-cache", "--force-exclude", *explicit, cwd=site)
    assert proc.returncode == 0 and linted(proc) == set(), proc.stdout + proc.stderr


def test_exclude_on_the_command_line_and_force_exclude(site):
    (site / "_drafts").mkdir()
    (site / "_drafts" / "x.md").write_text(BROKEN, encoding="utf-8")
    (site / ".news-lint.toml").write_text('exclude = [".git", "_drafts"]\n', encoding="utf-8")
    assert linted(news_lint("--output-format", "json", "--no-cache", ".", cwd=site)) == set()
    # an excluded path given by name is linted, unless --force-exclude (or force-exclude = true)
    proc = news_lint("--output-format", "json", "--no-cache", "_drafts/x.md", cwd=site)
    assert proc.returncode == 1 and linted(proc) == {"_drafts/x.md"}
    proc = news_lint("--output-format", "json", "--no-cache", "--force-exclude", "_drafts/x.md",
                     cwd=site)
    assert proc.returncode == 0 and linted(proc) == set(), proc.stdout + proc.stderr
    # --exclude replaces the configured excludes, --extend-exclude adds to them
    proc = news_lint("--output-format", "json", "--no-cache", "--exclude", ".git", ".", cwd=site)
    assert linted(proc) == {"_drafts/x.md"}, proc.stderr
    proc = news_lint("--output-format", "json", "--no-cache", "--exclude", ".git",
                     "--extend-exclude", "_drafts,_news", ".", cwd=site)
    assert proc.returncode == 0 and linted(proc) == set()


def test_include_selects_a_file_that_is_not_an_article(site):
    (site / ".news-lint.toml").write_text('include = ["README.md", "_posts/*.md"]\n',
                                          encoding="utf-8")
    proc = news_lint("--output-format", "json", "--no-cache", ".", cwd=site)
    assert proc.returncode == 1
    assert linted(proc) == {"README.md", "_posts/2025-01-01-hello.md"}
    names = {p["name"] for p in json.loads(proc.stdout)}
    assert names == {"frontmatter-missing", "unknown-layout"}, names
    # given by name, a non-article is skipped all the same (pre-commit names every staged file)
    proc = news_lint("--output-format", "json", "--no-cache", "about.md", cwd=site)
    assert proc.returncode == 0 and linted(proc) == set()


DAMAGED = {
    "yaml-syntax": lambda t: t.replace("title: ", 'title: "unclosed ', 1),
    "unclosed": lambda t: t.replace("\n---\n", "\n", 1) if t.startswith("---\n") else t,
    "layout-misspelled": lambda t: t.replace("layout: tech_news_article", "layout: tech_new_article"),
    "layout-mojibake": lambda t: t.replace("layout: tech_news_article", "layout: tech_news_articleÂ "),
    "layout-key-mojibake": lambda t: t.replace("layout: tech_news_article", "layoutÂ : tech_news_article"),
    "layout-missing": lambda t: t.replace("layout: tech_news_article\n", ""),
    "layout-case": lambda t: t.replace("layout: tech_news_article", "layout: Tech_News_Article"),
    "bom-as-cp1252": lambda t: "ï»¿" + t,
    "blank-line-first": lambda t: "\n" + t,
    "merge-conflict": lambda t: t.replace("layout: tech_news_article",
                                          "<<<<<<< HEAD\nlayout: tech_news_article\n=======\n"
                                          "layout: tech_news\n>>>>>>> other"),
}


@pytest.mark.parametrize("damage", DAMAGED, ids=DAMAGED)
def test_a_damaged_article_is_never_skipped(site, damage):
    path = site / "_news" / CLEAN[1]
    text = path.read_text(encoding="utf-8")
    damaged = DAMAGED[damage](text)
    assert damaged != text
    path.write_text(damaged, encoding="utf-8")
    proc = news_lint("--output-format", "json", "--no-cache", f"_news/{CLEAN[1]}", cwd=site)
    assert proc.returncode == 1, (proc.stdout, proc.stderr)
    assert linted(proc) == {f"_news/{CLEAN[1]}"}


def test_no_corpus_article_is_skipped(corpus_dir, tmp_path):
    """Every file of the corpus is an article: each one is linted (none counted as skipped)."""
    n = len(list(corpus_dir.glob("*.md")))
    proc = news_lint("--output-format", "concise", "--no-cache", "--exit-zero", str(corpus_dir),
                     cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert f"of {n} files." in proc.stdout, proc.stdout[-500:]
    assert "skipped" not in proc.stdout + proc.stderr


# --------------------------------------------------------------------------- the hooks, by commit


def test_hooks_are_serial_and_pair_well():
    by_id = {h["id"]: h for h in HOOKS}
    for hook in HOOKS:
        assert hook["require_serial"] is True, hook["id"]
        assert "--force-exclude" in hook["entry"].split(), hook["id"]
    assert "--fix-only" in by_id["news-lint-fix"]["entry"].split()


def _head_of_this_repository() -> str:
    try:
        sha = git("rev-parse", "HEAD", cwd=ROOT).strip()
    except (subprocess.CalledProcessError, FileNotFoundError):
        pytest.skip("not run from a git checkout of news-lint: the hooks are installed by commit")
    return sha


def _commit(site: Path, env: dict, message: str) -> subprocess.CompletedProcess:
    git("add", "-A", cwd=site, env=env)
    return subprocess.run(["git", "commit", "-q", "-m", message], cwd=site, env=env,
                          capture_output=True, text=True, encoding="utf-8", timeout=900)


def test_hooks_installed_by_commit_guard_a_site(tmp_path):
    """The acceptance test of issue 15 (its "which files" half): both hooks from this repository
    at HEAD (commit before running it), `pre-commit install`, real commits."""
    sha = _head_of_this_repository()
    env = _env(tmp_path)
    site = make_site(tmp_path)
    (site / ".pre-commit-config.yaml").write_text(
        f"repos:\n- repo: {ROOT}\n  rev: {sha}\n  hooks:\n  - id: news-lint-fix\n"
        "  - id: news-lint\n", encoding="utf-8")
    subprocess.run([sys.executable, "-m", "pre_commit", "install"], cwd=site, env=env, check=True,
                   capture_output=True)
    path = site / "_news" / CLEAN[1]
    text = path.read_text(encoding="utf-8")
    path.unlink()  # a new article, later
    first = _commit(site, env, "site")  # pages, a post, README: not articles; vendor/ ignored
    assert first.returncode == 0, first.stdout + first.stderr
    assert "vendor" not in git("ls-files", cwd=site)

    # a new article, damaged: a wrong heading level (a safe fix) and a value of the wrong type
    assert "\n## Souhrn\n" in text and "\nimportance: 3\n" in text
    path.write_text(text.replace("\n## Souhrn\n", "\n### Souhrn\n")
                    .replace("\nimportance: 3\n", "\nimportance: high\n"), encoding="utf-8")
    blocked = _commit(site, env, "damaged")
    out = blocked.stdout + blocked.stderr
    assert blocked.returncode != 0, out
    assert "files were modified by this hook" in out
    assert f"Fixed _news/{CLEAN[1]}" in out
    assert out.count("NL801") == 1, out  # the fix is listed once, by the fix hook
    remaining = [line for line in out.splitlines() if line.startswith(f"_news/{CLEAN[1]}:")]
    assert any("importance" in line for line in remaining), out  # the check hook lists it ...
    assert len(remaining) == len(set(remaining)), out  # ... once: the fix hook does not repeat it
    assert "remain" in out  # the fix hook counts it
    assert "### Souhrn" not in path.read_text(encoding="utf-8")

    # the author repairs what remains; the next commit passes
    path.write_text(path.read_text(encoding="utf-8").replace("importance: high", "importance: 3"),
                    encoding="utf-8")
    fine = _commit(site, env, "fixed")
    assert fine.returncode == 0, fine.stdout + fine.stderr
    assert path.read_text(encoding="utf-8") == text


def test_fix_hook_repairs_and_next_commit_passes(tmp_path):
    sha = _head_of_this_repository()
    env = _env(tmp_path)
    site = make_site(tmp_path)
    (site / ".pre-commit-config.yaml").write_text(
        f"repos:\n- repo: {ROOT}\n  rev: {sha}\n  hooks:\n  - id: news-lint-fix\n"
        "  - id: news-lint\n", encoding="utf-8")
    subprocess.run([sys.executable, "-m", "pre_commit", "install"], cwd=site, env=env, check=True,
                   capture_output=True)
    path = site / "_news" / CLEAN[1]
    clean = path.read_bytes()
    path.write_bytes(clean.replace("\n## Souhrn\n".encode(), "\n### Souhrn\n".encode()))
    blocked = _commit(site, env, "site with a wrong heading")
    assert blocked.returncode != 0
    out = blocked.stdout + blocked.stderr
    assert "news-lint (fix)" in out and "files were modified by this hook" in out, out
    assert path.read_bytes() == clean  # repaired byte for byte
    again = _commit(site, env, "site")
    assert again.returncode == 0, again.stdout + again.stderr
    # two hooks, one summary each: the files are not split into batches (require_serial)
    run = subprocess.run([sys.executable, "-m", "pre_commit", "run", "--all-files", "--verbose",
                          "--color", "never"], cwd=site, env=env, capture_output=True, text=True,
                         encoding="utf-8", timeout=900)
    assert run.returncode == 0, run.stdout + run.stderr
    assert run.stdout.count("All checks passed") == 1, run.stdout


def test_fix_only_lists_fixes_and_counts_what_remains(site):
    """The fix hook's run: the fixes are listed, the problems left are counted, not listed (the
    check hook lists them), and they do not fail the run."""
    path = site / "_news" / CLEAN[1]
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("\n## Souhrn\n", "\n### Souhrn\n")
                    .replace("\nimportance: 3\n", "\nimportance: high\n"), encoding="utf-8")
    proc = news_lint("--no-cache", "--output-format", "concise", "--fix-only", "--show-fixes",
                     "--exit-non-zero-on-fix", ".", cwd=site)
    assert proc.returncode == 1, proc.stdout + proc.stderr  # it changed a file
    assert "NL801" in proc.stdout and "NL202" not in proc.stdout
    assert "1 problem remains in 1 file" in proc.stdout
    again = news_lint("--no-cache", "--output-format", "concise", "--fix-only",
                      "--exit-non-zero-on-fix", ".", cwd=site)
    assert again.returncode == 0 and "1 problem remains" in again.stdout  # nothing to fix
    check = news_lint("--no-cache", "--output-format", "concise", ".", cwd=site)
    assert check.returncode == 1 and check.stdout.count("NL202") == 1
