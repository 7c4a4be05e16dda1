"""Starting gradually (issue 15, item 3): a baseline records today's problems by a fingerprint
that survives line shifts; later runs report only new ones. The acceptance test builds a site
repository with old problematic articles and commits through the real pre-commit hook of this
repository, installed by commit."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from support import ARTICLE_NAME, VALID_BODY, article_text

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples" / "content"
OLD_BAD = ["2025-12-22-A-10-largest-healthcare-data-breaches-reported-to-.md",
           "2025-12-06-openai-has-trained-its-llm-to-confess-to-bad-behav.md",
           "2025-11-25-india-kazakhstan-strengthen-strategic-ties-at-high.md"]
OLD_CLEAN = "2025-09-21-aplikace-google-home-dostává-nový-vzhled-co-se-měn.md"
NEW_CLEAN = "2025-12-01-real-apple-support-emails-used-in-new-phishing-sca.md"
LEAK = "Here is the translation of the article."
CODE = re.compile(r"^(.+?):\d+:\d+: (NL\d{3}) ", re.MULTILINE)


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def leaky(n: int) -> str:
    """A valid article whose body has ``n`` identical leaked lines (n identical findings)."""
    extra = "".join(f"\n\n{LEAK}" for _ in range(n))
    return article_text(body=VALID_BODY.replace("Podrobnější text článku.",
                                                "Podrobnější text článku." + extra))


def reported(stdout: str) -> list[tuple[str, str]]:
    return CODE.findall(stdout)


def shift(path: Path, lines: int = 3) -> None:
    """Insert lines above every finding: YAML comments at the top of the front matter and blank
    lines at the top of the body."""
    text = path.read_text(encoding="utf-8")
    assert text.startswith("---\n")
    head, sep, body = text[4:].partition("\n---\n")
    text = "---\n" + "# edited\n" * lines + head + sep + "\n" * lines + body
    path.write_text(text, encoding="utf-8")


# --------------------------------------------------------------------------- the command line


def test_update_then_only_new_findings_are_reported(cli, tmp_path):
    site = tmp_path / "site"
    site.mkdir()
    for name in OLD_BAD:
        shutil.copyfile(EXAMPLES / name, site / name)
    before = cli("site")
    assert before.returncode == 1
    n_old = len(reported(before.stdout))
    assert n_old > 20  # one mojibake finding per damaged field/paragraph (issue 13), not per sequence

    made = cli("--baseline", "base.json", "--update-baseline", "site")
    assert made.returncode == 0, made.stderr
    data = json.loads((tmp_path / "base.json").read_text(encoding="utf-8"))
    assert data["version"] == 2
    keys = [(f["path"], f["rule"], f["fingerprint"]) for f in data["findings"]]
    assert keys == sorted(keys) and sum(f["count"] for f in data["findings"]) == n_old
    assert all(f["path"].startswith("site/") for f in data["findings"])  # relative to its folder
    assert not any(str(tmp_path) in f["path"] for f in data["findings"])

    after = cli("--baseline", "base.json", "site")
    assert after.returncode == 0, after.stdout
    assert reported(after.stdout) == []
    assert f"{n_old} problems hidden by the baseline" in after.stdout
    assert len([line for line in after.stdout.splitlines() if "baseline" in line]) == 1

    for name in OLD_BAD:  # findings survive lines inserted above them
        shift(site / name)
    shifted = cli("--baseline", "base.json", "site")
    assert shifted.returncode == 0, shifted.stdout
    assert f"{n_old} problems hidden" in shifted.stdout

    write(site / ARTICLE_NAME, article_text(urlToImage="https://cdn.example.com/img/a b.jpg"))
    new = cli("--baseline", "base.json", "site")
    assert new.returncode == 1
    assert {p for p, _ in reported(new.stdout)} == {f"site/{ARTICLE_NAME}"}, new.stdout


def test_update_is_stable_and_keeps_files_not_linted(cli, tmp_path):
    for name in OLD_BAD:
        shutil.copyfile(EXAMPLES / name, tmp_path / name)
    cli("--baseline", "b.json", "--update-baseline", ".", check_rc=0)
    first = (tmp_path / "b.json").read_bytes()
    cli("--baseline", "b.json", "--update-baseline", ".", check_rc=0)
    assert (tmp_path / "b.json").read_bytes() == first  # the same findings: the same bytes
    cli("--baseline", "b.json", "--update-baseline", OLD_BAD[0], check_rc=0)  # one file only
    assert (tmp_path / "b.json").read_bytes() == first  # the others' entries are kept


def test_counts_per_fingerprint(cli, tmp_path):
    article = write(tmp_path / ARTICLE_NAME, leaky(2))
    assert len(reported(cli(ARTICLE_NAME).stdout)) == 2
    cli("--baseline", "b.json", "--update-baseline", ARTICLE_NAME, check_rc=0)
    data = json.loads((tmp_path / "b.json").read_text(encoding="utf-8"))
    assert [f["count"] for f in data["findings"]] == [2]
    assert cli("--baseline", "b.json", ARTICLE_NAME).returncode == 0
    article.write_text(leaky(3), encoding="utf-8")
    third = cli("--baseline", "b.json", ARTICLE_NAME)
    assert third.returncode == 1 and len(reported(third.stdout)) == 1, third.stdout
    assert "2 problems hidden by the baseline" in third.stdout
    article.write_text(leaky(1), encoding="utf-8")  # one fixed since: it simply disappears
    fixed = cli("--baseline", "b.json", ARTICLE_NAME)
    assert fixed.returncode == 0 and "1 problem hidden by the baseline" in fixed.stdout


def test_the_baseline_key_in_the_configuration(cli, tmp_path):
    write(tmp_path / ".news-lint.toml", 'baseline = "lint/baseline.json"\n')
    write(tmp_path / "content" / ARTICLE_NAME, leaky(1))
    (tmp_path / "lint").mkdir()
    missing = cli("content")
    assert missing.returncode == 2 and "--update-baseline" in missing.stderr, missing.stderr
    cli("--update-baseline", "content", check_rc=0)
    data = json.loads((tmp_path / "lint" / "baseline.json").read_text(encoding="utf-8"))
    assert [f["path"] for f in data["findings"]] == [f"../content/{ARTICLE_NAME}"]  # the baseline's folder
    assert cli("content").returncode == 0


def test_a_baseline_outside_the_project_is_refused_from_a_discovered_configuration(cli, tmp_path):
    (tmp_path / "site" / ".git").mkdir(parents=True)
    write(tmp_path / "site" / ".news-lint.toml", 'baseline = "../elsewhere.json"\n')
    write(tmp_path / "site" / ARTICLE_NAME, leaky(1))
    proc = cli(ARTICLE_NAME, cwd=tmp_path / "site")
    assert proc.returncode == 2 and "baseline" in proc.stderr, proc.stderr


def test_update_without_a_file_is_a_usage_error(cli, tmp_path):
    write(tmp_path / ARTICLE_NAME, leaky(1))
    proc = cli("--update-baseline", ARTICLE_NAME)
    assert proc.returncode == 2 and "--baseline" in proc.stderr, proc.stderr


@pytest.mark.parametrize("content", [
    b"{not json", b"", b"\xff\xfe garbage", b"[]", b'{"version": 99, "findings": []}',
    b'{"version": 2, "findings": [{"path": 1}]}',
    b'{"version": 2, "findings": [{"path": "a.md", "rule": "x", "fingerprint": "zz", "count": -1}]}',
    b"[" * 100_000 + b"]" * 100_000,
    b'{"version": 2, "findings": [], "secret": "\x1b[2Jhunter2"}',
])
def test_a_garbled_baseline_is_a_configuration_error(cli, tmp_path, content):
    (tmp_path / "b.json").write_bytes(content)
    write(tmp_path / ARTICLE_NAME, leaky(1))
    proc = cli("--baseline", "b.json", ARTICLE_NAME)
    assert proc.returncode == 2, (proc.stdout, proc.stderr)
    assert "b.json" in proc.stderr and "--update-baseline" in proc.stderr, proc.stderr
    assert "Traceback" not in proc.stderr and "hunter2" not in proc.stderr and "\x1b" not in proc.stderr


def test_a_huge_baseline_is_refused_without_reading_it(cli, tmp_path):
    with open(tmp_path / "b.json", "wb") as fh:
        fh.truncate(200_000_000)  # sparse
    write(tmp_path / ARTICLE_NAME, leaky(1))
    proc = cli("--baseline", "b.json", ARTICLE_NAME)
    assert proc.returncode == 2 and "b.json" in proc.stderr and "bytes" in proc.stderr, proc.stderr


def test_paths_in_the_baseline_are_only_compared(cli, tmp_path):
    """An entry naming a file outside the project is never opened, and does not hide anything."""
    write(tmp_path / ARTICLE_NAME, leaky(1))
    (tmp_path / "b.json").write_text(json.dumps({"version": 2, "findings": [
        {"path": "/etc/passwd", "rule": "content-leak", "fingerprint": "0" * 16, "count": 5},
        {"path": "../../x\n.md", "rule": "content-leak", "fingerprint": "1" * 16, "count": 5}]}),
        encoding="utf-8")
    proc = cli("--baseline", "b.json", ARTICLE_NAME)
    assert proc.returncode == 1 and len(reported(proc.stdout)) == 1
    cli("--baseline", "b.json", "--update-baseline", ARTICLE_NAME, check_rc=0)
    paths = [f["path"] for f in json.loads((tmp_path / "b.json").read_text())["findings"]]
    assert paths == [ARTICLE_NAME]  # entries of files that are not there are dropped


# --------------------------------------------------------------------------- acceptance: pre-commit


def _git(repo: Path, *args: str, env: dict, check: bool = True) -> subprocess.CompletedProcess:
    return subprocess.run(["git", *args], cwd=repo, env=env, capture_output=True, text=True,
                          encoding="utf-8", check=check, timeout=600)


def _env(tmp_path: Path) -> dict:
    env = dict(os.environ)
    env.update(PRE_COMMIT_HOME=str(tmp_path / "pre-commit-home"), GIT_AUTHOR_NAME="t",
               GIT_AUTHOR_EMAIL="t@example.com", GIT_COMMITTER_NAME="t",
               GIT_COMMITTER_EMAIL="t@example.com", NO_COLOR="1", PYTHONIOENCODING="utf-8")
    env.pop("GITHUB_ACTIONS", None)
    # the git hook runs `pre-commit` from this interpreter's folder
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
    return env


def _commit(repo: Path, env: dict, message: str) -> subprocess.CompletedProcess:
    _git(repo, "add", "-A", env=env)
    return _git(repo, "commit", "-m", message, env=env, check=False)


@pytest.mark.skipif(shutil.which("git") is None, reason="git is needed")
def test_acceptance_a_site_with_old_problems_commits_new_clean_articles(tmp_path):
    head = subprocess.run(["git", "rev-parse", "HEAD"], cwd=ROOT, capture_output=True, text=True,
                          check=True).stdout.strip()
    env = _env(tmp_path)
    repo = tmp_path / "site"
    posts = repo / "_posts"
    posts.mkdir(parents=True)
    for name in [*OLD_BAD, OLD_CLEAN]:
        shutil.copyfile(EXAMPLES / name, posts / name)
    write(repo / ".news-lint.toml", 'baseline = ".news-lint-baseline.json"\n')
    write(repo / ".pre-commit-config.yaml",
          f"repos:\n- repo: {ROOT}\n  rev: {head}\n  hooks:\n  - id: news-lint\n")
    _git(repo, "init", "-q", env=env)
    made = subprocess.run([sys.executable, "-m", "mdlint_news", "--update-baseline", "."], cwd=repo,
                          env=env, capture_output=True, text=True, encoding="utf-8", timeout=300)
    assert made.returncode == 0, made.stderr
    subprocess.run([sys.executable, "-m", "pre_commit", "install"], cwd=repo, env=env, check=True,
                   capture_output=True, timeout=300)

    first = _commit(repo, env, "the site as it was, with its baseline")
    assert first.returncode == 0, first.stdout + first.stderr

    shutil.copyfile(EXAMPLES / NEW_CLEAN, posts / NEW_CLEAN)
    clean = _commit(repo, env, "a new clean article")
    assert clean.returncode == 0, clean.stdout + clean.stderr

    damaged = write(posts / ARTICLE_NAME, article_text(urlToImage="https://cdn.example.com/img/a b.jpg"))
    bad = _commit(repo, env, "a new damaged article")
    assert bad.returncode == 1, bad.stdout + bad.stderr
    out = bad.stdout + bad.stderr
    assert {p for p, _ in reported(out)} == {f"_posts/{ARTICLE_NAME}"}, out
    assert {c for _, c in reported(out)} == {"NL402"}, out
    _git(repo, "rm", "-q", "--cached", f"_posts/{ARTICLE_NAME}", env=env)
    damaged.unlink()

    for name in OLD_BAD:
        shift(posts / name)
    edited = _commit(repo, env, "old articles edited: lines inserted above their old problems")
    assert edited.returncode == 0, edited.stdout + edited.stderr
    assert _git(repo, "status", "--porcelain", env=env).stdout == ""


# --------------------------------------------------------------------------- --add-noqa


def _front_matter(path: Path) -> dict:
    import yaml

    return yaml.safe_load(path.read_text(encoding="utf-8").split("\n---\n", 1)[0][4:])


@pytest.mark.parametrize("name", OLD_BAD[:2])
def test_add_noqa_writes_suppressions_for_every_current_finding(cli, tmp_path, name):
    article = tmp_path / name
    shutil.copyfile(EXAMPLES / name, article)
    before = cli(name)
    assert before.returncode == 1
    data = _front_matter(article)

    added = cli("--add-noqa", name)
    assert added.returncode == 0, added.stderr
    n = len(reported(before.stdout))
    m = re.search(r"Added suppressions for (\d+) problems in 1 file(?:; (\d+) problems? could not)?",
                  added.stderr)
    assert m, added.stderr
    done, left = int(m.group(1)), int(m.group(2) or 0)
    assert done + left == n and left <= 1, added.stderr
    text = article.read_text(encoding="utf-8")
    assert "# news-lint: disable=" in text and "<!-- news-lint-disable-next-line" in text
    assert _front_matter(article) == data  # the front matter's values are the same
    after = cli(name)
    # what is left: a footer link, whose comment would stand between the footer's `---` and it
    assert [c for _, c in reported(after.stdout)] == ["NL822"] * left, after.stdout

    again = cli("--add-noqa", name)  # idempotent
    assert again.returncode == 0 and "Added suppressions for 0 problems" in again.stderr, again.stderr
    assert article.read_text(encoding="utf-8") == text


def test_add_noqa_in_the_body_keeps_paragraphs(cli, tmp_path):
    article = write(tmp_path / ARTICLE_NAME, leaky(2).replace(
        f"\n\n{LEAK}", f"\n\nA first line of the paragraph.\n{LEAK}", 1))
    assert len(reported(cli(ARTICLE_NAME).stdout)) == 2
    cli("--add-noqa", ARTICLE_NAME, check_rc=0)
    text = article.read_text(encoding="utf-8")
    # the paragraph's lines stay together: the comment ends the line above, inline
    assert f"A first line of the paragraph. <!-- news-lint-disable-next-line content-leak -->\n{LEAK}" in text
    assert f"\n\n<!-- news-lint-disable-next-line content-leak -->\n{LEAK}" in text  # after a blank line
    assert cli(ARTICLE_NAME).returncode == 0


# --------------------------------------------------------------------------- red team 5, 6, 12


def test_paths_are_relative_to_the_baseline_not_to_each_configuration(cli, tmp_path):
    """Two configurations with a file of the same name: one root (the baseline's folder) for
    both, so recording one does not hide the other's problems."""
    for lang in ("en", "cs"):
        write(tmp_path / lang / ".news-lint.toml", "select = [\"ALL\"]\n")
    write(tmp_path / "en" / ARTICLE_NAME, leaky(1))
    write(tmp_path / "cs" / ARTICLE_NAME, article_text())
    cli("--baseline", "bl.json", "--update-baseline", "en", check_rc=0)
    data = json.loads((tmp_path / "bl.json").read_text(encoding="utf-8"))
    assert [f["path"] for f in data["findings"]] == [f"en/{ARTICLE_NAME}"]
    write(tmp_path / "cs" / ARTICLE_NAME, leaky(1))  # the same problem, in the other folder
    proc = cli("--baseline", "bl.json", ".")
    assert proc.returncode == 1, proc.stdout
    leaks = {p for p, code in reported(proc.stdout) if code == _leak_code()}
    assert leaks == {f"cs/{ARTICLE_NAME}"}, proc.stdout  # (the two also share a slug, a title)
    assert "1 problem hidden by the baseline" in proc.stdout


def test_a_baseline_of_the_old_version_is_refused_with_what_to_do(cli, tmp_path):
    write(tmp_path / ARTICLE_NAME, leaky(1))
    cli("--baseline", "b.json", "--update-baseline", ARTICLE_NAME, check_rc=0)
    data = json.loads((tmp_path / "b.json").read_text(encoding="utf-8"))
    assert data["version"] == 2
    data["version"] = 1  # paths relative to each configuration's folder
    (tmp_path / "b.json").write_text(json.dumps(data), encoding="utf-8")
    proc = cli("--baseline", "b.json", ARTICLE_NAME)
    assert proc.returncode == 2, proc.stdout
    assert "version 1" in proc.stderr and "--update-baseline" in proc.stderr, proc.stderr
    cli("--baseline", "b.json", "--update-baseline", ARTICLE_NAME, check_rc=0)  # re-recorded
    assert cli("--baseline", "b.json", ARTICLE_NAME).returncode == 0


@pytest.mark.parametrize("change", ["count-true", "count-str", "version-float", "extra-top",
                                    "extra-entry", "fingerprint-int"])
def test_a_baseline_is_read_strictly(cli, tmp_path, change):
    write(tmp_path / ARTICLE_NAME, leaky(1))
    cli("--baseline", "b.json", "--update-baseline", ARTICLE_NAME, check_rc=0)
    data = json.loads((tmp_path / "b.json").read_text(encoding="utf-8"))
    entry = data["findings"][0]
    if change == "count-true":
        entry["count"] = True
    elif change == "count-str":
        entry["count"] = "5"
    elif change == "version-float":
        data["version"] = float(data["version"])
    elif change == "extra-top":
        data["comment"] = "made by hand"
    elif change == "extra-entry":
        entry["line"] = 3
    else:
        entry["fingerprint"] = 1234567890123456
    (tmp_path / "b.json").write_text(json.dumps(data), encoding="utf-8")
    proc = cli("--baseline", "b.json", ARTICLE_NAME)
    assert proc.returncode == 2, (proc.stdout, proc.stderr)
    assert "b.json" in proc.stderr and "--update-baseline" in proc.stderr, proc.stderr


def _leak_code() -> str:
    from mdlint_news.rules import lookup

    return lookup("content-leak").code


@pytest.mark.parametrize("narrowed", [["--select", "NL101"], ["--ignore", "NL8"],
                                      ["--extend-select", "NL101", "--ignore", "NL8"]])
def test_update_with_rules_narrowed_keeps_the_other_rules_entries(cli, tmp_path, narrowed):
    for name in OLD_BAD[:2]:
        shutil.copyfile(EXAMPLES / name, tmp_path / name)
    cli("--baseline", "b.json", "--update-baseline", ".", check_rc=0)
    first = (tmp_path / "b.json").read_bytes()
    cli("--baseline", "b.json", "--update-baseline", *narrowed, ".", check_rc=0)
    assert (tmp_path / "b.json").read_bytes() == first  # nothing dropped
    assert cli("--baseline", "b.json", ".").returncode == 0


def test_update_with_rules_narrowed_still_updates_the_rules_run(cli, tmp_path):
    article = write(tmp_path / ARTICLE_NAME, leaky(2))
    other = write(tmp_path / "2025-12-01-x.md", leaky(1))  # also NL503 (filename-mismatch)
    cli("--baseline", "b.json", "--update-baseline", ".", check_rc=0)
    rules = {(f["path"], f["rule"]) for f in json.loads((tmp_path / "b.json").read_text())["findings"]}
    assert (other.name, "filename-mismatch") in rules
    article.write_text(leaky(1), encoding="utf-8")
    other.write_text(article_text(), encoding="utf-8")
    cli("--baseline", "b.json", "--update-baseline", "--select", _leak_code(), ".", check_rc=0)
    found = {(f["path"], f["rule"]): f["count"]
             for f in json.loads((tmp_path / "b.json").read_text())["findings"]}
    assert found[(ARTICLE_NAME, "content-leak")] == 1  # run: updated
    assert (other.name, "content-leak") not in found  # run, and fixed: dropped
    assert found[(other.name, "filename-mismatch")] == 1  # not run: kept


def test_update_with_per_file_ignores_keeps_the_ignored_rules_entries(cli, tmp_path):
    write(tmp_path / "2025-12-01-x.md", leaky(1))
    cli("--baseline", "b.json", "--update-baseline", ".", check_rc=0)
    first = (tmp_path / "b.json").read_bytes()
    write(tmp_path / ".news-lint.toml", '[per-file-ignores]\n"*.md" = ["content-leak"]\n')
    cli("--baseline", "b.json", "--update-baseline", ".", check_rc=0)
    assert (tmp_path / "b.json").read_bytes() == first
