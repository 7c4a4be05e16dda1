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

from conftest import ARTICLE_NAME, article_text

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
