"""Editors and terminals: text piped through ``--stdin-filename NAME -`` (linted as NAME, with
NAME's configuration; ``--fix`` writes the fixed text to standard output), and colour as
``--color``, ``NO_COLOR`` and ``FORCE_COLOR`` ask, checked on a real pseudo-terminal."""

from __future__ import annotations

import json
import os
import pty
import subprocess
import sys
from pathlib import Path

from support import ARTICLE_NAME, article_text

HOUR_OFF = article_text(date="'2025-12-01 18:27:21'")
NAME = "content/2025-12-01-not-the-slug.md"  # filename-mismatch, unless content's config ignores it
COLOR_VARS = ("NO_COLOR", "FORCE_COLOR", "GITHUB_ACTIONS", "CLICOLOR_FORCE")


def _env(extra: dict | None = None) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in COLOR_VARS}
    env.update(extra or {})
    return env


def run(args, cwd, stdin: str | bytes = "", env=None):
    data = stdin.encode("utf-8") if isinstance(stdin, str) else stdin
    proc = subprocess.run([sys.executable, "-m", "mdlint_news", *args], cwd=cwd, env=_env(env),
                          input=data, capture_output=True)
    return proc.returncode, proc.stdout.decode("utf-8"), proc.stderr.decode("utf-8")


def site(tmp_path: Path) -> Path:
    """A site (not a repository): its root config selects everything; content/ has its own."""
    root = tmp_path / "site"
    (root / "content").mkdir(parents=True)
    (root / ".news-lint.toml").write_text('select = ["ALL"]\n', encoding="utf-8")
    (root / "content" / ".news-lint.toml").write_text(
        'ignore = ["filename-mismatch"]\nmax-file-size = 4000\n', encoding="utf-8")
    return root


def test_stdin_is_linted_as_the_given_name_with_its_configuration(tmp_path):
    root = site(tmp_path)
    code, out, err = run(["--stdin-filename", NAME, "-"], root, HOUR_OFF)
    assert code == 1, err
    lines = out.splitlines()
    assert lines[0].startswith(f"{NAME}:6:7: NL302 [*] date '2025-12-01 18:27:21' differs")
    assert "NL503" not in out  # content/.news-lint.toml ignores filename-mismatch
    assert "Found 1 problem" in out
    assert not (root / NAME).exists()
    # the same name as a path resolves the same configuration; the root's would report NL503
    (root / "elsewhere").mkdir()
    code, out, _ = run(["--stdin-filename", "elsewhere/2025-12-01-not-the-slug.md", "-"], root,
                       HOUR_OFF)
    assert "NL503" in out


def test_stdin_filename_alone_reads_stdin(tmp_path):
    root = site(tmp_path)
    code, out, err = run(["--stdin-filename", NAME], root, HOUR_OFF)
    assert code == 1 and out.startswith(f"{NAME}:6:7: NL302"), err


def test_stdin_fix_writes_the_fixed_text_to_stdout_and_reports_on_stderr(tmp_path):
    root = site(tmp_path)
    code, out, err = run(["--fix", "--stdin-filename", NAME, "-"], root, HOUR_OFF)
    assert code == 0, err
    assert out == article_text()  # exactly the fixed text, nothing else
    assert "Fixed 1 problem in 1 file." in err
    assert not (root / NAME).exists()
    # nothing to fix: the text as it came
    code, out, err = run(["--fix", "--stdin-filename", NAME, "-"], root, article_text())
    assert code == 0 and out == article_text()
    # a problem that remains: reported on stderr, exit 1, the text still on stdout
    broken = HOUR_OFF.replace("importance: 3", "importance: 9")
    code, out, err = run(["--fix", "--stdin-filename", NAME, "-"], root, broken)
    assert code == 1 and out == broken.replace("18:27:21'\n", "17:27:21'\n", 1)
    assert f"{NAME}:" in err


def test_stdin_fix_keeps_crlf_line_ends(tmp_path):
    root = site(tmp_path)
    code, out, err = run(["--fix", "--stdin-filename", NAME, "-"], root,
                         HOUR_OFF.replace("\n", "\r\n").encode("utf-8"))
    assert code == 0, err
    assert out.replace("\r\n", "\n") == article_text() and "\r\n" in out


def test_stdin_diff_shows_the_change_under_the_name(tmp_path):
    root = site(tmp_path)
    code, out, err = run(["--diff", "--stdin-filename", NAME, "-"], root, HOUR_OFF)
    assert code == 1, err
    assert f"--- {NAME}" in out and "-date: '2025-12-01 18:27:21'" in out
    assert "+date: '2025-12-01 17:27:21'" in out


def test_stdin_over_the_size_limit_is_not_read(tmp_path):
    root = site(tmp_path)
    big = HOUR_OFF + "\nDalší odstavec textu.\n" * 400  # over content's 4000 bytes
    code, out, err = run(["--stdin-filename", NAME, "-"], root, big)
    assert code == 1
    assert "max-file-size" in out and "NL302" not in out
    code, out, err = run(["--fix", "--stdin-filename", NAME, "-"], root, big)
    assert out == big  # not fixed, given back as it came: an editor's buffer is never emptied


def test_dash_is_stdin_even_when_a_file_is_named_dash(tmp_path):
    # an article whose front matter lines are lost: linted (NL101), not skipped as a page
    (tmp_path / "-").write_text("layout: tech_news_article\nnot an article at all\n", encoding="utf-8")
    code, out, err = run(["-"], tmp_path, HOUR_OFF)
    assert code == 1, err
    assert out.startswith("-:6:7: NL302"), out  # stdin, reported as "-"
    code, out, err = run(["--", "./-"], tmp_path, HOUR_OFF)  # the file, by its path
    assert "NL101" in out and "NL302" not in out  # (not an article: no front matter)


def test_dash_with_other_paths_is_a_usage_error(tmp_path):
    (tmp_path / ARTICLE_NAME).write_text(HOUR_OFF, encoding="utf-8")
    code, out, err = run(["-", ARTICLE_NAME], tmp_path, HOUR_OFF)
    assert code == 2 and "standard input" in err
    code, out, err = run(["--stdin-filename", "a.md", ARTICLE_NAME], tmp_path, HOUR_OFF)
    assert code == 2 and "--stdin-filename" in err


def test_help_says_dash_is_stdin():
    code, out, _ = run(["--help"], ".")
    assert code == 0 and "--stdin-filename" in out and "- is standard input" in out
    assert "--color" in out


# --- colour ----------------------------------------------------------------------------------

ESC = "\033["


def on_tty(args, cwd, env=None) -> str:
    """Run with standard output on a pseudo-terminal; what the terminal received."""
    master, slave = pty.openpty()
    proc = subprocess.Popen([sys.executable, "-m", "mdlint_news", *args], cwd=cwd, env=_env(env),
                            stdin=subprocess.DEVNULL, stdout=slave, stderr=subprocess.PIPE)
    os.close(slave)
    chunks = []
    while True:
        try:
            data = os.read(master, 65536)
        except OSError:  # the other side closed (Linux: EIO)
            break
        if not data:
            break
        chunks.append(data)
    proc.wait(timeout=120)
    os.close(master)
    assert proc.returncode == 1, proc.stderr.read()
    return b"".join(chunks).decode("utf-8", "replace")


def piped(args, cwd, env=None) -> str:
    code, out, err = run(args, cwd, "", env)
    assert code == 1, err
    return out


def test_color_auto_on_a_terminal_not_in_a_pipe(tmp_path):
    (tmp_path / ARTICLE_NAME).write_text(HOUR_OFF, encoding="utf-8")
    args = ["--output-format", "full", "."]
    tty = on_tty(args, tmp_path)
    assert "NL302" in tty and ESC in tty
    assert ESC in on_tty(["--color", "auto", *args], tmp_path)
    assert ESC in on_tty(args, tmp_path, {"NO_COLOR": ""})  # empty: not set
    out = piped(args, tmp_path)
    assert "NL302" in out and ESC not in out
    assert ESC in on_tty(["."], tmp_path)  # the default format on a terminal


def test_color_precedence_flag_then_no_color_then_force_color(tmp_path):
    (tmp_path / ARTICLE_NAME).write_text(HOUR_OFF, encoding="utf-8")
    args = ["--output-format", "full", "."]
    assert ESC not in on_tty(args, tmp_path, {"NO_COLOR": "1"})
    assert ESC not in on_tty(["--color", "never", *args], tmp_path)
    assert ESC not in on_tty(["--color", "never", *args], tmp_path, {"FORCE_COLOR": "1"})
    assert ESC in piped(args, tmp_path, {"FORCE_COLOR": "1"})
    assert ESC not in piped(args, tmp_path, {"FORCE_COLOR": "1", "NO_COLOR": "1"})
    assert ESC in piped(["--color", "always", *args], tmp_path, {"NO_COLOR": "1"})
    assert ESC in piped(["--color", "always", "--output-format", "concise", "."], tmp_path)


def test_color_never_reaches_machine_formats(tmp_path):
    (tmp_path / ARTICLE_NAME).write_text(HOUR_OFF, encoding="utf-8")
    out = piped(["--color", "always", "--output-format", "json", "."], tmp_path)
    assert ESC not in out and json.loads(out)


# --- red team 7, 11: the baseline, --force-exclude and skipping apply to NAME ------------------

LEAKY = article_text(body="\n## Souhrn\nHere is the translation of the article.\n")


def test_stdin_uses_the_baseline_of_its_name(tmp_path):
    root = tmp_path / "site"
    (root / "content").mkdir(parents=True)
    (root / "content" / ARTICLE_NAME).write_text(LEAKY, encoding="utf-8")
    name = f"content/{ARTICLE_NAME}"
    code, out, err = run(["--stdin-filename", name, "-"], root, LEAKY)
    assert code == 1, out
    n = len([line for line in out.splitlines() if line.startswith(name + ":")])
    assert n >= 1
    code, _, err = run(["--baseline", "b.json", "--update-baseline", "content"], root)
    assert code == 0, err
    code, out, err = run(["--baseline", "b.json", "--stdin-filename", name, "-"], root, LEAKY)
    assert code == 0, out + err
    assert f"{n} problem{'s' if n > 1 else ''} hidden by the baseline" in out
    # the configuration's `baseline` key, too
    (root / ".news-lint.toml").write_text('baseline = "b.json"\n', encoding="utf-8")
    code, out, err = run(["--stdin-filename", name, "-"], root, LEAKY)
    assert code == 0 and "hidden by the baseline" in out, out + err
    # a new problem is still reported
    code, out, err = run(["--stdin-filename", name, "-"], root, HOUR_OFF.replace(
        "Protože na tom záleží.", "Here is the translation of the article."))
    assert code == 1 and "NL302" in out, out


def test_stdin_force_exclude_lints_nothing(tmp_path):
    (tmp_path / ".news-lint.toml").write_text('extend-exclude = ["drafts"]\n', encoding="utf-8")
    name = f"drafts/{ARTICLE_NAME}"
    code, out, err = run(["--stdin-filename", name, "-"], tmp_path, HOUR_OFF)
    assert code == 1 and "NL302" in out  # named: linted, as a path would be
    code, out, err = run(["--force-exclude", "--stdin-filename", name, "-"], tmp_path, HOUR_OFF)
    assert (code, out) == (0, ""), (out, err)  # as ruff: nothing linted, nothing said
    code, out, err = run(["--force-exclude", "--fix", "--stdin-filename", name, "-"], tmp_path,
                         HOUR_OFF)
    assert (code, out) == (0, HOUR_OFF), err  # the text back, unchanged


def test_stdin_that_is_no_article_is_reported_skipped(tmp_path):
    code, out, err = run(["-"], tmp_path, "# README\n\nSome text.\n")
    assert code == 0, err
    assert "All checks passed" not in out, out
    assert "No articles checked." in out and "1 file skipped" in out, out
    code, out, err = run(["--stdin-filename", "README.md", "-"], tmp_path,
                         "---\nlayout: page\ntitle: About\n---\n\nAbout us.\n")
    assert code == 0 and "All checks passed" not in out and "1 file skipped" in out, out
    code, out, err = run(["--fix", "--stdin-filename", "README.md", "-"], tmp_path, "# README\n")
    assert code == 0 and out == "# README\n" and "1 file skipped" in err, (out, err)


def test_update_baseline_with_stdin_is_a_usage_error(tmp_path):
    for args in (["--baseline", "b.json", "--update-baseline", "-"],
                 ["--baseline", "b.json", "--update-baseline", "--stdin-filename", ARTICLE_NAME]):
        code, out, err = run(args, tmp_path, HOUR_OFF)
        assert code == 2, (out, err)
        assert "--update-baseline is not supported with standard input" in err, err
        assert not (tmp_path / "b.json").exists()
