"""Configuration that fails loudly (issue 15, items 4, 6, 7): ``fail-on`` in the configuration,
TOML syntax errors with their line and column, and every configuration error naming the file,
the key, what is allowed and a suggestion, never Pydantic's raw output nor the value given."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from support import ARTICLE_NAME

SCHEMA_FILE = Path(__file__).resolve().parents[1] / "schemas" / "tech_news_article.yaml"

SECRET = "hunter2-s3cr3t"
RAW_PYDANTIC = ("[type=", "input_value", "pydantic.dev", "Value error,", "Input should")
FUTURE = "2099-12-01-apple-ships-new-thing.md"


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def config_error(cli, tmp_path: Path, valid_article, text: str):
    """Lint an article under a .news-lint.toml of ``text``: a configuration error (exit 2),
    said without Pydantic's raw text."""
    write(tmp_path / ".news-lint.toml", text)
    write(tmp_path / ARTICLE_NAME, valid_article())
    proc = cli(ARTICLE_NAME)
    assert proc.returncode == 2, (proc.stdout, proc.stderr)
    no_raw(proc)
    return proc


def no_raw(proc) -> None:
    for marker in RAW_PYDANTIC:
        assert marker not in proc.stderr, proc.stderr
    assert "Traceback" not in proc.stderr and SECRET not in proc.stderr + proc.stdout


@pytest.fixture
def warning_only(tmp_path, valid_article):
    """An article whose one problem is a warning (future-date)."""
    return write(tmp_path / FUTURE, valid_article(date="'2099-12-01 17:27:21'",
                                                  publishedAt="'2099-12-01T17:27:21+00:00'"))


# --------------------------------------------------------------------------- item 4: fail-on


def test_fail_on_in_the_configuration(cli, tmp_path, warning_only):
    assert cli(FUTURE).returncode == 1  # a warning fails by default
    write(tmp_path / ".news-lint.toml", 'fail-on = "error"\n')
    proc = cli(FUTURE)
    assert proc.returncode == 0, proc.stderr
    assert "NL304" in proc.stdout  # still reported
    assert cli("--fail-on", "warning", FUTURE).returncode == 1  # the command line wins


def test_junit_follows_fail_on_from_the_configuration(cli, tmp_path, warning_only):
    """JUnit's failures agree with the exit code when fail-on comes from the configuration."""
    from junitparser import JUnitXml

    write(tmp_path / ".news-lint.toml", 'fail-on = "error"\n')
    proc = cli("--output-format", "junit", "--output-file", str(tmp_path / "r.xml"), FUTURE)
    assert proc.returncode == 0, proc.stderr
    cases = [case for suite in JUnitXml.fromfile(str(tmp_path / "r.xml")) for case in suite]
    assert cases and all(case.is_passed for case in cases)
    assert "NL304" in (tmp_path / "r.xml").read_text()  # reported, as a note


def test_fail_on_in_pyproject(cli, tmp_path, warning_only):
    write(tmp_path / "pyproject.toml", '[tool.news-lint]\nfail-on = "error"\n')
    assert cli(FUTURE).returncode == 0


def test_fail_on_bad_value_names_the_allowed_ones(cli, tmp_path, warning_only):
    write(tmp_path / ".news-lint.toml", f'fail-on = "{SECRET}"\n')
    proc = cli(FUTURE)
    assert proc.returncode == 2
    no_raw(proc)
    assert "fail-on" in proc.stderr and ".news-lint.toml" in proc.stderr
    assert all(s in proc.stderr for s in ("error", "warning", "info")), proc.stderr


# --------------------------------------------------------------------------- item 6: TOML syntax


@pytest.mark.parametrize("name, text, line, column", [
    ("pyproject.toml", '[project]\nname = "site"\n\n[tool.news-lint]\nselect = ["NL3"\nignore = []\n', 6, 1),
    (".news-lint.toml", 'select = ["NL3"]\nfail-on = error\n', 2, 11),
    ("pyproject.toml", '[project]\nname = "site\n', 2, 13),  # no [tool.news-lint] table at all
    (".news-lint.toml", 'select = [\n', 2, 1),  # at the end of the document
])
def test_toml_syntax_error_exits_2_with_file_line_and_column(cli, tmp_path, valid_article, name,
                                                            text, line, column):
    write(tmp_path / name, text)
    write(tmp_path / ARTICLE_NAME, valid_article())
    proc = cli(ARTICLE_NAME)
    assert proc.returncode == 2, (proc.stdout, proc.stderr)
    assert name in proc.stderr and f"line {line}, column {column}" in proc.stderr, proc.stderr
    assert "Traceback" not in proc.stderr


def test_broken_pyproject_in_an_ignored_nested_folder_is_passed_over(cli, tmp_path, valid_article):
    """In a repository only the root's configuration is read: a vendored package's broken
    pyproject.toml below it is not ours to reject."""
    (tmp_path / ".git").mkdir()
    write(tmp_path / "vendor" / "pkg" / "pyproject.toml", '[project\n')
    write(tmp_path / "vendor" / "pkg" / ARTICLE_NAME, valid_article())
    proc = cli("vendor/pkg/" + ARTICLE_NAME)
    assert proc.returncode == 0, (proc.stdout, proc.stderr)


# --------------------------------------------------------------------------- item 7: messages


@pytest.mark.parametrize("text, wanted", [
    ('ignroe = ["NL3"]\n', ["ignroe", "did you mean `ignore`?"]),
    ('failon = "error"\n', ["failon", "did you mean `fail-on`?"]),
    ('select = ["NL3", "date-mismatc"]\n', ["select", "did you mean `date-mismatch`?"]),
    ('ignore = ["slug-mismatsh"]\n', ["ignore", "did you mean `slug-mismatch`?"]),
    ('profile = "tech_news_articel"\n', ["profile", "did you mean `tech_news_article`?"]),
    ('line-endings = "cr"\n', ["line-endings", "lf", "crlf", "auto"]),
    ('max-file-size = "big"\n', ["max-file-size", "whole number", "max-file-size = 5000000"]),
    ('slug-max-length = -3\n', ["slug-max-length", "greater than 0"]),
    ('author-since = "yesterday"\n', ["author-since", "YYYY-MM-DD"]),
    ('timezone = "Mars/Olympus"\n', ["timezone", "Europe/Prague"]),
    ('exclude = "drafts"\n', ["exclude", "a list"]),
])
def test_every_configuration_error_says_file_key_allowed_and_a_suggestion(cli, tmp_path, valid_article,
                                                                          text, wanted):
    proc = config_error(cli, tmp_path, valid_article, text)
    assert ".news-lint.toml" in proc.stderr, proc.stderr
    for w in wanted:
        assert w in proc.stderr, (w, proc.stderr)
    assert not re.search(r"\^\(|\$'|\\[bdsw]", proc.stderr), proc.stderr  # no regular expression


def test_a_value_is_never_echoed(cli, tmp_path, valid_article):
    write(tmp_path / ".news-lint.toml",
          f'line-endings = "{SECRET}"\nauthor-since = "{SECRET}"\ntimezone = "{SECRET}"\n'
          f'max-file-size = "{SECRET}"\nfail-on = "{SECRET}"\n')
    write(tmp_path / ARTICLE_NAME, valid_article())
    proc = cli(ARTICLE_NAME)
    assert proc.returncode == 2
    no_raw(proc)


def test_profile_yaml_errors_name_the_profile_file_and_key(cli, tmp_path, valid_article):
    profile = SCHEMA_FILE.read_text(encoding="utf-8")
    profile = profile.replace("timezone: UTC", f"timezone: {SECRET}").replace(
        "\nbody:\n", "\nlegacy-layoutz: []\nbody:\n", 1)
    write(tmp_path / "ours.yaml", profile)
    write(tmp_path / ".news-lint.toml", 'profile = "ours.yaml"\n')
    write(tmp_path / ARTICLE_NAME, valid_article())
    proc = cli(ARTICLE_NAME)
    assert proc.returncode == 2
    no_raw(proc)
    assert "ours.yaml" in proc.stderr and "timezone" in proc.stderr, proc.stderr
    assert "did you mean `legacy-layouts`?" in proc.stderr, proc.stderr


def test_an_override_error_names_the_configuration_key_not_the_profile_path(cli, tmp_path, valid_article):
    write(tmp_path / "pyproject.toml", '[tool.news-lint]\nauthor-since = "2025-13-45"\n')
    write(tmp_path / ARTICLE_NAME, valid_article())
    proc = cli(ARTICLE_NAME)
    assert proc.returncode == 2
    no_raw(proc)
    assert "pyproject.toml" in proc.stderr and "author-since" in proc.stderr, proc.stderr
    assert "author.since" not in proc.stderr


def test_json_output_is_unaffected_by_fail_on(cli, tmp_path, warning_only):
    write(tmp_path / ".news-lint.toml", 'fail-on = "error"\n')
    proc = cli("--output-format", "json", FUTURE)
    assert proc.returncode == 0 and json.loads(proc.stdout)[0]["code"] == "NL304"


@pytest.mark.parametrize("text", ['[tool.news-lint]\nfail-on = "error"\n',
                                  'select = ["ALL"]\n\n[tool.news-lint]\nfail-on = "error"\n',
                                  '[tool]\nnews-lint = {fail-on = "error"}\n'])
def test_a_pyproject_table_in_news_lint_toml_says_keys_go_at_the_top_level(cli, tmp_path,
                                                                           valid_article, text):
    proc = config_error(cli, tmp_path, valid_article, text)
    assert ".news-lint.toml" in proc.stderr and "tool" in proc.stderr, proc.stderr
    assert "top level" in proc.stderr and "pyproject.toml" in proc.stderr, proc.stderr
    assert "fail-on" in proc.stderr and "unknown key" not in proc.stderr, proc.stderr


def test_another_tool_table_in_news_lint_toml_gets_no_such_hint(cli, tmp_path, valid_article):
    write(tmp_path / ".news-lint.toml", '[tool.ruff]\nline-length = 100\n')
    write(tmp_path / ARTICLE_NAME, valid_article())
    proc = cli(ARTICLE_NAME)
    assert proc.returncode == 2 and "tool: unknown key" in proc.stderr, proc.stderr
    assert "top level" not in proc.stderr, proc.stderr
