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


def test_a_repository_in_an_ignored_folder_is_ignored(site):
    """A folder the site's .gitignore ignores that is itself a git repository (a cloned theme, a
    vendored tool): ignored, as `git status --ignored` of the site says, though its own
    repository does not ignore its files."""
    (site / ".gitignore").write_text("vendor/\n_site/\nsub/\n", encoding="utf-8")
    for folder in ("sub", "kept"):  # kept: a repository the site does not ignore
        (site / folder / "vendor").mkdir(parents=True)
        (site / folder / "vendor" / "x.md").write_text(BROKEN, encoding="utf-8")
        git("init", "-q", cwd=site / folder)
    status = git("status", "--porcelain", "--ignored", cwd=site)
    assert "!! sub/" in status.splitlines() and "?? kept/" in status.splitlines(), status
    proc = news_lint("--output-format", "json", "--no-cache", ".", cwd=site)
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert linted(proc) == {"kept/vendor/x.md"}, proc.stdout + proc.stderr
    proc = news_lint("--output-format", "json", "--no-cache", "--force-exclude", "sub", cwd=site)
    assert linted(proc) == {"sub/vendor/x.md"}  # a folder given by name is walked, as before
    # linted from inside the inner repository, the outer one's .gitignore does not apply
    proc = news_lint("--output-format", "json", "--no-cache", ".", cwd=site / "sub")
    assert linted(proc) == {"vendor/x.md"}, proc.stdout + proc.stderr


def _other_repository(root: Path) -> Path:
    """Another repository that tracks the site's ignored vendor file (as a hook's GIT_DIR or
    GIT_INDEX_FILE would name)."""
    other = root / "other"
    (other / "vendor" / "bundle" / "gems" / "x").mkdir(parents=True)
    (other / "vendor" / "bundle" / "gems" / "x" / "README.md").write_text("x\n", encoding="utf-8")
    git("init", "-q", cwd=other)
    git("add", "-A", cwd=other)
    return other


@pytest.mark.parametrize("variables", ["dir-and-work-tree", "index-file", "config", "config-count"])
def test_git_is_not_steered_by_the_callers_environment(site, tmp_path, variables):
    """git hooks export GIT_DIR and GIT_INDEX_FILE (the outer repository's), `git -c` exports
    GIT_CONFIG_PARAMETERS, a caller may set GIT_WORK_TREE or GIT_CONFIG_COUNT: none of them
    changes which files the site ignores."""
    other = _other_repository(tmp_path)
    (site / "_news" / "broken.md").write_text(BROKEN, encoding="utf-8")
    everything = tmp_path / "everything"
    everything.write_text("*.md\n", encoding="utf-8")
    env = {"dir-and-work-tree": {"GIT_DIR": str(other / ".git"), "GIT_WORK_TREE": str(other)},
           "index-file": {"GIT_INDEX_FILE": str(other / ".git" / "index")},
           "config": {"GIT_CONFIG_PARAMETERS": f"'core.excludesfile'='{everything}'"},
           "config-count": {"GIT_CONFIG_COUNT": "1", "GIT_CONFIG_KEY_0": "core.excludesFile",
                            "GIT_CONFIG_VALUE_0": str(everything)}}[variables]
    proc = subprocess.run([sys.executable, "-m", "mdlint_news", "--output-format", "json",
                           "--no-cache", "."], cwd=site, capture_output=True, text=True,
                          encoding="utf-8", env={**_env(), **env}, timeout=300)
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert linted(proc) == {"_news/broken.md"}
    assert "warning" not in proc.stderr, proc.stderr


def _news_lint_no_hang(site: Path, *args: str) -> subprocess.CompletedProcess:
    """news-lint in a subprocess that is stopped after 100 s (git's old 120 s timeout per
    repository would outlast it)."""
    try:
        return subprocess.run([sys.executable, "-m", "mdlint_news", "--output-format", "json",
                               "--no-cache", *args], cwd=site, capture_output=True, text=True,
                              encoding="utf-8", env=_env(), timeout=100)
    except subprocess.TimeoutExpired:
        pytest.fail("news-lint hung on a FIFO among git's ignore files")


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="FIFOs are POSIX")
def test_a_fifo_among_the_ignore_files_does_not_hang_the_run(site):
    """A FIFO at .git/info/exclude or .gitignore (git would wait for a writer forever): said
    once, .gitignore is not applied in that repository, the run goes on."""
    exclude = site / ".git" / "info" / "exclude"
    exclude.parent.mkdir(exist_ok=True)
    if exclude.exists():
        exclude.unlink()
    os.mkfifo(exclude)
    proc = _news_lint_no_hang(site, ".")
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert linted(proc) == {"vendor/bundle/gems/x/README.md"}  # .gitignore not applied: said
    assert proc.stderr.count("warning") == 1, proc.stderr
    assert "info/exclude is not a regular file" in proc.stderr, proc.stderr
    exclude.unlink()
    (site / ".gitignore").rename(site / "ignore.txt")
    os.mkfifo(site / ".gitignore")
    proc = _news_lint_no_hang(site, ".")
    assert linted(proc) == {"vendor/bundle/gems/x/README.md"}
    assert proc.stderr.count("warning") == 1 and ".gitignore is not a regular file" in proc.stderr


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="FIFOs are POSIX")
def test_a_fifo_gitignore_deep_in_the_tree_does_not_hang_the_run(site):
    """One git cannot be asked about without reading the tree: git's time is limited (20 s)."""
    (site / "_news" / "deep").mkdir()
    os.mkfifo(site / "_news" / "deep" / ".gitignore")
    proc = _news_lint_no_hang(site, ".")
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert linted(proc) == {"vendor/bundle/gems/x/README.md"}
    assert proc.stderr.count("warning") == 1 and "did not answer" in proc.stderr, proc.stderr


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


def _lines_lost(raw: bytes) -> bytes:
    """The opening '---' and the layout line lost; the other keys and the closing '---' kept."""
    lines = raw.split(b"\n")
    assert lines[0] == b"---"
    return b"\n".join(line for line in lines[1:] if not line.startswith(b"layout:"))


def _layout_line_then(raw: bytes, extra: bytes) -> bytes:
    """``extra`` inserted on the line after the layout line."""
    start = raw.index(b"\nlayout:") + 1
    end = raw.index(b"\n", start) + 1
    return raw[:end] + extra + raw[end:]


NEL, LS, PS = "\x85".encode(), "\u2028".encode(), "\u2029".encode()
PREAMBLE = b"Sure! Here is the article you asked for, with its front matter.\n\n" * 80
# damage to the raw bytes of real articles, each shape of it seen in generated sites
DAMAGED_BYTES = {
    "cr-only": lambda b: b.replace(b"\n", b"\r"),
    "cr-only-bom": lambda b: b"\xef\xbb\xbf" + b.replace(b"\n", b"\r"),
    "stray-cr-after-opening": lambda b: b.replace(b"---\n", b"---\r", 1),
    "nel": lambda b: b.replace(b"\n", NEL),
    "nel-after-opening": lambda b: b.replace(b"---\n", b"---" + NEL, 1),
    "u2028": lambda b: b.replace(b"\n", LS),
    "u2028-after-opening": lambda b: b.replace(b"---\n", b"---" + LS, 1),
    "u2029": lambda b: b.replace(b"\n", PS),
    "u2029-after-opening": lambda b: b.replace(b"---\n", b"---" + PS, 1),
    "opening-and-layout-lost": _lines_lost,
    "long-preamble": lambda b: PREAMBLE + b,
    "long-preamble-fenced": lambda b: PREAMBLE + b"```markdown\n" + b + b"```\n",
    "duplicate-layout": lambda b: _layout_line_then(b, b"layout: page\n"),
}


@pytest.mark.parametrize("damage", DAMAGED_BYTES, ids=DAMAGED_BYTES)
def test_a_damaged_article_is_never_skipped_bytes(site, damage):
    """Both kinds of article (the legacy one has its layout on the second line, the modern one
    in the middle of sorted keys), damaged byte by byte: each is linted, with a finding."""
    assert len(PREAMBLE) > 4096
    names = []
    for name in CLEAN:
        path = site / "_news" / name
        raw = path.read_bytes()
        damaged = DAMAGED_BYTES[damage](raw)
        assert damaged != raw
        path.write_bytes(damaged)
        names.append(f"_news/{name}")
    proc = news_lint("--output-format", "json", "--no-cache", *names, cwd=site)
    assert proc.returncode == 1, (proc.stdout, proc.stderr)
    assert linted(proc) == set(names), proc.stdout + proc.stderr


def test_pages_with_odd_line_ends_stay_skipped(site):
    """What makes a damaged article linted does not make a page one: pages and READMEs with CR,
    NEL or U+2028 line ends, a long README whose later lines name generic keys, a duplicate
    layout of a page."""
    readme = b"# Site\n\n" + b"Some words about the site.\n" * 400 + b"title: x\nlayout: page\n"
    pages = {
        "a.md": b"---\rlayout: page\rtitle: A\r---\r\rText.\r",
        "b.md": "---\x85layout: page\x85title: B\x85---\x85Text.\x85".encode(),
        "c.md": "---\u2028layout: post\u2028---\u2028Text.".encode(),
        "d.md": readme,
        "e.md": b"---\nlayout: page\nlayout: post\ntitle: E\n---\n\nText.\n",
    }
    for name, raw in pages.items():
        (site / name).write_bytes(raw)
    proc = news_lint("--output-format", "concise", "--no-cache", *pages, cwd=site)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "5 files skipped" in proc.stdout + proc.stderr, proc.stdout + proc.stderr


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


def _site_with_both_hooks(tmp_path: Path) -> tuple[Path, dict]:
    """The site, with both hooks installed from this repository at HEAD (`pre-commit install`)."""
    sha = _head_of_this_repository()
    env = _env(tmp_path)
    site = make_site(tmp_path)
    (site / ".pre-commit-config.yaml").write_text(
        f"repos:\n- repo: {ROOT}\n  rev: {sha}\n  hooks:\n  - id: news-lint-fix\n"
        "  - id: news-lint\n", encoding="utf-8")
    subprocess.run([sys.executable, "-m", "pre_commit", "install"], cwd=site, env=env, check=True,
                   capture_output=True)
    return site, env


def test_hooks_installed_by_commit_guard_a_site(tmp_path):
    """The acceptance test of issue 15 (its "which files" half): both hooks from this repository
    at HEAD (commit before running it), `pre-commit install`, real commits."""
    site, env = _site_with_both_hooks(tmp_path)
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
    site, env = _site_with_both_hooks(tmp_path)
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
