"""Untrusted names and text on the command line and in every output format (issue 14, items 1,
11, 13): file names that look like options stay paths; names that are not UTF-8, paths over
PATH_MAX and unexpected errors never end in a traceback; control characters from articles and
file names are rendered visibly, and every format stays valid."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path
from xml.etree import ElementTree as ET

import jsonschema
import pytest
from junitparser import JUnitXml

from support import ARTICLE_NAME, VALID_BODY, article_text, run_many

SARIF_SCHEMA = json.loads((Path(__file__).parent / "data" / "sarif-schema-2.1.0.json")
                          .read_text("utf-8"))
FORMATS = ("full", "concise", "json", "json-lines", "github", "gitlab", "sarif", "junit")
# what must never reach a terminal or a log raw: C0 but tab and newline, DEL, C1, bidi controls,
# line/paragraph separators, lone surrogates (undecodable bytes of a file name)
UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e"
                    "\u2066-\u2069\ud800-\udfff]")


def run(*args, cwd: Path, env: dict | None = None) -> subprocess.CompletedProcess:
    """The real command line; output kept as bytes (checked for what reaches a terminal)."""
    full_env = {**os.environ, "PYTHONIOENCODING": "utf-8", "NO_COLOR": "1", **(env or {})}
    full_env.pop("GITHUB_ACTIONS", None)
    return subprocess.run([sys.executable, "-m", "mdlint_news", *args], cwd=cwd,
                          capture_output=True, env=full_env, timeout=120)


def no_traceback(proc: subprocess.CompletedProcess) -> str:
    err = proc.stderr.decode("utf-8")
    assert "Traceback" not in err, err
    return err


# --------------------------------------------------------------------------- item 1

OPTION_NAMES = ("--output-file=README.md", "--config=x.md", "--cache-dir=cache.md", "--fix.md",
                "--fix=x.md", "-j1.md", "--output-format=json.md")
README = b"# Project readme: must survive\n"


def test_file_names_that_look_like_options_are_linted_as_paths(tmp_path):
    (tmp_path / "README.md").write_bytes(README)
    for name in OPTION_NAMES:
        (tmp_path / name).write_text("layout: tech_news_article\n# no front matter\n", encoding="utf-8")
    (tmp_path / "--config=folder").mkdir()
    (tmp_path / "--config=folder" / "a.md").write_text("layout: tech_news_article\n# no front matter\n", encoding="utf-8")
    for entry in ([], ["--fix", "--show-fixes", "--exit-non-zero-on-fix"]):  # both hooks
        proc = run(*entry, *OPTION_NAMES, "--config=folder", cwd=tmp_path)
        err = no_traceback(proc)
        assert proc.returncode == 1, (proc.stdout, err)
        out = proc.stdout.decode("utf-8")
        for name in (*OPTION_NAMES, "--config=folder/a.md"):
            assert f"{name}:1:1: " in out, (name, out)
        assert (tmp_path / "README.md").read_bytes() == README
        assert not (tmp_path / "cache.md").exists()


def test_double_dash_ends_the_options(tmp_path):
    (tmp_path / "--exit-zero.md").write_text("layout: tech_news_article\n# no front matter\n", encoding="utf-8")
    proc = run("--", "--exit-zero.md", "--no-such.md", cwd=tmp_path)
    err = no_traceback(proc)
    assert proc.returncode == 2  # a path that does not exist
    assert "--no-such.md: no such file or directory" in err
    assert "--exit-zero.md:1:1: " in proc.stdout.decode("utf-8")


def test_an_option_that_names_no_file_is_still_an_option(tmp_path):
    (tmp_path / "a.md").write_text("layout: tech_news_article\n# no front matter\n", encoding="utf-8")
    proc = run("--exit-zero", "--output-format=json", "a.md", cwd=tmp_path)
    assert proc.returncode == 0
    assert json.loads(proc.stdout)[0]["path"] == "a.md"



@pytest.mark.parametrize("word", ["rules", "rule", "schema"])
def test_a_file_named_like_a_subcommand_is_linted(tmp_path, word):
    """A committed file named ``rules`` passed first (a hook with ``files:``, ``find | xargs``)
    used to print the rule list and exit 0: nothing was linted."""
    (tmp_path / word).write_text("layout: tech_news_article\n# no front matter\n", encoding="utf-8")
    (tmp_path / "a.md").write_text("layout: tech_news_article\n# no front matter\n", encoding="utf-8")
    proc = run(word, "a.md", cwd=tmp_path)
    no_traceback(proc)
    out = proc.stdout.decode("utf-8")
    assert proc.returncode == 1, out
    assert f"{word}:1:1: " in out and "a.md:1:1: " in out, out


def test_the_subcommands_still_work_where_no_such_file_exists(tmp_path):
    proc = run("rule", "date-mismatch", cwd=tmp_path)
    assert proc.returncode == 0 and b"date-mismatch" in proc.stdout


def test_a_file_named_double_dash_is_linted(tmp_path):
    """pre-commit passes a committed file named ``--`` like any other; it used to end the
    options silently and was never linted."""
    (tmp_path / "--").write_text("layout: tech_news_article\n# no front matter\n", encoding="utf-8")
    (tmp_path / "a.md").write_text("layout: tech_news_article\n# no front matter\n", encoding="utf-8")
    proc = run("--", "a.md", cwd=tmp_path)
    no_traceback(proc)
    out = proc.stdout.decode("utf-8")
    assert proc.returncode == 1, out
    assert "--:1:1: " in out and "a.md:1:1: " in out, out


# --------------------------------------------------------------------------- item 11


@pytest.fixture
def latin1_name(tmp_path) -> Path:
    """A folder holding a file whose name is not UTF-8 (``caf\\xe9.md``) with one problem."""
    folder = tmp_path / "d"
    folder.mkdir()
    with open(os.fsencode(folder) + b"/caf\xe9.md", "wb") as fh:
        fh.write(article_text(drop=("layout",)).encode("utf-8"))
    return folder


def test_a_file_name_that_is_not_utf8_in_every_format(latin1_name):
    cwd = latin1_name.parent
    jobs = [(("--no-cache", "--exit-zero", "-q", "--output-format", fmt, "--output-file",
              f"out.{fmt}", "d"), cwd) for fmt in FORMATS]
    for fmt, proc in zip(FORMATS, run_many(jobs)):
        assert proc.returncode == 0 and "Traceback" not in proc.stderr, (fmt, proc.stderr)
        text = (cwd / f"out.{fmt}").read_bytes().decode("utf-8")  # valid UTF-8
        assert not UNSAFE.search(text), fmt
        if fmt == "sarif":
            log = json.loads(text)
            jsonschema.validate(log, SARIF_SCHEMA)
            uri = log["runs"][0]["results"][0]["locations"][0]["physicalLocation"][
                "artifactLocation"]["uri"]
            assert uri == "d/caf%E9.md"  # the file's very bytes, percent-encoded
        elif fmt in ("json", "gitlab", "json-lines"):
            for chunk in (text.splitlines() if fmt == "json-lines" else [text]):
                json.loads(chunk)
            assert "d/caf\\\\xe9.md" in text  # JSON text of the visible name d/caf\xe9.md
        elif fmt == "junit":
            ET.fromstring(text)
            assert 'name="d/caf\\xe9.md"' in text
        else:
            assert "d/caf\\xe9.md" in text, (fmt, text)


def test_a_file_name_that_is_not_utf8_with_the_cache(latin1_name):
    """The cache may store the name or not; the run never ends in a traceback or exit 1."""
    proc = run("--exit-zero", "d", cwd=latin1_name.parent)
    err = no_traceback(proc)
    assert proc.returncode in (0, 2), err
    if proc.returncode == 2:  # an unexpected error: one line naming the file
        assert err.count("\n") == 1 and "d/caf\\xe9.md" in err, err


def _deep_tree(top: Path) -> None:
    """``top/ddd…/ddd…/…/deep.md``: a path longer than PATH_MAX (made through folder handles)."""
    top.mkdir()
    fd = os.open(top, os.O_RDONLY)
    try:
        for _ in range(25):
            os.mkdir("d" * 200, dir_fd=fd)
            inner = os.open("d" * 200, os.O_RDONLY, dir_fd=fd)
            os.close(fd)
            fd = inner
        out = os.open("deep.md", os.O_WRONLY | os.O_CREAT, dir_fd=fd)
        os.write(out, b"layout: tech_news_article\n# no front matter\n")
        os.close(out)
    finally:
        os.close(fd)


def test_a_path_over_path_max_is_reported_and_the_rest_linted(tmp_path):
    _deep_tree(tmp_path / "top")
    (tmp_path / "top" / "a.md").write_text("layout: tech_news_article\n# no front matter\n", encoding="utf-8")
    proc = run("--no-cache", "top", cwd=tmp_path)
    err = no_traceback(proc)
    assert proc.returncode == 2, err  # not everything could be linted
    assert "top/a.md:1:1: " in proc.stdout.decode("utf-8")
    (line,) = [l for l in err.splitlines() if "File name too long" in l]
    assert line.startswith("news-lint: top/ddd") and "skipped" in line


FAULT = """\
import sys
from mdlint_news import cli, parallel, reporters
where = sys.argv.pop(1)
def boom(*args, **kwargs):
    raise RuntimeError("injected failure\\nsecond line")
if where == "lint":
    parallel.run = boom
elif where == "report":
    cli.get_reporter = lambda name: boom
sys.exit(cli.main())
"""


@pytest.mark.parametrize("where,names", [("lint", "linting a.md"), ("report", "report")])
def test_an_unexpected_error_exits_2_with_one_line(tmp_path, where, names):
    """A fault injected into the real command line (the handler under test runs for real)."""
    (tmp_path / "a.md").write_text("layout: tech_news_article\n# no front matter\n", encoding="utf-8")
    env = {**os.environ, "PYTHONIOENCODING": "utf-8"}
    cmd = [sys.executable, "-c", FAULT, where, "--exit-zero", "--no-cache", "a.md"]
    proc = subprocess.run(cmd, cwd=tmp_path, capture_output=True, text=True, env=env, timeout=120)
    assert proc.returncode == 2, proc.stderr
    assert "Traceback" not in proc.stderr and proc.stderr.count("\n") == 1, proc.stderr
    assert names in proc.stderr and "injected failure\\nsecond line" in proc.stderr
    proc = subprocess.run(cmd, cwd=tmp_path, capture_output=True, text=True, timeout=120,
                          env={**env, "NEWS_LINT_DEBUG": "1"})
    assert proc.returncode == 2 and "Traceback" in proc.stderr


def test_an_unwritable_report_exits_2(tmp_path):
    (tmp_path / "a.md").write_text("layout: tech_news_article\n# no front matter\n", encoding="utf-8")
    proc = run("--no-cache", "--output-file", "/dev/full", "a.md", cwd=tmp_path)
    err = no_traceback(proc)
    assert proc.returncode == 2, err
    assert err.splitlines()[-1] == \
        "news-lint: cannot write the report to /dev/full: No space left on device"


# --------------------------------------------------------------------------- item 13

TITLE = '"\\e]0;pwned\\a Apple \\e[2J \\e]52;c;cHduZWQ=\\a \\x9b31m \\u202e \\x7f"'
SLUG = '"\\e]0;pwned\\a\\e[2J"'  # a slug's message quotes it as it is
DATE = '"\\e]52;c;cHduZWQ=\\a\\x9b31m\\u202e"'
HEADING = "## Souhrn\x1b[2J\rFAKE"
EVIL_NAME = "name\x1b]0;x\x07\nz.md"


@pytest.fixture(scope="module")
def hostile(tmp_path_factory) -> dict[str, tuple[int, str]]:
    """Every format run over articles carrying escape sequences: {format: (exit code, output)}."""
    root = tmp_path_factory.mktemp("hostile")
    body = f"\n{HEADING}\nText.\n"
    (root / ARTICLE_NAME).write_text(article_text(title=TITLE, slug=SLUG, body=body),
                                     encoding="utf-8")
    (root / "other.md").write_text(article_text(title=TITLE, date=DATE), encoding="utf-8")
    (root / "ctl.md").write_bytes(b"---\ntitle: a\x1b]0;pwn\x07b\n---\nbody\n")
    (root / EVIL_NAME).write_text("layout: tech_news_article\n# no front matter\n", encoding="utf-8")
    jobs = [(("--no-cache", "-q", "--output-format", fmt, "."), root) for fmt in FORMATS]
    out = {fmt: (p.returncode, p.stdout, p.stderr) for fmt, p in zip(FORMATS, run_many(jobs))}
    env = {**os.environ, "PYTHONIOENCODING": "utf-8", "FORCE_COLOR": "1"}
    env.pop("NO_COLOR", None)
    p = subprocess.run([sys.executable, "-m", "mdlint_news", "--no-cache", "--output-format",
                        "full", "."], cwd=root, capture_output=True, env=env, timeout=120)
    out["color"] = (p.returncode, p.stdout.decode("utf-8"), p.stderr.decode("utf-8"))
    return out


def _count(hostile) -> int:
    return len(json.loads(hostile["json"][1]))


@pytest.mark.parametrize("fmt", FORMATS)
def test_hostile_text_is_visible_and_the_format_valid(hostile, fmt):
    rc, out, err = hostile[fmt]
    assert rc == 1 and "Traceback" not in err, err
    bad = UNSAFE.search(out)
    assert bad is None, (fmt, out[max(bad.start() - 60, 0):bad.end() + 20])
    n = _count(hostile)
    assert n >= 8
    lines = out.splitlines()
    if fmt in ("concise", "json-lines", "github"):
        assert len(lines) == n, out  # one problem per line
    if fmt in ("json-lines", "json", "gitlab", "sarif"):
        data = [json.loads(l) for l in lines] if fmt == "json-lines" else json.loads(out)
        if fmt == "sarif":
            jsonschema.validate(data, SARIF_SCHEMA)
        if fmt in ("json", "json-lines"):  # JSON keeps the exact characters (escaped by JSON)
            assert any("\x1b]0;pwned\x07\x1b[2J" in d["message"] for d in data)
            assert any("\x1b]52;c;cHduZWQ=\x07\x9b31m\u202e" in d["message"] for d in data)
            assert any(d["path"] == EVIL_NAME for d in data)
    if fmt == "junit":
        ET.fromstring(out)
    if fmt in ("full", "concise", "github", "junit"):  # text: rendered visibly, one convention
        assert "\\x1b]0;pwned\\x07\\x1b[2J" in out and "Souhrn\\x1b[2J\\rFAKE" in out, out
        assert "\\x1b]52;c;cHduZWQ=\\x07\\u009b31m\\u202e" in out
        assert "name\\x1b]0;x\\x07\\nz.md" in out
    if fmt == "full":
        heads = [l for l in lines if re.match(r"^\S.*:\d+:\d+: NL\d{3} ", l)]
        assert len(heads) == n
        assert "## Souhrn\\x1b[2J\\rFAKE" in out  # the source line too


def test_hostile_text_in_colour_keeps_only_our_own_colours(hostile):
    rc, out, _ = hostile["color"]
    assert "\x1b[1;31m" in out  # colour is on
    for ours in ("\x1b[1;31m", "\x1b[1;33m", "\x1b[1;36m", "\x1b[1m", "\x1b[2m", "\x1b[0m",
                 "\x1b[36m"):
        out = out.replace(ours, "")
    assert not UNSAFE.search(out)


def test_junit_of_hostile_text_parses_with_a_junit_parser(hostile, tmp_path):
    report = tmp_path / "report.xml"
    report.write_text(hostile["junit"][1], encoding="utf-8")
    cases = [case for suite in JUnitXml.fromfile(str(report)) for case in suite]
    assert len(cases) == 4 and any("\\x1b" in c.name for c in cases)


def test_names_on_stderr_are_visible(tmp_path):
    proc = run("nope\x1b]0;x\x07.md", cwd=tmp_path)
    err = no_traceback(proc)
    assert proc.returncode == 2
    assert "nope\\x1b]0;x\\x07.md: no such file or directory" in err and "\x1b" not in err


def _on_a_terminal(args, cwd: Path) -> tuple[int, str]:
    """Run the command line with its output on a real pseudo-terminal; (exit code, output)."""
    import pty

    master, slave = pty.openpty()
    env = {**os.environ, "NO_COLOR": "1"}
    proc = subprocess.Popen([sys.executable, "-m", "mdlint_news", *args], cwd=cwd, env=env,
                            stdout=slave, stderr=subprocess.DEVNULL)
    os.close(slave)
    chunks = []
    while True:
        try:
            chunk = os.read(master, 65536)
        except OSError:  # EIO: the other side is closed
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(master)
    return proc.wait(timeout=120), b"".join(chunks).decode("utf-8")


def test_a_diff_on_a_terminal_shows_escape_sequences_visibly(tmp_path):
    """--diff is a patch, exact when piped; a person reading it on a terminal sees escapes."""
    body = VALID_BODY.replace("The Verge\n", "The Verge\x1b]0;pwned\x07\x1b[2J\n")
    (tmp_path / ARTICLE_NAME).write_text(article_text(body=body), encoding="utf-8")
    rc, out = _on_a_terminal(["--no-cache", "--diff", ARTICLE_NAME], tmp_path)
    assert rc == 1 and "-**Zdroj:** 📰 The Verge\\x1b]0;pwned\\x07\\x1b[2J" in out, out
    assert "\x1b" not in out
    piped = run("--no-cache", "--diff", ARTICLE_NAME, cwd=tmp_path)
    assert "The Verge\x1b]0;pwned\x07\x1b[2J\n".encode() in piped.stdout  # exact: for `patch`


def test_show_fixes_names_files_visibly(tmp_path):
    body = VALID_BODY.replace("The Verge\n", "The Verge\x1b]0;pwned\x07\n")
    (tmp_path / "fix\x1b]0;x\x07.md").write_text(article_text(body=body), encoding="utf-8")
    proc = run("--no-cache", "--fix", "--show-fixes", ".", cwd=tmp_path)
    out = proc.stdout.decode("utf-8")
    assert "Fixed fix\\x1b]0;x\\x07.md:" in out and "\x1b" not in out, out
