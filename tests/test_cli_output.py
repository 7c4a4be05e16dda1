"""What the command line shows where it runs: default format per environment, statistics,
the list of applied fixes, exit codes for fixers, and a progress bar only on a terminal."""

from __future__ import annotations

import json
import os
import pty
import subprocess
import sys
import threading
from pathlib import Path

from support import ARTICLE_NAME, article_text

HOUR_OFF = article_text(date="'2025-12-01 18:27:21'")


def run(args, cwd, env_extra=None, **kw):
    env = {k: v for k, v in os.environ.items() if k not in ("GITHUB_ACTIONS", "NO_COLOR")}
    env.update(env_extra or {})
    return subprocess.run([sys.executable, "-m", "mdlint_news", *args], cwd=cwd, env=env,
                          capture_output=True, text=True, encoding="utf-8", **kw)


def write(tmp_path: Path, text: str, name: str = ARTICLE_NAME) -> Path:
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    return p


def test_default_is_concise_when_piped(tmp_path):
    write(tmp_path, HOUR_OFF)
    out = run(["."], tmp_path).stdout.splitlines()
    assert out[0] == (f"{ARTICLE_NAME}:6:7: NL302 [*] date '2025-12-01 18:27:21' differs from "
                      "publishedAt '2025-12-01T17:27:21+00:00' (expected '2025-12-01 17:27:21' in "
                      "UTC) (date-mismatch)")


def test_github_actions_gets_workflow_commands(tmp_path):
    write(tmp_path, HOUR_OFF)
    out = run(["."], tmp_path, {"GITHUB_ACTIONS": "true"}).stdout
    assert out.startswith(f"::error file={ARTICLE_NAME},line=6,col=7,endLine=6,endColumn=28,"
                          "title=NL302 date-mismatch::")


def test_statistics_counts_per_rule(tmp_path):
    write(tmp_path, HOUR_OFF)
    write(tmp_path, HOUR_OFF, "2025-12-01-other-name.md")
    proc = run(["--statistics", "-q", "."], tmp_path)
    assert proc.returncode == 1
    rows = [r.split() for r in proc.stdout.splitlines()]
    assert ["2", "NL302", "[*]", "date-mismatch"] in rows
    assert ["1", "NL503", "filename-mismatch"] in rows


def test_show_fixes_and_exit_non_zero_on_fix(tmp_path):
    p = write(tmp_path, HOUR_OFF)
    proc = run(["--fix", "--show-fixes", "."], tmp_path)
    assert proc.returncode == 0  # everything was fixed, nothing remains
    assert f"Fixed {ARTICLE_NAME}:" in proc.stdout
    assert "6:7: NL302 set date to '2025-12-01 17:27:21' (date-mismatch)" in proc.stdout
    assert p.read_text(encoding="utf-8") == article_text()

    p.write_text(HOUR_OFF, encoding="utf-8")
    assert run(["--fix", "--exit-non-zero-on-fix", "-q", "."], tmp_path).returncode == 1
    assert run(["--fix", "--exit-non-zero-on-fix", "-q", "."], tmp_path).returncode == 0


def _run_with_tty_stderr(args, cwd):
    """stdout is a pipe, stderr a pseudo-terminal: what a user sees piping JSON to a file."""
    master, slave = pty.openpty()
    env = {k: v for k, v in os.environ.items() if k not in ("GITHUB_ACTIONS", "NO_COLOR")}
    env["COLUMNS"] = "100"
    proc = subprocess.Popen([sys.executable, "-m", "mdlint_news", *args], cwd=cwd, env=env,
                            stdout=subprocess.PIPE, stderr=slave)
    os.close(slave)
    chunks = []

    def drain():  # read the terminal while the main thread reads stdout: no pipe deadlock
        while True:
            try:
                data = os.read(master, 65536)
            except OSError:
                return
            if not data:
                return
            chunks.append(data)

    reader = threading.Thread(target=drain, daemon=True)
    reader.start()
    out = proc.stdout.read()
    proc.wait(timeout=120)
    reader.join(timeout=10)
    os.close(master)
    return proc.returncode, out.decode("utf-8"), b"".join(chunks).decode("utf-8", "replace")


def test_progress_bar_on_a_terminal_never_in_json(tmp_path):
    for i in range(250):
        write(tmp_path, HOUR_OFF, f"2025-12-01-a{i:03d}.md")
    code, out, err = _run_with_tty_stderr(["--output-format", "json", "--ignore", "NL86", "."],
                                         tmp_path)  # 250 copies: duplicates aside
    assert code == 1
    items = json.loads(out)  # stdout is pure JSON
    assert len(items) == 500
    assert "Linting" in err and "250" in err  # the bar was drawn on the terminal

    proc = run(["--output-format", "json", "--ignore", "NL86", "."], tmp_path)  # no terminal: no bar
    assert "Linting" not in proc.stderr
    assert len(json.loads(proc.stdout)) == 500


def test_few_files_no_progress_bar(tmp_path):
    write(tmp_path, HOUR_OFF)
    code, out, err = _run_with_tty_stderr(["."], tmp_path)
    assert code == 1 and "Linting" not in err


def test_help_fits_a_screen_and_has_examples():
    proc = run(["--help"], ".")
    assert proc.returncode == 0
    assert "examples:" in proc.stdout and "news-lint --fix content/" in proc.stdout
    assert len(proc.stdout.splitlines()) <= 60


REPO = Path(__file__).resolve().parent.parent


def test_show_fixes_lists_each_fix_once(tmp_path):
    """On the examples, the mojibake of a whole value is one finding with one fix (every damaged
    run an edit of it); the listing names that repair once, at the value's first damaged run."""
    import shutil

    shutil.copytree(REPO / "examples" / "content", tmp_path / "c")
    proc = run(["--fix", "--show-fixes", "--no-cache", "c"], tmp_path)
    assert proc.returncode == 1, proc.stderr
    listing = [l for l in proc.stdout.splitlines() if l.startswith("  ")]
    assert listing
    for block in proc.stdout.split("Fixed c/")[1:]:  # within a file, each fix text once
        fixes = [l.split(": ", 1)[1] for l in block.splitlines() if l.startswith("  ")]
        assert fixes and len(fixes) == len(set(fixes)), block
    value = "write 'Indie a Kazachstán potvrdily zájem"
    assert sum(value in l for l in listing) == 1
    line = next(l for l in listing if value in l)
    assert line.lstrip().startswith("5:30: NL701 ")  # the first damaged run of the description


def test_nothing_fixed_says_so_once(tmp_path):
    write(tmp_path, article_text())
    for args in (["--fix", "--show-fixes", "."], ["--fix", "."]):
        proc = run(args, tmp_path)
        assert proc.returncode == 0
        assert "Fixed 0" not in proc.stdout + proc.stderr
        assert proc.stdout.splitlines() == ["No fixes applied.", "All checks passed (1 file)."]


def test_a_folder_without_articles_warns_instead_of_passing(tmp_path):
    (tmp_path / "empty").mkdir()
    (tmp_path / "empty" / "notes.txt").write_text("not an article\n", encoding="utf-8")
    proc = run(["empty"], tmp_path)
    assert proc.returncode == 0  # as ruff: nothing to check is not a problem found
    assert "All checks passed" not in proc.stdout + proc.stderr
    assert proc.stdout == ""
    assert proc.stderr == ("news-lint: warning: no Markdown articles found under empty; "
                           "nothing was checked\n")
    # a machine format still gets its (empty) report: CI steps read or upload it
    proc = run(["--output-format", "json", "empty"], tmp_path)
    assert proc.returncode == 0 and json.loads(proc.stdout) == [] and "warning" in proc.stderr
    proc = run(["--output-format", "sarif", "--output-file", "r.sarif", "empty"], tmp_path)
    assert proc.returncode == 0 and json.loads((tmp_path / "r.sarif").read_text())["runs"]


def test_markdown_that_is_all_skipped_does_not_say_all_checks_passed(tmp_path):
    """Only pages and READMEs: nothing was checked, and the summary says so (exit 0: a commit of
    a README passes the hook), naming the skipped files' count and how to select them."""
    (tmp_path / "README.md").write_text("# Site\n", encoding="utf-8")
    (tmp_path / "about.md").write_text("---\nlayout: page\ntitle: About\n---\nHi.\n",
                                       encoding="utf-8")
    proc = run(["README.md", "about.md"], tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert "All checks passed" not in proc.stdout + proc.stderr
    assert "No articles checked" in proc.stdout and "2 files skipped" in proc.stdout


def test_compiling_word_lists_is_announced_once_on_stderr(tmp_path):
    """The first lost-byte repair compiles wordfreq's lists (a few seconds): when that takes
    over ``NEWS_LINT_NOTE_AFTER`` seconds (default 1; 0 here, so that a fast machine says it
    too) one line on stderr says so, only when it happens; the JSON on stdout stays JSON."""
    seed = REPO / "examples" / "content" / "2025-11-25-india-kazakhstan-strengthen-strategic-ties-at-high.md"
    cache = tmp_path / "xdg"
    cache.mkdir()
    env = {"XDG_CACHE_HOME": str(cache), "NEWS_LINT_LEXICON": "", "NEWS_LINT_NOTE_AFTER": "0"}
    args = ["--no-cache", "-q", "--output-format", "json", str(seed)]
    first = run(args, tmp_path, env)
    assert first.returncode == 1, first.stderr
    assert json.loads(first.stdout)
    notes = [l for l in first.stderr.splitlines() if "compiling word lists" in l]
    lexicon = cache / "news-lint" / "lexicon-v5.sqlite3"
    assert len(notes) == 1 and notes[0].startswith("news-lint: compiling word lists for cs (once per machine")
    assert str(lexicon) in notes[0]
    assert lexicon.is_file()
    second = run(args, tmp_path, env)
    assert second.returncode == 1 and json.loads(second.stdout) == json.loads(first.stdout)
    assert "compiling" not in second.stderr
