"""A catalogue of bad inputs. Each gets a clear diagnostic (``unreadable-file`` or a more
specific rule) at a useful position, and the run carries on with the other files.

Covered elsewhere, not repeated here: a Latin-1 file read with a guessed encoding (`not-utf8`),
the bad byte's line:column in an undecodable file, a BOM followed by invalid UTF-8, NUL bytes
after a BOM and the empty file's position (tests/test_cli.py::test_unreadable_files_are_reported_at_the_bad_byte);
a read-only file under --fix (tests/test_fixes.py); composing alias bombs, python tags and deep
flow nesting (tests/test_document.py). Writing (symlinks, stale temporary files, files changed
meanwhile) is in tests/test_crash_safety.py."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import pytest

import mdlint_news
from mdlint_news import runner
from mdlint_news.config import ConfigResolver, FileConfig, Settings
from mdlint_news.discovery import discover

from support import ARTICLE_NAME, article_text

GOOD = "2025-12-01-apple-ships-new-thing.md"


def _bomb(flow_json: bool = False) -> str:
    """Billion laughs: 9 levels of 9 aliases. ``flow_json`` writes it as JSON-style flow YAML
    (`{"b":&b {"k0":*a, ...}}`), where no blank precedes `&` or `*`."""
    if flow_json:
        parts = ['"a":&a {' + ",".join(f'"x{j}":"lol"' for j in range(9)) + "}"]
        for i in range(1, 9):
            p, c = chr(96 + i), chr(97 + i)
            parts.append(f'"{c}":&{c} {{' + ",".join(f'"k{j}":*{p}' for j in range(9)) + "}")
        return "---\n{" + ",".join(parts) + "}\n---\nBody\n"
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for i in range(1, 9):
        p, c = chr(96 + i), chr(97 + i)
        lines.append(f"{c}: &{c} [{','.join(['*' + p] * 9)}]")
    return "---\n" + "\n".join(lines) + "\n---\nBody\n"


def _deep_block(levels: int) -> str:
    return "---\n" + "".join(f"{'  ' * i}k{i}:\n" for i in range(levels)) + f"{'  ' * levels}v\n---\n"


# name -> (bytes, rule expected, a fragment of its message, (line, column) or None)
CATALOGUE: dict[str, tuple[bytes, str, str, tuple[int, int] | None]] = {
    "empty.md": (b"", "unreadable-file", "file is empty", (1, 1)),
    "whitespace.md": (b"  \n\n\t\n", "unreadable-file", "empty (whitespace only)", (1, 1)),
    "binary.md": (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "unreadable-file", "binary file", (3, 1)),
    "unterminated.md": (b"---\ntitle: x\nlayout: tech_news_article\n\nBody text\n", "yaml-syntax",
                        "front matter is not closed", (1, 1)),
    "bomb.md": (_bomb().encode(), "yaml-alias", "anchors and aliases are not allowed", (2, 4)),
    # found by the fuzzer's review: JSON-style flow YAML has no blank before '&' and '*'; this
    # took 53 s at 6 levels (and exponentially more at 9) before the builder refused shared nodes
    "bomb-flow.md": (_bomb(flow_json=True).encode(), "yaml-alias", "aliases are not allowed", None),
    "deep-flow.md": (("---\nk: " + "[" * 100_000 + "]" * 100_000 + "\n---\n").encode(), "yaml-syntax",
                     "", None),
    "deep-block.md": (_deep_block(40).encode(), "yaml-syntax", "nested deeper than 32 levels", None),
    "python-object.md": (b"---\ntitle: !!python/object:os.system ['echo hi']\n---\n", "yaml-syntax",
                         "unsupported YAML tag 'tag:yaml.org,2002:python/object:os.system'", (2, 8)),
    "python-name.md": (b"---\ntitle: !!python/name:os.system\n---\n", "yaml-syntax", "unsupported YAML tag", (2, 8)),
    "custom-tag.md": (b"---\ntitle: !secret x\n---\n", "yaml-syntax", "unsupported YAML tag '!secret'", (2, 8)),
    # explicit core tags with values they do not fit: PyYAML raised KeyError/AttributeError here
    "bad-bool.md": (b"---\ntitle: !!bool maybe\n---\n", "yaml-syntax", "'maybe' is not a valid bool", (2, 8)),
    "bad-timestamp.md": (b"---\ndate: !!timestamp garbage\n---\n", "yaml-syntax",
                         "'garbage' is not a valid timestamp", (2, 7)),
    # a collection tag on a plain value: PyYAML built an empty dict, and the quoting fix of
    # yaml-implicit-type then "fixed" the URL into a relative one (found by the fuzzer)
    "tag-mismatch.md": (b"---\nurlToImageBackup: !!map xhttps://s.co/a.jpg\n---\n", "yaml-syntax",
                        "YAML tag 'map' does not fit a scalar", (2, 19)),
    "bad-int.md": (b"---\nimportance: !!int abc\n---\n", "yaml-syntax", "cannot read value", (2, 13)),
    # a lone surrogate in UTF-16 with a BOM: undecodable, said so
    "surrogate-utf16.md": (b"\xff\xfe" + "---\ntitle: a".encode("utf-16-le") + b"\x00\xd8a\x00",
                           "unreadable-file", "not valid UTF-16-LE despite its byte-order mark", (2, 9)),
    # a NUL character in UTF-16: binary, as a NUL byte is in UTF-8; --fix used to try to write
    # it as UTF-8 and refuse its own result (found by the fuzzer)
    "nul-utf16.md": (b"\xff\xfe" + "---\ntitle: a\x00\n---\n".encode("utf-16-le"),
                     "unreadable-file", "binary file (contains NUL characters)", (2, 9)),
}


def _located(d: dict) -> tuple[int, int]:
    return d["line"], d["column"]


@pytest.fixture(scope="module")
def catalogue_run(tmp_path_factory):
    """One run of the command line over every bad input, a good article, and the special files
    (a folder named x.md, a symlink loop, a dangling symlink, a FIFO, a huge sparse file)."""
    root = tmp_path_factory.mktemp("bad")
    for name, (data, *_rest) in CATALOGUE.items():
        (root / name).write_bytes(data)
    (root / GOOD).write_text(article_text(), encoding="utf-8")
    (root / "dir.md").mkdir()
    (root / "dir.md" / "inner.md").write_text("layout: tech_news_article\n# no front matter\n", encoding="utf-8")
    os.symlink("loop.md", root / "loop.md")
    os.symlink("nothing-here.md", root / "dangling.md")
    os.mkfifo(root / "fifo.md")
    with open(root / "huge.md", "wb") as fh:  # 4 GB, sparse: reading it would take minutes
        fh.truncate(4 * 1024 ** 3)
    explicit = ["dir.md", "loop.md", "dangling.md"]
    env = {**os.environ, "NO_COLOR": "1", "PYTHONIOENCODING": "utf-8"}
    t0 = time.monotonic()
    proc = subprocess.run([sys.executable, "-m", "mdlint_news", "--no-cache", "--output-format",
                           "json", ".", *explicit], cwd=root, capture_output=True, env=env, timeout=120)
    took = time.monotonic() - t0
    assert "Traceback" not in proc.stderr.decode(), proc.stderr.decode()
    items = json.loads(proc.stdout)
    by_path: dict[str, list[dict]] = {}
    for d in items:
        by_path.setdefault(d["path"], []).append(d)
    return by_path, proc, took


@pytest.mark.parametrize("name", sorted(CATALOGUE))
def test_catalogue_entry_gets_a_clear_diagnostic(catalogue_run, name):
    by_path, _, _ = catalogue_run
    _, rule, fragment, where = CATALOGUE[name]
    found = [d for d in by_path.get(name, []) if d["name"] == rule and fragment in d["message"]]
    assert found, (name, [(d["name"], d["message"]) for d in by_path.get(name, [])])
    if where is not None:
        assert _located(found[0]) == where, found[0]
    assert not [d for d in by_path.get(name, []) if d["name"] == "internal-error"]


@pytest.mark.parametrize("name, fragment", [
    ("dir.md", "is a directory"),  # given explicitly; walked into when met while walking
    ("loop.md", "Too many levels of symbolic links"),
    ("dangling.md", "broken symbolic link (to 'nothing-here.md')"),
    ("fifo.md", "not a regular file"),  # reading a FIFO would block forever
    ("huge.md", "4,294,967,296 bytes, over the 5,000,000-byte limit"),
])
def test_special_files_are_reported_not_read(catalogue_run, name, fragment):
    by_path, _, _ = catalogue_run
    (d,) = by_path[name]
    assert d["name"] == "unreadable-file" and fragment in d["message"], d
    assert _located(d) == (1, 1)


def test_the_run_carries_on_and_is_quick(catalogue_run):
    by_path, proc, took = catalogue_run
    assert proc.returncode == 1  # problems, but no internal error (that would be 2)
    assert GOOD not in by_path, by_path.get(GOOD)  # the good article, linted, is clean
    # the folder named dir.md is walked into when met while walking
    assert [d["name"] for d in by_path["dir.md/inner.md"]] == ["frontmatter-missing"]
    assert not [d for ds in by_path.values() for d in ds if d["name"] == "internal-error"]
    assert took < 60, f"the catalogue took {took:.1f} s"  # no bomb exploded, no file read whole


REAL = Path(__file__).resolve().parents[1] / "examples" / "content" / \
    "2025-12-01-real-apple-support-emails-used-in-new-phishing-sca.md"


@pytest.mark.parametrize("bad", [b"\xff", b"\xed\xa0\x80"], ids=["0xFF", "utf8-surrogate"])
def test_invalid_utf8_in_the_middle_of_a_real_article_is_unreadable_at_the_byte(tmp_path, bad):
    """One bad byte (or a UTF-8-encoded lone surrogate) in a long valid UTF-8 article: no
    single-byte encoding fits the rest, so the file is unreadable, reported at the byte."""
    data = REAL.read_bytes()
    i = data.index("zneužívá".encode())
    (tmp_path / REAL.name).write_bytes(data[:i + 3] + bad + data[i + 3:])
    (d,) = mdlint_news.lint_paths([tmp_path / REAL.name])
    assert d.name == "unreadable-file" and f"byte 0x{bad[0]:02X}" in d.message, d.message
    line = data[:i].count(b"\n") + 1
    col = len(data[data.rfind(b"\n", 0, i) + 1:i + 3].decode()) + 1
    assert (d.line, d.column) == (line, col)


def test_invalid_utf8_that_a_code_page_fits_is_read_guessed_and_fixed_back(tmp_path):
    """In a short article the same bad byte lets charset-normalizer guess cp1250: reported as
    not-utf8 (with the guess said), and --fix writes the text back as UTF-8 with every Czech
    letter repaired (the UTF-8 read as cp1250 is mojibake, repaired losslessly); only the stray
    byte remains, as the character cp1250 gives it, for heading-variant to point at."""
    original = article_text().encode()
    path = tmp_path / ARTICLE_NAME
    path.write_bytes(original.replace(b"Podrob", b"Podrob\xff", 1))
    names = {d.name for d in mdlint_news.lint_paths([path])}
    assert "not-utf8" in names and "unreadable-file" not in names
    result = runner.process_file(path, Settings(), ARTICLE_NAME, fix=True)
    assert result.changed and not [d for d in result.diagnostics if d.name == "internal-error"]
    assert path.read_bytes() == original.replace(b"Podrob", "Podrob\u02d9".encode(), 1)


def test_front_matter_with_no_body(cli, tmp_path):
    text = article_text(body="")  # the closing '---' and nothing after, not even a newline
    text = text[:-1] if text.endswith("\n") else text
    (tmp_path / ARTICLE_NAME).write_text(text, encoding="utf-8")
    proc = cli("--output-format", "json", "--no-cache", ARTICLE_NAME)
    names = {d["name"] for d in json.loads(proc.stdout)}
    assert proc.returncode == 1, proc.stderr
    assert "missing-section" in names and "footer-missing" in names
    assert not names & {"yaml-syntax", "internal-error", "unreadable-file"}
    fixed = mdlint_news.fix_text(text, path=ARTICLE_NAME)
    assert fixed.error is None and fixed.text.startswith(text)


def test_lone_surrogates_through_the_python_api():
    text = article_text(title="Apple vydal\ud800 novou věc", body="\n## Souhrn\nx\udcff y\n")
    found = mdlint_news.lint_text(text, path=ARTICLE_NAME)
    assert not [d for d in found if d.name == "internal-error"]
    result = mdlint_news.fix_text(text, path=ARTICLE_NAME)
    assert result.error is None and "\ud800" in result.text  # kept: not ours to guess


def test_ten_megabyte_line_with_a_raised_size_limit(tmp_path):
    """One 10 MB line (the limit raised to 20 MB): linear time, and fixed like any other."""
    (tmp_path / ".news-lint.toml").write_text("max-file-size = 20_000_000\n")
    line = ("## " + "slovo &amp; další " * 600_000)[:10_000_000]
    body = "\n## Souhrn\n" + line + "\n"
    (tmp_path / ARTICLE_NAME).write_text(article_text(body=body), encoding="utf-8")
    settings = ConfigResolver().for_path(tmp_path / ARTICLE_NAME)
    assert settings.file.max_file_size == 20_000_000
    t0 = time.monotonic()
    result = runner.process_file(tmp_path / ARTICLE_NAME, settings, ARTICLE_NAME, fix=True)
    took = time.monotonic() - t0
    assert not [d for d in result.diagnostics if d.name in ("internal-error", "unreadable-file")]
    assert took < 30, f"{took:.1f} s for one 10 MB line"
    # the default limit refuses it without reading it
    result = runner.process_file(tmp_path / ARTICLE_NAME, Settings(), ARTICLE_NAME)
    (d,) = result.diagnostics
    assert d.name == "unreadable-file" and "over the 5,000,000-byte limit" in d.message


def test_max_file_size_is_configurable_and_validated(tmp_path):
    (tmp_path / ".news-lint.toml").write_text("max-file-size = 100\n")
    (tmp_path / "a.md").write_text(article_text(), encoding="utf-8")
    (d,) = mdlint_news.lint_paths([tmp_path / "a.md"])
    assert d.name == "unreadable-file" and "over the 100-byte limit" in d.message
    with pytest.raises(Exception, match="greater than 0"):
        FileConfig.model_validate({"max-file-size": 0})


def test_file_deleted_between_discovery_and_reading(tmp_path):
    """Discovery lists the files; one is deleted before it is read (the real pipeline, no mock):
    it is reported, the others are linted."""
    for name in ("a.md", "b.md", "c.md"):
        (tmp_path / name).write_text(article_text(), encoding="utf-8")
    files = [Path(f) for f in discover([str(tmp_path)], ConfigResolver())]
    assert [f.name for f in files] == ["a.md", "b.md", "c.md"]
    (tmp_path / "b.md").unlink()
    results = [runner.process_file(f, Settings(), f.name, fix=True) for f in files]
    assert [len(r.diagnostics) > 0 for r in results] == [True, True, True]  # a, c: filename rule
    (gone,) = results[1].diagnostics
    assert gone.name == "unreadable-file" and "disappeared" in gone.message
    assert all(d.name == "filename-mismatch" for r in (results[0], results[2]) for d in r.diagnostics)


def test_file_deleted_while_a_run_reads_the_tree(tmp_path):
    """A thread deletes files while lint_paths walks and reads the same tree: whatever the
    timing, every file is either linted or reported as gone; nothing raises."""
    for i in range(200):
        (tmp_path / f"{i:03d}.md").write_text(article_text(), encoding="utf-8")
    names = sorted(p.name for p in tmp_path.iterdir())

    def delete():
        for name in reversed(names):
            (tmp_path / name).unlink()
            time.sleep(0.0005)

    t = threading.Thread(target=delete)
    t.start()
    found = mdlint_news.lint_paths([tmp_path])
    t.join()
    assert not [d for d in found if d.name == "internal-error"]
    # 200 copies of one article: the ones still there when compared are duplicates of each other
    assert {d.name for d in found} <= {"filename-mismatch", "unreadable-file", "duplicate-slug",
                                       "duplicate-url", "duplicate-title"}
    assert all("disappeared" in d.message for d in found if d.name == "unreadable-file")


# --------------------------------------------------------------------------- permissions


def _as_nobody() -> list[str]:
    """A command prefix that runs as an unprivileged user, or skip with the reason."""
    if os.geteuid() != 0:
        return []  # already unprivileged: permissions apply as they are
    setpriv = shutil.which("setpriv")
    if setpriv is None:
        pytest.skip("running as root without setpriv: root reads every file, so a permission "
                    "test would prove nothing")
    prefix = [setpriv, "--reuid=65534", "--regid=65534", "--clear-groups"]
    probe = subprocess.run([*prefix, sys.executable, "-c", "import mdlint_news"],
                           capture_output=True, timeout=60)
    if probe.returncode != 0:
        pytest.skip(f"cannot run news-lint as nobody here: {probe.stderr.decode()[-200:]}")
    return prefix


@pytest.fixture
def world_readable_dir():
    """A folder every user can enter (pytest's tmp_path is private to root)."""
    folder = Path(tempfile.mkdtemp(prefix="news-lint-perm-"))
    os.chmod(folder, 0o755)
    yield folder
    shutil.rmtree(folder, ignore_errors=True)


def test_file_without_read_permission(world_readable_dir):
    prefix = _as_nobody()
    (world_readable_dir / ARTICLE_NAME).write_text(article_text(), encoding="utf-8")
    secret = world_readable_dir / "2025-12-01-secret.md"
    secret.write_text(article_text(), encoding="utf-8")
    os.chmod(secret, 0o200)  # write-only: nobody else can read it
    env = {**os.environ, "NO_COLOR": "1", "PYTHONIOENCODING": "utf-8"}
    proc = subprocess.run([*prefix, sys.executable, "-m", "mdlint_news", "--no-cache",
                           "--output-format", "json", str(world_readable_dir)],
                          capture_output=True, env=env, timeout=60, cwd=world_readable_dir)
    assert "Traceback" not in proc.stderr.decode(), proc.stderr.decode()
    items = json.loads(proc.stdout)
    assert [(Path(d["path"]).name, d["name"], d["message"]) for d in items] == \
        [(secret.name, "unreadable-file", "cannot read: Permission denied")]
    assert proc.returncode == 1


def test_fix_of_a_file_its_user_may_not_write(world_readable_dir):
    """Not root's bypass: a real user's --fix on a file it can read but not write is reported,
    the file is untouched, and no temporary file is left in the folder it cannot write either."""
    prefix = _as_nobody()
    path = world_readable_dir / ARTICLE_NAME
    path.write_text(article_text(date="'2025-12-01 18:27:21'"), encoding="utf-8")  # an hour off
    os.chmod(path, 0o644)
    before = path.read_bytes()
    env = {**os.environ, "NO_COLOR": "1", "PYTHONIOENCODING": "utf-8"}
    proc = subprocess.run([*prefix, sys.executable, "-m", "mdlint_news", "--no-cache", "--fix",
                           "--output-format", "concise", ARTICLE_NAME],
                          capture_output=True, env=env, timeout=60, cwd=world_readable_dir)
    out = proc.stdout.decode()
    assert proc.returncode == 1 and "read-only; not fixed" in out, out + proc.stderr.decode()
    assert path.read_bytes() == before
    assert sorted(p.name for p in world_readable_dir.iterdir()) == [ARTICLE_NAME]
